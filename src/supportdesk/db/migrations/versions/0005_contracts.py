"""contracts

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 11:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('has_contract_access', sa.Boolean(), server_default=sa.false(), nullable=False))

    op.create_table('contracts',
    sa.Column('tenant_id', ID, nullable=False),
    sa.Column('id', ID, nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('reference_number', sa.String(length=100), nullable=True),
    sa.Column('company_id', ID, nullable=False),
    sa.Column('contract_type', sa.SmallInteger(), nullable=False),
    sa.Column('bill_cycle', sa.SmallInteger(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('setup_fees', sa.Integer(), nullable=True),
    sa.Column('sla_policy_id', ID, nullable=True),
    sa.Column('category', sa.String(length=200), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('after_hours_included', sa.Boolean(), nullable=False),
    sa.Column('contract_hours', sa.Integer(), nullable=True),
    sa.Column('min_increment', sa.Integer(), nullable=True),
    sa.Column('rollover_unused_hours', sa.Boolean(), nullable=False),
    sa.Column('rollover_type', sa.SmallInteger(), nullable=True),
    sa.Column('rollover_value', sa.Integer(), nullable=True),
    sa.Column('contract_tickets', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'company_id'], ['companies.tenant_id', 'companies.id'], name=op.f('fk_contracts_tenant_id_company_id_companies')),
    sa.ForeignKeyConstraint(['tenant_id', 'sla_policy_id'], ['sla_policies.tenant_id', 'sla_policies.id'], name=op.f('fk_contracts_tenant_id_sla_policy_id_sla_policies')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_contracts_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_contracts'))
    )
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.create_index('ix_contracts_tenant_company', ['tenant_id', 'company_id', 'starts_at'], unique=False)
        batch_op.create_index('ix_contracts_tenant_name', ['tenant_id', 'name'], unique=False)
        batch_op.create_index('uq_contracts_tenant_reference_number', ['tenant_id', 'reference_number'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('contracts', schema=None) as batch_op:
        batch_op.drop_index('uq_contracts_tenant_reference_number')
        batch_op.drop_index('ix_contracts_tenant_name')
        batch_op.drop_index('ix_contracts_tenant_company')
    op.drop_table('contracts')
    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.drop_column('has_contract_access')
