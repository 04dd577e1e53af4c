"""languages: a workshop's language, and translations of its title, prompts and options (CONTRACT §11)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('workshops') as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=5), server_default='en', nullable=False))
        batch_op.add_column(sa.Column('translations', sa.JSON(), server_default='{}', nullable=False))
    with op.batch_alter_table('prompts') as batch_op:
        batch_op.add_column(sa.Column('translations', sa.JSON(), server_default='{}', nullable=False))
    with op.batch_alter_table('options') as batch_op:
        batch_op.add_column(sa.Column('translations', sa.JSON(), server_default='{}', nullable=False))


def downgrade():
    with op.batch_alter_table('options') as batch_op:
        batch_op.drop_column('translations')
    with op.batch_alter_table('prompts') as batch_op:
        batch_op.drop_column('translations')
    with op.batch_alter_table('workshops') as batch_op:
        batch_op.drop_column('translations')
        batch_op.drop_column('language')
