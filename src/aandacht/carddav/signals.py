"""Mark a person's address book card stale whenever something it shows changes.

Only marks: rendering happens on the next read (``store.refresh``), so an edit costs one small
UPDATE and a burst of edits renders once. Paths that send no signals (bulk imports, moves,
the trash) are caught by ``refresh`` itself, which compares the cards with the vault's people.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from aandacht.carddav.store import mark_stale
from aandacht.people.models import Address, ContactMethod, ImportantDate, Person, Tag
from aandacht.timeline.models import Note


@receiver(post_save, sender=Person)
def person_saved(sender: type[Person], instance: Person, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        mark_stale([instance.pk])


@receiver([post_save, post_delete], sender=ContactMethod)
@receiver([post_save, post_delete], sender=Address)
@receiver([post_save, post_delete], sender=ImportantDate)
@receiver([post_save, post_delete], sender=Note)
def detail_changed(sender: type[Any], instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        mark_stale([instance.person_id])


@receiver(m2m_changed, sender=Person.tags.through)
def tags_changed(sender: type[Any], instance: Any, action: str, **kwargs: Any) -> None:
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if isinstance(instance, Person):
        mark_stale([instance.pk])
    else:
        mark_stale(kwargs.get("pk_set") or [])


@receiver(post_save, sender=Tag)
@receiver(pre_delete, sender=Tag)
def tag_changed(sender: type[Tag], instance: Tag, raw: bool = False, **kwargs: Any) -> None:
    """A renamed or deleted tag changes the CATEGORIES of everyone who has it."""
    if not raw and instance.pk:
        mark_stale(
            Person.tags.through.objects.filter(tag_id=instance.pk).values_list(
                "person_id", flat=True
            )
        )
