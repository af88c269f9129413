"""A deterministic address book of vCard 3.0 cards for ``make bench-carddav`` (issue 8).

What a phone's address book looks like: Dutch and international names with particles ("van
der Berg", "de Vries", "ter Horst", "García", "Nguyễn"); 1–3 emails and 1–3 phone numbers
each; most with an organisation and a job title, some with a home address, a note or a
second (work) address; 70 % with a birthday, a quarter of those without a year
(``X-APPLE-OMIT-YEAR=1604``, as Apple writes it in 3.0); 1–3 categories; and 5 % with a JPEG
photo of 10–30 KB (drawn with Pillow: shapes under noise, a different picture each time).
Every card has a stable UID (a UUID from the seeded random stream) and is written with
:func:`aandacht.exchange.vcard.write_card` (CRLF, lines folded at 75 octets).

The word lists, the phone plans and the name guard come from ``import_generate`` (the import
benchmark's generator), so every card is a different person to Aandacht's duplicate rule and
``aandacht import`` creates exactly one person per card. The cards after the first N (same
seed, same stream) are the new cards the benchmark PUTs one by one.

Usage: ``python bench/carddav_generate.py OUT.vcf [--cards N] [--seed S]`` writes one file;
``--split DIR`` writes one ``<uid>.vcf`` per card instead (a Radicale collection's layout).
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import import_generate as words  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from aandacht.exchange.vcard import (  # noqa: E402
    Address,
    Card,
    PartialDate,
    Photo,
    Value,
    write_card,
)

DEFAULT_CARDS = 10_000
DEFAULT_SEED = 20261206
SHARE_PHOTO = 0.05
SHARE_BIRTHDAY = 0.70
SHARE_YEARLESS = 0.25
SHARE_ADDRESS = 0.60
SHARE_ORG = 0.80
SHARE_NOTE = 0.40
PHOTO_BYTES = (10_000, 30_000)
PHONE_TYPES = [["cell"], ["cell"], ["home"], ["work"], ["cell", "voice"]]


@dataclass(frozen=True)
class GeneratedCard:
    uid: str
    text: str  # one vCard 3.0, CRLF line ends

    @property
    def href(self) -> str:
        return f"{self.uid}.vcf"


def jpeg(chooser: random.Random) -> bytes:
    """A JPEG of 10–30 KB: coloured shapes under a veil of noise, never twice the same."""
    while True:
        side = chooser.randint(150, 230)
        base = Image.new("RGB", (side, side), _colour(chooser))
        draw = ImageDraw.Draw(base)
        for _ in range(chooser.randint(3, 8)):
            left, top = chooser.randrange(side), chooser.randrange(side)
            box = (left, top, left + chooser.randrange(20, side), top + chooser.randrange(20, side))
            draw.ellipse(box, fill=_colour(chooser))
        noise = Image.frombytes("RGB", (side, side), chooser.randbytes(side * side * 3))
        picture = Image.blend(base, noise, chooser.uniform(0.25, 0.45))
        buffer = io.BytesIO()
        picture.save(buffer, "JPEG", quality=chooser.randint(75, 90))
        data = buffer.getvalue()
        if PHOTO_BYTES[0] <= len(data) <= PHOTO_BYTES[1]:
            return data


def _colour(chooser: random.Random) -> tuple[int, int, int]:
    return (chooser.randrange(256), chooser.randrange(256), chooser.randrange(256))


def _address(chooser: random.Random, city: tuple[str, str, str, str], kind: str) -> Address:
    locality, postcode, region, country = city
    if country == "Nederland":
        letters = "ABCDEFGHJKLMNPRSTVWXZ"
        pair = chooser.choice(letters) + chooser.choice(letters)
        postal = f"{postcode}{chooser.randint(10, 99)} {pair}"
    else:
        postal = f"{postcode}{chooser.randint(100, 999)}"
    return Address(
        street=f"{chooser.choice(words.STREETS)} {chooser.randint(1, 250)}",
        locality=locality,
        region=region,
        postal_code=postal,
        country=country,
        types=[kind],
    )


def cards(count: int, seed: int = DEFAULT_SEED) -> Iterator[GeneratedCard]:
    """Yield ``count`` cards; the same ones, in the same order, for the same seed.

    The first N cards of a longer run are the N cards of a shorter one.
    """
    chooser = random.Random(seed)
    pairs = len(words.GIVEN) * len(words.FAMILY)
    if count > pairs * 3 // 4:
        raise ValueError(f"at most {pairs * 3 // 4} cards; asked for {count}")
    names_taken: set[int] = set()
    guard = words._NameGuard()
    emails_taken: set[str] = set()
    phones_taken: set[str] = set()
    for number in range(count):
        city = chooser.choice(words.CITIES)
        has_address = chooser.random() < SHARE_ADDRESS
        org = chooser.choice(words.ORGS) if chooser.random() < SHARE_ORG else ""
        month, day = chooser.randint(1, 12), chooser.randint(1, 28)
        has_birthday = chooser.random() < SHARE_BIRTHDAY
        # What the guard compares: only what the card really says (a unique stand-in otherwise).
        guard_org = org or f"-{number}"
        guard_city = city[0] if has_address else f"-{number}"
        guard_day = (month, day) if has_birthday else (0, number)
        while True:
            name_number = chooser.randrange(pairs)
            if name_number in names_taken:
                continue
            given = words.GIVEN[name_number % len(words.GIVEN)]
            particles, family = words.FAMILY[name_number // len(words.GIVEN)]
            if guard.take(given, particles, family, guard_org, guard_city, guard_day):
                names_taken.add(name_number)
                break
        family_field = f"{particles} {family}" if particles else family
        tags = chooser.sample(words.TAGS, chooser.randint(1, 3))

        emails = []
        local = f"{words.ascii_slug(given)}.{words.ascii_slug(family_field)}"
        for position in range(chooser.randint(1, 3)):
            address = f"{local}@{chooser.choice(words.DOMAINS)}"
            while address in emails_taken:
                address = f"{local}{chooser.randint(2, 9999)}@{chooser.choice(words.DOMAINS)}"
            emails_taken.add(address)
            emails.append(
                Value(
                    address,
                    types=["internet", *chooser.choice([["home"], ["work"], []])],
                    pref=1 if position == 0 and chooser.random() < 0.5 else None,
                )
            )
        phones = [
            Value(words._phone(chooser, phones_taken), types=list(chooser.choice(PHONE_TYPES)))
            for _ in range(chooser.randint(1, 3))
        ]
        addresses = [_address(chooser, city, "home")] if has_address else []
        if has_address and chooser.random() < 0.15:
            addresses.append(_address(chooser, chooser.choice(words.CITIES), "work"))
        birthday = None
        if has_birthday:
            year = None if chooser.random() < SHARE_YEARLESS else chooser.randint(1940, 2008)
            birthday = PartialDate(year, month, day)
        note = ""
        if chooser.random() < SHARE_NOTE:
            note = chooser.choice(words.NOTES).format(
                tag=tags[0], city=city[0], org=org or "thuis", given=given
            )
        card = Card(
            version="3.0",
            uid=str(uuid.UUID(int=chooser.getrandbits(128), version=4)),
            formatted_name=f"{given} {family_field}",
            family=family_field,
            given=given,
            organisation=org,
            departments=[dept] if org and (dept := chooser.choice(words.DEPARTMENTS)) else [],
            title=chooser.choice(words.TITLES) if org and chooser.random() < 0.7 else "",
            emails=emails,
            phones=phones,
            addresses=addresses,
            birthday=birthday,
            note=note,
            categories=tags,
        )
        if chooser.random() < SHARE_PHOTO:
            card.photo = Photo(data=jpeg(chooser), mime="image/jpeg")
        yield GeneratedCard(card.uid, write_card(card, "3.0"))


def write_file(path: Path, batch: list[GeneratedCard]) -> int:
    """All cards in one .vcf (what ``aandacht import`` reads); returns the bytes written."""
    data = "".join(card.text for card in batch).encode("utf-8")
    path.write_bytes(data)
    return len(data)


def write_folder(folder: Path, batch: list[GeneratedCard]) -> int:
    """One ``<uid>.vcf`` per card (a Radicale collection, a vdir); returns the bytes written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    for card in batch:
        data = card.text.encode("utf-8")
        (folder / card.href).write_bytes(data)
        written += len(data)
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("out", type=Path, help="the .vcf file (or with --split, the folder)")
    parser.add_argument("--cards", type=int, default=DEFAULT_CARDS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--split", action="store_true", help="one file per card in OUT")
    options = parser.parse_args()
    if options.cards < 1:
        parser.error("--cards must be at least 1")
    batch = list(cards(options.cards, options.seed))
    size = write_folder(options.out, batch) if options.split else write_file(options.out, batch)
    print(f"{options.cards} cards, {size / 1e6:.1f} MB: {options.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
