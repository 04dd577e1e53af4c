"""roles by link, the floor, the agenda clock and the session record (CONTRACT §6-8, §10)

Role links replace the workshop's single moderator token: the existing token
hash becomes an onsite moderator's link (it keeps working), then the column
goes. Hands are the floor's queue and its speeches; agenda visits are the time
spent on each item of the plan; the moderation log gains the moderator's desk;
a workshop gains its session record (IGF's format, speakers, SDGs, ...).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('agenda_visits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('item', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], name=op.f('fk_agenda_visits_workshop_id_workshops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_visits'))
    )
    with op.batch_alter_table('agenda_visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_visits_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('floors',
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('is_open', sa.Boolean(), nullable=False),
    sa.Column('speaking_seconds', sa.Integer(), nullable=False),
    sa.Column('alternate', sa.Boolean(), nullable=False),
    sa.CheckConstraint('speaking_seconds = 0 OR speaking_seconds BETWEEN 30 AND 1800', name=op.f('ck_floors_speaking_seconds')),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], name=op.f('fk_floors_workshop_id_workshops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('workshop_id', name=op.f('pk_floors'))
    )
    op.create_table('role_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('desk', sa.String(length=6), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("(role = 'moderator' AND COALESCE(desk, '') IN ('onsite', 'online')) OR (role = 'rapporteur' AND desk IS NULL)", name=op.f('ck_role_links_desk')),
    sa.CheckConstraint("role IN ('moderator', 'rapporteur')", name=op.f('ck_role_links_role')),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], name=op.f('fk_role_links_workshop_id_workshops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_role_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_role_links_token_hash'))
    )
    with op.batch_alter_table('role_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_role_links_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('hands',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=80), nullable=True),
    sa.Column('attendance', sa.String(length=6), nullable=False),
    sa.Column('stakeholder_group', sa.String(length=24), nullable=True),
    sa.Column('kind', sa.String(length=14), nullable=False),
    sa.Column('note', sa.String(length=140), nullable=True),
    sa.Column('prompt_id', sa.Integer(), nullable=True),
    sa.Column('added_by', sa.String(length=11), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('manual_place', sa.Integer(), nullable=True),
    sa.Column('moved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.CheckConstraint("added_by IN ('participant', 'moderator')", name=op.f('ck_hands_added_by')),
    sa.CheckConstraint("attendance IN ('onsite', 'online')", name=op.f('ck_hands_attendance')),
    sa.CheckConstraint("kind IN ('speak', 'point_of_order')", name=op.f('ck_hands_kind')),
    sa.CheckConstraint("status IN ('waiting', 'speaking', 'spoke', 'lowered', 'removed')", name=op.f('ck_hands_status')),
    sa.CheckConstraint('manual_place IS NULL OR manual_place >= 1', name=op.f('ck_hands_manual_place')),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_hands_participant_id_participants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['prompt_id'], ['prompts.id'], name=op.f('fk_hands_prompt_id_prompts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], name=op.f('fk_hands_workshop_id_workshops'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hands'))
    )
    with op.batch_alter_table('hands', schema=None) as batch_op:
        batch_op.create_index('ix_hands_one_waiting', ['participant_id', 'kind'], unique=True, sqlite_where=sa.text("status = 'waiting'"), postgresql_where=sa.text("status = 'waiting'"))
        batch_op.create_index('ix_hands_workshop_status', ['workshop_id', 'status'], unique=False)

    with op.batch_alter_table('moderation_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('desk', sa.String(length=6), nullable=True))

    # Each workshop's moderator token becomes an onsite moderator's link.
    workshops = sa.table('workshops', sa.column('id', sa.Integer), sa.column('moderator_token_hash', sa.String),
                         sa.column('created_at', sa.DateTime(timezone=True)))
    role_links = sa.table('role_links', sa.column('workshop_id', sa.Integer), sa.column('role', sa.String),
                          sa.column('desk', sa.String), sa.column('token_hash', sa.String),
                          sa.column('created_at', sa.DateTime(timezone=True)))
    connection = op.get_bind()
    rows = connection.execute(sa.select(workshops.c.id, workshops.c.moderator_token_hash,
                                        workshops.c.created_at)).all()
    if rows:
        connection.execute(role_links.insert(), [
            {"workshop_id": wid, "role": "moderator", "desk": "onsite", "token_hash": token_hash,
             "created_at": created_at} for wid, token_hash, created_at in rows])

    with op.batch_alter_table('workshops', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_record', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.drop_constraint(batch_op.f('uq_workshops_moderator_token_hash'), type_='unique')
        batch_op.drop_column('moderator_token_hash')
    with op.batch_alter_table('workshops', schema=None) as batch_op:
        batch_op.alter_column('session_record', server_default=None)



def downgrade():
    # A workshop keeps one moderator token: the oldest active moderator link's.
    with op.batch_alter_table('workshops', schema=None) as batch_op:
        batch_op.add_column(sa.Column('moderator_token_hash', sa.VARCHAR(length=64), nullable=True))
        batch_op.drop_column('session_record')
    op.execute("UPDATE workshops SET moderator_token_hash = (SELECT token_hash FROM role_links "
               "WHERE role_links.workshop_id = workshops.id AND role = 'moderator' AND revoked_at IS NULL "
               "ORDER BY id LIMIT 1)")
    op.execute("UPDATE workshops SET moderator_token_hash = 'revoked-' || id WHERE moderator_token_hash IS NULL")
    with op.batch_alter_table('workshops', schema=None) as batch_op:
        batch_op.alter_column('moderator_token_hash', existing_type=sa.VARCHAR(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_workshops_moderator_token_hash'), ['moderator_token_hash'])

    with op.batch_alter_table('moderation_log', schema=None) as batch_op:
        batch_op.drop_column('desk')

    with op.batch_alter_table('hands', schema=None) as batch_op:
        batch_op.drop_index('ix_hands_workshop_status')
        batch_op.drop_index('ix_hands_one_waiting', sqlite_where=sa.text("status = 'waiting'"), postgresql_where=sa.text("status = 'waiting'"))

    op.drop_table('hands')
    with op.batch_alter_table('role_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_role_links_workshop_id'))

    op.drop_table('role_links')
    op.drop_table('floors')
    with op.batch_alter_table('agenda_visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_visits_workshop_id'))

    op.drop_table('agenda_visits')
