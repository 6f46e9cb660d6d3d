"""Groups and events (issue #14): the groups' visibility, rules, roles, cover, invitations,
join requests, directory and creation policy; events, RSVPs and calendar feeds.

Revision ID: e5a1c0000008
Revises: e5a1c0000007
Create Date: 2026-11-28 02:40:50.128407

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'e5a1c0000008'
down_revision = 'e5a1c0000007'
branch_labels = None
depends_on = None

def upgrade():
    op.create_table('calendar_feeds',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_calendar_feeds_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_calendar_feeds')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_feeds_token_hash'))
    )
    op.create_table('directory_profiles',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('company', sa.String(length=100), server_default='', nullable=False),
    sa.Column('job_title', sa.String(length=100), server_default='', nullable=False),
    sa.Column('location', sa.String(length=100), server_default='', nullable=False),
    sa.Column('cohort', sa.String(length=40), server_default='', nullable=False),
    sa.Column('skills', sa.String(length=300), server_default='', nullable=False),
    sa.Column('help_on', sa.String(length=300), server_default='', nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_directory_profiles_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_directory_profiles'))
    )
    op.create_table('group_policy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('min_level', sa.SmallInteger(), nullable=False),
    sa.Column('staff_only', sa.Boolean(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_group_policy_single_row')),
    sa.CheckConstraint('min_level BETWEEN 0 AND 3', name=op.f('ck_group_policy_level_range')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_group_policy_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_policy'))
    )
    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('organiser_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('description_md', sa.Text(), nullable=False),
    sa.Column('description_html', sa.Text(), nullable=False),
    sa.Column('kind', sa.Enum('online', 'in_person', name='event_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('online_url', sa.String(length=500), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('going_count', sa.Integer(), nullable=False),
    sa.Column('waiting_count', sa.Integer(), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.Column('recap_md', sa.Text(), nullable=False),
    sa.Column('recap_html', sa.Text(), nullable=False),
    sa.Column('day_reminder_at', sa.DateTime(), nullable=True),
    sa.Column('hour_reminder_at', sa.DateTime(), nullable=True),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('capacity IS NULL OR capacity > 0', name=op.f('ck_events_capacity_positive')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_events_ends_after_start')),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_events_group_id_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organiser_id'], ['users.id'], name=op.f('fk_events_organiser_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_group_start', ['group_id', 'starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_organiser_id'), ['organiser_id'], unique=False)
        batch_op.create_index('ix_events_start', ['starts_at'], unique=False)

    op.create_table('group_covers',
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('mimetype', sa.String(length=20), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_group_covers_group_id_groups'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('group_id', name=op.f('pk_group_covers'))
    )
    op.create_table('group_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('email_hash', sa.String(length=64), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_group_invitations_group_id_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_group_invitations_invited_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_invitations')),
    sa.UniqueConstraint('group_id', 'email_hash', name=op.f('uq_group_invitations_group_id_email_hash')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_group_invitations_token_hash'))
    )
    with op.batch_alter_table('group_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_invitations_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_group_invitations_invited_by_id'), ['invited_by_id'], unique=False)

    op.create_table('group_join_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('message', sa.String(length=500), server_default='', nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_group_join_requests_group_id_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_group_join_requests_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_join_requests')),
    sa.UniqueConstraint('group_id', 'user_id', name=op.f('uq_group_join_requests_group_id_user_id'))
    )
    with op.batch_alter_table('group_join_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_join_requests_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_group_join_requests_user_id'), ['user_id'], unique=False)

    op.create_table('event_rsvps',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('answer', sa.Enum('yes', 'maybe', 'no', 'waiting', name='rsvp_answer', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_rsvps_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_event_rsvps_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'user_id', name=op.f('pk_event_rsvps'))
    )
    with op.batch_alter_table('event_rsvps', schema=None) as batch_op:
        batch_op.create_index('ix_event_rsvps_event_answer', ['event_id', 'answer', 'answered_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_rsvps_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('group_members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('role', sa.Enum('member', 'manager', 'owner', name='group_role', native_enum=False, create_constraint=True, length=20), server_default='member', nullable=False))
        batch_op.add_column(sa.Column('listed', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('shown_fields', sa.String(length=120), server_default='', nullable=False))
        batch_op.add_column(sa.Column('search_text', sa.String(length=1100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('ambassador', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('ambassador_since', sa.DateTime(), nullable=True))

    with op.batch_alter_table('groups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('description_md', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('description_html', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('rules_md', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('rules_html', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('visibility', sa.Enum('public', 'private', 'secret', name='group_visibility', native_enum=False, create_constraint=True, length=20), server_default='public', nullable=False))
        batch_op.add_column(sa.Column('invite_token', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('cover_version', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('category_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('created_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('member_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_unique_constraint(batch_op.f('uq_groups_invite_token'), ['invite_token'])
        batch_op.create_foreign_key('fk_groups_category_id', 'forum_categories', ['category_id'], ['id'], ondelete='SET NULL', use_alter=True)
        batch_op.create_foreign_key(batch_op.f('fk_groups_created_by_id_users'), 'users', ['created_by_id'], ['id'], ondelete='SET NULL')

    op.create_index('ix_group_members_group_joined', 'group_members', ['group_id', 'listed', 'joined_at'])
    op.create_index('ix_groups_visibility', 'groups', ['visibility'])
    op.create_index('ix_groups_name', 'groups', ['name', 'id'])
    op.create_index('ix_groups_category', 'groups', ['category_id'])

def downgrade():
    op.drop_index('ix_groups_category', table_name='groups')
    op.drop_index('ix_groups_name', table_name='groups')
    op.drop_index('ix_groups_visibility', table_name='groups')
    op.drop_index('ix_group_members_group_joined', table_name='group_members')

    with op.batch_alter_table('groups', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_groups_created_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint('fk_groups_category_id', type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_groups_invite_token'), type_='unique')
        batch_op.drop_constraint(batch_op.f('ck_groups_group_visibility'), type_='check')
        batch_op.drop_column('member_count')
        batch_op.drop_column('created_by_id')
        batch_op.drop_column('category_id')
        batch_op.drop_column('cover_version')
        batch_op.drop_column('invite_token')
        batch_op.drop_column('visibility')
        batch_op.drop_column('rules_html')
        batch_op.drop_column('rules_md')
        batch_op.drop_column('description_html')
        batch_op.drop_column('description_md')

    with op.batch_alter_table('group_members', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_group_members_group_role'), type_='check')
        batch_op.drop_column('ambassador_since')
        batch_op.drop_column('search_text')
        batch_op.drop_column('ambassador')
        batch_op.drop_column('shown_fields')
        batch_op.drop_column('listed')
        batch_op.drop_column('role')

    with op.batch_alter_table('event_rsvps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_rsvps_user_id'))
        batch_op.drop_index('ix_event_rsvps_event_answer')

    op.drop_table('event_rsvps')
    with op.batch_alter_table('group_join_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_join_requests_user_id'))
        batch_op.drop_index(batch_op.f('ix_group_join_requests_group_id'))

    op.drop_table('group_join_requests')
    with op.batch_alter_table('group_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_invitations_invited_by_id'))
        batch_op.drop_index(batch_op.f('ix_group_invitations_group_id'))

    op.drop_table('group_invitations')
    op.drop_table('group_covers')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_start')
        batch_op.drop_index(batch_op.f('ix_events_organiser_id'))
        batch_op.drop_index('ix_events_group_start')

    op.drop_table('events')
    op.drop_table('group_policy')
    op.drop_table('directory_profiles')
    op.drop_table('calendar_feeds')
