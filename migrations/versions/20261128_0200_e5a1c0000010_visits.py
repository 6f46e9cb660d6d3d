"""Visits (issue #15): when a member was last seen (noted at most once an hour) and when their
previous visit was, for the home page's "new since your last visit".

Revision ID: e5a1c0000010
Revises: e5a1c0000009
Create Date: 2026-11-28 02:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'e5a1c0000010'
down_revision = 'e5a1c0000009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_seen_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('previous_visit_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('previous_visit_at')
        batch_op.drop_column('last_seen_at')
