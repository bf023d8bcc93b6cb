"""Machine-readable descriptions of public pages: schema.org JSON-LD, Dublin Core, OpenGraph.

Each app builds these for its own pages (archive/metadata.py, memorials/metadata.py); views
pass a ``PageMetadata`` and templates/includes/metadata.html renders it in the page head.
"""

from dataclasses import dataclass, field

SITE_NAME = "Commemoration portal"


@dataclass(frozen=True)
class Element:
    """A Dublin Core element (``DC.title``) and its value. ``language`` is the value's own
    language where it is recorded (a document's title is in the document's language): a page
    in another language marks the element with it, ``<meta name="DC.title" lang="en" …>``."""

    name: str
    content: str
    language: str = ""


@dataclass
class PageMetadata:
    canonical: str
    title: str
    description: str = ""
    og_type: str = "website"
    json_ld: dict = field(default_factory=dict)
    # DC.type is a term of the DCMI Type Vocabulary: Text, Event, Collection…
    dublin_core: list[Element] = field(default_factory=list)
    opengraph: list[tuple[str, str]] = field(default_factory=list)  # beyond title/type/url


def organization(organization) -> dict:
    """An issuer as a schema.org Organization."""
    data = {"@type": "Organization", "name": organization.name}
    if organization.website:
        data["url"] = organization.website
    return data
