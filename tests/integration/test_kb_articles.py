"""``kb/article``: the title list, create, details, update and delete, addressed by title."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy import update as update_rows

from supportdesk.clock import FixedClock
from supportdesk.kb.models import KbArticle
from supportdesk.kb.schemas import ArticleUpdate
from supportdesk.text import sanitize_html
from tests.factories import TenantFixture, bad_request, conflict, not_found

ARTICLE_KEYS = {"article_title", "article_content", "article_content_text", "category_name",
                "folder_name", "has_attachments", "attachments", "created_by_email",
                "updated_by_email", "created_on", "updated_on", "article_views",
                "article_likes", "article_dislikes", "status", "agent_url", "support_url"}
CREATED = "2026-01-05 09:00:00"
DEFAULT_AUTHOR = "alex.morgan@demo.example"
DELETED = {"message": "KB Article successfully deleted."}
STATUS_CHOICES = "0 (draft) or 1 (published)"


def article(title: str, article_id: int = 1, **fields: Any) -> dict[str, Any]:
    """The expected body of an article: every key, defaults for the rest."""
    body: dict[str, Any] = {
        "article_title": title, "article_content": None, "article_content_text": None,
        "category_name": "Help Center", "folder_name": "User Guides",
        "has_attachments": False, "attachments": [],
        "created_by_email": DEFAULT_AUTHOR, "updated_by_email": DEFAULT_AUTHOR,
        "created_on": CREATED, "updated_on": CREATED,
        "article_views": 0, "article_likes": 0, "article_dislikes": 0, "status": 0,
        "agent_url": f"http://acme.localhost/app/kbase/kb-article?articleId={article_id}",
        "support_url": f"http://acme.localhost/support/sp-article?articleId={article_id}",
    }
    body.update(fields)
    assert set(body) == ARTICLE_KEYS
    return body


@pytest.fixture
def shelves(client: TestClient) -> None:
    """Help Center/{User Guides, Setup} and Billing/{User Guides}."""
    for category in ("Help Center", "Billing"):
        assert client.post("/apis/v3/kb/category/create",
                           json={"category_name": category}).status_code == 200
    for category, name in (("Help Center", "User Guides"), ("Help Center", "Setup"),
                           ("Billing", "User Guides")):
        assert client.post("/apis/v3/kb/folder/create", json={
            "category_name": category, "folder_name": name}).status_code == 200


def make_article(client: TestClient, title: str, **fields: Any) -> dict[str, Any]:
    body = {"article_title": title, "category_name": "Help Center",
            "folder_name": "User Guides", **fields}
    response = client.post("/apis/v3/kb/article/create", json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def details(client: TestClient, title: str) -> Any:
    return client.get("/apis/v3/kb/article/details", params={"article_name": title})


def update(client: TestClient, title: str, **fields: Any) -> Any:
    return client.put("/apis/v3/kb/article/update", params={"article_name": title}, json=fields)


def titles(client: TestClient, path: str = "/apis/v3/kb/article/") -> Any:
    response = client.get(path)
    assert response.status_code == 200, response.text
    return response.json()


# --- create and details ----------------------------------------------------


@pytest.mark.usefixtures("shelves")
def test_create_with_every_field(client: TestClient) -> None:
    response = client.post("/apis/v3/kb/article/create", json={
        "article_title": "How to use the Help Center",
        "article_content": "<p>This article explains <b>how</b>.</p><p>Second ✓</p>",
        "category_name": "help center", "folder_name": "user guides",
        "created_by_email": "priya.shah@demo.example", "status": 1,
    })
    expected = article(
        "How to use the Help Center",
        article_content="<p>This article explains <b>how</b>.</p><p>Second ✓</p>",
        article_content_text="This article explains how.\nSecond ✓",
        created_by_email="priya.shah@demo.example", updated_by_email="priya.shah@demo.example",
        status=1,
    )
    assert (response.status_code, response.json()) == (200, expected)
    assert details(client, "HOW TO USE THE HELP CENTER").json() == expected


@pytest.mark.usefixtures("shelves")
def test_create_with_only_the_required_fields_is_an_empty_draft(client: TestClient) -> None:
    assert make_article(client, " Draft ") == article("Draft")
    assert make_article(client, "Second", article_content="", status="0") == article(
        "Second", article_id=2)


@pytest.mark.usefixtures("shelves")
def test_article_html_is_sanitized_and_the_text_derived(client: TestClient) -> None:
    dangerous = ('<p onclick="steal()">Hello <b>world</b></p><script>alert(1)</script>'
                 '<img src="x.png" onerror="alert(2)"><a href="javascript:alert(3)">click</a>'
                 '<a href="https://example.com">ok</a><iframe src="https://evil"></iframe>')
    safe = ('<p>Hello <b>world</b></p><img src="x.png"><a rel="noopener noreferrer nofollow">'
            'click</a><a href="https://example.com" rel="noopener noreferrer nofollow">ok</a>')
    created = make_article(client, "XSS", article_content=dangerous)
    assert (created["article_content"], created["article_content_text"]) == (
        safe, "Hello world\nclickok")
    assert details(client, "XSS").json() == created
    for marker in ("script", "onerror", "onclick", "javascript:", "iframe"):
        assert marker not in created["article_content"]
    updated = update(client, "XSS", article_content='<div onmouseover="x()">Only <i>this</i>'
                     '</div><script>document.cookie</script>').json()
    assert (updated["article_content"], updated["article_content_text"]) == (
        "<div>Only <i>this</i></div>", "Only this")


@pytest.mark.usefixtures("shelves")
def test_content_that_is_nothing_but_script_is_stored_as_null(client: TestClient) -> None:
    body = make_article(client, "Empty", article_content="<script>alert(1)</script>")
    assert (body["article_content"], body["article_content_text"]) == (None, None)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("<>/=\"' abcjvsript:onerrfimg&;")), max_size=80))
def test_sanitized_html_never_keeps_scripts_or_handlers(fragment: str) -> None:
    cleaned = sanitize_html(fragment)
    lowered = cleaned.lower()
    assert "<script" not in lowered
    assert "onerror=" not in lowered
    assert 'href="javascript:' not in lowered
    assert sanitize_html(cleaned) == cleaned  # idempotent: stored HTML is already clean


@pytest.mark.usefixtures("shelves")
@pytest.mark.parametrize(("fields", "status", "message"), [
    ({"status": 2}, 400, f"status: must be {STATUS_CHOICES}, got 2"),
    ({"status": "published"}, 400, "status: must be a whole number, got 'published'"),
    ({"status": False}, 400, "status: must be a number, not true or false"),
    ({"article_title": "t" * 256}, 400,
     "article_title: String should have at most 255 characters"),
    ({"article_title": "  "}, 400, "article_title is required and must not be empty"),
    ({"article_content": "x" * 1_000_001}, 400,
     "article_content: String should have at most 1000000 characters"),
    ({"article_content": "bad \x00 byte"}, 400,
     "article_content: must not contain NUL characters"),
    ({"category_name": "Nowhere"}, 404, "no KB category named 'Nowhere' exists"),
    ({"folder_name": "Nowhere"}, 404,
     "no folder named 'Nowhere' exists in the KB category 'Help Center'"),
    ({"category_name": "Billing", "folder_name": "Setup"}, 404,
     "no folder named 'Setup' exists in the KB category 'Billing'"),
    ({"created_by_email": "ghost@demo.example"}, 400,
     "created_by_email: no active agent with email 'ghost@demo.example'"),
    ({"attachments": []}, 400, "attachments is not a known field"),
])
def test_bad_create(client: TestClient, tenant: TenantFixture, fields: dict[str, Any],
                    status: int, message: str) -> None:
    body = {"article_title": "New", "category_name": "Help Center",
            "folder_name": "User Guides", **fields}
    response = client.post("/apis/v3/kb/article/create", json=body)
    assert response.status_code == status
    assert response.json()["message"] == message
    with tenant.unit(write=False) as unit:
        assert unit.session.scalar(select(func.count()).select_from(KbArticle)) == 0


@pytest.mark.usefixtures("shelves")
def test_create_needs_title_category_and_folder(client: TestClient) -> None:
    response = client.post("/apis/v3/kb/article/create", json={"article_title": "X"})
    assert (response.status_code, response.json()) == (400, bad_request(
        "category_name is required; folder_name is required"))


@pytest.mark.usefixtures("shelves")
def test_duplicate_title_is_409_whatever_the_folder(client: TestClient) -> None:
    make_article(client, "Reset your password")
    response = client.post("/apis/v3/kb/article/create", json={
        "article_title": "RESET your password", "category_name": "Billing",
        "folder_name": "User Guides"})
    assert (response.status_code, response.json()) == (409, conflict(
        "a KB article titled 'RESET your password' already exists"))


def test_details_of_an_unknown_article_is_404(client: TestClient) -> None:
    response = details(client, "Nope")
    assert (response.status_code, response.json()) == (404, not_found(
        "no KB article titled 'Nope' exists"))
    response = client.get("/apis/v3/kb/article/details")
    assert (response.status_code, response.json()) == (400, bad_request(
        "article_name is required"))


@pytest.mark.usefixtures("shelves")
def test_urls_follow_the_host_and_scheme_of_the_request(client: TestClient,
                                                        tenant: TenantFixture) -> None:
    make_article(client, "Links")
    response = client.get("https://acme.localhost/apis/v3/kb/article/details",
                          params={"article_name": "Links"})
    body = response.json()
    assert (body["agent_url"], body["support_url"]) == (
        "https://acme.localhost/app/kbase/kb-article?articleId=1",
        "https://acme.localhost/support/sp-article?articleId=1")


# --- list of titles -------------------------------------------------------


@pytest.mark.usefixtures("shelves")
def test_only_published_titles_are_listed_a_to_z(client: TestClient) -> None:
    assert titles(client) == {"count": 0, "article_titles": []}
    make_article(client, "zebra crossing", status=1)
    make_article(client, "Draft only")
    make_article(client, "Apple", status=1, folder_name="Setup")
    make_article(client, "banana", status=1, category_name="Billing")
    expected = {"count": 3, "article_titles": ["Apple", "banana", "zebra crossing"]}
    assert titles(client) == expected
    assert titles(client, "/apis/v3/kb/article") == expected  # no redirect without the slash
    update(client, "Draft only", status=1)
    update(client, "Apple", status=0)
    assert titles(client) == {"count": 3, "article_titles": ["banana", "Draft only",
                                                             "zebra crossing"]}


# --- update ---------------------------------------------------------------


@pytest.mark.usefixtures("shelves")
def test_update_changes_only_the_fields_sent(client: TestClient, clock: FixedClock) -> None:
    make_article(client, "Old title", article_content="<p>Body</p>",
                 created_by_email="sam.oduya@demo.example")
    clock.advance(minutes=90)
    response = update(client, "old title", article_title="New title", status=1)
    expected = article("New title", article_content="<p>Body</p>",
                       article_content_text="Body", created_by_email="sam.oduya@demo.example",
                       updated_by_email=DEFAULT_AUTHOR, updated_on="2026-01-05 10:30:00",
                       status=1)
    assert (response.status_code, response.json()) == (200, expected)
    assert details(client, "New title").json() == expected
    assert details(client, "Old title").status_code == 404


@pytest.mark.usefixtures("shelves")
def test_views_likes_and_dislikes_each_land_in_their_own_field(
        client: TestClient, tenant: TenantFixture, clock: FixedClock) -> None:
    make_article(client, "Counted", status=1)
    # The portals count these; the API has no way to set them.
    with tenant.unit() as unit:
        unit.session.execute(update_rows(KbArticle).where(KbArticle.title == "Counted")
                             .values(view_count=150, like_count=45, dislike_count=3))
        unit.commit()
    expected = article("Counted", status=1, article_views=150, article_likes=45,
                       article_dislikes=3)
    assert details(client, "counted").json() == expected

    clock.advance(minutes=5)
    response = update(client, "Counted", article_content="<p>Now with steps</p>")
    assert (response.status_code, response.json()) == (200, {
        **expected, "article_content": "<p>Now with steps</p>",
        "article_content_text": "Now with steps", "updated_on": "2026-01-05 09:05:00"})


@pytest.mark.usefixtures("shelves")
def test_update_moves_the_article(client: TestClient) -> None:
    make_article(client, "Moving")
    # folder_name alone: a folder of the current category.
    assert update(client, "Moving", folder_name="setup").json()["folder_name"] == "Setup"
    # category_name alone: the folder of the same name there.
    response = update(client, "Moving", category_name="Billing")
    assert (response.status_code, response.json()["message"]) == (
        404, "no folder named 'Setup' exists in the KB category 'Billing'")
    body = update(client, "Moving", category_name="Billing", folder_name="User Guides").json()
    assert (body["category_name"], body["folder_name"]) == ("Billing", "User Guides")
    body = update(client, "Moving", category_name="Help Center").json()
    assert (body["category_name"], body["folder_name"]) == ("Help Center", "User Guides")


@pytest.mark.usefixtures("shelves")
def test_update_clears_the_content_with_an_empty_string(client: TestClient) -> None:
    make_article(client, "Doc", article_content="<p>x</p>")
    body = update(client, "Doc", article_content="").json()
    assert (body["article_content"], body["article_content_text"]) == (None, None)


@pytest.mark.usefixtures("shelves")
@pytest.mark.parametrize(("fields", "status", "message"), [
    ({"article_title": "Other"}, 409, "a KB article titled 'Other' already exists"),
    ({"article_title": None}, 400, "article_title is required and must not be empty"),
    ({"status": None}, 400, "status must not be null or empty"),
    ({"status": -1}, 400, f"status: must be {STATUS_CHOICES}, got -1"),
    ({"folder_name": "Nowhere"}, 404,
     "no folder named 'Nowhere' exists in the KB category 'Help Center'"),
    ({"category_name": ""}, 400, "category_name is required and must not be empty"),
    ({"created_by_email": DEFAULT_AUTHOR}, 400, "created_by_email is not a known field"),
])
def test_bad_update_changes_nothing(client: TestClient, fields: dict[str, Any], status: int,
                                    message: str) -> None:
    make_article(client, "Other")
    before = make_article(client, "Doc", article_content="<p>x</p>")
    response = update(client, "Doc", **{"article_content": "<p>changed</p>", **fields})
    assert response.status_code == status
    assert response.json()["message"] == message
    assert details(client, "Doc").json() == before


def test_update_of_an_unknown_article_is_404(client: TestClient) -> None:
    response = update(client, "Nope", status=1)
    assert (response.status_code, response.json()) == (404, not_found(
        "no KB article titled 'Nope' exists"))


def test_update_body_fields_match_the_vendor_model() -> None:
    assert set(ArticleUpdate.model_fields) == {"article_title", "article_content",
                                               "category_name", "folder_name", "status"}


# --- delete ---------------------------------------------------------------


@pytest.mark.usefixtures("shelves")
def test_delete(client: TestClient) -> None:
    make_article(client, "Gone soon", status=1)
    response = client.delete("/apis/v3/kb/article/delete", params={"article_name": "GONE SOON"})
    assert (response.status_code, response.json()) == (200, DELETED)
    assert details(client, "Gone soon").status_code == 404
    assert titles(client) == {"count": 0, "article_titles": []}
    response = client.delete("/apis/v3/kb/article/delete", params={"article_name": "Gone soon"})
    assert (response.status_code, response.json()) == (404, not_found(
        "no KB article titled 'Gone soon' exists"))
    # Its folder is empty again and can be deleted.
    assert client.delete("/apis/v3/kb/folder/delete", params={
        "category_name": "Help Center", "folder_name": "User Guides"}).status_code == 200


def test_delete_without_a_title_is_400(client: TestClient) -> None:
    response = client.delete("/apis/v3/kb/article/delete")
    assert (response.status_code, response.json()) == (400, bad_request(
        "article_name is required"))


# --- tenants --------------------------------------------------------------


def test_another_tenant_cannot_reach_the_article(app_client: TestClient, tenant: TenantFixture,
                                                 other_tenant: TenantFixture) -> None:
    acme = {"Authorization": tenant.key, "Host": tenant.host}
    globex = {"Authorization": other_tenant.key, "Host": other_tenant.host}
    for url, body in [
        ("/apis/v3/kb/category/create", {"category_name": "Help Center"}),
        ("/apis/v3/kb/folder/create", {"category_name": "Help Center",
                                       "folder_name": "User Guides"}),
        ("/apis/v3/kb/article/create", {"article_title": "Acme secret", "status": 1,
                                        "category_name": "Help Center",
                                        "folder_name": "User Guides"}),
    ]:
        assert app_client.post(url, headers=acme, json=body).status_code == 200
    params = {"article_name": "Acme secret"}
    missing = not_found("no KB article titled 'Acme secret' exists")
    requests: list[tuple[str, str, dict[str, Any]]] = [
        ("get", "/apis/v3/kb/article/details", {}),
        ("put", "/apis/v3/kb/article/update", {"json": {"article_content": "pwned"}}),
        ("delete", "/apis/v3/kb/article/delete", {}),
    ]
    for method, url, kwargs in requests:
        response = app_client.request(method, url, params=params, headers=globex, **kwargs)
        assert (response.status_code, response.json()) == (404, missing), url
    listed = app_client.get("/apis/v3/kb/article/", headers=globex)
    assert listed.json() == {"count": 0, "article_titles": []}
    acme_view = app_client.get("/apis/v3/kb/article/details", params=params, headers=acme)
    assert acme_view.json() == article("Acme secret", status=1)
