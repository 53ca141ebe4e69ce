"""Alembic environment: every service's tables, on one PostgreSQL database."""

from alembic import context
from sqlalchemy import engine_from_config, pool

import shuxiang.events.tables  # noqa: F401 - registers the tables
import shuxiang.services.brands.tables  # noqa: F401
import shuxiang.services.calendar.search  # noqa: F401
import shuxiang.services.calendar.tables  # noqa: F401
import shuxiang.services.dedup.tables  # noqa: F401
import shuxiang.services.digests.tables  # noqa: F401
import shuxiang.services.intake.tables  # noqa: F401
import shuxiang.services.quotas.tables  # noqa: F401
import shuxiang.services.registrations.tables  # noqa: F401
import shuxiang.services.scheduler.tables  # noqa: F401
import shuxiang.services.stats.tables  # noqa: F401
from shuxiang.db import metadata

config = context.config


def run_migrations_online() -> None:
    connectable = engine_from_config(
        config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool
    )
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
