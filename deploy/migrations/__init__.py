"""Alembic migrations for the distributed runtime (PostgreSQL).

The embedded runtime creates its SQLite tables itself; PostgreSQL is brought to
the current schema with ``shuxiang migrate`` (run before the services start).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from shuxiang.db import database_problems, make_engine

HERE = Path(__file__).parent


def alembic_config(database_url: str) -> Config:
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def current_revision(database_url: str) -> str | None:
    """The revision the database is at (None: no schema yet); a :class:`~shuxiang.db.DatabaseProblem`
    when it cannot be reached."""
    engine = make_engine(database_url)
    try:
        with database_problems(database_url), engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def upgrade(database_url: str, revision: str = "head") -> tuple[str | None, str]:
    """Bring the database to ``revision`` (this release's schema): (the revision it was at — None:
    it had no schema —, the revision it is at now)."""
    config = alembic_config(database_url)
    before = current_revision(database_url)
    with database_problems(database_url):
        command.upgrade(config, revision)
    after = ScriptDirectory.from_config(config).get_current_head() if revision == "head" else revision
    assert after is not None
    return before, after
