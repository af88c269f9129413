"""`aandacht vault list|create|share|unshare`, through the real entry point."""

from __future__ import annotations

from cli_harness import Aandacht


def members(aandacht: Aandacht, name: str) -> dict[str, str]:
    listed = aandacht("vault", "list", "--json")
    assert listed.code == 0, listed.stderr
    (vault,) = [each for each in listed.json() if each["name"] == name]
    return {each["username"]: each["role"] for each in vault["members"]}


def test_create_share_change_and_unshare(aandacht: Aandacht) -> None:
    for name in ("anna", "bert"):
        assert aandacht("user", "add", name, "--email", f"{name}@example.org").code == 0

    created = aandacht("vault", "create", "The team", "--owner", "anna", "--json")
    assert created.code == 0, created.stderr
    team_id = str(created.json()["id"])
    assert members(aandacht, "The team") == {"anna": "owner"}

    shared = aandacht(
        "vault", "share", "the TEAM", "--user", "bert@example.org", "--role", "viewer"
    )
    assert shared.code == 0, shared.stderr
    assert "bert is now a member of “The team” (viewer)." in shared.stderr
    again = aandacht("vault", "share", team_id, "--user", "bert", "--role", "viewer", "--json")
    assert again.json()["outcome"] == "unchanged"
    assert aandacht("vault", "share", team_id, "--user", "bert", "--role", "Editor").code == 0
    assert members(aandacht, "The team") == {"anna": "owner", "bert": "editor"}

    removed = aandacht("vault", "unshare", team_id, "--user", "bert")
    assert removed.code == 0, removed.stderr
    twice = aandacht("vault", "unshare", team_id, "--user", "bert")
    assert twice.code == 0 and "nothing changed" in twice.stderr
    assert members(aandacht, "The team") == {"anna": "owner"}


def test_clear_errors(aandacht: Aandacht) -> None:
    assert aandacht("user", "add", "anna", "--email", "anna@example.org").code == 0
    assert aandacht("vault", "create", "Team", "--owner", "anna").code == 0

    last_owner = aandacht("vault", "unshare", "Team", "--user", "anna")
    assert last_owner.code == 3
    assert "last owner" in last_owner.stderr
    demote = aandacht("vault", "share", "Team", "--user", "anna", "--role", "viewer")
    assert demote.code == 3 and "last owner" in demote.stderr

    bad_role = aandacht("vault", "share", "Team", "--user", "anna", "--role", "boss")
    assert bad_role.code == 3
    assert "“boss” is not a role; choose owner, editor or viewer." in bad_role.stderr

    no_vault = aandacht("vault", "share", "Nope", "--user", "anna", "--role", "viewer")
    assert no_vault.code == 1
    assert "There is no vault “Nope”" in no_vault.stderr and "Team" in no_vault.stderr

    no_user = aandacht("vault", "share", "Team", "--user", "zed", "--role", "viewer")
    assert no_user.code == 1 and "no user “zed”" in no_user.stderr
    assert aandacht("vault", "create", "Other", "--owner", "zed").code == 1
    blank = aandacht("vault", "create", "  ", "--owner", "anna")
    assert blank.code == 3 and "Give the vault a name." in blank.stderr
    assert members(aandacht, "Team") == {"anna": "owner"}

    table = aandacht("vault", "list")
    assert "Team" in table.stdout and "anna (owner)" in table.stdout


def test_with_open_sign_up_the_console_names_users_by_username_only(aandacht: Aandacht) -> None:
    """An address on an account made through open sign-up proves nothing, so it names no one."""
    for name in ("anna", "bert"):
        assert aandacht("user", "add", name, "--email", f"{name}@example.org").code == 0
    assert aandacht("vault", "create", "The team", "--owner", "anna").code == 0
    open_signup = {"AANDACHT_OPEN_SIGNUP": "true"}
    by_email = aandacht(
        "vault",
        "share",
        "The team",
        "--user",
        "bert@example.org",
        "--role",
        "viewer",
        env=open_signup,
    )
    assert by_email.code != 0
    assert "added by username only" in by_email.stderr
    assert members(aandacht, "The team") == {"anna": "owner"}
    by_name = aandacht(
        "vault", "share", "The team", "--user", "bert", "--role", "viewer", env=open_signup
    )
    assert by_name.code == 0, by_name.stderr
    assert members(aandacht, "The team") == {"anna": "owner", "bert": "viewer"}
