"""rate limits: sliding windows of slots instead of token buckets

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-26 10:00:00

On PostgreSQL the ``database`` rate-limit store's table changes shape: a
counter is now a sliding window kept as ``(slot, units)`` pairs (see
``ratelimit.buckets``), not a token level. The counters are disposable
runtime state, so the old table is dropped rather than converted: every
key starts with nothing counted. SQLite deployments keep their counters in
``<data dir>/ratelimit.db``, which drops its old table itself on first use.
"""

from __future__ import annotations

from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TABLE IF EXISTS ratelimit.buckets')
        # UNLOGGED: counters are not worth WAL traffic; a crash forgets them.
        op.execute(
            'CREATE UNLOGGED TABLE ratelimit.windows ('
            ' name VARCHAR(200) NOT NULL PRIMARY KEY,'
            ' slots TEXT NOT NULL,'
            ' updated_at BIGINT NOT NULL,'
            ' signature VARCHAR(40) NOT NULL,'
            ' expires_at BIGINT NOT NULL)'
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TABLE IF EXISTS ratelimit.windows')
        op.execute(
            'CREATE UNLOGGED TABLE ratelimit.buckets ('
            ' name VARCHAR(200) NOT NULL PRIMARY KEY,'
            ' level BIGINT NOT NULL,'
            ' updated_at BIGINT NOT NULL,'
            ' signature VARCHAR(40) NOT NULL,'
            ' expires_at BIGINT NOT NULL)'
        )
