"""What every projection of the CANONICAL stream does first: read the event, and go on only
when it is newer than what the service holds for that activity."""

from __future__ import annotations

from sqlalchemy import Connection

from shuxiang.db import RowsByKey
from shuxiang.events.consumer import Delivery, Rejected
from shuxiang.schemas import CanonicalEvent
from shuxiang.schemas.errors import InvalidPayload, parse_json_model


def parse_canonical(delivery: Delivery) -> CanonicalEvent:
    """The canonical event in the message; :class:`Rejected` (a dead letter with the reason) if it is none."""
    try:
        return parse_json_model(CanonicalEvent, delivery.data)
    except InvalidPayload as exc:
        raise Rejected(str(exc)) from None


def newer_canonical(delivery: Delivery, connection: Connection,
                    activities: RowsByKey) -> tuple[CanonicalEvent, bool] | None:
    """The message's canonical event and whether the activity is new to ``activities`` (a table
    keyed by activity id with a ``version`` column) — or None when the table already holds this
    version or a later one: a redelivery, or an older version arriving late, changes nothing."""
    event = parse_canonical(delivery)
    stored = activities.value(connection, event.activity.id, "version")
    if stored is not None and stored >= event.activity.version:
        return None
    return event, stored is None
