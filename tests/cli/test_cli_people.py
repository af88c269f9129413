"""`aandacht add`, `find` and `who`, through the real entry point."""

from __future__ import annotations

from cli_harness import Aandacht


def test_add_prints_the_bare_id_and_splits_dutch_names(aandacht: Aandacht) -> None:
    first = aandacht("add", "Jan Jansen")
    assert first.code == 0, first.stderr
    assert first.stdout.strip().isdigit()
    assert "Preparing the database" in first.stderr  # a fresh directory migrates by itself
    assert "Added Jan Jansen" in first.stderr

    denise = aandacht(
        "add",
        "Denise van Iersel",
        "--met", "DevFest Amsterdam",
        "--channel", "conference",
        "--org", "Studio Iersel",
        "--email", "denise@example.nl",
        "--email", "d.iersel@work.example",
        "--phone", "06 12345678",
        "--phone", "+31 20 123 4567",
        "--tag", "speaker",
        "--tag", "design",
        "--json",
    )  # fmt: skip
    assert denise.code == 0, denise.stderr
    person = denise.json()
    assert isinstance(person["id"], int) and person["id"] != int(first.stdout)
    assert (person["given_name"], person["particles"], person["family_name"]) == (
        "Denise",
        "van",
        "Iersel",
    )
    assert person["name"] == "Denise van Iersel"
    assert person["met"]["at"] == "DevFest Amsterdam"
    assert person["met"]["channel"] == "conference"
    assert person["organisation"] == "Studio Iersel"
    assert person["emails"] == ["denise@example.nl", "d.iersel@work.example"]
    assert person["phones"] == ["06 12345678", "+31 20 123 4567"]
    assert person["tags"] == ["design", "speaker"]
    assert "Preparing the database" not in denise.stderr  # only the first command migrates

    cruz = aandacht("add", "Maria de la Cruz Lopez", "--family", "Cruz Lopez", "--json")
    assert cruz.code == 0, cruz.stderr
    assert (cruz.json()["given_name"], cruz.json()["particles"], cruz.json()["family_name"]) == (
        "Maria",
        "de la",
        "Cruz Lopez",
    )


def test_add_refuses_bad_input_and_writes_nothing(aandacht: Aandacht) -> None:
    bad_email = aandacht("add", "Piet Pieters", "--email", "piet-at-example", "--tag", "x")
    assert bad_email.code == 3
    assert "piet-at-example" in bad_email.stderr
    assert bad_email.stdout == ""

    bad_channel = aandacht("add", "Piet Pieters", "--channel", "myspace")
    assert bad_channel.code == 3
    assert "myspace" in bad_channel.stderr
    assert "conference" in bad_channel.stderr and "linkedin" in bad_channel.stderr

    nobody = aandacht("find", "Piet", "--json")
    assert nobody.code == 0
    assert nobody.json() == []


def test_find_json_is_best_first_and_forgives_typos(network: Aandacht, ids: dict[str, int]) -> None:
    typo = network("find", "Jerone", "--json")
    assert typo.code == 0, typo.stderr
    hits = typo.json()
    assert ids["jeroen"] in [hit["id"] for hit in hits]
    for hit in hits:
        assert {"id", "name", "score", "nickname", "organisation"} <= hit.keys()
        assert isinstance(hit["id"], int)
        assert 0 <= hit["score"] <= 1
    assert [hit["score"] for hit in hits] == sorted((hit["score"] for hit in hits), reverse=True)

    abbreviated = network("find", "jeroen vd ven", "--json").json()
    assert abbreviated[0]["id"] == ids["jeroen"]
    assert abbreviated[0]["nickname"] == "Jer"
    assert abbreviated[0]["organisation"] == "Acme"
    assert abbreviated[0]["score"] >= abbreviated[-1]["score"]


def test_find_without_a_match_prints_an_empty_list(network: Aandacht) -> None:
    result = network("find", "Xylofoonstemmer", "--json")
    assert result.code == 0
    assert result.stdout.strip() == "[]"


def test_find_without_json_prints_a_table(network: Aandacht) -> None:
    result = network("find", "Jeroen")
    assert result.code == 0, result.stderr
    assert "Jeroen van de Ven" in result.stdout
    assert "Jeroen Bakker" in result.stdout
    assert "Acme" in result.stdout


def test_who_briefs_on_the_best_match(network: Aandacht) -> None:
    result = network("who", "jeroen vd ven")
    assert result.code == 0, result.stderr
    text = result.stdout
    assert "\x1b[" not in text  # no colour codes when stdout is not a terminal
    for expected in (
        "Jeroen van de Ven",
        "How we met",
        "Dutch PHP Conference",
        "conference or event",
        "Denise van Iersel",  # introduced by
        "We sat next to each other",
        "I help developers fall in love with APIs.",
        "sailing on the IJsselmeer",
        "jeroen@acme.example",
        "Talked about his new job.",
        "Send him the slides of my talk",
        "birthday",
    ):
        assert expected in text, expected


def test_who_json_holds_the_same_briefing(network: Aandacht, ids: dict[str, int]) -> None:
    result = network("who", str(ids["jeroen"]), "--json")
    assert result.code == 0, result.stderr
    briefing = result.json()
    assert briefing["id"] == ids["jeroen"]
    assert briefing["met"] == {
        "on": "2024-06-14",
        "at": "Dutch PHP Conference",
        "channel": "conference",
        "via": {"id": ids["denise"], "name": "Denise van Iersel"},
        "story": "We sat next to each other at the keynote.",
    }
    assert briefing["what_they_care_about"] == "His daughters and sailing on the IJsselmeer."
    assert briefing["phones"] == ["+31 6 12345678"]
    assert [i["summary"] for i in briefing["last_interactions"]] == ["Talked about his new job."]
    assert [f["text"] for f in briefing["open_follow_ups"]] == ["Send him the slides of my talk"]
    next_date = briefing["next_important_date"]
    assert next_date["kind"] == "birthday"
    assert next_date["date"].endswith("-05-17")
    assert next_date["years"] == int(next_date["date"][:4]) - 1984


def test_who_exits_1_when_no_one_matches(network: Aandacht) -> None:
    result = network("who", "Xylofoonstemmer")
    assert result.code == 1
    assert result.stdout == ""
    assert "Xylofoonstemmer" in result.stderr
