"""Members report a subject as "fake" (an account, a review or a vote that is not genuine):
one more value in the CHECK constraint of ``flags.reason`` (a non-native enum).

Revision ID: e5a1c0000005
Revises: e5a1c0000004
Create Date: 2026-11-27 17:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e5a1c0000005'
down_revision = 'e5a1c0000004'
branch_labels = None
depends_on = None

# The constraint ``enum_column(FlagReason, "flag_reason")`` creates (naming convention
# "ck_%(table_name)s_%(constraint_name)s"), with the values in the model's order.
CONSTRAINT = 'ck_flags_flag_reason'
OLD = ('spam', 'abuse', 'off_topic', 'other', 'detector')
NEW = ('spam', 'abuse', 'fake', 'off_topic', 'other', 'detector')


def _check(values) -> str:
    return 'reason IN (' + ', '.join(f"'{v}'" for v in values) + ')'


def _replace_check(values) -> None:
    # Batch mode: SQLite rebuilds the table (its other constraints and indexes, the partial
    # ix_flags_open_detector included, are copied); PostgreSQL alters it in place.
    with op.batch_alter_table('flags', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f(CONSTRAINT), type_='check')
        batch_op.create_check_constraint(batch_op.f(CONSTRAINT), _check(values))


def upgrade():
    _replace_check(NEW)


def downgrade():
    # The old constraint has no "fake": such reports become "other", their note kept.
    flags = sa.table('flags', sa.column('reason', sa.String(20)))
    op.execute(flags.update().where(flags.c.reason == 'fake').values(reason='other'))
    _replace_check(OLD)
