"""A whole key ceremony run in one process: every trustee's side of `ballots.e2e.dkg`, in
order, for the demo, the benchmarks and the tests (real trustees each run their own side
with `asamblea trustee` on their own laptop; the server only relays).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ballots.e2e import dkg
from ballots.e2e.ceremony import Ceremony, CeremonyError
from ballots.e2e.dkg import Outcome
from ballots.e2e.randomness import Randomness

Relay = Callable[[int, dict[str, object]], dict[str, object]]


@dataclass
class LocalCeremony:
    """What a ceremony produced: its public transcript, each trustee's secret share (for
    the trustees that could compute one), and the outcome."""

    ceremony: Ceremony
    cards: list[dict[str, object]]
    dealings: list[dict[str, object]]
    complaints: list[dict[str, object]]
    shares: dict[int, int]
    outcome: Outcome

    def transcript(self) -> dict[str, object]:
        """ceremony.json's object (docs/e2e-protocol.md §11.1)."""
        return {
            "setup": self.ceremony.to_dict(),
            "cards": self.cards,
            "dealings": self.dealings,
            "complaints": self.complaints,
        }


def run_local_ceremony(
    ceremony: Ceremony,
    keys: Mapping[int, Ed25519PrivateKey],
    rands: Mapping[int, Randomness],
    relay: Relay | None = None,
) -> LocalCeremony:
    """Run cards, dealings, complaints and final shares for every trustee of `ceremony`
    (trustee ℓ signs with keys[ℓ] and draws from rands[ℓ]). `relay(index, dealing)` is
    what the bulletin board delivers of each dealing (unchanged by default; a test makes a
    cheating dealer with it)."""
    cards, transport = [], {}
    for i in sorted(keys):
        card, transport[i] = dkg.make_card(ceremony, i, keys[i], rands[i])
        cards.append(card)
    read_cards = {c.index: c for c in (dkg.read_card(ceremony, s) for s in cards)}
    dealings, coefficients = [], {}
    for i in sorted(keys):
        dealing, coefficients[i] = dkg.make_dealing(ceremony, i, keys[i], read_cards, rands[i])
        dealings.append(relay(i, dealing) if relay else dealing)
    read_dealings = {}
    for signed in dealings:
        try:
            read = dkg.read_dealing(ceremony, signed, sorted(read_cards))
        except CeremonyError:
            continue
        read_dealings[read.index] = read
    complaints: list[dict[str, object]] = []
    received = {}
    for i in sorted(keys):
        received[i], mine = dkg.receive(
            ceremony, i, keys[i], transport[i], read_cards, read_dealings, rands[i]
        )
        complaints += mine
    outcome = dkg.outcome(ceremony, cards, dealings, complaints)
    shares = {}
    if outcome.trustees is not None:
        for i in sorted(keys):
            try:
                shares[i] = dkg.final_share(i, coefficients[i], received[i], outcome.trustees)
            except ValueError:
                continue
    return LocalCeremony(ceremony, cards, dealings, complaints, shares, outcome)
