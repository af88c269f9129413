"""A vault seen as a CardDAV address book: its change counter and one resource per person.

Phones sync by asking "what changed since token N?" and by comparing ETags, many times a day.
Both must be answered from stored columns, not by rendering ten thousand vCards per request:
``Card`` keeps the rendered vCard, its ETag and the address book revision at which it last
changed (deleted cards stay as tombstones so that a later sync learns of the deletion).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from aandacht.accounts.models import Vault
from aandacht.people.models import Person


class AddressBook(models.Model):
    """One per vault, created on first use.

    ``revision`` grows by one for every batch of changes; a sync token names a revision.
    ``floor`` is the oldest revision still answerable: tokens below it (tombstones purged)
    are refused as RFC 6578 says, and the client starts over.
    """

    vault = models.OneToOneField(Vault, on_delete=models.CASCADE, related_name="address_book")
    revision = models.PositiveBigIntegerField(default=0)
    floor = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("address book")
        verbose_name_plural = _("address books")

    def __str__(self) -> str:
        return f"{self.vault} @ {self.revision}"


class Card(models.Model):
    """A person as an address book resource (or the tombstone of one).

    ``etag`` empty means stale: something about the person changed and the card is rendered
    again on the next read. ``extra`` holds the lines of a client's vCard that Aandacht does
    not model (X- properties, a phone's own fields…), written back unchanged so that nothing a
    phone stores is lost.
    """

    vault = models.ForeignKey(Vault, on_delete=models.CASCADE, related_name="dav_cards")
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="dav_cards"
    )
    href = models.CharField(max_length=255)
    uid = models.CharField(max_length=255, blank=True)
    etag = models.CharField(max_length=64, blank=True)
    text = models.TextField(blank=True)
    extra = models.TextField(blank=True)
    revision = models.PositiveBigIntegerField(default=0)
    deleted = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("address book card")
        verbose_name_plural = _("address book cards")
        constraints = [
            models.UniqueConstraint(fields=["vault", "href"], name="carddav_one_card_per_href")
        ]
        indexes = [
            models.Index(fields=["vault", "revision"], name="carddav_card_vault_revision"),
            # A PUT checks that its UID is not another card's.
            models.Index(fields=["vault", "uid"], name="carddav_card_vault_uid"),
        ]

    def __str__(self) -> str:
        return self.href
