"""The `asamblea` command as an operator uses it: one line and a non-zero exit on mistakes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from governance import migrate
from tests.governance.test_registry import registry_csv


def asamblea(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "ASAMBLEA_DATABASE_URL": f"sqlite:///{cwd / 'cli.db'}",
                "LC_ALL": "C.UTF-8", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "governance.cli", *args], cwd=cwd, env=full_env,
        capture_output=True, text=True, timeout=120, check=False,
    )


def test_models_and_migrations_agree(database_url):
    migrate.check(database_url)  # raises SchemaDrift when they differ


def test_upgrade_import_and_user_create(tmp_path):
    assert asamblea("db", "upgrade", cwd=tmp_path).returncode == 0
    assert asamblea("db", "check", cwd=tmp_path).returncode == 0
    (tmp_path / "registry.csv").write_bytes(
        registry_csv(300, {5: "X,Atlantis,,,1,,", 77: "Y,Perú,,,lots,,", 200: ",PE,,,1,,"}))
    result = asamblea("orgs", "import", "registry.csv", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.strip() == "297 imported, 0 updated, 3 rejected."
    assert result.stderr.splitlines() == [
        "line 5: Unknown country Atlantis.",
        "line 77: Members must be a whole number of at least 0, not lots.",
        "line 200: The name is empty.",
    ]
    again = asamblea("orgs", "import", "registry.csv", cwd=tmp_path)
    assert again.stdout.strip() == "0 imported, 297 updated, 3 rejected."

    (tmp_path / "pw").write_text("a long enough password\n")
    made = asamblea("user", "create", "--username", "ana", "--role", "board",
                    "--password-file", "pw", cwd=tmp_path)
    assert made.returncode == 0 and "board account ana" in made.stdout
    twice = asamblea("user", "create", "--username", "ana", "--role", "board",
                     "--password-file", "pw", cwd=tmp_path)
    assert twice.returncode == 1 and twice.stderr == "asamblea: The username ana is taken.\n"


@pytest.mark.parametrize("args", [
    ("orgs", "import", "missing.csv"),
    ("user", "create", "--username", "x1", "--role", "board", "--password-file", "nope"),
])
def test_mistakes_give_one_line_and_no_traceback(tmp_path, args):
    assert asamblea("db", "upgrade", cwd=tmp_path).returncode == 0
    result = asamblea(*args, cwd=tmp_path)
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_commands_on_a_database_without_schema_say_what_to_do(tmp_path):
    (tmp_path / "r.csv").write_text("name,country,members\nA,PE,1\n")
    result = asamblea("orgs", "import", "r.csv", cwd=tmp_path)
    assert result.returncode == 1
    assert "run: asamblea db upgrade" in result.stderr and "Traceback" not in result.stderr


def test_messages_follow_the_operator_locale(tmp_path):
    assert asamblea("db", "upgrade", cwd=tmp_path).returncode == 0
    (tmp_path / "pw").write_text("a long enough password\n")
    args = ("user", "create", "--username", "ana", "--role", "board", "--password-file", "pw")
    assert asamblea(*args, cwd=tmp_path).returncode == 0
    result = asamblea(*args, cwd=tmp_path, env={"LC_ALL": "es_PE.UTF-8"})
    assert result.stderr == "asamblea: El nombre de usuario ana ya existe.\n"


def test_unreachable_database_is_one_line(tmp_path):
    result = asamblea("db", "upgrade", cwd=tmp_path,
                      env={"ASAMBLEA_DATABASE_URL": "sqlite:////nonexistent/dir/x.db"})
    assert result.returncode == 1
    assert result.stderr.startswith("asamblea: cannot use the database:")
    assert len(result.stderr.strip().splitlines()) == 1
