"""Surveys over the v3 API: definitions, ratings, and the ticket's ``survey_rating`` block."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from supportdesk.errors import BadRequest, Conflict, NotFound
from supportdesk.seed.sample import generate_sample_data
from supportdesk.surveys.responses import answer_survey, send_survey
from supportdesk.surveys.schemas import SentSurveyRead, SurveyAnswer, SurveyCreate, SurveyUpdate
from supportdesk.surveys.service import create_survey, delete_survey, update_survey
from supportdesk.tickets.service import NewTicket, create_ticket
from tests.conftest import START
from tests.factories import TenantFixture, bad_request, not_found

QUESTIONS = {
    "survey_question": "How would you rate our customer service?",
    "cs_question_2": "How would you rate our expertise?",
    "cs_question_3": "How would you rate your overall satisfaction with the help you've "
                     "received?",
}
COMMENTS_TITLE = "Add any additional comments you may have about the support received."
DEMO_SURVEY = {
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
    "questions": QUESTIONS,
    "include_additional_comments": True,
    "additional_comments_title": COMMENTS_TITLE,
    "notify_type": 7,
    "is_active": True,
    "is_deleted": False,
}
SURVEY_KEYS = list(DEMO_SURVEY)
SV_KEYS = [
    "sv_name", "sv_answered", "sv_type", "sv_cs_scale", "sv_cs_neutral_type", "sv_question",
    "sv_rating", "sv_cs_question_2", "sv_cs_rating_2", "sv_cs_question_3", "sv_cs_rating_3",
    "sv_additional_comments_title", "sv_additional_comments_response", "sv_sent_on",
    "sv_rated_on",
]
AGENT = "alex.morgan@demo.example"
NPS = SurveyCreate(name="Net Promoter Score", survey_type="net_promoter_score",
                   questions=["How likely are you to recommend us to a friend?"],
                   send_on="close")


def make_ticket(tenant: TenantFixture, email: str = "ann@example.com", *,
                assignee: str | None = AGENT) -> int:
    with tenant.unit() as unit:
        view = create_ticket(unit, NewTicket(contact_email=email, subject="Printer jam",
                                             assignee_email=assignee))
        return view.ticket.number


def define(tenant: TenantFixture, data: SurveyCreate) -> None:
    with tenant.unit() as unit:
        create_survey(unit, data=data)


def send(tenant: TenantFixture, number: int, survey_name: str | None = None) \
        -> SentSurveyRead:
    with tenant.unit() as unit:
        return send_survey(unit, ticket_number=number, survey_name=survey_name)


def answer(tenant: TenantFixture, sent_id: int, rating: int, rating_2: int | None = None,
           rating_3: int | None = None, comments: str | None = None) -> SentSurveyRead:
    with tenant.unit() as unit:
        return answer_survey(unit, sent_survey_id=sent_id, answer=SurveyAnswer(
            rating=rating, cs_rating_2=rating_2, cs_rating_3=rating_3,
            additional_comments=comments))


def get_json(client: TestClient, path: str, **params: str) -> Any:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


# --- definitions -------------------------------------------------------------------


def test_list_is_every_survey_in_creation_order_with_every_field(
    client: TestClient, tenant: TenantFixture,
) -> None:
    tenant.clock.advance(minutes=1)
    define(tenant, NPS)
    tenant.clock.advance(minutes=1)
    define(tenant, SurveyCreate(name="Stars", survey_type="five_star",
                                questions=["Rate us"], include_additional_comments=False))
    tenant.clock.advance(minutes=1)
    define(tenant, SurveyCreate(
        name="Quick CSAT", survey_type="customer_satisfaction", scale=3,
        rating_order="bad_to_good", neutral_type="negative",
        scale_labels={"3": "Great", "0": "Okay", "-3": "Bad"}, questions=["How did we do?"],
        include_additional_comments=True, additional_comments_title="Anything else?",
        thankyou_text="Thanks!", send_on="close", is_active=True,
    ))
    with tenant.unit() as unit:
        delete_survey(unit, survey="stars")

    body = get_json(client, "/apis/v3/surveys")

    assert list(body) == ["count", "surveys"]
    assert body == {"count": 4, "surveys": [
        {**DEMO_SURVEY, "is_active": False},
        {"survey_name": "Net Promoter Score", "survey_type": 3, "cs_survey_scale": None,
         "cs_rating_order": None, "cs_neutral_type": None, "cs_scale_point_map": None,
         "thankyou_text": None,
         "questions": {"survey_question": "How likely are you to recommend us to a friend?",
                       "cs_question_2": None, "cs_question_3": None},
         "include_additional_comments": False, "additional_comments_title": None,
         "notify_type": 8, "is_active": False, "is_deleted": False},
        {"survey_name": "Stars", "survey_type": 2, "cs_survey_scale": None,
         "cs_rating_order": None, "cs_neutral_type": None, "cs_scale_point_map": None,
         "thankyou_text": None,
         "questions": {"survey_question": "Rate us", "cs_question_2": None,
                       "cs_question_3": None},
         "include_additional_comments": False, "additional_comments_title": None,
         "notify_type": 7, "is_active": False, "is_deleted": True},
        {"survey_name": "Quick CSAT", "survey_type": 1, "cs_survey_scale": 3,
         "cs_rating_order": 2, "cs_neutral_type": 3,
         "cs_scale_point_map": {"-3": "Bad", "0": "Okay", "3": "Great"},
         "thankyou_text": "Thanks!",
         "questions": {"survey_question": "How did we do?", "cs_question_2": None,
                       "cs_question_3": None},
         "include_additional_comments": True, "additional_comments_title": "Anything else?",
         "notify_type": 8, "is_active": True, "is_deleted": False},
    ]}
    for survey in body["surveys"]:
        assert list(survey) == SURVEY_KEYS
    assert list(body["surveys"][3]["cs_scale_point_map"]) == ["-3", "0", "3"]
    assert list(body["surveys"][0]["cs_scale_point_map"]) == ["3", "2", "1", "0", "-1", "-2",
                                                              "-3"]


def test_details_by_name_in_any_case(client: TestClient) -> None:
    assert get_json(client, "/apis/v3/surveys/details",
                    survey_name=" customer SATISFACTION ") == DEMO_SURVEY


def test_details_of_unknown_deleted_or_missing_survey(client: TestClient,
                                                      tenant: TenantFixture) -> None:
    define(tenant, NPS)
    with tenant.unit() as unit:
        delete_survey(unit, survey="Net Promoter Score")

    for name in ("Nope", "Net Promoter Score"):
        response = client.get("/apis/v3/surveys/details", params={"survey_name": name})
        assert (response.status_code, response.json()) == (
            404, not_found(f"no survey named {name!r} exists"))
    for params in ({}, {"survey_name": "  "}):
        response = client.get("/apis/v3/surveys/details", params=params)
        assert (response.status_code, response.json()) == (
            400, bad_request("survey_name is required"))
    response = client.get("/apis/v3/surveys/details", params={"survey_name": "a\x00b"})
    assert (response.status_code, response.json()) == (
        400, bad_request("survey_name must not contain NUL characters"))


def test_a_deleted_name_can_be_used_again(client: TestClient, tenant: TenantFixture) -> None:
    with tenant.unit() as unit:
        delete_survey(unit, survey="Customer Satisfaction")
    define(tenant, SurveyCreate(name="customer satisfaction", survey_type="five_star",
                                questions=["Stars?"]))

    body = get_json(client, "/apis/v3/surveys")
    assert [(s["survey_name"], s["survey_type"], s["is_deleted"], s["is_active"])
            for s in body["surveys"]] == [("Customer Satisfaction", 1, True, False),
                                          ("customer satisfaction", 2, False, False)]
    assert get_json(client, "/apis/v3/surveys/details",
                    survey_name="Customer Satisfaction")["survey_type"] == 2


# --- ratings -----------------------------------------------------------------------


def test_ratings_come_30_per_page_by_rating_time(client: TestClient,
                                                 tenant: TenantFixture) -> None:
    tickets = [make_ticket(tenant, f"c{i}@example.com") for i in range(3)]
    sent = []
    for i in range(32):
        tenant.clock.advance(minutes=1)
        sent.append(send(tenant, tickets[i % 3]))
    send(tenant, tickets[0])  # sent but never answered: not a rating
    # Answer in reverse order of sending, so rating time and sending order disagree.
    answered_at = {}
    for i, item in enumerate(reversed(sent)):
        tenant.clock.advance(minutes=1)
        answer(tenant, item.id, 3 - i % 7, 2, -1, comments=f"answer {i}" if i % 2 else None)
        answered_at[item.id] = (i, tenant.clock.now())

    def expected(item: SentSurveyRead) -> dict[str, Any]:
        i, rated = answered_at[item.id]
        return {
            "ticket_number": item.ticket_number,
            "survey_name": "Customer Satisfaction",
            "survey_type": 1,
            "contact_email": f"c{tickets.index(item.ticket_number)}@example.com",
            "agent_assigned": AGENT,
            "cs_neutral_type": 2,
            "ratings": {"survey_question": QUESTIONS["survey_question"], "rating": 3 - i % 7,
                        "cs_question_2": QUESTIONS["cs_question_2"], "cs_rating_2": 2,
                        "cs_question_3": QUESTIONS["cs_question_3"], "cs_rating_3": -1},
            "additional_comments_title": COMMENTS_TITLE,
            "additional_comments_response": f"answer {i}" if i % 2 else None,
            "sent_on": item.sent_at.strftime("%Y-%m-%d %H:%M:%S"),
            "rated_on": rated.strftime("%Y-%m-%d %H:%M:%S"),
        }

    in_rating_order = list(reversed(sent))
    first = get_json(client, "/apis/v3/surveys/ratings")
    assert list(first) == ["count", "survey_ratings"]
    assert first == {"count": 32,
                     "survey_ratings": [expected(s) for s in in_rating_order[:30]]}
    assert first["survey_ratings"][0]["sent_on"] == "2026-01-05 09:32:00"
    assert first["survey_ratings"][0]["rated_on"] == "2026-01-05 09:33:00"
    second = get_json(client, "/apis/v3/surveys/ratings", offset="30")
    assert second == {"count": 32,
                      "survey_ratings": [expected(s) for s in in_rating_order[30:]]}
    assert get_json(client, "/apis/v3/surveys/ratings", offset="31")["survey_ratings"] == [
        expected(in_rating_order[31])]
    assert get_json(client, "/apis/v3/surveys/ratings", offset="500") == {
        "count": 32, "survey_ratings": []}
    assert all(r["rated_on"] is not None for r in first["survey_ratings"] +
               second["survey_ratings"])


@pytest.mark.parametrize("offset", ["-1", "x", "1.5", "\u0661"])
def test_ratings_offset_must_be_a_whole_number(client: TestClient, offset: str) -> None:
    response = client.get("/apis/v3/surveys/ratings", params={"offset": offset})
    assert (response.status_code, response.json()) == (
        400, bad_request(f"offset must be a non-negative whole number, got {offset!r}"))


def test_ratings_of_five_star_and_nps_and_of_deleted_surveys(
    client: TestClient, tenant: TenantFixture,
) -> None:
    define(tenant, NPS)
    define(tenant, SurveyCreate(name="Stars", survey_type="five_star", questions=["Rate us"],
                                include_additional_comments=True))
    number = make_ticket(tenant, assignee=None)
    nps = send(tenant, number, "net promoter score")
    stars = send(tenant, number, "Stars")
    tenant.clock.advance(hours=1)
    answer(tenant, stars.id, 5, comments="  ")
    tenant.clock.advance(hours=1)
    answer(tenant, nps.id, 0)
    with tenant.unit() as unit:
        delete_survey(unit, survey="Net Promoter Score")

    body = get_json(client, "/apis/v3/surveys/ratings")

    common = {"ticket_number": number, "contact_email": "ann@example.com",
              "agent_assigned": None, "cs_neutral_type": None, "sent_on": "2026-01-05 09:00:00"}
    assert body == {"count": 2, "survey_ratings": [
        {**common, "survey_name": "Stars", "survey_type": 2,
         "ratings": {"survey_question": "Rate us", "rating": 5, "cs_question_2": None,
                     "cs_rating_2": None, "cs_question_3": None, "cs_rating_3": None},
         "additional_comments_title": COMMENTS_TITLE, "additional_comments_response": None,
         "rated_on": "2026-01-05 10:00:00"},
        {**common, "survey_name": "Net Promoter Score", "survey_type": 3,
         "ratings": {"survey_question": "How likely are you to recommend us to a friend?",
                     "rating": 0, "cs_question_2": None, "cs_rating_2": None,
                     "cs_question_3": None, "cs_rating_3": None},
         "additional_comments_title": None, "additional_comments_response": None,
         "rated_on": "2026-01-05 11:00:00"},
    ]}
    for rating in body["survey_ratings"]:
        assert list(rating) == ["ticket_number", "survey_name", "survey_type", "contact_email",
                                "agent_assigned", "cs_neutral_type", "ratings",
                                "additional_comments_title", "additional_comments_response",
                                "sent_on", "rated_on"]


# --- sending and answering (service) -----------------------------------------------


def test_answers_are_checked_against_the_survey(tenant: TenantFixture) -> None:
    define(tenant, NPS)
    number = make_ticket(tenant)
    csat = send(tenant, number)
    nps = send(tenant, number, "Net Promoter Score")
    cases: list[tuple[int, SurveyAnswer, str]] = [
        (csat.id, SurveyAnswer(rating=4, cs_rating_2=3, cs_rating_3=3),
         "rating must be one of 3, 2, 1, 0, -1, -2, -3 on this 7-point customer_satisfaction "
         "survey, got 4"),
        (csat.id, SurveyAnswer(rating=3, cs_rating_3=3),
         "cs_rating_2 is required: the survey asks question 2"),
        (csat.id, SurveyAnswer(rating=3, cs_rating_2=3, cs_rating_3=-4),
         "cs_rating_3 must be one of 3, 2, 1, 0, -1, -2, -3 on this 7-point "
         "customer_satisfaction survey, got -4"),
        (nps.id, SurveyAnswer(rating=11),
         "rating must be a whole number from 0 to 10 on a net_promoter_score survey, got 11"),
        (nps.id, SurveyAnswer(rating=10, cs_rating_2=1),
         "cs_rating_2: this survey has no question 2"),
        (nps.id, SurveyAnswer(rating=10, additional_comments="Great"),
         "additional_comments: this survey does not ask for comments"),
    ]
    for sent_id, given, message in cases:
        with tenant.unit() as unit, pytest.raises(BadRequest) as caught:
            answer_survey(unit, sent_survey_id=sent_id, answer=given)
        assert caught.value.message == message

    answer(tenant, nps.id, 10)
    with tenant.unit() as unit, pytest.raises(Conflict) as conflict:
        answer_survey(unit, sent_survey_id=nps.id, answer=SurveyAnswer(rating=9))
    assert conflict.value.message == (
        f"the survey sent on ticket {number} has already been answered")
    with tenant.unit() as unit, pytest.raises(NotFound) as missing:
        answer_survey(unit, sent_survey_id=999, answer=SurveyAnswer(rating=9))
    assert missing.value.message == "sent survey 999 does not exist"


def test_sending_needs_a_ticket_and_a_survey(tenant: TenantFixture) -> None:
    number = make_ticket(tenant)
    with tenant.unit() as unit, pytest.raises(NotFound) as no_ticket:
        send_survey(unit, ticket_number=77)
    assert no_ticket.value.message == "ticket 77 does not exist"
    with tenant.unit() as unit, pytest.raises(NotFound) as no_survey:
        send_survey(unit, ticket_number=number, survey_name="Nope")
    assert no_survey.value.message == "no survey named 'Nope' exists"
    with tenant.unit() as unit:
        delete_survey(unit, survey="Customer Satisfaction")
    with tenant.unit() as unit, pytest.raises(Conflict) as none_active:
        send_survey(unit, ticket_number=number)
    assert none_active.value.message == (
        "no survey is active: activate a survey or name the one to send")


def test_a_sent_survey_keeps_the_wording_the_contact_saw(
    client: TestClient, tenant: TenantFixture,
) -> None:
    number = make_ticket(tenant)
    sent = send(tenant, number)
    with tenant.unit() as unit:
        update_survey(unit, survey_id=1, changes=SurveyUpdate(questions=["New wording?"]))
    answer(tenant, sent.id, 1, 1, 1)
    rating = get_json(client, "/apis/v3/surveys/ratings")["survey_ratings"][0]
    assert rating["ratings"]["survey_question"] == QUESTIONS["survey_question"]
    assert get_json(client, "/apis/v3/surveys/details", survey_name="Customer Satisfaction")[
        "questions"] == {"survey_question": "New wording?", "cs_question_2": None,
                         "cs_question_3": None}


# --- the ticket's survey_rating block ----------------------------------------------


def block(**values: Any) -> dict[str, Any]:
    """The demo survey's block, sent at START, unanswered unless values say otherwise."""
    base: dict[str, Any] = {
        "sv_name": "Customer Satisfaction", "sv_answered": False, "sv_type": 1,
        "sv_cs_scale": 7, "sv_cs_neutral_type": 2,
        "sv_question": QUESTIONS["survey_question"], "sv_rating": None,
        "sv_cs_question_2": QUESTIONS["cs_question_2"], "sv_cs_rating_2": None,
        "sv_cs_question_3": QUESTIONS["cs_question_3"], "sv_cs_rating_3": None,
        "sv_additional_comments_title": COMMENTS_TITLE,
        "sv_additional_comments_response": None, "sv_sent_on": "2026-01-05 09:00:00",
        "sv_rated_on": None,
    }
    base.update(values)
    assert list(base) == SV_KEYS
    return base


@pytest.fixture
def three_tickets(tenant: TenantFixture) -> dict[int, dict[str, Any] | None]:
    """Ticket 1: none sent; 2: sent, unanswered; 3: answered, then a newer NPS sent."""
    define(tenant, NPS)
    first, second, third = (make_ticket(tenant, f"t{i}@example.com") for i in range(3))
    send(tenant, second)
    answered = send(tenant, third)
    tenant.clock.advance(hours=2)
    answer(tenant, answered.id, 3, 2, 1, comments="Thanks")
    tenant.clock.advance(hours=1)
    send(tenant, third, "Net Promoter Score")
    # The older survey is answered after the newer one was sent: sending time decides.
    return {
        first: None,
        second: block(),
        third: {
            "sv_name": "Net Promoter Score", "sv_answered": False, "sv_type": 3,
            "sv_cs_scale": None, "sv_cs_neutral_type": None,
            "sv_question": "How likely are you to recommend us to a friend?",
            "sv_rating": None, "sv_cs_question_2": None, "sv_cs_rating_2": None,
            "sv_cs_question_3": None, "sv_cs_rating_3": None,
            "sv_additional_comments_title": None, "sv_additional_comments_response": None,
            "sv_sent_on": "2026-01-05 12:00:00", "sv_rated_on": None,
        },
    }


def test_list_block_is_the_latest_survey_of_each_ticket(
    client: TestClient, three_tickets: dict[int, dict[str, Any] | None],
) -> None:
    body = get_json(client, "/apis/v3/tickets", include_survey_details="1")
    assert {t["ticket_number"]: t["survey_rating"] for t in body["tickets"]} == three_tickets
    for ticket in body["tickets"]:
        keys = list(ticket)
        assert keys[keys.index("closed_duration") + 1] == "survey_rating"
    plain = get_json(client, "/apis/v3/tickets")
    assert all("survey_rating" not in t for t in plain["tickets"])


def test_search_items_carry_the_latest_survey_like_the_list(
    client: TestClient, three_tickets: dict[int, dict[str, Any] | None],
) -> None:
    for order in ("relevance", "created_time"):
        body = get_json(client, "/apis/v3/tickets/search", include_survey_details="1",
                        search_query='{"query": "printer"}', order_by=order)
        assert {t["ticket_number"]: t["survey_rating"] for t in body["tickets"]} == \
            three_tickets
    listed = get_json(client, "/apis/v3/tickets", include_survey_details="1")
    assert body == listed


def test_nested_fields_flattens_the_sv_keys(
    client: TestClient, three_tickets: dict[int, dict[str, Any] | None],
) -> None:
    body = get_json(client, "/apis/v3/tickets", include_survey_details="1", nested_fields="1")
    for ticket in body["tickets"]:
        expected = three_tickets[ticket["ticket_number"]] or dict.fromkeys(SV_KEYS)
        assert "survey_rating" not in ticket
        keys = list(ticket)
        start = keys.index("sv_name")
        assert keys[start:start + len(SV_KEYS)] == SV_KEYS
        assert {k: ticket[k] for k in SV_KEYS} == expected


def test_answered_block_and_details_block(client: TestClient, tenant: TenantFixture) -> None:
    number = make_ticket(tenant)
    sent = send(tenant, number)
    tenant.clock.advance(minutes=90)
    answer(tenant, sent.id, -3, 0, 3, comments="Slow, but solved")
    answered = block(sv_answered=True, sv_rating=-3, sv_cs_rating_2=0, sv_cs_rating_3=3,
                     sv_additional_comments_response="Slow, but solved",
                     sv_rated_on="2026-01-05 10:30:00")

    details = get_json(client, "/apis/v3/tickets/details", ticket_number=str(number),
                       include_survey_details="1")
    keys = list(details)
    assert keys[keys.index("custom_fields") + 1:] == [
        "survey_rating", "attachments", "watchers", "share_to", "conversation_count"]
    assert details["survey_rating"] == answered
    listed = get_json(client, "/apis/v3/tickets", include_survey_details="1")["tickets"][0]
    assert listed["survey_rating"] == answered
    # Without the flag, details keep the vendor's exact shape.
    assert "survey_rating" not in get_json(client, "/apis/v3/tickets/details",
                                           ticket_number=str(number))
    response = client.get("/apis/v3/tickets/details",
                          params={"ticket_number": str(number), "include_survey_details": "2"})
    assert (response.status_code, response.json()) == (
        400, bad_request("include_survey_details must be 0 or 1, got '2'"))


def test_details_block_is_null_when_none_was_sent(client: TestClient,
                                                 tenant: TenantFixture) -> None:
    number = make_ticket(tenant)
    details = get_json(client, "/apis/v3/tickets/details", ticket_number=str(number),
                       include_survey_details="1")
    assert details["survey_rating"] is None


@contextmanager
def counting_queries(tenant: TenantFixture) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(tenant.database.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(tenant.database.engine, "before_cursor_execute", record)


def test_the_list_loads_the_surveys_of_a_page_in_one_query(
    client: TestClient, tenant: TenantFixture,
) -> None:
    def survey_queries() -> int:
        with counting_queries(tenant) as statements:
            get_json(client, "/apis/v3/tickets", include_survey_details="1")
        return sum("sent_surveys" in s for s in statements)

    for _ in range(2):
        send(tenant, make_ticket(tenant))
    few = survey_queries()
    for _ in range(6):
        number = make_ticket(tenant)
        send(tenant, number)
        send(tenant, number)
    assert (few, survey_queries()) == (1, 1)


# --- demo data and isolation -------------------------------------------------------


def test_sample_data_has_answered_and_unanswered_ratings(
    client: TestClient, tenant: TenantFixture,
) -> None:
    generate_sample_data(tenant.database, tenant.settings, tenant.subdomain, clock=tenant.clock)

    ratings = get_json(client, "/apis/v3/surveys/ratings")
    assert ratings["count"] == 4
    assert {(r["survey_name"], r["ratings"]["rating"], r["additional_comments_response"])
            for r in ratings["survey_ratings"]} == {
        ("Customer Satisfaction", 3, "Quick and friendly, thank you!"),
        ("Customer Satisfaction", 2, None),
        ("Customer Satisfaction", -2, "It took three emails to get an answer."),
        ("Customer Satisfaction", 0, None),
    }
    rated = [r["rated_on"] for r in ratings["survey_ratings"]]
    assert rated == sorted(rated)
    for rating in ratings["survey_ratings"]:
        details = get_json(client, "/apis/v3/tickets/details",
                           ticket_number=str(rating["ticket_number"]))
        assert rating["sent_on"] == details["resolved_on"]
    tickets = get_json(client, "/apis/v3/tickets", include_survey_details="1",
                       ticket_count="100", offset="200")["tickets"]
    blocks = [t["survey_rating"] for t in tickets if t["survey_rating"] is not None]
    assert sorted(b["sv_answered"] for b in blocks) == [False, True, True, True, True]


def test_other_tenants_surveys_and_ratings_are_invisible(
    client: TestClient, tenant: TenantFixture, other_tenant: TenantFixture,
) -> None:
    define(other_tenant, SurveyCreate(name="Globex only", survey_type="five_star",
                                      questions=["Stars?"]))
    theirs = make_ticket(other_tenant)
    sent = send(other_tenant, theirs)
    answer(other_tenant, sent.id, 1, 1, 1)

    assert get_json(client, "/apis/v3/surveys") == {"count": 1, "surveys": [DEMO_SURVEY]}
    response = client.get("/apis/v3/surveys/details", params={"survey_name": "Globex only"})
    assert (response.status_code, response.json()) == (
        404, not_found("no survey named 'Globex only' exists"))
    assert get_json(client, "/apis/v3/surveys/ratings") == {"count": 0, "survey_ratings": []}
    ours = make_ticket(tenant)
    assert ours == theirs == 1
    listed = get_json(client, "/apis/v3/tickets", include_survey_details="1")["tickets"]
    assert [t["survey_rating"] for t in listed] == [None]


def test_sent_times_are_naive_utc_from_the_clock(tenant: TenantFixture) -> None:
    number = make_ticket(tenant)
    sent = send(tenant, number)
    assert sent.sent_at == START
    tenant.clock.advance(days=1)
    assert answer(tenant, sent.id, 0, 0, 0).rated_at == START + timedelta(days=1)
