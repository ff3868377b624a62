"""Starting and stopping a real server on loopback for the HTTP benchmarks."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from bench.common import ROOT


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """A server process (its own process group), ready once `path` answers 200."""

    def __init__(self, argv: Sequence[str], env: dict[str, str], log: Path, *,
                 port: int, ready_path: str = "/") -> None:
        self.argv, self.port, self.ready_path, self.log = list(argv), port, ready_path, log
        self.env = {**os.environ, "PYTHONPATH": str(ROOT), **env}

    def __enter__(self) -> Server:
        self._log = self.log.open("ab")
        self.process = subprocess.Popen(self.argv, env=self.env, stdout=self._log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        url = f"http://127.0.0.1:{self.port}{self.ready_path}"
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}; see {self.log}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                    if response.status == 200:
                        return self
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"server did not answer on {url}; see {self.log}")
            time.sleep(0.2)

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # uvicorn stops its workers itself
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)  # the group this class started
                self.process.wait()
        self._log.close()

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()


def app_server(url: str, data_dir: Path, log: Path, *, workers: int = 1) -> Server:
    """`asamblea serve` exactly as documented (its access log goes to the log file)."""
    port = free_port()
    argv = [sys.executable, "-m", "governance.cli", "serve", "--host", "127.0.0.1",
            "--port", str(port), "--workers", str(workers)]
    env = {"ASAMBLEA_DATABASE_URL": url, "ASAMBLEA_DATA_DIR": str(data_dir),
           "ASAMBLEA_SECURE_COOKIES": "0"}
    return Server(argv, env, log, port=port, ready_path="/api/v1/openapi.json")


def baseline_server(url: str, log: Path, *, workers: int = 1) -> Server:
    """The bare Starlette baseline under the same uvicorn settings as `asamblea serve`."""
    port = free_port()
    argv = [sys.executable, "-m", "uvicorn", "bench.baseline_app:app", "--host", "127.0.0.1",
            "--port", str(port), "--workers", str(workers), "--proxy-headers",
            "--log-level", "info"]
    return Server(argv, {"BENCH_BASELINE_DATABASE_URL": url}, log, port=port)
