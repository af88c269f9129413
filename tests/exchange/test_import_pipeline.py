"""A large vCard file is read and prepared by a worker process: same result, clean failures."""

from __future__ import annotations

import base64
import io
import multiprocessing
import os
import threading
from typing import Any

import pytest
from django.contrib.auth.models import User

from aandacht.accounts.models import Vault
from aandacht.exchange import pipeline, sources
from aandacht.exchange.importing import import_records
from aandacht.exchange.prepare import Preparer
from aandacht.people.models import Person

NOISE = base64.b64encode(bytes(range(256)) * 4).decode()


def card(number: int) -> str:
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"N:Berg{number};Jan{number};;;",
        f"FN:Jan{number} Berg{number}",
        f"EMAIL;TYPE=INTERNET:jan{number}@example.nl",
        f"TEL;TYPE=CELL:+316{number:08d}",
        "ORG:Acme",
        "BDAY:1980-02-30" if number % 7 == 0 else "BDAY:1980-04-15",
        "CATEGORIES:Clients",
    ]
    if number % 10 == 3:
        lines.append(f"PHOTO;ENCODING=b;TYPE=JPEG:{NOISE}")
    lines.append("END:VCARD")
    return "\r\n".join(lines) + "\r\n"


def vcard_file(count: int) -> bytes:
    text = "".join(card(number) for number in range(1, count + 1))
    text += card(2)  # the same person again: merged in the file
    return text.encode()


def other_vault(alice: User) -> Vault:
    return Vault.objects.create(name="Second")


def comparable(report: Any) -> dict[str, Any]:
    data = report.as_json()
    for entry in data["updated_people"]:
        entry.pop("person_id")
    return data


@pytest.mark.django_db
def test_the_worker_gives_the_same_report_as_reading_in_process(
    vault: Vault, alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = vcard_file(60)
    in_process = import_records(
        vault, sources.read_records(io.BytesIO(data), "vcard"), user=alice, chunk_size=7
    )
    monkeypatch.setattr(pipeline, "MIN_BYTES", 500)
    records = sources.read_records(io.BytesIO(data), "auto")
    assert isinstance(records, pipeline.VcardRecords) and records.large
    second = other_vault(alice)
    piped = import_records(second, records, user=alice, chunk_size=7)
    assert comparable(piped) == comparable(in_process)
    assert (piped.created, piped.merged_in_file) == (60, 1)
    codes = {w.code for w in piped.warnings}
    assert {"bad_date", "bad_photo"} <= codes
    assert Person.objects.filter(vault=second).count() == 60
    assert sorted(Person.objects.filter(vault=second).values_list("uid", flat=True)) == sorted(
        Person.objects.filter(vault=vault).values_list("uid", flat=True)
    )
    assert not multiprocessing.active_children()


@pytest.mark.django_db
@pytest.mark.parametrize(("low_water", "prepared_here"), [(0, 0), (10**6, 60)])
def test_whichever_side_prepares_the_import_is_the_same(
    vault: Vault,
    alice: User,
    monkeypatch: pytest.MonkeyPatch,
    low_water: int,
    prepared_here: int,
) -> None:
    """The worker prepares a chunk only while the importer has enough waiting; otherwise the
    importer prepares it: both ways give what reading in-process gives."""
    data = vcard_file(60)
    in_process = import_records(
        vault, sources.read_records(io.BytesIO(data), "vcard"), user=alice, chunk_size=7
    )
    monkeypatch.setattr(pipeline, "MIN_BYTES", 500)
    monkeypatch.setattr(pipeline, "CHUNK", 5)
    monkeypatch.setattr(pipeline, "LOW_WATER", low_water)
    calls: list[int] = []
    original = Preparer.prepare

    def counting(self: Preparer, record: Any) -> Any:
        calls.append(record.number)
        return original(self, record)

    monkeypatch.setattr(Preparer, "prepare", counting)
    second = other_vault(alice)
    piped = import_records(
        second, sources.read_records(io.BytesIO(data), "auto"), user=alice, chunk_size=7
    )
    # 61 cards in chunks of 5: the last, partial chunk is always the worker's
    assert len(calls) == prepared_here
    assert comparable(piped) == comparable(in_process)
    for model_vault in (vault, second):
        assert Person.objects.filter(vault=model_vault).count() == 60
    assert sorted(Person.objects.filter(vault=second).values_list("uid", "search_text")) == sorted(
        Person.objects.filter(vault=vault).values_list("uid", "search_text")
    )
    assert not multiprocessing.active_children()


@pytest.mark.django_db
def test_a_non_seekable_stream_goes_through_the_worker(
    vault: Vault, alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Like stdin: a pipe, read once, fed to the worker by a thread."""
    monkeypatch.setattr(pipeline, "MIN_BYTES", 500)
    data = vcard_file(40)
    read_end, write_end = os.pipe()

    def write() -> None:
        with os.fdopen(write_end, "wb") as out:
            out.write(data)

    writer = threading.Thread(target=write)
    writer.start()
    with os.fdopen(read_end, "rb") as stream:
        records = sources.read_records(stream, "vcard")
        assert isinstance(records, pipeline.VcardRecords) and records.large
        report = import_records(vault, records, user=alice)
    writer.join()
    assert report.created == 40
    assert Person.objects.filter(vault=vault).count() == 40


class _FailingStream(io.RawIOBase):
    """A stream that breaks after its first bytes, like a dropped network mount."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.sent = False

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if not self.sent:
            self.sent = True
            return self.data
        raise OSError("the disk went away")


@pytest.mark.django_db
def test_a_read_error_of_the_stream_writes_nothing(
    vault: Vault, alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "MIN_BYTES", 500)
    records = sources.read_records(_FailingStream(vcard_file(30)), "vcard")  # type: ignore[arg-type]
    with pytest.raises(OSError, match="the disk went away"):
        import_records(vault, records, user=alice)
    assert not Person.objects.filter(vault=vault).exists()
    assert not multiprocessing.active_children()


@pytest.mark.django_db
def test_a_crash_in_the_worker_is_an_error_here_and_writes_nothing(
    vault: Vault, alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "MIN_BYTES", 500)
    records = sources.read_records(io.BytesIO(vcard_file(30)), "vcard")
    assert isinstance(records, pipeline.VcardRecords)
    # a photo limit that is no number makes the worker fail on the first card with a photo
    chunks = records.prepared_chunks(region="NL", photo_limit="none", language="en")  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="reading process failed"):
        for _chunk in chunks:
            pass
    assert not multiprocessing.active_children()
    assert not Person.objects.filter(vault=vault).exists()


@pytest.mark.django_db
def test_stopping_early_stops_the_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """An import that fails half-way (or Ctrl+C) closes the generator: no process is left."""
    monkeypatch.setattr(pipeline, "MIN_BYTES", 500)
    monkeypatch.setattr(pipeline, "CHUNK", 5)
    records = sources.read_records(io.BytesIO(vcard_file(200)), "vcard")
    assert isinstance(records, pipeline.VcardRecords)
    chunks = records.prepared_chunks(region="NL", photo_limit=10**7, language="en")
    first = next(chunks)
    assert len(first) == 5
    chunks.close()
    assert not multiprocessing.active_children()


def test_a_small_file_is_read_in_process() -> None:
    records = sources.read_records(io.BytesIO(vcard_file(3)), "vcard")
    assert isinstance(records, pipeline.VcardRecords) and not records.large
    assert [getattr(r, "given_name", None) for r in records] == ["Jan1", "Jan2", "Jan3", "Jan2"]


@pytest.mark.django_db
def test_a_failure_while_writing_stops_the_worker_and_writes_nothing(
    vault: Vault, alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """KeyboardInterrupt half-way (here raised by the progress callback) rolls back."""
    monkeypatch.setattr(pipeline, "MIN_BYTES", 500)
    records = sources.read_records(io.BytesIO(vcard_file(300)), "vcard")

    def interrupt(handled: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_records(vault, records, user=alice, chunk_size=20, progress=interrupt)
    assert not multiprocessing.active_children()
    assert not Person.objects.filter(vault=vault).exists()
