"""The access log, written in batches: one line per request, as uvicorn writes it, but
collected in memory and written once a second (and when the server stops) instead of with
a write per request. During a vote a worker answers a thousand requests a second; a write
and a flush for each cost more server time than casting a ballot (measured by bench/).

`asamblea serve` turns uvicorn's own access log off and puts this one in front of the app.
What a sudden kill of the process can lose is the last second of lines, never a ballot or
an entry of the audit trail (those are in the database, committed before the answer).
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable
from typing import IO

from starlette.types import ASGIApp, Message, Receive, Scope, Send

FLUSH_SECONDS = 1.0
MAX_BUFFERED = 10_000  # lines; beyond that they are written at once rather than kept


class AccessLog:
    """Lines waiting to be written, and the task that writes them."""

    def __init__(self, stream: Callable[[], IO[str]] = lambda: sys.stderr,
                 every: float = FLUSH_SECONDS) -> None:
        self._stream, self._every = stream, every
        self._lines: list[str] = []
        self._task: asyncio.Task[None] | None = None

    def add(self, line: str) -> None:
        self._lines.append(line)
        if len(self._lines) >= MAX_BUFFERED:
            self.flush()

    def flush(self) -> None:
        if not self._lines:
            return
        lines, self._lines = self._lines, []
        stream = self._stream()
        stream.write("\n".join(lines) + "\n")
        stream.flush()

    async def _every_second(self) -> None:
        while True:
            await asyncio.sleep(self._every)
            self.flush()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._every_second())

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self.flush()


class AccessLogMiddleware:
    """Records `client - "METHOD path HTTP/version" status` for each HTTP request."""

    def __init__(self, app: ASGIApp, log: AccessLog) -> None:
        self.app, self.log = app, log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, self._lifespan(receive), send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 0
        request = request_line(scope)  # before routing, which rewrites the scope

        async def recording(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, recording)
        finally:
            stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            self.log.add(f"{stamp} {request} {status or '-'}")


    def _lifespan(self, receive: Receive) -> Receive:
        """The server's startup starts the writer; its shutdown writes what is left."""
        async def watched() -> Message:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.log.start()
            elif message["type"] == "lifespan.shutdown":
                self.log.stop()
            return message

        return watched


def request_line(scope: Scope) -> str:
    """`client - "METHOD path HTTP/version"`, as uvicorn's access log writes it."""
    client = scope.get("client")
    where = f"{client[0]}:{client[1]}" if client else "-"
    path = scope["path"]
    query = scope.get("query_string", b"")
    if query:
        path += "?" + query.decode("latin-1")
    # repr() of the path where it holds a quote or a control character, so that no request
    # can write a line that looks like another.
    if '"' in path or not path.isprintable():
        path = repr(path)
    return f'{where} - "{scope["method"]} {path} HTTP/{scope.get("http_version", "1.1")}"'
