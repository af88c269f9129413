"""The REST API: one NinjaAPI instance, its schema at /api/openapi.json, its docs at /api/docs.

Every answer is JSON, errors included (``{"detail": …}``): ninja's own 404 and 405, an unknown
route under /api/, a body that is not JSON, a failed validation (which names the field).
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import URLPattern, URLResolver, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.openapi.docs import Swagger, _csrf_needed
from ninja.parser import Parser

from aandacht.api.core import BearerToken, BrowserSession, CallerThrottle, FieldError

logger = logging.getLogger("django.request")


class AandachtAPI(NinjaAPI):
    """NinjaAPI whose URL patterns answer JSON for wrong methods and unknown routes too."""

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        patterns: list[URLResolver | URLPattern] = []
        for pattern in super()._get_urls():
            if isinstance(pattern, URLPattern):
                pattern = URLPattern(
                    pattern.pattern, _json_405(pattern.callback), pattern.default_args, pattern.name
                )
            patterns.append(pattern)
        patterns.append(re_path(r"^.*$", unknown_route))
        return patterns


def _json_405(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and "json" not in response.get("Content-Type", ""):
            allowed = response.get("Allow", "")
            answer = JsonResponse(
                {
                    "detail": _("Method %(method)s is not allowed here; use %(allowed)s.")
                    % {"method": request.method, "allowed": allowed}
                },
                status=405,
            )
            answer["Allow"] = allowed
            return answer
        return response

    return wrapped


@csrf_exempt
def unknown_route(request: HttpRequest) -> HttpResponse:
    return JsonResponse(
        {"detail": _("There is no API route %(path)s.") % {"path": request.path}}, status=404
    )


class ObjectParser(Parser):
    """Bodies are JSON objects: an array or a bare value is refused (a 400), not read as {}."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        return data


class AandachtSwagger(Swagger):
    """ninja's bundled Swagger UI in our own page (``api/swagger.html``): the site's icon
    instead of ninja's, a language, a viewport and a no-JavaScript pointer to the schema.
    Everything still comes from this server (the docs page's CSP allows nothing else)."""

    template = "api/swagger.html"

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        openapi_url = self.get_openapi_url(api, kwargs)
        settings = {**self.settings, "url": openapi_url}
        context = {
            "swagger_settings": json.dumps(settings, indent=1),
            "api": api,
            "add_csrf": _csrf_needed(api),
            "openapi_url": openapi_url,
        }
        return render(request, self.template, context)


api = AandachtAPI(
    title="Aandacht API",
    version="1",
    description=(
        "People, conversations, notes, moments, follow-ups, circles and the Today agenda. "
        "Authenticate with `Authorization: Bearer <token>` (a personal access token), or sign "
        'in to the web app and use this page. Errors are JSON: `{"detail": "..."}`.'
    ),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    docs=AandachtSwagger(),
    auth=[BearerToken(), BrowserSession()],
    parser=ObjectParser(),
    throttle=[CallerThrottle()],
)


def _json(request: HttpRequest, data: dict[str, Any], status: int) -> HttpResponse:
    return api.create_response(request, data, status=status)


@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    message = exc.message
    if message == "Unauthorized":  # ninja's own, when no credentials came at all
        message = _("Authentication required: send Authorization: Bearer <token>.")
    response = _json(request, {"detail": message}, 401)
    response["WWW-Authenticate"] = 'Bearer realm="aandacht"'
    return response


@api.exception_handler(Throttled)
def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    response = _json(
        request, {"detail": _("Too many requests: slow down and try again shortly.")}, 429
    )
    if exc.wait is not None:
        response["Retry-After"] = str(max(1, int(exc.wait + 0.999)))
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    message = exc.message
    if message == "Cannot parse request body":
        message = _("The request body must be a JSON object, in valid JSON.")
    data: dict[str, Any] = {"detail": message}
    if isinstance(exc, FieldError):
        data["errors"] = [{"field": exc.field_name, "location": exc.location, "message": message}]
    return _json(request, data, exc.status_code)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ())]
        where = location[0] if location else "body"
        # ("body", "payload", "name") → "name"; ("query", "limit") → "limit"
        names = location[2:] if where == "body" and len(location) > 2 else location[1:]
        field_name = ".".join(names) or where
        message = str(error.get("msg", _("invalid value")))
        if location == ["body", "payload"]:  # nothing (or not an object) was sent
            field_name, message = "body", _("send a JSON object")
        if error.get("type") == "json_invalid":
            return _json(request, {"detail": _("The request body is not valid JSON.")}, 400)
        problems.append({"field": field_name, "location": where, "message": message})
    summary = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
    return _json(
        request,
        {"detail": _("Invalid input: %(problems)s") % {"problems": summary}, "errors": problems},
        422,
    )


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A bug is still a bug (logged with its traceback, mailed to ADMINS), but the client
    gets JSON like every other answer."""
    from aandacht.web import faults

    if (fault := faults.fault_of(exc)) is not None:  # a full disk, a read-only database: 503
        faults.log_fault(request, fault, exc)
        return faults.fault_response(request, fault)
    logger.error(
        "Internal Server Error: %s",
        request.path,
        exc_info=exc,
        extra={"status_code": 500, "request": request},
    )
    return _json(request, {"detail": _("Something went wrong on our side.")}, 500)


def _register() -> None:
    from aandacht.api import circles, people, timeline, today, vaults

    api.add_router("/vaults", vaults.router)
    api.add_router("/people", people.router)
    for prefix, router in timeline.routers.items():
        api.add_router(prefix, router)
    api.add_router("/circles", circles.router)
    api.add_router("/today", today.router)


_register()

__all__ = ["api"]
