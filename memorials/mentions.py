"""Suggestions to editors: the documents in which one of a person's recorded spellings occurs
(``NameMention``), computed when a person or a document is saved.

A spelling is any of the person's names (the name, its variants, its names in the interface
languages), folded to its words (``portal.folding.words``); it occurs in a document when its
words follow one another in the document's title, summary or text, folded the same way. A
suggestion is never shown to visitors: an editor links the document to the person (the admin's
"link"), and the person's page then shows it once the document is public.

Neither side reads every row of the other:

- a person's spellings are looked up in the search index's full-text match (released
  documents), and only the documents the index does not hold (drafts, documents in review or
  withdrawn: few) are folded here;
- a document's words are looked up among the words of people's names recorded when they were
  indexed (``portal.models.NameWord``); only the people with no recorded words (those not
  released) are read whole. Each candidate's phrase is then confirmed in the document.

Both are plain functions, so that a task queue can run them later instead of the save.
"""

from django.db.models import Exists, OuterRef

from archive.models import Document
from portal.folding import words
from portal.models import NameWord
from portal.search.engines import matching
from portal.search.query import ParsedQuery, Term

from .models import NameMention, Person

PERSON_MODEL = "memorials.person"
# Folded words looked up at once: an IN list well within every database's parameter limit.
WORDS_PER_QUERY = 500
NAME_FIELDS = {"name", "name_variants", "name_en", "name_az", "name_ru"}
DOCUMENT_TEXT_FIELDS = {"title", "summary", "body"}


def spellings_of(person) -> dict[tuple[str, ...], str]:
    """The person's recorded spellings, folded to their words, each with one name as written."""
    spellings = {}
    for name in [person.name, *person.variants, *person.translated_names]:
        phrase = tuple(words(name))
        if phrase:
            spellings.setdefault(phrase, name)
    return spellings


def _segments(document) -> list[str]:
    """The document's title, summary and text, each folded to its words, space-delimited at
    both ends so that a phrase is found only as whole words and never across two of them."""
    texts = [document.title, document.summary, document.body]
    return [f" {' '.join(words(text))} " for text in texts if text]


def _first_occurring(spellings: dict, segments: list[str]) -> str | None:
    """The written form of the longest spelling that occurs in ``segments``, or None."""
    for phrase in sorted(spellings, key=lambda phrase: (-len(phrase), phrase)):
        needle = f" {' '.join(phrase)} "
        if any(needle in segment for segment in segments):
            return spellings[phrase][:200]
    return None


def _documents_to_read(spellings) -> list[int]:
    """Documents that may hold one of ``spellings``: those the search index matches, and those
    it does not hold (public documents only are indexed as public)."""
    query = ParsedQuery(terms=[Term(phrases=sorted(spellings))])
    keys = matching(query).filter(kind="document").values_list("key", flat=True)
    indexed = [int(key.rpartition(":")[2]) for key in keys]
    unindexed = Document.objects.exclude(pk__in=Document.objects.public().values("pk"))
    return [*indexed, *unindexed.values_list("pk", flat=True)]


def suggest_mentions_for_person(person) -> list[NameMention]:
    """Find the documents in which ``person``'s spellings occur, and keep them as the person's
    mentions (replacing those no longer found)."""
    spellings = spellings_of(person)
    found: dict[int, str] = {}
    if spellings:
        candidates = Document.objects.filter(pk__in=_documents_to_read(spellings))
        for document in candidates.only("pk", *DOCUMENT_TEXT_FIELDS).iterator(chunk_size=200):
            spelling = _first_occurring(spellings, _segments(document))
            if spelling:
                found[document.pk] = spelling
    person.mentions.exclude(document_id__in=found).delete()
    return _store(
        [NameMention(person=person, document_id=pk, spelling=s) for pk, s in found.items()]
    )


def _people_to_read(vocabulary: set[str]) -> dict[int, Person]:
    """People who may be named in a text of these folded words: those with a recorded word
    among them, and those with no recorded words at all (not released, so not indexed)."""
    recorded = NameWord.objects.filter(model=PERSON_MODEL)
    names_only = Person.objects.only("pk", *NAME_FIELDS)
    people = {
        person.pk: person
        for person in names_only.exclude(Exists(recorded.filter(object_id=OuterRef("pk"))))
    }
    ordered = sorted(vocabulary)
    for start in range(0, len(ordered), WORDS_PER_QUERY):
        chunk = ordered[start : start + WORDS_PER_QUERY]
        named = Exists(recorded.filter(object_id=OuterRef("pk"), word__in=chunk))
        people.update((person.pk, person) for person in names_only.filter(named))
    return people


def suggest_mentions_for_document(document) -> list[NameMention]:
    """Find the people whose spellings occur in ``document``, and keep them as its mentions
    (replacing those no longer found)."""
    segments = _segments(document)
    vocabulary = {word for segment in segments for word in segment.split()}
    found: dict[int, str] = {}
    if vocabulary:
        for person in _people_to_read(vocabulary).values():
            spellings = {
                phrase: name
                for phrase, name in spellings_of(person).items()
                if set(phrase) <= vocabulary
            }
            spelling = _first_occurring(spellings, segments)
            if spelling:
                found[person.pk] = spelling
    document.mentions.exclude(person_id__in=found).delete()
    return _store(
        [NameMention(person_id=pk, document=document, spelling=s) for pk, s in found.items()]
    )


def _store(mentions: list[NameMention]) -> list[NameMention]:
    if not mentions:
        return []
    return NameMention.objects.bulk_create(
        mentions,
        update_conflicts=True,
        unique_fields=["person", "document"],
        update_fields=["spelling", "found_at"],
    )


def _changes(update_fields, fields) -> bool:
    return update_fields is None or bool(set(update_fields) & fields)


def person_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if not raw and _changes(update_fields, NAME_FIELDS):
        suggest_mentions_for_person(instance)


def document_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if not raw and _changes(update_fields, DOCUMENT_TEXT_FIELDS):
        suggest_mentions_for_document(instance)
