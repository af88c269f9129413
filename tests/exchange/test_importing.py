"""The importer: matching, merging without overwriting, atomicity, idempotence, dry runs."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.models import User

from aandacht.accounts.models import Vault
from aandacht.exchange import importing
from aandacht.exchange.importing import import_records
from aandacht.exchange.records import (
    Problem,
    Record,
    RecordAddress,
    RecordContact,
    RecordDate,
    RecordPhoto,
    UnreadableFile,
)
from aandacht.people.models import ContactMethod, ImportantDate, Person, Tag
from aandacht.people.search import search_people
from aandacht.timeline.models import Note

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def denise(number: int = 1, **changes: object) -> Record:
    record = Record(
        number=number,
        given_name="Denise",
        particles="van",
        family_name="Iersel",
        organisation="Groei & Bloei",
        job_title="Coach",
        contacts=[
            RecordContact("email", "Denise@Example.NL", "work"),
            RecordContact("phone", "06 1234 5678", "mobile"),
            RecordContact("social", "https://www.linkedin.com/in/denisevi", "", "linkedin"),
        ],
        addresses=[RecordAddress("home", "Dorpsstraat 1", "1234 AB", "Utrecht", "", "NL")],
        dates=[RecordDate("birthday", 4, 15)],
        note="Met at the Utrecht meetup.",
        tags=["Clients", "coaching"],
    )
    for name, value in changes.items():
        setattr(record, name, value)
    return record


@pytest.mark.django_db
def test_a_new_record_becomes_a_person_with_everything(vault: Vault, alice: User) -> None:
    report = import_records(vault, [denise(photo=RecordPhoto(PNG, "image/png"))], user=alice)
    assert (report.created, report.updated, report.unchanged) == (1, 0, 0)
    person = Person.objects.get(vault=vault)
    assert (person.given_name, person.particles, person.family_name) == ("Denise", "van", "Iersel")
    assert person.sort_key.startswith("iersel")
    assert person.uid.startswith("urn:aandacht:import:")
    methods = {(m.kind, m.normalized, m.service) for m in person.contact_methods.all()}
    assert methods == {
        ("email", "denise@example.nl", ""),
        ("phone", "+31612345678", ""),
        ("social", "@denisevi", "linkedin"),
    }
    assert person.addresses.get().locality == "Utrecht"
    date = person.important_dates.get()
    assert (date.kind, date.month, date.day, date.year) == ("birthday", 4, 15, None)
    assert Note.objects.get(person=person).body == "Met at the Utrecht meetup."
    assert sorted(t.name for t in person.tags.all()) == ["Clients", "coaching"]
    assert person.photo.name.endswith(".png")
    # Searchable straight away: the import wrote the search columns itself.
    assert [hit.person for hit in search_people(vault, "iersel")] == [person]
    assert [hit.person for hit in search_people(vault, "coach")] == [person]


@pytest.mark.django_db
def test_importing_the_same_records_twice_changes_nothing(vault: Vault) -> None:
    records = [denise(), Record(number=2, given_name="Only", family_name="Name")]
    first = import_records(vault, records)
    assert first.created == 2
    second = import_records(
        vault, [denise(), Record(number=2, given_name="Only", family_name="Name")]
    )
    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    assert Person.objects.filter(vault=vault).count() == 2
    assert ContactMethod.objects.filter(person__vault=vault).count() == 3
    assert Note.objects.filter(vault=vault).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("contacts", "rule"),
    [
        ([RecordContact("email", "DENISE@example.nl")], "email"),
        ([RecordContact("phone", "+31 6 12345678")], "phone"),
        ([RecordContact("social", "linkedin.com/in/DeniseVI")], "social"),
    ],
)
def test_a_shared_contact_detail_matches(
    vault: Vault, contacts: list[RecordContact], rule: str
) -> None:
    import_records(vault, [denise()])
    record = Record(number=1, given_name="D.", family_name="Iersel", contacts=contacts)
    report = import_records(vault, [record])
    assert report.matches == {rule: 1}
    assert Person.objects.filter(vault=vault).count() == 1


@pytest.mark.django_db
def test_a_close_name_matches_only_with_something_shared(vault: Vault) -> None:
    import_records(vault, [denise()])
    typo_same_org = Record(
        number=1, given_name="Denise", particles="van", family_name="Iersell",
        organisation="Groei & Bloei",
    )  # fmt: skip
    typo_same_city = Record(
        number=2, given_name="Denise", family_name="van Iersel",
        addresses=[RecordAddress(locality="utrecht")],
    )  # fmt: skip
    report = import_records(vault, [typo_same_org, typo_same_city])
    assert report.matches == {"name": 2}
    assert Person.objects.filter(vault=vault).count() == 1

    namesake = Record(number=1, given_name="Denise", particles="van", family_name="Iersel",
                      organisation="Elsewhere BV")  # fmt: skip
    report = import_records(vault, [namesake])
    assert report.created == 1
    assert Person.objects.filter(vault=vault).count() == 2


@pytest.mark.django_db
def test_a_match_fills_empty_fields_and_lists_conflicts_without_overwriting(vault: Vault) -> None:
    import_records(vault, [denise()])
    newer = denise(
        job_title="Team coach",
        nickname="Nies",
        contacts=[RecordContact("email", "denise@example.nl"), RecordContact("email", "d@new.nl")],
        dates=[RecordDate("birthday", 4, 16, 1980), RecordDate("anniversary", 6, 1)],
        tags=["clients", "Sport"],
    )
    report = import_records(vault, [newer])
    assert (report.created, report.updated) == (0, 1)
    person = Person.objects.get(vault=vault)
    assert person.job_title == "Coach"  # never overwritten
    assert person.nickname == "Nies"  # filled
    fields = {(c.field, c.existing, c.incoming) for c in report.conflicts}
    assert fields == {("job_title", "Coach", "Team coach"), ("birthday", "--04-15", "1980-04-16")}
    emails = set(person.contact_methods.filter(kind="email").values_list("normalized", flat=True))
    assert emails == {"denise@example.nl", "d@new.nl"}
    assert sorted(t.name for t in person.tags.all()) == ["Clients", "Sport", "coaching"]
    assert Tag.objects.filter(vault=vault).count() == 3  # "clients" reused "Clients"
    assert set(person.important_dates.values_list("kind", flat=True)) == {
        "birthday",
        "anniversary",
    }


@pytest.mark.django_db
def test_a_year_fills_a_yearless_birthday(vault: Vault) -> None:
    import_records(vault, [denise()])
    report = import_records(vault, [denise(dates=[RecordDate("birthday", 4, 15, 1980)])])
    assert report.updated == 1 and not report.conflicts
    assert ImportantDate.objects.get(person__vault=vault).year == 1980


@pytest.mark.django_db
def test_duplicates_within_the_file_become_one_person(vault: Vault) -> None:
    first = Record(number=1, given_name="Ben", contacts=[RecordContact("email", "ben@x.nl")])
    second = Record(
        number=2,
        given_name="Ben",
        family_name="Bakker",
        contacts=[RecordContact("email", "BEN@x.nl"), RecordContact("phone", "0201234567")],
    )
    report = import_records(vault, [first, second], chunk_size=1)  # across chunks too
    assert (report.created, report.merged_in_file) == (1, 1)
    person = Person.objects.get(vault=vault)
    assert person.family_name == "Bakker"
    assert person.contact_methods.count() == 2


@pytest.mark.django_db
def test_problems_are_listed_and_good_records_still_imported(vault: Vault) -> None:
    records: list[Record | Problem] = [
        Problem(1, "truncated", "Card 1 ends before END:VCARD (line 7)."),
        Record(number=2, given_name="Good"),
        Record(number=3),
    ]
    report = import_records(vault, records)
    assert report.created == 1
    assert [(p.record, p.code) for p in report.errors] == [(1, "truncated"), (3, "empty")]
    assert report.as_json()["errors"][0] == {
        "record": 1,
        "code": "truncated",
        "reason": "Card 1 ends before END:VCARD (line 7).",
    }


@pytest.mark.django_db
def test_bad_values_are_left_out_with_a_warning(vault: Vault) -> None:
    record = Record(
        number=4,
        given_name="Warned",
        organisation="x" * 500,
        contacts=[RecordContact("email", "not an email"), RecordContact("phone", "n/a")],
        dates=[RecordDate("birthday", 2, 31)],
        photo=RecordPhoto(b"GIF? no, text", "image/gif"),
    )
    report = import_records(vault, [record])
    assert report.created == 1
    assert {w.code for w in report.warnings} == {"too_long", "bad_contact", "bad_date", "bad_photo"}
    assert all(w.record == 4 for w in report.warnings)
    person = Person.objects.get(vault=vault)
    assert len(person.organisation) == 200
    assert not person.contact_methods.exists() and not person.important_dates.exists()


@pytest.mark.django_db
def test_nothing_readable_raises_and_writes_nothing(vault: Vault) -> None:
    with pytest.raises(UnreadableFile) as caught:
        import_records(vault, [Problem(1, "garbage", "not a card")])
    assert caught.value.code == "no_records"
    with pytest.raises(UnreadableFile):
        import_records(vault, [])
    assert not Person.objects.filter(vault=vault).exists()


@pytest.mark.django_db
def test_a_dry_run_counts_exactly_and_writes_nothing(vault: Vault, settings: object) -> None:
    import_records(vault, [denise()])
    before = Person.objects.filter(vault=vault).count()
    records = [
        denise(job_title="Other"),
        Record(number=2, given_name="New", photo=RecordPhoto(PNG, "image/png")),
    ]
    report = import_records(vault, records, dry_run=True)
    assert (report.created, report.updated, report.dry_run) == (1, 0, True)
    assert len(report.conflicts) == 1
    assert Person.objects.filter(vault=vault).count() == before


@pytest.mark.django_db(transaction=True)
def test_a_failure_halfway_leaves_the_vault_as_it_was(vault: Vault) -> None:
    import_records(vault, [denise()])
    photo_record = Record(number=1, given_name="Pic", photo=RecordPhoto(PNG, "image/png"))

    def records() -> object:
        yield photo_record
        yield Record(number=2, given_name="Fine")
        raise UnreadableFile("truncated_file", "the file ends in the middle of a card")

    stored: list[str] = []
    real_save = importing.default_storage.save

    def save(name: str, content: object) -> str:
        stored.append(real_save(name, content))
        return stored[-1]

    with mock.patch.object(importing.default_storage, "save", side_effect=save):
        with pytest.raises(UnreadableFile):
            import_records(vault, records(), chunk_size=1)  # type: ignore[arg-type]
    assert list(Person.objects.filter(vault=vault).values_list("given_name", flat=True)) == [
        "Denise"
    ]
    assert stored and not any(importing.default_storage.exists(name) for name in stored)


@pytest.mark.django_db
def test_progress_is_reported_per_chunk(vault: Vault) -> None:
    seen: list[int] = []
    records = [Record(number=n, given_name=f"P{n}") for n in range(1, 6)]
    import_records(vault, records, chunk_size=2, progress=seen.append)
    assert seen == [2, 4, 5]


@pytest.mark.django_db
def test_other_vaults_are_never_matched(vault: Vault, other_vault: Vault) -> None:
    import_records(other_vault, [denise()])
    report = import_records(vault, [denise()])
    assert report.created == 1
    assert Person.objects.filter(vault=vault).count() == 1


@pytest.mark.django_db
def test_trashed_people_are_not_matched(vault: Vault) -> None:
    import_records(vault, [denise()])
    Person.objects.filter(vault=vault).update(trashed_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert import_records(vault, [denise()]).created == 1


@pytest.mark.django_db
def test_query_count_does_not_grow_with_the_file(
    vault: Vault, django_assert_max_num_queries: object
) -> None:
    def batch(start: int, size: int) -> list[Record]:
        return [
            denise(
                number=n,
                given_name=f"Person{n}",
                contacts=[RecordContact("email", f"p{n}@example.org")],
                uid="",
            )
            for n in range(start, start + size)
        ]

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        import_records(vault, batch(1, 10))
    with CaptureQueriesContext(connection) as large:
        import_records(vault, batch(100, 200))
    assert len(large) <= len(small) + 10


@pytest.mark.django_db
def test_people_added_after_an_import_are_still_indexed(vault: Vault) -> None:
    """The import indexes its rows itself (SQLite); the trigger must be back afterwards."""
    from aandacht.people.services import create_person

    import_records(vault, [denise()])
    import_records(vault, [Record(number=1, given_name="Dry")], dry_run=True)
    later = create_person(vault, given_name="Wilhelmina", family_name="Kruisinga")
    assert [hit.person for hit in search_people(vault, "kruisinga")] == [later]
    assert [hit.person.given_name for hit in search_people(vault, "iersel")] == ["Denise"]


@pytest.mark.django_db
def test_conflicts_within_one_chunk_name_the_person(vault: Vault) -> None:
    first = Record(number=1, given_name="Ben", family_name="Bakker",
                   contacts=[RecordContact("email", "ben@x.nl")])  # fmt: skip
    second = Record(number=2, given_name="Ben", family_name="Backer",
                    contacts=[RecordContact("email", "ben@x.nl")])  # fmt: skip
    report = import_records(vault, [first, second])
    person = Person.objects.get(vault=vault)
    assert [(c.record, c.person_id, c.person, c.field) for c in report.conflicts] == [
        (2, person.pk, "Ben Bakker", "family_name")
    ]


@pytest.mark.django_db
def test_someone_without_a_name_is_called_by_their_email(vault: Vault) -> None:
    record = Record(number=3, contacts=[RecordContact("email", "info@example.org")])
    report = import_records(vault, [record])
    assert Person.objects.get(vault=vault).name == "info@example.org"
    assert [(w.record, w.code) for w in report.warnings] == [(3, "no_name")]


@pytest.mark.django_db
def test_a_skipped_line_is_a_warning_and_groups_only_say_so(vault: Vault) -> None:
    report = import_records(
        vault, [Problem(1, "not_a_property", "line 4: not a property"), Record(1, given_name="A")]
    )
    assert not report.errors and [w.code for w in report.warnings] == ["not_a_property"]
    with pytest.raises(UnreadableFile) as caught:
        import_records(vault, [Problem(1, "group", "a contact group")])
    assert "only contact groups" in str(caught.value)


@pytest.mark.django_db
def test_similar_names_with_different_numbers_or_emails_stay_apart(vault: Vault) -> None:
    numbered = [
        Record(number=n, given_name="Anna", family_name=f"Berg{n}", organisation="Acme")
        for n in range(1, 60)
    ]
    assert import_records(vault, numbered).created == 59
    colleague = denise(
        number=1,
        family_name="Iersell",
        contacts=[RecordContact("email", "other@example.nl")],
        uid="urn:uuid:other",
    )
    import_records(vault, [denise()])
    report = import_records(vault, [colleague])
    assert report.created == 1  # the same company, a close name, but another email address


# --- what the preview lists, impossible dates, undecodable photos -----------------------------


def import_vcf(vault: Vault, user: User, text: str, **options: Any) -> importing.ImportReport:
    from aandacht.exchange.from_vcard import records_from_vcards

    return import_records(vault, records_from_vcards(text.encode()), user=user, **options)


def vcf(*cards: list[str], version: str = "3.0") -> str:
    return "".join(
        "\r\n".join(["BEGIN:VCARD", f"VERSION:{version}", *lines, "END:VCARD"]) + "\r\n"
        for lines in cards
    )


@pytest.mark.django_db
@pytest.mark.parametrize("dry_run", [True, False])
def test_the_report_lists_new_and_updated_people(vault: Vault, alice: User, dry_run: bool) -> None:
    jeroen = Person.objects.create(vault=vault, given_name="Jeroen", family_name="Berg")
    jeroen.particles = "van der"
    jeroen.save()
    ContactMethod.objects.create(
        person=jeroen, kind="email", value="j@x.nl", normalized="j@x.nl", position=1
    )
    text = vcf(
        ["N:Boer;Anna;de;;", "FN:Anna de Boer", "EMAIL:anna@example.nl"],
        ["N:van der Berg;Jeroen;;;", "FN:Jeroen van der Berg", "EMAIL:j@x.nl",
         "EMAIL:jeroen@work.nl", "BDAY:1980-04-15", "CATEGORIES:Friends"],
        ["N:van der Berg;Jeroen;;;", "FN:Jeroen van der Berg", "EMAIL:j@x.nl"],
        ["N:Boer;Anna;de;;", "FN:Anna de Boer", "EMAIL:anna@example.nl", "TEL:0612345678"],
        ["FN:Acme", "ORG:Acme", "KIND:org", "BDAY:--0230"],
    )  # fmt: skip
    report = import_vcf(vault, alice, text, dry_run=dry_run)
    data = report.as_json()
    assert data["new_people"] == [
        {"record": 1, "name": "Anna de Boer"},
        {"record": 5, "name": "Acme"},
    ]
    assert data["new_people_more"] == 0
    assert data["updated_people"] == [
        {
            "record": 2,
            "person_id": jeroen.pk,
            "person": "Jeroen van der Berg",
            "rule": "email",
            "added": [
                {"field": "email", "value": "jeroen@work.nl"},
                {"field": "birthday", "value": "1980-04-15"},
                {"field": "tag", "value": "Friends"},
            ],
        }
    ]
    assert data["updated_people_more"] == 0
    # record 3 brought nothing new, record 4 merged into Anna of record 1: not listed
    assert (report.created, report.updated, report.unchanged, report.merged_in_file) == (2, 1, 1, 1)
    # the year-less impossible date of the organisation card is a warning too
    assert [(w.record, w.code) for w in report.warnings] == [(5, "bad_date")]
    assert "--0230" in report.warnings[0].reason


@pytest.mark.django_db
def test_the_lists_stop_at_200_and_count_the_rest(vault: Vault, alice: User) -> None:
    records = [
        Record(number=n, given_name=f"Person{n}", family_name=f"Number{n}",
               contacts=[RecordContact("email", f"p{n}@example.nl")])
        for n in range(1, 251)
    ]  # fmt: skip
    first = import_records(vault, records, user=alice, chunk_size=60)
    assert len(first.new_people) == importing.DETAIL_LIMIT == 200
    assert first.new_people[0] == {"record": 1, "name": "Person1 Number1"}
    assert first.new_people[-1]["record"] == 200
    assert first.new_people_more == 50
    again = [
        Record(number=n, given_name=f"Person{n}", family_name=f"Number{n}",
               contacts=[RecordContact("email", f"p{n}@example.nl")], job_title="Baker")
        for n in range(1, 251)
    ]  # fmt: skip
    second = import_records(vault, again, user=alice).as_json()
    assert len(second["updated_people"]) == 200 and second["updated_people_more"] == 50
    assert second["updated_people"][0]["added"] == [{"field": "job_title", "value": "Baker"}]
    assert second["new_people"] == [] and second["new_people_more"] == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("version", "line", "shown"),
    [
        ("3.0", "BDAY:19800230", "19800230"),
        ("3.0", "BDAY:1980-02-30", "1980-02-30"),
        ("4.0", "BDAY:19800230", "19800230"),
        ("4.0", "BDAY:--0230", "--0230"),
        ("3.0", "BDAY:1981-02-29", "1981-02-29"),
        ("4.0", "ANNIVERSARY:2001-13-01", "2001-13-01"),
        ("3.0", "X-ANNIVERSARY:2001-04-31", "2001-04-31"),
    ],
)
def test_an_impossible_date_is_a_warning(
    vault: Vault, alice: User, version: str, line: str, shown: str
) -> None:
    text = vcf(
        ["N:Een;Anna;;;", "FN:Anna Een"],
        ["N:Twee;Bob;;;", "FN:Bob Twee", line, "EMAIL:bob@example.nl"],
        version=version,
    )
    report = import_vcf(vault, alice, text)
    assert report.created == 2
    assert [(w.record, w.code) for w in report.warnings] == [(2, "bad_date")]
    kind = "birthday" if line.startswith("BDAY") else "anniversary"
    assert report.warnings[0].reason == (f"The {kind} {shown} is not a real date; it was left out.")
    bob = Person.objects.get(vault=vault, given_name="Bob")
    assert not bob.important_dates.exists()


@pytest.mark.django_db
def test_a_date_that_is_no_date_at_all_stays_silent(vault: Vault, alice: User) -> None:
    """Text such as "unknown" is no attempt at a date: nothing to warn about."""
    report = import_vcf(vault, alice, vcf(["N:Een;Anna;;;", "FN:Anna Een", "BDAY:unknown"]))
    assert report.created == 1 and report.warnings == []


@pytest.mark.django_db
@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_an_undecodable_photo_is_left_out_with_a_warning(
    vault: Vault, alice: User, version: str
) -> None:
    noise = base64.b64encode(bytes((n * 37 + 11) % 256 for n in range(600))).decode()
    photo = (
        f"PHOTO;ENCODING=b;TYPE=JPEG:{noise}"
        if version == "3.0"
        else f"PHOTO:data:image/jpeg;base64,{noise}"
    )
    text = vcf(["N:Een;Anna;;;", "FN:Anna Een", photo], version=version)
    report = import_vcf(vault, alice, text)
    assert report.created == 1
    assert [(w.record, w.code) for w in report.warnings] == [(1, "bad_photo")]
    assert report.warnings[0].reason.startswith("The photo cannot be shown (")
    assert not Person.objects.get(vault=vault).photo


@pytest.mark.django_db
def test_a_damaged_png_is_left_out_but_a_good_one_is_kept(vault: Vault, alice: User) -> None:
    damaged = PNG[:30]
    report = import_records(
        vault,
        [
            Record(number=1, given_name="Anna", photo=RecordPhoto(damaged, "image/png")),
            Record(number=2, given_name="Bob", photo=RecordPhoto(PNG, "image/png")),
        ],
        user=alice,
    )
    assert [(w.record, w.code) for w in report.warnings] == [(1, "bad_photo")]
    assert "damaged" in report.warnings[0].reason
    assert not Person.objects.get(given_name="Anna").photo
    assert Person.objects.get(given_name="Bob").photo


@pytest.mark.django_db
def test_the_department_is_imported_and_never_overwritten(vault: Vault, alice: User) -> None:
    text = vcf(["N:Een;Anna;;;", "FN:Anna Een", "ORG:Acme;Sales;East", "EMAIL:anna@example.nl"])
    import_vcf(vault, alice, text)
    anna = Person.objects.get(vault=vault)
    assert (anna.organisation, anna.department) == ("Acme", "Sales, East")
    again = vcf(["N:Een;Anna;;;", "FN:Anna Een", "ORG:Acme;Inkoop", "EMAIL:anna@example.nl"])
    report = import_vcf(vault, alice, again)
    assert [(c.field, c.existing, c.incoming) for c in report.conflicts] == [
        ("department", "Sales, East", "Inkoop")
    ]
    anna.refresh_from_db()
    assert anna.department == "Sales, East"


@pytest.mark.django_db
def test_a_readers_bad_date_is_a_warning_not_an_error(vault: Vault, alice: User) -> None:
    """A CSV reader reports a bad date as a Problem and still yields the row as a record."""
    report = import_records(
        vault,
        [Problem(2, "bad_date", "Line 2: not a real date"), Record(number=2, given_name="Anna")],
        user=alice,
    )
    assert report.created == 1 and report.errors == []
    assert [(w.record, w.code) for w in report.warnings] == [(2, "bad_date")]
