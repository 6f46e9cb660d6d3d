"""A fresh install gets one forum category, "General", open to everyone (as Discourse ships
with one), so that /forums offers somewhere to post from the start. Only when the site has no
category yet; its name is data (admins rename it, or add others, on /forums/categories).

The downgrade removes it only while it is as this migration wrote it (an admin's own
"general", or one they changed, stays) and empty: no topic and no FAQ entry (its watches go
with it).

Revision ID: d4e5f6a7b803
Revises: d4e5f6a7b802
Create Date: 2026-11-27 14:20:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd4e5f6a7b803'
down_revision = 'd4e5f6a7b802'
branch_labels = None
depends_on = None

SLUG = 'general'

categories = sa.table(
    'forum_categories',
    sa.column('id', sa.Integer), sa.column('slug', sa.String), sa.column('name', sa.String),
    sa.column('description', sa.String), sa.column('colour', sa.String),
    sa.column('position', sa.Integer), sa.column('group_id', sa.Integer),
    sa.column('club_id', sa.Integer), sa.column('staff_only', sa.Boolean),
    sa.column('topic_count', sa.Integer), sa.column('post_count', sa.Integer),
    sa.column('last_posted_at', sa.DateTime), sa.column('last_topic_id', sa.Integer),
)
topics = sa.table('topics', sa.column('id', sa.Integer), sa.column('category_id', sa.Integer))
faq_entries = sa.table('faq_entries', sa.column('id', sa.Integer),
                       sa.column('category_id', sa.Integer))
watches = sa.table('forum_watches', sa.column('category_id', sa.Integer))


GENERAL = dict(slug=SLUG, name='General',
               description='Anything about the community that fits no other category.',
               colour='#3b6ea5', position=0, group_id=None, club_id=None, staff_only=False)


def upgrade():
    connection = op.get_bind()
    if connection.scalar(sa.select(sa.func.count()).select_from(categories)):
        return  # the site already has its categories
    connection.execute(sa.insert(categories).values(
        **GENERAL, topic_count=0, post_count=0, last_posted_at=None, last_topic_id=None))


def downgrade():
    connection = op.get_bind()
    # Only the category this migration wrote, as it wrote it: an admin's own "general" (made
    # before this migration, which then wrote nothing), or one they renamed, stays.
    category_id = connection.scalar(sa.select(categories.c.id).where(
        *(categories.c[name] == value if value is not None else categories.c[name].is_(None)
          for name, value in GENERAL.items())))
    if category_id is None:
        return
    used = connection.scalar(sa.select(sa.func.count()).select_from(topics).where(
        topics.c.category_id == category_id)) or connection.scalar(
        sa.select(sa.func.count()).select_from(faq_entries).where(
            faq_entries.c.category_id == category_id))
    if used:
        return  # members wrote in it: it is theirs now
    connection.execute(sa.delete(watches).where(watches.c.category_id == category_id))
    connection.execute(sa.delete(categories).where(categories.c.id == category_id))
