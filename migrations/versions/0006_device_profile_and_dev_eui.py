"""a device's vendor model (profile) and its LoRaWAN DevEUI, by which the bridges find it

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('devices') as batch:
        batch.add_column(sa.Column('profile', sa.String(length=80), nullable=True))
        batch.add_column(sa.Column('dev_eui', sa.String(length=16), nullable=True))
        batch.create_index('ix_devices_dev_eui', ['dev_eui'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('devices') as batch:
        batch.drop_index('ix_devices_dev_eui')
        batch.drop_column('dev_eui')
        batch.drop_column('profile')
