"""What every projection of the CANONICAL stream does first: read the events, and go on only
with those newer than what the service holds for their activity; and the rows of an
activity's organizers, which several of them keep."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection

from shuxiang.db import RowsByKey
from shuxiang.events.consumer import Delivery, parse_shared
from shuxiang.schemas import CanonicalActivity, CanonicalEvent


@dataclass(frozen=True, slots=True)
class Newer:
    """A canonical event newer than the stored version of its activity."""

    delivery: Delivery
    event: CanonicalEvent
    new: bool
    """The table holds no version of the activity yet (insert rather than update)."""

    @property
    def activity_id(self) -> str:
        return self.event.activity.id


def parse_canonical(delivery: Delivery) -> CanonicalEvent:
    """The canonical event a message carries (:class:`Rejected` when it is not one), validated once
    per process for all its projections (:func:`~shuxiang.events.consumer.parse_shared`; the model
    is frozen)."""
    return parse_shared(CanonicalEvent, delivery)


def newer_canonicals(deliveries: Sequence[Delivery], connection: Connection, activities: RowsByKey) -> list[Newer]:
    """The batch's canonical events that bring a newer version than ``activities`` (a table keyed
    by activity id with a ``version`` column) holds — the newest of the batch per activity, in
    log order.  A redelivery, or an older version arriving late,
    changes nothing; one query reads the stored versions of the whole batch."""
    newest: dict[str, tuple[Delivery, CanonicalEvent]] = {}
    for delivery in deliveries:
        event = parse_canonical(delivery)
        held = newest.get(event.activity.id)
        if held is None or event.activity.version > held[1].activity.version:
            newest.pop(event.activity.id, None)  # keep the log order of the events applied
            newest[event.activity.id] = (delivery, event)
    stored = activities.values(connection, newest, "version")
    return [
        Newer(delivery, event, activity_id not in stored)
        for activity_id, (delivery, event) in newest.items()
        if activity_id not in stored or stored[activity_id] < event.activity.version
    ]


def organizer_rows(activity: CanonicalActivity) -> list[dict]:
    """One row per organizer of the activity: ``activity_id``, ``library_id``, ``role``."""
    return [{"activity_id": activity.id, "library_id": o.library_id, "role": o.role.value} for o in activity.organizers]
