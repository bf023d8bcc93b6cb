"""Texts saved through the admin before line ends were normalized at the model hold CRLF, which
browsers send from a textarea: a line end is transport, not content, so they are stored as LF
and their checksum recomputed, as every save now does (portal/text.py)."""

import hashlib

from django.db import migrations


def normalize_line_ends(apps, schema_editor):
    Document = apps.get_model("archive", "Document")
    for document in Document.objects.filter(body__contains="\r").only("pk", "body"):
        body = document.body.replace("\r\n", "\n").replace("\r", "\n")
        checksum = hashlib.sha256(body.encode("utf-8")).hexdigest()
        Document.objects.filter(pk=document.pk).update(body=body, checksum=checksum)


class Migration(migrations.Migration):
    dependencies = [("archive", "0003_list_indexes")]

    operations = [migrations.RunPython(normalize_line_ends, migrations.RunPython.noop)]
