"""What comes in to record or change a time entry, and what the service hands back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from supportdesk.companies.schemas import valid_text

TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")
MAX_MINUTES = 100_000  # about ten weeks of round-the-clock work in one entry

NoteText = Annotated[str, Field(max_length=10_000), AfterValidator(valid_text)]
AgentEmail = Annotated[str, Field(max_length=254), AfterValidator(valid_text)]
Minutes = Annotated[int, Field(ge=0, le=MAX_MINUTES, strict=True)]
TicketNumber = Annotated[int, Field(ge=1, le=10**15, strict=True)]
StartText = Annotated[str, Field(max_length=40)]


def parse_time(value: str) -> datetime | None:
    """``YYYY-MM-DD HH:MM:SS`` (or without seconds, or a bare date; ``T`` allowed); None if not."""
    text = value.strip().replace("T", " ")
    for pattern in TIME_FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None


class TimeEntryFields(BaseModel):
    """Optional properties shared by create and update."""

    model_config = ConfigDict(extra="forbid")

    billable: bool | None = Field(default=None, description="Whether the customer is charged "
                                  "for this time (default false).")
    timer_running: bool | None = Field(default=None, description="Whether the timer is still "
                                       "running (default false).")
    note: NoteText | None = Field(default=None, description="What the agent did.")
    additional_info: NoteText | None = Field(default=None, description="Anything else worth "
                                             "keeping with the entry.")
    start_time: StartText | None = Field(
        default=None, description="When the work started, UTC `YYYY-MM-DD HH:MM:SS` "
        "(default: now).", examples=["2026-01-05 09:00:00"])


class TimeEntryCreate(TimeEntryFields):
    """A new time entry (admin API and CLI: Desk365 has no public create)."""

    ticket_number: TicketNumber = Field(description="The ticket the time was spent on.")
    agent_email: AgentEmail = Field(description="The agent who spent it.")
    minutes: Minutes = Field(description="Time spent, in whole minutes.")


class TimeEntryUpdate(TimeEntryFields):
    """Changes to a time entry: only fields present change."""

    ticket_number: TicketNumber | None = None
    agent_email: AgentEmail | None = None
    minutes: Minutes | None = None


class TimeEntryRead(BaseModel):
    """A time entry as the service reports it, with the agent's email resolved."""

    id: int
    ticket_number: int
    agent_email: str | None
    started_at: datetime
    minutes: int
    is_billable: bool
    is_timer_running: bool
    note: str | None
    additional_info: str | None
    created_at: datetime
    updated_at: datetime


class TimeEntryPage(BaseModel):
    """One page of time entries and the total matching across all pages."""

    total: int
    items: list[TimeEntryRead]


@dataclass(frozen=True)
class TimeEntryQuery:
    """The list filters; every one given must match. Time bounds are exclusive."""

    ticket_number: int | None = None
    agent_email: str | None = None
    company_name: str | None = None
    started_before: datetime | None = None
    started_after: datetime | None = None
    created_after: datetime | None = None
    updated_after: datetime | None = None
    is_billable: bool | None = None
    is_timer_running: bool | None = None
    offset: int = 0
    limit: int = 30
