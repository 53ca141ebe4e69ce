"""The demo year of activities: deterministic, valid, and exercising every feature."""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from shuxiang.alliance import Alliance, load_demo_alliance
from shuxiang.demo.activities import generate_demo_submissions, write_jsonl
from shuxiang.schemas.submission import ActivitySubmission, Role, Status

YEAR = 2026


@pytest.fixture(scope="module")
def alliance() -> Alliance:
    return load_demo_alliance()


@pytest.fixture(scope="module")
def submissions(alliance: Alliance) -> list[ActivitySubmission]:
    return generate_demo_submissions(alliance, YEAR)


def test_deterministic(alliance: Alliance, submissions: list[ActivitySubmission]) -> None:
    again = generate_demo_submissions(alliance, YEAR)
    assert [s.model_dump() for s in again] == [s.model_dump() for s in submissions]
    other = generate_demo_submissions(alliance, YEAR, seed=1)
    assert [s.model_dump() for s in other] != [s.model_dump() for s in submissions]


def test_a_year_of_valid_submissions(submissions: list[ActivitySubmission]) -> None:
    assert 600 <= len(submissions) <= 900
    for submission in submissions:
        ActivitySubmission.model_validate(submission.model_dump())
        assert submission.starts_at.utcoffset() == timedelta(hours=8)
        assert submission.starts_at.year == YEAR
    assert {s.starts_at.month for s in submissions} == set(range(1, 13))
    assert len({s.category for s in submissions}) >= 12


def test_one_identity_per_revision(submissions: list[ActivitySubmission]) -> None:
    ids = Counter(s.message_id() for s in submissions)
    assert max(ids.values()) == 1


def test_every_reference_exists(alliance: Alliance, submissions: list[ActivitySubmission]) -> None:
    members = alliance.member_ids()
    brands = {b.id for b in alliance.brands}
    campaigns = {c.id for c in alliance.campaigns}
    venues = {v.id: v for v in alliance.venues}
    for s in submissions:
        assert s.library_id in members
        assert {o.library_id for o in s.organizers} <= members
        assert s.brand_id is None or s.brand_id in brands
        assert s.campaign_id is None or s.campaign_id in campaigns
        if s.venue.venue_id is not None:
            assert s.venue.name == venues[s.venue.venue_id].name
        assert s.source_ref.startswith(f"{YEAR}-{s.library_id}-")


def test_campaign_activities_fall_in_their_window(alliance: Alliance, submissions: list[ActivitySubmission]) -> None:
    linked = [s for s in submissions if s.campaign_id]
    assert len(linked) >= 100
    for s in linked:
        assert alliance.campaign(s.campaign_id).covers(s.starts_at.date())


def test_co_hosted_activities_are_announced_by_each_organiser(submissions: list[ActivitySubmission]) -> None:
    shared = [s for s in submissions if any(o.role in (Role.organiser, Role.co_organiser) for o in s.organizers)]
    groups: dict[tuple, list[ActivitySubmission]] = {}
    for s in shared:
        key = (s.starts_at, tuple(sorted((o.library_id, o.role) for o in s.organizers)))
        groups.setdefault(key, []).append(s)
    assert len(groups) >= 15
    for announcements in groups.values():
        organizers = {o.library_id for o in announcements[0].organizers}
        assert {a.library_id for a in announcements} == organizers
        assert len({a.source_ref for a in announcements}) == len(announcements)
    assert any(len(a) == 3 for a in groups.values())
    three = next(a for a in groups.values() if len(a) == 3)  # 主办, 承办 and 协办 told apart
    assert sorted(o.role.value for o in three[0].organizers) == ["co_organiser", "host", "organiser"]
    participants = [s for s in submissions if any(o.role == Role.participant for o in s.organizers)]
    assert participants


def test_recurring_series_with_exdates(submissions: list[ActivitySubmission]) -> None:
    series = [s for s in submissions if s.recurrence]
    assert len(series) >= 3
    for s in series:
        assert s.recurrence.startswith("FREQ=WEEKLY;COUNT=")
        assert s.exdates
        for exdate in s.exdates:
            assert (exdate - s.starts_at) % timedelta(weeks=1) == timedelta(0)


def test_revisions_and_cancellations(submissions: list[ActivitySubmission]) -> None:
    first = {(s.library_id, s.source_ref): s for s in submissions if s.revision == 1}
    cancelled = [s for s in submissions if s.status == Status.cancelled]
    revised = [s for s in submissions if s.revision == 2 and s.status == Status.scheduled]
    assert len(cancelled) >= 3 and len(revised) >= 5
    for s in cancelled + revised:
        assert s.revision == 2
        assert (s.library_id, s.source_ref) in first
    changed = [
        s
        for s in revised
        if (s.starts_at, s.title)
        != (first[s.library_id, s.source_ref].starts_at, first[s.library_id, s.source_ref].title)
    ]
    assert len(changed) == len(revised)
    position = {id(s): i for i, s in enumerate(submissions)}
    for s in cancelled + revised:
        assert position[id(first[s.library_id, s.source_ref])] < position[id(s)]


def test_brands_and_featured(alliance: Alliance, submissions: list[ActivitySubmission]) -> None:
    with_id = [s for s in submissions if s.brand_id]
    assert {s.brand_id for s in with_id} == {b.id for b in alliance.brands}
    named_only = [s for s in submissions if s.brand_id is None and any(b.name in s.title for b in alliance.brands)]
    assert named_only
    featured = Counter((s.library_id, s.starts_at.month) for s in submissions if s.featured and s.revision == 1)
    months = Counter(library for library, _ in featured)
    assert any(n == 12 for n in months.values()), "some library is on track"
    assert any(n < 12 for n in months.values()), "some library falls behind"


def test_exhibitions_last_several_days(submissions: list[ActivitySubmission]) -> None:
    exhibitions = [s for s in submissions if s.category == "exhibition"]
    assert exhibitions and all(s.ends_at - s.starts_at >= timedelta(days=1) for s in exhibitions)
    timed = [s for s in submissions if s.category not in ("exhibition", "festival") and not s.recurrence]
    assert all(
        timedelta(hours=1) <= s.ends_at - s.starts_at <= timedelta(hours=3)
        for s in timed
        if s.ends_at.date() == s.starts_at.date()
    )


def test_some_are_online(submissions: list[ActivitySubmission]) -> None:
    assert any(s.venue.online_url for s in submissions)


def test_write_jsonl(tmp_path: Path, submissions: list[ActivitySubmission]) -> None:
    path = tmp_path / "demo.jsonl"
    assert write_jsonl(submissions[:20], path) == 20
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 20
    assert ActivitySubmission.model_validate(json.loads(lines[0])) == submissions[0]
    assert "\\u" not in lines[0]  # Chinese stays readable
