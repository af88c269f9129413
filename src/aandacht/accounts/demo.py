"""The demo network's team: who else works in the demo vault (filled in by the accounts work)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aandacht.demo.builder import DemoBuilder


def add_demo(builder: DemoBuilder) -> None:
    """Nothing yet."""
