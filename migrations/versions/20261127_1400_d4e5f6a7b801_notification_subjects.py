"""Notifications name their subject as a flag does (subject_type, subject_id), not an idea.

Notify knows no domain: the domain that registered a kind words it from the subject. Existing
rows move: a row with an idea becomes ("idea", idea_id); a forum row ("forum_reply",
"forum_topic", "mention", "accepted") becomes ("post", id), the post named in its data
("post_id", or the permalink "/p/<id>" that older rows kept in "url"). A row with neither could
be worded by nobody (no page showed it) and is deleted.

The downgrade gives idea rows their idea_id back (those whose idea is gone are deleted, as
the foreign key's cascade did) and forum rows their "post_id" in data; rows about any other
subject keep no subject.

Revision ID: d4e5f6a7b801
Revises: c9a1e5b0d201
Create Date: 2026-11-27 14:00:00.000000

"""
import re

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd4e5f6a7b801'
down_revision = 'c9a1e5b0d201'
branch_labels = None
depends_on = None

FORUM_KINDS = ('forum_reply', 'forum_topic', 'mention', 'accepted')
PERMALINK = re.compile(r'/p/(\d{1,18})')
CHUNK = 1000

# The table as this revision sees it (never the models: they move on).
notifications = sa.table(
    'notifications',
    sa.column('id', sa.Integer),
    sa.column('kind', sa.String),
    sa.column('idea_id', sa.Integer),
    sa.column('subject_type', sa.String),
    sa.column('subject_id', sa.Integer),
    sa.column('data', sa.JSON),
)
ideas = sa.table('ideas', sa.column('id', sa.Integer))


def _post_of(data):
    """The post a forum row is about: newer rows name it, older ones kept its permalink."""
    data = data or {}
    if isinstance(data.get('post_id'), int):
        return data['post_id']
    found = PERMALINK.fullmatch(str(data.get('url', '')))
    return int(found[1]) if found else None


def _forum_rows(bind, where):
    """(id, subject_id, data) of the forum rows matching ``where``, a chunk at a time."""
    last = 0
    while True:
        rows = bind.execute(
            sa.select(notifications.c.id, notifications.c.subject_id, notifications.c.data)
            .where(notifications.c.kind.in_(FORUM_KINDS), where, notifications.c.id > last)
            .order_by(notifications.c.id).limit(CHUNK)).all()
        if not rows:
            return
        yield rows
        last = rows[-1].id


def upgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject_type', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('subject_id', sa.Integer(), nullable=True))

    bind = op.get_bind()
    bind.execute(sa.update(notifications).where(notifications.c.idea_id.is_not(None))
                 .values(subject_type='idea', subject_id=notifications.c.idea_id))
    for rows in _forum_rows(bind, notifications.c.subject_type.is_(None)):
        moves = [{'row_id': row.id, 'post_id': _post_of(row.data)} for row in rows]
        moves = [move for move in moves if move['post_id'] is not None]
        if moves:
            bind.execute(sa.update(notifications)
                         .where(notifications.c.id == sa.bindparam('row_id'))
                         .values(subject_type='post', subject_id=sa.bindparam('post_id')),
                         moves)
    bind.execute(sa.delete(notifications).where(notifications.c.subject_type.is_(None)))

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.alter_column('subject_type', existing_type=sa.String(length=30),
                              nullable=False)
        batch_op.alter_column('subject_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint(batch_op.f('fk_notifications_idea_id_ideas'),
                                 type_='foreignkey')
        batch_op.drop_column('idea_id')
        batch_op.create_index('ix_notifications_subject', ['subject_type', 'subject_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_subject')
        batch_op.add_column(sa.Column('idea_id', sa.Integer(), nullable=True))

    bind = op.get_bind()
    idea_rows = notifications.c.subject_type == 'idea'
    bind.execute(sa.delete(notifications).where(
        idea_rows, ~notifications.c.subject_id.in_(sa.select(ideas.c.id))))
    bind.execute(sa.update(notifications).where(idea_rows)
                 .values(idea_id=notifications.c.subject_id))
    # Forum rows written since named their post only as their subject.
    for rows in _forum_rows(bind, notifications.c.subject_type == 'post'):
        back = [{'row_id': row.id, 'new_data': {**(row.data or {}), 'post_id': row.subject_id}}
                for row in rows if _post_of(row.data) is None]
        if back:
            bind.execute(sa.update(notifications)
                         .where(notifications.c.id == sa.bindparam('row_id'))
                         .values(data=sa.bindparam('new_data', type_=sa.JSON)), back)

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_notifications_idea_id_ideas'), 'ideas',
                                    ['idea_id'], ['id'], ondelete='CASCADE')
        batch_op.drop_column('subject_id')
        batch_op.drop_column('subject_type')
