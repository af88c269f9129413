"""vCard cards → import :class:`~aandacht.exchange.records.Record` (pure; no Django models).

:func:`records_from_vcards` streams a file through :func:`aandacht.exchange.vcard.iter_cards`, so a
100,000-card file never sits in memory. Every card becomes a :class:`Record` numbered by its
position in the file (1-based), or a :class:`Problem` with that number:

* a :class:`~aandacht.exchange.vcard.ReadError` keeps its ``code`` (``no_end``, ``nameless``,
  ``not_a_property``, ``unreadable``); its ``reason`` is translated by that code and ends with
  the line number, "(line 14)" (it never starts with its place: the caller adds "Card 3").
  ``not_a_property`` only means one line was skipped: the card itself still follows as a
  Record with the same number. Lines outside any card (``outside``) are reported with record 0;
* ``group``: an Apple contact group (``X-ADDRESSBOOKSERVER-KIND:group``) or ``KIND:group`` is a
  list of members, not a person;
* ``empty``: nothing to store (``N:;;;;`` and nothing else).

How a card maps (the choices vCard leaves open):

* Names come from N. A family name that starts with particles ("van der Berg", "de Vries") or
  ends with them phone-book style ("Berg, van der") is split into particles and family name;
  particles typed as the middle name (Outlook: ``N:Berg;Jan;van der;;``) or only present in FN
  (``N:Berg;Jan`` with ``FN:Jan van der Berg``) are recovered, and a whole name with particles
  in the given name (``N:;Jan van der Berg;;;``) is split. Additional names follow the given
  name. Prefixes are joined with spaces ("Prof. Dr."), suffixes with commas ("Jr., M.D.").
  Without names in N, FN is split with :func:`aandacht.people.names.split_name`, unless the card
  is an organisation (``KIND:org``, Apple's ``X-ABShowAs:COMPANY``, or FN equal to ORG) or FN is
  just an email address: then only the organisation (or nickname) names it.
* ORG's first component is the organisation, the others the department ("Sales, East");
  TITLE (else ROLE) the job title.
* Contact labels are short English words, the way the person page suggests them: "work",
  "home", "mobile", "work fax", "iPhone", … from TYPE in every spelling (``TYPE=WORK,VOICE``,
  ``TYPE=work;TYPE=cell``, 2.1's bare ``;CELL;``); an ``X-ABLabel`` wins over TYPE (Apple's
  ``_$!<Mobile>!$_`` is mapped like a type, Google's ``GRAND_CENTRAL`` becomes "grand
  central", anything else is kept as written, "Home" and "XMPP" with their capitals). A
  grouped BDAY or ANNIVERSARY takes its X-ABLabel as the date's label. Capabilities (voice,
  text, internet, pref, …) are not labels.
* URLs to LinkedIn, X/Twitter, GitHub, Mastodon, Bluesky, Instagram and Facebook become social
  profiles (:func:`aandacht.people.contact.parse_social`); X-SOCIALPROFILE takes its service
  from the URL or its TYPE (Apple's ``x-apple:handle`` becomes the service's profile URL); IMPP
  and the old IM properties (X-SKYPE, X-AIM, X-JABBER, …) become social profiles labelled with
  the service ("Skype").
* ADR: street, then the extended address, then the PO box, one line each ("\\n"): the street
  keeps its line breaks.
  A vCard 2.1/3.0 LABEL (a formatted address) becomes an address with its text in the street
  only when no ADR covers it (an ADR with the same label, or whose street or city is in it).
* BDAY, ANNIVERSARY (X-ANNIVERSARY, X-MS-ANNIVERSARY, X-EVOLUTION-ANNIVERSARY, Apple's
  X-ABDATE labelled Anniversary), other X-ABDATE as custom dates with their label. Yearless
  dates keep no year; dates without month or day are dropped.
* An inline photo is kept only when its bytes are JPEG, PNG, GIF or WebP (the rule of
  :func:`aandacht.people.editing.sniff_image`); a photo by URI is skipped (nothing is fetched).
* PRONOUNS (RFC 9554) or X-PRONOUNS → pronouns.
* CATEGORIES are tags: trimmed, split on unescaped commas only (``klant\\, groot`` is one tag;
  Thunderbird's cards, which escape the commas between tags, are split on those too),
  duplicates and Google's system group "myContacts" dropped. TZ is kept only when it is an
  IANA name.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Iterable, Iterator
from functools import cache, lru_cache
from typing import IO
from urllib.parse import urlsplit

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aandacht.exchange import vcard
from aandacht.exchange.records import (
    DateKindName,
    Problem,
    Record,
    RecordAddress,
    RecordContact,
    RecordDate,
    RecordPhoto,
)
from aandacht.people import names
from aandacht.people.contact import parse_social

__all__ = ["image_type", "problem_from_error", "record_from_card", "records_from_vcards"]


def records_from_vcards(stream: IO[bytes] | Iterable[bytes] | bytes) -> Iterator[Record | Problem]:
    """Every card of a vCard file as a Record, or a Problem saying which card and line."""
    source: Iterable[bytes] | IO[bytes] = [bytes(stream)] if isinstance(stream, bytes) else stream
    for item in vcard.iter_cards(source):
        if isinstance(item, vcard.ReadError):
            yield problem_from_error(item)
        else:
            yield record_from_card(item)


def problem_from_error(error: vcard.ReadError) -> Problem:
    """The reader's error, translated, with its card number (0: lines outside any card).

    The reason never starts with its place (the web and the CLI put "Card 3" in front); the
    physical line comes last, "… (line 14)", to find it in the file.
    """
    return Problem(
        record=error.card_number or 0,
        code=error.code or "unreadable",
        reason=at_line(_error_message(error), error.line),
    )


def at_line(message: str, line: int) -> str:
    """ "the card has no END:VCARD (line 14)": the place in the file as the reason's last clause."""
    return _("%(reason)s (line %(line)d)") % {"reason": message, "line": line}


def _error_message(error: vcard.ReadError) -> str:
    """The reader's English reason in the user's language, by its stable code."""
    code, detail = error.code, error.detail
    if code == "outside":
        count = int(detail) if detail.isdigit() else 1
        return ngettext(
            "%(count)d line outside BEGIN:VCARD … END:VCARD was ignored",
            "%(count)d lines outside BEGIN:VCARD … END:VCARD were ignored",
            count,
        ) % {"count": count}
    if code == "not_a_property":
        return _("a line that is no vCard property was skipped: “%(text)s”") % {"text": detail}
    if code == "nameless":
        return _("the card has no name, email address or phone number")
    if code == "no_end" and detail == "next":
        return _("the card has no END:VCARD before the next BEGIN:VCARD")
    if code == "no_end":
        return _("the card has no END:VCARD (the file ends inside it)")
    if detail:
        return _("the card's %(name)s could not be read") % {"name": detail}
    return _("the card could not be read")


def record_from_card(card: vcard.Card) -> Record | Problem:
    """One card as a Record; a contact group or a card with nothing to store is a Problem."""
    if card.kind == "group":
        if card.formatted_name:
            message = _("the card is the contact group “%(name)s”, not a person; skipped") % {
                "name": card.formatted_name
            }
        else:
            message = _("the card is a contact group, not a person; skipped")
        return Problem(card.number, "group", at_line(message, card.line))
    extras = list(vcard.extra_properties(card)) if card.extra else []
    record = Record(number=card.number, uid=card.uid)
    _names(card, extras, record)
    record.nickname = card.nickname
    record.organisation = card.organisation
    record.department = ", ".join(s for s in card.departments if s)
    record.job_title = (card.title or card.role).strip()
    record.contacts = _contacts(card, extras)
    record.addresses = _addresses(card, extras)
    record.dates = _dates(card, extras)
    record.bad_dates = _bad_dates(extras)
    record.photo = _photo(card.photo)
    record.note = _with_related_names(card.note.strip(), extras)
    record.tags = _tags(card.categories, split_escaped=_from_thunderbird(card))
    record.pronouns = next(
        (p.text.strip() for p in extras if p.name in ("PRONOUNS", "X-PRONOUNS")), ""
    )
    if card.time_zone in _time_zones():
        record.time_zone = card.time_zone
    if record.is_empty():
        message = _(
            "the card has nothing to import: no name, organisation, contact detail, address, "
            "date or note"
        )
        return Problem(card.number, "empty", at_line(message, card.line))
    return record


# Names -----------------------------------------------------------------------------------------


def _names(card: vcard.Card, extras: list[vcard.ExtraProperty], record: Record) -> None:
    record.name_prefix = " ".join(_list(card.prefixes))
    record.name_suffix = ", ".join(_list(card.suffixes))
    given = card.given.strip()
    additional = " ".join(_list(card.additional))
    family = card.family.strip()
    if (given or family or additional) and not _names_the_organisation(card, extras):
        particles, family = _family_particles(family)
        if not particles and additional and family and _all_particles(additional):
            particles, additional = additional, ""  # Outlook: particles as the middle name
        fn = card.formatted_name
        if (
            not particles
            and not additional
            and given
            and family
            and len(fn.split()) > len(given.split()) + len(family.split())
        ):
            found = names.split_with_family(fn, family)
            if found.particles and names.fold(found.given) == names.fold(given):
                particles = found.particles  # N:Berg;Jan with FN:Jan van der Berg
        if given and not family and not additional:
            # the whole name in the given name (some phones): split it only when it has
            # particles, so "Mary Ann" stays a given name
            whole = names.split_name(given)
            if whole.particles and whole.family:
                given, particles, family = whole
        record.given_name = " ".join(s for s in (given, additional) if s)
        record.particles = particles
        record.family_name = family
        return
    fn = card.formatted_name
    if not fn or _is_organisation(card, extras) or ("@" in fn and " " not in fn.strip()):
        return
    parts = names.split_name(fn)
    record.given_name, record.particles, record.family_name = parts


def _list(text: str) -> list[str]:
    """N components may hold several values separated by commas (RFC 6350 §6.2.2)."""
    return [s.strip() for s in text.split(",") if s.strip()]


def _is_particle(word: str) -> bool:
    """:func:`names.is_particle`, without folding the (many) plain ASCII words that are none."""
    low = word.lower()
    if low in names.PARTICLE_WORDS:
        return True
    return False if low.isascii() else names.is_particle(word)


def _all_particles(text: str) -> bool:
    return all(_is_particle(word) for word in text.split())


def _family_particles(family: str) -> tuple[str, str]:
    """("van der", "Berg") from "van der Berg" or "Berg, van der"; ("", family) otherwise."""
    if "," in family:
        main, _comma, tail = family.partition(",")
        if tail.strip() and main.strip() and _all_particles(tail):
            return " ".join(tail.split()), main.strip()
    words = family.split()
    end = 0
    while end < len(words) - 1 and _is_particle(words[end]):
        end += 1
    return " ".join(words[:end]), " ".join(words[end:])


def _names_the_organisation(card: vcard.Card, extras: list[vcard.ExtraProperty]) -> bool:
    """Apple company cards may carry the company's name in N too ("N:Inc.;Test")."""
    if not card.organisation or not _marked_organisation(card, extras):
        return False
    org = names.fold(card.organisation)
    return org in (
        names.fold(f"{card.given} {card.family}"),
        names.fold(f"{card.family} {card.given}"),
    )


def _marked_organisation(card: vcard.Card, extras: list[vcard.ExtraProperty]) -> bool:
    """vCard 4.0 ``KIND:org`` or Apple's ``X-ABShowAs:COMPANY``."""
    if card.kind == "org":
        return True
    return any(p.name == "X-ABSHOWAS" and p.text.strip().upper() == "COMPANY" for p in extras)


def _is_organisation(card: vcard.Card, extras: list[vcard.ExtraProperty]) -> bool:
    if _marked_organisation(card, extras):
        return True
    return bool(card.organisation) and names.fold(card.organisation) == names.fold(
        card.formatted_name
    )


# Labels ----------------------------------------------------------------------------------------

_PLACES = {"home": "home", "work": "work", "other": "other", "school": "school"}
_DEVICES = {
    "cell": "mobile",
    "mobile": "mobile",
    "iphone": "iPhone",
    "fax": "fax",
    "pager": "pager",
    "main": "main",
    "main-number": "main",
    "car": "car",
    "textphone": "textphone",
    "isdn": "ISDN",
    "assistant": "assistant",
    "callback": "callback",
}
# Capabilities and address flags, not names a person would give a phone number or address.
_NOT_LABELS = frozenset(
    "pref voice text msg video internet x400 uri postal parcel dom intl bbs modem"
    " aol applelink attmail cis eworld ibmmail mcimail powershare prodigy tlx".split()
)
# Apple's built-in labels (``_$!<HomeFAX>!$_``) and their words.
_APPLE_LABELS = {
    "homefax": "home fax",
    "workfax": "work fax",
    "otherfax": "other fax",
    "homepage": "homepage",
    "assistantphone": "assistant",
    "applewatch": "Apple Watch",
}
# Google's system label words without an underscore (HOME_PAGE, GRAND_CENTRAL have one); other
# capitals ("XMPP", "KPN") are someone's own label and kept.
_GOOGLE_WORDS = frozenset({"PROFILE", "BLOG", "FTP", "OTHER", "CUSTOM"})
_SERVICE_NAMES = frozenset(
    "twitter x linkedin github mastodon bluesky instagram facebook flickr myspace sinaweibo"
    " tencentweibo yelp gamecenter".split()
)


@lru_cache(maxsize=512)
def _label_from_types(types: tuple[str, ...]) -> str:
    places: list[str] = []
    devices: list[str] = []
    others: list[str] = []
    for raw in types:
        word = raw.lower().removeprefix("x-")
        if word in _NOT_LABELS or word in _SERVICE_NAMES:
            continue
        if word in _PLACES:
            places.append(_PLACES[word])
        elif word in _DEVICES:
            devices.append(_DEVICES[word])
        elif word:
            others.append(word)
    if "iPhone" in devices:
        devices = ["iPhone"]  # Apple writes TYPE=IPHONE;TYPE=CELL for the iPhone number
    words = list(dict.fromkeys(places + devices + others))
    return " ".join(words)


@lru_cache(maxsize=512)
def _clean_label(label: str, builtin: bool = False) -> str:
    """An X-ABLabel as a person would write it.

    Apple's built-in labels (``_$!<Home>!$_``, *builtin*) become the app's own words ("home",
    "work fax"); a label someone typed keeps its case ("Home", "XMPP"), so an export of ours
    comes back as it was. Google's ALL_CAPS system words are made readable.
    """
    text = label.strip()
    if builtin:
        key = text.lower().replace(" ", "")
        if key in _APPLE_LABELS:
            return _APPLE_LABELS[key]
        if key in _PLACES or key in _DEVICES:
            return _label_from_types((key,))
    if builtin or "_" in text or text in _GOOGLE_WORDS:
        if re.fullmatch(r"[A-Z][A-Z_]+", text):  # Google's GRAND_CENTRAL, PROFILE, BLOG
            return text.replace("_", " ").lower()
    return text


def _label(value: vcard.Value | vcard.Address) -> str:
    if value.label:
        return _clean_label(value.label, value.builtin_label)
    return _label_from_types(tuple(value.types))


# Contacts --------------------------------------------------------------------------------------

# Old instant-messaging properties (Google, Evolution, Outlook) and the service they name.
_IM_PROPERTIES = {
    "X-AIM": "AIM",
    "X-ICQ": "ICQ",
    "X-JABBER": "Jabber",
    "X-MSN": "MSN",
    "X-YAHOO": "Yahoo",
    "X-SKYPE": "Skype",
    "X-SKYPE-USERNAME": "Skype",
    "X-GTALK": "Google Talk",
    "X-GOOGLE-TALK": "Google Talk",
    "X-QQ": "QQ",
    "X-GADUGADU": "Gadu-Gadu",
    "X-MS-IMADDRESS": "IM",
}
# The IMPP scheme's label that an old IM property (X-SKYPE) duplicates when both are written.
_LEGACY_SCHEME_LABEL = {
    "X-SKYPE": "Skype",
    "X-SKYPE-USERNAME": "Skype",
    "X-JABBER": "XMPP",
    "X-GTALK": "XMPP",
    "X-GOOGLE-TALK": "XMPP",
    "X-AIM": "AIM",
    "X-ICQ": "ICQ",
    "X-MSN": "MSN",
    "X-YAHOO": "Yahoo",
}
_IMPP_SCHEMES = {
    "xmpp": "XMPP",
    "skype": "Skype",
    "sip": "SIP",
    "aim": "AIM",
    "ymsgr": "Yahoo",
    "msnim": "MSN",
    "icq": "ICQ",
    "irc": "IRC",
    "gtalk": "Google Talk",
    "facetime": "FaceTime",
    "x-apple": "iMessage",
    "matrix": "Matrix",
    "signal": "Signal",
    "whatsapp": "WhatsApp",
    "telegram": "Telegram",
}
# Profile URLs of services that parse_social does not know, but that share Mastodon's
# ``host/@user`` shape: they are websites.
_NOT_MASTODON = frozenset(
    "youtube.com www.youtube.com m.youtube.com tiktok.com www.tiktok.com medium.com"
    " threads.net www.threads.net".split()
)
_PROFILE_URLS = {
    "twitter": "https://x.com/{}",
    "x": "https://x.com/{}",
    "linkedin": "https://www.linkedin.com/in/{}",
    "github": "https://github.com/{}",
    "instagram": "https://www.instagram.com/{}",
    "facebook": "https://www.facebook.com/{}",
    "bluesky": "https://bsky.app/profile/{}",
}


def _contacts(card: vcard.Card, extras: list[vcard.ExtraProperty]) -> list[RecordContact]:
    contacts = [RecordContact("email", v.value, _label(v)) for v in card.emails]
    contacts += [RecordContact("phone", v.value, _label(v)) for v in card.phones]
    contacts += [_url(v) for v in card.urls]
    contacts += [_social_profile(v) for v in card.socials]
    for v in card.impps:
        scheme = v.value.partition(":")[0].lower() if ":" in v.value else ""
        label = (
            _clean_label(v.label, v.builtin_label) if v.label else _IMPP_SCHEMES.get(scheme, scheme)
        )
        contacts.append(RecordContact("social", v.value, label or _label(v), "other"))
    # A 3.0 export (ours, Android's) writes X-SKYPE:anna next to IMPP:skype:anna: one account.
    impp_handles = {
        (_IMPP_SCHEMES.get(scheme.lower(), ""), handle.strip().casefold())
        for v in card.impps
        for scheme, _colon, handle in [v.value.partition(":")]
    }
    for p in extras:
        service_label = _IM_PROPERTIES.get(p.name)
        if service_label and p.text.strip():
            if (_LEGACY_SCHEME_LABEL.get(p.name, ""), p.text.strip().casefold()) in impp_handles:
                continue
            contacts.append(RecordContact("social", p.text.strip(), service_label, "other"))
        elif p.name == "X-TWITTER" and p.text.strip():
            handle = p.text.strip().lstrip("@")
            contacts.append(RecordContact("social", f"https://x.com/{handle}", "", "twitter"))
    return contacts


def _known_service(url: str) -> str:
    service, _handle = parse_social(url)
    if service == "mastodon":
        host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
        if host.lower() in _NOT_MASTODON:
            return "other"
    return service


def _url(value: vcard.Value) -> RecordContact:
    service = _known_service(value.value)
    if service != "other":
        return RecordContact("social", value.value, _label(value), service)
    return RecordContact("website", value.value, _label(value))


def _social_profile(value: vcard.Value) -> RecordContact:
    """X-SOCIALPROFILE (Apple, Google): the service from the URL, else from TYPE."""
    text = value.value
    service = _known_service(text)
    typed = next((t for t in value.types if t in _SERVICE_NAMES), "")
    if service == "other" and typed:
        handle = text.split(":", 1)[1] if text.lower().startswith("x-apple:") else text
        handle = handle.strip().lstrip("@")
        typed = "twitter" if typed == "x" else typed
        if typed in _PROFILE_URLS and "/" not in handle:
            text = _PROFILE_URLS[typed].format(handle)
            service = typed
        elif typed in ("mastodon", "bluesky"):
            service = typed
    label = _clean_label(value.label, value.builtin_label) if value.label else ""
    if service == "other" and not label and typed:
        label = typed.capitalize()
    return RecordContact("social", text, label, service)


# Addresses -------------------------------------------------------------------------------------


def _lines(text: str) -> list[str]:
    return [s.strip().rstrip(",").strip() for s in text.splitlines() if s.strip().rstrip(",")]


def _addresses(card: vcard.Card, extras: list[vcard.ExtraProperty]) -> list[RecordAddress]:
    addresses: list[RecordAddress] = []
    for a in card.addresses:
        # The Address model keeps a street of several lines ("Oudegracht 12\nachterhuis").
        street = "\n".join(_lines(a.street) + _lines(a.extended) + _lines(a.po_box))
        address = RecordAddress(
            label=_label(a),
            street=street,
            postal_code=a.postal_code,
            locality=a.locality,
            region=a.region,
            country=a.country,
        )
        if address.is_empty() and a.delivery_label:
            address.street = ", ".join(_lines(a.delivery_label))
        if not address.is_empty():
            addresses.append(address)
    for p in extras:
        if p.name != "LABEL":
            continue
        text = ", ".join(_lines(p.text))
        label = (
            _clean_label(p.label, p.builtin_label)
            if p.label
            else _label_from_types(tuple(p.types()))
        )
        if text and not _covered(text, label, addresses):
            addresses.append(RecordAddress(label=label, street=text))
    return addresses


def _covered(text: str, label: str, addresses: list[RecordAddress]) -> bool:
    """Whether a formatted LABEL only repeats an ADR of the same card (Outlook writes both)."""
    folded = names.fold(text)
    for a in addresses:
        if label and a.label == label:
            return True
        first_line = a.street.splitlines()[0].split(",")[0] if a.street else ""
        parts = [first_line] if first_line else [a.postal_code, a.locality]
        if any(parts) and all(names.fold(part) in folded for part in parts if part):
            return True
    return False


# Dates -----------------------------------------------------------------------------------------

_ANNIVERSARY_PROPERTIES = frozenset(
    {"X-MS-ANNIVERSARY", "X-EVOLUTION-ANNIVERSARY", "X-KADDRESSBOOK-X-ANNIVERSARY"}
)


def _record_date(kind: str, date: vcard.PartialDate | None, label: str = "") -> RecordDate | None:
    if date is None or date.month is None or date.day is None:
        return None  # a year alone, or a month alone, is no yearly date
    if kind == "birthday":
        return RecordDate("birthday", date.month, date.day, date.year, label)
    if kind == "anniversary":
        return RecordDate("anniversary", date.month, date.day, date.year, label)
    return RecordDate("custom", date.month, date.day, date.year, label)


def _dates(card: vcard.Card, extras: list[vcard.ExtraProperty]) -> list[RecordDate]:
    dates = [
        d
        for d in (
            _record_date("birthday", card.birthday, _date_label(card.birthday_label)),
            _record_date("anniversary", card.anniversary, _date_label(card.anniversary_label)),
        )
        if d is not None
    ]
    for p in extras:
        if p.name != "X-ABDATE" and p.name not in _ANNIVERSARY_PROPERTIES:
            continue
        omit = p.params.get("X-APPLE-OMIT-YEAR")
        date = vcard.parse_date(p.text, omit[0] if omit else None)
        label = _clean_label(p.label, p.builtin_label) if p.label else ""
        kind = label.lower() if label.lower() in ("birthday", "anniversary") else "custom"
        if p.name in _ANNIVERSARY_PROPERTIES:
            kind = "anniversary"
        found = _record_date(kind, date, "" if kind != "custom" else label)
        if found is not None and found not in dates:
            dates.append(found)  # Evolution repeats ANNIVERSARY in its own property
    return dates


_DATE_SHAPE = re.compile(r"^\s*(?:\d{4}-?\d{2}-?\d{2}|--\d{2}-?\d{2})(?:T.*)?\s*$")


def _bad_dates(extras: list[vcard.ExtraProperty]) -> list[tuple[DateKindName, str]]:
    """Dates written as dates that are none ("1980-02-30", "--0230"): the importer warns."""
    found: list[tuple[DateKindName, str]] = []
    for p in extras:
        if p.name == "BDAY":
            kind: DateKindName = "birthday"
        elif p.name in ("ANNIVERSARY", "X-ANNIVERSARY", *_ANNIVERSARY_PROPERTIES):
            kind = "anniversary"
        elif p.name == "X-ABDATE":
            label = (_clean_label(p.label, p.builtin_label) if p.label else "").lower()
            kind = label if label in ("birthday", "anniversary") else "custom"  # type: ignore[assignment]
        else:
            continue
        if not _DATE_SHAPE.match(p.text):
            continue
        omit = p.params.get("X-APPLE-OMIT-YEAR")
        if vcard.parse_date(p.text, omit[0] if omit else None) is None:
            found.append((kind, p.text.strip()))
    return found


# Related names -----------------------------------------------------------------------------

# Apple's built-in relations (``_$!<Spouse>!$_``) and vCard 4.0 RELATED types (RFC 6350), by
# their lowercase word; anything else is shown as written.
_RELATIONS = {
    "spouse": "spouse",
    "partner": "partner",
    "sweetheart": "partner",
    "child": "child",
    "son": "child",
    "daughter": "child",
    "parent": "parent",
    "mother": "mother",
    "father": "father",
    "sibling": "sibling",
    "brother": "brother",
    "sister": "sister",
    "friend": "friend",
    "assistant": "assistant",
    "manager": "manager",
    "co-worker": "colleague",
    "colleague": "colleague",
}
# Old single-relation properties (Thunderbird add-ons, Outlook, Evolution).
_RELATION_PROPERTIES = {
    "X-SPOUSE": "spouse",
    "X-MS-SPOUSE": "spouse",
    "X-EVOLUTION-SPOUSE": "spouse",
    "X-ASSISTANT": "assistant",
    "X-MS-ASSISTANT": "assistant",
    "X-EVOLUTION-ASSISTANT": "assistant",
    "X-MANAGER": "manager",
    "X-MS-MANAGER": "manager",
    "X-EVOLUTION-MANAGER": "manager",
}


def _relation_label(word: str) -> str:
    """The relation in the user's language ("Partner"), or the custom label as written."""
    labels = {
        "spouse": _("Spouse"),
        "partner": _("Partner"),
        "child": _("Child"),
        "parent": _("Parent"),
        "mother": _("Mother"),
        "father": _("Father"),
        "sibling": _("Sibling"),
        "brother": _("Brother"),
        "sister": _("Sister"),
        "friend": _("Friend"),
        "assistant": _("Assistant"),
        "manager": _("Manager"),
        "colleague": _("Colleague"),
    }
    return labels.get(_RELATIONS.get(word.strip().lower(), ""), word.strip())


def _related_names(extras: list[vcard.ExtraProperty]) -> list[str]:
    """Apple's X-ABRELATEDNAMES and 4.0's ``RELATED;VALUE=text`` as note lines, "Spouse: Anne".

    The app has no field for them; a line in the imported note keeps them in sight. A RELATED
    that is a URI (``urn:uuid:…``) points at another card and says no name: left out.
    """
    found: list[str] = []
    for p in extras:
        name = " ".join(p.text.split())
        if not name:
            continue
        if p.name == "X-ABRELATEDNAMES":
            relation = p.label
        elif p.name == "RELATED":
            is_text = any(v.lower() == "text" for v in p.params.get("VALUE", ()))
            if not is_text and re.match(r"^[a-z][a-z0-9+.-]*:", name, re.IGNORECASE):
                continue
            relation = next((t for t in p.types() if t not in ("pref",)), "")
        elif p.name in _RELATION_PROPERTIES:
            relation = _RELATION_PROPERTIES[p.name]
        else:
            continue
        label = _relation_label(relation) if relation else _("Related")
        found.append(_("%(relation)s: %(name)s") % {"relation": label, "name": name})
    return list(dict.fromkeys(found))


def _with_related_names(note: str, extras: list[vcard.ExtraProperty]) -> str:
    """The card's note with its related names after it, each once: importing the card again,
    or our export of the person (whose note already holds them), adds nothing."""
    have = set(note.splitlines())
    lines = [line for line in _related_names(extras) if line not in have]
    if not lines:
        return note
    return "\n\n".join(part for part in (note, "\n".join(lines)) if part)


# Photo, tags, time zone ------------------------------------------------------------------------

# The signatures of aandacht.people.editing.sniff_image (kept here so this module needs no
# Django models): the image types a browser shows; SVG is refused, it can carry scripts.
_IMAGE_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def image_type(data: bytes) -> str | None:
    """The MIME type of a JPEG, PNG, GIF or WebP image from its bytes, else None."""
    for signature, mime in _IMAGE_SIGNATURES:
        if data.startswith(signature):
            return mime
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def _photo(photo: vcard.Photo | None) -> RecordPhoto | None:
    if photo is None or not photo.data:
        return None  # none, or a URI: nothing is fetched from the internet
    # Bytes that are no image the browser shows are still handed on: the importer says so.
    return RecordPhoto(photo.data, image_type(photo.data) or "")


# Google puts every contact in "myContacts" (Android calls it "My Contacts"): not a tag.
_SYSTEM_GROUPS = frozenset({"mycontacts", "my contacts"})


def _tags(categories: list[str], *, split_escaped: bool = False) -> list[str]:
    """CATEGORIES as tags: the reader split them on unescaped commas; "klant\\, groot" is one
    tag. Only Thunderbird escapes the commas between its categories (*split_escaped*)."""
    tags: dict[str, str] = {}
    for category in categories:
        for part in category.split(",") if split_escaped else [category]:
            tag = " ".join(part.split())
            key = tag.casefold()
            if tag and key not in tags and key not in _SYSTEM_GROUPS:
                tags[key] = tag
    return list(tags.values())


def _from_thunderbird(card: vcard.Card) -> bool:
    """Thunderbird (PRODID ``-//Mozilla.org/…Thunderbird``, or its add-ons' ``CATEGORIES;
    CHARSET=UTF-8``) writes ``CATEGORIES:a\\, b`` for two tags; our export never does either."""
    return card.categories_charset or any(
        line[:7].upper() == "PRODID:" and "mozilla" in line.lower() for line in card.extra
    )


def _date_label(label: str) -> str:
    """A grouped BDAY's own X-ABLabel ("geboortedag"); Apple's word for the kind itself is none."""
    text = label.strip()
    return "" if text.lower() in ("birthday", "anniversary") else text


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())
