"""``aandacht move`` / ``aandacht copy``: registered on ``aandacht.cli.app`` (end of cli.py)."""

from __future__ import annotations
