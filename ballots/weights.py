"""Weighting schemes: how many votes a voting right carries.

DESIGN.md, "Weighting scheme": a pure function from an organization's member count to an
integer weight. Only integers: no float ever enters a tally, so results are exact and
reproducible by any auditor.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from math import isqrt

SCHEMES = ("equal", "members", "sqrt", "bands")
_FIELDS = frozenset({"scheme", "bands", "max_weight"})
_BAND_FIELDS = frozenset({"min_members", "weight"})


class WeightingError(ValueError):
    """A weighting scheme, band or member count that the statutes' rules cannot accept."""


def _is_int(value: object) -> bool:
    # bool is a subclass of int; True must never pass for a weight of 1.
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class Band:
    """One step of a `bands` scheme: organizations with at least `min_members` get `weight`."""

    min_members: int
    weight: int

    def __post_init__(self) -> None:
        if not _is_int(self.min_members) or self.min_members < 0:
            raise WeightingError(
                f"band min_members must be an integer >= 0, got {self.min_members!r}"
            )
        if not _is_int(self.weight) or self.weight < 1:
            raise WeightingError(f"band weight must be an integer >= 1, got {self.weight!r}")


@dataclass(frozen=True)
class Weighting:
    """An assembly's weighting scheme (API.md `weighting`): scheme, bands, optional cap.

    Bands are kept sorted by `min_members`, so two equal schemes compare equal and
    serialize identically whatever order they were written in.
    """

    scheme: str
    bands: tuple[Band, ...] = ()
    max_weight: int | None = None

    def __post_init__(self) -> None:
        if self.scheme not in SCHEMES:
            raise WeightingError(
                f"unknown weighting scheme {self.scheme!r}; expected one of {', '.join(SCHEMES)}"
            )
        bands = tuple(self.bands)
        for band in bands:
            if not isinstance(band, Band):
                raise WeightingError(f"bands must be Band values, got {band!r}")
        if self.scheme == "bands" and not bands:
            raise WeightingError("scheme 'bands' needs at least one band")
        if self.scheme != "bands" and bands:
            raise WeightingError(f"bands only apply to scheme 'bands', not {self.scheme!r}")
        seen: set[int] = set()
        for band in bands:
            if band.min_members in seen:
                raise WeightingError(f"duplicate band for min_members {band.min_members}")
            seen.add(band.min_members)
        if self.max_weight is not None and (not _is_int(self.max_weight) or self.max_weight < 1):
            raise WeightingError(
                f"max_weight must be an integer >= 1 or null, got {self.max_weight!r}"
            )
        # Normalize: sorted bands make equality and to_dict() independent of input order.
        object.__setattr__(self, "bands", tuple(sorted(bands, key=lambda b: b.min_members)))

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Weighting:
        """Build a scheme from its API.md dict: {"scheme", "bands", "max_weight"}.

        Unknown fields are rejected so that a misspelt field cannot silently change weights.
        """
        if not isinstance(data, Mapping):
            raise WeightingError("weighting must be an object")
        unknown = sorted(set(data) - _FIELDS)
        if unknown:
            raise WeightingError(f"unknown weighting field(s): {', '.join(map(str, unknown))}")
        if "scheme" not in data:
            raise WeightingError("weighting.scheme is required")
        scheme = data["scheme"]
        if not isinstance(scheme, str):
            raise WeightingError(f"weighting.scheme must be a string, got {scheme!r}")
        raw_bands = data.get("bands") or []
        if not isinstance(raw_bands, list | tuple):
            raise WeightingError("weighting.bands must be a list of {min_members, weight}")
        bands = []
        for i, raw in enumerate(raw_bands):
            if not isinstance(raw, Mapping) or set(raw) != _BAND_FIELDS:
                raise WeightingError(
                    f"weighting.bands[{i}] must be an object with exactly min_members and weight"
                )
            min_members, weight = raw["min_members"], raw["weight"]
            if not _is_int(min_members) or not _is_int(weight):
                raise WeightingError(f"weighting.bands[{i}] values must be integers")
            bands.append(Band(min_members=min_members, weight=weight))
        max_weight = data.get("max_weight")
        if max_weight is not None and not isinstance(max_weight, int):
            raise WeightingError(f"max_weight must be an integer >= 1 or null, got {max_weight!r}")
        return cls(scheme=scheme, bands=tuple(bands), max_weight=max_weight)

    def to_dict(self) -> dict[str, object]:
        """The API.md dict form; `from_dict(w.to_dict()) == w`."""
        return {
            "scheme": self.scheme,
            "bands": [{"min_members": b.min_members, "weight": b.weight} for b in self.bands],
            "max_weight": self.max_weight,
        }


def weight_of(members: int, weighting: Weighting) -> int:
    """The weight of one voting right, per DESIGN.md "Weighting scheme".

    equal → 1; members → max(1, members); sqrt → max(1, ⌊√members⌋) (Penrose square-root
    rule, computed exactly with `math.isqrt`); bands → the weight of the highest band whose
    min_members ≤ members, or 1 when no band applies; then min(weight, max_weight) when a cap
    is set. The result is always an integer ≥ 1.
    """
    if not _is_int(members) or members < 0:
        raise WeightingError(f"member count must be an integer >= 0, got {members!r}")
    if weighting.scheme == "equal":
        weight = 1
    elif weighting.scheme == "members":
        weight = max(1, members)
    elif weighting.scheme == "sqrt":
        weight = max(1, isqrt(members))
    else:
        weight = 1
        for band in weighting.bands:  # sorted ascending: the last that applies is the highest
            if band.min_members <= members:
                weight = band.weight
    if weighting.max_weight is not None:
        weight = min(weight, weighting.max_weight)
    return weight
