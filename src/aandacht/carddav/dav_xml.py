"""WebDAV XML in and out: safe parsing of request bodies, fast string building of answers.

Requests are parsed with defusedxml (no entities, no external references: an entity bomb is
a 400, never a hung worker). Answers are built as strings with a fixed set of prefixes,
because a multistatus of ten thousand cards built element by element costs far more than
the few string joins it really is.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # noqa: S405 (only for building and typing; parsing is defusedxml)
from collections.abc import Callable, Iterable
from http import HTTPStatus
from xml.sax.saxutils import escape as _escape

import defusedxml.ElementTree as SafeET  # type: ignore[import-untyped]
from defusedxml import DefusedXmlException
from django.http import HttpResponse

DAV = "DAV:"
CARD = "urn:ietf:params:xml:ns:carddav"
CS = "http://calendarserver.org/ns/"
PREFIXES = {DAV: "D", CARD: "C", CS: "CS"}
NAMESPACE_DECLARATIONS = " ".join(f'xmlns:{p}="{ns}"' for ns, p in PREFIXES.items())
XML_HEADER = '<?xml version="1.0" encoding="utf-8"?>\n'
XML_CONTENT_TYPE = "application/xml; charset=utf-8"
# Request bodies of PROPFIND and REPORT: a multiget of thousands of hrefs fits easily.
MAX_XML_BODY = 4 * 1024 * 1024


class DavError(Exception):
    """A request the server refuses: an HTTP status, a plain message and, for preconditions,
    the element the ``<D:error>`` body names (a Clark name such as ``{DAV:}valid-sync-token``)."""

    def __init__(self, status: int, message: str, condition: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.condition = condition

    def response(self) -> HttpResponse:
        if self.condition:
            body = (
                f"{XML_HEADER}<D:error {NAMESPACE_DECLARATIONS}>{empty(self.condition)}"
                f"<D:responsedescription>{escape(self.message)}</D:responsedescription>"
                "</D:error>"
            )
            return HttpResponse(body, status=self.status, content_type=XML_CONTENT_TYPE)
        return HttpResponse(
            self.message + "\n", status=self.status, content_type="text/plain; charset=utf-8"
        )


def clark(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


def split_clark(tag: str) -> tuple[str, str]:
    """(namespace, local name) of an ElementTree tag; no namespace gives ""."""
    if tag.startswith("{"):
        namespace, _brace, name = tag[1:].partition("}")
        return namespace, name
    return "", tag


def escape(text: str) -> str:
    """Text content: &, < and > escaped, CR kept as a character reference (a vCard's CRLF line
    ends must survive the XML parser's line-end normalisation)."""
    return _escape(text).replace("\r", "&#13;")


def escape_attr(text: str) -> str:
    return escape(text).replace('"', "&quot;")


def _open(tag: str) -> tuple[str, str]:
    """The start of an element for a Clark name, and its name to close it with."""
    namespace, name = split_clark(tag)
    prefix = PREFIXES.get(namespace)
    if prefix is not None:
        return f"<{prefix}:{name}", f"{prefix}:{name}"
    if not namespace:  # no prefix may be bound to the empty namespace
        return f'<{name} xmlns=""', name
    return f'<X:{name} xmlns:X="{escape_attr(namespace)}"', f"X:{name}"


def empty(tag: str) -> str:
    start, _name = _open(tag)
    return start + "/>"


def element(tag: str, inner: str) -> str:
    """``<tag>inner</tag>``; ``inner`` is XML already (escape text first)."""
    start, name = _open(tag)
    return f"{start}>{inner}</{name}>"


def status_line(status: int) -> str:
    return f"HTTP/1.1 {status} {HTTPStatus(status).phrase}"


STATUS_OK = f"<D:status>{status_line(200)}</D:status>"


def propstat(props: Iterable[str], status: int) -> str:
    """One ``<D:propstat>``: ``props`` are rendered property elements."""
    return (
        f"<D:propstat><D:prop>{''.join(props)}</D:prop>"
        f"<D:status>{status_line(status)}</D:status></D:propstat>"
    )


def response(href: str, found: Iterable[str], missing: Iterable[str] = ()) -> str:
    """A ``<D:response>`` with a 200 propstat for ``found`` and a 404 one for ``missing``."""
    parts = [f"<D:response><D:href>{escape(href)}</D:href>"]
    found_text = "".join(found)
    missing_text = "".join(missing)
    if found_text or not missing_text:
        parts.append(f"<D:propstat><D:prop>{found_text}</D:prop>{STATUS_OK}</D:propstat>")
    if missing_text:
        parts.append(propstat([missing_text], 404))
    parts.append("</D:response>")
    return "".join(parts)


def status_response(href: str, status: int, inner: str = "") -> str:
    """A ``<D:response>`` carrying only a status (a missing href, a deleted card)."""
    return (
        f"<D:response><D:href>{escape(href)}</D:href>"
        f"<D:status>{status_line(status)}</D:status>{inner}</D:response>"
    )


def multistatus_start() -> str:
    return f"{XML_HEADER}<D:multistatus {NAMESPACE_DECLARATIONS}>"


MULTISTATUS_END = "</D:multistatus>"


def multistatus(responses: Iterable[str], tail: str = "") -> HttpResponse:
    body = multistatus_start() + "".join(responses) + tail + MULTISTATUS_END
    return HttpResponse(body.encode("utf-8"), status=207, content_type=XML_CONTENT_TYPE)


def parse(body: bytes) -> ET.Element | None:
    """The document element of a request body, None for an empty body; DavError 400 for
    anything that is not well-formed, safe XML."""
    if not body.strip():
        return None
    try:
        root: ET.Element = SafeET.fromstring(body)
    except (ET.ParseError, DefusedXmlException, ValueError) as error:
        raise DavError(400, f"The request body is not well-formed XML: {error}") from error
    return root


# --- addressbook-query (RFC 6352 §10.5): the filter, compiled once, tested per card ---------

# A card's properties for filtering: upper-case name → its instances (params, value).
Params = dict[str, list[str]]
Properties = dict[str, list[tuple[Params, str]]]
CardTest = Callable[[Properties], bool]
COLLATIONS = {"i;unicode-casemap", "i;ascii-casemap", "i;octet"}
MATCH_TYPES = {"equals", "contains", "starts-with", "ends-with"}
_UNESCAPE = {"n": "\n", "N": "\n", ",": ",", ";": ";", "\\": "\\", ":": ":"}


def _split_outside_quotes(text: str, separator: str, limit: int = -1) -> list[str]:
    parts: list[str] = []
    quoted = False
    start = 0
    for index, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif char == separator and not quoted and limit != 0:
            parts.append(text[start:index])
            start = index + 1
            limit -= 1
    parts.append(text[start:])
    return parts


def _unescape_value(value: str) -> str:
    if "\\" not in value:
        return value
    out: list[str] = []
    chars = iter(value)
    for char in chars:
        if char == "\\":
            following = next(chars, "")
            out.append(_UNESCAPE.get(following, "\\" + following))
        else:
            out.append(char)
    return "".join(out)


def card_properties(text: str) -> Properties:
    """The properties of a stored vCard (unfolded, group prefixes dropped, values unescaped)."""
    found: Properties = {}
    unfolded = re.sub(r"\r?\n[ \t]", "", text)
    for line in unfolded.splitlines():
        if not line:
            continue
        head_value = _split_outside_quotes(line, ":", 1)
        if len(head_value) != 2:
            continue
        head, value = head_value
        parts = _split_outside_quotes(head, ";")
        name = parts[0].rpartition(".")[2].upper()
        if name in {"BEGIN", "END"}:
            continue
        params: Params = {}
        for part in parts[1:]:
            key, _eq, raw = part.partition("=")
            values = [v.strip('"') for v in _split_outside_quotes(raw, ",")] if raw else []
            params.setdefault(key.upper(), []).extend(values)
        found.setdefault(name, []).append((params, _unescape_value(value)))
    return found


def _fold(text: str, collation: str) -> str:
    if collation == "i;octet":
        return text
    if collation == "i;ascii-casemap":
        return text.translate(_ASCII_LOWER)
    return text.casefold()


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _text_match(node: ET.Element) -> Callable[[str], bool]:
    collation = node.get("collation", "i;unicode-casemap")
    if collation not in COLLATIONS:
        raise DavError(
            403,
            f"The collation {collation!r} is not supported.",
            clark(CARD, "supported-collation"),
        )
    match_type = node.get("match-type", "contains")
    if match_type not in MATCH_TYPES:
        raise DavError(400, f"The match-type {match_type!r} is not one of RFC 6352's.")
    negate = node.get("negate-condition", "no").strip().lower() == "yes"
    needle = _fold(node.text or "", collation)

    def test(value: str) -> bool:
        folded = _fold(value, collation)
        if match_type == "equals":
            result = folded == needle
        elif match_type == "starts-with":
            result = folded.startswith(needle)
        elif match_type == "ends-with":
            result = folded.endswith(needle)
        else:
            result = needle in folded
        return result != negate

    return test


def _test_of(node: ET.Element) -> str:
    test = node.get("test", "anyof")
    if test not in {"anyof", "allof"}:
        raise DavError(400, f"test must be anyof or allof, not {test!r}.")
    return test


InstanceTest = Callable[[Params, str], bool]


def _param_filter(node: ET.Element) -> InstanceTest:
    name = (node.get("name") or "").upper()
    if not name:
        raise DavError(400, "A param-filter needs a name.")
    if node.find(clark(CARD, "is-not-defined")) is not None:
        return lambda params, _value: name not in params
    text_node = node.find(clark(CARD, "text-match"))
    if text_node is None:
        return lambda params, _value: name in params
    match = _text_match(text_node)
    return lambda params, _value: any(match(v) for v in params.get(name, []))


def _value_test(match: Callable[[str], bool]) -> InstanceTest:
    def test(_params: Params, value: str) -> bool:
        return match(value)

    return test


def _prop_filter(node: ET.Element) -> CardTest:
    name = (node.get("name") or "").upper()
    if not name:
        raise DavError(400, "A prop-filter needs a name.")
    if node.find(clark(CARD, "is-not-defined")) is not None:
        return lambda props: name not in props
    all_of = _test_of(node) == "allof"
    tests: list[InstanceTest] = []
    for child in node:
        if child.tag == clark(CARD, "text-match"):
            tests.append(_value_test(_text_match(child)))
        elif child.tag == clark(CARD, "param-filter"):
            tests.append(_param_filter(child))
    if not tests:
        return lambda props: name in props

    def test(props: Properties) -> bool:
        for params, value in props.get(name, []):
            results = (t(params, value) for t in tests)
            if all(results) if all_of else any(results):
                return True
        return False

    return test


def compile_filter(node: ET.Element | None) -> Callable[[str], bool]:
    """A test of a card's text for a ``CARD:filter`` (none, or an empty one, matches all);
    errors in the filter raise DavError before any card is read."""
    if node is None:
        return lambda _text: True
    all_of = _test_of(node) == "allof"
    tests = [_prop_filter(child) for child in node if child.tag == clark(CARD, "prop-filter")]
    if not tests:
        return lambda _text: True

    def matches(text: str) -> bool:
        props = card_properties(text)
        results = (t(props) for t in tests)
        return all(results) if all_of else any(results)

    return matches


def limit_of(root: ET.Element) -> int | None:
    """``CARD:limit/CARD:nresults`` of a query, or None."""
    node = root.find(f"{clark(CARD, 'limit')}/{clark(CARD, 'nresults')}")
    if node is None:
        return None
    text = (node.text or "").strip()
    if not text.isdigit() or len(text) > 9:
        raise DavError(400, "nresults must be a whole number.")
    return int(text)
