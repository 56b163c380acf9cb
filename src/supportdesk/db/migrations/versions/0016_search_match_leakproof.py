"""search match leakproof: the GIN index finds matches under the tenant policy

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 16:40:00

PostgreSQL only. Under the forced tenant policy a search's ``@@`` could not
be a condition of the GIN index, because ``ts_match_vq`` is not LEAKPROOF,
and every search read all of the tenant's documents (``db.rls``). This marks
it LEAKPROOF when the migration runs as a superuser; otherwise it changes
nothing and ``supportdesk migrate`` prints the statement for a superuser to
run once. The downgrade leaves the function as it is: other databases of
the cluster do not share it, and marking it is harmless to them.
"""

from __future__ import annotations

from alembic import op

from supportdesk.db.rls import make_search_match_leakproof

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        make_search_match_leakproof(connection)


def downgrade() -> None:
    pass
