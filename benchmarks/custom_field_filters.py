"""Time the list's count and a page of 100 filtered on custom fields, in process.

    .venv/bin/python benchmarks/custom_field_filters.py --database-url URL [--tenant bench]

For a database seeded by ``supportdesk seed`` (the demo tenant's fields: the
Department dropdown and the Employee ID text). One thread, the listing code
itself (``count_tickets``, ``list_tickets``), no HTTP; prints the median and
p90 of each case in milliseconds, and the matched count.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from typing import Any

from supportdesk.config import Settings
from supportdesk.db.session import Database
from supportdesk.tickets.filters import parse_filters
from supportdesk.tickets.listing import TicketQuery, count_tickets, list_tickets
from supportdesk.unit import open_unit

CASES: list[tuple[str, dict[str, Any]]] = [
    ("cf_Department=Sales", {"custom_fields": {"cf_Department": ["Sales"]}}),
    ("cf_Department=Sales,Billing", {"custom_fields": {"cf_Department": ["Sales", "Billing"]}}),
    ("cf_Department unset", {"custom_fields": {"cf_Department": ["--"]}}),
    ("cf_Employee ID=one value", {"custom_fields": {"cf_Employee ID": ["EMP-00042"]}}),
    ("cf_Department=Sales + status Open", {"custom_fields": {"cf_Department": ["Sales"]},
                                           "status": ["Open"]}),
    ("cf_Department=Sales + status Closed", {"custom_fields": {"cf_Department": ["Sales"]},
                                             "status": ["Closed"]}),
    ("cf_Department=Sales + status Open + priority 20", {
        "custom_fields": {"cf_Department": ["Sales"]}, "status": ["Open"],
        "priority": ["20"]}),
    ("both fields", {"custom_fields": {"cf_Department": ["Sales"],
                                       "cf_Employee ID": ["EMP-00042"]}}),
]


def timed(call: Callable[[], Any], *, seconds: float, at_least: int) -> tuple[float, float]:
    samples: list[float] = []
    began = time.perf_counter()
    while len(samples) < at_least or time.perf_counter() - began < seconds:
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
        if len(samples) >= 500:
            break
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.9)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--tenant", default="bench")
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--at-least", type=int, default=5)
    parser.add_argument("--only", default=None, help="run the cases whose name contains this")
    args = parser.parse_args()
    database = Database.from_url(args.database_url, pool_size=2)
    try:
        with open_unit(database, Settings(database_url=args.database_url),
                       subdomain=args.tenant) as unit:
            for name, document in CASES:
                if args.only and args.only not in name:
                    continue
                flt = parse_filters(json.dumps(document))
                count = count_tickets(unit, flt)
                query = TicketQuery(page_size=100, filters=flt)
                count_ms = timed(lambda flt=flt: count_tickets(unit, flt),
                                 seconds=args.seconds, at_least=args.at_least)
                page_ms = timed(lambda query=query: list_tickets(unit, query),
                                seconds=args.seconds, at_least=args.at_least)
                print(f"{name:<50} count={count:>8}  count p50 {count_ms[0]:9.2f} "
                      f"p90 {count_ms[1]:9.2f}  page100 p50 {page_ms[0]:9.2f} "
                      f"p90 {page_ms[1]:9.2f}", flush=True)
    finally:
        database.dispose()


if __name__ == "__main__":
    main()
