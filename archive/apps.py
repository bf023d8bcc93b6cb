from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = _("Archive")

    def ready(self):
        from portal import content

        from .models import Attachment, Document, Organization

        content.register(Organization, reindexes=True, importable=True)
        content.register(
            Document,
            search=True,
            attachable=True,
            importable=True,
            labels=(_("Document"), _("Documents")),
        )
        content.register(Attachment, removable_by_editors=True)

        # A document's page shows a correction's preview (archive/views.py).
        from portal import corrections

        corrections.preview_on_page(Document)
