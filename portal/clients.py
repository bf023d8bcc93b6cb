"""The visitor's address, for rate limits and login throttling.

Without trusted proxies (``TRUSTED_PROXIES``, empty by default) it is the direct peer,
``REMOTE_ADDR``: ``X-Forwarded-For`` is whatever a client writes, so it is ignored. Behind a
reverse proxy every request comes from the proxy, so one visitor's limit would be everyone's.
When the peer is one of ``TRUSTED_PROXIES``, the header is read from the right — each proxy
appends the address it received the request from (nginx: ``$proxy_add_x_forwarded_for``) —
skipping trusted proxies, and the first address that is not one is the visitor's. Anything to
its left was written by the visitor and is never read. A malformed entry ends the walk, and the
last trusted hop is taken: garbage is never an address.
"""

import ipaddress

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _parse(text: str) -> Address | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    # A dual-stack socket shows IPv4 peers as ::ffff:a.b.c.d; they are the IPv4 address.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _is_trusted(address: Address) -> bool:
    return any(address in ipaddress.ip_network(proxy) for proxy in settings.TRUSTED_PROXIES)


def client_address(request) -> str:
    """The address of the client that sent ``request``, as a string."""
    remote = request.META.get("REMOTE_ADDR", "")
    if not settings.TRUSTED_PROXIES:
        return remote
    hop = _parse(remote)
    if hop is None or not _is_trusted(hop):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for entry in reversed(forwarded.split(",") if forwarded.strip() else []):
        address = _parse(entry)
        if address is None:
            break  # garbage: the last trusted hop is as far as anything is known
        hop = address
        if not _is_trusted(address):
            break
    return str(hop)
