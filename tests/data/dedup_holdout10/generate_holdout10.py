#!/usr/bin/env python3
"""Holdout 10: an independent, labelled evaluation set for a deduplicator of library
activity announcements (wire contract v1 ActivitySubmission + one "label" key).

Python stdlib only, fixed seed, deterministic: running it twice writes byte-identical files.
Writes, next to this script:
  city_w/alliance.toml, city_w/eval.jsonl, city_x/alliance.toml, city_x/eval.jsonl, summary.json
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

SEED = 20261205
OUT = Path(__file__).resolve().parent
CST = timezone(timedelta(hours=8))
UTC = timezone.utc
YEAR = 2026

# --------------------------------------------------------------------------------------------
# Alliances
# --------------------------------------------------------------------------------------------
# member: id, name, tier, parent, shorts (abbreviations a clerk uses), address, rooms [(room, floor)], style
# style = the desk's dominant writing habit (see README)

CITY_W = {
    "key": "city_w",
    "alliance": ("jingwan", "荆湾市全民阅读推广联盟", "Jingwan Reading Alliance"),
    "city": "荆湾",
    "members": [
        ("jw", "荆湾市图书馆", "central", None, ["市图书馆", "市馆", "市图", "荆湾图书馆"], "荆湾市楚风大道168号",
         [("多功能厅", "三楼"), ("报告厅", "二楼"), ("少儿阅览室", "一楼"), ("展厅", "一楼"), ("培训室", "四楼"), ("视障阅览室", "一楼"), ("大厅", "一楼")], "tool"),
        ("jw-shao", "荆湾市少年儿童图书馆", "district", "jw", ["市少儿馆", "少儿图书馆", "市少图"], "荆湾市月湖路12号",
         [("故事屋", "一楼"), ("亲子阅览区", "二楼"), ("多功能厅", "三楼")], "tool"),
        ("jw-qs", "荆湾市青山湖区图书馆", "district", "jw", ["青山湖区图书馆", "青山湖区馆", "区图", "区馆"], "青山湖区和平大道899号",
         [("报告厅", "一楼"), ("多功能厅", "三楼"), ("少儿馆", "二楼")], "wechat"),
        ("jw-yh", "荆湾市月湖区图书馆", "district", "jw", ["月湖区图书馆", "月湖区馆", "区馆"], "月湖区琴台路36号",
         [("读者活动室", "二楼"), ("报告厅", "一楼")], "clerk"),
        ("jw-na", "荆湾市南岸区图书馆", "district", "jw", ["南岸区图书馆", "南岸区图", "区图"], "南岸区白沙路210号",
         [("多功能厅", "四楼"), ("少儿借阅区", "二楼")], "wechat"),
        ("jw-gx", "荆湾市高新区图书馆", "district", "jw", ["高新区图书馆", "高新区馆"], "高新区光谷三路77号",
         [("创客空间", "二楼"), ("报告厅", "一楼")], "tool"),
        ("jw-lt", "临塘县图书馆", "county", "jw", ["县图书馆", "县馆", "临塘图书馆"], "临塘县城关镇解放路5号",
         [("报告厅", "二楼"), ("少儿阅览室", "一楼")], "excel"),
        ("jw-qs-b1", "青山湖区图书馆钢城分馆", "branch", "jw-qs", ["钢城分馆"], "青山湖区钢城街社区服务中心三楼",
         [("阅览室", "")], "clerk"),
        ("jw-qs-b2", "青山湖区图书馆红钢城分馆", "branch", "jw-qs", ["红钢城分馆"], "青山湖区红钢城街八街坊",
         [("活动室", "")], "phone"),
        ("jw-yh-b1", "月湖区图书馆琴台分馆", "branch", "jw-yh", ["琴台分馆"], "月湖区琴台社区党群服务中心",
         [("阅览室", "")], "phone"),
        ("jw-na-b1", "南岸区图书馆白沙洲分馆", "branch", "jw-na", ["白沙洲分馆"], "南岸区白沙洲街文化中心二楼",
         [("阅览室", "")], "clerk"),
        ("jw-gx-b1", "高新区图书馆软件园分馆", "branch", "jw-gx", ["软件园分馆"], "高新区软件园F3栋一楼",
         [("共享书吧", "")], "wechat"),
        ("jw-lt-b1", "临塘县图书馆桃源镇分馆", "branch", "jw-lt", ["桃源镇分馆", "桃源分馆"], "临塘县桃源镇文化广场",
         [("阅览室", "")], "excel"),
        ("jw-hu", "湖湾大学图书馆", "branch", "jw", ["湖湾大学图书馆", "湖大图书馆", "湖大图"], "荆湾市珞喻路1037号湖湾大学",
         [("学术报告厅", "一楼"), ("新馆研讨室", "四楼")], "ics"),
        ("jw-sf", "荆湾师范学院图书馆", "branch", "jw", ["师院图书馆", "荆师图书馆"], "荆湾市南湖大道45号",
         [("报告厅", "五楼")], "ics"),
        ("jw-yh-sp1", "月湖区琴台城市书房", "service_point", "jw-yh-b1", ["琴台书房", "城市书房"], "月湖区琴台大道古琴台东门",
         [("书房", "")], "phone"),
        ("jw-lt-sp1", "桃源镇综合文化站", "service_point", "jw-lt-b1", ["桃源文化站", "文化站"], "临塘县桃源镇人民路18号",
         [("文化站二楼", "")], "excel"),
        ("jw-lt-sp2", "临塘县石桥村农家书屋", "service_point", "jw-lt-b1", ["石桥村农家书屋", "石桥书屋"], "临塘县桃源镇石桥村村委会",
         [("书屋", "")], "phone"),
        ("jw-cs1", "荆湾城市书房·江滩店", "service_point", "jw", ["江滩书房", "江滩城市书房"], "荆湾市沿江大道江滩公园三期",
         [("书房", "")], "wechat"),
        ("jw-cs2", "荆湾城市书房·汉正街店", "service_point", "jw", ["汉正街书房", "汉正街城市书房"], "荆湾市汉正街188号",
         [("书房", "")], "wechat"),
    ],
    "directory": ["jw", "jw-shao", "jw-hu"],
    "brands": [
        ("jingchu-jiangtan", "荆楚讲坛", "jw", 2009, "lecture", ["荆楚讲坛"]),
        ("xiaojudeng", "小桔灯故事会", "jw-shao", 2012, "children", ["小桔灯"]),
        ("gangcheng-dushu", "钢城读书会", "jw-qs", 2016, "reading_club", ["钢城读书会"]),
        ("qintai-yaji", "琴台雅集", "jw-yh", 2018, "salon", ["琴台雅集"]),
        ("guanggu-kechuang", "光谷科创沙龙", "jw-gx", 2020, "salon", ["科创沙龙"]),
        ("taoyuan-gengdu", "桃源耕读", "jw-lt", 2015, "outreach", ["桃源耕读"]),
        ("donghu-renwen", "东湖人文讲座", "jw-hu", 2011, "lecture", ["东湖人文"]),
        ("baishazhou-huiben", "白沙洲亲子绘本馆", "jw-na", 2019, "parent_child", ["亲子绘本馆"]),
    ],
    "campaigns": [
        ("spring-festival", "网络书香过大年", date(2026, 1, 26), date(2026, 3, 5)),
        ("reading-month", "4·23世界读书日暨全民阅读月", date(2026, 4, 1), date(2026, 4, 30)),
        ("service-week", "图书馆服务宣传周", date(2026, 5, 23), date(2026, 5, 31)),
        ("summer-kids", "暑期少儿阅读季", date(2026, 7, 1), date(2026, 8, 31)),
        ("reading-festival", "第十二届荆湾读书节", date(2026, 10, 15), date(2026, 11, 15)),
    ],
    "topics": ["楚辞里的香草与美人", "长江航运与城市兴起", "江汉平原的稻作文明", "宋代文人的书房生活",
               "人工智能时代我们如何阅读", "家庭教育中的阅读习惯养成", "节气里的中医养生", "汉绣的前世今生",
               "辛亥首义与近代中国", "唐诗中的黄鹤楼", "古籍修复这门手艺", "老街巷口述史",
               "红楼梦里的饮食", "鲁迅和他的时代", "汉剧艺术漫谈", "湖泊城市的生态保护", "青铜编钟的声音",
               "苏轼在黄州", "近代汉口的商帮", "如何读懂一本经济学书"],
    "places": ["钢城社区", "红钢城街八街坊", "琴台社区", "白沙洲街", "软件园", "石桥村", "桃源镇敬老院", "荆湾一中",
               "青山湖消防站", "南岸区看守所", "高新区产业园", "月湖小学"],
    "heritage": ["汉绣", "剪纸", "皮影", "泥塑", "扎染", "竹编"],
    "exhibits": ["长江文明主题图片展", "馆藏古籍善本展", "抗战家书展", "汉绣非遗作品展", "少儿绘画作品展", "老荆湾照片展"],
}

CITY_X = {
    "key": "city_x",
    "alliance": ("lanyu", "澜屿县海岛书香联盟", "Lanyu Island Reading Alliance"),
    "city": "澜屿",
    "members": [
        ("lx", "澜屿县图书馆", "central", None, ["县图书馆", "县馆", "县图", "澜屿图书馆"], "澜屿县城关街道海滨路66号",
         [("报告厅", "二楼"), ("多功能厅", "三楼"), ("少儿阅览区", "一楼"), ("一楼大厅", ""), ("展厅", "一楼")], "tool"),
        ("lx-dj", "东礁镇图书分馆", "district", "lx", ["东礁分馆", "东礁镇图书馆"], "东礁镇渔港路2号文化中心",
         [("多功能室", "二楼"), ("阅览室", "一楼")], "wechat"),
        ("lx-na", "南岙镇图书分馆", "district", "lx", ["南岙分馆", "南岙镇图书馆"], "南岙镇中心街101号",
         [("报告厅", "三楼"), ("阅览室", "一楼")], "clerk"),
        ("lx-dj-b1", "北礁乡图书分馆", "branch", "lx-dj", ["北礁分馆", "北礁乡图书馆"], "北礁乡码头路8号",
         [("阅览室", "")], "phone"),
        ("lx-dj-b2", "鹿岛乡图书分馆", "branch", "lx-dj", ["鹿岛分馆"], "鹿岛乡政府大院东侧",
         [("阅览室", "")], "phone"),
        ("lx-xw", "霞湾镇图书分馆", "branch", "lx", ["霞湾分馆"], "霞湾镇文化礼堂二楼",
         [("文化礼堂", "")], "excel"),
        ("lx-cg", "城关街道图书分馆", "branch", "lx", ["城关分馆"], "城关街道新华社区服务中心",
         [("阅览室", "")], "clerk"),
        ("lx-et", "澜屿县图书馆少儿分馆", "branch", "lx", ["少儿分馆", "县少儿馆"], "澜屿县城关街道学前路9号",
         [("绘本馆", "一楼"), ("亲子活动室", "二楼")], "tool"),
        ("lx-na-b1", "沙湾乡图书分馆", "branch", "lx-na", ["沙湾分馆"], "沙湾乡沙湾村文化礼堂",
         [("阅览室", "")], "excel"),
        ("lx-yc1", "东礁镇渔港村渔村书屋", "service_point", "lx-dj", ["渔港村书屋", "渔港村渔村书屋"], "东礁镇渔港村老人协会楼下",
         [("书屋", "")], "phone"),
        ("lx-yc2", "鹿岛乡大澳村渔村书屋", "service_point", "lx-dj-b2", ["大澳村书屋", "大澳书屋"], "鹿岛乡大澳村村委会",
         [("书屋", "")], "phone"),
        ("lx-yc3", "北礁乡海星村渔村书屋", "service_point", "lx-dj-b1", ["海星村书屋"], "北礁乡海星村",
         [("书屋", "")], "phone"),
        ("lx-na-sp1", "沙湾乡前岙村农家书屋", "service_point", "lx-na-b1", ["前岙村书屋", "前岙农家书屋"], "沙湾乡前岙村",
         [("书屋", "")], "excel"),
        ("lx-hs1", "澜屿海岛书房·灯塔店", "service_point", "lx", ["灯塔书房", "海岛书房灯塔店"], "澜屿县灯塔山公园入口",
         [("书房", "")], "wechat"),
        ("lx-cs1", "澜屿城市书房·滨海公园店", "service_point", "lx", ["滨海书房", "滨海公园书房"], "城关街道滨海公园北门",
         [("书房", "")], "wechat"),
        ("lx-ld", "澜屿县流动图书馆", "service_point", "lx", ["汽车图书馆", "流动图书车", "送书船"], "澜屿县图书馆车库",
         [("流动服务车", "")], "clerk"),
        ("lx-qy", "澜屿县远洋渔业公司职工书屋", "service_point", "lx-cg", ["职工书屋", "远洋渔业职工书屋"], "城关街道渔业码头综合楼",
         [("职工书屋", "")], "phone"),
    ],
    "directory": ["lx", "lx-et"],
    "brands": [
        ("lanyu-jiangtang", "澜屿讲堂", "lx", 2013, "lecture", ["澜屿讲堂"]),
        ("haifeng-dushu", "海风读书会", "lx", 2017, "reading_club", ["海风读书会"]),
        ("xiaohailuo", "小海螺故事会", "lx-et", 2014, "children", ["小海螺"]),
        ("songshu-shangdao", "送书上岛", "lx-ld", 2010, "outreach", ["送书上岛"]),
        ("haidao-shuxiang", "海岛书香", "lx-dj", 2016, "reading_club", ["海岛书香"]),
        ("nanao-yuge", "南岙渔歌传习", "lx-na", 2019, "other", ["渔歌"]),
    ],
    "campaigns": [
        ("spring-festival", "网络书香过大年", date(2026, 1, 26), date(2026, 3, 5)),
        ("reading-month", "4·23世界读书日", date(2026, 4, 1), date(2026, 4, 30)),
        ("fishing-moratorium", "休渔期渔民读书月", date(2026, 5, 1), date(2026, 6, 15)),
        ("summer-kids", "暑期少儿阅读季", date(2026, 7, 1), date(2026, 8, 31)),
        ("opening-festival", "开渔节书香周", date(2026, 9, 14), date(2026, 9, 22)),
    ],
    "topics": ["海洋文化与渔民信仰", "东海渔场的变迁", "台风是怎样形成的", "海岛民宿与乡村振兴", "海上丝绸之路",
               "渔家号子的传承", "潮汐与渔事", "海防古城的故事", "灯塔守望者口述史", "海洋垃圾与环保",
               "宋元时期的海上贸易", "海岛方言里的古汉语", "紫菜养殖新技术", "渔船安全与海上急救", "妈祖文化漫谈",
               "海岛植物图鉴", "远洋船员的家书", "滩涂湿地的鸟类"],
    "places": ["渔港村", "大澳村", "海星村", "前岙村", "东礁中心小学", "鹿岛边防派出所", "远洋渔业码头", "霞湾敬老院",
               "城关二小", "沙湾渔业合作社", "北礁海事所", "灯塔山社区"],
    "heritage": ["渔灯制作", "贝雕", "鱼拓", "渔网编织", "剪纸", "船模制作"],
    "exhibits": ["海洋生物科普展", "渔民画作品展", "海岛老照片展", "台风防灾科普展", "海防文物图片展", "少儿海洋绘画展"],
}

BOOKS = ["《红岩》", "《平凡的世界》", "《活着》", "《乡土中国》", "《额尔古纳河右岸》", "《人世间》", "《三体》",
         "《城南旧事》", "《朝花夕拾》", "《围城》", "《老人与海》", "《呼兰河传》", "《苏东坡传》", "《大地上的事情》",
         "《长江传》", "《海底两万里》", "《目送》", "《白鹿原》", "《边城》", "《繁花》"]
PICTURE = ["《猜猜我有多爱你》", "《好饿的毛毛虫》", "《大卫，不可以》", "《我爸爸》", "《小蓝和小黄》", "《团圆》",
           "《月亮的味道》", "《逃家小兔》", "《爷爷一定有办法》", "《小房子》", "《彩虹色的花》", "《鳄鱼怕怕牙医怕怕》",
           "《花婆婆》", "《大脚丫跳芭蕾》"]
FILMS = ["《城南旧事》", "《我和我的祖国》", "《流浪地球》", "《夺冠》", "《寻梦环游记》", "《海洋天堂》", "《疯狂动物城》",
         "《千与千寻》", "《少年派的奇幻漂流》", "《哪吒之魔童降世》", "《这个杀手不太冷静》", "《长津湖》"]
TRAININGS = ["数字资源使用培训", "智能手机使用培训（老年班）", "基层图书管理员业务培训", "古籍保护基础培训",
             "少儿阅读推广人培训", "电子书借阅操作培训", "反诈骗知识培训", "农家书屋管理员培训"]
CONTESTS = ["少儿讲故事大赛", "经典诵读大赛", "全民阅读知识竞赛", "“我的书屋·我的梦”主题征文", "青少年书法比赛",
            "亲子共读打卡挑战赛"]

# pinyin-IME homophone slips a phone typist makes (own habit)
TYPOS = [("讲座", "讲做"), ("分享", "分想"), ("亲子", "亲紫"), ("故事会", "故事汇"), ("读书会", "读书汇"),
         ("多功能厅", "多攻能厅"), ("报告厅", "报告听"), ("阅览室", "阅揽室"), ("培训", "陪训"), ("展览", "展揽"),
         ("图书馆", "图书管"), ("体验", "体检"), ("比赛", "必赛"), ("欣赏", "新赏")]

CN_NUM = "〇一二三四五六七八九十"


def cn(n: int) -> str:
    if n <= 10:
        return CN_NUM[n]
    if n < 20:
        return "十" + CN_NUM[n - 10]
    return CN_NUM[n // 10] + "十" + (CN_NUM[n % 10] if n % 10 else "")


# --------------------------------------------------------------------------------------------
# The real activities
# --------------------------------------------------------------------------------------------


class Act:
    """One real activity (one label)."""

    def __init__(self, **kw):
        self.__dict__.update(kw)


class City:
    def __init__(self, spec: dict, rng: random.Random):
        self.spec = spec
        self.rng = rng
        self.key = spec["key"]
        self.members = {}
        self.order = []
        for (mid, name, tier, parent, shorts, addr, rooms, style) in spec["members"]:
            self.members[mid] = dict(id=mid, name=name, tier=tier, parent=parent, shorts=shorts, addr=addr,
                                     rooms=rooms, style=style)
            self.order.append(mid)
        self.central = self.order[0]
        self.brands = {b[0]: dict(id=b[0], name=b[1], lib=b[2], since=b[3], cat=b[4], kw=b[5]) for b in spec["brands"]}
        self.brand_of = defaultdict(list)
        for b in self.brands.values():
            self.brand_of[b["lib"]].append(b)
        self.campaigns = [dict(id=c[0], name=c[1], start=c[2], end=c[3]) for c in spec["campaigns"]]
        # venue directory (only some members have one)
        self.venues = {}  # (lib, room) -> venue id
        self.venue_rows = []
        for mid in spec["directory"]:
            m = self.members[mid]
            for i, (room, floor) in enumerate(m["rooms"]):
                vid = f"{mid}-r{i + 1}"
                # aliases must be unique in the alliance: each names its library
                aliases = [m["name"] + room, m["shorts"][0] + room]
                if floor and not room.startswith(floor):
                    aliases += [m["name"] + floor + room, m["shorts"][0] + floor + room]
                self.venues[(mid, room)] = vid
                self.venue_rows.append(dict(id=vid, library_id=mid, name=room, aliases=aliases, address=m["addr"]))
        self.acts: list[Act] = []
        self.n_label = 0
        self.family_count = Counter()
        self.used = set()

    # ---- helpers ---------------------------------------------------------------------------
    def children(self, mid):
        return [c for c in self.order if self.members[c]["parent"] == mid]

    def relatives(self, mid):
        m = self.members[mid]
        rel = []
        if m["parent"]:
            rel.append(m["parent"])
            rel += [s for s in self.children(m["parent"]) if s != mid]
        rel += self.children(mid)
        if self.central not in rel and mid != self.central:
            rel.append(self.central)
        return rel

    def campaign_for(self, d: date):
        for c in self.campaigns:
            if c["start"] <= d <= c["end"]:
                return c
        return None

    def new_label(self):
        self.n_label += 1
        return f"{self.key[-1]}{self.n_label:05d}"

    def rand_day(self, lo=date(YEAR, 1, 8), hi=date(YEAR, 12, 20), weekend_bias=0.6):
        r = self.rng
        span = (hi - lo).days
        while True:
            d = lo + timedelta(days=r.randrange(span))
            if d.weekday() >= 5 or r.random() > weekend_bias:
                return d

    def add(self, family, **kw):
        a = Act(family=family, label=self.new_label(), **kw)
        a.__dict__.setdefault("cohosts", [])
        a.__dict__.setdefault("brand", None)
        a.__dict__.setdefault("distinct", None)  # what tells it from its look-alikes: time / place / stage / date
        a.__dict__.setdefault("recurrence", None)
        a.__dict__.setdefault("postpone", None)
        a.__dict__.setdefault("all_day", False)
        a.__dict__.setdefault("online", None)
        a.__dict__.setdefault("audience", None)
        a.__dict__.setdefault("partners", [])
        a.__dict__.setdefault("cancel", False)
        a.__dict__.setdefault("capacity", None)
        self.acts.append(a)
        self.used.add((a.title, a.start.date()))
        self.family_count[family] += 1
        return a

    def pick_cohosts(self, host, k):
        rel = self.relatives(host)
        self.rng.shuffle(rel)
        return rel[:k]

    # ---- canonical activity content --------------------------------------------------------
    def content(self, host, cat=None):
        r = self.rng
        s = self.spec
        cat = cat or r.choice(["lecture", "lecture", "reading_club", "children", "children", "parent_child", "exhibition",
                               "training", "outreach", "screening", "other", "contest", "salon", "accessibility",
                               "digital"])
        brand = None
        owned = [b for b in self.brand_of[host] if b["cat"] == cat]
        if owned and r.random() < 0.7:
            brand = owned[0]
        if cat == "lecture":
            t = r.choice(s["topics"])
            title = f"{brand['name']}：{t}" if brand else f"“{t}”专题讲座"
            dur = 90
        elif cat == "reading_club":
            bk = r.choice(BOOKS)
            title = f"{brand['name']}：共读{bk}" if brand else f"{bk}读书分享会"
            dur = 120
        elif cat == "salon":
            t = r.choice(s["topics"])
            title = f"{brand['name']}：{t}" if brand else f"读书沙龙：{t}"
            dur = 120
        elif cat == "children":
            bk = r.choice(PICTURE)
            title = f"{brand['name']}：{bk}" if brand else f"周末绘本故事会：{bk}"
            dur = 60
        elif cat == "parent_child":
            bk = r.choice(PICTURE)
            title = f"{brand['name']}：{bk}亲子共读" if brand else f"亲子阅读：{bk}"
            dur = 90
        elif cat == "exhibition":
            title = r.choice(s["exhibits"])
            dur = 0
        elif cat == "training":
            title = r.choice(TRAININGS)
            dur = 120
        elif cat == "outreach":
            p = r.choice(s["places"])
            title = f"{brand['name']}：阅读推广进{p}" if brand else f"阅读推广进{p}"
            dur = 120
        elif cat == "screening":
            title = f"周末观影：{r.choice(FILMS)}"
            dur = 120
        elif cat == "contest":
            title = f"{s['city']}{r.choice(CONTESTS)}"
            dur = 180
        elif cat == "accessibility":
            title = f"视障读者电影讲述：{r.choice(FILMS)}"
            dur = 120
        elif cat == "digital":
            title = r.choice(["数字阅读体验日：VR看世界", "“云上图书馆”线上答题", "电子书借阅机使用体验", "AI读书助手体验课"])
            dur = 90
        else:
            cat = "other"
            if brand:
                title = f"{brand['name']}：{r.choice(['渔歌小调', '号子传唱', '海歌新唱'])}体验课"
            else:
                title = f"非遗体验：{r.choice(s['heritage'])}"
            dur = 120
        return cat, title, dur, brand

    def start_at(self, d: date, cat):
        r = self.rng
        if cat in ("children", "parent_child"):
            hm = r.choice([(9, 30), (10, 0), (10, 30), (15, 0), (15, 30)])
        elif cat == "screening":
            hm = r.choice([(14, 0), (14, 30), (19, 0)])
        elif cat in ("lecture", "salon"):
            hm = r.choice([(9, 30), (14, 30), (15, 0), (19, 0), (19, 30)])
        else:
            hm = r.choice([(9, 0), (9, 30), (10, 0), (14, 0), (14, 30), (15, 0)])
        return datetime(d.year, d.month, d.day, hm[0], hm[1], tzinfo=CST)

    # ---- families ---------------------------------------------------------------------------
    def plain(self):
        r = self.rng
        host = r.choice(self.order)
        cat, title, dur, brand = self.content(host)
        d = self.rand_day()
        while (title, d) in self.used:
            d = self.rand_day()
        self.used.add((title, d))
        st = self.start_at(d, cat)
        k = r.choices([0, 1, 2, 3], [35, 35, 20, 10])[0]
        co = self.pick_cohosts(host, k)
        room = r.choice(self.members[host]["rooms"])
        a = self.add("plain", host=host, cohosts=co, cat=cat, title=title, brand=brand, start=st,
                     end=st + timedelta(minutes=dur or 0), room=room, vloc=host)
        if cat == "exhibition":
            a.all_day = True
            a.start = datetime(d.year, d.month, d.day, tzinfo=CST)
            a.end = a.start + timedelta(days=r.choice([7, 14, 21]))
        if r.random() < 0.08 and cat != "exhibition":
            a.postpone = r.choice([7, 14, 21])
        elif r.random() < 0.03:
            a.cancel = True
        if r.random() < 0.25:
            a.partners = [r.choice(["市社科联", "市科协", "团市委", "县妇联", "区教育局", "新华书店", "市作家协会", "社区居委会"])]
        if cat == "accessibility":
            a.audience = "视障读者"
        elif cat in ("children", "parent_child"):
            a.audience = r.choice(["3-6岁儿童及家长", "4-8岁亲子家庭", "少年儿童"])
        elif "老年" in title:
            a.audience = "老年读者"
        return a

    def weekly_series(self):
        """(brief) weekly sessions: same room, same hour, different weeks, often the same title."""
        r = self.rng
        host = r.choice(self.order[:8])
        cat, title, dur, brand = self.content(host, r.choice(["children", "parent_child", "reading_club", "training"]))
        d = self.rand_day(hi=date(YEAR, 11, 20))
        while d.weekday() != 5:
            d += timedelta(days=1)
        st = self.start_at(d, cat)
        room = r.choice(self.members[host]["rooms"])
        numbered = r.random() < 0.5
        co = self.pick_cohosts(host, r.choice([0, 1]))
        n = r.randint(3, 5)
        first = r.randint(1, 6)
        out = []
        for i in range(n):
            s = st + timedelta(days=7 * i)
            t = f"{title}（第{cn(first + i)}期）" if numbered else title
            out.append(self.add("weekly_series", host=host, cohosts=co, cat=cat, title=t, brand=brand, start=s,
                                end=s + timedelta(minutes=dur), room=room, vloc=host, distinct="date"))
        return out

    def series_rrule(self):
        """A series announced AS a series (RRULE) by its host and co-hosts; one label for the whole series."""
        r = self.rng
        host = r.choice(self.order[:7])
        cat, title, dur, brand = self.content(host, r.choice(["children", "training", "reading_club"]))
        d = self.rand_day(hi=date(YEAR, 9, 30))
        while d.weekday() != 6:
            d += timedelta(days=1)
        st = self.start_at(d, cat)
        n = r.choice([4, 6, 8])
        term = r.choice(["春季班", "秋季班", "暑期班"]) if cat != "reading_club" else "系列共读"
        return self.add("series_rrule", host=host, cohosts=self.pick_cohosts(host, r.choice([0, 1])), cat=cat,
                        title=f"{title}（{term}）", brand=brand, start=st, end=st + timedelta(minutes=dur),
                        room=r.choice(self.members[host]["rooms"]), vloc=host, recurrence=f"FREQ=WEEKLY;COUNT={n}")

    def multi_branch(self):
        """(brief) one programme at several branches the same hour: only the place tells them apart."""
        r = self.rng
        parent = r.choice([m for m in self.order if len(self.children(m)) >= 2])
        kids = self.children(parent)
        r.shuffle(kids)
        sites = kids[: r.randint(2, min(4, len(kids)))]
        cat = r.choice(["children", "other", "training", "screening"])
        cat, title, dur, _ = self.content(parent, cat)
        if ("：" in title) and title.split("：")[0] in [b["name"] for b in self.brands.values()]:
            title = title.split("：", 1)[1]
        d = self.rand_day()
        st = self.start_at(d, cat)
        out = []
        for s in sites:
            out.append(self.add("multi_branch", host=s, cohosts=[parent], cat=cat, title=title, start=st,
                                end=st + timedelta(minutes=dur), room=self.members[s]["rooms"][0], vloc=s, distinct="place"))
        return out

    def parallel(self):
        """(brief) parallel sessions in one building: same time, different rooms, 分会场 named."""
        r = self.rng
        host = r.choice([m for m in self.order if len(self.members[m]["rooms"]) >= 2])
        rooms = list(self.members[host]["rooms"])
        r.shuffle(rooms)
        d = self.rand_day()
        st = datetime(d.year, d.month, d.day, r.choice([9, 14]), 30, tzinfo=CST)
        theme = r.choice(["读书节开幕日", "图书馆开放日", "世界读书日主题日", "少儿阅读嘉年华"])
        subs = r.sample(["绘本剧表演", "古籍修复体验", "作家见面会", "科普实验秀", "书法体验", "电子资源体验", "亲子手工"], 2)
        out = []
        for room, sub in zip(rooms[:2], subs):
            out.append(self.add("parallel", host=host, cohosts=self.pick_cohosts(host, r.choice([0, 1])),
                                cat="festival", title=f"{theme}·{sub}（{room[0]}分会场）", start=st,
                                end=st + timedelta(minutes=120), room=room, vloc=host, distinct="place"))
        return out

    def two_sessions(self):
        """(brief) 第一场/第二场 (上午场/下午场 own variant) an hour or a half-day apart, same room."""
        r = self.rng
        host = r.choice(self.order)
        cat, title, dur, brand = self.content(host, r.choice(["children", "parent_child", "training", "other", "digital"]))
        d = self.rand_day()
        pair = r.choice([("第一场", "第二场"), ("第1场", "第2场"), ("上午场", "下午场")])
        if pair[0] == "上午场":
            starts = [datetime(d.year, d.month, d.day, 9, 30, tzinfo=CST), datetime(d.year, d.month, d.day, 14, 30, tzinfo=CST)]
        else:
            s0 = self.start_at(d, cat)
            starts = [s0, s0 + timedelta(minutes=max(dur, 60))]
        room = r.choice(self.members[host]["rooms"])
        co = self.pick_cohosts(host, r.choice([0, 1, 2]))
        return [self.add("two_sessions", host=host, cohosts=co, cat=cat, title=f"{title}（{p}）", brand=brand, start=s,
                         end=s + timedelta(minutes=min(dur, 60)), room=room, vloc=host, distinct="time")
                for p, s in zip(pair, starts)]

    def same_hall_later(self):
        """(brief) another event in the same hall later that day."""
        r = self.rng
        host = r.choice(self.order[:8])
        room = r.choice(self.members[host]["rooms"])
        d = self.rand_day()
        out = []
        used = set()
        for h in (9, 14, 19):
            if len(out) == 2 or (h == 19 and r.random() < 0.5):
                continue
            cat, title, dur, brand = self.content(host, r.choice(["lecture", "children", "screening", "salon", "training"]))
            if title in used:
                continue
            used.add(title)
            st = datetime(d.year, d.month, d.day, h, r.choice([0, 30]), tzinfo=CST)
            out.append(self.add("same_hall_later", host=host, cohosts=self.pick_cohosts(host, r.choice([0, 1])), cat=cat,
                                title=title, brand=brand, start=st, end=st + timedelta(minutes=dur or 90), room=room,
                                vloc=host, distinct="time"))
        return out

    def same_book(self):
        """(brief) the same book read at different months and/or libraries."""
        r = self.rng
        bk = r.choice(BOOKS)
        libs = r.sample(self.order, 3)
        out = []
        for i, lib in enumerate(libs):
            d = self.rand_day(lo=date(YEAR, 1 + 3 * i, 5), hi=date(YEAR, 3 + 3 * i, 25))
            st = self.start_at(d, "reading_club")
            tmpl = r.choice(["{b}读书分享会", "共读{b}", "{b}读书会", "读书会：{b}"])
            out.append(self.add("same_book", host=lib, cohosts=self.pick_cohosts(lib, r.choice([0, 1])), cat="reading_club",
                                title=tmpl.format(b=bk), start=st, end=st + timedelta(minutes=120),
                                room=self.members[lib]["rooms"][0], vloc=lib, distinct="date"))
        return out

    # own families ---------------------------------------------------------------------------
    def contest_stages(self):
        """(own) one contest in stages: 初赛/复赛/决赛/颁奖典礼 on different days, same title stem."""
        r = self.rng
        host = r.choice(self.order[:7])
        name = f"{self.spec['city']}{r.choice(CONTESTS)}"
        d = self.rand_day(hi=date(YEAR, 10, 1))
        out = []
        stages = ["初赛", "复赛", "决赛"] + (["颁奖典礼"] if r.random() < 0.5 else [])
        co = self.pick_cohosts(host, r.choice([1, 2]))
        for i, stg in enumerate(stages):
            st = datetime(d.year, d.month, d.day, 9, 0, tzinfo=CST) + timedelta(days=14 * i)
            out.append(self.add("contest_stages", host=host, cohosts=co, cat="contest", title=f"{name}{stg}", start=st,
                                end=st + timedelta(hours=3), room=self.members[host]["rooms"][0], vloc=host, distinct="stage"))
        return out

    def exhibition_opening(self):
        """(own) an exhibition (weeks, all day), its 开幕式 (one hour on day one), and its 巡展 elsewhere later."""
        r = self.rng
        host = r.choice(self.order[:7])
        name = r.choice(self.spec["exhibits"])
        d = self.rand_day(hi=date(YEAR, 10, 1))
        room = self.members[host]["rooms"][-1]
        ex = self.add("exhibition_opening", host=host, cohosts=self.pick_cohosts(host, 1), cat="exhibition", title=name,
                      start=datetime(d.year, d.month, d.day, tzinfo=CST), end=datetime(d.year, d.month, d.day, tzinfo=CST) + timedelta(days=14),
                      room=room, vloc=host, all_day=True, distinct="kind")
        op = datetime(d.year, d.month, d.day, 10, 0, tzinfo=CST)
        o = self.add("exhibition_opening", host=host, cohosts=ex.cohosts, cat="festival", title=f"{name}开幕式",
                     start=op, end=op + timedelta(hours=1), room=room, vloc=host, distinct="kind")
        other = r.choice([m for m in self.order if m != host])
        d2 = d + timedelta(days=r.randint(30, 60))
        tour = self.add("exhibition_opening", host=other, cohosts=[host], cat="exhibition", title=f"{name}（巡展）",
                        start=datetime(d2.year, d2.month, d2.day, tzinfo=CST), end=datetime(d2.year, d2.month, d2.day, tzinfo=CST) + timedelta(days=10),
                        room=self.members[other]["rooms"][0], vloc=other, all_day=True, distinct="place")
        return [ex, o, tour]

    def mobile_route(self):
        """(own) the mobile library / 送书船 visits two or three villages the same day, same title stem."""
        r = self.rng
        mobile = [m for m in self.order if any(s in ("流动图书车", "送书船") for s in self.members[m]["shorts"])]
        host = mobile[0] if mobile else self.order[0]
        places = r.sample(self.spec["places"], 3 if r.random() < 0.4 else 2)
        d = self.rand_day()
        word = "送书上岛" if self.key == "city_x" else "流动图书车"
        brand = self.brands.get("songshu-shangdao") if self.key == "city_x" else None
        out = []
        for i, p in enumerate(places):
            st = datetime(d.year, d.month, d.day, [8, 13, 15][i], 30, tzinfo=CST)
            lib_here = [m for m in self.order if p[:2] in self.members[m]["name"]]
            co = lib_here[:1]
            out.append(self.add("mobile_route", host=host, cohosts=co, cat="outreach", title=f"{word}·{p}站", brand=brand,
                                start=st, end=st + timedelta(hours=2), room=(p + "村口" if p.endswith("村") else p, ""),
                                vloc=None, distinct="place"))
        return out

    def online_replay(self):
        """(own) a lecture held in the hall, and its 线上回放/直播重播 a week later online."""
        r = self.rng
        host = self.order[0] if r.random() < 0.6 else r.choice(self.order[:7])
        cat, title, dur, brand = self.content(host, "lecture")
        d = self.rand_day()
        st = self.start_at(d, cat)
        room = self.members[host]["rooms"][0]
        live = self.add("online_replay", host=host, cohosts=self.pick_cohosts(host, r.choice([0, 1, 2])), cat=cat,
                        title=title, brand=brand, start=st, end=st + timedelta(minutes=dur), room=room, vloc=host,
                        distinct="kind")
        d2 = d + timedelta(days=7)
        st2 = datetime(d2.year, d2.month, d2.day, 20, 0, tzinfo=CST)
        rep = self.add("online_replay", host=host, cohosts=[], cat="digital", title=f"【线上回放】{title}", brand=brand,
                       start=st2, end=st2 + timedelta(minutes=dur), room=("线上", ""), vloc=None, distinct="kind",
                       online=f"https://live.{self.spec['alliance'][0]}-lib.cn/replay/{r.randrange(10000, 99999)}")
        return [live, rep]

    def typhoon(self):
        """(own, city_x) island activity postponed for a typhoon / ferry suspension: re-announced."""
        a = self.plain()
        a.postpone = self.rng.choice([3, 7, 10])
        a.typhoon = True
        return a

    def build(self, target_acts):
        r = self.rng
        fams = [(self.plain, 46), (self.weekly_series, 6), (self.series_rrule, 2), (self.multi_branch, 5),
                (self.parallel, 3), (self.two_sessions, 6), (self.same_hall_later, 5), (self.same_book, 3),
                (self.contest_stages, 2), (self.exhibition_opening, 2), (self.mobile_route, 3), (self.online_replay, 3)]
        if self.key == "city_x":
            fams.append((self.typhoon, 4))
        fns, ws = zip(*fams)
        while len(self.acts) < target_acts:
            r.choices(fns, ws)[0]()


# --------------------------------------------------------------------------------------------
# Writers: how one desk renders one activity
# --------------------------------------------------------------------------------------------

DECOR_PRE = ["【联盟活动】", "【活动预告】", "【报名中】", "【预告】", "📚", "🎉", "【周末好去处】", "[活动预告]"]
DECOR_POST = ["，欢迎参加！", "（报名中）", "（已满员）", "活动", "读书分享活动", "📖", "~欢迎来玩", "（免费）", " 限额报名"]


class Writer:
    def __init__(self, city: City, rng: random.Random):
        self.c = city
        self.r = rng
        self.seq = Counter()
        self.lines = []  # (pub_time, tiebreak, dict, label, tags)
        self.tags = Counter()

    # ---- refs -------------------------------------------------------------------------------
    def ref(self, lib, style, d: date):
        self.seq[(lib, style)] += 1
        n = self.seq[(lib, style)]
        if style == "ics":
            return f"{self.r.getrandbits(48):012x}-{n}@lib.{lib.replace('-', '')}.edu.cn"
        if style == "excel":
            return f"{d.year}年{d.month}月计划表-第{n}行"
        if style == "wechat":
            return f"mp-{d:%Y%m%d}-{n:03d}"
        if style == "phone":
            return f"{lib}-app-{self.r.getrandbits(32):08x}"
        if style == "clerk":
            return f"{lib.upper()}-{d.year}-{n:04d}"
        return f"{lib}/activity/{1000 + n}"

    # ---- venue ------------------------------------------------------------------------------
    def venue(self, a: Act, lib, style, tags):
        r = self.r
        c = self.c
        if a.online:
            return {"name": "线上直播回放", "online_url": a.online}, "online"
        room, floor = a.room
        if a.vloc is None:  # an outdoor / village place
            v = room if r.random() < 0.6 else room.replace("村口", "村") + r.choice(["文化礼堂", "村委会门口", "广场"])
            if v != room:
                # still names the village: place stays identifiable
                pass
            return {"name": v}, "village"
        host = c.members[a.vloc]
        full = host["name"]
        short = r.choice(host["shorts"])
        own = lib == a.vloc
        need_place = a.distinct == "place"
        need_room = a.family == "parallel"
        opts = ["full_room", "floor_room", "room", "short_room", "address", "libname", "vague", "typo", "venue_id"]
        w = {"tool": [3, 3, 2, 2, 1, 1, 0, 0, 6], "wechat": [4, 3, 2, 3, 2, 1, 1, 1, 0],
             "clerk": [2, 2, 3, 3, 1, 2, 3, 1, 0], "phone": [2, 1, 3, 3, 1, 2, 2, 3, 0],
             "excel": [1, 1, 1, 2, 1, 6, 2, 0, 0], "ics": [4, 2, 2, 2, 2, 1, 0, 0, 0]}[style]
        w = list(w)
        if not own:  # a co-host names the host's place
            w[1] = w[2] = 0
            w[6] = 0
            w[8] = 0
        if (a.vloc, room) not in c.venues or not own:
            w[8] = 0
        if need_place:
            for i in (1, 2, 6):
                w[i] = 0
            if len(host["shorts"]) and short in ("区图", "区馆", "县馆", "县图", "城市书房", "文化站", "市馆", "市图"):
                short = host["shorts"][0] if host["shorts"][0] not in ("区图", "区馆") else full
        if need_room:
            w[4] = w[5] = w[6] = 0
        kind = r.choices(opts, w)[0]
        rname = (floor + room) if floor and not room.startswith(floor) else room
        out = {}
        if kind == "full_room":
            out["name"] = full if room in full else full + (rname if r.random() < 0.6 else room)
        elif kind == "floor_room":
            out["name"] = rname if r.random() < 0.7 else f"{room}（{floor}）" if floor else room
        elif kind == "room":
            out["name"] = room
        elif kind == "short_room":
            out["name"] = short if short.endswith(room) or room in short else short + room
        elif kind == "address":
            if r.random() < 0.5:
                out["name"] = host["addr"]
            else:
                out["name"] = full
                out["address"] = host["addr"]
        elif kind == "libname":
            out["name"] = full if r.random() < 0.6 else short
        elif kind == "vague":
            out["name"] = r.choice(["本馆", "馆内", "详见海报", "图书馆", "本馆活动区", "待定"])
        elif kind == "typo":
            nm = full if room in full else full + room
            for a_, b_ in TYPOS:
                if a_ in nm:
                    nm = nm.replace(a_, b_, 1)
                    break
            else:
                nm = nm[:-1] if len(nm) > 4 and r.random() < 0.4 else nm
            out["name"] = nm
        elif kind == "venue_id":
            out["name"] = r.choice([room, rname])
            out["venue_id"] = c.venues[(a.vloc, room)]
        if style == "wechat" and r.random() < 0.3 and "address" not in out and kind != "address":
            out["address"] = host["addr"]
        if need_room and room not in out["name"] and "venue_id" not in out:
            out["name"] = host["shorts"][0] + room
        tags["venue:" + kind] += 1
        return out, kind

    # ---- title ------------------------------------------------------------------------------
    def title(self, a: Act, lib, style, tags, report=False, postponed_to=None):
        r = self.r
        t = a.title
        brandnames = [b["name"] for b in self.c.brands.values()]
        if "：" in t and t.split("：")[0] in brandnames and r.random() < (0.5 if lib != a.host else 0.25):
            t = t.split("：", 1)[1]
            tags["title:brand_dropped"] += 1
        if r.random() < 0.15:
            t = t.replace("《", "“").replace("》", "”") if r.random() < 0.5 else t.replace("《", "").replace("》", "")
            tags["title:book_marks"] += 1
        if r.random() < 0.1:
            t = t.replace("：", r.choice([":", " ", "——", "｜"]))
            tags["title:punct"] += 1
        if style == "phone" and r.random() < 0.35:
            for a_, b_ in r.sample(TYPOS, len(TYPOS)):
                if a_ in t:
                    t = t.replace(a_, b_, 1)
                    tags["title:ime_typo(own)"] += 1
                    break
        camp = self.c.campaign_for(a.start.date())
        if camp and r.random() < 0.3:
            t = f"{camp['name']}｜{t}"
            tags["title:campaign_prefix"] += 1
        if style == "excel":
            # terse plan-table wording (own): no decoration, sometimes only the core
            if r.random() < 0.4 and "：" in t:
                t = t.split("：", 1)[1]
            tags["title:plan_table(own)"] += 1
        elif report:
            t = r.choice(["{t}圆满举办", "回顾｜{t}", "{t}顺利开展", "精彩回顾：{t}"]).format(t=t)
            tags["title:report"] += 1
        else:
            if r.random() < (0.55 if style in ("wechat", "phone") else 0.2):
                t = r.choice(DECOR_PRE) + t
                tags["title:decor_pre"] += 1
            if r.random() < (0.4 if style in ("wechat", "phone", "clerk") else 0.15):
                t = t + r.choice(DECOR_POST)
                tags["title:decor_post"] += 1
            if style == "wechat" and r.random() < 0.4:
                t = f"{t}｜{r.choice(self.c.members[lib]['shorts'])}"
                tags["title:account_suffix(own)"] += 1
            if style == "ics" and r.random() < 0.6:
                t = r.choice(["[讲座] ", "[Event] ", "【学术活动】"]) + t
                tags["title:ics_bracket(own)"] += 1
        if postponed_to:
            t = r.choice(["【延期】", "【改期】", ""]) + t + (f"（延期至{postponed_to.month}月{postponed_to.day}日）" if r.random() < 0.7 else "（时间调整）")
        if a.distinct == "place" and a.vloc and a.family != "parallel" and r.random() < 0.5:
            nm = self.c.members[a.vloc]["shorts"][0]
            if nm not in t:
                t = f"{t}（{nm}）"
        return t[:200]

    # ---- time -------------------------------------------------------------------------------
    def times(self, a: Act, start, end, style, tags, same_lib_twice=False):
        r = self.r
        if a.all_day:
            return start, end, True, "all_day"
        tight = a.distinct == "time"  # only the hour tells look-alikes apart: no large drifts
        mode = "exact"
        roll = r.random()
        if style == "excel" and not tight and roll < 0.7:
            mode = "date_only"
        elif style == "ics":
            mode = "utc_offset(own)"
        elif roll < 0.18:
            mode = "sign_in"
        elif roll < 0.30:
            mode = "rounded"
        elif roll < 0.38 and not tight:
            mode = "hour_off"
        elif roll < 0.46 and style in ("clerk", "phone") and not tight:
            mode = "date_only"
        elif roll < 0.60:
            mode = "end_changed"
        s, e = start, end
        if mode == "sign_in":
            s = start - timedelta(minutes=r.choice([15, 20, 30]))
        elif mode == "rounded":
            s = start.replace(minute=0)
            if start.minute >= 30 and r.random() < 0.5:
                s = s + timedelta(hours=1)
        elif mode == "hour_off":
            s = start + timedelta(minutes=r.choice([-60, -45, 30, 45, 60]))
        elif mode == "end_changed":
            e = r.choice([start, start + timedelta(hours=r.choice([1, 2, 3])), end + timedelta(minutes=30)])
        if same_lib_twice:
            s = s + timedelta(minutes=10)
        if mode == "date_only":
            d = start.date()
            s = datetime(d.year, d.month, d.day, tzinfo=CST)
            e = s + timedelta(days=1)
            tags["time:date_only"] += 1
            return s, e, True, mode
        if e < s:
            e = s + (end - start)
        if mode == "utc_offset(own)":
            s, e = s.astimezone(UTC), e.astimezone(UTC)
        tags["time:" + mode] += 1
        return s, e, False, mode

    # ---- one announcement -------------------------------------------------------------------
    def announce(self, a: Act, lib, pub, *, org_mode, style=None, revision=1, ref=None, start=None, report=False,
                 twice=False, postponed_to=None, status="scheduled", forward=False):
        r = self.r
        c = self.c
        style = style or c.members[lib]["style"]
        tags = Counter()
        start = start or a.start
        end = start + (a.end - a.start)
        s, e, allday, tmode = self.times(a, start, end, style, tags, same_lib_twice=twice)
        ven, vkind = self.venue(a, lib, style, tags)
        title = self.title(a, lib, style, tags, report=report, postponed_to=postponed_to)
        self._cancelling = status == "cancelled"
        if self._cancelling and r.random() < 0.6:
            title = r.choice(["【取消】", "【活动取消】", "（已取消）"]) + title
        if forward:
            title = r.choice(["【转发】", "【转】", "转："]) + title
        cat = a.cat
        if lib != a.host and r.random() < 0.12:
            cat = {"lecture": "salon", "salon": "lecture", "children": "parent_child", "parent_child": "children",
                   "reading_club": "salon", "other": "festival", "festival": "other", "outreach": "other",
                   "digital": "lecture"}.get(cat, cat)
            tags["category_differs"] += 1
        obj = {"library_id": lib, "source_ref": ref or self.ref(lib, style, start.date()), "revision": revision}
        if status != "scheduled":
            obj["status"] = status
        obj["title"] = title
        # organisers
        orgs = []
        everyone = [(a.host, "host")] + [(x, r.choice(["co_organiser", "organiser", "co_host", "participant"])) for x in a.cohosts]
        if org_mode == "all":
            orgs = everyone
        elif org_mode == "host_self":
            orgs = [(a.host, "host")] + [(x, ro) for x, ro in everyone[1:] if x == lib]
        elif org_mode == "self":
            orgs = [(x, ro) for x, ro in everyone if x == lib]
        elif org_mode == "forward":
            orgs = [(a.host, "host"), (lib, "participant")]
        seen = set()
        obj["organizers"] = [{"library_id": x, "role": ro} for x, ro in orgs if not (x in seen or seen.add(x))]
        if not obj["organizers"]:
            del obj["organizers"]
        tags["org:" + org_mode] += 1
        obj["category"] = cat
        obj["starts_at"] = s.isoformat()
        obj["ends_at"] = e.isoformat()
        if allday:
            obj["all_day"] = True
        if a.recurrence:
            obj["recurrence"] = a.recurrence
        obj["venue"] = ven
        # description
        desc = self.description(a, lib, style, start, report, postponed_to)
        if desc:
            obj["description"] = desc
        if a.brand and a.brand["lib"] == lib and r.random() < (0.8 if style in ("tool", "ics") else 0.4):
            obj["brand_id"] = a.brand["id"]
            tags["brand_id"] += 1
        camp = c.campaign_for(s.astimezone(CST).date())
        if camp and camp is c.campaign_for(start.date()) and r.random() < 0.6:
            obj["campaign_id"] = camp["id"]
        if a.audience and r.random() < 0.6:
            obj["audience"] = a.audience
        if a.partners and r.random() < 0.6:
            obj["partners"] = a.partners
        if r.random() < 0.3:
            obj["tags"] = r.sample(["全民阅读", "少儿", "公益", "免费", "非遗", "亲子", "讲座", "书香" + c.spec["city"]], 2)
        if r.random() < 0.25 and not a.all_day:
            obj["capacity"] = r.choice([20, 30, 40, 50, 80, 100, 150])
        if style == "wechat" and r.random() < 0.4:
            obj["registration_url"] = f"https://mp.weixin.qq.com/s/{r.getrandbits(64):016x}"
        if r.random() < 0.3:
            obj["contact"] = r.choice(["联系电话：", "咨询：", "电话 "]) + f"0{r.randint(510, 799)}-{r.randint(2000000, 8999999)}"
        if r.random() < 0.15:
            obj["poster"] = f"{r.getrandbits(256):064x}.jpg"
        if lib == a.host and a.brand and style == "tool" and r.random() < 0.2:
            obj["featured"] = True
        self.tags.update(tags)
        self.lines.append((pub, len(self.lines), obj, a.label, tags))
        return obj

    def description(self, a, lib, style, start, report, postponed_to):
        r = self.r
        c = self.c
        hostname = c.members[a.host]["name"]
        parts = []
        if style == "excel":
            return None if r.random() < 0.6 else f"负责人：{r.choice(['王', '李', '张', '刘', '陈'])}老师"
        if style == "wechat":
            parts.append(r.choice(["亲爱的读者朋友们：", "书友们，", "各位家长朋友："]))
        when = f"{start.month}月{start.day}日"
        if not a.all_day:
            hh = start.hour
            when += ("上午" if hh < 12 else "下午" if hh < 18 else "晚上") + f"{hh if hh <= 12 else hh - 12}:{start.minute:02d}"
        if r.random() < 0.6:
            parts.append(f"活动时间：{when}。")
        if a.cohosts and r.random() < 0.5:
            names = "、".join(c.members[x]["name"] for x in [a.host] + a.cohosts)
            parts.append(f"本次活动由{names}联合举办。")
        elif lib != a.host and r.random() < 0.5:
            parts.append(f"主办单位：{hostname}。")
        if a.partners and r.random() < 0.5:
            parts.append(f"协办单位：{'、'.join(a.partners)}。")
        if postponed_to:
            reasons = ["因天气原因，", "因场地调整，", "因主讲嘉宾行程变动，"]
            if getattr(a, "typhoon", False):
                reasons = ["因台风影响、客轮停航，", "受台风“海葵”影响，轮渡停航，", "因大风停航，"]
            parts.append(r.choice(reasons) +
                         f"本活动延期至{postponed_to.month}月{postponed_to.day}日举行，给您带来不便敬请谅解。")
        if getattr(self, "_cancelling", False):
            parts.append(r.choice(["因故取消，敬请谅解。", "本活动取消，已报名读者将另行通知。", "因报名人数不足，活动取消。"]))
        if report:
            parts.append(f"活动共吸引{r.randint(20, 300)}位读者参加，现场气氛热烈。")
        if style == "wechat" and not report:
            parts.append(r.choice(["长按识别下方二维码报名。", "点击阅读原文报名。", "名额有限，先到先得！"]))
        if style == "ics":
            parts.append("Organizer: " + c.members[a.host]["name"])
        return "".join(parts) or None


# --------------------------------------------------------------------------------------------
# Announcement plans per activity
# --------------------------------------------------------------------------------------------


def plan_announcements(city: City, w: Writer):
    r = w.r
    c = city
    vc = Counter()
    for a in c.acts:
        announcers = []
        if r.random() < 0.92 or not a.cohosts:
            announcers.append(a.host)
        for x in a.cohosts:
            if r.random() < 0.7:
                announcers.append(x)
        if not announcers:
            announcers.append(a.host)
        # group size shaping: many singletons
        if len(announcers) > 1 and r.random() < 0.15 and a.family == "plain":
            announcers = announcers[:1]
        lead = max(5, int(r.expovariate(1 / 12)))
        base_pub = a.start - timedelta(days=lead, hours=r.randint(0, 10))
        pubs = sorted(base_pub + timedelta(hours=r.randint(0, 24 * max(1, lead - 2))) for _ in announcers)
        r.shuffle(announcers)
        n = len(announcers)
        # connecting announcement (lists everyone): usually the host's; sometimes arrives last
        connector = None
        if n >= 2 and a.cohosts:
            if r.random() < 0.35:
                connector = announcers[-1]
                vc["connector_arrives_last"] += 1
            elif a.host in announcers:
                connector = a.host
        new_start = a.start + timedelta(days=a.postpone) if a.postpone else None
        ppub = a.start - timedelta(days=r.randint(1, 3)) if a.postpone else None
        for lib, pub in zip(announcers, pubs):
            if lib == connector:
                mode = "all"
            elif n == 1:
                mode = r.choices(["all", "self", "none"], [5, 2, 3])[0] if a.cohosts else r.choice(["self", "none", "none"])
            else:
                mode = r.choices(["host_self", "self", "none", "all"], [4, 3, 3, 1 if connector is None else 0])[0]
            if connector is None and mode == "all":
                pass
            post_pp = a.postpone and pub > ppub
            st = new_start if post_pp else a.start
            if a.postpone and pub > ppub:
                pub = max(pub, ppub + timedelta(hours=2))
            w.announce(a, lib, pub, org_mode=mode, start=st)
            # the same library twice (two desks / tools)
            if r.random() < 0.07 and not a.recurrence and a.distinct != "time":
                other = r.choice([s for s in ("tool", "wechat", "phone", "clerk") if s != c.members[lib]["style"]])
                w.announce(a, lib, pub + timedelta(hours=r.randint(1, 72)), org_mode=r.choice(["self", "none", "host_self"]),
                           style=other, twice=True, start=st)
                vc["same_library_twice"] += 1
        # forwarded by the parent library (own)
        par = c.members[a.host]["parent"]
        if par and par not in announcers and par not in a.cohosts and r.random() < 0.05 and not a.postpone:
            w.announce(a, par, pubs[-1] + timedelta(hours=r.randint(2, 30)), org_mode="forward", forward=True)
            vc["forwarded_by_parent(own)"] += 1
        # revision of the host's own source_ref (a correction)
        host_lines = [ln for ln in w.lines if ln[3] == a.label and ln[2]["library_id"] == a.host]
        if host_lines and r.random() < 0.1 and not a.postpone:
            pub0, _, obj0, _, _ = host_lines[0]
            w.announce(a, a.host, pub0 + timedelta(days=r.randint(1, 4)), org_mode="all", ref=obj0["source_ref"],
                       revision=obj0["revision"] + 1, style=c.members[a.host]["style"])
            vc["revision_correction"] += 1
        # postponement: revision of same source_ref or a fresh re-announcement
        if a.postpone and host_lines:
            pub0, _, obj0, _, _ = host_lines[0]
            if pub0 < ppub:
                if r.random() < 0.5:
                    w.announce(a, a.host, ppub, org_mode="host_self", ref=obj0["source_ref"], revision=obj0["revision"] + 1,
                               start=new_start, postponed_to=new_start.date(), style=c.members[a.host]["style"])
                    vc["postponed_revision"] += 1
                else:
                    w.announce(a, a.host, ppub, org_mode=r.choice(["all", "self", "none"]), start=new_start,
                               postponed_to=new_start.date())
                    vc["postponed_reannounced"] += 1
                if getattr(a, "typhoon", False):
                    vc["typhoon_ferry_postponement(own)"] += 1
        if a.cancel and host_lines:
            pub0, _, obj0, _, _ = host_lines[0]
            w.announce(a, a.host, a.start - timedelta(days=1), org_mode="host_self", ref=obj0["source_ref"],
                       revision=obj0["revision"] + 1, status="cancelled", style=c.members[a.host]["style"])
            vc["cancelled_revision"] += 1
        # report after the event by a co-host who had not announced it before (report phrasing)
        if r.random() < 0.06 and not a.cancel and not a.recurrence:
            who = r.choice([a.host] + a.cohosts)
            w.announce(a, who, (new_start or a.start) + timedelta(days=r.randint(1, 4)), org_mode=r.choice(["all", "self"]),
                       start=new_start or a.start, report=True, style="wechat" if r.random() < 0.7 else None)
            vc["report_after_event"] += 1
    return vc


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------


def toml_str(s):
    return json.dumps(s, ensure_ascii=False)


def alliance_toml(c: City) -> str:
    aid, name, name_en = c.spec["alliance"]
    out = [f"# {name}: invented alliance for holdout10 (generated by generate_holdout10.py)", "[alliance]",
           f"id = {toml_str(aid)}", f"name = {toml_str(name)}", f"name_en = {toml_str(name_en)}", 'timezone = "Asia/Shanghai"', ""]
    for mid in c.order:
        m = c.members[mid]
        out += ["[[members]]", f"id = {toml_str(mid)}", f"name = {toml_str(m['name'])}", f"tier = {toml_str(m['tier'])}"]
        if m["parent"]:
            out.append(f"parent = {toml_str(m['parent'])}")
        out += [f"address = {toml_str(m['addr'])}", ""]
    for v in c.venue_rows:
        out += ["[[venues]]", f"id = {toml_str(v['id'])}", f"library_id = {toml_str(v['library_id'])}",
                f"name = {toml_str(v['name'])}", "aliases = [" + ", ".join(toml_str(x) for x in v["aliases"]) + "]",
                f"address = {toml_str(v['address'])}", ""]
    for b in c.brands.values():
        out += ["[[brands]]", f"id = {toml_str(b['id'])}", f"name = {toml_str(b['name'])}", f"library_id = {toml_str(b['lib'])}",
                f"since = {b['since']}", f"category = {toml_str(b['cat'])}",
                "keywords = [" + ", ".join(toml_str(x) for x in b["kw"]) + "]", ""]
    for cp in c.campaigns:
        out += ["[[campaigns]]", f"id = {toml_str(cp['id'])}", f"name = {toml_str(cp['name'])}",
                f"starts_on = {cp['start'].isoformat()}", f"ends_on = {cp['end'].isoformat()}", ""]
    out += ["[[coordinators]]", 'id = "office"', 'name = "联盟办"', f'email = "office@{aid}.example.org"', ""]
    return "\n".join(out)


def norm(s):
    return re.sub(r"\s+", "", s or "")


def run_city(spec, seed, target_acts):
    rng = random.Random(seed)
    c = City(spec, rng)
    c.build(target_acts)
    w = Writer(c, random.Random(seed + 1))
    vc = plan_announcements(c, w)
    # revisions of one source_ref: numbered in arrival order, a cancellation always the last word
    byref = defaultdict(list)
    for i, ln in enumerate(w.lines):
        byref[(ln[2]["library_id"], ln[2]["source_ref"])].append(i)
    for idx in byref.values():
        if len(idx) < 2:
            continue
        last = max(w.lines[i][0] for i in idx)
        for i in idx:
            if w.lines[i][2].get("status") == "cancelled":
                pub, j, obj, lab, tg = w.lines[i]
                w.lines[i] = (max(pub, last + timedelta(hours=1)), j, obj, lab, tg)
        for rev, i in enumerate(sorted(idx, key=lambda i: (w.lines[i][0], w.lines[i][1])), start=1):
            w.lines[i][2]["revision"] = rev
    lines = sorted(w.lines, key=lambda x: (x[0], x[1]))
    # guard against accidental twins: same title, venue and start with different labels
    seen = {}
    kept = []
    dropped = 0
    for pub, i, obj, label, tags in lines:
        k = (norm(obj["title"]), norm(obj["venue"].get("name")), obj["starts_at"][:16])
        if k in seen and seen[k] != label:
            dropped += 1
            continue
        seen.setdefault(k, label)
        kept.append((pub, obj, label, tags))
    d = OUT / spec["key"]
    d.mkdir(parents=True, exist_ok=True)
    (d / "alliance.toml").write_text(alliance_toml(c), encoding="utf-8")
    with open(d / "eval.jsonl", "w", encoding="utf-8") as f:
        for pub, obj, label, tags in kept:
            row = dict(obj)
            row["label"] = label
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    sizes = Counter(label for _, _, label, _ in kept)
    hist = Counter(sizes.values())
    var = Counter()
    for _, _, _, tags in kept:
        var.update(tags)
    var.update(vc)
    fam = Counter()
    for a in c.acts:
        if a.label in sizes:
            fam[a.family] += 1
    return {
        "announcements": len(kept),
        "activities": len(sizes),
        "true_pairs": sum(n * (n - 1) // 2 for n in sizes.values()),
        "group_size_histogram": {str(k): hist[k] for k in sorted(hist)},
        "dropped_accidental_twins": dropped,
        "variations": dict(sorted(var.items())),
        "lookalike_families_activities": dict(sorted(fam.items())),
    }


FAMILIES = {
    "plain": "ordinary activity (host + 0-3 co-hosts); not a designed look-alike",
    "weekly_series": "(brief) weekly sessions, same room and hour, different weeks, often the same title",
    "series_rrule": "(own) a term course announced as a series (RRULE) by host and co-hosts: one label",
    "multi_branch": "(brief) one programme at several branches the same hour; only the place differs",
    "parallel": "(brief) parallel sessions in one building at the same time, different rooms (分会场)",
    "two_sessions": "(brief) 第一场/第二场 an hour apart; (own) 上午场/下午场 of a training or workshop",
    "same_hall_later": "(brief) another event in the same hall later that day",
    "same_book": "(brief) the same book read at different months and libraries",
    "contest_stages": "(own) one contest in stages: 初赛/复赛/决赛/颁奖典礼, two weeks apart",
    "exhibition_opening": "(own) an exhibition (all day, weeks), its 开幕式 on day one, its 巡展 elsewhere later",
    "mobile_route": "(own) mobile library / 送书上岛 boat visiting 2-3 villages the same day, ·X站 titles",
    "online_replay": "(own) a lecture in the hall and its 【线上回放】 online a week later",
}


def main():
    summary = {"seed": SEED, "generator": "generate_holdout10.py", "families": FAMILIES, "cities": {}}
    summary["cities"]["city_w"] = run_city(CITY_W, SEED, 1120)
    summary["cities"]["city_x"] = run_city(CITY_X, SEED + 7, 1120)
    (OUT / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    for k, v in summary["cities"].items():
        print(k, v["announcements"], v["activities"], v["true_pairs"], v["group_size_histogram"])


if __name__ == "__main__":
    main()
