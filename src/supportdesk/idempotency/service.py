"""Claiming an idempotency key, remembering the response, replaying it.

The first request with a key claims it (a row with no response yet) in its
own short transaction, runs, and then stores its response. A retry with the
same key and the same request gets the stored response; with another request
it is refused (422). A retry that arrives while the first still runs waits
for it. A claim whose request died (the process was killed) is taken over
after ``STALE_CLAIM``; responses are kept for ``RETENTION``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from supportdesk.clock import Clock
from supportdesk.db.session import Database
from supportdesk.errors import Unprocessable
from supportdesk.idempotency.models import IdempotencyRecord

RETENTION = timedelta(hours=24)
STALE_CLAIM = timedelta(minutes=5)


@dataclass(frozen=True)
class StoredResponse:
    """The response the first request got, to be sent again as it was."""

    status_code: int
    content_type: str | None
    body: bytes


@dataclass(frozen=True)
class RequestKey:
    """Which remembered request this is: tenant, API key and the client's key."""

    tenant_id: int
    api_key_id: int
    idempotency_key: str


class InProgress:
    """The first request with this key has not finished yet."""


IN_PROGRESS = InProgress()


def claim(database: Database, clock: Clock, key: RequestKey,
          fingerprint: str) -> StoredResponse | InProgress | None:
    """Claim ``key`` for this request: None means go ahead and run it.

    Raises Unprocessable when the key was used with a different request.
    """
    now = clock.now()
    for _attempt in range(2):
        with database.session(tenant_id=key.tenant_id, write=True) as session:
            session.execute(delete(IdempotencyRecord)
                            .where(IdempotencyRecord.created_at < now - RETENTION))
            record = session.scalar(
                select(IdempotencyRecord)
                .where(IdempotencyRecord.api_key_id == key.api_key_id,
                       IdempotencyRecord.idempotency_key == key.idempotency_key)
            )
            if record is None:
                session.add(IdempotencyRecord(
                    api_key_id=key.api_key_id, idempotency_key=key.idempotency_key,
                    fingerprint=fingerprint, created_at=now,
                ))
                try:
                    session.commit()
                except IntegrityError:
                    # Another process claimed it between our read and insert
                    # (PostgreSQL; SQLite's write lock serializes claims).
                    session.rollback()
                    continue
                return None
            if record.fingerprint != fingerprint:
                raise Unprocessable(
                    f"the Idempotency-Key {key.idempotency_key!r} was already used with a "
                    "different request; use a new key for a new request"
                )
            if record.status_code is not None:
                return StoredResponse(record.status_code, record.content_type,
                                      record.body or b"")
            if record.created_at < now - STALE_CLAIM:
                record.created_at = now
                session.commit()
                return None
            return IN_PROGRESS
    return IN_PROGRESS


def remember(database: Database, key: RequestKey, response: StoredResponse) -> None:
    """Store the response of the request that claimed ``key``."""
    with database.session(tenant_id=key.tenant_id, write=True) as session:
        record = session.scalar(
            select(IdempotencyRecord)
            .where(IdempotencyRecord.api_key_id == key.api_key_id,
                   IdempotencyRecord.idempotency_key == key.idempotency_key)
        )
        if record is not None:
            record.status_code = response.status_code
            record.content_type = response.content_type
            record.body = response.body
            session.commit()


def release(database: Database, key: RequestKey) -> None:
    """Forget a claim whose request failed on our side, so a retry runs again."""
    with database.session(tenant_id=key.tenant_id, write=True) as session:
        session.execute(
            delete(IdempotencyRecord)
            .where(IdempotencyRecord.api_key_id == key.api_key_id,
                   IdempotencyRecord.idempotency_key == key.idempotency_key,
                   IdempotencyRecord.status_code.is_(None))
        )
        session.commit()
