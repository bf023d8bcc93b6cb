"""Registers of people as spreadsheets: import_people, export_people and the admin's bulk import
of .csv and .xlsx files. Every name here is synthetic."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from benchmarks.registers import register_csv, synthetic_register_rows
from memorials.models import Person
from memorials.registers import COLUMNS, import_register
from portal.fixtures import Outcome
from portal.publishing import Status
from tests.conftest import make_document, make_event, make_person, make_place

pytestmark = pytest.mark.django_db

ADMIN_IMPORT = "/admin/archive/document/import/"
# The source breaks its lines where it will: a quotation may break them elsewhere.
SOURCE_TEXT = (
    "A synthetic statement.\n\nAmong the dead were Həsənov Rəşad,\na teacher, and Quliyev Tofiq."
)


@pytest.fixture
def world():
    """The event, place and source document the test registers name."""
    event = make_event(name="Synthetic January", slug="synthetic-january")
    place = make_place(name="Baku", slug="baku", name_variants="Bakı\nБаку")
    source = make_document(
        slug="synthetic-list",
        issued_on="2010-05-01",
        body=SOURCE_TEXT,
    )
    return {"event": event, "place": place, "source": source}


def csv_bytes(rows: list[list[str]], *, bom=False, delimiter=",") -> bytes:
    output = io.StringIO(newline="")
    csv.writer(output, delimiter=delimiter).writerows(rows)
    return output.getvalue().encode("utf-8-sig" if bom else "utf-8")


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def run(path, *options):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_people", str(path), *options, stdout=out, stderr=err)
    return out.getvalue()


def run_failing(path, *options) -> str:
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="nothing from .* was written"):
        call_command("import_people", str(path), *options, stdout=out, stderr=err)
    return err.getvalue()


HEADER = ["name", "name_variants", "birth_date", "death_date", "age", "place", "event"]
HEADER += ["biography", "source", "source_wording"]


def register(*rows) -> list[list[str]]:
    return [HEADER, *[[*row, *[""] * (len(HEADER) - len(row))] for row in rows]]


HASANOV = [
    "Həsənov Rəşad",
    "Hasanov Rashad; Гасанов Рашад",
    "1965",
    "1990-01-20",
    "24",
    "Bakı",
    "synthetic-january",
    "A teacher.",
    "/archive/2010/synthetic-list/",
    # The source breaks the line elsewhere: spaces and line breaks may differ.
    "Həsənov   Rəşad, a teacher, and",
]
QULIYEV = ["Quliyev Tofiq", "", "1970-03", "1990-01", "", "baku", "synthetic-january"]
ELCIN = ["Məmmədov Elçin", "", "", "1990", "40"]


# Reading ------------------------------------------------------------------------------------


@pytest.mark.parametrize("bom", [False, True], ids=["without BOM", "with BOM"])
def test_a_csv_register_creates_drafts_at_each_precision(tmp_path, world, bom):
    path = write(tmp_path, "register.csv", csv_bytes(register(HASANOV, QULIYEV, ELCIN), bom=bom))
    out = run(path)
    assert "row 2: created: Həsənov Rəşad" in out and "row 4: created: Məmmədov Elçin" in out
    assert "3 created, 0 updated, 0 unchanged, 0 failed." in out

    hasanov = Person.objects.get(slug="hesenov-resad-1965-1990-01-20")
    assert hasanov.name == "Həsənov Rəşad" and hasanov.variants == [
        "Hasanov Rashad",
        "Гасанов Рашад",
    ]
    assert (hasanov.birth_date, hasanov.birth_precision) == (datetime.date(1965, 1, 1), "year")
    assert (hasanov.death_date, hasanov.death_precision) == (datetime.date(1990, 1, 20), "day")
    assert hasanov.age == 24 and hasanov.place == world["place"]
    assert hasanov.event == world["event"] and hasanov.source == world["source"]
    assert hasanov.source_wording == "Həsənov   Rəşad, a teacher, and"
    assert hasanov.status == Status.DRAFT and not Person.objects.public().exists()

    quliyev = Person.objects.get(slug="quliyev-tofiq-1970-03-1990-01")
    assert (quliyev.birth_date, quliyev.birth_precision) == (datetime.date(1970, 3, 1), "month")
    assert (quliyev.death_date, quliyev.death_precision) == (datetime.date(1990, 1, 1), "month")
    elcin = Person.objects.get(slug="memmedov-elcin-1990")
    assert (elcin.death_precision, elcin.birth_date, elcin.event) == ("year", None, None)

    # Each person's first history record says where they came from.
    record = hasanov.history.get()
    assert record.history_type == "+" and "register.csv" in record.history_change_reason


def test_a_register_saved_with_semicolons_is_read_too(tmp_path, world):
    data = csv_bytes(register(HASANOV, QULIYEV), delimiter=";")
    run(write(tmp_path, "register.csv", data))
    assert Person.objects.get(name="Həsənov Rəşad").variants == ["Hasanov Rashad", "Гасанов Рашад"]


def test_an_xlsx_register_with_typed_dates_and_numbers(tmp_path, world):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Birth date", "Death date", "Age", "Place", "Event"])
    # A spreadsheet types what it recognises: a year as a number, a day as a date.
    sheet.append(["Həsənov Rəşad", 1965, datetime.datetime(1990, 1, 20), 24, "baku", None])
    sheet.append(["Quliyev Tofiq", "1970-03", "1990-01", None, None, "synthetic-january"])
    sheet.append([None, None, None, None, None, None])  # spreadsheets keep blank rows
    output = io.BytesIO()
    workbook.save(output)

    out = run(write(tmp_path, "register.xlsx", output.getvalue()), "--event", "synthetic-january")
    assert "2 created" in out
    hasanov = Person.objects.get(slug="hesenov-resad-1965-1990-01-20")
    assert (hasanov.birth_precision, hasanov.death_precision, hasanov.age) == ("year", "day", 24)
    assert hasanov.event == world["event"]  # from --event: the row names none
    quliyev = Person.objects.get(name="Quliyev Tofiq")
    assert (quliyev.birth_precision, quliyev.death_precision) == ("month", "month")


# Refusals -----------------------------------------------------------------------------------


def test_bad_rows_are_reported_by_row_number_and_nothing_is_written(tmp_path, world):
    rows = register(
        HASANOV,
        ["Unknown Event", "", "", "1990-01-20", "", "", "no-such-event"],
        ["Bad Date", "", "", "1990-13"],
        ["Not Quoted", "", "", "1990", "", "", "", "", "synthetic-list", "words it never says"],
        ["", "", "", "1990"],
        ["Nowhere", "", "", "1990-01-19", "", "Atlantis"],
    )
    err = run_failing(write(tmp_path, "register.csv", csv_bytes(rows)))
    assert "row 3: failed: Unknown Event: event: there is no event “no-such-event”" in err
    assert "row 4: failed: Bad Date: death_date: “1990-13” is not a date" in err
    assert "row 5: failed: Not Quoted: source_wording: These words do not appear" in err
    assert "row 6: failed: the name is missing" in err
    assert "row 7: failed: Nowhere: place: there is no place “Atlantis”" in err
    assert "row 2" not in err
    assert not Person.objects.exists()


def test_the_same_person_twice_in_a_file_is_an_error(tmp_path, world):
    err = run_failing(write(tmp_path, "register.csv", csv_bytes(register(ELCIN, ELCIN))))
    assert "row 3: failed: Məmmədov Elçin: row 2 is the same person" in err
    assert not Person.objects.exists()


def test_a_register_carries_people_only_never_accounts_or_permissions(tmp_path, world):
    rows = [
        ["name", "username", "is_superuser", "password", "groups"],
        ["Intruder", "intruder", "TRUE", "secret", "Publishers"],
    ]
    path = write(tmp_path, "register.csv", csv_bytes(rows))
    err = run_failing(path)
    assert "row 1: failed: unknown column(s): username, is_superuser, password, groups" in err
    assert not Person.objects.exists() and not User.objects.filter(username="intruder").exists()


def test_an_unreadable_file_is_refused_with_a_reason(tmp_path, world):
    err = run_failing(write(tmp_path, "register.csv", "name\nJosé".encode("latin-1")))
    assert "the file is not UTF-8 text" in err
    err = run_failing(write(tmp_path, "register.xlsx", b"not a workbook"))
    assert "not a readable .xlsx workbook" in err
    with pytest.raises(CommandError, match="a register is a .csv or an .xlsx file"):
        run(write(tmp_path, "register.ods", b"name\n"))
    with pytest.raises(CommandError, match="there is no event “nowhere”"):
        run(write(tmp_path, "register.csv", csv_bytes(register(ELCIN))), "--event", "nowhere")
    assert not Person.objects.exists()


# Again, dry runs, publishing ----------------------------------------------------------------


def test_importing_the_same_file_again_changes_nothing(tmp_path, world):
    path = write(tmp_path, "register.csv", csv_bytes(register(HASANOV, QULIYEV, ELCIN)))
    run(path)
    saved = {person.slug: person.updated_at for person in Person.objects.all()}
    out = run(path)
    assert out.count(": unchanged: ") == 3 and "0 created, 0 updated, 3 unchanged" in out
    assert {person.slug: person.updated_at for person in Person.objects.all()} == saved
    assert all(person.history.count() == 1 for person in Person.objects.all())


def test_a_corrected_row_updates_its_person(tmp_path, world):
    run(write(tmp_path, "register.csv", csv_bytes(register(ELCIN))))
    corrected = ["Məmmədov Elçin", "Mammadov Elchin", "", "1990", "41"]
    out = run(write(tmp_path, "register.csv", csv_bytes(register(corrected))))
    assert "row 2: updated: Məmmədov Elçin" in out
    person = Person.objects.get()
    assert (person.age, person.variants, person.history.count()) == (41, ["Mammadov Elchin"], 2)


def test_a_dry_run_writes_nothing(tmp_path, world):
    out = run(write(tmp_path, "register.csv", csv_bytes(register(HASANOV, ELCIN))), "--dry-run")
    assert "row 2: would be created: Həsənov Rəşad" in out
    assert "2 would be created" in out and "Dry run: nothing was written." in out
    assert not Person.objects.exists()


def test_publish_publishes_the_people_of_the_file(tmp_path, world):
    path = write(tmp_path, "register.csv", csv_bytes(register(HASANOV, QULIYEV)))
    run(path)
    out = run(path, "--publish")
    assert "2 updated" in out
    assert set(Person.objects.public().values_list("name", flat=True)) == {
        "Həsənov Rəşad",
        "Quliyev Tofiq",
    }
    assert "2 unchanged" in run(path)  # without --publish, they keep their status


def test_only_a_publisher_may_publish_or_change_a_published_person(world, editor, publisher):
    data = csv_bytes(register(ELCIN))
    refused = import_register("register.csv", data, user=editor, publish=True)
    assert [(row.outcome, row.reason) for row in refused] == [
        (Outcome.FAILED, "only a publisher may publish people: import them as drafts")
    ]
    assert not Person.objects.exists()
    [row] = import_register("register.csv", data, user=publisher, publish=True)
    assert row.outcome == Outcome.CREATED and Person.objects.get().status == Status.PUBLISHED

    changed = csv_bytes(register(["Məmmədov Elçin", "", "", "1990", "39"]))
    [row] = import_register("register.csv", changed, user=editor)
    assert row.reason == "only a publisher can change a published or withdrawn person"
    assert Person.objects.get().age == 40
    [row] = import_register("register.csv", data, user=editor)  # unchanged: nothing to refuse
    assert row.outcome == Outcome.UNCHANGED


# Export -------------------------------------------------------------------------------------


@pytest.fixture
def people(world):
    """People as editors enter them, one with a biography a spreadsheet would run."""
    return [
        make_person(
            name="Həsənov Rəşad",
            slug="hasanov-rashad",
            name_variants="Hasanov Rashad\nГасанов Рашад",
            birth_date="1965-01-01",
            birth_precision="year",
            death_date="1990-01-20",
            age=24,
            place=world["place"],
            event=world["event"],
            source=world["source"],
            source_wording="a teacher, and Quliyev Tofiq",
            biography='=HYPERLINK("http://example.invalid","click")\n\n- a teacher',
        ),
        make_person(
            name="'Quliyev Tofiq",
            slug="quliyev-tofiq",
            death_date="1990-01-01",
            death_precision="month",
            status=Status.DRAFT,
            biography="+994 on a letter; @ a mention",
        ),
    ]


@pytest.mark.parametrize("ending", ["csv", "xlsx"])
def test_an_exported_register_imports_back_unchanged(tmp_path, people, ending):
    path = tmp_path / f"people.{ending}"
    out = io.StringIO()
    call_command("export_people", str(path), stdout=out)
    assert "2 people written" in out.getvalue()
    saved = {person.slug: person.updated_at for person in Person.objects.all()}

    imported = run(path)
    assert "0 created, 0 updated, 2 unchanged, 0 failed." in imported
    assert {person.slug: person.updated_at for person in Person.objects.all()} == saved


def test_the_export_writes_dates_at_their_precision_and_every_status(tmp_path, people):
    path = tmp_path / "people.csv"
    call_command("export_people", str(path), stdout=io.StringIO())
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # spreadsheets read UTF-8 by its byte order mark
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(rows[0]) == list(COLUMNS)
    hasanov, quliyev = sorted(rows, key=lambda row: row["slug"])
    assert (hasanov["birth_date"], hasanov["death_date"]) == ("1965", "1990-01-20")
    assert (quliyev["birth_date"], quliyev["death_date"]) == ("", "1990-01")
    assert hasanov["name_variants"] == "Hasanov Rashad; Гасанов Рашад"
    assert (hasanov["place"], hasanov["event"]) == ("baku", "synthetic-january")
    assert hasanov["source"] == "/archive/2010/synthetic-list/"
    assert (hasanov["status"], quliyev["status"]) == ("published", "draft")

    with pytest.raises(CommandError, match="there is no event “nobody”"):
        call_command("export_people", str(path), "--event", "nobody", stdout=io.StringIO())
    only = tmp_path / "event.csv"
    call_command("export_people", str(only), "--event", "synthetic-january", stdout=io.StringIO())
    assert "quliyev-tofiq" not in only.read_text("utf-8-sig")


def test_the_export_never_hands_a_spreadsheet_a_formula(tmp_path, people):
    path = tmp_path / "people.csv"
    call_command("export_people", str(path), stdout=io.StringIO())
    rows = list(csv.DictReader(io.StringIO(path.read_text("utf-8-sig"))))
    cells = [cell for row in rows for cell in row.values()]
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@"))]
    hasanov, quliyev = sorted(rows, key=lambda row: row["slug"])
    assert hasanov["biography"].startswith("'=HYPERLINK(")
    assert quliyev["biography"] == "'+994 on a letter; @ a mention"
    assert quliyev["name"] == "''Quliyev Tofiq"  # the mark itself is marked, to come back whole

    workbook_path = tmp_path / "people.xlsx"
    call_command("export_people", str(workbook_path), stdout=io.StringIO())
    sheet = openpyxl.load_workbook(workbook_path).active
    biographies = [row[8] for row in sheet.iter_rows(min_row=2)]
    assert all(cell.data_type == "s" for cell in biographies)  # text, never a formula
    assert sorted(cell.value[:2] for cell in biographies) == ["'+", "'="]


# The admin's bulk import --------------------------------------------------------------------


def report(response) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="import-report"' in html, html[:3000]
    return html.split('id="import-report"')[1].split("</table>")[0]


def test_an_editor_imports_a_register_in_the_admin_after_a_dry_run(editor_client, editor, world):
    form = editor_client.get(ADMIN_IMPORT).content.decode()
    assert ".csv,.xlsx" in form and "Registers of people as spreadsheets" in form
    data = csv_bytes(register(HASANOV, ELCIN))
    upload = SimpleUploadedFile("register.csv", data)
    dry_run = editor_client.post(ADMIN_IMPORT, {"files": [upload], "language": "en"})
    rows = report(dry_run)
    assert "row 2" in rows and "would be created" in rows and "Həsənov Rəşad" in rows
    assert not Person.objects.exists()

    done = editor_client.post(ADMIN_IMPORT, {"token": dry_run.context["token"], "confirm": "1"})
    rows = report(done)
    person = Person.objects.get(name="Həsənov Rəşad")
    assert f'<a href="/admin/memorials/person/{person.pk}/change/">Həsənov Rəşad</a>' in rows
    assert person.status == Status.DRAFT and Person.objects.count() == 2
    assert person.history.get().history_user == editor

    again = report(
        editor_client.post(
            ADMIN_IMPORT,
            {"files": [SimpleUploadedFile("register.csv", data)], "language": "en"},
        )
    )
    assert again.count("would be unchanged") == 2


def test_a_bad_register_in_the_admin_names_the_row_and_writes_nothing(editor_client, world):
    data = csv_bytes(register(HASANOV, ["Bad Date", "", "", "1990-13"]))
    upload = SimpleUploadedFile("register.csv", data)
    response = editor_client.post(ADMIN_IMPORT, {"files": [upload], "language": "en"})
    rows = report(response)
    assert "row 3" in rows and "“1990-13” is not a date" in rows
    assert "because of the errors in this file" in rows
    assert "There is nothing to import" in response.content.decode()
    assert not Person.objects.exists()


def test_an_admin_register_cannot_bring_accounts(editor_client, world):
    data = csv_bytes([["name", "is_staff"], ["Intruder", "TRUE"]])
    upload = SimpleUploadedFile("users.csv", data)
    rows = report(editor_client.post(ADMIN_IMPORT, {"files": [upload], "language": "en"}))
    assert "unknown column(s): is_staff" in rows
    assert not Person.objects.exists()
    assert list(User.objects.values_list("username", flat=True)) == ["editor"]


# Scale --------------------------------------------------------------------------------------


def test_a_register_is_checked_in_a_few_queries_whatever_its_length(
    world, django_assert_max_num_queries
):
    make_place(name="Synthetic Town", slug="synthetic-town")
    rows = synthetic_register_rows(
        300,
        events=("synthetic-january",),
        places=("Synthetic Town", "Bakı"),
        source="/archive/2010/synthetic-list/",
        wording="a teacher, and",
    )
    data = register_csv(rows)
    with django_assert_max_num_queries(8):
        report_rows = import_register("register.csv", data, dry_run=True)
    assert [row.outcome for row in report_rows] == [Outcome.CREATED] * 300
    assert not Person.objects.exists()


def test_a_row_the_database_refuses_on_writing_undoes_the_whole_file(tmp_path, world, monkeypatch):
    from django.db import IntegrityError

    save = Person.save

    def refuse_elcin(person, *args, **kwargs):
        if person.name == "Məmmədov Elçin":
            raise IntegrityError("UNIQUE constraint failed: memorials_person.slug")
        return save(person, *args, **kwargs)

    monkeypatch.setattr(Person, "save", refuse_elcin)
    err = run_failing(write(tmp_path, "register.csv", csv_bytes(register(HASANOV, ELCIN))))
    assert "row 3: failed: Məmmədov Elçin: could not be saved: UNIQUE constraint failed" in err
    assert not Person.objects.exists()  # row 2, saved before, was rolled back with it
