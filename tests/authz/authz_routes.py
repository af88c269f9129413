"""Every URL pattern of the site, found by walking the resolver, and how to fill one in."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

GHOST_ID = 2**62  # a key no row has: what an object that does not exist answers
_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Route:
    name: str  # namespace:name; unnamed patterns get "namespace:<route>"
    route: str  # the full route, as in path() (regular expressions for re_path)
    converters: Mapping[str, str]  # parameter -> converter name ("int", "slug", "str", …)
    is_regex: bool
    callback: str

    @property
    def namespace(self) -> str:
        return self.name.split(":", 1)[0] if ":" in self.name else ""


def _pattern_text(pattern: URLPattern | URLResolver) -> tuple[str, bool]:
    if isinstance(pattern.pattern, RoutePattern):
        return str(pattern.pattern), False
    return str(pattern.pattern), True


def all_routes() -> list[Route]:
    """Every URL pattern, depth first, with its namespace and full route."""
    found: list[Route] = []

    def walk(resolver: URLResolver, prefix: str, regex: bool, namespace: str) -> None:
        for pattern in resolver.url_patterns:
            text, is_regex = _pattern_text(pattern)
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern, prefix + text, regex or is_regex, inner)
                continue
            route = prefix + text
            label = pattern.name or f"<{route}>"
            name = f"{namespace}:{label}" if namespace else label
            callback = pattern.callback
            found.append(
                Route(
                    name=name,
                    route=route,
                    converters={
                        m.group("name"): m.group("converter") or "str"
                        for m in _PARAM.finditer(route)
                    },
                    is_regex=regex or is_regex,
                    callback=f"{getattr(callback, '__module__', '?')}."
                    f"{getattr(callback, '__qualname__', '?')}",
                )
            )

    walk(get_resolver(), "", False, "")
    return found


def fill(route: Route, values: Mapping[str, object]) -> str:
    """The path of ``route`` with its parameters replaced by ``values``."""
    if route.is_regex:
        raise ValueError(f"{route.name} is a regular expression; give its URL by hand")

    def value(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in values:
            raise KeyError(f"{route.name}: no value for the parameter {name!r}")
        return str(values[name])

    return "/" + _PARAM.sub(value, route.route)
