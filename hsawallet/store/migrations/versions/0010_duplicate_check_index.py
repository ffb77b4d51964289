"""The index `check` finds possible duplicates with (receipts sharing date and total) also holds the merchant,
so the query reads the index alone instead of every receipt row

Revision ID: 0010
Revises: 0009
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_receipt_date_total")
    op.execute("CREATE INDEX ix_receipt_date_total ON receipt (date, total, merchant)")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_receipt_date_total")
    op.execute("CREATE INDEX ix_receipt_date_total ON receipt (date, total)")
