"""What a service is made of, for the runtimes that run it."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table

from shuxiang.events.consumer import ConsumerSpec

if TYPE_CHECKING:
    from shuxiang.alliance import Alliance
    from shuxiang.db import Databases
    from shuxiang.posters import Posters
    from shuxiang.settings import Settings


@dataclass(frozen=True)
class ServiceContext:
    settings: Settings
    alliance: Alliance
    databases: Databases
    posters: Posters | None = None
    """Where posters are kept (``shuxiang.posters.posters_of``): the runtime sets the broker's
    object store in the distributed deployment; None means the data dir's."""


@dataclass
class ServicePlan:
    """A service: the tables it owns, what it consumes, whether it publishes derived events."""

    name: str
    tables: tuple[Table, ...]
    consumers: list[ConsumerSpec] = field(default_factory=list)
    publishes: tuple[tuple[str, type], ...] = ()
    """(subject, payload model) of the events it publishes through its outbox."""
    rebuildable: bool = True
    """Its tables are a projection of the event log: `shuxiang replay` drops and rebuilds them.
    False for tables that hold facts of their own (accounts, emails sent)."""
    background: Callable[[Any], Coroutine[Any, Any, None]] | None = None
    """A coroutine the runtime runs as a task beside the consumers (a scheduler, a mail sender),
    cancelled when the runtime stops.  Called with the runtime's JetStream context, for a task
    that asks the broker something (the scheduler asks whether the consumers have caught up)."""
