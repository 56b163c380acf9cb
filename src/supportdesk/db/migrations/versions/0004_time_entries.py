"""time entries

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 11:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('time_entries',
    sa.Column('tenant_id', ID, nullable=False),
    sa.Column('id', ID, nullable=False),
    sa.Column('ticket_number', ID, nullable=False),
    sa.Column('agent_id', ID, nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('is_billable', sa.Boolean(), nullable=False),
    sa.Column('is_timer_running', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('additional_info', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'agent_id'], ['agents.tenant_id', 'agents.id'], name=op.f('fk_time_entries_tenant_id_agent_id_agents')),
    sa.ForeignKeyConstraint(['tenant_id', 'ticket_number'], ['tickets.tenant_id', 'tickets.number'], name=op.f('fk_time_entries_tenant_id_ticket_number_tickets'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_time_entries_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_time_entries'))
    )
    with op.batch_alter_table('time_entries', schema=None) as batch_op:
        batch_op.create_index('ix_time_entries_tenant_agent', ['tenant_id', 'agent_id', 'started_at'], unique=False)
        batch_op.create_index('ix_time_entries_tenant_started', ['tenant_id', 'started_at'], unique=False)
        batch_op.create_index('ix_time_entries_tenant_ticket', ['tenant_id', 'ticket_number', 'started_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('time_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_time_entries_tenant_ticket')
        batch_op.drop_index('ix_time_entries_tenant_started')
        batch_op.drop_index('ix_time_entries_tenant_agent')
    op.drop_table('time_entries')
