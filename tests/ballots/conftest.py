"""Test setup for `ballots/`: make the helper modules of this folder importable.

The helpers (`ballots_testkit`, `naive_reference`) sit next to the tests. Putting this
folder on sys.path here makes them importable under any pytest import mode, without an
`__init__.py` (which would clash with the real `ballots` package name).
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)
