"""The newsroom's whole path in a real browser, with the admin in Azerbaijani (issue 18's "Done
when"): an editor imports a press release through the admin's bulk import, edits its metadata
and submits it; a publisher sends it back with a comment, the editor resubmits, the publisher
schedules it and it becomes public at its time; the editor corrects the live document, the
publisher previews and publishes the correction; a visitor's tribute is moderated; the publisher
withdraws the document with a public reason (410), restores an older version (it stays
withdrawn) and publishes it again. From the import to the end, the text, its checksum and the
public .txt are byte for byte what was imported.

Each role chooses Azerbaijani in the admin's language chooser first. Screenshots of each role's
admin home (and of a few other steps) go to $SCREENSHOTS_DIR, or var/screenshots/ (ignored by
git), as newsroom-az-*.png.
"""

import datetime
import hashlib
import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from archive.models import Document
from memorials.models import Tribute
from portal import roles
from portal.corrections import Correction
from portal.corrections import State as CorrectionState
from portal.publishing import Status
from tests.conftest import REPO, make_event

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = Path(os.environ.get("SCREENSHOTS_DIR", REPO / "var" / "screenshots"))

# Synthetic: written for this test, about nothing that happened. Its text has a paragraph
# break, a line break, letters beyond ASCII and typographic quotes, all of which must survive.
RELEASE = (
    "Synthetic Mission for Portal Tests\n"
    "Press Release No. 7/2011\n"
    "New York, 3 March 2011\n"
    "\n"
    "SYNTHETIC PRESS RELEASE FOR THE NEWSROOM TEST\n"
    "\n"
    "This press release is synthetic: it was written for an automated test of the portal and "
    "reports no real event, person or place.\n"
    "\n"
    "Its second paragraph keeps a line break\n"
    "and letters beyond ASCII: ə, ı, ş, ğ, ç, ö, ü — and “typographic quotes”.\n"
)
TITLE = "SYNTHETIC PRESS RELEASE FOR THE NEWSROOM TEST"
BODY = RELEASE.split(TITLE + "\n\n", 1)[1].rstrip("\n")
FIRST_SUMMARY = "Synthetic summary written by the editor (test data)."
CORRECTED_SUMMARY = "Synthetic summary as corrected after publication (test data)."
SEND_BACK_COMMENT = "Tarixi yoxlayın, xahiş edirəm."  # "Check the date, please."
WITHDRAWAL_REASON = "Sınaq üçün geri çəkilib: bu mətn sintetikdir."  # "Withdrawn for a test…"
TRIBUTE_TEXT = "Sintetik ehtiram sözü (sınaq)."  # "A synthetic tribute (test)."

# What the admin says in Azerbaijani (locale/az and Django's own catalog).
AZ_SITE_HEADER = "Anım portalı — redaktorlar"
AZ_INDEX_TITLE = "Arxiv və xatirə"
AZ_GO = "İrəli"
AZ_SAVE_AND_CONTINUE = "Yadda saxla və redaktəyə davam et"


def _staff(django_user_model, username, group, first_name):
    user = django_user_model.objects.create_user(
        username, password=f"{username}-password", is_staff=True, first_name=first_name
    )
    user.groups.add(Group.objects.get(name=group))
    return user


def _admin_in_azerbaijani(browser, live_server, user):
    """A browser of its own for ``user``, who chooses Azerbaijani on the login page (in
    English until then) and logs in."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1366, "height": 900}, locale="en-GB"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/admin/login/")
    assert page.locator("#site-name").inner_text() == "Commemoration portal — editors"
    page.get_by_label("Language of the admin").select_option("az")
    page.get_by_role("button", name="Choose").click()
    page.wait_for_url("**/admin/login/")
    assert page.evaluate("document.documentElement.lang") == "az"
    assert page.locator("#site-name").inner_text() == AZ_SITE_HEADER
    assert page.get_by_label("İdarəetmə panelinin dili").input_value() == "az"
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(f"{user.username}-password")
    page.get_by_role("button", name="Daxil ol").click()
    page.wait_for_url("**/admin/")
    assert page.get_by_text(AZ_INDEX_TITLE).first.is_visible()
    return page


def _home(page, name=None):
    """The admin home; saved as newsroom-az-<name>.png when named."""
    page.goto("/admin/")
    assert page.evaluate("document.documentElement.lang") == "az"
    if name:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"newsroom-az-{name}.png"), full_page=True)
    return page.locator(".work-queue")


def _section(page, heading):
    return page.locator(".work-queue section").filter(
        has=page.get_by_role("heading", name=heading, exact=True)
    )


def _act(page, document, action, label):
    """Run a changelist action, by its Azerbaijani name, on ``document``."""
    page.goto("/admin/archive/document/")
    page.locator(f'input[name="_selected_action"][value="{document.pk}"]').check()
    choice = page.locator('select[name="action"]')
    assert label in choice.inner_text()
    choice.select_option(action)
    page.get_by_role("button", name=AZ_GO).click()


def _message(page, text):
    page.locator(".messagelist").get_by_text(text).wait_for()


def _shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"newsroom-az-{name}.png"), full_page=True)


def _latest_version(document, **fields):
    return (
        Document.history.filter(id=document.pk, **fields)
        .order_by("-history_date", "-history_id")
        .first()
    )


def test_the_newsroom_path_in_azerbaijani(browser, live_server, django_user_model, tmp_path):
    roles.setup_roles()
    editor_user = _staff(django_user_model, "elnur", roles.EDITORS, "Elnur")
    publisher_user = _staff(django_user_model, "parvin", roles.PUBLISHERS, "Pərvin")
    event = make_event(name="Synthetic event for the newsroom test", slug="synthetic-event")

    editor = _admin_in_azerbaijani(browser, live_server, editor_user)
    publisher = _admin_in_azerbaijani(browser, live_server, publisher_user)
    visitor_context = browser.new_context(base_url=live_server.url)
    visitor = visitor_context.new_page()
    visitor.set_default_timeout(15_000)

    # A visitor leaves a message on a public event page (in Azerbaijani): it waits for
    # moderation, and both roles' queues show it.
    visitor.goto(f"/az/events/{event.slug}/")
    visitor.get_by_label("Mesaj", exact=True).check()
    visitor.get_by_label("Mesaj (ən çox 1000 simvol)").fill(TRIBUTE_TEXT)
    visitor.get_by_role("button", name="Göndər").click()
    tribute = Tribute.objects.get()
    assert tribute.state == Tribute.State.PENDING
    assert TRIBUTE_TEXT not in visitor.locator("#tributes").inner_text()

    # 1. The editor imports the release: a dry run, then the import, as a draft.
    release = tmp_path / "synthetic-release.txt"
    release.write_bytes(RELEASE.encode("utf-8"))
    editor.goto("/admin/archive/document/")
    editor.get_by_role("link", name="Faylları idxal et").click()
    editor.get_by_label("Fayllar").set_input_files(str(release))
    editor.get_by_label("Mətnlərin dili").select_option("en")
    editor.get_by_role("button", name="Faylları yoxla (sınaq)").click()
    assert "yaradılacaq" in editor.locator("#import-report").inner_text()
    assert not Document.objects.exists()  # a dry run writes nothing
    editor.get_by_role("button", name="İdxalı təsdiqlə").click()
    assert "yaradıldı" in editor.locator("#import-report").inner_text()
    document = Document.objects.get()
    assert (document.title, document.status) == (TITLE, Status.DRAFT)
    assert document.body == BODY
    imported_checksum = document.checksum
    assert imported_checksum == hashlib.sha256(BODY.encode("utf-8")).hexdigest()
    public_path = f"/az{document.get_absolute_url()}"
    text_path = document.get_text_url()
    assert visitor.goto(public_path).status == 404  # a draft is not public
    _home(editor)
    assert _section(editor, "Qaralamalarınız").get_by_role("link", name=TITLE).is_visible()

    # 2. The editor edits the metadata and submits the document for review.
    editor.goto(f"/admin/archive/document/{document.pk}/change/")
    editor.locator("#id_summary").fill(FIRST_SUMMARY)
    editor.locator("#id_tags").fill("synthetic-test")
    editor.get_by_role("button", name=AZ_SAVE_AND_CONTINUE).first.click()
    editor.locator(".messagelist .success").wait_for()
    _act(editor, document, "submit_for_review", "Seçilmiş elementləri yoxlamaya göndər")
    _message(editor, "Yoxlamada")
    document.refresh_from_db()
    assert (document.status, document.summary) == (Status.REVIEW, FIRST_SUMMARY)
    assert list(document.tags.names()) == ["synthetic-test"]

    queue = _home(publisher, "publisher-home")
    review = _section(publisher, "Yoxlama gözləyir")
    assert review.get_by_role("link", name=TITLE).is_visible()
    assert review.get_by_role("cell", name="Elnur").is_visible()  # who submitted it
    assert (
        _section(publisher, "Moderasiya gözləyir")
        .get_by_role("link", name="Ehtiram sözləri: 1")
        .is_visible()
    )
    assert queue.get_by_role("heading", name="Sizə geri qaytarılanlar").count() == 0

    # 3. The publisher sends it back with a comment, which the editor's home shows.
    _act(publisher, document, "return_to_draft", "Seçilmiş elementləri qaralamaya qaytar")
    publisher.get_by_label("Redaktor nəyi dəyişməlidir?").fill(SEND_BACK_COMMENT)
    publisher.get_by_role("button", name="Geri göndər").click()
    _message(publisher, "Qaralama")
    document.refresh_from_db()
    assert document.status == Status.DRAFT

    _home(editor, "editor-home")
    returned = _section(editor, "Sizə geri qaytarılanlar")
    assert returned.get_by_role("link", name=TITLE).is_visible()
    assert returned.get_by_role("cell", name=SEND_BACK_COMMENT).is_visible()
    assert returned.get_by_role("cell", name="Pərvin").is_visible()
    # Editors moderate too: the tribute, named by its kind and sender.
    waiting = _section(editor, "Moderasiya gözləyir")
    assert waiting.get_by_role("link", name="Mesaj — anonim ziyarətçi").is_visible()

    # The editor resubmits; the publisher schedules it a few seconds ahead.
    _act(editor, document, "submit_for_review", "Seçilmiş elementləri yoxlamaya göndər")
    _message(editor, "Yoxlamada")
    publish_at = timezone.localtime(timezone.now() + datetime.timedelta(seconds=20)).replace(
        microsecond=0
    )
    publisher.goto(f"/admin/archive/document/{document.pk}/change/")
    publisher.locator("#id_status").select_option(Status.PUBLISHED)
    publisher.locator("#id_published_at_0").fill(publish_at.strftime("%d.%m.%Y"))
    publisher.locator("#id_published_at_1").fill(publish_at.strftime("%H:%M:%S"))
    publisher.get_by_role("button", name=AZ_SAVE_AND_CONTINUE).first.click()
    publisher.locator(".messagelist .success").wait_for()
    document.refresh_from_db()
    assert (document.status, document.published_at) == (Status.PUBLISHED, publish_at)
    assert visitor.goto(public_path).status == 404  # scheduled: not public yet
    publisher.goto("/admin/archive/document/")
    assert "Dərc vaxtı:" in publisher.locator("#result_list td.field-publication").inner_text()
    _home(publisher, "publisher-scheduled")
    assert _section(publisher, "Növbəti planlaşdırılanlar").get_by_text(TITLE).is_visible()

    # 5 (while the publish time comes). The publisher approves the visitor's tribute.
    _section(publisher, "Moderasiya gözləyir").get_by_role(
        "link", name="Ehtiram sözləri: 1"
    ).click()
    publisher.locator(f'input[name="_selected_action"][value="{tribute.pk}"]').check()
    publisher.locator('select[name="action"]').select_option("approve")
    publisher.get_by_role("button", name=AZ_GO).click()
    publisher.locator(".messagelist .success").wait_for()
    tribute.refresh_from_db()
    assert (tribute.state, tribute.decided_by) == (Tribute.State.APPROVED, publisher_user)
    visitor.goto(f"/az/events/{event.slug}/")
    assert TRIBUTE_TEXT in visitor.locator("#tributes").inner_text()

    # The publish time comes: the document is public, with no one acting.
    remaining = (publish_at - timezone.now()).total_seconds()
    assert remaining > 0, "the steps before the publish time took too long to test scheduling"
    visitor.wait_for_timeout(remaining * 1000 + 500)
    response = visitor.goto(public_path)
    assert response.status == 200
    assert visitor.get_by_role("heading", level=1).inner_text() == TITLE
    assert FIRST_SUMMARY in visitor.locator("main").inner_text()
    published_text = visitor.request.get(text_path)
    assert published_text.status == 200
    published_bytes = published_text.body()
    assert published_bytes == BODY.encode("utf-8")
    assert published_text.headers["x-checksum-sha256"] == imported_checksum

    # 4. The editor corrects the live document: kept apart, the public page unchanged.
    editor.goto(f"/admin/archive/document/{document.pk}/change/")
    assert editor.get_by_text("Bu element ictimaidir.").is_visible()
    editor.locator("#id_summary").fill(CORRECTED_SUMMARY)
    editor.get_by_role("button", name="Düzəlişi saxla").first.click()
    _message(editor, "Düzəliş yadda saxlanıldı; ictimai səhifə dəyişməyib.")
    correction = Correction.objects.get()
    assert correction.state == CorrectionState.DRAFT
    document.refresh_from_db()
    assert document.summary == FIRST_SUMMARY
    visitor.goto(public_path)
    assert FIRST_SUMMARY in visitor.locator("main").inner_text()
    assert CORRECTED_SUMMARY not in visitor.locator("main").inner_text()
    editor.get_by_role("button", name="Düzəlişi yoxlamaya göndər").first.click()
    _message(editor, "Düzəliş yoxlamaya göndərildi.")
    correction.refresh_from_db()
    assert correction.state == CorrectionState.REVIEW

    # The publisher finds it on their home, previews it, publishes it.
    _home(publisher, "publisher-correction")
    corrections = _section(publisher, "Yoxlama gözləyən düzəlişlər")
    corrections.get_by_role("link", name=f"Düzəliş №{correction.pk}: {TITLE}").click()
    changes = publisher.locator("#correction-changes").inner_text()
    assert FIRST_SUMMARY in changes and CORRECTED_SUMMARY in changes
    correction_page = publisher.url
    publisher.goto(publisher.locator("#correction-preview").get_attribute("href"))
    assert CORRECTED_SUMMARY in publisher.locator("main").inner_text()
    visitor.goto(public_path)
    assert CORRECTED_SUMMARY not in visitor.locator("main").inner_text()  # a preview only
    publisher.goto(correction_page)
    publisher.get_by_role("button", name="Düzəlişi dərc et").click()
    _message(publisher, "Düzəliş dərc olundu: ictimai səhifə onu göstərir.")
    visitor.goto(public_path)
    assert CORRECTED_SUMMARY in visitor.locator("main").inner_text()
    document.refresh_from_db()
    assert document.summary == CORRECTED_SUMMARY

    # 6. The publisher withdraws it with a public reason: its address answers 410.
    _act(publisher, document, "withdraw", "Seçilmiş elementləri geri çək")
    publisher.get_by_label("Geri çəkilmənin açıq səbəbi").fill(WITHDRAWAL_REASON)
    publisher.get_by_role("button", name="Geri çək", exact=True).click()
    _message(publisher, "Geri çəkilib")
    response = visitor.goto(public_path)
    assert response.status == 410
    assert visitor.get_by_role("heading", name="Geri çəkilmə səbəbi").is_visible()
    assert WITHDRAWAL_REASON in visitor.locator("main").inner_text()
    _shot(visitor, "withdrawn-410")
    assert visitor.request.get(text_path).status == 410

    # 7. The publisher restores the version the editor resubmitted: its summary comes back,
    # the document stays withdrawn.
    older = _latest_version(document, status=Status.REVIEW, summary=FIRST_SUMMARY)
    publisher.goto(f"/admin/archive/document/{document.pk}/change/")
    publisher.get_by_role("link", name="Tarix").first.click()
    publisher.locator(f'a[href$="/history/{older.history_id}/"]').click()
    publisher.wait_for_url(f"**/history/{older.history_id}/")
    # The restore page, django-simple-history's, in Azerbaijani too.
    assert publisher.get_by_role("heading", name=f"Bərpa et: {TITLE}").is_visible()
    assert publisher.get_by_text("aşağıdakı “Bərpa et” düyməsini basın").is_visible()
    assert "(Geri çəkilib)" in publisher.locator("#restore-publication").inner_text()
    _shot(publisher, "restore")
    publisher.get_by_role("button", name="Bərpa et").first.click()
    _message(publisher, "uğurla dəyişdirildi")
    document.refresh_from_db()
    assert (document.status, document.summary) == (Status.WITHDRAWN, FIRST_SUMMARY)
    assert document.withdrawal_reason == WITHDRAWAL_REASON
    assert visitor.goto(public_path).status == 410

    # And publishes it again.
    _act(publisher, document, "publish", "Seçilmiş elementləri dərc et")
    _message(publisher, "Dərc olunub")
    response = visitor.goto(public_path)
    # The same browser that saw the tombstone sees the document again.
    assert response.status == 200
    assert FIRST_SUMMARY in visitor.locator("main").inner_text()

    # 8. The text as issued, untouched from the import to the end.
    document.refresh_from_db()
    assert document.body == BODY
    assert document.checksum == imported_checksum
    assert document.fixity_ok
    final_text = visitor.request.get(text_path)
    assert final_text.status == 200
    assert final_text.body() == published_bytes == BODY.encode("utf-8")
    assert final_text.headers["x-checksum-sha256"] == imported_checksum
    assert all(version.body == BODY for version in Document.history.filter(id=document.pk))

    for page in (editor, publisher, visitor):
        page.context.close()
