"""Card season's named operations: this year's list, writing, sending and the history.

Views and (later) the CLI call these; the ranking itself is pure (``ranking.py``). Every write is
transactional and safe to repeat: adding someone twice keeps one card, marking a card sent twice
logs one "card" interaction, un-marking removes exactly that interaction.

A card belongs to one author: each member of a vault has their own list. Private moments count
only for their author (``Moment.objects.visible_to``).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aandacht.accounts.models import Vault
from aandacht.attention.services import local_today, settings_for, zone_of
from aandacht.cards import pdf, ranking
from aandacht.cards.models import Card, CardStatus, SeasonSettings
from aandacht.people.models import Person
from aandacht.people.search import search_people
from aandacht.timeline.models import (
    Initiator,
    Interaction,
    InteractionKind,
    Moment,
    MomentKind,
    Outcome,
)
from aandacht.timeline.services import log_interaction

MAX_TEXT = 2000  # characters; far more than a card holds, so the fit check speaks first
FIRST_YEAR = 1900
# A card finished on New Year's Eve is often posted (and its text touched up) in the first days
# of January, and a writing page left open over midnight keeps autosaving: last year's unsent
# draft may still be saved during January (its user's own January).
LATE_DRAFT_MONTH = 1


class CardProblem(Exception):
    """A card operation that cannot be done as asked, with a message for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Entry:
    """One person on this year's list: proposed, kept, drafted or sent."""

    person: Person
    card: Card | None
    reason: str
    proposed: bool

    @property
    def status(self) -> str:
        if self.card is None:
            return "proposed"
        if self.card.status == CardStatus.SENT:
            return "sent"
        return "draft" if self.card.text.strip() else "planned"


@dataclass(frozen=True)
class HistoryYear:
    year: int
    cards: list[Card]


@dataclass
class Season:
    year: int
    size: int
    entries: list[Entry] = field(default_factory=list)
    removed: list[Card] = field(default_factory=list)
    history: list[HistoryYear] = field(default_factory=list)
    late_drafts: list[Card] = field(default_factory=list)  # last season's, during January

    @property
    def sent_count(self) -> int:
        return sum(1 for entry in self.entries if entry.status == "sent")

    @property
    def proposed_count(self) -> int:
        return sum(1 for entry in self.entries if entry.proposed)

    @property
    def kept_count(self) -> int:
        """People on the list because of the user: added, drafted or sent. They stay whatever
        the size; proposals only fill the places left."""
        return len(self.entries) - self.proposed_count

    @property
    def summary(self) -> str:
        """One sentence that makes the list and its size agree: who is on it and why."""
        return list_summary(len(self.entries), self.proposed_count, self.size)


def list_summary(total: int, proposed: int, size: int) -> str:
    """ "5 on your list: 3 proposed, 2 you added or started." — and when the user's own
    people already outnumber the size, why the list is longer than asked."""
    kept = total - proposed
    if total == 0:
        return ""
    if kept == 0:
        return ngettext(
            "%(total)d on your list, proposed from your moments.",
            "%(total)d on your list, all proposed from your moments.",
            total,
        ) % {"total": total}
    if proposed == 0 and kept > size:
        return ngettext(
            "You asked for %(size)d cards, but %(total)d people stay on your list: you added "
            "them or started their card. Remove someone to make it shorter.",
            "You asked for %(size)d cards, but %(total)d people stay on your list: you added "
            "them or started their cards. Remove someone to make it shorter.",
            total,
        ) % {"size": size, "total": total}
    if proposed == 0:
        return ngettext(
            "%(total)d on your list, all added or started by you.",
            "%(total)d on your list, all added or started by you.",
            total,
        ) % {"total": total}
    return ngettext(
        "%(total)d on your list: %(proposed)d proposed, %(kept)d you added or started.",
        "%(total)d on your list: %(proposed)d proposed, %(kept)d you added or started.",
        total,
    ) % {"total": total, "proposed": proposed, "kept": kept}


@dataclass(frozen=True)
class UserDay:
    """The user's own day and time zone (from their agenda settings, else the instance's): the
    day the agenda, the nudges and the report go by, so card season goes by it too."""

    today: dt.date
    zone: zoneinfo.ZoneInfo


def day_of(user: User) -> UserDay:
    prefs = settings_for(user)
    return UserDay(local_today(prefs), zone_of(prefs))


def today_for(user: User) -> dt.date:
    return day_of(user).today


def season_year(today: dt.date) -> int:
    """The year a card written on ``today`` (the user's own day) belongs to."""
    return today.year


def late_draft_allowed(year: int, today: dt.date) -> bool:
    """Whether last season's draft may still be saved: during January, for the year before."""
    return year == today.year - 1 and today.month == LATE_DRAFT_MONTH


def draft_year_open(card: Card | None, year: int, today: dt.date) -> bool:
    """Whether the text of this card may be saved today: this year's unsent card, or last
    year's unsent card during January (a page left open over New Year keeps its words)."""
    if card is not None and card.status == CardStatus.SENT:
        return False
    return year == season_year(today) or late_draft_allowed(year, today)


# ---------------------------------------------------------------------------------------------
# The list size


def list_size(vault: Vault, user: User) -> int:
    stored = (
        SeasonSettings.objects.filter(vault=vault, user=user)
        .values_list("list_size", flat=True)
        .first()
    )
    return ranking.clamp_size(stored) if stored is not None else ranking.DEFAULT_SIZE


def set_list_size(vault: Vault, user: User, size: int) -> int:
    if not ranking.MIN_SIZE <= size <= ranking.MAX_SIZE:
        raise CardProblem(
            _("Choose between %(low)d and %(high)d cards.")
            % {"low": ranking.MIN_SIZE, "high": ranking.MAX_SIZE}
        )
    SeasonSettings.objects.update_or_create(vault=vault, user=user, defaults={"list_size": size})
    return size


# ---------------------------------------------------------------------------------------------
# Reading: the list and the history


def _start_of(day: dt.date, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), zone)


def _moment_facts(
    vault: Vault, user: User, today: dt.date, zone: zoneinfo.ZoneInfo
) -> list[tuple[ranking.MomentFact, str]]:
    """This year's moments the user may see, of people who may get a card, with sort keys;
    days are the user's own (``zone``)."""
    start = _start_of(today - dt.timedelta(days=ranking.WINDOW_DAYS - 1), zone)
    rows = (
        Moment.objects.visible_to(user)
        .filter(
            vault=vault,
            occurred_at__gte=start,
            person__in=Person.objects.in_vault(vault).reachable(),
        )
        .values_list("person_id", "kind", "occurred_at", "person__sort_key")
    )
    return [
        (ranking.MomentFact(person_id, kind, timezone.localtime(when, zone).date()), sort_key)
        for person_id, kind, when, sort_key in rows
    ]


def last_cards(vault: Vault, today: dt.date, zone: zoneinfo.ZoneInfo) -> dict[int, dt.date]:
    """The day (in ``zone``) each person last got a card, as far as a recent card matters
    (any author)."""
    since = _start_of(today - dt.timedelta(days=ranking.RECENT_CARD_DAYS), zone)
    latest: dict[int, dt.date] = {}
    interactions = (
        Interaction.objects.filter(
            vault=vault, kind=InteractionKind.CARD, occurred_at__gte=since, people__isnull=False
        )
        .exclude(initiated_by=Initiator.THEM)
        .values_list("people__id", "occurred_at")
    )
    sent = Card.objects.filter(vault=vault, status=CardStatus.SENT, sent_at__gte=since).values_list(
        "person_id", "sent_at"
    )
    for person_id, when in [*interactions, *sent]:
        day = timezone.localtime(when, zone).date()
        if person_id not in latest or latest[person_id] < day:
            latest[person_id] = day
    return latest


def reason_for(proposal: ranking.Proposal | None, today: dt.date) -> str:
    """One calm line: "Since March: 3 moments, 1 thing you are grateful for" ("This month:
    …" when every counted moment is from this month)."""
    if proposal is None:
        return _("No moments in the past year; you put them on the list.")
    parts = []
    if proposal.shared:
        parts.append(
            ngettext("%(count)d moment", "%(count)d moments", proposal.shared)
            % {"count": proposal.shared}
        )
    if proposal.grateful:
        parts.append(
            ngettext(
                "%(count)d thing you are grateful for",
                "%(count)d things you are grateful for",
                proposal.grateful,
            )
            % {"count": proposal.grateful}
        )
    if proposal.strengths:
        parts.append(
            ngettext(
                "%(count)d strength you admire",
                "%(count)d strengths you admire",
                proposal.strengths,
            )
            % {"count": proposal.strengths}
        )
    what = ", ".join(parts)
    since = proposal.since
    if (since.year, since.month) == (today.year, today.month):
        return _("This month: %(what)s") % {"what": what}
    month = formats.date_format(since, "F" if since.year == today.year else "F Y")
    return _("Since %(month)s: %(what)s") % {"what": what, "month": month}


def season_for(vault: Vault, user: User, when: UserDay | dt.date | None = None) -> Season:
    """This year's list for one user (their cards, then proposals up to the size) and the
    vault's card history, in a fixed number of queries. "This year", "the past twelve months"
    and "recently sent" go by the user's own day and time zone (``day_of(user)`` unless given;
    a bare date is taken as a day in the user's time zone)."""
    if not isinstance(when, UserDay):
        own = day_of(user)
        when = UserDay(when or own.today, own.zone)
    day, zone = when.today, when.zone
    year = season_year(day)
    size = list_size(vault, user)
    cards = list(
        Card.objects.filter(vault=vault, author=user, year=year, person__trashed_at__isnull=True)
        .select_related("person")
        .order_by("created_at", "id")
    )
    kept = [card for card in cards if card.status != CardStatus.SKIPPED]
    removed = [card for card in cards if card.status == CardStatus.SKIPPED]
    facts = _moment_facts(vault, user, day, zone)
    sort_keys = {fact.person_id: key for fact, key in facts}
    moments = [fact for fact, _key in facts]
    taken = {card.person_id for card in cards}
    open_places = max(0, size - len(kept))
    proposals = ranking.propose(
        moments,
        today=day,
        size=open_places,
        eligible=set(sort_keys),
        last_cards=last_cards(vault, day, zone),
        taken=taken,
        sort_keys=sort_keys,
    )
    # The same numbers explain the people already on the list (no recent-card rule for them).
    kept_ids = {card.person_id for card in kept}
    explained = {
        proposal.person_id: proposal
        for proposal in ranking.propose(
            [fact for fact in moments if fact.person_id in kept_ids],
            today=day,
            size=len(kept_ids),
            eligible=kept_ids,
        )
    }
    people = Person.objects.in_vault(vault).in_bulk([p.person_id for p in proposals])
    unsent = [card for card in kept if card.status != CardStatus.SENT]
    sent = [card for card in kept if card.status == CardStatus.SENT]
    entries = [
        Entry(card.person, card, reason_for(explained.get(card.person_id), day), False)
        for card in unsent
    ]
    entries += [
        Entry(people[p.person_id], None, reason_for(p, day), True)
        for p in proposals
        if p.person_id in people
    ]
    entries += [
        Entry(card.person, card, reason_for(explained.get(card.person_id), day), False)
        for card in sent
    ]
    return Season(year, size, entries, removed, history(vault), late_drafts(vault, user, day))


def late_drafts(vault: Vault, user: User, today: dt.date) -> list[Card]:
    """During January: last season's unsent drafts that still have words, so they can be
    finished (no query the rest of the year)."""
    if not late_draft_allowed(today.year - 1, today):
        return []
    return list(
        Card.objects.filter(
            vault=vault,
            author=user,
            year=today.year - 1,
            status=CardStatus.PLANNED,
            person__trashed_at__isnull=True,
        )
        .exclude(text="")
        .select_related("person")
        .order_by("person__sort_key", "id")
    )


def history(vault: Vault) -> list[HistoryYear]:
    """Every card sent from this vault, by year (newest first), then by name."""
    cards = (
        Card.objects.filter(vault=vault, status=CardStatus.SENT, person__trashed_at__isnull=True)
        .select_related("person", "author")
        .order_by("-year", "person__sort_key", "id")
    )
    by_year: dict[int, list[Card]] = defaultdict(list)
    for card in cards:
        by_year[card.year].append(card)
    return [HistoryYear(year, rows) for year, rows in by_year.items()]


@dataclass(frozen=True)
class MemoryAid:
    """What sits beside the text box: moments, strengths, the last conversation, how you met."""

    moments: list[Moment]
    strengths: list[Moment]
    last_conversation: Interaction | None
    earlier_cards: list[Card]


def memory_aid(person: Person, user: User, year: int) -> MemoryAid:
    visible = Moment.objects.visible_to(user).filter(person=person).order_by("-occurred_at")
    last = (
        Interaction.objects.filter(people=person, outcome=Outcome.CONVERSATION)
        .exclude(summary="")
        .order_by("-occurred_at")
        .first()
    )
    earlier = list(
        Card.objects.filter(person=person, author=user, year__lt=year)
        .exclude(text="")
        .order_by("-year")[:2]
    )
    return MemoryAid(
        moments=list(visible.exclude(kind=MomentKind.STRENGTH)[:12]),
        strengths=list(visible.filter(kind=MomentKind.STRENGTH)[:8]),
        last_conversation=last,
        earlier_cards=earlier,
    )


def card_of(person: Person, user: User, year: int) -> Card | None:
    return Card.objects.filter(person=person, author=user, year=year).first()


# ---------------------------------------------------------------------------------------------
# Writing


def too_long(text: str, name: str) -> str:
    """Why ``text`` cannot be printed or marked sent (it needs more than one card), or ""."""
    if not text:
        return ""
    fit = pdf.fit_of(text, name)
    if fit.fits:
        return ""
    return ngettext(
        "Too long for one card, even in the smallest letters: cut at least %(cut)d character. "
        "Your draft is saved, but it can only be printed or marked sent once it fits.",
        "Too long for one card, even in the smallest letters: cut at least %(cut)d characters. "
        "Your draft is saved, but it can only be printed or marked sent once it fits.",
        fit.cut,
    ) % {"cut": fit.cut}


def _card_for_update(person: Person, user: User, year: int) -> Card:
    """The user's card for this person and year, locked; created (on the list) when missing."""
    card, _created = Card.objects.select_for_update().get_or_create(
        person=person,
        author=user,
        year=year,
        defaults={"vault_id": person.vault_id, "status": CardStatus.PLANNED},
    )
    return card


@transaction.atomic
def add_to_list(person: Person, user: User, year: int) -> Card:
    """Put someone on the list (again); a card already there is left as it is."""
    card = _card_for_update(person, user, year)
    if card.status == CardStatus.SKIPPED:
        card.status = CardStatus.PLANNED
        card.save(update_fields=["status", "updated_at"])
    return card


@transaction.atomic
def remove_from_list(person: Person, user: User, year: int) -> Card:
    """Take someone off this year's list; they are not proposed again this year. A draft's
    text is kept, so putting them back brings it back."""
    card = _card_for_update(person, user, year)
    if card.status == CardStatus.SENT:
        raise CardProblem(
            _("The card to %(name)s is marked sent; undo that first.") % {"name": person.name}
        )
    if card.status != CardStatus.SKIPPED:
        card.status = CardStatus.SKIPPED
        card.save(update_fields=["status", "updated_at"])
    return card


@transaction.atomic
def save_text(person: Person, user: User, year: int, text: str) -> Card:
    """Keep the user's own words (writing puts someone taken off back on the list)."""
    if len(text) > MAX_TEXT:
        raise CardProblem(
            _("A card holds at most %(max)d characters; this has %(count)d.")
            % {"max": MAX_TEXT, "count": len(text)}
        )
    card = _card_for_update(person, user, year)
    card.text = text.replace("\r\n", "\n").strip()
    if card.status == CardStatus.SKIPPED:
        card.status = CardStatus.PLANNED
    card.save(update_fields=["text", "status", "updated_at"])
    return card


@transaction.atomic
def mark_sent(person: Person, user: User, year: int, when: dt.datetime | None = None) -> Card:
    """Mark the card sent and log one "card" interaction on the person's timeline. A text too
    long for one card is refused: what was sent must be what the card can hold."""
    card = _card_for_update(person, user, year)
    if card.status == CardStatus.SENT and card.interaction_id is not None:
        return card
    problem = too_long(card.text, person.name)
    if problem:
        raise CardProblem(problem)
    moment = when or timezone.now()
    interaction = log_interaction(
        person.vault,
        [person],
        InteractionKind.CARD,
        occurred_at=moment,
        initiated_by=Initiator.ME,
        summary=_("Card for the season (%(year)d).") % {"year": year},
        author=user,
    )
    card.status = CardStatus.SENT
    card.sent_at = moment
    card.interaction = interaction
    card.save(update_fields=["status", "sent_at", "interaction", "updated_at"])
    return card


@transaction.atomic
def mark_unsent(person: Person, user: User, year: int) -> Card | None:
    """Undo "sent" (a mistake): the card goes back on the list, its interaction is removed."""
    card = Card.objects.select_for_update().filter(person=person, author=user, year=year).first()
    if card is None or card.status != CardStatus.SENT:
        return card
    if card.interaction_id is not None:
        Interaction.objects.filter(pk=card.interaction_id).delete()
    card.status = CardStatus.PLANNED
    card.sent_at = None
    card.interaction = None
    card.save(update_fields=["status", "sent_at", "interaction", "updated_at"])
    return card


def people_to_add(vault: Vault, query: str, exclude: Iterable[int]) -> list[Person]:
    """The person picker: people matching a search who are not on the list yet."""
    hits = search_people(vault, query, limit=12, include_archived=False, ignore=set(exclude))
    return [hit.person for hit in hits if not hit.person.deceased][:8]
