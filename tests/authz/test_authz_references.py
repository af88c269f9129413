"""Forms of one's own vault cannot reach into another vault by naming its objects' ids.

mallory posts to her own pages, with form fields that name objects of vault A (a person to
tag, to merge, to add to her round, to log a call with; a circle to join). Each is refused or
ignored: nothing of vault A changes, and her page shows nothing of
it. The same form with her own objects is answered normally (200 or 302, never a 404).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from authz_cases import shows_vault_a
from authz_world import World
from django.db import transaction
from django.test import Client

from aandacht.attention.models import Rhythm
from aandacht.people.models import Person
from aandacht.rounds.models import CheckIn
from aandacht.timeline.models import Interaction

pytestmark = pytest.mark.django_db


def _vault_a_state(world: World) -> tuple[object, ...]:
    """What a reference from elsewhere could change in vault A."""
    person = Person.objects.get(pk=world.ids["person"])
    return (
        person.trashed_at,
        sorted(person.tags.values_list("name", flat=True)),
        CheckIn.objects.filter(person=person).count(),
        Interaction.objects.filter(people=person).count(),
        Rhythm.objects.filter(person_id=world.ids["m_person"])
        .values_list("circle_id", flat=True)
        .first(),
    )


# (name, url, form, changed?) — url and form built from the world; ``A`` and ``M`` stand for
# the ids of vault A's and mallory's own objects.
Post = tuple[str, Callable[[World], str], Callable[[World, str], dict[str, object]]]
POSTS: list[Post] = [
    (
        "bulk tag",
        lambda w: f"/people/bulk-tag/?vault={w.ids['m_vault']}",
        lambda w, side: {
            "person": w.ids["person" if side == "A" else "m_person"],
            "new_tag": "from-mallory",
            "action": "add",
        },
    ),
    (
        "merge",
        lambda w: f"/people/{w.ids['m_person_other']}/merge/",
        lambda w, side: {"with": w.ids["person" if side == "A" else "m_person"]},
    ),
    (
        "round add",
        lambda w: f"/rounds/{w.ids['m_round']}/people/add/",
        lambda w, side: {"person": w.ids["person" if side == "A" else "m_person_other"]},
    ),
    (
        "person circle",
        lambda w: f"/people/{w.ids['m_person']}/circle/",
        lambda w, side: {"circle": w.ids["circle" if side == "A" else "m_circle"]},
    ),
    (
        "log with others",
        lambda w: f"/people/{w.ids['m_person']}/log/",
        lambda w, side: {
            "kind": "call",
            "outcome": "talked",
            "initiated_by": "me",
            "others": w.ids["person" if side == "A" else "m_person_other"],
        },
    ),
]


@pytest.mark.parametrize("name,url,form", POSTS, ids=[p[0] for p in POSTS])
def test_own_forms_cannot_name_another_vaults_objects(
    world: World,
    name: str,
    url: Callable[[World], str],
    form: Callable[[World, str], dict[str, object]],
) -> None:
    mallory: Client = world.clients["mallory"]
    before = _vault_a_state(world)
    with transaction.atomic():
        response = mallory.post(url(world), form(world, "A"))
        after = _vault_a_state(world)
        transaction.set_rollback(True)
    assert response.status_code != 500, name
    assert after == before, name
    assert not shows_vault_a(response), name
    with transaction.atomic():
        own = mallory.post(url(world), form(world, "M"))
        transaction.set_rollback(True)
    assert own.status_code in {200, 302}, (name, own.status_code)
