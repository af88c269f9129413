"""People pages: the list, with search as you type, a tag filter and tagging many at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.cache import patch_vary_headers
from django.utils.formats import number_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from aandacht.accounts.models import Vault
from aandacht.people import directory, tagging
from aandacht.people.forms_listing import BulkTagForm, PeopleFilterForm
from aandacht.people.models import Person, Tag
from aandacht.people.names import fold
from aandacht.web.access import (
    HtmxHttpRequest,
    can_write,
    current_vault,
    positive_id,
    require_writer,
    signed_in_user,
)
from aandacht.web.kept_pages import kept_page

RESULTS_ID = "people-results"
CURSORS = ("after", "before", "from")
TEMPLATE = "people/list.html"


@dataclass(frozen=True)
class SectionLink:
    label: str
    count: int
    url: str
    on_this_page: bool


@dataclass(frozen=True)
class Chip:
    name: str
    colour: str
    url: str


@dataclass(frozen=True)
class Row:
    """One person as the list shows them, worked out here rather than in the template (fast)."""

    person: Person
    url: str
    work: str
    chips: list[Chip]
    photo_url: str = ""


@dataclass(frozen=True)
class Group:
    """Rows under one heading (a letter); search results form one group without a heading."""

    label: str
    count: int
    rows: list[Row] = field(default_factory=list)


def photo_url_of(person: Person) -> str:
    """Photos are served to members only, by the person page; the version busts the cache."""
    if not person.photo:
        return ""
    version = int(person.updated_at.timestamp())
    return f"{reverse('people:photo', args=[person.pk])}?v={version}"


# Organisations that say someone works for themselves: "Writer at Self-employed" reads oddly.
SELF_EMPLOYED = frozenset(
    {
        "self-employed",
        "self employed",
        "selfemployed",
        "freelance",
        "freelancer",
        "independent",
        "zelfstandig",
        "zelfstandige",
        "zelfstandig ondernemer",
        "zzp",
        "zzp'er",
        "zzper",
        "eigen bedrijf",
    }
)


def work_of(person: Person) -> str:
    """ "Writer at Acme"; "Writer · Self-employed" when the organisation is working for oneself."""
    if person.job_title and person.organisation:
        if fold(person.organisation).replace("’", "'") in SELF_EMPLOYED:
            return f"{person.job_title} · {person.organisation}"
        return _("%(role)s at %(organisation)s") % {
            "role": person.job_title,
            "organisation": person.organisation,
        }
    return person.job_title or person.organisation


def rows_of(vault: Vault, people: list[Person], tags: list[Tag]) -> list[Row]:
    """Rows with their tag chips, the chips from one query (tags come ordered by name)."""
    base = reverse("people:list")
    chips = {
        tag.pk: Chip(
            tag.name, tag.colour, f"{base}?{urlencode({'vault': vault.pk, 'tag': tag.pk})}"
        )
        for tag in tags
    }
    order = {tag.pk: position for position, tag in enumerate(tags)}
    tag_ids = directory.tag_ids_by_person(people) if tags and people else {}
    rows = []
    for person in people:
        ids = sorted(tag_ids.get(person.pk, ()), key=lambda pk: order.get(pk, 0))
        rows.append(
            Row(
                person,
                reverse("people:detail", args=[person.pk]),
                work_of(person),
                [chips[pk] for pk in ids if pk in chips],
                photo_url_of(person),
            )
        )
    return rows


def list_url(vault: Vault, **params: Any) -> str:
    """The list's address with the given parameters (empty ones left out)."""
    query = {"vault": vault.pk, **{key: value for key, value in params.items() if value}}
    return f"{reverse('people:list')}?{urlencode(query)}"


@require_GET
@login_required
@kept_page
def people_list(request: HtmxHttpRequest) -> HttpResponse:
    """Everyone in the current vault, A to Z by surname; or the best matches for ``q``."""
    vault = current_vault(request)
    context = list_context(request, vault)
    if request.htmx.target == RESULTS_ID and not request.htmx.history_restore_request:
        response = render(request, f"{TEMPLATE}#results", context)
    else:
        response = render(request, TEMPLATE, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_POST
@login_required
def bulk_tag(request: HttpRequest) -> HttpResponse:
    """Add a tag to (or remove it from) the ticked people, then back to the same list.

    The list's own parameters ride along in the query string, so an error re-renders the same
    list with the ticks kept and the problem next to the tag chooser.
    """
    user = signed_in_user(request)
    vault = current_vault(request)
    require_writer(user, vault)
    form = BulkTagForm(request.POST, vault=vault)
    if not form.is_valid():
        return render(request, TEMPLATE, list_context(request, vault, bulk_form=form))
    people = list(form.cleaned_data["person"])
    with transaction.atomic():
        tag = form.chosen_tag()
        if form.cleaned_data["action"] == BulkTagForm.REMOVE:
            changed = tagging.untag_people(vault, tag, people)
            message = ngettext(
                "Removed “%(tag)s” from %(count)d person.",
                "Removed “%(tag)s” from %(count)d people.",
                changed,
            )
        else:
            changed = tagging.tag_people(vault, tag, people)
            message = ngettext(
                "Tagged %(count)d person with “%(tag)s”.",
                "Tagged %(count)d people with “%(tag)s”.",
                changed,
            )
    messages.success(request, message % {"tag": tag.name, "count": changed})
    return redirect(_same_list(request, vault))


def _same_list(request: HttpRequest, vault: Vault) -> str:
    keep = ("q", "tag", "archived", *CURSORS)
    return list_url(vault, **{key: request.GET.get(key, "")[:200] for key in keep})


def list_context(
    request: HttpRequest, vault: Vault, *, bulk_form: BulkTagForm | None = None
) -> dict[str, Any]:
    """Everything the list page (or its results partial) shows; a bounded number of queries."""
    user = signed_in_user(request)
    tags = tagging.alphabetical(Tag.objects.filter(vault=vault))
    form = PeopleFilterForm(request.GET, tags=tags)
    query, tag, include_archived = form.query, form.chosen_tag, form.include_archived
    filters = {
        "q": query,
        "tag": tag.pk if tag else "",
        "archived": "1" if include_archived else "",
    }
    writer = can_write(user, vault)
    context: dict[str, Any] = {
        "vault": vault,
        "form": form,
        "query": query,
        "tag": tag,
        "tags": tags,
        "include_archived": include_archived,
        "can_write": writer,
        "results_id": RESULTS_ID,
        # The bulk form posts back with the list's own parameters: it returns to the same page.
        "list_query": urlencode(
            {
                "vault": vault.pk,
                **{key: value for key, value in filters.items() if value},
                **{key: request.GET[key][:40] for key in CURSORS if request.GET.get(key)},
            }
        ),
        "reset_url": list_url(vault),
        "with_archived_url": list_url(vault, **{**filters, "archived": "1"}),
        "sections": [],
        "groups": [],
        "previous_url": "",
        "next_url": "",
        "total": 0,
        "search_capped": False,
        "max_tag_length": tagging.NAME_MAX_LENGTH,
    }
    if query:
        people = directory.search(vault, query, tag=tag, include_archived=include_archived)
        context["groups"] = [Group("", len(people), rows_of(vault, people, tags))] if people else []
        context["total"] = len(people)
        context["search_capped"] = len(people) >= directory.SEARCH_LIMIT
        shown = people
    else:
        listed = directory.listed_people(vault, tag=tag, include_archived=include_archived)
        sections = directory.kept_sections(vault, tag=tag, include_archived=include_archived)
        total = sum(section.count for section in sections)
        window = directory.Window([], has_previous=False, has_next=False)
        if total:
            after = directory.cursor_of(vault, request.GET.get("after"))
            before = None if after else directory.cursor_of(vault, request.GET.get("before"))
            start = "" if after or before else request.GET.get("from", "")[:40]
            window = directory.window(listed, after=after, before=before, start=start)
        shown = window.people
        counts = {section.label: section.count for section in sections}
        groups: list[Group] = []
        for row in rows_of(vault, shown, tags):
            label = directory.section_label(row.person.sort_key)
            if not groups or groups[-1].label != label:
                groups.append(Group(label, counts.get(label, 0)))
            groups[-1].rows.append(row)
        on_page = {group.label for group in groups}
        context.update(
            total=total,
            groups=groups,
            sections=[
                SectionLink(
                    section.label,
                    section.count,
                    list_url(vault, **filters, **{"from": section.start}),
                    section.label in on_page,
                )
                for section in sections
            ],
            previous_url=(
                list_url(vault, **filters, before=window.first.pk)
                if window.has_previous and window.first
                else ""
            ),
            next_url=(
                list_url(vault, **filters, after=window.last.pk)
                if window.has_next and window.last
                else ""
            ),
            past_the_end=total > 0 and not shown,
        )
    if bulk_form is not None or (writer and shown):
        context["bulk_form"] = bulk_form or BulkTagForm(vault=vault, tags=tags)
        picked = request.POST.getlist("person") if bulk_form is not None else []
        picked_ids = (positive_id(raw) for raw in picked)
        context["picked"] = {person_id for person_id in picked_ids if person_id is not None}
    context["summary"] = _summary(context)
    return context


def _summary(context: dict[str, Any]) -> str:
    """One sentence saying what the list shows, also announced to screen readers."""
    total: int = context["total"]
    shown = number_format(total, force_grouping=True)
    query: str = context["query"]
    tag: Tag | None = context["tag"]
    if query:
        if not total:
            return _("No one matches “%(query)s”.") % {"query": query}
        if context["search_capped"]:
            return _("The best %(count)s matches for “%(query)s”; type more to narrow it down.") % {
                "count": shown,
                "query": query,
            }
        if total == 1:  # "best match first" says nothing about a single result
            return _("One person matches “%(query)s”.") % {"query": query}
        return ngettext(
            "%(count)s person matches “%(query)s”, best match first.",
            "%(count)s people match “%(query)s”, best match first.",
            total,
        ) % {"count": shown, "query": query}
    if tag is not None:
        return ngettext(
            "One person tagged “%(tag)s”.", "%(count)s people tagged “%(tag)s”.", total
        ) % {"count": shown, "tag": tag.name}
    return ngettext("One person.", "%(count)s people.", total) % {"count": shown}


urlpatterns: list[URLPattern] = [
    path("", people_list, name="list"),
    path("bulk-tag/", bulk_tag, name="bulk_tag"),
]
