"""The knowledge base on the wire: Desk365 field names, key order and portal links.

Folder responses follow the vendor's ``KBFolderDetailsModel`` to the letter:
the folder's own name is ``category_name`` and its category is
``parent_category_name``. Articles carry ``agent_url`` and ``support_url``,
built from the scheme and host the request came to, like ``attachment_url``.
"""

from __future__ import annotations

from typing import Any

from supportdesk.api.v3.wire import wire_time
from supportdesk.kb.schemas import ArticleRead, ArticleTitles, CategoryRead, FolderRead

CATEGORY_DELETED = {"message": "KB Category successfully deleted."}
FOLDER_DELETED = {"message": "KB Folder successfully deleted."}
ARTICLE_DELETED = {"message": "KB Article successfully deleted."}


def category_body(category: CategoryRead) -> dict[str, Any]:
    """``KBCategoryDetailsModel``: details, create and update responses."""
    return {
        "category_name": category.name,
        "category_description": category.description,
        "created_by_email": category.created_by_email,
        "created_on": wire_time(category.created_at),
        "support_portal_visibility": category.portal_visibility,
        "company_list": list(category.company_names),
        "agent_portal_visibility": category.agent_visibility,
        "agent_group_list": list(category.group_names),
        "category_order": category.position,
    }


def folder_body(folder: FolderRead) -> dict[str, Any]:
    """``KBFolderDetailsModel``: ``category_name`` is the folder's own name."""
    return {
        "category_name": folder.name,
        "parent_category_name": folder.category_name,
        "created_by_email": folder.created_by_email,
        "created_on": wire_time(folder.created_at),
    }


def article_urls(base_url: str, article_id: int) -> tuple[str, str]:
    """The article's agent portal and support portal links."""
    return (f"{base_url}/app/kbase/kb-article?articleId={article_id}",
            f"{base_url}/support/sp-article?articleId={article_id}")


def article_body(article: ArticleRead, base_url: str) -> dict[str, Any]:
    """``KBArticleDetailsModel``: details, create and update responses.

    Articles have no attachments through the API (the vendor does not take
    inline images or files there), so ``attachments`` is always empty.
    """
    agent_url, support_url = article_urls(base_url, article.id)
    return {
        "article_title": article.title,
        "article_content": article.body_html,
        "article_content_text": article.body_text,
        "category_name": article.category_name,
        "folder_name": article.folder_name,
        "has_attachments": False,
        "attachments": [],
        "created_by_email": article.created_by_email,
        "updated_by_email": article.updated_by_email,
        "created_on": wire_time(article.created_at),
        "updated_on": wire_time(article.updated_at),
        "article_views": article.view_count,
        "article_likes": article.like_count,
        "article_dislikes": article.dislike_count,
        "status": article.status,
        "agent_url": agent_url,
        "support_url": support_url,
    }


def article_titles_body(titles: ArticleTitles) -> dict[str, Any]:
    """``{"count": n, "article_titles": [...]}``: every published title."""
    return {"count": len(titles.titles), "article_titles": list(titles.titles)}


CATEGORY_EXAMPLE: dict[str, Any] = {
    "category_name": "Help Center",
    "category_description": "This category contains help articles.",
    "created_by_email": "agent@example.com",
    "created_on": "2026-01-05 09:00:00",
    "support_portal_visibility": 4,
    "company_list": ["Company1", "Company2"],
    "agent_portal_visibility": 2,
    "agent_group_list": ["Group1", "Group2"],
    "category_order": 2,
}
FOLDER_EXAMPLE: dict[str, Any] = {
    "category_name": "Teams Bot",
    "parent_category_name": "Help Center",
    "created_by_email": "agent@example.com",
    "created_on": "2026-01-05 09:00:00",
}
ARTICLE_EXAMPLE: dict[str, Any] = {
    "article_title": "How to use the Help Center",
    "article_content": "<p>This article explains how to use the Help Center.</p>",
    "article_content_text": "This article explains how to use the Help Center.",
    "category_name": "Help Center",
    "folder_name": "User Guides",
    "has_attachments": False,
    "attachments": [],
    "created_by_email": "agent@example.com",
    "updated_by_email": "agent@example.com",
    "created_on": "2026-01-05 09:00:00",
    "updated_on": "2026-01-05 09:00:00",
    "article_views": 150,
    "article_likes": 45,
    "article_dislikes": 3,
    "status": 1,
    "agent_url": "https://acme.example.com/app/kbase/kb-article?articleId=1",
    "support_url": "https://acme.example.com/support/sp-article?articleId=1",
}
ARTICLE_TITLES_EXAMPLE: dict[str, Any] = {
    "count": 3,
    "article_titles": ["How to create a ticket?", "How to reset password?",
                       "How to update profile?"],
}
