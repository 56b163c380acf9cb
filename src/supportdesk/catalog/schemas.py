"""What comes in to define or change statuses, types, groups and categories.

Shared by the admin API (as request bodies) and the CLI. Lengths mirror the
columns in ``catalog.models`` and ``agents.models``, so an over-long name is
a 400 naming the field, never a database error. Unknown fields are refused.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from supportdesk.companies.schemas import valid_text

StatusName = Annotated[str, Field(max_length=100), AfterValidator(valid_text)]
Name = Annotated[str, Field(max_length=200), AfterValidator(valid_text)]
Position = Annotated[int, Field(ge=0, le=1_000_000)]
StatusCategory = Literal["open", "pending", "resolved", "closed"]


class Strict(BaseModel):
    """A request body: unknown fields are a 400."""

    model_config = ConfigDict(extra="forbid")


class StatusCreate(Strict):
    """A new ticket status; ``category`` says how the engine treats it."""

    name: StatusName = Field(description="Name shown on tickets; unique, case-insensitive.",
                             examples=["Waiting on Customer"])
    category: StatusCategory = Field(description="open, pending, resolved or closed.",
                                     examples=["pending"])
    is_default: bool = Field(default=False, description="New tickets start in this status "
                             "(must be an open-category status).")


class StatusUpdate(Strict):
    """Changes to a status: only fields sent change; a rename shows on every ticket."""

    name: StatusName | None = Field(default=None, examples=["Awaiting reply"])
    category: StatusCategory | None = None
    is_default: Literal[True] | None = Field(default=None, description="true makes this "
                                             "the default status (the old one stops being).")
    position: Position | None = Field(default=None, description="Sort order (0 first).")


class NamedCreate(Strict):
    """A new ticket type, group or subcategory."""

    name: Name = Field(description="Unique name, case-insensitive.", examples=["Refund"])


class NamedUpdate(Strict):
    """A rename or reorder; names show on every ticket at once."""

    name: Name | None = Field(default=None, examples=["Refund request"])
    position: Position | None = Field(default=None, description="Sort order (0 first).")


class CategoryCreate(Strict):
    """A new category, optionally with its subcategories."""

    name: Name = Field(description="Unique name, case-insensitive.", examples=["Hardware"])
    subcategories: list[Name] = Field(default_factory=list, max_length=500,
                                      examples=[["Printer", "Laptop"]])


class GroupCreate(Strict):
    """A new agent group, optionally with its members (agent emails)."""

    name: Name = Field(description="Unique name, case-insensitive.", examples=["Billing"])
    members: list[Annotated[str, Field(max_length=254)]] = Field(
        default_factory=list, max_length=1000, examples=[["alex.morgan@demo.example"]])


class GroupMembers(Strict):
    """The complete member list of a group, as agent emails."""

    members: list[Annotated[str, Field(max_length=254)]] = Field(
        max_length=1000, examples=[["alex.morgan@demo.example", "priya.shah@demo.example"]])


class GroupMemberAdd(Strict):
    """One agent to add to a group."""

    email: Annotated[str, Field(max_length=254)] = Field(examples=["sam.oduya@demo.example"])
