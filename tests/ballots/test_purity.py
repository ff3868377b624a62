"""`ballots/` stays pure: only the standard library, cryptography, rfc8785, rbcl and itself.

DESIGN.md: an auditor runs `asamblea verify` with nothing but `ballots/` and
`cryptography` installed; the web framework, the database and the app must never leak in.
Secret polls add one library (E2E.md): rbcl, the libsodium binding for ristretto255.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "ballots"
ALLOWED_THIRD_PARTY = {"cryptography", "rfc8785", "rbcl", "ballots"}
FORBIDDEN = {"starlette", "sqlalchemy", "jinja2", "governance"}


def _modules(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative import: stays inside ballots/
                found.append((node.lineno, "ballots"))
            elif node.module:
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "__import__":
            found.append((node.lineno, "__import__(...)"))
        elif isinstance(node, ast.Attribute) and node.attr == "import_module":
            found.append((node.lineno, "importlib.import_module(...)"))
    return found


SOURCES = sorted(PACKAGE.rglob("*.py"))


def test_the_package_has_modules() -> None:
    assert len(SOURCES) >= 12, SOURCES


def test_the_secret_poll_modules_are_checked_too() -> None:
    assert any(path.parent.name == "e2e" for path in SOURCES)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_only_stdlib_cryptography_rfc8785_rbcl(path: Path) -> None:
    bad = []
    for lineno, module in _modules(path):
        top = module.split(".")[0]
        if top in FORBIDDEN or not (top in sys.stdlib_module_names or top in ALLOWED_THIRD_PARTY):
            bad.append(f"{path.name}:{lineno} imports {module}")
    assert not bad, "ballots/ must stay pure:\n" + "\n".join(bad)


def test_the_checker_catches_forbidden_imports(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import os\nfrom sqlalchemy import select\nimport governance.app\n")
    modules = [m for _, m in _modules(sample)]
    assert modules == ["os", "sqlalchemy", "governance.app"]
