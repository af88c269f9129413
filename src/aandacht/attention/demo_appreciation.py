"""Demo data for the appreciation nudge, built on the demo network's people (see demo/builder.py).

A few clients and colleagues get strengths you admire in them (the cast's own moments are mostly
about family and friends), and the last three months hold four earlier suggestions: three
"told them" (each with the interaction it logged, so the attention report has appreciation to
count) and one "not now". The latest is 14 days before the demo's today, so the rule "at most
once a week" holds and the first look at Today makes a new suggestion: the ranking then picks a
client or colleague with strengths who was not told recently (Denise, a client with two
strengths). Nothing is made for today here, so the user's own setting (0 = off) is respected.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from aandacht.attention.models import AppreciationNudge, NudgeOutcome
from aandacht.timeline.models import Initiator, InteractionKind, MomentKind
from aandacht.timeline.services import add_moment, log_interaction

if TYPE_CHECKING:
    from aandacht.demo.builder import DemoBuilder

# (cast key, days ago, text) per language: strengths of clients and colleagues.
STRENGTHS: dict[str, tuple[tuple[str, int, str], ...]] = {
    "en": (
        ("denise", 120, "{first} turns a vague brief into a clear plan in one conversation."),
        ("denise", 45, "{first} gives credit to her team before anyone asks."),
        ("jeroen", 90, "{first} says so early when something will not work, and why."),
        ("bas", 200, "{first} keeps the whole team calm on a deadline day."),
        ("bas", 60, "{first} reviews my work honestly and kindly."),
        ("assistant", 150, "{first} remembers every client's name and what they asked last."),
        ("client_founder", 100, "{first} makes every guest feel like a regular."),
    ),
    "nl": (
        ("denise", 120, "{first} maakt van een vage vraag in één gesprek een helder plan."),
        ("denise", 45, "{first} geeft haar team de eer, nog voordat iemand erom vraagt."),
        ("jeroen", 90, "{first} zegt het vroeg als iets niet gaat werken, en waarom."),
        ("bas", 200, "{first} houdt het hele team rustig op een deadlinedag."),
        ("bas", 60, "{first} kijkt eerlijk en vriendelijk naar mijn werk."),
        (
            "assistant",
            150,
            "{first} onthoudt van elke klant de naam en wat die de vorige keer vroeg.",
        ),
        ("client_founder", 100, "{first} geeft elke gast het gevoel een vaste klant te zijn."),
    ),
}

# (cast key, days ago, outcome, how, what you told them) per language.
PAST: dict[str, tuple[tuple[str, int, str, str, str], ...]] = {
    "en": (
        (
            "assistant",
            84,
            NudgeOutcome.GIVEN,
            InteractionKind.MEETING,
            "how she remembers every client",
        ),
        (
            "bas",
            35,
            NudgeOutcome.GIVEN,
            InteractionKind.MESSAGE,
            "how he keeps us calm on deadline days",
        ),
        (
            "client_founder",
            21,
            NudgeOutcome.GIVEN,
            InteractionKind.EMAIL,
            "how every guest feels welcome",
        ),
        ("jeroen", 14, NudgeOutcome.DISMISSED, "", ""),
    ),
    "nl": (
        (
            "assistant",
            84,
            NudgeOutcome.GIVEN,
            InteractionKind.MEETING,
            "hoe ze elke klant onthoudt",
        ),
        (
            "bas",
            35,
            NudgeOutcome.GIVEN,
            InteractionKind.MESSAGE,
            "hoe hij ons rustig houdt op deadlinedagen",
        ),
        (
            "client_founder",
            21,
            NudgeOutcome.GIVEN,
            InteractionKind.EMAIL,
            "hoe elke gast zich welkom voelt",
        ),
        ("jeroen", 14, NudgeOutcome.DISMISSED, "", ""),
    ),
}

TOLD = {
    "en": "Told them what I value in working with them: {what}",
    "nl": "Verteld wat ik waardeer in onze samenwerking: {what}",
}


def add_demo(builder: DemoBuilder) -> None:
    """Called once at the end of DemoBuilder.build(), inside the demo's transaction."""
    lang = builder.lang if builder.lang in STRENGTHS else "en"
    for key, days, text in STRENGTHS[lang]:
        member = builder.members.get(key)
        if member is None:
            continue
        add_moment(
            builder.vault,
            member.person,
            text.format(first=member.first),
            kind=MomentKind.STRENGTH,
            author=builder.owner,
            occurred_at=builder.at(builder.days_ago(days)),
        )
    for key, days, outcome, kind, what in PAST[lang]:
        member = builder.members.get(key)
        if member is None:
            continue
        day = builder.days_ago(days)
        when = builder.at(day)
        interaction = None
        if outcome == NudgeOutcome.GIVEN:
            interaction = log_interaction(
                builder.vault,
                [member.person],
                kind,
                occurred_at=when + dt.timedelta(hours=1),
                initiated_by=Initiator.ME,
                summary=TOLD[lang].format(what=what),
                author=builder.owner,
            )
        AppreciationNudge.objects.create(
            user=builder.owner,
            vault=builder.vault,
            person=member.person,
            offered_on=day,
            outcome=outcome,
            handled_at=when + dt.timedelta(hours=1) if outcome else None,
            interaction=interaction,
        )
