"""What every API operation shares: who is calling, which vaults they reach, errors, paging.

A caller is a personal access token (``Authorization: Bearer``) or a signed-in browser session
(with CSRF for writes, so the docs page's "Try it out" works). The rules are the web's
(``web/access.py``): another vault's object is a 404, never a 403 that confirms it exists; a
write needs a write token *and* the owner or editor role there (403 otherwise).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer, SessionAuth
from ninja.throttling import SimpleRateThrottle
from ninja.utils import check_csrf
from pydantic import AfterValidator

from aandacht.accounts import tokens
from aandacht.accounts.models import AccessToken, Membership, Role, Vault
from aandacht.web.access import MAX_ID

WRITER_ROLES = frozenset({Role.OWNER, Role.EDITOR})
MAX_LIMIT = 100
DEFAULT_LIMIT = 50
MAX_OFFSET = 1_000_000
# Free text (notes, stories) is long but not unbounded: a body of megabytes is a mistake.
MAX_TEXT = 20_000

Model = TypeVar("Model", bound=models.Model)


# --- the caller ----------------------------------------------------------------------------


@dataclass
class Caller:
    """A user acting through a token (narrowed by its scope and vault) or a browser session."""

    user: User
    token: AccessToken | None = None
    _roles: dict[int, str] | None = field(default=None, repr=False)

    def roles(self) -> dict[int, str]:
        """vault id → the user's role, for the vaults this caller may read. One query, cached."""
        if self._roles is None:
            memberships = Membership.objects.filter(user=self.user)
            if self.token is not None:
                memberships = memberships.filter(vault_id__in=tokens.token_vault_ids(self.token))
            self._roles = dict(memberships.values_list("vault_id", "role"))
        return self._roles

    def vault_ids(self) -> list[int]:
        return sorted(self.roles())

    def can_write(self, vault_id: int) -> bool:
        if self.token is not None and not self.token.can_write:
            return False
        return self.roles().get(vault_id) in WRITER_ROLES

    @property
    def throttle_key(self) -> str:
        if self.token is not None:
            return f"token-{self.token.pk}"
        return f"user-{self.user.pk}"


def caller_of(request: HttpRequest) -> Caller:
    caller = getattr(request, "auth", None)
    if not isinstance(caller, Caller):
        raise AuthenticationError()
    return caller


class BearerToken(HttpBearer):
    """``Authorization: Bearer aat_…``; a bearer header that is not a live token is a 401 even
    when a session cookie is present too (a script must learn its token is bad)."""

    def __call__(self, request: HttpRequest) -> Caller | None:
        header = request.headers.get("Authorization")
        if not header:
            return None
        scheme, _space, raw = header.partition(" ")
        if scheme.lower() != "bearer":
            raise AuthenticationError(401, _("Use Authorization: Bearer <token>."))
        return self.authenticate(request, raw.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Caller | None:
        found = tokens.authenticate(token)
        if found is None:
            raise AuthenticationError(401, _("That token is unknown, revoked or expired."))
        return Caller(user=found.user, token=found)


class BrowserSession(SessionAuth):
    """A signed-in browser; CSRF is checked for unsafe methods only once a user is signed in,
    so an anonymous request is a 401 rather than a CSRF 403."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise HttpError(403, _("CSRF check failed: send the X-CSRFToken header."))
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Caller | None:
        user = request.user
        if isinstance(user, User) and user.is_authenticated and user.is_active:
            return Caller(user=user)
        return None


class CallerThrottle(SimpleRateThrottle):
    """``settings.API_REQUESTS_PER_MINUTE`` per token (or signed-in user), read per request so
    the setting can change without a restart (and tests can lower it)."""

    scope = "api"
    THROTTLE_RATES = {"api": "600/min"}

    def allow_request(self, request: HttpRequest) -> bool:
        self.num_requests = int(settings.API_REQUESTS_PER_MINUTE)
        self.duration = 60
        return super().allow_request(request)

    def get_cache_key(self, request: HttpRequest) -> str | None:
        caller = getattr(request, "auth", None)
        ident = caller.throttle_key if isinstance(caller, Caller) else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


# --- access --------------------------------------------------------------------------------


def not_found(what: str) -> HttpError:
    return HttpError(404, _("No such %(what)s.") % {"what": what})


def readable_vault_ids(caller: Caller, vault: int | None) -> list[int]:
    """The vaults a list reads: all the caller's, or the one asked for (404 if not theirs)."""
    ids = caller.vault_ids()
    if vault is None:
        return ids
    if vault not in ids:
        raise not_found(_("vault"))
    return [vault]


def writable_vault(caller: Caller, vault_id: int) -> Vault:
    """A vault the caller may write in: 404 when it is not theirs, 403 when only readable."""
    if vault_id not in caller.roles():
        raise not_found(_("vault"))
    require_write(caller, vault_id)
    return Vault.objects.get(pk=vault_id)


def require_write(caller: Caller, vault_id: int) -> None:
    if caller.can_write(vault_id):
        return
    if caller.token is not None and not caller.token.can_write:
        raise HttpError(403, _("This token is read-only."))
    raise HttpError(403, _("Viewers cannot change this vault."))


def fetch(
    caller: Caller,
    queryset: models.QuerySet[Model],
    pk: int,
    what: str,
    *,
    write: bool = False,
) -> Model:
    """One object of ``queryset`` in a vault the caller reads, else 404; ``write`` adds 403."""
    found = queryset.filter(pk=pk, vault_id__in=caller.vault_ids()).first()
    if found is None:
        raise not_found(what)
    if write:
        require_write(caller, found.vault_id)  # type: ignore[attr-defined]
    return found


# --- input types ---------------------------------------------------------------------------


def _clean_text(value: str) -> str:
    """Refuse what no database column stores: NUL characters (PostgreSQL) and lone surrogates."""
    if "\x00" in value:
        raise ValueError(_("text cannot contain NUL characters"))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(_("text must be valid Unicode")) from None
    return value


# Strings limited to what their column holds (a longer one would be a database error).
Text40 = Annotated[str, Field(max_length=40), AfterValidator(_clean_text)]
Text60 = Annotated[str, Field(max_length=60), AfterValidator(_clean_text)]
Text100 = Annotated[str, Field(max_length=100), AfterValidator(_clean_text)]
Text150 = Annotated[str, Field(max_length=150), AfterValidator(_clean_text)]
Text200 = Annotated[str, Field(max_length=200), AfterValidator(_clean_text)]
Text300 = Annotated[str, Field(max_length=300), AfterValidator(_clean_text)]
Text450 = Annotated[str, Field(max_length=450), AfterValidator(_clean_text)]
LongText = Annotated[str, Field(max_length=MAX_TEXT), AfterValidator(_clean_text)]


def _aware(value: dt.datetime) -> dt.datetime:
    """Naive times are in the server's time zone; times must lie between the years 1900 and
    9000 (far outside, converting to UTC overflows the database's range)."""
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    try:
        as_utc = value.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError(_("that time is out of range")) from None
    if not 1900 <= as_utc.year <= 9000:
        raise ValueError(_("use a time between the years 1900 and 9000"))
    # In UTC: PostgreSQL refuses offsets beyond ±15:59, which ISO 8601 text may still carry.
    return as_utc


def _sane_date(value: dt.date) -> dt.date:
    if not 1900 <= value.year <= 9000:
        raise ValueError(_("use a date between the years 1900 and 9000"))
    return value


When = Annotated[dt.datetime, AfterValidator(_aware)]
Day = Annotated[dt.date, AfterValidator(_sane_date)]
ObjectId = Annotated[int, Field(ge=1, le=MAX_ID)]
# An id in a URL: a number too large for a database key is refused before any query.
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]


# --- errors and pages ----------------------------------------------------------------------


class FieldProblem(Schema):
    field: str
    location: str
    message: str


class Error(Schema):
    """Every error: ``detail`` says what went wrong; ``errors`` names the fields at fault."""

    detail: str
    errors: list[FieldProblem] | None = None


ERRORS: dict[int, type[Error]] = {code: Error for code in (400, 401, 403, 404, 409, 422, 429)}


def responses(ok: int, schema: Any) -> dict[int, Any]:
    """An operation's responses: its success plus every error the API can answer."""
    return {ok: schema, **ERRORS}


def links_to(operations: dict[str, str], parameter: str) -> dict[str, Any]:
    """OpenAPI links from a 201 to the operations on what it made (``name → operationId``),
    so clients and schemathesis' stateful tests can follow a create with a read, a change
    or a delete."""
    return {
        "responses": {
            201: {
                "links": {
                    name: {
                        "operationId": operation,
                        "parameters": {parameter: "$response.body#/id"},
                    }
                    for name, operation in operations.items()
                }
            }
        }
    }


class Paging(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="At most 100.")
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


def page_of(
    rows: models.QuerySet[Model] | Sequence[Model], paging: Paging
) -> tuple[int, list[Model]]:
    """(total count, the rows of this page)."""
    if isinstance(rows, models.QuerySet):
        count = rows.count()
        items = list(rows[paging.offset : paging.offset + paging.limit]) if count else []
        return count, items
    return len(rows), list(rows[paging.offset : paging.offset + paging.limit])


def page(count: int, paging: Paging, items: list[Any]) -> dict[str, Any]:
    return {"count": count, "limit": paging.limit, "offset": paging.offset, "items": items}


def problem(
    message: str, field_name: str = "body", status: int = 422, *, location: str = "body"
) -> HttpError:
    """A refused input as an HttpError the API's handler turns into ``Error`` JSON;
    ``location`` is where the field was sent: ``body``, ``query`` or ``path``."""
    return FieldError(status, message, field_name, location)


def which_vault(caller: Caller, *, location: str) -> HttpError:
    """The 422 for a request that must name its vault: it lists the vaults the caller may use,
    id and name, so the next request can say which."""
    ids = caller.vault_ids()
    if not ids:
        return problem(_("This caller reaches no vault."), "vault", location=location)
    names = dict(Vault.objects.filter(pk__in=ids).values_list("pk", "name"))
    choices = ", ".join(f"{pk} ({names.get(pk, '')})" for pk in ids)
    if location == "query":
        message = _("Say which vault with ?vault=<id>: you reach %(count)d: %(choices)s.")
    else:
        message = _('Say which vault with "vault": <id>: you reach %(count)d: %(choices)s.')
    return problem(message % {"count": len(ids), "choices": choices}, "vault", location=location)


class FieldError(HttpError):
    """An HttpError that names the field at fault and where it was sent."""

    def __init__(
        self, status_code: int, message: str, field_name: str, location: str = "body"
    ) -> None:
        super().__init__(status_code, message)
        self.field_name = field_name
        self.location = location
