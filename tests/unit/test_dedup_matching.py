"""Normalising Chinese titles and venues, and the pairwise verdicts (pure logic)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from shuxiang.schemas import Venue
from shuxiang.services.dedup.matching import MatchFields, Outcome, compare
from shuxiang.services.dedup.normalize import VenueResolver, books, episode, title_key

from shuxiang.alliance import load_alliance

ALLIANCE = load_alliance(Path(__file__).resolve().parents[1] / "data" / "alliance.toml")


@pytest.mark.parametrize("noisy", [
    "【转发】4·23《乡土中国》读书会（报名中）", "4.23 乡土中国 读书会", "转发：世界读书日：“乡土中国”读书会",
    "４·２３《乡土中国》读书会（联办）", "  4・23 乡土中国——读书会 ",
])
def test_noise_campaign_prefixes_brackets_and_width_normalise_away(noisy: str) -> None:
    assert title_key(noisy) == "乡土中国读书会"


def test_books_and_session_numbers_are_read_from_titles() -> None:
    assert books("读书会·共读《活着》与《边城》") == {"活着", "边城"}
    assert episode("沽上讲堂（第１２期）") == "12" and episode("少儿手工课（第二场）") == "二"


def test_venues_resolve_through_the_directory_and_bare_rooms_stay_with_their_library() -> None:
    venues = VenueResolver(ALLIANCE)
    assert venues.key(Venue(name="一楼报告厅"), host="tz", libraries=("tz",)) == "v:jn-hall"
    assert venues.key(Venue(name="报告厅 （一楼）"), host="jn", libraries=("jn",)) == "v:jn-hall"
    assert venues.key(Venue(name="阅览室"), host="jn-b1", libraries=("jn-b1",)) != \
        venues.key(Venue(name="阅览室"), host="jn-b2", libraries=("jn-b2",))
    assert venues.key(Venue(name="双桥河镇 文化活动中心"), host="jn-sp1", libraries=("jn-sp1",)) == \
        venues.key(Venue(name="双桥河镇文化活动中心（三楼）"), host="jn", libraries=("jn",))


def fields(library: str, ref: str, title: str, minutes: int = 0, credits=(), venue: str = "v:jn-hall") -> MatchFields:
    start = datetime.fromisoformat("2026-04-23T14:00:00+08:00") + timedelta(minutes=minutes)
    return MatchFields(library, ref, venue, start, start + timedelta(hours=2), title_key(title), books(title),
                       episode(title), "lecture", tuple(credits) or ((library, "host"),), None)


def test_verdicts() -> None:
    host = fields("jn", "a", "沽上讲堂：津沽方言漫谈", credits=[("jn", "host"), ("tz", "co_host")])
    assert compare(host, fields("tz", "b", "沽上讲堂——津沽方言漫谈（联办）", 30,
                                credits=[("jn", "host"), ("tz", "co_host")])).outcome is Outcome.MERGE
    assert compare(host, fields("tz", "b", "沽上讲堂：津沽方言漫谈", 45)).outcome is Outcome.APART
    assert compare(host, fields("jn", "c", "沽上讲堂：津沽方言漫谈", venue="v:other")).outcome is Outcome.APART
    assert compare(host, fields("jn", "d", "【预告】沽上讲堂：津沽方言漫谈")).outcome is Outcome.MERGE  # typed twice
    assert compare(host, fields("jn", "e", "沽上讲堂：津沽方言漫谈", 15)).outcome is Outcome.REVIEW
    assert compare(fields("jn", "f", "读书会·共读《活着》"), fields("tz", "g", "读书会·共读《边城》")).outcome is Outcome.APART
    assert compare(fields("jn", "h", "讲座（第3期）"), fields("tz", "i", "讲座（第4期）")).outcome is Outcome.APART
    assert compare(host, fields("tz", "j", "转发：沽上讲堂：津沽方言漫谈")).outcome is Outcome.MERGE
    assert compare(fields("jn", "a2", "沽上讲堂：津沽方言漫谈"), fields("tz", "k", "讲座：津沽方言")).outcome is Outcome.REVIEW
    assert compare(host, fields("tz", "k", "讲座：津沽方言")).outcome is Outcome.MERGE  # co-hosts word it their way
