"""``kb/article``: knowledge base articles, addressed by ``article_name`` (the title)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from supportdesk.api.deps import ReadUnit, WriteUnit
from supportdesk.api.v3 import params
from supportdesk.api.v3.docs import READ_ERRORS, WRITE_ERRORS
from supportdesk.api.v3.kb_wire import (
    ARTICLE_DELETED,
    ARTICLE_EXAMPLE,
    ARTICLE_TITLES_EXAMPLE,
    article_body,
    article_titles_body,
)
from supportdesk.api.v3.wire import json_response
from supportdesk.kb.articles import (
    create_article,
    delete_article,
    get_article,
    list_published_titles,
    update_article,
)
from supportdesk.kb.schemas import ArticleCreate, ArticleUpdate

router = APIRouter(tags=["09. KB Articles"])

ArticleName = Annotated[str | None, Query(description="The name (title) of the article.")]
_STATUS = ('For "status": 0 - "Draft", 1 - "Published". Inline images are not supported '
           "through API request; the HTML is sanitized before it is stored.")


def _ok(description: str, example: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    return {200: {"description": description,
                  "content": {"application/json": {"example": example}}}}


def _base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.get(
    "/kb/article/",
    operation_id="GetAllArticleTitles",
    summary="List All Articles",
    description="Get a list of all the live (published) KB article titles, A to Z.",
    responses={**_ok("Successfully retrieved article titles", ARTICLE_TITLES_EXAMPLE),
               **READ_ERRORS},
)
def get_kb_article_titles(unit: ReadUnit) -> Response:
    """Titles of every published article."""
    return json_response(article_titles_body(list_published_titles(unit)))


# The same list without the trailing slash, answered directly rather than redirected.
router.add_api_route("/kb/article", get_kb_article_titles, methods=["GET"],
                     include_in_schema=False)


@router.get(
    "/kb/article/details",
    operation_id="GetArticleDetails",
    summary="Get Article Details",
    description="Get article details for a given article name (drafts too). " + _STATUS,
    responses={**_ok("Successfully retrieved article details", ARTICLE_EXAMPLE),
               **READ_ERRORS},
)
def get_kb_article(request: Request, unit: ReadUnit,
                   article_name: ArticleName = None) -> Response:
    """The article with this title."""
    title = params.required_text(article_name, "article_name")
    return json_response(article_body(get_article(unit, title=title), _base_url(request)))


@router.post(
    "/kb/article/create",
    operation_id="CreateKBArticle",
    summary="Add a KB Article",
    description=_STATUS,
    responses={**_ok("Successfully created KB article", ARTICLE_EXAMPLE), **WRITE_ERRORS},
)
def post_kb_article(request: Request, unit: WriteUnit, body: ArticleCreate) -> Response:
    """Write an article into a folder; a draft unless status is 1."""
    return json_response(article_body(create_article(unit, data=body), _base_url(request)))


@router.put(
    "/kb/article/update",
    operation_id="UpdateKBCategory_1",
    summary="Update KB Article",
    description="Article properties that are not part of the request body will not be "
    "changed. " + _STATUS,
    responses={**_ok("Successfully updated KB article", ARTICLE_EXAMPLE), **WRITE_ERRORS},
)
def put_kb_article(request: Request, unit: WriteUnit, body: ArticleUpdate,
                   article_name: ArticleName = None) -> Response:
    """Change only the fields sent; category_name/folder_name move the article."""
    title = params.required_text(article_name, "article_name")
    return json_response(article_body(update_article(unit, title=title, changes=body),
                                      _base_url(request)))


@router.delete(
    "/kb/article/delete",
    operation_id="DeleteKBArticle",
    summary="Delete KB Article",
    description="Delete KB Article with the given article name.",
    responses={**_ok("Successfully deleted KB article", ARTICLE_DELETED), **WRITE_ERRORS},
)
def delete_kb_article(unit: WriteUnit, article_name: ArticleName = None) -> Response:
    """Delete the article with this title."""
    delete_article(unit, title=params.required_text(article_name, "article_name"))
    return json_response(ARTICLE_DELETED)
