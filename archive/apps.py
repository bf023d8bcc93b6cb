from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "Archive"

    def ready(self):
        from portal import freshness, search

        from .models import Attachment, Document, Organization

        search.register(Document)
        search.follow(Organization)
        freshness.track(Document, Organization, Attachment)
