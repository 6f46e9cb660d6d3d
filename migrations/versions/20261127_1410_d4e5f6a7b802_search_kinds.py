"""Search knows no domain: any registered kind of document (no CHECK on ``kind``, which widens
to 20 characters), a document may have no category (ideas), and the existing ideas are indexed
(title and description, as ``community.ideas.searching.index_idea`` writes them).

SQLite rebuilds ``search_documents`` (batch mode) and so loses the FTS5 triggers:
``create_search_index`` puts them back (and re-indexes the rows, ids unchanged). PostgreSQL
forgets its statistics on a column whose type changes: without them it guesses that
``kind IN ('faq', 'post', 'topic')`` keeps 1.5 % of the rows, leads a search with the
``(kind, ref_id)`` index and takes seconds (measured at 1M documents): ANALYZE once.

Revision ID: d4e5f6a7b802
Revises: d4e5f6a7b801
Create Date: 2026-11-27 14:10:00.000000

"""
from alembic import op
import sqlalchemy as sa

from community.search.models import create_search_index
from community.search.terms import document_terms
from community.text import plain_text


# revision identifiers, used by Alembic.
revision = 'd4e5f6a7b802'
down_revision = 'd4e5f6a7b801'
branch_labels = None
depends_on = None

BATCH = 1000
FORUM_KINDS = ('topic', 'post', 'faq')

documents = sa.table(
    'search_documents',
    sa.column('kind', sa.String), sa.column('ref_id', sa.Integer),
    sa.column('topic_id', sa.Integer), sa.column('category_id', sa.Integer),
    sa.column('author_id', sa.Integer), sa.column('solved', sa.Boolean),
    sa.column('created_at', sa.DateTime), sa.column('title', sa.String),
    sa.column('body', sa.Text), sa.column('stems', sa.Text),
)
ideas = sa.table(
    'ideas',
    sa.column('id', sa.Integer), sa.column('title', sa.String), sa.column('body_html', sa.Text),
    sa.column('author_id', sa.Integer), sa.column('status', sa.String),
    sa.column('created_at', sa.DateTime),
)


def _storable(text):
    return (text or '').replace('\x00', '')  # as search.service.index_document stores it


def _index_ideas(connection) -> None:
    """One document per idea not merged away, in batches (stems computed here, in Python)."""
    last = 0
    while True:
        rows = connection.execute(
            sa.select(ideas.c.id, ideas.c.title, ideas.c.body_html, ideas.c.author_id,
                      ideas.c.created_at)
            .where(ideas.c.id > last, ideas.c.status != 'merged')
            .order_by(ideas.c.id).limit(BATCH)).all()
        if not rows:
            return
        values = []
        for idea_id, title, body_html, author_id, created_at in rows:
            title, body = _storable(title)[:200], _storable(plain_text(body_html))
            values.append({
                'kind': 'idea', 'ref_id': idea_id, 'topic_id': None, 'category_id': None,
                'author_id': author_id, 'solved': False, 'created_at': created_at,
                'title': title, 'body': body, 'stems': document_terms(title, body)})
        connection.execute(sa.insert(documents), values)
        last = rows[-1][0]


def _analyze() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ANALYZE search_documents')


def upgrade():
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_search_documents_kind'), type_='check')
        batch_op.alter_column('kind', existing_type=sa.String(length=8),
                              type_=sa.String(length=20), existing_nullable=False)
        batch_op.alter_column('category_id', existing_type=sa.Integer(), nullable=True)
    create_search_index(op.get_bind())
    _index_ideas(op.get_bind())
    _analyze()


def downgrade():
    # Only the forums' kinds fit the old schema: other kinds' documents go (triggers still on).
    op.execute(sa.delete(documents).where(
        sa.or_(documents.c.kind.not_in(FORUM_KINDS), documents.c.category_id.is_(None))))
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.alter_column('category_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('kind', existing_type=sa.String(length=20),
                              type_=sa.String(length=8), existing_nullable=False)
        batch_op.create_check_constraint(batch_op.f('ck_search_documents_kind'),
                                         "kind IN ('topic', 'post', 'faq')")
    create_search_index(op.get_bind())
    _analyze()
