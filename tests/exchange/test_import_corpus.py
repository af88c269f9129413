"""Importing every file of the shared vCard corpus into a vault, end to end.

``sources.read_records(..., "vcard")`` + ``importing.import_records`` for each file, into an
empty vault: every card the reader turns into a Record must end up as a person (or, when the file
describes the same person twice, merged into one) with its names, emails, phones, dates and photo
in the database; what the broken files do is spelled out in ``BROKEN``. A second import of the
same file changes nothing.

The corpus is NOT part of the project (some files are GPL-3.0): it is read from
``AANDACHT_VCARD_CORPUS`` (default ``../shared/corpus/vcards`` next to the repository). In CI
(``CI=true``) a missing corpus is a failure; elsewhere the tests are skipped with a message.
"""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path

import pytest
from django.conf import settings

from aandacht.accounts.models import Vault
from aandacht.exchange import sources
from aandacht.exchange.from_vcard import records_from_vcards
from aandacht.exchange.importing import ImportReport, import_records
from aandacht.exchange.records import Problem, Record, UnreadableFile
from aandacht.people import contact, names
from aandacht.people.models import ContactKind, Person

REPO = Path(__file__).resolve().parents[2]
_CANDIDATES = [REPO.parent / "shared/corpus/vcards", Path("/work/shared/corpus/vcards")]
CORPUS = Path(
    os.environ.get("AANDACHT_VCARD_CORPUS")
    or next((c for c in _CANDIDATES if c.is_dir()), _CANDIDATES[0])
)
FILES = sorted(CORPUS.rglob("*.vcf")) if CORPUS.is_dir() else []
IDS = [str(f.relative_to(CORPUS)) for f in FILES]
FIXTURES = Path(__file__).parent / "fixtures"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _need_corpus(request: pytest.FixtureRequest) -> None:
    if FILES or "fixture_file" in request.fixturenames:
        return
    message = f"vCard corpus not found at {CORPUS} (set AANDACHT_VCARD_CORPUS)"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message)
    pytest.skip(message)


# Files with nothing to import: the import refuses them as a whole (``no_records``), listing the
# card and why; nothing is written.
NOTHING_TO_IMPORT: dict[str, list[tuple[int, str]]] = {
    "khard/vcards__unparsable.vcf": [(1, "no_end")],  # the file ends inside the card
    "sabre-vobject/issue64.vcf": [(1, "nameless")],  # a PHOTO and nothing else
    "caldavtester/vcardput__16.vcf": [(1, "group")],  # Apple contact groups, not people
    "caldavtester/vcardput__17.vcf": [(1, "group")],
    "caldavtester/vcardput__19.vcf": [(1, "group")],
}
# Cards without N or FN (SOGo via Radicale, Android): imported as people without a name, called
# by their email address (as nickname, with a ``no_name`` warning), so nothing is lost.
NAMELESS: dict[str, list[int]] = {
    "radicale/broken-vcard.vcf": [1],
    "radicale/broken-vcards.vcf": [1, 2],
    "radicale/broken-vcards2.vcf": [2],
    "radicale/broken-vcards2-no_uid.vcf": [2],
    "ez-vcard/John_Doe_ANDROID.vcf": [1, 2],
}


def read(path: Path) -> list[Record | Problem]:
    with path.open("rb") as stream:
        return list(sources.read_records(stream, "vcard"))


def run_import(path: Path, vault: Vault, *, dry_run: bool = False) -> ImportReport:
    with path.open("rb") as stream:
        return import_records(vault, sources.read_records(stream, "vcard"), dry_run=dry_run)


def clean(text: str, limit: int) -> str:
    return " ".join(text.split())[:limit]


def normalised(kind: str, raw: str) -> str | None:
    try:
        if kind == "email":
            return contact.normalize_email(" ".join(raw.split()))
        return contact.normalize_phone(" ".join(raw.split()), str(settings.PHONE_REGION))
    except contact.InvalidContact:
        return None


def people_of(vault: Vault) -> dict[int, Person]:
    return {
        p.pk: p
        for p in Person.objects.filter(vault=vault).prefetch_related(
            "contact_methods", "important_dates"
        )
    }


def person_for(record: Record, people: dict[int, Person]) -> Person:
    """The person a record went to: by UID, else by a shared email or phone, else by name."""
    if record.uid:
        for person in people.values():
            if person.uid == record.uid.strip():
                return person
    keys = {normalised(c.kind, c.value) for c in record.contacts if c.kind in ("email", "phone")}
    keys.discard(None)
    # A phone as written ("123456", not valid) is no matching key: only E.164 numbers are.
    keys = {key for key in keys if key and ("@" in key or key.startswith("+"))}
    for person in people.values():
        if keys & {m.normalized for m in person.contact_methods.all()}:
            return person
    wanted = names.fold(f"{record.given_name} {record.particles} {record.family_name}")
    found = [
        p
        for p in people.values()
        if names.fold(f"{p.given_name} {p.particles} {p.family_name}") == wanted
        and names.fold(p.organisation) == names.fold(record.organisation)
    ]
    assert len(found) == 1, (record.number, wanted, found)
    return found[0]


def test_corpus_is_there() -> None:
    assert len(FILES) >= 90


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_every_file_imports(path: Path, vault: Vault) -> None:
    name = str(path.relative_to(CORPUS))
    head = path.read_bytes()[: sources.HEAD_BYTES]
    assert sources.detect_format(head, path.name) == "vcard"
    read_back = read(path)
    records = [r for r in read_back if isinstance(r, Record)]
    problems = sorted((p.record, p.code) for p in read_back if isinstance(p, Problem))

    if name in NOTHING_TO_IMPORT:
        assert records == [] and problems == NOTHING_TO_IMPORT[name]
        with pytest.raises(UnreadableFile) as refused:
            run_import(path, vault)
        assert refused.value.code == "no_records"
        if {code for _number, code in problems} == {"group"}:
            assert "only contact groups" in str(refused.value)
        else:
            assert "its one record could not be read" in str(refused.value)
            assert "(line " in str(refused.value)  # the place comes last, never first
        assert not Person.objects.filter(vault=vault).exists()
        return

    report = run_import(path, vault)
    label = name
    # every readable card is counted once, every unreadable one listed with its card number
    assert report.records == len(records), (label, report.as_json())
    assert sorted((p.record, p.code) for p in report.errors) == problems, label
    people = people_of(vault)
    assert report.created == len(people) >= 1, label
    conflicts = {(c.record, c.field) for c in report.conflicts}
    warnings = defaultdict(list)
    for warning in report.warnings:
        warnings[warning.record].append(warning.code)

    creators: dict[int, int] = {}
    for record in records:
        person = person_for(record, people)
        created_here = creators.setdefault(person.pk, record.number) == record.number
        where = f"{label} card {record.number}"
        if record.number in NAMELESS.get(name, []):
            assert (person.given_name, person.family_name) == ("", ""), where
            assert person.nickname and "no_name" in warnings[record.number], where
        # names: a new person has the card's; a merged card's differing names are conflicts
        for field, limit in (("given_name", 150), ("particles", 40), ("family_name", 150)):
            incoming = clean(getattr(record, field), limit)
            stored = getattr(person, field)
            if created_here and incoming:
                assert stored == incoming, (where, field)
            elif created_here:
                continue  # a later card of the same person may fill it
            elif incoming and names.fold(stored) != names.fold(incoming):
                assert (record.number, field) in conflicts, (where, field)
        if created_here:
            for field in ("name_prefix", "name_suffix", "organisation"):
                incoming = clean(getattr(record, field), 200 if field == "organisation" else 40)
                assert getattr(person, field) == incoming or not incoming, (where, field)
        # every email and phone that is one, normalised; the others are listed as warnings
        stored_contacts = {(m.kind, m.normalized) for m in person.contact_methods.all()}
        for item in record.contacts:
            if item.kind not in ("email", "phone"):
                continue
            key = normalised(item.kind, item.value)
            if key is None:
                assert "bad_contact" in warnings[record.number], (where, item.value)
            else:
                kind = ContactKind.EMAIL if item.kind == "email" else ContactKind.PHONE
                assert (kind, key) in stored_contacts, (where, item.value)
        # dates: stored, or a different birthday/anniversary already there is a conflict
        stored_dates = {(d.kind, d.month, d.day, d.label) for d in person.important_dates.all()}
        years = {(d.kind, d.month, d.day, d.label): d.year for d in person.important_dates.all()}
        for date in record.dates:
            key4 = (date.kind, date.month, date.day, date.label)
            if key4 in stored_dates:
                assert date.year is None or years[key4] == date.year, (where, date)
            else:
                assert (record.number, date.kind) in conflicts, (where, date)
        # the photo, byte for byte, from the card that created the person
        if record.photo is not None and created_here:
            assert person.photo, where
            with person.photo.open("rb") as stored_photo:
                assert stored_photo.read() == record.photo.data, where
        if created_here:
            assert person.uid == record.uid.strip() or person.uid.startswith(
                "urn:aandacht:import:"
            ), where

    # importing the same file again changes nothing
    again = run_import(path, vault)
    assert (again.created, again.updated) == (0, 0), (label, again.as_json())
    assert again.unchanged + again.merged_in_file == len(records), label
    assert len(people_of(vault)) == len(people), label


def test_a_dry_run_of_the_whole_corpus_writes_nothing(vault: Vault) -> None:
    created = 0
    for path in FILES:
        if str(path.relative_to(CORPUS)) in NOTHING_TO_IMPORT:
            continue
        created += run_import(path, vault, dry_run=True).created
    assert created >= 85
    assert not Person.objects.filter(vault=vault).exists()


@pytest.mark.parametrize("fixture_file", ["good_and_bad.vcf"])
def test_one_good_and_one_bad_card(fixture_file: str, vault: Vault) -> None:
    """The good card is imported, the bad one listed with its card number; run twice, same."""
    path = FIXTURES / fixture_file
    report = run_import(path, vault)

    assert (report.created, report.records) == (1, 1)
    assert [(p.record, p.code) for p in report.errors] == [(2, "no_end")]
    assert "line 7" in report.errors[0].reason
    [goed] = Person.objects.filter(vault=vault)
    assert goed.name == "Goed Kaartje"
    assert [m.normalized for m in goed.contact_methods.all()] == ["goed@example.nl"]
    assert report.as_json()["errors"] == [
        {"record": 2, "code": "no_end", "reason": report.errors[0].reason}
    ]
    assert run_import(path, vault).created == 0


@pytest.mark.parametrize(
    "fixture_file",
    ["apple_contacts.vcf", "outlook21_qp.vcf", "android21.vcf", "thunderbird.vcf"],
)
def test_our_vendor_fixtures_import_with_everything(fixture_file: str, vault: Vault) -> None:
    path = FIXTURES / fixture_file
    records = [r for r in records_from_vcards(path.read_bytes()) if isinstance(r, Record)]
    report = run_import(path, vault)
    assert report.created == len(records)
    nameless = [r.number for r in records if not (r.has_name() or r.organisation)]
    assert [(w.record, w.code) for w in report.warnings] == [(n, "no_name") for n in nameless]
    people = people_of(vault)
    for record in records:
        person = person_for(record, people)
        assert (person.given_name, person.particles, person.family_name) == (
            record.given_name,
            record.particles,
            record.family_name,
        )
        assert person.organisation == record.organisation
        stored = {(m.kind, m.label, m.service or "") for m in person.contact_methods.all()}
        for item in record.contacts:
            service = item.service if item.kind == "social" else ""
            assert (item.kind, item.label, service) in stored or (
                item.kind,
                item.label,
                "other",
            ) in stored, (record.number, item)
        assert sorted(
            (d.kind, d.month, d.day, d.year, d.label) for d in person.important_dates.all()
        ) == sorted((d.kind, d.month, d.day, d.year, d.label) for d in record.dates)
        assert sorted(t.name for t in person.tags.all()) == sorted(record.tags)
        assert person.time_zone == record.time_zone
        assert bool(person.photo) == (record.photo is not None)
