"""the outbox of alarm notifications (e-mail and webhooks to the departments' on-call lists)

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'notifications',
        sa.Column('id', sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column('alarm_id', sa.String(length=160), nullable=False),
        sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('department', sa.String(length=80), nullable=False),
        sa.Column('contact', sa.String(length=200), nullable=False),
        sa.Column('lang', sa.String(length=8), nullable=False),
        sa.Column('channel', sa.String(length=20), nullable=False),
        sa.Column('address', sa.String(length=300), nullable=False),
        sa.Column('round', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index('ux_notifications_notice', 'notifications',
                    ['alarm_id', 'raised_at', 'channel', 'address', 'round'], unique=True)
    op.create_index('ix_notifications_due', 'notifications', ['status', 'next_attempt_at'])


def downgrade() -> None:
    op.drop_index('ix_notifications_due', table_name='notifications')
    op.drop_index('ux_notifications_notice', table_name='notifications')
    op.drop_table('notifications')
