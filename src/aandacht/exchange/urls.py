from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from aandacht.exchange import views

app_name = "exchange"

urlpatterns: list[URLPattern | URLResolver] = [
    path("import/", views.import_page, name="import"),
    path("import/<int:pk>/", views.job_page, name="job"),
    path("import/<int:pk>/columns/", views.mapping_page, name="mapping"),
    path("import/<int:pk>/preview/", views.preview, name="preview"),
    path("import/<int:pk>/run/", views.run_import, name="run"),
    path("import/<int:pk>/retry/", views.retry, name="retry"),
    path("import/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("export/", views.export_page, name="export"),
]
