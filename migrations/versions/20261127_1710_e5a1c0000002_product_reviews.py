"""Product reviews (community/reviews/): products, one review per member and product (rating
1 to 5, checked), each review's earlier versions, and helpful marks.

Revision ID: e5a1c0000002
Revises: e5a1c0000001
Create Date: 2026-11-27 17:10:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e5a1c0000002'
down_revision = 'e5a1c0000001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'products',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('slug', sa.String(length=60), nullable=False),
        sa.Column('launched_on', sa.Date(), nullable=False),
        sa.Column('description', sa.String(length=300), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_products')),
        sa.UniqueConstraint('slug', name=op.f('uq_products_slug')),
    )
    op.create_table(
        'reviews',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('product_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('rating', sa.SmallInteger(), nullable=False),
        sa.Column('title', sa.String(length=120), nullable=False),
        sa.Column('body_md', sa.Text(), nullable=False),
        sa.Column('body_html', sa.Text(), nullable=False),
        sa.Column('using_since', sa.Date(), nullable=False),
        sa.Column('staff', sa.Boolean(), nullable=False),
        sa.Column('hidden', sa.Boolean(), nullable=False),
        sa.Column('helpful_count', sa.Integer(), nullable=False),
        sa.Column('revision_count', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('rating BETWEEN 1 AND 5', name=op.f('ck_reviews_rating_range')),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'],
                                name=op.f('fk_reviews_author_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['product_id'], ['products.id'],
                                name=op.f('fk_reviews_product_id_products'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reviews')),
        sa.UniqueConstraint('product_id', 'author_id',
                            name=op.f('uq_reviews_product_id_author_id')),
    )
    op.create_index(op.f('ix_reviews_author_id'), 'reviews', ['author_id'])
    op.create_index('ix_reviews_product_created', 'reviews', ['product_id', 'created_at', 'id'])
    op.create_index('ix_reviews_product_helpful', 'reviews',
                    ['product_id', 'helpful_count', 'created_at'])
    op.create_index('ix_reviews_product_rating', 'reviews', ['product_id', 'rating', 'created_at'])
    op.create_index('ix_reviews_updated', 'reviews', ['updated_at'])
    op.create_table(
        'review_helpful_marks',
        sa.Column('review_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['review_id'], ['reviews.id'],
                                name=op.f('fk_review_helpful_marks_review_id_reviews'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_review_helpful_marks_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('review_id', 'user_id', name=op.f('pk_review_helpful_marks')),
    )
    op.create_index(op.f('ix_review_helpful_marks_user_id'), 'review_helpful_marks', ['user_id'])
    op.create_table(
        'review_revisions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('review_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('rating', sa.SmallInteger(), nullable=False),
        sa.Column('title', sa.String(length=120), nullable=False),
        sa.Column('body_md', sa.Text(), nullable=False),
        sa.Column('body_html', sa.Text(), nullable=False),
        sa.Column('using_since', sa.Date(), nullable=False),
        sa.Column('written_at', sa.DateTime(), nullable=False),
        sa.Column('replaced_at', sa.DateTime(), nullable=False),
        sa.Column('editor_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['editor_id'], ['users.id'],
                                name=op.f('fk_review_revisions_editor_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['review_id'], ['reviews.id'],
                                name=op.f('fk_review_revisions_review_id_reviews'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_review_revisions')),
        sa.UniqueConstraint('review_id', 'number',
                            name=op.f('uq_review_revisions_review_id_number')),
    )


def downgrade():
    op.drop_table('review_revisions')
    op.drop_table('review_helpful_marks')
    op.drop_table('reviews')
    op.drop_table('products')
