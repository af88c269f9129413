"""Password reset by email: the mail in the recipient's language, a link from BASE_URL, and
at most one mail per address per few minutes.

The pages (``accounts/views/password_reset.py``) are Django's own views; what is particular to
Aandacht lives here so the rules are in one place.

The mail is looked up, written and sent off the request path, in a short-lived daemon thread
started once the request's transaction commits, for a known address and an unknown one alike:
the answer then takes the same time whether or not an account uses the address (sending in
the request took a mail server's round trip only when one did). A mail that could not be sent
is logged; a process that stops within the second it takes may lose it, and the person asks
again.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.db import connections, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation

from aandacht.accounts.language import FOLLOW_BROWSER, language_of
from aandacht.env import origin_of

EMAIL_TEMPLATE = "accounts/email/password_reset.txt"
HTML_EMAIL_TEMPLATE = "accounts/email/password_reset.html"
SUBJECT_TEMPLATE = "accounts/email/password_reset_subject.txt"

logger = logging.getLogger(__name__)


def link_minutes() -> int:
    """How long a reset link works, in minutes (``PASSWORD_RESET_TIMEOUT`` is seconds)."""
    return max(1, int(settings.PASSWORD_RESET_TIMEOUT) // 60)


def claim_reset_mail(email: str) -> bool:
    """True when a reset mail may go to ``email`` now, and remember that one went.

    Without this the form would let anyone fill someone's inbox. The key is a hash, so the
    cache holds no addresses. ``cache.add`` is atomic: two requests at once send one mail.
    Its False is trusted only when the key really is there: the database cache also answers
    False when its own write failed (a full disk), and a silently unsent mail is worse than
    an unthrottled one.
    """
    normalised = email.strip().casefold()
    key = "aandacht:password-reset:" + hashlib.sha256(normalised.encode("utf-8")).hexdigest()
    interval = settings.PASSWORD_RESET_MAIL_INTERVAL.total_seconds()
    if cache.add(key, True, timeout=int(interval)):
        return True
    return cache.get(key) is None


def reset_url(context: dict[str, Any]) -> str:
    """The absolute link in the mail: from AANDACHT_BASE_URL when set, else the request's
    own scheme and host (``context`` is what ``PasswordResetForm.save`` prepared)."""
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={"uidb64": context["uid"], "token": context["token"]},
    )
    base_url = str(getattr(settings, "BASE_URL", ""))
    if base_url:
        return origin_of(base_url) + path
    return f"{context['protocol']}://{context['domain']}{path}"


class ResetRequestForm(PasswordResetForm):
    """Django's form, writing each mail in the language its recipient chose."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        user: AbstractBaseUser = context["user"]
        language = language_of(user)
        if language == FOLLOW_BROWSER:
            language = translation.get_language() or settings.LANGUAGE_CODE
        context = {**context, "reset_url": reset_url(context), "minutes": link_minutes()}
        with translation.override(language):
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name,
            )


@dataclass(frozen=True)
class ResetMail:
    """What the sending thread needs from the request (it must not touch the request)."""

    email: str
    domain: str
    use_https: bool
    language: str


_senders: set[threading.Thread] = set()
_senders_lock = threading.Lock()


def send_reset_mail_later(email: str, request: HttpRequest) -> None:
    """Look up ``email`` and mail a reset link to its accounts after this request's
    transaction commits, in a thread: the request does the same work for any address."""
    job = ResetMail(
        email=email,
        domain=request.get_host(),
        use_https=request.is_secure(),
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    transaction.on_commit(lambda: _start_sending(job))


def _start_sending(job: ResetMail) -> None:
    sender = threading.Thread(target=_send, args=(job,), name="password-reset-mail", daemon=True)
    with _senders_lock:
        _senders.add(sender)
    sender.start()


def _send(job: ResetMail) -> None:
    """The thread: find the accounts using the address (none for an unknown one) and mail
    each a link, as Django's ``PasswordResetForm.save`` does; never raises."""
    try:
        with translation.override(job.language):
            form = ResetRequestForm({"email": job.email})
            if form.is_valid():
                form.save(
                    domain_override=job.domain,
                    use_https=job.use_https,
                    subject_template_name=SUBJECT_TEMPLATE,
                    email_template_name=EMAIL_TEMPLATE,
                    html_email_template_name=HTML_EMAIL_TEMPLATE,
                )
    except Exception:
        logger.exception("A password reset mail could not be sent.")
    finally:
        connections.close_all()  # this thread's own database connection
        with _senders_lock:
            _senders.discard(threading.current_thread())


def wait_for_reset_mails(timeout: float = 10.0) -> bool:
    """Wait until the reset mails being sent now are sent (tests; a clean shutdown); true
    when none is left."""
    with _senders_lock:
        running = list(_senders)
    for sender in running:
        sender.join(timeout)
    with _senders_lock:
        return not _senders


def forget_failed_sign_ins(user: AbstractBaseUser) -> None:
    """After a new password is set by email, lift the account's lock-out: the mailbox's owner
    proved who they are. (An address lock-out stays.)"""
    from axes.utils import reset  # type: ignore[import-untyped]

    reset(username=user.get_username())
