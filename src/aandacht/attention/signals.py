"""Keep each person's last contacts current, and give every new vault its preset circles."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from aandacht.accounts.models import Vault
from aandacht.attention import services
from aandacht.timeline.models import Interaction

_PEOPLE_ATTR = "_attention_people"


@receiver(post_save, sender=Vault, dispatch_uid="attention_default_circles")
def give_default_circles(sender: type[Vault], instance: Vault, created: bool, **_: Any) -> None:
    if created:
        services.ensure_default_circles(instance)


@receiver(post_save, sender=Interaction, dispatch_uid="attention_interaction_saved")
def interaction_saved(
    sender: type[Interaction], instance: Interaction, created: bool, **_: Any
) -> None:
    # A new interaction has no people yet: m2m_changed follows. An edit may change the outcome
    # or the date, so its people are recomputed.
    if not created:
        services.refresh_last_contacts(instance.people.values_list("pk", flat=True))


@receiver(pre_delete, sender=Interaction, dispatch_uid="attention_interaction_deleting")
def interaction_deleting(sender: type[Interaction], instance: Interaction, **_: Any) -> None:
    setattr(instance, _PEOPLE_ATTR, list(instance.people.values_list("pk", flat=True)))


@receiver(post_delete, sender=Interaction, dispatch_uid="attention_interaction_deleted")
def interaction_deleted(sender: type[Interaction], instance: Interaction, **_: Any) -> None:
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
