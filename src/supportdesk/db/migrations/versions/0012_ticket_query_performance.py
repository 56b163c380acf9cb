"""ticket query performance: kept ticket counts, folded company names, two ticket indexes

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-25 14:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from supportdesk.db.rls import enable_tenant_policy

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

# Filter key -> tickets column, as tickets/counters.py counts them (-1 for unset).
COUNTED = {
    'status': 'status_id', 'priority': 'priority', 'type': 'type_id', 'group': 'group_id',
    'assigned_to': 'assignee_id', 'category': 'category_id',
    'subcategory': 'subcategory_id', 'source': 'source',
}


def upgrade() -> None:
    connection = op.get_bind()
    op.create_table('ticket_counts',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('dimension', sa.String(length=20), nullable=False),
    sa.Column('value', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('count', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_ticket_counts_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'dimension', 'value', name=op.f('pk_ticket_counts'))
    )
    if connection.dialect.name == "postgresql":
        enable_tenant_policy(connection, 'ticket_counts')
    # Backfill from the tickets already there: one GROUP BY per counted key.
    connection.execute(sa.text(
        "INSERT INTO ticket_counts (tenant_id, dimension, value, count) "
        "SELECT tenant_id, 'all', 0, count(*) FROM tickets GROUP BY tenant_id"))
    for key, column in COUNTED.items():
        connection.execute(sa.text(
            "INSERT INTO ticket_counts (tenant_id, dimension, value, count) "
            f"SELECT tenant_id, '{key}', COALESCE({column}, -1), count(*) FROM tickets "
            f"GROUP BY tenant_id, COALESCE({column}, -1)"))

    op.create_index('ix_tickets_tenant_subcategory', 'tickets', ['tenant_id', 'subcategory_id', 'created_at'], unique=False)
    op.create_index('ix_tickets_tenant_facets', 'tickets', ['tenant_id', 'status_id', 'priority', 'group_id', 'type_id', 'assignee_id', 'category_id', 'subcategory_id', 'source', 'created_at', 'number'], unique=False)

    # Company names folded in Python (str.casefold): SQLite's lower() is ASCII-only.
    op.add_column('companies', sa.Column('name_folded', sa.String(length=600), nullable=False, server_default=''))
    companies = sa.table('companies', sa.column('tenant_id', sa.BigInteger()),
                         sa.column('id', sa.BigInteger()), sa.column('name', sa.String()),
                         sa.column('name_folded', sa.String()))
    rows = connection.execute(sa.select(companies.c.tenant_id, companies.c.id,
                                        companies.c.name)).all()
    if rows:
        connection.execute(
            companies.update()
            .where(companies.c.tenant_id == sa.bindparam('b_tenant'),
                   companies.c.id == sa.bindparam('b_id'))
            .values(name_folded=sa.bindparam('b_folded')),
            [{'b_tenant': tenant_id, 'b_id': company_id, 'b_folded': name.casefold()}
             for tenant_id, company_id, name in rows])
    if connection.dialect.name == "postgresql":
        op.alter_column('companies', 'name_folded', server_default=None)
    op.create_index('ix_companies_tenant_name_folded', 'companies', ['tenant_id', 'name_folded'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_companies_tenant_name_folded', table_name='companies')
    # Not a batch copy: rebuilding companies on SQLite would trip the tickets' foreign keys.
    op.execute('ALTER TABLE companies DROP COLUMN name_folded')
    op.drop_index('ix_tickets_tenant_facets', table_name='tickets')
    op.drop_index('ix_tickets_tenant_subcategory', table_name='tickets')
    op.drop_table('ticket_counts')
