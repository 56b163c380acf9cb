"""The demo helpdesk's sample data: a few hundred tickets with conversations."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from supportdesk.clock import Clock, system_clock
from supportdesk.config import Settings
from supportdesk.contracts.sample import add_sample_time_and_contract
from supportdesk.db.session import Database
from supportdesk.seed.bulk import SeedReport, seed_tickets
from supportdesk.surveys.responses import answer_survey, send_survey
from supportdesk.surveys.schemas import SurveyAnswer
from supportdesk.surveys.service import active_survey
from supportdesk.tickets.models import Ticket
from supportdesk.unit import open_unit

SAMPLE_TICKETS = 300
SAMPLE_SEED = 365


def generate_sample_data(
    database: Database,
    settings: Settings,
    subdomain: str,
    *,
    tickets: int = SAMPLE_TICKETS,
    seed: int = SAMPLE_SEED,
    clock: Clock = system_clock,
) -> SeedReport:
    """Fill the tenant at ``subdomain`` with sample contacts, companies and tickets.

    Every ticket gets its conversation, so the demo shows full threads. When
    the tenant has an active survey (the demo setup adds one), it is sent on
    the first few resolved tickets and most of them are answered.
    """
    report = seed_tickets(database, subdomain=subdomain, tickets=tickets, seed=seed,
                          conversation_share=1.0, clock=clock)
    _sample_ratings(database, settings, subdomain, clock)
    with open_unit(database, settings, subdomain=subdomain, write=True, clock=clock) as unit:
        add_sample_time_and_contract(unit)
    return report


# Answers to the demo survey on the first resolved tickets: ratings for the three
# questions and a comment; None leaves the survey sent but unanswered.
SAMPLE_ANSWERS: tuple[tuple[int, int, int, str | None] | None, ...] = (
    (3, 3, 3, "Quick and friendly, thank you!"),
    (2, 3, 2, None),
    (-2, -1, -2, "It took three emails to get an answer."),
    (0, 1, 0, None),
    None,
)


def _sample_ratings(database: Database, settings: Settings, subdomain: str,
                    clock: Clock) -> None:
    """Send the active survey on a few resolved tickets; most are answered a while later."""
    with open_unit(database, settings, subdomain=subdomain, write=True, clock=clock) as unit:
        if active_survey(unit.session) is None:
            return
        resolved = unit.session.execute(
            select(Ticket.number, Ticket.resolved_at)
            .where(Ticket.resolved_at.is_not(None))
            .order_by(Ticket.number)
            .limit(len(SAMPLE_ANSWERS))
        ).all()
        for (number, resolved_at), answer in zip(resolved, SAMPLE_ANSWERS, strict=False):
            sent = send_survey(unit, ticket_number=number, at=resolved_at)
            if answer is None:
                continue
            rating, rating_2, rating_3, comments = answer
            answer_survey(unit, sent_survey_id=sent.id, at=sent.sent_at + timedelta(hours=3),
                          answer=SurveyAnswer(rating=rating, cs_rating_2=rating_2,
                                              cs_rating_3=rating_3,
                                              additional_comments=comments))
