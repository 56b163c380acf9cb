"""``serve`` caps glibc's malloc arenas in its worker processes (supportdesk/memory.py)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from tests.e2e.servers import ServerProcess, provision, server_env

pytestmark = pytest.mark.e2e


def _workers(pid: int) -> list[int]:
    """The worker processes uvicorn's supervisor ``pid`` started (Linux's /proc).

    Its other child is multiprocessing's resource tracker.
    """
    children = [int(child) for child in
                Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return [child for child in children
            if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes()]


def _arena_variable(pid: int) -> str | None:
    """``MALLOC_ARENA_MAX`` in the environment process ``pid`` started with."""
    for entry in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0"):
        name, _, value = entry.decode(errors="replace").partition("=")
        if name == "MALLOC_ARENA_MAX":
            return value
    return None


def _worker_arenas(tmp_path: Path, database_url: str, setting: str | None) -> list[str | None]:
    env = server_env(tmp_path, database_url)
    env.pop("MALLOC_ARENA_MAX", None)
    env.pop("SUPPORTDESK_MALLOC_ARENAS", None)
    if setting is not None:
        env["SUPPORTDESK_MALLOC_ARENAS"] = setting
    # Unique: on PostgreSQL every server of the suite shares one database.
    subdomain = f"mem{uuid.uuid4().hex[:10]}"
    key = provision(env, subdomain)
    with ServerProcess(env, workers=2, stop_timeout=30) as server:
        assert server.ping(key, subdomain) == 200
        assert server.process is not None
        found = [_arena_variable(pid) for pid in _workers(server.process.pid)]
    assert len(found) == 2
    return found


def test_workers_start_with_two_malloc_arenas_by_default(tmp_path: Path,
                                                        database_url: str) -> None:
    assert set(_worker_arenas(tmp_path, database_url, None)) == {"2"}


def test_the_setting_changes_the_cap_and_zero_leaves_glibc_alone(tmp_path: Path,
                                                                 database_url: str) -> None:
    assert set(_worker_arenas(tmp_path / "four", database_url, "4")) == {"4"}
    assert set(_worker_arenas(tmp_path / "none", database_url, "0")) == {None}
