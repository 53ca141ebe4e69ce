"""A leadership lease in a database row: one scheduler replica active at a time.

The holder renews the row on every check; another replica takes over only once the
lease has expired.  The row is read with ``SELECT … FOR UPDATE`` on PostgreSQL (a
SQLite writer transaction holds the database's write lock already), so two replicas
checking at the same moment are serialised and exactly one of them wins.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, insert, select, update

from .tables import scheduler_lease

LEASE_NAME = "digest-scheduler"


def hold_lease(connection: Connection, holder: str, now: datetime, ttl: timedelta, name: str = LEASE_NAME) -> bool:
    """Take or renew the lease inside the caller's transaction; False if another replica holds it."""
    query = select(scheduler_lease.c.holder, scheduler_lease.c.expires_at).where(scheduler_lease.c.name == name)
    if connection.dialect.name == "postgresql":
        query = query.with_for_update()
    row = connection.execute(query).first()
    values = {"holder": holder, "expires_at": now + ttl, "renewed_at": now}
    if row is None:
        connection.execute(insert(scheduler_lease).values(name=name, **values))
        return True
    if row.holder != holder and row.expires_at > now:
        return False
    connection.execute(update(scheduler_lease).where(scheduler_lease.c.name == name).values(**values))
    return True


def release_lease(connection: Connection, holder: str, now: datetime, name: str = LEASE_NAME) -> None:
    """Give the lease up (a clean stop): another replica may take it at its next check."""
    connection.execute(
        update(scheduler_lease)
        .where(scheduler_lease.c.name == name, scheduler_lease.c.holder == holder)
        .values(expires_at=now, renewed_at=now)
    )


def lease_holder(connection: Connection, now: datetime, name: str = LEASE_NAME) -> str | None:
    row = connection.execute(
        select(scheduler_lease.c.holder, scheduler_lease.c.expires_at).where(scheduler_lease.c.name == name)
    ).first()
    return row.holder if row is not None and row.expires_at > now else None
