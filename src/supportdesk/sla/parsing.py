"""The CLI's compact spellings of SLA settings, parsed into the API's JSON shapes.

The results are plain values for the request models to validate, exactly as
if they had come in an admin API body.

- a weekday's hours: ``monday=09:00-12:00,13:00-17:00`` (``monday=`` is closed)
- a holiday: ``2026-12-25=Christmas Day``
- a target per priority: ``20=15/120`` (first response / resolution minutes;
  either side may be ``-`` for no target)
- minutes: a whole number, or ``none`` to clear
"""

from __future__ import annotations

import datetime as dt
import re

from supportdesk.errors import BadRequest
from supportdesk.sla.schemas import WEEKDAYS, Weekday

_CLOCK = re.compile(r"^[0-9]{2}:[0-9]{2}$")
_TARGET = re.compile(r"^\s*([0-9]+)\s*=\s*([0-9]+|-)?\s*/\s*([0-9]+|-)?\s*$")
PRIORITIES = (1, 5, 10, 20)
MAX_MINUTES = 5_256_000


def parse_day(text: str) -> tuple[Weekday, list[dict[str, str]]]:
    """``monday=09:00-12:00,13:00-17:00`` as a weekday and its intervals."""
    day, separator, spans = text.partition("=")
    day = day.strip().lower()
    if not separator or day not in WEEKDAYS:
        raise BadRequest(f"--day: {text!r} is not like monday=09:00-17:00")
    intervals: list[dict[str, str]] = []
    for span in filter(None, (s.strip() for s in spans.split(","))):
        start, dash, end = span.partition("-")
        if not dash or not _CLOCK.match(start.strip()) or not _CLOCK.match(end.strip()):
            raise BadRequest(f"--day: {span!r} is not like 09:00-17:00")
        intervals.append({"start": start.strip(), "end": end.strip()})
    return day, intervals


def parse_holiday(text: str) -> dict[str, str]:
    """``2026-12-25=Christmas Day`` as a holiday."""
    day, separator, name = text.partition("=")
    try:
        parsed = dt.date.fromisoformat(day.strip())
    except ValueError:
        raise BadRequest(f"--holiday: {text!r} is not like 2026-12-25=Christmas Day") from None
    if not separator or not name.strip():
        raise BadRequest(f"--holiday: {text!r} needs a name, like 2026-12-25=Christmas Day")
    return {"date": parsed.isoformat(), "name": name.strip()}


def parse_minutes(text: str, *, option: str) -> int | None:
    """A positive number of minutes, or None for ``none``."""
    value = text.strip().lower()
    if value == "none":
        return None
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= MAX_MINUTES:
        raise BadRequest(f"{option}: {text!r} is not a number of minutes from 1 to "
                         f"{MAX_MINUTES}, or none")
    return int(value)


def parse_target(text: str) -> dict[str, int | None]:
    """``20=15/120``: priority 20, first response in 15 minutes, resolution in 120."""
    match = _TARGET.match(text)
    if match is None:
        raise BadRequest(f"--target: {text!r} is not like 20=15/120 (priority=first "
                         "response/resolution minutes, - for none)")
    priority = int(match.group(1))
    if priority not in PRIORITIES:
        raise BadRequest(f"--target: priority must be one of 1, 5, 10, 20, not {priority}")
    first, resolution = (
        None if part in (None, "-") else parse_minutes(part, option="--target")
        for part in (match.group(2), match.group(3))
    )
    return {"priority": priority, "first_response_minutes": first,
            "resolution_minutes": resolution}
