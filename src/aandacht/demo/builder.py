"""Builds the demo vault from the cast and the word pools.

Everything random comes from one ``random.Random`` seeded per language, and every date is an
offset from "today", so the demo always shows the last twelve months and two loads on different
days differ only by that shift.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Model
from django.utils import timezone

from aandacht.accounts.models import Vault
from aandacht.attention.models import PRESET_CADENCE, Circle, Rhythm
from aandacht.attention.services import refresh_last_contacts
from aandacht.demo.cast import CAST, RELATIONSHIPS, Shape
from aandacht.demo.content import AddressRow, CastText, DemoLocale, SegmentText
from aandacht.exchange.models import ImportFormat, ImportJob, ImportStatus
from aandacht.people import contact, names
from aandacht.people.models import Address, ContactKind, ContactMethod, DateKind, Person, Tag
from aandacht.people.search import refresh_search_fields
from aandacht.people.services import add_important_date, create_person, relate
from aandacht.timeline.models import (
    DEFAULT_OUTCOME,
    FollowUp,
    FollowUpDirection,
    Initiator,
    Interaction,
    InteractionKind,
    MomentKind,
    Note,
    Outcome,
)
from aandacht.timeline.services import add_follow_up, add_moment

Weights = tuple[tuple[str, int], ...]

HISTORY_DAYS = 360  # the oldest history entry; "the last twelve months"

# Mean days between contacts; each gap varies by ±40 %.
RHYTHM_DAYS: dict[str, int] = {
    "weekly": 7,
    "fortnightly": 14,
    "monthly": 30,
    "quarterly": 90,
    "rare": 120,
    "twice": 180,
    "lapsed": 60,  # in touch once, then silent for the last eight months or more
}
RHYTHMS = frozenset({*RHYTHM_DAYS, "once", "none"})

MASTODON_INSTANCES = ("mastodon.social", "fosstodon.org", "hachyderm.io", "mastodon.online")
CHANNEL_NAMES = {
    "twitter": "X/Twitter",
    "linkedin": "LinkedIn",
    "mastodon": "Mastodon",
    "instagram": "Instagram",
    "online": "Bluesky",
}
CONFERENCE_COLOUR = "#ea580c"
# The department a generated person's role belongs to (the role names are the word pools'
# in either language): some people at an organisation get one, as address books keep it.
DEPARTMENTS: dict[str, str] = {
    "Head of Finance": "Finance",
    "Head of Claims": "Claims",
    "Team Lead Customer Service": "Customer Service",
    "Team Leader Social Care": "Social Care",
    "Head of Housing Services": "Housing Services",
    "Teamleider Burgerzaken": "Burgerzaken",
    "Teamleider Klantcontact": "Klantcontact",
    "Teamleider Wijkzorg": "Wijkzorg",
    "Afdelingshoofd Sociaal Domein": "Sociaal Domein",
    "Hoofd Schadebehandeling": "Schadebehandeling",
}
NAME_REPEATS = 3  # at most this many generated people share a first or family name
HOLIDAYS = frozenset({(12, 24), (12, 25), (12, 26), (12, 31), (1, 1)})
MOBILE_PREFIXES = ("+316", "+447", "+3519", "+4179", "+4520")


@dataclass(frozen=True)
class SegmentPlan:
    """How many generated people a segment gets and how their contact behaves."""

    count: int
    sphere: str  # "work" or "personal": picks summary and moment templates
    channels: Weights
    rhythms: Weights
    met_days: tuple[int, int]
    kinds: Weights
    email: float = 0.85
    phone: float = 0.6
    website: float = 0.0
    linkedin: float = 0.35
    address: float = 0.0
    birthday: float = 0.35
    notes: float = 0.45
    moment: float = 0.2
    follow_up: float = 0.25


SEGMENTS: dict[str, SegmentPlan] = {
    "family": SegmentPlan(
        0, "personal", (("family", 1),), (("monthly", 1),), (0, 0),
        (("call", 6), ("message", 5), ("video", 3), ("meeting", 1), ("voicemail", 1)),
    ),
    "friend": SegmentPlan(
        12, "personal",
        (("friends", 3), ("school", 2), ("neighbourhood", 2), ("sports", 2), ("work", 1)),
        (("monthly", 4), ("quarterly", 5), ("twice", 2), ("lapsed", 2)), (1500, 12000),
        (("message", 5), ("call", 3), ("meeting", 4), ("voicemail", 1), ("video", 1)),
        email=0.6, phone=0.9, linkedin=0.1, address=0.5, birthday=0.8, moment=0.35,
    ),
    "neighbour": SegmentPlan(
        7, "personal", (("neighbourhood", 5), ("sports", 3)),
        (("monthly", 2), ("quarterly", 3), ("twice", 2)), (400, 5000),
        (("message", 4), ("meeting", 4), ("call", 1)),
        email=0.3, phone=0.9, linkedin=0.0, address=0.9, birthday=0.5,
    ),
    "client": SegmentPlan(
        18, "work",
        (("client", 3), ("introduction", 4), ("linkedin", 2), ("conference", 1), ("work", 1)),
        (("monthly", 8), ("fortnightly", 2), ("quarterly", 5), ("lapsed", 2)), (90, 2500),
        (("call", 4), ("video", 5), ("meeting", 3), ("email", 3), ("message", 2),
         ("voicemail", 2)),
        email=1.0, phone=0.8, linkedin=0.6, address=0.15, birthday=0.4, moment=0.35,
        follow_up=0.45,
    ),
    "hospitality": SegmentPlan(
        6, "work", (("client", 2), ("introduction", 3), ("neighbourhood", 1)),
        (("monthly", 3), ("quarterly", 3)), (200, 2000),
        (("call", 4), ("meeting", 4), ("message", 3), ("email", 2), ("voicemail", 2)),
        email=1.0, phone=1.0, website=0.8, linkedin=0.3, address=0.5, moment=0.3,
        follow_up=0.4,
    ),
    "prospect": SegmentPlan(
        10, "work",
        (("introduction", 3), ("linkedin", 3), ("conference", 2), ("meetup", 1)),
        (("quarterly", 4), ("monthly", 2), ("once", 3), ("lapsed", 1)), (20, 500),
        (("email", 4), ("call", 3), ("video", 3), ("meeting", 2), ("voicemail", 2),
         ("message", 1)),
        email=1.0, phone=0.6, linkedin=0.7, birthday=0.1, moment=0.05, follow_up=0.5,
    ),
    "colleague": SegmentPlan(
        12, "work",
        (("work", 3), ("meetup", 2), ("conference", 2), ("linkedin", 2), ("introduction", 2)),
        (("monthly", 4), ("quarterly", 5), ("twice", 3)), (500, 5000),
        (("call", 3), ("video", 3), ("meeting", 3), ("message", 3), ("email", 2),
         ("voicemail", 1)),
        email=1.0, phone=0.8, website=0.6, linkedin=0.8, birthday=0.5, moment=0.3,
        follow_up=0.35,
    ),
    "conference": SegmentPlan(
        18, "work", (("conference", 1),),
        (("quarterly", 3), ("twice", 5), ("once", 6), ("lapsed", 4)), (20, 700),
        (("email", 3), ("message", 3), ("video", 2), ("meeting", 2), ("call", 1),
         ("voicemail", 1)),
        email=0.8, phone=0.3, linkedin=0.6, birthday=0.1, notes=0.35, moment=0.1,
    ),
    "meetup": SegmentPlan(
        12, "work", (("meetup", 1),),
        (("quarterly", 3), ("twice", 4), ("once", 3), ("lapsed", 2)), (20, 900),
        (("message", 3), ("email", 2), ("meeting", 3), ("video", 1), ("call", 1)),
        email=0.7, phone=0.4, linkedin=0.5, birthday=0.1, notes=0.35, moment=0.1,
    ),
    "online": SegmentPlan(
        20, "work",
        (("twitter", 4), ("mastodon", 3), ("linkedin", 4), ("instagram", 1), ("online", 1)),
        (("quarterly", 4), ("twice", 6), ("once", 6), ("lapsed", 4)), (60, 3000),
        (("message", 6), ("email", 2), ("video", 2), ("meeting", 1), ("call", 1)),
        email=0.5, phone=0.15, website=0.3, linkedin=0.2, birthday=0.1, notes=0.3,
        moment=0.1, follow_up=0.2,
    ),
    "supplier": SegmentPlan(
        5, "work", (("introduction", 2), ("work", 2), ("online", 1)),
        (("quarterly", 3), ("twice", 2)), (300, 3000),
        (("email", 4), ("call", 2), ("meeting", 1), ("message", 2)),
        email=1.0, phone=0.9, website=0.6, linkedin=0.2, birthday=0.0, moment=0.1,
    ),
}  # fmt: skip

# Keeping in touch: the generated people who are on a rhythm, by segment and by how often you
# actually talk; everyone else (met once, lost touch, rarely) is on no rhythm at all.
GENERATED_CIRCLES: dict[str, dict[str, str]] = {
    "friend": {"monthly": "monthly", "quarterly": "quarterly", "twice": "yearly"},
    "neighbour": {"monthly": "quarterly", "quarterly": "quarterly"},
    "client": {"fortnightly": "monthly", "monthly": "monthly", "quarterly": "quarterly"},
    "hospitality": {"monthly": "monthly", "quarterly": "quarterly"},
    "colleague": {"monthly": "monthly", "quarterly": "quarterly", "twice": "yearly"},
    "conference": {"quarterly": "yearly"},
    "meetup": {"quarterly": "yearly"},
    "online": {"quarterly": "yearly"},
    "supplier": {"quarterly": "yearly"},
}
FAMILY_CIRCLE_DAYS = 30  # the tag circle of everyone tagged "family" ("familie")
SHAPES: dict[str, Shape] = {shape.key: shape for shape in CAST}

OPEN_SHARE = 0.45  # of generated follow-ups still open
CLOSE_RHYTHMS = frozenset({"weekly", "fortnightly", "monthly"})
ANNIVERSARY_SEGMENTS = frozenset({"hospitality", "supplier"})


@dataclass
class Member:
    """One person in the making, with what the history generator needs to know."""

    key: str
    person: Person
    segment: str
    sphere: str
    rhythm: str
    first: str
    met_on: dt.date | None
    kinds: Weights
    birthday: tuple[int, int] | None = None
    deceased_on: dt.date | None = None
    joins: list[tuple[Member, float]] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)  # what is left of the shuffled cycle


def slug(text: str, separator: str = "") -> str:
    """ASCII letters and digits only: "Jeroen van de Ven" -> "jeroenvandeven"."""
    return re.sub(r"[^a-z0-9]+", separator, names.fold(text)).strip(separator)


class DemoBuilder:
    """Fills one empty demo vault; use :func:`aandacht.demo.load_demo`, not this directly.

    People, relationships, dates, moments and follow-ups go through the people and timeline
    services. Contact details, addresses, tags, notes and interactions are collected and
    written in bulk at the end (normalised by :mod:`aandacht.people.contact`, exactly as the
    services do), then each person's search columns are refreshed once: row by row, the
    search-index signals would make the demo three times slower.
    """

    def __init__(
        self, vault: Vault, owner: User, lang: str, locale: DemoLocale, today: dt.date
    ) -> None:
        self.vault = vault
        self.owner = owner
        self.locale = locale
        self.today = today
        self.start = today - dt.timedelta(days=HISTORY_DAYS)
        self.lang = lang
        self.rng = random.Random(f"aandacht-demo-{lang}")
        self.members: dict[str, Member] = {}
        self.used_names: set[str] = set()
        self.reserved_given: set[str] = set()
        self.name_uses: dict[str, int] = {}
        self.contacts: list[ContactMethod] = []
        self.positions: dict[tuple[int, str], int] = {}
        self.addresses: list[Address] = []
        self.notes: list[Note] = []
        self.tags: dict[str, Tag] = {}
        self.tag_links: list[Model] = []
        self.interactions: list[tuple[Interaction, list[Person]]] = []

    # Small helpers -----------------------------------------------------------------------

    def pick(self, weights: Weights) -> str:
        values = [value for value, _ in weights]
        return self.rng.choices(values, weights=[weight for _, weight in weights])[0]

    def days_ago(self, days: int) -> dt.date:
        return self.today - dt.timedelta(days=days)

    def at(self, day: dt.date, sphere: str = "work") -> dt.datetime:
        """A plausible moment on that day: office hours for work, daytime or evening else."""
        hour = self.rng.randint(9, 17) if sphere == "work" else self.rng.randint(9, 21)
        minute = self.rng.choice((0, 10, 15, 30, 45))
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))

    def working_day(self, day: dt.date, not_before: dt.date | None) -> dt.date:
        """Work happens on weekdays outside the Christmas break: move back to one."""
        moved = day
        while moved.weekday() >= 5 or (moved.month, moved.day) in HOLIDAYS:
            moved -= dt.timedelta(days=1)
        return day if not_before is not None and moved < not_before else moved

    def first_day(self, member: Member) -> dt.date:
        if member.met_on is None or member.met_on < self.start:
            return self.start
        return member.met_on + dt.timedelta(days=1)

    def last_day(self, member: Member) -> dt.date:
        last = self.today - dt.timedelta(days=1)
        if member.deceased_on is not None:
            last = min(last, member.deceased_on - dt.timedelta(days=7))
        return last

    def random_day(self, member: Member) -> dt.date | None:
        first, last = self.first_day(member), self.last_day(member)
        if last < first:
            return None
        return first + dt.timedelta(days=self.rng.randint(0, (last - first).days))

    def other_name(self, member: Member) -> str:
        """Someone else worth mentioning ("Introduce Ana to {other}"), from the same sphere."""
        pool = [
            other.person.name
            for other in self.members.values()
            if other is not member
            and other.sphere == member.sphere
            and other.segment != "family"
            and other.deceased_on is None
            and not other.person.archived
        ]
        return self.rng.choice(pool) if pool else member.first

    def topic(self, member: Member) -> str:
        """Topics come round in a shuffled cycle, so one person's timeline rarely repeats."""
        if not member.topics:
            member.topics = list(self.locale.segments[member.segment].topics or ("…",))
            self.rng.shuffle(member.topics)
        return member.topics.pop()

    def fill(self, template: str, member: Member) -> str:
        return template.format(
            first=member.first,
            topic=self.topic(member),
            place=self.rng.choice(self.locale.places),
            other=self.other_name(member) if "{other}" in template else "",
            channel=CHANNEL_NAMES.get(member.person.met_channel, "LinkedIn"),
        )

    # Rows written in bulk ------------------------------------------------------------------

    def add_contact(self, person: Person, kind: str, value: str, sphere: str = "work") -> None:
        """Queue a contact detail, normalised as ``add_contact_method`` does, with a label."""
        text = value.strip()
        service = ""
        label = ""
        if kind == ContactKind.EMAIL:
            normalized = contact.normalize_email(text)
            domain = normalized.rpartition("@")[2]
            personal = domain in self.locale.personal_email_domains
            label = self.locale.label_personal if personal else self.locale.label_work
        elif kind == ContactKind.PHONE:
            normalized = contact.normalize_phone(text, settings.PHONE_REGION)
            mobile = normalized.startswith(MOBILE_PREFIXES)
            label = self.locale.label_mobile if mobile else self.locale.label_home
            if not mobile and sphere == "work":
                label = self.locale.label_work
        elif kind == ContactKind.SOCIAL:
            service, normalized = contact.parse_social(text)
        else:
            normalized = text.lower().removeprefix("https://").removeprefix("http://").rstrip("/")
        position = self.positions.get((person.pk, kind), 0)
        self.positions[(person.pk, kind)] = position + 1
        self.contacts.append(
            ContactMethod(
                person=person,
                kind=kind,
                label=label,
                value=text,
                normalized=normalized,
                service=service,
                position=position,
            )
        )

    def add_address(self, person: Person, row: AddressRow) -> None:
        self.addresses.append(
            Address(
                person=person,
                label=row.label,
                street=row.street,
                postal_code=row.postal_code,
                locality=row.locality,
                country=row.country,
            )
        )

    def add_tags(self, person: Person, tag_names: Sequence[str]) -> None:
        """Tags are created with their colour; links are written in bulk."""
        conference_prefix = self.locale.conference_tag.split("{", 1)[0]
        for name in dict.fromkeys(tag_names):
            tag = self.tags.get(name)
            if tag is None:
                colour = self.locale.tag_colours.get(name)
                if colour is None and name.startswith(conference_prefix):
                    colour = CONFERENCE_COLOUR
                tag = Tag.objects.create(vault=self.vault, name=name, colour=colour or "#6b7280")
                self.tags[name] = tag
            self.tag_links.append(Person.tags.through(person_id=person.pk, tag_id=tag.pk))

    def add_note(self, member: Member, body: str, day: dt.date, *, private: bool) -> None:
        self.notes.append(
            Note(
                vault=self.vault,
                person=member.person,
                author=self.owner,
                body=body.strip(),
                private=private,
                occurred_at=self.at(day, member.sphere),
            )
        )

    def record(
        self,
        people: list[Person],
        kind: str,
        occurred_at: dt.datetime,
        *,
        summary: str,
        initiated_by: str = Initiator.UNKNOWN,
        outcome: str = "",
    ) -> None:
        """Queue an interaction, checked like ``log_interaction`` checks it."""
        if kind not in InteractionKind.values or initiated_by not in Initiator.values:
            raise ValueError(f"bad demo interaction: {kind!r} by {initiated_by!r}")
        chosen = outcome or DEFAULT_OUTCOME[kind]
        if chosen not in Outcome.values:
            raise ValueError(f"bad demo outcome {chosen!r}")
        interaction = Interaction(
            vault=self.vault,
            kind=kind,
            outcome=chosen,
            occurred_at=occurred_at,
            initiated_by=initiated_by,
            summary=summary.strip(),
            author=self.owner,
        )
        self.interactions.append((interaction, people))

    def flush(self) -> None:
        """Write the queued rows, then refresh every person's search columns once."""
        ContactMethod.objects.bulk_create(self.contacts)
        Address.objects.bulk_create(self.addresses)
        Note.objects.bulk_create(self.notes)
        Person.tags.through._default_manager.bulk_create(self.tag_links)
        created = Interaction.objects.bulk_create([row for row, _ in self.interactions])
        through = Interaction.people.through
        links = [
            through(interaction_id=interaction.pk, person_id=person.pk)
            for interaction, (_, people) in zip(created, self.interactions, strict=True)
            for person in people
        ]
        through._default_manager.bulk_create(links)
        refresh_search_fields(member.person.pk for member in self.members.values())
        self.create_rhythms()
        # bulk_create sends no signals: the last contacts of every rhythm are set here once.
        refresh_last_contacts(member.person.pk for member in self.members.values())

    # Keeping in touch ----------------------------------------------------------------------

    def create_rhythms(self) -> None:
        """Circles, personal cadences, a muted and a paused person, and the family tag circle.

        Written in bulk (one query for the presets, one for the tag circle, one for the
        rhythms); the last contacts are filled in afterwards by ``refresh_last_contacts``.
        """
        presets = {c.preset: c for c in Circle.objects.filter(vault=self.vault).exclude(preset="")}
        family_tag = self.tags.get(self.locale.segments["family"].tags[0])
        if family_tag is not None:
            # Named like the preset circles beside it ("Family", not the tag's "family").
            Circle.objects.create(
                vault=self.vault,
                name=family_tag.name[:1].upper() + family_tag.name[1:],
                cadence_days=FAMILY_CIRCLE_DAYS,
                tag=family_tag,
            )
        rhythms: list[Rhythm] = []
        for member in self.members.values():
            person = member.person
            if person.archived or member.deceased_on is not None:
                continue
            shape = SHAPES.get(member.key)
            if shape is not None:
                preset = shape.circle
                cadence, muted = shape.cadence_days, shape.muted
                paused = shape.paused_days
            else:
                preset = GENERATED_CIRCLES.get(member.segment, {}).get(member.rhythm, "")
                cadence, muted, paused = None, False, None
            if not (preset or cadence or muted or paused):
                continue
            if preset and preset not in PRESET_CADENCE:
                raise ValueError(f"unknown demo circle {preset!r} for {member.key}")
            rhythms.append(
                Rhythm(
                    person=person,
                    circle=presets.get(preset) if preset else None,
                    cadence_days=cadence,
                    muted=muted,
                    paused_until=None if paused is None else self.today + dt.timedelta(paused),
                    since=self.today,
                )
            )
        Rhythm.objects.bulk_create(rhythms)

    # People ------------------------------------------------------------------------------

    def build(self) -> None:
        self.create_cast()
        self.create_generated()
        self.create_relationships()
        for member in list(self.members.values()):
            self.create_history(member)
        self.create_season_cards()
        self.flush()
        self.create_import_history()
        # Card season, check-in rounds and appreciation bring their own demo data.
        from aandacht.accounts import demo as accounts_demo
        from aandacht.attention import demo_appreciation
        from aandacht.cards import demo as cards_demo
        from aandacht.rounds import demo as rounds_demo

        for feature in (cards_demo, rounds_demo, demo_appreciation, accounts_demo):
            feature.add_demo(self)

    def create_import_history(self) -> None:
        """One finished import, so the import page's history shows what one looks like.

        Fixed figures and no random draws: the rest of the demo stays exactly as it was.
        """
        reasons = {
            "en": "This card has no name, email address or phone number.",
            "nl": "Dit kaartje heeft geen naam, e-mailadres of telefoonnummer.",
        }
        created, updated, unchanged = 41, 9, 2
        summary = {
            "dry_run": False,
            "records": created + updated + unchanged,
            "created": created,
            "updated": updated,
            "unchanged": unchanged,
            "merged_in_file": 0,
            "matched_by": {"email": 8, "phone": 3},
            "errors": [{"record": 37, "code": "empty", "reason": reasons[self.lang]}],
            "warnings": [],
            "conflicts": [],
        }
        job = ImportJob.objects.create(
            vault=self.vault,
            user=self.owner,
            filename="contacts.vcf",
            size=48_213,
            format=ImportFormat.AUTO,
            detected_format=ImportFormat.VCARD,
            status=ImportStatus.DONE,
            bytes_read=48_213,
            records_read=created + updated + unchanged + 1,
            preview={**summary, "dry_run": True},
            result=summary,
        )
        moment = timezone.make_aware(
            dt.datetime.combine(self.start + dt.timedelta(days=3), dt.time(20, 14))
        )
        ImportJob.objects.filter(pk=job.pk).update(created_at=moment, updated_at=moment)

    def tags_for(self, segment: SegmentText, channel: str, met_on: dt.date | None) -> list[str]:
        tags = list(segment.tags)
        if channel == "conference" and met_on is not None:
            tags.append(self.locale.conference_tag.format(year=met_on.year))
        return tags

    def create_cast(self) -> None:
        missing = {shape.key for shape in CAST} ^ set(self.locale.cast)
        if missing:
            raise ValueError(f"demo cast and language table differ: {sorted(missing)}")
        for shape in CAST:
            self.create_cast_member(shape, self.locale.cast[shape.key])
        for shape in CAST:
            for key, chance in shape.joins:
                self.members[shape.key].joins.append((self.members[key], chance))

    def create_cast_member(self, shape: Shape, text: CastText) -> None:
        segment = self.locale.segments[shape.segment]
        plan = SEGMENTS[shape.segment]
        met_on = None if shape.met_days_ago is None else self.days_ago(shape.met_days_ago)
        met_via = self.members[shape.met_via].person if shape.met_via else None
        person = create_person(
            self.vault,
            text.name,
            family_name=text.family_name,
            nickname=text.nickname,
            organisation=text.organisation,
            job_title=text.job_title,
            met_at=text.met_at,
            met_channel=shape.channel,
            met_on=met_on,
            met_via=met_via,
            met_story=text.met_story,
            what_they_do=text.what_they_do,
            what_they_care_about=text.what_they_care_about,
        )
        self.add_tags(person, [*self.tags_for(segment, shape.channel, met_on), *text.tags])
        for kind, values in (
            (ContactKind.EMAIL, text.emails),
            (ContactKind.PHONE, text.phones),
            (ContactKind.WEBSITE, text.websites),
            (ContactKind.SOCIAL, text.socials),
        ):
            for value in values:
                self.add_contact(person, kind, value, plan.sphere)
        if text.address is not None:
            self.add_address(person, text.address)
        birthday = self.cast_birthday(person, shape)
        if shape.anniversary is not None:
            month, day, year = shape.anniversary
            add_important_date(
                person, DateKind.ANNIVERSARY, month, day, year, self.locale.wedding_label
            )
        if shape.work_anniversary is not None:
            month, day, year = shape.work_anniversary
            add_important_date(
                person, DateKind.CUSTOM, month, day, year, self.locale.work_anniversary_label
            )
        deceased_on = None
        if shape.deceased_days_ago is not None:
            deceased_on = self.days_ago(shape.deceased_days_ago)
            Person.objects.filter(pk=person.pk).update(deceased=True, deceased_on=deceased_on)
        if shape.archived:
            Person.objects.filter(pk=person.pk).update(archived=True)
            person.archived = True
        member = Member(
            key=shape.key,
            person=person,
            segment=shape.segment,
            sphere=plan.sphere,
            rhythm=shape.rhythm,
            first=text.nickname or person.given_name,
            met_on=met_on,
            kinds=plan.kinds,
            birthday=birthday,
            deceased_on=deceased_on,
        )
        self.members[shape.key] = member
        self.used_names.add(names.fold(person.name))
        self.reserved_given.add(names.fold(person.given_name))
        if text.nickname:
            self.reserved_given.add(names.fold(text.nickname))

    def cast_birthday(self, person: Person, shape: Shape) -> tuple[int, int] | None:
        if shape.birthday is not None:
            month, day, year = shape.birthday
        elif shape.birthday_in_days is not None:
            date = self.today + dt.timedelta(days=shape.birthday_in_days)
            if (date.month, date.day) == (2, 29):
                date += dt.timedelta(days=1)
            month, day, year = date.month, date.day, shape.birth_year
        else:
            return None
        add_important_date(person, DateKind.BIRTHDAY, month, day, year)
        return month, day

    def fresh_name(self, female: bool) -> str:
        """A new, unambiguous name: never a cast member's first name, never a repeat, and no
        first or family name more than three times (a real network is not all Hollowells)."""
        for _attempt in range(500):
            if self.rng.random() < 0.1:
                name = self.rng.choice(self.locale.international_names)
            else:
                given_pool = self.locale.given_female if female else self.locale.given_male
                name = f"{self.rng.choice(given_pool)} {self.rng.choice(self.locale.family_names)}"
            parts = names.split_name(name)
            given, family = names.fold(parts.given), names.fold(parts.family)
            if (
                names.fold(name) in self.used_names
                or given in self.reserved_given
                or self.name_uses.get(given, 0) >= NAME_REPEATS
                or self.name_uses.get(family, 0) >= NAME_REPEATS
            ):
                continue
            self.used_names.add(names.fold(name))
            for part in (given, family):
                self.name_uses[part] = self.name_uses.get(part, 0) + 1
            return name
        raise RuntimeError("the demo name pools are too small")

    def create_generated(self) -> None:
        for segment_key, plan in SEGMENTS.items():
            segment = self.locale.segments[segment_key]
            previous: Member | None = None
            for index in range(plan.count):
                couple = segment_key == "friend" and index % 4 == 1 and previous is not None
                member = self.create_generated_member(
                    segment_key, plan, segment, index, previous if couple else None
                )
                previous = member

    def create_generated_member(
        self,
        segment_key: str,
        plan: SegmentPlan,
        segment: SegmentText,
        index: int,
        partner: Member | None,
    ) -> Member:
        rng = self.rng
        name = self.fresh_name(female=rng.random() < 0.5)
        if partner is not None and rng.random() < 0.5:
            # Same family name as the partner, now and then.
            parts = names.split_name(name)
            family = (partner.person.particles, partner.person.family_name)
            candidate = " ".join(p for p in (parts.given, *family) if p)
            if names.fold(candidate) not in self.used_names:
                self.used_names.add(names.fold(candidate))
                name = candidate
        first = names.split_name(name).given
        channel = partner.person.met_channel if partner else self.pick(plan.channels)
        met_days = rng.randint(*plan.met_days)
        met_on = partner.met_on if partner else self.days_ago(met_days)
        rhythm = "none" if partner else self.pick(plan.rhythms)
        organisation, job_titles = rng.choice(segment.workplaces or (("", ("",)),))
        job_title = rng.choice(job_titles)
        if plan.sphere == "personal" and rng.random() < 0.5:
            job_title = ""
        met_at = rng.choice(segment.places) if segment.places else ""
        met_via: Person | None = None
        if channel == "introduction":
            candidates = [
                m.person
                for m in self.members.values()
                if m.sphere == plan.sphere and m.segment != "family" and not m.person.archived
            ]
            met_via = rng.choice(candidates) if candidates else None
        story = ""
        if segment.stories and rng.random() < 0.7:
            story = rng.choice(segment.stories).format(
                first=first,
                place=met_at,
                channel=CHANNEL_NAMES.get(channel, "LinkedIn"),
                topic=rng.choice(segment.topics) if segment.topics else "",
            )
        person = create_person(
            self.vault,
            name,
            organisation=organisation,
            department=DEPARTMENTS.get(job_title, "") if organisation else "",
            job_title=job_title,
            met_at=met_at,
            met_channel=channel,
            met_on=met_on,
            met_via=met_via,
            met_story=story,
            what_they_do=rng.choice(segment.does) if segment.does and rng.random() < 0.6 else "",
            what_they_care_about=(
                rng.choice(segment.cares) if segment.cares and rng.random() < 0.5 else ""
            ),
        )
        self.add_tags(person, self.tags_for(segment, channel, met_on))
        for email in self.generated_emails(name, organisation, plan):
            self.add_contact(person, ContactKind.EMAIL, email)
        if rng.random() < plan.phone:
            self.add_contact(person, ContactKind.PHONE, self.locale.make_phone(rng, True))
        self.add_generated_details(person, name, organisation, channel, plan)
        birthday: tuple[int, int] | None = None
        if rng.random() < plan.birthday:
            month, day = rng.randint(1, 12), rng.randint(1, 28)
            year = rng.randint(1955, 2001) if rng.random() < 0.6 else None
            add_important_date(person, DateKind.BIRTHDAY, month, day, year)
            birthday = (month, day)
        if segment_key in ANNIVERSARY_SEGMENTS and rng.random() < 0.5:
            year = self.today.year - rng.randint(2, 25)
            add_important_date(
                person,
                DateKind.CUSTOM,
                rng.randint(1, 12),
                rng.randint(1, 28),
                year,
                self.locale.work_anniversary_label,
            )
        if rhythm == "lapsed" and segment_key in {"client", "conference"} and rng.random() < 0.4:
            Person.objects.filter(pk=person.pk).update(archived=True)
            person.archived = True
        member = Member(
            key=f"{segment_key}-{index}",
            person=person,
            segment=segment_key,
            sphere=plan.sphere,
            rhythm=rhythm,
            first=first,
            met_on=met_on,
            kinds=plan.kinds,
            birthday=birthday,
        )
        if partner is not None:
            relate(partner.person, "partner", person)
            partner.joins.append((member, 0.6))
            if rng.random() < 0.5:
                month, day = rng.randint(1, 12), rng.randint(1, 28)
                year = self.today.year - rng.randint(3, 30)
                for someone in (partner.person, person):
                    add_important_date(
                        someone, DateKind.ANNIVERSARY, month, day, year, self.locale.wedding_label
                    )
        self.members[member.key] = member
        return member

    def generated_emails(self, name: str, organisation: str, plan: SegmentPlan) -> list[str]:
        rng = self.rng
        if rng.random() >= plan.email:
            return []
        parts = names.split_name(name)
        first = slug(parts.given)
        family = slug(parts.particles + parts.family)
        local = rng.choice((f"{first}.{family}", f"{first[:1]}.{family}", f"{first}{family}"))
        freelance = not organisation or organisation == self.locale.freelance
        if plan.sphere == "work" and not freelance:
            emails = [f"{local}@{slug(organisation, '-')}.example"]
            if rng.random() < 0.15:
                emails.append(f"{first}.{family}@{rng.choice(self.locale.personal_email_domains)}")
            return emails
        return [f"{local}@{rng.choice(self.locale.personal_email_domains)}"]

    def add_generated_details(
        self, person: Person, name: str, organisation: str, channel: str, plan: SegmentPlan
    ) -> None:
        rng = self.rng
        locale = self.locale
        handle = slug(name, "_") if rng.random() < 0.5 else slug(name)
        if plan.sphere == "work" and rng.random() < 0.25:
            self.add_contact(person, ContactKind.PHONE, locale.make_phone(rng, False))
        if rng.random() < plan.website:
            site = slug(organisation, "-") if organisation else slug(name, "-")
            self.add_contact(person, ContactKind.WEBSITE, f"https://{site}.example")
        social = ""
        if channel == "twitter":
            social = f"https://{rng.choice(('twitter.com', 'x.com'))}/{handle}"
        elif channel == "mastodon":
            social = f"@{handle}@{rng.choice(MASTODON_INSTANCES)}"
        elif channel == "instagram":
            social = f"https://instagram.com/{handle}"
        elif channel == "online":
            social = f"https://bsky.app/profile/{handle}.bsky.social"
        if social:
            self.add_contact(person, ContactKind.SOCIAL, social)
        if channel == "linkedin" or rng.random() < plan.linkedin:
            linkedin = f"https://www.linkedin.com/in/{slug(name, '-')}"
            self.add_contact(person, ContactKind.SOCIAL, linkedin)
        if rng.random() < plan.address:
            city = rng.choice(locale.cities)
            row = AddressRow(
                street=f"{rng.choice(locale.streets)} {rng.randint(1, 180)}",
                postal_code=locale.make_postal_code(rng, rng.choice(city.postal_prefixes)),
                locality=city.locality,
                country=city.country,
                label=locale.label_home,
            )
            self.add_address(person, row)

    def create_relationships(self) -> None:
        for from_key, kind, to_key in RELATIONSHIPS:
            relate(self.members[from_key].person, kind, self.members[to_key].person)
        by_organisation: dict[str, list[Member]] = {}
        freelance = self.locale.freelance
        for member in self.members.values():
            organisation = member.person.organisation
            if member.sphere == "work" and organisation and organisation != freelance:
                by_organisation.setdefault(organisation, []).append(member)
        for colleagues in by_organisation.values():
            for one, other in zip(colleagues, colleagues[1:], strict=False):
                relate(one.person, "colleague", other.person)
                if other.rhythm != "none":
                    one.joins.append((other, 0.15))
        for member in self.members.values():
            via = member.person.met_via
            if via is not None:
                relate(via, "introduced", member.person)

    # History -----------------------------------------------------------------------------

    def rhythm_days(self, member: Member) -> list[dt.date]:
        if member.rhythm == "none":
            return []
        first, last = self.first_day(member), self.last_day(member)
        if member.rhythm == "lapsed":
            silent_since = self.days_ago(self.rng.randint(240, 290))
            last = min(last, silent_since)
        if last < first:
            return []
        span = (last - first).days
        if member.rhythm == "once":
            return [first + dt.timedelta(days=self.rng.randint(0, min(21, span)))]
        interval = RHYTHM_DAYS[member.rhythm]
        days: list[dt.date] = []
        offset = self.rng.uniform(0, interval)
        while offset <= span:
            days.append(first + dt.timedelta(days=int(offset)))
            offset += interval * self.rng.uniform(0.6, 1.4)
        if not days and member.rhythm == "lapsed":
            days.append(last)
        return days

    def initiator_for(self, kind: str) -> str:
        roll = self.rng.random()
        if kind in {"card", "gift"}:
            return Initiator.ME
        if kind == "voicemail":
            return Initiator.ME if roll < 0.85 else Initiator.THEM
        if roll < 0.5:
            return Initiator.ME
        return Initiator.THEM if roll < 0.88 else Initiator.UNKNOWN

    def summary_for(self, templates: Sequence[str], initiator: str) -> tuple[str, str, str]:
        """Pick a template that fits who initiated; returns (template, initiator, outcome)."""

        def marker(template: str) -> str:
            if template.startswith("<"):
                return Initiator.ME
            if template.startswith(">"):
                return Initiator.THEM
            return Initiator.UNKNOWN

        fitting = [t for t in templates if marker(t) in {initiator, Initiator.UNKNOWN}]
        if initiator == Initiator.UNKNOWN:
            fitting = [t for t in templates if marker(t) == Initiator.UNKNOWN]
        template = self.rng.choice(fitting or list(templates))
        chosen = marker(template) or initiator
        outcome = ""
        if template.startswith("<~"):
            outcome = Outcome.ONE_WAY
            template = template[2:]
        return template.lstrip("<>"), chosen, outcome

    def log(
        self,
        member: Member,
        day: dt.date,
        kind: str,
        templates: Sequence[str] | None = None,
        initiator: str | None = None,
    ) -> None:
        pool = templates or self.locale.summaries[member.sphere][kind]
        chosen = self.initiator_for(kind) if initiator is None else initiator
        template, chosen, outcome = self.summary_for(pool, chosen)
        if member.sphere == "work":
            day = self.working_day(day, member.met_on)
        people = [member.person]
        if kind in {"call", "meeting", "video", "message"}:
            for other, chance in member.joins:
                roll = self.rng.random()
                alive = other.deceased_on is None or other.deceased_on > day
                if roll < chance and alive and other.person not in people:
                    people.append(other.person)
        self.record(
            people,
            kind,
            self.at(day, member.sphere),
            summary=self.fill(template, member),
            initiated_by=chosen,
            outcome=outcome,
        )

    def create_history(self, member: Member) -> None:
        rng = self.rng
        yesterday = self.today - dt.timedelta(days=1)
        plan = SEGMENTS[member.segment]
        if member.met_on is not None and member.met_on >= self.start:
            channel = member.person.met_channel
            if channel in {"conference", "meetup", "client", "introduction"}:
                template = rng.choice(self.locale.first_meeting)
                place = member.person.met_at or rng.choice(self.locale.places)
                self.record(
                    [member.person],
                    InteractionKind.MEETING,
                    self.at(member.met_on, member.sphere),
                    summary=template.format(first=member.first, place=place),
                )
        queued = len(self.interactions)
        for day in self.rhythm_days(member):
            kind = self.pick(member.kinds)
            self.log(member, day, kind)
            if kind == "voicemail" and rng.random() < 0.7:
                # Try again a few days later (moving forward past a weekend, never back).
                retry = day + dt.timedelta(days=rng.randint(1, 4))
                while member.sphere == "work" and self.working_day(retry, None) != retry:
                    retry += dt.timedelta(days=1)
                if retry <= min(yesterday, self.last_day(member)):
                    self.log(member, retry, "call")
        self.birthday_contact(member)
        shape = SHAPES.get(member.key)
        if shape is not None and shape.quiet_days:
            # Leave the last weeks to the hand-written events (a voicemail, then a retry).
            quiet = self.today - dt.timedelta(days=shape.quiet_days)
            self.interactions[queued:] = [
                (row, people)
                for row, people in self.interactions[queued:]
                if timezone.localdate(row.occurred_at) < quiet
            ]
        text = self.locale.cast.get(member.key)
        if text is not None:
            self.cast_history(member, text)
        else:
            self.generated_notes(member, plan)

    def birthday_contact(self, member: Member) -> None:
        if member.birthday is None or member.person.archived:
            return
        close = member.sphere == "personal" or member.rhythm in CLOSE_RHYTHMS
        if not close:
            return
        month, day = member.birthday
        try:
            date = dt.date(self.today.year, month, day)
        except ValueError:
            date = dt.date(self.today.year, month, 28)
        if date >= self.today:
            date = date.replace(year=date.year - 1)
        if date < self.first_day(member) or date > self.last_day(member):
            return
        if member.segment == "family":
            kind = self.rng.choice(("gift", "call"))
        elif member.sphere == "personal":
            kind = self.rng.choice(("message", "message", "card", "call"))
        else:
            kind = self.rng.choice(("card", "message", "message"))
        self.log(member, date, kind, self.locale.birthday[kind], Initiator.ME)

    def create_season_cards(self) -> None:
        """The yearly card round: mid-December, a card to the people who matter most."""
        year = (
            self.today.year
            if (self.today.month, self.today.day) > (12, 15)
            else (self.today.year - 1)
        )
        season = dt.date(year, 12, 15)
        if season < self.start:
            return
        for member in self.members.values():
            eligible = (
                member.segment in {"client", "hospitality", "colleague", "family"}
                or (member.segment == "friend" and member.rhythm in CLOSE_RHYTHMS)
            ) and member.rhythm not in {"none", "lapsed", "once"}
            if not eligible or member.person.archived or self.rng.random() >= 0.7:
                continue
            day = season - dt.timedelta(days=self.rng.randint(0, 5))
            if self.first_day(member) <= day <= self.last_day(member):
                self.log(member, day, "card", self.locale.season_card, Initiator.ME)

    def cast_history(self, member: Member, text: CastText) -> None:
        for note in text.notes:
            self.add_note(member, note.body, self.history_day(note.days_ago), private=note.private)
        for moment in text.moments:
            add_moment(
                self.vault,
                member.person,
                moment.text,
                kind=moment.kind,
                private=moment.private,
                author=self.owner,
                occurred_at=self.at(self.history_day(moment.days_ago), member.sphere),
            )
        for row in text.follow_ups:
            made = self.history_day(row.days_ago)
            due = None if row.due_in_days is None else self.today + dt.timedelta(row.due_in_days)
            follow_up = add_follow_up(
                self.vault,
                member.person,
                row.text,
                due_on=due,
                direction=row.direction,
                author=self.owner,
                occurred_at=self.at(made, member.sphere),
            )
            if row.done:
                self.mark_done(follow_up, made)
        for event in text.events:
            people = [member.person, *(self.members[key].person for key in event.with_keys)]
            self.record(
                people,
                event.kind,
                self.at(self.history_day(event.days_ago), member.sphere),
                summary=event.summary,
                initiated_by=event.initiated_by,
                outcome=event.outcome,
            )

    def history_day(self, days_ago: int) -> dt.date:
        if not 1 <= days_ago <= HISTORY_DAYS:
            raise ValueError(f"demo history must lie 1..{HISTORY_DAYS} days back, not {days_ago}")
        return self.days_ago(days_ago)

    def mark_done(self, follow_up: FollowUp, made: dt.date) -> None:
        done_day = min(made + dt.timedelta(days=self.rng.randint(1, 14)), self.today)
        done_at = self.at(done_day)
        if done_at > timezone.now():
            done_at = timezone.now()
        follow_up.done_at = max(done_at, follow_up.occurred_at)
        follow_up.save(update_fields=["done_at"])

    def generated_notes(self, member: Member, plan: SegmentPlan) -> None:
        rng = self.rng
        segment = self.locale.segments[member.segment]
        if segment.notes and rng.random() < plan.notes:
            count = 2 if rng.random() < 0.3 else 1
            for _ in range(count):
                private = bool(segment.private_notes) and rng.random() < 0.25
                body = rng.choice(segment.private_notes if private else segment.notes)
                day = self.random_day(member)
                if day is not None:
                    self.add_note(member, self.fill(body, member), day, private=private)
        if rng.random() < plan.moment:
            kind = rng.choice(MomentKind.values)
            day = self.random_day(member)
            if day is not None:
                add_moment(
                    self.vault,
                    member.person,
                    self.fill(rng.choice(self.locale.moments[member.sphere][kind]), member),
                    kind=kind,
                    private=rng.random() < 0.15,
                    author=self.owner,
                    occurred_at=self.at(day, member.sphere),
                )
        if rng.random() < plan.follow_up and not member.person.archived:
            self.generated_follow_up(member, segment)

    def generated_follow_up(self, member: Member, segment: SegmentText) -> None:
        rng = self.rng
        promise = rng.random() < 0.6
        pool = segment.promises if promise else segment.requests
        if not pool:
            return
        text = self.fill(rng.choice(pool), member)
        direction = FollowUpDirection.PROMISE if promise else FollowUpDirection.REQUEST
        # Open with a due date in the coming weeks, a few overdue, some open without a date,
        # the rest done: calm, not an avalanche.
        roll = rng.random()
        due: dt.date | None = None
        if roll < 0.3:
            due = self.today + dt.timedelta(days=rng.randint(2, 35))
        elif roll < 0.35:
            due = self.today - dt.timedelta(days=rng.randint(1, 10))
        first = self.first_day(member)
        if roll < OPEN_SHARE:
            made = max(first, self.today - dt.timedelta(days=rng.randint(1, 30)))
            if due is not None and due < made:
                due = made + dt.timedelta(days=7)
        else:
            made = self.random_day(member) or first
        made = min(made, self.today - dt.timedelta(days=1))
        follow_up = add_follow_up(
            self.vault,
            member.person,
            text,
            due_on=due,
            direction=direction,
            author=self.owner,
            occurred_at=self.at(made, member.sphere),
        )
        if roll >= OPEN_SHARE:
            self.mark_done(follow_up, made)
