"""Surveys on the wire: definitions, ratings and a ticket's ``survey_rating`` block.

Codes are Desk365's (``survey_type`` 1/2/3, ``cs_rating_order``,
``cs_neutral_type``, ``notify_type`` 7/8). The ``cs_*`` settings are null on
Five Star and Net Promoter Score surveys; ``cs_scale_point_map`` lists the
points in the survey's rating order.
"""

from __future__ import annotations

from typing import Any

from supportdesk.api.v3.wire import wire_time
from supportdesk.surveys.scales import RatingOrder
from supportdesk.surveys.schemas import RatingPage, SentSurveyRead, SurveyRead

SURVEY_KEYS = (
    "sv_name", "sv_answered", "sv_type", "sv_cs_scale", "sv_cs_neutral_type", "sv_question",
    "sv_rating", "sv_cs_question_2", "sv_cs_rating_2", "sv_cs_question_3", "sv_cs_rating_3",
    "sv_additional_comments_title", "sv_additional_comments_response", "sv_sent_on",
    "sv_rated_on",
)


def _point_map(survey: SurveyRead) -> dict[str, str] | None:
    if survey.scale_labels is None:
        return None
    points = sorted(survey.scale_labels, reverse=survey.cs_rating_order != RatingOrder.BAD_TO_GOOD)
    return {str(point): survey.scale_labels[point] for point in points}


def survey_json(survey: SurveyRead) -> dict[str, Any]:
    """One survey definition (list item and details have the same shape)."""
    questions = [*survey.questions, None, None, None]
    return {
        "survey_name": survey.name,
        "survey_type": survey.survey_type,
        "cs_survey_scale": survey.cs_scale,
        "cs_rating_order": survey.cs_rating_order,
        "cs_neutral_type": survey.cs_neutral_type,
        "cs_scale_point_map": _point_map(survey),
        "thankyou_text": survey.thankyou_text,
        "questions": {
            "survey_question": questions[0],
            "cs_question_2": questions[1],
            "cs_question_3": questions[2],
        },
        "include_additional_comments": survey.include_additional_comments,
        "additional_comments_title": survey.additional_comments_title,
        "notify_type": survey.notify_type,
        "is_active": survey.is_active,
        "is_deleted": survey.is_deleted,
    }


def survey_list_body(surveys: list[SurveyRead]) -> dict[str, Any]:
    """``{"count": n, "surveys": [...]}``, in creation order."""
    return {"count": len(surveys), "surveys": [survey_json(s) for s in surveys]}


def rating_json(sent: SentSurveyRead) -> dict[str, Any]:
    """One answered survey in ``surveys/ratings``."""
    return {
        "ticket_number": sent.ticket_number,
        "survey_name": sent.survey_name,
        "survey_type": sent.survey_type,
        "contact_email": sent.contact_email,
        "agent_assigned": sent.agent_email,
        "cs_neutral_type": sent.cs_neutral_type,
        "ratings": {
            "survey_question": sent.question,
            "rating": sent.rating,
            "cs_question_2": sent.cs_question_2,
            "cs_rating_2": sent.cs_rating_2,
            "cs_question_3": sent.cs_question_3,
            "cs_rating_3": sent.cs_rating_3,
        },
        "additional_comments_title": sent.additional_comments_title,
        "additional_comments_response": sent.additional_comments_response,
        "sent_on": wire_time(sent.sent_at),
        "rated_on": wire_time(sent.rated_at),
    }


def ratings_body(page: RatingPage) -> dict[str, Any]:
    """``{"count": <answered in all>, "survey_ratings": [...]}``."""
    return {"count": page.total, "survey_ratings": [rating_json(s) for s in page.items]}


def survey_block(sent: SentSurveyRead | None) -> dict[str, Any] | None:
    """A ticket's ``survey_rating``: null if no survey was sent; ratings null until answered."""
    if sent is None:
        return None
    return {
        "sv_name": sent.survey_name,
        "sv_answered": sent.is_answered,
        "sv_type": sent.survey_type,
        "sv_cs_scale": sent.cs_scale,
        "sv_cs_neutral_type": sent.cs_neutral_type,
        "sv_question": sent.question,
        "sv_rating": sent.rating,
        "sv_cs_question_2": sent.cs_question_2,
        "sv_cs_rating_2": sent.cs_rating_2,
        "sv_cs_question_3": sent.cs_question_3,
        "sv_cs_rating_3": sent.cs_rating_3,
        "sv_additional_comments_title": sent.additional_comments_title,
        "sv_additional_comments_response": sent.additional_comments_response,
        "sv_sent_on": wire_time(sent.sent_at),
        "sv_rated_on": wire_time(sent.rated_at),
    }


def flat_survey_keys(sent: SentSurveyRead | None) -> dict[str, Any]:
    """The ``sv_*`` keys laid onto the ticket (``nested_fields=1``), all null if none sent."""
    block = survey_block(sent)
    return block if block is not None else dict.fromkeys(SURVEY_KEYS)


_QUESTIONS = {
    "survey_question": "How would you rate our customer service?",
    "cs_question_2": "How would you rate our expertise?",
    "cs_question_3": "How would you rate your overall satisfaction with the help you've "
                     "received?",
}
SURVEY_EXAMPLE: dict[str, Any] = {
    "survey_name": "Customer Satisfaction",
    "survey_type": 1,
    "cs_survey_scale": 7,
    "cs_rating_order": 1,
    "cs_neutral_type": 2,
    "cs_scale_point_map": {
        "3": "Extremely satisfied", "2": "Mostly satisfied", "1": "Slightly satisfied",
        "0": "Neither satisfied nor dissatisfied", "-1": "Slightly dissatisfied",
        "-2": "Mostly dissatisfied", "-3": "Extremely dissatisfied",
    },
    "thankyou_text": "Thank you for your valuable feedback.",
    "questions": _QUESTIONS,
    "include_additional_comments": True,
    "additional_comments_title": "Add any additional comments you may have about the support "
                                 "received.",
    "notify_type": 7,
    "is_active": True,
    "is_deleted": False,
}
SURVEY_LIST_EXAMPLE: dict[str, Any] = {
    "count": 2,
    "surveys": [SURVEY_EXAMPLE, {
        "survey_name": "Net Promoter Score", "survey_type": 3, "cs_survey_scale": None,
        "cs_rating_order": None, "cs_neutral_type": None, "cs_scale_point_map": None,
        "thankyou_text": None,
        "questions": {"survey_question": "How likely are you to recommend us to a friend?",
                      "cs_question_2": None, "cs_question_3": None},
        "include_additional_comments": False, "additional_comments_title": None,
        "notify_type": 8, "is_active": False, "is_deleted": False,
    }],
}
RATINGS_EXAMPLE: dict[str, Any] = {
    "count": 1,
    "survey_ratings": [{
        "ticket_number": 10,
        "survey_name": "Customer Satisfaction",
        "survey_type": 1,
        "contact_email": "contact@example.com",
        "agent_assigned": "agent@example.com",
        "cs_neutral_type": 2,
        "ratings": {"survey_question": _QUESTIONS["survey_question"], "rating": 3,
                    "cs_question_2": _QUESTIONS["cs_question_2"], "cs_rating_2": 2,
                    "cs_question_3": _QUESTIONS["cs_question_3"], "cs_rating_3": 3},
        "additional_comments_title": "Add any additional comments you may have about the "
                                     "support received.",
        "additional_comments_response": "Excellent support",
        "sent_on": "2026-01-05 09:00:00",
        "rated_on": "2026-01-05 10:30:00",
    }],
}
