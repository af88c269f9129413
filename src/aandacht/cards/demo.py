"""Demo data for this feature, built on the demo network's people (see demo/builder.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aandacht.demo.builder import DemoBuilder


def add_demo(builder: DemoBuilder) -> None:
    """Called once at the end of DemoBuilder.build(), inside the demo's transaction."""
