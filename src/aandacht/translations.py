"""Compile the ``.po`` catalogues to ``.mo`` with polib, so no system gettext is needed.

``make`` calls this through ``scripts/compile_messages.py``; :func:`ensure_compiled` is the
cheap check the console commands run, for installs made without ``make``. A catalogue that
``msgfmt --check`` would reject (syntax, duplicates, a placeholder missing or added in a
translation, the wrong number of plural forms) is refused with ``file:line`` messages.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def gettext_noop(message: str) -> str:
    """Mark ``message`` for makemessages; no settings needed (the compiler runs without)."""
    return message


def ngettext(singular: str, plural: str, count: int) -> str:
    """Mark a plural pair for makemessages (xgettext knows ``ngettext``); no lookup."""
    return singular if count == 1 else plural


# Django's own messages that its Dutch catalogue words formally ("u", "uw"): listed here so
# makemessages keeps them in ours, which takes precedence, in the informal "je" of the rest.
DJANGO_OVERRIDES = (
    gettext_noop(
        "Please enter a correct %(username)s and password. Note that both fields may be "
        "case-sensitive."
    ),
    gettext_noop("Your old password was entered incorrectly. Please enter it again."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("Your password can’t be entirely numeric."),
    gettext_noop("Your password can’t be too similar to your other personal information."),
    ngettext(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        2,
    ),
)

# A printf-style conversion as Python's % operator reads it, named or not; "%%" is a literal.
_PERCENT = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?(?P<type>[diouxXeEfFgGcrsa%])"
)
# A str.format field: "{name}", "{0}", "{name:>4}"; doubled braces are literals.
_BRACE = re.compile(r"(?<!\{)\{(?P<field>[^{}!:]*)(?:![rsa])?(?::[^{}]*)?\}(?!\})")


# polib forgives an unterminated string (it drops the last character); msgfmt does not.
_STRING = r'"(?:[^"\\]|\\.)*"'
_LINE = re.compile(rf"^\s*(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?{_STRING}\s*$")


class CatalogueError(Exception):
    """A catalogue cannot be compiled; each line of the message is ``file:line: problem``."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


def po_files(root: Path = LOCALE_DIR) -> list[Path]:
    """Every catalogue below ``root`` (``<language>/LC_MESSAGES/<domain>.po``)."""
    return sorted(root.glob("*/LC_MESSAGES/*.po"))


def mo_path(po: Path) -> Path:
    return po.with_suffix(".mo")


def is_stale(po: Path) -> bool:
    """True when the ``.mo`` is missing or older than its ``.po`` (two ``stat`` calls)."""
    try:
        return mo_path(po).stat().st_mtime < po.stat().st_mtime
    except FileNotFoundError:
        return True


FORMAT_FLAGS = ("python-format", "python-brace-format")


def placeholders(text: str, flags: Iterable[str] = FORMAT_FLAGS) -> Counter[str]:
    """The substitutions in ``text`` that a translation must keep, as a multiset.

    Named ones are keyed by name and conversion (``%(count)d``), unnamed ones by conversion
    only (``%s``), brace fields by field name (``{name}``).
    """
    found: Counter[str] = Counter()
    flags = set(flags)
    if "python-format" in flags:
        for match in _PERCENT.finditer(text):
            if match["type"] == "%":
                continue
            name = match["name"]
            found[f"%({name}){match['type']}" if name is not None else f"%{match['type']}"] += 1
    if "python-brace-format" in flags:
        for match in _BRACE.finditer(text):
            found["{" + match["field"] + "}"] += 1
    return found


def _format_flags(entry: polib.POEntry) -> list[str]:
    return [flag for flag in entry.flags if flag in FORMAT_FLAGS]


def _show(counter: Counter[str]) -> str:
    return ", ".join(sorted(counter.elements())) or "none"


def entry_problems(entry: polib.POEntry, nplurals: int | None) -> list[str]:
    """What is wrong with one translated entry (empty when it is fine)."""
    problems: list[str] = []
    flags = _format_flags(entry)
    if entry.msgid_plural:
        forms = entry.msgstr_plural
        if nplurals is not None and sorted(forms) != list(range(nplurals)):
            problems.append(f"has {len(forms)} plural forms, the header says {nplurals}")
        if not flags or not any(forms.values()):
            return problems
        singular = placeholders(entry.msgid, flags)
        plural = placeholders(entry.msgid_plural, flags)
        allowed = set(singular) | set(plural)
        for index, text in sorted(forms.items()):
            have = placeholders(text, flags)
            extra = set(have) - allowed
            if extra:
                problems.append(
                    f"msgstr[{index}] has placeholders not in msgid: {_show(Counter(extra))}"
                )
            elif index > 0 and set(have) != set(plural):
                problems.append(
                    f"msgstr[{index}] has {_show(have)}, msgid_plural has {_show(plural)}"
                )
    elif flags and entry.msgstr:
        want = placeholders(entry.msgid, flags)
        have = placeholders(entry.msgstr, flags)
        if want != have:
            problems.append(f"msgstr has placeholders {_show(have)}, msgid has {_show(want)}")
    return problems


def _nplurals(catalogue: polib.POFile) -> int | None:
    match = re.search(r"nplurals\s*=\s*(\d+)", catalogue.metadata.get("Plural-Forms", ""))
    return int(match.group(1)) if match else None


def _lexical_problems(po: Path) -> list[str]:
    """Lines that are neither blank, a comment, nor a keyword with one well-quoted string."""
    problems = []
    with po.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if line.strip() and not line.lstrip().startswith("#") and not _LINE.match(line):
                problems.append(f"{po}:{number}: not a well-formed PO line: {line.strip()[:60]}")
    return problems


def load(po: Path) -> polib.POFile:
    """Parse and check a catalogue; raise :class:`CatalogueError` with ``file:line`` lines."""
    try:
        lexical = _lexical_problems(po)
    except UnicodeDecodeError as error:
        raise CatalogueError([f"{po}: not UTF-8: {error.reason}"]) from None
    if lexical:
        raise CatalogueError(lexical)
    try:
        catalogue = polib.pofile(str(po), wrapwidth=0)
    except (OSError, UnicodeDecodeError) as error:
        line = re.search(r"\(line (\d+)\)", str(error))
        reason = re.sub(r"^Syntax error in po file .*?\(line \d+\):?\s*", "", str(error))
        where = f"{po}:{line.group(1)}" if line else str(po)
        raise CatalogueError([f"{where}: {reason or 'syntax error'}"]) from None
    nplurals = _nplurals(catalogue)
    problems: list[str] = []
    seen: dict[tuple[str | None, str], int | None] = {}
    for entry in catalogue:
        if entry.obsolete:
            continue
        key = (entry.msgctxt, entry.msgid)
        if key in seen:
            problems.append(
                f"{po}:{entry.linenum}: duplicate of the entry at line {seen[key]}: {entry.msgid!r}"
            )
            continue
        seen[key] = entry.linenum
        if "fuzzy" not in entry.flags:
            problems.extend(f"{po}:{entry.linenum}: {p}" for p in entry_problems(entry, nplurals))
    if problems:
        raise CatalogueError(problems)
    return catalogue


def compiled_bytes(po: Path) -> bytes:
    """The ``.mo`` content for ``po``: translated entries only (no fuzzy, no untranslated)."""
    binary: bytes = load(po).to_binary()
    return binary


def compile_catalogue(po: Path) -> Path:
    """Write ``po``'s ``.mo`` beside it, atomically, so a running server never reads half."""
    data = compiled_bytes(po)
    target = mo_path(po)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".mo.tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o644)
        # Never older than its .po, even one with a future timestamp: compiled means current.
        stamp = max(po.stat().st_mtime_ns, Path(temporary).stat().st_mtime_ns)
        os.utime(temporary, ns=(stamp, stamp))
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def ensure_compiled(root: Path = LOCALE_DIR) -> list[str]:
    """Compile missing or stale ``.mo`` files; return warnings instead of raising.

    For the console commands: an install without ``make`` still gets its translations, and
    a read-only install or a broken catalogue costs a warning, never a crash.
    """
    warnings: list[str] = []
    for po in po_files(root):
        if not is_stale(po):
            continue
        try:
            compile_catalogue(po)
        except CatalogueError as error:
            warnings.extend(error.problems)
        except OSError as error:
            warnings.append(f"{mo_path(po)}: cannot write: {error.strerror or error}")
    return warnings


def main(argv: Sequence[str] | None = None) -> int:
    """Compile the given catalogues (default: all); exit 1 with ``file:line`` on problems."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("po", nargs="*", type=Path, help="catalogues (default: all)")
    parser.add_argument("--stale", action="store_true", help="only missing or outdated .mo")
    parser.add_argument("--quiet", "-q", action="store_true")
    args = parser.parse_args(argv)
    catalogues: list[Path] = args.po or po_files()
    failed = False
    for po in catalogues:
        if args.stale and not is_stale(po):
            continue
        try:
            target = compile_catalogue(po)
        except CatalogueError as error:
            failed = True
            for problem in error.problems:
                print(problem, file=sys.stderr)  # noqa: T201
            continue
        except OSError as error:
            failed = True
            print(f"{po}: {error.strerror or error}", file=sys.stderr)  # noqa: T201
            continue
        if not args.quiet:
            print(f"compiled {target}")  # noqa: T201
    return 1 if failed else 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
