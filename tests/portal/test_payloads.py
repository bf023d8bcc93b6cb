"""Every string an editor or a visitor controls reaches pages escaped: no markup, no script."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from archive.media import prepare_upload
from archive.models import Attachment
from memorials.models import Tribute
from tests.conftest import (
    make_commemoration,
    make_document,
    make_event,
    make_figure,
    make_organization,
    make_person,
    make_place,
)

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</script><script>alert(1)</script>",
    "javascript:alert(1)",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_in_every_field_are_shown_as_text(payload, media_root):
    issuer = make_organization(name=f"Issuer {payload}", city=payload, country=payload)
    place = make_place(name=f"Place {payload}", name_variants=payload)
    document = make_document(
        title=f"Title {payload}",
        body=f"Body {payload}",
        summary=payload,
        editorial_notes=payload,
        series=payload,
        reference_number=payload[:100],
        provenance=payload,
        issuer=issuer,
        tags=[f"tag {payload}"[:100]],
    )
    event = make_event(
        name=f"Event {payload}",
        alternative_names=payload,
        description=payload,
        places=[place],
        documents=[document],
    )
    person = make_person(name=f"Person {payload}", biography=payload, event=event, place=place)
    make_commemoration(
        event=event,
        name=f"Gathering {payload}",
        venue=payload,
        participants=payload,
        description=payload,
        date_note=payload,
    )
    make_figure(event=event, source=document, wording=payload, note=payload)
    attachment = Attachment(item=event, caption=payload, credit=payload, alt_text=payload)
    attachment.store(prepare_upload(SimpleUploadedFile("p.png", _png())))
    attachment.save()
    Tribute.objects.create(
        event=event, kind="message", name=payload, text=payload, state="approved"
    )

    visitor = Client()
    pages = [
        "/",
        "/archive/",
        document.get_absolute_url(),
        event.get_absolute_url(),
        person.get_absolute_url(),
        place.get_absolute_url(),
        "/people/",
        "/places/",
        "/events/",
        "/calendar/",
        "/search/?q=" + payload,
        "/ru" + event.get_absolute_url(),
    ]
    for url in pages:
        html = visitor.get(url).content.decode()
        assert "<script>alert(1)</script>" not in html, url
        assert "<img src=x onerror" not in html, url
        assert 'href="javascript:' not in html, url


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "PNG")
    return buffer.getvalue()
