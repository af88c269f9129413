"""Template tags of the keep-in-touch pages; ``{% rhythm_panel person %}`` on the person page."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import template
from django.urls import get_script_prefix
from django.utils.dateformat import format as date_format
from django.utils.html import conditional_escape as escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext

from aandacht.people.models import Person

if TYPE_CHECKING:
    from aandacht.attention.services import AgendaItem

register = template.Library()


@register.inclusion_tag("attention/rhythm_panel.html", takes_context=True)
def rhythm_panel(context: template.Context, person: Person) -> dict[str, Any]:
    """The "Keep in touch" section: cadence and where it comes from, last conversation, when
    they come up next, muted or paused; writers change it in place.

    Three queries (see ``circles.rhythm_view``).
    """
    from aandacht.attention.views.circles import rhythm_context

    request = context["request"]
    return rhythm_context(request, person, writer=bool(context.get("can_write", False)))


@register.filter
def every_days(days: int | None) -> str:
    """ "every 14 days", "every day"."""
    if not days:
        return ""
    return ngettext("every %(days)d day", "every %(days)d days", days) % {"days": days}


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    """``mapping|get_item:key``: a value looked up by a variable key (photo URLs by person)."""
    return mapping.get(key, "") if isinstance(mapping, dict) else ""


# ---------------------------------------------------------------------------------------------
# Today's list: each shape of item rendered once, the rest filled in


_PERSON_PK = 987654321987  # stands in for a person's id while a shape is rendered
_FOLLOW_UP_PK = 987654321989
_STAMP = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)  # a photo's ?v= (4102444800)
_STAMP_TEXT = str(int(_STAMP.timestamp()))
_MARK = "\ue000"  # a private-use character: escaping leaves it alone, no text holds it


def _mark(name: str) -> str:
    return f"{_MARK}{name}{_MARK}"


# One group around every stand-in: splitting a shape by it gives its text and stand-ins in
# turn (text at the even places, stand-ins at the odd ones).
_STAND_INS = re.compile(
    "("
    + "|".join(
        re.escape(stand_in)
        for stand_in in (
            str(_PERSON_PK),
            str(_FOLLOW_UP_PK),
            _STAMP_TEXT,
            *(_mark(name) for name in ("name", "initials", "key", "reason", "text", "csrf")),
        )
    )
    + ")"
)


@dataclass
class _StandInPerson:
    pk: int
    name: str
    initials: str
    photo: bool
    updated_at: dt.datetime


@dataclass
class _StandInFollowUp:
    pk: int
    text: str
    direction: str


@dataclass
class _StandInDate:
    label: str

    def get_kind_display(self) -> str:
        return self.label


@dataclass
class _StandInItem:
    person: _StandInPerson
    kind: str
    key: str
    reason: str
    follow_up: _StandInFollowUp | None
    important_date: _StandInDate | None


def _shape(item: AgendaItem, focused: bool) -> tuple[object, ...]:
    follow_up = item.follow_up
    date = item.important_date
    return (
        item.kind,
        follow_up.direction if follow_up is not None else None,
        str(date.get_kind_display()) if date is not None else None,
        bool(item.person.photo),
        focused,
    )


def _stand_in(item: AgendaItem) -> _StandInItem:
    follow_up = item.follow_up
    date = item.important_date
    return _StandInItem(
        person=_StandInPerson(
            _PERSON_PK, _mark("name"), _mark("initials"), bool(item.person.photo), _STAMP
        ),
        kind=item.kind,
        key=_mark("key"),
        reason=_mark("reason"),
        follow_up=_StandInFollowUp(_FOLLOW_UP_PK, _mark("text"), follow_up.direction)
        if follow_up is not None
        else None,
        important_date=_StandInDate(str(date.get_kind_display())) if date is not None else None,
    )


# What the item's templates read from the page around them, besides the item and the focus
# (stand-ins), the CSRF token (a stand-in too), ``page.is_today``, ``agenda.day`` and the kinds
# offered: a shape is kept by the process under their values, the language, the script prefix
# and the template. A test reads the templates for any other name.
PAGE_NAMES = (
    "large",
    "can_act",
    "here",
    "next",
    "tomorrow",
    "next_week",
    "latest_snooze",
    "button_class",
    "shortcut",
    "label",
)
_KEPT_SHAPES: dict[tuple[object, ...], list[str]] = {}
_KEPT_SHAPES_MAX = 256


def _page_key(context: template.Context, token: object) -> tuple[object, ...]:
    page = context.get("page")
    agenda = context.get("agenda")
    kinds = context.get("done_kinds") or ()
    return (
        get_language(),
        get_script_prefix(),  # every {% url %}
        bool(token),
        bool(getattr(page, "is_today", False)),
        getattr(agenda, "day", None) if agenda else None,
        bool(agenda),
        tuple((str(value), str(name)) for value, name in kinds),
        *(str(context.get(name, "")) for name in PAGE_NAMES),
    )


@register.simple_tag(takes_context=True)
def agenda_items(context: template.Context, items: list[AgendaItem]) -> str:
    """``{% agenda_items items %}``: ``attention/includes/agenda_item.html`` for each item, the
    same markup as including it per item, in a fraction of the time (Today at 50,000 people
    lists ~150 birthdays and promises, each with four or five forms: rendered one by one that
    was most of the page). Each shape of item (kind, badge, photo or initials, focused) is
    rendered with stand-in values and split at them, once per process for the same page
    values (``PAGE_NAMES``, the language); every item then gets its own values put in,
    escaped as the template escapes them. The forms share one CSRF token (any masked token
    is valid)."""
    if not items:
        return ""
    assert context.template is not None
    item_template = context.template.engine.get_template("attention/includes/agenda_item.html")
    raw_token = context.get("csrf_token")
    token = str(raw_token) if raw_token and str(raw_token) != "NOTPROVIDED" else ""
    page_key = (item_template, *_page_key(context, token))
    focus = str(context.get("focus", "") or "")
    parts: list[str] = []
    for item in items:
        focused = bool(focus) and focus == item.key
        shape = (*page_key, *_shape(item, focused))
        pieces = _KEPT_SHAPES.get(shape)
        if pieces is None:
            stand_in = _stand_in(item)
            with context.push(
                item=stand_in,
                focus=stand_in.key if focused else "",
                csrf_token=_mark("csrf") if token else raw_token,
            ):
                skeleton = item_template.render(context)
            pieces = _STAND_INS.split(skeleton)
            if len(_KEPT_SHAPES) >= _KEPT_SHAPES_MAX:
                _KEPT_SHAPES.clear()
            _KEPT_SHAPES[shape] = pieces
        person = item.person
        values = {
            str(_PERSON_PK): str(person.pk),
            str(_FOLLOW_UP_PK): str(item.follow_up.pk) if item.follow_up is not None else "",
            _STAMP_TEXT: date_format(person.updated_at, "U") if person.photo else "",
            _mark("name"): escape(person.name),
            _mark("initials"): escape(person.initials),
            _mark("key"): escape(item.key),
            _mark("reason"): escape(item.reason),
            _mark("text"): escape(item.follow_up.text) if item.follow_up is not None else "",
            _mark("csrf"): escape(token),
        }
        # Values go in at the shape's stand-ins only: a value is never searched again, so a
        # name or text that happens to hold a stand-in cannot pull another value into it.
        filled = pieces.copy()
        filled[1::2] = [values[stand_in] for stand_in in pieces[1::2]]
        parts.append("".join(filled))
    return mark_safe("".join(parts))  # noqa: S308 - rendered by the template, values escaped
