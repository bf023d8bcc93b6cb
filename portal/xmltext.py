"""Text written into XML (feeds, sitemaps, OAI-PMH), whatever was stored.

XML 1.0 cannot carry most control characters (U+0000–U+001F but tab, newline and carriage
return), surrogates, nor U+FFFE and U+FFFF: one such character in one title makes a whole feed
fail (Django's feed generator raises) or a harvest unreadable (ElementTree writes it as it is).
``xml_safe`` drops them from every text the XML outputs write, so they stay well formed.
"""

import re

from django.utils.feedgenerator import Atom1Feed
from django.utils.xmlutils import SimplerXMLGenerator

# Everything outside XML 1.0's Char production.
_ILLEGAL = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text) -> str:
    """``text`` as a string without the characters XML 1.0 cannot carry."""
    text = str(text)
    return _ILLEGAL.sub("", text) if _ILLEGAL.search(text) else text


def is_xml_safe(text: str) -> bool:
    return _ILLEGAL.search(text) is None


class XMLSafeGenerator(SimplerXMLGenerator):
    """Django's XML writer, dropping what XML cannot carry instead of raising."""

    def characters(self, content):
        super().characters(xml_safe(content) if content else content)

    def startElement(self, name, attrs):
        attrs = {key: xml_safe(value) for key, value in attrs.items()} if attrs else attrs
        super().startElement(name, attrs)


class XMLSafeAtom1Feed(Atom1Feed):
    """An Atom feed whose every text and attribute goes through ``xml_safe``."""

    def write(self, outfile, encoding):
        handler = XMLSafeGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        handler.startElement("feed", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")
