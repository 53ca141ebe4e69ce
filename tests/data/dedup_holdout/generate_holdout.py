"""Generate the hold-out dedup evaluation sets (issue 18): city_e and city_f.

Python stdlib only, fixed seed, deterministic (no set iteration, no hashing of str).
Written from the brief of issue 18 alone, without reading the matcher or the other sets'
generators.  Run ``python tests/data/dedup_holdout/generate_holdout.py`` to rewrite
``city_e/``, ``city_f/`` and ``summary.json``; add ``--check`` to validate the output
with ``shuxiang`` (needs the project's virtualenv).
"""

from __future__ import annotations

import json
import random
import sys
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

SEED = 20261205
HERE = Path(__file__).resolve().parent
TZ = timezone(timedelta(hours=8))

# ---------------------------------------------------------------------------------------
# Cities: member trees.  Each member: id, name, tier, parent, address, abbreviations
# (how other librarians write the library's name), rooms (floor, name, synonyms).
# ---------------------------------------------------------------------------------------

FLOOR_CN = ["", "一楼", "二楼", "三楼", "四楼", "五楼", "六楼"]

ROOM_SYNONYMS = {
    "报告厅": ["学术报告厅", "讲座厅", "报告厅"],
    "多功能厅": ["多功能活动室", "多功能室", "多功能厅"],
    "少儿阅览室": ["少儿部", "儿童阅览区", "少儿借阅区"],
    "大厅": ["中庭", "服务大厅", "大堂"],
    "展厅": ["展览厅", "展示厅", "展区"],
    "培训教室": ["培训室", "电子阅览室", "数字教室"],
    "研讨室": ["研讨间", "小组研讨室", "讨论室"],
    "亲子阅读区": ["亲子区", "绘本馆", "亲子阅读空间"],
    "阅览室": ["阅读区", "借阅室", "阅览区"],
    "活动室": ["活动区", "多功能活动区", "活动空间"],
    "古籍部": ["古籍阅览室", "地方文献室", "古籍修复室"],
    "音乐厅": ["视听室", "小剧场", "影音厅"],
}

TIER_ROOMS = {
    "central": [
        (1, "大厅"),
        (2, "报告厅"),
        (3, "多功能厅"),
        (4, "少儿阅览室"),
        (1, "展厅"),
        (5, "培训教室"),
        (3, "研讨室"),
        (6, "古籍部"),
        (2, "音乐厅"),
    ],
    "district": [(1, "大厅"), (2, "报告厅"), (3, "多功能厅"), (2, "少儿阅览室"), (1, "亲子阅读区"), (4, "培训教室")],
    "county": [(1, "大厅"), (3, "报告厅"), (2, "多功能厅"), (1, "少儿阅览室"), (2, "展厅")],
    "branch": [(1, "阅览室"), (2, "活动室"), (1, "亲子阅读区")],
    "service_point": [(1, "阅览室"), (1, "活动室")],
}


def _city_e() -> dict:
    m = [
        ("hz", "禾州市图书馆", "central", None, "禾州市文昌路1号", ["市图书馆", "市馆", "市图", "禾州图书馆", "禾图"]),
        (
            "hz-dh",
            "禾州市东湖区图书馆",
            "district",
            "hz",
            "东湖区湖滨北路58号",
            ["东湖区图书馆", "东湖区馆", "东湖区图", "区图书馆", "区馆", "区图", "东湖图书馆"],
        ),
        (
            "hz-xs",
            "禾州市西山区图书馆",
            "district",
            "hz",
            "西山区翠微路210号",
            ["西山区图书馆", "西山区馆", "西山区图", "区图书馆", "区馆", "区图"],
        ),
        (
            "hz-nm",
            "禾州市南门区图书馆",
            "district",
            "hz",
            "南门区人民南路7号",
            ["南门区图书馆", "南门区馆", "南门区图", "区图书馆", "区馆"],
        ),
        (
            "hz-lx",
            "临溪县图书馆",
            "county",
            "hz",
            "临溪县城关镇解放路33号",
            ["临溪县馆", "县图书馆", "县馆", "临溪图书馆", "县图"],
        ),
        ("hz-bs", "白沙县图书馆", "county", "hz", "白沙县新城大道88号", ["白沙县馆", "县图书馆", "县馆", "白沙图书馆"]),
        (
            "hz-se",
            "禾州市少年儿童图书馆",
            "branch",
            "hz",
            "禾州市青年路17号",
            ["市少儿图书馆", "少儿馆", "市少图", "禾州少儿图书馆"],
        ),
        ("hz-dx", "禾州大学图书馆", "branch", "hz", "禾州市大学路2号", ["禾大图书馆", "禾州大学图书馆", "大学图书馆"]),
        (
            "hz-dh-ty",
            "东湖区图书馆桃源分馆",
            "branch",
            "hz-dh",
            "东湖区桃源街道桃源路12号",
            ["桃源分馆", "桃源馆", "分馆"],
        ),
        ("hz-dh-gk", "东湖区图书馆港口分馆", "branch", "hz-dh", "东湖区港口路301号", ["港口分馆", "港口馆", "分馆"]),
        ("hz-xs-cw", "西山区图书馆翠微分馆", "branch", "hz-xs", "西山区翠微街道文化站二楼", ["翠微分馆", "分馆"]),
        ("hz-nm-hj", "南门区图书馆和谐分馆", "branch", "hz-nm", "南门区和谐社区服务中心", ["和谐分馆", "分馆"]),
        (
            "hz-lx-sq",
            "临溪县图书馆双桥镇分馆",
            "branch",
            "hz-lx",
            "临溪县双桥镇文化中心",
            ["双桥镇分馆", "双桥分馆", "镇分馆"],
        ),
        ("hz-bs-ht", "白沙县图书馆河头镇分馆", "branch", "hz-bs", "白沙县河头镇政府西侧", ["河头镇分馆", "河头分馆"]),
        (
            "hz-wt",
            "禾州市图书馆梧桐城市书房",
            "service_point",
            "hz",
            "禾州市梧桐公园东门",
            ["梧桐城市书房", "梧桐书房"],
        ),
        (
            "hz-dh-yh",
            "东湖区云湖城市书房",
            "service_point",
            "hz-dh",
            "东湖区云湖小区商业街3号",
            ["云湖城市书房", "云湖书房"],
        ),
        (
            "hz-hc",
            "禾州火车站24小时自助图书馆",
            "service_point",
            "hz",
            "禾州火车站东广场",
            ["火车站自助图书馆", "24小时自助图书馆（火车站）", "火车站24h图书馆"],
        ),
        (
            "hz-lx-sq-sz",
            "临溪县双桥镇石桥村农家书屋",
            "service_point",
            "hz-lx-sq",
            "双桥镇石桥村村委会",
            ["石桥村农家书屋", "石桥村书屋"],
        ),
        (
            "hz-xs-ly",
            "西山区柳荫社区图书室",
            "service_point",
            "hz-xs",
            "西山区柳荫社区党群服务中心",
            ["柳荫社区图书室", "柳荫图书室"],
        ),
        (
            "hz-sy",
            "禾州市实验小学图书馆",
            "service_point",
            "hz-nm",
            "南门区实验路5号",
            ["实验小学图书馆", "实小图书馆"],
        ),
    ]
    return {
        "key": "e",
        "id": "hezhou",
        "name": "禾州市公共图书馆阅读推广联盟",
        "name_en": "Hezhou Public Library Reading Alliance",
        "members": m,
        "directory": True,
        "start": date(2028, 3, 1),
        "days": 184,
        "brands": [
            ("hz-jt", "文昌讲坛", "hz", "lecture"),
            ("hz-dsh", "禾风读书会", "hz", "reading_club"),
            ("dh-mm", "东湖故事妈妈", "hz-dh", "children"),
            ("xs-sx", "西山书香课堂", "hz-xs", "training"),
            ("lx-ny", "临溪农耕阅读", "hz-lx", "outreach"),
            ("se-hb", "小禾苗绘本馆", "hz-se", "children"),
        ],
        "target": 1800,
    }


def _city_f() -> dict:
    m = [
        (
            "ql",
            "青澧市图书馆",
            "central",
            None,
            "青澧市北京东路166号",
            ["市图书馆", "市馆", "市图", "青澧图书馆", "青图"],
        ),
        (
            "ql-hp",
            "青澧市和平区图书馆",
            "district",
            "ql",
            "和平区中山路45号",
            ["和平区图书馆", "和平区馆", "和平区图", "区图书馆", "区馆", "区图"],
        ),
        (
            "ql-jb",
            "青澧市江北区图书馆",
            "district",
            "ql",
            "江北区滨江大道1200号",
            ["江北区图书馆", "江北区馆", "江北区图", "区图书馆", "区馆"],
        ),
        (
            "ql-gx",
            "青澧高新区图书馆",
            "district",
            "ql",
            "高新区科创路8号",
            ["高新区图书馆", "高新区馆", "高新馆", "区图"],
        ),
        ("ql-lc", "澧川县图书馆", "county", "ql", "澧川县城北路19号", ["澧川县馆", "县图书馆", "县馆", "澧川图书馆"]),
        (
            "ql-sy",
            "松阳县图书馆",
            "county",
            "ql",
            "松阳县文庙街2号",
            ["松阳县馆", "县图书馆", "县馆", "松阳图书馆", "县图"],
        ),
        (
            "ql-ye",
            "青澧市少年儿童图书馆",
            "branch",
            "ql",
            "青澧市解放西路30号",
            ["市少儿馆", "少儿馆", "市少图", "青澧少儿图书馆"],
        ),
        (
            "ql-sf",
            "青澧师范学院图书馆",
            "branch",
            "ql",
            "青澧市学府路66号",
            ["师院图书馆", "青澧师院图书馆", "学院图书馆"],
        ),
        ("ql-hp-xh", "和平区图书馆杏花分馆", "branch", "ql-hp", "和平区杏花街道文体中心三楼", ["杏花分馆", "分馆"]),
        ("ql-hp-ds", "和平区图书馆东升分馆", "branch", "ql-hp", "和平区东升路88号", ["东升分馆", "东升馆", "分馆"]),
        ("ql-jb-bj", "江北区图书馆滨江分馆", "branch", "ql-jb", "江北区滨江公园北门", ["滨江分馆", "分馆"]),
        ("ql-lc-gz", "澧川县图书馆古镇分馆", "branch", "ql-lc", "澧川县古镇老街6号", ["古镇分馆", "古镇馆"]),
        (
            "ql-sy-ms",
            "松阳县图书馆梅山镇分馆",
            "branch",
            "ql-sy",
            "松阳县梅山镇文化站",
            ["梅山镇分馆", "梅山分馆", "镇分馆"],
        ),
        ("ql-sy-dq", "松阳县图书馆大桥镇分馆", "branch", "ql-sy", "松阳县大桥镇中心街", ["大桥镇分馆", "大桥分馆"]),
        (
            "ql-yl",
            "青澧市图书馆银杏城市书房",
            "service_point",
            "ql",
            "青澧市银杏广场西侧",
            ["银杏城市书房", "银杏书房"],
        ),
        (
            "ql-hp-cx",
            "和平区春晓城市书房",
            "service_point",
            "ql-hp",
            "和平区春晓花园南门",
            ["春晓城市书房", "春晓书房"],
        ),
        ("ql-jb-jy", "江北区江月城市书房", "service_point", "ql-jb", "江北区江月路22号", ["江月城市书房", "江月书房"]),
        (
            "ql-qc",
            "青澧汽车站24小时自助图书馆",
            "service_point",
            "ql",
            "青澧汽车客运站候车厅",
            ["汽车站自助图书馆", "24小时自助图书馆（汽车站）"],
        ),
        (
            "ql-lc-tx",
            "澧川县桃溪村农家书屋",
            "service_point",
            "ql-lc",
            "澧川县桃溪村文化礼堂",
            ["桃溪村农家书屋", "桃溪书屋"],
        ),
        (
            "ql-sy-ms-lk",
            "松阳县梅山镇龙口村农家书屋",
            "service_point",
            "ql-sy-ms",
            "梅山镇龙口村",
            ["龙口村农家书屋", "龙口村书屋"],
        ),
        (
            "ql-gx-zc",
            "高新区智创园阅读驿站",
            "service_point",
            "ql-gx",
            "高新区智创园B座一楼",
            ["智创园阅读驿站", "阅读驿站"],
        ),
        (
            "ql-xz",
            "青澧市第一中学图书馆",
            "service_point",
            "ql-hp",
            "和平区学院路101号",
            ["一中图书馆", "市一中图书馆"],
        ),
        (
            "ql-xf",
            "青澧市消防救援支队读书角",
            "service_point",
            "ql",
            "青澧市应急路3号",
            ["消防支队读书角", "消防读书角"],
        ),
    ]
    return {
        "key": "f",
        "id": "qingli",
        "name": "青澧市图书馆总分馆阅读推广联盟",
        "name_en": "Qingli Library Network Reading Alliance",
        "members": m,
        "directory": False,
        "start": date(2028, 9, 1),
        "days": 180,
        "brands": [
            ("ql-dj", "北辰大讲堂", "ql", "lecture"),
            ("ql-ydh", "青澧悦读汇", "ql", "reading_club"),
            ("hp-xt", "和平小太阳故事会", "ql-hp", "children"),
            ("jb-kp", "江北科普小课堂", "ql-jb", "children"),
            ("sy-gj", "松阳古籍修复体验", "ql-sy", "training"),
            ("ye-qz", "星星亲子共读", "ql-ye", "parent_child"),
        ],
        "target": 1750,
    }


# ---------------------------------------------------------------------------------------
# Title material (real book / film titles, invented speakers).
# ---------------------------------------------------------------------------------------

BOOKS = [
    "活着",
    "平凡的世界",
    "红楼梦",
    "三体",
    "围城",
    "边城",
    "城南旧事",
    "骆驼祥子",
    "朝花夕拾",
    "呼兰河传",
    "人间词话",
    "乡土中国",
    "额尔古纳河右岸",
    "长安的荔枝",
    "人世间",
    "繁花",
    "文化苦旅",
    "小王子",
    "夏洛的网",
    "草房子",
    "窗边的小豆豆",
    "苏东坡传",
    "百年孤独",
    "月亮与六便士",
    "一句顶一万句",
    "我与地坛",
    "牛天赐传",
    "白鹿原",
    "目送",
    "瓦尔登湖",
    "老人与海",
    "西游记",
    "水浒传",
    "三国演义",
    "唐诗三百首",
    "诗经",
    "论语",
    "史记",
    "本草纲目",
    "天工开物",
]
PICTURE_BOOKS = [
    "猜猜我有多爱你",
    "好饿的毛毛虫",
    "我爸爸",
    "大卫，不可以",
    "逃家小兔",
    "小蓝和小黄",
    "团圆",
    "北京的春节",
    "花婆婆",
    "彩虹色的花",
    "母鸡萝丝去散步",
    "鳄鱼怕怕牙医怕怕",
    "小猪唏哩呼噜",
    "一园青菜成了精",
]
FILMS = [
    "城南旧事",
    "我和我的祖国",
    "流浪地球",
    "哪吒之魔童降世",
    "寻梦环游记",
    "放牛班的春天",
    "海上钢琴师",
    "千与千寻",
]
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢"
GIVEN = [
    "明",
    "华",
    "芳",
    "静",
    "伟",
    "敏",
    "磊",
    "洋",
    "艳",
    "勇",
    "军",
    "杰",
    "娟",
    "涛",
    "超",
    "霞",
    "平",
    "刚",
    "桂英",
    "晓燕",
    "文博",
    "思远",
    "雨涵",
    "子轩",
]
TOPICS = [
    "宋词里的四季",
    "唐诗中的长安",
    "家庭教育中的阅读",
    "青少年心理健康",
    "老年人防诈骗",
    "中医养生与节气",
    "地方文化与方言",
    "红色家书",
    "科幻文学漫谈",
    "人工智能与生活",
    "汉字的故事",
    "书法入门",
    "传统节日习俗",
    "运河文化",
    "非遗里的中国",
    "儿童阅读习惯培养",
    "职场写作",
    "古籍里的城市",
    "民法典与百姓生活",
    "摄影构图技巧",
    "二十四节气",
    "茶文化漫谈",
    "碳中和与低碳生活",
    "宋代美学",
    "博物馆里的文物",
]
CRAFTS = [
    "剪纸",
    "扎染",
    "陶艺",
    "风筝制作",
    "香囊制作",
    "灯笼制作",
    "书签制作",
    "拓印",
    "活字印刷",
    "团扇绘制",
    "泥塑",
    "雕版印刷",
]
TRAININGS = [
    "智能手机使用",
    "数字资源检索",
    "电子书借阅",
    "Python编程入门",
    "短视频剪辑",
    "AI工具使用",
    "PPT制作",
    "求职简历写作",
]


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _core_title(rng: random.Random) -> tuple[str, str, bool]:
    """(core title, category, has《》)."""
    kind = rng.randrange(13)
    if kind == 0:
        return f"《{rng.choice(BOOKS)}》读书分享会", "reading_club", True
    if kind == 1:
        return f"{rng.choice(TOPICS)}主题讲座", "lecture", False
    if kind == 2:
        return f"绘本故事会：《{rng.choice(PICTURE_BOOKS)}》", "children", True
    if kind == 3:
        return f"亲子手工：{rng.choice(CRAFTS)}", "parent_child", False
    if kind == 4:
        return f"非遗体验课·{rng.choice(CRAFTS)}", "training", False
    if kind == 5:
        return f"公益电影放映《{rng.choice(FILMS)}》", "screening", True
    if kind == 6:
        return f"{rng.choice(TRAININGS)}培训", "digital", False
    if kind == 7:
        return f"“{rng.choice(TOPICS)}”读书沙龙", "salon", False
    if kind == 8:
        return f"{rng.choice(TOPICS)}专题展", "exhibition", False
    if kind == 9:
        return f"“书香{rng.choice(['少年', '家庭', '校园', '社区', '乡村'])}”诵读比赛", "contest", False
    if kind == 10:
        return (
            f"英语绘本阅读：{rng.choice(['Brown Bear', 'Go Away, Big Green Monster', 'Owl Babies', 'Dear Zoo'])}",
            "children",
            False,
        )
    if kind == 11:
        return f"《{rng.choice(BOOKS)}》导读", "lecture", True
    return f"“{rng.choice(TOPICS)}”名家讲座", "lecture", False


# ---------------------------------------------------------------------------------------
# The generator
# ---------------------------------------------------------------------------------------

TRAD = str.maketrans(
    {
        "书": "書",
        "馆": "館",
        "读": "讀",
        "会": "會",
        "图": "圖",
        "动": "動",
        "讲": "講",
        "厅": "廳",
        "亲": "親",
        "儿": "兒",
        "乐": "樂",
    }
)
TYPOS = [("厅", "听"), ("阅览", "阅揽"), ("图书馆", "图书管"), ("多功能", "多工能"), ("报告", "报吿"), ("室", "市")]
FULLWIDTH_DIGITS = str.maketrans("0123456789()", "０１２３４５６７８９（）")
HALFWIDTH = str.maketrans("（）：", "():")
EMOJI = ["📚", "🎉", "✨", "👉", "🔥", "🌸", "📖", "🎈"]


class Gen:
    def __init__(self, city: dict, seed: int) -> None:
        self.city = city
        self.rng = random.Random(seed)
        self.habits: Counter[str] = Counter()
        self.families: Counter[str] = Counter()
        self.members: dict[str, dict] = {}
        self.order: list[str] = []
        for mid, name, tier, parent, addr, abbr in city["members"]:
            rooms = []
            for i, (floor, base) in enumerate(TIER_ROOMS[tier]):
                rooms.append({"id": f"{mid}-r{i}", "floor": floor, "base": base, "syn": ROOM_SYNONYMS[base]})
            self.members[mid] = {
                "id": mid,
                "name": name,
                "tier": tier,
                "parent": parent,
                "address": addr,
                "abbr": abbr,
                "rooms": rooms,
            }
            self.order.append(mid)
        self.children: dict[str, list[str]] = {m: [] for m in self.order}
        for mid in self.order:
            p = self.members[mid]["parent"]
            if p:
                self.children[p].append(mid)
        self.refs: Counter[str] = Counter()
        self.rows: list[dict] = []
        self.n_labels = 0
        self.label_sizes: Counter[str] = Counter()
        self.used_titles: set[tuple[str, str, str]] = set()
        self.connector_last = 0
        self.off_sign = 1

    # -- helpers ---------------------------------------------------------------------
    def day(self) -> date:
        return self.city["start"] + timedelta(days=self.rng.randrange(self.city["days"]))

    def start_time(self, category: str) -> tuple[int, int]:
        rng = self.rng
        if category in ("children", "parent_child"):
            return rng.choice([(9, 30), (10, 0), (10, 0), (14, 30), (15, 0), (16, 0)])
        return rng.choice([(9, 0), (9, 30), (10, 0), (14, 0), (14, 30), (15, 0), (19, 0), (19, 30), (18, 30)])

    def hosts_for(self, host: str, k: int) -> list[str]:
        """k co-hosts for host: parent, children, siblings, then anyone."""
        rng = self.rng
        m = self.members[host]
        near: list[str] = []
        if m["parent"]:
            near.append(m["parent"])
            near += [s for s in self.children[m["parent"]] if s != host]
        near += self.children[host]
        rng.shuffle(near)
        far = [x for x in self.order if x != host and x not in near]
        rng.shuffle(far)
        pool = near + far if rng.random() < 0.8 else far + near
        return pool[:k]

    def new_label(self, family: str) -> str:
        self.n_labels += 1
        self.families[family] += 1
        return f"{self.city['key']}{self.n_labels:05d}-{family}"

    def room_text(self, room: dict, style: str) -> str:
        floor = FLOOR_CN[room["floor"]]
        base = room["base"]
        if style == "floor":
            return floor + base
        if style == "bare":
            return base
        if style == "syn":
            return self.rng.choice(room["syn"])
        if style == "arabic":
            return (
                self.rng.choice(
                    [
                        f"{room['floor']}楼",
                        f"{room['floor']}F",
                        f"{room['floor']}层",
                        f"{'一二三四五六'[room['floor'] - 1]}层",
                    ]
                )
                + base
            )
        if style == "after":
            return f"{base}（{floor}）"
        return floor + base

    # -- one announcement ------------------------------------------------------------
    def venue(self, announcer: str, site: str, room: dict) -> dict:
        rng = self.rng
        s = self.members[site]
        own = announcer == site
        room_style = rng.choices(["floor", "bare", "syn", "arabic", "after"], [40, 25, 15, 12, 8])[0]
        rt = self.room_text(room, room_style)
        self.habits[f"venue room written {room_style}"] += 1
        if self.city["directory"] and rng.random() < 0.22:
            self.habits["venue: directory venue_id"] += 1
            name = rt if own else s["abbr"][0] + rt
            return {"name": name, "venue_id": room["id"]}
        styles = ["own_bare", "full", "abbr", "bracket", "address", "address_room", "libonly", "spaced", "benguan"]
        weights = [30 if own else 0, 22, 22, 10, 5, 5, 4, 3, 6 if own else 0]
        st = rng.choices(styles, weights)[0]
        self.habits[f"venue: {st}"] += 1
        v: dict = {}
        if st == "own_bare":
            v["name"] = rt
        elif st == "full":
            v["name"] = s["name"] + rt
        elif st == "abbr":
            v["name"] = rng.choice(s["abbr"]) + rt
        elif st == "bracket":
            n = rng.choice([s["name"], s["abbr"][0]])
            v["name"] = f"{n}（{rt}）" if rng.random() < 0.6 else f"{n}({rt})"
        elif st == "address":
            v["name"] = s["address"]
        elif st == "address_room":
            v["name"] = rt
            v["address"] = s["address"]
        elif st == "libonly":
            v["name"] = rng.choice([s["name"], s["abbr"][0]])
        elif st == "spaced":
            v["name"] = f"{rng.choice(s['abbr'])} {FLOOR_CN[room['floor']]} {room['base']}"
        else:
            v["name"] = "本馆" + rt
        if rng.random() < 0.06:
            a, b = rng.choice(TYPOS)
            if a in v["name"]:
                v["name"] = v["name"].replace(a, b, 1)
                self.habits["venue: typo"] += 1
        if rng.random() < 0.05:
            v["name"] = v["name"].translate(FULLWIDTH_DIGITS)
            self.habits["venue: full-width digits/brackets"] += 1
        if rng.random() < 0.12 and "address" not in v and st != "address":
            v["address"] = s["address"]
            self.habits["venue: address field added"] += 1
        return v

    def title(self, core: str, brand: str | None, has_book: bool, announcer: str, day: date, nth: int | None) -> str:
        rng = self.rng
        t = core
        if brand and rng.random() < 0.7:
            t = f"{brand}：{core}" if rng.random() < 0.7 else f"{brand}｜{core}"
            self.habits["title: brand/series prefix kept"] += 1
        elif brand:
            self.habits["title: brand/series prefix dropped"] += 1
        if nth and rng.random() < 0.3:
            t += f"（第{nth}期）"
            self.habits["title: issue number 第N期"] += 1
        if has_book and rng.random() < 0.15:
            t = t.replace("《", "").replace("》", "") if rng.random() < 0.6 else t.replace("《", "“").replace("》", "”")
            self.habits["title: 《》 dropped or changed to quotes"] += 1
        r = rng.random()
        if r < 0.08 and not t.endswith("活动"):
            t += "活动"
            self.habits["title: 活动 appended"] += 1
        elif r < 0.13 and core.endswith(("分享会", "沙龙", "导读")):
            t = t.removesuffix("分享会").removesuffix("会") + "读书分享活动"
            self.habits["title: 读书分享活动 appended"] += 1
        if rng.random() < 0.3:
            p = rng.choice(
                [
                    "【联盟活动】",
                    "【活动预告】",
                    "【报名】",
                    "【本周活动】",
                    "预告 | ",
                    "【书香】",
                    "【周末好去处】",
                    "转发｜",
                ]
            )
            t = p + t
            self.habits["title: bracketed prefix"] += 1
        if rng.random() < 0.2:
            t += rng.choice(
                ["，欢迎参加", "（报名中）", "（已满员）", "｜报名已满", "，等你来！", " 欢迎报名", "（免费）"]
            )
            self.habits["title: call/registration suffix"] += 1
        if rng.random() < 0.08:
            t = f"{day.month}月{day.day}日｜" + t if rng.random() < 0.5 else f"{day.month}.{day.day} " + t
            self.habits["title: date prefix"] += 1
        if rng.random() < 0.05:
            t = f"【{self.members[announcer]['abbr'][0]}】" + t
            self.habits["title: own library name prefix"] += 1
        if rng.random() < 0.05:
            t += "——" + rng.choice(["主讲人：", "领读人：", "嘉宾："]) + _person(rng)
            self.habits["title: speaker suffix"] += 1
        if rng.random() < 0.08:
            t = rng.choice(EMOJI) + t if rng.random() < 0.5 else t + rng.choice(EMOJI)
            self.habits["title: emoji"] += 1
        if rng.random() < 0.04:
            t = t.translate(TRAD)
            self.habits["title: traditional characters"] += 1
        if rng.random() < 0.05:
            t = t.translate(HALFWIDTH)
            self.habits["title: half-width punctuation"] += 1
        return t[:200]

    def times(self, day: date, hm: tuple[int, int], minutes: int, habit: str) -> tuple[datetime, datetime]:
        rng = self.rng
        start = datetime(day.year, day.month, day.day, hm[0], hm[1], tzinfo=TZ)
        end = start + timedelta(minutes=minutes)
        if habit == "signin":
            start -= timedelta(minutes=rng.choice([15, 20, 30]))
        elif habit == "rounded":
            start = start.replace(minute=0) if start.minute else start - timedelta(minutes=rng.choice([0, 30]))
            if rng.random() < 0.4:
                end = end.replace(minute=0) + timedelta(hours=1 if end.minute else 0)
        elif habit == "off":
            start += timedelta(minutes=self.off_sign * rng.choice([30, 45, 60]))
        elif habit == "ten":
            start += timedelta(minutes=rng.choice([-10, 10]))
        self.habits[f"time: {habit}"] += 1
        e = rng.random()
        if e < 0.1:
            end = start
            self.habits["time: end missing (end = start)"] += 1
        elif e < 0.22:
            end = end + timedelta(minutes=rng.choice([-30, 30, 60, -15]))
            self.habits["time: end differs"] += 1
        if end < start:
            end = start
        return start, end

    def organizers(self, announcer: str, host: str, cohosts: list[str], habit: str) -> list[dict]:
        if habit == "full":
            out = [{"library_id": host, "role": "host"}]
            for c in cohosts:
                out.append(
                    {
                        "library_id": c,
                        "role": self.rng.choice(["organiser", "co_organiser", "co_organiser", "participant"]),
                    }
                )
        elif habit == "host_self":
            out = [{"library_id": host, "role": "host"}]
            if announcer != host:
                out.append({"library_id": announcer, "role": self.rng.choice(["organiser", "co_organiser"])})
        elif habit == "self_host":
            out = [{"library_id": announcer, "role": "host"}]
        else:
            out = []
        self.habits[f"organizers: {habit}"] += 1
        return out

    def source_ref(self, lib: str, day: date) -> str:
        self.refs[lib] += 1
        n = self.refs[lib]
        style = sum(ord(c) for c in lib) % 4
        if style == 0:
            return f"wx-{day:%Y%m%d}-{n:03d}"
        if style == 1:
            return f"{lib.upper()}-ACT-{n:05d}"
        if style == 2:
            return f"act/{day.year}/{n}"
        return f"{self.rng.getrandbits(48):012x}"

    def emit(
        self,
        *,
        label: str,
        announcer: str,
        host: str,
        cohosts: list[str],
        site: str,
        room: dict,
        core: str,
        category: str,
        brand: tuple | None,
        has_book: bool,
        day: date,
        hm: tuple[int, int],
        minutes: int,
        time_habit: str,
        org_habit: str,
        nth: int | None,
        publish: datetime,
        clean: bool = False,
    ) -> None:
        rng = self.rng
        brand_name = brand[1] if brand else None
        if clean:
            title = f"{brand_name}：{core}" if brand_name else core
            v = {"name": self.members[site]["name"] + FLOOR_CN[room["floor"]] + room["base"]}
            self.habits["connector: clean title, full venue"] += 1
        else:
            title = self.title(core, brand_name, has_book, announcer, day, nth)
            v = self.venue(announcer, site, room)
        start, end = self.times(day, hm, minutes, time_habit)
        cat = category
        if rng.random() < 0.08:
            cat = rng.choice(["other", "salon", "lecture", "reading_club"])
            self.habits["category differs"] += 1
        desc_bits = []
        if rng.random() < 0.6:
            desc_bits.append(f"活动时间：{day.month}月{day.day}日 {hm[0]:02d}:{hm[1]:02d}")
        if rng.random() < 0.5:
            desc_bits.append(f"活动地点：{self.members[site]['name']}{FLOOR_CN[room['floor']]}{room['base']}")
        if rng.random() < 0.3:
            desc_bits.append("请提前15分钟签到入场。")
        if rng.random() < 0.3:
            desc_bits.append(f"联系人：{_person(rng)}老师")
        sub: dict = {
            "library_id": announcer,
            "source_ref": self.source_ref(announcer, day),
            "revision": 1,
            "status": "scheduled",
            "title": title,
            "category": cat,
            "starts_at": start.isoformat(),
            "ends_at": end.isoformat(),
            "venue": v,
            "organizers": self.organizers(announcer, host, cohosts, org_habit),
        }
        if desc_bits:
            sub["description"] = "\n".join(desc_bits)
        if brand and rng.random() < 0.5:
            sub["brand_id"] = brand[0]
            self.habits["brand_id given"] += 1
        if rng.random() < 0.2:
            sub["capacity"] = rng.choice([20, 30, 40, 50, 80, 100, 200])
        if rng.random() < 0.15:
            sub["tags"] = rng.sample(["阅读推广", "亲子", "讲座", "非遗", "公益", "青少年", "老年人", "周末"], 2)
        sub["label"] = label
        self.rows.append({"publish": publish, "seq": len(self.rows), "sub": sub})

    # -- one real activity announced n times ---------------------------------------------
    def activity(
        self,
        family: str,
        n: int,
        *,
        host: str | None = None,
        site: str | None = None,
        room: dict | None = None,
        core: str | None = None,
        category: str | None = None,
        brand: tuple | None = None,
        has_book: bool = False,
        day: date | None = None,
        hm: tuple[int, int] | None = None,
        nth: int | None = None,
        cohosts: list[str] | None = None,
    ) -> dict:
        rng = self.rng
        label = self.new_label(family)
        if host is None:
            host = rng.choices(
                self.order,
                [6 if self.members[m]["tier"] in ("central", "district", "county") else 2 for m in self.order],
            )[0]
        if core is None:
            for _ in range(50):
                core, category, has_book = _core_title(rng)
                if brand is None and rng.random() < 0.3:
                    own = [b for b in self.city["brands"] if b[2] == host]
                    brand = own[0] if own else None
                day = day or self.day()
                key = (host, day.isoformat(), core)
                if key not in self.used_titles:
                    break
        assert category is not None and core is not None
        day = day or self.day()
        self.used_titles.add((host, day.isoformat(), core))
        hm = hm or self.start_time(category)
        site = site or host
        room = room or rng.choice(self.members[site]["rooms"])
        minutes = rng.choice([60, 90, 90, 120, 120, 150, 180])
        self.off_sign = rng.choice([-1, 1])
        # who announces: co-hosts (each once), maybe one library twice
        dup = n >= 2 and rng.random() < 0.18
        k = n - 1 - (1 if dup else 0)
        if cohosts is None:
            cohosts = self.hosts_for(host, max(k, 0))
        announcers = [host] + cohosts[:k]
        if dup:
            announcers.append(rng.choice(announcers))
            self.habits["same library announces twice"] += 1
        rng.shuffle(announcers)
        connector = n >= 3 and rng.random() < 0.35
        base_pub = datetime(day.year, day.month, day.day, 9, tzinfo=TZ) - timedelta(days=rng.randint(2, 20))
        seen: Counter[str] = Counter()
        for i, a in enumerate(announcers):
            seen[a] += 1
            second = seen[a] > 1
            if connector and i == len(announcers) - 1:
                th, oh, clean = "exact", "full", True
                pub = base_pub + timedelta(days=rng.randint(8, 14), minutes=rng.randrange(600))
                self.connector_last += 1
            else:
                th = rng.choices(
                    ["exact", "signin", "rounded", "off"], [62, 16, 12, 0 if family == "sessions" else 10]
                )[0]
                if second:
                    th = rng.choice(["ten", "exact", "signin"])
                oh = rng.choices(["full", "host_self", "self_host", "none"], [35, 25, 25, 15])[0]
                if connector:
                    oh = rng.choice(["self_host", "none"])
                clean = False
                pub = base_pub + timedelta(days=rng.randint(0, 6), minutes=rng.randrange(600))
            self.emit(
                label=label,
                announcer=a,
                host=host,
                cohosts=cohosts[:k],
                site=site,
                room=room,
                core=core,
                category=category,
                brand=brand,
                has_book=has_book,
                day=day,
                hm=hm,
                minutes=minutes,
                time_habit=th,
                org_habit=oh,
                nth=nth,
                publish=pub,
                clean=clean,
            )
        self.label_sizes[label] = n
        return {
            "host": host,
            "site": site,
            "room": room,
            "core": core,
            "category": category,
            "brand": brand,
            "has_book": has_book,
            "day": day,
            "hm": hm,
        }

    def count(self) -> int:
        rng = self.rng
        return rng.choices([1, 2, 3, 4, 5, 6], [69, 13, 9, 5, 2, 2])[0]

    def small(self) -> int:
        return self.rng.choices([1, 2, 3], [60, 30, 10])[0]

    # -- families of look-alikes ------------------------------------------------------------
    def run(self) -> None:
        rng = self.rng
        while len(self.rows) < self.city["target"]:
            f = rng.choices(
                ["plain", "weekly", "branches", "parallel", "sessions", "hall", "samebook", "repeat"],
                [62, 7, 6, 6, 6, 5, 4, 4],
            )[0]
            if f == "plain":
                self.activity("plain", self.count())
            elif f == "weekly":
                a = self.activity("weekly", self.small())
                for w in range(1, rng.randint(3, 7)):
                    self.activity("weekly", self.small(), **_same(a, day=a["day"] + timedelta(weeks=w)), nth=w + 1)
            elif f == "branches":
                parent = rng.choice([m for m in self.order if len(self.children[m]) >= 2])
                core, category, has_book = _core_title(rng)
                day, hm = self.day(), self.start_time(category)
                for b in self.children[parent][: rng.randint(2, 4)]:
                    room = rng.choice(self.members[b]["rooms"])
                    self.activity(
                        "branches",
                        self.small(),
                        host=b,
                        site=b,
                        room=room,
                        core=core,
                        category=category,
                        has_book=has_book,
                        day=day,
                        hm=hm,
                        cohosts=[parent],
                    )
            elif f == "parallel":
                host = rng.choice([m for m in self.order if len(self.members[m]["rooms"]) >= 4])
                a = self.activity("parallel", self.count(), host=host)
                rooms = [r for r in self.members[host]["rooms"] if r is not a["room"]]
                for _ in range(rng.randint(1, 2)):
                    other = dict(a, room=rng.choice(rooms))
                    if rng.random() < 0.5:
                        other["core"] = a["core"] + rng.choice(
                            ["（低龄组）", "（高年级组）", "（成人专场）", "（亲子专场）"]
                        )
                    else:
                        other["core"], other["category"], other["has_book"] = _core_title(rng)
                    self.activity("parallel", self.small(), **_same(other))
            elif f == "sessions":
                a0 = _core_title(rng)
                while a0[1] in ("exhibition", "contest"):
                    a0 = _core_title(rng)
                day = self.day()
                host = rng.choice(self.order)
                room = rng.choice(self.members[host]["rooms"])
                h = rng.choice([9, 10, 14, 15])
                for i, nm in enumerate(["第一场", "第二场", "第三场"][: rng.randint(2, 3)]):
                    self.activity(
                        "sessions",
                        self.small(),
                        host=host,
                        room=room,
                        core=f"{a0[0]}（{nm}）",
                        category=a0[1],
                        has_book=a0[2],
                        day=day,
                        hm=(h + i, 0),
                    )
            elif f == "hall":
                a = self.activity("hall", self.count())
                hour = a["hm"][0] + rng.choice([2, 3, 4]) if a["hm"][0] < 16 else a["hm"][0] - rng.choice([3, 4])
                other = dict(a, hm=(hour, rng.choice([0, 30])))
                other["core"], other["category"], other["has_book"] = _core_title(rng)
                self.activity("hall", self.count(), **_same(other))
            elif f == "samebook":
                book = rng.choice(BOOKS)
                core = f"《{book}》读书分享会"
                day = self.day()
                hm = self.start_time("reading_club")
                libs = rng.sample(self.order, 2)
                for lib in libs:
                    self.activity(
                        "samebook",
                        self.count(),
                        host=lib,
                        core=core,
                        category="reading_club",
                        has_book=True,
                        day=day,
                        hm=hm,
                    )
            else:
                a = self.activity("repeat", self.count())
                later = a["day"] + (timedelta(days=rng.choice([28, 35])) if rng.random() < 0.6 else timedelta(days=364))
                self.activity("repeat", self.count(), **_same(a, day=later))

    # -- output -------------------------------------------------------------------------
    def alliance_toml(self) -> str:
        c = self.city
        out = [
            f"# {c['name']} — an invented alliance for the hold-out dedup evaluation set (issue 18).",
            "# Generated by generate_holdout.py; do not edit by hand.",
            "",
            "[alliance]",
            f'id = "{c["id"]}"',
            f'name = "{c["name"]}"',
            f'name_en = "{c["name_en"]}"',
            'timezone = "Asia/Shanghai"',
            "",
        ]
        for mid in self.order:
            m = self.members[mid]
            out += ["[[members]]", f'id = "{mid}"', f'name = "{m["name"]}"', f'tier = "{m["tier"]}"']
            if m["parent"]:
                out.append(f'parent = "{m["parent"]}"')
            out += [f'address = "{m["address"]}"', ""]
        if c["directory"]:
            for mid in self.order:
                m = self.members[mid]
                short = m["abbr"][0]
                for r in m["rooms"]:
                    floor = FLOOR_CN[r["floor"]]
                    aliases = [f"{short}{r['base']}", f"{short}{floor}{r['base']}", f"{short}{r['syn'][0]}"]
                    aliases = list(dict.fromkeys(aliases))
                    out += [
                        "[[venues]]",
                        f'id = "{r["id"]}"',
                        f'library_id = "{mid}"',
                        f'name = "{floor}{r["base"]}"',
                        "aliases = [" + ", ".join(f'"{a}"' for a in aliases) + "]",
                        f'address = "{m["address"]}"',
                        "",
                    ]
        for bid, name, lib, cat in c["brands"]:
            out += [
                "[[brands]]",
                f'id = "{bid}"',
                f'name = "{name}"',
                f'library_id = "{lib}"',
                f'category = "{cat}"',
                f'keywords = ["{name}"]',
                "",
            ]
        return "\n".join(out)

    def lines(self) -> list[dict]:
        rows = sorted(self.rows, key=lambda r: (r["publish"], r["seq"]))
        return [r["sub"] for r in rows]


def _same(a: dict, **over: object) -> dict:
    d = {k: a[k] for k in ("host", "site", "room", "core", "category", "brand", "has_book", "day", "hm")}
    d.update(over)
    return d


def _stats(gen: Gen, lines: list[dict]) -> dict:
    sizes = Counter(x["label"] for x in lines)
    dist = Counter(sizes.values())
    multi = sum(v for v in sizes.values() if v > 1)
    return {
        "alliance": gen.city["id"],
        "members": len(gen.order),
        "directory_rooms": sum(len(m["rooms"]) for m in gen.members.values()) if gen.city["directory"] else 0,
        "announcements": len(lines),
        "labels": len(sizes),
        "true_pairs": sum(v * (v - 1) // 2 for v in sizes.values()),
        "in_multi_groups": multi,
        "group_sizes": {str(k): dist[k] for k in sorted(dist)},
        "labels_by_family": dict(sorted(Counter(x.rsplit("-", 1)[1] for x in sizes).items())),
        "connector_last_groups": gen.connector_last,
        "with_venue_id": sum(1 for x in lines if "venue_id" in x["venue"]),
        "habits": dict(sorted(gen.habits.items())),
    }


def generate() -> dict:
    summary = {"seed": SEED, "cities": {}}
    for i, (folder, make) in enumerate([("city_e", _city_e), ("city_f", _city_f)]):
        gen = Gen(make(), SEED + i)
        gen.run()
        lines = gen.lines()
        d = HERE / folder
        d.mkdir(exist_ok=True)
        (d / "alliance.toml").write_text(gen.alliance_toml(), encoding="utf-8")
        with (d / "eval.jsonl").open("w", encoding="utf-8") as fh:
            for x in lines:
                fh.write(json.dumps(x, ensure_ascii=False, sort_keys=False) + "\n")
        summary["cities"][folder] = _stats(gen, lines)
    (HERE / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return summary


def check() -> None:
    from shuxiang.alliance import load_alliance
    from shuxiang.schemas.submission import ActivitySubmission  # type: ignore[import-not-found]

    for folder in ("city_e", "city_f"):
        alliance = load_alliance(HERE / folder / "alliance.toml")
        members = {m.id for m in alliance.members}
        venues = {v.id for v in alliance.venues}
        brands = {b.id for b in alliance.brands}
        by_label: dict[str, list[datetime]] = {}
        refs: set[tuple[str, str]] = set()
        for line in (HERE / folder / "eval.jsonl").read_text(encoding="utf-8").splitlines():
            raw = json.loads(line)
            label = raw.pop("label")
            sub = ActivitySubmission.model_validate(raw)
            assert sub.library_id in members and all(o.library_id in members for o in sub.organizers)
            assert sub.venue.venue_id is None or sub.venue.venue_id in venues
            assert sub.brand_id is None or sub.brand_id in brands
            assert (sub.library_id, sub.source_ref) not in refs
            refs.add((sub.library_id, sub.source_ref))
            by_label.setdefault(label, []).append(sub.starts_at)
        for label, starts in by_label.items():
            assert len({s.date() for s in starts}) == 1, label
            assert max(starts) - min(starts) <= timedelta(minutes=90), label
        print(folder, "ok:", len(refs), "announcements,", len(by_label), "labels")


if __name__ == "__main__":
    s = generate()
    for k, v in s["cities"].items():
        print(
            k,
            v["announcements"],
            "announcements,",
            v["labels"],
            "labels,",
            v["true_pairs"],
            "true pairs",
            v["group_sizes"],
        )
    if "--check" in sys.argv:
        check()
