"""`aandacht user add` and `aandacht user list`, through the real entry point."""

from __future__ import annotations

import subprocess
import sys

from cli_harness import Aandacht, command_env

from mail_server import Inbox

GOOD_PASSWORD = "kopje-koffie-om-tien"


def add_with_password(
    aandacht: Aandacht, *args: str, password: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aandacht.cli", "user", "add", *args, "--password-stdin"],
        input=password + "\n",
        env=command_env(aandacht.data_dir),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_add_without_a_password_prints_a_one_time_link(aandacht: Aandacht) -> None:
    result = aandacht("user", "add", "anna", "--email", "Anna@Example.org", "--json")
    assert result.code == 0, result.stderr
    data = result.json()
    assert (data["username"], data["email"], data["has_password"]) == (
        "anna",
        "anna@example.org",
        False,
    )
    assert data["personal_vault"]["name"] == "Personal"
    assert "/accounts/set-password/" in data["password_link"]
    assert data["emailed"] is False

    plain = aandacht("user", "add", "bert", "--email", "bert@example.org")
    assert plain.code == 0, plain.stderr
    assert plain.stdout.strip().startswith("http") and "/accounts/set-password/" in plain.stdout
    assert "Give them this link" in plain.stderr
    # No request to take the address from: without AANDACHT_BASE_URL it says so.
    assert "AANDACHT_BASE_URL is not set" in " ".join(plain.stderr.split())


def test_add_with_a_password_from_stdin_and_list(aandacht: Aandacht) -> None:
    added = add_with_password(
        aandacht, "anna", "--email", "anna@example.org", password=GOOD_PASSWORD
    )
    assert added.returncode == 0, added.stderr
    assert added.stdout == ""

    listed = aandacht("user", "list", "--json")
    assert listed.code == 0, listed.stderr
    by_name = {each["username"]: each for each in listed.json()}
    assert by_name["anna"]["has_password"] is True
    assert by_name["anna"]["vaults"] == 1
    assert by_name["owner"]["is_instance_owner"] is True
    table = aandacht("user", "list")
    assert "anna@example.org" in table.stdout


def test_bad_input_is_refused_and_nothing_is_written(aandacht: Aandacht) -> None:
    assert aandacht("user", "add", "anna", "--email", "anna@example.org").code == 0
    cases = [
        (("ANNA", "--email", "other@example.org"), "The username “ANNA” is taken"),
        (("bert", "--email", "ANNA@example.org"), "already an account with the email address"),
        (("bert", "--email", "not-an-address"), "is not an email address"),
        (("has space", "--email", "b@example.org"), "no spaces"),
    ]
    for args, message in cases:
        result = aandacht("user", "add", *args)
        assert result.code == 3, args
        assert message in result.stderr, args
    weak = add_with_password(aandacht, "bert", "--email", "bert@example.org", password="12345678")
    assert weak.returncode == 3
    assert "entirely numeric" in weak.stderr
    empty = add_with_password(aandacht, "bert", "--email", "bert@example.org", password="")
    assert empty.returncode == 3
    assert "no password" in empty.stderr
    missing = aandacht("user", "add", "bert")
    assert missing.code == 2  # --email is required
    names = {each["username"] for each in aandacht("user", "list", "--json").json()}
    assert names == {"owner", "anna"}


def test_add_emails_the_link_when_an_email_server_is_configured(
    aandacht: Aandacht, smtp_server: Inbox
) -> None:
    env = {
        "EMAIL_URL": f"smtp://{smtp_server.host}:{smtp_server.port}",
        "AANDACHT_BASE_URL": "https://crm.example.org",
    }
    result = aandacht("user", "add", "anna", "--email", "anna@example.org", "--json", env=env)
    assert result.code == 0, result.stderr
    data = result.json()
    assert data["emailed"] is True
    assert data["password_link"].startswith("https://crm.example.org/accounts/set-password/")
    assert smtp_server.recipients == [["anna@example.org"]]
    body = smtp_server.messages[0].get_body(preferencelist=("plain",))
    assert body is not None and data["password_link"] in body.get_content()
