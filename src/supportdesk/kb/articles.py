"""Knowledge base articles: the help pages customers and agents read.

An article lives in one folder of one category and is addressed by its
title, which is unique in the helpdesk. Its HTML is sanitized before it is
stored (scripts, event handlers and ``javascript:`` links removed) and a
plain-text version is derived from it. Only published articles are live:
they alone appear in the list of titles. Views, likes and dislikes are
counted by the portals, never set through the API.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select

from supportdesk.db.sequences import next_id
from supportdesk.errors import BadRequest, Conflict
from supportdesk.kb.lookup import (
    agent_email,
    author_id,
    find_article,
    flush,
    require_article,
    require_folder,
    required_name,
)
from supportdesk.kb.models import ArticleStatus, KbArticle, KbCategory, KbFolder
from supportdesk.kb.schemas import ArticleCreate, ArticleRead, ArticleTitles, ArticleUpdate
from supportdesk.text import blank_to_none, html_to_text, sanitize_html
from supportdesk.unit import TenantUnit


def list_published_titles(unit: TenantUnit) -> ArticleTitles:
    """Titles of every published article, A to Z (case-insensitive)."""
    titles = unit.session.scalars(
        select(KbArticle.title).where(KbArticle.status == int(ArticleStatus.PUBLISHED))
        .order_by(func.lower(KbArticle.title), KbArticle.title, KbArticle.id)
    )
    return ArticleTitles(titles=list(titles))


def get_article(unit: TenantUnit, *, title: str) -> ArticleRead:
    """The article with this title, draft or published; 404 if there is none."""
    return _read(unit, require_article(unit, title))


def create_article(unit: TenantUnit, *, data: ArticleCreate) -> ArticleRead:
    """Write an article into a folder; a draft unless ``status`` is 1 (published)."""
    title = required_name(data.article_title, field="article_title")
    _category, folder = require_folder(
        unit, required_name(data.category_name, field="category_name"),
        required_name(data.folder_name, field="folder_name"))
    if find_article(unit, title) is not None:
        raise Conflict(f"a KB article titled {title!r} already exists")
    writer = author_id(unit, data.created_by_email, field="created_by_email")
    body_html, body_text = _content(data.article_content)
    now = unit.clock.now()
    article = KbArticle(
        id=next_id(unit.session, "kb_articles"), folder_id=folder.id, title=title,
        body_html=body_html, body_text=body_text,
        status=int(data.status if data.status is not None else ArticleStatus.DRAFT),
        view_count=0, like_count=0, dislike_count=0,
        created_by_agent_id=writer, updated_by_agent_id=writer, created_at=now, updated_at=now,
    )
    unit.session.add(article)
    flush(unit, f"the KB article {title!r}")
    unit.commit()
    return _read(unit, article)


def update_article(unit: TenantUnit, *, title: str, changes: ArticleUpdate) -> ArticleRead:
    """Change the fields present; ``category_name``/``folder_name`` move the article.

    A move names the target folder; with only ``category_name`` the folder
    of the same name in that category is meant, with only ``folder_name``
    a folder of the article's current category. The API has no notion of who
    is calling, so the change is recorded as made by the helpdesk's first
    active agent, as a new article without ``created_by_email`` is.
    """
    article = require_article(unit, title)
    present = changes.model_fields_set
    if "article_title" in present:
        new_title = required_name(changes.article_title, field="article_title")
        other = find_article(unit, new_title)
        if other is not None and other.id != article.id:
            raise Conflict(f"a KB article titled {new_title!r} already exists")
        article.title = new_title
    if "category_name" in present or "folder_name" in present:
        current_category, current_folder = _placement(unit, article)
        category_name = required_name(changes.category_name, field="category_name") \
            if "category_name" in present else current_category.name
        folder_name = required_name(changes.folder_name, field="folder_name") \
            if "folder_name" in present else current_folder.name
        _category, folder = require_folder(unit, category_name, folder_name)
        article.folder_id = folder.id
    if "article_content" in present:
        article.body_html, article.body_text = _content(changes.article_content)
    if "status" in present:
        if changes.status is None:
            raise BadRequest("status must not be null or empty")
        article.status = int(changes.status)
    article.updated_by_agent_id = author_id(unit, None, field="updated_by_email")
    article.updated_at = unit.clock.now()
    flush(unit, f"the KB article {article.title!r}")
    unit.commit()
    return _read(unit, article)


def delete_article(unit: TenantUnit, *, title: str) -> None:
    """Remove the article with this title for good."""
    article = require_article(unit, title)
    unit.session.execute(delete(KbArticle).where(KbArticle.id == article.id))
    unit.commit()


def _content(value: str | None) -> tuple[str | None, str | None]:
    """Sanitized HTML and its plain text; both None when nothing is left."""
    raw = blank_to_none(value)
    if raw is None:
        return None, None
    body = blank_to_none(sanitize_html(raw))
    if body is None:
        return None, None
    return body, html_to_text(body)


def _placement(unit: TenantUnit, article: KbArticle) -> tuple[KbCategory, KbFolder]:
    row = unit.session.execute(
        select(KbCategory, KbFolder)
        .join(KbFolder, KbFolder.category_id == KbCategory.id)
        .where(KbFolder.id == article.folder_id)
    ).one()
    return row[0], row[1]


def _read(unit: TenantUnit, article: KbArticle) -> ArticleRead:
    category, folder = _placement(unit, article)
    return ArticleRead(
        id=article.id, title=article.title, body_html=article.body_html,
        body_text=article.body_text, category_name=category.name, folder_name=folder.name,
        created_by_email=agent_email(unit, article.created_by_agent_id),
        updated_by_email=agent_email(unit, article.updated_by_agent_id),
        created_at=article.created_at, updated_at=article.updated_at,
        view_count=article.view_count, like_count=article.like_count,
        dislike_count=article.dislike_count, status=article.status,
    )
