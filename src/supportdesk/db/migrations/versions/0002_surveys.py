"""surveys

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 11:00:00

Survey definitions (Customer Satisfaction, Five Star, Net Promoter Score) and
the surveys sent on tickets with the contacts' answers.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('surveys',
    sa.Column('tenant_id', ID, nullable=False),
    sa.Column('id', ID, nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=True),
    sa.Column('survey_type', sa.SmallInteger(), nullable=False),
    sa.Column('cs_scale', sa.SmallInteger(), nullable=True),
    sa.Column('cs_rating_order', sa.SmallInteger(), nullable=True),
    sa.Column('cs_neutral_type', sa.SmallInteger(), nullable=True),
    sa.Column('cs_scale_point_map', sa.JSON(), nullable=True),
    sa.Column('question', sa.String(length=500), nullable=False),
    sa.Column('cs_question_2', sa.String(length=500), nullable=True),
    sa.Column('cs_question_3', sa.String(length=500), nullable=True),
    sa.Column('thankyou_text', sa.String(length=1000), nullable=True),
    sa.Column('include_additional_comments', sa.Boolean(), nullable=False),
    sa.Column('additional_comments_title', sa.String(length=500), nullable=True),
    sa.Column('notify_type', sa.SmallInteger(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('is_deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_surveys_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_surveys'))
    )
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.create_index('uq_surveys_tenant_name_key', ['tenant_id', 'name_key'], unique=True)
        batch_op.create_index('ix_surveys_tenant_created', ['tenant_id', 'created_at', 'id'], unique=False)

    op.create_table('sent_surveys',
    sa.Column('tenant_id', ID, nullable=False),
    sa.Column('id', ID, nullable=False),
    sa.Column('survey_id', ID, nullable=False),
    sa.Column('ticket_number', ID, nullable=False),
    sa.Column('contact_id', ID, nullable=False),
    sa.Column('assignee_id', ID, nullable=True),
    sa.Column('question', sa.String(length=500), nullable=False),
    sa.Column('cs_question_2', sa.String(length=500), nullable=True),
    sa.Column('cs_question_3', sa.String(length=500), nullable=True),
    sa.Column('additional_comments_title', sa.String(length=500), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.Column('rated_at', sa.DateTime(), nullable=True),
    sa.Column('rating', sa.SmallInteger(), nullable=True),
    sa.Column('cs_rating_2', sa.SmallInteger(), nullable=True),
    sa.Column('cs_rating_3', sa.SmallInteger(), nullable=True),
    sa.Column('additional_comments_response', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id', 'assignee_id'], ['agents.tenant_id', 'agents.id'], name=op.f('fk_sent_surveys_tenant_id_assignee_id_agents')),
    sa.ForeignKeyConstraint(['tenant_id', 'contact_id'], ['contacts.tenant_id', 'contacts.id'], name=op.f('fk_sent_surveys_tenant_id_contact_id_contacts')),
    sa.ForeignKeyConstraint(['tenant_id', 'survey_id'], ['surveys.tenant_id', 'surveys.id'], name=op.f('fk_sent_surveys_tenant_id_survey_id_surveys')),
    sa.ForeignKeyConstraint(['tenant_id', 'ticket_number'], ['tickets.tenant_id', 'tickets.number'], name=op.f('fk_sent_surveys_tenant_id_ticket_number_tickets'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_sent_surveys_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_sent_surveys'))
    )
    with op.batch_alter_table('sent_surveys', schema=None) as batch_op:
        batch_op.create_index('ix_sent_surveys_tenant_ticket_sent', ['tenant_id', 'ticket_number', 'sent_at', 'id'], unique=False)
        batch_op.create_index('ix_sent_surveys_tenant_rated', ['tenant_id', 'rated_at', 'id'], unique=False)
        batch_op.create_index('ix_sent_surveys_tenant_survey', ['tenant_id', 'survey_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('sent_surveys', schema=None) as batch_op:
        batch_op.drop_index('ix_sent_surveys_tenant_survey')
        batch_op.drop_index('ix_sent_surveys_tenant_rated')
        batch_op.drop_index('ix_sent_surveys_tenant_ticket_sent')

    op.drop_table('sent_surveys')
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.drop_index('ix_surveys_tenant_created')
        batch_op.drop_index('uq_surveys_tenant_name_key')

    op.drop_table('surveys')
