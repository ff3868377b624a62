"""The public outcome of the trustees' key ceremony: who may decrypt, and with which keys.

After the ceremony (`ballots.e2e.dkg`), each qualified trustee i has published Feldman
commitments Cᵢ,ⱼ = aᵢ,ⱼ·G to the coefficients of its secret polynomial fᵢ of degree k − 1.
Everything public follows from them (docs/e2e-protocol.md §7):

    election key         Y  = Σᵢ Cᵢ,₀                      (i over the qualified trustees)
    verification key of ℓ  Xℓ = Σⱼ ℓʲ · (Σᵢ Cᵢ,ⱼ)            (= xℓ·G, xℓ trustee ℓ's share)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ballots.e2e import group
from ballots.e2e.encoding import EncodingError, decode_hex, decode_point, point_hex
from ballots.e2e.group import L, Point

MAX_TRUSTEES = 64


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class Trustees:
    """A k-of-n trustee set: the ceremony's fingerprint, the threshold k, the number n of
    trustees (indices 1..n), and the Feldman commitments of each qualified trustee."""

    ceremony: bytes
    threshold: int
    count: int
    commitments: Mapping[int, tuple[Point, ...]]

    def __post_init__(self) -> None:
        if len(self.ceremony) != 32:
            raise EncodingError("trustees.ceremony must be 32 bytes")
        if not (_is_int(self.count) and 1 <= self.count <= MAX_TRUSTEES):
            raise EncodingError(f"trustees.count must be between 1 and {MAX_TRUSTEES}")
        if not (_is_int(self.threshold) and 1 <= self.threshold <= self.count):
            raise EncodingError("trustees.threshold must be between 1 and trustees.count")
        if not self.commitments:
            raise EncodingError("trustees.commitments names no qualified trustee")
        for index, coefficients in self.commitments.items():
            if not 1 <= index <= self.count:
                raise EncodingError(f"trustee index {index} is not in 1..{self.count}")
            if len(coefficients) != self.threshold:
                raise EncodingError(
                    f"trustee {index} has {len(coefficients)} commitments, expected "
                    f"{self.threshold}"
                )

    def election_key(self) -> Point:
        """Y = Σᵢ Cᵢ,₀ over the qualified trustees."""
        return group.total([self.commitments[i][0] for i in sorted(self.commitments)])

    def column_sums(self) -> list[Point]:
        """Σᵢ Cᵢ,ⱼ for j = 0..k−1: the commitments of the joint polynomial."""
        dealers = sorted(self.commitments)
        return [
            group.total([self.commitments[i][j] for i in dealers]) for j in range(self.threshold)
        ]

    def verification_key(self, index: int) -> Point:
        """Xℓ = Σⱼ ℓʲ·(Σᵢ Cᵢ,ⱼ): trustee ℓ's share times G, from public data only."""
        if not 1 <= index <= self.count:
            raise ValueError(f"trustee index {index} is not in 1..{self.count}")
        return group.total(
            [group.mul(pow(index, j, L), column) for j, column in enumerate(self.column_sums())]
        )

    def to_dict(self) -> dict[str, object]:
        """The `trustees` object of the poll parameters (docs/e2e-protocol.md §8)."""
        return {
            "ceremony": self.ceremony.hex(),
            "threshold": self.threshold,
            "count": self.count,
            "commitments": [
                {"index": i, "coefficients": [point_hex(p) for p in self.commitments[i]]}
                for i in sorted(self.commitments)
            ],
        }

    @classmethod
    def from_dict(cls, data: object) -> Trustees:
        """Parse the `trustees` object strictly; `EncodingError` names what is wrong."""
        if not isinstance(data, Mapping) or set(data) != {
            "ceremony",
            "threshold",
            "count",
            "commitments",
        }:
            raise EncodingError(
                "trustees must have exactly ceremony, threshold, count, commitments"
            )
        threshold, count, listed = data["threshold"], data["count"], data["commitments"]
        if not _is_int(threshold) or not _is_int(count):
            raise EncodingError("trustees.threshold and trustees.count must be integers")
        if not isinstance(listed, list) or len(listed) > MAX_TRUSTEES:
            raise EncodingError("trustees.commitments must be a list")
        commitments: dict[int, tuple[Point, ...]] = {}
        for n, item in enumerate(listed):
            what = f"trustees.commitments[{n}]"
            if not isinstance(item, Mapping) or set(item) != {"index", "coefficients"}:
                raise EncodingError(f"{what} must have exactly index and coefficients")
            index, coefficients = item["index"], item["coefficients"]
            if not _is_int(index) or index in commitments:
                raise EncodingError(f"{what}.index must be a new integer")
            if not isinstance(coefficients, list) or len(coefficients) > MAX_TRUSTEES:
                raise EncodingError(f"{what}.coefficients must be a list")
            commitments[index] = tuple(
                decode_point(p, f"{what}.coefficients[{j}]") for j, p in enumerate(coefficients)
            )
        if list(commitments) != sorted(commitments):
            raise EncodingError("trustees.commitments must be sorted by index")
        return cls(
            ceremony=decode_hex(data["ceremony"], "trustees.ceremony", 32),
            threshold=threshold,
            count=count,
            commitments=commitments,
        )
