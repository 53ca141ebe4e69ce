#!/usr/bin/env python3
"""Holdout evaluation set 20: two invented alliances (city_qq, city_rr). stdlib only, deterministic."""
import json, random, os
from datetime import datetime, timedelta, timezone
from collections import Counter, defaultdict

CST = timezone(timedelta(hours=8))
UTC = timezone.utc
OUT = os.path.dirname(os.path.abspath(__file__))

# ---------------------------------------------------------------- alliances
QQ = dict(
    key="qq", city="松岭市", aid="songling-yuedu", aname="松岭市阅读推广联盟", platform="松岭文旅云",
    members=[
        # id, name, tier, parent, address, shorts, rooms
        ("sl", "松岭市图书馆", "central", None, "松岭市江北区松花江路188号", ["市馆", "市图", "市图书馆", "松岭图书馆"],
         ["一楼大厅", "二楼少儿阅览室", "三楼多功能厅", "四楼报告厅", "五楼展厅", "二楼朗读亭"]),
        ("sl-jb", "松岭市江北区图书馆", "district", "sl", "松岭市江北区新兴街56号", ["江北区馆", "区馆", "江北区图"], ["一楼大厅", "二楼阅览室", "三楼报告厅"]),
        ("sl-jn", "松岭市江南区图书馆", "district", "sl", "松岭市江南区光明大街102号", ["江南区馆", "区图", "江南图书馆"], ["一楼大厅", "二楼多功能厅", "三楼少儿部"]),
        ("sl-cx", "松岭市朝鲜族图书馆", "district", "sl", "松岭市江南区延和路9号", ["朝鲜族馆", "民族馆", "朝图"], ["一楼阅览大厅", "二楼民族文献室", "三楼活动室"]),
        ("sl-lq", "松岭林业局图书馆", "county", "sl", "松岭林业局局址兴林路3号", ["林业局馆", "林区馆", "局馆"], ["一楼大厅", "二楼会议室", "三楼职工书屋"]),
        ("sl-nc", "红旗农场图书馆", "county", "sl", "红旗农场场部文化中心二楼", ["农场馆", "场部图书馆", "农场图书室"], ["阅览室", "文化中心多功能厅"]),
        ("sl-hx", "和兴县图书馆", "county", "sl", "和兴县兴华路77号", ["县馆", "县图", "和兴图书馆"], ["一楼大厅", "二楼报告厅", "三楼少儿阅览室"]),
        ("sl-jb-bj", "松岭市江北区图书馆滨江社区分馆", "branch", "sl-jb", "江北区滨江社区服务中心三楼", ["滨江分馆", "滨江社区分馆"], ["阅览室", "活动室"]),
        ("sl-jb-sf", "松花江畔城市书房", "branch", "sl-jb", "江北区滨江公园东门", ["江畔书房", "城市书房"], ["书房"]),
        ("sl-jn-ng", "松岭市江南区图书馆南岗分馆", "branch", "sl-jn", "江南区南岗街道文化站二楼", ["南岗分馆"], ["阅览室", "多功能室"]),
        ("sl-cx-yh", "朝鲜族图书馆延和社区分馆", "branch", "sl-cx", "延和社区党群服务中心", ["延和分馆"], ["活动室"]),
        ("sl-lq-qs", "青山林场职工书屋", "service_point", "sl-lq", "松岭林业局青山林场场部", ["青山林场书屋"], ["书屋"]),
        ("sl-lq-bh", "白桦沟林场书屋", "service_point", "sl-lq", "松岭林业局白桦沟林场", ["白桦沟书屋"], ["书屋"]),
        ("sl-nc-3q", "红旗农场第三管理区书屋", "service_point", "sl-nc", "红旗农场第三管理区办公楼一楼", ["三区书屋", "第三管理区书屋"], ["书屋"]),
        ("sl-hx-xh", "和兴县图书馆新华镇分馆", "branch", "sl-hx", "和兴县新华镇文化站", ["新华镇分馆", "新华分馆"], ["阅览室"]),
        ("sl-hx-dy", "和兴县新华镇东崖村农家书屋", "service_point", "sl-hx-xh", "新华镇东崖村村部", ["东崖村书屋"], ["书屋"]),
        ("sl-bus", "松岭市图书馆流动图书车", "branch", "sl", "松岭市图书馆（流动服务）", ["流动图书车", "图书大篷车"], ["车旁"]),
    ],
    venues=True,
    brands=[("sl-jiangtan", "松岭讲坛", "sl", 2012, "lecture"), ("lq-linhai", "林海书香", "sl-lq", 2016, "reading_club"),
            ("cx-arirang", "阿里郎故事会", "sl-cx", 2018, "children"), ("nc-heitu", "黑土地农耕课堂", "sl-nc", 2019, "training"),
            ("jb-jiangpan", "江畔读书会", "sl-jb", 2017, "reading_club")],
    central="sl", bus="sl-bus", tel="0458-8",
)
RR = dict(
    key="rr", city="澄湖市", aid="chenghu-shuxiang", aname="澄湖市书香联盟", platform="澄湖文旅集团“悦读澄湖”平台",
    members=[
        ("ch", "澄湖市图书馆", "central", None, "澄湖市湖滨路1号", ["市馆", "市图", "澄湖图书馆", "总馆"],
         ["一楼大厅", "二楼少儿馆", "三楼报告厅", "四楼多功能厅", "一楼展厅"]),
        ("ch-tt", "澄湖市图书馆汀塘镇分馆", "district", "ch", "汀塘镇文体中心二楼", ["汀塘分馆", "汀塘馆", "镇馆"], ["阅览室", "多功能厅"]),
        ("ch-my", "澄湖市图书馆梅堰镇分馆", "district", "ch", "梅堰镇人民路18号", ["梅堰分馆", "梅堰馆"], ["阅览室", "报告厅"]),
        ("ch-lg", "澄湖市图书馆陆港镇分馆", "district", "ch", "陆港镇文化站", ["陆港分馆", "陆港馆"], ["阅览室", "活动室"]),
        ("ch-qx", "澄湖市图书馆清溪街道分馆", "district", "ch", "清溪街道社区文化中心", ["清溪分馆"], ["阅览室", "活动室"]),
        ("ch-sf-gh", "澄湖文旅·古河城市书房", "branch", "ch", "古河历史街区12号", ["古河书房", "古河城市书房"], ["书房一楼", "书房二楼"]),
        ("ch-sf-hb", "澄湖文旅·湖滨城市书房", "branch", "ch", "湖滨公园北门", ["湖滨书房"], ["书房"]),
        ("ch-sf-yh", "澄湖文旅·运河城市书房", "branch", "ch", "运河路文创园3号楼", ["运河书房"], ["书房", "书房露台"]),
        ("ch-sf-xc", "澄湖文旅·新城城市书房", "branch", "ch", "新城中央公园南侧", ["新城书房"], ["书房"]),
        ("ch-sf-zj", "澄湖文旅·站前城市书房", "branch", "ch", "高铁站前广场东侧", ["站前书房"], ["书房"]),
        ("ch-sf-lz", "澄湖文旅·柳州湾城市书房", "branch", "ch", "柳州湾湿地公园游客中心", ["柳州湾书房"], ["书房"]),
        ("ch-tt-dq", "汀塘镇东桥村书屋", "branch", "ch-tt", "汀塘镇东桥村党群服务中心", ["东桥村书屋"], ["书屋"]),
        ("ch-tt-hs", "汀塘镇荷花村书屋", "branch", "ch-tt", "汀塘镇荷花村村委会", ["荷花村书屋"], ["书屋"]),
        ("ch-my-ws", "梅堰镇王舍村书屋", "branch", "ch-my", "梅堰镇王舍村文化礼堂", ["王舍村书屋"], ["书屋", "文化礼堂"]),
        ("ch-lg-gz", "陆港镇港中村书屋", "branch", "ch-lg", "陆港镇港中村", ["港中村书屋"], ["书屋"]),
        ("ch-qx-jy", "清溪街道锦园社区书屋", "branch", "ch-qx", "锦园社区邻里中心", ["锦园书屋"], ["书屋"]),
    ],
    venues=False,
    brands=[("ch-yedu", "书房夜读", "ch", 2019, "reading_club"), ("ch-tongsheng", "湖畔童声", "ch", 2017, "children"),
            ("ch-yunhe", "运河讲堂", "ch", 2014, "lecture"), ("tt-tianyuan", "田园书香", "ch-tt", 2020, "outreach")],
    central="ch", bus=None, tel="0519-6",
)

TOPICS = {
    "lecture": ["东北抗联史话", "宋词里的四季", "家庭用药安全", "红楼梦人物谈", "二十四节气与农事", "中医养生漫谈", "运河文化的前世今生",
                "数字时代的阅读", "诗经里的植物", "老照片里的城市", "防范电信诈骗", "唐诗中的边塞", "鲁迅与故乡", "冰雪运动小知识",
                "青少年心理健康", "家风家训", "非遗剪纸的历史", "地方志里的老街"],
    "reading_club": ["《平凡的世界》共读", "《额尔古纳河右岸》分享", "《活着》读后谈", "《人世间》共读", "《乡土中国》导读",
                     "《边城》品读", "《呼兰河传》分享", "《长安的荔枝》读书会", "《文化苦旅》共读"],
    "children": ["绘本故事会", "小小图书管理员", "亲子手工：纸艺灯笼", "少儿科普实验", "童话剧场", "英语绘本时光", "成语故事大会",
                 "小小朗读者", "民俗故事会"],
    "parent_child": ["亲子共读", "亲子阅读指导", "亲子DIY书签", "周末亲子手作"],
    "exhibition": ["馆藏古籍图片展", "抗联文献展", "书法作品展", "农民画展", "摄影作品展", "非遗剪纸展"],
    "training": ["智能手机使用培训", "电子书借阅培训", "直播带货技能培训", "基层图书管理员培训", "黑木耳种植技术讲座"],
    "screening": ["经典影片展映", "无障碍电影放映", "红色电影展播"],
    "outreach": ["图书进军营", "阅读进校园", "送书进社区", "书香进企业", "流动书车进林场"],
    "contest": ["诵读大赛", "征文比赛", "知识竞赛"],
    "accessibility": ["视障读者听书会", "无障碍电影讲述"],
    "digital": ["数字资源推广", "VR阅读体验"],
}
CAT_W = [("lecture", 18), ("reading_club", 12), ("children", 18), ("parent_child", 8), ("exhibition", 6), ("training", 8),
         ("screening", 6), ("outreach", 9), ("contest", 5), ("accessibility", 4), ("digital", 6)]
PARTNERS = ["市社科联", "市科协", "实验小学", "第一中学", "松岭学院", "市老年大学", "团市委", "市妇联", "武警中队", "县融媒体中心"]
EMOJI = ["📚", "🎉", "✨", "🌸", "📖", "❄️", "🔥"]
CN_NUM = "零一二三四五六七八九十"


def cn(n):
    if n <= 10: return CN_NUM[n]
    if n < 20: return "十" + (CN_NUM[n - 10] if n % 10 else "")
    if n < 100: return CN_NUM[n // 10] + "十" + (CN_NUM[n % 10] if n % 10 else "")
    h, rest = divmod(n, 100)
    return CN_NUM[h] + "百" + ("" if rest == 0 else ("零" + CN_NUM[rest]) if rest < 10 else ("一" + cn(rest) if rest < 20 else cn(rest)))


def iso(dt): return dt.isoformat()


class City:
    def __init__(self, cfg, seed):
        self.cfg = cfg
        self.r = random.Random(seed)
        self.m = {x[0]: dict(id=x[0], name=x[1], tier=x[2], parent=x[3], address=x[4], shorts=x[5], rooms=x[6]) for x in cfg["members"]}
        self.ids = list(self.m)
        self.central = cfg["central"]
        self.brands = {b[2]: b for b in cfg["brands"]}
        self.brand_by_id = {b[0]: b for b in cfg["brands"]}
        self.used = set()
        self.acts = []
        self.seq = 0
        self.counts = Counter()
        self.lookfam = Counter()

    # ---------------- alliance.toml
    def toml(self):
        c = self.cfg; L = []
        q = lambda s: json.dumps(s, ensure_ascii=False)
        L += ["# generated by generate_holdout20.py (invented alliance)", "[alliance]", f"id = {q(c['aid'])}", f"name = {q(c['aname'])}",
              'timezone = "Asia/Shanghai"', ""]
        for m in self.m.values():
            L += ["[[members]]", f"id = {q(m['id'])}", f"name = {q(m['name'])}", f"tier = {q(m['tier'])}"]
            if m["parent"]: L.append(f"parent = {q(m['parent'])}")
            L += [f"address = {q(m['address'])}", ""]
        if c["venues"]:
            cm = self.m[self.central]
            for i, room in enumerate(cm["rooms"]):
                bare = room[2:] if room[1] == "楼" else room
                aliases = sorted({bare, cm["name"] + room, "市馆" + bare} - {room})
                L += ["[[venues]]", f"id = {q(self.vid(room))}", f"library_id = {q(self.central)}", f"name = {q(room)}",
                      f"aliases = {json.dumps(aliases, ensure_ascii=False)}", f"address = {q(cm['address'])}", ""]
        for b in c["brands"]:
            L += ["[[brands]]", f"id = {q(b[0])}", f"name = {q(b[1])}", f"library_id = {q(b[2])}", f"since = {b[3]}",
                  f"category = {q(b[4])}", f"keywords = {json.dumps([b[1]], ensure_ascii=False)}", ""]
        L += ["[[campaigns]]", 'id = "reading-month"', 'name = "4·23世界读书日暨全民阅读月"', "starts_on = 2026-04-01", "ends_on = 2026-04-30", "",
              "[[campaigns]]", 'id = "summer"', 'name = "少儿暑期阅读季"', "starts_on = 2026-07-01", "ends_on = 2026-08-31", "",
              "[[campaigns]]", 'id = "spring-festival"', 'name = "网络书香过大年"', "starts_on = 2026-01-20", "ends_on = 2026-03-05", "",
              "[[coordinators]]", 'id = "office"', 'name = "联盟办"', f'email = "office@{c["aid"]}.example.org"', ""]
        return "\n".join(L)

    def vid(self, room):
        return f"{self.central}-v{self.m[self.central]['rooms'].index(room) + 1}"

    # ---------------- activity creation
    def pick_date(self):
        r = self.r
        d = datetime(2026, 1, 5, tzinfo=CST) + timedelta(days=r.randrange(0, 350))
        return d

    def new_act(self, lib, title, cat, start, dur_min, room, fam, cohosts=(), brand=None, size=None, all_day=False, variant_ok=True, extra=None):
        key = (lib, title, start.date())
        if key in self.used:
            return None
        self.used.add(key)
        self.seq += 1
        camp = None
        if start.month == 4: camp = "reading-month"
        elif start.month in (7, 8) and cat in ("children", "parent_child"): camp = "summer"
        elif (start.month == 1 and start.day >= 20) or start.month == 2: camp = "spring-festival"
        a = dict(label=f"{self.cfg['key']}-{self.seq:05d}", lib=lib, title=title, cat=cat, start=start,
                 end=start + timedelta(minutes=dur_min), room=room, fam=fam, cohosts=list(cohosts), brand=brand,
                 size=size, all_day=all_day, camp=camp, variant_ok=variant_ok, extra=extra or {},
                 partners=self.r.sample(PARTNERS, self.r.choice([0, 0, 0, 1, 2])))
        self.acts.append(a)
        self.lookfam[fam] += 1
        return a

    def base_title(self, lib, cat):
        r = self.r
        t = r.choice(TOPICS[cat])
        b = self.brands.get(lib)
        brand = None
        if b and b[4] == cat or (b and r.random() < 0.3):
            brand = b[0]
            n = r.randrange(3, 180)
            t = f"{b[1]}：{t}" if r.random() < 0.5 else f"{b[1]}第{n}期：{t}"
        if lib == "sl-cx" and r.random() < 0.5:
            t = t.replace("故事会", "民俗故事会") if "故事会" in t else "朝鲜族" + t if cat in ("exhibition", "children") else t
        return t, brand

    def random_start(self, cat):
        r = self.r
        d = self.pick_date()
        h, mi = r.choice([(9, 0), (9, 30), (10, 0), (14, 0), (14, 30), (15, 0), (19, 0), (18, 30), (13, 30)])
        return d.replace(hour=h, minute=mi)

    def gen(self, n_target):
        r = self.r
        libs = self.ids
        weights = [6 if self.m[i]["tier"] == "central" else 3 if self.m[i]["tier"] in ("district", "county") else 1.2 for i in libs]
        while len(self.acts) < n_target:
            x = r.random()
            if x < 0.62:
                lib = r.choices(libs, weights)[0]
                cat = r.choices([c for c, _ in CAT_W], [w for _, w in CAT_W])[0]
                t, brand = self.base_title(lib, cat)
                st = self.random_start(cat)
                dur = r.choice([60, 90, 120, 120, 150])
                allday = False
                if cat == "exhibition":
                    st = st.replace(hour=9, minute=0); dur = r.choice([7, 14, 30]) * 1440 - 16 * 60; allday = r.random() < 0.4
                room = r.choice(self.m[lib]["rooms"])
                co = self.cohosts(lib)
                self.new_act(lib, t, cat, st, dur, room, "single", co, brand)
            elif x < 0.68: self.fam_weekly()
            elif x < 0.73: self.fam_branches_same_hour()
            elif x < 0.78: self.fam_parallel()
            elif x < 0.82: self.fam_two_sessions()
            elif x < 0.86: self.fam_same_hall_later()
            elif x < 0.89: self.fam_tour()
            elif x < 0.92: self.fam_exhibition_opening()
            elif x < 0.95: self.fam_speaker_tour()
            elif x < 0.975: self.fam_contest_pair()
            else: self.fam_age_groups()
        self.acts = self.acts[:n_target]

    def cohosts(self, lib):
        r = self.r
        if r.random() < 0.55: return []
        cand = [i for i in self.ids if i != lib]
        m = self.m[lib]
        near = [i for i in cand if self.m[i]["parent"] == lib or i == m["parent"] or self.m[i]["parent"] == m["parent"]]
        pool = near if near and r.random() < 0.7 else cand
        return r.sample(pool, min(len(pool), r.choice([1, 1, 2, 2, 3])))

    # ---------------- look-alike families (each member its own label)
    def fam_weekly(self):
        r = self.r
        lib = r.choice([i for i in self.ids if self.m[i]["tier"] != "service_point"])
        cat = r.choice(["children", "reading_club", "training"])
        t, brand = self.base_title(lib, cat)
        t = t.split("第")[0].rstrip("：") if "期：" in t else t
        st = self.random_start(cat); room = r.choice(self.m[lib]["rooms"])
        for k in range(r.randrange(3, 7)):
            self.new_act(lib, t, cat, st + timedelta(days=7 * k), 90, room, "weekly_series", [], brand)

    def fam_branches_same_hour(self):
        r = self.r
        kids = [i for i in self.ids if self.m[i]["tier"] in ("branch", "service_point")]
        libs = r.sample(kids, r.randrange(2, 5))
        cat = r.choice(["children", "parent_child", "digital", "reading_club"])
        t = r.choice(TOPICS[cat]); st = self.random_start(cat)
        for lib in libs:
            self.new_act(lib, t, cat, st, 90, r.choice(self.m[lib]["rooms"]), "programme_at_branches_same_hour", [], None)

    def fam_parallel(self):
        r = self.r
        lib = r.choice([i for i in self.ids if len(self.m[i]["rooms"]) >= 2])
        rooms = r.sample(self.m[lib]["rooms"], 2)
        st = self.random_start("x")
        cats = r.sample(["children", "lecture", "training", "reading_club", "screening"], 2)
        for room, cat in zip(rooms, cats):
            t, brand = self.base_title(lib, cat)
            self.new_act(lib, t, cat, st, 90, room, "parallel_sessions_one_building", [], brand)

    def fam_two_sessions(self):
        r = self.r
        lib = r.choice(self.ids)
        cat = r.choice(["children", "parent_child", "screening", "training"])
        t = r.choice(TOPICS[cat]); st = self.random_start(cat); room = r.choice(self.m[lib]["rooms"])
        for k, nm in enumerate(["第一场", "第二场"] + (["第三场"] if r.random() < 0.3 else [])):
            self.new_act(lib, f"{t}（{nm}）", cat, st + timedelta(hours=k), 50, room, "first_second_session", [], None)

    def fam_same_hall_later(self):
        r = self.r
        lib = r.choice(self.ids); room = r.choice(self.m[lib]["rooms"])
        st = self.pick_date().replace(hour=9, minute=30)
        c1, c2 = r.sample(["children", "lecture", "training", "reading_club"], 2)
        t1, b1 = self.base_title(lib, c1); t2, b2 = self.base_title(lib, c2)
        if t1 == t2: return
        self.new_act(lib, t1, c1, st, 90, room, "same_hall_later_that_day", [], b1)
        self.new_act(lib, t2, c2, st.replace(hour=r.choice([14, 15, 19])), 90, room, "same_hall_later_that_day", [], b2)

    # (own) book bus / forest-farm tour: same title on consecutive days at different villages
    def fam_tour(self):
        r = self.r
        if self.cfg["bus"]:
            lib = self.cfg["bus"]; stops = ["青山林场场部", "白桦沟林场", "红旗农场第三管理区", "新华镇东崖村", "江北区滨江社区", "武警中队营区"]
            t = r.choice(["流动图书车进林场", "图书大篷车下乡", "送书进军营"])
        else:
            lib = "ch-tt"; stops = ["东桥村党群服务中心", "荷花村村委会", "王舍村文化礼堂", "港中村", "汀塘中心小学"]
            t = r.choice(["“田园书香”送书下乡", "村书屋故事会巡回", "农民工夜读巡回"])
        st = self.pick_date().replace(hour=r.choice([9, 10, 14]))
        for k, s in enumerate(r.sample(stops, r.randrange(2, 5))):
            self.new_act(lib, t, "outreach", st + timedelta(days=k), 120, s, "tour_consecutive_days_other_stop(own)", [], None,
                         extra={"stop": s})

    # (own) exhibition opening ceremony vs the exhibition itself
    def fam_exhibition_opening(self):
        r = self.r
        lib = r.choice([i for i in self.ids if self.m[i]["tier"] in ("central", "district", "county")])
        ex = r.choice(TOPICS["exhibition"]); room = self.m[lib]["rooms"][-1]
        d = self.pick_date()
        self.new_act(lib, ex, "exhibition", d.replace(hour=9), 14 * 1440 - 16 * 60, room, "exhibition_vs_its_opening(own)", [], None, all_day=True)
        self.new_act(lib, f"{ex}开幕式", "exhibition", d.replace(hour=9, minute=30), 60, room, "exhibition_vs_its_opening(own)",
                     self.cohosts(lib), None)

    # (own) one speaker's lecture tour: same title at several libraries on different days
    def fam_speaker_tour(self):
        r = self.r
        libs = r.sample([i for i in self.ids if self.m[i]["tier"] in ("central", "district", "county")], 3)
        t = r.choice(TOPICS["lecture"]); who = r.choice(["王立新教授", "朴成哲老师", "李秀梅研究员", "陈志远馆员"])
        d = self.pick_date().replace(hour=r.choice([9, 14]), minute=30)
        for k, lib in enumerate(libs):
            self.new_act(lib, f"{t}——{who}主讲", "lecture", d + timedelta(days=k * r.choice([1, 2, 7])), 90,
                         r.choice(self.m[lib]["rooms"]), "speaker_tour_other_library_other_day(own)", [], None)

    # (own) essay contest: call for entries (long window) vs award ceremony
    def fam_contest_pair(self):
        r = self.r
        lib = r.choice([self.central] + [i for i in self.ids if self.m[i]["tier"] in ("district", "county")])
        name = r.choice(["“书香" + self.cfg["city"][:2] + "”征文大赛", "“我与图书馆”主题征文", "少儿诵读大赛"])
        d = self.pick_date()
        self.new_act(lib, name, "contest", d.replace(hour=0), 40 * 1440 - 1, "线上投稿", "contest_call_vs_award_ceremony(own)",
                     self.cohosts(lib), None, all_day=True)
        self.new_act(lib, f"{name}颁奖典礼", "contest", (d + timedelta(days=55)).replace(hour=14), 120, self.m[lib]["rooms"][0],
                     "contest_call_vs_award_ceremony(own)", self.cohosts(lib), None)

    # (own) age-group sessions of one storytime: same start, same library, different rooms, 低龄组/高龄组
    def fam_age_groups(self):
        r = self.r
        lib = r.choice([i for i in self.ids if len(self.m[i]["rooms"]) >= 2])
        rooms = r.sample(self.m[lib]["rooms"], 2); t = r.choice(TOPICS["children"]); st = self.random_start("x")
        for room, g in zip(rooms, ["（3-6岁低龄组）", "（7-12岁高龄组）"]):
            self.new_act(lib, t + g, "children", st, 60, room, "age_group_sessions_same_start(own)", [], None)

    # ---------------- announcements
    def sizes(self):
        r = self.r
        for a in self.acts:
            if r.random() < 0.46: a["size"] = 1
            else: a["size"] = r.choices(range(2, 10), [55, 22, 9, 5, 3, 2, 2, 1])[0]

    def venue_text(self, a, lib, v):
        r = self.r; m = self.m[a["lib"]]; room = a["room"]
        if lib != a["lib"] and v in ("room", "bare", "vague", "fullwidth") and "stop" not in a["extra"]:
            v = r.choice(["lib_room", "short_room", "address"])
        if "stop" in a["extra"]:
            opts = {"room": room, "lib_room": f"{self.cfg['city']}{room}", "vague": room[:2] + "一带", "typo": room}
            return {"name": opts.get(v, room)}
        bare = room[2:] if len(room) > 2 and room[1] == "楼" else room
        if bare in ("书屋", "书房") and v in ("lib_room", "short_room", "fullwidth", "typo"):
            return {"name": m["name"] if v != "short_room" else r.choice(m["shorts"])}
        if v == "room": return {"name": room}
        if v == "bare": return {"name": bare}
        if v == "lib_room": return {"name": m["name"] + room}
        if v == "short_room": return {"name": r.choice(m["shorts"]) + bare}
        if v == "address": return {"name": m["address"], "address": m["address"]}
        if v == "vague": return {"name": r.choice(["本馆", m["shorts"][0], "图书馆", "详见海报", m["name"]])}
        if v == "typo":
            t = room.replace("厅", "听") if "厅" in room else room.replace("室", "是") if "室" in room else room + " "
            return {"name": (m["shorts"][0] if lib == a["lib"] else m["name"]) + t}
        if v == "fullwidth":  # (own) full-width space / parentheses floor
            return {"name": f"{bare}（{room[:2]}）" if bare != room else f"{m['name']} {room}"}
        return {"name": room}

    def sub(self, a, lib, ref, rev=1, **kw):
        r = self.r
        d = dict(library_id=lib, source_ref=ref, revision=rev, status="scheduled", title=a["title"], category=a["cat"],
                 starts_at=a["start"], ends_at=a["end"], all_day=a["all_day"], venue={"name": a["room"]}, organizers=[],
                 brand_id=a["brand"], campaign_id=a["camp"], label=a["label"])
        if a["partners"]: d["partners"] = list(a["partners"])
        d.update(kw)
        return d

    def decorate(self, a, t, kind):
        r = self.r
        if kind == "prefix": return r.choice(["【联盟活动】", "【活动预告】", "【预告】", "【书香" + self.cfg["city"][:2] + "】"]) + t
        if kind == "suffix": return t + r.choice(["，欢迎参加！", "（报名中）", "｜已满员", "活动", "读书分享活动", " 欢迎您的到来"])
        if kind == "emoji": return r.choice(EMOJI) + t + r.choice(EMOJI)
        if kind == "drop_brand": return t.split("：", 1)[1] if "：" in t else t
        if kind == "date_in_title":  # (own)
            s = a["start"]; return f"{s.month}月{s.day}日｜{t}" if r.random() < .5 else f"{t}（{s.month}.{s.day} 周{'一二三四五六日'[s.weekday()]}）"
        if kind == "numeral":  # (own) 第12期 -> 第十二期 and half/full-width
            import re
            mm = re.search(r"第(\d+)期", t)
            if mm: return t.replace(mm.group(0), f"第{cn(int(mm.group(1)))}期")
            return t.replace("：", ":").replace("（", "(").replace("）", ")")
        if kind == "korean" and a["lib"].startswith("sl-cx"):  # (own) bilingual title
            return t + " / 조선족도서관 행사"
        if kind == "booking":  # (own) 小程序 slot naming
            return t + r.choice(["【预约场次】", "（线上预约）", "-在线预约"])
        return t

    def announce(self, a):
        r = self.r; out = []; L = a["label"]; lib = a["lib"]
        n = a["size"]
        mk = lambda: f"{self.cfg['key']}{r.randrange(10**6, 10**7)}"
        pub0 = a["start"] - timedelta(days=r.uniform(2, 16), hours=r.uniform(0, 10))
        hostref = f"{lib}-{a['start']:%Y%m%d}-{r.randrange(100, 999)}"
        co = a["cohosts"]
        host_orgs = [] if r.random() < 0.5 or not co else [{"library_id": c, "role": r.choice(["co_organiser", "organiser", "co_host"])} for c in co]
        first = self.sub(a, lib, hostref, venue=self.venue_text(a, lib, r.choice(["room", "room", "bare", "lib_room"])),
                         organizers=host_orgs, contact=r.choice([None, self.cfg["tel"] + str(r.randrange(1000000, 9999999)), "微信公众号后台留言"]))
        if a["cat"] == "exhibition" and a["all_day"]:
            first.update(all_day=True, starts_at=a["start"].replace(hour=0), ends_at=(a["end"]).replace(hour=0) + timedelta(hours=23, minutes=59))
        if self.cfg["venues"] and lib == self.central and a["room"] in self.m[lib]["rooms"] and r.random() < 0.6:
            first["venue"]["venue_id"] = self.vid(a["room"])
        out.append((pub0, first, "host_original"))
        if n == 1: return out
        # pool of extra announcements
        pool = []
        for c in co: pool.append(("cohost", c))
        pool += [("revision", None), ("parent_repost", None), ("central_wechat", None), ("platform", None), ("spreadsheet", None),
                 ("booking", None), ("host_twice", None), ("cancel_or_postpone", None), ("utc_oa", None), ("ampm", None)]
        r.shuffle(pool)
        if co and r.random() < 0.6: pool.insert(0, ("connecting", None))
        pub = pub0; extra = []
        cancelled = False
        for kind, who in pool:
            if len(out) + len(extra) >= n: break
            pub = pub + timedelta(hours=r.uniform(1, 60))
            if kind == "cancel_or_postpone":
                if cancelled or a["all_day"] or a["fam"] not in ("single", "same_hall_later_that_day", "parallel_sessions_one_building"): continue
                cancelled = True
            s = self.variant(a, kind, who, first, mk, pub)
            if s is None: continue
            for x in s: extra.append(x)
        # fill with more co-host style reposts by random other members if still short
        while len(out) + len(extra) < n:
            pub = pub + timedelta(hours=r.uniform(1, 30))
            who = r.choice([i for i in self.ids if i != lib])
            extra += self.variant(a, "cohost", who, first, mk, pub)
        extra = extra[: n - 1]
        # connecting announcement goes last when present
        conn = [e for e in extra if e[2] == "connecting"]
        if conn:
            rest = [e for e in extra if e[2] != "connecting"]
            last = max([p for p, _, _ in rest] + [pub0])
            conn = [(last + timedelta(hours=r.uniform(2, 40)), conn[0][1], "connecting")]
            extra = rest + conn
        return out + extra

    def timeshift(self, d, a, how):
        r = self.r; s = a["start"]
        if how == "signin": d["starts_at"] = s - timedelta(minutes=r.choice([15, 20, 30]))
        elif how == "round": d["starts_at"] = s.replace(minute=0)
        elif how == "off": d["starts_at"] = s + timedelta(minutes=r.choice([-60, -45, 30, 45, 60]))
        elif how == "noend": d["ends_at"] = d["starts_at"]
        elif how == "otherend": d["ends_at"] = d["starts_at"] + timedelta(minutes=r.choice([60, 90, 120, 180]))
        elif how == "allday":
            d["all_day"] = True; d["starts_at"] = s.replace(hour=0, minute=0); d["ends_at"] = s.replace(hour=23, minute=59)
        if d["ends_at"] < d["starts_at"]: d["ends_at"] = d["starts_at"] + timedelta(minutes=90)

    def variant(self, a, kind, who, first, mk, pub):
        r = self.r; lib = a["lib"]; L = a["label"]
        dec = lambda t, n=1: self._decorate_many(a, t, n)
        tvs = ["room", "bare", "lib_room", "short_room", "address", "vague", "typo", "fullwidth"]
        self.counts["kind:" + kind] += 1
        if kind == "cohost":
            d = self.sub(a, who, f"{who}-{mk()}", title=dec(a["title"]), venue=self.venue_text(a, who, r.choice(tvs)))
            d["organizers"] = r.choice([[], [{"library_id": lib, "role": "host"}],
                                        [{"library_id": lib, "role": "host"}, {"library_id": who, "role": r.choice(["co_organiser", "organiser", "participant", "co_host"])}]])
            if r.random() < 0.5: self.timeshift(d, a, r.choice(["signin", "round", "off", "noend", "otherend", "allday"]))
            if r.random() < 0.2: d["category"] = "outreach" if a["cat"] != "outreach" else "other"  # (own) category disagreement
            d.pop("brand_id") if r.random() < 0.6 else None
            return [(pub, d, "cohost")]
        if kind == "connecting":
            d = self.sub(a, self.central if lib != self.central else (a["cohosts"][0]), f"lmb-{mk()}",
                         title="【联盟活动】" + a["title"], venue=self.venue_text(a, lib, r.choice(["lib_room", "address", "short_room"])))
            d["organizers"] = [{"library_id": lib, "role": "host"}] + [{"library_id": c, "role": "co_organiser"} for c in a["cohosts"] if c != d["library_id"]]
            if d["library_id"] != lib and d["library_id"] not in [o["library_id"] for o in d["organizers"]]:
                d["organizers"].append({"library_id": d["library_id"], "role": "participant"})
            return [(pub, d, "connecting")]
        if kind == "revision":
            d = dict(first); d["revision"] = 2 + r.choice([0, 0, 1])
            ch = r.choice(["title", "time", "venue", "desc"])
            if ch == "title": d["title"] = dec(a["title"])
            elif ch == "time": d["ends_at"] = d["ends_at"] + timedelta(minutes=30)
            elif ch == "venue": d["venue"] = self.venue_text(a, lib, r.choice(tvs))
            else: d["description"] = "更正：" + r.choice(["报名方式改为电话预约。", "活动地点调整，请留意。", "请携带读者证。"])
            return [(pub, d, "revision")]
        if kind == "parent_repost":
            p = self.m[lib]["parent"]
            if not p: return []
            d = self.sub(a, p, f"{p}-zf-{mk()}", title=dec(a["title"], 2), venue=self.venue_text(a, p, r.choice(tvs)),
                         organizers=[{"library_id": lib, "role": "host"}] if r.random() < .5 else [{"library_id": p, "role": "participant"}])
            if r.random() < .5: self.timeshift(d, a, r.choice(["signin", "round", "noend"]))
            return [(pub, d, "parent_repost")]
        if kind == "central_wechat":
            if lib == self.central: return []
            d = self.sub(a, self.central, f"wx-{mk()}", title=dec(a["title"], 2), venue=self.venue_text(a, lib, r.choice(tvs)),
                         description="转自" + self.m[lib]["name"] + "微信公众号", organizers=[{"library_id": lib, "role": "host"}],
                         brand_id=None)
            if r.random() < .4: self.timeshift(d, a, r.choice(["round", "otherend", "allday"]))
            return [(pub, d, "central_wechat")]
        if kind == "platform":  # (own) partner platform repost: prefix, address only, UTC offset, no category nuance
            d = self.sub(a, self.central, f"pt-{r.randrange(10**8, 10**9)}", title=f"【{self.cfg['platform'][:4]}】" + self.decorate(a, a["title"], "drop_brand"),
                         venue={"name": self.m[lib]["address"], "address": self.m[lib]["address"]} if "stop" not in a["extra"] else {"name": a["room"]},
                         organizers=[{"library_id": lib, "role": "host"}], brand_id=None, campaign_id=None, category="other" if r.random() < .5 else a["cat"])
            d["starts_at"] = d["starts_at"].astimezone(UTC); d["ends_at"] = d["ends_at"].astimezone(UTC)
            return [(pub, d, "platform")]
        if kind == "spreadsheet":  # (own) Excel export by coordinator: date-only, library name as venue, row ref
            who = self.m[lib]["parent"] or lib
            d = self.sub(a, who, f"{a['start']:%Y}年活动统计表-第{r.randrange(2, 400)}行", title=a["title"].replace("：", " "),
                         all_day=True, starts_at=a["start"].replace(hour=0, minute=0), ends_at=a["start"].replace(hour=0, minute=0),
                         venue={"name": self.m[lib]["name"]}, organizers=[{"library_id": lib, "role": "host"}] if who != lib else [],
                         brand_id=None, campaign_id=None, description=None)
            if a["all_day"]: d["ends_at"] = a["end"].replace(hour=0, minute=0)
            return [(pub, d, "spreadsheet")]
        if kind == "booking":  # (own) booking mini-program: slot title, default 2h end, capacity, vague venue
            d = self.sub(a, lib, f"yy{r.randrange(10**5, 10**6)}", title=self.decorate(a, a["title"], "booking"),
                         ends_at=a["start"] + timedelta(hours=2), venue={"name": r.choice(["详见小程序", self.m[lib]["name"], a["room"]])},
                         capacity=r.choice([20, 30, 40, 50, 100]), registration_url=f"https://yuyue.example.cn/{self.cfg['key']}/{r.randrange(10**5, 10**6)}")
            if a["all_day"]: d["ends_at"] = a["end"]
            return [(pub, d, "booking")]
        if kind == "host_twice":  # the same library enters it twice
            d = self.sub(a, lib, f"{lib}-{mk()}", title=dec(a["title"]), venue=self.venue_text(a, lib, r.choice(tvs)))
            if r.random() < .5 and not a["all_day"]:
                d["starts_at"] = a["start"] + timedelta(minutes=r.choice([-10, 10])); d["ends_at"] = a["end"]
            return [(pub, d, "host_twice")]
        if kind == "cancel_or_postpone":
            if r.random() < .5:
                d = dict(first); d["revision"] = 5; d["status"] = "cancelled"; d["title"] = "【取消】" + a["title"]
                a["cancelled"] = True
                return [(pub, d, "cancel")]
            # postponed: old ref cancelled with 延期, re-announced under a new ref with the new date
            delta = timedelta(days=r.choice([7, 14, 21]))
            d1 = dict(first); d1["revision"] = 2; d1["status"] = "cancelled"; d1["title"] = "【延期】" + a["title"]
            d2 = self.sub(a, lib, f"{lib}-{mk()}", title=a["title"] + "（延期举办）", starts_at=a["start"] + delta, ends_at=a["end"] + delta,
                          venue=dict(first["venue"]), organizers=first["organizers"])
            a["postponed"] = True
            return [(pub, d1, "postpone_cancel"), (pub + timedelta(hours=3), d2, "postpone_reannounce")]
        if kind == "utc_oa":  # (own) OA system writes the instant with +00:00 and seconds trimmed title
            who = r.choice(a["cohosts"]) if a["cohosts"] else lib
            d = self.sub(a, who, f"OA[{r.randrange(2026000, 2026999)}]", title=a["title"].replace("《", "<").replace("》", ">"),
                         venue=self.venue_text(a, who, r.choice(tvs)), organizers=[{"library_id": lib, "role": "host"}] if who != lib else [])
            d["starts_at"] = d["starts_at"].astimezone(UTC); d["ends_at"] = d["ends_at"].astimezone(UTC)
            return [(pub, d, "utc_oa")]
        if kind == "ampm":  # (own) 12-hour clock slip: 2:30 pm keyed as 02:30
            if a["start"].hour < 13 or a["all_day"] or r.random() < 0.6: return []
            s = a["start"] - timedelta(hours=12)
            d = self.sub(a, lib, f"{lib}-{mk()}", title=dec(a["title"]), starts_at=s, ends_at=s + (a["end"] - a["start"]),
                         venue=self.venue_text(a, lib, "room"))
            return [(pub, d, "ampm_slip")]
        return []

    def _decorate_many(self, a, t, n):
        r = self.r
        kinds = ["prefix", "suffix", "emoji", "drop_brand", "date_in_title", "numeral", "korean", "none", "none"]
        for k in r.sample(kinds, n):
            t = self.decorate(a, t, k)
        return t[:200]

    def build(self, n_acts):
        self.gen(n_acts)
        self.sizes()
        rows = []
        for a in self.acts:
            for pub, d, kind in self.announce(a):
                rows.append((pub, a["label"], d, kind))
                self.counts["var:" + kind] += 1
        rows.sort(key=lambda x: (x[0], x[1], x[2]["source_ref"], x[2]["revision"]))
        return rows


def dump(d):
    o = {}
    for k, v in d.items():
        if k == "label": continue
        if isinstance(v, datetime): v = iso(v)
        if v is None or v == [] : continue
        o[k] = v
    o["label"] = d["label"]
    return json.dumps(o, ensure_ascii=False, sort_keys=False)


def main():
    summary = {}
    for cfg, seed, n in ((QQ, 2020, 1010), (RR, 2021, 1030)):
        c = City(cfg, seed)
        d = os.path.join(OUT, "city_" + cfg["key"]); os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "alliance.toml"), "w", encoding="utf-8") as f: f.write(c.toml())
        rows = c.build(n)
        lines = [dump(x[2]) for x in rows]
        with open(os.path.join(d, "eval.jsonl"), "w", encoding="utf-8") as f: f.write("\n".join(lines) + "\n")
        sizes = Counter(x[1] for x in rows)
        hist = Counter(sizes.values())
        summary["city_" + cfg["key"]] = dict(
            announcements=len(rows), activities=len(sizes), true_pairs=sum(k * (k - 1) // 2 for k in sizes.values()),
            singletons_share=round(hist[1] / len(sizes), 3), group_size_histogram={str(k): hist[k] for k in sorted(hist)},
            lookalike_families={k: v for k, v in sorted(c.lookfam.items())},
            variations={k[4:]: v for k, v in sorted(c.counts.items()) if k.startswith("var:")})
    with open(os.path.join(OUT, "summary.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, ensure_ascii=False, indent=2); f.write("\n")


if __name__ == "__main__":
    main()
