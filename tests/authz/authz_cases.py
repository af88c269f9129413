"""The URL cases of the authorization proof: each classified URL with each set of parameters,
filled in from the world, and the requests the tests make."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from http.cookies import SimpleCookie

from authz_routes import GHOST_ID, Route, all_routes, fill
from authz_table import Rule, rule_for
from authz_world import VAULT_A_MARKERS, World
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

WRITES = ("post", "put", "patch", "delete")
METHODS = ("get", *WRITES)
ROUTES = all_routes()


@dataclass(frozen=True)
class Case:
    """One URL with one set of parameters."""

    route: Route
    rule: Rule
    params: Mapping[str, str]

    @property
    def id(self) -> str:
        literal = ",".join(v[1:] for v in self.params.values() if v.startswith("="))
        return f"{self.route.name}[{literal}]" if literal else self.route.name

    def url(self, world: World, *, ghost: bool = False) -> str:
        path = fill(self.route, self._values(world, self.params, ghost))
        if self.rule.access == "vault":
            vault = GHOST_ID if ghost else world.vault.pk
            path += f"?vault={vault}"
        return path

    def data(self, world: World) -> dict[str, object]:
        return self._values(world, self.rule.data, False)

    @staticmethod
    def _values(world: World, sources: Mapping[str, str], ghost: bool) -> dict[str, object]:
        values: dict[str, object] = {}
        for name, source in sources.items():
            if source.startswith("="):
                values[name] = source[1:]
            elif ghost and isinstance(world.ids[source], int) and source != "card_year":
                values[name] = GHOST_ID
            else:
                values[name] = world.ids[source]
        return values


def cases_of(*accesses: str) -> list[Case]:
    cases = []
    for route in ROUTES:
        rule = rule_for(route.name)
        if rule is None or rule.access not in accesses:
            continue
        for params in rule.param_sets():
            cases.append(Case(route, rule, params))
    return cases


def ids_of(cases: list[Case]) -> list[str]:
    return [case.id for case in cases]


def request(
    client: Client, method: str, url: str, data: Mapping[str, object] | None = None
) -> HttpResponse:
    if method == "get":
        response: HttpResponse = client.get(url)
    elif method == "post":
        response = client.post(url, dict(data or {}))
    else:
        form = "application/x-www-form-urlencoded"
        response = getattr(client, method)(url, "", content_type=form)
    return response


def undone(
    client: Client, method: str, url: str, data: Mapping[str, object] | None = None
) -> HttpResponse:
    """A request whose writes are rolled back at once (the owner's probes change nothing), the
    client's cookies too (a sign-out or a new session key would sign the client out)."""
    cookies = client.cookies
    client.cookies = SimpleCookie()
    client.cookies.update(cookies)
    try:
        with transaction.atomic():
            response = request(client, method, url, data)
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
    return response


def login_path() -> str:
    return reverse("accounts:login")


def text_of(response: HttpResponse) -> str:
    """The body as text, a streamed download (a file, an export) included; read once and kept
    on the response, since a stream can be read only once."""
    kept: str | None = getattr(response, "authz_text", None)
    if kept is not None:
        return kept
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    else:
        body = response.content
    text = body.decode("utf-8", "replace")
    response.authz_text = text  # type: ignore[attr-defined]
    return text


def found_in(response: HttpResponse, markers: tuple[str, ...]) -> list[str]:
    text = text_of(response)
    return [marker for marker in markers if marker in text]


def shows_vault_a(response: HttpResponse) -> list[str]:
    return found_in(response, VAULT_A_MARKERS)
