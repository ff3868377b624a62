"""The encrypted tally ("counted as cast"; docs/e2e-protocol.md §10.1).

Which ballot counts is the plain rule (`ballots.tally.counted_ballots`): only rights on the
roll, one ballot each — the last when revotes are allowed, else the first. Then, for every
option j:

    weight aggregate         Aⱼ = Σ_v W_v·cᵥ,ⱼ        (choice ballots: 0/1 times the weight)
                             Aⱼ = Σ_v Pᵥ,ⱼ            (divided votes: the part already is weight)
    organizations aggregate  Oⱼ = Σ_v cᵥ,ⱼ            (choice ballots only)

Ballots of equal weight are added first and multiplied once per weight (the same sum with
far fewer scalar multiplications: weights repeat across a roll).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ballots.e2e import elgamal
from ballots.e2e.decryption import AggregateKey
from ballots.e2e.elgamal import Ciphertext


def aggregates_for(options: int, divided: bool) -> list[AggregateKey]:
    """The aggregates of a poll, in their published order: every option's weight, then
    (choice ballots) every option's organizations."""
    keys = [AggregateKey(j, "weight") for j in range(options)]
    if not divided:
        keys += [AggregateKey(j, "organizations") for j in range(options)]
    return keys


def weight_classes(
    counted: Sequence[tuple[int, Sequence[Ciphertext]]], options: int
) -> dict[int, list[Ciphertext]]:
    """weight → per option, the sum of the counted ballots' ciphertexts of that weight.
    `counted` holds (weight, per-option ciphertexts) of each counted ballot."""
    sums: dict[int, list[list[Ciphertext]]] = {}
    for weight, ciphertexts in counted:
        columns = sums.setdefault(weight, [[] for _ in range(options)])
        for j, c in enumerate(ciphertexts):
            columns[j].append(c)
    return {w: [elgamal.total(column) for column in columns] for w, columns in sums.items()}


def combine_classes(
    classes: Mapping[int, Sequence[Ciphertext]], options: int, divided: bool
) -> dict[AggregateKey, Ciphertext]:
    """The aggregates from per-weight sums (for divided votes, the "weight" key of every
    class is 1: parts carry their weight)."""
    out: dict[AggregateKey, Ciphertext] = {}
    for j in range(options):
        weighted = [
            column[j] if divided or w == 1 else elgamal.scale(w, column[j])
            for w, column in sorted(classes.items())
        ]
        out[AggregateKey(j, "weight")] = elgamal.total(weighted)
    if not divided:
        for j in range(options):
            out[AggregateKey(j, "organizations")] = elgamal.total(
                column[j] for _, column in sorted(classes.items())
            )
    return out


def encrypted_tally(
    counted: Sequence[tuple[int, Sequence[Ciphertext]]], options: int, divided: bool
) -> dict[AggregateKey, Ciphertext]:
    """The aggregates of the counted ballots ((weight, per-option ciphertexts) each; for
    divided votes, the parts' ciphertexts and any weight)."""
    classes = weight_classes([(1 if divided else w, cs) for w, cs in counted], options)
    return combine_classes(classes, options, divided)
