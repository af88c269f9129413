"""photo_problem: real images made by Pillow pass; everything else gets a specific reason."""

from __future__ import annotations

import io
import random
import struct
import zlib

import pytest
from PIL import Image

from aandacht.exchange import photos
from aandacht.exchange.photos import photo_problem


def _image_bytes(kind: str, size: tuple[int, int] = (16, 12), mode: str = "RGB") -> bytes:
    image = Image.new(mode, size, (200, 80, 40) if mode == "RGB" else 1)
    # A little structure, so a cut-off file is not all one run of bytes.
    for x in range(size[0]):
        image.putpixel((x, x % size[1]), (x * 7 % 256, 10, 200) if mode == "RGB" else 2)
    buffer = io.BytesIO()
    image.save(buffer, format=kind)
    return buffer.getvalue()


@pytest.mark.parametrize("kind", ["PNG", "JPEG", "GIF", "WEBP"])
def test_shown_formats_pass(kind: str) -> None:
    assert photo_problem(_image_bytes(kind)) is None


def test_palette_and_transparent_png_pass() -> None:
    assert photo_problem(_image_bytes("PNG", mode="P")) is None
    buffer = io.BytesIO()
    Image.new("RGBA", (3, 3), (0, 0, 0, 0)).save(buffer, format="PNG")
    assert photo_problem(buffer.getvalue()) is None


def test_a_phone_cameras_multi_picture_jpeg_passes() -> None:
    first, second = Image.new("RGB", (16, 12), (1, 2, 3)), Image.new("RGB", (8, 6), (4, 5, 6))
    buffer = io.BytesIO()
    first.save(buffer, format="MPO", save_all=True, append_images=[second])
    data = buffer.getvalue()
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "MPO"  # what Pillow calls it; a browser shows it as a JPEG
    assert photo_problem(data) is None
    assert photo_problem(data[: len(data) // 3]) == "the image is damaged"


def test_animated_gif_passes() -> None:
    frames = [Image.new("P", (8, 8), colour) for colour in (1, 2, 3)]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:])
    assert photo_problem(buffer.getvalue()) is None


@pytest.mark.parametrize(("kind", "name"), [("TIFF", "TIFF"), ("BMP", "BMP"), ("ICO", "ICO")])
def test_formats_a_browser_does_not_show_are_named(kind: str, name: str) -> None:
    reason = photo_problem(_image_bytes(kind))
    assert reason == f"an image format Aandacht does not show ({name})"


def test_heic_and_svg_are_named_though_pillow_does_not_open_them() -> None:
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 40
    assert photo_problem(heic) == "an image format Aandacht does not show (HEIC)"
    svg = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"></svg>'
    assert photo_problem(svg) == "an image format Aandacht does not show (SVG)"
    assert photo_problem(b"<svg></svg>") == "an image format Aandacht does not show (SVG)"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"hello, this is a text file\n",
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nEND:VCARD\r\n",
        b"%PDF-1.7\n",
        bytes(range(256)),
    ],
)
def test_not_an_image(data: bytes) -> None:
    assert photo_problem(data) == "not an image"


def test_random_bytes_are_not_an_image() -> None:
    rng = random.Random(5)
    for _ in range(200):
        data = rng.randbytes(rng.randint(1, 2000))
        # Random bytes could in principle start like an image; then it is a damaged one.
        assert photo_problem(data) in {"not an image", "the image is damaged"}
    assert photo_problem(random.Random(1).randbytes(5000)) == "not an image"


def test_random_bytes_after_a_real_header_are_damaged() -> None:
    rng = random.Random(7)
    for kind in ("PNG", "JPEG", "GIF", "WEBP"):
        data = _image_bytes(kind, size=(32, 32))
        mangled = data[:40] + rng.randbytes(len(data))
        assert photo_problem(mangled) == "the image is damaged", kind


@pytest.mark.parametrize("kind", ["PNG", "JPEG", "GIF", "WEBP"])
def test_a_truncated_image_is_damaged(kind: str) -> None:
    data = _image_bytes(kind, size=(64, 48))
    assert photo_problem(data[: len(data) // 2]) == "the image is damaged"


def test_only_the_header_is_damaged_not_a_non_image() -> None:
    # The magic number and not much else: it says PNG, it is a broken one.
    assert photo_problem(_image_bytes("PNG")[:20]) == "the image is damaged"
    assert photo_problem(b"\xff\xd8\xff\xe0" + b"\x00" * 10) == "the image is damaged"
    assert photo_problem(b"GIF89a\x01") == "the image is damaged"
    assert photo_problem(b"RIFF\x10\x00\x00\x00WEBPVP8 ") == "the image is damaged"
    # "WEBP" at offset 8 without a RIFF header is nothing.
    assert photo_problem(b"xxxxxxxxWEBP" + b"\x00" * 8) == "not an image"


def test_a_png_with_a_bad_checksum_is_damaged() -> None:
    data = bytearray(_image_bytes("PNG"))
    index = data.index(b"IDAT") + 6  # a byte inside the compressed pixels
    data[index] ^= 0xFF
    assert photo_problem(bytes(data)) == "the image is damaged"


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims *width* × *height* pixels: the header of a decompression bomb."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    pixels = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels)


@pytest.mark.parametrize(
    "size",
    [
        (8_000, 7_000),  # 56 megapixels: over our limit, under Pillow's warning
        (10_000, 10_000),  # 100 megapixels: Pillow warns
        (20_000, 20_000),  # 400 megapixels: Pillow raises
    ],
)
def test_a_decompression_bomb_is_refused_before_decoding(size: tuple[int, int]) -> None:
    reason = photo_problem(_png_header_only(*size))
    assert reason is not None
    assert reason.startswith("the image is too large to show")
    assert "50 megapixels" in reason


def test_the_limit_is_inclusive_of_a_big_phone_photo() -> None:
    assert 8_000 * 6_000 <= photos.MAX_PIXELS


def test_the_warning_filter_does_not_leak() -> None:
    import warnings

    photo_problem(_png_header_only(10_000, 10_000))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.warn("still a warning", Image.DecompressionBombWarning, stacklevel=1)
    assert len(caught) == 1


def test_reasons_are_translated() -> None:
    from django.utils import translation

    with translation.override("nl"):
        reason = photo_problem(b"not an image at all")
    assert isinstance(reason, str) and reason


def test_a_jpeg_that_ends_early_is_kept_like_browsers_keep_it() -> None:
    """Old phones (BlackBerry, in the corpus) wrote JPEGs without their last bytes."""
    import io as _io

    from PIL import Image as _Image

    buffer = _io.BytesIO()
    _Image.new("RGB", (64, 64), (10, 200, 30)).save(buffer, "JPEG")
    whole = buffer.getvalue()
    assert photo_problem(whole[:-40]) is None
    assert photo_problem(whole[:20]) is not None  # but not a header alone
