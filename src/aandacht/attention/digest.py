"""The digest email: one message a day (or a week) that gathers everything needing attention.

For every user who asked for it (``AgendaSettings.digest_frequency``) and has an email address,
once their local ``digest_time`` has passed (and, for a weekly digest, on ``digest_weekday``),
:func:`send_due_digests` composes ONE email covering their vaults (``feed.vaults_covered``:
their own vaults that hold people, else the demo vault, as the calendar feed does): today's
agenda (planned people and pinned items), overdue promises, and the birthdays and other dates of the
next seven days. Never one email per person.

Exactly once per period, across restarts and processes: the period ("2026-11-23" for a daily
digest, "2026-W48" for a weekly one) is claimed by inserting a ``DigestSent`` row in its own
transaction *before* sending. Whoever fails to insert (the unique key) leaves it alone. A
failed send deletes the claim, so a later run tries again; a process that dies between the
claim and the send loses that one digest rather than ever sending it twice.

Only the current period is ever sent: a daily digest from its time until local midnight, a
weekly one from its day and time until the same time on the next day. A server that was down
for a week sends one digest when it comes back, not seven.

A period with nothing to say sends nothing and is NOT recorded: the next run looks again, so
something that turns up later that day (a follow-up due today, someone put in a circle) still
gets its digest, once.

The links open the Today page on the item (``/today/?date=…&focus=…&vault=…#…``), where it has
its one-tap Done and Snooze buttons. They only show: a GET never changes anything, because mail
scanners follow links.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aandacht.accounts.language import language_of
from aandacht.accounts.models import Vault
from aandacht.attention import services
from aandacht.attention.feed import vaults_covered
from aandacht.attention.models import AgendaSettings, DigestFrequency, DigestSent
from aandacht.timeline.models import FollowUp, FollowUpDirection

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
TODAY_PATH = "/today/"
UPCOMING_DAYS = 7  # "this week": the seven days after today
WEEKLY_GRACE = dt.timedelta(days=1)

Status = Literal["sent", "empty", "failed", "taken", "dry_run"]


# ---------------------------------------------------------------------------------------------
# When a digest is due


def period_due(prefs: AgendaSettings, now: dt.datetime) -> str | None:
    """The period whose digest is due at ``now`` for these settings, or ``None``.

    Daily: today's date (in the user's time zone) from ``digest_time`` until midnight.
    Weekly: the ISO week ("2026-W48") from ``digest_weekday`` at ``digest_time`` until a day
    later, so a server that was down at that moment still sends it the next day, never later.
    """
    zone = services.zone_of(prefs)
    local = timezone.localtime(now, zone)
    today = local.date()
    if prefs.digest_frequency == DigestFrequency.DAILY:
        return today.isoformat() if local.time() >= prefs.digest_time else None
    if prefs.digest_frequency == DigestFrequency.WEEKLY:
        for back in (0, 1):
            day = today - dt.timedelta(days=back)
            if day.isoweekday() != prefs.digest_weekday:
                continue
            scheduled = dt.datetime.combine(day, prefs.digest_time, tzinfo=zone)
            if scheduled <= local < scheduled + WEEKLY_GRACE:
                year, week, _weekday = day.isocalendar()
                return f"{year}-W{week:02d}"
    return None


def subscribers() -> list[AgendaSettings]:
    """Everyone who asked for a digest and can receive one (active, with an email address)."""
    return list(
        AgendaSettings.objects.filter(
            digest_frequency__in=[DigestFrequency.DAILY, DigestFrequency.WEEKLY],
            user__is_active=True,
        )
        .exclude(user__email="")
        .select_related("user")
        .order_by("user_id")
    )


# ---------------------------------------------------------------------------------------------
# What goes in


@dataclass(frozen=True)
class Line:
    """One item of the digest: who, why, and the link that opens it in Aandacht."""

    name: str
    reason: str
    url: str
    vault: str = ""  # the vault's name, shown only when the user has several
    when: str = ""  # for the dates of the coming days: "Wednesday 25 November"


@dataclass
class Content:
    day: dt.date
    today: list[Line] = field(default_factory=list)
    overdue: list[Line] = field(default_factory=list)
    upcoming: list[Line] = field(default_factory=list)
    people_today: int = 0

    @property
    def item_count(self) -> int:
        return len(self.today) + len(self.overdue) + len(self.upcoming)


def base_url() -> str:
    return (getattr(settings, "BASE_URL", "") or DEFAULT_BASE_URL).rstrip("/")


def today_path() -> str:
    try:
        return reverse("attention:today")
    except NoReverseMatch:  # the Today page is the one place the links may point to
        return TODAY_PATH


def settings_url() -> str:
    """Where the digest is changed or turned off ("" while there is no such page)."""
    try:
        return f"{base_url()}{reverse('attention:settings')}"
    except NoReverseMatch:
        return ""


def item_url(day: dt.date, key: str, vault: Vault) -> str:
    query = urlencode({"date": day.isoformat(), "focus": key, "vault": vault.pk})
    return f"{base_url()}{today_path()}?{query}#{key}"


def vaults_of(user: User) -> list[Vault]:
    """The vaults the digest covers: the same rule as the calendar feed
    (:func:`aandacht.attention.feed.vaults_covered`)."""
    return vaults_covered(user)


def _is_overdue_promise(item: services.AgendaItem, today: dt.date) -> bool:
    follow_up = item.follow_up
    return (
        follow_up is not None
        and follow_up.direction == FollowUpDirection.PROMISE
        and follow_up.due_on is not None
        and follow_up.due_on < today
    )


def overdue_promises(vault: Vault, today: dt.date) -> list[FollowUp]:
    """Open promises whose day has passed, oldest first; as on the agenda, people in the
    trash, archived or deceased are left out."""
    return list(
        FollowUp.objects.filter(
            vault=vault,
            direction=FollowUpDirection.PROMISE,
            done_at__isnull=True,
            due_on__lt=today,
            person__trashed_at__isnull=True,
            person__archived=False,
            person__deceased=False,
        )
        .select_related("person")
        .order_by("due_on", "id")
    )


def gather(user: User, today: dt.date, now: dt.datetime | None = None) -> Content:
    """Today's agenda, overdue promises and the coming week's dates, across all vaults."""
    vaults = vaults_of(user)
    several = len(vaults) > 1
    content = Content(day=today)
    people: set[int] = set()
    for vault in vaults:
        label = vault.name if several else ""
        agenda = services.agenda_for(user, vault, today, now=now)
        for item in [*agenda.items, *agenda.pinned]:
            if _is_overdue_promise(item, today):
                continue  # in its own section below
            content.today.append(
                Line(
                    name=item.person.name,
                    reason=item.reason,
                    url=item_url(today, item.key, vault),
                    vault=label,
                )
            )
            people.add(item.person.pk)
        for follow_up in overdue_promises(vault, today):
            key = f"follow-up-{follow_up.pk}"
            content.overdue.append(
                Line(
                    name=follow_up.person.name,
                    reason=services.follow_up_reason(follow_up, today),
                    url=item_url(today, key, vault),
                    vault=label,
                )
            )
        for ahead in range(1, UPCOMING_DAYS + 1):
            day = today + dt.timedelta(days=ahead)
            for date in services.dates_on(vault, day):
                key = f"date-{date.pk}"
                content.upcoming.append(
                    Line(
                        name=date.person.name,
                        reason=services.date_reason(date, day),
                        url=item_url(day, key, vault),
                        vault=label,
                        when=date_format(day, "l j F"),
                    )
                )
    content.people_today = len(people)
    if content.item_count:
        # Only next to something else: the nudge alone is no reason for an email.
        content.today.extend(appreciation_lines(user, vaults, today, several=several))
    return content


def appreciation_lines(
    user: User, vaults: list[Vault], today: dt.date, *, several: bool
) -> list[Line]:
    """Today's appreciation nudge per vault the user may write in, as the Today page will
    show it (previewed, nothing written: the ranking holds all day)."""
    from aandacht.accounts.models import Membership, Role
    from aandacht.attention import appreciation

    prefs = services.settings_for(user)
    if services.local_today(prefs) != today or not prefs.appreciation_every_days:
        return []
    writable = set(
        Membership.objects.filter(
            user=user, vault__in=vaults, role__in=(Role.OWNER, Role.EDITOR)
        ).values_list("vault_id", flat=True)
    )
    lines = []
    for vault in vaults:
        if vault.pk not in writable:
            continue
        found = appreciation.suggestion_for(user, vault, prefs=prefs, create=False)
        if found is None or not found.is_open:
            continue
        if found.nudge.pk is not None:
            url = item_url(today, found.key, vault)
        else:
            url = f"{base_url()}{today_path()}?{urlencode({'vault': vault.pk})}"
        lines.append(
            Line(
                name=found.person.name,
                reason=_("tell them what you value in them (%(why)s)") % {"why": found.reason}
                if found.reason
                else _("tell them what you value in them"),
                url=url,
                vault=vault.name if several else "",
            )
        )
    return lines


def subject_of(content: Content) -> str:
    """ "Today: 4 people, 1 overdue promise, 2 dates this week"."""
    parts = []
    if content.people_today:
        parts.append(
            ngettext("%(count)d person", "%(count)d people", content.people_today)
            % {"count": content.people_today}
        )
    if content.overdue:
        count = len(content.overdue)
        parts.append(
            ngettext("%(count)d overdue promise", "%(count)d overdue promises", count)
            % {"count": count}
        )
    if content.upcoming:
        count = len(content.upcoming)
        parts.append(
            ngettext("%(count)d date this week", "%(count)d dates this week", count)
            % {"count": count}
        )
    return _("Today: %(summary)s") % {"summary": ", ".join(parts)}


@dataclass(frozen=True)
class Digest:
    message: EmailMultiAlternatives
    item_count: int
    language: str


def language_for(user: User) -> str:
    return language_of(user) or settings.LANGUAGE_CODE


def local_date(prefs: AgendaSettings, now: dt.datetime) -> dt.date:
    return timezone.localtime(now, services.zone_of(prefs)).date()


def build(user: User, prefs: AgendaSettings, now: dt.datetime) -> Digest | None:
    """The digest for ``user`` at ``now``, in their language and time zone; ``None`` when there
    is nothing to say."""
    language = language_for(user)
    zone = services.zone_of(prefs)
    with translation.override(language), timezone.override(zone):
        today = local_date(prefs, now)
        content = gather(user, today, now)
        if not content.item_count:
            return None
        context: dict[str, Any] = {
            "user": user,
            "content": content,
            "date": date_format(today, "l j F Y"),
            "today_url": f"{base_url()}{today_path()}",
            "settings_url": settings_url(),
            "frequency": prefs.digest_frequency,
            "language": language,
        }
        subject = subject_of(content)
        text = render_to_string("attention/email/digest.txt", context)
        html = render_to_string("attention/email/digest.html", {**context, "subject": subject})
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={
            "Content-Language": language,
            "Auto-Submitted": "auto-generated",  # RFC 3834: no vacation replies, please
            "X-Auto-Response-Suppress": "All",
        },
    )
    message.attach_alternative(html, "text/html")
    return Digest(message, content.item_count, language)


def compose_digest(user: User, now: dt.datetime) -> EmailMultiAlternatives | None:
    """The digest email ``user`` would get at ``now`` (``None`` when there is nothing to say).

    Composing sends nothing and claims nothing; it does not check whether a digest is due.
    """
    prefs = AgendaSettings.objects.filter(user=user).first() or AgendaSettings(user=user)
    digest = build(user, prefs, now)
    return digest.message if digest is not None else None


def send_test_digest(user: User, now: dt.datetime | None = None) -> int | None:
    """Send ``user`` the digest they would get now, whether or not one is due, as a test.

    It claims no period (the real digest still goes out at its time) and returns the number of
    items, or ``None`` when there is nothing to say (then nothing is sent). Raises
    ``ValueError`` without an email address; the mail server's errors pass through
    (``smtplib.SMTPException``, ``OSError``).
    """
    if not user.email:
        raise ValueError(_("Add your email address first: the digest goes there."))
    prefs = AgendaSettings.objects.filter(user=user).first() or AgendaSettings(user=user)
    digest = build(user, prefs, now or timezone.now())
    if digest is None:
        return None
    digest.message.send(fail_silently=False)
    return digest.item_count


# ---------------------------------------------------------------------------------------------
# Sending, exactly once per period


@dataclass
class DigestResult:
    """What happened to one user's digest in one run."""

    user_id: int
    username: str
    email: str
    period: str
    status: Status  # sent · empty (nothing to say) · failed · taken (another run has it) · dry_run
    item_count: int = 0
    subject: str = ""
    error: str = ""
    message: EmailMultiAlternatives | None = field(default=None, repr=False, compare=False)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "user": {"id": self.user_id, "username": self.username, "email": self.email},
            "period": self.period,
            "status": self.status,
            "item_count": self.item_count,
            "subject": self.subject,
        }
        if self.error:
            data["error"] = self.error
        if self.message is not None:
            data["text"] = str(self.message.body)
        return data


def claim(user: User, period: str) -> DigestSent | None:
    """Claim the period for ``user`` (its own transaction), or ``None`` when already claimed."""
    try:
        with transaction.atomic():
            return DigestSent.objects.create(user=user, period=period)
    except IntegrityError:
        return None


def release(claimed: DigestSent) -> None:
    DigestSent.objects.filter(pk=claimed.pk).delete()


def send_due_digests(
    now: dt.datetime | None = None,
    *,
    dry_run: bool = False,
    connection: BaseEmailBackend | None = None,
) -> list[DigestResult]:
    """Send every digest that is due at ``now`` (default: now) and not sent yet.

    ``dry_run`` composes the emails (on the results' ``message``) but sends and claims
    nothing. Users whose digest is not due, or already dealt with, are not in the results.
    ``connection`` is the mail backend to use (default: ``EMAIL_BACKEND``).
    """
    now = now or timezone.now()
    results: list[DigestResult] = []
    for prefs in subscribers():
        period = period_due(prefs, now)
        if period is None:
            continue
        user = prefs.user
        if DigestSent.objects.filter(user=user, period=period).exists():
            continue
        result = DigestResult(user.pk, user.get_username(), user.email, period, "dry_run")
        results.append(result)
        if dry_run:
            digest = build(user, prefs, now)
            if digest is None:
                result.status = "empty"
            else:
                result.item_count = digest.item_count
                result.subject = str(digest.message.subject)
                result.message = digest.message
            continue
        _send_one(result, user, prefs, now, connection)
    return results


def _send_one(
    result: DigestResult,
    user: User,
    prefs: AgendaSettings,
    now: dt.datetime,
    connection: BaseEmailBackend | None,
) -> None:
    claimed = claim(user, result.period)
    if claimed is None:
        result.status = "taken"
        return
    try:
        digest = build(user, prefs, now)
    except Exception as error:  # one broken digest must not stop the others
        release(claimed)
        logger.exception("digest for user %s (%s) could not be composed", user.pk, result.period)
        result.status, result.error = "failed", str(error) or type(error).__name__
        return
    if digest is None:
        release(claimed)  # nothing to say yet: the next run looks again
        result.status = "empty"
        return
    result.item_count = digest.item_count
    result.subject = str(digest.message.subject)
    if connection is not None:
        digest.message.connection = connection
    try:
        digest.message.send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as error:
        release(claimed)  # a later run tries again
        logger.warning(
            "digest for user %s (%s) was not sent, will retry: %s", user.pk, result.period, error
        )
        result.status, result.error = "failed", str(error) or type(error).__name__
        return
    DigestSent.objects.filter(pk=claimed.pk).update(
        sent_at=timezone.now(), item_count=digest.item_count
    )
    result.status = "sent"
    logger.info("digest for user %s (%s) sent: %d items", user.pk, result.period, result.item_count)
