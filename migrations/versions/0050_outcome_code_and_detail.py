"""webhook outcomes as a code plus a detail

Revision ID: 0050
Revises: 0040
Create Date: 2026-12-02 00:40:00

The ledger's `outcome` was free text that code branched on (rewording a
message broke reconcile). It becomes `outcome_detail` (the same text, for
people) beside `outcome_code` (fundraiser.models.ledger.OutcomeCode, for code).
Existing rows get their code from the text as the handlers wrote it; text
this does not recognise was a refund, dispute or charge applied ("recorded").

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0050"
down_revision = "0040"
branch_labels = None
depends_on = None

# (code, LIKE patterns of the text the handlers wrote for it), first match wins.
# The codes are written out here: a migration is history, not tied to today's enum.
_BACKFILL = [
    ("counted", ["counted", "Stripe says succeeded: counted"]),
    ("marked_failed", ["marked failed%"]),
    ("already", ["already %", "Stripe says succeeded: already %"]),
    ("stale", ["stale failure%"]),
    ("no_match", ["no matching donation", "Stripe says succeeded: no matching donation"]),
    ("mismatch", ["amount mismatch%", "currency mismatch%", "Stripe says succeeded: amount mismatch%"]),
    ("malformed", ["malformed%", "not a refund", "not a dispute"]),
    ("wrong_mode", ["ignored: %"]),
]


def upgrade():
    with op.batch_alter_table("stripe_event", schema=None) as batch_op:
        batch_op.alter_column(
            "outcome", new_column_name="outcome_detail", existing_type=sa.String(300), existing_nullable=False
        )
        batch_op.add_column(
            sa.Column("outcome_code", sa.String(20), nullable=False, server_default="")
        )
    stripe_event = sa.table(
        "stripe_event", sa.column("outcome_code", sa.String), sa.column("outcome_detail", sa.String)
    )
    for code, patterns in _BACKFILL:
        op.execute(
            stripe_event.update()
            .where(
                stripe_event.c.outcome_code == "",
                sa.or_(*(stripe_event.c.outcome_detail.like(p) for p in patterns)),
            )
            .values(outcome_code=code)
        )
    op.execute(
        stripe_event.update()
        .where(stripe_event.c.outcome_code == "")
        .values(outcome_code="recorded")
    )


def downgrade():
    with op.batch_alter_table("stripe_event", schema=None) as batch_op:
        batch_op.drop_column("outcome_code")
        batch_op.alter_column(
            "outcome_detail", new_column_name="outcome", existing_type=sa.String(300), existing_nullable=False
        )
