"""Admin login throttling against password guessing.

Failed logins are counted per (client address, account name) and per client address — never
per account alone, so nobody can lock an account out for everyone else. Past the limit, that
address may not try that account — or, past four times the limit, any account — until
LOGIN_LOCKOUT_SECONDS have passed since its last failure; the lock then expires by itself.
The address is ``clients.client_address``: REMOTE_ADDR, or behind a trusted proxy
(TRUSTED_PROXIES) the visitor's address that proxy reported — never what a client writes in
X-Forwarded-For, which it would use to dodge the lock or to lock others out. The counters live
in the "limits" cache (portal/limits.py), which every worker shares.
"""

import hashlib
import hmac

from django.conf import settings

from .clients import client_address
from .limits import increment, limits_cache


def _key(*parts: str) -> str:
    material = "|".join(parts).encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), material, hashlib.sha256).hexdigest()
    return f"login-failures:{digest[:32]}"


def _keys(request, username: str) -> tuple[str, str]:
    address = client_address(request)
    return _key("pair", address, username.casefold().strip()), _key("address", address)


def is_locked(request, username: str) -> bool:
    pair, address = _keys(request, username)
    limit = settings.LOGIN_FAILURE_LIMIT
    counts = limits_cache().get_many([pair, address])
    return counts.get(pair, 0) >= limit or counts.get(address, 0) >= 4 * limit


def record_failure(request, username: str) -> None:
    for key in _keys(request, username):
        # Each failure restarts the window: the lock lasts LOGIN_LOCKOUT_SECONDS after the last.
        increment(key, settings.LOGIN_LOCKOUT_SECONDS, restart_window=True)


def clear(request, username: str) -> None:
    limits_cache().delete(_keys(request, username)[0])
