"""A member's standing (docs/TRUST.md): trust level (and whether a moderator locked it), the
visit days it counts, suspension, and the reduced weight of an account under an open flag;
each review's weight in its product's average, kept like each vote's.

Revision ID: e5a1c0000004
Revises: e5a1c0000003
Create Date: 2026-11-27 17:30:00.000000

"""
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e5a1c0000004'
down_revision = 'e5a1c0000003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('trust_level', sa.SmallInteger(), nullable=False,
                                   server_default='0'))
        batch.add_column(sa.Column('trust_level_locked', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column('days_visited', sa.Integer(), nullable=False,
                                   server_default='0'))
        batch.add_column(sa.Column('last_visit_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('suspended_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('weight_reduced', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.create_check_constraint(op.f('ck_users_trust_level_range'),
                                      'trust_level BETWEEN 0 AND 3')
    with op.batch_alter_table('reviews') as batch:
        batch.add_column(sa.Column('weight', sa.Double(), nullable=False, server_default='1'))
    # What was true before levels stays true: a verified account older than a week was
    # "established" (its votes weigh 1 and count in the trusted ranking), so it starts at
    # level member, which weighs and counts the same; younger ones start new (0.5, as before).
    # Stored vote weights then already agree with the levels: nothing to reweigh.
    week_ago = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=7)
    op.execute(sa.text(
        "UPDATE users SET trust_level = 2 WHERE email_verified_at IS NOT NULL "
        "AND deleted_at IS NULL AND created_at <= :cutoff").bindparams(cutoff=week_ago))
    # A discounted author's reviews were left out of averages by a join; now by their weight.
    op.execute(sa.text(
        "UPDATE reviews SET weight = 0 WHERE author_id IN "
        "(SELECT id FROM users WHERE votes_discounted_at IS NOT NULL)"))


def downgrade():
    with op.batch_alter_table('reviews') as batch:
        batch.drop_column('weight')
    with op.batch_alter_table('users') as batch:
        batch.drop_constraint(op.f('ck_users_trust_level_range'), type_='check')
        for column in ('weight_reduced', 'suspended_at', 'last_visit_on', 'days_visited',
                       'trust_level_locked', 'trust_level'):
            batch.drop_column(column)
