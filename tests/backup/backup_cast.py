"""The cast's data, with everything a backup must bring back: people, a photo, notes,
interactions, a private note, an access token and CardDAV cards."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from PIL import Image

from aandacht.accounts.models import Vault
from aandacht.accounts.tokens import create_token
from aandacht.carddav import store
from aandacht.exchange.json_document import export_json
from aandacht.people.models import Person
from aandacht.people.services import add_contact_method, create_person, set_tags
from aandacht.timeline.services import add_note, log_interaction


def png_bytes(colour: str = "red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(buffer, format="PNG")
    return buffer.getvalue()


@dataclass(frozen=True)
class Cast:
    photo_person: Person
    photo_name: str
    photo: bytes
    raw_token: str


def seed(alice: User, vault: Vault, other_vault: Vault) -> Cast:
    anna = create_person(vault, "Anna de Vries", organisation="Gemeente")
    bram = create_person(vault, "Bram Bakker")
    add_contact_method(anna, "email", "anna@example.org")
    set_tags(vault, anna, ["familie", "werk"])
    add_note(vault, anna, "Loves sailing", author=alice)
    add_note(vault, bram, "Only for me", private=True, author=alice)
    log_interaction(vault, [anna, bram], "call", summary="Catching up", author=alice)
    create_person(other_vault, "Mallory's friend")
    photo = png_bytes()
    anna.photo.save("anna.png", ContentFile(photo), save=True)
    token = create_token(alice, "phone", "write")
    store.refresh(vault)
    return Cast(anna, anna.photo.name, photo, token.secret)


def exported(vault: Vault, user: User) -> dict[str, Any]:
    """The vault's JSON export without the moment it was made."""
    stream = io.StringIO()
    export_json(vault, stream, user=user)
    document = json.loads(stream.getvalue())
    document.pop("exported_at", None)
    return dict(document)
