"""A realistic alliance and what its members publish, the same for the same seed (issue 23).

    python -m bench.workload --n 20000 [--seed 23] [--first-year 2024] [--config alliance.toml] [--jsonl out.jsonl]

The pipeline benchmark once published one library's plain rows over the demo's 30 members: one
activity every three hours, no co-hosts, no series, no brands, no revisions.  That flattered
every stage (dedup compared nothing, the brands and quotas projections had nothing to link).
This module gives what an alliance of the issue's size sends instead:

* **the alliance** (:func:`realistic_alliance`, :func:`write_alliance` for ``up --config``):
  321 members in a tree — the central library, 20 district/county libraries (the demo's five
  and fifteen more), their branches and service points; 30 brands (一馆一品: the demo's 15 and
  15 more, one led by a branch; four heads have none); the demo's campaigns, quota rules,
  audiences, plan periods and coordinators carried over unchanged; the heads' rooms in the
  venue directory;
* **the messages** (:func:`messages`): ``n`` messages in log order over three calendar years —
  announcements (``ActivitySubmission``), their revisions, and attendance reports
  (``AttendanceReport`` on ``shuxiang.activity.reported.<id>``).  Of the activities, ~10 % are
  co-hosted and announced separately by *each* co-host (its own ``source_ref``, the host's time
  and room, the title worded a little differently, the room often typed without its directory
  id); ~5 % are weekly series (``recurrence``, some with a session left out in ``exdates``);
  ~14 % are brand sessions (``brand_id``, the brand's name in the title and tags); inside a
  campaign's window most carry its ``campaign_id``; heads flag some as featured (特色活动).
  ~6 % are revised later (a new time, a new title, or cancelled), by the host and often by its
  co-hosts too; a tenth of the held ones get an attendance report after they end.
  Activities fall on weekends more than weekdays, in April (4·23 World Book Day week the peak)
  and the summer holidays more than other months; members announce them 1–45 days ahead in
  office hours (mostly weekdays, 9–11 and 14–16), which sets the log order.

Every announcement passes ``ActivitySubmission`` validation and the alliance's checks (members,
organizers, brands, venues, campaign windows: ``shuxiang.admission``): tests/unit/test_bench_workload.py.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import tomllib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from importlib import resources
from itertools import accumulate
from pathlib import Path
from typing import Any

from shuxiang.alliance import LARGE_SERIES_TAG, Alliance, Member, Tier, parse_alliance
from shuxiang.demo.activities import (
    ACCESSIBILITY,
    AUDIENCE_SIZES,
    AUDIENCES,
    BOOKS,
    BRANCH_WEIGHTS,
    CAMPAIGN_THEMES,
    CHILDREN,
    CLASSICS,
    CONTESTS,
    DEFAULT_STARTS,
    DIGITAL,
    EXHIBITIONS,
    FILMS,
    HEAD_WEIGHTS,
    LOCAL_TOPICS,
    OTHER,
    OUTREACH_PLACES,
    OUTREACH_TARGETS,
    OUTREACH_WHAT,
    PARENT_CHILD,
    PICTURE_BOOKS,
    POINT_WEIGHTS,
    SALONS,
    SPEAKERS,
    START_TIMES,
    TOPICS,
    TRAININGS,
    VENUE_HINTS,
)
from shuxiang.schemas.submission import Category

DEFAULT_SEED = 23
MEMBERS = 321
YEARS = 3

CO_HOSTED = 0.10
SERIES = 0.05
BRAND_LINKED = 0.14
REVISED = 0.06
REPORTED = 0.10
FEATURED = 0.10
CAMPAIGN_CLAIMED = 0.6

HEAD_TIERS = {Tier.central, Tier.district, Tier.county}

# -- the alliance ------------------------------------------------------------------------

NEW_HEADS = [  # (id, name, region, tier, the short name its rooms' aliases use)
    ("bl", "碑林区图书馆", "陕西省西安市碑林区", "district", "碑图"),
    ("yt", "雁塔区图书馆", "陕西省西安市雁塔区", "district", "雁图"),
    ("hy", "槐荫区图书馆", "山东省济南市槐荫区", "district", "槐图"),
    ("lx", "历下区图书馆", "山东省济南市历下区", "district", "历图"),
    ("wj", "吴江区图书馆", "江苏省苏州市吴江区", "district", "吴图"),
    ("ks", "昆山市图书馆", "江苏省昆山市", "county", "昆图"),
    ("yw", "义乌市图书馆", "浙江省义乌市", "county", "义图"),
    ("ax", "安溪县图书馆", "福建省泉州市安溪县", "county", "溪图"),
    ("lyy", "浏阳市图书馆", "湖南省浏阳市", "county", "浏图"),
    ("yx", "越秀区图书馆", "广东省广州市越秀区", "district", "越图"),
    ("sd", "顺德区图书馆", "广东省佛山市顺德区", "district", "顺图"),
    ("jj", "江津区图书馆", "重庆市江津区", "district", "江图"),
    ("wh", "武侯区图书馆", "四川省成都市武侯区", "district", "武图"),
    ("dc", "东城区图书馆", "北京市东城区", "district", "东图"),
    ("hp", "黄浦区图书馆", "上海市黄浦区", "district", "黄图"),
]

NEW_BRANDS = [  # (id, name, owner, category, description)
    ("bl-jiangtan", "碑林讲坛", "bl", "lecture", "碑林区图书馆公益讲座品牌：碑石书法、长安历史与经典阅读。"),
    ("hy-qinzi", "槐荫亲子悦读汇", "hy", "parent_child", "面向低幼儿童家庭的亲子共读与绘本剧场。"),
    ("lx-quancheng", "泉城书香大讲堂", "lx", "lecture", "历下区图书馆主办的泉城文化系列讲座。"),
    ("wj-chuihong", "垂虹少儿故事会", "wj", "children", "每周末为少年儿童讲故事、做手工。"),
    ("ks-malasong", "昆山阅读马拉松", "ks", "festival", "全城接力阅读活动，含共读、征文与阅读打卡。"),
    ("yw-houniao", "小候鸟阅读营", "yw", "children", "为来义乌过暑假的务工人员子女开设的阅读营。"),
    ("ax-chaxiang", "茶乡书香讲座", "ax", "lecture", "茶文化与地方历史讲座，走进茶园与乡镇。"),
    ("lyy-liuyanghe", "浏阳河读书会", "lyy", "reading_club", "每月一书的读者共读会。"),
    ("yx-shuyuan", "越秀书院讲坛", "yx", "lecture", "依托书院旧址的岭南文化讲座。"),
    ("sd-feiyi", "顺德非遗阅读课", "sd", "outreach", "把粤剧、龙舟、醒狮等非遗阅读课送进社区和学校。"),
    ("jj-tongsheng", "江津童声诵读", "jj", "contest", "中小学生经典诵读比赛。"),
    ("wh-sanguo", "武侯三国文化讲堂", "wh", "lecture", "三国文化与蜀地历史讲座。"),
    ("wh-tingshu", "锦官城听书会", "wh", "accessibility", "为视障读者开设的听书与口述影像活动。"),
    ("dc-yuedu", "东城阅读季", "dc", "festival", "一年一季的全区阅读推广季。"),
    ("jlp-shuyou", "谢家湾社区书友会", "jlp-b01", "reading_club", "分馆牵头的社区书友共读会。"),
]

TOWNS = [
    "城关镇",
    "新华街道",
    "东风街道",
    "长安街道",
    "南湖街道",
    "北关街道",
    "西城街道",
    "东关街道",
    "朝阳街道",
    "建设街道",
    "人民路街道",
    "解放街道",
    "文化街道",
    "和平街道",
    "光明街道",
    "青年路街道",
    "滨河街道",
    "花园街道",
    "五里堡街道",
    "桥东街道",
    "桥西街道",
    "前进街道",
    "胜利街道",
    "红旗街道",
    "兴隆镇",
    "太平镇",
    "柳河镇",
    "白沙镇",
    "石桥镇",
    "龙泉镇",
    "清水镇",
    "马家镇",
    "永安镇",
    "新店镇",
    "大营镇",
    "三河镇",
    "双龙镇",
    "金山镇",
    "杨柳镇",
    "高桥镇",
]
POINT_KINDS = [
    "农家书屋",
    "社区书吧",
    "中心小学服务点",
    "企业职工书屋",
    "老年大学服务点",
    "24小时自助图书馆",
    "军营服务点",
]

EXTRA_TOPICS = {
    "碑林": ["碑林石刻与书法之美", "长安城的坊市生活"],
    "雁塔": ["玄奘与大雁塔", "唐诗里的长安"],
    "济南": ["泉城七十二名泉", "李清照与辛弃疾"],
    "苏州": ["江南运河与吴江丝绸", "苏州园林里的诗文"],
    "昆山": ["昆曲六百年", "顾炎武与亭林精神"],
    "义乌": ["鸡毛换糖的故事", "义乌小商品与世界"],
    "安溪": ["铁观音的前世今生", "安溪茶歌"],
    "浏阳": ["浏阳花炮的历史", "谭嗣同与浏阳"],
    "广州": ["岭南书院文化", "广府民俗"],
    "佛山": ["粤剧入门", "顺德美食文化"],
    "江津": ["聂荣臻与江津", "长江边的古镇"],
    "成都": ["三国蜀汉人物谈", "川剧变脸的秘密"],
    "北京": ["胡同里的老北京", "中轴线申遗故事"],
    "上海": ["外滩建筑的故事", "海派文化与城市阅读"],
}
SERIES_TITLES = [
    (Category.parent_child, "周六绘本时光", time(10, 0)),
    (Category.screening, "周末公益电影", time(14, 30)),
    (Category.reading_club, "周三晚间读书会", time(19, 0)),
    (Category.children, "少儿英语绘本角", time(9, 30)),
    (Category.training, "老年人智能手机课堂", time(9, 30)),
    (Category.lecture, "周末国学课", time(14, 0)),
    (Category.children, "小小朗读者训练营", time(15, 0)),
]
COHOST_WORDING = [
    "{t}",
    "{t}（联办）",
    "【活动预告】{t}",
    "{host}{t}",
    "{t}（与{host}联合举办）",
]


def _demo_document() -> dict[str, Any]:
    return tomllib.loads(resources.files("shuxiang.demo").joinpath("alliance.toml").read_text(encoding="utf-8"))


def alliance_document(seed: int = DEFAULT_SEED, members: int = MEMBERS) -> dict[str, Any]:
    """The realistic alliance as the TOML file's tables (``[alliance]``, ``[[members]]``, …)."""
    rng = random.Random(seed)
    document = _demo_document()
    document["alliance"] = {
        **document["alliance"],
        "id": "shuxiang-bench",
        "name": "书香联盟（321馆）",
        "name_en": "Shuxiang Reading Alliance (321 members, benchmark)",
    }
    tree: list[dict[str, Any]] = list(document["members"])
    venues: list[dict[str, Any]] = list(document["venues"])
    for ident, name, region, tier, short in NEW_HEADS:
        tree.append({"id": ident, "name": name, "tier": tier, "parent": "ccl", "region": region, "address": region})
        venues += [
            {"id": f"{ident}-hall", "library_id": ident, "name": f"{name}报告厅", "aliases": [f"{short}报告厅"]},
            {"id": f"{ident}-kids", "library_id": ident, "name": f"{name}少儿阅览室", "aliases": [f"{short}少儿室"]},
            {"id": f"{ident}-expo", "library_id": ident, "name": f"{name}展厅", "aliases": [f"{short}展厅"]},
            {"id": f"{ident}-room", "library_id": ident, "name": f"{name}多功能厅", "aliases": [f"{short}多功能厅"]},
        ]
        venues[-4]["capacity"], venues[-3]["capacity"], venues[-1]["capacity"] = (
            rng.choice([150, 200, 300]),
            rng.choice([40, 60, 80]),
            rng.choice([60, 100]),
        )
    heads = [m for m in tree if m["tier"] in ("district", "county")]
    taken = {m["id"] for m in tree}
    towns_left = {h["id"]: rng.sample(TOWNS, len(TOWNS)) for h in heads}
    serial: Counter[str] = Counter()
    index = 0
    while len(tree) < members:
        head = heads[index % len(heads)]
        index += 1
        town = towns_left[head["id"]].pop()
        district = head["name"].removesuffix("图书馆")
        branches = [m for m in tree if m.get("parent") == head["id"] and m["tier"] == "branch"]
        if len(branches) < 3 or rng.random() < 0.45:
            kind, name, parent = "branch", f"{head['name']}{town}分馆", head["id"]
        else:
            kind, parent = "service_point", rng.choice([head["id"], *[b["id"] for b in branches]])
            name = f"{district}{town}{rng.choice(POINT_KINDS)}"
        letter = "b" if kind == "branch" else "sp"
        ident = ""
        while not ident or ident in taken:
            serial[(head["id"], letter)] += 1
            ident = f"{head['id']}-{letter}{serial[(head['id'], letter)]:02d}"
        taken.add(ident)
        tree.append({"id": ident, "name": name, "tier": kind, "parent": parent, "region": f"{head['region']}{town}"})
    brands = list(document["brands"])
    for ident, name, owner, category, description in NEW_BRANDS:
        children = [m["id"] for m in tree if m.get("parent") == owner]
        brand: dict[str, Any] = {
            "id": ident,
            "name": name,
            "library_id": owner,
            "since": rng.randint(2012, 2023),
            "category": category,
            "description": description,
            "keywords": [name],
        }
        if children:
            brand["partners"] = sorted(rng.sample(children, k=min(len(children), rng.randint(1, 3))))
        brands.append(brand)
    document["members"], document["venues"], document["brands"] = tree, venues, brands
    return document


def alliance_toml(seed: int = DEFAULT_SEED, members: int = MEMBERS) -> str:
    """The realistic alliance as an alliance file (``shuxiang up --config``)."""
    document = alliance_document(seed, members)
    lines = [
        "# The realistic benchmark alliance of bench/workload.py (written by it; the demo's campaigns,",
        "# quota rules, audiences, plan periods and coordinators carried over).",
        "",
        "[alliance]",
    ]
    lines += [f"{_key(k)} = {_value(v)}" for k, v in document["alliance"].items()]
    for table, entries in document.items():
        if table == "alliance":
            continue
        for entry in entries:
            lines += ["", f"[[{table}]]"]
            lines += [f"{_key(k)} = {_value(v)}" for k, v in entry.items()]
    return "\n".join(lines) + "\n"


def _key(key: Any) -> str:
    text = str(key)
    return text if text and all(c.isascii() and (c.isalnum() or c in "-_") for c in text) else json.dumps(text)


def _value(value: Any) -> str:
    """A TOML value: JSON's string escapes are TOML's basic-string escapes."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"no TOML for {value!r}")


def realistic_alliance(seed: int = DEFAULT_SEED, members: int = MEMBERS) -> Alliance:
    """The realistic alliance, read back from its file text (what ``up --config`` gets)."""
    return parse_alliance(alliance_toml(seed, members), source="bench/workload.py")


def write_alliance(path: str | Path, seed: int = DEFAULT_SEED, members: int = MEMBERS) -> Path:
    """Write the alliance file for ``shuxiang up --config PATH``; returns the path."""
    path = Path(path)
    path.write_text(alliance_toml(seed, members), encoding="utf-8")
    return path


# -- the messages --------------------------------------------------------------------------

Message = tuple[str, str, bytes]
"""(subject, Nats-Msg-Id, payload) as ``Publisher.publish_many`` takes them."""

PUBLISH_HOURS = {8: 3, 9: 8, 10: 10, 11: 8, 12: 2, 13: 3, 14: 8, 15: 9, 16: 8, 17: 5, 18: 2, 19: 2, 20: 2, 21: 1}
TIER_RATE = {Tier.central: 8.0, Tier.district: 4.0, Tier.county: 4.0, Tier.branch: 1.0, Tier.service_point: 0.4}
"""Activities a member hosts, relative to a branch's."""
MULTI_DAY = {Category.exhibition, Category.festival}


@dataclass
class _Activity:
    host: Member
    category: Category
    title: str
    starts_at: datetime
    ends_at: datetime
    venue: dict[str, Any]
    brand_id: str | None = None
    campaign_id: str | None = None
    featured: bool = False
    recurrence: str | None = None
    exdates: list[datetime] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    description: str | None = None
    audience: str | None = None
    capacity: int | None = None
    cohosts: list[Member] = field(default_factory=list)


class _Writer:
    """Draws activities and turns each into its messages, with their publication times."""

    def __init__(self, alliance: Alliance, seed: int, first_year: int) -> None:
        self.alliance = alliance
        self.rng = random.Random(seed)
        self.tz = alliance.tz
        self.members = list(alliance.members)
        self.member_weights = list(accumulate(TIER_RATE[m.tier] for m in self.members))
        first, last = date(first_year, 1, 1), date(first_year + YEARS - 1, 12, 31)
        self.days = [first + timedelta(days=d) for d in range((last - first).days + 1)]
        self.day_weights = list(accumulate(self._day_weight(d, first_year) for d in self.days))
        self.last_day = last
        self.serial: Counter[str] = Counter()
        self.booked: set[tuple[str, str, datetime]] = set()
        self.brands = list(alliance.brands)
        self.sequence = 0

    @staticmethod
    def _day_weight(day: date, first_year: int) -> float:
        weight = 1.0 + 0.1 * (day.year - first_year)  # a little more each year
        if day.weekday() >= 5:
            weight *= 2.2
        if day.month == 4:
            weight *= 1.6
            if 20 <= day.day <= 26:  # 4·23 World Book Day week
                weight *= 4.0
        if day.month in (7, 8):
            weight *= 1.3
        if day.month == 2 and day.day <= 15:  # around the Spring Festival many rooms close
            weight *= 0.5
        return weight

    # -- one activity ------------------------------------------------------------------

    def activity(self) -> _Activity:
        rng = self.rng
        draw = rng.random()
        if draw < BRAND_LINKED:
            activity = self.brand_session()
        elif draw < BRAND_LINKED + SERIES:
            activity = self.series()
        else:
            activity = self.plain()
        if activity.host.tier in HEAD_TIERS and not activity.recurrence and rng.random() < FEATURED:
            activity.featured = True
            activity.tags.append("特色活动")
        if rng.random() < CO_HOSTED:
            activity.cohosts = self.cohosts_of(activity)
        return activity

    def pick_member(self) -> Member:
        return self.rng.choices(self.members, cum_weights=self.member_weights)[0]

    def pick_day(self) -> date:
        return self.rng.choices(self.days, cum_weights=self.day_weights)[0]

    def plain(self) -> _Activity:
        rng, member = self.rng, self.pick_member()
        weights = HEAD_WEIGHTS if member.tier in HEAD_TIERS else BRANCH_WEIGHTS
        if member.tier == Tier.service_point:
            weights = POINT_WEIGHTS
        category = rng.choices(list(weights), weights=list(weights.values()))[0]
        day = self.pick_day()
        campaign = next((c for c in self.alliance.campaigns if c.covers(day)), None)
        title = self.title(member, category)
        if campaign is not None and rng.random() < CAMPAIGN_CLAIMED:
            categories, templates = CAMPAIGN_THEMES.get(campaign.id, ([category], [f"{campaign.name}·{{x}}"]))
            category = rng.choice(categories)
            title = rng.choice(templates).format(x=self.title(member, category).replace("：", "·"))
        else:
            campaign = None
        activity = self.build(member, category, title, day)
        if campaign is not None and campaign.covers(activity.starts_at.date()):
            activity.campaign_id = campaign.id
            activity.tags.append(campaign.name)
        return activity

    def brand_session(self) -> _Activity:
        rng = self.rng
        brand = rng.choice(self.brands)
        day = self.pick_day()
        host = self.alliance.member(brand.lead_in(day.year))
        if brand.partners and rng.random() < 0.25:  # a partner holds this session
            host = self.alliance.member(rng.choice(brand.partners))
        assert host is not None
        category = brand.category
        if category == Category.festival:  # the festival's own sessions: readings and talks
            category = rng.choice([Category.reading_club, Category.lecture, Category.contest])
            title = f"{brand.name}·{self.title(host, category)}"
        else:
            title = self.brand_title(brand.name, category, host)
        activity = self.build(host, category, title, day)
        activity.brand_id = brand.id
        activity.tags.append(brand.name)
        activity.description = brand.description
        if brand.category in (Category.festival, Category.reading_club) and rng.random() < 0.1:
            activity.tags.append(LARGE_SERIES_TAG)
        return activity

    def series(self) -> _Activity:
        rng = self.rng
        member = self.pick_member()
        while member.tier == Tier.service_point:
            member = self.pick_member()
        category, name, at = rng.choice(SERIES_TITLES)
        count = rng.choice([4, 6, 8, 10, 12])
        activity = self.build(member, category, name, self.pick_day(), at=at)
        activity.recurrence = f"FREQ=WEEKLY;COUNT={count}"
        skipped = sorted(rng.sample(range(1, count), k=rng.randint(0, 2)))
        activity.exdates = [activity.starts_at + timedelta(weeks=k) for k in skipped]
        activity.description = f"每周一次，共{count}期" + (
            f"；第{'、'.join(str(k + 1) for k in skipped)}期暂停。" if skipped else "。"
        )
        return activity

    def build(self, member: Member, category: Category, title: str, day: date, at: time | None = None) -> _Activity:
        rng = self.rng
        venue, capacity = self.venue(member, category, title)
        for _ in range(20):  # one activity per room and hour: move to another day if it is taken
            weekday, weekend = START_TIMES.get(category, DEFAULT_STARTS)
            starts = datetime.combine(day, at or rng.choice(weekend if day.weekday() >= 5 else weekday), self.tz)
            key = (member.id, venue["name"], starts)
            if key not in self.booked:
                break
            day = min(day + timedelta(days=rng.randint(1, 3)), self.last_day)
            at = None
        self.booked.add(key)
        if category in MULTI_DAY:
            starts = starts.replace(hour=9, minute=0)
            last = min(day + timedelta(days=rng.choice([3, 7, 10, 14]) - 1), self.last_day)
            ends = datetime.combine(last, time(17, 0), self.tz)
        else:
            hours = 3 if category in (Category.contest, Category.training) else rng.choice([1, 1.5, 2])
            ends = starts + timedelta(hours=hours)
        return _Activity(
            host=member,
            category=category,
            title=title,
            starts_at=starts,
            ends_at=ends,
            venue=venue,
            capacity=capacity,
            audience=AUDIENCES.get(category, "社会公众"),
            description=f"{member.name}主办。",
        )

    def venue(self, member: Member, category: Category, title: str) -> tuple[dict[str, Any], int | None]:
        rng = self.rng
        if category == Category.outreach:
            named = [t for t in OUTREACH_TARGETS if f"进{t}" in title]
            target = named[0] if named else rng.choice(OUTREACH_TARGETS)
            return {"name": f"{_locality(member)}{OUTREACH_PLACES[target]}"}, None
        if category == Category.digital and rng.random() < 0.5:
            return {"name": "线上直播", "online_url": f"https://live.example.org/{member.id}"}, None
        rooms = self.alliance.venues_of(member.id)
        hints = VENUE_HINTS.get(category, ())
        fitting = [v for v in rooms if any(h in v.name for h in hints)] or rooms
        if fitting:
            room = rng.choice(fitting)
            address = room.address or member.address
            return {"venue_id": room.id, "name": room.name, **({"address": address} if address else {})}, room.capacity
        suffix = "阅览室" if member.tier == Tier.branch else ""
        return {"name": f"{member.name}{suffix}", **({"address": member.address} if member.address else {})}, None

    def cohosts_of(self, activity: _Activity) -> list[Member]:
        """Its parent or children, or another head library: one or two."""
        alliance, host = self.alliance, activity.host
        near = [*alliance.children(host.id), *([host.parent] if host.parent else [])]
        if activity.brand_id:
            brand = alliance.brand(activity.brand_id)
            near = [p for p in [*(brand.partners if brand else []), brand.library_id if brand else ""] if p] or near
        near = [n for n in dict.fromkeys(near) if n != host.id]
        if not near:
            near = [m.id for m in self.members if m.tier in (Tier.district, Tier.county) and m.id != host.id]
        chosen = self.rng.sample(near, k=min(len(near), self.rng.choice([1, 1, 1, 2])))
        return [m for m in (alliance.member(c) for c in chosen) if m is not None]

    # -- titles ------------------------------------------------------------------------

    def topic(self, member: Member) -> str:
        where = member.region or member.name
        local = [t for key, topics in {**LOCAL_TOPICS, **EXTRA_TOPICS}.items() if key in where for t in topics]
        return self.rng.choice(local) if local and self.rng.random() < 0.5 else self.rng.choice(TOPICS)

    def title(self, member: Member, category: Category) -> str:
        r = self.rng
        pb, book, film, classic = r.choice(PICTURE_BOOKS), r.choice(BOOKS), r.choice(FILMS), r.choice(CLASSICS)
        match category:
            case Category.lecture:
                return f"公益讲座：{self.topic(member)}"
            case Category.reading_club:
                return r.choice([f"读书会·共读{book}", f"新书推荐：{book}", f"“悦读”分享会：{book}"])
            case Category.salon:
                return f"读书沙龙：{r.choice(SALONS)}"
            case Category.exhibition:
                return r.choice(EXHIBITIONS)
            case Category.children:
                return r.choice(CHILDREN).format(pb=pb, classic=classic)
            case Category.parent_child:
                return r.choice(PARENT_CHILD).format(pb=pb)
            case Category.contest:
                return r.choice(CONTESTS)
            case Category.training:
                return r.choice(TRAININGS)
            case Category.outreach:
                return f"图书馆服务进{r.choice(OUTREACH_TARGETS)}：{r.choice(OUTREACH_WHAT)}"
            case Category.screening:
                return f"周末公益电影：{film}"
            case Category.digital:
                return f"数字阅读推广：{r.choice(DIGITAL)}"
            case Category.accessibility:
                return r.choice(ACCESSIBILITY).format(film=film)
            case Category.festival:
                return f"{_locality(member)}全民阅读节"
            case _:
                return r.choice(OTHER)

    def brand_title(self, name: str, category: Category, owner: Member) -> str:
        r = self.rng
        match category:
            case Category.lecture:
                return f"{name}：{self.topic(owner)}"
            case Category.reading_club | Category.salon:
                return r.choice(
                    [f"{name}·共读{r.choice(BOOKS)}", f"“{name}”读书分享会", f"{name}：{r.choice(CLASSICS)}导读"]
                )
            case Category.parent_child | Category.children:
                return f"{name}·绘本共读{r.choice(PICTURE_BOOKS)}"
            case Category.exhibition:
                return f"{name}：{_locality(owner)}摄影作品展"
            case Category.contest:
                return f"“{name}”比赛"
            case Category.accessibility:
                return f"{name}：{r.choice(ACCESSIBILITY).format(film=r.choice(FILMS))}"
            case Category.outreach:
                return f"{name}·{r.choice(['送书进社区', '送书进校园', '流动借阅服务'])}"
            case _:
                return f"{name}：{self.topic(owner)}"

    # -- its messages ------------------------------------------------------------------

    def messages_of(self, activity: _Activity) -> list[tuple[datetime, int, Message]]:
        """The activity's messages, in the order they are published: the host's announcement, each
        co-host's own, the revisions, the attendance report (a prefix of them is still consistent)."""
        rng = self.rng
        out: list[tuple[datetime, int, Message]] = []
        organizers = []
        if activity.cohosts:
            organizers = [{"library_id": activity.host.id, "role": "host"}] + [
                {"library_id": m.id, "role": "organiser" if i == 0 else "co_organiser"}
                for i, m in enumerate(activity.cohosts)
            ]
        lead = timedelta(days=rng.choice([1, 2, 3, 5, 7, 7, 10, 14, 14, 21, 30, 45]))
        published = self.office_hours(activity.starts_at - lead)
        host_ref = self.next_ref(activity.host.id, published)
        host_body = self.body(activity, activity.host, host_ref, activity.title, organizers)
        out.append(self.stamp(published, host_body))
        copies = []
        for cohost in activity.cohosts:
            at = min(published + timedelta(hours=rng.uniform(2, 96)), activity.starts_at - timedelta(hours=1))
            wording = rng.choice(COHOST_WORDING).format(t=activity.title, host=activity.host.name)
            body = self.body(activity, cohost, self.next_ref(cohost.id, at), wording[:200], organizers)
            if rng.random() < 0.5:  # co-hosts often type the room's name only
                body["venue"] = {k: v for k, v in body["venue"].items() if k != "venue_id"}
            body["description"] = f"{cohost.name}与{activity.host.name}联合举办。"
            copies.append((at, body))
            out.append(self.stamp(at, body))
        ends_at = activity.ends_at
        if rng.random() < REVISED:
            revised_at = published + (activity.starts_at - published) * rng.uniform(0.3, 0.9)
            change = self.revision(activity)
            out.append(self.stamp(revised_at, change(host_body)))
            for at, body in copies:  # the co-hosts pass the change on, or some of them do
                if rng.random() < 0.5:
                    out.append(self.stamp(max(at, revised_at) + timedelta(hours=rng.uniform(1, 24)), change(body)))
            if change.cancels:
                return out
            ends_at += change.shift
        if rng.random() < REPORTED:
            reported_at = self.office_hours(ends_at + timedelta(days=rng.uniform(0.5, 5)))
            out.append(self.report(reported_at, activity, host_ref))
        return out

    def body(
        self, activity: _Activity, library: Member, ref: str, title: str, organizers: list[dict[str, str]]
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "library_id": library.id,
            "source_ref": ref,
            "revision": 1,
            "title": title,
            "description": activity.description,
            "category": activity.category.value,
            "starts_at": activity.starts_at.isoformat(),
            "ends_at": activity.ends_at.isoformat(),
            "recurrence": activity.recurrence,
            "exdates": [d.isoformat() for d in activity.exdates] or None,
            "venue": dict(activity.venue),
            "organizers": organizers or None,
            "brand_id": activity.brand_id,
            "campaign_id": activity.campaign_id,
            "featured": activity.featured or None,
            "audience": activity.audience,
            "tags": list(activity.tags) or None,
            "capacity": activity.capacity,
        }
        return {k: v for k, v in body.items() if v is not None}

    def revision(self, activity: _Activity) -> _Change:
        """A later revision: cancelled, moved (an hour, a day or a week, inside its campaign's
        window), or retitled (the speaker named)."""
        rng = self.rng
        draw = rng.random()
        if draw < 0.3:
            return _Change(cancels=True, update={"status": "cancelled", "description": "因故取消，敬请谅解。"})
        if draw < 0.75 and not activity.recurrence:
            shift = timedelta(days=rng.choice([1, 7])) if rng.random() < 0.6 else timedelta(hours=1)
            moved = (activity.starts_at + shift).date()
            campaign = self.alliance.campaign(activity.campaign_id) if activity.campaign_id else None
            if (campaign is not None and not campaign.covers(moved)) or moved > self.last_day:
                shift = timedelta(hours=1)
            return _Change(
                shift=shift,
                update={
                    "starts_at": (activity.starts_at + shift).isoformat(),
                    "ends_at": (activity.ends_at + shift).isoformat(),
                    "description": "活动时间调整，以本次通知为准。",
                },
            )
        return _Change(title_suffix=f"（主讲：{rng.choice(SPEAKERS)}）")

    def report(self, at: datetime, activity: _Activity, ref: str) -> tuple[datetime, int, Message]:
        rng = self.rng
        held = rng.random() >= 0.03
        participants = 0
        if held:
            low, high = AUDIENCE_SIZES.get(activity.category, (20, 60))
            if activity.capacity:
                high = max(low, min(high, activity.capacity))
            sessions = 1
            if activity.recurrence:
                sessions = int(activity.recurrence.rsplit("=", 1)[1]) - len(activity.exdates)
            participants = rng.randint(low, high) * sessions
        body = {"library_id": activity.host.id, "source_ref": ref, "held": held, "participants": participants}
        msg_id = f"rep:{activity.host.id}:{ref}:{held}:{participants}"
        return self._entry(at, (f"shuxiang.activity.reported.{activity.host.id}", msg_id, _encode(body)))

    def office_hours(self, moment: datetime) -> datetime:
        rng = self.rng
        day = moment.astimezone(self.tz).date()
        if day.weekday() >= 5 and rng.random() < 0.6:  # most announcements go out on a working day
            day -= timedelta(days=day.weekday() - 4)
        hour = rng.choices(list(PUBLISH_HOURS), weights=list(PUBLISH_HOURS.values()))[0]
        return datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)), self.tz)

    def next_ref(self, library_id: str, published: datetime) -> str:
        self.serial[library_id] += 1
        return f"{published.year}-{self.serial[library_id]:05d}"

    def stamp(self, at: datetime, body: dict[str, Any]) -> tuple[datetime, int, Message]:
        library, ref, revision = body["library_id"], body["source_ref"], body["revision"]
        return self._entry(
            at, (f"shuxiang.activity.submitted.{library}", f"sub:{library}:{ref}:{revision}", _encode(body))
        )

    def _entry(self, at: datetime, message: Message) -> tuple[datetime, int, Message]:
        self.sequence += 1
        return at, self.sequence, message


@dataclass(frozen=True)
class _Change:
    """A revision: the fields it changes (the same change for the host and each co-host)."""

    update: dict[str, Any] = field(default_factory=dict)
    shift: timedelta = timedelta(0)
    title_suffix: str = ""
    cancels: bool = False

    def __call__(self, body: dict[str, Any]) -> dict[str, Any]:
        revised = {**body, **self.update, "revision": body["revision"] + 1}
        if self.title_suffix:
            revised["title"] = (body["title"] + self.title_suffix)[:200]
        return revised


def _encode(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def _locality(member: Member) -> str:
    """The most local part of a member's region: "天津市津南区小站镇" -> "小站镇"."""
    parts = re.findall(r".+?(?:省|街道|市|区|县|镇)", member.region or "")
    return parts[-1] if parts else member.name


def default_first_year() -> int:
    """Three years up to and including this one (the store a running alliance has)."""
    return date.today().year - YEARS + 1


def messages(
    n: int, *, seed: int = DEFAULT_SEED, first_year: int | None = None, alliance: Alliance | None = None
) -> list[Message]:
    """``n`` messages of the realistic alliance's members, in log order (by when they were
    published).  The same ``n``, seed, first year and alliance give the same messages."""
    alliance = alliance or realistic_alliance(seed)
    writer = _Writer(alliance, seed, first_year or default_first_year())
    entries: list[tuple[datetime, int, Message]] = []
    while len(entries) < n:
        entries += writer.messages_of(writer.activity())[: n - len(entries)]
    entries.sort(key=lambda entry: (entry[0], entry[1]))
    return [message for _, _, message in entries]


def summary(log: Iterable[Message]) -> dict[str, int]:
    """What a log holds: messages, announcements, activities, co-hosted ones (and their extra
    announcements), series, brand-linked, campaign-linked, revisions, cancellations, reports, members."""
    counts: Counter[str] = Counter()
    libraries: set[str] = set()
    hosts_of_cohosted: set[tuple[str, str]] = set()
    for subject, _, payload in log:
        counts["messages"] += 1
        body = json.loads(payload)
        libraries.add(body["library_id"])
        if subject.startswith("shuxiang.activity.reported."):
            counts["attendance_reports"] += 1
            continue
        if body["revision"] > 1:
            counts["revisions"] += 1
            counts["cancellations"] += body.get("status") == "cancelled"
            continue
        counts["announcements"] += 1
        organizers = body.get("organizers") or []
        hosted = not organizers or any(
            o["library_id"] == body["library_id"] and o["role"] == "host" for o in organizers
        )
        if organizers and not hosted:
            counts["cohost_announcements"] += 1
            continue
        counts["activities"] += 1
        if organizers:
            counts["co_hosted"] += 1
            hosts_of_cohosted.add((body["library_id"], body["source_ref"]))
        counts["series"] += "recurrence" in body
        counts["brand_linked"] += "brand_id" in body
        counts["campaign_linked"] += "campaign_id" in body
    counts["members_publishing"] = len(libraries)
    return dict(counts)


def describe(log: list[Message]) -> str:
    """One sentence on a log's make-up, for the benchmarks' README blocks."""
    s = summary(log)
    activities = max(s.get("activities", 0), 1)
    return (
        f"{s['messages']:,} messages of {s.get('members_publishing', 0)} members: {s.get('activities', 0):,} activities "
        f"({s.get('co_hosted', 0) / activities:.0%} co-hosted, with {s.get('cohost_announcements', 0):,} co-hosts' own "
        f"announcements; {s.get('series', 0) / activities:.0%} weekly series; "
        f"{s.get('brand_linked', 0) / activities:.0%} brand-linked; {s.get('campaign_linked', 0) / activities:.0%} "
        f"in a campaign), {s.get('revisions', 0):,} revisions ({s.get('cancellations', 0):,} cancellations), "
        f"{s.get('attendance_reports', 0):,} attendance reports"
    )


def write_jsonl(log: Iterable[Message], path: str | Path) -> int:
    """The log's announcements as ``shuxiang publish`` reads them (JSON Lines; attendance reports,
    which that command takes from CSV files only, left out); returns how many lines."""
    count = 0
    with Path(path).open("w", encoding="utf-8") as out:
        for subject, _, payload in log:
            if subject.startswith("shuxiang.activity.submitted."):
                out.write(payload.decode() + "\n")
                count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--first-year", type=int, default=None, help="default: two years before this one")
    parser.add_argument("--config", type=Path, default=None, help="write the alliance file here")
    parser.add_argument("--jsonl", type=Path, default=None, help="write the announcements here (shuxiang publish)")
    args = parser.parse_args()
    alliance = realistic_alliance(args.seed)
    log = messages(args.n, seed=args.seed, first_year=args.first_year, alliance=alliance)
    if args.config:
        write_alliance(args.config, args.seed)
    if args.jsonl:
        write_jsonl(log, args.jsonl)
    print(
        f"{len(alliance.members)} members, {len(alliance.brands)} brands, {len(alliance.campaigns)} campaigns, "
        f"{len(alliance.quota_rules)} quota rules"
    )
    print(describe(log))


if __name__ == "__main__":
    main()
