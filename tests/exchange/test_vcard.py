"""The vCard reader and writer (aandacht.exchange.vcard) on hand-written fixtures.

Fixtures in tests/exchange/fixtures are our own, written after RFC 2426, RFC 6350, RFC 6868, the
vCard 2.1 specification and what Apple, Google and Outlook document/write.
"""

from __future__ import annotations

import base64
import io
import string
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aandacht.exchange.vcard import (
    Address,
    Card,
    PartialDate,
    Photo,
    ReadError,
    Value,
    extra_properties,
    iter_cards,
    parse_date,
    read_cards,
    write_card,
    write_cards,
)

FIXTURES = Path(__file__).parent / "fixtures"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAAD0lEQVQIHQEEAPv/AP///wX+Av4DfRnGAAAAAElFTkSuQmCC"
)


def read(name: str) -> tuple[list[Card], list[ReadError]]:
    return read_cards((FIXTURES / name).read_bytes())


def only(name: str) -> Card:
    cards, errors = read(name)
    assert errors == []
    return cards[0]


# ---------------------------------------------------------------------------------------------
# Reading


def test_vcard_21_quoted_printable_with_charset_and_bare_types() -> None:
    cards, errors = read("v21_outlook.vcf")
    assert errors == []
    assert len(cards) == 2
    card = cards[0]
    assert card.version == "2.1"
    assert (card.family, card.given, card.prefixes) == ("Müller", "Jürgen", "Dr.")
    assert card.formatted_name == "Dr. Jürgen Müller"
    # a multi-line QP note with soft line breaks, decoded as ISO-8859-1, CRLF made LF
    assert card.note == (
        "Erste Zeile: Grüße\n"
        "Zweite Zeile mit einem sehr langen Text, der Ã nicht UTF-8 ist, aber weiter geht\n"
        "Dritte Zeile"
    )
    assert [(p.value, p.types, p.pref) for p in card.phones] == [
        ("+31 20 123 4567", ["home", "voice"], None),
        ("+31 6 1234 5678", ["cell"], 1),
        ("+31 20 765 4321", ["work", "fax"], None),
    ]
    assert card.emails == [Value("juergen@example.com", ["internet"], "", 1)]
    assert card.addresses[0].street == "Straße 1"
    assert card.addresses[0].locality == "Köln"
    assert card.addresses[0].types == ["work"]
    assert (card.organisation, card.departments) == ("Brouwerij De Zon", ["Inkoop"])
    assert card.birthday == PartialDate(1985, 4, 15)
    assert card.photo is not None
    assert card.photo.mime == "image/jpeg"
    assert card.photo.data is not None and card.photo.data.startswith(b"\xff\xd8")
    assert card.photo.data.endswith(b"\xff\xd9")
    assert (cards[1].family, cards[1].given, cards[1].line) == ("Jansen", "Piet", 21)


def test_apple_cr_cr_lf_groups_labels_and_yearless_birthday() -> None:
    card = only("v30_apple_crcrlf.vcf")
    assert card.formatted_name == "Anna Maria de Vries"
    # Dutch particles are not split here: N parts stay as the card gives them
    assert (card.family, card.given, card.additional) == ("de Vries", "Anna", "Maria")
    assert card.nicknames == ["Annie", "An"]
    assert (card.organisation, card.departments) == ("Acme, Inc.", ["Sales", "East"])
    assert card.emails == [
        Value("anna@example.com", ["internet"], "Other", 1),
        Value("anna.private@example.org", ["internet"], "Tennis club", None),
    ]
    assert card.urls == [Value("http://www.example.com/anna", [], "HomePage", 1)]
    assert card.socials == [Value("http://twitter.com/annadv", ["twitter"])]
    assert card.impps == [Value("skype:anna.dv", ["home"])]
    assert card.addresses[0].street == "Kerkstraat 1\nAchterhuis"
    assert card.addresses[0].pref == 1
    assert card.birthday == PartialDate(None, 4, 15)
    assert card.anniversary == PartialDate(2010, 6, 1)
    assert card.note == "Met at the conference; likes tea, not coffee.\nSecond line \\ backslash"
    assert card.categories == ["friends", "work"]
    assert card.photo is not None and card.photo.mime == "image/jpeg"
    assert card.photo.data is not None and card.photo.data.endswith(b"\xff\xd9")
    # unknown properties are kept verbatim
    assert card.extra == [
        "PRODID:-//Apple Inc.//iPhone OS 17.0//EN",
        "item3.X-ABADR:nl",
        "X-UNKNOWN-THING;X-PARAM=1:keep me exactly\\, as is",
    ]


def test_google_several_cards_repeated_and_comma_types() -> None:
    cards, errors = read("v30_google.vcf")
    assert errors == []
    jan, zoe = cards
    assert (jan.family, jan.given) == ("van der Berg", "Jan")
    assert [(e.value, e.types) for e in jan.emails] == [
        ("jan@example.nl", ["internet", "home"]),
        ("jan.vdberg@work.example", ["internet", "work"]),
    ]
    assert jan.phones[1] == Value("+31 10 000 0000", [], "Boot")
    assert jan.birthday == PartialDate(None, 4, 15)
    assert jan.photo == Photo(uri="https://lh3.googleusercontent.com/a/photo.jpg")
    assert jan.categories == ["myContacts", "Familie"]
    assert (zoe.formatted_name, zoe.line) == ("Zoë Ångström", 14)
    assert zoe.birthday == PartialDate(1990, 2, 28)  # the time part is dropped


def test_vcard_40_rfc6350_rfc6868_and_data_uri() -> None:
    cards, errors = read("v40_rfc6350.vcf")
    assert errors == []
    simon, other = cards
    assert simon.kind == "individual"
    assert simon.suffixes == "ing. jr,M.Sc."
    assert simon.birthday == PartialDate(None, 2, 3)
    assert simon.anniversary == PartialDate(2009, 8, 8)
    assert simon.gender == "M"
    assert simon.time_zone == "-0500"
    assert simon.uid == "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6"
    assert simon.rev == "20231001T120000Z"
    assert simon.phones[0] == Value("+1-418-656-9254;ext=102", ["work", "voice"], "", 1)
    assert simon.phones[1].types == ["work", "cell", "voice", "video", "text"]
    address = simon.addresses[0]
    assert address.delivery_label == 'Simon Perreault\n2875 boul. Laurier\n"Quebec" ^ Canada'
    assert (address.extended, address.postal_code) == ("Suite D2-630", "G1V 2M2")
    assert simon.photo == Photo(data=PNG, mime="image/png")  # folded data: URI
    assert simon.note == "Comma, semicolon; backslash\\ and\nnew line"
    assert simon.impps == [Value("xmpp:simon@example.com", [], "", 1)]
    assert 'X-CUSTOM;PARAM="quoted: value; with, separators":text' in simon.extra
    assert other.photo == Photo(uri="http://www.example.com/pub/photos/jqpublic.gif")
    assert other.birthday is None
    assert other.extra == ["BDAY;VALUE=text:circa 1800"]  # not a date: kept, not lost


@pytest.mark.parametrize("name", ["utf16_bom.vcf", "utf8_bom.vcf"])
def test_byte_order_marks(name: str) -> None:
    card = only(name)
    assert (card.family, card.given) == ("Zola", "Émile")
    assert card.phones[0].value == "+33 1 23 45 67 89"


def test_broken_cards_are_reported_and_the_others_kept() -> None:
    cards, errors = read("broken.vcf")
    assert [c.formatted_name for c in cards] == ["Good One", "Has Garbage", "Good Two"]
    assert cards[1].emails[0].value == "garbage@example.com"
    assert [(e.card_number, e.line) for e in errors] == [
        (None, 1),
        (2, 11),
        (3, 14),
        (4, 18),
        (6, 25),
    ]
    assert "2 lines outside BEGIN:VCARD" in errors[0].reason
    assert "not a property line" in errors[1].reason
    assert "no name, email address or phone number" in errors[2].reason
    assert "no END:VCARD before the next BEGIN:VCARD" in errors[3].reason
    assert "file ends inside it" in errors[4].reason
    assert str(errors[1]).startswith("card 2, line 11: ")
    assert [e.code for e in errors] == ["outside", "not_a_property", "nameless", "no_end", "no_end"]


def test_binary_file_gives_errors_not_exceptions() -> None:
    blob = PNG * 50 + bytes(range(256)) * 20 + b"\r\r\r\x00\xff\xfe"
    cards, errors = read_cards(blob)
    assert cards == []
    assert len(errors) == 1
    assert errors[0].card_number is None
    assert read_cards(b"\xff\xfe" + bytes(range(256)))[0] == []  # "UTF-16" garbage too


@pytest.mark.parametrize("empty", [b"", "", b"\r\n\r\n", "\ufeff", b"\xef\xbb\xbf"])
def test_empty_input(empty: bytes | str) -> None:
    assert read_cards(empty) == ([], [])


def test_lf_cr_and_text_input_give_the_same_cards() -> None:
    text = (FIXTURES / "v30_google.vcf").read_text("utf-8")
    expected, _ = read_cards(text)
    for ending in ("\r\n", "\r", "\r\r\n"):
        cards, errors = read_cards(text.replace("\n", ending).encode("utf-8"))
        assert (cards, errors) == (expected, [])


@pytest.mark.parametrize("name", ["v30_apple_crcrlf.vcf", "v21_outlook.vcf", "utf16_bom.vcf"])
def test_streaming_in_small_chunks_gives_the_same_result(name: str) -> None:
    data = (FIXTURES / name).read_bytes()
    expected_cards, expected_errors = read_cards(data)
    for size in (1, 2, 3, 7):
        chunks = [data[i : i + size] for i in range(0, len(data), size)]
        items = list(iter_cards(chunks))
        assert [i for i in items if isinstance(i, Card)] == expected_cards
        assert [i for i in items if isinstance(i, ReadError)] == expected_errors
    items = list(iter_cards(io.BytesIO(data)))  # a binary file object
    assert [i for i in items if isinstance(i, Card)] == expected_cards
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-8", "replace")
        items = list(iter_cards(io.StringIO(text, newline="")))  # a text file object
        assert [i for i in items if isinstance(i, Card)] == read_cards(text)[0]


def test_iter_cards_keeps_memory_bounded_on_a_large_stream() -> None:
    card = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A B\r\nN:B;A;;;\r\n"
        "EMAIL:a@example.com\r\nNOTE:" + "x" * 500 + "\r\nEND:VCARD\r\n"
    ).encode()

    def endless() -> Iterator[bytes]:
        for _ in range(5_000):  # 2.7 MB in all
            yield card

    count = 0
    tracemalloc.start()
    try:
        for item in iter_cards(endless()):
            assert isinstance(item, Card)
            count += 1
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 5_000
    assert peak < 500_000


def test_vcard_21_raw_8bit_charset_and_unindented_base64() -> None:
    b64 = base64.b64encode(PNG).decode()
    data = (
        b"BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=ISO-8859-1:M\xfcller;J\xfcrgen\r\n"
        b"PHOTO;ENCODING=BASE64;TYPE=PNG:\r\n"
        + b64[:40].encode()
        + b"\r\n"
        + b64[40:].encode()
        + b"\r\n\r\nEND:VCARD\r\n"
    )
    cards, errors = read_cards(data)
    assert errors == []
    assert (cards[0].family, cards[0].given) == ("Müller", "Jürgen")
    assert cards[0].photo == Photo(data=PNG, mime="image/png")


def test_dates_in_every_form() -> None:
    forms = {
        "19850415": PartialDate(1985, 4, 15),
        "1985-04-15": PartialDate(1985, 4, 15),
        "--0415": PartialDate(None, 4, 15),
        "--04-15": PartialDate(None, 4, 15),
        "1985-04-15T10:00:00Z": PartialDate(1985, 4, 15),
        "19850415T100000": PartialDate(1985, 4, 15),
        "1985-04": PartialDate(1985, 4, None),
        "1985": PartialDate(1985, None, None),
        "---15": PartialDate(None, None, 15),
        "--0229": PartialDate(None, 2, 29),
    }
    for text, expected in forms.items():
        cards, _ = read_cards(f"BEGIN:VCARD\nFN:x\nBDAY:{text}\nEND:VCARD\n")
        assert cards[0].birthday == expected, text
    cards, _ = read_cards("BEGIN:VCARD\nFN:x\nBDAY;X-APPLE-OMIT-YEAR=1604:1604-04-15\nEND:VCARD\n")
    assert cards[0].birthday == PartialDate(None, 4, 15)
    for bad in ("19850230", "1985-13-01", "soon", "20230229"):
        cards, errors = read_cards(f"BEGIN:VCARD\nFN:x\nBDAY:{bad}\nEND:VCARD\n")
        assert (cards[0].birthday, errors) == (None, [])
        assert cards[0].extra == [f"BDAY:{bad}"]


def test_parameters_quoted_and_caret_escaped() -> None:
    cards, _ = read_cards(
        'BEGIN:VCARD\nVERSION:4.0\nFN:x\nEMAIL;TYPE="home,work";TYPE=pref;X-A="a:b;c":a@b.c\n'
        "item7.TEL;TYPE=cell:1\nitem7.X-ABLabel:Caret ^ and\\, comma\nEND:VCARD\n"
    )
    assert cards[0].emails == [Value("a@b.c", ["home", "work"], "", 1)]
    assert cards[0].phones == [Value("1", ["cell"], "Caret ^ and, comma")]


def test_uri_values_are_not_unescaped() -> None:
    cards, _ = read_cards(
        "BEGIN:VCARD\nVERSION:3.0\nFN:x\nURL:https://example.com/a\\,b?q=1;2\n"
        "PHOTO;VALUE=uri:https://example.com/p\\,1.png\nEND:VCARD\n"
    )
    assert cards[0].urls[0].value == "https://example.com/a\\,b?q=1;2"
    assert cards[0].photo == Photo(uri="https://example.com/p\\,1.png")


# ---------------------------------------------------------------------------------------------
# Writing


def full_card() -> Card:
    return Card(
        formatted_name="Anna de Vries",
        family="de Vries",
        given="Anna",
        nicknames=["Annie"],
        organisation="Acme; Inc.",
        departments=["Sales"],
        title="Head, Sales",
        emails=[Value("anna@example.com", ["home"], "Tennis club", 1)],
        phones=[Value("+31 6 1111 2222", ["cell"])],
        addresses=[
            Address(street="Kerkstraat 1", locality="Utrecht", country="NL", types=["home"])
        ],
        birthday=PartialDate(None, 4, 15),
        anniversary=PartialDate(2010, 6, 1),
        photo=Photo(data=PNG, mime="image/png"),
        note="Line one\nLine two; with \\ and ,",
        categories=["friends", "a,b"],
        uid="uid-1",
        extra=["X-UNKNOWN;X-P=1:keep\\, me", "item1.X-ABADR:nl"],
    )


def test_write_40() -> None:
    text = write_card(full_card(), "4.0")
    lines = text.split("\r\n")
    assert lines[:3] == ["BEGIN:VCARD", "VERSION:4.0", "FN:Anna de Vries"]
    assert "N:de Vries;Anna;;;" in lines
    assert "ORG:Acme\\; Inc.;Sales" in lines
    assert "TITLE:Head\\, Sales" in lines
    # item1 is taken by an extra line, so the label group is item2
    assert "item2.EMAIL;TYPE=home;PREF=1:anna@example.com" in lines
    assert "item2.X-ABLabel:Tennis club" in lines
    assert "BDAY:--0415" in lines
    assert "ANNIVERSARY:20100601" in lines
    assert any(line.startswith("PHOTO:data:image/png;base64,iVBOR") for line in lines)
    assert "NOTE:Line one\\nLine two\\; with \\\\ and \\," in lines
    assert "CATEGORIES:friends,a\\,b" in lines
    assert "X-UNKNOWN;X-P=1:keep\\, me" in lines
    assert text.endswith("END:VCARD\r\n")
    assert "\n" not in text.replace("\r\n", "")


def test_write_30() -> None:
    text = write_card(full_card(), "3.0")
    unfolded = text.replace("\r\n ", "")
    lines = unfolded.split("\r\n")
    assert lines[1] == "VERSION:3.0"
    assert "item2.EMAIL;TYPE=home,pref:anna@example.com" in lines
    assert "BDAY;X-APPLE-OMIT-YEAR=1604:1604-04-15" in lines
    assert "X-ANNIVERSARY:2010-06-01" in lines
    assert f"PHOTO;ENCODING=b;TYPE=PNG:{base64.b64encode(PNG).decode()}" in lines
    cards, errors = read_cards(text)
    assert errors == []
    assert cards[0].photo == Photo(data=PNG, mime="image/png")
    assert cards[0].birthday == PartialDate(None, 4, 15)


def test_write_only_30_and_40() -> None:
    with pytest.raises(ValueError, match="'2.1' cannot be written"):
        write_card(Card(formatted_name="x"), "2.1")  # type: ignore[arg-type]
    assert Card(nicknames=["Jim", "Jimmy"]).nickname == "Jim, Jimmy"


def test_write_always_has_n_and_fn() -> None:
    text = write_card(Card(emails=[Value("x@example.com")]))
    assert "FN:x@example.com\r\n" in text
    assert "N:;;;;\r\n" in text
    text = write_card(Card(given="Jan", family="Jansen", prefixes="dr."))
    assert "FN:dr. Jan Jansen\r\n" in text


def test_folding_at_75_octets_without_splitting_utf8() -> None:
    note = "é" * 100 + "x" * 7 + "€😀" * 40
    text = write_card(Card(formatted_name="x", note=note), "4.0")
    for line in text.split("\r\n"):
        raw = line.encode("utf-8")  # each physical line is valid UTF-8 on its own
        assert len(raw) <= 75
    cards, errors = read_cards(text.encode("utf-8"))
    assert errors == []
    assert cards[0].note == note


def test_write_cards_and_photo_uri() -> None:
    cards = [Card(formatted_name="A", photo=Photo(uri="https://e.com/a.jpg")), Card(given="B")]
    text = write_cards(cards, "3.0")
    assert text.count("BEGIN:VCARD") == 2
    assert "PHOTO;VALUE=uri:https://e.com/a.jpg" in text
    assert "PHOTO:https://e.com/a.jpg" in write_card(cards[0], "4.0")


def test_uris_and_extra_lines_never_break_the_line_structure() -> None:
    card = Card(
        formatted_name="x",
        urls=[Value("https://e.com/a\nb")],
        extra=["X-A:one\ntwo", "X-B;P=1:three"],
    )
    lines = write_card(card).split("\r\n")
    assert "URL:https://e.com/a%0Ab" in lines
    assert "X-A:one\\ntwo" in lines
    assert "X-B;P=1:three" in lines


def test_delivery_label_is_written_with_caret_escapes() -> None:
    card = Card(formatted_name="x", addresses=[Address(street="a", delivery_label='A\n"B", C')])
    text = write_card(card, "4.0")
    assert "ADR;LABEL=\"A^n^'B^', C\":;;a;;;;" in text
    assert read_cards(text)[0][0].addresses[0].delivery_label == 'A\n"B", C'


# ---------------------------------------------------------------------------------------------
# Round trip (hypothesis)

text_chars = st.characters(
    blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029\x85"
) | st.sampled_from(list(",;:\\\"^\n'") + ["\t"])
texts = st.text(text_chars, max_size=30).map(lambda s: s.strip())
words = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")), min_size=1, max_size=12
)
types = st.lists(st.sampled_from(["home", "work", "cell", "voice", "internet"]), unique=True)
values = st.builds(
    Value,
    value=st.text(string.ascii_letters + string.digits + "@.+-_ ", min_size=1, max_size=20).map(
        lambda s: s.strip() or "x"
    ),
    types=types,
    label=texts,
    pref=st.one_of(st.none(), st.just(1)),
)
uris = st.builds(
    "{}://{}/{}".format,
    st.sampled_from(["https", "http", "xmpp", "skype"]),
    st.text(string.ascii_lowercase + ".", min_size=1, max_size=12),
    st.text(string.ascii_letters + string.digits + "/?=&,;%\\-_", max_size=20),
)
dates = st.builds(
    PartialDate,
    year=st.one_of(st.none(), st.integers(1605, 2100)),
    month=st.integers(1, 12),
    day=st.integers(1, 28),
)
cards = st.builds(
    Card,
    formatted_name=texts.filter(bool),
    family=texts,
    given=texts,
    additional=texts,
    prefixes=texts,
    suffixes=texts,
    nicknames=st.lists(words.map(str.strip).filter(bool), max_size=3),
    organisation=texts.filter(bool),
    departments=st.lists(texts.filter(bool), max_size=2),
    title=texts,
    role=texts,
    emails=st.lists(values, max_size=3),
    phones=st.lists(values, max_size=2),
    addresses=st.lists(
        st.builds(Address, street=texts, locality=texts, country=texts, types=types, label=texts),
        max_size=2,
    ),
    birthday=st.one_of(st.none(), dates),
    anniversary=st.one_of(st.none(), dates),
    photo=st.one_of(
        st.none(),
        st.builds(Photo, data=st.binary(min_size=1, max_size=200), mime=st.just("image/png")),
        st.builds(Photo, uri=uris),
    ),
    note=st.text(text_chars, max_size=200).map(lambda s: s.strip("\n")),
    categories=st.lists(words.map(str.strip).filter(bool), max_size=3),
    uid=st.text(string.ascii_letters + string.digits + "-:", max_size=20),
    urls=st.lists(st.builds(Value, value=uris, types=types, label=texts), max_size=2),
    socials=st.lists(st.builds(Value, value=uris, types=types), max_size=2),
    impps=st.lists(st.builds(Value, value=uris), max_size=1),
    time_zone=texts,
    gender=st.sampled_from(["", "M", "F", "O", "N", "U"]),
    rev=st.sampled_from(["", "20231001T120000Z"]),
)


def modelled(card: Card) -> Card:
    card.version = ""
    card.line = 0
    card.extra = []
    return card


@pytest.mark.parametrize("version", ["4.0", "3.0"])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(card=cards)
def test_round_trip(version: str, card: Card) -> None:
    text = write_card(card, version)  # type: ignore[arg-type]
    back, errors = read_cards(text.encode("utf-8"))
    assert errors == []
    assert len(back) == 1
    assert back[0].version == version
    assert modelled(back[0]) == modelled(card)


# ---------------------------------------------------------------------------------------------
# Differential test: vobject as a second opinion on our vCard 3.0 fixtures


def vobject_view(data: str) -> list[tuple[str, str, list[str], list[str]]]:
    vobject = pytest.importorskip("vobject")
    out = []
    for component in vobject.readComponents(data):
        n = getattr(component, "n", None)
        family = n.value.family if n is not None else ""
        given_ = n.value.given if n is not None else ""
        emails = [e.value for e in component.contents.get("email", [])]
        phones = [t.value.removeprefix("tel:") for t in component.contents.get("tel", [])]
        out.append((str(family).strip(), str(given_).strip(), emails, phones))
    return out


def our_view(cards: list[Card]) -> list[tuple[str, str, list[str], list[str]]]:
    return [
        (c.family, c.given, [e.value for e in c.emails], [p.value for p in c.phones]) for c in cards
    ]


@pytest.mark.parametrize("name", ["v30_google.vcf", "utf8_bom.vcf", "v30_apple_crcrlf.vcf"])
def test_vobject_agrees_on_our_30_fixtures(name: str) -> None:
    data = (FIXTURES / name).read_bytes()
    cards, _ = read_cards(data)
    data = data.replace(b"\r\r\n", b"\r\n")  # vobject cannot read iPhone's CR CR LF
    assert our_view(cards) == vobject_view(data.decode("utf-8-sig"))


def test_vobject_agrees_on_what_we_write() -> None:
    card = full_card()
    for version in ("3.0", "4.0"):
        text = write_card(card, version)
        assert vobject_view(text) == our_view([card])


def test_no_django_imports() -> None:
    source = (Path(__file__).parents[2] / "src/aandacht/exchange/vcard.py").read_text()
    imports = [
        line for line in source.splitlines() if line.lstrip().startswith(("import ", "from "))
    ]
    assert imports
    assert not [line for line in imports if "django" in line or "aandacht" in line]


def test_cards_know_their_position_in_the_file() -> None:
    items = list(iter_cards([(FIXTURES / "broken.vcf").read_bytes()]))
    assert [c.number for c in items if isinstance(c, Card)] == [1, 2, 5]


def test_quoted_printable_soft_break_before_a_blank_line_ends_the_value() -> None:
    """Android writes ``ORG;…QUOTED-PRINTABLE:…=`` then a blank line, then the next property."""
    data = (
        b"BEGIN:VCARD\r\nVERSION:2.1\r\nN:Doe;Jane\r\n"
        b"ORG;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C3=91and=\r\n=C3=BA=\r\n\r\n"
        b"NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:caf=C3=A9=\r\n\r\n"
        b"TEL;CELL:123\r\nEND:VCARD\r\n"
    )
    [card], errors = read_cards(data)
    assert errors == []
    assert (card.organisation, card.note) == ("Ñandú", "café")
    assert [p.value for p in card.phones] == ["123"]


def test_data_uri_with_an_escaped_comma() -> None:
    b64 = base64.b64encode(PNG).decode()
    [card], _ = read_cards(
        f"BEGIN:VCARD\nVERSION:4.0\nFN:A\nPHOTO:data:image/png;base64\\,{b64}\nEND:VCARD\n"
    )
    assert card.photo == Photo(data=PNG, mime="image/png")


def test_a_nickname_is_enough_to_name_a_card() -> None:
    [card], errors = read_cards("BEGIN:VCARD\nVERSION:3.0\nNICKNAME:Bolle\nEND:VCARD\n")
    assert errors == [] and card.nicknames == ["Bolle"]


def test_a_second_anniversary_stays_in_extra_and_extra_properties_reads_it() -> None:
    [card], _ = read_cards(
        "BEGIN:VCARD\nVERSION:3.0\nFN:A\nX-ANNIVERSARY:2001-01-01\n"
        "item1.X-ABDATE:2005-05-05\nitem1.X-ABLabel:_$!<Anniversary>!$_\n"
        "LABEL;TYPE=HOME;ENCODING=QUOTED-PRINTABLE:Dorp 1=0D=0AErgens\nEND:VCARD\n"
    )
    assert card.anniversary == PartialDate(2001, 1, 1)
    extra = {p.name: p for p in extra_properties(card)}
    assert set(extra) == {"X-ABDATE", "LABEL"}
    assert (extra["X-ABDATE"].text, extra["X-ABDATE"].label) == ("2005-05-05", "Anniversary")
    assert (extra["LABEL"].text, extra["LABEL"].types()) == ("Dorp 1\nErgens", ["home"])
    assert parse_date("1604-04-15", "1604") == PartialDate(None, 4, 15)
