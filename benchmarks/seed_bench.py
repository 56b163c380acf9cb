"""Seed a fresh SQLite database with a million tickets and print how long it took.

    .venv/bin/python benchmarks/seed_bench.py [--tickets 1000000] [--conversation-share 0.25]

Uses a throwaway database under a temporary directory unless --database-url
is given (e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/seed_bench``, an
empty database). The time covers ``seed_tickets`` only (not migrating or
provisioning). Besides the wall time it prints this process's CPU time,
which a machine busy with other work inflates far less, and its peak RSS.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from supportdesk.config import Settings
from supportdesk.db.migrate import upgrade
from supportdesk.db.session import Database
from supportdesk.seed import seed_tickets
from supportdesk.seed.bulk import BULK_CONVERSATION_SHARE
from supportdesk.tenancy.provisioning import provision_tenant


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--conversation-share", type=float, default=BULK_CONVERSATION_SHARE)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="seed-bench-") as scratch:
        url = args.database_url or f"sqlite:///{Path(scratch) / 'bench.db'}"
        database = Database.from_url(url, pool_size=2)
        upgrade(database.engine)
        settings = Settings(database_url=url)
        provision_tenant(database, settings, subdomain="bench", demo=True)
        started = time.perf_counter()
        cpu_started = time.process_time()
        report = seed_tickets(database, subdomain="bench", tickets=args.tickets,
                              batch_size=args.batch,
                              conversation_share=args.conversation_share)
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        database.dispose()
        # ru_maxrss is in KiB on Linux.
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{report.tickets} tickets, {report.conversations} conversations, "
              f"{report.contacts} contacts in {seconds:.1f}s "
              f"({report.tickets / seconds:,.0f} tickets/s) on {url.split(':', 1)[0]}; "
              f"this process: {cpu:.1f}s CPU, peak RSS {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()
