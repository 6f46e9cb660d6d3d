"""Clubs and the roadmap (issue #13): a club's description, visibility, invitation link and
logo, its members' roles, e-mail domains and join requests; club ballots with their history;
roadmap items, the ideas linked to them, and changelog entries. Existing club members stay
members; the first member of each existing club becomes its owner.

Revision ID: e5a1c0000006
Revises: e5a1c0000005
Create Date: 2026-11-27 23:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e5a1c0000006'
down_revision = 'e5a1c0000005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('clubs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('description_md', sa.Text(), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('description_html', sa.Text(), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column(
            'visibility', sa.Enum('public', 'members', name='club_visibility',
                                  native_enum=False, create_constraint=True, length=20),
            nullable=False, server_default='public'))
        batch_op.add_column(sa.Column('invite_token', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('logo_version', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.create_unique_constraint(batch_op.f('uq_clubs_invite_token'), ['invite_token'])
    with op.batch_alter_table('club_members', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'role', sa.Enum('member', 'manager', 'owner', name='club_role', native_enum=False,
                            create_constraint=True, length=20),
            nullable=False, server_default='member'))
    # The earliest member of each club owns it (someone must be able to manage it).
    op.execute(
        "UPDATE club_members SET role = 'owner' WHERE (club_id, user_id) IN ("
        " SELECT m.club_id, m.user_id FROM club_members m WHERE m.joined_at = ("
        "  SELECT MIN(e.joined_at) FROM club_members e WHERE e.club_id = m.club_id))")

    op.create_table(
        'club_domains',
        sa.Column('club_id', sa.Integer(), nullable=False),
        sa.Column('domain', sa.String(length=253), nullable=False),
        sa.ForeignKeyConstraint(['club_id'], ['clubs.id'],
                                name=op.f('fk_club_domains_club_id_clubs'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('club_id', 'domain', name=op.f('pk_club_domains')),
    )
    op.create_index(op.f('ix_club_domains_domain'), 'club_domains', ['domain'])
    op.create_table(
        'club_logos',
        sa.Column('club_id', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('mimetype', sa.String(length=20), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['club_id'], ['clubs.id'],
                                name=op.f('fk_club_logos_club_id_clubs'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('club_id', name=op.f('pk_club_logos')),
    )
    op.create_table(
        'club_join_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('club_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('organisation', sa.String(length=120), nullable=False),
        sa.Column('message', sa.String(length=500), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['club_id'], ['clubs.id'],
                                name=op.f('fk_club_join_requests_club_id_clubs'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_club_join_requests_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_club_join_requests')),
        sa.UniqueConstraint('club_id', 'user_id',
                            name=op.f('uq_club_join_requests_club_id_user_id')),
    )
    op.create_index(op.f('ix_club_join_requests_club_id'), 'club_join_requests', ['club_id'])
    op.create_index(op.f('ix_club_join_requests_user_id'), 'club_join_requests', ['user_id'])

    op.create_table(
        'club_ballots',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('club_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('published_by_id', sa.Integer(), nullable=True),
        sa.Column('published_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['club_id'], ['clubs.id'],
                                name=op.f('fk_club_ballots_club_id_clubs'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['published_by_id'], ['users.id'],
                                name=op.f('fk_club_ballots_published_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_club_ballots')),
        sa.UniqueConstraint('club_id', 'version', name=op.f('uq_club_ballots_club_id_version')),
    )
    op.create_table(
        'club_ballot_lines',
        sa.Column('ballot_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('idea_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.String(length=280), nullable=False),
        sa.CheckConstraint('position BETWEEN 1 AND 10',
                           name=op.f('ck_club_ballot_lines_position_range')),
        sa.ForeignKeyConstraint(['ballot_id'], ['club_ballots.id'],
                                name=op.f('fk_club_ballot_lines_ballot_id_club_ballots'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['idea_id'], ['ideas.id'],
                                name=op.f('fk_club_ballot_lines_idea_id_ideas'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('ballot_id', 'position', name=op.f('pk_club_ballot_lines')),
        sa.UniqueConstraint('ballot_id', 'idea_id',
                            name=op.f('uq_club_ballot_lines_ballot_id_idea_id')),
    )
    op.create_index(op.f('ix_club_ballot_lines_idea_id'), 'club_ballot_lines', ['idea_id'])

    op.create_table(
        'roadmap_items',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=140), nullable=False),
        sa.Column('body_md', sa.Text(), nullable=False),
        sa.Column('body_html', sa.Text(), nullable=False),
        sa.Column('horizon', sa.Enum('now', 'next', 'later', 'quarter', name='roadmap_horizon',
                                     native_enum=False, create_constraint=True, length=20),
                  nullable=False),
        sa.Column('quarter', sa.String(length=7), nullable=True),
        sa.Column('status', sa.Enum('planned', 'in_progress', 'shipped', name='roadmap_status',
                                    native_enum=False, create_constraint=True, length=20),
                  nullable=False),
        sa.Column('members_only', sa.Boolean(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('shipped_at', sa.DateTime(), nullable=True),
        sa.CheckConstraint("(horizon = 'quarter') = (quarter IS NOT NULL)",
                           name=op.f('ck_roadmap_items_quarter_with_horizon')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_roadmap_items_created_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_roadmap_items')),
    )
    op.create_index('ix_roadmap_items_board', 'roadmap_items', ['status', 'position', 'id'])
    op.create_table(
        'roadmap_links',
        sa.Column('idea_id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('linked_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['idea_id'], ['ideas.id'],
                                name=op.f('fk_roadmap_links_idea_id_ideas'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['item_id'], ['roadmap_items.id'],
                                name=op.f('fk_roadmap_links_item_id_roadmap_items'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('idea_id', name=op.f('pk_roadmap_links')),
    )
    op.create_index(op.f('ix_roadmap_links_item_id'), 'roadmap_links', ['item_id'])
    op.create_table(
        'changelog_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=True),
        sa.Column('title', sa.String(length=140), nullable=False),
        sa.Column('body_md', sa.Text(), nullable=False),
        sa.Column('body_html', sa.Text(), nullable=False),
        sa.Column('members_only', sa.Boolean(), nullable=False),
        sa.Column('published_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['item_id'], ['roadmap_items.id'],
                                name=op.f('fk_changelog_entries_item_id_roadmap_items'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_changelog_entries')),
        sa.UniqueConstraint('item_id', name=op.f('uq_changelog_entries_item_id')),
    )
    op.create_index('ix_changelog_published', 'changelog_entries',
                    [sa.text('published_at DESC'), 'id'])


def downgrade():
    op.drop_index('ix_changelog_published', table_name='changelog_entries')
    op.drop_table('changelog_entries')
    op.drop_index(op.f('ix_roadmap_links_item_id'), table_name='roadmap_links')
    op.drop_table('roadmap_links')
    op.drop_index('ix_roadmap_items_board', table_name='roadmap_items')
    op.drop_table('roadmap_items')
    op.drop_index(op.f('ix_club_ballot_lines_idea_id'), table_name='club_ballot_lines')
    op.drop_table('club_ballot_lines')
    op.drop_table('club_ballots')
    op.drop_index(op.f('ix_club_join_requests_user_id'), table_name='club_join_requests')
    op.drop_index(op.f('ix_club_join_requests_club_id'), table_name='club_join_requests')
    op.drop_table('club_join_requests')
    op.drop_table('club_logos')
    op.drop_index(op.f('ix_club_domains_domain'), table_name='club_domains')
    op.drop_table('club_domains')
    with op.batch_alter_table('club_members', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_club_members_club_role'), type_='check')
        batch_op.drop_column('role')
    with op.batch_alter_table('clubs', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_clubs_invite_token'), type_='unique')
        batch_op.drop_constraint(batch_op.f('ck_clubs_club_visibility'), type_='check')
        batch_op.drop_column('logo_version')
        batch_op.drop_column('invite_token')
        batch_op.drop_column('visibility')
        batch_op.drop_column('description_html')
        batch_op.drop_column('description_md')
