"""A backup restores into a fresh database with identical content (README, "Backups")."""

import io
import json
import sqlite3
import subprocess
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from portal import bags

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump sees committed rows only


def comparable(value) -> str:
    """A value as text, JSON written one way: Django's connection reads a jsonb column as its
    text, a bare psycopg connection as a dict."""
    if isinstance(value, str) and value[:1] in "{[":
        try:
            value = json.loads(value)
        except ValueError:
            return value
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def content_rows(cursor) -> dict[str, list[tuple]]:
    tables = [model._meta.db_table for model in bags.content_models()]
    rows = {}
    for table in tables:
        cursor.execute(f'SELECT * FROM "{table}" ORDER BY 1')  # noqa: S608 - our own names
        rows[table] = [tuple(map(comparable, row)) for row in cursor.fetchall()]
    return rows


def test_a_backup_restores_into_a_fresh_database_with_identical_content(seed, tmp_path):
    seed.tags.add("Black January")
    with connection.cursor() as cursor:
        original = content_rows(cursor)
    assert original["archive_document"]

    backup = tmp_path / "portal.backup"
    call_command("backup_database", str(backup), stdout=io.StringIO())
    with pytest.raises(CommandError, match="exists"):
        call_command("backup_database", str(backup))

    if connection.vendor == "sqlite":
        restored = sqlite3.connect(backup)  # restoring is putting the file in place
        assert content_rows(restored.cursor()) == original
        restored.close()
        return

    settings = connection.settings_dict
    fresh = f"restore_{uuid.uuid4().hex[:8]}"
    server = [f"--host={settings['HOST']}", f"--port={settings['PORT'] or 5432}"]
    server += [f"--username={settings['USER']}"] if settings.get("USER") else []
    subprocess.run(["createdb", *server, fresh], check=True)
    try:
        subprocess.run(
            ["pg_restore", *server, "--no-owner", f"--dbname={fresh}", str(backup)], check=True
        )
        import psycopg

        with psycopg.connect(
            host=settings["HOST"],
            port=settings["PORT"] or 5432,
            user=settings["USER"],
            password=settings.get("PASSWORD") or None,
            dbname=fresh,
        ) as restored:
            assert content_rows(restored.cursor()) == original
    finally:
        subprocess.run(["dropdb", *server, "--if-exists", fresh], check=True)
