"""Each receipt keeps how many of its items that need a letter have none covering them (the Receipts list's
Letters column, sorted by an index instead of a count over every item); triggers keep it true on every write
of line items and links, whoever makes it

Revision ID: 0009
Revises: 0008
"""
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# The covering link statuses as of this revision (vocab.COVERING_LINK_STATUSES): tests/services/
# test_uncovered_items.py compares the stored count with one made from them.
_UNCOVERED_OF = (
    "(SELECT COUNT(*) FROM lineitem li LEFT JOIN itemlink il ON il.item_id = li.id "
    "WHERE li.receipt_id = {receipt} AND li.needs_lmn AND COALESCE(il.status, 'no_letter') NOT IN ('covered', 'manual'))"
)


def _recount(receipt: str) -> str:
    return f"UPDATE receipt SET uncovered_items = {_UNCOVERED_OF.format(receipt=receipt)} WHERE id = {receipt};"


_ITEM_OF_LINK = "(SELECT receipt_id FROM lineitem WHERE id = {link}.item_id)"
# (name, event, body): each recounts the receipts the written row belongs to
TRIGGERS = (
    ("tr_lineitem_uncovered_insert", "AFTER INSERT ON lineitem WHEN NEW.needs_lmn", _recount("NEW.receipt_id")),
    ("tr_lineitem_uncovered_delete", "AFTER DELETE ON lineitem WHEN OLD.needs_lmn", _recount("OLD.receipt_id")),
    (
        "tr_lineitem_uncovered_update",
        "AFTER UPDATE OF needs_lmn, receipt_id ON lineitem",
        _recount("OLD.receipt_id") + " " + _recount("NEW.receipt_id"),
    ),
    ("tr_itemlink_uncovered_insert", "AFTER INSERT ON itemlink", _recount(_ITEM_OF_LINK.format(link="NEW"))),
    ("tr_itemlink_uncovered_delete", "AFTER DELETE ON itemlink", _recount(_ITEM_OF_LINK.format(link="OLD"))),
    (
        "tr_itemlink_uncovered_update",
        "AFTER UPDATE OF status, item_id ON itemlink",
        _recount(_ITEM_OF_LINK.format(link="OLD")) + " " + _recount(_ITEM_OF_LINK.format(link="NEW")),
    ),
)


def upgrade() -> None:
    op.execute("ALTER TABLE receipt ADD COLUMN uncovered_items INTEGER NOT NULL DEFAULT 0")
    op.execute(f"UPDATE receipt SET uncovered_items = {_UNCOVERED_OF.format(receipt='receipt.id')}")
    for name, event, body in TRIGGERS:
        op.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {event} BEGIN {body} END")
    op.execute("CREATE INDEX IF NOT EXISTS ix_receipt_uncovered_items ON receipt (uncovered_items, id)")
    # the filter's covering index (0007) also carries the count, so a filtered list sorted by it reads no row
    op.execute("DROP INDEX IF EXISTS ix_receipt_list")
    op.execute(
        "CREATE INDEX ix_receipt_list "
        "ON receipt (date, id, merchant, patient, total, person_id, document_id, uncovered_items)"
    )


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_receipt_list")
    op.execute(
        "CREATE INDEX ix_receipt_list ON receipt (date, id, merchant, patient, total, person_id, document_id)"
    )
    op.execute("DROP INDEX IF EXISTS ix_receipt_uncovered_items")
    for name, _event, _body in reversed(TRIGGERS):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("ALTER TABLE receipt DROP COLUMN uncovered_items")
