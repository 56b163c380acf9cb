"""What comes in to define or answer a survey, and what the service hands back.

Definitions use plain words for the settings (``"customer_satisfaction"``,
``"resolve"``...); the service stores the Desk365 codes from
``surveys.scales``. Lengths match the columns, so an over-long value is a 400
naming the field, never a database error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from supportdesk.companies.schemas import valid_text
from supportdesk.surveys.scales import NeutralType, NotifyType, RatingOrder, SurveyType

SurveyTypeName = Literal["customer_satisfaction", "five_star", "net_promoter_score"]
RatingOrderName = Literal["good_to_bad", "bad_to_good"]
NeutralTypeName = Literal["positive", "neutral", "negative"]
SendOn = Literal["resolve", "close"]

SURVEY_TYPES: dict[str, SurveyType] = {
    "customer_satisfaction": SurveyType.CUSTOMER_SATISFACTION,
    "five_star": SurveyType.FIVE_STAR,
    "net_promoter_score": SurveyType.NET_PROMOTER_SCORE,
}
RATING_ORDERS: dict[str, RatingOrder] = {
    "good_to_bad": RatingOrder.GOOD_TO_BAD, "bad_to_good": RatingOrder.BAD_TO_GOOD,
}
NEUTRAL_TYPES: dict[str, NeutralType] = {
    "positive": NeutralType.POSITIVE, "neutral": NeutralType.NEUTRAL,
    "negative": NeutralType.NEGATIVE,
}
SEND_ON: dict[str, NotifyType] = {"resolve": NotifyType.ON_RESOLVE,
                                  "close": NotifyType.ON_CLOSE}

SurveyName = Annotated[str, Field(max_length=200), AfterValidator(valid_text)]
Question = Annotated[str, Field(max_length=500), AfterValidator(valid_text)]
Label = Annotated[str, Field(max_length=100), AfterValidator(valid_text)]
ThankYou = Annotated[str, Field(max_length=1000), AfterValidator(valid_text)]
Comments = Annotated[str, Field(max_length=10_000), AfterValidator(valid_text)]
# JSON numbers only: "7", 7.0 and true are not a scale or a rating.
WholeNumber = Annotated[int, Field(strict=True)]
# JSON true/false only, not "yes" or 1.
Flag = Annotated[bool, Field(strict=True)]


class SurveyFields(BaseModel):
    """The settings shared by create and update; Customer Satisfaction ones say so."""

    model_config = ConfigDict(extra="forbid")

    scale: WholeNumber | None = Field(
        default=None, description="Customer Satisfaction only: points on the scale, 2 to 7 "
        "(default 7). Ratings are -3..3; smaller scales leave points out but keep 3 and -3.",
        examples=[7])
    rating_order: RatingOrderName | None = Field(
        default=None, description="Customer Satisfaction only: the order the points are "
        "shown in (default good_to_bad).")
    neutral_type: NeutralTypeName | None = Field(
        default=None, description="Customer Satisfaction only: how point 0 counts in "
        "reports (default neutral).")
    scale_labels: dict[str, Label] | None = Field(
        default=None, description="Customer Satisfaction only: a label for every point of "
        "the scale, keyed by the point (\"3\" .. \"-3\"); default labels when left out.",
        examples=[{"3": "Satisfied", "0": "Neither satisfied nor dissatisfied",
                   "-3": "Dissatisfied"}])
    questions: list[Question] | None = Field(
        default=None, description="The questions: one to three for Customer Satisfaction, "
        "exactly one for the other kinds.",
        examples=[["How would you rate our customer service?"]])
    thankyou_text: ThankYou | None = Field(
        default=None, description="Shown to the contact after answering.")
    include_additional_comments: Flag | None = Field(
        default=None, description="Ask for free-text comments after the rating "
        "(default false).")
    additional_comments_title: Question | None = Field(
        default=None, description="The prompt above the comments box; a standard prompt "
        "when comments are asked for and this is left out.")
    send_on: SendOn | None = Field(
        default=None, description="Send the survey when a ticket is resolved (default) or "
        "closed.")
    is_active: Flag | None = Field(
        default=None, description="Make this the survey that is sent; activating one "
        "deactivates any other (default false).")


class SurveyCreate(SurveyFields):
    """A new survey definition."""

    name: SurveyName = Field(description="Name of the survey, unique among the helpdesk's "
                             "surveys that are not deleted.", examples=["Customer Satisfaction"])
    survey_type: SurveyTypeName = Field(description="The kind of survey.",
                                        examples=["customer_satisfaction"])


class SurveyUpdate(SurveyFields):
    """Changes to a survey definition: only fields present change."""

    name: SurveyName | None = Field(default=None, description="A new name.")
    survey_type: SurveyTypeName | None = Field(
        default=None, description="A new kind; refused once the survey has been sent.")


class SurveyAnswer(BaseModel):
    """A contact's answer to a survey sent on a ticket."""

    model_config = ConfigDict(extra="forbid")

    rating: WholeNumber = Field(description="The rating for the first question.")
    cs_rating_2: WholeNumber | None = Field(default=None, description="Rating for question 2.")
    cs_rating_3: WholeNumber | None = Field(default=None, description="Rating for question 3.")
    additional_comments: Comments | None = Field(default=None,
                                                 description="Free-text comments.")


@dataclass(frozen=True)
class SurveyRead:
    """A survey definition as the service reports it (codes as stored)."""

    id: int
    name: str
    survey_type: int
    cs_scale: int | None
    cs_rating_order: int | None
    cs_neutral_type: int | None
    scale_labels: dict[int, str] | None
    questions: tuple[str, ...]
    thankyou_text: str | None
    include_additional_comments: bool
    additional_comments_title: str | None
    notify_type: int
    is_active: bool
    is_deleted: bool
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class SentSurveyRead:
    """A survey sent on a ticket, with the answer when there is one."""

    id: int
    ticket_number: int
    survey_name: str
    survey_type: int
    cs_scale: int | None
    cs_neutral_type: int | None
    contact_email: str
    agent_email: str | None
    question: str
    cs_question_2: str | None
    cs_question_3: str | None
    additional_comments_title: str | None
    sent_at: datetime
    rated_at: datetime | None
    rating: int | None
    cs_rating_2: int | None
    cs_rating_3: int | None
    additional_comments_response: str | None

    @property
    def is_answered(self) -> bool:
        return self.rated_at is not None


@dataclass(frozen=True)
class RatingPage:
    """One page of answered surveys, oldest answer first, and the total answered."""

    total: int
    items: list[SentSurveyRead]


def name_of(table: Mapping[str, int], code: int | None) -> str | None:
    """The plain word for a stored code (``SURVEY_TYPES``, ``SEND_ON``...), or None."""
    return next((name for name, value in table.items() if value == code), None)
