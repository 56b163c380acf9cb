"""Header limits through a real `supportdesk serve`: raw oversized heads over a socket.

``serve`` lets uvicorn buffer 4 times ``max_header_bytes`` of unfinished
request head, so heads over the application's limits reach it and get the
431 JSON body; an unfinished head beyond that gets uvicorn's own plain-text
400, and the server keeps serving.
"""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import Iterator

import orjson
import pytest

from tests.e2e.servers import ServerProcess, provision, server_env

pytestmark = pytest.mark.e2e

TOTAL = 16 * 1024
FIELD = 8 * 1024
UVICORN_LIMIT = 4 * TOTAL


class Server:
    """A running server's address, tenant host and key."""

    def __init__(self, port: int, host: str, key: str) -> None:
        self.port = port
        self.host = host
        self.key = key

    def head(self, extra: list[tuple[str, str]]) -> bytes:
        """The head of ``GET /apis/v3/ping`` with ``extra`` fields, blank line included."""
        lines = ["GET /apis/v3/ping HTTP/1.1", f"Host: {self.host}",
                 f"Authorization: {self.key}", "Connection: close",
                 *(f"{name}: {value}" for name, value in extra)]
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    def exchange(self, extra: list[tuple[str, str]]) -> tuple[int, dict[str, str], bytes]:
        """Send ``GET /apis/v3/ping`` with ``extra`` fields; the status, headers and body."""
        return self.send([self.head(extra)])

    def send(self, parts: list[bytes]) -> tuple[int, dict[str, str], bytes]:
        """Send ``parts`` one write each, a moment apart; the answer's status, headers, body."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=60) as connection:
            for number, part in enumerate(parts):
                if number:
                    # Lets the server read the earlier part on its own; no
                    # assertion depends on it.
                    time.sleep(0.5)
                connection.sendall(part)
            answer = b""
            while chunk := connection.recv(65536):
                answer += chunk
        top, _, body = answer.partition(b"\r\n\r\n")
        status_line, *fields = top.decode("latin-1").split("\r\n")
        headers = {name.lower(): value.strip()
                   for name, _, value in (field.partition(":") for field in fields)}
        return int(status_line.split(" ")[1]), headers, body


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> Iterator[Server]:
    """A migrated database with one tenant, served by a real process (one per module)."""
    tmp_path = tmp_path_factory.mktemp("headers")
    env = server_env(tmp_path, database_url)
    # Unique: on PostgreSQL the database outlives this module.
    subdomain = f"hdr{uuid.uuid4().hex[:10]}"
    key = provision(env, subdomain)
    # Generous: a loaded CI machine may take long to import and start.
    with ServerProcess(env, timeout=120) as served:
        running = Server(served.port, served.tenant_host(subdomain), key)
        assert running.exchange([])[0] == 200
        yield running


def _refusal(message: str) -> bytes:
    return orjson.dumps({"status": 431, "error": "Request Header Fields Too Large",
                         "message": message})


def test_an_oversized_field_gets_the_431_json_body(server: Server) -> None:
    status, headers, body = server.exchange([("X-Pad", "a" * FIELD)])
    assert (status, headers["content-type"]) == (431, "application/json")
    assert body == _refusal(f"the x-pad header is {FIELD + 5} bytes (name and value); at "
                            f"most {FIELD} bytes per header field are accepted")
    assert server.exchange([])[0] == 200


def test_headers_over_the_total_get_the_431_up_to_uvicorns_limit(server: Server) -> None:
    # Seven fields of 8,000 bytes: 56,000 bytes, over our 16 KiB total and
    # under uvicorn's 64 KiB. Sent in two writes, so that uvicorn holds about
    # 50,000 bytes of unfinished head (over its own 16 KiB default) before
    # the rest arrives: the application, not uvicorn, answers.
    pads = [(f"X-Pad-{n}", "b" * (8000 - len(f"X-Pad-{n}"))) for n in range(7)]
    head = server.head(pads)
    status, headers, body = server.send([head[:50_000], head[50_000:]])
    assert (status, headers["content-type"]) == (431, "application/json")
    counted = (7 * 8000 + len("host") + len(server.host) + len("authorization")
               + len(server.key) + len("connection") + len("close"))
    assert body == _refusal(f"the request headers are {counted} bytes (names and values); "
                            f"at most {TOTAL} bytes in all are accepted")


def test_an_unfinished_head_beyond_uvicorns_limit_gets_its_plain_400_and_the_server_lives(
    server: Server,
) -> None:
    # uvicorn's limit (4 x 16 KiB) is on head bytes it buffers before the
    # blank line: one byte more than it, never finished, is refused at once.
    pads = [(f"X-Pad-{n}", "c" * (8000 - len(f"X-Pad-{n}"))) for n in range(10)]
    unfinished = server.head(pads)[:UVICORN_LIMIT + 1]
    status, headers, body = server.send([unfinished])
    assert (status, headers["content-type"]) == (400, "text/plain; charset=utf-8")
    assert body == b"Invalid HTTP request received."
    assert server.exchange([])[0] == 200
