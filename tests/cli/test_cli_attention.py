"""`aandacht circles`, `circle`, `cadence` and `today`, through the real entry point."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from cli_harness import Aandacht, Result

# The harness sets no AANDACHT_TIME_ZONE: the commands count days in the instance's default.
ZONE = zoneinfo.ZoneInfo("Europe/Amsterdam")


def local_today() -> dt.date:
    return dt.datetime.now(ZONE).date()


def shell(aandacht: Aandacht, code: str) -> Result:
    """Set something up that has no command of its own (yet), through the services."""
    result = aandacht("manage", "shell", "-c", code)
    assert result.code == 0, result.stderr
    return result


def tag_circle(aandacht: Aandacht, tag: str) -> None:
    shell(
        aandacht,
        "from aandacht.accounts.models import Vault\n"
        "from aandacht.attention import services\n"
        f"services.create_circle(Vault.objects.get(name='Personal'), '', 30, tag_name={tag!r})",
    )


def by_name(circles: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {circle["name"]: circle for circle in circles}


def test_circles_lists_the_presets_with_their_cadence_and_members(
    network: Aandacht, ids: dict[str, int]
) -> None:
    tag_circle(network, "speaker")
    assert network("circle", str(ids["anna"]), "monthly").code == 0

    listed = network("circles", "--json")
    assert listed.code == 0, listed.stderr
    circles = by_name(listed.json())
    assert list(circles) == ["Inner circle", "Monthly", "speaker", "Quarterly", "Yearly"]
    monthly = circles["Monthly"]
    assert monthly == {
        "id": monthly["id"],
        "name": "Monthly",
        "preset": "monthly",
        "cadence_days": 30,
        "tag": None,
        "members": [{"id": ids["anna"], "name": "Anna Smit"}],
        "tagged_elsewhere": 0,
    }
    speaker = circles["speaker"]
    assert speaker["preset"] is None and speaker["tag"] == "speaker"
    assert speaker["members"] == [{"id": ids["jeroen"], "name": "Jeroen van de Ven"}]
    assert circles["Inner circle"]["members"] == []
    assert circles["Yearly"]["cadence_days"] == 365

    table = network("circles")
    assert table.code == 0, table.stderr
    assert "Inner circle" in table.stdout and "every 14 days" in table.stdout
    assert "Anna Smit" in table.stdout and "Jeroen van de Ven" in table.stdout
    assert "tag “speaker”" in table.stdout


def test_circle_takes_a_name_in_any_case_an_id_or_none(
    network: Aandacht, ids: dict[str, int]
) -> None:
    anna = str(ids["anna"])
    inner = network("circle", anna, "Inner circle", "--json")
    assert inner.code == 0, inner.stderr
    assert inner.json()["circle"]["name"] == "Inner circle"
    assert inner.json()["cadence"] == {
        "days": 14,
        "source": "circle",
        "label": "Inner circle",
        "circle": inner.json()["circle"],
    }
    assert "Anna Smit is now in Inner circle (every 14 days)." in inner.stderr

    assert network("circle", "Anna Smit", "QUARTERLY", "--json").json()["cadence"]["days"] == 91
    assert network("circle", anna, "inner", "--json").json()["cadence"]["days"] == 14
    yearly_id = by_name(network("circles", "--json").json())["Yearly"]["id"]
    by_id = network("circle", anna, str(yearly_id), "--json")
    assert by_id.json()["circle"] == {"id": yearly_id, "name": "Yearly"}
    assert by_id.stdout.startswith("{")

    out = network("circle", anna, "--none", "--json")
    assert out.code == 0, out.stderr
    assert out.json()["circle"] is None and out.json()["cadence"] is None
    assert "no circle" in out.stderr
    assert network("circles", "--json").json()[0]["members"] == []


def test_circle_refuses_unknown_circles_tag_circles_and_unclear_people(
    network: Aandacht, ids: dict[str, int]
) -> None:
    tag_circle(network, "speaker")
    anna = str(ids["anna"])

    unknown = network("circle", anna, "weekly")
    assert unknown.code == 3
    assert unknown.stdout == ""
    assert "no circle “weekly”" in unknown.stderr
    for choice in ("Inner circle", "Monthly", "Quarterly", "Yearly", "speaker"):
        assert choice in unknown.stderr  # the choices are listed
    assert network("circle", anna, "99999").code == 3

    tagged = network("circle", anna, "speaker")
    assert tagged.code == 3
    assert "tag them instead" in tagged.stderr

    nobody = network("circle", "Zebedeus", "monthly")
    assert nobody.code == 1
    assert "No one" in nobody.stderr and "Zebedeus" in nobody.stderr
    ambiguous = network("circle", "Jeroen", "monthly")
    assert ambiguous.code == 1
    assert "Jeroen Bakker" in ambiguous.stderr and "Jeroen van de Ven" in ambiguous.stderr

    assert network("circle", anna).code == 2  # neither a circle nor --none
    assert network("circle", anna, "monthly", "--none").code == 2
    assert all(c["members"] == [] or c["tag"] for c in network("circles", "--json").json())


def test_cadence_sets_and_clears_a_personal_cadence(network: Aandacht, ids: dict[str, int]) -> None:
    jeroen = str(ids["jeroen"])
    network("circle", jeroen, "monthly")
    personal = network("cadence", jeroen, "21", "--json")
    assert personal.code == 0, personal.stderr
    data = personal.json()
    assert data["person"] == {"id": ids["jeroen"], "name": "Jeroen van de Ven"}
    assert data["personal_cadence_days"] == 21
    assert data["cadence"]["days"] == 21 and data["cadence"]["source"] == "personal"
    assert data["circle"]["name"] == "Monthly"  # the circle stays; the cadence wins
    assert "every 21 days" in personal.stderr

    cleared = network("cadence", jeroen, "none", "--json")
    assert cleared.code == 0, cleared.stderr
    assert cleared.json()["personal_cadence_days"] is None
    assert cleared.json()["cadence"]["days"] == 30  # back to the circle's
    assert "Monthly" in cleared.stderr

    network("cadence", "Anna Smit", "7")
    by_flag = network("cadence", "Anna Smit", "--clear", "--json")
    assert by_flag.code == 0, by_flag.stderr
    assert by_flag.json()["cadence"] is None
    assert "no circle and no cadence" in by_flag.stderr


def test_cadence_refuses_bad_days_and_unknown_people(
    network: Aandacht, ids: dict[str, int]
) -> None:
    jeroen = str(ids["jeroen"])
    network("cadence", jeroen, "10")
    refusals = {"0": "between 1 and 3650", "99999": "between 1 and 3650", "abc": "“abc”",
                "2.5": "“2.5”"}  # fmt: skip
    for days, mentioned in refusals.items():
        result = network("cadence", jeroen, days)
        assert result.code == 3, (days, result.stderr)
        assert mentioned in result.stderr, days
        assert "nothing was changed" in result.stderr.lower()
        assert result.stdout == ""
    assert network("cadence", jeroen, "-5").code == 2  # looks like an option to the parser
    assert network("cadence", jeroen).code == 2  # neither days nor --clear
    assert network("cadence", jeroen, "5", "--clear").code == 2
    assert network("cadence", "Zebedeus", "5").code == 1
    # Nothing was written: the cadence is still 10.
    assert network("cadence", jeroen, "10", "--json").json()["personal_cadence_days"] == 10


def test_today_prints_the_agenda_with_reasons(network: Aandacht, ids: dict[str, int]) -> None:
    today = local_today()
    forty_days_ago = (today - dt.timedelta(days=40)).isoformat()
    assert network("log", "Denise", "--kind", "call", "--date", forty_days_ago).code == 0
    network("circle", "Denise", "monthly")
    shell(
        network,
        "import datetime as dt\n"
        "from django.utils import timezone\n"
        "from aandacht.people.models import Person\n"
        "from aandacht.timeline.services import add_follow_up\n"
        f"anna = Person.objects.get(pk={ids['anna']})\n"
        "add_follow_up(anna.vault, anna, 'Return her book', due_on=timezone.localdate())",
    )

    listed = network("today", "--json")
    assert listed.code == 0, listed.stderr
    items = listed.json()
    assert [(i["name"], i["kind"]) for i in items] == [
        ("Denise van Iersel", "due"),
        ("Anna Smit", "follow_up"),
    ]
    due, promise = items
    assert due["person_id"] == ids["denise"]
    assert due["reason"] == "last talked 40 days ago, Monthly"
    assert due["key"] == f"person-{ids['denise']}"
    assert due["day"] == today.isoformat()
    assert due["last_conversation"] == forty_days_ago
    assert due["cadence"]["days"] == 30
    assert due["follow_up_id"] is None and due["important_date_id"] is None
    assert due["handled"] is None
    assert promise["reason"] == "you promised: Return her book"
    assert isinstance(promise["follow_up_id"], int)
    assert promise["key"] == f"follow-up-{promise['follow_up_id']}"

    table = network("today")
    assert table.code == 0, table.stderr
    assert "Denise van Iersel" in table.stdout
    assert "last talked 40 days ago, Monthly" in table.stdout
    assert "Return her book" in table.stdout
    assert "1 of 5 planned" in table.stdout

    # What was dealt with today stays on the list, marked.
    shell(
        network,
        "from django.contrib.auth.models import User\n"
        "from aandacht.attention import services\n"
        "from aandacht.people.models import Person\n"
        f"denise = Person.objects.get(pk={ids['denise']})\n"
        "services.skip_round(User.objects.get(username='owner'), denise)",
    )
    after = network("today", "--json").json()
    assert [(i["name"], i["kind"], i["handled"]) for i in after] == [
        ("Anna Smit", "follow_up", None),
        ("Denise van Iersel", "due", "skipped"),
    ]


def test_today_on_another_date_shows_its_pinned_dates(
    network: Aandacht, ids: dict[str, int]
) -> None:
    today = local_today()
    birthday = dt.date(today.year, 5, 17)
    if birthday < today:
        birthday = dt.date(today.year + 1, 5, 17)
    result = network("today", "--date", birthday.isoformat(), "--json")
    assert result.code == 0, result.stderr
    (item,) = result.json()
    assert item["kind"] == "date"
    assert item["person_id"] == ids["jeroen"]
    assert item["reason"] == f"birthday: turns {birthday.year - 1984}"
    assert isinstance(item["important_date_id"], int)
    assert item["day"] == birthday.isoformat()

    empty = network("today", "--date", (today + dt.timedelta(days=1)).isoformat(), "--json")
    if birthday != today + dt.timedelta(days=1):
        assert empty.code == 0 and empty.json() == []
    quiet = network("today", "--date", "2020-01-02")
    assert quiet.code == 0 and quiet.stdout == ""
    assert "Nothing on the agenda" in quiet.stderr


def test_today_refuses_a_bad_date(network: Aandacht) -> None:
    for value, mentioned in [("2025-02-30", "YYYY-MM-DD"), ("tomorrow", "YYYY-MM-DD"),
                             ("9999-12-31", "too far ahead")]:  # fmt: skip
        result = network("today", "--date", value, "--json")
        assert result.code == 3, value
        assert mentioned in result.stderr, value
        assert result.stdout == ""


def test_circles_counts_tag_circles_as_the_web_does(network: Aandacht, ids: dict[str, int]) -> None:
    tag_circle(network, "speaker")  # Jeroen van de Ven carries the tag
    assert network("circle", str(ids["jeroen"]), "monthly").code == 0

    circles = by_name(network("circles", "--json").json())
    assert circles["speaker"]["members"] == []  # he follows Monthly: his explicit circle wins
    assert circles["speaker"]["tagged_elsewhere"] == 1
    assert circles["Monthly"]["tagged_elsewhere"] == 0
    table = network("circles")
    assert "more tagged" in table.stdout  # "0 (1 more tagged follows another circle)"
    assert "speaker  tag" not in table.stdout  # one space, not two


def test_the_commands_default_to_the_vault_last_used_in_the_web_app(
    network: Aandacht, ids: dict[str, int]
) -> None:
    shell(
        network,
        "from django.contrib.auth.models import User\n"
        "from aandacht.accounts.models import Preference, Vault\n"
        "owner = User.objects.get(memberships__vault__name='Work')\n"
        "Preference.objects.update_or_create(user=owner, "
        "defaults={'last_vault': Vault.objects.get(name='Work')})",
    )
    listed = network("circles", "--json")
    assert listed.code == 0, listed.stderr
    assert "Vault: Work" in listed.stderr
    members = [m["name"] for c in listed.json() for m in c["members"]]
    assert "Anna Smit" not in members
    today = network("today")
    assert today.code == 0, today.stderr
    assert "Vault: Work" in today.stderr

    chosen = network("--vault", "Personal", "circle", str(ids["anna"]), "monthly")
    assert chosen.code == 0, chosen.stderr
    assert "Vault:" not in chosen.stderr
    # A vault they are no longer a member of is not used.
    shell(
        network,
        "from aandacht.accounts.models import Membership\n"
        "Membership.objects.filter(vault__name='Work').delete()",
    )
    assert "Vault: Personal" in network("circles").stderr
