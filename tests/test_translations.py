"""The Dutch catalogue is complete and sound, compiles with polib, and Dutch pages are Dutch."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.contrib.auth.models import User
from django.template import Context, Template
from django.test import Client
from django.utils import translation

from aandacht import translations
from aandacht.translations import (
    LOCALE_DIR,
    CatalogueError,
    compile_catalogue,
    compiled_bytes,
    ensure_compiled,
    is_stale,
    load,
    mo_path,
    placeholders,
    po_files,
)

DUTCH = LOCALE_DIR / "nl" / "LC_MESSAGES" / "django.po"
NAMED = re.compile(r"%\((\w+)\)|\{(\w*)\}")


def named(text: str) -> Counter[str]:
    """Every ``%(name)`` and ``{name}`` in ``text``, flag or no flag."""
    return Counter(a or b for a, b in NAMED.findall(text))


def where(entry: polib.POEntry) -> str:
    return f"{DUTCH.name}:{entry.linenum} {entry.msgid!r}"


@pytest.fixture(scope="module")
def dutch() -> polib.POFile:
    return load(DUTCH)  # also refuses duplicates and placeholder mismatches with file:line


def test_dutch_is_the_only_catalogue_and_says_it_is_dutch(dutch: polib.POFile) -> None:
    assert po_files() == [DUTCH]
    assert dutch.metadata["Language"] == "nl"
    assert dutch.metadata["Plural-Forms"].startswith("nplurals=2; plural=(n != 1)")
    assert not dutch.metadata_is_fuzzy


def test_every_entry_is_translated(dutch: polib.POFile) -> None:
    missing = [where(e) for e in dutch.untranslated_entries() if not e.obsolete]
    assert not missing, "untranslated:\n" + "\n".join(missing)
    assert len(dutch.translated_entries()) > 300


def test_no_entry_is_fuzzy(dutch: polib.POFile) -> None:
    fuzzy = [where(e) for e in dutch.fuzzy_entries()]
    assert not fuzzy, "check these translations, then drop '#, fuzzy':\n" + "\n".join(fuzzy)


def test_no_obsolete_entries_linger(dutch: polib.POFile) -> None:
    assert not dutch.obsolete_entries()


def test_translations_keep_every_placeholder(dutch: polib.POFile) -> None:
    wrong = []
    for entry in dutch.translated_entries():
        if entry.msgid_plural:
            singular, plural = named(entry.msgid), named(entry.msgid_plural)
            forms = entry.msgstr_plural
            if set(named(forms[0])) - set(singular) - set(plural):
                wrong.append(where(entry) + " msgstr[0]")
            if any(named(text) != plural for index, text in forms.items() if index > 0):
                wrong.append(where(entry) + " msgstr[1]")
        elif named(entry.msgstr) != named(entry.msgid):
            wrong.append(where(entry))
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_plural_entries_have_both_dutch_forms(dutch: polib.POFile) -> None:
    plurals = [e for e in dutch if e.msgid_plural]
    assert plurals
    for entry in plurals:
        assert sorted(entry.msgstr_plural) == [0, 1], where(entry)
        assert all(entry.msgstr_plural.values()), where(entry)


def test_the_compiled_catalogue_is_current() -> None:
    mo = mo_path(DUTCH)
    assert mo.exists(), "no .mo: run `make install` (or scripts/compile_messages.py)"
    assert mo.read_bytes() == compiled_bytes(DUTCH), "stale .mo: run scripts/compile_messages.py"


def test_the_compiled_catalogue_reads_back(dutch: polib.POFile) -> None:
    compiled = polib.mofile(str(mo_path(DUTCH)))
    assert {e.msgid for e in compiled} == {e.msgid for e in dutch.translated_entries()}


# The names makemessages (xgettext) knows: a string marked with any other alias of Django's
# translation functions ("gettext_lazy as _lazy") never reaches the catalogue.
KNOWN_ALIASES = {
    "gettext": {"gettext", "_"},
    "gettext_lazy": {"gettext_lazy", "_"},
    "ngettext": {"ngettext"},
    "ngettext_lazy": {"ngettext_lazy"},
    "pgettext": {"pgettext"},
    "pgettext_lazy": {"pgettext_lazy"},
    "npgettext": {"npgettext"},
    "npgettext_lazy": {"npgettext_lazy"},
}
ALIAS = re.compile(r"^from django\.utils\.translation import (\w+) as (\w+)", re.MULTILINE)


def test_translation_functions_keep_names_makemessages_knows() -> None:
    source = LOCALE_DIR.parent
    wrong = [
        f"{path.relative_to(source)}: {name} as {alias}"
        for path in sorted(source.rglob("*.py"))
        for name, alias in ALIAS.findall(path.read_text(encoding="utf-8"))
        if name in KNOWN_ALIASES and alias not in KNOWN_ALIASES[name]
    ]
    assert not wrong, f"makemessages cannot see strings marked with these aliases: {wrong}"


@pytest.mark.skipif(
    not (shutil.which("xgettext") and shutil.which("msgmerge")),
    reason="needs GNU gettext (a developer tool; the app itself does not)",
)
def test_the_catalogue_covers_every_string_in_the_source(tmp_path: Path) -> None:
    """makemessages on a copy of the source finds nothing new to translate."""
    source = Path(translations.__file__).resolve().parent
    copy = tmp_path / "aandacht"
    shutil.copytree(
        source,
        copy,
        ignore=shutil.ignore_patterns("*.mo", "__pycache__", "static", "migrations", "*.png"),
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    subprocess.run(
        [sys.executable, "-P", "-m", "django", "makemessages", "-l", "nl", "--no-obsolete"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    fresh = polib.pofile(str(copy / "locale" / "nl" / "LC_MESSAGES" / "django.po"))
    todo = [
        f"{e.msgid!r} ({', '.join(f for f, _ in e.occurrences[:2])})"
        for e in fresh.untranslated_entries() + fresh.fuzzy_entries()
    ]
    assert not todo, (
        "new strings to translate: run `make messages` and translate them in "
        f"{DUTCH.relative_to(source.parent.parent)}:\n" + "\n".join(todo)
    )


# The compiler, on catalogues of its own.

HEADER = (
    'msgid ""\nmsgstr ""\n'
    '"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
)


def write_po(root: Path, body: str) -> Path:
    po = root / "nl" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True, exist_ok=True)
    po.write_text(HEADER + body, encoding="utf-8")
    return po


GOOD = """#, python-format
msgid "Hello %(name)s"
msgstr "Hallo %(name)s"

#, python-format
msgid "%(count)d person"
msgid_plural "%(count)d people"
msgstr[0] "%(count)d persoon"
msgstr[1] "%(count)d mensen"

#, fuzzy
msgid "Unsure"
msgstr "Onzeker"

msgid "Untranslated"
msgstr ""
"""


def test_a_good_catalogue_compiles_without_fuzzy_or_empty_entries(tmp_path: Path) -> None:
    po = write_po(tmp_path, GOOD)

    compile_catalogue(po)

    compiled = {e.msgid: e for e in polib.mofile(str(mo_path(po)))}
    assert compiled["Hello %(name)s"].msgstr == "Hallo %(name)s"
    assert compiled["%(count)d person"].msgstr_plural == {
        0: "%(count)d persoon",
        1: "%(count)d mensen",
    }
    assert "Unsure" not in compiled
    assert "Untranslated" not in compiled
    assert not is_stale(po)


@pytest.mark.parametrize(
    ("body", "line", "problem"),
    [
        ('msgid "Hello\nmsgstr "Hallo"\n', 6, "not a well-formed PO line"),
        ('msgid "a"\nmsgstr "b"\ngarbage\n', 8, "not a well-formed PO line"),
        (
            '#, python-format\nmsgid "Hello %(name)s"\nmsgstr "Hallo %(naam)s"\n',
            6,
            "placeholders",
        ),
        ('#, python-format\nmsgid "%(n)d days"\nmsgstr "dagen"\n', 6, "placeholders"),
        ('msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n', 9, "duplicate"),
        (
            '#, python-format\nmsgid "%(n)d day"\nmsgid_plural "%(n)d days"\n'
            'msgstr[0] "%(n)d dag"\nmsgstr[1] "dagen"\n',
            6,
            "msgstr[1]",
        ),
        ('msgid "a"\nmsgid_plural "as"\nmsgstr[0] "b"\n', 6, "plural forms"),
    ],
)
def test_a_broken_catalogue_fails_loudly_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, line: int, problem: str
) -> None:
    po = write_po(tmp_path, body)

    status = translations.main([str(po)])

    assert status == 1
    error = capsys.readouterr().err
    assert f"{po}:{line}:" in error
    assert problem in error
    assert not mo_path(po).exists()
    with pytest.raises(CatalogueError):
        compiled_bytes(po)


def test_the_script_exits_non_zero_on_a_broken_catalogue(tmp_path: Path) -> None:
    po = write_po(tmp_path, 'msgid "Hello\nmsgstr "Hallo"\n')
    script = Path(__file__).resolve().parent.parent / "scripts" / "compile_messages.py"

    result = subprocess.run(
        [sys.executable, str(script), str(po)], capture_output=True, text=True, check=False
    )

    assert result.returncode == 1
    assert f"{po}:6:" in result.stderr


def test_ensure_compiled_builds_missing_and_stale_catalogues_only(tmp_path: Path) -> None:
    po = write_po(tmp_path, GOOD)

    assert ensure_compiled(tmp_path) == []
    first = mo_path(po).stat().st_mtime_ns
    assert ensure_compiled(tmp_path) == []
    assert mo_path(po).stat().st_mtime_ns == first  # current: left alone

    later = first + 5_000_000_000
    os.utime(po, ns=(later, later))
    assert is_stale(po)
    assert ensure_compiled(tmp_path) == []
    assert not is_stale(po)


def test_ensure_compiled_warns_instead_of_failing(tmp_path: Path) -> None:
    po = write_po(tmp_path, 'msgid "Hello\nmsgstr "Hallo"\n')

    warnings = ensure_compiled(tmp_path)

    assert len(warnings) == 1
    assert f"{po}:6:" in warnings[0]


def test_placeholders_reads_named_unnamed_and_brace_fields() -> None:
    assert placeholders("%(name)s has %(count)d of %s, 100%%") == Counter(
        {"%(name)s": 1, "%(count)d": 1, "%s": 1}
    )
    assert placeholders("{name} and {{literal}}", ["python-brace-format"]) == Counter({"{name}": 1})


# Dutch on the pages.


def test_the_welcome_page_of_a_fresh_install_is_dutch_for_a_dutch_browser(db: None) -> None:
    page = Client().get("/welcome/", headers={"accept-language": "nl-NL,nl;q=0.9"})

    text = page.content.decode()
    assert page.status_code == 200
    assert '<html lang="nl"' in text
    assert "Welkom bij Aandacht" in text
    assert "Welcome to Aandacht" not in text
    assert page["Content-Language"] == "nl"


def test_the_login_page_is_dutch_for_a_dutch_browser(alice: User) -> None:
    page = Client().get("/accounts/login/", headers={"accept-language": "nl"})

    text = page.content.decode()
    assert "Welkom terug" in text
    assert "Inloggen" in text
    assert "Welcome back" not in text


def test_the_login_page_stays_english_for_an_english_browser(alice: User) -> None:
    page = Client().get("/accounts/login/", headers={"accept-language": "en-GB,en;q=0.8"})

    assert "Welcome back" in page.content.decode()


def test_django_s_own_messages_are_dutch_and_informal_too(alice: User) -> None:
    page = Client().post(
        "/accounts/login/",
        {"username": "alice", "password": "wrong"},
        headers={"accept-language": "nl"},
    )

    assert "Vul een juiste gebruikersnaam en je wachtwoord in" in page.content.decode()


def test_plural_forms_choose_the_dutch_form() -> None:
    with translation.override("nl"):
        one = translation.ngettext("%(counter)s person", "%(counter)s people", 1)
        many = translation.ngettext("%(counter)s person", "%(counter)s people", 3)

    assert one % {"counter": 1} == "1 persoon"
    assert many % {"counter": 3} == "3 mensen"


def test_dates_and_numbers_are_formatted_for_the_language() -> None:
    template = Template(
        "{{ day|date }}|{{ day|date:'l j F' }}|{{ amount|floatformat:2 }}|{{ moment|date:'H:i' }}"
    )
    context = Context(
        {
            "day": dt.date(2024, 3, 5),
            "amount": 1234.5,
            "moment": dt.datetime(2024, 3, 5, 14, 30, tzinfo=dt.UTC),
        }
    )

    with translation.override("nl"):
        dutch = template.render(context)
    with translation.override("en"):
        english = template.render(context)

    assert dutch.split("|")[:3] == ["5 maart 2024", "dinsdag 5 maart", "1234,50"]
    assert english.split("|")[:3] == ["March 5, 2024", "Tuesday 5 March", "1234.50"]
