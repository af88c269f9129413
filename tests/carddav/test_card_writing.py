"""A phone's vCard onto a person (CardDAV PUT) and a DELETE into the trash.

Every test goes through ``put_card`` as the protocol view calls it and reads the result back
from the database and from the served card text; convergence (PUT the served text again:
nothing changes) is checked wherever a card is stored.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from PIL import Image

from aandacht.accounts.models import Vault
from aandacht.carddav import store
from aandacht.carddav.models import AddressBook, Card
from aandacht.carddav.writing import CardRejected, PutResult, delete_card, put_card
from aandacht.demo import load_demo
from aandacht.exchange import vcard
from aandacht.people.models import (
    Address,
    ContactMethod,
    ImportantDate,
    Person,
    Relationship,
    Tag,
)
from aandacht.people.search import refresh_search_fields
from aandacht.people.services import (
    add_contact_method,
    add_important_date,
    create_person,
    relate,
)
from aandacht.timeline.models import Interaction, Note
from aandacht.timeline.services import add_note, log_interaction


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"  # photos of this test only


def card_text(*lines: str, version: str = "3.0") -> str:
    return "\r\n".join(["BEGIN:VCARD", f"VERSION:{version}", *lines, "END:VCARD", ""])


def put(
    vault: Vault, user: User, href: str, body: str | bytes, *, existing: Card | None = None
) -> PutResult:
    data = body.encode("utf-8") if isinstance(body, str) else body
    if existing is None:
        existing = store.cards_by_href(vault.pk, [href]).get(href)
    return put_card(vault=vault, user=user, href=href, body=data, existing=existing)


def again(vault: Vault, user: User, result: PutResult) -> PutResult:
    """PUT the served text back, as a client that fetched the card does."""
    return put(vault, user, result.card.href, result.card.text, existing=result.card)


def snapshot(person: Person) -> dict[str, Any]:
    """Everything a PUT may change about a person, with row ids."""
    person.refresh_from_db()
    return {
        "person": {f.name: getattr(person, f.name) for f in Person._meta.concrete_fields},
        "contacts": list(
            ContactMethod.objects.filter(person=person)
            .order_by("id")
            .values_list("id", "kind", "value", "normalized", "label", "service", "position")
        ),
        "addresses": list(Address.objects.filter(person=person).order_by("id").values_list()),
        "dates": list(ImportantDate.objects.filter(person=person).order_by("id").values_list()),
        "tags": sorted(person.tags.values_list("name", flat=True)),
        "notes": list(Note.objects.filter(person=person).order_by("id").values_list()),
    }


def revision(vault: Vault) -> int:
    return AddressBook.objects.get(vault=vault).revision


def converges(vault: Vault, user: User, result: PutResult) -> PutResult:
    """The served text PUT again changes nothing: same ETag, revision, rows."""
    person = result.card.person
    assert person is not None
    before = snapshot(person)
    second = again(vault, user, result)
    assert not second.changed_by_server
    assert not second.created
    assert second.card.etag == result.card.etag
    assert second.card.revision == result.card.revision
    assert second.card.text == result.card.text
    assert snapshot(person) == before
    return second


def lines_of(text: str) -> list[str]:
    return text.replace("\r\n ", "").splitlines()


JAN = card_text(
    "PRODID:-//Apple Inc.//iPhone OS 17.0//EN",
    "N:van der Berg;Jan;;Dr.;jr.",
    "FN:Dr. Jan van der Berg jr.",
    "NICKNAME:Jantje",
    "ORG:Acme;Sales",
    "TITLE:Boss",
    "EMAIL;type=INTERNET;type=HOME;type=pref:jan@example.org",
    "EMAIL;type=INTERNET;type=WORK:jan@acme.example",
    "item1.TEL;type=pref:06 12345678",
    "item1.X-ABLabel:_$!<Mobile>!$_",
    "TEL;type=WORK;type=VOICE:+31 30 123 4567",
    "URL:https://jan.example.org",
    "URL:https://github.com/janvdberg",
    "ADR;type=HOME:;;Oudegracht 12;Utrecht;;3511 AB;Nederland",
    "BDAY:1980-04-15",
    "item2.X-ABDATE:2010-06-01",
    "item2.X-ABLabel:graduation",
    "NOTE:Met at PyCon",
    "CATEGORIES:friends,work",
    "X-PRONOUNS:he/him",
    "TZ:Europe/Amsterdam",
    "UID:jan-1",
    "REV:2024-01-01T00:00:00Z",
)


# --- create ----------------------------------------------------------------------------------


def test_create_maps_every_field_and_converges(vault: Vault, alice: User) -> None:
    result = put(vault, alice, "jan-1.vcf", JAN)
    assert result.created
    assert result.changed_by_server  # PRODID and REV are not kept, labels are rewritten
    card = result.card
    assert card.etag.startswith('"') and not card.deleted and card.uid == "jan-1"
    person = card.person
    assert person is not None and person.vault_id == vault.pk and person.uid == "jan-1"
    assert (person.given_name, person.particles, person.family_name) == ("Jan", "van der", "Berg")
    assert (person.name_prefix, person.name_suffix, person.nickname) == ("Dr.", "jr.", "Jantje")
    assert (person.organisation, person.department, person.job_title) == ("Acme", "Sales", "Boss")
    assert (person.pronouns, person.time_zone) == ("he/him", "Europe/Amsterdam")
    contacts = list(
        person.contact_methods.order_by("kind", "position").values_list(
            "kind", "value", "label", "service"
        )
    )
    assert contacts == [
        ("email", "jan@example.org", "home", ""),
        ("email", "jan@acme.example", "work", ""),
        ("phone", "06 12345678", "mobile", ""),
        ("phone", "+31 30 123 4567", "work", ""),
        ("social", "https://github.com/janvdberg", "", "github"),
        ("website", "https://jan.example.org", "", ""),
    ]
    assert list(person.addresses.values_list("street", "postal_code", "locality", "country")) == [
        ("Oudegracht 12", "3511 AB", "Utrecht", "Nederland")
    ]
    dates = set(person.important_dates.values_list("kind", "label", "month", "day", "year"))
    assert dates == {("birthday", "", 4, 15, 1980), ("custom", "graduation", 6, 1, 2010)}
    assert sorted(person.tags.values_list("name", flat=True)) == ["friends", "work"]
    notes = list(Note.objects.filter(person=person).values_list("body", "private", "author"))
    assert notes == [("Met at PyCon", False, alice.pk)]
    assert "FN:Jan van der Berg" in lines_of(card.text)
    assert "PRODID" not in card.text and "REV:" not in card.text
    assert card.revision == revision(vault)
    assert Card.objects.filter(vault=vault).count() == 1  # refresh made no second card
    converges(vault, alice, result)


def test_our_own_rendering_is_unchanged_by_the_server(vault: Vault, alice: User) -> None:
    first = put(vault, alice, "jan-1.vcf", JAN)
    other = put(vault, alice, "copy.vcf", first.card.text.replace("UID:jan-1", "UID:copy-1"))
    assert other.created and not other.changed_by_server
    assert other.card.text == first.card.text.replace("UID:jan-1", "UID:copy-1")


def test_search_columns_are_those_of_refresh_search_fields(vault: Vault, alice: User) -> None:
    """put_card writes the search columns itself (no query per detail); they must be exactly
    what the search's own refresh makes, after a create and after an update."""
    first = put(vault, alice, "jan-1.vcf", JAN)
    person = first.card.person
    assert person is not None
    add_note(vault, person, "Older remark", author=alice)
    changed = first.card.text.replace("NOTE:Met at PyCon", "NOTE:Met at PyCon\\n\\nNew remark")
    changed = changed.replace("CATEGORIES:friends,work", "CATEGORIES:Zebra,friends")
    for body in (JAN, changed):
        put(vault, alice, "jan-1.vcf", body)
        person.refresh_from_db()
        mine = (person.search_names, person.search_text, person.sort_key)
        refresh_search_fields([person.pk])
        person.save()  # the sort key as Person.save makes it
        person.refresh_from_db()
        assert (person.search_names, person.search_text, person.sort_key) == mine
    assert "jan" in person.search_names and "acme" in person.search_text
    assert "new remark" in person.search_text and "zebra" in person.search_text


# --- update ----------------------------------------------------------------------------------


def test_update_replaces_what_the_card_carries(vault: Vault, alice: User) -> None:
    first = put(vault, alice, "jan-1.vcf", JAN)
    person = first.card.person
    assert person is not None
    phone_ids = dict(person.contact_methods.values_list("normalized", "id"))
    changed = card_text(
        "N:Berg;Johannes;;;",
        "FN:Johannes Berg",
        "ORG:Initech",
        "TITLE:Engineer",
        "EMAIL;type=WORK:jan@acme.example",
        "TEL;type=CELL:+31 6 12345678",
        "X-SOCIALPROFILE;type=mastodon:https://mastodon.social/@jan",
        "ADR;type=WORK:;;Stationsplein 1;Amersfoort;;3818 LE;Nederland",
        "BDAY;X-APPLE-OMIT-YEAR=1604:1604-04-16",
        "X-ANNIVERSARY:2012-09-09",
        "CATEGORIES:work,climbing",
        "X-PRONOUNS:they/them",
        "TZ:Europe/Berlin",
        "UID:jan-1",
    )
    result = put(vault, alice, "jan-1.vcf", changed)
    assert not result.created
    person.refresh_from_db()
    assert (person.given_name, person.particles, person.family_name) == ("Johannes", "", "Berg")
    assert (person.name_prefix, person.name_suffix, person.nickname) == ("", "", "")
    assert (person.organisation, person.department, person.job_title) == (
        "Initech",
        "",
        "Engineer",
    )
    assert (person.pronouns, person.time_zone) == ("they/them", "Europe/Berlin")
    contacts = list(
        person.contact_methods.order_by("kind", "position").values_list(
            "id", "kind", "value", "label"
        )
    )
    # the work email and the mobile number are the same details: the rows stay
    assert contacts == [
        (phone_ids["jan@acme.example"], "email", "jan@acme.example", "work"),
        (phone_ids["+31612345678"], "phone", "+31 6 12345678", "mobile"),
        (contacts[2][0], "social", "https://mastodon.social/@jan", ""),
    ]
    assert list(person.addresses.values_list("label", "street", "locality")) == [
        ("work", "Stationsplein 1", "Amersfoort")
    ]
    dates = set(person.important_dates.values_list("kind", "label", "month", "day", "year"))
    assert dates == {("birthday", "", 4, 16, None), ("anniversary", "", 9, 9, 2012)}
    assert sorted(person.tags.values_list("name", flat=True)) == ["climbing", "work"]
    assert Tag.objects.filter(vault=vault, name="friends").exists()  # the tag itself stays
    # no NOTE on the card: the notes stay (a phone never deletes notes)
    assert list(Note.objects.filter(person=person).values_list("body", flat=True)) == [
        "Met at PyCon"
    ]
    assert "NOTE:Met at PyCon" in lines_of(result.card.text)
    assert result.card.revision > first.card.revision
    converges(vault, alice, result)


def test_removing_a_phone_number_on_the_phone_removes_it_here(vault: Vault, alice: User) -> None:
    first = put(vault, alice, "jan-1.vcf", JAN)
    text = first.card.text
    without = "".join(
        line + "\r\n" for line in lines_of(text) if not line.startswith("TEL;TYPE=work")
    )
    assert without != text.replace("\r\n ", "")
    result = put(vault, alice, "jan-1.vcf", without, existing=first.card)
    person = result.card.person
    assert person is not None
    assert list(person.contact_methods.filter(kind="phone").values_list("value", flat=True)) == [
        "06 12345678"
    ]
    assert "+31 30 123 4567" not in result.card.text
    assert not result.changed_by_server
    converges(vault, alice, result)


def test_a_new_label_keeps_the_row(vault: Vault, alice: User) -> None:
    first = put(vault, alice, "jan-1.vcf", JAN)
    person = first.card.person
    assert person is not None
    row = person.contact_methods.get(value="jan@example.org")
    text = first.card.text.replace(
        "EMAIL;TYPE=home:jan@example.org", "EMAIL;TYPE=work:jan@example.org"
    )
    result = put(vault, alice, "jan-1.vcf", text)
    again_row = person.contact_methods.get(value="jan@example.org")
    assert again_row.pk == row.pk and again_row.label == "work"
    converges(vault, alice, result)


def test_what_vcard_does_not_carry_is_untouched(vault: Vault, alice: User, bob: User) -> None:
    first = put(vault, alice, "jan-1.vcf", JAN)
    person = first.card.person
    assert person is not None
    ann = create_person(vault, given_name="Ann", family_name="Smit")
    relate(person, "friend", ann)
    log_interaction(vault, [person], "call", summary="Talked about the move", author=alice)
    add_note(vault, person, "Alice's private thought", private=True, author=alice)
    add_note(vault, person, "Bob's private thought", private=True, author=bob)
    Person.objects.filter(pk=person.pk).update(
        met_story="At the conference dinner", archived=True, what_they_do="Builds bridges"
    )
    notes_before = list(Note.objects.filter(person=person).order_by("id").values_list())
    store.refresh(vault)
    card = Card.objects.get(pk=first.card.pk)
    assert "private thought" not in card.text  # private notes are never served
    text = card.text.replace("TITLE:Boss", "TITLE:Chief")
    result = put(vault, alice, "jan-1.vcf", text, existing=card)
    person.refresh_from_db()
    assert person.job_title == "Chief"
    assert (person.met_story, person.archived, person.what_they_do) == (
        "At the conference dinner",
        True,
        "Builds bridges",
    )
    assert Relationship.objects.filter(from_person=person, to_person=ann).exists()
    assert Interaction.objects.filter(people=person).count() == 1
    assert list(Note.objects.filter(person=person).order_by("id").values_list()) == notes_before
    assert "private thought" not in result.card.text
    converges(vault, alice, result)


def test_an_edit_in_aandacht_reaches_the_card_and_back(vault: Vault, alice: User) -> None:
    first = put(vault, alice, "jan-1.vcf", JAN)
    person = first.card.person
    assert person is not None
    add_contact_method(person, "email", "jan@new.example", label="work")
    store.refresh(vault)
    card = Card.objects.get(pk=first.card.pk)
    assert "jan@new.example" in card.text
    result = put(vault, alice, "jan-1.vcf", card.text, existing=card)
    assert not result.changed_by_server and result.card.etag == card.etag
    assert result.card.revision == card.revision


def test_an_edit_on_the_phone_leaves_what_the_card_cannot_tell_apart(
    vault: Vault, alice: User
) -> None:
    """Values a card cannot represent exactly (particles "El", a second birthday with a
    label, a job title with two spaces) survive a phone's edit of something else."""
    person = create_person(vault, given_name="Yasmina", particles="El", family_name="Amrani")
    Person.objects.filter(pk=person.pk).update(job_title="Head  chef", name_prefix="Dr., Prof.")
    add_contact_method(person, "phone", "06 23904415", label="mobiel")
    profile = add_contact_method(person, "social", "yasmina.ea", label="Skype")
    ContactMethod.objects.filter(pk=profile.pk).update(service="", label="skype")
    add_important_date(person, "birthday", 3, 4, 1990)
    add_important_date(person, "birthday", 5, 6, label="second")
    store.refresh(vault)
    card = Card.objects.get(person=person)
    before = snapshot(person)
    text = card.text.replace("06 23904415", "06 11111111")
    result = put(vault, alice, card.href, text, existing=card)
    after = snapshot(person)
    assert after["contacts"][0][2] == "06 11111111"
    assert after["contacts"][0][0] == before["contacts"][0][0]  # the same row, a new number
    assert after["contacts"][1:] == before["contacts"][1:]  # the Skype handle as stored
    for name in ("given_name", "particles", "family_name", "job_title", "name_prefix"):
        assert after["person"][name] == before["person"][name], name
    assert after["dates"] == before["dates"]
    converges(vault, alice, result)
    # a new date on the phone: the others stay as stored (the labelled second birthday
    # reads back as a custom date, yet stays a birthday)
    card = Card.objects.get(person=person)
    text = card.text.replace("END:VCARD", "X-ABDATE:2020-07-08\r\nEND:VCARD")
    result = put(vault, alice, card.href, text, existing=card)
    dates = snapshot(person)["dates"]
    assert dates[:2] == before["dates"] and len(dates) == 3
    assert dates[2][2:] == ("custom", "", 7, 8, 2020)
    converges(vault, alice, result)


def test_categories_use_the_vault_tags_case_insensitively(vault: Vault, alice: User) -> None:
    friends = Tag.objects.create(vault=vault, name="Friends")
    other = create_person(vault, given_name="Other", tags=["Friends", "Work"])
    result = put(vault, alice, "t.vcf", card_text("FN:Tess", "N:;Tess;;;", "CATEGORIES:friends"))
    person = result.card.person
    assert person is not None and list(person.tags.all()) == [friends]
    assert Tag.objects.filter(vault=vault).count() == 2
    assert "CATEGORIES:Friends" in lines_of(result.card.text) and result.changed_by_server
    converges(vault, alice, result)
    text = result.card.text.replace("CATEGORIES:Friends", "CATEGORIES:Book club")
    result = put(vault, alice, "t.vcf", text)
    assert list(person.tags.values_list("name", flat=True)) == ["Book club"]
    assert sorted(other.tags.values_list("name", flat=True)) == ["Friends", "Work"]
    converges(vault, alice, result)


# --- notes -----------------------------------------------------------------------------------


def test_note_appended_on_the_phone_adds_only_the_new_part(vault: Vault, alice: User) -> None:
    first = put(vault, alice, "jan-1.vcf", JAN)
    person = first.card.person
    assert person is not None
    text = first.card.text.replace("NOTE:Met at PyCon", "NOTE:Met at PyCon\\n\\nLoves climbing")
    result = put(vault, alice, "jan-1.vcf", text)
    bodies = list(Note.objects.filter(person=person).order_by("id").values_list("body", flat=True))
    assert bodies == ["Met at PyCon", "Loves climbing"]
    assert not result.changed_by_server  # the served NOTE is the two notes joined
    converges(vault, alice, result)


def test_note_rewritten_on_the_phone_is_added_whole(vault: Vault, alice: User) -> None:
    first = put(vault, alice, "jan-1.vcf", JAN)
    person = first.card.person
    assert person is not None
    text = first.card.text.replace("NOTE:Met at PyCon", "NOTE:Met at EuroPython")
    result = put(vault, alice, "jan-1.vcf", text)
    bodies = list(Note.objects.filter(person=person).order_by("id").values_list("body", flat=True))
    assert bodies == ["Met at PyCon", "Met at EuroPython"]
    assert result.changed_by_server
    converges(vault, alice, result)


def test_note_with_other_whitespace_or_shortened_adds_nothing(vault: Vault, alice: User) -> None:
    first = put(vault, alice, "jan-1.vcf", JAN)
    person = first.card.person
    assert person is not None
    add_note(vault, person, "Second  note", author=alice)
    store.refresh(vault)
    card = Card.objects.get(pk=first.card.pk)
    for note in ("NOTE:Met at  PyCon\\nSecond note", "NOTE:Met at PyCon", "NOTE:"):
        text = "".join(
            (note if line.startswith("NOTE:") else line) + "\r\n" for line in lines_of(card.text)
        )
        put(vault, alice, "jan-1.vcf", text, existing=card)
        assert Note.objects.filter(person=person).count() == 2


# --- photos ----------------------------------------------------------------------------------


def png(colour: str = "red", size: tuple[int, int] = (8, 8)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def photo_line(data: bytes) -> str:
    return "PHOTO;ENCODING=b;TYPE=PNG:" + vcard.base64.b64encode(data).decode()


def test_photo_set_replaced_and_removed(
    vault: Vault, alice: User, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    red, blue = png("red"), png("blue")
    base = ("N:Berg;Jan;;;", "FN:Jan Berg", "UID:jan-2")
    result = put(vault, alice, "jan-2.vcf", card_text(*base, photo_line(red)))
    person = result.card.person
    assert person is not None and person.photo
    first_name = person.photo.name
    with person.photo.open("rb") as handle:
        assert handle.read() == red
    converges(vault, alice, result)

    with django_capture_on_commit_callbacks(execute=True):
        result = put(vault, alice, "jan-2.vcf", card_text(*base, photo_line(blue)))
    person.refresh_from_db()
    assert person.photo.name != first_name
    with person.photo.open("rb") as handle:
        assert handle.read() == blue
    assert not (Path(settings.MEDIA_ROOT) / first_name).exists()  # the old file went
    converges(vault, alice, result)

    second_name = person.photo.name
    with django_capture_on_commit_callbacks(execute=True):
        result = put(vault, alice, "jan-2.vcf", card_text(*base))
    person.refresh_from_db()
    assert not person.photo
    assert "PHOTO" not in result.card.text
    assert not (Path(settings.MEDIA_ROOT) / second_name).exists()
    converges(vault, alice, result)


def test_photo_aandacht_cannot_show_or_by_url_stays_as_a_line(vault: Vault, alice: User) -> None:
    tiff = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(tiff, "TIFF")
    bad = "PHOTO;ENCODING=b;TYPE=TIFF:" + vcard.base64.b64encode(tiff.getvalue()).decode()
    result = put(vault, alice, "p.vcf", card_text("FN:Piet", "N:;Piet;;;", "UID:p", bad))
    person = result.card.person
    assert person is not None and not person.photo
    assert lines_of(result.card.text).count(bad) == 1 and result.card.extra == bad
    converges(vault, alice, result)

    url = "PHOTO;VALUE=uri:https://example.org/piet.jpg"
    result = put(vault, alice, "p.vcf", card_text("FN:Piet", "N:;Piet;;;", "UID:p", url))
    assert lines_of(result.card.text).count(url) == 1
    converges(vault, alice, result)


# --- unmodelled lines ------------------------------------------------------------------------

UNKNOWN = (
    "X-FOO;BAR=baz:hello",
    "X-ABUID:1234-5678",
    "GENDER:F",
    "X-GENDER:Female",
    "RELATED;TYPE=spouse:urn:uuid:0000-1111",
    "GEO:geo:52.09,5.12",
    "LANG;PREF=1:nl",
    "KEY;ENCODING=b:AAEC",
    "SOUND;VALUE=uri:https://example.org/hi.ogg",
    "X-PHONETIC-FIRST-NAME:Jahn",
    "X-MS-OL-DEFAULT-POSTAL-ADDRESS:0",
    "ROLE:Chair",
    "TZ:+01:00",
    "BDAY:1980",
    "X-ABShowAs:PERSON",
    "X-ADDRESSBOOKSERVER-KIND:individual",
    "X-ABRELATEDNAMES:Anne",
    "item7.X-CUSTOM:value with \\, comma",
    "item7.X-ABLabel:Custom",
    "X-ABLabel:stray",
    "X-EMPTY:",
)


def test_unknown_properties_come_back_exactly_once(vault: Vault, alice: User) -> None:
    body = card_text("FN:Kees Klein", "N:Klein;Kees;;;", "TITLE:Treasurer", *UNKNOWN, "UID:kees")
    result = put(vault, alice, "kees.vcf", body)
    served = lines_of(result.card.text)
    for line in UNKNOWN:
        expected = line.replace("item7.", "item100.")
        assert served.count(expected) == 1, expected
    assert served.count("TITLE:Treasurer") == 1
    person = result.card.person
    assert person is not None and person.job_title == "Treasurer"
    assert person.time_zone == ""  # not an IANA name: kept as a line, not as the time zone
    assert not Note.objects.filter(person=person).exists()  # related names stay lines
    converges(vault, alice, result)


def test_mapped_extras_are_not_kept_twice(vault: Vault, alice: User) -> None:
    body = card_text(
        "FN:Lies",
        "N:;Lies;;;",
        "X-SKYPE:lies.skype",
        "X-TWITTER:@lies",
        "item1.X-ABDATE;X-APPLE-OMIT-YEAR=1604:1604-12-24",
        "item1.X-ABLabel:_$!<Anniversary>!$_",
        "item2.X-ABDATE:2001-02-03",
        "item2.X-ABLabel:moved in",
        "item3.EMAIL:lies@example.org",
        "item3.X-ABLabel:Gym",
        "item3.X-ABADR:nl",
        "PRONOUNS:she/her",
        "LABEL;TYPE=HOME:Dorpsstraat 1\\n1234 AB Ergens",
        "UID:lies",
    )
    result = put(vault, alice, "lies.vcf", body)
    person = result.card.person
    assert person is not None and person.pronouns == "she/her"
    socials = set(person.contact_methods.filter(kind="social").values_list("value", "label"))
    assert socials == {("lies.skype", "Skype"), ("https://x.com/lies", "")}
    assert person.contact_methods.get(kind="email").label == "Gym"
    assert person.addresses.get().street == "Dorpsstraat 1, 1234 AB Ergens"
    assert set(person.important_dates.values_list("kind", "label", "month", "day")) == {
        ("anniversary", "", 12, 24),
        ("custom", "moved in", 2, 3),
    }
    assert result.card.extra == "item100.X-ABADR:nl"
    served = lines_of(result.card.text)
    assert sum(line.split(":", 1)[0].endswith("X-ABDATE") for line in served) == 1
    assert served.count("X-SKYPE:lies.skype") == 1
    assert not any("PRONOUNS:" in line and "X-PRONOUNS" not in line for line in served)
    converges(vault, alice, result)


def test_kept_groups_never_share_a_group_with_ours(vault: Vault, alice: User) -> None:
    body = card_text(
        "FN:Mia",
        "N:;Mia;;;",
        "item1.X-ABDATE:2001-02-03",
        "item1.X-ABLabel:moved in",
        "item2.X-SECRET:kept",
        "item2.X-ABLabel:mine",
        "UID:mia",
    )
    result = put(vault, alice, "mia.vcf", body)
    served = lines_of(result.card.text)
    groups: dict[str, list[str]] = {}
    for line in served:
        head = line.split(":", 1)[0].split(";", 1)[0]
        if "." in head:
            group, name = head.split(".", 1)
            groups.setdefault(group, []).append(name.upper())
    assert sorted(groups.values()) == [["X-ABDATE", "X-ABLABEL"], ["X-SECRET", "X-ABLABEL"]]
    assert "item100.X-SECRET:kept" in served
    converges(vault, alice, result)


def test_a_refused_contact_detail_is_kept_as_a_line(vault: Vault, alice: User) -> None:
    body = card_text(
        "FN:Noor", "N:;Noor;;;", "EMAIL:not-an-address", "TEL:unknown", "URL:not a url", "UID:n"
    )
    result = put(vault, alice, "n.vcf", body)
    person = result.card.person
    assert person is not None and not person.contact_methods.exists()
    served = lines_of(result.card.text)
    for line in ("EMAIL:not-an-address", "TEL:unknown", "URL:not a url"):
        assert served.count(line) == 1
    converges(vault, alice, result)


# --- UIDs ------------------------------------------------------------------------------------


def test_card_without_uid_gets_one(vault: Vault, alice: User) -> None:
    result = put(vault, alice, "nouid.vcf", card_text("FN:Otto", "N:;Otto;;;"))
    assert result.card.uid == "nouid" and result.changed_by_server
    assert result.card.person is not None and result.card.person.uid == "nouid"
    assert "UID:nouid" in lines_of(result.card.text)
    converges(vault, alice, result)
    odd = put(vault, alice, "weird name!.vcf", card_text("FN:Ot", "N:;Ot;;;"))
    assert odd.card.uid.startswith("urn:uuid:")
    # an update without UID keeps the card's
    update = put(vault, alice, "nouid.vcf", card_text("FN:Otto B", "N:B;Otto;;;"))
    assert update.card.uid == "nouid" and update.changed_by_server


def test_uid_of_another_card_is_a_conflict(vault: Vault, alice: User) -> None:
    first = put(vault, alice, "jan-1.vcf", JAN)
    before = (Person.objects.count(), Card.objects.count(), revision(vault))
    with pytest.raises(CardRejected) as caught:
        put(vault, alice, "other.vcf", JAN)
    assert caught.value.status == 409 and caught.value.precondition == "no-uid-conflict"
    assert "jan-1" in caught.value.message
    assert (Person.objects.count(), Card.objects.count(), revision(vault)) == before
    # an update may not change the UID either
    with pytest.raises(CardRejected) as caught:
        put(vault, alice, "jan-1.vcf", JAN.replace("UID:jan-1", "UID:jan-2"))
    assert caught.value.status == 409 and caught.value.precondition == "no-uid-conflict"
    assert Card.objects.get(pk=first.card.pk).etag == first.card.etag


def test_a_write_between_the_callers_check_and_the_put_is_a_412(vault: Vault, alice: User) -> None:
    first = put(vault, alice, "jan-1.vcf", JAN)
    stale = Card.objects.get(pk=first.card.pk)
    second = put(vault, alice, "jan-1.vcf", JAN.replace("TITLE:Boss", "TITLE:Chief"))
    with pytest.raises(CardRejected) as caught:
        put(vault, alice, "jan-1.vcf", JAN, existing=stale)
    assert caught.value.status == 412
    assert Card.objects.get(pk=first.card.pk).etag == second.card.etag
    with pytest.raises(CardRejected) as caught:  # the caller saw no card there
        put_card(vault=vault, user=alice, href="jan-1.vcf", body=JAN.encode(), existing=None)
    assert caught.value.status == 412


def test_uid_of_a_person_in_another_vault_is_no_conflict(
    vault: Vault, other_vault: Vault, alice: User, mallory: User
) -> None:
    put(vault, alice, "jan-1.vcf", JAN)
    theirs = put(other_vault, mallory, "jan-1.vcf", JAN)
    assert theirs.created and theirs.card.vault_id == other_vault.pk


# --- refused cards ---------------------------------------------------------------------------

INVALID = [
    (b"", 400, "no vCard"),
    (b"hello world", 400, "no vCard"),
    ((JAN + JAN.replace("jan-1", "jan-2")).encode(), 400, "2 vCards"),
    (JAN.replace("END:VCARD\r\n", "").encode(), 400, "END:VCARD"),
    (JAN.replace("NOTE:Met at PyCon", "this is no property").encode(), 400, "line"),
    (card_text("UID:x", "X-FOO:bar").encode(), 422, "names nobody"),
    (card_text("FN:Family", "X-ADDRESSBOOKSERVER-KIND:group", "UID:g").encode(), 422, "group"),
    (card_text("KIND:group", "FN:Team", "UID:g", version="4.0").encode(), 422, "group"),
    (JAN.replace("UID:jan-1", "UID:" + "x" * 300).encode(), 400, "UID"),
]


@pytest.mark.parametrize(("body", "status", "words"), INVALID)
def test_invalid_cards_change_nothing(
    vault: Vault, alice: User, body: bytes, status: int, words: str
) -> None:
    first = put(vault, alice, "jan-1.vcf", JAN)
    person = first.card.person
    assert person is not None
    before = snapshot(person)
    counts = (Person.objects.count(), Card.objects.count(), revision(vault))
    for href in ("jan-1.vcf", "new.vcf"):
        with pytest.raises(CardRejected) as caught:
            put(vault, alice, href, body)
        assert caught.value.status == status
        assert caught.value.precondition == "valid-address-data"
        assert words in caught.value.message
    assert snapshot(person) == before
    assert (Person.objects.count(), Card.objects.count(), revision(vault)) == counts
    card = Card.objects.get(pk=first.card.pk)
    assert (card.etag, card.text, card.revision) == (
        first.card.etag,
        first.card.text,
        first.card.revision,
    )


def test_a_refused_card_with_a_photo_leaves_no_file(
    vault: Vault, alice: User, settings: Any
) -> None:
    put(vault, alice, "jan-1.vcf", JAN)
    body = card_text("FN:Jan", "N:;Jan;;;", photo_line(png()), "UID:jan-1")
    with pytest.raises(CardRejected):
        put(vault, alice, "elsewhere.vcf", body)  # the UID is taken: 409 before any write
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


# --- versions and encodings ------------------------------------------------------------------


def test_vcard_21_quoted_printable(vault: Vault, alice: User) -> None:
    body = (
        b"BEGIN:VCARD\r\nVERSION:2.1\r\n"
        b"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen;;;\r\n"
        b"FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=BCrgen M=C3=BCller\r\n"
        b"TEL;CELL:+49 170 1234567\r\n"
        b"NOTE;ENCODING=QUOTED-PRINTABLE:Erste Zeile=0D=0A=\r\nzweite Zeile\r\n"
        b"X-ANDROID-CUSTOM;ENCODING=QUOTED-PRINTABLE:vnd.android=\r\n.cursor.item/nickname\r\n"
        b"END:VCARD\r\n"
    )
    result = put(vault, alice, "android.vcf", body)
    person = result.card.person
    assert person is not None
    assert (person.given_name, person.family_name) == ("Jürgen", "Müller")
    assert person.contact_methods.get().label == "mobile"
    assert Note.objects.get(person=person).body == "Erste Zeile\nzweite Zeile"
    served = lines_of(result.card.text)
    kept = "X-ANDROID-CUSTOM;ENCODING=QUOTED-PRINTABLE:vnd.android.cursor.item/nickname"
    assert served.count(kept) == 1  # unfolded: the soft line break is gone
    assert result.changed_by_server and result.card.uid == "android"
    converges(vault, alice, result)


def test_cp1252_body(vault: Vault, alice: User) -> None:
    body = card_text("N:Bront\xeb;Ren\xe9;;;", "FN:Ren\xe9 Bront\xeb", "UID:rene").encode("cp1252")
    result = put(vault, alice, "rene.vcf", body)
    person = result.card.person
    assert person is not None and (person.given_name, person.family_name) == ("René", "Brontë")
    assert result.changed_by_server  # we serve UTF-8
    converges(vault, alice, result)


def test_utf16_body(vault: Vault, alice: User) -> None:
    body = card_text("N:Çelik;Ayşe;;;", "FN:Ayşe Çelik", "UID:ayse").encode("utf-16")
    result = put(vault, alice, "ayse.vcf", body)
    person = result.card.person
    assert person is not None and (person.given_name, person.family_name) == ("Ayşe", "Çelik")
    assert result.changed_by_server
    converges(vault, alice, result)


def test_company_and_nameless_cards(vault: Vault, alice: User) -> None:
    company = put(
        vault,
        alice,
        "acme.vcf",
        card_text("FN:Acme B.V.", "N:;;;;", "ORG:Acme B.V.", "X-ABShowAs:COMPANY", "UID:acme"),
    )
    person = company.card.person
    assert person is not None and person.organisation == "Acme B.V."
    assert (person.given_name, person.family_name, person.nickname) == ("", "", "")
    assert lines_of(company.card.text).count("X-ABShowAs:COMPANY") == 1
    assert company.card.extra == ""
    converges(vault, alice, company)
    # only an email address: no name is made up (a nickname would land on the phone)
    android = put(vault, alice, "a.vcf", card_text("FN:", "EMAIL:ann@example.org", "UID:a"))
    person = android.card.person
    assert person is not None and (person.given_name, person.nickname) == ("", "")
    assert "FN:ann@example.org" in lines_of(android.card.text)
    converges(vault, alice, android)


def test_vcard_40(vault: Vault, alice: User) -> None:
    data = png("green")
    body = card_text(
        "KIND:individual",
        "FN:Sara de Wit",
        "N:de Wit;Sara;;;",
        "GENDER:F",
        "EMAIL;TYPE=work;PREF=1:sara@example.org",
        "TEL;VALUE=uri;TYPE=cell:tel:+31-6-1234-5678",
        "ANNIVERSARY:20150620",
        "BDAY:--0229",
        "PHOTO:data:image/png;base64," + vcard.base64.b64encode(data).decode(),
        "PRONOUNS:she/her",
        "UID:urn:uuid:5d3b1a2e-0000-4000-8000-000000000001",
        version="4.0",
    )
    result = put(vault, alice, "sara.vcf", body)
    person = result.card.person
    assert person is not None
    assert (person.given_name, person.particles, person.family_name) == ("Sara", "de", "Wit")
    assert person.pronouns == "she/her" and person.photo
    assert person.contact_methods.get(kind="phone").normalized == "+31612345678"
    dates = set(person.important_dates.values_list("kind", "month", "day", "year"))
    assert dates == {("anniversary", 6, 20, 2015), ("birthday", 2, 29, None)}
    assert result.card.extra == "KIND:individual\nGENDER:F"
    # a 4.0 client reads the card as 4.0: PUT that back and nothing changes
    text40 = store.card_text(result.card, "4.0")
    second = put(vault, alice, "sara.vcf", text40, existing=result.card)
    assert not second.changed_by_server
    assert (second.card.etag, second.card.revision) == (result.card.etag, result.card.revision)
    converges(vault, alice, result)


# --- delete ----------------------------------------------------------------------------------


def test_delete_moves_the_person_to_the_trash_and_leaves_a_tombstone(
    vault: Vault, alice: User
) -> None:
    result = put(vault, alice, "jan-1.vcf", JAN)
    person = result.card.person
    assert person is not None
    start = revision(vault)
    delete_card(card=result.card, user=alice)
    person.refresh_from_db()
    assert person.trashed_at is not None  # recoverable, not gone
    card = Card.objects.get(pk=result.card.pk)
    assert card.deleted and card.person_id is None and card.revision == start + 1
    assert not store.live_cards(vault.pk).exists()
    # the same href can be created again: the tombstone comes back to life
    again_result = put(vault, alice, "jan-1.vcf", JAN.replace("UID:jan-1", "UID:jan-1b"))
    assert again_result.created and again_result.card.pk == card.pk
    assert again_result.card.person_id != person.pk


def test_delete_of_a_card_whose_person_is_gone(vault: Vault, alice: User) -> None:
    result = put(vault, alice, "jan-1.vcf", JAN)
    person = result.card.person
    assert person is not None
    Person.objects.filter(pk=person.pk).delete()
    card = Card.objects.get(pk=result.card.pk)
    delete_card(card=card, user=alice)
    card.refresh_from_db()
    assert card.deleted and card.person_id is None


def test_put_to_a_card_whose_person_was_trashed_makes_a_new_person(
    vault: Vault, alice: User
) -> None:
    result = put(vault, alice, "jan-1.vcf", JAN)
    old = result.card.person
    assert old is not None
    Person.objects.filter(pk=old.pk).update(given_name="Changed")
    card = Card.objects.get(pk=result.card.pk)
    Person.objects.filter(pk=old.pk).delete()
    update = put(vault, alice, "jan-1.vcf", JAN, existing=card)
    assert not update.created and update.card.person_id not in (None, old.pk)
    assert update.card.uid == "jan-1" and not update.card.deleted


# --- cost ------------------------------------------------------------------------------------


def test_an_unchanged_put_is_a_handful_of_queries(
    vault: Vault, alice: User, django_assert_max_num_queries: Any
) -> None:
    result = put(vault, alice, "jan-1.vcf", JAN)
    body = result.card.text.encode()
    with django_assert_max_num_queries(16):
        put_card(vault=vault, user=alice, href="jan-1.vcf", body=body, existing=result.card)


# --- real cards ------------------------------------------------------------------------------

FIXTURES = Path(__file__).resolve().parents[1] / "exchange" / "fixtures"
# The vCard corpus of the import tests, when it is there (it is not part of the project).
CORPUS = Path(os.environ.get("AANDACHT_VCARD_CORPUS") or "/work/shared/corpus/vcards")


def single_cards(path: Path) -> list[bytes]:
    """The cards of a file one by one, as a client PUTs them (bytes as in the file)."""
    cards: list[bytes] = []
    current: list[bytes] | None = None
    for line in re.split(rb"(?<=\n)", path.read_bytes()):
        text = line.strip().upper()
        if text.endswith(b"BEGIN:VCARD"):
            current = [line]
        elif current is not None:
            current.append(line)
            if text == b"END:VCARD":
                cards.append(b"".join(current))
                current = None
    return cards


def real_files() -> list[Path]:
    files = sorted(FIXTURES.glob("*.vcf"))
    if CORPUS.is_dir():
        files += sorted(CORPUS.rglob("*.vcf"))
    return [f for f in files if not f.read_bytes().startswith((b"\xff\xfe", b"\xfe\xff"))]


def test_real_cards_are_stored_or_refused_and_converge(vault: Vault, alice: User) -> None:
    """Cards from Apple, Google, Android, Outlook, Thunderbird, RFC examples…: each is stored
    (or refused with a 4xx and a reason), and the served card PUT again changes nothing."""
    stored = 0
    for path in real_files():
        for number, body in enumerate(single_cards(path)):
            href = f"{path.stem}-{number}.vcf"
            # several files share UIDs (one person in many spellings): one address book each
            body = re.sub(rb"(?m)^UID:([^\r\n]*)", rb"UID:\1-" + href.encode(), body)
            try:
                result = put(vault, alice, href, body)
            except CardRejected as rejected:
                assert rejected.status in (400, 422), (path, number, rejected.message)
                assert rejected.precondition == "valid-address-data"
                continue
            stored += 1
            converges(vault, alice, result)
    assert stored >= 20


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_demo_cards_sent_back_change_nothing_they_do_not_say(alice: User, lang: str) -> None:
    """A phone that uploads every card it downloaded (a first two-way sync) changes nothing;
    one that adds a line of its own to each card changes only that: not a row of what
    Aandacht knows, even where the card cannot tell two stored values apart."""
    demo = load_demo(lang, owner=alice)
    start = store.refresh(demo)
    cards = list(store.live_cards(demo.pk).select_related("person"))
    assert len(cards) > 20
    people = {card.pk: snapshot(card.person) for card in cards if card.person is not None}
    for card in cards:
        result = put(demo, alice, card.href, card.text, existing=card)
        assert not result.created and not result.changed_by_server, card.text
        assert result.card.etag == card.etag
    assert revision(demo) == start
    for card in cards:
        text = card.text.replace("END:VCARD", "X-PHONE-SEEN:1\r\nEND:VCARD")
        result = put(demo, alice, card.href, text, existing=card)
        assert not result.changed_by_server, result.card.text
        assert result.card.extra == "X-PHONE-SEEN:1"
        assert card.person is not None
        after = snapshot(card.person)
        assert after == people[card.pk], (card.text, after)
