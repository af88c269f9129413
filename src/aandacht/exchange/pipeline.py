"""Reading and preparing a large vCard file in a second process while the importer writes.

An import is two halves of about equal weight: reading the file, turning cards into records
and preparing them (:mod:`prepare`: phone numbers, folding, search columns), and matching,
merging and writing them. The first half needs nothing of the vault, so for a file of at least
:data:`MIN_BYTES` a worker process does it and sends prepared records in chunks through a
pipe, while this process matches and writes: on two cores the import takes the time of the
slower half, not of both.

- The database is only touched here, in the importer's one transaction: atomicity is as before.
- Streams work (stdin, an upload): a thread feeds the file's bytes to the worker; the pipe's
  bounded buffer keeps both sides in step, so memory stays bounded.
- A file the worker cannot read raises the same :class:`UnreadableFile` (code and message)
  here; a crash of the worker raises ``RuntimeError``; nothing is written in either case.
- The worker is stopped on every way out (an error, KeyboardInterrupt, a closed generator).
- It is started with ``spawn``: forking a threaded web process (jobs run in threads) is unsafe.

Smaller files are read in this process, exactly as before.
"""

from __future__ import annotations

import gc
import multiprocessing
import pickle
import queue
import threading
import traceback
from collections.abc import Generator, Iterable, Iterator
from multiprocessing.connection import Connection
from typing import IO, Any

from aandacht.exchange import from_vcard
from aandacht.exchange.records import Problem, Record, UnreadableFile

MIN_BYTES = 1_000_000  # below this the worker's start-up (about half a second) is not worth it
BLOCK = 1 << 20
CHUNK = 500  # records per message: small enough to keep both processes busy from the start
QUEUED = 16  # messages received but not yet taken: about 12 MB at most
# Below this many chunks waiting here the worker sends records as read and this process
# prepares them itself (see _work). 0: the worker always prepares. Measured at 50,000 cards
# (load about 1.7): with 2, this process prepared about a quarter of the cards and was the
# slower side (12.5 s CPU, 12.4 s wall); with 0, 9.2 s CPU and 10.7 s wall (1: 10.6 and 11.0).
# This side's matching and writing is the larger half, so it should not take preparing over.
LOW_WATER = 0


class VcardRecords:
    """The records of a vCard stream; :meth:`prepared_chunks` reads them in a worker."""

    def __init__(self, stream: IO[bytes], head: bytes) -> None:
        self.stream = stream
        self.head = head
        self.large = len(head) >= MIN_BYTES
        self._records: Iterator[Record | Problem] | None = None

    def _blocks(self) -> Iterator[bytes]:
        if self.head:
            yield self.head
        while block := self.stream.read(BLOCK):
            yield block

    def __iter__(self) -> Iterator[Record | Problem]:
        return self

    def __next__(self) -> Record | Problem:
        """Read in this process (anyone but the importer, or a small file)."""
        if self._records is None:
            self._records = from_vcard.records_from_vcards(self._blocks())
        return next(self._records)

    def prepared_chunks(
        self, *, region: str, photo_limit: int, language: str | None
    ) -> Generator[list[Any], None, None]:
        """Chunks of prepared records and problems, in file order, from a worker process."""
        context = multiprocessing.get_context("spawn")
        inbox_reader, inbox_writer = context.Pipe(duplex=False)
        outbox_reader, outbox_writer = context.Pipe(duplex=False)
        # Chunks received here and not yet taken: shared memory the worker reads to decide who
        # prepares the next chunk (a plain int, written here, read there: no lock needed).
        backlog = context.RawValue("i", 0)
        worker = context.Process(
            target=_work,
            args=(
                inbox_reader,
                outbox_writer,
                region,
                photo_limit,
                language,
                CHUNK,
                backlog,
                LOW_WATER,
            ),
            name="aandacht-import-reader",
            daemon=True,
        )
        worker.start()
        inbox_reader.close()
        outbox_writer.close()
        feed_error: list[BaseException] = []
        feeder = threading.Thread(
            target=self._feed, args=(inbox_writer, feed_error), name="aandacht-import-feed",
            daemon=True,
        )  # fmt: skip
        feeder.start()
        # A thread takes the worker's messages off the pipe as they come, so the worker never
        # waits for this process to finish a chunk (measured: without it the two processes
        # mostly took turns); they are unpickled here, in order.
        received: queue.Queue[bytes | None] = queue.Queue(maxsize=QUEUED)
        stop = threading.Event()
        receiver = threading.Thread(
            target=_receive, args=(outbox_reader, received, stop, backlog),
            name="aandacht-import-receive",
            daemon=True,
        )  # fmt: skip
        receiver.start()
        try:
            while True:
                data = received.get()
                backlog.value = received.qsize()
                if data is None:
                    worker.join(5)
                    if feed_error:
                        raise feed_error[0] from None
                    raise RuntimeError(
                        f"the import's reading process ended unexpectedly (exit code "
                        f"{worker.exitcode})"
                    ) from None
                message = pickle.loads(data)  # noqa: S301 (our own worker's messages)
                kind = message[0]
                if kind == "chunk":
                    yield message[1]
                elif kind == "done":
                    break
                elif kind == "unreadable":
                    raise UnreadableFile(message[1], message[2])
                else:
                    if feed_error:
                        raise feed_error[0]
                    raise RuntimeError(f"the import's reading process failed:\n{message[1]}")
            worker.join(10)
        finally:
            stop.set()
            _stop(worker)  # its end of the pipe closes: the receiver sees the end
            receiver.join(5)
            outbox_reader.close()
            feeder.join(1)

    def _feed(self, inbox: Connection, errors: list[BaseException]) -> None:
        try:
            for block in self._blocks():
                inbox.send_bytes(block)
            inbox.send_bytes(b"")
        except (BrokenPipeError, EOFError, ConnectionResetError):
            pass  # the worker stopped: the main side knows why
        except BaseException as error:  # a read error of the stream: re-raised by the reader
            errors.append(error)
        finally:
            inbox.close()


def _receive(
    outbox: Connection, received: queue.Queue[bytes | None], stop: threading.Event, backlog: Any
) -> None:
    """Move the worker's messages into ``received`` until the pipe ends (then ``None``)."""
    while not stop.is_set():
        try:
            data: bytes | None = outbox.recv_bytes()
        except (EOFError, OSError):
            data = None
        while not stop.is_set():
            try:
                received.put(data, timeout=0.1)
                backlog.value = received.qsize()
                break
            except queue.Full:
                continue
        if data is None:
            return


def _stop(worker: Any) -> None:
    if worker.is_alive():
        worker.terminate()
        worker.join(5)
        if worker.is_alive():
            worker.kill()
            worker.join(5)
    worker.close()


def _received(inbox: Connection) -> Iterator[bytes]:
    while block := inbox.recv_bytes():
        yield block


def _prepared(item: Record | Problem, preparer: Any, empty_problem: Any) -> Any:
    if isinstance(item, Record):
        return empty_problem(item.number) if item.is_empty() else preparer.prepare(item)
    return item


def _work(
    inbox: Connection,
    outbox: Connection,
    region: str,
    photo_limit: int,
    language: str | None,
    chunk_size: int,
    backlog: Any,
    low_water: int,
) -> None:
    """The worker: read cards, make records, prepare them; send chunks until the end.

    Preparing is about half of this side's work. When the importer has fewer than
    ``low_water`` (:data:`LOW_WATER`) chunks waiting the chunk goes as read and the importer
    prepares it itself (``importing`` prepares any :class:`Record` it is given, with the same
    :class:`Preparer`, region, limit and language). With the default of 0 the worker always
    prepares: the importer's own half is the larger one (measured, see :data:`LOW_WATER`).
    """
    try:
        from aandacht import bootstrap

        bootstrap.setup_django()
        from django.utils import translation

        from aandacht.exchange.prepare import Preparer, empty_problem

        if language:
            translation.activate(language)
        preparer = Preparer(region, photo_limit)
        # Nothing here outlives a chunk and nothing makes cyclic garbage: the collector only
        # walked the live records again and again (measured: 0.57 s of 10 s for 50,000 cards).
        # It runs once per chunk sent instead, and never over Django and the modules.
        gc.freeze()
        gc.disable()
        chunk: list[Any] = []
        items: Iterable[Record | Problem] = from_vcard.records_from_vcards(_received(inbox))
        for item in items:
            chunk.append(item)
            if len(chunk) >= chunk_size:
                if backlog.value >= low_water:
                    chunk = [_prepared(item, preparer, empty_problem) for item in chunk]
                outbox.send(("chunk", chunk))
                chunk = []
                gc.collect(1)
        if chunk:
            outbox.send(("chunk", [_prepared(item, preparer, empty_problem) for item in chunk]))
        outbox.send(("done",))
    except UnreadableFile as error:
        outbox.send(("unreadable", error.code, str(error)))
    except (BrokenPipeError, EOFError, KeyboardInterrupt):
        pass  # the importer went away
    except BaseException:
        try:
            outbox.send(("crash", traceback.format_exc()))
        except OSError:
            pass
    finally:
        outbox.close()
