"""Publishing state shared by every editorial model.

Only ``published`` items are public: every public page, feed and list goes through
``PublishableQuerySet.public()``, so a draft cannot leak through a view that forgets a filter.
The full workflow (review, withdrawal, scheduled publishing) builds on this module.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class PublishableQuerySet(models.QuerySet):
    def public(self):
        return self.filter(status=Status.PUBLISHED)


class Publishable(models.Model):
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        help_text=_("Only published items appear on the public site."),
    )

    class Meta:
        abstract = True

    @property
    def is_public(self) -> bool:
        return self.status == Status.PUBLISHED
