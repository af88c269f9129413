"""The vCard reader on real files from Apple, Google, Outlook, Android, BlackBerry, Lotus Notes,
Evolution, Thunderbird, SOGo, khard, Radicale … (see the corpus README and QUIRKS_INDEX.txt).

The corpus is NOT part of the project (some files are GPL-3.0): it is read from
``AANDACHT_VCARD_CORPUS`` (default ``../shared/corpus/vcards`` next to the repository). In CI
(``CI=true``) a missing corpus is a failure; elsewhere the tests are skipped with a message.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from aandacht.exchange.vcard import Card, read_cards

REPO = Path(__file__).resolve().parents[2]
# Next to the repository by default; a clone elsewhere (a fresh clone in /tmp, as CI makes)
# falls back to the shared folder of this workplace.
_CANDIDATES = [REPO.parent / "shared/corpus/vcards", Path("/work/shared/corpus/vcards")]
CORPUS = Path(
    os.environ.get("AANDACHT_VCARD_CORPUS")
    or next((c for c in _CANDIDATES if c.is_dir()), _CANDIDATES[0])
)


def corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(CORPUS.rglob("*.vcf"))


FILES = corpus_files()
IDS = [str(f.relative_to(CORPUS)) for f in FILES]


@pytest.fixture(autouse=True)
def _need_corpus() -> None:
    if FILES:
        return
    message = f"vCard corpus not found at {CORPUS} (set AANDACHT_VCARD_CORPUS)"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message)
    pytest.skip(message)


def test_corpus_is_there() -> None:
    """Fails in CI, skips elsewhere, when the corpus is missing (see the fixture above)."""
    assert len(FILES) >= 90


def index() -> dict[str, tuple[int, str, set[str]]]:
    """QUIRKS_INDEX.txt: path → (number of cards, version, quirks)."""
    out: dict[str, tuple[int, str, set[str]]] = {}
    for line in (CORPUS / "QUIRKS_INDEX.txt").read_text("utf-8").splitlines():
        bits = line.split()
        if len(bits) >= 5 and bits[2].startswith("n="):
            out[bits[0]] = (int(bits[2][2:]), bits[3].removeprefix("v"), set(bits[4:]))
    return out


# What happens to the intentionally broken (or odd) files, card by card.
#   nameless: cards (0-based among the cards read) with neither FN nor N nor ORG. The reader keeps
#   them because they carry an email address (the importer names them after it or lists them).
EXPECTED: dict[str, dict[str, object]] = {
    "khard/vcards__unparsable.vcf": {"cards": 0, "errors": ["file ends inside it"]},
    "sabre-vobject/issue64.vcf": {
        "cards": 0,
        "errors": ["no name, email address or phone number"],  # a PHOTO and nothing else
    },
    "radicale/broken-vcard.vcf": {"cards": 1, "nameless": [0]},
    "radicale/broken-vcards.vcf": {"cards": 2, "nameless": [0, 1]},
    "radicale/broken-vcards2.vcf": {"cards": 2, "nameless": [1]},
    "radicale/broken-vcards2-no_uid.vcf": {"cards": 2, "nameless": [1]},
    # Android writes contacts that only have an email address; card 5's JPEG is corrupt base64
    # (1,169 characters): no photo, the line is kept in ``extra``.
    "ez-vcard/John_Doe_ANDROID.vcf": {"cards": 6, "nameless": [0, 1], "bad_photo": [4]},
    # BDAY;VALUE=text:circa 1800 is not a date: kept in ``extra``
    "khard/vcards__text-bday.vcf": {"cards": 1, "text_bday": [0]},
}

PROPERTY = {
    name: re.compile(rf"(?im)^(?:[\w-]+\.)?{name}[;:]")
    for name in ("EMAIL", "TEL", "BDAY", "PHOTO")
}


def split_cards(text: str) -> list[str]:
    return re.findall(r"(?is)BEGIN:VCARD.*?(?=BEGIN:VCARD|\Z)", text)


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_every_corpus_file_reads(path: Path) -> None:
    name = str(path.relative_to(CORPUS))
    data = path.read_bytes()
    cards, errors = read_cards(data)  # never raises
    expected = EXPECTED.get(name, {})
    count, version, quirks = index()[name]

    assert len(cards) == expected.get("cards", count), errors
    wanted_errors = expected.get("errors", [])
    assert isinstance(wanted_errors, list)
    assert len(errors) == len(wanted_errors)
    for error, reason in zip(errors, wanted_errors, strict=True):
        assert reason in error.reason
        assert error.line >= 1
    if not cards:
        return

    texts = split_cards(data.decode("utf-8", "replace"))
    nameless = expected.get("nameless", [])
    bad_photo = expected.get("bad_photo", [])
    text_bday = expected.get("text_bday", [])
    assert isinstance(nameless, list) and isinstance(bad_photo, list)
    assert isinstance(text_bday, list)
    # cards and raw card texts line up one to one when nothing was dropped
    raw = [t for t in texts if re.search(r"(?im)^END:VCARD", t)]
    assert len(raw) == len(cards)
    for i, (card, source) in enumerate(zip(cards, raw, strict=True)):
        assert card.version == version
        named = bool(card.formatted_name or card.family or card.given or card.organisation)
        assert named != (i in nameless), (i, card.formatted_name)
        # every email and phone line becomes a value (duplicates included)
        assert len(card.emails) == len(PROPERTY["EMAIL"].findall(source))
        assert len(card.phones) == len(PROPERTY["TEL"].findall(source))
        assert all(v.value and v.value == v.value.strip() for v in card.emails + card.phones)
        if PROPERTY["BDAY"].search(source) and i not in text_bday:
            assert card.birthday is not None
            assert card.birthday.month is not None and card.birthday.day is not None
        if PROPERTY["PHOTO"].search(source):
            if i in bad_photo:
                assert card.photo is None
                assert any(line.upper().startswith("PHOTO") for line in card.extra)
            else:
                assert card.photo is not None
                assert card.photo.data or card.photo.uri
                if card.photo.data:
                    assert card.photo.mime in ("image/jpeg", "image/png"), card.photo.mime
        if quirks & {"b64-binary", "data-URI"} and i not in bad_photo and card.photo:
            assert card.photo.data is None or len(card.photo.data) > 50


def test_what_the_quirky_files_give() -> None:
    def one(name: str) -> Card:
        cards, errors = read_cards((CORPUS / name).read_bytes())
        assert errors == []
        return cards[0]

    iphone = one("ez-vcard/John_Doe_IPHONE.vcf")  # CR CR LF, itemN groups, X-ABLabel
    assert (iphone.family, iphone.given) == ("Doe", "John")
    assert iphone.photo is not None and iphone.photo.mime == "image/jpeg"
    assert any(v.label for v in iphone.emails + iphone.phones + iphone.urls)
    outlook = one("ez-vcard/John_Doe_MS_OUTLOOK.vcf")  # vCard 2.1 quoted-printable
    assert outlook.formatted_name == "Mr. John Richter James Doe Sr."
    assert "\n" in outlook.note or len(outlook.note) > 100
    rfc = one("ez-vcard/rfc6350-example.vcf")
    assert rfc.birthday is not None and rfc.birthday.year is None
    no_year = one("radicale/contact4-with-bday-no-year.vcf")  # CardBook writes 16040101
    assert no_year.birthday is not None and no_year.birthday.year is None
    v4_photo = one("radicale/contact_photo_with_data_uri_v4.vcf")
    v3_photo = one("radicale/contact_photo_with_data_uri.vcf")  # invalid, read leniently
    assert v4_photo.photo == v3_photo.photo
    assert v4_photo.photo is not None and v4_photo.photo.mime == "image/png"
    altid = one("khard/vcards__altid.vcf")  # two N with ALTID: the first wins, the other is kept
    assert altid.given == "one"
    assert any(line.startswith("N;") for line in altid.extra)


def test_vobject_agrees_where_it_can_read() -> None:
    vobject = pytest.importorskip("vobject")
    compared = 0
    for path in FILES:
        data = path.read_bytes()
        try:
            theirs = []
            for component in vobject.readComponents(data.decode("utf-8")):
                n = getattr(component, "n", None)
                theirs.append(
                    (
                        str(n.value.family).strip() if n is not None else "",
                        str(n.value.given).strip() if n is not None else "",
                        [e.value for e in component.contents.get("email", [])],
                        [t.value.removeprefix("tel:") for t in component.contents.get("tel", [])],
                    )
                )
        except Exception:  # noqa: BLE001, S112 - vobject fails on 2.1 QP, CR-CR-LF, …
            continue
        cards, errors = read_cards(data)
        if errors:  # vobject reads nameless or photo-only cards as empty components
            continue
        ours = [
            (c.family, c.given, [e.value for e in c.emails], [p.value for p in c.phones])
            for c in cards
        ]
        assert ours == theirs, path
        compared += 1
    assert compared >= 75
