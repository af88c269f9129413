"""vdirsyncer, a real CardDAV client, syncs a folder of .vcf files with Aandacht.

Every scenario starts from the server's root URL (discovery, as a phone would), runs
``vdirsyncer discover`` and ``sync`` as subprocesses and checks real contents on both sides:
the files (parsed with vobject as the oracle) and the people in the vault (through the ORM).
Each scenario also runs against Radicale, a known-good CardDAV server, as a reference: a
scenario that fails only on Aandacht is Aandacht's bug, one that fails on both is the test's.

After every scenario: as many live people as local files, the same UIDs on both sides, no UID
twice, and one more sync changes nothing.
"""

from __future__ import annotations

import base64
import io
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pytest
import vobject
from vdirsyncer_harness import (
    LiveDav,
    LocalCard,
    RadicaleServer,
    Remote,
    Vdirsyncer,
    edit_card,
    in_ci,
    new_card,
    radicale_server,
    unfold,
    vdirsyncer_missing,
)

from aandacht.accounts.models import Membership, Role, TokenScope, Vault
from aandacht.accounts.tokens import create_token
from aandacht.carddav import store
from aandacht.carddav.models import Card
from aandacht.people.editing import set_photo
from aandacht.people.lifecycle import restore_person, trash_person
from aandacht.people.models import Address, ContactKind, Person
from aandacht.people.services import add_contact_method, add_important_date, create_person

# The database is set up statically for every parameter: a live server asked for only by the
# Aandacht parameter (getfixturevalue) would otherwise meet a test database not yet created.
pytestmark = pytest.mark.django_db(transaction=True)

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAAD0lEQVQIHQEEAPv/AP///wX+Av4DfRnGAAAAAElFTkSuQmCC"
)


@pytest.fixture(autouse=True)
def _vdirsyncer_present() -> None:
    """vdirsyncer comes with the test extras; CI must have it, elsewhere say why we skip."""
    reason = vdirsyncer_missing()
    if reason:
        if in_ci():
            pytest.fail(f"CI needs vdirsyncer: {reason}", pytrace=False)
        pytest.skip(reason)


# --- the people ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """A person as both servers get them: Aandacht through its services, Radicale as a card."""

    given: str
    family: str
    particles: str = ""
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    city: str = ""
    street: str = ""
    birthday: tuple[int, int, int | None] | None = None  # month, day, year
    tags: tuple[str, ...] = ()
    organisation: str = ""
    photo: bool = False
    uid: str = field(default_factory=lambda: str(uuid.uuid4()))

    @property
    def fn(self) -> str:
        return " ".join(part for part in (self.given, self.particles, self.family) if part)

    def vcard(self) -> str:
        """The card Radicale stores for this person (vCard 3.0, as a phone would send)."""
        lines = [
            "BEGIN:VCARD",
            "VERSION:3.0",
            f"UID:{self.uid}",
            f"FN:{self.fn}",
            f"N:{self.family};{self.given};{self.particles};;",
        ]
        lines += [f"EMAIL;TYPE=INTERNET:{email}" for email in self.emails]
        lines += [f"TEL;TYPE=CELL:{phone}" for phone in self.phones]
        if self.city or self.street:
            lines.append(f"ADR;TYPE=HOME:;;{self.street};{self.city};;;")
        if self.birthday:
            month, day, year = self.birthday
            lines.append(
                f"BDAY:{year:04d}-{month:02d}-{day:02d}" if year else f"BDAY:--{month:02d}{day:02d}"
            )
        if self.tags:
            lines.append("CATEGORIES:" + ",".join(self.tags))
        if self.organisation:
            lines.append(f"ORG:{self.organisation}")
        if self.photo:
            lines.append("PHOTO;ENCODING=b;TYPE=PNG:" + base64.b64encode(PNG).decode())
        lines.append("END:VCARD")
        return "\r\n".join(lines) + "\r\n"


PEOPLE = [
    Spec("Jan", "Berg", "van der", emails=("jan@vanderberg.nl",), phones=("+31 6 12345601",)),
    Spec("Anna", "Vries", "de", emails=("anna@example.org", "a.devries@werk.nl")),
    Spec("Pieter", "Jansen", phones=("+31 20 5550102", "+31 6 12345602"), city="Amsterdam"),
    Spec("Sanne", "Bakker", birthday=(3, 14, None), emails=("sanne@example.org",)),
    Spec("Kees", "Visser", birthday=(7, 1, 1980), phones=("+31 6 12345604",)),
    Spec("Fatima", "El Amrani", emails=("fatima@example.org",), tags=("buren", "school")),
    Spec("Lotte", "Heuvel", "van den", organisation="Heuvel BV", emails=("lotte@heuvel.nl",)),
    Spec("Zoë", "Dijk", "van", street="Dorpsstraat 1", city="Utrecht", photo=True),
    Spec("Łukasz", "Kowalski", phones=("+48 601 234 567",), emails=("lukasz@example.pl",)),
    Spec("Mei", "Nakamura", emails=("mei@example.jp",), birthday=(12, 31, 1975)),
    Spec("Bram", "Horst", "ter", phones=("+31 6 12345611",), tags=("voetbal",)),
    Spec("Eva", "Smit", emails=("eva@example.org",), city="Leiden"),
    Spec("Daan", "Mulder", phones=("+31 6 12345613",), organisation="Mulder & Zn"),
    Spec("Noor", "Bos", emails=("noor@example.org",), birthday=(2, 29, None)),
    Spec("Ruben", "Meer", "van der", phones=("+31 6 12345615",), emails=("ruben@example.org",)),
    Spec("Femke", "Wit", "de", tags=("familie",)),
    Spec("Thijs", "Brink", "van den", city="Zwolle", phones=("+31 38 5550117",)),
    Spec("Iris", "Kok", emails=("iris@example.org",)),
    Spec("Sem", "Laan", "van der", birthday=(5, 5, 2001), phones=("+31 6 12345619",)),
    Spec("Julia", "Peters", emails=("julia@example.org",), organisation="Gemeente Delft"),
]


def digits(phone: str) -> str:
    return re.sub(r"\D", "", phone)


@dataclass(frozen=True)
class Entry:
    """A live card as the server side sees it."""

    uid: str
    fn: str
    emails: frozenset[str]
    phones: frozenset[str]  # digits only: servers may format numbers their way
    text: str  # the card the server serves (for lines it must keep)


def entry_of(card: LocalCard) -> Entry:
    return Entry(
        uid=card.uid,
        fn=card.fn,
        emails=frozenset(email.lower() for email in card.emails),
        phones=frozenset(digits(phone) for phone in card.phones),
        text=card.text,
    )


class Side(Protocol):
    """The server under test, seen from behind (not through CardDAV)."""

    name: str
    remote: Remote

    def seed(self, people: list[Spec]) -> None: ...
    def add_phone(self, uid: str, phone: str) -> None: ...
    def add_email(self, uid: str, email: str) -> None: ...
    def add(self, spec: Spec) -> None: ...
    def trash(self, uid: str) -> None: ...
    def live(self) -> dict[str, Entry]: ...
    def in_trash(self, fn: str) -> bool: ...


class AandachtSide:
    """Aandacht: people written through its services, read from the vault."""

    name = "aandacht"

    def __init__(self, dav: LiveDav) -> None:
        self.dav = dav
        self.vault = dav.vault
        self.remote = Remote(dav.url, dav.user.get_username(), dav.token)

    def add(self, spec: Spec) -> None:
        person = create_person(
            self.vault,
            given_name=spec.given,
            particles=spec.particles,
            family_name=spec.family,
            organisation=spec.organisation,
            emails=spec.emails,
            phones=spec.phones,
            tags=spec.tags,
        )
        if spec.city or spec.street:
            Address.objects.create(person=person, street=spec.street, locality=spec.city)
        if spec.birthday:
            month, day, year = spec.birthday
            add_important_date(person, "birthday", month, day, year)
        if spec.photo:
            set_photo(person, io.BytesIO(PNG), len(PNG))

    def seed(self, people: list[Spec]) -> None:
        for spec in people:
            self.add(spec)

    def person(self, uid: str) -> Person:
        store.refresh(self.vault)
        card = Card.objects.select_related("person").get(vault=self.vault, uid=uid, deleted=False)
        assert card.person is not None
        return card.person

    def add_phone(self, uid: str, phone: str) -> None:
        add_contact_method(self.person(uid), ContactKind.PHONE, phone)

    def add_email(self, uid: str, email: str) -> None:
        add_contact_method(self.person(uid), ContactKind.EMAIL, email)

    def trash(self, uid: str) -> None:
        assert trash_person(self.person(uid))

    def live(self) -> dict[str, Entry]:
        """The people in the vault (not the trash), by their card's UID, with the card."""
        store.refresh(self.vault)
        people = Person.objects.in_vault(self.vault)
        cards = {card.person_id: card for card in store.live_cards(self.vault.pk) if card.person_id}
        assert set(cards) == set(people.values_list("pk", flat=True)), "a live card per person"
        found: dict[str, Entry] = {}
        for person in people.prefetch_related("contact_methods"):
            card = cards[person.pk]
            methods = list(person.contact_methods.all())
            found[card.uid] = Entry(
                uid=card.uid,
                fn=person.name,
                emails=frozenset(m.value.lower() for m in methods if m.kind == ContactKind.EMAIL),
                phones=frozenset(digits(m.value) for m in methods if m.kind == ContactKind.PHONE),
                text=store.card_text(card),
            )
        return found

    def in_trash(self, fn: str) -> bool:
        return any(
            person.name == fn
            for person in Person.objects.filter(vault=self.vault, trashed_at__isnull=False)
        )


class RadicaleSide:
    """Radicale, the reference: people are cards PUT over HTTP, read from its storage."""

    name = "radicale"

    def __init__(self, server: RadicaleServer) -> None:
        self.server = server
        self.collection = server.make_address_book("alice", "contacts")
        self.remote = Remote(f"http://127.0.0.1:{server.port}/", "alice", "secret")

    def _cards(self) -> dict[str, LocalCard]:
        cards = [
            LocalCard.parse(name, text) for name, text in self.server.items(self.collection).items()
        ]
        return {card.uid: card for card in cards}

    def add(self, spec: Spec) -> None:
        self.server.put(f"{self.collection}{spec.uid}.vcf", spec.vcard())

    def seed(self, people: list[Spec]) -> None:
        for spec in people:
            self.add(spec)

    def _edit(self, uid: str, line: str) -> None:
        card = self._cards()[uid]
        self.server.put(f"{self.collection}{card.name}", edit_card(card.text, add=(line,)))

    def add_phone(self, uid: str, phone: str) -> None:
        self._edit(uid, f"TEL;TYPE=CELL:{phone}")

    def add_email(self, uid: str, email: str) -> None:
        self._edit(uid, f"EMAIL;TYPE=INTERNET:{email}")

    def trash(self, uid: str) -> None:
        self.server.delete(f"{self.collection}{self._cards()[uid].name}")

    def live(self) -> dict[str, Entry]:
        return {uid: entry_of(card) for uid, card in self._cards().items()}

    def in_trash(self, fn: str) -> bool:
        return True  # Radicale has no trash: a deleted card is gone, which is all we can check


@pytest.fixture(params=["aandacht", "radicale"])
def side(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Side]:
    if request.param == "aandacht":
        yield AandachtSide(request.getfixturevalue("live_dav"))
        return
    folder = tmp_path / "radicale"
    folder.mkdir()
    with radicale_server(folder) as server:
        yield RadicaleSide(server)


@pytest.fixture
def client(side: Side, tmp_path: Path) -> Vdirsyncer:
    return Vdirsyncer(tmp_path / "vdirsyncer", side.remote)


def start(side: Side, client: Vdirsyncer) -> dict[str, LocalCard]:
    """Seed the server with PEOPLE, discover from its root URL and sync once."""
    side.seed(PEOPLE)
    client.discover()
    client.sync()
    return client.cards()


def by_fn(cards: dict[str, LocalCard]) -> dict[str, LocalCard]:
    named = {card.fn: card for card in cards.values()}
    assert len(named) == len(cards), "two local cards with the same FN"
    return named


def assert_in_step(side: Side, client: Vdirsyncer) -> dict[str, LocalCard]:
    """Both sides hold the same cards, once each; one more sync rewrites nothing."""
    before = client.snapshot()
    assert client.sync().actions == [], "a sync after the scenario still had work"
    assert client.snapshot() == before, "a sync after the scenario still changed local files"
    local = client.cards()  # fails on a UID twice
    remote = side.live()
    assert len(remote) == len(local)
    assert set(remote) == set(local)
    for uid, card in local.items():
        assert entry_of(card).fn == remote[uid].fn
        assert entry_of(card).emails == remote[uid].emails
        assert entry_of(card).phones == remote[uid].phones
    return local


# --- 1. the first download -------------------------------------------------------------------


def test_initial_download_gives_one_file_per_person(side: Side, client: Vdirsyncer) -> None:
    local = by_fn(start(side, client))
    assert len(client.files()) == len(PEOPLE)
    assert set(local) == {spec.fn for spec in PEOPLE}
    for spec in PEOPLE:
        card = local[spec.fn]
        assert {email.lower() for email in card.emails} == {e.lower() for e in spec.emails}
        assert {digits(phone) for phone in card.phones} == {digits(p) for p in spec.phones}
    lines = {fn: card.lines() for fn, card in local.items()}
    # the particles stay in the structured name (Aandacht puts them before the family name,
    # as phones sort them; the reference card has them as additional names)
    n_line = next(line for line in lines["Jan van der Berg"] if line.startswith("N:"))
    assert n_line in {"N:van der Berg;Jan;;;", "N:Berg;Jan;van der;;"}
    # a birthday without a year stays without one (as --MMDD or Apple's omit-year marker)
    sanne = [line for line in lines["Sanne Bakker"] if line.startswith("BDAY")]
    assert len(sanne) == 1, sanne
    assert re.fullmatch(r"BDAY:--03-?14", sanne[0]) or re.fullmatch(
        r"BDAY;X-APPLE-OMIT-YEAR=(\d{4}):\1-?03-?14", sanne[0]
    ), sanne
    kees = [line for line in lines["Kees Visser"] if line.startswith("BDAY")]
    assert len(kees) == 1 and re.search(r":1980-?07-?01$", kees[0]), kees
    assert any(line.startswith("PHOTO") for line in lines["Zoë van Dijk"])
    assert any("Utrecht" in line for line in lines["Zoë van Dijk"] if line.startswith("ADR"))
    assert any(
        "Heuvel BV" in line for line in lines["Lotte van den Heuvel"] if line.startswith("ORG")
    )
    categories = [line for line in lines["Fatima El Amrani"] if line.startswith("CATEGORIES")]
    assert categories and {"buren", "school"} <= set(categories[0].split(":", 1)[1].split(","))

    # a second sync downloads and rewrites nothing
    assert_in_step(side, client)


# --- 2. edits on both sides ------------------------------------------------------------------


def test_edits_on_both_sides_meet(side: Side, client: Vdirsyncer) -> None:
    local = by_fn(start(side, client))
    jan, anna = local["Jan van der Berg"], local["Anna de Vries"]

    side.add_phone(jan.uid, "+31 6 55550101")
    client.write(
        anna.name,
        edit_card(anna.text, drop=("TEL",), add=("TEL;TYPE=CELL:+31 6 44440202", "X-FOO:bar")),
    )
    # a phone edits the card with the photo: the photo survives, so does a profile link
    zoe = local["Zoë van Dijk"]
    client.write(
        zoe.name,
        edit_card(zoe.text, add=("X-SOCIALPROFILE;TYPE=mastodon:https://social.example/@zoe",)),
    )
    # in the same round: a card made on the phone, a person added on the server
    made_here = str(uuid.uuid4())
    client.write(
        f"{made_here}.vcf",
        new_card(
            made_here,
            "Wim van Oranje",
            "Oranje",
            "Wim",
            "EMAIL:wim@example.org",
            "TEL:+31 6 33330303",
        ),
    )
    side.add(Spec("Els", "Borst", emails=("els@example.org",)))
    client.settle()

    local = by_fn(client.cards())
    assert "31655550101" in {digits(p) for p in local["Jan van der Berg"].phones}
    remote = side.live()
    assert remote[anna.uid].phones == {"31644440202"}
    assert "X-FOO:bar" in local["Anna de Vries"].lines()
    assert "X-FOO:bar" in LocalCard.parse("server", remote[anna.uid].text).lines()

    zoe_now = vobject.readOne(by_fn(client.cards())["Zoë van Dijk"].text)
    assert zoe_now.photo.value == PNG
    assert any("social.example/@zoe" in line for line in unfold(zoe_now.serialize()))

    # the unknown line survives the server's next edit of the same person
    side.add_email(anna.uid, "anna@nieuw.nl")
    client.settle()
    anna_now = by_fn(client.cards())["Anna de Vries"]
    assert "anna@nieuw.nl" in {email.lower() for email in anna_now.emails}
    assert "X-FOO:bar" in anna_now.lines()
    assert {digits(p) for p in anna_now.phones} == {"31644440202"}

    remote = side.live()
    assert remote[made_here].fn == "Wim van Oranje"
    assert remote[made_here].emails == {"wim@example.org"}
    assert remote[made_here].phones == {"31633330303"}
    local = by_fn(client.cards())
    assert local["Els Borst"].emails == ("els@example.org",)
    assert len(local) == len(PEOPLE) + 2
    assert_in_step(side, client)


# --- 3. deletions ----------------------------------------------------------------------------


@pytest.mark.parametrize("side", ["aandacht"], indirect=True)
def test_deletions_go_both_ways(side: Side, client: Vdirsyncer) -> None:
    local = by_fn(start(side, client))
    iris, eva = local["Iris Kok"], local["Eva Smit"]

    client.remove(iris.name)
    client.sync()
    remote = side.live()
    assert iris.uid not in remote
    assert side.in_trash("Iris Kok"), "a card deleted on the phone goes to the trash"

    side.trash(eva.uid)
    client.sync()
    assert eva.name not in client.files()
    assert len(client.files()) == len(PEOPLE) - 2
    assert_in_step(side, client)

    # restored from the trash (Aandacht only): the same card comes back, once
    if isinstance(side, AandachtSide):
        restore_person(Person.objects.get(vault=side.vault, given_name="Eva"))
        client.sync()
        back = client.cards()[eva.uid]
        assert (back.fn, back.emails) == ("Eva Smit", ("eva@example.org",))
        assert len(client.files()) == len(PEOPLE) - 1
        assert_in_step(side, client)


# --- 4. conflicts ----------------------------------------------------------------------------


@pytest.mark.parametrize("side", ["aandacht"], indirect=True)
@pytest.mark.parametrize("winner", ["a wins", "b wins"])
def test_conflict_resolution_keeps_the_winner(side: Side, client: Vdirsyncer, winner: str) -> None:
    local = by_fn(start(side, client))
    count = len(local)
    kees = local["Kees Visser"]

    side.add_phone(kees.uid, "+31 6 77770707")  # the server's edit
    client.write(
        kees.name, edit_card(kees.text, drop=("TEL",), add=("TEL;TYPE=WORK:+31 6 88880808",))
    )
    client.write_config(conflict_resolution=winner)
    client.settle()

    kees_local = client.cards()[kees.uid]
    kees_remote = side.live()[kees.uid]
    phones = {digits(p) for p in kees_local.phones}
    if winner == "a wins":
        assert phones == {"31688880808"}
    else:
        assert phones == {"31612345604", "31677770707"}
    assert kees_remote.phones == phones
    assert len(client.files()) == count == len(side.live())  # nothing duplicated, nothing lost
    assert_in_step(side, client)


# --- several vaults --------------------------------------------------------------------------


def test_every_vault_of_the_user_is_its_own_address_book(live_dav: LiveDav, tmp_path: Path) -> None:
    """Discovery finds one address book per vault the user is in, and only those."""
    own = AandachtSide(live_dav)
    own.seed(PEOPLE[:3])
    team = Vault.objects.create(name="Team")
    Membership.objects.create(vault=team, user=live_dav.user, role=Role.EDITOR)
    create_person(team, given_name="Tess", family_name="Team", emails=["tess@team.example"])
    strangers = Vault.objects.create(name="Strangers")
    create_person(strangers, given_name="Sam", family_name="Stranger")

    client = Vdirsyncer(tmp_path / "vdirsyncer", own.remote, metadata=("displayname",))
    client.discover()
    client.sync()
    client.run("metasync", "contacts")
    folders = client.collections()
    assert set(folders) == {str(live_dav.vault.pk), str(team.pk)}
    mine = client.cards(folders[str(live_dav.vault.pk)])
    assert sorted(card.fn for card in mine.values()) == sorted(spec.fn for spec in PEOPLE[:3])
    theirs = client.cards(folders[str(team.pk)])
    assert [(card.fn, card.emails) for card in theirs.values()] == [
        ("Tess Team", ("tess@team.example",))
    ]
    # the address books are named after their vaults
    names = {
        name: (folder / "displayname").read_text(encoding="utf-8")
        for name, folder in folders.items()
    }
    assert names == {str(live_dav.vault.pk): "Alice's people", str(team.pk): "Team"}
    assert client.sync().actions == []


def test_vcard_4_both_ways(live_dav: LiveDav, tmp_path: Path) -> None:
    """A client that asks for vCard 4.0 gets it, and its 4.0 edits are taken."""
    side = AandachtSide(live_dav)
    side.seed(PEOPLE[:5])
    client = Vdirsyncer(tmp_path / "vdirsyncer", side.remote, vcard_4=True)
    client.discover()
    client.sync()
    local = by_fn(client.cards())
    assert set(local) == {spec.fn for spec in PEOPLE[:5]}
    assert all("VERSION:4.0" in card.lines() for card in local.values())
    sanne = local["Sanne Bakker"]
    assert "BDAY:--0314" in sanne.lines()  # 4.0 writes a yearless date as such

    client.write(
        sanne.name,
        edit_card(sanne.text, add=("TEL;TYPE=cell:+31 6 12120303", "X-FOO;X-BAR=1:bar")),
    )
    client.settle()
    assert side.live()[sanne.uid].phones == {"31612120303"}
    sanne_now = client.cards()[sanne.uid]
    assert "VERSION:4.0" in sanne_now.lines()
    assert "X-FOO;X-BAR=1:bar" in sanne_now.lines()
    assert_in_step(side, client)


# --- refused access --------------------------------------------------------------------------


def test_a_wrong_token_finds_nothing(live_dav: LiveDav, tmp_path: Path) -> None:
    wrong = Remote(live_dav.url, "alice", "aat_" + "x" * 43)
    client = Vdirsyncer(tmp_path / "vdirsyncer", wrong)
    run = client.run("discover", "--no-list", "contacts", check=False)
    assert run.returncode != 0
    assert "401" in run.stderr, run.describe()
    assert not client.local.exists() or not any(client.local.iterdir())


def test_a_read_token_downloads_but_cannot_write(live_dav: LiveDav, tmp_path: Path) -> None:
    side = AandachtSide(live_dav)
    side.seed(PEOPLE[:3])
    reader = create_token(live_dav.user, "reader", scope=TokenScope.READ).secret
    client = Vdirsyncer(tmp_path / "vdirsyncer", Remote(live_dav.url, "alice", reader))
    client.discover()
    client.sync()
    jan = by_fn(client.cards())["Jan van der Berg"]
    client.write(jan.name, edit_card(jan.text, drop=("TEL",), add=("TEL:+31 6 99990909",)))

    run = client.run("sync", "contacts", check=False)
    assert run.returncode != 0
    assert "403" in run.stderr, run.describe()
    assert side.live()[jan.uid].phones == {"31612345601"}  # the server kept its card
