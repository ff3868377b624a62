"""The chair's pages: polls of an assembly, the console (open, close, live turnout, tellers),
the projector view and the poll page with its result, roll call and CSV export."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from governance import errors, i18n
from governance.assemblies import services as assemblies
from governance.auth import roles
from governance.auth.roles import Principal, actor
from governance.db import utcnow
from governance.elections.presenting import seat_sentences
from governance.polls import motions as poll_motions
from governance.polls import presenting, services
from governance.results.services import sealer
from governance.web.api import path_int
from governance.web.forms import read_form, text
from governance.web.templating import render
from governance.web.transaction import in_transaction


def _poll_context(db: Session, poll_id: int) -> dict[str, Any]:
    poll = services.get_poll(db, poll_id)
    result = json.loads(poll.result_json) if poll.result_json else None
    return {
        "poll": poll,
        "assembly": assemblies.get_assembly(db, poll.assembly_id),
        "turnout": services.turnout(db, poll) if poll.state != "draft" else None,
        "result": result,
        "rows": presenting.tally_rows(poll, result),
        "outcome": presenting.outcome(poll) if poll.outcome else None,
        "rules": presenting.rules_summary(poll),
        "label": lambda key: presenting.label(poll, key),
        "seats": seat_sentences(result, lambda key: presenting.label(poll, key)),
    }


async def assembly_polls(request: Request) -> Response:
    assembly_id = path_int(request, "assembly_id")
    data = await in_transaction(request, lambda db, _who: _list_data(db, assembly_id),
                                roles=roles.READERS, write=False)
    return render(request, "polls/list.html", _list_context(data, None))


def _list_data(db: Session, assembly_id: int) -> dict[str, Any]:
    return {"assembly": assemblies.get_assembly(db, assembly_id),
            "polls": services.list_polls(db, assembly_id),
            "motions": poll_motions.votable(db, i18n.current_language())}


def _list_context(data: dict[str, Any], error: str | None) -> dict[str, Any]:
    return {**data, "error": error, "methods": presenting.METHOD_NAMES,
            "majorities": presenting.MAJORITY_NAMES}


def _poll_fields(form: FormData) -> dict[str, Any]:
    """The poll the chair's form describes, as `services.create_poll` takes it."""
    method = text(form, "method") or "yes_no_abstain"
    options, labels = [], {}
    if method != "yes_no_abstain":
        for number, line in enumerate(text(form, "options").splitlines(), start=1):
            if line.strip():
                key = f"o{number}"
                options.append(key)
                labels[key] = line.strip()
    max_choices = text(form, "max_choices")
    rules: dict[str, Any] = {"majority": text(form, "majority") or "simple",
                             "abstentions_count": form.get("abstentions_count") == "on",
                             "tie": text(form, "tie") or "rejected"}
    for name in ("double_weight_pct", "double_orgs_pct"):
        if text(form, name).isdigit():
            rules[name] = int(text(form, name))
    motion, _sep, objective = text(form, "motion").partition(":")
    return {
        "motion_id": int(motion) if motion.isdigit() else None,
        "objective_number": int(objective) if objective.isdigit() else None,
        "title": text(form, "title"), "description": text(form, "description"),
        "method": method, "options": options, "option_labels": labels,
        "max_choices": int(max_choices) if max_choices.isdigit() else 1,
        "allow_split": form.get("allow_split") == "on",
        "allow_revote": form.get("allow_revote") == "on",
        "secret": form.get("secret") == "on", "rules": rules,
    }


async def create(request: Request) -> Response:
    assembly_id = path_int(request, "assembly_id")
    form = await read_form(request, check=False)
    fields = _poll_fields(form)
    try:
        poll = await in_transaction(request, lambda db, who: services.create_poll(
            db, assembly_id, fields, actor(who), utcnow()),
            roles=roles.CHAIR, write=True, form=form)
    except (errors.InvalidInput, errors.Conflict, errors.NotFound) as exc:
        data = await in_transaction(request, lambda db, _who: _list_data(db, assembly_id),
                                    roles=roles.READERS, write=False)
        return render(request, "polls/list.html",
                      _list_context(data, i18n.gettext(exc.message, **exc.params)),
                      status_code=422)
    return RedirectResponse(request.url_for("poll_page", poll_id=poll.id), status_code=303)


async def poll_page(request: Request) -> Response:
    poll_id = path_int(request, "poll_id")

    def load(db: Session, who: Principal) -> dict[str, Any]:
        # Delegates see the polls of their own assembly only.
        poll = services.visible_poll(db, who, poll_id)
        return {**_poll_context(db, poll_id), "roll_call": services.roll_call(db, poll),
                "present_delegates": services.present_delegates(db, poll.assembly_id)
                if who.has_role("committee") else []}

    data = await in_transaction(request, load, roles=roles.ANYONE, write=False)
    refresh = data["poll"].state == "open"
    return render(request, "polls/poll.html", {**data, "refresh": refresh})


async def projector(request: Request) -> Response:
    poll_id = path_int(request, "poll_id")
    data = await in_transaction(request, lambda db, _who: _poll_context(db, poll_id),
                                roles=roles.READERS, write=False)
    return render(request, "polls/projector.html", {**data,
                                                    "refresh": data["poll"].state == "open"})


async def change_state(request: Request) -> Response:
    poll_id = path_int(request, "poll_id")
    form = await read_form(request, check=False)
    opening = request.url.path.endswith("/open")
    seal = sealer(request.app.state.settings)

    def change(db: Session, who: Principal) -> None:
        if opening:
            services.open_poll(db, poll_id, actor(who), utcnow())
        else:
            services.close_poll(db, seal, poll_id, actor(who), utcnow())

    await in_transaction(request, change, roles=roles.CHAIR, write=True, form=form)
    return RedirectResponse(request.url_for("poll_page", poll_id=poll_id), status_code=303)


async def teller_ballot(request: Request) -> Response:
    poll_id = path_int(request, "poll_id")
    form = await read_form(request, check=False)

    def enter(db: Session, who: Principal) -> None:
        delegate = text(form, "delegate_id")
        if not delegate.isdigit():
            raise errors.InvalidInput("Choose the delegate.", field="delegate_id")
        organization = text(form, "organization_id")
        services.cast_ballot(
            db, poll_id, delegate_id=int(delegate),
            organization_id=int(organization) if organization.isdigit() else None,
            payload={"choice": text(form, "choice")}, now=utcnow(), teller=who.name)

    await in_transaction(request, enter, roles=roles.TELLERS, write=True, form=form)
    return RedirectResponse(request.url_for("poll_page", poll_id=poll_id), status_code=303)


def _safe_cell(value: Any) -> str:
    """CSV cells that a spreadsheet would run as formulas are quoted with an apostrophe."""
    cell = str(value)
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


async def ballots_csv(request: Request) -> Response:
    poll_id = path_int(request, "poll_id")

    def load(db: Session, _who: Principal) -> str:
        poll = services.get_poll(db, poll_id)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["seq", "voter", "organization", "weight", "vote", "by", "cast_at",
                         "receipt"])
        voters = {v.voter: v for v in services.voters_of(db, poll_id)}
        for ballot in services.ballots_of(db, poll_id):
            voter = voters.get(ballot.voter)
            writer.writerow([_safe_cell(c) for c in (
                ballot.seq, ballot.voter,
                "" if poll.secret or voter is None else voter.organization_name,
                voter.weight if voter else "", json.dumps(ballot.vote, ensure_ascii=False),
                ballot.via, services.rfc3339(ballot.cast_at), ballot.receipt)])
        return out.getvalue()

    csv_text = await in_transaction(request, load, roles=roles.READERS, write=False)
    return Response(csv_text, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="poll-{poll_id}-ballots.csv"'})


routes = [
    Route("/assemblies/{assembly_id:int}/polls", assembly_polls, methods=["GET"],
          name="assembly_polls"),
    Route("/assemblies/{assembly_id:int}/polls", create, methods=["POST"], name="poll_create"),
    Route("/polls/{poll_id:int}", poll_page, methods=["GET"], name="poll_page"),
    Route("/polls/{poll_id:int}/projector", projector, methods=["GET"], name="poll_projector"),
    Route("/polls/{poll_id:int}/open", change_state, methods=["POST"], name="poll_open"),
    Route("/polls/{poll_id:int}/close", change_state, methods=["POST"], name="poll_close"),
    Route("/polls/{poll_id:int}/teller", teller_ballot, methods=["POST"], name="poll_teller"),
    Route("/polls/{poll_id:int}/ballots.csv", ballots_csv, methods=["GET"], name="poll_csv"),
]
