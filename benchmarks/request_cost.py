"""What one API call costs the server, in CPU instructions: exact, whatever the machine does.

    .venv/bin/python benchmarks/request_cost.py [--tickets 20000] [--calls 30]
        [--database-url sqlite:///var/bench/request-cost/sd.db] [--scenario NAME ...]

Throughput figures on a shared 2-core machine move by 30% from one run to the
next; instruction counts do not. This runs the application in process under
valgrind's callgrind, drives it through its ASGI interface one call at a time
(middleware, routing, dependencies, thread-pool hops, the service, the
database, serialization: everything but the socket), and reports the
instructions per call of each scenario: the mean of ``--calls`` calls after a
warm-up of every scenario. Compare two versions of the code by running it on
each (same database, same arguments).

It needs valgrind (with its headers) and a C compiler; it seeds its own SQLite
database the first time (``--tickets`` tickets in tenant ``bench``, with
rate limits off). Creates, updates and replies write to that database, so
later runs see a few more tickets; the counts move by well under 1% for it.
"""

# ruff: noqa: S603 - fixed local commands

from __future__ import annotations

import argparse
import asyncio
import ctypes
import itertools
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import orjson

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_DIR = ROOT / "var" / "bench" / "request-cost"
TENANT = "bench"
THREE_FILTERS = {"status": ["Open", "Pending"], "priority": ["10", "20"], "group": ["Sales"]}


def _query(**params: str) -> bytes:
    return "&".join(f"{k}={quote(v, safe='')}" for k, v in params.items()).encode()


# name -> (method, path, query, body factory)
_counter = itertools.count()


def _create_body() -> bytes:
    n = next(_counter) % 100
    return orjson.dumps({"email": f"bench.customer{n}@example.com",
                         "subject": f"Request cost {n}: the VPN drops every hour",
                         "description": f"<p>The printer shows error E{n}.</p>",
                         "priority": 10, "status": "Open"})


SCENARIOS: dict[str, tuple[str, str, bytes, Callable[[], bytes] | None]] = {
    "ping": ("GET", "/apis/v3/ping", b"", None),
    "details": ("GET", "/apis/v3/tickets/details", b"ticket_number=5000", None),
    "list": ("GET", "/apis/v3/tickets", b"", None),
    "list_filtered_100": ("GET", "/apis/v3/tickets", _query(
        ticket_count="100", filters=orjson.dumps(THREE_FILTERS).decode()), None),
    "count": ("GET", "/apis/v3/tickets", _query(filters='{"status": ["Open"]}'), None),
    "create": ("POST", "/apis/v3/tickets/create", b"", _create_body),
    "update": ("PUT", "/apis/v3/tickets/update", b"ticket_number=6000",
               lambda: b'{"priority": 10}'),
    "add_reply": ("POST", "/apis/v3/tickets/add_reply", b"ticket_number=7000",
                  lambda: b'{"body": "<p>We are on it.</p>"}'),
    "search": ("GET", "/apis/v3/tickets/search", _query(
        search_type="1", search_query='{"query": "printer", "search_in": [1, 2]}'), None),
}


def caller(app: Any, key: str) -> Callable[[str], Awaitable[int]]:
    """Send one scenario's request to ``app`` (ASGI), answering its status."""
    async def call(name: str) -> int:
        method, path, query, body_of = SCENARIOS[name]
        body = body_of() if body_of else b""
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
            "method": method, "scheme": "http", "path": path, "raw_path": path.encode(),
            "query_string": query, "root_path": "", "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8080), "state": {},
            "headers": [(b"host", f"{TENANT}.localhost:8080".encode()),
                        (b"authorization", key.encode()),
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode())],
        }
        sent = False
        status = 0

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            await asyncio.sleep(3600)
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])

        await app(scope, receive, send)
        return status
    return call


def measure(url: str, key: str, names: list[str], calls: int, marks: str) -> None:
    """Inside valgrind: warm every scenario up, then dump each one's instructions."""
    os.environ["SUPPORTDESK_DATABASE_URL"] = url
    from supportdesk.app import create_app  # noqa: PLC0415 - after the environment is set
    from supportdesk.config import Settings  # noqa: PLC0415

    app = create_app(Settings())
    call = caller(app, key)
    library = ctypes.CDLL(marks)

    async def run() -> None:
        library.marks_start()
        for _ in range(3):
            for name in names:
                for _ in range(10):
                    status = await call(name)
                    if status >= 300:
                        raise SystemExit(f"{name} answered {status}")
        for name in names:
            library.marks_dump(b"skip")
            for _ in range(calls):
                await call(name)
            library.marks_dump(name.encode())

    asyncio.run(run())


def build_marks(directory: Path) -> Path:
    library = directory / "callgrind_marks.so"
    source = ROOT / "benchmarks" / "callgrind_marks.c"
    if not library.exists() or library.stat().st_mtime < source.stat().st_mtime:
        subprocess.run([os.environ.get("CC", "cc"), "-shared", "-fPIC", "-O1", "-o",
                        str(library), str(source)], check=True)
    return library


def cli(*args: str, env: dict[str, str]) -> str:
    return subprocess.run([str(BIN / "supportdesk"), *args], check=True, env=env,
                          capture_output=True, text=True).stdout


def prepare(url: str, tickets: int, directory: Path, src: Path) -> str:
    """The database (seeded on first use) and an API key for tenant ``bench``."""
    env = {**os.environ, "SUPPORTDESK_DATABASE_URL": url, "PYTHONPATH": str(src.resolve()),
           "SUPPORTDESK_DATA_DIR": str(directory / "data")}
    key_file = directory / "key"
    if not key_file.exists():
        cli("migrate", env=env)
        cli("tenant", "create", TENANT, "--demo", env=env)
        cli("tenant", "set-limits", TENANT, "--unlimited", env=env)
        cli("seed", "--tenant", TENANT, "--tickets", str(tickets), env=env)
        key_file.write_text(cli("apikey", "create", "--tenant", TENANT, env=env).strip())
    return key_file.read_text().strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=20_000)
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--database-url", default=f"sqlite:///{DEFAULT_DIR / 'sd.db'}")
    parser.add_argument("--scenario", action="append", choices=sorted(SCENARIOS))
    parser.add_argument("--src", type=Path, default=ROOT / "src",
                        help="the source tree to measure (another checkout's src/ to compare)")
    parser.add_argument("--measure", nargs=2, metavar=("KEY", "MARKS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    names = args.scenario or list(SCENARIOS)
    if args.measure:
        measure(args.database_url, args.measure[0], names, args.calls, args.measure[1])
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is needed (Debian: apt-get install valgrind)")
    DEFAULT_DIR.mkdir(parents=True, exist_ok=True)
    key = prepare(args.database_url, args.tickets, DEFAULT_DIR, args.src)
    marks = build_marks(DEFAULT_DIR)
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "callgrind.out"
        command = ["valgrind", "--tool=callgrind", "--instr-atstart=no",
                   f"--callgrind-out-file={out}", sys.executable, __file__,
                   "--database-url", args.database_url, "--calls", str(args.calls),
                   *itertools.chain.from_iterable(("--scenario", n) for n in names),
                   "--measure", key, str(marks)]
        env = {**os.environ, "PYTHONPATH": str(args.src.resolve())}
        subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        results: dict[str, int] = {}
        for dump in Path(scratch).glob("callgrind.out*"):
            text = dump.read_text(errors="replace")
            trigger = re.search(r"^desc: Trigger: Client Request: (\S+)", text, re.M)
            summary = re.search(r"^summary: (\d+)", text, re.M)
            if trigger and summary and trigger.group(1) in SCENARIOS:
                results[trigger.group(1)] = int(summary.group(1))
    print(f"instructions per call ({args.calls} calls each, after warm-up); "
          f"source {args.src}; database {args.database_url}")
    print("| scenario | million instructions per call |\n| --- | ---: |")
    for name in names:
        print(f"| {name} | {results[name] / args.calls / 1e6:.2f} |")


if __name__ == "__main__":
    main()
