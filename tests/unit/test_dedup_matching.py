"""Normalising Chinese titles and venues, and the pairwise verdicts (pure logic)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from shuxiang.alliance import load_alliance
from shuxiang.schemas import Venue
from shuxiang.services.dedup.matching import MatchFields, Outcome, compare, title_similarity
from shuxiang.services.dedup.normalize import Site, VenueResolver, books, episode, room_type, title_key, title_variants

ALLIANCE = load_alliance(Path(__file__).resolve().parents[1] / "data" / "alliance.toml")


@pytest.mark.parametrize(
    "noisy",
    [
        "【转发】4·23《乡土中国》读书会（报名中）",
        "4.23 乡土中国 读书会",
        "转发：世界读书日：“乡土中国”读书会",
        "４·２３《乡土中国》读书会（联办）",
        "  4・23 乡土中国——读书会 ",
    ],
)
def test_noise_campaign_prefixes_brackets_and_width_normalise_away(noisy: str) -> None:
    assert title_variants(title_key(noisy))[0] == "乡土中国读书会"


@pytest.mark.parametrize(
    "decorated",
    [
        "【联盟活动】江城讲坛：江城老街的记忆",
        "欢迎参加｜江城讲坛：江城老街的记忆",
        "江城讲坛：江城老街的记忆（已满员）",
        "📚江城讲坛：江城老街的记忆✨",
        "江城讲坛：江城老街的记忆活动",
        "【活动预告】江城讲坛 | 江城老街的记忆 报名中",
    ],
)
def test_decorations_of_titles_normalise_away(decorated: str) -> None:
    assert title_key(decorated) == "江城讲坛|江城老街的记忆"


def test_a_dropped_brand_prefix_still_matches_but_one_brands_two_topics_do_not() -> None:
    assert title_similarity(title_key("江城讲坛：江城老街的记忆"), title_key("江城老街的记忆读书分享活动")) >= 0.85
    assert title_similarity(title_key("江城讲坛：宋词里的四季"), title_key("江城讲坛：唐诗里的山河")) < 0.5


def test_books_and_session_numbers_are_read_from_titles() -> None:
    assert books("读书会·共读《活着》与《边城》") == {"活着", "边城"}
    assert episode("沽上讲堂（第１２期）") == "12" and episode("少儿手工课（第二场）") == "二"
    assert episode("绘本剧 上午场") != episode("绘本剧 下午场") and episode("编程课（A组）") == "A"


def test_venues_resolve_through_the_directory_and_bare_rooms_stay_with_their_library() -> None:
    venues = VenueResolver(ALLIANCE)
    assert venues.key(Venue(name="一楼报告厅"), host="tz", libraries=("tz",)) == "v:jn-hall"
    assert venues.key(Venue(name="报告厅 （一楼）"), host="jn", libraries=("jn",)) == "v:jn-hall"
    assert venues.key(Venue(name="阅览室"), host="jn-b1", libraries=("jn-b1",)) != venues.key(
        Venue(name="阅览室"), host="jn-b2", libraries=("jn-b2",)
    )
    assert venues.key(Venue(name="双桥河镇 文化活动中心"), host="jn-sp1", libraries=("jn-sp1",)) == venues.key(
        Venue(name="双桥河镇文化活动中心（三楼）"), host="jn", libraries=("jn",)
    )


def fields(
    library: str, ref: str, title: str, minutes: int = 0, credits=(), venue: str = "s:jn", room: str = "一楼报告厅"
) -> MatchFields:
    start = datetime.fromisoformat("2026-04-23T14:00:00+08:00") + timedelta(minutes=minutes)
    return MatchFields(
        library,
        ref,
        venue,
        start,
        start + timedelta(hours=2),
        title_key(title),
        books(title),
        episode(title),
        "lecture",
        tuple(credits) or ((library, "host"),),
        None,
        venue_name=room,
    )


def test_verdicts() -> None:
    host = fields("jn", "a", "沽上讲堂：津沽方言漫谈", credits=[("jn", "host"), ("tz", "co_host")])
    assert (
        compare(
            host, fields("tz", "b", "沽上讲堂——津沽方言漫谈（联办）", 30, credits=[("jn", "host"), ("tz", "co_host")])
        ).outcome
        is Outcome.MERGE
    )
    # the sign-in time, a rounded hour: up to an hour off at the same place; not beyond
    assert compare(host, fields("tz", "b", "沽上讲堂：津沽方言漫谈", 45)).outcome is Outcome.MERGE
    assert compare(host, fields("tz", "b", "沽上讲堂：津沽方言漫谈", 75)).outcome is Outcome.APART
    assert compare(host, fields("jn", "c", "沽上讲堂：津沽方言漫谈", venue="s:other")).outcome is Outcome.APART
    assert compare(host, fields("jn", "d", "【预告】沽上讲堂：津沽方言漫谈")).outcome is Outcome.MERGE  # typed twice
    assert compare(host, fields("jn", "e", "沽上讲堂：津沽方言漫谈（更新）", 10)).outcome is Outcome.MERGE  # 10 min off
    assert compare(host, fields("jn", "e", "沽上讲堂：津沽方言漫谈", 40)).outcome is Outcome.APART
    assert (
        compare(fields("jn", "f", "读书会·共读《活着》"), fields("tz", "g", "读书会·共读《边城》")).outcome
        is Outcome.APART
    )
    assert compare(fields("jn", "h", "讲座（第3期）"), fields("tz", "i", "讲座（第4期）")).outcome is Outcome.APART
    assert compare(host, fields("tz", "j", "转发：沽上讲堂：津沽方言漫谈")).outcome is Outcome.MERGE
    assert compare(host, fields("tz", "k", "讲座：津沽方言")).outcome is Outcome.MERGE  # co-hosts word it their way


def test_venues_as_evidence() -> None:
    lecture = "4·23 经典诵读会"
    # one programme at several branches, each in its own library: apart, named or assumed
    assert (
        compare(
            fields("jn", "a", lecture, venue="w:jn", room="报告厅"),
            fields("jn-b1", "b", lecture, venue="w:jn-b1", room="报告厅"),
        ).outcome
        is Outcome.APART
    )
    assert (
        compare(
            fields("jn", "a", lecture, venue="s:jn", room="区馆报告厅"),
            fields("jn-b1", "b", lecture, venue="s:jn-b1", room="分馆报告厅"),
        ).outcome
        is Outcome.APART
    )
    # a co-host that lists nobody but names the host's library: one activity
    assert (
        compare(
            fields("jn", "a", lecture, venue="w:jn", room="报告厅"),
            fields("tz", "b", "【联盟活动】" + lecture, 30, venue="s:jn", room="区图报告厅"),
        ).outcome
        is Outcome.MERGE
    )
    # parallel sessions in one building: two rooms
    assert (
        compare(fields("jn", "a", lecture, room="三楼多功能厅"), fields("tz", "b", lecture, room="少儿阅览室")).outcome
        is Outcome.APART
    )
    assert room_type("学术报告厅（二楼）") == room_type("一楼报告厅") and room_type("南湖区湖滨路66号") is None


def test_sites_from_names_abbreviations_and_tier_words() -> None:
    venues = VenueResolver(ALLIANCE)
    site = lambda name, lib, orgs=(): venues.site(Venue(name=name), host=lib, libraries=(lib, *orgs))  # noqa: E731
    names = {m.id: m.name for m in ALLIANCE.members}
    assert site(names["jn"] + "三楼多功能厅", "tz").library_id == "jn" and site(names["jn"] + "大厅", "tz").named
    assert site("区馆一楼大厅", "jn-b1").library_id == "jn"  # the writer's own district library
    assert site("区馆一楼大厅", "tz", ("jn",)).library_id == "jn"  # its organisers'
    assert site("分馆阅览室", "jn", ("jn-b1",)) == Site("jn-b1", True)
    assert site("三楼活动室", "jn-b1") == site("活动室", "jn-b1") == Site("jn-b1", False)
    assert not site("解放路 12 号", "tz").known
