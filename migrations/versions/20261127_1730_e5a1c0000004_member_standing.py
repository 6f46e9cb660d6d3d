"""A member's standing (docs/TRUST.md): trust level (and whether a moderator locked it), the
visit days it counts, suspension, and the reduced weight of an account under an open flag;
each review's weight in its product's average, kept like each vote's.

Revision ID: e5a1c0000004
Revises: e5a1c0000003
Create Date: 2026-11-27 17:30:00.000000

"""
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


def downgrade():
    with op.batch_alter_table('reviews') as batch:
        batch.drop_column('weight')
    with op.batch_alter_table('users') as batch:
        batch.drop_constraint(op.f('ck_users_trust_level_range'), type_='check')
        for column in ('weight_reduced', 'suspended_at', 'last_visit_on', 'days_visited',
                       'trust_level_locked', 'trust_level'):
            batch.drop_column(column)
