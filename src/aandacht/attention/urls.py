from __future__ import annotations

from aandacht.attention.views import circles, digest, feed, report, today

app_name = "attention"

urlpatterns = [
    *today.urlpatterns,
    *circles.urlpatterns,
    *feed.urlpatterns,
    *digest.urlpatterns,
    *report.urlpatterns,
]
