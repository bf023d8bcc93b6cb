"""The architecture holds by itself (issue 13): one list of content, from which everything that
must know "all content" is derived, and a kernel that knows no app."""

import pytest
from django.contrib.auth.models import Group
from django.db.models.signals import post_save, pre_delete

from archive.models import Attachment
from portal import bags, content, roles, search
from tests.conftest import REPO

# One list of content --------------------------------------------------------------------------


def test_every_content_model_is_registered_once_in_dependency_order():
    labels = content.labels()
    assert labels == [
        "taggit.tag",
        "taggit.taggeditem",
        "archive.organization",
        "archive.document",
        "archive.attachment",
        "memorials.place",
        "memorials.event",
        "memorials.person",
        "memorials.commemoration",
        "memorials.figure",
        "memorials.tribute",
        "memorials.testimony",
        "memorials.correctionrequest",
    ]
    assert len(set(labels)) == len(labels)


def test_every_content_model_is_tracked_as_a_change_to_public_pages():
    for model in content.models():
        # Before a delete: whether the item was shown, and what showed it, is read then.
        assert post_save.has_listeners(model) and pre_delete.has_listeners(model), model


def test_search_indexes_exactly_the_registered_searchable_models():
    assert search.registered() == content.models(search=True)
    kinds = {model().search_data.__func__ for model in content.models(search=True)}
    assert len(kinds) == len(content.models(search=True))  # each describes itself


@pytest.mark.django_db
def test_files_attach_to_exactly_the_attachable_models():
    field = Attachment._meta.get_field("content_type")
    allowed = {
        (ct.app_label, ct.model)
        for ct in field.related_model.objects.filter(field.get_limit_choices_to())
    }
    assert allowed == {
        (model._meta.app_label, model._meta.model_name) for model in content.models(attachable=True)
    }


@pytest.mark.django_db
def test_the_roles_cover_every_content_model():
    editors = Group.objects.get(name=roles.EDITORS).permissions.all()
    publishers = Group.objects.get(name=roles.PUBLISHERS).permissions.all()
    granted = {(p.content_type.model, p.codename) for p in publishers}
    for model in content.models(edited=True):
        name = model._meta.model_name
        assert (name, f"change_{name}") in granted, name
        assert editors.filter(codename=f"change_{name}").exists(), name
    for model in content.models(moderated=True):  # visitors add them; editors moderate
        assert not editors.filter(codename=f"add_{model._meta.model_name}").exists()
    for model in content.models(publishable=True):
        name = model._meta.model_name
        assert (name, f"publish_{name}") in granted
        assert not editors.filter(codename=f"publish_{name}").exists()


def test_bags_and_bulk_imports_take_their_models_from_the_registry():
    # Visitors' email addresses (testimonies, correction requests) never leave in a bag.
    assert bags.content_models() == content.models(personal=False)
    assert content.labels(personal=True) == ["memorials.testimony", "memorials.correctionrequest"]
    assert set(content.labels(importable=True)) <= set(content.labels())
    assert "memorials.tribute" not in content.labels(importable=True)


# Layers -----------------------------------------------------------------------------------------

# What each package may not import: the kernel knows no app; the archive knows nothing of
# memorials; no app knows the public face, which composes them.
FORBIDDEN = {
    "portal": {"archive", "memorials", "front"},
    "archive": {"memorials", "front"},
    "memorials": {"front"},
}


def imported_packages(path, package: str) -> set[str]:
    """The top-level packages a module of ``package`` imports (relative imports are its own)."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.add(package if node.level else (node.module or "").split(".")[0])
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            found.add(str(node.args[0].value).split(".")[0])
    return found


def test_each_layer_imports_only_what_is_below_it():
    broken = []
    for package, forbidden in FORBIDDEN.items():
        for path in sorted((REPO / package).rglob("*.py")):
            wrong = imported_packages(path, package) & forbidden
            if wrong:
                broken.append(f"{path.relative_to(REPO)} imports {', '.join(sorted(wrong))}")
    assert broken == []


def test_the_layering_check_sees_a_forbidden_import(tmp_path):
    module = tmp_path / "probe.py"
    module.write_text(
        "import memorials.views\nfrom archive.models import Document\nfrom .text import CleanText\n"
        "importlib.import_module('front.urls')\n"
    )
    assert imported_packages(module, "portal") == {"memorials", "archive", "portal", "front"}
