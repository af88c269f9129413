"""Personal access tokens, the service: only a digest is stored, authentication is one cheap
lookup, last-used is written at most once a minute, and a token never does more than its
user may (its scope, its one vault, the user's role)."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
import time_machine
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aandacht.accounts import tokens
from aandacht.accounts.models import AccessToken, Membership, Role, TokenScope, Vault

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def updates(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("UPDATE")
    ]


# --- Creating ---------------------------------------------------------------------------


def test_only_the_sha256_digest_is_stored_never_the_secret(alice: User) -> None:
    new = tokens.create_token(alice, "backup script", TokenScope.READ)

    row = AccessToken.objects.values().get(pk=new.token.pk)
    assert new.secret.startswith("aat_")
    assert row["digest"] == hashlib.sha256(new.secret.encode()).hexdigest()
    assert new.secret not in {str(value) for value in row.values()}
    assert row["prefix"] == new.secret[: tokens.SHOWN_PREFIX_LENGTH]
    assert len(row["prefix"]) == 10  # enough to recognise, far too little to guess the rest


def test_secrets_are_long_random_and_different(alice: User) -> None:
    secrets = {tokens.create_token(alice, f"t{i}").secret for i in range(20)}
    assert len(secrets) == 20
    assert all(len(secret) >= 40 for secret in secrets)


def test_a_blank_name_becomes_token_and_spaces_are_trimmed(alice: User) -> None:
    assert tokens.create_token(alice, "   ").token.name == "token"
    assert tokens.create_token(alice, "  phone  ").token.name == "phone"


def test_an_over_long_name_is_refused_and_nothing_is_stored(alice: User) -> None:
    with pytest.raises(tokens.TokenRefused, match="at most 100 characters"):
        tokens.create_token(alice, "x" * 101)
    assert not AccessToken.objects.exists()


def test_an_unknown_scope_is_refused(alice: User) -> None:
    with pytest.raises(tokens.TokenRefused, match="“admin” is no scope"):
        tokens.create_token(alice, "t", "admin")
    assert not AccessToken.objects.exists()


def test_a_token_for_someone_elses_vault_is_refused(alice: User, other_vault: Vault) -> None:
    with pytest.raises(tokens.TokenRefused, match="not a member"):
        tokens.create_token(alice, "t", TokenScope.READ, other_vault)
    assert not AccessToken.objects.exists()


def test_a_write_token_for_a_vault_a_viewer_only_reads_is_refused(
    carol: User, vault: Vault
) -> None:
    with pytest.raises(tokens.TokenRefused, match="You may only read the vault “Alice's people”"):
        tokens.create_token(carol, "t", TokenScope.WRITE, vault)
    assert not AccessToken.objects.exists()
    # Reading it is fine.
    assert tokens.create_token(carol, "t", TokenScope.READ, vault).token.vault == vault


def test_refusals_are_value_errors_for_callers_that_catch_those(alice: User) -> None:
    with pytest.raises(ValueError):
        tokens.create_token(alice, "t", "admin")


# --- Authenticating ---------------------------------------------------------------------


def test_the_secret_authenticates_as_its_token_and_user(alice: User, vault: Vault) -> None:
    new = tokens.create_token(alice, "t", TokenScope.WRITE, vault)
    found = tokens.authenticate(new.secret)
    assert found is not None
    assert found.pk == new.token.pk
    assert found.user == alice
    assert found.vault == vault


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "aat_",
        "aat_not-a-token",
        "Bearer aat_xyz",
        "xyz_" + "a" * 43,  # the wrong prefix
        "aat_" + "a" * 400,  # over-long: refused before hashing
        "aat_abc def",
        "aat_abc\n",
        "aat_ßtraße",
        "aat_\ud800",  # a lone surrogate cannot even be encoded
        "aat_abc\x00",
    ],
)
def test_anything_else_is_refused(alice: User, raw: str) -> None:
    tokens.create_token(alice, "t")
    assert tokens.authenticate(raw) is None


def test_the_secret_with_another_prefix_is_refused(alice: User) -> None:
    """The digest alone is not enough: the marker must be there too."""
    new = tokens.create_token(alice, "t")
    body = new.secret.removeprefix("aat_")
    AccessToken.objects.filter(pk=new.token.pk).update(digest=tokens.digest_of("xyz_" + body))
    assert tokens.authenticate("xyz_" + body) is None


def test_over_long_or_misshapen_input_costs_no_query(alice: User) -> None:
    with CaptureQueriesContext(connection) as queries:
        assert tokens.authenticate("aat_" + "a" * 10_000) is None
        assert tokens.authenticate("nope") is None
        assert tokens.authenticate("aat_\ud800") is None
        assert tokens.authenticate_basic("alice", "aat_é") is None
    assert len(queries.captured_queries) == 0


def test_a_revoked_token_is_refused(alice: User) -> None:
    new = tokens.create_token(alice, "t")
    tokens.revoke(new.token)
    assert tokens.authenticate(new.secret) is None


def test_an_inactive_users_token_is_refused(alice: User) -> None:
    new = tokens.create_token(alice, "t")
    User.objects.filter(pk=alice.pk).update(is_active=False)
    assert tokens.authenticate(new.secret) is None


def test_a_deleted_users_tokens_go_with_them(alice: User) -> None:
    new = tokens.create_token(alice, "t")
    alice.delete()
    assert tokens.authenticate(new.secret) is None
    assert not AccessToken.objects.exists()


# --- Last used --------------------------------------------------------------------------


def test_last_used_is_written_at_most_once_a_minute(alice: User) -> None:
    new = tokens.create_token(alice, "t")
    assert new.token.last_used_at is None
    with time_machine.travel(START, tick=False) as clock:
        with CaptureQueriesContext(connection) as first:
            tokens.authenticate(new.secret)
        assert len(updates(first)) == 1
        assert AccessToken.objects.get().last_used_at == START

        clock.shift(dt.timedelta(seconds=59))
        with CaptureQueriesContext(connection) as within:
            for _ in range(10):
                assert tokens.authenticate(new.secret) is not None
        assert updates(within) == []
        assert len(within.captured_queries) == 10  # one SELECT each, nothing more
        assert AccessToken.objects.get().last_used_at == START

        clock.shift(dt.timedelta(seconds=1))
        with CaptureQueriesContext(connection) as after:
            found = tokens.authenticate(new.secret)
        assert len(updates(after)) == 1
        assert found is not None
        assert found.last_used_at == START + dt.timedelta(minutes=1)
        assert AccessToken.objects.get().last_used_at == START + dt.timedelta(minutes=1)


def test_a_stale_copy_does_not_write_last_used_twice(alice: User) -> None:
    """Two requests that both read the old time: the UPDATE's condition lets one write."""
    new = tokens.create_token(alice, "t")
    with time_machine.travel(START, tick=False):
        stale = AccessToken.objects.get()
        assert tokens.authenticate(new.secret) is not None
        tokens._mark_used(stale)
        assert AccessToken.objects.filter(last_used_at=START).count() == 1


def test_authenticating_is_cheap(alice: User, vault: Vault) -> None:
    """1,000 authentications: one SELECT each, and one UPDATE a minute for last used."""
    new = tokens.create_token(alice, "t", TokenScope.WRITE, vault)
    with time_machine.travel(START, tick=False):
        with CaptureQueriesContext(connection) as queries:
            for _ in range(1_000):
                found = tokens.authenticate(new.secret)
                assert found is not None
                # Its user and vault come with it: reading them costs nothing more.
                assert found.user.username == "alice"
                assert found.vault is not None
    # The UPDATE runs in a savepoint (a refused write must not abort a caller's transaction).
    statements = [
        query
        for query in queries.captured_queries
        if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]
    assert len(statements) == 1_001
    assert len(updates(queries)) == 1


# --- Basic auth (CardDAV) ---------------------------------------------------------------


def test_basic_auth_takes_the_users_own_token_as_password(alice: User) -> None:
    new = tokens.create_token(alice, "phone")
    found = tokens.authenticate_basic("alice", new.secret)
    assert found is not None
    assert found.pk == new.token.pk
    assert found.last_used_at is not None


def test_basic_auth_refuses_someone_elses_token(alice: User, mallory: User) -> None:
    new = tokens.create_token(alice, "phone")
    assert tokens.authenticate_basic("mallory", new.secret) is None
    assert tokens.authenticate_basic("", new.secret) is None
    assert tokens.authenticate_basic("ALICE", new.secret) is None
    # A refused attempt does not count as a use.
    assert AccessToken.objects.get().last_used_at is None


def test_basic_auth_never_accepts_the_login_password(alice: User) -> None:
    tokens.create_token(alice, "phone")
    assert alice.check_password("alice-secret-pw")
    assert tokens.authenticate_basic("alice", "alice-secret-pw") is None


def test_basic_auth_refuses_revoked_tokens_and_inactive_users(alice: User) -> None:
    revoked = tokens.create_token(alice, "old")
    tokens.revoke(revoked.token)
    assert tokens.authenticate_basic("alice", revoked.secret) is None
    live = tokens.create_token(alice, "new")
    User.objects.filter(pk=alice.pk).update(is_active=False)
    assert tokens.authenticate_basic("alice", live.secret) is None


# --- Revoking ---------------------------------------------------------------------------


def test_revoking_twice_keeps_the_first_time(alice: User) -> None:
    new = tokens.create_token(alice, "t")
    with time_machine.travel(START, tick=False):
        tokens.revoke(new.token)
    with time_machine.travel(START + dt.timedelta(hours=1), tick=False):
        tokens.revoke(new.token)
        tokens.revoke_token_of(alice, new.token.pk)
    assert AccessToken.objects.get().revoked_at == START


def test_revoking_someone_elses_token_is_not_found(alice: User, mallory: User) -> None:
    new = tokens.create_token(alice, "t")
    with pytest.raises(AccessToken.DoesNotExist):
        tokens.revoke_token_of(mallory, new.token.pk)
    assert AccessToken.objects.get().revoked_at is None


# --- What a token may reach -------------------------------------------------------------


def test_a_token_for_all_vaults_reaches_each_of_the_users_vaults(alice: User, vault: Vault) -> None:
    second = Vault.objects.create(name="Work")
    Membership.objects.create(vault=second, user=alice, role=Role.VIEWER)
    token = tokens.create_token(alice, "t").token
    assert sorted(tokens.token_vault_ids(token)) == sorted([vault.pk, second.pk])


def test_a_token_for_one_vault_reaches_only_that_one(alice: User, vault: Vault) -> None:
    second = Vault.objects.create(name="Work")
    Membership.objects.create(vault=second, user=alice, role=Role.OWNER)
    token = tokens.create_token(alice, "t", TokenScope.WRITE, second).token
    assert tokens.token_vault_ids(token) == [second.pk]
    assert tokens.token_can_write(token, second)
    assert not tokens.token_can_write(token, vault)


def test_a_vault_left_is_no_longer_reached(bob: User, vault: Vault) -> None:
    token = tokens.create_token(bob, "t", TokenScope.WRITE).token
    assert tokens.token_vault_ids(token) == [vault.pk]
    Membership.objects.filter(user=bob, vault=vault).delete()
    assert tokens.token_vault_ids(token) == []
    assert not tokens.token_can_write(token, vault)


def test_a_read_token_never_writes(alice: User, vault: Vault) -> None:
    token = tokens.create_token(alice, "t", TokenScope.READ, vault).token
    assert not tokens.token_can_write(token, vault)


def test_owners_and_editors_write_with_a_write_token(alice: User, bob: User, vault: Vault) -> None:
    assert tokens.token_can_write(tokens.create_token(alice, "t", TokenScope.WRITE).token, vault)
    assert tokens.token_can_write(tokens.create_token(bob, "t", TokenScope.WRITE).token, vault)


def test_a_viewers_write_token_for_all_vaults_still_only_reads_hers(
    carol: User, vault: Vault
) -> None:
    token = tokens.create_token(carol, "t", TokenScope.WRITE).token
    assert tokens.token_vault_ids(token) == [vault.pk]
    assert not tokens.token_can_write(token, vault)


def test_an_editor_made_viewer_loses_write(bob: User, vault: Vault) -> None:
    token = tokens.create_token(bob, "t", TokenScope.WRITE, vault).token
    assert tokens.token_can_write(token, vault)
    Membership.objects.filter(user=bob, vault=vault).update(role=Role.VIEWER)
    assert not tokens.token_can_write(token, vault)


def test_no_token_writes_in_a_vault_its_user_is_not_in(alice: User, other_vault: Vault) -> None:
    token = tokens.create_token(alice, "t", TokenScope.WRITE).token
    assert other_vault.pk not in tokens.token_vault_ids(token)
    assert not tokens.token_can_write(token, other_vault)


# --- For the page and the command -------------------------------------------------------


def test_the_summary_has_no_secret_and_no_digest(alice: User, vault: Vault) -> None:
    new = tokens.create_token(alice, "t", TokenScope.WRITE, vault)
    summary = tokens.token_summary(new.token)
    assert summary["vault"] == "Alice's people"
    assert summary["scope"] == "write"
    text = repr(summary)
    assert new.secret not in text
    assert new.token.digest not in text


def test_token_vaults_lists_each_vault_with_the_role(carol: User, vault: Vault) -> None:
    assert tokens.token_vaults(carol) == [(vault, Role.VIEWER)]
