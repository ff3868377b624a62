"""A secret poll's public parameters and their fingerprint (docs/e2e-protocol.md §8).

`poll.json` is the RFC 8785 canonical JSON of every public parameter, fixed when the poll
opens: the question and its rules, the roll's hash, the trustees' commitments and the
election key, and the SHA-256 of each script of the voting page. Its SHA-256 is the poll fingerprint
that every ballot names and every proof hashes, so a proof made for one poll can never
count in another, nor under other rules, another roll, key or script.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass

from ballots.canonical import canonical_json
from ballots.e2e.encoding import EncodingError, decode_point, point_hex
from ballots.e2e.group import Point
from ballots.e2e.trustees import Trustees
from ballots.polls import PollSpec, PollSpecError

FORMAT = "asamblea.e2e-poll/1"
FIELDS = frozenset({"format", "poll", "roll", "trustees", "election_key", "script"})
_HEX64 = re.compile(r"[0-9a-f]{64}")
_PATH = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,199}")
MAX_SCRIPTS = 8


@dataclass(frozen=True)
class PollParams:
    """Everything public about a secret poll, fixed at opening.

    poll_id, title: as in result.json's `poll`. spec: method, options, rules (secret).
    roll_sha256: hex SHA-256 of roll.jsonl. trustees: the ceremony's public outcome.
    script_files: (path, hex SHA-256) of each script the voting page loads, in load order
        (the vendored group library, then the voting script; each its Subresource
        Integrity value).
    """

    poll_id: str | int
    title: str
    spec: PollSpec
    roll_sha256: str
    trustees: Trustees
    script_files: tuple[tuple[str, str], ...]

    def __post_init__(self) -> None:
        if not self.spec.secret:
            raise EncodingError("an encrypted poll must be secret")
        if self.spec.allow_split and self.spec.rules.majority == "double":
            # Divided ballots hide how many organizations gave an option anything.
            raise EncodingError("a secret poll with divided votes cannot use a double majority")
        if not _HEX64.fullmatch(self.roll_sha256):
            raise EncodingError("roll_sha256 must be 64 lower-case hex digits")
        if not 1 <= len(self.script_files) <= MAX_SCRIPTS:
            raise EncodingError(f"the voting page loads 1 to {MAX_SCRIPTS} scripts")
        for path, digest in self.script_files:
            if not _PATH.fullmatch(path) or not _HEX64.fullmatch(digest):
                raise EncodingError(f"script {path!r}: a relative path and a hex SHA-256")

    @property
    def election_key(self) -> Point:
        """Y, from the trustees' commitments."""
        return self.trustees.election_key()

    @property
    def divided(self) -> bool:
        """Whether every ballot of this poll is a divided vote (parts of the weight)."""
        return self.spec.allow_split

    def to_dict(self) -> dict[str, object]:
        """The object of poll.json."""
        return {
            "format": FORMAT,
            "poll": {"id": self.poll_id, "title": self.title, **self.spec.to_dict()},
            "roll": {"sha256": self.roll_sha256},
            "trustees": self.trustees.to_dict(),
            "election_key": point_hex(self.election_key),
            "script": {
                "files": [{"path": path, "sha256": digest} for path, digest in self.script_files]
            },
        }

    def canonical(self) -> bytes:
        """poll.json's bytes: RFC 8785 canonical JSON of `to_dict()`."""
        return canonical_json(self.to_dict())

    def fingerprint(self) -> bytes:
        """The poll fingerprint: SHA-256 of poll.json's bytes (32 bytes)."""
        return hashlib.sha256(self.canonical()).digest()

    @classmethod
    def from_dict(cls, data: object) -> PollParams:
        """Parse poll.json's object strictly (`EncodingError` says what is wrong); the
        stated election key must be the one the commitments give."""
        if not isinstance(data, Mapping) or set(data) != FIELDS:
            raise EncodingError(f"poll.json must have exactly {', '.join(sorted(FIELDS))}")
        if data["format"] != FORMAT:
            raise EncodingError(f"poll.json format must be {FORMAT!r}")
        poll, roll, script = data["poll"], data["roll"], data["script"]
        if not isinstance(poll, Mapping) or "id" not in poll or "title" not in poll:
            raise EncodingError("poll.json poll must have id and title")
        if not isinstance(poll["title"], str) or not isinstance(poll["id"], str | int):
            raise EncodingError("poll.json poll.id and poll.title have the wrong type")
        try:
            spec = PollSpec.from_dict({k: v for k, v in poll.items() if k not in ("id", "title")})
        except (PollSpecError, TypeError) as exc:
            raise EncodingError(f"poll.json poll: {exc}") from None
        if not isinstance(roll, Mapping) or set(roll) != {"sha256"}:
            raise EncodingError("poll.json roll must be exactly {sha256}")
        if not isinstance(script, Mapping) or set(script) != {"files"}:
            raise EncodingError("poll.json script must be exactly {files}")
        files = script["files"]
        if not isinstance(files, list) or not all(
            isinstance(f, Mapping)
            and set(f) == {"path", "sha256"}
            and isinstance(f["path"], str)
            and isinstance(f["sha256"], str)
            for f in files
        ):
            raise EncodingError("poll.json script.files must be a list of {path, sha256}")
        if not isinstance(roll["sha256"], str):
            raise EncodingError("poll.json roll.sha256 must be a string")
        params = cls(
            poll_id=poll["id"],
            title=poll["title"],
            spec=spec,
            roll_sha256=roll["sha256"],
            trustees=Trustees.from_dict(data["trustees"]),
            script_files=tuple((f["path"], f["sha256"]) for f in files),
        )
        stated = decode_point(data["election_key"], "poll.json election_key")
        if stated != params.election_key:
            raise EncodingError("poll.json election_key is not the sum of the trustees' C₀")
        if params.to_dict() != data:
            # Defaults filled in would give a fingerprint that is not the file's SHA-256.
            raise EncodingError("poll.json must state every parameter, defaults included")
        return params
