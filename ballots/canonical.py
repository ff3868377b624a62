"""Canonical JSON (RFC 8785, JCS) and SHA-256 hex digests.

Every byte that is signed or hashed in Asamblea is produced here, so that the server, the
verifier and an auditor's own script agree on the exact bytes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

import rfc8785

# When the fast path may not be trusted: a run of 16 digits (an integer beyond ±(2**53 - 1)
# has no exact JCS form) or a 4-byte UTF-8 sequence (a character beyond U+FFFF, where
# JCS's UTF-16 key order and Python's code point order can differ). False alarms only
# cost the exact, slower path. Found without a regular expression: a regex scan of
# rb"\d{16}|[\xf0-\xf4]" over a 100,000-line file took a fifth of a second per file.
_DIGITS_AS_ZEROS = bytes(0x30 if 0x30 <= b <= 0x39 else 0x20 for b in range(256))
_SIXTEEN_DIGITS = b"0" * 16
_FOUR_BYTE_LEADS = tuple(bytes([b]) for b in range(0xF0, 0xF5))


def _unsafe_for_fast_path(data: bytes) -> bool:
    """Whether `data` has a run of 16 ASCII digits or a byte that starts a 4-byte UTF-8
    sequence (0xF0-0xF4): the same bytes the regex rb"\\d{16}|[\\xf0-\\xf4]" finds, at
    memchr speed (translating every digit to "0" and every other byte to a space makes a
    run of 16 digits a run of 16 zeros)."""
    if any(lead in data for lead in _FOUR_BYTE_LEADS):
        return True
    return _SIXTEEN_DIGITS in data.translate(_DIGITS_AS_ZEROS)


class NotCanonical(ValueError):
    """Bytes that are not the RFC 8785 canonical JSON form of the value they encode."""


def canonical_json(obj: Any) -> bytes:
    """Serialize `obj` as RFC 8785 (JSON Canonicalization Scheme) UTF-8 bytes.

    Keys sorted by UTF-16 code units, no insignificant whitespace, JCS string escaping and
    ECMAScript number formatting (via the `rfc8785` package). Raises `ValueError`
    (`rfc8785.CanonicalizationError`) for values JCS cannot represent, such as integers
    beyond ±(2**53 - 1) or non-string keys.
    """
    return rfc8785.dumps(obj)


def _plain(value: Any) -> bool:
    """Whether `value` is made only of dicts with string keys, lists, strings, integers,
    booleans and null: what the fast encoder writes exactly as RFC 8785 does."""
    kind = type(value)
    if kind is dict:
        return all(type(k) is str and _plain(v) for k, v in value.items())
    if kind is list:
        return all(_plain(v) for v in value)
    return kind in (str, int, bool) or value is None


def canonical_json_plain(obj: Any) -> bytes:
    """`canonical_json` for a value without floats (dicts, lists, strings, integers,
    booleans, null), much faster: the fast encoder's bytes (see `parse_canonical`) unless
    they hold what only the exact path may judge (long digit runs, characters beyond
    U+FFFF), in which case the exact RFC 8785 serializer writes them."""
    if not _plain(obj):
        return canonical_json(obj)
    data = _FAST_ENCODER.encode(obj).encode("utf-8", "surrogatepass")
    if _unsafe_for_fast_path(data):
        return canonical_json(obj)
    return data


def sha256_hex(data: bytes) -> str:
    """Lower-case hex SHA-256 (FIPS 180-4) of `data`, as `sha256sum` prints it."""
    return hashlib.sha256(data).hexdigest()


class _Unusual(Exception):
    """A float, NaN or Infinity was parsed: only the exact RFC 8785 path may judge it."""


def _reject_unusual(_: str) -> Any:
    raise _Unusual


# Built once: json.dumps() with non-default options would build an encoder per call.
_FAST_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def parse_canonical(line: bytes) -> Any:
    """Parse one JSON text and require that it is exactly its RFC 8785 canonical form.

    Returns the parsed value; raises `NotCanonical` (with the reason) otherwise.

    Fast path, for speed on 100,000-line files: for a line with no float, no integer of
    16+ digits and no character beyond U+FFFF, Python's `json.dumps(sort_keys=True,
    separators=(",", ":"), ensure_ascii=False)` produces the same bytes as RFC 8785: code
    point order equals UTF-16 order below U+10000, both escape exactly `"`, `\\` and the
    control characters (with the same short forms and lower-case `\\u00xx`), and neither
    escapes anything else. Whenever that fast comparison does not say "equal", the exact
    `rfc8785` serialization decides.
    """
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotCanonical(f"not UTF-8: {exc.reason} at byte {exc.start}") from None
    unusual = False
    try:
        value = json.loads(text, parse_float=_reject_unusual, parse_constant=_reject_unusual)
    except _Unusual:
        unusual = True
        try:
            value = json.loads(text)
        except ValueError as exc:
            raise NotCanonical(f"not JSON: {exc}") from None
        except RecursionError:
            raise NotCanonical("not JSON: nested too deeply") from None
    except ValueError as exc:
        raise NotCanonical(f"not JSON: {exc}") from None
    except RecursionError:  # a hostile file of 100,000 "[" must be refused, not crash
        raise NotCanonical("not JSON: nested too deeply") from None
    if not unusual and not _unsafe_for_fast_path(line):
        fast = _FAST_ENCODER.encode(value)
        # A lone surrogate (from a "\\udXXX" escape) has no strict UTF-8 form; encoded
        # leniently it cannot equal the valid UTF-8 line, and rfc8785 then rejects it.
        if fast.encode("utf-8", "surrogatepass") == line:
            return value
    try:
        exact = rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, UnicodeEncodeError) as exc:
        raise NotCanonical(f"has no RFC 8785 form: {exc}") from None
    if exact != line:
        raise NotCanonical("is not in RFC 8785 canonical form")
    return value


_LINE_DECODER = json.JSONDecoder(parse_float=_reject_unusual, parse_constant=_reject_unusual)


def _parse_each(lines: Sequence[bytes]) -> list[Any] | None:
    """Each line parsed alone, as exactly one JSON value (nothing before or after it), or
    None if any line is not that, or holds a float, NaN or Infinity."""
    decode = _LINE_DECODER.raw_decode
    values = []
    try:
        for line in lines:
            text = line.decode("utf-8")
            value, end = decode(text)
            if end != len(text):
                return None
            values.append(value)
    except (UnicodeDecodeError, ValueError, _Unusual, RecursionError):
        return None
    return values


def parse_canonical_lines(lines: Sequence[bytes]) -> list[Any]:
    """`parse_canonical` for every line of a .jsonl file, much faster for large files.

    Returns, per line, the parsed value, or the `NotCanonical` exception saying why that
    line is not canonical (returned, not raised, so that every bad line can be reported).

    Fast path: every line is parsed alone (so it must be exactly one JSON value), then the
    whole list is serialized once with the fast-path encoder and compared with
    "[" + ",".join(lines) + "]". Equal bytes mean every line equals the serialization of
    its own value: line i and the i-th serialization both start where the previous ones
    ended, and of two complete JSON texts one cannot be a proper prefix of the other
    unless they are equal (objects, arrays and strings close themselves; integers have one
    form). If that fails, lines are compared one by one, and any line that differs, or any
    file the fast path cannot handle, is judged alone by `parse_canonical`.
    """
    if not lines:
        return []
    values = _parse_each(lines)
    if values is None:
        return [_judge(line) for line in lines]
    blob = b"[" + b",".join(lines) + b"]"
    if not _unsafe_for_fast_path(blob):
        whole = _FAST_ENCODER.encode(values).encode("utf-8", "surrogatepass")
        if whole == blob:
            return values
    encode = _FAST_ENCODER.encode
    out: list[Any] = []
    for line, value in zip(lines, values, strict=True):
        if (
            not _unsafe_for_fast_path(line)
            and encode(value).encode("utf-8", "surrogatepass") == line
        ):
            out.append(value)
        else:
            out.append(_judge(line))
    return out


def _judge(line: bytes) -> Any:
    try:
        return parse_canonical(line)
    except NotCanonical as exc:
        return exc
