"""tenant policy reads its setting once per statement

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-08 04:40:00

PostgreSQL only. The tenant policy of every tenant table (supportdesk.db.rls)
is created anew with the bound tenant read in scalar subqueries, which
PostgreSQL evaluates once per statement (InitPlans), instead of two
current_setting() calls on every row a scan visits. The rows it admits are
the same. At 1,000,000 tickets under the policy: the page at offset 900,000
50 -> 20 ms, the filtered page of 100 17 -> 11 ms (docs/benchmarks.md).
"""

from __future__ import annotations

from alembic import op

from supportdesk.db.rls import PER_ROW_CONDITION, enable_tenant_policies

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    enable_tenant_policies(op.get_bind())


def downgrade() -> None:
    enable_tenant_policies(op.get_bind(), condition=PER_ROW_CONDITION)
