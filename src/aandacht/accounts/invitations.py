"""Invitations by email: the link, its email, and accepting it once.

The link's secret is 32 random bytes; only its SHA-256 digest is stored (like access tokens: a
long random secret needs no slow hash), so a copy of the database opens no invitation. A link
works once, until it expires (``INVITATION_DAYS``). Revoking deletes the invitation; resending
gives it a new secret (the old link stops working) and a new expiry date.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aandacht.accounts.members import MemberProblem, parse_role
from aandacht.accounts.models import Invitation, Membership, Role, Vault
from aandacht.accounts.services import (
    AccountProblem,
    absolute_url,
    create_user,
    email_configured,
    ensure_personal_vault,
    normalise_email,
)

SECRET_BYTES = 32
# Invitations (new ones and re-invitations) one user may send per hour, and the least time
# between two emails for one invitation: an invitation's email carries the inviter's name and
# goes to any address, so it must not become a way to send mail without limit.
INVITATIONS_PER_HOUR = 20
RESEND_INTERVAL = dt.timedelta(minutes=1)


class InvitationState(enum.Enum):
    VALID = "valid"
    EXPIRED = "expired"
    USED = "used"
    UNKNOWN = "unknown"  # never existed, revoked, or replaced by a resend


@dataclass(frozen=True)
class Found:
    invitation: Invitation | None
    state: InvitationState


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> tuple[str, str]:
    """A fresh secret for a link and the digest that is stored."""
    secret = secrets.token_urlsafe(SECRET_BYTES)
    return secret, digest_of(secret)


def link_for(secret: str, *, origin: str = "") -> str:
    """The invitation's link; ``origin`` is the request's when there is one (see
    :func:`aandacht.accounts.services.absolute_url`)."""
    return absolute_url(reverse("accounts:invitation", args=[secret]), origin=origin)


def expiry(now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) + dt.timedelta(days=settings.INVITATION_DAYS)


def is_pending(invitation: Invitation, now: dt.datetime | None = None) -> bool:
    return invitation.accepted_at is None and invitation.expires_at > (now or timezone.now())


def pending(*, vault: Vault | None = None) -> list[Invitation]:
    """Invitations not accepted yet (expired ones too, so they can be resent), newest first."""
    found = Invitation.objects.filter(accepted_at__isnull=True).select_related(
        "vault", "invited_by"
    )
    if vault is not None:
        found = found.filter(vault=vault)
    return list(found)


# --- Sending ------------------------------------------------------------------------------


def send_account_email(template: str, to: str, context: dict[str, Any]) -> None:
    """One email from three templates: ``accounts/email/<template>_subject.txt``, ``.txt`` and
    ``.html``. Raises ``OSError`` (``smtplib.SMTPException`` is one) when it cannot be sent."""
    subject = " ".join(render_to_string(f"accounts/email/{template}_subject.txt", context).split())
    text = render_to_string(f"accounts/email/{template}.txt", context)
    html = render_to_string(f"accounts/email/{template}.html", {**context, "subject": subject})
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    message.send(fail_silently=False)


def _send(invitation: Invitation, secret: str, origin: str) -> None:
    inviter = invitation.invited_by
    context = {
        "inviter": inviter.get_full_name() or inviter.username,
        "vault": invitation.vault.name if invitation.vault else "",
        "role": invitation.get_role_display(),
        "link": link_for(secret, origin=origin),
        "expires_at": invitation.expires_at,
        "days": settings.INVITATION_DAYS,
    }
    try:
        send_account_email("invitation", invitation.email, context)
    except OSError as error:
        raise AccountProblem(
            _("The invitation could not be sent to %(email)s (%(error)s); nothing was saved.")
            % {"email": invitation.email, "error": error},
            "email",
        ) from None


def send_password_link(user: User, link: str, sender: User) -> bool:
    """Email the "choose your password" link when email is configured; True when sent."""
    if not (user.email and email_configured()):
        return False
    try:
        send_account_email(
            "choose_password",
            user.email,
            {
                "username": user.username,
                "inviter": sender.get_full_name() or sender.username,
                "link": link,
            },
        )
    except OSError:
        return False
    return True


# --- Who may invite -------------------------------------------------------------------------


def may_invite_new_people(user: User) -> bool:
    """True when ``user`` may invite by email, which makes a new account when accepted.

    The instance owner (a superuser) always; any vault owner only while open sign-up is on
    (anyone could make an account then anyway). Otherwise accounts are the instance owner's
    to hand out, and a vault owner adds people who already have one.
    """
    return bool(user.is_active and (user.is_superuser or settings.OPEN_SIGNUP))


def check_may_invite(user: User) -> None:
    if not may_invite_new_people(user):
        raise AccountProblem(
            _(
                "Only the instance owner can invite someone new by email. Add people who "
                "already have an account by their username."
            ),
            "email",
        )


def sent_since(invitation_expires_at: dt.datetime) -> dt.datetime:
    """When an invitation's email last went out (sending sets its expiry date)."""
    return invitation_expires_at - dt.timedelta(days=settings.INVITATION_DAYS)


def check_rate(user: User, now: dt.datetime) -> None:
    """At most INVITATIONS_PER_HOUR invitations sent by ``user`` in the last hour."""
    recent = Invitation.objects.filter(
        invited_by=user, expires_at__gt=expiry(now) - dt.timedelta(hours=1)
    ).count()
    if recent >= INVITATIONS_PER_HOUR:
        raise AccountProblem(
            _(
                "You have sent %(count)d invitations in the last hour, the most allowed; "
                "try again later."
            )
            % {"count": recent},
            "email",
        )


def check_resend_interval(invitation: Invitation, now: dt.datetime) -> None:
    if invitation.pk is not None and sent_since(invitation.expires_at) > now - RESEND_INTERVAL:
        raise AccountProblem(
            _(
                "An invitation was sent to %(email)s less than a minute ago; wait a moment "
                "before sending it again."
            )
            % {"email": invitation.email},
            "email",
        )


# --- Writes -------------------------------------------------------------------------------


def invite(
    invited_by: User,
    email: str,
    *,
    vault: Vault | None = None,
    role: Role | str = Role.EDITOR,
    origin: str = "",
) -> tuple[Invitation, str]:
    """Invite ``email`` (into ``vault`` with ``role``, if given) and send the email.

    Returns the invitation and its secret (shown once, e.g. for copying the link). Inviting
    the same address into the same vault again replaces the pending invitation (the old link
    stops working) instead of sending a second one. When the email cannot be sent nothing is
    saved. Only someone :func:`may_invite_new_people` may, at most INVITATIONS_PER_HOUR an
    hour. ``origin`` (the request's scheme and host) makes the link without AANDACHT_BASE_URL.
    Raises :class:`AccountProblem` or :class:`MemberProblem`.
    """
    check_may_invite(invited_by)
    address = normalise_email(email)
    if not address:
        raise AccountProblem(_("Enter an email address."), "email")
    try:
        validate_email(address)
    except ValidationError:
        raise AccountProblem(
            _("“%(email)s” is not an email address.") % {"email": email.strip()}, "email"
        ) from None
    chosen = parse_role(str(role))
    if (
        vault is not None
        and Membership.objects.filter(vault=vault, user__email__iexact=address).exists()
    ):
        raise MemberProblem(
            _("%(email)s is already a member of “%(vault)s”.")
            % {"email": address, "vault": vault.name},
            "email",
        )
    if vault is None and User.objects.filter(email__iexact=address).exists():
        raise AccountProblem(
            _("There is already an account with the email address %(email)s.") % {"email": address},
            "email",
        )
    secret, digest = new_secret()
    now = timezone.now()
    with transaction.atomic():
        check_rate(invited_by, now)
        invitation = (
            Invitation.objects.select_for_update()
            .filter(email=address, vault=vault, accepted_at__isnull=True)
            .first()
        )
        if invitation is None:
            invitation = Invitation(email=address, invited_by=invited_by, vault=vault)
        check_resend_interval(invitation, now)
        invitation.invited_by = invited_by
        invitation.role = chosen
        invitation.digest = digest
        invitation.expires_at = expiry(now)
        invitation.save()
        _send(invitation, secret, origin)
    return invitation, secret


def resend(invitation: Invitation, by: User, *, origin: str = "") -> str:
    """A new secret and expiry date for a pending (or expired) invitation, emailed again.

    ``by`` must be allowed to invite (:func:`may_invite_new_people`) and within the hourly
    limit; one invitation is emailed at most once a minute.
    """
    check_may_invite(by)
    if invitation.accepted_at is not None:
        raise AccountProblem(_("This invitation has been accepted already."))
    secret, digest = new_secret()
    now = timezone.now()
    with transaction.atomic():
        check_rate(by, now)
        check_resend_interval(invitation, now)
        invitation.digest = digest
        invitation.expires_at = expiry(now)
        invitation.save(update_fields=["digest", "expires_at"])
        _send(invitation, secret, origin)
    return secret


def revoke(invitation: Invitation) -> None:
    """Withdraw an invitation: its link stops working at once. Accepted ones stay (history)."""
    Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).delete()


def find(secret: str) -> Found:
    """The invitation behind a link's secret, and whether it can still be accepted."""
    if not secret or len(secret) > 200:
        return Found(None, InvitationState.UNKNOWN)
    invitation = (
        Invitation.objects.select_related("vault", "invited_by")
        .filter(digest=digest_of(secret))
        .first()
    )
    if invitation is None:
        return Found(None, InvitationState.UNKNOWN)
    if invitation.accepted_at is not None:
        return Found(invitation, InvitationState.USED)
    if invitation.expires_at <= timezone.now():
        return Found(invitation, InvitationState.EXPIRED)
    return Found(invitation, InvitationState.VALID)


def accept(
    secret: str,
    *,
    user: User | None = None,
    username: str = "",
    password: str = "",
) -> User:
    """Accept the invitation behind ``secret``, once.

    With ``user`` (someone already signed in) they join with their own account; otherwise a
    new account is made with ``username`` and ``password`` (the validators apply) and the
    invited address. Either way the user has a personal vault and, when the invitation names a
    vault, a membership there with its role (an existing membership keeps its role).
    """
    with transaction.atomic():
        found = find(secret)
        if found.state is not InvitationState.VALID or found.invitation is None:
            raise AccountProblem(_("This invitation cannot be used any more."))
        invitation = found.invitation
        # Claim the row first: of two simultaneous submissions only one gets the update.
        claimed = Invitation.objects.filter(
            pk=invitation.pk, accepted_at__isnull=True, digest=invitation.digest
        ).update(accepted_at=timezone.now())
        if claimed != 1:
            raise AccountProblem(_("This invitation cannot be used any more."))
        if user is None:
            user = create_user(username, email=invitation.email, password=password)
        else:
            ensure_personal_vault(user)
        Invitation.objects.filter(pk=invitation.pk).update(accepted_by=user)
        if invitation.vault is not None:
            Membership.objects.get_or_create(
                vault=invitation.vault, user=user, defaults={"role": invitation.role}
            )
    return user


def account_exists_for(invitation: Invitation) -> bool:
    return User.objects.filter(email__iexact=invitation.email).exists()
