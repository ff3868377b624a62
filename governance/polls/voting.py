"""The delegate's voting screens: one screen per open poll, one tap per option, a
confirmation, then the receipt (shown and downloadable). Works without JavaScript."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from governance import errors, i18n
from governance.assemblies import services as assemblies
from governance.auth import roles
from governance.auth.roles import Principal
from governance.db import utcnow
from governance.polls import casting, presenting, services
from governance.polls.models import Poll
from governance.web.api import path_int
from governance.web.forms import read_form, text
from governance.web.templating import render
from governance.web.transaction import in_transaction


def _payload(form: FormData) -> tuple[int | None, dict[str, Any]]:
    """The ballot a form describes: organization, and choice / choices / split. Read from the
    form alone (its fields say which kind of ballot it is), so that casting needs no trip to
    learn the poll's options: the ballot box checks them."""
    raw_org = text(form, "organization_id")
    organization_id = int(raw_org) if raw_org.isdigit() else None
    mode = text(form, "mode")
    if mode == "choices" or "choices" in form:
        return organization_id, {"choices": [str(c) for c in form.getlist("choices")]}
    if mode == "split":
        split: dict[str, int] = {}
        for name in form:
            if name.startswith("split_"):
                raw = text(form, name) or "0"
                if not raw.isdigit():
                    raise errors.InvalidInput("The parts of a divided vote must be whole "
                                              "numbers that add up to the organization's weight.")
                split[name.removeprefix("split_")] = int(raw)
        return organization_id, {"split": split}
    return organization_id, {"choice": text(form, "choice")}


def _screen_data(db: Session, who: Principal, poll_id: int) -> dict[str, Any]:
    """What the voting screen shows: the poll (of the delegate's own assembly) and a ballot
    paper for each organization the delegate votes for."""
    poll = services.get_poll(db, poll_id)
    delegate = assemblies.active_delegate(db, who.delegate_id)
    if delegate.assembly_id != poll.assembly_id:
        raise errors.NotFound("There is no poll number %(id)s.", id=poll_id)
    return {"poll": poll, "delegate": delegate,
            "papers": services.ballot_papers(db, poll, delegate.id)}


def _screen(request: Request, data: dict[str, Any], *, confirm: dict[str, Any] | None = None,
            error: str | None = None, status_code: int = 200) -> Response:
    poll = data["poll"]
    return render(request, "polls/vote.html", {
        **data, "label": lambda key: presenting.label(poll, key),
        "rules": presenting.rules_summary(poll), "confirm": confirm, "error": error,
        "just_voted": request.query_params.get("voted"),
    }, status_code=status_code)


async def _refused(request: Request, poll_id: int, exc: errors.DomainError,
                   status_code: int) -> Response:
    """The voting screen again, saying why the ballot was refused."""
    data = await in_transaction(request, lambda db, who: _screen_data(db, who, poll_id),
                                roles=roles.DELEGATE, write=False)
    return _screen(request, data, error=i18n.gettext(exc.message, **exc.params),
                   status_code=status_code)


async def vote_page(request: Request) -> Response:
    poll_id = path_int(request, "poll_id")
    data = await in_transaction(request, lambda db, who: _screen_data(db, who, poll_id),
                                roles=roles.DELEGATE, write=False)
    return _screen(request, data)


async def confirm_page(request: Request) -> Response:
    """Step two: show what will be cast, for which organization, with which weight."""
    poll_id = path_int(request, "poll_id")
    form = await read_form(request, check=False)
    data = await in_transaction(request, lambda db, who: _screen_data(db, who, poll_id),
                                roles=roles.DELEGATE, write=False, form=form)
    try:
        organization_id, payload = _payload(form)
    except errors.InvalidInput as exc:
        return _screen(request, data, error=i18n.gettext(exc.message), status_code=422)
    represented = {paper.organization_id for paper in data["papers"]}
    if organization_id is not None and organization_id not in represented:
        # a hand-made form naming someone else's organization: refused here as at casting
        return _screen(request, data, status_code=422, error=i18n.gettext(
            "You do not hold the vote of this organization."))
    return _screen(request, data, confirm={"organization_id": organization_id,
                                           "payload": payload})


async def cast(request: Request) -> Response:
    """Step three: the ballot is one piece of the process's ballot writer, like castBallot
    (polls/writer.py); the screen then shows the receipt."""
    poll_id = path_int(request, "poll_id")
    form = await read_form(request, check=False)
    try:
        organization_id, payload = _payload(form)
        ballot = await in_transaction(request, lambda db, who: casting.cast(
            db, casting.delegate_by_id(db, who.delegate_id), poll_id, payload, utcnow(),
            organization_id), roles=roles.DELEGATE, write=True, form=form, batched=True)
    except (errors.InvalidInput, errors.Conflict) as exc:
        return await _refused(request, poll_id, exc,
                              409 if isinstance(exc, errors.Conflict) else 422)
    except errors.Forbidden as exc:
        if exc.code in ("csrf", "not_a_delegate"):
            raise  # not a refused ballot: the plumbing's refusal, as on every page
        return await _refused(request, poll_id, exc, 422)
    target = request.url_for("vote_page", poll_id=poll_id).include_query_params(
        voted=ballot.organization_id)
    return RedirectResponse(str(target) + f"#org-{ballot.organization_id}", status_code=303)


async def receipt_download(request: Request) -> Response:
    """The receipt as a small text file the delegate keeps, with how to check it later."""
    poll_id = path_int(request, "poll_id")
    receipt = request.path_params["receipt"].lower()

    def load(db: Session, who: Principal) -> tuple[Poll, services.BallotPaper]:
        poll = services.get_poll(db, poll_id)
        mine = {p.receipt: p for p in services.ballot_papers(db, poll, who.delegate_id)}
        if receipt not in mine:
            raise errors.NotFound("No ballot in this poll has the receipt %(receipt)s.",
                                  receipt=receipt[:80])
        return poll, mine[receipt]

    poll, paper = await in_transaction(request, load, roles=roles.DELEGATE, write=False)
    check_url = request.url_for("receipt_page", poll_id=poll_id).include_query_params(
        receipt=receipt)
    body = "\n".join([
        i18n.gettext("Asamblea — ballot receipt"),
        f"{i18n.gettext('Poll')}: {poll.title} (#{poll.id})",
        f"{i18n.gettext('Organization')}: {paper.organization_name}",
        f"{i18n.gettext('Receipt')}: {receipt}",
        "",
        i18n.gettext("After the poll closes, check that this ballot was counted at:"),
        str(check_url),
        "",
    ])
    return PlainTextResponse(body, headers={
        "Content-Disposition": f'attachment; filename="receipt-poll-{poll_id}.txt"'})


async def my_polls(request: Request) -> Response:
    def load(db: Session, who: Principal) -> dict[str, Any]:
        delegate = assemblies.active_delegate(db, who.delegate_id)
        return {"delegate": delegate,
                "polls": services.open_polls(db, delegate.assembly_id)}

    data = await in_transaction(request, load, roles=roles.DELEGATE, write=False)
    return render(request, "polls/my_polls.html", data)


routes = [
    Route("/me/polls", my_polls, methods=["GET"], name="my_polls"),
    Route("/me/polls/{poll_id:int}", vote_page, methods=["GET"], name="vote_page"),
    Route("/me/polls/{poll_id:int}/confirm", confirm_page, methods=["POST"], name="vote_confirm"),
    Route("/me/polls/{poll_id:int}/vote", cast, methods=["POST"], name="vote_cast"),
    Route("/me/polls/{poll_id:int}/receipts/{receipt:str}.txt", receipt_download,
          methods=["GET"], name="receipt_download"),
]
