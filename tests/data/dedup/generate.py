"""Write the labelled dedup evaluation set: ``python tests/data/dedup/generate.py``.

Every line of ``eval.jsonl`` is an ActivitySubmission plus ``label``, the key of the real
activity it announces; lines are in publishing order.  Drawn from ``random.Random(SEED)``
over the alliance in ``alliance.toml`` (a frozen copy of the demo alliance, written on the
first run), so the same script gives the same file.  What it holds:

* ordinary activities of every member, many in the same halls on the same days;
* co-hosted activities (联办) announced by the host and each co-host, worded their own way
  (（联办）, ——, 【转发】, 4.23 / 4·23, full-width digits, （报名中）), typing the venue as
  its id, its name, an alias, with spaces or a slightly wrong name, sometimes 15–30 min off;
* double entries: a clerk typing an announcement twice under a new ref;
* reposts (转发) of a head library's lecture by its branches, without organisers;
* revisions (new time for every announcer, corrected titles) and cancellations, and
  announcements first copied from another activity, then corrected into their own;
* weekly series announced week by week (many activities, one title, one room, one hour);
* the same campaign title (4·23 读书分享会 …) at five or more branches at the same hour;
* other events in the same hall: all-day exhibitions, second sessions half an hour later.
"""

from __future__ import annotations

import json
import random
import shutil
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))

from shuxiang.alliance import Alliance, Member, Tier, load_alliance  # noqa: E402 - after the sys.path entry
from shuxiang.schemas import ActivitySubmission  # noqa: E402

SEED = 20260423
TZ = ZoneInfo("Asia/Shanghai")
YEAR = 2026

TOPICS = [
    "《红楼梦》里的饮食文化",
    "宋词里的四季",
    "中国传统节日的由来",
    "家庭教育与亲子沟通",
    "中医养生与四季调养",
    "唐诗里的山河",
    "非遗里的中国",
    "抗战家书里的家国情怀",
    "数字时代如何读书",
    "苏东坡的人生智慧",
    "从《史记》看历史人物",
    "食品安全知多少",
    "小站练兵与近代天津",
    "葛沽宝辇花会的前世今生",
    "巴渝文化与重庆老街",
    "走马古镇的民间故事",
    "墨子思想与当代生活",
    "汉调二黄的前世今生",
    "长影与新中国电影",
    "黑土地上的读书人",
    "王阳明心学入门",
    "宋代的市井生活",
    "敦煌壁画里的色彩",
    "老舍笔下的北京",
    "《诗经》里的植物",
    "丝绸之路上的书籍",
    "近代报刊与城市",
    "科学家的故事",
    "网络安全与老年人",
    "垃圾分类从我做起",
]
BOOKS = [
    "平凡的世界",
    "人世间",
    "活着",
    "乡土中国",
    "边城",
    "呼兰河传",
    "红岩",
    "额尔古纳河右岸",
    "围城",
    "苏东坡传",
    "白鹿原",
    "长安的荔枝",
    "繁花",
    "论语",
    "孟子",
    "诗经",
    "史记",
    "道德经",
    "城南旧事",
    "朝花夕拾",
    "骆驼祥子",
    "文化苦旅",
    "百年孤独",
    "小王子",
    "草房子",
    "西游记",
    "水浒传",
    "三国演义",
]
PICTURE_BOOKS = [
    "猜猜我有多爱你",
    "好饿的毛毛虫",
    "大卫，不可以",
    "我爸爸",
    "小蝌蚪找妈妈",
    "团圆",
    "逃家小兔",
    "爷爷一定有办法",
    "母鸡萝丝去散步",
    "小黑鱼",
    "月亮的味道",
    "花婆婆",
]
FILMS = [
    "城南旧事",
    "我和我的祖国",
    "流浪地球",
    "长津湖",
    "你好，李焕英",
    "寻梦环游记",
    "宝莲灯",
    "千与千寻",
    "哪吒之魔童降世",
]
EXHIBITIONS = [
    "新书推荐展",
    "地方文献展读",
    "书香家庭风采展",
    "馆藏老照片展",
    "全民阅读摄影展",
    "中华传统节日主题展",
    "少儿绘画作品展",
    "抗战文献展",
    "非遗剪纸艺术展",
    "红色经典连环画展",
]
TRAININGS = [
    "农家书屋管理员业务培训",
    "基层服务点技术人员集中培训",
    "数字图书馆推广工程网络培训",
    "阅读推广人培训班",
    "文化志愿者服务培训",
    "分馆业务辅导与图书分编培训",
]
SERIES = [
    "周六绘本时光",
    "周末公益电影",
    "周三晚间读书会",
    "少儿英语绘本角",
    "老年人智能手机课堂",
    "周末国学课",
    "快乐小板凳故事会",
    "梦想课堂",
    "我读书季·共读一小时",
    "经典导读",
]
CAMPAIGN_TITLES = [
    "4·23 读书分享会",
    "世界读书日·好书交换",
    "4·23 经典诵读会",
    "读书月·我最爱的一本书",
    "服务宣传周·读者开放日",
    "暑期少儿阅读：绘本共读",
    "网络书香过大年：线上猜灯谜",
    "读书节·亲子共读",
]
OUTREACH = ["社区文化活动中心", "中心小学图书室", "企业职工书屋", "驻地军营俱乐部", "机关党员活动室", "敬老院活动室"]
SLOTS = [time(9, 30), time(10, 0), time(14, 0), time(14, 30), time(15, 0), time(19, 0)]
SPEAKERS = ["王教授", "李馆员", "张老师", "刘研究员", "陈作家", "赵老师"]
FULL_WIDTH = str.maketrans("0123456789:()", "０１２３４５６７８９：（）")


@dataclass
class Message:
    at: float
    label: str
    body: dict


@dataclass
class Generator:
    alliance: Alliance
    rng: random.Random
    messages: list[Message] = field(default_factory=list)
    serial: dict[str, int] = field(default_factory=dict)
    labels: int = 0
    taken: set = field(default_factory=set)

    # -- helpers -------------------------------------------------------------------------

    def label(self, kind: str) -> str:
        self.labels += 1
        return f"{kind}-{self.labels:05d}"

    def ref(self, library_id: str) -> str:
        self.serial[library_id] = self.serial.get(library_id, 0) + 1
        return f"{YEAR}-{library_id}-{self.serial[library_id]:04d}"

    def day(self) -> date:
        return date(YEAR, 1, 5) + timedelta(days=self.rng.randint(0, 340))

    def members(self, *tiers: Tier) -> list[Member]:
        return [m for m in self.alliance.members if not tiers or m.tier in tiers]

    def room(self, member: Member) -> dict:
        rooms = self.alliance.venues_of(member.id)
        if rooms and self.rng.random() < 0.85:
            room = self.rng.choice(rooms)
            return {"venue_id": room.id, "name": room.name}
        if member.tier in (Tier.branch, Tier.service_point):
            return {"name": f"{member.name}阅览室"}
        return {"name": f"{member.name}{self.rng.choice(['二楼活动室', '三楼培训室', '一楼大厅'])}"}

    def title(self) -> str:
        r = self.rng
        return r.choice(
            [
                lambda: f"公益讲座：{r.choice(TOPICS)}",
                lambda: f"读书会·共读《{r.choice(BOOKS)}》",
                lambda: f"新书推荐：《{r.choice(BOOKS)}》",
                lambda: f"亲子阅读：绘本共读《{r.choice(PICTURE_BOOKS)}》",
                lambda: f"少儿故事会：《{r.choice(PICTURE_BOOKS)}》",
                lambda: f"周末公益电影：《{r.choice(FILMS)}》",
                lambda: r.choice(TRAININGS),
                lambda: (
                    f"读书沙龙：{r.choice(['城市与阅读', '诗歌朗读会', '女性与写作', '青年读书会'])}·说说《{r.choice(BOOKS)}》"
                ),
                lambda: f"{YEAR}年“书香之家”读书征文颁奖",
                lambda: f"数字阅读推广：{r.choice(['手机图书馆使用指南', '电子书资源推介', '网络书香讲坛'])}",
            ]
        )()

    def body(
        self,
        member: Member,
        title: str,
        start: datetime,
        venue: dict,
        *,
        category: str = "lecture",
        hours: float = 2,
        organizers: list | None = None,
        **extra,
    ) -> dict:
        return {
            "library_id": member.id,
            "source_ref": self.ref(member.id),
            "revision": 1,
            "title": title,
            "category": category,
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=hours)).isoformat(),
            "venue": dict(venue),
            **({"organizers": organizers} if organizers else {}),
            **extra,
        }

    def free(self, venue: dict, start: datetime, title: str) -> bool:
        """Each real activity gets a (room, start, title) of its own: no library holds two
        identical events in one room at one time."""
        key = (venue.get("venue_id") or venue.get("name"), start, title)
        if key in self.taken:
            return False
        self.taken.add(key)
        return True

    def emit(self, at: float, label: str, body: dict) -> None:
        self.messages.append(Message(at, label, body))

    def start_at(self, day: date | None = None, slot: time | None = None) -> datetime:
        return datetime.combine(day or self.day(), slot or self.rng.choice(SLOTS), TZ)

    def partner_venue(self, venue: dict, host: Member) -> dict:
        """How a co-host types the host's room."""
        r = self.rng.random()
        name = venue.get("name", "")
        room = self.alliance.venue(venue["venue_id"]) if "venue_id" in venue else None
        if room is None or r < 0.3:
            return dict(venue)
        if r < 0.5:
            return {"name": name}
        if r < 0.65 and room.aliases:
            return {"name": self.rng.choice(room.aliases)}
        if r < 0.8:
            return {"name": f"{name[:2]} {name[2:]}"}
        if r < 0.9:
            return {"name": f"{name}（{self.rng.choice(['二楼', '一楼', '东侧'])}）"}
        return {
            "name": name.replace("区图书馆", "图书馆", 1)
            if "区图书馆" in name
            else name.replace("市图书馆", "市图书馆 ", 1)
        }

    @staticmethod
    def variant(title: str, r: random.Random) -> str:
        """How another library words the same title."""
        return r.choice(
            [
                title,
                title,
                f"{title}（联办）",
                title.replace("：", "——"),
                f"【联办】{title}",
                f"{title}（报名中）",
                title.translate(FULL_WIDTH),
                f"转发：{title}",
                title.replace("·", "・"),
                f" {title} ",
                title.replace("4·23", "4.23"),
                title.replace("《", "“").replace("》", "”"),
            ]
        )

    # -- scenarios -----------------------------------------------------------------------

    def ordinary(self, count: int) -> None:
        for _ in range(count):
            member = self.rng.choice(self.members())
            venue, title, start = self.room(member), self.title(), self.start_at()
            if not self.free(venue, start, title):
                continue
            at = self.rng.uniform(0, 1000)
            label = self.label("one")
            body = self.body(member, title, start, venue, hours=self.rng.choice([1, 1.5, 2]))
            self.emit(at, label, body)
            roll = self.rng.random()
            if roll < 0.06:  # cancelled
                self.emit(at + self.rng.uniform(1, 200), label, {**body, "revision": 2, "status": "cancelled"})
            elif roll < 0.12:  # moved to another day or hour
                moved = start + timedelta(days=self.rng.choice([1, 7]), hours=self.rng.choice([0, 1]))
                self.emit(
                    at + self.rng.uniform(1, 200),
                    label,
                    {
                        **body,
                        "revision": 2,
                        "starts_at": moved.isoformat(),
                        "ends_at": (moved + timedelta(hours=2)).isoformat(),
                    },
                )
            elif roll < 0.18:  # speaker added to the title
                self.emit(
                    at + self.rng.uniform(1, 200),
                    label,
                    {**body, "revision": 2, "title": f"{title}（主讲：{self.rng.choice(SPEAKERS)}）"},
                )

    def cohosted(self, count: int) -> None:
        heads = self.members(Tier.central, Tier.district, Tier.county)
        for _ in range(count):
            host = self.rng.choice(heads)
            near = [self.alliance.member(c) for c in self.alliance.children(host.id)]
            near += [h for h in heads if h.id != host.id and h not in near]
            partners = self.rng.sample(near, k=self.rng.choice([1, 1, 2]))
            venue, title, start = self.room(host), self.title(), self.start_at()
            if self.rng.random() < 0.3:
                title = f"{self.rng.choice(['4·23 ', '世界读书日：', '读书月·', ''])}{title}"
            if not self.free(venue, start, title):
                continue
            organizers = [{"library_id": host.id, "role": "host"}] + [
                {"library_id": p.id, "role": "co_host"} for p in partners
            ]
            label, at = self.label("cohost"), self.rng.uniform(0, 1000)
            hours = self.rng.choice([1.5, 2])
            category = self.rng.choice(["lecture", "salon", "reading_club"])
            host_body = self.body(host, title, start, venue, category=category, hours=hours, organizers=organizers)
            self.emit(at, label, host_body)
            copies = []
            for partner in partners:
                shift = timedelta(minutes=self.rng.choice([0] * 17 + [15, 30, -30]))
                listed = self.rng.random()
                their_orgs = (
                    organizers
                    if listed < 0.7
                    else (
                        [{"library_id": host.id, "role": "host"}, {"library_id": partner.id, "role": "co_host"}]
                        if listed < 0.93
                        else None
                    )
                )
                typed = self.partner_venue(venue, host) if their_orgs else dict(venue)
                copy = self.body(
                    partner,
                    self.variant(title, self.rng),
                    start + shift,
                    typed,
                    category=category if self.rng.random() < 0.85 else "other",
                    hours=hours,
                    organizers=their_orgs,
                )
                copies.append(copy)
                self.emit(at + self.rng.uniform(-50, 80), label, copy)
            roll = self.rng.random()
            later = at + 100 + self.rng.uniform(0, 100)
            if roll < 0.1:  # moved: the host first, each co-host later
                moved = start + timedelta(days=self.rng.choice([1, 2, 7]))
                for n, body in enumerate([host_body, *copies]):
                    their_start = datetime.fromisoformat(body["starts_at"]) + (moved - start)
                    self.emit(
                        later + 20 * n,
                        label,
                        {
                            **body,
                            "revision": 2,
                            "starts_at": their_start.isoformat(),
                            "ends_at": (their_start + timedelta(hours=hours)).isoformat(),
                        },
                    )
            elif roll < 0.18:  # a co-host withdraws: only its credit goes
                self.emit(later, label, {**copies[0], "revision": 2, "status": "cancelled"})
            elif roll < 0.24:  # the host cancels: the activity is cancelled
                self.emit(later, label, {**host_body, "revision": 2, "status": "cancelled"})

    def double_entries(self, count: int) -> None:
        for _ in range(count):
            member = self.rng.choice(self.members())
            venue, title, start = self.room(member), self.title(), self.start_at()
            if not self.free(venue, start, title):
                continue
            label, at = self.label("twice"), self.rng.uniform(0, 1000)
            body = self.body(member, title, start, venue)
            self.emit(at, label, body)
            again = self.rng.choice(
                [
                    title,
                    f" {title}",
                    title.translate(FULL_WIDTH),
                    f"{title}（报名中）",
                    title.replace("：", ":"),
                    f"【预告】{title}",
                ]
            )
            self.emit(
                at + self.rng.uniform(0.1, 30), label, {**body, "source_ref": self.ref(member.id), "title": again}
            )

    def reposts(self, count: int) -> None:
        heads = [m for m in self.members(Tier.central, Tier.district, Tier.county) if self.alliance.venues_of(m.id)]
        for _ in range(count):
            head = self.rng.choice(heads)
            branches = [self.alliance.member(c) for c in self.alliance.children(head.id)] or heads
            room = self.rng.choice(self.alliance.venues_of(head.id))
            venue, title, start = (
                {"venue_id": room.id, "name": room.name},
                f"公益讲座：{self.rng.choice(TOPICS)}",
                self.start_at(),
            )
            if not self.free(venue, start, title):
                continue
            label, at = self.label("repost"), self.rng.uniform(0, 1000)
            self.emit(at, label, self.body(head, title, start, venue))
            for branch in self.rng.sample(branches, k=min(len(branches), self.rng.choice([1, 1, 2]))):
                wording = self.rng.choice([f"转发：{title}", f"【转发】{title}", f"{title}（转发）", title])
                typed = self.rng.choice(
                    [
                        {"name": room.name},
                        {"name": self.rng.choice(room.aliases or [room.name])},
                        {"venue_id": room.id, "name": room.name},
                    ]
                )
                self.emit(at + self.rng.uniform(1, 60), label, self.body(branch, wording, start, typed))

    def corrected_copies(self, count: int) -> None:
        """A branch first copies a head's announcement, then corrects it into its own activity."""
        heads = [m for m in self.members(Tier.central, Tier.district, Tier.county) if self.alliance.venues_of(m.id)]
        for _ in range(count):
            head = self.rng.choice(heads)
            branch = self.alliance.member(self.rng.choice(self.alliance.children(head.id) or [head.id]))
            if branch is None or branch.id == head.id:
                continue
            room = self.rng.choice(self.alliance.venues_of(head.id))
            venue, title, start = {"venue_id": room.id, "name": room.name}, self.title(), self.start_at()
            if not self.free(venue, start, title):
                continue
            at = self.rng.uniform(0, 900)
            self.emit(at, self.label("original"), self.body(head, title, start, venue))
            own_label = self.label("corrected")
            copy = self.body(branch, title, start, venue)
            self.emit(at + self.rng.uniform(1, 30), own_label, copy)
            own_title = self.title()
            self.emit(
                at + self.rng.uniform(40, 100),
                own_label,
                {**copy, "revision": 2, "title": own_title, "venue": self.room(branch)},
            )

    def weekly(self, series: int) -> None:
        for _ in range(series):
            member = self.rng.choice(self.members(Tier.district, Tier.county, Tier.branch))
            venue, name = self.room(member), self.rng.choice(SERIES)
            first = self.start_at(slot=self.rng.choice([time(10, 0), time(14, 30), time(19, 0)]))
            at = self.rng.uniform(0, 900)
            for week in range(self.rng.choice([6, 8, 10])):
                start = first + timedelta(weeks=week)
                if not self.free(venue, start, name):
                    continue
                self.emit(
                    at + week * 5, self.label("weekly"), self.body(member, name, start, venue, category="reading_club")
                )

    def same_title_everywhere(self, campaigns: int) -> None:
        branches = self.members(Tier.branch, Tier.service_point, Tier.district, Tier.county)
        for n in range(campaigns):
            title = CAMPAIGN_TITLES[n % len(CAMPAIGN_TITLES)]
            start = self.start_at(date(YEAR, 4, 23) + timedelta(days=7 * (n // len(CAMPAIGN_TITLES))), time(14, 30))
            at = self.rng.uniform(0, 1000)
            for member in self.rng.sample(branches, k=self.rng.randint(5, 8)):
                rooms = self.alliance.venues_of(member.id)
                venue = (
                    {"venue_id": rooms[0].id, "name": rooms[0].name}
                    if rooms and self.rng.random() < 0.7
                    else {"name": self.rng.choice(["阅览室", "多功能厅", f"{member.name}阅览室", "报告厅"])}
                )
                if not self.free(venue, start, f"{member.id}{title}"):
                    continue
                self.emit(
                    at + self.rng.uniform(0, 50),
                    self.label("campaign"),
                    self.body(
                        member,
                        self.variant(title, self.rng),
                        start,
                        venue,
                        category="reading_club",
                        campaign_id="reading-month" if start.month == 4 else None,
                    ),
                )

    def same_hall(self, count: int) -> None:
        """Other events in one hall: an all-day exhibition and a lecture, a second session later."""
        for _ in range(count):
            member = self.rng.choice([m for m in self.members() if self.alliance.venues_of(m.id)])
            room = self.rng.choice(self.alliance.venues_of(member.id))
            venue, day = {"venue_id": room.id, "name": room.name}, self.day()
            at = self.rng.uniform(0, 1000)
            if self.rng.random() < 0.5:
                show = self.body(
                    member,
                    self.rng.choice(EXHIBITIONS),
                    self.start_at(day, time(9, 0)),
                    venue,
                    category="exhibition",
                    hours=8,
                )
                talk = self.body(member, f"公益讲座：{self.rng.choice(TOPICS)}", self.start_at(day, time(9, 30)), venue)
                pair = [show, talk]
            else:
                base = f"少儿手工课：{self.rng.choice(['我的第一本手工书', '剪纸中的年味', '纸艺花灯'])}"
                pair = [
                    self.body(member, f"{base}（第一场）", self.start_at(day, time(9, 30)), venue, category="children"),
                    self.body(member, f"{base}（第二场）", self.start_at(day, time(10, 0)), venue, category="children"),
                ]
            for offset, body in enumerate(pair):
                self.emit(at + offset, self.label("hall"), body)


def main() -> None:
    alliance_file = HERE / "alliance.toml"
    if not alliance_file.exists():
        shutil.copyfile(ROOT / "shuxiang" / "demo" / "alliance.toml", alliance_file)
    generator = Generator(load_alliance(alliance_file), random.Random(SEED))
    generator.ordinary(620)
    generator.cohosted(230)
    generator.double_entries(90)
    generator.reposts(70)
    generator.corrected_copies(30)
    generator.weekly(30)
    generator.same_title_everywhere(16)
    generator.same_hall(60)
    lines = []
    for message in sorted(generator.messages, key=lambda m: m.at):
        body = ActivitySubmission.model_validate(message.body).model_dump(mode="json", exclude_defaults=True)
        body.setdefault("revision", message.body["revision"])
        lines.append(json.dumps({"label": message.label, **body}, ensure_ascii=False))
    (HERE / "eval.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} labelled submissions to {HERE / 'eval.jsonl'}")


if __name__ == "__main__":
    main()
