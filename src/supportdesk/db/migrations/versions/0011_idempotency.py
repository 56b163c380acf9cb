"""idempotency records

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25 11:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from supportdesk.db.rls import enable_tenant_policy

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('idempotency_records',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('api_key_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('idempotency_key', sa.String(length=255), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=True),
    sa.Column('content_type', sa.Text(), nullable=True),
    sa.Column('body', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_idempotency_records_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'api_key_id', 'idempotency_key', name=op.f('pk_idempotency_records'))
    )
    op.create_index('ix_idempotency_records_tenant_created', 'idempotency_records', ['tenant_id', 'created_at'], unique=False)
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        enable_tenant_policy(connection, 'idempotency_records')


def downgrade() -> None:
    op.drop_index('ix_idempotency_records_tenant_created', table_name='idempotency_records')
    op.drop_table('idempotency_records')
