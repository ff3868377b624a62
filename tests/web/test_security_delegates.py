"""A delegate can never act for an organization it does not represent, nor reach another
assembly's polls: through castBallot with every kind of foreign organization id, and through
the voting form. Nothing enters the ledger when it tries."""

from __future__ import annotations

from sqlalchemy import func, select

from governance.assemblies import services as assemblies
from governance.db import utcnow
from governance.polls.models import Ballot
from tests.factories import csrf
from tests.factories_security import log_in, make_world


def _ballots(database) -> int:
    with database.transaction(write=False) as db:
        return db.scalar(select(func.count()).select_from(Ballot)) or 0


def _foreign_ids(world) -> dict[str, int]:
    """Organizations the world's delegate does not speak for, each for a different reason."""
    return {
        "another delegate's own": world.other_organization_id,
        "another assembly's": world.foreign_organization_id,
        "no such organization": 2**31 - 1,
    }


def _revoke_the_proxy(database, world) -> None:
    with database.transaction() as db:
        assemblies.revoke_proxy(db, world.assembly_id, world.proxy_id, "staff:t", utcnow())


def test_cast_ballot_for_any_organization_not_represented_is_refused(app, client, database,
                                                                     settings):
    world = make_world(database, settings)
    foreign = _foreign_ids(world)
    delegate = log_in(app, "delegate", world)
    ballots = _ballots(database)
    path = f"/api/v1/polls/{world.open_poll_id}/ballots"
    for reason, organization_id in foreign.items():
        response = client.post(path, headers=delegate.api,
                               json={"organization_id": organization_id, "choice": "yes"})
        assert response.status_code == 403, reason
        assert response.json()["error"]["code"] in ("not_entitled", "no_voting_right"), reason
    # another assembly's poll, even for its own organization
    other = client.post(f"/api/v1/polls/{world.foreign_poll_id}/ballots", headers=delegate.api,
                        json={"choice": "yes"})
    assert other.status_code == 403 and other.json()["error"]["code"] == "not_entitled"
    assert client.get(f"/api/v1/polls/{world.foreign_poll_id}",
                      headers=delegate.api).status_code == 404
    assert client.get(f"/api/v1/assemblies/{world.foreign_assembly_id}/polls",
                      headers=delegate.api).status_code == 404
    assert _ballots(database) == ballots
    # what it does represent goes through: its own and the proxy it holds
    for organization_id in (None, world.proxy_organization_id):
        body = {"choice": "no"} | ({"organization_id": organization_id}
                                   if organization_id else {})
        assert client.post(path, headers=delegate.api, json=body).status_code == 201
    assert _ballots(database) == ballots + 2
    # a proxy revoked is a vote no longer held, at once
    _revoke_the_proxy(database, world)
    gone = client.post(path, headers=delegate.api, json={
        "organization_id": world.proxy_organization_id, "choice": "yes"})
    assert gone.status_code == 403 and gone.json()["error"]["code"] == "not_entitled"


def test_the_voting_form_refuses_organizations_not_represented(app, client, database,
                                                               settings):
    world = make_world(database, settings)
    foreign = _foreign_ids(world)
    delegate = log_in(app, "delegate", world)
    ballots = _ballots(database)
    page = f"/me/polls/{world.open_poll_id}"
    token = csrf(delegate.browser, page)
    _revoke_the_proxy(database, world)
    foreign["a proxy since revoked"] = world.proxy_organization_id
    for reason, organization_id in foreign.items():
        for step in ("confirm", "vote"):
            response = delegate.browser.post(f"{page}/{step}", data={
                "csrf_token": token, "choice": "yes", "organization_id": str(organization_id)})
            assert response.status_code == 422, (step, reason)  # a 500 before this test
            assert response.context["error"] and response.context["confirm"] is None
            # the confirmation screen lists only the delegate's own papers
            papers = {p.organization_id for p in response.context["papers"]}
            assert organization_id not in papers, reason
    assert _ballots(database) == ballots
    # another assembly's poll does not even show
    for path in (f"/me/polls/{world.foreign_poll_id}", f"/polls/{world.foreign_poll_id}"):
        assert delegate.browser.get(path).status_code == 404, path
    refused = delegate.browser.post(f"/me/polls/{world.foreign_poll_id}/vote",
                                    data={"csrf_token": token, "choice": "yes"})
    assert refused.status_code in (403, 404, 422)
    assert _ballots(database) == ballots
