"""The browser verifies a secret poll's audit bundle as `asamblea verify` does
(docs/e2e-protocol.md §11.3; the issue: "the browser verifies the bundle the CLI verified"):
for the end-to-end vector, fresh polls of every kind and every tampering of the reference's
own bundle tests, each check by name holds in the browser exactly when it holds in Python."""

from __future__ import annotations

import base64
import copy
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ballots.canonical import canonical_json, canonical_json_plain
from ballots.e2e.bundle import DECRYPTION, SecretBundle
from ballots.e2e.verify import verify_secret_bundle
from ballots.polls import PollSpec
from tests.browser.e2e_page import VERIFIER_SCRIPTS, open_scripts_page
from tests.browser.helpers import watch_problems

BALLOT_TESTS = Path(__file__).resolve().parents[1] / "ballots"
if str(BALLOT_TESTS) not in sys.path:  # the reference's bundle builders (tests/ballots)
    sys.path.insert(0, str(BALLOT_TESTS))
from e2e_poll import Cast, build_secret_poll  # noqa: E402
from e2e_seeds import seeded, voting_key  # noqa: E402
from test_e2e_bundle import POLL, _lines, _resigned, _revote_by  # noqa: E402

VECTOR = BALLOT_TESTS / "e2e_vectors" / "poll"
HARNESS = """(bundles) => bundles.map((files) => {
  const bytes = {};
  for (const [name, b64] of Object.entries(files)) {
    bytes[name] = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  }
  return Asamblea.e2eBundle.verify(bytes).checks.map((c) => [c.name, c.ok, c.reason]);
})"""


def _vector() -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(VECTOR.iterdir())}


def _other_kinds() -> list[dict[str, bytes]]:
    multiple = PollSpec(method="multiple", options=("ana", "bruno", "carla", "abstain"),
                        max_choices=2, secret=True)
    divided = PollSpec(method="single", options=("ana", "bruno", "carla"), allow_split=True,
                       allow_revote=True, secret=True)
    return [
        build_secret_poll(multiple, [2, 7, 1], [Cast(0, {"choices": ["ana", "carla"]}),
                                                Cast(1, {"choices": ["abstain"]}),
                                                Cast(2, {"choices": ["bruno"]})],
                          label="js-multi").files,
        build_secret_poll(divided, [10, 3], [Cast(0, {"split": {"ana": 7, "carla": 3}}),
                                             Cast(1, {"split": {"bruno": 3}})],
                          label="js-divided").files,
    ]


def _tampered() -> dict[str, dict[str, bytes]]:
    """The reference's tamperings (tests/ballots/test_e2e_bundle.py), by name."""
    def another_right(lines: list[dict[str, Any]]) -> None:
        forged = copy.deepcopy(lines[0])
        forged["ballot"]["voter"] = forged["voter"] = "org-4"
        forged["seq"] = len(lines)
        lines.append(forged)

    def replay(lines: list[dict[str, Any]]) -> None:
        again = copy.deepcopy(lines[1])
        again["seq"] = len(lines)
        lines.append(again)

    share = json.loads(POLL.files[DECRYPTION].splitlines()[0])
    share["message"]["index"] = 2
    share["signature"] = POLL.run.keys[2].sign(canonical_json(share["message"])).hex()
    second = POLL.files[DECRYPTION].splitlines()[1]
    wrong_trustee = canonical_json_plain(share) + b"\n" + second + b"\n"
    tally = copy.deepcopy(POLL.result["tally"])
    tally["yes"]["weight"] = 7
    out = {
        "dropped ballot, result re-signed": _lines(POLL, lambda lines: lines.pop(2)),
        "ballot copied to another right": _lines(POLL, another_right),
        "replayed ballot": _lines(POLL, replay),
        "revote by the new key": _revote_by(POLL, 3, POLL.voters["org-3"]),
        "revote by a superseded key": _revote_by(POLL, 3, voting_key("bundle/org-3")),
        "revote by an unregistered key": _revote_by(POLL, 4, voting_key("someone else")),
        "key roll size going backwards": _revote_by(POLL, 3, POLL.voters["org-3"], size=2),
        "share from the wrong trustee": _resigned(POLL, {**POLL.files, DECRYPTION: wrong_trustee}),
        "one share only": {**POLL.files, DECRYPTION: POLL.files[DECRYPTION].splitlines(True)[0]},
        "changed tally": _resigned(POLL, POLL.files, tally=tally),
        "changed outcome": _resigned(POLL, POLL.files, outcome="rejected"),
        "deep nesting": {**POLL.files, "poll.json": b"[" * 5000 + b"]" * 5000},
    }
    for name in sorted(POLL.files):  # one random byte changed in every file
        data = bytearray(POLL.files[name])
        rand = seeded(f"js-mutate/{name}")
        data[rand.scalar() % len(data)] ^= 1 + rand.scalar() % 255
        out[f"a byte of {name}"] = {**POLL.files, name: bytes(data)}
    return out


def _python(files: dict[str, bytes]) -> list[tuple[str, bool]]:
    report = verify_secret_bundle(SecretBundle(files))
    return [(check.name, check.ok) for check in report.checks]


@pytest.fixture(scope="module")
def cases() -> dict[str, dict[str, bytes]]:
    named = {"the end-to-end vector": _vector(), "yes/no/abstain poll": POLL.files}
    named.update(zip(("multiple poll", "divided poll"), _other_kinds(), strict=True))
    named.update(_tampered())
    return named


@pytest.fixture(scope="module")
def browser_reports(browser, _server_thread, cases) -> Iterator[dict[str, list[Any]]]:
    context = browser.new_context()
    problems: list[str] = []
    try:
        page = context.new_page()
        watch_problems(page, problems)
        open_scripts_page(page, _server_thread.url, VERIFIER_SCRIPTS)
        encoded = [{name: base64.b64encode(data).decode() for name, data in files.items()}
                   for files in cases.values()]
        reports = page.evaluate(HARNESS, encoded)
        yield dict(zip(cases, reports, strict=True))
    finally:
        context.close()
    assert not problems, problems


def test_valid_bundles_pass_every_check_in_the_browser(browser_reports):
    for name in ("the end-to-end vector", "yes/no/abstain poll", "multiple poll", "divided poll"):
        failed = [(check, reason) for check, ok, reason in browser_reports[name] if not ok]
        assert failed == [], name
        assert len(browser_reports[name]) == 21


def test_browser_and_cli_agree_check_by_check(browser_reports, cases):
    for name, files in cases.items():
        got = [(check, ok) for check, ok, _ in browser_reports[name]]
        assert got == _python(files), name


def test_each_tampering_fails_in_the_browser(browser_reports):
    for name, report in browser_reports.items():
        failed = {check for check, ok, _ in report if not ok}
        if name in ("the end-to-end vector", "yes/no/abstain poll", "multiple poll",
                    "divided poll", "revote by the new key"):
            continue
        assert failed, f"{name}: the browser saw nothing wrong"
    reasons = {name: {check: reason for check, ok, reason in report if not ok}
               for name, report in browser_reports.items()}
    assert "no longer" in reasons["revote by a superseded key"]["ballot_key"]
    assert "out of order" in reasons["key roll size going backwards"]["ballot_key"]
    assert "fails its proof" in reasons["share from the wrong trustee"]["decryption_shares"]
    assert set(reasons["changed tally"]) == {"tally"}
    assert set(reasons["changed outcome"]) == {"outcome"}
    assert "ballot_previous" in reasons["replayed ballot"]
