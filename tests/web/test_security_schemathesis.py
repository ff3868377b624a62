"""Bad input: schemathesis generates requests for every operation of /api/v1/openapi.json
(valid and invalid, as the staff secretariat, as a delegate and as nobody) and checks each
answer: never a 5xx, a documented status, the documented content type and a body matching the
documented schema. Bounded (a few examples per operation, no shrinking) so the suite stays fast.
"""

from __future__ import annotations

import os
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig

from governance.auth import services as auth
from governance.db import utcnow
from tests.factories import make_staff
from tests.factories_security import make_world

EXAMPLES = int(os.environ.get("ASAMBLEA_SCHEMATHESIS_EXAMPLES", "12"))
# Where a request the JSON Schema accepts may still break a rule it cannot express, the answer
# is 422 with the reason: a country given by a name we do not know, a CSV file's header row, a
# timezone that is not an IANA name, band thresholds that repeat, an option the poll does not
# have, a split that does not add up to the weight, a co-signature that does not verify, a
# letter that is not a PDF, PNG or JPEG. Everywhere else a schema-valid request must not get 422.
SEMANTIC_422 = ["createOrganization", "updateOrganization", "importOrganizations",
                "createAssembly", "createPoll", "castBallot", "enterTellerBallot",
                "addCosignature", "attachProxyLetter",
                # motions: a date that does not exist, an organization or poll that is not
                # there, a link to itself or in a circle, a transition the workflow forbids
                "createMotion", "updateMotion", "amendMotion", "linkMotion", "moveMotion",
                "setMotionText", "setObjective", "recordObjectiveOutcome",
                # the floor: an end before the start, a title of blanks, a motion that is not
                # there, the chair naming no delegate, a seat reserved for a group the registry
                # does not know, a nomination without the gender parity needs, a co-signature
                # of the minutes that is not base64 or does not verify
                "updateAssembly", "addAgendaItem", "changeAgendaItem", "requestFloor",
                "createElection", "nominateCandidate", "addMinutesCosignature"]
# NUL characters are refused with 422 everywhere (PostgreSQL cannot store them), a rule the
# schemas do not spell out on every string: tests/web/test_security_limits.py tests it.
CONFIG = SchemathesisConfig.from_dict({"generation": {"allow-x00": False}, "operations": [{
    "include-operation-id": SEMANTIC_422,
    "checks": {"positive_data_acceptance": {
        "expected-statuses": ["2xx", "3xx", "401", "403", "404", "409", "422", "429"]}},
}]})
# Operations that end the caller's session or credential run last, so the rest keep theirs.
LAST = ("logout", "revokeCredential", "reissueCredential")


def _token(database: Any, settings: Any, **owner: int) -> dict[str, str]:
    with database.transaction() as db:
        token = auth.start_session(db, settings, utcnow(), **owner)
    return {"Authorization": f"Bearer {token}"}


def _callers(database: Any, settings: Any, world: Any) -> dict[str, Any]:
    with database.transaction() as db:
        admin_id = make_staff(db, settings, "admin").id
    return {
        # a fresh session per call: logout ends only its own
        "staff": lambda: _token(database, settings, staff_user_id=admin_id),
        "delegate": lambda: _token(database, settings, delegate_id=world.delegate_id),
        "anonymous": lambda: {},
    }


def _auth_removed(case: Any) -> bool:
    """A negative case whose mutation is the missing Authorization header is sent without one:
    adding our token back would make it a valid request."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_negative:
        return False
    return "Authorization" in (getattr(meta.phase.data, "description", "") or "")


def _caller_of(operation: Any) -> str:
    described = operation.definition.raw.get("description", "")
    if not described.startswith("Roles: "):
        return "anonymous"
    return "delegate" if described == "Roles: delegate." else "staff"


def _order(operation: Any) -> tuple[bool, str]:
    return (operation.definition.raw["operationId"] in LAST, operation.label)


def _exerciser(strategy: Any, headers: Any, statuses: list[int]) -> Any:
    """Hypothesis sending one operation's cases and checking each answer."""

    @given(case=strategy)
    @hypothesis_settings(max_examples=EXAMPLES, deadline=None, database=None,
                         phases=[Phase.explicit, Phase.generate],
                         suppress_health_check=list(HealthCheck))
    def exercise(case: Any) -> None:
        response = case.call_and_validate(headers={} if _auth_removed(case) else headers())
        statuses.append(response.status_code)

    return exercise


def test_every_operation_answers_bad_input_as_documented(app, client, database, settings):
    world = make_world(database, settings)
    callers = _callers(database, settings, world)
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app, config=CONFIG)
    operations = sorted((result.ok() for result in schema.get_all_operations()), key=_order)
    failures: list[str] = []
    statuses: list[int] = []
    for operation in operations:
        headers = callers[_caller_of(operation)]

        # schema-valid requests, the same on the world's real rows (so they get past "not
        # found"), and requests that break the schema somewhere
        names = {p.name for p in operation.path_parameters}
        real = {name: world.params[name] for name in names}
        strategy = st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                             operation.as_strategy(GenerationMode.POSITIVE, path_parameters=real),
                             operation.as_strategy(GenerationMode.NEGATIVE))

        try:
            _exerciser(strategy, headers, statuses)()
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - reported together below
            failures.append(f"{operation.label}: {exc}"[:3000])
    assert failures == [], "\n\n".join(failures)
    # the requests reached the work, not only the doors: many were accepted
    assert sum(200 <= s < 300 for s in statuses) > len(operations), sorted(set(statuses))
