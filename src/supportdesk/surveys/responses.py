"""Surveys sent on tickets and the contacts' answers.

Sending (on resolve or close) and the answer form come with the automation
engine; these functions are what it calls: record that a survey went to a
ticket's contact, record the answer, list the answers, and find the latest
survey of each ticket for the ticket views.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, func, select

from supportdesk.contacts.models import Contact
from supportdesk.db.sequences import next_id
from supportdesk.errors import BadRequest, Conflict, NotFound
from supportdesk.surveys.models import SentSurvey, Survey
from supportdesk.surveys.scales import SurveyType, rating_points
from supportdesk.surveys.schemas import (
    SURVEY_TYPES,
    RatingPage,
    SentSurveyRead,
    SurveyAnswer,
    name_of,
)
from supportdesk.surveys.service import active_survey, require_survey
from supportdesk.tickets.models import Ticket
from supportdesk.unit import TenantUnit

RATINGS_PAGE_SIZE = 30

_SentRows = Select[SentSurvey, str, int, int | None, int | None, str]


def send_survey(unit: TenantUnit, *, ticket_number: int, survey_name: str | None = None,
                at: datetime | None = None) -> SentSurveyRead:
    """Record that a survey was sent to the contact of ticket ``ticket_number``.

    The active survey is sent unless ``survey_name`` names another one. The
    questions and comment prompt are copied, and the ticket's assignee is
    remembered as the agent the answer is about. ``at`` is when it was sent
    (now by default; imports and sample data pass the past).
    """
    session = unit.session
    ticket = session.scalar(select(Ticket).where(Ticket.number == ticket_number))
    if ticket is None:
        raise NotFound(f"ticket {ticket_number} does not exist")
    if survey_name is not None:
        survey = require_survey(session, survey_name)
    else:
        active = active_survey(session)
        if active is None:
            raise Conflict("no survey is active: activate a survey or name the one to send")
        survey = active
    sent = SentSurvey(
        id=next_id(session, "sent_surveys"), survey_id=survey.id, ticket_number=ticket.number,
        contact_id=ticket.contact_id, assignee_id=ticket.assignee_id,
        question=survey.question, cs_question_2=survey.cs_question_2,
        cs_question_3=survey.cs_question_3,
        additional_comments_title=(survey.additional_comments_title
                                   if survey.include_additional_comments else None),
        sent_at=at or unit.clock.now(),
    )
    session.add(sent)
    session.flush()
    unit.commit()
    return _one(unit, sent.id)


def answer_survey(unit: TenantUnit, *, sent_survey_id: int, answer: SurveyAnswer,
                  at: datetime | None = None) -> SentSurveyRead:
    """Record the contact's ratings (one per question asked) and comments.

    A survey is answered once; a second answer is refused (409). ``at`` is
    when the answer came (now by default). Ratings must
    be points of the survey's scale: -3..3 as the scale allows for Customer
    Satisfaction, 1..5 for Five Star, 0..10 for Net Promoter Score.
    """
    session = unit.session
    sent = session.scalar(select(SentSurvey).where(SentSurvey.id == sent_survey_id))
    if sent is None:
        raise NotFound(f"sent survey {sent_survey_id} does not exist")
    if sent.rated_at is not None:
        raise Conflict(f"the survey sent on ticket {sent.ticket_number} has already been "
                       "answered")
    survey = session.scalar(select(Survey).where(Survey.id == sent.survey_id))
    assert survey is not None  # the foreign key guarantees it
    points = rating_points(survey.survey_type, survey.cs_scale)
    _check_rating("rating", answer.rating, points, survey)
    for number, question, rating in ((2, sent.cs_question_2, answer.cs_rating_2),
                                     (3, sent.cs_question_3, answer.cs_rating_3)):
        if question is None and rating is not None:
            raise BadRequest(f"cs_rating_{number}: this survey has no question {number}")
        if question is not None:
            if rating is None:
                raise BadRequest(f"cs_rating_{number} is required: the survey asks question "
                                 f"{number}")
            _check_rating(f"cs_rating_{number}", rating, points, survey)
    comments = (answer.additional_comments or "").strip() or None
    if comments is not None and sent.additional_comments_title is None:
        raise BadRequest("additional_comments: this survey does not ask for comments")
    sent.rating, sent.cs_rating_2, sent.cs_rating_3 = (answer.rating, answer.cs_rating_2,
                                                       answer.cs_rating_3)
    sent.additional_comments_response = comments
    sent.rated_at = at or unit.clock.now()
    session.flush()
    unit.commit()
    return _one(unit, sent.id)


def list_ratings(unit: TenantUnit, *, offset: int = 0, limit: int = RATINGS_PAGE_SIZE) \
        -> RatingPage:
    """Answered surveys, the earliest answer first, one page, with the total answered.

    Answers on surveys deleted since are still listed: they were given.
    """
    answered = SentSurvey.rated_at.is_not(None)
    total = unit.session.scalar(select(func.count()).select_from(SentSurvey)
                                .where(answered)) or 0
    if total <= offset:
        return RatingPage(total=total, items=[])
    query = (_sent_query().where(answered)
             .order_by(SentSurvey.rated_at, SentSurvey.id).offset(offset).limit(limit))
    return RatingPage(total=total, items=_reads(unit, query))


def latest_sent_surveys(unit: TenantUnit, ticket_numbers: Sequence[int]) \
        -> dict[int, SentSurveyRead]:
    """The latest survey sent on each of these tickets (answered or not), in one query.

    Tickets without a survey are absent from the result.
    """
    if not ticket_numbers:
        return {}
    ranked = (
        select(SentSurvey.id, func.row_number().over(
            partition_by=SentSurvey.ticket_number,
            order_by=(SentSurvey.sent_at.desc(), SentSurvey.id.desc()),
        ).label("rank"))
        .where(SentSurvey.ticket_number.in_(list(ticket_numbers)))
        .subquery()
    )
    query = (_sent_query().join(ranked, ranked.c.id == SentSurvey.id)
             .where(ranked.c.rank == 1))
    return {read.ticket_number: read for read in _reads(unit, query)}


def _check_rating(field: str, rating: int, points: tuple[int, ...], survey: Survey) -> None:
    if rating in points:
        return
    kind = name_of(SURVEY_TYPES, survey.survey_type)
    if survey.survey_type == SurveyType.CUSTOMER_SATISFACTION:
        allowed = f"one of {', '.join(str(p) for p in points)} on this {survey.cs_scale}-point"
    else:
        allowed = f"a whole number from {points[0]} to {points[-1]} on a"
    raise BadRequest(f"{field} must be {allowed} {kind} survey, got {rating}")


def _sent_query() -> _SentRows:
    return (
        select(SentSurvey, Survey.name, Survey.survey_type, Survey.cs_scale,
               Survey.cs_neutral_type, Contact.primary_email)
        .join(Survey, Survey.id == SentSurvey.survey_id)
        .join(Contact, Contact.id == SentSurvey.contact_id)
    )


def _one(unit: TenantUnit, sent_survey_id: int) -> SentSurveyRead:
    return _reads(unit, _sent_query().where(SentSurvey.id == sent_survey_id))[0]


def _reads(unit: TenantUnit, query: _SentRows) -> list[SentSurveyRead]:
    agents = unit.catalog.agent_by_id
    reads = []
    for sent, name, survey_type, scale, neutral_type, contact_email in \
            unit.session.execute(query):
        agent = agents.get(sent.assignee_id) if sent.assignee_id is not None else None
        reads.append(SentSurveyRead(
            id=sent.id, ticket_number=sent.ticket_number, survey_name=name,
            survey_type=survey_type, cs_scale=scale, cs_neutral_type=neutral_type,
            contact_email=contact_email, agent_email=agent.email if agent else None,
            question=sent.question, cs_question_2=sent.cs_question_2,
            cs_question_3=sent.cs_question_3,
            additional_comments_title=sent.additional_comments_title,
            sent_at=sent.sent_at, rated_at=sent.rated_at, rating=sent.rating,
            cs_rating_2=sent.cs_rating_2, cs_rating_3=sent.cs_rating_3,
            additional_comments_response=sent.additional_comments_response,
        ))
    return reads
