#!/usr/bin/env python3
"""Holdout set 11 for the activity deduplicator: two invented alliances (city_y, city_z).

Python stdlib only, fixed seed, deterministic.  Writes city_*/alliance.toml, city_*/eval.jsonl
and summary.json next to this file.  Every eval line is a wire-contract v1 ActivitySubmission
plus one extra key "label": lines sharing a label announce the same real activity.
"""
import json
import os
import random
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta, timezone

SEED = 20261205
HERE = os.path.dirname(os.path.abspath(__file__))
CST = timezone(timedelta(hours=8))
XJT = timezone(timedelta(hours=6))  # 新疆时间 (own habit: some clerks publish in +06:00)
CN_NUM = "零一二三四五六七八九十"

# ----------------------------------------------------------------------------------------
# The two alliances
# ----------------------------------------------------------------------------------------
# member: id, name, tier, parent, abbreviations, address, rooms [(key, room, floor)]
CITY_Y = {
    "key": "city_y",
    "alliance": ("linjiang", "临江区阅读推广联盟", "Linjiang District Reading Alliance"),
    "members": [
        ("ljq", "临江区图书馆", "central", None, ["区图", "区馆", "区图书馆", "临江区图"], "临江区滨江大道1288号",
         [("hall", "大厅", "一楼"), ("mfh", "多功能厅", "三楼"), ("rpt", "报告厅", "四楼"), ("exh", "展厅", "二楼"),
          ("kids", "少儿阅览室", "二楼"), ("salon", "读者沙龙室", "五楼")]),
        ("ljq-se", "临江区少年儿童图书馆", "branch", "ljq", ["区少图", "少儿馆", "区少儿馆"], "临江区枫林路66号",
         [("story", "故事屋", "一楼"), ("mfh", "亲子活动室", "二楼"), ("hall", "大厅", "一楼")]),
        ("ljq-jp", "临江区图书馆江浦街道分馆", "branch", "ljq", ["江浦分馆", "江浦街道图书馆"], "江浦路455号社区文化活动中心",
         [("read", "阅览室", "二楼"), ("act", "活动室", "三楼")]),
        ("ljq-xh", "临江区图书馆新华路街道分馆", "branch", "ljq", ["新华路分馆", "新华路街道图书馆"], "新华路211弄8号",
         [("read", "阅览室", "一楼"), ("mfh", "多功能厅", "二楼")]),
        ("ljq-fl", "临江区图书馆枫林街道分馆", "branch", "ljq", ["枫林分馆"], "枫林街道东安路90号",
         [("read", "阅览室", "二楼"), ("act", "活动室", "二楼")]),
        ("ljq-my", "临江区图书馆梅园街道分馆", "branch", "ljq", ["梅园分馆"], "梅园新村街道梅园路36号",
         [("act", "多功能活动室", "三楼"), ("read", "阅览区", "一楼")]),
        ("ljq-tp", "临江区图书馆桃浦镇分馆", "branch", "ljq", ["桃浦分馆", "桃浦镇图书馆"], "桃浦镇武威东路188号",
         [("mfh", "多功能厅", "一楼"), ("read", "阅览室", "二楼")]),
        ("ljq-jq", "临江区图书馆金桥湾街道分馆", "branch", "ljq", ["金桥湾分馆"], "金桥湾街道新金桥路59号",
         [("act", "活动室", "二楼"), ("read", "阅览室", "一楼")]),
        ("ljq-dm", "临江区图书馆东明路街道分馆", "branch", "ljq", ["东明分馆", "东明路分馆"], "东明路1600号",
         [("mfh", "报告厅", "三楼"), ("read", "阅览室", "二楼")]),
        ("ljq-bx", "临江区图书馆北新泾街道分馆", "branch", "ljq", ["北新泾分馆"], "北新泾天山西路700号",
         [("act", "活动室", "一楼"), ("read", "阅览室", "一楼")]),
        ("ljq-xs", "新华书店临江书城阅读空间", "branch", "ljq", ["临江书城", "新华书城", "书城阅读空间"], "滨江大道1500号临江书城",
         [("stage", "阅读剧场", "三楼"), ("cafe", "书咖", "一楼")]),
        ("ljq-jp-s1", "江浦路社区书屋", "service_point", "ljq-jp", ["江浦路书屋"], "江浦路社区事务受理中心四楼",
         [("room", "书屋", "四楼")]),
        ("ljq-xh-s1", "新华路居委会市民书房", "service_point", "ljq-xh", ["新华路市民书房"], "新华路居委会一楼",
         [("room", "书房", "一楼")]),
        ("ljq-cs1", "滨江城市书房", "service_point", "ljq", ["滨江书房"], "滨江大道滨江绿地北侧",
         [("room", "阅读区", "")]),
        ("ljq-cs2", "金桥湾城市书房", "service_point", "ljq-jq", ["金桥湾书房"], "金桥湾万象汇L3",
         [("room", "阅读区", "")]),
        ("ljq-cs3", "桃浦智创城城市书房", "service_point", "ljq-tp", ["智创城书房"], "桃浦智创城A座一楼",
         [("room", "阅读区", "")]),
        ("ljq-24", "临江区图书馆24小时自助图书馆（大融城）", "service_point", "ljq", ["大融城自助馆"], "大融城B1",
         [("room", "自助图书馆", "")]),
        ("ljq-fl-s1", "枫林路老年活动中心书屋", "service_point", "ljq-fl", ["老年中心书屋"], "枫林路老年活动中心二楼",
         [("room", "书屋", "二楼")]),
    ],
    "directory": {"ljq", "ljq-se", "ljq-xs"},
    "brands": [
        ("lj-jiangtan", "临江讲坛", "ljq", 2012, "lecture"),
        ("lj-story", "悦读童年故事会", "ljq-se", 2015, "children"),
        ("lj-jp-club", "书香江浦读书会", "ljq-jp", 2018, "reading_club"),
        ("lj-feiyi", "非遗小课堂", "ljq-my", 2019, "children"),
        ("lj-night", "城市书房夜读", "ljq-cs1", 2021, "salon"),
        ("lj-xh-shuhua", "新华书城名家见面会", "ljq-xs", 2017, "salon"),
    ],
    "campaigns": [
        ("spring", "网络书香过大年", "2026-01-20", "2026-03-05"),
        ("reading-month", "4·23世界读书日暨临江读书月", "2026-04-01", "2026-04-30"),
        ("service-week", "图书馆服务宣传周", "2026-05-23", "2026-05-31"),
        ("summer", "暑期少儿阅读季", "2026-07-01", "2026-08-31"),
        ("festival", "临江读书节", "2026-10-15", "2026-11-15"),
    ],
    "partners": ["临江区新华书店", "江浦路小学", "临江区实验小学", "上海某师范大学文学院", "区科协", "区社科联",
                 "临江区老年大学", "东明路第二幼儿园", "金桥湾社区学校", "区残联"],
    "outside": [("江浦路小学", "江浦路小学阶梯教室", "江浦路320号"), ("临江区实验小学", "临江区实验小学报告厅", "实验路8号"),
                ("金桥湾社区学校", "金桥湾社区学校二楼教室", "新金桥路61号"), ("东明路第二幼儿园", "东明路第二幼儿园多功能室", "东明路1422号"),
                ("临江区老年大学", "区老年大学礼堂", "临江区长寿路9号"), ("滨江党群服务中心", "滨江党群服务中心", "滨江大道1000号"),
                ("万象汇商场", "万象汇中庭", "新金桥路1号"), ("科创园", "科创园人才驿站", "桃浦科创园3号楼")],
    "hours": [(9, 30), (10, 0), (14, 0), (14, 30), (15, 0), (18, 30), (19, 0), (19, 30), (10, 30), (13, 30)],
    "english": True,
}

CITY_Z = {
    "key": "city_z",
    "alliance": ("tianhe", "天河地区公共图书馆阅读推广联盟", "Tianhe Prefecture Library Reading Alliance"),
    "members": [
        ("thd", "天河地区图书馆", "central", None, ["地区馆", "地区图书馆", "地图"], "天河市团结路18号",
         [("rpt", "报告厅", "三楼"), ("mfh", "多功能厅", "二楼"), ("hall", "大厅", "一楼"), ("kids", "少儿部", "一楼"),
          ("exh", "展厅", "四楼"), ("ancient", "地方文献阅览室", "五楼")]),
        ("ths", "天河市图书馆", "county", "thd", ["市馆", "市图书馆", "天河市图"], "天河市解放北路77号",
         [("mfh", "多功能厅", "二楼"), ("kids", "少儿阅览室", "一楼"), ("rpt", "讲座厅", "三楼")]),
        ("qhk", "青河口县图书馆", "county", "thd", ["县馆", "青河口县馆", "县图书馆"], "青河口县文化路3号",
         [("mfh", "多功能厅", "二楼"), ("read", "阅览室", "一楼")]),
        ("bl", "布伦县图书馆", "county", "thd", ["布伦县馆", "县馆"], "布伦县人民路105号",
         [("rpt", "报告厅", "一楼"), ("read", "阅览室", "二楼")]),
        ("hls", "哈拉苏县图书馆", "county", "thd", ["哈拉苏县馆", "县图"], "哈拉苏县友谊路22号",
         [("mfh", "多功能厅", "三楼"), ("kids", "少儿阅览室", "二楼")]),
        ("mlw", "木垒湾县图书馆", "county", "thd", ["木垒湾县馆"], "木垒湾县天山路9号",
         [("mfh", "多功能厅", "二楼"), ("read", "阅览室", "一楼")]),
        ("ths-b1", "天河市图书馆红星街道分馆", "branch", "ths", ["红星分馆"], "天河市红星街道文化站",
         [("read", "阅览室", "一楼")]),
        ("qhk-b1", "青河口县阿热勒乡综合文化站", "branch", "qhk", ["阿热勒乡文化站", "阿热勒文化站"], "阿热勒乡政府院内",
         [("read", "图书室", ""), ("act", "活动室", "")]),
        ("qhk-b2", "青河口县萨尔托海镇综合文化站", "branch", "qhk", ["萨尔托海文化站"], "萨尔托海镇团结街",
         [("read", "图书室", "")]),
        ("bl-b1", "布伦县杜热镇综合文化站", "branch", "bl", ["杜热镇文化站", "杜热文化站"], "杜热镇幸福路1号",
         [("read", "图书室", ""), ("act", "多功能室", "")]),
        ("hls-b1", "哈拉苏县喀拉吉拉乡综合文化站", "branch", "hls", ["喀拉吉拉文化站"], "喀拉吉拉乡胜利街",
         [("read", "图书室", "")]),
        ("mlw-b1", "木垒湾县英格堡乡综合文化站", "branch", "mlw", ["英格堡文化站"], "英格堡乡文化广场东侧",
         [("read", "图书室", "")]),
        ("thd-bus", "天河地区图书馆流动图书车", "service_point", "thd", ["流动书车", "流动图书车", "书香大篷车"], "（流动服务）",
         [("bus", "流动图书车", "")]),
        ("qhk-b1-s1", "阿热勒乡塔斯特村农家书屋", "service_point", "qhk-b1", ["塔斯特村书屋"], "塔斯特村村委会",
         [("room", "农家书屋", "")]),
        ("bl-b1-s1", "杜热镇阔克托别村农家书屋", "service_point", "bl-b1", ["阔克托别村书屋"], "阔克托别村村委会",
         [("room", "农家书屋", "")]),
        ("hls-b1-s1", "喀拉吉拉乡牧民定居点书屋", "service_point", "hls-b1", ["定居点书屋"], "喀拉吉拉乡牧民定居点",
         [("room", "书屋", "")]),
        ("ths-cs1", "天河市额河城市书房", "service_point", "ths", ["额河书房", "城市书房"], "天河市滨河公园东门",
         [("room", "阅读区", "")]),
        ("thd-bt", "兵团某团场图书室", "service_point", "thd", ["团场图书室"], "某团场文化活动中心",
         [("room", "图书室", "")]),
    ],
    "directory": {"thd", "ths"},
    "brands": [
        ("th-dajiangtang", "天河大讲堂", "thd", 2011, "lecture"),
        ("th-shiliuzi", "石榴籽读书会", "thd", 2018, "reading_club"),
        ("th-caoyuan", "草原书香", "thd-bus", 2016, "outreach"),
        ("th-shuangyu", "双语故事会", "ths", 2019, "children"),
        ("th-cixiu", "非遗传承·哈萨克刺绣", "qhk", 2020, "children"),
        ("th-jingdian", "经典导读", "bl", 2017, "reading_club"),
    ],
    "campaigns": [
        ("spring", "网络书香过大年", "2026-01-25", "2026-03-01"),
        ("reading-month", "4·23世界读书日", "2026-04-10", "2026-04-30"),
        ("service-week", "图书馆服务宣传周", "2026-05-23", "2026-05-31"),
        ("summer", "暑期少儿阅读", "2026-07-10", "2026-08-25"),
        ("festival", "天河书香节", "2026-09-01", "2026-09-30"),
    ],
    "partners": ["地区新华书店", "天河市第一小学", "地区社科联", "地区科协", "青河口县第二中学", "布伦县双语幼儿园",
                 "地区残联", "某边防连队", "天河职业技术学院", "地区老年大学"],
    "outside": [("天河市第一小学", "天河市第一小学多功能教室", "天河市文化路41号"), ("青河口县第二中学", "县二中阶梯教室", "青河口县育才路2号"),
                ("布伦县双语幼儿园", "布伦县双语幼儿园", "布伦县人民路60号"), ("某边防连队", "边防连队荣誉室", "（不公开）"),
                ("天河职业技术学院", "天河职业技术学院图书馆报告厅", "天河市职教园区"), ("塔斯特村", "塔斯特村文化广场", "阿热勒乡塔斯特村"),
                ("夏牧场", "夏牧场毡房", "哈拉苏县阿克达拉夏牧场"), ("社区", "团结路社区活动室", "团结路社区")],
    "hours": [(10, 30), (11, 0), (11, 30), (12, 0), (16, 0), (16, 30), (17, 0), (20, 0), (15, 30), (19, 30)],
    "english": False,
}

TOPICS = {
    "lecture": ["宋词里的四季", "红楼梦人物谈", "家庭急救知识", "中医养生与二十四节气", "老街巷的城市记忆", "唐诗中的边塞",
                "长征精神的时代价值", "人工智能与日常生活", "青少年心理健康", "家风家训", "丝绸之路上的古城",
                "王阳明心学入门", "老年人防诈骗", "垃圾分类与绿色生活", "鲁迅的朋友圈", "苏东坡的江湖", "地方志里的乡愁",
                "汉字的故事", "科学育儿", "数字时代的阅读", "天文观测入门", "诗经里的植物", "法律进社区：婚姻家庭法",
                "民法典与百姓生活", "近代上海的出版业", "古籍修复漫谈", "西游记的另一种读法", "三国演义里的智慧",
                "健康饮食与慢病预防", "摄影构图基础", "草原文化与游牧文明", "新疆历史文化", "冬奥与冰雪运动"],
    "reading_club": ["《平凡的世界》", "《活着》", "《人世间》", "《额尔古纳河右岸》", "《边城》", "《围城》",
                     "《乡土中国》", "《长安的荔枝》", "《我与地坛》", "《红岩》", "《城南旧事》", "《白鹿原》",
                     "《三体》", "《呼兰河传》", "《文化苦旅》", "《瓦尔登湖》", "《百年孤独》", "《我的阿勒泰》"],
    "children": ["绘本故事会：小猪佩奇", "绘本《猜猜我有多爱你》", "恐龙科普故事", "中秋节的故事", "成语故事", "手工折纸",
                 "剪纸体验", "小小图书管理员", "英语绘本时间", "垃圾分类小卫士", "端午香囊制作", "二十四节气故事",
                 "科学小实验", "安全教育绘本", "红色故事会", "民间故事", "神话故事讲演", "小小朗读者"],
    "exhibition": ["馆藏老照片展", "红色经典连环画展", "少儿绘画作品展", "书法作品展", "非遗剪纸作品展", "古籍保护成果展",
                   "地方文献展", "摄影作品展", "百年党史图片展", "节气主题书展", "新书展", "边疆风光摄影展"],
    "contest": ["少儿讲故事比赛", "诗词大会", "征文比赛", "朗读大赛", "书法比赛", "知识竞赛", "绘画比赛", "演讲比赛"],
    "training": ["智能手机使用培训", "数字资源使用培训", "基层图书管理员业务培训", "志愿者培训", "电子书借阅指南",
                 "信息素养讲座：文献检索", "农技知识培训", "电商直播培训"],
    "salon": ["读书沙龙：城市与文学", "作家见面会", "诗歌朗诵沙龙", "茶与书沙龙", "读书分享会", "新书分享会",
              "旅行文学沙龙", "音乐与阅读"],
    "parent_child": ["亲子阅读", "亲子共读绘本", "亲子手工", "家庭读书会", "亲子科学秀", "亲子书法体验"],
    "outreach": ["图书馆进社区", "送书进军营", "送书下乡", "图书馆进校园", "阅读进企业", "送书进牧区", "流动图书车进社区"],
    "screening": ["公益电影放映：《长津湖》", "公益电影：《我和我的祖国》", "经典老电影放映", "少儿动画电影放映",
                  "纪录片《河西走廊》放映", "无障碍电影放映"],
    "accessibility": ["视障读者读书会", "残障人士读书文化日", "听书机使用培训", "无障碍电影专场", "手语绘本故事会"],
    "digital": ["数字阅读推广", "VR体验活动", "云阅读打卡", "电子阅览室开放日", "数字资源推广周"],
}
CAT_W = [("lecture", 18), ("reading_club", 10), ("children", 16), ("exhibition", 7), ("contest", 6), ("training", 7),
         ("salon", 8), ("parent_child", 8), ("outreach", 8), ("screening", 5), ("accessibility", 3), ("digital", 4)]
DUR = {"lecture": 90, "reading_club": 120, "children": 60, "exhibition": 0, "contest": 150, "training": 120,
       "salon": 120, "parent_child": 90, "outreach": 120, "screening": 120, "accessibility": 90, "digital": 120}
AUD = {"children": "3-8岁少儿及家长", "parent_child": "亲子家庭", "accessibility": "残障人士及视障读者",
       "lecture": "市民读者", "training": "中老年读者", "outreach": "社区居民"}
TYPO = {"多功能厅": ["多功厅", "多功能听", "多攻能厅"], "报告厅": ["报告听", "报告亭"], "阅览室": ["阅揽室", "阅览是"],
        "活动室": ["活动是", "活东室"], "大厅": ["大听"], "展厅": ["展听"], "图书馆": ["图书官", "图书管"],
        "故事屋": ["故事室"], "讲座厅": ["讲坐厅"], "图书室": ["图书是"], "少儿阅览室": ["少儿阅揽室"]}


GENERIC_ABBR = {"区图", "区馆", "区图书馆", "县馆", "县图", "县图书馆", "市馆", "市图书馆", "地区馆", "地区图书馆", "地图",
                "少儿馆", "城市书房", "流动书车", "流动图书车", "书香大篷车", "团场图书室"}


def weighted(rng, pairs):
    total = sum(w for _, w in pairs)
    x = rng.uniform(0, total)
    for v, w in pairs:
        x -= w
        if x <= 0:
            return v
    return pairs[-1][0]


def cn_num(n):
    if n <= 10:
        return CN_NUM[n]
    if n < 20:
        return "十" + (CN_NUM[n - 10] if n > 10 else "")
    return CN_NUM[n // 10] + "十" + (CN_NUM[n % 10] if n % 10 else "")


def iso(dt):
    return dt.isoformat()


# ----------------------------------------------------------------------------------------
class Gen:
    def __init__(self, cfg, seed):
        self.cfg = cfg
        self.rng = random.Random(seed)
        self.m = {row[0]: row for row in cfg["members"]}
        self.ids = [row[0] for row in cfg["members"]]
        self.central = self.ids[0]
        self.children = defaultdict(list)
        for row in cfg["members"]:
            if row[3]:
                self.children[row[3]].append(row[0])
        self.brands = {b[2]: b for b in cfg["brands"]}
        self.camps = [(c[0], c[1], date.fromisoformat(c[2]), date.fromisoformat(c[3])) for c in cfg["campaigns"]]
        self.activities = []
        self.lines = []
        self.var = Counter()
        self.fam = Counter()
        self.refseq = Counter()
        self.used_slots = set()
        self.lastrev = {}  # (title_core, place, start) to avoid accidental twins

    # ---- helpers
    def name(self, lib):
        return self.m[lib][1]

    def rooms(self, lib):
        return self.m[lib][6]

    def campaign_for(self, d):
        for cid, cname, a, b in self.camps:
            if a <= d <= b:
                return cid, cname
        return None

    def new_ref(self, lib, desk):
        self.refseq[(lib, desk)] += 1
        n = self.refseq[(lib, desk)]
        r = self.rng
        if desk == "form":
            return f"{lib}-{2026}-{n:04d}"
        if desk == "wx":
            return f"wx{r.randint(10**9, 10**10 - 1)}"
        if desk == "xls":
            return f"导入表第{n}行"
        if desk == "api":
            return "%08x-%04x" % (r.getrandbits(32), r.getrandbits(16))
        return f"{desk}-{n}"

    def rand_day(self):
        d0 = date(2026, 1, 6)
        return d0 + timedelta(days=self.rng.randint(0, 340))

    def pick_cat(self):
        return weighted(self.rng, CAT_W)

    def topic(self, cat):
        return self.rng.choice(TOPICS[cat])

    def core_title(self, cat, topic, lib):
        r = self.rng
        if cat == "lecture":
            return f"{topic}" if r.random() < 0.4 else f"{topic}专题讲座"
        if cat == "reading_club":
            return r.choice([f"{topic}读书会", f"共读{topic}", f"{topic}阅读分享会"])
        if cat == "exhibition":
            return topic
        if cat == "contest":
            return f"2026年{topic}"
        return topic

    # ---- activity creation
    def make(self, family, *, cat=None, host=None, day=None, hm=None, room=None, title=None, topic=None,
             brand=None, place_strict=False, time_strict=False, outside=None, cohosts=None, session=None,
             series_no=None, n_ann=None, span_days=0):
        r = self.rng
        cat = cat or self.pick_cat()
        host = host or r.choice(self.ids)
        day = day or self.rand_day()
        hm = hm or r.choice(self.cfg["hours"])
        if brand is None and host in self.brands and r.random() < 0.5:
            b = self.brands[host]
            if b[4] == cat or r.random() < 0.3:
                brand = b
                cat = b[4]
                topic = None
        topic = topic or self.topic(cat)
        if title is None:
            title = self.core_title(cat, topic, host)
        if cohosts is None:
            cohosts = self.pick_cohosts(host)
        if outside is None and (self.m[host][1].endswith("流动图书车")
                                or (cat == "outreach" and r.random() < 0.7)):
            outside = r.choice(self.cfg["outside"])
        if room is None:
            room = r.choice(self.rooms(host))
        start = datetime(day.year, day.month, day.day, hm[0], hm[1], tzinfo=CST)
        dur = DUR[cat] or 0
        if cat == "exhibition":
            span_days = span_days or r.choice([6, 9, 13, 20, 30])
            end = datetime.combine(day + timedelta(days=span_days), datetime.min.time(), CST).replace(hour=17)
            start = start.replace(hour=9, minute=0)
        else:
            end = start + timedelta(minutes=dur)
        camp = self.campaign_for(day)
        partners = []
        if outside:
            partners.append(outside[0]) if outside[0] in self.cfg["partners"] else None
        if r.random() < 0.25:
            partners.append(r.choice(self.cfg["partners"]))
        partners = sorted(set(partners))
        label = f"{self.cfg['key']}-a{len(self.activities) + 1:05d}"
        a = dict(label=label, family=family, cat=cat, host=host, cohosts=cohosts, start=start, end=end,
                 title=title, brand=brand, camp=camp, room=room, outside=outside, place_strict=place_strict,
                 time_strict=time_strict, session=session, series_no=series_no, partners=partners,
                 n_ann=n_ann or self.pick_n(len(cohosts)), topic=topic)
        slot = (title, host, outside[1] if outside else room[1], start)
        if slot in self.used_slots:
            return None
        self.used_slots.add(slot)
        self.activities.append(a)
        self.fam[family] += 1
        return a

    def pick_cohosts(self, host):
        r = self.rng
        x = r.random()
        if x < 0.35:
            return []
        pool = []
        parent = self.m[host][3]
        if parent:
            pool.append(parent)
            if self.m[parent][3]:
                pool.append(self.m[parent][3])
        pool += self.children[host]
        if host != self.central:
            pool.append(self.central)
        if r.random() < 0.2:  # a partner from elsewhere in the alliance (joint city-wide activity)
            pool += r.sample(self.ids, 1)
        pool = [p for p in dict.fromkeys(pool) if p != host]
        k = 1 if x < 0.75 else (2 if x < 0.93 else 3)
        out = pool[:k] if r.random() < 0.6 else r.sample(pool, min(k, len(pool)))
        return [(p, r.choice(["organiser", "co_organiser", "co_organiser", "participant", "co_host"])) for p in out]

    def pick_n(self, n_co):
        x = self.rng.random()
        if n_co == 0:
            return 1 if x < 0.62 else (2 if x < 0.92 else 3)
        if x < 0.12:
            return 1
        if x < 0.55:
            return 2
        if x < 0.83:
            return min(3, n_co + 2)
        return min(n_co + 2, 5)

    # ---- families
    def fam_single(self):
        self.make("single")

    def fam_weekly(self):
        r = self.rng
        host = r.choice(list(self.brands)) if r.random() < 0.7 else r.choice(self.ids)
        b = self.brands.get(host)
        cat = b[4] if b else r.choice(["reading_club", "children", "salon"])
        day = self.rand_day()
        hm = r.choice(self.cfg["hours"])
        room = self.rooms(host)[0]
        same_title = r.random() < 0.4
        base_no = r.randint(3, 80)
        tp = self.topic(cat)
        for k in range(r.randint(3, 5)):
            no = base_no + k
            if same_title:
                title = f"{b[1] if b else '周末读书会'}：{tp}" if b else f"周末{cat == 'children' and '故事会' or '读书会'}"
            else:
                title = f"{b[1] if b else ('周末故事会' if cat == 'children' else '周末读书会')}第{no}期：{self.topic(cat)}"
            self.make("weekly_series", cat=cat, host=host, day=day + timedelta(days=7 * k), hm=hm, room=room,
                      title=title, brand=b if b else False, cohosts=[], series_no=no, time_strict=True)

    def fam_multibranch(self):
        r = self.rng
        parent = r.choice([p for p in self.children if len(self.children[p]) >= 2])
        libs = r.sample(self.children[parent], min(len(self.children[parent]), r.randint(2, 4)))
        cat = r.choice(["children", "parent_child", "digital", "training", "screening"])
        tp = self.topic(cat)
        day, hm = self.rand_day(), r.choice(self.cfg["hours"])
        for lib in libs:
            self.make("multi_branch_same_hour", cat=cat, host=lib, day=day, hm=hm, title=tp, topic=tp,
                      cohosts=[(parent, "host")] if r.random() < 0.5 else [], place_strict=True, brand=False)

    def fam_parallel(self):
        r = self.rng
        host = r.choice([i for i in self.ids if len(self.rooms(i)) >= 3])
        rooms = r.sample(self.rooms(host), r.randint(2, 3))
        day, hm = self.rand_day(), r.choice(self.cfg["hours"])
        theme = r.choice(["读书节分会场", "阅读嘉年华", "开放日", "书香周末"])
        for rm in rooms:
            cat = self.pick_cat()
            if cat == "exhibition":
                cat = "lecture"
            tp = self.topic(cat)
            self.make("parallel_rooms", cat=cat, host=host, day=day, hm=hm, room=rm,
                      title=f"{theme}·{tp}", topic=tp, cohosts=[], brand=False)

    def fam_sessions(self):
        r = self.rng
        host = r.choice(self.ids)
        cat = r.choice(["children", "parent_child", "screening", "training", "lecture"])
        tp = self.topic(cat)
        day = self.rand_day()
        hm = r.choice([(9, 0), (10, 0), (14, 0), (15, 0)])
        room = r.choice(self.rooms(host))
        co = self.pick_cohosts(host)
        for k in (1, 2):
            h = (hm[0] + k - 1, hm[1])
            self.make("first_second_session", cat=cat, host=host, day=day, hm=h, room=room,
                      title=f"{tp}（第{cn_num(k)}场）", topic=tp, cohosts=co, session=k, time_strict=True, brand=False)

    def fam_later(self):
        r = self.rng
        host = r.choice(self.ids)
        room = r.choice(self.rooms(host))
        day = self.rand_day()
        c1, c2 = r.choice(["children", "parent_child"]), r.choice(["lecture", "salon", "reading_club"])
        self.make("same_hall_later_that_day", cat=c1, host=host, day=day, hm=(9, 30), room=room, time_strict=True)
        self.make("same_hall_later_that_day", cat=c2, host=host, day=day, hm=(14, 30), room=room, time_strict=True)

    def fam_samebook(self):
        r = self.rng
        book = r.choice(TOPICS["reading_club"])
        day = self.rand_day()
        for k in range(r.randint(2, 3)):
            host = r.choice(self.ids)
            self.make("same_book_other_month_or_library", cat="reading_club", host=host,
                      day=day + timedelta(days=r.randint(20, 40) * k + (0 if k == 0 else 1)),
                      title=r.choice([f"共读{book}", f"{book}读书分享会"]), topic=book, place_strict=True, brand=False)

    def fam_touring(self):  # (own) 巡展: one exhibition moving member to member
        r = self.rng
        tp = r.choice(TOPICS["exhibition"])
        libs = r.sample(self.ids, r.randint(3, 4))
        day = self.rand_day()
        for k, lib in enumerate(libs):
            self.make("touring_exhibition", cat="exhibition", host=lib, day=day + timedelta(days=15 * k),
                      title=f"{tp}（巡展）", topic=tp, span_days=12, place_strict=True, brand=False,
                      cohosts=[(self.central, "host")] if lib != self.central else [])

    def fam_contest(self):  # (own) 初赛 at branches, 决赛 at the central library; 启动仪式 vs 颁奖
        r = self.rng
        tp = r.choice(TOPICS["contest"])
        day = self.rand_day()
        stages = [("初赛", r.choice([i for i in self.ids if i != self.central])), ("复赛", self.central),
                  ("决赛暨颁奖典礼", self.central)]
        for k, (stage, lib) in enumerate(stages[: r.randint(2, 3)]):
            self.make("contest_stages", cat="contest", host=lib, day=day + timedelta(days=10 * k),
                      title=f"2026年{tp}{stage}", topic=tp, brand=False, time_strict=True)

    def fam_schools(self):  # (own) one library, two schools, same morning (进校园 double booking)
        r = self.rng
        host = r.choice(self.ids[:6])
        outs = r.sample([o for o in self.cfg["outside"] if any(w in o[0] for w in "学园校")], 2)
        day = self.rand_day()
        tp = r.choice(["图书馆进校园", "阅读进课堂", "流动图书车进校园", "好书推荐进校园"])
        for k, o in enumerate(outs):
            self.make("same_programme_two_outside_venues", cat="outreach", host=host, day=day,
                      hm=(9 + k, 30), title=tp, topic=tp, outside=o, place_strict=True, brand=False)

    def fam_monthly_theme(self):  # (own) the monthly 新书推荐/主题书展 re-used by name every month
        r = self.rng
        host = r.choice(self.ids[:8])
        m0 = r.randint(1, 8)
        room = self.rooms(host)[0]
        for k in range(r.randint(2, 4)):
            d = date(2026, m0 + k, r.randint(1, 5))
            self.make("monthly_same_name", cat="exhibition", host=host, day=d, room=room, title=f"{m0 + k}月新书推荐展",
                      topic="新书推荐", span_days=20, cohosts=[], brand=False)

    # ---- rendering
    def venue_text(self, a, ann_lib, mode):
        m = self.m[a["host"]]
        rng = self.rng
        if a["outside"]:
            o = a["outside"]
            opts = {"full": o[1], "short": o[0], "addr": f"{o[2]}", "both": f"{o[1]}（{o[2]}）"}
            k = mode if mode in opts else rng.choice(list(opts))
            return opts[k], o[2] if rng.random() < 0.3 else None, k
        key, room, floor = a["room"]
        lib_name, abbrs, addr = m[1], m[4], m[5]
        ab = rng.choice(abbrs)
        if a["place_strict"]:  # where only the place tells look-alikes apart, no generic 县馆/区图
            distinct = [x for x in abbrs if x not in GENERIC_ABBR]
            ab = rng.choice(distinct) if distinct else lib_name
        opts = {
            "full": f"{lib_name}{floor}{room}",
            "full_no_floor": f"{lib_name}{room}",
            "abbr_room": f"{ab}{floor if rng.random() < 0.5 else ''}{room}",
            "room_floor": f"{floor}{room}" if floor else room,
            "room_only": room,
            "floor_room_paren": f"{room}（{floor}）" if floor else f"{room}（{lib_name}）",
            "address": addr,
            "library_only": lib_name if rng.random() < 0.6 else ab,
            "vague": rng.choice(["本馆", "馆内", "图书馆", "活动室", "详见海报", "本馆活动区"]),
            "typo": None,
        }
        if lib_name.endswith(room):  # 市民书房 / 流动图书车: the room is the library
            for k in ("full", "full_no_floor", "floor_room_paren"):
                opts[k] = lib_name
            opts["abbr_room"] = ab
        t = opts["full"]
        for w, reps in TYPO.items():
            if w in t:
                t = t.replace(w, rng.choice(reps), 1)
                break
        opts["typo"] = t
        if a["place_strict"]:
            allowed = ["full", "full_no_floor", "address", "library_only", "typo"]
            if ann_lib == a["host"]:
                allowed = ["full", "full_no_floor", "abbr_room", "typo", "address"]
            if mode not in allowed:
                mode = rng.choice(allowed)
            if mode == "library_only":
                return lib_name, None, mode
            if mode == "abbr_room" and len(ab) <= 2:
                return f"{lib_name}{room}", None, "full_no_floor"
        if a["family"] == "parallel_rooms" and mode in ("address", "library_only", "vague"):
            mode = "room_floor"
        if ann_lib != a["host"] and mode in ("room_only", "room_floor", "vague"):
            mode = rng.choice(["full", "abbr_room", "full_no_floor"])
        return opts[mode], (addr if rng.random() < 0.25 else None), mode

    def render_title(self, a, ann_lib, deco, report=False):
        r = self.rng
        t = a["title"]
        b = a["brand"]
        if b and not t.startswith(b[1]) and r.random() < 0.6 and deco != "brand_dropped":
            t = f"{b[1]}：{t}"
        if a["session"]:
            pass  # 场次 word is part of the title and is always kept
        if deco == "brand_dropped" and "：" in t and not a["session"]:
            head, tail = t.split("：", 1)
            if a["family"] != "weekly_series" and len(tail) > 3:
                t = tail
        elif deco == "tag_union":
            t = "【联盟活动】" + t
        elif deco == "tag_preview":
            t = "【活动预告】" + t
        elif deco == "welcome":
            t = t + r.choice(["，欢迎参加！", "，欢迎您的到来", " 欢迎报名"])
        elif deco == "signup":
            t = t + r.choice(["（报名中）", "（已满员）", "｜火热报名中", "（名额有限）"])
        elif deco == "emoji":
            t = r.choice(["📚", "🎉", "✨", "🌸"]) + t + r.choice(["", "📖", "！"])
        elif deco == "append_activity":
            t = t + r.choice(["活动", "读书分享活动", "主题活动"] if a["cat"] in ("reading_club", "salon") else ["活动", "主题活动"])
        elif deco == "campaign_prefix" and a["camp"]:
            t = f"「{a['camp'][1]}」{t}"
        elif deco == "channel_pipe":  # (own) WeChat public-account headline style
            t = f"{self.m[ann_lib][4][0]}｜{t}" if r.random() < 0.5 else f"{t}｜{self.name(ann_lib)}"
        elif deco == "fullwidth":  # (own) full-width digits/space, 《》 swapped
            t = t.translate(str.maketrans("0123456789:()", "０１２３４５６７８９：（）")).replace("《", "<").replace("》", ">")
            t = t.replace("：", "： ")
        elif deco == "english_gloss":  # (own) city_y tourist/expat gloss
            g = {"lecture": "Lecture", "reading_club": "Book Club", "children": "Story Time", "exhibition": "Exhibition",
                 "parent_child": "Family Reading", "salon": "Reading Salon", "contest": "Contest", "training": "Workshop",
                 "outreach": "Outreach", "screening": "Film Screening", "accessibility": "Accessible Reading",
                 "digital": "Digital Reading"}[a["cat"]]
            t = f"{t} / {g}"
        elif deco == "bilingual_note":  # (own) city_z 维汉/哈汉 bilingual note
            t = f"{t}（{r.choice(['维汉双语', '哈汉双语', '双语'])}）"
        if report:
            t = r.choice([f"{t}圆满举行", f"我馆成功举办{t}", f"【活动回顾】{t}", f"{t}顺利开展"])
        if a["series_no"] and "期" not in t and a["family"] == "weekly_series" and r.random() < 0.5:
            t = f"{t}（第{a['series_no']}期）"
        return t[:200]

    def render_time(self, a, habit):
        s, e = a["start"], a["end"]
        r = self.rng
        note = None
        if a["cat"] == "exhibition":
            if habit == "all_day":
                return datetime.combine(s.date(), datetime.min.time(), CST), datetime.combine(e.date(), datetime.min.time(), CST) + timedelta(days=1), True, "exh_all_day", None
            if habit == "opening_day_only":
                sd = datetime.combine(s.date(), datetime.min.time(), CST)
                return sd, sd + timedelta(days=1), True, "exh_opening_day_only", "展期见海报"
            return s, e, False, "exact", None
        if a["time_strict"] and habit in ("round", "off_hour", "all_day"):
            habit = r.choice(["exact", "signin", "end_missing"])
        if habit == "signin":
            k = r.choice([15, 20, 30])
            s2 = s - timedelta(minutes=k)
            note = f"{s2:%H:%M}签到入场，{s:%H:%M}正式开始"
            return s2, e, False, f"signin_{k}", note
        if habit == "round":
            s2 = s.replace(minute=0) if s.minute < 30 or r.random() < 0.5 else s.replace(minute=0) + timedelta(hours=1)
            if s2 == s:
                s2 = s + timedelta(minutes=30)
            return s2, max(e, s2), False, "rounded_hour", None
        if habit == "off_hour":
            k = r.choice([-60, -45, 40, 60])
            s2 = s + timedelta(minutes=k)
            return s2, max(s2, e + timedelta(minutes=k if r.random() < 0.5 else 0)), False, "off_up_to_hour", None
        if habit == "end_missing":
            return s, s, False, "end_missing", None
        if habit == "end_diff":
            return s, e + timedelta(minutes=r.choice([-30, 30, 60, 90])), False, "end_different", None
        if habit == "all_day":
            sd = datetime.combine(s.date(), datetime.min.time(), CST)
            return sd, sd + timedelta(days=1), True, "date_only_all_day", "具体时间另行通知"
        if habit == "xj_time":  # (own) the same instant written in 新疆时间 (+06:00)
            return s.astimezone(XJT), e.astimezone(XJT), False, "xinjiang_time_offset", f"新疆时间{s.astimezone(XJT):%H:%M}开始"
        return s, e, False, "exact", None

    def organizers(self, a, ann_lib, mode):
        full = [(a["host"], "host")] + list(a["cohosts"])
        if mode == "full":
            return [{"library_id": l, "role": ro} for l, ro in full], "orgs_full"
        if mode == "self_host":
            out = [{"library_id": a["host"], "role": "host"}]
            if ann_lib != a["host"]:
                ro = dict(a["cohosts"]).get(ann_lib, "participant")
                out.append({"library_id": ann_lib, "role": ro})
            return out, "orgs_self_and_host"
        if mode == "self":
            ro = "host" if ann_lib == a["host"] else dict(a["cohosts"]).get(ann_lib, "participant")
            return [{"library_id": ann_lib, "role": ro}], "orgs_self_only"
        return [], "orgs_none"

    def announce(self, a, ann_lib, pub, *, desk="form", deco=None, habit=None, org_mode=None, vmode=None,
                 source_ref=None, revision=1, report=False, extra=None, status="scheduled", start_override=None):
        r = self.rng
        vars_ = []
        is_host = ann_lib == a["host"]
        if deco is None:
            deco = weighted(r, [("plain", 30), ("tag_union", 6), ("tag_preview", 6), ("welcome", 6), ("signup", 5),
                                ("emoji", 5), ("append_activity", 6), ("brand_dropped", 6), ("campaign_prefix", 5),
                                ("channel_pipe", 5), ("fullwidth", 3),
                                ("english_gloss" if self.cfg["english"] else "bilingual_note", 4)])
        if habit is None:
            habit = weighted(r, [("exact", 40), ("signin", 12), ("round", 8), ("off_hour", 5), ("end_missing", 10),
                                 ("end_diff", 8), ("all_day", 5 if a["family"] == "single" else 0),
                                 ("xj_time", 0 if self.cfg["english"] else 8)])
            if a["cat"] == "exhibition":
                habit = r.choice(["exact", "exact", "all_day", "opening_day_only"])
        if org_mode is None:
            org_mode = weighted(r, [("full", 35), ("self_host", 25), ("self", 15), ("none", 25)])
        if vmode is None:
            vmode = weighted(r, [("full", 18), ("full_no_floor", 8), ("abbr_room", 14), ("room_floor", 12),
                                 ("room_only", 10), ("floor_room_paren", 5), ("address", 6), ("library_only", 8),
                                 ("vague", 4), ("typo", 5), ("venue_id", 10)])
        if deco == "campaign_prefix" and not a["camp"]:
            deco = "plain"
        title = self.render_title(a, ann_lib, deco, report=report)
        vars_.append(f"title:{deco}")
        if report:
            vars_.append("title:report_after_event")
        s, e, all_day, hv, note = self.render_time(a, habit)
        if start_override:
            s, e = start_override
            hv = "postponed_new_date"
        vars_.append(f"time:{hv}")
        venue = {}
        if vmode == "venue_id" and not a["outside"] and a["host"] in self.cfg["directory"] and (is_host or ann_lib == self.central):
            vid = f"{a['host']}-{a['room'][0]}"
            venue = {"name": a["room"][2] + a["room"][1] if is_host else self.name(a["host"]) + a["room"][1], "venue_id": vid}
            vars_.append("venue:venue_id")
        else:
            if vmode == "venue_id":
                vmode = "full"
            vn, addr, vk = self.venue_text(a, ann_lib, vmode)
            venue = {"name": vn}
            if addr:
                venue["address"] = addr
            vars_.append(f"venue:{vk}")
        if desk == "online" or (r.random() < 0.04 and a["cat"] in ("lecture", "training", "digital")):
            venue["online_url"] = f"https://live.example.org/{self.cfg['key']}/{a['label'][-5:]}"
            vars_.append("channel:live_stream_link")
        orgs, om = self.organizers(a, ann_lib, org_mode)
        vars_.append(om)
        desc_parts = []
        if note:
            desc_parts.append(note)
        if r.random() < 0.6:
            desc_parts.append(self.describe(a))
        if extra:
            desc_parts.insert(0, extra)
        sub = {
            "library_id": ann_lib,
            "source_ref": source_ref or self.new_ref(ann_lib, desk),
            "revision": revision,
            "status": status,
            "title": title,
            "category": a["cat"],
            "starts_at": iso(s),
            "ends_at": iso(e),
            "venue": venue,
            "organizers": orgs,
        }
        if all_day:
            sub["all_day"] = True
        if desc_parts:
            sub["description"] = "\n".join(desc_parts)
        if a["brand"] and a["brand"][2] == ann_lib and r.random() < 0.8:
            sub["brand_id"] = a["brand"][0]
            vars_.append("brand_id_set")
        camp = self.campaign_for(s.astimezone(CST).date())
        if camp and a["camp"] and camp[0] == a["camp"][0] and r.random() < 0.6:
            sub["campaign_id"] = camp[0]
        if a["cat"] in AUD and r.random() < 0.5:
            sub["audience"] = AUD[a["cat"]]
        if a["partners"] and r.random() < 0.6:
            sub["partners"] = a["partners"]
        if r.random() < 0.3:
            sub["capacity"] = r.choice([20, 30, 40, 50, 80, 100, 200])
        if r.random() < 0.2:
            sub["contact"] = f"0{r.randint(100, 999)}-{r.randint(1000000, 9999999)}"
        if r.random() < 0.25:
            sub["tags"] = sorted({a["cat"], r.choice(["全民阅读", "书香", "公益", "免费"])})
        if r.random() < 0.1:
            sub["registration_url"] = f"https://reg.example.org/{ann_lib}/{r.randint(1000, 9999)}"
        sub["label"] = a["label"]
        for v in vars_:
            self.var[v] += 1
        self.push(pub, sub)
        return sub

    def push(self, pub, sub):
        """Append a line; a higher revision of a source_ref always gets the next number and arrives later."""
        key = (sub["library_id"], sub["source_ref"])
        if key in self.lastrev:
            rev, last = self.lastrev[key]
            sub["revision"] = rev + 1
            pub = max(pub, last + timedelta(hours=1))
        self.lastrev[key] = (sub["revision"], pub)
        self.lines.append((pub, len(self.lines), sub))

    def describe(self, a):
        names = "、".join(self.name(l) for l, _ in a["cohosts"])
        host = self.name(a["host"])
        s = f"主办：{host}" + (f"；协办：{names}" if names else "")
        if a["outside"]:
            s += f"。地点：{a['outside'][1]}"
        if a["cat"] == "reading_club":
            s += f"。本期共读{a['topic'] if '《' in a['topic'] else a['title']}，欢迎书友参加。"
        elif a["cat"] in ("children", "parent_child"):
            s += "。请家长陪同，提前报名。"
        elif a["cat"] == "lecture":
            s += f"。主讲：{self.rng.choice(['张', '李', '王', '刘', '陈', '马', '阿依'])}老师。"
        return s

    # ---- per activity: decide announcements and special habits
    def emit(self, a):
        r = self.rng
        n = a["n_ann"]
        libs = [a["host"]] + [c for c, _ in a["cohosts"]]
        base_pub = a["start"] - timedelta(days=r.randint(2, 20), hours=r.randint(0, 10), minutes=r.randint(0, 59))
        plan = []  # list of (lib, kind)
        co = libs[1:]
        r.shuffle(co)
        order = [a["host"]] + co if r.random() < 0.6 else co + [a["host"]]
        for i in range(n):
            if i < len(order):
                plan.append((order[i], "normal"))
            else:
                plan.append((r.choice(libs), r.choice(["twice", "twice", "revision", "report", "repost_central"])))
        special = None
        if a["family"] == "single" and n >= 2:
            special = weighted(r, [(None, 60), ("connector_last", 14), ("postponed", 8), ("revision_time", 8),
                                   ("cancel_rev", 3), ("online_mirror", 4), ("xls_import", 3)])
        elif n >= 2:
            special = weighted(r, [(None, 80), ("connector_last", 20)])
        if special:
            self.var[f"special:{special}"] += 1
        emitted = []
        for i, (lib, kind) in enumerate(plan):
            pub = base_pub + timedelta(hours=r.randint(0, 80) + 6 * i, minutes=r.randint(0, 59))
            kw = {}
            if special == "connector_last":
                if i == n - 1:
                    kw["org_mode"] = "full"
                    pub = max(x[0] for x in self.lines[-len(emitted):]) + timedelta(hours=3) if emitted else pub
                else:
                    kw["org_mode"] = r.choice(["none", "self"])
            if special == "xls_import" and i == n - 1:  # (own) batch import from the county's monthly Excel sheet
                kw.update(desk="xls", deco="plain", habit="all_day" if not a["time_strict"] else "exact",
                          vmode=r.choice(["library_only", "address"]) if not a["place_strict"] else "full", org_mode="none")
                pub = a["start"] - timedelta(days=r.randint(20, 40))
            if kind == "normal":
                if r.random() < 0.15:
                    kw.setdefault("desk", "wx")
                if self.m[lib][2] == "service_point" and r.random() < 0.5:
                    kw.setdefault("vmode", r.choice(["vague", "library_only", "room_only"]))
                emitted.append(self.announce(a, lib, pub, **kw))
            elif kind == "twice":  # same library, second desk, title slightly different or 10 min off
                sub = self.announce(a, lib, pub, desk=r.choice(["wx", "api"]),
                                    habit=r.choice(["exact", "exact", "end_missing"]))
                if r.random() < 0.5 and not a["time_strict"] and not sub.get("all_day"):
                    s = datetime.fromisoformat(sub["starts_at"]) + timedelta(minutes=r.choice([-10, 10]))
                    sub["starts_at"] = iso(s)
                    if datetime.fromisoformat(sub["ends_at"]) < s:
                        sub["ends_at"] = iso(s)
                    self.var["time:same_library_10min_apart"] += 1
                self.var["special:same_library_twice"] += 1
                emitted.append(sub)
            elif kind == "revision":
                if not emitted:
                    emitted.append(self.announce(a, lib, pub))
                    continue
                prev = emitted[0]
                sub = json.loads(json.dumps(prev))
                sub["revision"] = prev["revision"] + 1
                sub["title"] = self.render_title(a, prev["library_id"], r.choice(["plain", "signup", "welcome"]))
                if r.random() < 0.5:
                    sub["description"] = "更新：" + r.choice(["名额已满，请勿再报名。", "增加线上直播。", "场地调整，请留意。", "已更正活动时间。"])
                self.push(pub + timedelta(days=1), sub)
                self.var["special:revision_same_source_ref"] += 1
                emitted.append(sub)
            elif kind == "report":
                rp = a["end"] + timedelta(hours=r.randint(2, 48))
                sub = self.announce(a, lib, rp, report=True, deco="plain", desk="wx",
                                    extra=f"本次活动共吸引{r.randint(20, 200)}人次参与。")
                emitted.append(sub)
            elif kind == "repost_central":  # (own) alliance office reposts a member's event in its weekly digest
                sub = self.announce(a, self.central, pub, deco=r.choice(["tag_union", "campaign_prefix", "plain"]),
                                    vmode="full", org_mode="self_host" if a["host"] != self.central else "full",
                                    extra="【本周联盟活动汇总】转发成员馆活动信息")
                sub["organizers"] = [o for o in sub["organizers"] if o["library_id"] != self.central or a["host"] == self.central]
                if a["host"] != self.central:
                    sub["organizers"] = [{"library_id": a["host"], "role": "host"}]
                self.var["special:central_digest_repost"] += 1
                emitted.append(sub)
        # specials that change lines after the fact
        if special == "postponed" and emitted:
            first = emitted[0]
            shift = timedelta(days=r.choice([7, 14, 3]))
            old_s = datetime.fromisoformat(first["starts_at"])
            # the first announcements carry the original date; re-announcement from one library
            a_start, a_end = a["start"] + shift, a["end"] + shift
            newd = a_start.astimezone(CST)
            sub = self.announce(a, first["library_id"], max(x[0] for x in self.lines[-len(emitted):]) + timedelta(days=1),
                                start_override=(a_start, a_end), deco=r.choice(["plain", "tag_preview"]),
                                extra=f"【延期通知】原定{old_s.month}月{old_s.day}日举办的本活动延期至{newd.month}月{newd.day}日，地点不变。")
            if r.random() < 0.5:
                sub["title"] = f"（延期）{sub['title']}"
            self.used_slots.add((a["title"], a["host"], "postponed", a_start))
        if special == "revision_time" and emitted:
            prev = emitted[0]
            sub = json.loads(json.dumps(prev))
            sub["revision"] = prev["revision"] + 1
            s = datetime.fromisoformat(prev["starts_at"]) + timedelta(minutes=30)
            if not sub.get("all_day"):
                sub["starts_at"] = iso(s)
                sub["ends_at"] = iso(max(s, datetime.fromisoformat(prev["ends_at"]) + timedelta(minutes=30)))
            sub["description"] = "【时间调整】活动推迟半小时开始。" + (prev.get("description") or "")
            self.push(max(x[0] for x in self.lines[-len(emitted):]) + timedelta(hours=5), sub)

        if special == "cancel_rev" and emitted:
            prev = emitted[-1]
            sub = json.loads(json.dumps(prev))
            sub["revision"] = prev["revision"] + 1
            sub["status"] = "cancelled"
            sub["description"] = "因故取消，敬请谅解。"
            self.push(max(x[0] for x in self.lines[-len(emitted):]) + timedelta(hours=7), sub)
        if special == "online_mirror" and emitted:  # (own) 云直播 page of the same lecture, posted by the central library
            sub = self.announce(a, self.central, max(x[0] for x in self.lines[-len(emitted):]) + timedelta(hours=2),
                                desk="online", deco="plain", habit="exact", org_mode="self_host",
                                extra="线上同步直播，扫码或点击链接观看。")
            sub["title"] = f"【云直播】{sub['title']}"

    def run(self, target):
        r = self.rng
        fams = [(self.fam_single, 130), (self.fam_weekly, 5), (self.fam_multibranch, 5), (self.fam_parallel, 4),
                (self.fam_sessions, 5), (self.fam_later, 5), (self.fam_samebook, 4), (self.fam_touring, 3),
                (self.fam_contest, 3), (self.fam_schools, 3), (self.fam_monthly_theme, 2)]
        done = 0
        while True:
            before = len(self.activities)
            weighted(r, fams)()
            for a in self.activities[before:]:
                self.emit(a)
            if len(self.lines) >= target:
                break
        self.lines.sort(key=lambda x: (x[0], x[1]))

    # ---- output
    def alliance_toml(self):
        aid, aname, aen = self.cfg["alliance"]
        out = [f"# Invented alliance for holdout 11 ({self.cfg['key']}). Generated by generate_holdout11.py.",
               "[alliance]", f'id = "{aid}"', f'name = "{aname}"', f'name_en = "{aen}"', 'timezone = "Asia/Shanghai"', ""]
        for mid, name, tier, parent, abbrs, addr, rooms in self.cfg["members"]:
            out += ["[[members]]", f'id = "{mid}"', f'name = "{name}"', f'tier = "{tier}"']
            if parent:
                out.append(f'parent = "{parent}"')
            out += [f'address = "{addr}"', ""]
        seen = set()
        for mid in [i for i in self.ids if i in self.cfg["directory"]]:
            for key, room, floor in self.m[mid][6]:
                cand = [f"{self.m[mid][1]}{room}", f"{self.m[mid][1]}{floor}{room}", f"{self.m[mid][4][0]}{room}"]
                if mid == self.central and floor:
                    cand += [f"{floor}{room}", f"{room}（{floor}）"]
                aliases = [x for x in dict.fromkeys(cand) if x != room and x not in seen]
                seen.update(aliases)
                out += ["[[venues]]", f'id = "{mid}-{key}"', f'library_id = "{mid}"', f'name = "{room}"',
                        "aliases = [" + ", ".join(f'"{x}"' for x in aliases) + "]", f'address = "{self.m[mid][5]}"', ""]
        for bid, name, lib, since, cat in self.cfg["brands"]:
            out += ["[[brands]]", f'id = "{bid}"', f'name = "{name}"', f'library_id = "{lib}"', f"since = {since}",
                    f'category = "{cat}"', f'keywords = ["{name}"]', ""]
        for cid, name, a, b in self.cfg["campaigns"]:
            out += ["[[campaigns]]", f'id = "{cid}"', f'name = "{name}"', f"starts_on = {a}", f"ends_on = {b}", ""]
        out += ["[[coordinators]]", 'id = "office"', 'name = "联盟办"', f'email = "office@{aid}.example.org"', ""]
        return "\n".join(out)


def main():
    summary = {"seed": SEED, "cities": {}}
    for i, cfg in enumerate((CITY_Y, CITY_Z)):
        g = Gen(cfg, SEED + i)
        g.run(2000)
        d = os.path.join(HERE, cfg["key"])
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "alliance.toml"), "w", encoding="utf-8") as f:
            f.write(g.alliance_toml())
        labels = Counter()
        with open(os.path.join(d, "eval.jsonl"), "w", encoding="utf-8") as f:
            for _, _, sub in g.lines:
                labels[sub["label"]] += 1
                f.write(json.dumps(sub, ensure_ascii=False, sort_keys=False) + "\n")
        hist = Counter(labels.values())
        fam_lines = Counter()
        fam_of = {a["label"]: a["family"] for a in g.activities}
        for lab, n in labels.items():
            fam_lines[fam_of[lab]] += n
        summary["cities"][cfg["key"]] = {
            "alliance": cfg["alliance"][1],
            "members": len(cfg["members"]),
            "announcements": len(g.lines),
            "activities": len(labels),
            "true_pairs": sum(n * (n - 1) // 2 for n in labels.values()),
            "group_size_histogram": {str(k): hist[k] for k in sorted(hist)},
            "activities_per_family": dict(sorted(Counter(fam_of[l] for l in labels).items())),
            "announcements_per_family": dict(sorted(fam_lines.items())),
            "variations": dict(sorted(g.var.items())),
        }
    with open(os.path.join(HERE, "summary.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, ensure_ascii=False, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
