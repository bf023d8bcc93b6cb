"""The admin home as an editor and as a publisher see it, with work waiting for each: the work
queue's headings are on screen, above the list of models, and axe-core finds no WCAG 2.1 A/AA
violation in the queue. Screenshots go to $SCREENSHOTS_DIR, or var/screenshots/ (ignored by
git), as admin-home-<role>.png."""

import datetime
import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from memorials.models import Tribute
from portal import roles
from portal.publishing import Status
from tests.conftest import REPO, make_document, make_event, make_person

from .conftest import AXE

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = Path(os.environ.get("SCREENSHOTS_DIR", REPO / "var" / "screenshots"))


def _staff(django_user_model, username, group, **names):
    user = django_user_model.objects.create_user(
        username, password=f"{username}-password", is_staff=True, **names
    )
    user.groups.add(Group.objects.get(name=group))
    return user


def _as(user, item):
    """Record ``user`` as the author of ``item``'s latest revision."""
    item.history.filter(history_id=item.history.latest().history_id).update(history_user=user)


@pytest.fixture
def queued(django_user_model):
    """An editor and a publisher with work waiting for each."""
    roles.setup_roles()
    editor = _staff(django_user_model, "elnur", roles.EDITORS, first_name="Elnur")
    publisher = _staff(django_user_model, "parvin", roles.PUBLISHERS, first_name="Parvin")
    in_review = make_document(title="Statement waiting for review", status=Status.DRAFT)
    _as(editor, in_review)
    in_review.status = Status.REVIEW
    in_review.save()
    _as(editor, in_review)
    draft = make_person(name="A draft person", status=Status.DRAFT)
    _as(editor, draft)
    returned = make_document(title="Statement sent back", status=Status.DRAFT)
    _as(editor, returned)
    returned.status = Status.REVIEW
    returned.save()
    _as(editor, returned)
    returned.status = Status.DRAFT
    returned._change_reason = "Please check the date."
    returned.save()
    _as(publisher, returned)
    event = make_event(published_at=timezone.now() + datetime.timedelta(days=2), name="Next week")
    Tribute.objects.create(event=event, kind="message", name="A visitor", text="We remember.")
    return {"editor": editor, "publisher": publisher}


def _log_in(page, username):
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(f"{username}-password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")


def _queue_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """() => axe.run({include: [".work-queue"]}, {runOnly: {type: "tag",
            values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})"""
    )
    return [
        {"id": v["id"], "nodes": [n["target"] for n in v["nodes"][:3]]}
        for v in result["violations"]
    ]


@pytest.mark.parametrize(
    ("role", "headings", "absent"),
    [
        (
            "editor",
            ["Waiting for moderation", "Your drafts", "Sent back to you"],
            ["Waiting for review", "Scheduled next"],
        ),
        (
            "publisher",
            ["Waiting for review", "Waiting for moderation", "Scheduled next"],
            ["Sent back to you"],
        ),
    ],
)
def test_the_admin_home_shows_each_role_its_queue(
    browser, live_server, queued, role, headings, absent
):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1366, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    _log_in(page, queued[role].username)
    for heading in headings:
        assert page.get_by_role("heading", name=heading).is_visible(), heading
    for heading in absent:
        assert page.get_by_role("heading", name=heading).count() == 0, heading
    # The queue comes before the list of models.
    queue_top = page.locator(".work-queue").bounding_box()["y"]
    assert queue_top < page.locator(".app-archive").bounding_box()["y"]
    if role == "editor":
        assert page.get_by_role("cell", name="Please check the date.").is_visible()
    else:
        assert page.get_by_role("link", name="Documents: 1").is_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"admin-home-{role}.png"), full_page=True)
    assert _queue_violations(page) == []
    context.close()
