"""The baseline of the casting benchmark: a bare Starlette endpoint doing one insert.

Same server (uvicorn, same workers and log level as `asamblea serve`), same kind of
database with the same settings (`governance.db.Database`: on SQLite WAL, synchronous FULL
and BEGIN IMMEDIATE), one short transaction per request, committed before the response.
Everything the app does beyond that (sessions, entitlement checks, the ledger) is what the
ratio to this baseline measures.

    BENCH_BASELINE_DATABASE_URL=sqlite:///b.db uvicorn bench.baseline_app:app
"""

from __future__ import annotations

import os

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, insert
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from governance.db import Database

metadata = MetaData()
ballots = Table(
    "bench_baseline_ballots", metadata,
    Column("id", Integer, primary_key=True),
    Column("voter", String(40)),
    Column("line", Text),
)


def create_table(url: str) -> None:
    database = Database(url)
    metadata.drop_all(database.engine)
    metadata.create_all(database.engine)
    database.dispose()


database = Database(os.environ.get("BENCH_BASELINE_DATABASE_URL", "sqlite:///baseline.db"))


async def cast(request: Request) -> Response:
    body = await request.body()

    def write() -> int:
        with database.transaction(write=True) as session:
            result = session.execute(insert(ballots).values(voter="org-1", line=body.decode()))
            return int(result.inserted_primary_key[0])

    return JSONResponse({"id": await run_in_threadpool(write)}, status_code=201)


async def health(_: Request) -> Response:
    return PlainTextResponse("ok")


app = Starlette(routes=[Route("/ballots", cast, methods=["POST"]),
                        Route("/", health, methods=["GET"])])
