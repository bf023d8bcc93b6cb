from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "Archive"

    def ready(self):
        from portal import search

        from .models import Document, Organization

        search.register(Document)
        search.follow(Organization)
