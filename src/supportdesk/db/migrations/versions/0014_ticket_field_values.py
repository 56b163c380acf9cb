"""ticket field values: the custom field value index the list's filters seek on

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 17:00:00

One row per (ticket, custom field, value) and the kept count of each value,
see supportdesk.tickets.field_values. Existing tickets are indexed here, in
batches of BACKFILL_CHUNK tickets per tenant; the ticket index is created
after the backfill, which fills the primary key alone, and the counts are
one GROUP BY over the rows.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

from supportdesk.db.rls import enable_tenant_policy
from supportdesk.tickets.field_values import value_texts

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

BACKFILL_CHUNK = 5000
_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    connection = op.get_bind()
    op.create_table('ticket_field_values',
    sa.Column('tenant_id', _ID, nullable=False),
    sa.Column('field_id', _ID, nullable=False),
    sa.Column('value', sa.String(length=255), nullable=False),
    sa.Column('ticket_number', _ID, nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'field_id'], ['custom_fields.tenant_id', 'custom_fields.id'], name=op.f('fk_ticket_field_values_tenant_id_custom_fields'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id', 'ticket_number'], ['tickets.tenant_id', 'tickets.number'], name=op.f('fk_ticket_field_values_tenant_id_tickets'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_ticket_field_values_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'field_id', 'value', 'ticket_number', name=op.f('pk_ticket_field_values')),
    sqlite_with_rowid=False,
    )
    op.create_table('ticket_field_counts',
    sa.Column('tenant_id', _ID, nullable=False),
    sa.Column('field_id', _ID, nullable=False),
    sa.Column('value', sa.String(length=255), nullable=False),
    sa.Column('count', _ID, nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'field_id'], ['custom_fields.tenant_id', 'custom_fields.id'], name=op.f('fk_ticket_field_counts_tenant_id_custom_fields'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_ticket_field_counts_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'field_id', 'value', name=op.f('pk_ticket_field_counts'))
    )
    if connection.dialect.name == "postgresql":
        enable_tenant_policy(connection, 'ticket_field_values')
        enable_tenant_policy(connection, 'ticket_field_counts')
    _backfill(connection)
    op.create_index('ix_ticket_field_values_tenant_ticket', 'ticket_field_values', ['tenant_id', 'ticket_number', 'field_id', 'value'], unique=False)
    # Per value, and '' for the tickets with any value in the field.
    connection.execute(sa.text(
        "INSERT INTO ticket_field_counts (tenant_id, field_id, value, count) "
        "SELECT tenant_id, field_id, value, count(*) FROM ticket_field_values "
        "GROUP BY tenant_id, field_id, value"))
    connection.execute(sa.text(
        "INSERT INTO ticket_field_counts (tenant_id, field_id, value, count) "
        "SELECT tenant_id, field_id, '', count(DISTINCT ticket_number) "
        "FROM ticket_field_values GROUP BY tenant_id, field_id"))


def _backfill(connection: sa.Connection) -> None:
    """Index every ticket's custom fields, a chunk of tickets per statement."""
    insert = sa.text("INSERT INTO ticket_field_values (tenant_id, field_id, value, ticket_number) "
                     "VALUES (:tenant_id, :field_id, :value, :ticket_number)")
    chunk = sa.text("SELECT number, custom_fields FROM tickets WHERE tenant_id = :t "
                    "AND number > :after ORDER BY number LIMIT :limit")
    for (tenant_id,) in connection.execute(sa.text("SELECT id FROM tenants ORDER BY id")).all():
        types = {str(field_id): field_type for field_id, field_type in connection.execute(
            sa.text("SELECT id, field_type FROM custom_fields WHERE tenant_id = :t"),
            {"t": tenant_id})}
        if not types:
            continue
        after = 0
        while True:
            tickets = connection.execute(chunk, {"t": tenant_id, "after": after,
                                                 "limit": BACKFILL_CHUNK}).all()
            if not tickets:
                break
            after = tickets[-1][0]
            rows = [
                {"tenant_id": tenant_id, "field_id": int(key), "value": text,
                 "ticket_number": number}
                for number, custom in tickets
                for key, value in _decoded(custom).items() if key in types
                for text in value_texts(types[key], value)
            ]
            if rows:
                connection.execute(insert, rows)


def _decoded(custom: Any) -> dict[str, Any]:
    value = json.loads(custom) if isinstance(custom, str) else custom
    return value if isinstance(value, dict) else {}


def downgrade() -> None:
    op.drop_table('ticket_field_counts')
    op.drop_index('ix_ticket_field_values_tenant_ticket', table_name='ticket_field_values')
    op.drop_table('ticket_field_values')
