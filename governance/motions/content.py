"""What a motion says and how it relates to others: translations, the objectives of a strategic
plan, and the links by which a motion supersedes or amends earlier ones.

The wording of the original and of the objectives is fixed once the motion leaves draft;
translations, objective outcomes and links may be added at any time, since they complete the
record rather than change what was put to the assembly.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from governance import errors, i18n
from governance.audit.services import record
from governance.motions import fields as check
from governance.motions.markdown import plain_text
from governance.motions.models import Motion, MotionLink, MotionObjective, MotionText
from governance.motions.workflow import RELATIONS, STATUS_NAMES

MAX_OBJECTIVES = 99


def refresh_search_text(motion: Motion) -> None:
    """Rebuild what search reads for each language of `motion` (the indexes follow it): a first
    line of names (code, tags, assembly, submitter), then the text and the objectives as plain
    text, which is also where result snippets are cut from (see `readable_text`)."""
    names = " · ".join(p for p in (motion.code, *motion.tag_names, motion.assembly_name,
                                   motion.submitter) if p)
    for text in motion.texts:
        parts = [names, plain_text(text.body)]
        for objective in motion.objectives:
            parts.append(f"{objective.number}. {objective.title_in(text.language)}")
            parts.append(plain_text(objective.body_in(text.language)))
        text.search_text = "\n".join(p for p in parts if p)


def readable_text(text: MotionText) -> str:
    """The plain words of a text and its objectives, without the first line of names."""
    return text.search_text.partition("\n")[2]


def _motion(db: Session, motion_id: int) -> Motion:
    from governance.motions.services import get_motion

    return get_motion(db, motion_id)


def _draft_only(motion: Motion) -> None:
    if motion.status != "draft":
        raise errors.Conflict("Only a draft can be reworded; this motion is %(status)s.",
                              status=i18n.gettext(STATUS_NAMES[motion.status]))


# --- translations ---------------------------------------------------------------------------


def set_text(db: Session, motion_id: int, language: str, title: str, body: str,
             actor: str) -> MotionText:
    """Add or correct the text in `language`: a translation, or the original while a draft."""
    motion = _motion(db, motion_id)
    language = check.language(language)
    if language == motion.original_language:
        _draft_only(motion)
    existing = {t.language: t for t in motion.texts}.get(language)
    if existing is None:
        existing = MotionText(language=language, is_original=False, search_text="")
        motion.texts.append(existing)
        motion.texts.sort(key=lambda t: t.language)
    existing.title = check.title(title)
    existing.body = check.body(body)
    refresh_search_text(motion)
    db.flush()
    record(db, actor, "motion.text", f"motion:{motion.id}",
           {"code": motion.code, "language": language,
            "original": language == motion.original_language})
    return existing


def remove_text(db: Session, motion_id: int, language: str, actor: str) -> None:
    motion = _motion(db, motion_id)
    if language == motion.original_language:
        raise errors.Conflict("The original text cannot be removed.")
    found = {t.language: t for t in motion.texts}.get(language)
    if found is None:
        raise errors.NotFound("There is no text in %(language)s.", language=language)
    motion.texts.remove(found)
    db.flush()
    record(db, actor, "motion.text_remove", f"motion:{motion.id}",
           {"code": motion.code, "language": language})


# --- objectives of a strategic plan ---------------------------------------------------------


def _objective(motion: Motion, number: int) -> MotionObjective:
    for objective in motion.objectives:
        if objective.number == number:
            return objective
    raise errors.NotFound("There is no objective number %(number)s.", number=number)


def set_objective(db: Session, motion_id: int, number: int, title: str, body: str,
                  actor: str) -> MotionObjective:
    """Add or reword objective `number` of a draft strategic plan, in its original language."""
    motion = _motion(db, motion_id)
    if motion.kind != "strategic_plan":
        raise errors.Conflict("Only a strategic plan has objectives.")
    _draft_only(motion)
    if not isinstance(number, int) or not 1 <= number <= MAX_OBJECTIVES:
        raise errors.InvalidInput("%(field)s must be a whole number from 1 to %(limit)s.",
                                  field="number", limit=MAX_OBJECTIVES)
    try:
        objective = _objective(motion, number)
    except errors.NotFound:
        objective = MotionObjective(number=number, translations={})
        motion.objectives.append(objective)
        motion.objectives.sort(key=lambda o: o.number)
    objective.title = check.title(title)
    objective.body = check.body(body)
    refresh_search_text(motion)
    db.flush()
    record(db, actor, "motion.objective", f"motion:{motion.id}",
           {"code": motion.code, "number": number})
    return objective


def translate_objective(db: Session, motion_id: int, number: int, language: str, title: str,
                        body: str, actor: str) -> MotionObjective:
    motion = _motion(db, motion_id)
    objective = _objective(motion, number)
    language = check.language(language)
    if language == motion.original_language:
        raise errors.InvalidInput("That is the language of the original.", field="language")
    translations = dict(objective.translations or {})
    translations[language] = {"title": check.title(title), "body": check.body(body)}
    objective.translations = translations  # a new dict, so the JSON column sees the change
    refresh_search_text(motion)
    db.flush()
    record(db, actor, "motion.objective_translate", f"motion:{motion.id}",
           {"code": motion.code, "number": number, "language": language})
    return objective


def remove_objective(db: Session, motion_id: int, number: int, actor: str) -> None:
    motion = _motion(db, motion_id)
    _draft_only(motion)
    motion.objectives.remove(_objective(motion, number))
    refresh_search_text(motion)
    db.flush()
    record(db, actor, "motion.objective_remove", f"motion:{motion.id}",
           {"code": motion.code, "number": number})


def record_objective_outcome(db: Session, motion_id: int, number: int, outcome: str | None,
                             poll_id: Any, actor: str) -> MotionObjective:
    """What the assembly decided on one objective, and the poll that decided it, if any."""
    motion = _motion(db, motion_id)
    if motion.status == "draft":
        raise errors.Conflict("Publish the plan before recording what was decided.")
    objective = _objective(motion, number)
    objective.outcome = check.outcome(outcome)
    objective.poll_id = check.optional_id(poll_id, "poll_id")
    db.flush()
    record(db, actor, "motion.objective_outcome", f"motion:{motion.id}",
           {"code": motion.code, "number": number, "outcome": objective.outcome,
            "poll_id": objective.poll_id})
    return objective


# --- supersedes / amends --------------------------------------------------------------------


def _reaches(db: Session, start: int, goal: int, relation: str) -> bool:
    """Whether following `relation` links from `start` leads to `goal` (a cycle in the making)."""
    seen, frontier = {start}, [start]
    while frontier:
        targets = db.scalars(select(MotionLink.target_id).where(
            MotionLink.motion_id.in_(frontier), MotionLink.relation == relation)).all()
        if goal in targets:
            return True
        frontier = [t for t in targets if t not in seen]
        seen.update(frontier)
    return False


def link_motions(db: Session, motion_id: int, relation: str, target_code: str,
                 actor: str) -> MotionLink:
    """Record that motion `motion_id` supersedes (or amends) the motion `target_code`."""
    from governance.motions.services import get_motion_by_code

    motion = _motion(db, motion_id)
    if relation not in RELATIONS:
        raise errors.InvalidInput("%(field)s must be one of %(allowed)s.", field="relation",
                                  allowed=", ".join(RELATIONS))
    target = get_motion_by_code(db, check.code(target_code))
    if target.id == motion.id:
        raise errors.InvalidInput("A motion cannot supersede or amend itself.", field="code")
    if db.scalar(select(MotionLink.id).where(MotionLink.motion_id == motion.id,
                                             MotionLink.target_id == target.id,
                                             MotionLink.relation == relation)) is not None:
        raise errors.Conflict("That link is already recorded.")
    if _reaches(db, target.id, motion.id, relation):
        raise errors.Conflict("%(reference)s already follows from this motion; the link would "
                              "go in a circle.", reference=target.code)
    link = MotionLink(motion_id=motion.id, target_id=target.id, relation=relation)
    db.add(link)
    db.flush()
    record(db, actor, "motion.link", f"motion:{motion.id}",
           {"code": motion.code, "relation": relation, "target": target.code})
    return link


def unlink_motions(db: Session, motion_id: int, link_id: int, actor: str) -> None:
    link = db.get(MotionLink, link_id)
    if link is None or link.motion_id != motion_id:
        raise errors.NotFound("There is no such link.")
    db.delete(link)
    db.flush()
    record(db, actor, "motion.unlink", f"motion:{motion_id}",
           {"relation": link.relation, "target_id": link.target_id})
