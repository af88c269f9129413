"""``{% agenda_items %}`` renders each shape of agenda item once and fills in the rest: its
markup must be exactly what including ``attention/includes/agenda_item.html`` per item gives,
for every kind and badge, a photo or initials, the focused item, a reader without write
access and another day's agenda, with names and texts that need escaping."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.template import engines
from django.utils import translation

from aandacht.accounts.models import Vault
from aandacht.attention.services import AgendaItem
from aandacht.attention.templatetags import attention_tags
from aandacht.people.models import DateKind, ImportantDate
from aandacht.people.services import create_person
from aandacht.timeline.models import FollowUp

INCLUDED = '{% for item in items %}{% include "attention/includes/agenda_item.html" %}{% endfor %}'
TAGGED = "{% load attention_tags %}{% agenda_items items %}"


@pytest.fixture(autouse=True)
def _no_kept_shapes() -> Iterator[None]:
    """Shapes are kept by the process: each test starts without any."""
    attention_tags._KEPT_SHAPES.clear()
    yield
    attention_tags._KEPT_SHAPES.clear()


def _render(source: str, context: dict[str, Any]) -> str:
    html = engines["django"].from_string(source).render(context)
    # Each {% csrf_token %} masks the token anew; the tag's forms share one.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'value="X"', html)


def _items(vault: Vault) -> list[AgendaItem]:
    anna = create_person(vault, "Anna <b>\"&' de Vries")
    bram = create_person(vault, "Bram Bakker")
    cor = create_person(vault, "Cor <script>")
    cor.photo.name = "photos/2026/cor.jpg"
    ask = FollowUp(pk=41, person=anna, text="send the <i>book</i> & more", direction="request")
    promise = FollowUp(pk=42, person=bram, text="call back", direction="promise")
    birthday = ImportantDate(pk=7, person=cor, kind=DateKind.BIRTHDAY, month=1, day=2)
    other = ImportantDate(pk=8, person=anna, kind=DateKind.ANNIVERSARY, month=1, day=2)
    return [
        AgendaItem(person=anna, kind="due", reason="last talked 47 days ago, <monthly>"),
        AgendaItem(person=bram, kind="retry", reason="tried 3 days ago & again"),
        AgendaItem(person=cor, kind="due", reason="photo & due"),
        AgendaItem(person=anna, kind="follow_up", reason="x < y", follow_up=ask),
        AgendaItem(person=bram, kind="follow_up", reason="promise", follow_up=promise),
        AgendaItem(person=cor, kind="date", reason="turns 40", important_date=birthday),
        AgendaItem(person=anna, kind="date", reason="wedding: 5 years", important_date=other),
        AgendaItem(person=bram, kind="due", reason="second of a shape"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("can_act", [True, False])
@pytest.mark.parametrize("focus", ["", "person-{bram}", "follow-up-41", "date-7", "gone"])
@pytest.mark.parametrize("is_today", [True, False])
def test_the_same_markup_as_including_each_item(
    vault: Vault, can_act: bool, focus: str, is_today: bool
) -> None:
    items = _items(vault)
    day = dt.date(2026, 11, 23)
    context = {
        "items": items,
        "can_act": can_act,
        "focus": focus.format(bram=items[1].person.pk),
        "page": SimpleNamespace(is_today=is_today),
        "agenda": SimpleNamespace(day=day),
        "here": "/today/?date=2026-11-23",
        "tomorrow": day + dt.timedelta(days=1),
        "next_week": day + dt.timedelta(days=7),
        "latest_snooze": day + dt.timedelta(days=366),
        "done_kinds": [("call", "Call"), ("message", "Message <b>")],
        "csrf_token": "a" * 64,
    }
    included = _render(INCLUDED, context)
    tagged = _render(TAGGED, context)
    assert tagged == included
    assert "&lt;script&gt;" in tagged and "<script>" not in tagged
    assert tagged.count('class="agenda-item ') == len(items)
    if focus and focus != "gone":
        # Bram is on the list twice (a retry and a due item): both carry his key.
        assert tagged.count("is-focused") == (2 if focus.startswith("person") else 1)


@pytest.mark.django_db
def test_no_items_no_markup(vault: Vault) -> None:
    assert _render(TAGGED, {"items": [], "can_act": True}) == ""


def _context(items: list[AgendaItem], day: dt.date, **changed: Any) -> dict[str, Any]:
    context = {
        "items": items,
        "can_act": True,
        "focus": "",
        "page": SimpleNamespace(is_today=True),
        "agenda": SimpleNamespace(day=day),
        "here": "/today/",
        "tomorrow": day + dt.timedelta(days=1),
        "next_week": day + dt.timedelta(days=7),
        "latest_snooze": day + dt.timedelta(days=366),
        "done_kinds": [("call", "Call")],
        "csrf_token": "a" * 64,
    }
    return {**context, **changed}


@pytest.mark.django_db
def test_a_value_that_holds_a_stand_in_is_left_as_it_is(vault: Vault) -> None:
    """Values are put in in one pass: a name or text that happens to hold another value's
    stand-in (a private-use mark, the stand-in ids) keeps it instead of pulling that value in."""
    odd = create_person(vault, "Odd \ue000reason\ue000 987654321989")
    promise = FollowUp(pk=43, person=odd, text="\ue000name\ue000 4102444800", direction="promise")
    items = [AgendaItem(person=odd, kind="follow_up", reason="the reason", follow_up=promise)]
    context = _context(items, dt.date(2026, 11, 23))
    tagged = _render(TAGGED, context)
    assert tagged == _render(INCLUDED, context)
    assert "987654321989" in tagged and "4102444800" in tagged


@pytest.mark.django_db
def test_kept_shapes_follow_the_page_around_them(
    vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Shapes are kept by the process: a page with other values (language, day, links,
    token, the kinds offered, no token at all) gets its own, never another page's."""
    items = _items(vault)
    day = dt.date(2026, 11, 23)
    later = day + dt.timedelta(days=3)
    variants: list[dict[str, Any]] = [
        _context(items, day),
        _context(items, day, here="/today/?date=2026-11-26"),
        _context(items, day, next="/people/1/"),
        _context(items, later, tomorrow=later, next_week=later, latest_snooze=later),
        _context(items, day, page=SimpleNamespace(is_today=False)),
        _context(items, day, done_kinds=[("video", "Video call")]),
        _context(items, day, csrf_token="b" * 64),
        _context(items, day, csrf_token=None),
        _context(items, day, button_class="button--wide", shortcut="t", label="Called"),
        _context(items, day, large=True),
    ]
    made: list[object] = []
    stand_in = attention_tags._stand_in
    monkeypatch.setattr(
        attention_tags, "_stand_in", lambda item: made.append(item) or stand_in(item)
    )
    for round_number, context in enumerate([*variants, *variants]):
        if round_number == len(variants):
            first_round = len(made)
            assert first_round >= len(variants)  # every variant made shapes of its own
        tagged = engines["django"].from_string(TAGGED).render(context)
        assert tagged == engines["django"].from_string(INCLUDED).render(context)
        if context["csrf_token"]:
            assert f'value="{context["csrf_token"]}"' in tagged
        else:
            assert "csrfmiddlewaretoken" not in tagged
    assert len(made) == first_round  # the second time round, every shape was kept
    with translation.override("nl"):
        dutch = _context(items, day)
        assert _render(TAGGED, dutch) == _render(INCLUDED, dutch)
        assert "Gesproken" in _render(TAGGED, dutch)


ITEM_TEMPLATES = ("agenda_item", "agenda_avatar", "agenda_hidden", "agenda_done_form")
# Names the item's templates set or get from the tag: the item (and the person of its
# avatar), the focus, the loop's, the page and agenda (their day and is_today are in the key)
# and the kinds offered (in the key, by value).
TAG_NAMES = {"item", "focus", "person", "value", "name", "called", "page", "agenda"}
# Of the page and the agenda only these are read (they are in the key).
PAGE_READS = {"page.is_today", "agenda.day"}
TEMPLATE_WORDS = {
    "if", "elif", "else", "endif", "for", "in", "endfor", "with", "include", "url", "translate",
    "as", "load", "i18n", "csrf_token", "not", "and", "or", "only", "_", "done_kinds",
}  # fmt: skip


def test_the_kept_shapes_key_holds_every_name_the_templates_read() -> None:
    """A name read from the page around the items that the kept shapes' key does not hold
    would show one page's value on another: a new one must join ``PAGE_NAMES``."""
    folder = Path(attention_tags.__file__).parent.parent / "templates/attention/includes"
    read: set[str] = set()
    dotted: set[str] = set()
    for name in ITEM_TEMPLATES:
        source = (folder / f"{name}.html").read_text()
        for tag in re.findall(r"\{[{%](.*?)[}%]\}", source, flags=re.S):
            bare = re.sub(r"'[^']*'|\"[^\"]*\"", "", tag)
            read |= set(re.findall(r"(?<![.|\w])([A-Za-z_]\w*)", bare))
            dotted |= set(re.findall(r"(?<![.|\w])((?:page|agenda)(?:\.\w+)*)", bare))
    unknown = read - TEMPLATE_WORDS - TAG_NAMES - set(attention_tags.PAGE_NAMES)
    assert not unknown, f"add to PAGE_NAMES (attention_tags.py): {sorted(unknown)}"
    # "agenda" alone: whether there is one (in the key too).
    beyond = dotted - PAGE_READS - {"agenda"}
    assert not beyond, f"add to _page_key (attention_tags.py): {sorted(beyond)}"
