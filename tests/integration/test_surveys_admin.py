"""Survey definitions through the admin API and the CLI: CRUD, activation, validation."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from supportdesk.catalog.snapshot import clear_cache
from supportdesk.cli import app
from supportdesk.config import get_settings
from supportdesk.surveys.responses import send_survey
from supportdesk.tenancy.service import issue_key
from supportdesk.tickets.service import NewTicket, create_ticket
from tests.factories import TenantFixture, bad_request, conflict, not_found

BASE = "/apis/admin/surveys"
DEMO_RECORD: dict[str, Any] = {
    "id": 1,
    "name": "Customer Satisfaction",
    "survey_type": "customer_satisfaction",
    "scale": 7,
    "rating_order": "good_to_bad",
    "neutral_type": "neutral",
    "scale_labels": {
        "3": "Extremely satisfied", "2": "Mostly satisfied", "1": "Slightly satisfied",
        "0": "Neither satisfied nor dissatisfied", "-1": "Slightly dissatisfied",
        "-2": "Mostly dissatisfied", "-3": "Extremely dissatisfied",
    },
    "questions": [
        "How would you rate our customer service?",
        "How would you rate our expertise?",
        "How would you rate your overall satisfaction with the help you've received?",
    ],
    "thankyou_text": "Thank you for your valuable feedback.",
    "include_additional_comments": True,
    "additional_comments_title": "Add any additional comments you may have about the "
                                 "support received.",
    "send_on": "resolve",
    "is_active": True,
    "created_at": "2026-01-05 09:00:00",
    "updated_at": "2026-01-05 09:00:00",
}
RECORD_KEYS = list(DEMO_RECORD)
STARS = {"name": "Stars", "survey_type": "five_star", "questions": ["Rate our support"]}


def post(client: TestClient, body: dict[str, Any]) -> Any:
    response = client.post(BASE, json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_list_get_and_create(client: TestClient, tenant: TenantFixture) -> None:
    assert client.get(BASE).json() == {"count": 1, "surveys": [DEMO_RECORD]}
    tenant.clock.advance(minutes=5)

    created = post(client, {**STARS, "send_on": "close", "thankyou_text": "",
                            "include_additional_comments": True})

    assert list(created) == RECORD_KEYS
    assert created == {
        "id": 2, "name": "Stars", "survey_type": "five_star", "scale": None,
        "rating_order": None, "neutral_type": None, "scale_labels": None,
        "questions": ["Rate our support"], "thankyou_text": None,
        "include_additional_comments": True,
        "additional_comments_title": DEMO_RECORD["additional_comments_title"],
        "send_on": "close", "is_active": False,
        "created_at": "2026-01-05 09:05:00", "updated_at": "2026-01-05 09:05:00",
    }
    assert client.get(f"{BASE}/2").json() == created
    assert client.get(BASE).json() == {"count": 2, "surveys": [DEMO_RECORD, created]}


def test_csat_scales_get_matching_default_labels(client: TestClient) -> None:
    expected = {
        2: {"3": "Satisfied", "-3": "Dissatisfied"},
        3: {"3": "Satisfied", "0": "Neither satisfied nor dissatisfied", "-3": "Dissatisfied"},
        4: {"3": "Extremely satisfied", "2": "Mostly satisfied", "-2": "Mostly dissatisfied",
            "-3": "Extremely dissatisfied"},
        5: {"3": "Extremely satisfied", "2": "Mostly satisfied",
            "0": "Neither satisfied nor dissatisfied", "-2": "Mostly dissatisfied",
            "-3": "Extremely dissatisfied"},
        6: {"3": "Extremely satisfied", "2": "Mostly satisfied", "1": "Slightly satisfied",
            "-1": "Slightly dissatisfied", "-2": "Mostly dissatisfied",
            "-3": "Extremely dissatisfied"},
        7: DEMO_RECORD["scale_labels"],
    }
    for scale, labels in expected.items():
        created = post(client, {"name": f"CSAT {scale}", "survey_type": "customer_satisfaction",
                                "scale": scale, "questions": ["Q1", "Q2"]})
        assert (created["scale"], created["scale_labels"], created["rating_order"],
                created["neutral_type"], created["additional_comments_title"]) == (
            scale, labels, "good_to_bad", "neutral", None)
        assert list(created["scale_labels"]) == list(labels)


def test_custom_labels_are_trimmed_and_kept_best_first(client: TestClient) -> None:
    created = post(client, {"name": "Smileys", "survey_type": "customer_satisfaction",
                            "scale": 3, "rating_order": "bad_to_good",
                            "neutral_type": "positive", "questions": ["How was it?"],
                            "scale_labels": {"-3": " :( ", "+3": ":)", "0": ":|"}})
    assert created["scale_labels"] == {"3": ":)", "0": ":|", "-3": ":("}
    assert (created["rating_order"], created["neutral_type"]) == ("bad_to_good", "positive")


CSAT = {"name": "CSAT", "survey_type": "customer_satisfaction", "questions": ["Q1"]}
SEVEN = {str(p): f"p{p}" for p in range(3, -4, -1)}
INVALID: list[tuple[dict[str, Any], str]] = [
    ({**STARS, "name": "  "}, "name is required and must not be empty"),
    ({"name": "X", "questions": ["Q"]}, "survey_type is required"),
    ({**STARS, "survey_type": "stars"},
     "survey_type: Input should be 'customer_satisfaction', 'five_star' or "
     "'net_promoter_score'"),
    ({**CSAT, "scale": 8}, "scale must be a whole number from 2 to 7, got 8"),
    ({**CSAT, "scale": 1}, "scale must be a whole number from 2 to 7, got 1"),
    ({**CSAT, "scale": "7"}, "scale: Input should be a valid integer"),
    ({**CSAT, "scale": 3, "scale_labels": SEVEN},
     "scale_labels must label exactly the points 3, 0, -3 of a 3-point scale, got 3, 2, 1, "
     "0, -1, -2, -3"),
    ({**CSAT, "scale": 2, "scale_labels": {"3": "Good"}},
     "scale_labels must label exactly the points 3, -3 of a 2-point scale, got 3"),
    ({**CSAT, "scale": 2, "scale_labels": {}},
     "scale_labels must label exactly the points 3, -3 of a 2-point scale, got none"),
    ({**CSAT, "scale_labels": {**SEVEN, "x": "?"}},
     "scale_labels: 'x' is not a rating point; points are whole numbers from -3 to 3"),
    ({**CSAT, "scale_labels": {**SEVEN, "+3": "again"}},
     "scale_labels: point 3 is labelled twice"),
    ({**CSAT, "scale_labels": {**SEVEN, "0": " "}},
     "scale_labels: the label of point 0 must not be empty"),
    ({**CSAT, "scale_labels": {**SEVEN, "0": "x" * 101}},
     "scale_labels.0: String should have at most 100 characters"),
    ({**CSAT, "questions": ["1", "2", "3", "4"]},
     "a customer_satisfaction survey has at most 3 questions, got 4"),
    ({**CSAT, "questions": []}, "questions is required: give at least one question"),
    ({**CSAT, "questions": None}, "questions is required: give at least one question"),
    ({"name": "X", "survey_type": "net_promoter_score"},
     "questions is required: give at least one question"),
    ({**CSAT, "questions": ["Q1", " "]}, "questions must not contain an empty question"),
    ({**CSAT, "questions": ["x" * 501]}, "questions.0: String should have at most 500 characters"),
    ({**STARS, "questions": ["a", "b"]}, "a five_star survey has exactly one question, got 2"),
    ({**STARS, "scale": 5}, "scale applies only to customer_satisfaction surveys, not to "
                            "five_star"),
    ({**STARS, "survey_type": "net_promoter_score", "neutral_type": "neutral"},
     "neutral_type applies only to customer_satisfaction surveys, not to net_promoter_score"),
    ({**STARS, "scale_labels": {"3": "a"}},
     "scale_labels applies only to customer_satisfaction surveys, not to five_star"),
    ({**STARS, "send_on": "reopen"}, "send_on: Input should be 'resolve' or 'close'"),
    ({**STARS, "colour": "blue"}, "colour is not a known field"),
    ({**STARS, "name": "n" * 201}, "name: String should have at most 200 characters"),
    ({**STARS, "name": "a\x00b"}, "name: must not contain NUL characters"),
    ({**STARS, "is_active": "yes"}, "is_active: Input should be a valid boolean"),
    ({**STARS, "include_additional_comments": 1},
     "include_additional_comments: Input should be a valid boolean"),
]


@pytest.mark.parametrize(("body", "message"), INVALID)
def test_invalid_definitions_are_400(client: TestClient, body: dict[str, Any],
                                     message: str) -> None:
    response = client.post(BASE, json=body)
    assert (response.status_code, response.json()) == (400, bad_request(message))
    assert client.get(BASE).json()["count"] == 1


def test_names_are_unique_in_any_case(client: TestClient) -> None:
    post(client, STARS)
    response = client.post(BASE, json={**STARS, "name": " customer SATISFACTION "})
    assert (response.status_code, response.json()) == (
        409, conflict("a survey named 'customer SATISFACTION' already exists"))
    response = client.patch(f"{BASE}/2", json={"name": "Customer satisfaction"})
    assert (response.status_code, response.json()) == (
        409, conflict("a survey named 'Customer satisfaction' already exists"))
    renamed = client.patch(f"{BASE}/2", json={"name": "STARS"})
    assert (renamed.status_code, renamed.json()["name"]) == (200, "STARS")


def test_patch_changes_only_what_is_sent(client: TestClient, tenant: TenantFixture) -> None:
    tenant.clock.advance(hours=1)
    response = client.patch(f"{BASE}/1", json={"questions": ["Only one?"], "send_on": "close",
                                               "thankyou_text": "Bye"})
    assert response.status_code == 200, response.text
    assert response.json() == {**DEMO_RECORD, "questions": ["Only one?"], "send_on": "close",
                               "thankyou_text": "Bye", "updated_at": "2026-01-05 10:00:00"}

    smaller = client.patch(f"{BASE}/1", json={"scale": 2}).json()
    assert (smaller["scale"], smaller["scale_labels"]) == (
        2, {"3": "Satisfied", "-3": "Dissatisfied"})
    relabelled = client.patch(f"{BASE}/1", json={"scale": 3, "scale_labels": {
        "3": "Yes", "0": "Meh", "-3": "No"}}).json()
    assert relabelled["scale_labels"] == {"3": "Yes", "0": "Meh", "-3": "No"}

    nps = client.patch(f"{BASE}/1", json={"survey_type": "net_promoter_score"}).json()
    assert {k: nps[k] for k in ("survey_type", "scale", "rating_order", "neutral_type",
                                "scale_labels", "questions")} == {
        "survey_type": "net_promoter_score", "scale": None, "rating_order": None,
        "neutral_type": None, "scale_labels": None, "questions": ["Only one?"]}
    back = client.patch(f"{BASE}/1", json={"survey_type": "customer_satisfaction"}).json()
    assert (back["scale"], back["neutral_type"], back["scale_labels"]) == (
        7, "neutral", DEMO_RECORD["scale_labels"])


def test_patch_errors(client: TestClient, tenant: TenantFixture) -> None:
    cases = [
        ({"questions": ["1", "2", "3", "4"]},
         "a customer_satisfaction survey has at most 3 questions, got 4"),
        ({"survey_type": "five_star"}, "a five_star survey has exactly one question, got 3"),
        ({"survey_type": None}, "survey_type is required: one of customer_satisfaction, "
                                "five_star, net_promoter_score"),
        ({"name": None}, "name is required and must not be empty"),
        ({"scale_labels": {"3": "only"}},
         "scale_labels must label exactly the points 3, 2, 1, 0, -1, -2, -3 of a 7-point "
         "scale, got 3"),
        ({"id": 5}, "id is not a known field"),
    ]
    for body, message in cases:
        response = client.patch(f"{BASE}/1", json=body)
        assert (response.status_code, response.json()) == (400, bad_request(message)), body
    assert client.get(f"{BASE}/1").json() == DEMO_RECORD

    with tenant.unit() as unit:
        number = create_ticket(unit, NewTicket(contact_email="a@example.com",
                                               subject="Hi")).ticket.number
        send_survey(unit, ticket_number=number)
    for body in ({"scale": 5}, {"survey_type": "five_star", "questions": ["One"]}):
        response = client.patch(f"{BASE}/1", json=body)
        assert (response.status_code, response.json()) == (409, conflict(
            "survey 'Customer Satisfaction' has already been sent on tickets, so its "
            "survey_type and scale cannot change; create a new survey instead"))
    assert client.patch(f"{BASE}/1", json={"scale": 7, "neutral_type": "negative"}) \
        .json()["neutral_type"] == "negative"


def test_only_one_survey_is_active(client: TestClient) -> None:
    def active() -> list[str]:
        return [s["name"] for s in client.get(BASE).json()["surveys"] if s["is_active"]]

    post(client, STARS)
    assert active() == ["Customer Satisfaction"]
    response = client.post(f"{BASE}/2/activate")
    assert (response.status_code, response.json()["is_active"]) == (200, True)
    assert active() == ["Stars"]
    assert post(client, {**STARS, "name": "Newest", "is_active": True})["is_active"] is True
    assert active() == ["Newest"]
    assert client.patch(f"{BASE}/1", json={"is_active": True}).json()["is_active"] is True
    assert active() == ["Customer Satisfaction"]
    assert client.patch(f"{BASE}/1", json={"is_active": False}).json()["is_active"] is False
    assert active() == []


def test_delete_is_soft_and_frees_the_name(client: TestClient) -> None:
    response = client.delete(f"{BASE}/1")
    assert (response.status_code, response.content) == (204, b"")
    for method in ("GET", "PATCH", "DELETE"):
        response = client.request(method, f"{BASE}/1", json={} if method == "PATCH" else None)
        assert (response.status_code, response.json()) == (
            404, not_found("survey 1 does not exist")), method
    response = client.post(f"{BASE}/1/activate")
    assert (response.status_code, response.json()) == (404, not_found("survey 1 does not exist"))
    assert client.get(BASE).json() == {"count": 0, "surveys": []}
    v3 = client.get("/apis/v3/surveys").json()["surveys"]
    assert [(s["survey_name"], s["is_deleted"], s["is_active"]) for s in v3] == [
        ("Customer Satisfaction", True, False)]
    assert post(client, {**STARS, "name": "Customer Satisfaction"})["id"] == 2


@pytest.mark.parametrize(("path", "message"), [
    ("abc", "survey_id: Input should be a valid integer, unable to parse string as an "
            "integer"),
    ("0", "survey_id: Input should be greater than or equal to 1"),
    ("99999999999999999999", "survey_id: Input should be less than or equal to "
                             "9007199254740992"),
])
def test_bad_survey_ids_are_400(client: TestClient, path: str, message: str) -> None:
    response = client.get(f"{BASE}/{path}")
    assert (response.status_code, response.json()) == (400, bad_request(message))


def test_admin_api_needs_an_admin_key(client: TestClient, tenant: TenantFixture) -> None:
    with tenant.database.session(write=True) as session:
        key = issue_key(session, tenant_id=tenant.tenant_id, label="plain", is_admin=False,
                        clock=tenant.clock)
        session.commit()
    client.headers["Authorization"] = key.secret
    forbidden = {"status": 403, "error": "Forbidden",
                 "message": "this operation needs an administrator API key "
                            "(supportdesk apikey create --admin)"}
    for method, path, body in [("GET", BASE, None), ("POST", BASE, STARS),
                               ("GET", f"{BASE}/1", None), ("PATCH", f"{BASE}/1", {}),
                               ("DELETE", f"{BASE}/1", None),
                               ("POST", f"{BASE}/1/activate", None)]:
        response = client.request(method, path, json=body)
        assert (response.status_code, response.json()) == (403, forbidden), (method, path)
    # The plain key still reads the v3 survey endpoints.
    assert client.get("/apis/v3/surveys").json()["count"] == 1
    del client.headers["Authorization"]
    response = client.get(BASE)
    assert response.status_code == 401


def test_other_tenants_surveys_are_404(client: TestClient, other_tenant: TenantFixture,
                                       app_client: TestClient) -> None:
    theirs = app_client.post(BASE, json=STARS, headers={"Authorization": other_tenant.key,
                                                        "Host": other_tenant.host})
    assert (theirs.status_code, theirs.json()["id"]) == (201, 2)
    for method in ("GET", "PATCH", "DELETE"):
        response = client.request(method, f"{BASE}/2", json={} if method == "PATCH" else None)
        assert (response.status_code, response.json()) == (
            404, not_found("survey 2 does not exist")), method
    assert client.post(f"{BASE}/2/activate").status_code == 404
    assert client.get(BASE).json() == {"count": 1, "surveys": [DEMO_RECORD]}
    # Activating acme's survey leaves globex's active survey alone.
    client.patch(f"{BASE}/1", json={"is_active": False})
    client.post(f"{BASE}/1/activate")
    globex = app_client.get(BASE, headers={"Authorization": other_tenant.key,
                                           "Host": other_tenant.host}).json()
    assert [(s["id"], s["is_active"]) for s in globex["surveys"]] == [(1, True), (2, False)]


# --- CLI ---------------------------------------------------------------------------


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """A migrated SQLite file with tenants acme (no demo) and globex, for the CLI."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("SUPPORTDESK_DATABASE_URL", url)
    monkeypatch.setenv("SUPPORTDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SUPPORTDESK_BASE_DOMAIN", "localhost")
    get_settings.cache_clear()
    clear_cache()
    runner = CliRunner()
    for command in (["migrate"], ["tenant", "create", "acme"], ["tenant", "create", "globex"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 0, result.output
    yield runner
    get_settings.cache_clear()
    clear_cache()


def run(runner: CliRunner, *args: str, input_text: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, ["survey", *args], input=input_text)
    return result.exit_code, result.stdout, result.stderr


def test_cli_create_list_activate_delete(cli: CliRunner, tmp_path: Path) -> None:
    definition = tmp_path / "csat.json"
    definition.write_text(json.dumps({"name": "Happiness", "survey_type":
                                      "customer_satisfaction", "scale": 5,
                                      "questions": ["How happy are you?"]}))

    assert run(cli, "list", "--tenant", "acme")[:2] == (
        0, "  ID ACTIVE TYPE                   SEND ON  CREATED             NAME\n")
    assert run(cli, "create", "--tenant", "acme", "--file", str(definition)) == (
        0, "survey 'Happiness' created (id 1)\n", "")
    assert run(cli, "create", "--tenant", "acme", "--name", "Stars", "--type", "five_star",
               "--question", "Stars?", "--send-on", "close", "--comments-title", "Why?",
               "--active") == (0, "survey 'Stars' created (id 2), active\n", "")
    assert run(cli, "create", "--tenant", "acme", "--file", "-", "--name", "From stdin",
               input_text=json.dumps({"name": "ignored", "survey_type": "net_promoter_score",
                                      "questions": ["Recommend us?"]}))[:2] == (
        0, "survey 'From stdin' created (id 3)\n")

    code, out, _ = run(cli, "list", "--tenant", "acme")
    rows = [[*line.split()[:4], line.split(maxsplit=6)[-1]] for line in out.splitlines()[1:]]
    assert (code, rows) == (0, [
        ["1", "no", "customer_satisfaction", "resolve", "Happiness"],
        ["2", "yes", "five_star", "close", "Stars"],
        ["3", "no", "net_promoter_score", "resolve", "From stdin"],
    ])
    assert run(cli, "activate", "--tenant", "acme", "happiness") == (
        0, "survey 'Happiness' is now the active survey\n", "")
    assert run(cli, "delete", "--tenant", "acme", "Stars") == (0, "survey 'Stars' deleted\n", "")
    code, out, _ = run(cli, "list", "--tenant", "acme")
    assert [line.split()[:2] for line in out.splitlines()[1:]] == [["1", "yes"], ["3", "no"]]
    assert run(cli, "list", "--tenant", "globex")[1].count("\n") == 1


def test_cli_errors(cli: CliRunner, tmp_path: Path) -> None:
    bad_json = tmp_path / "bad.json"
    bad_json.write_text("{nope")
    array = tmp_path / "array.json"
    array.write_text("[]")
    cases = [
        (["create", "--tenant", "acme", "--name", "X", "--type", "stars", "--question", "Q"],
         "error: survey_type: Input should be 'customer_satisfaction', 'five_star' or "
         "'net_promoter_score'\n"),
        (["create", "--tenant", "acme", "--name", "X", "--type", "five_star"],
         "error: questions is required: give at least one question\n"),
        (["create", "--tenant", "acme", "--name", "X", "--type", "customer_satisfaction",
          "--question", "Q", "--scale", "9"],
         "error: scale must be a whole number from 2 to 7, got 9\n"),
        (["create", "--tenant", "acme", "--file", str(tmp_path / "missing.json")],
         f"error: cannot read {tmp_path / 'missing.json'}: No such file or directory\n"),
        (["create", "--tenant", "acme", "--file", str(array)],
         f"error: {array} must hold a JSON object\n"),
        (["activate", "--tenant", "acme", "Nope"], "error: no survey named 'Nope' exists\n"),
        (["delete", "--tenant", "acme", "Nope"], "error: no survey named 'Nope' exists\n"),
        (["list", "--tenant", "nope"], "error: no tenant with subdomain 'nope'\n"),
    ]
    for args, message in cases:
        assert run(cli, *args) == (1, "", message), args
    code, out, err = run(cli, "create", "--tenant", "acme", "--file", str(bad_json))
    assert (code, out, err.startswith(f"error: {bad_json} is not valid JSON: ")) == (
        1, "", True)
    assert run(cli, "create", "--tenant", "acme", "--name", "Twice", "--type", "five_star",
               "--question", "Q")[0] == 0
    assert run(cli, "create", "--tenant", "acme", "--name", "twice", "--type", "five_star",
               "--question", "Q") == (1, "", "error: a survey named 'twice' already exists\n")
