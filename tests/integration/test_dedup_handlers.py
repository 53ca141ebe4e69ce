"""The dedup consumer on real SQLite: merges, credits, cancellations, splits, reviews, replay."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from shuxiang.alliance import load_alliance
from shuxiang.events.consumer import Outcome
from shuxiang.services.dedup import handlers
from shuxiang.services.dedup.normalize import WHOLE_ALLIANCE

from .dedup_support import TEST_ALLIANCE, DedupRig, announcement, submission_delivery

COHOSTS = [("jn", "host"), ("tz", "co_host")]


@pytest.fixture
def rig(tmp_path):
    running = DedupRig(tmp_path / "dedup.sqlite3")
    yield running
    running.close()


def credits(activity: dict) -> dict[str, str]:
    return {o["library_id"]: o["role"] for o in activity["organizers"]}


def test_cohost_announcements_merge_into_the_hosts_activity_with_both_credited(rig: DedupRig) -> None:
    rig.submit(
        announcement("jn", "j1", organizers=COHOSTS),
        announcement(
            "tz",
            "t9",
            title="【联办】沽上讲堂——津沽方言漫谈（报名中）",
            venue={"name": "一楼报告厅"},
            organizers=COHOSTS,
        ),
    )
    [activity] = rig.activities()
    assert activity["id"] == rig.own_id("jn", "j1")
    assert credits(activity) == {"jn": "host", "tz": "co_organiser"}  # v1 co_host is read as 协办
    assert [(s["library_id"], s["source_ref"]) for s in activity["sources"]] == [("jn", "j1"), ("tz", "t9")]
    assert [kind for kind, _ in rig.events()] == ["created", "merged"]  # the co-host's announcement joined
    assert activity["title"] == "沽上讲堂：津沽方言漫谈"  # the host's wording


def test_the_strongest_role_wins_and_organiser_is_kept_apart_from_co_organiser(rig: DedupRig) -> None:
    """承办 and 协办 are different credits: a library announced as 协办 by the host and as 承办 by
    itself is credited 承办 (主办 > 承办 > 协办 > 参与)."""
    rig.submit(
        announcement("jn", "j1", organizers=[("jn", "host"), ("tz", "co_organiser"), ("jn-b1", "participant")]),
        announcement(
            "tz", "t1", title="【承办】沽上讲堂——津沽方言漫谈", organizers=[("jn", "host"), ("tz", "organiser")]
        ),
    )
    [activity] = rig.activities()
    assert credits(activity) == {"jn": "host", "tz": "organiser", "jn-b1": "participant"}


def test_partners_outside_the_alliance_reach_the_canonical_activity(rig: DedupRig) -> None:
    rig.submit(announcement("jn", "j1", partners=["津南区实验小学", "津南区社科联"]))
    [activity] = rig.activities()
    assert activity["partners"] == ["津南区实验小学", "津南区社科联"]


def test_a_cohost_cancelling_removes_only_its_credit_and_the_host_cancelling_cancels(rig: DedupRig) -> None:
    host = announcement("jn", "j1", organizers=COHOSTS)
    cohost = announcement("tz", "t9", organizers=COHOSTS)
    rig.submit(host, cohost, {**cohost, "revision": 2, "status": "cancelled"})
    [activity] = rig.activities()
    assert activity["status"] == "scheduled"
    assert credits(activity) == {"jn": "host"}
    rig.submit({**host, "revision": 2, "status": "cancelled"})
    [activity] = rig.activities()
    assert activity["status"] == "cancelled"
    assert activity["id"] == rig.own_id("jn", "j1")
    assert rig.events()[-1][0] == "cancelled"


def test_a_revision_that_no_longer_matches_splits_off_with_its_own_id_and_can_come_back(rig: DedupRig) -> None:
    host = announcement("jn", "j1", organizers=COHOSTS)
    cohost = announcement("tz", "t9", organizers=COHOSTS)
    rig.submit(host, cohost)
    rig.submit(
        {
            **cohost,
            "revision": 2,
            "title": "空中文化大讲堂：《论语》导读",
            "starts_at": "2026-04-12T09:30:00+08:00",
            "ends_at": "2026-04-12T11:00:00+08:00",
        }
    )
    activities = {a["id"]: a for a in rig.activities()}
    assert set(activities) == {rig.own_id("jn", "j1"), rig.own_id("tz", "t9")}
    assert activities[rig.own_id("jn", "j1")]["title"] == "沽上讲堂：津沽方言漫谈"
    assert [s["source_ref"] for s in activities[rig.own_id("tz", "t9")]["sources"]] == ["t9"]
    # corrected back: it joins the host's activity again, its own id is retired (published as cancelled)
    rig.submit({**cohost, "revision": 3})
    [activity] = rig.activities()
    assert activity["id"] == rig.own_id("jn", "j1")
    retired = [e for kind, e in rig.events() if kind == "cancelled"]
    assert retired[-1]["activity"]["id"] == rig.own_id("tz", "t9") and retired[-1]["activity"]["sources"] == []


def test_the_published_id_stays_when_the_host_moves_the_activity(rig: DedupRig) -> None:
    host = announcement("jn", "j1", organizers=COHOSTS)
    cohost = announcement("tz", "t9", organizers=COHOSTS)
    rig.submit(host, cohost)
    moved = {"starts_at": "2026-04-17T14:00:00+08:00", "ends_at": "2026-04-17T16:00:00+08:00"}
    rig.submit({**host, "revision": 2, **moved})
    assert rig.activity_of("jn", "j1")["id"] == rig.own_id("jn", "j1")
    assert rig.activity_of("tz", "t9")["id"] == rig.own_id("tz", "t9")  # stale until the co-host follows
    rig.submit({**cohost, "revision": 2, **moved})
    [activity] = rig.activities()
    assert activity["id"] == rig.own_id("jn", "j1") and activity["starts_at"].startswith("2026-04-17T14:00")


def test_an_activity_from_before_ordered_ids_keeps_its_id(rig: DedupRig, monkeypatch) -> None:
    # as the release before ordered ids made it: uuid5 of the announcement alone
    legacy = str(uuid.uuid5(handlers.ACTIVITY_NAMESPACE, "jn\x1fj1"))
    with monkeypatch.context() as patched:
        patched.setattr(handlers, "canonical_id", lambda library_id, source_ref, first_seq: legacy)
        rig.submit(announcement("jn", "j1", organizers=COHOSTS))
    assert [a["id"] for a in rig.activities()] == [legacy]
    host = announcement("jn", "j1", organizers=COHOSTS)
    rig.submit(
        {**host, "revision": 2, "title": "沽上讲堂：津沽方言漫谈（主讲：王教授）"},
        announcement("tz", "t9", organizers=COHOSTS),
        announcement("tz", "t10", title="馆藏老照片展", hour=9),
    )
    activities = {a["id"]: a for a in rig.activities()}
    assert set(activities) == {legacy, rig.own_id("tz", "t10")} and rig.own_id("tz", "t10") != legacy
    assert (
        activities[legacy]["title"] == "沽上讲堂：津沽方言漫谈（主讲：王教授）"
        and len(activities[legacy]["sources"]) == 2
    )
    assert "cancelled" not in [kind for kind, _ in rig.events()]


def test_a_clerk_typing_it_twice_is_one_activity_but_a_near_copy_waits_for_review(rig: DedupRig) -> None:
    rig.submit(announcement("jn", "a1"), announcement("jn", "a2", title="沽上讲堂：津沽方言漫谈 （报名中）"))
    assert len(rig.activities()) == 1
    rig.submit(
        announcement("jn", "b1", title="读书沙龙：城市与阅读", day=11),
        announcement("jn", "b2", title="读书沙龙：城市与阅读·第二季", day=11),
    )
    assert len(rig.activities()) == 3
    [review] = rig.reviews()
    assert review["status"] == "pending" and {review["source_ref"], review["other_ref"]} == {"b1", "b2"}


def test_the_same_title_at_five_branches_at_the_same_hour_is_five_activities(rig: DedupRig) -> None:
    venues = [
        {"name": "报告厅", "venue_id": "jn-hall"},
        {"name": "阅览室"},
        {"name": "阅览室"},
        {"name": "多功能厅"},
        {"name": "滕州市图书馆报告厅"},
    ]
    libraries = ["jn", "jn-b1", "jn-b2", "jn-sp1", "tz"]
    rig.submit(
        *[
            announcement(lib, f"r{n}", title="4·23 读书分享会", venue=venue)
            for n, (lib, venue) in enumerate(zip(libraries, venues, strict=True))
        ]
    )
    assert len(rig.activities()) == 5


def test_weekly_occurrences_and_other_events_in_the_same_hall_stay_apart(rig: DedupRig) -> None:
    rig.submit(*[announcement("jn", f"w{week}", title="周六绘本时光", day=4 + 7 * week, hour=10) for week in range(3)])
    rig.submit(
        announcement("jn", "x1", title="少儿手工课（第一场）", day=5, hour=9, minute=30),
        announcement("jn", "x2", title="少儿手工课（第二场）", day=5, hour=10),
        announcement("tz", "x3", title="馆藏老照片展", day=5, hour=9, minute=30),
    )
    assert len(rig.activities()) == 6


def test_a_coordinators_decision_merges_or_keeps_apart_and_is_replayed(rig: DedupRig, tmp_path) -> None:
    first = announcement("jn", "j1", title="公益讲座：宋词里的四季")
    second = announcement("tz", "t1", title="讲座：宋词与节气")
    rig.submit(first, second)
    assert len(rig.activities()) == 2
    [review] = rig.reviews()
    assert review["status"] == "pending"
    assert [kind for kind, _ in rig.events()][-1] == "review-needed"
    decision = {
        "source": {"library_id": "tz", "source_ref": "t1"},
        "other": {"library_id": "jn", "source_ref": "j1"},
        "decision": "merge",
        "coordinator_id": "office",
        "note": "同一场",
    }
    assert rig.decide(decision) == [Outcome.ACK]
    [activity] = rig.activities()
    assert activity["id"] == rig.own_id("jn", "j1") and len(activity["sources"]) == 2
    assert rig.reviews()[0]["status"] == "merge"
    # replaying the same log in a fresh database reproduces the decision
    again = DedupRig(tmp_path / "replay.sqlite3")
    again.submit(first, second)
    again.decide(decision)
    assert again.activities() == rig.activities()
    again.close()
    # and the other way
    rig.decide({**decision, "decision": "apart"})
    assert len(rig.activities()) == 2


def test_a_decision_from_an_unknown_coordinator_is_dead_lettered(rig: DedupRig) -> None:
    decision = {
        "source": {"library_id": "tz", "source_ref": "t1"},
        "other": {"library_id": "jn", "source_ref": "j1"},
        "decision": "merge",
        "coordinator_id": "nobody",
    }
    assert rig.decide(decision) == [Outcome.TERM]


def test_an_announcement_from_a_library_outside_the_alliance_is_dead_lettered(rig: DedupRig) -> None:
    assert rig.submit(announcement("new-lib", "n1")) == [Outcome.TERM]
    assert rig.activities() == []


def test_a_cohost_joining_without_a_visible_change_is_published_with_both_sources(rig: DedupRig) -> None:
    """The host's own announcement already credits the co-host: the co-host's announcement of the
    same activity changes nothing visible, but the consumers must learn that it belongs to it (the
    co-host's attendance report names its own source_ref).  One ``merged`` event, a new version,
    the same SEQUENCE and updated_at (the calendar entry's bytes do not move)."""
    host = announcement("jn", "j1", organizers=COHOSTS)
    cohost = announcement("tz", "t9", organizers=COHOSTS)
    rig.submit(host)
    [(_, created)] = rig.events()
    rig.submit(cohost)
    [activity] = rig.activities()
    assert [(s["library_id"], s["source_ref"]) for s in activity["sources"]] == [("jn", "j1"), ("tz", "t9")]
    [(kind, event)] = rig.events()[1:]
    assert kind == "merged"
    assert event["activity"] == activity
    assert activity["version"] == created["activity"]["version"] + 1
    assert activity["sequence"] == created["activity"]["sequence"] == 0
    assert activity["updated_at"] == created["activity"]["updated_at"]
    assert handlers.visible(handlers.CanonicalActivity.model_validate(activity)) == handlers.visible(
        handlers.CanonicalActivity.model_validate(created["activity"])
    )

    events = rig.events()
    rig.deliver(submission_delivery(cohost, 2))  # a redelivery
    rig.submit({**cohost, "revision": 2})  # the same announcement again, a revision higher
    rig.submit({**host, "revision": 2})
    assert rig.events() == events  # no announcement joined or left: a revision number is bookkeeping
    assert [s["revision"] for s in rig.activities()[0]["sources"]] == [2, 2]

    # the co-host's announcement leaves (a revision for another day): the host's activity is
    # published without it, although nothing it shows changed (the host still credits tz)
    elsewhere = {"starts_at": "2026-05-20T14:00:00+08:00", "ends_at": "2026-05-20T16:00:00+08:00"}
    rig.submit({**cohost, "revision": 3, **elsewhere})
    left = [e["activity"] for kind, e in rig.events()[len(events) :] if e["activity"]["id"] == activity["id"]]
    assert [[s["source_ref"] for s in a["sources"]] for a in left] == [["j1"]]
    assert left[0]["version"] == activity["version"] + 1 and left[0]["sequence"] == 0
    assert [kind for kind, e in rig.events()[len(events) :] if e["activity"]["id"] == activity["id"]] == ["merged"]


def test_redelivery_and_stale_revisions_change_nothing(rig: DedupRig) -> None:
    body = announcement("jn", "j1", organizers=COHOSTS)
    rig.submit(body, {**body, "revision": 2, "title": "沽上讲堂：津沽方言漫谈（主讲：王教授）"})
    before, events = rig.activities(), rig.events()
    rig.deliver(submission_delivery(body, 1))  # the same message again
    rig.submit(body)  # an older revision, re-sent
    assert rig.activities() == before and rig.events() == events


@pytest.mark.postgres
def test_merging_splitting_and_reviews_work_the_same_on_postgresql(postgres_url) -> None:
    rig = DedupRig(None, database_url=postgres_url)
    try:
        host = announcement("jn", "j1", organizers=COHOSTS)
        cohost = announcement(
            "tz", "t9", title="沽上讲堂——津沽方言漫谈（联办）", venue={"name": "一楼报告厅"}, organizers=COHOSTS
        )
        rig.submit(
            host,
            cohost,
            announcement("tz", "t2", title="讲座：津沽方言", day=11),
            announcement("jn-b1", "b2", title="沽上讲堂：津沽方言与民俗漫谈", day=11),
        )
        assert len(rig.activities()) == 3
        assert credits(rig.activity_of("tz", "t9")) == {
            "jn": "host",
            "tz": "co_organiser",
        }  # v1 co_host is read as 协办
        assert [r["status"] for r in rig.reviews()] == ["pending"]
        rig.submit(
            {**cohost, "revision": 2, "starts_at": "2026-04-13T09:00:00+08:00", "ends_at": "2026-04-13T10:00:00+08:00"}
        )
        assert rig.activity_of("tz", "t9")["id"] == rig.own_id("tz", "t9")
        assert rig.activity_of("jn", "j1")["id"] == rig.own_id("jn", "j1")
    finally:
        rig.close()


def test_a_later_announcement_that_connects_two_activities_joins_them_and_the_younger_points_to_the_older(
    rig: DedupRig, tmp_path
) -> None:
    # the host's start and a co-host's are 100 minutes apart: two activities …
    host = announcement("jn", "j1", hour=14, minute=0)
    late = announcement(
        "tz", "t1", title="【联盟活动】沽上讲堂：津沽方言漫谈", hour=15, minute=40, venue={"name": "津南区图书馆报告厅"}
    )
    rig.submit(host, late)
    assert len(rig.activities()) == 2
    older, younger = rig.own_id("jn", "j1"), rig.own_id("tz", "t1")
    # … until a third library's announcement, between them, connects them
    rig.submit(
        announcement("jn-b1", "b1", title="津沽方言漫谈（报名中）", hour=14, minute=50, venue={"name": "区馆报告厅"})
    )
    [activity] = rig.activities()
    assert activity["id"] == older and {s["source_ref"] for s in activity["sources"]} == {"j1", "t1", "b1"}
    assert set(credits(activity)) == {"jn", "tz", "jn-b1"}  # the credit moved with the announcements
    [event] = [e for kind, e in rig.events() if kind == "cancelled"]
    assert event["activity"]["id"] == younger  # its id (and calendar UID) never change
    assert event["activity"]["merged_into"] == older and event["activity"]["status"] == "cancelled"
    assert "merged into another activity" in event["activity"]["description"]
    # a replay of the same log gives the same activities, the merged-away one included
    again = DedupRig(tmp_path / "replay.sqlite3")
    again.submit(
        host,
        late,
        announcement("jn-b1", "b1", title="津沽方言漫谈（报名中）", hour=14, minute=50, venue={"name": "区馆报告厅"}),
    )
    assert again.activities() == rig.activities()
    assert [e for _, e in again.events()][-1]["activity"]["merged_into"] == older
    again.close()


@pytest.mark.parametrize("order", ["stale first", "re-announcement first", "stale in its batch"])
def test_a_postponed_activity_is_one_with_the_posts_that_still_give_its_original_date(
    rig: DedupRig, order: str
) -> None:
    """The host re-announces under a new reference a week later ("【改期】…原定4月3日的活动改期至
    4月10日"); a co-host never updated its post, which still gives 3 April: one activity, whichever
    arrived first (the stale one last is found through the partial index of original starts).  A
    same-titled lecture of the series on the 3rd that nobody moved stays apart from another title."""
    stale = announcement("tz", "s1", title="沽上讲堂：津沽方言漫谈（报名中）", day=3, hour=14, organizers=COHOSTS)
    moved = announcement(
        "jn",
        "m1",
        title="【改期】沽上讲堂：津沽方言漫谈",
        day=10,
        hour=14,
        minute=30,
        organizers=COHOSTS,
        description="因天气原因，原定4月3日的活动改期至4月10日举行，地点不变。",
    )
    other = announcement("tz", "o1", title="沽上讲堂：运河与城市", day=3, hour=14, minute=30)
    if order == "stale first":
        rig.submit(stale, other)
        rig.submit(moved)
    elif order == "re-announcement first":
        rig.submit(moved)
        rig.submit(stale, other)
    else:
        rig.deliver(*(submission_delivery(body, seq) for seq, body in enumerate((moved, other, stale), start=1)))
    assert rig.activity_of("jn", "m1")["id"] == rig.activity_of("tz", "s1")["id"]
    assert rig.activity_of("tz", "o1")["id"] != rig.activity_of("jn", "m1")["id"]
    assert len(rig.activities()) == 2


@pytest.mark.parametrize("crediting_first", [True, False])
def test_a_co_host_listing_nobody_finds_the_post_that_credits_it(tmp_path, crediting_first: bool) -> None:
    """In an alliance too large to search whole (more than WHOLE_ALLIANCE members), a branch and a
    town library of another county at an outside place: jn-b1's post credits tz-t1, tz-t1's lists
    nobody and writes the place its own way.  Neither's site is the other's nor a relative's, so
    only the credits link them: looked up both ways (by library and start), either arrival order
    gives one activity."""
    towns = "".join(
        f'\n[[members]]\nid = "tz-t{i}"\nname = "滕州市第{i}镇图书室"\ntier = "branch"\nparent = "tz"\n'
        for i in range(1, WHOLE_ALLIANCE + 1)
    )
    (tmp_path / "alliance.toml").write_text(TEST_ALLIANCE.read_text(encoding="utf-8") + towns, encoding="utf-8")
    large = DedupRig(tmp_path / "dedup.sqlite3", alliance=load_alliance(tmp_path / "alliance.toml"))
    crediting = announcement(
        "jn-b1",
        "b1",
        title="流动图书车进社区",
        venue={"name": "人民广场东侧"},
        organizers=[("jn-b1", "host"), ("tz-t1", "co_host")],
    )
    silent = announcement("tz-t1", "t1", title="流动图书车进社区（报名中）", minute=30, venue={"name": "人民广场"})
    other = announcement("tz-t1", "t2", title="流动图书车进社区", day=17, venue={"name": "人民广场"})
    large.submit(*((crediting, silent) if crediting_first else (silent, crediting)), other)
    assert large.activity_of("jn-b1", "b1")["id"] == large.activity_of("tz-t1", "t1")["id"]
    assert len(large.activities()) == 2
    large.close()


@pytest.mark.parametrize("moved_first", [True, False])
def test_a_postponement_that_does_not_say_from_when_is_one_with_the_post_weeks_before(
    rig: DedupRig, moved_first: bool
) -> None:
    """ "【延期】…（延期至4月17日）" names only the new date: the same title at the same place at the
    same hour up to six weeks before is the post it moves (either arrival order: the earlier post
    finds it through the partial index of day-spanning and moved rows).  Elsewhere it is another."""
    original = announcement("tz", "o1", title="沽上讲堂：津沽方言漫谈", day=3, organizers=COHOSTS)
    moved = announcement(
        "jn", "m1", title="【延期】沽上讲堂：津沽方言漫谈（延期至4月17日）", day=17, organizers=COHOSTS
    )
    elsewhere = announcement("tz", "e1", title="津沽方言漫谈", day=6, venue={"name": "滕州市图书馆报告厅"})
    rig.submit(*((moved, original) if moved_first else (original, moved)), elsewhere)
    assert rig.activity_of("jn", "m1")["id"] == rig.activity_of("tz", "o1")["id"]
    assert rig.activity_of("tz", "e1")["id"] != rig.activity_of("jn", "m1")["id"]


@pytest.mark.parametrize("order", ["as posted", "new date first", "all in one batch"])
def test_a_weekly_sessions_post_called_off_as_postponed_is_one_with_its_new_date_only(
    rig: DedupRig, order: str
) -> None:
    """A weekly series (the same title, room and hour every Friday).  The session of the 10th is
    revised to cancelled as "【延期】…"; the library posts the new date (the 14th) with no mark, and a
    co-host's "【延期举办】…" gives it too.  One activity: the called-off post and the new date; the
    series' sessions of the 3rd and the 17th, the same title at the same place within six weeks,
    stay apart (a re-announcement that does not say from when is not joined to every session)."""
    weekly = [announcement("jn", f"w{day}", title="海风读书会", day=day) for day in (3, 10, 17)]
    called_off = dict(weekly[1], revision=2, status="cancelled", title="【延期】海风读书会")
    new_date = announcement("jn", "n1", title="海风读书会", day=14)
    marked = announcement("tz", "m1", title="【延期举办】海风读书会", day=14, minute=10, organizers=COHOSTS)
    if order == "as posted":
        rig.submit(*weekly)
        rig.submit(called_off)
        rig.submit(new_date, marked)
    elif order == "new date first":
        rig.submit(new_date, marked)
        rig.submit(*weekly)
        rig.submit(called_off)
    else:
        rig.deliver(
            *(submission_delivery(body, seq) for seq, body in enumerate((*weekly, called_off, new_date, marked), 1))
        )
    moved = rig.activity_of("jn", "w10")["id"]
    assert rig.activity_of("jn", "n1")["id"] == moved == rig.activity_of("tz", "m1")["id"]
    assert rig.activity_of("jn", "w3")["id"] != moved and rig.activity_of("jn", "w17")["id"] != moved
    assert len(rig.activities()) == 3


def test_a_re_announcement_that_could_move_two_sessions_is_left_to_a_coordinator(rig: DedupRig) -> None:
    """ "【延期举办】海风读书会" on the 24th, no session called off: the 3rd's or the 10th's?  Neither is
    joined to it; a coordinator is asked."""
    rig.submit(*(announcement("jn", f"w{day}", title="海风读书会", day=day) for day in (3, 10)))
    rig.submit(announcement("jn", "m1", title="【延期举办】海风读书会", day=24))
    assert len({rig.activity_of("jn", ref)["id"] for ref in ("w3", "w10", "m1")}) == 3
    assert [r for r in rig.reviews() if "m1" in (r["source_ref"], r["other_ref"])]


def test_the_candidates_statement_reads_every_part_from_an_index(rig: DedupRig) -> None:
    """An announcement's candidates come in one statement: its sites' windows (a JSON list joined
    to the table, whatever their number), the day-spanning
    rows, the postponements at its site weeks either way (the partial index of moved rows by
    site), those moved from its hour (the small partial index of original starts) and the
    announcements crediting its libraries (the credits' key) -- each a range of an index, none a
    scan of a table."""
    from shuxiang.services.dedup.repository import _candidates_query

    low, high = datetime(2026, 4, 3, tzinfo=UTC), datetime(2026, 4, 4, tzinfo=UTC)
    windows = [("s:jn", low, high), ("w:jn", low, high)]
    parameters = {"w": windows, "s": windows, "m": windows, "c": [("tz", low, high)], "ml": low, "mh": high}
    compiled = _candidates_query(rig.engine.dialect, ("w", "s", "m"), True).compile(rig.engine)
    values = compiled.construct_params(parameters)
    processors = compiled._bind_processors  # noqa: SLF001 - the values as the statement gets them
    bound = tuple(processors[n](values[n]) if n in processors else values[n] for n in compiled.positiontup)
    with rig.engine.connect() as connection:
        plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled.string}", bound).all()
        assert len(connection.execute(compiled.statement, parameters).all()) == 0  # it runs, on no rows
    details = [row[3] for row in plan]
    # the windows' own lists are read whole (json_each); no table of ours is
    assert not any(d.startswith("SCAN") and "VIRTUAL TABLE" not in d for d in details), details
    for index in ("ix_dedup_source_venue_start", "ix_dedup_source_day_or_moved", "ix_dedup_source_moved_from"):
        assert any(index in detail for detail in details), (index, details)
    partial = [d for d in details if "ix_dedup_source_day_or_moved" in d or "ix_dedup_source_moved_at" in d]
    assert len(partial) == 2, details  # the moved rows' part in a partial index too (either: both hold them)
    assert any("dedup_credit USING" in detail for detail in details), details


@pytest.mark.postgres
def test_the_candidates_statement_reads_indexes_on_postgresql(postgres_url) -> None:
    """On PostgreSQL, with 60,000 announcements and 20,000 credits stored, the candidates statement
    (64 windows of each kind, the credits of 8 libraries) reads each part from its index: no
    sequential scan of an announcement or credit table, planned in well under the time it runs."""
    from shuxiang.services.dedup.repository import _candidates_query

    rig = DedupRig(None, database_url=postgres_url)
    try:
        with rig.engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO dedup_source (library_id, source_ref, activity_id, revision, status, submission,"
                " stream_seq, received_at, first_seq, venue_key, starts_at, ends_at, title, title_key, books,"
                " category, credits, spans_day, moved_from)"
                " SELECT 'l' || mod(i, 300), 'r' || i, 'a' || i, 1, 'scheduled', '{}', i, now(), i,"
                " 's:v' || mod(i, 500), timestamptz '2026-01-01' + i * interval '7 minutes',"
                " timestamptz '2026-01-01' + i * interval '7 minutes' + interval '1 hour',"
                " 'talk ' || i, 'talk' || i, '', 'lecture', 'l' || mod(i, 300) || ':host', mod(i, 97) = 0, CASE WHEN mod(i, 89) = 0 THEN timestamptz '2026-01-01' + i * interval '6 minutes' END"
                " FROM generate_series(1, 60000) i"
            )
            connection.exec_driver_sql(
                "INSERT INTO dedup_credit (library_id, starts_at, source_library, source_ref)"
                " SELECT 'l' || mod(i, 280), timestamptz '2026-01-01' + i * interval '21 minutes', 'l' || mod(i * 3, 300),"
                " 'r' || (i * 3) FROM generate_series(1, 20000) i"
            )
            connection.exec_driver_sql("ANALYZE dedup_source")
            connection.exec_driver_sql("ANALYZE dedup_credit")
            low = datetime(2026, 3, 1, tzinfo=UTC)
            windows = [(f"s:v{i * 7}", low + timedelta(days=i), low + timedelta(days=i, hours=6)) for i in range(64)]
            parameters = {
                "w": windows,
                "s": windows,
                "m": windows,
                "c": [(f"l{i}", low, low + timedelta(days=30)) for i in range(8)],
                "ml": low,
                "mh": low + timedelta(hours=6),
            }
            query = _candidates_query(rig.engine.dialect, ("w", "s", "m"), True)
            rows = connection.execute(query, parameters).all()
            assert rows and all(row.starts_at >= low for row in rows if row.venue_key.startswith("s:v"))
            compiled = query.compile(rig.engine)
            values = compiled.construct_params(parameters)
            processors = compiled._bind_processors  # noqa: SLF001 - the values as the statement gets them
            bound = {n: processors[n](v) if n in processors else v for n, v in values.items()}
            with connection.connection.driver_connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN {compiled.string}", bound)
                plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "Seq Scan on dedup_source" not in plan and "Seq Scan on dedup_credit" not in plan, plan
        assert "ix_dedup_source_venue_start" in plan and "ix_dedup_source_day_or_moved" in plan, plan
    finally:
        with rig.engine.begin() as connection:
            for table in ("dedup_credit", "dedup_source"):
                connection.exec_driver_sql(f"DELETE FROM {table}")
        rig.engine.dispose()


@pytest.mark.parametrize("day_entry_first", [True, False])
def test_an_exhibition_entered_for_its_day_and_by_its_opening_hour_is_one_activity(
    rig: DedupRig, day_entry_first: bool
) -> None:
    """One co-host enters the exhibition all day (from 00:00 to 23:59), the other gives the hour it
    opens: found either way round (through the partial index of day-spanning rows) and one
    activity; a lecture in the exhibition hall that afternoon stays apart."""
    whole_day = announcement(
        "jn", "d1", title="【活动预告】馆藏老照片展", hour=0, organizers=COHOSTS, ends_at="2026-04-10T23:59:00+08:00"
    )
    opening = announcement("tz", "d2", title="馆藏老照片展", hour=9, minute=30, organizers=COHOSTS)
    talk = announcement("tz", "d3", title="老照片里的津沽讲座", hour=15, organizers=COHOSTS)
    rig.submit(*((whole_day, opening) if day_entry_first else (opening, whole_day)), talk)
    by_title = {a["title"]: a for a in rig.activities()}
    assert len(by_title) == 2 and len(by_title["【活动预告】馆藏老照片展"]["sources"]) == 2, by_title.keys()


@pytest.mark.parametrize("batched", [False, True], ids=["batch by batch", "in one batch"])
def test_a_revision_that_parts_a_near_copy_drops_its_pending_review(rig: DedupRig, batched: bool) -> None:
    """The pending review of a pair goes when a revision of one of them makes the pair unlike (the
    batch answers this from the reviews it read, a message at a time from the database)."""
    first = announcement("jn", "b1", title="读书沙龙：城市与阅读", day=11)
    near = announcement("jn", "b2", title="读书沙龙：城市与阅读·第二季", day=11)
    parted = {**near, "revision": 2, "title": "少儿手工课：纸的魔法", "starts_at": "2026-04-21T09:00:00+08:00"}
    parted["ends_at"] = "2026-04-21T10:00:00+08:00"
    bodies = (first, near, parted)
    if batched:
        rig.deliver(*(submission_delivery(body, seq) for seq, body in enumerate(bodies, start=1)))
    else:
        rig.submit(first, near)
        assert [r["status"] for r in rig.reviews()] == ["pending"]
        rig.submit(parted)
    assert rig.reviews() == []
    assert len(rig.activities()) == 2


def test_a_day_long_entry_does_not_chain_one_library_s_two_sessions_into_one(tmp_path) -> None:
    """元宵灯会 at 09:30 and at 15:00 (two sessions, kept apart), then the same title for the whole day:
    it joins one of them, and the other stays an activity of its own, not merged away."""
    rig = DedupRig(tmp_path / "dedup.sqlite3")
    try:
        morning = announcement("jn", "y1", title="元宵灯会", hour=9, minute=30)
        afternoon = announcement("jn", "y2", title="元宵灯会", hour=15)
        whole_day = announcement(
            "jn",
            "y3",
            title="元宵灯会",
            all_day=True,
            starts_at="2026-04-10T00:00:00+08:00",
            ends_at="2026-04-11T00:00:00+08:00",
        )
        rig.submit(morning, afternoon, whole_day)
        live = [a for a in rig.activities() if a["status"] != "cancelled"]
        starts = sorted(a["starts_at"] for a in live)
        assert len(live) == 2 and starts[-1] == "2026-04-10T15:00:00+08:00", starts
    finally:
        rig.close()
