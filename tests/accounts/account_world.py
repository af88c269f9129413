"""A small world around the cast for the export and deletion tests.

Import it as ``from account_world import World, build_world, snapshot``. Every user has
something of every kind: vaults of their own, entries shared and private in Alice's vault,
cards, a check-in round, settings, tokens, sessions, two-factor devices, invitations.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import models
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

from aandacht.accounts.models import (
    AccessToken,
    Invitation,
    Membership,
    Preference,
    Role,
    SignedInSession,
    Vault,
)
from aandacht.attention.models import AgendaSettings, AppreciationNudge, DigestSent
from aandacht.cards.models import Card, CardStatus, SeasonSettings
from aandacht.exchange.models import ImportJob
from aandacht.people.models import Person
from aandacht.people.services import create_person
from aandacht.rounds.models import CheckInStep
from aandacht.rounds.services import start_round
from aandacht.timeline.models import FollowUp, Interaction, Moment, Note
from aandacht.timeline.services import add_follow_up, add_moment, add_note, log_interaction

YEAR = timezone.now().year


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 80, 30)).save(out, format="PNG")
    return out.getvalue()


@dataclass
class World:
    alice: User
    bob: User
    carol: User
    mallory: User
    shared: Vault  # Alice's people: alice owner, bob editor, carol viewer
    alice_alone: Vault
    bob_alone: Vault
    mallory_vault: Vault
    anna: Person  # in the shared vault, with a photo
    bobs_friend: Person  # in Bob's own vault, with a photo


def _personal(user: User, index: int, world_name: str) -> tuple[Vault, Person]:
    vault = Vault.objects.create(name=world_name)
    Membership.objects.create(vault=vault, user=user, role=Role.OWNER)
    person = create_person(vault, f"Friend {index} of {user.username}")
    person.photo.save(f"friend-{index}.png", ContentFile(png()), save=True)
    add_note(vault, person, f"{user.username}'s own note", author=user)
    add_note(vault, person, f"{user.username}'s own secret", author=user, private=True)
    add_moment(vault, person, f"{user.username}'s own moment", author=user, private=True)
    log_interaction(vault, [person], "call", summary="a call", author=user)
    return vault, person


def _belongings(user: User, vault: Vault, person: Person) -> None:
    """Everything an account holds besides entries: settings, tokens, devices, records."""
    Preference.objects.update_or_create(user=user, defaults={"language": "en"})
    AgendaSettings.objects.update_or_create(user=user, defaults={"capacity": 7})
    SeasonSettings.objects.create(vault=vault, user=user, list_size=4)
    DigestSent.objects.create(user=user, period=f"{YEAR}-W01", item_count=3)
    AccessToken.objects.create(
        user=user,
        name=f"{user.username}'s script",
        prefix="aat_abcd",
        digest="d" * 60 + user.username[:4].ljust(4, "x"),
    )
    Invitation.objects.create(
        email=f"friend-of-{user.username}@example.org",
        invited_by=user,
        vault=vault,
        digest="i" * 60 + user.username[:4].ljust(4, "x"),
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    ImportJob.objects.create(
        vault=vault,
        user=user,
        filename="contacts.vcf",
        upload=ContentFile(b"BEGIN:VCARD", name="contacts.vcf"),
    )
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    static = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    StaticToken.objects.create(device=static, token=f"rc{user.pk:06d}")
    AppreciationNudge.objects.create(
        user=user, vault=vault, person=person, offered_on=timezone.localdate()
    )


def build_world(
    alice: User, bob: User, carol: User, mallory: User, shared: Vault, mallory_vault: Vault
) -> World:
    alice_alone, _friend = _personal(alice, 1, "Alice alone")
    bob_alone, bobs_friend = _personal(bob, 2, "Bob's own")
    mallorys_friend = create_person(mallory_vault, "Friend of mallory")
    add_note(mallory_vault, mallorys_friend, "Mallory's note", author=mallory, private=True)
    _belongings(mallory, mallory_vault, mallorys_friend)

    anna = create_person(shared, "Anna de Vries")
    anna.photo.save("anna.png", ContentFile(png()), save=True)
    for author in (alice, bob, carol):
        add_note(shared, anna, f"{author.username} shares this", author=author)
        add_note(shared, anna, f"{author.username} keeps this private", author=author, private=True)
        add_moment(shared, anna, f"{author.username}'s shared moment", author=author)
        add_moment(shared, anna, f"{author.username}'s private moment", author=author, private=True)
    for author in (alice, bob):
        log_interaction(
            shared, [anna], "meeting", summary=f"{author.username} met Anna", author=author
        )
        add_follow_up(shared, anna, f"{author.username} promised a book", author=author)
        Card.objects.create(
            vault=shared,
            person=anna,
            author=author,
            year=YEAR - 1,
            status=CardStatus.SENT,
            text=f"Dear Anna, {author.username}",
        )
        Card.objects.create(
            vault=shared,
            person=anna,
            author=author,
            year=YEAR,
            status=CardStatus.PLANNED,
            text=f"Draft by {author.username}",
        )
    round_, _created = start_round(shared, "After the storm", [anna], author=bob)
    step = CheckInStep.objects.filter(check_in__round=round_).first()
    assert step is not None
    step.done_by = bob
    step.done_at = timezone.now()
    step.save()
    _belongings(alice, shared, anna)
    _belongings(bob, shared, anna)
    _belongings(carol, shared, anna)
    return World(
        alice=alice,
        bob=bob,
        carol=carol,
        mallory=mallory,
        shared=shared,
        alice_alone=alice_alone,
        bob_alone=bob_alone,
        mallory_vault=mallory_vault,
        anna=anna,
        bobs_friend=bobs_friend,
    )


# --- counting rows ----------------------------------------------------------------------------


def all_models() -> list[type[models.Model]]:
    """Every concrete table of the project and of the apps it leans on (sessions, otp, axes)."""
    return [model for model in apps.get_models() if not model._meta.proxy]


def snapshot() -> dict[str, set[object]]:
    """The primary keys of every row of every table."""
    return {
        model._meta.label: set(model._default_manager.values_list("pk", flat=True))
        for model in all_models()
    }


def rows_referring_to(user: User) -> dict[str, int]:
    """How many rows of each table still point at ``user`` through any foreign key."""
    found: dict[str, int] = {}
    for model in all_models():
        for field in model._meta.get_fields():
            if (
                isinstance(field, (models.ForeignKey, models.OneToOneField))
                and field.related_model is User
            ):
                count = model._default_manager.filter(**{field.name: user.pk}).count()
                if count:
                    found[f"{model._meta.label}.{field.name}"] = count
    return found


__all__ = [
    "FollowUp",
    "Interaction",
    "Moment",
    "Note",
    "SignedInSession",
    "World",
    "build_world",
    "rows_referring_to",
    "snapshot",
]
