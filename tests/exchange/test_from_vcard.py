"""vCard → import Record (aandacht.exchange.from_vcard) on hand-written fixtures.

The fixtures in tests/exchange/fixtures are our own, written after RFC 2426, RFC 6350, the
vCard 2.1 specification and what Apple Contacts, Google Contacts, Outlook, Android and
Thunderbird write (apple_contacts.vcf, outlook21_qp.vcf, android21.vcf, thunderbird.vcf,
good_and_bad.vcf, plus the reader's own fixtures).
"""

from __future__ import annotations

import base64
import io
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aandacht.exchange import vcard
from aandacht.exchange.from_vcard import image_type, records_from_vcards
from aandacht.exchange.records import (
    Problem,
    Record,
    RecordAddress,
    RecordDate,
)
from aandacht.people import names

FIXTURES = Path(__file__).parent / "fixtures"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAAD0lEQVQIHQEEAPv/AP///wX+Av4DfRnGAAAAAElFTkSuQmCC"
)


def items(data: bytes | str) -> list[Record | Problem]:
    return list(records_from_vcards(data.encode() if isinstance(data, str) else data))


def fixture(name: str) -> list[Record | Problem]:
    with (FIXTURES / name).open("rb") as stream:
        return list(records_from_vcards(stream))


def records(found: list[Record | Problem]) -> list[Record]:
    return [item for item in found if isinstance(item, Record)]


def problems(found: list[Record | Problem]) -> list[Problem]:
    return [item for item in found if isinstance(item, Problem)]


def card(*lines: str, version: str = "3.0") -> bytes:
    body = "\r\n".join(("BEGIN:VCARD", f"VERSION:{version}", *lines, "END:VCARD"))
    return (body + "\r\n").encode()


def one(*lines: str, version: str = "3.0") -> Record:
    found = items(card(*lines, version=version))
    assert len(found) == 1, found
    assert isinstance(found[0], Record), found[0]
    return found[0]


def contacts(record: Record) -> list[tuple[str, str, str, str]]:
    return [(c.kind, c.value, c.label, c.service) for c in record.contacts]


# Whole files, vendor by vendor ------------------------------------------------------------------


def test_apple_contacts_export() -> None:
    found = fixture("apple_contacts.vcf")
    assert [type(i).__name__ for i in found] == ["Record", "Record", "Problem", "Record"]
    jeroen, company, group, sanne = found
    assert isinstance(jeroen, Record) and isinstance(company, Record)
    assert isinstance(group, Problem) and isinstance(sanne, Record)
    assert jeroen.number == 1
    assert (jeroen.given_name, jeroen.particles, jeroen.family_name) == (
        "Jeroen",
        "van der",
        "Berg",
    )
    assert (jeroen.name_prefix, jeroen.name_suffix) == ("dr.", "jr.")
    assert (jeroen.organisation, jeroen.department) == ("Brouwerij De Zon", "Verkoop")
    assert jeroen.job_title == "Brouwmeester"
    assert contacts(jeroen) == [
        ("email", "jeroen@example.nl", "other", ""),  # item1 with _$!<Other>!$_
        ("email", "jeroen.thuis@example.nl", "home", ""),
        ("phone", "+31 6 1234 5678", "mobile", ""),  # _$!<Mobile>!$_
        ("phone", "+31 6 8765 4321", "iPhone", ""),  # type=IPHONE;type=CELL;type=VOICE
        ("phone", "+31 20 555 0101", "Brouwerij", ""),  # a custom X-ABLabel, as written
        ("phone", "+31 20 555 0102", "home fax", ""),
        ("social", "https://www.linkedin.com/in/jeroenvdberg", "homepage", "linkedin"),
        ("website", "https://brouwerij.example.nl", "homepage", ""),
        ("social", "https://x.com/jvdberg", "", "twitter"),  # x-apple:jvdberg with type=twitter
        ("social", "https://mastodon.social/@jeroen", "", "mastodon"),
        ("social", "skype:jeroen.vdberg", "Skype", "other"),  # IMPP
    ]
    assert jeroen.addresses == [
        RecordAddress(
            "home", "Prinsengracht 263\nAchterhuis", "1016 GV", "Amsterdam", "", "Nederland"
        )
    ]
    assert jeroen.dates == [
        RecordDate("birthday", 4, 15, None),  # X-APPLE-OMIT-YEAR=1604
        RecordDate("anniversary", 6, 1, 2012),  # X-ABDATE with _$!<Anniversary>!$_
        RecordDate("custom", 9, 30, None, "Naamdag"),
    ]
    # item9.X-ABRELATEDNAMES with _$!<Spouse>!$_: kept as a line of the note
    assert jeroen.note == "Ontmoet op de bierbeurs; houdt van tripel.\n\nSpouse: Anne"
    assert jeroen.tags == ["Bier", "vrienden"]  # trimmed, empty dropped, deduplicated
    assert jeroen.time_zone == "Europe/Amsterdam"
    assert jeroen.photo is not None and jeroen.photo.mime == "image/jpeg"
    assert jeroen.photo.data.startswith(b"\xff\xd8\xff")
    assert jeroen.uid == "8F3C0A2E-1B1D-4E4B-9A37-6A1F7E2B5C11"

    # X-ABShowAs:COMPANY: the organisation names the card, FN is not split into a person's name
    assert (company.number, company.given_name, company.family_name) == (2, "", "")
    assert company.organisation == "Brouwerij De Zon"
    assert contacts(company) == [("phone", "+31 20 555 0100", "main", "")]

    assert group.record == 3 and group.code == "group"
    assert "Bierliefhebbers" in group.reason and "line 61" in group.reason

    assert sanne.number == 4
    assert sanne.dates == [RecordDate("birthday", 2, 29, None)]  # X-ABDATE:2019-11 dropped


def test_apple_cr_cr_lf_fixture() -> None:
    [anna] = records(fixture("v30_apple_crcrlf.vcf"))
    assert (anna.given_name, anna.particles, anna.family_name) == ("Anna Maria", "de", "Vries")
    assert anna.nickname == "Annie, An"
    assert (anna.organisation, anna.department) == ("Acme, Inc.", "Sales, East")
    assert ("email", "anna.private@example.org", "Tennis club", "") in contacts(anna)
    assert ("website", "http://www.example.com/anna", "homepage", "") in contacts(anna)
    assert ("social", "http://twitter.com/annadv", "", "twitter") in contacts(anna)
    assert anna.addresses[0].street == "Kerkstraat 1\nAchterhuis"
    assert anna.dates == [RecordDate("birthday", 4, 15), RecordDate("anniversary", 6, 1, 2010)]
    assert anna.tags == ["friends", "work"]
    assert anna.note == "Met at the conference; likes tea, not coffee.\nSecond line \\ backslash"


def test_google_contacts_export() -> None:
    jan, zoe = fixture("v30_google.vcf")
    assert isinstance(jan, Record) and isinstance(zoe, Record)
    assert (jan.given_name, jan.particles, jan.family_name) == ("Jan", "van der", "Berg")
    assert contacts(jan) == [
        ("email", "jan@example.nl", "home", ""),  # TYPE=INTERNET;TYPE=HOME
        ("email", "jan.vdberg@work.example", "work", ""),  # TYPE=INTERNET,WORK
        ("phone", "06-12345678", "mobile", ""),
        ("phone", "+31 10 000 0000", "Boot", ""),
    ]
    assert jan.dates == [RecordDate("birthday", 4, 15, None)]  # --04-15
    assert jan.photo is None  # PHOTO;VALUE=uri is not fetched, and not an error
    assert jan.tags == ["Familie"]  # Google's system group "myContacts" is no tag
    assert zoe.number == 2
    assert (zoe.given_name, zoe.family_name) == ("Zoë", "Ångström")
    assert zoe.dates == [RecordDate("birthday", 2, 28, 1990)]


def test_google_labels() -> None:
    record = one(
        "FN:Greg Dartmouth",
        "N:Dartmouth;Greg;;;",
        "item1.TEL:555 555 2222",
        "item1.X-ABLabel:GRAND_CENTRAL",
        "item2.URL:http\\://theprofile.example.com",
        "item2.X-ABLabel:PROFILE",
        "item3.X-ABDATE:1970-06-02",
        "item3.X-ABLabel:_$!<Anniversary>!$_",
        "X-SOCIALPROFILE;TYPE=linkedin:https://www.linkedin.com/in/gregd",
    )
    assert contacts(record) == [
        ("phone", "555 555 2222", "grand central", ""),
        ("website", "http://theprofile.example.com", "profile", ""),
        ("social", "https://www.linkedin.com/in/gregd", "", "linkedin"),
    ]
    assert record.dates == [RecordDate("anniversary", 6, 2, 1970)]


def test_outlook_21_quoted_printable_windows_1252() -> None:
    [renee] = fixture("outlook21_qp.vcf")
    assert isinstance(renee, Record)
    # particles typed as the middle name, as Outlook users in the Netherlands do
    assert (renee.given_name, renee.particles, renee.family_name) == ("Renée", "van den", "Boër")
    assert renee.name_prefix == "Mevr."
    assert (renee.organisation, renee.department) == ("Gemeente Utrecht", "Cultuur")
    assert contacts(renee) == [
        ("email", "renee.vandenboer@example.nl", "", ""),
        ("phone", "030 286 0000", "work", ""),  # TEL;WORK;VOICE
        ("phone", "06 2345 6789", "mobile", ""),  # TEL;CELL;VOICE
        ("phone", "030 123 4567", "home fax", ""),
        ("website", "https://www.utrecht.nl", "work", ""),
        ("social", "renee@im.example.nl", "IM", "other"),  # X-MS-IMADDRESS
    ]
    # the work LABEL repeats the work ADR; the home LABEL has no ADR, so it becomes one
    assert renee.addresses == [
        RecordAddress("work", "Stadsplateau 1", "3521 AZ", "Utrecht", "", "Nederland"),
        RecordAddress("home", "Caféstraat 7, 3512 AB Utrecht"),
    ]
    assert renee.dates == [
        RecordDate("birthday", 7, 23, 1979),
        RecordDate("anniversary", 5, 14, 2005),  # X-MS-ANNIVERSARY
    ]
    assert renee.note == "Café na de vergadering\nTweede regel"


def test_outlook_21_fixture_of_the_reader() -> None:
    juergen, piet = fixture("v21_outlook.vcf")
    assert isinstance(juergen, Record) and isinstance(piet, Record)
    assert (juergen.given_name, juergen.family_name, juergen.name_prefix) == (
        "Jürgen",
        "Müller",
        "Dr.",
    )
    assert (juergen.organisation, juergen.department) == ("Brouwerij De Zon", "Inkoop")
    assert juergen.addresses == [
        RecordAddress("work", "Straße 1", "50667", "Köln", "", "Deutschland")
    ]
    assert juergen.photo is not None and juergen.photo.mime == "image/jpeg"
    assert (piet.number, piet.given_name, piet.family_name) == (2, "Piet", "Jansen")


def test_android_21_export() -> None:
    ayse, nameless = fixture("android21.vcf")
    assert isinstance(ayse, Record) and isinstance(nameless, Record)
    assert (ayse.given_name, ayse.family_name) == ("Ayşe", "Öztürk")
    # a soft line break followed by a blank line ends the value: ORG and NOTE stay apart
    assert ayse.organisation == "Öztürk Bakkerij"
    assert ayse.note == "Bakt de lekkerste simit"
    assert contacts(ayse) == [
        ("email", "ayse@example.com", "home", ""),
        ("phone", "+31612345000", "mobile", ""),  # TEL;CELL;PREF
        ("phone", "+31101234567", "home", ""),
        ("phone", "+31687654000", "werk mobiel", ""),  # Android's custom label TEL;X-…
    ]
    assert ayse.tags == []  # "My Contacts" is Android's everyone-group
    # Android writes contacts that have only an email address: the importer names them
    assert not nameless.has_name()
    assert contacts(nameless) == [("email", "only.an.address@example.com", "home", "")]


def test_thunderbird_export() -> None:
    [pieter] = fixture("thunderbird.vcf")
    assert isinstance(pieter, Record)
    assert (pieter.given_name, pieter.particles, pieter.family_name) == ("Pieter", "de", "Wit")
    assert pieter.nickname == "Piet"
    assert contacts(pieter) == [
        ("email", "pieter@example.org", "", ""),  # TYPE=PREF,INTERNET: no label
        ("email", "p.dewit@work.example", "work", ""),
        ("phone", "+31 30 111 2222", "work", ""),  # TYPE=WORK,VOICE
        ("phone", "+31 6 3333 4444", "mobile", ""),
        ("social", "https://github.com/pdewit", "work", "github"),
        ("website", "https://pieter.example.org", "home", ""),
    ]
    assert pieter.tags == ["linux", "meetups"]  # escaped commas split, "Linux" deduplicated
    assert pieter.dates == [
        RecordDate("birthday", 1, 31, 1990),
        RecordDate("anniversary", 8, 22, 2015),
    ]
    assert pieter.photo is None  # by URI
    assert pieter.time_zone == ""  # "+01:00" is an offset, not a time zone


def test_rfc_6350_example() -> None:
    simon, by_reference = fixture("v40_rfc6350.vcf")
    assert isinstance(simon, Record) and isinstance(by_reference, Record)
    assert (simon.given_name, simon.family_name) == ("Simon", "Perreault")
    assert simon.name_suffix == "ing. jr, M.Sc."  # N suffixes are a comma-separated list
    assert simon.addresses == [
        RecordAddress("work", "2875 Laurier\nSuite D2-630", "G1V 2M2", "Quebec", "QC", "Canada")
    ]
    assert ("phone", "+1-418-262-6501", "work mobile", "") in contacts(simon)
    assert ("social", "xmpp:simon@example.com", "XMPP", "other") in contacts(simon)
    assert simon.dates == [RecordDate("birthday", 2, 3), RecordDate("anniversary", 8, 8, 2009)]
    assert simon.photo is not None and simon.photo.mime == "image/png"
    assert simon.photo.data == PNG
    assert simon.time_zone == ""  # TZ:-0500
    assert simon.uid == "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6"
    assert simon.note == "Comma, semicolon; backslash\\ and\nnew line"
    assert by_reference.dates == []  # BDAY;VALUE=text:circa 1800 is no date
    assert by_reference.photo is None


@pytest.mark.parametrize("name", ["utf8_bom.vcf", "utf16_bom.vcf"])
def test_byte_order_marks(name: str) -> None:
    [emile] = fixture(name)
    assert isinstance(emile, Record)
    assert (emile.given_name, emile.family_name) == ("Émile", "Zola")


# Good and bad cards ------------------------------------------------------------------------------


def test_one_good_and_one_bad_card() -> None:
    good, bad = fixture("good_and_bad.vcf")
    assert isinstance(good, Record) and isinstance(bad, Problem)
    assert (good.number, good.given_name, good.family_name) == (1, "Goed", "Kaartje")
    assert (bad.record, bad.code) == (2, "no_end")
    assert bad.reason == "the card has no END:VCARD (the file ends inside it) (line 7)"


def test_broken_file_numbers_every_card_by_its_position() -> None:
    found = fixture("broken.vcf")
    summary = [(i.number, "record") if isinstance(i, Record) else (i.record, i.code) for i in found]
    assert summary == [
        (0, "outside"),  # two lines before the first card: record 0 is "not in a card"
        (1, "record"),
        (2, "not_a_property"),  # one line of card 2 skipped; the card itself is read
        (2, "record"),
        (3, "nameless"),
        (4, "no_end"),  # card 4 never ends; card 5 after it keeps its own number
        (5, "record"),
        (6, "no_end"),
    ]
    reasons = {p.record: p.reason for p in problems(found)}
    assert reasons[0] == "2 lines outside BEGIN:VCARD … END:VCARD were ignored (line 1)"
    assert reasons[2].startswith("a line that is no vCard property was skipped: “")
    assert reasons[2].endswith("” (line 11)")
    assert reasons[3] == "the card has no name, email address or phone number (line 14)"
    # Never the place first: the web and the CLI put "Card 3" in front themselves.
    assert not any(reason.lower().startswith(("line", "card")) for reason in reasons.values())


def test_empty_card_is_a_problem() -> None:
    [problem] = items(card("N:;;;;", "FN:"))
    assert problem == Problem(
        1,
        "empty",
        "the card has nothing to import: no name, organisation, contact detail, "
        "address, date or note (line 1)",
    )


def test_kind_group_is_not_a_person() -> None:
    [problem] = items(card("KIND:group", "FN:Book club", "MEMBER:urn:uuid:1", version="4.0"))
    assert isinstance(problem, Problem) and problem.code == "group"


def test_binary_file_gives_problems_and_no_records() -> None:
    found = items(bytes(range(256)) * 20)
    assert records(found) == []
    assert {p.code for p in problems(found)} == {"outside"}


def test_bytes_and_file_objects_give_the_same() -> None:
    data = (FIXTURES / "apple_contacts.vcf").read_bytes()
    assert list(records_from_vcards(data)) == list(records_from_vcards(io.BytesIO(data)))


def test_reading_streams_with_bounded_memory() -> None:
    """100,000 cards would be ~60 MB; cards are produced and dropped one at a time."""
    one_card = card(
        "FN:Anna de Vries",
        "N:de Vries;Anna;;;",
        "EMAIL;TYPE=work:anna@example.com",
        "TEL;TYPE=cell:+31 6 1234 5678",
        "NOTE:" + "x" * 400,
    )

    class Endless(io.RawIOBase):
        """A file of ``count`` cards that is never in memory as a whole."""

        def __init__(self, count: int) -> None:
            self.chunks: Iterator[bytes] = (one_card for _ in range(count))
            self.handed_out = 0

        def readable(self) -> bool:
            return True

        def read(self, size: int = -1) -> bytes:
            chunk = next(self.chunks, b"")
            self.handed_out += len(chunk)
            return chunk

    stream = Endless(100_000)
    found = records_from_vcards(stream)  # type: ignore[arg-type]
    first = next(found)
    assert isinstance(first, Record) and first.number == 1
    assert stream.handed_out < 200_000  # lazily: only the start of the file was read

    count = 1
    tracemalloc.start()
    try:
        for item in found:
            assert isinstance(item, Record)
            count += 1
            if count == 5_000:
                break
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 5_000
    assert peak < 1_000_000


# Names -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "fn", "expected"),
    [
        ("van der Berg;Jan;;;", "", ("Jan", "van der", "Berg")),
        ("de Vries;Anna;;;", "", ("Anna", "de", "Vries")),
        ("De Smet;Lieven;;;", "", ("Lieven", "De", "Smet")),  # kept as written
        ("Berg, van den;Jan;;;", "", ("Jan", "van den", "Berg")),  # phone-book order
        ("Berg;Jan;van den;;", "", ("Jan", "van den", "Berg")),  # particles as middle name
        ("Berg;Jan;;;", "Jan van den Berg", ("Jan", "van den", "Berg")),  # only in FN
        ("Smit;Anna;Maria;;", "Anna Maria Smit", ("Anna Maria", "", "Smit")),
        ("Doe;John;Richter,James;;", "", ("John Richter James", "", "Doe")),  # list of names
        ("van;Jan;;;", "", ("Jan", "", "van")),  # a particle alone is the family name
        ("ter Horst-van Dijk;Eva;;;", "", ("Eva", "ter", "Horst-van Dijk")),
        (";Cher;;;", "Cher", ("Cher", "", "")),
        (";Jan van der Berg;;;", "", ("Jan", "van der", "Berg")),  # the whole name in given
        (";Mary Ann;;;", "Mary Ann", ("Mary Ann", "", "")),
        ("", "Jeroen van de Ven", ("Jeroen", "van de", "Ven")),  # no N: FN is split
        (";;;;", "Maria de la Cruz", ("Maria", "de la", "Cruz")),  # empty N: FN is split
        ("", "Madonna", ("Madonna", "", "")),
    ],
)
def test_names_and_particles(n: str, fn: str, expected: tuple[str, str, str]) -> None:
    lines = [f"N:{n}"] if n else []
    lines += [f"FN:{fn}"] if fn else ["EMAIL:x@example.com"]
    record = one(*lines)
    assert (record.given_name, record.particles, record.family_name) == expected


def test_prefixes_and_suffixes() -> None:
    record = one("N:Jansen;Piet;;Prof.,Dr.;Jr.,MSc", "FN:Prof. Dr. Piet Jansen Jr. MSc")
    assert (record.name_prefix, record.name_suffix) == ("Prof. Dr.", "Jr., MSc")


def test_organisation_and_nickname_cards_stay_records() -> None:
    org = one("FN:Acme", "ORG:Acme;Sales", version="4.0")
    assert (org.given_name, org.family_name, org.organisation) == ("", "", "Acme")
    assert org.department == "Sales"
    kind_org = one("KIND:org", "FN:Viagenie Inc", "TEL:+1 418 656 9254", version="4.0")
    assert (kind_org.given_name, kind_org.family_name) == ("", "")
    nickname = one("NICKNAME:Bolle")
    assert (nickname.nickname, nickname.has_name()) == ("Bolle", True)
    email_as_name = one("FN:someone@example.com", "EMAIL:someone@example.com")
    assert email_as_name.given_name == ""


def test_title_or_else_role() -> None:
    assert one("FN:A B", "TITLE:Brewer", "ROLE:Boss").job_title == "Brewer"
    assert one("FN:A B", "ROLE:Counting money").job_title == "Counting money"


# Contact details -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "label"),
    [
        ("TEL;TYPE=WORK,VOICE:1", "work"),
        ("TEL;TYPE=work;TYPE=cell:1", "work mobile"),
        ('TEL;TYPE="work,cell,voice,video,text":1', "work mobile"),
        ("TEL;CELL;PREF:1", "mobile"),  # 2.1 bare parameters
        ("TEL;HOME;FAX:1", "home fax"),
        ("TEL;type=PAGER:1", "pager"),
        ("TEL;TYPE=MAIN:1", "main"),
        ("TEL;TYPE=VOICE:1", ""),
        ("TEL;TYPE=x-school:1", "school"),
        ("TEL:1", ""),
        ("item1.TEL;type=CELL:1\r\nitem1.X-ABLabel:_$!<Mobile>!$_", "mobile"),
        ("item1.TEL:1\r\nitem1.X-ABLabel:_$!<WorkFAX>!$_", "work fax"),
        ("item1.TEL:1\r\nitem1.X-ABLabel:_$!<iPhone>!$_", "iPhone"),
        ("item1.TEL;type=WORK:1\r\nitem1.X-ABLabel:Kantoor Gent", "Kantoor Gent"),
        ("EMAIL;TYPE=INTERNET;TYPE=pref:a@example.com", ""),
        ("EMAIL;TYPE=internet,home:a@example.com", "home"),
    ],
)
def test_labels_from_every_spelling_of_type(line: str, label: str) -> None:
    record = one("FN:A B", *line.split("\r\n"))
    assert record.contacts[0].label == label


@pytest.mark.parametrize(
    ("url", "kind", "service"),
    [
        ("https://www.linkedin.com/in/annadv", "social", "linkedin"),
        ("https://twitter.com/annadv", "social", "twitter"),
        ("https://x.com/annadv", "social", "twitter"),
        ("https://github.com/annadv", "social", "github"),
        ("https://mastodon.social/@annadv", "social", "mastodon"),
        ("https://bsky.app/profile/annadv.bsky.social", "social", "bluesky"),
        ("https://www.instagram.com/annadv", "social", "instagram"),
        ("https://www.facebook.com/annadv", "social", "facebook"),
        ("https://www.youtube.com/@annadv", "website", ""),  # host/@user, but not Mastodon
        ("https://anna.example.nl", "website", ""),
    ],
)
def test_profile_urls_become_social(url: str, kind: str, service: str) -> None:
    [contact] = one("FN:A B", f"URL:{url}").contacts
    assert (contact.kind, contact.value, contact.service) == (kind, url, service)


def test_social_profiles_impp_and_old_im_properties() -> None:
    record = one(
        "FN:A B",
        "X-SOCIALPROFILE;type=linkedin;x-user=annadv:x-apple:annadv",
        "X-SOCIALPROFILE;type=facebook:http://www.facebook.com/anna.dv",
        "X-SOCIALPROFILE;type=flickr:http://www.flickr.com/photos/annadv",
        "IMPP;X-SERVICE-TYPE=Skype:skype:anna.dv",
        "X-SKYPE:anna.dv",
        "X-JABBER;TYPE=HOME:anna@jabber.example",
        "X-TWITTER:@annadv",
    )
    assert contacts(record) == [
        ("social", "https://www.linkedin.com/in/annadv", "", "linkedin"),
        ("social", "http://www.facebook.com/anna.dv", "", "facebook"),
        ("social", "http://www.flickr.com/photos/annadv", "Flickr", "other"),
        ("social", "skype:anna.dv", "Skype", "other"),  # X-SKYPE:anna.dv repeats it: once
        ("social", "anna@jabber.example", "Jabber", "other"),
        ("social", "https://x.com/annadv", "", "twitter"),
    ]


def test_contact_values_as_written() -> None:
    record = one(
        "FN:A B",
        "EMAIL:mailto:a@example.com",
        "TEL;VALUE=uri:tel:+31-6-1234-5678",
        "EMAIL:a@example.com",  # repeated: the importer keeps one
        version="4.0",
    )
    assert [c.value for c in record.contacts] == [
        "a@example.com",
        "a@example.com",
        "+31-6-1234-5678",
    ]


# Addresses ---------------------------------------------------------------------------------------


def test_address_parts_and_po_box() -> None:
    record = one(
        "FN:A B",
        "ADR;TYPE=work,postal,parcel:Postbus 123;2e etage;Stationsplein 1;Utrecht;UT;3511 ED;NL",
        "ADR:;;;;;;",  # empty: dropped
        "ADR;TYPE=home:;;Kerkstraat 1\\,;Gent;;9000;België",
    )
    assert record.addresses == [
        RecordAddress(
            "work", "Stationsplein 1\n2e etage\nPostbus 123", "3511 ED", "Utrecht", "UT", "NL"
        ),
        RecordAddress("home", "Kerkstraat 1", "9000", "Gent", "", "België"),
    ]


def test_label_lines_without_adr_become_addresses() -> None:
    record = one("FN:A B", "LABEL;TYPE=HOME:Kerkstraat 1\\n3511 AA Utrecht\\nNederland")
    assert record.addresses == [RecordAddress("home", "Kerkstraat 1, 3511 AA Utrecht, Nederland")]
    covered = one(
        "FN:A B",
        "ADR;TYPE=HOME:;;Kerkstraat 1;Utrecht;;3511 AA;Nederland",
        "LABEL;TYPE=HOME:Kerkstraat 1\\n3511 AA Utrecht",
    )
    assert len(covered.addresses) == 1 and covered.addresses[0].locality == "Utrecht"
    delivery_only = one('ADR;LABEL="Dorpsstraat 2^n1234 AB Ergens":;;;;;;', "FN:A B", version="4.0")
    assert delivery_only.addresses == [RecordAddress("", "Dorpsstraat 2, 1234 AB Ergens")]


# Dates -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("BDAY:19850415", [RecordDate("birthday", 4, 15, 1985)]),
        ("BDAY:1985-04-15T00:00:00Z", [RecordDate("birthday", 4, 15, 1985)]),
        ("BDAY:--0415", [RecordDate("birthday", 4, 15)]),
        ("BDAY:--04-15", [RecordDate("birthday", 4, 15)]),
        ("BDAY;X-APPLE-OMIT-YEAR=1604:1604-04-15", [RecordDate("birthday", 4, 15)]),
        ("BDAY:1985", []),  # a year alone is no yearly date
        ("BDAY:1985-04", []),
        ("BDAY:---15", []),
        ("BDAY:2023-02-30", []),
        ("BDAY;VALUE=text:circa 1800", []),
        ("ANNIVERSARY:20090808T1430-0500", [RecordDate("anniversary", 8, 8, 2009)]),
        ("X-ANNIVERSARY:2015-08-22", [RecordDate("anniversary", 8, 22, 2015)]),
        ("X-EVOLUTION-ANNIVERSARY:2015-08-22", [RecordDate("anniversary", 8, 22, 2015)]),
        ("X-ABDATE:1776-07-04", [RecordDate("custom", 7, 4, 1776)]),
        (
            "item1.X-ABDATE:2000-09-12\r\nitem1.X-ABLabel:_$!<Other>!$_",
            [RecordDate("custom", 9, 12, 2000, "other")],
        ),
        (
            "item1.X-ABDATE;X-APPLE-OMIT-YEAR=1604:1604-12-05\r\nitem1.X-ABLabel:Sinterklaas",
            [RecordDate("custom", 12, 5, None, "Sinterklaas")],
        ),
    ],
)
def test_dates(line: str, expected: list[RecordDate]) -> None:
    assert one("FN:A B", *line.split("\r\n")).dates == expected


def test_several_anniversaries_and_a_second_birthday_as_written_by_our_export() -> None:
    record = one(
        "FN:A B",
        "X-ANNIVERSARY:2001-01-01",
        "item1.X-ABDATE:2005-05-05",
        "item1.X-ABLabel:anniversary",
        "item2.X-ABDATE:--0606",
        "item2.X-ABLabel:birthday",
        "X-EVOLUTION-ANNIVERSARY:2001-01-01",  # the same date again: once
    )
    assert record.dates == [
        RecordDate("anniversary", 1, 1, 2001),
        RecordDate("anniversary", 5, 5, 2005),
        RecordDate("birthday", 6, 6),
    ]


# Photo, note, tags, time zone, pronouns ---------------------------------------------------------


def test_photo_only_when_the_bytes_are_an_image() -> None:
    png = base64.b64encode(PNG).decode()
    assert one("FN:A B", f"PHOTO;ENCODING=b;TYPE=PNG:{png}").photo is not None
    v4 = one("FN:A B", f"PHOTO:data:image/png;base64,{png}", version="4.0").photo
    assert v4 is not None and (v4.mime, v4.data) == ("image/png", PNG)
    # a TYPE that lies is overruled by the bytes
    lying = one("FN:A B", f"PHOTO;ENCODING=b;TYPE=JPEG:{png}").photo
    assert lying is not None and lying.mime == "image/png"
    bmp = base64.b64encode(b"BM" + b"\0" * 60).decode()
    # bytes no browser shows are handed on without a type: the importer warns (bad_photo)
    kept = one("FN:A B", f"PHOTO;ENCODING=b;TYPE=BMP:{bmp}").photo
    assert kept is not None and kept.mime == ""
    svg = base64.b64encode(b"<svg xmlns='http://www.w3.org/2000/svg'/>").decode()
    svg_photo = one("FN:A B", f"PHOTO:data:image/svg+xml;base64,{svg}", version="4.0").photo
    assert svg_photo is not None and svg_photo.mime == ""
    assert one("FN:A B", "PHOTO;VALUE=uri:https://example.com/a.jpg").photo is None


@pytest.mark.parametrize(
    ("head", "mime"),
    [
        (b"\xff\xd8\xff\xe0", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"GIF89a", "image/gif"),
        (b"RIFF\0\0\0\0WEBPVP8 ", "image/webp"),
        (b"BM", None),
        (b"", None),
    ],
)
def test_image_type_follows_the_photo_upload_rule(head: bytes, mime: str | None) -> None:
    from aandacht.people.editing import PHOTO_TYPES, sniff_image

    assert image_type(head) == mime
    extension = sniff_image(head)
    assert (PHOTO_TYPES[extension] if extension else None) == mime


def test_tags_note_time_zone_uid_pronouns() -> None:
    record = one(
        "FN:A B",
        "CATEGORIES:Work, friends ,,work",
        "CATEGORIES:myContacts,starred",
        "NOTE:  first\\nsecond  ",
        "TZ:America/New_York",
        "UID:urn:uuid:1234",
        "PRONOUNS:zij/haar",
        version="4.0",
    )
    assert record.tags == ["Work", "friends", "starred"]
    assert record.note == "first\nsecond"
    assert record.time_zone == "America/New_York"
    assert record.uid == "urn:uuid:1234"
    assert record.pronouns == "zij/haar"
    assert one("FN:A B", "TZ:Mars/Olympus_Mons").time_zone == ""


def test_no_django_models_imported() -> None:
    source = (Path(__file__).parents[2] / "src/aandacht/exchange/from_vcard.py").read_text()
    imports = source.split('"""', 2)[2].split("\n__all__")[0]
    # Only translation (the reasons are shown to the user): no models, no database.
    assert [line for line in imports.splitlines() if "django" in line] == [
        "from django.utils.translation import gettext as _",
        "from django.utils.translation import ngettext",
    ]
    assert "people.models" not in source and "people.editing import" not in source


# Properties --------------------------------------------------------------------------------------

_WORD = st.text(
    alphabet=st.characters(whitelist_categories=("Lu", "Ll"), max_codepoint=0x24F),
    min_size=1,
    max_size=10,
).filter(lambda w: not names.is_particle(w) and w.lower() not in names.PARTICLE_ABBREVIATIONS)
_LABELS = ["", "work", "home", "mobile", "Tennis club", "werk", "work fax"]


@dataclass
class Written:
    """A card as our export would write it, and the labels it was given."""

    card: vcard.Card
    email_labels: list[str]
    phone_labels: list[str]


@st.composite
def written_cards(draw: st.DrawFn) -> Written:
    given = " ".join(draw(st.lists(_WORD, min_size=1, max_size=2)))
    particles = draw(st.sampled_from(["", "de", "van", "van der", "van den", "ter", "in 't"]))
    family = " ".join(draw(st.lists(_WORD, min_size=1, max_size=2)))
    emails = draw(st.lists(st.tuples(_WORD, st.sampled_from(_LABELS)), max_size=3))
    phones = draw(
        st.lists(st.tuples(st.integers(10**8, 10**9 - 1), st.sampled_from(_LABELS)), max_size=2)
    )
    birthday = draw(
        st.none()
        | st.builds(
            vcard.PartialDate,
            st.none() | st.integers(1900, 2020),
            st.integers(1, 12),
            st.integers(1, 28),
        )
    )
    tags = draw(st.lists(_WORD, max_size=3, unique_by=str.casefold))
    card_ = vcard.Card(
        formatted_name=names.display_name(given, particles, family),
        given=given,
        family=" ".join(p for p in (particles, family) if p),
        emails=[
            vcard.Value(f"{local.lower()}{i}@example.org", *_as_exported("email", label))
            for i, (local, label) in enumerate(emails)
        ],
        phones=[vcard.Value(f"+31 6 {n}", *_as_exported("phone", label)) for n, label in phones],
        birthday=birthday,
        categories=tags,
    )
    return Written(card_, [label for _e, label in emails], [label for _p, label in phones])


def _as_exported(kind: str, label: str) -> tuple[list[str], str]:
    """What exporting.vcard_types makes of a label: a TYPE, an X-ABLabel or both."""
    types = {"work": "work", "werk": "work", "home": "home"}
    if kind == "phone":
        types |= {"mobile": "cell", "mobiel": "cell"}
    shown_as = {"work": "work", "home": "home", "cell": "mobile"}
    vcard_type = types.get(label)
    if vcard_type is None:
        return [], label
    return [vcard_type], "" if shown_as[vcard_type] == label else label


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(written_cards(), min_size=1, max_size=4), st.sampled_from(["3.0", "4.0"]))
def test_what_our_export_writes_reads_back_the_same(
    written: list[Written], version: Literal["3.0", "4.0"]
) -> None:
    found = items(vcard.write_cards([w.card for w in written], version))
    assert [r.number for r in records(found)] == list(range(1, len(written) + 1))
    for w, record in zip(written, records(found), strict=True):
        assert record.given_name == w.card.given
        assert names.display_name("", record.particles, record.family_name) == w.card.family
        emails = [(c.value, c.label) for c in record.contacts if c.kind == "email"]
        assert emails == [
            (v.value, label) for v, label in zip(w.card.emails, w.email_labels, strict=True)
        ]
        phones = [(c.value, c.label) for c in record.contacts if c.kind == "phone"]
        assert phones == [
            (v.value, label) for v, label in zip(w.card.phones, w.phone_labels, strict=True)
        ]
        birthday = w.card.birthday
        assert record.dates == (
            [RecordDate("birthday", birthday.month or 0, birthday.day or 0, birthday.year)]
            if birthday
            else []
        )
        assert record.tags == w.card.categories


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000))
def test_any_bytes_give_records_or_problems_never_an_exception(data: bytes) -> None:
    for item in records_from_vcards(b"BEGIN:VCARD\r\n" + data):
        assert isinstance(item, Record | Problem)
        assert (item.number if isinstance(item, Record) else item.record) >= 0


_LINES = st.sampled_from(
    [
        "N:{}",
        "FN:{}",
        "NICKNAME:{}",
        "ORG:{}",
        "EMAIL;TYPE={}:a@b.c",
        "TEL;{}:123",
        "ADR:{}",
        "LABEL:{}",
        "BDAY:{}",
        "X-ABDATE:{}",
        "item1.X-ABLabel:{}",
        "item1.TEL:{}",
        "URL:{}",
        "X-SOCIALPROFILE;type={}:x-apple:{}",
        "IMPP:{}",
        "PHOTO;ENCODING=b:{}",
        "PHOTO:data:{}",
        "CATEGORIES:{}",
        "TZ:{}",
        "KIND:{}",
        "NOTE;ENCODING=QUOTED-PRINTABLE:{}=",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_LINES, st.text(max_size=30)), max_size=12))
def test_odd_property_values_never_break_the_mapping(lines: list[tuple[str, str]]) -> None:
    text = [
        template.replace("{}", value.replace("\r", " ").replace("\n", " "))
        for template, value in lines
    ]
    for item in items(card(*text)):
        assert isinstance(item, Record | Problem)
        if isinstance(item, Record):
            assert not item.is_empty()
            assert all(c.kind in ("email", "phone", "website", "social") for c in item.contacts)
            assert all(1 <= d.month <= 12 and 1 <= d.day <= 31 for d in item.dates)
            # bytes that are no image come with an empty type: the importer warns about them
            assert item.photo is None or (image_type(item.photo.data) or "") == item.photo.mime
