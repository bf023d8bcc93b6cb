"""How to cite a document: a Chicago-style line, and BibTeX, RIS and CSL-JSON for reference
managers. Each takes the document and its absolute URL (the stable link)."""

import calendar
import json
import re

from django.utils import translation

from portal.xmltext import xml_safe

from .models import Document, Language

_CSL_TYPES = {
    Document.Kind.PRESS_RELEASE: "document",
    Document.Kind.STATEMENT: "document",
    Document.Kind.LETTER: "personal_communication",
    Document.Kind.SPEECH: "speech",
    Document.Kind.REPORT: "report",
    Document.Kind.ARTICLE: "article",
}
# Reference types from the RIS specification's list (tests/archive/test_citations.py holds the
# list): it has no type for press releases, statements or speeches, which are Generic, with
# their kind as the type of work (M3).
_RIS_TYPES = {
    Document.Kind.PRESS_RELEASE: "GEN",
    Document.Kind.STATEMENT: "GEN",
    Document.Kind.LETTER: "PCOMM",
    Document.Kind.SPEECH: "GEN",
    Document.Kind.REPORT: "RPRT",
    Document.Kind.ARTICLE: "NEWS",
}


def _one_line(text: str) -> str:
    """``text`` on one line, without control characters: a line break would end a RIS field,
    and a blank line in a BibTeX value is a paragraph break in the middle of a title."""
    return " ".join(xml_safe(text).split())


def _genre(document: Document) -> str:
    return ", ".join(filter(None, [document.get_kind_display(), document.series]))


def chicago(document: Document, url: str) -> str:
    """Chicago notes-bibliography style, corporate author first."""
    day = document.issued_on
    date = f"{calendar.month_name[day.month]} {day.day}, {day.year}"
    return f"{document.issuer.name}. “{document.title}.” {_genre(document)}. {date}. {url}."


def citation_key(document: Document) -> str:
    issuer = document.issuer.short_name or document.issuer.slug
    first_word = document.slug.split("-")[0] if document.slug else "document"
    return re.sub(r"[^A-Za-z0-9]", "", f"{issuer}{document.issued_on:%Y%m%d}{first_word}")


# LaTeX's special characters, as text. Braces become commands: BibTeX counts every brace to
# find a value's end, escaped or not, so a lone "\{" would swallow the rest of the entry.
_BIBTEX_ESCAPES = {
    "\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}",
    "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "^": r"\textasciicircum{}", "~": r"\textasciitilde{}",
}  # fmt: skip


def _bibtex_value(text: str) -> str:
    """``text`` as a braced BibTeX value that LaTeX prints as written."""
    return "{" + "".join(_BIBTEX_ESCAPES.get(char, char) for char in _one_line(text)) + "}"


def _bibtex_url(url: str) -> str:
    """A URL as a braced value, as written (for \\url): only what could unbalance the braces is
    percent-encoded, as in any URL."""
    return "{" + url.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D") + "}"


def _language_name(code: str) -> str:
    """The language's English name ("Russian"), as biblatex prints the language field."""
    with translation.override("en"):
        return str(Language(code).label) if code in Language.values else code


def bibtex(document: Document, url: str) -> str:
    """A BibTeX entry by BibTeX's own rules: every value braced, but the month, given as the
    predefined macro (``jan``…) that BibTeX styles and biblatex both expand."""
    day = document.issued_on
    fields = [
        # Double braces keep a corporate author whole instead of splitting it into names.
        ("author", "{" + _bibtex_value(document.issuer.name) + "}"),
        ("title", "{" + _bibtex_value(document.title) + "}"),
        ("howpublished", _bibtex_value(_genre(document))),
        ("year", "{" + f"{day.year:04d}" + "}"),
        ("month", calendar.month_abbr[day.month].lower()),
        ("date", "{" + day.isoformat() + "}"),
        ("language", _bibtex_value(_language_name(document.language))),
        ("url", _bibtex_url(url)),
        ("note", _bibtex_value(f"SHA-256 of the text as issued: {document.checksum}")),
    ]
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@misc{{{citation_key(document)},\n{body}\n}}\n"


def ris(document: Document, url: str) -> str:
    day = document.issued_on
    lines = [
        ("TY", _RIS_TYPES[document.kind]),
        ("AU", document.issuer.name),
        ("TI", document.title),
        ("PY", str(day.year)),
        ("DA", f"{day:%Y/%m/%d}/"),
        ("PB", document.issuer.name),
        ("M3", _genre(document)),
        ("LA", document.language),
        ("UR", url),
        *[("KW", tag.name) for tag in document.tags.all()],
        ("N1", f"SHA-256 of the text as issued: {document.checksum}"),
        ("ER", ""),
    ]
    return "".join(f"{tag}  - {_one_line(value)}\r\n" for tag, value in lines)


def csl_json(document: Document, url: str) -> str:
    day = document.issued_on
    item = {
        "id": citation_key(document),
        "type": _CSL_TYPES[document.kind],
        "genre": _genre(document),
        "title": document.title,
        "author": [{"literal": document.issuer.name}],
        "publisher": document.issuer.name,
        "issued": {"date-parts": [[day.year, day.month, day.day]]},
        "language": document.language,
        "URL": url,
    }
    if document.reference_number:
        item["number"] = document.reference_number
    return json.dumps([item], ensure_ascii=False, indent=2)
