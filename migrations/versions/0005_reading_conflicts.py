"""a second, different value for a stored reading is kept, not dropped

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'reading_conflicts',
        sa.Column('device_id', sa.String(length=64), primary_key=True),
        sa.Column('metric', sa.String(length=40), primary_key=True),
        sa.Column('ts', sa.DateTime(timezone=True), primary_key=True),
        sa.Column('offered', sa.Float(), primary_key=True),
        sa.Column('stored', sa.Float(), nullable=False),
        sa.Column('source', sa.String(length=40), nullable=True),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table('reading_conflicts')
