"""The two editorial roles, as Django groups.

- **Editors** create and edit content, submit it for review, moderate tributes and visitors'
  testimonies and correction requests, and attach files.
  They cannot publish, withdraw or delete published content.
- **Publishers** can do all that, and publish, schedule, withdraw and delete.

The groups are (re)created after every ``migrate`` and by ``manage.py setup_roles``, so their
permissions follow new models. Users are put in a group in the admin.
"""

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from . import content
from .publishing import CHANGE_PUBLIC_RECORDS

EDITORS = "Editors"
PUBLISHERS = "Publishers"


def _permissions(models, actions: list[str]) -> Q:
    """``actions`` on each of ``models`` (Django's add/change/view/delete, publish, moderate)."""
    condition = Q(pk__in=[])
    for model in models:
        opts = model._meta
        codenames = [f"{action}_{opts.model_name}" for action in actions]
        condition |= Q(content_type__app_label=opts.app_label, codename__in=codenames)
    return condition


def editor_permissions():
    edited = content.models(edited=True, moderated=False)
    return Permission.objects.filter(
        _permissions(edited, ["add", "change", "view"])
        | _permissions(content.models(removable_by_editors=True), ["delete"])
        | _permissions(content.models(moderated=True), ["change", "view", "moderate"])
    )


def publisher_permissions():
    app_label, codename = CHANGE_PUBLIC_RECORDS.split(".")
    return Permission.objects.filter(
        _permissions(
            content.models(edited=True, moderated=False), ["add", "change", "view", "delete"]
        )
        | _permissions(content.models(publishable=True), ["publish"])
        | Q(content_type__app_label=app_label, codename=codename)
        | _permissions(content.models(moderated=True), ["change", "view", "delete", "moderate"])
    )


def setup_roles() -> dict[str, int]:
    """Create or update both groups; returns the number of permissions of each."""
    counts = {}
    for name, permissions in [
        (EDITORS, editor_permissions()),
        (PUBLISHERS, publisher_permissions()),
    ]:
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions)
        counts[name] = len(permissions)
    return counts


def setup_roles_after_migrate(sender, **kwargs):
    # post_migrate is sent once per app, and auth creates each app's permissions on that app's
    # signal: wait for the last app, when every permission exists.
    if sender is list(apps.get_app_configs())[-1]:
        setup_roles()
