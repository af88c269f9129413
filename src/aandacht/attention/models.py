"""Circles, each person's rhythm, each user's agenda settings, and the digest's ledger.

The scheduler itself is pure Python (``core.py``); these models only hold its input. The last
conversation, attempt and one-way contact of each person are kept on their ``Rhythm`` (updated
by signals whenever an interaction changes), so the agenda never aggregates the whole timeline.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aandacht.accounts.models import Vault
from aandacht.people.models import Person, Tag

MAX_CADENCE_DAYS = 3650


class Preset(models.TextChoices):
    """The four circles every vault starts with; their names follow the reader's language."""

    INNER = "inner", pgettext_lazy("circle", "Inner circle")
    MONTHLY = "monthly", pgettext_lazy("circle", "Monthly")
    QUARTERLY = "quarterly", pgettext_lazy("circle", "Quarterly")
    YEARLY = "yearly", pgettext_lazy("circle", "Yearly")


PRESET_CADENCE: dict[str, int] = {
    Preset.INNER: 14,
    Preset.MONTHLY: 30,
    Preset.QUARTERLY: 91,
    Preset.YEARLY: 365,
}


class Circle(models.Model):
    """A group of people you want to speak at least every ``cadence_days`` days.

    A circle with a ``tag`` holds everyone with that tag ("family", "clients"); the others hold
    the people put in them one by one. A preset circle keeps a blank ``name`` until renamed, so
    it reads "Inner circle" in English and "Binnenste kring" in Dutch.
    """

    vault = models.ForeignKey(Vault, on_delete=models.CASCADE, related_name="circles")
    name = models.CharField(_("name"), max_length=80, blank=True)
    preset = models.CharField(max_length=10, choices=Preset.choices, blank=True, editable=False)
    cadence_days = models.PositiveIntegerField(
        _("cadence in days"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CADENCE_DAYS)],
        help_text=_("Speak everyone in this circle at least once every this many days."),
    )
    tag = models.OneToOneField(
        Tag,
        verbose_name=_("tag"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="circle",
        help_text=_("Everyone with this tag belongs to the circle."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("circle")
        verbose_name_plural = _("circles")
        ordering = ["cadence_days", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cadence_days__gte=1, cadence_days__lte=MAX_CADENCE_DAYS),
                name="circle_cadence_in_range",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        if self.name:
            return self.name
        if self.preset:
            return str(Preset(self.preset).label)
        if self.tag is not None:
            return str(self.tag.name)
        return str(_("(unnamed circle)"))


class Rhythm(models.Model):
    """How and when to keep in touch with one person, and when you last did.

    ``circle`` is an explicit choice (it wins over tag circles); ``cadence_days`` overrides any
    circle. ``skipped_on`` restarts the cadence without a contact ("skip this round");
    ``handled_on`` marks the day an agenda item was dealt with, so it still counts toward that
    day's capacity and the agenda does not refill itself.
    """

    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, primary_key=True, related_name="rhythm"
    )
    circle = models.ForeignKey(
        Circle,
        verbose_name=_("circle"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rhythms",
    )
    cadence_days = models.PositiveIntegerField(
        _("personal cadence in days"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CADENCE_DAYS)],
    )
    muted = models.BooleanField(_("muted"), default=False)
    paused_until = models.DateField(_("paused until"), null=True, blank=True)
    snoozed_until = models.DateField(_("snoozed until"), null=True, blank=True)
    skipped_on = models.DateField(null=True, blank=True)
    handled_on = models.DateField(null=True, blank=True)
    handled_as = models.CharField(max_length=10, blank=True, default="")
    since = models.DateField(_("on the agenda since"), default=dt.date.today)

    last_conversation_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_one_way_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("rhythm")
        verbose_name_plural = _("rhythms")

    def __str__(self) -> str:
        return f"{self.person_id}: {self.cadence_days or self.circle_id or '-'}"


class DigestFrequency(models.TextChoices):
    OFF = "off", _("off")
    DAILY = "daily", _("every day")
    WEEKLY = "weekly", _("once a week")


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class AgendaSettings(models.Model):
    """One user's agenda: how many contacts a day, on which days, and how it reaches them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="agenda_settings",
    )
    capacity = models.PositiveSmallIntegerField(
        _("contacts a day"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("The agenda never plans more people than this on one day."),
    )
    # Days of the week the agenda plans on, as ISO weekday digits ("12345" = Monday–Friday).
    weekdays = models.CharField(_("days of the week"), max_length=7, default="1234567")
    time_zone = models.CharField(_("time zone"), max_length=64, default="", blank=True)
    retry_after_days = models.PositiveSmallIntegerField(
        _("try again after (days)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_(
            "After a voicemail or no answer, suggest the person again this many days later."
        ),
    )
    one_way_resets = models.BooleanField(
        _("a card, gift or email counts as contact"),
        default=False,
        help_text=_("Off: only a real conversation restarts the cadence."),
    )
    digest_frequency = models.CharField(
        _("digest email"),
        max_length=8,
        choices=DigestFrequency.choices,
        default=DigestFrequency.OFF,
    )
    digest_time = models.TimeField(_("send at (local time)"), default=dt.time(7, 30))
    digest_weekday = models.PositiveSmallIntegerField(
        _("weekly digest on"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(7)],
        help_text=_("ISO weekday: 1 is Monday."),
    )
    feed_token = models.CharField(max_length=64, default=new_feed_token, unique=True)
    appreciation_every_days = models.PositiveSmallIntegerField(
        _("suggest telling someone what you value (days)"),
        default=7,
        validators=[MinValueValidator(0), MaxValueValidator(365)],
        help_text=_(
            "At most once in this many days, Today suggests telling one person what you value "
            "in them. 0 turns it off."
        ),
    )

    class Meta:
        verbose_name = _("agenda settings")
        verbose_name_plural = _("agenda settings")

    def __str__(self) -> str:
        return f"{self.user} · {self.capacity}/day"

    @property
    def active_weekdays(self) -> frozenset[int]:
        return frozenset(int(c) for c in self.weekdays if c in "1234567") or frozenset(range(1, 8))


class NudgeOutcome(models.TextChoices):
    OPEN = "", _("open")
    GIVEN = "given", _("told them")
    DISMISSED = "dismissed", _("not now")


class AppreciationNudge(models.Model):
    """Today's suggestion to tell one person what you value in them, and what came of it.

    One row per suggestion: the latest ``offered_on`` spaces the next one out (at most once per
    ``AgendaSettings.appreciation_every_days``), and the ``given`` ones are the appreciation the
    attention report counts.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="appreciation_nudges"
    )
    vault = models.ForeignKey(Vault, on_delete=models.CASCADE, related_name="appreciation_nudges")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="appreciation_nudges")
    offered_on = models.DateField(_("suggested on"), db_index=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=NudgeOutcome.choices, blank=True, default=""
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    # The interaction logged when the user told them, if any.
    interaction = models.ForeignKey(
        "timeline.Interaction",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("appreciation suggestion")
        verbose_name_plural = _("appreciation suggestions")
        ordering = ["-offered_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "vault", "offered_on"], name="one_appreciation_nudge_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.person} · {self.offered_on}"


class DigestSent(models.Model):
    """One row per user and period, claimed before sending: the unique key makes a digest
    go out at most once, across restarts and across processes."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests"
    )
    period = models.CharField(max_length=16)  # "2026-11-23" (daily) or "2026-W48" (weekly)
    claimed_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    item_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("digest sent")
        verbose_name_plural = _("digests sent")
        constraints = [
            models.UniqueConstraint(fields=["user", "period"], name="one_digest_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.period}"


class SchedulerLease(models.Model):
    """Which process runs the background scheduler: the holder renews it; others wait."""

    name = models.CharField(max_length=40, primary_key=True)
    holder = models.CharField(max_length=120)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} · {self.holder}"
