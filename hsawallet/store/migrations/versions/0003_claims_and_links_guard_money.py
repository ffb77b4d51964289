"""Money guards: a claim records --include-claimed and its denial date; a manual link keeps why it is
outside the letter's terms; a letter can be assigned to a person by the user

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.add_column(sa.Column("denied_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("include_claimed", sa.Boolean(), nullable=False, server_default="0"))
    with op.batch_alter_table("itemlink", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outside_terms", sa.Text(), nullable=False, server_default="[]"))
    with op.batch_alter_table("letter", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assigned_person_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_letter_assigned_person_id_person", "person", ["assigned_person_id"], ["id"],
                                    ondelete="SET NULL")


def downgrade() -> None:
    with op.batch_alter_table("letter", schema=None) as batch_op:
        batch_op.drop_constraint("fk_letter_assigned_person_id_person", type_="foreignkey")
        batch_op.drop_column("assigned_person_id")
    with op.batch_alter_table("itemlink", schema=None) as batch_op:
        batch_op.drop_column("outside_terms")
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.drop_column("include_claimed")
        batch_op.drop_column("denied_on")
