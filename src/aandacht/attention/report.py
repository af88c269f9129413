"""The attention report: honest figures of who you kept in touch with, how and what you gave.

Shared by the report page and ``aandacht report``. Everything is counted in a fixed number of
queries, whatever the size of the vault, and counted in the database: the weeks per week,
kind and outcome; the circles' people's last contact before each week's end, read by date
(the trend's weeks and a short lookback) with the stored last contact for the rest, so no
one's whole history is read (see ``_last_contacts``). Who is in which circle comes
from the agenda's own ``services.standings``, so the report and Today agree on cadences and on
what counts as contact. The arithmetic lives in ``report_core`` (pure); the charts are drawn
by ``svg``.

There is deliberately no overall score: every figure says what it counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Case, CharField, Count, IntegerField, Max, Q, Value, When
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _

from aandacht.accounts.models import Vault
from aandacht.attention import report_core as core
from aandacht.attention import services, svg
from aandacht.attention.models import (
    AgendaSettings,
    AppreciationNudge,
    Circle,
    NudgeOutcome,
    Rhythm,
)
from aandacht.people.models import NAME_FIELDS, Person
from aandacht.rounds.models import CheckInStep
from aandacht.timeline.models import (
    Initiator,
    Interaction,
    InteractionKind,
    Moment,
    MomentKind,
    Outcome,
)
from aandacht.web import stamp

# How deep a contact was, by the kind of interaction (attempts are counted apart).
DEEP_KINDS = (InteractionKind.CALL, InteractionKind.MEETING, InteractionKind.VIDEO)
LIGHT_KINDS = (InteractionKind.MESSAGE, InteractionKind.EMAIL)
GIFT_KINDS = (InteractionKind.CARD, InteractionKind.GIFT)
PERSONAL = "personal"  # the key of the group of people with only a personal cadence
# How far before the trend's first week the history is read by date (see ``_last_contacts``).
LOOKBACK = dt.timedelta(weeks=4)
HISTORY_CHUNK = 5000  # people per query of older history (one query, usually; bounded parameters)


@dataclass(frozen=True)
class Overdue:
    person_id: int
    name: str
    days_overdue: int
    last_contact: dt.date | None


@dataclass
class CircleFigures:
    """One circle's people today, and its share within cadence at the end of each week."""

    key: str
    name: str
    cadence_days: int | None  # None for the people with only a personal cadence
    circle_id: int | None = None
    people: int = 0
    paused: int = 0
    personal: int = 0  # of ``people``, how many have a personal cadence of their own
    within: int = 0
    new: int = 0
    overdue: list[Overdue] = field(default_factory=list)
    trend: list[core.Share] = field(default_factory=list)

    @property
    def counted(self) -> int:
        """The people the share is taken of: everyone but the paused."""
        return self.people - self.paused

    @property
    def within_pct(self) -> int | None:
        """Within their cadence only (``--json``'s ``within_cadence_pct``)."""
        return core.percentage(self.within, self.counted)

    @property
    def not_overdue(self) -> int:
        return self.within + self.new

    @property
    def share_pct(self) -> int | None:
        """The circle's figure: not overdue (within their cadence or not due yet), so it is
        100 % exactly when no one is overdue."""
        return core.percentage(self.not_overdue, self.counted)


@dataclass(frozen=True)
class Week:
    period: core.Period
    deep: int = 0
    light: int = 0
    cards_and_gifts: int = 0
    attempts: int = 0


@dataclass
class Report:
    vault: Vault
    today: dt.date
    period: core.Period
    one_way_counts: bool
    circles: list[CircleFigures]
    depth: dict[str, int]
    initiated: dict[str, int]
    outcomes: dict[str, int]
    moments: dict[str, int]
    cards: int
    appreciation: int
    check_in_steps: int
    trend: list[Week]

    @property
    def trend_period(self) -> core.Period:
        return core.Period(self.trend[0].period.start, self.trend[-1].period.end)

    @property
    def trend_step(self) -> int:
        """How many weeks each bar or point of the trend covers."""
        return self.trend[0].period.weeks


# ---------------------------------------------------------------------------------------------
# Building it


def kept(user: User, vault: Vault, weeks: int = 12) -> Report:
    """``build`` for today, reused until the data changes (``web.stamp``): counting a large
    vault's contacts takes seconds (400,000 in the 12 weeks at 50,000 people), and the figures
    only change when something is written. The first look after a write counts afresh."""
    at = stamp.current()  # before anything it counts is read, the settings included
    prefs = services.settings_for(user)
    today = services.local_today(prefs)
    key = ("report", vault.pk, user.pk, services.prefs_key(prefs), weeks, today, get_language())
    return stamp.remember_at(at, key, lambda: build(user, vault, weeks, today=today))


def build(user: User, vault: Vault, weeks: int = 12, *, today: dt.date | None = None) -> Report:
    """The report of ``vault`` as ``user`` sees it, over the ``weeks`` weeks up to today.

    Raises ``ValueError`` for a number of weeks outside 1 to ``report_core.MAX_WEEKS``.
    """
    prefs = services.settings_for(user)
    today = today or services.local_today(prefs)
    period = core.period_ending(today, weeks)
    buckets = core.trend_buckets(today, weeks)
    zone = services.zone_of(prefs)
    start, end = _bounds(period, zone)
    counted = _counted_by_week(vault, buckets, zone)
    if (buckets[0].start, buckets[-1].end) == (period.start, period.end):
        totals = _totals_of(counted)  # the weeks are the period: one query counts both
    else:
        totals = _interaction_totals(vault, start, end)
    moments = Moment.objects.visible_to(user).filter(
        vault=vault, occurred_at__gte=start, occurred_at__lt=end
    )
    moment_counts = moments.aggregate(
        total=Count("id"),
        **{kind: Count("id", filter=Q(kind=kind)) for kind in MomentKind.values},
    )
    appreciation = (
        AppreciationNudge.objects.filter(vault=vault, outcome=NudgeOutcome.GIVEN)
        .filter(
            Q(handled_at__gte=start, handled_at__lt=end)
            | Q(handled_at__isnull=True, offered_on__gte=period.start, offered_on__lte=period.end)
        )
        .count()
    )
    steps = CheckInStep.objects.filter(
        check_in__round__vault=vault, done_at__gte=start, done_at__lt=end
    ).count()
    return Report(
        vault=vault,
        today=today,
        period=period,
        one_way_counts=prefs.one_way_resets,
        circles=_circles(vault, prefs, today, buckets),
        depth={
            "deep": totals["deep"],
            "light": totals["light"],
            "cards_and_gifts": totals["cards_and_gifts"],
        },
        initiated={
            "me": totals["by_me"],
            "them": totals["by_them"],
            "unknown": totals["by_unknown"],
        },
        outcomes={
            "conversations": totals["conversations"],
            "attempts": totals["attempts"],
            "one_way": totals["one_way"],
        },
        moments={key: value or 0 for key, value in moment_counts.items()},
        cards=totals["cards"],
        appreciation=appreciation,
        check_in_steps=steps,
        trend=_weeks(buckets, counted),
    )


def _bounds(span: core.Period, zone: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """The first moment of ``span`` and the first moment after it, in the user's time zone:
    an interaction is on a local day D exactly when it lies in ``_bounds(D to D)``."""
    start = dt.datetime.combine(span.start, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(span.end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start, end


def _interaction_totals(vault: Vault, start: dt.datetime, end: dt.datetime) -> dict[str, int]:
    """Every interaction count of the period in one aggregate query; an interaction with
    several people counts once."""
    reached = ~Q(outcome=Outcome.ATTEMPT)
    conversation = Q(outcome=Outcome.CONVERSATION)
    found = Interaction.objects.filter(
        vault=vault, occurred_at__gte=start, occurred_at__lt=end
    ).aggregate(
        deep=Count("id", filter=reached & Q(kind__in=DEEP_KINDS)),
        light=Count("id", filter=reached & Q(kind__in=LIGHT_KINDS)),
        cards_and_gifts=Count("id", filter=reached & Q(kind__in=GIFT_KINDS)),
        conversations=Count("id", filter=conversation),
        attempts=Count("id", filter=Q(outcome=Outcome.ATTEMPT)),
        one_way=Count("id", filter=Q(outcome=Outcome.ONE_WAY)),
        by_me=Count("id", filter=conversation & Q(initiated_by=Initiator.ME)),
        by_them=Count("id", filter=conversation & Q(initiated_by=Initiator.THEM)),
        by_unknown=Count("id", filter=conversation & Q(initiated_by=Initiator.UNKNOWN)),
        cards=Count("id", filter=Q(kind=InteractionKind.CARD)),
    )
    return {key: value or 0 for key, value in found.items()}


# (week index, kind, outcome, initiated_by, count): the period's interactions counted.
_Counted = list[tuple[int, str, str, str, int]]


def _counted_by_week(vault: Vault, buckets: list[core.Period], zone: dt.tzinfo) -> _Counted:
    """Interactions per week, kind, outcome and initiator, counted in SQL in one query: each
    interaction gets the number of its week (weeks bounded by local midnights, so they follow
    the user's time zone, daylight saving time included) and the database counts them; a few
    hundred rows at most come back. An interaction with several people counts once."""
    spans = [_bounds(bucket, zone) for bucket in buckets]
    week = Case(
        *(When(occurred_at__lt=end, then=Value(index)) for index, (_s, end) in enumerate(spans)),
        output_field=IntegerField(),
    )
    return list(
        Interaction.objects.filter(
            vault=vault, occurred_at__gte=spans[0][0], occurred_at__lt=spans[-1][1]
        )
        .order_by()
        .annotate(week=week)
        .values_list("week", "kind", "outcome", "initiated_by")
        .annotate(count=Count("id"))
    )


def _depth_of(kind: str, outcome: str) -> str | None:
    """Which of a week's figures an interaction counts in: attempts apart, then by how deep
    its kind is (the same split as :func:`_interaction_totals`'s filters); None for a kind
    of no depth."""
    if outcome == Outcome.ATTEMPT:
        return "attempts"
    if kind in DEEP_KINDS:
        return "deep"
    if kind in LIGHT_KINDS:
        return "light"
    if kind in GIFT_KINDS:
        return "cards_and_gifts"
    return None


def _weeks(buckets: list[core.Period], counted: _Counted) -> list[Week]:
    """The trend: each week's interactions by depth (attempts apart)."""
    counts = [{"deep": 0, "light": 0, "cards_and_gifts": 0, "attempts": 0} for _b in buckets]
    for index, kind, outcome, _initiator, count in counted:
        depth = _depth_of(kind, outcome)
        if depth is not None:
            counts[index][depth] += count
    return [Week(bucket, **count) for bucket, count in zip(buckets, counts, strict=True)]


def _totals_of(counted: _Counted) -> dict[str, int]:
    """What :func:`_interaction_totals` counts, from the weeks' counts (when the weeks are
    the whole period)."""
    totals = dict.fromkeys(_TOTALS, 0)
    for _index, kind, outcome, initiator, count in counted:
        depth = _depth_of(kind, outcome)
        if depth is not None:  # (attempts included: counted once, as in SQL)
            totals[depth] += count
        if outcome == Outcome.CONVERSATION:
            totals["conversations"] += count
            if initiator in _BY:  # (no other value is stored; none would count, as in SQL)
                totals[_BY[initiator]] += count
        elif outcome == Outcome.ONE_WAY:
            totals["one_way"] += count
        if kind == InteractionKind.CARD:
            totals["cards"] += count
    return totals


_TOTALS = (
    "deep",
    "light",
    "cards_and_gifts",
    "conversations",
    "attempts",
    "one_way",
    "by_me",
    "by_them",
    "by_unknown",
    "cards",
)
_BY: dict[str, str] = {
    Initiator.ME: "by_me",
    Initiator.THEM: "by_them",
    Initiator.UNKNOWN: "by_unknown",
}


def _circles(
    vault: Vault, prefs: AgendaSettings, today: dt.date, buckets: list[core.Period]
) -> list[CircleFigures]:
    """Per circle: its people today (as the agenda sees them) and the weekly shares."""
    candidates, known = services.standings(vault, prefs, today)
    since = {candidate.person_id: candidate.since for candidate in candidates}
    in_circles = _in_circles(vault)
    extra: dict[int, tuple[dt.datetime | None, dt.date | None]] = {}
    stored: dict[int, dt.datetime | None] = {}
    for pk, conversation, one_way, paused in Rhythm.objects.filter(
        in_circles, person__vault=vault
    ).values_list("person_id", "last_conversation_at", "last_one_way_at", "paused_until"):
        extra[pk] = (one_way, paused)
        counted = [conversation, one_way] if prefs.one_way_resets else [conversation]
        stored[pk] = max((at for at in counted if at is not None), default=None)
    zone = services.zone_of(prefs)
    groups: dict[str, CircleFigures] = {
        f"circle-{circle.pk}": CircleFigures(
            f"circle-{circle.pk}", circle.title, circle.cadence_days, circle.pk
        )
        for circle in Circle.objects.filter(vault=vault)
        .select_related("tag")
        .order_by("cadence_days", "id")
    }
    members: dict[str, list[core.Member]] = {}
    overdue_ids: dict[int, tuple[str, int, dt.date | None]] = {}
    for person_id, standing in known.items():
        circle = standing.cadence.circle
        if circle is not None:
            key = f"circle-{circle.pk}"
        else:
            key = PERSONAL
            if key not in groups:
                groups[key] = CircleFigures(key, _("Personal cadence only"), None)
        group = groups[key]
        group.people += 1
        if standing.cadence.source == "personal":
            group.personal += 1
        one_way, paused_until = extra.get(person_id, (None, None))
        if paused_until is not None and paused_until > today:
            group.paused += 1
            continue
        last = standing.last_conversation
        if prefs.one_way_resets and one_way is not None:
            one_way_day = timezone.localtime(one_way, zone).date()
            last = max(last, one_way_day) if last else one_way_day
        status, late = core.status_on(today, last, since[person_id], standing.cadence.days)
        if status == "within":
            group.within += 1
        elif status == "new":
            group.new += 1
        else:
            overdue_ids[person_id] = (key, late, last)
        members.setdefault(key, []).append(
            core.Member(person_id, standing.cadence.days, since[person_id])
        )
    history = _last_contacts(vault, prefs, buckets, members, stored)
    for key, group in groups.items():
        people = [
            core.Member(m.person_id, m.cadence_days, m.since, history.get(m.person_id, ()))
            for m in members.get(key, [])
        ]
        group.trend = [core.share_on(people, bucket.end) for bucket in buckets]
    names = {
        person.pk: person.name
        for person in Person.objects.filter(pk__in=list(overdue_ids)).only("id", *NAME_FIELDS)
    }
    for person_id, (key, late, last) in overdue_ids.items():
        groups[key].overdue.append(Overdue(person_id, names.get(person_id, ""), late, last))
    for group in groups.values():
        group.overdue.sort(key=lambda o: (-o.days_overdue, o.name.casefold(), o.person_id))
    return list(groups.values())


def _in_circles(vault: Vault) -> Q:
    """Whose ``person_id`` may be in one of the report's groups, as two subqueries: a rhythm
    with a circle or a personal cadence, or a tag that has a circle. A superset of the
    agenda's people (muted, archived and trashed people are sorted out in Python), but it keeps
    everyone else's rows out of the report's queries."""
    on_a_rhythm = (
        Rhythm.objects.filter(person__vault=vault)
        .filter(Q(circle__isnull=False) | Q(cadence_days__isnull=False))
        .values("person_id")
    )
    tagged = Person.tags.through.objects.filter(
        tag_id__in=Circle.objects.filter(vault=vault, tag__isnull=False).values("tag_id")
    ).values("person_id")
    return Q(person_id__in=on_a_rhythm) | Q(person_id__in=tagged)


def _last_contacts(
    vault: Vault,
    prefs: AgendaSettings,
    buckets: list[core.Period],
    members: dict[str, list[core.Member]],
    stored: dict[int, dt.datetime | None],
) -> dict[int, tuple[dt.date, ...]]:
    """Per member, their last contact on or before each week's end. What counts as contact
    is what the agenda counts: a conversation; a one-way contact too when the user's
    settings say so.

    The link between an interaction and its people has no date, so a person's whole history
    can only be read through their interactions: for the busiest people that is most of a
    vault's million rows. So the history is read from the other side, by date. One query
    reads the contacts of the trend's weeks and of ``LOOKBACK`` before them (the interactions
    of a few months, by the index on the vault and the date), one row per person. Whoever
    has no contact in the lookback before the first week's end needs the last one before it:
    it is their stored last contact (``Rhythm``, kept by the signals, which Today reads too)
    when that is older than the lookback; only the few people contacted lately after a long
    silence, or whose stored contact is missing, have their older history read, in one
    query for all of them. However old, a last contact counts: it cannot make anyone within
    their cadence, but it makes them overdue rather than new (never contacted, not due yet),
    as Today's figure above the trend says.

    The days come back sorted, as ``core.Member.contacts``: the last one on or before a
    week's end is that week's, so ``core.share_on`` gives what it gives on every contact."""
    wanted = {m.person_id for group in members.values() for m in group}
    if not wanted:
        return {}
    zone = services.zone_of(prefs)
    ends = [_bounds(bucket, zone)[1] for bucket in buckets]
    lower = ends[0] - LOOKBACK
    outcomes: list[str] = [Outcome.CONVERSATION]
    if prefs.one_way_resets:
        outcomes.append(Outcome.ONE_WAY)
    recent = _lasts_before(vault, outcomes, lower, ends, wanted)
    first: dict[int, dt.datetime | None] = {}
    older: list[int] = []
    for person_id in wanted:
        lasts = recent.get(person_id)
        if lasts is not None and lasts[0] is not None:
            continue
        if person_id in stored and (lasts is None or not any(lasts)):
            # (A stored contact before ``lower`` beside a contact read since is stale, so
            # such a person's history is read instead of trusted.)
            last = stored[person_id]
            if last is None or last < lower:
                first[person_id] = last
                continue
        older.append(person_id)
    first.update(_lasts_before_lower(vault, outcomes, lower, older))
    found: dict[int, tuple[dt.date, ...]] = {}
    for person_id in wanted:
        lasts = list(recent.get(person_id, [None] * len(ends)))
        if lasts[0] is None:
            start = first.get(person_id)
            lasts = [last or start for last in lasts]
        days = {timezone.localtime(last, zone).date() for last in lasts if last}
        if days:
            found[person_id] = tuple(sorted(days))
    return found


def _lasts_before(
    vault: Vault,
    outcomes: list[str],
    lower: dt.datetime,
    ends: list[dt.datetime],
    wanted: set[int],
) -> dict[int, list[dt.datetime | None]]:
    """Per person contacted since ``lower``: their last contact before each of ``ends``
    (``None`` where there is none since ``lower``), in one query driven by the interactions
    of that period; people outside ``wanted`` are dropped here, not in SQL, so the database
    has no reason to start from their links."""
    lasts = {
        f"last_{index}": Max("interaction__occurred_at", filter=Q(interaction__occurred_at__lt=end))
        for index, end in enumerate(ends)
    }
    rows = (
        Interaction.people.through.objects.filter(
            interaction__vault=vault,
            interaction__outcome__in=outcomes,
            interaction__occurred_at__gte=lower,
            interaction__occurred_at__lt=ends[-1],
        )
        .values("person_id")
        .annotate(**{name: Cast(last, output_field=CharField()) for name, last in lasts.items()})
        .values_list("person_id", *lasts)
    )
    # As text, parsed only for the people wanted (see ``services.moments_from_text``).
    moment = services.moments_from_text()
    return {
        person_id: [moment(text) if text else None for text in texts]
        for person_id, *texts in rows
        if person_id in wanted
    }


def _lasts_before_lower(
    vault: Vault, outcomes: list[str], lower: dt.datetime, people: list[int]
) -> dict[int, dt.datetime | None]:
    """The last contact before ``lower`` of each of ``people`` (a few, usually none)."""
    found: dict[int, dt.datetime | None] = {}
    limit = connection.features.max_query_params
    size = min(HISTORY_CHUNK, limit - 16) if limit else HISTORY_CHUNK  # (an old SQLite: 999)
    for start in range(0, len(people), size):
        chunk = people[start : start + size]
        found.update(
            Interaction.people.through.objects.filter(
                person_id__in=chunk,
                interaction__vault=vault,
                interaction__outcome__in=outcomes,
                interaction__occurred_at__lt=lower,
            )
            .values_list("person_id")
            .annotate(Max("interaction__occurred_at"))
        )
    return found


# ---------------------------------------------------------------------------------------------
# What each figure counts, in one sentence (shared by the page and the CLI)


def circle_sentence(figures: CircleFigures, one_way_counts: bool) -> str:
    """Whom the circle's figure counts, and how many of each kind, in full sentences: the
    page shows it under the figure and ``aandacht report`` under its table."""
    contact = _("conversation, card, gift or email") if one_way_counts else _("conversation")
    if figures.cadence_days is None:
        parts = [
            ngettext(
                "%(count)d person with only a personal cadence.",
                "%(count)d people with only a personal cadence.",
                figures.people,
            )
            % {"count": figures.people}
        ]
    else:
        parts = [
            ngettext(
                "%(count)d person in %(circle)s.",
                "%(count)d people in %(circle)s.",
                figures.people,
            )
            % {"count": figures.people, "circle": figures.name}
        ]
        if figures.personal:
            parts.append(
                ngettext(
                    "%(count)d of them has a personal cadence, which is used instead of "
                    "%(days)d days.",
                    "%(count)d of them have a personal cadence, which is used instead of "
                    "%(days)d days.",
                    figures.personal,
                )
                % {"count": figures.personal, "days": figures.cadence_days}
            )
    if figures.paused:
        parts.append(
            ngettext(
                "%(count)d of them is paused and left out.",
                "%(count)d of them are paused and left out.",
                figures.paused,
            )
            % {"count": figures.paused}
        )
    if not figures.counted:
        return " ".join(parts)
    parts.append(
        ngettext(
            "%(count)d had their last %(contact)s within their cadence.",
            "%(count)d had their last %(contact)s within their cadence.",
            figures.within,
        )
        % {"count": figures.within, "contact": contact}
    )
    if figures.new:
        parts.append(
            ngettext(
                "%(count)d has had no %(contact)s yet and is not due yet.",
                "%(count)d have had no %(contact)s yet and are not due yet.",
                figures.new,
            )
            % {"count": figures.new, "contact": contact}
        )
    if figures.overdue:
        parts.append(
            ngettext("%(count)d is overdue.", "%(count)d are overdue.", len(figures.overdue))
            % {"count": len(figures.overdue)}
        )
    else:
        parts.append(_("No one is overdue."))
    parts.append(
        _("The share counts who is not overdue: %(count)d of %(counted)d.")
        % {"count": figures.not_overdue, "counted": figures.counted}
    )
    return " ".join(parts)


def _day(day: dt.date, format_name: str) -> str:
    """A date that does not break across lines (``13 Sep 2026`` stays together)."""
    return date_format(day, format_name).replace(" ", "\u00a0")


def period_label(period: core.Period) -> str:
    short = pgettext("report period", "j M Y")
    return _("%(start)s to %(end)s") % {
        "start": _day(period.start, short),
        "end": _day(period.end, short),
    }


def week_label(week: core.Period) -> str:
    """A trend span by its last day: the day its share is taken on, the day its bar ends."""
    return _day(week.end, pgettext("short date", "j M"))


def bucket_header(step: int) -> str:
    """The heading of the tables' first column: which span each row is."""
    if step == 1:
        return _("week to")
    return _("%(step)d weeks to") % {"step": step}


def trend_title(report: Report) -> str:
    weeks = report.trend_period.weeks
    if report.trend_step == 1:
        return ngettext(
            "The last %(weeks)d week, per week",
            "The last %(weeks)d weeks, per week",
            weeks,
        ) % {"weeks": weeks}
    return _("The last %(weeks)d weeks, per %(step)d weeks") % {
        "weeks": weeks,
        "step": report.trend_step,
    }


def share_caption(report: Report) -> str:
    """Under each circle's chart: what a point is, and that the chart follows the period."""
    span = period_label(report.trend_period)
    if report.trend_step == 1:
        return _("Share not overdue on the last day of each week (the date shown), %(span)s.") % {
            "span": span
        }
    return _(
        "Share not overdue on the last day of each %(step)d weeks (the date shown), %(span)s."
    ) % {"step": report.trend_step, "span": span}


@dataclass(frozen=True)
class Sentences:
    depth: str
    initiated: str
    outcomes: str
    moments: str
    cards: str
    appreciation: str
    check_in_steps: str
    trend_depth: str
    trend_share: str


def sentences(report: Report) -> Sentences:
    span = period_label(report.period)
    return Sentences(
        depth=_(
            "Contacts that reached someone from %(span)s, by kind: calls, meetings and video "
            "calls; messages and emails; cards and gifts. Each logged interaction counts "
            "once, however many people were in it; attempts are not included."
        )
        % {"span": span},
        initiated=_("Who started each of the %(count)d conversations from %(span)s, as logged.")
        % {"count": report.outcomes["conversations"], "span": span},
        outcomes=_(
            "Every interaction logged from %(span)s by its outcome: a conversation, an attempt "
            "that did not reach them (voicemail, no answer) or one-way (a card, gift or email)."
        )
        % {"span": span},
        moments=_(
            "Moments with a date from %(span)s that you can see: shared moments, gratitude "
            "and strengths. Someone else's private moments are not counted."
        )
        % {"span": span},
        cards=_("Cards or letters logged on a timeline from %(span)s.") % {"span": span},
        appreciation=_(
            "Suggestions on Today to tell someone what you value in them that anyone in this "
            "vault marked as told, from %(span)s."
        )
        % {"span": span},
        check_in_steps=_(
            "Steps of check-in rounds (empathy, a concrete tip, an action) marked done from "
            "%(span)s."
        )
        % {"span": span},
        trend_depth=_trend_depth(report),
        trend_share=_(
            "For each circle, the share of the people in it today (with today's cadences; "
            "paused people left out) who were not overdue (within their cadence, or not due "
            "yet) on the last day of each span of the chart. The charts follow the period."
        ),
    )


def _trend_depth(report: Report) -> str:
    weeks = report.trend_period.weeks
    if report.trend_step == 1:
        return ngettext(
            "Contacts that reached someone in the last %(weeks)d week, by depth; the bar is "
            "seven days, labelled with its last day: today.",
            "Contacts that reached someone in each of the last %(weeks)d weeks, by depth; "
            "each bar is seven days, labelled with its last day; the last one ends today.",
            weeks,
        ) % {"weeks": weeks}
    return _(
        "Contacts that reached someone in the last %(weeks)d weeks, by depth; each bar is "
        "%(step)d weeks, labelled with its last day; the last one ends today."
    ) % {"weeks": weeks, "step": report.trend_step}


# ---------------------------------------------------------------------------------------------
# Charts


DEPTH_COLOURS = {
    "deep": "--chart-deep",
    "light": "--chart-light",
    "cards_and_gifts": "--chart-gift",
}


def depth_names() -> dict[str, str]:
    return {
        "deep": _("calls, meetings and video calls"),
        "light": _("messages and emails"),
        "cards_and_gifts": _("cards and gifts"),
    }


def depth_chart(report: Report) -> str:
    labels = [week_label(week.period) for week in report.trend]
    names = depth_names()
    series = [
        svg.Series(names[key], colour, [getattr(week, key) for week in report.trend])
        for key, colour in DEPTH_COLOURS.items()
    ]
    totals = [week.deep + week.light + week.cards_and_gifts for week in report.trend]
    desc = _(
        "Stacked bars, one per span ending %(first)s to %(last)s: %(total)d contacts in all, "
        "at most %(most)d in one span. The table below has every number."
    ) % {
        "first": labels[0],
        "last": labels[-1],
        "total": sum(totals),
        "most": max(totals, default=0),
    }
    title = depth_title(report)
    # One for a phone, one wider for a wider screen: text in a viewBox scales with the chart,
    # so one size cannot be legible on both. The CSS shows one of them.
    return svg.stacked_bars(
        "chart-depth", title, desc, labels, series, extra_class="chart--narrow"
    ) + svg.stacked_bars(
        "chart-depth-wide",
        title,
        desc,
        labels,
        series,
        width=680,
        height=200,
        most_labels=13,
        extra_class="chart--wide",
    )


def depth_title(report: Report) -> str:
    if report.trend_step == 1:
        return _("Contacts per week, by depth")
    return _("Contacts per %(step)d weeks, by depth") % {"step": report.trend_step}


def share_chart(report: Report, figures: CircleFigures) -> str:
    labels = [week_label(week.period) for week in report.trend]
    values = [share.pct for share in figures.trend]
    known = [v for v in values if v is not None]
    if known:
        desc = _(
            "A line of the share not overdue, from %(first)s%% to %(last)s%%; lowest "
            "%(low)s%%, highest %(high)s%%. The table below has every number."
        ) % {"first": known[0], "last": known[-1], "low": min(known), "high": max(known)}
    else:
        desc = _("No one to count in these weeks.")
    if report.trend_step == 1:
        title = _("%(circle)s: share not overdue per week") % {"circle": figures.name}
    else:
        title = _("%(circle)s: share not overdue per %(step)d weeks") % {
            "circle": figures.name,
            "step": report.trend_step,
        }
    return svg.percent_line(
        f"chart-{figures.key}",
        title,
        desc,
        labels,
        svg.Series(figures.name, "--chart-share", values),
    )


# ---------------------------------------------------------------------------------------------
# As JSON (``aandacht report --json``; every key is documented in docs/cli.md)


def as_json(report: Report) -> dict[str, Any]:
    return {
        "vault": {"id": report.vault.pk, "name": report.vault.name},
        "today": report.today.isoformat(),
        "period": {
            "start": report.period.start.isoformat(),
            "end": report.period.end.isoformat(),
            "weeks": report.period.weeks,
        },
        "trend_weeks_per_step": report.trend_step,
        "one_way_counts_as_contact": report.one_way_counts,
        "circles": [
            {
                "id": figures.circle_id,
                "name": figures.name,
                "cadence_days": figures.cadence_days,
                "people": figures.people,
                "paused": figures.paused,
                "personal_cadence": figures.personal,
                "within_cadence": figures.within,
                "within_cadence_pct": figures.within_pct,
                "not_yet_due": figures.new,
                "counted": figures.counted,
                "not_overdue_pct": figures.share_pct,
                "overdue": [
                    {
                        "person_id": late.person_id,
                        "name": late.name,
                        "days_overdue": late.days_overdue,
                        "last_contact": late.last_contact.isoformat()
                        if late.last_contact
                        else None,
                    }
                    for late in figures.overdue
                ],
                "trend": [
                    {
                        "week_end": week.end.isoformat(),
                        "within": share.within,
                        "not_yet_due": share.new,
                        "counted": share.counted,
                        "pct": share.pct,
                    }
                    for week, share in zip(
                        (w.period for w in report.trend), figures.trend, strict=True
                    )
                ],
            }
            for figures in report.circles
        ],
        "depth": dict(report.depth),
        "initiated": dict(report.initiated),
        "outcomes": dict(report.outcomes),
        "moments": dict(report.moments),
        "cards": report.cards,
        "appreciation": report.appreciation,
        "check_in_steps": report.check_in_steps,
        "trend": [
            {
                "start": week.period.start.isoformat(),
                "end": week.period.end.isoformat(),
                "deep": week.deep,
                "light": week.light,
                "cards_and_gifts": week.cards_and_gifts,
                "attempts": week.attempts,
            }
            for week in report.trend
        ],
    }
