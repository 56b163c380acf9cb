"""Surveys: definitions and ratings."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.responses import Response

from supportdesk.api.deps import ReadUnit
from supportdesk.api.v3 import params
from supportdesk.api.v3.docs import READ_ERRORS, errors
from supportdesk.api.v3.surveys_wire import (
    RATINGS_EXAMPLE,
    SURVEY_EXAMPLE,
    SURVEY_LIST_EXAMPLE,
    ratings_body,
    survey_json,
    survey_list_body,
)
from supportdesk.api.v3.wire import json_response
from supportdesk.surveys.responses import list_ratings
from supportdesk.surveys.service import get_survey, list_surveys

router = APIRouter(tags=["06. Surveys"])

_CODES = ("Codes: `survey_type` 1 Customer Satisfaction, 2 Five Star Rating, 3 Net Promoter "
          "Score; `cs_rating_order` 1 good to bad, 2 bad to good; `cs_neutral_type` (how "
          "'Neither satisfied nor dissatisfied' counts) 1 positive, 2 neutral, 3 negative; "
          "`notify_type` 7 sent when a ticket is resolved, 8 when it is closed.")


def _ok(description: str, example: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    return {200: {"description": description,
                  "content": {"application/json": {"example": example}}}}


@router.get(
    "/surveys",
    operation_id="GetAllSurveyDetails",
    summary="List all survey details",
    description="Every survey, oldest first (creation order), deleted ones included with "
    "`is_deleted: true`. " + _CODES,
    responses={**_ok("All surveys", SURVEY_LIST_EXAMPLE), **errors(401, 429)},
)
def get_all_surveys(unit: ReadUnit) -> Response:
    """The helpdesk's survey definitions in creation order."""
    return json_response(survey_list_body(list_surveys(unit)))


@router.get(
    "/surveys/details",
    operation_id="GetSurveyDetails",
    summary="Get survey details",
    description="The survey with this name (any case). Deleted surveys cannot be retrieved "
    "here (404). " + _CODES,
    responses={**_ok("The survey", SURVEY_EXAMPLE), **READ_ERRORS},
)
def get_survey_details(
    unit: ReadUnit,
    survey_name: Annotated[str | None, Query(description="Survey name")] = None,
) -> Response:
    """One survey definition by name."""
    return json_response(survey_json(get_survey(unit, survey=survey_name or "")))


@router.get(
    "/surveys/ratings",
    operation_id="GetAllSurveyResponses",
    summary="List all survey ratings",
    description="Answered surveys, 30 per page, by the time they were answered, earliest "
    "first; `count` is the number answered in all. Surveys sent but not answered are not "
    "listed. " + _CODES,
    responses={**_ok("One page of ratings", RATINGS_EXAMPLE), **errors(400, 401, 429)},
)
def get_survey_ratings(
    unit: ReadUnit,
    offset: Annotated[str | None, Query(description="Get next 30 survey ratings from offset "
                                        "value.")] = None,
) -> Response:
    """One page of survey answers."""
    return json_response(ratings_body(list_ratings(unit, offset=params.offset(offset))))
