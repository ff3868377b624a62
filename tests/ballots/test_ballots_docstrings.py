"""Every public module, class and function of `ballots/` says what it does (STYLE.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "ballots"


def _undocumented(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    missing = [] if ast.get_docstring(tree) else [f"{path.name}: module"]
    defs = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    # top-level public names, and the public methods of public classes
    for node in tree.body:
        if not isinstance(node, defs) or node.name.startswith("_"):
            continue
        members = [node]
        if isinstance(node, ast.ClassDef):
            members += [m for m in node.body if isinstance(m, defs) and not m.name.startswith("_")]
        for member in members:
            if not ast.get_docstring(member):
                missing.append(f"{path.name}:{member.lineno} {member.name}")
    return missing


@pytest.mark.parametrize(
    "path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_public_names_have_docstrings(path: Path) -> None:
    assert not _undocumented(path)
