"""The statutes' seat rules of a board election, and the candidates as the rules see them.

`SeatRules` (seats, reservations per region or network, parity, what happens to a reserved
seat its group cannot fill) and `Candidate` (region, networks, gender) are the inputs of
`ballots.seats.allocate`; their dict forms are result.json `election.rules` and
`election.candidates` (docs/elections.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

RESERVATION_KINDS = ("region", "network")
UNFILLED_RULES = ("vacant", "general")
TIE_RULES = ("rejected", "chair")
MAX_SEATS = 100


class SeatRulesError(ValueError):
    """Seat rules or candidates from which no allocation can be made."""


def is_int(value: object) -> bool:
    """Whether `value` is an integer and not a boolean (JSON true is not 1)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _text(name: str, value: object, optional: bool = False) -> None:
    if optional and value is None:
        return
    if not isinstance(value, str) or not value or len(value) > 120:
        raise SeatRulesError(f"{name} must be a text of 1 to 120 characters, got {value!r}")


@dataclass(frozen=True)
class Reservation:
    """`seats` seats reserved for the candidates of one region or one network.

    kind: "region" or "network"; value: the region code or network name as the registry
    writes it (e.g. "andean", "Workers Network").
    """

    kind: str
    value: str
    seats: int = 1

    def __post_init__(self) -> None:
        if self.kind not in RESERVATION_KINDS:
            raise SeatRulesError(f"a reservation is for a region or a network, got {self.kind!r}")
        _text("reservation value", self.value)
        if not is_int(self.seats) or self.seats < 1:
            raise SeatRulesError(f"a reservation has at least one seat, got {self.seats!r}")

    def to_dict(self) -> dict[str, object]:
        """{kind, value, seats}, as result.json `election.rules.reservations` lists it."""
        return {"kind": self.kind, "value": self.value, "seats": self.seats}


@dataclass(frozen=True)
class Candidate:
    """A candidate: its option key in the poll, and what reservations and parity look at."""

    key: str
    region: str | None = None
    networks: tuple[str, ...] = ()
    gender: str | None = None

    def __post_init__(self) -> None:
        _text("candidate key", self.key)
        _text(f"region of {self.key}", self.region, optional=True)
        _text(f"gender of {self.key}", self.gender, optional=True)
        if isinstance(self.networks, str) or not isinstance(self.networks, tuple | list):
            raise SeatRulesError(f"networks of {self.key} must be a list")
        for network in self.networks:
            _text(f"network of {self.key}", network)
        object.__setattr__(self, "networks", tuple(self.networks))

    def fits(self, reservation: Reservation) -> bool:
        """Whether this candidate may hold a seat reserved by `reservation`."""
        if reservation.kind == "region":
            return self.region == reservation.value
        return reservation.value in self.networks

    def to_dict(self) -> dict[str, object]:
        """{region, networks, gender}: the public facts the allocation used."""
        return {"region": self.region, "networks": list(self.networks), "gender": self.gender}


@dataclass(frozen=True)
class SeatRules:
    """The statutes' seat rules for one election.

    seats: total seats (1..100). reservations: in the order the seats are numbered; their
    seats add up to at most `seats`. parity: at most ⌈seats/2⌉ elected of one gender.
    unfilled_reserved: "vacant" (a reserved seat its group cannot fill stays empty) or
    "general" (it is filled from the general list).
    """

    seats: int
    reservations: tuple[Reservation, ...] = ()
    parity: bool = False
    unfilled_reserved: str = "vacant"

    def __post_init__(self) -> None:
        if not is_int(self.seats) or not 1 <= self.seats <= MAX_SEATS:
            raise SeatRulesError(f"seats must be a whole number from 1 to {MAX_SEATS}")
        if not isinstance(self.reservations, tuple | list):
            raise SeatRulesError("reservations must be a list")
        object.__setattr__(self, "reservations", tuple(self.reservations))
        if not all(isinstance(r, Reservation) for r in self.reservations):
            raise SeatRulesError("each reservation must be a Reservation")
        groups = [(r.kind, r.value) for r in self.reservations]
        if len(set(groups)) != len(groups):
            raise SeatRulesError("a group has at most one reservation (give it more seats)")
        if self.reserved > self.seats:
            raise SeatRulesError(
                f"{self.reserved} seats are reserved but there are only {self.seats}"
            )
        if not isinstance(self.parity, bool):
            raise SeatRulesError("parity must be true or false")
        if self.unfilled_reserved not in UNFILLED_RULES:
            raise SeatRulesError("unfilled_reserved must be 'vacant' or 'general'")

    @property
    def reserved(self) -> int:
        """How many seats the reservations take together."""
        return sum(r.seats for r in self.reservations)

    @property
    def gender_cap(self) -> int:
        """At most this many elected of one gender: ⌈seats/2⌉ with parity, else all seats."""
        return (self.seats + 1) // 2 if self.parity else self.seats

    def to_dict(self) -> dict[str, object]:
        """Every field, as result.json `election.rules` states them."""
        return {
            "seats": self.seats,
            "reservations": [r.to_dict() for r in self.reservations],
            "parity": self.parity,
            "unfilled_reserved": self.unfilled_reserved,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> SeatRules:
        """Rules from their dict form; unknown or missing fields are refused."""
        if not isinstance(data, Mapping) or set(data) != {
            "seats", "reservations", "parity", "unfilled_reserved"
        }:
            raise SeatRulesError(
                "election rules need exactly seats, reservations, parity, unfilled_reserved"
            )
        raw = data["reservations"]
        if not isinstance(raw, list) or not all(
            isinstance(r, Mapping) and set(r) == {"kind", "value", "seats"} for r in raw
        ):
            raise SeatRulesError("each reservation needs exactly kind, value and seats")
        return cls(
            seats=data["seats"],  # type: ignore[arg-type]
            reservations=tuple(Reservation(r["kind"], r["value"], r["seats"]) for r in raw),
            parity=data["parity"],  # type: ignore[arg-type]
            unfilled_reserved=data["unfilled_reserved"],  # type: ignore[arg-type]
        )
