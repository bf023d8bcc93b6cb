"""Database upkeep the application does itself."""

from django.db import connection


def refresh_statistics() -> None:
    """Gather the query planner's statistics after a bulk load. Without them SQLite guesses,
    and at archive scale it guesses wrong (a full sort instead of reading the list's index);
    PostgreSQL's autovacuum would gather them too, but only some time later."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
