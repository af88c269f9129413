"""Fixtures for the digest tests: a real SMTP server in this process, and a small network.

``smtp`` runs aiosmtpd on 127.0.0.1 (a free port) and points Django's SMTP backend at it;
``smtp.messages`` holds what arrived, parsed. ``smtp.refuse = True`` makes it answer every
message with a temporary failure (451), as a mail server having a bad day. ``clock`` stops
time at 08:00 on ``TODAY`` and moves it on request; ``network`` is Alice's people.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
import time_machine
from digest_helpers import BASE, Network, at
from django.contrib.auth.models import User
from django.test import override_settings

from aandacht.accounts.models import Membership, Role, Vault
from aandacht.attention import services
from aandacht.attention.models import Circle, Preset
from aandacht.people.services import add_important_date, create_person
from aandacht.timeline.services import add_follow_up, log_interaction
from mail_server import Inbox


@pytest.fixture
def smtp(smtp_server: Inbox) -> Iterator[Inbox]:
    """The SMTP server, with Django's SMTP backend and the base address pointing at it."""
    with override_settings(
        **smtp_server.settings(),
        BASE_URL=BASE,
        DEFAULT_FROM_EMAIL="aandacht@crm.example.org",
    ):
        yield smtp_server


@pytest.fixture
def clock() -> Iterator[Callable[[dt.datetime], None]]:
    """``clock(moment)`` moves the frozen clock; it starts at 08:00 on ``TODAY``."""
    with time_machine.travel(at("08:00"), tick=False) as traveller:

        def move(moment: dt.datetime) -> None:
            traveller.move_to(moment, tick=False)

        yield move


@pytest.fixture
def network(alice: User, vault: Vault, clock: Callable[[dt.datetime], None]) -> Network:
    alice.email = "alice@example.org"
    alice.save()
    services.ensure_default_circles(vault)
    monthly = Circle.objects.get(vault=vault, preset=Preset.MONTHLY)
    denise = create_person(vault, "Denise van Iersel")
    services.set_circle(denise, monthly)
    log_interaction(
        vault,
        [denise],
        "call",
        occurred_at=at("10:00") - dt.timedelta(days=47),
        author=alice,
    )
    jeroen = create_person(vault, "Jeroen van de Ven")
    add_important_date(jeroen, "birthday", 11, 25, 1984)
    sanne = create_person(vault, "Sanne de Wit")
    promise = add_follow_up(
        vault, sanne, "Send her the slides", due_on=dt.date(2026, 11, 20), author=alice
    )
    wim = create_person(vault, "Wim Bakker")
    add_important_date(wim, "birthday", 11, 23)
    return Network(denise, jeroen, sanne, wim, promise)


@pytest.fixture
def second_vault(alice: User) -> Vault:
    work = Vault.objects.create(name="Work")
    Membership.objects.create(vault=work, user=alice, role=Role.EDITOR)
    return work
