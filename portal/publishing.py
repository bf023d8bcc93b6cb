"""Publishing state shared by every editorial model.

Only ``published`` items are public: every public page, feed and list goes through
``PublishableQuerySet.public()``, so a draft cannot leak through a view that forgets a filter.
The full workflow (review, withdrawal, scheduled publishing) builds on this module.
"""

from django.db import models
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class PublishableQuerySet(models.QuerySet):
    def public(self):
        return self.filter(status=Status.PUBLISHED)

    def visible_to(self, user):
        """Public items, and for staff who may view this model in the admin, every item too:
        that is how editors preview a draft on its public URL."""
        opts = self.model._meta
        if (
            user.is_active
            and user.is_staff
            and user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
        ):
            return self.all()
        return self.public()


def mark_preview(response, item):
    """A page shown to an editor before it is public must never be cached or indexed."""
    if not item.is_public:
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response


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
