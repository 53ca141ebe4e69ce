#!/usr/bin/env python3
"""Holdout 12: an independent, labelled evaluation set for deduplicating library activity
announcements.  Python stdlib only, fixed seed, deterministic.  Writes city_aa/, city_bb/,
summary.json next to this file."""
import json
import os
import random
from collections import Counter
from datetime import datetime, timedelta, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
CST = timezone(timedelta(hours=8))
UTC = timezone.utc
SEED = 20261205

# ---------------------------------------------------------------- alliances
# member: id, name, tier, parent, shorts (abbreviations), address, rooms [(room, floor)], directory?
CITY_AA = {
    "key": "city_aa",
    "id": "wuling-aa",
    "name": "武陵山市公共图书馆阅读推广联盟",
    "name_en": "Wulingshan City Public Library Reading Alliance",
    "note": "渝东南山地城市：区县相距很远，中心馆在城区，乡镇文化站与农家书屋挂在区县馆下",
    "members": [
        ("wl-central", "武陵山市图书馆", "central", None, ["市馆", "市图书馆", "市图"], "武陵山市白鹤大道88号", [("报告厅", "一楼"), ("少儿阅览室", "二楼"), ("多功能厅", "三楼"), ("展厅", "一楼"), ("大厅", "一楼")], True),
        ("wl-qj", "武陵山市黔江区图书馆", "district", "wl-central", ["黔江区图", "区馆", "黔江图书馆"], "黔江区城东街道新华大道西段216号", [("报告厅", "四楼"), ("少儿部", "二楼"), ("大厅", "一楼"), ("电子阅览室", "三楼")], True),
        ("wl-qj-zc", "黔江区图书馆正阳分馆", "branch", "wl-qj", ["正阳分馆", "正阳馆"], "黔江区正阳街道工业园区文体中心", [("阅览室", "一楼"), ("活动室", "二楼")], False),
        ("wl-qj-sp1", "黔江区濯水镇综合文化站", "service_point", "wl-qj", ["濯水文化站", "濯水站"], "濯水镇濯水古镇风雨廊桥旁", [("阅览室", ""), ("文化广场", "")], False),
        ("wl-qj-sp2", "黔江区小南海镇新建村农家书屋", "service_point", "wl-qj-zc", ["新建村书屋", "新建村农家书屋"], "小南海镇新建村村委会", [("书屋", ""), ("村委会会议室", "")], False),
        ("wl-yy", "武陵山市酉阳县图书馆", "county", "wl-central", ["酉阳县图", "县馆", "酉阳图书馆"], "酉阳县桃花源街道民族路34号", [("报告厅", "五楼"), ("少儿阅览室", "二楼"), ("展厅", "一楼"), ("大厅", "一楼")], True),
        ("wl-yy-th", "酉阳县图书馆桃花源分馆", "branch", "wl-yy", ["桃花源分馆", "桃源分馆"], "酉阳县桃花源景区游客中心二楼", [("阅览区", ""), ("亲子区", "")], False),
        ("wl-yy-sp1", "酉阳县龚滩镇综合文化站", "service_point", "wl-yy", ["龚滩文化站", "龚滩站"], "龚滩古镇西秦会馆旁", [("阅览室", ""), ("多功能室", "")], False),
        ("wl-yy-sp2", "酉阳县可大乡农家书屋", "service_point", "wl-yy-th", ["可大乡书屋", "可大农家书屋"], "可大乡政府院内", [("书屋", "")], False),
        ("wl-xs", "武陵山市秀山县图书馆", "county", "wl-central", ["秀山县图", "县馆", "秀山图书馆"], "秀山县中和街道渝秀大道198号", [("报告厅", "三楼"), ("少儿阅览室", "一楼"), ("多功能厅", "二楼")], True),
        ("wl-xs-hb", "秀山县图书馆花灯城市书房", "branch", "wl-xs", ["花灯书房", "花灯城市书房"], "秀山县凤凰路花灯广场东侧", [("阅读区", ""), ("活动区", "")], False),
        ("wl-xs-sp1", "秀山县洪安镇综合文化站", "service_point", "wl-xs", ["洪安文化站", "洪安站"], "洪安镇边城路12号", [("阅览室", "")], False),
        ("wl-ps", "武陵山市彭水县图书馆", "county", "wl-central", ["彭水县图", "县馆", "彭水图书馆"], "彭水县汉葭街道滨江路9号", [("报告厅", "二楼"), ("少儿阅览室", "一楼"), ("展厅", "一楼")], True),
        ("wl-ps-sp1", "彭水县郁山镇综合文化站", "branch", "wl-ps", ["郁山文化站", "郁山站"], "郁山镇中井坝街", [("阅览室", ""), ("会议室", "")], False),
        ("wl-ps-sp2", "彭水县鞍子镇罗家坨村农家书屋", "service_point", "wl-ps-sp1", ["罗家坨书屋", "罗家坨村书屋"], "鞍子镇罗家坨苗寨", [("书屋", ""), ("寨子坝坝", "")], False),
        ("wl-sz", "武陵山市石柱县图书馆", "county", "wl-central", ["石柱县图", "县馆", "石柱图书馆"], "石柱县南宾街道万寿大道22号", [("报告厅", "三楼"), ("少儿阅览室", "二楼"), ("大厅", "一楼")], False),
        ("wl-sz-sp1", "石柱县黄水镇城市书房", "branch", "wl-sz", ["黄水书房", "黄水城市书房"], "黄水镇月亮湖路", [("阅读区", "")], False),
        ("wl-mobile", "武陵山市图书馆流动图书车", "service_point", "wl-central", ["流动图书车", "图书大篷车"], "各乡镇巡回", [("车旁", "")], False),
    ],
    "brands": [
        ("wl-b-wlkt", "武陵讲堂", "wl-central", "lecture", 2014),
        ("wl-b-xbd", "快乐小板凳", "wl-central", "children", 2016),
        ("wl-b-qjds", "黔江读书会", "wl-qj", "reading_club", 2017),
        ("wl-b-tjy", "土家语绘本课堂", "wl-yy", "children", 2019),
        ("wl-b-hd", "花灯夜读", "wl-xs", "salon", 2020),
        ("wl-b-mz", "苗族故事会", "wl-ps", "children", 2018),
    ],
    "towns": ["濯水镇", "小南海镇", "龚滩镇", "可大乡", "洪安镇", "郁山镇", "鞍子镇", "黄水镇", "石会镇", "梅江镇", "中塘乡", "三义乡"],
}

CITY_BB = {
    "key": "city_bb",
    "id": "huaiyang-bb",
    "name": "淮扬市全民阅读推广联盟",
    "name_en": "Huaiyang Prefecture Reading Alliance",
    "note": "苏中地级市：三个县级市各自建有总分馆体系（总馆—镇分馆—村/社区服务点），市馆只做中心馆",
    "members": [
        ("hy-central", "淮扬市图书馆", "central", None, ["市馆", "市图", "淮扬图书馆"], "淮扬市文昌中路300号", [("学术报告厅", "二楼"), ("少儿馆", "一楼"), ("展览厅", "一楼"), ("视障阅览室", "三楼"), ("多功能厅", "四楼")], True),
        ("hy-gy", "高邑市图书馆", "county", "hy-central", ["高邑馆", "高邑市馆", "高邑图书馆总馆"], "高邑市府前路18号", [("报告厅", "三楼"), ("少儿阅览室", "一楼"), ("大厅", "一楼")], True),
        ("hy-gy-b1", "高邑市图书馆城南分馆", "branch", "hy-gy", ["城南分馆", "城南馆"], "高邑市城南街道社区服务中心三楼", [("阅览室", ""), ("活动室", "")], False),
        ("hy-gy-b2", "高邑市图书馆临泽镇分馆", "branch", "hy-gy", ["临泽分馆", "临泽镇分馆"], "临泽镇文化中心", [("阅览室", ""), ("多功能室", "")], False),
        ("hy-gy-sp1", "高邑市临泽镇周巷村农家书屋", "service_point", "hy-gy-b2", ["周巷村书屋", "周巷书屋"], "临泽镇周巷村党群服务中心", [("书屋", "")], False),
        ("hy-jd", "江都市图书馆", "county", "hy-central", ["江都馆", "江都市馆", "江都图书馆"], "江都市龙川北路66号", [("报告厅", "四楼"), ("少儿部", "二楼"), ("展厅", "一楼"), ("24小时城市书房", "一楼")], True),
        ("hy-jd-b1", "江都市图书馆仙女镇分馆", "branch", "hy-jd", ["仙女镇分馆", "仙女分馆"], "仙女镇龙城路文体中心", [("阅览室", ""), ("活动室", "")], False),
        ("hy-jd-b2", "江都市图书馆邵伯镇分馆", "branch", "hy-jd", ["邵伯分馆", "邵伯镇分馆"], "邵伯镇古镇大街运河文化站内", [("阅览室", "")], False),
        ("hy-jd-sp1", "江都市邵伯镇运西村农家书屋", "service_point", "hy-jd-b2", ["运西村书屋", "运西书屋"], "邵伯镇运西村村部", [("书屋", "")], False),
        ("hy-jd-sp2", "江都市仙女镇龙川社区书屋", "service_point", "hy-jd-b1", ["龙川社区书屋", "龙川书屋"], "龙川社区邻里中心", [("书屋", "")], False),
        ("hy-yz", "仪征市图书馆", "county", "hy-central", ["仪征馆", "仪征市馆", "仪征图书馆"], "仪征市解放东路136号", [("报告厅", "二楼"), ("少儿阅览室", "一楼"), ("多功能厅", "三楼")], True),
        ("hy-yz-b1", "仪征市图书馆真州分馆", "branch", "hy-yz", ["真州分馆", "真州馆"], "真州镇天宁社区文化中心", [("阅览室", ""), ("活动室", "")], False),
        ("hy-yz-b2", "仪征市图书馆月塘镇分馆", "branch", "hy-yz", ["月塘分馆", "月塘镇分馆"], "月塘镇文体站二楼", [("阅览室", "")], False),
        ("hy-yz-sp1", "仪征市月塘镇尚庄村农家书屋", "service_point", "hy-yz-b2", ["尚庄村书屋", "尚庄书屋"], "月塘镇尚庄村委会", [("书屋", "")], False),
        ("hy-gl", "淮扬市广陵区图书馆", "district", "hy-central", ["广陵区图", "区馆", "广陵图书馆"], "广陵区渡江南路41号", [("报告厅", "三楼"), ("少儿阅览室", "二楼"), ("大厅", "一楼")], True),
        ("hy-gl-b1", "广陵区图书馆东关街城市书房", "branch", "hy-gl", ["东关街书房", "东关书房"], "广陵区东关街218号", [("阅读区", ""), ("雅集室", "")], False),
        ("hy-gl-b2", "广陵区图书馆湾头分馆", "branch", "hy-gl", ["湾头分馆", "湾头馆"], "湾头镇玉器街文化站", [("阅览室", "")], False),
        ("hy-gl-sp1", "广陵区汤汪乡服务点", "service_point", "hy-gl-b2", ["汤汪服务点", "汤汪乡服务点"], "汤汪乡便民服务中心", [("阅览角", "")], False),
        ("hy-mobile", "淮扬市图书馆流动服务车", "service_point", "hy-central", ["流动服务车", "流动图书车"], "各县市巡回", [("车旁", "")], False),
        ("hy-school", "淮扬市图书馆淮扬中学分馆", "branch", "hy-central", ["淮扬中学分馆", "中学分馆"], "淮扬中学图书馆", [("阅览室", "")], False),
    ],
    "brands": [
        ("hy-b-wc", "文昌讲坛", "hy-central", "lecture", 2012),
        ("hy-b-ymd", "运河读书会", "hy-central", "reading_club", 2015),
        ("hy-b-gy", "秦邮书声", "hy-gy", "reading_club", 2016),
        ("hy-b-jd", "龙川故事妈妈", "hy-jd", "children", 2018),
        ("hy-b-yz", "真州讲堂", "hy-yz", "lecture", 2017),
        ("hy-b-gl", "东关雅集", "hy-gl", "salon", 2019),
        ("hy-b-sz", "心灵之声·视障读书会", "hy-central", "accessibility", 2016),
    ],
    "towns": ["临泽镇", "周巷村", "仙女镇", "邵伯镇", "运西村", "真州镇", "月塘镇", "尚庄村", "湾头镇", "汤汪乡", "小纪镇", "大仪镇"],
}

CAMPAIGNS = [
    ("spring", "网络书香过大年", (2, 10), (3, 3)),
    ("reading-month", "4·23世界读书日暨全民阅读月", (4, 1), (4, 30)),
    ("service-week", "图书馆服务宣传周", (5, 20), (5, 31)),
    ("summer", "暑期少儿阅读季", (7, 1), (8, 31)),
    ("festival", "读书节", (10, 15), (11, 30)),
]

BOOKS = ["红岩", "边城", "平凡的世界", "乡土中国", "呼兰河传", "城南旧事", "骆驼祥子", "活着", "人世间",
         "草房子", "小王子", "夏洛的网", "西游记", "朝花夕拾", "围城", "额尔古纳河右岸", "长征", "苏东坡传",
         "傅雷家书", "艾青诗选", "昆虫记", "海底两万里", "撒哈拉的故事", "三体", "文化苦旅", "云边有个小卖部"]
LECTURE_TOPICS = ["家庭教育中的阅读陪伴", "地方文献里的老城记忆", "中医药与四季养生", "老年人智能手机使用", "反诈知识进社区",
                  "非遗传承人谈传统技艺", "宋词里的节气", "红色家书背后的故事", "青少年心理健康", "垃圾分类与绿色生活",
                  "乡村振兴与电商", "古籍保护常识", "儿童近视防控", "法律援助与民法典", "长江文明漫谈"]
CHILD_TOPICS = ["绘本故事会", "亲子手工坊", "小小图书管理员体验", "科普小实验", "英语绘本趣读", "成语故事会", "剪纸手工课", "纸飞机科学课"]
HERITAGE = {"city_aa": ["土家摆手舞", "西兰卡普织锦", "苗绣", "秀山花灯", "酉阳民歌", "石柱啰儿调"],
            "city_bb": ["扬州剪纸", "扬州评话", "漆器髹饰", "邵伯锣鼓小牌子", "高邑民歌", "淮扬菜点心"]}
EXHIBITS = ["红色文献展", "馆藏老照片展", "少儿绘画作品展", "书法作品展", "地方文献图片展", "非遗剪纸作品展"]

DECOR_PRE = ["【联盟活动】", "【活动预告】", "【报名中】", "【周末去哪儿】", "【公益讲座】", "📚", "🔔", "【通知】"]
DECOR_POST = ["，欢迎参加！", "（报名中）", "（已满员）", "活动", "读书分享活动", "🎉", "——欢迎您来", "（免费）"]
REPORT_FMT = ["{lib}成功举办“{t}”", "“{t}”顺利举行", "精彩回顾｜{t}", "{t}圆满结束"]
TYPO = {"报告厅": "报告听", "多功能厅": "多功能听", "阅览室": "阅揽室", "少儿阅览室": "少儿阅揽室", "展厅": "展亭", "活动室": "活动是"}
FULLWIDTH = str.maketrans("0123456789 ", "０１２３４５６７８９　")


class City:
    def __init__(self, spec, rng):
        self.spec = spec
        self.rng = rng
        self.members = {m[0]: m for m in spec["members"]}
        self.brands = {b[0]: b for b in spec["brands"]}
        self.brands_of = {}
        for b in spec["brands"]:
            self.brands_of.setdefault(b[2], []).append(b)
        self.children = {}
        for m in spec["members"]:
            if m[3]:
                self.children.setdefault(m[3], []).append(m[0])
        self.counters = Counter()
        self.acts = []
        self.anns = []
        self.var = Counter()
        self.fam = Counter()
        self.label_n = 0
        self.used_keys = set()

    # ------------------------------------------------ helpers
    def vid(self, lib, room):
        return f"{lib}-{ROOM_IDS.get(room, 'r' + str(abs(hash_s(room)) % 1000))}"

    def new_label(self):
        self.label_n += 1
        return f"{self.spec['key']}-a{self.label_n:04d}"

    def src(self, lib, desk="wx"):
        self.counters[lib] += 1
        return f"{desk}-{lib}-{self.counters[lib]:05d}"

    def campaign_for(self, d):
        d = d.astimezone(CST)
        if d.year != 2026:
            return None, None
        for cid, name, (m1, d1), (m2, d2) in CAMPAIGNS:
            if (m1, d1) <= (d.month, d.day) <= (m2, d2):
                return cid, name
        return None, None

    def rand_date(self):
        start = datetime(2026, 1, 5, tzinfo=CST)
        return start + timedelta(days=self.rng.randrange(0, 350))

    def near(self, lib):
        """co-host candidates: parent, children, central."""
        m = self.members[lib]
        cands = []
        if m[3]:
            cands.append(m[3])
        cands += self.children.get(lib, [])
        if m[3] and self.members[m[3]][3]:
            cands.append(self.members[m[3]][3])
        if lib != self.spec["members"][0][0]:
            cands.append(self.spec["members"][0][0])
        return list(dict.fromkeys(c for c in cands if c != lib))

    # ------------------------------------------------ activity creation
    def activity(self, host, title, core, cat, start, minutes, room, family="single", strict=None, cohosts=(),
                 brand=None, size=None, audience=None, partners=(), all_day=False, series_no=None):
        a = dict(label=self.new_label(), host=host, title=title, core=core, cat=cat, start=start,
                 end=start + timedelta(minutes=minutes), room=room, family=family, strict=strict or set(),
                 cohosts=list(cohosts), brand=brand, audience=audience, partners=list(partners), all_day=all_day)
        cid, cname = self.campaign_for(start)
        a["campaign"] = cid if (cid and self.rng.random() < 0.7) else None
        a["cname"] = cname if a["campaign"] else None
        if size is None:
            size = self.rng.choices([1, 2, 3, 4, 5], [40, 30, 17, 8, 5])[0]
            size = min(size, len(cohosts) + 1 + (1 if self.rng.random() < 0.2 else 0))
        a["size"] = size
        self.fam[family] += 1
        self.acts.append(a)
        return a

    def pick_room(self, lib, kind=None):
        rooms = self.members[lib][6]
        if kind:
            for r in rooms:
                if kind in r[0]:
                    return r
        return self.rng.choice(rooms)

    def make_plain(self):
        rng = self.rng
        lib = rng.choice(list(self.members))
        kind = rng.choice(["lecture", "book", "child", "heritage", "exhibit", "training", "screening", "contest", "digital", "access"])
        start = self.rand_date()
        hour = rng.choice([9, 9, 10, 10, 14, 14, 15, 15, 19]) if kind != "exhibit" else 9
        minute = rng.choice([0, 0, 0, 30, 30])
        start = start.replace(hour=hour, minute=minute)
        brand = None
        partners = []
        aud = None
        if kind == "lecture":
            topic = rng.choice(LECTURE_TOPICS)
            b = [x for x in self.brands_of.get(lib, []) if x[3] == "lecture"]
            if b and rng.random() < 0.7:
                brand = b[0]
                title = f"{brand[1]}：{topic}"
            else:
                title = f"{topic}专题讲座"
            core, cat, room, mins = topic, "lecture", self.pick_room(lib, "报告"), 90
            partners = rng.sample(["市社科联", "市科协", "市中医院", "市司法局", "区老年大学", "市红十字会"], rng.randint(0, 1))
        elif kind == "book":
            book = rng.choice(BOOKS)
            b = [x for x in self.brands_of.get(lib, []) if x[3] in ("reading_club", "salon")]
            if b and rng.random() < 0.7:
                brand = b[0]
                title = f"{brand[1]}：共读《{book}》"
            else:
                title = f"《{book}》读书分享会"
            core, cat, room, mins = book, "reading_club", self.pick_room(lib), 120
        elif kind == "child":
            topic = rng.choice(CHILD_TOPICS)
            b = [x for x in self.brands_of.get(lib, []) if x[3] == "children"]
            if b and rng.random() < 0.6:
                brand = b[0]
                title = f"{brand[1]}：{topic}"
            else:
                title = f"亲子阅读·{topic}"
            core, cat, room, mins = topic, rng.choice(["children", "parent_child"]), self.pick_room(lib, "少儿"), 60
            aud = rng.choice(["3-6岁儿童及家长", "小学生", "亲子家庭", None])
        elif kind == "heritage":
            h = rng.choice(HERITAGE[self.spec["key"]])
            title = f"非遗进书房——{h}体验课"
            core, cat, room, mins = h, "outreach", self.pick_room(lib), 120
        elif kind == "exhibit":
            e = rng.choice(EXHIBITS)
            title = f"{self.short(lib)}{e}" if rng.random() < 0.3 else e
            core, cat, room, mins = e, "exhibition", self.pick_room(lib, "展"), 8 * 60
        elif kind == "training":
            t = rng.choice(["基层图书管理员业务培训", "农家书屋管理员培训", "数字资源使用培训", "古籍普查业务培训"])
            title, core, cat, room, mins = t, t, "training", self.pick_room(lib), 180
        elif kind == "screening":
            film = rng.choice(["长津湖", "我和我的祖国", "流浪地球", "寻梦环游记", "地道战", "李时珍"])
            title = f"公益电影放映：《{film}》"
            core, cat, room, mins = film, "screening", self.pick_room(lib), 120
        elif kind == "contest":
            t = rng.choice(["经典诵读比赛", "少儿讲故事比赛", "书香家庭评选", "征文比赛颁奖", "汉字听写大赛"])
            title, core, cat, room, mins = t, t, "contest", self.pick_room(lib), 150
        elif kind == "digital":
            t = rng.choice(["数字阅读推广体验日", "云阅读·听书机体验", "VR数字阅读体验活动"])
            title, core, cat, room, mins = t, t, "digital", self.pick_room(lib), 120
        else:
            t = rng.choice(["视障读者电影讲述", "残障人士读书文化日", "盲文阅读分享会"])
            title, core, cat, room, mins = t, t, "accessibility", self.pick_room(lib), 90
            aud = "视障读者及残障人士"
        near = self.near(lib)
        k = rng.choices([0, 1, 2, 3], [35, 35, 20, 10])[0]
        cohosts = rng.sample(near, min(k, len(near)))
        # make title unique enough (no accidental twins): add library short name sometimes
        return self.activity(lib, title, core, cat, start, mins, room, cohosts=cohosts, brand=brand,
                             audience=aud, partners=partners)

    def short(self, lib):
        return self.members[lib][5 - 1][0] if False else self.members[lib][4][0]

    # ------------------------------------------------ look-alike families
    def fam_weekly(self):
        rng = self.rng
        libs = [l for l in self.brands_of if self.brands_of[l]]
        lib = rng.choice(libs)
        brand = rng.choice(self.brands_of[lib])
        same_title = rng.random() < 0.4
        start = self.rand_date().replace(hour=rng.choice([9, 10, 15]), minute=rng.choice([0, 30]))
        n = rng.randint(3, 6)
        no0 = rng.randint(1, 80)
        room = self.pick_room(lib)
        topics = rng.sample(CHILD_TOPICS + [f"共读《{b}》" for b in BOOKS[:10]], n)
        for i in range(n):
            s = start + timedelta(days=7 * i)
            title = brand[1] if same_title else f"{brand[1]}第{no0 + i}期：{topics[i]}"
            self.activity(lib, title, topics[i], brand[3], s, 90, room, family="weekly_series",
                          strict={"time_small"}, brand=brand, size=rng.choice([1, 1, 2, 2, 3]))

    def fam_branches_same_hour(self):
        rng = self.rng
        parent = rng.choice([l for l in self.children if len(self.children[l]) >= 2])
        kids = self.children[parent]
        t = rng.choice(["“书香润万家”亲子共读", "世界读书日图书漂流", "红色故事会", "暑期少儿手工课堂", "科普阅读进万家"])
        s = self.rand_date().replace(hour=rng.choice([9, 14, 15]), minute=0)
        for lib in [parent] + kids:
            room = self.pick_room(lib)
            self.activity(lib, t, t, "outreach", s, 90, room, family="branches_same_hour",
                          strict={"name_place"}, cohosts=[parent] if lib != parent else [], size=rng.choice([1, 2, 2]))

    def fam_parallel(self):
        rng = self.rng
        lib = rng.choice([l for l in self.members if len(self.members[l][6]) >= 3])
        s = self.rand_date().replace(hour=rng.choice([9, 14]), minute=30)
        rooms = rng.sample(self.members[lib][6], 2)
        pair = rng.choice([("低幼组（3-6岁）绘本共读", "小学组（7-12岁）阅读写作课"),
                           ("成人组经典诵读", "少儿组经典诵读"),
                           ("家长课堂：如何陪孩子读书", "孩子们的故事时间")])
        ev = rng.choice(["读书月开幕日", "周末阅读日", "暑期阅读营", "馆庆开放日"])
        for room, p in zip(rooms, pair):
            self.activity(lib, f"{ev}·{p}", p, "children", s, 90, room, family="parallel_sessions",
                          strict={"room", "keep_title"}, size=rng.choice([1, 2, 2, 3]))

    def fam_two_shows(self):
        rng = self.rng
        lib = rng.choice(list(self.members))
        t = rng.choice(["少儿剧场《三只小猪》", "皮影戏进书房", "绘本剧展演", "科学实验秀", "木偶剧《西游记》"])
        s = self.rand_date().replace(hour=rng.choice([9, 14]), minute=30)
        room = self.pick_room(lib)
        for i, w in enumerate(["第一场", "第二场"]):
            self.activity(lib, f"{t}（{w}）", t, "children", s + timedelta(hours=1 * i + (0.5 if i else 0) * 0), 50, room,
                          family="first_second_show", strict={"keep_title", "time_tiny"}, size=rng.choice([1, 2, 2, 3]))

    def fam_same_hall_later(self):
        rng = self.rng
        lib = rng.choice([l for l in self.members if self.members[l][7]])
        room = self.pick_room(lib, "报告")
        d = self.rand_date()
        a = rng.choice(LECTURE_TOPICS)
        b = rng.choice(BOOKS)
        self.activity(lib, f"{a}专题讲座", a, "lecture", d.replace(hour=9, minute=30), 90, room,
                      family="same_hall_later", strict={"time_small"}, size=rng.choice([1, 2, 3]))
        self.activity(lib, f"《{b}》读书沙龙", b, "salon", d.replace(hour=14, minute=30), 120, room,
                      family="same_hall_later", strict={"time_small"}, size=rng.choice([1, 2, 3]))

    def fam_same_book(self):
        rng = self.rng
        book = rng.choice(BOOKS)
        libs = rng.sample(list(self.members), 3)
        for i, lib in enumerate(libs):
            d = self.rand_date().replace(hour=rng.choice([10, 14, 19]), minute=0)
            self.activity(lib, f"共读《{book}》", book, "reading_club", d, 120, self.pick_room(lib),
                          family="same_book_elsewhere", strict={"name_place"}, size=rng.choice([1, 2, 3]))

    # (own) families
    def fam_exhibit_and_opening(self):
        rng = self.rng
        lib = rng.choice([l for l in self.members if self.members[l][7]])
        e = rng.choice(EXHIBITS)
        d = self.rand_date().replace(hour=9, minute=0)
        room = self.pick_room(lib, "展")
        self.activity(lib, e, e, "exhibition", d, 8 * 60 + 30, room, family="own_exhibit_vs_opening",
                      strict={"keep_title"}, size=rng.choice([1, 2, 3]))
        self.activity(lib, f"{e}开幕式暨导览讲座", e, "lecture", d.replace(hour=10, minute=0), 60, room,
                      family="own_exhibit_vs_opening", strict={"keep_title", "time_tiny"}, size=rng.choice([1, 2]))

    def fam_mobile_route(self):
        rng = self.rng
        lib = [l for l in self.members if "mobile" in l][0]
        towns = rng.sample(self.spec["towns"], 3)
        d = self.rand_date().replace(hour=9, minute=30)
        t = rng.choice(["流动图书车进乡村", "送书下乡·流动服务", "图书大篷车进村"])
        for i, town in enumerate(towns):
            self.activity(lib, f"{t}（{town}站）" if rng.random() < 0.5 else t, town, "outreach", d + timedelta(days=i), 180,
                          (f"{town}文化广场", ""), family="own_mobile_route", strict={"name_place"}, size=rng.choice([1, 2]))

    def fam_contest_rounds(self):
        rng = self.rng
        lib = rng.choice([l for l in self.members if self.members[l][2] in ("central", "county", "district")])
        c = rng.choice(["“书香少年”经典诵读大赛", "少儿讲故事大赛", "“我的书屋我的梦”阅读征文朗诵赛", "亲子阅读知识竞赛"])
        d = self.rand_date().replace(hour=9, minute=0)
        for i, st in enumerate(["初赛", "复赛", "决赛"]):
            self.activity(lib, f"{c}{st}", c, "contest", d + timedelta(days=14 * i), 180, self.pick_room(lib),
                          family="own_contest_rounds", strict={"keep_title"}, size=rng.choice([1, 2, 3]))

    def fam_editions(self):
        rng = self.rng
        lib = rng.choice([l for l in self.members if self.members[l][2] in ("central", "county", "district")])
        n = rng.randint(3, 12)
        name = rng.choice(["读书节", "少儿阅读节", "书法作品展", "书香家庭评选"])
        d = self.rand_date().replace(hour=9, minute=30)
        # this year's edition and last year's report (late entry of last year's edition, arriving this year)
        self.activity(lib, f"第{n}届{self.short(lib)}{name}开幕", name, "festival", d, 120, self.pick_room(lib),
                      family="own_editions", strict={"keep_title"}, size=rng.choice([1, 2, 3]))
        self.activity(lib, f"第{n + 1}届{self.short(lib)}{name}开幕", name, "festival",
                      (d + timedelta(days=rng.choice([0, 7, 21]))).replace(year=2027) if d.month > 2 else d.replace(year=2027),
                      120, self.pick_room(lib), family="own_editions", strict={"keep_title"}, size=rng.choice([1, 2]))

    def fam_age_groups_online(self):
        """(own) a lecture offline and its online 直播 repeat by the same speaker on another evening."""
        rng = self.rng
        lib = rng.choice([l for l in self.members if self.members[l][7]])
        topic = rng.choice(LECTURE_TOPICS)
        d = self.rand_date().replace(hour=14, minute=30)
        self.activity(lib, f"{topic}（线下讲座）", topic, "lecture", d, 90, self.pick_room(lib, "报告"),
                      family="own_offline_vs_online_repeat", strict={"keep_title"}, size=rng.choice([1, 2, 3]))
        a = self.activity(lib, f"{topic}（线上直播）", topic, "digital", (d + timedelta(days=rng.choice([2, 3, 7]))).replace(hour=19, minute=30), 60,
                          ("线上直播", ""), family="own_offline_vs_online_repeat", strict={"keep_title", "online"}, size=rng.choice([1, 2]))

    # ------------------------------------------------ announcements
    def venue_text(self, a, lib, v):
        host = a["host"]
        room, floor = a["room"]
        m = self.members[host]
        name, shorts, addr = m[1], m[4], m[5]
        rng = self.rng
        strict = a["strict"]
        if "online" in strict:
            return {"name": "线上直播", "online_url": f"https://live.example.org/{self.spec['key']}/{a['label']}"}, "online"
        options = ["full", "floor_room", "room", "short_room", "short_floor_room", "libname", "address", "vague", "typo", "dir"]
        weights = [14, 14, 12, 12, 6, 8, 6, 5, 4, 10]
        if "name_place" in strict:
            weights = [20, 0, 0, 15, 8, 15, 10, 0, 3, 10]
        if "room" in strict:
            weights = [20, 15, 20, 10, 5, 0, 0, 0, 4, 10]
        if not m[7]:
            weights[-1] = 0
        if a["room"][0].endswith("站") or "文化广场" in a["room"][0] and "mobile" in host:
            return {"name": rng.choice([a["room"][0], a["room"][0].replace("文化广场", "") + "村口", a["room"][0]])}, "mobile_stop"
        kind = rng.choices(options, weights)[0]
        ex = ""
        if lib != host and kind in ("room", "floor_room", "vague"):
            kind = "short_room"  # a co-host does not say “本馆” for someone else's building
        sh = rng.choice(shorts)
        if kind.startswith("short") and (room in sh or sh.endswith(room[-1])):
            sh = name  # "尚庄书屋" + "书屋" would repeat itself
        if kind == "full":
            t = f"{name}{floor}{room}"
        elif kind == "floor_room":
            t = f"{floor}{room}" if floor else room
        elif kind == "room":
            t = room
        elif kind == "short_room":
            t = f"{sh}{room}"
        elif kind == "short_floor_room":
            t = f"{sh}{floor}{room}"
        elif kind == "libname":
            t = name
        elif kind == "address":
            return {"name": addr, "address": addr}, "venue_address"
        elif kind == "vague":
            t = rng.choice(["本馆", "馆内", "图书馆", "本馆活动区", "详见海报"])
        elif kind == "typo":
            t = f"{name}{floor}{TYPO.get(room, room)}" if room in TYPO else name.replace("图书馆", "图书管")
        else:
            room, floor = a["room"]
            return {"name": f"{floor}{room}", "venue_id": self.vid(host, room)}, "venue_id"
        if room:
            t = t.replace(room + room, room)  # "……农家书屋" + "书屋"
        out = {"name": t}
        if rng.random() < 0.25:
            out["address"] = addr
        return out, "venue_" + kind

    def times(self, a, v):
        rng = self.rng
        s, e = a["start"], a["end"]
        strict = a["strict"]
        opts = ["exact", "signin", "round", "off", "end_missing", "end_diff", "date_only", "utc"]
        w = [40, 12, 10, 8, 10, 8, 6, 6]
        if "time_small" in strict:
            w = [45, 12, 10, 0, 10, 8, 5, 6]
        if "time_tiny" in strict:
            w = [55, 8, 0, 0, 12, 8, 0, 8]
        if a["cat"] == "exhibition" and "time_tiny" not in strict:
            w = [40, 0, 0, 0, 10, 10, 30, 5]
        k = rng.choices(opts, w)[0]
        all_day = False
        if k == "signin":
            s = s - timedelta(minutes=rng.choice([15, 20, 30]))
        elif k == "round":
            s = s.replace(minute=0)
        elif k == "off":
            s = s + timedelta(minutes=rng.choice([-60, -45, 30, 45, 60]))
            e = s + (a["end"] - a["start"])
        elif k == "end_missing":
            e = s
        elif k == "end_diff":
            e = e + timedelta(minutes=rng.choice([-30, 30, 60]))
        elif k == "date_only":
            s = s.replace(hour=0, minute=0)
            e = s + timedelta(days=1)
            all_day = True
        if e < s:
            e = s
        if k == "utc":
            return s.astimezone(UTC), e.astimezone(UTC), all_day, "time_utc_offset"
        return s, e, all_day, "time_" + k

    def title_text(self, a, lib, v, report=False):
        rng = self.rng
        t = a["title"]
        strict = a["strict"]
        tags = []
        if report:
            t = rng.choice(REPORT_FMT).format(lib=self.members[lib][4][0], t=t)
            return t, ["title_report"]
        r = rng.random()
        if "：" in t and a["brand"] and r < 0.3 and "keep_title" not in strict and not a["family"].startswith("weekly"):
            t = t.split("：", 1)[1]
            tags.append("title_brand_dropped")
        elif a["cname"] and r < 0.35:
            t = f"{a['cname']}｜{t}"
            tags.append("title_campaign_prefix")
        r = rng.random()
        if r < 0.25:
            t = rng.choice(DECOR_PRE) + t
            tags.append("title_decor_pre")
        elif r < 0.45:
            t = t + rng.choice(DECOR_POST)
            tags.append("title_decor_post")
        r = rng.random()
        if r < 0.06:
            t = t.replace("《", "“").replace("》", "”")
            tags.append("title_quote_swap(own)")
        elif r < 0.1 and any(c.isdigit() for c in t):
            t = t.translate(FULLWIDTH)
            tags.append("title_fullwidth(own)")
        elif r < 0.14 and self.members[lib][2] == "service_point" and "keep_title" not in strict and a["family"] == "single":
            # (own) village clerk: generic short title + place
            t = {"lecture": "讲座", "reading_club": "读书会", "children": "少儿阅读活动", "parent_child": "亲子阅读活动"}.get(a["cat"], "阅读活动") + "（" + a["core"] + "）"
            tags = ["title_clerk_generic(own)"]
        return t[:200], tags or ["title_plain"]

    def announce(self, a):
        rng = self.rng
        libs = [a["host"]] + a["cohosts"]
        size = a["size"]
        senders = []
        # each co-host once, then extra announcements by host (second desk) or co-hosts
        for l in libs:
            if len(senders) < size:
                senders.append((l, "first"))
        while len(senders) < size:
            senders.append((rng.choice(libs[:2] if len(libs) > 1 else libs), "second_desk"))
        pub_base = a["start"] - timedelta(days=rng.randint(2, 20), hours=rng.randint(0, 10))
        connector_last = len(a["cohosts"]) >= 1 and len(senders) >= 3 and rng.random() < 0.4
        postponed = a["family"] == "single" and rng.random() < 0.04 and not a["all_day"]
        for i, (lib, why) in enumerate(senders):
            tags = []
            desk = "wx"
            if why == "second_desk":
                desk = rng.choice(["web", "xls", "app"])
                tags.append("same_library_twice")
            elif i > 0:
                desk = rng.choice(["wx", "web", "gov"])
            pub = pub_base + timedelta(hours=rng.randint(0, 72) + 3 * i)
            # organizers
            if lib == a["host"]:
                if a["cohosts"] and rng.random() < 0.85:
                    orgs = [{"library_id": a["host"], "role": "host"}] + [
                        {"library_id": c, "role": rng.choice(["organiser", "co_organiser", "co_host", "participant"])} for c in a["cohosts"]]
                    tags.append("orgs_full")
                    if connector_last:
                        pub = pub_base + timedelta(days=4, hours=rng.randint(0, 30))
                        tags.append("connector_arrives_last")
                else:
                    orgs = [] if rng.random() < 0.5 else [{"library_id": a["host"], "role": "host"}]
                    tags.append("orgs_self_only")
            else:
                r = rng.random()
                if r < 0.45:
                    orgs = [{"library_id": a["host"], "role": "host"}, {"library_id": lib, "role": rng.choice(["organiser", "co_organiser", "participant"])}]
                    tags.append("orgs_host_and_self")
                elif r < 0.8:
                    orgs = []
                    tags.append("orgs_none")
                else:
                    orgs = [{"library_id": lib, "role": "host"}]
                    tags.append("orgs_cohost_claims_host(own)")
            venue, vt = self.venue_text(a, lib, tags)
            tags.append(vt)
            s, e, all_day, tt = self.times(a, tags)
            if why == "second_desk":
                if rng.random() < 0.5:
                    s = s + timedelta(minutes=10)
                    e = max(e + timedelta(minutes=10), s)
                    tags.append("second_desk_10min")
            tags.append(tt)
            title, tt2 = self.title_text(a, lib, tags)
            tags += tt2
            # (own) monthly plan spreadsheet from a county head: "下午" → 14:00 default, imported on the 1st
            if desk == "xls" and not a["strict"] and not all_day:
                s = s.replace(hour=14 if s.hour >= 12 else 9, minute=0)
                e = max(e, s)
                pub = min(pub, a["start"].replace(day=1, hour=9) - timedelta(days=1))
                tags.append("monthly_plan_xls(own)")
            sub = self.sub(a, lib, desk, title, s, e, all_day, venue, orgs)
            self.emit(pub, sub, a, tags)
            last_rev = 1
            # revision of the same source_ref
            if rng.random() < 0.08 and not (postponed and i == 0):
                sub2 = dict(sub)
                sub2["revision"] = 2
                if rng.random() < 0.3:
                    sub2["status"] = "cancelled"
                    tags2 = ["revision_cancelled"]
                else:
                    sub2["title"] = a["title"] + rng.choice(["（更新）", "（已满员）", "（时间调整）", ""])
                    sub2["description"] = (sub.get("description") or "") + " 更正：活动时间以本条为准。"
                    sub2["starts_at"] = iso(a["start"])
                    sub2["ends_at"] = iso(a["end"])
                    sub2["all_day"] = False
                    tags2 = ["revision_update"]
                self.emit(pub + timedelta(days=rng.randint(1, 3)), sub2, a, tags2)
            # postponement: revision with new date (host) / fresh re-announcement
            if postponed and i == 0:
                nd = a["start"] + timedelta(days=rng.choice([7, 14]))
                reason = rng.choice(["因天气原因", "因场馆检修", "因主讲嘉宾行程调整", "因暴雨预警"])
                if rng.random() < 0.5:
                    sub2 = dict(sub)
                    sub2["revision"] = last_rev + 1
                    sub2["starts_at"] = iso(nd)
                    sub2["ends_at"] = iso(nd + (a["end"] - a["start"]))
                    sub2["all_day"] = False
                    sub2["title"] = f"【延期】{a['title']}"
                    sub2["description"] = f"{reason}，原定{a['start'].month}月{a['start'].day}日的活动延期至{nd.month}月{nd.day}日举行。"
                    self.emit(a["start"] - timedelta(days=1), sub2, a, ["postponed_revision"])
                else:
                    sub2 = self.sub(a, lib, "wx", f"{a['title']}（延期后举行）", nd, nd + (a["end"] - a["start"]), False, venue, orgs)
                    sub2["description"] = f"{reason}原定{a['start'].month}月{a['start'].day}日的“{a['title']}”改期举行，已报名读者无需重复报名。"
                    self.emit(a["start"] - timedelta(hours=20), sub2, a, ["postponed_reannounce"])
            # report phrasing after the event (a new post on a different desk)
        if rng.random() < 0.05 and a["family"] == "single" and not a["all_day"]:
            lib = rng.choice(libs)
            title, _ = self.title_text(a, lib, [], report=True)
            venue, vt = self.venue_text(a, lib, [])
            sub = self.sub(a, lib, "news", title, a["start"], a["end"], False, venue, [])
            sub["description"] = f"{a['start'].month}月{a['start'].day}日，{self.members[lib][1]}举办了“{a['title']}”，现场读者积极参与。"
            self.emit(a["end"] + timedelta(days=rng.randint(1, 4)), sub, a, ["title_report", vt])

    def sub(self, a, lib, desk, title, s, e, all_day, venue, orgs):
        rng = self.rng
        d = {
            "library_id": lib,
            "source_ref": self.src(lib, desk),
            "revision": 1,
            "status": "scheduled",
            "title": title,
            "category": a["cat"],
            "starts_at": iso(s),
            "ends_at": iso(e),
            "all_day": all_day,
            "venue": venue,
            "organizers": orgs,
        }
        if rng.random() < 0.6:
            d["description"] = self.describe(a, lib)
        if a["brand"] and a["brand"][2] == lib and rng.random() < 0.8:
            d["brand_id"] = a["brand"][0]
        if a["campaign"] and rng.random() < 0.75 and not (all_day and False):
            d["campaign_id"] = a["campaign"]
        if a["audience"] and rng.random() < 0.7:
            d["audience"] = a["audience"]
        if a["partners"] and rng.random() < 0.7:
            d["partners"] = a["partners"]
        if rng.random() < 0.3:
            d["capacity"] = rng.choice([20, 30, 40, 50, 80, 100, 200])
        if rng.random() < 0.3:
            d["contact"] = f"0{rng.choice(['23', '514'])}-{rng.randint(1000000, 8999999)}"
        if rng.random() < 0.15:
            d["registration_url"] = f"https://reg.example.org/{self.spec['key']}/{lib}/{self.counters[lib]}"
        if rng.random() < 0.3:
            d["tags"] = rng.sample(["全民阅读", "亲子", "公益", "免费", "非遗", "读书月", "书香", "进社区", "进学校"], 2)
        return d

    def describe(self, a, lib):
        rng = self.rng
        hostn = self.members[a["host"]][1]
        parts = [rng.choice([f"为深入推进全民阅读，营造书香氛围，{hostn}将举办“{a['title']}”。",
                             f"{a['start'].month}月{a['start'].day}日，“{a['title']}”与您相约。",
                             f"本次活动由{hostn}主办，欢迎广大读者参与。",
                             f"活动主题：{a['core']}。名额有限，先到先得。"])]
        if rng.random() < 0.3:
            parts.append("请提前15分钟签到入场。")
        if rng.random() < 0.2 and a["cohosts"]:
            parts.append("协办单位：" + "、".join(self.members[c][1] for c in a["cohosts"]) + "。")
        return "".join(parts)

    def emit(self, pub, sub, a, tags):
        if sub.get("campaign_id"):
            cid, _ = self.campaign_for(datetime.fromisoformat(sub["starts_at"]))
            if cid != sub["campaign_id"]:
                del sub["campaign_id"]
                tags = tags + ["campaign_dropped_outside_window"]
        key = (sub["library_id"], sub["source_ref"], sub["revision"])
        assert key not in self.used_keys, key
        self.used_keys.add(key)
        for t in tags:
            self.var[t] += 1
        self.anns.append((pub, len(self.anns), sub, a["label"]))

    def build(self, n_target):
        rng = self.rng
        fams = [self.fam_weekly, self.fam_branches_same_hour, self.fam_parallel, self.fam_two_shows,
                self.fam_same_hall_later, self.fam_same_book, self.fam_exhibit_and_opening, self.fam_mobile_route,
                self.fam_contest_rounds, self.fam_editions, self.fam_age_groups_online]
        for _ in range(10):
            for f in fams:
                f()
        while True:
            if rng.random() < 0.15:
                rng.choice(fams)()
            else:
                self.make_plain()
            est = sum(x["size"] for x in self.acts) * 1.12
            if est >= n_target:
                break
        self.dedupe_twins()
        for a in self.acts:
            self.announce(a)
        self.anns.sort(key=lambda x: (x[0], x[1]))

    def dedupe_twins(self):
        """No accidental twins: the same title at the same library and date gets a distinguishing time or is dropped."""
        seen = {}
        keep = []
        for a in self.acts:
            k = (a["host"], a["title"], a["start"].date())
            k2 = (a["host"], a["room"], a["start"])
            if k in seen or k2 in seen:
                self.fam[a["family"]] -= 1
                continue
            seen[k] = seen[k2] = 1
            keep.append(a)
        # overlapping activities in one room with the same core at one library: drop the later one
        self.acts = keep


def hash_s(s):
    h = 0
    for ch in s:
        h = (h * 131 + ord(ch)) % 1000003
    return h


ROOM_IDS = {"报告厅": "hall", "学术报告厅": "hall", "少儿阅览室": "kids", "少儿部": "kids", "少儿馆": "kids",
            "多功能厅": "mf", "展厅": "exhib", "展览厅": "exhib", "大厅": "lobby", "电子阅览室": "eread",
            "视障阅览室": "blind", "24小时城市书房": "24h"}


def iso(d):
    return d.isoformat()


def q(s):
    return json.dumps(s, ensure_ascii=False)


def alliance_toml(city):
    spec = city.spec
    out = ["# Invented alliance for holdout12 (independent dedup evaluation set).", f"# {spec['note']}",
           "[alliance]", f"id = {q(spec['id'])}", f"name = {q(spec['name'])}", f"name_en = {q(spec['name_en'])}",
           'timezone = "Asia/Shanghai"', ""]
    for m in spec["members"]:
        out += ["[[members]]", f"id = {q(m[0])}", f"name = {q(m[1])}", f"tier = {q(m[2])}"]
        if m[3]:
            out.append(f"parent = {q(m[3])}")
        out.append("")
    for m in spec["members"]:
        if not m[7]:
            continue
        for room, floor in m[6]:
            aliases = sorted({f"{m[1]}{room}", f"{m[1]}{floor}{room}", f"{m[4][0]}{room}", f"{m[4][0]}{floor}{room}"} - {room})
            out += ["[[venues]]", f"id = {q(city.vid(m[0], room))}", f"library_id = {q(m[0])}", f"name = {q(room)}",
                    f"aliases = {q(aliases)}", ""]
    for b in spec["brands"]:
        out += ["[[brands]]", f"id = {q(b[0])}", f"name = {q(b[1])}", f"library_id = {q(b[2])}", f"since = {b[4]}",
                f"category = {q(b[3])}", f"keywords = {q([b[1]])}", ""]
    for cid, name, (m1, d1), (m2, d2) in CAMPAIGNS:
        out += ["[[campaigns]]", f"id = {q(cid)}", f"name = {q(name)}", f"starts_on = 2026-{m1:02d}-{d1:02d}",
                f"ends_on = 2026-{m2:02d}-{d2:02d}", ""]
    out += ["[[coordinators]]", 'id = "office"', 'name = "联盟办"', 'email = "office@example.org"', ""]
    return "\n".join(out)


def main():
    summary = {"seed": SEED, "cities": {}}
    for i, spec in enumerate([CITY_AA, CITY_BB]):
        rng = random.Random(SEED + i)
        city = City(spec, rng)
        city.build(2060)
        d = os.path.join(HERE, spec["key"])
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "alliance.toml"), "w", encoding="utf-8") as f:
            f.write(alliance_toml(city))
        groups = Counter()
        with open(os.path.join(d, "eval.jsonl"), "w", encoding="utf-8") as f:
            for pub, _, sub, label in city.anns:
                line = dict(sub)
                line["label"] = label
                groups[label] += 1
                f.write(json.dumps(line, ensure_ascii=False, sort_keys=False) + "\n")
        hist = Counter(groups.values())
        summary["cities"][spec["key"]] = {
            "alliance_id": spec["id"],
            "members": len(spec["members"]),
            "announcements": len(city.anns),
            "activities": len(groups),
            "true_pairs": sum(n * (n - 1) // 2 for n in groups.values()),
            "group_size_histogram": {str(k): hist[k] for k in sorted(hist)},
            "variations": dict(sorted(city.var.items())),
            "lookalike_families_activities": {k: v for k, v in sorted(city.fam.items())},
        }
    with open(os.path.join(HERE, "summary.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, ensure_ascii=False, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
