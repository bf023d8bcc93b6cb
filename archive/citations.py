"""How to cite a document: a Chicago-style line, and BibTeX, RIS and CSL-JSON for reference
managers. Each takes the document and its absolute URL (the stable link)."""

import calendar
import json
import re

from .models import Document

_CSL_TYPES = {
    Document.Kind.PRESS_RELEASE: "document",
    Document.Kind.STATEMENT: "document",
    Document.Kind.LETTER: "personal_communication",
    Document.Kind.SPEECH: "speech",
    Document.Kind.REPORT: "report",
    Document.Kind.ARTICLE: "article",
}
_RIS_TYPES = {
    Document.Kind.PRESS_RELEASE: "PRESS",
    Document.Kind.STATEMENT: "PRESS",
    Document.Kind.LETTER: "PCOMM",
    Document.Kind.SPEECH: "GEN",
    Document.Kind.REPORT: "RPRT",
    Document.Kind.ARTICLE: "NEWS",
}


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


_BIBTEX_ESCAPES = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$",
    "#": r"\#", "_": r"\_", "^": r"\^{}", "~": r"\~{}",
}  # fmt: skip


def _bibtex_value(text: str) -> str:
    return "{" + "".join(_BIBTEX_ESCAPES.get(char, char) for char in text) + "}"


def bibtex(document: Document, url: str) -> str:
    fields = [
        # Double braces keep a corporate author whole instead of splitting it into names.
        ("author", "{" + _bibtex_value(document.issuer.name) + "}"),
        ("title", "{" + _bibtex_value(document.title) + "}"),
        ("howpublished", _bibtex_value(_genre(document))),
        ("year", str(document.issued_on.year)),
        ("month", calendar.month_abbr[document.issued_on.month].lower()),
        ("date", document.issued_on.isoformat()),
        ("language", document.language),
        ("url", "{" + url + "}"),
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
    return "".join(f"{tag}  - {value}\r\n" for tag, value in lines)


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
