"""Sandbox runs: the assessment sitting a run counts for (nullable; practice runs have none)

Revision ID: c6a5720b7dff
Revises: 90efed04dd78
Create Date: 2026-11-28 02:15:10.980361
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = 'c6a5720b7dff'
down_revision: str | None = '90efed04dd78'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Named like PostgreSQL's default, so the downgrade can drop it on both backends.
FOREIGN_KEY = 'sandbox_runs_sitting_id_fkey'


def upgrade() -> None:
    with op.batch_alter_table('sandbox_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sitting_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch_op.create_index(batch_op.f('ix_sandbox_runs_sitting_id'), ['sitting_id'], unique=False)
        batch_op.create_foreign_key(FOREIGN_KEY, 'assessment_sittings', ['sitting_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('sandbox_runs', schema=None) as batch_op:
        batch_op.drop_constraint(FOREIGN_KEY, type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_sandbox_runs_sitting_id'))
        batch_op.drop_column('sitting_id')
