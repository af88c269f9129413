"""vCard → Record on the real files of the shared corpus (see its README and QUIRKS_INDEX.txt).

For every card the reader (:func:`aandacht.exchange.vcard.read_cards`) reads, the Record must carry
the same names, email addresses, phone numbers, dates and photo; vobject is a second opinion on
the files it can read. The intentionally broken or odd files are listed in ``EXPECTED`` with
what happens to them.

The corpus is NOT part of the project (some files are GPL-3.0): it is read from
``AANDACHT_VCARD_CORPUS`` (default ``../shared/corpus/vcards`` next to the repository). In CI
(``CI=true``) a missing corpus is a failure; elsewhere the tests are skipped with a message.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from aandacht.exchange import vcard
from aandacht.exchange.from_vcard import image_type, records_from_vcards
from aandacht.exchange.records import Problem, Record, RecordDate
from aandacht.people import names

REPO = Path(__file__).resolve().parents[2]
_CANDIDATES = [REPO.parent / "shared/corpus/vcards", Path("/work/shared/corpus/vcards")]
CORPUS = Path(
    os.environ.get("AANDACHT_VCARD_CORPUS")
    or next((c for c in _CANDIDATES if c.is_dir()), _CANDIDATES[0])
)
FILES = sorted(CORPUS.rglob("*.vcf")) if CORPUS.is_dir() else []
IDS = [str(f.relative_to(CORPUS)) for f in FILES]


@pytest.fixture(autouse=True)
def _need_corpus() -> None:
    if FILES:
        return
    message = f"vCard corpus not found at {CORPUS} (set AANDACHT_VCARD_CORPUS)"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message)
    pytest.skip(message)


# What happens to the broken or odd files, by card number: the Problem codes, the cards that
# become Records without a name (they carry an email address or phone number, and the importer
# names them after it), and the cards whose photo is not kept.
EXPECTED: dict[str, dict[str, object]] = {
    # no END:VCARD: the file ends inside the only card
    "khard/vcards__unparsable.vcf": {"problems": [(1, "no_end")]},
    # a PHOTO and nothing else: nothing to call the person by
    "sabre-vobject/issue64.vcf": {"problems": [(1, "nameless")]},
    # Apple contact groups (X-ADDRESSBOOKSERVER-KIND:group): lists of members, not people
    "caldavtester/vcardput__16.vcf": {"problems": [(1, "group")]},
    "caldavtester/vcardput__17.vcf": {"problems": [(1, "group")]},
    "caldavtester/vcardput__19.vcf": {"problems": [(1, "group")]},
    # SOGo cards without N or FN, only an email address
    "radicale/broken-vcard.vcf": {"nameless": [1]},
    "radicale/broken-vcards.vcf": {"nameless": [1, 2]},
    "radicale/broken-vcards2.vcf": {"nameless": [2]},
    "radicale/broken-vcards2-no_uid.vcf": {"nameless": [2]},
    # Android: two email-only cards; card 5's JPEG is corrupt base64, so no photo
    "ez-vcard/John_Doe_ANDROID.vcf": {"nameless": [1, 2], "no_photo": [5]},
    # an Apple company card (X-ABShowAs:COMPANY) whose N repeats the company: no person name
    "caldavtester/vcardput__7.vcf": {"company": [1]},
    "caldavtester/vreports_put__7.vcf": {"company": [1]},
}


def expected(path: Path, key: str) -> list[object]:
    value = EXPECTED.get(str(path.relative_to(CORPUS)), {}).get(key, [])
    assert isinstance(value, list)
    return value


def words(*parts: str) -> list[str]:
    return sorted(names.fold(" ".join(parts).replace(",", " ")).split())


def record_words(record: Record) -> list[str]:
    return words(record.given_name, record.particles, record.family_name)


def card_words(card: vcard.Card) -> list[str]:
    if card.given or card.family or card.additional:
        return words(card.given, card.additional, card.family)
    return words(card.formatted_name)


def yearly(kind: str, date: vcard.PartialDate | None) -> list[RecordDate]:
    if date is None or date.month is None or date.day is None:
        return []
    return [RecordDate(kind, date.month, date.day, date.year)]  # type: ignore[arg-type]


def test_corpus_is_there() -> None:
    assert len(FILES) >= 90


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_every_card_comes_through(path: Path) -> None:
    data = path.read_bytes()
    with path.open("rb") as stream:
        found = list(records_from_vcards(stream))
    cards, errors = vcard.read_cards(data)
    by_number = {r.number: r for r in found if isinstance(r, Record)}
    problems = sorted((p.record, p.code) for p in found if isinstance(p, Problem))

    # every card is one Record or one Problem, numbered by its place in the file
    assert problems == sorted(expected(path, "problems")), problems
    # The line comes last ("… (line 14)"): the caller puts "Card 3" in front of the reason.
    assert all(re.search(r"\(line \d+\)$", p.reason) for p in found if isinstance(p, Problem))
    begins = data.upper().count(b"BEGIN:VCARD")
    assert len(by_number) + len(problems) == begins
    assert len(errors) == len([p for p in problems if p[1] != "group"])

    for card in cards:
        if card.kind == "group":
            assert card.number not in by_number
            continue
        record = by_number[card.number]
        label = f"{path.name} card {card.number}"
        # names: the same words, wherever the particles ended up
        if card.number in expected(path, "company"):
            assert record_words(record) == [] and record.organisation, label
        elif card.number in expected(path, "nameless"):
            assert not record.has_name() and record.contacts, label
        else:
            assert record.has_name() or record.organisation, label
            if card.given or card.family or card.additional or not card.organisation:
                assert record_words(record) == card_words(card), label
        # N prefixes and suffixes are lists: "Prof.,Dr." → "Prof. Dr.", "Jr.,M.D." → "Jr., M.D."
        prefixes = [s.strip() for s in card.prefixes.split(",") if s.strip()]
        suffixes = [s.strip() for s in card.suffixes.split(",") if s.strip()]
        if card.number not in expected(path, "company"):
            assert record.name_prefix == " ".join(prefixes), label
            assert record.name_suffix == ", ".join(suffixes), label
        # every email and phone, in order, as written
        emails = [c.value for c in record.contacts if c.kind == "email"]
        phones = [c.value for c in record.contacts if c.kind == "phone"]
        assert emails == [v.value for v in card.emails], label
        assert phones == [v.value for v in card.phones], label
        # birthday and anniversary
        assert [d for d in record.dates if d.kind == "birthday"] == yearly(
            "birthday", card.birthday
        ), label
        if card.anniversary is not None:
            assert yearly("anniversary", card.anniversary)[0] in record.dates, label
        # an inline photo that is an image comes through byte for byte
        photo = card.photo
        if card.number in expected(path, "no_photo"):
            assert record.photo is None, label
        elif photo is not None and photo.data:
            assert record.photo is not None, label
            assert record.photo.data == photo.data
            assert record.photo.mime == image_type(photo.data) == photo.mime
        else:
            assert record.photo is None, label  # none, or by URI: nothing is fetched
        if card.note:
            # Related names (X-ABRELATEDNAMES, RELATED, X-SPOUSE…) follow as lines of their own.
            assert record.note.startswith(card.note.strip())
        assert record.uid == card.uid


def test_what_some_quirky_files_give() -> None:
    def first(name: str) -> Record:
        with (CORPUS / name).open("rb") as stream:
            record = next(records_from_vcards(stream))
        assert isinstance(record, Record)
        return record

    iphone = first("ez-vcard/John_Doe_IPHONE.vcf")  # CR CR LF, item groups, Apple labels
    assert (iphone.given_name, iphone.family_name) == ("John Richter James", "Doe")
    assert (iphone.name_prefix, iphone.name_suffix) == ("Mr.", "Sr.")
    assert (iphone.organisation, iphone.department) == ("IBM", "Accounting")
    labels = [c.label for c in iphone.contacts if c.kind == "phone"]
    assert labels == ["mobile", "home", "work", "home fax", "work fax", "pager", "assistant"]
    assert [(a.label, a.street) for a in iphone.addresses] == [
        ("home", "Silicon Alley 5"),
        ("work", "Street4\nBuilding 6\nFloor 8"),
    ]

    outlook = first("ez-vcard/John_Doe_MS_OUTLOOK.vcf")  # 2.1 QP, LABEL next to ADR
    assert len(outlook.addresses) == 2  # the LABEL lines repeat the ADRs
    assert RecordDate("anniversary", 1, 13, 2011) in outlook.dates  # X-MS-ANNIVERSARY

    gmail = first("ez-vcard/gmail-single2.vcf")  # Google's labels and X-ABDATE
    assert RecordDate("anniversary", 3, 20, 1930) in gmail.dates
    assert RecordDate("custom", 9, 12, 2000, "CustomDateCategory") in gmail.dates
    assert ("phone", "grand central") in [(c.kind, c.label) for c in gmail.contacts]

    thunderbird = first("ez-vcard/thunderbird-MoreFunctionsForAddressBook-extension.vcf")
    assert thunderbird.tags == ["category1", "category2", "category3"]  # escaped commas

    evolution = first("ez-vcard/John_Doe_EVOLUTION.vcf")
    assert evolution.given_name == "John Richter James"  # "Richter\, James" as one value
    assert RecordDate("anniversary", 3, 22, 1980) in evolution.dates

    photo_v4 = first("khard/vcards__photov4.vcf")  # data:image/png;base64\, (escaped comma)
    assert photo_v4.photo is not None and photo_v4.photo.mime == "image/png"

    no_year = first("radicale/contact4-with-bday-no-year.vcf")  # CardBook's 1604 year
    assert no_year.dates == [RecordDate("birthday", 1, 1, None)]

    text_bday = first("khard/vcards__text-bday.vcf")  # BDAY;VALUE=text:circa 1800
    assert text_bday.dates == []

    org = first("khard/vcards__org.vcf")  # an organisation card stays a record
    assert (org.organisation, org.has_name()) == ("ACME Inc.", False)


def test_vobject_agrees_where_it_can_read() -> None:
    """vobject 0.9.9 as an oracle: same names, emails, phones and birthdays."""
    vobject = pytest.importorskip("vobject")
    compared = 0
    for path in FILES:
        data = path.read_bytes()
        try:
            components = list(vobject.readComponents(data.decode("utf-8")))
        except Exception:  # noqa: BLE001, S112 - vobject fails on 2.1 QP, CR-CR-LF, …
            continue
        found = [r for r in records_from_vcards(data) if isinstance(r, Record)]
        people = [
            c
            for c in components
            if "x-addressbookserver-kind" not in c.contents
            and ("n" in c.contents or "fn" in c.contents)
        ]
        if len(found) != len(people) or any(not r.has_name() for r in found):
            continue  # nameless, grouped or broken cards: the test above says what happens
        for record, component in zip(found, people, strict=True):
            n = component.n.value if "n" in component.contents else None
            theirs = words(str(n.given), str(n.additional), str(n.family)) if n else []
            if not theirs and "fn" in component.contents:
                theirs = words(str(component.fn.value))  # an empty N: the name is in FN
            if theirs and record.organisation and not record_words(record):
                continue  # a company card
            assert record_words(record) == theirs, path
            emails = [e.value for e in component.contents.get("email", [])]
            phones = [t.value.removeprefix("tel:") for t in component.contents.get("tel", [])]
            assert [c.value for c in record.contacts if c.kind == "email"] == emails, path
            assert [c.value for c in record.contacts if c.kind == "phone"] == phones, path
            if "bday" in component.contents:
                bday = str(component.bday.value)
                birthday = [d for d in record.dates if d.kind == "birthday"]
                if bday[:1].isdigit() and not bday.startswith("1604"):
                    digits = bday.replace("-", "")[:8]
                    assert birthday == [
                        RecordDate("birthday", int(digits[4:6]), int(digits[6:8]), int(digits[:4]))
                    ], path
        compared += 1
    assert compared >= 75
