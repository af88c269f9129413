"""Template tags the person page uses to show and capture someone's story."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aandacht.people.models import Person
from aandacht.rounds.models import CheckInStep, StepKind
from aandacht.timeline.forms import MOMENT_HINTS, MOMENT_KINDS
from aandacht.timeline.models import (
    DEFAULT_OUTCOME,
    FollowUp,
    FollowUpDirection,
    Initiator,
    Interaction,
    InteractionKind,
    Moment,
    Outcome,
)
from aandacht.timeline.panel import PAGE_SIZE, panel_context
from aandacht.timeline.services import TimelineEntry
from aandacht.web import kept_pages

register = template.Library()

TIMELINE_PAGE = PAGE_SIZE
_MOMENT_LABELS = dict(MOMENT_KINDS)
# The choices' labels by value. ``get_kind_display()`` builds a hashable copy of every choice
# on each call, translating each label to hash it: a millisecond per timeline entry.
_KIND_LABELS: dict[str, Any] = dict(InteractionKind.choices)
_OUTCOME_LABELS: dict[str, Any] = dict(Outcome.choices)
_DIRECTION_LABELS: dict[str, Any] = dict(FollowUpDirection.choices)


def _shown(labels: dict[str, Any], value: str) -> str:
    """The label of a stored value, or the value itself (as ``get_FOO_display`` does)."""
    return str(labels.get(value, value))


_STEP_LABELS: dict[str, Any] = {
    StepKind.EMPATHY: gettext_lazy("empathy"),
    StepKind.TIP: gettext_lazy("a concrete tip"),
    StepKind.ACTION: gettext_lazy("an action"),
}
# What a done tip or action says on the timeline when no note was written (the empathy step
# cannot be done without one).
_STEP_DONE_WITHOUT_NOTE: dict[str, Any] = {
    StepKind.EMPATHY: gettext_lazy("Asked how they are doing (no note)."),
    StepKind.TIP: gettext_lazy("Tip given (no note)."),
    StepKind.ACTION: gettext_lazy("Action taken (no note)."),
}


@register.inclusion_tag("timeline/panel.html", takes_context=True)
def timeline_panel(context: template.Context, person: Person) -> dict[str, Any]:
    """The person's timeline, newest first, as the signed-in user may see it.

    With ``can_write`` in the page's context it also shows the capture bar: log an
    interaction, add a note, a moment or a follow-up.
    """
    request = context["request"]
    return panel_context(request, person, can_write=bool(context.get("can_write", False)))


@register.filter
def ago(when: dt.datetime | dt.date | None) -> str:
    """ "3 days ago", "in 2 weeks", "just now": one unit, in the current language."""
    if when is None:
        return ""
    now = timezone.now()
    if not isinstance(when, dt.datetime):
        today = timezone.localdate()
        if when == today:
            return _("today")
        now = dt.datetime.combine(today, dt.time(), tzinfo=dt.UTC)
        when = dt.datetime.combine(when, dt.time(), tzinfo=dt.UTC)
    else:  # shown to the minute or hour: a kept page (web/kept_pages) holds until it changes
        kept_pages.fresh_for_unit(when.timestamp(), now.timestamp())
    if abs(now - when) < dt.timedelta(minutes=1):
        return _("just now")
    if when > now:
        return _("in %(time)s") % {"time": timeuntil(when, now, depth=1)}
    return _("%(time)s ago") % {"time": timesince(when, now, depth=1)}


@register.filter
def entry_slug(kind: str) -> str:
    """The entry kind as it appears in URLs (``follow_up`` becomes ``follow-up``)."""
    return kind.replace("_", "-")


@register.filter
def entry_label(entry: TimelineEntry) -> str:
    item = entry.item
    if isinstance(item, Interaction):
        return _shown(_KIND_LABELS, item.kind).capitalize()
    if isinstance(item, Moment):
        return _("Moment · %(kind)s") % {"kind": _MOMENT_LABELS.get(item.kind, item.kind)}
    if isinstance(item, FollowUp):
        return _shown(_DIRECTION_LABELS, item.direction).capitalize()
    if isinstance(item, CheckInStep):
        return _("Check-in round “%(round)s”: %(step)s") % {
            "round": item.check_in.round.name,
            "step": _STEP_LABELS.get(item.kind, item.kind),
        }
    return _("Note")


@register.filter
def entry_icon(entry: TimelineEntry) -> str:
    """The symbol id in ``timeline/icons.svg``."""
    if isinstance(entry.item, Interaction):
        return entry.item.kind
    if isinstance(entry.item, CheckInStep):
        return "check"
    return entry.kind.replace("_", "-")


@register.filter
def entry_text(entry: TimelineEntry) -> str:
    item = entry.item
    if isinstance(item, Interaction):
        return item.summary
    if isinstance(item, FollowUp | Moment):
        return item.text
    if isinstance(item, CheckInStep):
        return item.note or str(_STEP_DONE_WITHOUT_NOTE.get(item.kind, ""))
    return item.body


@register.filter
def entry_details(entry: TimelineEntry, person: Person) -> list[str]:
    """Small facts under an interaction: the others involved, an unusual outcome, who began."""
    item = entry.item
    if not isinstance(item, Interaction):
        return []
    details: list[str] = []
    others = [each.name for each in item.people.all() if each.pk != person.pk]
    if others:
        details.append(_("with %(names)s") % {"names": ", ".join(others)})
    if item.outcome != DEFAULT_OUTCOME.get(item.kind):
        details.append(_shown(_OUTCOME_LABELS, item.outcome))
    if item.initiated_by == Initiator.ME:
        details.append(_("I reached out"))
    elif item.initiated_by == Initiator.THEM:
        details.append(_("they reached out"))
    return details


@register.filter
def author_name(entry: TimelineEntry, user: Any) -> str:
    """Who wrote it, when that is someone other than the reader (teams share a vault)."""
    item = entry.item
    author = item.done_by if isinstance(item, CheckInStep) else item.author
    if author is None or author.pk == getattr(user, "pk", None):
        return ""
    return author.first_name or author.username


@register.filter
def is_overdue(follow_up: Any) -> bool:
    return (
        isinstance(follow_up, FollowUp)
        and follow_up.is_open
        and follow_up.due_on is not None
        and follow_up.due_on < timezone.localdate()
    )


@register.filter
def moment_hint(kind: str) -> str:
    return str(MOMENT_HINTS.get(kind, ""))


@register.filter
def entry_noun(entry: TimelineEntry) -> str:
    """What the entry is, as a noun inside a sentence ("Delete this call?")."""
    item = entry.item
    if isinstance(item, Interaction):
        return _shown(_KIND_LABELS, item.kind)
    return {
        "note": _("note"),
        "moment": _("moment"),
        "follow_up": _("follow-up"),
        "check_in": _("check-in step"),
    }[entry.kind]
