"""Rules of the people model: particle sort, vault scoping, dates, relationships, contacts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError
from django.utils import timezone

from aandacht.accounts.models import Vault
from aandacht.people.contact import InvalidContact
from aandacht.people.models import ContactKind, DateKind, Person, Tag, next_yearly
from aandacht.people.services import (
    AmbiguousPerson,
    PersonNotFound,
    add_contact_method,
    add_important_date,
    create_person,
    relate,
    relationships_of,
    resolve_person,
    set_tags,
)

pytestmark = pytest.mark.django_db


def test_people_sort_by_family_name_without_particles(vault: Vault) -> None:
    for name in ["Jeroen van de Ven", "Denise van Iersel", "Hans de Haan", "Bram Ibrahim", "Cher"]:
        create_person(vault, name)
    ordered = [person.name for person in Person.objects.in_vault(vault)]
    assert ordered == [
        "Cher",
        "Hans de Haan",
        "Bram Ibrahim",
        "Denise van Iersel",
        "Jeroen van de Ven",
    ]


def test_the_name_is_split_dutch_style(vault: Vault) -> None:
    person = create_person(vault, "Anna Maria van der Berg")
    assert (person.given_name, person.particles, person.family_name) == (
        "Anna Maria",
        "van der",
        "Berg",
    )
    assert person.name == "Anna Maria van der Berg"
    assert person.initials == "AB"


def test_a_person_needs_a_name(vault: Vault) -> None:
    with pytest.raises(ValueError, match="needs a name"):
        create_person(vault, "   ")
    assert Person.objects.count() == 0


def test_an_invalid_email_writes_nothing(vault: Vault) -> None:
    with pytest.raises(InvalidContact, match="not an email"):
        create_person(vault, "Ann Smith", emails=["ann.example.org"])
    assert Person.objects.count() == 0


def test_queries_are_scoped_to_one_vault(vault: Vault, other_vault: Vault) -> None:
    mine = create_person(vault, "Ann Smith")
    theirs = create_person(other_vault, "Ann Smith")
    assert list(Person.objects.in_vault(vault)) == [mine]
    assert list(Person.objects.in_vault(other_vault)) == [theirs]
    with pytest.raises(PersonNotFound):
        resolve_person(vault, str(theirs.pk))


def test_trash_hides_a_person_and_archive_stops_reminders(vault: Vault) -> None:
    trashed = create_person(vault, "Tom Trash")
    archived = create_person(vault, "Anne Archief")
    gone = create_person(vault, "Dirk Overleden")
    create_person(vault, "Rita Reachable")
    trashed.trashed_at = timezone.now()
    trashed.save()
    archived.archived = True
    archived.save()
    gone.deceased = True
    gone.save()
    assert Person.objects.in_vault(vault).count() == 3
    assert [p.name for p in Person.objects.in_vault(vault).reachable()] == ["Rita Reachable"]


def test_phone_numbers_are_normalised_with_the_default_region(vault: Vault) -> None:
    person = create_person(vault, "Piet Bel", phones=["06-12345678", "+44 20 7946 0958"])
    numbers = [m.normalized for m in person.contact_methods.filter(kind=ContactKind.PHONE)]
    assert numbers == ["+31612345678", "+442079460958"]
    with pytest.raises(InvalidContact, match="no digits"):
        add_contact_method(person, ContactKind.PHONE, "call me")


def test_social_profiles_are_recognised(vault: Vault) -> None:
    person = create_person(vault, "Priya Raman")
    twitter = add_contact_method(person, ContactKind.SOCIAL, "https://x.com/PriyaCodes")
    mastodon = add_contact_method(person, ContactKind.SOCIAL, "https://mastodon.social/@priya")
    linkedin = add_contact_method(person, ContactKind.SOCIAL, "linkedin.com/in/priya-raman/")
    assert (twitter.service, twitter.normalized) == ("twitter", "@priyacodes")
    assert (mastodon.service, mastodon.normalized) == ("mastodon", "@priya@mastodon.social")
    assert (linkedin.service, linkedin.normalized) == ("linkedin", "@priya-raman")


def test_birthdays_with_and_without_year(vault: Vault) -> None:
    person = create_person(vault, "Bea Jarig")
    with_year = add_important_date(person, DateKind.BIRTHDAY, 3, 14, 1985)
    leap = add_important_date(person, DateKind.CUSTOM, 2, 29, label="Leap day party")
    today = dt.date(2026, 11, 23)
    assert with_year.next_occurrence(today) == dt.date(2027, 3, 14)
    assert leap.next_occurrence(today) == dt.date(2027, 2, 28)
    assert next_yearly(2, 29, dt.date(2028, 1, 1)) == dt.date(2028, 2, 29)
    assert next_yearly(11, 23, today) == today
    with pytest.raises(ValueError, match="not a date"):
        add_important_date(person, DateKind.BIRTHDAY, 2, 30)
    with pytest.raises(ValueError, match="not a date"):
        add_important_date(person, DateKind.BIRTHDAY, 13, 1)


def test_relationships_read_from_both_sides(vault: Vault) -> None:
    ann = create_person(vault, "Ann Ouder")
    ben = create_person(vault, "Ben Kind")
    relate(ann, "parent", ben)
    relate(ann, "parent", ben)  # idempotent
    assert [(kind, other.name) for kind, other, _ in relationships_of(ann)] == [
        ("parent", "Ben Kind")
    ]
    assert [(kind, other.name) for kind, other, _ in relationships_of(ben)] == [
        ("child", "Ann Ouder")
    ]
    with pytest.raises(ValueError, match="themselves"):
        relate(ann, "friend", ann)


def test_relationships_never_cross_vaults(vault: Vault, other_vault: Vault) -> None:
    with pytest.raises(ValueError, match="different vaults"):
        relate(create_person(vault, "Ann"), "friend", create_person(other_vault, "Eve"))


def test_tags_are_matched_case_insensitively(vault: Vault) -> None:
    person = create_person(vault, "Tina Tag", tags=["Clients"])
    set_tags(vault, person, ["clients", "Family", ""])
    assert sorted(tag.name for tag in person.tags.all()) == ["Clients", "Family"]
    assert Tag.objects.filter(vault=vault).count() == 2


def test_tag_names_are_unique_per_vault(vault: Vault) -> None:
    Tag.objects.create(vault=vault, name="family")
    with pytest.raises(IntegrityError):
        Tag.objects.create(vault=vault, name="family")


def test_resolve_person_by_id_exact_name_or_unambiguous_match(vault: Vault, alice: User) -> None:
    jeroen = create_person(vault, "Jeroen van de Ven")
    create_person(vault, "Jan Smit")
    create_person(vault, "Jan Smits")
    assert resolve_person(vault, str(jeroen.pk)) == jeroen
    assert resolve_person(vault, "jeroen vd ven") == jeroen
    assert resolve_person(vault, "Jan Smit").name == "Jan Smit"
    with pytest.raises(AmbiguousPerson) as error:
        resolve_person(vault, "jan")
    assert {p.name for p in error.value.candidates} >= {"Jan Smit", "Jan Smits"}
    with pytest.raises(PersonNotFound):
        resolve_person(vault, "nobody at all")
