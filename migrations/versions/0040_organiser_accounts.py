"""organiser accounts: emailed links, TOTP and recovery codes

Revision ID: 0040
Revises: 0030
Create Date: 2026-12-01 23:40:00.000000

Invitation and password-reset links (only a hash of each is stored), an
organiser's TOTP authenticator, and their single-use recovery codes (hashed).
New tables only: the organiser table itself is unchanged.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0040'
down_revision = '0030'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'account_link',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.String(length=10), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('organiser_id', sa.Integer(), nullable=True),
        sa.Column('team_id', sa.Integer(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['organiser_id'], ['organiser.id'], name='fk_account_link_organiser_id_organiser'
        ),
        sa.ForeignKeyConstraint(['team_id'], ['team.id'], name='fk_account_link_team_id_team'),
        sa.ForeignKeyConstraint(
            ['created_by_id'], ['organiser.id'], name='fk_account_link_created_by_id_organiser'
        ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    op.create_index('ix_account_link_organiser_id', 'account_link', ['organiser_id'])
    op.create_index('ix_account_link_purpose_email', 'account_link', ['purpose', 'email'])
    op.create_table(
        'organiser_two_factor',
        sa.Column('organiser_id', sa.Integer(), nullable=False),
        sa.Column('secret', sa.String(length=64), nullable=False),
        sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_step', sa.BigInteger(), nullable=True),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('failures_since', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['organiser_id'],
            ['organiser.id'],
            name='fk_organiser_two_factor_organiser_id_organiser',
        ),
        sa.PrimaryKeyConstraint('organiser_id'),
    )
    op.create_table(
        'organiser_recovery_code',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organiser_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['organiser_id'],
            ['organiser.id'],
            name='fk_organiser_recovery_code_organiser_id_organiser',
        ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('organiser_id', 'code_hash'),
    )
    op.create_index(
        'ix_organiser_recovery_code_organiser_id', 'organiser_recovery_code', ['organiser_id']
    )


def downgrade():
    op.drop_index('ix_organiser_recovery_code_organiser_id', table_name='organiser_recovery_code')
    op.drop_table('organiser_recovery_code')
    op.drop_table('organiser_two_factor')
    op.drop_index('ix_account_link_purpose_email', table_name='account_link')
    op.drop_index('ix_account_link_organiser_id', table_name='account_link')
    op.drop_table('account_link')
