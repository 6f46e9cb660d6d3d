"""The activity log (community/accounts/activity.py): one compact row per sign-up, log-in,
vote, priority change, review and post, with keyed hashes of where it came from, read by the
trust detectors and pruned by `flask trust purge`.

Revision ID: e5a1c0000001
Revises: d4e5f6a7b804
Create Date: 2026-11-27 17:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e5a1c0000001'
down_revision = 'd4e5f6a7b804'
branch_labels = None
depends_on = None

KINDS = ('signup', 'login', 'vote_cast', 'vote_changed', 'vote_withdrawn', 'priority_changed',
         'review_written', 'review_edited', 'post_written')


def upgrade():
    op.create_table(
        'activity',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum(*KINDS, name='activity_kind', native_enum=False,
                                  create_constraint=True, length=20), nullable=False),
        sa.Column('subject_type', sa.String(length=20), nullable=True),
        sa.Column('subject_id', sa.Integer(), nullable=True),
        sa.Column('value', sa.Integer(), nullable=True),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('ip_hash', sa.String(length=16), nullable=True),
        sa.Column('net_hash', sa.String(length=16), nullable=True),
        sa.Column('device_hash', sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_activity_user_at', 'activity', ['user_id', 'at'])
    op.create_index('ix_activity_subject_at', 'activity', ['subject_type', 'subject_id', 'at'])
    op.create_index('ix_activity_at', 'activity', ['at'])
    op.create_index('ix_activity_net', 'activity', ['net_hash'])
    op.create_index('ix_activity_device', 'activity', ['device_hash'])


def downgrade():
    op.drop_table('activity')
