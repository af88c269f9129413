"""Users of the instance: the instance owner's users page, invitations, open sign-up.

The users page is for the instance owner (a superuser) only; anyone else gets a 404, as for
any page that is not theirs. The invitation link and the "choose your password" link work for
whoever holds them; open sign-up exists only with ``OPEN_SIGNUP`` on.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db.models import Count, Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aandacht.accounts import invitations, two_factor
from aandacht.accounts.invitations import InvitationState
from aandacht.accounts.members import MemberProblem, membership_of
from aandacht.accounts.models import Invitation, Role, Vault
from aandacht.accounts.services import (
    AccountProblem,
    choose_password_tokens,
    create_user,
    email_configured,
    request_origin,
    set_password_link,
)
from aandacht.web.access import positive_id, signed_in_user

# Signing someone in right after they chose a password: the plain model backend (axes'
# backend needs the request's credentials, which a freshly made account has no need of).
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
USERNAME_MAX = User._meta.get_field("username").max_length or 150


def instance_owner(request: HttpRequest) -> User:
    """The signed-in superuser; anyone else gets a 404 (the page is not theirs)."""
    user = signed_in_user(request)
    if not (user.is_active and user.is_superuser):
        raise Http404("no such page")
    return user


# --- Forms --------------------------------------------------------------------------------


class NewUserForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Username"), max_length=USERNAME_MAX)
    email = forms.CharField(
        label=gettext_lazy("Email address"),
        max_length=254,
        required=False,
        widget=forms.EmailInput,
    )
    password = forms.CharField(
        label=gettext_lazy("Password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy(
            "Leave empty to get a one-time link where they choose their own password."
        ),
    )


def role_choices() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in Role.choices]


class InviteForm(forms.Form):
    email = forms.CharField(
        label=gettext_lazy("Email address"), max_length=254, widget=forms.EmailInput
    )
    vault = forms.TypedChoiceField(
        label=gettext_lazy("Into vault"), required=False, coerce=int, empty_value=None
    )
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices, initial="editor")

    def __init__(self, *args: Any, vaults: list[Vault], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        vault_field = self.fields["vault"]
        assert isinstance(vault_field, forms.TypedChoiceField)
        vault_field.choices = [("", _("No vault: only their own"))] + [
            (vault.pk, vault.name) for vault in vaults
        ]


class ChoosePasswordForm(forms.Form):
    """A username and a password (twice), checked by Django's password validators."""

    username = forms.CharField(
        label=gettext_lazy("Username"),
        max_length=USERNAME_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password1 = forms.CharField(
        label=gettext_lazy("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=gettext_lazy("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any] | None:
        data = super().clean()
        if data and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class SignUpForm(ChoosePasswordForm):
    email = forms.CharField(
        label=gettext_lazy("Email address"), max_length=254, widget=forms.EmailInput
    )


def add_problem(form: forms.Form, problem: AccountProblem | MemberProblem) -> None:
    field = problem.field if problem.field in form.fields else None
    if field is None and problem.field == "password" and "password1" in form.fields:
        field = "password1"
    form.add_error(field, problem.message)


# --- The users page -----------------------------------------------------------------------


def owned_vaults(user: User) -> list[Vault]:
    """The vaults the instance owner may invite people into: those they own."""
    return list(
        Vault.objects.filter(memberships__user=user, memberships__role=Role.OWNER).order_by(
            "is_demo", "name", "id"
        )
    )


def users_context(owner: User, **forms_: Any) -> dict[str, Any]:
    # Looked up by name: django-otp ships no type information.
    totp_device = apps.get_model("otp_totp", "TOTPDevice")
    two_factor = totp_device._default_manager.filter(user=OuterRef("pk"), confirmed=True)
    people = User.objects.annotate(
        vault_count=Count("memberships", distinct=True), two_factor=Exists(two_factor)
    ).order_by("-is_active", "username")
    vaults = owned_vaults(owner)
    return {
        "people": people,
        "invitations": invitations.pending(),
        # Distinct ids: both forms have an email field, and a label must find its own.
        "new_user_form": forms_.get("new_user_form") or NewUserForm(auto_id="new_%s"),
        "invite_form": forms_.get("invite_form") or InviteForm(auto_id="invite_%s", vaults=vaults),
        "email_configured": email_configured(),
        "may_invite": invitations.may_invite_new_people(owner),
        "now": timezone.now(),
    }


@login_required
@require_GET
def users_page(request: HttpRequest) -> HttpResponse:
    owner = instance_owner(request)
    return render(request, "accounts/users.html", users_context(owner))


@login_required
@require_POST
def user_create(request: HttpRequest) -> HttpResponse:
    """Create a user with a personal vault; without a password, show (and email) their link."""
    owner = instance_owner(request)
    form = NewUserForm(request.POST, auto_id="new_%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            user = create_user(
                data["username"], email=data["email"], password=data["password"] or None
            )
        except AccountProblem as problem:
            add_problem(form, problem)
        else:
            if user.has_usable_password():
                messages.success(request, _("%(name)s can sign in now.") % {"name": user.username})
            else:
                link = set_password_link(user, origin=request_origin(request))
                emailed = invitations.send_password_link(user, link, owner)
                messages.success(
                    request,
                    (
                        _(
                            "%(name)s was created. We emailed them a link to choose a password; "
                            "it works once: %(link)s"
                        )
                        if emailed
                        else _(
                            "%(name)s was created. Give them this link to choose a password; "
                            "it works once: %(link)s"
                        )
                    )
                    % {"name": user.username, "link": link},
                )
            return redirect("accounts:users")
    context = users_context(owner, new_user_form=form)
    return render(request, "accounts/users.html", context, status=400)


@login_required
@require_POST
def user_invite(request: HttpRequest) -> HttpResponse:
    owner = instance_owner(request)
    form = InviteForm(request.POST, auto_id="invite_%s", vaults=owned_vaults(owner))
    if form.is_valid():
        data = form.cleaned_data
        vault = None
        if data["vault"] is not None:
            membership = membership_of(owner, data["vault"])
            vault = membership.vault if membership else None
        try:
            invitation, secret = invitations.invite(
                owner,
                data["email"],
                vault=vault,
                role=data["role"],
                origin=request_origin(request),
            )
        except (AccountProblem, MemberProblem) as problem:
            add_problem(form, problem)
        else:
            invited_message(request, invitation, secret)
            return redirect("accounts:users")
    context = users_context(owner, invite_form=form)
    return render(request, "accounts/users.html", context, status=400)


def invited_message(request: HttpRequest, invitation: Invitation, secret: str) -> None:
    """The link, shown once; without a mail server it was not sent, so do not say it was."""
    values = {
        "email": invitation.email,
        "link": invitations.link_for(secret, origin=request_origin(request)),
    }
    if email_configured():
        text = _(
            "We sent an invitation to %(email)s. If it does not arrive, give them this link; "
            "it works once: %(link)s"
        )
    else:
        text = _(
            "The invitation to %(email)s is ready, but no email was sent (no email server is "
            "configured). Pass this link on to them yourself; it works once: %(link)s"
        )
    messages.success(request, text % values)


def invitation_to_manage(request: HttpRequest, invitation_id: int) -> Invitation:
    """A pending invitation the user may resend or revoke: the instance owner's, or one into
    a vault they own. Anything else is a 404."""
    user = signed_in_user(request)
    pk = positive_id(str(invitation_id))
    invitation = (
        Invitation.objects.select_related("vault", "invited_by")
        .filter(pk=pk or 0, accepted_at__isnull=True)
        .first()
    )
    if invitation is None:
        raise Http404("no such invitation")
    if user.is_superuser and user.is_active:
        return invitation
    if invitation.vault_id is not None:
        membership = membership_of(user, invitation.vault_id)
        if membership is not None and membership.role == Role.OWNER:
            return invitation
    raise Http404("no such invitation")


def back_to(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    if invitation.vault_id is not None:
        return redirect("accounts:vault", invitation.vault_id)
    return redirect("accounts:users")


@login_required
@require_POST
def invitation_resend(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = invitation_to_manage(request, invitation_id)
    try:
        secret = invitations.resend(
            invitation, signed_in_user(request), origin=request_origin(request)
        )
    except AccountProblem as problem:
        messages.error(request, problem.message)
    else:
        invited_message(request, invitation, secret)
    return back_to(request, invitation)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = invitation_to_manage(request, invitation_id)
    invitations.revoke(invitation)
    messages.success(
        request,
        _("The invitation to %(email)s was withdrawn; its link no longer works.")
        % {"email": invitation.email},
    )
    return back_to(request, invitation)


# --- Accepting an invitation ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, secret: str) -> HttpResponse:
    """The emailed link: choose a username and password (or join as the signed-in user)."""
    found = invitations.find(secret)
    if found.state is not InvitationState.VALID or found.invitation is None:
        return render(
            request,
            "accounts/invitation_invalid.html",
            {"state": found.state.value, "invitation": found.invitation},
            status=410 if found.state is not InvitationState.UNKNOWN else 404,
        )
    invitation = found.invitation
    current = request.user if isinstance(request.user, User) else None
    form = ChoosePasswordForm(request.POST or None)
    # The inviter opening their own link (to check it) must not use it up.
    own = current is not None and current.pk == invitation.invited_by_id
    refused = own and request.method == "POST"
    if request.method == "POST" and not own:
        try:
            if current is not None:
                user = invitations.accept(secret, user=current)
            elif form.is_valid():
                user = invitations.accept(
                    secret,
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password1"],
                )
            else:
                user = None
        except AccountProblem as problem:
            add_problem(form, problem)
            user = None
        if user is not None:
            if current is None:
                login(request, user, backend=MODEL_BACKEND)
            return redirect(welcome_target(invitation))
    context = {
        "invitation": invitation,
        "form": form,
        "current": current,
        "own": own,
        "refused": refused,
        "account_exists": current is None and invitations.account_exists_for(invitation),
    }
    status = 400 if form.errors or refused else 200
    return render(request, "accounts/invitation.html", context, status=status)


def welcome_target(invitation: Invitation) -> str:
    if invitation.vault_id is not None:
        return f"{reverse('web:home')}?vault={invitation.vault_id}"
    return reverse("web:home")


# --- Open sign-up -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Anyone may make an account (with a personal vault), but only with OPEN_SIGNUP on.

    The form never says whether an email address is in use (that would tell anyone who has an
    account here): an address is checked for its form only, and two accounts may share one.
    Nothing trusts such an address: while open sign-up is on, members are added by username.
    """
    if not settings.OPEN_SIGNUP:
        raise Http404("sign-up is closed")
    if isinstance(request.user, User):
        return redirect("web:home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = create_user(
                data["username"],
                email=data["email"],
                password=data["password1"],
                email_required=True,
                email_unique=False,
            )
        except AccountProblem as problem:
            add_problem(form, problem)
        else:
            login(request, user, backend=MODEL_BACKEND)
            return redirect("web:home")
    return render(
        request, "accounts/signup.html", {"form": form}, status=400 if form.errors else 200
    )


# --- Choosing a first password ----------------------------------------------------------------


class ChoosePassword(auth_views.PasswordResetConfirmView):
    """The one-time link of a user made without a password (CLI or users page).

    Django's password-reset confirmation with a token generator of its own (a password-reset
    email's token does not work here). Only for users who have no usable password yet: anyone
    else gets the "link does not work" page with a 404. Once the password is chosen the token
    is spent; the user is signed in, unless they have two-factor authentication, in which case
    they sign in normally (password and code).
    """

    template_name = "accounts/users_choose_password.html"
    success_url = reverse_lazy("web:home")
    post_reset_login = True
    post_reset_login_backend = MODEL_BACKEND
    reset_url_token = "choose-password"  # noqa: S105 (a URL segment)
    token_generator = choose_password_tokens

    def get_user(self, uidb64: str) -> User | None:
        user = super().get_user(uidb64)
        if user is None or not user.is_active or user.has_usable_password():
            return None
        return user

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        if not self.validlink:
            kwargs["status"] = 404
        return super().render_to_response(context, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        if not two_factor.is_enabled(self.user):
            return super().form_valid(form)
        form.save()
        self.request.session.pop(auth_views.INTERNAL_RESET_SESSION_TOKEN, None)
        messages.success(
            self.request,
            _("Your password is saved. Sign in with it and a code from your authenticator app."),
        )
        return redirect(settings.LOGIN_URL)


urlpatterns: list[URLPattern] = [
    path("users/", users_page, name="users"),
    path("users/new/", user_create, name="user_create"),
    path("users/invite/", user_invite, name="user_invite"),
    path("invitations/<int:invitation_id>/resend/", invitation_resend, name="invitation_resend"),
    path("invitations/<int:invitation_id>/revoke/", invitation_revoke, name="invitation_revoke"),
    path("invitation/<str:secret>/", invitation_accept, name="invitation"),
    path("signup/", signup, name="signup"),
    path("set-password/<uidb64>/<token>/", ChoosePassword.as_view(), name="choose_password"),
]
