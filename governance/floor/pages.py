"""The floor's pages: the agenda (with the chair's controls), an item's list of speakers (the
chair's console), the projector, and the delegate's page to ask for the floor. Every page
works without JavaScript (forms and a refresh link); with it, the lists refresh in place and
the speaking time counts down."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from governance import errors
from governance.assemblies.assemblies import get_assembly
from governance.assemblies.delegates import active_delegate
from governance.auth import roles
from governance.auth.roles import Principal, actor
from governance.db import utcnow
from governance.floor import agenda, speakers
from governance.floor.models import ALTERNATIONS, ITEM_KINDS
from governance.polls.services import present_delegates
from governance.web.api import path_int
from governance.web.forms import read_form, text
from governance.web.templating import render
from governance.web.transaction import in_transaction

CHAIR, READERS = roles.CHAIR, roles.READERS


def _whole(form: Any, name: str) -> int:
    raw = text(form, name)
    if not raw.isdigit() or len(raw) > 6:
        raise errors.InvalidInput("%(field)s must be a positive whole number.", field=name)
    return int(raw)


def _to_agenda(request: Request, assembly_id: int) -> Response:
    return RedirectResponse(request.url_for("agenda_page", assembly_id=assembly_id),
                            status_code=303)


def _to_item(request: Request, item_id: int) -> Response:
    return RedirectResponse(request.url_for("speakers_page", item_id=item_id), status_code=303)


async def agenda_page(request: Request) -> Response:
    assembly_id = path_int(request, "assembly_id")

    def load(db: Session, who: Principal) -> dict[str, Any]:
        return {"assembly": get_assembly(db, assembly_id), "chair": who.has_role(*CHAIR),
                "agenda": agenda.get_agenda(db, assembly_id)}

    context = await in_transaction(request, load, roles=READERS, write=False)
    return render(request, "floor/agenda.html", {
        **context, "kinds": ITEM_KINDS, "alternations": ALTERNATIONS})


async def agenda_add(request: Request) -> Response:
    assembly_id = path_int(request, "assembly_id")
    form = await read_form(request, check=False)

    def work(db: Session, who: Principal) -> None:
        fields = {"title": text(form, "title"), "kind": text(form, "kind") or "other",
                  "duration_minutes": _whole(form, "duration_minutes")}
        agenda.add_item(db, assembly_id, fields, actor(who), utcnow())

    await in_transaction(request, work, roles=CHAIR, write=True, form=form)
    return _to_agenda(request, assembly_id)


async def agenda_item_action(request: Request) -> Response:
    """Move up or down, remove, start or postpone one item (the form's `action`)."""
    item_id = path_int(request, "item_id")
    form = await read_form(request, check=False)
    action, now = text(form, "action"), utcnow()

    def work(db: Session, principal: Principal) -> int:
        who = actor(principal)
        item = agenda.get_item(db, item_id)
        assembly_id = item.assembly_id
        if action in ("up", "down"):
            step = -1 if action == "up" else 1
            agenda.change_item(db, item_id, {"position": item.position + step}, who, now)
        elif action == "remove":
            agenda.remove_item(db, item_id, who, now)
        elif action == "start":
            agenda.start_item(db, item_id, who, now)
        elif action == "postpone":
            agenda.postpone_item(db, item_id, who, now)
        else:
            raise errors.InvalidInput("Unknown action.", field="action")
        return assembly_id

    return _to_agenda(request, await in_transaction(request, work, roles=CHAIR, write=True,
                                                     form=form))


async def agenda_vote(request: Request) -> Response:
    assembly_id = path_int(request, "assembly_id")
    form = await read_form(request, check=False)
    poll_id = await in_transaction(request, lambda db, who: agenda.put_to_vote(
        db, assembly_id, actor(who), utcnow()).id, roles=CHAIR, write=True, form=form)
    return RedirectResponse(request.url_for("poll_page", poll_id=poll_id), status_code=303)


async def agenda_next(request: Request) -> Response:
    assembly_id = path_int(request, "assembly_id")
    form = await read_form(request, check=False)
    await in_transaction(request, lambda db, who: agenda.advance(
        db, assembly_id, actor(who), utcnow()), roles=CHAIR, write=True, form=form)
    return _to_agenda(request, assembly_id)


async def floor_rules_save(request: Request) -> Response:
    assembly_id = path_int(request, "assembly_id")
    form = await read_form(request, check=False)

    def work(db: Session, who: Principal) -> None:
        fields = {"speech_seconds": _whole(form, "speech_seconds"),
                  "point_of_order_seconds": _whole(form, "point_of_order_seconds"),
                  "alternation": text(form, "alternation")}
        speakers.set_rules(db, assembly_id, fields, actor(who), utcnow())

    await in_transaction(request, work, roles=CHAIR, write=True, form=form)
    return _to_agenda(request, assembly_id)


def _item_context(db: Session, item_id: int) -> dict[str, Any]:
    listed = speakers.speakers_list(db, item_id)
    return {"listed": listed, "item": listed.item,
            "assembly": get_assembly(db, listed.item.assembly_id),
            "remaining": listed.remaining(utcnow()), "spoken": speakers.spoken_seconds}


async def speakers_page(request: Request) -> Response:
    item_id = path_int(request, "item_id")

    def load(db: Session, who: Principal) -> dict[str, Any]:
        context = _item_context(db, item_id)
        context["delegates"] = present_delegates(db, context["item"].assembly_id)
        context["chair"] = who.has_role(*CHAIR)
        return context

    context = await in_transaction(request, load, roles=READERS, write=False)
    return render(request, "floor/speakers.html", context)


async def speakers_action(request: Request) -> Response:
    """The chair's console: next speaker, end of a speech, add a delegate, withdraw one."""
    item_id = path_int(request, "item_id")
    form = await read_form(request, check=False)
    action, now = text(form, "action"), utcnow()

    def work(db: Session, principal: Principal) -> None:
        who = actor(principal)
        if action == "next":
            speakers.call_next(db, item_id, who, now)
        elif action == "end":
            speakers.end_speech(db, item_id, who, now)
        elif action in ("speech", "point_of_order"):
            speakers.request_floor(db, item_id, _whole(form, "delegate_id"), action, who, now)
        elif action == "withdraw":
            speakers.withdraw(db, _whole(form, "speaker_id"), who, now)
        else:
            raise errors.InvalidInput("Unknown action.", field="action")

    await in_transaction(request, work, roles=CHAIR, write=True, form=form)
    return _to_item(request, item_id)


async def projector(request: Request) -> Response:
    assembly_id = path_int(request, "assembly_id")

    def load(db: Session, _who: Principal) -> dict[str, Any]:
        current = agenda.get_agenda(db, assembly_id)
        context: dict[str, Any] = {"assembly": get_assembly(db, assembly_id),
                                   "agenda": current, "listed": None, "remaining": None}
        if current.current is not None:
            context.update(_item_context(db, current.current.id))
        return context

    return render(request, "floor/projector.html",
                  await in_transaction(request, load, roles=READERS, write=False))


def _delegate_context(db: Session, delegate_id: int) -> dict[str, Any]:
    delegate = active_delegate(db, delegate_id)
    current = agenda.get_agenda(db, delegate.assembly_id)
    context: dict[str, Any] = {"delegate": delegate, "agenda": current,
                               "assembly": get_assembly(db, delegate.assembly_id),
                               "listed": None, "remaining": None, "mine": []}
    if current.current is not None:
        context.update(_item_context(db, current.current.id))
        listed = context["listed"]
        context["mine"] = [(place, s) for place, s in enumerate(listed.waiting, start=1)
                           if s.delegate_id == delegate_id]
    return context


async def delegate_floor(request: Request) -> Response:
    context = await in_transaction(request, lambda db, who: _delegate_context(
        db, who.delegate_id), roles=roles.DELEGATE, write=False)
    return render(request, "floor/delegate.html", context)


async def delegate_floor_action(request: Request) -> Response:
    """A delegate asks for the floor or a point of order on the current item, or withdraws."""
    form = await read_form(request, check=False)
    action, now = text(form, "action"), utcnow()

    def work(db: Session, principal: Principal) -> None:
        delegate_id, who = principal.delegate_id, actor(principal)
        delegate = active_delegate(db, delegate_id)
        if action == "withdraw":
            speakers.withdraw(db, _whole(form, "speaker_id"), who, now, delegate_id=delegate_id)
            return
        speakers.request_floor(db, _whole(form, "item_id"), delegate_id, action, who, now,
                               assembly_id=delegate.assembly_id)

    await in_transaction(request, work, roles=roles.DELEGATE, write=True, form=form)
    return RedirectResponse(request.url_for("delegate_floor"), status_code=303)


routes = [
    Route("/assemblies/{assembly_id:int}/agenda", agenda_page, methods=["GET"],
          name="agenda_page"),
    Route("/assemblies/{assembly_id:int}/agenda", agenda_add, methods=["POST"],
          name="agenda_add"),
    Route("/assemblies/{assembly_id:int}/agenda/vote", agenda_vote, methods=["POST"],
          name="agenda_vote"),
    Route("/assemblies/{assembly_id:int}/agenda/next", agenda_next, methods=["POST"],
          name="agenda_next"),
    Route("/assemblies/{assembly_id:int}/floor-rules", floor_rules_save, methods=["POST"],
          name="floor_rules_save"),
    Route("/assemblies/{assembly_id:int}/floor/projector", projector, methods=["GET"],
          name="floor_projector"),
    Route("/agenda-items/{item_id:int}", agenda_item_action, methods=["POST"],
          name="agenda_item_action"),
    Route("/agenda-items/{item_id:int}/speakers", speakers_page, methods=["GET"],
          name="speakers_page"),
    Route("/agenda-items/{item_id:int}/speakers", speakers_action, methods=["POST"],
          name="speakers_action"),
    Route("/me/floor", delegate_floor, methods=["GET"], name="delegate_floor"),
    Route("/me/floor", delegate_floor_action, methods=["POST"], name="delegate_floor_action"),
]
