"""Admin API: Satisfaction survey definitions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from starlette.responses import Response

from supportdesk.api.admin.crud import CrudRoutes, int_id
from supportdesk.api.admin.deps import AdminWriteUnit
from supportdesk.api.admin.settings_docs import ID_PATH, READ, read_ok
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

SurveyId = Annotated[int, Path(**ID_PATH, description="The survey's id.")]

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


# The services take keyword arguments, hence the small lambdas naming them.
surveys = CrudRoutes(router, path="/surveys", key="surveys",
                     item_id=int_id("survey_id", SurveyId), record=survey_record,
                     example=SURVEY_RECORD_EXAMPLE)
surveys.add_list(lambda unit: list_surveys(unit, include_deleted=False),
                 operation_id="AdminListSurveys", summary="List survey definitions",
                 description="Every survey that is not deleted, oldest first.",
                 returns="Surveys that are not deleted, in creation order")
surveys.add_create(lambda unit, body: create_survey(unit, data=body), SurveyCreate,
                   operation_id="AdminCreateSurvey", summary="Define a survey",
                   description="Define a survey; ``is_active: true`` makes it the one sent "
                   "(others stop).",
                   returns="The new survey")
surveys.add_read(lambda unit, survey_id: get_survey(unit, survey=survey_id),
                 operation_id="AdminGetSurvey", summary="Get a survey definition",
                 description="One survey by id; deleted surveys are 404.",
                 returns="The survey")
surveys.add_update(lambda unit, survey_id, body: update_survey(unit, survey_id=survey_id,
                                                               changes=body),
                   SurveyUpdate, operation_id="AdminUpdateSurvey",
                   summary="Change a survey definition",
                   description="Change only the fields sent; the resulting definition must be "
                   "valid as a whole.",
                   returns="The survey after the change")
# A soft delete never conflicts: it is documented with the read errors (no 409).
surveys.add_delete(lambda unit, survey_id: delete_survey(unit, survey=survey_id),
                   operation_id="AdminDeleteSurvey", summary="Delete a survey",
                   description="Soft-delete: the ratings given on it stay listed; the name "
                   "becomes free.",
                   returns="Deleted (kept for its ratings, no longer sent)", errors=READ)


@router.post(
    "/surveys/{survey_id}/activate",
    operation_id="AdminActivateSurvey",
    summary="Make a survey the active one",
    responses=read_ok(SURVEY_RECORD_EXAMPLE, "The survey, now active"),
)
def admin_activate_survey(unit: AdminWriteUnit, survey_id: SurveyId) -> Response:
    """Make this survey the one that is sent; every other survey becomes inactive."""
    return json_response(survey_record(activate_survey(unit, survey=survey_id)))
