"""The shape of the demo's hand-written text tables, one instance per language.

The structure of the network (who is family, who introduced whom, how often you talk) lives in
:mod:`aandacht.demo.cast` and :mod:`aandacht.demo.builder` and is shared by every language, so
the English and the Dutch demo tell the same story; only the words differ.

Summary templates may start with a marker that ties them to who initiated the contact:
``<`` I did, ``>`` they did, no marker either. ``<~`` means I did and nothing came back yet
(the interaction is logged as one-way). Placeholders: ``{first}`` (their first name or
nickname), ``{topic}`` (from their segment), ``{place}`` (a café or meeting place) and, in
follow-ups, ``{other}`` (someone else in the network).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass

# A few people from elsewhere in every network; accents and letters search must fold.
INTERNATIONAL_NAMES = (
    "Matthias Schröder",
    "Léa Dubois",
    "Lucía Fernández",
    "Björn Andersson",
    "Agnieszka Nowak",
    "Chiara Romano",
    "Mehmet Yılmaz",
    "Hiroshi Tanaka",
    "François Lefèvre",
    "Joana Sousa",
    "Ingrid Hansen",
    "Raúl Ortega",
    "Elif Demir",
    "Piotr Wiśniewski",
)


@dataclass(frozen=True)
class AddressRow:
    street: str
    postal_code: str
    locality: str
    country: str = ""
    label: str = ""


@dataclass(frozen=True)
class NoteRow:
    body: str
    days_ago: int
    private: bool = False


@dataclass(frozen=True)
class MomentRow:
    kind: str  # MomentKind value
    text: str
    days_ago: int
    private: bool = False


@dataclass(frozen=True)
class FollowUpRow:
    text: str
    days_ago: int  # when the promise or request was made
    direction: str = "promise"  # FollowUpDirection value
    due_in_days: int | None = None  # relative to today; negative means overdue
    done: bool = False


@dataclass(frozen=True)
class EventRow:
    """A specific, hand-written interaction in a cast member's story."""

    days_ago: int
    kind: str  # InteractionKind value
    summary: str
    initiated_by: str = ""  # "me", "them" or ""
    with_keys: tuple[str, ...] = ()  # other cast members who were there
    outcome: str = ""  # empty: the default for the kind


@dataclass(frozen=True)
class CastText:
    """Everything written about one hand-made person, in one language."""

    name: str
    family_name: str | None = None  # only where the Dutch-style split would guess wrong
    nickname: str = ""
    organisation: str = ""
    job_title: str = ""
    met_at: str = ""
    met_story: str = ""
    what_they_do: str = ""
    what_they_care_about: str = ""
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    websites: tuple[str, ...] = ()
    socials: tuple[str, ...] = ()
    address: AddressRow | None = None
    tags: tuple[str, ...] = ()
    notes: tuple[NoteRow, ...] = ()
    moments: tuple[MomentRow, ...] = ()
    follow_ups: tuple[FollowUpRow, ...] = ()
    events: tuple[EventRow, ...] = ()


Workplace = tuple[str, tuple[str, ...]]


@dataclass(frozen=True)
class SegmentText:
    """Word pools for generated people of one segment (clients, meetup people, …)."""

    tags: tuple[str, ...]
    workplaces: tuple[Workplace, ...]  # an organisation with the roles that fit it
    places: tuple[str, ...]  # where you met
    stories: tuple[str, ...]  # how you met: {first}, {place}
    does: tuple[str, ...]  # what they do, in their words
    cares: tuple[str, ...]  # what they care about
    topics: tuple[str, ...]
    notes: tuple[str, ...]
    private_notes: tuple[str, ...]
    promises: tuple[str, ...]
    requests: tuple[str, ...]


@dataclass(frozen=True)
class City:
    locality: str
    postal_prefixes: tuple[str, ...]
    country: str = ""


@dataclass(frozen=True)
class DemoLocale:
    vault_name: str
    freelance: str  # the organisation of the self-employed: no company email domain
    # Contact labels.
    label_work: str
    label_home: str
    label_mobile: str
    label_personal: str
    # Dates.
    wedding_label: str
    work_anniversary_label: str
    # Names for generated people; family names may carry particles ("van den Berg").
    given_female: tuple[str, ...]
    given_male: tuple[str, ...]
    family_names: tuple[str, ...]
    international_names: tuple[str, ...]
    personal_email_domains: tuple[str, ...]
    cities: tuple[City, ...]
    streets: tuple[str, ...]
    places: tuple[str, ...]  # cafés and meeting spots for {place}
    make_phone: Callable[[random.Random, bool], str]  # (rng, mobile) -> a valid number
    make_postal_code: Callable[[random.Random, str], str]  # (rng, prefix) -> postal code
    conference_tag: str  # with {year}
    tag_colours: Mapping[str, str]
    # sphere ("work" or "personal") -> interaction kind -> summary templates
    summaries: Mapping[str, Mapping[str, tuple[str, ...]]]
    # sphere -> moment kind -> templates
    moments: Mapping[str, Mapping[str, tuple[str, ...]]]
    first_meeting: tuple[str, ...]  # logged on the day you met: {first}, {place}
    season_card: tuple[str, ...]  # the yearly card round in December
    birthday: Mapping[str, tuple[str, ...]]  # kind (card, gift, message, call) -> templates
    segments: Mapping[str, SegmentText]
    cast: Mapping[str, CastText]
