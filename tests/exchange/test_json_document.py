"""The JSON vault document: what it holds, who sees what, and every way a restore is refused.

The round trip over generated vaults is in test_json_roundtrip.py; here a hand-made vault
checks the shape, the privacy of notes, the query count, and each bad document: it must be
refused with a specific code and a message that says where, writing nothing.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aandacht.accounts.models import Membership, Role, Vault
from aandacht.attention import services as attention
from aandacht.attention.models import AgendaSettings, AppreciationNudge, Circle, Rhythm
from aandacht.carddav import store as dav_store
from aandacht.carddav.models import AddressBook
from aandacht.carddav.models import Card as DavCard
from aandacht.cards.models import Card, SeasonSettings
from aandacht.exchange import exporting, json_document
from aandacht.exchange.json_document import export_json, restore_json
from aandacht.exchange.records import UnreadableFile
from aandacht.people import editing, services
from aandacht.people.models import ContactMethod, Person, Tag
from aandacht.people.search import search_people
from aandacht.rounds.models import CheckIn, CheckInRound, CheckInStep
from aandacht.timeline import services as timeline
from aandacht.timeline.models import Interaction, Note

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 3
WHEN = dt.datetime(2025, 3, 14, 9, 26, 53, 589793, tzinfo=dt.UTC)
# What Ann's phone stored over CardDAV that Aandacht does not model: a grouped label, a quoted
# parameter holding ":" and ";", a modelled name the reader could not use.
ANN_VCARD_EXTRA = [
    "X-PHONETIC-FIRST-NAME:Ahn",
    "item1.X-ABRELATEDNAMES:Piet",
    "item1.X-ABLabel:_$!<Friend>!$_",
    'X-SOCIALPROFILE;TYPE=mastodon;X-USER="ann:social;nl":https://social.example/@ann',
    "BDAY:sometime in May",
]


def build_vault(vault: Vault, alice: User, bob: User, *, size: int = 2) -> dict[str, Person]:
    """A vault with one of everything (and ``size`` extra people with the usual details)."""
    ann = services.create_person(
        vault,
        given_name="Ann",
        particles="van der",
        family_name="Berg",
        nickname="Annie",
        organisation="Acme",
        department="R&D; Bridges",
        job_title="Engineer",
        met_at="PyCon",
        met_channel="conference",
        met_on=dt.date(2019, 5, 4),
        met_story="We queued for coffee.",
        what_they_do="Builds bridges",
        what_they_care_about="Rowing",
        emails=["Ann@Example.org"],
        phones=["06 12345678"],
        tags=["friends", "rowing"],
    )
    ann.name_prefix, ann.name_suffix, ann.pronouns, ann.time_zone = "dr.", "jr.", "she", "UTC"
    ann.uid = "urn:uuid:1234"
    ann.save()
    editing.set_photo(ann, io.BytesIO(PNG), len(PNG))
    editing.add_contact(ann, "social", "https://github.com/ann", label="code")
    editing.add_contact(ann, "website", "ann.example.org")
    editing.add_address(ann, {"label": "home", "street": "Dam 1", "locality": "Amsterdam"})
    editing.add_date(ann, "birthday", 2, 29)
    editing.add_date(ann, "anniversary", 6, 1, 2010, label="wedding")
    ben = services.create_person(vault, "Ben de Vries", tags=["work"])
    editing.update_person(ann, {"met_via": ben})  # points forward in the document
    editing.add_relationship(ann, "child", ben, note="eldest")
    gone = services.create_person(vault, "Gone Person")
    gone.trashed_at, gone.archived, gone.deceased = WHEN, True, True
    gone.deceased_on = dt.date(2024, 1, 2)
    gone.save()
    people = {"ann": ann, "ben": ben, "gone": gone}
    for number in range(size):
        extra = services.create_person(
            vault, f"Extra{number} Person", emails=[f"x{number}@example.org"], tags=["work"]
        )
        editing.add_date(extra, "birthday", 1 + number % 12, 1 + number % 28, 1990)
        editing.add_address(extra, {"locality": f"Town {number}"})
        timeline.log_interaction(vault, [extra, ann], "call", author=alice, occurred_at=WHEN)
        timeline.add_note(vault, extra, f"note {number}", author=alice)
        attention.set_cadence(extra, 30 + number)
        people[f"extra{number}"] = extra
    timeline.log_interaction(
        vault,
        [ann, ben],
        "meeting",
        occurred_at=WHEN,
        initiated_by="them",
        summary="Lunch\nwith both",
        author=bob,
    )
    timeline.log_interaction(vault, [ben], "voicemail", author=None)
    timeline.add_note(vault, ann, "public by alice", author=alice, occurred_at=WHEN)
    timeline.add_note(vault, ann, "private by alice", author=alice, private=True)
    timeline.add_note(vault, ann, "private by bob", author=bob, private=True)
    timeline.add_note(vault, ben, "public by bob", author=bob)
    timeline.add_moment(vault, ann, "alice's secret moment", author=alice, private=True)
    timeline.add_moment(vault, ann, "bob's secret moment", author=bob, private=True)
    timeline.add_moment(vault, ben, "grateful", kind="grateful", author=bob)
    done = timeline.add_follow_up(
        vault, ann, "Send the paper", due_on=dt.date(2025, 4, 1), author=alice
    )
    timeline.complete_follow_up(done)
    timeline.add_follow_up(vault, ben, "Asked for intro", direction="request", author=bob)
    family = attention.create_circle(vault, "", 7, tag_name="friends")
    custom = attention.create_circle(vault, "Rowing club", 60)
    monthly = Circle.objects.get(vault=vault, preset="monthly")
    monthly.name = "Every month"
    monthly.save()
    attention.set_circle(ann, custom)
    attention.set_circle(ben, monthly)
    attention.set_muted(ben, True)
    attention.pause_until(ann, dt.date(2030, 1, 1))
    Rhythm.objects.filter(person=ann).update(
        snoozed_until=dt.date(2026, 1, 2),
        skipped_on=dt.date(2025, 12, 1),
        handled_on=dt.date(2025, 12, 1),
        handled_as="skipped",
    )
    Circle.objects.filter(vault=vault, preset="yearly").delete()
    assert family.tag is not None
    prefs = attention.settings_for(alice)
    prefs.capacity, prefs.weekdays, prefs.digest_frequency = 7, "135", "weekly"
    prefs.time_zone, prefs.digest_time = "Europe/Amsterdam", dt.time(6, 45)
    prefs.appreciation_every_days = 10
    prefs.save()
    build_issue_6(vault, alice, bob, ann, ben)
    # Every person gets an address book card; Ann's keeps her phone's lines (blank ones and the
    # line ends as stored carry nothing).
    dav_store.refresh(vault)
    DavCard.objects.filter(person=ann, deleted=False).update(
        extra="\n".join(ANN_VCARD_EXTRA) + "\n\n"
    )
    return people


def build_issue_6(vault: Vault, alice: User, bob: User, ann: Person, ben: Person) -> None:
    """Cards, a check-in round with its steps, and appreciation suggestions of alice and bob."""
    sent = timeline.log_interaction(vault, [ann], "card", author=alice, occurred_at=WHEN)
    Card.objects.create(
        vault=vault,
        person=ann,
        author=alice,
        year=2025,
        status="sent",
        text="Dear Ann,\nthank you.",
        sent_at=WHEN,
        interaction=sent,
    )
    Card.objects.create(vault=vault, person=ann, author=bob, year=2025, text="From bob")
    Card.objects.create(vault=vault, person=ben, author=alice, year=2024, status="skipped")
    Card.objects.create(vault=vault, person=ben, author=None, year=2024)
    crisis = CheckInRound.objects.create(
        vault=vault,
        name="Lockdown",
        reason="Events sector closed",
        status="finished",
        chosen_by="tag: work",
        author=bob,
        finished_at=WHEN,
    )
    for person in (ann, ben):
        check_in = CheckIn.objects.create(round=crisis, person=person)
        for kind in ("empathy", "tip", "action"):
            CheckInStep.objects.create(check_in=check_in, kind=kind)
    called = timeline.log_interaction(vault, [ann], "call", author=alice, occurred_at=WHEN)
    CheckInStep.objects.filter(check_in__person=ann, kind="empathy").update(
        note="Worried about rent", done_at=WHEN, done_by=alice, interaction=called
    )
    CheckInStep.objects.filter(check_in__person=ben, kind="tip").update(
        note="Try the subsidy", done_at=WHEN, done_by=None
    )
    CheckInRound.objects.create(vault=vault, name="Empty round", author=None)
    told = timeline.log_interaction(vault, [ben], "message", author=alice, occurred_at=WHEN)
    AppreciationNudge.objects.create(
        user=alice,
        vault=vault,
        person=ben,
        offered_on=dt.date(2025, 3, 14),
        outcome="given",
        handled_at=WHEN,
        interaction=told,
    )
    AppreciationNudge.objects.create(
        user=alice, vault=vault, person=ann, offered_on=dt.date(2025, 3, 21)
    )
    AppreciationNudge.objects.create(
        user=bob, vault=vault, person=ann, offered_on=dt.date(2025, 3, 14), outcome="dismissed"
    )
    SeasonSettings.objects.create(vault=vault, user=alice, list_size=8)
    SeasonSettings.objects.create(vault=vault, user=bob, list_size=12)


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    """Autouse fixtures come first: the cast is created with a cheap hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def export_doc(vault: Vault, user: User) -> dict[str, Any]:
    out = io.StringIO()
    export_json(vault, out, user=user)
    return json.loads(out.getvalue())  # type: ignore[no-any-return]


def comparable(doc: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in doc.items() if key not in ("exported_at", "vault")}


def as_stream(doc: Any) -> io.BytesIO:
    return io.BytesIO(json.dumps(doc).encode())


@pytest.fixture
def empty_vault(alice: User, bob: User) -> Vault:
    vault = Vault.objects.create(name="Restored")
    Membership.objects.create(vault=vault, user=alice, role=Role.OWNER)
    Membership.objects.create(vault=vault, user=bob, role=Role.EDITOR)
    return vault


@pytest.fixture
def full_doc(vault: Vault, alice: User, bob: User) -> dict[str, Any]:
    build_vault(vault, alice, bob)
    return export_doc(vault, alice)


_built: list[dict[str, Any]] = []


@pytest.fixture
def cached_doc(alice: User, bob: User) -> dict[str, Any]:
    """The same document as ``full_doc``, built once: the bad documents only need its text."""
    if not _built:
        source = Vault.objects.create(name="Source")
        Membership.objects.create(vault=source, user=alice, role=Role.OWNER)
        Membership.objects.create(vault=source, user=bob, role=Role.EDITOR)
        build_vault(source, alice, bob)
        _built.append(export_doc(source, alice))
        source.delete()
        AgendaSettings.objects.filter(user=alice).delete()
    return copy.deepcopy(_built[0])


def assert_untouched(vault: Vault) -> None:
    assert not Person.objects.filter(vault=vault).exists()
    assert not Tag.objects.filter(vault=vault).exists()
    assert not Interaction.objects.filter(vault=vault).exists()
    presets = sorted(Circle.objects.filter(vault=vault).values_list("preset", "name"))
    assert presets == [("inner", ""), ("monthly", ""), ("quarterly", ""), ("yearly", "")]
    assert not Card.objects.filter(vault=vault).exists()
    assert not CheckInRound.objects.filter(vault=vault).exists()
    assert not AppreciationNudge.objects.filter(vault=vault).exists()
    assert not DavCard.objects.filter(vault=vault, deleted=False).exists()


# ---------------------------------------------------------------------------------------------
# What the export holds


def test_export_document_shape(vault: Vault, alice: User, bob: User) -> None:
    people = build_vault(vault, alice, bob)
    out = io.StringIO()
    counts = export_json(vault, out, user=alice)
    text = out.getvalue()
    doc = json.loads(text)
    assert list(doc) == [
        "format",
        "version",
        "exported_at",
        "vault",
        "tags",
        "people",
        "relationships",
        "interactions",
        "notes",
        "moments",
        "follow_ups",
        "cards",
        "check_in_rounds",
        "circles",
        "rhythms",
        "agenda_settings",
        "appreciation_nudges",
        "card_season",
    ]
    assert doc["format"] == "aandacht.vault" and doc["version"] == 4
    assert dt.datetime.fromisoformat(doc["exported_at"]).tzinfo is not None
    assert doc["vault"]["name"] == "Alice's people"
    assert [tag["name"] for tag in doc["tags"]] == ["friends", "rowing", "work"]
    ann, ben, gone = doc["people"][:3]
    assert [p["id"] for p in doc["people"]] == [f"p{n}" for n in range(1, 6)]
    assert ann["given_name"] == "Ann" and ann["particles"] == "van der"
    assert (ann["organisation"], ann["department"]) == ("Acme", "R&D; Bridges")
    assert ben["department"] == ""
    assert (ann["name_prefix"], ann["name_suffix"], ann["uid"]) == ("dr.", "jr.", "urn:uuid:1234")
    assert ann["met_via"] == ben["id"] and ann["met_channel"] == "conference"
    assert ann["met_on"] == "2019-05-04"
    assert ann["tags"] == ["friends", "rowing"]
    assert ann["photo"]["mime"] == "image/png"
    assert json_document.base64.b64decode(ann["photo"]["data"]) == PNG
    assert {c["kind"] for c in ann["contact_methods"]} == {"email", "phone", "social", "website"}
    email = next(c for c in ann["contact_methods"] if c["kind"] == "email")
    assert email == {
        "kind": "email",
        "label": "",
        "value": "Ann@Example.org",
        "normalized": "ann@example.org",
        "service": "",
        "position": 0,
    }
    assert {(d["month"], d["day"], d["year"]) for d in ann["important_dates"]} == {
        (2, 29, None),
        (6, 1, 2010),
    }
    assert ann["addresses"][0]["street"] == "Dam 1"
    # Only the phone's own lines of the address book card; its href, ETag, text are derived.
    assert ann["vcard_extra"] == ANN_VCARD_EXTRA
    assert [p["vcard_extra"] for p in doc["people"][1:]] == [[]] * 4
    assert ".vcf" not in text and "BEGIN:VCARD" not in text
    assert gone["trashed_at"] == "2025-03-14T09:26:53.589793+00:00"
    assert (gone["archived"], gone["deceased"], gone["deceased_on"]) == (True, True, "2024-01-02")
    assert doc["relationships"] == [
        {"from": ben["id"], "to": ann["id"], "kind": "child", "note": "eldest"}
    ]
    meeting = next(i for i in doc["interactions"] if i["kind"] == "meeting")
    assert meeting["people"] == [ann["id"], ben["id"]]
    assert (meeting["author"], meeting["initiated_by"], meeting["outcome"]) == (
        "bob",
        "them",
        "conversation",
    )
    assert meeting["occurred_at"] == "2025-03-14T09:26:53.589793+00:00"
    assert next(i for i in doc["interactions"] if i["kind"] == "voicemail")["author"] is None
    follow_up = doc["follow_ups"][0]
    assert follow_up["due_on"] == "2025-04-01" and follow_up["done_at"] is not None
    circles = {c["id"]: c for c in doc["circles"]}
    assert [c["preset"] for c in doc["circles"]] == ["inner", "monthly", "quarterly", "", ""]
    assert [c["tag"] for c in doc["circles"]] == [None, None, None, "friends", None]
    assert circles[doc["circles"][1]["id"]]["name"] == "Every month"
    rhythms = {r["person"]: r for r in doc["rhythms"]}
    assert circles[rhythms[ann["id"]]["circle"]]["name"] == "Rowing club"
    assert rhythms[ann["id"]]["paused_until"] == "2030-01-01"
    assert rhythms[ann["id"]]["handled_as"] == "skipped"
    assert rhythms[ben["id"]]["muted"] is True
    assert "last_conversation_at" not in rhythms[ann["id"]]
    assert doc["agenda_settings"] == {
        "capacity": 7,
        "weekdays": "135",
        "time_zone": "Europe/Amsterdam",
        "retry_after_days": 3,
        "one_way_resets": False,
        "digest_frequency": "weekly",
        "digest_time": "06:45:00",
        "digest_weekday": 1,
        "appreciation_every_days": 10,
    }
    assert (
        "feed_token" not in text and AgendaSettings.objects.get(user=alice).feed_token not in text
    )
    for forbidden in ("sort_key", "search_names", "search_text", '"pk"'):
        assert forbidden not in text
    assert str(people["ann"].pk) not in {p["id"] for p in doc["people"]}
    assert counts["people"] == 5 and counts["photos"] == 1 and counts["circles"] == 5
    assert counts["notes"] == len(doc["notes"]) and counts["agenda_settings"] == 1
    assert [i["id"] for i in doc["interactions"]] == [
        f"i{n}" for n in range(1, len(doc["interactions"]) + 1)
    ]
    interactions = {i["id"]: i for i in doc["interactions"]}
    sent = doc["cards"][0]
    assert sent == {
        "person": ann["id"],
        "author": "alice",
        "year": 2025,
        "status": "sent",
        "text": "Dear Ann,\nthank you.",
        "sent_at": "2025-03-14T09:26:53.589793+00:00",
        "interaction": sent["interaction"],
        "created_at": sent["created_at"],
        "updated_at": sent["updated_at"],
    }
    assert interactions[sent["interaction"]]["kind"] == "card"
    assert [(c["author"], c["status"], c["text"]) for c in doc["cards"][1:]] == [
        ("bob", "planned", None),  # bob's message is his: the card is there, its text not
        ("alice", "skipped", ""),
        (None, "planned", None),
    ]
    assert [c["interaction"] for c in doc["cards"][1:]] == [None, None, None]
    crisis, empty_round = doc["check_in_rounds"]
    assert {k: v for k, v in crisis.items() if k not in ("created_at", "check_ins")} == {
        "name": "Lockdown",
        "reason": "Events sector closed",
        "status": "finished",
        "chosen_by": "tag: work",
        "author": "bob",
        "finished_at": "2025-03-14T09:26:53.589793+00:00",
    }
    assert [c["person"] for c in crisis["check_ins"]] == [ann["id"], ben["id"]]
    empathy = crisis["check_ins"][0]["steps"][0]
    assert [s["kind"] for s in crisis["check_ins"][0]["steps"]] == ["empathy", "tip", "action"]
    assert (empathy["note"], empathy["done_by"]) == ("Worried about rent", "alice")
    assert empathy["done_at"] == "2025-03-14T09:26:53.589793+00:00"
    assert crisis["check_ins"][1]["steps"][1]["done_by"] is None
    # The empathy step's call is referred to like a card's; the other steps logged nothing.
    assert interactions[empathy["interaction"]]["kind"] == "call"
    assert interactions[empathy["interaction"]]["people"] == [ann["id"]]
    others = [s for c in crisis["check_ins"] for s in c["steps"] if s is not empathy]
    assert [s["interaction"] for s in others] == [None] * 5
    assert (empty_round["author"], empty_round["check_ins"]) == (None, [])
    # Only alice's own suggestions: bob's are his.
    assert doc["appreciation_nudges"] == [
        {
            "person": ben["id"],
            "offered_on": "2025-03-14",
            "outcome": "given",
            "handled_at": "2025-03-14T09:26:53.589793+00:00",
            "interaction": doc["appreciation_nudges"][0]["interaction"],
        },
        {
            "person": ann["id"],
            "offered_on": "2025-03-21",
            "outcome": "",
            "handled_at": None,
            "interaction": None,
        },
    ]
    assert interactions[doc["appreciation_nudges"][0]["interaction"]]["kind"] == "message"
    assert counts["cards"] == 4 and counts["check_in_rounds"] == 2
    assert counts["check_ins"] == 2 and counts["check_in_steps"] == 6
    assert counts["appreciation_nudges"] == 2
    assert doc["card_season"] == {"list_size": 8} and counts["card_season"] == 1
    # One array element per line: readable, and diffs of two exports stay small.
    assert text.count("\n") > len(doc["people"]) + len(doc["notes"])


def test_private_notes_and_moments_only_the_exporters_own(
    vault: Vault, alice: User, bob: User
) -> None:
    build_vault(vault, alice, bob)
    for_alice = export_doc(vault, alice)
    for_bob = export_doc(vault, bob)
    alice_notes = {n["body"] for n in for_alice["notes"]}
    bob_notes = {n["body"] for n in for_bob["notes"]}
    assert "private by alice" in alice_notes and "private by bob" not in alice_notes
    assert "private by bob" in bob_notes and "private by alice" not in bob_notes
    assert {"public by alice", "public by bob"} <= alice_notes & bob_notes
    assert "bob's secret moment" not in json.dumps(for_alice)
    assert "alice's secret moment" not in json.dumps(for_bob)
    assert for_bob["agenda_settings"] is None  # bob never opened his agenda
    assert [n["outcome"] for n in for_bob["appreciation_nudges"]] == ["dismissed"]
    assert for_bob["card_season"] == {"list_size": 12}
    assert [n["offered_on"] for n in for_alice["appreciation_nudges"]] == [
        "2025-03-14",
        "2025-03-21",
    ]
    # Cards and rounds belong to the vault: both see all of them, but a card's text only its
    # author.
    assert [c["text"] for c in for_alice["cards"]] == ["Dear Ann,\nthank you.", None, "", None]
    assert [c["text"] for c in for_bob["cards"]] == [None, "From bob", None, None]
    assert "From bob" not in json.dumps(for_alice)
    assert for_bob["check_in_rounds"] == for_alice["check_in_rounds"]


def test_viewer_may_export_and_outsider_may_not(
    vault: Vault, alice: User, bob: User, carol: User, mallory: User
) -> None:
    build_vault(vault, alice, bob)
    assert len(export_doc(vault, carol)["people"]) == 5
    with pytest.raises(PermissionDenied):
        export_json(vault, io.StringIO(), user=mallory)


def test_missing_photo_file_is_counted_not_fatal(vault: Vault, alice: User, bob: User) -> None:
    people = build_vault(vault, alice, bob)
    people["ann"].photo.storage.delete(people["ann"].photo.name)
    out = io.StringIO()
    counts = export_json(vault, out, user=alice)
    assert counts["photos_missing"] == 1 and counts["photos"] == 0
    assert json.loads(out.getvalue())["people"][0]["photo"] is None


def test_empty_vault_exports_and_restores(vault: Vault, alice: User, empty_vault: Vault) -> None:
    doc = export_doc(vault, alice)
    assert doc["people"] == [] and len(doc["circles"]) == 4
    restore_json(empty_vault, as_stream(doc), user=alice)
    assert comparable(export_doc(empty_vault, alice)) == comparable(doc)


def count_queries(action: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured.captured_queries)


def test_export_query_count_does_not_grow_with_the_vault(
    alice: User, bob: User, django_assert_max_num_queries: Any
) -> None:
    small = Vault.objects.create(name="small")
    large = Vault.objects.create(name="large")
    for each in (small, large):
        Membership.objects.create(vault=each, user=alice, role=Role.OWNER)
        Membership.objects.create(vault=each, user=bob, role=Role.EDITOR)
    build_vault(small, alice, bob, size=1)
    build_vault(large, alice, bob, size=40)
    with django_assert_max_num_queries(25):
        export_json(small, io.StringIO(), user=alice)
    with django_assert_max_num_queries(25):
        export_json(large, io.StringIO(), user=alice)
    assert count_queries(lambda: export_json(small, io.StringIO(), user=alice)) == count_queries(
        lambda: export_json(large, io.StringIO(), user=alice)
    )


# ---------------------------------------------------------------------------------------------
# Restore


def test_restore_rebuilds_the_vault(
    full_doc: dict[str, Any], alice: User, empty_vault: Vault
) -> None:
    counts = restore_json(empty_vault, as_stream(full_doc), user=alice)
    assert counts["people"] == 5 and counts["photos"] == 1 and counts["rhythms"] >= 3
    assert counts["notes"] == len(full_doc["notes"]) and counts["circles"] == 5
    assert counts["cards"] == 4 and counts["appreciation_nudges"] == 2
    assert comparable(export_doc(empty_vault, alice)) == comparable(full_doc)
    # The presets were reused and the deleted one removed, not duplicated.
    circles = Circle.objects.filter(vault=empty_vault)
    assert sorted(c.preset for c in circles) == ["", "", "inner", "monthly", "quarterly"]
    # Derived columns were recomputed: search finds people by name, email and note.
    assert [hit.person.given_name for hit in search_people(empty_vault, "Ann van der Berg")][
        :1
    ] == ["Ann"]
    ann = Person.objects.get(vault=empty_vault, given_name="Ann")
    assert ann.sort_key and "acme" in ann.search_text and "public by alice" in ann.search_text
    assert "private by alice" not in ann.search_text
    assert ann.rhythm.last_conversation_at == WHEN
    assert ann.photo and ann.photo.read() == PNG
    assert ContactMethod.objects.get(person=ann, kind="email").normalized == "ann@example.org"


def test_restore_maps_authors_to_members_else_the_restoring_user(
    full_doc: dict[str, Any], alice: User, bob: User
) -> None:
    alone = Vault.objects.create(name="Only alice")
    Membership.objects.create(vault=alone, user=alice, role=Role.OWNER)
    restore_json(alone, as_stream(full_doc), user=alice)
    authors = set(
        Interaction.objects.filter(vault=alone).values_list("author__username", flat=True)
    )
    assert authors == {"alice", None}  # bob is no member here; null stays null
    assert not Note.objects.filter(vault=alone, author=bob).exists()


def test_restore_applies_agenda_settings_but_keeps_the_feed_token(
    full_doc: dict[str, Any], alice: User, bob: User, empty_vault: Vault
) -> None:
    token = attention.settings_for(bob).feed_token
    restore_json(empty_vault, as_stream(full_doc), user=bob)
    prefs = AgendaSettings.objects.get(user=bob)
    assert (prefs.capacity, prefs.weekdays, prefs.digest_time) == (7, "135", dt.time(6, 45))
    assert prefs.feed_token == token


def test_restore_links_cards_and_suggestions_to_their_interactions(
    full_doc: dict[str, Any], alice: User, empty_vault: Vault
) -> None:
    counts = restore_json(empty_vault, as_stream(full_doc), user=alice)
    assert (counts["cards"], counts["check_in_rounds"], counts["check_ins"]) == (4, 2, 2)
    assert (counts["check_in_steps"], counts["appreciation_nudges"]) == (6, 2)
    sent = Card.objects.get(vault=empty_vault, status="sent")
    assert sent.interaction is not None and sent.interaction.vault == empty_vault
    assert sent.interaction.kind == "card"
    assert [p.given_name for p in sent.interaction.people.all()] == ["Ann"]
    assert (sent.author, sent.text, sent.sent_at) == (alice, "Dear Ann,\nthank you.", WHEN)
    assert SeasonSettings.objects.get(vault=empty_vault, user=alice).list_size == 8
    told = AppreciationNudge.objects.get(vault=empty_vault, outcome="given")
    assert told.user == alice and told.interaction is not None
    assert told.interaction.kind == "message" and told.interaction.vault == empty_vault
    crisis = CheckInRound.objects.get(vault=empty_vault, name="Lockdown")
    assert crisis.finished_at == WHEN and crisis.author is not None
    assert crisis.author.username == "bob"
    assert sorted(crisis.check_ins.values_list("person__given_name", flat=True)) == ["Ann", "Ben"]
    empathy = CheckInStep.objects.get(
        check_in__round=crisis, check_in__person__given_name="Ann", kind="empathy"
    )
    assert (empathy.note, empathy.done_at, empathy.done_by) == ("Worried about rent", WHEN, alice)
    assert empathy.interaction is not None and empathy.interaction.vault == empty_vault
    assert empathy.interaction.kind == "call"
    assert [p.given_name for p in empathy.interaction.people.all()] == ["Ann"]
    assert not CheckInStep.objects.filter(
        check_in__round__vault=empty_vault, interaction__isnull=False
    ).exclude(pk=empathy.pk)


def test_restore_gives_the_suggestions_to_the_restoring_user(
    full_doc: dict[str, Any], alice: User, bob: User, empty_vault: Vault
) -> None:
    """Suggestions are per user, like the agenda: alice's export restored by bob are his."""
    restore_json(empty_vault, as_stream(full_doc), user=bob)
    assert SeasonSettings.objects.get(vault=empty_vault, user=bob).list_size == 8
    assert not SeasonSettings.objects.filter(vault=empty_vault, user=alice).exists()
    nudges = AppreciationNudge.objects.filter(vault=empty_vault)
    assert sorted(nudges.values_list("user__username", "offered_on")) == [
        ("bob", dt.date(2025, 3, 14)),
        ("bob", dt.date(2025, 3, 21)),
    ]
    # Cards keep their authors (both are members); alice's texts came along, bob's did not.
    cards = Card.objects.filter(vault=empty_vault).order_by("pk")
    assert [(c.author_id, c.text) for c in cards] == [
        (alice.pk, "Dear Ann,\nthank you."),
        (bob.pk, ""),
        (alice.pk, ""),
        (None, ""),
    ]


def test_restore_cards_of_non_members_never_collide(
    full_doc: dict[str, Any], alice: User, bob: User
) -> None:
    """bob is no member here: his card becomes alice's, but she has one for Ann in 2025
    already, so it keeps no author (listed before hers or not). His round becomes hers."""
    full_doc["cards"][0], full_doc["cards"][1] = full_doc["cards"][1], full_doc["cards"][0]
    extra = {**full_doc["cards"][0], "person": "p2", "year": 2030}  # bob's, no clash
    full_doc["cards"].append(extra)
    alone = Vault.objects.create(name="Only alice")
    Membership.objects.create(vault=alone, user=alice, role=Role.OWNER)
    counts = restore_json(alone, as_stream(full_doc), user=alice)
    assert counts["cards"] == 5
    cards = Card.objects.filter(vault=alone)
    ann_2025 = cards.filter(person__given_name="Ann", year=2025)
    assert sorted(ann_2025.values_list("author__username", "status"), key=str) == [
        ("alice", "sent"),
        (None, "planned"),
    ]
    assert cards.get(year=2030).author == alice
    assert CheckInRound.objects.get(vault=alone, name="Lockdown").author == alice


def test_restore_refuses_a_vault_with_a_check_in_round(
    full_doc: dict[str, Any], empty_vault: Vault, alice: User
) -> None:
    CheckInRound.objects.create(vault=empty_vault, name="Already here")
    with pytest.raises(UnreadableFile) as caught:
        restore_json(empty_vault, as_stream(full_doc), user=alice)
    assert caught.value.code == "vault_not_empty"
    assert CheckInRound.objects.filter(vault=empty_vault).count() == 1


def test_restore_refuses_a_vault_with_people(
    full_doc: dict[str, Any], vault: Vault, alice: User
) -> None:
    before = Person.objects.filter(vault=vault).count()
    with pytest.raises(UnreadableFile) as caught:
        restore_json(vault, as_stream(full_doc), user=alice)
    assert caught.value.code == "vault_not_empty"
    assert "not empty" in str(caught.value)
    assert Person.objects.filter(vault=vault).count() == before


def test_restore_refuses_a_vault_with_only_trashed_people(
    empty_vault: Vault, alice: User, full_doc: dict[str, Any]
) -> None:
    person = services.create_person(empty_vault, "In the trash")
    person.trashed_at = WHEN
    person.save()
    with pytest.raises(UnreadableFile) as caught:
        restore_json(empty_vault, as_stream(full_doc), user=alice)
    assert caught.value.code == "vault_not_empty"


def test_viewer_cannot_restore(
    full_doc: dict[str, Any], empty_vault: Vault, carol: User, mallory: User
) -> None:
    Membership.objects.create(vault=empty_vault, user=carol, role=Role.VIEWER)
    for user in (carol, mallory):
        with pytest.raises(PermissionDenied):
            restore_json(empty_vault, as_stream(full_doc), user=user)
    assert_untouched(empty_vault)


def test_a_failure_late_in_the_restore_leaves_the_vault_empty(
    full_doc: dict[str, Any], alice: User, empty_vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved: list[str] = []
    storage = Person._meta.get_field("photo").storage
    real_save = storage.save

    def remember(name: str, content: Any, **kwargs: Any) -> str:
        stored = real_save(name, content, **kwargs)
        saved.append(stored)
        return stored

    def boom(vault: Vault) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(storage, "save", remember)
    monkeypatch.setattr(json_document, "refresh_vault", boom)
    with pytest.raises(RuntimeError, match="disk is full"):
        restore_json(empty_vault, as_stream(full_doc), user=alice)
    assert_untouched(empty_vault)
    assert not Note.objects.filter(vault=empty_vault).exists()
    assert saved and not any(storage.exists(name) for name in saved)


def test_sections_in_another_order_restore_the_same(
    full_doc: dict[str, Any], alice: User, empty_vault: Vault
) -> None:
    reordered = dict(reversed(list(full_doc.items())))  # rhythms before people, format last
    restore_json(empty_vault, as_stream(reordered), user=alice)
    assert comparable(export_doc(empty_vault, alice)) == comparable(full_doc)


ISSUE_6_SECTIONS = ("cards", "check_in_rounds", "appreciation_nudges", "card_season")


def as_version_3(doc: dict[str, Any]) -> dict[str, Any]:
    """What version 3 wrote: people without ``vcard_extra``."""
    old = copy.deepcopy(doc)
    old["version"] = 3
    for person in old["people"]:
        del person["vcard_extra"]
    return old


def as_restored_from_version_3(doc: dict[str, Any]) -> dict[str, Any]:
    """The version 4 export of a vault restored from ``as_version_3(doc)``: no phone lines."""
    expected = copy.deepcopy(doc)
    for person in expected["people"]:
        person["vcard_extra"] = []
    return expected


def as_version_2(doc: dict[str, Any]) -> dict[str, Any]:
    """What version 2 wrote: no interaction ids, cards, rounds, suggestions or appreciation
    setting."""
    old = as_version_3(doc)
    old["version"] = 2
    for section in ISSUE_6_SECTIONS:
        del old[section]
    for interaction in old["interactions"]:
        del interaction["id"]
    del old["agenda_settings"]["appreciation_every_days"]
    return old


def as_restored_from_version_2(doc: dict[str, Any]) -> dict[str, Any]:
    """The version 4 export of a vault restored from ``as_version_2(doc)``."""
    expected = as_restored_from_version_3(doc)
    for section in ISSUE_6_SECTIONS:
        expected[section] = None if section == "card_season" else []
    expected["agenda_settings"]["appreciation_every_days"] = 7  # the field's default
    return expected


def test_a_version_2_document_restores_without_the_issue_6_sections(
    full_doc: dict[str, Any], alice: User, empty_vault: Vault
) -> None:
    """Version 2 had no cards, rounds, suggestions or interaction ids: it restores with none,
    the appreciation setting at its default, and exports again as version 4."""
    old = as_version_2(full_doc)
    counts = restore_json(empty_vault, as_stream(old), user=alice)
    assert counts["people"] == len(old["people"])
    assert counts["interactions"] == len(old["interactions"])
    assert counts["cards"] == counts["check_in_rounds"] == counts["appreciation_nudges"] == 0
    assert not Card.objects.filter(vault=empty_vault).exists()
    assert AgendaSettings.objects.get(user=alice).appreciation_every_days == 7
    again = export_doc(empty_vault, alice)
    assert again["version"] == 4
    assert comparable(again) == comparable(as_restored_from_version_2(full_doc))


def test_a_version_2_document_in_another_order_restores_the_same(
    full_doc: dict[str, Any], alice: User, empty_vault: Vault
) -> None:
    old = as_version_2(full_doc)
    reordered = dict(reversed(list(old.items())))  # the version comes after the sections
    restore_json(empty_vault, as_stream(reordered), user=alice)
    expected = as_restored_from_version_2(full_doc)
    assert comparable(export_doc(empty_vault, alice)) == comparable(expected)


def test_a_version_1_document_restores_with_empty_departments(
    full_doc: dict[str, Any], alice: User, empty_vault: Vault
) -> None:
    """Version 1 had no department either: its people restore with "" and export as
    version 4."""
    old = as_version_2(full_doc)
    old["version"] = 1
    for person in old["people"]:
        del person["department"]
    counts = restore_json(empty_vault, as_stream(old), user=alice)
    assert counts["people"] == len(old["people"])
    assert set(Person.objects.filter(vault=empty_vault).values_list("department", flat=True)) == {
        ""
    }
    again = export_doc(empty_vault, alice)
    assert again["version"] == 4
    expected = as_restored_from_version_2(full_doc)
    for person in expected["people"]:
        person["department"] = ""
    assert comparable(again) == comparable(expected)


def test_a_version_3_document_restores_without_vcard_lines(
    full_doc: dict[str, Any], alice: User, empty_vault: Vault
) -> None:
    """Version 3 people have no ``vcard_extra``: they restore without address book cards (the
    next read makes them) and export again as version 4 with empty lists."""
    old = as_version_3(full_doc)
    counts = restore_json(empty_vault, as_stream(old), user=alice)
    assert counts["people"] == len(old["people"]) and counts["cards"] == 4
    assert not DavCard.objects.filter(vault=empty_vault).exists()
    again = export_doc(empty_vault, alice)
    assert again["version"] == 4
    assert comparable(again) == comparable(as_restored_from_version_3(full_doc))


def unfolded(text: str) -> list[str]:
    return text.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")


def test_restored_vcard_lines_are_on_the_persons_card_and_reach_the_phone(
    full_doc: dict[str, Any], alice: User, empty_vault: Vault
) -> None:
    restore_json(empty_vault, as_stream(full_doc), user=alice)
    ann = Person.objects.get(vault=empty_vault, given_name="Ann")
    card = DavCard.objects.get(vault=empty_vault, deleted=False)  # only Ann had lines
    assert card.person == ann and card.extra == "\n".join(ANN_VCARD_EXTRA)
    assert (card.href, card.uid, card.etag, card.text) == ("1234.vcf", "urn:uuid:1234", "", "")
    revision = dav_store.refresh(empty_vault)
    card.refresh_from_db()
    assert card.etag and card.revision == revision
    lines = unfolded(dav_store.card_text(card))
    assert lines[:2] == ["BEGIN:VCARD", "VERSION:3.0"] and lines[-2:] == ["END:VCARD", ""]
    assert "UID:urn:uuid:1234" in lines and "FN:Ann van der Berg" in lines
    assert lines[-2 - len(ANN_VCARD_EXTRA) : -2] == ANN_VCARD_EXTRA
    assert unfolded(dav_store.card_text(card, "4.0"))[-2 - len(ANN_VCARD_EXTRA) : -2] == (
        ANN_VCARD_EXTRA
    )
    # Everyone else (not in the trash) got a card from the refresh, without lines of a phone.
    others = dav_store.live_cards(empty_vault.pk).exclude(pk=card.pk)
    assert sorted(others.values_list("person__given_name", flat=True)) == [
        "Ben",
        "Extra0",
        "Extra1",
    ]
    assert set(others.values_list("extra", flat=True)) == {""}
    # And the next export carries the lines again.
    assert export_doc(empty_vault, alice)["people"][0]["vcard_extra"] == ANN_VCARD_EXTRA


def test_restored_cards_get_unique_hrefs_and_uids(
    full_doc: dict[str, Any], alice: User, empty_vault: Vault
) -> None:
    """Two people with one UID: the second card is named after the person's id. Without a UID
    the card's is the one the vCard export derives. A tombstone of the vault with the same
    href (people deleted before) is taken over rather than refused by the unique href."""
    ann, ben, gone, extra0, _extra1 = full_doc["people"]
    extra0["uid"] = ann["uid"]
    extra0["vcard_extra"] = ["X-FOO:second"]
    ben["vcard_extra"] = ["X-FOO:ben"]
    gone["vcard_extra"] = ["X-FOO:gone"]
    tombstone = DavCard.objects.create(
        vault=empty_vault, href="1234.vcf", uid="urn:uuid:1234", deleted=True, revision=7
    )
    AddressBook.objects.create(vault=empty_vault, revision=7)
    restore_json(empty_vault, as_stream(full_doc), user=alice)
    people = {p.given_name: p for p in Person.objects.filter(vault=empty_vault)}
    cards = {
        card.person.given_name: card
        for card in DavCard.objects.filter(vault=empty_vault, deleted=False).select_related(
            "person"
        )
        if card.person
    }
    assert set(cards) == {"Ann", "Ben", "Gone", "Extra0"}
    assert cards["Ann"].pk == tombstone.pk and cards["Ann"].href == "1234.vcf"
    second = people["Extra0"]
    assert (cards["Extra0"].href, cards["Extra0"].uid) == (
        f"person-{second.pk}.vcf",
        "urn:uuid:1234",
    )
    ben_person = people["Ben"]
    derived = exporting.derived_uid_for(empty_vault.pk, ben_person.pk, ben_person.created_at)
    assert ben_person.uid == "" and cards["Ben"].uid == derived
    assert cards["Ben"].href == dav_store.href_for(derived, ben_person.pk)
    assert cards["Extra0"].extra == "X-FOO:second"
    # The refresh renders them, tombstones the trashed person's card and takes a new revision.
    revision = dav_store.refresh(empty_vault)
    assert revision == 8
    assert not DavCard.objects.filter(vault=empty_vault, deleted=False, etag="").exists()
    assert DavCard.objects.get(pk=cards["Gone"].pk).deleted
    assert "X-FOO:second" in unfolded(
        dav_store.card_text(DavCard.objects.get(pk=cards["Extra0"].pk))
    )


def test_streaming_reader_across_tiny_chunks(
    full_doc: dict[str, Any], alice: User, empty_vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunk boundaries fall inside strings, numbers, escapes and multi-byte characters."""
    full_doc["people"][1]["met_story"] = 'Zoë — 東京 \u2028 \\ " 🚣'
    full_doc["people"][0]["contact_methods"][0]["position"] = 12345
    monkeypatch.setattr(json_document._JsonStream, "CHUNK", 3)
    text = json.dumps(full_doc, ensure_ascii=False, indent=1)
    restore_json(empty_vault, io.BytesIO(("\ufeff" + text).encode()), user=alice)
    assert comparable(export_doc(empty_vault, alice)) == comparable(full_doc)


# ---------------------------------------------------------------------------------------------
# Bad documents: a specific code, a message that says where, and nothing written


def edited(change: Callable[[dict[str, Any]], object]) -> Callable[[dict[str, Any]], bytes]:
    def make(doc: dict[str, Any]) -> bytes:
        copied = copy.deepcopy(doc)
        change(copied)
        return json.dumps(copied).encode()

    return make


def raw(data: bytes) -> Callable[[dict[str, Any]], bytes]:
    return lambda doc: data


def delete(path: tuple[Any, ...]) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        target: Any = doc
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]

    return change


def put(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        target: Any = doc
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return change


def truncated(doc: dict[str, Any]) -> bytes:
    data = json.dumps(doc).encode()
    return data[: len(data) // 2]


# alice's card for Ann in 2025 (cards[0] of the document), as another element would write it.
_CARD_FOR_ANN_2025 = {
    "person": "p1",
    "author": "alice",
    "year": 2025,
    "status": "planned",
    "text": "",
    "sent_at": None,
    "interaction": None,
    "created_at": "2025-03-14T09:26:53+00:00",
    "updated_at": "2025-03-14T09:26:53+00:00",
}

BAD_DOCUMENTS: list[tuple[str, Callable[[dict[str, Any]], bytes], str, str]] = [
    ("binary", raw(b"\x00\x01\xff\xfe PK\x03\x04"), "not_json", "not UTF-8"),
    ("vcard", raw(b"BEGIN:VCARD\r\nVERSION:3.0\r\nEND:VCARD\r\n"), "not_json", "start with"),
    ("empty file", raw(b""), "not_json", "start with"),
    (
        "latin-1",
        raw('{"format": "aandacht.vault", "x": "Zo\xeb"}'.encode("latin-1")),
        "not_json",
        "",
    ),
    ("a list", raw(b"[1, 2]"), "not_our_format", "not an Aandacht"),
    ("another app", raw(b'{"contacts": []}'), "not_our_format", "not an Aandacht"),
    ("wrong format", edited(put(("format",), "monica")), "not_our_format", ""),
    ("no format", edited(delete(("format",))), "not_our_format", ""),
    ("newer version", edited(put(("version",), 5)), "unsupported_version", "version 5"),
    ("version as text", edited(put(("version",), "1")), "wrong_type", "version: expected"),
    ("no version", edited(delete(("version",))), "missing_field", "version: missing"),
    ("no people", edited(delete(("people",))), "missing_field", "people: missing"),
    ("truncated", truncated, "not_json", "line 1"),
    ("trailing data", lambda doc: json.dumps(doc).encode() + b" {}", "not_json", "more after"),
    (
        "broken element",
        raw(b'{"format":"aandacht.vault","version":1,"tags":[{"name":}]}'),
        "not_json",
        "line 1, column 56",
    ),
    ("people not a list", edited(put(("people",), {})), "wrong_type", "people: expected a list"),
    (
        "person not an object",
        edited(put(("people", 0), "Ann")),
        "wrong_type",
        "people[0]: expected",
    ),
    ("unknown section", edited(put(("pets",), [])), "unknown_field", "pets"),
    (
        "unknown field",
        edited(put(("people", 1, "shoe_size"), 44)),
        "unknown_field",
        "people[1]: there is no field “shoe_size”",
    ),
    (
        "version 1 with a department",
        edited(put(("version",), 1)),
        "unknown_field",
        "people[0]: there is no field “department”",
    ),
    (
        "version 2 without a department",
        edited(delete(("people", 0, "department"))),
        "missing_field",
        "people[0].department: missing",
    ),
    (
        "department too long",
        edited(put(("people", 0, "department"), "x" * 201)),
        "bad_value",
        "people[0].department: 201 characters, at most 200",
    ),
    (
        "missing field",
        edited(delete(("people", 0, "family_name"))),
        "missing_field",
        "people[0].family_name: missing",
    ),
    (
        "name as number",
        edited(put(("people", 0, "given_name"), 7)),
        "wrong_type",
        "people[0].given_name: expected text, found 7",
    ),
    (
        "name too long",
        edited(put(("people", 0, "nickname"), "x" * 101)),
        "bad_value",
        "people[0].nickname: 101 characters, at most 100",
    ),
    ("NUL in text", edited(put(("people", 0, "met_story"), "a\x00b")), "bad_value", "NUL"),
    (
        "lone surrogate",
        edited(put(("people", 0, "met_story"), "a\ud800b")),
        "bad_value",
        "people[0].met_story: this is not valid Unicode text",
    ),
    (
        "nested too deeply",
        raw(
            b'{"format":"aandacht.vault","version":1,"tags":['
            + b"[" * 100000
            + b"]" * 100000
            + b"]}"
        ),
        "not_json",
        "nested too deeply",
    ),
    (
        "stamp out of range",
        edited(put(("notes", 0, "occurred_at"), "0001-01-01T00:00:00+05:00")),
        "bad_value",
        "notes[0].occurred_at: 0001-01-01T00:00:00+05:00 is out of range",
    ),
    (
        "archived as text",
        edited(put(("people", 0, "archived"), "yes")),
        "wrong_type",
        "people[0].archived: expected true or false",
    ),
    (
        "month 13",
        edited(put(("people", 0, "important_dates", 0, "month"), 13)),
        "bad_value",
        "people[0].important_dates[0].month: 13 is not a month",
    ),
    (
        "day 0",
        edited(put(("people", 0, "important_dates", 1, "day"), 0)),
        "bad_value",
        "people[0].important_dates[1].day: 0 is not a day",
    ),
    (
        "30 February",
        edited(put(("people", 0, "important_dates", 0, "day"), 30)),
        "bad_value",
        "people[0].important_dates[0]: --02-30 is not a date",
    ),
    (
        "29 February 2023",
        edited(put(("people", 0, "important_dates", 0, "year"), 2023)),
        "bad_value",
        "2023-02-29 is not a date",
    ),
    (
        "month as text",
        edited(put(("people", 0, "important_dates", 0, "month"), "2")),
        "wrong_type",
        "month: expected a whole number",
    ),
    (
        "bad date kind",
        edited(put(("people", 0, "important_dates", 0, "kind"), "wedding")),
        "bad_value",
        'kind: "wedding" is not one of',
    ),
    (
        "bad met_on",
        edited(put(("people", 0, "met_on"), "04-05-2019")),
        "bad_value",
        "people[0].met_on: 04-05-2019 is not a date",
    ),
    (
        "stamp without offset",
        edited(put(("people", 2, "trashed_at"), "2025-03-14T09:26:53")),
        "bad_value",
        "people[2].trashed_at: 2025-03-14T09:26:53 has no offset",
    ),
    (
        "stamp nonsense",
        edited(put(("interactions", 0, "occurred_at"), "yesterday")),
        "bad_value",
        "interactions[0].occurred_at: yesterday is not a time stamp",
    ),
    ("bad channel", edited(put(("people", 0, "met_channel"), "pub")), "bad_value", "met_channel"),
    (
        "empty contact",
        edited(put(("people", 0, "contact_methods", 0, "value"), " ")),
        "bad_value",
        "people[0].contact_methods[0].value: cannot be empty",
    ),
    (
        "bad contact kind",
        edited(put(("people", 0, "contact_methods", 0, "kind"), "fax")),
        "bad_value",
        "contact_methods[0].kind",
    ),
    (
        "photo not base64",
        edited(put(("people", 0, "photo", "data"), "***")),
        "bad_value",
        "people[0].photo.data: this is not base64",
    ),
    (
        "photo not an image",
        edited(put(("people", 0, "photo", "data"), "PHN2Zz48L3N2Zz4=")),
        "bad_value",
        "people[0].photo.data: this is not a JPEG",
    ),
    (
        "photo wrong mime",
        edited(put(("people", 0, "photo", "mime"), "image/jpeg")),
        "bad_value",
        "people[0].photo.mime: image/jpeg, but the data is image/png",
    ),
    (
        "duplicate person id",
        edited(put(("people", 1, "id"), "p1")),
        "duplicate",
        "people[1].id: the id p1 is used twice",
    ),
    (
        "unknown met_via",
        edited(put(("people", 0, "met_via"), "p99")),
        "unknown_reference",
        'people[0].met_via: there is no person with the id "p99"',
    ),
    (
        "self introduction",
        edited(put(("people", 0, "met_via"), "p1")),
        "bad_value",
        "people[0].met_via: someone cannot introduce themselves",
    ),
    (
        "unknown tag",
        edited(put(("people", 0, "tags"), ["friends", "knitting"])),
        "unknown_reference",
        'people[0].tags[1]: the tag "knitting" is not in',
    ),
    ("duplicate tag", edited(put(("tags", 1, "name"), "friends")), "duplicate", "tags[1].name"),
    (
        "relationship to nobody",
        edited(put(("relationships", 0, "to"), "p42")),
        "unknown_reference",
        "relationships[0].to: there is no person",
    ),
    (
        "related to self",
        edited(put(("relationships", 0, "to"), "p2")),
        "bad_value",
        "relationships[0]: a person cannot be related to themselves",
    ),
    (
        "interaction with nobody",
        edited(put(("interactions", 0, "people"), ["p1", "x"])),
        "unknown_reference",
        "interactions[0].people[1]",
    ),
    (
        "interaction person twice",
        edited(put(("interactions", 0, "people"), ["p1", "p1"])),
        "duplicate",
        "interactions[0].people[1]",
    ),
    (
        "bad outcome",
        edited(put(("interactions", 0, "outcome"), "great")),
        "bad_value",
        "interactions[0].outcome",
    ),
    (
        "author as number",
        edited(put(("interactions", 0, "author"), 3)),
        "wrong_type",
        "interactions[0].author: expected a username or null",
    ),
    (
        "note for nobody",
        edited(put(("notes", 0, "person"), None)),
        "wrong_type",
        "notes[0].person: expected an id",
    ),
    (
        "bad moment kind",
        edited(put(("moments", 0, "kind"), "funny")),
        "bad_value",
        "moments[0].kind",
    ),
    (
        "bad due date",
        edited(put(("follow_ups", 0, "due_on"), "2025-02-30")),
        "bad_value",
        "follow_ups[0].due_on: 2025-02-30 is not a date",
    ),
    (
        "cadence zero",
        edited(put(("circles", 3, "cadence_days"), 0)),
        "bad_value",
        "circles[3].cadence_days: 0 is not between 1 and 3650",
    ),
    (
        "circle of unknown tag",
        edited(put(("circles", 3, "tag"), "nope")),
        "unknown_reference",
        "circles[3].tag",
    ),
    (
        "two circles for a preset",
        edited(put(("circles", 4, "preset"), "inner")),
        "duplicate",
        "circles[4].preset",
    ),
    (
        "rhythm in unknown circle",
        edited(put(("rhythms", 0, "circle"), "c77")),
        "unknown_reference",
        'rhythms[0].circle: there is no circle with the id "c77"',
    ),
    (
        "two rhythms for one person",
        edited(put(("rhythms", 1, "person"), "p1")),
        "duplicate",
        "rhythms[1].person",
    ),
    (
        "bad handled_as",
        edited(put(("rhythms", 0, "handled_as"), "ignored")),
        "bad_value",
        "rhythms[0].handled_as",
    ),
    (
        "capacity 0",
        edited(put(("agenda_settings", "capacity"), 0)),
        "bad_value",
        "agenda_settings.capacity: 0 is not between 1 and 50",
    ),
    (
        "weekday 8",
        edited(put(("agenda_settings", "weekdays"), "18")),
        "bad_value",
        "agenda_settings.weekdays",
    ),
    (
        "digest time",
        edited(put(("agenda_settings", "digest_time"), "25:00")),
        "bad_value",
        "agenda_settings.digest_time: 25:00 is not a time",
    ),
    (
        "agenda with feed token",
        edited(put(("agenda_settings", "feed_token"), "x")),
        "unknown_field",
        "agenda_settings: there is no field “feed_token”",
    ),
    (
        "vault without name",
        edited(delete(("vault", "name"))),
        "missing_field",
        "vault.name: missing",
    ),
    ("exported_at", edited(put(("exported_at",), 12)), "wrong_type", "exported_at: expected"),
    # Version 3: interaction ids, cards, check-in rounds, appreciation suggestions.
    (
        "interaction without id",
        edited(delete(("interactions", 0, "id"))),
        "missing_field",
        "interactions[0].id: missing",
    ),
    (
        "interaction id twice",
        edited(put(("interactions", 1, "id"), "i1")),
        "duplicate",
        "interactions[1].id: the id i1 is used twice",
    ),
    (
        "interaction id a number",
        edited(put(("interactions", 0, "id"), 1)),
        "wrong_type",
        "interactions[0].id: expected an id (text), found 1",
    ),
    ("version 3 without cards", edited(delete(("cards",))), "missing_field", "cards: missing"),
    (
        "version 2 with cards",
        lambda doc: json.dumps({**as_version_2(doc), "cards": []}).encode(),
        "unknown_field",
        "cards: there is no such part in version 2 of this format",
    ),
    (
        "version 2 with an interaction id",
        lambda doc: json.dumps(
            {**as_version_2(doc), "interactions": [{**doc["interactions"][0]}]}
        ).encode(),
        "unknown_field",
        "interactions[0]: there is no field “id”",
    ),
    (
        "version 2 with appreciation setting",
        lambda doc: json.dumps(
            {**as_version_2(doc), "agenda_settings": doc["agenda_settings"]}
        ).encode(),
        "unknown_field",
        "agenda_settings: there is no field “appreciation_every_days”",
    ),
    (
        "card year as text",
        edited(put(("cards", 0, "year"), "2025")),
        "wrong_type",
        'cards[0].year: expected a whole number, found "2025"',
    ),
    (
        "card year 0",
        edited(put(("cards", 0, "year"), 0)),
        "bad_value",
        "cards[0].year: 0 is not between 1 and 9999",
    ),
    (
        "card for nobody",
        edited(put(("cards", 0, "person"), "p99")),
        "unknown_reference",
        'cards[0].person: there is no person with the id "p99"',
    ),
    (
        "card person missing",
        edited(delete(("cards", 0, "person"))),
        "missing_field",
        "cards[0].person: missing",
    ),
    (
        "bad card status",
        edited(put(("cards", 0, "status"), "lost")),
        "bad_value",
        'cards[0].status: "lost" is not one of "planned", "skipped", "sent"',
    ),
    (
        "card text a number",
        edited(put(("cards", 0, "text"), 5)),
        "wrong_type",
        "cards[0].text: expected text, found 5",
    ),
    (
        "card sent without offset",
        edited(put(("cards", 0, "sent_at"), "2025-03-14T09:26:53")),
        "bad_value",
        "cards[0].sent_at: 2025-03-14T09:26:53 has no offset",
    ),
    (
        "card author a number",
        edited(put(("cards", 0, "author"), 1)),
        "wrong_type",
        "cards[0].author: expected a username or null",
    ),
    (
        "card of an unknown interaction",
        edited(put(("cards", 0, "interaction"), "i999")),
        "unknown_reference",
        'cards[0].interaction: there is no interaction with the id "i999"',
    ),
    (
        "card of a person id as interaction",
        edited(put(("cards", 0, "interaction"), "p1")),
        "unknown_reference",
        'cards[0].interaction: there is no interaction with the id "p1"',
    ),
    (
        "two cards for one person, author and year",
        edited(put(("cards", 2), {**_CARD_FOR_ANN_2025, "text": "again"})),
        "duplicate",
        "cards[2]: a second card for this person by alice in 2025",
    ),
    ("card with a colour", edited(put(("cards", 1, "colour"), "red")), "unknown_field", "colour"),
    (
        "round without a name",
        edited(put(("check_in_rounds", 0, "name"), " ")),
        "bad_value",
        "check_in_rounds[0].name: cannot be empty",
    ),
    (
        "round name too long",
        edited(put(("check_in_rounds", 0, "name"), "x" * 121)),
        "bad_value",
        "check_in_rounds[0].name: 121 characters, at most 120",
    ),
    (
        "bad round status",
        edited(put(("check_in_rounds", 0, "status"), "stopped")),
        "bad_value",
        'check_in_rounds[0].status: "stopped" is not one of "active", "paused", "finished"',
    ),
    (
        "round finished on no date",
        edited(put(("check_in_rounds", 0, "finished_at"), "later")),
        "bad_value",
        "check_in_rounds[0].finished_at: later is not a time stamp",
    ),
    (
        "check-ins not a list",
        edited(put(("check_in_rounds", 0, "check_ins"), {})),
        "wrong_type",
        "check_in_rounds[0].check_ins: expected a list, found an object",
    ),
    (
        "check-in for nobody",
        edited(put(("check_in_rounds", 0, "check_ins", 1, "person"), "p99")),
        "unknown_reference",
        'check_in_rounds[0].check_ins[1].person: there is no person with the id "p99"',
    ),
    (
        "person twice in a round",
        edited(put(("check_in_rounds", 0, "check_ins", 1, "person"), "p1")),
        "duplicate",
        "check_in_rounds[0].check_ins[1].person: this person is in the round twice",
    ),
    (
        "check-in added_at missing",
        edited(delete(("check_in_rounds", 0, "check_ins", 0, "added_at"))),
        "missing_field",
        "check_in_rounds[0].check_ins[0].added_at: missing",
    ),
    (
        "bad step kind",
        edited(put(("check_in_rounds", 0, "check_ins", 0, "steps", 2, "kind"), "hug")),
        "bad_value",
        'check_in_rounds[0].check_ins[0].steps[2].kind: "hug" is not one of',
    ),
    (
        "two empathy steps",
        edited(put(("check_in_rounds", 0, "check_ins", 0, "steps", 1, "kind"), "empathy")),
        "duplicate",
        "check_in_rounds[0].check_ins[0].steps[1].kind: a second empathy step",
    ),
    (
        "step done by a number",
        edited(put(("check_in_rounds", 0, "check_ins", 0, "steps", 0, "done_by"), 7)),
        "wrong_type",
        "check_in_rounds[0].check_ins[0].steps[0].done_by: expected a username or null",
    ),
    (
        "step note null",
        edited(put(("check_in_rounds", 0, "check_ins", 0, "steps", 0, "note"), None)),
        "wrong_type",
        "check_in_rounds[0].check_ins[0].steps[0].note: expected text, found null",
    ),
    (
        "step of an unknown interaction",
        edited(put(("check_in_rounds", 0, "check_ins", 0, "steps", 0, "interaction"), "i999")),
        "unknown_reference",
        "check_in_rounds[0].check_ins[0].steps[0].interaction: there is no interaction with "
        'the id "i999"',
    ),
    (
        "step interaction a number",
        edited(put(("check_in_rounds", 0, "check_ins", 0, "steps", 0, "interaction"), 1)),
        "wrong_type",
        "check_in_rounds[0].check_ins[0].steps[0].interaction: expected an id (text)",
    ),
    (
        "a conversation on a tip step",
        edited(put(("check_in_rounds", 0, "check_ins", 1, "steps", 1, "interaction"), "i1")),
        "bad_value",
        "check_in_rounds[0].check_ins[1].steps[1].interaction: only a done empathy step",
    ),
    (
        "a conversation on an empathy step not done",
        edited(put(("check_in_rounds", 0, "check_ins", 1, "steps", 0, "interaction"), "i1")),
        "bad_value",
        "check_in_rounds[0].check_ins[1].steps[0].interaction: only a done empathy step",
    ),
    (
        "one conversation on two steps",
        lambda doc: edited(
            put(
                ("check_in_rounds", 0, "check_ins", 1, "steps", 0),
                doc["check_in_rounds"][0]["check_ins"][0]["steps"][0],
            )
        )(doc),
        "duplicate",
        "check_in_rounds[0].check_ins[1].steps[0].interaction: another check-in step",
    ),
    (
        "step without interaction",
        edited(delete(("check_in_rounds", 0, "check_ins", 0, "steps", 0, "interaction"))),
        "missing_field",
        "check_in_rounds[0].check_ins[0].steps[0].interaction: missing",
    ),
    (
        "suggestion for nobody",
        edited(put(("appreciation_nudges", 0, "person"), "p99")),
        "unknown_reference",
        'appreciation_nudges[0].person: there is no person with the id "p99"',
    ),
    (
        "bad suggestion outcome",
        edited(put(("appreciation_nudges", 0, "outcome"), "maybe")),
        "bad_value",
        'appreciation_nudges[0].outcome: "maybe" is not one of "", "given", "dismissed"',
    ),
    (
        "suggestion on no day",
        edited(put(("appreciation_nudges", 0, "offered_on"), None)),
        "wrong_type",
        "appreciation_nudges[0].offered_on: expected a date (YYYY-MM-DD), found null",
    ),
    (
        "two suggestions a day",
        edited(put(("appreciation_nudges", 1, "offered_on"), "2025-03-14")),
        "duplicate",
        "appreciation_nudges[1].offered_on: a second suggestion on 2025-03-14",
    ),
    (
        "suggestion of an unknown interaction",
        edited(put(("appreciation_nudges", 0, "interaction"), "i999")),
        "unknown_reference",
        'appreciation_nudges[0].interaction: there is no interaction with the id "i999"',
    ),
    (
        "suggestion with a user",
        edited(put(("appreciation_nudges", 0, "user"), "alice")),
        "unknown_field",
        "appreciation_nudges[0]: there is no field “user”",
    ),
    (
        "card list of 100",
        edited(put(("card_season", "list_size"), 100)),
        "bad_value",
        "card_season.list_size: 100 is not between 3 and 20",
    ),
    (
        "card season a number",
        edited(put(("card_season",), 5)),
        "wrong_type",
        "card_season: expected an object, found 5",
    ),
    (
        "version 2 with a card season",
        lambda doc: json.dumps({**as_version_2(doc), "card_season": None}).encode(),
        "unknown_field",
        "card_season: there is no such part in version 2 of this format",
    ),
    (
        "appreciation every 366 days",
        edited(put(("agenda_settings", "appreciation_every_days"), 366)),
        "bad_value",
        "agenda_settings.appreciation_every_days: 366 is not between 0 and 365",
    ),
    (
        "appreciation days as text",
        edited(put(("agenda_settings", "appreciation_every_days"), "7")),
        "wrong_type",
        "agenda_settings.appreciation_every_days: expected a whole number",
    ),
    # Version 4: the lines of a person's vCard that Aandacht does not model.
    (
        "version 3 with vcard_extra",
        edited(put(("version",), 3)),
        "unknown_field",
        "people[0]: there is no field “vcard_extra”",
    ),
    (
        "version 4 without vcard_extra",
        edited(delete(("people", 1, "vcard_extra"))),
        "missing_field",
        "people[1].vcard_extra: missing",
    ),
    (
        "vcard_extra as text",
        edited(put(("people", 0, "vcard_extra"), "X-FOO:bar")),
        "wrong_type",
        'people[0].vcard_extra: expected a list, found "X-FOO:bar"',
    ),
    (
        "vcard_extra null",
        edited(put(("people", 0, "vcard_extra"), None)),
        "wrong_type",
        "people[0].vcard_extra: expected a list, found null",
    ),
    (
        "vcard line a number",
        edited(put(("people", 0, "vcard_extra", 1), 7)),
        "wrong_type",
        "people[0].vcard_extra[1]: expected a vCard line (text), found 7",
    ),
    (
        "vcard line an object",
        edited(put(("people", 0, "vcard_extra", 0), {"X-FOO": "bar"})),
        "wrong_type",
        "people[0].vcard_extra[0]: expected a vCard line (text), found an object",
    ),
    (
        "vcard line with a line break",
        edited(put(("people", 0, "vcard_extra", 2), "X-FOO:a\nX-BAR:b")),
        "bad_value",
        "people[0].vcard_extra[2]: a vCard line cannot contain a line break",
    ),
    (
        "vcard line with a carriage return",
        edited(put(("people", 0, "vcard_extra", 2), "X-FOO:a\r")),
        "bad_value",
        "people[0].vcard_extra[2]: a vCard line cannot contain a line break",
    ),
    (
        "vcard line with NUL",
        edited(put(("people", 0, "vcard_extra", 0), "X-FOO:a\x00b")),
        "bad_value",
        "people[0].vcard_extra[0]: text cannot contain a NUL character",
    ),
    (
        "vcard line with a lone surrogate",
        edited(put(("people", 0, "vcard_extra", 0), "X-FOO:a\ud800")),
        "bad_value",
        "people[0].vcard_extra[0]: this is not valid Unicode text",
    ),
    (
        "vcard line without a colon",
        edited(put(("people", 0, "vcard_extra", 3), "X-FOO bar")),
        "bad_value",
        'people[0].vcard_extra[3]: "X-FOO bar" is not a vCard property (NAME;PARAMETERS:value)',
    ),
    (
        "vcard line empty",
        edited(put(("people", 0, "vcard_extra", 0), "")),
        "bad_value",
        'people[0].vcard_extra[0]: "" is not a vCard property',
    ),
    (
        "vcard line with a space in its name",
        edited(put(("people", 0, "vcard_extra", 0), "X FOO:bar")),
        "bad_value",
        'people[0].vcard_extra[0]: "X FOO:bar" is not a vCard property',
    ),
    (
        "vcard line without a name",
        edited(put(("people", 0, "vcard_extra", 0), ":bar")),
        "bad_value",
        'people[0].vcard_extra[0]: ":bar" is not a vCard property',
    ),
    (
        "vcard line with a group but no name",
        edited(put(("people", 0, "vcard_extra", 0), "item1.:bar")),
        "bad_value",
        'people[0].vcard_extra[0]: "item1.:bar" is not a vCard property',
    ),
    (
        "vcard line with an unclosed quote",
        edited(put(("people", 0, "vcard_extra", 0), 'X-FOO;X-P="a:b')),
        "bad_value",
        'people[0].vcard_extra[0]: "X-FOO;X-P=\\"a:b" is not a vCard property',
    ),
    (
        "vcard line ending the card",
        edited(put(("people", 0, "vcard_extra", 4), "END:VCARD")),
        "bad_value",
        "people[0].vcard_extra[4]: END is part of the card's frame, not a property",
    ),
    (
        "vcard line beginning a card in a group",
        edited(put(("people", 0, "vcard_extra", 4), "item9.begin:VCARD")),
        "bad_value",
        "people[0].vcard_extra[4]: BEGIN is part of the card's frame",
    ),
    (
        "vcard line with a version",
        edited(put(("people", 0, "vcard_extra", 4), "VERSION;X-A=b:4.0")),
        "bad_value",
        "people[0].vcard_extra[4]: VERSION is part of the card's frame",
    ),
    (
        "vcard line too long",
        edited(
            put(
                ("people", 0, "vcard_extra", 0),
                "X-FOO:" + "x" * (json_document.MAX_VCARD_LINE - 5),
            )
        ),
        "bad_value",
        f"people[0].vcard_extra[0]: {json_document.MAX_VCARD_LINE + 1} characters, at most "
        f"{json_document.MAX_VCARD_LINE} allowed",
    ),
    (
        "vcard lines on a later person",
        edited(put(("people", 4, "vcard_extra"), ["X-OK:fine", "not a property"])),
        "bad_value",
        'people[4].vcard_extra[1]: "not a property" is not a vCard property',
    ),
]


@pytest.mark.parametrize(
    ("make", "code", "message"),
    [pytest.param(make, code, message, id=name) for name, make, code, message in BAD_DOCUMENTS],
)
def test_bad_document_is_refused_and_nothing_is_written(
    cached_doc: dict[str, Any],
    alice: User,
    empty_vault: Vault,
    make: Callable[[dict[str, Any]], bytes],
    code: str,
    message: str,
) -> None:
    files_before = _photo_files()
    with pytest.raises(UnreadableFile) as caught:
        restore_json(empty_vault, io.BytesIO(make(cached_doc)), user=alice)
    assert caught.value.code == code, str(caught.value)
    assert message in str(caught.value)
    assert_untouched(empty_vault)
    assert _photo_files() == files_before
    assert not AgendaSettings.objects.filter(user=alice).exists()


def _photo_files() -> set[str]:
    storage = Person._meta.get_field("photo").storage
    found: set[str] = set()
    if not storage.exists("photos"):
        return found
    for year in storage.listdir("photos")[0]:
        found.update(f"photos/{year}/{name}" for name in storage.listdir(f"photos/{year}")[1])
    return found


def test_the_example_error_message(
    cached_doc: dict[str, Any], alice: User, empty_vault: Vault
) -> None:
    full_doc = cached_doc
    for _ in range(12):
        full_doc["people"].append(copy.deepcopy(full_doc["people"][1]))
    for number, person in enumerate(full_doc["people"], start=1):
        person["id"] = f"p{number}"
        person["photo"] = None
    full_doc["people"][12]["important_dates"] = [
        {"kind": "birthday", "label": "", "month": 13, "day": 1, "year": None}
    ]
    with pytest.raises(UnreadableFile) as caught:
        restore_json(empty_vault, as_stream(full_doc), user=alice)
    assert str(caught.value) == "people[12].important_dates[0].month: 13 is not a month"


@pytest.mark.django_db(transaction=True)
def test_export_outside_a_transaction_reads_one_snapshot(alice: User, bob: User) -> None:
    """Not inside a test transaction: on PostgreSQL the export opens its own REPEATABLE READ
    READ ONLY transaction (and iterates with server-side cursors inside it)."""
    source = Vault.objects.create(name="Snapshot")
    Membership.objects.create(vault=source, user=alice, role=Role.OWNER)
    Membership.objects.create(vault=source, user=bob, role=Role.EDITOR)
    build_vault(source, alice, bob, size=3)
    doc = export_doc(source, alice)
    assert len(doc["people"]) == 6 and doc["interactions"]
    target = Vault.objects.create(name="Snapshot copy")
    Membership.objects.create(vault=target, user=alice, role=Role.OWNER)
    Membership.objects.create(vault=target, user=bob, role=Role.EDITOR)
    restore_json(target, as_stream(doc), user=alice)
    assert comparable(export_doc(target, alice)) == comparable(doc)


def test_photo_data_with_line_breaks_and_other_offsets_restore(
    full_doc: dict[str, Any], alice: User, empty_vault: Vault
) -> None:
    """A hand-edited file: base64 wrapped at 76 characters, time stamps in local time."""
    data = full_doc["people"][0]["photo"]["data"]
    full_doc["people"][0]["photo"]["data"] = "\n".join(
        data[start : start + 76] for start in range(0, len(data), 76)
    )
    note = full_doc["notes"][0]
    utc = dt.datetime.fromisoformat(note["occurred_at"])
    note["occurred_at"] = utc.astimezone(dt.timezone(dt.timedelta(hours=2))).isoformat()
    restore_json(empty_vault, as_stream(full_doc), user=alice)
    again = export_doc(empty_vault, alice)
    assert again["people"][0]["photo"]["data"] == data
    assert again["notes"][0]["occurred_at"] == utc.isoformat()


# Each model's fields: what the document carries, and what it leaves out on purpose. A field
# or model added later fails here until the JSON document (and docs/json-format.md) says
# what happens to it.
DOCUMENT_FIELDS: dict[str, tuple[set[str], set[str]]] = {
    "people.person": (
        {
            *json_document.PERSON_TEXT_FIELDS,
            "met_on",
            "met_channel",
            "met_via",
            "archived",
            "deceased",
            "deceased_on",
            "trashed_at",
            "created_at",
            "updated_at",
            "photo",
            "tags",
        },
        {"id", "vault", "sort_key", "search_names", "search_text"},
    ),
    "people.contactmethod": (set(json_document.CONTACT_FIELDS), {"id", "person"}),
    "people.address": (set(json_document.ADDRESS_TEXT_FIELDS), {"id", "person"}),
    "people.importantdate": (set(json_document.DATE_FIELDS), {"id", "person"}),
    "people.relationship": ({"from_person", "to_person", "kind", "note"}, {"id", "vault"}),
    "people.tag": (set(json_document.TAG_FIELDS), {"id", "vault"}),
    "timeline.interaction": (set(json_document.INTERACTION_FIELDS) - {"id"}, {"id", "vault"}),
    "timeline.note": (set(json_document.NOTE_FIELDS), {"id", "vault"}),
    "timeline.moment": (set(json_document.MOMENT_FIELDS), {"id", "vault"}),
    "timeline.followup": (set(json_document.FOLLOW_UP_FIELDS), {"id", "vault"}),
    "attention.circle": (set(json_document.CIRCLE_FIELDS) - {"id"}, {"id", "vault"}),
    "attention.rhythm": (
        set(json_document.RHYTHM_FIELDS),
        {"last_conversation_at", "last_attempt_at", "last_one_way_at"},
    ),
    "attention.agendasettings": (set(json_document.AGENDA_FIELDS), {"user", "feed_token"}),
    "accounts.vault": (set(json_document.VAULT_FIELDS), {"id", "is_demo"}),
    "cards.card": (set(json_document.CARD_FIELDS), {"id", "vault"}),
    "rounds.checkinround": (
        set(json_document.ROUND_FIELDS) - {"check_ins"},
        {"id", "vault", "token"},
    ),
    "cards.seasonsettings": (set(json_document.CARD_SEASON_FIELDS), {"id", "vault", "user"}),
    "rounds.checkin": (set(json_document.CHECK_IN_FIELDS) - {"steps"}, {"id", "round"}),
    "rounds.checkinstep": (set(json_document.STEP_FIELDS), {"id", "check_in"}),
    "attention.appreciationnudge": (set(json_document.NUDGE_FIELDS), {"id", "vault", "user"}),
    # The CardDAV card is sync state derived from the person (refresh renders it again), except
    # ``extra``: the lines a phone stored that Aandacht does not model, which nothing else could
    # rebuild. They travel inside their person (so ``person`` is implied) as ``vcard_extra``.
    "carddav.card": (
        {"extra", "person"},
        {"id", "vault", "href", "uid", "etag", "text", "revision", "deleted"},
    ),
}
LEFT_OUT_MODELS = {
    "accounts.membership",
    "accounts.preference",
    # A user's own account, not the vault's: in the account export (account.json).
    "accounts.accesstoken",
    "accounts.invitation",
    "accounts.signedinsession",
    "attention.digestsent",
    "attention.schedulerlease",
    "exchange.importjob",
    # The address book's revision counter and floor: sync state, started anew by a restore.
    "carddav.addressbook",
}


def test_every_field_of_every_model_is_exported_or_left_out_on_purpose() -> None:
    from django.apps import apps

    ours = {
        model._meta.label_lower: model
        for model in apps.get_models()
        if model.__module__.startswith("aandacht.")
    }
    assert set(ours) == set(DOCUMENT_FIELDS) | LEFT_OUT_MODELS
    for label, (exported, left_out) in DOCUMENT_FIELDS.items():
        meta = ours[label]._meta
        names = {f.name for f in meta.concrete_fields} | {f.name for f in meta.many_to_many}
        assert names == exported | left_out, label
        assert exported.isdisjoint(left_out), label


def test_the_format_page_shows_each_new_object_with_all_its_fields() -> None:
    """docs/json-format.md's examples of the version 3 and 4 objects have exactly their
    fields, and its example vCard lines restore."""
    from pathlib import Path

    page = (Path(__file__).parents[2] / "docs" / "json-format.md").read_text("utf-8")
    assert f"version {json_document.VERSION}" in page.splitlines()[0]
    blocks = [part.split("```", 1)[0].strip() for part in page.split("```json\n")[1:]]
    examples = [json.loads(block) for block in blocks if block.startswith('{"')]
    shapes = [frozenset(example) for example in examples]
    assert json_document.CARD_FIELDS in shapes
    assert json_document.ROUND_FIELDS in shapes
    assert json_document.NUDGE_FIELDS in shapes
    assert json_document.CARD_SEASON_FIELDS in shapes
    assert frozenset(json_document.AGENDA_FIELDS) in shapes
    assert json_document.PERSON_FIELDS in shapes
    person = next(e for e in examples if frozenset(e) == json_document.PERSON_FIELDS)
    assert person["vcard_extra"]
    for line in person["vcard_extra"]:
        assert json_document.VCARD_LINE.fullmatch(line), line
    rounds = [e for e in examples if frozenset(e) == json_document.ROUND_FIELDS]
    check_in = rounds[0]["check_ins"][0]
    assert frozenset(check_in) == json_document.CHECK_IN_FIELDS
    assert {frozenset(step) for step in check_in["steps"]} == {json_document.STEP_FIELDS}
    for key in json_document.SECTIONS:
        assert f"`{key}`" in page, key
