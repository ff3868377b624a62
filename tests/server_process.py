"""`asamblea serve` in a subprocess, for the crash-safety and scale-out tests: started in its
own process group (so that its workers go with it), its output kept in a file for the failure
message, and waited for until it answers."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2

STARTUP_SECONDS = 90  # a loaded CI machine can take long to import and migrate


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def kill(self) -> None:
        """SIGKILL to every process of the server (the uvicorn manager and its workers)."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(30)

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(30)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        self.kill()


def start_server(settings: Any, log: Path, workers: int = 1, **env: str) -> Server:
    environment = {**os.environ, "ASAMBLEA_DATABASE_URL": settings.database_url,
                   "ASAMBLEA_DATA_DIR": str(settings.data_dir),
                   "ASAMBLEA_CHECKPOINT_SECONDS": "0", **env}
    for attempt in range(3):  # the port could be taken between choosing and binding it
        port = free_port()
        with log.open("ab") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "governance.cli", "serve", "--port", str(port),
                 "--workers", str(workers)],
                env=environment, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        server = Server(process, port, log)
        if _wait_until_up(server):
            return server
        server.stop()
        if attempt == 2:
            raise AssertionError(f"the server did not start:\n{server.output()}")
    raise AssertionError("unreachable")


def _wait_until_up(server: Server) -> bool:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            return False
        try:
            if httpx2.get(f"{server.base}/api/v1/openapi.json", timeout=2).is_success:
                return True
        except httpx2.TransportError:
            time.sleep(0.2)
    return False
