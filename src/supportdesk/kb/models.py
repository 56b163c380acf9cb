"""Tables of this domain (see the package docstring).

A category is the top shelf of the knowledge base; it decides who may see
what is inside it (support portal visitors, agents). Folders sit in one
category; articles sit in one folder. Names are unique where Desk365
addresses by them: category names and article titles in the helpdesk,
folder names within their category.
"""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum

from sqlalchemy import DateTime, ForeignKeyConstraint, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from supportdesk.db.base import Base, Id, TenantOwned


class PortalVisibility(IntEnum):
    """Who sees a category on the support portal (the Desk365 codes)."""

    HIDDEN = 1
    EVERYONE = 2
    SIGNED_IN = 3
    COMPANIES = 4  # signed-in users of the companies on the category's list


class AgentVisibility(IntEnum):
    """Which agents see a category in the agent portal (the Desk365 codes)."""

    ALL_AGENTS = 1
    GROUPS = 2  # agents in the groups on the category's list


class ArticleStatus(IntEnum):
    """Whether an article is live (the Desk365 codes)."""

    DRAFT = 0
    PUBLISHED = 1


class KbCategory(TenantOwned, Base):
    """A knowledge base category ("Help Center"): folders of articles and who may see them."""

    __tablename__ = "kb_categories"
    __table_args__ = (
        Index("uq_kb_categories_tenant_name", "tenant_id", "name", unique=True),
        ForeignKeyConstraint(
            ["tenant_id", "created_by_agent_id"], ["agents.tenant_id", "agents.id"]
        ),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    portal_visibility: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    agent_visibility: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    # 1-based display order; kept without gaps when a category is deleted.
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    created_by_agent_id: Mapped[int | None] = mapped_column(Id, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class KbCategoryCompany(TenantOwned, Base):
    """A company whose signed-in portal users may see a category (visibility 4)."""

    __tablename__ = "kb_category_companies"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "category_id"], ["kb_categories.tenant_id", "kb_categories.id"],
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(
            ["tenant_id", "company_id"], ["companies.tenant_id", "companies.id"],
            ondelete="CASCADE",
        ),
        Index("ix_kb_category_companies_tenant_company", "tenant_id", "company_id"),
    )

    category_id: Mapped[int] = mapped_column(Id, primary_key=True)
    company_id: Mapped[int] = mapped_column(Id, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0, nullable=False)


class KbCategoryGroup(TenantOwned, Base):
    """An agent group whose members may see a category (agent visibility 2)."""

    __tablename__ = "kb_category_groups"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "category_id"], ["kb_categories.tenant_id", "kb_categories.id"],
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(
            ["tenant_id", "group_id"], ["groups.tenant_id", "groups.id"], ondelete="CASCADE",
        ),
        Index("ix_kb_category_groups_tenant_group", "tenant_id", "group_id"),
    )

    category_id: Mapped[int] = mapped_column(Id, primary_key=True)
    group_id: Mapped[int] = mapped_column(Id, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0, nullable=False)


class KbFolder(TenantOwned, Base):
    """A folder of articles inside one category ("Teams Bot" in "Help Center")."""

    __tablename__ = "kb_folders"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "category_id"], ["kb_categories.tenant_id", "kb_categories.id"],
        ),
        ForeignKeyConstraint(
            ["tenant_id", "created_by_agent_id"], ["agents.tenant_id", "agents.id"]
        ),
        Index("uq_kb_folders_tenant_category_name", "tenant_id", "category_id", "name",
              unique=True),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    category_id: Mapped[int] = mapped_column(Id, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    created_by_agent_id: Mapped[int | None] = mapped_column(Id, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class KbArticle(TenantOwned, Base):
    """A help article: sanitized HTML, its plain text, and how readers received it."""

    __tablename__ = "kb_articles"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "folder_id"], ["kb_folders.tenant_id", "kb_folders.id"],
        ),
        ForeignKeyConstraint(
            ["tenant_id", "created_by_agent_id"], ["agents.tenant_id", "agents.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "updated_by_agent_id"], ["agents.tenant_id", "agents.id"]
        ),
        Index("uq_kb_articles_tenant_title", "tenant_id", "title", unique=True),
        Index("ix_kb_articles_tenant_folder", "tenant_id", "folder_id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    folder_id: Mapped[int] = mapped_column(Id, nullable=False)
    title: Mapped[str] = mapped_column(String(255), nullable=False)
    body_html: Mapped[str | None] = mapped_column(Text, nullable=True)
    body_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    view_count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    like_count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    dislike_count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    created_by_agent_id: Mapped[int | None] = mapped_column(Id, nullable=True)
    updated_by_agent_id: Mapped[int | None] = mapped_column(Id, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
