"""Write the second tuning set, "wild": ``python tests/data/dedup/generate_wild.py``.

``wild/alliance.toml`` (a fictional city alliance of 15 members, no venue directory) and
``wild/eval.jsonl`` (ActivitySubmissions plus ``label``, in publishing order), drawn from
``random.Random(SEED)``.  Where ``generate.py`` writes the alliance's own habits (venue ids,
aliases), this one writes the ways librarians type when nobody gave them a directory — the
variation classes of issue 18:

* venues written differently: the library's name or its abbreviation (区馆, 区图, 市馆, 县馆,
  "石门分馆"), the room with or without its floor, the street address instead of the room;
* co-hosts that list everyone, only the host and themselves, or nobody;
* start times off by habit: the sign-in 15–30 minutes early, a rounded hour, up to an hour;
* decorated titles: 【联盟活动】, 【活动预告】, 欢迎参加, 报名中 / 已满员, emoji, "活动" or
  "读书分享活动" appended, the brand prefix before "：" dropped;
* the same library entering an activity twice (a slightly different title, a start 10 min off);
* arrival in any order (the announcement that connects two others often last);

and the look-alikes that must stay apart: weekly series, one programme at several branches at
the same hour, parallel sessions in one building, 第一场 / 第二场 an hour apart, another event
in the same hall later that day.

This set is for tuning; the figures that count come from sets its authors did not write.
"""

from __future__ import annotations

import json
import random
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent / "wild"
SEED = 1818
TZ = ZoneInfo("Asia/Shanghai")
YEAR = 2026

# id, name, tier, parent, abbreviations, address
MEMBERS = [
    ("lj", "临江市图书馆", "central", None, ["市馆", "市图", "临江市图"], "临江市滨江大道88号"),
    ("lj-kids", "临江市少年儿童图书馆", "branch", "lj", ["市少儿馆", "少儿图书馆"], "临江市文化路12号"),
    ("lj-sf1", "临江市图书馆江滨城市书房", "branch", "lj", ["江滨书房", "江滨城市书房"], "临江市江滨公园东门"),
    ("dc", "东城区图书馆", "district", "lj", ["区馆", "区图", "东城区图", "东城图书馆"], "东城区解放路201号"),
    ("dc-b1", "东城区图书馆桃园分馆", "branch", "dc", ["桃园分馆"], "东城区桃园街道文体中心"),
    ("dc-b2", "东城区图书馆柳巷分馆", "branch", "dc", ["柳巷分馆"], "东城区柳巷街45号"),
    ("xc", "西城区图书馆", "district", "lj", ["区馆", "区图", "西城区图", "西城图书馆"], "西城区人民路9号"),
    ("xc-b1", "西城区图书馆河口分馆", "branch", "xc", ["河口分馆"], "西城区河口镇政府旁"),
    ("xc-sp1", "西城区河口社区书吧", "service_point", "xc-b1", ["河口书吧"], "西城区河口社区服务中心"),
    ("nh", "南湖区图书馆", "district", "lj", ["区馆", "区图", "南湖区图"], "南湖区湖滨路66号"),
    ("nh-b1", "南湖区图书馆湖滨分馆", "branch", "nh", ["湖滨分馆"], "南湖区湖滨街道办事处三楼"),
    ("qs", "青山县图书馆", "county", "lj", ["县馆", "县图", "青山县图"], "青山县城关镇文昌路3号"),
    ("qs-b1", "青山县图书馆石门镇分馆", "branch", "qs", ["石门分馆", "石门镇分馆"], "青山县石门镇综合文化站"),
    ("qs-b2", "青山县图书馆白沙镇分馆", "branch", "qs", ["白沙分馆"], "青山县白沙镇中心街"),
    ("qs-sp1", "青山县石门村农家书屋", "service_point", "qs-b1", ["石门农家书屋"], "青山县石门村村委会"),
]
GENERIC = {"市馆", "市图", "区馆", "区图", "县馆", "县图"}
"""What a member calls its own head library (and the city library), never another's."""
ROOMS = ["报告厅", "多功能厅", "少儿阅览室", "展厅", "培训室", "活动室", "大厅", "阅览室", "亲子阅读区", "会议室"]
FLOORS = ["一楼", "二楼", "三楼", "四楼", "负一楼"]
TOPICS = [
    "江城老街的记忆",
    "宋词里的四季",
    "家庭教育与亲子沟通",
    "中医养生与四季调养",
    "非遗里的中国",
    "数字时代如何读书",
    "苏东坡的人生智慧",
    "老照片里的临江",
    "网络安全与老年人",
    "垃圾分类从我做起",
    "唐诗里的山河",
    "王阳明心学入门",
    "青山县的民间故事",
    "敦煌壁画里的色彩",
    "近代报刊与城市",
    "科学家的故事",
    "长江航运史话",
    "食品安全知多少",
    "如何给孩子挑绘本",
    "书法入门：楷书的笔画",
]
BOOKS = [
    "平凡的世界",
    "人世间",
    "活着",
    "乡土中国",
    "边城",
    "呼兰河传",
    "围城",
    "苏东坡传",
    "白鹿原",
    "长安的荔枝",
    "繁花",
    "论语",
    "城南旧事",
    "朝花夕拾",
    "骆驼祥子",
    "文化苦旅",
    "小王子",
    "草房子",
    "额尔古纳河右岸",
    "红岩",
]
BRANDS = ["江城讲坛", "青山书会", "东城悦读", "湖滨故事会", "河口夜读", "临江少儿阅读季"]
SLOTS = [time(9, 0), time(9, 30), time(10, 0), time(14, 0), time(14, 30), time(15, 0), time(19, 0)]
EMOJI = ["📚", "✨", "🌸", "🔥", "📖", "🎉"]


class Gen:
    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)
        self.lines: list[tuple[float, str, dict]] = []
        self.n = 0
        self.refs: dict[str, int] = {}
        self.by_id = {m[0]: m for m in MEMBERS}
        self.used: set = set()

    def label(self, kind: str) -> str:
        self.n += 1
        return f"{kind}-{self.n:05d}"

    def ref(self, lib: str) -> str:
        self.refs[lib] = self.refs.get(lib, 0) + 1
        return f"{lib}-{self.refs[lib]:04d}"

    def day(self) -> date:
        return date(YEAR, 1, 4) + timedelta(days=self.r.randint(0, 340))

    def children(self, lib: str) -> list[str]:
        return [m[0] for m in MEMBERS if m[3] == lib]

    def title(self) -> str:
        r = self.r
        return r.choice(
            [
                lambda: f"{r.choice(BRANDS)}：{r.choice(TOPICS)}",
                lambda: f"公益讲座：{r.choice(TOPICS)}",
                lambda: f"读书会·共读《{r.choice(BOOKS)}》",
                lambda: f"{r.choice(BRANDS)}：《{r.choice(BOOKS)}》读书分享",
                lambda: f"{r.choice(TOPICS)}主题讲座",
                lambda: f"亲子阅读：{r.choice(['绘本里的春天', '一起读童话', '小小故事家', '汉字的故事'])}",
                lambda: f"{r.choice(['阅读推广人培训', '基层服务点业务培训', '文化志愿者培训'])}",
                lambda: f"{r.choice(['新书推荐展', '地方文献展', '老照片展', '少儿绘画作品展'])}开幕式",
            ]
        )()

    # how somebody writes the place and the title --------------------------------------------

    def venue(self, at: str, room: str, floor: str, *, writer: str) -> dict:
        """How ``writer`` types ``room`` on ``floor`` of library ``at``."""
        r = self.r
        lib = self.by_id[at]
        name, abbrevs, address = lib[1], lib[4], lib[5]
        own = writer == at
        if not (own or at in self.ancestors(writer)):  # "区馆" is the writer's own district library
            abbrevs = [a for a in abbrevs if a not in GENERIC] or [name]
        forms = [
            lambda: f"{name}{floor}{room}",
            lambda: f"{name}{room}",
            lambda: f"{r.choice(abbrevs)}{room}",
            lambda: f"{r.choice(abbrevs)}{floor}{room}",
            lambda: f"{name}（{floor}{room}）",
            lambda: address,
            lambda: f"{address}{floor}{room}",
        ]
        if own or self.related(writer, at):  # a bare room only where the reader knows whose
            forms += [lambda: f"{floor}{room}", lambda: room, lambda: f"{room}（{floor}）"]
        text = r.choice(forms)()
        if r.random() < 0.1:
            text = text.replace("图书馆", " 图书馆 ", 1)
        return {"name": text}

    def ancestors(self, lib: str) -> list[str]:
        out, parent = [], self.by_id[lib][3]
        while parent:
            out.append(parent)
            parent = self.by_id[parent][3]
        return out

    def related(self, a: str, b: str) -> bool:
        return self.by_id[a][3] == b or self.by_id[b][3] == a

    def decorate(self, title: str) -> str:
        r = self.r
        core = title
        if "：" in core and r.random() < 0.3:  # the brand prefix dropped
            core = core.split("：", 1)[1]
        roll = r.random()
        if roll < 0.15:
            core = f"【{r.choice(['联盟活动', '活动预告', '预告', '书香临江'])}】{core}"
        elif roll < 0.25:
            core = f"欢迎参加｜{core}"
        elif roll < 0.35:
            core = f"{core}（{r.choice(['报名中', '已满员', '火热报名中', '名额有限'])}）"
        elif roll < 0.45:
            core = f"{r.choice(EMOJI)}{core}{r.choice(EMOJI) if r.random() < 0.5 else ''}"
        elif roll < 0.55 and not core.endswith("活动"):
            core = f"{core}{r.choice(['活动', '读书分享活动', '主题活动'])}"
        elif roll < 0.6:
            core = core.replace("：", " | ")
        return core

    def shift(self) -> int:
        return self.r.choice([0] * 10 + [-15, -30, -30, 15, 30, 30, -60, 60])

    def body(
        self,
        lib: str,
        title: str,
        start: datetime,
        venue: dict,
        hours: float,
        *,
        category: str,
        organizers: list | None = None,
    ) -> dict:
        return {
            "library_id": lib,
            "source_ref": self.ref(lib),
            "revision": 1,
            "title": title,
            "category": category,
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=hours)).isoformat(),
            "venue": venue,
            **({"organizers": organizers} if organizers else {}),
        }

    def slot(self, room_key: tuple) -> tuple[datetime, str, str, float] | None:
        day, at = self.day(), self.r.choice(SLOTS)
        start = datetime.combine(day, at, TZ)
        room, floor = self.r.choice(ROOMS), self.r.choice(FLOORS)
        key = (*room_key, day, room, at.hour)
        if key in self.used:
            return None
        self.used.add(key)
        return start, room, floor, self.r.choice([1, 1.5, 2])

    def emit(self, label: str, body: dict, at: float | None = None) -> None:
        self.lines.append((self.r.uniform(0, 1000) if at is None else at, label, body))

    # scenarios --------------------------------------------------------------------------------

    def single(self) -> None:
        lib = self.r.choice(MEMBERS)[0]
        got = self.slot((lib,))
        if got is None:
            return
        start, room, floor, hours = got
        title = self.title()
        self.emit(
            self.label("one"),
            self.body(
                lib, self.decorate(title), start, self.venue(lib, room, floor, writer=lib), hours, category="lecture"
            ),
        )

    def cohosted(self) -> None:
        r = self.r
        host = r.choice(
            [m[0] for m in MEMBERS if m[2] in ("central", "district", "county")] * 2 + [m[0] for m in MEMBERS]
        )
        near = self.children(host) + ([self.by_id[host][3]] if self.by_id[host][3] else [])
        near += [m[0] for m in MEMBERS if m[2] in ("central", "district", "county") and m[0] != host]
        partners = list(dict.fromkeys(r.sample(near, k=min(len(near), r.choice([1, 1, 1, 2, 2, 3])))))
        got = self.slot((host,))
        if got is None:
            return
        start, room, floor, hours = got
        title, category = self.title(), r.choice(["lecture", "salon", "reading_club", "parent_child"])
        everyone = [{"library_id": host, "role": "host"}] + [{"library_id": p, "role": "co_host"} for p in partners]
        label = self.label("cohost")
        t0 = r.uniform(0, 1000)
        self.emit(
            label,
            self.body(
                host,
                self.decorate(title),
                start,
                self.venue(host, room, floor, writer=host),
                hours,
                category=category,
                organizers=everyone if r.random() < 0.7 else None,
            ),
            at=t0,
        )
        for p in partners:
            listing = r.random()
            orgs = (
                everyone
                if listing < 0.4
                else (
                    [{"library_id": host, "role": "host"}, {"library_id": p, "role": "co_host"}]
                    if listing < 0.7
                    else None
                )
            )
            moved = start + timedelta(minutes=self.shift())
            self.emit(
                label,
                self.body(
                    p,
                    self.decorate(title),
                    moved,
                    self.venue(host, room, floor, writer=p),
                    hours,
                    category=category if r.random() < 0.8 else "other",
                    organizers=orgs,
                ),
                at=t0 + r.uniform(-200, 400),
            )
        if r.random() < 0.1:  # the host enters it twice
            moved = start + timedelta(minutes=r.choice([0, 10, -10]))
            again = title + r.choice(["", "（更新）", "活动", "（主讲：王老师）"])
            self.emit(
                label,
                self.body(host, again, moved, self.venue(host, room, floor, writer=host), hours, category=category),
                at=t0 + r.uniform(1, 300),
            )

    def twice(self) -> None:
        lib = self.r.choice(MEMBERS)[0]
        got = self.slot((lib,))
        if got is None:
            return
        start, room, floor, hours = got
        title = self.title()
        label = self.label("twice")
        t0 = self.r.uniform(0, 1000)
        self.emit(
            label,
            self.body(lib, title, start, self.venue(lib, room, floor, writer=lib), hours, category="lecture"),
            at=t0,
        )
        moved = start + timedelta(minutes=self.r.choice([0, 10, -10, 0]))
        self.emit(
            label,
            self.body(
                lib, self.decorate(title), moved, self.venue(lib, room, floor, writer=lib), hours, category="lecture"
            ),
            at=t0 + self.r.uniform(1, 100),
        )

    def weekly(self) -> None:
        lib = self.r.choice(MEMBERS)[0]
        got = self.slot((lib, "weekly"))
        if got is None:
            return
        start, room, floor, hours = got
        title = self.r.choice(["周六绘本时光", "周末公益电影", "周三晚间读书会", "老年人智能手机课堂", "周末国学课"])
        venue = self.venue(lib, room, floor, writer=lib)
        for week in range(self.r.randint(4, 10)):
            self.emit(
                self.label("weekly"),
                self.body(lib, title, start + timedelta(weeks=week), venue, hours, category="reading_club"),
            )

    def programme(self) -> None:
        """One programme at several branches at the same hour: each branch's session is its own."""
        head = self.r.choice(["lj", "dc", "xc", "qs", "nh"])
        branches = [head, *self.children(head)]
        got = self.slot((head, "programme"))
        if got is None:
            return
        start, room, floor, hours = got
        title = self.r.choice(
            ["4·23 世界读书日：经典诵读会", "读书月·好书交换", "暑期少儿阅读：绘本共读", "全民阅读：我最爱的一本书"]
        )
        for lib in self.r.sample(branches, k=min(len(branches), self.r.randint(2, 4))):
            room = self.r.choice(ROOMS)
            self.emit(
                self.label("programme"),
                self.body(lib, title, start, self.venue(lib, room, floor, writer=lib), hours, category="festival"),
            )

    def parallel(self) -> None:
        """Parallel sessions in one building; 第一场 / 第二场; another event in the hall later."""
        lib = self.r.choice([m[0] for m in MEMBERS if m[2] in ("central", "district", "county")])
        got = self.slot((lib, "parallel"))
        if got is None:
            return
        start, room, floor, hours = got
        kind = self.r.random()
        if kind < 0.4:
            rooms = self.r.sample(ROOMS, k=2)
            for other_room, title in zip(rooms, self.r.sample(TOPICS, k=2), strict=True):
                self.emit(
                    self.label("parallel"),
                    self.body(
                        lib,
                        f"公益讲座：{title}",
                        start,
                        self.venue(lib, other_room, floor, writer=lib),
                        1.5,
                        category="lecture",
                    ),
                )
        elif kind < 0.7:
            title = self.r.choice(["亲子绘本剧表演", "少儿编程体验课", "非遗剪纸体验", "小小讲解员培训"])
            for n, label in enumerate(["第一场", "第二场"]):
                self.emit(
                    self.label("session"),
                    self.body(
                        lib,
                        f"{title}（{label}）",
                        start + timedelta(hours=n),
                        self.venue(lib, room, floor, writer=lib),
                        1,
                        category="children",
                    ),
                )
        else:
            for n, title in enumerate(self.r.sample(TOPICS, k=2)):
                later = start + timedelta(hours=n * self.r.choice([1, 2, 3]))
                self.emit(
                    self.label("hall"),
                    self.body(
                        lib,
                        f"公益讲座：{title}",
                        later,
                        self.venue(lib, room, floor, writer=lib),
                        1,
                        category="lecture",
                    ),
                )

    def run(self) -> list[dict]:
        plan = (
            ["single"] * 700
            + ["cohosted"] * 420
            + ["twice"] * 60
            + ["weekly"] * 25
            + ["programme"] * 45
            + ["parallel"] * 90
        )
        self.r.shuffle(plan)
        for step in plan:
            getattr(self, step)()
        self.lines.sort(key=lambda line: line[0])
        return [{**body, "label": label} for _, label, body in self.lines]


def alliance_toml() -> str:
    out = [
        "# A fictional city alliance for tuning dedup (generate_wild.py); no venue directory.",
        "",
        "[alliance]",
        'id = "linjiang"',
        'name = "临江市阅读推广联盟"',
        'timezone = "Asia/Shanghai"',
        "",
    ]
    for n, (lib, name, tier, parent, _, address) in enumerate(MEMBERS):
        out += ["[[members]]", f'id = "{lib}"', f'name = "{name}"', f'tier = "{tier}"']
        if parent:
            out.append(f'parent = "{parent}"')
        if n % 3 == 0:  # most members left their address out of the file
            out.append(f'address = "{address}"')
        out.append("")
    return "\n".join(out)


def main() -> None:
    HERE.mkdir(exist_ok=True)
    (HERE / "alliance.toml").write_text(alliance_toml(), encoding="utf-8")
    lines = Gen(SEED).run()
    with (HERE / "eval.jsonl").open("w", encoding="utf-8") as out:
        for line in lines:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    print(f"{len(lines)} lines → {HERE / 'eval.jsonl'}")


if __name__ == "__main__":
    main()
