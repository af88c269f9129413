"""The demo network's team: two colleagues who share the demo vault with its owner.

An editor who has logged a few calls and written a few notes about the owner's clients (so a
shared vault shows whose entry is whose), a viewer who only reads, and one private note of the
editor's that the demo owner never sees (private stays private, also in a shared vault).

The teammates are inactive users without a usable password: nobody can sign in as them, and
the first run (``needs_first_run``) ignores them. Their usernames start with ``demo-``; when the
demo is rebuilt (say, in the other language) the previous teammates, left without any vault,
are removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import User

from aandacht.accounts.models import Membership, Role
from aandacht.timeline.models import Initiator, InteractionKind
from aandacht.timeline.services import add_note, log_interaction

if TYPE_CHECKING:
    from aandacht.demo.builder import DemoBuilder, Member

USERNAME_PREFIX = "demo-"


@dataclass(frozen=True)
class Teammate:
    username: str
    first_name: str
    last_name: str
    role: Role


@dataclass(frozen=True)
class TeamText:
    editor: Teammate
    viewer: Teammate
    # {first} is the person's first name, {teammate} the editor's.
    shared_notes: tuple[str, ...]
    calls: tuple[str, ...]
    private_note: str


TEAM: dict[str, TeamText] = {
    "en": TeamText(
        editor=Teammate("demo-priya", "Priya", "Shah", Role.EDITOR),
        viewer=Teammate("demo-tom", "Tom", "Becker", Role.VIEWER),
        shared_notes=(
            "Covered for you at the quarterly review: {first} liked the new reporting and "
            "asked for the same format every month.",
            "{first} mentioned they are hiring two people in spring; worth an introduction to "
            "our recruiter.",
            "Met {first} at the trade fair. Prefers a call to email, mornings before ten.",
        ),
        calls=(
            "Priya called {first} about the renewal; they want a proposal by the end of the month.",
            "Priya checked in with {first} after the office move; all settled, coffee soon.",
        ),
        private_note=(
            "Private, for me only: {first} hinted they might leave the company next year. "
            "Keep this to myself until they say so."
        ),
    ),
    "nl": TeamText(
        editor=Teammate("demo-fatima", "Fatima", "el Amrani", Role.EDITOR),
        viewer=Teammate("demo-joris", "Joris", "de Wit", Role.VIEWER),
        shared_notes=(
            "Voor je waargenomen bij het kwartaaloverleg: {first} was blij met de nieuwe "
            "rapportage en wil die elke maand zo.",
            "{first} vertelde dat ze in het voorjaar twee mensen aannemen; goed om aan onze "
            "recruiter voor te stellen.",
            "{first} gesproken op de vakbeurs. Liever bellen dan mailen, 's ochtends voor tienen.",
        ),
        calls=(
            "Fatima belde {first} over de verlenging; ze willen voor het eind van de maand "
            "een voorstel.",
            "Fatima vroeg {first} hoe de verhuizing van het kantoor ging; alles staat, "
            "binnenkort koffie.",
        ),
        private_note=(
            "Privé, alleen voor mij: {first} liet doorschemeren dat ze volgend jaar misschien "
            "vertrekt. Hou ik voor me tot ze het zelf zegt."
        ),
    ),
}


def add_demo(builder: DemoBuilder) -> None:
    """Called once at the end of DemoBuilder.build(), inside the demo's transaction."""
    text = TEAM.get(builder.lang, TEAM["en"])
    remove_stale_teammates()
    editor = teammate(text.editor)
    viewer = teammate(text.viewer)
    for user, role in ((editor, text.editor.role), (viewer, text.viewer.role)):
        if user is not None:
            Membership.objects.get_or_create(
                vault=builder.vault, user=user, defaults={"role": role}
            )

    clients = work_members(builder)
    if editor is None or not clients:
        return
    for number, template in enumerate(text.shared_notes):
        member = clients[number % len(clients)]
        add_note(
            builder.vault,
            member.person,
            template.format(first=member.first),
            author=editor,
            occurred_at=builder.at(builder.days_ago(12 + 9 * number), "work"),
        )
    for number, template in enumerate(text.calls):
        member = clients[(number + 1) % len(clients)]
        log_interaction(
            builder.vault,
            [member.person],
            InteractionKind.CALL,
            occurred_at=builder.at(builder.days_ago(5 + 11 * number), "work"),
            initiated_by=Initiator.ME,
            summary=template.format(first=member.first),
            author=editor,
        )
    member = clients[0]
    add_note(
        builder.vault,
        member.person,
        text.private_note.format(first=member.first),
        private=True,
        author=editor,
        occurred_at=builder.at(builder.days_ago(3), "work"),
    )


def work_members(builder: DemoBuilder) -> list[Member]:
    """The owner's clients from the hand-written cast, in a fixed order (the team's accounts)."""
    found = [
        member
        for member in builder.members.values()
        if member.segment in {"client", "hospitality"}
        and member.deceased_on is None
        and not member.person.archived
    ]
    return sorted(found, key=lambda member: member.key)[:3]


def teammate(spec: Teammate) -> User | None:
    """The teammate's user: inactive, with no usable password (no one signs in as them).

    None when someone real already has that username: the demo never touches a real account.
    """
    existing = User.objects.filter(username=spec.username).first()
    if existing is not None and not is_demo_teammate(existing):
        return None
    user, created = User.objects.get_or_create(
        username=spec.username,
        defaults={
            "first_name": spec.first_name,
            "last_name": spec.last_name,
            "is_active": False,
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def remove_stale_teammates() -> None:
    """Teammates of an earlier demo, now in no vault at all (the old demo vault is gone)."""
    User.objects.filter(
        username__startswith=USERNAME_PREFIX,
        is_active=False,
        password__startswith=UNUSABLE_PASSWORD_PREFIX,
        memberships__isnull=True,
    ).delete()


def is_demo_teammate(user: User) -> bool:
    return (
        user.username.startswith(USERNAME_PREFIX)
        and not user.is_active
        and not user.has_usable_password()
    )
