"""Any CSV through a column mapping: fields, several columns, bad mappings, suggestions."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from aandacht.exchange import csv_sources
from aandacht.exchange.csv_sources import MAPPABLE_FIELDS, parse_date, read_mapped, suggest_mapping
from aandacht.exchange.records import (
    FIELD_NAMES,
    Problem,
    Record,
    RecordContact,
    RecordDate,
    UnreadableFile,
)


def read(text: str, mapping: dict[str, str] | None) -> list[Record | Problem]:
    return list(read_mapped(io.BytesIO(text.encode()), mapping))


def only_record(text: str, mapping: dict[str, str] | None) -> Record:
    (item,) = read(text, mapping)
    assert isinstance(item, Record), item
    return item


def test_full_name_is_split_with_particles_and_abbreviations() -> None:
    item = only_record("Naam\nJeroen vd Ven\n", {"Naam": "full_name"})
    assert (item.given_name, item.particles, item.family_name) == ("Jeroen", "van de", "Ven")


def test_explicit_name_columns_win_over_full_name() -> None:
    item = only_record(
        "Name,First,Last\nJ. van Dam,Johanna,van Dam\n",
        {"Name": "full_name", "First": "given_name", "Last": "family_name"},
    )
    assert (item.given_name, item.particles, item.family_name) == ("Johanna", "van", "Dam")


def test_family_name_with_particles_is_split_unless_particles_are_mapped() -> None:
    split = only_record("A,B\nAnna,van den Heuvel\n", {"A": "given_name", "B": "family_name"})
    assert (split.particles, split.family_name) == ("van den", "Heuvel")
    given_particles = only_record("A,B\nAnna de,Vries\n", {"A": "given_name", "B": "family_name"})
    assert (given_particles.given_name, given_particles.particles) == ("Anna", "de")
    kept = only_record(
        "A,P,B\nAnna,van,den Heuvel\n",
        {"A": "given_name", "P": "particles", "B": "family_name"},
    )
    assert (kept.particles, kept.family_name) == ("van", "den Heuvel")


def test_several_columns_feed_email_phone_website_social_tags_note_and_street() -> None:
    text = (
        "Naam,Mail werk,Mail privé,Tel werk,Mobiel,Site,LinkedIn,Groep,Extra groep,"
        "Notitie,Meer,Straat,Huisnummer\n"
        'Eva Smit,eva@work.example,"eva@home.example; eva2@home.example",030-111,'
        '06-222 / 06-333,https://eva.example,evasmit,"Buren, Koor",Koor,Eerste,Tweede,'
        "Laan,12a\n"
    )
    mapping = {
        "Naam": "full_name",
        "Mail werk": "email",
        "Mail privé": "email",
        "Tel werk": "phone",
        "Mobiel": "phone",
        "Site": "website",
        "LinkedIn": "social",
        "Groep": "tags",
        "Extra groep": "tags",
        "Notitie": "note",
        "Meer": "note",
        "Straat": "street",
        "Huisnummer": "street",
    }
    item = only_record(text, mapping)
    assert item.contacts == [
        RecordContact("email", "eva@work.example", "work"),
        RecordContact("email", "eva@home.example", "home"),
        RecordContact("email", "eva2@home.example", "home"),
        RecordContact("phone", "030-111", "work"),
        RecordContact("phone", "06-222", "mobile"),
        RecordContact("phone", "06-333", "mobile"),
        RecordContact("website", "https://eva.example"),
        # A bare handle: the header says which service it is on.
        RecordContact("social", "evasmit", "", "linkedin"),
    ]
    assert item.tags == ["Buren", "Koor"]
    assert item.note == "Eerste\n\nTweede"
    assert item.addresses[0].street == "Laan 12a"


def test_repeated_header_names_all_map() -> None:
    item = only_record("name,email,email\nBo,a@example.com,b@example.com\n", None)
    assert [c.value for c in item.contacts] == ["a@example.com", "b@example.com"]


def test_export_separator_keeps_commas_inside_tags() -> None:
    item = only_record(
        'full_name,tags\nBo Lid,"Utrecht, centrum ::: Koor"\n',
        {"full_name": "full_name", "tags": "tags"},
    )
    assert item.tags == ["Utrecht, centrum", "Koor"]


def test_formula_guard_from_an_export_is_removed() -> None:
    item = only_record("full_name,note\nBo Lid,'=)\n", None)
    assert item.note == "=)"
    kept = only_record("full_name,note\nBo Lid,'t Is mooi\n", None)
    assert kept.note == "'t Is mooi"  # only a guard in front of = @ + - is removed


def test_mapping_matches_column_names_ignoring_case_and_ignores_empty_fields() -> None:
    item = only_record("Voornaam,Rommel\nAnna,x\n", {"voornaam": "Given_Name", "Rommel": ""})
    assert item.given_name == "Anna"


def test_dates_and_met_on() -> None:
    text = "Naam,Jarig,Trouwdag,Ontmoet\nBo Lid,--02-29,12/6/2001,2020-01-31\n"
    mapping = {
        "Naam": "full_name",
        "Jarig": "birthday",
        "Trouwdag": "anniversary",
        "Ontmoet": "met_on",
    }
    item = only_record(text, mapping)
    assert item.dates == [
        RecordDate("birthday", 2, 29, None),
        RecordDate("anniversary", 6, 12, 2001),
    ]
    assert item.met_on == dt.date(2020, 1, 31)


def test_met_on_needs_a_year() -> None:
    item, bo = read("Naam,Ontmoet\nBo Lid,--04-15\n", {"Naam": "full_name", "Ontmoet": "met_on"})
    assert isinstance(item, Problem)
    assert (item.record, item.code) == (2, "bad_date")
    assert "without a year" in item.reason and '"Ontmoet"' in item.reason
    assert isinstance(bo, Record) and (bo.number, bo.given_name, bo.met_on) == (2, "Bo", None)


def test_a_bad_date_leaves_the_other_dates_and_the_person() -> None:
    text = "Naam,Jarig,Trouwdag\nBo Lid,30-02-1990,12-6-2001\n"
    mapping = {"Naam": "full_name", "Jarig": "birthday", "Trouwdag": "anniversary"}
    warning, bo = read(text, mapping)
    assert isinstance(warning, Problem) and isinstance(bo, Record)
    assert (warning.record, warning.code) == (2, "bad_date")
    assert "(there is no 30 February)" in warning.reason
    assert bo.dates == [RecordDate("anniversary", 6, 12, 2001)]


def test_an_organisation_alone_is_read_nothing_at_all_is_not() -> None:
    mapping = {"Naam": "full_name", "Bedrijf": "organisation", "Plaats": "city"}
    items = read("Naam,Bedrijf,Plaats\n,Acme,\n,,Delft\n", mapping)
    acme, nobody = items
    assert isinstance(acme, Record) and acme.organisation == "Acme"
    assert isinstance(nobody, Problem) and (nobody.record, nobody.code) == (3, "nameless")


def test_department_is_a_field() -> None:
    item = only_record(
        "Naam,Bedrijf,Afdeling\nBo Lid,Acme,Inkoop\n",
        {"Naam": "full_name", "Bedrijf": "organisation", "Afdeling": "department"},
    )
    assert (item.organisation, item.department) == ("Acme", "Inkoop")
    assert "department" in MAPPABLE_FIELDS
    assert MAPPABLE_FIELDS.index("department") == MAPPABLE_FIELDS.index("organisation") + 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1990-04-15", (1990, 4, 15)),
        ("--04-15", (None, 4, 15)),
        ("--0415", (None, 4, 15)),
        ("19900415", (1990, 4, 15)),
        ("15-04-1990", (1990, 4, 15)),
        ("15/4/1990", (1990, 4, 15)),
        ("15.04.1990", (1990, 4, 15)),
        ("15-04", (None, 4, 15)),
        ("15 april", (None, 4, 15)),
        ("15 okt 1990", (1990, 10, 15)),
        ("1990-04-15T00:00:00Z", (1990, 4, 15)),
        ("29-02-2000", (2000, 2, 29)),
        ("--02-29", (None, 2, 29)),
    ],
)
def test_parse_date_accepts(text: str, expected: tuple[int | None, int, int]) -> None:
    parts = parse_date(text)
    assert parts is not None
    assert (parts.year, parts.month, parts.day) == expected


@pytest.mark.parametrize(
    "text",
    [
        "04/25/1990", "29-02-2001", "1990-02-30", "15-04-90", "0000-04-15", "--13-01", "soon", "",
        "00-04-1990", "2023-13-01", "31 apr 2023",
    ],
)  # fmt: skip
def test_parse_date_refuses(text: str) -> None:
    assert parse_date(text) is None


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("31-02-1990", "there is no 31 February"),
        ("1990-02-30", "there is no 30 February"),
        ("29-02-2001", "there is no 29 February in 2001"),
        ("--02-30", "there is no 30 February"),
        ("2023-13-01", "there is no month 13"),
        ("04/25/1990", "there is no month 25; the day comes first, as in 25-04-1990"),
        ("25/13", "there is no month 13"),
        ("00-04-1990", "there is no day 0"),
        ("0000-04-15", "the year 0 is too early"),
    ],
)
def test_why_a_date_in_a_known_format_is_not_real(text: str, why: str) -> None:
    found = csv_sources._parse(text)
    assert found == csv_sources._Impossible(why)


@pytest.mark.parametrize("text", ["soon", "15-04-90", "15 Foo 2023", "", "1990/4"])
def test_a_date_in_no_known_format_is_not_called_impossible(text: str) -> None:
    assert csv_sources._parse(text) is None


# --------------------------------------------------------------------------------------------
# Bad mappings


def test_mapping_a_column_that_is_not_in_the_header() -> None:
    with pytest.raises(UnreadableFile) as caught:
        read_mapped(io.BytesIO(b"Naam,Mail\nBo,b@example.com\n"), {"Email": "email"})
    assert caught.value.code == "bad_mapping"
    assert '"Email"' in str(caught.value)
    assert '"Naam", "Mail"' in str(caught.value)


def test_mapping_to_a_field_that_does_not_exist() -> None:
    with pytest.raises(UnreadableFile) as caught:
        read_mapped(io.BytesIO(b"Naam,Mail\nBo,b@example.com\n"), {"Mail": "e-mail"})
    assert caught.value.code == "bad_mapping"
    assert '"Mail"' in str(caught.value) and '"e-mail"' in str(caught.value)
    assert "given_name" in str(caught.value)  # the list of fields


def test_several_columns_for_a_one_value_field() -> None:
    with pytest.raises(UnreadableFile) as caught:
        read_mapped(io.BytesIO(b"A,B\nBo,Bea\n"), {"A": "given_name", "B": "given_name"})
    assert caught.value.code == "bad_mapping"
    assert '"given_name"' in str(caught.value) and '"A", "B"' in str(caught.value)


@pytest.mark.parametrize("mapping", [{}, {"Naam": ""}, {"Naam": "ignore"}])
def test_nothing_mapped_is_no_columns(mapping: dict[str, str]) -> None:
    with pytest.raises(UnreadableFile) as caught:
        read_mapped(io.BytesIO(b"Naam,Mail\nBo,b@example.com\n"), mapping)
    assert caught.value.code == "no_columns"
    assert '"Naam", "Mail"' in str(caught.value)


def test_no_suggestion_for_unknown_headers_is_no_columns() -> None:
    with pytest.raises(UnreadableFile) as caught:
        read_mapped(io.BytesIO(b"kolom1,kolom2\nBo,b@example.com\n"))
    assert caught.value.code == "no_columns"


def test_a_mapping_that_never_says_who_is_no_columns() -> None:
    with pytest.raises(UnreadableFile) as caught:
        read_mapped(io.BytesIO(b"Plaats,Land\nDelft,NL\n"), {"Plaats": "city", "Land": "country"})
    assert caught.value.code == "no_columns"
    assert "full_name" in str(caught.value)


def test_every_field_name_can_be_mapped() -> None:
    header = ",".join(FIELD_NAMES)
    values = {name: "x" for name in FIELD_NAMES}
    values.update(
        full_name="Bo Lid",
        email="bo@example.com",
        birthday="--01-02",
        anniversary="2000-03-04",
        met_on="2020-05-06",
    )
    row = ",".join(values[name] for name in FIELD_NAMES)
    item = only_record(f"{header}\n{row}\n", {name: name for name in FIELD_NAMES})
    assert item.given_name == "x" and item.family_name == "x"


# --------------------------------------------------------------------------------------------
# Suggestions


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Voornaam", "given_name"),
        ("Achternaam", "family_name"),
        ("Tussenvoegsel", "particles"),
        ("Naam", "full_name"),
        ("E-mail", "email"),
        ("E-mailadres", "email"),
        ("Email Address", "email"),
        ("E-mail 2 Address", "email"),
        ("Telefoon", "phone"),
        ("Telefoonnummer", "phone"),
        ("Mobiel", "phone"),
        ("Mobile Phone", "phone"),
        ("Business Phone", "phone"),
        ("Telefoon (werk)", "phone"),
        ("Bedrijf", "organisation"),
        ("Company", "organisation"),
        ("Functie", "job_title"),
        ("Job Title", "job_title"),
        ("Plaats", "city"),
        ("Woonplaats", "city"),
        ("Postcode", "postal_code"),
        ("Verjaardag", "birthday"),
        ("Geboortedatum", "birthday"),
        ("Opmerkingen", "note"),
        ("Notes", "note"),
        ("Website", "website"),
        ("LinkedIn", "social"),
        ("Groepen", "tags"),
        ("Connected On", "met_on"),
        ("Land", "country"),
        ("Provincie", "region"),
        ("Department", "department"),
        ("Afdeling", "department"),
        ("Organization Department", "department"),
        ("department", "department"),
    ],
)
def test_suggest_mapping_common_headers(header: str, field: str) -> None:
    assert suggest_mapping([header]) == {header: field}


@pytest.mark.parametrize(
    "header",
    ["E-mail 1 - Label", "Phone 1 - Type", "E-mail Display Name", "Kolom 7", "", "Phonetic Name"],
)
def test_suggest_mapping_leaves_unknown_and_label_columns_out(header: str) -> None:
    assert suggest_mapping([header]) == {}


def test_suggest_mapping_gives_a_one_value_field_only_once() -> None:
    assert suggest_mapping(["Naam", "Name", "E-mail", "Email 2"]) == {
        "Naam": "full_name",
        "E-mail": "email",
        "Email 2": "email",
    }


def test_suggest_mapping_our_own_export_exactly() -> None:
    assert suggest_mapping(list(FIELD_NAMES)) == {name: name for name in FIELD_NAMES}
