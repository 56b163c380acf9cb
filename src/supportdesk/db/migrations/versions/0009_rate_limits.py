"""rate limits

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25 11:00:00

The per-tenant plan table, and on PostgreSQL the counter table the
``database`` rate-limit store uses. The counters live in their own schema
(``ratelimit``): they are disposable runtime state, not part of the model,
and must stay out of tenant row-level security (the per-address counters
belong to no tenant). SQLite deployments keep their counters in a separate
file (``<data dir>/ratelimit.db``) created on first use.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rate_limit_plans',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('calls_per_window', sa.Integer(), nullable=False),
    sa.Column('window_seconds', sa.Integer(), nullable=False),
    sa.Column('tickets_per_hour', sa.Integer(), nullable=False),
    sa.Column('search_cost', sa.Integer(), nullable=False),
    sa.Column('is_unlimited', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_rate_limit_plans_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', name=op.f('pk_rate_limit_plans'))
    )
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('CREATE SCHEMA IF NOT EXISTS ratelimit')
        # UNLOGGED: counters are not worth WAL traffic; a crash forgets them.
        op.execute(
            'CREATE UNLOGGED TABLE ratelimit.buckets ('
            ' name VARCHAR(200) NOT NULL PRIMARY KEY,'
            ' level BIGINT NOT NULL,'
            ' updated_at BIGINT NOT NULL,'
            ' signature VARCHAR(40) NOT NULL,'
            ' expires_at BIGINT NOT NULL)'
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TABLE IF EXISTS ratelimit.buckets')
        op.execute('DROP SCHEMA IF EXISTS ratelimit')
    op.drop_table('rate_limit_plans')
