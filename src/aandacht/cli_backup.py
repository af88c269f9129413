"""``aandacht backup`` and ``aandacht restore``: a consistent copy of a whole running instance.

Registered on ``aandacht.cli.app`` (imported at the end of cli.py).
"""

from __future__ import annotations
