"""The delegate's voting screen without JavaScript: tap an option, confirm, get the receipt,
download it; the proxy's organization is on the same screen."""

from __future__ import annotations

import re

from governance.auth import services as auth
from governance.db import utcnow
from tests.factories import csrf
from tests.factories_polls import assembly_in_session, open_poll


def log_in_delegate(client, delegate_id):
    app = client.app
    with app.state.database.transaction() as db:
        token = auth.start_session(db, app.state.settings, utcnow(), delegate_id=delegate_id)
    client.cookies.set(app.state.cookies.session, token)


def test_delegate_votes_for_own_and_proxied_organization(client, database, settings):
    with database.transaction() as db:
        s = assembly_in_session(db, settings, [120], proxies=[(30, 0)])
        poll_id = open_poll(db, s.assembly_id)
    log_in_delegate(client, s.delegations[0].delegate_id)
    url = f"/me/polls/{poll_id}"

    # 1. One screen lists both organizations with their weights.
    screen = client.get(url)
    assert screen.status_code == 200 and screen.template == "polls/vote.html"
    papers = screen.context["papers"]
    assert [(p.weight, p.via_proxy, p.receipt) for p in papers] == [(120, False, None),
                                                                     (30, True, None)]
    assert 'name="viewport"' in screen.text and "<script" not in screen.text

    # 2. One tap on "Sí" asks for confirmation, showing organization and weight.
    token = csrf(client, url)
    confirm = client.post(f"{url}/confirm", data={"csrf_token": token, "choice": "yes"})
    assert confirm.status_code == 200 and confirm.context["confirm"]["payload"] == {
        "choice": "yes"}
    assert "Confirmar mi voto" in confirm.text

    # 3. Confirming casts the ballot and comes back with the receipt.
    cast = client.post(f"{url}/vote", data={"csrf_token": token, "choice": "yes"},
                       follow_redirects=False)
    assert cast.status_code == 303
    after = client.get(cast.headers["location"])
    receipt = after.context["papers"][0].receipt
    assert re.fullmatch(r"[0-9a-f]{64}", receipt) and receipt in after.text

    # 4. The proxied organization votes too, then the receipt downloads as a file.
    proxied = papers[1].organization_id
    client.post(f"{url}/vote", data={"csrf_token": token, "choice": "no",
                                     "organization_id": str(proxied)})
    final = client.get(url).context["papers"]
    assert all(p.receipt for p in final)
    download = client.get(f"{url}/receipts/{receipt}.txt")
    assert download.status_code == 200 and receipt in download.text
    assert "attachment" in download.headers["content-disposition"]

    # 5. A second vote is refused with a message on the same screen.
    again = client.post(f"{url}/vote", data={"csrf_token": token, "choice": "no"})
    assert again.status_code == 409
    assert again.context["error"] == "Esta organización ya votó en esta votación."


def test_split_vote_from_the_form(client, database, settings):
    with database.transaction() as db:
        s = assembly_in_session(db, settings, [10])
        poll_id = open_poll(db, s.assembly_id, allow_split=True)
    log_in_delegate(client, s.delegations[0].delegate_id)
    url = f"/me/polls/{poll_id}"
    token = csrf(client, url)
    wrong = client.post(f"{url}/vote", data={"csrf_token": token, "mode": "split",
                                             "split_yes": "7", "split_no": "7"})
    assert wrong.status_code == 422 and "sumen el peso" in wrong.context["error"]
    right = client.post(f"{url}/vote", data={"csrf_token": token, "mode": "split",
                                             "split_yes": "7", "split_no": "3",
                                             "split_abstain": "0"}, follow_redirects=False)
    assert right.status_code == 303


def test_other_assemblies_polls_are_not_shown(client, database, settings):
    with database.transaction() as db:
        first = assembly_in_session(db, settings, [10])
        second = assembly_in_session(db, settings, [10])
        poll_id = open_poll(db, second.assembly_id)
    log_in_delegate(client, first.delegations[0].delegate_id)
    assert client.get(f"/me/polls/{poll_id}").status_code == 404
