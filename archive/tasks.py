"""The archive's slow work, as jobs (portal/jobs.py): an image's display sizes, a scan's IIIF
pages, the admin's confirmed bulk import and the check of a document's source link.

Each job takes ids, never objects, and reads what it concerns as it is when it runs. Each can
run twice and make nothing twice: files are named by their SHA-256 and written only when
missing (``Attachment._write``, ``archive.iiif``), and display sizes only where they lack.
"""

import base64
import collections
import dataclasses
import urllib.error
import urllib.request

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from portal import jobs

from . import iiif
from .bulk_import import import_files
from .importer import Outcome
from .models import Attachment, Document, ScanPage

GONE = _("nothing to do: the attachment was deleted since")


@jobs.job("renditions", title=_("Display sizes of an image"))
def make_renditions(job, attachment: int) -> str:
    """The display sizes an image lacks, made from its stored original."""
    stored = Attachment.objects.filter(pk=attachment).first()
    if stored is None:
        return str(GONE)
    made = stored.make_renditions()  # the slow part, outside any transaction
    if not made:
        return gettext("nothing to do: every size exists")
    with transaction.atomic():
        current = Attachment.objects.select_for_update().filter(pk=attachment).first()
        if current is None:
            return str(GONE)
        if current.checksum != stored.checksum:
            # Another file was saved meanwhile: its own job makes its sizes.
            return gettext("nothing to do: the file was replaced since")
        for name in made:
            setattr(current, name, getattr(stored, name))
        current.save(update_fields=made)
    return ngettext("%(count)d size made", "%(count)d sizes made", len(made)) % {"count": len(made)}


@jobs.job("scan_pages", title=_("Pages of a scan (IIIF)"))
def make_scan_pages(job, attachment: int) -> str:
    """A scan's pages and their IIIF tiles (archive/iiif.py); none for what is no scan."""
    stored = Attachment.objects.filter(pk=attachment).first()
    if stored is None:
        return str(GONE)
    pages = iiif.make_scan_pages(stored)
    job.done_steps = job.total_steps = len(pages)
    if not pages:
        return gettext("no pages: not a scan")
    return ngettext("%(count)d page made", "%(count)d pages made", len(pages)) % {
        "count": len(pages)
    }


def queue_attachment_work(attachment, *, user=None, scan_changed: bool) -> list:
    """The jobs a saved attachment needs: its display sizes if it lacks some, its scan's pages
    if its file or its role changed (``scan_changed``). Returns the jobs asked for."""
    asked = []
    name = attachment.original_name or str(attachment)
    if attachment.missing_renditions:
        asked.append(
            make_renditions.enqueue(
                f"Display sizes of “{name}”", item=attachment, user=user, attachment=attachment.pk
            )
        )
    # A scan's pages are made again; an attachment that is no longer a scan loses its pages.
    if scan_changed and (
        attachment.role == Attachment.Role.SCAN
        or ScanPage.objects.filter(attachment=attachment).exists()
    ):
        asked.append(
            make_scan_pages.enqueue(
                f"Scan pages of “{name}”", item=attachment, user=user, attachment=attachment.pk
            )
        )
    return asked


# The admin's bulk import -------------------------------------------------------------------


@jobs.job("import", title=_("Import of documents, fixtures and registers"))
def run_import(job, files: list, language: str, date_order: str = "") -> str:
    """A confirmed import (archive/bulk_import.py), as the editor who confirmed it may."""
    if job.started_by is None:
        raise PermissionError("the account that asked for this import no longer exists")
    rows = import_files(
        [(name, base64.b64decode(data)) for name, data in files],
        user=job.started_by,
        language=language,
        date_order=date_order,
        dry_run=False,
    )
    job.result = {
        "rows": [{**dataclasses.asdict(row), "outcome": str(row.outcome)} for row in rows]
    }
    # The files are in the database now: the job keeps their names, not their bytes.
    type(job).objects.filter(pk=job.pk).update(
        params={"files": [[name, ""] for name, _data in files], "language": language}
    )
    counts = collections.Counter(str(row.outcome) for row in rows)
    return ", ".join(
        f"{count} {Outcome(outcome).label}" for outcome, count in sorted(counts.items())
    )


# Source links ------------------------------------------------------------------------------


class SourceUnreachable(Exception):
    """The source's server did not answer, or answered that it cannot now (5xx, 429): worth
    asking again later."""


def _ask(url: str, method: str) -> tuple[int, str, str]:
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked: http or https)
        url, method=method, headers={"User-Agent": "commemoration-portal link check"}
    )
    timeout = settings.LINK_CHECK_TIMEOUT_SECONDS
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.reason, response.url
    except urllib.error.HTTPError as error:
        return error.code, str(error.reason), error.url or url
    except urllib.error.URLError as error:
        raise SourceUnreachable(f"no answer from {url}: {error.reason}") from error


def link_status(url: str) -> tuple[int, str, str]:
    """(status, reason, final address) of a HEAD request to ``url`` — a GET, not read, where
    the server refuses HEAD."""
    status, reason, final = _ask(url, "HEAD")
    if status in {405, 501}:
        status, reason, final = _ask(url, "GET")
    return status, reason, final


@jobs.job(
    "link_check",
    title=_("Check of a document's source link"),
    transient=(SourceUnreachable,),
)
def check_source_link(job, document: int) -> str:
    """Whether a document's source link still answers; a broken link is a result ("broken:
    404 Not Found"), a server that does not answer is tried again, then a failure."""
    stored = Document.objects.filter(pk=document).only("source_url").first()
    if stored is None:
        return gettext("nothing to do: the document was deleted since")
    url = stored.source_url
    if not url:
        return gettext("no source link to check")
    if not url.lower().startswith(("http://", "https://")):
        return gettext("broken: not an http(s) address")
    status, reason, final = link_status(url)
    job.result = {"url": url, "status": status, "final_url": final}
    if status >= 500 or status == 429:
        raise SourceUnreachable(f"{url} answered {status} {reason}")
    if status >= 400:
        return gettext("broken: %(status)s %(reason)s") % {"status": status, "reason": reason}
    if final and final != url:
        return gettext("works: %(status)s %(reason)s, moved to %(address)s") % {
            "status": status,
            "reason": reason,
            "address": final,
        }
    return gettext("works: %(status)s %(reason)s") % {"status": status, "reason": reason}


def queue_link_checks(documents, *, user=None) -> list:
    """A link check for each document with a source link."""
    return [
        check_source_link.enqueue(
            f"Source link of “{document.title}”"[:300],
            item=document,
            user=user,
            document=document.pk,
        )
        for document in documents
        if document.source_url
    ]
