"""What the timeline panel on the person page needs, shared by its template tag and its views."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from aandacht.people.models import Person
from aandacht.timeline.forms import (
    OTHERS_FROM_LATEST,
    FollowUpForm,
    LogForm,
    MomentForm,
    NoteForm,
)
from aandacht.timeline.models import Interaction
from aandacht.timeline.services import Cursor, timeline_page

PAGE_SIZE = 50
# The person page opens with the latest few; "Show more" continues PAGE_SIZE at a time. Every
# entry shown costs its rows and its rendering on each visit of the page (a third of the page's
# time for someone with a long history), while the top of the timeline is what a briefing reads.
FIRST_PAGE_SIZE = 20
CAPTURE_FORMS = ("log", "note", "moment", "follow_up")


def person_url(pk: int) -> str:
    """The person page; it lives in the people app, so fall back to its known address."""
    try:
        return reverse("people:detail", args=[pk])
    except NoReverseMatch:
        return f"/people/{pk}/"


def viewer_of(request: HttpRequest) -> User | None:
    user = getattr(request, "user", None)
    return user if isinstance(user, User) else None


def capture_forms(
    person: Person,
    *,
    others_past_limit: bool | None = None,
    recent: Sequence[Interaction] | None = None,
) -> dict[str, Any]:
    """Fresh capture forms, each with a new one-time token and "now" as its time. What the
    page already knows spares the log form's "with others too" its queries: whether the
    vault is past its limit (``briefing.on_file``) and the person's latest interactions with
    their people (the timeline's)."""
    return {
        "log": LogForm(person=person, others_past_limit=others_past_limit, recent=recent),
        "note": NoteForm(),
        "moment": MomentForm(),
        "follow_up": FollowUpForm(),
    }


def panel_context(
    request: HttpRequest,
    person: Person,
    *,
    can_write: bool,
    bound: tuple[str, Any] | None = None,
    after: Cursor | None = None,
    first_size: int = FIRST_PAGE_SIZE,
    absent: frozenset[str] = frozenset(),
    others_past_limit: bool | None = None,
) -> dict[str, Any]:
    """The entries of the first page (or the one after ``after``) and, for writers, the forms.

    ``bound`` is a submitted form with errors, shown in place of its fresh one and opened.
    ``first_size``: how many entries the first page has; the person page shows
    ``FIRST_PAGE_SIZE``, the panel rendered again after an edit ``PAGE_SIZE``, so an entry
    opened with "Show more" and edited is still there after saving. ``absent`` and
    ``others_past_limit``: what the person page knows already (``briefing.on_file``).
    """
    size = PAGE_SIZE if after is not None else first_size
    page = timeline_page(person, viewer_of(request), after=after, size=size, absent=absent)
    forms = {}
    if can_write:
        # The first page read the latest interactions the log form lists companions from.
        first = after is None and size >= OTHERS_FROM_LATEST
        recent = page.interactions[:OTHERS_FROM_LATEST] if first else None
        forms = capture_forms(person, others_past_limit=others_past_limit, recent=recent)
    if bound is not None:
        forms[bound[0]] = bound[1]
    return {
        "request": request,
        "user": request.user,
        "person": person,
        "person_url": person_url(person.pk),
        "entries": page.entries,
        "next_cursor": page.next_cursor,
        "can_write": can_write,
        "forms": forms,
        "open_form": bound[0] if bound is not None else "",
    }
