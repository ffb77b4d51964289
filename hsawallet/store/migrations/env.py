"""Alembic environment: always runs on the app's own open SQLCipher connection."""

from alembic import context
from sqlmodel import SQLModel

from hsawallet.store import models  # noqa: F401  (registers the tables)

target_metadata = SQLModel.metadata
connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=target_metadata,
    render_as_batch=True,  # SQLite alters tables by copy
)
with context.begin_transaction():
    context.run_migrations()
