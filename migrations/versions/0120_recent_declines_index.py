"""an index for the card-testing cool-down's count of recent declines

Revision ID: 0120
Revises: 0110
Create Date: 2026-12-02 06:15:00

`donation_intake.recent_declines` counts failed transitions in the last window for
one address or session; with this index the count starts from the few recent
failures instead of every donation that address ever made.

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0120"
down_revision = "0110"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_donation_transition_status_created",
        "donation_transition",
        ["to_status", "created_at"],
    )


def downgrade():
    op.drop_index("ix_donation_transition_status_created", table_name="donation_transition")
