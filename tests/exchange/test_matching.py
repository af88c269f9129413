"""The matcher's rules, without Django: who a record is, and when a shared detail is not enough."""

from __future__ import annotations

import pytest
from rapidfuzz import fuzz

from aandacht.exchange.matching import (
    NAME_THRESHOLD,
    Identity,
    MatchIndex,
    NameParts,
    Target,
    names_clash,
)
from aandacht.people.names import fold


def person(given: str = "", family: str = "", particles: str = "", **keys: object) -> Identity:
    return Identity(given=given, family=family, particles=particles, **keys)  # type: ignore[arg-type]


def index_with(*people: tuple[Identity, Target]) -> MatchIndex:
    index = MatchIndex()
    for identity, target in people:
        index.add(identity, target)
    return index


JAN = Target(pk=1)
MARIEKE = Target(pk=2)


def test_same_email_is_the_same_person() -> None:
    index = index_with((person("Jeroen", "Berg", "van der", emails={"j@berg.nl"}), JAN))
    match = index.match(person("Jeroen", "Berg", "van den", emails={"j@berg.nl"}))
    assert match is not None and match.target is JAN and match.rule == "email"


def test_a_household_landline_does_not_merge_two_people() -> None:
    index = index_with((person("Jan", "Vries", "de", phones={"+31201234567"}), JAN))
    assert index.match(person("Marieke", "Vries", "de", phones={"+31201234567"})) is None


def test_the_second_sharer_of_a_landline_is_found_again() -> None:
    """After Marieke was added beside Jan, a later record of hers matches her, not nobody."""
    index = index_with(
        (person("Jan", "Vries", "de", phones={"+31201234567"}), JAN),
        (person("Marieke", "Vries", "de", phones={"+31201234567"}), MARIEKE),
    )
    match = index.match(person("Marieke", "Vries", "de", phones={"+31201234567"}))
    assert match is not None and match.target is MARIEKE
    match = index.match(person("Jan", "Vries", "de", phones={"+31201234567"}))
    assert match is not None and match.target is JAN


def test_a_completely_different_name_with_the_same_email_stays_apart() -> None:
    index = index_with((person("Jeroen", "Berg", "van der", emails={"shared@x.nl"}), JAN))
    assert index.match(person("Anna", "Boer", "de", emails={"shared@x.nl"})) is None


def test_a_nickname_with_the_same_email_still_matches() -> None:
    """Bob Smith and Robert Smith with one personal address are most likely one man."""
    index = index_with((person("Robert", "Smith", emails={"bob@smith.org"}), JAN))
    match = index.match(person("Bob", "Smith", emails={"bob@smith.org"}))
    assert match is not None and match.target is JAN


def test_a_company_card_and_a_person_do_not_merge_through_the_switchboard() -> None:
    company = Identity(organisation="Acme BV", phones={"+31301234567"})
    index = index_with((company, JAN))
    employee = person("Sanne", "Visser", organisation="Acme BV", phones={"+31301234567"})
    assert index.match(employee) is None


def test_a_record_without_a_name_matches_on_its_email() -> None:
    index = index_with((person("Jeroen", "Berg", "van der", emails={"j@berg.nl"}), JAN))
    match = index.match(Identity(emails={"j@berg.nl"}))
    assert match is not None and match.target is JAN


@pytest.mark.parametrize(
    ("rule", "incoming", "existing", "clash"),
    [
        ("phone", NameParts("marieke", "vries"), NameParts("jan", "vries"), True),
        ("phone", NameParts("j", "vries"), NameParts("jan", "vries"), False),
        ("phone", NameParts("jeron", "berg"), NameParts("jeroen", "berg"), False),
        ("phone", NameParts("jan-willem", "vries"), NameParts("jan", "vries"), False),
        ("phone", NameParts("", "jansen"), NameParts("", "pietersen"), True),
        ("email", NameParts("anna", "jansen-de boer"), NameParts("anna", "boer"), False),
        ("email", NameParts("anna", "jansen"), NameParts("anna", "boer"), False),
        ("email", NameParts("anna", "boer"), NameParts("jeroen", "berg"), True),
        ("email", NameParts("anna", ""), NameParts("jeroen", "berg"), True),
        ("email", NameParts("", ""), NameParts("jeroen", "berg"), False),
        ("social", NameParts("bob", "smith"), NameParts("robert", "smith"), False),
    ],
)
def test_names_clash(rule: str, incoming: NameParts, existing: NameParts, clash: bool) -> None:
    assert names_clash(rule, incoming, existing) is clash


def test_particles_do_not_count_as_a_family_name() -> None:
    parts = person("Jeroen", "van der Berg").name_parts()
    assert parts == NameParts("jeroen", "berg", False)


@pytest.mark.parametrize(
    ("stored", "incoming", "found"),
    [
        (("Jan Willem", "Berg"), ("Willem Jan", "Berg"), True),  # the same words, reordered
        (("Jan", "Bergsma"), ("Jan", "Bergsmaa"), True),  # one letter more: still close
        (("Jan", "Berg"), ("Jan", "Borg"), False),  # short names: one letter is too much
        (("Anna Maria", "Jansen"), ("Maria", "Jansen"), False),
    ],
)
def test_the_name_rule_scores_as_token_sort_ratio(
    stored: tuple[str, str], incoming: tuple[str, str], found: bool
) -> None:
    """The index compares names with their words sorted once (``fuzz.ratio``): the same scores
    as rapidfuzz's token_sort_ratio against the threshold."""
    index = index_with((person(*stored, organisation="Acme"), JAN))
    match = index.match(person(*incoming, organisation="Acme"))
    score = fuzz.token_sort_ratio(fold(" ".join(stored)), fold(" ".join(incoming)))
    assert (score >= NAME_THRESHOLD) is found
    assert (match is not None and match.target is JAN and match.rule == "name") is found
