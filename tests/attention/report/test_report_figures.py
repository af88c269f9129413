"""The report's figures against the small vault of conftest.py, worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from attention_helpers import MakePerson, Talk
from django.contrib.auth.models import User
from report_helpers import Small

from aandacht.attention import report, services
from aandacht.attention.report import CircleFigures, Report


def circle(found: Report, name: str) -> CircleFigures:
    return next(c for c in found.circles if c.name == name)


def test_circles_within_cadence_and_overdue(small: Small, alice: User) -> None:
    found = report.build(alice, small.vault)
    # The circles in their order (shortest cadence first); Zeno has no circle and no cadence,
    # so there is no "personal cadence only" group.
    assert [c.name for c in found.circles] == ["Inner circle", "Monthly", "Quarterly", "Yearly"]

    monthly = circle(found, "Monthly")
    # Ria, Sem, Tom, Uma, Vera (Yara is muted: left out); Vera is paused, so 4 are counted.
    assert (monthly.people, monthly.paused, monthly.counted) == (5, 1, 4)
    # Within: Ria (call 10 days ago). Not yet due: Uma (on it 5 days, never talked).
    # Overdue: Tom (never talked, on it 400 days: due at day 30, so 370 days late) and Sem
    # (meeting 45 days ago: 15 days late). The email of 20 days ago is one-way: no contact.
    assert (monthly.within, monthly.new) == (1, 1)
    assert [(o.name, o.days_overdue) for o in monthly.overdue] == [
        ("Tom Jansen", 370),
        ("Sem de Vries", 15),
    ]
    assert monthly.overdue[0].last_contact is None
    assert monthly.overdue[1].last_contact == dt.date(2026, 10, 9)
    assert monthly.within_pct == 25  # 1 of 4

    inner = circle(found, "Inner circle")
    # Wim (message 3 days ago) is within 14 days; Xena's personal 7 days ran out 2 days ago.
    assert (inner.people, inner.personal, inner.within, inner.within_pct) == (2, 1, 1, 50)
    assert [(o.name, o.days_overdue) for o in inner.overdue] == [("Xena Bos", 2)]

    quarterly = circle(found, "Quarterly")
    assert (quarterly.people, quarterly.within_pct, quarterly.overdue) == (0, None, [])


def test_a_card_counts_as_contact_when_the_settings_say_so(small: Small, alice: User) -> None:
    prefs = services.settings_for(alice)
    prefs.one_way_resets = True
    prefs.save()
    monthly = circle(report.build(alice, small.vault), "Monthly")
    # Sem's email of 20 days ago now counts: Ria and Sem within, only Tom overdue.
    assert (monthly.within, monthly.within_pct) == (2, 50)
    assert [o.name for o in monthly.overdue] == ["Tom Jansen"]
    # ...and in the trend too: a week ago (email 13 days before) Sem was within as well.
    assert (monthly.trend[-2].within, monthly.trend[-2].counted) == (2, 4)


def test_twelve_weeks_of_contact(small: Small, alice: User) -> None:
    found = report.build(alice, small.vault)
    assert (found.period.start, found.period.end) == (dt.date(2026, 9, 1), dt.date(2026, 11, 23))
    # In 84 days: calls of Ria (−10), Xena (−9), Zeno (−4), Yara (−1) and Sem's meeting (−45)
    # are deep: 5. Wim's message and the email to Ria and Sem (once) are light: 2. Wim's card:
    # 1. Tom's voicemail is an attempt. (Vera's call −100 and Ria's video −200 are older.)
    assert found.depth == {"deep": 5, "light": 2, "cards_and_gifts": 1}
    # Conversations: the 5 deep ones and Wim's message; one-way: the email and the card.
    assert found.outcomes == {"conversations": 6, "attempts": 1, "one_way": 2}
    # Started by alice: Ria's call; by them: Sem's meeting, Wim's message; the other three
    # calls (Xena, Zeno, Yara) have no initiator.
    assert found.initiated == {"me": 1, "them": 2, "unknown": 3}
    assert found.cards == 1
    # Alice's public moment (−5) and her own private one (−6); bob's private one is not hers,
    # the one of 100 days ago is too old.
    assert found.moments == {"total": 2, "shared": 1, "grateful": 0, "strength": 1}
    assert found.appreciation == 1  # told 3 days ago (the dismissed one and −200 don't count)
    assert found.check_in_steps == 2  # empathy −4, tip −40 (not the open one, not Mallory's)


def test_four_weeks_and_twelve_months(small: Small, alice: User) -> None:
    four = report.build(alice, small.vault, 4)
    # 28 days: Sem's meeting (−45) and the tip (−40) fall out.
    assert four.depth == {"deep": 4, "light": 2, "cards_and_gifts": 1}
    assert four.initiated == {"me": 1, "them": 1, "unknown": 3}
    assert four.check_in_steps == 1
    year = report.build(alice, small.vault, 52)
    # 364 days: Vera's call (−100) and Ria's video (−200) come in, the old moment and the
    # appreciation of 200 days ago too.
    assert year.depth == {"deep": 7, "light": 2, "cards_and_gifts": 1}
    assert year.outcomes["conversations"] == 8
    assert year.initiated["unknown"] == 5
    assert year.moments["total"] == 3
    assert year.appreciation == 2


def test_private_moments_count_for_their_author_only(small: Small, bob: User, carol: User) -> None:
    # Bob sees alice's public moment and his own private one; carol only the public one.
    assert report.build(bob, small.vault).moments == {
        "total": 2,
        "shared": 1,
        "grateful": 1,
        "strength": 0,
    }
    assert report.build(carol, small.vault).moments["total"] == 1


def test_the_weekly_trend_adds_up_to_the_twelve_weeks(small: Small, alice: User) -> None:
    found = report.build(alice, small.vault)
    assert len(found.trend) == 12
    last, before = found.trend[-1], found.trend[-2]
    assert (last.period.start, last.period.end) == (dt.date(2026, 11, 17), dt.date(2026, 11, 23))
    # This week: Zeno's call (−4) and Yara's (−1); Wim's message; Wim's card; the voicemail.
    assert (last.deep, last.light, last.cards_and_gifts, last.attempts) == (2, 1, 1, 1)
    # The week before (10 to 16 Nov): Ria's call (−10) and Xena's (−9).
    assert (before.deep, before.light) == (2, 0)
    for key in ("deep", "light", "cards_and_gifts"):
        assert sum(getattr(week, key) for week in found.trend) == found.depth[key]
    assert sum(week.attempts for week in found.trend) == found.outcomes["attempts"]


def test_share_within_cadence_at_the_end_of_each_week(small: Small, alice: User) -> None:
    monthly = circle(report.build(alice, small.vault), "Monthly")
    # Today the trend agrees with the figure above: 1 of 4.
    assert (monthly.trend[-1].within, monthly.trend[-1].counted) == (1, 4)
    # Every week counts the same 4 people (Monthly's today, Vera paused left out; Uma too,
    # though she joined only 5 days ago). On 16 Nov: Ria (talked 13 Nov) within; Sem (9 Oct,
    # 38 days), Tom and Uma not.
    assert (monthly.trend[-2].within, monthly.trend[-2].counted) == (1, 4)
    # On 9 Nov Ria's call had not happened; Sem's meeting was 31 days before: nobody within.
    assert (monthly.trend[-3].within, monthly.trend[-3].counted) == (0, 4)
    # On 2 Nov Sem's meeting (9 Oct) was 24 days before: within.
    assert monthly.trend[-4].within == 1


def test_a_vault_without_anyone_reports_zeros(vault: object, alice: User, today: object) -> None:
    found = report.build(alice, vault)  # type: ignore[arg-type]
    assert all(c.people == 0 and c.within_pct is None for c in found.circles)
    assert found.depth == {"deep": 0, "light": 0, "cards_and_gifts": 0}
    assert report.as_json(found)["circles"][0]["within_cadence_pct"] is None


@pytest.mark.parametrize("weeks", [0, 521])
def test_a_bad_number_of_weeks_is_a_value_error(small: Small, alice: User, weeks: int) -> None:
    with pytest.raises(ValueError):
        report.build(alice, small.vault, weeks)


def test_personal_cadence_only_and_tag_circles(
    small: Small, alice: User, make_person: MakePerson, talk: Talk
) -> None:
    from aandacht.attention.services import create_circle

    create_circle(small.vault, "", 21, tag_name="clients")
    lone = make_person("Lone Wolf", cadence=10, since=dt.date(2025, 1, 1))
    talk(lone, kind="call", days_ago=12)
    tagged = make_person("Tess Client", tags=("clients",))
    talk(tagged, kind="meeting", days_ago=5)
    found = report.build(alice, small.vault)
    assert [c.name for c in found.circles][-1] == "Personal cadence only"
    personal = found.circles[-1]
    # Lone's own 10 days ran out 2 days ago.
    assert (personal.cadence_days, personal.people, personal.within) == (None, 1, 0)
    assert [(o.name, o.days_overdue) for o in personal.overdue] == [("Lone Wolf", 2)]
    clients = circle(found, "clients")
    assert (clients.cadence_days, clients.people, clients.within_pct) == (21, 1, 100)
    data = report.as_json(found)["circles"][-1]
    assert (data["id"], data["cadence_days"], data["name"]) == (
        None,
        None,
        "Personal cadence only",
    )


def test_the_last_week_of_every_trend_is_today(small: Small, alice: User) -> None:
    for figures in report.build(alice, small.vault).circles:
        assert (figures.trend[-1].within, figures.trend[-1].counted) == (
            figures.within,
            figures.counted,
        )
