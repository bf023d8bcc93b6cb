"""The database's own full-text index over SearchEntry: FTS5 on SQLite, tsvector + GIN on
PostgreSQL. Written by hand because each engine needs its own DDL."""

from django.db import migrations

SQLITE_FORWARD = [
    # An external-content FTS5 table: it stores only the index; the text stays in the entry.
    """CREATE VIRTUAL TABLE portal_search_fts USING fts5(
        folded_title, folded_text,
        content='portal_searchentry', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )""",
    # Triggers keep the index in step with every insert, update and delete of an entry.
    """CREATE TRIGGER portal_search_fts_insert AFTER INSERT ON portal_searchentry BEGIN
        INSERT INTO portal_search_fts(rowid, folded_title, folded_text)
        VALUES (new.id, new.folded_title, new.folded_text);
    END""",
    """CREATE TRIGGER portal_search_fts_delete AFTER DELETE ON portal_searchentry BEGIN
        INSERT INTO portal_search_fts(portal_search_fts, rowid, folded_title, folded_text)
        VALUES ('delete', old.id, old.folded_title, old.folded_text);
    END""",
    """CREATE TRIGGER portal_search_fts_update AFTER UPDATE ON portal_searchentry BEGIN
        INSERT INTO portal_search_fts(portal_search_fts, rowid, folded_title, folded_text)
        VALUES ('delete', old.id, old.folded_title, old.folded_text);
        INSERT INTO portal_search_fts(rowid, folded_title, folded_text)
        VALUES (new.id, new.folded_title, new.folded_text);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS portal_search_fts_update",
    "DROP TRIGGER IF EXISTS portal_search_fts_delete",
    "DROP TRIGGER IF EXISTS portal_search_fts_insert",
    "DROP TABLE IF EXISTS portal_search_fts",
]

POSTGRESQL_FORWARD = [
    # The 'simple' configuration: the text is already folded, and stemming English rules
    # into Azerbaijani or transliterated Russian names would do harm.
    """ALTER TABLE portal_searchentry ADD COLUMN search_vector tsvector
        GENERATED ALWAYS AS (
            setweight(to_tsvector('simple'::regconfig, folded_title), 'A')
            || setweight(to_tsvector('simple'::regconfig, folded_text), 'B')
        ) STORED""",
    "CREATE INDEX portal_searchentry_vector_gin ON portal_searchentry USING gin (search_vector)",
]
POSTGRESQL_BACKWARD = [
    "DROP INDEX IF EXISTS portal_searchentry_vector_gin",
    "ALTER TABLE portal_searchentry DROP COLUMN IF EXISTS search_vector",
]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_search_entries")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}),
            run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD}),
        ),
    ]
