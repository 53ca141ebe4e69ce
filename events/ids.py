"""Whose message ids: the id space of a library's subjects is that library's.

JetStream drops a message whose ``Nats-Msg-Id`` it has seen within the duplicate window, on
any subject of the stream, and the consumers' inboxes skip an id they have handled.  A member
that publishes on its own subject with another library's id (``sub:tz:tz-plan-42:1`` on
``shuxiang.activity.submitted.jn``) would therefore silence that library's real submission.
Two guards, one on each side of the broker:

* consumers: a message on a library's subject whose id names another library
  (``<kind>:<library>:…``) is refused — dead-lettered with the reason — and is kept in the
  inbox under a key of its own (:func:`inbox_key`), so it shadows nothing;
* publishers: a duplicate PubAck whose original was stored on another subject means the id
  was squatted; :class:`~shuxiang.events.publish.Publisher` then publishes under the id with
  a suffix naming the content (:func:`reclaimed`), which the squatter cannot have guessed.
"""

from __future__ import annotations

import hashlib

from shuxiang.i18n import both

from .streams import REPORTED, SUBMITTED

LIBRARY_SUBJECTS = (f"{SUBMITTED}.", f"{REPORTED}.")
"""The subjects a member library publishes on itself (its NATS user may, see nats_users.py)."""


def subject_owner(subject: str) -> str | None:
    """The library whose subject this is (None: a subject only the runtime writes)."""
    if subject.startswith(LIBRARY_SUBJECTS):
        return subject.rsplit(".", 1)[-1]
    return None


def named_library(msg_id: str) -> str | None:
    """The library an id of the contract's shape (``sub:<library>:…``, ``rep:<library>:…``) names."""
    parts = msg_id.split(":", 2)
    return parts[1] if len(parts) == 3 else None


def foreign_id(subject: str, msg_id: str | None) -> str | None:
    """Why ``msg_id`` may not be used on ``subject`` (it names another library), else None."""
    owner = subject_owner(subject)
    if owner is None or msg_id is None:
        return None
    named = named_library(msg_id)
    if named is None or named == owner:
        return None
    return both(
        'message id "{msg_id}" names library "{named}", not "{owner}" whose subject {subject} it was published on',
        msg_id=msg_id[:200],
        named=named[:64],
        owner=owner,
        subject=subject,
    )


def inbox_key(subject: str, msg_id: str, stream_seq: int) -> str:
    """The id under which a consumer remembers a message: its own id, unless it names another
    library (then a key of its own, so the real owner's message with that id is still handled)."""
    if foreign_id(subject, msg_id) is None:
        return msg_id
    return f"foreign:{stream_seq}:{msg_id}"[:400]


def reclaimed(msg_id: str, payload: bytes) -> str:
    """The id to publish under when ``msg_id`` was squatted on another subject."""
    return f"{msg_id}~{hashlib.sha256(payload).hexdigest()[:16]}"
