"""The two editorial roles, as Django groups.

- **Editors** create and edit content, submit it for review, moderate tributes and attach files.
  They cannot publish, withdraw or delete published content.
- **Publishers** can do all that, and publish, schedule, withdraw and delete.

The groups are (re)created after every ``migrate`` and by ``manage.py setup_roles``, so their
permissions follow new models. Users are put in a group in the admin.
"""

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

EDITORS = "Editors"
PUBLISHERS = "Publishers"

# Models whose items editors write. Publishable ones also have a "publish_<model>" permission.
CONTENT_MODELS = {
    "archive": ["document", "organization", "attachment"],
    "memorials": ["event", "person", "commemoration", "place", "figure"],
    "taggit": ["tag"],
}
PUBLISHABLE_MODELS = {"archive": ["document"], "memorials": ["event", "person", "commemoration"]}
MODERATED_MODELS = {"memorials": ["tribute"]}


def _permissions(models: dict[str, list[str]], actions: list[str]) -> Q:
    condition = Q(pk__in=[])
    for app_label, names in models.items():
        codenames = [f"{action}_{name}" for name in names for action in actions]
        condition |= Q(content_type__app_label=app_label, codename__in=codenames)
    return condition


def editor_permissions():
    return Permission.objects.filter(
        _permissions(CONTENT_MODELS, ["add", "change", "view"])
        | _permissions({"archive": ["attachment"]}, ["delete"])
        | _permissions(MODERATED_MODELS, ["change", "view"])
    )


def publisher_permissions():
    return Permission.objects.filter(
        _permissions(CONTENT_MODELS, ["add", "change", "view", "delete"])
        | _permissions(PUBLISHABLE_MODELS, ["publish"])
        | _permissions({"portal": ["public_records"]}, ["change"])
        | _permissions(MODERATED_MODELS, ["change", "view", "delete"])
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
