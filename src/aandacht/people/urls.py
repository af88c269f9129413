from __future__ import annotations

from aandacht.people.views import lifecycle, listing, person, tags, transfer

app_name = "people"

urlpatterns = [
    *listing.urlpatterns,
    *lifecycle.urlpatterns,
    *tags.urlpatterns,
    *transfer.urlpatterns,
    *person.urlpatterns,
]
