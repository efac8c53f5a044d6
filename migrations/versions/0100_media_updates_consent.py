"""uploaded files, the cover, updates, transfer receipts and consent to updates

Revision ID: 0100
Revises: 0095
Create Date: 2026-12-02 05:20:00

`stored_file` keeps each uploaded file as served (re-encoded, no metadata),
named by its SHA-256. `campaign_cover` points at the page's copy and the share
card's crop; `campaign_update` holds the organisers' updates. A transfer may
carry the bank's confirmation, and a donation the time its donor asked for
updates by email (nullable: nobody has, so far).

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0100"
down_revision = "0095"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "stored_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("byte_size", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sha256"),
    )
    op.create_table(
        "campaign_cover",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("image_id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=False),
        sa.Column("alt", sa.String(length=300), nullable=False),
        sa.Column("alt_ru", sa.String(length=300), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"]),
        sa.ForeignKeyConstraint(["image_id"], ["stored_file.id"]),
        sa.ForeignKeyConstraint(["card_id"], ["stored_file.id"]),
        sa.PrimaryKeyConstraint("campaign_id"),
    )
    op.create_table(
        "campaign_update",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_ru", sa.Text(), nullable=False),
        sa.Column("image_id", sa.Integer(), nullable=True),
        sa.Column("image_alt", sa.String(length=300), nullable=False),
        sa.Column("image_alt_ru", sa.String(length=300), nullable=False),
        sa.Column("organiser_id", sa.Integer(), nullable=True),
        sa.Column("emails_queued", sa.Integer(), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"]),
        sa.ForeignKeyConstraint(["image_id"], ["stored_file.id"]),
        sa.ForeignKeyConstraint(["organiser_id"], ["organiser.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_campaign_update_campaign_posted", "campaign_update", ["campaign_id", "posted_at"]
    )
    with op.batch_alter_table("beneficiary_transfer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("receipt_file_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_beneficiary_transfer_receipt_file_id_stored_file",
            "stored_file",
            ["receipt_file_id"],
            ["id"],
        )
    with op.batch_alter_table("donation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("updates_consent_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("donation", schema=None) as batch_op:
        batch_op.drop_column("updates_consent_at")
    with op.batch_alter_table("beneficiary_transfer", schema=None) as batch_op:
        batch_op.drop_constraint(
            "fk_beneficiary_transfer_receipt_file_id_stored_file", type_="foreignkey"
        )
        batch_op.drop_column("receipt_file_id")
    op.drop_index("ix_campaign_update_campaign_posted", table_name="campaign_update")
    op.drop_table("campaign_update")
    op.drop_table("campaign_cover")
    op.drop_table("stored_file")
