"""What web routes ask for: FastAPI dependencies over the web app's state, shared by every
service's router (full-stack-fastapi-template's ``api/deps.py``).

:func:`shuxiang.web.create_app` keeps the runtime's :class:`ServiceContext` on
``app.state.context`` and its publisher on ``app.state.publisher``; a route asks for what it
needs by type::

    @router.get("/api/v1/dedup/reviews")
    def api_reviews(who: Coordinator, reader: DedupReader, ...) -> list[dict]: ...

Who is asking (accounts, sessions, CSRF) is :mod:`shuxiang.services.intake.auth`'s
``Signed`` / ``Coordinator`` / ``Accounts``.  A service's web module names its own reader
once: ``Reader = Annotated[Engine, Depends(reader_of(NAME))]``; what it keeps per app (rate
limits, caches) comes from :func:`per_app`.
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from typing import Annotated, Protocol, TypeVar

from fastapi import Depends, Request
from sqlalchemy import Engine

from shuxiang.alliance import Alliance
from shuxiang.db import Databases
from shuxiang.services.plan import ServiceContext
from shuxiang.settings import Settings

T = TypeVar("T")


class EventPublisher(Protocol):
    """The runtime's publisher (``events.publish``): one message, its id, waited for its PubAck."""

    async def publish(self, subject: str, msg_id: str, payload: bytes) -> None: ...


async def get_context(request: Request) -> ServiceContext:
    return request.app.state.context


Context = Annotated[ServiceContext, Depends(get_context)]


async def get_alliance(request: Request) -> Alliance:
    return request.app.state.context.alliance


async def get_settings(request: Request) -> Settings:
    return request.app.state.context.settings


async def get_databases(request: Request) -> Databases:
    return request.app.state.context.databases


AllianceDep = Annotated[Alliance, Depends(get_alliance)]
DatabasesDep = Annotated[Databases, Depends(get_databases)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


async def get_publisher(request: Request) -> EventPublisher | None:
    """The app's publisher, or None where the web front runs without a broker: each route says
    so in its own words (503) once it gets as far as publishing."""
    return getattr(request.app.state, "publisher", None)


Publisher = Annotated[EventPublisher | None, Depends(get_publisher)]


def reader_of(service: str) -> Callable[[Request], Awaitable[Engine]]:
    """A dependency giving ``service``'s read-only engine (its snapshot reader on SQLite)."""

    async def reader(request: Request) -> Engine:
        return request.app.state.context.databases.reader(service)

    reader.__name__ = f"{service}_reader"
    return reader


_lock = threading.Lock()


def per_app(factory: Callable[[ServiceContext], T]) -> Callable[[Request], Awaitable[T]]:
    """A dependency giving what ``factory(context)`` builds, once per app (then kept on
    ``app.state``): rate limiters, caches, anything a route must find again next request."""

    async def dependency(request: Request) -> T:
        return built(request.app, factory)

    dependency.__name__ = getattr(factory, "__qualname__", "per_app")
    return dependency


def built(app, factory: Callable[[ServiceContext], T]) -> T:
    """``factory(app.state.context)``, built on first use and kept for the app's life."""
    with _lock:
        kept: dict | None = getattr(app.state, "per_app", None)
        if kept is None:
            kept = app.state.per_app = {}
        if factory not in kept:
            kept[factory] = factory(app.state.context)
        return kept[factory]
