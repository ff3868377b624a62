"""The house rules of the source tree (docs/architecture.md), read from the files themselves:
no import cycle, no import inside a function (cli.py excepted: a command loads only what it
runs), no module over 400 lines, no function over 60 lines (cli.py's parser excepted), and no
docstring naming a Markdown file that does not exist.

`STILL_TO_CONVERT` lists what was there when the rules came; it may only shrink: a listed place
that follows the rule now fails the test until it is struck off.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHECKED = ("governance", "ballots", "tests")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60

# The command line loads each command's modules when it runs; its parser is one long table.
IMPORTS_ALLOWED_IN = {"governance/cli.py"}
LONG_FUNCTIONS_ALLOWED = {("governance/cli.py", "build_parser")}

STILL_TO_CONVERT: dict[str, set[str]] = {
    "imports inside functions": {
        "governance/i18n_catalog.py:main",
        "governance/motions/content.py:_motion",
        "governance/motions/content.py:link_motions",
        "governance/motions/attachments.py:add_attachment",
        "governance/motions/attachments.py:remove_attachment",
        "governance/web/middleware.py:__call__",
        "governance/results/checkpoints.py:rhythm",
        "governance/archive/exchange.py:_in_record",
        "tests/test_scale_out.py:_wait_workers",
        "tests/test_translations.py:test_the_report_names_the_file_to_fill_in",
        "tests/ballots/test_ballots_signing.py:_rfc_key",
        "tests/ballots/test_ballots_verify.py:test_cli_ascii_terminal",
        "tests/ballots/test_ballots_ledger.py:test_hash_prefixes",
        "tests/governance/test_archive_exchange.py:"
        "test_embedded_attachments_are_checked_and_stored",
        "tests/governance/test_polls.py:test_secret_polls_use_pseudonyms",
        "tests/governance/test_hostile_input.py:"
        "test_motion_markdown_never_carries_script_into_a_page",
        "tests/governance/test_hostile_input.py:"
        "test_network_names_match_whatever_their_case_in_any_alphabet",
        "tests/web/test_archive_pages.py:test_drafts_are_not_public_but_staff_may_open_them",
        "tests/web/test_archive_pages.py:test_nav_links",
        "tests/web/test_poll_pages.py:test_formula_cells_are_neutralized_in_csv",
        "tests/web/test_security_headers.py:test_uploaded_letters_keep_their_stricter_sandbox",
        "tests/web/test_security_matrix.py:test_every_route_allows_exactly_the_roles_of_the_matrix",
        "tests/web/test_security_forms_fuzz.py:test_removing_an_attachment_holds_its_motion",
        "tests/web/test_assemblies_pages.py:"
        "test_sheets_show_the_signing_key_fingerprint_once_there_is_one",
        "tests/browser/screenshots.py:_login",
        "tests/browser/screenshots.py:take",
        "tests/browser/test_journey_voting.py:vote_on_phone",
    },
    "long functions": {
        "governance/assemblies/sheets.py:render_sheets",
        "governance/web/middleware.py:__call__",
        "governance/archive/exchange.py:_build",
        "tests/test_scale_out.py:"
        "test_voting_through_four_workers_counts_exactly_the_acknowledged_ballots",
        "tests/ballots/test_ballots_mutation.py:_mutate",
        "tests/ballots/naive_reference.py:naive_decide_counted",
        "tests/web/test_assemblies_api.py:"
        "test_250_delegates_accredited_logged_in_checked_in_with_proxies_and_a_frozen_roll",
        "tests/web/test_security_audit.py:test_every_staff_action_is_in_the_trail_with_its_actor",
    },
    "long modules": {"governance/cli.py"},
    "missing Markdown files": {
        "governance/results/services.py",
        "ballots/verify.py", "ballots/polls.py", "ballots/casting.py", "ballots/lines.py",
        "ballots/tally.py", "ballots/result.py", "ballots/signing.py", "ballots/weights.py",
        "ballots/bundle.py", "ballots/verify_cli.py", "ballots/checks.py",
        "tests/ballots/test_ballots_result.py", "tests/ballots/test_ballots_casting.py",
        "tests/ballots/test_ballots_docstrings.py", "tests/ballots/test_purity.py",
        "tests/ballots/test_ballots_verify.py", "tests/ballots/test_ballots_weights.py",
    },
}


def sources() -> Iterator[tuple[str, ast.Module, str]]:
    for top in CHECKED:
        for path in sorted((ROOT / top).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            yield path.relative_to(ROOT).as_posix(), ast.parse(text, filename=str(path)), text


def functions(tree: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def imports_inside_functions(name: str, tree: ast.Module) -> set[str]:
    if name in IMPORTS_ALLOWED_IN:
        return set()
    return {f"{name}:{function.name}" for function in functions(tree)
            if any(isinstance(node, ast.Import | ast.ImportFrom)
                   for node in ast.walk(function))}


def long_functions(name: str, tree: ast.Module) -> set[str]:
    return {f"{name}:{function.name}" for function in functions(tree)
            if (function.end_lineno or 0) - function.lineno + 1 > MAX_FUNCTION_LINES
            and (name, function.name) not in LONG_FUNCTIONS_ALLOWED}


def missing_markdown(name: str, tree: ast.Module) -> set[str]:
    """Markdown files a docstring names that exist neither from the repository's top nor from
    the module's own folder."""
    here = (ROOT / name).parent
    nodes = [tree, *(node for node in ast.walk(tree)
                     if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef))]
    missing = set()
    for node in nodes:
        for cited in re.findall(r"[\w./-]*\w\.md\b", ast.get_docstring(node) or ""):
            if not ((ROOT / cited).is_file() or (here / cited).is_file()):
                missing.add(cited)
    return missing


def module_imports(tree: ast.Module, modules: set[str]) -> set[str]:
    """The project's modules a module imports when it is loaded (not under TYPE_CHECKING)."""
    found: set[str] = set()
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        if isinstance(node, ast.If | ast.Try):
            pending += node.body + node.orelse + getattr(node, "finalbody", [])
            for handler in getattr(node, "handlers", []):
                pending += handler.body
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found |= {f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in modules
                      else node.module for alias in node.names}
    return found & modules


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in sorted(graph[module]):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def import_graph() -> dict[str, set[str]]:
    trees = {}
    for name, tree, _text in sources():
        if name.startswith(("governance/", "ballots/")):
            dotted = name.removesuffix(".py").replace("/", ".").removesuffix(".__init__")
            trees[dotted] = tree
    modules = set(trees)
    return {name: module_imports(tree, modules) - {name} for name, tree in trees.items()}


def _found() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {kind: set() for kind in STILL_TO_CONVERT}
    for name, tree, text in sources():
        found["imports inside functions"] |= imports_inside_functions(name, tree)
        found["long functions"] |= long_functions(name, tree)
        if len(text.splitlines()) > MAX_MODULE_LINES:
            found["long modules"].add(name)
        if missing_markdown(name, tree):
            found["missing Markdown files"].add(name)
    return found


FOUND = _found()


@pytest.mark.parametrize("kind", sorted(STILL_TO_CONVERT))
def test_no_new_breach_of_the_house_rules(kind: str) -> None:
    new = FOUND[kind] - STILL_TO_CONVERT[kind]
    assert not new, f"{kind}:\n" + "\n".join(sorted(new))


@pytest.mark.parametrize("kind", sorted(STILL_TO_CONVERT))
def test_the_list_of_places_to_convert_only_shrinks(kind: str) -> None:
    mended = STILL_TO_CONVERT[kind] - FOUND[kind]
    assert not mended, f"follow the rule now; strike them off STILL_TO_CONVERT[{kind!r}]:\n" \
        + "\n".join(sorted(mended))


def test_no_import_cycles() -> None:
    assert cycles(import_graph()) == []


def test_the_checks_catch_what_they_look_for(tmp_path: Path) -> None:
    tree = ast.parse("def late():\n    import os\n    return os\n\n"
                     "def long():\n" + "    x = 1\n" * 61)
    assert imports_inside_functions("sample.py", tree) == {"sample.py:late"}
    assert long_functions("sample.py", tree) == {"sample.py:long"}
    cited = ast.parse('"""See docs/architecture.md and docs/no-such-file.md."""')
    assert missing_markdown("governance/sample.py", cited) == {"docs/no-such-file.md"}
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
