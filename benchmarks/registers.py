"""How long a dry run of a large register takes: a throwaway database, a synthetic register of
people as a CSV file, then ``import_people --dry-run`` timed, as one JSON report.

    .venv/bin/python benchmarks/registers.py                 # 10,000 rows, SQLite
    .venv/bin/python benchmarks/registers.py --rows 2000 --write   # then write, then again
    DATABASE_URL=postgres://… .venv/bin/python benchmarks/registers.py   # a throwaway database

``synthetic_register_rows(n)`` gives the rows (column → text) for this and for tests. The names
are run.py's synthetic names, which repeat as in a real register; every biography says the
entry is synthetic. Nothing of it is real.
"""

import argparse
import csv
import datetime
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.run import (  # noqa: E402 -- run as a script, the repository is not on the path
    GIVEN_NAMES,
    SURNAMES,
    environment,
    server_arguments,
    synthetic_name,
    synthetic_variants,
    throwaway_postgres,
)

EVENT_SLUGS = ["synthetic-event-a", "synthetic-event-b"]
PLACES = [("synthetic-town", "Synthetic Town"), ("synthetic-village", "Synthetic Village")]
SOURCE_SLUG = "synthetic-register-source"
SOURCE_YEAR = 1990
SOURCE_WORDING = "the names of those who died"
NAMES = len(SURNAMES) * len(GIVEN_NAMES)


def synthetic_register_rows(
    n: int,
    *,
    events: tuple[str, ...] = tuple(EVENT_SLUGS),
    places: tuple[str, ...] = tuple(name for _slug, name in PLACES),
    source: str = f"/archive/{SOURCE_YEAR}/{SOURCE_SLUG}/",
    wording: str = SOURCE_WORDING,
) -> list[dict[str, str]]:
    """``n`` register rows (column → text), each a different person by the key the import
    makes of name and dates (distinct for n up to 40,320): born on a day, died on 19, 20 or
    21 January 1990 known to the day, the month or the year. Places go by name, as registers
    write them; the event, the source and its wording must exist in the database."""
    rows = []
    for i in range(n):
        born = datetime.date(1920 + (i // NAMES) % 70, 1 + (i // (NAMES * 70)) % 12, 1 + i % 28)
        died = [f"1990-01-{19 + i % 3}", "1990-01", "1990"][i % 3]
        rows.append(
            {
                "name": synthetic_name(i),
                "name_variants": "; ".join(synthetic_variants(i)),
                "birth_date": born.isoformat(),
                "death_date": died,
                "age": str(1990 - born.year - 1),
                "place": places[i % len(places)],
                "event": events[i % len(events)],
                "biography": f"Synthetic register entry {i}: not a real person.",
                "source": source,
                "source_wording": wording,
            }
        )
    return rows


def register_csv(rows: list[dict[str, str]]) -> bytes:
    output = io.StringIO(newline="")
    writer = csv.DictWriter(output, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return output.getvalue().encode("utf-8")


def build_references() -> None:
    """The events, places and source document the synthetic rows name."""
    from archive.models import Document, Organization, sha256_of_text
    from memorials.models import Event, Place

    issuer = Organization.objects.create(name="Synthetic issuer", slug="synthetic-issuer")
    body = f"A synthetic list: {SOURCE_WORDING}, for the benchmark only."
    Document.objects.create(
        kind="statement",
        title="Synthetic register source",
        slug=SOURCE_SLUG,
        issuer=issuer,
        issued_on=datetime.date(SOURCE_YEAR, 2, 1),
        body=body,
        checksum=sha256_of_text(body),
    )
    for slug in EVENT_SLUGS:
        Event.objects.create(name=slug, slug=slug, start_date=datetime.date(1990, 1, 20))
    for slug, name in PLACES:
        Place.objects.create(slug=slug, name=name)


def measure(rows: int, folder: Path, *, write: bool = False, migrate: bool = True) -> dict:
    from django.core.management import call_command
    from django.db import connection

    if migrate:
        call_command("migrate", verbosity=0)
    build_references()
    path = folder / "register.csv"
    path.write_bytes(register_csv(synthetic_register_rows(rows)))
    output = io.StringIO()
    started = time.perf_counter()
    call_command("import_people", str(path), "--dry-run", stdout=output)
    seconds = time.perf_counter() - started
    report = {
        "database": connection.vendor,
        "rows": rows,
        "dry_run_seconds": round(seconds, 2),
        "summary": output.getvalue().strip().splitlines()[-1],
    }
    if write:
        output = io.StringIO()
        started = time.perf_counter()
        call_command("import_people", str(path), stdout=output)
        report["write_seconds"] = round(time.perf_counter() - started, 2)
        output = io.StringIO()
        started = time.perf_counter()
        call_command("import_people", str(path), "--dry-run", stdout=output)
        report["again_dry_run_seconds"] = round(time.perf_counter() - started, 2)
        report["again_summary"] = output.getvalue().strip().splitlines()[-1]
    return report


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument(
        "--write",
        action="store_true",
        help="then import for real, and check the same file again (every row unchanged)",
    )
    arguments = parser.parse_args()
    var_dir = Path(tempfile.mkdtemp(prefix="portal-bench-registers-"))
    database_url, postgres_name = os.environ.get("DATABASE_URL", ""), None
    if database_url:
        database_url, postgres_name = throwaway_postgres(database_url)
    os.environ.update(environment(var_dir, database_url))
    import django

    django.setup()
    from django.db import connection

    try:
        print(
            json.dumps(
                measure(arguments.rows, var_dir, write=arguments.write),
                indent=2,
                ensure_ascii=False,
            )
        )
    finally:
        connection.close()
        if postgres_name:
            server = server_arguments(os.environ["DATABASE_URL"])
            subprocess.run(["dropdb", *server, "--if-exists", postgres_name], check=False)


if __name__ == "__main__":
    main()
