"""What the import's report calls fields, dates and skipped records, in the user's language.

One place for the web pages (views, forms) and the command line (cli_import), so a conflict
reads "family name: kept “Nieuw”" and "birthday: 15 April 1980" wherever it is shown. It
imports only Django's translation and formatting helpers (the Person model lazily), so any
module can import it without a cycle.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# What a restore of a JSON export counts, by the document's section names (web and CLI).
RESTORED_LABELS: dict[str, Promise] = {
    "people": _("people"),
    "contact_methods": _("emails, phones and profiles"),
    "addresses": _("addresses"),
    "important_dates": _("important dates"),
    "photos": _("photos"),
    "photos_missing": _("photos missing from the export"),
    "tags": _("tags"),
    "relationships": _("relationships"),
    "interactions": _("conversations"),
    "notes": _("notes"),
    "moments": _("moments"),
    "follow_ups": _("follow-ups"),
    "circles": _("circles"),
    "rhythms": _("keep-in-touch rhythms"),
    "agenda_settings": _("agenda settings"),
    "cards": _("cards"),
    "card_season": _("card season settings"),
    "check_in_rounds": _("check-in rounds"),
    "check_ins": _("people in check-in rounds"),
    "check_in_steps": _("check-in steps"),
    "appreciation_nudges": _("appreciation suggestions"),
}


def restored_label(key: str) -> str:
    """A restore count's name; an unknown section reads as its key with spaces."""
    label = RESTORED_LABELS.get(key)
    return str(label) if label is not None else key.replace("_", " ")


# What each field a CSV column can map to is called (the mapping page, conflicts, matches).
FIELD_LABELS: dict[str, Promise] = {
    "full_name": _("full name"),
    "given_name": _("given name"),
    "particles": _("particles (van, de, …)"),
    "family_name": _("family name"),
    "nickname": _("nickname"),
    "name_prefix": _("name prefix (Dr., …)"),
    "name_suffix": _("name suffix (Jr., …)"),
    "organisation": _("organisation"),
    "department": _("department"),
    "job_title": _("job title"),
    "email": _("email"),
    "phone": _("phone"),
    "website": _("website"),
    "social": _("social profile"),
    "street": _("street"),
    "postal_code": _("postal code"),
    "city": _("city"),
    "region": _("region"),
    "country": _("country"),
    "birthday": _("birthday"),
    "anniversary": _("anniversary"),
    "note": _("note"),
    "tags": _("tags"),
    "met_on": _("met on (date)"),
    "met_at": _("where we met"),
    "time_zone": _("time zone"),
    "pronouns": _("pronouns"),
}

# Beyond the mapping's fields: Person's own fields and the kinds of important dates a match
# adds to or differs in.
EXTRA_FIELD_LABELS: dict[str, Promise] = {
    "address": _("address"),
    "photo": _("photo"),
    "tag": _("tag"),
    "uid": _("vCard UID"),
    "custom": _("other date"),
    "gender": _("gender"),
    "how_we_met": _("how we met"),
}

# Problems a reader reports for a record it skips on purpose, not because it is broken: the
# pages and the command line list them apart from "could not be read".
SKIPPED_ON_PURPOSE: dict[str, Promise] = {
    "group": _("contact groups"),
}


def field_label(name: str) -> str:
    """The mapping page's label of a field (the raw name for one it does not know)."""
    return str(FIELD_LABELS.get(name, name))


def any_field_label(name: str) -> str:
    """A translated label for a field name from a report: mapping labels, then the person's
    own field names, then the raw name with spaces (never ``family_name``)."""
    if name in FIELD_LABELS:
        return str(FIELD_LABELS[name])
    if name in EXTRA_FIELD_LABELS:
        return str(EXTRA_FIELD_LABELS[name])
    from aandacht.people.models import Person

    try:
        field = Person._meta.get_field(name)
    except FieldDoesNotExist:
        return name.replace("_", " ")
    return str(getattr(field, "verbose_name", name)).replace("_", " ")


_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_NO_YEAR = re.compile(r"^--(\d{2})-?(\d{2})$")


def display_value(value: Any) -> str:
    """A value from a report as the rest of the app shows it: dates as "15 April 1980", a
    date without a year as "15 April"."""
    text = "" if value is None else str(value)
    try:
        if found := _ISO_DATE.match(text):
            year, month, day = (int(part) for part in found.groups())
            return date_format(dt.date(year, month, day), "j F Y")
        if found := _NO_YEAR.match(text):
            month, day = (int(part) for part in found.groups())
            return date_format(dt.date(2000, month, day), "j F")  # a leap year: 29 February
    except ValueError:
        pass  # not a real date: shown as it is
    return text


def is_skipped_on_purpose(problem: Mapping[str, Any]) -> bool:
    """A report's problem (``{"code", …}``) for a record left out by design (a contact group)."""
    return str(problem.get("code", "")) in SKIPPED_ON_PURPOSE


def skipped_on_purpose(problems: Iterable[Mapping[str, Any]]) -> list[tuple[str, int]]:
    """``[("contact groups", 1)]``: what was left out on purpose, by kind, in a fixed order."""
    counts: dict[str, int] = {}
    for problem in problems:
        code = str(problem.get("code", ""))
        if code in SKIPPED_ON_PURPOSE:
            counts[code] = counts.get(code, 0) + 1
    return [
        (str(SKIPPED_ON_PURPOSE[code]), counts[code])
        for code in SKIPPED_ON_PURPOSE
        if code in counts
    ]
