#!/usr/bin/env python3
"""Holdout set 18: two invented alliances, labelled announcement duplicates (stdlib only, deterministic).

city_mm: 沔州市 (invented provincial capital): central library with a venue directory, a
         少年儿童图书馆, a university library and an enterprise (steelworks) staff library as
         members, districts, 城市书房, a book bus.
city_nn: 喀拉苏地区 (invented northwestern prefecture): free-text venues only, ethnic-language
         place names with several transliterations, county libraries hundreds of km apart,
         township 文化站, volunteer-run 牧家书屋, a partner system exporting with +06:00.
Run: python3 generate_holdout18.py  (writes city_mm/, city_nn/, summary.json next to this file)
"""
from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

OUT = Path(__file__).resolve().parent
CST = timezone(timedelta(hours=8))
XJT = timezone(timedelta(hours=6))  # 新疆时间 (own)

# ----------------------------------------------------------------------------- cities
MM = {
    "key": "mm", "dir": "city_mm", "seed": 18_0001, "n_activities": 1000,
    "alliance": ("mianzhou", "沔州市公共图书馆阅读推广联盟", "Mianzhou Public Library Reading Alliance"),
    "city": "沔州市",
    "members": [
        # id, name, tier, parent, address, short names used by editors
        ("mm-central", "沔州市图书馆", "central", None, "沔州市江城区文华路88号", ["市馆", "市图", "沔图", "省会馆"]),
        ("mm-kids", "沔州市少年儿童图书馆", "district", "mm-central", "沔州市江城区紫阳路16号", ["少儿馆", "市少图", "少图"]),
        ("mm-univ", "沔州大学图书馆", "district", "mm-central", "沔州市洪山区珞珈路299号沔州大学", ["沔大图书馆", "校图书馆", "沔大图"]),
        ("mm-steel", "沔钢集团职工图书馆", "branch", "mm-central", "沔州市青山区冶金大道5号沔钢工人文化宫", ["沔钢图书馆", "职工书屋", "工人文化宫图书馆"]),
        ("mm-jc", "江城区图书馆", "district", "mm-central", "沔州市江城区解放路210号", ["江城区馆", "江城区图", "区馆"]),
        ("mm-hx", "汉西区图书馆", "district", "mm-central", "沔州市汉西区建设大道402号", ["汉西区馆", "汉西区图", "区图"]),
        ("mm-qs", "青山区图书馆", "district", "mm-central", "沔州市青山区和平大道1108号", ["青山区馆", "青山图书馆", "区馆"]),
        ("mm-cd", "蔡甸县图书馆", "county", "mm-central", "沔州市蔡甸县蔡甸街知音大道23号", ["蔡甸县馆", "县馆", "县图"]),
        ("mm-jc-b1", "江城区图书馆昙华林分馆", "branch", "mm-jc", "江城区昙华林街47号", ["昙华林分馆", "昙华林书房"]),
        ("mm-jc-b2", "江城区图书馆积玉桥城市书房", "branch", "mm-jc", "江城区积玉桥万达广场B座一层", ["积玉桥城市书房", "积玉桥书房"]),
        ("mm-hx-b1", "汉西区图书馆古琴台分馆", "branch", "mm-hx", "汉西区琴台路3号", ["古琴台分馆", "琴台分馆"]),
        ("mm-hx-b2", "汉西区宝丰路城市书房", "branch", "mm-hx", "汉西区宝丰路社区服务中心二楼", ["宝丰路书房", "宝丰书房"]),
        ("mm-qs-b1", "青山区图书馆红钢城分馆", "branch", "mm-qs", "青山区红钢城八街坊", ["红钢城分馆", "红钢城"]),
        ("mm-cd-b1", "蔡甸县图书馆索河镇分馆", "branch", "mm-cd", "蔡甸县索河镇综合文化站内", ["索河分馆", "索河镇文化站"]),
        ("mm-cd-sp1", "索河镇九真村农家书屋", "service_point", "mm-cd-b1", "蔡甸县索河镇九真村村委会", ["九真村书屋", "农家书屋"]),
        ("mm-jc-sp1", "昙华林社区书吧", "service_point", "mm-jc-b1", "昙华林街粮道街社区党群服务中心", ["社区书吧", "粮道街书吧"]),
        ("mm-bus", "沔州市图书馆流动图书车", "service_point", "mm-central", "沔州市图书馆车库（流动服务）", ["流动图书车", "图书大篷车"]),
    ],
    # rooms per library: (room, floor-qualified, venue-directory id or None, typo)
    "rooms": {
        "mm-central": [("报告厅", "二楼报告厅", "mm-c-hall", "报吿厅"), ("多功能厅", "三楼多功能厅", "mm-c-multi", "多功能听"),
                       ("展厅", "一楼展厅", "mm-c-exh", "展亍"), ("大厅", "一楼大厅", "mm-c-lobby", "大亍"),
                       ("研习室", "四楼研习室", "mm-c-study", "研习式"), ("视障阅览室", "一楼视障阅览室", "mm-c-blind", "视障阅览区")],
        "mm-kids": [("故事屋", "二楼故事屋", "mm-k-story", "故事室"), ("绘本馆", "一楼绘本馆", "mm-k-picture", "绘本管"),
                    ("科普活动室", "三楼科普活动室", "mm-k-sci", "科普活动区")],
        "mm-univ": [("学术报告厅", "逸夫馆一楼学术报告厅", "mm-u-hall", "学术报吿厅"), ("研讨间", "总馆三楼研讨间", None, "研讨室"),
                    ("阅读推广空间", "总馆二楼阅读推广空间", None, "阅读推广中心")],
        "mm-steel": [("职工书屋", "文化宫二楼职工书屋", None, "职工书室"), ("小剧场", "文化宫一楼小剧场", None, "小剧院")],
        "mm-jc": [("多功能厅", "三楼多功能厅", None, "多功能听"), ("少儿阅览室", "二楼少儿阅览室", None, "少儿阅览区")],
        "mm-hx": [("报告厅", "五楼报告厅", None, "报吿厅"), ("亲子阅读区", "一楼亲子阅读区", None, "亲子阅览区")],
        "mm-qs": [("多功能厅", "二楼多功能厅", None, "多功能听"), ("展览厅", "一楼展览厅", None, "展览亍")],
        "mm-cd": [("报告厅", "三楼报告厅", None, "报吿厅"), ("少儿部", "一楼少儿部", None, "少儿阅览部")],
        "mm-jc-b1": [("阅览区", "一楼阅览区", None, "阅览取")],
        "mm-jc-b2": [("阅读空间", "一层阅读空间", None, "阅读空问")],
        "mm-hx-b1": [("活动室", "二楼活动室", None, "活动式")],
        "mm-hx-b2": [("书房", "二楼书房", None, "书坊")],
        "mm-qs-b1": [("活动室", "一楼活动室", None, "活动式")],
        "mm-cd-b1": [("文化站会议室", "二楼会议室", None, "文化站会议式")],
        "mm-cd-sp1": [("书屋", "村委会二楼书屋", None, "书室")],
        "mm-jc-sp1": [("书吧", "党群服务中心一楼书吧", None, "书巴")],
        "mm-bus": [("停靠点", "流动图书车停靠点", None, "停靠站")],
    },
    "brands": [
        ("mm-jiangtan", "沔图讲坛", "mm-central", 2009, "lecture", "沔图讲坛"),
        ("mm-huiben", "周末绘本剧场", "mm-kids", 2015, "children", "绘本剧场"),
        ("mm-shuxiang", "书香沔钢", "mm-steel", 2012, "outreach", "书香沔钢"),
        ("mm-tanhua", "昙华林读书会", "mm-jc-b1", 2018, "reading_club", "昙华林读书会"),
        ("mm-qintai", "琴台雅集", "mm-hx-b1", 2017, "salon", "琴台雅集"),
        ("mm-mingshi", "名师读经典", "mm-univ", 2016, "lecture", "名师读经典"),
    ],
    "partners": ["沔州市社科联", "沔州市科协", "沔州大学文学院", "江城区实验小学", "沔州日报社", "青山区总工会",
                 "沔州市盲人协会", "团市委", "沔州市作家协会", "驻沔某部"],
    "venue_directory": True,
}

NN = {
    "key": "nn", "dir": "city_nn", "seed": 18_0002, "n_activities": 1000,
    "alliance": ("karasu", "喀拉苏地区公共图书馆联盟", "Karasu Prefecture Public Library Alliance"),
    "city": "喀拉苏地区",
    "members": [
        ("nn-central", "喀拉苏地区图书馆", "central", None, "喀拉苏市团结路1号", ["地区馆", "地区图书馆", "地图"]),
        ("nn-ks", "喀拉苏市图书馆", "county", "nn-central", "喀拉苏市解放北路77号", ["市馆", "市图书馆", "喀市馆"]),
        ("nn-akt", "阿克塔斯县图书馆", "county", "nn-central", "阿克塔斯县城友好路12号（距地区所在地186公里）", ["阿县馆", "县馆", "阿克塔什县馆"]),
        ("nn-syb", "萨依巴格县图书馆", "county", "nn-central", "萨依巴格县城幸福路8号（距地区所在地342公里）", ["萨县馆", "县图书馆", "萨伊巴格县馆"]),
        ("nn-tkb", "托克布拉克县图书馆", "county", "nn-central", "托克布拉克县城天山路5号（距地区所在地415公里）", ["托县馆", "县馆", "托克布拉克县馆"]),
        ("nn-ks-b1", "喀拉苏市图书馆英巴扎街道分馆", "branch", "nn-ks", "喀拉苏市英巴扎街道文化中心", ["英巴扎分馆", "英巴扎街道分馆"]),
        ("nn-akt-z1", "阿克塔斯县克孜勒布拉克乡文化站", "branch", "nn-akt", "克孜勒布拉克乡政府院内（距县城64公里）", ["克孜勒布拉克文化站", "克孜尔布拉克乡文化站", "乡文化站"]),
        ("nn-akt-z2", "阿克塔斯县阔克苏镇文化站", "branch", "nn-akt", "阔克苏镇团结街（距县城38公里）", ["阔克苏文化站", "阔克苏镇站"]),
        ("nn-syb-z1", "萨依巴格县喀拉玉尔滚乡文化站", "branch", "nn-syb", "喀拉玉尔滚乡（距县城97公里）", ["喀拉玉尔滚文化站", "喀拉玉尔衮乡文化站"]),
        ("nn-tkb-z1", "托克布拉克县恰普其海镇文化站", "branch", "nn-tkb", "恰普其海镇人民路（距县城52公里）", ["恰普其海文化站", "恰甫其海镇文化站"]),
        ("nn-akt-sp1", "克孜勒布拉克乡阿勒泰村牧家书屋", "service_point", "nn-akt-z1", "阿勒泰村夏牧场定居点（距乡政府23公里）", ["阿勒泰村书屋", "牧家书屋"]),
        ("nn-syb-sp1", "喀拉玉尔滚乡托万村农家书屋", "service_point", "nn-syb-z1", "托万村村委会", ["托万村书屋", "农家书屋"]),
        ("nn-tkb-sp1", "恰普其海镇驻村工作队书屋", "service_point", "nn-tkb-z1", "恰普其海镇铁木里克村工作队驻地", ["工作队书屋", "铁木里克村书屋"]),
        ("nn-bus", "喀拉苏地区图书馆流动图书车", "service_point", "nn-central", "地区图书馆（流动服务，覆盖四县市）", ["流动图书车", "流动书车"]),
    ],
    "rooms": {
        "nn-central": [("报告厅", "三楼报告厅", None, "报吿厅"), ("多功能厅", "二楼多功能厅", None, "多功能听"),
                       ("少儿阅览室", "一楼少儿阅览室", None, "少儿阅览区"), ("展厅", "一楼展厅", None, "展亍"),
                       ("民文阅览室", "二楼民文阅览室", None, "民文阅览区"), ("电子阅览室", "四楼电子阅览室", None, "电子阅览区")],
        "nn-ks": [("多功能厅", "二楼多功能厅", None, "多功能听"), ("少儿阅览室", "一楼少儿阅览室", None, "少儿阅览区")],
        "nn-akt": [("报告厅", "二楼报告厅", None, "报吿厅"), ("阅览室", "一楼阅览室", None, "阅览式")],
        "nn-syb": [("活动室", "二楼活动室", None, "活动式"), ("阅览室", "一楼阅览室", None, "阅览式")],
        "nn-tkb": [("多功能厅", "三楼多功能厅", None, "多功能听"), ("少儿室", "一楼少儿室", None, "少儿阅览室")],
        "nn-ks-b1": [("活动室", "文化中心二楼活动室", None, "活动式")],
        "nn-akt-z1": [("文化站阅览室", "乡政府院内文化站阅览室", None, "文化站阅览式")],
        "nn-akt-z2": [("文化站活动室", "镇文化站活动室", None, "文化站活动式")],
        "nn-syb-z1": [("文化站", "乡文化站大院", None, "文化占")],
        "nn-tkb-z1": [("文化站多功能室", "镇文化站二楼多功能室", None, "文化站多功能式")],
        "nn-akt-sp1": [("书屋", "定居点牧家书屋", None, "书室")],
        "nn-syb-sp1": [("书屋", "村委会书屋", None, "书室")],
        "nn-tkb-sp1": [("书屋", "工作队驻地书屋", None, "书室")],
        "nn-bus": [("停靠点", "流动图书车停靠点", None, "停靠站")],
    },
    "brands": [
        ("nn-tianshan", "天山书香讲堂", "nn-central", 2014, "lecture", "天山书香讲堂"),
        ("nn-muchang", "牧场书香", "nn-akt", 2019, "outreach", "牧场书香"),
        ("nn-tonggu", "石榴籽读书会", "nn-ks", 2018, "reading_club", "石榴籽读书会"),
        ("nn-tongyan", "童言童语故事会", "nn-central", 2016, "children", "童言童语"),
        ("nn-minwen", "民汉双语阅读课堂", "nn-syb", 2020, "training", "双语阅读课堂"),
    ],
    "partners": ["喀拉苏地区社科联", "喀拉苏地区科协", "喀拉苏职业技术学院", "地区第二中学", "驻地某部", "阿克塔斯县妇联",
                 "托克布拉克县团委", "喀拉苏地区残联", "乡村振兴驻村工作队", "地区融媒体中心"],
    "venue_directory": False,
}

# Uyghur / Kazakh-script words editors in the prefecture put in front of titles (own)
ETHNIC = ["كىتاب ئوقۇش", "كىتاب ھەپتىلىكى", "بالىلار ھېكايىسى", "لېكسىيە", "كітап оқу"]

TOPICS = {
    "lecture": ["宋词里的江湖", "中医药与日常养生", "长江文明漫谈", "人工智能与未来生活", "红楼梦人物谈", "家庭教育的智慧",
                "丝绸之路上的古城", "民法典与百姓生活", "诗经里的草木", "城市考古新发现", "心理健康与情绪管理", "天文观测入门"],
    "reading_club": ["《平凡的世界》共读", "《额尔古纳河右岸》共读", "《人类简史》读书分享", "《乡土中国》精读", "《活着》读书分享",
                     "《百年孤独》共读", "《我与地坛》朗读会", "《呼兰河传》共读"],
    "salon": ["古琴与诗词雅集", "非遗剪纸沙龙", "茶文化沙龙", "摄影作品分享会", "青年写作沙龙", "书法交流沙龙"],
    "exhibition": ["馆藏地方文献展", "抗战老照片展", "少儿绘画作品展", "非遗技艺图片展", "古籍修复成果展", "丝路文物图片展"],
    "children": ["绘本故事会", "小小图书管理员体验", "亲子手工课", "科普实验小课堂", "儿童戏剧工作坊", "睡前故事会"],
    "parent_child": ["亲子共读时光", "亲子阅读指导讲座", "亲子绘本剧表演", "亲子诗词大会"],
    "contest": ["青少年诵读大赛", "书法大赛", "征文比赛", "知识竞赛", "讲故事比赛", "读书达人挑战赛"],
    "training": ["智能手机使用培训", "基层图书管理员业务培训", "数字资源使用培训", "农家书屋管理员培训", "电商技能培训"],
    "outreach": ["图书进军营", "送书进企业", "阅读进社区", "图书进校园", "送书下乡", "图书进机关"],
    "screening": ["周末电影放映", "经典影片赏析", "无障碍电影放映", "纪录片放映"],
    "digital": ["数字阅读推广体验", "电子书借阅指导", "VR阅读体验", "线上资源使用讲解"],
    "accessibility": ["视障读者读书会", "无障碍电影专场", "残障人士读书文化日", "手语绘本故事会"],
    "festival": ["全民阅读节开幕式", "读书月启动仪式", "书香家庭表彰会"],
}
CAT_WEIGHTS = [("lecture", 16), ("reading_club", 10), ("salon", 6), ("exhibition", 6), ("children", 16), ("parent_child", 7),
               ("contest", 5), ("training", 7), ("outreach", 8), ("screening", 5), ("digital", 4), ("accessibility", 4),
               ("festival", 2)]
SPEAKERS = ["王立新", "李海燕", "张明远", "陈晓红", "刘建国", "赵玉兰", "阿依古丽", "买买提·艾力", "努尔兰", "杨帆", "周晓东",
            "古丽娜尔", "吴敏", "孙立", "马建军", "叶尔兰"]
CAMPAIGNS = [("reading-month", "4·23世界读书日暨读书月", date(2026, 4, 1), date(2026, 4, 30)),
             ("summer-reading", "少儿暑期阅读季", date(2026, 7, 1), date(2026, 8, 31)),
             ("service-week", "图书馆服务宣传周", date(2026, 5, 20), date(2026, 5, 30)),
             ("reading-festival", "全民阅读节", date(2026, 10, 10), date(2026, 11, 10))]
# members whose county culture-cloud platform exports in 新疆时间 (+06:00) (own)
XJ_TIME_PUBLISHERS = {"nn-tkb", "nn-tkb-z1", "nn-tkb-sp1", "nn-syb-z1", "nn-syb-sp1"}
EMOJI = ["📚", "🎉", "🔥", "✨", "📖", "👉", "🌟"]


def iso(dt: datetime) -> str:
    return dt.isoformat()


class City:
    def __init__(self, cfg: dict):
        self.cfg = cfg
        self.k = cfg["key"]
        self.rng = random.Random(cfg["seed"])
        self.members = {m[0]: m for m in cfg["members"]}
        self.rooms = cfg["rooms"]
        self.brands = {b[2]: b for b in cfg["brands"]}
        self.activities: list[dict] = []
        self.used_slots: set = set()  # (lib, room, start) - no two activities share them
        self.family_count = Counter()
        self.var_count = Counter()
        self.ref_counter = Counter()

    # ---------------------------------------------------------------- alliance.toml
    def write_toml(self, path: Path) -> None:
        aid, name, name_en = self.cfg["alliance"]
        out = ["# Invented alliance for holdout set 18 (" + self.cfg["city"] + ").",
               "[alliance]", f'id = "{aid}"', f'name = "{name}"', f'name_en = "{name_en}"', 'timezone = "Asia/Shanghai"', ""]
        for mid, mname, tier, parent, addr, _ in self.cfg["members"]:
            out += ["[[members]]", f'id = "{mid}"', f'name = "{mname}"', f'tier = "{tier}"']
            if parent:
                out.append(f'parent = "{parent}"')
            out += [f'address = "{addr}"', ""]
        if self.cfg["venue_directory"]:
            for lib, rooms in self.rooms.items():
                for room, floor, vid, _typo in rooms:
                    if vid:
                        lname = self.members[lib][1]
                        out += ["[[venues]]", f'id = "{vid}"', f'library_id = "{lib}"', f'name = "{room}"',
                                f'aliases = ["{floor}", "{lname}{floor}"]', f'address = "{self.members[lib][4]}"', ""]
        for bid, bname, lib, since, cat, kw in self.cfg["brands"]:
            out += ["[[brands]]", f'id = "{bid}"', f'name = "{bname}"', f'library_id = "{lib}"', f"since = {since}",
                    f'category = "{cat}"', f'keywords = ["{kw}"]', ""]
        for cid, cname, s, e in CAMPAIGNS:
            out += ["[[campaigns]]", f'id = "{cid}"', f'name = "{cname}"', f"starts_on = {s.isoformat()}",
                    f"ends_on = {e.isoformat()}", ""]
        out += ["[[coordinators]]", 'id = "office"', 'name = "联盟办"', f'email = "office@{aid}.example.org"', ""]
        second = [m for m in self.cfg["members"] if m[2] in ("district", "county")][0]
        out += ["[[coordinators]]", f'id = "{second[0]}-head"', f'name = "{second[1]}（分馆协调）"',
                f'email = "{second[0]}@{aid}.example.org"', f'scope = "{second[0]}"', ""]
        path.write_text("\n".join(out), encoding="utf-8")

    # ---------------------------------------------------------------- activities
    def pick_cat(self) -> str:
        return self.rng.choices([c for c, _ in CAT_WEIGHTS], [w for _, w in CAT_WEIGHTS])[0]

    def rand_day(self) -> date:
        return date(2026, 3, 1) + timedelta(days=self.rng.randrange(290))

    def rand_hour(self, cat: str) -> tuple[int, int]:
        h = self.rng.choice([9, 9, 10, 10, 10, 14, 14, 15, 15, 16, 19])
        if self.k == "nn":
            h = min(h + 1, 20)  # the prefecture's working day runs later by the clock (own)
        m = self.rng.choice([0, 0, 0, 30, 30, 0, 15])
        return h, m

    def free_slot(self, lib: str, room: str, start: datetime) -> datetime:
        while (lib, room, start) in self.used_slots:
            start += timedelta(days=7)
        self.used_slots.add((lib, room, start))
        return start

    def new_activity(self, lib=None, cat=None, start=None, room=None, title=None, family="plain", disc=None, **kw) -> dict:
        rng = self.rng
        lib = lib or rng.choices(list(self.members), [6 if self.members[m][2] in ("central",) else
                                                       3 if self.members[m][2] in ("district", "county") else 2
                                                       for m in self.members])[0]
        cat = cat or self.pick_cat()
        brand = self.brands.get(lib) if rng.random() < 0.45 else None
        if brand and kw.get("no_brand"):
            brand = None
        rooms = self.rooms[lib]
        room = room or rng.choice(rooms)
        if start is None:
            d = self.rand_day()
            h, m = self.rand_hour(cat)
            start = datetime(d.year, d.month, d.day, h, m, tzinfo=CST)
        start = self.free_slot(lib, room[0], start)
        topic = title or rng.choice(TOPICS[cat])
        if cat == "lecture" and rng.random() < 0.5 and not title:
            topic = f"{topic}——{rng.choice(SPEAKERS)}主讲"
        full = f"{brand[1]}：{topic}" if brand else topic
        dur = {"exhibition": 0, "festival": 150, "contest": 180, "training": 120}.get(cat, rng.choice([60, 90, 90, 120]))
        allday = cat == "exhibition"
        if allday:
            start = start.replace(hour=0, minute=0)
            days = rng.choice([1, 3, 7, 14])
            end = start + timedelta(days=days)
        else:
            end = start + timedelta(minutes=dur)
        campaign = None
        for cid, _n, s, e in CAMPAIGNS:
            if s <= start.date() <= e and rng.random() < 0.7:
                campaign = cid
        others = [m for m in self.members if m != lib]
        n_co = rng.choices([0, 1, 2, 3], [45, 30, 17, 8])[0]
        cohosts = rng.sample(others, n_co)
        # co-hosts that are a parent or child of the host are likelier (own realism)
        act = {
            "label": None, "lib": lib, "cat": cat, "brand": brand, "topic": topic, "title": full, "disc": disc,
            "start": start, "end": end, "allday": allday, "room": room, "campaign": campaign, "cohosts": cohosts,
            "partners": rng.sample(self.cfg["partners"], rng.choice([0, 0, 1, 2])), "family": family,
            "capacity": rng.choice([None, 30, 40, 50, 80, 100, 200]),
            "cancelled": False, "postponed": None, "size": None,
        }
        act.update({k: v for k, v in kw.items() if k != "no_brand"})
        self.activities.append(act)
        self.family_count[family] += 1
        return act

    def build(self) -> None:
        rng = self.rng
        target = self.cfg["n_activities"]
        while len(self.activities) < target:
            r = rng.random()
            if r < 0.50:
                self.new_activity()
            elif r < 0.58:  # weekly series, sessions announced one by one
                lib = rng.choice(list(self.brands))
                b = self.brands[lib]
                room = rng.choice(self.rooms[lib])
                d = self.rand_day()
                h, m = self.rand_hour(b[4])
                t0 = datetime(d.year, d.month, d.day, h, m, tzinfo=CST)
                n = rng.randint(3, 6)
                ep = rng.randint(5, 80)
                for i in range(n):
                    topic = rng.choice(TOPICS[b[4]]) if rng.random() < 0.5 else f"第{ep + i}期"
                    a = self.new_activity(lib=lib, cat=b[4], start=t0 + timedelta(days=7 * i), room=room, title=topic,
                                          family="lookalike_weekly_series", disc="date")
                    a["brand"] = b
                    a["title"] = f"{b[1]}：{topic}"
            elif r < 0.64:  # one programme at several branches the same hour
                cat = rng.choice(["children", "outreach", "festival", "reading_club"])
                topic = rng.choice(TOPICS[cat])
                d = self.rand_day()
                t0 = datetime(d.year, d.month, d.day, 10 if self.k == "mm" else 11, 0, tzinfo=CST)
                libs = rng.sample([m for m in self.members if m != "mm-bus" and m != "nn-bus"], rng.randint(2, 4))
                for lib in libs:
                    self.new_activity(lib=lib, cat=cat, start=t0, title=topic, family="lookalike_multi_branch_same_hour",
                                      disc="library", no_brand=True)
            elif r < 0.69:  # parallel sessions in one building at the same start
                lib = rng.choice([m for m in self.rooms if len(self.rooms[m]) >= 2])
                rooms = rng.sample(self.rooms[lib], 2)
                d = self.rand_day()
                t0 = datetime(d.year, d.month, d.day, 10, 0, tzinfo=CST)
                if rng.random() < 0.6:
                    pcat, groups = "children", rng.choice([("（3-5岁）", "（6-8岁）"), ("A组", "B组")])
                else:
                    pcat, groups = "training", rng.choice([("（一班）", "（二班）"), ("（初级班）", "（进阶班）")])
                topic = rng.choice(TOPICS[pcat])
                for room, g in zip(rooms, groups):
                    self.new_activity(lib=lib, cat=pcat, start=t0, room=room, title=topic + g,
                                      family="lookalike_parallel_rooms", disc="room", no_brand=True)
            elif r < 0.74:  # 第一场 / 第二场 an hour apart
                lib = rng.choice(list(self.members))
                room = rng.choice(self.rooms[lib])
                d = self.rand_day()
                t0 = datetime(d.year, d.month, d.day, 9, 30, tzinfo=CST)
                topic = rng.choice(TOPICS["children"] + TOPICS["screening"])
                for i, tag in enumerate(["（第一场）", "（第二场）"]):
                    self.new_activity(lib=lib, cat="children", start=t0 + timedelta(hours=i * 1.5 if self.rng.random() < .5 else i),
                                      room=room, title=topic + tag, family="lookalike_first_second_session",
                                      disc="session", no_brand=True)
            elif r < 0.79:  # another event in the same hall later that day
                lib = rng.choice(list(self.members))
                room = rng.choice(self.rooms[lib])
                d = self.rand_day()
                t0 = datetime(d.year, d.month, d.day, 9, 30, tzinfo=CST)
                cats = rng.sample(["lecture", "salon", "training", "reading_club", "screening"], 2)
                for i, c in enumerate(cats):
                    self.new_activity(lib=lib, cat=c, start=t0 + timedelta(hours=5 * i), room=room,
                                      family="lookalike_same_hall_later", disc="title", no_brand=True)
            elif r < 0.84:  # (own) 加场: the first session filled up, an extra one is added
                lib = rng.choice(["mm-kids", "mm-central", "mm-jc"] if self.k == "mm" else ["nn-central", "nn-ks", "nn-akt"])
                room = rng.choice(self.rooms[lib])
                d = self.rand_day()
                t0 = datetime(d.year, d.month, d.day, 10, 0, tzinfo=CST)
                topic = rng.choice(TOPICS["children"] + TOPICS["parent_child"])
                self.new_activity(lib=lib, cat="children", start=t0, room=room, title=topic,
                                  family="lookalike_extra_session_own", disc="extra0", no_brand=True, full_tag=True)
                off = rng.choice([timedelta(hours=4), timedelta(days=1), timedelta(days=7)])
                self.new_activity(lib=lib, cat="children", start=t0 + off, room=room, title=topic + "（加场）",
                                  family="lookalike_extra_session_own", disc="extra", no_brand=True)
            elif r < 0.88:  # (own) contest stages on different dates
                lib = rng.choice(list(self.members)[:6])
                topic = f"2026年{rng.choice(['“书香' + self.cfg['city'][:2] + '”', '“我与祖国”', '“石榴花开”', '“红领巾爱读书”'])}{rng.choice(TOPICS['contest'])}"
                d = self.rand_day()
                room = rng.choice(self.rooms[lib])
                for i, stage in enumerate(["初赛", "复赛", "决赛"][: rng.randint(2, 3)]):
                    self.new_activity(lib=lib, cat="contest", start=datetime(d.year, d.month, d.day, 9, 0, tzinfo=CST)
                                      + timedelta(days=14 * i), room=room, title=f"{topic}{stage}",
                                      family="lookalike_contest_stages_own", disc="stage", no_brand=True)
            elif r < 0.92:  # (own) book bus route: same title, several stops the same day
                bus = f"{self.k}-bus"
                d = self.rand_day()
                stops = (["九真村文化广场", "沔钢二号门", "红钢城八街坊", "沔州大学东门", "知音湖社区"] if self.k == "mm"
                         else ["阿勒泰村夏牧场", "托万村村委会", "铁木里克村广场", "英巴扎街道", "阔克苏镇巴扎"])
                for i, stop in enumerate(rng.sample(stops, rng.randint(2, 3))):
                    self.new_activity(lib=bus, cat="outreach", start=datetime(d.year, d.month, d.day, 10, 0, tzinfo=CST)
                                      + timedelta(hours=3 * i), room=(stop, stop, None, stop[:-1] + "点"),
                                      title="流动图书车进村服务" if self.k == "nn" else "流动图书车巡回借阅",
                                      family="lookalike_bookbus_stops_own", disc="stop", no_brand=True, stop=True)
            elif r < 0.96 and self.k == "nn":  # (own) 汉语场 / 民语场 of one lecture, back to back
                lib = rng.choice(["nn-central", "nn-ks", "nn-syb", "nn-tkb"])
                room = rng.choice(self.rooms[lib])
                d = self.rand_day()
                topic = rng.choice(TOPICS["lecture"][:8] + TOPICS["training"])
                for i, tag in enumerate(["（国家通用语言场）", "（维吾尔语场）"]):
                    self.new_activity(lib=lib, cat="lecture", start=datetime(d.year, d.month, d.day, 11, 0, tzinfo=CST)
                                      + timedelta(minutes=90 * i), room=room, title=topic + tag,
                                      family="lookalike_language_sessions_own", disc="lang", no_brand=True)
            elif r < 0.96:  # (own, mm) one speaker's tour: university library then public library the same day
                topic = rng.choice(TOPICS["lecture"]) + "——" + rng.choice(SPEAKERS) + "主讲"
                d = self.rand_day()
                for i, lib in enumerate(rng.sample(["mm-univ", "mm-central", "mm-kids", "mm-steel", "mm-hx"], 2)):
                    self.new_activity(lib=lib, cat="lecture", start=datetime(d.year, d.month, d.day, 9, 30, tzinfo=CST)
                                      + timedelta(hours=5 * i), title=topic, family="lookalike_speaker_tour_own",
                                      disc="library", no_brand=True)
            else:  # (own) 开幕 vs 闭幕 of one reading festival / month, same hall, same title stem
                lib = rng.choice(list(self.members)[:5])
                room = rng.choice(self.rooms[lib])
                stem = f"2026年{self.cfg['city'][:2]}{rng.choice(['全民阅读节', '读书月', '少儿暑期阅读季'])}"
                d = self.rand_day()
                for i, tag in enumerate(["启动仪式", "闭幕式暨总结表彰"]):
                    self.new_activity(lib=lib, cat="festival", start=datetime(d.year, d.month, d.day, 10, 0, tzinfo=CST)
                                      + timedelta(days=30 * i), room=room, title=stem + tag,
                                      family="lookalike_opening_closing_own", disc="stage", no_brand=True)
        self.activities = self.activities[:target]
        # labels and group sizes
        sizes_w = {2: 50, 3: 24, 4: 11, 5: 6, 6: 4, 7: 2, 8: 2, 9: 1}
        for i, a in enumerate(self.activities):
            a["label"] = f"{self.k}-{i + 1:04d}"
            a["size"] = 1 if rng.random() < 0.45 else rng.choices(list(sizes_w), list(sizes_w.values()))[0]
            a["cancelled"] = a["size"] >= 2 and rng.random() < 0.06
            if a["size"] >= 3 and not a["cancelled"] and not a["allday"] and rng.random() < 0.08:
                a["postponed"] = a["start"] + timedelta(days=rng.choice([7, 14, 21]))
                if (a["lib"], a["room"][0], a["postponed"]) in self.used_slots:
                    a["postponed"] = None
                else:
                    self.used_slots.add((a["lib"], a["room"][0], a["postponed"]))

    # ---------------------------------------------------------------- variations
    def lib_short(self, lib: str) -> str:
        return self.rng.choice(self.members[lib][5])

    def venue_for(self, a: dict, publisher: str, want: str | None = None) -> tuple[dict, str]:
        rng = self.rng
        lib = a["lib"]
        lname = self.members[lib][1]
        room, floor, vid, typo = a["room"]
        if a.get("stop"):
            choice = want or rng.choice(["plain", "plain", "with_lib", "vague_stop"])
            if choice == "vague_stop":
                return {"name": room + "附近（具体停靠位置以现场为准）"}, "venue_vague"
            if choice == "with_lib":
                return {"name": f"{room}（{self.lib_short(lib)}）"}, "venue_abbrev"
            return {"name": room}, "venue_full"
        opts = ["full", "full", "floor_only", "room_only", "abbrev", "address", "vague", "typo", "spaces"]
        if vid and publisher == lib and self.cfg["venue_directory"]:
            opts += ["venue_id", "venue_id", "venue_id"]
        if self.k == "nn":
            opts += ["translit", "distance"]
        choice = want or rng.choice(opts)
        if choice == "vague" and a["disc"] in ("library", "room"):
            choice = "full"  # look-alikes told apart by place keep a place a reader can tell apart
        if a["disc"] == "library" and publisher != lib and choice in ("room_only", "floor_only", "typo", "vague"):
            choice = "abbrev"  # another library's room named without the library would be ambiguous
        addr = self.members[lib][4]
        if choice == "full":
            return {"name": f"{lname}{floor}"}, "venue_full"
        if choice == "floor_only":
            return {"name": floor}, "venue_room_with_floor"
        if choice == "room_only":
            return {"name": room}, "venue_room_only"
        if choice == "abbrev":
            return {"name": f"{self.lib_short(lib)}{rng.choice([floor, room])}"}, "venue_abbrev"
        if choice == "address":
            return {"name": addr, "address": addr}, "venue_address"
        if choice == "vague":
            vague = [lname, self.lib_short(lib), f"{lname}（详见海报）", "线下"] + (["本馆"] if publisher == lib else [])
            return {"name": rng.choice(vague)}, "venue_vague"
        if choice == "typo":
            return {"name": rng.choice([typo, f"{self.lib_short(lib)}{typo}"])}, "venue_typo"
        if choice == "spaces":  # (own) half-width brackets / spaces from a spreadsheet cell
            return {"name": f"{lname} ({floor})", "address": addr}, "venue_spreadsheet_brackets_own"
        if choice == "venue_id":
            return {"name": rng.choice([room, floor, f"{lname}{floor}"]), "venue_id": vid}, "venue_id"
        if choice == "translit":  # (own) another transliteration of the place name
            alt = [s for s in self.members[lib][5] if any(x in s for x in ("阿克塔什", "萨伊", "克孜尔", "衮", "恰甫"))]
            if alt:
                return {"name": f"{alt[0]}{room}"}, "venue_transliteration_own"
            return {"name": f"{lname}{floor}"}, "venue_full"
        if choice == "distance":  # (own) directions instead of a room: long distances
            return {"name": f"{self.lib_short(lib)}（{addr}）", "address": addr}, "venue_directions_own"
        raise AssertionError(choice)

    def title_for(self, a: dict, style: str | None = None) -> tuple[str, str]:
        rng = self.rng
        t = a["title"]
        core = a["topic"] if a["brand"] else t
        styles = ["plain", "plain", "plain", "prefix", "suffix", "emoji", "append", "drop_brand", "wechat", "oa",
                  "punct", "truncate"]
        if self.k == "nn":
            styles += ["ethnic"]
        style = style or rng.choice(styles)
        protected = a["disc"] in ("session", "lang", "stage", "extra", "room")
        if style == "plain":
            return t, "title_plain"
        if style == "prefix":
            return rng.choice(["【联盟活动】", "【活动预告】", "[预告]", "【本周活动】"]) + t, "title_prefix"
        if style == "suffix":
            s = rng.choice(["，欢迎参加", "（报名中）", "（已满员）", " 欢迎参加！", "（免费）", "（限额报名）"])
            return t + s, "title_suffix"
        if style == "emoji":
            e = rng.choice(EMOJI)
            return f"{e}{t}{rng.choice(['', e, '！'])}", "title_emoji"
        if style == "append":
            return t + rng.choice(["活动", "读书分享活动", "主题活动", "系列活动"]), "title_append"
        if style == "drop_brand":
            if core.startswith("第"):  # "第51期" alone would name nothing
                return t, "title_plain"
            return core, "title_brand_dropped"
        if style == "wechat":  # (own) WeChat headline: hook first, then a pipe
            hook = rng.choice(["周末去哪儿", "本周活动速递", "活动预告", "好消息", "速来报名"])
            return f"{hook}｜{core}" if rng.random() < 0.6 else f"{core} | {self.lib_short(a['lib'])}活动", "title_wechat_headline_own"
        if style == "oa":  # (own) OA notice wording
            return f"关于举办“{core}”的通知", "title_oa_notice_own"
        if style == "punct":  # (own) half-width punctuation, 书名号 swapped, stray spaces
            x = t.replace("：", ": ").replace("《", "<<").replace("》", ">>").replace("（", "(").replace("）", ")")
            return x.replace("——", "--"), "title_halfwidth_own"
        if style == "truncate":  # (own) a list view / CSV export cuts the title
            if protected or len(t) < 11:
                return t, "title_plain"
            return t[: max(9, len(t) - 4)] + "…", "title_truncated_own"
        if style == "ethnic":  # (own) a Uyghur/Kazakh-script word before the Chinese title
            return f"{rng.choice(ETHNIC)} {t}", "title_ethnic_script_own"
        raise AssertionError(style)

    def times_for(self, a: dict, start: datetime, publisher: str = "", style: str | None = None) -> tuple[dict, str]:
        rng = self.rng
        end = a["end"] + (start - a["start"])
        if a["allday"]:
            s = rng.choice(["allday", "allday", "opening", "first_day"])
            if s == "allday":
                return {"starts_at": start, "ends_at": end, "all_day": True}, "time_exact"
            if s == "opening":  # (own) exhibition announced by its opening hour only
                st = start.replace(hour=10)
                return {"starts_at": st, "ends_at": st + timedelta(hours=1)}, "time_exhibition_opening_own"
            return {"starts_at": start, "ends_at": start + timedelta(days=1), "all_day": True}, "time_first_day_only_own"
        opts = ["exact", "exact", "exact", "signin", "rounded", "off", "no_end", "other_end", "date_only", "spreadsheet_midnight"]
        if publisher in XJ_TIME_PUBLISHERS and rng.random() < 0.6:
            opts = ["xj_offset"]
        if a["disc"] in ("session", "lang", "stop", "extra", "extra0"):
            opts = [o for o in opts if o not in ("off", "rounded", "spreadsheet_midnight")]
        s = style or rng.choice(opts)
        if s == "exact":
            return {"starts_at": start, "ends_at": end}, "time_exact"
        if s == "signin":
            st = start - timedelta(minutes=rng.choice([15, 20, 30]))
            return {"starts_at": st, "ends_at": end}, "time_signin_early"
        if s == "rounded":
            st = start.replace(minute=0) if start.minute else start - timedelta(hours=1) if rng.random() < .3 else start
            return {"starts_at": st, "ends_at": end}, "time_rounded"
        if s == "off":
            st = start + timedelta(minutes=rng.choice([-60, -45, 30, 45, 60]))
            return {"starts_at": st, "ends_at": max(end, st)}, "time_off_up_to_hour"
        if s == "no_end":
            return {"starts_at": start, "ends_at": start}, "time_no_end"
        if s == "other_end":
            return {"starts_at": start, "ends_at": end + timedelta(minutes=rng.choice([-30, 30, 60, 120]))}, "time_other_end"
        if s == "date_only":
            d0 = start.replace(hour=0, minute=0)
            return {"starts_at": d0, "ends_at": d0 + timedelta(days=1), "all_day": True}, "time_date_only"
        if s == "spreadsheet_midnight":  # (own) an Excel date cell without the time: 00:00, not all-day
            d0 = start.replace(hour=0, minute=0)
            return {"starts_at": d0, "ends_at": d0}, "time_spreadsheet_midnight_own"
        if s == "xj_offset":  # (own) partner system writes 新疆时间 with +06:00: same instant
            return {"starts_at": start.astimezone(XJT), "ends_at": end.astimezone(XJT)}, "time_xinjiang_offset_own"
        raise AssertionError(s)

    def source_ref(self, lib: str, start: datetime) -> str:
        self.ref_counter[lib] += 1
        n = self.ref_counter[lib]
        kind = sum(map(ord, lib)) % 4
        if kind == 0:
            return f"wx-{start:%Y%m%d}-{n:03d}"
        if kind == 1:
            return f"{lib.split('-')[-1].upper()}〔2026〕{n}号"
        if kind == 2:
            return f"row-{n + 1}"
        return f"{lib}:{n:05d}"

    def announce(self) -> list[dict]:
        rng = self.rng
        lines: list[dict] = []
        for a in self.activities:
            k = a["size"]
            host = a["lib"]
            cos = a["cohosts"]
            plans: list[tuple] = []  # (kind, publisher)
            connecting_last = bool(cos) and k >= 2 and rng.random() < 0.55
            base_kinds = []
            if a["postponed"]:
                base_kinds = [("host", host), ("postpone_cancel", host), ("postpone_new", host)]
            elif a["cancelled"]:
                base_kinds = [("host", host), ("cancel", host)]
            else:
                base_kinds = [("host", host)]
            plans = list(base_kinds)
            pool = [("cohost", c) for c in cos]
            while len(plans) < k:
                r = rng.random()
                if pool and r < 0.6:
                    plans.append(pool.pop(0))
                elif r < 0.68 and not any(p[0] == "host_again" for p in plans):
                    plans.append(("host_again", host))
                elif r < 0.82 and sum(p[0] == "revision" for p in plans) < 3:
                    plans.append(("revision", host))
                elif r < 0.90 and self.members[host][3]:
                    plans.append(("parent_repost", self.members[host][3]))  # (own) the head library reposts
                else:  # (own) another member forwards it on its WeChat account
                    fwd = rng.choice([m for m in self.members if m != host and m not in cos])
                    plans.append(("forward", fwd))
            plans = plans[:k] if len(plans) > k else plans
            # publish times
            t_pub = a["start"] - timedelta(days=rng.randint(5, 30), hours=rng.randint(0, 12))
            refs: dict[str, tuple[str, int]] = {}
            group = []
            connecting_done = False
            has_cohost_lines = any(p[0] == "cohost" for p in plans)
            for idx, (kind, pub) in enumerate(plans):
                start = a["start"]
                if kind in ("postpone_new",) or (a["postponed"] and idx > 2):
                    start = a["postponed"]
                ann_title, tv = self.title_for(a)
                times, tmv = self.times_for(a, start, pub)
                venue, vv = self.venue_for(a, pub)
                org, ov = None, "organizers_none"
                fix_note = ""
                status = "scheduled"
                revision = 1
                ref = None
                variations = [tv, tmv, vv]
                if kind == "host":
                    if cos and (not connecting_last or not has_cohost_lines):
                        org = [{"library_id": host, "role": "host"}] + [{"library_id": c, "role": rng.choice(["co_organiser", "organiser", "co_host"])} for c in cos]
                        ov = "organizers_connecting"
                        connecting_done = True
                    elif cos:
                        org = None
                        ov = "organizers_none"
                    ref = self.source_ref(pub, start)
                    refs["host"] = (ref, 1)
                elif kind == "cohost":
                    r = rng.random()
                    if r < 0.4:
                        org = [{"library_id": host, "role": "host"}, {"library_id": pub, "role": rng.choice(["co_organiser", "organiser", "co_host"])}]
                        ov = "organizers_host_and_self"
                    elif r < 0.75:
                        org = None
                        ov = "organizers_none"
                    else:  # (own) the co-host calls itself host and the real host a co-organiser
                        org = [{"library_id": pub, "role": "host"}, {"library_id": host, "role": "co_organiser"}]
                        ov = "organizers_roles_swapped_own"
                    if rng.random() < 0.3:
                        venue, vv = self.venue_for(a, pub, want=rng.choice(["abbrev", "full", "address"]))
                        variations[2] = vv
                    ref = self.source_ref(pub, start)
                elif kind == "host_again":
                    ref = self.source_ref(pub, start)
                    if rng.random() < 0.5 and not a["allday"]:
                        st = start + timedelta(minutes=rng.choice([-10, 10]))
                        times = {"starts_at": st, "ends_at": a["end"] + (start - a["start"])}
                        variations[1] = "time_exact"
                        variations.append("same_library_twice_10min")
                    else:
                        ann_title = ann_title + rng.choice(["（新）", "！", " ", "（更新）"]) if rng.random() < .5 else self.title_for(a, "append")[0]
                        variations.append("same_library_twice_title")
                elif kind == "parent_repost":  # (own) the district/central library reposts a branch's activity
                    org = [{"library_id": host, "role": "host"}, {"library_id": pub, "role": rng.choice(["participant", "co_organiser"])}]
                    ov = "organizers_parent_repost_own"
                    ann_title = f"{rng.choice(['【分馆动态】', '【基层动态】', '【书屋动态】'])}{self.lib_short(host)}：{a['title']}"
                    variations[0] = "title_parent_repost_own"
                    ref = self.source_ref(pub, start)
                elif kind == "forward":  # (own) a WeChat repost by a member that is not an organiser
                    ann_title = rng.choice(["转发｜", "【转】", "转载：", "【联盟动态】"]) + ann_title
                    if rng.random() < 0.5:
                        org = [{"library_id": host, "role": "host"}]
                        ov = "organizers_forward_host_only_own"
                    variations[0] = "title_forwarded_own"
                    ref = self.source_ref(pub, start)
                elif kind in ("revision", "cancel", "postpone_cancel"):
                    ref, rv = refs.get("host", (None, 1))
                    if ref is None:
                        ref = self.source_ref(pub, start)
                        rv = 0
                    revision = rv + 1 if kind != "revision" or rng.random() < 0.7 else rv + rng.choice([2, 5])
                    refs["host"] = (ref, revision)
                    if kind == "revision" and refs.get("cancelled"):
                        status = "cancelled"  # an edit of a cancelled post stays cancelled
                        ann_title = "【取消】" + a["title"]
                    if kind == "cancel":
                        refs["cancelled"] = True
                    if kind == "cancel":
                        status = "cancelled"
                        ann_title = rng.choice(["【取消】", "【活动取消】", ""]) + a["title"]
                        variations.append("cancellation")
                    elif kind == "postpone_cancel":
                        status = "cancelled"
                        ann_title = "【延期】" + a["title"]
                        variations.append("postponed_old_date_cancelled")
                    else:
                        variations.append("revision")
                        if rng.random() < 0.3:  # (own) the edit only corrects the description ("更正")
                            variations.append("revision_correction_note_own")
                            fix_note = "【更正】此前推送中日期有误，以本条为准。\n"
                        if revision > rv + 1:  # (own) a CMS that bumps SEQUENCE on every save: revisions jump
                            variations.append("revision_number_jump_own")
                elif kind == "postpone_new":
                    ref = self.source_ref(pub, start)
                    ann_title = rng.choice(["【改期】", "【延期举办】", "（时间调整）"]) + a["title"]
                    variations.append("postponed_reannounced")
                    if cos:
                        org = [{"library_id": host, "role": "host"}] + [{"library_id": c, "role": "co_organiser"} for c in cos]
                        ov = "organizers_connecting"
                # the connecting announcement may be the last one
                if connecting_last and has_cohost_lines and idx == len(plans) - 1 and not connecting_done and kind in ("host_again", "revision", "cohost", "parent_repost"):
                    org = [{"library_id": host, "role": "host"}] + [{"library_id": c, "role": rng.choice(["co_organiser", "organiser"])} for c in cos]
                    ov = "organizers_connecting_last"
                    connecting_done = True
                variations.append(ov)
                if status == "cancelled" or kind == "postpone_new":
                    pass
                t_pub = t_pub + timedelta(hours=rng.randint(1, 72))
                if kind in ("revision", "cancel", "postpone_cancel", "postpone_new") and rng.random() < .5:
                    t_pub += timedelta(days=rng.randint(1, 4))
                sub = {
                    "library_id": pub, "source_ref": ref, "revision": revision, "status": status, "title": ann_title[:200],
                    "category": a["cat"] if rng.random() < 0.85 else rng.choice(["other", a["cat"], "children" if a["cat"] == "parent_child" else "salon" if a["cat"] == "reading_club" else "other"]),
                    "starts_at": iso(times["starts_at"]), "ends_at": iso(times["ends_at"]), "all_day": times.get("all_day", False),
                    "venue": venue,
                }
                if org:
                    sub["organizers"] = org
                if sub["category"] != a["cat"]:
                    variations.append("category_differs_own")
                if a["brand"] and rng.random() < (0.8 if pub == a["brand"][2] else 0.2):
                    sub["brand_id"] = a["brand"][0]
                if a["campaign"] and rng.random() < 0.6:
                    sub["campaign_id"] = a["campaign"]
                if rng.random() < 0.5 or fix_note:
                    sub["description"] = fix_note + self.description(a, start)
                if a["capacity"] and rng.random() < 0.5:
                    sub["capacity"] = a["capacity"]
                if a["partners"] and rng.random() < 0.5:
                    sub["partners"] = a["partners"]
                if rng.random() < 0.3:
                    sub["contact"] = rng.choice(["联系电话：0" + str(rng.randint(100, 999)) + "-" + str(rng.randint(1000000, 9999999)),
                                                 "咨询：" + self.lib_short(pub) + "服务台", "微信公众号后台留言报名"])
                if rng.random() < 0.25:
                    sub["tags"] = rng.sample(["全民阅读", "少儿", "公益", "免费", "讲座", "亲子", "大型系列", "一馆一品", "志愿服务"], 2)
                if a["cat"] in ("children", "parent_child") and rng.random() < .4:
                    sub["audience"] = rng.choice(["3-8岁儿童及家长", "亲子家庭", "中小学生"])
                group.append((t_pub, sub, variations))
            for tp, sub, var in group:
                for v in var:
                    self.var_count[v] += 1
                sub["label"] = a["label"]
                lines.append((tp, len(lines), sub))
        lines.sort(key=lambda x: (x[0], x[1]))
        return [x[2] for x in lines]

    def description(self, a: dict, start: datetime) -> str:
        rng = self.rng
        parts = [f"活动时间：{start:%Y年%m月%d日} {start:%H:%M}" if not a["allday"] else f"展期：{start:%m月%d日}起",
                 f"活动地点：{self.members[a['lib']][1]}{a['room'][1]}"]
        if rng.random() < .4:
            parts.append("请提前15分钟签到入场。")
        if self.k == "nn" and rng.random() < .3:
            parts.append("（新疆时间" + (start - timedelta(hours=2)).strftime("%H:%M") + "）")
        if rng.random() < .3:
            parts.append("名额有限，先到先得。")
        return "\n".join(parts)


def main() -> None:
    summary = {}
    for cfg in (MM, NN):
        city = City(cfg)
        d = OUT / cfg["dir"]
        d.mkdir(exist_ok=True)
        city.write_toml(d / "alliance.toml")
        city.build()
        lines = city.announce()
        with open(d / "eval.jsonl", "w", encoding="utf-8") as fh:
            for sub in lines:
                fh.write(json.dumps(sub, ensure_ascii=False, sort_keys=False) + "\n")
        sizes = Counter(Counter(s["label"] for s in lines).values())
        fam_of = {a["label"]: a["family"] for a in city.activities}
        pairs = sum(n * (n - 1) // 2 * c for n, c in sizes.items())
        summary[cfg["dir"]] = {
            "announcements": len(lines), "activities": len(city.activities),
            "singletons": sizes[1], "true_pairs": pairs,
            "group_size_histogram": {str(k): v for k, v in sorted(sizes.items())},
            "families": dict(sorted(Counter(a["family"] for a in city.activities).items())),
            "announcements_per_family": dict(sorted(Counter(fam_of[s["label"]] for s in lines).items())),
            "variations": dict(sorted(city.var_count.items())),
            "cancelled_activities": sum(a["cancelled"] for a in city.activities),
            "postponed_activities": sum(bool(a["postponed"]) for a in city.activities),
        }
    (OUT / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
