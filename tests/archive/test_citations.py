"""Citations, read back by the parsers reference managers use."""

import json
import re

import bibtexparser
import pybtex.database
import pybtex.errors
import pytest
import rispy
import rispy.config
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON

from archive.models import Document
from tests.conftest import SEED_ISSUER, SEED_TITLE, make_document, make_organization

pytestmark = pytest.mark.django_db

SEED_URL = "/archive/2008/the-black-january-18th-anniversary-of-the-soviet-invasion-of-baky/"
STABLE_LINK = f"http://testserver{SEED_URL}"


def test_cite_this_on_the_document_page(client, seed):
    html = client.get(SEED_URL).content.decode()
    assert (
        f"{SEED_ISSUER}. “{SEED_TITLE}.” Press release, Special Issue. January 21, 2008. {STABLE_LINK}."
    ) in html
    for format_ in ["bib", "ris", "json"]:
        assert f'href="{SEED_URL}cite.{format_}"' in html


def test_bibtex(client, seed):
    response = client.get(SEED_URL + "cite.bib")
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    library = bibtexparser.parse_string(response.content.decode())
    assert not library.failed_blocks
    (entry,) = library.entries
    assert entry.entry_type == "misc"
    assert entry["author"] == "{" + SEED_ISSUER + "}"  # kept whole as a corporate author
    assert entry["title"] == "{" + SEED_TITLE + "}"
    assert entry["year"] == "2008"
    assert entry["url"] == STABLE_LINK
    assert seed.checksum in entry["note"]


def strict_bibtex(text: str):
    """The entry of ``text`` as BibTeX reads it, by pybtex in strict mode: any syntax error, an
    undefined macro, an unbalanced brace is an error (BibTeX itself would drop what follows)."""
    pybtex.errors.set_strict_mode(True)
    (entry,) = pybtex.database.parse_string(text, "bibtex").entries.values()
    return entry


# BibTeX's own value syntax: braces, or a bare number, or a macro (only the month's).
BRACED = r"\{(?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*\}"
FIELD = re.compile(rf"  (\w+) = ({BRACED}|\d+|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)")


def test_bibtex_by_bibtex_rules(client, seed):
    """`date = 2008-01-21,` unbraced made BibTeX stop reading the entry there: every value is
    braced now, and a strict parser reads every field back."""
    text = client.get(SEED_URL + "cite.bib").content.decode()
    head, *lines, tail = text.strip().split("\n")
    assert head.startswith("@misc{") and tail == "}"
    fields = dict(FIELD.fullmatch(line.removesuffix(",")).groups() for line in lines)
    assert set(fields) == {"author", "title", "howpublished", "year", "month", "date",
                           "language", "url", "note"}  # fmt: skip
    entry = strict_bibtex(text)
    assert entry.type == "misc"
    assert dict(entry.fields) == {
        "title": "{" + SEED_TITLE + "}",
        "howpublished": "Press release, Special Issue",
        "year": "2008",
        "month": "January",  # the month macro, expanded
        "date": "2008-01-21",
        "language": "English",
        "url": STABLE_LINK,
        "note": f"SHA-256 of the text as issued: {seed.checksum}",
    }
    (author,) = entry.persons["author"]
    assert str(author) == "{" + SEED_ISSUER + "}"  # one corporate name, not split


@pytest.mark.parametrize(
    "title, written",
    [
        ("50% & more_{x}", r"50\% \& more\_\textbraceleft{}x\textbraceright{}"),
        ("A lone { brace", r"A lone \textbraceleft{} brace"),
        ("A lone } brace", r"A lone \textbraceright{} brace"),
        ("$5 #1 ~ ^ \\", r"\$5 \#1 \textasciitilde{} \textasciicircum{} \textbackslash{}"),
        ('"Quoted", @home', '"Quoted", @home'),
        ("Two\n\nparagraphs\x0b", "Two paragraphs"),
        ("ЧЁРНЫЙ ЯНВАРЬ: Bakı", "ЧЁРНЫЙ ЯНВАРЬ: Bakı"),
    ],
)
def test_bibtex_escapes_special_characters(client, db, title, written):
    issuer = make_organization(name="A & B {#1}")
    document = make_document(title=title, issuer=issuer, language="ru")
    text = client.get(document.get_absolute_url() + "cite.bib").content.decode()
    entry = strict_bibtex(text)
    assert entry.fields["title"] == "{" + written + "}"
    assert str(entry.persons["author"][0]) == r"{A \& B \textbraceleft{}\#1\textbraceright{}}"
    assert entry.fields["language"] == "Russian"
    assert entry.fields["note"].endswith(document.checksum)  # the last field is read too
    assert not bibtexparser.parse_string(text).failed_blocks


def test_ris(client, seed):
    seed.tags.add("Black January")
    response = client.get(SEED_URL + "cite.ris")
    assert response["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    (entry,) = rispy.loads(response.content.decode())
    assert entry["type_of_reference"] == "GEN"  # the RIS list has no press release type
    assert entry["type_of_work"] == "Press release, Special Issue"
    assert entry["authors"] == [SEED_ISSUER]
    assert entry["title"] == SEED_TITLE
    assert entry["year"] == "2008"
    assert entry["date"] == "2008/01/21/"
    assert entry["urls"] == [STABLE_LINK]
    assert entry["keywords"] == ["Black January"]


# The reference types of the RIS specification (RIS Format Specifications, Research Information
# Systems / Thomson Reuters, as revised in 2011-2012; the list Wikipedia's "RIS (file format)"
# reproduces). There is no PRESS.
RIS_TYPES = {
    "ABST", "ADVS", "AGGR", "ANCIENT", "ART", "BILL", "BLOG", "BOOK", "CASE", "CHAP", "CHART",
    "CLSWK", "COMP", "CONF", "CPAPER", "CTLG", "DATA", "DBASE", "DICT", "EBOOK", "ECHAP",
    "EDBOOK", "EJOUR", "ELEC", "ENCYC", "EQUA", "FIGURE", "GEN", "GOVDOC", "GRANT", "HEAR",
    "ICOMM", "INPR", "JFULL", "JOUR", "LEGAL", "MANSCPT", "MAP", "MGZN", "MPCT", "MULTI",
    "MUSIC", "NEWS", "PAMP", "PAT", "PCOMM", "RPRT", "SER", "SLIDE", "SOUND", "STAND", "STAT",
    "THES", "UNBILL", "UNPB", "VIDEO",
}  # fmt: skip


def test_the_ris_list_is_the_one_reference_managers_read():
    # rispy's table of the specification's types; it leaves out only UNBILL (an unenacted bill).
    assert set(rispy.config.TYPE_OF_REFERENCE_MAPPING) == RIS_TYPES - {"UNBILL"}


@pytest.mark.parametrize("kind", Document.Kind.values)
def test_every_kind_has_a_type_from_the_ris_list(client, db, kind):
    document = make_document(kind=kind, title="A title\non two lines")
    text = client.get(document.get_absolute_url() + "cite.ris").content.decode()
    assert text.startswith("TY  - ") and text.endswith("ER  - \r\n")
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in text.split("\r\n")[:-1])
    (entry,) = rispy.loads(text)
    assert entry["type_of_reference"] in RIS_TYPES
    assert entry["title"] == "A title on two lines"
    expected = {"press-release": "GEN", "statement": "GEN", "letter": "PCOMM",
                "speech": "GEN", "report": "RPRT", "article": "NEWS"}  # fmt: skip
    assert entry["type_of_reference"] == expected[kind]


def test_csl_json_renders_in_a_citation_processor(client, seed):
    response = client.get(SEED_URL + "cite.json")
    assert response["Content-Type"] == "application/vnd.citationstyles.csl+json; charset=utf-8"
    items = json.loads(response.content)
    assert items[0]["title"] == SEED_TITLE
    assert items[0]["issued"] == {"date-parts": [[2008, 1, 21]]}
    source = CiteProcJSON(items)
    bibliography = CitationStylesBibliography(
        CitationStylesStyle("harvard-cite-them-right", validate=False), source, formatter.plain
    )
    bibliography.register(Citation([CitationItem(items[0]["id"])]))
    (rendered,) = [str(entry) for entry in bibliography.bibliography()]
    assert SEED_ISSUER in rendered and "2008" in rendered and SEED_TITLE in rendered


def test_citations_of_drafts_are_not_found(client, db):
    draft = make_document(status="draft")
    for format_ in ["bib", "ris", "json"]:
        assert client.get(draft.get_absolute_url() + f"cite.{format_}").status_code == 404
    assert client.get(draft.get_absolute_url() + "cite.exe").status_code == 404
