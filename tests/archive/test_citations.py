"""Citations, read back by the parsers reference managers use."""

import json

import bibtexparser
import pytest
import rispy
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON

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


def test_bibtex_escapes_special_characters(client, db):
    document = make_document(title="50% & more_{x}", issuer=make_organization(name="A & B #1"))
    text = client.get(document.get_absolute_url() + "cite.bib").content.decode()
    assert r"50\% \& more\_\{x\}" in text and r"A \& B \#1" in text
    assert not bibtexparser.parse_string(text).failed_blocks


def test_ris(client, seed):
    seed.tags.add("Black January")
    response = client.get(SEED_URL + "cite.ris")
    assert response["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    (entry,) = rispy.loads(response.content.decode())
    assert entry["type_of_reference"] == "PRESS"
    assert entry["authors"] == [SEED_ISSUER]
    assert entry["title"] == SEED_TITLE
    assert entry["year"] == "2008"
    assert entry["date"] == "2008/01/21/"
    assert entry["urls"] == [STABLE_LINK]
    assert entry["keywords"] == ["Black January"]


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
