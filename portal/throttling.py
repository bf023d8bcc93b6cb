"""Admin login throttling against password guessing.

Failed logins are counted in the cache per (address, account name) and per address. Past the
limit, that address may not try that account — or, past four times the limit, any account —
until LOGIN_LOCKOUT_SECONDS have passed since the last failure; the lock then expires by
itself. The address is REMOTE_ADDR, set by the server or the proxy in front of it, never
X-Forwarded-For, which any client can write (and so would use to dodge or to lock others out).
Counting in the cache means Redis (REDIS_URL) makes the count shared by every worker.
"""

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache


def _key(*parts: str) -> str:
    material = "|".join(parts).encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), material, hashlib.sha256).hexdigest()
    return f"login-failures:{digest[:32]}"


def _keys(request, username: str) -> tuple[str, str]:
    address = request.META.get("REMOTE_ADDR", "")
    return _key("pair", address, username.casefold().strip()), _key("address", address)


def is_locked(request, username: str) -> bool:
    pair, address = _keys(request, username)
    limit = settings.LOGIN_FAILURE_LIMIT
    return cache.get(pair, 0) >= limit or cache.get(address, 0) >= 4 * limit


def record_failure(request, username: str) -> None:
    for key in _keys(request, username):
        # Each failure restarts the window: the lock lasts LOGIN_LOCKOUT_SECONDS after the last.
        cache.set(key, cache.get(key, 0) + 1, settings.LOGIN_LOCKOUT_SECONDS)


def clear(request, username: str) -> None:
    cache.delete(_keys(request, username)[0])
