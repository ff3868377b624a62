"""Canonical JSON (RFC 8785) and the fast canonical-line check used by the verifier."""

from __future__ import annotations

import json

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from ballots.canonical import (
    NotCanonical,
    canonical_json,
    parse_canonical,
    parse_canonical_lines,
    sha256_hex,
)


def test_canonical_json_sorts_keys_and_drops_whitespace() -> None:
    assert (
        canonical_json({"b": 1, "a": [True, None, "é"]}) == '{"a":[true,null,"é"],"b":1}'.encode()
    )


def test_rfc8785_key_order_is_utf16_not_code_points() -> None:
    # RFC 8785 §3.2.3: "\ue000" sorts after "\U0001f600" in UTF-16 (0xD83D < 0xE000)
    assert canonical_json({"\ue000": 1, "\U0001f600": 2}) == '{"\U0001f600":2,"\ue000":1}'.encode()


def test_sha256_hex_matches_known_value() -> None:
    assert sha256_hex(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert sha256_hex(b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_integers_beyond_the_safe_range_are_refused() -> None:
    with pytest.raises(ValueError):
        canonical_json({"weight": 2**53})


@pytest.mark.parametrize(
    "line",
    [
        b'{"b":1,"a":2}',  # key order
        b'{"a": 1}',  # whitespace
        b' {"a":1}',
        b'{"a":1} ',
        b'{"a":1.0}',  # number form
        b'{"a":1e2}',
        b'{"a":-0}',
        b'{"a":"\\u00e9"}',  # needless escape
        b'{"a":"\\/"}',
        b'{"a":1,"a":1}',  # duplicate key
        b'{"a":9007199254740993}',  # beyond 2**53
        b'{"a":NaN}',
        b'{"a":"\\ud800"}',  # lone surrogate
        b'{"\xee\x80\x80":1,"\xf0\x9f\x98\x80":2}',  # code point order, not UTF-16
        b'{"a":"\xff"}',  # not UTF-8
        b"",
        b"{",
    ],
)
def test_non_canonical_lines_are_refused(line: bytes) -> None:
    with pytest.raises(NotCanonical):
        parse_canonical(line)
    [judged] = parse_canonical_lines([line])
    assert isinstance(judged, NotCanonical)


@pytest.mark.parametrize(
    "line",
    [
        b'{"a":[true,null,"\xc3\xa9\\n\xe2\x80\xa8"],"b":1}',
        b'{"\xf0\x9f\x98\x80":2,"\xee\x80\x80":1}',
        b'{"a":9007199254740991}',
        b'{"a":1.5}',
        b'{"a":"\\u001f\\b"}',
        b"[]",
        b'"x"',
    ],
)
def test_canonical_lines_are_accepted(line: bytes) -> None:
    assert canonical_json(parse_canonical(line)) == line
    assert parse_canonical_lines([line]) == [parse_canonical(line)]


def test_lines_are_judged_one_by_one_even_when_the_whole_file_parses() -> None:
    # Joined with commas these four lines parse as three values, and re-serialize to the
    # same bytes; each line alone is not a canonical object and must be refused.
    lines = [b'{"a":"}', b'{"}', b'{"b":1},{"c":2}']
    judged = parse_canonical_lines(lines)
    assert all(isinstance(j, NotCanonical) for j in judged)


# Floats stay below 2**52: JCS prints a large integral double as an integer, which Python
# then reads back as an int beyond the range rfc8785 accepts (no such number is ever in a
# bundle: weights and counts are small integers).
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53) + 1, 2**53 - 1)
    | st.floats(min_value=-(2.0**52), max_value=2.0**52)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(value=json_values)
def test_parse_canonical_accepts_exactly_the_rfc8785_form(value: object) -> None:
    canonical = rfc8785.dumps(value)
    assert canonical_json(parse_canonical(canonical)) == canonical
    pretty = json.dumps(value, ensure_ascii=True).encode()  # a common non-canonical form
    if pretty != canonical:
        with pytest.raises(NotCanonical):
            parse_canonical(pretty)
    else:
        parse_canonical(pretty)


@settings(max_examples=200, deadline=None)
@given(values=st.lists(json_values, max_size=6), data=st.data())
def test_bulk_check_agrees_with_the_line_by_line_check(
    values: list[object], data: st.DataObject
) -> None:
    lines = [rfc8785.dumps(v) for v in values]
    # spoil some lines in the ways a tamperer or a careless exporter would
    for i in range(len(lines)):
        spoil = data.draw(st.sampled_from(["keep", "space", "ascii", "byte"]))
        if spoil == "space":
            lines[i] = b" " + lines[i]
        elif spoil == "ascii":
            lines[i] = json.dumps(values[i], ensure_ascii=True, sort_keys=False).encode()
        elif spoil == "byte" and lines[i]:
            pos = data.draw(st.integers(0, len(lines[i]) - 1))
            lines[i] = lines[i][:pos] + bytes([lines[i][pos] ^ 0x01]) + lines[i][pos + 1 :]
    bulk = parse_canonical_lines(lines)
    for line, judged in zip(lines, bulk, strict=True):
        try:
            single = parse_canonical(line)
        except NotCanonical:
            assert isinstance(judged, NotCanonical)
        else:
            assert not isinstance(judged, NotCanonical) and rfc8785.dumps(judged) == rfc8785.dumps(
                single
            )


def test_deeply_nested_input_is_refused_not_a_crash() -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    with pytest.raises(NotCanonical, match="nested too deeply"):
        parse_canonical(deep)
    values = parse_canonical_lines([deep, b"1"])
    assert isinstance(values[0], NotCanonical) and values[1] == 1
