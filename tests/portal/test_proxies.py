"""Behind a reverse proxy, one visitor cannot lock out everyone (issue 12, item 5).

The client address (portal/clients.py) is REMOTE_ADDR unless that peer is one of
TRUSTED_PROXIES; then it is the nearest untrusted entry of X-Forwarded-For, read from the right.
Tested on the function, on the settings, and end to end through a real forwarding proxy in
front of the live server, with each visitor on a loopback address of its own (127.0.0.x), so
the proxy sees each as a different peer — as nginx sees real visitors.
"""

import hashlib
import hmac
import http.client
import threading
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode, urlsplit

import pytest
from django.test import RequestFactory

from memorials.models import Tribute
from portal.clients import client_address
from tests.conftest import make_event
from tests.portal.test_settings import setting, start

# The function ---------------------------------------------------------------------------------


def address_of(remote, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **headers))


def test_without_trusted_proxies_forwarded_for_is_ignored(settings):
    settings.TRUSTED_PROXIES = ()
    assert address_of("203.0.113.7", "198.51.100.1") == "203.0.113.7"
    assert address_of("127.0.0.1", "198.51.100.1") == "127.0.0.1"


def test_an_untrusted_peer_is_the_client_whatever_it_writes(settings):
    settings.TRUSTED_PROXIES = ("127.0.0.1", "10.0.0.0/8")
    assert address_of("203.0.113.7", "198.51.100.1") == "203.0.113.7"
    assert address_of("203.0.113.7", "10.0.0.1") == "203.0.113.7"


@pytest.mark.parametrize(
    "trusted, remote, forwarded, client",
    [
        # nginx on the same host: the header's last entry is the visitor.
        (["127.0.0.1"], "127.0.0.1", "203.0.113.7", "203.0.113.7"),
        # What the visitor wrote is to the left of what the proxy appended: never read.
        (["127.0.0.1"], "127.0.0.1", "198.51.100.1, 203.0.113.7", "203.0.113.7"),
        (["127.0.0.1"], "127.0.0.1", "127.0.0.1, 203.0.113.7", "203.0.113.7"),
        # A chain of trusted proxies (a load balancer in 10/8, then nginx) is walked past.
        (["127.0.0.1", "10.0.0.0/8"], "127.0.0.1", "1.2.3.4, 203.0.113.7, 10.1.2.3", "203.0.113.7"),
        # … but a proxy that is not trusted is where trust ends: it is the client.
        (["127.0.0.1"], "127.0.0.1", "203.0.113.7, 10.1.2.3", "10.1.2.3"),
        # IPv6 addresses and networks, and IPv4 peers seen on a dual-stack socket.
        (["::1", "2001:db8:ffff::/48"], "::1", "2001:db8::7, 2001:db8:ffff::2", "2001:db8::7"),
        (["127.0.0.1"], "::ffff:127.0.0.1", "2001:db8::7", "2001:db8::7"),
        (["::/0"], "::1", "2001:DB8:0:0::7", "2001:db8::7"),
        # Every hop trusted: the farthest one known.
        (["127.0.0.1", "10.0.0.0/8"], "127.0.0.1", "10.0.0.9, 10.0.0.2", "10.0.0.9"),
        # No header: the proxy itself.
        (["127.0.0.1"], "127.0.0.1", None, "127.0.0.1"),
        (["127.0.0.1"], "127.0.0.1", " ", "127.0.0.1"),
        # Garbage ends the walk at the last good trusted hop; it is never an address.
        (["127.0.0.1", "10.0.0.0/8"], "127.0.0.1", "203.0.113.7, unknown, 10.0.0.2", "10.0.0.2"),
        (["127.0.0.1"], "127.0.0.1", "203.0.113.7, <script>", "127.0.0.1"),
        (["127.0.0.1"], "127.0.0.1", "203.0.113.7:4711", "127.0.0.1"),
        (["127.0.0.1"], "127.0.0.1", "203.0.113.7,", "127.0.0.1"),
        (["127.0.0.1"], "127.0.0.1", "203.0.113.999", "127.0.0.1"),
    ],
)
def test_the_nearest_untrusted_hop_is_the_client(settings, trusted, remote, forwarded, client):
    settings.TRUSTED_PROXIES = tuple(trusted)
    assert address_of(remote, forwarded) == client


# The setting ----------------------------------------------------------------------------------


def test_trusted_proxies_default_to_none():
    assert setting("settings.TRUSTED_PROXIES", DEBUG="1") == "()"


def test_trusted_proxies_take_addresses_and_networks_of_both_families():
    value = setting(
        "[str(network) for network in settings.TRUSTED_PROXIES]",
        DEBUG="1",
        TRUSTED_PROXIES="127.0.0.1, 10.0.0.0/8 ,::1,2001:db8::/32",
    )
    assert value == "['127.0.0.1/32', '10.0.0.0/8', '::1/128', '2001:db8::/32']"


@pytest.mark.parametrize("value", ["localhost", "10.0.0.300", "10.0.0.1/8", "::1/129", "*"])
def test_a_wrong_trusted_proxy_stops_the_start(value):
    result = start(DEBUG="1", TRUSTED_PROXIES=f"127.0.0.1,{value}")
    assert result.returncode != 0
    assert "ImproperlyConfigured: TRUSTED_PROXIES must be comma-separated IP addresses" in (
        result.stderr
    )
    assert repr(value) in result.stderr


# Through a real proxy -------------------------------------------------------------------------

PROXY_ADDRESS = "127.0.0.1"  # where the proxy listens and connects from, as nginx on the host
ALICE, BOB, MALLORY = "127.0.0.10", "127.0.0.11", "127.0.0.12"
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
}


class _ForwardingHandler(BaseHTTPRequestHandler):
    """nginx's ``proxy_pass`` with ``proxy_set_header X-Forwarded-For
    $proxy_add_x_forwarded_for``: the request goes upstream with the peer's address appended
    to whatever X-Forwarded-For the client sent."""

    def forward(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {
            name: value
            for name, value in self.headers.items()
            if name.lower() not in HOP_BY_HOP | {"x-forwarded-for"}
        }
        sent = ", ".join(self.headers.get_all("X-Forwarded-For") or [])
        peer = self.client_address[0]
        headers["X-Forwarded-For"] = f"{sent}, {peer}" if sent else peer
        headers["X-Forwarded-Proto"] = "http"
        upstream = http.client.HTTPConnection(
            *self.server.upstream, source_address=(PROXY_ADDRESS, 0), timeout=30
        )
        try:
            upstream.request(self.command, self.path, body=body, headers=headers)
            response = upstream.getresponse()
            content = response.read()
        finally:
            upstream.close()
        self.send_response_only(response.status, response.reason)
        for name, value in response.getheaders():
            if name.lower() not in HOP_BY_HOP | {"content-length"}:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    do_GET = do_POST = forward

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture
def upstream(live_server):
    parts = urlsplit(live_server.url)
    return "127.0.0.1", parts.port


@pytest.fixture
def proxy(upstream):
    """A reverse proxy on loopback in front of the live server; yields (host, port)."""
    server = ThreadingHTTPServer((PROXY_ADDRESS, 0), _ForwardingHandler)
    server.upstream = upstream
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[:2]
    server.shutdown()
    server.server_close()


class Visitor:
    """A browser on its own loopback address, keeping its cookies and posting forms with the
    CSRF token, talking to ``server`` (the proxy, or the site directly)."""

    def __init__(self, address, server):
        self.address, self.server, self.cookies = address, server, {}

    def request(self, method, path, form=None, headers=None):
        connection = http.client.HTTPConnection(
            *self.server, source_address=(self.address, 0), timeout=30
        )
        headers = dict(headers or {})
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read().decode()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            self.cookies.update({name: morsel.value for name, morsel in cookie.items()})
        return response.status, content

    def post(self, path, form, headers=None):
        if "csrftoken" not in self.cookies:
            self.request("GET", "/admin/login/")
        return self.request(
            "POST", path, {**form, "csrfmiddlewaretoken": self.cookies["csrftoken"]}, headers
        )


def sender_hash(address, settings):
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def light_candle(visitor, event, headers=None):
    return visitor.post(f"/events/{event.slug}/tributes/", {"kind": "candle"}, headers)[0]


def test_behind_the_proxy_each_visitor_has_a_tribute_limit_of_their_own(proxy, settings):
    settings.TRUSTED_PROXIES = (PROXY_ADDRESS,)
    event = make_event()
    alice, bob = Visitor(ALICE, proxy), Visitor(BOB, proxy)
    assert [light_candle(alice, event) for _ in range(5)] == [302] * 5
    assert light_candle(alice, event) == 429
    # Another visitor behind the same proxy is not refused.
    assert light_candle(bob, event) == 302
    # Alice cannot become Bob, or the proxy, by writing X-Forwarded-For: the proxy appends her
    # real address, and that is the one used.
    for forged in [BOB, PROXY_ADDRESS, f"{BOB}, {PROXY_ADDRESS}", "garbage"]:
        assert light_candle(alice, event, {"X-Forwarded-For": forged}) == 429
    # … so none of her attempts counted against Bob: he has four tributes left.
    assert [light_candle(bob, event) for _ in range(4)] == [302] * 4
    assert light_candle(bob, event) == 429
    senders = list(Tribute.objects.values_list("sender", flat=True))
    assert sorted(senders) == sorted(
        [sender_hash(ALICE, settings)] * 5 + [sender_hash(BOB, settings)] * 5
    )


def test_without_trusted_proxies_everyone_behind_the_proxy_is_one_visitor(proxy, settings):
    """Why the setting exists: the proxy's address is everyone's."""
    settings.TRUSTED_PROXIES = ()
    event = make_event()
    alice, bob = Visitor(ALICE, proxy), Visitor(BOB, proxy)
    assert [light_candle(alice, event) for _ in range(5)] == [302] * 5
    assert light_candle(bob, event) == 429


@pytest.mark.parametrize("trusted", [(), (PROXY_ADDRESS,)])
def test_a_forged_forwarded_for_sent_directly_is_ignored(upstream, settings, trusted):
    settings.TRUSTED_PROXIES = trusted
    event = make_event()
    mallory, bob = Visitor(MALLORY, upstream), Visitor(BOB, upstream)
    statuses = [
        light_candle(mallory, event, {"X-Forwarded-For": f"198.51.100.{number}"})
        for number in range(6)
    ]
    assert statuses == [302] * 5 + [429]  # rotating the header does not escape the limit …
    assert light_candle(mallory, event, {"X-Forwarded-For": BOB}) == 429
    assert light_candle(bob, event) == 302  # … nor spend someone else's
    assert set(Tribute.objects.values_list("sender", flat=True)) == {
        sender_hash(MALLORY, settings),
        sender_hash(BOB, settings),
    }


@pytest.fixture
def desk(django_user_model):
    return django_user_model.objects.create_user("desk", password="right-password", is_staff=True)


def log_in(visitor, username="desk", password="right-password", headers=None):
    status, content = visitor.post(
        "/admin/login/?next=/admin/", {"username": username, "password": password}, headers
    )
    if status == 302:
        return "logged in"
    if "Too many failed attempts from this address" in content:
        return "locked"
    assert "Please enter the correct username" in content, content[:500]
    return "wrong password"


def test_behind_the_proxy_failed_logins_lock_out_only_their_client(proxy, settings, desk):
    settings.TRUSTED_PROXIES = (PROXY_ADDRESS,)
    settings.LOGIN_FAILURE_LIMIT = 3
    attacker, colleague = Visitor(ALICE, proxy), Visitor(BOB, proxy)
    assert [log_in(attacker, password="guess") for _ in range(3)] == ["wrong password"] * 3
    assert log_in(attacker) == "locked"
    assert log_in(attacker, headers={"X-Forwarded-For": BOB}) == "locked"
    # The same account, from a colleague's address behind the same proxy: no lock.
    assert log_in(colleague) == "logged in"


def test_behind_the_proxy_guessing_many_accounts_locks_out_only_the_guesser(proxy, settings, desk):
    settings.TRUSTED_PROXIES = (PROXY_ADDRESS,)
    settings.LOGIN_FAILURE_LIMIT = 2
    attacker, colleague = Visitor(ALICE, proxy), Visitor(BOB, proxy)
    for number in range(4 * 2):  # four times the limit, spread over accounts
        assert log_in(attacker, username=f"user{number}", password="guess") == "wrong password"
    assert log_in(attacker) == "locked"  # every account, from the attacker's address
    assert log_in(colleague) == "logged in"


def test_without_trusted_proxies_one_guesser_locks_out_everyone_behind_the_proxy(
    proxy, settings, desk
):
    """The reported failure, kept as the reason for TRUSTED_PROXIES."""
    settings.TRUSTED_PROXIES = ()
    settings.LOGIN_FAILURE_LIMIT = 2
    attacker, colleague = Visitor(ALICE, proxy), Visitor(BOB, proxy)
    for number in range(4 * 2):
        log_in(attacker, username=f"user{number}", password="guess")
    assert log_in(colleague) == "locked"
