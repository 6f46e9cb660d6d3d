"""Trust scans: one row per `flask trust scan` (what it read, what it opened), and one open
detector flag per detector and subject, enforced by a partial unique index.

Revision ID: e5a1c0000003
Revises: e5a1c0000002
Create Date: 2026-11-27 17:20:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e5a1c0000003'
down_revision = 'e5a1c0000002'
branch_labels = None
depends_on = None

OPEN_DETECTOR = "kind = 'detector' AND state = 'open'"


def upgrade():
    op.create_table(
        'trust_scans',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('full', 'incremental', name='trust_scan_kind',
                                  native_enum=False, create_constraint=True, length=20),
                  nullable=False),
        sa.Column('part', sa.String(length=20), nullable=False),
        sa.Column('since', sa.DateTime(), nullable=True),
        sa.Column('started_at', sa.DateTime(), nullable=False),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.Column('events', sa.Integer(), nullable=False),
        sa.Column('findings', sa.Integer(), nullable=False),
        sa.Column('flags_opened', sa.Integer(), nullable=False),
        sa.Column('flags_refreshed', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_trust_scans_started_at', 'trust_scans', ['started_at'])
    op.create_index('ix_flags_open_detector', 'flags', ['detector', 'subject_type', 'subject_id'],
                    unique=True, sqlite_where=sa.text(OPEN_DETECTOR),
                    postgresql_where=sa.text(OPEN_DETECTOR))


def downgrade():
    op.drop_index('ix_flags_open_detector', table_name='flags')
    op.drop_table('trust_scans')
