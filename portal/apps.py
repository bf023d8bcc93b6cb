from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_save
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from taggit.models import Tag, TaggedItem

        from . import addresses, content, limits, roles, search, text

        # Tags come first: the rows that tie them to items name them.
        content.register(Tag)
        content.register(TaggedItem, kind="tagged-item", edited=False)
        search.connect_tag_signals()
        pre_save.connect(text.normalize_raw_save, dispatch_uid="portal-normalize-raw-text")
        # A changed address is kept as an old address that leads to the new one.
        addresses.connect()
        post_migrate.connect(roles.setup_roles_after_migrate, dispatch_uid="portal-setup-roles")
        post_migrate.connect(limits.create_table_after_migrate, dispatch_uid="portal-limits-table")
