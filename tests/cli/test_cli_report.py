"""`aandacht report`, through the real entry point: the JSON's keys and figures, the tables,
the period and bad input."""

from __future__ import annotations

import datetime as dt
import sqlite3
import zoneinfo

from cli_harness import Aandacht

ZONE = zoneinfo.ZoneInfo("Europe/Amsterdam")  # the harness sets no time zone: the default


def local_today() -> dt.date:
    return dt.datetime.now(ZONE).date()


def days_ago(days: int) -> str:
    return (local_today() - dt.timedelta(days=days)).isoformat()


def person(aandacht: Aandacht, name: str, circle: str | None = None) -> str:
    added = aandacht("add", name)
    assert added.code == 0, added.stderr
    pk = added.stdout.strip()
    if circle is not None:
        assert aandacht("circle", pk, circle).code == 0
    return pk


def log(aandacht: Aandacht, pk: str, kind: str, days: int, *extra: str) -> None:
    result = aandacht("log", pk, "--kind", kind, "--date", days_ago(days), *extra)
    assert result.code == 0, result.stderr


def pause_in_the_database(aandacht: Aandacht, pk: str, until: dt.date) -> None:
    """The CLI has no pause command: pause someone the way the web's Pause does, in the row."""
    with sqlite3.connect(aandacht.data_dir / "aandacht.sqlite3") as db:
        changed = db.execute(
            "UPDATE attention_rhythm SET paused_until = ? WHERE person_id = ?",
            (until.isoformat(), int(pk)),
        ).rowcount
    assert changed == 1


def test_the_json_has_every_documented_key(aandacht: Aandacht) -> None:
    anna = person(aandacht, "Anna Smit", "monthly")
    bram = person(aandacht, "Bram Kok", "monthly")
    log(aandacht, anna, "call", 3, "--initiated-by", "me")
    log(aandacht, bram, "message", 40, "--initiated-by", "them")
    log(aandacht, bram, "voicemail", 1)
    log(aandacht, anna, "card", 2)
    assert aandacht("moment", anna, "Helped me move").code == 0

    result = aandacht("report", "--json")
    assert result.code == 0, result.stderr
    data = result.json()
    assert set(data) == {
        "vault",
        "today",
        "period",
        "one_way_counts_as_contact",
        "circles",
        "depth",
        "initiated",
        "outcomes",
        "moments",
        "cards",
        "appreciation",
        "check_in_steps",
        "trend",
        "trend_weeks_per_step",
    }
    assert data["vault"]["name"] == "Personal"
    assert data["today"] == local_today().isoformat()
    assert data["period"] == {
        "start": (local_today() - dt.timedelta(days=83)).isoformat(),
        "end": local_today().isoformat(),
        "weeks": 12,
    }
    assert [c["name"] for c in data["circles"]] == [
        "Inner circle",
        "Monthly",
        "Quarterly",
        "Yearly",
    ]
    monthly = data["circles"][1]
    assert set(monthly) == {
        "id",
        "name",
        "cadence_days",
        "people",
        "paused",
        "personal_cadence",
        "within_cadence",
        "within_cadence_pct",
        "not_yet_due",
        "counted",
        "not_overdue_pct",
        "overdue",
        "trend",
    }
    # Anna talked 3 days ago: within; Bram's message was 40 days ago: 10 days overdue (the
    # voicemail is an attempt, the card one-way: neither is a conversation).
    assert (monthly["cadence_days"], monthly["people"], monthly["within_cadence"]) == (30, 2, 1)
    assert monthly["within_cadence_pct"] == 50
    assert (monthly["counted"], monthly["not_overdue_pct"]) == (2, 50)
    assert monthly["overdue"] == [
        {
            "person_id": int(bram),
            "name": "Bram Kok",
            "days_overdue": 10,
            "last_contact": days_ago(40),
        }
    ]
    assert len(monthly["trend"]) == 12
    assert monthly["trend"][-1] == {
        "week_end": local_today().isoformat(),
        "within": 1,
        "not_yet_due": 0,
        "counted": 2,
        "pct": 50,
    }
    assert data["trend_weeks_per_step"] == 1
    assert data["circles"][0]["within_cadence_pct"] is None  # no one in the inner circle
    assert data["depth"] == {"deep": 1, "light": 1, "cards_and_gifts": 1}
    assert data["initiated"] == {"me": 1, "them": 1, "unknown": 0}
    assert data["outcomes"] == {"conversations": 2, "attempts": 1, "one_way": 1}
    assert data["moments"] == {"total": 1, "shared": 1, "grateful": 0, "strength": 0}
    assert (data["cards"], data["appreciation"], data["check_in_steps"]) == (1, 0, 0)
    assert len(data["trend"]) == 12
    assert set(data["trend"][-1]) == {
        "start",
        "end",
        "deep",
        "light",
        "cards_and_gifts",
        "attempts",
    }
    assert sum(week["deep"] for week in data["trend"]) == 1


def test_weeks_chooses_the_period(aandacht: Aandacht) -> None:
    anna = person(aandacht, "Anna Smit", "monthly")
    log(aandacht, anna, "call", 40)
    four = aandacht("report", "--json", "--weeks", "4").json()
    assert four["period"]["weeks"] == 4
    assert four["depth"]["deep"] == 0  # 40 days ago is before the last 28
    # The trend follows the period: per week, or per four weeks for 52 weeks.
    assert (len(four["trend"]), four["trend_weeks_per_step"]) == (4, 1)
    assert len(four["circles"][1]["trend"]) == 4
    six = aandacht("report", "--json", "--weeks", "6").json()
    assert six["depth"]["deep"] == 1
    assert sum(week["deep"] for week in six["trend"]) == 1
    year = aandacht("report", "--json", "--weeks", "52").json()
    assert (len(year["trend"]), year["trend_weeks_per_step"]) == (13, 4)
    assert year["trend"][0]["start"] == year["period"]["start"]
    assert year["trend"][-1]["end"] == year["period"]["end"] == local_today().isoformat()
    assert sum(week["deep"] for week in year["trend"]) == year["depth"]["deep"] == 1


def test_bad_weeks_is_a_usage_error(aandacht: Aandacht) -> None:
    for bad in ("0", "521", "-3"):
        result = aandacht("report", "--weeks", bad)
        assert result.code == 2, (bad, result.stderr)
        assert "--weeks" in result.stderr
        assert result.stdout == ""
    assert aandacht("report", "--weeks", "many").code == 2


def test_the_tables_on_stdout(aandacht: Aandacht) -> None:
    anna = person(aandacht, "Anna Smit", "monthly")
    log(aandacht, anna, "call", 45)
    person(aandacht, "Nina Bos", "yearly")  # never contacted, not due for a year
    paused = person(aandacht, "Piet Paus", "monthly")
    pause_in_the_database(aandacht, paused, local_today() + dt.timedelta(days=9))
    result = aandacht("report")
    assert result.code == 0, result.stderr
    text = " ".join(result.stdout.replace("\xa0", " ").split())
    assert "Circles: who is overdue today" in text
    assert "Anna Smit +15" in text
    # The people column and the sentence say the same: 2 people, 1 paused and left out.
    assert "2 (1 paused)" in text
    assert (
        "· 2 people in Monthly. 1 of them is paused and left out. 0 had their last "
        "conversation within their cadence. 1 is overdue. The share counts who is not "
        "overdue: 0 of 1." in text
    )
    # The person not due yet is explained under the table, as on the page.
    assert "100% (1/1)" in text
    assert (
        "1 person in Yearly. 0 had their last conversation within their cadence. 1 has had no "
        "conversation yet and is not due yet. No one is overdue." in text
    )
    assert "The last 12 weeks, per week" in text
    assert "week to" in text
    assert "Vault: Personal" in result.stderr  # which vault, on stderr


def test_an_unknown_vault_exits_1(aandacht: Aandacht) -> None:
    result = aandacht("--vault", "nowhere", "report", "--json")
    assert result.code == 1
    assert result.stdout == ""
