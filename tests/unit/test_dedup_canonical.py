"""Dedup builds canonical activities without validating them again: what it builds must be what
validation would give (pure logic)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from shuxiang.alliance import load_alliance
from shuxiang.events.consumer import Delivery
from shuxiang.schemas import ActivitySubmission, CanonicalActivity
from shuxiang.services.dedup.handlers import build_canonical, primary_source, source_row
from shuxiang.services.dedup.matching import match_fields
from shuxiang.services.dedup.normalize import VenueResolver

ALLIANCE = load_alliance(Path(__file__).resolve().parents[1] / "data" / "alliance.toml")
AT = datetime(2026, 4, 20, 8, 0, tzinfo=UTC)

PLAIN = {
    "library_id": "jn",
    "source_ref": "a-1",
    "title": "沽上讲堂：津沽方言漫谈",
    "category": "lecture",
    "starts_at": "2026-04-23T14:00:00+08:00",
    "ends_at": "2026-04-23T16:00:00+08:00",
    "venue": {"name": "报告厅"},
}
FULL = {
    **PLAIN,
    "source_ref": "a-2",
    "revision": 3,
    "description": "方言与城市记忆",
    "all_day": False,
    "recurrence": "RRULE:FREQ=WEEKLY;COUNT=4",
    "exdates": ["2026-04-30T14:00:00+08:00"],
    "venue": {"name": "报告厅", "address": "南开区复康路15号", "online_url": "https://live.example.org/jn"},
    "organizers": [{"library_id": "tz", "role": "co_host"}],
    "brand_id": "jn-gushang",
    "campaign_id": "423",
    "featured": True,
    "audience": "成人",
    "tags": ["方言", "地方文献"],
    "capacity": 120,
    "registration_url": "https://jn.example.org/r/1",
    "contact": "022-1234",
}
ONLINE = {**PLAIN, "source_ref": "a-3", "status": "cancelled", "venue": {"online_url": "https://live.example.org/x"}}
CO_HOST = {
    **PLAIN,
    "library_id": "tz",
    "source_ref": "b-1",
    "title": "沽上讲堂——津沽方言漫谈（联办）",
    "organizers": [{"library_id": "jn", "role": "host"}, {"library_id": "tz", "role": "co_host"}],
}


def row(body: dict, seq: int):
    data = json.dumps(body, ensure_ascii=False).encode()
    delivery = Delivery(
        subject=f"shuxiang.activity.submitted.{body['library_id']}",
        data=data,
        headers={},
        stream_seq=seq,
        timestamp=AT + timedelta(seconds=seq),
    )
    submission = ActivitySubmission.model_validate_json(data)
    return source_row(submission, match_fields(submission, VenueResolver(ALLIANCE)), delivery, None)


@pytest.mark.parametrize(
    "bodies",
    [[PLAIN], [FULL], [ONLINE], [FULL, CO_HOST], [CO_HOST, PLAIN, ONLINE]],
    ids=["plain", "every-field", "online-cancelled", "merged", "three-sources"],
)
def test_a_built_canonical_activity_is_what_validation_gives(bodies) -> None:
    sources = [row(body, seq) for seq, body in enumerate(bodies, start=1)]
    activity = build_canonical("act-1", sources, None, AT)
    validated = CanonicalActivity.model_validate(activity.model_dump())
    assert activity == validated
    # every field of the primary announcement is carried over as validation would carry it
    content = (
        primary_source(sources)
        .submission()
        .model_dump(exclude={"library_id", "source_ref", "revision", "organizers", "status"})
    )
    assert activity == CanonicalActivity(
        id="act-1",
        version=1,
        sequence=0,
        status=activity.status,
        organizers=activity.organizers,
        sources=[s.model_dump() for s in activity.sources],
        created_at=AT,
        updated_at=AT,
        **content,
    )
    assert activity.model_dump_json() == validated.model_dump_json()
    assert CanonicalActivity.model_validate_json(activity.model_dump_json()) == activity
    # and a revision of it compares equal to the stored one when nothing visible changed
    again = build_canonical(
        "act-1", sources, CanonicalActivity.model_validate_json(activity.model_dump_json()), AT + timedelta(days=1)
    )
    assert again.version == activity.version and again.updated_at == activity.updated_at


def test_the_stored_announcement_reads_back_as_the_submission() -> None:
    source = row(FULL, 1)
    assert ActivitySubmission.model_validate_json(source.submission_json) == source.parsed
    assert source.parsed.recurrence == "FREQ=WEEKLY;COUNT=4"


def test_an_announcement_joining_raises_the_version_and_not_the_sequence() -> None:
    """The co-host's own announcement, already credited by the host's: a new version (the consumers
    must learn the announcement is this activity's), the same SEQUENCE and updated_at (nothing a
    calendar shows moved) — also for a snapshot stored before ``sequence`` (read as version - 1)."""
    credited = [{"library_id": "jn", "role": "host"}, {"library_id": "tz", "role": "co_host"}]
    host = row({**PLAIN, "organizers": credited}, 1)
    cohost = row({**PLAIN, "library_id": "tz", "source_ref": "b-2", "organizers": credited}, 2)
    first = build_canonical("act-1", [host], None, AT)
    joined = build_canonical("act-1", [host, cohost], first, AT + timedelta(days=1))
    assert (joined.version, joined.sequence, joined.updated_at) == (2, 0, AT)
    assert [s.source_ref for s in joined.sources] == ["a-1", "b-2"]

    stored_before = first.model_copy(update={"version": 3, "sequence": None})  # SEQUENCE 2
    assert build_canonical("act-1", [host], stored_before, AT + timedelta(days=1)) == stored_before
    joined = build_canonical("act-1", [host, cohost], stored_before, AT + timedelta(days=1))
    assert (joined.version, joined.ical_sequence, joined.updated_at) == (4, 2, AT)
    moved = row({**PLAIN, "organizers": credited, "revision": 2, "starts_at": "2026-04-23T15:00:00+08:00"}, 3)
    later = build_canonical("act-1", [moved, cohost], joined, AT + timedelta(days=2))
    assert (later.version, later.ical_sequence, later.updated_at) == (5, 3, AT + timedelta(days=2))
