"""admin settings: business hours, holidays, SLA targets per priority

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 11:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def _sla_policies_columns(*, with_hours: bool) -> list[sa.Column[object]]:
    columns: list[sa.Column[object]] = [
        sa.Column('tenant_id', ID, nullable=False),
        sa.Column('id', ID, nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('is_default', sa.Boolean(), nullable=False),
        sa.Column('first_response_minutes', sa.Integer(), nullable=True),
        sa.Column('resolution_minutes', sa.Integer(), nullable=True),
    ]
    if with_hours:
        columns += [
            sa.Column('hours_mode', sa.String(length=10), server_default='calendar', nullable=False),
            sa.Column('business_hours_id', ID, nullable=True),
        ]
    return columns


def _rebuild_sqlite_sla_policies(*, with_hours: bool) -> None:
    """Rebuild sla_policies on SQLite, which cannot add a foreign key in place.

    Tickets and companies refer to sla_policies and foreign keys stay on
    inside the migration's transaction. Renaming the table would rewrite
    their references, so the rows are copied aside, the table is dropped
    and created again under its own name with checks deferred, and putting
    the rows back satisfies the references again before the commit.
    """
    kept = 'tenant_id, id, name, is_default, first_response_minutes, resolution_minutes'
    op.execute('PRAGMA defer_foreign_keys = ON')
    op.execute(f'CREATE TABLE _sla_policies_copy AS SELECT {kept} FROM sla_policies')
    op.drop_index('uq_sla_policies_tenant_name', table_name='sla_policies')
    op.drop_table('sla_policies')
    constraints: list[sa.Constraint] = [
        sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_sla_policies_tenant_id_tenants'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_sla_policies')),
    ]
    if with_hours:
        constraints.append(sa.ForeignKeyConstraint(['tenant_id', 'business_hours_id'], ['business_hours.tenant_id', 'business_hours.id'], name=op.f('fk_sla_policies_tenant_id_business_hours_id_business_hours')))
    op.create_table('sla_policies', *_sla_policies_columns(with_hours=with_hours), *constraints)
    op.create_index('uq_sla_policies_tenant_name', 'sla_policies', ['tenant_id', 'name'], unique=True)
    op.execute(f'INSERT INTO sla_policies ({kept}) SELECT {kept} FROM _sla_policies_copy')
    op.execute('DROP TABLE _sla_policies_copy')


def upgrade() -> None:
    op.create_table('business_hours',
    sa.Column('tenant_id', ID, nullable=False),
    sa.Column('id', ID, nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('week', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_business_hours_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_business_hours'))
    )
    with op.batch_alter_table('business_hours', schema=None) as batch_op:
        batch_op.create_index('uq_business_hours_tenant_name', ['tenant_id', 'name'], unique=True)

    op.create_table('business_holidays',
    sa.Column('tenant_id', ID, nullable=False),
    sa.Column('business_hours_id', ID, nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'business_hours_id'], ['business_hours.tenant_id', 'business_hours.id'], name=op.f('fk_business_holidays_tenant_id_business_hours_id_business_hours'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_business_holidays_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'business_hours_id', 'day', name=op.f('pk_business_holidays'))
    )

    if op.get_bind().dialect.name == 'sqlite':
        _rebuild_sqlite_sla_policies(with_hours=True)
    else:
        op.add_column('sla_policies', sa.Column('hours_mode', sa.String(length=10), server_default='calendar', nullable=False))
        op.add_column('sla_policies', sa.Column('business_hours_id', ID, nullable=True))
        op.create_foreign_key(op.f('fk_sla_policies_tenant_id_business_hours_id_business_hours'), 'sla_policies', 'business_hours', ['tenant_id', 'business_hours_id'], ['tenant_id', 'id'])

    op.create_table('sla_targets',
    sa.Column('tenant_id', ID, nullable=False),
    sa.Column('sla_policy_id', ID, nullable=False),
    sa.Column('priority', sa.SmallInteger(), nullable=False),
    sa.Column('first_response_minutes', sa.Integer(), nullable=True),
    sa.Column('resolution_minutes', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id', 'sla_policy_id'], ['sla_policies.tenant_id', 'sla_policies.id'], name=op.f('fk_sla_targets_tenant_id_sla_policy_id_sla_policies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_sla_targets_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'sla_policy_id', 'priority', name=op.f('pk_sla_targets'))
    )


def downgrade() -> None:
    op.drop_table('sla_targets')
    if op.get_bind().dialect.name == 'sqlite':
        _rebuild_sqlite_sla_policies(with_hours=False)
    else:
        op.drop_constraint(op.f('fk_sla_policies_tenant_id_business_hours_id_business_hours'), 'sla_policies', type_='foreignkey')
        op.drop_column('sla_policies', 'business_hours_id')
        op.drop_column('sla_policies', 'hours_mode')
    op.drop_table('business_holidays')
    with op.batch_alter_table('business_hours', schema=None) as batch_op:
        batch_op.drop_index('uq_business_hours_tenant_name')
    op.drop_table('business_hours')
