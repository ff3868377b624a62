"""Issue 4's acceptance test, through the API only: 250 delegates vote at once, with proxies,
split votes, revotes and invalid attempts; the signed tally equals the one recomputed from the
ballots each client saw accepted, and every receipt is provably in the signed ledger."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from typing import Any

import httpx2

from ballots import ledger
from tests.factories import staff
from tests.factories_polls import assembly_in_session, ensure_key, open_poll

ORGANIZATIONS = 250
ABSENT = tuple(range(240, 250))  # ten accredited delegates do not come
PROXIES = [(25 * i, i) for i in range(10)]  # ten organizations without a delegate give proxies
MAX_WEIGHT = 400


def weight_of(members: int) -> int:
    return min(max(1, members), MAX_WEIGHT)


async def _vote_all(app: Any, session: Any, poll_id: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    accepted: dict[int, tuple[int, dict[str, Any]]] = {}  # organization -> (seq, vote)
    receipts: list[tuple[str, int]] = []
    refusals: list[tuple[int, dict[str, Any]]] = []
    transport = httpx2.ASGITransport(app=app)
    async with httpx2.AsyncClient(transport=transport, base_url="http://asamblea") as client:

        async def login(credential: str) -> dict[str, str]:
            response = await client.post("/api/v1/login", json={"credential": credential})
            assert response.status_code == 200, response.text
            return {"Authorization": f"Bearer {response.json()['token']}"}

        tokens = await asyncio.gather(*(login(d.credential) for d in session.delegations))

        async def ballot(headers: dict[str, str], body: dict[str, Any]) -> httpx2.Response:
            return await client.post(f"/api/v1/polls/{poll_id}/ballots", headers=headers,
                                     json=body)

        def random_vote(weight: int) -> dict[str, Any]:
            if rng.random() < 0.3 and weight > 1:
                yes = rng.randint(0, weight)
                no = rng.randint(0, weight - yes)
                return {"split": {"yes": yes, "no": no, "abstain": weight - yes - no}}
            return {"choice": rng.choice(["yes", "yes", "no", "abstain"])}

        async def delegate(index: int) -> None:
            mine = session.delegations[index]
            headers = tokens[index]
            targets = [(mine.organization_id, weight_of(mine.members), None)]
            for giver, holder in session.proxies.items():
                if holder == mine.delegate_id:
                    targets.append((giver, weight_of(session.members_of[giver]), giver))
            for organization_id, weight, proxy_for in targets:
                extra = {"organization_id": proxy_for} if proxy_for else {}
                bad = rng.choice([
                    {"choice": "perhaps"},
                    {"split": {"yes": weight + 1}},
                    {"organization_id": session.delegations[(index + 7) % 240].organization_id,
                     "choice": "yes"},
                    {"choices": ["yes", "no"]},
                ])
                response = await ballot(headers, {**extra, **bad} if "organization_id" not in
                                        bad else bad)
                refusals.append((response.status_code, response.json()))
                for _ in range(rng.choice([1, 1, 2])):  # some change their mind
                    vote = random_vote(weight)
                    response = await ballot(headers, {**extra, **vote})
                    assert response.status_code == 201, response.text
                    body = response.json()
                    receipts.append((body["receipt"], body["seq"]))
                    if organization_id not in accepted or accepted[organization_id][0] < body[
                            "seq"]:
                        accepted[organization_id] = (body["seq"], vote)

        await asyncio.gather(*(delegate(i) for i in range(240)))
        for index in ABSENT:  # absent delegates cannot vote, not even for themselves
            response = await ballot(tokens[index], {"choice": "yes"})
            refusals.append((response.status_code, response.json()))
    return {"accepted": accepted, "receipts": receipts, "refusals": refusals}


def expected_tally(session: Any, accepted: dict[int, tuple[int, dict[str, Any]]]) -> dict:
    weights = {org: weight_of(members) for org, members in session.members_of.items()}
    tally = {key: {"weight": 0, "organizations": 0} for key in ("yes", "no", "abstain")}
    for organization_id, (_seq, vote) in accepted.items():
        given = ({vote["choice"]: weights[organization_id]} if "choice" in vote
                 else {k: u for k, u in vote["split"].items() if u > 0})
        for key, units in given.items():
            tally[key]["weight"] += units
            tally[key]["organizations"] += 1
    return tally


def test_250_delegates_vote_at_once_and_the_signed_tally_matches(client, database, settings):
    # 1. The committee has accredited 250 delegates, 240 are present, 10 gave proxies.
    rng = random.Random(4)
    members = [rng.choice([0, 12, 45, 130, 380, 900, 2500]) for _ in range(ORGANIZATIONS)]
    with database.transaction() as db:
        session = assembly_in_session(
            db, settings, members, absent=ABSENT, proxies=PROXIES, proxy_limit=1,
            weighting={"scheme": "members", "max_weight": MAX_WEIGHT})
        # 2. The chair has opened a poll that allows split votes and revotes.
        poll_id = open_poll(db, session.assembly_id, allow_split=True, allow_revote=True)
    ensure_key(settings)

    # 3. Every delegate logs in with the credential and votes, at the same time.
    seen = asyncio.run(_vote_all(client.app, session, poll_id, seed=7))

    # 4. Every invalid attempt got a 4xx with a message.
    assert len(seen["refusals"]) == 240 + len(PROXIES) + len(ABSENT)
    for status, body in seen["refusals"]:
        assert 400 <= status < 500 and body["error"]["message"]
    codes = Counter(body["error"]["code"] for _s, body in seen["refusals"])
    assert codes["not_present"] == 10

    # 5. The chair closes the poll; the signed tally equals the independent recount.
    chair = staff(client, "board")
    closed = client.post(f"/api/v1/polls/{poll_id}/close", headers=chair)
    assert closed.status_code == 200, closed.text
    result = client.get(f"/api/v1/polls/{poll_id}/result").json()["result"]
    assert result["tally"] == expected_tally(session, seen["accepted"])
    assert result["ledger"]["tree_size"] == len(seen["receipts"])
    assert result["cast"]["organizations"] == 250  # 240 present + 10 by proxy
    assert result["roll"]["voting_rights"] == 260

    # 6. Every receipt returned during the poll is proven in the signed ledger.
    root = bytes.fromhex(result["ledger"]["root"])
    for receipt, seq in seen["receipts"]:
        proof = client.get(f"/api/v1/polls/{poll_id}/proof", params={"receipt": receipt}).json()
        assert proof["leaf_index"] == seq
        assert ledger.verify_inclusion(bytes.fromhex(receipt), seq, proof["tree_size"],
                                       [bytes.fromhex(h) for h in proof["proof"]], root)


def test_two_requests_for_one_organization_at_once_count_once(client, database, settings):
    with database.transaction() as db:
        session = assembly_in_session(db, settings, [50])
        poll_id = open_poll(db, session.assembly_id)

    async def race() -> list[int]:
        transport = httpx2.ASGITransport(app=client.app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://a") as http:
            login = await http.post("/api/v1/login",
                                    json={"credential": session.delegations[0].credential})
            headers = {"Authorization": f"Bearer {login.json()['token']}"}
            responses = await asyncio.gather(*(
                http.post(f"/api/v1/polls/{poll_id}/ballots", headers=headers,
                          json={"choice": choice}) for choice in ["yes", "no"] * 10))
            return [r.status_code for r in responses]

    statuses = asyncio.run(race())
    assert statuses.count(201) == 1 and statuses.count(409) == 19
