"""People pages: a person's lifecycle — quick add, merge, archive, deceased, trash, forget.

State changes are POST only and need the owner or editor role (a viewer gets 403); a person
outside your vaults is a 404. Every action is safe to repeat and ends in a redirect with a
message (for htmx requests: an ``HX-Redirect``), so the forms work without JavaScript.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from aandacht.accounts.models import Vault
from aandacht.people import names
from aandacht.people.forms_lifecycle import (
    ArchiveForm,
    DeceasedForm,
    ForgetForm,
    MergeForm,
    MergeSearchForm,
    QuickAddForm,
)
from aandacht.people.lifecycle import (
    MERGE_FIELDS,
    TRASH_DAYS,
    LifecycleError,
    display_value,
    forget_person,
    merge_people,
    purge_expired_trash,
    quick_add_person,
    restore_person,
    set_archived,
    set_deceased,
    similar_people,
    trash_days_left,
    trash_expires_at,
    trash_person,
)
from aandacht.people.models import NAME_FIELDS, Person, Relationship
from aandacht.people.search import search_people
from aandacht.people.views.listing import work_of
from aandacht.timeline.models import FollowUp, Interaction, Moment, Note
from aandacht.web.access import (
    HtmxHttpRequest,
    can_write,
    current_vault,
    person_for,
    positive_id,
    require_writer,
    signed_in_user,
)

MERGE_SEARCH_LIMIT = 12
TRASH_PAGE = 200


# --- helpers ---------------------------------------------------------------------------------


def detail_url(person: Person) -> str:
    return reverse("people:detail", args=[person.pk])


def _next_url(request: HttpRequest, default: str) -> str:
    """Where to go after an action: a local ``next`` if one was given, else ``default``."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return default


def _go(request: HtmxHttpRequest, url: str) -> HttpResponse:
    """A redirect that also works for htmx (a full page load, so the messages show)."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _home(vault_id: int) -> str:
    return f"{reverse('web:home')}?vault={vault_id}"


# --- quick add -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def quick_add(request: HtmxHttpRequest) -> HttpResponse:
    """Capture someone new: a name (required), where you met and one line; lands on them."""
    user = signed_in_user(request)
    vault = current_vault(request)
    require_writer(user, vault)
    form = QuickAddForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        person = quick_add_person(
            vault,
            form.cleaned_data["name"],
            where=form.cleaned_data["where"],
            note=form.cleaned_data["note"],
            author=user,
        )
        messages.success(request, _("%(name)s is added.") % {"name": person.name})
        for twin in similar_people(vault, person):
            merge_url = f"{reverse('people:merge', args=[twin.pk])}?with={person.pk}"
            messages.info(
                request,
                format_html(
                    _("Did you mean {person}? If it is the same person, {merge}."),
                    person=format_html('<a href="{}">{}</a>', detail_url(twin), twin.name),
                    merge=format_html('<a href="{}">{}</a>', merge_url, _("merge them")),
                ),
            )
        return _go(request, detail_url(person))
    several = Vault.objects.filter(memberships__user=user).count() > 1
    context = {"form": form, "vault": vault, "several_vaults": several}
    partial = request.htmx and not request.htmx.boosted
    template = "people/quick_add.html#quick-add-form" if partial else "people/quick_add.html"
    return render(request, template, context)


# --- trash, restore, trash list, forget ------------------------------------------------------


@require_POST
@login_required
def trash(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Move someone to the trash (kept for 30 days) with an Undo right in the message."""
    person = person_for(request, pk, write=True, include_trashed=True)
    if trash_person(person):
        undo = format_html(
            '<span class="cluster"><span>{}</span>'
            '<form method="post" action="{}"><input type="hidden" name="csrfmiddlewaretoken" '
            'value="{}"><button type="submit" class="button button--small button--secondary">'
            "{}</button></form></span>",
            _("%(name)s is in the trash for %(days)d days.")
            % {"name": person.name, "days": TRASH_DAYS},
            reverse("people:restore", args=[person.pk]),
            get_token(request),
            _("Undo"),
        )
        messages.success(request, undo)
    else:
        messages.info(request, _("%(name)s was already in the trash.") % {"name": person.name})
    return _go(request, _next_url(request, _home(person.vault_id)))


@require_POST
@login_required
def restore(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Take someone out of the trash; repeating it is harmless."""
    person = person_for(request, pk, write=True, include_trashed=True)
    if restore_person(person):
        messages.success(request, _("%(name)s is back.") % {"name": person.name})
    return _go(request, _next_url(request, detail_url(person)))


@require_GET
@login_required
def trash_list(request: HtmxHttpRequest) -> HttpResponse:
    """The current vault's trash, newest first; people older than 30 days are forgotten here."""
    user = signed_in_user(request)
    vault = current_vault(request)
    purge_expired_trash(vault=vault)
    people = list(
        Person.objects.filter(vault=vault, trashed_at__isnull=False)
        .only("id", "vault_id", "trashed_at", *NAME_FIELDS)
        .order_by("-trashed_at", "-id")[:TRASH_PAGE]
    )
    now = timezone.now()
    rows = [
        {
            "person": person,
            "expires": trash_expires_at(person),
            "days_left": trash_days_left(person, now),
        }
        for person in people
    ]
    context = {
        "vault": vault,
        "rows": rows,
        "can_write": can_write(user, vault),
        "trash_days": TRASH_DAYS,
    }
    return render(request, "people/trash.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def forget(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Erase someone and everything about them, after a confirmation that cannot be misread."""
    person = person_for(request, pk, write=True, include_trashed=True)
    form = ForgetForm(person, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        name, vault_id, was_trashed = person.name, person.vault_id, person.trashed_at is not None
        forget_person(person)
        messages.success(request, _("%(name)s is forgotten.") % {"name": name})
        default = reverse("people:trash_list") if was_trashed else _home(vault_id)
        return _go(request, _next_url(request, default))
    context = {"person": person, "form": form, "vault": person.vault, **_what_goes(person)}
    return render(request, "people/forget.html", context)


def _what_goes(person: Person) -> dict[str, int]:
    """How much will be erased, so the confirmation says what "everything" means.

    One small count each: a single query joining all of them would multiply the rows.
    """
    return {
        "contact_methods": person.contact_methods.count(),
        "addresses": person.addresses.count(),
        "dates": person.important_dates.count(),
        "relationships": Relationship.objects.filter(
            Q(from_person=person) | Q(to_person=person)
        ).count(),
        "notes": Note.objects.filter(person=person).count(),
        "moments": Moment.objects.filter(person=person).count(),
        "follow_ups": FollowUp.objects.filter(person=person).count(),
        "interactions": Interaction.objects.filter(people=person).count(),
    }


# --- archive and deceased --------------------------------------------------------------------


@require_POST
@login_required
def archive(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """``archived=1`` archives, ``archived=0`` brings back; without it, the state flips."""
    person = person_for(request, pk, write=True)
    wanted = not person.archived
    if "archived" in request.POST:
        form = ArchiveForm(request.POST)
        if not form.is_valid():
            return HttpResponseBadRequest(_("Archive with archived=1, bring back with 0."))
        wanted = form.cleaned_data["archived"]
    changed = set_archived(person, wanted)
    if wanted:
        text = _("%(name)s is archived: no reminders or suggestions for them.")
    else:
        text = _("%(name)s is back from the archive.")
    if changed:
        messages.success(request, text % {"name": person.name})
    return _go(request, _next_url(request, detail_url(person)))


@require_http_methods(["GET", "POST"])
@login_required
def deceased(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Mark someone as deceased, with the date if you know it, or undo that.

    GET shows the form with the date; a POST without fields (the person page's button) marks
    or unmarks straight away, so it is one tap either way.
    """
    person = person_for(request, pk, write=True)
    if request.method == "GET":
        initial = {"deceased": "1", "deceased_on": person.deceased_on}
        form = DeceasedForm(initial=initial)
        return render(request, "people/deceased.html", {"person": person, "form": form})
    data = request.POST.copy()
    data.setdefault("deceased", "0" if person.deceased else "1")
    form = DeceasedForm(data)
    if not form.is_valid():
        context = {"person": person, "form": form}
        return render(request, "people/deceased.html", context, status=400)
    is_deceased: bool = form.cleaned_data["deceased"]
    on = form.cleaned_data["deceased_on"]
    if is_deceased and "deceased_on" not in request.POST:
        on = person.deceased_on  # the one-tap button sends no date: keep a known one
    try:
        set_deceased(person, is_deceased, on)
    except LifecycleError as error:
        form.add_error(None, str(error))
        return render(request, "people/deceased.html", {"person": person, "form": form}, status=400)
    if is_deceased:
        messages.success(
            request,
            format_html(
                '{} <a href="{}">{}</a>',
                _("%(name)s is marked as deceased. In memory.") % {"name": person.name},
                reverse("people:deceased", args=[person.pk]),
                _("Change the date") if person.deceased_on else _("Add the date"),
            ),
        )
    else:
        messages.success(
            request, _("%(name)s is no longer marked as deceased.") % {"name": person.name}
        )
    return _go(request, _next_url(request, detail_url(person)))


# --- merge -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def merge(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Merge a duplicate into this person: first find the other one, then choose per field."""
    kept = person_for(request, pk, write=True)
    raw_other = (request.POST.get("with") or request.GET.get("with") or "").strip()
    if not raw_other:
        return _merge_search(request, kept)
    other_id = positive_id(raw_other)
    if other_id is None:
        return _merge_search(request, kept, error=_("Choose the other person from the list."))
    other = (
        Person.objects.filter(vault=kept.vault, pk=other_id, trashed_at__isnull=True)
        .select_related("met_via")
        .first()
    )
    if other is None:
        if request.method == "POST":
            messages.info(request, _("That person is no longer here; perhaps already merged."))
            return _go(request, detail_url(kept))
        raise Http404("no such person in this vault")
    if other.pk == kept.pk:
        return _merge_search(request, kept, error=_("That is the same person; choose another."))
    form = MergeForm(kept, other, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        other_name = other.name
        try:
            merged = merge_people(kept, other, form.choices(), author=signed_in_user(request))
        except LifecycleError as error:
            messages.error(request, str(error))
            return _go(request, detail_url(kept))
        if names.fold(other_name) == names.fold(merged.name):
            text = _("The two records of %(name)s are now one; nothing was lost.")
        else:
            text = _("%(other)s is merged into %(name)s; nothing was lost.")
        messages.success(request, text % {"other": other_name, "name": merged.name})
        return _go(request, detail_url(merged))
    context = {
        "person": kept,
        "other": other,
        "vault": kept.vault,
        "form": form,
        "rows": _merge_rows(form, kept, other),
        "taken": _taken_rows(form, kept, other),
        "same": [
            {"label": field.label, "value": display_value(kept, field)}
            for field in MERGE_FIELDS
            if field not in form.rows and field not in form.taken and display_value(kept, field)
        ],
        "kept_summary": _merge_summary(kept),
        "other_summary": _merge_summary(other),
    }
    return render(request, "people/merge.html", context, status=400 if form.errors else 200)


def _merge_search(request: HtmxHttpRequest, kept: Person, error: str = "") -> HttpResponse:
    form = MergeSearchForm(request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    hits = []
    if query:
        hits = [
            hit.person
            for hit in search_people(kept.vault, query, limit=MERGE_SEARCH_LIMIT, ignore={kept.pk})
        ]
    suggestions = [] if query else similar_people(kept.vault, kept, limit=5)
    context = {
        "person": kept,
        "vault": kept.vault,
        "form": form,
        "query": query,
        "hits": hits,
        "suggestions": suggestions,
        "error": error,
    }
    if request.htmx.target == "merge-results":
        return render(request, "people/merge_search.html#merge-results", context)
    return render(request, "people/merge_search.html", context, status=400 if error else 200)


def _merge_rows(form: MergeForm, kept: Person, other: Person) -> list[dict[str, object]]:
    """The side-by-side rows: each differing field with both values and its radio buttons."""
    rows = []
    for field in form.rows:
        bound = form[field.key]
        options = {str(option.data["value"]): option for option in bound}
        rows.append(
            {
                "field": field,
                "bound": bound,
                "kept_value": display_value(kept, field),
                "other_value": display_value(other, field),
                "kept_option": options.get("kept"),
                "other_option": options.get("other"),
                "both_option": options.get("both"),
            }
        )
    return rows


def _taken_rows(form: MergeForm, kept: Person, other: Person) -> list[dict[str, object]]:
    """Fields only one of them has: that value is kept, shown for information, not asked."""
    rows = []
    for field in form.taken:
        kept_value = display_value(kept, field)
        who = kept if kept_value else other
        rows.append(
            {
                "field": field,
                "who": who,
                "value": kept_value or display_value(other, field),
            }
        )
    return rows


def _merge_summary(person: Person) -> dict[str, object]:
    """Enough to tell two people of the same name apart, shown at the top of each column."""
    if person.met_at and person.met_on:
        met = _("met at %(place)s, %(date)s") % {
            "place": person.met_at,
            "date": date_format(person.met_on, "DATE_FORMAT"),
        }
    elif person.met_at:
        met = _("met at %(place)s") % {"place": person.met_at}
    elif person.met_on:
        met = _("met %(date)s") % {"date": date_format(person.met_on, "DATE_FORMAT")}
    else:
        met = ""
    timeline = (
        Note.objects.filter(person=person).count()
        + Interaction.objects.filter(people=person).count()
        + Moment.objects.filter(person=person).count()
    )
    return {
        "work": work_of(person),
        "met": met,
        "timeline": timeline,
        "contact_methods": person.contact_methods.count(),
        "added": person.created_at,
    }


urlpatterns: list[URLPattern] = [
    path("add/", quick_add, name="quick_add"),
    path("trash/", trash_list, name="trash_list"),
    path("<int:pk>/merge/", merge, name="merge"),
    path("<int:pk>/trash/", trash, name="trash"),
    path("<int:pk>/restore/", restore, name="restore"),
    path("<int:pk>/forget/", forget, name="forget"),
    path("<int:pk>/archive/", archive, name="archive"),
    path("<int:pk>/deceased/", deceased, name="deceased"),
]
