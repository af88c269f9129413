"""Card season: once a year, a handwritten card to the few people who deserve one.

One ``Card`` per person, author and year holds where that person stands on the author's list:
proposed and kept (``planned``), taken off the list (``skipped``, so they are not proposed
again that year) or ``sent`` (which logged a "card" interaction on their timeline). The text is
the author's own; nothing is generated.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aandacht.accounts.models import Vault
from aandacht.people.models import Person
from aandacht.timeline.models import Interaction


class CardStatus(models.TextChoices):
    PLANNED = "planned", _("on the list")
    SKIPPED = "skipped", _("taken off the list")
    SENT = "sent", _("sent")


class Card(models.Model):
    vault = models.ForeignKey(Vault, on_delete=models.CASCADE, related_name="cards")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="cards")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=8, choices=CardStatus.choices, default=CardStatus.PLANNED
    )
    text = models.TextField(_("message"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # The "card" interaction logged when it was marked sent; kept so un-sending can remove it.
    interaction = models.ForeignKey(
        Interaction, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("card")
        verbose_name_plural = _("cards")
        ordering = ["-year", "person__sort_key", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "author", "year"], name="one_card_per_person_author_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.year} · {self.status}"


class SeasonSettings(models.Model):
    """How long one user's card list is in one vault (remembered between visits)."""

    vault = models.ForeignKey(Vault, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    list_size = models.PositiveSmallIntegerField(_("how many cards"), default=5)

    class Meta:
        verbose_name = _("card season settings")
        verbose_name_plural = _("card season settings")
        constraints = [
            models.UniqueConstraint(fields=["vault", "user"], name="one_card_season_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.vault} · {self.list_size}"
