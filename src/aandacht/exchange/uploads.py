"""Receiving an import file without letting a huge upload fill the disk.

Django writes an upload to a temporary file as it streams in and only then lets the view look
at its size. :class:`LimitedUploadHandler` counts while it writes: a request that announces
more than the limit is not parsed at all, and a file that turns out bigger stops being written
at the limit (its temporary file is removed), so a 2 GB upload costs neither 2 GB of disk nor
the time to store it. The view then says, in words, what the limit is.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.files.uploadedfile import TemporaryUploadedFile
from django.core.files.uploadhandler import SkipFile, TemporaryFileUploadHandler
from django.http import HttpRequest

from aandacht.web.access import positive_id

# Room for the multipart envelope and the small form fields next to the file.
FORM_OVERHEAD_BYTES = 64 * 1024


def announced_length(request: HttpRequest) -> int | None:
    """The request body's size as the client announced it (None when it did not say)."""
    raw = request.META.get("CONTENT_LENGTH") or ""
    return 0 if raw == "0" else positive_id(raw)


def announces_too_much(request: HttpRequest, limit: int) -> bool:
    """True when the body is announced larger than a file of ``limit`` bytes can make it.

    Checked before the body is read: such a request is answered without parsing it.
    """
    length = announced_length(request)
    return length is not None and length > limit + FORM_OVERHEAD_BYTES


class LimitedUploadHandler(TemporaryFileUploadHandler):
    """Streams each file to a temporary file and drops it once it passes ``limit`` bytes.

    After parsing, ``too_big`` says whether a file was dropped; the form fields sent before the
    file (the CSRF token, the chosen format) are parsed as usual.
    """

    def __init__(self, request: HttpRequest | None = None, *, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.too_big = False
        self.received = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        self.received = 0
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_big = True
            self._discard()
            raise SkipFile()
        self.file.write(raw_data)
        return None

    def _discard(self) -> None:
        upload: TemporaryUploadedFile | None = getattr(self, "file", None)
        if upload is None:
            return
        path = upload.temporary_file_path()
        upload.close()  # a NamedTemporaryFile removes itself on close
        try:
            os.remove(path)
        except FileNotFoundError:
            pass
