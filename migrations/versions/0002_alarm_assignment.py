"""alarms can be assigned to a department

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('alarms', sa.Column('assigned_to', sa.String(length=80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('alarms') as batch:
        batch.drop_column('assigned_to')
