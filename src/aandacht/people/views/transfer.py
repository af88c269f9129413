"""People pages: move or copy a person to another vault you can edit.

``GET /people/<id>/transfer/`` asks where to and whether to move or copy (a plain GET form, so
it works without JavaScript); with ``?to=<vault>&mode=move|copy`` it shows exactly what will
happen. The POST does it, in one transaction, and lands on the person in the target vault,
which becomes the current vault. A person or target vault you are not a member of is a 404;
a vault you may only read, on either side, is a 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from aandacht.accounts.models import Vault
from aandacht.people import transfer_core
from aandacht.people.models import Person
from aandacht.people.transfer import (
    COPY,
    MODES,
    MOVE,
    Mode,
    TransferError,
    copy_person,
    move_person,
    plan_transfer,
    writable_vaults,
)
from aandacht.web.access import (
    can_write,
    person_for,
    positive_id,
    remember_vault,
    signed_in_user,
)


class BadChoice(ValueError):
    """A form value that cannot be right (not a number, not a mode): a 400 with the reason."""


def _target(user: User, raw: str | None) -> Vault:
    """The vault named by the form: not a number is a 400, not yours a 404, read-only a 403."""
    vault_id = positive_id(raw)
    if vault_id is None:
        raise BadChoice(_("Choose the vault to move or copy to from the list."))
    vault = Vault.objects.filter(pk=vault_id, memberships__user=user).first()
    if vault is None:
        raise Http404("no such vault")
    if not can_write(user, vault):
        raise PermissionDenied("viewers cannot add people to this vault")
    return vault


def _mode(raw: str | None) -> Mode:
    for mode in MODES:
        if raw == mode:
            return mode
    raise BadChoice(_("Choose whether to move or to copy."))


def _detail(person: Person) -> str:
    return reverse("people:detail", args=[person.pk])


def _choose(
    request: HttpRequest, person: Person, user: User, error: str = "", status: int = 200
) -> HttpResponse:
    """The first step: where to, and move or copy."""
    targets = writable_vaults(user, exclude=person.vault)
    chosen = request.GET.get("to") or request.POST.get("to") or ""
    if not chosen and len(targets) == 1:
        chosen = str(targets[0].pk)
    context = {
        "person": person,
        "vault": person.vault,
        "targets": targets,
        "chosen": chosen,
        "mode": request.GET.get("mode") or request.POST.get("mode") or MOVE,
        "error": error,
    }
    return render(request, "people/transfer.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def transfer(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose, confirm, then move or copy; every answer says what happened or why not."""
    user = signed_in_user(request)
    person = person_for(request, pk, write=True)
    data = request.POST if request.method == "POST" else request.GET
    if request.method == "GET" and ("back" in data or not ("to" in data or "mode" in data)):
        return _choose(request, person, user)
    try:
        target = _target(user, data.get("to"))
        mode = _mode(data.get("mode"))
    except BadChoice as error:
        return _choose(request, person, user, str(error), status=400)
    if request.method == "POST":
        return _do(request, user, person, target, mode)
    try:
        plan = plan_transfer(user, person, target, mode)
    except TransferError as error:
        return _choose(request, person, user, str(error), status=400)
    context = {
        "person": person,
        "vault": person.vault,
        "plan": plan,
        "token": transfer_core.new_token(),
    }
    return render(request, "people/transfer_confirm.html", context)


def _do(
    request: HttpRequest, user: User, person: Person, target: Vault, mode: Mode
) -> HttpResponse:
    raw_from = request.POST.get("from", "")
    source_id = positive_id(raw_from) if raw_from else None
    if raw_from and source_id is None:
        return _choose(request, person, user, _("This form is damaged; open it again."), 400)
    if mode == COPY and person.vault_id == target.pk:
        error = _("%(vault)s is the vault they are in already; choose another vault.")
        return _choose(request, person, user, error % {"vault": target.name}, 400)
    name, source_name = person.name, person.vault.name
    try:
        if mode == COPY:
            done = copy_person(user, person, target, request.POST.get("token", ""))
        else:
            done = move_person(user, person, target, expected_source=source_id)
    except TransferError as error:
        # Blocked by someone's private entries, moved elsewhere meanwhile, an expired form.
        return _choose(request, person, user, str(error), status=409)
    remember_vault(request, target.pk)
    words = {"name": name, "vault": target.name, "from": source_name}
    if mode == MOVE and done.changed:
        messages.success(request, _("%(name)s is moved to “%(vault)s”.") % words)
    elif mode == MOVE:
        messages.info(request, _("%(name)s is already in “%(vault)s”.") % words)
    elif done.changed:
        messages.success(
            request,
            _("%(name)s is copied to “%(vault)s”; the original stays in “%(from)s”.") % words,
        )
    else:
        messages.info(request, _("This copy of %(name)s was already made.") % words)
    return redirect(_detail(done.person))


urlpatterns: list[URLPattern] = [
    path("<int:pk>/transfer/", transfer, name="transfer"),
]
