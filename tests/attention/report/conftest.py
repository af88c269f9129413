"""A small vault whose report is worked out by hand in test_report_figures.py.

The clock stands at Monday 23 November 2026, 10:00 in Amsterdam (``today``). Alice owns the
vault; bob edits, carol views. Who is where (days are counted back from today):

========  ==========================  ===========================================
person    rhythm                      timeline
========  ==========================  ===========================================
Ria       Monthly                     call −10 (alice started it), email −20
                                      (with Sem), video −200
Sem       Monthly                     meeting −45 (they started it), email −20
Tom       Monthly                     voicemail −2 (an attempt) and nothing else
Uma       Monthly, on it 5 days       nothing
Vera      Monthly, paused +10 days    call −100
Yara      Monthly, muted              call −1
Wim       Inner circle                message −3 (they started it), card −1
Xena      Inner, personal 7 days      call −9
Zeno      no circle                   call −4
========  ==========================  ===========================================

Everyone else has been on their rhythm for 400 days.
"""

from __future__ import annotations

import datetime as dt

import pytest
from attention_helpers import MakePerson
from django.contrib.auth.models import User
from django.utils import timezone
from pytest_django.fixtures import Settings
from report_helpers import NOW, Small, ago

from aandacht.accounts.models import Vault
from aandacht.attention import services
from aandacht.attention.models import AppreciationNudge, Circle, NudgeOutcome
from aandacht.people.models import Person
from aandacht.rounds.models import CheckIn, CheckInRound, CheckInStep
from aandacht.timeline.models import Initiator
from aandacht.timeline.services import add_moment, log_interaction


@pytest.fixture(autouse=True)
def quick_passwords(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def small(
    vault: Vault,
    alice: User,
    bob: User,
    carol: User,
    other_vault: Vault,
    circles: dict[str, Circle],
    make_person: MakePerson,
    today: dt.date,
) -> Small:
    make = make_person  # the shared fixture of tests/attention/conftest.py
    long_ago = today - dt.timedelta(days=400)
    monthly, inner = circles["monthly"], circles["inner"]
    people = {
        "ria": make("Ria Bakker", circle=monthly, since=long_ago),
        "sem": make("Sem de Vries", circle=monthly, since=long_ago),
        "tom": make("Tom Jansen", circle=monthly, since=long_ago),
        "uma": make("Uma Visser", circle=monthly, since=today - dt.timedelta(days=5)),
        "vera": make("Vera Mulder", circle=monthly, since=long_ago),
        "yara": make("Yara Smit", circle=monthly, since=long_ago),
        "wim": make("Wim de Boer", circle=inner, since=long_ago),
        "xena": make("Xena Bos", circle=inner, cadence=7, since=long_ago),
        "zeno": make("Zeno Dekker"),
    }
    services.pause_until(people["vera"], today + dt.timedelta(days=10))
    services.set_muted(people["yara"], True)

    def log(names: str, kind: str, days: int, initiated: str = Initiator.UNKNOWN) -> None:
        log_interaction(
            vault,
            [people[name] for name in names.split()],
            kind,
            occurred_at=ago(days),
            initiated_by=initiated,
            author=alice,
        )

    log("ria", "call", 10, Initiator.ME)
    log("ria sem", "email", 20, Initiator.ME)
    log("ria", "video", 200)
    log("sem", "meeting", 45, Initiator.THEM)
    log("tom", "voicemail", 2, Initiator.ME)
    log("vera", "call", 100)
    log("yara", "call", 1)
    log("wim", "message", 3, Initiator.THEM)
    log("wim", "card", 1, Initiator.ME)
    log("xena", "call", 9)
    log("zeno", "call", 4)

    # Moments: alice's public one and her private one count for her; bob's private one only
    # for bob; one is older than twelve weeks.
    add_moment(vault, people["ria"], "Helped me move", author=alice, occurred_at=ago(5))
    add_moment(
        vault,
        people["wim"],
        "Always calm",
        kind="strength",
        private=True,
        author=alice,
        occurred_at=ago(6),
    )
    add_moment(
        vault,
        people["sem"],
        "Lent me his bike",
        kind="grateful",
        private=True,
        author=bob,
        occurred_at=ago(7),
    )
    add_moment(vault, people["tom"], "Old story", author=alice, occurred_at=ago(100))

    # Appreciation: told 3 days ago and 200 days ago; one dismissed.
    for days, outcome in ((3, NudgeOutcome.GIVEN), (10, NudgeOutcome.DISMISSED), (200, "given")):
        AppreciationNudge.objects.create(
            user=alice,
            vault=vault,
            person=people["ria"],
            offered_on=(NOW - dt.timedelta(days=days)).date(),
            outcome=outcome,
            handled_at=ago(days),
        )

    # A check-in round: empathy done 4 days ago, the tip 40 days ago, the action still open;
    # a step done in Mallory's vault does not count.
    round_ = CheckInRound.objects.create(vault=vault, name="Lockdown", author=alice)
    check_in = CheckIn.objects.create(round=round_, person=people["ria"])
    CheckInStep.objects.create(check_in=check_in, kind="empathy", done_at=ago(4))
    CheckInStep.objects.create(check_in=check_in, kind="tip", done_at=ago(40))
    CheckInStep.objects.create(check_in=check_in, kind="action")
    theirs = Person.objects.create(vault=other_vault, given_name="Mo")
    other_round = CheckInRound.objects.create(vault=other_vault, name="Theirs")
    CheckInStep.objects.create(
        check_in=CheckIn.objects.create(round=other_round, person=theirs),
        kind="empathy",
        done_at=ago(1),
    )
    assert timezone.now() == NOW
    return Small(vault, people)
