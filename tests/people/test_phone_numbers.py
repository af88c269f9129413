"""Phone numbers: only a valid number gets the home region's country code."""

from __future__ import annotations

import pytest

from aandacht.people.contact import InvalidContact, format_phone, normalize_phone


@pytest.mark.parametrize(
    ("raw", "normalized", "shown"),
    [
        ("06 1234 5678", "+31612345678", "+31 6 12345678"),
        ("020 123 4567", "+31201234567", "+31 20 123 4567"),
        ("0031 6 12345678", "+31612345678", "+31 6 12345678"),
        ("+1 905 555 1234", "+19055551234", "+1 905-555-1234"),
        ("+44 20 7946 0958", "+442079460958", "+44 20 7946 0958"),
        # An American number on an American card without +1 is not Dutch: kept as written.
        ("905-555-1234", "9055551234", "905-555-1234"),
        ("123456", "123456", "123456"),
    ],
)
def test_numbers_in_the_netherlands(raw: str, normalized: str, shown: str) -> None:
    assert normalize_phone(raw, "NL") == normalized
    assert format_phone(raw, "NL") == shown


def test_a_number_without_digits_is_refused() -> None:
    with pytest.raises(InvalidContact, match="no digits"):
        normalize_phone("call me", "NL")
