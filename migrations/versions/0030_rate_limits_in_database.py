"""rate limits in the database

Revision ID: 0030
Revises: 0010
Create Date: 2026-12-01 23:40:00

Card-testing and pledge limits counted in the app's database, so every gunicorn
worker (and machine) shares one count without Redis.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0030'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'rate_limit_key',
        sa.Column('key', sa.String(length=255), nullable=False),
        sa.Column('touched_at', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('key'),
    )
    op.create_table(
        'rate_limit_hit',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=255), nullable=False),
        sa.Column('created_at', sa.Float(), nullable=False),
        sa.Column('expires_at', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('rate_limit_hit', schema=None) as batch_op:
        batch_op.create_index('ix_rate_limit_hit_key_expires', ['key', 'expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_rate_limit_hit_expires_at'), ['expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('rate_limit_hit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rate_limit_hit_expires_at'))
        batch_op.drop_index('ix_rate_limit_hit_key_expires')
    op.drop_table('rate_limit_hit')
    op.drop_table('rate_limit_key')
