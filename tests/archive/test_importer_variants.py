"""The importer reads releases as missions and embassies write them (issue 14, item 1).

Synthetic headings only: kind lines in English, Russian and Azerbaijani with and without a
number, dates with Russian and Azerbaijani month names, datelines, all-numeric dates and the
date order, the language recognised or given, and the exact reason a text is refused.
"""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from archive.importer import (
    RECOGNISE,
    DocumentFormatError,
    Outcome,
    import_sources,
    parse_date,
    parse_document,
    recognise_language,
)
from archive.models import Document, Language, Organization

PR = Document.Kind.PRESS_RELEASE
STATEMENT = Document.Kind.STATEMENT
LETTER = Document.Kind.LETTER
SPEECH = Document.Kind.SPEECH
REPORT = Document.Kind.REPORT
ARTICLE = Document.Kind.ARTICLE
EN, RU, AZ = Language.ENGLISH, Language.RUSSIAN, Language.AZERBAIJANI

# (issuer, title, body) in each language the archive's issuers write in.
TEXTS = {
    EN: (
        "Embassy of Example in Nowhere",
        "A TITLE OF THE RELEASE",
        "The first paragraph of the text, which is in English.\n\nThe second paragraph.",
    ),
    RU: (
        "Посольство Примера в Нигде",
        "ЗАГОЛОВОК ЗАЯВЛЕНИЯ",
        "Первый абзац текста, написанного по-русски.\n\nВторой абзац текста.",
    ),
    AZ: (
        "Nümunə ölkəsinin səfirliyi",
        "BƏYANATIN BAŞLIĞI",
        "Mətnin birinci abzası Azərbaycan dilində yazılıb.\n\nMətnin ikinci abzası.",
    ),
}


def release(kind_line: str, date_line: str, language: str = EN) -> str:
    issuer, title, body = TEXTS[language]
    return f"{issuer}\n\n{kind_line}\n\n{date_line}\n\n{title}\n\n{body}\n"


D = datetime.date
JAN_19 = D(2009, 1, 19)

# kind line, date line, language of the text; expected kind, date, reference number, dateline.
HEADINGS = [
    # English kind lines, numbered as missions number them
    ("PRESS RELEASE No. 14/2010", "19 January 2009", EN, PR, JAN_19, "14/2010", ""),
    ("Press Release #5", "January 19, 2009", EN, PR, JAN_19, "5", ""),
    ("Press release № 12", "19.01.2009", EN, PR, JAN_19, "12", ""),
    ("PRESS RELEASE No: 022/08", "2009-01-19", EN, PR, JAN_19, "022/08", ""),
    ("*Press Release No.14/2010*", "*19 January 2009*", EN, PR, JAN_19, "14/2010", ""),
    ("Press Release 14/2010", "19th January 2009", EN, PR, JAN_19, "14/2010", ""),
    ("Press-Release", "19/01/2009", EN, PR, JAN_19, "", ""),
    ("News Release", "Monday, 19 January 2009", EN, PR, JAN_19, "", ""),
    (
        "Statement Nr. 7",
        "Rio de Janeiro, 5 May 2010",
        EN,
        STATEMENT,
        D(2010, 5, 5),
        "7",
        "Rio de Janeiro",
    ),
    ("Press Statement No. 3", "Baku, January 19, 2009", EN, STATEMENT, JAN_19, "3", "Baku"),
    ("Statement", "New York, 19 January 2009", EN, STATEMENT, JAN_19, "", "New York"),
    ("LETTER", "Washington, D.C., 19 January 2009", EN, LETTER, JAN_19, "", "Washington, D.C."),
    ("Speech", "New York, Monday, 19 January 2009", EN, SPEECH, JAN_19, "", "New York"),
    ("Report", "Baku — 19 January 2009", EN, REPORT, JAN_19, "", "Baku"),
    ("Article", "25/12/2010", EN, ARTICLE, D(2010, 12, 25), "", ""),
    ("Statement", "12/31/2010", EN, STATEMENT, D(2010, 12, 31), "", ""),
    ("Statement", "03/03/2012", EN, STATEMENT, D(2012, 3, 3), "", ""),
    ("Statement", "31-12-2010", EN, STATEMENT, D(2010, 12, 31), "", ""),
    ("Statement", "21 JAN 2008", EN, STATEMENT, D(2008, 1, 21), "", ""),
    ("Statement", "Sept. 1, 2010", EN, STATEMENT, D(2010, 9, 1), "", ""),
    # Russian kind lines and dates, genitive and nominative month names
    ("Пресс-релиз", "19 января 2009", RU, PR, JAN_19, "", ""),
    ("ПРЕСС-РЕЛИЗ", "19 января 2009 г.", RU, PR, JAN_19, "", ""),
    ("Заявление", "19 января 2009 года", RU, STATEMENT, JAN_19, "", ""),
    ("Информационное сообщение", "«19» января 2009 г.", RU, PR, JAN_19, "", ""),
    ("Письмо", "19 январь 2009", RU, LETTER, JAN_19, "", ""),
    ("Выступление", "19 ЯНВАРЯ 2009 Г.", RU, SPEECH, JAN_19, "", ""),
    ("Статья", "Нью-Йорк, 19 января 2009 г.", RU, ARTICLE, JAN_19, "", "Нью-Йорк"),
    ("Доклад", "19.01.2009 г.", RU, REPORT, JAN_19, "", ""),
    (
        "Пресс-релиз № 15/2010",
        "Москва, 5 мая 2010 года",
        RU,
        PR,
        D(2010, 5, 5),
        "15/2010",
        "Москва",
    ),
    ("ПРЕСС-РЕЛИЗ №15", "1 сент. 2010 г.", RU, PR, D(2010, 9, 1), "15", ""),
    ("Заявление для прессы № 3", "Понедельник, 19 января 2009 г.", RU, STATEMENT, JAN_19, "3", ""),
    ("Пресс-релиз", "19 June 2009", RU, PR, D(2009, 6, 19), "", ""),
    # Azerbaijani kind lines and dates, with the year's suffix and without
    ("Mətbuat açıqlaması", "19 yanvar 2009", AZ, PR, JAN_19, "", ""),
    ("MƏTBUAT AÇIQLAMASI", "19 yanvar 2009-cu il", AZ, PR, JAN_19, "", ""),
    ("Press-reliz", "19 yanvar 2009 il", AZ, PR, JAN_19, "", ""),
    ("Bəyanat", "19 Yanvar 2009-cu ildə", AZ, STATEMENT, JAN_19, "", ""),
    ("Məktub", "Bakı, 19 yanvar 2009", AZ, LETTER, JAN_19, "", "Bakı"),
    ("Çıxış", "21 İYUN 2008-ci il", AZ, SPEECH, D(2008, 6, 21), "", ""),
    ("ÇIXIŞ No. 4", "19 YANVAR 2009-CU İL", AZ, SPEECH, JAN_19, "4", ""),
    ("Məqalə", "20.01.2010-cu il", AZ, ARTICLE, D(2010, 1, 20), "", ""),
    ("Hesabat № 2/2010", "Bakı, 19 yanvar 2009-cu il", AZ, REPORT, JAN_19, "2/2010", "Bakı"),
    ("Bəyanat № 3", "Bazar ertəsi, 19 yanvar 2009", AZ, STATEMENT, JAN_19, "3", ""),
    ("Mətbuat bəyanatı", "1 avqust 2010", AZ, STATEMENT, D(2010, 8, 1), "", ""),
    ("Press Release", "Bakı, 19 yanvar 2009", AZ, PR, JAN_19, "", "Bakı"),
]


@pytest.mark.parametrize(
    "kind_line, date_line, language, kind, issued_on, number, place",
    HEADINGS,
    ids=[f"{row[0]} | {row[1]}" for row in HEADINGS],
)
def test_a_heading_as_missions_write_it(
    kind_line, date_line, language, kind, issued_on, number, place
):
    parsed = parse_document(release(kind_line, date_line, language))
    issuer, title, body = TEXTS[language]
    assert (parsed.kind, parsed.issued_on) == (kind, issued_on)
    assert (parsed.reference_number, parsed.dateline) == (number, place)
    assert (parsed.language, parsed.language_recognised) == (language, True)
    assert (parsed.issuer_name, parsed.title, parsed.body) == (issuer, title, body)
    assert parsed.series == ""


def test_there_are_many_headings():
    assert len(HEADINGS) >= 40


def test_the_number_may_stand_on_its_own_line_after_the_kind():
    text = "Mission of Example\n*Press Release\nNo. 14/2010\nSpecial Issue*\n21 January 2008\n"
    parsed = parse_document(text + "\nTITLE\n\nThe text of the release.\n")
    assert (parsed.kind, parsed.reference_number, parsed.series) == (PR, "14/2010", "Special Issue")


def test_the_kind_may_stand_on_the_date_line():
    text = "Mission of Example\nPress Release No. 9, 19 January 2009\n\nTITLE\n\nThe text of it.\n"
    parsed = parse_document(text)
    assert (parsed.kind, parsed.reference_number, parsed.dateline) == (PR, "9", "")
    assert parsed.issued_on == JAN_19


@pytest.mark.parametrize(
    "text",
    [
        "Mission of Azerbaijan to the United Nations\n*PRESS RELEASE No. 14/2010*\nSpecial Issue\n"
        "New York, 19 January 2009\nTHE BLACK JANUARY\n\nNineteen years have passed …\n",
        "Постоянное представительство Азербайджана при ООН\nПРЕСС-РЕЛИЗ № 15/2010\n"
        "Нью-Йорк, 19 января 2009 г.\n\nЧЁРНЫЙ ЯНВАРЬ\n\nПрошло девятнадцать лет …\n",
    ],
    ids=["english", "russian"],
)
def test_the_readme_examples_read_as_the_readme_says(text):
    parsed = parse_document(text)
    assert parsed.kind == PR and parsed.issued_on == JAN_19
    assert parsed.reference_number in {"14/2010", "15/2010"}
    assert parsed.dateline in {"New York", "Нью-Йорк"}


# Dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    ["январь 2009", "January 2009", "yanvar 2009-cu il", "19 yanvar 09", "19 января", "2009"],
)
def test_only_a_full_date_is_a_date(line):
    assert parse_date(line) is None


@pytest.mark.parametrize(
    "line, day_first, month_first, expected",
    [
        ("03/04/2012", True, False, D(2012, 4, 3)),
        ("03/04/2012", False, True, D(2012, 3, 4)),
        ("03.04.2012", True, False, D(2012, 4, 3)),
        ("3-4-2012", False, True, D(2012, 3, 4)),
        ("25/12/2010", True, False, D(2010, 12, 25)),  # agrees with the order given
        ("12/25/2010", False, True, D(2010, 12, 25)),
        ("2008-01-21", False, True, D(2008, 1, 21)),  # ISO is year, month, day whatever is given
        ("21 January 2008", False, True, D(2008, 1, 21)),  # a month name is never in doubt
    ],
)
def test_the_date_order_given_reads_an_all_numeric_date(line, day_first, month_first, expected):
    assert parse_date(line, day_first=day_first, month_first=month_first) == expected


AMBIGUOUS = (
    "line 5: {line!r} reads two ways, {readings}, and the portal never guesses a date: "
    "give the date order (--day-first or --month-first; in the admin, the import's date order)"
)


@pytest.mark.parametrize(
    "date_line, shown, readings",
    [
        ("03/04/2012", "03/04/2012", "3 April 2012 or 4 March 2012"),
        ("03.04.2012", "03.04.2012", "3 April 2012 or 4 March 2012"),
        ("3-4-2012", "3-4-2012", "3 April 2012 or 4 March 2012"),
        ("New York, 05/06/2011", "05/06/2011", "5 June 2011 or 6 May 2011"),
        ("01.12.2009 г.", "01.12.2009 г.", "1 December 2009 or 12 January 2009"),
    ],
)
def test_an_all_numeric_date_that_reads_two_ways_is_refused_naming_both(date_line, shown, readings):
    with pytest.raises(DocumentFormatError) as raised:
        parse_document(release("Statement", date_line))
    assert str(raised.value) == AMBIGUOUS.format(line=shown, readings=readings)


@pytest.mark.parametrize(
    "line, order, message",
    [
        (
            "13/01/2012",
            "month_first",
            "'13/01/2012' cannot be read month first, the date order given: there is no month 13",
        ),
        (
            "01/13/2012",
            "day_first",
            "'01/13/2012' cannot be read day first, the date order given: there is no month 13",
        ),
    ],
)
def test_a_date_order_that_contradicts_the_date_is_an_error(line, order, message):
    with pytest.raises(DocumentFormatError) as raised:
        parse_document(release("Statement", line), **{order: True})
    assert str(raised.value) == f"line 5: {message}"


def test_both_date_orders_at_once_are_a_programming_error():
    with pytest.raises(ValueError, match="exclude each other"):
        parse_document(release("Statement", "21 January 2008"), day_first=True, month_first=True)
    with pytest.raises(ValueError, match="exclude each other"):
        import_sources([], day_first=True, month_first=True)


# Refusals ----------------------------------------------------------------------------------

NO_DATE = (
    "no recognisable date in the heading (expected a line such as '21 January 2008', "
    "'January 21, 2008', '21.01.2008', '2008-01-21', '21 января 2008 г.' or "
    "'21 yanvar 2008-ci il', optionally after a place: 'New York, 21 January 2008')"
)
NO_KIND = (
    "line 5: no kind line before the date (expected one such as 'Press Release', 'Statement', "
    "'Letter', 'Speech', 'Report' or 'Article', in English, Russian ('Пресс-релиз', "
    "'Заявление', …) or Azerbaijani ('Mətbuat açıqlaması', 'Bəyanat', …), optionally with a "
    "number: 'Press Release No. 14/2010')"
)
NO_BODY = (
    "no text after the title: a heading without a text is not a document (the title is the "
    "first block of lines after the date; the text follows it after a blank line)"
)


@pytest.mark.parametrize(
    "text, message",
    [
        (release("Statement", "январь 2009"), NO_DATE),
        (release("Statement", "19 Foo 2009"), NO_DATE),
        (release("Statement", "bakı, 19 yanvar 2009"), NO_DATE),  # no place in lower case
        (release("Statement", "31.02.2008"), "line 5: '31.02.2008' is not a real date"),
        (
            release("Заявление", "30 февраля 2009 г."),
            "line 5: '30 февраля 2009 г.' is not a real date",
        ),
        (
            release("Statement", "Monday, 20 January 2009"),
            "line 5: 'Monday, 20 January 2009': 20 January 2009 was a Tuesday, not a Monday",
        ),
        (release("Communiqué", "19 January 2009"), NO_KIND),
        (release("Press Release No.", "19 January 2009"), NO_KIND),
        (
            "Mission of Example\nPress Release\n19 January 2009\n\nTITLE ONLY\n",
            f"line 5: {NO_BODY}",
        ),
        (
            "Mission of Example\nPress Release\n19 January 2009\nTITLE\nThe text, no blank line.\n",
            f"line 4: {NO_BODY}",
        ),
        (
            "Mission of Example\nPress Release\n19 January 2009\n\n\n",
            "line 3: no title after the date: a heading without a text is not a document",
        ),
        (
            "Press Release\n19 January 2009\n\nTITLE\n\nText.\n",
            "line 2: no issuer line before the date",
        ),
    ],
    ids=[
        "month-and-year",
        "unknown-month",
        "lower-case-place",
        "31-february",
        "30-february-ru",
        "wrong-weekday",
        "unknown-kind",
        "number-mark-without-number",
        "title-without-text",
        "text-without-blank-line",
        "heading-only",
        "no-issuer",
    ],
)
def test_refusals_say_exactly_why(text, message):
    with pytest.raises(DocumentFormatError) as raised:
        parse_document(text)
    assert str(raised.value) == message


# Language ----------------------------------------------------------------------------------

HINT = "give the language (--language; in the admin, the language of the texts)"


@pytest.mark.parametrize(
    "text, language",
    [
        ("THE TITLE\n\nEighteen years have passed since the crime against the people.", EN),
        ("ЗАГОЛОВОК\n\nПрошло восемнадцать лет с тех пор, как было совершено преступление.", RU),
        ("BAŞLIQ\n\nSovet rejiminin Azərbaycan xalqına qarşı cinayətindən on səkkiz il keçir.", AZ),
        ("ГАРА ЈАНВАР\n\nСовет режиминин Азәрбајҹан халгына гаршы ҹинајәтиндән он сәккиз ил.", AZ),
        ("XOCALI SOYQIRIMI\n\nXocalı soyqırımının ildönümü", AZ),  # no ə, but q and x
        (
            "KHOJALY\n\nThe Khojaly genocide was committed on 26 February 1992. Heydər Əliyev "
            "called it a crime against the people of Azerbaijan and against humanity.",
            EN,  # Azerbaijani names in an English text
        ),
    ],
    ids=["english", "russian", "azerbaijani", "azerbaijani-cyrillic", "short-azerbaijani", "names"],
)
def test_the_language_is_recognised_from_script_and_words(text, language):
    assert recognise_language(text) == language


@pytest.mark.parametrize(
    "text, message",
    [
        (
            "KARA OCAK\n\nSovyet rejiminin Azerbaycan halkına karşı suçunun üzerinden on sekiz "
            "yıl geçti.",
            "the text has the letters ı, ş, ğ, ç, ö or ü but not ə, q or x: is it Azerbaijani "
            f"or Turkish? {HINT}",
        ),
        (
            "JANVIER NOIR\n\nDix-huit ans se sont écoulés depuis que le régime soviétique a "
            "commis un crime atroce contre le peuple azerbaïdjanais.",
            f"the text is in Latin script but reads as neither English nor Azerbaijani; {HINT}",
        ),
        (
            "ЧОРНИЙ СІЧЕНЬ\n\nМинуло вісімнадцять років відтоді, як радянський режим скоїв "
            "злочин проти народу Азербайджану. Її історія відома.",
            f"the text has the letters і, ї, є or ґ, so it is not Russian; {HINT}",
        ),
        (
            "BLACK JANUARY ЧЁРНЫЙ ЯНВАРЬ\n\nThe people remember. Народ помнит.",
            f"the text mixes Latin and Cyrillic script, so its language is not clear; {HINT}",
        ),
        (
            "يناير الأسود\n\nمرت ثمانية عشر عاما",
            "the language of the text cannot be recognised: it has no Latin or Cyrillic "
            f"letters; {HINT}",
        ),
    ],
    ids=["turkish", "french", "ukrainian", "half-and-half", "arabic-script"],
)
def test_a_language_that_is_not_clear_is_refused_not_guessed(text, message):
    with pytest.raises(DocumentFormatError) as raised:
        recognise_language(text)
    assert str(raised.value) == message


@pytest.mark.parametrize("language", [None, "", RECOGNISE])
def test_no_language_given_means_recognise_it(language):
    parsed = parse_document(release("Заявление", "19 января 2009 г.", RU), language=language)
    assert (parsed.language, parsed.language_recognised) == (RU, True)


def test_a_language_given_wins_and_is_not_checked_against_the_text():
    turkish = "Mission\nBasın Açıklaması No. 1\n19 January 2009\n\nKARA OCAK\n\nMetin burada.\n"
    with pytest.raises(DocumentFormatError, match="no kind line"):
        parse_document(turkish)  # a Turkish kind line is none of the portal's
    parsed = parse_document(release("Statement", "19 January 2009", RU), language=EN)
    assert (parsed.language, parsed.language_recognised) == (EN, False)
    french = (
        release("Statement", "19 January 2009")
        .replace(TEXTS[EN][1], "LE TITRE DU COMMUNIQUÉ")
        .replace(TEXTS[EN][2], "Le texte du communiqué, en français.")
    )
    with pytest.raises(DocumentFormatError, match="neither English nor Azerbaijani"):
        parse_document(french)
    assert parse_document(french, language=Language.FRENCH).language == Language.FRENCH


# Through the command and the engine the admin's bulk import uses ---------------------------


def run_import(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("import_documents", *map(str, args), stdout=out, stderr=err)
        error = None
    except CommandError as raised:
        error = raised
    return out.getvalue(), err.getvalue(), error


@pytest.mark.django_db
def test_the_number_the_dateline_and_the_language_reach_the_document(tmp_path):
    source = tmp_path / "ru.txt"
    source.write_text(release("ПРЕСС-РЕЛИЗ № 15/2010", "Нью-Йорк, 19 января 2009 г.", RU))
    out, err, error = run_import(source)
    assert error is None, err
    document = Document.objects.get()
    assert (document.kind, document.issued_on) == (PR, JAN_19)
    assert (document.reference_number, document.language) == ("15/2010", RU)
    assert document.provenance == "Imported from the plain-text file ru.txt. Dateline: Нью-Йорк."
    assert "  note: reference number '15/2010' taken from the kind line\n" in out
    assert "  note: dateline 'Нью-Йорк' recorded in the provenance\n" in out
    assert "  note: language recognised from the text: Russian (ru)\n" in out


@pytest.mark.django_db
def test_the_language_option_wins_and_recognise_is_the_default(tmp_path):
    source = tmp_path / "az.txt"
    source.write_text(release("Bəyanat", "19 yanvar 2009-cu il", AZ))
    out, err, error = run_import(source, "--language", "ru", "--dry-run")
    assert error is None, err
    assert "language recognised" not in out
    out, err, error = run_import(source)
    assert Document.objects.get().language == AZ
    assert "note: language recognised from the text: Azerbaijani (az)" in out
    assert Document.objects.get().provenance == "Imported from the plain-text file az.txt."


@pytest.mark.django_db
def test_an_ambiguous_date_fails_on_the_command_line_until_the_order_is_given(tmp_path):
    source = tmp_path / "release.txt"
    source.write_text(release("Statement", "03/04/2012"))
    out, err, error = run_import(source)
    assert isinstance(error, CommandError)
    assert (
        err
        == f"failed: {source}: "
        + AMBIGUOUS.format(line="03/04/2012", readings="3 April 2012 or 4 March 2012")
        + "\n"
    )
    assert not Document.objects.exists()
    out, err, error = run_import(source, "--month-first", "--dry-run")
    assert error is None and "2012-03-04" in out
    out, err, error = run_import(source, "--day-first")
    assert error is None
    assert Document.objects.get().issued_on == D(2012, 4, 3)


@pytest.mark.django_db
def test_a_contradicted_date_order_fails_naming_why(tmp_path):
    source = tmp_path / "release.txt"
    source.write_text(release("Statement", "13/01/2012"))
    out, err, error = run_import(source, "--month-first")
    assert isinstance(error, CommandError)
    assert (
        "'13/01/2012' cannot be read month first, the date order given: there is no month 13" in err
    )
    out, err, error = run_import(source)
    assert error is None and Document.objects.get().issued_on == D(2012, 1, 13)


def test_the_two_date_orders_exclude_each_other_on_the_command_line(tmp_path):
    with pytest.raises(CommandError, match="not allowed with argument"):
        call_command("import_documents", str(tmp_path), "--day-first", "--month-first")


@pytest.mark.django_db
def test_an_import_never_changes_a_document_already_there_but_notes_its_number(tmp_path):
    source = tmp_path / "release.txt"
    source.write_text(release("PRESS RELEASE No. 14/2010", "19 January 2009"))
    assert run_import(source, "--language", "en")[2] is None
    document = Document.objects.get()
    Document.objects.filter(pk=document.pk).update(reference_number="")
    out, err, error = run_import(source)
    assert "0 created, 1 unchanged, 0 failed." in out
    assert (
        "  note: the heading gives the reference number '14/2010', the archive's record none: "
        "an editor can add it\n" in out
    )
    Document.objects.filter(pk=document.pk).update(reference_number="PR-14")
    out, err, error = run_import(source)
    assert (
        "the heading gives the reference number '14/2010', the archive's record 'PR-14': "
        "the record is left as it is" in out
    )
    assert Document.objects.get().reference_number == "PR-14"


@pytest.mark.django_db
def test_the_engine_of_the_bulk_import_keeps_its_old_call_and_takes_the_new_options():
    ambiguous = release("Statement", "03/04/2012").encode()
    # The admin's bulk import calls import_sources(texts, language=…), as before.
    (result,) = import_sources([("a.txt", ambiguous)], language=EN)
    assert result.outcome == Outcome.FAILED
    assert "reads two ways, 3 April 2012 or 4 March 2012" in result.reason
    (result,) = import_sources([("a.txt", ambiguous)], language=EN, month_first=True)
    assert result.outcome == Outcome.CREATED
    assert (result.document.issued_on, result.document.language) == (D(2012, 3, 4), EN)
    assert result.notes == [
        "created new issuer 'Embassy of Example in Nowhere': complete its record in the admin"
    ]
    russian = release("Заявление", "19 января 2009 г.", RU).encode()
    (result,) = import_sources([("b.txt", russian)])  # the default: recognise
    assert result.document.language == RU
    assert "language recognised from the text: Russian (ru)" in result.notes
    assert Organization.objects.count() == 2


@pytest.mark.django_db
def test_a_text_already_in_the_archive_is_unchanged_even_if_its_language_is_not_clear(tmp_path):
    source = tmp_path / "fr.txt"
    source.write_text(
        "Ambassade d'Exemple\nStatement\n19 January 2009\n\nLE TITRE\n\nLe texte, en français.\n"
    )
    out, err, error = run_import(source)
    assert "neither English nor Azerbaijani; give the language (--language" in err
    assert run_import(source, "--language", "fr")[2] is None
    out, err, error = run_import(source)  # the record has its language: nothing to recognise
    assert error is None and "0 created, 1 unchanged, 0 failed." in out
    assert Document.objects.get().language == Language.FRENCH


@pytest.mark.django_db
def test_a_text_already_in_the_archive_needs_no_date_order(tmp_path):
    source = tmp_path / "release.txt"
    source.write_text(release("Press Release No. 3", "New York, 03/04/2012"))
    assert run_import(source, "--month-first")[2] is None
    out, err, error = run_import(source)
    assert error is None and "0 created, 1 unchanged, 0 failed." in out
    assert Document.objects.get().issued_on == D(2012, 3, 4)
    other = tmp_path / "other.txt"
    other.write_text(release("Press Release No. 4", "New York, 03/04/2012").replace("first", "1st"))
    out, err, error = run_import(other)
    assert "'03/04/2012' reads two ways, 3 April 2012 or 4 March 2012" in err
    assert error is not None and Document.objects.count() == 1
