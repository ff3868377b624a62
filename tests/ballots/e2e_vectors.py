"""The JSON test vectors of the secret-poll protocol (docs/e2e-protocol.md §12).

Every value is derived from fixed seeds through `SeededRandomness`, so the files are
reproducible: `python tests/ballots/e2e_vectors.py` rewrites them, and
tests/ballots/test_e2e_vectors.py checks that the code still produces exactly them and
that they verify. A second implementation (the browser's) must pass the same files.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from e2e_ceremony import ceremony_vectors
from e2e_poll import yes_no_poll
from e2e_seeds import seeded, voting_key

from ballots.canonical import canonical_json
from ballots.e2e import elgamal, group
from ballots.e2e.encoding import point_hex, scalar_hex
from ballots.e2e.params import PollParams
from ballots.e2e.proofs import prove_equality, prove_one_of, prove_schnorr
from ballots.e2e.transcript import ProofContext, challenge, integer
from ballots.e2e.trustees import Trustees
from ballots.e2e.vote import Voter, choice_ballot, divided_ballot, sign_ballot
from ballots.polls import PollSpec, Rules
from ballots.signing import raw_public_key

HERE = Path(__file__).resolve().parent / "e2e_vectors"
FINGERPRINT = bytes(range(32))
SUBJECT_KEY = bytes(range(32, 64))


def _context_dict(context: ProofContext) -> dict[str, str]:
    return {
        "fingerprint": context.fingerprint.hex(),
        "subject": context.subject,
        "subject_key": context.subject_key.hex(),
    }


def _basics() -> dict[str, Any]:
    """Seeded draws, keys from seeds, encryptions with fixed randomness, a challenge."""
    drbg = seeded("drbg")
    draws = [scalar_hex(drbg.scalar()) for _ in range(4)]
    keys = []
    for label in ("key-0", "key-1"):
        secret = seeded(label).scalar()
        public = point_hex(group.base_mul(secret))
        keys.append({"seed": label, "secret": scalar_hex(secret), "public": public})
    y = group.base_mul(seeded("key-0").scalar())
    encryptions = []
    for message, label in ((0, "enc-0"), (1, "enc-1"), (1000, "enc-1000")):
        r = seeded(label).scalar()
        ct = elgamal.encrypt(y, message, r)
        encryptions.append(
            {
                "public_key": point_hex(y),
                "message": message,
                "randomness": scalar_hex(r),
                **ct.to_dict(),
            }
        )
    context = ProofContext(FINGERPRINT, "org-7", SUBJECT_KEY)
    statement = [group.GENERATOR, integer(3)]
    commitments = [group.base_mul(2)]
    challenges = [
        {
            "tag": "test/challenge",
            **_context_dict(context),
            "statement": [item.hex() for item in statement],
            "commitments": [item.hex() for item in commitments],
            "challenge": scalar_hex(challenge("test/challenge", context, statement, commitments)),
        }
    ]
    return {
        "drbg": {"seed": "drbg", "draws": draws},
        "keys": keys,
        "encryptions": encryptions,
        "challenges": challenges,
    }


def _proofs() -> dict[str, Any]:
    """A Schnorr, a Chaum–Pedersen and a one-of-n proof, each from its seed."""
    context = ProofContext(FINGERPRINT, "org-7", SUBJECT_KEY)
    y = group.base_mul(seeded("key-0").scalar())
    x = seeded("key-1").scalar()
    schnorr = prove_schnorr("test/schnorr", context, x, seeded("schnorr"))
    base = group.base_mul(seeded("base").scalar())
    equality = prove_equality("test/equality", context, x, base, [integer(5)], seeded("equality"))
    r = seeded("one-of").scalar()
    ct = elgamal.encrypt(y, 2, r)
    one_of = prove_one_of(
        "test/one-of", context, y, ct, (0, 1, 2, 3), 2, r, [integer(9)], seeded("one-of-proof")
    )
    ctx = _context_dict(context)
    return {
        "schnorr": {
            "tag": "test/schnorr",
            **ctx,
            "seed": "schnorr",
            "secret": scalar_hex(x),
            "public": point_hex(group.base_mul(x)),
            "proof": schnorr.to_dict(),
        },
        "equality": {
            "tag": "test/equality",
            **ctx,
            "seed": "equality",
            "secret": scalar_hex(x),
            "public": point_hex(group.base_mul(x)),
            "base": point_hex(base),
            "image": point_hex(group.mul(x, base)),
            "extra": [integer(5).hex()],
            "proof": equality.to_dict(),
        },
        "one_of": {
            "tag": "test/one-of",
            **ctx,
            "seed": "one-of-proof",
            "public_key": point_hex(y),
            **ct.to_dict(),
            "values": [0, 1, 2, 3],
            "index": 2,
            "randomness": scalar_hex(r),
            "extra": [integer(9).hex()],
            "proof": one_of.to_dict(),
        },
    }


def primitives() -> dict[str, Any]:
    """Seeded scalars, keys, encryptions, challenges and each kind of proof."""
    return {
        "description": "Seeded draws, keys, ElGamal encryptions, challenges and proofs "
        "(docs/e2e-protocol.md §12). Proofs use the seeds named: drawing order is §5.",
        **_basics(),
        **_proofs(),
    }


def single_trustee(label: str) -> Trustees:
    """A 1-of-1 trustee set whose secret comes from a seed (vectors of ballots only; the
    key ceremony has its own vectors)."""
    secret = seeded(label).scalar()
    return Trustees(
        ceremony=bytes(32), threshold=1, count=1, commitments={1: (group.base_mul(secret),)}
    )


def poll_params(
    method: str,
    options: tuple[str, ...],
    *,
    max_choices: int = 1,
    split: bool = False,
    trustees: Trustees | None = None,
) -> PollParams:
    """A secret poll over a fixed roll hash and script hash."""
    spec = PollSpec(
        method=method,
        options=options,
        max_choices=max_choices,
        allow_split=split,
        allow_revote=True,
        secret=True,
        rules=Rules(),
    )
    return PollParams(
        poll_id=7,
        title="Moción GA-2026-07",
        spec=spec,
        roll_sha256="ab" * 32,
        trustees=trustees or single_trustee("election"),
        script_files=(("e2e/vendor/noble.js", "cd" * 32), ("e2e/asamblea-e2e.js", "ef" * 32)),
    )


CASES = (
    ("yes_no_abstain", ("yes", "no", "abstain"), 1, False, {"choice": "no"}, 1),
    ("single", ("ana", "bruno", "carla"), 1, False, {"choice": "carla"}, 3),
    ("multiple", ("ana", "bruno", "carla", "abstain"), 2, False, {"choices": ["ana", "carla"]}, 2),
    ("multiple", ("ana", "bruno", "carla", "abstain"), 2, False, {"choices": ["abstain"]}, 2),
    ("yes_no_abstain", ("yes", "no", "abstain"), 1, True, {"split": {"yes": 4, "abstain": 1}}, 5),
)


def ballots() -> dict[str, Any]:
    """One ballot of each kind, signed, with its opening (the Benaloh challenge's data)."""
    cases = []
    for n, (method, options, k, split, choice, weight) in enumerate(CASES):
        params = poll_params(method, options, max_choices=k, split=split)
        key = voting_key(f"voter-{n}")
        who = Voter(params, params.fingerprint(), f"org-{n}", key, previous=None)
        rand = seeded(f"ballot-{n}")
        if split:
            ballot, opening = divided_ballot(who, weight, choice["split"], rand)
        else:
            ballot, opening = choice_ballot(who, choice, rand)
        cases.append(
            {
                "poll": params.to_dict(),
                "fingerprint": params.fingerprint().hex(),
                "voter": f"org-{n}",
                "weight": weight,
                "voting_key_seed": f"voter-{n}",
                "voting_key": raw_public_key(key.public_key()).hex(),
                "seed": f"ballot-{n}",
                "vote": choice,
                "ballot": ballot.to_dict(),
                "signature": sign_ballot(ballot, key).hex(),
                "hash": ballot.hash(),
                "opening": {
                    "messages": list(opening.messages),
                    "randomness": [scalar_hex(r) for r in opening.randomness],
                },
            }
        )
    return {
        "description": "Signed encrypted ballots (docs/e2e-protocol.md §6); each case's "
        "`ballot` is what `seed` gives, `expect` of an invalid case the failing check.",
        "valid": cases,
        "invalid": invalid_ballots(cases),
    }


def _cast_of(case: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """The cast context the check runs with (docs/e2e-protocol.md §6.4)."""
    context = {
        "voter": case["voter"],
        "weight": case["weight"],
        "authorized_key": case["voting_key"],
        "previous": None,
    }
    return context | changes


def _mutated(
    case: dict[str, Any], name: str, expect: str, change: Any, resign: bool = True
) -> dict[str, Any]:
    ballot = copy.deepcopy(case["ballot"])
    change(ballot)
    key = voting_key(case["voting_key_seed"])
    signature = key.sign(canonical_json(ballot)).hex() if resign else case["signature"]
    return {
        "name": name,
        "case": CASES_INDEX[id(case)],
        "ballot": ballot,
        "signature": signature,
        "cast": _cast_of(case),
        "expect": expect,
    }


CASES_INDEX: dict[int, int] = {}


def _setter(path: list[Any], value: Any) -> Any:
    """A change that sets the field at `path` of a ballot object to `value`."""

    def change(ballot: Any) -> None:
        target = ballot
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def invalid_ballots(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Ballots each check must refuse, re-signed by the right key unless stated."""
    for n, case in enumerate(cases):
        CASES_INDEX[id(case)] = n
    yes, split = cases[0], cases[4]
    choices = yes["ballot"]["choices"]
    noncanonical = "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"
    other_s = choices[1]["proof"][0]["s"]
    return [
        _mutated(yes, "another poll", "ballot_poll", _setter(["poll"], "ee" * 32)),
        _mutated(
            yes, "identity alpha", "ballot_format", _setter(["choices", 0, "alpha"], "00" * 32)
        ),
        _mutated(
            yes,
            "non-canonical beta",
            "ballot_format",
            _setter(["choices", 1, "beta"], noncanonical),
        ),
        _mutated(
            yes,
            "upper-case hex",
            "ballot_format",
            _setter(["choices", 1, "beta"], choices[1]["beta"].upper()),
        ),
        _mutated(
            yes,
            "scalar not reduced",
            "ballot_format",
            _setter(["choices", 0, "proof", 0, "s"], "ff" * 32),
        ),
        _mutated(
            yes,
            "tampered response",
            "ballot_proof",
            _setter(["choices", 0, "proof", 0, "s"], other_s),
        ),
        _mutated(
            yes,
            "options swapped",
            "ballot_proof",
            _setter(["choices"], [choices[1], choices[0], choices[2]]),
        ),
        _mutated(
            yes,
            "changed after signing",
            "ballot_signature",
            _setter(["choices", 0, "proof", 0, "s"], other_s),
            resign=False,
        ),
        _mutated(
            split,
            "part bits dropped",
            "ballot_range",
            _setter(["parts", 0, "bits"], split["ballot"]["parts"][0]["bits"][:-1]),
        ),
        *_context_cases(yes),
    ]


def _context_cases(case: dict[str, Any]) -> list[dict[str, Any]]:
    """The valid ballot of `case`, cast where the ledger says otherwise."""

    def unchanged(name: str, expect: str, **cast: Any) -> dict[str, Any]:
        return {
            "name": name,
            "case": CASES_INDEX[id(case)],
            "ballot": case["ballot"],
            "signature": case["signature"],
            "cast": _cast_of(case, **cast),
            "expect": expect,
        }

    return [
        unchanged("cast for another right", "ballot_voter", voter="org-99"),
        unchanged("right not on the roll", "ballot_voter", weight=None),
        unchanged("no key registered", "ballot_key", authorized_key=None),
        unchanged("superseded key", "ballot_key", authorized_key="ab" * 32),
        unchanged("replayed after a revote", "ballot_previous", previous="12" * 32),
    ]


POLL_DIR = HERE / "poll"


def poll_bundle() -> dict[str, bytes]:
    """The tiny end-to-end poll's bundle files (`e2e_poll.yes_no_poll("vector")`): five
    rights, a 2-of-3 ceremony, a revote, a re-registered key, trustee 2 absent."""
    return yes_no_poll("vector").files


def poll_expected() -> dict[str, Any]:
    """What verifying the tiny poll's bundle must say."""
    built = yes_no_poll("vector")
    return {
        "description": "The tiny poll of poll/ (docs/e2e-protocol.md §12): every check "
        "holds; its totals and outcome.",
        "valid": True,
        "tally": built.result["tally"],
        "outcome": built.result["outcome"],
        "votes": built.plain,
    }


def write() -> None:
    """Rewrite the generated vector files."""
    POLL_DIR.mkdir(exist_ok=True)
    for name, data in poll_bundle().items():
        (POLL_DIR / name).write_bytes(data)
    for name, build in (
        ("primitives.json", primitives),
        ("ballots.json", ballots),
        ("ceremony.json", ceremony_vectors),
        ("poll-expected.json", poll_expected),
    ):
        text = json.dumps(build(), indent=1, ensure_ascii=False) + "\n"
        (HERE / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    write()
