"""The motions' API operations. Reading is public for everything but drafts, which only staff
see; the board (and the secretariat) write; the board or the credentials committee enter a
member organization's amendment on its behalf."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from governance import errors, i18n
from governance.auth.current import authenticate, require
from governance.auth.roles import Principal
from governance.motions import content, serialize, services
from governance.motions.models import Motion
from governance.motions.workflow import KINDS, STATUSES, TEXT_LANGUAGES
from governance.web.api import Operations, Param, ok, read_json
from governance.web.transaction import in_db

api = Operations(tag="motions")

WRITERS = ("board",)
AMENDERS = ("board", "committee")
CODE = Param("code", "path", description="reference code, e.g. GA-2010-03")
LANG = Param("lang", schema={"type": "string", "enum": list(TEXT_LANGUAGES)},
             description="language of the text shown (default: the request's language); the "
                         "original when there is no translation")


def actor(principal: Principal) -> str:
    return f"staff:{principal.name}"


def is_staff(principal: Principal | None) -> bool:
    return principal is not None and principal.kind == "staff"


def text_language(request: Request) -> str:
    """The language a motion's text is shown in: `?lang=` among the text languages (which
    are more than the interface's), else the request's language."""
    asked = request.query_params.get("lang")
    return asked if asked in TEXT_LANGUAGES else i18n.current_language()


def int_param(request: Request, name: str, default: int | None = None) -> int | None:
    raw = request.query_params.get(name, "")
    if not raw:
        return default
    if not raw.isdigit() or len(raw) > 9:
        raise errors.InvalidInput("%(field)s must be a positive whole number.", field=name)
    return int(raw)


def choice_param(request: Request, name: str, allowed: tuple[str, ...]) -> str | None:
    value = request.query_params.get(name) or None
    if value is not None and value not in allowed:
        raise errors.InvalidInput("%(field)s must be one of %(allowed)s.", field=name,
                                  allowed=", ".join(allowed))
    return value


async def _detail_json(request: Request, code: str, work: Any = None,
                       write: bool = False) -> dict[str, Any]:
    """Run `work(db, motion)` if given, then return the motion as JSON, in one transaction."""
    language = text_language(request)

    def run(db: Any) -> dict[str, Any]:
        motion = services.get_motion_by_code(db, code)
        if work is not None:
            work(db, motion)
            db.expire_all()  # read back what the work changed, relations included
            motion = services.get_motion(db, motion.id)
        return serialize.motion_json(services.detail(db, motion), language)

    return await in_db(request, run, write=write)


MOTION_LIST: dict[str, Any] = {
    "type": "object", "required": ["motions", "total", "page"],
    "properties": {"motions": {"type": "array", "items": serialize.MOTION},
                   "total": {"type": "integer"}, "page": {"type": "integer"},
                   "page_size": {"type": "integer"}},
}


@api.op("GET", "/motions", "listMotions",
        summary="List motions (drafts only for staff)", errors=[422],
        params=[Param("status", schema={"type": "string", "enum": list(STATUSES)}),
                Param("kind", schema={"type": "string", "enum": list(KINDS)}),
                Param("q", description="part of the code or title"),
                Param("page", schema={"type": "integer", "minimum": 1, "maximum": 100_000}),
                Param("page_size", schema={"type": "integer", "minimum": 1, "maximum": 500}),
                LANG],
        response=MOTION_LIST)
async def api_list(request: Request) -> Response:
    principal = await authenticate(request)
    filters = services.MotionFilter(
        status=choice_param(request, "status", STATUSES),
        kind=choice_param(request, "kind", KINDS),
        q=(request.query_params.get("q") or "").strip()[:100] or None)
    page = int_param(request, "page", 1) or 1
    page_size = int_param(request, "page_size", services.PAGE_SIZE) or services.PAGE_SIZE
    language = text_language(request)

    def load(db: Any) -> dict[str, Any]:
        found = services.list_motions(db, filters, page, page_size,
                                      include_drafts=is_staff(principal))
        # The list leaves out neighbours (amendments, links): getMotion has them.
        parents = {m.parent_id: db.get(Motion, m.parent_id) for m in found.motions
                   if m.parent_id}
        return {"motions": [serialize.motion_json(
                    services.MotionDetail(m, parent=parents.get(m.parent_id)), language)
                            for m in found.motions],
                "total": found.total, "page": found.page, "page_size": found.page_size}

    return ok(await in_db(request, load))


@api.op("POST", "/motions", "createMotion", summary="Draft a motion", roles=WRITERS,
        request=serialize.CREATE, response=serialize.MOTION, status=201, errors=[409])
async def api_create(request: Request) -> Response:
    principal = await require(request, *WRITERS)
    body = await read_json(request, serialize.CREATE)
    language = text_language(request)

    def create(db: Any) -> dict[str, Any]:
        motion = services.create_motion(db, body, actor(principal))
        return serialize.motion_json(services.detail(db, motion), language)

    return ok(await in_db(request, create, write=True), status=201)


@api.op("GET", "/motions/{code}", "getMotion", summary="Read a motion (drafts only for staff)",
        params=[CODE, LANG], response=serialize.MOTION, errors=[404])
async def api_get(request: Request) -> Response:
    principal = await authenticate(request)
    code = request.path_params["code"]
    found = await _detail_json(request, code)
    if found["status"] == "draft" and not is_staff(principal):
        raise errors.NotFound("There is no motion %(reference)s.", reference=code[:40])
    return ok(found)


@api.op("PATCH", "/motions/{code}", "updateMotion",
        summary="Change a motion (its wording only while a draft)", roles=WRITERS,
        params=[CODE], request=serialize.UPDATE, response=serialize.MOTION,
        errors=[404, 409])
async def api_update(request: Request) -> Response:
    principal = await require(request, *WRITERS)
    body = await read_json(request, serialize.UPDATE)
    return ok(await _detail_json(
        request, request.path_params["code"],
        lambda db, m: services.update_motion(db, m.id, body, actor(principal)), write=True))


@api.op("POST", "/motions/{code}/publish", "publishMotion", summary="Publish a draft",
        roles=WRITERS, params=[CODE], response=serialize.MOTION, errors=[404, 409])
async def api_publish(request: Request) -> Response:
    principal = await require(request, *WRITERS)
    return ok(await _detail_json(
        request, request.path_params["code"],
        lambda db, m: services.publish_motion(db, m.id, actor(principal)), write=True))


@api.op("POST", "/motions/{code}/transitions", "moveMotion",
        summary="Move a motion one step in its workflow (on_agenda needs an assembly)",
        roles=WRITERS, params=[CODE], request=serialize.TRANSITION,
        response=serialize.MOTION, errors=[404, 409])
async def api_move(request: Request) -> Response:
    principal = await require(request, *WRITERS)
    body = await read_json(request, serialize.TRANSITION)
    return ok(await _detail_json(
        request, request.path_params["code"],
        lambda db, m: services.move_motion(
            db, m.id, body["status"], actor(principal), note=body.get("note"),
            assembly_id=body.get("assembly_id"), assembly_name=body.get("assembly_name")),
        write=True))


@api.op("POST", "/motions/{code}/amendments", "amendMotion",
        summary="Enter a member organization's amendment to a published motion, before its "
                "deadline", roles=AMENDERS, params=[CODE], request=serialize.AMEND,
        response=serialize.MOTION, status=201, errors=[404, 409])
async def api_amend(request: Request) -> Response:
    principal = await require(request, *AMENDERS)
    body = await read_json(request, serialize.AMEND)
    language = text_language(request)

    def amend(db: Any) -> dict[str, Any]:
        parent = services.get_motion_by_code(db, request.path_params["code"])
        amendment = services.amend_motion(db, parent.id, body, actor(principal))
        return serialize.motion_json(services.detail(db, amendment), language)

    return ok(await in_db(request, amend, write=True), status=201)


@api.op("PUT", "/motions/{code}/texts/{language}", "setMotionText",
        summary="Add or correct a translation (or the original of a draft)", roles=WRITERS,
        params=[CODE, Param("language", "path", {"type": "string",
                                                 "enum": list(TEXT_LANGUAGES)})],
        request=serialize.TEXT, response=serialize.MOTION, errors=[404, 409])
async def api_set_text(request: Request) -> Response:
    principal = await require(request, *WRITERS)
    body = await read_json(request, serialize.TEXT)
    language = request.path_params["language"]
    return ok(await _detail_json(
        request, request.path_params["code"],
        lambda db, m: content.set_text(db, m.id, language, body["title"], body.get("body", ""),
                                       actor(principal)), write=True))


@api.op("PUT", "/motions/{code}/objectives/{number:int}", "setObjective",
        summary="Add or reword an objective of a draft strategic plan", roles=WRITERS,
        params=[CODE, Param("number", "path", {"type": "integer", "minimum": 1})],
        request=serialize.TEXT, response=serialize.MOTION, errors=[404, 409])
async def api_set_objective(request: Request) -> Response:
    principal = await require(request, *WRITERS)
    body = await read_json(request, serialize.TEXT)
    number = request.path_params["number"]
    return ok(await _detail_json(
        request, request.path_params["code"],
        lambda db, m: content.set_objective(db, m.id, number, body["title"],
                                            body.get("body", ""), actor(principal)),
        write=True))


@api.op("POST", "/motions/{code}/objectives/{number:int}/outcome", "recordObjectiveOutcome",
        summary="Record what was decided on one objective, and by which poll", roles=WRITERS,
        params=[CODE, Param("number", "path", {"type": "integer", "minimum": 1})],
        request=serialize.OBJECTIVE_OUTCOME, response=serialize.MOTION, errors=[404, 409])
async def api_objective_outcome(request: Request) -> Response:
    principal = await require(request, *WRITERS)
    body = await read_json(request, serialize.OBJECTIVE_OUTCOME)
    number = request.path_params["number"]
    return ok(await _detail_json(
        request, request.path_params["code"],
        lambda db, m: content.record_objective_outcome(db, m.id, number, body["outcome"],
                                                       body.get("poll_id"), actor(principal)),
        write=True))


@api.op("POST", "/motions/{code}/links", "linkMotion",
        summary="Record that this motion supersedes or amends an earlier one", roles=WRITERS,
        params=[CODE], request=serialize.LINK, response=serialize.MOTION, errors=[404, 409])
async def api_link(request: Request) -> Response:
    principal = await require(request, *WRITERS)
    body = await read_json(request, serialize.LINK)
    return ok(await _detail_json(
        request, request.path_params["code"],
        lambda db, m: content.link_motions(db, m.id, body["relation"], body["code"],
                                           actor(principal)), write=True))
