"""The soak of issue #6: a mixed workload for ten minutes; no 5xx, memory and files flat.

    .venv/bin/python benchmarks/soak.py [--minutes 10] [--database sqlite|postgresql]
        [--tickets 20000] [--clients 8]

Seeds a tenant, starts ``supportdesk serve --workers 2`` and keeps ``--clients``
threads busy with a realistic mix (lists with filters and deep pages, details,
search, conversations, contacts and companies, creates with and without
attachments, updates, replies, notes, idempotent retries, bad input). Every 15
seconds it samples each worker's resident memory (VmRSS) and open file
descriptors. At the end it prints the status counts and the samples, and exits
non-zero when any response was a 5xx, or when a worker's memory or open files
grew by more than the tolerance between the end of the first fifth of the run
(after warm-up) and the end.
"""

# ruff: noqa: S311 - random choices of a load generator, not secrets

from __future__ import annotations

import argparse
import json
import random
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx2 as httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import TENANT, cli, free_port, log, prepare, start_server, stop_server, worker_pids

SAMPLE_SECONDS = 15
# Growth allowed after warm-up: caches fill, pools reach their size, then it is flat.
RSS_TOLERANCE = 0.15
FDS_TOLERANCE = 8


def _worker_stats(pids: list[int]) -> dict[int, tuple[float, int]]:
    stats: dict[int, tuple[float, int]] = {}
    for pid in pids:
        try:
            rss = next(int(line.split()[1]) / 1024 for line in
                       Path(f"/proc/{pid}/status").read_text().splitlines()
                       if line.startswith("VmRSS:"))
            fds = len(list(Path(f"/proc/{pid}/fd").iterdir()))
        except OSError:
            continue
        stats[pid] = (round(rss, 1), fds)
    return stats


@dataclass
class Tally:
    """What every client thread reports into, under one lock."""

    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)


class Client(threading.Thread):
    """One integration: picks a request from the mix, sends it, counts the status."""

    def __init__(self, base: str, headers: dict[str, str], tickets: int, *, seed: int,
                 tally: Tally) -> None:
        super().__init__(daemon=True)
        self.base, self.headers, self.tickets = base, headers, tickets
        self.random = random.Random(seed)
        self.tally = tally
        self.stop, self.statuses, self.failures, self.lock = \
            tally.stop, tally.statuses, tally.failures, tally.lock
        self.created = 0

    def _number(self) -> int:
        return self.random.randint(1, self.tickets)

    def _request(self, client: httpx.Client) -> tuple[str, httpx.Response]:
        pick = self.random.random()
        n = self._number()
        if pick < 0.20:
            filters = self.random.choice([
                {}, {"status": ["Open"]}, {"priority": ["20", "10"], "group": ["Sales"]},
                {"status": ["Pending"], "assigned_to": ["--"]}])
            query = f"?ticket_count={self.random.choice([30, 50, 100])}" \
                f"&offset={self.random.choice([0, 30, 3000, self.tickets // 2])}"
            if filters:
                query += "&filters=" + quote(json.dumps(filters))
            return "list", client.get("/apis/v3/tickets" + query)
        if pick < 0.35:
            return "details", client.get(f"/apis/v3/tickets/details?ticket_number={n}")
        if pick < 0.42:
            return "conversations", client.get(
                f"/apis/v3/tickets/conversations?ticket_number={n}")
        if pick < 0.50:
            search = {"query": self.random.choice(["printer", "laptop crash", "vpn*",
                                                   "\"invoice\""]), "search_in": [1, 2, 3]}
            return "search", client.get("/apis/v3/tickets/search?search_type=1&search_query="
                                        + quote(json.dumps(search)))
        if pick < 0.55:
            return "contacts", client.get(f"/apis/v3/contacts?offset={self.random.choice([0, 30])}")
        if pick < 0.58:
            return "companies", client.get("/apis/v3/companies")
        if pick < 0.68:
            self.created += 1
            body: dict[str, Any] = {"email": f"soak{self.random.randint(1, 500)}@example.com",
                                    "subject": f"Soak ticket {self.created}",
                                    "description": "<p>The printer is jammed again.</p>",
                                    "priority": self.random.choice([1, 5, 10, 20])}
            headers = {}
            if self.random.random() < 0.3:
                # An integration retrying: the second send replays the first.
                headers["Idempotency-Key"] = f"soak-{self.ident}-{self.created}"
                client.post("/apis/v3/tickets/create", json=body, headers=headers)
            return "create", client.post("/apis/v3/tickets/create", json=body, headers=headers)
        if pick < 0.71:
            return "create_with_attachment", client.post(
                "/apis/v3/tickets/create_with_attachment",
                data={"ticket_object": json.dumps({"email": "files@example.com",
                                                   "subject": "Log attached"})},
                files=[("file", ("log.txt", b"line\n" * 2000, "text/plain"))])
        if pick < 0.80:
            return "update", client.put(f"/apis/v3/tickets/update?ticket_number={n}", json={
                "priority": self.random.choice([1, 5, 10, 20]),
                "status": self.random.choice(["Open", "Pending", "Resolved"])})
        if pick < 0.90:
            return "add_reply", client.post(f"/apis/v3/tickets/add_reply?ticket_number={n}",
                                            json={"body": "<p>We are on it.</p>"})
        if pick < 0.95:
            return "add_note", client.post(f"/apis/v3/tickets/add_note?ticket_number={n}",
                                           json={"body": "internal", "private_note": 1})
        bad = self.random.choice([
            "/apis/v3/tickets?ticket_count=7", "/apis/v3/tickets?filters=%7B",
            "/apis/v3/tickets/details?ticket_number=abc",
            f"/apis/v3/tickets/details?ticket_number={self.tickets * 10}"])
        return "bad_input", client.get(bad)

    def run(self) -> None:
        with httpx.Client(base_url=self.base, headers=self.headers, timeout=60) as client:
            while not self.stop.is_set():
                try:
                    name, response = self._request(client)
                except httpx.HTTPError as error:
                    with self.lock:
                        self.statuses["transport error"] += 1
                        self.failures.append(f"transport: {error!r}")
                    continue
                kind = f"{response.status_code // 100}xx"
                with self.lock:
                    self.statuses[kind] += 1
                    if response.status_code >= 500:
                        self.failures.append(f"{name}: {response.status_code} "
                                             f"{response.text[:200]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--tickets", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()

    _url, env = prepare(args.database, args)
    log(f"soak on {args.database}: migrate, tenant, {args.tickets:,} tickets")
    cli(env, "migrate")
    cli(env, "tenant", "create", TENANT, "--demo")
    key = cli(env, "apikey", "create", "--tenant", TENANT).stdout.strip()
    cli(env, "tenant", "set-limits", TENANT, "--unlimited")
    cli(env, "seed", "--tenant", TENANT, "--tickets", str(args.tickets))
    port = free_port()
    host = f"{TENANT}.localhost:{port}"
    server = start_server(env, port, host, key)
    tally = Tally()
    stop, statuses, failures, lock = tally.stop, tally.statuses, tally.failures, tally.lock
    samples: list[tuple[float, dict[int, tuple[float, int]]]] = []
    clients = [Client(f"http://127.0.0.1:{port}", {"Host": host, "Authorization": key},
                      args.tickets, seed=seed, tally=tally)
               for seed in range(args.clients)]
    started = time.monotonic()
    try:
        for client in clients:
            client.start()
        deadline = started + args.minutes * 60
        while time.monotonic() < deadline:
            time.sleep(min(SAMPLE_SECONDS, max(0.0, deadline - time.monotonic())))
            stats = _worker_stats(worker_pids(server.pid))
            samples.append((time.monotonic() - started, stats))
            with lock:
                total = sum(statuses.values())
            log(f"{samples[-1][0]:6.0f} s  {total:7d} requests  workers "
                + "  ".join(f"{pid}: {rss} MB, {fds} fds" for pid, (rss, fds) in stats.items()))
    finally:
        stop.set()
        for client in clients:
            client.join(timeout=90)
        stop_server(server)

    print(f"\nsoak: {args.minutes:g} min on {args.database}, {args.clients} clients, "
          f"{sum(statuses.values())} requests: {dict(sorted(statuses.items()))}")
    problems = [f"{len(failures)} server errors or transport failures, e.g. {failures[:3]}"] \
        if failures else []
    warm = samples[max(0, len(samples) // 5 - 1)][1] if samples else {}
    last = samples[-1][1] if samples else {}
    for pid, (rss, fds) in last.items():
        if pid not in warm:
            problems.append(f"worker {pid} was not there after warm-up (restarted?)")
            continue
        warm_rss, warm_fds = warm[pid]
        print(f"worker {pid}: RSS {warm_rss} -> {rss} MB, open files {warm_fds} -> {fds}")
        if rss > warm_rss * (1 + RSS_TOLERANCE):
            problems.append(f"worker {pid} memory grew {warm_rss} -> {rss} MB")
        if fds > warm_fds + FDS_TOLERANCE:
            problems.append(f"worker {pid} open files grew {warm_fds} -> {fds}")
    if problems:
        print("FAILED:\n  " + "\n  ".join(problems))
        raise SystemExit(1)
    print("passed: no 5xx, memory and open files flat after warm-up")


if __name__ == "__main__":
    main()
