"""Indexes for relinking only what a change touches and for `check` by indexed queries (issue 14)

Revision ID: 0007
Revises: 0006
"""
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

INDEXES = [
    ("ix_lineitem_category", "lineitem", ["category"]),
    ("ix_itemlink_status", "itemlink", ["status"]),
    ("ix_itemlink_letter_id", "itemlink", ["letter_id"]),
    ("ix_itemlink_related_letter_id", "itemlink", ["related_letter_id"]),
    ("ix_manuallink_letter_id", "manuallink", ["letter_id"]),
    ("ix_receipt_date_total", "receipt", ["date", "total"]),  # possible duplicates: same date and total
]


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
