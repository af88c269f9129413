"""`aandacht import --map`: laid over the suggested mapping, and refused where it has no place.

The merge rules are tested in-process (``merge_mapping``, ``parse_mapping``); the command itself
through the real entry point, including every refusal with its exit code.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from cli_harness import Aandacht

from aandacht.cli_import import _Reply, merge_mapping, parse_mapping

FIXTURES = Path(__file__).parent.parent / "exchange" / "fixtures"

LEDEN = (
    "Voornaam;Achternaam;E-mail;Woonplaats;Opmerkingen;Werkgever;Rol in de club\r\n"
    "Anna;de Vries;anna@example.nl;Utrecht;Komt altijd te laat;Rabobank;penningmeester\r\n"
)


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return str(path)


def reply() -> _Reply:
    return _Reply(json_output=False, dry_run=False)


# --- the merge, in-process --------------------------------------------------------------------


HEADER = ["Voornaam", "Achternaam", "E-mail", "Woonplaats", "Opmerkingen", "Werkgever", "Code"]


def test_given_columns_override_or_add_and_the_rest_keep_their_suggestion() -> None:
    merged = merge_mapping(HEADER, {"Code": "job_title", "Woonplaats": "region"}, reply())
    assert merged == {
        "Voornaam": "given_name",
        "Achternaam": "family_name",
        "E-mail": "email",
        "Woonplaats": "region",
        "Opmerkingen": "note",
        "Werkgever": "organisation",
        "Code": "job_title",
    }
    assert list(merged) == [c for c in HEADER if c in merged]  # in the file's order


def test_an_empty_field_or_ignore_drops_a_suggested_column() -> None:
    given = parse_mapping(["Opmerkingen=", "werkgever=IGNORE", "E-mail=-"], reply())
    assert given == {"Opmerkingen": "", "werkgever": "", "E-mail": ""}
    merged = merge_mapping(HEADER, given, reply())
    assert merged == {"Voornaam": "given_name", "Achternaam": "family_name", "Woonplaats": "city"}


def test_a_single_value_field_moves_to_the_named_column() -> None:
    header = ["Naam", "Roepnaam", "Telefoon", "Mobiel"]
    merged = merge_mapping(header, {"Roepnaam": "full_name", "Naam": "nickname"}, reply())
    assert merged == {
        "Naam": "nickname",
        "Roepnaam": "full_name",
        "Telefoon": "phone",
        "Mobiel": "phone",
    }
    # Only the named column loses its suggestion for a field that takes several columns.
    assert merge_mapping(header, {"Mobiel": ""}, reply()) == {
        "Naam": "full_name",
        "Roepnaam": "nickname",
        "Telefoon": "phone",
    }


def test_columns_match_in_any_case_and_spacing() -> None:
    merged = merge_mapping(["First  Name", "E-mail"], {"first name": "nickname"}, reply())
    assert merged == {"First  Name": "nickname", "E-mail": "email"}


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        (["nonsense"], "--map takes COLUMN=FIELD"),
        (["=email"], "--map takes COLUMN=FIELD"),
        (["Mail=emial"], "“emial” is not a field. Did you mean “email”?"),
        (["Mail=shoe_size"], "The fields are: full_name, given_name"),
        (["Mail=email", "Mail=phone"], "names the column “Mail” twice"),
    ],
)
def test_bad_pairs_exit_2(
    pairs: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(typer.Exit) as stopped:
        parse_mapping(pairs, reply())
    assert stopped.value.exit_code == 2
    assert message in capsys.readouterr().err.replace("\n", " ")


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"Woonplaatz": "city"},
         "“Woonplaatz”, which this file does not have. Did you mean “Woonplaats”?"),
        ({"Fax": "phone"}, "Its columns are: “Voornaam”, “Achternaam”"),
        ({"Voornaam": "full_name", "Code": "full_name"}, "gives “full_name” to several columns"),
        ({"Code": "email", "code": "phone"}, "names the column “Code” twice"),
    ],
)  # fmt: skip
def test_bad_columns_exit_2(
    given: dict[str, str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(typer.Exit) as stopped:
        merge_mapping(HEADER, given, reply())
    assert stopped.value.exit_code == 2
    assert message in capsys.readouterr().err.replace("\n", " ")


# --- through the command --------------------------------------------------------------------


def test_map_is_laid_over_the_suggestion(aandacht: Aandacht, tmp_path: Path) -> None:
    path = write(tmp_path, "leden.csv", LEDEN)
    args = ["import", path, "--map", "Rol in de club=job_title", "--map", "opmerkingen="]
    dry = aandacht(*args, "--dry-run", "--json")
    assert dry.code == 0, dry.stderr
    assert dry.json()["mapping"] == {
        "Voornaam": "given_name",
        "Achternaam": "family_name",
        "E-mail": "email",
        "Woonplaats": "city",
        "Werkgever": "organisation",
        "Rol in de club": "job_title",
    }
    human = aandacht(*args)
    assert human.code == 0, human.stderr
    assert "Imported 1 record (CSV): 1 new, 0 updated, 0 unchanged." in human.stdout
    assert "Rol in de club → job_title" in human.stderr
    assert "Columns left out: Opmerkingen" in human.stderr
    anna = aandacht("who", "Anna de Vries", "--json").json()
    assert (anna["organisation"], anna["job_title"]) == ("Rabobank", "penningmeester")
    assert anna["emails"] == ["anna@example.nl"]
    assert anna["addresses"] == ["Utrecht"]


def test_unknown_column_or_field_writes_nothing(aandacht: Aandacht, tmp_path: Path) -> None:
    path = write(tmp_path, "leden.csv", LEDEN)
    column = aandacht("import", path, "--map", "Lidnummer=note", "--json")
    assert column.code == 2
    assert column.json()["error"]["code"] == "unknown_column"
    assert "“Lidnummer”, which this file does not have" in column.stderr
    assert "“Rol in de club”" in column.stderr  # the columns there are
    field = aandacht("import", path, "--map", "Werkgever=employer")
    assert field.code == 2 and "“employer” is not a field" in field.stderr
    assert aandacht("find", "Anna", "--json").json() == []


def test_map_is_refused_for_files_with_their_own_fields(aandacht: Aandacht) -> None:
    vcard = aandacht("import", str(FIXTURES / "v40_rfc6350.vcf"), "--map", "a=email", "--json")
    assert vcard.code == 2
    assert vcard.json()["error"]["code"] == "map_not_for_format"
    assert vcard.json()["format"] == "vcard"
    assert "“v40_rfc6350.vcf” is a vCard file; --map is for CSV files only" in vcard.stderr
    linkedin = str(FIXTURES / "linkedin_connections.csv")
    detected = aandacht("import", linkedin, "--map", "Company=")
    assert detected.code == 2
    assert "is a LinkedIn export, which is read by its own fixed columns" in detected.stderr
    assert "add --format csv" in detected.stderr
    google = aandacht(
        "import", str(FIXTURES / "google_contacts.csv"), "-f", "google", "--map", "a="
    )
    assert google.code == 2
    assert "--map is for --format csv" in google.stderr
    json_restore = aandacht("import", linkedin, "--format", "json", "--map", "a=email")
    assert json_restore.code == 2
    assert aandacht("find", "Sanne", "--json").json() == []


def test_a_linkedin_file_read_as_plain_csv_through_a_mapping(aandacht: Aandacht) -> None:
    linkedin = str(FIXTURES / "linkedin_connections.csv")
    result = aandacht(
        "import", linkedin, "--format", "csv", "--map", "Company=", "--dry-run", "--json"
    )
    assert result.code == 0, result.stderr
    data = result.json()
    assert "Company" not in data["mapping"]
    assert data["mapping"]["First Name"] == "given_name"
    assert data["mapping"]["Connected On"] == "met_on"
    assert data["created"] >= 1
