"""row level security

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25 11:30:00

PostgreSQL only: a forced tenant policy on every table with a tenant_id
column (see supportdesk.db.rls). A later migration that adds a tenant table
must call enable_tenant_policy for it; a test checks every tenant table.
"""

from __future__ import annotations

from alembic import op

from supportdesk.db.rls import disable_tenant_policy, enable_tenant_policies, tenant_tables

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    enable_tenant_policies(op.get_bind())


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "postgresql":
        return
    for table in tenant_tables(connection):
        disable_tenant_policy(connection, table)
