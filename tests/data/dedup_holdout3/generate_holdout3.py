#!/usr/bin/env python3
"""Generate the third hold-out evaluation set for the announcement deduplicator.

Stdlib only, fixed seed, deterministic.  Writes, next to this file:

    city_i/alliance.toml  city_i/eval.jsonl   (岚州市: prefecture city, counties, towns, 农家书屋, schools)
    city_j/alliance.toml  city_j/eval.jsonl   (江城市云湖区: district 总分馆, street branches, 城市书房, venue directory)
    summary.json

Each eval.jsonl line is one ActivitySubmission (wire contract v1) plus a "label" key: the
key of the real activity.  Same label = same real activity.  Lines are in arrival order.

Run:  python3 tests/data/dedup_holdout3/generate_holdout3.py
"""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

SEED = 20261205
OUT = Path(__file__).resolve().parent
CST = timezone(timedelta(hours=8))

# --------------------------------------------------------------------------------------------
# vocabulary
# --------------------------------------------------------------------------------------------

BOOKS = [
    "平凡的世界", "红楼梦", "活着", "额尔古纳河右岸", "人世间", "乡土中国", "边城", "围城", "呼兰河传",
    "朝花夕拾", "城南旧事", "草房子", "小王子", "三体", "苏东坡传", "长安的荔枝", "我与地坛", "骆驼祥子",
    "文化苦旅", "浮生六记", "老人与海", "百年孤独", "撒哈拉的故事", "繁花", "云边有个小卖部", "白鹿原",
    "傅雷家书", "论语", "诗经", "山海经", "西游记", "水浒传", "儒林外史", "沉默的大多数", "平原上的摩西",
    "北上", "牛虻", "钢铁是怎样炼成的", "红岩", "林海雪原", "雷雨", "茶馆", "人间词话", "万历十五年",
]
PICBOOKS = [
    "猜猜我有多爱你", "好饿的毛毛虫", "大卫，不可以", "团圆", "逃家小兔", "我爸爸", "我妈妈", "石头汤",
    "花婆婆", "小蓝和小黄", "鳄鱼怕怕牙医怕怕", "母鸡萝丝去散步", "爷爷一定有办法", "小黑鱼", "彩虹色的花",
    "月亮的味道", "一园青菜成了精", "年", "安的种子", "北京的春节", "小老鼠的漫长一夜", "你看起来好像很好吃",
]
LECTURES = [
    "宋词里的四季", "家庭急救知识", "中医养生与四季调理", "二十四节气里的中国智慧", "红色家书背后的故事",
    "青少年心理健康与亲子沟通", "AI时代我们如何读书", "防范电信网络诈骗", "家庭教育促进法解读",
    "苏轼的人生哲学", "唐诗中的长安", "汉字的故事", "老年人慢病管理", "科学育儿100问", "中华礼仪漫谈",
    "大运河的前世今生", "从《史记》看为人处世", "诗意栖居：王维的山水世界", "乡村振兴政策解读",
    "宋代点茶文化", "如何写好一篇家书", "碳中和与我们的生活", "民法典与百姓生活", "鲁迅的朋友圈",
    "梁思成与中国古建筑", "中国传统色彩之美", "地方戏曲欣赏", "青春期性格养成", "读懂孩子的情绪",
]
CRAFTS = [
    "端午香囊制作", "非遗漆扇制作", "剪纸", "活字印刷体验", "古法造纸", "扎染", "中秋月饼DIY", "风筝彩绘",
    "书签制作", "植物拓印", "绳结编织", "团扇绘制", "陶艺", "面塑", "灯笼制作", "雕版印刷体验",
]
FILMS = [
    "长津湖", "流浪地球2", "我和我的祖国", "城南旧事", "寻梦环游记", "疯狂动物城", "功夫熊猫", "夺冠",
    "中国机长", "你好，李焕英", "狮子王", "哪吒之魔童降世", "隐形的翅膀", "白蛇：缘起", "觉醒年代",
]
EXHIBITS = [
    "翰墨书香——书法作品展", "红色家书主题展", "二十四节气图片展", "非遗剪纸艺术展", "古籍保护成果展",
    "少儿绘画作品展", "“最美书房”摄影展", "抗战家书文献展", "运河记忆老照片展", "中华传统节日文化展",
    "科普知识展板巡展", "廉洁文化主题展", "民法典宣传展",
]
TRAININGS = [
    "老年人智能手机使用培训", "数字资源使用培训", "基层图书管理员业务培训", "阅读推广人培训",
    "农家书屋管理员培训", "志愿者服务培训", "古籍修复入门培训", "短视频拍摄与剪辑培训",
]
DIGITAL = ["VR看世界数字阅读体验", "AI工具入门体验课", "电子书借阅指南", "数字阅读推广月：扫码看书", "少儿编程体验课"]
ACCESS = ["视障读者电影讲述", "助残日有声读物分享", "手语绘本故事会", "盲文阅读体验"]
CONTESTS = ["少儿诵读大赛", "中华经典诵读比赛", "“我爱读书”征文比赛颁奖仪式", "知识竞赛", "书法比赛",
            "故事大王比赛", "成语大会"]
POETS = ["李白", "杜甫", "苏轼", "李清照", "王维", "辛弃疾", "陶渊明", "纳兰性德"]
ENGLISH = [
    ("English Corner 英语角", "salon"),
    ("Storytime 英文绘本故事会", "children"),
    ("Book Club: The Little Prince《小王子》英文共读", "reading_club"),
    ("Reading Together｜亲子英文阅读", "parent_child"),
    ("English Movie Night：Coco《寻梦环游记》", "screening"),
]

CLOSE_SIBLINGS = ("two_sessions", "parallel_groups", "parallel_rooms", "branches_same_hour")
"""Families whose look-alikes are at most two hours apart."""

GENERIC_SHORTS = {"县馆", "县图书馆", "区馆", "区图", "区图书馆", "市馆", "市图书馆", "市图", "总馆"}
"""Abbreviations that only name a library for the members below it."""

ALT_CATEGORIES = {
    "lecture": ["outreach", "salon", "other"],
    "reading_club": ["salon", "other"],
    "salon": ["reading_club", "lecture"],
    "children": ["parent_child", "reading_club"],
    "parent_child": ["children", "training"],
    "exhibition": ["other", "festival"],
    "training": ["digital", "lecture"],
    "outreach": ["lecture", "other", "reading_club"],
    "screening": ["accessibility", "other"],
    "contest": ["children", "festival"],
    "festival": ["other", "contest"],
    "digital": ["training", "lecture"],
    "accessibility": ["screening", "outreach"],
    "other": ["salon", "outreach"],
}

TRAD = str.maketrans({
    "书": "書", "读": "讀", "会": "會", "图": "圖", "馆": "館", "讲": "講", "亲": "親", "绘": "繪",
    "动": "動", "学": "學", "华": "華", "岚": "嵐", "东": "東", "诗": "詩", "词": "詞", "国": "國",
    "传": "傳", "统": "統", "节": "節", "阅": "閱", "览": "覽", "厅": "廳", "楼": "樓", "报": "報",
    "与": "與", "门": "門", "开": "開", "场": "場", "间": "間", "时": "時", "长": "長", "乐": "樂",
    "儿": "兒", "岁": "歲", "为": "為", "们": "們", "这": "這", "个": "個", "红": "紅", "梦": "夢",
    "经": "經", "导": "導", "坛": "壇", "韵": "韻", "农": "農", "乡": "鄉", "镇": "鎮", "县": "縣",
    "区": "區", "戏": "戲", "剧": "劇", "艺": "藝", "术": "術", "体": "體", "验": "驗", "万": "萬",
    "风": "風", "云": "雲", "记": "記", "画": "畫", "历": "歷", "龙": "龍", "众": "眾", "纸": "紙",
    "剪": "剪", "湾": "灣", "飞": "飛", "爱": "愛", "欢": "歡", "迎": "迎", "参": "參", "加": "加",
    "汉": "漢", "语": "語", "说": "說", "听": "聽", "闻": "聞", "墨": "墨", "赛": "賽", "业": "業",
})
TYPOS = [("讲座", "讲坐"), ("亲子", "亲自"), ("分享会", "分享汇"), ("绘本", "会本"), ("故事会", "故事汇"),
         ("报告厅", "报告听"), ("多功能厅", "多功厅"), ("阅览室", "阅揽室"), ("培训", "陪训"),
         ("展览", "展揽"), ("沙龙", "沙笼"), ("图书馆", "图书管"), ("读书", "渎书")]
FW = str.maketrans("0123456789", "０１２３４５６７８９")
CN_NUM = "零一二三四五六七八九十"
EMOJI = ["📚", "📖", "🎉", "✨", "🔥", "🌸", "👉", "❤️", "🎈", "☀️"]
EMOJI_BY_MONTH = {3: "🌸", 4: "📚", 5: "🌿", 6: "🎋", 7: "☀️", 8: "🍉", 9: "🍂"}


def cn_floor(n: int) -> str:
    return CN_NUM[n] + "楼"


# --------------------------------------------------------------------------------------------
# cities
# --------------------------------------------------------------------------------------------

@dataclass
class Lib:
    id: str
    name: str
    tier: str
    parent: str | None
    kind: str  # central county district branch street citybook village school univ community kids
    shorts: list[str]
    address: str
    rooms: list[tuple[str, int | None, list[str]]] = field(default_factory=list)
    habit: dict = field(default_factory=dict)


def rooms_for(kind: str, rng: random.Random) -> list[tuple[str, int | None, list[str]]]:
    if kind in ("central", "county", "district", "kids"):
        floors = rng.sample([1, 2, 3, 4, 5], 5)
        return [
            ("报告厅", 1 if rng.random() < 0.6 else floors[0], ["学术报告厅", "报告厅"]),
            ("多功能厅", floors[1] if floors[1] != 1 else 3, ["多功能厅", "多功能活动室", "多功能室"]),
            ("少儿阅览室", floors[2], ["少儿阅览区", "儿童阅览室", "少儿借阅区"]),
            ("大厅", 1, ["大厅", "大堂", "中庭"]),
            ("展厅", floors[3], ["展厅", "展览厅", "展区"]),
            ("读者活动室", floors[4], ["读者活动室", "活动室"]),
            ("电子阅览室", 2, ["电子阅览室", "数字体验区"]),
        ]
    if kind in ("branch", "street"):
        return [
            ("阅览室", 1, ["阅览室", "借阅区"]),
            ("活动室", 2, ["活动室", "多功能室", "读者活动室"]),
            ("少儿阅读区", 1, ["少儿阅读区", "亲子阅读区", "儿童区"]),
        ]
    if kind == "citybook":
        return [("阅读区", None, ["阅读区", "书房"]), ("分享区", None, ["分享区", "活动区", "沙龙区"])]
    if kind == "village":
        return [("书屋", None, ["农家书屋", "书屋"]), ("文化礼堂", None, ["村文化礼堂", "文化礼堂", "村文化活动室"]),
                ("村委会会议室", 2, ["村委会会议室", "村部会议室"])]
    if kind == "school":
        return [("图书室", None, ["图书室", "图书馆", "阅览室"]), ("报告厅", None, ["学校报告厅", "阶梯教室", "报告厅"])]
    if kind == "univ":
        return [("报告厅", 1, ["学术报告厅", "报告厅"]), ("阅览大厅", 2, ["阅览大厅", "借阅大厅"]),
                ("研讨室", 4, ["研讨室", "小组研讨间"])]
    if kind == "community":
        return [("图书室", None, ["图书室", "阅览室"]), ("活动室", 3, ["党群服务中心活动室", "活动室", "多功能室"])]
    raise ValueError(kind)


CITY_I = {
    "key": "city_i",
    "alliance_id": "lanzhou-reading",
    "alliance_name": "岚州市公共图书馆阅读推广联盟",
    "city": "岚州市",
    "members": [
        ("lzlib", "岚州市图书馆", "central", None, "central", ["市馆", "市图书馆", "市图", "岚州图书馆"], "岚州市文昌路88号"),
        ("lz-kids", "岚州市少年儿童图书馆", "district", "lzlib", "kids", ["市少儿馆", "少儿馆", "少儿图书馆"], "岚州市文昌路90号"),
        ("lz-univ", "岚州学院图书馆", "branch", "lzlib", "univ", ["岚州学院图书馆", "学院图书馆", "岚院图书馆"], "岚州市高教园区学府路1号"),
        ("lz-yz1", "岚州市第一中学图书馆", "service_point", "lzlib", "school", ["市一中图书馆", "岚州一中"], "岚州市解放路21号"),
        ("lsq", "岚山区图书馆", "district", "lzlib", "district", ["区馆", "区图书馆", "岚山区馆", "区图"], "岚州市岚山区滨河东路16号"),
        ("lsq-dh", "岚山区图书馆东湖街道分馆", "branch", "lsq", "street", ["东湖分馆", "东湖街道分馆"], "岚山区东湖街道东湖路5号"),
        ("lsq-xq", "岚山区图书馆西桥街道分馆", "branch", "lsq", "street", ["西桥分馆", "西桥街道图书馆"], "岚山区西桥街道桥西路32号"),
        ("qhx", "清河县图书馆", "county", "lzlib", "county", ["县馆", "县图书馆", "清河县馆", "清河图书馆"], "清河县人民路168号"),
        ("qhx-cg", "清河县图书馆城关镇分馆", "branch", "qhx", "branch", ["城关分馆", "城关镇分馆"], "清河县城关镇建设街12号"),
        ("qhx-ty", "清河县图书馆桃源镇分馆", "branch", "qhx", "branch", ["桃源分馆", "桃源镇分馆", "桃源镇图书馆"], "清河县桃源镇府前路3号"),
        ("qhx-xh", "桃源镇杏花村农家书屋", "service_point", "qhx-ty", "village", ["杏花村书屋", "杏花村农家书屋"], "清河县桃源镇杏花村村委会"),
        ("qhx-sx", "清河县实验小学图书室", "service_point", "qhx", "school", ["实验小学", "县实小"], "清河县育才路8号"),
        ("bsx", "白石县图书馆", "county", "lzlib", "county", ["县馆", "县图书馆", "白石县馆", "白石图书馆"], "白石县文化中心B座"),
        ("bsx-sm", "白石县图书馆石门镇分馆", "branch", "bsx", "branch", ["石门分馆", "石门镇分馆"], "白石县石门镇新街20号"),
        ("bsx-lw", "石门镇柳湾村农家书屋", "service_point", "bsx-sm", "village", ["柳湾村书屋", "柳湾村农家书屋"], "白石县石门镇柳湾村"),
        ("bsx-gt", "白石县图书馆高滩乡分馆", "branch", "bsx", "branch", ["高滩分馆", "高滩乡分馆"], "白石县高滩乡政府院内"),
        ("yxx", "云溪县图书馆", "county", "lzlib", "county", ["县馆", "县图书馆", "云溪县馆", "云溪图书馆"], "云溪县云溪大道99号"),
        ("yxx-lt", "云溪县图书馆龙潭镇分馆", "branch", "yxx", "branch", ["龙潭分馆", "龙潭镇分馆"], "云溪县龙潭镇龙潭街7号"),
        ("yxx-ltc", "龙潭镇龙潭村农家书屋", "service_point", "yxx-lt", "village", ["龙潭村书屋", "龙潭村农家书屋"], "云溪县龙潭镇龙潭村"),
        ("yxx-qs", "云溪县图书馆青山乡分馆", "branch", "yxx", "branch", ["青山分馆", "青山乡分馆"], "云溪县青山乡青山路1号"),
        ("yxx-zx", "云溪县第二中学图书馆", "service_point", "yxx", "school", ["云溪二中", "县二中图书馆"], "云溪县文星路45号"),
    ],
    "brands": [
        ("lz-jiangtan", "岚州讲坛", "lzlib", "lecture"),
        ("lz-yuedu", "悦读童年", "lz-kids", "children"),
        ("lz-quanmin", "书香岚州", "lzlib", "festival"),
        ("qh-jingdian", "经典导读", "qhx", "reading_club"),
        ("bs-songshu", "送书下乡", "bsx", "outreach"),
        ("yx-shuyun", "云溪书韵", "yxx", "reading_club"),
        ("ls-dhjt", "东湖小讲堂", "lsq-dh", "lecture"),
    ],
    "partners": ["岚州市文化馆", "岚州市社科联", "岚州市科协", "共青团岚州市委", "岚州市妇联", "清河县文化馆",
                 "白石县教育局", "云溪县文联", "岚州日报社", "新华书店岚州分公司", "岚州市老年大学"],
    "outside": [
        ("桃源镇中心小学", ["桃源镇中心小学", "桃源中心小学", "桃源镇中心小学报告厅", "桃源镇中心校"], "清河县桃源镇学府街1号"),
        ("岚州市第一人民医院", ["市一院门诊大厅", "岚州市第一人民医院", "市第一人民医院门诊楼一楼"], "岚州市中山路100号"),
        ("武警岚州支队", ["武警岚州支队", "武警支队营区", "支队营区图书室"], "岚州市北郊"),
        ("岚州高新区工业园", ["高新区工业园职工书屋", "岚州高新区工业园", "工业园区职工之家"], "岚州高新区创业大道"),
        ("石门镇敬老院", ["石门镇敬老院", "石门敬老院", "石门镇养老服务中心"], "白石县石门镇"),
        ("清河县人民广场", ["清河县人民广场", "人民广场", "县人民广场东侧"], "清河县人民路"),
        ("岚州市滨河公园", ["滨河公园", "岚州市滨河公园", "滨河公园南门广场"], "岚州市滨河路"),
        ("云溪县青少年活动中心", ["云溪县青少年活动中心", "县青少年宫", "青少年活动中心"], "云溪县云溪大道12号"),
    ],
    "online": [("微信视频号「岚州市图书馆」", "https://channels.weixin.qq.com/lzlib"),
               ("腾讯会议", "https://meeting.tencent.com/dm/lz2026"),
               ("抖音直播间", "https://live.douyin.com/lzlib")],
    "directory": False,
    "year_brand": "2026书香岚州全民阅读节",
}

CITY_J = {
    "key": "city_j",
    "alliance_id": "yunhu-zongfenguan",
    "alliance_name": "江城市云湖区图书馆总分馆阅读推广联盟",
    "city": "云湖区",
    "members": [
        ("yh", "云湖区图书馆", "central", None, "central", ["区馆", "区图", "区图书馆", "总馆", "云湖图书馆"], "江城市云湖区湖滨大道200号"),
        ("yh-kids", "云湖区少年儿童图书馆", "district", "yh", "kids", ["区少儿馆", "少儿馆", "少儿图书馆"], "云湖区湖滨大道202号"),
        ("yh-hb", "云湖区图书馆湖滨街道分馆", "branch", "yh", "street", ["湖滨分馆", "湖滨街道图书馆"], "云湖区湖滨街道临湖路18号"),
        ("yh-wj", "云湖区图书馆望江街道分馆", "branch", "yh", "street", ["望江分馆", "望江街道图书馆"], "云湖区望江街道江景路66号"),
        ("yh-xq", "云湖区图书馆新桥街道分馆", "branch", "yh", "street", ["新桥分馆", "新桥街道分馆"], "云湖区新桥街道新桥路9号"),
        ("yh-bl", "云湖区图书馆白鹭洲街道分馆", "branch", "yh", "street", ["白鹭洲分馆", "白鹭分馆"], "云湖区白鹭洲街道鹭鸣路3号"),
        ("yh-my", "云湖区图书馆梅园街道分馆", "branch", "yh", "street", ["梅园分馆", "梅园街道分馆"], "云湖区梅园街道梅园新村12栋"),
        ("yh-kj", "云湖区图书馆科技园分馆", "branch", "yh", "street", ["科技园分馆", "科创分馆"], "云湖区科技园创新路1号A座"),
        ("yh-ty", "云湖区图书馆桃叶渡街道分馆", "branch", "yh", "street", ["桃叶渡分馆", "桃叶分馆"], "云湖区桃叶渡街道古渡路27号"),
        ("yh-hb-tt", "湖滨城市书房·听涛", "service_point", "yh-hb", "citybook", ["听涛书房", "听涛城市书房", "湖滨城市书房"], "云湖区临湖路湖滨公园北门"),
        ("yh-wj-jp", "望江江畔书房", "service_point", "yh-wj", "citybook", ["江畔书房", "江畔城市书房"], "云湖区江景路滨江步道3号"),
        ("yh-xq-24", "新桥24小时城市书房", "service_point", "yh-xq", "citybook", ["新桥书房", "24小时城市书房", "新桥城市书房"], "云湖区新桥路地铁站C口"),
        ("yh-bl-ly", "白鹭洲鹭影书房", "service_point", "yh-bl", "citybook", ["鹭影书房", "白鹭书房"], "云湖区鹭鸣路滨水公园内"),
        ("yh-hb-jg", "湖滨街道金桂社区图书室", "service_point", "yh-hb", "community", ["金桂社区", "金桂社区图书室"], "云湖区金桂社区党群服务中心"),
        ("yh-my-wt", "梅园街道梧桐社区服务点", "service_point", "yh-my", "community", ["梧桐社区", "梧桐社区服务点"], "云湖区梧桐社区文化家园"),
        ("yh-xq-cy", "新桥街道春阳社区图书室", "service_point", "yh-xq", "community", ["春阳社区", "春阳社区图书室"], "云湖区春阳社区服务中心"),
        ("yh-ty-gd", "桃叶渡古渡社区服务点", "service_point", "yh-ty", "community", ["古渡社区", "古渡社区服务点"], "云湖区古渡社区邻里中心"),
        ("jcut", "江城理工大学图书馆", "branch", "yh", "univ", ["江理工图书馆", "理工大学图书馆", "江城理工图书馆"], "云湖区学府路300号"),
        ("yh-shx", "云湖区实验小学图书馆", "service_point", "yh-kids", "school", ["区实验小学", "云湖实小"], "云湖区书院路5号"),
        ("yh-bxz", "云湖区滨湖中学图书馆", "service_point", "yh-kids", "school", ["滨湖中学", "滨湖中学图书馆"], "云湖区滨湖路88号"),
    ],
    "brands": [
        ("yh-jiangtang", "云湖讲堂", "yh", "lecture"),
        ("yh-jiangpan", "江畔读书会", "yh-wj", "reading_club"),
        ("yh-xiaoshuchong", "小书虫绘本剧场", "yh-kids", "children"),
        ("yh-qinzi", "周末亲子故事会", "yh-kids", "parent_child"),
        ("yh-yuedu", "湖滨悦读", "yh-hb", "salon"),
        ("yh-keji", "科创沙龙", "yh-kj", "salon"),
        ("yh-gudu", "古渡书声", "yh-ty", "reading_club"),
    ],
    "partners": ["云湖区文化馆", "云湖区科协", "云湖区妇联", "团区委", "江城理工大学文学院", "云湖区教育局",
                 "江城晚报", "区融媒体中心", "云湖区残联", "湖滨街道办事处", "江城市作家协会"],
    "outside": [
        ("云湖区实验幼儿园", ["云湖区实验幼儿园", "区实验幼儿园", "实验幼儿园多功能厅"], "云湖区书院路9号"),
        ("湖滨公园", ["湖滨公园", "湖滨公园北门广场", "湖滨公园草坪"], "云湖区临湖路"),
        ("云湖万达广场", ["万达广场", "云湖万达广场中庭", "万达广场一楼中庭"], "云湖区湖滨大道500号"),
        ("科技园A座", ["科技园A座大堂", "科技园创新路1号A座一楼", "科技园A座"], "云湖区科技园创新路1号"),
        ("云湖区社会福利院", ["区社会福利院", "云湖区社会福利院", "社会福利院活动室"], "云湖区福寿路8号"),
        ("江城地铁新桥站", ["地铁新桥站站厅", "新桥地铁站", "新桥站C口"], "云湖区新桥路"),
        ("桃叶渡古街", ["桃叶渡古街", "古渡街戏台", "桃叶渡古街戏台"], "云湖区古渡路"),
    ],
    "online": [("云湖区图书馆视频号", "https://channels.weixin.qq.com/yhlib"),
               ("腾讯会议", "https://meeting.tencent.com/dm/yh2026"),
               ("B站直播间", "https://live.bilibili.com/2026001")],
    "directory": True,
    "year_brand": "2026云湖全民阅读季",
}


# --------------------------------------------------------------------------------------------
# activities
# --------------------------------------------------------------------------------------------

class Conflict(Exception):
    """A drawn activity would share a room and hour with one already drawn."""


@dataclass
class Activity:
    label: str
    family: str
    host: str
    cohosts: list[tuple[str, str]]  # (library id, role)
    title: str  # canonical, as the host writes it
    topic: str  # the title without the brand prefix
    brand: str | None
    brand_id: str | None
    marker: str | None  # 第一场 / 上午场 / 少儿组: part of the identity
    category: str
    start: datetime
    end: datetime
    venue: tuple  # ("room", lib, roomidx) | ("outside", idx) | ("online", idx)
    all_day: bool = False
    partners: list[str] = field(default_factory=list)
    n: int = 1
    audience: str | None = None
    series_no: int | None = None


class Gen:
    def __init__(self, cfg: dict, seed: int) -> None:
        self.cfg = cfg
        self.rng = random.Random(seed)
        rng = self.rng
        self.libs: dict[str, Lib] = {}
        for lid, name, tier, parent, kind, shorts, addr in cfg["members"]:
            lib = Lib(lid, name, tier, parent, kind, shorts, addr, rooms_for(kind, rng))
            lib.habit = self.make_habit(lib)
            self.libs[lid] = lib
        self.children: dict[str, list[str]] = {k: [] for k in self.libs}
        for lib in self.libs.values():
            if lib.parent:
                self.children[lib.parent].append(lib.id)
        self.brands = {b[0]: b for b in cfg["brands"]}
        self.acts: list[Activity] = []
        self.counter = 0
        self.brand_no = Counter()
        self.vc = Counter()  # variation counts
        self.occ: dict[tuple, list] = {}

    # ---- habits of each member -------------------------------------------------------------
    def make_habit(self, lib: Lib) -> dict:
        r = self.rng
        style = r.choices(["wechat", "plain", "report", "terse"], [0.4, 0.3, 0.15, 0.15])[0]
        if lib.kind in ("village", "community", "school"):
            style = r.choice(["terse", "report", "plain"])
        return {
            "style": style,
            "time": r.choices(["exact", "signin", "round"], [0.65, 0.2, 0.15])[0],
            "org": r.choices(["full", "self_host", "none", "claim_host"], [0.45, 0.25, 0.2, 0.1])[0],
            "venue": r.choices(["short", "full", "address", "bare"], [0.3, 0.35, 0.1, 0.25])[0],
            "lead": r.choice([1, 2, 3, 5, 7, 10]),
            "late_report": style == "report" and r.random() < 0.5,
            "utc": False,
            "role_word": r.choices(["co_organiser", "co_host", "organiser"], [0.5, 0.3, 0.2])[0],
            "ref": r.choice(["date", "wx", "hd", "num", "uuid"]),
            "end_missing": r.random() < 0.25,
            "desc": r.random() < 0.7,
        }

    # ---- helpers ---------------------------------------------------------------------------
    def new_label(self) -> str:
        self.counter += 1
        return f"{self.cfg['key']}-a{self.counter:05d}"

    def pick_day(self, lo: date = date(2026, 3, 2), hi: date = date(2026, 8, 30), weekend: float = 0.6) -> date:
        r = self.rng
        while True:
            d = lo + timedelta(days=r.randrange((hi - lo).days + 1))
            if (d.weekday() >= 5) == (r.random() < weekend):
                return d

    def season_day(self, title: str) -> date:
        """A day that fits a title naming a season or a festival (世界读书日 in April, 端午 in June …)."""
        if "4·23" in title or "世界读书日" in title or "读书月" in title:
            return self.pick_day(date(2026, 4, 18), date(2026, 4, 26), weekend=0.4)
        if "端午" in title:
            return self.pick_day(date(2026, 6, 13), date(2026, 6, 19), weekend=0.5)
        if "暑期" in title or "暑假" in title:
            return self.pick_day(date(2026, 7, 4), date(2026, 8, 20))
        if "中秋" in title:
            return self.pick_day(date(2026, 8, 24), date(2026, 8, 30))
        return self.pick_day()

    def slot(self, evening_ok: bool = True) -> tuple[int, int]:
        slots = [(9, 0), (9, 30), (10, 0), (14, 0), (14, 30), (15, 0), (15, 30)]
        if evening_ok:
            slots += [(19, 0), (19, 30)]
        return self.rng.choice(slots)

    def at(self, d: date, hm: tuple[int, int]) -> datetime:
        return datetime(d.year, d.month, d.day, hm[0], hm[1], tzinfo=CST)

    def neighbours(self, lid: str) -> list[str]:
        lib = self.libs[lid]
        out = []
        if lib.parent:
            out.append(lib.parent)
            out += [s for s in self.children[lib.parent] if s != lid]
            gp = self.libs[lib.parent].parent
            if gp:
                out.append(gp)
        out += self.children[lid]
        for c in self.children[lid]:
            out += self.children[c]
        return list(dict.fromkeys(out))

    def sample_n(self, family: str) -> int:
        r = self.rng
        if family in ("weekly", "online_series", "daily_class"):
            return r.choices([1, 2, 3], [0.72, 0.22, 0.06])[0]
        if family == "festival":
            return r.choice([5, 6, 7])
        return r.choices([1, 2, 3, 4, 5], [0.64, 0.24, 0.08, 0.03, 0.01])[0]

    def room_venue(self, lid: str, prefer: list[str] | None = None) -> tuple:
        lib = self.libs[lid]
        idxs = list(range(len(lib.rooms)))
        if prefer:
            good = [i for i in idxs if lib.rooms[i][0] in prefer]
            if good:
                idxs = good
        return ("room", lid, self.rng.choice(idxs))

    def cohosts_for(self, host: str, n: int) -> list[tuple[str, str]]:
        r = self.rng
        pool = self.neighbours(host)
        r.shuffle(pool)
        k = max(0, n - 1)
        if r.random() < 0.3:
            k += r.choice([1, 1, 2])  # co-hosts who never announce
        k = min(k, len(pool))
        return [(c, r.choices(["co_organiser", "organiser", "participant"], [0.6, 0.3, 0.1])[0]) for c in pool[:k]]

    def random_host(self) -> str:
        r = self.rng
        weights = {"central": 8, "kids": 5, "district": 5, "county": 6, "branch": 3, "street": 3, "univ": 2,
                   "citybook": 2, "village": 1, "school": 1, "community": 1.5}
        ids = list(self.libs)
        return r.choices(ids, [weights[self.libs[i].kind] for i in ids])[0]

    def make_content(self, host: str, category: str | None = None) -> dict:
        """A title, category and suitable rooms for an activity hosted by ``host``."""
        r = self.rng
        lib = self.libs[host]
        own_brands = [b for b in self.brands.values() if b[2] == host]
        if category is None:
            cats = ["lecture", "reading_club", "children", "parent_child", "exhibition", "training", "outreach",
                    "screening", "salon", "contest", "digital", "accessibility", "english"]
            w = [12, 12, 12, 9, 4, 5, 6, 4, 5, 3, 3, 2, 2]
            if lib.kind == "kids":
                w = [2, 4, 25, 20, 2, 1, 2, 3, 1, 4, 2, 1, 4]
            if lib.kind in ("village", "community"):
                w = [4, 6, 6, 6, 1, 5, 4, 3, 2, 1, 1, 1, 0]
            category = r.choices(cats, w)[0]
        brand = None
        if own_brands and r.random() < 0.45:
            b = r.choice(own_brands)
            if b[3] in (category, "festival") or r.random() < 0.3:
                brand = b
                if b[3] != "festival":
                    category = b[3]
        prefer = None
        marker_topic = None
        if category == "lecture":
            t = r.choice(LECTURES)
            topic, full = t, r.choice([f"{t}", f"{t}讲座", f"{t}专题讲座", f"{t}公益讲座"])
            prefer = ["报告厅", "多功能厅", "活动室", "文化礼堂", "分享区"]
        elif category == "reading_club":
            b = r.choice(BOOKS)
            full = r.choice([f"《{b}》读书分享会", f"共读《{b}》", f"《{b}》共读会", f"读书会：《{b}》"])
            topic = full
            prefer = ["读者活动室", "多功能厅", "活动室", "分享区", "研讨室", "书屋", "图书室"]
        elif category == "salon":
            p = r.choice(POETS)
            full = r.choice([f"诗词沙龙：走近{p}", f"{r.choice(BOOKS)}读书沙龙", f"{p}诗词品读会"])
            topic = full
            prefer = ["多功能厅", "读者活动室", "分享区", "活动室"]
        elif category == "children":
            pb = r.choice(PICBOOKS)
            full = r.choice([f"《{pb}》绘本故事会", f"绘本共读：《{pb}》", f"少儿绘本阅读《{pb}》"])
            topic = full
            prefer = ["少儿阅览室", "少儿阅读区", "阅读区", "书屋", "图书室"]
        elif category == "parent_child":
            c = r.choice(CRAFTS)
            full = r.choice([f"亲子{c}活动", f"{c}亲子手工", f"非遗体验：{c}", f"亲子阅读+{c}"])
            topic = full
            prefer = ["少儿阅览室", "少儿阅读区", "活动室", "读者活动室", "分享区", "文化礼堂"]
        elif category == "exhibition":
            full = r.choice(EXHIBITS)
            topic = full
            prefer = ["展厅", "大厅", "阅览室", "阅读区", "阅览大厅"]
        elif category == "training":
            full = r.choice(TRAININGS)
            topic = full
            prefer = ["电子阅览室", "多功能厅", "活动室", "报告厅", "村委会会议室"]
        elif category == "outreach":
            full = r.choice(["图书馆进校园：", "送书进军营：", "阅读进社区：", "流动图书车进", "书香进企业："])
            if full.endswith("进"):
                full += "社区"
            else:
                full += r.choice([r.choice(LECTURES), "好书推荐", f"《{r.choice(BOOKS)}》导读"])
            topic = full
        elif category == "screening":
            f = r.choice(FILMS)
            full = r.choice([f"周末影院：《{f}》", f"公益电影放映《{f}》", f"红色观影：《{f}》"])
            topic = full
            prefer = ["报告厅", "多功能厅", "文化礼堂", "报告厅"]
        elif category == "contest":
            full = r.choice(CONTESTS)
            marker_topic = r.choice([None, "初赛", "复赛", "决赛"])
            if marker_topic and "颁奖" not in full:
                full = f"{full}{marker_topic}"
            topic = full
            prefer = ["报告厅", "多功能厅", "大厅"]
        elif category == "digital":
            full = r.choice(DIGITAL)
            topic = full
            prefer = ["电子阅览室", "多功能厅", "阅读区", "活动室"]
        elif category == "accessibility":
            full = r.choice(ACCESS)
            topic = full
            prefer = ["多功能厅", "报告厅", "读者活动室", "活动室"]
        else:  # english
            full, category = r.choice(ENGLISH)
            topic = full
            prefer = ["多功能厅", "少儿阅览室", "分享区", "研讨室", "活动室", "报告厅"]
        title = full
        if brand:
            if brand[3] == "festival":
                title = f"{brand[1]}·{full}"
            else:
                self.brand_no[brand[0]] += 1
                if r.random() < 0.4:
                    title = f"{brand[1]}第{self.brand_no[brand[0]]}期：{full}"
                else:
                    title = f"{brand[1]}：{full}"
        return {"title": title, "topic": full, "brand": brand[1] if brand else None,
                "brand_id": brand[0] if brand else None, "category": category, "prefer": prefer}

    def add(self, family: str, host: str, content: dict, start: datetime, end: datetime, venue: tuple,
            n: int | None = None, marker: str | None = None, all_day: bool = False,
            cohosts: list | None = None) -> Activity:
        r = self.rng
        n = self.sample_n(family) if n is None else n
        co = self.cohosts_for(host, n) if cohosts is None else cohosts
        partners = r.sample(self.cfg["partners"], r.choice([0, 0, 0, 1, 1, 2]))
        title = content["title"] + (f"（{marker}）" if marker else "")
        act = Activity(self.new_label(), family, host, co, title, content["topic"], content["brand"],
                       content["brand_id"], marker, content["category"], start, end, venue, all_day, partners, n)
        act.audience = r.choice([None, None, "全体读者", "少年儿童及家长", "老年读者", "青少年", "社区居民", "亲子家庭"])
        key, exh = self.occupancy_key(venue, all_day or content["category"] == "exhibition" and end - start > timedelta(days=1))
        for other in self.occ.get(key, []):
            if other[2] == exh and other[0] < end and start < other[1]:
                raise Conflict(key)  # one room, one activity at a time; one exhibition per library at a time
        self.occ.setdefault(key, []).append((start, end, exh, act.label))
        self.acts.append(act)
        return act

    def occupancy_key(self, venue: tuple, exhibition: bool) -> tuple[tuple, bool]:
        if venue[0] == "room":
            return ((venue[1],) if exhibition else venue), exhibition
        return venue, exhibition

    def run(self, family: str) -> None:
        """One family of activities; drawn again when it would put two activities in one room at once."""
        for _ in range(30):
            mark, saved = len(self.acts), self.counter
            try:
                getattr(self, family)()
                return
            except Conflict:
                dropped = {a.label for a in self.acts[mark:]}
                del self.acts[mark:]
                self.counter = saved
                for key in self.occ:
                    self.occ[key] = [o for o in self.occ[key] if o[3] not in dropped]
        raise RuntimeError(f"no room for {family}")

    def dur(self, category: str) -> timedelta:
        return timedelta(minutes=self.rng.choice([60, 90, 90, 120, 120, 150]))

    # ---- families ------------------------------------------------------------------------
    def plain(self) -> None:
        host = self.random_host()
        c = self.make_content(host)
        d = self.pick_day()
        s = self.at(d, self.slot())
        if c["category"] == "exhibition":
            self.exhibition(host, c, d)
            return
        r = self.rng
        if c["category"] == "outreach" or (r.random() < 0.08 and self.cfg["outside"]):
            v = ("outside", r.randrange(len(self.cfg["outside"])))
        elif r.random() < 0.05:
            v = ("online", r.randrange(len(self.cfg["online"])))
        else:
            vl = host
            if self.children[host] and r.random() < 0.25:
                vl = r.choice(self.children[host])  # the parent runs it at a branch
            v = self.room_venue(vl, c["prefer"])
        self.add("plain", host, c, s, s + self.dur(c["category"]), v)

    def exhibition(self, host: str, c: dict, d: date, family: str = "exhibition", venue=None) -> Activity:
        r = self.rng
        days = r.choice([7, 10, 14, 20, 30])
        s = self.at(d, (9, 0))
        e = self.at(d + timedelta(days=days), (17, 0))
        v = venue or self.room_venue(host, ["展厅", "大厅", "阅览室", "阅读区", "阅览大厅", "书屋", "图书室"])
        return self.add(family, host, c, s, e, v, all_day=r.random() < 0.5)

    def weekly(self) -> None:
        r = self.rng
        host = self.random_host()
        c = self.make_content(host, r.choice(["children", "parent_child", "reading_club", "salon", "english",
                                               "screening", "children"]))
        c["title"] = c["title"].split("第")[0].rstrip("：") + "：" + c["topic"] if "期：" in c["title"] else c["title"]
        if r.random() < 0.5:  # a weekly story hour keeps one title
            c["title"] = r.choice(["周末故事会", "周六绘本课堂", "悦读时光", "周日亲子阅读", "英语角",
                                   "周末观影", "午间读书会", "青少年读书会"]) if not c["brand"] else c["brand"]
            c["topic"] = c["title"]
        t = c["title"]
        d0 = self.pick_day(hi=date(2026, 7, 15), weekend=1.0 if ("周" in t or "故事会" in t) else 0.6)
        if "周六" in t and d0.weekday() == 6 or "周日" in t and d0.weekday() == 5:
            d0 += timedelta(days=1 if d0.weekday() == 5 else -1)
        hm = (12, 10) if "午间" in t else self.slot(evening_ok=self.libs[host].kind not in ("school", "kids", "village"))
        v = self.room_venue(host, c["prefer"])
        co = self.cohosts_for(host, 2)
        for k in range(r.randint(4, 8)):
            s = self.at(d0 + timedelta(weeks=k), hm)
            a = self.add("weekly", host, c, s, s + timedelta(minutes=90), v, cohosts=co)
            a.series_no = k + 1

    def branches_same_hour(self) -> None:
        r = self.rng
        parents = [p for p, ch in self.children.items() if len(ch) >= 2]
        p = r.choice(parents)
        c = self.make_content(p, r.choice(["reading_club", "children", "parent_child", "outreach", "lecture"]))
        c["title"] = r.choice(["世界读书日·共读一本书", "“书香润童心”暑期阅读打卡启动", "全民阅读·好书共享",
                               "亲子共读一小时", "4·23图书漂流", "读书月·名家名篇朗读会", c["title"]])
        c["topic"] = c["title"]
        d = self.season_day(c["title"])
        hm = self.slot(False)
        sites = r.sample(self.children[p], min(len(self.children[p]), r.randint(2, 5)))
        for b in sites:
            s = self.at(d, hm)
            n = self.rng.choices([1, 2, 3], [0.55, 0.4, 0.05])[0]
            self.add("branches_same_hour", b, c, s, s + timedelta(hours=1, minutes=30),
                     self.room_venue(b, c["prefer"]), n=n, cohosts=[(p, "host")])

    def parallel(self) -> None:
        r = self.rng
        host = r.choice([i for i, l in self.libs.items() if l.kind in ("central", "kids", "county", "district", "univ")])
        d = self.pick_day()
        hm = self.slot(False)
        s = self.at(d, hm)
        lib = self.libs[host]
        rooms = r.sample(range(len(lib.rooms)), 2)
        if r.random() < 0.5:  # one programme split in groups, one room each
            c = self.make_content(host, r.choice(["parent_child", "children", "contest", "training"]))
            groups = r.choice([("少儿组", "成人组"), ("低龄组", "高龄组"), ("A组", "B组"), ("小学组", "中学组")])
            for g, ri in zip(groups, rooms):
                self.add("parallel_groups", host, c, s, s + timedelta(hours=2), ("room", host, ri), marker=g)
        else:
            for ri in rooms:
                c = self.make_content(host)
                if c["category"] == "exhibition":
                    c = self.make_content(host, "lecture")
                self.add("parallel_rooms", host, c, s, s + self.dur(c["category"]), ("room", host, ri))

    def two_sessions(self) -> None:
        r = self.rng
        host = self.random_host()
        c = self.make_content(host, r.choice(["parent_child", "children", "screening", "digital", "training",
                                               "accessibility"]))
        d = self.pick_day()
        hm = r.choice([(9, 0), (9, 30), (14, 0), (14, 30)])
        gap = r.choice([60, 60, 90, 120])
        v = self.room_venue(host, c["prefer"])
        markers = r.choice([("第一场", "第二场"), ("上午场", "下午场") if gap >= 120 else ("第1场", "第2场"), ("场次一", "场次二")])
        if markers[0] == "上午场":
            hm = (9, 30)
            gap = 300
        co = self.cohosts_for(host, 2)
        for k, m in enumerate(markers):
            s = self.at(d, hm) + timedelta(minutes=gap * k)
            self.add("two_sessions", host, c, s, s + timedelta(minutes=min(gap, 90) - 10 if gap <= 90 else 90),
                     v, marker=m, cohosts=co)

    def same_hall_later(self) -> None:
        r = self.rng
        host = r.choice([i for i, l in self.libs.items() if l.kind in ("central", "county", "district", "kids", "univ", "street", "branch")])
        d = self.pick_day()
        lib = self.libs[host]
        ri = r.randrange(len(lib.rooms))
        s1 = self.at(d, r.choice([(9, 0), (9, 30), (10, 0)]))
        s2 = s1 + timedelta(hours=r.choice([3, 4.5, 5, 9.5]))
        c1 = self.make_content(host, r.choice(["lecture", "reading_club", "training", "salon"]))
        c2 = self.make_content(host, r.choice(["lecture", "reading_club", "children", "screening"]))
        if r.random() < 0.4 and c1["brand"]:
            c2["brand"], c2["brand_id"] = c1["brand"], c1["brand_id"]
            c2["title"] = f"{c1['brand']}：{c2['topic']}"
        self.add("same_hall_later", host, c1, s1, s1 + timedelta(minutes=120), ("room", host, ri))
        self.add("same_hall_later", host, c2, s2, s2 + timedelta(minutes=90), ("room", host, ri))

    def same_book_months(self) -> None:
        r = self.rng
        b = r.choice(BOOKS)
        title = r.choice([f"《{b}》读书分享会", f"共读《{b}》", f"《{b}》共读会"])
        c = {"title": title, "topic": title, "brand": None, "brand_id": None, "category": "reading_club"}
        same_lib = r.random() < 0.6
        host0 = self.random_host()
        hm = self.slot()
        months = sorted(r.sample([3, 4, 5, 6, 7, 8], r.choice([2, 2, 3])))
        for m in months:
            host = host0 if same_lib else self.random_host()
            d = self.pick_day(date(2026, m, 1), date(2026, m, 28))
            s = self.at(d, hm if same_lib else self.slot())
            self.add("same_book_months", host, c, s, s + timedelta(minutes=90),
                     self.room_venue(host, ["读者活动室", "多功能厅", "活动室", "分享区", "书屋", "图书室"]))

    def brand_episodes(self) -> None:
        r = self.rng
        b = r.choice([b for b in self.brands.values() if b[3] != "festival"])
        host = b[2]
        hm = self.slot()
        prefer = {"lecture": ["报告厅", "多功能厅", "活动室"], "children": ["少儿阅览室", "少儿阅读区"],
                  "parent_child": ["少儿阅览室", "活动室"], "reading_club": ["读者活动室", "分享区", "活动室"],
                  "salon": ["分享区", "多功能厅", "活动室"], "outreach": ["书屋"]}.get(b[3])
        v = self.room_venue(host, prefer)
        start_month = r.choice([3, 4])
        for m in range(start_month, start_month + r.randint(4, 6)):
            c = self.make_content(host, b[3] if b[3] != "outreach" else "reading_club")
            self.brand_no[b[0]] += 1
            no = self.brand_no[b[0]]
            c.update(brand=b[1], brand_id=b[0], title=f"{b[1]}第{no}期：{c['topic']}")
            d = self.pick_day(date(2026, m, 1), date(2026, m, 28), weekend=0.7)
            s = self.at(d, hm)
            if b[3] == "outreach":
                v = ("outside", r.randrange(len(self.cfg["outside"])))
            a = self.add("brand_episodes", host, c, s, s + timedelta(minutes=120), v)
            a.series_no = no

    def touring_exhibition(self) -> None:
        r = self.rng
        p = r.choice([p for p, ch in self.children.items() if len(ch) >= 2])
        t = r.choice(EXHIBITS)
        c = {"title": t, "topic": t, "brand": None, "brand_id": None, "category": "exhibition"}
        d = self.pick_day(date(2026, 3, 2), date(2026, 5, 1))
        for b in r.sample(self.children[p], min(3, len(self.children[p]))) + [p]:
            a = self.exhibition(b, c, d, "touring_exhibition")
            a.cohosts = [(p, "host")] if b != p else a.cohosts
            d = a.end.date() + timedelta(days=r.choice([1, 3, 7]))

    def same_title_other_lib(self) -> None:
        r = self.rng
        title = r.choice(["世界读书日好书推荐", "4·23图书漂流", "端午节诗词诵读", "暑期少儿阅读打卡", "中秋诗会",
                          "新书推荐会", "读者座谈会", "图书馆开放日", "暑假少儿阅读营", "科普小课堂"])
        cat = {"端午节诗词诵读": "salon", "中秋诗会": "salon", "读者座谈会": "other", "图书馆开放日": "outreach",
               "科普小课堂": "children"}.get(title, "reading_club")
        c = {"title": title, "topic": title, "brand": None, "brand_id": None, "category": cat}
        d = self.season_day(title)
        hosts = r.sample([i for i, l in self.libs.items() if l.kind in ("county", "district", "central", "street", "branch", "kids")], 2)
        for h in hosts:
            s = self.at(d + timedelta(days=r.choice([0, 0, 1])), self.slot(False))
            self.add("same_title_other_lib", h, c, s, s + timedelta(minutes=90), self.room_venue(h))

    def online_series(self) -> None:
        r = self.rng
        host = r.choice([i for i, l in self.libs.items() if l.kind in ("central", "county", "district", "kids")])
        c = self.make_content(host, r.choice(["lecture", "reading_club", "digital"]))
        if r.random() < 0.5:
            c["title"] = r.choice(["云端读书会", "线上好书分享", "空中文化大讲堂", "云上故事会", "云直播：名家谈阅读"])
            c["topic"] = c["title"]
        d0 = self.pick_day(hi=date(2026, 7, 1), weekend=0.3)
        hm = (19, 30) if r.random() < 0.6 else (20, 0)
        oi = r.randrange(len(self.cfg["online"]))
        for k in range(r.randint(3, 6)):
            s = self.at(d0 + timedelta(weeks=k), hm)
            self.add("online_series", host, c, s, s + timedelta(hours=1), ("online", oi))

    def adjacent_days(self) -> None:
        r = self.rng
        host = self.random_host()
        c = self.make_content(host, r.choice(["parent_child", "children", "training", "screening"]))
        d = self.pick_day(weekend=1.0)
        d = d - timedelta(days=d.weekday() - 5)  # the Saturday
        hm = self.slot(False)
        v = self.room_venue(host, c["prefer"])
        co = self.cohosts_for(host, 2)
        for k in range(2):
            s = self.at(d + timedelta(days=k), hm)
            self.add("adjacent_days", host, c, s, s + timedelta(minutes=90), v, cohosts=co,
                     marker=r.choice([None, ("周六场", "周日场")[k]]))

    def daily_class(self) -> None:
        r = self.rng
        host = r.choice([i for i, l in self.libs.items() if l.kind in ("central", "kids", "county", "district", "street")])
        t = r.choice(["暑期少儿书法班", "暑期公益小课堂", "暑假阅读营", "少儿围棋启蒙课", "暑期科普实验课"])
        c = {"title": t, "topic": t, "brand": None, "brand_id": None, "category": "children"}
        d = date(2026, 7, r.choice([6, 13, 20, 27]))
        v = self.room_venue(host, ["少儿阅览室", "读者活动室", "活动室", "多功能厅"])
        for k in range(5):
            s = self.at(d + timedelta(days=k), (9, 0))
            a = self.add("daily_class", host, c, s, s + timedelta(minutes=90), v, marker=r.choice([None, f"第{k + 1}课"]))
            a.series_no = k + 1

    def outreach_same_place(self) -> None:
        r = self.rng
        oi = r.randrange(len(self.cfg["outside"]))
        d = self.pick_day(weekend=0.3)
        hosts = r.sample([i for i, l in self.libs.items() if l.kind in ("county", "district", "central", "kids", "branch", "street")], 2)
        for k, h in enumerate(hosts):
            c = self.make_content(h, "outreach")
            s = self.at(d + timedelta(days=r.choice([0, 7, 14, 3])) if k else d, self.slot(False))
            if k and s.date() == d:
                s += timedelta(hours=3) if s.hour < 12 else -timedelta(hours=3)
            self.add("outreach_same_place", h, c, s, s + timedelta(minutes=90), ("outside", oi))

    def festival(self) -> None:
        r = self.rng
        central = next(i for i, l in self.libs.items() if l.tier == "central")
        title = r.choice([f"{self.cfg['year_brand']}启动仪式", "4·23世界读书日主题活动", "图书馆服务宣传周启动仪式",
                          "暑期少儿阅读季开幕式"])
        c = {"title": title, "topic": title, "brand": None, "brand_id": None, "category": "festival"}
        d = {"4·23世界读书日主题活动": date(2026, 4, 23), "暑期少儿阅读季开幕式": date(2026, 7, 4)}.get(title, self.pick_day(date(2026, 4, 18), date(2026, 5, 30)))
        s = self.at(d, (9, 30))
        n = r.choice([5, 6, 7])
        pool = [i for i in self.libs if i != central]
        co = [(x, r.choice(["organiser", "co_organiser", "participant"])) for x in r.sample(pool, n + 3)]
        v = ("outside", r.randrange(len(self.cfg["outside"]))) if r.random() < 0.5 else ("room", central, 3)
        self.add("festival", central, c, s, s + timedelta(hours=2), v, n=n, cohosts=co)

    # ---- rendering announcements ------------------------------------------------------------
    def ancestors(self, lid: str) -> list[str]:
        out = []
        while self.libs[lid].parent:
            lid = self.libs[lid].parent
            out.append(lid)
        return out

    def short_of(self, lid: str, who: str, allow_empty: bool = True) -> str:
        """How ``who`` abbreviates library ``lid``: 县馆/区馆/市馆 only inside its own tree (a
        county's branches say 县馆; a member of another county never would)."""
        lib = self.libs[lid]
        r = self.rng
        if lid == who and allow_empty and r.random() < 0.3:
            return r.choice(["本馆", ""])
        inside = lid == who or lid in self.ancestors(who)
        names = [x for x in lib.shorts if inside or x not in GENERIC_SHORTS] or [lib.name]
        return r.choice(names)

    def floor_text(self, f: int | None) -> str:
        if not f:
            return ""
        r = self.rng
        return r.choices([cn_floor(f), f"{f}楼", f"{f}楼".translate(FW), f"{f}F", f"{CN_NUM[f]}层"],
                         [0.5, 0.2, 0.08, 0.1, 0.12])[0]

    def render_venue(self, act: Activity, who: str, vtags: list[str]) -> dict:
        r = self.rng
        kind = act.venue[0]
        habit = self.libs[who].habit["venue"]
        if kind == "online":
            name, url = self.cfg["online"][act.venue[1]]
            form = r.random()
            if form < 0.35:
                vtags.append("venue:online_url_only")
                return {"online_url": url}
            if form < 0.7:
                vtags.append("venue:online_name_url")
                return {"name": r.choice([name, "线上", "线上直播", f"线上（{name}）"]), "online_url": url}
            vtags.append("venue:online_name_only")
            return {"name": r.choice([name, "线上直播", "网络直播", f"{name}直播"])}
        if kind == "outside":
            canon, variants, addr = self.cfg["outside"][act.venue[1]]
            name = r.choice(variants)
            vtags.append("venue:outside_variant")
            out = {"name": name}
            if r.random() < 0.3:
                out["address"] = addr
            return out
        _, lid, ri = act.venue
        lib = self.libs[lid]
        room, floor, syns = lib.rooms[ri]
        rtext = room if r.random() < 0.6 else r.choice(syns)
        if rtext != room:
            vtags.append("venue:room_synonym")
        ftext = self.floor_text(floor) if floor and r.random() < 0.6 else ""
        if ftext:
            vtags.append("venue:floor")
        own = lid == who
        forms = ["bare", "floor_room", "full", "short", "brackets", "lib_only", "address", "room_of_lib"]
        w = {"bare": [5, 2, 1, 1, 1, 0.5, 0.3, 1], "full": [1, 1, 5, 1, 2, 1, 0.5, 1],
             "short": [1, 1, 2, 5, 1, 1, 0.5, 1], "address": [1, 1, 2, 1, 1, 1, 4, 0.5]}[habit]
        if not own:
            # someone else's room: the library is named (a bare "活动室" from the parent would not tell
            # which branch); only for one-off activities a co-host now and then copies the bare room
            keep = 0.3 if act.family == "plain" else 0.0
            w = [x * (keep if f in ("bare", "floor_room") else 1) for x, f in zip(w, forms)]
        form = r.choices(forms, w)[0]
        short = self.short_of(lid, who) if not own or r.random() < 0.4 else ""
        if form == "bare":
            name = rtext
        elif form == "floor_room":
            name = (ftext or self.floor_text(floor) or "") + rtext
        elif form == "full":
            name = lib.name + (" " if r.random() < 0.15 else "") + ftext + rtext
            if lib.name.endswith(rtext) or lib.name.endswith(rtext[-2:]):
                name = lib.name + (ftext if ftext else "")  # 实验小学图书室, not 图书室图书室
        elif form == "short":
            name = (short or self.short_of(lid, who, False)) + ftext + rtext
        elif form == "brackets":
            inner = (ftext + rtext) if r.random() < 0.6 else rtext
            name = r.choice([f"{lib.name}（{inner}）", f"{lib.name}({inner})", f"{lib.name}【{inner}】"])
            vtags.append("venue:brackets")
        elif form == "lib_only":
            name = lib.name if r.random() < 0.7 else self.short_of(lid, who, False)
        elif form == "address":
            name = lib.address + (rtext if r.random() < 0.5 else "")
        else:
            name = f"{ftext}{rtext}（{lib.name}）" if r.random() < 0.5 else f"{rtext}，{lib.name}"
        vtags.append(f"venue:{form}")
        if r.random() < 0.04:
            for a, b in TYPOS:
                if a in name:
                    name = name.replace(a, b, 1)
                    vtags.append("venue:typo")
                    break
        if r.random() < 0.03:
            name = name.translate(FW)
        out = {"name": name.strip() or rtext}
        if r.random() < (0.5 if habit == "address" else 0.15):
            out["address"] = lib.address
            vtags.append("venue:address_field")
        if self.cfg["directory"] and lid == "yh" and self.libs[who].habit.get("directory") and r.random() < 0.7:
            out["venue_id"] = f"yh-{ri}"
            vtags.append("venue:venue_id")
        return out

    def render_title(self, act: Activity, who: str, is_host: bool, tags: list[str]) -> str:
        r = self.rng
        lib = self.libs[who]
        style = lib.habit["style"] if r.random() < 0.75 else r.choice(["wechat", "plain", "report", "terse"])
        t = act.title
        marker = f"（{act.marker}）" if act.marker else ""
        if act.brand and r.random() < (0.25 if is_host else 0.5):
            t = act.topic + marker
            tags.append("title:brand_dropped")
        if act.series_no and act.family in ("weekly", "daily_class") and r.random() < 0.25:
            t = t + f"（第{act.series_no}期）" if act.family == "weekly" else t
            tags.append("title:session_number")
        shifted = any(x in tags for x in ("time:signin_early", "time:rounded_hour", "time:off_up_to_hour"))
        if act.marker and not shifted and r.random() < 0.15 and act.family in ("two_sessions", "adjacent_days", "daily_class"):
            t = t.replace(marker, "")
            tags.append("title:marker_dropped")
        elif act.marker and r.random() < 0.3:
            t = t.replace(marker, r.choice([f" {act.marker}", f"·{act.marker}", f"({act.marker})", f"【{act.marker}】"]))
            tags.append("title:marker_restyled")
        if r.random() < 0.12:
            t = t.replace("《", "“").replace("》", "”") if r.random() < 0.5 else t.replace("《", "").replace("》", "")
            tags.append("title:quotes")
        if r.random() < 0.15:
            t = t.replace("：", r.choice([":", "｜", " | ", "——", " "]), 1)
            tags.append("title:separator")
        if style == "terse" and r.random() < 0.5:
            short = {"children": "绘本故事会", "reading_club": "读书会", "parent_child": "亲子活动", "lecture": "讲座",
                     "screening": "电影放映", "training": "培训", "exhibition": "展览", "salon": "读书沙龙"}.get(act.category)
            if short and not act.marker:
                t = r.choice([short, f"{short}活动", t[:8]])
                tags.append("title:very_short")
        if style == "report" and r.random() < 0.6:
            d = act.start
            t = r.choice([f"{d.month}月{d.day}日{t}", f"{d.month}.{d.day}{t}", f"{t}（{d.month}月{d.day}日）",
                          f"{d.year}年{d.month}月{d.day}日{t}"])
            tags.append("title:date_inside")
        if not is_host and r.random() < 0.25:
            host = self.libs[act.host]
            hs = self.short_of(act.host, who, False)
            t = r.choice([f"{self.short_of(who, who, False)}携手{hs}开展{t}", f"{t}（{hs}主办）", f"联合{hs}举办{t}",
                          f"{hs}{t}"])
            tags.append("title:cohost_framing")
        if r.random() < 0.08 and act.venue[0] == "room":
            vl = self.libs[act.venue[1]]
            vs = self.short_of(vl.id, who, False)
            t = r.choice([f"走进{vs}：{t}", f"{t}（{vs}站）", f"【{vs}】{t}"])
            tags.append("title:location_inside")
        if style == "wechat":
            if r.random() < 0.6:
                t = r.choice(["【联盟活动】", "【活动预告】", "【预告】", "活动预告｜", "【书香" + self.cfg["city"][:2] + "】",
                              "#全民阅读# ", "【报名】", "预告丨"]) + t
                tags.append("title:prefix_tag")
            if r.random() < 0.45:
                t = t + r.choice(["，欢迎参加！", "（报名中）", "｜火热报名中", "，等你来！", "（已满员）", "报名开启",
                                  "，速来报名~", " 名额有限"])
                tags.append("title:suffix")
            if r.random() < 0.35:
                e = r.choice(EMOJI + [EMOJI_BY_MONTH.get(act.start.month, "📚")])
                t = r.choice([e + t, t + e, e + t + e])
                tags.append("title:emoji")
        if r.random() < 0.12 and not t.endswith("活动"):
            t = t + r.choice(["活动", "读书分享活动", "主题活动", "系列活动"])
            tags.append("title:suffix_activity")
        if r.random() < 0.08:
            t = t + r.choice(["——" + self.cfg["year_brand"] + "系列活动", "——“我们的节日”主题阅读",
                              "·" + self.cfg["year_brand"]]
                             + (["——4·23世界读书日系列活动之一"] if act.start.month == 4 else [])
                             + (["——暑期阅读季系列活动"] if act.start.month in (7, 8) else []))
            tags.append("title:subtitle")
        if r.random() < 0.04:
            for a, b in TYPOS:
                if a in t:
                    t = t.replace(a, b, 1)
                    tags.append("title:typo")
                    break
        if r.random() < 0.025:
            t = t.translate(TRAD)
            tags.append("title:traditional")
        if r.random() < 0.04:
            t = t.translate(FW)
            tags.append("title:fullwidth_digits")
        if r.random() < 0.03:
            t = " " + t + " "
            tags.append("title:whitespace")
        return t[:200]

    def render_time(self, act: Activity, who: str, tags: list[str], dup_shift: int = 0) -> tuple[datetime, datetime, bool]:
        r = self.rng
        h = self.libs[who].habit
        s, e, all_day = act.start, act.end, act.all_day
        if act.category == "exhibition" and act.family in ("exhibition", "touring_exhibition"):
            f = r.random()
            if f < 0.4:
                tags.append("time:all_day")
                return (datetime(s.year, s.month, s.day, tzinfo=CST), datetime(e.year, e.month, e.day, tzinfo=CST), True)
            if f < 0.55:
                tags.append("time:exhibition_first_day_only")
                return s, s.replace(hour=17), False
            if f < 0.7:
                tags.append("time:exhibition_end_day_off")
                return s + timedelta(minutes=30), e - timedelta(days=1), False
            tags.append("time:exhibition_timed")
            return s, e, False
        habit = h["time"] if r.random() < 0.7 else r.choice(["exact", "exact", "signin", "round", "off"])
        if habit == "off" and act.family in CLOSE_SIBLINGS:
            habit = "exact"  # a sibling session is an hour away: an hour off would make it the sibling
        if habit == "signin":
            s = s - timedelta(minutes=r.choice([15, 20, 30]))
            tags.append("time:signin_early")
        elif habit == "round" and s.minute:
            up = r.random() < 0.3 and act.family not in CLOSE_SIBLINGS
            s = s.replace(minute=0) + (timedelta(hours=1) if up else timedelta())
            tags.append("time:rounded_hour")
        elif habit == "off":
            s = s + timedelta(minutes=r.choice([-60, -45, -30, 30, 45, 60]))
            tags.append("time:off_up_to_hour")
        if dup_shift:
            s = s + timedelta(minutes=dup_shift)
            tags.append("time:dup_10min")
        f = r.random()
        if h["end_missing"] and f < 0.7 or f < 0.1:
            e = s
            tags.append("time:end_missing")
        elif f < 0.3:
            e = e + timedelta(minutes=r.choice([-30, 30, 60]))
            tags.append("time:end_differs")
        elif f < 0.35:
            e = s + timedelta(hours=r.choice([1, 2]))
            tags.append("time:end_default")
        if e < s:
            e = s
        return s, e, all_day

    def render_orgs(self, act: Activity, who: str, is_host: bool, tags: list[str]) -> list[dict]:
        r = self.rng
        h = self.libs[who].habit
        habit = h["org"] if r.random() < 0.7 else r.choice(["full", "self_host", "none", "claim_host"])
        word = lambda role: h["role_word"] if role in ("co_organiser", "organiser") and r.random() < 0.5 else role
        roles = {act.host: "host", **{c: rl for c, rl in act.cohosts}}
        if is_host:
            if habit == "none":
                tags.append("orgs:none")
                return []
            if habit == "self_host" or habit == "claim_host":
                tags.append("orgs:host_only")
                return [{"library_id": who, "role": "host"}]
            tags.append("orgs:full")
            out = [{"library_id": who, "role": "host"}]
            out += [{"library_id": c, "role": word(rl)} for c, rl in act.cohosts if c != who]
            return out
        mine = roles.get(who, "co_organiser")
        if habit == "none":
            tags.append("orgs:none")
            return []
        if habit == "claim_host":
            tags.append("orgs:claims_host")
            return [{"library_id": who, "role": "host"}] + ([{"library_id": act.host, "role": "co_organiser"}] if r.random() < 0.4 else [])
        if habit == "self_host":
            tags.append("orgs:self_and_host")
            return [{"library_id": act.host, "role": "host"}, {"library_id": who, "role": word(mine)}]
        tags.append("orgs:full")
        out = [{"library_id": act.host, "role": "host"}]
        out += [{"library_id": c, "role": word(rl) if c != who else word(mine)} for c, rl in act.cohosts]
        return out

    def ref(self, who: str, when: datetime) -> str:
        h = self.libs[who].habit["ref"]
        self.refno = getattr(self, "refno", 0) + 1
        n = self.refno
        return {"date": f"{when:%Y%m%d}-{n % 97:02d}{n}", "wx": f"wx_{(n * 7919) % 10**8:08d}",
                "hd": f"HD{when:%Y}{n:05d}", "num": str(100000 + n * 13),
                "uuid": f"{(n * 2654435761) % 16**8:08x}-{(n * 40503) % 16**4:04x}-4{n % 4096:03x}"}[h]

    def describe(self, act: Activity, who: str, s: datetime, venue: dict) -> str | None:
        r = self.rng
        if not self.libs[who].habit["desc"] or r.random() < 0.2:
            return None
        names = [self.libs[act.host].name] + [self.libs[c].name for c, _ in act.cohosts if r.random() < 0.6]
        where = venue.get("name") or "线上"
        when = f"{s.month}月{s.day}日{'上午' if s.hour < 12 else '下午' if s.hour < 18 else '晚上'}{s.hour if s.hour <= 12 else s.hour - 12}:{s.minute:02d}"
        if s.hour == 0 and s.minute == 0:
            when = f"{s.month}月{s.day}日起"  # an all-day span: no hour
        parts = [r.choice(["为深入推进全民阅读，", "为营造书香氛围，", "", "为丰富群众精神文化生活，"]),
                 f"{'、'.join(names)}将于{when}在{where}举办{act.topic}。"]
        if act.partners:
            parts.append(f"本次活动得到{'、'.join(act.partners)}的大力支持。")
        parts.append(r.choice(["欢迎广大读者踊跃参加！", "名额有限，请提前报名。", "活动免费，无需报名。",
                               f"报名电话：0{r.randint(500, 999)}-{r.randint(1000000, 9999999)}。", ""]))
        if r.random() < 0.2:
            parts.append(f"请于{(s - timedelta(minutes=15)):%H:%M}前签到入场。")
        return "".join(parts)

    def announcements(self, act: Activity) -> list[tuple[datetime, dict, list[str]]]:
        r = self.rng
        announcers = [act.host] + [c for c, _ in act.cohosts][: act.n - 1]
        dup = None
        if act.n > len(announcers) or (act.n >= 2 and r.random() < 0.1):
            dup = r.choice(announcers)
            if len(announcers) >= act.n:
                announcers = announcers[: act.n - 1]
            announcers = announcers + [dup] * (act.n - len(announcers))
        host_last = act.n >= 3 and r.random() < 0.25
        host_silent = False
        if act.n >= 2 and len(act.cohosts) >= act.n and r.random() < 0.12 and act.family != "festival":
            announcers = [c for c, _ in act.cohosts][: act.n]  # the host never enters it
            host_silent = True
        out = []
        pubs = []
        seen = Counter()
        for who in announcers:
            lead = self.libs[who].habit["lead"]
            pub = act.start - timedelta(days=max(0.2, r.gauss(lead, lead / 2 + 1)), hours=r.uniform(0, 10))
            if self.libs[who].habit["late_report"] and r.random() < 0.5:
                pub = act.start + timedelta(days=r.uniform(0.3, 6))  # entered for statistics afterwards
            pubs.append(pub)
        if host_last and act.host in announcers:
            i = announcers.index(act.host)
            pubs[i] = max(pubs) + timedelta(hours=r.uniform(1, 30))
        for i, (who, pub) in enumerate(zip(announcers, pubs)):
            tags: list[str] = []
            is_host = who == act.host
            seen[who] += 1
            dup_shift = 0
            if seen[who] == 2:
                tags.append("dup:same_library_twice")
                if r.random() < 0.4:
                    dup_shift = r.choice([-10, 10])
                pub = pub + timedelta(hours=r.uniform(1, 48))
            if host_last and is_host:
                tags.append("order:host_last")
            if host_silent:
                tags.append("order:host_silent")
            if pub > act.start:
                tags.append("order:entered_after_the_event")
            if self.libs[who].habit["utc"]:
                tags.append("time:utc_offset")
            s, e, all_day = self.render_time(act, who, tags, dup_shift)
            venue = self.render_venue(act, who, tags)
            title = self.render_title(act, who, is_host, tags)
            cat = act.category
            if r.random() < 0.22:
                cat = r.choice(ALT_CATEGORIES.get(cat, ["other"]))
                tags.append("category:differs")
            sub = {
                "library_id": who,
                "source_ref": self.ref(who, pub),
                "title": title,
                "category": cat,
                "starts_at": s,
                "ends_at": e,
                "venue": venue,
                "organizers": self.render_orgs(act, who, is_host, tags),
            }
            if all_day:
                sub["all_day"] = True
            d = self.describe(act, who, s, venue)
            if d:
                sub["description"] = d
            if act.brand_id and r.random() < 0.5:
                sub["brand_id"] = act.brand_id
            if act.partners and r.random() < 0.5:
                sub["partners"] = act.partners
            if act.audience and r.random() < 0.5:
                sub["audience"] = act.audience
            if r.random() < 0.3:
                sub["capacity"] = r.choice([20, 30, 40, 50, 80, 100, 200])
            if r.random() < 0.2:
                sub["registration_url"] = f"https://wj.qq.com/s2/{r.randint(10**6, 10**7)}/"
            if r.random() < 0.25:
                sub["tags"] = r.sample(["全民阅读", "亲子", "非遗", "读书月", "公益", "暑期", "少儿", "大型系列", "阅读推广"], r.randint(1, 3))
            if r.random() < 0.03:
                sub["status"] = "scheduled"
            out.append((pub, sub, tags))
        return out


def iso(dt: datetime, utc: bool) -> str:
    return (dt.astimezone(timezone.utc) if utc else dt).isoformat().replace("+00:00", "Z")


def build(cfg: dict, seed: int, plan: dict) -> tuple[list[dict], dict]:
    g = Gen(cfg, seed)
    r = g.rng
    # one member is an ICS importer (UTC), one in the directory city uses venue ids
    ids = list(g.libs)
    g.libs[ids[2]].habit["utc"] = True
    for lid in ids[:4] + ids[6:8]:
        g.libs[lid].habit["directory"] = True
    for fam, count in plan.items():
        for _ in range(count):
            g.run(fam)
    rows = []
    vc = Counter()
    for act in g.acts:
        for pub, sub, tags in g.announcements(act):
            utc = g.libs[sub["library_id"]].habit["utc"]
            sub["starts_at"] = iso(sub["starts_at"], utc)
            sub["ends_at"] = iso(sub["ends_at"], utc)
            sub["label"] = act.label
            rows.append((pub, sub))
            for t in tags:
                vc[t] += 1
    rows.sort(key=lambda x: (x[0], x[1]["library_id"], x[1]["source_ref"]))
    lines = [s for _, s in rows]
    size = Counter(Counter(s["label"] for s in lines).values())
    fam_acts = Counter(a.family for a in g.acts)
    fam_ann = Counter()
    by_label = {a.label: a for a in g.acts}
    for s in lines:
        fam_ann[by_label[s["label"]].family] += 1
    summary = {
        "announcements": len(lines),
        "activities": len(set(s["label"] for s in lines)),
        "true_pairs": sum(n * (n - 1) // 2 * k for n, k in size.items()),
        "group_size_histogram": {str(k): size[k] for k in sorted(size)},
        "share_of_announcements_in_groups_2_to_5": round(sum(n * size[n] for n in range(2, 6)) / len(lines), 3),
        "activities_per_family": dict(sorted(fam_acts.items())),
        "announcements_per_family": dict(sorted(fam_ann.items())),
        "variations": dict(sorted(vc.items())),
    }
    return g, lines, summary


def toml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def alliance_toml(g: Gen, cfg: dict) -> str:
    out = [f"# {cfg['alliance_name']} — invented for the dedup hold-out set 3 (generate_holdout3.py)",
           "[alliance]", f"id = {toml_str(cfg['alliance_id'])}", f"name = {toml_str(cfg['alliance_name'])}",
           'timezone = "Asia/Shanghai"', ""]
    for lib in g.libs.values():
        out += ["[[members]]", f"id = {toml_str(lib.id)}", f"name = {toml_str(lib.name)}", f'tier = "{lib.tier}"']
        if lib.parent:
            out.append(f"parent = {toml_str(lib.parent)}")
        out += [f"address = {toml_str(lib.address)}", ""]
    if cfg["directory"]:
        for lid in ("yh",):
            lib = g.libs[lid]
            for ri, (room, floor, syns) in enumerate(lib.rooms):
                aliases = [a for a in dict.fromkeys([cn_floor(floor) + room if floor else room] + syns) if a != room]
                out += ["[[venues]]", f'id = "yh-{ri}"', f'library_id = "{lid}"', f"name = {toml_str(room)}",
                        "aliases = [" + ", ".join(toml_str(a) for a in aliases) + "]", f"address = {toml_str(lib.address)}", ""]
    for bid, name, lid, cat in cfg["brands"]:
        out += ["[[brands]]", f"id = {toml_str(bid)}", f"name = {toml_str(name)}", f"library_id = {toml_str(lid)}",
                f'category = "{cat}"', f"keywords = [{toml_str(name)}]", ""]
    out += ["[[campaigns]]", 'id = "reading-month"', 'name = "4·23 世界读书日暨读书月"', "starts_on = 2026-04-01",
            "ends_on = 2026-04-30", ""]
    return "\n".join(out)


PLANS = {
    "city_i": {"weekly": 22, "branches_same_hour": 14, "parallel": 28, "two_sessions": 26,
               "same_hall_later": 26, "same_book_months": 16, "brand_episodes": 8, "touring_exhibition": 5,
               "same_title_other_lib": 18, "online_series": 4, "adjacent_days": 18, "daily_class": 3,
               "outreach_same_place": 16, "festival": 4, "plain": 760},
    "city_j": {"weekly": 26, "branches_same_hour": 16, "parallel": 30, "two_sessions": 28,
               "same_hall_later": 28, "same_book_months": 14, "brand_episodes": 9, "touring_exhibition": 6,
               "same_title_other_lib": 16, "online_series": 5, "adjacent_days": 20, "daily_class": 4,
               "outreach_same_place": 12, "festival": 4, "plain": 700},
}


def main() -> None:
    summary = {}
    for k, (cfg, seed) in enumerate(((CITY_I, SEED + 1), (CITY_J, SEED + 3))):
        g, lines, s = build(cfg, seed, PLANS[cfg["key"]])
        d = OUT / cfg["key"]
        d.mkdir(exist_ok=True)
        (d / "alliance.toml").write_text(alliance_toml(g, cfg), encoding="utf-8")
        with open(d / "eval.jsonl", "w", encoding="utf-8") as f:
            for line in lines:
                f.write(json.dumps(line, ensure_ascii=False) + "\n")
        summary[cfg["key"]] = s
    (OUT / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for key, s in summary.items():
        print(key, s["announcements"], s["activities"], s["true_pairs"], s["group_size_histogram"],
              s["share_of_announcements_in_groups_2_to_5"])


if __name__ == "__main__":
    main()
