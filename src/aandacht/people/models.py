"""People and everything that describes who they are.

Every model here carries its vault, directly or through its person, and every query starts
from a vault (``Person.objects.in_vault(vault)``): a person of another vault is a 404.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from aandacht.accounts.models import Vault
from aandacht.people import names

if TYPE_CHECKING:
    from django_stubs_ext.db.models.manager import RelatedManager


class Channel(models.TextChoices):
    """Where or how you first met someone."""

    CONFERENCE = "conference", _("conference or event")
    MEETUP = "meetup", _("meetup")
    TWITTER = "twitter", _("X / Twitter")
    LINKEDIN = "linkedin", _("LinkedIn")
    MASTODON = "mastodon", _("Mastodon")
    INSTAGRAM = "instagram", _("Instagram")
    INTRODUCTION = "introduction", _("introduction")
    WORK = "work", _("work")
    CLIENT = "client", _("client or customer")
    SCHOOL = "school", _("school or study")
    NEIGHBOURHOOD = "neighbourhood", _("neighbourhood")
    FAMILY = "family", _("family")
    FRIENDS = "friends", _("friends")
    SPORTS = "sports", _("sports or club")
    ONLINE = "online", _("online, elsewhere")
    OTHER = "other", _("other")


class PersonQuerySet(models.QuerySet["Person"]):
    def in_vault(self, vault: Vault) -> PersonQuerySet:
        """People of one vault, without the ones in the trash."""
        return self.filter(vault=vault, trashed_at__isnull=True)

    def reachable(self) -> PersonQuerySet:
        """People who may get reminders and suggestions: not archived, not deceased."""
        return self.filter(archived=False, deceased=False)


# What Person.name and Person.initials read: a list that loads people with .only(...) must load
# all of these, or every row costs a query (someone with only a nickname or organisation).
NAME_FIELDS = ("given_name", "particles", "family_name", "nickname", "organisation")


def name_of(given: str, particles: str, family: str, nickname: str, organisation: str) -> str:
    """``Person.name`` from the values of ``NAME_FIELDS``, for rows read without a model."""
    return (
        names.display_name(given, particles, family)
        or nickname
        or organisation
        or str(_("(no name)"))
    )


def search_columns(prefix: str = "") -> tuple[str, ...]:
    """The search columns (``prefix`` for a related person: ``"person__"``), for ``defer()``.

    They hold every way of writing the name and all public notes, up to 120,000 characters
    for a busy person: pages that list people do not show them, and reading them made Today's
    follow-ups take 9 ms instead of 5 at 50,000 people.
    """
    return (f"{prefix}search_names", f"{prefix}search_text")


class Person(models.Model):
    vault = models.ForeignKey(Vault, on_delete=models.CASCADE, related_name="people")
    given_name = models.CharField(_("given name"), max_length=150, blank=True)
    particles = models.CharField(
        _("name particles"),
        max_length=40,
        blank=True,
        help_text=_('Tussenvoegsel such as "van", "de" or "van der"; ignored when sorting.'),
    )
    family_name = models.CharField(_("family name"), max_length=150, blank=True)
    nickname = models.CharField(_("nickname"), max_length=100, blank=True)
    # Honorifics as address books keep them (vCard N prefixes/suffixes): "dr.", "jr.".
    name_prefix = models.CharField(_("title before the name"), max_length=40, blank=True)
    name_suffix = models.CharField(_("after the name"), max_length=40, blank=True)
    pronouns = models.CharField(_("pronouns"), max_length=40, blank=True)
    photo = models.FileField(_("photo"), upload_to="photos/%Y/", blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)

    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    # vCard ORG's second component ("ORG:IBM;Accounting"), kept apart from the organisation so
    # address books show the company as the company.
    department = models.CharField(_("department"), max_length=200, blank=True, default="")
    job_title = models.CharField(_("role"), max_length=200, blank=True)

    met_on = models.DateField(_("met on"), null=True, blank=True)
    met_at = models.CharField(_("place or event where we met"), max_length=200, blank=True)
    met_channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, blank=True)
    met_via = models.ForeignKey(
        "self",
        verbose_name=_("introduced by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="introduced",
    )
    met_story = models.TextField(_("how we met"), blank=True)

    what_they_do = models.TextField(_("what they do, in their words"), blank=True)
    what_they_care_about = models.TextField(_("what they care about"), blank=True)

    archived = models.BooleanField(_("archived"), default=False)
    deceased = models.BooleanField(_("deceased"), default=False)
    deceased_on = models.DateField(_("died on"), null=True, blank=True)
    trashed_at = models.DateTimeField(_("moved to the trash"), null=True, blank=True)

    tags: models.ManyToManyField[Tag, Any] = models.ManyToManyField(
        "Tag", related_name="people", blank=True
    )

    # Derived on save: the sort key ignores particles; the search columns feed the text index.
    sort_key = models.CharField(max_length=400, db_index=True, editable=False, default="")
    search_names = models.TextField(editable=False, default="")
    search_text = models.TextField(editable=False, default="")

    # A stable identity for address books (vCard UID): kept from an imported card, so the same
    # card imported again, exported, or synced later finds the same person.
    uid = models.CharField(max_length=255, blank=True, db_index=True, editable=False)

    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    objects = PersonQuerySet.as_manager()

    if TYPE_CHECKING:
        contact_methods: RelatedManager[ContactMethod]
        addresses: RelatedManager[Address]
        important_dates: RelatedManager[ImportantDate]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["sort_key", "id"]
        # The list's window reads (vault, sort_key) ranges; archived and trashed_at ride along
        # so its letter counts (a GROUP BY over the whole vault) never touch the table.
        indexes = [
            models.Index(
                fields=["vault", "sort_key", "archived", "trashed_at"],
                name="person_vault_sort_state",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.sort_key = names.sort_key(
            self.given_name,
            self.particles,
            self.family_name,
            fallback=names.fallback_name(self.nickname, self.organisation),
        )
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "sort_key"}
        super().save(*args, **kwargs)

    @property
    def name(self) -> str:
        """The display name; someone known only by a nickname or organisation is called that."""
        return name_of(
            self.given_name, self.particles, self.family_name, self.nickname, self.organisation
        )

    @property
    def initials(self) -> str:
        return names.initials(
            self.given_name,
            self.family_name,
            fallback=names.fallback_name(self.nickname, self.organisation),
        )


class ContactKind(models.TextChoices):
    EMAIL = "email", _("email")
    PHONE = "phone", _("phone")
    WEBSITE = "website", _("website")
    SOCIAL = "social", _("social profile")


class SocialService(models.TextChoices):
    TWITTER = "twitter", "X / Twitter"
    LINKEDIN = "linkedin", "LinkedIn"
    MASTODON = "mastodon", "Mastodon"
    BLUESKY = "bluesky", "Bluesky"
    INSTAGRAM = "instagram", "Instagram"
    FACEBOOK = "facebook", "Facebook"
    GITHUB = "github", "GitHub"
    OTHER = "other", _("other")


class ContactMethod(models.Model):
    """An email address, phone number, website or social handle, with a label."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contact_methods")
    kind = models.CharField(_("kind"), max_length=10, choices=ContactKind.choices)
    label = models.CharField(_("label"), max_length=40, blank=True)
    value = models.CharField(_("value"), max_length=300)
    # E.164 for phones, lower-case for emails, "@handle" for social profiles: used for
    # matching duplicates and tel:/mailto: links.
    normalized = models.CharField(max_length=300, blank=True, db_index=True)
    service = models.CharField(
        _("service"), max_length=12, choices=SocialService.choices, blank=True
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("contact method")
        verbose_name_plural = _("contact methods")
        ordering = ["kind", "position", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"


class Address(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    label = models.CharField(_("label"), max_length=40, blank=True)
    street = models.CharField(_("street"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    locality = models.CharField(_("city"), max_length=100, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("postal address")
        verbose_name_plural = _("postal addresses")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.one_line

    @property
    def one_line(self) -> str:
        city = " ".join(p for p in (self.postal_code, self.locality) if p)
        return ", ".join(p for p in (self.street, city, self.region, self.country) if p)


class DateKind(models.TextChoices):
    BIRTHDAY = "birthday", _("birthday")
    ANNIVERSARY = "anniversary", _("anniversary")
    CUSTOM = "custom", _("other date")


_DATE_KIND_LABELS: dict[str, Any] = dict(DateKind.choices)


class ImportantDate(models.Model):
    """A yearly date; the year is optional (many people share a birthday without the year)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="important_dates")
    kind = models.CharField(_("kind"), max_length=12, choices=DateKind.choices)
    label = models.CharField(_("label"), max_length=100, blank=True)
    month = models.PositiveSmallIntegerField(_("month"))
    day = models.PositiveSmallIntegerField(_("day"))
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)

    class Meta:
        verbose_name = _("important date")
        verbose_name_plural = _("important dates")
        ordering = ["month", "day", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12, day__gte=1, day__lte=31),
                name="important_date_valid_day",
            )
        ]
        # Today, the coming days and the digest ask for one day's dates (dates_on): without it
        # every date of the instance was read (31,000 at 50,000 people, 2.5 ms of Today's SQL).
        indexes = [models.Index(fields=["month", "day"], name="important_date_month_day")]

    def __str__(self) -> str:
        return f"{self.title}: {self.day}-{self.month}" + (f"-{self.year}" if self.year else "")

    def get_kind_display(self) -> str:  # type: ignore[no-redef]
        """The kind's label, looked up (Django's own builds a hashable copy of every choice,
        translating each, on every call: Today shows a hundred dates and asks twice each)."""
        return str(_DATE_KIND_LABELS.get(self.kind, self.kind))

    @property
    def title(self) -> str:
        return self.label or self.get_kind_display()

    def next_occurrence(self, today: dt.date) -> dt.date:
        """The next date on or after today; 29 February falls on the 28th in other years."""
        return next_yearly(self.month, self.day, today)


def next_yearly(month: int, day: int, today: dt.date) -> dt.date:
    for year in (today.year, today.year + 1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            candidate = dt.date(year, month, 28)
        if candidate >= today:
            return candidate
    raise AssertionError("unreachable: next year always qualifies")


class RelationshipKind(models.TextChoices):
    PARTNER = "partner", _("partner")
    PARENT = "parent", _("parent")
    CHILD = "child", _("child")
    SIBLING = "sibling", _("sibling")
    FAMILY = "family", _("family")
    FRIEND = "friend", _("friend")
    COLLEAGUE = "colleague", _("colleague")
    MANAGER = "manager", _("manager")
    REPORT = "report", _("reports to them")
    INTRODUCED = "introduced", _("introduced")
    INTRODUCED_BY = "introduced_by", _("introduced by")
    MENTOR = "mentor", _("mentor")
    MENTEE = "mentee", _("mentee")
    CLIENT = "client", _("client")
    SUPPLIER = "supplier", _("supplier")


INVERSE_KIND: dict[str, str] = {
    "partner": "partner",
    "parent": "child",
    "child": "parent",
    "sibling": "sibling",
    "family": "family",
    "friend": "friend",
    "colleague": "colleague",
    "manager": "report",
    "report": "manager",
    "introduced": "introduced_by",
    "introduced_by": "introduced",
    "mentor": "mentee",
    "mentee": "mentor",
    "client": "supplier",
    "supplier": "client",
}


class Relationship(models.Model):
    """``from_person`` is ``kind`` of ``to_person`` ("Ann is parent of Ben").

    Stored once; seen from ``to_person`` it reads with the inverse kind ("Ben is child of Ann").
    """

    vault = models.ForeignKey(Vault, on_delete=models.CASCADE, related_name="relationships")
    from_person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="relationships_out"
    )
    to_person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships_in")
    kind = models.CharField(_("kind"), max_length=15, choices=RelationshipKind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("relationship")
        verbose_name_plural = _("relationships")
        constraints = [
            models.UniqueConstraint(
                fields=["from_person", "to_person", "kind"], name="one_relationship_per_kind"
            ),
            models.CheckConstraint(
                condition=~models.Q(from_person=models.F("to_person")),
                name="relationship_not_with_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_person} — {self.get_kind_display()} — {self.to_person}"


class Tag(models.Model):
    vault = models.ForeignKey(Vault, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(_("name"), max_length=60)
    colour = models.CharField(_("colour"), max_length=7, default="#6b7280")

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["vault", "name"], name="unique_tag_name")]

    def __str__(self) -> str:
        return self.name
