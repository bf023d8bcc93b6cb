"""Does a document's title claim the right anniversary of the events it is linked to?"""

from dataclasses import dataclass

from archive.models import Document

from .anniversaries import Anniversary, claimed_anniversary, ordinal
from .models import Event


@dataclass(frozen=True)
class AnniversaryCheck:
    event: Event
    claimed: int
    expected: Anniversary | None

    @property
    def consistent(self) -> bool:
        return self.expected is not None and self.expected.number == self.claimed

    @property
    def message(self) -> str:
        claim = f"The title claims the {ordinal(self.claimed)} anniversary of {self.event.name}"
        if self.expected is None:
            return f"{claim}, but the document is dated before the event's first anniversary."
        verdict = "consistent" if self.consistent else "MISMATCH"
        return (
            f"{claim} ({self.event.dates_display}); the anniversary nearest to the issue date is "
            f"the {ordinal(self.expected.number)} ({self.expected.when}): {verdict}."
        )


def check_document(document: Document) -> list[AnniversaryCheck]:
    """One check per linked event, when the title claims an anniversary; else none."""
    claimed = claimed_anniversary(document.title)
    if claimed is None:
        return []
    return [
        AnniversaryCheck(event, claimed, event.anniversary_near(document.issued_on))
        for event in document.events.all()
    ]


def documents_by_claim(documents) -> tuple[set[int], set[int]]:
    """(consistent, mismatched) primary keys among documents that claim an anniversary."""
    claiming = (
        documents.filter(title__icontains="anniversary", events__isnull=False)
        .distinct()
        .prefetch_related("events")
    )
    consistent, mismatched = set(), set()
    for document in claiming:
        checks = check_document(document)
        if not checks:
            continue
        (consistent if all(check.consistent for check in checks) else mismatched).add(document.pk)
    return consistent, mismatched
