"""matched giving and milestones

Revision ID: 0095
Revises: 0090
Create Date: 2026-12-02 05:30:00

A match (matcher, cap, window) with its derived figures, the match a donation
was started under, the offline money that is a matcher's payment, what the
campaign's matchers still owe (derived), the cost of one evacuation, and
milestones with the alert that celebrated each.

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0095"
down_revision = "0090"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "gift_match",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("matcher_name", sa.String(length=120), nullable=False),
        sa.Column("cap_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("gifts_minor", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("promised_minor", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("received_minor", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("organiser_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"]),
        sa.ForeignKeyConstraint(["organiser_id"], ["organiser.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_gift_match_campaign_id", "gift_match", ["campaign_id"])
    op.create_table(
        "milestone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("label_ru", sa.String(length=120), nullable=False),
        sa.Column("celebrated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("celebrated_alert_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"]),
        sa.ForeignKeyConstraint(["celebrated_alert_id"], ["overlay_alert.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("campaign_id", "amount_minor", name="uq_milestone_campaign_amount"),
    )
    op.create_index("ix_milestone_campaign_id", "milestone", ["campaign_id"])
    op.create_index("ix_milestone_celebrated_alert_id", "milestone", ["celebrated_alert_id"])
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cost_per_person_minor", sa.BigInteger(), nullable=True))
        batch_op.add_column(
            sa.Column("matched_minor", sa.BigInteger(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("donation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("match_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_donation_match_id", ["match_id"], unique=False)
        batch_op.create_foreign_key(
            "fk_donation_match_id_gift_match", "gift_match", ["match_id"], ["id"]
        )
    with op.batch_alter_table("offline_gift", schema=None) as batch_op:
        batch_op.add_column(sa.Column("match_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_offline_gift_match_id", ["match_id"], unique=False)
        batch_op.create_foreign_key(
            "fk_offline_gift_match_id_gift_match", "gift_match", ["match_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("offline_gift", schema=None) as batch_op:
        batch_op.drop_constraint("fk_offline_gift_match_id_gift_match", type_="foreignkey")
        batch_op.drop_index("ix_offline_gift_match_id")
        batch_op.drop_column("match_id")
    with op.batch_alter_table("donation", schema=None) as batch_op:
        batch_op.drop_constraint("fk_donation_match_id_gift_match", type_="foreignkey")
        batch_op.drop_index("ix_donation_match_id")
        batch_op.drop_column("match_id")
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_column("matched_minor")
        batch_op.drop_column("cost_per_person_minor")
    op.drop_index("ix_milestone_celebrated_alert_id", table_name="milestone")
    op.drop_index("ix_milestone_campaign_id", table_name="milestone")
    op.drop_table("milestone")
    op.drop_index("ix_gift_match_campaign_id", table_name="gift_match")
    op.drop_table("gift_match")
