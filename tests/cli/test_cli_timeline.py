"""`aandacht log`, `note` and `moment`, through the real entry point."""

from __future__ import annotations

import datetime as dt

from cli_harness import Aandacht


def test_log_by_id_with_a_date_and_by_unique_name(network: Aandacht, ids: dict[str, int]) -> None:
    by_id = network(
        "log", str(ids["jeroen"]), "--kind", "meeting", "--date", "2025-03-04",
        "--summary", "Coffee at the station.", "--initiated-by", "them", "--json",
    )  # fmt: skip
    assert by_id.code == 0, by_id.stderr
    interaction = by_id.json()
    assert isinstance(interaction["id"], int)
    assert interaction["kind"] == "meeting"
    assert interaction["outcome"] == "conversation"
    assert interaction["occurred_at"].startswith("2025-03-04")
    assert interaction["initiated_by"] == "them"
    assert interaction["summary"] == "Coffee at the station."
    assert interaction["people"] == [{"id": ids["jeroen"], "name": "Jeroen van de Ven"}]
    assert "Jeroen van de Ven" in by_id.stderr

    voicemail = network("log", "Anna Smit", "--kind", "voicemail")
    assert voicemail.code == 0, voicemail.stderr
    new_id = int(voicemail.stdout)  # the bare id
    anna = network("who", str(ids["anna"]), "--json").json()
    assert [(i["id"], i["kind"], i["outcome"]) for i in anna["last_interactions"]] == [
        (new_id, "voicemail", "attempt")  # a voicemail is an attempt, not a conversation
    ]


def test_log_with_an_ambiguous_name_lists_the_candidates(
    network: Aandacht, ids: dict[str, int]
) -> None:
    result = network("log", "Jeroen", "--kind", "call")
    assert result.code == 1
    assert result.stdout == ""
    assert "Jeroen van de Ven" in result.stderr and "Jeroen Bakker" in result.stderr
    assert str(ids["jeroen"]) in result.stderr and str(ids["bakker"]) in result.stderr


def test_log_refuses_bad_input_and_writes_nothing(network: Aandacht, ids: dict[str, int]) -> None:
    jeroen = str(ids["jeroen"])
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    refusals = {
        ("--kind", "pigeon"): "pigeon",
        ("--kind", "call", "--outcome", "chat"): "chat",
        ("--kind", "call", "--date", "2025-02-30"): "2025-02-30",
        ("--kind", "call", "--date", tomorrow): "future",
        ("--kind", "call", "--date", "1066-10-14"): "after 1900",
    }
    for options, mentioned in refusals.items():
        result = network("log", jeroen, *options)
        assert result.code == 3, (options, result.stderr)
        assert mentioned in result.stderr, options
        assert result.stdout == ""
    briefing = network("who", jeroen, "--json").json()
    assert [i["summary"] for i in briefing["last_interactions"]] == ["Talked about his new job."]


def test_note_and_moment_print_new_ids(network: Aandacht, ids: dict[str, int]) -> None:
    note = network("note", "Denise van Iersel", "Loves risograph printing.", "--private", "--json")
    assert note.code == 0, note.stderr
    assert note.json() == {
        "id": note.json()["id"],
        "person": {"id": ids["denise"], "name": "Denise van Iersel"},
        "body": "Loves risograph printing.",
        "private": True,
        "occurred_at": note.json()["occurred_at"],
    }

    moment = network(
        "moment", str(ids["denise"]), "Her talk changed my mind.", "--kind", "grateful"
    )
    assert moment.code == 0, moment.stderr
    assert moment.stdout.strip().isdigit()
    assert "Denise van Iersel" in moment.stderr

    bad = network("moment", str(ids["denise"]), "Something", "--kind", "proud")
    assert bad.code == 3
    assert "proud" in bad.stderr and "strength" in bad.stderr
