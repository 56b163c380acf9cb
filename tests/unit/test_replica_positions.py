"""Read-your-writes positions: only ever raised, forgotten after their TTL, shared.

The Redis store runs against the Redis CI starts at 127.0.0.1:6379 (as the
rate-limit tests do); without it that case fails rather than skips.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from pydantic import ValidationError

from supportdesk.config import Settings
from supportdesk.db.replica_positions import (
    LocalPositionStore,
    MemoryPositionStore,
    PositionStore,
    RedisPositionStore,
)

REDIS_URL = os.environ.get("SUPPORTDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
BIG = 0x1_0000_0000_0000  # past what a Lua number (a double) holds exactly: 2**48


@pytest.fixture(params=["memory", "local", "redis"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[PositionStore]:
    if request.param == "memory":
        yield MemoryPositionStore()
    elif request.param == "local":
        yield LocalPositionStore(tmp_path / "positions.db")
    else:
        client = redis.Redis.from_url(REDIS_URL)
        prefix = f"test:rw:{uuid.uuid4().hex}:"
        yield RedisPositionStore(client, prefix=prefix)
        keys = list(client.scan_iter(match=prefix + "*"))
        if keys:
            client.delete(*keys)
        client.close()


def test_a_position_is_only_ever_raised(store: PositionStore) -> None:
    assert store.get("1:1", now=100) is None
    store.advance("1:1", BIG + 7, ttl_seconds=60, now=100)
    store.advance("1:1", BIG + 5, ttl_seconds=60, now=101)
    assert store.get("1:1", now=102) == BIG + 7
    store.advance("1:1", BIG + 9, ttl_seconds=60, now=103)
    assert (store.get("1:1", now=104), store.get("1:2", now=104)) == (BIG + 9, None)


def test_local_positions_expire_and_are_shared_through_the_file(tmp_path: Path) -> None:
    writer = LocalPositionStore(tmp_path / "positions.db")
    reader = LocalPositionStore(tmp_path / "positions.db")
    writer.advance("3:4", 2**63 - 1, ttl_seconds=60, now=1000)
    assert (reader.get("3:4", now=1059), reader.get("3:4", now=1060)) == (2**63 - 1, None)


def test_memory_positions_expire() -> None:
    store = MemoryPositionStore()
    store.advance("3:4", 10, ttl_seconds=60, now=1000)
    assert (store.get("3:4", now=1059), store.get("3:4", now=1060)) == (10, None)


def test_redis_positions_carry_their_expiry() -> None:
    client = redis.Redis.from_url(REDIS_URL)
    prefix = f"test:rw:{uuid.uuid4().hex}:"
    try:
        RedisPositionStore(client, prefix=prefix).advance("3:4", 10, ttl_seconds=60, now=0)
        assert client.get(prefix + "3:4") == b"000000000000000A"
        assert 0 < client.pttl(prefix + "3:4") <= 60_000
    finally:
        client.delete(prefix + "3:4")
        client.close()


def test_replica_urls_are_a_comma_separated_list_of_postgresql_urls() -> None:
    settings = Settings(database_url="postgresql+psycopg://app@db1/desk",
                        database_replica_urls=" postgresql+psycopg://app@db2/desk ,"
                        "postgresql+psycopg://app@db3/desk,")
    assert settings.replica_urls == ["postgresql+psycopg://app@db2/desk",
                                     "postgresql+psycopg://app@db3/desk"]
    assert Settings(database_url="postgresql+psycopg://app@db1/desk").replica_urls == []


def test_replicas_are_refused_on_sqlite_and_for_other_urls() -> None:
    with pytest.raises(ValidationError, match="needs a PostgreSQL SUPPORTDESK_DATABASE_URL"):
        Settings(database_url="sqlite:///x.db",
                 database_replica_urls="postgresql+psycopg://app@db2/desk")
    with pytest.raises(ValidationError, match="every replica URL must be a postgresql:// URL"):
        Settings(database_url="postgresql+psycopg://app@db1/desk",
                 database_replica_urls="mysql://app@db2/desk")
