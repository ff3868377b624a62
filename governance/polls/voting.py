"""The delegate's voting screens: one screen per open poll, one tap per option, a
confirmation, then the receipt (shown and downloadable). Works without JavaScript."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from governance import errors, i18n
from governance.assemblies import services as assemblies
from governance.assemblies.common import require_delegate
from governance.db import utcnow
from governance.polls import presenting, services
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


async def _screen(request: Request, poll_id: int, *, confirm: dict[str, Any] | None = None,
                  error: str | None = None, status_code: int = 200) -> Response:
    delegate_id = await require_delegate(request)

    def load(db: Any) -> dict[str, Any]:
        poll = services.get_poll(db, poll_id)
        delegate = assemblies.active_delegate(db, delegate_id)
        if delegate.assembly_id != poll.assembly_id:
            raise errors.NotFound("There is no poll number %(id)s.", id=poll_id)
        return {"poll": poll, "delegate": delegate,
                "papers": services.ballot_papers(db, poll, delegate_id)}

    data = await in_db(request, load)
    poll = data["poll"]
    return render(request, "polls/vote.html", {
        **data, "label": lambda key: presenting.label(poll, key),
        "rules": presenting.rules_summary(poll), "confirm": confirm, "error": error,
        "just_voted": request.query_params.get("voted"),
    }, status_code=status_code)


async def vote_page(request: Request) -> Response:
    return await _screen(request, path_int(request, "poll_id"))


async def confirm_page(request: Request) -> Response:
    """Step two: show what will be cast, for which organization, with which weight."""
    delegate_id = await require_delegate(request)
    poll_id = path_int(request, "poll_id")
    form = await read_form(request)
    poll = await in_db(request, lambda db: services.get_poll(db, poll_id))
    try:
        organization_id, payload = _payload(form, poll)
    except errors.InvalidInput as exc:
        return await _screen(request, poll_id, error=i18n.gettext(exc.message), status_code=422)
    represented = await in_db(request, lambda db: {
        r.organization_id for r in assemblies.represented_organizations(db, delegate_id)})
    if organization_id is not None and organization_id not in represented:
        # a hand-made form naming someone else's organization: refused here as at casting
        return await _screen(request, poll_id, status_code=422, error=i18n.gettext(
            "You do not hold the vote of this organization."))
    return await _screen(request, poll_id, confirm={"organization_id": organization_id,
                                                    "payload": payload})


async def cast(request: Request) -> Response:
    delegate_id = await require_delegate(request)
    poll_id = path_int(request, "poll_id")
    form = await read_form(request)
    poll = await in_db(request, lambda db: services.get_poll(db, poll_id))
    try:
        organization_id, payload = _payload(form, poll)
        ballot = await in_db(request, lambda db: services.cast_ballot(
            db, poll_id, delegate_id=delegate_id, organization_id=organization_id,
            payload=payload, now=utcnow()), write=True)
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
