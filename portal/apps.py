from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"

    def ready(self):
        from taggit.models import Tag, TaggedItem

        from . import freshness, roles, search

        search.connect_tag_signals()
        freshness.track(Tag, TaggedItem)
        post_migrate.connect(roles.setup_roles_after_migrate, dispatch_uid="portal-setup-roles")
