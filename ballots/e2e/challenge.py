"""The Benaloh challenge ("cast as intended", docs/e2e-protocol.md §6.5).

Before casting, a delegate may ask the page to prove what it encrypted: the page reveals
every ciphertext's message and randomness (`ballots.e2e.vote.Opening`), the ballot is
thrown away, and anyone — the page itself, `asamblea check-challenge`, an auditor — re-encrypts
and compares. `check_opening` does that and says which choice the ballot held.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ballots.e2e import elgamal
from ballots.e2e.ballot import Ballot
from ballots.e2e.ballot_check import Verification
from ballots.e2e.elgamal import Ciphertext
from ballots.e2e.encoding import EncodingError, decode_scalar
from ballots.e2e.params import PollParams
from ballots.e2e.statements import bits_for
from ballots.e2e.vote import Opening, ballot_ciphertexts


def parse_opening(data: object) -> Opening:
    """An opening from {"messages": [int…], "randomness": [hex scalar…]}."""
    if not isinstance(data, Mapping) or set(data) != {"messages", "randomness"}:
        raise EncodingError("an opening has exactly messages and randomness")
    messages, randomness = data["messages"], data["randomness"]
    if not isinstance(messages, list) or not isinstance(randomness, list):
        raise EncodingError("opening messages and randomness must be lists")
    if any(type(m) is not int or m not in (0, 1) for m in messages):
        raise EncodingError("opening messages must be 0 or 1")
    scalars = tuple(decode_scalar(r, f"opening.randomness[{i}]") for i, r in enumerate(randomness))
    return Opening(tuple(messages), scalars)


def _vote_of(params: PollParams, ballot: Ballot, messages: Sequence[int]) -> dict[str, object]:
    options = params.spec.options
    if not ballot.parts:
        return {"choices": [key for key, m in zip(options, messages, strict=True) if m]}
    m = len(messages) // (2 * len(options))
    split = {}
    for j, key in enumerate(options):
        bits = messages[2 * m * j : 2 * m * j + m]
        split[key] = sum(bit << b for b, bit in enumerate(bits))
    return {"split": split}


def check_opening(
    params: PollParams, ballot: Ballot, opening: Opening, weight: int | None = None
) -> tuple[Verification, dict[str, object] | None]:
    """Whether `opening` re-encrypts to exactly the ballot's ciphertexts under the poll's
    key (check "challenge"), and the vote they hold ({"choices": [...]} or {"split": {...}})."""
    ciphertexts: list[Ciphertext] = ballot_ciphertexts(ballot)
    if len(opening.messages) != len(ciphertexts) or len(opening.randomness) != len(ciphertexts):
        return Verification(
            False, "challenge", "the opening does not match the ballot's size"
        ), None
    if weight is not None and ballot.parts and len(ballot.parts[0].bits) != bits_for(weight):
        return Verification(False, "challenge", "the parts have the wrong number of bits"), None
    key = params.election_key
    for n, (c, m, r) in enumerate(
        zip(ciphertexts, opening.messages, opening.randomness, strict=True)
    ):
        if elgamal.encrypt(key, m, r) != c:
            return Verification(
                False, "challenge", f"ciphertext {n} is not what was revealed"
            ), None
    return Verification(True, "challenge", "the ballot encrypts what was revealed"), _vote_of(
        params, ballot, opening.messages
    )
