"""A deterministic address book of N vCards for ``make bench-import`` (issue 5's figures).

The mix the issue asks for: 45 % vCard 4.0 and the rest 3.0; Dutch and international names
with particles ("van der Berg", "de Vries", "ter Horst", "García", "Nguyễn", "O'Brien"); each
card with 1–3 emails, a phone, ORG, TITLE, ADR, a birthday (a quarter without a year:
``--MMDD`` in 4.0, ``X-APPLE-OMIT-YEAR=1604`` in 3.0), NOTE and CATEGORIES; 5 % with a ~10 KB
PNG photo. Written with :func:`aandacht.exchange.vcard.write_card` (CRLF, lines folded at 75
octets), so the file looks like what Apple or Google would export.

Every card is a different person on purpose: the (given, family) pairs are drawn without
replacement, every email address and phone number is unique, so a correct import creates
exactly N people and the duplicate matcher still has to look at every one of them.

Usage: ``python bench/import_generate.py OUT.vcf [--cards N] [--seed S]``.
"""

from __future__ import annotations

import argparse
import random
import struct
import sys
import unicodedata
import uuid
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from rapidfuzz import fuzz, process  # noqa: E402

from aandacht.exchange.vcard import (  # noqa: E402
    Address,
    Card,
    PartialDate,
    Photo,
    Value,
    write_card,
)
from aandacht.people.names import fold  # noqa: E402

DEFAULT_CARDS = 50_000
DEFAULT_SEED = 20261123
SHARE_VCARD4 = 0.45
SHARE_PHOTO = 0.05
SHARE_YEARLESS = 0.25
PHOTO_SIDE = 58  # 58 x 58 RGB pixels of noise: a PNG of about 10 KB that zlib cannot shrink

GIVEN = (
    "Anna Bram Daan Denise Emma Fatima Jeroen José Julia Lars Lotte Mohamed Noor Sanne Sem "
    "Sophie Thijs Lieke Ruben Femke Joost Marieke Wouter Ilse Bas Eva Koen Maaike Pieter Anouk "
    "Willem Floor Hendrik Roos Gijs Jasmijn Stijn Merel Teun Fleur Jochem Iris Maarten Saskia "
    "Wim Hanneke Geert Ingrid Kees Marloes Arjen Esther Sjoerd Tessa Rutger Yara Niels Demi "
    "Youssef Aisha Emre Elif Priya Arjun Wei Mei Linh Minh Thảo Hương Sean Siobhán Aoife Ciarán "
    "María Alejandro Lucía Javier Carmen Sofía João Inês Zoë Chloë Björn Åsa Søren Łukasz "
    "Zoltán Renée Noël Hélène François Jürgen Ömer Ayşe Nikola Dragana Kwame Amara Olamide "
    "Chidi Hiroshi Yuki Sakura Tomás Aleksander Katarzyna Matteo Giulia Lorenzo Chiara "
    "Rafael Beatriz Dmitri Olga Nadia Karim Samira Hamza Layla Tariq Zainab Omar Leila "
    "Frederik Marit Jelle Rianne Thom Nienke Luuk Manon Milan Lisa Jesse Kim Rick Vera Tim "
    "Bo Dirk Janneke Otto Hidde Tamara Casper Mirjam Reinier Gerda Olivier Charlotte Hugo "
    "Abel Adriaan Agnes Albert Alida Ans Antoon Aart Bart Bea Benthe Berend Bernadette Boris "
    "Carolien Cornelis Dewi Dieuwke Douwe Edwin Elske Ewout Evert Feike Fenna Gerrit Gonnie "
    "Guus Hein Hester Hilde Ids Imke Isa Jacoba Jesper Jolanda Jorien Jurre Karlijn Klaas "
    "Lammert Lianne Lodewijk Loes Mees Menno Mieke Nelleke Nout Okke Pleun Quinten Remco "
    "Rinske Roel Rosalie Selma Siebe Sietske Taco Tjitske Ursula Valentijn Vincent Wendelien "
    "Wessel Wietske Xander Yvonne Zeger Ahmed Bilal Dounia Fouad Ilias Khadija Mounir Nora "
    "Rachid Salma Soufiane Yasmina Anil Deepa Kavita Ravi Sunita Vikram Baran Deniz Kemal "
    "Zeynep Tolga Serkan Dilan Burak Hatice Chen Jun Xiu Ling Hao Yan Bao Duc Quang Trang "
    "Kofi Ama Yaw Efua Ngozi Emeka Tunde Folake Adaeze Ikenna Lindiwe Thabo Sipho Zanele "
    "Ignacio Pilar Rocío Santiago Valentina Camila Mateo Joaquín Gabriela Emilio Paulo "
    "Leonor Duarte Gonçalo Mariana Tiago Rodrigo Catarina Bernardo Francesca Alessandro "
    "Federico Beatrice Niccolò Vittoria Stefano Greta Tobias Annika Lukas Felix Mathilde "
    "Henrik Ingeborg Astrid Sven Freja Oskar Linnea Magnus Ida Jakub Zofia Wojciech Agnieszka "
    "Piotr Ewa Marek Milena Ondřej Tereza Dušan Jelena Bogdan Ioana Mihai Andreea Dimitris "
    "Eleni Nikos Sotiria Aurélie Mathieu Sébastien Élodie Guillaume Margaux Thibault Solène "
    "Padraig Niamh Eoin Orla Cormac Saoirse Declan Róisín Ffion Dafydd Morag Callum Eilidh"
).split()

# (particles, family name). The particles go into the N family component, as Apple, Google and
# Outlook write them ("N:van der Berg;Jan;;;"); the importer has to split them off.
FAMILY: list[tuple[str, str]] = [
    ("van der", "Berg"), ("de", "Vries"), ("ter", "Horst"), ("van", "Iersel"), ("van de", "Ven"),
    ("van den", "Broek"), ("van", "Dijk"), ("de", "Jong"), ("van", "Leeuwen"), ("de", "Boer"),
    ("van der", "Meer"), ("den", "Hartog"), ("ten", "Cate"), ("van 't", "Hof"), ("in 't", "Veld"),
    ("de la", "Court"), ("van der", "Linden"), ("op den", "Kamp"), ("van", "Rijn"), ("de", "Wit"),
    ("van", "Beek"), ("de", "Graaf"), ("van der", "Heijden"), ("van", "Wijk"), ("de", "Haan"),
    ("van", "Vliet"), ("van den", "Bosch"), ("ter", "Laak"), ("ten", "Brink"), ("de", "Ruiter"),
    ("van", "Gelder"), ("van der", "Wal"), ("de", "Lange"), ("van", "Houten"), ("de", "Bruijn"),
    ("van", "Eck"), ("van der", "Zee"), ("de", "Groot"), ("van", "Loon"), ("van den", "Heuvel"),
    ("", "Bakker"), ("", "Jansen"), ("", "Visser"), ("", "Smit"), ("", "Mulder"), ("", "Bos"),
    ("", "Meijer"), ("", "Dekker"), ("", "Brouwer"), ("", "Dijkstra"), ("", "Hendriks"),
    ("", "Peters"), ("", "Koster"), ("", "Prins"), ("", "Kuipers"), ("", "Huisman"),
    ("", "Postma"), ("", "Vermeulen"), ("", "Willemsen"), ("", "Hoekstra"), ("", "Schouten"),
    ("", "Kramer"), ("", "Verhoeven"), ("", "Timmermans"), ("", "Sanders"), ("", "Veenstra"),
    ("", "Kok"), ("", "Scholten"), ("", "Wouters"), ("", "Maas"), ("", "Blom"), ("", "Gerritsen"),
    ("", "Koopman"), ("", "Franken"), ("", "Zwart"), ("", "Groen"), ("", "Evers"), ("", "Lammers"),
    ("", "Stam"), ("", "Wolters"), ("", "Claassen"), ("", "Boersma"), ("", "Verbeek"),
    ("", "García"), ("", "Rodríguez"), ("", "Fernández"), ("", "López"), ("", "Martínez"),
    ("", "Sánchez"), ("", "Pérez"), ("", "Gómez"), ("", "Muñoz"), ("", "Jiménez"),
    ("de la", "Fuente"), ("del", "Río"), ("dos", "Santos"), ("da", "Silva"), ("", "Gonçalves"),
    ("", "Nguyễn"), ("", "Trần"), ("", "Lê"), ("", "Phạm"), ("", "Huỳnh"), ("", "Võ"),
    ("", "O'Brien"), ("", "O'Connor"), ("", "McCarthy"), ("", "Ó Súilleabháin"), ("", "Byrne"),
    ("", "Öztürk"), ("", "Yılmaz"), ("", "Kaya"), ("", "Demir"), ("", "Çelik"), ("", "Şahin"),
    ("", "El Amrani"), ("", "Bennani"), ("", "Ait Lahcen"), ("", "Boukhari"), ("", "Haddou"),
    ("", "Müller"), ("", "Schäfer"), ("von", "Braun"), ("", "Groß"), ("", "Köhler"),
    ("", "Kowalski"), ("", "Wiśniewski"), ("", "Nowak"), ("", "Dvořák"), ("", "Novák"),
    ("", "Andersson"), ("", "Sørensen"), ("", "Øberg"), ("", "Lindqvist"), ("", "Håkansson"),
    ("", "Rossi"), ("", "Russo"), ("", "Esposito"), ("di", "Stefano"), ("della", "Robbia"),
    ("", "Dubois"), ("", "Lefèvre"), ("le", "Goff"), ("du", "Pont"), ("", "Moreau"),
    ("", "Okafor"), ("", "Mensah"), ("", "Adeyemi"), ("", "Owusu"), ("", "Nkemelu"),
    ("", "Tanaka"), ("", "Suzuki"), ("", "Watanabe"), ("", "Kim"), ("", "Park"),
    ("", "Patel"), ("", "Sharma"), ("", "Singh"), ("", "Gupta"), ("", "Ramdin"),
    ("", "Zhang"), ("", "Wang"), ("", "Chen"), ("", "Liu"), ("", "Huang"),
    ("", "Petrović"), ("", "Jovanović"), ("", "Horváth"), ("", "Nagy"), ("", "Popescu"),
    ("", "Ivanov"), ("", "Smirnova"), ("", "Kuznetsov"), ("", "Papadopoulos"), ("", "Nikolaidis"),
    ("", "Ramos"), ("", "Castillo"), ("", "Vargas"), ("", "Mendoza"), ("", "Herrera"),
    ("", "Boateng"), ("", "Asante"), ("", "Diallo"), ("", "Traoré"), ("", "Kouyaté"),
    ("van", "Ommen"), ("van", "Aalst"), ("van der", "Poel"), ("van", "Zanten"), ("de", "Kok"),
    ("van", "Dam"), ("van", "Doorn"), ("van der", "Velde"), ("van", "Tol"), ("ter", "Meulen"),
    ("", "Hoogland"), ("", "Zijlstra"), ("", "Bouwman"), ("", "Jonker"), ("", "Akkerman"),
    ("", "Vos"), ("", "Kuiper"), ("", "Hermans"), ("", "Koning"), ("", "Smits"), ("", "Bosman"),
    ("", "Pauw"), ("", "Mertens"), ("", "Claes"), ("", "Goossens"), ("", "Wuyts"),
    ("", "Jacobs"), ("", "Aerts"), ("", "Michiels"), ("", "Willems"), ("", "Janssens"),
    ("", "Abma"), ("", "Agema"), ("", "Alkema"), ("", "Baas"), ("", "Beentjes"), ("", "Bleeker"),
    ("", "Boon"), ("", "Brink"), ("", "Buitenhuis"), ("", "Coenen"), ("", "Dam"), ("", "Donker"),
    ("", "Drost"), ("", "Eijkelboom"), ("", "Eskes"), ("", "Faber"), ("", "Feenstra"),
    ("", "Fokkema"), ("", "Geerts"), ("", "Goedhart"), ("", "Haverkamp"), ("", "Hiemstra"),
    ("", "Hofstede"), ("", "Idema"), ("", "IJzerman"), ("", "Jager"), ("", "Keizer"),
    ("", "Klaassen"), ("", "Kloosterman"), ("", "Kremer"), ("", "Kroon"), ("", "Langeveld"),
    ("", "Lubbers"), ("", "Mol"), ("", "Nauta"), ("", "Nijhuis"), ("", "Nijland"),
    ("", "Oosterhuis"), ("", "Oudshoorn"), ("", "Overbeek"), ("", "Pols"), ("", "Raaijmakers"),
    ("", "Rietveld"), ("", "Roelofs"), ("", "Schipper"), ("", "Slagter"), ("", "Snel"),
    ("", "Spijkerman"), ("", "Stegeman"), ("", "Tuinman"), ("", "Uitterhoeve"), ("", "Valk"),
    ("", "Veldhuis"), ("", "Verschuren"), ("", "Vink"), ("", "Wagenaar"), ("", "Westra"),
    ("", "Wiersma"), ("", "Wijnands"), ("", "Zandstra"), ("", "Zuidema"), ("", "Ypma"),
    ("van", "Amstel"), ("van", "Bommel"), ("van", "Buuren"), ("van", "Egmond"), ("van", "Galen"),
    ("van", "Hal"), ("van", "Kampen"), ("van", "Limburg"), ("van", "Maanen"), ("van", "Nes"),
    ("van", "Oosten"), ("van", "Putten"), ("van", "Riel"), ("van", "Schaik"), ("van", "Tongeren"),
    ("van", "Ulden"), ("van", "Velzen"), ("van", "Wees"), ("van", "Yperen"), ("van", "Zuilen"),
    ("van den", "Akker"), ("van der", "Kolk"), ("van der", "Steen"), ("van den", "Hoven"),
    ("de", "Bakker"), ("de", "Klerk"), ("de", "Mol"), ("de", "Rooij"), ("de", "Zwart"),
    ("ter", "Braak"), ("ter", "Haar"), ("ten", "Hove"), ("te", "Riele"), ("op 't", "Land"),
    ("", "Acosta"), ("", "Blanco"), ("", "Cabrera"), ("", "Delgado"), ("", "Espinoza"),
    ("", "Fuentes"), ("", "Guerrero"), ("", "Ibáñez"), ("", "Lozano"), ("", "Navarro"),
    ("", "Ortega"), ("", "Quintero"), ("", "Soto"), ("", "Torres"), ("", "Urbina"),
    ("", "Almeida"), ("", "Barbosa"), ("", "Carvalho"), ("", "Ferreira"), ("", "Moura"),
    ("", "Đặng"), ("", "Bùi"), ("", "Đỗ"), ("", "Hồ"), ("", "Ngô"), ("", "Dương"),
    ("", "Brennan"), ("", "Doherty"), ("", "Fitzgerald"), ("", "Gallagher"), ("", "Kavanagh"),
    ("", "Lynch"), ("", "Quinlan"), ("", "Whelan"), ("", "Ní Bhriain"), ("", "MacNeil"),
    ("", "Arslan"), ("", "Doğan"), ("", "Erdoğan"), ("", "Güneş"), ("", "Koç"), ("", "Polat"),
    ("", "Amrani"), ("", "Azzouzi"), ("", "Chaouch"), ("", "Ezzahi"), ("", "Ouali"),
    ("", "Becker"), ("", "Fischer"), ("", "Hoffmann"), ("", "Lehmann"), ("", "Zimmermann"),
    ("", "Lewandowski"), ("", "Zieliński"), ("", "Krawczyk"), ("", "Svoboda"), ("", "Procházka"),
    ("", "Eriksson"), ("", "Johansson"), ("", "Nyström"), ("", "Bjørnstad"), ("", "Virtanen"),
    ("", "Bianchi"), ("", "Colombo"), ("", "Ferrari"), ("", "Gallo"), ("", "Marino"),
    ("", "Bernard"), ("", "Fontaine"), ("", "Girard"), ("", "Mercier"), ("", "Rousseau"),
    ("", "Adebayo"), ("", "Chukwu"), ("", "Eze"), ("", "Ibekwe"), ("", "Oyelaran"),
    ("", "Ito"), ("", "Kobayashi"), ("", "Nakamura"), ("", "Yamamoto"), ("", "Choi"),
    ("", "Banerjee"), ("", "Chandra"), ("", "Iyer"), ("", "Joshi"), ("", "Reddy"),
    ("", "Li"), ("", "Xu"), ("", "Yang"), ("", "Zhou"), ("", "Sun"),
    ("", "Kovačević"), ("", "Marković"), ("", "Tóth"), ("", "Szabó"), ("", "Ionescu"),
    ("", "Morozov"), ("", "Volkova"), ("", "Georgiou"), ("", "Karagiannis"), ("", "Alexiou"),
]  # fmt: skip

ORGS = [
    "Gemeente Utrecht", "Gemeente Amsterdam", "Rabobank", "ING", "Philips", "ASML", "Bol",
    "Coolblue", "Hogeschool Rotterdam", "Universiteit Leiden", "TU Delft", "UMC Utrecht",
    "Rijkswaterstaat", "NS", "KLM", "Heineken", "Unilever", "Booking.com", "Adyen", "Mollie",
    "Albert Heijn", "Jumbo", "De Volkskrant", "NOS", "Freelance", "Eigen praktijk",
    "Basisschool De Regenboog", "Huisartsenpraktijk Zuid", "Van Oord", "Arcadis",
]  # fmt: skip
DEPARTMENTS = ["", "", "", "ICT", "Finance", "Communicatie", "R&D", "Sales", "HR"]
TITLES = [
    "Projectleider", "Software engineer", "Docent", "Huisarts", "Beleidsmedewerker",
    "Product owner", "Verpleegkundige", "Data analyst", "Directeur", "Accountmanager",
    "Designer", "Consultant", "Onderzoeker", "Teamleider", "Journalist", "Advocaat",
]  # fmt: skip
# (city, postcode prefix, region, country); addresses abroad get a made-up local postcode.
CITIES = [
    ("Utrecht", "35", "Utrecht", "Nederland"), ("Amsterdam", "10", "Noord-Holland", "Nederland"),
    ("Rotterdam", "30", "Zuid-Holland", "Nederland"), ("Den Haag", "25", "Zuid-Holland",
    "Nederland"), ("Eindhoven", "56", "Noord-Brabant", "Nederland"), ("Groningen", "97",
    "Groningen", "Nederland"), ("Nijmegen", "65", "Gelderland", "Nederland"), ("Leiden", "23",
    "Zuid-Holland", "Nederland"), ("Zwolle", "80", "Overijssel", "Nederland"), ("Maastricht",
    "62", "Limburg", "Nederland"), ("Haarlem", "20", "Noord-Holland", "Nederland"), ("Delft",
    "26", "Zuid-Holland", "Nederland"), ("Arnhem", "68", "Gelderland", "Nederland"), ("Breda",
    "48", "Noord-Brabant", "Nederland"), ("'s-Hertogenbosch", "52", "Noord-Brabant",
    "Nederland"), ("Leeuwarden", "89", "Friesland", "Nederland"), ("Antwerpen", "20",
    "Antwerpen", "België"), ("Gent", "90", "Oost-Vlaanderen", "België"), ("Köln", "50",
    "Nordrhein-Westfalen", "Deutschland"), ("Madrid", "28", "Madrid", "España"), ("Lisboa",
    "11", "Lisboa", "Portugal"), ("Dublin", "D0", "", "Ireland"), ("Hà Nội", "10", "",
    "Việt Nam"), ("İstanbul", "34", "", "Türkiye"),
]  # fmt: skip
STREETS = [
    "Oudegracht", "Kerkstraat", "Dorpsstraat", "Molenweg", "Stationsplein", "Julianalaan",
    "Wilhelminastraat", "Prinsengracht", "Lange Nieuwstraat", "Biltstraat", "Kanaalweg",
    "Vondellaan", "Burgemeester Reigerstraat", "Koningin Emmaplein", "Van Goghstraat",
]  # fmt: skip
TAGS = [
    "Familie", "Werk", "Vrienden", "Buren", "PyCon NL", "Sport", "Book club", "Studie",
    "Oud-collega's", "School", "Koor", "Volleybal", "Dutch Design Week", "Conferentie",
]  # fmt: skip
NOTES = [
    "Met via {tag}; praat graag over fietsen, koffie en kinderen.",
    "Verjaardag niet vergeten!\nVraag naar de verhuizing naar {city}.",
    "Wil ooit een keer samen naar {city}; houdt van jazz, Indonesisch eten en lange wandelingen.",
    "Werkt bij {org}. Kan helpen met een introductie; stuur eerst een mail.",
    "Met {given} gesproken op {tag}, over werk, boeken en de trein; zeer vriendelijk.",
    "Heeft twee katten (Pim & Pluis). Allergisch voor noten.",
    "Spreekt Nederlands, Engels en een beetje Spaans; belt liever dan dat ze mailt.",
]
DOMAINS = ["example.nl", "example.com", "example.org", "example.net", "voorbeeld.nl"]
EMAIL_LABELS = ["", "", "", "", "", "privé", "werk"]
EMAIL_TYPES = [["home"], ["work"], ["internet"], []]
# (country code, national-number prefix, digits after the prefix, share): valid mobile ranges, so
# that phonenumbers accepts every one of them.
PHONE_PLANS = [
    ("31", "61", 7, 0.30),
    ("31", "62", 7, 0.20),
    ("31", "64", 7, 0.20),
    ("32", "47", 7, 0.08),
    ("49", "151", 8, 0.07),
    ("34", "6", 8, 0.07),
    ("84", "91", 7, 0.04),
    ("44", "7400", 6, 0.04),
]


def png(chooser: random.Random, side: int = PHOTO_SIDE) -> bytes:
    """A valid RGB PNG of ``side`` x ``side`` pixels of noise (about 10 KB; zlib cannot help)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    raw = b"".join(b"\x00" + chooser.randbytes(side * 3) for _ in range(side))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def ascii_slug(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(ch for ch in decomposed if ch.isascii() and (ch.isalnum() or ch == " "))
    return "".join(kept.split()) or "x"


def _phone(chooser: random.Random, taken: set[str]) -> str:
    weights = [plan[3] for plan in PHONE_PLANS]
    while True:
        country, prefix, digits, _ = chooser.choices(PHONE_PLANS, weights)[0]
        rest = "".join(chooser.choice("0123456789") for _ in range(digits))
        e164 = f"+{country}{prefix}{rest}"
        if e164 in taken:
            continue
        taken.add(e164)
        if country == "31" and chooser.random() < 0.3:
            return f"0{prefix[0]}-{prefix[1:]}{rest}"  # the national way, as people type it
        return f"+{country} {prefix} {rest[:-4]} {rest[-4:]}"


class _NameGuard:
    """Keeps apart names that the importer's duplicate rule would take for one person.

    The rule (``aandacht.exchange.matching``) joins two people whose folded full names score
    ≥ 88 with rapidfuzz's ``token_sort_ratio`` and who share an organisation, a city or a
    birthday; candidates come from a block of family names with the same first two letters.
    The guard refuses a name that scores ≥ 85 against a name in the same block that shares any
    of those, so a correct import creates one person per card. It is written out here rather
    than imported, so the file does not change when the matcher is tuned.
    """

    CUTOFF = 85.0

    def __init__(self) -> None:
        self._seen: dict[tuple[str, object], list[str]] = {}

    @staticmethod
    def _blocks(particles: str, family: str) -> set[str]:
        # Every way the importer might split the family name off ("El Amrani" -> "Amrani").
        words = f"{particles} {family}".split()
        return {fold(" ".join(words[start:]))[:2] for start in range(len(words))}

    def _keys(
        self, particles: str, family: str, org: str, city: str, birthday: tuple[int, int]
    ) -> list[tuple[str, object]]:
        return [
            (block, shared)
            for block in self._blocks(particles, family)
            for shared in (("org", org), ("city", city), ("bday", birthday))
        ]

    def admits(self, full: str, keys: list[tuple[str, object]]) -> bool:
        for key in keys:
            names = self._seen.get(key)
            if names and process.extractOne(
                full, names, scorer=fuzz.token_sort_ratio, score_cutoff=self.CUTOFF
            ):
                return False
        return True

    def take(
        self, given: str, particles: str, family: str, org: str, city: str, bday: tuple[int, int]
    ) -> bool:
        full = fold(f"{given} {particles} {family}")
        keys = self._keys(particles, family, org, city, bday)
        if not self.admits(full, keys):
            return False
        for key in keys:
            self._seen.setdefault(key, []).append(full)
        return True


def cards(count: int, seed: int = DEFAULT_SEED) -> Iterator[tuple[Card, str]]:
    """Yield ``(card, version)`` pairs, the same ones for the same count and seed."""
    chooser = random.Random(seed)
    pairs = len(GIVEN) * len(FAMILY)
    if count > pairs * 3 // 4:  # beyond that, drawing an unused name takes too many tries
        raise ValueError(f"at most {pairs * 3 // 4} cards; asked for {count}")
    names_taken: set[int] = set()
    guard = _NameGuard()
    emails_taken: set[str] = set()
    phones_taken: set[str] = set()
    for _ in range(count):
        version = "4.0" if chooser.random() < SHARE_VCARD4 else "3.0"
        city, postcode, region, country = chooser.choice(CITIES)
        org = chooser.choice(ORGS)
        month, day = chooser.randint(1, 12), chooser.randint(1, 28)
        while True:
            name_number = chooser.randrange(pairs)
            if name_number in names_taken:
                continue
            given = GIVEN[name_number % len(GIVEN)]
            particles, family = FAMILY[name_number // len(GIVEN)]
            if guard.take(given, particles, family, org, city, (month, day)):
                names_taken.add(name_number)
                break
        family_field = f"{particles} {family}" if particles else family
        tags = chooser.sample(TAGS, chooser.randint(1, 3))

        emails = []
        local = f"{ascii_slug(given)}.{ascii_slug(family_field)}"
        for number in range(chooser.randint(1, 3)):
            address = f"{local}@{chooser.choice(DOMAINS)}"
            while address in emails_taken:
                address = f"{local}{chooser.randint(2, 9999)}@{chooser.choice(DOMAINS)}"
            emails_taken.add(address)
            emails.append(
                Value(
                    address,
                    types=list(chooser.choice(EMAIL_TYPES)),
                    label=chooser.choice(EMAIL_LABELS),
                    pref=1 if number == 0 and chooser.random() < 0.5 else None,
                )
            )
        year = None if chooser.random() < SHARE_YEARLESS else chooser.randint(1940, 2008)
        card = Card(
            version=version,
            uid=str(uuid.UUID(int=chooser.getrandbits(128), version=4)),
            formatted_name=f"{given} {family_field}",
            family=family_field,
            given=given,
            organisation=org,
            departments=[dept] if (dept := chooser.choice(DEPARTMENTS)) else [],
            title=chooser.choice(TITLES),
            emails=emails,
            phones=[Value(_phone(chooser, phones_taken), types=[chooser.choice(["cell", "home"])])],
            addresses=[
                Address(
                    street=f"{chooser.choice(STREETS)} {chooser.randint(1, 250)}",
                    locality=city,
                    region=region,
                    postal_code=(
                        f"{postcode}{chooser.randint(10, 99)} "
                        f"{chooser.choice('ABCDEFGHJKLMNPRSTVWXZ')}"
                        f"{chooser.choice('ABCDEFGHJKLMNPRSTVWXZ')}"
                        if country == "Nederland"
                        else f"{postcode}{chooser.randint(100, 999)}"
                    ),
                    country=country,
                    types=["home"],
                )
            ],
            birthday=PartialDate(year, month, day),
            note=chooser.choice(NOTES).format(tag=tags[0], city=city, org=org, given=given),
            categories=tags,
        )
        if chooser.random() < SHARE_PHOTO:
            card.photo = Photo(data=png(chooser), mime="image/png")
        yield card, version


def write_file(target: BinaryIO, count: int, seed: int = DEFAULT_SEED) -> int:
    """Write ``count`` cards to ``target``; returns the number of bytes written."""
    written = 0
    for card, version in cards(count, seed):
        data = write_card(card, version).encode("utf-8")  # type: ignore[arg-type]
        target.write(data)
        written += len(data)
    return written


def generate(path: Path, count: int = DEFAULT_CARDS, seed: int = DEFAULT_SEED) -> int:
    with path.open("wb") as target:
        return write_file(target, count, seed)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("out", type=Path, help="the .vcf file to write")
    parser.add_argument("--cards", type=int, default=DEFAULT_CARDS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    options = parser.parse_args()
    if options.cards < 1:
        parser.error("--cards must be at least 1")
    size = generate(options.out, options.cards, options.seed)
    print(f"{options.cards} cards, {size / 1e6:.1f} MB: {options.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
