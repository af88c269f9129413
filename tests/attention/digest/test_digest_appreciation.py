"""The digest mentions today's appreciation nudge next to the rest of the day, previewed
(nothing written), and never sends an email for the nudge alone."""

from __future__ import annotations

from digest_helpers import Network, at
from django.contrib.auth.models import User

from aandacht.accounts.models import Vault
from aandacht.attention import appreciation, digest, services
from aandacht.attention.models import AppreciationNudge
from aandacht.people.services import create_person
from aandacht.timeline.services import add_moment


def anna(vault: Vault, alice: User) -> None:
    person = create_person(vault, "Anna Smit", tags=["clients"])
    add_moment(vault, person, "Anna keeps her promises.", kind="strength", author=alice)


def test_the_digest_mentions_who_to_tell(network: Network, alice: User, vault: Vault) -> None:
    anna(vault, alice)

    message = digest.compose_digest(alice, at("08:00"))

    assert message is not None
    assert "Anna Smit" in str(message.body)
    assert "tell them what you value in them (tagged clients · 1 strength recorded)" in str(
        message.body
    )
    assert not AppreciationNudge.objects.exists()  # previewed only
    assert message.subject == "Today: 2 people, 1 overdue promise, 1 date this week"
    made = appreciation.suggestion_for(alice, vault)
    assert made is not None and made.person.name == "Anna Smit"
    again = digest.compose_digest(alice, at("08:00"))
    assert again is not None and f"focus=appreciation-{made.nudge.pk}" in str(again.body)


def test_not_when_off_or_handled(network: Network, alice: User, vault: Vault) -> None:
    anna(vault, alice)
    prefs = services.settings_for(alice)
    prefs.appreciation_every_days = 0
    prefs.save()
    message = digest.compose_digest(alice, at("08:00"))
    assert message is not None and "Anna Smit" not in str(message.body)

    prefs.appreciation_every_days = 7
    prefs.save()
    made = appreciation.suggestion_for(alice, vault)
    assert made is not None
    appreciation.dismiss(alice, made.person)
    message = digest.compose_digest(alice, at("08:00"))
    assert message is not None and "Anna Smit" not in str(message.body)


def test_no_email_for_the_nudge_alone(alice: User, vault: Vault, clock: object) -> None:
    alice.email = "alice@example.org"
    alice.save()
    anna(vault, alice)

    assert digest.compose_digest(alice, at("08:00")) is None


def test_another_members_private_strength_is_not_in_the_preview(
    network: Network, alice: User, bob: User, vault: Vault
) -> None:
    """Bob's digest previews with what Bob may see: Alice's private strength neither makes Zoe
    his suggestion nor counts in the reason, and no strength text is ever in a digest."""
    zoe = create_person(vault, "Zoe Visser", tags=["clients"])
    add_moment(vault, zoe, "SECRET strength", kind="strength", author=alice, private=True)

    bobs = digest.compose_digest(bob, at("08:00"))
    assert bobs is not None and "Zoe Visser" not in str(bobs.body)
    alices = digest.compose_digest(alice, at("08:00"))
    assert alices is not None and "Zoe Visser" in str(alices.body)
    assert "1 strength recorded" in str(alices.body)

    add_moment(vault, zoe, "Zoe explains things twice.", kind="strength", author=alice)
    bobs = digest.compose_digest(bob, at("08:00"))
    assert bobs is not None
    assert "tell them what you value in them (tagged clients · 1 strength recorded)" in str(
        bobs.body
    )
    alices = digest.compose_digest(alice, at("08:00"))
    assert alices is not None and "2 strengths recorded" in str(alices.body)
    for message in (bobs, alices):
        assert all("SECRET" not in str(part) for part in (message.body, *message.alternatives))
    assert not AppreciationNudge.objects.exists()  # previewed only
