"""The REST API: one NinjaAPI instance, its schema at /api/openapi.json, its docs at /api/docs."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(
    title="Aandacht API",
    version="1",
    description="People, conversations, notes, moments, follow-ups, circles and the Today agenda.",
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
