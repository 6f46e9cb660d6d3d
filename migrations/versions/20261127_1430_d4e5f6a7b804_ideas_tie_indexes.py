"""The ideas' list indexes carry each order's tie-break (more votes, then older, then id), so
a page of an order where many ideas tie (the members' priorities before anyone ranked, "most
discussed" before anyone commented) is read in index order instead of sorting every tied row
(100,000 ideas with no comment, "most discussed" on SQLite: 66 ms a page with the old
indexes, 1.4 ms with these; bench/ideas.py's database, list query alone).

Revision ID: d4e5f6a7b804
Revises: d4e5f6a7b803
Create Date: 2026-11-27 14:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd4e5f6a7b804'
down_revision = 'd4e5f6a7b803'
branch_labels = None
depends_on = None

TIES = [sa.text('vote_count DESC'), 'created_at', 'id']
ORDERS = {
    'ix_ideas_status_top': ['status', sa.text('top_score DESC')],
    'ix_ideas_top': [sa.text('top_score DESC')],
    'ix_ideas_trusted': [sa.text('trusted_score DESC')],
    'ix_ideas_trending': [sa.text('trending_score DESC')],
    'ix_ideas_priority': [sa.text('priority_score DESC')],
    'ix_ideas_discussed': [sa.text('comment_count DESC')],
}


def upgrade():
    for name, columns in ORDERS.items():
        op.drop_index(name, table_name='ideas')
        op.create_index(name, 'ideas', columns + TIES, unique=False)
    op.drop_index('ix_ideas_created', table_name='ideas')
    op.create_index('ix_ideas_created', 'ideas', [sa.text('created_at DESC'),
                    sa.text('vote_count DESC'), sa.text('id DESC')], unique=False)


def downgrade():
    for name, columns in ORDERS.items():
        op.drop_index(name, table_name='ideas')
        op.create_index(name, 'ideas', columns + ['id'], unique=False)
    op.drop_index('ix_ideas_created', table_name='ideas')
    op.create_index('ix_ideas_created', 'ideas', [sa.text('created_at DESC'), 'id'],
                    unique=False)
