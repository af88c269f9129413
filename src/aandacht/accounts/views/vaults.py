"""Vaults and their members: the list of your vaults, one vault's members and roles.

Someone who is not a member of a vault gets a 404 for every one of its pages (its existence is
not revealed). Members see who else is in it; only an owner manages it: every management POST
from an editor or viewer is a 403. Anyone may leave, except the last owner. Every form is a
plain POST followed by a redirect, with a message saying what happened.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aandacht.accounts import invitations, members
from aandacht.accounts.members import VAULT_NAME_MAX, MemberProblem
from aandacht.accounts.models import Membership, Role, Vault
from aandacht.accounts.services import AccountProblem, request_origin
from aandacht.accounts.views.users import invited_message
from aandacht.web.access import CURRENT_VAULT, positive_id, signed_in_user


class VaultNameForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=VAULT_NAME_MAX)


class AddMemberForm(forms.Form):
    user = forms.CharField(label=gettext_lazy("Username or email address"), max_length=254)
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices, initial="editor")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not members.email_matching_allowed():
            field = self.fields["user"]
            field.label = _("Username")
            field.help_text = _(
                "By username only: with open sign-up anyone can register any email address."
            )


class InviteMemberForm(forms.Form):
    email = forms.CharField(
        label=gettext_lazy("Email address"), max_length=254, widget=forms.EmailInput
    )
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices, initial="editor")


class DeleteForm(forms.Form):
    confirm = forms.CharField(label=gettext_lazy("The vault's name"), max_length=VAULT_NAME_MAX)


def membership_for(request: HttpRequest, vault_id: int) -> Membership:
    """The signed-in user's membership of the vault, or a 404 (not theirs, or no such vault)."""
    pk = positive_id(str(vault_id))
    membership = members.membership_of(signed_in_user(request), pk) if pk else None
    if membership is None:
        raise Http404("no such vault")
    return membership


def owner_of(request: HttpRequest, vault_id: int) -> Vault:
    """The vault, for a management action: 404 for a non-member, 403 for a non-owner."""
    membership = membership_for(request, vault_id)
    members.require_owner(membership.user, membership.vault)
    return membership.vault


def first_error(form: forms.Form) -> str:
    for errors in form.errors.values():
        for error in errors:
            return str(error)
    return _("Check the form.")


# --- Your vaults --------------------------------------------------------------------------


@login_required
@require_GET
def vault_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    context = {"summaries": members.summaries_for(user), "form": VaultNameForm()}
    return render(request, "accounts/vaults.html", context)


@login_required
@require_POST
def vault_create(request: HttpRequest) -> HttpResponse:
    """A new shared vault with you as its owner; then its page, to add members."""
    user = signed_in_user(request)
    form = VaultNameForm(request.POST)
    if form.is_valid():
        try:
            vault = members.create_vault(user, form.cleaned_data["name"])
        except MemberProblem as problem:
            form.add_error("name", problem.message)
        else:
            messages.success(
                request,
                _("The vault “%(name)s” was created. Add the people you share it with.")
                % {"name": vault.name},
            )
            return redirect("accounts:vault", vault.pk)
    context = {"summaries": members.summaries_for(user), "form": form}
    return render(request, "accounts/vaults.html", context, status=400)


# --- One vault ------------------------------------------------------------------------------


def vault_context(membership: Membership) -> dict[str, Any]:
    vault = membership.vault
    is_owner = membership.role == Role.OWNER
    return {
        "vault_shown": vault,
        "membership": membership,
        "is_owner": is_owner,
        "last_owner": is_owner and members.is_last_owner(vault, membership.user),
        "members": members.members_of(vault),
        "roles": Role.choices,
        "invitations": invitations.pending(vault=vault) if is_owner else [],
        "may_invite": invitations.may_invite_new_people(membership.user),
        "now": timezone.now(),
        # Distinct ids: the forms share field names (role), and a label must find its field.
        "add_form": AddMemberForm(auto_id="add_%s"),
        "invite_form": InviteMemberForm(auto_id="invite_%s"),
        "rename_form": VaultNameForm(auto_id="rename_%s", initial={"name": vault.name}),
    }


@login_required
@require_GET
def vault_page(request: HttpRequest, vault_id: int) -> HttpResponse:
    membership = membership_for(request, vault_id)
    return render(request, "accounts/vaults_detail.html", vault_context(membership))


def refused(request: HttpRequest, vault: Vault, problem: MemberProblem | AccountProblem) -> None:
    messages.error(request, problem.message)


@login_required
@require_POST
def member_add(request: HttpRequest, vault_id: int) -> HttpResponse:
    """Share the vault with an existing user (by username, or by email address while open
    sign-up is off), or change their role."""
    vault = owner_of(request, vault_id)
    form = AddMemberForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("accounts:vault", vault.pk)
    try:
        user = members.find_user(form.cleaned_data["user"])
        shared = members.share(vault, user, form.cleaned_data["role"], by=signed_in_user(request))
    except MemberProblem as problem:
        refused(request, vault, problem)
    else:
        say_shared(request, shared)
    return redirect("accounts:vault", vault.pk)


def say_shared(request: HttpRequest, shared: members.Shared) -> None:
    membership = shared.membership
    names = {
        "name": members.display_name(membership.user),
        "vault": membership.vault.name,
        "role": membership.get_role_display(),
    }
    if shared.outcome == "added":
        message = _("%(name)s is now a member of “%(vault)s” (%(role)s).") % names
    elif shared.outcome == "changed":
        message = _("%(name)s is now %(role)s of “%(vault)s”.") % names
    else:
        message = _("%(name)s was already %(role)s of “%(vault)s”; nothing changed.") % names
    messages.success(request, message)


@login_required
@require_POST
def member_invite(request: HttpRequest, vault_id: int) -> HttpResponse:
    """Invite someone without an account by email, straight into this vault.

    Only for those who may invite new people (the instance owner; any vault owner while open
    sign-up is on); the service refuses anyone else with a message saying so.
    """
    vault = owner_of(request, vault_id)
    form = InviteMemberForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("accounts:vault", vault.pk)
    try:
        invitation, secret = invitations.invite(
            signed_in_user(request),
            form.cleaned_data["email"],
            vault=vault,
            role=form.cleaned_data["role"],
            origin=request_origin(request),
        )
    except (MemberProblem, AccountProblem) as problem:
        refused(request, vault, problem)
    else:
        invited_message(request, invitation, secret)
    return redirect("accounts:vault", vault.pk)


def member_in(vault: Vault, user_id: int) -> User:
    """A member of ``vault`` by user id; anyone else is a 404."""
    pk = positive_id(str(user_id))
    membership = (
        Membership.objects.select_related("user").filter(vault=vault, user_id=pk or 0).first()
    )
    if membership is None:
        raise Http404("no such member")
    return membership.user


@login_required
@require_POST
def member_role(request: HttpRequest, vault_id: int, user_id: int) -> HttpResponse:
    vault = owner_of(request, vault_id)
    user = member_in(vault, user_id)
    try:
        shared = members.set_role(
            vault, user, request.POST.get("role", ""), by=signed_in_user(request)
        )
    except MemberProblem as problem:
        refused(request, vault, problem)
    else:
        say_shared(request, shared)
    return redirect("accounts:vault", vault.pk)


@login_required
@require_POST
def member_remove(request: HttpRequest, vault_id: int, user_id: int) -> HttpResponse:
    vault = owner_of(request, vault_id)
    user = member_in(vault, user_id)
    try:
        members.remove_member(vault, user, by=signed_in_user(request))
    except MemberProblem as problem:
        refused(request, vault, problem)
        return redirect("accounts:vault", vault.pk)
    messages.success(
        request,
        _("%(name)s is no longer a member of “%(vault)s”.")
        % {"name": members.display_name(user), "vault": vault.name},
    )
    if user == signed_in_user(request):
        return redirect("accounts:vaults")
    return redirect("accounts:vault", vault.pk)


@login_required
@require_POST
def vault_leave(request: HttpRequest, vault_id: int) -> HttpResponse:
    """Leave a vault (any member); the last owner is told to hand it over or delete it."""
    membership = membership_for(request, vault_id)
    vault = membership.vault
    try:
        members.remove_member(vault, membership.user, by=membership.user)
    except MemberProblem as problem:
        refused(request, vault, problem)
        return redirect("accounts:vault", vault.pk)
    forget_current(request, vault.pk)
    messages.success(request, _("You left “%(vault)s”.") % {"vault": vault.name})
    return redirect("accounts:vaults")


def forget_current(request: HttpRequest, vault_pk: int) -> None:
    if request.session.get(CURRENT_VAULT) == vault_pk:
        request.session.pop(CURRENT_VAULT, None)


@login_required
@require_POST
def vault_rename(request: HttpRequest, vault_id: int) -> HttpResponse:
    vault = owner_of(request, vault_id)
    form = VaultNameForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("accounts:vault", vault.pk)
    try:
        changed = members.rename_vault(vault, form.cleaned_data["name"])
    except MemberProblem as problem:
        refused(request, vault, problem)
    else:
        if changed:
            messages.success(
                request, _("The vault is now called “%(name)s”.") % {"name": vault.name}
            )
    return redirect("accounts:vault", vault.pk)


@login_required
@require_http_methods(["GET", "POST"])
def vault_delete(request: HttpRequest, vault_id: int) -> HttpResponse:
    """The confirmation page (type the name), then the vault and everything in it is gone."""
    vault = owner_of(request, vault_id)
    form = DeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        name = vault.name
        try:
            members.delete_vault(vault, form.cleaned_data["confirm"])
        except MemberProblem as problem:
            form.add_error("confirm", problem.message)
        else:
            forget_current(request, vault_id)
            messages.success(request, _("The vault “%(name)s” was deleted.") % {"name": name})
            return redirect("accounts:vaults")
    context = {"vault_shown": vault, "form": form}
    return render(
        request, "accounts/vaults_delete.html", context, status=400 if form.errors else 200
    )


urlpatterns: list[URLPattern] = [
    path("vaults/", vault_list, name="vaults"),
    path("vaults/new/", vault_create, name="vault_create"),
    path("vaults/<int:vault_id>/", vault_page, name="vault"),
    path("vaults/<int:vault_id>/members/", member_add, name="vault_member_add"),
    path("vaults/<int:vault_id>/invite/", member_invite, name="vault_invite"),
    path(
        "vaults/<int:vault_id>/members/<int:user_id>/role/", member_role, name="vault_member_role"
    ),
    path(
        "vaults/<int:vault_id>/members/<int:user_id>/remove/",
        member_remove,
        name="vault_member_remove",
    ),
    path("vaults/<int:vault_id>/rename/", vault_rename, name="vault_rename"),
    path("vaults/<int:vault_id>/leave/", vault_leave, name="vault_leave"),
    path("vaults/<int:vault_id>/delete/", vault_delete, name="vault_delete"),
]
