"""knowledge base

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 11:00:00

Categories (with the companies and agent groups that may see them), their
folders and the articles in those folders.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('kb_categories',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('portal_visibility', sa.SmallInteger(), nullable=False),
    sa.Column('agent_visibility', sa.SmallInteger(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_by_agent_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'created_by_agent_id'], ['agents.tenant_id', 'agents.id'], name=op.f('fk_kb_categories_tenant_id_created_by_agent_id_agents')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_kb_categories_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_kb_categories'))
    )
    with op.batch_alter_table('kb_categories', schema=None) as batch_op:
        batch_op.create_index('uq_kb_categories_tenant_name', ['tenant_id', 'name'], unique=True)

    op.create_table('kb_category_companies',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('category_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('company_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'category_id'], ['kb_categories.tenant_id', 'kb_categories.id'], name=op.f('fk_kb_category_companies_tenant_id_category_id_kb_categories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id', 'company_id'], ['companies.tenant_id', 'companies.id'], name=op.f('fk_kb_category_companies_tenant_id_company_id_companies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_kb_category_companies_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'category_id', 'company_id', name=op.f('pk_kb_category_companies'))
    )
    with op.batch_alter_table('kb_category_companies', schema=None) as batch_op:
        batch_op.create_index('ix_kb_category_companies_tenant_company', ['tenant_id', 'company_id'], unique=False)

    op.create_table('kb_category_groups',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('category_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('group_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'category_id'], ['kb_categories.tenant_id', 'kb_categories.id'], name=op.f('fk_kb_category_groups_tenant_id_category_id_kb_categories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id', 'group_id'], ['groups.tenant_id', 'groups.id'], name=op.f('fk_kb_category_groups_tenant_id_group_id_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_kb_category_groups_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'category_id', 'group_id', name=op.f('pk_kb_category_groups'))
    )
    with op.batch_alter_table('kb_category_groups', schema=None) as batch_op:
        batch_op.create_index('ix_kb_category_groups_tenant_group', ['tenant_id', 'group_id'], unique=False)

    op.create_table('kb_folders',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('category_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_by_agent_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'category_id'], ['kb_categories.tenant_id', 'kb_categories.id'], name=op.f('fk_kb_folders_tenant_id_category_id_kb_categories')),
    sa.ForeignKeyConstraint(['tenant_id', 'created_by_agent_id'], ['agents.tenant_id', 'agents.id'], name=op.f('fk_kb_folders_tenant_id_created_by_agent_id_agents')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_kb_folders_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_kb_folders'))
    )
    with op.batch_alter_table('kb_folders', schema=None) as batch_op:
        batch_op.create_index('uq_kb_folders_tenant_category_name', ['tenant_id', 'category_id', 'name'], unique=True)

    op.create_table('kb_articles',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('folder_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=True),
    sa.Column('body_text', sa.Text(), nullable=True),
    sa.Column('status', sa.SmallInteger(), nullable=False),
    sa.Column('view_count', sa.Integer(), nullable=False),
    sa.Column('like_count', sa.Integer(), nullable=False),
    sa.Column('dislike_count', sa.Integer(), nullable=False),
    sa.Column('created_by_agent_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('updated_by_agent_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'created_by_agent_id'], ['agents.tenant_id', 'agents.id'], name=op.f('fk_kb_articles_tenant_id_created_by_agent_id_agents')),
    sa.ForeignKeyConstraint(['tenant_id', 'folder_id'], ['kb_folders.tenant_id', 'kb_folders.id'], name=op.f('fk_kb_articles_tenant_id_folder_id_kb_folders')),
    sa.ForeignKeyConstraint(['tenant_id', 'updated_by_agent_id'], ['agents.tenant_id', 'agents.id'], name=op.f('fk_kb_articles_tenant_id_updated_by_agent_id_agents')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_kb_articles_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_kb_articles'))
    )
    with op.batch_alter_table('kb_articles', schema=None) as batch_op:
        batch_op.create_index('ix_kb_articles_tenant_folder', ['tenant_id', 'folder_id'], unique=False)
        batch_op.create_index('uq_kb_articles_tenant_title', ['tenant_id', 'title'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('kb_articles', schema=None) as batch_op:
        batch_op.drop_index('uq_kb_articles_tenant_title')
        batch_op.drop_index('ix_kb_articles_tenant_folder')

    op.drop_table('kb_articles')
    with op.batch_alter_table('kb_folders', schema=None) as batch_op:
        batch_op.drop_index('uq_kb_folders_tenant_category_name')

    op.drop_table('kb_folders')
    with op.batch_alter_table('kb_category_groups', schema=None) as batch_op:
        batch_op.drop_index('ix_kb_category_groups_tenant_group')

    op.drop_table('kb_category_groups')
    with op.batch_alter_table('kb_category_companies', schema=None) as batch_op:
        batch_op.drop_index('ix_kb_category_companies_tenant_company')

    op.drop_table('kb_category_companies')
    with op.batch_alter_table('kb_categories', schema=None) as batch_op:
        batch_op.drop_index('uq_kb_categories_tenant_name')

    op.drop_table('kb_categories')
