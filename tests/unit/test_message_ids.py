"""Whose message ids (events/ids.py): an id naming another library may not be used on a library's subject."""

from __future__ import annotations

from datetime import UTC, datetime

from shuxiang.events.consumer import Delivery
from shuxiang.events.ids import foreign_id, inbox_key, reclaimed


def test_an_id_naming_another_library_is_foreign_on_a_library_subject() -> None:
    assert foreign_id("shuxiang.activity.submitted.jn", "sub:tz:tz-plan-42:1") is not None
    assert foreign_id("shuxiang.activity.reported.jn", "rep:tz:a:True:3") is not None
    assert foreign_id("shuxiang.activity.submitted.tz", "sub:tz:tz-plan-42:1") is None
    assert foreign_id("shuxiang.activity.submitted.tz", "sub:tz:tz-plan-42:1~0123456789abcdef") is None
    assert foreign_id("shuxiang.activity.submitted.jn", "my-own-uuid") is None  # names nobody: shadows nobody
    assert foreign_id("shuxiang.canonical.created", "canonical:x:y") is None  # the runtime's subjects


def test_a_foreign_id_is_remembered_under_a_key_of_its_own() -> None:
    squat = Delivery(
        subject="shuxiang.activity.submitted.jn",
        data=b"{}",
        headers={"Nats-Msg-Id": "sub:tz:r:1"},
        stream_seq=7,
        timestamp=datetime(2026, 1, 1, tzinfo=UTC),
    )
    assert squat.foreign_id and squat.msg_id != "sub:tz:r:1"
    assert inbox_key("shuxiang.activity.submitted.tz", "sub:tz:r:1", 8) == "sub:tz:r:1"
    assert reclaimed("sub:tz:r:1", b"a") != reclaimed("sub:tz:r:1", b"b")


def test_streams_hold_the_subjects_nats_would_give_them() -> None:
    from shuxiang.events.streams import ALL_STREAMS, CANONICAL_STREAM, SUBMISSIONS_STREAM, stream_of, subject_matches

    assert subject_matches("shuxiang.brand.registered.jn", "shuxiang.brand.*.*")
    assert not subject_matches("shuxiang.brand.registered", "shuxiang.brand.*.*")  # a token short
    assert not subject_matches("shuxiang.brand.registered.jn.x", "shuxiang.brand.*.*")  # one too many
    assert subject_matches("shuxiang.activity.submitted.jn", "shuxiang.>")
    assert not subject_matches("shuxiang", "shuxiang.>")  # ">" needs at least one token
    assert not subject_matches("shuxiang.activity.submitted.>", "shuxiang.activity.submitted.*")
    assert SUBMISSIONS_STREAM.holds("shuxiang.registration.requested.a1")
    assert CANONICAL_STREAM.holds("shuxiang.canonical.created") and not CANONICAL_STREAM.holds("shuxiang.canonical")
    assert stream_of("shuxiang.canonical.updated") == CANONICAL_STREAM.name
    assert all(stream.subjects for stream in ALL_STREAMS)
