"""vCard export (aandacht.exchange.exporting): every field, both versions, read back twice.

Our own reader (``vcard.read_cards``) reads every export back; vobject, which address-book
software of the 3.0 era resembles most, is a second opinion on the 3.0 output.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from aandacht.accounts.models import Vault
from aandacht.exchange import exporting
from aandacht.exchange.exporting import export_vcards, person_to_card
from aandacht.exchange.vcard import Card, PartialDate, read_cards
from aandacht.people.editing import set_photo
from aandacht.people.lifecycle import trash_person
from aandacht.people.models import Address, Person, Tag
from aandacht.people.services import (
    add_contact_method,
    add_important_date,
    create_person,
)
from aandacht.timeline.services import add_note

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAAD0lEQVQIHQEEAPv/AP///wX+Av4DfRnGAAAAAElFTkSuQmCC"
)


def export(vault: Vault, version: str = "4.0", tag: Tag | None = None) -> tuple[str, int]:
    out = io.StringIO(newline="")
    count = export_vcards(vault, out, version=version, tag=tag)  # type: ignore[arg-type]
    return out.getvalue(), count


def read_back(text: str) -> list[Card]:
    cards, errors = read_cards(text)
    assert errors == []
    return cards


def by_name(cards: list[Card]) -> dict[str, Card]:
    return {card.formatted_name: card for card in cards}


def full_person(vault: Vault, alice: User) -> Person:
    """Someone with every field vCard can carry filled in."""
    person = create_person(
        vault,
        given_name="Frédérique",
        particles="van der",
        family_name="Berg",
        nickname="Fré",
        organisation="Gemeente Utrecht; Ruimte",
        job_title="Stedenbouwkundige",
        emails=["fre@example.nl"],
        phones=["+31 6 12345678"],
        tags=["Buren", "conference, 2024"],
    )
    Person.objects.filter(pk=person.pk).update(
        name_prefix="dr.", name_suffix="MSc", time_zone="Europe/Amsterdam", pronouns="zij/haar"
    )
    person.refresh_from_db()
    work = person.contact_methods.get(kind="email")
    work.label = "work"
    work.save()
    mobile = person.contact_methods.get(kind="phone")
    mobile.label = "mobiel"
    mobile.save()
    add_contact_method(person, "email", "frederique@thuis.example", label="Gym, evenings")
    add_contact_method(person, "phone", "030 123 4567", label="home")
    add_contact_method(person, "website", "https://fre.example/blog", label="werk")
    add_contact_method(person, "social", "https://mastodon.social/@fre")
    add_contact_method(person, "social", "https://www.linkedin.com/in/fre-berg", label="cv")
    Address.objects.create(
        person=person,
        label="thuis",
        street="Oudegracht 12\nachterhuis",
        postal_code="3511 AB",
        locality="Utrecht",
        region="Utrecht",
        country="Nederland",
    )
    Address.objects.create(person=person, label="Studio", street="Kanaalweg 1", locality="Delft")
    add_important_date(person, "birthday", 4, 15)
    add_important_date(person, "anniversary", 6, 1, 2012)
    add_important_date(person, "custom", 9, 3, 2019, label="started at the city")
    add_important_date(person, "custom", 2, 29, None, label="name day")
    add_note(vault, person, "Second, later note.", occurred_at=timezone.now())
    add_note(
        vault,
        person,
        "First note; with a line\nbreak.",
        occurred_at=timezone.now() - dt.timedelta(days=3),
    )
    add_note(vault, person, "PRIVATE: thinks of moving", private=True, author=alice)
    set_photo(person, io.BytesIO(PNG), len(PNG))
    person.refresh_from_db()
    return person


@pytest.mark.parametrize("version", ["4.0", "3.0"])
@pytest.mark.django_db
def test_every_field_survives_our_reader(vault: Vault, alice: User, version: str) -> None:
    person = full_person(vault, alice)
    text, count = export(vault, version)
    assert count == 1
    [card] = read_back(text)
    assert card.version == version
    assert card.formatted_name == "Frédérique van der Berg"
    assert (card.family, card.given, card.additional) == ("van der Berg", "Frédérique", "")
    assert (card.prefixes, card.suffixes) == ("dr.", "MSc")
    assert card.nicknames == ["Fré"]
    assert card.organisation == "Gemeente Utrecht; Ruimte"
    assert card.title == "Stedenbouwkundige"
    assert [(e.value, e.types, e.label) for e in card.emails] == [
        ("fre@example.nl", ["work"], ""),
        ("frederique@thuis.example", [], "Gym, evenings"),
    ]
    assert [(p.value, p.types, p.label) for p in card.phones] == [
        ("+31 6 12345678", ["cell"], "mobiel"),
        ("030 123 4567", ["home"], ""),
    ]
    assert [(u.value, u.types, u.label) for u in card.urls] == [
        ("https://fre.example/blog", ["work"], "werk")
    ]
    assert [(s.value, s.types, s.label) for s in card.socials] == [
        ("https://mastodon.social/@fre", ["mastodon"], ""),
        ("https://www.linkedin.com/in/fre-berg", ["linkedin"], "cv"),
    ]
    home, studio = card.addresses
    assert (home.street, home.postal_code, home.locality, home.region, home.country) == (
        "Oudegracht 12\nachterhuis",
        "3511 AB",
        "Utrecht",
        "Utrecht",
        "Nederland",
    )
    assert (home.types, home.label) == (["home"], "thuis")
    assert (studio.street, studio.locality, studio.types, studio.label) == (
        "Kanaalweg 1",
        "Delft",
        [],
        "Studio",
    )
    assert card.birthday == PartialDate(None, 4, 15)
    assert card.anniversary == PartialDate(2012, 6, 1)
    abdates = [line for line in card.extra if "X-ABDATE" in line.upper()]
    labels = [line for line in card.extra if "X-ABLABEL" in line.upper()]
    assert len(abdates) == 2 and len(labels) == 2
    assert any(line.endswith(":started at the city") for line in labels)
    assert any(line.endswith(":name day") for line in labels)
    if version == "4.0":
        assert {line.split(":", 1)[1] for line in abdates} == {"20190903", "--0229"}
        assert "PRONOUNS:zij/haar" in card.extra
    else:
        assert {line.split(":", 1)[1] for line in abdates} == {"2019-09-03", "1604-02-29"}
        assert "X-PRONOUNS:zij/haar" in card.extra
    assert card.photo is not None and card.photo.data == PNG and card.photo.mime == "image/png"
    assert card.note == "First note; with a line\nbreak.\n\nSecond, later note."
    assert card.categories == ["Buren", "conference, 2024"]
    assert card.time_zone == "Europe/Amsterdam"
    assert card.uid == person.uid or card.uid.startswith("urn:uuid:")
    assert re.fullmatch(r"\d{8}T\d{6}Z", card.rev)
    assert card.rev == person.updated_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


@pytest.mark.django_db
def test_private_notes_never_leave(vault: Vault, alice: User) -> None:
    person = create_person(vault, "Anna Smit")
    add_note(vault, person, "mine alone", private=True, author=alice)
    text, _count = export(vault)
    assert "mine alone" not in text
    assert "NOTE" not in text
    add_note(vault, person, "shared")
    [card] = read_back(export(vault)[0])
    assert card.note == "shared"


def lines_of(text: str) -> list[str]:
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")  # every line ends in CRLF, none in LF alone
    return text.split("\r\n")[:-1]


@pytest.mark.parametrize("version", ["4.0", "3.0"])
@pytest.mark.django_db
def test_lines_are_crlf_and_folded_at_75_octets_without_splitting_characters(
    vault: Vault, alice: User, version: str
) -> None:
    full_person(vault, alice)
    create_person(vault, "Zoë de Wit-Müller", organisation="Ünïcødé " * 20)
    text, _count = export(vault, version)
    for line in lines_of(text):
        assert len(line.encode("utf-8")) <= 75
    organisations = {card.organisation for card in read_back(text)}
    assert ("Ünïcødé " * 20).strip() in organisations


@pytest.mark.django_db
def test_yearless_birthday_in_both_versions(vault: Vault) -> None:
    person = create_person(vault, "Jeroen van de Ven")
    add_important_date(person, "birthday", 2, 29)
    four, _count = export(vault, "4.0")
    three, _count = export(vault, "3.0")
    assert "BDAY:--0229\r\n" in four
    assert "BDAY;X-APPLE-OMIT-YEAR=1604:1604-02-29\r\n" in three
    assert read_back(four)[0].birthday == PartialDate(None, 2, 29)
    assert read_back(three)[0].birthday == PartialDate(None, 2, 29)


@pytest.mark.django_db
def test_birthday_with_a_year(vault: Vault) -> None:
    person = create_person(vault, "Jeroen van de Ven")
    add_important_date(person, "birthday", 5, 17, 1984)
    assert "BDAY:19840517\r\n" in export(vault, "4.0")[0]
    assert "BDAY:1984-05-17\r\n" in export(vault, "3.0")[0]


@pytest.mark.django_db
def test_a_second_birthday_and_labelled_dates_become_x_abdate(vault: Vault) -> None:
    person = create_person(vault, "Twee Keer")
    add_important_date(person, "birthday", 1, 2, 1990)
    add_important_date(person, "birthday", 3, 4)
    add_important_date(person, "custom", 7, 8)
    text, _count = export(vault, "3.0")
    unfolded = text.replace("\r\n ", "")
    assert "BDAY:1990-01-02" in unfolded
    assert re.search(r"item\d+\.X-ABDATE;X-APPLE-OMIT-YEAR=1604:1604-03-04\r\n", unfolded)
    assert re.search(r"item\d+\.X-ABLabel:birthday\r\n", unfolded)
    assert "\r\nX-ABDATE;X-APPLE-OMIT-YEAR=1604:1604-07-08\r\n" in unfolded  # no label, no group


@pytest.mark.django_db
def test_trashed_people_are_left_out(vault: Vault) -> None:
    kept = create_person(vault, "Anna Smit")
    gone = create_person(vault, "Bert Weg")
    trash_person(gone)
    text, count = export(vault)
    assert count == 1
    assert [c.formatted_name for c in read_back(text)] == [kept.name]


@pytest.mark.django_db
def test_tag_filter_and_another_vaults_tag(vault: Vault, other_vault: Vault) -> None:
    speaker = create_person(vault, "Jeroen van de Ven", tags=["speaker"])
    create_person(vault, "Anna Smit", tags=["family"])
    create_person(vault, "Zonder Tag")
    tag = Tag.objects.get(vault=vault, name="speaker")
    text, count = export(vault, tag=tag)
    assert count == 1
    assert [c.formatted_name for c in read_back(text)] == [speaker.name]
    foreign = Tag.objects.create(vault=other_vault, name="speaker")
    with pytest.raises(ValueError):
        export(vault, tag=foreign)


@pytest.mark.django_db
def test_other_vaults_people_are_not_exported(vault: Vault, other_vault: Vault) -> None:
    create_person(vault, "Anna Smit")
    create_person(other_vault, "Mallory Geheim")
    text, count = export(vault)
    assert count == 1
    assert "Mallory" not in text


@pytest.mark.django_db
def test_people_come_in_name_order_across_batches(
    vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exporting, "PEOPLE_PER_BATCH", 3)
    for name in ["Denise van Iersel", "Anna Smit", "Jeroen Bakker", "Bram de Boer", "Cas Aap"]:
        create_person(vault, name)
    text, count = export(vault)
    assert count == 5
    assert [c.formatted_name for c in read_back(text)] == [
        "Cas Aap",
        "Jeroen Bakker",
        "Bram de Boer",
        "Denise van Iersel",
        "Anna Smit",
    ]


@pytest.mark.django_db
def test_an_empty_vault_exports_nothing(vault: Vault) -> None:
    assert export(vault) == ("", 0)


@pytest.mark.django_db
def test_uid_is_kept_or_derived_stably_and_never_stored(vault: Vault, other_vault: Vault) -> None:
    with_uid = create_person(vault, "Anna Smit")
    Person.objects.filter(pk=with_uid.pk).update(uid="apple-1234-ABCD")
    without = create_person(vault, "Bert de Boer")
    elsewhere = create_person(other_vault, "Bert de Boer")
    first = by_name(read_back(export(vault)[0]))
    again = by_name(read_back(export(vault)[0]))
    assert first["Anna Smit"].uid == "apple-1234-ABCD"
    derived = first["Bert de Boer"].uid
    assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", derived)
    assert again["Bert de Boer"].uid == derived
    assert read_back(export(other_vault)[0])[0].uid != derived
    without.refresh_from_db()
    elsewhere.refresh_from_db()
    assert without.uid == "" and elsewhere.uid == ""


@pytest.mark.django_db
def test_a_photo_missing_from_storage_is_left_out(vault: Vault) -> None:
    person = create_person(vault, "Anna Smit")
    set_photo(person, io.BytesIO(PNG), len(PNG))
    person.refresh_from_db()
    person.photo.storage.delete(person.photo.name)
    [card] = read_back(export(vault)[0])
    assert card.photo is None
    assert card.formatted_name == "Anna Smit"


@pytest.mark.parametrize("version", ["4.0", "3.0"])
@pytest.mark.django_db
def test_photo_encoding_per_version(vault: Vault, version: str) -> None:
    person = create_person(vault, "Anna Smit")
    set_photo(person, io.BytesIO(PNG), len(PNG))
    unfolded = export(vault, version)[0].replace("\r\n ", "")
    payload = base64.b64encode(PNG).decode("ascii")
    if version == "4.0":
        assert f"PHOTO:data:image/png;base64,{payload}\r\n" in unfolded
    else:
        assert f"PHOTO;ENCODING=b;TYPE=PNG:{payload}\r\n" in unfolded


@pytest.mark.django_db
def test_someone_known_only_by_organisation(vault: Vault) -> None:
    person = create_person(vault, "Tijdelijk")
    Person.objects.filter(pk=person.pk).update(given_name="", organisation="Bakkerij Bakker")
    [card] = read_back(export(vault, "3.0")[0])
    assert card.formatted_name == "Bakkerij Bakker"
    assert (card.family, card.given) == ("", "")


@pytest.mark.django_db
def test_person_to_card_without_prefetch(vault: Vault, alice: User) -> None:
    person = full_person(vault, alice)
    card = person_to_card(person, notes=["een"])
    assert card.note == "een"
    assert card.family == "van der Berg"
    assert [e.value for e in card.emails] == ["fre@example.nl", "frederique@thuis.example"]


# ---------------------------------------------------------------------------------------------
# Query counts: the same for 2 people as for 40 (one batch).


def crowd(vault: Vault, size: int) -> None:
    for number in range(size):
        person = create_person(
            vault,
            f"Persoon {number} van Dijk",
            emails=[f"p{number}@example.nl"],
            phones=[f"+31 6 {10000000 + number}"],
            tags=["team", f"t{number % 3}"],
        )
        add_important_date(person, "birthday", 1 + number % 12, 1 + number % 28)
        add_important_date(person, "custom", 3, 3, 2000, label="x")
        Address.objects.create(person=person, street=f"Straat {number}", locality="Delft")
        add_note(vault, person, f"note {number}")


@pytest.mark.parametrize("size", [2, 40])
@pytest.mark.django_db
def test_queries_do_not_grow_with_the_people_in_a_batch(
    vault: Vault, size: int, django_assert_max_num_queries: Any
) -> None:
    crowd(vault, size)
    tag = Tag.objects.get(vault=vault, name="team")
    with django_assert_max_num_queries(7):
        _text, count = export(vault, "4.0")
    assert count == size
    with django_assert_max_num_queries(7):
        _text, count = export(vault, "3.0", tag=tag)
    assert count == size


# ---------------------------------------------------------------------------------------------
# vobject as a second opinion on vCard 3.0.


def vobject_cards(text: str) -> list[Any]:
    vobject = pytest.importorskip("vobject")
    return list(vobject.readComponents(text))


@pytest.mark.django_db
def test_vobject_reads_our_30_export(vault: Vault, alice: User) -> None:
    full_person(vault, alice)
    create_person(vault, "Zoë de Wit-Müller", emails=["zoe@example.nl"], tags=["a;b", "c\\d"])
    text, count = export(vault, "3.0")
    parsed = vobject_cards(text)
    assert len(parsed) == count == 2
    fre = next(c for c in parsed if c.fn.value == "Frédérique van der Berg")
    assert fre.n.value.family == "van der Berg"
    assert fre.n.value.given == "Frédérique"
    assert fre.n.value.prefix == "dr."
    assert fre.n.value.suffix == "MSc"
    assert fre.nickname.value == "Fré"
    assert fre.org.value == ["Gemeente Utrecht; Ruimte"]
    assert fre.title.value == "Stedenbouwkundige"
    assert [e.value for e in fre.contents["email"]] == [
        "fre@example.nl",
        "frederique@thuis.example",
    ]
    assert [t.value for t in fre.contents["tel"]] == ["+31 6 12345678", "030 123 4567"]
    assert fre.contents["tel"][0].params["TYPE"] == ["cell"]
    home = fre.contents["adr"][0].value
    assert (home.street, home.code, home.city, home.country) == (
        "Oudegracht 12\nachterhuis",
        "3511 AB",
        "Utrecht",
        "Nederland",
    )
    assert fre.bday.value == "1604-04-15"
    assert fre.bday.params["X-APPLE-OMIT-YEAR"] == ["1604"]
    assert fre.note.value == "First note; with a line\nbreak.\n\nSecond, later note."
    assert fre.categories.value == ["Buren", "conference, 2024"]
    assert fre.photo.value == PNG
    labels = sorted(label.value for label in fre.contents["x-ablabel"])
    assert labels == sorted(["Gym, evenings", "mobiel", "werk", "cv", "thuis", "Studio",
                             "started at the city", "name day"])  # fmt: skip
    zoe = next(c for c in parsed if c.fn.value == "Zoë de Wit-Müller")
    assert zoe.n.value.family == "de Wit-Müller"
    assert zoe.categories.value == ["a;b", "c\\d"]


@pytest.mark.django_db
def test_accents_and_particles_in_names(vault: Vault) -> None:
    for name in [
        "Zoë de Wit-Müller",
        "Jan in 't Veld",
        "Ǆemal Šarić",
        "李 小龙",
        "Åse ter Ødegård",
    ]:
        create_person(vault, name)
    for version in ("4.0", "3.0"):
        cards = by_name(read_back(export(vault, version)[0]))
        assert cards["Jan in 't Veld"].family == "in 't Veld"
        assert cards["Åse ter Ødegård"].family == "ter Ødegård"
        assert cards["Zoë de Wit-Müller"].given == "Zoë"
        assert "Ǆemal Šarić" in cards and "李 小龙" in cards


@pytest.mark.parametrize(
    ("kind", "label", "expected"),
    [
        ("email", "work", (["work"], "")),
        ("email", "Work", (["work"], "Work")),
        ("email", "werk", (["work"], "werk")),
        ("email", "privé", (["home"], "privé")),
        ("phone", "mobile", (["cell"], "")),
        ("phone", "mobiel", (["cell"], "mobiel")),
        ("phone", "fax", (["fax"], "")),
        ("phone", "work fax", ([], "work fax")),
        ("email", "mobile", ([], "mobile")),
        ("social", "home", ([], "home")),
        ("address", " home ", (["home"], "")),
        ("website", "", ([], "")),
    ],
)
def test_labels_become_types_and_apple_labels(
    kind: str, label: str, expected: tuple[list[str], str]
) -> None:
    assert exporting.vcard_types(kind, label) == expected


@pytest.mark.django_db
def test_derived_uid_from_the_columns_alone(vault: Vault) -> None:
    person = create_person(vault, "Anna Smit")
    row = Person.objects.filter(pk=person.pk).values_list("vault_id", "pk", "created_at").get()
    assert exporting.derived_uid_for(*row) == exporting.derived_uid(person)


# ---------------------------------------------------------------------------------------------
# ORG, instant messaging, labelled birthdays, CATEGORIES and ADR escaping.


def unfolded_lines(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


@pytest.mark.parametrize("version", ["4.0", "3.0"])
@pytest.mark.django_db
def test_org_is_one_escaped_component(vault: Vault, version: str) -> None:
    # The organisation is one component, its ; and , escaped (the department, when there is
    # one, is the second: test_export_vcard_fixes.py).
    create_person(vault, "Anna Smit", organisation="Acme; Sales, Inc. \\ NL")
    text, _count = export(vault, version)
    assert "ORG:Acme\\; Sales\\, Inc. \\\\ NL" in unfolded_lines(text)
    [card] = read_back(text)
    assert (card.organisation, card.departments) == ("Acme; Sales, Inc. \\ NL", [])


@pytest.mark.parametrize(
    ("service", "value", "label", "uri", "legacy"),
    [
        ("other", "anna.smit", "Skype", "skype:anna.smit", "X-SKYPE"),
        ("other", "live:.cid.12ab", "skype", "skype:live:.cid.12ab", "X-SKYPE"),
        ("other", "skype:anna.smit", "", "skype:anna.smit", "X-SKYPE"),
        ("other", "SKYPE:anna", "work", "skype:anna", "X-SKYPE"),
        ("other", "anna@jabber.org", "Jabber", "xmpp:anna@jabber.org", "X-JABBER"),
        ("other", "xmpp:anna@jabber.org", "XMPP", "xmpp:anna@jabber.org", "X-JABBER"),
        ("other", "anna@gmail.com", "Google Talk", "xmpp:anna@gmail.com", "X-GTALK"),
        ("", "12345678", "ICQ", "icq:12345678", "X-ICQ"),
        ("other", "sip:anna@voip.example", "", "sip:anna@voip.example", ""),
        ("other", "@anna:matrix.org", "Matrix", "matrix:@anna:matrix.org", ""),
    ],
)
def test_im_handles_are_recognised(
    service: str, value: str, label: str, uri: str, legacy: str
) -> None:
    found = exporting.im_handle(service, value, label)
    assert found is not None
    assert (found.uri, found.handle, found.service.legacy) == (uri, uri.split(":", 1)[1], legacy)


@pytest.mark.parametrize(
    ("service", "value", "label"),
    [
        ("other", "https://join.skype.com/invite/abc", "Skype"),  # a web address
        ("linkedin", "https://www.linkedin.com/in/anna", "Skype"),  # a known network
        ("other", "anna.smit", ""),  # no scheme, no service in the label
        ("other", "anna.smit", "Skype werk"),  # a label that is not just the service
        ("other", "skype:", "Skype"),  # a scheme without a handle is what the label says
        ("other", "   ", "Skype"),
        ("other", "mailto:anna@example.org", ""),
    ],
)
def test_what_is_not_an_im_handle(service: str, value: str, label: str) -> None:
    found = exporting.im_handle(service, value, label)
    if value == "skype:":
        assert found is not None and found.uri == "skype:skype:"  # the label decides
    else:
        assert found is None


@pytest.mark.django_db
def test_skype_is_impp_in_40_and_impp_plus_x_skype_in_30(vault: Vault) -> None:
    person = create_person(vault, "Anna Smit")
    add_contact_method(person, "social", "anna.smit", label="Skype")
    add_contact_method(person, "social", "xmpp:anna@jabber.org", label="chat, werk")
    add_contact_method(person, "social", "https://github.com/anna")
    four = unfolded_lines(export(vault, "4.0")[0])
    three = unfolded_lines(export(vault, "3.0")[0])
    for lines in (four, three):
        assert "IMPP;X-SERVICE-TYPE=Skype:skype:anna.smit" in lines  # the scheme names it
        assert not any("X-SOCIALPROFILE" in line and "anna.smit" in line for line in lines)
        [xmpp] = [line for line in lines if "IMPP" in line and "xmpp:" in line]
        group = xmpp.split(".", 1)[0]
        assert re.fullmatch(r"item\d+", group)
        assert xmpp == f"{group}.IMPP;X-SERVICE-TYPE=Jabber:xmpp:anna@jabber.org"
        assert f"{group}.X-ABLabel:chat\\, werk" in lines
        assert "X-SOCIALPROFILE;TYPE=github:https://github.com/anna" in lines
    assert "X-SKYPE:anna.smit" in three and "X-JABBER:anna@jabber.org" in three
    assert not any(line.startswith(("X-SKYPE", "X-JABBER")) for line in four)
    for text in (export(vault, "4.0")[0], export(vault, "3.0")[0]):
        [card] = read_back(text)
        assert [(v.value, v.label) for v in card.impps] == [
            ("skype:anna.smit", ""),
            ("xmpp:anna@jabber.org", "chat, werk"),
        ]
        assert [v.value for v in card.socials] == ["https://github.com/anna"]


@pytest.mark.django_db
def test_vobject_reads_impp_and_x_skype(vault: Vault) -> None:
    person = create_person(vault, "Anna Smit")
    add_contact_method(person, "social", "anna.smit", label="Skype")
    [card] = vobject_cards(export(vault, "3.0")[0])
    assert card.impp.value == "skype:anna.smit"
    assert card.impp.params["X-SERVICE-TYPE"] == ["Skype"]
    assert card.x_skype.value == "anna.smit"


@pytest.mark.parametrize("version", ["4.0", "3.0"])
@pytest.mark.django_db
def test_a_labelled_birthday_and_anniversary_keep_their_label_in_a_group(
    vault: Vault, version: str
) -> None:
    person = create_person(vault, "Anna Smit")
    add_contact_method(person, "email", "anna@example.org", label="Gym")
    add_important_date(person, "birthday", 3, 4, 1980, label="geboortedag")
    add_important_date(person, "anniversary", 5, 6, None, label="trouwdag, kerk")
    add_important_date(person, "custom", 7, 8, 2001, label="first met")
    text, _count = export(vault, version)
    lines = unfolded_lines(text)
    [bday] = [line for line in lines if "BDAY" in line]
    [anniversary] = [line for line in lines if "ANNIVERSARY" in line]
    if version == "4.0":
        assert bday.endswith(".BDAY:19800304")
        assert anniversary.endswith(".ANNIVERSARY:--0506")
    else:
        assert bday.endswith(".BDAY:1980-03-04")
        assert anniversary.endswith(".X-ANNIVERSARY;X-APPLE-OMIT-YEAR=1604:1604-05-06")
    groups = [line.split(".", 1)[0] for line in lines if re.match(r"item\d+\.", line)]
    bday_group, anniversary_group = bday.split(".", 1)[0], anniversary.split(".", 1)[0]
    assert f"{bday_group}.X-ABLabel:geboortedag" in lines
    assert f"{anniversary_group}.X-ABLabel:trouwdag\\, kerk" in lines
    # Every group is one property and its label: no number is used twice.
    assert all(groups.count(group) == 2 for group in groups)
    [card] = read_back(text)
    assert card.birthday == PartialDate(1980, 3, 4)
    assert card.anniversary == PartialDate(None, 5, 6)
    assert [e.label for e in card.emails] == ["Gym"]


@pytest.mark.django_db
def test_an_unlabelled_birthday_stays_a_plain_bday(vault: Vault) -> None:
    person = create_person(vault, "Anna Smit")
    add_important_date(person, "birthday", 3, 4, 1980)
    add_important_date(person, "anniversary", 5, 6, 2010)
    lines = unfolded_lines(export(vault, "4.0")[0])
    assert "BDAY:19800304" in lines and "ANNIVERSARY:20100506" in lines
    assert not any("X-ABLabel" in line for line in lines)


@pytest.mark.django_db
def test_vobject_reads_a_grouped_bday(vault: Vault) -> None:
    person = create_person(vault, "Anna Smit")
    add_important_date(person, "birthday", 3, 4, 1980, label="geboortedag")
    [card] = vobject_cards(export(vault, "3.0")[0])
    assert card.bday.value == "1980-03-04"
    assert card.bday.group == card.x_ablabel.group
    assert card.x_ablabel.value == "geboortedag"


@pytest.mark.parametrize("version", ["4.0", "3.0"])
@pytest.mark.django_db
def test_commas_in_tags_and_line_breaks_in_streets_are_escaped(vault: Vault, version: str) -> None:
    person = create_person(vault, "Anna Smit", tags=["klant, groot", "a;b", "c\\d"])
    Address.objects.create(
        person=person, label="Home", street="Oudegracht 12\r\nachterhuis\n2e etage"
    )
    lines = unfolded_lines(export(vault, version)[0])
    assert "CATEGORIES:a\\;b,c\\\\d,klant\\, groot" in lines
    [adr] = [line for line in lines if ".ADR" in line or line.startswith("ADR")]
    assert adr.endswith(":;;Oudegracht 12\\nachterhuis\\n2e etage;;;;")
    assert "TYPE=home" in adr  # "Home" is the vCard type; the label keeps its own case
    [card] = read_back(export(vault, version)[0])
    assert card.categories == ["a;b", "c\\d", "klant, groot"]
    assert card.addresses[0].street == "Oudegracht 12\nachterhuis\n2e etage"
    assert card.addresses[0].label == "Home"
