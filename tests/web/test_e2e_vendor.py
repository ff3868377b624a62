"""The vendored noble bundle served to the secret-poll voting page is the one its README
names (version, licence, SHA-256 of each file), and the app serves it."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

VENDOR = Path(__file__).resolve().parents[2] / "governance" / "static" / "e2e" / "vendor"


def _readme() -> str:
    return (VENDOR / "README.md").read_text(encoding="utf-8")


def test_every_vendored_file_has_the_hash_the_readme_names():
    readme = _readme()
    files = sorted(p for p in VENDOR.iterdir() if p.name != "README.md")
    assert {p.name for p in files} >= {"noble.js", "noble-input.js", "noble-curves.LICENSE",
                                       "noble-hashes.LICENSE", "noble-verify.js",
                                       "noble-verify-input.js", "noble-ciphers.LICENSE"}
    for path in files:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert re.search(rf"`{re.escape(path.name)}` \| `{digest}`", readme), (
            f"{path.name}: SHA-256 {digest} is not the one vendor/README.md names")


def test_the_bundle_is_the_named_versions_under_their_licence():
    readme = _readme()
    bundle = (VENDOR / "noble.js").read_text(encoding="utf-8")
    assert "@noble/curves 2.4.0" in readme and "@noble/hashes 2.4.0" in readme
    assert "@noble/ciphers 2.4.0" in readme
    assert "noble-curves - MIT License (c) 2022 Paul Miller" in bundle
    verifier = (VENDOR / "noble-verify.js").read_text(encoding="utf-8")
    assert "noble-ciphers - MIT License (c) 2023 Paul Miller" in verifier
    for name in ("noble-curves.LICENSE", "noble-hashes.LICENSE", "noble-ciphers.LICENSE"):
        text = (VENDOR / name).read_text(encoding="utf-8")
        assert text.startswith("The MIT License (MIT)") and "Paul Miller" in text
    # Only what the voting script uses is exported (noble-input.js is the bundle's input).
    exports = re.search(r"__export\(noble_input_exports, \{(.*?)\}\);", bundle, re.S)
    assert exports is not None
    names = sorted(re.findall(r"(\w+): \(\) =>", exports.group(1)))
    assert names == ["bytesToHex", "bytesToNumberLE", "concatBytes", "ed25519", "hexToBytes",
                     "numberToBytesLE", "ristretto255", "sha256", "sha512", "utf8ToBytes"]


def test_the_app_serves_the_voting_scripts(client):
    for path in ("/static/e2e/vendor/noble.js", "/static/e2e/asamblea-e2e.js"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "javascript" in response.headers["content-type"]
        local = Path(__file__).resolve().parents[2] / "governance" / path.lstrip("/")
        assert response.content == local.read_bytes()
