"""People pages: tags (create, rename, recolour, delete after a confirmation)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aandacht.accounts.models import Vault
from aandacht.people import tagging
from aandacht.people.forms_tags import TagForm
from aandacht.people.models import Person, Tag
from aandacht.web.access import (
    can_write,
    current_vault,
    remember_vault,
    require_writer,
    signed_in_user,
)

TEMPLATE = "people/tags.html"


def tags_url(vault: Vault) -> str:
    return f"{reverse('people:tags')}?{urlencode({'vault': vault.pk})}"


def tag_for(request: HttpRequest, pk: int, *, write: bool = False) -> Tag:
    """A tag of one of the user's vaults (404 otherwise); ``write`` needs owner or editor."""
    user = signed_in_user(request)
    tag = Tag.objects.select_related("vault").filter(pk=pk, vault__memberships__user=user).first()
    if tag is None:
        raise Http404("no such tag")
    if write:
        require_writer(user, tag.vault)
    remember_vault(request, tag.vault_id)
    return tag


@require_GET
@login_required
def tags_page(request: HttpRequest) -> HttpResponse:
    """The vault's tags with how many people carry each; writers can change them here."""
    vault = current_vault(request)
    return render(request, TEMPLATE, _context(request, vault))


@require_POST
@login_required
def tag_create(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    vault = current_vault(request)
    require_writer(user, vault)
    form = TagForm(request.POST, vault=vault, auto_id="new-tag-%s")
    if form.is_valid():
        try:
            tag = tagging.create_tag(vault, form.cleaned_data["name"], form.cleaned_data["colour"])
        except tagging.TagProblem as problem:
            form.add_error(problem.field, problem.message)
        else:
            messages.success(request, _("Tag “%(name)s” created.") % {"name": tag.name})
            return redirect(tags_url(vault))
    return render(request, TEMPLATE, _context(request, vault, create_form=form))


@require_POST
@login_required
def tag_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Rename and recolour one tag; an error re-renders the page with it next to the field."""
    tag = tag_for(request, pk, write=True)
    vault = tag.vault
    form = TagForm(request.POST, vault=vault, tag=tag, auto_id=f"tag-{tag.pk}-%s")
    if form.is_valid():
        try:
            tagging.update_tag(
                tag, name=form.cleaned_data["name"], colour=form.cleaned_data["colour"]
            )
        except tagging.TagProblem as problem:
            form.add_error(problem.field, problem.message)
        else:
            messages.success(request, _("Tag “%(name)s” saved.") % {"name": tag.name})
            return redirect(tags_url(vault))
    return render(request, TEMPLATE, _context(request, vault, edit_forms={tag.pk: form}))


@require_http_methods(["GET", "POST"])
@login_required
def tag_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask first (GET), then delete (POST). The people stay; only the tag goes."""
    tag = tag_for(request, pk, write=True)
    vault = tag.vault
    if request.method == "POST":
        name = tag.name
        count = tagging.delete_tag(tag)
        messages.success(
            request,
            ngettext(
                "Tag “%(name)s” deleted; it was taken off %(count)d person.",
                "Tag “%(name)s” deleted; it was taken off %(count)d people.",
                count,
            )
            % {"name": name, "count": count},
        )
        return redirect(tags_url(vault))
    count = Person.objects.filter(tags=tag, trashed_at__isnull=True).count()
    return render(
        request,
        "people/tags_delete.html",
        {"tag": tag, "vault": vault, "count": count, "cancel_url": tags_url(vault)},
    )


def _context(
    request: HttpRequest,
    vault: Vault,
    *,
    create_form: TagForm | None = None,
    edit_forms: dict[int, TagForm] | None = None,
) -> dict[str, Any]:
    writer = can_write(signed_in_user(request), vault)
    tags = tagging.tags_of(vault)
    rows = []
    for tag in tags:
        form = None
        if writer:
            form = (edit_forms or {}).get(tag.pk) or TagForm(
                vault=vault, tag=tag, auto_id=f"tag-{tag.pk}-%s"
            )
        rows.append((tag, form))
    return {
        "vault": vault,
        "rows": rows,
        "can_write": writer,
        "create_form": (create_form or TagForm(vault=vault, auto_id="new-tag-%s"))
        if writer
        else None,
        "palette": tagging.PALETTE,
        "list_url": f"{reverse('people:list')}?{urlencode({'vault': vault.pk})}",
    }


urlpatterns: list[URLPattern] = [
    path("tags/", tags_page, name="tags"),
    path("tags/new/", tag_create, name="tag_create"),
    path("tags/<int:pk>/", tag_edit, name="tag_edit"),
    path("tags/<int:pk>/delete/", tag_delete, name="tag_delete"),
]
