"""Is this photo one a browser will show? Checked before an imported photo is stored.

A vCard's PHOTO (or a JSON document's photo) is only bytes: a sniffed magic number says what
the file claims to be, not that it decodes. A truncated JPEG, a TIFF from an old address book
or a "decompression bomb" (a tiny file that unpacks to gigapixels) would otherwise be stored and
then shown as a broken image on the person page, or worse, exhaust memory when something later
decodes it. :func:`photo_problem` decodes the image with Pillow, within a pixel budget, and
says in a few translated words what is wrong, or ``None`` when the photo is fine.

Pure: no models, no storage; the caller decides what to do with the reason.
"""

from __future__ import annotations

import io
import warnings

from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

#: The formats a browser shows in an ``<img>`` (Pillow's names for them). MPO is a JPEG with
#: more pictures after the first (phone cameras write it); a browser shows the first.
SHOWN_FORMATS = frozenset({"PNG", "JPEG", "MPO", "GIF", "WEBP"})

#: The most pixels a photo may have: a 48-megapixel phone photo fits, a decompression bomb
#: does not. Pillow's own guard (``Image.MAX_IMAGE_PIXELS``, about 89 million) only warns.
MAX_PIXELS = 50_000_000

# Formats Pillow does not open but that people do have in old address books or from iPhones;
# named so the reason says more than "not an image".
_UNOPENED: tuple[tuple[int, bytes, str], ...] = (
    (4, b"ftypheic", "HEIC"),
    (4, b"ftypheix", "HEIC"),
    (4, b"ftypmif1", "HEIF"),
    (4, b"ftypavif", "AVIF"),
)

# The magic numbers of the shown formats: bytes that start like one but that Pillow cannot
# open are a damaged image (a GIF cut off inside its header), not "not an image".
_SHOWN_MAGIC: tuple[tuple[int, bytes], ...] = (
    (0, b"\x89PNG\r\n\x1a\n"),
    (0, b"\xff\xd8\xff"),
    (0, b"GIF87a"),
    (0, b"GIF89a"),
    (8, b"WEBP"),
)


def photo_problem(data: bytes) -> str | None:
    """``None`` when *data* is a decodable PNG, JPEG, GIF or WebP image, else the reason."""
    if not data:
        return _("not an image")
    try:
        with warnings.catch_warnings():
            # Pillow warns (and only past twice the limit raises) about decompression bombs;
            # here a warning is a refusal like any other.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                kind = str(image.format or "")
                width, height = image.size
                if kind not in SHOWN_FORMATS:
                    return _unshown(kind)
                if width * height > MAX_PIXELS:
                    return _too_large(width, height)
                # verify() checks the structure (PNG chunk CRCs, for one) without decoding.
                image.verify()
            # After verify() the image must be reopened; decoding finds what verify() cannot
            # (a WebP with garbage in it). A JPEG is decoded at reduced scale, which reads the
            # whole file but costs a fraction of the time and memory. A JPEG whose last bytes
            # are missing is kept: browsers draw what is there, and old phones (BlackBerry,
            # in the corpus) wrote such photos.
            with Image.open(io.BytesIO(data)) as image:
                if kind in ("JPEG", "MPO"):
                    image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
                    try:
                        image.load()
                    except OSError as error:
                        if not _cut_short(error):
                            raise
                else:
                    image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return _("the image is too large to show (more than %(megapixels)d megapixels)") % {
            "megapixels": MAX_PIXELS // 1_000_000
        }
    except UnidentifiedImageError:
        return _unidentified(data)
    except (OSError, ValueError, SyntaxError, EOFError, IndexError, TypeError, MemoryError):
        # Pillow's decoders raise any of these on a damaged file ("image file is truncated",
        # "broken PNG file", "Truncated File Read", ...).
        return _("the image is damaged")
    return None


def _cut_short(error: OSError) -> bool:
    """Pillow's words for a JPEG that ends early (as opposed to one with garbage inside)."""
    message = str(error)
    return "truncated" in message or "broken data stream" in message


def _unshown(kind: str) -> str:
    return _("an image format Aandacht does not show (%(format)s)") % {
        "format": kind or _("unknown")
    }


def _too_large(width: int, height: int) -> str:
    return _(
        "the image is too large to show (%(width)d × %(height)d pixels, more than "
        "%(megapixels)d megapixels)"
    ) % {"width": width, "height": height, "megapixels": MAX_PIXELS // 1_000_000}


def _unidentified(data: bytes) -> str:
    """Pillow could not tell what it is: name the image formats it does not open."""
    for offset, magic in _SHOWN_MAGIC:
        if data[offset : offset + len(magic)] == magic and (offset == 0 or data[:4] == b"RIFF"):
            return _("the image is damaged")
    for offset, magic, kind in _UNOPENED:
        if data[offset : offset + len(magic)] == magic:
            return _unshown(kind)
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in head):
        return _unshown("SVG")
    return _("not an image")


def stored_photo(photo: FieldFile) -> bytes | None:
    """A person's stored photo file, or None without one or when the file has gone missing
    from the storage (an export, a copy or a phone's card then goes without it, not fails)."""
    if not photo:
        return None
    try:
        with photo.open("rb") as handle:
            data: bytes = handle.read()
    except OSError:
        return None
    return data
