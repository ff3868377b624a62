"""Group commit: one writer thread per process puts the ballots that arrive together into one
transaction, commits once, and only then answers each of them.

With one transaction per ballot, every ballot waited for its own commit (an fsync on SQLite
with synchronous FULL, a WAL flush on PostgreSQL) while holding the poll's lock, so a poll never
passed about a hundred ballots a second however many cores there were. Here a request hands
its work (a function of the session: authenticate, check, insert) to the writer and waits; the
writer takes everything queued (at most MAX_BATCH), runs each piece in order in one
transaction, writes the ledgers' positions back once (`casting.Ledger`), commits, and resolves
every waiting request with its own result or its own refusal.

- Nothing is answered before the commit that makes it durable; a crash loses only ballots
  that were never acknowledged.
- A refusal (a domain error) is raised before its piece writes anything (casting.py), so the
  others in the batch go on. Any other failure rolls the batch back, and each piece is then
  run again in a transaction of its own, so that only the faulty one fails.
- Sizes and waits are bounded: at most MAX_QUEUED pieces wait; beyond that `submit` refuses at
  once with `errors.Busy` (503 with Retry-After) instead of letting requests time out.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from governance import errors
from governance.db import Database
from governance.polls.casting import Ledger

T = TypeVar("T")
log = logging.getLogger("asamblea.writer")

MAX_BATCH = 256  # pieces in one transaction
MAX_QUEUED = 4_096  # pieces waiting; a full queue answers 503
RETRY_AFTER = 1  # seconds, in the 503's Retry-After


class _Piece:
    __slots__ = ("work", "future")

    def __init__(self, work: Callable[[Session], Any]) -> None:
        self.work = work
        self.future: Future[Any] = Future()


class BallotWriter:
    """The one writer of a process. Start it lazily (`submit` does); `stop` drains it."""

    def __init__(self, database: Database, pause: float = 0.0) -> None:
        self.database = database
        self.pause = pause  # fault injection for the crash test (Settings.test_writer_pause_ms)
        self._queue: queue.Queue[_Piece | None] = queue.Queue(MAX_QUEUED)
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def submit(self, work: Callable[[Session], T]) -> Future[T]:
        """Queue `work(session)`; its future resolves after the commit that includes it."""
        self._ensure_started()
        piece = _Piece(work)
        try:
            self._queue.put_nowait(piece)
        except queue.Full:
            raise errors.Busy("Many ballots are arriving at once. Try again in a moment: "
                              "this one has not been cast.", retry_after=RETRY_AFTER) from None
        return piece.future

    async def run(self, work: Callable[[Session], T]) -> T:
        """`submit`, awaited without blocking the event loop."""
        return await asyncio.wrap_future(self.submit(work))

    def _ensure_started(self) -> None:
        if self._thread is not None:
            return
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="ballot-writer",
                                                daemon=True)
                self._thread.start()

    def stop(self) -> None:
        """Write what is queued, then end the thread."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None

    def _loop(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            stop = False
            while len(batch) < MAX_BATCH:
                try:
                    piece = self._queue.get_nowait()
                except queue.Empty:
                    break
                if piece is None:
                    stop = True
                    break
                batch.append(piece)
            self._write(batch)
            if stop:
                return

    def _write(self, batch: list[_Piece]) -> None:
        outcomes: list[tuple[bool, Any]] = []
        try:
            with self.database.transaction(write=True) as db:
                ledger = db.info["ledger"] = Ledger()
                for piece in batch:
                    try:
                        outcomes.append((True, piece.work(db)))
                    except errors.DomainError as refusal:
                        outcomes.append((False, refusal))
                ledger.flush(db)
                if self.pause:
                    log.warning("batch of %d ballots written, committing in %.0f ms",
                                len(batch), self.pause * 1000)
                    time.sleep(self.pause)
            if self.pause:
                log.warning("batch of %d ballots committed", len(batch))
        except Exception as failure:  # noqa: BLE001 - rolled back; each piece is tried alone
            if len(batch) == 1:
                batch[0].future.set_exception(failure)
                return
            log.warning("a batch of %d ballots failed; writing them one by one", len(batch),
                        exc_info=True)
            for piece in batch:
                self._alone(piece)
            return
        for piece, (accepted, outcome) in zip(batch, outcomes, strict=True):
            if accepted:
                piece.future.set_result(outcome)
            else:
                piece.future.set_exception(outcome)

    def _alone(self, piece: _Piece) -> None:
        try:
            with self.database.transaction(write=True) as db:
                ledger = db.info["ledger"] = Ledger()
                result = piece.work(db)
                ledger.flush(db)
        except BaseException as exc:  # noqa: BLE001 - the request gets it, the writer goes on
            piece.future.set_exception(exc)
        else:
            piece.future.set_result(result)
