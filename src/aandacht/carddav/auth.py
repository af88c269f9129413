"""Who is calling the CardDAV server: HTTP Basic with a personal access token, nothing else.

Address book clients store their password and send it on every request, so CardDAV never
takes the login password (see ``accounts.tokens.authenticate_basic``) and never a session
cookie: a request without a good ``Authorization: Basic`` header is a 401 with a challenge
the client can answer, never a redirect to the HTML sign-in page.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse

from aandacht.accounts import tokens
from aandacht.accounts.models import AccessToken, Membership, Role

REALM = "Aandacht"
CHALLENGE = f'Basic realm="{REALM}", charset="UTF-8"'
WRITER_ROLES = frozenset({Role.OWNER, Role.EDITOR})
# A Basic header longer than this holds no token of ours (a token is about 50 characters).
MAX_HEADER = 1024


@dataclass
class Principal:
    """A user acting through one token: its scope and its one vault (if set) narrow the user's
    memberships, never widen them."""

    user: User
    token: AccessToken
    _roles: dict[int, str] | None = field(default=None, repr=False)
    _names: dict[int, str] = field(default_factory=dict, repr=False)

    @property
    def username(self) -> str:
        return self.user.get_username()

    def roles(self) -> dict[int, str]:
        """vault id → role, for the vaults this token may read. One query (with the vaults'
        names, for the address books' display names), then cached."""
        if self._roles is None:
            memberships = Membership.objects.filter(user=self.user)
            if self.token.vault_id is not None:
                memberships = memberships.filter(vault_id=self.token.vault_id)
            rows = list(memberships.values_list("vault_id", "role", "vault__name"))
            self._roles = {vault_id: role for vault_id, role, _name in rows}
            self._names = {vault_id: name for vault_id, _role, name in rows}
        return self._roles

    def vault_name(self, vault_id: int) -> str:
        self.roles()
        return self._names.get(vault_id, "")

    def can_read(self, vault_id: int) -> bool:
        return vault_id in self.roles()

    def can_write(self, vault_id: int) -> bool:
        return self.token.can_write and self.roles().get(vault_id) in WRITER_ROLES


def basic_credentials(request: HttpRequest) -> tuple[str, str] | None:
    """(username, password) from an ``Authorization: Basic`` header, or None if malformed."""
    header = request.headers.get("Authorization", "")
    if not header or len(header) > MAX_HEADER:
        return None
    scheme, _space, encoded = header.strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    username, colon, password = decoded.partition(":")
    if not colon:
        return None
    return username, password


def authenticate(request: HttpRequest) -> Principal | None:
    """The principal behind the request's Basic credentials, or None (answer 401)."""
    credentials = basic_credentials(request)
    if credentials is None:
        return None
    token = tokens.authenticate_basic(*credentials)
    if token is None:
        return None
    return Principal(user=token.user, token=token)


def challenge(
    message: str = "Authentication required: your username and an access token.\n",
) -> HttpResponse:
    """The 401 a client answers by asking its user for credentials."""
    response = HttpResponse(message, status=401, content_type="text/plain; charset=utf-8")
    response["WWW-Authenticate"] = CHALLENGE
    return response
