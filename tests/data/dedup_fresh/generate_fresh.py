"""A fresh, independent labelled evaluation set for deduplicating activity announcements.

Written from the brief of issue 18 only, without reading the matcher (``services/dedup``), its
data (``tests/data/dedup``) or the earlier independent generator.  Python stdlib only, fixed
seed, deterministic::

    python tests/data/dedup_fresh/generate_fresh.py            # rewrites city_c/, city_d/, summary.json
    .venv/bin/python tests/data/dedup_fresh/generate_fresh.py --check   # validates them with shuxiang

Each line of ``eval.jsonl`` is an ActivitySubmission plus ``"label"`` (the real activity).
"""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

SEED = 20261205
TZ = timezone(timedelta(hours=8))
HERE = Path(__file__).resolve().parent
CN_NUM = "〇一二三四五六七八九十"


def cn_number(n: int) -> str:
    if n <= 10:
        return CN_NUM[n]
    if n < 20:
        return "十" + (CN_NUM[n - 10] if n > 10 else "")
    tens, ones = divmod(n, 10)
    return CN_NUM[tens] + "十" + (CN_NUM[ones] if ones else "")


FULLWIDTH = str.maketrans("0123456789FABC", "０１２３４５６７８９ＦＡＢＣ")

# ----------------------------------------------------------------------------------------------
# Cities


@dataclass
class Room:
    key: str
    floor: int | None
    base: str  # 多功能厅
    synonyms: list[str]
    kinds: list[str]  # categories it suits

    def directory_name(self) -> str:
        return f"{cn_number(self.floor)}楼{self.base}" if self.floor else self.base


@dataclass
class Lib:
    id: str
    name: str
    tier: str
    parent: str | None
    address: str
    generic: list[str]  # 区馆, 区图 … (what neighbours call it)
    specific: list[str]  # 云溪区图, 江南分馆 …
    short: str  # 云溪图书馆 (the city prefix / 区 dropped)
    rooms: list[Room] = field(default_factory=list)
    children: list[str] = field(default_factory=list)


ROOM_TYPES = {
    # base: (synonyms, kinds)
    "大厅": (["大堂", "中庭", "服务大厅"], ["festival", "exhibition", "contest", "outreach", "other"]),
    "报告厅": (["学术报告厅", "讲座厅", "报告大厅"], ["lecture", "festival", "contest", "screening", "salon"]),
    "多功能厅": (
        ["多功能活动室", "多功能室", "多功能会议室"],
        ["lecture", "salon", "training", "screening", "contest"],
    ),
    "少儿阅览室": (["少儿部", "少儿阅览区", "儿童阅览室"], ["children", "parent_child"]),
    "绘本馆": (["绘本阅读区", "绘本屋", "亲子绘本区"], ["children", "parent_child"]),
    "电子阅览室": (["数字阅读体验区", "电子阅览区", "数字体验馆"], ["digital", "training"]),
    "展厅": (["展览厅", "展区", "艺术展厅"], ["exhibition"]),
    "读者活动室": (["活动室", "读者活动中心"], ["reading_club", "salon", "training", "parent_child", "children"]),
    "视障阅览室": (["盲人阅览室", "视障读者阅览室"], ["accessibility"]),
    "读书会客厅": (["阅读沙龙区", "沙龙区", "读者会客厅"], ["reading_club", "salon"]),
    "地方文献阅览室": (["地方文献室", "地方文献部"], ["lecture", "exhibition", "reading_club"]),
    "阅读区": (["阅览区", "书房阅读区"], ["reading_club", "children", "salon", "training", "parent_child", "other"]),
    "活动区": (["活动空间", "多功能区"], ["children", "parent_child", "training", "salon", "lecture", "other"]),
}


def make_rooms(lib_id: str, tier: str, rng: random.Random, layout: list[tuple[int | None, str]]) -> list[Room]:
    rooms = []
    for floor, base in layout:
        syns, kinds = ROOM_TYPES[base]
        rooms.append(Room(f"{lib_id}-{len(rooms)}", floor, base, list(syns), list(kinds)))
    return rooms


CENTRAL_LAYOUT = [
    (1, "大厅"),
    (2, "报告厅"),
    (3, "多功能厅"),
    (4, "少儿阅览室"),
    (5, "电子阅览室"),
    (1, "展厅"),
    (6, "视障阅览室"),
    (3, "读书会客厅"),
    (6, "地方文献阅览室"),
]
DISTRICT_LAYOUTS = [
    [(1, "大厅"), (3, "报告厅"), (2, "多功能厅"), (1, "少儿阅览室"), (2, "电子阅览室"), (2, "读者活动室")],
    [(1, "大厅"), (4, "报告厅"), (3, "多功能厅"), (2, "绘本馆"), (3, "读书会客厅"), (1, "展厅")],
    [(1, "大厅"), (2, "报告厅"), (2, "读者活动室"), (1, "少儿阅览室"), (3, "电子阅览室"), (1, "视障阅览室")],
]
BRANCH_LAYOUTS = [
    [(1, "读者活动室"), (2, "少儿阅览室"), (2, "多功能厅")],
    [(None, "读者活动室"), (None, "绘本馆")],
    [(1, "多功能厅"), (1, "少儿阅览室"), (2, "电子阅览室")],
]
SP_LAYOUTS = [[(None, "阅读区"), (None, "活动区")], [(None, "阅读区")]]


@dataclass
class Brand:
    id: str
    name: str
    en: str
    lib: str
    category: str


@dataclass
class City:
    key: str
    alliance_id: str
    name: str
    name_en: str
    prefix: str  # 澜江
    libs: dict[str, Lib]
    brands: list[Brand]
    directory: bool
    start: date
    end: date
    messy: float  # 0..1, how often habits are applied
    outside: list[tuple[str, str, str, list[str]]]  # (long name, short, address, typo/variant names)
    speakers: list[str]
    campaign: tuple[str, str, date, date]


def lib(id_, name, tier, parent, address, generic, specific, short):
    return Lib(id_, name, tier, parent, address, generic, specific, short)


def city_c() -> City:
    libs = [
        lib(
            "lj",
            "澜江市图书馆",
            "central",
            None,
            "澜江市望江大道99号",
            ["市图", "市馆"],
            ["市图书馆", "澜图", "澜江图书馆"],
            "澜江图书馆",
        ),
        lib(
            "lj-yx",
            "澜江市云溪区图书馆",
            "district",
            "lj",
            "云溪区长宁路58号",
            ["区馆", "区图"],
            ["云溪区图", "云溪馆", "云溪区馆"],
            "云溪区图书馆",
        ),
        lib(
            "lj-bs",
            "澜江市北山区图书馆",
            "district",
            "lj",
            "北山区和平街210号",
            ["区馆", "区图"],
            ["北山区图", "北山馆", "北山区馆"],
            "北山区图书馆",
        ),
        lib(
            "lj-gt",
            "高塘县图书馆",
            "county",
            "lj",
            "高塘县城南新区文化路6号",
            ["县馆", "县图"],
            ["高塘县图", "高塘馆", "高塘图书馆"],
            "高塘图书馆",
        ),
        lib(
            "lj-mh",
            "梅湖县图书馆",
            "county",
            "lj",
            "梅湖县湖滨东路88号",
            ["县馆", "县图"],
            ["梅湖县图", "梅湖馆", "梅湖图书馆"],
            "梅湖图书馆",
        ),
        lib(
            "lj-se",
            "澜江市少年儿童图书馆",
            "branch",
            "lj",
            "澜江市青年路17号",
            ["少儿馆"],
            ["市少图", "少图", "澜江少儿图书馆"],
            "少儿图书馆",
        ),
        lib(
            "lj-dx",
            "澜江市图书馆大学城分馆",
            "branch",
            "lj",
            "澜江市大学城文汇路3号",
            ["分馆"],
            ["大学城分馆", "大学城馆"],
            "大学城图书馆",
        ),
        lib(
            "lj-yx-jn",
            "云溪区图书馆江南分馆",
            "branch",
            "lj-yx",
            "云溪区江南大道301号",
            ["分馆"],
            ["江南分馆", "江南馆"],
            "江南图书馆",
        ),
        lib(
            "lj-yx-hq",
            "云溪区图书馆花桥分馆",
            "branch",
            "lj-yx",
            "云溪区花桥镇兴业街12号",
            ["分馆"],
            ["花桥分馆", "花桥馆"],
            "花桥图书馆",
        ),
        lib(
            "lj-bs-kf",
            "北山区图书馆开发区分馆",
            "branch",
            "lj-bs",
            "北山经济开发区创新路9号",
            ["分馆"],
            ["开发区分馆", "开发区馆"],
            "开发区图书馆",
        ),
        lib(
            "lj-bs-ls",
            "北山区图书馆龙山分馆",
            "branch",
            "lj-bs",
            "北山区龙山街道龙华路44号",
            ["分馆"],
            ["龙山分馆", "龙山馆"],
            "龙山图书馆",
        ),
        lib(
            "lj-gt-qs",
            "高塘县图书馆清水镇分馆",
            "branch",
            "lj-gt",
            "高塘县清水镇文化站二楼",
            ["分馆", "镇馆"],
            ["清水分馆", "清水镇分馆"],
            "清水镇图书馆",
        ),
        lib(
            "lj-mh-wj",
            "梅湖县图书馆王家镇分馆",
            "branch",
            "lj-mh",
            "梅湖县王家镇政府东侧",
            ["分馆", "镇馆"],
            ["王家分馆", "王家镇分馆"],
            "王家镇图书馆",
        ),
        lib(
            "lj-yx-sf",
            "云溪区江南街道城市书房",
            "service_point",
            "lj-yx-jn",
            "云溪区江南街道锦绣花园北门",
            ["书房"],
            ["江南书房", "江南城市书房"],
            "江南城市书房",
        ),
        lib(
            "lj-bs-sf",
            "北山区新华路城市书房",
            "service_point",
            "lj-bs-ls",
            "北山区新华路与龙华路交叉口",
            ["书房"],
            ["新华路书房", "新华路城市书房"],
            "新华路城市书房",
        ),
        lib(
            "lj-gt-nj",
            "高塘县清水镇柳塘村农家书屋",
            "service_point",
            "lj-gt-qs",
            "高塘县清水镇柳塘村村委会",
            ["书屋", "农家书屋"],
            ["柳塘村书屋", "柳塘书屋"],
            "柳塘村农家书屋",
        ),
        lib(
            "lj-mh-nj",
            "梅湖县王家镇杏花村农家书屋",
            "service_point",
            "lj-mh-wj",
            "梅湖县王家镇杏花村文化广场",
            ["书屋", "农家书屋"],
            ["杏花村书屋", "杏花书屋"],
            "杏花村农家书屋",
        ),
        lib(
            "lj-24",
            "澜江市图书馆高铁站自助图书馆",
            "service_point",
            "lj",
            "澜江高铁站南广场",
            ["自助馆"],
            ["高铁站自助馆", "高铁站图书馆"],
            "高铁站自助图书馆",
        ),
        lib(
            "lj-yx-cy",
            "云溪区翠苑社区图书室",
            "service_point",
            "lj-yx-hq",
            "云溪区花桥镇翠苑社区服务中心",
            ["图书室"],
            ["翠苑图书室", "翠苑社区图书室"],
            "翠苑图书室",
        ),
    ]
    brands = [
        Brand("lj-jiangtan", "澜江讲坛", "Lanjiang Forum", "lj", "lecture"),
        Brand("lj-dushuhui", "望江读书会", "Wangjiang Book Club", "lj", "reading_club"),
        Brand("yx-gushi", "云溪故事妈妈", "Story Mums", "lj-yx", "children"),
        Brand("bs-shalong", "北山读书沙龙", "Beishan Salon", "lj-bs", "salon"),
        Brand("gt-ketang", "高塘农家课堂", "Gaotang Farm Class", "lj-gt", "training"),
        Brand("se-huiben", "小书虫绘本会", "Bookworm Picture Books", "lj-se", "children"),
        Brand("mh-shiyun", "梅湖诗韵", "Meihu Poetry", "lj-mh", "salon"),
    ]
    outside = [
        ("澜江市实验小学报告厅", "实验小学", "澜江市望江大道12号", ["市实验小学", "澜江实小"]),
        ("云溪区第二中学图书室", "云溪二中", "云溪区学府路66号", ["云溪区二中", "二中图书室"]),
        ("北山区和平社区党群服务中心", "和平社区", "北山区和平街88号", ["和平社区服务中心", "和平社区活动室"]),
        ("澜江军分区某部营区", "部队营区", "澜江市北郊", ["军营", "某部营区"]),
        ("高塘县敬老院", "县敬老院", "高塘县城南新区康宁路2号", ["高塘敬老院", "敬老院"]),
        ("澜江高新科技产业园职工之家", "产业园职工之家", "澜江市高新区", ["职工之家", "高新园区职工之家"]),
        ("梅湖县第一中学报告厅", "梅湖一中", "梅湖县湖滨西路5号", ["县一中", "梅湖县一中"]),
        ("云溪区花桥镇中心幼儿园", "花桥幼儿园", "云溪区花桥镇兴业街30号", ["花桥中心幼儿园", "中心幼儿园"]),
    ]
    speakers = ["周晓岚", "林子涵", "何建国", "苏明远", "高文静", "钱立新", "吴思远", "郑雨桐", "梁秋实", "陶然"]
    return City(
        "city_c",
        "lanjiang",
        "澜江市公共图书馆阅读推广联盟",
        "Lanjiang Public Library Reading Alliance",
        "澜江",
        {x.id: x for x in libs},
        brands,
        True,
        date(2027, 3, 1),
        date(2027, 8, 31),
        0.55,
        outside,
        speakers,
        ("reading-month", "4·23世界读书日暨澜江读书月", date(2027, 4, 1), date(2027, 4, 30)),
    )


def city_d() -> City:
    libs = [
        lib(
            "qc",
            "溱川市图书馆",
            "central",
            None,
            "溱川市人民中路200号",
            ["市图", "市馆"],
            ["溱图", "溱川图书馆", "市图书馆"],
            "溱川图书馆",
        ),
        lib(
            "qc-dc",
            "溱川市东城区图书馆",
            "district",
            "qc",
            "东城区朝阳街15号",
            ["区馆", "区图"],
            ["东城区图", "东图", "东城馆"],
            "东城区图书馆",
        ),
        lib(
            "qc-xc",
            "溱川市西城区图书馆",
            "district",
            "qc",
            "西城区运河路77号",
            ["区馆", "区图"],
            ["西城区图", "西图", "西城馆"],
            "西城区图书馆",
        ),
        lib(
            "qc-gx",
            "溱川高新区图书馆",
            "district",
            "qc",
            "高新区科技大道1号",
            ["区馆", "区图"],
            ["高新区图", "高新馆"],
            "高新区图书馆",
        ),
        lib(
            "qc-hy",
            "鹤阳县图书馆",
            "county",
            "qc",
            "鹤阳县鹤鸣路9号",
            ["县馆", "县图"],
            ["鹤阳县图", "鹤阳馆", "鹤阳图书馆"],
            "鹤阳图书馆",
        ),
        lib(
            "qc-ts",
            "汤山县图书馆",
            "county",
            "qc",
            "汤山县温泉大道168号",
            ["县馆", "县图"],
            ["汤山县图", "汤山馆", "汤山图书馆"],
            "汤山图书馆",
        ),
        lib(
            "qc-lh",
            "溱川市图书馆临湖分馆",
            "branch",
            "qc",
            "溱川市临湖路8号",
            ["分馆"],
            ["临湖分馆", "临湖馆"],
            "临湖图书馆",
        ),
        lib(
            "qc-dc-yq",
            "东城区图书馆月桥分馆",
            "branch",
            "qc-dc",
            "东城区月桥街道桥东路23号",
            ["分馆"],
            ["月桥分馆", "月桥馆"],
            "月桥图书馆",
        ),
        lib(
            "qc-dc-ky",
            "东城区图书馆科苑分馆",
            "branch",
            "qc-dc",
            "东城区科苑小区会所",
            ["分馆"],
            ["科苑分馆", "科苑馆"],
            "科苑图书馆",
        ),
        lib(
            "qc-xc-gl",
            "西城区图书馆鼓楼分馆",
            "branch",
            "qc-xc",
            "西城区鼓楼东街5号",
            ["分馆"],
            ["鼓楼分馆", "鼓楼馆"],
            "鼓楼图书馆",
        ),
        lib(
            "qc-gx-rj",
            "高新区图书馆软件园分馆",
            "branch",
            "qc-gx",
            "高新区软件园C座一楼",
            ["分馆"],
            ["软件园分馆", "软件园馆"],
            "软件园图书馆",
        ),
        lib(
            "qc-hy-dz",
            "鹤阳县图书馆大庄镇分馆",
            "branch",
            "qc-hy",
            "鹤阳县大庄镇综合文化站",
            ["分馆", "镇馆"],
            ["大庄分馆", "大庄镇分馆"],
            "大庄镇图书馆",
        ),
        lib(
            "qc-hy-sk",
            "鹤阳县图书馆石坎乡分馆",
            "branch",
            "qc-hy",
            "鹤阳县石坎乡政府院内",
            ["分馆", "乡馆"],
            ["石坎分馆", "石坎乡分馆"],
            "石坎乡图书馆",
        ),
        lib(
            "qc-ts-lq",
            "汤山县图书馆龙泉镇分馆",
            "branch",
            "qc-ts",
            "汤山县龙泉镇泉水街3号",
            ["分馆", "镇馆"],
            ["龙泉分馆", "龙泉镇分馆"],
            "龙泉镇图书馆",
        ),
        lib(
            "qc-ts-se",
            "汤山县图书馆少儿分馆",
            "branch",
            "qc-ts",
            "汤山县温泉大道170号",
            ["少儿分馆", "分馆"],
            ["汤山少儿分馆", "县少儿馆"],
            "汤山少儿图书馆",
        ),
        lib(
            "qc-dc-sf",
            "东城区南门城市书房",
            "service_point",
            "qc-dc-yq",
            "东城区南门广场东侧",
            ["书房"],
            ["南门书房", "南门城市书房"],
            "南门城市书房",
        ),
        lib(
            "qc-xc-sf",
            "西城区运河城市书房",
            "service_point",
            "qc-xc-gl",
            "西城区运河公园北门",
            ["书房"],
            ["运河书房", "运河城市书房"],
            "运河城市书房",
        ),
        lib(
            "qc-hy-nj",
            "鹤阳县大庄镇枣林村农家书屋",
            "service_point",
            "qc-hy-dz",
            "鹤阳县大庄镇枣林村",
            ["书屋", "农家书屋"],
            ["枣林村书屋", "枣林书屋"],
            "枣林村农家书屋",
        ),
        lib(
            "qc-ts-nj",
            "汤山县龙泉镇上坪村农家书屋",
            "service_point",
            "qc-ts-lq",
            "汤山县龙泉镇上坪村",
            ["书屋", "农家书屋"],
            ["上坪村书屋", "上坪书屋"],
            "上坪村农家书屋",
        ),
        lib(
            "qc-gx-yz",
            "高新区人才公寓阅读驿站",
            "service_point",
            "qc-gx-rj",
            "高新区人才公寓3号楼底商",
            ["驿站", "阅读驿站"],
            ["人才公寓驿站", "人才公寓阅读驿站"],
            "人才公寓阅读驿站",
        ),
        lib(
            "qc-lh-sb",
            "临湖湿地公园书吧",
            "service_point",
            "qc-lh",
            "临湖湿地公园游客中心",
            ["书吧"],
            ["湿地书吧", "湿地公园书吧"],
            "湿地公园书吧",
        ),
        lib(
            "qc-xf",
            "溱川市图书馆消防支队流动服务点",
            "service_point",
            "qc",
            "溱川市消防支队营区",
            ["服务点", "流动点"],
            ["消防支队服务点", "消防流动服务点"],
            "消防支队服务点",
        ),
    ]
    brands = [
        Brand("qc-jiangtang", "溱川大讲堂", "Qinchuan Lecture Hall", "qc", "lecture"),
        Brand("qc-yedu", "溱图夜读", "Night Reading", "qc", "reading_club"),
        Brand("dc-qinzi", "东城亲子共读", "Family Reading", "qc-dc", "parent_child"),
        Brand("xc-yunhe", "运河书会", "Canal Book Club", "qc-xc", "reading_club"),
        Brand("gx-keji", "高新科普课堂", "Science Class", "qc-gx", "training"),
        Brand("hy-tianye", "鹤阳田野课堂", "Field Class", "qc-hy", "training"),
        Brand("ts-tongyao", "汤山童谣会", "Nursery Rhymes", "qc-ts-se", "children"),
        Brand("lh-shuxiang", "临湖书香会", "Linhu Reading", "qc-lh", "salon"),
    ]
    outside = [
        ("溱川市第三中学阶梯教室", "溱川三中", "溱川市人民南路45号", ["市三中", "三中阶梯教室"]),
        ("东城区朝阳小学多功能厅", "朝阳小学", "东城区朝阳街60号", ["朝阳小学多功能室", "东城朝阳小学"]),
        ("西城区鼓楼街道运河社区", "运河社区", "西城区运河路120号", ["运河社区服务中心", "运河社区活动室"]),
        ("溱川消防支队营区", "消防营区", "溱川市北环路", ["消防支队", "支队营区"]),
        ("鹤阳县社会福利院", "县福利院", "鹤阳县鹤鸣路88号", ["鹤阳福利院", "福利院"]),
        ("高新区芯谷科技有限公司", "芯谷科技", "高新区科技大道66号", ["芯谷公司", "芯谷科技公司"]),
        ("溱川职业技术学院图书馆", "溱川职院", "溱川市大学路2号", ["职院图书馆", "溱川职业学院"]),
        ("汤山县龙泉镇中心小学", "龙泉中心小学", "汤山县龙泉镇学堂路1号", ["龙泉小学", "龙泉镇小学"]),
        ("东城区康乐老年公寓", "康乐老年公寓", "东城区康乐路9号", ["康乐公寓", "老年公寓"]),
    ]
    speakers = [
        "马振华",
        "邵一鸣",
        "冯婉清",
        "曹景行",
        "潘晓雪",
        "侯雅琴",
        "韦东升",
        "蒋若兰",
        "葛天明",
        "叶知秋",
        "尹浩",
    ]
    return City(
        "city_d",
        "qinchuan",
        "溱川市图书馆总分馆服务联盟",
        "Qinchuan Library Union",
        "溱川",
        {x.id: x for x in libs},
        brands,
        False,
        date(2027, 9, 1),
        date(2028, 2, 27),
        1.0,
        outside,
        speakers,
        ("winter-reading", "溱川冬季读书季", date(2027, 12, 1), date(2028, 2, 20)),
    )


def furnish(city: City, rng: random.Random) -> None:
    for x in city.libs.values():
        if x.parent:
            city.libs[x.parent].children.append(x.id)
    d = b = s = 0
    for x in city.libs.values():
        if x.tier == "central":
            layout = CENTRAL_LAYOUT
        elif x.tier in ("district", "county"):
            layout = DISTRICT_LAYOUTS[d % 3]
            d += 1
        elif x.tier == "branch":
            layout = BRANCH_LAYOUTS[b % 3]
            b += 1
        else:
            layout = SP_LAYOUTS[s % 2]
            s += 1
        x.rooms = make_rooms(x.id, x.tier, rng, layout)


# ----------------------------------------------------------------------------------------------
# Topics

BOOKS = [
    "活着",
    "平凡的世界",
    "额尔古纳河右岸",
    "边城",
    "围城",
    "呼兰河传",
    "人生海海",
    "乡土中国",
    "白鹿原",
    "长安的荔枝",
    "我与地坛",
    "城南旧事",
    "朝花夕拾",
    "骆驼祥子",
    "文化苦旅",
    "人间草木",
    "三体",
    "百年孤独",
    "小王子",
    "瓦尔登湖",
    "红岩",
    "本巴",
    "云边有个小卖部",
    "繁花",
    "雪山大地",
    "千里江山图",
    "宽阔的河",
    "牛天赐传",
    "浮生六记",
    "傅雷家书",
    "苏东坡传",
    "万历十五年",
    "月亮与六便士",
    "老人与海",
    "家",
]
PICTURE_BOOKS = [
    "好饿的毛毛虫",
    "猜猜我有多爱你",
    "大卫不可以",
    "小蓝和小黄",
    "团圆",
    "安的种子",
    "我爸爸",
    "逃家小兔",
    "母鸡萝丝去散步",
    "月亮的味道",
    "鼠小弟的小背心",
    "花婆婆",
    "小房子",
    "北京的春节",
    "一园青菜成了精",
    "犟龟",
    "蚂蚁和西瓜",
    "你看起来好像很好吃",
    "彩虹色的花",
    "石头汤",
]
FILMS = [
    "城南旧事",
    "我和我的祖国",
    "流浪地球",
    "百鸟朝凤",
    "寻梦环游记",
    "冰川时代",
    "小兵张嘎",
    "高山下的花环",
    "海洋",
    "可可西里",
    "长津湖",
    "我们诞生在中国",
    "天书奇谭",
    "大鱼海棠",
    "疯狂动物城",
    "一个都不能少",
]
LECTURE_A = [
    "唐诗",
    "宋词",
    "红楼梦",
    "史记",
    "诗经",
    "山海经",
    "论语",
    "本草纲目",
    "水浒传",
    "徐霞客游记",
    "天工开物",
    "楚辞",
    "西游记",
    "聊斋志异",
]
LECTURE_B = ["四季", "节气", "饮食", "家风", "山水", "草木", "人情", "智慧", "乡愁", "服饰", "城市", "游戏"]
LOCAL_A = ["老城", "码头", "古镇", "运河", "老街", "祠堂", "书院"]
LOCAL_B = ["变迁", "记忆", "传说", "建筑", "方言", "手艺", "名人"]
HEALTH = ["四季养生", "高血压防治", "儿童近视防控", "科学减重", "睡眠与健康", "中医药膳", "老年防跌倒", "心理减压"]
CRAFTS = ["剪纸", "扎染", "风筝", "灯笼", "书签", "泥塑", "团扇", "香囊", "版画", "活字印刷", "折纸", "皮影"]
EXHIBITS = [
    "古籍修复成果展",
    "老照片展",
    "非遗技艺图片展",
    "少儿书画作品展",
    "摄影作品展",
    "藏书票展",
    "红色家书展",
    "年画展",
    "地方文献展",
]
TRAININGS = [
    "智能手机使用",
    "微信视频通话",
    "网上挂号与缴费",
    "防范电信诈骗",
    "电子书借阅",
    "数字资源检索",
    "短视频剪辑",
    "AI工具入门",
    "家庭理财",
]
FARM = ["果树修剪", "茶叶种植", "电商直播带货", "稻虾共养", "中药材种植", "农机安全"]
DIGITAL = ["VR阅读体验", "数字资源推广", "有声书体验", "3D打印体验", "机器人编程体验", "古籍数字化体验"]
CONTESTS = ["少儿朗读大赛", "中华诗词大会", "经典诵读比赛", "讲故事比赛", "阅读知识竞赛", "书法大赛", "征文比赛颁奖"]
SALONS = ["读书与旅行", "诗歌之夜", "我的藏书故事", "科幻文学漫谈", "女性写作", "书与咖啡", "方言与乡愁", "阅读与写作"]


def lecture_topic(rng: random.Random, city: City) -> str:
    r = rng.random()
    if r < 0.55:
        return f"{rng.choice(LECTURE_A)}里的{rng.choice(LECTURE_B)}"
    if r < 0.8:
        return f"{city.prefix}{rng.choice(LOCAL_A)}的{rng.choice(LOCAL_B)}"
    return rng.choice(HEALTH) + "知识讲座"


@dataclass
class Act:
    label: str
    family: str
    day: date
    start: datetime
    end: datetime
    host: str
    owner: str | None  # library whose room it is (None: outside place)
    room: Room | None
    outside: tuple | None
    category: str
    core: str  # the recognisable core of the title (book in 《》)
    brand: Brand | None = None
    issue: int | None = None
    mark: str = ""  # （第一场） / （3-6岁）
    speaker: str | None = None
    strict_venue: bool = False  # look-alike family: the venue must be named precisely
    max_shift: int = 60  # minutes a co-host's start may differ
    cohosts: list[str] = field(default_factory=list)
    audience: str | None = None
    description: str = ""


def make_core(rng: random.Random, city: City, category: str, month: int = 0) -> tuple[str, str | None]:
    """(title core, speaker)."""
    speaker = rng.choice(city.speakers) if category == "lecture" and rng.random() < 0.6 else None
    if category == "lecture":
        return lecture_topic(rng, city), speaker
    if category == "reading_club":
        return rng.choice(["共读《{}》", "《{}》读书分享会", "走进《{}》", "《{}》共读会"]).format(
            rng.choice(BOOKS)
        ), None
    if category == "salon":
        return rng.choice(SALONS) + rng.choice(["", "读书沙龙", "主题沙龙"]), None
    if category == "children":
        return rng.choice(["绘本故事会：《{}》", "周末故事屋：《{}》", "《{}》绘本共读"]).format(
            rng.choice(PICTURE_BOOKS)
        ), None
    if category == "parent_child":
        return rng.choice(["亲子手工：{}", "{}亲子课堂", "非遗体验：{}"]).format(rng.choice(CRAFTS)), None
    if category == "exhibition":
        return city.prefix + rng.choice(EXHIBITS), None
    if category == "contest":
        return f"{city.prefix}市{rng.choice(CONTESTS)}", None
    if category == "training":
        return rng.choice(["老年人{}培训", "{}公益培训", "{}技能培训"]).format(rng.choice(TRAININGS)), None
    if category == "outreach":
        return rng.choice(["阅读推广进校园：{}", "书香进社区：{}", "送书下乡：{}", "流动图书车进{}"]).format(
            rng.choice(["经典诵读", "好书推荐", "绘本故事会", "健康讲座", "图书漂流", "军营"])
        ), None
    if category == "screening":
        return rng.choice(["周末观影：《{}》", "光影阅读：《{}》", "《{}》公益放映"]).format(rng.choice(FILMS)), None
    if category == "digital":
        return rng.choice(DIGITAL), None
    if category == "accessibility":
        return rng.choice(["无障碍电影：《{}》", "视障读者听书会：《{}》"]).format(rng.choice(FILMS + BOOKS[:10])), None
    if category == "festival":
        options = ["{}读书节开幕式", "{}全民阅读月启动仪式", "书香{}颁奖典礼"]
        options += {
            6: ["端午诗词会"],
            9: ["中秋诗会"],
            1: ["新春文化庙会"],
            2: ["新春文化庙会"],
            4: ["4·23读书日主题活动"],
        }.get(month, [])
        return rng.choice(options).format(city.prefix), None
    return "读者见面会", None


CATEGORY_WEIGHTS = [
    ("lecture", 16),
    ("reading_club", 12),
    ("children", 14),
    ("parent_child", 9),
    ("salon", 6),
    ("exhibition", 5),
    ("contest", 3),
    ("training", 9),
    ("outreach", 7),
    ("screening", 6),
    ("digital", 5),
    ("accessibility", 3),
    ("festival", 2),
]
TIER_WEIGHT = {"central": 10, "district": 6, "county": 5, "branch": 3, "service_point": 1.5}
START_SLOTS = [(9, 0), (9, 30), (10, 0), (14, 0), (14, 30), (15, 0), (15, 30), (19, 0), (19, 30), (10, 30), (16, 0)]
CATEGORY_SHIFT = {
    "lecture": ["salon", "other", "training"],
    "reading_club": ["salon", "other"],
    "salon": ["reading_club", "lecture"],
    "children": ["parent_child", "reading_club"],
    "parent_child": ["children", "other"],
    "training": ["digital", "lecture", "other"],
    "digital": ["training", "other"],
    "screening": ["other", "accessibility"],
    "accessibility": ["screening", "other"],
    "exhibition": ["other", "festival"],
    "contest": ["festival", "children", "other"],
    "outreach": ["children", "lecture", "other"],
    "festival": ["other", "contest"],
}


# ----------------------------------------------------------------------------------------------
# Planning


class Planner:
    def __init__(self, city: City, rng: random.Random) -> None:
        self.city = city
        self.rng = rng
        self.acts: list[Act] = []
        self.booked: dict[tuple[str, date], list[tuple[datetime, datetime]]] = defaultdict(list)
        self.cores: set[tuple[date, str]] = set()
        self.n = 0
        self.days = [city.start + timedelta(days=i) for i in range((city.end - city.start).days + 1)]

    def label(self, family: str) -> str:
        self.n += 1
        return f"{self.city.key}-{self.n:05d}-{family}"

    def pick_day(self) -> date:
        while True:
            d = self.rng.choice(self.days)
            if d.weekday() >= 5 or self.rng.random() < 0.45:
                return d

    def pick_host(self, exclude_sp: bool = False) -> Lib:
        libs = [x for x in self.city.libs.values() if not (exclude_sp and x.tier == "service_point")]
        return self.rng.choices(libs, [TIER_WEIGHT[x.tier] for x in libs])[0]

    def room_for(self, x: Lib, category: str) -> Room | None:
        fits = [r for r in x.rooms if category in r.kinds]
        return self.rng.choice(fits) if fits else None

    def free(self, room: Room, day: date, s: datetime, e: datetime) -> bool:
        return all(e <= a or s >= b for a, b in self.booked[(room.key, day)])

    def book(self, act: Act) -> None:
        if act.room is not None:
            end = act.end if act.end.date() == act.day else act.start + timedelta(hours=2)
            self.booked[(act.room.key, act.day)].append(
                (act.start - timedelta(minutes=30), end + timedelta(minutes=30))
            )
        self.cores.add((act.day, act.core + act.mark))
        self.acts.append(act)

    def times(self, day: date, category: str, slot: tuple[int, int] | None = None) -> tuple[datetime, datetime]:
        h, m = slot or self.rng.choice(START_SLOTS)
        if category in ("children", "parent_child") and h >= 19:
            h = 10
        s = datetime(day.year, day.month, day.day, h, m, tzinfo=TZ)
        if category == "exhibition":
            return s, s + timedelta(days=self.rng.choice([6, 13, 20, 29]), hours=7)
        minutes = self.rng.choice([60, 90, 90, 120, 120, 150]) if category != "festival" else 120
        return s, s + timedelta(minutes=minutes)

    def brand_for(self, x: Lib, category: str) -> Brand | None:
        for b in self.city.brands:
            if b.lib == x.id and b.category == category and self.rng.random() < 0.85:
                return b
        return None

    def new_act(
        self,
        family: str,
        day: date | None = None,
        host: Lib | None = None,
        category: str | None = None,
        slot=None,
        room: Room | None = None,
        core: str | None = None,
        check: bool = True,
    ) -> Act | None:
        rng = self.rng
        for _ in range(40):
            cat = category or rng.choices([c for c, _ in CATEGORY_WEIGHTS], [w for _, w in CATEGORY_WEIGHTS])[0]
            x = host or self.pick_host()
            d = day or self.pick_day()
            s, e = self.times(d, cat, slot)
            outside = None
            r = room
            if cat == "outreach" and room is None:
                outside = rng.choice(self.city.outside)
            elif r is None:
                r = self.room_for(x, cat)
                if r is None:
                    continue
            if r is not None and not self.free(r, d, s, e if e.date() == d else s + timedelta(hours=2)):
                continue
            c, speaker = (core, None) if core else make_core(rng, self.city, cat, d.month)
            if check and (d, c) in self.cores:
                continue
            brand = self.brand_for(x, cat) if family != "branches" else None
            act = Act(
                self.label(family),
                family,
                d,
                s,
                e,
                x.id,
                None if outside else x.id,
                r,
                outside,
                cat,
                c,
                brand,
                speaker=speaker,
            )
            if brand and rng.random() < 0.5:
                act.issue = rng.randint(3, 160)
            return act
        return None

    # --- families ---------------------------------------------------------------------------

    def plain(self, n: int) -> None:
        for _ in range(n):
            a = self.new_act("plain")
            if a:
                self.book(a)

    def weekly(self, n: int) -> None:
        for _ in range(n):
            host = self.pick_host(exclude_sp=False)
            cat = self.rng.choice(["children", "reading_club", "training", "screening", "parent_child", "salon"])
            first = self.new_act("weekly", host=host, category=cat)
            if not first:
                continue
            if cat in ("children", "screening") and self.rng.random() < 0.5:
                first.core = self.rng.choice(
                    ["周末绘本故事会", "周六亲子阅读时光", "周末电影展映", "少儿英语绘本角", "周日故事会"]
                )
            k = self.rng.randint(3, 6)
            step = 7 if self.rng.random() < 0.8 else 14
            issue = first.issue
            for i in range(k):
                d = first.day + timedelta(days=step * i)
                if d > self.city.end:
                    break
                if first.room and not self.free(
                    first.room,
                    d,
                    first.start.replace(year=d.year, month=d.month, day=d.day),
                    first.end.replace(year=d.year, month=d.month, day=d.day),
                ):
                    continue
                a = Act(
                    **{
                        **first.__dict__,
                        "label": self.label("weekly"),
                        "day": d,
                        "start": first.start.replace(year=d.year, month=d.month, day=d.day),
                        "end": first.end.replace(year=d.year, month=d.month, day=d.day),
                        "issue": issue + i if issue else None,
                        "cohosts": [],
                    }
                )
                self.book(a)

    def branches(self, n: int) -> None:
        programmes = {  # programme: the months it is held in (None: any month)
            "寒假少儿剪纸课": (1, 2),
            "共读一本书": None,
            "猜灯谜闹元宵": (2,),
            "世界读书日图书漂流": (4,),
            "暑期少儿编程体验": (7, 8),
            "中秋手作月饼": (9,),
            "重阳节敬老读书会": (10,),
            "科普小实验": None,
            "端午香囊制作": (6,),
            "国家安全教育日知识讲座": (4,),
            "防溺水安全课堂": (5, 6, 7),
            "书法体验课": None,
            "新春送福写春联": (1, 2),
            "国庆红色经典诵读": (9, 10),
        }
        for _ in range(n):
            parent = self.rng.choice(
                [x for x in self.city.libs.values() if len(x.children) >= 2 or x.tier == "central"]
            )
            pool = [self.city.libs[c] for c in parent.children] + [parent]
            if len(pool) < 3:
                pool += [x for x in self.city.libs.values() if x.tier in ("branch", "service_point") and x not in pool]
            k = min(len(pool), self.rng.randint(3, 5))
            chosen = self.rng.sample(pool, k)
            day = self.pick_day()
            title = self.rng.choice([t for t, months in programmes.items() if months is None or day.month in months])
            cat = self.rng.choice(["children", "parent_child", "lecture", "training", "other"])
            if title == "共读一本书":
                title = f"共读一本书：《{self.rng.choice(BOOKS)}》"
                cat = "reading_club"
            slot = self.rng.choice([(9, 30), (10, 0), (14, 30), (15, 0)])
            for x in chosen:
                fits = [r for r in x.rooms if cat in r.kinds] or x.rooms
                room = self.rng.choice(fits)
                a = self.new_act(
                    "branches", day=day, host=x, category=cat, slot=slot, room=room, core=title, check=False
                )
                if a:
                    a.category = cat
                    a.strict_venue = True
                    a.cohosts = [parent.id] if parent.id != x.id and self.rng.random() < 0.6 else []
                    self.book(a)

    def parallel(self, n: int) -> None:
        for _ in range(n):
            x = self.rng.choice([y for y in self.city.libs.values() if len(y.rooms) >= 3])
            day = self.pick_day()
            slot = self.rng.choice([(9, 30), (10, 0), (14, 0), (14, 30)])
            if self.rng.random() < 0.45:
                cat = self.rng.choice(["children", "parent_child"])
                core, _ = make_core(self.rng, self.city, cat)
                rooms = [r for r in x.rooms if cat in r.kinds or r.base in ("读者活动室", "多功能厅", "活动区")]
                rooms = rooms if len(rooms) >= 2 else x.rooms[:2]
                marks = ["（3-6岁）", "（7-10岁）", "（11-14岁）"][: min(3, len(rooms))]
                for mark, room in zip(marks, rooms, strict=False):
                    a = self.new_act(
                        "parallel", day=day, host=x, category=cat, slot=slot, room=room, core=core, check=False
                    )
                    if a:
                        a.mark = mark
                        a.strict_venue = True
                        a.max_shift = 30
                        self.book(a)
            else:
                rooms = self.rng.sample(x.rooms, min(len(x.rooms), self.rng.randint(2, 3)))
                for room in rooms:
                    cat = self.rng.choice(room.kinds)
                    a = self.new_act("parallel", day=day, host=x, category=cat, slot=slot, room=room)
                    if a:
                        a.strict_venue = True
                        a.max_shift = 30
                        self.book(a)

    def sessions(self, n: int) -> None:
        for _ in range(n):
            first = self.new_act(
                "sessions",
                slot=self.rng.choice([(9, 0), (9, 30), (14, 0), (14, 30)]),
                category=self.rng.choice(["children", "parent_child", "lecture", "training", "screening", "digital"]),
            )
            if not first or first.room is None:
                continue
            gap = self.rng.choice([60, 90, 120])
            first.mark = self.rng.choice(["（第一场）", "（上午场）", "第一场"])
            first.end = first.start + timedelta(minutes=min(gap - 10, 60))
            first.max_shift = 20
            second = Act(
                **{
                    **first.__dict__,
                    "label": self.label("sessions"),
                    "start": first.start + timedelta(minutes=gap),
                    "end": first.end + timedelta(minutes=gap),
                    "mark": {"（第一场）": "（第二场）", "（上午场）": "（第二场）", "第一场": "第二场"}[first.mark],
                    "cohosts": [],
                }
            )
            self.book(first)
            self.book(second)

    def later_same_hall(self, n: int) -> None:
        for _ in range(n):
            first = self.new_act("hall", slot=self.rng.choice([(9, 0), (9, 30), (10, 0)]))
            if not first or first.room is None or first.end.date() != first.day:
                continue
            self.book(first)
            cat = self.rng.choice(first.room.kinds)
            later = self.new_act(
                "hall",
                day=first.day,
                host=self.city.libs[first.host],
                category=cat,
                slot=self.rng.choice([(14, 0), (14, 30), (15, 0), (19, 0)]),
                room=first.room,
            )
            if later:
                self.book(later)

    def same_book(self, n: int) -> None:
        for _ in range(n):
            book = self.rng.choice(BOOKS)
            day = self.pick_day()
            hosts = self.rng.sample([x for x in self.city.libs.values() if x.tier != "service_point"], 2)
            same_hour = self.rng.random() < 0.5
            slot = self.rng.choice([(14, 30), (19, 0), (15, 0)])
            for x in hosts:
                core = self.rng.choice(["共读《{}》", "《{}》读书分享会"]).format(book)
                a = self.new_act(
                    "samebook",
                    day=day,
                    host=x,
                    category="reading_club",
                    slot=slot if same_hour else None,
                    core=core,
                    check=False,
                )
                if a:
                    a.strict_venue = True
                    self.book(a)

    def repeats(self, n: int) -> None:
        for _ in range(n):
            yearly = self.rng.random() < 0.4
            cat = self.rng.choice(
                ["festival", "contest", "exhibition"] if yearly else ["reading_club", "salon", "lecture", "children"]
            )
            first = self.new_act("repeat", category=cat)
            if not first:
                continue
            if yearly:
                first.core = self.rng.choice(
                    [
                        f"{self.city.prefix}读书节开幕式",
                        f"{self.city.prefix}少儿朗读大赛决赛",
                        "全民阅读推广表彰会",
                        "书香家庭颁奖典礼",
                        "馆藏精品年度展",
                    ]
                )
            self.book(first)
            step = 364 if yearly else self.rng.choice([28, 35])
            d = first.day + timedelta(days=step)
            a = Act(
                **{
                    **first.__dict__,
                    "label": self.label("repeat"),
                    "day": d,
                    "start": first.start + timedelta(days=step),
                    "end": first.end + timedelta(days=step),
                    "issue": first.issue + 1 if first.issue and not yearly else first.issue,
                    "cohosts": [],
                }
            )
            self.book(a)


# ----------------------------------------------------------------------------------------------
# Writing announcements

EMOJI = ["📚", "✨", "🎉", "📖", "🌸", "🔥", "👉", "🎈", "❤️", "⭐"]
PREFIXES = [
    "【联盟活动】",
    "【活动预告】",
    "【预告】",
    "【好消息】",
    "【周末去哪儿】",
    "活动预告｜",
    "【免费】",
    "【重磅】",
    "【书香{p}】",
    "【{p}联盟】",
]
SUFFIXES = [
    "（报名中）",
    "（已满员）",
    "欢迎参加",
    "，欢迎参加！",
    "——诚邀您参加",
    "（免费）",
    "（名额有限）",
    "【报名中】",
    "（额满即止）",
    "，等你来！",
]
APPENDS = ["活动", "读书分享活动", "主题活动", "公益讲座", "系列活动"]
TYPOS = {
    "讲座": "讲坐",
    "故事": "故是",
    "绘本": "会本",
    "沙龙": "沙笼",
    "分享": "分亨",
    "展览": "展揽",
    "朗读": "郎读",
    "培训": "陪训",
    "竞赛": "竟赛",
    "体验": "休验",
    "读书": "读书书",
    "亲子": "亲子子",
    "手工": "手功",
    "共读": "共渎",
}
TRAD = str.maketrans(
    {
        "书": "書",
        "读": "讀",
        "会": "會",
        "图": "圖",
        "馆": "館",
        "讲": "講",
        "亲": "親",
        "儿": "兒",
        "绘": "繪",
        "阅": "閱",
        "节": "節",
        "诗": "詩",
        "东": "東",
        "龙": "龍",
        "门": "門",
        "华": "華",
    }
)
VENUE_TYPOS = [("厅", "听"), ("馆", "管"), ("览", "揽"), ("室", "是"), ("楼", "搂"), ("区", "去")]


@dataclass
class Ann:
    act: Act
    lib: str
    role: str  # host / cohost / repost / second
    data: dict
    habits: list[str]
    post: datetime | None = None


class Writer:
    def __init__(self, city: City, rng: random.Random) -> None:
        self.city = city
        self.rng = rng
        self.refs: Counter = Counter()
        self.habits: Counter = Counter()
        self.ref_style = {x: i % 4 for i, x in enumerate(city.libs)}

    def p(self, base: float) -> bool:
        """A habit with probability scaled by the city's messiness."""
        return self.rng.random() < min(0.95, base * (0.6 + self.city.messy))

    # --- titles ---------------------------------------------------------------------------

    def title(self, a: Act, heavy: bool, notes: list[str]) -> str:
        rng = self.rng
        core = a.core
        if heavy and "《" in core and self.p(0.25):
            q = rng.choice(["none", "curly", "corner", "angle"])
            left, right = {"none": ("", ""), "curly": ("“", "”"), "corner": ("「", "」"), "angle": ("<", ">")}[q]
            core = core.replace("《", left).replace("》", right)
            notes.append(f"title:book quotes {q}")
        if heavy and "：" in core and self.p(0.12):
            core = core.split("：", 1)[1]
            notes.append("title:series prefix in the core dropped")
        brand_part = ""
        if a.brand:
            issue = ""
            if a.issue:
                style = rng.choice(["第{}期", "第{}期", "第{}讲", "No.{}", "（{}）", "cn"]) if heavy else "第{}期"
                issue = (
                    f"第{cn_number(a.issue)}期"
                    if style == "cn" and a.issue < 100
                    else style.format(a.issue).replace("cn", str(a.issue))
                )
                if style != "第{}期":
                    notes.append("title:issue written differently")
            if heavy and self.p(0.3):
                notes.append("title:brand prefix dropped")
                brand_part = ""
            elif heavy and self.p(0.12):
                notes.append("title:brand in English")
                brand_part = f"{a.brand.en}{' ' + issue if issue else ''} | "
            elif heavy and self.p(0.12):
                notes.append("title:brand moved to the end")
                core = f"{core}——{a.brand.name}{issue}"
            else:
                sep = "：" if not heavy else rng.choice(["：", "：", "|", "丨", " · ", "——", " "])
                if sep != "：":
                    notes.append("title:separator")
                brand_part = f"{a.brand.name}{issue}{sep}"
        mark = a.mark
        if mark and heavy and rng.random() < 0.3:
            mark = mark.replace("（", "(").replace("）", ")") if mark.startswith("（") else f"（{mark}）"
            notes.append("title:session mark brackets")
        text = brand_part + core + mark
        if a.speaker:
            if not heavy and rng.random() < 0.3:
                text += f"（主讲：{a.speaker}）"
            elif heavy and self.p(0.35):
                style = rng.choice(["（主讲：{}）", "｜{}老师", "——{}教授主讲", "{}：", " 主讲人{}"])
                text = style.format(a.speaker) + text if style == "{}：" else text + style.format(a.speaker)
                notes.append("title:speaker named")
        if heavy and a.category == "reading_club" and "《" in a.core and not a.brand and self.p(0.1):
            book = a.core[a.core.index("《") : a.core.index("》") + 1]
            text = text.replace(core, book + rng.choice(["读书会", "共读会", "分享会", "阅读分享"]))
            notes.append("title:reworded around the book")
        if heavy and self.p(0.25):
            add = rng.choice(APPENDS)
            if not text.endswith(add[-2:]):
                text += add
                notes.append("title:word appended")
        if heavy and a.mark == "" and a.category in ("children", "parent_child") and self.p(0.06):
            text += rng.choice(["（适合4-8岁）", "（亲子）", "（小学生专场）"])
            notes.append("title:audience appended")
        if heavy and self.p(0.08):
            text = f"{a.day.month}月{a.day.day}日{rng.choice(['｜', '：', ' ', '（周' + '一二三四五六日'[a.day.weekday()] + '）'])}{text}"
            notes.append("title:date in title")
        if heavy and self.p(0.3):
            text = rng.choice(PREFIXES).format(p=self.city.prefix) + text
            notes.append("title:bracket prefix")
        if heavy and self.p(0.28):
            text += rng.choice(SUFFIXES)
            notes.append("title:status/invitation suffix")
        if heavy and self.p(0.15):
            e = rng.choice(EMOJI)
            text = (e + text) if rng.random() < 0.5 else (text + e + (e if rng.random() < 0.3 else ""))
            notes.append("title:emoji")
        if heavy and self.p(0.06):
            text = rng.choice(["English Corner | ", "Reading Time · ", "Story Time: ", "Book Talk | "]) + text
            notes.append("title:English words")
        if heavy and self.p(0.1):
            text = text.replace("：", ":").replace("（", "(").replace("）", ")").replace("！", "!").replace("，", ",")
            notes.append("title:half-width punctuation")
        if heavy and self.p(0.1):
            i = rng.randint(1, max(1, len(text) - 1))
            text = text[:i] + " " + text[i:]
            notes.append("title:extra space")
        if heavy and self.p(0.07):
            for right, wrong in TYPOS.items():
                if right in text:
                    text = text.replace(right, wrong, 1)
                    notes.append("title:typo")
                    break
        if heavy and self.city.key == "city_d" and self.p(0.025):
            text = text.translate(TRAD)
            notes.append("title:traditional characters")
        return text.strip()[:200]

    # --- venues ---------------------------------------------------------------------------

    def floor_text(self, floor: int, style: str) -> str:
        return {
            "cn": f"{cn_number(floor)}楼",
            "digit": f"{floor}楼",
            "F": f"{floor}F",
            "ceng": f"{cn_number(floor)}层",
            "wide": f"{floor}楼".translate(FULLWIDTH),
        }[style]

    def room_text(self, room: Room, with_floor: bool, notes: list[str], heavy: bool) -> str:
        base = room.base
        if heavy and self.p(0.12):
            base = self.rng.choice(room.synonyms)
            notes.append("venue:room synonym")
        if not room.floor or not with_floor:
            return base
        style = "cn"
        if heavy and self.p(0.25):
            style = self.rng.choice(["digit", "F", "ceng", "wide"])
            notes.append(f"venue:floor written {style}")
        ft = self.floor_text(room.floor, style)
        if heavy and self.p(0.15):
            notes.append("venue:floor in brackets")
            return f"{base}（{ft}）" if self.rng.random() < 0.6 else f"{base}({ft})"
        return ft + base

    def relation(self, writer: str, owner: str) -> str:
        libs = self.city.libs
        if writer == owner:
            return "self"
        if libs[owner].parent == writer or libs[writer].parent == owner:
            return "near"
        if libs[owner].parent and libs[owner].parent == libs[writer].parent:
            return "near"
        return "far"

    def venue(self, a: Act, writer: str, heavy: bool, notes: list[str], second: bool = False) -> dict:
        rng = self.rng
        city = self.city
        if a.outside:
            long, short, addr, variants = a.outside
            r = rng.random() if heavy else 0.0
            if r < 0.4:
                name = long
            elif r < 0.65:
                name = short
                notes.append("venue:outside place short")
            elif r < 0.85:
                name = rng.choice(variants)
                notes.append("venue:outside place other name")
            else:
                name = addr + short
                notes.append("venue:outside place with address")
            v = {"name": name}
            if rng.random() < 0.4:
                v["address"] = addr
            return v
        assert a.owner and a.room
        owner = city.libs[a.owner]
        room = a.room
        rel = self.relation(writer, a.owner)
        venue_id = None
        if city.directory and rng.random() < (0.35 if rel == "self" and not heavy else 0.12):
            venue_id = room.key
        if not heavy:
            # the owner's plain wording: the directory name or the room with its library
            r = rng.random()
            if r < 0.55:
                name = room.directory_name()
                notes.append("plain:venue directory name")
            elif r < 0.8:
                name = owner.name + room.directory_name()
                notes.append("plain:venue full name + room")
            else:
                name = room.base
                notes.append("plain:venue bare room")
        else:
            choices = ["full_room", "full_nofloor", "abbr_room", "address", "address_room", "short_lib", "lib_only"]
            weights = [22, 12, 24, 7, 6, 8, 6]
            if rel == "self":
                choices += ["bare", "dir", "benguan"]
                weights += [14, 20, 6]
            if city.directory:
                choices.append("alias")
                weights.append(10)
            if rel == "far":
                weights[2] = 14
            kind = rng.choices(choices, weights)[0]
            if kind == "lib_only" and (a.strict_venue and (a.family != "branches" or a.owner == a.host and False)):
                kind = "full_room"
            if kind == "lib_only" and a.family == "parallel":
                kind = "full_room"
            with_floor = kind not in ("full_nofloor",) and rng.random() < 0.75
            rt = self.room_text(room, with_floor, notes, heavy)
            if kind == "full_room" or kind == "full_nofloor":
                name = owner.name + rt
            elif kind == "abbr_room":
                generic_ok = rel != "far" and not (a.family in ("branches", "samebook") and owner.tier != "central")
                pool = owner.specific + (owner.generic if generic_ok else [])
                name = rng.choice(pool) + rt
                kind = "abbr_room"
            elif kind == "address":
                name = owner.address
            elif kind == "address_room":
                name = owner.address + ("图书馆" if rng.random() < 0.5 else "") + rt
            elif kind == "short_lib":
                name = owner.short + rt
            elif kind == "lib_only":
                name = rng.choice([owner.name, owner.short] + owner.specific)
            elif kind == "bare":
                name = room.base if rng.random() < 0.6 else rt
            elif kind == "dir":
                name = room.directory_name()
            elif kind == "benguan":
                name = rng.choice(["本馆", "我馆", "馆内"]) + rt
            else:  # alias
                name = rng.choice(self.aliases(owner, room))
            notes.append(f"venue:{kind}")
            if self.p(0.06):
                for right, wrong in VENUE_TYPOS:
                    if right in name:
                        name = name.replace(right, wrong, 1)
                        notes.append("venue:typo")
                        break
            if self.p(0.07):
                i = rng.randint(1, max(1, len(name) - 1))
                name = name[:i] + " " + name[i:]
                notes.append("venue:extra space")
            if self.p(0.04):
                name = name + rng.choice(["（地铁2号线旁）", "（东门进入）", "，请从侧门进入", "（停车不便）"])
                notes.append("venue:directions appended")
        if second and rng.random() < 0.5:
            name = name.replace("楼", "层", 1) if "楼" in name else owner.short + room.base
            notes.append("venue:retyped by the same library")
        v: dict = {"name": name[:200]}
        if rng.random() < (0.5 if heavy else 0.3):
            v["address"] = owner.address if rng.random() < 0.8 else owner.address.replace("号", "號", 1)
        if venue_id:
            v["venue_id"] = venue_id
            notes.append("venue:venue_id")
        return v

    def aliases(self, owner: Lib, room: Room) -> list[str]:
        sp = owner.specific[0]
        return [
            f"{sp}{room.base}",
            f"{sp}{room.base}（{cn_number(room.floor)}楼）" if room.floor else f"{owner.short}{room.base}",
        ]

    # --- times ----------------------------------------------------------------------------

    def times(self, a: Act, heavy: bool, notes: list[str], desc: list[str]) -> tuple[datetime, datetime]:
        rng = self.rng
        s, e = a.start, a.end
        if heavy:
            r = rng.random()
            limit = a.max_shift
            if r < 0.22 * (0.6 + self.city.messy):
                early = rng.choice([15, 20, 30])
                if early <= limit:
                    s = s - timedelta(minutes=early)
                    notes.append("start:sign-in time")
                    if rng.random() < 0.5:
                        desc.append(f"{s:%H:%M}签到，{a.start:%H:%M}正式开始。")
            elif r < 0.35 * (0.6 + self.city.messy):
                if s.minute:
                    shift = -s.minute if rng.random() < 0.6 else 60 - s.minute
                    if abs(shift) <= limit:
                        s = s + timedelta(minutes=shift)
                        notes.append("start:rounded")
            elif r < 0.44 * (0.6 + self.city.messy) and limit >= 60:
                shift = rng.choice([-60, -45, -40, 40, 45, 50, 60])
                s = s + timedelta(minutes=shift)
                notes.append("start:up to an hour off")
            elif a.category == "exhibition" and r < 0.5 * (0.6 + self.city.messy) and limit >= 60:
                s = s + timedelta(minutes=rng.choice([30, 60]))
                notes.append("start:exhibition ceremony time")
            r = rng.random()
            if r < 0.2 * (0.6 + self.city.messy):
                e = s
                notes.append("end:missing (= start)")
            elif r < 0.35 * (0.6 + self.city.messy):
                if a.end.date() != a.day:
                    e = a.start.replace(hour=17, minute=0)
                else:
                    e = s + timedelta(minutes=rng.choice([60, 90, 120, 180]))
                notes.append("end:other")
            elif r < 0.45 * (0.6 + self.city.messy) and e.minute:
                e = e + timedelta(minutes=60 - e.minute)
                notes.append("end:rounded up")
        if e < s:
            e = s
        return s, e

    # --- organizers -----------------------------------------------------------------------

    def organizers(self, a: Act, writer: str, heavy: bool, notes: list[str]) -> list[dict]:
        rng = self.rng
        full = [{"library_id": a.host, "role": "host"}]
        for c in a.cohosts:
            full.append({"library_id": c, "role": rng.choice(["co_host", "organiser", "co_organiser"])})
        if not heavy:
            if len(full) == 1 and rng.random() < 0.5:
                notes.append("plain:org omitted")
                return []
            notes.append("plain:org full list")
            return full
        style = rng.choices(
            ["full", "host_self", "omitted", "self", "self_participant", "host_only", "subset", "self_host"],
            [30, 18, 24, 10, 5, 5, 5, 3],
        )[0]
        notes.append(f"org:{style}")
        if style == "full":
            return full
        own_role = rng.choice(["co_host", "organiser", "co_organiser"])
        if style == "host_self":
            return [full[0]] + ([{"library_id": writer, "role": own_role}] if writer != a.host else [])
        if style == "omitted":
            return []
        if style == "self":
            return [{"library_id": writer, "role": own_role if writer != a.host else "host"}]
        if style == "self_participant":
            return [full[0], {"library_id": writer, "role": "participant"}] if writer != a.host else full
        if style == "host_only":
            return [full[0]]
        if style == "self_host":  # a co-host claiming to be the host
            return [{"library_id": writer, "role": "host"}]
        out = [o for o in full if o["library_id"] in (a.host, writer) or rng.random() < 0.5]
        if writer not in [o["library_id"] for o in out]:
            out.append({"library_id": writer, "role": own_role})
        return out

    # --- the whole announcement -----------------------------------------------------------

    def source_ref(self, writer: str, a: Act) -> str:
        self.refs[writer] += 1
        n = self.refs[writer]
        style = self.ref_style[writer]
        if style == 0:
            return f"{writer.upper()}-{a.day.year}-{n:04d}"
        if style == 1:
            return f"wx{self.rng.randint(10**7, 10**8 - 1)}-{n}"
        if style == 2:
            return f"{a.day:%Y%m%d}{n:03d}"
        return f"act/{n}"

    def description(self, a: Act) -> str:
        where = a.outside[0] if a.outside else self.city.libs[a.owner or a.host].name
        bits = {
            "lecture": f"本期邀请{a.speaker or '特邀嘉宾'}为读者带来精彩分享，欢迎广大读者参加。",
            "reading_club": "读书会成员与读者一起分享阅读心得，现场有好书赠送。",
            "children": "由故事老师带领小朋友一起阅读绘本，适合4-8岁儿童，请家长陪同。",
            "parent_child": "亲子共同动手制作，材料由馆方提供，名额有限。",
            "exhibition": "展览期间免费开放，欢迎参观。",
            "training": "手把手教学，请自带手机。",
        }
        return f"{bits.get(a.category, '欢迎读者朋友参加。')}活动地点：{where}。"

    def write(self, a: Act, writer: str, role: str, heavy: bool, base: dict | None = None) -> Ann:
        rng = self.rng
        notes: list[str] = []
        desc_extra: list[str] = []
        second = role == "second"
        if second and base is not None:
            data = json.loads(json.dumps(base))
            variant = rng.choice(["retitle", "ten", "correction"])
            notes.append(f"second:{variant}")
            if variant == "retitle":
                data["title"] = self.title(a, True, notes)
                if data["title"] == base["title"]:
                    data["title"] = base["title"] + rng.choice(["（报名中）", "活动", "！"])
            elif variant == "ten":
                s = datetime.fromisoformat(data["starts_at"]) + timedelta(minutes=rng.choice([-10, 10]))
                data["starts_at"] = s.isoformat()
                e = datetime.fromisoformat(data["ends_at"])
                data["ends_at"] = max(e, s).isoformat()
            else:
                data["title"] = rng.choice(["（更正）", "【修改】", "【更新】", "（重发）"]) + base["title"]
                data["venue"] = self.venue(a, writer, True, notes, second=True)
            data["source_ref"] = self.source_ref(writer, a)
            return Ann(a, writer, role, data, notes)
        title = self.title(a, heavy, notes)
        if role == "repost":
            title = rng.choice(["【转发】", "转发：", "【转】", "【联盟动态】"]) + title
            notes.append("title:repost prefix")
        s, e = self.times(a, heavy, notes, desc_extra)
        category = a.category
        if heavy and a.category in CATEGORY_SHIFT and self.p(0.15):
            category = rng.choice(CATEGORY_SHIFT[a.category])
            notes.append("category:differs")
        data: dict = {
            "library_id": writer,
            "source_ref": self.source_ref(writer, a),
            "revision": 1,
            "status": "scheduled",
            "title": title,
            "category": category,
            "starts_at": s.isoformat(),
            "ends_at": e.isoformat(),
            "venue": self.venue(a, writer, heavy, notes),
            "organizers": self.organizers(a, writer, heavy, notes),
        }
        if not heavy or rng.random() < 0.45:
            data["description"] = a.description + "".join(desc_extra)
            if heavy:
                notes.append("desc:copied")
        elif rng.random() < 0.5:
            data["description"] = self.description(a) + "".join(desc_extra)
            notes.append("desc:own")
        else:
            notes.append("desc:none")
        if a.brand and writer == a.brand.lib and rng.random() < 0.7:
            data["brand_id"] = a.brand.id
        c0, c1 = self.city.campaign[2], self.city.campaign[3]
        if c0 <= a.day <= c1 and rng.random() < (0.6 if not heavy else 0.3):
            data["campaign_id"] = self.city.campaign[0]
        if a.audience and rng.random() < 0.6:
            data["audience"] = a.audience
        if rng.random() < 0.3:
            data["tags"] = rng.sample(["阅读推广", "全民阅读", "公益", "亲子", "非遗", "讲座", "读书会", "周末"], 2)
        if rng.random() < 0.25:
            data["capacity"] = rng.choice([20, 30, 40, 50, 80, 100, 200])
        if rng.random() < 0.2:
            data["contact"] = f"0{rng.randint(700, 799)}-{rng.randint(2000000, 8999999)}"
        if rng.random() < 0.1:
            data["registration_url"] = f"https://reg.{self.city.alliance_id}.example.cn/e/{rng.randint(1000, 99999)}"
        if heavy and self.city.key == "city_d" and not a.strict_venue and a.family == "plain" and self.p(0.02):
            place = data["venue"]["name"]
            data["venue"] = {"name": rng.choice(["详见正文", "见活动详情", "见海报"])}
            data["description"] = data.get("description", "") + f"活动地点：{place}。"
            notes.append("venue:only in the description")
        if data["organizers"] == []:
            del data["organizers"]
        return Ann(a, writer, role, data, notes)


def announcers(city: City, a: Act, rng: random.Random, size: int) -> list[tuple[str, str]]:
    """(library, role) of the announcements of one activity."""
    libs = city.libs
    host = libs[a.host]
    related: list[str] = []
    if host.parent:
        related.append(host.parent)
        grand = libs[host.parent].parent
        if grand:
            related.append(grand)
    related += host.children
    if a.family != "branches":
        siblings = [c for c in (libs[host.parent].children if host.parent else []) if c != host.id]
        related += rng.sample(siblings, min(len(siblings), 1))
        if rng.random() < 0.3:
            related.append(rng.choice([x for x in libs if x != host.id]))
    related = [r for r in dict.fromkeys(related) if r != host.id]
    if a.family == "branches" and a.cohosts:
        related = [c for c in a.cohosts] + [r for r in related if r not in a.cohosts]
    out: list[tuple[str, str]] = []
    if rng.random() < 0.9:
        out.append((host.id, "host"))
    pool = list(related)
    rng.shuffle(pool)
    if a.family == "branches" and a.cohosts:
        pool.sort(key=lambda r: r not in a.cohosts)
    while len(out) < size:
        r = rng.random()
        if r < 0.13 and out:
            who = rng.choice(out)[0]
            out.append((who, "second"))
        elif r < 0.2 and host.id != next(iter(libs)):
            out.append((next(iter(libs)), "repost"))
        elif pool:
            out.append((pool.pop(), "cohost"))
        else:
            out.append((host.id, "host" if all(w != host.id for w, _ in out) else "second"))
    # a 'second' must follow an earlier announcement by the same library in a first role
    fixed: list[tuple[str, str]] = []
    for who, role in out:
        if role == "second" and not any(w == who and ro != "second" for w, ro in fixed):
            role = "host" if who == host.id else "cohost"
        if role == "repost" and any(w == who and ro != "second" for w, ro in fixed):
            role = "second"
        if role in ("host", "cohost") and any(w == who and ro != "second" for w, ro in fixed):
            role = "second"
        fixed.append((who, role))
    return fixed


def bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def similarity(x: dict, y: dict) -> float:
    bx = bigrams(x["title"] + x["venue"]["name"])
    by = bigrams(y["title"] + y["venue"]["name"])
    jac = len(bx & by) / max(1, len(bx | by))
    gap = abs((datetime.fromisoformat(x["starts_at"]) - datetime.fromisoformat(y["starts_at"])).total_seconds()) / 3600
    return jac - 0.3 * gap + (0.1 if x["category"] == y["category"] else 0)


def build(city: City, seed: int) -> dict:
    rng = random.Random(seed)
    furnish(city, rng)
    plan = Planner(city, rng)
    messy = city.key == "city_d"
    plan.weekly(30 if not messy else 34)
    plan.branches(24 if not messy else 22)
    plan.parallel(28 if not messy else 24)
    plan.sessions(34 if not messy else 30)
    plan.later_same_hall(36 if not messy else 34)
    plan.same_book(24 if not messy else 26)
    plan.repeats(20 if not messy else 22)
    plan.plain(840 if not messy else 760)
    acts = plan.acts
    # host's plain description, co-hosts of ordinary activities, audiences
    for a in acts:
        a.description = Writer.description(Writer(city, rng), a)
        if a.category in ("children", "parent_child"):
            a.audience = rng.choice(["少年儿童", "4-10岁儿童及家长", "亲子家庭"])
        elif a.category == "accessibility":
            a.audience = "视障读者"
        elif a.category == "training" and "老年" in a.core:
            a.audience = "老年读者"
    writer = Writer(city, rng)
    anns: list[Ann] = []
    sizes = Counter()
    p_multi = 0.28 if not messy else 0.29
    for a in acts:
        size = 1
        if rng.random() < p_multi:
            size = rng.choices([2, 3, 4, 5, 6], [46, 30, 14, 7, 3])[0]
        who = announcers(city, a, rng, size)
        if size > 1:
            for w, role in who:
                if role == "cohost" and w not in a.cohosts and rng.random() < 0.8:
                    a.cohosts.append(w)
        group: list[Ann] = []
        for w, role in who:
            heavy = not (role == "host" and rng.random() < 0.7)
            for _ in range(20):
                if role == "second":
                    base = next(g.data for g in group if g.lib == w)
                    ann = writer.write(a, w, role, True, base)
                else:
                    ann = writer.write(a, w, role, heavy)
                starts = [a.start] + [datetime.fromisoformat(g.data["starts_at"]) for g in (*group, ann)]
                if (max(starts) - min(starts)).total_seconds() <= a.max_shift * 60:
                    break  # a coordinator would still call it one activity (spread within the limit)
            group.append(ann)
        sizes[len(group)] += 1
        # arrival order
        ev = a.start
        bridge = False
        if len(group) >= 3 and rng.random() < 0.65:
            scores = []
            for i, g in enumerate(group):
                others = [similarity(g.data, h.data) for j, h in enumerate(group) if j != i]
                scores.append((min(others), i))
            _, ci = max(scores)
            rest = [g for i, g in enumerate(group) if i != ci]
            rest.sort(key=lambda g: sum(similarity(g.data, h.data) for h in rest))
            order = rest + [group[ci]]
            days = sorted(rng.uniform(2, 21) for _ in order)[::-1]
            for g, d in zip(order, days, strict=True):
                g.post = ev - timedelta(days=d)
            bridge = True
            writer.habits["arrival:connector last (groups)"] += 1
        else:
            for g in group:
                g.post = ev - timedelta(days=rng.uniform(1, 21))
        for g in group:
            if g.role == "second":  # a library's second entry never arrives before its first
                first = next(h for h in group if h.lib == g.lib and h.role != "second")
                if g.post <= first.post:
                    if bridge:
                        g.post, first.post = first.post, g.post
                    else:
                        g.post = first.post + timedelta(hours=rng.uniform(0.5, 48))
        anns += group
    anns.sort(key=lambda g: (g.post, g.data["library_id"], g.data["source_ref"]))
    return {"acts": acts, "anns": anns, "sizes": sizes, "writer": writer}


# ----------------------------------------------------------------------------------------------
# Output


def toml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def alliance_toml(city: City) -> str:
    out = [
        f"# {city.name} — an invented alliance for the fresh dedup evaluation set (issue 18).",
        "# Generated by generate_fresh.py; do not edit by hand.",
        "",
        "[alliance]",
        f"id = {toml_str(city.alliance_id)}",
        f"name = {toml_str(city.name)}",
        f"name_en = {toml_str(city.name_en)}",
        'timezone = "Asia/Shanghai"',
        "",
    ]
    for x in city.libs.values():
        out += ["[[members]]", f"id = {toml_str(x.id)}", f"name = {toml_str(x.name)}", f"tier = {toml_str(x.tier)}"]
        if x.parent:
            out.append(f"parent = {toml_str(x.parent)}")
        out += [f"address = {toml_str(x.address)}", ""]
    if city.directory:
        for x in city.libs.values():
            for r in x.rooms:
                al = [f"{x.specific[0]}{r.base}"]
                if r.floor:
                    al.append(f"{x.specific[0]}{r.base}（{cn_number(r.floor)}楼）")
                out += [
                    "[[venues]]",
                    f"id = {toml_str(r.key)}",
                    f"library_id = {toml_str(x.id)}",
                    f"name = {toml_str(r.directory_name())}",
                    "aliases = [" + ", ".join(toml_str(s) for s in al) + "]",
                    f"address = {toml_str(x.address)}",
                    "",
                ]
    for b in city.brands:
        out += [
            "[[brands]]",
            f"id = {toml_str(b.id)}",
            f"name = {toml_str(b.name)}",
            f"library_id = {toml_str(b.lib)}",
            f"category = {toml_str(b.category)}",
            f"keywords = [{toml_str(b.name)}]",
            "",
        ]
    cid, cname, c0, c1 = city.campaign
    out += [
        "[[campaigns]]",
        f"id = {toml_str(cid)}",
        f"name = {toml_str(cname)}",
        f"starts_on = {c0}",
        f"ends_on = {c1}",
        "",
    ]
    return "\n".join(out)


def summarise(city: City, result: dict) -> dict:
    acts, anns = result["acts"], result["anns"]
    by_label: dict[str, list[Ann]] = defaultdict(list)
    for g in anns:
        by_label[g.act.label].append(g)
    sizes = Counter(len(v) for v in by_label.values())
    pairs = sum(n * (n - 1) // 2 for n in (len(v) for v in by_label.values()))
    in_groups = sum(len(v) for v in by_label.values() if len(v) > 1)
    habits: Counter = Counter()
    for g in anns:
        if len(by_label[g.act.label]) > 1:
            for h in dict.fromkeys(g.habits):
                habits[h] += 1
    families = Counter(a.family for a in acts)
    fam_multi = Counter(a.family for a in acts if len(by_label[a.label]) > 1)
    groups_with = Counter()
    for v in by_label.values():
        if len(v) < 2:
            continue
        if len({g.data["venue"]["name"] for g in v}) > 1:
            groups_with["venue written differently"] += 1
        if len({g.data["title"] for g in v}) > 1:
            groups_with["titles differ"] += 1
        if len({g.data["starts_at"] for g in v}) > 1:
            groups_with["start times differ"] += 1
        if len({g.data["ends_at"] for g in v}) > 1:
            groups_with["end times differ"] += 1
        if len({g.data["category"] for g in v}) > 1:
            groups_with["categories differ"] += 1
        if len({json.dumps(g.data.get("organizers", []), sort_keys=True) for g in v}) > 1:
            groups_with["organizer lists differ or omitted"] += 1
        if len({g.lib for g in v}) < len(v):
            groups_with["same library twice"] += 1
        if any(g.role == "repost" for g in v):
            groups_with["repost by another member"] += 1
        libs = [g.lib for g in v]
        host = v[0].act.host
        for i, x in enumerate(v):
            for y in v[i + 1 :]:
                if x.lib != y.lib and x.lib != host and y.lib != host:
                    ox = {o["library_id"] for o in x.data.get("organizers", [])}
                    oy = {o["library_id"] for o in y.data.get("organizers", [])}
                    if y.lib not in ox and x.lib not in oy:
                        groups_with["two co-hosts that do not list each other"] += 1
                        break
            else:
                continue
            break
        del libs
        gaps = [
            abs(
                (
                    datetime.fromisoformat(x.data["starts_at"]) - datetime.fromisoformat(y.data["starts_at"])
                ).total_seconds()
            )
            for x in v
            for y in v
        ]
        if max(gaps) >= 40 * 60:
            groups_with["starts 40-60 min apart"] += 1
    return {
        "city": city.key,
        "alliance": city.name,
        "members": len(city.libs),
        "directory_rooms": sum(len(x.rooms) for x in city.libs.values()) if city.directory else 0,
        "announcements": len(anns),
        "labels": len(by_label),
        "true_pairs": pairs,
        "announcements_in_multi_groups": in_groups,
        "share_in_multi_groups": round(in_groups / len(anns), 3),
        "group_sizes": {str(k): sizes[k] for k in sorted(sizes)},
        "dates": [str(min(a.day for a in acts)), str(max(a.day for a in acts))],
        "families_activities": dict(sorted(families.items())),
        "families_activities_with_duplicates": dict(sorted(fam_multi.items())),
        "groups_showing": dict(sorted(groups_with.items())),
        "habits_in_multi_groups": dict(sorted(habits.items())),
        "arrival_connector_last_groups": result["writer"].habits["arrival:connector last (groups)"],
        "with_venue_id": sum(1 for g in anns if "venue_id" in g.data["venue"]),
    }


def check() -> None:
    """Validate the written files with shuxiang itself (``--check``; needs the project's venv)."""
    from shuxiang.alliance import load_alliance
    from shuxiang.schemas.submission import ActivitySubmission

    for key in ("city_c", "city_d"):
        alliance = load_alliance(HERE / key / "alliance.toml")
        members = {m.id for m in alliance.members}
        venues = {v.id for v in alliance.venues}
        brands = {b.id for b in alliance.brands}
        refs: set[tuple[str, str]] = set()
        starts: dict[str, list[datetime]] = defaultdict(list)
        for line in (HERE / key / "eval.jsonl").read_text(encoding="utf-8").splitlines():
            data = json.loads(line)
            label = data.pop("label")
            sub = ActivitySubmission.model_validate(data)
            assert sub.library_id in members and all(o.library_id in members for o in sub.organizers), line
            assert sub.venue.venue_id is None or sub.venue.venue_id in venues, line
            assert sub.brand_id is None or sub.brand_id in brands, line
            assert (sub.library_id, sub.source_ref) not in refs, line
            refs.add((sub.library_id, sub.source_ref))
            starts[label].append(sub.starts_at)
        for label, times in starts.items():
            assert len({t.date() for t in times}) == 1, label
            assert (max(times) - min(times)).total_seconds() <= 3600, label
        print(f"{key}: {len(refs)} announcements, {len(starts)} labels: ok")


def main() -> None:
    summary = {"seed": SEED, "cities": {}}
    for i, make in enumerate((city_c, city_d)):
        city = make()
        result = build(city, SEED + i)
        folder = HERE / city.key
        folder.mkdir(exist_ok=True)
        (folder / "alliance.toml").write_text(alliance_toml(city), encoding="utf-8")
        with (folder / "eval.jsonl").open("w", encoding="utf-8") as out:
            for g in result["anns"]:
                out.write(json.dumps({**g.data, "label": g.act.label}, ensure_ascii=False) + "\n")
        summary["cities"][city.key] = summarise(city, result)
    (HERE / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    import sys

    check() if "--check" in sys.argv[1:] else main()
