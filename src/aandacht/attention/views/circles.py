"""Circles: the list with create, rename and delete; the person page's "Keep in touch" section;
"Make your lists" (put many people in circles quickly); the agenda settings.

Every form works without JavaScript (plain POST, then a redirect); with htmx the person page's
section and the rows of "Make your lists" are swapped in place. Viewers see the circles but get
a 403 on every write; another vault's circle, tag or person is a 404.
"""

from __future__ import annotations

import smtplib
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aandacht.accounts.models import Vault
from aandacht.attention import circles as domain
from aandacht.attention import digest, feed, services
from aandacht.attention.forms import (
    AgendaSettingsForm,
    CircleChoiceForm,
    CircleEditForm,
    CircleForm,
    RhythmForm,
    time_zones,
)
from aandacht.attention.models import AgendaSettings, Circle
from aandacht.people import directory
from aandacht.people.models import Person, Tag
from aandacht.people.views.listing import photo_url_of
from aandacht.web.access import (
    HtmxHttpRequest,
    can_write,
    current_vault,
    person_for,
    positive_id,
    remember_vault,
    require_writer,
    signed_in_user,
)

LISTS_PAGE_SIZE = 30
LISTS_RESULTS_ID = "lists-results"
MAX_KEYS = 9  # circles reachable with the digit keys 1..9; 0 is "no circle"


def circles_url(vault: Vault) -> str:
    return f"{reverse('attention:circles')}?{urlencode({'vault': vault.pk})}"


def circle_for(request: HttpRequest, pk: int, *, write: bool = False) -> Circle:
    """A circle of one of the user's vaults (404 otherwise); ``write`` needs owner or editor."""
    user = signed_in_user(request)
    circle = (
        Circle.objects.select_related("vault", "tag")
        .filter(pk=pk, vault__memberships__user=user)
        .first()
    )
    if circle is None:
        raise Http404("no such circle")
    if write:
        require_writer(user, circle.vault)
    remember_vault(request, circle.vault_id)
    return circle


# ---------------------------------------------------------------------------------------------
# The circles page


@require_http_methods(["GET", "POST"])
@login_required
def circles_page(request: HttpRequest) -> HttpResponse:
    """The vault's circles, shortest cadence first; writers create new ones here (POST)."""
    user = signed_in_user(request)
    vault = current_vault(request)
    if request.method != "POST":
        return render(request, "attention/circles.html", _circles_context(request, vault))
    require_writer(user, vault)
    tag_id = positive_id(request.POST.get("tag", "").strip())
    if tag_id is not None and not Tag.objects.filter(pk=tag_id, vault=vault).exists():
        raise Http404("no such tag")
    form = CircleForm(request.POST, vault=vault, auto_id="new-circle-%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            circle = domain.add_circle(vault, data["name"], data["cadence_days"], data["tag"])
        except domain.CircleProblem as problem:
            form.add_error(problem.field, problem.message)
        else:
            messages.success(request, _("Circle “%(name)s” created.") % {"name": circle.title})
            return redirect(circles_url(vault))
    context = _circles_context(request, vault, create_form=form)
    return render(request, "attention/circles.html", context, status=200)


def _circles_context(
    request: HttpRequest, vault: Vault, *, create_form: CircleForm | None = None
) -> dict[str, Any]:
    writer = can_write(signed_in_user(request), vault)
    rows = domain.circle_rows(vault)
    return {
        "vault": vault,
        "rows": rows,
        "can_write": writer,
        "create_form": (create_form or CircleForm(vault=vault, auto_id="new-circle-%s"))
        if writer
        else None,
        "has_tags": writer and Tag.objects.filter(vault=vault).exists(),
        "lists_url": f"{reverse('attention:lists')}?{urlencode({'vault': vault.pk})}",
        "settings_url": reverse("attention:settings"),
        "photo_urls": {person.pk: photo_url_of(person) for row in rows for person in row.sample},
    }


@require_http_methods(["GET", "POST"])
@login_required
def circle_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Rename a circle or change its cadence (its own page, so it works without JavaScript)."""
    circle = circle_for(request, pk, write=True)
    form = CircleEditForm(request.POST or None, circle=circle, auto_id=f"circle-{circle.pk}-%s")
    if request.method == "POST" and form.is_valid():
        try:
            domain.update_circle(
                circle, form.cleaned_data["name"], form.cleaned_data["cadence_days"]
            )
        except domain.CircleProblem as problem:
            form.add_error(problem.field, problem.message)
        else:
            messages.success(request, _("Circle “%(name)s” saved.") % {"name": circle.title})
            return redirect(circles_url(circle.vault))
    if request.method == "POST":
        circle.refresh_from_db()
    return render(
        request,
        "attention/circles_edit.html",
        {
            "circle": circle,
            "vault": circle.vault,
            "form": form,
            "cancel_url": circles_url(circle.vault),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def circle_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask first (GET), then delete (POST). The people stay; they just lose that circle."""
    circle = circle_for(request, pk, write=True)
    vault = circle.vault
    if request.method == "POST":
        title = circle.title
        count = domain.delete_circle(circle)
        messages.success(
            request,
            ngettext(
                "Circle “%(name)s” deleted; %(count)d person is no longer in it.",
                "Circle “%(name)s” deleted; %(count)d people are no longer in it.",
                count,
            )
            % {"name": title, "count": count},
        )
        return redirect(circles_url(vault))
    rows = {row.circle.pk: row for row in domain.circle_rows(vault)}
    row = rows.get(circle.pk)
    return render(
        request,
        "attention/circles_delete.html",
        {
            "circle": circle,
            "vault": vault,
            "count": row.count if row else 0,
            "cancel_url": circles_url(vault),
        },
    )


# ---------------------------------------------------------------------------------------------
# The person page: "Keep in touch"


def person_page_url(person: Person) -> str:
    return f"{reverse('people:detail', args=[person.pk])}#keep-in-touch"


def rhythm_context(
    request: HttpRequest,
    person: Person,
    *,
    writer: bool,
    form: RhythmForm | None = None,
    status: str = "",
) -> dict[str, Any]:
    view = domain.rhythm_view(person, signed_in_user(request))
    return {
        "request": request,
        "person": person,
        "rhythm": view,
        "can_write": writer,
        "form": form,
        "status": status,
        "rhythm_url": reverse("attention:person_rhythm", args=[person.pk]),
        "person_url": person_page_url(person),
        "circles_url": circles_url(person.vault),
    }


def _rhythm_form(view: domain.RhythmView, data: Any = None) -> RhythmForm:
    rhythm = view.rhythm
    initial = {
        "circle": rhythm.circle_id if rhythm else None,
        "cadence_days": rhythm.cadence_days if rhythm else None,
        "muted": view.muted,
        "paused_until": view.paused_until,
    }
    return RhythmForm(
        data,
        initial=initial,
        person_vault_id=view.person.vault_id,
        today=view.today,
        auto_id=f"rhythm-{view.person.pk}-%s",
    )


@require_http_methods(["GET", "POST"])
@login_required
def person_rhythm(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """GET: the section (``?view=1``) or its form; POST: save circle, cadence, mute, pause."""
    user = signed_in_user(request)
    if request.method == "GET" and request.GET.get("view"):
        person = person_for(request, pk)
        context = rhythm_context(request, person, writer=can_write(user, person.vault))
        return _rhythm_response(request, context, "display")
    person = person_for(request, pk, write=True)
    view = domain.rhythm_view(person, user)
    form = _rhythm_form(view, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        domain.update_rhythm(
            person,
            circle=data["circle"],
            cadence_days=data["cadence_days"],
            muted=data["muted"],
            paused_until=data["paused_until"],
        )
        status = _("Saved.")
        if not request.htmx:
            messages.success(request, _("Keep in touch: saved."))
            return redirect(person_page_url(person))
        context = rhythm_context(request, person, writer=True, status=status)
        return _rhythm_response(request, context, "display")
    context = rhythm_context(request, person, writer=True, form=form)
    return _rhythm_response(request, context, "form")


def _rhythm_response(request: HtmxHttpRequest, context: dict[str, Any], part: str) -> HttpResponse:
    if request.htmx:
        response = render(request, f"attention/rhythm_panel.html#{part}", context)
    else:
        response = render(request, "attention/rhythm_page.html", {**context, "part": part})
    patch_vary_headers(response, ["HX-Request"])
    return response


# ---------------------------------------------------------------------------------------------
# Make your lists


def _lists_params(request: HttpRequest) -> dict[str, str]:
    return {
        "q": request.GET.get("q", "").strip()[:200],
        "todo": "1" if request.GET.get("todo") else "",
    }


def lists_url(vault: Vault, **params: Any) -> str:
    query = {"vault": vault.pk, **{key: value for key, value in params.items() if value}}
    return f"{reverse('attention:lists')}?{urlencode(query)}"


@require_GET
@login_required
def lists_page(request: HtmxHttpRequest) -> HttpResponse:
    """Go through the vault's people and put each in a circle with one key or one click."""
    vault = current_vault(request)
    context = _lists_context(request, vault)
    if request.htmx.target == LISTS_RESULTS_ID and not request.htmx.history_restore_request:
        response = render(request, "attention/lists.html#results", context)
    else:
        response = render(request, "attention/lists.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _lists_context(request: HttpRequest, vault: Vault) -> dict[str, Any]:
    writer = can_write(signed_in_user(request), vault)
    params = _lists_params(request)
    all_circles = services.circles_of(vault)
    explicit = [circle for circle in all_circles if circle.tag_id is None]
    listed = directory.listed_people(vault)
    if params["todo"]:
        listed = domain.unassigned(listed)
    next_url = previous_url = ""
    if params["q"]:
        # With the filter, search looks further down its ranking before the filter thins it.
        limit = directory.SEARCH_LIMIT_WITH_TAG if params["todo"] else LISTS_PAGE_SIZE
        found = directory.search(vault, params["q"], limit=limit)
        if params["todo"] and found:
            keep = set(listed.filter(pk__in=[p.pk for p in found]).values_list("pk", flat=True))
            found = [person for person in found if person.pk in keep]
        people = found[:LISTS_PAGE_SIZE]
    else:
        after = directory.cursor_of(vault, request.GET.get("after"))
        before = None if after else directory.cursor_of(vault, request.GET.get("before"))
        window = directory.window(listed, after=after, before=before, size=LISTS_PAGE_SIZE)
        people = window.people
        if window.has_next and window.last:
            next_url = lists_url(vault, **params, after=window.last.pk)
        if window.has_previous and window.first:
            previous_url = lists_url(vault, **params, before=window.first.pk)
    rows = domain.list_rows(people, all_circles)
    here = lists_url(vault, **params, **_cursor(request))
    return {
        "vault": vault,
        "can_write": writer,
        "params": params,
        "rows": rows,
        "circles": explicit[:MAX_KEYS],
        "more_circles": explicit[MAX_KEYS:],
        "next_url": next_url,
        "previous_url": previous_url,
        "here": here,
        "results_id": LISTS_RESULTS_ID,
        "todo_url": lists_url(vault, q=params["q"], todo="1"),
        "all_url": lists_url(vault, q=params["q"]),
        "circles_url": circles_url(vault),
        "photo_urls": {row.person.pk: photo_url_of(row.person) for row in rows},
    }


def _cursor(request: HttpRequest) -> dict[str, str]:
    for key in ("after", "before"):
        person_id = positive_id(request.GET.get(key, ""))
        if person_id is not None:
            return {key: str(person_id)}
    return {}


@require_POST
@login_required
def person_circle(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Put one person in a circle (or none): a button in "Make your lists"."""
    person = person_for(request, pk, write=True)
    circle_id = positive_id(request.POST.get("circle", "").strip())
    if (
        circle_id is not None
        and not Circle.objects.filter(pk=circle_id, vault_id=person.vault_id).exists()
    ):
        raise Http404("no such circle")
    form = CircleChoiceForm(request.POST, vault_id=person.vault_id)
    if not form.is_valid():
        message = " ".join(str(error) for error in form.errors.get("circle", []))
        if request.htmx:
            return HttpResponse(message, status=400)
        messages.error(request, message)
        return redirect(_back(request, person))
    circle: Circle | None = form.cleaned_data["circle"]
    services.set_circle(person, circle)
    if circle is None:
        status = _("%(name)s: no circle.") % {"name": person.name}
    else:
        status = _("%(name)s: %(circle)s.") % {"name": person.name, "circle": circle.title}
    if not request.htmx:
        messages.success(request, status)
        return redirect(_back(request, person, following=True))
    all_circles = services.circles_of(person.vault)
    row = domain.list_rows([person], all_circles)[0]
    explicit = [c for c in all_circles if c.tag_id is None]
    context = {
        "row": row,
        "circles": explicit[:MAX_KEYS],
        "more_circles": explicit[MAX_KEYS:],
        "can_write": True,
        "here": _back(request, person),
        "status": status,
        "photo_urls": {person.pk: photo_url_of(person)},
    }
    return render(request, "attention/lists.html#row", context)


def _back(request: HttpRequest, person: Person, *, following: bool = False) -> str:
    """Where a plain POST returns: the list it came from (same filters), at the next row."""
    target = request.POST.get("next", "")
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = lists_url(person.vault)
    following_id = positive_id(request.POST.get("following", "")) if following else None
    if following_id is not None:
        return f"{target}#person-{following_id}"
    return f"{target}#person-{person.pk}"


# ---------------------------------------------------------------------------------------------
# Agenda settings


def feed_url(request: HttpRequest, prefs: AgendaSettings) -> str:
    """The calendar feed's secret address, on AANDACHT_BASE_URL when that is set."""
    if not prefs.feed_token:
        return ""
    return feed.site_for(request).url(reverse("attention:feed", args=[prefs.feed_token]))


@require_http_methods(["GET", "POST"])
@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    """The user's own agenda: how many a day, which days, the digest, the calendar feed.

    Settings belong to the user, not to a vault: a viewer sets their own too.
    """
    user = signed_in_user(request)
    prefs = services.settings_for(user)
    form = AgendaSettingsForm(
        request.POST if request.method == "POST" else None,
        instance=prefs,
        user=user,
        auto_id="agenda-%s",
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Agenda settings saved."))
        return redirect(reverse("attention:settings"))
    if request.method == "POST":
        prefs.refresh_from_db()
    return render(
        request,
        "attention/settings.html",
        {
            "form": form,
            "prefs": prefs,
            "feed_url": feed_url(request, prefs),
            "covered": feed.vaults_covered(user),
            "time_zones": time_zones(),
            "server_zone": services.zone_of(AgendaSettings(time_zone="")).key,
            "vault": current_vault(request),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def feed_token(request: HttpRequest) -> HttpResponse:
    """Ask first (GET), then make a new calendar address (POST): the old one stops working."""
    user = signed_in_user(request)
    prefs = services.settings_for(user)
    if request.method == "POST":
        domain.regenerate_feed_token(prefs)
        messages.success(
            request,
            _("New calendar address made. Subscribe to it again; the old one no longer works."),
        )
        return redirect(f"{reverse('attention:settings')}#calendar-feed")
    return render(
        request,
        "attention/settings_feed.html",
        {"cancel_url": f"{reverse('attention:settings')}#calendar-feed"},
    )


@require_POST
@login_required
def digest_test(request: HttpRequest) -> HttpResponse:
    """Send the digest of this moment now, as a test; it claims nothing (the real one still
    goes out at its time)."""
    user = signed_in_user(request)
    try:
        count = digest.send_test_digest(user)
    except ValueError as error:
        messages.error(request, str(error))
    except (smtplib.SMTPException, OSError) as error:
        messages.error(
            request,
            _("The mail server did not take the test digest: %(error)s") % {"error": error},
        )
    else:
        if count is None:
            messages.info(
                request, _("Nothing needs your attention right now, so no test digest was sent.")
            )
        else:
            messages.success(
                request,
                ngettext(
                    "A test digest with %(count)d item was sent to %(email)s.",
                    "A test digest with %(count)d items was sent to %(email)s.",
                    count,
                )
                % {"count": count, "email": user.email},
            )
    return redirect(f"{reverse('attention:settings')}#settings-digest-title")


urlpatterns: list[URLPattern] = [
    path("circles/", circles_page, name="circles"),
    path("circles/lists/", lists_page, name="lists"),
    path("circles/<int:pk>/", circle_edit, name="circle_edit"),
    path("circles/<int:pk>/delete/", circle_delete, name="circle_delete"),
    path("people/<int:pk>/rhythm/", person_rhythm, name="person_rhythm"),
    path("people/<int:pk>/circle/", person_circle, name="person_circle"),
    path("settings/agenda/", settings_page, name="settings"),
    path("settings/agenda/feed/", feed_token, name="feed_token"),
    path("settings/agenda/test-digest/", digest_test, name="test_digest"),
]
