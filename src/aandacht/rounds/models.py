"""Check-in rounds: when a crisis hits a group of clients, a personal response to each.

A ``CheckInRound`` runs over a group of people (chosen by a tag or a search); each person in it
has one ``CheckIn`` with exactly three ``CheckInStep`` rows: empathy (ask how they are really
doing), a concrete tip, and an action taken for them. Each step has its own note and done
state; a completed step shows on the person's timeline.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aandacht.accounts.models import Vault
from aandacht.people.models import Person


class RoundStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    PAUSED = "paused", _("paused")
    FINISHED = "finished", _("finished")


class CheckInRound(models.Model):
    vault = models.ForeignKey(Vault, on_delete=models.CASCADE, related_name="check_in_rounds")
    name = models.CharField(_("name"), max_length=120)
    reason = models.TextField(_("reason"), blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=RoundStatus.choices, default=RoundStatus.ACTIVE
    )
    # How the group was chosen, in words ("tag: events", "search: bakker"), for looking back.
    chosen_by = models.CharField(_("chosen by"), max_length=200, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The start form's one-time token: a double submit finds the round it already made.
    token = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        verbose_name = _("check-in round")
        verbose_name_plural = _("check-in rounds")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["vault", "token"],
                condition=~models.Q(token=""),
                name="one_round_per_start_token",
            )
        ]

    def __str__(self) -> str:
        return self.name


class CheckIn(models.Model):
    """One person in one round."""

    round = models.ForeignKey(CheckInRound, on_delete=models.CASCADE, related_name="check_ins")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="check_ins")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["person__sort_key", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "person"], name="one_check_in_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.person}"


class StepKind(models.TextChoices):
    EMPATHY = "empathy", _("empathy")
    TIP = "tip", _("concrete tip")
    ACTION = "action", _("action")


# The order the steps are taken and shown in.
STEP_ORDER: tuple[str, ...] = (StepKind.EMPATHY, StepKind.TIP, StepKind.ACTION)


class CheckInStep(models.Model):
    check_in = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("step"), max_length=8, choices=StepKind.choices)
    note = models.TextField(_("note"), blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True, db_index=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    # The conversation logged when the empathy step was marked done; kept so marking it not
    # done removes exactly that one, and a step never logs a second.
    interaction = models.ForeignKey(
        "timeline.Interaction", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("check-in step")
        verbose_name_plural = _("check-in steps")
        constraints = [
            models.UniqueConstraint(fields=["check_in", "kind"], name="one_step_of_each_kind")
        ]

    def __str__(self) -> str:
        return f"{self.check_in} · {self.kind}"
