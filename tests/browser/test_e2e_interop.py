"""Ballots the browser makes with the device's randomness are what the server's checks accept:
the Python reference (`ballots.e2e.ballot_check.check_cast`) accepts every one, and its
Benaloh check (`ballots.e2e.challenge.check_opening`) opens each to the vote the browser was
given — for every method, random votes, weights from 1 to 1,000 and a revote chained to the
first ballot."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ballots.e2e.ballot_check import CastContext, PollCheck, check_cast
from ballots.e2e.challenge import check_opening, parse_opening
from ballots.e2e.params import PollParams
from tests.browser.e2e_page import open_scripts_page
from tests.browser.helpers import watch_problems

VECTORS = Path(__file__).resolve().parents[1] / "ballots" / "e2e_vectors"
HARNESS = """async (requests) => {
  const e2e = Asamblea.e2e;
  const signer = await e2e.votingKeys.create('interop');
  const key = noble.bytesToHex(signer.publicKey);
  const out = [];
  for (const { poll, voter, weight, votes } of requests) {
    const params = e2e.pollParams(poll);
    let previous = null;
    for (const vote of votes) {  // a revote names the ballot before it
      const right = { voter, weight, votingKey: key, previous };
      const { ballot, opening } = e2e.encryptBallot(params, right, vote, e2e.osRandomness());
      out.push({ ballot, opening, signature: await e2e.signBallot(ballot, signer), previous, key });
      previous = e2e.ballotHash(ballot);
    }
  }
  return out;
}"""


def _votes(case: dict[str, Any], weight: int, rand: random.Random) -> list[dict[str, Any]]:
    """Two random votes the poll accepts (a first ballot and a revote)."""
    poll = case["poll"]["poll"]
    options = poll["options"]
    out = []
    for _ in range(2):
        if poll["allow_split"]:
            cuts = sorted(rand.randint(0, weight) for _ in range(len(options) - 1))
            parts = [b - a for a, b in zip([0, *cuts], [*cuts, weight], strict=True)]
            out.append({"split": {k: p for k, p in zip(options, parts, strict=True) if p}})
        elif poll["method"] == "multiple":
            names = [o for o in options if o != "abstain"]
            picked = rand.sample(names, rand.randint(1, poll["max_choices"]))
            out.append({"choices": ["abstain"] if rand.random() < 0.2 else picked})
        else:
            out.append({"choice": rand.choice(options)})
    return out


@pytest.fixture(scope="module")
def made(browser, _server_thread) -> Iterator[tuple[list[dict[str, Any]], list[Any]]]:
    cases = json.loads((VECTORS / "ballots.json").read_text(encoding="utf-8"))["valid"]
    rand = random.Random(20261201)  # noqa: S311 - test data, not cryptography
    requests = []
    for case in cases:
        for weight in (1, rand.randint(2, 40), 1000):
            requests.append({"poll": case["poll"], "voter": f"org-{weight}", "weight": weight,
                             "votes": _votes(case, weight, rand)})
    context = browser.new_context()
    problems: list[str] = []
    try:
        page = context.new_page()
        watch_problems(page, problems)
        open_scripts_page(page, _server_thread.url)
        yield requests, page.evaluate(HARNESS, requests)
    finally:
        context.close()
    assert not problems, problems


def test_the_reference_accepts_every_browser_ballot(made):
    requests, ballots = made
    flat = [(r, vote) for r in requests for vote in r["votes"]]
    assert len(ballots) == len(flat) == 30
    for (request, _), made_ballot in zip(flat, ballots, strict=True):
        params = PollParams.from_dict(request["poll"])
        cast = CastContext(request["voter"], request["weight"], bytes.fromhex(made_ballot["key"]),
                           made_ballot["previous"])
        verdict, _ = check_cast(PollCheck.of(params), made_ballot["ballot"],
                                bytes.fromhex(made_ballot["signature"]), cast)
        assert (verdict.ok, verdict.check) == (True, "ballot"), (request["voter"], verdict)


def test_the_reference_opens_each_to_the_vote_given(made):
    requests, ballots = made
    flat = [(r, vote) for r in requests for vote in r["votes"]]
    for (request, vote), made_ballot in zip(flat, ballots, strict=True):
        params = PollParams.from_dict(request["poll"])
        ballot = PollCheck.of(params).parse(made_ballot["ballot"])
        verdict, opened = check_opening(params, ballot, parse_opening(made_ballot["opening"]),
                                        request["weight"])
        assert verdict.ok
        options = params.spec.options
        if "split" in vote:
            assert opened == {"split": {k: vote["split"].get(k, 0) for k in options}}
        else:  # the opening names the chosen options in the poll's order
            given = vote.get("choices") or [vote["choice"]]
            assert opened == {"choices": [k for k in options if k in given]}
