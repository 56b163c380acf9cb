"""Survey definitions: listing, finding, defining, changing, activating and deleting.

A helpdesk may define many surveys but sends only its active one; making a
survey active makes every other inactive. Deleting a survey keeps it (the
ratings given on it still refer to it) but hides it from lookups by name and
frees the name. Sending and answering live in ``surveys.responses``.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from supportdesk.db.sequences import next_id
from supportdesk.errors import BadRequest, Conflict, NotFound
from supportdesk.surveys.models import SentSurvey, Survey
from supportdesk.surveys.scales import (
    DEFAULT_COMMENTS_TITLE,
    DEFAULT_SCALE,
    MAX_QUESTIONS,
    SCALE_POINTS,
    SurveyType,
    default_labels,
)
from supportdesk.surveys.schemas import (
    NEUTRAL_TYPES,
    RATING_ORDERS,
    SEND_ON,
    SURVEY_TYPES,
    SurveyCreate,
    SurveyRead,
    SurveyUpdate,
    name_of,
)
from supportdesk.text import blank_to_none
from supportdesk.unit import TenantUnit

_CSAT_ONLY = ("scale", "rating_order", "neutral_type", "scale_labels")
_POINT = re.compile(r"^[+-]?[0-9]$")


def list_surveys(unit: TenantUnit, *, include_deleted: bool = True) -> list[SurveyRead]:
    """The helpdesk's surveys in the order they were created (deleted ones flagged)."""
    query = select(Survey).order_by(Survey.created_at, Survey.id)
    if not include_deleted:
        query = query.where(Survey.is_deleted.is_(False))
    return [survey_read(s) for s in unit.session.scalars(query)]


def get_survey(unit: TenantUnit, *, survey: int | str, field: str = "survey_name") \
        -> SurveyRead:
    """The survey with this id (int) or name (str, any case); deleted ones are 404."""
    return survey_read(require_survey(unit.session, survey, field=field))


def create_survey(unit: TenantUnit, *, data: SurveyCreate) -> SurveyRead:
    """Define a survey; with ``is_active`` it becomes the one that is sent."""
    survey = add_survey(unit.session, data=data, now=unit.clock.now())
    unit.commit()
    return survey_read(survey)


def add_survey(session: Session, *, data: SurveyCreate, now: datetime) -> Survey:
    """Define a survey inside the caller's transaction (provisioning uses this)."""
    spec = data.model_dump()
    columns = _columns(spec)
    _ensure_name_free(session, columns["name"], survey_id=None)
    survey = Survey(id=next_id(session, "surveys"), **columns, is_active=False,
                    is_deleted=False, created_at=now, updated_at=now)
    session.add(survey)
    _flush(session, columns["name"])
    if data.is_active:
        _make_active(session, survey)
    return survey


def update_survey(unit: TenantUnit, *, survey_id: int, changes: SurveyUpdate) -> SurveyRead:
    """Change the settings present in ``changes``; the whole result must be valid.

    Changing the kind from Customer Satisfaction drops its scale settings;
    changing the scale without new labels gives the new scale's default
    labels. Once sent, a survey's kind and scale are fixed: the ratings
    already given would lose their meaning.
    """
    session = unit.session
    survey = require_survey(session, survey_id)
    present = changes.model_fields_set
    current = _spec_of(survey)
    spec = dict(current)
    given = changes.model_dump(include=present)
    if "survey_type" in present and given["survey_type"] != current["survey_type"] \
            and current["survey_type"] == "customer_satisfaction":
        spec.update(dict.fromkeys(_CSAT_ONLY))
    if "scale" in present and "scale_labels" not in present:
        spec["scale_labels"] = None
    spec.update(given)
    columns = _columns(spec)
    if (columns["survey_type"], columns["cs_scale"]) != (survey.survey_type, survey.cs_scale) \
            and _was_sent(session, survey.id):
        raise Conflict(f"survey {survey.name!r} has already been sent on tickets, so its "
                       "survey_type and scale cannot change; create a new survey instead")
    _ensure_name_free(session, columns["name"], survey_id=survey.id)
    for column, value in columns.items():
        setattr(survey, column, value)
    survey.updated_at = unit.clock.now()
    _flush(session, survey.name)
    if "is_active" in present:
        if changes.is_active:
            _make_active(session, survey)
        else:
            survey.is_active = False
    unit.commit()
    return survey_read(survey)


def activate_survey(unit: TenantUnit, *, survey: int | str) -> SurveyRead:
    """Make this survey the one that is sent; every other survey becomes inactive."""
    record = require_survey(unit.session, survey)
    _make_active(unit.session, record)
    record.updated_at = unit.clock.now()
    unit.commit()
    return survey_read(record)


def delete_survey(unit: TenantUnit, *, survey: int | str) -> None:
    """Delete a survey: it stops being sent and is no longer found by name.

    The row stays (flagged ``is_deleted``) so the ratings given on it keep
    their survey, and the name becomes free for a new survey.
    """
    record = require_survey(unit.session, survey)
    now = unit.clock.now()
    record.is_deleted = True
    record.is_active = False
    record.name_key = None
    record.deleted_at = now
    record.updated_at = now
    unit.commit()


def require_survey(session: Session, survey: int | str, *, field: str = "survey_name") \
        -> Survey:
    """The survey with this id or name that is not deleted, or 404."""
    if isinstance(survey, int):
        found = session.scalar(select(Survey).where(Survey.id == survey,
                                                    Survey.is_deleted.is_(False)))
        if found is None:
            raise NotFound(f"survey {survey} does not exist")
        return found
    if "\x00" in survey:
        raise BadRequest(f"{field} must not contain NUL characters")
    name = survey.strip()
    if not name:
        raise BadRequest(f"{field} is required")
    found = session.scalar(select(Survey).where(Survey.name_key == name.casefold()))
    if found is None:
        raise NotFound(f"no survey named {name!r} exists")
    return found


def active_survey(session: Session) -> Survey | None:
    """The survey the helpdesk sends now, if any."""
    return session.scalar(select(Survey).where(Survey.is_active.is_(True),
                                               Survey.is_deleted.is_(False)))


def survey_read(survey: Survey) -> SurveyRead:
    labels = survey.cs_scale_point_map
    return SurveyRead(
        id=survey.id, name=survey.name, survey_type=survey.survey_type,
        cs_scale=survey.cs_scale, cs_rating_order=survey.cs_rating_order,
        cs_neutral_type=survey.cs_neutral_type,
        scale_labels={int(k): v for k, v in labels.items()} if labels is not None else None,
        questions=tuple(q for q in (survey.question, survey.cs_question_2,
                                    survey.cs_question_3) if q is not None),
        thankyou_text=survey.thankyou_text,
        include_additional_comments=survey.include_additional_comments,
        additional_comments_title=survey.additional_comments_title,
        notify_type=survey.notify_type, is_active=survey.is_active,
        is_deleted=survey.is_deleted, created_at=survey.created_at,
        updated_at=survey.updated_at,
    )


def _make_active(session: Session, survey: Survey) -> None:
    # One statement flips every row, so two concurrent activations queue on the same
    # rows in the same order instead of leaving two surveys active.
    session.flush()
    session.execute(update(Survey).values(is_active=Survey.id == survey.id)
                    .execution_options(synchronize_session=False))
    session.expire_all()


def _columns(spec: dict[str, Any]) -> dict[str, Any]:
    """Validate a whole definition (plain-word settings) and turn it into column values."""
    name = blank_to_none(spec.get("name"))
    if name is None:
        raise BadRequest("name is required and must not be empty")
    type_name = spec.get("survey_type")
    if type_name is None:
        raise BadRequest("survey_type is required: one of "
                         f"{', '.join(SURVEY_TYPES)}")
    kind = SURVEY_TYPES[type_name]
    questions = _questions(spec.get("questions"), type_name, kind)
    columns: dict[str, Any] = {
        "name": name, "name_key": name.casefold(), "survey_type": int(kind),
        "cs_scale": None, "cs_rating_order": None, "cs_neutral_type": None,
        "cs_scale_point_map": None,
    }
    if kind == SurveyType.CUSTOMER_SATISFACTION:
        scale = spec.get("scale")
        scale = DEFAULT_SCALE if scale is None else scale
        if scale not in SCALE_POINTS:
            raise BadRequest(f"scale must be a whole number from 2 to 7, got {scale}")
        columns.update(
            cs_scale=scale,
            cs_rating_order=int(RATING_ORDERS[spec.get("rating_order") or "good_to_bad"]),
            cs_neutral_type=int(NEUTRAL_TYPES[spec.get("neutral_type") or "neutral"]),
            cs_scale_point_map={str(p): label for p, label in
                                _labels(spec.get("scale_labels"), scale).items()},
        )
    else:
        for field in _CSAT_ONLY:
            if spec.get(field) is not None:
                raise BadRequest(f"{field} applies only to customer_satisfaction surveys, "
                                 f"not to {type_name}")
    include_comments = bool(spec.get("include_additional_comments"))
    title = blank_to_none(spec.get("additional_comments_title"))
    if include_comments and title is None:
        title = DEFAULT_COMMENTS_TITLE
    columns.update(
        question=questions[0],
        cs_question_2=questions[1] if len(questions) > 1 else None,
        cs_question_3=questions[2] if len(questions) > 2 else None,
        thankyou_text=blank_to_none(spec.get("thankyou_text")),
        include_additional_comments=include_comments,
        additional_comments_title=title,
        notify_type=int(SEND_ON[spec.get("send_on") or "resolve"]),
    )
    return columns


def _questions(value: list[str] | None, type_name: str, kind: SurveyType) -> list[str]:
    questions = [q.strip() for q in value or []]
    if not questions:
        raise BadRequest("questions is required: give at least one question")
    if any(not q for q in questions):
        raise BadRequest("questions must not contain an empty question")
    if kind == SurveyType.CUSTOMER_SATISFACTION and len(questions) > MAX_QUESTIONS:
        raise BadRequest(f"a customer_satisfaction survey has at most {MAX_QUESTIONS} "
                         f"questions, got {len(questions)}")
    if kind != SurveyType.CUSTOMER_SATISFACTION and len(questions) != 1:
        raise BadRequest(f"a {type_name} survey has exactly one question, got "
                         f"{len(questions)}")
    return questions


def _labels(value: dict[str, str] | None, scale: int) -> dict[int, str]:
    """The point -> label map, checked against the scale; best point first."""
    points = SCALE_POINTS[scale]
    if value is None:
        return default_labels(scale)
    labels: dict[int, str] = {}
    for key, label in value.items():
        if not _POINT.match(key.strip()):
            raise BadRequest(f"scale_labels: {key!r} is not a rating point; points are whole "
                             "numbers from -3 to 3")
        point = int(key.strip())
        if point in labels:
            raise BadRequest(f"scale_labels: point {point} is labelled twice")
        if not label.strip():
            raise BadRequest(f"scale_labels: the label of point {point} must not be empty")
        labels[point] = label.strip()
    if set(labels) != set(points):
        wanted = ", ".join(str(p) for p in points)
        got = ", ".join(str(p) for p in sorted(labels, reverse=True)) or "none"
        raise BadRequest(f"scale_labels must label exactly the points {wanted} of a "
                         f"{scale}-point scale, got {got}")
    return {p: labels[p] for p in points}


def _spec_of(survey: Survey) -> dict[str, Any]:
    """A stored survey in the plain words a definition is written in."""
    return {
        "name": survey.name,
        "survey_type": name_of(SURVEY_TYPES, survey.survey_type),
        "scale": survey.cs_scale,
        "rating_order": name_of(RATING_ORDERS, survey.cs_rating_order),
        "neutral_type": name_of(NEUTRAL_TYPES, survey.cs_neutral_type),
        "scale_labels": dict(survey.cs_scale_point_map) if survey.cs_scale_point_map else None,
        "questions": [q for q in (survey.question, survey.cs_question_2, survey.cs_question_3)
                      if q is not None],
        "thankyou_text": survey.thankyou_text,
        "include_additional_comments": survey.include_additional_comments,
        "additional_comments_title": survey.additional_comments_title,
        "send_on": name_of(SEND_ON, survey.notify_type),
    }


def _ensure_name_free(session: Session, name: str, *, survey_id: int | None) -> None:
    query = select(Survey.id).where(Survey.name_key == name.casefold())
    if survey_id is not None:
        query = query.where(Survey.id != survey_id)
    if session.scalar(query) is not None:
        raise Conflict(f"a survey named {name!r} already exists")


def _was_sent(session: Session, survey_id: int) -> bool:
    return session.scalar(select(func.count()).select_from(SentSurvey)
                          .where(SentSurvey.survey_id == survey_id)) != 0


def _flush(session: Session, name: str) -> None:
    # Two requests racing past the name check meet the unique index here.
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise Conflict(f"a survey named {name!r} already exists") from None
