"""Vault and owner set-up shared by the web app, the CLI and the tests."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode
from django.utils.translation import gettext as _

from aandacht.accounts.models import Membership, Role, Vault

LOCAL_OWNER_USERNAME = "owner"
PERSONAL_VAULT_NAME = "Personal"


class VaultNotFound(LookupError):
    """No vault of that name is visible."""


def ensure_local_owner() -> User:
    """Create the single-user default on a fresh database: user ``owner`` with a personal vault.

    The owner has no usable password yet; the web app's first run lets them choose one.
    Idempotent: with an active user present, the first active superuser (or first active
    user) is returned.
    """
    with transaction.atomic():
        # Only active users: the demo's inactive teammates, or accounts left inactive after
        # the last person who could sign in deleted theirs, are never "the owner" (the first
        # run would hand them a password they still could not sign in with).
        existing = User.objects.filter(is_active=True).order_by("-is_superuser", "id").first()
        if existing is not None:
            return existing
        username = LOCAL_OWNER_USERNAME
        taken = set(
            User.objects.filter(username__startswith=LOCAL_OWNER_USERNAME).values_list(
                "username", flat=True
            )
        )
        number = 1
        while username in taken:
            number += 1
            username = f"{LOCAL_OWNER_USERNAME}-{number}"
        owner = User(username=username, is_staff=True, is_superuser=True)
        owner.set_unusable_password()
        owner.save()
        vault = Vault.objects.create(name=PERSONAL_VAULT_NAME)
        Membership.objects.create(vault=vault, user=owner, role=Role.OWNER)
        return owner


def needs_first_run() -> bool:
    """True while no one can sign in yet: the web app shows its welcome page to claim the owner.

    Only active users with a usable password end it. The demo's teammates are inactive users
    without a password, and users added from the console before the owner chose a password are
    still waiting for theirs: neither may end (or skip) the first run.
    """
    can_sign_in = User.objects.filter(is_active=True).exclude(
        password__startswith=UNUSABLE_PASSWORD_PREFIX
    )
    return not can_sign_in.exists()


def vaults_for(user: User) -> list[Vault]:
    return list(Vault.objects.filter(memberships__user=user).order_by("is_demo", "name", "id"))


ROLE_PREFERENCE = {Role.OWNER: 0, Role.EDITOR: 1, Role.VIEWER: 2}


def default_vault(user: User) -> Vault:
    """The vault real work lands in: one the user owns, else one they edit, else any.

    The demo vault is never the default, and neither is a vault shared read-only while one you
    can write to exists (quick add would vanish). A user without a vault gets a personal one.
    """
    memberships = (
        Membership.objects.filter(user=user, vault__is_demo=False)
        .select_related("vault")
        .order_by("vault__name", "vault_id")
    )
    ranked = sorted(memberships, key=lambda each: ROLE_PREFERENCE.get(Role(each.role), 3))
    if not ranked:
        vault = Vault.objects.create(name=PERSONAL_VAULT_NAME)
        Membership.objects.create(vault=vault, user=user, role=Role.OWNER)
        return vault
    return ranked[0].vault


def vault_named(user: User, name: str) -> Vault:
    for vault in vaults_for(user):
        if vault.name.casefold() == name.casefold():
            return vault
    raise VaultNotFound(name)


def role_in(user: User, vault: Vault) -> str | None:
    membership = Membership.objects.filter(user=user, vault=vault).first()
    return membership.role if membership else None


# --- Users of the instance ----------------------------------------------------------------


class AccountProblem(ValueError):
    """A refused account change, with a message fit to show; ``field`` names the form field."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def normalise_email(email: str) -> str:
    """Trimmed and lower-cased, so one address is one account whatever its capitals."""
    return email.strip().lower()


def check_username(username: str) -> str:
    """The trimmed username, or an :class:`AccountProblem` saying what is wrong with it."""
    name = username.strip()
    if not name:
        raise AccountProblem(_("Choose a username."), "username")
    max_length = User._meta.get_field("username").max_length or 150
    if len(name) > max_length:
        raise AccountProblem(
            _("A username has at most %(max)d characters.") % {"max": max_length}, "username"
        )
    try:
        User.username_validator(name)
    except ValidationError:
        raise AccountProblem(
            _("A username may contain only letters, digits and @ . + - _ (no spaces)."),
            "username",
        ) from None
    if User.objects.filter(username__iexact=name).exists():
        raise AccountProblem(
            _("The username “%(name)s” is taken; choose another.") % {"name": name}, "username"
        )
    return name


def check_email(email: str, *, required: bool = False, unique: bool = True) -> str:
    """The normalised address ("" when optional and empty), refused when malformed, or taken
    (unless ``unique`` is off)."""
    address = normalise_email(email)
    if not address:
        if required:
            raise AccountProblem(_("Enter an email address."), "email")
        return ""
    try:
        validate_email(address)
    except ValidationError:
        raise AccountProblem(
            _("“%(email)s” is not an email address.") % {"email": email.strip()}, "email"
        ) from None
    if unique and User.objects.filter(email__iexact=address).exists():
        raise AccountProblem(
            _("There is already an account with the email address %(email)s.") % {"email": address},
            "email",
        )
    return address


def check_password(password: str, user: User) -> None:
    """Django's password validators (length, common, numeric, like the username)."""
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise AccountProblem(" ".join(error.messages), "password") from None


def ensure_personal_vault(user: User) -> Vault:
    """The vault the user owns alone (a new "Personal" one if they own none that is not demo).

    Every user has one, whichever way they came in (first run, CLI, users page, invitation,
    sign-up), so quick add and the default vault always have somewhere to go.
    """
    owned = (
        Vault.objects.filter(memberships__user=user, memberships__role=Role.OWNER, is_demo=False)
        .order_by("id")
        .first()
    )
    if owned is not None:
        return owned
    vault = Vault.objects.create(name=PERSONAL_VAULT_NAME)
    Membership.objects.create(vault=vault, user=user, role=Role.OWNER)
    return vault


def create_user(
    username: str,
    *,
    email: str = "",
    password: str | None = None,
    email_required: bool = False,
    email_unique: bool = True,
    is_superuser: bool = False,
) -> User:
    """A new active user with a personal vault; without ``password`` it has no usable one yet.

    Checks everything before writing: a taken username or email (case-insensitive; the email
    only with ``email_unique``), a malformed address, a password the validators refuse.
    Raises :class:`AccountProblem`.
    """
    name = check_username(username)
    address = check_email(email, required=email_required, unique=email_unique)
    user = User(username=name, email=address, is_superuser=is_superuser, is_staff=is_superuser)
    if password is not None:
        check_password(password, user)
    with transaction.atomic():
        # Checked again inside the transaction: a concurrent sign-up may have taken the name.
        check_username(name)
        check_email(address, required=email_required, unique=email_unique)
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        user.save()
        ensure_personal_vault(user)
    return user


CHOOSE_PASSWORD_DAYS = 3


class ChoosePasswordTokenGenerator(PasswordResetTokenGenerator):
    """Tokens for "choose your password" links, apart from password-reset tokens.

    Its own ``key_salt``: a password-reset email's token does not open the choose-password
    page (which signs the user in), and a choose-password token does not reset a password.
    """

    key_salt = "aandacht.accounts.services.ChoosePasswordTokenGenerator"
    # Its own lifetime, not PASSWORD_RESET_TIMEOUT (an hour): a new colleague may open the
    # link a day or two after the account was made.
    timeout = CHOOSE_PASSWORD_DAYS * 24 * 60 * 60

    def check_token(self, user: AbstractBaseUser | None, token: str | None) -> bool:
        """Django's check, with :attr:`timeout` instead of PASSWORD_RESET_TIMEOUT."""
        if not (isinstance(user, User) and token):
            return False
        try:
            stamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        if self._num_seconds(self._now()) - stamp > self.timeout:
            return False
        return any(
            constant_time_compare(self._make_token_with_timestamp(user, stamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )


choose_password_tokens = ChoosePasswordTokenGenerator()


def set_password_link(user: User, *, origin: str = "") -> str:
    """A one-time link where ``user`` chooses their password (Django's reset token machinery,
    with a token generator of its own).

    The token is built from the password hash and last login, so it stops working as soon as a
    password is chosen, and after CHOOSE_PASSWORD_DAYS days.
    """
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = choose_password_tokens.make_token(user)
    return absolute_url(reverse("accounts:choose_password", args=[uid, token]), origin=origin)


# Only where there is neither AANDACHT_BASE_URL nor a request (the CLI): `make run` serves here,
# but the address may differ, so the CLI says the link may need adjusting.
FALLBACK_BASE_URL = "http://127.0.0.1:8000"


def has_base_url() -> bool:
    return bool(getattr(settings, "BASE_URL", ""))


def request_origin(request: HttpRequest) -> str:
    """``scheme://host[:port]`` the browser used: the address the server really answers on."""
    return request.build_absolute_uri("/").rstrip("/")


def absolute_url(path: str, *, origin: str = "") -> str:
    """``path`` on AANDACHT_BASE_URL when set (links in emails outlive the request), else on
    ``origin`` (the request's own scheme and host, see :func:`request_origin`), else on
    FALLBACK_BASE_URL (the CLI, which has no request)."""
    base = (str(getattr(settings, "BASE_URL", "")) or origin or FALLBACK_BASE_URL).rstrip("/")
    return f"{base}{path}"


CONSOLE_EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"


def email_configured() -> bool:
    """True when mail really leaves (EMAIL_URL set, or a test backend), not printed to stdout."""
    return bool(settings.EMAIL_BACKEND != CONSOLE_EMAIL_BACKEND)
