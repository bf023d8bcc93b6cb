"""A consistent copy of the whole database, taken while the site runs.

SQLite: the online backup API (a plain file copy of a WAL database can miss recent writes).
PostgreSQL: pg_dump in its custom format, restored with pg_restore (README, "Backups").
"""

import os
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = "Write a consistent backup of the database to FILE (SQLite file or pg_dump archive)."

    def add_arguments(self, parser):
        parser.add_argument("destination", metavar="FILE", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be done; write nothing."
        )

    def handle(self, *args, destination, dry_run, **options):
        if destination.exists():
            raise CommandError(f"{destination} exists; choose a new file.")
        vendor = connection.vendor
        if dry_run:
            self.stdout.write(f"Would back up the {vendor} database to {destination}.")
            return
        if vendor == "sqlite":
            connection.ensure_connection()
            with closing(sqlite3.connect(destination)) as copy:
                connection.connection.backup(copy)
        elif vendor == "postgresql":
            settings = connection.settings_dict
            command = ["pg_dump", "--format=custom", "--no-owner", f"--file={destination}"]
            for option, key in [("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")]:
                if settings.get(key):
                    command.append(f"{option}={settings[key]}")
            command.append(settings["NAME"])
            environment = {
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "PGPASSWORD": settings.get("PASSWORD") or "",
            }
            result = subprocess.run(  # noqa: S603 - fixed program, arguments from settings
                command, env=environment, capture_output=True, text=True
            )
            if result.returncode:
                raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
        else:
            raise CommandError(f"No backup method for {vendor}.")
        self.stdout.write(f"Backed up the {vendor} database to {destination}.")
        self.stdout.write(where_the_files_are())


def where_the_files_are() -> str:
    """The attached files are not in the database: where they are, to keep with its backup."""
    bucket = getattr(default_storage, "bucket_name", None)  # media on S3 (portal/storage.py)
    if bucket:
        return (
            f"Attached files are not in this backup: they are in the bucket {bucket} (keep its "
            "versioning on, or copy it), or take them all with export_archive."
        )
    return (
        f"Attached files are not in this backup: copy {settings.MEDIA_ROOT} with it (they "
        "never change, so rsync is enough)."
    )
