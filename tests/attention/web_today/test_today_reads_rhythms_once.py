"""The Today page reads the vault's rhythms once and plans once: the preview comes from the
agenda's own plan (planned a week ahead), with the same people and counts as planned apart."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from attention_helpers import MakePerson, Talk
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from aandacht.accounts.models import Vault
from aandacht.attention import core, pages, services
from aandacht.attention.models import Circle

pytestmark = pytest.mark.django_db


def test_the_page_reads_the_standings_once_and_previews_the_same_plan(
    client: Client,
    alice: User,
    vault: Vault,
    monthly: Circle,
    make_person: MakePerson,
    talk: Talk,
    today: dt.date,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for number in range(12):
        person = make_person(
            f"Friend{number} Test", circle=monthly, since=today - dt.timedelta(200)
        )
        talk(person, days_ago=20 + 3 * number)
    client.force_login(alice)
    client.get("/today/")  # the first visit stores the agenda settings

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/today/").status_code == 200

    standings_reads = [
        q["sql"]
        for q in queries.captured_queries
        if "last_attempt_at" in q["sql"] and "appreciationnudge" not in q["sql"]
    ]
    assert len(standings_reads) == 1
    plans: list[int] = []
    plan = core.plan

    def counted(*args: Any, **kwargs: Any) -> core.Plan:
        plans.append(kwargs.get("days", 1))
        return plan(*args, **kwargs)

    monkeypatch.setattr(core, "plan", counted)
    page = pages.today_page(alice, vault)
    assert plans == [pages.PREVIEW_DAYS + 1]  # one plan for the agenda and the preview
    fresh = pages.preview(alice, vault, page.agenda.today)  # reads and plans again itself
    assert page.preview == fresh and sum(day.count for day in fresh) > 0
    alone = services.agenda_for(alice, vault)  # today's day planned on its own
    assert [i.person.pk for i in page.agenda.items] == [i.person.pk for i in alone.items]
    assert page.agenda.items
