"""readings indexed by metric and time, for aggregates across many devices

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Domain KPIs and reports read one metric of many devices over a time range; the
    # primary key (device_id, metric, ts) only serves one device at a time.
    op.create_index('ix_readings_metric_ts', 'readings', ['metric', 'ts'])


def downgrade() -> None:
    op.drop_index('ix_readings_metric_ts', table_name='readings')
