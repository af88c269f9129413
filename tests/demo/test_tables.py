"""The hand-written demo tables are complete and consistent in every language (no database)."""

from __future__ import annotations

import string

import pytest

from aandacht.attention.models import MAX_CADENCE_DAYS, PRESET_CADENCE
from aandacht.demo import DEMO_LANGUAGES, demo_locale
from aandacht.demo.builder import GENERATED_CIRCLES, RHYTHMS, SEGMENTS
from aandacht.demo.cast import CAST, RELATIONSHIPS
from aandacht.demo.content import DemoLocale
from aandacht.people.models import INVERSE_KIND, Channel
from aandacht.timeline.models import FollowUpDirection, InteractionKind, MomentKind

PLACEHOLDERS = {"first", "topic", "place", "other", "channel"}


def fields_of(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


@pytest.fixture(params=DEMO_LANGUAGES)
def locale(request: pytest.FixtureRequest) -> DemoLocale:
    return demo_locale(request.param)[1]


@pytest.mark.parametrize(
    ("given", "expected"), [("en", "en"), ("NL", "nl"), ("nl-NL", "nl"), ("en_GB", "en")]
)
def test_language_codes_are_normalised(given: str, expected: str) -> None:
    assert demo_locale(given)[0] == expected


def test_the_cast_shape_is_consistent() -> None:
    keys = [shape.key for shape in CAST]
    assert len(keys) == len(set(keys))
    position = {key: index for index, key in enumerate(keys)}
    for shape in CAST:
        assert shape.segment in SEGMENTS
        assert shape.rhythm in RHYTHMS
        assert shape.channel == "" or shape.channel in Channel.values
        if shape.met_via:
            assert position[shape.met_via] < position[shape.key], "introducer comes first"
        for joined, chance in shape.joins:
            assert joined in position and 0 < chance <= 1
    for from_key, kind, to_key in RELATIONSHIPS:
        assert {from_key, to_key} <= set(keys)
        assert kind in INVERSE_KIND


def test_every_language_tells_the_whole_story(locale: DemoLocale) -> None:
    assert set(locale.cast) == {shape.key for shape in CAST}
    assert set(locale.segments) == set(SEGMENTS)
    for sphere in ("work", "personal"):
        assert set(locale.summaries[sphere]) == set(InteractionKind.values)
        assert set(locale.moments[sphere]) == set(MomentKind.values)
    assert set(locale.birthday) <= set(InteractionKind.values)
    assert locale.freelance in {org for org, _ in locale.segments["colleague"].workplaces}


def test_templates_use_known_placeholders_only(locale: DemoLocale) -> None:
    templates: list[str] = [*locale.season_card, *locale.first_meeting]
    for by_kind in (*locale.summaries.values(), *locale.moments.values(), locale.birthday):
        for group in by_kind.values():
            templates.extend(group)
    for segment in locale.segments.values():
        templates.extend(
            (*segment.stories, *segment.notes, *segment.private_notes, *segment.promises)
        )
        templates.extend(segment.requests)
        assert segment.topics or segment.tags == ()
    for template in templates:
        assert fields_of(template) <= PLACEHOLDERS, template
        assert template.strip() == template and template.lstrip("<>~"), template


def test_hand_written_history_is_valid(locale: DemoLocale) -> None:
    for key, text in locale.cast.items():
        for moment in text.moments:
            assert moment.kind in MomentKind.values and 1 <= moment.days_ago <= 360, key
        for note in text.notes:
            assert 1 <= note.days_ago <= 360, key
        for follow_up in text.follow_ups:
            assert follow_up.direction in FollowUpDirection.values, key
            assert 1 <= follow_up.days_ago <= 360, key
            assert not (follow_up.done and follow_up.due_in_days), key
        for event in text.events:
            assert event.kind in InteractionKind.values and 1 <= event.days_ago <= 360, key
            assert set(event.with_keys) <= set(locale.cast), key


def test_search_cast_names_are_identical_in_both_languages() -> None:
    english, dutch = demo_locale("en")[1].cast, demo_locale("nl")[1].cast
    for key in ("jeroen", "jose", "denise", "ana", "bas", "soren"):
        assert english[key].name == dutch[key].name
        assert english[key].nickname == dutch[key].nickname
    assert english["bas"].nickname == "Bas"
    assert english["jeroen"].nickname == ""


def test_the_keep_in_touch_story_is_consistent() -> None:
    for shape in CAST:
        assert shape.circle == "" or shape.circle in PRESET_CADENCE, shape.key
        assert shape.cadence_days is None or 1 <= shape.cadence_days <= MAX_CADENCE_DAYS
        assert shape.paused_days is None or shape.paused_days > 0
        assert shape.quiet_days >= 0
        assert not (shape.archived or shape.deceased_days_ago) or not shape.circle, shape.key
    for segment, circles in GENERATED_CIRCLES.items():
        assert segment in SEGMENTS
        assert set(circles) <= RHYTHMS and set(circles.values()) <= set(PRESET_CADENCE)
        assert "lapsed" not in circles and "once" not in circles  # lost touch: no rhythm
    assert sum(shape.circle == "inner" for shape in CAST) == 4
    assert sum(shape.muted for shape in CAST) >= 1
    assert sum(shape.paused_days is not None for shape in CAST) == 1


def test_a_voicemail_before_the_demo_day_brings_a_retry(locale: DemoLocale) -> None:
    """The quiet weeks of a cast member end in a hand-written voicemail, in each language."""
    for shape in CAST:
        if not shape.quiet_days:
            continue
        events = locale.cast[shape.key].events
        attempts = [e.days_ago for e in events if e.kind == "voicemail"]
        talks = [e.days_ago for e in events if e.kind in {"call", "meeting", "video"}]
        assert attempts and min(attempts) == 3, shape.key  # the default retry wait
        assert talks and min(talks) >= shape.quiet_days > min(attempts)
