import datetime
import json

import pytest
from django.core.management import CommandError, call_command

from archive.importer import DocumentFormatError, parse_date, parse_document
from archive.models import Document, Organization
from portal.publishing import Status
from tests.conftest import REPO, SEED_FILE, SEED_ISSUER, SEED_TITLE

pytestmark = pytest.mark.django_db

RELEASE = """Embassy of Example in Nowhere

*Statement*

{date}

A TITLE ON
TWO LINES

First paragraph of the text.

Second paragraph.
"""


def run_import(*args):
    """Run import_documents; return (stdout, stderr, the CommandError or None)."""
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("import_documents", *map(str, args), stdout=out, stderr=err)
        error = None
    except CommandError as raised:
        error = raised
    return out.getvalue(), err.getvalue(), error


@pytest.mark.parametrize(
    "line",
    [
        "21 January 2008",
        "January 21, 2008",
        "21.01.2008",
        "2008-01-21",
        "21st Jan 2008",
        "*21 January 2008*",
    ],
)
def test_dates_in_the_common_forms(line):
    assert parse_date(line) == datetime.date(2008, 1, 21)


@pytest.mark.parametrize("line", ["Special Issue", "In January 2008", "21 Foo 2008"])
def test_lines_that_are_not_dates(line):
    assert parse_date(line) is None


def test_a_date_shaped_line_that_is_no_date_is_an_error():
    with pytest.raises(DocumentFormatError, match="not a real date"):
        parse_date("31.02.2008")


def test_parsing_a_release_with_a_two_line_title():
    parsed = parse_document(RELEASE.format(date="January 5, 2011"))
    assert parsed.issuer_name == "Embassy of Example in Nowhere"
    assert parsed.kind == Document.Kind.STATEMENT
    assert parsed.series == ""
    assert parsed.issued_on == datetime.date(2011, 1, 5)
    assert parsed.title == "A TITLE ON TWO LINES"
    assert parsed.body == "First paragraph of the text.\n\nSecond paragraph."


def test_importing_the_seed_into_an_empty_database_matches_the_fixture():
    out, err, error = run_import(SEED_FILE)
    assert error is None, err
    fixture = json.loads((REPO / "fixtures" / "seed.json").read_text(encoding="utf-8"))
    (expected,) = [r["fields"] for r in fixture if r["model"] == "archive.document"]
    document = Document.objects.get()
    assert document.issuer.name == SEED_ISSUER
    assert document.issuer.slug == expected["issuer"][0]
    assert document.issued_on.isoformat() == expected["issued_on"] == "2008-01-21"
    assert document.title == expected["title"] == SEED_TITLE
    assert document.body == expected["body"]
    assert document.checksum == expected["checksum"]
    assert document.series == "Special Issue"
    assert document.kind == Document.Kind.PRESS_RELEASE
    assert document.status == Status.DRAFT
    assert document.language == expected["language"] == "en"
    assert "1 created, 0 unchanged, 0 failed." in out
    assert "added issuer" in out
    assert "note: language recognised from the text: English (en)" in out


def test_importing_again_creates_nothing_and_says_so(seed):
    out, err, error = run_import(SEED_FILE)
    assert error is None
    assert f"unchanged: {SEED_FILE}" in out
    assert "0 created, 1 unchanged, 0 failed." in out
    assert Document.objects.count() == 1
    assert Organization.objects.count() == 1


def test_a_bom_and_crlf_line_ends_give_the_same_text(tmp_path):
    windows = tmp_path / "windows.txt"
    windows.write_bytes(b"\xef\xbb\xbf" + SEED_FILE.read_bytes().replace(b"\n", b"\r\n"))
    out, err, error = run_import(windows)
    assert error is None, err
    fixture = json.loads((REPO / "fixtures" / "seed.json").read_text(encoding="utf-8"))
    (expected,) = [r["fields"] for r in fixture if r["model"] == "archive.document"]
    assert Document.objects.get().body == expected["body"]
    # And the original file is now recognised as the same text.
    out, err, error = run_import(SEED_FILE)
    assert "0 created, 1 unchanged" in out


def test_publish_flag_publishes(tmp_path):
    (tmp_path / "release.txt").write_text(RELEASE.format(date="2011-01-05"), encoding="utf-8")
    run_import(tmp_path / "release.txt", "--publish")
    assert Document.objects.get().status == Status.PUBLISHED


def test_an_unknown_issuer_is_created_with_a_note(tmp_path):
    (tmp_path / "release.txt").write_text(RELEASE.format(date="2011-01-05"), encoding="utf-8")
    out, err, error = run_import(tmp_path / "release.txt")
    assert error is None
    assert Organization.objects.get().name == "Embassy of Example in Nowhere"
    assert "created new issuer 'Embassy of Example in Nowhere'" in out


def test_a_known_issuer_is_matched_by_a_name_variant(seed, tmp_path):
    text = RELEASE.format(date="2011-01-05").replace(
        "Embassy of Example in Nowhere", "MISSION OF AZERBAIJAN TO THE UNITED NATIONS"
    )
    (tmp_path / "release.txt").write_text(text, encoding="utf-8")
    run_import(tmp_path / "release.txt")
    assert Organization.objects.count() == 1
    assert Document.objects.get(title="A TITLE ON TWO LINES").issuer == seed.issuer


def test_a_folder_imports_its_txt_files_and_a_repeated_title_gets_its_own_slug(tmp_path):
    (tmp_path / "a.txt").write_text(RELEASE.format(date="2011-01-05"), encoding="utf-8")
    (tmp_path / "b.txt").write_text(
        RELEASE.format(date="2011-02-05").replace("Second", "Other"), encoding="utf-8"
    )
    (tmp_path / "notes.md").write_text("not a document", encoding="utf-8")
    out, err, error = run_import(tmp_path)
    assert error is None, err
    assert "2 created, 0 unchanged, 0 failed." in out
    assert sorted(Document.objects.values_list("slug", flat=True)) == [
        "a-title-on-two-lines",
        "a-title-on-two-lines-2",
    ]


def test_dry_run_writes_nothing(tmp_path):
    (tmp_path / "release.txt").write_text(RELEASE.format(date="2011-01-05"), encoding="utf-8")
    out, err, error = run_import(tmp_path / "release.txt", SEED_FILE, "--dry-run")
    assert error is None
    assert "2 would be created, 0 unchanged, 0 failed. Dry run: nothing was written." in out
    assert "would be created: " in out
    assert not Document.objects.exists()
    assert not Organization.objects.exists()


BAD_INPUTS = {
    "empty.txt": (b"", "the file is empty"),
    "blank.txt": (b"\n  \n\t\n", "the file is empty"),
    "nodate.txt": (b"Some Mission\nPress Release\nA title\n\nText.", "no recognisable date"),
    "binary.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary data, not text"),
    "latin1.txt": (
        "Mission\nPress Release\n21 January 2008\nTitre\n\nCafé".encode("latin-1"),
        "not UTF-8 text",
    ),
    "badday.txt": (b"Mission\nPress Release\n31.02.2008\nTitle\n\nText.", "not a real date"),
    "nokind.txt": (b"Mission\n21 January 2008\nTitle\n\nText.", "no kind line"),
    "notitle.txt": (b"Mission\nPress Release\n21 January 2008\n\n", "no title after the date"),
    "nobody.txt": (
        b"Mission\nPress Release\n21 January 2008\n\nTitle only\n",
        "no text after the title",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_is_refused_with_one_line_and_the_rest_of_the_batch_imports(tmp_path, name):
    data, reason = BAD_INPUTS[name]
    bad = tmp_path / name
    bad.write_bytes(data)
    out, err, error = run_import(bad, SEED_FILE)
    failure_lines = [line for line in err.splitlines() if line.startswith("failed:")]
    assert len(failure_lines) == 1
    assert failure_lines[0].startswith(f"failed: {bad}:")
    assert reason in failure_lines[0]
    assert "1 created, 0 unchanged, 1 failed." in out
    assert isinstance(error, CommandError)
    assert Document.objects.get().title == SEED_TITLE  # the good file still imported


def test_a_missing_path_is_named(tmp_path):
    out, err, error = run_import(tmp_path / "nowhere.txt")
    assert f"failed: {tmp_path / 'nowhere.txt'}: no such file or folder" in err
    assert "0 created, 0 unchanged, 1 failed." in out
    assert error is not None


def test_a_file_that_fails_on_save_leaves_nothing_behind(tmp_path):
    # The heading parses, so a new issuer would be created; the title is too long to save.
    text = RELEASE.format(date="2011-01-05").replace("A TITLE ON", "A" * 600)
    (tmp_path / "long.txt").write_text(text, encoding="utf-8")
    out, err, error = run_import(tmp_path / "long.txt")
    assert "failed:" in err and "title" in err
    assert not Organization.objects.exists()
    assert not Document.objects.exists()


def _planner_has_statistics() -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if not cursor.fetchone()[0]:
                return False
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'archive_document'")
            return cursor.fetchone()[0] > 0
        # PostgreSQL: reltuples is -1 until the table is first analyzed.
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'archive_document'")
        return cursor.fetchone()[0] >= 0


def test_an_import_leaves_the_query_planner_its_statistics(tmp_path):
    """At archive scale SQLite without statistics sorts every document for a page of 20.
    (On PostgreSQL an earlier test's ANALYZE outlives its rollback, so only the end state is
    checked there.)"""
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS sqlite_stat1")
        assert not _planner_has_statistics()
    source = tmp_path / "release.txt"
    source.write_text(RELEASE.format(date="21 January 2008"))
    assert run_import(source)[2] is None
    assert _planner_has_statistics()
