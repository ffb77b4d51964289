"""Indexes for relinking only what a change touches and for `check` by indexed queries (issue 14)

Revision ID: 0008
Revises: 0007
"""
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

INDEXES = [
    ("ix_lineitem_category", "lineitem", ["category"]),
    ("ix_lineitem_description", "lineitem", ["description"]),  # items a letter lists
    ("ix_itemlink_by_status", "itemlink", ["status"]),  # ix_itemlink_status (0007) leads with item_id
    ("ix_itemlink_letter_id", "itemlink", ["letter_id"]),
    ("ix_itemlink_related_letter_id", "itemlink", ["related_letter_id"]),
    ("ix_manuallink_letter_id", "manuallink", ["letter_id"]),
    ("ix_receipt_date_total", "receipt", ["date", "total"]),  # possible duplicates: same date and total
]


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({', '.join(columns)})")


def downgrade() -> None:
    for name, _table, _columns in reversed(INDEXES):
        op.execute(f"DROP INDEX IF EXISTS {name}")
