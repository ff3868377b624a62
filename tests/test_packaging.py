"""The wheel carries templates, migrations, catalogs and static files, and runs from them."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_contains_and_runs_from_its_resources(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "-w", str(tmp_path / "dist"), str(ROOT)],
        check=True, capture_output=True, timeout=300,
    )
    wheel = next((tmp_path / "dist").glob("asamblea-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in ("governance/templates/base.html", "governance/migrations/env.py",
                     "governance/static/asamblea.css", "governance/locale/es/core.po",
                     "ballots/__init__.py"):
        assert required in names
    assert not any(n.startswith(("tests/", "templates/", "migrations/")) for n in names)

    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    work = tmp_path / "work"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site), "ASAMBLEA_DATABASE_URL": "sqlite:///w.db"}
    code = ("import governance, sys; from governance.cli import main; "
            "assert governance.__file__.startswith(sys.argv[1]), governance.__file__; "
            "sys.exit(main(['db', 'upgrade']))")
    result = subprocess.run([sys.executable, "-c", code, str(site)], cwd=work, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    render = ("import sys; from starlette.testclient import TestClient; "
              "from governance.app import create_app; "
              "c = TestClient(create_app()); r = c.get('/'); "
              "assert r.status_code == 200 and 'Asamblea' in r.text, r.status_code")
    result = subprocess.run([sys.executable, "-W", "ignore", "-c", render], cwd=work, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
