"""The benchmarks' realistic workload (bench/workload.py): an alliance that loads, and messages that
every door of the alliance would take — the same for the same seed."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from bench.workload import describe, messages, realistic_alliance, summary, write_alliance, write_jsonl
from shuxiang.admission import campaign_problem
from shuxiang.alliance import Alliance, Tier, load_alliance, load_demo_alliance
from shuxiang.schemas.submission import ActivitySubmission, AttendanceReport, Role, Status

N = 3000
FIRST_YEAR = 2024


@pytest.fixture(scope="module")
def alliance() -> Alliance:
    return realistic_alliance()


@pytest.fixture(scope="module")
def log(alliance: Alliance) -> list[tuple[str, str, bytes]]:
    return messages(N, first_year=FIRST_YEAR, alliance=alliance)


def test_the_alliance_is_the_issues_size_with_the_demos_rules(alliance: Alliance, tmp_path: Path) -> None:
    tiers = Counter(m.tier for m in alliance.members)
    assert len(alliance.members) == 321
    assert tiers[Tier.central] == 1 and tiers[Tier.district] + tiers[Tier.county] == 20
    assert tiers[Tier.branch] > 60 and tiers[Tier.service_point] > 60
    assert all(alliance.ancestors(m.id)[-1:] in ([], ["ccl"]) for m in alliance.members)
    assert len(alliance.brands) == 30
    demo = load_demo_alliance()
    for table in ("campaigns", "quota_rules", "audiences", "plan_periods", "coordinators"):
        assert getattr(alliance, table) == getattr(demo, table), table
    # the file `up --config` reads gives the same alliance
    assert load_alliance(write_alliance(tmp_path / "alliance.toml")) == alliance


def test_the_same_seed_gives_the_same_messages(alliance: Alliance, log) -> None:
    assert messages(N, first_year=FIRST_YEAR, alliance=alliance) == log
    assert messages(N, seed=24, first_year=FIRST_YEAR, alliance=alliance) != log
    assert len(log) == N and len({msg_id for _, msg_id, _ in log}) == N


def test_every_message_passes_the_schema_and_the_alliances_checks(alliance: Alliance, log) -> None:
    members, brands, venues = alliance.member_ids(), {b.id for b in alliance.brands}, {v.id: v for v in alliance.venues}
    announced: dict[tuple[str, str], int] = {}
    for subject, msg_id, payload in log:
        library = subject.rsplit(".", 1)[1]
        if subject.startswith("shuxiang.activity.reported."):
            report = AttendanceReport.model_validate_json(payload)
            assert (report.library_id, report.message_id()) == (library, msg_id)
            assert (report.library_id, report.source_ref) in announced, "a report of nothing announced before it"
            assert report.held or report.participants == 0
            continue
        assert subject.startswith("shuxiang.activity.submitted.")
        submission = ActivitySubmission.model_validate_json(payload)  # every door's checks: sessions on the rule
        assert submission.library_id == library and submission.message_id() == msg_id
        assert submission.library_id in members
        assert {o.library_id for o in submission.organizers} <= members
        assert submission.brand_id is None or submission.brand_id in brands
        assert campaign_problem(alliance, submission) is None
        if submission.venue.venue_id is not None:  # a room of the host's (a co-host names the host's room)
            assert venues[submission.venue.venue_id].library_id in {o.library_id for o in submission.credited()}
        key = (submission.library_id, submission.source_ref)
        assert submission.revision == announced.get(key, 0) + 1, "revisions come after what they revise"
        announced[key] = submission.revision


def test_co_hosts_announce_the_same_activity_each_in_their_own_words(log) -> None:
    hosted: dict[tuple, ActivitySubmission] = {}
    copies: list[ActivitySubmission] = []
    for subject, _, payload in log:
        if not subject.startswith("shuxiang.activity.submitted."):
            continue
        submission = ActivitySubmission.model_validate_json(payload)
        if submission.revision > 1 or not submission.organizers:
            continue
        host = next(o.library_id for o in submission.organizers if o.role == Role.host)
        key = (host, submission.starts_at, tuple(o.library_id for o in submission.organizers))
        if host == submission.library_id:
            hosted[key] = submission
        else:
            assert key in hosted, "a co-host announces after the host"
            copies.append(submission)
            assert submission.source_ref != hosted[key].source_ref or submission.library_id != host
    assert len(copies) >= 0.8 * len(hosted)
    worded = sum(
        c.title != hosted[(next(o.library_id for o in c.organizers if o.role == Role.host), c.starts_at, k)].title
        for c in copies
        for k in [tuple(o.library_id for o in c.organizers)]
    )
    assert 0.5 * len(copies) <= worded < len(copies)


def test_the_make_up_is_the_issues(log) -> None:
    s = summary(log)
    activities = s["activities"]
    assert 0.07 <= s["co_hosted"] / activities <= 0.13
    assert 0.03 <= s["series"] / activities <= 0.07
    assert 0.11 <= s["brand_linked"] / activities <= 0.17
    assert 0.04 <= s["revisions"] / activities <= 0.09 and s["cancellations"] > 0
    assert s["attendance_reports"] > 0 and s["campaign_linked"] > 0
    assert s["members_publishing"] > 250
    assert "co-hosted" in describe(log)


def test_weekends_and_the_world_book_day_week_are_busiest(log) -> None:
    starts = Counter()
    for subject, _, payload in log:
        body = json.loads(payload)
        if subject.startswith("shuxiang.activity.submitted.") and body["revision"] == 1:
            starts[date.fromisoformat(body["starts_at"][:10])] += 1
    days = (date(FIRST_YEAR + 3, 1, 1) - date(FIRST_YEAR, 1, 1)).days
    per_day = sum(starts.values()) / days
    weekend = sum(n for d, n in starts.items() if d.weekday() >= 5) / (days * 2 / 7)
    book_week = sum(n for d, n in starts.items() if d.month == 4 and 20 <= d.day <= 26) / (3 * 7)
    assert weekend > 1.4 * per_day
    assert book_week > 3 * per_day
    assert {d.year for d in starts} >= {FIRST_YEAR, FIRST_YEAR + 1, FIRST_YEAR + 2}


def test_the_jsonl_holds_the_announcements_for_shuxiang_publish(log, tmp_path: Path) -> None:
    path = tmp_path / "import.jsonl"
    written = write_jsonl(log, path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert written == len(lines) == sum(s.startswith("shuxiang.activity.submitted.") for s, _, _ in log)
    assert all(ActivitySubmission.model_validate_json(line).status in set(Status) for line in lines[:200])


def test_a_moved_campaign_activity_stays_in_its_campaigns_window(alliance: Alliance) -> None:
    # rare enough (a move of a day or a week near a window's end) to need a longer log than the others
    moved = [
        ActivitySubmission.model_validate_json(payload)
        for subject, _, payload in messages(20_000, first_year=FIRST_YEAR, alliance=alliance)
        if subject.startswith("shuxiang.activity.submitted.")
        and b'"campaign_id"' in payload
        and b'"revision":2' in payload
    ]
    assert len(moved) > 50
    assert [s.message_id() for s in moved if campaign_problem(alliance, s) is not None] == []
