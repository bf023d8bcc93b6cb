"""How much of a search entry's date is known: "day", "month" or "year".

Written by hand: Django adds a column that is NOT NULL or has a default on SQLite by
rebuilding the table, and dropping the old table would drop the triggers that keep the FTS5
index (migration 0002) in step. SQLite adds this column in place (ALTER TABLE … ADD COLUMN
with a constant default, which it allows); other databases add it the ordinary way. Existing
entries are "day" until the index is rebuilt (rebuild_search_index).
"""

from django.db import migrations, models

SQLITE_ADD = (
    "ALTER TABLE portal_searchentry ADD COLUMN date_precision varchar(10) NOT NULL DEFAULT 'day'"
)
SQLITE_DROP = "ALTER TABLE portal_searchentry DROP COLUMN date_precision"


def _field():
    field = models.CharField(max_length=10, default="day")
    field.set_attributes_from_name("date_precision")
    return field


def add_column(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_ADD)
    else:
        schema_editor.add_field(apps.get_model("portal", "SearchEntry"), _field())


def drop_column(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)
    else:
        schema_editor.remove_field(apps.get_model("portal", "SearchEntry"), _field())


class Migration(migrations.Migration):
    dependencies = [("portal", "0007_name_spellings_and_full_text_rows")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="searchentry",
                    name="date_precision",
                    field=models.CharField(default="day", max_length=10),
                ),
            ],
            database_operations=[migrations.RunPython(add_column, drop_column)],
        ),
    ]
