"""Indexes on the columns the Receipts and Letters lists sort and filter on (in SQL, a page at a time)

Revision ID: 0006
Revises: 0005
"""
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# (name, table, expression): the expressions are those services/lists.py orders by
INDEXES = (
    ("ix_receipt_merchant_nocase", "receipt", "merchant COLLATE NOCASE"),
    ("ix_receipt_total_number", "receipt", "CAST(total AS REAL)"),
    ("ix_receipt_person_patient", "receipt", "person_id, patient"),
    ("ix_document_file_name", "document", "file_name"),  # the lists' filter reads names from the index
    ("ix_letter_issue_date", "letter", "issue_date"),
    ("ix_letter_valid_through", "letter", "valid_through"),
    ("ix_letter_patient_nocase", "letter", "patient_name COLLATE NOCASE"),
    ("ix_letter_provider_nocase", "letter", "provider_name COLLATE NOCASE"),
)


def upgrade() -> None:
    for name, table, expression in INDEXES:
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({expression})")


def downgrade() -> None:
    for name, _table, _expression in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
