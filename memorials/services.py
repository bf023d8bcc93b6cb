"""Writes that span several of the memorials' models."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from archive.models import Attachment
from portal.addresses import address_of, key_of
from portal.models import OldAddress
from portal.publishing import EDITOR_STATUSES, can_publish

from .models import (
    CorrectionRequest,
    NameMention,
    Person,
    PersonRelation,
    Testimony,
    Tribute,
    split_lines,
)


def may_merge(user, *people) -> bool:
    """Editors merge records still in their hands (drafts, in review): the duplicate goes, but
    nothing of it is lost. Merging a person who is or was public takes the publish permission,
    as changing one does."""
    if not user.has_perm("memorials.change_person"):
        return False
    if any(person.status not in EDITOR_STATUSES for person in people):
        return can_publish(user, Person)
    return True


@transaction.atomic
def merge_people(survivor: Person, duplicate: Person, user) -> Person:
    """Merge ``duplicate`` into ``survivor``, two records of one person: everything attached
    to the duplicate moves to the survivor, the duplicate's spellings become the survivor's
    variants, and the duplicate's address (and the addresses it had before) lead to the
    survivor's page. Both histories are kept: the survivor's records the merge, and the
    duplicate's, kept after its deletion, says what it was merged into."""
    survivor = Person.objects.select_for_update().get(pk=survivor.pk)
    duplicate = Person.objects.select_for_update().get(pk=duplicate.pk)
    if survivor.pk == duplicate.pk:
        raise ValidationError(_("A person cannot be merged with themselves."))
    if not may_merge(user, survivor, duplicate):
        raise PermissionDenied(_("Only a publisher may merge a person who is or was public."))

    for model in [Tribute, Testimony, CorrectionRequest]:
        model.objects.filter(person=duplicate).update(person=survivor)
    _move_relations(survivor, duplicate)
    survivor.documents.add(*duplicate.documents.all())
    _move_mentions(survivor, duplicate)
    person_type = ContentType.objects.get_for_model(Person)
    Attachment.objects.filter(content_type=person_type, object_id=duplicate.pk).update(
        object_id=survivor.pk
    )
    if survivor.portrait_id is None and duplicate.portrait_id is not None:
        survivor.portrait_id = duplicate.portrait_id
    survivor.name_variants = "\n".join(_variants_after_merge(survivor, duplicate))

    old_address = address_of(duplicate)
    OldAddress.objects.filter(key=key_of(duplicate)).update(key=key_of(survivor))

    reason = f"Merged with {duplicate.name} (#{duplicate.pk}, {duplicate.slug})"
    survivor._change_reason = reason
    survivor._history_user = user
    survivor.save()
    duplicate._change_reason = f"Merged into {survivor.name} (#{survivor.pk}, {survivor.slug})"
    duplicate._history_user = user
    duplicate.delete()
    if old_address:
        OldAddress.objects.update_or_create(path=old_address, defaults={"key": key_of(survivor)})
    return survivor


def _variants_after_merge(survivor, duplicate) -> list[str]:
    """The survivor's variants, then each of the duplicate's spellings it does not have yet."""
    variants = list(survivor.variants)
    known = {survivor.name, *variants}
    for name in [duplicate.name, *split_lines(duplicate.name_variants)]:
        if name not in known:
            variants.append(name)
            known.add(name)
    return variants


def _move_relations(survivor, duplicate) -> None:
    """Each of the duplicate's family relations becomes the survivor's, unless it would relate
    the survivor to themselves or the two are already related (either way round)."""
    relations = PersonRelation.objects.filter(Q(person=duplicate) | Q(relative=duplicate))
    for relation in relations.select_related("person", "relative"):
        if relation.person_id == duplicate.pk:
            relation.person = survivor
        if relation.relative_id == duplicate.pk:
            relation.relative = survivor
        already = PersonRelation.objects.filter(
            Q(person=relation.person, relative=relation.relative)
            | Q(person=relation.relative, relative=relation.person)
        ).exclude(pk=relation.pk)
        if relation.person_id == relation.relative_id or already.exists():
            relation.delete()
        else:
            relation.save()


def _move_mentions(survivor, duplicate) -> None:
    known = survivor.mentions.values("document")
    NameMention.objects.filter(person=duplicate, document__in=known).delete()
    NameMention.objects.filter(person=duplicate).update(person=survivor)
