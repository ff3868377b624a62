"""The real app served by uvicorn on a free loopback port, in a background thread.

Used by the browser tests (tests/browser/conftest.py) and by the screenshot script
(tests/browser/screenshots.py): both need a server that a real browser can reach.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass

import uvicorn
from starlette.applications import Starlette

from governance.app import create_app
from governance.db import Database
from governance.settings import Settings


@dataclass(frozen=True)
class LiveServer:
    """A running app: its address, its settings and the database it serves.

    `database` is the app's own `Database`: seed with `with server.database.transaction() as db:`
    and the services or tests.factories functions, before the browser opens the page."""

    url: str
    app: Starlette
    settings: Settings

    @property
    def database(self) -> Database:
        return self.app.state.database  # type: ignore[no-any-return]


class ServerThread:
    """Start with `start()`, stop with `stop()`; the port is chosen by the kernel."""

    def __init__(self, settings: Settings) -> None:
        self.app = create_app(settings)
        self.settings = settings
        # Bind first so the port is known and free before the thread starts.
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(("127.0.0.1", 0))
        port = self.socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        config = uvicorn.Config(self.app, log_level="warning", access_log=False,
                                lifespan="on", timeout_graceful_shutdown=2)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]},
                                       name="asamblea-live-server", daemon=True)

    def start(self, timeout: float = 15.0) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the app server did not start")
            time.sleep(0.02)
        return LiveServer(url=self.url, app=self.app, settings=self.settings)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.socket.close()
