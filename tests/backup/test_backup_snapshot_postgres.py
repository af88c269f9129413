"""On PostgreSQL the JSON-lines dump is one REPEATABLE READ snapshot while the app writes.

(The SQLite snapshot under a writing process is test_backup_processes.py's; the in-memory
SQLite test database cannot take a second writing connection, so this one is PostgreSQL's.)
"""

from __future__ import annotations

import json
import threading
import time
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import connection, connections

from aandacht.accounts.models import Vault
from aandacht.backup import archive
from aandacht.backup.make import create_backup
from aandacht.people.services import create_person
from aandacht.timeline.models import Note

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL's snapshot (the PostgreSQL leg)"
    ),
]

TIMEOUT = 30
NOTES = 5_000


def test_the_dump_is_one_snapshot_while_another_connection_writes(
    tmp_path: Path, media: Path, alice: User, vault: Vault
) -> None:
    person = create_person(vault, "Veel Notities")
    Note.objects.bulk_create(
        Note(vault=vault, person=person, body=f"note {i} " + "x" * 200) for i in range(NOTES)
    )
    stop = threading.Event()
    written = [0]

    def writer() -> None:
        try:
            while not stop.is_set():
                Note.objects.create(vault=vault, person=person, body="during the backup")
                written[0] += 1
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + TIMEOUT
        while written[0] < 20 and time.monotonic() < deadline:
            time.sleep(0.01)
        at_start = NOTES + written[0]
        result = create_backup(tmp_path / "b.zip")
        at_end = NOTES + written[0]
    finally:
        stop.set()
        thread.join(TIMEOUT)
    assert at_end > at_start

    ids: list[int] = []
    with zipfile.ZipFile(result.path) as opened, opened.open(archive.JSONL_MEMBER) as lines:
        table = None
        id_index = 0
        for line in lines:
            item = json.loads(line)
            if isinstance(item, dict):
                table = item["model"]
                if table == "timeline.note":
                    id_index = item["fields"].index("id")
            elif table == "timeline.note":
                ids.append(item[id_index])
    first = min(ids)
    assert ids == list(range(first, first + len(ids)))  # a prefix of the writes, no gaps
    assert at_start <= len(ids) <= at_end
    assert result.counts["timeline.note"] == len(ids)
