"""Two-factor sign-in: a TOTP app on the phone, and ten single-use recovery codes.

Built on django-otp's devices. A user has at most one ``TOTPDevice`` (unconfirmed while being
set up, confirmed once a first code from the app was right) and, once it is confirmed, one
``StaticDevice`` holding the unused recovery codes. Two-factor sign-in is on exactly when the
confirmed ``TOTPDevice`` exists.

Every check goes through the device's own ``verify_token``: a TOTP code is accepted once (the
device remembers the last time step it accepted, so a replayed code is refused), a recovery
code is deleted when used, and wrong codes slow the device down (django-otp's exponential
throttling: 1, 2, 4, 8… seconds). A refused code never raises inside a transaction, so the
throttling counter it bumped is kept.

A password typed on these pages is checked through ``django.contrib.auth.authenticate`` with
the request, never ``user.check_password``: django-axes counts the wrong ones, so guessing a
password here locks out like the sign-in page does.
"""

from __future__ import annotations

import math
import re
from base64 import b32encode
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import qrcode  # type: ignore[import-untyped]
import qrcode.image.svg  # type: ignore[import-untyped]
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.models import Device  # type: ignore[import-untyped]
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken  # type: ignore[import-untyped]
from django_otp.plugins.otp_totp.models import TOTPDevice  # type: ignore[import-untyped]

ISSUER = "Aandacht"
RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"

_APP_CODE = re.compile(r"\d{6}")
# StaticToken.random_token(): 5 random bytes in lower-case base32, 8 characters.
_RECOVERY_CODE = re.compile(r"[a-z2-7]{8}")


class TwoFactorError(Exception):
    """A refused step, with a message for the person and the form field it belongs to.

    ``counts`` says whether it was a guess (a wrong or malformed code) rather than a wait
    imposed by throttling, so the login can cap guesses per sign-in.
    """

    def __init__(self, message: str, *, field: str = "code", counts: bool = True) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.counts = counts


# --- Pure helpers --------


def normalise_code(raw: str) -> str:
    """A typed code without spaces or dashes, lower case: "123 456" and "ABCD-EFGH" both work."""
    return re.sub(r"[\s-]+", "", raw).lower()


def is_app_code(code: str) -> bool:
    return bool(_APP_CODE.fullmatch(code))


def is_recovery_code(code: str) -> bool:
    return bool(_RECOVERY_CODE.fullmatch(code))


def format_recovery_code(token: str) -> str:
    """``abcdefgh`` as ``abcd-efgh``: easier to read aloud and to copy by hand."""
    return f"{token[:4]}-{token[4:]}" if len(token) == 8 else token


def otpauth_url(username: str, key: bytes, *, digits: int = 6, period: int = 30) -> str:
    """The ``otpauth://`` address an authenticator app reads from the QR code.

    Label ``Aandacht:username`` and ``issuer=Aandacht`` (Google's Key Uri Format), so the app
    shows which account the codes are for.
    """
    label = quote(f"{ISSUER}:{username}")
    params = urlencode(
        {
            "secret": secret_of(key),
            "issuer": ISSUER,
            "algorithm": "SHA1",
            "digits": digits,
            "period": period,
        },
        quote_via=quote,
    )
    return f"otpauth://totp/{label}?{params}"


def secret_of(key: bytes) -> str:
    """The key in base32 without padding, as apps expect it when typed by hand."""
    return b32encode(key).decode("ascii").rstrip("=")


def grouped(secret: str, size: int = 4) -> str:
    """``JBSWY3DPEHPK3PXP`` as ``JBSW Y3DP EHPK 3PXP``: apps ignore the spaces."""
    return " ".join(secret[index : index + size] for index in range(0, len(secret), size))


def qr_svg(data: str) -> str:
    """The QR code as an inline ``<svg>`` (no image request, nothing from elsewhere)."""
    image = qrcode.make(
        data,
        image_factory=qrcode.image.svg.SvgPathImage,
        border=2,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
    )
    svg = image.to_string(encoding="unicode")
    assert isinstance(svg, str)
    return svg


# --- State --------


@dataclass(frozen=True)
class Status:
    """What the two-factor page shows."""

    app: TOTPDevice | None  # confirmed: two-factor sign-in is on
    pending: TOTPDevice | None  # set up but not confirmed yet
    recovery_codes_left: int

    @property
    def enabled(self) -> bool:
        return self.app is not None


def status_of(user: User) -> Status:
    devices = list(TOTPDevice.objects.filter(user=user).order_by("-confirmed", "pk"))
    app = next((device for device in devices if device.confirmed), None)
    pending = None if app else next(iter(devices), None)
    return Status(app=app, pending=pending, recovery_codes_left=recovery_codes_left(user))


def is_enabled(user: User) -> bool:
    """True when signing in needs a code as well as the password."""
    return app_device(user) is not None


def app_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_codes_left(user: User) -> int:
    return int(StaticToken.objects.filter(device__user=user, device__confirmed=True).count())


# --- Setting up --------


def start_setup(user: User) -> TOTPDevice:
    """The unconfirmed device to scan: the one already started, else a new one.

    Safe to repeat (a double submit shows the same QR code). Refused when two-factor sign-in
    is already on.
    """
    with transaction.atomic():
        # Serialises two concurrent starts for one user (a no-op lock on SQLite, whose writes
        # are serialised anyway).
        User.objects.select_for_update().filter(pk=user.pk).first()
        if app_device(user) is not None:
            raise TwoFactorError(_("Two-factor authentication is already on."))
        pending = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
        if pending is None:
            pending = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
        return pending


def cancel_setup(user: User) -> None:
    """Forget a setup that was never confirmed; nothing happens when there is none."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()


def confirm_setup(user: User, raw_code: str) -> tuple[TOTPDevice, list[str]]:
    """Turn two-factor sign-in on with a first code from the app; returns the device and the
    new recovery codes (shown once).

    A wrong code leaves the device unconfirmed (and counts towards its throttling).
    """
    code = normalise_code(raw_code)
    if not code:
        raise TwoFactorError(_("Enter the 6-digit code your app shows."))
    if not is_app_code(code):
        raise TwoFactorError(_("The code from your app has 6 digits, like 123456."))
    already_on = False
    with transaction.atomic():
        pending = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("pk")
            .first()
        )
        if pending is None:
            already_on = app_device(user) is not None
        else:
            _raise_if_throttled(pending)
            if pending.verify_token(code):
                pending.confirmed = True
                pending.save(update_fields=["confirmed"])
                codes = _replace_recovery_codes(user)
                return pending, codes
    # Outside the transaction, so the throttling counter of a wrong code is kept.
    if pending is None:
        if already_on:
            raise TwoFactorError(_("Two-factor authentication is already on."), counts=False)
        raise TwoFactorError(_("Start the setup first: there is no code to check."), counts=False)
    raise TwoFactorError(
        _(
            "That code is not right. Check that your phone's clock is correct and enter the "
            "code your app shows now."
        )
    )


def regenerate_recovery_codes(user: User, proof: str, *, request: HttpRequest) -> list[str]:
    """Ten new recovery codes, the old ones stop working; ``proof`` is the password or a
    current code from the app (a wrong password counts towards the lock-out)."""
    if app_device(user) is None:
        raise TwoFactorError(_("Two-factor authentication is off."), field="proof")
    if not _password_or_app_code(user, proof, request):
        raise TwoFactorError(
            _("That is neither your password nor a current code from your app."), field="proof"
        )
    with transaction.atomic():
        return _replace_recovery_codes(user)


def disable(user: User, password: str, raw_code: str, *, request: HttpRequest) -> None:
    """Turn two-factor sign-in off: needs the password and a current code or a recovery code.

    Removes the app and the recovery codes; the next setup starts with a new secret. A wrong
    password counts towards the lock-out.
    """
    if app_device(user) is None:
        raise TwoFactorError(_("Two-factor authentication is already off."), counts=False)
    if not is_password_of(user, password, request):
        raise TwoFactorError(_("That is not your password."), field="password")
    check_code(user, raw_code)
    with transaction.atomic():
        remove_all(user)


def remove_all(user: User) -> int:
    """Delete every two-factor device of ``user`` (the instance owner's way back in for
    someone who lost their phone); returns how many there were."""
    with transaction.atomic():
        deleted = 0
        for model in (TOTPDevice, StaticDevice):
            count, _detail = model.objects.filter(user=user).delete()
            deleted += count
        return deleted


def _replace_recovery_codes(user: User) -> list[str]:
    """One StaticDevice with ten fresh codes; any earlier codes are deleted."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes: list[str] = []
    while len(codes) < RECOVERY_CODE_COUNT:
        token = StaticToken.random_token()
        if token not in codes:
            codes.append(token)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=token) for token in codes)
    return [format_recovery_code(token) for token in codes]


# --- Checking codes --------


def check_code(user: User, raw_code: str) -> Device:
    """The device that accepts ``raw_code`` (a code from the app or an unused recovery code).

    Raises ``TwoFactorError`` for an empty, malformed, wrong or replayed code, and when the
    device is throttled after earlier wrong codes (then ``counts`` is false).
    """
    code = normalise_code(raw_code)
    if not code:
        raise TwoFactorError(_("Enter the code from your app, or one of your recovery codes."))
    device: Device | None
    if is_app_code(code):
        device = app_device(user)
        wrong = _(
            "That code is not right, or it was already used. Enter the code your app shows now."
        )
    elif is_recovery_code(code):
        device = StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
        wrong = _("That recovery code is not right, or it was already used.")
    else:
        raise TwoFactorError(
            _(
                "A code from your app has 6 digits; a recovery code has 8 letters and digits, "
                "like abcd-ef23."
            )
        )
    if device is None:
        raise TwoFactorError(wrong)
    _raise_if_throttled(device)
    with transaction.atomic():
        # select_for_update: two requests with the same code cannot both be accepted.
        locked = type(device).objects.select_for_update().filter(pk=device.pk).first()
        accepted = locked is not None and locked.verify_token(code)
    if not accepted or locked is None:
        raise TwoFactorError(wrong)
    return locked


def _raise_if_throttled(device: Device) -> None:
    allowed, detail = device.verify_is_allowed()
    if allowed:
        return
    until = (detail or {}).get("locked_until")
    seconds = max(1, math.ceil((until - timezone.now()).total_seconds())) if until else 1
    raise TwoFactorError(
        ngettext(
            "Too many wrong codes. Wait %(seconds)d second and try again.",
            "Too many wrong codes. Wait %(seconds)d seconds and try again.",
            seconds,
        )
        % {"seconds": seconds},
        counts=False,
    )


def is_password_of(user: User, password: str, request: HttpRequest) -> bool:
    """True for ``user``'s password, checked through ``authenticate`` so django-axes counts a
    wrong one (and refuses even the right one while the account or address is locked out; the
    middleware then answers 429)."""
    if not password:
        return False
    found = authenticate(request, username=user.get_username(), password=password)
    return found is not None and found.pk == user.pk


def _password_or_app_code(user: User, proof: str, request: HttpRequest) -> bool:
    """True for the user's password or a current code from their app."""
    if not proof:
        return False
    code = normalise_code(proof)
    if is_app_code(code):
        device = app_device(user)
        if device is not None and device.verify_is_allowed()[0]:
            with transaction.atomic():
                locked = TOTPDevice.objects.select_for_update().filter(pk=device.pk).first()
                if locked is not None and locked.verify_token(code):
                    return True
    return is_password_of(user, proof, request)
