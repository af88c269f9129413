"""Capture and change someone's story from the person page.

Every view goes through :func:`aandacht.web.access.person_for` (404 outside your vaults, 403
for a viewer's write) and finds entries only on that person's timeline. Without JavaScript a
form posts and redirects to the person page; with htmx the answer is the re-rendered panel
body plus a status line, so the page never reloads. A form with errors comes back with the
errors next to its fields: on its own page without JavaScript, in the panel with htmx.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import transaction
from django.forms import Form
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from aandacht.people.models import Person
from aandacht.timeline.forms import (
    DoneForm,
    EditInteractionForm,
    FollowUpForm,
    LogForm,
    MomentForm,
    NoteForm,
)
from aandacht.timeline.models import FollowUp, Interaction, InteractionKind, Moment, Note
from aandacht.timeline.panel import PAGE_SIZE, panel_context, person_url
from aandacht.timeline.services import (
    Cursor,
    TimelineEntry,
    add_follow_up,
    add_moment,
    add_note,
    delete_entry,
    entry_kind,
    entry_of,
    log_interaction,
    set_follow_up_done,
    update_follow_up,
    update_interaction,
    update_moment,
    update_note,
)
from aandacht.web.access import HtmxHttpRequest, can_write, person_for, signed_in_user

ONCE_SECONDS = 15 * 60  # how long a used form token is remembered
CHANGED_EVENT = "timeline-changed"  # lets other parts of the person page refresh themselves
ENTRY_KINDS = {"interaction", "note", "moment", "follow-up"}

Entry = Interaction | Note | Moment | FollowUp


# --- Shared answers ----------------------------------------------------------------------


def _posted(request: HtmxHttpRequest) -> Any:
    """The submitted data of a POST (even an empty one), None for a GET."""
    return request.POST if request.method == "POST" else None


def _body_target(person: Person) -> str:
    return f"#timeline-body-{person.pk}"


def _panel(
    request: HtmxHttpRequest,
    person: Person,
    *,
    status: str = "",
    bound: tuple[str, Form] | None = None,
) -> HttpResponse:
    """The panel body for htmx, with the status line swapped in out of band."""
    context = panel_context(request, person, can_write=True, bound=bound, first_size=PAGE_SIZE)
    context["status"] = status
    response = render(request, "timeline/panel.html#body_and_status", context)
    if status:
        trigger_client_event(response, CHANGED_EVENT, {"person": person.pk})
    # An inline edit form posts from inside one entry; its answer replaces the whole body.
    return reswap(retarget(response, _body_target(person)), "outerHTML")


def _saved(request: HtmxHttpRequest, person: Person, status: str) -> HttpResponse:
    if request.htmx:
        return _panel(request, person, status=status)
    messages.success(request, status)
    return redirect(f"{person_url(person.pk)}#timeline-{person.pk}")


def _first_time(request: HtmxHttpRequest, form: Form) -> bool:
    """Claim the form's one-time token; False when this very form was saved already.

    ``cache.add`` is atomic, so two copies of one POST arriving together cannot both win.
    Its False is trusted only when the token really is there: the database cache (production)
    also answers False when its own write failed (a full disk, a read-only database), and
    then the form must go on to the real write, which answers with the fault's page
    (web/faults.py) instead of "saved" with nothing stored.
    """
    token = form.cleaned_data.get("token")
    if not token:
        return True
    key = _token_key(request, token)
    if cache.add(key, 1, ONCE_SECONDS):
        return True
    return cache.get(key) is None


def _token_key(request: HtmxHttpRequest, token: str) -> str:
    return f"aandacht:timeline:once:{signed_in_user(request).pk}:{token}"


def _create(
    request: HtmxHttpRequest,
    person: Person,
    name: str,
    form: Form,
    save: Callable[[], object],
    status: str,
) -> HttpResponse:
    """Save once: a repeated submission of the same form answers as if it had just worked."""
    if not _first_time(request, form):
        return _saved(request, person, status)
    try:
        with transaction.atomic():
            save()
    except ValueError as error:  # the service refused what the form let through
        cache.delete(_token_key(request, form.cleaned_data.get("token") or ""))
        form.add_error(None, str(error))
        return _capture_page(request, person, name, form)
    return _saved(request, person, status)


CAPTURE_TITLES = {
    "log": gettext_lazy("Log contact with %(name)s"),
    "note": gettext_lazy("A note about %(name)s"),
    "moment": gettext_lazy("A moment with %(name)s"),
    "follow_up": gettext_lazy("A follow-up with %(name)s"),
}


def _capture_page(request: HtmxHttpRequest, person: Person, name: str, form: Form) -> HttpResponse:
    """A capture form on its own (without JavaScript), or in the panel, opened, with htmx."""
    if request.htmx and request.method == "POST":
        return _panel(request, person, bound=(name, form))
    context = {
        "person": person,
        "person_url": person_url(person.pk),
        "form": form,
        "name": name,
        "title": str(CAPTURE_TITLES[name]) % {"name": person.name},
        "can_write": True,
    }
    return render(request, "timeline/capture.html", context)


# --- Capture -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def log(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Log a call, message, meeting…: the kind, then Save; the rest has defaults."""
    person = person_for(request, pk, write=True)
    kind = request.GET.get("kind", "")
    initial = {"kind": kind} if kind in InteractionKind.values else {}
    form = LogForm(_posted(request), person=person, initial=initial)
    if request.method != "POST" or not form.is_valid():
        return _capture_page(request, person, "log", form)
    data = form.cleaned_data
    user = signed_in_user(request)

    def save() -> Interaction:
        return log_interaction(
            person.vault,
            [person, *data["others"]],
            data["kind"],
            outcome=data["outcome"] or None,
            occurred_at=data["occurred_at"],
            initiated_by=data["initiated_by"],
            summary=data["summary"],
            author=user,
        )

    label = dict(InteractionKind.choices)[data["kind"]]
    status = _("Logged: %(kind)s.") % {"kind": label}
    return _create(request, person, "log", form, save, status)


@require_http_methods(["GET", "POST"])
@login_required
def note(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    person = person_for(request, pk, write=True)
    form = NoteForm(_posted(request))
    if request.method != "POST" or not form.is_valid():
        return _capture_page(request, person, "note", form)
    data = form.cleaned_data
    user = signed_in_user(request)

    def save() -> Note:
        return add_note(
            person.vault,
            person,
            data["body"],
            private=data["private"],
            author=user,
            occurred_at=data["occurred_at"],
        )

    return _create(request, person, "note", form, save, _("Note added."))


@require_http_methods(["GET", "POST"])
@login_required
def moment(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    person = person_for(request, pk, write=True)
    form = MomentForm(_posted(request))
    if request.method != "POST" or not form.is_valid():
        return _capture_page(request, person, "moment", form)
    data = form.cleaned_data
    user = signed_in_user(request)

    def save() -> Moment:
        return add_moment(
            person.vault,
            person,
            data["text"],
            kind=data["kind"],
            private=data["private"],
            author=user,
            occurred_at=data["occurred_at"],
        )

    return _create(request, person, "moment", form, save, _("Moment added."))


@require_http_methods(["GET", "POST"])
@login_required
def follow_up(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    person = person_for(request, pk, write=True)
    form = FollowUpForm(_posted(request))
    if request.method != "POST" or not form.is_valid():
        return _capture_page(request, person, "follow_up", form)
    data = form.cleaned_data
    user = signed_in_user(request)

    def save() -> FollowUp:
        return add_follow_up(
            person.vault,
            person,
            data["text"],
            due_on=data["due_on"],
            direction=data["direction"],
            author=user,
        )

    return _create(request, person, "follow_up", form, save, _("Follow-up added."))


@require_POST
@login_required
def follow_up_done(request: HtmxHttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    """Mark a follow-up done (``done=1``) or open again (``done=0``); repeating is harmless."""
    person = person_for(request, pk, write=True)
    item = entry_of(person, signed_in_user(request), "follow_up", entry_pk)
    if not isinstance(item, FollowUp):
        raise Http404("no such follow-up")
    form = DoneForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Say done=1 or done=0."))
    done = bool(form.cleaned_data["done"])
    set_follow_up_done(item, done)
    return _saved(request, person, _("Marked as done.") if done else _("Open again."))


# --- Change and delete -------------------------------------------------------------------


def _entry(request: HtmxHttpRequest, pk: int, kind: str, entry_pk: int) -> tuple[Person, Entry]:
    if kind not in ENTRY_KINDS:
        raise Http404("no such kind of entry")
    person = person_for(request, pk, write=True)
    item = entry_of(person, signed_in_user(request), kind.replace("-", "_"), entry_pk)
    if item is None:
        raise Http404("no such entry")
    return person, item


def _edit_form(item: Entry, person: Person, data: Any) -> Form:
    auto_id = f"edit-{type(item).__name__.lower()}-{item.pk}-%s"
    if isinstance(item, Interaction):
        return EditInteractionForm(data, person=person, original=item, auto_id=auto_id)
    if isinstance(item, Note):
        return NoteForm(data, original=item, auto_id=auto_id)
    if isinstance(item, Moment):
        return MomentForm(data, original=item, auto_id=auto_id)
    return FollowUpForm(data, original=item, auto_id=auto_id)


def _update(item: Entry, person: Person, data: dict[str, Any]) -> None:
    if isinstance(item, Interaction):
        update_interaction(
            item,
            kind=data["kind"],
            outcome=data["outcome"] or None,
            occurred_at=data["occurred_at"],
            initiated_by=data["initiated_by"],
            summary=data["summary"],
            people=[person, *data["others"]],
        )
    elif isinstance(item, Note):
        update_note(
            item, body=data["body"], private=data["private"], occurred_at=data["occurred_at"]
        )
    elif isinstance(item, Moment):
        update_moment(
            item,
            text=data["text"],
            kind=data["kind"],
            private=data["private"],
            occurred_at=data["occurred_at"],
        )
    else:
        update_follow_up(
            item, text=data["text"], direction=data["direction"], due_on=data["due_on"]
        )


def _focus_first(form: Form) -> None:
    """Put the focus in the first field with an error, else the first field (htmx honours it)."""
    visible = [name for name, field in form.fields.items() if not field.widget.is_hidden]
    invalid = [name for name in visible if name in form.errors]
    first = (invalid or visible)[0]
    form.fields[first].widget.attrs["autofocus"] = True


@require_http_methods(["GET", "POST"])
@login_required
def edit(request: HtmxHttpRequest, pk: int, kind: str, entry_pk: int) -> HttpResponse:
    """Change one entry: in place with htmx, on its own page without JavaScript."""
    person, item = _entry(request, pk, kind, entry_pk)
    form = _edit_form(item, person, _posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                _update(item, person, form.cleaned_data)
        except ValueError as error:
            form.add_error(None, str(error))
        else:
            return _saved(request, person, _("Saved."))
    context = {
        "person": person,
        "person_url": person_url(person.pk),
        "item": item,
        "kind": kind,
        "form": form,
        "can_write": True,
    }
    _focus_first(form)
    template = "timeline/edit.html#edit_entry" if request.htmx else "timeline/edit.html"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@login_required
def delete(request: HtmxHttpRequest, pk: int, kind: str, entry_pk: int) -> HttpResponse:
    """Delete one entry, after a confirmation (a page without JavaScript, a dialog with)."""
    person, item = _entry(request, pk, kind, entry_pk)
    if request.method == "POST":
        delete_entry(item)
        return _saved(request, person, _("Deleted."))
    others = (
        [each for each in item.people.all() if each.pk != person.pk]
        if isinstance(item, Interaction)
        else []
    )
    context = {
        "person": person,
        "person_url": person_url(person.pk),
        "item": item,
        "entry": TimelineEntry(entry_kind(kind) or "note", item.occurred_at, item),
        "kind": kind,
        "others": others,
    }
    return render(request, "timeline/confirm_delete.html", context)


# --- Reading -----------------------------------------------------------------------------


@require_GET
@login_required
def more(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The timeline after ``?before=`` (the "Show more" link), or the whole panel body.

    htmx gets just the next entries (or, without ``before``, the panel body, e.g. to cancel an
    inline edit); without JavaScript it is a page of its own with a link to the next one.
    """
    person = person_for(request, pk)
    raw = request.GET.get("before", "")
    cursor = Cursor.parse(raw) if raw else None
    if raw and cursor is None:
        raise Http404("no such page of the timeline")
    writer = can_write(signed_in_user(request), person.vault)
    # Without ``before``: the body again (an inline edit cancelled), as long as after an edit.
    context = panel_context(request, person, can_write=writer, after=cursor, first_size=PAGE_SIZE)
    if request.htmx:
        template = "timeline/panel.html#entries" if cursor else "timeline/panel.html#body"
        return render(request, template, context)
    if cursor is None:
        return redirect(f"{person_url(person.pk)}#timeline-{person.pk}")
    return render(request, "timeline/more.html", context)
