"""The Today agenda, its actions, and call list mode.

Reading goes through :func:`aandacht.attention.pages.today_page` (the agenda plus what the
page shows around it); every action is a POST that calls one service and then answers in two
ways: htmx gets the agenda section re-rendered with a status line, a plain form a redirect
back to ``next`` (or the agenda) with a message. Acting twice on the same person on the same
day logs nothing twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.cache import patch_vary_headers
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST

from aandacht.accounts.models import Vault
from aandacht.attention import appreciation, pages, services
from aandacht.attention.today_forms import (
    DONE_KINDS,
    AttemptForm,
    DoneForm,
    FollowUpDoneForm,
    SnoozeForm,
    TellForm,
)
from aandacht.people.models import Person
from aandacht.timeline.models import FollowUp
from aandacht.timeline.services import set_follow_up_done
from aandacht.web.access import (
    HtmxHttpRequest,
    can_write,
    current_vault,
    person_for,
    signed_in_user,
)
from aandacht.web.kept_pages import kept_page

# --- Reading -------------------------------------------------------------------------------


def _today_of(user: User) -> dt.date:
    return services.local_today(services.settings_for(user))


def _page_context(
    request: HtmxHttpRequest,
    user: User,
    vault: Vault,
    day: dt.date | None,
    *,
    status: str = "",
    error: str = "",
) -> dict[str, Any]:
    page = pages.today_page(user, vault, day)
    today = page.agenda.today
    writer = can_write(user, vault)
    # Only a writer gets the nudge: telling someone logs it on their timeline.
    suggestion = (
        appreciation.suggestion_for(user, vault, prefs=page.agenda.prefs)
        if writer and page.is_today
        else None
    )
    return {
        "appreciation": suggestion,
        "tell_kinds": appreciation.TELL_KINDS,
        "vault": vault,
        "page": page,
        "agenda": page.agenda,
        "can_act": writer and not page.is_past,
        "can_write": writer,
        "focus": request.GET.get("focus", ""),
        "status": status,
        "error": error,
        "today": today,
        "tomorrow": today + dt.timedelta(days=1),
        "next_week": today + dt.timedelta(days=7),
        "latest_snooze": today + dt.timedelta(days=366),
        "done_kinds": DONE_KINDS,
        "here": _agenda_url(page.agenda.day, today),
        "short_date": pgettext("short date", "j M"),
    }


def _agenda_url(day: dt.date, today: dt.date) -> str:
    url = reverse("attention:today")
    return url if day == today else f"{url}?{urlencode({'date': day.isoformat()})}"


@require_GET
@login_required
@kept_page
def today(request: HtmxHttpRequest) -> HttpResponse:
    """The calm list of the day: the people planned, the pinned promises and dates, and what
    is already dealt with. ``?date=`` looks at another day; ``?focus=<key>`` highlights one
    item (the digest links there)."""
    user = signed_in_user(request)
    vault = current_vault(request)
    raw = request.GET.get("date", "")
    day: dt.date | None = None
    error = ""
    status = 200
    if raw:
        try:
            day = pages.parse_day(raw, _today_of(user))
        except pages.BadDay as problem:
            error, status = str(problem), 400
    focus = request.GET.get("focus", "")
    if day is not None and focus and day < _today_of(user):
        # An older digest: what is still open is on today's list now.
        return HttpResponseRedirect(f"{reverse('attention:today')}?{urlencode({'focus': focus})}")
    context = _page_context(request, user, vault, day, error=error)
    page: pages.TodayPage = context["page"]
    suggestion: appreciation.Suggestion | None = context["appreciation"]
    keys = page.keys() | ({suggestion.key} if suggestion is not None else set())
    context["focus_gone"] = bool(focus) and focus not in keys
    template = "attention/today.html#agenda" if request.htmx.target == "agenda" else None
    response = render(request, template or "attention/today.html", context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
@login_required
def summary(request: HtmxHttpRequest) -> HttpResponse:
    """The home page's small card: who and what is on today (loaded after the page)."""
    user = signed_in_user(request)
    vault = current_vault(request)
    page = pages.today_page(user, vault)
    suggestion = (
        appreciation.suggestion_for(user, vault, prefs=page.agenda.prefs)
        if can_write(user, vault)
        else None
    )
    return render(
        request,
        "attention/today_summary.html",
        {"page": page, "vault": vault, "appreciation": suggestion},
    )


@require_GET
@login_required
def calls(request: HtmxHttpRequest) -> HttpResponse:
    """Call list mode: today's calls one at a time, with one-tap outcomes."""
    user = signed_in_user(request)
    vault = current_vault(request)
    at = pages.parse_position(request.GET.get("at", ""))
    listing = pages.call_list(user, vault, at)
    day = _today_of(user)
    here = f"{reverse('attention:calls')}?{urlencode({'at': listing.at})}"
    context = {
        "vault": vault,
        "calls": listing,
        "card": listing.card,
        "can_act": can_write(user, vault),
        "here": here,
        "tomorrow": day + dt.timedelta(days=1),
        "previous_url": _calls_url(listing.at - 1) if listing.at > 1 else "",
        "next_url": _calls_url(listing.at + 1) if listing.card is not None else "",
        "short_date": pgettext("short date", "j M"),
    }
    return render(request, "attention/calls.html", context)


def _calls_url(at: int) -> str:
    return f"{reverse('attention:calls')}?{urlencode({'at': at})}"


# --- Acting --------------------------------------------------------------------------------


def _back(request: HtmxHttpRequest) -> str:
    """Where a plain form goes afterwards: a safe ``next``, else the agenda."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("attention:today")


def _posted_day(request: HtmxHttpRequest, user: User) -> dt.date | None:
    """The day the agenda on screen shows (htmx re-renders that one)."""
    raw = request.POST.get("date", "")
    if not raw:
        return None
    try:
        return pages.parse_day(raw, _today_of(user))
    except pages.BadDay:
        return None


def _answer(
    request: HtmxHttpRequest, person: Person, status: str, *, error: bool = False
) -> HttpResponse:
    """htmx: the agenda section again, with the status line; else a redirect with a message."""
    user = signed_in_user(request)
    if request.htmx:
        day = _posted_day(request, user)
        context = _page_context(
            request,
            user,
            person.vault,
            day,
            status="" if error else status,
            error=status if error else "",
        )
        return render(request, "attention/today.html#agenda", context)
    if error:
        messages.error(request, status)
    else:
        messages.success(request, status)
    return HttpResponseRedirect(_back(request))


Action = Callable[[User, Person], str]


def _act(request: HtmxHttpRequest, pk: int, action: Action) -> HttpResponse:
    person = person_for(request, pk, write=True)
    user = signed_in_user(request)
    try:
        with transaction.atomic():
            status = action(user, person)
    except ValueError as problem:
        return _answer(request, person, str(problem), error=True)
    return _answer(request, person, status)


def _form_error(form: DoneForm | AttemptForm | SnoozeForm | FollowUpDoneForm | TellForm) -> str:
    errors = [str(error) for errors in form.errors.values() for error in errors]
    return " ".join(errors)


@require_POST
@login_required
def done(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Log the conversation (a call, unless the form says otherwise) and tick the item off."""
    form = DoneForm(request.POST)

    def act(user: User, person: Person) -> str:
        if not form.is_valid():
            raise ValueError(_form_error(form))
        logged = pages.done_once(
            user, person, kind=form.cleaned_data["kind"], summary=form.cleaned_data["summary"]
        )
        if not logged:
            return _("Already logged today: %(name)s.") % {"name": person.name}
        return _("Logged your conversation with %(name)s.") % {"name": person.name}

    return _act(request, pk, act)


@require_POST
@login_required
def attempted(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Log a voicemail / no answer: the cadence does not restart; a retry comes later."""
    form = AttemptForm(request.POST)

    def act(user: User, person: Person) -> str:
        if not form.is_valid():
            raise ValueError(_form_error(form))
        if not pages.attempted_once(user, person, summary=form.cleaned_data["summary"]):
            return _("Already noted today: %(name)s.") % {"name": person.name}
        if services.cadence_of(person) is None:
            # Not on a rhythm: nothing brings them back by itself.
            return _("Noted that you tried %(name)s.") % {"name": person.name}
        prefs = services.settings_for(user)
        return _("Noted that you tried %(name)s; they come back in %(days)d days.") % {
            "name": person.name,
            "days": prefs.retry_after_days,
        }

    return _act(request, pk, act)


@require_POST
@login_required
def snooze(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    form = SnoozeForm(request.POST)

    def act(user: User, person: Person) -> str:
        if not form.is_valid():
            raise ValueError(_form_error(form))
        until: dt.date = form.cleaned_data["day"]
        services.snooze(user, person, until)
        return _("%(name)s is snoozed until %(day)s.") % {
            "name": person.name,
            "day": date_format(until, "l j F"),
        }

    return _act(request, pk, act)


@require_POST
@login_required
def skip(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    def act(user: User, person: Person) -> str:
        services.skip_round(user, person)
        return _("Skipped this round with %(name)s; the cadence starts again today.") % {
            "name": person.name
        }

    return _act(request, pk, act)


@require_POST
@login_required
def undo(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Undo today's action on a person: a snooze or a skip is lifted, a "talked" or "no
    answer" loses the interaction it logged; the person is back on today's list."""

    def act(user: User, person: Person) -> str:
        if not pages.undo(user, person):
            raise ValueError(
                _(
                    "There is nothing of today to undo for %(name)s; older contacts stay on "
                    "the timeline, where you can change them."
                )
                % {"name": person.name}
            )
        return _("%(name)s is back on today's list.") % {"name": person.name}

    return _act(request, pk, act)


@require_POST
@login_required
def follow_up_done(request: HtmxHttpRequest, pk: int, follow_up_pk: int) -> HttpResponse:
    """Tick off a promise or request (``done=0`` opens it again); repeating is harmless."""
    form = FollowUpDoneForm(request.POST)

    def act(user: User, person: Person) -> str:
        follow_up = FollowUp.objects.filter(person=person, pk=follow_up_pk).first()
        if follow_up is None:
            raise Http404("no such follow-up")
        if not form.is_valid():
            raise ValueError(_form_error(form))
        done_ = bool(form.cleaned_data["done"])
        set_follow_up_done(follow_up, done_)
        if done_:
            return _("Done: %(text)s") % {"text": follow_up.text}
        return _("Open again: %(text)s") % {"text": follow_up.text}

    return _act(request, pk, act)


# --- Appreciation ---------------------------------------------------------------------------


@require_POST
@login_required
def appreciation_told(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """ "I told them": log how (and what you said) and mark today's suggestion given."""
    form = TellForm(request.POST)

    def act(user: User, person: Person) -> str:
        if not form.is_valid():
            raise ValueError(_form_error(form))
        logged = appreciation.tell(
            user, person, kind=form.cleaned_data["kind"], what=form.cleaned_data["what"]
        )
        if not logged:
            return _("Already noted that you told %(name)s.") % {"name": person.name}
        return _("Noted that you told %(name)s what you value in them.") % {"name": person.name}

    return _act(request, pk, act)


@require_POST
@login_required
def appreciation_dismiss(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """ "Not now": the suggestion is done for today; the next one follows the interval."""

    def act(user: User, person: Person) -> str:
        appreciation.dismiss(user, person)
        return _("Not now, then. Another suggestion comes in a while.")

    return _act(request, pk, act)


@require_POST
@login_required
def appreciation_other(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """ "Someone else": the next person in today's ranking."""

    def act(user: User, person: Person) -> str:
        other = appreciation.someone_else(user, person)
        return _("Suggesting %(name)s instead.") % {"name": other.name}

    return _act(request, pk, act)


@require_POST
@login_required
def appreciation_undo(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Open today's suggestion again; "I told them" also loses the interaction it logged."""

    def act(user: User, person: Person) -> str:
        if not appreciation.undo(user, person):
            raise ValueError(_("There is nothing to undo for %(name)s.") % {"name": person.name})
        return _("The suggestion for %(name)s is open again.") % {"name": person.name}

    return _act(request, pk, act)


urlpatterns: list[URLPattern] = [
    path("today/", today, name="today"),
    path("today/summary/", summary, name="today_summary"),
    path("today/calls/", calls, name="calls"),
    path("today/<int:pk>/done/", done, name="done"),
    path("today/<int:pk>/attempted/", attempted, name="attempted"),
    path("today/<int:pk>/snooze/", snooze, name="snooze"),
    path("today/<int:pk>/skip/", skip, name="skip"),
    path("today/<int:pk>/undo/", undo, name="undo"),
    path(
        "today/<int:pk>/follow-up/<int:follow_up_pk>/done/",
        follow_up_done,
        name="follow_up_done",
    ),
    path("today/<int:pk>/appreciation/told/", appreciation_told, name="appreciation_told"),
    path("today/<int:pk>/appreciation/not-now/", appreciation_dismiss, name="appreciation_dismiss"),
    path("today/<int:pk>/appreciation/other/", appreciation_other, name="appreciation_other"),
    path("today/<int:pk>/appreciation/undo/", appreciation_undo, name="appreciation_undo"),
]
