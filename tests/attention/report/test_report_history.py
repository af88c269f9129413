"""The report counts in SQL what it used to count row by row in Python, with the same results.

Two kinds of check. Edge cases against a reference worked out in Python from every row (the
old way): week boundaries at local midnight in the user's time zone, the weeks in which
daylight saving time changes, interactions with several people (counted once in the weeks) and
contacts after today. And what the report reads: rows of people outside the circles (however
much history they have) are not read, also when one person's cadence is ten years; this is
not timed, it counts the rows every query of the report returns.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from typing import Any

import pytest
from attention_helpers import MakePerson
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from report_helpers import NOW

from aandacht.accounts.models import Vault
from aandacht.attention import report, services
from aandacht.attention import report_core as core
from aandacht.attention.models import Circle, Rhythm
from aandacht.attention.report import DEEP_KINDS, GIFT_KINDS, LIGHT_KINDS
from aandacht.people.models import Person
from aandacht.timeline.models import Initiator, Interaction, InteractionKind, Outcome
from aandacht.timeline.services import log_interaction

KINDS = ["call", "message", "card", "voicemail", "email", "meeting", "gift", "video"]


def local_midnights(zone: zoneinfo.ZoneInfo, buckets: list[core.Period]) -> list[dt.datetime]:
    """Each week's first moment and the moment after the last week, in ``zone``."""
    days = [bucket.start for bucket in buckets] + [buckets[-1].end + dt.timedelta(days=1)]
    return [dt.datetime.combine(day, dt.time.min, tzinfo=zone) for day in days]


def transitions(zone: zoneinfo.ZoneInfo, start: dt.datetime, end: dt.datetime) -> Iterator[Any]:
    """The moments (UTC, to the hour) at which ``zone`` changes its offset."""
    moment = start.astimezone(dt.UTC).replace(minute=0, second=0)
    offset = moment.astimezone(zone).utcoffset()
    while moment < end:
        moment += dt.timedelta(hours=1)
        if moment.astimezone(zone).utcoffset() != offset:
            offset = moment.astimezone(zone).utcoffset()
            yield moment


def tricky_moments(zone: zoneinfo.ZoneInfo, buckets: list[core.Period]) -> list[dt.datetime]:
    """A second before, at and after every local midnight of the trend; around each change
    of daylight saving time; and a few after today (which no week may count)."""
    edges = local_midnights(zone, buckets)
    found: list[dt.datetime] = []
    for edge in edges:
        found += [edge - dt.timedelta(seconds=1), edge, edge + dt.timedelta(seconds=1)]
    for change in transitions(zone, edges[0], edges[-1]):
        found += [change + dt.timedelta(minutes=m) for m in (-61, -30, -1, 0, 30, 59, 61)]
    found += [edges[-1] + dt.timedelta(hours=h) for h in (1, 30)]
    return found


def reference_weeks(vault: Vault, zone: zoneinfo.ZoneInfo, buckets: list[core.Period]) -> list:
    """The weeks the old way: every interaction's local day, put in its week in Python."""
    counts = [[0, 0, 0, 0] for _bucket in buckets]
    for kind, outcome, occurred_at in Interaction.objects.filter(vault=vault).values_list(
        "kind", "outcome", "occurred_at"
    ):
        index = core.bucket_of(timezone.localtime(occurred_at, zone).date(), buckets)
        if index is None:
            continue
        if outcome == Outcome.ATTEMPT:
            counts[index][3] += 1
        elif kind in DEEP_KINDS:
            counts[index][0] += 1
        elif kind in LIGHT_KINDS:
            counts[index][1] += 1
        elif kind in GIFT_KINDS:
            counts[index][2] += 1
    return counts


def reference_share(
    people: list[Person], zone: zoneinfo.ZoneInfo, buckets: list[core.Period]
) -> list[tuple[int, int]]:
    """The share within cadence per week the old way: every conversation's local day."""
    members = []
    for person in people:
        rhythm = Rhythm.objects.get(person=person)
        days = sorted(
            timezone.localtime(at, zone).date()
            for at in Interaction.objects.filter(
                people=person, outcome=Outcome.CONVERSATION
            ).values_list("occurred_at", flat=True)
        )
        assert rhythm.cadence_days is not None
        members.append(core.Member(person.pk, rhythm.cadence_days, rhythm.since, tuple(days)))
    return [
        (share.within, share.counted)
        for share in (core.share_on(members, bucket.end) for bucket in buckets)
    ]


@pytest.mark.parametrize("zone_name", ["Europe/Amsterdam", "America/New_York", "Pacific/Chatham"])
def test_weeks_and_shares_follow_the_users_time_zone_to_the_second(
    vault: Vault, alice: User, make_person: MakePerson, today: dt.date, zone_name: str
) -> None:
    prefs = services.settings_for(alice)
    prefs.time_zone = zone_name
    prefs.save()
    zone = zoneinfo.ZoneInfo(zone_name)
    buckets = core.trend_buckets(services.local_today(prefs), 12)
    # Personal cadences of one and two days: within or not flips at every midnight.
    people = [
        make_person(f"Short {days}", cadence=days, since=dt.date(2026, 1, 1)) for days in (1, 2, 1)
    ]
    for number, moment in enumerate(tricky_moments(zone, buckets)):
        with_whom = people[number % 3 : number % 3 + 1 + number % 2]  # one or two people
        log_interaction(vault, with_whom, KINDS[number % len(KINDS)], occurred_at=moment)
    assert any(
        moment.astimezone(zone).utcoffset() != NOW.astimezone(zone).utcoffset()
        for moment in tricky_moments(zone, buckets)
    ), "the trend should span a change of daylight saving time"

    found = report.build(alice, vault)
    weeks = [[w.deep, w.light, w.cards_and_gifts, w.attempts] for w in found.trend]
    assert weeks == reference_weeks(vault, zone, buckets)
    assert sum(map(sum, weeks)) > 40  # most of the moments are inside the weeks
    personal = found.circles[-1]
    assert personal.key == report.PERSONAL
    expected = reference_share(people, zone, buckets)
    assert [(share.within, share.counted) for share in personal.trend] == expected
    assert {within for within, _counted in expected} != {0}  # some weeks someone is within


@pytest.mark.parametrize("weeks", [12, 4, 15])
def test_the_totals_counted_with_the_weeks_are_the_totals_counted_apart(
    vault: Vault, alice: User, make_person: MakePerson, today: dt.date, weeks: int
) -> None:
    """The period's totals come from the weeks' counts when the weeks are the period (12, 4),
    and from a query of their own when they are not (15 weeks: the trend's seven spans of two
    weeks leave the first week out): the same figures either way."""
    people = [make_person(f"Counted {n}", cadence=30) for n in range(3)]
    initiators = [Initiator.ME, Initiator.THEM, Initiator.UNKNOWN]
    for number in range(140):
        log_interaction(
            vault,
            people[number % 3 : number % 3 + 1 + number % 2],
            KINDS[number % len(KINDS)],
            outcome=[None, Outcome.ONE_WAY, Outcome.CONVERSATION, Outcome.ATTEMPT][number % 9 % 4],
            initiated_by=initiators[number % 5 % 3],
            occurred_at=NOW - dt.timedelta(days=number * 0.8, hours=number % 24),
        )
    prefs = services.settings_for(alice)
    zone = services.zone_of(prefs)
    period = core.period_ending(today, weeks)
    start, end = report._bounds(period, zone)
    apart = report._interaction_totals(vault, start, end)
    assert min(apart.values()) > 0  # every figure counts something
    buckets = core.trend_buckets(today, weeks)
    if (buckets[0].start, buckets[-1].end) == (period.start, period.end):
        assert report._totals_of(report._counted_by_week(vault, buckets, zone)) == apart
    else:
        assert weeks == 15
    found = report.build(alice, vault, weeks)
    assert found.depth == {k: apart[k] for k in ("deep", "light", "cards_and_gifts")}
    assert found.initiated == {
        "me": apart["by_me"],
        "them": apart["by_them"],
        "unknown": apart["by_unknown"],
    }
    assert found.outcomes == {
        "conversations": apart["conversations"],
        "attempts": apart["attempts"],
        "one_way": apart["one_way"],
    }
    assert found.cards == apart["cards"]


def test_the_trend_ends_where_todays_figure_is_for_people_with_an_old_last_contact(
    vault: Vault, alice: User, make_person: MakePerson, circles: dict[str, Circle], today: dt.date
) -> None:
    """Someone who joined a circle lately but was last spoken to years ago is overdue today,
    not new, and so in the trend's last week (it ends today): the figure above the chart and
    the chart's last point agree. (The history once left out contacts older than the
    longest cadence, which turned such people into "new" in the trend.)"""
    monthly = circles["monthly"]
    joined = today - dt.timedelta(days=3)
    old_friend = make_person("Old Friend", circle=monthly, since=joined)
    log_interaction(vault, [old_friend], "call", occurred_at=NOW - dt.timedelta(days=2000))
    newcomer = make_person("New Comer", circle=monthly, since=joined)
    found = report.build(alice, vault)
    figures = next(c for c in found.circles if c.circle_id == monthly.pk)
    assert (figures.within, figures.new, figures.counted) == (0, 1, 2)
    assert [o.person_id for o in figures.overdue] == [old_friend.pk]
    last = figures.trend[-1]
    assert found.trend[-1].period.end == today
    assert (last.within, last.new, last.counted) == (0, 1, 2)
    assert newcomer.pk not in [o.person_id for o in figures.overdue]


def test_an_interaction_with_several_people_counts_once_a_week(
    vault: Vault, alice: User, make_person: MakePerson, circles: dict[str, Circle], today: dt.date
) -> None:
    monthly = circles["monthly"]
    group = [make_person(f"Friend {n}", circle=monthly) for n in range(3)]
    log_interaction(vault, group, "meeting", occurred_at=NOW - dt.timedelta(days=1))
    log_interaction(vault, group[:2], "voicemail", occurred_at=NOW - dt.timedelta(days=8))
    found = report.build(alice, vault)
    assert (found.trend[-1].deep, found.trend[-2].attempts) == (1, 1)
    assert sum(w.deep + w.light + w.cards_and_gifts + w.attempts for w in found.trend) == 2
    figures = next(c for c in found.circles if c.circle_id == monthly.pk)
    assert (figures.trend[-1].within, figures.trend[-1].counted) == (3, 3)


# ---------------------------------------------------------------------------------------------
# What the report reads


def rows_returned(queries: list[dict[str, str]]) -> dict[str, int]:
    """Each SELECT of ``queries`` run again, with the number of rows it returns."""
    counted: dict[str, int] = {}
    with connection.cursor() as cursor:
        for query in queries:
            sql = query["sql"]
            if sql.lstrip().upper().startswith("SELECT"):
                cursor.execute(sql)
                counted[sql] = len(cursor.fetchall())
    return counted


def read_by_report(alice: User, vault: Vault) -> dict[str, int]:
    report.build(alice, vault)  # settings made once
    with CaptureQueriesContext(connection) as queries:
        report.build(alice, vault)
    return rows_returned(queries.captured_queries)


def test_history_outside_the_circles_is_not_read(
    vault: Vault, alice: User, make_person: MakePerson, circles: dict[str, Circle], today: dt.date
) -> None:
    monthly = circles["monthly"]
    since = today - dt.timedelta(days=4000)
    members = [make_person(f"Member {n}", circle=monthly, since=since) for n in range(3)]
    decade = make_person("Once a decade", cadence=3650, since=since)
    members.append(decade)
    for number, person in enumerate(members):
        for years in range(9):
            moment = NOW - dt.timedelta(days=365 * years + number * 3 + 2)
            log_interaction(vault, [person], KINDS[years % len(KINDS)], occurred_at=moment)
    before = read_by_report(alice, vault)

    # Thirty people outside the circles with ten years of history each (their rhythms exist,
    # kept by the signals, but without a circle or cadence), some of it with a member.
    tagged_elsewhere = ("neighbours",)
    outsiders = [make_person(f"Outsider {n}", tags=tagged_elsewhere) for n in range(30)]
    for number, person in enumerate(outsiders):
        for step in range(12):
            moment = NOW - dt.timedelta(days=300 * step + number)
            with_whom = [person, members[0]] if step == 5 else [person]
            log_interaction(
                vault, with_whom, KINDS[(step + number) % len(KINDS)], occurred_at=moment
            )
    assert Rhythm.objects.filter(person__in=outsiders).count() == len(outsiders)
    after = read_by_report(alice, vault)

    # The weeks come back counted per week, kind and outcome: a bounded number of rows.
    weeks = [sql for sql in after if "CASE WHEN" in sql.upper()]
    assert len(weeks) == 1
    assert after[weeks[0]] <= (
        core.TREND_POINTS * len(InteractionKind) * len(Outcome) * len(Initiator)
    )
    # The history is read by date: one row per person contacted in the trend's weeks and the
    # lookback before them (so the outsiders contacted lately, not their years of history).
    history = [sql for sql in after if "MAX(" in sql.upper()]
    by_date = [sql for sql in history if "FILTER" in sql.upper()]
    assert len(by_date) == 1
    # The members contacted lately after a silence longer than the lookback have their
    # older history read, named by id: only members, one row each.
    for sql in set(history) - set(by_date):
        assert after[sql] <= len(members)
        assert not any(f" {o.pk}," in sql or f" {o.pk})" in sql for o in outsiders)
    recently = {
        person.pk
        for person in [*members, *outsiders]
        if Interaction.objects.filter(
            people=person, outcome=Outcome.CONVERSATION, occurred_at__gte=NOW - HISTORY_SPAN
        ).exists()
    }
    assert after[by_date[0]] == len(recently) < len(members) + len(outsiders)
    # Every other query returns as many rows as before the outsiders came.
    assert sorted(n for sql, n in after.items() if sql not in weeks + history) == sorted(
        n for sql, n in before.items() if "CASE WHEN" not in sql.upper() and "MAX(" not in sql
    )
    # No other query returns more rows than there are people on a rhythm plus the circles.
    assert max(n for sql, n in after.items() if sql not in weeks + history) <= len(members) + (
        Circle.objects.filter(vault=vault).count()
    )


# The trend's twelve weeks plus the lookback before the first week's end.
HISTORY_SPAN = dt.timedelta(weeks=12) + report.LOOKBACK


def history_bounds(
    zone: dt.tzinfo, buckets: list[core.Period], longest: int
) -> tuple[dt.datetime, list[dt.datetime]]:
    """The longest cadence before the first week's end (older contacts cannot make anyone
    within, but still make them overdue rather than new), and each week's end."""
    earliest = dt.datetime.combine(
        buckets[0].end - dt.timedelta(days=longest), dt.time.min, tzinfo=zone
    )
    ends = [
        dt.datetime.combine(bucket.end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        for bucket in buckets
    ]
    return earliest, ends


def reference_history(
    people: list[Person], zone: dt.tzinfo, buckets: list[core.Period], one_way: bool, longest: int
) -> dict[int, tuple[dt.date, ...]]:
    """The last contact on or before each week's end from every contact of every person (the
    definition of ``report._last_contacts``, without its shortcuts)."""
    outcomes = [Outcome.CONVERSATION, *([Outcome.ONE_WAY] if one_way else [])]
    _earliest, ends = history_bounds(zone, buckets, longest)
    found = {}
    for person in people:
        moments = list(
            Interaction.objects.filter(people=person, outcome__in=outcomes).values_list(
                "occurred_at", flat=True
            )
        )
        lasts = {max((m for m in moments if m < end), default=None) for end in ends}
        days = {timezone.localtime(m, zone).date() for m in lasts if m is not None}
        if days:
            found[person.pk] = tuple(sorted(days))
    return found


@pytest.mark.parametrize("one_way_resets", [False, True])
def test_history_by_date_gives_every_contact_the_full_history_gives(
    vault: Vault,
    alice: User,
    make_person: MakePerson,
    today: dt.date,
    monkeypatch: pytest.MonkeyPatch,
    one_way_resets: bool,
) -> None:
    """Each shortcut of the history read by date against every contact read in full: contacts
    in the weeks, in the lookback, only before it (the stored last contact), long silences
    ended lately (older history read), contacts dated after today, one-way contacts and
    attempts, a member with no rhythm row at all, a stale stored contact, and contacts on
    each boundary (and a second before it): the lookback's start, the first week's end and
    a longest cadence before the first week's end."""
    prefs = services.settings_for(alice)
    prefs.one_way_resets = one_way_resets
    prefs.save()
    zone = services.zone_of(prefs)
    buckets = core.trend_buckets(services.local_today(prefs), 12)
    since = today - dt.timedelta(days=3000)
    histories = {
        "weekly for two years": [(days, "call") for days in range(0, 730, 7)],
        "in the lookback only": [(100, "call"), (400, "meeting")],
        "before the lookback only": [(200, "call"), (300, "video")],
        "silent, then lately": [(700, "call"), (10, "meeting")],
        "silent, then in the first week": [(500, "call"), (80, "call")],
        "after today too": [(-30, "call"), (150, "call")],
        "only after today": [(-3, "meeting")],
        "one-way lately": [(12, "email"), (250, "call")],
        "one-way long ago, talk lately": [(160, "email"), (20, "call")],
        "attempts only": [(5, "voicemail"), (60, "voicemail")],
        "beyond the longest cadence": [(1500, "call")],
        "nothing": [],
    }
    people = []
    for number, (name, contacts) in enumerate(histories.items()):
        person = make_person(name, cadence=(30, 90, 365)[number % 3], since=since)
        people.append(person)
        for days, kind in contacts:
            outcome = Outcome.ONE_WAY if kind == "email" else None
            moment = NOW - dt.timedelta(days=days, hours=number)
            log_interaction(vault, [person], kind, outcome=outcome, occurred_at=moment)
    longest = 365  # the longest of the cadences above
    earliest, ends = history_bounds(zone, buckets, longest)
    lower = max(earliest, ends[0] - report.LOOKBACK)
    second = dt.timedelta(seconds=1)
    boundaries = {
        "at the lookback's start": lower,
        "a second before the lookback": lower - second,
        "at the first week's end": ends[0],
        "a second before the first week's end": ends[0] - second,
        "a longest cadence before": earliest,
        "a second before a longest cadence before": earliest - second,
        "at a later week's end": ends[5],
        "only a longest cadence before": earliest,
        "only a second before a longest cadence before": earliest - second,
    }
    for name, moment in boundaries.items():
        person = make_person(name, cadence=longest, since=since)
        people.append(person)
        log_interaction(vault, [person], "call", occurred_at=moment)
        if not name.startswith("only"):  # then lately too: the older history is read
            log_interaction(vault, [person], "call", occurred_at=NOW - dt.timedelta(days=9))
    stale = make_person("Stored contact stale", cadence=30, since=since)
    people.append(stale)
    log_interaction(vault, [stale], "call", occurred_at=NOW - dt.timedelta(days=200))
    log_interaction(vault, [stale], "call", occurred_at=NOW - dt.timedelta(days=6))
    Rhythm.objects.filter(person=stale).update(last_conversation_at=NOW - dt.timedelta(days=300))
    Rhythm.objects.filter(person=people[len(histories) - 1]).update(cadence_days=None)  # tag
    tagged = make_person("Tagged, no rhythm", tags=("family",))
    Circle.objects.create(vault=vault, name="Family", cadence_days=14, tag=tagged.tags.get())
    for days in (150, 40):  # before the lookback, and in a later week
        log_interaction(vault, [tagged], "call", occurred_at=NOW - dt.timedelta(days=days))
    Rhythm.objects.filter(person=tagged).delete()
    found: dict[int, tuple[dt.date, ...]] = {}
    read = report._last_contacts

    def keep(*args: Any) -> dict[int, tuple[dt.date, ...]]:
        found.update(read(*args))
        return found

    monkeypatch.setattr(report, "_last_contacts", keep)
    report.build(alice, vault)
    on_a_rhythm = [p for p in people if Rhythm.objects.filter(person=p).exclude(cadence_days=None)]
    expected = reference_history([*on_a_rhythm, tagged], zone, buckets, one_way_resets, longest)
    assert found == expected
    assert tagged.pk in found and stale.pk in found
    assert len(expected) >= 15  # most of the shortcuts are taken
