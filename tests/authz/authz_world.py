"""One vault of every kind of object, built once per test module, for the authorization proof.

Vault A ("Alice's people"): alice owns it, bob edits, carol views. It holds one object of every
kind a URL can name (person, contact detail, date, address, relationship, tag, interaction,
note, moment, follow-up, circle, rhythm, import job, card, check-in round with its check-in and
steps), plus a private note and a private moment by alice and a private note by bob, each with
a marker string that must never reach anyone but its author. mallory has a vault of her own
and no access to A; alice also has a second vault (for a token limited to another vault).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from aandacht.accounts.invitations import digest_of as invitation_digest
from aandacht.accounts.models import (
    Invitation,
    Membership,
    Role,
    SignedInSession,
    TokenScope,
    Vault,
)
from aandacht.accounts.tokens import create_token
from aandacht.attention import services as attention
from aandacht.attention.models import AgendaSettings
from aandacht.cards.models import Card, CardStatus
from aandacht.cards.services import season_year
from aandacht.exchange.models import ImportJob, ImportStatus
from aandacht.people.models import Address, ContactKind, DateKind, RelationshipKind
from aandacht.people.services import (
    add_contact_method,
    add_important_date,
    create_person,
    relate,
    set_tags,
)
from aandacht.rounds.models import CheckIn, CheckInStep
from aandacht.rounds.services import start_round
from aandacht.timeline.models import MomentKind
from aandacht.timeline.services import add_follow_up, add_moment, add_note, log_interaction

# What only alice may ever see (and bob's own, which alice may not).
ALICE_PRIVATE_NOTE = "PRIVNOTE-kq7x2 alice keeps this to herself"
ALICE_PRIVATE_MOMENT = "PRIVMOMENT-zw94v a strength alice noted privately"
BOB_PRIVATE_NOTE = "BOBPRIV-m3n8t bob keeps this to himself"
ALICE_MARKERS = ("PRIVNOTE-kq7x2", "PRIVMOMENT-zw94v")
BOB_MARKERS = ("BOBPRIV-m3n8t",)
# Shared text of vault A: every member sees it (so a check for a marker is not vacuous), and
# nobody outside A ever does.
SHARED_NOTE = "SHAREDNOTE-a1b2c everyone in the vault reads this"
PERSON_NAME = "Quirinus Zwanenburg"
VAULT_A_MARKERS = ("Zwanenburg", "SHAREDNOTE-a1b2c", "Alice's people")
PASSWORD = "authz-secret-pw-1"
# The smallest valid PNG: one transparent pixel.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6300010000050001"
    "0d0a2db40000000049454e44ae426082"
)


@dataclass
class World:
    alice: User
    bob: User
    carol: User
    mallory: User
    vault: Vault  # vault A
    alice_other: Vault  # alice's second vault, nothing of A in it
    mallory_vault: Vault
    root: User  # the instance owner (a superuser): the users pages are theirs
    ids: dict[str, int | str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # API token secrets by name
    clients: dict[str, Client] = field(default_factory=dict)
    feed_tokens: dict[str, str] = field(default_factory=dict)

    def user(self, name: str) -> User:
        user: User = getattr(self, name)
        return user


def _user(name: str) -> User:
    return User.objects.create_user(username=name, password=PASSWORD, email=f"{name}@example.org")


def build_world() -> World:
    alice, bob, carol, mallory = (_user(n) for n in ("alice", "bob", "carol", "mallory"))
    vault = Vault.objects.create(name="Alice's people")
    Membership.objects.create(vault=vault, user=alice, role=Role.OWNER)
    bob_membership = Membership.objects.create(vault=vault, user=bob, role=Role.EDITOR)
    carol_membership = Membership.objects.create(vault=vault, user=carol, role=Role.VIEWER)
    alice_other = Vault.objects.create(name="Alice's other vault")
    Membership.objects.create(vault=alice_other, user=alice, role=Role.OWNER)
    mallory_vault = Vault.objects.create(name="Mallory's people")
    Membership.objects.create(vault=mallory_vault, user=mallory, role=Role.OWNER)
    theirs = create_person(mallory_vault, "Mallory Contact")
    their_circle = attention.create_circle(mallory_vault, "Mallory's circle", 30)
    mallory_own = {
        "m_person": theirs.pk,
        "m_person_other": create_person(mallory_vault, "Mallory Second").pk,
        "m_interaction": log_interaction(mallory_vault, [theirs], "call", author=mallory).pk,
        "m_note": add_note(mallory_vault, theirs, "mallory's note", author=mallory).pk,
        "m_moment": add_moment(mallory_vault, theirs, "mallory's moment", author=mallory).pk,
        "m_follow_up": add_follow_up(mallory_vault, theirs, "mallory's promise").pk,
        "m_circle": their_circle.pk,
        "m_tag": set_tags(mallory_vault, theirs, ["mallory-tag"])[0].pk,
        "m_round": start_round(mallory_vault, "Mallory's round", [theirs], author=mallory)[0].pk,
        "m_vault": mallory_vault.pk,
    }

    person = create_person(
        vault,
        PERSON_NAME,
        organisation="Zwanenburg Works",
        emails=["quirinus@example.org"],
        phones=["+31612345678"],
    )
    person.photo.save("authz.png", ContentFile(PNG), save=True)
    other = create_person(vault, "Ottoline Zwanenburg-Vos")
    trashed = create_person(vault, "Theodoor Zwanenburg")
    trashed.trashed_at = timezone.now()
    trashed.save(update_fields=["trashed_at"])
    contact = add_contact_method(person, ContactKind.WEBSITE, "https://zwanenburg.example.org")
    date = add_important_date(person, DateKind.BIRTHDAY, 3, 14, 1980)
    address = Address.objects.create(person=person, street="Gracht 1", locality="Leiden")
    relationship = relate(person, RelationshipKind.values[0], other)
    tag = set_tags(vault, person, ["authz-tag"])[0]

    now = timezone.now()
    interaction = log_interaction(
        vault, [person], "call", summary="a shared call with Quirinus", author=alice
    )
    note = add_note(vault, person, SHARED_NOTE, author=alice)
    private_note = add_note(vault, person, ALICE_PRIVATE_NOTE, private=True, author=alice)
    bob_note = add_note(vault, person, BOB_PRIVATE_NOTE, private=True, author=bob)
    moment = add_moment(vault, person, "a shared strength", kind=MomentKind.STRENGTH, author=alice)
    private_moment = add_moment(
        vault, person, ALICE_PRIVATE_MOMENT, kind=MomentKind.STRENGTH, private=True, author=alice
    )
    follow_up = add_follow_up(
        vault, person, "send Quirinus the book", due_on=now.date(), author=alice
    )
    circle = attention.create_circle(vault, "Authz circle", 14)
    attention.set_circle(person, circle)
    job = ImportJob.objects.create(
        vault=vault,
        user=alice,
        filename="authz.csv",
        status=ImportStatus.FAILED,
        error="nothing",
    )
    year = season_year(now.date())
    Card.objects.create(
        vault=vault, person=person, author=alice, year=year, status=CardStatus.PLANNED
    )
    round_, _created = start_round(vault, "Authz round", [person, other], author=alice)
    check_in = CheckIn.objects.filter(round=round_, person=person).get()
    step = CheckInStep.objects.filter(check_in=check_in).order_by("id").first()
    assert step is not None
    prefs = attention.settings_for(alice)
    for user in (bob, carol, mallory):
        attention.settings_for(user)

    root = User.objects.create_superuser(
        username="root", password=PASSWORD, email="root@example.org"
    )
    invitation_secret = "authz-invitation-secret-0123456789"
    invitation = Invitation.objects.create(
        email="newcomer@example.org",
        invited_by=alice,
        vault=vault,
        role=Role.EDITOR,
        digest=invitation_digest(invitation_secret),
        expires_at=now + dt.timedelta(days=7),
    )
    world = World(
        root=root,
        alice=alice,
        bob=bob,
        carol=carol,
        mallory=mallory,
        vault=vault,
        alice_other=alice_other,
        mallory_vault=mallory_vault,
    )
    world.ids = {
        "vault": vault.pk,
        "person": person.pk,
        "person_other": other.pk,
        "person_trashed": trashed.pk,
        "contact": contact.pk,
        "date": date.pk,
        "address": address.pk,
        "relationship": relationship.pk,
        "tag": tag.pk,
        "interaction": interaction.pk,
        "note": note.pk,
        "note_private": private_note.pk,
        "note_bob": bob_note.pk,
        "moment": moment.pk,
        "moment_private": private_moment.pk,
        "follow_up": follow_up.pk,
        "circle": circle.pk,
        "import_job": job.pk,
        "card_year": year,
        "round": round_.pk,
        "check_in": check_in.pk,
        "step": step.pk,
        "membership_bob": bob_membership.pk,
        "membership_carol": carol_membership.pk,
        "user_bob": bob.pk,
        "user_carol": carol.pk,
        "invitation": invitation.pk,
        "invitation_secret": invitation_secret,
        **mallory_own,
    }
    made = {
        # name: (user, scope, vault)
        "alice_write": (alice, TokenScope.WRITE, None),
        "alice_read": (alice, TokenScope.READ, None),
        "alice_elsewhere": (alice, TokenScope.WRITE, alice_other),
        "bob_write": (bob, TokenScope.WRITE, None),
        "carol_write": (carol, TokenScope.WRITE, None),
        "mallory_write": (mallory, TokenScope.WRITE, None),
    }
    for name, (user, scope, only) in made.items():
        new = create_token(user, f"authz {name}", scope, vault=only)
        world.tokens[name] = new.secret
        world.ids[f"token_{name}"] = new.token.pk
    world.feed_tokens = {
        name: AgendaSettings.objects.get(user=world.user(name)).feed_token
        for name in ("alice", "bob", "carol", "mallory")
    }
    assert prefs.feed_token == world.feed_tokens["alice"]
    for name in ("alice", "bob", "carol", "mallory", "root"):
        client = Client()
        client.force_login(world.user(name))
        world.clients[name] = client
    world.clients["anonymous"] = Client()
    session = SignedInSession.objects.filter(user=alice).first()
    if session is None:  # sign-in did not record one: alice's other device, then
        session = SignedInSession.objects.create(
            user=alice, session_key="authz-elsewhere", last_seen_at=now
        )
    world.ids["session"] = session.pk
    return world
