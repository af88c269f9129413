"""A person's lifecycle as services: trash and undo, forget, purge, archive, deceased, merge."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import models, transaction
from django.utils import timezone, translation

from aandacht.accounts.models import Vault
from aandacht.people.lifecycle import (
    MERGE_FIELDS,
    TRASH_DAYS,
    LifecycleError,
    default_choices,
    forget_person,
    merge_people,
    needs_choice,
    purge_expired_trash,
    quick_add_person,
    restore_person,
    set_archived,
    set_deceased,
    similar_people,
    trash_days_left,
    trash_expires_at,
    trash_person,
)
from aandacht.people.models import (
    Address,
    ContactKind,
    ContactMethod,
    DateKind,
    ImportantDate,
    Person,
    Relationship,
    Tag,
)
from aandacht.people.search import search_people
from aandacht.people.services import (
    add_contact_method,
    add_important_date,
    create_person,
    relate,
    set_tags,
)
from aandacht.timeline.models import FollowUp, Interaction, Moment, Note
from aandacht.timeline.services import (
    add_follow_up,
    add_moment,
    add_note,
    log_interaction,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2025, 3, 10, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def with_photo(person: Person, name: str = "face.jpg") -> Person:
    person.photo.save(name, ContentFile(b"\xff\xd8 not really a jpeg"), save=True)
    return person


def ids(queryset: models.QuerySet[Any]) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


# --- quick add -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["van der", "Van De", "vd Van", "van  der  de"])
def test_a_name_of_only_particles_is_refused_before_anything_is_written(
    vault: Vault, name: str
) -> None:
    with pytest.raises(ValueError, match="A name needs more than"):
        quick_add_person(vault, name, where="Borrel", note="nice")
    with pytest.raises(ValueError, match="A name needs more than"):
        create_person(vault, name)
    assert not Person.objects.exists()
    assert not Note.objects.exists()


@pytest.mark.parametrize("name", ["Van", "Ter", "Jan van der", "van der Berg", "Anna V."])
def test_a_name_with_more_than_particles_is_accepted(vault: Vault, name: str) -> None:
    assert create_person(vault, name).name == name


# --- trash and restore -----------------------------------------------------------------------


def test_trashed_people_vanish_from_lists_and_search_until_restored(vault: Vault) -> None:
    jeroen = create_person(vault, "Jeroen van de Ven")

    assert trash_person(jeroen, now=NOW) is True

    assert jeroen.trashed_at == NOW
    assert not Person.objects.in_vault(vault).filter(pk=jeroen.pk).exists()
    assert search_people(vault, "jeroen vd ven") == []

    assert restore_person(jeroen) is True

    assert [hit.person for hit in search_people(vault, "jeroen vd ven")] == [jeroen]
    assert Person.objects.in_vault(vault).filter(pk=jeroen.pk).exists()


def test_trashing_twice_keeps_the_first_date_and_restoring_twice_is_harmless(
    vault: Vault,
) -> None:
    ann = create_person(vault, "Ann Smit")

    assert trash_person(ann, now=NOW) is True
    assert trash_person(Person.objects.get(pk=ann.pk), now=NOW + dt.timedelta(days=3)) is False

    assert Person.objects.get(pk=ann.pk).trashed_at == NOW
    assert trash_expires_at(Person.objects.get(pk=ann.pk)) == NOW + dt.timedelta(days=30)
    assert restore_person(ann) is True
    assert restore_person(ann) is False
    assert Person.objects.get(pk=ann.pk).trashed_at is None
    assert trash_expires_at(ann) is None


def test_trash_keeps_everything_about_the_person_for_the_undo(vault: Vault) -> None:
    ann = create_person(vault, "Ann Smit", emails=["ann@example.org"])
    add_note(vault, ann, "Loves sailing")

    trash_person(ann)
    restore_person(ann)

    assert ann.contact_methods.count() == 1
    assert Note.objects.filter(person=ann).count() == 1


# --- forget ----------------------------------------------------------------------------------


def test_forget_erases_the_person_and_everything_about_them_but_not_others(
    vault: Vault, alice: User, django_capture_on_commit_callbacks: Any
) -> None:
    gone = with_photo(create_person(vault, "Gert Weg", emails=["gert@example.org"]))
    stays = create_person(vault, "Sanne Blijft", emails=["sanne@example.org"])
    introduced = create_person(vault, "Ida Intro", met_via=gone)
    Address.objects.create(person=gone, street="Kerkstraat 1", locality="Utrecht")
    add_important_date(gone, DateKind.BIRTHDAY, 4, 5)
    relate(gone, "friend", stays)
    relate(stays, "colleague", gone)
    set_tags(vault, gone, ["cycling"])
    set_tags(vault, stays, ["cycling"])
    add_note(vault, gone, "private thoughts", author=alice, private=True)
    add_moment(vault, gone, "Helped me move house")
    add_follow_up(vault, gone, "Send the book")
    alone = log_interaction(vault, [gone], "call")
    together = log_interaction(vault, [gone, stays], "meeting")
    with_sanne = log_interaction(vault, [stays], "call")
    add_note(vault, stays, "Sanne's note")
    photo_path = Path(gone.photo.path)
    assert photo_path.exists()

    with django_capture_on_commit_callbacks(execute=True):
        deleted = forget_person(gone)

    assert not Person.objects.filter(pk=gone.pk).exists()
    assert not ContactMethod.objects.filter(person_id=gone.pk).exists()
    assert not Address.objects.filter(person_id=gone.pk).exists()
    assert not ImportantDate.objects.filter(person_id=gone.pk).exists()
    assert not Relationship.objects.filter(vault=vault).exists()
    assert not Note.objects.filter(person_id=gone.pk).exists()
    assert not Moment.objects.filter(vault=vault).exists()
    assert not FollowUp.objects.filter(vault=vault).exists()
    assert ids(Interaction.objects.all()) == {together.pk, with_sanne.pk}
    assert not Interaction.objects.filter(pk=alone.pk).exists()
    assert list(Interaction.objects.get(pk=together.pk).people.all()) == [stays]
    assert Tag.objects.filter(vault=vault, name="cycling").exists()
    assert list(stays.tags.values_list("name", flat=True)) == ["cycling"]
    assert Person.objects.get(pk=introduced.pk).met_via is None
    assert stays.contact_methods.count() == 1
    assert Note.objects.filter(person=stays).count() == 1
    assert not photo_path.exists()
    assert deleted["people.Person"] == 1
    assert deleted["timeline.Interaction"] == 1


def test_forget_keeps_the_photo_when_the_transaction_rolls_back(
    vault: Vault, django_capture_on_commit_callbacks: Any
) -> None:
    gone = with_photo(create_person(vault, "Gert Weg"))
    photo_path = Path(gone.photo.path)

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            forget_person(gone)
            raise RuntimeError("something else failed")

    assert photo_path.exists()
    assert Person.objects.filter(pk=gone.pk).exists()


def test_forget_works_for_someone_in_the_trash(vault: Vault) -> None:
    ann = create_person(vault, "Ann Smit")
    trash_person(ann)

    forget_person(ann)

    assert not Person.objects.filter(pk=ann.pk).exists()


# --- purge -----------------------------------------------------------------------------------


def test_days_left_in_the_trash_round_up(vault: Vault) -> None:
    person = create_person(vault, "Net Weg")
    assert trash_days_left(person, NOW) == 0
    trash_person(person, now=NOW)
    assert trash_days_left(person, NOW + dt.timedelta(seconds=1)) == TRASH_DAYS
    assert trash_days_left(person, NOW + dt.timedelta(days=1)) == TRASH_DAYS - 1
    assert trash_days_left(person, NOW + dt.timedelta(days=29, hours=23)) == 1
    assert trash_days_left(person, NOW + dt.timedelta(days=31)) == 0


def test_purge_forgets_people_in_the_trash_for_more_than_thirty_days_only(
    vault: Vault, other_vault: Vault
) -> None:
    old = create_person(vault, "Oud Genoeg", emails=["oud@example.org"])
    recent = create_person(vault, "Net Weg")
    elsewhere = create_person(other_vault, "Ver Weg")
    alive = create_person(vault, "Nog Hier")
    trash_person(old, now=NOW - dt.timedelta(days=TRASH_DAYS, minutes=1))
    trash_person(recent, now=NOW - dt.timedelta(days=TRASH_DAYS - 1))
    trash_person(elsewhere, now=NOW - dt.timedelta(days=60))

    assert purge_expired_trash(NOW, vault=vault) == [old.pk]

    assert ids(Person.objects.all()) == {recent.pk, elsewhere.pk, alive.pk}
    assert not ContactMethod.objects.filter(person_id=old.pk).exists()
    assert purge_expired_trash(NOW, vault=vault) == []
    assert purge_expired_trash(NOW) == [elsewhere.pk]


def test_purge_trash_command_empties_every_vault(vault: Vault, other_vault: Vault) -> None:
    mine = create_person(vault, "Oud Genoeg")
    theirs = create_person(other_vault, "Ver Weg")
    for person in (mine, theirs):
        trash_person(person, now=NOW - dt.timedelta(days=45))
    out = StringIO()

    with time_machine.travel(NOW, tick=False):
        call_command("purge_trash", stdout=out)

    assert not Person.objects.exists()
    assert "2" in out.getvalue()


def test_purge_trash_command_dry_run_changes_nothing(vault: Vault) -> None:
    old = create_person(vault, "Oud Genoeg")
    trash_person(old, now=NOW - dt.timedelta(days=45))
    out = StringIO()

    with time_machine.travel(NOW, tick=False):
        call_command("purge_trash", "--dry-run", stdout=out)

    assert Person.objects.filter(pk=old.pk).exists()
    assert "Oud Genoeg" in out.getvalue()


# --- archive and deceased --------------------------------------------------------------------


def test_archiving_is_idempotent_and_reversible(vault: Vault) -> None:
    ann = create_person(vault, "Ann Smit")

    assert set_archived(ann, True) is True
    assert set_archived(ann, True) is False
    assert Person.objects.get(pk=ann.pk).archived is True
    assert not Person.objects.in_vault(vault).reachable().filter(pk=ann.pk).exists()
    assert set_archived(ann, False) is True
    assert Person.objects.get(pk=ann.pk).archived is False


def test_deceased_with_and_without_a_date_and_undone(vault: Vault) -> None:
    opa = create_person(vault, "Opa Jansen")

    set_deceased(opa, True, dt.date(2024, 11, 2), today=dt.date(2025, 1, 1))
    stored = Person.objects.get(pk=opa.pk)
    assert (stored.deceased, stored.deceased_on) == (True, dt.date(2024, 11, 2))
    assert not Person.objects.reachable().filter(pk=opa.pk).exists()

    set_deceased(opa, False)
    stored = Person.objects.get(pk=opa.pk)
    assert (stored.deceased, stored.deceased_on) == (False, None)

    set_deceased(opa, True)
    assert Person.objects.get(pk=opa.pk).deceased is True


def test_a_date_of_death_in_the_future_is_refused(vault: Vault) -> None:
    opa = create_person(vault, "Opa Jansen")

    with pytest.raises(LifecycleError, match="future"):
        set_deceased(opa, True, dt.date(2030, 1, 1), today=dt.date(2025, 1, 1))
    with pytest.raises(LifecycleError):
        set_deceased(opa, False, dt.date(2020, 1, 1))

    assert Person.objects.get(pk=opa.pk).deceased is False


# --- similar names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("existing", "new", "similar"),
    [
        ("Jeroen van de Ven", "Jeroen vd Ven", True),
        ("Jeroen van de Ven", "jeroen van de ven", True),
        ("Jeroen van de Ven", "Jerone van de Ven", True),
        ("Anne Jansen", "Anna Jansen", True),
        ("Jeroen van de Ven", "Jeroen", False),
        ("Jeroen van de Ven", "Jeroen Bakker", False),
        ("Piet Jansen", "Kees Jansen", False),
    ],
)
def test_similar_people_are_close_both_ways(
    vault: Vault, existing: str, new: str, similar: bool
) -> None:
    before = create_person(vault, existing)
    added = create_person(vault, new)

    assert similar_people(vault, added) == ([before] if similar else [])


def test_a_twin_sharing_no_three_letters_of_a_short_name_is_still_similar(vault: Vault) -> None:
    """'Eva' and 'Evi' share no trigram: a search asking for every word first misses Evi,
    so duplicate finding asks for any word (and another Eva matching every word is no excuse)."""
    evi = create_person(vault, "Evi de Vries")
    create_person(vault, "Eva Vriesendorp")
    added = create_person(vault, "Eva de Vries")

    assert similar_people(vault, added) == [evi]


def test_similar_people_leaves_out_the_trash_and_other_vaults(
    vault: Vault, other_vault: Vault
) -> None:
    trashed = create_person(vault, "Jeroen van de Ven")
    trash_person(trashed)
    create_person(other_vault, "Jeroen van de Ven")
    added = create_person(vault, "Jeroen vd Ven")

    assert similar_people(vault, added) == []


# --- merge -----------------------------------------------------------------------------------


def counts(vault: Vault) -> dict[str, int]:
    """Every kind of row that hangs off people in a vault."""
    return {
        "contact methods": ContactMethod.objects.filter(person__vault=vault).count(),
        "addresses": Address.objects.filter(person__vault=vault).count(),
        "dates": ImportantDate.objects.filter(person__vault=vault).count(),
        "relationships": Relationship.objects.filter(vault=vault).count(),
        "tags": Tag.objects.filter(vault=vault).count(),
        "interactions": Interaction.objects.filter(vault=vault).count(),
        "notes": Note.objects.filter(vault=vault).count(),
        "moments": Moment.objects.filter(vault=vault).count(),
        "follow-ups": FollowUp.objects.filter(vault=vault).count(),
        "people": Person.objects.filter(vault=vault).count(),
    }


@pytest.fixture
def duplicates(vault: Vault, alice: User) -> dict[str, Person]:
    """Jeroen twice, each with his own history, some of it the same; and his network."""
    kept = create_person(
        vault,
        "Jeroen van de Ven",
        organisation="Acme",
        met_at="PyCon NL",
        what_they_do="Builds bridges",
        emails=["jeroen@example.org"],
        phones=["06 12345678"],
        tags=["python", "utrecht"],
    )
    other = create_person(
        vault,
        "J. van de Ven",
        nickname="Jer",
        organisation="Bridgeworks",
        job_title="Engineer",
        met_on=dt.date(2023, 6, 1),
        what_they_do="Designs bridges for cyclists",
        emails=["Jeroen@Example.org", "jvdv@bridgeworks.nl"],
        phones=["+31 6 12345678"],
        tags=["Python", "cycling"],
    )
    ann = create_person(vault, "Ann Smit")
    ben = create_person(vault, "Ben de Wit", met_via=other)
    add_contact_method(other, ContactKind.WEBSITE, "https://bridgeworks.nl", label="work")
    Address.objects.create(person=kept, street="Kerkstraat 1", locality="Utrecht")
    Address.objects.create(person=other, street="kerkstraat 1", locality="UTRECHT")
    Address.objects.create(person=other, street="Dorpsweg 2", locality="Zeist")
    add_important_date(kept, DateKind.BIRTHDAY, 4, 5)
    add_important_date(other, DateKind.BIRTHDAY, 4, 5, year=1980)
    add_important_date(other, DateKind.ANNIVERSARY, 9, 9)
    relate(kept, "friend", ann)
    relate(other, "friend", ann)  # the same link, twice
    relate(ann, "friend", other)  # and the other way round
    relate(other, "colleague", ben)
    relate(other, "friend", kept)  # would become a link to himself
    add_note(vault, kept, "Kept note", author=alice)
    add_note(vault, other, "Other note", author=alice, private=True)
    add_moment(vault, other, "Helped at the sprint")
    add_follow_up(vault, other, "Send the slides")
    log_interaction(vault, [kept], "call")
    log_interaction(vault, [other], "meeting")
    log_interaction(vault, [kept, other, ann], "video")
    log_interaction(vault, [other, ann], "message")
    return {"kept": kept, "other": other, "ann": ann, "ben": ben}


def test_merge_moves_everything_over_and_loses_nothing(
    vault: Vault, alice: User, duplicates: dict[str, Person]
) -> None:
    kept, other, ann, ben = (duplicates[key] for key in ("kept", "other", "ann", "ben"))
    before = counts(vault)
    their_interactions = ids(Interaction.objects.filter(people__in=[kept, other]))

    merged = merge_people(kept, other, author=alice)

    after = counts(vault)
    assert merged.pk == kept.pk
    assert not Person.objects.filter(pk=other.pk).exists()
    # Only true duplicates went: one email, one phone, one address, one birthday, the
    # friendship recorded three times, and the link to himself.
    assert after == {
        **before,
        "contact methods": before["contact methods"] - 2,
        "addresses": before["addresses"] - 1,
        "dates": before["dates"] - 1,
        "relationships": before["relationships"] - 3,
        "notes": before["notes"] + 1,  # the merge note
        "people": before["people"] - 1,
    }
    methods = sorted(merged.contact_methods.values_list("kind", "normalized"))
    assert methods == [
        ("email", "jeroen@example.org"),
        ("email", "jvdv@bridgeworks.nl"),
        ("phone", "+31612345678"),
        ("website", "bridgeworks.nl"),
    ]
    assert sorted(merged.addresses.values_list("locality", flat=True)) == ["Utrecht", "Zeist"]
    assert sorted(merged.important_dates.values_list("kind", "year")) == [
        ("anniversary", None),
        ("birthday", 1980),
    ]
    links = sorted(
        Relationship.objects.filter(vault=vault).values_list(
            "from_person__given_name", "kind", "to_person__given_name"
        )
    )
    assert links == [("Jeroen", "colleague", "Ben"), ("Jeroen", "friend", "Ann")]
    assert sorted(merged.tags.values_list("name", flat=True)) == ["cycling", "python", "utrecht"]
    assert ids(Interaction.objects.filter(people=merged)) == their_interactions
    video = Interaction.objects.get(kind="video")
    assert sorted(video.people.values_list("given_name", flat=True)) == ["Ann", "Jeroen"]
    assert Note.objects.filter(person=merged, body="Other note", private=True).exists()
    assert Moment.objects.get().person == merged
    assert FollowUp.objects.get().person == merged
    assert Person.objects.get(pk=ben.pk).met_via == merged


def test_merge_takes_non_empty_values_and_writes_what_was_not_kept_into_a_note(
    vault: Vault, alice: User, duplicates: dict[str, Person]
) -> None:
    kept, other = duplicates["kept"], duplicates["other"]

    merged = merge_people(kept, other, author=alice)

    assert merged.name == "Jeroen van de Ven"
    assert merged.nickname == "Jer"
    assert merged.organisation == "Acme"
    assert merged.job_title == "Engineer"
    assert merged.met_at == "PyCon NL"
    assert merged.met_on == dt.date(2023, 6, 1)
    assert merged.what_they_do == "Builds bridges\n\nDesigns bridges for cyclists"
    note = Note.objects.get(person=merged, body__startswith="Merged with")
    assert "J. van de Ven" in note.body
    assert "organisation: Bridgeworks" in note.body
    assert note.author == alice
    assert [hit.person for hit in search_people(vault, "bridgeworks")] == [merged]


def test_the_merge_note_is_in_the_language_and_date_format_of_the_person_merging(
    vault: Vault, alice: User, duplicates: dict[str, Person]
) -> None:
    kept, other = duplicates["kept"], duplicates["other"]
    Person.objects.filter(pk=other.pk).update(created_at=NOW)
    Person.objects.filter(pk=kept.pk).update(met_on=dt.date(2024, 5, 3))
    kept.refresh_from_db()
    other.refresh_from_db()

    with translation.override("nl"):
        merged = merge_people(kept, other, {"met_on": "other"}, author=alice)

    note = Note.objects.get(person=merged, body__startswith="Samengevoegd met")
    assert "“J. van de Ven” (toegevoegd op 10 maart 2025)" in note.body
    assert "Niet bewaard bij het samenvoegen:" in note.body
    assert "- organisatie: Bridgeworks" in note.body
    assert "- ontmoet op: 3 mei 2024" in note.body


def test_only_two_different_non_empty_values_need_a_choice(
    duplicates: dict[str, Person],
) -> None:
    kept, other = duplicates["kept"], duplicates["other"]

    asked = [field.key for field in MERGE_FIELDS if needs_choice(kept, other, field)]

    assert asked == ["name", "organisation", "what_they_do"]


def test_merge_follows_the_choice_per_field(vault: Vault, duplicates: dict[str, Person]) -> None:
    kept, other = duplicates["kept"], duplicates["other"]

    merged = merge_people(
        kept,
        other,
        {"name": "other", "organisation": "other", "what_they_do": "kept", "nickname": "kept"},
    )

    assert (merged.given_name, merged.particles, merged.family_name) == ("J.", "van de", "Ven")
    assert merged.organisation == "Bridgeworks"
    assert merged.what_they_do == "Builds bridges"
    assert merged.nickname == ""  # kept's empty nickname, chosen explicitly
    note = Note.objects.get(person=merged, body__startswith="Merged with")
    assert "organisation: Acme" in note.body
    assert "nickname: Jer" in note.body
    assert "Designs bridges for cyclists" in note.body


def test_merge_keeps_the_earliest_added_date_and_sorts_by_the_chosen_name(
    vault: Vault, duplicates: dict[str, Person]
) -> None:
    kept, other = duplicates["kept"], duplicates["other"]
    earlier = timezone.now() - dt.timedelta(days=400)
    Person.objects.filter(pk=other.pk).update(created_at=earlier)

    merged = merge_people(kept, other, {"name": "other"})

    assert merged.created_at == earlier
    assert merged.sort_key == "ven\x1fj.\x1fvan de"


def test_merge_chooses_the_photo_and_removes_the_one_not_chosen(
    vault: Vault, django_capture_on_commit_callbacks: Any
) -> None:
    kept = with_photo(create_person(vault, "Ann Smit"), "kept.jpg")
    other = with_photo(create_person(vault, "Ann Smit"), "other.jpg")
    kept_file, other_file = Path(kept.photo.path), Path(other.photo.path)

    with pytest.raises(LifecycleError):  # self-check: a bad choice changes nothing
        merge_people(kept, other, {"photo": "both"})
    assert kept_file.exists() and other_file.exists()

    with django_capture_on_commit_callbacks(execute=True):
        merged = merge_people(kept, other, {"photo": "other"})

    assert merged.photo.name == other.photo.name
    assert other_file.exists()
    assert not kept_file.exists()


def test_merge_combines_archived_and_deceased_as_facts(vault: Vault) -> None:
    kept = create_person(vault, "Opa Jansen")
    other = create_person(vault, "Opa Jansen")
    set_archived(kept, True)
    set_deceased(other, True, dt.date(2024, 2, 2))

    merged = merge_people(kept, other)

    assert merged.archived is False
    assert (merged.deceased, merged.deceased_on) == (True, dt.date(2024, 2, 2))


def test_merge_never_makes_someone_introduced_by_themselves(vault: Vault) -> None:
    kept = create_person(vault, "Ann Smit")
    other = create_person(vault, "Ann Smit", met_via=kept)

    merged = merge_people(kept, other, {"met_via": "other"})

    assert merged.met_via is None


def test_merge_keeps_the_year_of_a_birthday_and_a_label_of_an_email(vault: Vault) -> None:
    kept = create_person(vault, "Ann Smit", emails=["ann@example.org"])
    other = create_person(vault, "Ann Smit")
    add_contact_method(other, ContactKind.EMAIL, "ANN@example.org", label="home")
    add_important_date(other, DateKind.BIRTHDAY, 1, 2, year=1990)
    add_important_date(kept, DateKind.BIRTHDAY, 1, 2)

    merged = merge_people(kept, other)

    assert merged.contact_methods.get().label == "home"
    assert merged.important_dates.get().year == 1990


@pytest.mark.parametrize(
    "problem", ["same person", "other vault", "trashed", "unknown field", "bad choice"]
)
def test_merge_refuses_what_makes_no_sense_and_writes_nothing(
    vault: Vault, other_vault: Vault, problem: str
) -> None:
    kept = create_person(vault, "Ann Smit", emails=["ann@example.org"])
    other = create_person(vault, "Ann Smit", emails=["ann.smit@example.org"])
    choices: dict[str, str] = {}
    if problem == "same person":
        other = kept
    elif problem == "other vault":
        other = create_person(other_vault, "Ann Smit")
    elif problem == "trashed":
        trash_person(other)
    elif problem == "unknown field":
        choices = {"vault": "other"}
    else:
        choices = {"organisation": "both"}
    before = counts(vault)

    with pytest.raises(LifecycleError):
        merge_people(kept, other, choices)

    assert counts(vault) == before
    assert kept.contact_methods.count() == 1


def test_merging_again_finds_the_other_person_gone(vault: Vault) -> None:
    kept = create_person(vault, "Ann Smit")
    other = create_person(vault, "Ann Smit")
    merge_people(kept, other)

    with pytest.raises(LifecycleError, match="no longer exists"):
        merge_people(kept, other)


def test_default_choices_prefer_non_empty_values_then_the_kept_person(vault: Vault) -> None:
    kept = create_person(vault, "Ann Smit", organisation="Acme", what_they_do="Sails")
    other = create_person(
        vault, "Ann Smit-Jansen", organisation="Bolt", job_title="CEO", what_they_do="Rows"
    )

    choices = default_choices(kept, other)

    assert set(choices) == {field.key for field in MERGE_FIELDS}
    assert choices["name"] == "kept"
    assert choices["organisation"] == "kept"
    assert choices["job_title"] == "other"
    assert choices["what_they_do"] == "both"
    assert choices["met_story"] == "kept"


# --- quick add -------------------------------------------------------------------------------


def test_quick_add_splits_the_name_dates_where_we_met_and_keeps_the_note(
    vault: Vault, alice: User
) -> None:
    person = quick_add_person(
        vault,
        "Jeroen van de Ven",
        where=" PyCon NL ",
        note="Works on bridges for cyclists",
        author=alice,
        today=dt.date(2025, 6, 12),
    )

    assert (person.given_name, person.particles, person.family_name) == (
        "Jeroen",
        "van de",
        "Ven",
    )
    assert (person.met_at, person.met_on) == ("PyCon NL", dt.date(2025, 6, 12))
    note = Note.objects.get(person=person)
    assert (note.body, note.author, note.private) == ("Works on bridges for cyclists", alice, False)
    assert [hit.person for hit in search_people(vault, "bridges")] == [person]


def test_quick_add_with_only_a_name_leaves_the_rest_empty(vault: Vault) -> None:
    person = quick_add_person(vault, "Cher", where="  ", note=" ")

    assert (person.given_name, person.met_at, person.met_on) == ("Cher", "", None)
    assert not Note.objects.exists()


def test_quick_add_without_a_name_writes_nothing(vault: Vault) -> None:
    with pytest.raises(ValueError):
        quick_add_person(vault, "   ", where="PyCon NL", note="hello")

    assert not Person.objects.exists()
    assert not Note.objects.exists()
