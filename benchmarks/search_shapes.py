"""Ticket search in process, per query shape: p50 of a few calls, and the answers.

    .venv/bin/python benchmarks/search_shapes.py --database-url URL [--tenant bench]
        [--calls 5] [--only NAME ...] [--save answers.json] [--check answers.json]

Each shape is one call of ``search.service.search_tickets`` through a read
unit, as ``GET tickets/search`` makes it (no HTTP, no JSON): the exact count
and one page. After one warm-up call, ``--calls`` calls are timed and their
median is printed with the count. ``--save`` writes every shape's count and
page (ticket numbers in order) to a file; ``--check`` compares a run with such
a file, so a faster query can be shown to answer exactly what the old one did.
Meant for the ``bench`` tenant of ``supportdesk seed`` (1,000,000 tickets); see
docs/benchmarks.md, "Search at 1,000,000 tickets".
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Shape:
    """One search as a client would send it."""

    name: str
    search_query: str
    search_type: str = "1"
    order_by: str = "relevance"
    descending: bool = True
    offset: int = 0
    page_size: int = 30


PRINTER = '{"query": "printer", "search_in": [1, 2]}'
SHAPES = (
    Shape("common word, relevance", PRINTER),
    Shape("common word, relevance, offset 100,000", PRINTER, offset=100_000),
    Shape("common word, relevance asc", PRINTER, descending=False),
    Shape("common word, created_time", PRINTER, order_by="created_time"),
    Shape("common word, created_time, offset 100,000", PRINTER, order_by="created_time",
          offset=100_000),
    Shape("common word, updated_time asc", PRINTER, order_by="updated_time",
          descending=False),
    Shape("common word, codes 1-6 (default)", '{"query": "printer"}'),
    Shape("rarer word (payroll)", '{"query": "payroll", "search_in": [1, 2]}'),
    Shape("rare word (vanarsdel), codes 6", '{"query": "vanarsdel", "search_in": [6]}'),
    Shape("phrase", '{"query": "\\"out of ink\\"", "search_in": [1, 2]}'),
    Shape("prefix", '{"query": "pass*", "search_in": [1, 2]}'),
    Shape("two words", '{"query": "printer slow", "search_in": [1, 2]}'),
    Shape("advanced: subject", '{"search_term": [{"query": "printer", '
          '"search_in": ["subject"]}]}', search_type="2"),
    Shape("advanced: cf_Department", '{"search_term": [{"query": "sales", '
          '"search_in": ["cf_Department"]}]}', search_type="2"),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--tenant", default="bench")
    parser.add_argument("--calls", type=int, default=5)
    parser.add_argument("--only", nargs="*", default=None, help="shape names (substrings)")
    parser.add_argument("--save", type=Path)
    parser.add_argument("--check", type=Path)
    args = parser.parse_args()

    from supportdesk.config import Settings  # noqa: PLC0415 - a script's late imports
    from supportdesk.db.session import Database  # noqa: PLC0415
    from supportdesk.search.query import parse_search  # noqa: PLC0415
    from supportdesk.search.service import SearchPage, search_tickets  # noqa: PLC0415
    from supportdesk.unit import open_unit  # noqa: PLC0415

    settings = Settings(database_url=args.database_url)
    database = Database.from_url(args.database_url, pool_size=2)
    expected = json.loads(args.check.read_text()) if args.check else {}
    answers: dict[str, dict[str, object]] = {}
    mismatches = 0
    try:
        for shape in SHAPES:
            if args.only and not any(part in shape.name for part in args.only):
                continue
            request = parse_search(shape.search_type, shape.search_query)
            page = SearchPage(page_size=shape.page_size, offset=shape.offset,
                              order_by=shape.order_by, descending=shape.descending)
            samples: list[float] = []
            answer: dict[str, object] = {}
            for call in range(args.calls + 1):
                with open_unit(database, settings, subdomain=args.tenant) as unit:
                    began = time.perf_counter()
                    found = search_tickets(unit, request, page)
                    elapsed = time.perf_counter() - began
                    answer = {"count": found.total,
                              "numbers": [row[0].number for row in found.rows]}
                if call:
                    samples.append(elapsed)
            answers[shape.name] = answer
            verdict = ""
            if shape.name in expected:
                same = expected[shape.name] == answer
                mismatches += not same
                verdict = "  same answer" if same else "  DIFFERENT ANSWER"
            print(f"{shape.name:45} count {answer['count']:>9,}  "
                  f"p50 {statistics.median(samples) * 1000:9.1f} ms  "
                  f"(min {min(samples) * 1000:.1f}, max {max(samples) * 1000:.1f}){verdict}",
                  flush=True)
    finally:
        database.dispose()
    if args.save:
        args.save.write_text(json.dumps(answers, indent=1))
    sys.exit(1 if mismatches else 0)


if __name__ == "__main__":
    main()
