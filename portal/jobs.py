"""Slow work as jobs: queued for a Celery worker, or run inline when there is no broker.

An app declares a kind of job with ``@jobs.job("renditions")`` on a function ``run(job,
**params)`` that does the work and returns a one-line summary; ``enqueue(label, item=…,
user=…, **params)`` then writes a ``portal.Job`` row and runs it:

- with a broker (``CELERY_BROKER_URL``), once the asking transaction is committed (the worker
  must see what the request saved), on a worker (``celery -A portal worker``);
- without one (local mode, the tests), at once, inline, as Celery's eager mode does.

Either way the row follows the job — queued, running, done or failed — and the admin shows it
(Portal › Jobs, and beside the item it concerns). A failure for a passing reason (the database
or the network away a moment) is tried again a bounded number of times; any other failure, or
the last one, is recorded on the row with its error and logged, never swallowed. A job is
written to be run twice without making anything twice: files are named by their content, and
what exists is not made again; a job delivered again after it finished is not run again.
"""

import logging
import traceback
from collections.abc import Callable
from contextlib import contextmanager
from types import SimpleNamespace

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from simple_history.models import HistoricalRecords

from .celery import app
from .models import Job

log = logging.getLogger(__name__)

# Failures that say "not now" rather than "never": tried again after a pause.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    ConnectionError,
    TimeoutError,
)
ERROR_LENGTH = 4000  # the end of a traceback says what went wrong; the admin shows this much

_kinds: dict[str, "JobKind"] = {}


def inline() -> bool:
    """Whether jobs run where they are asked for: no broker (local mode, the tests)."""
    return bool(app.conf.task_always_eager)


class JobKind:
    """One kind of job: its work, and the Celery task that runs it by the job's id."""

    def __init__(self, kind: str, run: Callable, title, transient, max_retries: int | None):
        self.kind = kind
        self.title = title or kind
        self.run = run
        self.transient = TRANSIENT_ERRORS + tuple(transient)
        self.max_retries = settings.JOB_MAX_RETRIES if max_retries is None else max_retries

        def execute(task, job_id: int):
            return self._execute(task, job_id)

        execute.__name__ = execute.__qualname__ = f"run_{kind}"  # "import" is no name
        execute.__module__ = run.__module__
        # Retries are counted here, against the job; Celery's own count would stop them early.
        self.task = app.task(name=f"portal.jobs.{kind}", bind=True, max_retries=None)(execute)

    def __repr__(self):
        return f"<JobKind {self.kind}>"

    def enqueue(self, label: str, *, item=None, user=None, **params) -> Job:
        """Ask for the job: a queued row, then the work (inline, or on a worker once the
        current transaction commits). Returns the row, as it is after an inline run."""
        job = Job.objects.create(
            kind=self.kind,
            label=label[:300],
            content_type=ContentType.objects.get_for_model(item) if item is not None else None,
            object_id=item.pk if item is not None else None,
            started_by=user if getattr(user, "is_authenticated", False) else None,
            params=params,
        )
        if inline():
            self.task.apply(args=[job.pk])
            job.refresh_from_db()
        else:
            transaction.on_commit(lambda: self.task.apply_async(args=[job.pk]))
        return job

    def _execute(self, task, job_id: int):
        job = Job.objects.filter(pk=job_id).first()
        if job is None or job.finished:
            return  # gone, or delivered again after it finished: nothing is done twice
        Job.objects.filter(pk=job.pk).update(
            state=Job.State.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1
        )
        job.refresh_from_db()
        try:
            summary = self._run(job)
        except self.transient as error:
            if job.attempts <= self.max_retries:
                _record(
                    job,
                    state=Job.State.QUEUED,
                    error=_("Tried again after: %(error)s") % {"error": _one_line(error)},
                )
                countdown = settings.JOB_RETRY_SECONDS * 2 ** (job.attempts - 1)
                raise task.retry(exc=error, countdown=countdown) from error
            self._failed(job, error)
            raise
        except Exception as error:
            self._failed(job, error)
            raise
        _record(
            job,
            state=Job.State.DONE,
            finished_at=timezone.now(),
            message=summary or "",
            error="",
            result=job.result,
            done_steps=job.done_steps,
            total_steps=job.total_steps,
        )
        return summary

    def _run(self, job):
        # Inline, inside a request's transaction, a failed job must not break the request's
        # own writes: it runs in a savepoint. A worker's job manages its own transactions (a
        # link check must not hold a write lock while it waits for a server).
        with acting_as(job.started_by):
            if transaction.get_connection().in_atomic_block:
                with transaction.atomic():
                    return self.run(job, **job.params)
            return self.run(job, **job.params)

    def _failed(self, job, error):
        log.error("Job %s (%s, %s) failed", job.pk, self.kind, job.label, exc_info=error)
        details = "".join(traceback.format_exception(error))
        _record(
            job,
            state=Job.State.FAILED,
            finished_at=timezone.now(),
            error=f"{_one_line(error)}\n\n{details[-ERROR_LENGTH:]}",
        )


@contextmanager
def acting_as(user):
    """The history of what a job changes names the editor who asked for it, as for the
    changes of their own requests: on a worker there is no request to tell it."""
    context = HistoricalRecords.context
    if user is None or getattr(getattr(context, "request", None), "user", None) is not None:
        yield  # inline, the request's own user is recorded already
        return
    context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        del context.request


def _one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


def _record(job, **values):
    """Write the job's state with an update of its own row: the job's work may have been rolled
    back, and the row must still say what happened."""
    Job.objects.filter(pk=job.pk).update(**values)
    for name, value in values.items():
        setattr(job, name, value)


def job(kind: str, *, title=None, transient=(), max_retries: int | None = None):
    """Declare a kind of job: ``run(job, **params)`` does the work and returns its summary.
    ``title`` names the kind in the admin; ``transient``: more exceptions that mean "try again
    later"."""

    def declare(run):
        if kind in _kinds:
            raise ValueError(f"a kind of job named {kind!r} exists already")
        _kinds[kind] = JobKind(kind, run, title, transient, max_retries)
        return _kinds[kind]

    return declare


def kinds() -> dict[str, JobKind]:
    return dict(_kinds)


def kind_title(kind: str):
    """How the admin names a kind of job ("Display sizes of images")."""
    declared = _kinds.get(kind)
    return declared.title if declared else kind


def progress(job, done: int, total: int) -> None:
    """Say how far a job counted in steps is: the admin shows "3 of 12"."""
    _record(job, done_steps=done, total_steps=total)


# --- What the admin shows -----------------------------------------------------------------


def admin_url(job) -> str:
    return reverse("admin:portal_job_change", args=[job.pk])


def latest_for(item, kind: str | None = None) -> Job | None:
    """The last job asked for about ``item`` (of ``kind``), if any."""
    if item is None or item.pk is None:
        return None
    jobs = Job.objects.filter(
        content_type=ContentType.objects.get_for_model(item), object_id=item.pk
    )
    if kind:
        jobs = jobs.filter(kind=kind)
    return jobs.order_by("-created_at", "-pk").first()


def state_text(job) -> str:
    """The job's state in a few words: "queued", "running: 3 of 12", "done: …", "failed: …"."""
    if job.state in {Job.State.QUEUED, Job.State.RUNNING} and job.total_steps:
        steps = _("%(done)s of %(total)s") % {"done": job.done_steps, "total": job.total_steps}
        return f"{job.get_state_display()}: {steps}"
    if job.state == Job.State.DONE and job.message:
        return f"{job.get_state_display()}: {job.message}"
    if job.state == Job.State.FAILED:
        return f"{job.get_state_display()}: {job.error.splitlines()[0] if job.error else ''}"
    return str(job.get_state_display())


def status_html(job):
    """One line for the admin: the job, its state, and a link to it."""
    return format_html(
        '{}: {} (<a href="{}">{}</a>)', job.label, state_text(job), admin_url(job), _("job")
    )


def message_html(job):
    """What the admin says once it asked for a job: "Queued: …", or, run inline, how it went."""
    if job.state == Job.State.DONE:
        lead = _("Done")
    elif job.state == Job.State.FAILED:
        lead = _("Failed")
    else:
        lead = _("Queued")
    return format_html(
        '{}: {} — {} (<a href="{}">{}</a>)',
        lead,
        job.label,
        state_text(job),
        admin_url(job),
        _("see the job"),
    )
