"""What comes in to define SLA policies and business-hours calendars (admin API, CLI)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from supportdesk.companies.schemas import valid_text

Name = Annotated[str, Field(max_length=200), AfterValidator(valid_text)]
# Up to ten years: far beyond any real promise, well inside an INTEGER.
Minutes = Annotated[int, Field(ge=1, le=5_256_000)]
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS: tuple[Weekday, ...] = (
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
)
HoursMode = Literal["calendar", "business"]
Clock = Annotated[str, Field(pattern=r"^[0-9]{2}:[0-9]{2}$", examples=["09:00"])]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Interval(Strict):
    """Working time within one day, local to the calendar's timezone (end may be 24:00)."""

    start: Clock
    end: Clock = Field(examples=["17:00"])


class Holiday(Strict):
    """A day the calendar does not work."""

    date: dt.date = Field(examples=["2026-12-25"])
    name: Name = Field(examples=["Christmas Day"])


WEEK_EXAMPLE = {day: [{"start": "09:00", "end": "17:00"}]
                for day in ("monday", "tuesday", "wednesday", "thursday", "friday")}


class BusinessHoursCreate(Strict):
    """A named working calendar: a timezone, weekly hours and holidays."""

    name: Name = Field(examples=["UK office"])
    timezone: Annotated[str, Field(max_length=64)] = Field(
        description="An IANA timezone name.", examples=["Europe/London"])
    week: dict[Weekday, list[Interval]] = Field(
        description="Working intervals per weekday; a day left out is closed.",
        examples=[WEEK_EXAMPLE])
    holidays: list[Holiday] = Field(default_factory=list, max_length=1000)


class BusinessHoursUpdate(Strict):
    """Changes to a calendar; ``week`` and ``holidays`` replace the whole value."""

    name: Name | None = None
    timezone: Annotated[str, Field(max_length=64)] | None = None
    week: dict[Weekday, list[Interval]] | None = None
    holidays: list[Holiday] | None = Field(default=None, max_length=1000)


class Target(Strict):
    """A policy's targets for one ticket priority (1 Low, 5 Medium, 10 High, 20 Urgent)."""

    priority: Literal[1, 5, 10, 20] = Field(examples=[20])
    first_response_minutes: Minutes | None = Field(default=None, examples=[30])
    resolution_minutes: Minutes | None = Field(default=None, examples=[240])


class PolicyCreate(Strict):
    """A new SLA policy."""

    name: Name = Field(examples=["Gold"])
    is_default: bool = Field(default=False, description="Tickets without a company policy "
                             "run under the default; the previous default stops being one.")
    first_response_minutes: Minutes | None = Field(default=None, description="Policy-wide "
                                                   "target; due_date uses it today.",
                                                   examples=[60])
    resolution_minutes: Minutes | None = Field(default=None, examples=[480])
    hours_mode: HoursMode = Field(default="calendar", description="calendar: minutes run "
                                  "around the clock; business: only in business_hours_id.")
    business_hours_id: int | None = Field(default=None, description="Required in business "
                                          "mode; not allowed in calendar mode.")
    targets: list[Target] = Field(default_factory=list, max_length=4)


class PolicyUpdate(Strict):
    """Changes to a policy; ``targets`` replaces the whole list; null clears a target."""

    name: Name | None = None
    is_default: Literal[True] | None = Field(default=None, description="true makes this the "
                                             "default policy.")
    first_response_minutes: Minutes | None = None
    resolution_minutes: Minutes | None = None
    hours_mode: HoursMode | None = Field(default=None, description="Switching to calendar "
                                         "drops the business-hours reference.")
    business_hours_id: int | None = None
    targets: list[Target] | None = Field(default=None, max_length=4)
