"""Bounded discrete logarithms by baby-step giant-step (Shanks), for decrypted totals.

A decrypted total is t·G with 0 ≤ t ≤ bound (the poll's total weight, or its number of
voting rights): m = ⌊√bound⌋ + 1 baby steps j·G (j < m) in a table, then giant steps
M − i·m·G; at most 2·m group additions. The table is kept per m, so decrypting every
option of a poll builds it once.
"""

from __future__ import annotations

from functools import lru_cache
from math import isqrt

from ballots.e2e import group
from ballots.e2e.group import Point


class DlogNotFound(ValueError):
    """The point is not t·G for any t in [0, bound]."""


@lru_cache(maxsize=4)
def _baby_steps(m: int) -> dict[bytes, int]:
    table: dict[bytes, int] = {}
    point = group.IDENTITY
    for j in range(m):
        table[point] = j
        point = group.add(point, group.GENERATOR)
    return table


def bounded_dlog(target: Point, bound: int) -> int:
    """t in [0, bound] with t·G = target; `DlogNotFound` when there is none."""
    if bound < 0:
        raise DlogNotFound("negative bound")
    m = isqrt(bound) + 1
    table = _baby_steps(m)
    giant = group.neg(group.base_mul(m))
    point = target
    for i in range(m + 1):
        j = table.get(point)
        if j is not None and i * m + j <= bound:
            return i * m + j
        point = group.add(point, giant)
    raise DlogNotFound(f"the total is not between 0 and {bound}")
