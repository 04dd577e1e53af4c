"""workshop reports: the rapporteur's fields of the IGF session report

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('workshop_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('key_takeaways', sa.JSON(), nullable=False),
    sa.Column('calls_to_action', sa.JSON(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('gender_balance', sa.String(length=500), nullable=False),
    sa.Column('moderators', sa.String(length=500), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], name=op.f('fk_workshop_reports_workshop_id_workshops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workshop_reports')),
    sa.UniqueConstraint('workshop_id', name=op.f('uq_workshop_reports_workshop_id'))
    )


def downgrade():
    op.drop_table('workshop_reports')
