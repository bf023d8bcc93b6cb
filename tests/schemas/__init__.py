"""The official XML schemas of the portal's machine-readable outputs, vendored beside this file
(their sources are named in README.md), loaded offline.

Each schema is read through a resolver that maps the schema locations the standards use
(``http://www.openarchives.org/OAI/2.0/oai_dc.xsd``, the Dublin Core schema it imports, W3C's
``xml.xsd``…) to the copies here; the parser may not reach the network, so a location without a
copy is an error rather than a download.
"""

import functools
from pathlib import Path

from lxml import etree

HERE = Path(__file__).resolve().parent

# Every location a vendored schema imports, or a validator asks for, and its copy here.
LOCATIONS = {
    "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd": "oai/OAI-PMH.xsd",
    "http://www.openarchives.org/OAI/2.0/oai_dc.xsd": "oai/oai_dc.xsd",
    "http://dublincore.org/schemas/xmls/simpledc20021212.xsd": "oai/simpledc20021212.xsd",
    # simpledc20021212.xsd imports the 2001 location; W3C serves the current xml.xsd there.
    "http://www.w3.org/2001/03/xml.xsd": "xml/xml.xsd",
    "http://www.w3.org/2001/xml.xsd": "xml/xml.xsd",
    "http://www.sitemaps.org/schemas/sitemap/0.9/sitemap.xsd": "sitemaps/sitemap.xsd",
    "http://www.sitemaps.org/schemas/sitemap/0.9/siteindex.xsd": "sitemaps/siteindex.xsd",
}
FILES = {str(HERE / path) for path in LOCATIONS.values()}


class OfflineResolver(etree.Resolver):
    def resolve(self, url, pubid, context):
        if url in LOCATIONS:
            return self.resolve_filename(str(HERE / LOCATIONS[url]), context)
        if url in FILES or url.removeprefix("file://") in FILES:
            return None  # a vendored file, read by the parser itself
        raise LookupError(f"No vendored copy of {url!r} (tests/schemas/README.md)")


def _parser() -> etree.XMLParser:
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    parser.resolvers.add(OfflineResolver())
    return parser


def _schema_importing(*locations: tuple[str, str]) -> etree.XMLSchema:
    """One schema made of the official ones, each imported from its usual location."""
    imports = "".join(
        f'<xs:import namespace="{namespace}" schemaLocation="{location}"/>'
        for namespace, location in locations
    )
    text = f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">{imports}</xs:schema>'
    document = etree.fromstring(text.encode(), _parser(), base_url=str(HERE / "wrapper.xsd"))
    return etree.XMLSchema(document)


@functools.cache
def oai_pmh() -> etree.XMLSchema:
    """OAI-PMH 2.0 with oai_dc: the protocol's schema validates a record's metadata strictly
    (``processContents="strict"``), so the oai_dc schema, and the simple Dublin Core schema it
    imports, are part of the same schema."""
    return _schema_importing(
        ("http://www.openarchives.org/OAI/2.0/", "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"),
        (
            "http://www.openarchives.org/OAI/2.0/oai_dc/",
            "http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
        ),
    )


@functools.cache
def sitemap() -> etree.XMLSchema:
    return _schema_importing(
        (
            "http://www.sitemaps.org/schemas/sitemap/0.9",
            "http://www.sitemaps.org/schemas/sitemap/0.9/sitemap.xsd",
        )
    )


@functools.cache
def sitemap_index() -> etree.XMLSchema:
    return _schema_importing(
        (
            "http://www.sitemaps.org/schemas/sitemap/0.9",
            "http://www.sitemaps.org/schemas/sitemap/0.9/siteindex.xsd",
        )
    )


def errors(schema: etree.XMLSchema, content: bytes) -> list[str]:
    """What ``schema`` finds wrong with the XML document ``content`` (nothing: valid)."""
    document = etree.fromstring(content, etree.XMLParser(no_network=True, resolve_entities=False))
    if schema.validate(document):
        return []
    return [f"line {error.line}: {error.message}" for error in schema.error_log]
