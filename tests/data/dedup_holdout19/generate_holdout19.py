#!/usr/bin/env python3
"""Holdout evaluation set 19: two invented alliances (city_oo, city_pp).  Stdlib only, fixed seeds."""
import json
import random
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

OUT = Path(__file__).resolve().parent
CST = timezone(timedelta(hours=8))
UTC = timezone.utc

# ---------------------------------------------------------------- cities
# city_oo: a district of a 直辖市 (invented 渝津市 澄江区): the district library is the alliance centre,
# with a 少儿馆, 街道 branches, 城市书房, 社区书屋 and a book bus.  Venue directory for the central library.
OO = {
    "key": "oo", "alliance": ("chengjiang-reading", "澄江区阅读推广联盟", "Chengjiang District Reading Alliance"),
    "members": [
        # id, name, tier, parent, address, short names
        ("oo-cj", "渝津市澄江区图书馆", "central", None, "渝津市澄江区金沙大道188号", ["澄江区图书馆", "区图书馆", "区馆", "区图", "澄图"]),
        ("oo-sr", "澄江区少年儿童图书馆", "district", "oo-cj", "澄江区滨江路36号", ["区少儿馆", "少儿馆", "澄江少图", "少儿图书馆"]),
        ("oo-jd1", "澄江区图书馆金沙街道分馆", "branch", "oo-cj", "金沙街道龙溪路12号街道文化中心三楼", ["金沙分馆", "金沙街道图书室", "金沙街道分馆"]),
        ("oo-jd2", "澄江区图书馆石门街道分馆", "branch", "oo-cj", "石门街道石门正街88号", ["石门分馆", "石门街道分馆"]),
        ("oo-jd3", "澄江区图书馆桃源街道分馆", "branch", "oo-cj", "桃源街道桃源路5号", ["桃源分馆", "桃源街道分馆", "桃园分馆"]),
        ("oo-jd4", "澄江区图书馆望江街道分馆", "branch", "oo-cj", "望江街道江景路201号", ["望江分馆", "望江街道分馆"]),
        ("oo-jd5", "澄江区图书馆白鹭街道分馆", "branch", "oo-cj", "白鹭街道鹭岛社区服务中心二楼", ["白鹭分馆", "白鹭街道分馆"]),
        ("oo-jd6", "澄江区图书馆双溪街道分馆", "branch", "oo-cj", "双溪街道新村路77号", ["双溪分馆", "双溪街道分馆"]),
        ("oo-sf1", "澄江区城市书房·江畔书房", "branch", "oo-cj", "滨江公园北门", ["江畔书房", "江畔城市书房"]),
        ("oo-sf2", "澄江区城市书房·云岭书房", "branch", "oo-cj", "云岭商圈云岭广场B座1楼", ["云岭书房", "云岭城市书房"]),
        ("oo-sq1", "金沙街道龙溪社区书屋", "service_point", "oo-jd1", "龙溪社区党群服务中心", ["龙溪社区书屋", "龙溪书屋"]),
        ("oo-sq2", "石门街道老街社区书屋", "service_point", "oo-jd2", "石门老街社区活动室", ["老街书屋", "老街社区书屋"]),
        ("oo-sq3", "望江街道新港社区书屋", "service_point", "oo-jd4", "新港社区便民服务站二楼", ["新港书屋", "新港社区书屋"]),
        ("oo-bus", "澄江区图书馆流动图书车", "service_point", "oo-cj", None, ["流动图书车", "图书大篷车", "书香直通车"]),
    ],
    "rooms": {
        "oo-cj": [("报告厅", "一楼"), ("多功能厅", "三楼"), ("少儿阅览区", "二楼"), ("展厅", "一楼"), ("电子阅览室", "四楼"), ("读者沙龙区", "五楼"), ("古籍修复体验室", "四楼")],
        "oo-bus": [("车厢阅读区", ""), ("广场停靠点", "")],
        "oo-sr": [("故事屋", "一楼"), ("亲子阅读区", "二楼"), ("多功能活动室", "三楼"), ("绘本馆", "一楼")],
    },
    "default_rooms": [("阅览室", ""), ("活动室", ""), ("多功能室", ""), ("自习区", "")],
    "directory": True,
    "brands": [
        ("oo-jsjt", "金沙讲堂", "oo-cj", 2015, "lecture", ["金沙讲堂"]),
        ("oo-xxdk", "小小读客", "oo-sr", 2018, "children", ["小小读客"]),
        ("oo-jpsh", "江畔书话", "oo-sf1", 2021, "salon", ["江畔书话"]),
        ("oo-smlj", "石门老街记忆", "oo-jd2", 2019, "exhibition", ["老街记忆"]),
        ("oo-yxgs", "银发e课堂", "oo-cj", 2020, "digital", ["银发e课堂", "银发E课堂"]),
        ("oo-tyhb", "桃源绘本剧场", "oo-jd3", 2022, "parent_child", ["绘本剧场"]),
    ],
    "partners": ["澄江区第一实验小学", "澄江区科协", "澄江区社科联", "金沙中学", "驻区某部营区", "渝津工商职业学院", "澄江区残联", "龙溪社区居委会"],
}

PP = {
    "key": "pp", "alliance": ("haiyan-reading", "海晏市全民阅读推广联盟", "Haiyan City Reading Alliance"),
    "members": [
        ("pp-hy", "海晏市图书馆", "central", None, "海晏市侨兴大道1号", ["市图书馆", "市馆", "市图", "海晏图书馆", "海图"]),
        ("pp-qx", "海晏市华侨图书馆", "branch", "pp-hy", "海晏市侨乡路28号侨联大楼", ["华侨图书馆", "侨图", "华侨馆"]),
        ("pp-dt", "海晏市图书馆端头镇分馆", "branch", "pp-hy", "端头镇文化站二楼", ["端头分馆", "端头镇图书馆", "端头文化站"]),
        ("pp-sc", "海晏市图书馆沙冲镇分馆", "branch", "pp-hy", "沙冲镇墟顶街15号", ["沙冲分馆", "沙冲镇图书馆"]),
        ("pp-cb", "海晏市图书馆赤坂镇分馆（侨乡分馆）", "branch", "pp-hy", "赤坂镇碉楼路3号", ["赤坂分馆", "侨乡分馆", "赤坂镇分馆"]),
        ("pp-lm", "海晏市图书馆龙门街道分馆", "branch", "pp-hy", "龙门街道迎宾路66号", ["龙门分馆", "龙门街道分馆"]),
        ("pp-ct1", "赤坂镇黄氏宗祠书屋", "service_point", "pp-cb", "赤坂镇塘美村黄氏宗祠", ["黄氏宗祠书屋", "塘美祠堂书屋", "黄氏宗祠"]),
        ("pp-ct2", "沙冲镇陈氏宗祠书屋", "service_point", "pp-sc", "沙冲镇上洞村陈氏大宗祠", ["陈氏宗祠书屋", "上洞祠堂书屋", "陈氏大宗祠"]),
        ("pp-ct3", "端头镇李氏家庙农家书屋", "service_point", "pp-dt", "端头镇北坑村李氏家庙", ["李氏家庙书屋", "北坑农家书屋"]),
        ("pp-nj1", "龙门街道南湖村农家书屋", "service_point", "pp-lm", "南湖村委会一楼", ["南湖农家书屋", "南湖书屋"]),
        ("pp-dl", "赤坂镇碉楼侨批书屋", "service_point", "pp-cb", "赤坂镇自力村碉楼群游客中心", ["侨批书屋", "碉楼书屋"]),
        ("pp-whg", "海晏市文化馆图书服务点", "service_point", "pp-hy", "海晏市文化路9号文化馆", ["市文化馆", "文化馆", "海晏文化馆"]),
    ],
    "rooms": {
        "pp-hy": [("学术报告厅", "二楼"), ("少儿借阅室", "一楼"), ("展览厅", "一楼大堂"), ("侨乡文献室", "三楼"), ("多媒体室", "四楼")],
        "pp-whg": [("小剧场", "一楼"), ("排练厅", "二楼"), ("展厅", "一楼")],
        "pp-qx": [("侨史阅览室", "二楼"), ("会议室", "三楼")],
    },
    "default_rooms": [("阅览室", ""), ("活动室", ""), ("祠堂正厅", ""), ("文化室", "")],
    "directory": False,
    "brands": [
        ("pp-qxjt", "侨乡大讲堂", "pp-hy", 2014, "lecture", ["侨乡大讲堂"]),
        ("pp-qpds", "侨批里的家书", "pp-qx", 2019, "exhibition", ["侨批"]),
        ("pp-ctds", "祠堂夜读", "pp-cb", 2020, "reading_club", ["祠堂夜读"]),
        ("pp-ygqz", "粤韵亲子读", "pp-hy", 2017, "parent_child", ["粤韵亲子"]),
        ("pp-wyzx", "文艺周末·书香剧场", "pp-whg", 2021, "screening", ["书香剧场"]),
    ],
    "partners": ["海晏市侨联", "海晏市第一中学", "海晏市文化馆", "五邑大学（合作）", "海晏市融媒体中心", "海晏市关工委", "塘美村委会", "海晏市华侨中学"],
}

TOPICS_LECT = ["宋词里的节气", "家风家训与侨乡文化", "从碉楼看近代建筑", "长江文明漫谈", "古籍里的饮食", "中医养生与四季", "AI时代的阅读", "《红楼梦》人物谈", "防范电信诈骗", "城市记忆与老地名", "少年读《史记》", "唐诗里的山水"]
TOPICS_CHILD = ["绘本故事会", "亲子共读《猜猜我有多爱你》", "小小图书管理员体验", "端午香囊手作", "科普小实验", "成语故事会", "英语绘本分享", "剪纸与童谣", "自然笔记", "暑期阅读打卡启动"]
TOPICS_CLUB = ["读书分享会", "《活着》共读", "青年读书会", "诗歌朗诵沙龙", "《平凡的世界》读书会", "好书推荐会", "非遗手作沙龙", "悦读下午茶"]
TOPICS_EXH = ["老照片展", "侨批档案展", "抗战文献展", "书法作品展", "少儿绘画展", "非遗剪纸展"]
TOPICS_TRAIN = ["智能手机使用培训", "电子资源检索培训", "基层图书管理员业务培训", "志愿者上岗培训", "数字阅读推广培训"]
TOPICS_OUT = ["送书进军营", "图书进社区", "阅读进校园", "书香进企业", "流动图书车进村"]
TOPICS_SCREEN = ["公益电影放映", "无障碍电影放映（视障专场）", "经典影片赏析"]
TOPICS_CONTEST = ["征文比赛", "朗读大赛", "书法比赛", "知识竞赛"]
CATS = [("lecture", TOPICS_LECT, 0.2), ("children", TOPICS_CHILD, 0.24), ("reading_club", TOPICS_CLUB, 0.14),
        ("exhibition", TOPICS_EXH, 0.07), ("training", TOPICS_TRAIN, 0.08), ("outreach", TOPICS_OUT, 0.1),
        ("screening", TOPICS_SCREEN, 0.08), ("contest", TOPICS_CONTEST, 0.09)]
SPEAKERS = ["王立新", "陈美华", "黄志强", "李文博", "刘晓燕", "周建国", "吴秀兰", "梁启明", "谭海伦", "郑家豪"]
AUD = {"lecture": "成人读者", "children": "3-8岁儿童及家长", "reading_club": "阅读爱好者", "exhibition": "全体市民",
       "training": "老年读者", "outreach": "社区居民", "screening": "视障读者及家属", "contest": "中小学生"}
TRAD = str.maketrans({"读": "讀", "书": "書", "会": "會", "亲": "親", "阅": "閱", "乡": "鄉", "侨": "僑", "讲": "講", "堂": "堂",
                      "图": "圖", "馆": "館", "绘": "繪", "本": "本", "诗": "詩", "节": "節", "历": "歷", "展": "展", "览": "覽",
                      "里": "裏", "从": "從", "楼": "樓", "园": "園", "话": "話", "画": "畫", "电": "電", "影": "影", "华": "華"})
FULLW = str.maketrans("0123456789()", "０１２３４５６７８９（）")
CN_NUM = "零一二三四五六七八九十"


def cn(n):
    if n <= 10:
        return CN_NUM[n]
    if n < 20:
        return "十" + (CN_NUM[n - 10] if n % 10 else "")
    return CN_NUM[n // 10] + "十" + (CN_NUM[n % 10] if n % 10 else "")


def iso(dt):
    return dt.isoformat()


class City:
    def __init__(self, cfg, seed):
        self.cfg = cfg
        self.r = random.Random(seed)
        self.k = cfg["key"]
        self.members = {m[0]: m for m in cfg["members"]}
        self.ids = [m[0] for m in cfg["members"]]
        self.central = self.ids[0]
        self.brands = cfg["brands"]
        self.activities = []
        self.used_keys = set()
        self.fam = Counter()
        self.var = Counter()
        self.n = 0
        self.srcn = Counter()

    def rooms(self, lib):
        return self.cfg["rooms"].get(lib, self.cfg["default_rooms"])

    def label(self):
        self.n += 1
        return f"{self.k}-{self.n:04d}"

    # ---------------------------------------------------------- activities
    def new_act(self, family, host, title, room, start, minutes, cat, **kw):
        key = (host, title, start, room[0])
        if key in self.used_keys:
            return None
        self.used_keys.add(key)
        a = dict(label=self.label(), family=family, host=host, title=title, room=room, start=start,
                 minutes=minutes, cat=cat, cohosts=kw.get("cohosts", []), brand=kw.get("brand"),
                 prefix=kw.get("prefix"), all_day=kw.get("all_day", False), campaign=kw.get("campaign"),
                 speaker=kw.get("speaker"), outdoor=kw.get("outdoor"), partners=kw.get("partners", []),
                 note=kw.get("note"))
        self.activities.append(a)
        self.fam[family] += 1
        return a

    def rand_day(self):
        return datetime(2026, 3, 2, tzinfo=CST) + timedelta(days=self.r.randrange(0, 290))

    def rand_start(self, day=None):
        day = day or self.rand_day()
        h, m = self.r.choice([(9, 0), (9, 30), (10, 0), (14, 0), (14, 30), (15, 0), (19, 0), (19, 30), (10, 30), (15, 30)])
        return day.replace(hour=h, minute=m)

    def pick_cat(self):
        x = self.r.random()
        for cat, topics, w in CATS:
            if x < w:
                return cat, topics
            x -= w
        return CATS[0][0], CATS[0][1]

    def campaign_of(self, start):
        md = (start.month, start.day)
        if (4, 1) <= md <= (4, 30):
            return f"{self.k}-dushuyue"
        if (7, 1) <= md <= (8, 31):
            return f"{self.k}-shuqi"
        if (11, 1) <= md <= (11, 30):
            return f"{self.k}-dushujie"
        return None

    def cohost_pick(self, host, k):
        others = [i for i in self.ids if i != host]
        return [(c, self.r.choice(["co_organiser", "co_organiser", "organiser", "participant", "co_host"])) for c in self.r.sample(others, k)]

    def build(self, target):
        r = self.r
        while len(self.activities) < target:
            x = r.random()
            host = r.choice(self.ids[:9] if r.random() < 0.8 else self.ids)
            cat, topics = self.pick_cat()
            topic = r.choice(topics)
            start = self.rand_start()
            room = r.choice(self.rooms(host))
            mins = r.choice([60, 90, 90, 120, 120, 150])
            brand = None
            prefix = None
            cam = self.campaign_of(start)
            if x < 0.40:  # plain single activity
                bb = [b for b in self.brands if b[2] == host]
                if bb and r.random() < 0.6:
                    b = r.choice(bb)
                    brand, prefix, cat = b[0], b[1], b[4]
                nco = r.choice([0, 0, 0, 1, 1, 2, 3])
                if cat == "exhibition":
                    mins = 60 * 24 * r.choice([6, 13, 29]) + 60 * 7
                    start = start.replace(hour=9, minute=0)
                sp = r.choice(SPEAKERS) if cat == "lecture" else None
                self.new_act("single", host, topic, room, start, mins, cat, cohosts=self.cohost_pick(host, nco),
                             brand=brand, prefix=prefix, campaign=cam, speaker=sp, partners=r.sample(self.cfg["partners"], r.choice([0, 0, 1, 2])))
            elif x < 0.50:  # weekly series sessions (look-alike)
                bb = [b for b in self.brands] if r.random() < 0.6 else []
                if bb:
                    b = r.choice(bb)
                    host, brand, prefix, cat = b[2], b[0], b[1], b[4]
                    room = r.choice(self.rooms(host))
                for w in range(r.choice([3, 4, 5, 6])):
                    self.new_act("weekly_series", host, topic if not prefix else f"第{w + 1 + r.choice([0, 0])}期", room,
                                 start + timedelta(days=7 * w), mins, cat, brand=brand, prefix=prefix or None,
                                 campaign=self.campaign_of(start + timedelta(days=7 * w)))
                    if not prefix:
                        # plain weekly title kept identical on purpose: same title/room/hour, different weeks
                        pass
            elif x < 0.57:  # one programme at several branches the same hour
                libs = r.sample(self.ids[2:], r.choice([2, 3, 4]))
                for lib in libs:
                    self.new_act("multi_branch_same_hour", lib, topic, r.choice(self.rooms(lib)), start, mins, cat, campaign=cam)
            elif x < 0.62:  # parallel sessions in one building, same start
                rooms = r.sample(self.rooms(host), 2)
                groups = [("低幼场", "3-5岁"), ("大童场", "6-9岁")] if cat == "children" else [("A组", ""), ("B组", "")]
                t2 = r.choice(topics)
                for i, rm in enumerate(rooms):
                    t = f"{topic}（{groups[i][0]}）" if i == 0 or t2 == topic else t2
                    self.new_act("parallel_same_start", host, t, rm, start, mins, cat, campaign=cam)
            elif x < 0.66:  # 第一场 / 第二场 an hour apart
                for i in range(2):
                    self.new_act("session_one_two", host, f"{topic}（第{cn(i + 1)}场）", room, start + timedelta(hours=i + (0 if i == 0 else 0.5)), 60, cat, campaign=cam)
            elif x < 0.70:  # another event in the same hall later that day
                t2 = r.choice([t for c, ts, w in CATS for t in ts if t != topic])
                self.new_act("same_hall_later", host, topic, room, start.replace(hour=9, minute=30), 90, cat, campaign=cam)
                self.new_act("same_hall_later", host, t2, room, start.replace(hour=14, minute=30), 120, cat, campaign=cam)
            elif x < 0.74:  # (own) touring exhibition: same show, consecutive stops at different libraries
                libs = r.sample(self.ids[1:], 3)
                t = r.choice(TOPICS_EXH)
                d0 = start.replace(hour=9, minute=0)
                for i, lib in enumerate(libs):
                    self.new_act("own_touring_exhibition", lib, f"{t}（巡展{cn(i + 1)}站）" if r.random() < 0.3 else t,
                                 r.choice(self.rooms(lib)), d0 + timedelta(days=10 * i), 60 * 24 * 6 + 8 * 60, "exhibition", campaign=self.campaign_of(d0 + timedelta(days=10 * i)))
            elif x < 0.78:  # (own) outreach on consecutive days to different destinations
                dests = r.sample(["金沙中学", "驻区某部营区", "龙溪社区", "工业园区职工书屋", "敬老院", "第一实验小学", "村委会"], 2)
                for i, d in enumerate(dests):
                    a = self.new_act("own_outreach_consecutive_days", host, r.choice(TOPICS_OUT), ("", ""), start + timedelta(days=i), 120, "outreach", outdoor=d, campaign=cam)
            elif x < 0.82:  # (own) essay/contest call (date-only window) vs its award ceremony
                t = r.choice(["“书香澄江”征文比赛" if self.k == "oo" else "“侨乡书香”征文比赛", "少儿绘画大赛", "家庭读书故事征集"])
                d0 = start.replace(hour=0, minute=0)
                self.new_act("own_contest_vs_ceremony", host, t, ("", ""), d0, 60 * 24 * 30, "contest", all_day=True, outdoor="线上投稿", campaign=cam)
                self.new_act("own_contest_vs_ceremony", host, t + "颁奖典礼", r.choice(self.rooms(host)), (d0 + timedelta(days=45)).replace(hour=14, minute=30), 120, "contest")
            elif x < 0.86:  # (own) sold-out 加场 same room two hours later, announced later
                t = r.choice(TOPICS_CHILD)
                self.new_act("own_extra_session", host, t, room, start.replace(hour=9, minute=30), 90, "children", campaign=cam)
                self.new_act("own_extra_session", host, t + "（加场）", room, start.replace(hour=11, minute=30), 90, "children", campaign=cam)
            elif x < 0.90:  # (own) same series, different episodes on the same day at two libraries
                b = r.choice(self.brands)
                n0 = r.randrange(5, 40)
                for i, lib in enumerate([b[2], r.choice([i for i in self.ids if i != b[2]])]):
                    self.new_act("own_episode_same_day", lib, f"第{n0 + i}期 {topic}", r.choice(self.rooms(lib)), start.replace(hour=10 if i == 0 else 15, minute=0), 90, b[4], brand=b[0], prefix=b[1])
            elif x < 0.94:  # (own) the same speaker at two libraries on one day
                sp = r.choice(SPEAKERS)
                libs = r.sample(self.ids[:6], 2)
                for i, lib in enumerate(libs):
                    self.new_act("own_same_speaker_two_venues", lib, topic if cat == "lecture" else r.choice(TOPICS_LECT), r.choice(self.rooms(lib)), start.replace(hour=9 + 5 * i, minute=30), 90, "lecture", speaker=sp)
            else:  # big joint activity: host + many co-hosts (connecting announcement)
                nco = r.choice([3, 4, 5, 6])
                self.new_act("single_joint", host, topic, room, start, mins, cat, cohosts=self.cohost_pick(host, nco), campaign=cam,
                             partners=r.sample(self.cfg["partners"], 2))

    # ---------------------------------------------------------- rendering
    def short(self, lib):
        return self.r.choice(self.members[lib][5])

    def venue_name(self, a, lib, hab):
        r = self.r
        host = a["host"]
        if a["outdoor"]:
            d = a["outdoor"]
            return r.choice([d, d, f"{d}（{self.short(host)}送书点）", f"{self.members[host][1]}流动服务点·{d}"])
        room, floor = a["room"]
        hostname = self.members[host][1]
        addr = self.members[host][4]
        opts = [f"{hostname}{floor}{room}", f"{floor}{room}" if floor else room, room,
                f"{self.short(host)}{room}", f"{self.short(host)}{floor}{room}"]
        if lib != host:  # another library always says whose room it is
            opts = [f"{hostname}{floor}{room}", f"{self.short(host)}{room}", f"{self.short(host)}{floor}{room}", f"{hostname}（{room}）"]
        if addr and r.random() < 0.12:
            self.var["venue_street_address"] += 1
            return addr
        if r.random() < 0.05 and lib == host:
            self.var["venue_vague"] += 1
            return r.choice(["本馆", "馆内", "详见海报", "见正文", "图书馆"])
        if r.random() < 0.04 and len(room) > 2:
            self.var["venue_typo"] += 1
            typo = {"报告厅": "报告听", "多功能厅": "多功能听", "阅览室": "阅揽室", "展厅": "展听", "活动室": "活动是", "故事屋": "故事室"}
            return typo.get(room, room[:-1] + "间")
        v = r.choice(opts)
        if v != opts[0]:
            self.var["venue_rewritten"] += 1
        if hab == "floor_en" and floor:
            v = f"{room}（{floor.replace('一楼', '1F').replace('二楼', '2F').replace('三楼', '3F').replace('四楼', '4F').replace('五楼', '5F')}）"
        return v

    def title_for(self, a, lib, hab):
        r = self.r
        core = a["title"]
        if a["prefix"]:
            pf = a["prefix"]
            sep = r.choice(["：", "：", "|", " | ", "·", "——"])
            if r.random() < 0.25:
                t = core
                self.var["title_prefix_dropped"] += 1
            elif r.random() < 0.1:
                t = f"【{pf}】{core}"
            else:
                t = f"{pf}{sep}{core}"
        else:
            t = core
        if a["speaker"] and r.random() < 0.35:
            self.var["own_speaker_in_title"] += 1
            t = r.choice([f"{a['speaker']}：{t}", f"{t}——{a['speaker']}主讲", f"{t}（主讲人：{a['speaker']}）"])
        x = r.random()
        if x < 0.12:
            t = r.choice(["【联盟活动】", "【活动预告】", "【报名中】", "[预告]", "📚", "🔥"]) + t
            self.var["title_decorated_prefix"] += 1
        elif x < 0.24:
            t = t + r.choice(["，欢迎参加！", "（报名中）", "（已满员）", "活动", "读书分享活动", " 📖", "～", "啦"])
            self.var["title_decorated_suffix"] += 1
        if hab == "fullwidth":
            t = t.translate(FULLW)
        if hab == "trad":
            t = t.translate(TRAD)
        if hab == "quote_swap":
            t = t.replace("《", "“").replace("》", "”") if "《" in t else t.replace("“", "《").replace("”", "》")
        if hab == "date_in_title":
            s = a["start"]
            t = r.choice([f"{s.month}月{s.day}日{t}", f"【{s.month}.{s.day}】{t}", f"{t}（{s.month}/{s.day}）"])
        if hab == "campaign_prefix" and a["campaign"]:
            t = {"dushuyue": "4·23读书月｜", "shuqi": "暑期阅读季｜", "dushujie": "读书节｜"}[a["campaign"].split("-", 1)[1]] + t
        return t[:200]

    def make(self, a, lib, role_list, *, src=None, rev=1, status="scheduled", start=None, hab=None, title=None):
        r = self.r
        s = start or a["start"]
        e = s + timedelta(minutes=a["minutes"])
        all_day = a["all_day"]
        if not all_day and hab is None:
            y = r.random()
            if y < 0.12:
                s = s - timedelta(minutes=r.choice([15, 20, 30]))
                self.var["time_signin_early"] += 1
            elif y < 0.18 and s.minute:
                s = s.replace(minute=0)
                self.var["time_rounded_hour"] += 1
            elif y < 0.22:
                s = s + timedelta(minutes=r.choice([-60, -45, 30, 60]))
                self.var["time_off_up_to_hour"] += 1
            z = r.random()
            if z < 0.2:
                e = s
                self.var["end_missing"] += 1
            elif z < 0.3:
                e = e + timedelta(minutes=r.choice([-30, 30, 60]))
                self.var["end_different"] += 1
            if e < s:
                e = s
        if hab == "dateonly" and not all_day:
            all_day = True
            s = s.replace(hour=0, minute=0)
            e = s
            self.var["date_only_entry"] += 1
        if all_day:
            s = s.replace(hour=0, minute=0)
            e = max(e.replace(hour=0, minute=0), s)
        if hab == "slot":  # (own) 小程序 booking system: fixed slots
            s = s.replace(minute=0)
            e = s + timedelta(hours=2)
        vname = self.venue_name(a, lib, hab)
        venue = {"name": vname}
        if self.cfg["directory"] and a["host"] == self.central and not a["outdoor"] and r.random() < 0.45:
            venue["venue_id"] = f"{self.k}-v-{self.rooms(self.central).index(a['room'])}"
            self.var["venue_id_used"] += 1
        if r.random() < 0.25 and self.members[a["host"]][4]:
            venue["address"] = self.members[a["host"]][4]
        if hab == "utc":  # (own) partner platform exports instants in UTC
            s_out, e_out = s.astimezone(UTC), e.astimezone(UTC)
        else:
            s_out, e_out = s, e
        if src is None:
            self.srcn[lib] += 1
            src = r.choice(["wx-{:05d}", "act{:04d}", "2026-{:04d}", "xcx_{:06d}", "HD{:04d}"]).format(self.srcn[lib] * 7 + r.randrange(7))
        d = {
            "library_id": lib, "source_ref": src, "revision": rev, "status": status,
            "title": title or self.title_for(a, lib, hab), "category": a["cat"],
            "starts_at": iso(s_out), "ends_at": iso(e_out), "all_day": all_day, "venue": venue,
        }
        if role_list is not None:
            d["organizers"] = [{"library_id": l, "role": ro} for l, ro in role_list]
        if a["brand"] and r.random() < 0.7:
            d["brand_id"] = a["brand"]
        if a["campaign"] and r.random() < 0.6:
            d["campaign_id"] = a["campaign"]
        if r.random() < 0.5:
            d["audience"] = AUD.get(a["cat"], "全体市民")
        if r.random() < 0.4:
            d["description"] = self.desc(a, hab)
        if a["partners"] and r.random() < 0.6:
            d["partners"] = a["partners"]
        if hab == "slot":
            d["registration_url"] = f"https://yuyue.example.cn/{self.k}/{src}"
            d["capacity"] = r.choice([20, 30, 40, 50])
        if r.random() < 0.2:
            d["contact"] = r.choice(["023-6188", "0750-55"]) + f"{r.randrange(1000, 9999)}"
        return d

    def desc(self, a, hab):
        s = a["start"]
        parts = [f"时间：{s.month}月{s.day}日 {s:%H:%M}", f"地点：{self.members[a['host']][1]}{a['room'][1]}{a['room'][0]}"]
        if a["speaker"]:
            parts.append(f"主讲人：{a['speaker']}")
        if hab == "dateonly":
            parts.append("具体时间另行通知")
        parts.append(self.r.choice(["扫码报名，名额有限", "免费参加，无需报名", "请提前15分钟签到", "活动期间请保持安静"]))
        return "\n".join(parts)

    def announce(self, a, size):
        """Announcements of one activity (label), with publication times."""
        r = self.r
        out = []
        host = a["host"]
        co = list(a["cohosts"])
        lead = r.randint(3, 30)
        t0 = a["start"] - timedelta(days=lead, hours=r.randrange(0, 10))

        def pub(days_after, d):
            out.append((t0 + timedelta(hours=days_after * 24 + r.random()), d))

        habs = [None, None, None, None, "fullwidth", "quote_swap", "utc", "slot", "dateonly", "date_in_title",
                "campaign_prefix", "floor_en", "trad"]

        def hab_for(lib):
            h = r.choice(habs)
            if h == "trad" and self.k != "pp":
                h = None
            if h == "slot" and lib not in (self.central, self.ids[1]):
                h = None
            if h:
                self.var[f"habit_{h}"] += 1
            return h

        # host first
        host_roles = None
        if co and r.random() < 0.3:
            host_roles = [(host, "host")]  # lists itself only
        hsrc = None
        d = self.make(a, host, host_roles, hab=hab_for(host))
        hsrc = d["source_ref"]
        pub(0, d)
        kinds = []
        for c, role in co:
            kinds.append(("cohost", c, role))
        extra_pool = ["revision", "reentry", "repost_other", "revision", "partner_utc"]
        if co:
            extra_pool.append("connecting")
        while len(kinds) < size - 1:
            kinds.append((r.choice(extra_pool), None, None))
        kinds = kinds[: size - 1]
        if co and len(kinds) >= 2 and not any(k[0] == "connecting" for k in kinds) and r.random() < 0.6:
            kinds[-1] = ("connecting", None, None)
        # the connecting announcement (lists host and all co-hosts) goes last
        kinds.sort(key=lambda k: k[0] == "connecting")
        rev = 1
        cancelled = False
        for i, (kind, lib, role) in enumerate(kinds, 1):
            day = i * r.uniform(0.3, 3)
            if kind == "cohost":
                rl = r.choice([None, [(host, "host"), (lib, role)], [(lib, role)]])
                if rl is not None:
                    self.var["cohost_partial_list"] += 1
                else:
                    self.var["cohost_lists_nobody"] += 1
                pub(day, self.make(a, lib, rl, hab=hab_for(lib)))
            elif kind == "connecting":
                self.var["connecting_last"] += 1
                roles = [(host, "host")] + co
                who = r.choice([self.central, host] + [c for c, _ in co])
                if who != host and who not in [c for c, _ in co]:
                    roles = roles  # the alliance office posts for all
                pub(day + 5, self.make(a, who, roles, hab=hab_for(who)))
            elif kind == "revision":
                rev += r.choice([1, 1, 2])
                self.var["revision"] += 1
                x = r.random()
                if x < 0.22 and not cancelled:
                    cancelled = True
                    self.var["cancellation"] += 1
                    dd = self.make(a, host, host_roles, src=hsrc, rev=rev, status="cancelled")
                    dd["title"] = r.choice(["【取消】", "【活动取消】", ""]) + dd["title"]
                    pub(day, dd)
                elif x < 0.36 and not cancelled and a["family"] in ("single", "single_joint", "own_same_speaker_two_venues"):
                    # postponement: the old entry cancelled, re-announced with a new source_ref
                    cancelled = True
                    self.var["postponed_reannounced"] += 1
                    dd = self.make(a, host, host_roles, src=hsrc, rev=rev, status="cancelled")
                    dd["title"] = "【延期】" + dd["title"]
                    pub(day, dd)
                    ns = a["start"] + timedelta(days=r.choice([7, 14]))
                    nd = self.make(a, host, host_roles, start=ns)
                    nd["title"] = r.choice(["【延期举办】", "【时间调整】", "（改期）"]) + nd["title"]
                    pub(day + 0.5, nd)
                else:
                    pub(day, self.make(a, host, host_roles, src=hsrc, rev=rev, status="cancelled" if cancelled else "scheduled"))
            elif kind == "reentry":
                self.var["same_library_twice"] += 1
                if r.random() < 0.5:
                    pub(day, self.make(a, host, host_roles, start=a["start"] + timedelta(minutes=r.choice([-10, 10]))))
                else:
                    pub(day, self.make(a, host, host_roles))
            elif kind == "repost_other":  # (own) a parent library reposts a child's activity (no organizers, marked 转)
                par = self.members[host][3] or self.central
                self.var["own_parent_repost"] += 1
                dd = self.make(a, par, r.choice([None, [(host, "host")]]))
                dd["title"] = r.choice(["【转发】", "转：", f"【{self.short(host)}】", ""]) + dd["title"]
                pub(day, dd)
            elif kind == "partner_utc":  # (own) the 文化馆 / partner platform syncs with UTC instants, title from spreadsheet
                lib2 = r.choice([self.central, host])
                self.var["own_partner_utc_export"] += 1
                pub(day, self.make(a, lib2, [(host, "host")], hab="utc"))
        return out


def alliance_toml(c):
    cfg = c.cfg
    aid, name, name_en = cfg["alliance"]
    L = ['[alliance]', f'id = "{aid}"', f'name = "{name}"', f'name_en = "{name_en}"', 'timezone = "Asia/Shanghai"', '']
    for mid, mname, tier, parent, addr, _ in cfg["members"]:
        L += ['[[members]]', f'id = "{mid}"', f'name = "{mname}"', f'tier = "{tier}"']
        if parent:
            L.append(f'parent = "{parent}"')
        if addr:
            L.append(f'address = "{addr}"')
        L.append('')
    if cfg["directory"]:
        cen = c.central
        for i, (room, floor) in enumerate(c.rooms(cen)):
            al = [f"{floor}{room}", f"区馆{room}", f"区图{floor}{room}"]
            L += ['[[venues]]', f'id = "{c.k}-v-{i}"', f'library_id = "{cen}"', f'name = "{room}"',
                  'aliases = [' + ", ".join(f'"{x}"' for x in al) + ']', f'address = "{c.members[cen][4]}{floor}"', '']
    for bid, bname, lib, since, cat, kws in cfg["brands"]:
        L += ['[[brands]]', f'id = "{bid}"', f'name = "{bname}"', f'library_id = "{lib}"', f'since = {since}',
              f'category = "{cat}"', 'keywords = [' + ", ".join(f'"{k}"' for k in kws) + ']', '']
    for cid, cname, s, e in [("dushuyue", "4·23世界读书日暨读书月", "2026-04-01", "2026-04-30"),
                             ("shuqi", "暑期少儿阅读季", "2026-07-01", "2026-08-31"),
                             ("dushujie", "全民读书节", "2026-11-01", "2026-11-30")]:
        L += ['[[campaigns]]', f'id = "{c.k}-{cid}"', f'name = "{cname}"', f'starts_on = {s}', f'ends_on = {e}', '']
    L += ['[[coordinators]]', f'id = "{c.k}-office"', 'name = "联盟办"', f'email = "office-{c.k}@example.org"', '']
    L += ['[[coordinators]]', f'id = "{c.k}-head"', 'name = "' + c.members[c.ids[1]][1] + '"',
          f'email = "head-{c.k}@example.org"', f'scope = "{c.ids[1]}"', '']
    return "\n".join(L)


def size_dist(r):
    if r.random() < 0.45:
        return 1
    return r.choices([2, 3, 4, 5, 6, 7, 8, 9], [50, 24, 11, 6, 4, 2, 2, 1])[0]


def run(cfg, seed, target_acts):
    c = City(cfg, seed)
    c.build(target_acts)
    rows = []
    sizes = Counter()
    for a in c.activities:
        n = size_dist(c.r)
        anns = c.announce(a, n)
        for t, d in anns:
            d["label"] = a["label"]
            rows.append((t, a["label"], d))
        sizes[len(anns)] += 1
    rows.sort(key=lambda x: (x[0], x[1], x[2]["library_id"], x[2]["source_ref"], x[2]["revision"]))
    d = OUT / f"city_{c.k}"
    d.mkdir(exist_ok=True)
    (d / "alliance.toml").write_text(alliance_toml(c), encoding="utf-8")
    with open(d / "eval.jsonl", "w", encoding="utf-8") as f:
        for _, _, row in rows:
            f.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
    pairs = sum(n * (n - 1) // 2 * k for n, k in sizes.items())
    return {"announcements": len(rows), "activities": len(c.activities), "true_pairs": pairs,
            "group_size_histogram": {str(k): sizes[k] for k in sorted(sizes)},
            "per_family": dict(sorted(c.fam.items())), "per_variation": dict(sorted(c.var.items()))}


if __name__ == "__main__":
    summary = {"city_oo": run(OO, 19011, 1000), "city_pp": run(PP, 19002, 1020)}
    (OUT / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(json.dumps({k: {x: v[x] for x in ("announcements", "activities", "true_pairs")} for k, v in summary.items()}))
