"""Counters for rate limits, in the cache every worker shares (``CACHES["limits"]``).

The tribute rate limit (memorials/tributes.py) and admin login throttling (portal/throttling.py)
count here. A per-process cache would give each gunicorn worker its own count, so every limit
would be multiplied by the number of workers: with REDIS_URL the counters live in Redis, without
it in a database table (created after every ``migrate``, as ``createcachetable`` would), through
``DatabaseLimitsCache`` below.
"""

import base64
import pickle

from django.apps import apps
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.utils import timezone


def create_table_after_migrate(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    """Every ``migrate`` creates the limits table when it is missing, so an upgrade that runs
    only ``migrate`` never meets a login or a tribute that fails for want of it. post_migrate is
    sent once per app: the last one runs it."""
    if sender is list(apps.get_app_configs())[-1]:
        call_command("createcachetable", database=using, verbosity=0)


def limits_cache():
    return caches["limits"]


def increment(key: str, window_seconds: int, *, restart_window: bool = False) -> int:
    """Add one to the counter ``key`` and return its new value. The counter disappears
    ``window_seconds`` after its first hit, or after its last one with ``restart_window``."""
    cache = limits_cache()
    cache.add(key, 0, window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window_seconds)
        return 1
    if restart_window:
        cache.touch(key, window_seconds)
    return count


class DatabaseLimitsCache(DatabaseCache):
    """Django's database cache, with an ``incr`` that two workers cannot interleave.

    Django's own ``incr`` reads the value, then writes it back with the default timeout: two
    workers both read 4 and both write 5 (one hit is lost, so a limit lets one more through),
    and the counter's expiry moves. Here the row is read and written in one transaction that
    holds it — ``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite the settings begin every
    transaction IMMEDIATE, which takes the database's write lock — and the expiry is kept.
    """

    def incr(self, key, delta=1, version=None):
        cache_key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote = connection.ops.quote_name
        table = quote(self._table)
        now = connection.ops.adapt_datetimefield_value(timezone.now().replace(microsecond=0))
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('value')} FROM {table} "  # noqa: S608 - names quoted, values bound
                f"WHERE {quote('cache_key')} = %s AND {quote('expires')} >= %s{lock}",
                [cache_key, now],
            )
            row = cursor.fetchone()
            if row is None:
                raise ValueError(f"Key '{key}' not found")
            stored = connection.ops.process_clob(row[0])
            value = pickle.loads(base64.b64decode(stored.encode())) + delta  # noqa: S301 - ours
            pickled = pickle.dumps(value, self.pickle_protocol)
            cursor.execute(
                f"UPDATE {table} SET {quote('value')} = %s "  # noqa: S608 - as above
                f"WHERE {quote('cache_key')} = %s",
                [base64.b64encode(pickled).decode("latin1"), cache_key],
            )
        return value
