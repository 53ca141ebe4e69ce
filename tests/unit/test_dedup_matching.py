"""Normalising Chinese titles and venues, and the pairwise verdicts (pure logic)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from shuxiang.alliance import load_alliance, normalize_venue_text
from shuxiang.schemas import ActivitySubmission, Venue
from shuxiang.services.dedup.matching import MatchFields, Outcome, compare, match_fields, title_similarity
from shuxiang.services.dedup.normalize import (
    Site,
    VenueResolver,
    abbreviations,
    books,
    episode,
    floor,
    generic_kinds,
    is_online,
    own_stems,
    postponed_from,
    room_type,
    rooms_alike,
    title_key,
    title_variants,
    venue_name_to_match,
)

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
    assert episode("沽上讲堂（第１２期）") == "12" and episode("少儿手工课（第二场）") == "2"
    assert episode("故事妈妈第七十三期") == episode("故事妈妈第73讲") == "73" and episode("第一百零二期") == "102"
    assert episode("绘本剧 上午场") != episode("绘本剧 下午场") and episode("编程课（A组）") == "A"


def test_venues_resolve_through_the_directory_and_bare_rooms_stay_with_their_library() -> None:
    venues = VenueResolver(ALLIANCE)
    # a bare room is the host's: jn's alias when jn holds it, tz's own hall when tz does
    assert venues.key(Venue(name="一楼报告厅"), host="jn", libraries=("tz", "jn")) == "v:jn-hall"
    assert venues.key(Venue(name="一楼报告厅"), host="tz", libraries=("tz", "jn")) == "n:tz:一楼报告厅"
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
    # the sign-in time, a rounded hour: up to an hour off at the same place; up to 90 minutes only
    # the same title at the same place with no session mark; never beyond
    assert compare(host, fields("tz", "b", "沽上讲堂：津沽方言漫谈", 45)).outcome is Outcome.MERGE
    assert compare(host, fields("tz", "b", "沽上讲堂：津沽方言漫谈", 75)).outcome is Outcome.MERGE
    assert compare(host, fields("tz", "b", "沽上讲堂：津沽方言趣谈", 75)).outcome is Outcome.APART  # alike: not enough
    assert compare(host, fields("tz", "b", "沽上讲堂：津沽方言漫谈（第二场）", 75)).outcome is Outcome.APART
    assert compare(host, fields("tz", "b", "沽上讲堂：津沽方言漫谈", 75, venue="w:tz")).outcome is Outcome.APART
    assert compare(host, fields("tz", "b", "沽上讲堂：津沽方言漫谈", 95)).outcome is Outcome.APART
    assert compare(host, fields("jn", "c", "沽上讲堂：津沽方言漫谈", venue="s:other")).outcome is Outcome.APART
    assert compare(host, fields("jn", "d", "【预告】沽上讲堂：津沽方言漫谈")).outcome is Outcome.MERGE  # typed twice
    assert compare(host, fields("jn", "e", "沽上讲堂：津沽方言漫谈（更新）", 10)).outcome is Outcome.MERGE  # 10 min off
    # one library's post and notice, each start by its own habit (the sign-in time): up to an hour,
    # the title plainly the same; a second session says so
    assert compare(host, fields("jn", "e", "沽上讲堂：津沽方言漫谈", 40)).outcome is Outcome.MERGE
    assert compare(host, fields("jn", "e", "沽上讲堂：津沽方言漫谈（第二场）", 60)).outcome is Outcome.APART
    assert compare(host, fields("jn", "e", "沽上讲堂：津沽方言趣谈", 40)).outcome is not Outcome.MERGE
    assert (
        compare(fields("jn", "f", "读书会·共读《活着》"), fields("tz", "g", "读书会·共读《边城》")).outcome
        is Outcome.APART
    )
    assert compare(fields("jn", "h", "讲座（第3期）"), fields("tz", "i", "讲座（第4期）")).outcome is Outcome.APART
    assert compare(host, fields("tz", "j", "转发：沽上讲堂：津沽方言漫谈")).outcome is Outcome.MERGE
    assert compare(host, fields("tz", "k", "讲座：津沽方言")).outcome is Outcome.MERGE  # co-hosts word it their way


def test_one_library_s_two_classes_side_by_side_in_two_rooms_are_two() -> None:
    """Two levels or groups at one time, each in a room of its own, entered by the same library: two
    activities — not the same one typed twice (a room written another way is no evidence)."""
    beginners = fields("jn", "a", "书法入门班（初级）", room="津南区图书馆少儿阅览室")
    assert (
        compare(beginners, fields("jn", "b", "书法入门班（高级）", room="津南区图书馆电子阅览室")).outcome
        is Outcome.APART
    )
    first = fields("jn", "c", "志愿者培训1号", room="津南区图书馆第0会议室")
    assert compare(first, fields("jn", "d", "志愿者培训121号", room="津南区图书馆第1会议室")).outcome is Outcome.APART
    for same_room in ("少儿阅览室（二楼）", "2楼少儿阅览室", "津南区图书馆少儿阅览室"):
        again = fields("jn", "e", "【预告】书法入门班（初级）", room=same_room)
        assert compare(beginners, again).outcome is Outcome.MERGE, same_room
    floor_written = fields("jn", "f", "书法入门班（初级）报名", room="二楼活动室")
    assert compare(fields("jn", "g", "书法入门班（初级）", room="活动室"), floor_written).outcome is not Outcome.APART


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
    # ... but co-hosts crediting one host name one room in their own words (多功能厅 / 多功能会议室)
    cohost = [("jn", "host"), ("tz", "co_organiser")]
    assert (
        compare(
            fields("jn", "a", lecture, room="三楼多功能厅", credits=cohost),
            fields("tz", "b", lecture, 15, room="三楼多功能会议室", credits=cohost),
        ).outcome
        is Outcome.MERGE
    )
    assert (
        compare(
            fields("jn", "a", lecture, room="三楼多功能厅", credits=cohost),
            fields("tz", "b", "少儿绘本共读", room="三楼多功能会议室", credits=cohost),
        ).outcome
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


CITY_B = load_alliance(Path(__file__).resolve().parents[1] / "data" / "dedup_independent" / "city_b" / "alliance.toml")


def test_names_members_go_by_are_derived_from_the_alliance_file() -> None:
    """Without the city everyone knows, by a branch's own part or its street, a service point
    without its place word: names derived from the members' names and addresses, none listed."""
    names = abbreviations(CITY_B)
    assert {names[n] for n in ("明湖区图书馆", "明湖区图", "明湖图书馆")} == {"tc-mh"}
    assert names["明湖区图"] == "tc-mh" and names["新港区馆"] == "tc-xg" and names["桐图"] == "tc"
    assert names["港城分馆"] == "tc-xg-gc" and names["文昌路分馆"] == names["文昌分馆"] == "tc-hy-wc"
    assert names["锦绣路分馆"] == "tc-cn"  # its address: 桐川市南湖街道锦绣路33号
    assert (
        names["湖滨书屋"] == "tc-mh-hb-sw"
        and names["上河村书屋"] == "tc-sq-lm-sh"
        and names["北关书房"] == "tc-hy-bg-sf"
    )
    assert "图书馆" not in names and "书屋" not in names and "(火车站)" not in names


def test_sites_read_from_free_text_venues() -> None:
    venues = VenueResolver(CITY_B)
    site = lambda name, lib, orgs=(): venues.site(Venue(name=name), host=lib, libraries=(lib, *orgs))  # noqa: E731
    assert site("明湖区图一楼亲子阅读区", "tc") == Site("tc-mh", True)
    assert site("本馆二楼多功能厅", "tc-sl") == Site("tc-sl", True)  # the writer's own building
    assert site("柳溪县图书馆馆石门镇分馆", "tc").library_id == "tc"  # no such member here: the host's
    assert site("石桥县图书馆馆龙门镇分馆活动室", "tc") == Site("tc-sq-lm", True)  # the last name, typo and all
    assert site("三楼少儿借阅区", "tc") == Site("tc", False) and site("书屋", "tc-mh-hb-sw").known
    assert not site("北关社区居委会", "tc-hy").known
    assert site("区馆二楼多功能活动室", "tc-xg-gc") == Site("tc-xg", True)  # the writer's district library
    assert not site("武警桐川支队营区图书室", "tc-xg-gc").named  # "营区图书室" holds 区图 but names no library


def test_rooms_and_floors() -> None:
    assert room_type("二楼多功能听") == room_type("多功能室") == room_type("多功能厅")  # a typo, another word
    assert room_type("一楼阅揽区") is None  # 阅览区 or 阅读区: no guess
    assert room_type("明湖区老年活动中心") is None  # "活动中" is no mistyped 活动室
    assert floor("三楼多功能厅") == floor("多功能厅（3楼）") == floor("三三楼多功能厅") == "3"  # a doubled key
    assert floor("湖滨街道办事处三楼") is None and floor("湖滨街道办事处三楼二楼展厅") == "2"  # an address's floor
    assert floor("一楼故事屋") == "1"


def test_sessions_by_audience_and_decorations() -> None:
    assert episode("国学小课堂：三字经（3-6岁）") != episode("国学小课堂：三字经（7-10岁）")
    assert episode("故事妈妈讲故事·幼儿场") != episode("故事妈妈讲故事·小学场")
    assert episode("少儿折纸课（低龄组）") != episode("少儿折纸课（高龄组）")
    assert title_key("走进《夏洛的网》读书分享活动——诚邀您参加") == title_key("走进夏洛的网读书分享")
    assert title_key("“论语”中的处世智慧公益讲座，欢迎参加！") == title_key("论语中的处世智慧")
    assert title_key("世界 读书日主题活动") == title_key("世界读书日主题活动") != ""
    assert title_similarity(title_key("枫林农家课堂·王阳明心学入门公益讲座"), title_key("王阳明心学入门")) >= 0.85
    assert title_similarity(title_key("书法入门：从楷输开始"), title_key("书法入门：从楷书开始")) >= 0.85


def test_look_alikes_and_habits_in_verdicts() -> None:
    lecture = "老年人智能手机课堂"
    # one programme at several libraries, each naming its own host: apart; co-hosts each calling itself 主办: one
    a = fields(
        "tc-hy-bg-sf", "a", lecture, venue="w:tc-hy-bg-sf", credits=[("tc-hy-bg-sf", "host"), ("tc-hy", "co_organiser")]
    )
    b = fields("tc-hy-wc", "b", lecture, venue="w:tc-hy-wc", credits=[("tc-hy-wc", "host"), ("tc-hy", "co_organiser")])
    assert compare(a, b).outcome is Outcome.APART
    c = fields(
        "tc-hy", "c", lecture, venue="w:tc-hy-bg-sf", credits=[("tc-hy", "host"), ("tc-hy-bg-sf", "co_organiser")]
    )
    assert compare(a, c).outcome is Outcome.MERGE
    # a library named in the venue, and a bare room of a library with nothing to do with it
    named = fields("tc", "d", lecture, venue="s:tc-xg", room="新港图书馆二楼多功能活动室")
    assert (
        compare(named, fields("tc-sl", "e", lecture, 30, venue="w:tc-sl", room="二楼多功能厅")).outcome is Outcome.APART
    )
    # the same library's two copies: up to an hour apart is a habit (a sign-in time); a second session
    # says so; a dropped 第96期 prefix is the same
    assert compare(fields("jn", "f", lecture), fields("jn", "g", "【转发】" + lecture, 30)).outcome is Outcome.MERGE
    assert compare(fields("jn", "f", lecture), fields("jn", "g", lecture, 40)).outcome is Outcome.MERGE
    assert compare(fields("jn", "f", lecture), fields("jn", "g", lecture + "（第二场）", 60)).outcome is Outcome.APART
    numbered = fields("jn", "h", "桐川大讲堂第96期：红色家书里的初心")
    assert compare(numbered, fields("jn", "i", "【周末好去处】桐川大讲堂：红色家书里的初心")).outcome is Outcome.MERGE
    # a series number dropped with the series' name, an hour off: the same session; "第二场" an hour later is not
    brand = fields("jn", "h", "柳溪经典导读第73期·近代史上的沅江航运")
    assert compare(brand, fields("tz", "i", "近代史上的沅江航运专题讲座", 55)).outcome is Outcome.MERGE
    assert compare(
        fields("jn", "h", "近代史上的沅江航运"), fields("tz", "i", "近代史上的沅江航运（第二场）", 55)
    ).outcome is (Outcome.APART)
    # two floors of one building: two rooms
    assert (
        compare(fields("jn", "j", lecture, room="一楼大厅"), fields("tz", "k", lecture, room="三楼大厅")).outcome
        is Outcome.APART
    )


@pytest.mark.parametrize(
    ("decorated", "plain"),
    [
        ("English Corner | 团扇(适合4-8岁)", "团扇"),  # an English channel tag, an audience note
        ("Reading Time · 【书香溱川】10月23日（周六）军营【报名中】", "军营"),  # a tag behind a tag, a date
        ("Qinchuan Lecture Hall 第87期 | 水浒传里的家风——诚邀您参加", "水浒传里的家风"),  # a brand in English
        ("🔥【周末去哪儿】亲子手工：风筝", "亲子手工|风筝"),  # an emoji before a tag
        ("亲子手工：泥塑系列活动欢迎参加🔥", "亲子手工|泥塑"),  # an emoji after a status word
        ("【预告】讀書与旅行讀書沙龍【报名中】", "读书与旅行读书沙龙"),  # traditional characters
        ("绘本故事会：“小蓝和小黄”读书分享活动（小学生专场）", "绘本故事会|小蓝和小黄"),
    ],
)
def test_decorations_other_writers_use(decorated: str, plain: str) -> None:
    assert title_key(decorated) == plain


def test_a_short_core_with_its_programme_name_dropped_and_one_book_worded_twice() -> None:
    assert title_similarity(title_key("亲子手工：泥塑"), title_key("泥塑活动")) >= 0.85
    assert title_similarity(title_key("亲子手工：泥塑"), title_key("亲子手工：剪纸")) < 0.5
    assert books("《苏東坡传》讀書分享會") == books("溱图夜读：《苏东坡传》读书分享会")
    club = fields("jn", "a", "共读《三体》", credits=[("jn", "host")])
    assert compare(club, fields("tz", "b", "《三体》读书会", 30, credits=[("jn", "host")])).outcome is Outcome.MERGE
    assert compare(club, fields("tz", "b", "《球状闪电》读书会", credits=[("jn", "host")])).outcome is Outcome.APART


def test_session_numbers_by_value_and_marks_of_two_kinds() -> None:
    a = fields("jn", "a", "云溪故事妈妈第八十期：绘本故事会：团圆")
    assert compare(a, fields("tz", "b", "云溪故事妈妈第80期：绘本故事会：团圆")).outcome is Outcome.MERGE
    assert compare(a, fields("tz", "b", "云溪故事妈妈第81期：绘本故事会：团圆")).outcome is Outcome.APART
    b = fields("jn", "c", "故事妈妈第132期：周末故事屋（上午场）")
    assert compare(b, fields("tz", "d", "故事妈妈132——周末故事屋（上午场）")).outcome is Outcome.MERGE
    assert compare(b, fields("tz", "d", "故事妈妈第132期：周末故事屋（下午场）")).outcome is Outcome.APART
    assert episode("周末故事屋：犟龟(1 1-14岁)") == episode("周末故事屋：犟龟（11-14岁）")


def test_rooms_no_list_knows_and_names_derived_for_branches_and_districts() -> None:
    assert room_type("三楼读书会客厅") == room_type("溱川图书馆三层读者会客厅") == "会客厅"
    assert room_type("溱川高新区图书馆") is None
    names = abbreviations(CITY_B)
    assert names["明图"] == "tc-mh" and names["新图"] == "tc-xg"  # 东图, 西图: a district's first character
    assert names["港城馆"] == names["港城图书馆"] == "tc-xg-gc"  # a branch's own part with 馆 / 图书馆


CITY_F = load_alliance(Path(__file__).resolve().parents[1] / "data" / "dedup_holdout" / "city_f" / "alliance.toml")


@pytest.mark.parametrize(
    ("dated", "plain"),
    [
        ("1.9 书法入门专题展", "书法入门专题展"),
        ("2028-03-12｜书法入门专题展", "书法入门专题展"),
        ("3/12 【周末好去处】书法入门专题展", "书法入门专题展"),
        ("书法入门专题展——主讲人：杨雨涵", "书法入门专题展"),
        ("【报名】书法入门专题展——嘉宾：郭子轩🔥", "书法入门专题展"),
    ],
)
def test_a_date_in_digits_before_a_title_and_a_speaker_after_a_dash_are_notes(dated: str, plain: str) -> None:
    assert title_key(dated) == title_key(plain)


def test_numbers_that_are_not_dates_and_subtitles_after_a_dash_stay() -> None:
    assert title_key("3.5小时阅读挑战") != title_key("阅读挑战")
    assert title_key("红楼梦——宝黛初会") != title_key("红楼梦")  # a subtitle, not a "who: name" note


def test_the_place_the_announcement_states_in_its_text_counts_when_the_field_says_less() -> None:
    assert venue_name_to_match("二楼报告厅", "活动时间：9月3日 19:00\n活动地点：澧川县图书馆二楼报告厅") == (
        "澧川县图书馆二楼报告厅"
    )
    assert venue_name_to_match("澧川县图书馆二楼报告厅", "地点：报告厅") == "澧川县图书馆二楼报告厅"
    assert venue_name_to_match("报告厅", "联系人：徐磊老师") == "报告厅"  # no place stated
    venues = VenueResolver(CITY_F)
    submission = ActivitySubmission.model_validate(
        {
            "library_id": "ql-sf",
            "source_ref": "sf-1",
            "revision": 1,
            "status": "scheduled",
            "title": "求职简历写作培训",
            "category": "digital",
            "starts_at": "2028-11-13T14:45:00+08:00",
            "ends_at": "2028-11-13T16:00:00+08:00",
            "venue": {"name": "三楼报告厅"},
            "description": "活动地点：澧川县图书馆三楼报告厅\n联系人：徐磊老师",
        }
    )
    found = match_fields(submission, venues)
    assert found.venue_key == "s:ql-lc" and found.room() == "报告厅" and found.floor() == "3"


def test_a_library_named_in_a_form_the_file_does_not_give_is_the_one_member_it_can_be() -> None:
    venues = VenueResolver(CITY_F)
    like = lambda text: venues.library_like(normalize_venue_text(text))  # noqa: E731
    assert like("高新区图书馆一楼亲子阅读区") == "ql-gx"  # 青澧高新区图书馆 without the city
    assert like("青澧少儿图书馆一楼") == "ql-ye"  # 青澧市少年儿童图书馆, shortened
    assert like("24小时自助图书馆(汽车站)一楼活动室") == "ql-qc"  # 青澧汽车站24小时自助图书馆
    assert like("青澧高新区图书管三楼") == "ql-gx"  # a typo
    assert like("区图书馆二楼少儿阅览室") is None  # fits several district libraries: names none
    assert like("二楼阅览室") is None and like("市图书馆") is None
    site = venues.site(Venue(name="高新区图书馆三楼多功能厅"), host="ql-sy", libraries=("ql-sy",))
    assert site == Site("ql-gx", True)


def test_a_short_form_several_members_share_does_not_contradict_a_library_of_its_kind() -> None:
    venues = VenueResolver(CITY_F)

    def announce(library: str, ref: str, venue: str, minutes: int = 0) -> MatchFields:
        submission = ActivitySubmission.model_validate(
            {
                "library_id": library,
                "source_ref": ref,
                "revision": 1,
                "status": "scheduled",
                "title": "《我与地坛》导读",
                "category": "lecture",
                "starts_at": (datetime.fromisoformat("2028-10-23T14:00:00+08:00") + timedelta(minutes=minutes)),
                "ends_at": "2028-10-23T16:00:00+08:00",
                "venue": {"name": venue},
            }
        )
        return match_fields(submission, venues)

    guess = announce("ql-jb-jy", "jy-1", "区图四楼培训教室")  # a service point: its district's, guessed
    named = announce("ql-lc-tx", "tx-1", "青澧市和平区图书馆四楼培训教室")
    assert compare(guess, named).reason != "different venues"
    # a district library writing its own short form is at home: two districts' buildings, apart
    own = announce("ql-jb", "jb-1", "区馆四楼培训教室")
    assert compare(own, named).reason == "different venues"
    # a county library named against a district's short form: apart
    county = announce("ql-lc-gz", "gz-1", "澧川县图书馆四楼培训教室")
    assert compare(guess, county).reason == "different venues"


def test_a_session_number_only_one_title_gives_is_not_a_difference_in_wording() -> None:
    """第2期 is told by value (two numbers: two sessions); one title giving it and the other not
    is no less the same title, prefix or none."""
    assert (
        title_similarity(title_key("非遗体验课·剪纸（第2期）活动"), title_key("【周末好去处】非遗体验课·剪纸")) == 1.0
    )
    assert title_similarity(title_key("亲子手工：扎染（第3期）"), title_key("亲子手工：扎染")) == 1.0
    x = fields("jn", "a", "非遗体验课·剪纸（第2期）")
    y = fields("jn-b1", "b", "非遗体验课·剪纸（第3期）", credits=(("jn", "host"), ("jn-b1", "organiser")))
    assert compare(x, y).reason == "different sessions"


def test_kinds_of_room_that_share_a_character_may_be_one_room() -> None:
    assert rooms_alike("借阅区", "阅览室") and rooms_alike("阅读区", "阅览室")
    assert not rooms_alike("报告厅", "多功能厅") and not rooms_alike("培训室", "阅览室")
    assert not rooms_alike("展厅", "大厅")


CITY_H = load_alliance(Path(__file__).resolve().parents[1] / "data" / "dedup_holdout2" / "city_h" / "alliance.toml")


def test_a_member_is_named_by_its_own_place_name_with_words_of_the_writers_own() -> None:
    """锦华街道翠竹社区图书服务点 is "翠竹社区服务点", "翠竹社区书屋", "翠竹社区二楼阅览角"; a street's branch
    is the street's cultural station; a district's name, or a place name with anything but a library
    or a room after it, is an address, not a library."""
    venues = VenueResolver(CITY_H)
    assert own_stems(CITY_H)["翠竹"] == "qp-b0-c" and "青屏" not in own_stems(CITY_H)
    for text, library in (
        ("翠竹社区服务点-一楼活动室", "qp-b0-c"),
        ("翠竹社区书屋(二楼阅览角)", "qp-b0-c"),
        ("翠竹社区二楼阅览角", "qp-b0-c"),
        ("锦华街道综合文化站阅览室", "qp-b0"),
        ("沙湾东社区服务点二楼阅览角", "qp-b6-c"),  # not 沙湾街道's
        ("湾畔书房露台", "qp-s3"),
        ("翠竹社区幼儿园", None),
        ("青屏区城市书房", None),
    ):
        assert venues.stem_library(normalize_venue_text(text)) == library, text
    venue = Venue(name="荷花池社区服务点二楼阅览角")
    assert venues.site(venue, host="qp-b5", libraries=("qp-b5",)) == Site("qp-b1-c", True)


def test_the_library_name_a_writer_puts_before_a_title_is_not_the_title() -> None:
    venues = VenueResolver(CITY_H)
    for written, plain in (
        ("双桥街道分馆果树修剪技术培训", "果树修剪技术培训"),
        ("翠竹社区服务点农村电商直播培训", "农村电商直播培训"),
        ("湾畔书房《西游记》共读会", "《西游记》共读会"),
    ):
        assert venues.without_library_name(title_key(written)) == title_key(plain), written
    # a place's name alone, or a title that would be left too short, stays
    assert venues.without_library_name(title_key("翠竹社区邻里节")) == title_key("翠竹社区邻里节")
    assert venues.without_library_name(title_key("锦华街道分馆开馆")) == title_key("锦华街道分馆开馆")


@pytest.mark.parametrize(
    ("written", "plain"),
    [
        ("#全民阅读# 翰墨书香——书法作品展", "翰墨书香：书法作品展"),  # a social post's topic tag
        ("中华礼仪漫谈公益讲座——2026书香岚州全民阅读节系列活动", "中华礼仪漫谈公益讲座"),  # the campaign after a dash
        ("电影放映活动·2026云湖全民阅读季", "电影放映"),
        ("盲文阅读体验——“我们的节日”主题阅读", "盲文阅读体验"),
        ("绘本故事会（桃源镇分馆主办）", "绘本故事会"),  # who holds it, which stop of a tour
        ("扎染亲子手工（桃源分馆站）", "扎染亲子手工"),
        ("区图书馆携手岚州图书馆开展亲子陶艺活动", "亲子陶艺"),  # a co-host's wording
        ("联合市图举办少儿绘画比赛", "少儿绘画比赛"),
        ("预告丨古法造纸亲子手工（已满员）", "古法造纸亲子手工"),  # 丨 typed for ｜
        ("【活動预告】志愿者服务培训，歡迎參加！讀書分享活動", "志愿者服务培训"),
    ],
)
def test_campaigns_hosts_tags_and_joint_wording_are_not_the_title(written: str, plain: str) -> None:
    assert title_key(written) == title_key(plain)


def test_a_subtitle_or_a_series_of_the_title_itself_stays() -> None:
    assert title_key("翰墨书香——书法作品展系列活动") != title_key("翰墨书香")
    assert title_key("社区联合党支部读书会") == "社区联合党支部读书会"


CITY_I = load_alliance(Path(__file__).resolve().parents[1] / "data" / "dedup_holdout3" / "city_i" / "alliance.toml")


def test_names_shortened_the_way_everybody_shortens_them() -> None:
    venues = VenueResolver(CITY_I)
    assert venues.named_library(normalize_venue_text("县实小图书室")) == "qhx-sx"  # 清河县实验小学图书室
    assert venues.named_library(normalize_venue_text("市一中图书馆")) == "lz-yz1"  # 岚州市第一中学图书馆
    assert venues.named_library(normalize_venue_text("市少儿馆2楼儿童阅览室")) == "lz-kids"  # 岚州市少年儿童图书馆


def test_online_venues_are_one_place_whoever_streams_it() -> None:
    assert is_online("抖音直播间") and is_online("微信视频号") and is_online("线上")
    assert not is_online("报告厅(同步直播)") and not is_online("二楼活动室")
    a = fields("lzlib", "a", "云直播：名家谈阅读", venue="w:lzlib", room="抖音直播间")
    b = fields("lsq", "b", "云直播：名家谈阅读", venue="w:lsq", room="")
    assert compare(a, b).outcome is Outcome.MERGE
    assert (
        compare(a, fields("lsq", "c", "云直播：名家谈阅读", venue="w:lsq", room="二楼报告厅")).outcome is Outcome.APART
    )


def test_a_title_that_names_only_a_kind_of_activity_says_nothing_against() -> None:
    """ "讲座活动" from a co-host of "苏轼的人生哲学" (a lecture, crediting each other, the same
    start): one activity; "亲子活动" is no lecture, and an unlinked "讲座" stays apart."""
    assert generic_kinds(title_key("讲座活动")) == {"lecture"} and generic_kinds(title_key("苏轼的人生哲学")) is None
    host = fields("lsq-dh", "a", "苏轼的人生哲学", credits=[("lsq-dh", "host"), ("lsq", "co_organiser")])
    assert compare(host, fields("lsq", "b", "讲座活动", credits=[("lsq-dh", "host")])).outcome is Outcome.MERGE
    assert compare(host, fields("lsq", "c", "亲子活动", credits=[("lsq-dh", "host")])).outcome is Outcome.APART
    assert compare(host, fields("tz", "d", "讲座活动", venue="s:jn")).outcome is Outcome.APART


def test_sessions_numbered_after_the_word() -> None:
    assert episode("视障读者电影讲述（场次二）") == "2" and episode("少儿绘本阅读 场次一（报名中）") == "1"
    assert compare(
        fields("a", "a", "视障读者电影讲述（场次一）"), fields("b", "b", "视障读者电影讲述（场次二）")
    ).outcome is (Outcome.APART)


@pytest.mark.parametrize(
    ("written", "plain"),
    [
        ("3月7日（周六）桃溪镇综合文化站见！小手拉大手·扎染快来一起吧～ #书香宜陵 #阅读推广", "小手拉大手·扎染"),
        ("#宜陵图书馆 #全民阅读 共读《我们仨》，03/14在东湖街道文化站，快来一起吧～", "共读《我们仨》"),
        ("📢图书漂流进社区来啦！快来一起吧～#全民阅读 #阅读推广", "图书漂流进社区"),
        ("关于开展共读“朝花夕拾”的通知", "共读《朝花夕拾》"),  # a notice's wording
        ("关于举办“皮影制作”亲子体验课的预告", "“皮影制作”亲子体验课"),
        ("重磅！小手拉大手·扎染，欢迎参加", "小手拉大手·扎染"),
        ("【工作动态】高新区图成功举办“科普知识图片展”", "科普知识图片展"),  # a report after the fact
        ("科创园分馆开展“科普知识图片展”活动", "科普知识图片展"),
        ("周末带娃去哪？童趣故事屋：《逃家小兔》", "童趣故事屋：逃家小兔"),  # a hook
        ("8.18 9:00 亲子剪纸", "亲子剪纸"),  # the date and the hour
    ],
)
def test_captions_notices_and_reports_around_a_title(written: str, plain: str) -> None:
    assert title_key(written) == title_key(plain)


def test_words_of_a_title_that_look_like_a_caption_stay() -> None:
    assert title_key("再见！我的童年读书会") != title_key("我的童年读书会")
    assert title_key("举办方法讲座") == "举办方法讲座" and title_key("开展阅读推广人培训") == "开展阅读推广人培训"


def test_an_exhibition_and_its_opening_ceremony_are_two_activities() -> None:
    exhibition = fields("cg", "a", "【活动预告】摄影作品展")
    assert compare(exhibition, fields("cg", "b", "摄影作品展开展仪式", 60)).outcome is Outcome.APART
    assert compare(exhibition, fields("tz", "c", "摄影作品展导览", 30)).outcome is Outcome.APART
    assert compare(exhibition, fields("tz", "d", "摄影作品展", 30, credits=[("cg", "host")])).outcome is Outcome.MERGE
    opening = fields("jn", "e", "2026读书节·开幕式暨全民阅读推广大会")
    assert (
        compare(opening, fields("tz", "f", "2026读书节开幕式", 15, credits=[("jn", "host")])).outcome is Outcome.MERGE
    )


NEW_START = datetime.fromisoformat("2026-04-14T14:45:00+08:00")


@pytest.mark.parametrize(
    ("title", "description", "original"),
    [
        ("【改期】亲子阅读知识竞赛", "原定4月7日的活动改期举行", "2026-04-07T00:00:00+08:00"),
        (
            "共读《白鹿原》",
            "因故，原定于4月2日14:30举办的活动调整至4月14日14:30，地点不变。",
            "2026-04-02T14:30:00+08:00",
        ),
        ("（改期通知）亲子手工", "由4月7日下午3点调整至4月14日", "2026-04-07T15:00:00+08:00"),
        ("【延期】新春联欢", "原定于2026年1月30日举办的活动延期", "2026-01-30T00:00:00+08:00"),
        ("亲子手工", "原定4月7日活动，欢迎参加", None),  # no word of a postponement
        ("【改期】读书会", "原定4月14日的活动改期至晚上", None),  # the same date: no other date to look at
        ("【改期】读书会", "原定9月1日的活动改期举行", None),  # months away: not a postponement's
    ],
)
def test_a_postponement_gives_the_original_start(title: str, description: str, original: str | None) -> None:
    found = postponed_from(title, description, NEW_START, ALLIANCE.tz)
    assert found == (datetime.fromisoformat(original) if original else None)


def test_a_postponement_words_in_brackets_are_not_the_title() -> None:
    assert title_key("【改期】绘本故事会：《年》（改期通知）") == title_key("绘本故事会：《年》")
    assert title_key("【时间调整】共读《白鹿原》") == title_key("共读《白鹿原》")


@pytest.mark.parametrize(
    ("written", "plain"),
    [
        ("[CH0502-1]少儿编程入门", "少儿编程入门"),  # a library system's code
        ("澄湾读书月·【YU0725-5】民法典与百姓生活", "澄湾读书月·民法典与百姓生活"),
        ("宋词里的四季——孙立新老师主讲", "宋词里的四季"),  # the speaker after a dash
    ],
)
def test_codes_and_speakers_are_not_the_title(written: str, plain: str) -> None:
    assert title_key(written) == title_key(plain)


def test_a_title_cut_short_by_its_channel_is_alike() -> None:
    assert title_similarity(title_key("红色观影：“我和"), title_key("红色观影：《我和我的祖国》")) >= 0.9
    assert title_similarity(title_key("绘本共读"), title_key("绘本共读：《月亮的味道》")) < 0.9  # too short to say


CITY_P = load_alliance(Path(__file__).resolve().parents[1] / "data" / "dedup_holdout6" / "city_p" / "alliance.toml")
CITY_O = load_alliance(Path(__file__).resolve().parents[1] / "data" / "dedup_holdout6" / "city_o" / "alliance.toml")


@pytest.mark.parametrize(
    ("alliance", "text", "library"),
    [
        (CITY_P, "鼓楼书房阅读区", "sc-sf1"),  # 朔川城市书房·鼓楼店: a chain's shop by its place
        (CITY_P, "高铁站城市书房阅读区", "sc-sf3"),
        (CITY_P, "河畔城市书房", "sc-sf2"),  # 桑干河畔店, its place's last two characters
        (CITY_P, "杏花镇文化战", "hy-z1"),  # 杏花镇 / 杏花村: two members, told by the unit; 战 for 站
        (CITY_P, "杏花村书物村委会会议室", "hy-nj1"),  # 书物 for 书屋
        (CITY_O, "望湖社区服务点", "jb-sp1"),  # not 望湖街道分馆
        (CITY_O, "清溪县图书馆城东分管活动室", "qx-b1"),  # 分管 for 分馆, after a name
    ],
)
def test_a_member_is_named_by_its_place_with_its_unit_or_kind(alliance, text: str, library: str) -> None:
    venues = VenueResolver(alliance)
    assert venues.site(Venue(name=text), host="x", libraries=("x",)) == Site(library, True), text


def test_a_place_name_with_another_kind_of_library_after_it_is_not_that_member() -> None:
    """A 城市书房 written after a place name is not the community's service point of that name (a
    community's 书屋 is: writers call a service point by either)."""
    venues = VenueResolver(CITY_H)
    assert venues.stem_library(normalize_venue_text("翠竹社区书屋(二楼阅览角)")) == "qp-b0-c"
    assert venues.stem_library(normalize_venue_text("翠竹城市书房")) is None


@pytest.mark.parametrize(
    ("written", "plain"),
    [
        ("“送书进军营”活动圆满结束", "送书进军营"),  # a report's wording after the title
        ("绘本故事会：《小蓝和小黄》顺利举行", "绘本故事会：《小蓝和小黄》"),
        ("石门文化站拟举办绘本故事会：《小蓝和小黄》", "绘本故事会：《小蓝和小黄》"),  # a plan's before it
        ("小橘灯故事会：《荷花镇的早市》（活动报备）", "小橘灯故事会：《荷花镇的早市》"),
        ("“4·23世界读书日”系列活动之科普：走近航天", "科普：走近航天"),  # the campaign before it
        ("长城文化摄影展｜报名通道已开启", "长城文化摄影展"),
    ],
)
def test_reports_plans_and_campaigns_around_a_title_are_not_the_title(written: str, plain: str) -> None:
    assert title_key(written) == title_key(plain)


def test_the_central_library_is_named_with_its_city_s_unit_too() -> None:
    """澜州图书馆, of 澜州市: writers add the 市 (澜州市图书馆一楼报告厅), and that is not the
    澜州市少年儿童图书馆 whose name holds its characters in order."""
    city_l = load_alliance(Path(__file__).resolve().parents[1] / "data" / "dedup_holdout4" / "city_l" / "alliance.toml")
    venues = VenueResolver(city_l)
    assert venues.site(Venue(name="澜州市图书馆一楼报告厅"), host="gx", libraries=("gx",)) == Site("lz", True)
    assert abbreviations(city_l)["澜州市图"] == "lz"


def test_a_readers_room_typed_bare_is_the_writer_s_not_a_directory_room_of_that_name() -> None:
    city_j = load_alliance(Path(__file__).resolve().parents[1] / "data" / "dedup_holdout3" / "city_j" / "alliance.toml")
    venues = VenueResolver(city_j)
    assert venues.site(Venue(name="读者活动室"), host="yh-bl", libraries=("yh-bl",)).library_id == "yh-bl"
    assert venues.site(Venue(name="读者活动室"), host="yh", libraries=("yh",)) == Site("yh", True)


def test_a_library_named_by_its_unit_is_the_one_whose_name_says_that_unit() -> None:
    """In a prefecture (州) whose one 县级市 library is 岭城市图书馆, the prefecture library's "市馆"
    is that one, not its own; a district branch's "区馆" stays its own district's."""
    city_r = load_alliance(Path(__file__).resolve().parents[1] / "data" / "dedup_holdout7" / "city_r" / "alliance.toml")
    venues = VenueResolver(city_r)
    assert venues.site(Venue(name="市馆二楼少儿阅览室"), host="qzl", libraries=("qzl",)) == Site("lc", True)
    city_o_venues = VenueResolver(CITY_O)
    assert city_o_venues.site(Venue(name="区馆一楼报告厅"), host="jb", libraries=("jb",)) == Site("jb", True)


def test_the_host_is_the_one_the_announcement_names_not_its_submitter() -> None:
    """The alliance office posts a member's exhibition listing that member as host and not itself:
    the bare room it types is the host's."""
    venues = VenueResolver(CITY_O)
    body = {
        "library_id": "cjl",
        "source_ref": "LMB-1",
        "title": "老报纸里的城市变迁展",
        "category": "exhibition",
        "starts_at": "2026-07-04T09:00:00+08:00",
        "ends_at": "2026-07-04T17:00:00+08:00",
        "venue": {"name": "报告厅"},
        "organizers": [{"library_id": "jb", "role": "host"}, {"library_id": "cj-shao", "role": "co_organiser"}],
    }
    fields = match_fields(ActivitySubmission.model_validate(body), venues)
    assert fields.site is not None and fields.site.library_id == "jb"


@pytest.mark.parametrize(
    ("written", "plain"),
    [
        ("潘志刚老师讲“布依族铜鼓文化”", "布依族铜鼓文化"),  # a title built around who speaks
        ("速来围观！基层馆员业务培训｜12月17日", "基层馆员业务培训"),
    ],
)
def test_speakers_and_captions_around_a_title_are_not_the_title(written: str, plain: str) -> None:
    assert title_key(written) == title_key(plain)


def test_a_venue_that_says_where_to_look_names_no_place() -> None:
    from shuxiang.services.dedup.normalize import is_placeholder

    assert is_placeholder("详见海报") and is_placeholder("地点待定") and is_placeholder("见活动详情")
    assert not is_placeholder("馆内活动室") and not is_placeholder("海报墙展区")


@pytest.mark.parametrize(
    ("written", "plain"),
    [
        ("【延期】数字阅读体验日：VR看世界（改期举行）", "数字阅读体验日：VR看世界"),
        ("《撒哈拉的故事》读书分享会（7.20）（延期）", "《撒哈拉的故事》读书分享会"),  # a date in brackets
    ],
)
def test_postponement_words_and_bracketed_dates_are_not_the_title(written: str, plain: str) -> None:
    assert title_key(written) == title_key(plain)


def test_a_notice_title_is_matched_by_the_name_its_description_gives() -> None:
    from shuxiang.services.dedup.normalize import title_to_match

    described = "活动名称：《驴小弟变石头》绘本共读\n时间：1月9日9:30"
    assert title_to_match("近期活动安排", described) == "《驴小弟变石头》绘本共读"
    assert title_to_match("本周读书活动通知", described) == "《驴小弟变石头》绘本共读"
    assert title_to_match("绘本共读", described) == "绘本共读"  # a title of its own stays
    assert title_to_match("近期活动安排", None) == "近期活动安排"


def test_one_series_written_with_count_or_until_is_one_schedule() -> None:
    from shuxiang.services.dedup.matching import same_series

    venues = VenueResolver(ALLIANCE)

    def fields(title: str, recurrence: str | None) -> MatchFields:
        body = {
            "library_id": "jn",
            "source_ref": title + str(recurrence),
            "title": title,
            "category": "training",
            "starts_at": "2026-01-11T09:30:00+08:00",
            "ends_at": "2026-01-11T11:00:00+08:00",
            "venue": {"name": "报告厅"},
        }
        if recurrence:
            body["recurrence"] = recurrence
        return match_fields(ActivitySubmission.model_validate(body), venues)

    count = fields("职工读书角送书（共6期）", "FREQ=WEEKLY;COUNT=6")
    until = fields("职工读书角送书", "FREQ=WEEKLY;UNTIL=20260215T013100Z")
    assert same_series(count, until)
    assert same_series(count, fields("职工读书角送书（共6期）", None))  # the first date, the count in the title
    assert not same_series(count, fields("职工读书角送书", None))
    assert not same_series(count, fields("职工读书角送书", "FREQ=WEEKLY;COUNT=8"))


def test_the_last_session_mark_of_a_title_counts() -> None:
    assert episode("亲子手工与阅读：竹编（第一场）（第二场）") == "2"


def test_a_title_that_says_it_was_moved_is_a_postponement_without_its_original_date() -> None:
    from shuxiang.services.dedup.normalize import marks_postponement

    assert marks_postponement("【延期】周末观影：《千与千寻》（延期至12月20日）")
    assert not marks_postponement("非遗体验：扎染｜软件园分馆（时间调整）")  # as often within its day
    assert not marks_postponement("《撒哈拉的故事》读书分享会（延期）", "原定7月20日的活动延期举行，新时间另行通知。")
    assert not marks_postponement("周末观影：《千与千寻》")
    assert title_key("【延期】周末观影：《千与千寻》（延期至12月20日）") == title_key("周末观影：《千与千寻》")


def test_a_library_in_brackets_after_a_title_is_where_the_session_is() -> None:
    """One programme at several branches the same hour, each post naming its branch after the title:
    where the venue names no member ("送书船"), the title's branch is the place; a library named in
    brackets before the title (the writer's own name) is not."""
    city_x = load_alliance(
        Path(__file__).resolve().parents[1] / "data" / "dedup_holdout10" / "city_x" / "alliance.toml"
    )
    venues = VenueResolver(city_x)
    assert venues.title_place("非遗体验：渔网编织（霞湾分馆）") == "lx-xw"
    assert venues.title_place("数字资源使用培训，欢迎参加！（鹿岛分馆）") == "lx-dj-b2"
    assert venues.title_place("霞湾分馆（霞湾镇综合文化站）绘本故事分享") is None
    assert title_key("非遗体验：渔网编织（霞湾分馆）") == title_key("非遗体验：渔网编织")
    assert venues.site(Venue(name="霞湾分馆文化礼堂"), host="lx", libraries=("lx",)) == Site("lx-xw", True)


def test_two_schools_are_two_places_whoever_credits_whom() -> None:
    """One library's 进校园 at two schools the same morning: two places, though the posts credit one
    host; one school written two ways (县一中 / 梅湖一中, 育才小学报告厅 / 育才小学阶梯教室) is one."""
    from shuxiang.services.dedup.matching import places

    venues = VenueResolver(ALLIANCE)

    def at(library: str, name: str, minute: int = 0) -> MatchFields:
        body = {
            "library_id": library,
            "source_ref": f"{library}-{name}",
            "title": "阅读进课堂",
            "category": "outreach",
            "starts_at": f"2026-09-10T10:{minute:02d}:00+08:00",
            "ends_at": "2026-09-10T11:30:00+08:00",
            "venue": {"name": name},
            "organizers": [{"library_id": "jn", "role": "host"}],
        }
        return match_fields(ActivitySubmission.model_validate(body), venues)

    assert places(at("jn", "县二中阶梯教室"), at("tz", "双语幼儿园", 30)) == "apart"
    assert places(at("jn", "县一中"), at("tz", "梅湖一中")) != "apart"
    assert places(at("jn", "育才小学报告厅"), at("tz", "育才小学阶梯教室")) != "apart"
    assert places(at("jn", "双语幼儿园"), at("tz", "人民路60号")) != "apart"  # an address: can't tell


@pytest.mark.parametrize(
    ("written", "plain"),
    [
        ("亲子阅读 / Family Reading", "亲子阅读"),  # an English gloss after the title
        ("亲子手工与阅读：竹编（第一场） Library Talk", "亲子手工与阅读：竹编（第一场）"),
    ],
)
def test_an_english_gloss_after_a_title_is_not_the_title(written: str, plain: str) -> None:
    assert title_key(written) == title_key(plain)


def test_the_speaker_named_after_a_dash_and_traditional_session_words() -> None:
    assert title_key("近视防控与用眼卫生专题讲座——主讲人郭子健主题活动") == title_key("近视防控与用眼卫生专题讲座")
    assert episode("求职简历写作（职工专場）") == episode("求职简历写作（职工专场）") == "职工"


def test_a_weekend_notice_title_is_matched_by_its_description() -> None:
    from shuxiang.services.dedup.normalize import title_to_match

    assert title_to_match("周末活动（更新）", "活动名称：共读《繁花》读书会") == "共读《繁花》读书会"
    assert title_to_match("阅读推广活动", "活动名称：《小王子》读书分享会") == "《小王子》读书分享会"
    assert title_to_match("剪纸", "活动名称：非遗剪纸体验") == "剪纸"  # a short title of its own stays


def test_an_afternoon_typed_on_a_twelve_hour_clock_is_matched_at_the_hour_meant() -> None:
    """03:00 typed for 15:00 (nobody holds a story hour in the small hours), 07:00 for "晚上7点" when
    the description says so; a morning start the description does not contradict stays."""
    from datetime import UTC

    from shuxiang.services.dedup.normalize import twelve_hour_slip

    tz = ALLIANCE.tz

    def at(clock: str, description: str | None = None) -> timedelta:
        return twelve_hour_slip(datetime.fromisoformat(f"2026-05-17T{clock}:00+08:00"), description, tz)

    assert at("03:00") == timedelta(hours=12)
    assert at("03:00", "时间：5月17日下午3:00") == timedelta(hours=12)
    assert at("07:30", "时间：5月17日晚上7:30") == timedelta(hours=12)
    assert at("07:30", "时间：5月17日上午7:30（晨读）") == timedelta(0)
    assert at("07:30") == timedelta(0)  # an early morning walk may start then
    assert at("09:30", "下午3:00签到") == timedelta(0)
    assert at("00:00") == timedelta(0)  # a date-only entry
    assert at("15:00", "下午3:00") == timedelta(0)
    # the same instant written in UTC by another system is read in the alliance's time zone
    assert twelve_hour_slip(datetime(2026, 5, 17, 7, 0, tzinfo=UTC), None, tz) == timedelta(0)

    venues = VenueResolver(ALLIANCE)

    def post(library: str, ref: str, clock: str, description: str | None = None) -> MatchFields:
        body = {
            "library_id": library,
            "source_ref": ref,
            "title": "读书沙龙：聊聊《红星照耀中国》",
            "description": description,
            "category": "salon",
            "starts_at": f"2026-04-15T{clock}:00+08:00",
            "ends_at": f"2026-04-15T{int(clock[:2]) + 2:02d}{clock[2:]}:00+08:00",
            "venue": {"name": "天津图书馆"},
            "organizers": [{"library_id": "jn", "role": "host"}],
        }
        return match_fields(ActivitySubmission.model_validate(body), venues)

    typed = post("tz", "b", "03:00")
    assert typed.starts_at == datetime.fromisoformat("2026-04-15T15:00:00+08:00")
    assert compare(post("jn", "a", "15:00"), typed).outcome is Outcome.MERGE
    assert compare(post("jn", "a", "14:30"), post("tz", "c", "02:30", "时间：4月15日下午2:30")).outcome is Outcome.MERGE


def test_a_months_sheet_and_an_accounts_short_name_before_a_title_are_not_the_title() -> None:
    assert title_key("5月活动：非遗进书香·柳编体验课") == title_key("非遗进书香·柳编体验课")
    assert title_key("3月份阅读活动安排｜绘本故事会：《团圆》") == title_key("绘本故事会：《团圆》")
    assert title_key("区图｜归德讲堂第97期：非遗进书香") == title_key("归德讲堂第97期：非遗进书香")
    assert title_key("县馆｜读书沙龙") == title_key("读书沙龙")
    assert title_key("5月：春天") != title_key("春天")  # a title of its own after a month


def test_a_days_entry_matches_the_hour_of_a_programme_issue_it_leaves_out() -> None:
    """A month's sheet enters "非遗进书香·柳编体验课" for its day; the host posts it as its lecture
    series' 第97期 at 14:00: one activity.  A day's 第二场 is a session, not a running count."""
    from shuxiang.services.dedup.normalize import issue_only

    assert issue_only(title_key("归德讲堂第97期：柳编体验课"), "97")
    assert not issue_only(title_key("柳编体验课（第二场）"), "2")
    day = fields("jn", "a", "柳编体验课", minutes=-14 * 60)
    day = MatchFields(**{**_plain(day), "ends_at": day.starts_at + timedelta(hours=23, minutes=59), "spans_day": True})
    assert compare(day, fields("tz", "b", "归德讲堂第97期：柳编体验课")).outcome is Outcome.MERGE
    assert compare(day, fields("tz", "c", "柳编体验课（第二场）")).outcome is Outcome.APART


def _plain(f: MatchFields) -> dict:
    from dataclasses import fields as dataclass_fields

    return {d.name: getattr(f, d.name) for d in dataclass_fields(f) if d.init}


def test_a_branchs_name_with_its_last_character_dropped_still_names_the_branch() -> None:
    """ "津南区图书馆咸水沽分活动室": 馆 lost as the room was typed; the branch, not its district library."""
    venues = VenueResolver(ALLIANCE)
    site = venues.site(Venue(name="津南区图书馆咸水沽分活动室"), host="jn-b1", libraries=("jn-b1",))
    assert site.library_id == "jn-b1" and site.named


def test_the_central_librarys_bare_kind_of_library_may_be_a_branchs() -> None:
    """The central library posts a branch's activity at "分馆阅览室" (no organisers): some 分馆's,
    maybe this one's; a district library writing the same of its own is at home."""
    from shuxiang.services.dedup.matching import places
    from shuxiang.services.dedup.normalize import bare_kind

    assert bare_kind("城市书房阅读区") == "书房" and bare_kind("咸水沽分馆阅览室") is None
    venues = VenueResolver(ALLIANCE)

    def post(library: str, name: str) -> MatchFields:
        body = {
            "library_id": library,
            "source_ref": f"{library}-1",
            "title": "绘本共读",
            "category": "children",
            "starts_at": "2026-05-10T10:00:00+08:00",
            "ends_at": "2026-05-10T11:00:00+08:00",
            "venue": {"name": name},
        }
        return match_fields(ActivitySubmission.model_validate(body), venues)

    branch = post("jn-b1", "咸水沽分馆阅览室")
    assert venues.kinds("jn-b1") >= {"branch"} and "central" in venues.kinds("central")
    assert places(branch, post("central", "城市书屋活动区")) == "elsewhere"  # no 书屋 of this kind here
    assert places(post("jn-sp1", "津南区农家书屋"), post("central", "农家书屋")) == "unsure"
    assert places(post("jn-sp1", "津南区农家书屋"), post("tz", "农家书屋")) == "elsewhere"  # not its parent


def test_what_else_a_post_says_of_its_host_and_place(tmp_path) -> None:
    """Another member's 一馆一品 reposted with no organisers is its owner's activity; a venue that
    says only "区馆报告厅" is where its address field says; a kind of library typed twice is once,
    and a kind alone (文化站) names no member."""
    venues = VenueResolver(ALLIANCE)
    body = {
        "library_id": "tz",
        "source_ref": "r1",
        "title": "沽上讲堂：津沽方言漫谈",
        "category": "lecture",
        "starts_at": "2026-04-10T14:00:00+08:00",
        "ends_at": "2026-04-10T16:00:00+08:00",
        "venue": {"name": "报告厅"},
        "brand_id": "gushang",
    }
    reposted = match_fields(ActivitySubmission.model_validate(body), venues)
    assert "jn" in reposted.hosts and reposted.site.library_id == "jn"  # the brand owner's room
    own = match_fields(ActivitySubmission.model_validate(dict(body, library_id="jn")), venues)
    assert own.hosts == {"jn"} and len(own.credits) == 1  # its own brand: nothing added
    text = (Path(__file__).resolve().parents[1] / "data" / "alliance.toml").read_text(encoding="utf-8")
    (tmp_path / "alliance.toml").write_text(
        text.replace('name = "滕州市图书馆"', 'name = "滕州市图书馆"\naddress = "滕州市龙泉路1号"'), encoding="utf-8"
    )
    addressed = VenueResolver(load_alliance(tmp_path / "alliance.toml"))
    address = {"name": "区馆报告厅", "address": "滕州市龙泉路1号"}
    assert addressed.site(Venue(**address), host="jn-b1", libraries=("jn-b1",)).library_id == "tz"
    assert addressed.site(Venue(name="区馆报告厅"), host="jn-b1", libraries=("jn-b1",)).library_id == "jn"
    assert venues.named_library("文化站活动室") is None


def test_an_entry_by_its_date_a_few_minutes_off_midnight_is_a_days_entry() -> None:
    """An export that wrote the date as 00:00 with no end, then moved by a clerk's ten minutes: 00:10
    that day, or 23:50 the evening before, is that day's entry; an evening event is not."""
    from shuxiang.services.dedup.normalize import date_only_slip

    tz = ALLIANCE.tz

    def slip(start: str, end: str) -> timedelta:
        return date_only_slip(datetime.fromisoformat(start), datetime.fromisoformat(end), tz)

    assert slip("2026-07-10T00:10:00+08:00", "2026-07-10T00:10:00+08:00") == timedelta(minutes=-10)
    assert slip("2026-05-20T23:50:00+08:00", "2026-05-21T00:00:00+08:00") == timedelta(minutes=10)
    assert slip("2026-05-20T23:50:00+08:00", "2026-05-21T01:00:00+08:00") == timedelta(0)  # it lasts
    assert slip("2026-05-20T19:00:00+08:00", "2026-05-20T19:00:00+08:00") == timedelta(0)


def test_a_second_round_of_sign_up_is_no_session_and_a_new_time_marks_a_move() -> None:
    from shuxiang.services.dedup.normalize import marks_postponement

    assert episode("图书进校园 阅读分享（第二轮报名）") is None
    assert title_key("图书进校园 阅读分享（第二轮报名）") == title_key("图书进校园 阅读分享")
    assert episode("诵读大赛第二轮") == "2"  # a contest's round is a session
    assert marks_postponement("书法比赛活动（新时间）")


def test_a_book_bus_at_two_stops_and_a_village_hall_against_a_library() -> None:
    """The book boat at 鹭鸶湾渡口 in the morning and at 湖心岛码头 (its noted stop) in the afternoon:
    two places; one town's stop told two ways (鞍子镇文化广场 / 鞍子镇村口) is one.  A village hall
    the file does not know and a member's named building, unlinked: each in its own place."""
    from shuxiang.services.dedup.matching import places
    from shuxiang.services.dedup.normalize import stop_place

    assert stop_place("湖心岛码头(岚山市图书馆岚湖流动书船停靠点)") == "湖心岛码头"
    assert stop_place("活动现场") == "" and stop_place("天桥县拉卜楞路9号") == ""
    text = (Path(__file__).resolve().parents[1] / "data" / "alliance.toml").read_text(encoding="utf-8")
    bus = '\n[[members]]\nid = "jn-bus"\nname = "津南区流动图书车"\ntier = "service_point"\nparent = "jn"\n'
    venues = VenueResolver(load_alliance_text(text + bus))

    def post(library: str, name: str, ref: str = "1") -> MatchFields:
        body = {
            "library_id": library,
            "source_ref": f"{library}-{ref}",
            "title": "送书下乡",
            "category": "outreach",
            "starts_at": "2026-06-12T09:00:00+08:00",
            "ends_at": "2026-06-12T10:00:00+08:00",
            "venue": {"name": name},
        }
        return match_fields(ActivitySubmission.model_validate(body), venues)

    assert places(post("jn-bus", "鹭鸶湾渡口"), post("jn-bus", "湖心岛码头（现场）", "2")) == "apart"
    assert places(post("jn-bus", "鞍子镇文化广场"), post("jn-bus", "鞍子镇村口", "2")) != "apart"
    assert places(post("tz", "石门村文化礼堂"), post("jn-b1", "咸水沽分馆阅览室")) == "elsewhere"


def load_alliance_text(text: str):
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "alliance.toml"
        path.write_text(text, encoding="utf-8")
        return load_alliance(path)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("活动预告｜第49期", "沔图讲坛：第49期"),  # only the programme's issue, the same one
        ("石榴籽读书会：《乡土中…", "《乡土中国》精读 | 喀市馆活动"),  # cut short; an account's column after
        ("民汉双语阅读课堂：智能手机…", "周末去哪儿｜智能手机使用培训"),
        ("第17期 | 县馆活动", "【基层动态】县馆：牧场书香：第17期"),
    ],
)
def test_titles_that_say_less_than_the_other_still_match(a: str, b: str) -> None:
    assert title_similarity(title_key(a), title_key(b)) >= 0.9


def test_words_in_another_script_before_a_title_and_sessions_by_language() -> None:
    assert title_key("【转】كىتاب ھەپتىلىكى 民汉双语阅读课堂：第42期") == title_key("民汉双语阅读课堂：第42期")
    assert title_key("кітап оқу 2026年喀拉全民阅读节闭幕式") == title_key("2026年喀拉全民阅读节闭幕式")
    assert episode("农家书屋管理员培训（维吾尔语场）") != episode("农家书屋管理员培训（国家通用语言场）")
    assert episode("儿童戏剧工作坊（加场）") == "加场" and episode("儿童戏剧工作坊") is None
    assert title_similarity(title_key("第4期"), title_key("第44期")) < 0.9


def test_a_countys_library_by_its_first_character_and_a_prefectures_by_地区() -> None:
    text = (Path(__file__).resolve().parents[1] / "data" / "alliance.toml").read_text(encoding="utf-8")
    county = '\n[[members]]\nid = "tk"\nname = "托克布拉克县图书馆"\ntier = "county"\nparent = "central"\n'
    venues = VenueResolver(load_alliance_text(text + county))
    assert venues.named_library("托县馆多功能厅") == "tk"
    assert venues.site(Venue(name="地区馆一楼展厅"), host="tz", libraries=("tz",)).library_id != "tz"
