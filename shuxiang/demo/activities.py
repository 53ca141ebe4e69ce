"""A year of plausible activity announcements for an alliance (for demos and tests).

The generator works for any :class:`~shuxiang.alliance.Alliance`, and is shaped by it:

* libraries that own brands are diligent (every month a featured activity, many
  campaign activities), libraries without a brand lag behind their targets, and the
  ones in between miss a month now and then — so a quota report shows both;
* brand sessions carry ``brand_id``, though some only name the brand in the title;
* campaign activities cluster in the campaign windows and carry ``campaign_id``;
* co-hosted activities are announced by each organiser with its own ``source_ref``;
* a few weekly series recur (``FREQ=WEEKLY;COUNT=8``) with ``exdates``;
* a few announcements are revised (revision 2) or cancelled (revision 2, cancelled).

Everything is drawn from one ``random.Random(seed)``: same alliance, year and seed,
same submissions.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from shuxiang.alliance import LARGE_SERIES_TAG, Alliance, Brand, Campaign, Member, Tier, VenueEntry
from shuxiang.schemas.submission import ActivitySubmission, AttendanceReport, Category, Role, Status

__all__ = [
    "brand_history_messages",
    "generate_attendance_reports",
    "generate_brand_history",
    "generate_demo_submissions",
    "write_jsonl",
]

# -- word pools (quoted or adapted from the seed plans where they name things) ----------

BOOKS = [
    "《平凡的世界》",
    "《人世间》",
    "《活着》",
    "《乡土中国》",
    "《边城》",
    "《呼兰河传》",
    "《红岩》",
    "《额尔古纳河右岸》",
    "《围城》",
    "《苏东坡传》",
    "《白鹿原》",
    "《长安的荔枝》",
    "《繁花》",
]
CLASSICS = ["《论语》", "《孟子》", "《墨子》", "《诗经》", "《史记》", "《唐诗三百首》", "《古文观止》", "《道德经》"]
PICTURE_BOOKS = [
    "《猜猜我有多爱你》",
    "《好饿的毛毛虫》",
    "《大卫，不可以》",
    "《我爸爸》",
    "《小蝌蚪找妈妈》",
    "《团圆》",
    "《逃家小兔》",
    "《爷爷一定有办法》",
    "《母鸡萝丝去散步》",
    "《小黑鱼》",
]
FILMS = [
    "《城南旧事》",
    "《我和我的祖国》",
    "《流浪地球》",
    "《长津湖》",
    "《你好，李焕英》",
    "《寻梦环游记》",
    "《宝莲灯》",
    "《千与千寻》",
]
TOPICS = [
    "《红楼梦》里的饮食文化",
    "宋词里的四季",
    "《论语》与今天的我们",
    "中国传统节日的由来",
    "家庭教育与亲子沟通",
    "中医养生与四季调养",
    "唐诗里的山河",
    "非遗里的中国",
    "读懂《乡土中国》",
    "抗战家书里的家国情怀",
    "数字时代如何读书",
    "苏东坡的人生智慧",
    "从《史记》看历史人物",
    "食品安全知多少",
]
LOCAL_TOPICS = {  # region keyword -> local-culture topics
    "津南": ["《红楼梦》中的津门风物", "小站练兵与近代天津", "葛沽宝辇花会的前世今生", "海河下游的村落记忆"],
    "九龙坡": ["巴渝文化与重庆老街", "黄桷坪的艺术街区", "走马古镇的民间故事", "重庆方言里的生活智慧"],
    "滕州": ["墨子思想与当代生活", "滕国故事与鲁班文化", "微山湖的诗与歌"],
    "安康": ["汉调二黄的前世今生", "三线学兵往事", "汉水人文与地方文献", "安康富硒茶文化"],
    "长春": ["长影与新中国电影", "长春城市记忆", "东北二人转的艺术"],
    "公主岭": ["公主岭的农耕文化", "黑土地上的读书人"],
}
EXHIBITIONS = [
    "新书推荐展",
    "地方文献展读",
    "书香家庭风采展",
    "馆藏老照片展",
    "全民阅读摄影展",
    "中华传统节日主题展",
    "少儿绘画作品展",
    "公益展览：抗战文献",
]
SALONS = ["我最爱的一本书", "城市与阅读", "诗歌朗读会", "女性与写作", "青年读书会"]
TRAININGS = [
    "农家书屋管理员业务培训",
    "基层服务点技术人员集中培训",
    "数字图书馆推广工程网络培训",
    "阅读推广人培训班",
    "文化志愿者服务培训",
    "分馆业务辅导与图书分编培训",
    "业务交流会：阅读推广案例分享",
]
CONTESTS = [
    "“我的书屋，我的梦”读书征文",
    "读者利用图书馆技能大赛",
    "中小学生经典诵读比赛",
    "“书香之家”读书征文",
    "图书评论征文大赛",
]
OUTREACH_TARGETS = ["机关", "企业", "社区", "学校", "军营"]
OUTREACH_WHAT = ["流动借阅", "好书推荐", "读书讲座", "办证咨询", "图书配送"]
OUTREACH_PLACES = {
    "机关": "机关党员活动室",
    "企业": "企业职工书屋",
    "社区": "社区文化活动中心",
    "学校": "中心小学",
    "军营": "驻地军营",
}
DIGITAL = ["手机图书馆使用指南", "网络书香讲坛", "电子书资源推介", "数字资源线上体验", "公共电子阅览室开放日"]
CHILDREN = [
    "少儿故事会：{pb}",
    "少儿手工课：我的第一本手工书",
    "小小图书管理员体验",
    "少儿科普阅读：星空与宇宙",
    "少儿国学课：{classic}选读",
]
PARENT_CHILD = ["亲子阅读：绘本共读{pb}", "亲子共读会：{pb}", "书香家庭亲子阅读分享"]
ACCESSIBILITY = ["视障读者听书会", "无障碍电影：{film}", "盲文阅读体验", "助残日读书活动"]
OTHER = ["读者座谈会", "“我为读者办一件好事”读者意见征集", "图书馆开放日", "新书荐购活动"]

CAMPAIGN_THEMES: dict[str, tuple[list[Category], list[str]]] = {
    "reading-month": (
        [Category.lecture, Category.reading_club, Category.exhibition, Category.contest, Category.salon],
        ["世界读书日主题活动：{x}", "读书月·{x}"],
    ),
    "service-week": (
        [Category.outreach, Category.training, Category.digital, Category.other],
        ["图书馆服务宣传周：{x}", "服务宣传周·{x}"],
    ),
    "spring-festival": ([Category.digital, Category.screening, Category.other], ["网络书香过大年：{x}"]),
    "summer-reading": (
        [Category.children, Category.parent_child, Category.reading_club],
        ["暑期少儿阅读：{x}", "暑期阅读实践·{x}"],
    ),
    "reading-festival": (
        [Category.contest, Category.lecture, Category.exhibition, Category.reading_club],
        ["读书节·{x}"],
    ),
}
"""Campaign id -> (fitting categories, title templates).  Unknown campaigns get a generic theme."""

AUDIENCES = {
    Category.children: "少年儿童",
    Category.parent_child: "少年儿童及家长",
    Category.training: "基层图书管理员",
    Category.accessibility: "残障人士及视障读者",
    Category.contest: "中小学生及社会公众",
}

HEAD_WEIGHTS = {
    Category.lecture: 16,
    Category.reading_club: 10,
    Category.salon: 7,
    Category.exhibition: 7,
    Category.children: 12,
    Category.parent_child: 9,
    Category.contest: 2,
    Category.training: 2,
    Category.outreach: 9,
    Category.screening: 6,
    Category.digital: 6,
    Category.accessibility: 2,
    Category.other: 2,
}
BRANCH_WEIGHTS = {
    Category.reading_club: 10,
    Category.children: 14,
    Category.parent_child: 12,
    Category.outreach: 8,
    Category.screening: 6,
    Category.salon: 4,
    Category.lecture: 4,
    Category.digital: 3,
    Category.other: 2,
}
POINT_WEIGHTS = {Category.reading_club: 6, Category.children: 5, Category.outreach: 6, Category.screening: 3}

START_TIMES = {  # category -> (weekday starts, weekend starts)
    Category.lecture: ([time(14, 0), time(19, 0)], [time(9, 30), time(14, 30)]),
    Category.children: ([time(16, 0)], [time(9, 30), time(10, 0), time(15, 0)]),
    Category.parent_child: ([time(16, 0)], [time(9, 30), time(10, 0), time(15, 0)]),
    Category.training: ([time(9, 0), time(14, 0)], [time(9, 0)]),
    Category.screening: ([time(19, 0)], [time(14, 30), time(19, 0)]),
}
DEFAULT_STARTS = ([time(9, 30), time(14, 0), time(19, 0)], [time(9, 30), time(14, 0)])
WEEKEND_CATEGORIES = {Category.children, Category.parent_child, Category.screening}
MULTI_DAY = {Category.exhibition, Category.festival}

VENUE_HINTS = {
    Category.lecture: ("报告厅", "多功能厅"),
    Category.training: ("报告厅", "多功能厅", "电子"),
    Category.salon: ("多功能厅", "报告厅"),
    Category.contest: ("报告厅", "多功能厅"),
    Category.festival: ("报告厅", "多功能厅"),
    Category.screening: ("报告厅", "多功能厅"),
    Category.children: ("少儿", "亲子"),
    Category.parent_child: ("亲子", "少儿"),
    Category.exhibition: ("展厅",),
    Category.accessibility: ("残障",),
    Category.digital: ("电子", "数字"),
}


@dataclass(frozen=True)
class _Profile:
    """How diligent a library is."""

    name: str
    yearly: dict[Tier, int]  # ordinary activities a year by tier
    featured_skip: float  # chance of no featured activity in a month
    campaign_hosted: tuple[int, int]  # activities hosted per campaign (min, max), heads
    branch_campaign: float  # chance a branch hosts one activity in a campaign
    trainings: tuple[int, int]
    contests: tuple[int, int]


EXEMPLARY = _Profile(
    "exemplary",
    {Tier.central: 48, Tier.district: 44, Tier.county: 44, Tier.branch: 30, Tier.service_point: 7},
    0.0,
    (2, 3),
    0.6,
    (1, 2),
    (2, 3),
)
STEADY = _Profile(
    "steady",
    {Tier.central: 40, Tier.district: 34, Tier.county: 34, Tier.branch: 20, Tier.service_point: 5},
    0.12,
    (1, 2),
    0.4,
    (1, 1),
    (1, 2),
)
LAGGING = _Profile(
    "lagging",
    {Tier.central: 24, Tier.district: 18, Tier.county: 16, Tier.branch: 10, Tier.service_point: 3},
    0.4,
    (0, 1),
    0.2,
    (0, 1),
    (0, 1),
)

HEAD_TIERS = {Tier.central, Tier.district, Tier.county}


@dataclass
class _Draft:
    """An announcement before it becomes an ActivitySubmission."""

    library_id: str
    source_ref: str
    title: str
    category: Category
    starts_at: datetime
    ends_at: datetime
    venue: dict[str, Any]
    organizers: list[dict[str, str]] = field(default_factory=list)
    brand_id: str | None = None
    campaign_id: str | None = None
    featured: bool = False
    recurrence: str | None = None
    exdates: list[datetime] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    description: str | None = None
    audience: str | None = None
    capacity: int | None = None
    contact: str | None = None
    revision: int = 1
    status: Status = Status.scheduled
    shared: bool = False  # announced by more than one organiser

    def hosted_by_submitter(self) -> bool:
        return not self.organizers or any(
            o["library_id"] == self.library_id and o["role"] == Role.host for o in self.organizers
        )

    def submission(self) -> ActivitySubmission:
        return ActivitySubmission.model_validate(
            {
                "library_id": self.library_id,
                "source_ref": self.source_ref,
                "revision": self.revision,
                "status": self.status,
                "title": self.title,
                "description": self.description,
                "category": self.category,
                "starts_at": self.starts_at,
                "ends_at": self.ends_at,
                "recurrence": self.recurrence,
                "exdates": self.exdates,
                "venue": self.venue,
                "organizers": self.organizers,
                "brand_id": self.brand_id,
                "campaign_id": self.campaign_id,
                "featured": self.featured,
                "audience": self.audience,
                "tags": self.tags,
                "capacity": self.capacity,
                "contact": self.contact,
            }
        )


class _Generator:
    def __init__(self, alliance: Alliance, year: int, rng: random.Random) -> None:
        self.alliance = alliance
        self.year = year
        self.rng = rng
        self.tz = alliance.tz
        self.drafts: list[_Draft] = []
        self.revisions: list[_Draft] = []
        self._serial: dict[str, int] = {}
        self.profiles = {m.id: self._profile(m) for m in alliance.members}

    # -- the plan ----------------------------------------------------------------------

    def run(self, ahead_of: date | None = None) -> list[ActivitySubmission]:
        for member in self.alliance.members:
            self.ordinary_programme(member)
        for brand in self.alliance.brands:
            self.brand_sessions(brand)
        for campaign in self.alliance.campaigns:
            self.campaign_activities(campaign)
        self.weekly_series()
        self.mark_featured()
        self.revise_and_cancel()
        if ahead_of is not None:  # last: the year's own activities are drawn as without it
            self.announced_ahead(ahead_of)
        ordered = sorted(self.drafts, key=lambda d: (d.starts_at, d.library_id, d.source_ref))
        return [d.submission() for d in ordered + self.revisions]

    def _profile(self, member: Member) -> _Profile:
        head = member
        for ancestor in self.alliance.ancestors(member.id):
            if head.tier in HEAD_TIERS:
                break
            head = self.alliance.member(ancestor) or head
        owned = len(self.alliance.brands_of(head.id))
        if owned >= 4:
            return EXEMPLARY
        return STEADY if owned else LAGGING

    def ordinary_programme(self, member: Member) -> None:
        profile = self.profiles[member.id]
        weights = HEAD_WEIGHTS if member.tier in HEAD_TIERS else BRANCH_WEIGHTS
        if member.tier == Tier.service_point:
            weights = POINT_WEIGHTS
        count = round(profile.yearly[member.tier] * self.rng.uniform(0.85, 1.15))
        categories = self.rng.choices(list(weights), weights=list(weights.values()), k=count)
        if member.tier in HEAD_TIERS:
            categories += [Category.training] * self.rng.randint(*profile.trainings)
            categories += [Category.contest] * self.rng.randint(*profile.contests)
        for category in categories:
            day = self.random_day(date(self.year, 1, 3), date(self.year, 12, 28), category)
            self.add(member, category, self.title(member, category), day)

    def brand_sessions(self, brand: Brand) -> None:
        owner = self.alliance.member(brand.library_id)
        assert owner is not None
        sessions = {
            Category.lecture: 11,
            Category.reading_club: 7,
            Category.children: 8,
            Category.parent_child: 8,
            Category.outreach: 6,
            Category.accessibility: 4,
            Category.exhibition: 3,
            Category.contest: 1,
            Category.festival: 1,
        }.get(brand.category, 4)
        if self.profiles[owner.id] is LAGGING:
            sessions = max(1, sessions // 2)
        months = sorted(self.rng.sample(range(1, 13), k=min(sessions, 12)))
        for number, month in enumerate(months, start=1):
            category, multi_day = brand.category, None
            if brand.category == Category.festival:
                day, multi_day = self.festival_window()[0] + timedelta(days=self.rng.randint(0, 5)), 10
            else:
                day = self.random_day(date(self.year, month, 2), date(self.year, month, 27), category)
            title = self.brand_title(brand, owner, number)
            with_id = self.rng.random() < 0.8
            tags = [brand.name]
            if brand.category in (Category.festival, Category.reading_club) and number == 1:
                tags.append(LARGE_SERIES_TAG)
            campaign = self.campaign_on(day) if self.rng.random() < 0.7 else None
            partners = [p for p in brand.partners if self.alliance.member(p)]
            if partners and self.rng.random() < 0.3:
                self.add_shared(
                    owner,
                    self.rng.sample(partners, k=min(len(partners), self.rng.randint(1, 2))),
                    category,
                    title,
                    day,
                    brand_id=brand.id,
                    campaign=campaign,
                    tags=tags,
                    days=multi_day,
                )
            else:
                self.add(
                    owner,
                    category,
                    title,
                    day,
                    brand_id=brand.id if with_id else None,
                    campaign=campaign,
                    tags=tags,
                    days=multi_day,
                    description=brand.description if with_id else None,
                )

    def announced_ahead(self, today: date) -> None:
        """Next year's campaigns whose window opens within :data:`ANNOUNCED_AHEAD_DAYS` of ``today``:
        their activities, as members announce them ahead (in December, the Spring Festival's) —
        else a demo started in December shows the coming campaign with nobody taking part."""
        year = self.year
        try:
            self.year = year + 1
            for campaign in self.alliance.campaigns:
                start, _ = campaign.window(self.year)
                if today < start <= today + timedelta(days=ANNOUNCED_AHEAD_DAYS):
                    self.campaign_activities(campaign)
        finally:
            self.year = year

    def campaign_activities(self, campaign: Campaign) -> None:
        start, end = campaign.window(self.year)
        start, end = max(start, date(self.year, 1, 1)), min(end, date(self.year, 12, 31))
        if start > end:
            return
        heads = [m for m in self.alliance.members if m.tier in HEAD_TIERS]
        for member in self.alliance.members:
            profile = self.profiles[member.id]
            if member.tier in HEAD_TIERS:
                count = self.rng.randint(*profile.campaign_hosted)
            else:
                count = int(self.rng.random() < profile.branch_campaign)
            for _ in range(count):
                category, title = self.campaign_title(campaign, member)
                day = self.random_day(start, end, category)
                others = [h.id for h in heads if h.id != member.id and self.takes_part(h)]
                partners = self.partners_for(member) if self.rng.random() < 0.2 else []
                if member.tier in HEAD_TIERS and others and self.rng.random() < 0.25:
                    # 全市联办: other heads take part, announced once by the host
                    participants = self.rng.sample(others, k=min(len(others), self.rng.randint(2, 4)))
                    self.add(
                        member,
                        category,
                        title,
                        day,
                        campaign=campaign,
                        organizers=[(member.id, Role.host)] + [(p, Role.participant) for p in participants],
                    )
                elif partners:
                    self.add_shared(member, partners, category, title, day, campaign=campaign)
                else:
                    self.add(member, category, title, day, campaign=campaign)
        # the central library opens the campaign for everyone
        central = self.alliance.central
        festival = "读书节" in campaign.name
        self.add(
            central,
            Category.festival if festival else Category.other,
            f"{campaign.name}启动仪式",
            start,
            campaign=campaign,
            organizers=[(central.id, Role.host)]
            + [(h.id, Role.participant) for h in heads if h is not central and self.takes_part(h)],
            tags=[LARGE_SERIES_TAG] if festival else [],
        )

    def weekly_series(self) -> None:
        """A few weekly series: 快乐小板凳-style story hours, weekend films, evening readings."""
        picks = [
            (Category.parent_child, "周六绘本时光", 5, time(10, 0)),
            (Category.screening, "周末公益电影", 6, time(14, 30)),
            (Category.reading_club, "周三晚间读书会", 2, time(19, 0)),
            (Category.children, "少儿英语绘本角", 6, time(9, 30)),
            (Category.training, "老年人智能手机课堂", 1, time(9, 30)),
            (Category.lecture, "周末国学课", 5, time(14, 0)),
        ]
        libraries = [m for m in self.alliance.members if m.tier in (Tier.district, Tier.county, Tier.branch)]
        for (category, name, weekday, at), member in zip(
            picks, self.rng.sample(libraries, k=len(libraries)), strict=False
        ):
            brand = next((b for b in self.alliance.brands_of(member.id) if b.category == category), None)
            title = f"{brand.name}·{name}" if brand else name
            first = self.random_day(date(self.year, 2, 20), date(self.year, 9, 30), category)
            first += timedelta(days=(weekday - first.weekday()) % 7)
            count = self.rng.choice([6, 8, 10])
            draft = self.add(member, category, title, first, brand_id=brand.id if brand else None, at=at)
            draft.recurrence = f"FREQ=WEEKLY;COUNT={count}"
            skipped = self.rng.sample(range(1, count), k=self.rng.randint(1, 2))
            draft.exdates = sorted(draft.starts_at + timedelta(weeks=k) for k in skipped)
            draft.description = (
                f"每周一次，共{count}期；{'、'.join(str(k + 1) for k in sorted(skipped))}期因场馆安排暂停。"
            )

    def mark_featured(self) -> None:
        """Most heads flag one hosted activity a month as featured (特色活动); laggards skip months."""
        for member in self.alliance.members:
            if member.tier not in HEAD_TIERS:
                continue
            skip = self.profiles[member.id].featured_skip
            for month in range(1, 13):
                if self.rng.random() < skip:
                    continue
                candidates = [
                    d
                    for d in self.drafts
                    if d.library_id == member.id
                    and d.starts_at.month == month
                    and d.hosted_by_submitter()
                    and not d.recurrence
                ]
                candidates.sort(key=lambda d: (d.brand_id is None, d.campaign_id is None, d.source_ref))
                if candidates:
                    chosen = candidates[0] if self.rng.random() < 0.7 else self.rng.choice(candidates)
                    chosen.featured = True
                    if "特色活动" not in chosen.tags:
                        chosen.tags.append("特色活动")

    def revise_and_cancel(self) -> None:
        """Revision 2 of some announcements: a new time or title, or a cancellation."""
        plain = [
            d
            for d in self.drafts
            if not d.shared and not d.recurrence and not d.featured and d.category not in MULTI_DAY
        ]
        chosen = self.rng.sample(plain, k=min(len(plain), 24))
        for i, draft in enumerate(chosen):
            revised = _Draft(
                **{
                    **draft.__dict__,
                    "revision": 2,
                    "tags": list(draft.tags),
                    "organizers": list(draft.organizers),
                    "exdates": list(draft.exdates),
                }
            )
            if i < 8:
                revised.status = Status.cancelled
                revised.description = "因故取消，敬请谅解。"
            elif i % 2:
                shift = timedelta(days=self.rng.choice([1, 7])) if i % 3 else timedelta(hours=1)
                revised.starts_at += shift
                revised.ends_at += shift
                revised.description = "活动时间调整，以本次通知为准。"
            else:
                revised.title = f"{draft.title}（主讲：{self.rng.choice(SPEAKERS)}）"
            self.revisions.append(revised)

    # -- building one announcement -----------------------------------------------------

    def add(
        self,
        member: Member,
        category: Category,
        title: str,
        day: date,
        *,
        brand_id: str | None = None,
        campaign: Campaign | None = None,
        organizers: list[tuple[str, Role]] | None = None,
        tags: list[str] | None = None,
        days: int | None = None,
        at: time | None = None,
        description: str | None = None,
    ) -> _Draft:
        starts_at, ends_at = self.times(day, category, days, at)
        venue, capacity = self.venue(member, category, title)
        all_tags = list(dict.fromkeys([*(tags or []), *([campaign.name] if campaign else [])]))
        draft = _Draft(
            library_id=member.id,
            source_ref=self.next_ref(member.id),
            title=title,
            category=category,
            starts_at=starts_at,
            ends_at=ends_at,
            venue=venue,
            brand_id=brand_id,
            campaign_id=campaign.id if campaign else None,
            tags=all_tags,
            organizers=[{"library_id": lib, "role": role} for lib, role in organizers or []],
            description=description or f"{member.name}主办。",
            audience=AUDIENCES.get(category, "社会公众"),
            capacity=capacity,
            contact=f"{member.name}读者服务部" if self.rng.random() < 0.3 else None,
        )
        self.drafts.append(draft)
        return draft

    def add_shared(
        self, host: Member, partner_ids: list[str], category: Category, title: str, day: date, **extra: Any
    ) -> None:
        """One co-hosted activity, announced by the host and by each co-host with its own ref: the
        first partner organises it (承办), the others assist (协办)."""
        organizers = [(host.id, Role.host)] + [
            (p, Role.organiser if i == 0 else Role.co_organiser) for i, p in enumerate(partner_ids)
        ]
        first = self.add(host, category, title, day, organizers=organizers, **extra)
        first.shared = True
        for partner_id in partner_ids:
            partner = self.alliance.member(partner_id)
            assert partner is not None
            variant = self.rng.choice([title, f"{title}（联办）", title.replace("：", "——")])
            copy = self.add(partner, category, variant, day, organizers=organizers, **extra)
            copy.starts_at, copy.ends_at, copy.venue = first.starts_at, first.ends_at, dict(first.venue)
            copy.capacity, copy.shared = first.capacity, True
            if self.rng.random() < 0.5:  # partners often type the room name only
                copy.venue.pop("venue_id", None)
            copy.description = f"{partner.name}与{host.name}联合举办。"

    def next_ref(self, library_id: str) -> str:
        self._serial[library_id] = self._serial.get(library_id, 0) + 1
        return f"{self.year}-{library_id}-{self._serial[library_id]:04d}"

    def times(self, day: date, category: Category, days: int | None, at: time | None) -> tuple[datetime, datetime]:
        weekday_starts, weekend_starts = START_TIMES.get(category, DEFAULT_STARTS)
        if category in MULTI_DAY or days:
            start = datetime.combine(day, time(9, 0), self.tz)
            length = days or self.rng.choice([7, 10, 14, 21, 30])
            end_day = min(day + timedelta(days=length - 1), date(self.year, 12, 31))
            return start, datetime.combine(end_day, time(17, 0), self.tz)
        start_time = at or self.rng.choice(weekend_starts if day.weekday() >= 5 else weekday_starts)
        start = datetime.combine(day, start_time, self.tz)
        hours = 3 if category in (Category.contest, Category.training) else self.rng.choice([1, 1.5, 2])
        return start, start + timedelta(hours=hours)

    def random_day(self, first: date, last: date, category: Category) -> date:
        day = first + timedelta(days=self.rng.randint(0, (last - first).days))
        if category in WEEKEND_CATEGORIES and day.weekday() < 5:
            weekend = day + timedelta(days=5 - day.weekday() + self.rng.randint(0, 1))
            if weekend <= last:
                return weekend
        return day

    def venue(self, member: Member, category: Category, title: str) -> tuple[dict[str, Any], int | None]:
        if category == Category.outreach:
            named = [t for t in OUTREACH_TARGETS if f"进{t}" in title]
            target = named[0] if named else self.rng.choice(OUTREACH_TARGETS)
            return {"name": f"{_locality(member)}{OUTREACH_PLACES[target]}"}, None
        if category == Category.digital and self.rng.random() < 0.5:
            ref = self._serial.get(member.id, 0) + 1
            return {
                "name": "线上直播",
                "online_url": f"https://live.example.org/{member.id}/{self.year}-{ref:04d}",
            }, None
        rooms = self.alliance.venues_of(member.id)
        hints = VENUE_HINTS.get(category, ())
        fitting = [v for v in rooms if any(h in v.name for h in hints)] or rooms
        if fitting:
            room: VenueEntry = self.rng.choice(fitting)
            return {"venue_id": room.id, "name": room.name, "address": room.address or member.address}, room.capacity
        suffix = "阅览室" if member.tier == Tier.branch else ""
        return {"name": f"{member.name}{suffix}", "address": member.address}, None

    def takes_part(self, member: Member) -> bool:
        """Whether ``member`` joins another library's campaign activity (laggards seldom do)."""
        return self.profiles[member.id] is not LAGGING or self.rng.random() < 0.3

    def partners_for(self, member: Member) -> list[str]:
        """Who co-hosts with ``member``: its parent or children, sometimes another head."""
        near = [*self.alliance.children(member.id), *([member.parent] if member.parent else [])]
        if not near:
            return []
        return self.rng.sample(near, k=min(len(near), self.rng.choice([1, 1, 2])))

    def festival_window(self) -> tuple[date, date]:
        """The reading-festival (读书节) campaign's window, or November."""
        festival = next((c for c in self.alliance.campaigns if "读书节" in c.name), None)
        if festival is None:
            return date(self.year, 11, 1), date(self.year, 11, 30)
        return festival.window(self.year)

    def campaign_on(self, day: date) -> Campaign | None:
        return next((c for c in self.alliance.campaigns if c.covers(day)), None)

    # -- titles ------------------------------------------------------------------------

    def title(self, member: Member, category: Category) -> str:
        r = self.rng
        pb, book, film, classic = r.choice(PICTURE_BOOKS), r.choice(BOOKS), r.choice(FILMS), r.choice(CLASSICS)
        match category:
            case Category.lecture:
                return f"公益讲座：{self.topic(member)}"
            case Category.reading_club:
                return r.choice([f"读书会·共读{book}", f"新书推荐：{book}", f"“悦读”分享会：{book}"])
            case Category.salon:
                theme = r.choice(SALONS)
                return f"读书沙龙：{theme}" + (f"·说说{book}" if theme == "青年读书会" else "")
            case Category.exhibition:
                return r.choice(EXHIBITIONS)
            case Category.children:
                return r.choice(CHILDREN).format(pb=pb, classic=classic)
            case Category.parent_child:
                return r.choice(PARENT_CHILD).format(pb=pb)
            case Category.contest:
                return f"{self.year}年{r.choice(CONTESTS)}"
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

    def topic(self, member: Member) -> str:
        local = [t for key, topics in LOCAL_TOPICS.items() if key in (member.region or member.name) for t in topics]
        return self.rng.choice(local) if local and self.rng.random() < 0.5 else self.rng.choice(TOPICS)

    def brand_title(self, brand: Brand, owner: Member, number: int) -> str:
        r = self.rng
        match brand.category:
            case Category.lecture:
                earlier = (self.year - brand.since) * 10 if brand.since else 0
                edition = f"（第{earlier + number}期）" if r.random() < 0.4 else ""
                return f"{brand.name}{edition}：{self.topic(owner)}"
            case Category.reading_club:
                return r.choice(
                    [
                        f"{brand.name}·共读{r.choice(BOOKS)}",
                        f"“{brand.name}”读书分享会",
                        f"{brand.name}：{r.choice(CLASSICS)}导读",
                    ]
                )
            case Category.parent_child:
                return f"{brand.name}·绘本共读{r.choice(PICTURE_BOOKS)}"
            case Category.children:
                return (
                    f"{brand.name}：{r.choice(['少儿编程入门', '科普小实验', '中学生计算机培训', '我的第一本手工书'])}"
                )
            case Category.exhibition:
                place = r.choice(["老街", "江岸", "古镇", "新城"])
                where = _locality(owner).removesuffix("街道") + place
                return r.choice([f"{brand.name}：{where}摄影作品展", f"{brand.name}·{where}采风"])
            case Category.contest:
                return f"{self.year}年“{brand.name.removesuffix('书画大赛')}”书画大赛"
            case Category.festival:
                edition = f"第{self.year - brand.since + 1}届" if brand.since else f"{self.year}年"
                return f"{edition}{brand.name}"
            case Category.accessibility:
                return f"{brand.name}：{r.choice(ACCESSIBILITY).format(film=r.choice(FILMS))}"
            case Category.outreach:
                return f"{brand.name}·{r.choice(['送书进社区', '送书进校园', '书店荐购日', '流动借阅服务'])}"
            case _:
                return f"{brand.name}：{self.topic(owner)}"

    def campaign_title(self, campaign: Campaign, member: Member) -> tuple[Category, str]:
        categories, templates = CAMPAIGN_THEMES.get(campaign.id, ([Category.reading_club], [f"{campaign.name}·{{x}}"]))
        category = self.rng.choice(categories)
        inner = self.title(member, category).replace("：", "·")
        return category, self.rng.choice(templates).format(x=inner)


SPEAKERS = ["王教授", "李馆员", "张老师", "刘研究员", "陈作家", "赵老师"]


def _locality(member: Member) -> str:
    """The most local part of a member's region: "天津市津南区小站镇" -> "小站镇"."""
    parts = re.findall(r".+?(?:省|街道|市|区|县|镇)", member.region or "")
    return parts[-1] if parts else member.name


ANNOUNCED_AHEAD_DAYS = 60
"""How far ahead members have announced a coming campaign's activities (the demo's next year)."""


def generate_demo_submissions(
    alliance: Alliance, year: int, *, seed: int = 423, ahead_of: date | None = None
) -> list[ActivitySubmission]:
    """A year of announcements by the members of ``alliance``, the same for the same seed (and
    ``ahead_of`` day: next year's campaigns opening within 60 days of it, announced ahead).

    First revisions come in start-time order, then the revisions and cancellations.
    """
    return _Generator(alliance, year, random.Random(seed)).run(ahead_of)


def write_jsonl(submissions: Iterable[ActivitySubmission], path: str | Path) -> int:
    """Write one submission per line (UTF-8 JSON, no nulls); return how many were written."""
    count = 0
    with Path(path).open("w", encoding="utf-8") as out:
        for submission in submissions:
            out.write(submission.model_dump_json(exclude_none=True) + "\n")
            count += 1
    return count


# -- past years of brand programmes (一馆一品 history) -------------------------------------

BRAND_SESSIONS_A_YEAR = {
    Category.lecture: (9, 12),
    Category.reading_club: (6, 8),
    Category.children: (7, 9),
    Category.parent_child: (7, 9),
    Category.outreach: (5, 7),
    Category.accessibility: (3, 5),
    Category.exhibition: (2, 3),
    Category.contest: (1, 1),
    Category.festival: (1, 1),
}
PAUSE_YEARS = (2020, 2022)
"""Years in which venues closed for months: sessions thin out, and some brands paused."""


def generate_brand_history(alliance: Alliance, years: Iterable[int], *, seed: int = 423) -> list[ActivitySubmission]:
    """Past years of the alliance's brand programmes: each brand's sessions from its first
    edition (``since``; an assumed start for brands without one) through ``years``.

    Sessions carry ``brand_id`` or only name the brand in the title (to be inferred); some are
    co-hosted with the brand's partners (announced once, partners credited as co-hosts), a few
    were cancelled (revision 2), children's brands run a weekly summer series; venues closed in
    2020 and 2022 thinned or paused programmes.  The same alliance, years and seed give the
    same submissions; source refs start with ``h<year>-`` so they never meet the demo year's.
    """
    rng = random.Random(seed)
    out: list[ActivitySubmission] = []
    starts = {b.id: b.since or min(years, default=0) + rng.randint(0, 3) for b in alliance.brands}
    paused = {b.id for b in alliance.brands if rng.random() < 0.3}
    for year in sorted(years):
        generator = _Generator(alliance, year, random.Random(rng.random()))
        for brand in alliance.brands:
            if year < starts[brand.id] or (year == 2022 and brand.id in paused):
                continue
            out += _brand_year(generator, brand, first_year=year == starts[brand.id])
    return out


def _brand_year(generator: _Generator, brand: Brand, *, first_year: bool) -> list[ActivitySubmission]:
    rng, year, alliance = generator.rng, generator.year, generator.alliance
    owner = alliance.member(brand.library_id)
    assert owner is not None
    low, high = BRAND_SESSIONS_A_YEAR.get(brand.category, (3, 4))
    count = rng.randint(low, high)
    if first_year or year in PAUSE_YEARS:
        count = max(1, count // 2)
    drafts: list[_Draft] = []
    for number, month in enumerate(sorted(rng.sample(range(1, 13), k=min(count, 12))), start=1):
        multi_day = None
        if brand.category == Category.festival:
            day, multi_day = generator.festival_window()[0] + timedelta(days=rng.randint(0, 5)), 10
        else:
            day = generator.random_day(date(year, month, 2), date(year, month, 27), brand.category)
        partners = [p for p in brand.partners if alliance.member(p)]
        organizers = None
        if partners and rng.random() < 0.3:
            chosen = rng.sample(partners, k=min(len(partners), rng.randint(1, 2)))
            organizers = [(owner.id, Role.host)] + [(p, Role.co_organiser) for p in chosen]
        with_id = rng.random() < 0.8
        drafts.append(
            generator.add(
                owner,
                brand.category,
                generator.brand_title(brand, owner, number),
                day,
                brand_id=brand.id if with_id else None,
                organizers=organizers,
                tags=[brand.name],
                days=multi_day,
                description=brand.description if with_id else None,
            )
        )
    if brand.category in (Category.parent_child, Category.children) and year not in PAUSE_YEARS:
        first = date(year, 7, 4) + timedelta(days=rng.randint(0, 6))
        first += timedelta(days=(5 - first.weekday()) % 7)
        series = generator.add(
            owner,
            brand.category,
            f"{brand.name}·暑期绘本时光",
            first,
            brand_id=brand.id,
            tags=[brand.name],
            at=time(10, 0),
        )
        series.recurrence = "FREQ=WEEKLY;COUNT=6"
        series.exdates = [series.starts_at + timedelta(weeks=rng.randint(1, 5))]
        series.description = "暑期每周六上午，共6期；其中一期因场馆安排暂停。"
        drafts.append(series)
    for serial, draft in enumerate(drafts, start=1):
        draft.source_ref = f"h{year}-{brand.id}-{serial:03d}"
    cancelled = [
        _Draft(
            **{
                **d.__dict__,
                "revision": 2,
                "status": Status.cancelled,
                "description": "因故取消，敬请谅解。",
                "tags": list(d.tags),
                "organizers": list(d.organizers),
                "exdates": list(d.exdates),
            }
        )
        for d in drafts
        if not d.recurrence and rng.random() < 0.05
    ]
    return [d.submission() for d in drafts + cancelled]


def generate_attendance_reports(
    submissions: Iterable[ActivitySubmission], today: date, *, seed: int = 423
) -> list[AttendanceReport]:
    """Attendance reports by the host of every announcement held before ``today`` (its latest
    revision not cancelled): mostly held, with an audience fitting the category and the room;
    now and then not held.  Co-hosts' own announcements are left unreported."""
    rng = random.Random(seed)
    latest: dict[tuple[str, str], ActivitySubmission] = {}
    for submission in submissions:
        key = (submission.library_id, submission.source_ref)
        if key not in latest or latest[key].revision < submission.revision:
            latest[key] = submission
    reports = []
    for submission in latest.values():
        hosted = all(o.role == Role.host for o in submission.credited() if o.library_id == submission.library_id)
        if submission.status is Status.cancelled or not hosted or submission.starts_at.date() >= today:
            continue
        if rng.random() < 0.03:
            reports.append(
                AttendanceReport(
                    library_id=submission.library_id,
                    source_ref=submission.source_ref,
                    held=False,
                    participants=0,
                    notes="因天气原因未能举办。",
                )
            )
            continue
        low, high = AUDIENCE_SIZES.get(submission.category, (20, 60))
        if submission.capacity:
            high = max(low, min(high, submission.capacity))
        count = re.search(r"COUNT=(\d+)", submission.recurrence or "")
        sessions = int(count[1]) - len(submission.exdates) if count else 1
        participants = rng.randint(low, high) * max(1, sessions)
        reports.append(
            AttendanceReport(
                library_id=submission.library_id, source_ref=submission.source_ref, held=True, participants=participants
            )
        )
    return reports


AUDIENCE_SIZES = {
    Category.lecture: (60, 200),
    Category.festival: (800, 3000),
    Category.contest: (80, 400),
    Category.exhibition: (300, 1500),
    Category.children: (15, 45),
    Category.parent_child: (20, 50),
    Category.reading_club: (15, 40),
    Category.outreach: (40, 150),
    Category.accessibility: (10, 30),
}


def brand_history_messages(
    alliance: Alliance, demo_year: list[ActivitySubmission], today: date, *, years: int = 7, seed: int = 423
) -> list[tuple[str, str, bytes]]:
    """What ``shuxiang up --demo`` publishes besides the demo year: ``years`` past years of brand
    sessions, and attendance reports for everything (past years and the demo year) held before
    ``today`` — as (subject, message id, payload) ready for the publisher."""
    from shuxiang.events.streams import reported_subject, submitted_subject

    history = generate_brand_history(alliance, range(today.year - years, today.year), seed=seed)
    reports = generate_attendance_reports([*history, *demo_year], today, seed=seed)
    return [
        *((submitted_subject(s.library_id), s.message_id(), s.model_dump_json().encode()) for s in history),
        *((reported_subject(r.library_id), r.message_id(), r.model_dump_json().encode()) for r in reports),
    ]
