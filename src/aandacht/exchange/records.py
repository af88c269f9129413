"""The neutral shape every import source produces, free of Django.

vCard, LinkedIn, Google and mapped CSV readers all turn their input into :class:`Record`
(one person as the file describes them) or :class:`Problem` (a record that could not be read,
with where and why). Matching and writing only ever see records, so a new source is just a
new reader.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

ContactKindName = Literal["email", "phone", "website", "social"]
DateKindName = Literal["birthday", "anniversary", "custom"]


# The field names a CSV column can map to (``--map COL=FIELD`` and the web mapping step), and
# the column headers of the CSV export, so an exported CSV imports again without a mapping.
# Several columns may map to email, phone, website, social and tags.
FIELD_NAMES: tuple[str, ...] = (
    "full_name",
    "given_name",
    "particles",
    "family_name",
    "nickname",
    "name_prefix",
    "name_suffix",
    "organisation",
    "department",
    "job_title",
    "email",
    "phone",
    "website",
    "social",
    "street",
    "postal_code",
    "city",
    "region",
    "country",
    "birthday",
    "anniversary",
    "note",
    "tags",
    "met_on",
    "met_at",
    "time_zone",
    "pronouns",
)


@dataclass
class RecordContact:
    """An email, phone, website or social profile as written in the file (not normalised)."""

    kind: ContactKindName
    value: str
    label: str = ""
    service: str = ""  # for social profiles: "linkedin", "twitter", … (SocialService values)


@dataclass
class RecordAddress:
    label: str = ""
    street: str = ""
    postal_code: str = ""
    locality: str = ""
    region: str = ""
    country: str = ""

    def is_empty(self) -> bool:
        return not any((self.street, self.postal_code, self.locality, self.region, self.country))


@dataclass
class RecordDate:
    """A yearly date; ``year`` may be missing (``--0415``)."""

    kind: DateKindName
    month: int
    day: int
    year: int | None = None
    label: str = ""


@dataclass
class RecordPhoto:
    data: bytes
    # "image/jpeg", "image/png", "image/gif" or "image/webp"; "" for bytes that are none of
    # them (the importer leaves such a photo out with a bad_photo warning)
    mime: str


@dataclass
class Record:
    """One person as an import file describes them.

    ``number`` is where a reader would point a user: the card number in a vCard file, the
    line number in a CSV file (the header is line 1 after any preamble lines).
    """

    number: int
    given_name: str = ""
    particles: str = ""
    family_name: str = ""
    nickname: str = ""
    name_prefix: str = ""
    name_suffix: str = ""
    pronouns: str = ""
    organisation: str = ""
    department: str = ""
    job_title: str = ""
    time_zone: str = ""
    contacts: list[RecordContact] = field(default_factory=list)
    addresses: list[RecordAddress] = field(default_factory=list)
    dates: list[RecordDate] = field(default_factory=list)
    note: str = ""
    tags: list[str] = field(default_factory=list)
    photo: RecordPhoto | None = None
    met_on: dt.date | None = None
    met_channel: str = ""  # a people.Channel value ("linkedin"), or ""
    met_at: str = ""
    uid: str = ""  # vCard UID when the file has one
    # Dates written as dates that do not exist ("1980-02-30"), as written: left out, warned.
    bad_dates: list[tuple[DateKindName, str]] = field(default_factory=list)

    def has_name(self) -> bool:
        return bool(self.given_name or self.family_name or self.nickname)

    def is_empty(self) -> bool:
        """Nothing at all to store: such a record is reported, not imported."""
        return not (
            self.has_name()
            or self.organisation
            or self.department
            or self.contacts
            or self.addresses
            or self.dates
            or self.note
        )


@dataclass(frozen=True)
class Problem:
    """A record that cannot be read: ``record`` is the card or line number.

    ``code`` is stable (for tests and translated messages); ``reason`` is the English text
    shown when no translation applies.
    """

    record: int
    code: str
    reason: str


RecordStream = Iterator[Record | Problem]


class UnreadableFile(ValueError):
    """The file as a whole cannot be read (binary, wrong encoding, no usable columns…).

    Raised before anything is written; ``code`` is stable, the message says what was wrong.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
