"""Pol.is ids: the participant and comment ids of a workshop made by import-polis (CONTRACT §9)

`export --format polis` writes them back, so that an export can be compared
row by row with the Pol.is data it came from. Null for everything made in
Facilitator, and for workshops imported before this revision (their export
uses Facilitator's ids).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('polis_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_participants_workshop_id_polis_id'), ['workshop_id', 'polis_id'])
    with op.batch_alter_table('positions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('polis_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_positions_prompt_id_polis_id'), ['prompt_id', 'polis_id'])


def downgrade():
    with op.batch_alter_table('positions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_positions_prompt_id_polis_id'), type_='unique')
        batch_op.drop_column('polis_id')
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_participants_workshop_id_polis_id'), type_='unique')
        batch_op.drop_column('polis_id')
