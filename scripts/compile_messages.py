"""Compile src/aandacht/locale/*/LC_MESSAGES/*.po to .mo with polib (no system gettext).

Usage: python scripts/compile_messages.py [--stale] [PO ...]
Exits 1 and prints ``file:line: problem`` for a catalogue that cannot be compiled.
The work is done by :mod:`aandacht.translations`, which the app also uses at start-up.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Works before `pip install -e .` too: import the package straight from the source tree.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from aandacht.translations import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
