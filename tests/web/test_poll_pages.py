"""The chair's pages: create a poll from the form, open it, watch turnout, close it, and the
projector and poll pages show the signed result; CSV export is safe for spreadsheets."""

from __future__ import annotations

import csv
import io

from governance.db import utcnow
from governance.polls import services as polls
from tests.factories import browser_login, csrf
from tests.factories_polls import assembly_in_session, ensure_key


def test_chair_runs_a_poll_from_the_pages(client, database, settings):
    ensure_key(settings)
    with database.transaction() as db:
        s = assembly_in_session(db, settings, [40, 10, 5])
    browser_login(client, "board")
    listing = client.get(f"/assemblies/{s.assembly_id}/polls")
    assert listing.status_code == 200 and listing.template == "polls/list.html"

    created = client.post(f"/assemblies/{s.assembly_id}/polls", data={
        "csrf_token": csrf(client, f"/assemblies/{s.assembly_id}/polls"),
        "title": "Elección de la junta", "method": "multiple", "max_choices": "2",
        "options": "Ana\nBeto\nCarla\n", "majority": "simple"}, follow_redirects=False)
    assert created.status_code == 303
    poll_url = created.headers["location"]
    page = client.get(poll_url)
    poll = page.context["poll"]
    assert (poll.method, poll.options, poll.option_labels["o2"]) == ("multiple",
                                                                     ["o1", "o2", "o3"], "Beto")
    assert client.post(f"{poll_url}/open", data={"csrf_token": csrf(client, poll_url)},
                       follow_redirects=False).status_code == 303

    with database.transaction() as db:
        for delegation, choices in zip(s.delegations, [["o1", "o2"], ["o3"], ["o2"]],
                                       strict=True):
            polls.cast_ballot(db, poll.id, delegate_id=delegation.delegate_id,
                              payload={"choices": choices}, now=utcnow())
    live = client.get(poll_url)
    assert live.context["turnout"].cast_weight == 55
    assert 'data-live=' in live.text and 'live.js' in live.text
    assert client.post(f"{poll_url}/close", data={"csrf_token": csrf(client, poll_url)},
                       follow_redirects=False).status_code == 303

    projector = client.get(f"{poll_url}/projector")
    assert projector.template == "polls/projector.html"
    assert projector.context["outcome"] == "Electas: Ana, Beto"
    assert [r["weight"] for r in projector.context["rows"]] == [40, 45, 10]
    assert "<svg" in projector.text

    exported = client.get(f"{poll_url}/ballots.csv")
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert rows[0][:4] == ["seq", "voter", "organization", "weight"] and len(rows) == 4


def test_poll_form_errors_are_shown_not_raised(client, database, settings):
    with database.transaction() as db:
        s = assembly_in_session(db, settings, [10])
    browser_login(client, "board")
    url = f"/assemblies/{s.assembly_id}/polls"
    response = client.post(url, data={"csrf_token": csrf(client, url), "title": "x",
                                      "method": "single", "options": "solo"})
    assert response.status_code == 422
    assert response.context["error"] == ("No se puede configurar la votación: dé al menos dos "
                                         "opciones, una por línea")


def test_auditors_cannot_open_polls_and_delegate_pages_need_a_delegate(client, database,
                                                                      settings):
    with database.transaction() as db:
        s = assembly_in_session(db, settings, [10])
        poll = polls.create_poll(db, s.assembly_id, {"title": "P", "method": "yes_no_abstain"},
                                 "staff:t", utcnow())
    browser_login(client, "auditor")
    refused = client.post(f"/polls/{poll.id}/open",
                          data={"csrf_token": csrf(client, f"/polls/{poll.id}")})
    assert refused.status_code == 403
    assert client.get(f"/me/polls/{poll.id}").status_code == 403


def test_formula_cells_are_neutralized_in_csv():
    from governance.polls.pages import _safe_cell

    assert _safe_cell("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0"
    assert _safe_cell("Cooperativa") == "Cooperativa"
