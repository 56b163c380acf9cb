"""asset locations

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 11:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('asset_locations',
    sa.Column('tenant_id', ID, nullable=False),
    sa.Column('id', ID, nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=600), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('parent_id', ID, nullable=True),
    sa.Column('address_line_1', sa.String(length=255), nullable=True),
    sa.Column('address_line_2', sa.String(length=255), nullable=True),
    sa.Column('city', sa.String(length=100), nullable=True),
    sa.Column('state', sa.String(length=100), nullable=True),
    sa.Column('country', sa.String(length=100), nullable=True),
    sa.Column('zipcode', sa.String(length=20), nullable=True),
    sa.Column('contact_person', sa.String(length=200), nullable=True),
    sa.Column('contact_email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=50), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'parent_id'], ['asset_locations.tenant_id', 'asset_locations.id'], name=op.f('fk_asset_locations_tenant_id_parent_id_asset_locations')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_asset_locations_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_asset_locations'))
    )
    with op.batch_alter_table('asset_locations', schema=None) as batch_op:
        batch_op.create_index('ix_asset_locations_tenant_parent', ['tenant_id', 'parent_id'], unique=False)
        batch_op.create_index('uq_asset_locations_tenant_name_key', ['tenant_id', 'name_key'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('asset_locations', schema=None) as batch_op:
        batch_op.drop_index('uq_asset_locations_tenant_name_key')
        batch_op.drop_index('ix_asset_locations_tenant_parent')
    op.drop_table('asset_locations')
