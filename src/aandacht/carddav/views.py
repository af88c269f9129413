"""The CardDAV server (RFC 6352 on WebDAV, RFC 4918; sync-collection, RFC 6578).

Resources: ``/dav/`` (root), ``/dav/principals/<user>/``, ``/dav/addressbooks/<user>/`` (the
home), one address book per vault below it and one card per person in that. Every request
but OPTIONS needs HTTP Basic with an access token (``auth``); another user's name or a vault
the token may not read is a 404, so nothing confirms that either exists.

Reads refresh the vault's stored cards first (``store.refresh``) and then answer from stored
text and ETags: a listing or a report is a fixed handful of queries however many cards there
are. Writes go through ``writing`` (the vCard mapping); this module only does HTTP: access,
preconditions, content type and size.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # noqa: S405 (types only; parsing is dav_xml.parse)
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import NamedTuple
from urllib.parse import quote, unquote, urlsplit

from django.db import IntegrityError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from aandacht.accounts.models import Vault
from aandacht.carddav import auth, dav_xml, store
from aandacht.carddav.dav_xml import CARD, CS, DAV, DavError, clark, element, empty, escape
from aandacht.carddav.models import AddressBook, Card
from aandacht.exchange import exporting, vcard
from aandacht.people.models import Person

# The largest vCard a client may PUT, advertised as CARD:max-resource-size (a photo included).
MAX_CARD_SIZE = 4 * 1024 * 1024
# hrefs per query of a multiget: well below every database's parameter limit.
HREF_CHUNK = 500
DAV_HEADER = "1, 3, addressbook"
VCARD_TYPES = frozenset({"text/vcard", "text/x-vcard"})
VCARD_CONTENT_TYPE = "text/vcard; charset=utf-8"
_VERSION_4 = re.compile(r"version\s*=\s*\"?4\.0", re.IGNORECASE)
# Names a client may give a new card: one path segment, printable, not "." or "..". A NUL
# byte would break PostgreSQL; other control characters are refused too, as Radicale 3.9.0
# refuses them ("not compliant to 'minimal'"): vdirsyncer's storage test_newline_in_uid
# fails against both, and vdirsyncer itself names cards with such UIDs by a random UUID.
_BAD_NAME = re.compile(r"[\x00-\x1f\x7f/\\]")

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PROPFIND", "REPORT"})
ALLOW = {
    "root": "OPTIONS, GET, HEAD, PROPFIND",
    "principal": "OPTIONS, GET, HEAD, PROPFIND, REPORT",
    "home": "OPTIONS, GET, HEAD, PROPFIND, REPORT, PROPPATCH",
    "collection": "OPTIONS, GET, HEAD, PROPFIND, REPORT, PROPPATCH",
    "card": "OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, PROPPATCH",
}

# Property names (Clark notation) -----------------------------------------------------------
RESOURCETYPE = clark(DAV, "resourcetype")
DISPLAYNAME = clark(DAV, "displayname")
CURRENT_USER_PRINCIPAL = clark(DAV, "current-user-principal")
PRINCIPAL_URL = clark(DAV, "principal-URL")
PRIVILEGES = clark(DAV, "current-user-privilege-set")
REPORT_SET = clark(DAV, "supported-report-set")
SYNC_TOKEN = clark(DAV, "sync-token")
GETETAG = clark(DAV, "getetag")
GETCONTENTTYPE = clark(DAV, "getcontenttype")
GETCONTENTLENGTH = clark(DAV, "getcontentlength")
OWNER = clark(DAV, "owner")
HOME_SET = clark(CARD, "addressbook-home-set")
ADDRESS_DATA = clark(CARD, "address-data")
SUPPORTED_DATA = clark(CARD, "supported-address-data")
MAX_SIZE = clark(CARD, "max-resource-size")
DESCRIPTION = clark(CARD, "addressbook-description")
CTAG = clark(CS, "getctag")

READ_PRIVILEGES = (
    "<D:privilege><D:read/></D:privilege>"
    "<D:privilege><D:read-current-user-privilege-set/></D:privilege>"
)
WRITE_PRIVILEGES = (
    READ_PRIVILEGES + "<D:privilege><D:write/></D:privilege><D:privilege><D:write-content/>"
    "</D:privilege><D:privilege><D:bind/></D:privilege><D:privilege><D:unbind/></D:privilege>"
)
SUPPORTED_REPORTS = "".join(
    f"<D:supported-report><D:report>{report}</D:report></D:supported-report>"
    for report in ("<C:addressbook-multiget/>", "<C:addressbook-query/>", "<D:sync-collection/>")
)
SUPPORTED_ADDRESS_DATA = (
    '<C:address-data-type content-type="text/vcard" version="3.0"/>'
    '<C:address-data-type content-type="text/vcard" version="4.0"/>'
)


# The request --------------------------------------------------------------------------------


@dataclass
class Context:
    """One authenticated request and the resource it names."""

    request: HttpRequest
    principal: auth.Principal
    kind: str
    vault_id: int = 0
    href: str = ""
    _vault: Vault | None = field(default=None, repr=False)

    @property
    def method(self) -> str:
        return (self.request.method or "GET").upper()

    @property
    def username(self) -> str:
        return self.principal.username

    def vault(self) -> Vault:
        if self._vault is None:
            self._vault = Vault.objects.get(pk=self.vault_id)
        return self._vault

    def can_write(self) -> bool:
        return self.principal.can_write(self.vault_id)


def root_path() -> str:
    return reverse("carddav:root")


def principal_path(username: str) -> str:
    return reverse("carddav:principal", args=[username])


def home_path(username: str) -> str:
    return reverse("carddav:home", args=[username])


def collection_path(username: str, vault_id: int) -> str:
    return reverse("carddav:collection", args=[username, vault_id])


def quote_href(href: str) -> str:
    return quote(href, safe="@+!$&'()*,;=:~")


def _href(inner: str) -> str:
    return f"<D:href>{escape(inner)}</D:href>"


def _plain(status: int, message: str) -> HttpResponse:
    return HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")


def _empty(status: int) -> HttpResponse:
    """A response without a body (201, 204, 304): Django would label it text/html, which a
    client could take for an error page; with no body there is no type to give (RFC 9110
    §8.3: a sender without a body omits Content-Type)."""
    response = HttpResponse(status=status)
    del response["Content-Type"]
    return response


def _not_found() -> HttpResponse:
    return _plain(404, "Not found.")


def _method_not_allowed(kind: str) -> HttpResponse:
    response = _plain(405, "This resource does not take that method.")
    response["Allow"] = ALLOW[kind]
    return response


def _read_body(request: HttpRequest, limit: int) -> bytes:
    """The request body, at most ``limit`` bytes (413 beyond), never read unbounded."""
    declared = request.META.get("CONTENT_LENGTH") or ""
    if declared:
        if not declared.isdigit():
            raise DavError(400, "Content-Length is not a number.")
        if int(declared) > limit:
            raise DavError(413, f"The request body is larger than {limit} bytes.")
    body = request.read(limit + 1)
    if len(body) > limit:
        raise DavError(413, f"The request body is larger than {limit} bytes.")
    return body


def _xml_body(request: HttpRequest) -> ET.Element | None:
    return dav_xml.parse(_read_body(request, dav_xml.MAX_XML_BODY))


def _minimal(request: HttpRequest) -> bool:
    """Whether the client asked for answers without the properties it does not get."""
    prefer = request.headers.get("Prefer", "").lower()
    brief = request.headers.get("Brief", "").strip().lower()
    return "return=minimal" in prefer or brief == "t"


def _minimal_request(context: Context, request: PropRequest) -> PropRequest:
    return replace(request, minimal=True) if _minimal(context.request) else request


def _multistatus(context: Context, responses: Iterable[str], tail: str = "") -> HttpResponse:
    response = dav_xml.multistatus(responses, tail)
    if _minimal(context.request):
        response["Preference-Applied"] = "return=minimal"
        response["Vary"] = "Prefer, Brief"
    return response


def _depth(request: HttpRequest) -> str:
    """The Depth header: 0 or 1. Without one, 0 (as Radicale and most servers do); infinity is
    refused with the precondition RFC 4918 names."""
    depth = request.headers.get("Depth", "0").strip().lower()
    if depth == "infinity":
        raise DavError(
            403, "Depth: infinity is not supported.", clark(DAV, "propfind-finite-depth")
        )
    if depth not in {"0", "1"}:
        raise DavError(400, "Depth must be 0, 1 or infinity.")
    return depth


# Entry points ---------------------------------------------------------------------------------


@csrf_exempt
def well_known(request: HttpRequest) -> HttpResponse:
    """RFC 6764: /.well-known/carddav points at the context path, for every method (a client
    follows a 301 with the same method, PROPFIND included)."""
    return HttpResponsePermanentRedirect(root_path())


def _serve(
    request: HttpRequest, kind: str, username: str | None = None, vault_id: int = 0, href: str = ""
) -> HttpResponse:
    method = (request.method or "GET").upper()
    if method == "OPTIONS":
        response = _empty(200)
        response["DAV"] = DAV_HEADER
        response["Allow"] = ALLOW[kind]
        response["Content-Length"] = "0"
        return response
    principal = auth.authenticate(request)
    if principal is None:
        return auth.challenge()
    if username is not None and username != principal.username:
        return _not_found()
    if vault_id and not principal.can_read(vault_id):
        return _not_found()
    if kind == "card" and not _valid_name(href):
        # No card has such a name (and a NUL byte must never reach the database).
        if method == "PUT":
            return _plain(400, "That is no valid name for a card.")
        return _not_found()
    context = Context(request, principal, kind, vault_id, href)
    handler = HANDLERS[kind].get(method)
    try:
        if handler is None:
            return _refused(context)
        return handler(context)
    except DavError as error:
        return error.response()


def _refused(context: Context) -> HttpResponse:
    """Methods a resource does not take: writes to what only Aandacht's pages change are 403
    (a viewer's write is a 403 either way); the rest 405 with Allow."""
    method = context.method
    if context.vault_id and method not in READ_METHODS and not context.can_write():
        return _plain(403, "You may only read this address book.")
    if method == "DELETE" and context.kind in {"collection", "home"}:
        return _plain(403, "Address books are vaults: delete a vault in Aandacht itself.")
    if method == "MKCOL":
        return _plain(403, "Address books are vaults: create a vault in Aandacht itself.")
    return _method_not_allowed(context.kind)


@csrf_exempt
def root(request: HttpRequest) -> HttpResponse:
    return _serve(request, "root")


@csrf_exempt
def principal(request: HttpRequest, username: str) -> HttpResponse:
    return _serve(request, "principal", username)


@csrf_exempt
def home(request: HttpRequest, username: str) -> HttpResponse:
    return _serve(request, "home", username)


@csrf_exempt
def collection(request: HttpRequest, username: str, vault_id: int) -> HttpResponse:
    return _serve(request, "collection", username, vault_id or -1)


@csrf_exempt
def card(request: HttpRequest, username: str, vault_id: int, href: str) -> HttpResponse:
    return _serve(request, "card", username, vault_id or -1, href)


# PROPFIND -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PropRequest:
    """What a PROPFIND (or a report's ``<D:prop>``) asks for."""

    mode: str  # "allprop", "propname" or "prop"
    names: tuple[str, ...] = ()
    version: vcard.Version = store.STORED_VERSION
    # Prefer: return=minimal (RFC 8144) or Brief: t: leave out the 404 propstats.
    minimal: bool = False


def _address_data_version(prop: ET.Element) -> vcard.Version:
    """The vCard version an ``address-data`` element asks for (3.0 unless 4.0 is named)."""
    for data in prop.iter(ADDRESS_DATA):
        attributes = {key.lower(): value for key, value in data.attrib.items()}
        content_type = attributes.get("content-type", "text/vcard").strip().lower()
        version = attributes.get("version", store.STORED_VERSION).strip()
        if content_type not in VCARD_TYPES or version not in {"3.0", "4.0"}:
            raise DavError(
                403,
                "Only text/vcard 3.0 and 4.0 are supported.",
                SUPPORTED_DATA,
            )
        return "4.0" if version == "4.0" else "3.0"
    return store.STORED_VERSION


def _prop_request(prop: ET.Element | None) -> PropRequest:
    if prop is None:
        return PropRequest("allprop")
    names = tuple(dict.fromkeys(child.tag for child in prop if isinstance(child.tag, str)))
    return PropRequest("prop", names, _address_data_version(prop))


def _propfind_request(root: ET.Element | None) -> PropRequest:
    if root is None:
        return PropRequest("allprop")
    if root.tag != clark(DAV, "propfind"):
        raise DavError(400, "A PROPFIND body must be a DAV:propfind element.")
    if root.find(clark(DAV, "propname")) is not None:
        return PropRequest("propname")
    prop = root.find(clark(DAV, "prop"))
    if prop is not None:
        return _prop_request(prop)
    if root.find(clark(DAV, "allprop")) is not None:
        include = root.find(clark(DAV, "include"))
        names = tuple(c.tag for c in include) if include is not None else ()
        return PropRequest("allprop", names)
    raise DavError(400, "A DAV:propfind needs prop, allprop or propname.")


# A property table: name -> a function giving the element's inner XML, or None when the
# resource has no such property (reported 404).
Getter = Callable[[], str | None]


def _answer(href: str, table: dict[str, Getter], request: PropRequest) -> str:
    if request.mode == "propname":
        return dav_xml.response(href, (empty(name) for name in table))
    found: list[str] = []
    missing: list[str] = []
    names: Iterable[str] = table if request.mode == "allprop" else request.names
    for name in names:
        getter = table.get(name)
        value = getter() if getter is not None else None
        if value is None:
            if request.mode == "prop":
                missing.append(empty(name))
        else:
            found.append(element(name, value))
    if request.mode == "allprop":
        for name in request.names:
            if name not in table:
                missing.append(empty(name))
    return dav_xml.response(href, found, () if request.minimal else missing)


def _principal_props(context: Context) -> dict[str, Getter]:
    user = context.principal.user
    return {
        RESOURCETYPE: lambda: "<D:principal/>",
        DISPLAYNAME: lambda: escape(user.get_full_name() or user.get_username()),
        CURRENT_USER_PRINCIPAL: lambda: _href(principal_path(context.username)),
        PRINCIPAL_URL: lambda: _href(principal_path(context.username)),
        HOME_SET: lambda: _href(home_path(context.username)),
    }


def _root_props(context: Context) -> dict[str, Getter]:
    return {
        RESOURCETYPE: lambda: "<D:collection/>",
        DISPLAYNAME: lambda: "Aandacht",
        CURRENT_USER_PRINCIPAL: lambda: _href(principal_path(context.username)),
        HOME_SET: lambda: _href(home_path(context.username)),
    }


def _home_props(context: Context) -> dict[str, Getter]:
    return {
        RESOURCETYPE: lambda: "<D:collection/>",
        DISPLAYNAME: lambda: escape(context.username),
        CURRENT_USER_PRINCIPAL: lambda: _href(principal_path(context.username)),
        OWNER: lambda: _href(principal_path(context.username)),
        PRIVILEGES: lambda: READ_PRIVILEGES,
    }


@dataclass
class Book:
    """An address book (a vault) as a resource; its revision is read (refreshing the cards)
    only when a property needs it."""

    vault_id: int
    name: str
    writable: bool
    _revision: int | None = None

    def revision(self) -> int:
        if self._revision is None:
            self._revision = store.refresh(self.vault_id)
        return self._revision

    def token(self) -> str:
        return store.sync_token(self.vault_id, self.revision())


def _book_props(context: Context, book: Book) -> dict[str, Getter]:
    return {
        RESOURCETYPE: lambda: "<D:collection/><C:addressbook/>",
        DISPLAYNAME: lambda: escape(book.name),
        DESCRIPTION: lambda: escape(book.name),
        CURRENT_USER_PRINCIPAL: lambda: _href(principal_path(context.username)),
        OWNER: lambda: _href(principal_path(context.username)),
        SUPPORTED_DATA: lambda: SUPPORTED_ADDRESS_DATA,
        MAX_SIZE: lambda: str(MAX_CARD_SIZE),
        SYNC_TOKEN: lambda: escape(book.token()),
        CTAG: lambda: escape(book.token()),
        REPORT_SET: lambda: SUPPORTED_REPORTS,
        PRIVILEGES: lambda: WRITE_PRIVILEGES if book.writable else READ_PRIVILEGES,
    }


def _books(context: Context, vault_ids: Sequence[int]) -> list[Book]:
    principal = context.principal
    return [
        Book(pk, principal.vault_name(pk), principal.can_write(pk))
        for pk in vault_ids
        if principal.can_read(pk)
    ]


class CardRow(NamedTuple):
    """The columns of a card a listing or report needs (no model instances: thousands)."""

    href: str
    etag: str
    text: str
    person_id: int | None
    extra: str


CARD_COLUMNS = ("href", "etag", "text", "person_id", "extra")
CARD_PROPS = (RESOURCETYPE, GETETAG, GETCONTENTTYPE, GETCONTENTLENGTH)
CONTENT_TYPE_PROP = "text/vcard; charset=utf-8"


class CardAnswers:
    """Renders ``<D:response>`` elements for cards, the same way for PROPFIND and reports."""

    def __init__(self, base: str, request: PropRequest, texts: dict[str, str] | None) -> None:
        self.base = base
        self.request = request
        self.texts = texts  # href -> text in the requested version, when it is not 3.0

    def text_of(self, row: CardRow) -> str:
        if self.texts is not None:
            return self.texts.get(row.href, row.text)
        return row.text

    def one(self, row: CardRow) -> str:
        href = self.base + quote_href(row.href)
        request = self.request
        if request.mode == "propname":
            return dav_xml.response(href, (empty(name) for name in (*CARD_PROPS, ADDRESS_DATA)))
        names = CARD_PROPS if request.mode == "allprop" else request.names
        found: list[str] = []
        missing: list[str] = []
        for name in names:
            if name == GETETAG:
                found.append(f"<D:getetag>{escape(row.etag)}</D:getetag>")
            elif name == GETCONTENTTYPE:
                found.append(f"<D:getcontenttype>{CONTENT_TYPE_PROP}</D:getcontenttype>")
            elif name == RESOURCETYPE:
                found.append("<D:resourcetype/>")
            elif name == GETCONTENTLENGTH:
                length = len(self.text_of(row).encode("utf-8"))
                found.append(f"<D:getcontentlength>{length}</D:getcontentlength>")
            elif name == ADDRESS_DATA:
                found.append(f"<C:address-data>{escape(self.text_of(row))}</C:address-data>")
            elif not request.minimal:
                missing.append(empty(name))
        return dav_xml.response(href, found, missing)


def _needs_text(request: PropRequest) -> bool:
    return request.mode == "allprop" or any(
        name in request.names for name in (GETCONTENTLENGTH, ADDRESS_DATA)
    )


def _rows(queryset: QuerySet[Card], request: PropRequest) -> list[CardRow]:
    """Card rows from a queryset of cards, leaving out the text when nothing asks for it."""
    if _needs_text(request):
        return [CardRow(*values) for values in queryset.values_list(*CARD_COLUMNS)]
    return [
        CardRow(href, etag, "", person_id, "")
        for href, etag, person_id in queryset.values_list("href", "etag", "person_id")
    ]


def _rendered(rows: Sequence[CardRow], version: vcard.Version) -> dict[str, str] | None:
    """The cards in ``version`` when that is not the stored one: rendered in batches (a fixed
    number of queries per batch, never one per card)."""
    if version == store.STORED_VERSION:
        return None
    texts: dict[str, str] = {}
    live = [row for row in rows if row.person_id is not None]
    for start in range(0, len(live), store.RENDER_BATCH):
        batch = live[start : start + store.RENDER_BATCH]
        ids = [row.person_id for row in batch if row.person_id is not None]
        people = Person.objects.in_bulk(ids)
        details = exporting.load_details(ids)
        for row in batch:
            person = people.get(row.person_id or 0)
            if person is not None:
                texts[row.href] = store.render(person, details[person.pk], row.extra, version)
    return texts


def _card_answers(context: Context, rows: Sequence[CardRow], request: PropRequest) -> CardAnswers:
    texts = _rendered(rows, request.version) if _needs_text(request) else None
    return CardAnswers(collection_path(context.username, context.vault_id), request, texts)


def propfind(context: Context) -> HttpResponse:
    depth = _depth(context.request)
    request = _minimal_request(context, _propfind_request(_xml_body(context.request)))
    kind = context.kind
    responses: list[str] = []
    if kind == "root":
        responses.append(_answer(root_path(), _root_props(context), request))
    elif kind == "principal":
        responses.append(
            _answer(principal_path(context.username), _principal_props(context), request)
        )
    elif kind == "home":
        responses.append(_answer(home_path(context.username), _home_props(context), request))
        if depth == "1":
            for book in _books(context, sorted(context.principal.roles())):
                path = collection_path(context.username, book.vault_id)
                responses.append(_answer(path, _book_props(context, book), request))
    elif kind == "collection":
        book = _books(context, [context.vault_id])[0]
        book.revision()
        path = collection_path(context.username, context.vault_id)
        responses.append(_answer(path, _book_props(context, book), request))
        if depth == "1":
            rows = _rows(store.live_cards(context.vault_id).order_by("href"), request)
            answers = _card_answers(context, rows, request)
            responses.extend(answers.one(row) for row in rows)
    else:
        store.refresh(context.vault_id)
        rows = _rows(store.live_cards(context.vault_id).filter(href=context.href), request)
        if not rows:
            return _not_found()
        responses.append(_card_answers(context, rows, request).one(rows[0]))
    return _multistatus(context, responses)


def proppatch(context: Context) -> HttpResponse:
    """Properties are Aandacht's (a vault's name is changed on its page): every property a
    client sets or removes is answered 403 in a multistatus, which clients take in stride."""
    if context.vault_id and not context.can_write():
        return _plain(403, "You may only read this address book.")
    root = _xml_body(context.request)
    if root is None or root.tag != clark(DAV, "propertyupdate"):
        raise DavError(400, "A PROPPATCH body must be a DAV:propertyupdate element.")
    names = [
        child.tag
        for action in root
        for prop in action.iter(clark(DAV, "prop"))
        for child in prop
        if isinstance(child.tag, str)
    ]
    href = context.request.path
    if context.kind == "card":
        # percent-encoded: a card's name may hold characters XML cannot carry
        href = collection_path(context.username, context.vault_id) + quote_href(context.href)
    return dav_xml.multistatus(
        [
            f"<D:response><D:href>{escape(href)}</D:href>"
            + dav_xml.propstat((empty(name) for name in names), 403)
            + "</D:response>"
        ]
    )


# REPORT ---------------------------------------------------------------------------------------


def report(context: Context) -> HttpResponse:
    root = _xml_body(context.request)
    if root is None:
        raise DavError(400, "A REPORT needs a body.")
    if context.kind == "collection":
        if root.tag == clark(CARD, "addressbook-multiget"):
            return _multiget(context, root)
        if root.tag == clark(CARD, "addressbook-query"):
            return _query(context, root)
        if root.tag == clark(DAV, "sync-collection"):
            return _sync_collection(context, root)
    raise DavError(403, "This report is not supported here.", clark(DAV, "supported-report"))


def _card_name(raw: str, base: str) -> str | None:
    """The card href (name in its collection) a client's href names, or None if it is not a
    card of this collection."""
    try:
        path = unquote(urlsplit(raw.strip()).path)
    except ValueError:  # not a URL at all ("http://[broken/")
        return None
    prefix = unquote(base)
    if not path.startswith(prefix):
        return None
    name = path[len(prefix) :]
    return name if _valid_name(name) else None


def _multiget(context: Context, root: ET.Element) -> HttpResponse:
    request = _minimal_request(context, _prop_request(root.find(clark(DAV, "prop"))))
    base = collection_path(context.username, context.vault_id)
    raw_hrefs = list(
        dict.fromkeys((href.text or "").strip() for href in root.findall(clark(DAV, "href")))
    )
    names = {raw: _card_name(raw, base) for raw in raw_hrefs}
    wanted = sorted({name for name in names.values() if name is not None})
    store.refresh(context.vault_id)
    rows: dict[str, CardRow] = {}
    for start in range(0, len(wanted), HREF_CHUNK):
        chunk = wanted[start : start + HREF_CHUNK]
        queryset = store.live_cards(context.vault_id).filter(href__in=chunk)
        rows.update((row.href, row) for row in _rows(queryset, request))
    answers = _card_answers(context, list(rows.values()), request)
    responses = []
    for raw in raw_hrefs:
        name = names[raw]
        row = rows.get(name) if name is not None else None
        responses.append(answers.one(row) if row is not None else dav_xml.status_response(raw, 404))
    return _multistatus(context, responses)


def _query(context: Context, root: ET.Element) -> HttpResponse:
    request = _minimal_request(context, _prop_request(root.find(clark(DAV, "prop"))))
    matches = dav_xml.compile_filter(root.find(clark(CARD, "filter")))
    limit = dav_xml.limit_of(root)
    store.refresh(context.vault_id)
    full = replace(request, names=(*request.names, ADDRESS_DATA))
    rows = [
        row
        for row in _rows(store.live_cards(context.vault_id).order_by("href"), full)
        if matches(row.text)
    ]
    truncated = limit is not None and len(rows) > limit
    if limit is not None:
        rows = rows[:limit]
    answers = _card_answers(context, rows, request)
    responses = [answers.one(row) for row in rows]
    if truncated:
        responses.append(
            dav_xml.status_response(
                collection_path(context.username, context.vault_id),
                507,
                "<D:error><D:number-of-matches-within-limits/></D:error>",
            )
        )
    return _multistatus(context, responses)


def _sync_limit(root: ET.Element) -> int | None:
    """``DAV:limit/DAV:nresults`` of a sync-collection report, or None."""
    node = root.find(f"{clark(DAV, 'limit')}/{clark(DAV, 'nresults')}")
    if node is None:
        return None
    text = (node.text or "").strip()
    if not text.isdigit() or len(text) > 9:
        raise DavError(400, "nresults must be a whole number.")
    return int(text)


def _cut(queryset: QuerySet[Card], limit: int | None, revision: int) -> tuple[int, bool]:
    """The revision up to which a limited sync sends every change (RFC 6578 §3.7): all the
    changes of a revision go out together, so the result holds at most ``limit`` cards and the
    token it returns names a revision the client has seen completely. (revision, truncated)."""
    if limit is None:
        return revision, False
    revisions = list(queryset.order_by("revision").values_list("revision", flat=True))
    if len(revisions) <= limit:
        return revision, False
    first_left_out = revisions[limit]
    if revisions[0] == first_left_out:
        raise DavError(
            507,
            f"More than {limit} cards changed at once; sync without a limit.",
            clark(DAV, "number-of-matches-within-limits"),
        )
    return first_left_out - 1, True


def _sync_collection(context: Context, root: ET.Element) -> HttpResponse:
    level = (root.findtext(clark(DAV, "sync-level")) or "1").strip()
    if level == "infinite":
        raise DavError(
            403,
            "This address book has no sub-collections: use sync-level 1.",
            clark(DAV, "sync-traversal-supported"),
        )
    if level != "1":
        raise DavError(400, "sync-level must be 1 or infinite.")
    request = _minimal_request(context, _prop_request(root.find(clark(DAV, "prop"))))
    token = (root.findtext(clark(DAV, "sync-token")) or "").strip()
    limit = _sync_limit(root)
    revision = store.refresh(context.vault_id)
    base = collection_path(context.username, context.vault_id)
    if not token:
        changed = store.live_cards(context.vault_id)
    else:
        since = store.parse_sync_token(token, context.vault_id)
        floor = (
            AddressBook.objects.filter(vault_id=context.vault_id)
            .values_list("floor", flat=True)
            .first()
            or 0
        )
        if since is None or since > revision or since < floor:
            raise DavError(
                403,
                "That sync token is unknown or too old: sync again without one.",
                clark(DAV, "valid-sync-token"),
            )
        changed = store.changes_since(context.vault_id, since)
    revision, truncated = _cut(changed, limit, revision)
    if truncated:
        changed = changed.filter(revision__lte=revision)
    deleted = list(changed.filter(deleted=True).values_list("href", flat=True)) if token else []
    rows = _rows(changed.filter(deleted=False).order_by("href"), request)
    answers = _card_answers(context, rows, request)
    responses = [answers.one(row) for row in rows]
    responses.extend(dav_xml.status_response(base + quote_href(h), 404) for h in deleted)
    if truncated:
        responses.append(dav_xml.status_response(base, 507))
    tail = f"<D:sync-token>{escape(store.sync_token(context.vault_id, revision))}</D:sync-token>"
    return _multistatus(context, responses, tail)


# GET and HEAD ---------------------------------------------------------------------------------


def _entity_tags(header: str) -> list[str] | None:
    """The entity tags of an If-Match/If-None-Match header ("W/" dropped); None for "*"."""
    header = header.strip()
    if header == "*":
        return None
    return [tag.strip().removeprefix("W/") for tag in re.findall(r'(?:W/)?"[^"]*"', header)]


def _wants_v4(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return any("vcard" in part.lower() and _VERSION_4.search(part) for part in accept.split(","))


def _body_response(request: HttpRequest, text: str, content_type: str) -> HttpResponse:
    body = text.encode("utf-8")
    response = HttpResponse(b"" if request.method == "HEAD" else body, content_type=content_type)
    response["Content-Length"] = str(len(body))
    return response


def _none_match(request: HttpRequest, etag: str) -> bool:
    """Whether If-None-Match names ``etag`` (or is "*"): a GET is answered 304."""
    header = request.headers.get("If-None-Match")
    if header is None:
        return False
    tags = _entity_tags(header)
    return tags is None or etag in tags


def _not_modified(etag: str) -> HttpResponse:
    response = _empty(304)
    response["ETag"] = etag
    return response


def get(context: Context) -> HttpResponse:
    request = context.request
    if context.kind == "card":
        found = store.current_card(context.vault_id, context.href)
        if found is None:
            return _not_found()
        if _none_match(request, found.etag):
            return _not_modified(found.etag)
        version: vcard.Version = "4.0" if _wants_v4(request) else store.STORED_VERSION
        text = store.card_text(found, version)
        content_type = VCARD_CONTENT_TYPE + ("; version=4.0" if version == "4.0" else "")
        response = _body_response(request, text, content_type)
        response["ETag"] = found.etag
        response["Vary"] = "Accept"
        return response
    if context.kind == "collection":
        book = _books(context, [context.vault_id])[0]
        # The whole address book changes exactly when its revision does.
        etag = f'"book-{context.vault_id}-{book.revision()}"'
        if _none_match(request, etag):
            return _not_modified(etag)
        texts = store.live_cards(context.vault_id).order_by("href").values_list("text", flat=True)
        response = _body_response(request, "".join(texts), VCARD_CONTENT_TYPE)
        filename = re.sub(r"[^A-Za-z0-9._-]+", "-", book.name).strip("-") or "address-book"
        response["Content-Disposition"] = f'inline; filename="{filename}.vcf"'
        response["ETag"] = etag
        return response
    text = (
        "This is Aandacht's CardDAV server. Point your address book app at "
        f"{request.build_absolute_uri(root_path())} and sign in with your username and a "
        "personal access token.\n"
    )
    return _body_response(request, text, "text/plain; charset=utf-8")


# PUT and DELETE -------------------------------------------------------------------------------


def _check_preconditions(request: HttpRequest, existing: Card | None) -> None:
    """If-Match and If-None-Match (RFC 9110 §13): a failed one is a 412."""
    if_match = request.headers.get("If-Match")
    if if_match is not None:
        tags = _entity_tags(if_match)
        if existing is None or (tags is not None and existing.etag not in tags):
            raise DavError(412, "The card has changed (or is gone) since you read it.")
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None and existing is not None:
        tags = _entity_tags(if_none_match)
        if tags is None or existing.etag in tags:
            raise DavError(412, "A card with this name exists already.")


def _valid_name(href: str) -> bool:
    return (
        bool(href) and len(href) <= 255 and href not in {".", ".."} and not _BAD_NAME.search(href)
    )


def put(context: Context) -> HttpResponse:
    from aandacht.carddav import writing  # noqa: PLC0415 (imports the vCard mapping only for writes)

    request = context.request
    if not context.can_write():
        return _plain(403, "You may only read this address book.")
    content_type = (request.content_type or "").lower()
    if content_type not in VCARD_TYPES:
        raise DavError(415, "Send a vCard (text/vcard).", SUPPORTED_DATA)
    body = _read_body(request, MAX_CARD_SIZE)
    existing = store.current_card(context.vault_id, context.href)
    _check_preconditions(request, existing)
    try:
        result = writing.put_card(
            vault=context.vault(),
            user=context.principal.user,
            href=context.href,
            body=body,
            existing=existing,
        )
    except writing.CardRejected as rejected:
        raise DavError(
            rejected.status,
            rejected.message,
            clark(CARD, rejected.precondition) if rejected.precondition else "",
        ) from rejected
    except IntegrityError as error:
        # Another request created a card at this name (or with this UID) between our
        # precondition check and the write: the client syncs and tries again.
        raise DavError(412, "The card was created or changed meanwhile.") from error
    response = _empty(201 if result.created else 204)
    if not result.changed_by_server:
        response["ETag"] = result.card.etag
    return response


def delete(context: Context) -> HttpResponse:
    from aandacht.carddav import writing  # noqa: PLC0415 (imports the vCard mapping only for writes)

    if not context.can_write():
        return _plain(403, "You may only read this address book.")
    existing = store.current_card(context.vault_id, context.href)
    if existing is None:
        return _not_found()
    _check_preconditions(context.request, existing)
    try:
        writing.delete_card(card=existing, user=context.principal.user)
    except writing.CardRejected as rejected:
        raise DavError(rejected.status, rejected.message) from rejected
    return _empty(204)


Handler = Callable[[Context], HttpResponse]
_READS: dict[str, Handler] = {"GET": get, "HEAD": get, "PROPFIND": propfind}
HANDLERS: dict[str, dict[str, Handler]] = {
    "root": dict(_READS),
    "principal": {**_READS, "REPORT": report},
    "home": {**_READS, "REPORT": report, "PROPPATCH": proppatch},
    "collection": {**_READS, "REPORT": report, "PROPPATCH": proppatch},
    "card": {**_READS, "PUT": put, "DELETE": delete, "PROPPATCH": proppatch},
}
