"""Alembic environment: runs on a connection handed in by data_access.db, or on DATABASE_URL."""

from alembic import context
from sqlalchemy import create_engine

from data_access.models import Base
from data_access.settings import Settings

target_metadata = Base.metadata


def run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(Settings.from_env().sql_url)
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()


run()
