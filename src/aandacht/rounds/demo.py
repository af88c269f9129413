"""Demo data for check-in rounds, built on the demo network's people (see demo/builder.py).

One active round over the hospitality clients (a lockdown closed their doors a week ago), with
some steps done, and one round over other clients from months ago, finished. Its own seeded
random source, so the draws of the rest of the demo stay as they were.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aandacht.rounds.models import CheckInRound, CheckInStep, StepKind
from aandacht.rounds.services import finish_round, set_step, start_round

if TYPE_CHECKING:
    from aandacht.demo.builder import DemoBuilder, Member

ACTIVE_SIZE = 8
FINISHED_SIZE = 5

TEXTS: dict[str, dict[str, object]] = {
    "en": {
        "active_name": "Lockdown: hospitality",
        "active_reason": "Restaurants, cafés and events closed by the new lockdown.",
        "active_tag": "hospitality",
        "finished_tag": "clients",
        "finished_name": "Energy bills",
        "finished_reason": "Clients whose energy contracts ended during the price spike.",
        StepKind.EMPATHY: (
            "{first} sounded tired. Sent the staff home on Friday, worried about keeping the "
            "chef on.",
            "Surprisingly upbeat: {first} is turning the kitchen into a takeaway for now.",
            "Hard call. {first} had been saving for the renovation and now the savings go to rent.",
            "{first} is mostly worried about the team; two of them have young kids.",
            "Angry at the short notice, but relieved someone asked. Talked for 40 minutes.",
        ),
        StepKind.TIP: (
            "Pointed {first} to the government support scheme; the application window closes "
            "on the 15th.",
            "Suggested asking the landlord for a three-month rent deferral in writing.",
            "Shared the takeaway checklist that worked for The Copper Kettle last time.",
            "Tip: keep the regulars close with a weekly email; a short one is enough.",
        ),
        StepKind.ACTION: (
            "Introduced {first} to my accountant for the support application.",
            "Ordered vouchers for the team's Christmas drinks at {first}'s place.",
            "Recommended {first} on LinkedIn and in the local business group.",
            "Sent {first} the contact at the bank who handled my deferral.",
        ),
    },
    "nl": {
        "active_name": "Lockdown: horeca",
        "active_reason": "Restaurants, cafés en evenementen dicht door de nieuwe lockdown.",
        "active_tag": "horeca",
        "finished_tag": "klanten",
        "finished_name": "Energierekening",
        "finished_reason": "Klanten van wie het energiecontract afliep tijdens de prijspiek.",
        StepKind.EMPATHY: (
            "{first} klonk moe. Vrijdag het personeel naar huis gestuurd, zorgen over het "
            "behouden van de kok.",
            "Verrassend positief: {first} maakt van de keuken voorlopig een afhaalpunt.",
            "Zwaar gesprek. {first} spaarde voor de verbouwing, nu gaat dat geld naar de huur.",
            "{first} maakt zich vooral zorgen om het team; twee van hen hebben jonge kinderen.",
            "Boos over de korte termijn, maar blij dat iemand belde. Veertig minuten gepraat.",
        ),
        StepKind.TIP: (
            "{first} gewezen op de steunregeling; aanvragen kan tot de 15e.",
            "Aangeraden de verhuurder schriftelijk om drie maanden uitstel van huur te vragen.",
            "De afhaalchecklist gedeeld die vorige keer bij Het Koperen Keteltje werkte.",
            "Tip: houd de vaste gasten dichtbij met een wekelijkse mail; kort is genoeg.",
        ),
        StepKind.ACTION: (
            "{first} voorgesteld aan mijn boekhouder voor de steunaanvraag.",
            "Bonnen besteld voor de kerstborrel van het team bij {first}.",
            "{first} aanbevolen op LinkedIn en in de lokale ondernemersgroep.",
            "{first} de contactpersoon bij de bank gestuurd die mijn uitstel regelde.",
        ),
    },
}


def add_demo(builder: DemoBuilder) -> None:
    """Called once at the end of DemoBuilder.build(), inside the demo's transaction."""
    lang = builder.lang if builder.lang in TEXTS else "en"
    texts = TEXTS[lang]
    rng = random.Random(f"aandacht-demo-rounds-{lang}")  # noqa: S311 (demo data, not secrets)
    reachable = [
        member
        for member in builder.members.values()
        if member.deceased_on is None and not member.person.archived
    ]
    hospitality = [member for member in reachable if member.segment == "hospitality"]
    clients = [member for member in reachable if member.segment == "client"]
    _active_round(builder, texts, rng, hospitality[:ACTIVE_SIZE])
    _finished_round(builder, texts, rng, clients[:FINISHED_SIZE])


def _at(builder: DemoBuilder, days_ago: int, rng: random.Random) -> dt.datetime:
    day = builder.today - dt.timedelta(days=days_ago)
    moment = dt.datetime.combine(day, dt.time(rng.randint(9, 17), rng.choice((0, 15, 30, 45))))
    return timezone.make_aware(moment)


def _note(texts: dict[str, object], kind: str, member: Member, rng: random.Random) -> str:
    pool = texts[kind]
    assert isinstance(pool, tuple)
    return str(rng.choice(pool)).format(first=member.first)


def _chosen(builder: DemoBuilder, tag: str) -> str:
    """ "tag: horeca" worded as the app words it (in Dutch "label: horeca")."""
    with translation.override(builder.lang):
        return _("tag: %(tag)s") % {"tag": tag}


def _start(
    builder: DemoBuilder,
    texts: dict[str, object],
    key: str,
    members: list[Member],
    started: dt.datetime,
) -> CheckInRound:
    round_, _created = start_round(
        builder.vault,
        str(texts[f"{key}_name"]),
        [member.person for member in members],
        reason=str(texts[f"{key}_reason"]),
        chosen=_chosen(builder, str(texts[f"{key}_tag"])),
        author=builder.owner,
    )
    CheckInRound.objects.filter(pk=round_.pk).update(created_at=started)
    round_.refresh_from_db()
    return round_


def _complete(
    round_: CheckInRound,
    builder: DemoBuilder,
    texts: dict[str, object],
    rng: random.Random,
    member: Member,
    kinds: tuple[str, ...],
    days_ago: list[int],
) -> None:
    steps = {
        step.kind: step
        for step in CheckInStep.objects.filter(
            check_in__round=round_, check_in__person=member.person
        )
    }
    for kind, ago in zip(kinds, days_ago, strict=False):
        set_step(
            steps[kind],
            note=_note(texts, kind, member, rng),
            done=True,
            by=builder.owner,
            now=_at(builder, ago, rng),
        )


def _active_round(
    builder: DemoBuilder, texts: dict[str, object], rng: random.Random, members: list[Member]
) -> None:
    """A week old: some people fully done, some only heard, the rest still to call."""
    if not members:
        return
    round_ = _start(builder, texts, "active", members, _at(builder, 7, rng))
    plans: list[tuple[str, ...]] = [
        (StepKind.EMPATHY, StepKind.TIP, StepKind.ACTION),
        (StepKind.EMPATHY, StepKind.TIP, StepKind.ACTION),
        (StepKind.EMPATHY, StepKind.TIP),
        (StepKind.EMPATHY,),
        (StepKind.EMPATHY,),
    ]
    for member, kinds in zip(members, plans, strict=False):
        _complete(round_, builder, texts, rng, member, kinds, [6, 4, 2])


def _finished_round(
    builder: DemoBuilder, texts: dict[str, object], rng: random.Random, members: list[Member]
) -> None:
    """Five months ago, done for almost everyone, then finished."""
    if not members:
        return
    round_ = _start(builder, texts, "finished", members, _at(builder, 150, rng))
    everything = (StepKind.EMPATHY, StepKind.TIP, StepKind.ACTION)
    for index, member in enumerate(members):
        kinds = everything if index < len(members) - 1 else everything[:2]
        _complete(round_, builder, texts, rng, member, kinds, [148, 145, 138])
    finish_round(round_)
    CheckInRound.objects.filter(pk=round_.pk).update(finished_at=_at(builder, 130, rng))
