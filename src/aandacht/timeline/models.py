"""What happened between you and people: interactions, notes, moments and follow-ups."""

from __future__ import annotations

from typing import Self, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aandacht.accounts.models import Vault
from aandacht.people.models import Person


class InteractionKind(models.TextChoices):
    CALL = "call", _("call")
    VOICEMAIL = "voicemail", _("voicemail / no answer")
    MEETING = "meeting", _("meeting")
    VIDEO = "video", _("video call")
    MESSAGE = "message", _("message")
    EMAIL = "email", _("email")
    CARD = "card", _("card or letter")
    GIFT = "gift", _("gift")


class Outcome(models.TextChoices):
    """Only a conversation resets a cadence; an attempt schedules a retry; one-way does neither."""

    CONVERSATION = "conversation", _("conversation")
    ATTEMPT = "attempt", _("attempt")
    ONE_WAY = "one-way", _("one-way")


DEFAULT_OUTCOME: dict[str, str] = {
    InteractionKind.CALL: Outcome.CONVERSATION,
    InteractionKind.VOICEMAIL: Outcome.ATTEMPT,
    InteractionKind.MEETING: Outcome.CONVERSATION,
    InteractionKind.VIDEO: Outcome.CONVERSATION,
    InteractionKind.MESSAGE: Outcome.CONVERSATION,
    InteractionKind.EMAIL: Outcome.ONE_WAY,
    InteractionKind.CARD: Outcome.ONE_WAY,
    InteractionKind.GIFT: Outcome.ONE_WAY,
}


class Initiator(models.TextChoices):
    ME = "me", _("I did")
    THEM = "them", _("they did")
    UNKNOWN = "", _("unknown")


class Interaction(models.Model):
    vault = models.ForeignKey(Vault, on_delete=models.CASCADE, related_name="interactions")
    people = models.ManyToManyField(Person, related_name="interactions")
    kind = models.CharField(_("kind"), max_length=10, choices=InteractionKind.choices)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    occurred_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    initiated_by = models.CharField(
        _("who initiated"), max_length=4, choices=Initiator.choices, blank=True, default=""
    )
    summary = models.TextField(_("summary"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-occurred_at", "-id"]
        # The attention report counts one vault's interactions of a period by outcome, kind
        # and initiator: with those in the index it never reads the table (0.5 s -> 0.05 s
        # for twelve weeks of a million interactions).
        indexes = [
            models.Index(
                fields=["vault", "occurred_at", "outcome", "kind", "initiated_by"],
                name="interaction_vault_when_what",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.occurred_at:%Y-%m-%d}"


_M = TypeVar("_M", bound=models.Model)


class PrivateQuerySet(models.QuerySet[_M]):
    def visible_to(self, user: object) -> Self:
        """Hide other people's private entries: only the author ever sees a private one."""
        user_id = getattr(user, "pk", None)
        if user_id is None:
            return self.filter(private=False)
        return self.filter(Q(private=False) | Q(author_id=user_id))


class Note(models.Model):
    vault = models.ForeignKey(Vault, on_delete=models.CASCADE, related_name="notes")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    body = models.TextField(_("note"))
    private = models.BooleanField(
        _("private"), default=False, help_text=_("Only you will ever see a private note.")
    )
    occurred_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PrivateQuerySet["Note"].as_manager()

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-occurred_at", "-id"]
        # Someone's timeline opens with their latest notes: a few index entries instead of
        # sorting all of theirs (1,800 for a busy person of the 50,000-person benchmark).
        indexes = [models.Index(fields=["person", "occurred_at", "id"], name="note_person_when")]

    def __str__(self) -> str:
        return self.body[:60]


class MomentKind(models.TextChoices):
    SHARED = "shared", _("shared — a meaningful experience together")
    GRATEFUL = "grateful", _("grateful — something you are grateful for")
    STRENGTH = "strength", _("strength — a quality you admire")


class Moment(models.Model):
    """Something worth telling someone one day: the raw material of cards and appreciation."""

    vault = models.ForeignKey(Vault, on_delete=models.CASCADE, related_name="moments")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="moments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=MomentKind.choices, default=MomentKind.SHARED
    )
    text = models.TextField(_("moment"))
    private = models.BooleanField(_("private"), default=False)
    occurred_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PrivateQuerySet["Moment"].as_manager()

    class Meta:
        verbose_name = _("moment")
        verbose_name_plural = _("moments")
        ordering = ["-occurred_at", "-id"]
        # Today's appreciation nudge counts one vault's strength and grateful moments: without
        # it every Today page read all of the vault's moments (340 ms at 200,000).
        indexes = [
            models.Index(fields=["vault", "kind", "person"], name="moment_vault_kind"),
            models.Index(fields=["person", "occurred_at", "id"], name="moment_person_when"),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class FollowUpDirection(models.TextChoices):
    PROMISE = "promise", _("I promised")
    REQUEST = "request", _("they asked")


class FollowUp(models.Model):
    """A promise or a request; one with a due date is pinned to that day on the agenda."""

    vault = models.ForeignKey(Vault, on_delete=models.CASCADE, related_name="follow_ups")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="follow_ups")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    text = models.TextField(_("follow-up"))
    direction = models.CharField(
        _("kind"),
        max_length=8,
        choices=FollowUpDirection.choices,
        default=FollowUpDirection.PROMISE,
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    occurred_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["done_at", "due_on", "-occurred_at"]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_open(self) -> bool:
        return self.done_at is None
