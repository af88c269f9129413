"""Keep each person's last contacts current, and give every new vault its preset circles.

Every way an interaction changes is covered: created (its people arrive through
``m2m_changed``), edited (outcome, date), deleted, people added or taken off (from either
side), and a merge, which moves interactions with a queryset update and then saves the kept
person. A whole vault being deleted is skipped: its rhythms go with it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from aandacht.accounts.models import Vault
from aandacht.attention import services
from aandacht.people.lifecycle import person_merged, person_merging
from aandacht.people.models import Person
from aandacht.timeline.models import Interaction

_PEOPLE_ATTR = "_attention_people"


@receiver(post_save, sender=Vault, dispatch_uid="attention_default_circles")
def give_default_circles(
    sender: type[Vault], instance: Vault, created: bool, raw: bool = False, **_: Any
) -> None:
    if created and not raw:
        services.ensure_default_circles(instance)


@receiver(person_merging, dispatch_uid="attention_person_merging")
def person_merging_rhythms(sender: type[Person], kept: Person, other: Person, **_: Any) -> None:
    # Before merge_people moves other's rows: a circle only the other had must not be lost.
    services.merge_rhythms(kept, other)


@receiver(person_merged, dispatch_uid="attention_person_merged")
def person_merged_contacts(sender: type[Person], kept: Person, **_: Any) -> None:
    # The interactions moved with queryset updates, which send no signals.
    services.refresh_last_contacts([kept.pk])


def _whole_vault(origin: object) -> bool:
    """The deletion started at a vault: its people and rhythms go too, nothing to recompute."""
    if isinstance(origin, Vault):
        return True
    return isinstance(origin, QuerySet) and origin.model is Vault


@receiver(post_save, sender=Interaction, dispatch_uid="attention_interaction_saved")
def interaction_saved(
    sender: type[Interaction], instance: Interaction, created: bool, **_: Any
) -> None:
    # A new interaction has no people yet: m2m_changed follows. An edit may change the outcome
    # or the date, so its people are recomputed.
    if not created:
        services.refresh_last_contacts(instance.people.values_list("pk", flat=True))


@receiver(pre_delete, sender=Interaction, dispatch_uid="attention_interaction_deleting")
def interaction_deleting(
    sender: type[Interaction], instance: Interaction, origin: object = None, **_: Any
) -> None:
    if _whole_vault(origin):
        return
    setattr(instance, _PEOPLE_ATTR, list(instance.people.values_list("pk", flat=True)))


@receiver(post_delete, sender=Interaction, dispatch_uid="attention_interaction_deleted")
def interaction_deleted(
    sender: type[Interaction], instance: Interaction, origin: object = None, **_: Any
) -> None:
    if _whole_vault(origin):
        return
    services.refresh_last_contacts(getattr(instance, _PEOPLE_ATTR, []))


@receiver(m2m_changed, sender=Interaction.people.through, dispatch_uid="attention_people_changed")
def interaction_people_changed(
    sender: type[Any],
    instance: Any,
    action: str,
    reverse: bool,
    pk_set: set[int] | None,
    **_: Any,
) -> None:
    if action == "pre_clear":
        if not reverse:
            setattr(instance, _PEOPLE_ATTR, list(instance.people.values_list("pk", flat=True)))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:
        # person.interactions.add(...): the person is the instance.
        services.refresh_last_contacts([instance.pk])
    elif action == "post_clear":
        services.refresh_last_contacts(getattr(instance, _PEOPLE_ATTR, []))
    else:
        services.refresh_last_contacts(pk_set or ())
