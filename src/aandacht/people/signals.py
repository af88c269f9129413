"""Keep each person's search columns in step with whatever feeds them, however it was edited."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from aandacht.people.models import Address, ContactMethod, Person
from aandacht.people.search import refresh_search_fields
from aandacht.timeline.models import Note


@receiver(post_save, sender=Person)
def person_saved(sender: type[Person], instance: Person, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        refresh_search_fields([instance.pk])


@receiver([post_save, post_delete], sender=ContactMethod)
@receiver([post_save, post_delete], sender=Address)
@receiver([post_save, post_delete], sender=Note)
def detail_changed(sender: type[Any], instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        refresh_search_fields([instance.person_id])


@receiver(m2m_changed, sender=Person.tags.through)
def tags_changed(sender: type[Any], instance: Any, action: str, **kwargs: Any) -> None:
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if isinstance(instance, Person):
        refresh_search_fields([instance.pk])
    else:
        refresh_search_fields(kwargs.get("pk_set") or [])
