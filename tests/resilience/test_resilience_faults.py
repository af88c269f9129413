"""A full disk and a read-only database give a clear answer, not a 500 (web/faults.py).

The conditions are real, on the database this leg runs on: on SQLite ``PRAGMA
max_page_count`` (no room to grow: "database or disk is full", SQLITE_FULL) and ``PRAGMA
query_only`` (SQLITE_READONLY); on PostgreSQL a trigger that raises SQLSTATE 53100 disk_full,
and ``SET TRANSACTION READ ONLY`` (25006). Each write goes through the real view (a form, an
htmx form, the API, CardDAV) and must answer 503 with the fault's text, store nothing, and
leave reads working.
"""

from __future__ import annotations

import errno
import io
import sqlite3
from collections.abc import Iterator

import psycopg
import pytest
from django.contrib.auth.models import User
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, OperationalError, connection
from django.test import Client, RequestFactory
from django.urls import reverse
from refusing_writes import on_sqlite, refusing_writes

from aandacht.accounts.models import Vault
from aandacht.accounts.sessions import SEEN_KEY
from aandacht.accounts.tokens import create_token
from aandacht.exchange import views as exchange_views
from aandacht.people.models import Person
from aandacht.people.services import create_person
from aandacht.timeline.models import Note
from aandacht.web.faults import Fault, fault_of, fault_response

pytestmark = pytest.mark.django_db


HTMX = {"HX-Request": "true"}
BIG_NOTE = "A long story about the holidays. " * 280  # ~10 KB: needs pages the disk lacks
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
FULL_TABLES = ("people_person", "timeline_note", "timeline_interaction")


@pytest.fixture
def ann(vault: Vault) -> Person:
    return create_person(vault, "Ann Smith")


@pytest.fixture
def disk_full(ann: Person, as_alice: Client) -> Iterator[None]:
    """From here on the database cannot grow (SQLite) or refuses writes as a full disk
    would (PostgreSQL); what is stored stays readable."""
    as_alice.get("/")  # the session bookkeeping of the first request is written before
    with connection.cursor() as cursor:
        if on_sqlite():
            # Free pages inside the file (left by earlier tests' deleted rows) would take the
            # new rows without growing it: fill them first, so every insert needs a new page.
            cursor.execute("PRAGMA freelist_count")
            (free,) = cursor.fetchone()
            if free:
                cursor.execute("PRAGMA page_size")
                (page_size,) = cursor.fetchone()
                cursor.execute("CREATE TABLE fault_filler (b BLOB)")
                cursor.execute(
                    "INSERT INTO fault_filler VALUES (zeroblob(%s))", [int(free) * int(page_size)]
                )
            cursor.execute("PRAGMA page_count")
            (pages,) = cursor.fetchone()
            cursor.execute(f"PRAGMA max_page_count = {int(pages)}")
        else:
            cursor.execute(
                "CREATE FUNCTION pg_temp.disk_full() RETURNS trigger LANGUAGE plpgsql AS $$ "
                "BEGIN RAISE EXCEPTION 'could not extend file: No space left on device' "
                "USING ERRCODE = 'disk_full'; END $$"
            )
            for table in FULL_TABLES:
                cursor.execute(
                    f"CREATE TRIGGER disk_full BEFORE INSERT OR UPDATE ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION pg_temp.disk_full()"
                )
    yield
    if on_sqlite():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA max_page_count = 1073741823")
            cursor.execute("DROP TABLE IF EXISTS fault_filler")


@pytest.fixture
def read_only(ann: Person, as_alice: Client) -> Iterator[None]:
    """From here on the database refuses every write, as a read-only file or a read-only
    PostgreSQL transaction does."""
    as_alice.get("/")
    with refusing_writes():
        yield


def note_url(person: Person) -> str:
    return reverse("timeline:note", args=[person.pk])


def assert_fault_page(response: object, heading: str, status: int = 503) -> str:
    assert response.status_code == status, response.content[:500]  # type: ignore[attr-defined]
    html = response.content.decode()  # type: ignore[attr-defined]
    assert heading in html
    assert "Nothing was saved" in html
    assert "Tell your administrator" in html
    return html


# --- recognising the errors ----------------------------------------------------------------


def sqlite_error(code: int, message: str) -> sqlite3.Error:
    error = sqlite3.OperationalError(message)
    error.sqlite_errorcode = code  # type: ignore[attr-defined]
    return error


def wrapped(error: BaseException) -> DatabaseError:
    """What Django raises: its own error class, the driver's as the cause."""
    try:
        raise OperationalError(str(error)) from error
    except OperationalError as django_error:
        return django_error


@pytest.mark.parametrize(
    ("error", "fault"),
    [
        (sqlite_error(13, "database or disk is full"), Fault.DISK_FULL),
        (sqlite_error(8, "attempt to write a readonly database"), Fault.READ_ONLY),
        (sqlite_error(8 | (4 << 8), "SQLITE_READONLY_DBMOVED"), Fault.READ_ONLY),
        (sqlite_error(5, "database is locked"), None),
        (psycopg.errors.DiskFull("could not extend file"), Fault.DISK_FULL),
        (psycopg.errors.ReadOnlySqlTransaction("read-only transaction"), Fault.READ_ONLY),
        (psycopg.errors.UniqueViolation("duplicate key"), None),
        (OSError(errno.ENOSPC, "No space left on device"), Fault.DISK_FULL),
        (OSError(errno.EDQUOT, "Disk quota exceeded"), Fault.DISK_FULL),
        (OSError(errno.EROFS, "Read-only file system"), Fault.READ_ONLY),
        (OSError(errno.EACCES, "Permission denied"), None),
        (ValueError("database or disk is full"), None),  # text alone is not enough
    ],
    ids=lambda value: getattr(value, "name", None) or type(value).__name__,
)
def test_faults_are_recognised_by_code_also_behind_djangos_wrapper(
    error: BaseException, fault: Fault | None
) -> None:
    assert fault_of(error) is fault
    assert fault_of(wrapped(error)) is fault


# --- disk full ------------------------------------------------------------------------------


def test_disk_full_form_write_gets_the_disk_full_page_and_stores_nothing(
    disk_full: None, as_alice: Client, ann: Person
) -> None:
    response = as_alice.post(note_url(ann), {"body": BIG_NOTE})

    html = assert_fault_page(response, "The server&#x27;s disk is full")
    assert response["X-Aandacht-Fault"] == "disk_full"
    assert "<html" in html
    assert Note.objects.count() == 0


def test_disk_full_htmx_write_gets_a_message_htmx_can_show(
    disk_full: None, as_alice: Client, ann: Person
) -> None:
    response = as_alice.post(note_url(ann), {"body": BIG_NOTE}, headers=HTMX)

    html = assert_fault_page(response, "The server&#x27;s disk is full")
    assert "<html" not in html  # a fragment, put on top of the page (aandacht.js)
    assert response["HX-Retarget"] == "#main"
    assert 'role="alert"' in html
    assert Note.objects.count() == 0


@pytest.mark.django_db(transaction=True)  # the API's write is not inside a test transaction
def test_disk_full_api_write_gets_json(disk_full: None, alice: User, ann: Person) -> None:
    token = create_token(alice, "fault test", "write")
    response = Client().post(
        "/api/notes",
        {"person": ann.pk, "body": BIG_NOTE},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token.secret}"},
    )

    assert response.status_code == 503
    assert response.json() == {
        "detail": "The server's disk is full: nothing was saved. Tell your administrator."
    }
    assert Note.objects.count() == 0


def test_disk_full_reads_keep_working(disk_full: None, as_alice: Client, ann: Person) -> None:
    as_alice.post(note_url(ann), {"body": BIG_NOTE})

    assert as_alice.get(reverse("people:detail", args=[ann.pk])).status_code == 200
    assert as_alice.get(reverse("people:list") + "?q=ann").status_code == 200
    assert as_alice.get("/").status_code == 200


def test_disk_full_page_is_translated(disk_full: None, as_alice: Client, ann: Person) -> None:
    response = as_alice.post(note_url(ann), {"body": BIG_NOTE}, headers={"Accept-Language": "nl"})
    assert response.status_code == 503
    assert response["X-Aandacht-Fault"] == "disk_full"
    assert '<html lang="' in response.content.decode()


def test_no_room_for_a_photo_file_gets_the_disk_full_page(
    as_alice: Client, ann: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_space(*args: object, **kwargs: object) -> str:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", no_space)
    response = as_alice.post(
        reverse("people:edit", args=[ann.pk, "photo"]),
        {"photo": SimpleUploadedFile("a.png", PNG)},
    )

    assert_fault_page(response, "The server&#x27;s disk is full")
    ann.refresh_from_db()
    assert not ann.photo


def test_no_room_for_an_export_file_gets_the_disk_full_page(
    as_alice: Client, ann: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    class FullSpool(io.BytesIO):
        def write(self, data: object) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(exchange_views.tempfile, "SpooledTemporaryFile", lambda **kw: FullSpool())
    response = as_alice.get(reverse("exchange:export") + "?format=csv")

    assert_fault_page(response, "The server&#x27;s disk is full")


# --- read-only ------------------------------------------------------------------------------


def test_read_only_form_write_gets_the_read_only_page_and_stores_nothing(
    read_only: None, as_alice: Client, ann: Person
) -> None:
    response = as_alice.post(note_url(ann), {"body": "Short and sweet"})

    assert_fault_page(response, "The database is read-only")
    assert response["X-Aandacht-Fault"] == "read_only"
    assert Note.objects.count() == 0


def test_read_only_htmx_write_gets_a_fragment(
    read_only: None, as_alice: Client, ann: Person
) -> None:
    response = as_alice.post(reverse("timeline:log", args=[ann.pk]), {"kind": "call"}, headers=HTMX)

    html = assert_fault_page(response, "The database is read-only")
    assert "<html" not in html
    assert ann.interactions.count() == 0  # type: ignore[attr-defined]


def test_read_only_quick_add_stores_no_one(read_only: None, as_alice: Client, vault: Vault) -> None:
    response = as_alice.post(
        reverse("people:quick_add") + f"?vault={vault.pk}", {"name": "Ben Jones"}
    )

    assert_fault_page(response, "The database is read-only")
    assert Person.objects.count() == 1


def test_read_only_api_write_with_a_token_gets_503(alice: User, ann: Person) -> None:
    token = create_token(alice, "fault test", "write")
    api = Client()
    headers = {"Authorization": f"Bearer {token.secret}"}
    assert api.get("/api/people", headers=headers).status_code == 200
    with refusing_writes():
        response = api.post(
            "/api/people", {"name": "Ben Jones"}, content_type="application/json", headers=headers
        )
        assert response.status_code == 503, response.content
        assert response.json()["detail"].startswith("The database is read-only")
        assert api.get("/api/people", headers=headers).status_code == 200
        assert Person.objects.count() == 1


def test_read_only_reads_keep_working_even_when_the_session_is_due_a_touch(
    as_alice: Client, ann: Person
) -> None:
    as_alice.get("/")
    session = as_alice.session
    session[SEEN_KEY] = 0  # long ago: the next request wants to record "last seen"
    session.save()
    with refusing_writes():
        for path in ["/", reverse("people:list"), reverse("people:detail", args=[ann.pk])]:
            response = as_alice.get(path)
            assert response.status_code == 200, (path, response.content[-3000:])


@pytest.mark.parametrize(
    ("fault", "status"), [(Fault.DISK_FULL, 507), (Fault.READ_ONLY, 503)], ids=str
)
def test_carddav_clients_get_plain_text(fault: Fault, status: int) -> None:
    request = RequestFactory().put("/dav/addressbooks/alice/1/ann.vcf")
    response = fault_response(request, fault)

    assert response.status_code == status
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "nothing was saved" in response.content.decode()
