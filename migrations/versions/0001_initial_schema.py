"""initial schema

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('alarm_events',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('stream_id', sa.String(length=40), nullable=False),
    sa.Column('alarm_id', sa.String(length=160), nullable=False),
    sa.Column('event', sa.String(length=20), nullable=False),
    sa.Column('ts', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user', sa.String(length=80), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('stream_id')
    )
    op.create_index('ix_alarm_events_alarm_ts', 'alarm_events', ['alarm_id', 'ts'], unique=False)
    op.create_table('alarms',
    sa.Column('alarm_id', sa.String(length=160), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=True),
    sa.Column('domain', sa.String(length=40), nullable=True),
    sa.Column('severity', sa.String(length=10), nullable=False),
    sa.Column('type', sa.String(length=60), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cleared_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_by', sa.String(length=80), nullable=True),
    sa.Column('shelved_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('alarm_id')
    )
    op.create_index(op.f('ix_alarms_device_id'), 'alarms', ['device_id'], unique=False)
    op.create_index(op.f('ix_alarms_state'), 'alarms', ['state'], unique=False)
    op.create_table('device_state',
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('last_seen', sa.DateTime(timezone=True), nullable=False),
    sa.Column('battery', sa.Float(), nullable=True),
    sa.Column('rssi', sa.Float(), nullable=True),
    sa.Column('snr', sa.Float(), nullable=True),
    sa.Column('source', sa.String(length=40), nullable=True),
    sa.Column('latest', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('device_id')
    )
    op.create_table('devices',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('name_el', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('domain', sa.String(length=40), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('connectivity', sa.String(length=20), nullable=False),
    sa.Column('attrs', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_devices_domain'), 'devices', ['domain'], unique=False)
    op.create_index(op.f('ix_devices_kind'), 'devices', ['kind'], unique=False)
    op.create_index(op.f('ix_devices_unit'), 'devices', ['unit'], unique=False)
    op.create_table('readings',
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('metric', sa.String(length=40), nullable=False),
    sa.Column('ts', sa.DateTime(timezone=True), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('device_id', 'metric', 'ts')
    )


def downgrade() -> None:
    op.drop_table('readings')
    op.drop_index(op.f('ix_devices_unit'), table_name='devices')
    op.drop_index(op.f('ix_devices_kind'), table_name='devices')
    op.drop_index(op.f('ix_devices_domain'), table_name='devices')
    op.drop_table('devices')
    op.drop_table('device_state')
    op.drop_index(op.f('ix_alarms_state'), table_name='alarms')
    op.drop_index(op.f('ix_alarms_device_id'), table_name='alarms')
    op.drop_table('alarms')
    op.drop_index('ix_alarm_events_alarm_ts', table_name='alarm_events')
    op.drop_table('alarm_events')
