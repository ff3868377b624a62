"""A page that loads the secret-poll voting scripts exactly as the voting page will: from the
app's /static, each `<script>` with the CSP nonce and its Subresource Integrity hash, under
the app's own Content-Security-Policy (no inline script without the nonce, no eval).

Used by the browser tests of the scripts (test_e2e_*.py) and by the benchmarks (bench/).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from pathlib import Path
from typing import Any

from governance.web.middleware import content_security_policy

STATIC = Path(__file__).resolve().parents[2] / "governance" / "static"
# Load order: noble first (the global `noble`), then Asamblea's script.
VOTING_SCRIPTS = ("e2e/vendor/noble.js", "e2e/asamblea-e2e.js")
# What a page that checks a ceremony, a decryption or a whole audit bundle loads on top.
VERIFIER_SCRIPTS = (*VOTING_SCRIPTS, "e2e/vendor/noble-verify.js", "e2e/asamblea-e2e-verify.js",
                    "e2e/asamblea-e2e-records.js", "e2e/asamblea-e2e-bundle.js")
PATH = "/e2e-scripts"


def integrity(relative: str) -> str:
    """The SRI value of a static file: sha256-<base64 of its SHA-256>."""
    digest = hashlib.sha256((STATIC / relative).read_bytes()).digest()
    return "sha256-" + base64.b64encode(digest).decode()


def page_html(nonce: str, scripts: tuple[str, ...] = VOTING_SCRIPTS) -> str:
    tags = "".join(
        f'<script nonce="{nonce}" src="/static/{name}" integrity="{integrity(name)}"></script>'
        for name in scripts
    )
    return (f'<!doctype html><html lang="es"><head><meta charset="utf-8"><title>e2e</title>'
            f"{tags}</head><body><main><h1>e2e</h1></main></body></html>")


def open_scripts_page(page: Any, base_url: str, scripts: tuple[str, ...] = VOTING_SCRIPTS) -> None:
    """Serve the page at `base_url` + PATH with the app's CSP, open it, wait for the API."""
    nonce = secrets.token_urlsafe(16)
    page.route(base_url + PATH, lambda route: route.fulfill(
        body=page_html(nonce, scripts), content_type="text/html",
        headers={"Content-Security-Policy": content_security_policy(nonce)}))
    page.goto(base_url + PATH)
    page.wait_for_function("() => window.Asamblea && window.Asamblea.e2e")
