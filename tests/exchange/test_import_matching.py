"""Matching through the real importer: a shared landline or mailbox does not merge two people."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from aandacht.accounts.models import Vault
from aandacht.exchange.importing import import_records
from aandacht.exchange.records import Record, RecordContact
from aandacht.people.models import ContactMethod, Person


def card(number: int, given: str, family: str, *contacts: RecordContact, **more: str) -> Record:
    return Record(
        number=number, given_name=given, family_name=family, contacts=list(contacts), **more
    )


LANDLINE = RecordContact("phone", "020 123 4567", "home")


@pytest.mark.django_db
def test_a_household_landline_keeps_two_people_apart(vault: Vault, alice: User) -> None:
    import_records(vault, [card(1, "Jan", "de Vries", LANDLINE)], user=alice)
    report = import_records(
        vault,
        [
            card(1, "Marieke", "de Vries", LANDLINE, RecordContact("email", "m@vries.nl", "")),
            card(2, "Jan", "de Vries", LANDLINE, RecordContact("email", "jan@vries.nl", "")),
        ],
        user=alice,
    )
    assert (report.created, report.updated) == (1, 1)
    people = {p.given_name: p for p in Person.objects.filter(vault=vault)}
    assert set(people) == {"Jan", "Marieke"}
    jan_emails = ContactMethod.objects.filter(person=people["Jan"], kind="email")
    assert [c.normalized for c in jan_emails] == ["jan@vries.nl"]
    assert ContactMethod.objects.filter(person=people["Marieke"], kind="phone").count() == 1


@pytest.mark.django_db
def test_a_different_person_with_the_same_email_is_not_merged(vault: Vault, alice: User) -> None:
    shared = RecordContact("email", "info@berg.nl", "")
    import_records(vault, [card(1, "Jeroen", "van der Berg", shared)], user=alice)
    report = import_records(vault, [card(1, "Anna", "de Boer", shared)], user=alice)
    assert (report.created, report.updated, report.unchanged) == (1, 0, 0)
    jeroen = Person.objects.get(vault=vault, given_name="Jeroen")
    assert jeroen.family_name == "van der Berg"
    assert Person.objects.filter(vault=vault).count() == 2


@pytest.mark.django_db
def test_a_company_card_does_not_swallow_its_employee(vault: Vault, alice: User) -> None:
    switchboard = RecordContact("phone", "030 123 4567", "work")
    import_records(
        vault, [Record(number=1, organisation="Acme BV", contacts=[switchboard])], user=alice
    )
    report = import_records(
        vault, [card(1, "Sanne", "Visser", switchboard, organisation="Acme BV")], user=alice
    )
    assert report.created == 1
    assert Person.objects.filter(vault=vault).count() == 2


@pytest.mark.django_db
def test_the_same_person_with_a_typo_still_matches_on_phone(vault: Vault, alice: User) -> None:
    import_records(vault, [card(1, "Jeroen", "van der Berg", LANDLINE)], user=alice)
    report = import_records(vault, [card(1, "Jeron", "van der Berg", LANDLINE)], user=alice)
    assert report.created == 0
    assert Person.objects.filter(vault=vault).count() == 1


@pytest.mark.django_db
def test_a_match_that_only_gets_the_cards_uid_is_unchanged(vault: Vault, alice: User) -> None:
    """The UID is bookkeeping: it is written, but the person has nothing new to report."""
    from aandacht.people.services import add_contact_method, create_person

    bram = create_person(vault, "Bram van den Berg")
    add_contact_method(bram, "email", "bram@example.org")
    email = RecordContact("email", "bram@example.org", "")
    report = import_records(vault, [card(1, "Bram", "van den Berg", email)], user=alice)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    assert report.updated_people == []
    bram.refresh_from_db()
    assert bram.uid.startswith("urn:aandacht:import:")
    again = import_records(vault, [card(1, "Bram", "van den Berg", email)], user=alice)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
