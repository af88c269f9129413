"""The person page: a briefing before you meet someone, editable in place section by section.

Every section has a display fragment (``people/includes/detail_<section>.html``) and an edit
URL. With htmx the edit URL swaps the section for its form and a save swaps the rendered
section back; without JavaScript the same URLs render a full page and a save redirects to the
person page. Viewers see no edit controls and get a 403 on every edit URL.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.cache import patch_vary_headers
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aandacht.people import briefing, editing
from aandacht.people import forms as person_forms
from aandacht.people.models import (
    Address,
    ContactMethod,
    ImportantDate,
    Person,
)
from aandacht.web.access import HtmxHttpRequest, can_write, person_for, signed_in_user
from aandacht.web.kept_pages import kept_page

# Sections -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """One editable part of the page; ``collection`` sections hold a list of items."""

    name: str
    title: Promise
    collection: bool = False
    item_editable: bool = True
    editable: bool = True

    @property
    def anchor(self) -> str:
        return f"section-{self.name}"


SECTIONS: dict[str, Section] = {
    section.name: section
    for section in (
        Section("name", gettext_lazy("name")),
        Section("photo", gettext_lazy("photo")),
        Section("work", gettext_lazy("work")),
        Section("tags", gettext_lazy("tags")),
        Section("words", gettext_lazy("in their words")),
        Section("met", gettext_lazy("how we met")),
        Section("contacts", gettext_lazy("contact details"), collection=True),
        Section("dates", gettext_lazy("important dates"), collection=True),
        Section(
            "relationships", gettext_lazy("relationships"), collection=True, item_editable=False
        ),
        Section("addresses", gettext_lazy("addresses"), collection=True),
        # Written from the timeline panel; shown here, refreshed when the timeline changes.
        Section("followups", gettext_lazy("open follow-ups"), editable=False),
        Section("moments", gettext_lazy("moments"), editable=False),
        Section("lastcontact", gettext_lazy("last contact"), editable=False),
        Section("rounds", gettext_lazy("check-in rounds"), editable=False),
    )
}


def _section(name: str) -> Section:
    section = SECTIONS.get(name)
    if section is None:
        raise Http404("no such section")
    return section


def _base_context(request: HtmxHttpRequest, person: Person) -> dict[str, Any]:
    writer = can_write(signed_in_user(request), person.vault)
    return {"person": person, "can_write": writer, "sections": SECTIONS}


def _section_context(
    request: HtmxHttpRequest,
    person: Person,
    names: Iterable[str],
    known: briefing.OnFile | None = None,
) -> dict[str, Any]:
    wanted = list(names)
    context = _base_context(request, person)
    context.update(briefing.section_data(person, signed_in_user(request), wanted, known))
    if "tags" in wanted:
        context["tag_list_url"] = _people_list_url()
    return context


def _people_list_url() -> str:
    """Where a tag chip leads: everyone with that tag (when the people list exists)."""
    try:
        return reverse("people:list")
    except NoReverseMatch:
        return ""


# The page -------------------------------------------------------------------------------------


@require_GET
@login_required
@kept_page
def detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The briefing: who they are, how you met, how to reach them, what is coming up."""
    person = person_for(request, pk, include_trashed=True)
    if person.trashed_at is not None:
        # In the trash of one of your vaults: say so (with Restore), still a 404. Anyone
        # else got the plain 404 above, so a URL tells outsiders nothing.
        user = signed_in_user(request)
        trashed = {"person": person, "can_write": can_write(user, person.vault)}
        return render(request, "people/detail_trashed.html", trashed, status=404)
    # What they have on file at all, asked once: the sections and the timeline skip the
    # tables that hold nothing of theirs.
    known = briefing.on_file(person)
    context = _section_context(request, person, SECTIONS, known)
    context["on_file"] = known
    context["actions"] = lifecycle_actions(person) if context["can_write"] else []
    return render(request, "people/detail.html", context)


@dataclass(frozen=True)
class Action:
    """An entry in the "More" menu: a POST to a lifecycle URL, or a link to a page of its own."""

    label: str
    url: str
    fields: tuple[tuple[str, str], ...] = ()
    danger: bool = False
    post: bool = True


def lifecycle_actions(person: Person) -> list[Action]:
    """The lifecycle actions whose URLs exist (they are built in ``views/lifecycle.py``)."""
    wanted = [
        Action(
            _("Bring back from the archive") if person.archived else _("Archive"),
            "people:archive",
            fields=(("archived", "0" if person.archived else "1"),),
        ),
        Action(
            _("No longer mark as deceased") if person.deceased else _("Mark as deceased"),
            "people:deceased",
            fields=(("deceased", "0" if person.deceased else "1"),),
        ),
        Action(_("Merge with a duplicate…"), "people:merge", post=False),
        Action(_("Move to the trash"), "people:trash", danger=True),
        Action(_("Forget for good…"), "people:forget", danger=True, post=False),
    ]
    actions = []
    for action in wanted:
        try:
            url = reverse(action.url, args=[person.pk])
        except NoReverseMatch:
            continue
        actions.append(replace(action, url=url))
    return actions


@require_GET
@login_required
def section(request: HtmxHttpRequest, pk: int, name: str) -> HttpResponse:
    """One section as shown on the page (what Cancel and Done swap back in)."""
    spec = _section(name)
    person = person_for(request, pk)
    if not request.htmx:
        return redirect(_detail_url(person, spec))
    return _render_section(request, person, spec)


def _render_section(
    request: HtmxHttpRequest, person: Person, spec: Section, status: str = ""
) -> HttpResponse:
    context = _section_context(request, person, [spec.name])
    context["status"] = status
    response = render(request, f"people/includes/detail_{spec.name}.html", context)
    if spec.name == "name" and status:
        # The initials on the avatar follow the name.
        context["oob"] = True
        response.write(render_to_string("people/includes/detail_photo.html", context, request))
    patch_vary_headers(response, ["HX-Request"])
    return response


def _detail_url(person: Person, spec: Section | None = None) -> str:
    url = reverse("people:detail", args=[person.pk])
    return f"{url}#{spec.anchor}" if spec else url


def _edit_url(person: Person, spec: Section) -> str:
    return reverse("people:edit", args=[person.pk, spec.name])


# Single-form sections -------------------------------------------------------------------------


def _auto_id(spec: Section) -> str:
    """Field ids per section ("id_dates-kind"), so two editors open at once never share one.

    Only the ids change, not the field names: plain POSTs without JavaScript stay the same.
    """
    return f"id_{spec.name}-%s"


def _single_form(spec: Section, person: Person, request: HtmxHttpRequest) -> django_forms.BaseForm:
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    auto_id = _auto_id(spec)
    if spec.name == "name":
        return person_forms.NameForm(data, instance=person, auto_id=auto_id)
    if spec.name == "work":
        return person_forms.WorkForm(data, instance=person, auto_id=auto_id)
    if spec.name == "met":
        return person_forms.MetForm(data, instance=person, auto_id=auto_id)
    if spec.name == "words":
        return person_forms.WordsForm(data, instance=person, auto_id=auto_id)
    if spec.name == "tags":
        return person_forms.TagsForm(
            data, person=person, initial={"tags": list(person.tags.all())}, auto_id=auto_id
        )
    if spec.name == "photo":
        return person_forms.PhotoForm(data, files, auto_id=auto_id)
    raise Http404("no such section")


def _save_single(spec: Section, person: Person, form: django_forms.BaseForm) -> str:
    cleaned = form.cleaned_data
    if isinstance(form, django_forms.ModelForm):
        fields = form._meta.fields or []
        editing.update_person(person, {field: cleaned[field] for field in fields})
        return _("Saved.")
    if isinstance(form, person_forms.TagsForm):
        editing.replace_tags(person, cleaned["tags"], cleaned["new_tags"])
        return _("Tags saved.")
    if isinstance(form, person_forms.PhotoForm):
        upload = cleaned.get("photo")
        if upload:
            editing.set_photo(person, upload, upload.size)
            return _("Photo saved.")
        editing.remove_photo(person)
        return _("Photo removed.")
    raise Http404("no such section")


@require_http_methods(["GET", "POST"])
@login_required
def edit(request: HtmxHttpRequest, pk: int, name: str) -> HttpResponse:
    """The form of one section; for a list (contact details, dates…) its editor and add form."""
    spec = _section(name)
    if not spec.editable:
        raise Http404("this section is written elsewhere")
    person = person_for(request, pk, write=True)
    if spec.collection:
        return _collection_editor(request, person, spec)
    form = _single_form(spec, person, request)
    if request.method == "POST" and form.is_valid():
        try:
            status = _save_single(spec, person, form)
        except ValueError as error:
            form.add_error(None, str(error))
        else:
            return _done(request, person, spec, status)
    if request.method == "POST":
        # A ModelForm changed the person in memory while validating; show what is stored.
        person.refresh_from_db()
    return _render_form(
        request,
        person,
        spec,
        form,
        action=_edit_url(person, spec),
        cancel=reverse("people:section", args=[person.pk, spec.name]),
        cancel_plain=_detail_url(person, spec),
    )


def _done(request: HtmxHttpRequest, person: Person, spec: Section, status: str) -> HttpResponse:
    if request.htmx:
        person.refresh_from_db()
        return _render_section(request, person, spec, status)
    messages.success(request, status)
    return redirect(_detail_url(person, spec))


def _render_form(
    request: HtmxHttpRequest,
    person: Person,
    spec: Section,
    form: django_forms.BaseForm,
    *,
    action: str,
    cancel: str,
    cancel_plain: str,
    item_title: str = "",
) -> HttpResponse:
    context = {
        **_base_context(request, person),
        "section": spec,
        "form": form,
        "action": action,
        "cancel": cancel,
        "cancel_plain": cancel_plain,
        "item_title": item_title,
        "multipart": form.is_multipart(),
        "fragment": "people/edit_form.html",
    }
    template = "people/edit_form.html" if request.htmx else "people/edit_page.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# List sections: contact details, dates, relationships, addresses -----------------------------


def _collection_form(
    spec: Section, person: Person, data: Any = None, instance: Any = None
) -> django_forms.BaseForm:
    auto_id = _auto_id(spec)
    if spec.name == "contacts":
        initial = (
            {"kind": instance.kind, "value": instance.value, "label": instance.label}
            if instance
            else None
        )
        return person_forms.ContactForm(data, initial=initial, auto_id=auto_id)
    if spec.name == "dates":
        initial = (
            {
                "kind": instance.kind,
                "label": instance.label,
                "day": instance.day,
                "month": instance.month,
                "year": instance.year,
            }
            if instance
            else None
        )
        return person_forms.DateForm(data, initial=initial, auto_id=auto_id)
    if spec.name == "relationships":
        return person_forms.RelationshipForm(data, person=person, auto_id=auto_id)
    if spec.name == "addresses":
        return person_forms.AddressForm(data, instance=instance, auto_id=auto_id)
    raise Http404("no such section")


def _add_item(spec: Section, person: Person, cleaned: dict[str, Any]) -> str:
    if spec.name == "contacts":
        editing.add_contact(person, cleaned["kind"], cleaned["value"], label=cleaned["label"])
        return _("Contact detail added.")
    if spec.name == "dates":
        editing.add_date(
            person,
            cleaned["kind"],
            cleaned["month"],
            cleaned["day"],
            cleaned["year"],
            cleaned["label"],
        )
        return _("Date added.")
    if spec.name == "relationships":
        editing.add_relationship(person, cleaned["role"], cleaned["other"], cleaned["note"])
        return _("Relationship added.")
    if spec.name == "addresses":
        editing.add_address(person, cleaned)
        return _("Address added.")
    raise Http404("no such section")


def _collection_editor(
    request: HtmxHttpRequest, person: Person, spec: Section, status: str = ""
) -> HttpResponse:
    form = _collection_form(spec, person, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            status = _add_item(spec, person, form.cleaned_data)
        except ValueError as error:
            form.add_error(None, str(error))
        else:
            if not request.htmx:
                messages.success(request, status)
                return redirect(_detail_url(person, spec))
            form = _collection_form(spec, person)
    return _render_collection(request, person, spec, form, status)


def _render_collection(
    request: HtmxHttpRequest,
    person: Person,
    spec: Section,
    form: django_forms.BaseForm,
    status: str = "",
) -> HttpResponse:
    context = {
        **_base_context(request, person),
        "section": spec,
        "form": form,
        "items": briefing.editor_items(person, spec.name),
        "status": status,
        "action": _edit_url(person, spec),
        "done": reverse("people:section", args=[person.pk, spec.name]),
        "done_plain": _detail_url(person, spec),
        "fragment": "people/edit_collection.html",
    }
    template = "people/edit_collection.html" if request.htmx else "people/edit_page.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


ITEM_MODELS: dict[str, type[ContactMethod] | type[ImportantDate] | type[Address]] = {
    "contacts": ContactMethod,
    "dates": ImportantDate,
    "addresses": Address,
}


@require_http_methods(["GET", "POST"])
@login_required
def edit_item(request: HtmxHttpRequest, pk: int, name: str, item: int) -> HttpResponse:
    """Change one contact detail, date or address."""
    spec = _section(name)
    if not spec.collection or not spec.item_editable:
        raise Http404("no such section")
    person = person_for(request, pk, write=True)
    instance = ITEM_MODELS[spec.name].objects.filter(pk=item, person=person).first()
    if instance is None:
        raise Http404("no such item")
    form = _collection_form(
        spec, person, request.POST if request.method == "POST" else None, instance
    )
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        try:
            if isinstance(instance, ContactMethod):
                editing.update_contact(
                    instance, cleaned["kind"], cleaned["value"], label=cleaned["label"]
                )
            elif isinstance(instance, ImportantDate):
                editing.update_date(
                    instance,
                    cleaned["kind"],
                    cleaned["month"],
                    cleaned["day"],
                    cleaned["year"],
                    cleaned["label"],
                )
            else:
                editing.update_address(instance, cleaned)
        except ValueError as error:
            form.add_error(None, str(error))
        else:
            if not request.htmx:
                messages.success(request, _("Saved."))
                return redirect(_detail_url(person, spec))
            return _render_collection(
                request, person, spec, _collection_form(spec, person), _("Saved.")
            )
    return _render_form(
        request,
        person,
        spec,
        form,
        action=reverse("people:edit_item", args=[person.pk, spec.name, instance.pk]),
        cancel=_edit_url(person, spec),
        cancel_plain=_edit_url(person, spec),
        item_title=str(instance),
    )


@require_POST
@login_required
def remove_item(request: HtmxHttpRequest, pk: int, name: str, item: int) -> HttpResponse:
    """Remove a contact detail, date, relationship or address; removing it twice is fine."""
    spec = _section(name)
    if not spec.collection:
        raise Http404("no such section")
    person = person_for(request, pk, write=True)
    remove = {
        "contacts": editing.remove_contact,
        "dates": editing.remove_date,
        "addresses": editing.remove_address,
        "relationships": editing.remove_relationship,
    }[spec.name]
    remove(person, item)
    status = _("Removed.")
    if not request.htmx:
        messages.success(request, status)
        return redirect(_edit_url(person, spec))
    return _render_collection(request, person, spec, _collection_form(spec, person), status)


# The photo ------------------------------------------------------------------------------------


@require_GET
@login_required
def photo(request: HtmxHttpRequest, pk: int) -> FileResponse:
    """A person's photo, only for members of their vault (media files are not public)."""
    person = person_for(request, pk)
    if not person.photo:
        raise Http404("no photo")
    try:
        handle = person.photo.storage.open(person.photo.name, "rb")
    except FileNotFoundError:
        raise Http404("no photo") from None
    response = FileResponse(handle, content_type=editing.photo_content_type(person.photo.name))
    response["Cache-Control"] = "private, max-age=86400"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


urlpatterns: list[URLPattern] = [
    path("<int:pk>/", detail, name="detail"),
    path("<int:pk>/photo/", photo, name="photo"),
    path("<int:pk>/section/<slug:name>/", section, name="section"),
    path("<int:pk>/edit/<slug:name>/", edit, name="edit"),
    path("<int:pk>/edit/<slug:name>/<int:item>/", edit_item, name="edit_item"),
    path("<int:pk>/edit/<slug:name>/<int:item>/remove/", remove_item, name="remove_item"),
]
