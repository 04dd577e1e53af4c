"""organizer sessions: a nonce in every login session, renewed at logout

Logging out must end the session on the server too: a cookie copied before
logout must not work after it. Existing organizers get a random nonce.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organizers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_nonce', sa.String(length=32), nullable=True))
    organizers = sa.table('organizers', sa.column('id', sa.Integer), sa.column('session_nonce', sa.String))
    connection = op.get_bind()
    for (organizer_id,) in connection.execute(sa.select(organizers.c.id)).all():
        connection.execute(organizers.update().where(organizers.c.id == organizer_id)
                           .values(session_nonce=secrets.token_hex(16)))
    with op.batch_alter_table('organizers', schema=None) as batch_op:
        batch_op.alter_column('session_nonce', existing_type=sa.String(length=32), nullable=False)


def downgrade():
    with op.batch_alter_table('organizers', schema=None) as batch_op:
        batch_op.drop_column('session_nonce')
