"""``{% picture %}``: the one way a page shows an attached image (archive/pictures.py).

    {% load picture_tags %}
    {% with images=document.attachments.all|images_by_role %}
      {% if images.lead %}{% picture images.lead layout="lead" eager=True %}{% endif %}
      {% include "includes/attachments.html" with images=images %}
    {% endwith %}

``layout`` is "lead", "portrait" or "gallery" (it sets ``sizes`` and the figure's class);
``sizes`` overrides it; ``eager`` for an image at the top of the page (never for a sensitive
one); ``link`` links the image to its stored original.
"""

from django import template

from archive import pictures

register = template.Library()


@register.inclusion_tag("includes/picture.html")
def picture(attachment, layout="gallery", sizes="", eager=False, link=False):
    return {
        "picture": pictures.picture_of(attachment, layout=layout, sizes=sizes, eager=eager),
        "layout": layout,
        "link": link,
    }


@register.filter
def images_by_role(attachments, lead=None):
    """An item's attachments as its page shows them: ``lead``, ``gallery``, ``scans``,
    ``files``. The argument, when given, is the lead image (a person's portrait)."""
    return pictures.by_role(attachments, lead=lead or None)


@register.filter
def rights_url(attachment) -> str:
    return pictures.rights_url(attachment)
