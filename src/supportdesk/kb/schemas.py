"""What comes in to create or change knowledge base records, and what services hand back.

Request models accept the Desk365 field names (they are also the domain's
names here) and the Desk365 codes for visibility and status, which
``kb.models`` names. Lengths match the columns, so an over-long value is a
400 naming the field, never a database error.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from supportdesk.companies.schemas import valid_text
from supportdesk.kb.models import AgentVisibility, ArticleStatus, PortalVisibility

NAME_MAX = 200  # kb_categories.name, kb_folders.name String(200)
TITLE_MAX = 255  # kb_articles.title String(255)
DESCRIPTION_MAX = 65_535
CONTENT_MAX = 1_000_000  # the same bound as a ticket description
EMAIL_MAX = 254
LIST_MAX = 500  # companies or groups on one category

PORTAL_VISIBILITY_MEANINGS = {
    PortalVisibility.HIDDEN: "not visible in the Support Portal",
    PortalVisibility.EVERYONE: "all visitors to the Support Portal",
    PortalVisibility.SIGNED_IN: "only signed in users of the Support Portal",
    PortalVisibility.COMPANIES: "Support Portal signed in users from specific companies",
}
AGENT_VISIBILITY_MEANINGS = {
    AgentVisibility.ALL_AGENTS: "all agents",
    AgentVisibility.GROUPS: "all agents in my group(s)",
}
STATUS_MEANINGS = {ArticleStatus.DRAFT: "draft", ArticleStatus.PUBLISHED: "published"}


def _whole_number(value: Any) -> Any:
    """Accept 4 and "4" (clients send both); refuse booleans and other text."""
    if isinstance(value, bool):
        raise ValueError("must be a number, not true or false")
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return None
        if text.isascii() and text.lstrip("-").isdigit() and len(text) < 10:
            return int(text)
        raise ValueError(f"must be a whole number, got {value!r}")
    return value


def _code_of(meanings: dict[Any, str]) -> Any:
    choices = [f"{int(code)} ({meaning})" for code, meaning in meanings.items()]
    listed = ", ".join(choices[:-1]) + " or " + choices[-1]

    def check(value: int | None) -> int | None:
        if value is not None and value not in {int(code) for code in meanings}:
            raise ValueError(f"must be {listed}, got {value}")
        return value

    return check


PortalCode = Annotated[int | None, BeforeValidator(_whole_number),
                       AfterValidator(_code_of(PORTAL_VISIBILITY_MEANINGS))]
AgentCode = Annotated[int | None, BeforeValidator(_whole_number),
                      AfterValidator(_code_of(AGENT_VISIBILITY_MEANINGS))]
StatusCode = Annotated[int | None, BeforeValidator(_whole_number),
                       AfterValidator(_code_of(STATUS_MEANINGS))]
Name = Annotated[str, Field(max_length=NAME_MAX), AfterValidator(valid_text)]
Title = Annotated[str, Field(max_length=TITLE_MAX), AfterValidator(valid_text)]
Description = Annotated[str, Field(max_length=DESCRIPTION_MAX), AfterValidator(valid_text)]
Content = Annotated[str, Field(max_length=CONTENT_MAX), AfterValidator(valid_text)]
Email = Annotated[str, Field(max_length=EMAIL_MAX), AfterValidator(valid_text)]
NameList = Annotated[list[Name], Field(max_length=LIST_MAX)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CategoryFields(_Body):
    """Who may see a category, shared by create and update."""

    category_description: Description | None = Field(
        default=None, description="Description of the category.",
        examples=["This category contains help articles."])
    support_portal_visibility: PortalCode = Field(
        default=None,
        description="1 not visible in the Support Portal, 2 all visitors (the default), "
        "3 only signed in users, 4 signed in users from the companies in company_list.",
        examples=[4])
    company_list: NameList | None = Field(
        default=None,
        description="Names of companies whose signed in users see the category; only with "
        "support_portal_visibility 4, which needs at least one. Each must exist.",
        examples=[["Company1", "Company2"]])
    agent_portal_visibility: AgentCode = Field(
        default=None,
        description="1 all agents (the default), 2 agents in the groups in agent_group_list.",
        examples=[2])
    agent_group_list: NameList | None = Field(
        default=None,
        description="Names of agent groups who see the category; only with "
        "agent_portal_visibility 2, which needs at least one. Each must exist.",
        examples=[["Group1", "Group2"]])


class CategoryCreate(CategoryFields):
    """A new knowledge base category (``POST kb/category/create``)."""

    category_name: Name = Field(description="Name of the category, unique in the helpdesk.",
                                examples=["Help Center"])
    created_by_email: Email | None = Field(
        default=None, description="Email of the agent who creates the category; the "
        "helpdesk's first active agent when left out.", examples=["agent@example.com"])


class CategoryUpdate(CategoryFields):
    """Changes to a category (``PUT kb/category/update``): only fields present change."""

    category_name: Name | None = Field(default=None, description="A new name for the category.",
                                       examples=["Help Center"])


class FolderCreate(_Body):
    """A new folder in a category (``POST kb/folder/create``)."""

    category_name: Name = Field(description="Name of the category the folder goes in.",
                                examples=["Help Center"])
    folder_name: Name = Field(description="Name of the folder, unique in its category.",
                              examples=["Teams Bot"])
    created_by_email: Email | None = Field(
        default=None, description="Email of the agent who creates the folder; the "
        "helpdesk's first active agent when left out.", examples=["agent@example.com"])


class FolderUpdate(_Body):
    """Changes to a folder (``PUT kb/folder/update``): rename it or move it to a category."""

    category_name: Name | None = Field(default=None, description="Move the folder to the "
                                       "category with this name.", examples=["Help Center"])
    folder_name: Name | None = Field(default=None, description="A new name for the folder.",
                                     examples=["Teams Bot"])


class ArticleFields(_Body):
    """Content and placement shared by create and update."""

    article_content: Content | None = Field(
        default=None, description="HTML of the article; sanitized before it is stored. "
        "Inline images are not supported through the API.",
        examples=["<p>This article explains how to use the Help Center.</p>"])
    status: StatusCode = Field(default=None, description="0 draft (the default), 1 published.",
                               examples=[1])


class ArticleCreate(ArticleFields):
    """A new article in a folder (``POST kb/article/create``)."""

    article_title: Title = Field(description="Title of the article, unique in the helpdesk.",
                                 examples=["How to use the Help Center"])
    category_name: Name = Field(description="Name of the category.", examples=["Help Center"])
    folder_name: Name = Field(description="Name of the folder in that category.",
                              examples=["User Guides"])
    created_by_email: Email | None = Field(
        default=None, description="Email of the agent who writes the article; the "
        "helpdesk's first active agent when left out.", examples=["agent@example.com"])


class ArticleUpdate(ArticleFields):
    """Changes to an article (``PUT kb/article/update``): only fields present change."""

    article_title: Title | None = Field(default=None, description="A new title.",
                                        examples=["How to use the Help Center"])
    category_name: Name | None = Field(
        default=None, description="Move the article to this category (with folder_name, or "
        "into the folder of the same name there).", examples=["Help Center"])
    folder_name: Name | None = Field(default=None, description="Move the article to this "
                                     "folder of its (new) category.", examples=["User Guides"])


class CategoryRead(BaseModel):
    """A category as the service reports it."""

    name: str
    description: str | None
    created_by_email: str | None
    created_at: datetime
    portal_visibility: int
    company_names: list[str]
    agent_visibility: int
    group_names: list[str]
    position: int


class FolderRead(BaseModel):
    """A folder as the service reports it."""

    name: str
    category_name: str
    created_by_email: str | None
    created_at: datetime


class ArticleRead(BaseModel):
    """An article as the service reports it; ``id`` builds its portal links."""

    id: int
    title: str
    body_html: str | None
    body_text: str | None
    category_name: str
    folder_name: str
    created_by_email: str | None
    updated_by_email: str | None
    created_at: datetime
    updated_at: datetime
    view_count: int
    like_count: int
    dislike_count: int
    status: int


class ArticleTitles(BaseModel):
    """The titles of every published article."""

    titles: list[str]
