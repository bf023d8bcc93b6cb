from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MemorialsConfig(AppConfig):
    name = "memorials"
    verbose_name = _("Memorials")

    def ready(self):
        from portal import content

        from .models import Commemoration, Event, Figure, Person, Place, Tribute

        content.register(
            Place,
            search=True,
            variants=True,
            attachable=True,
            importable=True,
            labels=(_("Place"), _("Places")),
        )
        content.register(
            Event,
            search=True,
            variants=True,
            attachable=True,
            importable=True,
            labels=(_("Event"), _("Events")),
        )
        content.register(
            Person,
            search=True,
            variants=True,
            attachable=True,
            importable=True,
            labels=(_("Person"), _("People")),
        )
        content.register(
            Commemoration,
            search=True,
            importable=True,
            labels=(_("Commemoration"), _("Commemorations")),
        )
        content.register(Figure, importable=True)
        # Their pages show a correction's preview (memorials/views.py); a commemoration has
        # no page of its own.
        from portal import corrections

        corrections.preview_on_page(Event, Person)
        content.register(Tribute, moderated=True)
        # Visitors' testimonies and correction requests: editors moderate them and may delete
        # one (a photo sent by mistake); their email addresses stay in this installation.
        from .models import CorrectionRequest, Testimony

        for model in (Testimony, CorrectionRequest):
            content.register(model, moderated=True, removable_by_editors=True, personal=True)

        # What public pages show of these (portal/freshness.py): a correction request never
        # reaches one, so its changes change none; a family relation shows on both people's
        # pages, though it is no content of its own.
        from portal import freshness

        from .models import PersonRelation

        freshness.track(CorrectionRequest, shown=False)
        freshness.track(PersonRelation)

        from django.db.models.signals import post_delete

        from .testimonies import photo_leaves_with_its_testimony

        post_delete.connect(
            photo_leaves_with_its_testimony, sender=Testimony, dispatch_uid="testimony-photo"
        )

        # What a revision records beside the fields (portal/revisions.py): the inlines the
        # admins show, an event's figures, a person's family and a document's linked events.
        from archive.models import Document
        from portal import revisions

        revisions.follow(Event, "figures", Figure._meta.verbose_name_plural)
        revisions.follow(Person, "relations", PersonRelation._meta.verbose_name_plural)
        revisions.follow(Document, "events", _("linked events"))

        # Suggestions to editors: the documents that name a person (memorials/mentions.py).
        from django.db.models.signals import post_save

        from . import mentions

        post_save.connect(
            mentions.person_saved, sender=Person, dispatch_uid="memorials-mentions-person"
        )
        post_save.connect(
            mentions.document_saved, sender=Document, dispatch_uid="memorials-mentions-document"
        )

        # Registers of people as spreadsheets, read by the admin's bulk import too.
        from portal.fixtures import register_file_importer

        from .registers import ENDINGS, import_for_admin

        register_file_importer(
            list(ENDINGS),
            import_for_admin,
            _(
                "Registers of people as spreadsheets (.csv, .xlsx), with the columns "
                "export_people writes; new people come in as drafts."
            ),
        )
