"""Who may use which route: the allow/deny matrix, as data. docs/security.md prints the same
table (tests/web/test_security_matrix.py compares them); `python -m tests.web.security_matrix`
prints it as Markdown.

Keys are page route names and API operationIds; values are the roles allowed. The secretariat
(admin) may do whatever any staff role may do, but is not a delegate.
"""

from __future__ import annotations

ROLES = ("anonymous", "delegate", "committee", "board", "auditor", "admin")

PUBLIC = frozenset(ROLES)
LOGGED_IN = PUBLIC - {"anonymous"}
STAFF = frozenset({"committee", "board", "auditor", "admin"})
READERS = STAFF  # board, committee and auditor read; admin may too
COMMITTEE = frozenset({"committee", "admin"})
BOARD = frozenset({"board", "admin"})
STEWARDS = frozenset({"board", "committee", "admin"})
AUDITORS = frozenset({"auditor", "admin"})
COSIGNERS = frozenset({"auditor", "committee", "admin"})
DELEGATE = frozenset({"delegate"})
DELEGATE_OR_BOARD = DELEGATE | BOARD  # a delegate for itself, the chair for any delegate
DELEGATE_OR_STEWARDS = DELEGATE | STEWARDS  # nominations: a delegate for its organization

PAGES: dict[str, frozenset[str]] = {
    "home": PUBLIC,
    "login_page": PUBLIC,
    "login_submit": PUBLIC,
    "login_credential_submit": PUBLIC,
    "logout": PUBLIC,
    "static": PUBLIC,
    "organization_list": READERS,
    "organization_detail": READERS,
    "organization_import": COMMITTEE,
    "organization_import_submit": COMMITTEE,
    "assembly_list": READERS,
    "assembly_detail": READERS,
    "assembly_audit": READERS,
    "assembly_new": BOARD,
    "assembly_create": BOARD,
    "assembly_state": STEWARDS,
    "assembly_edit": BOARD,
    "assembly_update": BOARD,
    "agenda_page": READERS,
    "agenda_add": BOARD,
    "agenda_vote": BOARD,
    "agenda_next": BOARD,
    "agenda_item_action": BOARD,
    "floor_rules_save": BOARD,
    "floor_projector": READERS,
    "speakers_page": READERS,
    "speakers_action": BOARD,
    "delegate_floor": DELEGATE,
    "delegate_floor_action": DELEGATE,
    "elections_page": READERS,
    "election_create": BOARD,
    "election_page": READERS,
    "election_action": STEWARDS,
    "minutes_page": READERS,
    "minutes_action": BOARD,
    "minutes_archive": PUBLIC,
    "minutes_public": PUBLIC,
    "minutes_pdf": PUBLIC,
    "minutes_html": PUBLIC,
    "delegate_list": READERS,
    "delegate_issue": COMMITTEE,
    "delegate_reissue": COMMITTEE,
    "delegate_revoke": COMMITTEE,
    "delegate_check_in": COMMITTEE,
    "delegate_sheet": COMMITTEE,
    "scan_check_in": COMMITTEE,
    "scan_check_in_submit": COMMITTEE,
    "credential_sheets": COMMITTEE,
    "credential_sheets_print": COMMITTEE,
    "proxy_list": READERS,
    "proxy_letter": READERS,
    "proxy_grant": COMMITTEE,
    "proxy_revoke": COMMITTEE,
    "roll_page": READERS,
    "roll_quorum": READERS,
    "roll_freeze": COMMITTEE,
    "delegate_home": DELEGATE,
    "delegate_self_check_in": DELEGATE,
    "assembly_polls": READERS,
    "poll_create": BOARD,
    "poll_page": LOGGED_IN,
    "poll_projector": READERS,
    "poll_open": BOARD,
    "poll_close": BOARD,
    "poll_teller": COMMITTEE,
    "poll_csv": READERS,
    "my_polls": DELEGATE,
    "vote_page": DELEGATE,
    "vote_confirm": DELEGATE,
    "vote_cast": DELEGATE,
    "receipt_download": DELEGATE,
    "audit_page": READERS,
    "receipt_page": PUBLIC,
    "cosign_form": COSIGNERS,
    "signing_key_pem": PUBLIC,
    "audit_trail": AUDITORS,
    "audit_trail_export": AUDITORS,
    "audit_logins": AUDITORS,
    "motion_list": READERS,
    "motion_manage": READERS,
    "motion_new": BOARD,
    "motion_create": BOARD,
    "motion_edit": BOARD,
    "motion_update": BOARD,
    "motion_move": BOARD,
    "motion_amend": STEWARDS,
    "motion_amend_submit": STEWARDS,
    "motion_text_save": BOARD,
    "motion_text_remove": BOARD,
    "motion_objective_save": BOARD,
    "motion_objective_translate": BOARD,
    "motion_objective_outcome": BOARD,
    "motion_objective_remove": BOARD,
    "motion_link_add": BOARD,
    "motion_link_remove": BOARD,
    "motion_attachment_add": BOARD,
    "motion_attachment_remove": BOARD,
    "archive_index": PUBLIC,
    "archive_motion": PUBLIC,
    "archive_attachment": PUBLIC,
    "archive_export_json": PUBLIC,
    "archive_export_csv": PUBLIC,
    "archive_feed": PUBLIC,
}

API: dict[str, frozenset[str]] = {
    "openapi": PUBLIC,
    "login": PUBLIC,
    "logout": LOGGED_IN,
    "listOrganizations": READERS,
    "getOrganization": READERS,
    "createOrganization": COMMITTEE,
    "updateOrganization": COMMITTEE,
    "importOrganizations": COMMITTEE,
    "listAssemblies": READERS,
    "getAssembly": READERS,
    "createAssembly": BOARD,
    "changeAssemblyState": STEWARDS,
    "updateAssembly": BOARD,
    "getAgenda": LOGGED_IN,
    "addAgendaItem": BOARD,
    "changeAgendaItem": BOARD,
    "removeAgendaItem": BOARD,
    "putAgendaToVote": BOARD,
    "advanceAgenda": BOARD,
    "startAgendaItem": BOARD,
    "postponeAgendaItem": BOARD,
    "changeFloorRules": BOARD,
    "listSpeakers": LOGGED_IN,
    "requestFloor": DELEGATE_OR_BOARD,
    "withdrawSpeaker": DELEGATE_OR_BOARD,
    "callNextSpeaker": BOARD,
    "endSpeech": BOARD,
    "createElection": BOARD,
    "listElections": LOGGED_IN,
    "getElection": LOGGED_IN,
    "nominateCandidate": DELEGATE_OR_STEWARDS,
    "acceptCandidacy": STEWARDS,
    "createElectionPoll": BOARD,
    "drawUpMinutes": BOARD,
    "getMinutes": PUBLIC,
    "downloadMinutes": PUBLIC,
    "addMinutesCosignature": BOARD,
    "listDelegates": READERS,
    "issueCredential": COMMITTEE,
    "reissueCredential": COMMITTEE,
    "revokeCredential": COMMITTEE,
    "checkIn": COMMITTEE,
    "checkOut": COMMITTEE,
    "listProxies": READERS,
    "grantProxy": COMMITTEE,
    "revokeProxy": COMMITTEE,
    "attachProxyLetter": COMMITTEE,
    "freezeRoll": COMMITTEE,
    "getRoll": READERS,
    "listAssemblyEvents": READERS,
    "getMyAccreditation": DELEGATE,
    "selfCheckIn": DELEGATE,
    "createPoll": BOARD,
    "getPoll": LOGGED_IN,
    "listPolls": LOGGED_IN,
    "openPoll": BOARD,
    "closePoll": BOARD,
    "castBallot": DELEGATE,
    "enterTellerBallot": COMMITTEE,
    "getPollStatus": LOGGED_IN,
    "getResult": PUBLIC,
    "exportAuditBundle": PUBLIC,
    "getInclusionProof": PUBLIC,
    "listCheckpoints": PUBLIC,
    "addCosignature": COSIGNERS,
    "listAuditEvents": AUDITORS,
    "exportAuditTrail": AUDITORS,
    "listAuthAttempts": AUDITORS,
    "listMotions": PUBLIC,
    "getMotion": PUBLIC,
    "createMotion": BOARD,
    "updateMotion": BOARD,
    "publishMotion": BOARD,
    "moveMotion": BOARD,
    "amendMotion": STEWARDS,
    "setMotionText": BOARD,
    "setObjective": BOARD,
    "recordObjectiveOutcome": BOARD,
    "linkMotion": BOARD,
    "searchArchive": PUBLIC,
}

_NAMES = {PUBLIC: "everyone", LOGGED_IN: "anyone logged in", READERS: "staff",
          COMMITTEE: "committee", BOARD: "board", STEWARDS: "board, committee",
          AUDITORS: "auditor", COSIGNERS: "auditor, committee", DELEGATE: "delegate",
          DELEGATE_OR_BOARD: "delegate, board",
          DELEGATE_OR_STEWARDS: "delegate, board, committee"}


def describe(allowed: frozenset[str]) -> str:
    """The matrix cell as docs/security.md writes it (admin implied for staff roles)."""
    return _NAMES[allowed]


def markdown() -> str:
    lines = ["| route or operation | kind | allowed |", "|---|---|---|"]
    lines += [f"| `{name}` | page | {describe(roles)} |" for name, roles in PAGES.items()]
    lines += [f"| `{name}` | API | {describe(roles)} |" for name, roles in API.items()]
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown())
