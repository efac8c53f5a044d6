"""transfers to the beneficiary

Revision ID: 0071
Revises: 0070
Create Date: 2026-12-02 01:05:00

Each transfer an organiser sends on to the beneficiary (date, amount in minor
units, reference), for the campaign page and /transparency.

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0071"
down_revision = "0070"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "beneficiary_transfer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(length=120), nullable=False),
        sa.Column("organiser_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"]),
        sa.ForeignKeyConstraint(["organiser_id"], ["organiser.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_beneficiary_transfer_campaign_id", "beneficiary_transfer", ["campaign_id"]
    )


def downgrade():
    op.drop_index("ix_beneficiary_transfer_campaign_id", table_name="beneficiary_transfer")
    op.drop_table("beneficiary_transfer")
