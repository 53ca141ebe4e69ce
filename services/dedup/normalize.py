"""Normalising what members type, so that one activity announced twice gives the same keys.

Titles: NFKC (full-width letters, digits and spaces become half-width), case-folded,
campaign prefixes (4·23 / 4.23 / 世界读书日), repost and status noise (转发, 【预告】,
（报名中）, （联办）…) removed, then every bracket, quote, separator and space dropped, so
"【转发】4·23《乡土中国》读书会（报名中）" and "4.23 乡土中国 读书会" give one key.

Venues: a directory venue (``venue_id``, an alias, a unique name, or a near-exact name
among the organisers' own rooms) gives ``v:<venue_id>``; otherwise the cleaned name,
scoped to the host library when it is a bare room word ("报告厅", "阅览室").  Matching keys
on the *site* (:meth:`VenueResolver.site`): whose building — named by a directory room, a
member's name or an abbreviation derived from the members' names, a generic 区馆 / 市馆 / 县馆 /
分馆 of the writer's tree, an address — or assumed (a bare room: the host's), or unknown (an
address the alliance file does not hold).  The venue is evidence, never the only key.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from functools import cached_property
from typing import cast

from rapidfuzz import fuzz, process

from shuxiang.alliance import Alliance, Member, VenueEntry, normalize_venue_text
from shuxiang.memos import burst_dict, burst_memo
from shuxiang.schemas import Venue

OPEN = "【[（(〔〖「『《〈<{"
CLOSE = "】]）)〕〗」』》〉>}"
NOISE_WORDS = (
    "火热报名中|报名中|报名开启|开放报名|名额已满|名额有限|已满员|已满|额满|联办|联合举办|转发|转载|转|置顶|推荐|热门|"
    "最新|更新|新|改期|延期|重要|通知|预告|活动预告|直播预告|直播|线上|回顾|免费|公益|限额|预约|联盟活动|欢迎参加|"
    "欢迎报名|敬请期待|报名开始|截止报名|修改|更正|已更正|修订|调整|补充|好消息|额满即止|满额即止|名额有限先到先得|"
    "重发|重磅|热门推荐|人气推荐|等你来|改期通知|延期通知|延期举办|改期举办|时间调整|时间变更|调整通知|变更通知|地点变更|"
    "推迟举办|顺延|改期举行|延期举行|延期后|改期后|已改期|已延期|新时间|新日期|"
    "第[一二三四五六七八九十0-9]+轮报名|二次报名|再次报名|补充报名|追加报名|报名延长"
)
_LEADING_TAG = re.compile(r"^\s*【[^【】]{1,10}】\s*")
"""A short bracketed tag at the very start (【联盟活动】, 【书香临江】): a channel's label, never the title."""
_LEADING_WELCOME = re.compile(r"^\s*(?:欢迎(?:参加|参与|报名)|诚邀(?:您|你)?参加|活动预告|预告)\s*[:：|｜!！/\-—]*\s*")
_TRAILING_STATUS = re.compile(
    r"\s*[-—|｜/,，、~～]*\s*(?:火热报名中|报名中|报名开启|报名通道已?开启|报名通道已?开放|快来报名吧?|欢迎来玩|期待您的参与|欢迎您的参与|速来报名|即将开始|邀您参加|已满员|名额已满|名额有限|欢迎(?:参加|参与|报名)|"
    r"诚邀(?:您|你)?(?:参加|参与)|敬请期待|等你来)[!！。.~～]*\s*(?:读书分享活动|主题活动|系列活动|活动)?$"
)
_TRAILING_GENERIC = re.compile(r"(?:主题活动|系列活动|专题讲座|主题讲座|公益讲座|读书分享|活动)$")
"""A generic word appended by some writers ("…读书分享活动"): dropped from the key's end."""
_PREFIX_SEPARATOR = re.compile(r"[:：|｜]|——")
_SERIES_DOT = re.compile(r"(?<=[^\W\d])\s*[·・•]\s*(?=[^\W\d])")
""""枫林农家课堂·王阳明心学入门": a series' name before a middle dot, when no colon says so."""
_DOTS = re.compile("[·・•]")
_CJK_SPACE = re.compile(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])")
_BRACKETED_NOISE = re.compile(rf"[{re.escape(OPEN)}]\s*(?:{NOISE_WORDS})\s*[{re.escape(CLOSE)}]")
_LEADING_REPOST = re.compile(r"^\s*(?:(?:转发|转载)\s*[:：|｜/\-—]*|转\s*[:：|｜/\-—]+|fwd?\s*:)\s*", re.IGNORECASE)
_CAMPAIGN_PREFIX = re.compile(
    r"^\s*(?:(?:20\d\d\s*年?\s*)?(?:4|四)\s*(?:[·・•．.\-/—]|月)\s*23\s*日?|世界读书日|全民阅读日)"
    r"(?:\s*(?:世界读书日|读书日))?(?:\s*暨[^|｜:：·]{2,10}?(?:阅读月|读书月|读书节|阅读节|阅读季))?"
    r"(?:\s*(?:主题活动|系列活动))?\s*[:：·・•\-—|｜]*\s*"
)
_DROP = re.compile(r"[\s\W_]+", re.UNICODE)
_LEADING_SYMBOLS = re.compile(r"^[^\w【\[（(〔〖「『《〈<{“\"'‘]+")
"""Emoji, stars and separators before the title ("🔥【周末去哪儿】…"): they hide a leading tag."""
_TRAILING_SYMBOLS = re.compile(r"[^\w)）】\]》」』”\"'’〉>]+$")
"""Emoji and marks after the title ("…欢迎参加🔥"): they hide a status word before them."""
_LATIN_TAG = re.compile(r"^[a-z][a-z0-9 .'&]{2,}?(?:\s*第\s*[0-9]+\s*期)?\s*(?:[|｜:：·・•/]|——)\s*(?![a-z\s])")
"""A channel's or brand's English tag before a Chinese title ("Story Time:", "English Corner |",
"Reading Time ·", "Qinchuan Lecture Hall 第87期 |"): a label, not the title."""
_DATE = re.compile(
    r"(?:20[0-9]{2}\s*年\s*)?[0-9]{1,2}\s*月\s*[0-9]{1,2}\s*[日号]"
    r"(?:\s*[（(]?\s*(?:周|星期)[一二三四五六日天]\s*[）)]?)?|[（(]\s*(?:周|星期)[一二三四五六日天]\s*[）)]"
)
"""A date (or weekday) written into the title ("5月3日｜…", "（周六）"): the start time says it already."""
_MOVED_TO = re.compile(
    r"[（(]?\s*(?:延期|改期|推迟|顺延|调整)至\s*(?:20[0-9]{2}\s*年\s*)?[0-9]{1,2}\s*月\s*[0-9]{1,2}\s*[日号]\s*(?:举行|举办)?\s*[）)]?"
)
"""The new date of a postponed activity in its title ("（延期至12月20日）"): the start says it."""
_BRACKETED_DATE = re.compile(r"[（(]\s*(?:20[0-9]{2}[./-])?[0-9]{1,2}\s*[./月]\s*[0-9]{1,2}\s*[日号]?\s*[）)]")
"""A date in brackets after the title ("《城南旧事》读书分享会（11.15）")."""
_NUMERIC_DATE = re.compile(
    r"^(?:20[0-9]{2}[./-])?(?:1[0-2]|0?[1-9])[./-](?:3[01]|[12][0-9]|0?[1-9])(?=\s|[|｜:：【\[（(/—]|$)\s*[|｜:：/—]*\s*"
)
"""A date written in digits before the title ("3.12 …", "2028-03-12｜…", "3/12 【…】"): the start says it."""
_CREDIT_TAIL = re.compile(r"\s*(?:——|--|—)\s*[^\W\d]{1,6}\s*[:：]\s*[^\s—:：|｜]{1,12}$")
"""Who speaks or leads, after a dash ("——主讲人：王敏", "——嘉宾：李华"): a note, not the title."""
_HASHTAG = re.compile(r"#[^#\s]{1,16}#|^\s*(?:#[^#\s]{1,16}\s+)+|(?:\s*#[^#\s，,。！!~～]{1,16})+\s*$")
"""A topic tag of a social post ("#全民阅读#", a short video's "#书香宜陵 #阅读推广"): the channel's,
not the title."""
_SYSTEM_CODE = re.compile(r"[\[【(（]\s*[a-z]{1,5}[0-9]{2,}(?:[-_][0-9a-z]+)*\s*[\]】)）]")
"""A library system's code for the event ("[CH0502-1]", "【YU0725-5】"), anywhere in the title."""
_SPEAKER_TAIL = re.compile(
    r"\s*(?:——|--|—)\s*(?:[^\W\d]{2,12}?(?:主讲|主讲人|主持|领读|导读)|(?:主讲人?|嘉宾|领读人?)\s*[:：]?\s*[^\W\d]{2,4}?)"
    r"(?:主题活动|系列活动|活动)?$"
)
"""Who speaks, after a dash, without a colon ("——孙立新老师主讲", "——周海宁博士主讲")."""
_NOTICE = re.compile(r"^关于(?:举办|开展|组织|举行|开办)\s*(.+?)\s*(?:活动)?的(?:通知|预告|公告|启事)$")
"""A notice's wording ("关于举办《…》读书会的通知", "关于开展…的预告"): the title is inside."""
_CAPTION_HEAD = re.compile(
    r"^(?:(?:20[0-9]{2}[./-])?[0-9]{1,2}\s*[./月]\s*[0-9]{1,2}\s*日?\s*(?:[（(](?:周|星期)[一二三四五六日天][）)])?)?"
    r"[^，,。！!\s]{2,16}?见\s*[!！]|^(?:重磅|好消息|速看|速来围观|快来围观|注意|快讯|定了|官宣)\s*[!！]"
)
"""A short video's caption before the title ("3月7日（周六）桃溪镇综合文化站见！", "重磅！")."""
_CAPTION_TAIL = re.compile(
    r"\s*(?:[，,]\s*(?:[0-9]{1,2}\s*[./月]\s*[0-9]{1,2}\s*日?|本周[一二三四五六日天末]|今天|明天)"
    r"(?:[（(](?:周|星期)[一二三四五六日天][）)])?在[^，,]{1,20}.*"
    r"|(?:来啦)?[!！]?\s*(?:快来一起吧|一起来吧|带上娃一起来吧|快来参加吧|名额有限抓紧报名|抓紧报名|速来|来啦)[!！~～。]*)$"
)
"""A caption after the title ("…，03/14在东湖街道文化站，快来一起吧～", "…来啦！快来一起吧～")."""
_CAMPAIGN_TAIL = re.compile(
    r"\s*(?:——|--|—|(?<![0-9])[·・•])\s*(?:[0-9]+[·・•.][0-9]+|[^—·・•]){0,24}?"
    r"(?:阅读节|读书节|读书月|读书季|阅读季|阅读月|读书日|主题阅读|全民阅读)"
    r"(?:系列活动|主题活动|活动)?(?:之[一二三四五六七八九十0-9]+)?$"
)
"""A campaign the activity belongs to, after a dash or a dot ("——2026书香岚州全民阅读节系列活动",
"·2026云湖全民阅读季", "——“我们的节日”主题阅读"): the campaign field says it, writers add it or not."""
_HOST_NOTE = re.compile(r"[（(][^（()）]{1,14}?(?:主办|承办|协办|联办|站|举办|合作书店|合作单位|成员馆|转发)[）)]")
"""Who holds it, or which stop of a tour, in brackets ("（桃源镇图书馆主办）", "（城关镇分馆站）")."""
_JOINT_WORDING = re.compile(
    r"^(?:[^，,。！!]{0,14}?(?:携手|联合|联袂|协同|会同)[^，,。！!]{1,16}?|(?:联合|携手)[^，,。！!]{1,16}?)"
    r"(?:共同举办|共同开展|联合举办|举办|开展|推出|举行)"
)
"""A co-host's wording ("区图书馆携手岚州图书馆开展…", "联合市图举办…"): who, not what."""
_REPORT_WORDING = re.compile(
    r"^[^，,。！!？?]{0,16}?(?:(?:成功|圆满|顺利)(?:举办|开展|举行)了?|(?:拟|将|即将)(?:举办|开展|举行)"
    r"|(?<=[馆图站房心道区店校驿点])(?:举办|开展|举行)了?)\s*(?=[^\s（(【\[]\S{3})"
)
"""A report's or a host's wording before the title ("高新区图成功举办“…”", "科创园分馆开展“…”活动",
"区图举办…"): who did it, not what."""
_REPORT_TAIL = re.compile(
    r"\s*[”\"]?\s*(?:活动)?(?:圆满结束|圆满落幕|顺利举行|圆满举行|顺利开展|圆满完成|成功举办|圆满举办|顺利举办|活动安排|安排)"
    r"\s*(?:[（(][^（()）]{1,12}[）)])?\s*$"
    r"|\s*[（(](?:活动)?(?:报备|备案|安排)[）)]\s*$"
)
"""A report's or a plan's wording after the title ("…活动圆满结束", "…顺利举行", "…（活动报备）")."""
_LATIN_TAIL = re.compile(r"(?:(?<=[^\x00-\x7f])|(?<=\)))(?:\s*[/|｜·]\s*|\s+)[a-z][a-z .,'&!\-]{2,40}$")
"""An English gloss after a Chinese title ("亲子阅读 / Family Reading", "…故事会 Story Time")."""
_ACCOUNT_TAIL = re.compile(
    r"\s*[|｜]\s*[^|｜:：]{2,12}?(?:图书馆|图书分馆|分馆|书房|书屋|文化站|图书室|少儿馆|区图|县图|市图|市馆|区馆|县馆)"
    r"(?:[（(][^（()）]{1,8}[）)])?\s*$"
)
"""The account a post was pasted from, after the title ("…｜东礁镇图书馆", "…｜滨海书房")."""
_TITLE_PLACE = re.compile(
    r"[（(]\s*([^（()）]{2,12}?(?:图书馆|图书分馆|分馆|书房|书屋|文化站|图书室))\s*[）)][^\w（(]*(?:活动)?[^\w（(]*$"
)
"""A library named in brackets in a title ("非遗体验：渔网编织（霞湾分馆）"): where this session is."""
_ACCOUNT_HEAD = re.compile(r"^\s*(?:[市区县州]馆|[市区县州]图|总馆|本馆|我馆|少儿馆)\s*[|｜:：]\s*(?=\S{4})")
"""The account a post was pasted from, by its short form before the title ("区图｜…", "县馆｜…")."""
_ACCOUNT_ACTIVITIES = re.compile(r"\s*[|｜]\s*[^|｜:：]{0,10}?[馆图](?:活动|动态)\s*$")
"""An account's column after the title ("第17期 | 县馆活动", "亲子手工课B组 | 沔图活动")."""
_FOREIGN_HEAD = re.compile(r"^[\u0600-\u06ff\u0750-\u077f\u0400-\u04ff\s]+(?=[\u4e00-\u9fff0-9【\[（(《“\"])")
"""Words in another script before the Chinese title (كىتاب ئوقۇش …, кітап оқу …): a bilingual post's."""
_CUT = re.compile(r"(?:…|\.\.\.|。。。)\s*$")
CUT_MARK = "…"
"""Ends a title key whose title was cut short ("石榴籽读书会：《乡土中…"): the rest is unknown."""
_MONTH_HEAD = re.compile(
    r"^\s*(?:20[0-9]{2}\s*年\s*)?(?:1[0-2]|0?[1-9])\s*月份?\s*(?:读书|阅读|文化)?活动(?:安排|预告|一览)?\s*[:：|｜]\s*(?=\S{4})"
)
"""A month's roundup sheet before each title ("5月活动：…", "3月份阅读活动安排｜…"): when, not what."""
_REVIEW_HEAD = re.compile(r"^\s*(?:精彩回顾|活动回顾|往期回顾|回顾)\s*[:：|｜·]\s*")
"""A report's label before the title ("精彩回顾：…", "回顾｜…")."""
_SERIES_OF = re.compile(r"^\s*[“\"]?[^“”\"，,。]{2,16}?[”\"]?\s*(?:系列活动|主题活动|系列)之\s*(?=\S{4})")
"""A campaign named before the title ("“4·23世界读书日”系列活动之…", "“暑期阅读季”系列活动之…")."""
_SPEAKER_TITLE = re.compile(
    r"^[^\W\d]{2,4}(?:老师|教授|博士|馆员|研究员|先生|女士|校长|作家)(?:讲|主讲|开讲|带你读|解读|谈)\s*[“\"「]?(.{4,}?)[”\"」]?$"
)
"""A title built around who speaks ("潘志刚老师讲“布依族铜鼓文化”"): the talk's own title inside."""
_HOOK = re.compile(r"^[^，,。！!？?|｜]{2,10}[？?]\s*(?=\S{4})")
"""A question to catch the eye before the title ("周末带娃去哪？")."""
_CLOCK = re.compile(r"(?<![0-9])(?:[01]?[0-9]|2[0-3])[:：][0-5][0-9](?![0-9])")
"""A time of day written into the title ("8.18 9:00 亲子剪纸"): the start says it."""
_CAPTION_OPENERS = frozenset({"重磅", "好消", "速看", "速来", "快来", "注意", "快讯", "定了", "官宣"})
_TRAILING_NOTICE = re.compile(r"\s*[，,]?\s*(?:活动)?预告$")
""""…扎染活动预告": the word for an announcement after the title."""
_AUDIENCE = re.compile(r"[（(]\s*(?:(?:适合|适宜|面向|主讲)[^（()）]{1,12}|[^（()）]{1,6}专场)[）)]")
"""Whom an announcement recommends the activity to ("（适合4-8岁）", "（小学生专场）"), or who speaks
("（主讲：王老师）"): not part of its name (a session for one audience is told by :func:`episode`,
which reads the title as written)."""
_BOOK = re.compile(r"《([^《》]+)》")
_NUMBER = "[0-9]+|[一二三四五六七八九十百零两]+"
_EPISODE = re.compile(
    rf"第\s*({_NUMBER})\s*[期届讲场次季课轮](?!\s*(?:报名|招募|征集))|场次\s*([0-9]+|[一二三四五六七八九十]+)"
    r"|[（(]\s*([一二三四五六七八九十]{1,2}|[0-9]{1,2})\s*[）)](?=\s*(?:活动|的通知|来啦|[!！]|$|[^\w（(]))"
)
"""A session number: 第3期, 第十二届, 第二场, 场次二, or a part in brackets after the title ("绘本共读（二）")."""


_POSTPONED = re.compile(r"改期|延期|推迟|顺延|调整|改至|改到|变更|延后|挪至|另行")
_MOVED_FROM = re.compile(
    r"(?:原定|原计划|原订|原于|原)\s*于?\s*(?:(20[0-9]{2})\s*年\s*)?([0-9]{1,2})\s*月\s*([0-9]{1,2})\s*[日号]"
    r"(?:\s*[（(]\s*(?:周|星期)[一二三四五六日天]\s*[）)])?"
    r"(?:\s*(上午|下午|晚上|晚)?\s*([0-9]{1,2})\s*[:：点时]\s*([0-9]{2})?)?"
    r"|由\s*(?:(20[0-9]{2})\s*年\s*)?([0-9]{1,2})\s*月\s*([0-9]{1,2})\s*[日号]"
    r"(?:\s*(上午|下午|晚上|晚)?\s*([0-9]{1,2})\s*[:：点时]\s*([0-9]{2})?)?\s*(?=[^，,。]{0,8}?(?:改|调|延|推|顺|挪))"
)
"""A postponement's original date ("因故，原定于5月2日14:30举办的活动调整至5月9日", "由4月18日改期至…")."""
MOVED_WITHIN = timedelta(days=92)
"""How far from its new date an original date may lie (a postponement, seldom a date brought forward)."""


_POSTPONED_MARK = re.compile(
    r"[【\[（(]\s*(?:延期|改期|延期举办|改期举行|延期举行|改期通知|延期通知|新时间|新日期)\s*[】\]）)]"
    r"|(?:延期|改期|推迟|顺延|调整)至\s*[0-9]{1,2}\s*月\s*[0-9]{1,2}\s*[日号]|改期举行|延期举行"
)
"""A title that says the activity was moved to another day ("【延期】…", "…（延期至12月20日）"); not
"（时间调整）", which as often moves it within its day."""


_TO_BE_ANNOUNCED = re.compile(r"另行通知|另行公告|另行安排|待定|另定")


def marks_postponement(title: str, description: str | None = None) -> bool:
    """Whether a title says the activity was moved to the date it gives, whether or not it says
    from when; not the original's own notice that it is put off ("…（延期）", 新时间另行通知)."""
    return bool(_POSTPONED_MARK.search(nfkc(title))) and not (description and _TO_BE_ANNOUNCED.search(description))


def postponed_from(title: str, description: str | None, starts_at: datetime, tz: tzinfo) -> datetime | None:
    """The start an announcement says the activity was moved from (a postponement's re-announcement:
    "【改期】…", "原定4月7日的活动改期举行"), or None.  Without an hour, its date at 00:00 (local time:
    :attr:`~.matching.MatchFields.moved_day`); the year is the one that puts it nearest the new date."""
    text = f"{title}\n{description or ''}"
    if not _POSTPONED.search(text):
        return None
    found = _MOVED_FROM.search(text)
    if found is None:
        return None
    groups = found.groups()
    year, month, day, half, hour, minute = groups[:6] if found.group(2) else groups[6:]
    local = starts_at.astimezone(tz)
    try:
        when = time(int(hour) % 24, int(minute or 0)) if hour else time(0, 0)
    except ValueError:
        return None
    if half in ("下午", "晚上", "晚") and when.hour < 12:
        when = when.replace(hour=when.hour + 12)
    years = [int(year)] if year else [local.year, local.year - 1, local.year + 1]
    options = []
    for candidate in years:
        try:
            options.append(datetime.combine(date(candidate, int(month), int(day)), when, tzinfo=tz))
        except ValueError:
            continue
    options = [o for o in options if o.date() != local.date() and abs(o - local) <= MOVED_WITHIN]
    return min(options, key=lambda o: abs(o - local)) if options else None


_CLOCK_OF_DAY = re.compile(r"(上午|早上|中午|下午|晚上|晚间|晚)\s*([0-9]{1,2})\s*(?:[:：点时]\s*([0-9]{2}|半)?)")
"""A time of day with the half of the day it falls in ("下午3:00", "晚上7点半")."""
SMALL_HOURS = range(1, 6)
"""Local hours no library activity starts in (01:00-05:59): an afternoon typed on a 12-hour clock."""
HALF_DAY = timedelta(hours=12)


NEAR_MIDNIGHT = timedelta(minutes=15)


def date_only_slip(starts_at: datetime, ends_at: datetime, tz: tzinfo) -> timedelta:
    """How far an entry by its date only was put off its midnight: an export that wrote the date
    as 00:00 with no end, then moved by a clerk's ten minutes (00:10, or 23:50 the evening before).
    Zero for anything that lasts or starts further from midnight."""
    if ends_at - starts_at > NEAR_MIDNIGHT:
        return timedelta(0)
    local = starts_at.astimezone(tz)
    since = timedelta(hours=local.hour, minutes=local.minute, seconds=local.second)
    if since <= NEAR_MIDNIGHT:
        return -since
    until = timedelta(days=1) - since
    return until if until <= NEAR_MIDNIGHT else timedelta(0)


def twelve_hour_slip(starts_at: datetime, description: str | None, tz: tzinfo) -> timedelta:
    """How far a start was typed off the hour meant, on a 12-hour clock: 03:00 for 15:00 ("下午
    3:00" in the description, or a start in the small hours), 07:00 for "晚上7点"; else zero."""
    local = starts_at.astimezone(tz)
    if local.hour >= 12 or (local.hour == 0 and local.minute == 0):
        return timedelta(0)
    if description and ("下午" in description or "晚" in description):
        for found in _CLOCK_OF_DAY.finditer(nfkc(description)):
            half, hour = found.group(1), int(found.group(2))
            if half in ("下午", "晚上", "晚间", "晚") and hour == local.hour and 1 <= hour < 12:
                minute = 30 if found.group(3) == "半" else int(found.group(3) or 0)
                if minute == local.minute:
                    return HALF_DAY
    return HALF_DAY if local.hour in SMALL_HOURS else timedelta(0)


_CEREMONY = re.compile(
    r"开展仪式|开幕式|开幕仪式|开展式|启动仪式|启动式|闭幕式|闭展仪式|颁奖典礼|颁奖仪式|颁奖|揭牌仪式|签约仪式|导览|导赏|讲解"
)


def ceremony(key: str) -> str | None:
    """The part of a programme a title names besides it ("…作品展开展仪式", "…展导览", "…颁奖典礼"):
    the opening ceremony, a guided tour or the prize-giving is another activity than the exhibition
    or the contest it belongs to."""
    found = _CEREMONY.search(key)
    return found.group(0) if found else None


def numbered(key: str) -> bool:
    """Whether a title key may hold a session number (a quick test before :func:`without_episode`)."""
    return "第" in key or "场次" in key


_SEASON = re.compile(rf"第\s*(?:{_NUMBER})\s*[季届]")


def season(key: str) -> bool:
    """Whether a title names a season or an annual edition (第二季, 第十届): another activity than
    the same title without it, unlike an issue number a writer dropped (第3期)."""
    return "第" in key and bool(_SEASON.search(key))


_ISSUE = re.compile(rf"第\s*(?:{_NUMBER})\s*[期讲]")


def issue_only(key: str, mark: str) -> bool:
    """Whether a title's only session mark (:func:`episode`) is a programme's issue number (第97期,
    第12讲): the programme's running count, which a month's sheet or a co-host leaves out, not one
    of a day's sessions (第二场)."""
    return mark.isdigit() and "第" in key and bool(_ISSUE.search(key))


def without_episode(key: str) -> str:
    """A title key without its session number ("剪纸第2期" → "剪纸")."""
    return _EPISODE.sub("", key)


_HALF = re.compile(
    r"(上午|下午|晚上|晚间|早)场|([上下])半场|[（(]([上中下])[）)]|([ABCabc甲乙丙])[场组班]|([0-9一二三四五六七八九十]+)[场组班]"
    r"|(?:[·・•\s（(【-]|^)([^\W\d]{2,3}?)(?:场|专场|组|班)(?=[）)】\s(（]|$)"
    r"|([^\W\d（(]{1,6}?语言?)(?:场|专场)|(加场)"
)
"""Half-day and numbered sessions, and sessions by audience ("·幼儿场" / "·小学场", "（亲子专场）",
"（低龄组）")."""
_ROOM_ONLY = re.compile(
    r"^(?:[0-9一二三四五六七八九十负地下]+(?:楼|层|f))?"
    r"(?:报告厅|多功能厅|阅览室|少儿阅览室|电子阅览室|展厅|会议室|活动室|培训室|自习室|大厅|"
    r"学术报告厅|讲堂|书房|阅读区|亲子阅读区|绘本馆|少儿馆|放映厅|影厅|教室|多媒体教室)"
    r"(?:[0-9一二三四五六七八九十]+(?:楼|层|f))?$"
)
_FLOOR_NOTE = re.compile(rf"[{re.escape(OPEN)}][^{re.escape(OPEN + CLOSE)}]*[{re.escape(CLOSE)}]")

WHOLE_ALLIANCE = 20
"""Up to this many members (a city's alliance), an announcement's twins are looked for at every
member's site: a few announcements an hour, cheap to compare.  A larger alliance (the demo's 30,
a province's hundreds) looks at the related libraries' sites only, so that a decision stays a few
index range scans however many announcements an hour the alliance publishes."""

MAX_CHILDREN = 4
"""A library with more direct members under it than this (a central library over a city's
districts and outlets) does not look at its children's sites for every announcement: each of them
looks at its parent's, so a pair is still found when the child's announcement comes second."""

VENUE_FUZZY_CUTOFF = 90.0
"""How close a typed venue name must be to a directory name or alias of an organiser's rooms."""


_TRADITIONAL = str.maketrans(
    "書讀會館講圖樂藝術電話裡這個們來說時間開學習與為動華東區縣鄉鎮環詩詞畫聽親愛戲劇場歲營覽閱廳層樓號際課題專業體驗實傳統節慶寫記憶繪龍鳳門問見現發經濟論壇報導態隊長風氣雲飛魚鳥馬龜狀獎勵賽競權條約歷紙陽陰歡參額滿師員選擇雜誌廣遊觀護衛義務紀錄將對應興協調輔療癒養顏聲譜線網絡數據創夢鄰園蘭蓮葉溫鐘錶燈籠團圓餅紮謎閃爍鮮豔麗寶貝孫爺媽讓擁溝聯結",
    "书读会馆讲图乐艺术电话里这个们来说时间开学习与为动华东区县乡镇环诗词画听亲爱戏剧场岁营览阅厅层楼号际课题专业体验实传统节庆写记忆绘龙凤门问见现发经济论坛报导态队长风气云飞鱼鸟马龟状奖励赛竞权条约历纸阳阴欢参额满师员选择杂志广游观护卫义务纪录将对应兴协调辅疗愈养颜声谱线网络数据创梦邻园兰莲叶温钟表灯笼团圆饼扎谜闪烁鲜艳丽宝贝孙爷妈让拥沟联结",
)
"""Traditional characters writers type (書, 讀, 會, 館 …) with their simplified forms: one activity,
two scripts (a character table: no per-phrase conversion, no cost worth counting)."""
_TRADITIONAL_CHAR = re.compile("[" + "".join(chr(c) for c in _TRADITIONAL) + "]")


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


@burst_memo(maxsize=4096)
def title_key(title: str) -> str:
    """The title with noise, brackets, quotes, punctuation and spaces removed (see module doc);
    a short prefix before "：" stays, followed by :data:`PREFIX_MARK`.

    Remembered: a submission with a description asks twice (:func:`title_to_match`, then the
    matcher), and co-hosts' announcements and revisions repeat titles — 4 % of dedup's samples
    for two dozen regular expressions a call."""
    cut = bool(_CUT.search(title))
    text = nfkc(title).casefold().replace("丨", "|")  # 丨 (a radical) typed for ｜
    if "#" in text:
        text = _HASHTAG.sub("", text).strip()
    if _TRADITIONAL_CHAR.search(text):
        text = text.translate(_TRADITIONAL)
    if text and not text[-1].isalnum():
        text = _TRAILING_SYMBOLS.sub("", text)
    if " " in text:
        text = _CJK_SPACE.sub("", text)  # "世界 读书日": a stray space typed
    if "[" in text or "【" in text or "(" in text:
        text = _SYSTEM_CODE.sub("", text)
    previous = None
    while previous != text:  # noise can nest: "转发：【报名中】4·23 …"
        previous = text
        text = _BRACKETED_NOISE.sub("", text)
        text = _LEADING_REPOST.sub("", text)
        rest = _CAMPAIGN_PREFIX.sub("", text)
        if len(rest) == len(text) or _DROP.sub("", rest):  # all of it ("世界读书日主题活动"): the title
            text = rest
        if text and not text[0].isalnum():
            text = _LEADING_SYMBOLS.sub("", text)
        if text[:1].isascii() and text[:1].isalpha():
            text = _LATIN_TAG.sub("", text)
        if text[-1:].isascii() and text[-1:].isalpha():
            text = _LATIN_TAIL.sub("", text)
        text = _LEADING_TAG.sub("", text)
        text = _LEADING_WELCOME.sub("", text)
        if text[:1] and "\u0400" <= text[0] <= "\u077f":
            text = _FOREIGN_HEAD.sub("", text)
        if "|" in text or "｜" in text:
            text = _ACCOUNT_TAIL.sub("", text)
        text = _TRAILING_STATUS.sub("", text)
        if text[:1].isdigit():
            text = _NUMERIC_DATE.sub("", text)
        if "—" in text or "--" in text:
            text = _SPEAKER_TAIL.sub("", _CREDIT_TAIL.sub("", text))
        if text.startswith("关于"):
            text = _NOTICE.sub(r"\1", text)
        if "见" in text or text[:2] in _CAPTION_OPENERS:
            text = _CAPTION_HEAD.sub("", text)
        text = _CAPTION_TAIL.sub("", text)
        if "举" in text or "开展" in text:
            text = _REPORT_WORDING.sub("", text, count=1)
        text = _REPORT_TAIL.sub("", text)
        if "回顾" in text:
            text = _REVIEW_HEAD.sub("", text)
        if "|" in text or "｜" in text or ":" in text or "：" in text:
            text = _ACCOUNT_ACTIVITIES.sub("", _ACCOUNT_HEAD.sub("", text))
        if "月" in text[:8]:
            text = _MONTH_HEAD.sub("", text)
        if "之" in text:
            text = _SERIES_OF.sub("", text, count=1)
        if "?" in text or "？" in text:
            text = _HOOK.sub("", text)
        if "讲" in text or "读" in text or "谈" in text:
            text = _SPEAKER_TITLE.sub(r"\1", text)
        if ":" in text or "：" in text:
            text = _CLOCK.sub("", text).strip()
        if text.endswith("预告") and len(text) > 6:
            text = _TRAILING_NOTICE.sub("", text)
        text = _CAMPAIGN_TAIL.sub("", text)
        if "（" in text or "(" in text:
            text = _TITLE_PLACE.sub("", _HOST_NOTE.sub("", text))
        if "携" in text or "联" in text or "协" in text or "会同" in text:
            text = _JOINT_WORDING.sub("", text, count=1)
        if "至" in text:
            text = _MOVED_TO.sub("", text)
        if "月" in text or ("周" in text or "星期" in text) and "(" in text:
            text = _DATE.sub("", text)
        if "(" in text or "（" in text:
            text = _BRACKETED_DATE.sub("", text)
        if "适" in text or "面向" in text or "专场" in text or "主讲" in text:
            text = _AUDIENCE.sub("", text)
    found = _PREFIX_SEPARATOR.search(text) or (_SERIES_DOT.search(text) if _DOTS.search(text) else None)
    if found is not None:
        head, tail = _DROP.sub("", text[: found.start()]), _DROP.sub("", text[found.end() :])
        if head and tail and len(head) <= 12:
            return f"{head}{PREFIX_MARK}{tail if cut else _without_generic(tail)}" + (CUT_MARK if cut else "")
    key = _DROP.sub("", text)
    return key + CUT_MARK if cut and key else _without_generic(key)


def _without_generic(key: str) -> str:
    """A key without the generic words appended ("…主题讲座读书分享活动"), never empty."""
    while (rest := _TRAILING_GENERIC.sub("", key)) != key and rest:
        key = rest
    return key


GENERIC_KINDS = {
    "讲座": ("lecture",),
    "讲堂": ("lecture",),
    "展览": ("exhibition",),
    "展": ("exhibition",),
    "沙龙": ("salon", "reading_club"),
    "读书会": ("reading_club", "salon"),
    "分享会": ("reading_club", "salon", "lecture"),
    "故事会": ("children", "parent_child", "reading_club"),
    "亲子": ("parent_child", "children"),
    "培训": ("training", "digital"),
    "放映": ("screening",),
    "观影": ("screening",),
    "比赛": ("contest",),
    "竞赛": ("contest",),
}
"""Words a title that names only a kind of activity is made of, and the categories they mean."""
_GENERIC_TITLE = re.compile(
    r"^(?:绘本|少儿|儿童|读书|阅读|电影|公益|专题|主题|" + "|".join(GENERIC_KINDS) + r"|活动|会)+$"
)
"""A title that says only what kind of activity it is ("展览活动", "讲座", "亲子活动", "读书沙龙"): a
writer in a hurry, or a report sheet's column."""


def generic_kinds(key: str) -> frozenset[str] | None:
    """The categories a title key that names only a kind of activity means (:data:`GENERIC_KINDS`),
    or None for a title of its own."""
    key = key.replace(PREFIX_MARK, "")
    if not _GENERIC_TITLE.match(key):
        return None
    return frozenset(c for word, kinds in GENERIC_KINDS.items() if word in key for c in kinds)


PREFIX_MARK = "|"
"""Where a title key's prefix ("江城讲坛：", "公益讲座：") ends: a writer may drop it."""


def title_variants(key: str) -> tuple[str, str]:
    """A title key as written (without the prefix mark), and without its prefix."""
    head, mark, tail = key.partition(PREFIX_MARK)
    return (head + tail, tail) if mark else (key, key)


def books(title: str) -> frozenset[str]:
    """The works a title names in 《》: two different books are two activities."""
    return frozenset(_DROP.sub("", nfkc(b).casefold().translate(_TRADITIONAL)) for b in _BOOK.findall(nfkc(title)))


_HALF_WORDS = re.compile("[场组班上中下]")
"""Characters without which :data:`_HALF` cannot match (most titles: no need to run it)."""
_AGES = re.compile(r"([0-9]+)\s*[-~～—–至到]\s*([0-9]+)\s*(?:岁|周岁)")


def episode(title: str) -> str | None:
    """The session marks a title gives, '/'-joined: the session number ("第3期" / "第十二届" /
    "第二场", in digits: "第十二期" and "第12讲" are one session), the half-day or audience session
    ("上午", "小学生"), the age group of one of parallel sessions ("（3-6岁）" → "3-6岁")."""
    text = nfkc(title)
    if _TRADITIONAL_CHAR.search(text):
        text = text.translate(_TRADITIONAL)  # 专場 is 专场
    marks = []
    found = None
    for found in _EPISODE.finditer(text):  # noqa: B007 - the last one counts: "（第一场）（第二场）" is the second
        pass
    if found:
        marks.append(number(found.group(1) or found.group(2) or found.group(3)))
        text = _EPISODE.sub("·", text)
    half = _HALF.search(text) if _HALF_WORDS.search(text) else None  # 上午场 / 下午场, （上）/（下）, A组 …
    if half:
        marks += [g for g in half.groups() if g][:1]
    ages = _AGES.search(_DIGIT_SPACE.sub("", text)) if "岁" in text else None
    if ages:
        marks.append(f"{ages.group(1)}-{ages.group(2)}岁")
    return "/".join(marks) or None


_DIGIT_SPACE = re.compile(r"(?<=[0-9])\s+(?=[0-9])")
_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}


def number(written: str) -> str:
    """A session number in digits: "七十三" → "73", "一百零二" → "102", "12" → "12"."""
    if written.isdigit():
        return str(int(written))
    total, digit = 0, 0
    for char in written:
        if char in _CN_DIGITS:
            digit = _CN_DIGITS[char]
        elif char in "十百":
            total += (digit or 1) * (10 if char == "十" else 100)
            digit = 0
    return str(total + digit)


def episode_kind(value: str) -> str:
    """Which kind of session mark one of an :func:`episode`'s marks is: a number, an age group or a
    named session (上午 / 小学生 / A)."""
    if value.isdigit():
        return "number"
    return "ages" if value.endswith("岁") else "named"


def other_session(a: str, b: str) -> bool:
    """Whether two titles' session marks (:func:`episode`) name two sessions: a mark of one kind
    that differs (第3期 / 第4期, 上午 / 下午); marks of two kinds (a series' 第132期, another's
    （上午场）) say nothing against each other."""
    kinds = {episode_kind(m): m for m in a.split("/")}
    return any(kinds.get(episode_kind(m), m) != m for m in b.split("/"))


_NOTICE_TITLE = re.compile(
    r"^(?:近期|本周|本月|近日|最新|下周|周末|本周末)?(?:读书|阅读|文化)?活动(?:安排|通知|预告|一览)?(?:更新)?$"
    r"|^(?:近期|本周|本月|下周)(?:读书|阅读|文化)?活动(?:安排|通知|预告)?$|^(?:活动|读书活动|阅读活动)(?:通知|预告|安排)$"
)
"""A title that names no activity, only that there is one ("近期活动安排", "本周读书活动通知", "读书活动")."""
_GENERIC_PURPOSE = frozenset({"阅读推广", "读书", "阅读", "文化", "公益", "主题", "全民阅读"})
"""What a title says of an activity when it says only what it is for ("阅读推广活动", "读书活动")."""
_DESCRIBED_NAME = re.compile(r"(?:^|\n)\s*(?:活动)?(?:名称|主题|题目|内容)\s*[:：]\s*([^\n]{2,80})")


def title_to_match(title: str, description: str | None) -> str:
    """The title, or, when it names no activity (:data:`_NOTICE_TITLE`, or only what it is for:
    阅读推广活动), the name the description gives ("活动名称：…")."""
    if description and (_NOTICE_TITLE.match(_DROP.sub("", nfkc(title))) or title_key(title) in _GENERIC_PURPOSE):
        found = _DESCRIBED_NAME.search(description)
        if found is not None:
            return found.group(1).strip()
    return title


_DESCRIBED_PLACE = re.compile(r"(?:^|\n)\s*(?:活动)?(?:地点|地址|场地|地\s+点)\s*[:：]\s*([^\n]{2,100})")


def described_place(description: str | None) -> str | None:
    """The place an announcement's own text gives ("活动地点：…" on a line of its own), if any."""
    if not description or "地" not in description and "场" not in description:
        return None
    found = _DESCRIBED_PLACE.search(description)
    return found.group(1).strip() if found else None


_STOP_NOTE = re.compile(r"\s*[（(][^（）()]{0,24}?(?:停靠|流动|现场|书车|图书车)[^（）()]{0,12}[）)]\s*$")
"""A note after an outside place saying whose stop it is, or that it is on site."""
_NOT_A_STOP = re.compile(r"图书|分馆|书屋|书房|文化站|服务点|[0-9]+号|巡回|车旁|^各")
"""A library's building or an address: not where a book bus stops."""
_MOBILE = re.compile("流动|书车|书船|大篷车|汽车图书馆")
_NO_STOP = frozenset({"", "现场", "活动现场", "停靠点", "流动点"})


def stop_place(text: str) -> str:
    """The place a venue text names as a mobile library's stop ("湖心岛码头（…流动书船停靠点）" →
    湖心岛码头), or "" when it names none (活动现场, a placeholder, a room)."""
    place = _STOP_NOTE.sub("", text)
    if place in _NO_STOP or is_placeholder(place) or _is_room_words(place) or _NOT_A_STOP.search(place):
        return ""
    return place


def venue_name_to_match(name: str | None, description: str | None) -> str:
    """The venue text matching reads: the venue field, or the place the announcement's own text
    states when that says more (a writer types "二楼报告厅" in the field and the library's full
    name in the body).  Who wrote a bare room says little about where it is; the body often says."""
    name = name or ""
    place = described_place(description)
    if place and len(normalize_venue_text(place)) > len(normalize_venue_text(name)):
        return place
    return name


def clean_venue_name(name: str) -> str:
    """A typed venue name without spaces, punctuation or bracketed notes ("报告厅（二楼）" → "报告厅")."""
    text = nfkc(name).casefold()
    stripped = _FLOOR_NOTE.sub("", text)
    return _DROP.sub("", stripped or text) or _DROP.sub("", text)


def is_bare_room(cleaned: str) -> bool:
    """A name that says which kind of room but not whose ("报告厅", "二楼阅览室")."""
    return bool(_ROOM_ONLY.match(cleaned))


_LIBRARY_HEAD = re.compile(r"^.*?(?:图书馆|图书室|图书管|分馆|书房|书屋|驿站|读书角|阅览室(?=分|$))")
"""A venue text up to the first word that ends a library's name."""
LIBRARY_LIKE_SHORTEST = 5
LIBRARY_LIKE_CUTOFF = 85.0


def _in_order(short: str, long: str) -> bool:
    """Whether every character of ``short`` appears in ``long`` in the same order."""
    rest = iter(long)
    return all(c in rest for c in short)


@dataclass
class VenueResolver:
    """Venue keys from the alliance's venue directory (built once per service)."""

    alliance: Alliance
    _cache: dict[tuple, Site | str] = field(default_factory=burst_dict, repr=False)
    """Sites under ("site", …) keys, venue keys under (name, host, libraries) keys."""

    @cached_property
    def _choices_by_library(self) -> dict[str, list[tuple[str, VenueEntry]]]:
        choices: dict[str, list[tuple[str, VenueEntry]]] = {}
        for venue in self.alliance.venues:
            for text in (venue.name, *venue.aliases):
                choices.setdefault(venue.library_id, []).append((clean_venue_name(text), venue))
        return choices

    @cached_property
    def _names(self) -> dict[str, str]:
        """Library id by name (:func:`abbreviations`)."""
        return abbreviations(self.alliance)

    @cached_property
    def _name_pattern(self) -> re.Pattern[str] | None:
        """Every name, longest first: at each position the longest name that fits."""
        names = sorted(self._names, key=lambda name: (-len(name), name))
        return re.compile("|".join(map(re.escape, names))) if names else None

    def named_library(self, text: str) -> str | None:
        """The member a venue text names: of the names it holds, the last (a venue reads from the
        general to the particular: "柳溪县图书馆馆石门镇分馆" is the branch, typo and all)."""
        if self._name_pattern is None:
            return None
        last = None
        for last in self._name_pattern.finditer(text):  # noqa: B007 - the last one counts
            pass
        return self._names[last.group(0)] if last is not None else None

    @cached_property
    def _stems(self) -> dict[str, str]:
        """Library id by own place name (:func:`own_stems`)."""
        return own_stems(self.alliance)

    @cached_property
    def _stem_pattern(self) -> re.Pattern[str] | None:
        stems = sorted(self._stems, key=lambda stem: (-len(stem), stem))
        return re.compile(f"({'|'.join(map(re.escape, stems))})((?:{PLACE_UNITS}|店)+)") if stems else None

    def stem_library(self, text: str) -> str | None:
        """The member a venue text names by its own place name, a word for a place and a library or
        one of its rooms ("翠竹社区服务点", "荷花池社区二楼阅览角", "锦华街道综合文化站", "湾畔书房露台"):
        the last one it gives.  A place name with anything else after it is an address ("龙泉镇中心
        小学", "运河社区"): none."""
        if self._stem_pattern is None:
            return None
        last = None
        for last in self._stem_pattern.finditer(text):  # noqa: B007 - the last one counts
            pass
        if last is None:
            return None
        if not (_LIBRARY_KIND.search(last.group(2)) or _LIBRARY_OR_ROOM.match(text, last.end())):
            return None
        library_id = self._stems[last.group(1)]
        kinds = {_KIND_FAMILY.get(kind, kind) for kind in _LIBRARY_KIND.findall(last.group(2))}
        if kinds and not kinds & self._kinds[library_id]:
            return None  # "沙湾城市书房": not 沙湾东社区服务点 (nor 东湖街道分馆 the street's 城市书房)
        return library_id

    @cached_property
    def _kinds(self) -> dict[str, set[str]]:
        """The kinds of library each member's name says it is (馆, 书房, 书屋 …; a book bus or
        boat: mobile)."""
        return {
            m.id: {_KIND_FAMILY.get(kind, kind) for kind in _LIBRARY_KIND.findall(nfkc(m.name))}
            | ({"mobile"} if _MOBILE.search(nfkc(m.name)) else set())
            for m in self.alliance.members
        }

    @cached_property
    def _leading_names(self) -> list[str]:
        names = sorted({_DROP.sub("", name) for name in self._names} | set(self._stems), key=lambda n: (-len(n), n))
        return [name for name in names if len(name) >= 4 or name in self._stems]

    @cached_property
    def _leading_library(self) -> re.Pattern[str] | None:
        names = self._leading_names
        if not names:
            return None
        return re.compile(f"(?:{'|'.join(map(re.escape, names))})(?:(?:{PLACE_UNITS})*?(?:{_LIBRARY_KIND.pattern}))?")

    @cached_property
    def _leading_characters(self) -> frozenset[str]:
        """The first characters of the names :attr:`_leading_library` starts with: a text starting
        otherwise cannot match it (the pattern, an alternation of hundreds of names in a large
        alliance, is tried at the text's start only when it may)."""
        return frozenset(name[0] for name in self._leading_names)

    def without_library_name(self, key: str) -> str:
        """:meth:`_without_leading_library`, and without a library's name after the title (a post
        pasted with its account's name: "海岛老照片展｜东礁镇图书馆")."""
        key = self._without_leading_library(key)
        head, mark, tail = key.rpartition(PREFIX_MARK)
        if mark and len(head) >= 4 and self._is_library_name(tail):
            return head
        return key

    def _is_library_name(self, text: str) -> bool:
        pattern = self._leading_library
        if pattern is None or not text or text[0] not in self._leading_characters:
            return False
        found = pattern.fullmatch(text)
        return found is not None and bool(_LIBRARY_KIND.search(text) or text in self._names)

    def _without_leading_library(self, key: str) -> str:
        """A title key without the library's name a writer put before the title ("河东区图书馆数字
        资源使用指南", "翠竹社区服务点农村电商直播培训", "黄土坝镇综合文化站诗词大会初赛"): whose
        activity it is, the organisers say.  What is left must be a title (four characters or more);
        a place name alone before it (翠竹 + 社区 …) must end in a kind of library."""
        pattern = self._leading_library
        if pattern is None or not key or key[0] not in self._leading_characters:
            return key
        head, mark, tail = key.partition(PREFIX_MARK)
        found = pattern.match(head)
        if found is not None and mark and found.end() == len(head) and len(tail) >= 4:
            return tail  # "市少图｜童趣故事屋": the library before the title, not a programme's name
        if found is None or len(head) - found.end() < 4:
            return key
        if not _LIBRARY_KIND.search(found.group(0)) and (
            found.group(0) in self._stems or found.group(0) not in self._names
        ):
            return key  # a place's name only: "红星小区…" may be the title's own
        return head[found.end() :] + mark + tail

    def library_like(self, text: str, writers: tuple[str, ...] = ()) -> str | None:
        """The one member a library's name in ``text`` can only be, when no name or abbreviation
        the file gives matches it: its characters in order in the member's name ("高新区图书馆" for
        青澧高新区图书馆, "24小时自助图书馆" for 青澧汽车站24小时自助图书馆), or, for none, a name
        one or two characters off (a typo: 图书管).  Generic forms shared by several members
        (区图书馆) match several and name none, unless one of them is among ``writers`` (the
        announcement's submitter and organisers: a college writing "学院图书馆" means its own)."""
        found = _LIBRARY_HEAD.match(text)
        if found is None or len(head := _DROP.sub("", found.group(0))) < LIBRARY_LIKE_SHORTEST:
            return None
        names = self._member_names
        matches = [lib for lib, name in names if _in_order(head, name)]
        if not matches:
            matches = [lib for lib, name in names if fuzz.ratio(head, name) >= LIBRARY_LIKE_CUTOFF]
        if len(matches) > 1 and writers:  # "学院图书馆" written by one of two colleges: its own
            matches = [lib for lib in matches if lib in writers]
        return matches[0] if len(matches) == 1 else None

    @cached_property
    def _member_names(self) -> list[tuple[str, str]]:
        return [(m.id, _DROP.sub("", nfkc(m.name).casefold())) for m in self.alliance.members]

    def site(self, venue: Venue, *, host: str, libraries: tuple[str, ...]) -> Site:
        """Whose building the announcement takes place in: the library of a directory room; a
        member the venue names (its name, an abbreviation, its address; "区馆" the district
        library of the writer or its organisers); else the host's, assumed."""
        cache_key = ("site", venue.venue_id, venue.name, venue.address, host, libraries)
        cached = cast("Site | None", self._cache.get(cache_key))
        if cached is None:
            cached = self._resolve_site(venue, host=host, libraries=libraries)
            if len(self._cache) > 50_000:
                self._cache.clear()
            self._cache[cache_key] = cached
        return cached

    def _resolve_site(self, venue: Venue, *, host: str, libraries: tuple[str, ...]) -> Site:
        key = self.key(venue, host=host, libraries=libraries)
        if key.startswith("v:"):
            entry = self.alliance.venue(key[2:])
            if entry is not None:
                return Site(entry.library_id, True)
        text = normalize_venue_text(venue.name or "")
        for typo, meant in _KIND_TYPOS:
            if typo in text:
                text = text.replace(typo, meant)
        text = _DOUBLED_KIND.sub(r"\1", text)  # "白沙文化站文化站活动室": a kind typed twice
        if "分管" in text:
            text = _BRANCH_TYPO.sub("分馆", text)
        if text:
            named = self.named_library(text) or self.library_like(text, libraries) or self.stem_library(text)
            if named is not None:
                return Site(named, True)
            if venue.address:  # "区馆报告厅" at "朔川市河西区建设北路77号": the member at that address
                at = self.named_library(normalize_venue_text(venue.address))
                if at is not None:
                    return Site(at, True)
            if text.startswith(OWN_LIBRARY) and libraries:
                return Site(libraries[0], True)  # "本馆二楼多功能厅": the writer's own building
            near: list[str] = []
            for library_id in libraries:
                if self.alliance.member(library_id) is not None:
                    near += [library_id, *self.alliance.ancestors(library_id)]
            near = list(dict.fromkeys(near))
            unit = _UNIT_LIBRARY.search(text)
            if unit is not None:  # "市馆": a library whose name says 市 (the writer's own, else the only one)
                of_unit = self._libraries_of_unit.get(unit.group(1), [])
                mine = [lib for lib in near if lib in of_unit]
                if len(mine) == 1 or (not mine and len(of_unit) == 1):
                    return Site((mine or of_unit)[0], True)
            for tier, pattern in _TIER_PATTERNS.items():
                if pattern.search(text):
                    found = [
                        lib
                        for lib in near  # members and their ancestors only: never None
                        if cast(Member, self.alliance.member(lib)).tier.value == tier
                    ]
                    if len(found) == 1:
                        return Site(found[0], True)
        # a room of the host's (or online): assumed at home; else an address or place the file does not name
        return Site(host, False, known=assumed_at_home(text))

    @cached_property
    def _libraries_of_unit(self) -> dict[str, list[str]]:
        """The members whose name is a 市, 区 or 县's library (岭城市图书馆), by that unit."""
        found: dict[str, list[str]] = {}
        for member in self.alliance.members:
            name = re.sub(r"[(（][^()（）]*[)）]", "", nfkc(member.name))
            if name.endswith("图书馆") and name[:-3][-1:] in "市区县":
                found.setdefault(name[-4], []).append(member.id)
        return found

    def title_place(self, title: str) -> str | None:
        """The member a title names in brackets as this session's place (:data:`_TITLE_PLACE`)."""
        found = _TITLE_PLACE.search(nfkc(title))
        if found is None:
            return None
        text = normalize_venue_text(found.group(1))
        return self.named_library(text) or self.library_like(text) or self.stem_library(text)

    def related_sites(self, libraries: Iterable[str]) -> list[str]:
        """The libraries whose sites an announcement's twin may be at: its own libraries and their
        parents and children (a branch reposts its head library's lecture, a co-host types the
        host's hall as its own).  Not siblings: in the bench's 30-member alliance they took the
        decision's p99 from 5 ms to 8-9 ms (more sites, more candidates), for 0.6 points of recall
        on city_d.  In an alliance of at most :data:`WHOLE_ALLIANCE` members, every
        member's: there, a co-host that lists nobody and names no place is still found."""
        if len(self.alliance.members) <= WHOLE_ALLIANCE:
            return self._all_members
        out: dict[str, None] = {}
        for library_id in libraries:
            out[library_id] = None
            member = self.alliance.member(library_id)
            if member is None:
                continue
            if member.parent:
                out[member.parent] = None
            children = self._children.get(library_id, ())
            if len(children) <= MAX_CHILDREN:
                out.update(dict.fromkeys(children))
        return list(out)

    def brand_host(self, brand_id: str, year: int) -> str | None:
        """The member holding a brand's sessions in a year (its lead that year, else its owner)."""
        brand = self._brands.get(brand_id)
        return None if brand is None else brand.leads.get(year, brand.library_id)

    @cached_property
    def _brands(self) -> dict:
        return {brand.id: brand for brand in self.alliance.brands}

    def mobile(self, library_id: str) -> bool:
        """Whether a member is a book bus or boat (its venues are the stops of its route)."""
        return "mobile" in self._kinds.get(library_id, ())

    def kinds(self, library_id: str) -> frozenset[str]:
        """What kind of library a member is: the kinds its name says (:attr:`_kinds`), and its tier
        (asked for every stored row read: built once)."""
        return self._member_kinds.get(library_id, frozenset())

    @cached_property
    def _member_kinds(self) -> dict[str, frozenset[str]]:
        return {m.id: frozenset(self._kinds[m.id]) | {m.tier.value} for m in self.alliance.members}

    def family(self, library_id: str) -> frozenset[str]:
        """A member's parent and its children (empty for a library the file does not hold)."""
        return self._families.get(library_id, frozenset())

    @cached_property
    def _families(self) -> dict[str, frozenset[str]]:
        return {
            m.id: frozenset(([m.parent] if m.parent else []) + self._children.get(m.id, []))
            for m in self.alliance.members
        }

    @cached_property
    def _all_members(self) -> list[str]:
        return [m.id for m in self.alliance.members]

    @cached_property
    def _children(self) -> dict[str, list[str]]:
        children: dict[str, list[str]] = {}
        for member in self.alliance.members:
            if member.parent:
                children.setdefault(member.parent, []).append(member.id)
        return children

    def key(self, venue: Venue, *, host: str, libraries: tuple[str, ...]) -> str:
        """The venue key of an announcement; ``libraries`` are its submitter and organisers."""
        if venue.venue_id and self.alliance.venue(venue.venue_id) is not None:
            return f"v:{venue.venue_id}"
        if not (venue.name and venue.name.strip()):
            return "online"
        cache_key = (venue.name, host, libraries)
        cached = cast("str | None", self._cache.get(cache_key))
        if cached is None:
            cached = self._resolve_name(venue.name, host=host, libraries=libraries)
            if len(self._cache) > 50_000:
                self._cache.clear()
            self._cache[cache_key] = cached
        return cached

    def _resolve_name(self, name: str, *, host: str, libraries: tuple[str, ...]) -> str:
        cleaned = clean_venue_name(name)
        bare = is_bare_room(cleaned) or _is_room_words(cleaned)
        if bare:  # "多功能活动室": the host's room, not one of that name in another's directory
            libraries = (host,)
        for library_id in libraries:
            found = self.alliance.venue_by_alias(name, library_id=library_id)
            if found is not None:
                return f"v:{found.id}"
        found = None if bare else self.alliance.venue_by_alias(name)
        if found is not None:
            return f"v:{found.id}"
        choices = [c for lib in libraries for c in self._choices_by_library.get(lib, ())]
        if cleaned and choices:
            best = process.extractOne(
                cleaned, [text for text, _ in choices], scorer=fuzz.ratio, score_cutoff=VENUE_FUZZY_CUTOFF
            )
            if best is not None:
                return f"v:{choices[best[2]][1].id}"
        if is_online(cleaned):
            return "online"
        if not cleaned or is_bare_room(cleaned):
            return f"n:{host}:{cleaned or normalize_venue_text(name)}"
        return f"n:{cleaned}"


# -- sites: which library's building an announcement takes place in -------------------------

OWN_LIBRARY = "本馆"
"""How a library names its own building in its own announcement."""

ROOM_WORDS = (
    "学术报告厅",
    "报告厅",
    "多功能厅",
    "少儿阅览室",
    "电子阅览室",
    "阅览室",
    "展厅",
    "展览厅",
    "会议室",
    "活动室",
    "培训室",
    "自习室",
    "大厅",
    "讲堂",
    "讲座厅",
    "演讲厅",
    "大堂",
    "中庭",
    "研讨室",
    "研讨间",
    "阅读区",
    "亲子阅读区",
    "绘本馆",
    "放映厅",
    "影厅",
    "多媒体教室",
    "教室",
    "书房",
    "书屋",
    "剧场",
    "多功能室",
    "多功能活动室",
    "阅览区",
    "借阅区",
    "体验区",
    "阅读空间",
    "少儿区",
    "儿童区",
    "亲子区",
)
_ROOM = re.compile("|".join(sorted(ROOM_WORDS, key=len, reverse=True)))
TIER_WORDS = {
    "central": ("市图书馆", "市馆", "市图", "总馆", "中心馆", "地区图书馆", "地区馆", "地图"),
    "district": ("区图书馆", "区馆", "区图"),
    "county": ("县图书馆", "县馆", "县图", "市图书馆", "市馆", "市图"),
    "branch": ("分馆",),
}
"""Generic words for a member by its tier ("区馆" is the district library of whoever writes it)."""
_TIER_PATTERNS = {tier: re.compile(r"(?<![^\W\d])(?:" + "|".join(words) + ")") for tier, words in TIER_WORDS.items()}
"""A tier word as a word of its own: "营区图书室", "社区图书室" hold 区图 but name no district library."""
_TIER_ANYWHERE = {tier: re.compile("|".join(words)) for tier, words in TIER_WORDS.items()}


_BARE_KIND = re.compile(r"^(?:城市|农家|社区|乡镇|街道|综合)*(分馆|书房|书屋|文化站|服务点|书吧|驿站)")


def bare_kind(text: str) -> str | None:
    """The kind of library a venue names without saying which ("城市书房阅读区", "书屋", "分馆一楼"),
    as :meth:`VenueResolver.kinds` says it."""
    found = _BARE_KIND.match(text)
    return _KIND_FAMILY.get(found.group(1), found.group(1)) if found else None


def generic_tiers(text: str) -> frozenset[str]:
    """The tiers a venue names only by a short form several members share (区馆, 县图, 分馆 …)."""
    return frozenset(tier for tier, pattern in _TIER_PATTERNS.items() if pattern.search(text))


def names_tier(text: str, tiers: frozenset[str]) -> bool:
    """Whether a venue text names a library of one of these tiers (in full: 和平区图书馆)."""
    return any(_TIER_ANYWHERE[tier].search(text) for tier in tiers)


_PLACE_WORD = re.compile(r"(?:社区|街道|镇|乡|村)(?=[^社街镇乡村]{2,}$)")
_TOWN_SUFFIX = re.compile(r"(?:镇|乡|街道|社区|路)(?=分馆$)")


ROOM_FAMILIES = {
    "学术报告厅": "报告厅",
    "讲堂": "报告厅",
    "大堂": "大厅",
    "中庭": "大厅",
    "研讨间": "研讨室",
    "讲座厅": "报告厅",
    "演讲厅": "报告厅",
    "少儿阅览室": "阅览室",
    "电子阅览室": "阅览室",
    "自习室": "阅览室",
    "展览厅": "展厅",
    "影厅": "放映厅",
    "多媒体教室": "培训室",
    "教室": "培训室",
    "亲子阅读区": "阅读区",
    "绘本馆": "阅读区",
    "书房": "阅读区",
    "书屋": "阅读区",
    "阅读空间": "阅读区",
    "少儿区": "阅读区",
    "儿童区": "阅读区",
    "亲子区": "阅读区",
    "多功能室": "多功能厅",
    "多功能活动室": "多功能厅",
    "阅览区": "阅览室",
}
"""Room words one writer uses for another's (学术报告厅 / 报告厅, 少儿阅览室 / 阅览室)."""


_ROOM_TYPO = re.compile(
    "(?:"
    + "|".join(
        word[:i] + "[^\\W\\d]" + word[i + 1 :]
        for word in sorted(ROOM_WORDS, key=len, reverse=True)
        if len(word) >= 3
        for i in range(len(word))
    )
    + r")(?=\W|$)"
)
"""A room word with one character mistyped (多功能听, 阅揽室): input methods give homophones."""


def room_words(name: str | None) -> list[str]:
    """The room words a venue text names, most specific last ("2楼少儿阅览室" → ["少儿阅览室"])."""
    return _room_words(nfkc(name)) if name else []


def _room_words(text: str) -> list[str]:
    found = _ROOM.findall(text)
    if found:
        return found
    typo = _ROOM_TYPO.search(text)
    if typo is None:
        return []
    word = typo.group(0)
    kinds = {
        ROOM_FAMILIES.get(w, w)
        for w in ROOM_WORDS
        if len(w) == len(word) and sum(a != b for a, b in zip(w, word, strict=True)) == 1
    }
    return list(kinds) if len(kinds) == 1 else []  # 阅揽区: 阅览区 or 阅读区? no kind, rather than a guess


def without_room(text: str) -> str:
    """A venue text without its room and floor ("育才小学二楼报告厅" → "育才小学"): the building."""
    return _DROP.sub("", _FLOOR.sub("", _ROOM.sub("", _FLOOR_NOTE.sub("", text))))


_ROOM_END = re.compile(r"[室区厅角廊间馆]$")


def rooms_alike(a: str, b: str) -> bool:
    """Two kinds of room that may be one room written two ways: the same kind, or kinds whose
    names share a character once the word for a room is dropped (借阅室 / 阅览室 / 阅读区, 活动室 /
    多功能活动区) — a small library has one room for reading, whatever each writer calls it."""
    if a == b:
        return True
    return bool(set(_ROOM_END.sub("", a)) & set(_ROOM_END.sub("", b)))


_MULTIPURPOSE = frozenset({"活动室", "多功能厅", "多功能室", "多功能活动室", "读者活动室", "活动区", "会议室"})


def multipurpose(a: str, b: str) -> bool:
    """Two names of the room a branch holds its activities in (活动室, 多功能室, 多功能厅): a co-host
    calls it its own way.  Weaker than :func:`rooms_alike`: one library's two such rooms, or two
    branches' each, are as likely."""
    return a in _MULTIPURPOSE and b in _MULTIPURPOSE


def room_type(name: str | None) -> str | None:
    """The kind of room a venue text names ("三楼多功能厅" → 多功能厅, a typo "多功能听" too), or None
    (an address, a name)."""
    if not name:
        return None
    found = _room_words(nfkc(name))
    if found:
        return ROOM_FAMILIES.get(found[-1], found[-1])
    unlisted = _UNLISTED_KIND.search(_DROP.sub("", _FLOOR_NOTE.sub("", nfkc(name))))
    return unlisted.group(0) if unlisted else None  # "读书会客厅" → 会客厅


_FLOOR_NUMBER = re.compile(
    r"([0-9一二三四五六七八九十]+|负[0-9一二三]|地下[0-9一二三]?)\s*(?:楼|层|f(?![a-z]))", re.IGNORECASE
)
_FLOOR_BEFORE = re.compile(_FLOOR_NUMBER.pattern + r"\s*[^\W\d楼层]{0,4}\s*$", re.IGNORECASE)
_FLOOR_AFTER = re.compile(r"^\s*[(（]?\s*" + _FLOOR_NUMBER.pattern, re.IGNORECASE)
_FLOOR_ROOM = re.compile(_FLOOR_NUMBER.pattern + r"\s*[^\W\d楼层]{1,5}\s*(?:$|[(（])", re.IGNORECASE)
_DIGITS = {c: str(i) for i, c in enumerate("零一二三四五六七八九")}


def floor(name: str | None) -> str | None:
    """The floor of the room a venue text names ("三楼多功能厅", "多功能厅(3楼)" → "3"), or None: a
    floor in an address ("街道办事处三楼") is not a room's."""
    if not name:
        return None
    text = nfkc(name)
    room = None
    for room in _ROOM.finditer(text):  # noqa: B007 - the last room word counts
        pass
    if room is None:
        room = _ROOM_TYPO.search(text)
    if room is not None:
        found = _FLOOR_BEFORE.search(text[: room.start()]) or _FLOOR_AFTER.match(text[room.end() :])
    else:  # a room the words above do not know ("一楼故事屋", "一楼大听"): a floor, then a short name, at the end
        found = _FLOOR_ROOM.search(text)
    if found is None:
        return None
    text = re.sub(r"([一二三四五六七八九])\1+", r"\1", found.group(1))  # "二二楼": a doubled keystroke
    return "".join(_DIGITS.get(c, c) for c in text) if text != "十" else "10"


_ADMIN_UNIT = re.compile(r"^[^市区县\W]{1,5}?([市区县])(?=[^\W\d]{2,4}$)")
"""The administrative unit before a short own name ("岚州市" of 岚州市少儿): "市少儿馆" for its library."""
_ADMIN_HEAD = re.compile(r"^[^市区县镇乡\W]{1,5}?(?:市|区|县|镇|乡|街道)(?=.{3,})")
"""A leading administrative unit ("桐川市", "河阳区", "龙门镇", "北关街道"): writers drop the ones
everybody in the city knows ("明湖区图书馆" for 桐川市明湖区图书馆, "上河村农家书屋")."""
_STREET = re.compile(r"([^\W\d市区县镇乡街道]{1,6}?(?:路|街|大道|巷))\d")
"""The street of an address ("文昌路150号" → 文昌路): a branch is often called by it (文昌路分馆)."""
_KIND_SHORT = (("城市书房", "书房"), ("农家书屋", "书屋"), ("社区书屋", "书屋"), ("少年儿童", "少儿"))
_GENERIC_NAMES = frozenset(
    {"图书馆", "分馆", "书房", "城市书房", "书屋", "农家书屋", "社区书屋", "书吧", "自助图书馆", "少儿馆", "总馆"}
    | {"文化站", "综合文化站", "文化中心", "图书室", "服务点", "流动图书车"}
)


def _admin_tails(text: str) -> list[str]:
    """``text`` and what remains as its leading administrative units are dropped one by one."""
    out = [text]
    while (found := _ADMIN_HEAD.match(out[-1])) is not None:
        out.append(out[-1][found.end() :])
    return out


def _library_forms(stem: str, *, central: bool = False) -> list[str]:
    """How "<stem>图书馆" is written: 桐川市河阳区图书馆 → 河阳区图书馆, 河阳区图, 河阳区馆,
    河阳图书馆, 河阳图, 河阳馆 (and the city's central library "桐图")."""
    forms: list[str] = []
    tails = _admin_tails(stem)
    for s in tails:
        if not s:
            continue
        forms += [s + "图书馆", s + "图", s + "馆"]
        if s[-1] in "区县市" and len(s) >= 3:
            forms += [s[:-1] + "图书馆", s[:-1] + "图", s[:-1] + "馆"]
            forms += [s[0] + s[-1] + "馆", s[0] + s[-1] + "图"]  # 托克布拉克县 → 托县馆 (two such: neither)
    if len(tails) == 1 and (unit := _ADMIN_UNIT.match(stem)) is not None:  # 岚州市少儿 → 市少儿馆, 民族馆
        own = stem[unit.end() :]
        forms += [prefix + own + kind for prefix in (unit.group(1), "") for kind in ("图书馆", "馆")]
    if central and stem:
        forms.append(stem[0] + "图")  # 国图, 首图, 桐图: the central library by its first character
    elif stem:
        own = _admin_tails(stem)[-1] if len(_admin_tails(stem)) > 1 else ""
        if len(own) >= 3 and own[-1] in "区县":
            forms.append(own[0] + "图")  # 东图, 西图: a district's library by its first character
    return forms


def _place_forms(text: str) -> list[str]:
    """A branch or service point's own part ("北关街道分馆", "湖滨社区书屋") as written: without its
    administrative heads, without the place word (北关分馆, 湖滨书屋), with a short kind (北关书房)."""
    forms: list[str] = []
    for tail in _admin_tails(text):
        forms.append(tail)
        forms.append(_TOWN_SUFFIX.sub("", tail))
        forms.append(_PLACE_WORD.sub("", tail))
    for form in list(forms):
        for long, short in _KIND_SHORT:
            if long in form:
                forms.append(form.replace(long, short))
    return forms


_UNIT_LIBRARY = re.compile(r"(?<![^\W\d])([市区县])(?:图书馆|图|馆)")
"""A library named by its unit only (市馆, 区图书馆, 县图), as a word of its own."""
_CITY = re.compile(r"^([^\W\d]{2,3}?)([市县州盟旗])")
"""The alliance's city and its unit, from the alliance's name (澜州市公共图书馆阅读推广联盟 → 澜州, 市)."""
_SHORT_WORDS = (
    ("实验小学", "实小"),
    ("实验中学", "实中"),
    ("职业技术学院", "职院"),
    ("师范大学", "师大"),
    ("师范学院", "师院"),
    ("少年儿童", "少儿"),
    ("新华书店", "新华"),
)
_AUTONOMOUS = re.compile(r"([^\W\d]{2,3}?)(?:[^\W\d]{1,3}族)+自治([县州旗])")
_NUMBERED_SCHOOL = re.compile(r"第([一二三四五六七八九十]+)(中学|小学)")


def short_form(text: str) -> str:
    """A name as everybody shortens its kind of institution (实验小学 → 实小, 第一中学 → 一中,
    职业技术学院 → 职院)."""
    for long, short in _SHORT_WORDS:
        if long in text:
            text = text.replace(long, short)
    text = _AUTONOMOUS.sub(r"\1\2", text)  # 天桥藏族自治县 → 天桥县
    return _NUMBERED_SCHOOL.sub(lambda m: m.group(1) + m.group(2)[0], text)


def abbreviations(alliance: Alliance) -> dict[str, str]:
    """Names a member goes by, derived from the members' names (never listed by hand): the full
    name; without the administrative units every local knows (桐川市明湖区图书馆 → 明湖区图书馆);
    a "…图书馆" with 图 / 馆 for 图书馆 and without 区 / 县 (明湖区图, 明湖区馆, 明湖图书馆);
    a branch "<parent>图书馆<place>分馆" by its own part (北关街道分馆, 北关分馆), its parent's
    short forms with it (河阳区图北关分馆) and its street (文昌路分馆); a service point without its
    place word or with a short kind (湖滨书屋, 北关书房).  A name two members could go by is
    dropped; the member's address counts as a name too."""
    names: dict[str, set[str]] = {}

    def add(text: str | None, library_id: str, *, shortest: int = 3) -> None:
        text = normalize_venue_text(text or "")
        for form in {text, short_form(text)}:
            if len(form) >= shortest and form not in _GENERIC_NAMES:
                names.setdefault(form, set()).add(library_id)

    found_city = _CITY.match(nfkc(alliance.name))
    city = (found_city.group(1), found_city.group(2)) if found_city else None
    for member in alliance.members:
        name = nfkc(member.name)
        central = member.tier.value == "central"
        add(name, member.id)
        add(name.replace("少年儿童", "少儿"), member.id)
        if name.endswith("分馆") and len(name) >= 8:
            add(name[:-1], member.id)  # "岚山县图书馆青石镇分活动室": the 馆 dropped, a room after it
        bare = re.sub(r"\([^()]*\)", "", name)  # "…自助图书馆（火车站）": the note is no name
        head, library_word, rest = bare.partition("图书馆")
        forms: list[str] = []
        if library_word and not rest:  # "<stem>图书馆"
            forms += _library_forms(head, central=central)
            if city and head == city[0]:  # 澜州图书馆 of 澜州市: 澜州市图书馆, 澜州市图
                forms += _library_forms(head + city[1])
            if "少年儿童" in head:
                forms += _library_forms(head.replace("少年儿童", "少儿"))
        elif library_word:  # "<parent>图书馆<place>分馆"
            own = _place_forms(rest)
            own += [f[:-2] + kind for f in own if f.endswith("分馆") and len(f) >= 4 for kind in ("馆", "图书馆")]
            forms += own
            for parent_form in _library_forms(head):
                forms += [parent_form + o for o in own]
        else:  # "河阳区北关街道城市书房", "西城区河口社区书吧"
            forms += _place_forms(bare)
        if name.endswith("分馆") and member.address:
            street = _STREET.search(nfkc(member.address))
            if street:
                forms.append(street.group(1) + "分馆")
        for form in forms:
            if form.startswith("图书馆") or form.startswith("图") and not form.startswith("图书"):
                continue
            add(form, member.id, shortest=2 if len(form) == 2 and form[-1] == "图" else 3)
        add(member.address, member.id)
        if member.address:  # "解放路201号" for "东城区解放路201号"
            address = nfkc(member.address)
            cut = max(address.rfind(c) for c in "市区县镇")
            if cut >= 0 and len(address) - cut > 5:
                add(address[cut + 1 :], member.id)
        parent = alliance.member(member.parent) if member.parent else None
        if parent is not None and name.startswith(nfkc(parent.name)) and len(name) > len(parent.name) + 2:
            rest = name[len(parent.name) :]
            add(rest, member.id)
            add(_TOWN_SUFFIX.sub("", rest), member.id)
            add(rest.replace("城市书房", "书房"), member.id)
    return {text: next(iter(ids)) for text, ids in names.items() if len(ids) == 1}


PLACE_UNITS = (
    "街道|社区|市|区|县|镇|乡|村|图书分馆|图书馆|图书服务点|服务点|分馆|城市书房|书房|农家书屋|社区书屋|渔村书屋|书屋|综合文化站|文化站|"
    "书吧|驿站"
)
"""What follows a place's own name in a member's name or a venue: an administrative unit or a
kind of library (翠竹 + 社区, 锦里 + 书房, 大坪 + 村)."""
_GENERIC_TAILS = frozenset(
    {"儿童", "少年", "中心", "广场", "公园", "小区", "新城", "新区", "花园", "大厦", "中学", "小学", "学校", "园区"}
)
"""The end of a place name that names no place of its own (职教中心 is not written 中心)."""
_DOUBLED_KIND = re.compile("(文化站|书屋|书房|分馆|图书馆|图书室)\\1")
_KIND_TYPOS = (("文化战", "文化站"), ("书物", "书屋"), ("图书管", "图书馆"), ("书坊", "书房"))
"""Library words mistyped by an input method (homophones): read as meant before a name is looked for."""
_BRANCH_TYPO = re.compile(r"(?<=[^\W\d])分管")
""""城东分管" for 城东分馆, after a name only: "分管1楼" alone says no more typed right (a tier word)."""
_SHOP = re.compile(r"[·・•]\s*([^\W\d]{2,5}?)店$")
"""A chain's shop named after its place (朔川城市书房·鼓楼店)."""
_PLACE_TOKEN = re.compile(rf"([^\W\d]{{2,4}}?)({PLACE_UNITS})")
_PLACE_UNIT = re.compile(rf"(?:{PLACE_UNITS})")
_KIND_FAMILY = {"图书馆": "馆", "分馆": "馆", "文化站": "馆", "服务点": "点", "书屋": "点", "书吧": "点", "驿站": "点"}
"""Kinds of library writers call one member by: a branch is 分馆, 图书馆 or (a town's, housed in it)
文化站; a community's service point is its 书屋; a 城市书房 is a 书房."""
_LIBRARY_KIND = re.compile("图书馆|服务点|分馆|书房|书屋|文化站|书吧|驿站")
_LIBRARY_OR_ROOM = re.compile(
    r"[\s(（\-—·]*(?:图书|图|馆|(?:综合)?文化(?:服务|活动)?(?:中心|站)|党群服务中心|[0-9一二三四五六七八九十]+(?:楼|层|f)|"
    + "|".join(sorted(ROOM_WORDS, key=len, reverse=True))
    + r"|[^\W\d市区县镇乡村路街号]{0,4}(?:室|厅|角|区))",
    re.IGNORECASE,
)
"""After a place's name, what makes it a library's: a library word, the town's or community's
cultural centre (where its library is), a floor, a room."""
_AREA_UNIT = frozenset({"市", "区", "县"})


def own_stems(alliance: Alliance) -> dict[str, str]:
    """Each member's own place name, the last its name gives before a unit or a kind of library
    (锦华街道翠竹社区图书服务点 → 翠竹, 青屏区城市书房·锦里书房 → 锦里, 石门县龙潭镇大坪村农家书屋
    → 大坪): writers name a community's point, a village's 书屋, a street's branch by it with words
    of their own (翠竹社区服务点, 大坪书屋).  Not a city's, district's or county's name (东城区 is
    anywhere in the district; its library is named by the forms of :func:`abbreviations`).  A name
    that is two members' own names none, but with its unit (杏花镇 / 杏花村) each one's."""
    stems: dict[str, set[str]] = {}
    qualified: dict[str, set[str]] = {}
    names = {member.id: nfkc(member.name) for member in alliance.members}
    for member in alliance.members:
        name = re.sub(r"[(（][^()（）]*[)）]", "", names[member.id])
        own, unit_of_own = None, ""
        for part in re.split(r"[·・•\s]", name):
            position = 0
            while (token := _PLACE_TOKEN.match(part, position)) is not None:
                own, unit_of_own, position = token.group(1), token.group(2), token.end()
                while (unit := _PLACE_UNIT.match(part, position)) is not None:
                    position = unit.end()
        shop = _SHOP.search(name)
        if shop is not None:  # 朔川城市书房·鼓楼店: the shop's own name
            own, unit_of_own = shop.group(1), "店"
        if own is not None and unit_of_own not in _AREA_UNIT:  # 东城区: a district, not a building
            stems.setdefault(own, set()).add(member.id)
            qualified.setdefault(own + unit_of_own, set()).add(member.id)
            tail = own[-2:]
            if (
                len(own) >= 4
                and tail not in _GENERIC_TAILS
                and not any(tail in other for lib, other in names.items() if lib != member.id)
            ):
                stems.setdefault(tail, set()).add(member.id)  # 桑干河畔店 written 河畔书房
    found = {stem: next(iter(ids)) for stem, ids in stems.items() if len(ids) == 1}
    for stem, ids in qualified.items():  # 杏花镇 / 杏花村, 望湖社区 / 望湖街道: told by the unit
        if len(ids) == 1:
            found.setdefault(stem, next(iter(ids)))
    return found


@dataclass(frozen=True, slots=True)
class Site:
    library_id: str
    named: bool
    """Named in the venue (a directory room, the library's name, an abbreviation, its address),
    not assumed from who wrote the announcement."""
    known: bool = True
    """False: the venue is an address or place no member has in the alliance file — the site is
    the host's only for finding candidates, and says nothing about the place."""

    @property
    def key(self) -> str:
        """``s:<library>`` named, ``w:<library>`` assumed or unknown (which of the two, the venue
        text tells again: :func:`assumed_at_home`; one key fewer to look up per library)."""
        return f"{'s' if self.named else 'w'}:{self.library_id}"


SITE_PREFIXES = ("s", "w")


def parse_site(key: str, venue_text: str = "") -> Site | None:
    """The site a key names; ``venue_text`` (cleaned) tells an assumed site from an unknown one."""
    if key[:2] == "s:":
        return Site(key[2:], True)
    if key[:2] == "w:":
        return Site(key[2:], False, assumed_at_home(venue_text))
    return None


_PLACEHOLDER = re.compile(
    r"^(?:详见|见|参见|请见|具体(?:见|以)?)?(?:海报|通知|详情|活动详情|推文|报名链接|群内?通知|原文)(?:为准)?$"
    r"|^(?:地点)?(?:待定|另行通知|另定|待通知)$"
)
"""A venue that says where to look, not where it is ("详见海报", "地点待定")."""


def is_placeholder(text: str) -> bool:
    """Whether a (cleaned) venue text names no place, only where to find it (:data:`_PLACEHOLDER`)."""
    return bool(_PLACEHOLDER.match(_DROP.sub("", text)))


_ONLINE = re.compile(
    r"线上|在线|云端|云上|直播|视频号|公众号|抖音|快手|b站|bilibili|哔哩哔哩|腾讯会议|钉钉|zoom|小程序|微信群|网络|online|live"
)
"""Words of a venue that is a channel, not a place ("线上（抖音直播间）", "微信视频号「岚州市图书馆」",
"B站直播间", "腾讯会议")."""


def is_online(text: str) -> bool:
    """A venue that names an online channel and no room or floor of a building ("报告厅（同步直播）"
    is a place)."""
    return bool(_ONLINE.search(text)) and not _ROOM.search(text) and not _FLOOR.search(text)


def assumed_at_home(text: str) -> bool:
    """A venue text that names no place (nothing, a room, online): the host's own building."""
    return not text or is_online(text) or _is_room_words(text)


_FLOOR = re.compile(r"[0-9一二三四五六七八九十负地下]+(?:楼|层|f)|[东西南北]侧|[东西南北]区")


_ROOM_QUALIFIER = re.compile(r"少儿|儿童|亲子|视障|盲人|数字|电子|老年|青少年|绘本|读者|共享|公共|学术|小|大")
"""Words that say whom or what a room is for (少儿借阅区, 视障阅览室, 读者活动室, 小剧场)."""


def _is_room_words(text: str) -> bool:
    """Only room words (one may be mistyped), floors and punctuation ("三楼多功能厅", "报告厅（一楼）")."""
    rest = _DROP.sub("", _ROOM_QUALIFIER.sub("", _ROOM.sub("", _FLOOR.sub("", text))))
    return not rest or not _DROP.sub("", _ROOM_TYPO.sub("", rest)) or bool(_UNLISTED_ROOM.fullmatch(rest))


_UNLISTED_ROOM = re.compile(r"[^\W\d市区县镇乡村路街号馆院校园]{1,5}(?:厅|室|角|廊)")
"""A room no list knows ("读书会客厅", "星空阅读角"): a few words ending in a room's word, no place word."""
_UNLISTED_KIND = re.compile(r"[^\W\d楼层]{2}(?:厅|室|角|廊)$")


_SERIES_COUNT = re.compile(r"共([0-9]+|[一二三四五六七八九十]+)[期讲次场课]")


def series_count(key: str) -> int | None:
    """How many sessions a title says its series has ("（共4期）" → 4), if it says."""
    found = _SERIES_COUNT.search(key)
    return int(number(found.group(1))) if found else None


_INSTITUTION = re.compile(
    r"小学|中学|幼儿园|学院|大学|学校|[一二三四五六七八九十]中|实小|职校|敬老院|养老院|医院|卫生院"
)
_ADDRESS = re.compile(r"[路街巷道]\s*[0-9一二三四五六七八九十]+\s*号|[0-9]+号")
_GENERIC_UNIT = re.compile(r"^[县市区]")


def names_institution(text: str) -> bool:
    """Whether a venue text names a school, a home or a hospital (an outside place)."""
    return bool(_INSTITUTION.search(text))


def is_address(text: str) -> bool:
    """Whether a venue text is a street address ("人民路60号")."""
    return bool(_ADDRESS.search(text))


def without_unit(text: str) -> str:
    """A place text without a leading 县 / 市 / 区 standing for the writer's own ("县一中")."""
    return _GENERIC_UNIT.sub("", text)
