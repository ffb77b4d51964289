"""Warning state (dismissed / notified) and full-text search over page text

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "warningstate",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("dismissed", sa.Boolean(), nullable=False),
        sa.Column("notified", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    # External-content FTS5 index over pagetext, kept in step by triggers; it lives in
    # the encrypted file like every other table.
    op.execute(
        "CREATE VIRTUAL TABLE pagetext_fts USING fts5("
        "text, content='pagetext', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    op.execute(
        "CREATE TRIGGER pagetext_ai AFTER INSERT ON pagetext BEGIN "
        "INSERT INTO pagetext_fts(rowid, text) VALUES (new.id, new.text); END"
    )
    op.execute(
        "CREATE TRIGGER pagetext_ad AFTER DELETE ON pagetext BEGIN "
        "INSERT INTO pagetext_fts(pagetext_fts, rowid, text) VALUES('delete', old.id, old.text); END"
    )
    op.execute(
        "CREATE TRIGGER pagetext_au AFTER UPDATE ON pagetext BEGIN "
        "INSERT INTO pagetext_fts(pagetext_fts, rowid, text) VALUES('delete', old.id, old.text); "
        "INSERT INTO pagetext_fts(rowid, text) VALUES (new.id, new.text); END"
    )
    op.execute("INSERT INTO pagetext_fts(pagetext_fts) VALUES('rebuild')")


def downgrade() -> None:
    for trigger in ("pagetext_ai", "pagetext_ad", "pagetext_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS pagetext_fts")
    op.drop_table("warningstate")
