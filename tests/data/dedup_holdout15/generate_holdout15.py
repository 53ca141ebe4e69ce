#!/usr/bin/env python3
"""Holdout evaluation set 15 for a deduplicator of library activity announcements.
Stdlib only, fixed seeds, deterministic. Writes city_gg/ and city_hh/ next to this file."""
import json, random, os
from datetime import datetime, timedelta, timezone
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
CST = timezone(timedelta(hours=8))

# ---------------------------------------------------------------- cities
CITIES = {
 "gg": dict(
  aid="ningchuan", aname="宁川市阅读推广联盟", city="宁川市", seed=1501, venue_dir=True,
  members=[
   # id, name, tier, parent, abbrevs, address, rooms[(room, floor)]
   ("nc","宁川市图书馆","central",None,["市馆","市图","宁川图书馆","市图书馆"],"宁川市东溪区滨江路88号",
    [("报告厅","一楼"),("多功能厅","三楼"),("展厅","二楼"),("少儿阅览室","二楼"),("培训室","四楼"),("大厅","一楼")]),
   ("dx","宁川市东溪区图书馆","district","nc",["区馆","区图","东溪图书馆","东溪区馆"],"宁川市东溪区学府路12号",
    [("多功能厅","二楼"),("少儿区","一楼"),("报告厅","三楼"),("大厅","一楼")]),
   ("dx-tyb","东溪区图书馆桃源分馆","branch","dx",["桃源分馆","分馆"],"东溪区桃源街道桃源路5号",
    [("阅览区","一楼"),("活动室","二楼")]),
   ("dx-bh","滨河城市书房","branch","dx",["滨河书房","城市书房"],"东溪区滨河公园东门",
    [("阅读区",""),("活动区","")]),
   ("dx-ty","桃源街道综合文化站","service_point","dx-tyb",["桃源文化站","文化站"],"东溪区桃源街道办事处院内",
    [("活动室","二楼"),("广场","")]),
   ("bs","宁川市白沙区图书馆","district","nc",["区馆","区图","白沙图书馆","白沙区馆"],"宁川市白沙区文昌街201号",
    [("报告厅","二楼"),("亲子阅读区","一楼"),("多功能厅","三楼"),("大厅","一楼")]),
   ("bs-gk","白沙区图书馆港口分馆","branch","bs",["港口分馆","分馆"],"白沙区港口镇人民路33号",
    [("阅览室","一楼"),("活动室","一楼")]),
   ("bs-wc","文昌城市书房","branch","bs",["文昌书房","城市书房"],"白沙区文昌街文化广场北侧",
    [("阅读区",""),("沙龙区","")]),
   ("bs-yw","港口镇渔湾村农家书屋","service_point","bs-gk",["渔湾书屋","农家书屋"],"港口镇渔湾村村委会",
    [("书屋",""),("村文化广场","")]),
   ("ls","岚山县图书馆","county","nc",["县馆","县图","岚山图书馆","县图书馆"],"岚山县城关镇府前路6号",
    [("报告厅","三楼"),("少儿阅览室","一楼"),("多功能厅","二楼"),("大厅","一楼")]),
   ("ls-qs","岚山县图书馆青石镇分馆","branch","ls",["青石分馆","分馆"],"岚山县青石镇新街18号",
    [("阅览室","一楼"),("活动室","二楼")]),
   ("ls-lx","青石镇柳溪村农家书屋","service_point","ls-qs",["柳溪书屋","农家书屋"],"青石镇柳溪村",
    [("书屋",""),("村委会会议室","")]),
   ("ls-bus","岚山县图书馆流动图书车","service_point","ls",["流动图书车","图书车","书香大巴"],"岚山县各乡镇",
    [("停靠点",""),]),
  ],
  brands=[("nc-jiangtang","宁川讲堂","nc","lecture",2012),("nc-huiben","绘本小时光","nc","children",2017),
          ("dx-xiaobandeng","桃源小板凳","dx","children",2016),("bs-haifeng","海风读书会","bs","reading_club",2014),
          ("ls-nongshu","田间书声","ls","outreach",2018),("nc-jingdian","经典导读","nc","salon",2015)],
  partners=["宁川大学文学院","宁川市社科联","宁川市科协","东溪区实验小学","白沙区第二中学","桃源社区居委会","宁川市盲人协会","港口镇中心小学"],
 ),
 "hh": dict(
  aid="hezhou", aname="禾州市全民阅读推广联盟", city="禾州市", seed=1502, venue_dir=False,
  members=[
   ("hz","禾州市图书馆","central",None,["市馆","市图","禾州图书馆","市图书馆"],"禾州市河东区长庆大道166号",
    [("学术报告厅","负一楼"),("多功能厅","五楼"),("展览厅","一楼"),("少儿借阅区","二楼"),("数字体验区","三楼"),("大厅","一楼")]),
   ("hd","禾州市河东区图书馆","district","hz",["区馆","区图","河东图书馆","河东区馆"],"河东区东关街40号",
    [("报告厅","二楼"),("少儿阅览室","一楼"),("读者活动室","三楼")]),
   ("hd-dg","河东区图书馆东关分馆","branch","hd",["东关分馆","分馆"],"河东区东关街道社区服务中心",
    [("阅览室","一楼"),("活动室","一楼")]),
   ("hd-jy","金苑社区城市书房","branch","hd",["金苑书房","城市书房"],"河东区金苑小区南门",
    [("阅读区",""),]),
   ("bq","禾州市北塬区图书馆","district","hz",["区馆","区图","北塬图书馆","北塬区馆"],"北塬区塬上路9号",
    [("多功能厅","二楼"),("少儿区","一楼"),("大厅","一楼")]),
   ("bq-zj","北塬区张家堡街道文化站","service_point","bq",["张家堡文化站","文化站"],"北塬区张家堡街道",
    [("图书室",""),("活动室","")]),
   ("ap","安平县图书馆","county","hz",["县馆","县图","安平图书馆","县图书馆"],"安平县城关镇解放路21号",
    [("报告厅","二楼"),("少儿阅览室","一楼"),("电子阅览室","三楼"),("大厅","一楼")]),
   ("ap-hq","安平县图书馆红旗镇分馆","branch","ap",["红旗分馆","分馆"],"安平县红旗镇政府西侧",
    [("阅览室",""),("活动室","")]),
   ("ap-ds","红旗镇东沙村农家书屋","service_point","ap-hq",["东沙书屋","农家书屋"],"红旗镇东沙村",
    [("书屋",""),]),
   ("sm","石门县图书馆","county","hz",["县馆","县图","石门图书馆","县图书馆"],"石门县新城区文化中心B座",
    [("报告厅","四楼"),("少儿阅览室","二楼"),("多功能厅","三楼"),("大厅","一楼")]),
   ("sm-lk","石门县图书馆龙口分馆","branch","sm",["龙口分馆","分馆"],"石门县龙口镇中街",
    [("阅览室",""),("活动室","")]),
   ("sm-bus","石门县流动图书车","service_point","sm",["流动图书车","图书车"],"石门县各乡镇",
    [("停靠点",""),]),
  ],
  brands=[("hz-dajiangtang","河西大讲堂","hz","lecture",2010),("hz-tongyao","童谣里的禾州","hz","children",2019),
          ("hd-dongguan","东关夜读","hd","reading_club",2018),("ap-gengdu","耕读安平","ap","outreach",2016),
          ("sm-shuhua","石门书画社","sm","exhibition",2013),("hz-shiting","光影书房","hz","screening",2020)],
  partners=["禾州学院","禾州市社科联","禾州市科协","河东区第一小学","安平县实验中学","禾州市残联","东关社区","武警禾州支队"],
 ),
}

TOPICS = {
 "lecture": ["宋词里的四季","家庭急救常识","地方志里的老街巷","人工智能与日常生活","中医养生与节气","红色家书里的家国情怀","从甲骨文看汉字演变","科学育儿的十个误区","抗战时期的地方文化","数字时代的阅读"],
 "children": ["小熊的春天","图画书里的颜色","恐龙大冒险","月亮的味道","我的情绪小怪兽","好饿的毛毛虫","猜猜我有多爱你","小蝌蚪找妈妈"],
 "reading_club": ["《平凡的世界》共读","《额尔古纳河右岸》","《人世间》读书分享","《活着》","《红岩》共读","《乡土中国》","《呼兰河传》","《边城》"],
 "salon": ["《论语》选读","《诗经》漫谈","唐诗名篇赏析","《史记》人物谈","《红楼梦》里的节令","《传习录》导读"],
 "exhibition": ["馆藏老照片展","少儿绘画作品展","非遗剪纸展","书法作品展","古籍修复成果展","乡村振兴摄影展"],
 "parent_child": ["亲子手工：做一本小书","亲子共读时光","亲子科学小实验","亲子阅读游园会"],
 "contest": ["诵读大赛初赛","征文比赛颁奖","知识竞赛","讲故事比赛"],
 "training": ["智能手机使用培训","数字资源检索培训","读书会领读人培训","志愿者业务培训"],
 "outreach": ["送书下乡","图书进军营","阅读进企业","阅读进社区","图书进校园"],
 "screening": ["经典影片《城南旧事》","无障碍电影《我和我的祖国》","纪录片《我在故宫修文物》","经典影片《冰山上的来客》"],
 "digital": ["电子书借阅体验","VR阅读体验","有声书制作体验"],
 "accessibility": ["视障读者听书会","残障人士读书文化日","手语绘本故事会"],
}
CAT_W = [("lecture",18),("children",14),("reading_club",10),("salon",6),("exhibition",6),("parent_child",9),
         ("contest",5),("training",7),("outreach",9),("screening",6),("digital",4),("accessibility",6)]
SPEAKERS = ["张明远","李秀兰","王建国","陈晓雯","刘一鸣","赵敏","周文涛","孙丽华","吴海燕","郑国强","冯颖","崔兆欣"]
SIZE_W = [(2,55),(3,22),(4,10),(5,5),(6,3),(7,2),(8,2),(9,1)]
EMOJI = ["📚","✨","🎉","📖","🔥","🌸"]
CN_NUM = {"一":"1","二":"2","三":"3","四":"4","五":"5","负一":"-1"}

def wchoice(r, pairs):
    t = sum(w for _, w in pairs); x = r.uniform(0, t)
    for v, w in pairs:
        x -= w
        if x <= 0: return v
    return pairs[-1][0]

def iso(dt): return dt.isoformat(timespec="seconds")

# ---------------------------------------------------------------- alliance.toml
def q(s): return json.dumps(s, ensure_ascii=False)

def write_toml(c, path):
    L = ["# Invented alliance for holdout set 15 (" + c["city"] + ")", "[alliance]",
         f'id = {q(c["aid"])}', f'name = {q(c["aname"])}', 'timezone = "Asia/Shanghai"', ""]
    for mid, name, tier, parent, ab, addr, rooms in c["members"]:
        L += ["[[members]]", f"id = {q(mid)}", f"name = {q(name)}", f"tier = {q(tier)}"]
        if parent: L.append(f"parent = {q(parent)}")
        L += [f"address = {q(addr)}", ""]
    if c["venue_dir"]:
        mid, name, _, _, ab, addr, rooms = c["members"][0]
        for i, (room, floor) in enumerate(rooms):
            al = [floor + room, f"{room}（{floor}）", ab[0] + floor + room]
            L += ["[[venues]]", f'id = {q(mid + "-r" + str(i))}', f"library_id = {q(mid)}", f"name = {q(room)}",
                  "aliases = [" + ", ".join(q(a) for a in al) + "]", f"address = {q(addr)}", ""]
        mid, name, _, _, ab, addr, rooms = c["members"][1]
        room, floor = rooms[0]
        L += ["[[venues]]", f'id = {q(mid + "-r0")}', f"library_id = {q(mid)}", f"name = {q(room)}",
              "aliases = [" + q(floor + room) + "]", ""]
    for bid, bname, lib, cat, since in c["brands"]:
        L += ["[[brands]]", f"id = {q(bid)}", f"name = {q(bname)}", f"library_id = {q(lib)}", f"since = {since}",
              f"category = {q(cat)}", f"keywords = [{q(bname)}]", ""]
    L += ["[[campaigns]]", 'id = "reading-month"', 'name = "4·23 世界读书日暨读书月"', "starts_on = 2026-04-01", "ends_on = 2026-04-30", "",
          "[[campaigns]]", 'id = "summer-reading"', 'name = "少儿暑期阅读季"', "starts_on = 2026-07-01", "ends_on = 2026-08-31", "",
          "[[campaigns]]", 'id = "spring-festival"', 'name = "网络书香过大年"', "starts_on = 2026-02-10", "ends_on = 2026-03-05", "",
          "[[coordinators]]", 'id = "office"', 'name = "联盟办"', f'email = "office@{c["aid"]}.example.org"', ""]
    open(path, "w", encoding="utf-8").write("\n".join(L))

# ---------------------------------------------------------------- activities
class City:
    def __init__(self, key, c):
        self.key, self.c = key, c
        self.r = random.Random(c["seed"])
        self.mem = {m[0]: m for m in c["members"]}
        self.acts = []
        self.fam = Counter()
        self.keys = set()

    def new(self, family, lib, title, cat, start, room, dur=90, cohosts=(), brand=None, series_prefix=None,
            all_day=False, partners=(), audience=None):
        while (lib, title, start.date()) in self.keys:  # keep different activities distinguishable
            start += timedelta(days=1)
        self.keys.add((lib, title, start.date()))
        a = dict(label=f"{self.key}-{len(self.acts)+1:04d}", family=family, lib=lib, title=title, cat=cat,
                 start=start, dur=dur, room=room, cohosts=list(cohosts), brand=brand, prefix=series_prefix,
                 all_day=all_day, partners=list(partners), audience=audience)
        self.acts.append(a); self.fam[family] += 1
        return a

    def rand_day(self):
        return datetime(2026, 1, 5, tzinfo=CST) + timedelta(days=self.r.randrange(0, 330))

    def rand_start(self, day=None):
        day = day or self.rand_day()
        h, m = self.r.choice([(9,0),(9,30),(10,0),(14,0),(14,30),(15,0),(15,30),(19,0),(19,30),(10,30)])
        return day.replace(hour=h, minute=m)

    def topic(self, cat): return self.r.choice(TOPICS[cat])

    def brand_of(self, lib):
        bs = [b for b in self.c["brands"] if b[2] == lib]
        return self.r.choice(bs) if bs else None

    def make_title(self, lib, cat):
        b = self.brand_of(lib) if self.r.random() < 0.45 else None
        if b:
            cat = b[3]
            n = self.r.randrange(3, 160)
            t = f"{b[1]}（第{n}期）：{self.topic(cat)}" if self.r.random() < 0.5 else f"{b[1]}：{self.topic(cat)}"
            return t, cat, b[0], b[1]
        return self.topic(cat), cat, None, None

    def cohosts_for(self, lib):
        r = self.r
        others = [m for m in self.mem if m != lib]
        parent = self.mem[lib][3]
        k = wchoice(r, [(0,50),(1,30),(2,15),(3,5)])
        pool = ([parent] if parent else []) + r.sample(others, 4)
        out = []
        for p in pool:
            if p not in out and p != lib and len(out) < k: out.append(p)
        return out

    def build(self, target):
        r = self.r
        libs = list(self.mem)
        while len(self.acts) < target:
            fam = wchoice(r, [("single",52),("weekly",8),("branches",6),("parallel",6),("twoshows",6),
                               ("samehall",6),("amPm",4),("editions",3),("bustour",4),("agegroups",5)])
            lib = r.choice(libs)
            rooms = self.mem[lib][6]
            cat = wchoice(r, CAT_W)
            if fam == "single":
                title, cat, bid, bname = self.make_title(lib, cat)
                allday = cat == "exhibition" and r.random() < 0.5
                st = self.rand_start()
                if allday: st = st.replace(hour=0, minute=0)
                self.new("single", lib, title, cat, st, r.choice(rooms), dur=(60*24 if allday else r.choice([60,90,120])),
                         cohosts=self.cohosts_for(lib), brand=bid, series_prefix=bname, all_day=allday,
                         partners=r.sample(self.c["partners"], r.choice([0,0,1,2])))
            elif fam == "weekly":  # same title/room/hour, different weeks
                title, cat, bid, bname = self.make_title(lib, cat)
                title = title.split("（第")[0] if "（第" in title else title
                st = self.rand_start(); room = r.choice(rooms)
                for w in range(r.randrange(3, 7)):
                    self.new("weekly_series", lib, title, cat, st + timedelta(weeks=w), room, brand=bid, series_prefix=bname)
            elif fam == "branches":  # one programme at several branches the same hour
                t = self.topic(cat); st = self.rand_start()
                for l2 in r.sample(libs, r.randrange(2, 5)):
                    self.new("same_programme_branches", l2, t, cat, st, r.choice(self.mem[l2][6]))
            elif fam == "parallel":  # parallel sessions in one building at the same start
                st = self.rand_start()
                for room, c2 in zip(r.sample(rooms, min(len(rooms), r.randrange(2, 4))), r.sample([x for x,_ in CAT_W], 3)):
                    self.new("parallel_same_building", lib, self.topic(c2), c2, st, room)
            elif fam == "twoshows":  # 第一场/第二场 an hour apart
                t = self.topic(cat); st = self.rand_start(); room = r.choice(rooms)
                self.new("first_second_show", lib, t + "（第一场）", cat, st, room, dur=50)
                self.new("first_second_show", lib, t + "（第二场）", cat, st + timedelta(hours=1), room, dur=50)
            elif fam == "samehall":  # another event in the same hall later that day
                st = self.rand_start().replace(hour=9, minute=30); room = r.choice(rooms)
                c2 = wchoice(r, CAT_W)
                self.new("same_hall_later", lib, self.topic(cat), cat, st, room)
                self.new("same_hall_later", lib, self.topic(c2), c2, st + timedelta(hours=r.choice([4,5,6])), room)
            elif fam == "amPm":  # (own) 上午场/下午场 of one workshop on the same day
                t = self.topic(cat); day = self.rand_day(); room = r.choice(rooms)
                self.new("am_pm_sessions", lib, t + "（上午场）", cat, day.replace(hour=9), room)
                self.new("am_pm_sessions", lib, t + "（下午场）", cat, day.replace(hour=14, minute=30), room)
            elif fam == "editions":  # (own) yearly editions of a brand: 第N届 vs 第N+1届, same date a year apart
                b = r.choice(self.c["brands"]); n = r.randrange(3, 12)
                if (b[0], n) in self.keys: continue
                self.keys.add((b[0], n))
                st = datetime(2025, 4, r.randrange(18, 26), 9, 30, tzinfo=CST)
                room = self.mem[b[2]][6][0]
                self.new("yearly_editions", b[2], f"第{n}届{b[1]}开幕式", b[3], st, room, brand=b[0])
                self.new("yearly_editions", b[2], f"第{n+1}届{b[1]}开幕式", b[3], st.replace(year=2026), room, brand=b[0])
            elif fam == "bustour":  # (own) book bus: same day, different stops
                bus = [m for m in self.mem if m.endswith("-bus")][0]
                day = self.rand_day(); villages = r.sample(["柳溪村","石岭村","东沙村","河湾村","青龙村","马家庄","王家坪"], 3)
                for i, v in enumerate(villages):
                    self.new("book_bus_stops", bus, f"流动图书车走进{v}", "outreach", day.replace(hour=9 + 2*i), v + "村委会门前", dur=90)
            elif fam == "agegroups":  # (own) same contest, different age groups, different rooms, same start
                t = r.choice(TOPICS["contest"]); st = self.rand_start(); rs = r.sample(rooms, min(2, len(rooms)))
                for g, room in zip(["低年级组", "高年级组"], rs):
                    self.new("age_group_rounds", lib, f"{t}（{g}）", "contest", st, room)
        return self

# ---------------------------------------------------------------- announcements
class Writer:
    def __init__(self, city):
        self.city = city; self.c = city.c; self.r = random.Random(city.c["seed"] * 7 + 3)
        self.mem = city.mem; self.lines = []; self.var = Counter(); self.refn = Counter()

    def ref(self, lib):
        self.refn[lib] += 1
        r = self.r.random()
        n = self.refn[lib]
        return f"{lib}-{2026}-{n:04d}" if r < 0.6 else (f"act{n * 37 + 1000}" if r < 0.85 else f"wx_{lib}_{n}")

    def venue_text(self, a, speaker):
        r = self.r; mid, name, tier, parent, ab, addr, rooms = self.mem[a["lib"]]
        room = a["room"]
        if isinstance(room, str):  # outdoor stop (book bus)
            return {"name": room if r.random() < 0.7 else room.replace("村委会门前", "村"), "address": None}, "venue_free"
        rn, fl = room
        own = speaker == a["lib"]
        if not own:  # co-host writing the host's venue
            opts = [("full", 40), ("abbr", 25), ("addr", 10), ("vague_host", 15), ("room_only", 10)]
        else:
            opts = [("full", 20), ("room_floor", 22), ("room_only", 14), ("abbr", 14), ("addr", 6), ("vague", 6),
                    ("typo", 5), ("arabic_floor", 6), ("bracket_floor", 7)]
        k = wchoice(r, opts)
        if k == "full": t = name + fl + rn
        elif k == "room_floor": t = fl + rn
        elif k == "room_only": t = rn
        elif k == "abbr": t = r.choice(ab) + (fl if r.random() < 0.5 else "") + rn
        elif k == "addr": t = addr
        elif k == "vague": t = r.choice(["本馆", "馆内", "图书馆", "详见海报"])
        elif k == "vague_host": t = r.choice(ab[:2]) if r.random() < 0.5 else name
        elif k == "typo": t = name[:-1] + rn.replace("厅", "听").replace("室", "是").replace("区", "去") if r.random()<0.5 else (fl + rn).replace("厅","庁").replace("室","是")
        elif k == "arabic_floor":
            f2 = fl
            for cn, d in CN_NUM.items():
                if fl.startswith(cn) and fl: f2 = d + "楼" if cn != "负一" else "B1"
            t = f2 + rn
        else: t = f"{rn}（{fl}）" if fl else rn
        if not t: t = rn
        v = {"name": t, "address": addr if (r.random() < 0.25 and k != "addr") else None}
        if self.c["venue_dir"] and tier == "central" and own and r.random() < 0.4:
            v["venue_id"] = f"{mid}-r{rooms.index(room)}"
            self.var["venue_id"] += 1
        self.var["venue_" + k] += 1
        return v, "venue_" + k

    def title_text(self, a, speaker):
        r = self.r; t = a["title"]; used = []
        if a["prefix"] and t.startswith(a["prefix"]) and "：" in t and r.random() < 0.3:
            t = t.split("：", 1)[1]; used.append("drop_prefix")
        x = r.random()
        if x < 0.10: t = "【联盟活动】" + t; used.append("bracket_alliance")
        elif x < 0.18: t = "【活动预告】" + t; used.append("bracket_preview")
        elif x < 0.23: t = self.mem[speaker][1] + "｜" + t; used.append("own_library_pipe_prefix")
        elif x < 0.27: t = "[" + r.choice(["讲座", "活动", "预告"]) + "]" + t; used.append("own_ascii_brackets")
        y = r.random()
        if y < 0.07: t += "，欢迎参加！"; used.append("welcome")
        elif y < 0.12: t += r.choice(["（报名中）", "（已满员）", "｜名额有限"]); used.append("registration_state")
        elif y < 0.18 and not t.endswith("活动"): t += r.choice(["活动", "读书分享活动"]); used.append("append_activity")
        elif y < 0.23: t = r.choice(EMOJI) + t + r.choice(EMOJI); used.append("emoji")
        elif y < 0.27 and a["cat"] in ("lecture", "salon"): t = r.choice(SPEAKERS) + "老师主讲：" + t; used.append("own_speaker_prefix")
        elif y < 0.30 and "（第" in t: t = t.replace("（第", "第").replace("期）", "期"); used.append("own_issue_no_brackets")
        elif y < 0.33: t = t.replace("：", ":").replace("（", "(").replace("）", ")"); used.append("own_halfwidth_punct")
        for u in used: self.var["title_" + u] += 1
        return t[:200]

    def times(self, a, speaker, primary):
        r = self.r; st = a["start"]; en = st + timedelta(minutes=a["dur"]); allday = a["all_day"]
        if allday:
            k = r.choice(["date_only", "date_only", "open_hours"])
            if k == "open_hours": st2, en2, ad = st.replace(hour=9), st.replace(hour=17), False
            else: st2, en2, ad = st, st + timedelta(days=1), True
            self.var["time_allday_" + k] += 1
            return st2, en2, ad
        opts = [("exact", 55 if primary else 35), ("signin", 10), ("rounded", 8), ("off_hour", 5), ("no_end", 8),
                ("diff_end", 8), ("date_only", 3), ("utc_offset", 4), ("midnight_export", 2)]
        k = wchoice(r, opts)
        st2, en2, ad = st, en, False
        if k == "signin": st2 = st - timedelta(minutes=r.choice([15, 20, 30]))
        elif k == "rounded":
            st2 = st.replace(minute=0) if st.minute else st - timedelta(minutes=r.choice([0, 30]))
        elif k == "off_hour": st2 = st + timedelta(minutes=r.choice([-60, -45, 30, 60]))
        elif k == "no_end": en2 = st2
        elif k == "diff_end": en2 = en + timedelta(minutes=r.choice([-30, 30, 60, 150]))
        elif k == "date_only": st2 = st.replace(hour=0, minute=0); en2 = st2 + timedelta(days=1); ad = True
        elif k == "midnight_export": st2 = st.replace(hour=0, minute=0); en2 = st2  # (own) spreadsheet lost the time
        if en2 < st2: en2 = st2
        if k == "utc_offset":  # (own) partner system writes UTC
            st2 = st2.astimezone(timezone.utc); en2 = en2.astimezone(timezone.utc)
        self.var["time_" + k] += 1
        return st2, en2, ad

    def emit(self, a, speaker, organizers, pub, source_ref=None, revision=1, status="scheduled", override=None):
        r = self.r
        st, en, ad = self.times(a, speaker, speaker == a["lib"])
        venue, _ = self.venue_text(a, speaker)
        venue = {k: v for k, v in venue.items() if v is not None}
        title = self.title_text(a, speaker)
        if override:
            st = override.get("start", st); en = max(override.get("end", en), st); title = override.get("title", title)
        cat = a["cat"]
        if r.random() < 0.05:  # (own) partner systems file categories differently
            cat = {"lecture": "salon", "salon": "lecture", "children": "parent_child", "parent_child": "children",
                   "reading_club": "salon", "outreach": "other"}.get(cat, "other"); self.var["own_category_drift"] += 1
        sub = dict(library_id=speaker, source_ref=source_ref or self.ref(speaker), revision=revision, status=status,
                   title=title, category=cat, starts_at=iso(st), ends_at=iso(en), all_day=ad, venue=venue,
                   organizers=organizers)
        if r.random() < 0.5:
            d = f"{a['title']}。地点：{self.mem[a['lib']][1]}。"
            if a["partners"]: d += "合作单位：" + "、".join(a["partners"]) + "。"
            if r.random() < 0.3: d += "咨询电话：0" + str(r.randrange(100000000, 999999999))
            sub["description"] = d
        if a["brand"] and (speaker == a["lib"]) and r.random() < 0.8: sub["brand_id"] = a["brand"]
        m = a["start"].month
        if m == 4 and r.random() < 0.7: sub["campaign_id"] = "reading-month"
        if m in (7, 8) and a["cat"] in ("children", "parent_child") and r.random() < 0.7: sub["campaign_id"] = "summer-reading"
        if a["partners"] and r.random() < 0.6: sub["partners"] = a["partners"]
        if r.random() < 0.2: sub["capacity"] = r.choice([30, 40, 50, 80, 100, 200])
        if r.random() < 0.2: sub["tags"] = r.sample(["全民阅读", "少儿", "公益讲座", "亲子", "非遗", "数字阅读"], 2)
        self.lines.append((pub, len(self.lines), dict(sub, label=a["label"])))
        return sub

    def orgs(self, a, speaker, mode):
        host = a["lib"]
        if mode == "none": return []
        if mode == "all":
            o = [{"library_id": host, "role": "host"}]
            for i, c in enumerate(a["cohosts"]):
                o.append({"library_id": c, "role": "organiser" if i == 0 and self.r.random() < 0.4 else self.r.choice(["co_organiser", "co_host"])})
            return o
        if speaker == host: return [{"library_id": host, "role": "host"}]
        return [{"library_id": host, "role": "host"}, {"library_id": speaker, "role": self.r.choice(["co_organiser", "co_host", "organiser", "participant"])}]

    def announce(self, a, size):
        r = self.r; host = a["lib"]
        base = a["start"] - timedelta(days=r.randrange(3, 25), minutes=r.randrange(0, 1440))
        plan = []  # list of kinds, len == size
        speakers = [host] + a["cohosts"]
        n = size
        kinds = []
        connecting = bool(a["cohosts"]) and n >= 2 and r.random() < 0.75
        if connecting: kinds.append("connect"); n -= 1
        extras = []
        if n >= 2 and r.random() < 0.25: extras.append("revision"); n -= 1
        if n >= 2 and r.random() < 0.12: extras.append("cancel"); n -= 1
        elif n >= 3 and r.random() < 0.12: extras += ["postpone_cancel", "postpone_new"]; n -= 2
        # remaining: plain announcements by host/cohosts, maybe a same-library double entry or a central repost
        for i in range(n):
            if i < len(speakers): kinds.append(("plain", speakers[i]))
            else:
                kinds.append(r.choice([("double", host), ("repost", self.central()), ("plain2", r.choice(speakers))]))
        t = base; first_ref = {}
        seq = [k for k in kinds if k != "connect"]
        r.shuffle(seq)
        if ("plain", host) in seq and r.random() < 0.6:  # host usually first
            seq.remove(("plain", host)); seq.insert(0, ("plain", host))
        ordered = seq + (["connect"] if connecting else [])
        for k in ordered:
            t = t + timedelta(hours=r.randrange(1, 60))
            if k == "connect":
                sp = host if (r.random() < 0.6 or not a["cohosts"]) else a["cohosts"][0]
                if sp != host: self.var["connect_by_cohost"] += 1
                self.emit(a, sp, self.orgs(a, sp, "all"), t); self.var["connecting_last"] += 1
                continue
            kind, sp = k
            mode = "all" if r.random() < 0.15 else ("none" if r.random() < 0.35 else "self")
            if kind == "double":
                ov = {"title": a["title"] + r.choice(["（补）", "活动", "(重发)", " "]).rstrip()} if r.random() < 0.5 else {"start": a["start"] + timedelta(minutes=10)}
                if "title" in ov and ov["title"] == a["title"]: ov = {"start": a["start"] + timedelta(minutes=10)}
                self.emit(a, sp, self.orgs(a, sp, mode), t, override=ov); self.var["same_library_twice"] += 1
            elif kind == "repost":
                o = self.orgs(a, sp, "all" if r.random() < 0.5 else "none")
                if o and sp not in [x["library_id"] for x in o]: o.append({"library_id": sp, "role": "participant"})
                self.emit(a, sp, o, t); self.var["own_central_repost"] += 1
            else:
                s = self.emit(a, sp, self.orgs(a, sp, mode), t)
                first_ref.setdefault(sp, s)
        hs = first_ref.get(host) or next(iter(first_ref.values()), None)
        for e in extras:
            t = t + timedelta(hours=r.randrange(2, 48))
            if hs is None: break
            if e == "revision":
                ov = {"start": a["start"] + timedelta(minutes=r.choice([0, 0, 30, -30]))}
                self.emit(a, hs["library_id"], hs["organizers"], t, source_ref=hs["source_ref"], revision=hs["revision"] + 1, override=ov)
                hs = self.lines[-1][2]; self.var["revision"] += 1
            elif e == "cancel":
                self.emit(a, hs["library_id"], hs["organizers"], t, source_ref=hs["source_ref"], revision=hs["revision"] + 1, status="cancelled")
                self.var["cancellation"] += 1
            elif e == "postpone_cancel":
                self.emit(a, hs["library_id"], hs["organizers"], t, source_ref=hs["source_ref"], revision=hs["revision"] + 1, status="cancelled",
                          override={"title": "【延期】" + a["title"]})
                self.var["postponed_cancel"] += 1
            elif e == "postpone_new":
                ns = a["start"] + timedelta(days=r.choice([3, 5, 10, 12]))  # never a whole week: would land on a series session
                self.emit(a, hs["library_id"], hs["organizers"], t, override={"start": ns, "end": ns + timedelta(minutes=a["dur"]),
                          "title": r.choice(["【延期举办】", "【改期】", ""]) + a["title"]})
                self.var["postponed_reannounced"] += 1

    def central(self): return self.c["members"][0][0]

def sizes(r, n):
    out = []
    for i in range(n):
        out.append(1 if r.random() < 0.45 else wchoice(r, SIZE_W))
    return out

def main():
    import sys
    summary_all = {}
    for key, c in CITIES.items():
        d = os.path.join(HERE, f"city_{key}"); os.makedirs(d, exist_ok=True)
        write_toml(c, os.path.join(d, "alliance.toml"))
        city = City(key, c).build(1040)
        w = Writer(city)
        sz = sizes(random.Random(c["seed"] + 99), len(city.acts))
        for a, s in zip(city.acts, sz):
            w.announce(a, s)
        w.lines.sort(key=lambda x: (x[0], x[1]))
        with open(os.path.join(d, "eval.jsonl"), "w", encoding="utf-8") as f:
            for _, _, line in w.lines:
                f.write(json.dumps(line, ensure_ascii=False, sort_keys=False) + "\n")
        groups = Counter(l[2]["label"] for l in w.lines)
        hist = Counter(groups.values())
        pairs = sum(n * (n - 1) // 2 for n in groups.values())
        summary_all[f"city_{key}"] = dict(announcements=len(w.lines), activities=len(groups), true_pairs=pairs,
            group_size_histogram={str(k): hist[k] for k in sorted(hist)},
            singletons_share=round(hist[1] / len(groups), 3),
            families=dict(sorted(city.fam.items())), variations=dict(sorted(w.var.items())))
    with open(os.path.join(HERE, "summary.json"), "w", encoding="utf-8") as f:
        json.dump(summary_all, f, ensure_ascii=False, indent=1, sort_keys=True)
        f.write("\n")

if __name__ == "__main__":
    main()
