"""Database upkeep the application does itself, and the optional read replica.

**The read replica** (``DATABASE_REPLICA_URL``, portal/settings.py): a copy of the database that
the primary streams its changes to (PostgreSQL streaming replication), a moment behind it. With
it, the database alias ``"replica"`` exists and ``ReplicaRouter`` sends the reads of *public
requests* there: a GET or HEAD by a visitor with no session and no message waiting (the requests
the page cache serves, portal/freshness.py), outside the admin. Everything else reads the
primary — the admin, every POST and what follows it in the same request, an editor's preview, a
management command, a Celery job, any read inside a transaction — so a read that follows a write
always sees it. Writes and migrations go to the primary alone.

A public page read from the replica is consistent with itself: its content and the versions
that key it in the page cache (``ContentChange``) come from the same copy, so a page rendered
before the replica has caught up is kept under the older version, and rendered again once the
replica has the change.
"""

from contextvars import ContextVar

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.urls import reverse

REPLICA = "replica"

# Whether this request's reads may go to the replica: set by ReplicaReadsMiddleware (installed
# only with a replica) for a public request, and only for it. A context variable: each thread
# (and each asyncio task) has its own.
_public_read: ContextVar[bool] = ContextVar("public_read", default=False)


def refresh_statistics() -> None:
    """Gather the query planner's statistics after a bulk load. Without them SQLite guesses,
    and at archive scale it guesses wrong (a full sort instead of reading the list's index);
    PostgreSQL's autovacuum would gather them too, but only some time later. Outside a
    transaction PostgreSQL also vacuums, as autovacuum would soon: counts then read indexes
    alone (an index-only scan needs to know which pages hold only visible rows)."""
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")


def reading_database() -> str:
    """The alias public reads use now: the replica during a public request outside any
    transaction, else the primary."""
    if _public_read.get() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return REPLICA
    return DEFAULT_DB_ALIAS


class ReplicaRouter:
    """Reads of public requests from the replica; every other read, every write and every
    migration on the primary (``DATABASE_ROUTERS`` when ``DATABASE_REPLICA_URL`` is set)."""

    def db_for_read(self, model, **hints):
        return reading_database()

    def db_for_write(self, model, **hints):
        # A public request that writes (none does today) reads the primary from then on, so
        # that what it wrote is what it reads.
        _public_read.set(False)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the two aliases hold the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


class ReplicaReadsMiddleware:
    """Lets the reads of a public request go to the replica: a GET or HEAD with no session
    cookie and no message waiting, outside the admin. Before the page cache, whose versions are
    read from the same database as the page (portal/freshness.py)."""

    def __init__(self, get_response):
        from portal.freshness import is_public_request  # it needs the models loaded

        self.get_response = get_response
        self.is_public_request = is_public_request
        self.admin = reverse("admin:index")

    def __call__(self, request):
        public = self.is_public_request(request) and not request.path_info.startswith(self.admin)
        token = _public_read.set(public)
        try:
            return self.get_response(request)
        finally:
            _public_read.reset(token)
