"""Indexes for "what happened to our requests" (issue #13): a club's page reads every vote
and idea of its members. ``votes (user_id, idea_id)`` replaces ``ix_votes_user_id`` and
``ideas (author_id, id)`` replaces ``ix_ideas_author_id``, so both are read from the index
alone (each still serves every lookup by member the old one served, and the foreign keys'
cascades).

Revision ID: e5a1c0000007
Revises: e5a1c0000006
Create Date: 2026-11-27 23:40:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e5a1c0000007'
down_revision = 'e5a1c0000006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_votes_user_idea', 'votes', ['user_id', 'idea_id'])
    op.drop_index('ix_votes_user_id', table_name='votes')
    op.create_index('ix_ideas_author', 'ideas', ['author_id', 'id'])
    op.drop_index('ix_ideas_author_id', table_name='ideas')


def downgrade():
    op.create_index('ix_ideas_author_id', 'ideas', ['author_id'])
    op.drop_index('ix_ideas_author', table_name='ideas')
    op.create_index('ix_votes_user_id', 'votes', ['user_id'])
    op.drop_index('ix_votes_user_idea', table_name='votes')
