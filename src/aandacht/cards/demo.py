"""Demo data for card season, built on the demo network's people (see demo/builder.py).

Last December's cards were logged as "card" interactions by ``create_season_cards``; here each
of them gets its Card (sent, with a few lines of text), so the history shows last year. This
year's list gets two drafts for the first people the ranking proposes, and one person taken
off the list, so the page shows every state on first sight.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from aandacht.cards import services
from aandacht.cards.models import Card, CardStatus
from aandacht.timeline.models import Interaction, InteractionKind

if TYPE_CHECKING:
    from aandacht.demo.builder import DemoBuilder, Member

# language -> sphere ("work" or "personal") -> texts; {first} is how the owner calls them.
SENT_TEXTS = {
    "en": {
        "work": (
            "Dear {first},\n\nA short note to say how much I valued working with you this "
            "year. Thank you for your patience and your sharp eye. Have a lovely Christmas, "
            "and see you in January!",
            "Dear {first},\n\nThank you for a good year together: the calls that ran late, "
            "the problems we solved anyway. Happy holidays.\n\nWarm regards",
        ),
        "personal": (
            "Dear {first},\n\nThank you for this year: for your jokes, your patience and the "
            "coffee when it was needed. I hope the new year brings you rest and good news.\n\n"
            "Love",
            "{first},\n\nWhat a year. Thank you for being there when it counted. "
            "Happy holidays to you and yours.",
        ),
    },
    "nl": {
        "work": (
            "Beste {first},\n\nEven een kaartje om te zeggen hoe fijn ik het vond om dit jaar "
            "met je samen te werken. Dank voor je geduld en je scherpe blik. Fijne kerst, en "
            "tot in januari!",
            "Beste {first},\n\nDank je voor een goed jaar samen: de gesprekken die uitliepen, "
            "de problemen die we toch oplosten. Fijne feestdagen.\n\nHartelijke groet",
        ),
        "personal": (
            "Lieve {first},\n\nDank je voor dit jaar: voor je grappen, je geduld en de koffie "
            "als het nodig was. Ik hoop dat het nieuwe jaar je rust en goed nieuws brengt.\n\n"
            "Liefs",
            "{first},\n\nWat een jaar. Dank je dat je er was toen het ertoe deed. "
            "Fijne feestdagen voor jou en de jouwen.",
        ),
    },
}

# This year's two drafts, left unfinished on purpose: the user is still writing.
DRAFTS = {
    "en": {
        "work": "Dear {first},\n\nLooking back on this year, I want to thank you for",
        "personal": (
            "Dear {first},\n\nI keep thinking back to this year and how often you were part "
            "of the good bits. Thank you for"
        ),
    },
    "nl": {
        "work": "Beste {first},\n\nAls ik terugkijk op dit jaar, wil ik je bedanken voor",
        "personal": (
            "Lieve {first},\n\nAls ik terugkijk op dit jaar, zie ik jou vaak bij de mooie "
            "momenten. Dank je voor"
        ),
    },
}


def _sphere(member: Member | None) -> str:
    return "work" if member is not None and member.sphere == "work" else "personal"


def add_demo(builder: DemoBuilder) -> None:
    """Called once at the end of DemoBuilder.build(), inside the demo's transaction."""
    lang = builder.lang if builder.lang in SENT_TEXTS else "en"
    by_person = {member.person.pk: member for member in builder.members.values()}
    _last_season(builder, lang, by_person)
    _this_season(builder, lang, by_person)


def _season_card_ids(builder: DemoBuilder) -> list[tuple[Interaction, int]]:
    """The interactions ``create_season_cards`` logged: cards around 10–15 December with a
    season summary (birthday cards in the same days are left alone)."""
    prefixes = tuple(template.lstrip("<>").split("{")[0] for template in builder.locale.season_card)
    found: list[tuple[Interaction, int]] = []
    for interaction, people in builder.interactions:
        when = timezone.localtime(interaction.occurred_at).date()
        if (
            interaction.kind == InteractionKind.CARD
            and when.month == 12
            and 10 <= when.day <= 15
            and interaction.summary.startswith(prefixes)
            and interaction.pk is not None
        ):
            found.extend((interaction, person.pk) for person in people)
    return found


def _last_season(builder: DemoBuilder, lang: str, by_person: dict[int, Member]) -> None:
    cards = []
    for number, (interaction, person_id) in enumerate(_season_card_ids(builder)):
        member = by_person.get(person_id)
        if member is None:
            continue
        texts = SENT_TEXTS[lang][_sphere(member)]
        cards.append(
            Card(
                vault=builder.vault,
                person=member.person,
                author=builder.owner,
                year=timezone.localtime(interaction.occurred_at).year,
                status=CardStatus.SENT,
                text=texts[number % len(texts)].format(first=member.first),
                sent_at=interaction.occurred_at,
                interaction=interaction,
            )
        )
    Card.objects.bulk_create(cards, ignore_conflicts=True)


def _this_season(builder: DemoBuilder, lang: str, by_person: dict[int, Member]) -> None:
    year = services.season_year(builder.today)
    season = services.season_for(builder.vault, builder.owner, builder.today)
    proposed = [entry.person for entry in season.entries if entry.proposed]
    for person in proposed[:2]:
        member = by_person.get(person.pk)
        first = member.first if member is not None else person.given_name or person.name
        draft = DRAFTS[lang][_sphere(member)].format(first=first)
        services.save_text(person, builder.owner, year, draft)
    if len(proposed) > 2:
        services.remove_from_list(proposed[-1], builder.owner, year)
