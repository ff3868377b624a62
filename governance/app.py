"""The application factory: one Starlette app per Settings, routes declared as data per domain."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from types import ModuleType

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from governance.archive import views as archive_views
from governance.assemblies import views as assembly_views
from governance.audit import views as audit_views
from governance.auth import views as auth_views
from governance.auth.current import authenticate
from governance.db import Database
from governance.elections import api as election_api
from governance.elections import pages as election_pages
from governance.floor import api as floor_api
from governance.floor import pages as floor_pages
from governance.minutes import api as minutes_api
from governance.minutes import pages as minutes_pages
from governance.motions import views as motion_views
from governance.organizations import views as organization_views
from governance.polls import api as poll_api
from governance.polls import pages as poll_pages
from governance.polls import voting as poll_voting
from governance.polls.writer import BallotWriter
from governance.results import checkpoints, keys
from governance.results import views as result_views
from governance.settings import Settings
from governance.web.api import Operations
from governance.web.errors import HANDLERS
from governance.web.middleware import CookieNames, RequestSetup
from governance.web.openapi import openapi_document
from governance.web.templating import make_environment, render


@dataclass(frozen=True)
class Domain:
    """One domain as the app mounts it: its pages (each module's `routes`) and its API."""

    name: str
    pages: tuple[ModuleType, ...]
    api: Operations


DOMAINS: tuple[Domain, ...] = (
    Domain("auth", (auth_views,), auth_views.api),
    Domain("organizations", (organization_views,), organization_views.api),
    Domain("assemblies", (assembly_views,), assembly_views.api),
    Domain("polls", (poll_pages, poll_voting), poll_api.api),
    Domain("results", (result_views,), result_views.api),
    Domain("motions", (motion_views,), motion_views.api),
    Domain("archive", (archive_views,), archive_views.api),
    Domain("audit", (audit_views,), audit_views.api),
    Domain("floor", (floor_pages,), floor_api.api),
    Domain("elections", (election_pages,), election_api.api),
    Domain("minutes", (minutes_pages,), minutes_api.api),
)

STATIC = Path(__file__).resolve().parent / "static"


def app_version() -> str:
    try:
        return version("asamblea")
    except PackageNotFoundError:
        return "0.0.0"


async def home(request: Request) -> Response:
    principal = await authenticate(request)
    return render(request, "home.html", {"principal": principal})


async def openapi(request: Request) -> Response:
    return JSONResponse(request.app.state.openapi)


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    database = Database(settings.database_url)
    writer = BallotWriter(database, pause=settings.test_writer_pause_ms / 1000)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        beat = None
        if settings.checkpoint_seconds > 0:
            beat = asyncio.create_task(checkpoints.rhythm(database, settings))
        yield
        if beat is not None:
            beat.cancel()
        writer.stop()  # the ballots already queued are written before the server stops
        database.dispose()

    api_routes = [Route("/openapi.json", openapi, methods=["GET"], name="openapi")]
    page_routes: list[Route] = [Route("/", home, methods=["GET"], name="home")]
    for domain in DOMAINS:
        api_routes += domain.api.routes()
        for pages in domain.pages:
            page_routes += pages.routes

    app = Starlette(
        routes=[
            *page_routes,
            Mount("/api/v1", routes=api_routes, name="api"),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],
        middleware=[Middleware(RequestSetup, settings=settings)],
        exception_handlers=HANDLERS,  # type: ignore[arg-type]
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.database = database
    app.state.ballot_writer = writer
    app.state.templates = make_environment()
    # Pages that show the signing key's fingerprint (assembly page, audit page) read it here.
    app.state.templates.globals["signing_key"] = lambda: keys.public_key(settings)
    app.state.cookies = CookieNames(settings.secure_cookies)
    app.state.openapi = openapi_document([d.api for d in DOMAINS], app_version())
    return app
