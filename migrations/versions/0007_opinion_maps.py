"""live opinion maps: whether a prompt's map is shown, and each prompt's last map (CONTRACT §9)

`prompts.opinion_visible` is what `show_opinion_map` sets (false for every
existing prompt). `opinion_maps` keeps each prompt's last published map and
what the next live update needs of it, so that every server process (and the
same one after a restart) continues the same map with growing versions.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('prompts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('opinion_visible', sa.Boolean(), nullable=False, server_default=sa.false()))

    op.create_table('opinion_maps',
    sa.Column('prompt_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('history', sa.JSON(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['prompt_id'], ['prompts.id'], name=op.f('fk_opinion_maps_prompt_id_prompts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('prompt_id', name=op.f('pk_opinion_maps'))
    )


def downgrade():
    op.drop_table('opinion_maps')
    with op.batch_alter_table('prompts', schema=None) as batch_op:
        batch_op.drop_column('opinion_visible')
