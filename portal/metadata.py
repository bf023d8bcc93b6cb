"""Machine-readable descriptions of public pages: schema.org JSON-LD, Dublin Core, OpenGraph.

Each app builds these for its own pages (archive/metadata.py, memorials/metadata.py); views
pass a ``PageMetadata`` and templates/includes/metadata.html renders it in the page head.
"""

from dataclasses import dataclass, field

SITE_NAME = "Commemoration portal"


@dataclass
class PageMetadata:
    canonical: str
    title: str
    description: str = ""
    og_type: str = "website"
    json_ld: dict = field(default_factory=dict)
    dublin_core: list[tuple[str, str]] = field(default_factory=list)
    opengraph: list[tuple[str, str]] = field(default_factory=list)  # beyond title/type/url


def organization(organization) -> dict:
    """An issuer as a schema.org Organization."""
    data = {"@type": "Organization", "name": organization.name}
    if organization.website:
        data["url"] = organization.website
    return data
