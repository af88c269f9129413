"""The report's arithmetic and its SVG charts, without Django or a database."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aandacht.attention import report_core as core
from aandacht.attention import svg

D = dt.date(2026, 11, 23)
NS = {"svg": svg.SVG_NS}


def test_a_period_of_weeks_ends_today_and_includes_it() -> None:
    period = core.period_ending(D, 12)
    assert period.end == D
    assert period.start == dt.date(2026, 9, 1)  # 84 days: 23 Nov back to 1 Sep inclusive
    assert period.days == 84 and period.weeks == 12
    assert D in period and period.start in period
    assert period.start - dt.timedelta(days=1) not in period


@pytest.mark.parametrize("weeks", [0, -1, core.MAX_WEEKS + 1])
def test_a_period_out_of_range_is_refused(weeks: int) -> None:
    with pytest.raises(ValueError, match="1 to 520 weeks"):
        core.period_ending(D, weeks)


def test_week_buckets_cover_the_period_exactly() -> None:
    buckets = core.week_buckets(D, 12)
    assert len(buckets) == 12
    assert buckets[0].start == core.period_ending(D, 12).start
    assert buckets[-1] == core.Period(D - dt.timedelta(days=6), D)
    for earlier, later in zip(buckets, buckets[1:], strict=False):
        assert later.start == earlier.end + dt.timedelta(days=1)
    assert core.bucket_of(D, buckets) == 11
    assert core.bucket_of(D - dt.timedelta(days=7), buckets) == 10
    assert core.bucket_of(buckets[0].start, buckets) == 0
    assert core.bucket_of(buckets[0].start - dt.timedelta(days=1), buckets) is None
    assert core.bucket_of(D + dt.timedelta(days=1), buckets) is None
    assert core.bucket_of(D, []) is None


@pytest.mark.parametrize(
    ("weeks", "step", "points"),
    [(1, 1, 1), (4, 1, 4), (12, 1, 12), (13, 1, 13), (14, 2, 7), (26, 2, 13), (52, 4, 13)],
)
def test_the_trend_follows_the_period_with_at_most_13_points(
    weeks: int, step: int, points: int
) -> None:
    buckets = core.trend_buckets(D, weeks)
    assert core.trend_step(weeks) == step
    assert len(buckets) == points
    # The whole period, in spans of ``step`` weeks, the last one ending today.
    assert buckets[0].start == core.period_ending(D, weeks).start
    assert buckets[-1] == core.Period(D - dt.timedelta(days=7 * step - 1), D)
    assert {bucket.days for bucket in buckets} == {7 * step}
    for earlier, later in zip(buckets, buckets[1:], strict=False):
        assert later.start == earlier.end + dt.timedelta(days=1)
    assert core.bucket_of(D, buckets) == points - 1
    assert core.bucket_of(buckets[0].end, buckets) == 0


def test_a_period_that_does_not_split_evenly_keeps_its_last_whole_spans() -> None:
    buckets = core.trend_buckets(D, 27)  # spans of 3 weeks: 9 of them, 27 weeks exactly
    assert (len(buckets), buckets[0].days) == (9, 21)
    buckets = core.trend_buckets(D, 53)  # spans of 5 weeks: the last 50 weeks
    assert (len(buckets), buckets[0].days, buckets[-1].end) == (10, 35, D)
    assert buckets[0].start == core.period_ending(D, 50).start
    assert len(core.trend_buckets(D, core.MAX_WEEKS)) == 13
    with pytest.raises(ValueError, match="do not split"):
        core.week_buckets(D, 10, 3)


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [(1, 4, 25), (1, 3, 33), (2, 3, 67), (1, 8, 13), (1, 200, 1), (0, 5, 0), (5, 5, 100)],
)
def test_percentages_round_half_up(part: int, whole: int, expected: int) -> None:
    assert core.percentage(part, whole) == expected


def test_no_percentage_of_nobody() -> None:
    assert core.percentage(0, 0) is None


@given(st.integers(0, 500), st.integers(1, 500))
def test_percentages_stay_between_0_and_100(part: int, whole: int) -> None:
    part = min(part, whole)
    value = core.percentage(part, whole)
    assert value is not None and 0 <= value <= 100
    assert abs(value - 100 * part / whole) <= 0.5


def test_status_within_on_the_last_day_of_the_cadence() -> None:
    since = D - dt.timedelta(days=400)
    assert core.status_on(D, D - dt.timedelta(days=30), since, 30) == ("within", 0)
    assert core.status_on(D, D - dt.timedelta(days=31), since, 30) == ("overdue", 1)
    assert core.status_on(D, D - dt.timedelta(days=45), since, 30) == ("overdue", 15)


def test_never_contacted_is_new_until_a_cadence_after_since_then_overdue() -> None:
    assert core.status_on(D, None, D - dt.timedelta(days=5), 30) == ("new", 0)
    assert core.status_on(D, None, D - dt.timedelta(days=30), 30) == ("overdue", 0)
    assert core.status_on(D, None, D - dt.timedelta(days=400), 30) == ("overdue", 370)


def test_the_last_contact_before_a_day() -> None:
    days = (dt.date(2026, 1, 1), dt.date(2026, 3, 1), dt.date(2026, 6, 1))
    assert core.last_before(days, dt.date(2025, 12, 31)) is None
    assert core.last_before(days, dt.date(2026, 3, 1)) == dt.date(2026, 3, 1)
    assert core.last_before(days, dt.date(2026, 5, 31)) == dt.date(2026, 3, 1)


def test_share_on_a_past_day_counts_todays_people_on_every_day() -> None:
    old = D - dt.timedelta(days=400)
    members = [
        # talked 10 days ago: within today and a week ago (3 days then)
        core.Member(1, 30, old, (D - dt.timedelta(days=10),)),
        # talked 45 days ago: 38 days a week ago, so out both times
        core.Member(2, 30, old, (D - dt.timedelta(days=45),)),
        # joined 5 days ago and never talked to: not within, but not due yet every week
        core.Member(3, 30, D - dt.timedelta(days=5)),
    ]
    assert core.share_on(members, D) == core.Share(1, 3, new=1)
    assert core.share_on(members, D - dt.timedelta(days=7)) == core.Share(1, 3, new=1)
    # 17 days ago the first was not yet talked to (10 days ago); the second was, 28 days before
    assert core.share_on(members, D - dt.timedelta(days=17)) == core.Share(1, 3, new=1)
    assert core.share_on(members, D - dt.timedelta(days=60)) == core.Share(0, 3, new=1)
    assert core.share_on([], D) == core.Share(0, 0)
    # The share is who is not overdue: within, or not due yet.
    assert core.Share(1, 3).pct == 33
    assert core.Share(1, 3, new=1).pct == 67
    assert (core.Share(1, 3, new=1).not_overdue, core.Share(1, 3, new=1).overdue) == (2, 1)
    assert core.Share(0, 0).pct is None


@pytest.mark.parametrize(
    ("value", "expected"), [(0, 1), (1, 1), (1.5, 2), (3, 5), (7, 10), (11, 20), (51, 100)]
)
def test_nice_ceiling(value: float, expected: int) -> None:
    assert core.nice_ceiling(value) == expected


def test_ticks_are_whole_and_even() -> None:
    assert core.tick_values(20) == [0, 5, 10, 15, 20]
    assert core.tick_values(5) == [0, 5]
    assert core.tick_values(2) == [0, 1, 2]
    assert core.tick_values(1) == [0, 1]


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # noqa: S314 (our own markup)


def test_stacked_bars_are_well_formed_with_a_title_and_a_description() -> None:
    markup = svg.stacked_bars(
        "chart-x",
        "Contacts <per> week",
        "Bars & more",
        ["1 Sep", "8 Sep", "15 Sep"],
        [
            svg.Series("calls", "--chart-deep", [1, 0, 3]),
            svg.Series("messages", "--chart-light", [2, 0, 1]),
        ],
    )
    root = parse(markup)
    assert root.tag == f"{{{svg.SVG_NS}}}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-x-title chart-x-desc"
    assert root.find("svg:title", NS) is not None
    assert root.find("svg:title", NS).text == "Contacts <per> week"  # type: ignore[union-attr]
    assert root.find("svg:desc", NS).text == "Bars & more"  # type: ignore[union-attr]
    rects = root.findall(".//svg:rect", NS)
    assert len(rects) == 4  # zero values draw nothing
    assert "var(--chart-deep, currentColor)" in markup
    # the tallest stack (3 + 1 = 4, on an axis up to 5) stays inside the frame
    for rect in rects:
        assert float(rect.get("y", "0")) >= 10
        assert float(rect.get("y", "0")) + float(rect.get("height", "0")) <= 200 - 26 + 0.1
    # the stacked layer sits on top of the one below it
    third = [r for r in rects if "15 Sep" in (r.findtext("svg:title", "", NS))]
    calls, messages = third
    assert float(messages.get("y", "0")) + float(messages.get("height", "0")) == pytest.approx(
        float(calls.get("y", "0")), abs=0.11
    )


def test_an_empty_bar_chart_is_still_well_formed() -> None:
    root = parse(svg.stacked_bars("e", "t", "d", ["a", "b"], [svg.Series("x", "--c", [0, 0])]))
    assert root.findall(".//svg:rect", NS) == []


def test_a_percent_line_breaks_where_no_one_was_counted() -> None:
    labels = [f"w{n}" for n in range(6)]
    markup = svg.percent_line(
        "p", "Monthly", "line", labels, svg.Series("Monthly", "--s", [None, 50, 100, None, 0, 25])
    )
    root = parse(markup)
    lines = root.findall(".//svg:polyline", NS)
    assert len(lines) == 2  # 50→100 and 0→25
    assert len(root.findall(".//svg:circle", NS)) == 4
    points = [tuple(map(float, p.split(","))) for p in lines[0].get("points", "").split()]
    assert points[0][1] > points[1][1]  # 100 % is higher up than 50 %
    assert root.findtext("svg:title", "", NS) == "Monthly"
