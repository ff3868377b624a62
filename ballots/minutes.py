"""Signed minutes (the acta) of an assembly: the package format `asamblea.minutes/1` and its
offline verification (docs/minutes.md).

A package is a directory or a ZIP with:

  minutes.json      the statement, RFC 8785 canonical JSON: format, assembly, language,
                    generated_at, `documents` (file name → hex SHA-256 of its bytes), `polls`
                    (each poll's id, title, outcome, result SHA-256, bundle SHA-256 and
                    signing-key fingerprint as the minutes state them) and `signing_key`
  minutes.json.sig  the raw Ed25519 signature of minutes.json by the assembly key
  signing-key.pem   the assembly's public key
  minutes.pdf, minutes.html   the documents the statement names
  cosignatures/NAME.pem + NAME.sig   the president's and secretary's signatures of
                    minutes.json, made offline with `asamblea cosign`

Signing minutes.json signs the documents through their SHA-256.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ballots.bundle import BundleError, cosignatures_of, deterministic_zip, read_files
from ballots.canonical import NotCanonical, canonical_json, parse_canonical, sha256_hex
from ballots.signing import SigningKeyError, fingerprint, load_public_key, verify_signature
from ballots.verify import Check, Report

FORMAT = "asamblea.minutes/1"
STATEMENT = "minutes.json"
SIGNATURE = "minutes.json.sig"
PUBLIC_KEY = "signing-key.pem"
COSIGNATURES = "cosignatures"
DOCUMENT_NAME = re.compile(r"^minutes\.(pdf|html)$")
STATEMENT_FIELDS = ("format", "assembly", "language", "generated_at", "documents", "polls",
                    "signing_key")
_COSIGNER = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True)
class MinutesPackage:
    """The files of a minutes package, as read (nothing checked yet)."""

    statement_json: bytes
    signature: bytes
    public_key_pem: bytes
    documents: Mapping[str, bytes]
    cosignatures: Mapping[str, tuple[bytes, bytes]] = field(default_factory=dict)
    unpaired_cosignatures: tuple[str, ...] = ()


def build_statement(
    *,
    assembly: Mapping[str, object],
    language: str,
    generated_at: str,
    documents: Mapping[str, bytes],
    polls: Sequence[Mapping[str, object]],
    signing_key_fingerprint: str,
) -> dict[str, object]:
    """The minutes statement: what the assembly key signs. `documents` maps each file name
    (minutes.pdf, minutes.html) to its bytes; the statement keeps their hex SHA-256."""
    for name in documents:
        if not DOCUMENT_NAME.match(name):
            raise ValueError(f"a minutes document is minutes.pdf or minutes.html, not {name!r}")
    return {
        "format": FORMAT,
        "assembly": dict(assembly),
        "language": language,
        "generated_at": generated_at,
        "documents": {name: sha256_hex(data) for name, data in sorted(documents.items())},
        "polls": [dict(poll) for poll in polls],
        "signing_key": {"sha256": signing_key_fingerprint},
    }


def package_files(package: MinutesPackage) -> dict[str, bytes]:
    """The package's files by name, in a fixed order."""
    files = {STATEMENT: package.statement_json, SIGNATURE: package.signature,
             PUBLIC_KEY: package.public_key_pem, **dict(sorted(package.documents.items()))}
    for name, (pem, sig) in sorted(package.cosignatures.items()):
        if not _COSIGNER.match(name):
            raise BundleError(f"cosigner name {name!r} must match {_COSIGNER.pattern}")
        files[f"{COSIGNATURES}/{name}.pem"] = pem
        files[f"{COSIGNATURES}/{name}.sig"] = sig
    return files


def package_zip_bytes(package: MinutesPackage) -> bytes:
    """The package as a deterministic ZIP."""
    return deterministic_zip(package_files(package))


_NAMES = (STATEMENT, SIGNATURE, PUBLIC_KEY, "minutes.pdf", "minutes.html")


def _files(path: Path) -> dict[str, bytes]:
    """The package's files: from a directory those it has, from a ZIP every member."""
    if path.is_dir():
        return read_files(path, tuple(name for name in _NAMES if (path / name).exists()))
    return read_files(path, ())


def is_minutes(path: str | os.PathLike[str]) -> bool:
    """Whether `path` holds a minutes package (a minutes.json) rather than an audit bundle."""
    try:
        return STATEMENT in _files(Path(path))
    except BundleError:
        return False


def read_minutes(path: str | os.PathLike[str]) -> MinutesPackage:
    """Read a minutes package from a directory or a ZIP; BundleError with a one-line reason
    when it cannot be read or lacks minutes.json, its signature or the key."""
    source = Path(path)
    files = _files(source)
    missing = [name for name in (STATEMENT, SIGNATURE, PUBLIC_KEY) if name not in files]
    if missing:
        raise BundleError(f"{source}: missing {', '.join(missing)}")
    cosignatures, unpaired = cosignatures_of(files)
    return MinutesPackage(
        statement_json=files[STATEMENT], signature=files[SIGNATURE],
        public_key_pem=files[PUBLIC_KEY],
        documents={n: d for n, d in files.items() if DOCUMENT_NAME.match(n)},
        cosignatures=cosignatures, unpaired_cosignatures=unpaired)


def _statement(package: MinutesPackage) -> dict[str, object]:
    try:
        statement = parse_canonical(package.statement_json)
    except NotCanonical as exc:
        raise ValueError(f"minutes.json is not canonical JSON: {exc}") from None
    if not isinstance(statement, dict):
        raise ValueError("minutes.json is not a JSON object")
    return statement


def _check_format(package: MinutesPackage) -> list[str]:
    statement = _statement(package)
    problems = [f"missing field {name}" for name in STATEMENT_FIELDS if name not in statement]
    if statement.get("format") != FORMAT:
        problems.append(f"format is {statement.get('format')!r}, expected {FORMAT!r}")
    if not isinstance(statement.get("documents"), dict) or not statement.get("documents"):
        problems.append("documents must name at least one document")
    return problems


def _check_signature(package: MinutesPackage) -> list[str]:
    try:
        key = load_public_key(package.public_key_pem)
    except SigningKeyError as exc:
        return [f"signing-key.pem: {exc}"]
    if not verify_signature(key, package.signature, package.statement_json):
        return ["minutes.json.sig is not a valid signature of minutes.json by signing-key.pem"]
    return []


def _check_key(package: MinutesPackage) -> list[str]:
    claimed = _statement(package).get("signing_key")
    claimed = claimed.get("sha256") if isinstance(claimed, dict) else None
    try:
        actual = fingerprint(load_public_key(package.public_key_pem))
    except SigningKeyError as exc:
        return [f"signing-key.pem: {exc}"]
    if claimed != actual:
        return [f"signing_key.sha256 is {claimed}, signing-key.pem has fingerprint {actual}"]
    return []


def _check_document(package: MinutesPackage, name: str) -> Callable[[], list[str]]:
    def check() -> list[str]:
        documents = _statement(package).get("documents")
        claimed = documents.get(name) if isinstance(documents, dict) else None
        data = package.documents.get(name)
        if data is None:
            return [f"{name} is named in minutes.json but missing from the package"]
        actual = sha256_hex(data)
        if claimed != actual:
            return [f"minutes.json says {name} has SHA-256 {claimed}, the file has {actual}"]
        return []

    return check


def _check_cosignature(pem: bytes, sig: bytes, data: bytes) -> Callable[[], list[str]]:
    def check() -> list[str]:
        try:
            key = load_public_key(pem)
        except SigningKeyError as exc:
            return [str(exc)]
        if not verify_signature(key, sig, data):
            return [f"not a valid signature of minutes.json by the key {fingerprint(key)}"]
        return []

    return check


def _run(name: str, check: Callable[[], list[str]], success: str) -> Check:
    try:
        problems = check()
    except ValueError as exc:
        return Check(name, False, str(exc))
    return Check(name, not problems, "; ".join(problems) if problems else success)


def verify_minutes(package: MinutesPackage) -> Report:
    """Every check of a minutes package (docs/minutes.md): the statement's format, the
    assembly key's signature and fingerprint, each document's SHA-256, each cosignature."""
    checks = [
        _run("minutes_format", lambda: _check_format(package),
             "minutes.json is canonical JSON in format asamblea.minutes/1"),
        _run("signature", lambda: _check_signature(package),
             "minutes.json.sig is a valid Ed25519 signature of minutes.json"),
        _run("signing_key", lambda: _check_key(package),
             "signing_key.sha256 is the fingerprint of signing-key.pem"),
    ]
    try:
        named = _statement(package).get("documents")
    except ValueError:
        named = {}
    for name in sorted(set(named if isinstance(named, dict) else {}) | set(package.documents)):
        checks.append(_run(f"document:{name}", _check_document(package, name),
                           f"{name} has the SHA-256 that minutes.json states"))
    for name, (pem, sig) in sorted(package.cosignatures.items()):
        checks.append(_run(f"cosignature:{name}",
                           _check_cosignature(pem, sig, package.statement_json),
                           "a valid signature of minutes.json"))
    if package.unpaired_cosignatures:
        unpaired = ", ".join(package.unpaired_cosignatures)
        checks.append(Check("cosignatures", False, f"files without their pair: {unpaired}"))
    return Report(checks=tuple(checks))


def statement_bytes(statement: Mapping[str, object]) -> bytes:
    """minutes.json: the RFC 8785 form of the statement (what gets signed)."""
    return canonical_json(dict(statement))
