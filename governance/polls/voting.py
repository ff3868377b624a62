"""The delegate's voting screens: one screen per open poll, one tap per option, a
confirmation, then the receipt (shown and downloadable). Works without JavaScript."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from governance import errors, i18n
from governance.assemblies import services as assemblies
from governance.assemblies.common import require_delegate
from governance.auth.current import request_token
from governance.db import utcnow
from governance.polls import casting, presenting, services
from governance.polls.api import not_a_delegate
from governance.web.api import path_int
from governance.web.forms import in_db, read_form, text
from governance.web.templating import render


def _payload(form: FormData, poll: Any) -> tuple[int | None, dict[str, Any]]:
    """The ballot a form describes: organization, and choice / choices / split."""
    raw_org = text(form, "organization_id")
    organization_id = int(raw_org) if raw_org.isdigit() else None
    if poll.method == "multiple":
        return organization_id, {"choices": [str(c) for c in form.getlist("choices")]}
    if text(form, "mode") == "split":
        split: dict[str, int] = {}
        for key in poll.options:
            raw = text(form, f"split_{key}") or "0"
            if not raw.isdigit():
                raise errors.InvalidInput("The parts of a divided vote must be whole numbers "
                                          "that add up to the organization's weight.")
            split[key] = int(raw)
        return organization_id, {"split": split}
    return organization_id, {"choice": text(form, "choice")}


Confirming = Callable[[Any, Any], dict[str, Any]]


async def _screen(request: Request, poll_id: int, *, confirm: Confirming | None = None,
                  error: str | None = None, status_code: int = 200) -> Response:
    """The poll's voting screen, in one read transaction; with `confirm(db, poll)`, the
    confirmation of what it returns (or the screen with the reason it refuses)."""
    delegate_id = await require_delegate(request)

    def load(db: Any) -> dict[str, Any]:
        poll = services.get_poll(db, poll_id)
        delegate = assemblies.active_delegate(db, delegate_id)
        if delegate.assembly_id != poll.assembly_id:
            raise errors.NotFound("There is no poll number %(id)s.", id=poll_id)
        shown = {"poll": poll, "delegate": delegate, "confirm": None, "error": error,
                 "status_code": status_code}
        if confirm is not None:
            try:
                shown["confirm"] = confirm(db, poll)
            except (errors.InvalidInput, errors.Forbidden) as exc:
                shown |= {"error": i18n.gettext(exc.message, **exc.params), "status_code": 422}
        return {**shown, "papers": services.ballot_papers(db, poll, delegate_id)}

    data = await in_db(request, load)
    poll = data["poll"]
    return render(request, "polls/vote.html", {
        **data, "label": lambda key: presenting.label(poll, key),
        "rules": presenting.rules_summary(poll),
        "just_voted": request.query_params.get("voted"),
    }, status_code=data["status_code"])


async def vote_page(request: Request) -> Response:
    return await _screen(request, path_int(request, "poll_id"))


async def confirm_page(request: Request) -> Response:
    """Step two: show what will be cast, for which organization, with which weight."""
    delegate_id = await require_delegate(request)
    poll_id = path_int(request, "poll_id")
    form = await read_form(request)

    def confirm(db: Any, poll: Any) -> dict[str, Any]:
        organization_id, payload = _payload(form, poll)
        represented = {r.organization_id
                       for r in assemblies.represented_organizations(db, delegate_id)}
        if organization_id is not None and organization_id not in represented:
            # a hand-made form naming someone else's organization: refused here as at casting
            raise errors.Forbidden("You do not hold the vote of this organization.")
        return {"organization_id": organization_id, "payload": payload}

    return await _screen(request, poll_id, confirm=confirm)


async def cast(request: Request) -> Response:
    """Step three, the vote itself: like castBallot, one piece of the ballot writer (the
    session, the form's choice and every check in the transaction that inserts it), then back
    to the screen, which shows the receipt."""
    token = request_token(request)
    if token is None:
        raise errors.NotAuthenticated("Log in to continue.")
    poll_id = path_int(request, "poll_id")
    form = await read_form(request)
    settings = request.app.state.settings
    now = utcnow()

    def work(db: Any) -> casting.Accepted:
        caster = casting.delegate_session(db, settings, token, now)
        if caster is None:
            not_a_delegate(db, settings, token, now)
        organization_id, payload = _payload(form, casting.open_poll(db, poll_id).spec)
        return casting.cast(db, caster, poll_id, payload, now, organization_id)

    try:
        ballot = await request.app.state.ballot_writer.run(work)
    except (errors.InvalidInput, errors.Conflict, errors.Forbidden) as exc:
        return await _screen(request, poll_id, error=i18n.gettext(exc.message, **exc.params),
                             status_code=409 if isinstance(exc, errors.Conflict) else 422)
    target = request.url_for("vote_page", poll_id=poll_id).include_query_params(
        voted=ballot.organization_id)
    return RedirectResponse(str(target) + f"#org-{ballot.organization_id}", status_code=303)


async def receipt_download(request: Request) -> Response:
    """The receipt as a small text file the delegate keeps, with how to check it later."""
    delegate_id = await require_delegate(request)
    poll_id = path_int(request, "poll_id")
    receipt = request.path_params["receipt"].lower()

    def load(db: Any) -> tuple[Any, Any]:
        poll = services.get_poll(db, poll_id)
        mine = {p.receipt: p for p in services.ballot_papers(db, poll, delegate_id)}
        if receipt not in mine:
            raise errors.NotFound("No ballot in this poll has the receipt %(receipt)s.",
                                  receipt=receipt[:80])
        return poll, mine[receipt]

    poll, paper = await in_db(request, load)
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
    delegate_id = await require_delegate(request)

    def load(db: Any) -> dict[str, Any]:
        delegate = assemblies.active_delegate(db, delegate_id)
        return {"delegate": delegate,
                "polls": services.open_polls(db, delegate.assembly_id)}

    return render(request, "polls/my_polls.html", await in_db(request, load))


routes = [
    Route("/me/polls", my_polls, methods=["GET"], name="my_polls"),
    Route("/me/polls/{poll_id:int}", vote_page, methods=["GET"], name="vote_page"),
    Route("/me/polls/{poll_id:int}/confirm", confirm_page, methods=["POST"], name="vote_confirm"),
    Route("/me/polls/{poll_id:int}/vote", cast, methods=["POST"], name="vote_cast"),
    Route("/me/polls/{poll_id:int}/receipts/{receipt:str}.txt", receipt_download,
          methods=["GET"], name="receipt_download"),
]
