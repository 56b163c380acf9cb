"""Admin API: Satisfaction survey definitions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from starlette.responses import Response

from supportdesk.api.admin.deps import AdminReadUnit, AdminWriteUnit
from supportdesk.api.v3.docs import errors
from supportdesk.api.v3.wire import json_response, wire_time
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
from supportdesk.surveys.service import (
    activate_survey,
    create_survey,
    delete_survey,
    get_survey,
    list_surveys,
    update_survey,
)

router = APIRouter(tags=["Admin: Surveys"])

SurveyId = Annotated[int, Path(ge=1, le=2**53, description="The survey's id.")]

READ = errors(400, 401, 403, 404, 429)
WRITE = errors(400, 401, 403, 404, 409, 413, 429)

SURVEY_RECORD_EXAMPLE: dict[str, Any] = {
    "id": 1, "name": "Customer Satisfaction", "survey_type": "customer_satisfaction",
    "scale": 3, "rating_order": "good_to_bad", "neutral_type": "neutral",
    "scale_labels": {"3": "Satisfied", "0": "Neither satisfied nor dissatisfied",
                     "-3": "Dissatisfied"},
    "questions": ["How would you rate our customer service?"],
    "thankyou_text": "Thank you for your valuable feedback.",
    "include_additional_comments": True,
    "additional_comments_title": "Add any additional comments you may have about the "
                                 "support received.",
    "send_on": "resolve", "is_active": True,
    "created_at": "2026-01-05 09:00:00", "updated_at": "2026-01-05 09:00:00",
}


def survey_record(survey: SurveyRead) -> dict[str, Any]:
    """A survey definition in the admin API's own plain words."""
    labels = survey.scale_labels
    return {
        "id": survey.id,
        "name": survey.name,
        "survey_type": name_of(SURVEY_TYPES, survey.survey_type),
        "scale": survey.cs_scale,
        "rating_order": name_of(RATING_ORDERS, survey.cs_rating_order),
        "neutral_type": name_of(NEUTRAL_TYPES, survey.cs_neutral_type),
        "scale_labels": ({str(p): labels[p] for p in sorted(labels, reverse=True)}
                         if labels is not None else None),
        "questions": list(survey.questions),
        "thankyou_text": survey.thankyou_text,
        "include_additional_comments": survey.include_additional_comments,
        "additional_comments_title": survey.additional_comments_title,
        "send_on": name_of(SEND_ON, survey.notify_type),
        "is_active": survey.is_active,
        "created_at": wire_time(survey.created_at),
        "updated_at": wire_time(survey.updated_at),
    }


def _ok(status: int, description: str, example: Any) -> dict[int | str, dict[str, Any]]:
    return {status: {"description": description,
                     "content": {"application/json": {"example": example}}}}


@router.get(
    "/surveys",
    operation_id="AdminListSurveys",
    summary="List survey definitions",
    responses={**_ok(200, "Surveys that are not deleted, in creation order",
                     {"count": 1, "surveys": [SURVEY_RECORD_EXAMPLE]}), **READ},
)
def admin_list_surveys(unit: AdminReadUnit) -> Response:
    """Every survey that is not deleted, oldest first."""
    surveys = list_surveys(unit, include_deleted=False)
    return json_response({"count": len(surveys),
                          "surveys": [survey_record(s) for s in surveys]})


@router.post(
    "/surveys",
    operation_id="AdminCreateSurvey",
    summary="Define a survey",
    status_code=201,
    responses={**_ok(201, "The new survey", SURVEY_RECORD_EXAMPLE), **WRITE},
)
def admin_create_survey(unit: AdminWriteUnit, body: SurveyCreate) -> Response:
    """Define a survey; ``is_active: true`` makes it the one sent (others stop)."""
    return json_response(survey_record(create_survey(unit, data=body)), status_code=201)


@router.get(
    "/surveys/{survey_id}",
    operation_id="AdminGetSurvey",
    summary="Get a survey definition",
    responses={**_ok(200, "The survey", SURVEY_RECORD_EXAMPLE), **READ},
)
def admin_get_survey(unit: AdminReadUnit, survey_id: SurveyId) -> Response:
    """One survey by id; deleted surveys are 404."""
    return json_response(survey_record(get_survey(unit, survey=survey_id)))


@router.patch(
    "/surveys/{survey_id}",
    operation_id="AdminUpdateSurvey",
    summary="Change a survey definition",
    responses={**_ok(200, "The survey after the change", SURVEY_RECORD_EXAMPLE), **WRITE},
)
def admin_update_survey(unit: AdminWriteUnit, survey_id: SurveyId, body: SurveyUpdate) -> Response:
    """Change only the fields sent; the resulting definition must be valid as a whole."""
    return json_response(survey_record(update_survey(unit, survey_id=survey_id,
                                                     changes=body)))


@router.delete(
    "/surveys/{survey_id}",
    operation_id="AdminDeleteSurvey",
    summary="Delete a survey",
    status_code=204,
    responses={204: {"description": "Deleted (kept for its ratings, no longer sent)"},
               **errors(400, 401, 403, 404, 429)},
)
def admin_delete_survey(unit: AdminWriteUnit, survey_id: SurveyId) -> Response:
    """Soft-delete: the ratings given on it stay listed; the name becomes free."""
    delete_survey(unit, survey=survey_id)
    return Response(status_code=204)


@router.post(
    "/surveys/{survey_id}/activate",
    operation_id="AdminActivateSurvey",
    summary="Make a survey the active one",
    responses={**_ok(200, "The survey, now active", SURVEY_RECORD_EXAMPLE), **READ},
)
def admin_activate_survey(unit: AdminWriteUnit, survey_id: SurveyId) -> Response:
    """Make this survey the one that is sent; every other survey becomes inactive."""
    return json_response(survey_record(activate_survey(unit, survey=survey_id)))
