"""Where a poll decides a motion (or one objective of a strategic plan): checking the link when
the poll is created, and recording the signed outcome on the motion when it closes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from governance import errors
from governance.motions import content
from governance.motions import services as motions
from governance.motions.models import Motion
from governance.polls.models import Poll

# Signed outcomes that decide a motion; a tie or missing quorum leaves it "voted", to the chair.
DECIDES = {"adopted": "adopted", "rejected": "rejected"}


def check_link(db: Session, motion_id: int | None, objective_number: int | None) -> None:
    if motion_id is None:
        if objective_number is not None:
            raise errors.InvalidInput("An objective belongs to a motion: give its motion too.",
                                      field="objective_number")
        return
    motion = motions.get_motion(db, motion_id)
    if motion.status == "draft":
        raise errors.Conflict("Publish the motion before putting it to a vote.",
                              code="motion_draft")
    if objective_number is not None and objective_number not in {
            o.number for o in motion.objectives}:
        raise errors.InvalidInput("The motion has no objective number %(number)s.",
                                  field="objective_number", number=objective_number)


def record_outcome(db: Session, poll: Poll, actor: str, now: datetime) -> None:
    """Link the motion to the poll's signed result and move it along its workflow. Closing the
    poll never fails because of the motion: a step the workflow refuses is left to the board."""
    if poll.motion_id is None or poll.outcome is None:
        return
    decided = DECIDES.get(poll.outcome)
    try:
        with db.begin_nested():
            if poll.objective_number is not None:
                content.record_objective_outcome(db, poll.motion_id, poll.objective_number,
                                                 decided, poll.id, actor)
                return
            motion = motions.get_motion(db, poll.motion_id)
            motion.result_poll_id = poll.id
            if motion.status == "published":
                motions.move_motion(db, motion.id, "on_agenda", actor,
                                    assembly_id=poll.assembly_id, now=now)
            if motion.status == "on_agenda":
                motions.move_motion(db, motion.id, "voted", actor, now=now)
            if motion.status == "voted" and decided:
                motions.move_motion(db, motion.id, decided, actor, now=now,
                                    note=f"poll {poll.id}")
    except errors.DomainError:
        pass  # e.g. amendments still open: the result is signed; the board moves the motion


def votable(db: Session, language: str) -> list[tuple[str, str]]:
    """Motions that can be put to a vote, and their objectives, as (value, label) choices for
    the chair's form: "12" for a motion, "12:3" for objective 3 of plan 12."""
    choices: list[tuple[str, str]] = []
    for motion in db.scalars(select(Motion).where(Motion.status.in_(("published", "on_agenda")))
                             .order_by(Motion.code)):
        title = motion.text(language).title
        choices.append((str(motion.id), f"{motion.code} — {title}"))
        for objective in motion.objectives:
            choices.append((f"{motion.id}:{objective.number}",
                            f"{motion.code} · {objective.number}. "
                            f"{objective.title_in(language)}"))
    return choices
