"""The speed-ups found by the benchmarks (bench/) must not change any answer."""

from __future__ import annotations

import gc
import re

import rfc8785
from ballots_testkit import build_poll, make_roll
from hypothesis import given, settings
from hypothesis import strategies as st

from ballots.bundle import Bundle
from ballots.canonical import _unsafe_for_fast_path
from ballots.polls import PollSpec
from ballots.result import roll_line, roll_lines
from ballots.tally import RollEntry
from ballots.verify import verify_bundle

# The regular expression the byte scan replaced: it is the specification.
UNSAFE = re.compile(rb"\d{16}|[\xf0-\xf4]")

digits_and_bytes = st.lists(
    st.one_of(st.binary(max_size=6), st.sampled_from([b"0" * 15, b"9" * 16, b"12345678"])),
    max_size=12,
).map(b"".join)


@given(digits_and_bytes)
def test_unsafe_scan_finds_exactly_what_the_regex_finds(data: bytes) -> None:
    assert _unsafe_for_fast_path(data) is (UNSAFE.search(data) is not None)


def test_unsafe_scan_edges() -> None:
    assert _unsafe_for_fast_path(b'{"n":1234567890123456}')
    assert not _unsafe_for_fast_path(b'{"n":123456789012345}')
    assert not _unsafe_for_fast_path(b"123456789012345a123456789012345")
    assert _unsafe_for_fast_path("😀".encode())
    assert not _unsafe_for_fast_path("Cooperativa «Perú» Ñandutí".encode())
    assert not _unsafe_for_fast_path(b"")


def _bundle() -> Bundle:
    roll = make_roll([3, 1, 2])
    built = build_poll(PollSpec("yes_no_abstain"), roll, [("v0", {"choice": "yes"})])
    files = {k: v for k, v in built.files.items() if k != "cosignatures"}
    return Bundle(**files)


def test_verifying_leaves_the_garbage_collector_as_it_found_it() -> None:
    bundle = _bundle()
    assert gc.isenabled()
    assert verify_bundle(bundle).ok
    assert gc.isenabled()
    gc.disable()
    try:
        assert verify_bundle(bundle).ok
        assert not gc.isenabled()
    finally:
        gc.enable()


@settings(max_examples=300, deadline=None)
@given(
    voter=st.text(st.characters(codec="utf-8"), min_size=1, max_size=8),
    organization=st.none()
    | st.text(st.characters(codec="utf-8"), max_size=12)
    | st.sampled_from(['"\\\x00\x1f\x7f\u2028 «Perú»', "\b\t\n\f\r/"]),
    weight=st.integers(1, 2**53 - 1),
    present=st.booleans(),
)
def test_roll_line_template_is_exactly_rfc8785(
    voter: str, organization: str | None, weight: int, present: bool
) -> None:
    entry = RollEntry(voter, weight, present, organization)
    expected = rfc8785.dumps(
        {"voter": voter, "weight": weight, "present": present, "organization": organization}
    )
    assert roll_line(entry) == expected
    assert roll_lines([entry, entry]) == expected + b"\n" + expected + b"\n"
