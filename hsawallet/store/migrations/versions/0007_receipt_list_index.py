"""Indexes for the Receipts list: its filter columns in one index (a filter keystroke reads it, not every
receipt row); the items that need a letter, with their link status (the Letters column's order)

Revision ID: 0007
Revises: 0006
"""
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # the columns services/lists.py filters on, after the newest-first order (date, then id) it shows first
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_receipt_list "
        "ON receipt (date, id, merchant, patient, total, person_id, document_id)"
    )
    op.execute("CREATE INDEX IF NOT EXISTS ix_lineitem_needs_letter ON lineitem (receipt_id) WHERE needs_lmn")
    op.execute("CREATE INDEX IF NOT EXISTS ix_itemlink_status ON itemlink (item_id, status)")


def downgrade() -> None:
    for name in ("ix_receipt_list", "ix_lineitem_needs_letter", "ix_itemlink_status"):
        op.execute(f"DROP INDEX IF EXISTS {name}")
