#!/usr/bin/env python3
"""Holdout evaluation set 16: two invented alliances (city_ii 青漪市, city_jj 朔川市).

Stdlib only, fixed seeds, deterministic.  Run: python3 generate_holdout16.py  (writes next to itself).
"""
import json
import random
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

OUT = Path(__file__).resolve().parent
CST = timezone(timedelta(hours=8))

# ----------------------------------------------------------------------------- cities
CITIES = {
    "ii": dict(
        dir="city_ii", seed=16016, alliance_id="qingyi", name="青漪市阅读推广联盟", name_en="Qingyi Reading Alliance",
        directory=True, book_bus=None,
        members=[
            # id, name, tier, parent, address, abbreviations, rooms [(floor, room)]
            ("qy", "青漪市图书馆", "central", None, "青漪市明湖区文渊路88号",
             ["市图书馆", "市图", "市馆", "青漪图书馆", "青漪市图"],
             [("一楼", "大厅"), ("三楼", "多功能厅"), ("二楼", "少儿阅览室"), ("四楼", "报告厅"), ("五楼", "展厅"), ("二楼", "数字体验区"), ("三楼", "视障阅览室")]),
            ("mh", "明湖区图书馆", "district", "qy", "青漪市明湖区桂巷路16号",
             ["明湖区图", "明湖区馆", "区馆", "区图", "明湖图书馆"],
             [("一楼", "大厅"), ("二楼", "多功能厅"), ("三楼", "少儿活动室"), ("一楼", "展览区")]),
            ("xt", "溪亭区图书馆", "district", "qy", "青漪市溪亭区梅岭大道205号",
             ["溪亭区图", "溪亭区馆", "区馆", "区图", "溪亭图书馆"],
             [("一楼", "报告厅"), ("二楼", "亲子阅读区"), ("三楼", "培训室"), ("一楼", "大厅")]),
            ("lx", "澜溪县图书馆", "county", "qy", "澜溪县城关镇解放东路9号",
             ["澜溪县馆", "县馆", "县图书馆", "澜溪图书馆"],
             [("一楼", "大厅"), ("二楼", "多功能厅"), ("二楼", "少儿阅览室"), ("三楼", "电子阅览室")]),
            ("mh-gx", "明湖区图书馆桂巷分馆", "branch", "mh", "青漪市明湖区桂巷街道社区服务中心三楼",
             ["桂巷分馆", "分馆", "桂巷图书分馆"], [("", "阅览室"), ("", "活动室")]),
            ("mh-bh", "明湖区城市书房（滨河店）", "branch", "mh", "青漪市明湖区滨河路公园北门",
             ["滨河城市书房", "城市书房（滨河）", "滨河书房"], [("", "书房"), ("", "阅读角")]),
            ("xt-ml", "溪亭区图书馆梅岭分馆", "branch", "xt", "青漪市溪亭区梅岭镇文化中心",
             ["梅岭分馆", "分馆"], [("", "阅览室"), ("", "多功能室")]),
            ("xt-gt", "溪亭区城市书房（高铁站店）", "branch", "xt", "青漪市溪亭区高铁站东广场",
             ["高铁站城市书房", "城市书房（高铁站）", "高铁书房"], [("", "书房"), ("", "分享区")]),
            ("lx-bs", "澜溪县图书馆白沙镇分馆", "branch", "lx", "澜溪县白沙镇人民路3号",
             ["白沙分馆", "白沙镇分馆", "分馆"], [("", "阅览室"), ("", "活动室")]),
            ("lx-bs-wz", "澜溪县白沙镇综合文化站", "service_point", "lx-bs", "澜溪县白沙镇政府院内",
             ["白沙文化站", "文化站"], [("", "文化站活动室")]),
            ("lx-ht", "澜溪县荷塘村农家书屋", "service_point", "lx-bs", "澜溪县白沙镇荷塘村村委会",
             ["荷塘农家书屋", "农家书屋"], [("", "书屋")]),
            ("mh-gx-wz", "明湖区桂巷街道文化站", "service_point", "mh-gx", "青漪市明湖区桂巷街道办二楼",
             ["桂巷文化站", "文化站"], [("", "活动室")]),
        ],
        brands=[("qy-qyjt", "青漪讲堂", "qy", 2014, "lecture"), ("qy-xbd", "小书虫故事会", "qy", 2017, "children"),
                ("mh-ydxs", "悦读小时光", "mh", 2019, "parent_child"), ("xt-mlsh", "梅岭书话", "xt", 2018, "salon"),
                ("lx-gdrd", "古典诵读", "lx", 2016, "reading_club"), ("qy-mdjy", "盲道阅读日", "qy", 2015, "accessibility")],
    ),
    "jj": dict(
        dir="city_jj", seed=16017, alliance_id="shuochuan", name="朔川市公共图书馆阅读推广联盟", name_en="Shuochuan Library Reading Alliance",
        directory=False, book_bus="sc-bus",
        members=[
            ("sc", "朔川市图书馆", "central", None, "朔川市河西区长庆街1号",
             ["市图书馆", "市图", "市馆", "朔川图书馆"],
             [("一楼", "报告厅"), ("二楼", "多功能厅"), ("三楼", "少儿部"), ("一楼", "展厅"), ("四楼", "读者培训室")]),
            ("hx", "河西区图书馆", "district", "sc", "朔川市河西区建设北路77号",
             ["河西区图", "河西区馆", "区馆", "区图"],
             [("一楼", "大厅"), ("二楼", "报告厅"), ("二楼", "少儿阅览区")]),
            ("ly", "柳营区图书馆", "district", "sc", "朔川市柳营区营盘路12号",
             ["柳营区图", "柳营区馆", "区馆", "区图"],
             [("一楼", "多功能厅"), ("二楼", "亲子绘本馆"), ("三楼", "自习室")]),
            ("by", "北塬县图书馆", "county", "sc", "北塬县塬上镇文化路8号",
             ["北塬县馆", "县馆", "县图书馆"],
             [("一楼", "大厅"), ("二楼", "读书活动室"), ("二楼", "少儿阅览室")]),
            ("np", "南坪县图书馆", "county", "sc", "南坪县新华街45号",
             ["南坪县馆", "县馆", "南坪图书馆"],
             [("一楼", "报告厅"), ("二楼", "少儿部"), ("三楼", "展厅")]),
            ("hx-cf", "河西区城市书房（长丰路）", "branch", "hx", "朔川市河西区长丰路与纬二路交口",
             ["长丰路城市书房", "城市书房", "长丰书房"], [("", "书房")]),
            ("ly-jq", "柳营区图书馆军桥分馆", "branch", "ly", "朔川市柳营区军桥街道办一楼",
             ["军桥分馆", "分馆"], [("", "阅览室")]),
            ("by-sz", "北塬县图书馆石嘴镇分馆", "branch", "by", "北塬县石嘴镇中心街",
             ["石嘴分馆", "分馆"], [("", "阅览室")]),
            ("by-sz-hy", "北塬县石嘴镇红崖村农家书屋", "service_point", "by-sz", "北塬县石嘴镇红崖村",
             ["红崖农家书屋", "农家书屋"], [("", "书屋")]),
            ("np-xc-wz", "南坪县新村乡综合文化站", "service_point", "np", "南坪县新村乡政府东侧",
             ["新村文化站", "文化站"], [("", "活动室")]),
            ("sc-bus", "朔川市图书馆流动图书车", "branch", "sc", "朔川市河西区长庆街1号（车库）",
             ["流动图书车", "图书车", "流动书车"], [("", "车旁")]),
        ],
        brands=[("sc-sfjt", "朔方讲坛", "sc", 2013, "lecture"), ("sc-ushu", "U书到家", "sc", 2020, "digital"),
                ("hx-hbxw", "绘本小屋", "hx", 2018, "parent_child"), ("ly-jyds", "军营读书会", "ly", 2017, "outreach"),
                ("by-gtds", "塬上读书会", "by", 2016, "reading_club"), ("np-sgrd", "书香南坪·经典导读", "np", 2019, "reading_club")],
    ),
}

TOPICS = {
    "lecture": ["宋词里的江南", "家庭财商教育", "中医养生与四季", "从甲骨文说汉字", "红楼梦人物谈", "城市考古新发现", "青少年心理健康", "唐诗中的边塞", "非遗剪纸的前世今生", "人工智能与生活"],
    "reading_club": ["《平凡的世界》共读", "《活着》读书会", "《额尔古纳河右岸》分享", "《乡土中国》共读", "《红岩》读书会", "《人间词话》研读"],
    "salon": ["旅行与写作", "诗歌朗读沙龙", "老照片里的城市", "方言与地方记忆", "茶与书的午后"],
    "exhibition": ["馆藏地方文献展", "抗战老报纸展", "少儿绘画作品展", "古籍修复成果展", "书法篆刻作品展"],
    "children": ["绘本故事会", "小小图书管理员体验", "科学小实验", "手工折纸课堂", "儿童戏剧工作坊"],
    "parent_child": ["亲子共读时光", "亲子手工绘本制作", "亲子阅读分享会", "亲子国学诵读"],
    "contest": ["少儿诵读大赛", "读书征文比赛", "成语知识竞赛", "书法比赛"],
    "training": ["老年人智能手机培训", "数字资源使用培训", "阅读推广人培训", "志愿者上岗培训"],
    "outreach": ["图书进社区", "阅读进军营", "送书进企业", "图书进校园", "书香进机关"],
    "screening": ["公益电影放映", "经典老电影展映", "无障碍电影放映"],
    "digital": ["数字阅读体验", "电子书借阅推广", "VR阅读体验"],
    "accessibility": ["视障读者听书会", "无障碍阅读分享", "口述影像观影会"],
}
AUDIENCES = {"children": "3-8岁儿童", "parent_child": "亲子家庭", "training": "老年读者", "accessibility": "视障读者", "outreach": "社区居民"}
PARTNERS = ["实验小学", "市社科联", "市科协", "师范学院", "桂巷社区", "某部队营区", "红旗中学", "老年大学", "残疾人联合会"]
SCHOOLS = ["实验小学", "第二中学", "红旗小学", "育才学校", "民族中学", "城关小学"]
VILLAGES = ["东湾村", "杨家庄", "柳树沟", "上河村", "北坡村", "马场村"]
CAMPAIGNS = [("reading-month", "4·23世界读书日暨读书月", "2026-04-01", "2026-04-30"),
             ("summer-reading", "少儿暑期阅读季", "2026-07-01", "2026-08-31"),
             ("service-week", "图书馆服务宣传周", "2026-05-20", "2026-05-31"),
             ("spring-festival", "网络书香过大年", "2026-02-01", "2026-03-03")]

SIZE_W = {1: 47, 2: 27.5, 3: 13.75, 4: 6, 5: 3.3, 6: 1.65, 7: 1.1, 8: 1.1, 9: 0.6}

TYPO = [("图书馆", "图书管"), ("多功能厅", "多功能听"), ("报告厅", "报告听"), ("阅览室", "阅揽室"), ("活动室", "活动是"), ("大厅", "大听"), ("书房", "书坊")]
FW = str.maketrans("0123456789()", "０１２３４５６７８９（）")
HW = str.maketrans("０１２３４５６７８９（）：", "0123456789():")


def iso(dt):
    return dt.isoformat()


class Gen:
    def __init__(self, key):
        self.c = CITIES[key]
        self.key = key
        self.r = random.Random(self.c["seed"])
        self.mem = {m[0]: m for m in self.c["members"]}
        self.ids = [m[0] for m in self.c["members"]]
        self.lines = []  # (pubtime, seq, obj)
        self.seq = 0
        self.labels = {}  # label -> family
        self.nlab = 0
        self.varc = Counter()
        self.famc = Counter()
        self.refn = Counter()
        self.used = set()  # (lib, base title, date, hour) for distinguishability
        self.year = 2026
        self.seqlab = {}
        self.issue_no = {}

    # ---------------------------------------------------------------- helpers
    def new_label(self, family):
        self.nlab += 1
        lab = f"{self.key}-{self.nlab:04d}"
        self.labels[lab] = family
        self.famc[family] += 1
        return lab

    def source_ref(self, lib, style=None):
        self.refn[lib] += 1
        n = self.refn[lib]
        style = style or (hash(lib) % 3 if False else sum(map(ord, lib)) % 3)
        if style == "ics":
            return f"ics:{lib}-{n:05d}@cal.{self.c['alliance_id']}.example"
        return [f"{lib.upper()}-2026-{n:04d}", f"{lib}_act_{1000 + n}", f"wx{n:06d}{lib.replace('-', '')}"][style]

    def pick_size(self):
        ks = list(SIZE_W)
        return self.r.choices(ks, weights=[SIZE_W[k] for k in ks])[0]

    def rand_day(self):
        d = datetime(2026, 1, 6, tzinfo=CST) + timedelta(days=self.r.randrange(0, 340))
        return d

    def room_of(self, lib):
        return self.r.choice(self.mem[lib][6])

    def cohosts_for(self, host, n):
        others = [i for i in self.ids if i != host and i != self.c["book_bus"]]
        # prefer relatives in the tree
        par = self.mem[host][3]
        rel = [i for i in others if self.mem[i][3] == host or i == par or (par and self.mem[i][3] == par)]
        pool = rel + [o for o in others if o not in rel]
        out = []
        for _ in range(n):
            cand = [p for p in (rel if rel and self.r.random() < 0.7 else pool) if p not in out]
            if not cand:
                cand = [p for p in pool if p not in out]
            out.append(self.r.choice(cand))
        return out

    # ---------------------------------------------------------------- activities
    def activity(self, family, host, title, category, start, dur_min, room, *, cohosts=None, size=None,
                 brand=None, campaign=None, venue_text=None, allow_postpone=True, all_day=False, audience=None,
                 partners=None, core=None):
        """One real activity; emits its announcements."""
        lab = self.new_label(family)
        size = size or self.pick_size()
        if cohosts is None:
            nco = 0
            if size >= 2:
                nco = self.r.choices([0, 1, 2, 3], weights=[30, 40, 20, 10])[0]
                nco = min(nco, size - 1)
            elif self.r.random() < 0.15:
                nco = 1  # listed but never announces itself
            cohosts = self.cohosts_for(host, nco)
        if campaign is None and self.r.random() < 0.25:
            m = start.month
            campaign = {4: "reading-month", 7: "summer-reading", 8: "summer-reading", 2: "spring-festival"}.get(m)
            if m == 5 and start.day >= 20:
                campaign = "service-week"
        issue = None
        if brand:
            self.issue_no[brand] = self.issue_no.get(brand, self.r.randint(20, 120)) + 1
            issue = self.issue_no[brand]
        act = dict(issue_no=issue, label=lab, host=host, title=title, core=core or title, category=category, start=start,
                   end=start + timedelta(minutes=dur_min), room=room, cohosts=cohosts, brand=brand,
                   campaign=campaign, venue_text=venue_text, all_day=all_day,
                   audience=audience or AUDIENCES.get(category), partners=partners or [])
        self.emit(act, size, allow_postpone)
        return lab

    # ---------------------------------------------------------------- emission
    def emit(self, a, size, allow_postpone):
        r = self.r
        announcers = [a["host"]] + a["cohosts"][: max(0, size - 1)]
        # a co-host sometimes announces and the host never does
        if len(announcers) >= 2 and r.random() < 0.1:
            announcers = announcers[1:]
        extra = size - len(announcers)
        plans = []  # (lib, kind)
        for lib in announcers:
            plans.append([lib, "base"])
        kinds = []
        slots = extra
        while slots > 0:
            k = r.choices(["revision", "twice", "ics", "cancel", "postpone"],
                          weights=[40, 22, 12, 10, 16 if allow_postpone else 0])[0]
            if k == "postpone" and (slots < 2 or "postpone" in kinds or "cancel" in kinds):
                k = "revision"
            if k == "cancel" and ("cancel" in kinds or "postpone" in kinds):
                k = "revision"
            kinds.append(k)
            slots -= 2 if k == "postpone" else 1
        pub0 = a["start"] - timedelta(days=r.randint(6, 24), hours=r.randint(0, 10), minutes=r.randint(0, 59))
        connecting = None
        if len(a["cohosts"]) >= 1 and len(announcers) >= 2:
            connecting = r.choice(announcers) if r.random() < 0.5 else a["host"] if a["host"] in announcers else announcers[0]
        srcs = []  # [lib, ref, pub, start, end, title, venue, orgs, category, revs]
        order = [x for x in announcers if x != connecting] + ([connecting] if connecting else [])
        latest = pub0
        for idx, lib in enumerate(order):
            pub = pub0 + timedelta(hours=idx * r.randint(2, 40), minutes=r.randint(0, 59))
            orgs_mode = "none"
            if a["cohosts"]:
                if lib == connecting:
                    orgs_mode = "all"
                    pub = latest + timedelta(hours=r.randint(3, 60))  # arrives last
                    self.varc["connecting_last"] += 1
                else:
                    orgs_mode = r.choices(["all", "self", "none"], weights=[15, 45, 40])[0]
            latest = max(latest, pub)
            srcs.append(self.base_line(a, lib, pub, orgs_mode, first=(idx == 0)))
        postponed = None
        for k in kinds:
            src = r.choice(srcs)
            self.varc["extra_" + k] += 1
            if k == "revision":
                self.add_revision(a, src)
            elif k == "cancel":
                self.add_revision(a, src, cancel=True)
            elif k == "twice":
                obj = self.base_line(a, src["lib"], src["pub"] + timedelta(minutes=r.randint(5, 600)), "none", first=False)
                if r.random() < 0.5:
                    s = datetime.fromisoformat(obj["out"][0][2]["starts_at"]) + timedelta(minutes=r.choice([-10, 10]))
                    if not obj["out"][0][2]["all_day"]:
                        obj["out"][0][2]["starts_at"] = iso(s)
                        if datetime.fromisoformat(obj["out"][0][2]["ends_at"]) < s:
                            obj["out"][0][2]["ends_at"] = iso(s)
                    self.varc["twice_start_10min"] += 1
                else:
                    obj["out"][0][2]["title"] = self.slight_title(obj["out"][0][2]["title"])
                    self.varc["twice_slight_title"] += 1
                srcs.append(obj)
            elif k == "ics":
                obj = self.base_line(a, src["lib"], src["pub"] + timedelta(hours=r.randint(1, 30)), "none", first=False, ics=True)
                srcs.append(obj)
            elif k == "postpone" and postponed is None:
                postponed = src
        if postponed is not None:
            # old announcement withdrawn (revision cancelled), re-announced under a new ref on a new date
            shift = timedelta(days=r.choice([7, 14, 3, 21]))
            self.add_revision(a, postponed, cancel=True, note="因故延期")
            a2 = dict(a)
            a2["start"] = a["start"] + shift
            a2["end"] = a["end"] + shift
            obj = self.base_line(a2, postponed["lib"], postponed["pub"] + timedelta(days=r.randint(1, 3)), "self", first=False)
            obj["out"][0][2]["title"] = obj["out"][0][2]["title"] + r.choice(["（延期举办）", "（改期）", "（时间调整）", "（新时间）"])
            obj["out"][0][2]["description"] = f"原定{a['start'].month}月{a['start'].day}日的活动延期至{a2['start'].month}月{a2['start'].day}日举行。"
            srcs.append(obj)
        for s in srcs:
            for line in s["out"]:
                self.lines.append(line)
                self.seqlab[line[1]] = a["label"]

    def slight_title(self, t):
        r = self.r
        opts = [lambda x: x.replace("：", ":") if "：" in x else x + " ", lambda x: x + "（第二轮报名）", lambda x: x.replace("分享会", "分享"),
                lambda x: x + "！", lambda x: "【重发】" + x]
        return r.choice(opts)(t)

    def add_revision(self, a, src, cancel=False, note=None):
        r = self.r
        last = dict(src["out"][-1][2])
        last = json.loads(json.dumps(last))
        last["revision"] = last["revision"] + r.choice([1, 1, 1, 2])
        pub = src["out"][-1][0] + timedelta(hours=r.randint(1, 96))
        if pub > a["start"]:
            pub = a["start"] - timedelta(minutes=r.randint(30, 300))
        pub = max(pub, src["out"][-1][0] + timedelta(minutes=r.randint(10, 90)))
        if cancel:
            last["status"] = "cancelled"
            last["description"] = note or r.choice(["因天气原因取消", "因场馆维修，本次活动取消", "活动取消，敬请谅解", "报名人数不足，取消"])
            self.varc["revision_cancelled"] += 1
        else:
            ch = r.choice(["full", "venue", "time", "desc"])
            if ch == "full":
                last["title"] = last["title"] + r.choice(["（已满员）", "【名额已满】", "（报名截止）"])
                self.varc["revision_full"] += 1
            elif ch == "venue" and not last["venue"].get("venue_id"):
                last["venue"] = self.venue(a, src["lib"])
                self.varc["revision_venue"] += 1
            elif ch == "time" and not last["all_day"]:
                s = a["start"] + timedelta(minutes=r.choice([0, 0, -15, 30]))
                last["starts_at"] = iso(s)
                last["ends_at"] = iso(max(s, a["end"]))
                self.varc["revision_time"] += 1
            else:
                last["description"] = (last.get("description") or "") + "补充：请携带读者证。"
                self.varc["revision_desc"] += 1
        src["out"].append((pub, self.next_seq(), last))

    def next_seq(self):
        self.seq += 1
        return self.seq

    # --- titles
    def title_variant(self, a, first):
        r = self.r
        t = a["title"]
        if first and r.random() < 0.6:
            return t
        ops = r.sample(range(14), k=r.choice([1, 1, 2]))
        for op in ops:
            if op == 0:
                t = r.choice(["【联盟活动】", "【活动预告】", "【预告】", "[活动预告]"]) + t; self.varc["title_prefix"] += 1
            elif op == 1:
                t = t + r.choice(["，欢迎参加", " 欢迎参加！", "（报名中）", "｜报名中", "（已满员）"]); self.varc["title_suffix_status"] += 1
            elif op == 2:
                t = r.choice(["📚", "🎉", "✨"]) + t + r.choice(["", "📖", "🌸"]); self.varc["title_emoji"] += 1
            elif op == 3 and not t.endswith("活动"):
                t = t + r.choice(["活动", "读书分享活动"]); self.varc["title_append_huodong"] += 1
            elif op == 4 and "：" in t:
                t = t.split("：", 1)[1]; self.varc["title_drop_brand_prefix"] += 1
            elif op == 5:  # (own) WeChat date prefix
                t = f"{a['start'].month}月{a['start'].day}日｜" + t if r.random() < 0.5 else f"【{a['start'].month}.{a['start'].day}】" + t
                self.varc["own_title_date_prefix"] += 1
            elif op == 6:  # (own) width / punctuation / spacing from another input method or export
                t = t.translate(HW) if r.random() < 0.5 else t.replace("：", "： ").translate(FW)
                self.varc["own_title_width_punct"] += 1
            elif op == 7 and a["title"] != a["core"]:  # (own) book subtitle dropped / kept
                t = t.replace(a["title"], a["core"]); self.varc["own_title_drop_subtitle"] += 1
            elif op == 8:  # (own) issue number added by the brand's own editor
                t = t + f"（第{a['issue_no']}期）" if a.get("issue_no") else t
                self.varc["own_title_issue_number"] += 1 if a.get("issue_no") else 0
            elif op == 9 and a["category"] in ("parent_child", "children", "training"):  # (own) capacity note
                t = t + r.choice(["（限30组家庭）" if a["category"] == "parent_child" else "（限额20人）", "（限额20人）", "（需预约）"]); self.varc["own_title_capacity_note"] += 1
            elif op == 10:  # (own) host/series wrapper from partner system: "主办单位｜标题"
                t = self.mem[a["host"]][5][0] + "｜" + t; self.varc["own_title_library_prefix"] += 1
            elif op == 11:  # (own) promotional lead-in
                t = r.choice(["快来！", "周末去哪儿｜", "好消息！"]) + t; self.varc["own_title_lead_in"] += 1
            elif op == 12 and a.get("campaign"):
                t = r.choice(["读书月·", "书香过大年｜", "暑期阅读季｜", "服务宣传周｜"])[:0] + "「" + t + "」"; self.varc["own_title_quoted"] += 1
        return t

    # --- venues
    def venue(self, a, lib):
        r = self.r
        if a.get("venue_text"):
            vt = a["venue_text"]
            if r.random() < 0.4:
                vt = r.choice([vt + "门口", vt + "（" + self.mem[a["host"]][5][0] + "活动点）", vt.replace("村", "村委会") if "村" in vt else vt + "礼堂"])
                self.varc["venue_outreach_variant"] += 1
            return {"name": vt}
        host = self.mem[a["host"]]
        floor, room = a["room"]
        full = host[1]
        abbr = r.choice(host[5])
        own_lib = lib == a["host"]
        choices = ["full", "abbr_room", "room_only", "floor_room", "address", "vague", "typo", "own_3f", "own_room_paren"]
        w = [25, 18, 14, 12, 7, 5, 4, 5, 4] if own_lib else [30, 25, 4, 6, 12, 4, 4, 4, 4]
        if not floor:
            w[3] = 0; w[7] = 0; w[8] = 0
        ch = r.choices(choices, weights=w)[0]
        self.varc["venue_" + ch] += 1
        if ch == "full":
            name = full + floor + room
        elif ch == "abbr_room":
            name = abbr + (floor if r.random() < 0.5 else "") + room
        elif ch == "room_only":
            name = room
        elif ch == "floor_room":
            name = floor + room
        elif ch == "address":
            name = host[4]
        elif ch == "vague":
            name = r.choice(["本馆", "图书馆", "馆内", "详见海报", full, abbr])
        elif ch == "typo":
            name = full + floor + room
            for a_, b_ in TYPO:
                if a_ in name:
                    name = name.replace(a_, b_, 1); break
        elif ch == "own_3f":  # (own) floor as "3F" / "3楼"
            fl = "一二三四五".index(floor[0]) + 1
            name = r.choice([f"{fl}F{room}", f"{room}（{fl}F）", f"{fl}楼{room}"])
        else:  # own_room_paren: "多功能厅（三楼）" after the library name
            name = f"{abbr}{room}（{floor}）"
        v = {"name": name}
        if r.random() < 0.3 and ch not in ("address",):
            v["address"] = host[4]
        if self.c["directory"] and a["host"] == "qy" and own_lib and r.random() < 0.45:
            v["venue_id"] = "qy-" + ROOM_IDS[room]
            self.varc["venue_id_given"] += 1
        return v

    # --- one source's first line
    def base_line(self, a, lib, pub, orgs_mode, first, ics=False):
        r = self.r
        o = {"library_id": lib, "source_ref": self.source_ref(lib, "ics" if ics else None), "revision": 1, "status": "scheduled"}
        if ics:  # (own) the library's own website calendar pulled in as ICS: plain title, UTC times
            o["title"] = a["title"]
            self.varc["own_ics_reimport"] += 1
        else:
            o["title"] = self.title_variant(a, first)
        cat = a["category"]
        if not first and r.random() < 0.12:  # (own) category chosen differently by another editor
            cat = r.choice({"lecture": ["salon", "other"], "reading_club": ["salon"], "salon": ["reading_club", "lecture"],
                            "children": ["parent_child"], "parent_child": ["children"], "outreach": ["other", "reading_club"]}.get(cat, ["other"]))
            self.varc["own_category_differs"] += 1
        o["category"] = cat
        s, e, ad = a["start"], a["end"], a["all_day"]
        if ad:
            s = s.replace(hour=0, minute=0); e = e.replace(hour=23, minute=59)
            self.varc["time_all_day_activity"] += 1
        elif not first or r.random() < 0.2:
            ch = r.choices(["same", "signin", "round", "off", "noend", "endiff", "dateonly", "own_utc", "own_export_midnight"],
                           weights=[30, 14, 10, 8, 10, 8, 5, 6, 4])[0]
            self.varc["time_" + ch] += 1
            if ch == "signin":
                s = s - timedelta(minutes=r.choice([15, 20, 30]))
            elif ch == "round":
                s = s.replace(minute=0) if s.minute else s - timedelta(minutes=r.choice([0, 60]) if False else 0)
                if a["start"].minute == 0:
                    s = s - timedelta(minutes=60) if r.random() < 0.3 else s
            elif ch == "off":
                s = s + timedelta(minutes=r.choice([-60, -45, -40, 30, 40, 45, 60]))
                e = e + (s - a["start"]) if r.random() < 0.5 else e
            elif ch == "noend":
                e = s
            elif ch == "endiff":
                e = e + timedelta(minutes=r.choice([-30, 30, 60, 90]))
            elif ch == "dateonly":
                ad = True; s = s.replace(hour=0, minute=0); e = s.replace(hour=23, minute=59)
            elif ch == "own_export_midnight":  # spreadsheet export: date only, 00:00, not flagged all-day
                s = s.replace(hour=0, minute=0); e = s
            if e < s:
                e = s
        utc = ics or (not first and not a["all_day"] and "ch" in locals() and ch == "own_utc")
        if utc and not ad:  # (own) ICS / partner system: UTC instants
            s = s.astimezone(timezone.utc); e = e.astimezone(timezone.utc)
        o["starts_at"] = iso(s); o["ends_at"] = iso(e); o["all_day"] = ad
        o["venue"] = self.venue(a, lib)
        orgs = []
        if orgs_mode == "all":
            orgs = [{"library_id": a["host"], "role": "host"}] + [{"library_id": c, "role": r.choice(["co_organiser", "co_organiser", "organiser", "co_host"])} for c in a["cohosts"]]
            self.varc["orgs_all"] += 1
        elif orgs_mode == "self":
            if lib == a["host"]:
                orgs = [{"library_id": a["host"], "role": "host"}]
            else:
                role = r.choice(["co_organiser", "co_host", "organiser", "host"])  # (own) "host" claimed by a co-host
                if role == "host":
                    self.varc["own_cohost_claims_host"] += 1
                    orgs = [{"library_id": lib, "role": "host"}]
                else:
                    orgs = [{"library_id": a["host"], "role": "host"}, {"library_id": lib, "role": role}]
            self.varc["orgs_host_and_self"] += 1
        else:
            self.varc["orgs_none"] += 1
        o["organizers"] = orgs
        if a.get("brand") and r.random() < 0.7:
            o["brand_id"] = a["brand"]
        if a.get("campaign") and r.random() < 0.6:
            o["campaign_id"] = a["campaign"]
        if a.get("audience") and r.random() < 0.6:
            o["audience"] = a["audience"]
        if a["partners"] and r.random() < 0.6:
            o["partners"] = a["partners"]
        if r.random() < 0.3:
            o["contact"] = f"0{r.randint(310, 999)}-{r.randint(2000000, 8999999)}"
        if r.random() < 0.3 and cat in ("parent_child", "children", "training", "lecture"):
            o["capacity"] = r.choice([20, 30, 50, 80, 120])
        if r.random() < 0.4:
            o["description"] = r.choice(["欢迎广大读者参加。", "活动免费，请提前预约。", "详见本馆微信公众号。", "凭读者证入场。", ""]) or None
            if o["description"] is None:
                del o["description"]
        return {"lib": lib, "pub": pub, "out": [(pub, self.next_seq(), o)]}


ROOM_IDS = {"大厅": "lobby", "多功能厅": "multi", "少儿阅览室": "kids", "报告厅": "hall", "展厅": "expo", "数字体验区": "digital", "视障阅览室": "vision"}


def alliance_toml(g):
    c = g.c
    L = [f"# {c['name']} (invented for holdout set 16)", "[alliance]", f'id = "{c["alliance_id"]}"', f'name = "{c["name"]}"',
         f'name_en = "{c["name_en"]}"', 'timezone = "Asia/Shanghai"', ""]
    for m in c["members"]:
        L += ["[[members]]", f'id = "{m[0]}"', f'name = "{m[1]}"', f'tier = "{m[2]}"']
        if m[3]:
            L.append(f'parent = "{m[3]}"')
        L += [f'address = "{m[4]}"', ""]
    if c["directory"]:
        qy = g.mem["qy"]
        for floor, room in qy[6]:
            L += ["[[venues]]", f'id = "qy-{ROOM_IDS[room]}"', 'library_id = "qy"', f'name = "{floor}{room}"',
                  f'aliases = ["{room}（{floor}）", "市图书馆{floor}{room}"]', f'address = "{qy[4]}"', ""]
    for b in c["brands"]:
        L += ["[[brands]]", f'id = "{b[0]}"', f'name = "{b[1]}"', f'library_id = "{b[2]}"', f"since = {b[3]}",
              f'category = "{b[4]}"', f'keywords = ["{b[1]}"]', ""]
    for cid, name, s, e in CAMPAIGNS:
        L += ["[[campaigns]]", f'id = "{cid}"', f'name = "{name}"', f"starts_on = {s}", f"ends_on = {e}", ""]
    L += ["[[coordinators]]", 'id = "office"', 'name = "联盟办"', f'email = "office@{c["alliance_id"]}.example.org"', ""]
    return "\n".join(L)


def build(key):
    g = Gen(key)
    r = g.r
    c = g.c
    ids = [i for i in g.ids if i != c["book_bus"]]
    brands = c["brands"]

    def fresh(lib, title, day, hour):
        k = (lib, title, day.date())
        if k in g.used:
            return False
        g.used.add(k)
        return True

    # ---- look-alike families
    # L1 weekly series sessions (brand), same title/room/hour, different weeks
    for b in brands:
        d0 = g.rand_day(); hour = r.choice([9, 10, 14, 15, 19]); room = g.room_of(b[2])
        topic = r.choice(TOPICS[b[4]])
        for w in range(r.randint(4, 7)):
            d = (d0 + timedelta(weeks=w)).replace(hour=hour, minute=r.choice([0]) if True else 0)
            t = f"{b[1]}：{topic}" if w == 0 or r.random() < 0.5 else f"{b[1]}：{r.choice(TOPICS[b[4]])}"
            if not fresh(b[2], t, d, hour):
                continue
            g.activity("series_weekly", b[2], t, b[4], d, 90, room, brand=b[0], allow_postpone=False)
    # L2 one programme at several branches, same hour
    for _ in range(6):
        prog = r.choice(["4·23世界读书日 共读一本书", "全民阅读 同读一本书", "寒假少儿绘本故事会", "非遗进书房 剪纸体验", "同一首诗 诵读接力"])
        d = g.rand_day().replace(hour=r.choice([9, 10, 15]), minute=r.choice([0, 30]))
        for lib in r.sample(ids, k=r.randint(3, 5)):
            if fresh(lib, prog, d, d.hour):
                g.activity("same_programme_many_branches", lib, prog, "reading_club", d, 120, g.room_of(lib), cohosts=[], allow_postpone=False)
    # L3 parallel sessions in one building at the same start
    for _ in range(8):
        lib = r.choice(ids[:5]); rooms = g.mem[lib][6]
        if len(rooms) < 2:
            continue
        d = g.rand_day().replace(hour=r.choice([9, 14]), minute=30)
        rs = r.sample(rooms, 2)
        cats = r.sample(["children", "lecture", "training", "screening", "digital"], 2)
        for rm, cat in zip(rs, cats):
            t = r.choice(TOPICS[cat])
            if fresh(lib, t, d, d.hour):
                g.activity("parallel_same_building", lib, t, cat, d, 90, rm, allow_postpone=False)
    # L4 第一场/第二场 an hour apart
    for _ in range(8):
        lib = r.choice(ids); cat = r.choice(["children", "parent_child", "training"])
        t = r.choice(TOPICS[cat]); d = g.rand_day().replace(hour=r.choice([9, 14]), minute=0); rm = g.room_of(lib)
        for n, lab in enumerate(["第一场", "第二场"]):
            tt = f"{t}（{lab}）"
            g.used.add((lib, t, d.date()))
            if fresh(lib, tt, d, d.hour):
                g.activity("first_second_session", lib, tt, cat, d + timedelta(hours=n), 50, rm, cohosts=[], allow_postpone=False, core=tt)
    # L5 another event in the same hall later that day
    for _ in range(8):
        lib = r.choice(ids[:5]); rm = g.room_of(lib); d = g.rand_day().replace(hour=9, minute=30)
        c1, c2 = r.sample(["lecture", "children", "screening", "salon", "training"], 2)
        for off, cat in ((0, c1), (r.choice([4, 5, 6]), c2)):
            t = r.choice(TOPICS[cat])
            if fresh(lib, t, d, d.hour):
                g.activity("same_hall_later_same_day", lib, t, cat, d + timedelta(hours=off), 90, rm, allow_postpone=False)
    # L6 (own) contest rounds: 初赛 / 复赛 / 决赛 of one contest, weeks apart, same library and hall
    for _ in range(5):
        lib = r.choice(ids[:5]); t = r.choice(TOPICS["contest"]); d = g.rand_day().replace(hour=9, minute=0); rm = g.room_of(lib)
        for w, rnd in enumerate(["初赛", "复赛", "决赛"]):
            tt = f"2026年{t}{rnd}"
            if fresh(lib, tt, d, 9):
                g.activity("own_contest_rounds", lib, tt, "contest", d + timedelta(weeks=2 * w), 180, rm, allow_postpone=False, core=tt)
    # L7 (own) book bus / outreach: same title, same day, different villages or schools
    for _ in range(7):
        if c["book_bus"]:
            lib = c["book_bus"]; t = "流动图书车进村送书"; places = [f"{p}村委会广场" if not p.endswith("村") else f"{p}委会广场" for p in r.sample(VILLAGES, 3)]
        else:
            lib = r.choice(ids[:5]); t = "图书进校园 阅读分享"; places = [f"{p}" for p in r.sample(SCHOOLS, 3)]
        d = g.rand_day().replace(hour=8, minute=30)
        for i, p in enumerate(places):
            g.activity("own_same_title_different_outreach_site", lib, t, "outreach", d + timedelta(hours=2 * i + (i > 0)), 90, ("", p),
                       cohosts=[], venue_text=p, allow_postpone=False, partners=[p])
    # L8 (own) touring exhibition: same exhibition at the central library, then next month at a county/district
    for _ in range(5):
        t = r.choice(TOPICS["exhibition"]); d = g.rand_day().replace(hour=9, minute=0)
        libs = r.sample(ids[:5], 2)
        for i, lib in enumerate(libs):
            g.activity("own_touring_exhibition", lib, t, "exhibition", d + timedelta(days=35 * i), 60 * 8, g.room_of(lib), all_day=True, allow_postpone=False)
    # L9 (own) same book, same library, different age groups: 低龄场 / 高龄场 at the same time in different rooms
    for _ in range(5):
        lib = r.choice(ids[:4]); rooms = g.mem[lib][6]; d = g.rand_day().replace(hour=10, minute=0)
        rs = r.sample(rooms, 2)
        for rm, grp in zip(rs, ["（3-6岁）", "（7-12岁）"]):
            tt = "绘本共读" + grp
            if fresh(lib, tt, d, 10):
                g.activity("own_age_group_parallel", lib, tt, "children", d, 60, rm, allow_postpone=False, core=tt)

    # ---- ordinary activities up to the target
    target = 975
    while g.nlab < target:
        lib = r.choices(ids, weights=[6 if g.mem[i][2] == "central" else 4 if g.mem[i][2] in ("district", "county") else 2 for i in ids])[0]
        bs = [b for b in brands if b[2] == lib]
        if bs and r.random() < 0.3:
            b = r.choice(bs); cat = b[4]; core = r.choice(TOPICS[cat]); title = f"{b[1]}：{core}"; brand = b[0]
        else:
            cat = r.choice(list(TOPICS)); core = r.choice(TOPICS[cat]); title = core; brand = None
            if cat == "lecture" and r.random() < 0.3:
                title = core + r.choice(["——主讲：王教授", "——《江南读本》导读", "——对话本地作家"])
        d = g.rand_day().replace(hour=r.choice([9, 9, 10, 14, 14, 15, 19]), minute=r.choice([0, 0, 30]))
        if not fresh(lib, core, d, d.hour):
            continue
        allday = cat == "exhibition" and r.random() < 0.6
        ven = None
        if cat == "outreach":
            ven = r.choice(["桂巷社区活动中心", "红旗中学图书室", "某部队营区俱乐部", "工业园区职工书屋", "老年大学教室", "实验小学"])
        g.activity("ordinary", lib, title, cat, d, r.choice([60, 90, 120, 150]), g.room_of(lib), brand=brand,
                   all_day=allday, venue_text=ven, partners=[r.choice(PARTNERS)] if r.random() < 0.2 else None, core=core)
    # the "own_utc" time habit: a partner system that sends UTC offsets
    g.lines.sort(key=lambda x: (x[0], x[1]))
    return g


def main():
    import sys
    total = {}
    for key in ("ii", "jj"):
        g = build(key)
        d = OUT / g.c["dir"]
        d.mkdir(parents=True, exist_ok=True)
        (d / "alliance.toml").write_text(alliance_toml(g), encoding="utf-8")
        r2 = random.Random(g.c["seed"] + 1)
        rows = []
        for pub, seq, o in g.lines:
            o = dict(o)
            # (own) partner system sends UTC instants
            o["label"] = None
            rows.append((o, seq))
        # attach labels: stored on the activity; recover via seq map
        with open(d / "eval.jsonl", "w", encoding="utf-8") as f:
            for o, seq in rows:
                o["label"] = g.seqlab[seq]
                f.write(json.dumps(o, ensure_ascii=False) + "\n")
        sizes = Counter(Counter(g.seqlab[s] for _, s in rows).values())
        pairs = sum(n * (n - 1) // 2 for n in Counter(g.seqlab[s] for _, s in rows).values())
        fam_lines = Counter(g.labels[g.seqlab[s]] for _, s in rows)
        summary = {"announcements": len(rows), "activities": g.nlab, "true_pairs": pairs,
                   "group_size_histogram": {str(k): sizes[k] for k in sorted(sizes)},
                   "singletons_share": round(sizes[1] / g.nlab, 3),
                   "families_activities": dict(sorted(g.famc.items())), "families_announcements": dict(sorted(fam_lines.items())),
                   "variations": dict(sorted(g.varc.items()))}
        total[g.c["dir"]] = summary
    (OUT / "summary.json").write_text(json.dumps(total, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
