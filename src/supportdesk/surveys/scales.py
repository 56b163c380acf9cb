"""The kinds of survey, their rating scales and the codes that name their settings.

The codes are Desk365's (they are also the stored values): a Customer
Satisfaction rating is always between -3 and 3, whatever the scale, so that
3 always means "extremely satisfied" and -3 "extremely dissatisfied"; a
smaller scale leaves points out, symmetrically, keeping the extremes.
"""

from __future__ import annotations

from enum import IntEnum


class SurveyType(IntEnum):
    """What the contact is asked to give."""

    CUSTOMER_SATISFACTION = 1
    FIVE_STAR = 2
    NET_PROMOTER_SCORE = 3


class RatingOrder(IntEnum):
    """The order the Customer Satisfaction points are shown in."""

    GOOD_TO_BAD = 1
    BAD_TO_GOOD = 2


class NeutralType(IntEnum):
    """How "neither satisfied nor dissatisfied" (point 0) counts in reports."""

    POSITIVE = 1
    NEUTRAL = 2
    NEGATIVE = 3


class NotifyType(IntEnum):
    """When the active survey goes out to the ticket's contact."""

    ON_RESOLVE = 7
    ON_CLOSE = 8


MIN_SCALE = 2
MAX_SCALE = 7
DEFAULT_SCALE = 7
MAX_QUESTIONS = 3

# Points of each Customer Satisfaction scale, best first.
SCALE_POINTS: dict[int, tuple[int, ...]] = {
    2: (3, -3),
    3: (3, 0, -3),
    4: (3, 2, -2, -3),
    5: (3, 2, 0, -2, -3),
    6: (3, 2, 1, -1, -2, -3),
    7: (3, 2, 1, 0, -1, -2, -3),
}

_LABELS = {
    3: "Extremely satisfied", 2: "Mostly satisfied", 1: "Slightly satisfied",
    0: "Neither satisfied nor dissatisfied", -1: "Slightly dissatisfied",
    -2: "Mostly dissatisfied", -3: "Extremely dissatisfied",
}
# On the two smallest scales the extremes are the only judgements, so plain words fit.
_PLAIN = {3: "Satisfied", -3: "Dissatisfied"}

FIVE_STAR_POINTS = tuple(range(1, 6))
NPS_POINTS = tuple(range(0, 11))

DEFAULT_COMMENTS_TITLE = "Add any additional comments you may have about the support received."


def default_labels(scale: int) -> dict[int, str]:
    """The labels a new Customer Satisfaction survey of ``scale`` points starts with."""
    plain = _PLAIN if scale <= 3 else {}
    return {point: plain.get(point, _LABELS[point]) for point in SCALE_POINTS[scale]}


def rating_points(survey_type: int, scale: int | None) -> tuple[int, ...]:
    """The ratings a contact may give on a survey of this kind (and scale)."""
    if survey_type == SurveyType.CUSTOMER_SATISFACTION:
        return SCALE_POINTS[scale or DEFAULT_SCALE]
    if survey_type == SurveyType.FIVE_STAR:
        return FIVE_STAR_POINTS
    return NPS_POINTS
