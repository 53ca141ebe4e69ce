#!/usr/bin/env python3
"""Generate the dedup hold-out set 5 (two invented alliances: city_m, city_n).

Stdlib only, fixed seed, deterministic.  Run:  python generate_holdout5.py
Writes city_m/{alliance.toml,eval.jsonl}, city_n/{alliance.toml,eval.jsonl}, summary.json.

Each eval.jsonl line is one ActivitySubmission (wire contract v1) plus an extra key "label":
the key of the real activity it announces.  Lines are in arrival (publication) order.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
CST = timezone(timedelta(hours=8))
SEED = 20261205

# --------------------------------------------------------------------------------------
# Alliances
# --------------------------------------------------------------------------------------

# (id, name, tier, parent, address, abbreviations, profile)
# profile = the writing habit of whoever enters that library's announcements
M_MEMBERS = [
    ("ych", "峪川市图书馆", "central", None, "峪川市城关区滨河路128号", ["市图书馆", "峪川图书馆", "市图", "峪图"], "wechat"),
    ("ych-se", "峪川市图书馆少儿分馆", "branch", "ych", "峪川市城关区文化巷6号", ["市图少儿馆", "少儿分馆", "市少儿馆"], "kids"),
    ("ych-mz", "峪川市民族图书馆", "branch", "ych", "峪川市城关区团结路15号", ["民族图书馆", "民族馆"], "wechat"),
    ("ych-jy", "峪川市图书馆武警支队军营分馆", "service_point", "ych", "峪川市城关区北环路武警峪川支队营区", ["军营分馆", "支队图书室"], "sheet"),
    ("ych-sy", "峪川师范学院图书馆", "branch", "ych", "峪川市城关区师院路2号", ["师院图书馆", "峪川师院图书馆"], "calendar"),
    ("cg", "城关区图书馆", "district", "ych", "峪川市城关区东大街41号", ["城关区馆", "区图书馆", "城关图书馆"], "wechat"),
    ("cg-xg", "城关区图书馆西关街道分馆", "branch", "cg", "城关区西关街道办事处二楼", ["西关分馆", "西关街道图书室"], "sheet"),
    ("cg-zgl", "城关区城市书房·钟鼓楼店", "service_point", "cg", "城关区钟鼓楼步行街17号", ["钟鼓楼城市书房", "钟鼓楼书房", "城市书房"], "xhs"),
    ("lsx", "凉水县图书馆", "county", "ych", "凉水县城关镇新华路56号", ["县图书馆", "凉水县馆", "凉水图书馆"], "sheet"),
    ("lsx-dz", "凉水县大庄镇综合文化站分馆", "branch", "lsx", "凉水县大庄镇街道8号", ["大庄镇文化站", "大庄分馆", "大庄文化站"], "clerk"),
    ("lsx-dz-hy", "大庄镇红崖村农家书屋", "service_point", "lsx-dz", "大庄镇红崖村村委会", ["红崖村书屋", "红崖村农家书屋"], "clerk"),
    ("lsx-mp", "凉水县马坪乡文化站", "branch", "lsx", "凉水县马坪乡政府院内", ["马坪乡文化站", "马坪文化站"], "clerk"),
    ("smx", "石门县图书馆", "county", "ych", "石门县石门镇南街3号", ["石门县馆", "石门图书馆", "县图书馆"], "wechat"),
    ("smx-gz", "石门县官庄镇分馆", "branch", "smx", "石门县官庄镇人民路22号", ["官庄分馆", "官庄镇图书室"], "clerk"),
    ("smx-gz-yj", "官庄镇杨家湾村农家书屋", "service_point", "smx-gz", "官庄镇杨家湾村党群服务中心", ["杨家湾书屋", "杨家湾村书屋"], "clerk"),
    ("smx-qt", "石门县秦亭镇文化站", "branch", "smx", "石门县秦亭镇", ["秦亭文化站", "秦亭镇文化站"], "clerk"),
    ("tqx", "天桥藏族自治县图书馆", "county", "ych", "天桥县拉卜楞路9号", ["天桥县图书馆", "天桥县馆", "县图书馆"], "sheet"),
    ("tqx-zb", "天桥县扎布乡分馆", "branch", "tqx", "天桥县扎布乡文化广场东侧", ["扎布乡分馆", "扎布分馆"], "clerk"),
    ("tqx-ld", "天桥县流动图书馆（汽车图书馆）", "branch", "tqx", "天桥县拉卜楞路9号", ["流动图书车", "汽车图书馆", "流动图书馆"], "sheet"),
    ("smx-qt-lw", "秦亭镇刘湾村书屋", "service_point", "smx-qt", "秦亭镇刘湾村", ["刘湾村书屋"], "clerk"),
]

N_MEMBERS = [
    ("cw", "澄湾市图书馆", "central", None, "澄湾市海滨大道1号", ["市图书馆", "澄湾图书馆", "市图", "澄图"], "calendar"),
    ("cw-se", "澄湾市少年儿童图书馆", "branch", "cw", "澄湾市海滨大道3号", ["市少儿馆", "少儿图书馆", "澄湾少图"], "kids"),
    ("cw-wh", "澄湾市文化馆", "branch", "cw", "澄湾市文昌路88号", ["市文化馆", "文化馆"], "wechat"),
    ("cw-bwg", "澄湾市博物馆", "branch", "cw", "澄湾市海滨大道9号", ["市博物馆", "博物馆"], "wechat"),
    ("cw-dx", "澄湾大学图书馆", "branch", "cw", "澄湾市大学城学府路1号", ["澄大图书馆", "澄湾大学图书馆"], "calendar"),
    ("hb", "海北区图书馆", "district", "cw", "澄湾市海北区望潮路200号", ["海北区馆", "海北图书馆", "区图书馆"], "wechat"),
    ("hb-yg", "海北区24小时自助图书馆·渔港站", "service_point", "hb", "海北区渔港路渔港广场南侧", ["渔港24小时图书馆", "渔港自助馆", "渔港站"], "xhs"),
    ("hb-wcl", "海北区城市书房·望潮里", "service_point", "hb", "海北区望潮里商业街B区2楼", ["望潮里书房", "望潮里城市书房"], "xhs"),
    ("hb-js", "海北区金沙街道分馆", "branch", "hb", "海北区金沙街道社区服务中心3楼", ["金沙分馆", "金沙街道图书馆"], "sheet"),
    ("hb-lnd", "海北区老年大学图书室", "branch", "hb", "海北区安康路12号老年大学", ["老年大学图书室", "老年大学"], "sheet"),
    ("nq", "南桥区图书馆", "district", "cw", "澄湾市南桥区中山南路66号", ["南桥区馆", "南桥图书馆", "区图书馆"], "sheet"),
    ("nq-gj", "南桥区图书馆港机集团职工书屋", "branch", "nq", "南桥区港机集团厂区职工活动中心", ["港机职工书屋", "职工书屋"], "sheet"),
    ("nq-sx", "南桥区实验小学图书馆", "branch", "nq", "南桥区育才路5号", ["实验小学图书馆", "南桥实小图书馆"], "kids"),
    ("nq-gt", "南桥区24小时图书馆·高铁站", "service_point", "nq", "澄湾南站候车大厅二层", ["高铁站24小时图书馆", "高铁站书房"], "xhs"),
    ("xg", "新港区图书馆", "district", "cw", "澄湾市新港区创新大道18号", ["新港区馆", "新港图书馆"], "wechat"),
    ("xg-kj", "新港区科技园企业分馆", "branch", "xg", "新港区科技园A3栋1楼", ["科技园分馆", "园区图书馆"], "calendar"),
    ("xg-ly", "新港区鹿屿岛分馆", "branch", "xg", "新港区鹿屿岛码头路1号", ["鹿屿岛分馆", "海岛分馆"], "clerk"),
    ("xg-ly-cw", "鹿屿岛渔村书屋", "service_point", "xg-ly", "鹿屿岛东澳村", ["渔村书屋", "东澳村书屋"], "clerk"),
    ("dy", "东屿县图书馆", "county", "cw", "东屿县城南路30号", ["东屿县馆", "东屿图书馆", "县图书馆"], "sheet"),
    ("dy-yz", "东屿县渔镇分馆", "branch", "dy", "东屿县渔镇渔港街4号", ["渔镇分馆", "渔镇文化站"], "clerk"),
    ("dy-yz-cb", "渔镇船帮村农家书屋", "service_point", "dy-yz", "渔镇船帮村", ["船帮村书屋"], "clerk"),
]

CITIES = {
    "city_m": dict(
        alliance_id="yuchuan",
        name="峪川市公共图书馆阅读推广联盟",
        name_en="Yuchuan Public Library Reading Alliance",
        members=M_MEMBERS,
        brands=[
            ("binhe-jiangtan", "滨河讲坛", "ych", 2014, "lecture", ["滨河讲坛"]),
            ("tongxin-huiben", "童心绘本屋", "ych-se", 2017, "children", ["童心绘本屋", "绘本屋"]),
            ("shimen-shuyuan", "石门书院读书会", "smx", 2019, "reading_club", ["石门书院"]),
            ("gesanghua", "格桑花双语故事会", "ych-mz", 2018, "children", ["格桑花"]),
            ("nongjia-haoshu", "农家书屋好书推荐", "lsx", 2020, "outreach", ["好书推荐"]),
        ],
        campaigns=[
            ("spring-2026", "网络书香过大年", "2026-02-01", "2026-03-05", False),
            ("reading-month", "4·23世界读书日暨全民阅读月", "2026-04-01", "2026-04-30", True),
            ("service-week", "图书馆服务宣传周", "2026-05-18", "2026-05-24", True),
            ("summer-reading", "少儿暑期阅读季", "2026-07-01", "2026-08-31", True),
            ("reading-festival", "峪川读书节", "2026-09-20", "2026-10-20", True),
        ],
        venues=[],
    ),
    "city_n": dict(
        alliance_id="chengwan",
        name="澄湾市图书馆总分馆阅读推广联盟",
        name_en="Chengwan Library Reading Alliance",
        members=N_MEMBERS,
        brands=[
            ("haichao-jiangtang", "海潮讲堂", "cw", 2012, "lecture", ["海潮讲堂"]),
            ("xiaohailuo", "小海螺故事会", "cw-se", 2016, "children", ["小海螺"]),
            ("chaoxi-dushuhui", "潮汐读书会", "hb", 2018, "reading_club", ["潮汐读书会"]),
            ("gangcheng-jiyi", "港城记忆", "cw-bwg", 2015, "exhibition", ["港城记忆"]),
            ("gongyou-dushujiao", "工友读书角", "nq-gj", 2021, "reading_club", ["工友读书角"]),
        ],
        campaigns=[
            ("spring-2026", "网络书香过大年", "2026-02-01", "2026-03-05", False),
            ("reading-month", "4·23读书月", "2026-04-01", "2026-04-30", True),
            ("summer-reading", "少儿暑期阅读季", "2026-07-01", "2026-08-31", True),
            ("reading-festival", "澄湾读书节", "2026-11-01", "2026-11-30", True),
        ],
        # a small venue directory: two rooms of the central library only
        venues=[
            ("cw-hall", "cw", "海潮报告厅", ["一楼报告厅", "报告厅（一楼）", "市图报告厅", "一楼海潮报告厅"], "澄湾市海滨大道1号一楼", 300),
            ("cw-storyroom", "cw", "少儿阅读区故事屋", ["二楼故事屋", "故事屋（二楼）"], "澄湾市海滨大道1号二楼", 60),
        ],
    ),
}

# rooms: (canonical, floor, synonyms)
ROOMS_BIG = [
    ("报告厅", "一楼", ["学术报告厅", "讲座厅", "多功能报告厅"]),
    ("多功能厅", "三楼", ["多功能活动厅", "多功能室"]),
    ("少儿阅览室", "二楼", ["少儿借阅区", "少儿阅读区", "儿童阅览区"]),
    ("展厅", "一楼", ["展览厅", "大厅展区", "一楼大厅"]),
    ("读者活动室", "四楼", ["活动室", "读者活动中心"]),
    ("数字体验区", "二楼", ["电子阅览室", "数字阅读体验区"]),
]
ROOMS_SMALL = [
    ("活动室", "二楼", ["多功能活动室", "读者活动室"]),
    ("阅览室", "一楼", ["图书阅览室", "阅览区"]),
]
ROOMS_SP = [("阅读区", "", ["书屋", "阅览区"])]
ROOMS_SPECIAL = {
    "cw": [
        ("海潮报告厅", "一楼", ["报告厅", "市图报告厅"]),
        ("少儿阅读区故事屋", "二楼", ["故事屋", "少儿故事屋"]),
        ("多功能厅", "三楼", ["三楼多功能厅", "多功能活动厅"]),
        ("展厅", "一楼", ["一楼展厅", "展览厅", "大厅"]),
        ("视障阅览室", "一楼", ["盲文阅览室", "无障碍阅览室"]),
        ("研修室", "五楼", ["五楼研讨间", "研修间"]),
    ],
    "cw-wh": [("小剧场", "一楼", ["剧场", "文化馆剧场"]), ("非遗展示厅", "二楼", ["非遗厅", "展示厅"])],
    "cw-bwg": [("临展厅", "一楼", ["临时展厅", "一号临展厅"]), ("学术报告厅", "负一楼", ["报告厅", "博物馆报告厅"])],
    "ych-mz": [("双语阅览室", "一楼", ["藏汉双语阅览室", "民族文献阅览室"]), ("报告厅", "三楼", ["讲座厅"])],
    "tqx-ld": [("流动图书车", "", ["图书车", "汽车图书馆"])],
    "hb-yg": [("自助图书馆", "", ["24小时图书馆", "自助馆"])],
    "nq-gt": [("阅读空间", "", ["书房", "候车阅读区"])],
}

TYPOS = {"报告厅": "报告听", "多功能厅": "多功能听", "阅览室": "阅揽室", "活动室": "活动事", "讲座": "讲坐",
         "分享会": "分享汇", "绘本": "会本", "图书馆": "图收馆", "展厅": "展亭", "少儿": "少尔", "读书会": "读书汇"}


def toml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def write_alliance(city: str, cfg: dict) -> str:
    out = [f"# Hold-out set 5, {city}: an invented alliance (names invented, habits from real practice).",
           "[alliance]", f"id = {toml_str(cfg['alliance_id'])}", f"name = {toml_str(cfg['name'])}",
           f"name_en = {toml_str(cfg['name_en'])}", 'timezone = "Asia/Shanghai"', ""]
    for mid, name, tier, parent, addr, _abbr, _p in cfg["members"]:
        out += ["[[members]]", f"id = {toml_str(mid)}", f"name = {toml_str(name)}", f"tier = {toml_str(tier)}"]
        if parent:
            out.append(f"parent = {toml_str(parent)}")
        out += [f"address = {toml_str(addr)}", ""]
    for vid, lib, name, aliases, addr, cap in cfg["venues"]:
        out += ["[[venues]]", f"id = {toml_str(vid)}", f"library_id = {toml_str(lib)}", f"name = {toml_str(name)}",
                "aliases = [" + ", ".join(toml_str(a) for a in aliases) + "]", f"address = {toml_str(addr)}",
                f"capacity = {cap}", ""]
    for bid, name, lib, since, cat, kws in cfg["brands"]:
        out += ["[[brands]]", f"id = {toml_str(bid)}", f"name = {toml_str(name)}", f"library_id = {toml_str(lib)}",
                f"since = {since}", f"category = {toml_str(cat)}",
                "keywords = [" + ", ".join(toml_str(k) for k in kws) + "]", ""]
    for cid, name, s, e, rec in cfg["campaigns"]:
        out += ["[[campaigns]]", f"id = {toml_str(cid)}", f"name = {toml_str(name)}", f"starts_on = {s}",
                f"ends_on = {e}", f"recurs_yearly = {'true' if rec else 'false'}", ""]
    out += ["[[coordinators]]", 'id = "office"', 'name = "联盟办"', f'email = "office@{cfg["alliance_id"]}.example.org"', ""]
    return "\n".join(out)


# --------------------------------------------------------------------------------------
# Content pools
# --------------------------------------------------------------------------------------

LECTURES = ["宋词里的四季", "《红楼梦》中的饮食文化", "家庭教育中的阅读习惯培养", "老年人防范电信诈骗知识讲座",
            "二十四节气与农耕文化", "丝绸之路上的古城", "《乡土中国》导读", "青少年心理健康与阅读",
            "中医养生与四季调养", "AI时代我们如何阅读", "地方志里的老城记忆", "《论语》里的处世智慧",
            "身边的昆虫：自然观察入门", "非遗里的中国年", "唐诗中的边塞风光", "从《史记》看历史人物",
            "家庭理财与防骗", "儿童近视防控科普", "民法典与百姓生活", "写给父母的绘本课", "苏轼的黄州岁月",
            "碑帖里的书法史", "古建筑中的榫卯智慧", "考古发现与文明探源"]
SPEAKERS = ["王晓峰", "李素芬", "陈立群", "赵明远", "刘晓燕", "马文斌", "杨光", "周海宁", "何建国", "韩雪梅",
            "孙立新", "郭静", "冯一鸣", "张海涛", "曹颖", "罗卫东"]
TITLES_OF_SPEAKERS = ["教授", "副教授", "研究员", "老师", "馆员", "博士"]
BOOKS = ["《平凡的世界》", "《额尔古纳河右岸》", "《人世间》", "《活着》", "《我与地坛》", "《长安的荔枝》",
         "《白鹿原》", "《呼兰河传》", "《苏东坡传》", "《瓦尔登湖》", "《边城》", "《一句顶一万句》", "《繁花》",
         "《云边有个小卖部》", "《乡土中国》", "《文城》"]
PICTURE_BOOKS = ["《好饿的毛毛虫》", "《猜猜我有多爱你》", "《大卫不可以》", "《我爸爸》", "《小蓝和小黄》",
                 "《团圆》", "《年》", "《月亮的味道》", "《彩虹色的花》", "《母鸡萝丝去散步》", "《爷爷一定有办法》",
                 "《小种子》"]
KIDS = ["亲子手工：做一本立体书", "小小图书管理员体验营", "童声诵经典", "英语绘本共读", "科学小实验：会跳舞的盐",
        "剪纸里的年味儿", "亲子阅读打卡分享", "书签DIY", "非遗布老虎制作体验", "故事妈妈讲故事", "汉字里的秘密",
        "小小讲解员培训", "自然笔记：画一片叶子", "折纸里的数学"]
EXHIBITS = ["馆藏老照片展", "书法作品展", "农民画作品展", "非遗剪纸作品展", "“书香家庭”成果展", "民族服饰图片展",
            "古籍善本复制品展", "少儿绘画作品展", "红色经典连环画展", "摄影作品展"]
TRAININGS = ["智能手机使用培训（老年班）", "数字资源使用培训", "农家书屋管理员业务培训", "电商直播技能培训",
             "古籍修复体验课", "志愿者上岗培训", "阅读推广人培训", "少儿编程入门"]
CONTESTS = ["“书香少年”朗读大赛", "汉字听写大会", "诗词大会", "讲故事比赛", "征文比赛颁奖典礼", "读书知识竞赛"]
OUTREACH = ["送书进军营", "阅读推广进社区", "流动图书车进村", "图书漂流进企业", "好书进校园", "送书下乡",
            "法律知识进农家书屋", "科普大篷车进乡村"]
ACCESS = ["视障读者电影讲述", "盲文阅读体验", "助残读书日", "听书机使用培训", "无障碍观影：光影之声"]
SCREEN = ["《流浪地球》", "《我和我的祖国》", "《寻梦环游记》", "《长津湖》", "《哪吒之魔童闹海》", "《疯狂动物城》",
          "《小兵张嘎》", "《城南旧事》"]
DIGITAL = ["数字阅读体验日", "VR阅读体验", "“云上书香”线上打卡", "电子书借阅推广", "有声书录制体验"]
SCHOOLS_M = ["峪川市第二中学", "城关区实验小学", "凉水县第一中学", "石门县城关小学", "天桥县民族中学", "峪川市育才小学"]
SCHOOLS_N = ["澄湾市第一中学", "海北区滨海小学", "南桥区实验小学", "新港区外国语学校", "东屿县渔镇中学", "澄湾市第三中学"]
SCHOOL_ABBR = {"峪川市第二中学": "市二中", "城关区实验小学": "城关实小", "凉水县第一中学": "凉水一中",
               "石门县城关小学": "石门城关小学", "天桥县民族中学": "天桥民中", "峪川市育才小学": "育才小学",
               "澄湾市第一中学": "澄湾一中", "海北区滨海小学": "滨海小学", "南桥区实验小学": "南桥实小",
               "新港区外国语学校": "新港外校", "东屿县渔镇中学": "渔镇中学", "澄湾市第三中学": "市三中"}
COMMUNITIES_M = ["西关社区", "东关社区", "滨河社区", "新华社区", "团结社区"]
COMMUNITIES_N = ["望潮社区", "金沙社区", "渔港社区", "中山社区", "科创社区"]
PARTNERS_M = ["峪川市社科联", "峪川市科协", "峪川市妇联", "峪川市残联", "共青团峪川市委", "峪川市作家协会"]
PARTNERS_N = ["澄湾市社科联", "澄湾市科协", "澄湾市妇联", "澄湾市残联", "共青团澄湾市委", "澄湾市作家协会",
              "澄湾市阅读推广协会"]
VILLAGES_M = ["红崖村", "杨家湾村", "刘湾村", "马坪村", "大庄村", "扎布村", "阳坡村", "上寨村"]
VILLAGES_N = ["船帮村", "东澳村", "西澳村", "渔港村", "沙头村", "后屿村"]

EMOJI = ["📚", "🎉", "✨", "🌸", "👉", "🔥", "🎈", "📖", "❤️", "🌟"]


# --------------------------------------------------------------------------------------
# Ground truth
# --------------------------------------------------------------------------------------

class City:
    def __init__(self, key: str, cfg: dict, rng: random.Random):
        self.key, self.cfg, self.rng = key, cfg, rng
        self.members = {m[0]: dict(id=m[0], name=m[1], tier=m[2], parent=m[3], addr=m[4], abbr=m[5], profile=m[6])
                        for m in cfg["members"]}
        self.children: dict[str, list[str]] = {m: [] for m in self.members}
        for m in self.members.values():
            if m["parent"]:
                self.children[m["parent"]].append(m["id"])
        self.central = next(m for m in self.members if self.members[m]["tier"] == "central")
        self.brands = cfg["brands"]
        self.campaigns = [(c[0], datetime.fromisoformat(c[2]).date(), datetime.fromisoformat(c[3]).date(), c[4])
                          for c in cfg["campaigns"]]
        self.venue_dir = {(v[1], v[2]): v[0] for v in cfg["venues"]}
        self.acts: list[dict] = []
        self.n = 0
        west = key == "city_m"
        self.schools = SCHOOLS_M if west else SCHOOLS_N
        self.communities = COMMUNITIES_M if west else COMMUNITIES_N
        self.partners = PARTNERS_M if west else PARTNERS_N
        self.villages = VILLAGES_M if west else VILLAGES_N
        self.city_name = "峪川" if west else "澄湾"

    # ---- helpers ----
    def rooms(self, lib: str):
        if lib in ROOMS_SPECIAL:
            return ROOMS_SPECIAL[lib]
        tier = self.members[lib]["tier"]
        if tier in ("central", "district", "county"):
            return ROOMS_BIG
        if tier == "branch":
            return ROOMS_SMALL
        return ROOMS_SP

    def room_for(self, lib: str, category: str):
        rooms = self.rooms(lib)
        pref = {"lecture": ["报告厅", "海潮报告厅", "学术报告厅", "多功能厅"], "children": ["少儿", "故事屋", "活动室"],
                "parent_child": ["少儿", "故事屋", "活动室"], "exhibition": ["展厅", "临展厅", "非遗展示厅"],
                "digital": ["数字", "活动室"], "training": ["读者活动室", "研修室", "多功能厅", "活动室"],
                "accessibility": ["视障", "双语", "活动室"], "screening": ["报告厅", "多功能厅", "小剧场"],
                "reading_club": ["读者活动室", "研修室", "活动室", "阅览室", "双语"],
                "salon": ["读者活动室", "多功能厅", "活动室"]}.get(category, [])
        for p in pref:
            for r in rooms:
                if p in r[0]:
                    return r
        return self.rng.choice(rooms)

    def relatives(self, lib: str) -> list[str]:
        m = self.members[lib]
        rel = list(self.children[lib])
        if m["parent"]:
            rel.append(m["parent"])
            rel += [s for s in self.children[m["parent"]] if s != lib]
            gp = self.members[m["parent"]]["parent"]
            if gp:
                rel.append(gp)
        if self.central not in rel and lib != self.central:
            rel.append(self.central)
        return list(dict.fromkeys(rel))

    def campaign_for(self, day) -> str | None:
        for cid, s, e, rec in self.campaigns:
            if rec:
                s2, e2 = s.replace(year=day.year), e.replace(year=day.year)
            else:
                s2, e2 = s, e
            if s2 <= day <= e2 and day.year == 2026:
                return cid
        return None

    def random_day(self):
        r = self.rng
        # weighted: reading month, summer, festival, spring festival; the rest spread out
        x = r.random()
        base = datetime(2026, 1, 1, tzinfo=CST)
        if x < 0.22:
            d = datetime(2026, 4, 1, tzinfo=CST) + timedelta(days=r.randrange(30))
        elif x < 0.40:
            d = datetime(2026, 7, 1, tzinfo=CST) + timedelta(days=r.randrange(62))
        elif x < 0.52:
            fest = datetime(2026, 9, 20, tzinfo=CST) if self.key == "city_m" else datetime(2026, 11, 1, tzinfo=CST)
            d = fest + timedelta(days=r.randrange(30))
        elif x < 0.58:
            d = datetime(2026, 2, 1, tzinfo=CST) + timedelta(days=r.randrange(33))
        else:
            d = base + timedelta(days=r.randrange(352))
        return d.date()

    def weekend_bias(self, day):
        # children's and public activities cluster on weekends
        if self.rng.random() < 0.55 and day.weekday() < 5:
            day = day + timedelta(days=5 - day.weekday())
        return day

    def new_label(self, family: str) -> str:
        self.n += 1
        return f"{self.key[-1]}{self.n:04d}-{family}"

    def group_size(self, cap: int = 5) -> int:
        r = self.rng.random()
        if r < 0.665:
            n = 1
        elif r < 0.865:
            n = 2
        elif r < 0.955:
            n = 3
        elif r < 0.984:
            n = 4
        elif r < 0.994:
            n = 5
        else:
            n = self.rng.choice([6, 7])
        return min(n, cap) if cap else n

    def make(self, family: str, host: str, title_core: str, category: str, start: datetime, minutes: int, *,
             venue_lib: str | None = None, room=None, place=None, brand=None, series_no=None, session_tag=None,
             cohosts=None, n=None, marker=False, all_day_days=0, audience=None, partners=None, speaker=None,
             book=None, lookalike=None, postponed_from=None, proxy_ok=True) -> dict:
        r = self.rng
        venue_lib = venue_lib if venue_lib is not None else (None if place else host)
        if venue_lib and room is None:
            room = self.room_for(venue_lib, category)
        if n is None:
            n = self.group_size()
        if cohosts is None:
            cohosts = []
            want = max(0, n - 1) if r.random() < 0.9 else max(0, n - 2)
            if n == 1 and r.random() < 0.3:
                want = 1
            rel = self.relatives(host)
            r.shuffle(rel)
            cohosts = rel[:want]
        if len(cohosts) < n - 2:  # a joint event bigger than the family: other members join in
            more = [m for m in self.members if m != host and m not in cohosts]
            more.sort(key=lambda m: (self.members[m]["tier"] not in ("central", "district", "county"), r.random()))
            cohosts = cohosts + more[: n - 2 - len(cohosts)]
        orgs = {host: "host"}
        for c in cohosts:
            orgs[c] = r.choice(["organiser", "co_organiser", "co_organiser"])
        libs = list(orgs)
        # announcers: each organiser at most once, then duplicates
        announcers = libs[:n]
        if len(announcers) > 1 and r.random() < 0.10 and postponed_from is None:
            announcers = announcers[1:]  # the host never posts it
        if n == 1 and len(libs) > 1 and r.random() < 0.2 and postponed_from is None:
            announcers = [libs[1]]
        twice = False
        while len(announcers) < n:
            if proxy_ok and r.random() < 0.25 and self.central not in libs and self.central not in announcers:
                announcers.append(self.central)  # the alliance office re-enters it from the group chat
            elif not twice:
                announcers.append(r.choice(announcers))  # the same library enters it twice
                twice = True
            else:
                rest = [x for x in libs if x not in announcers]
                if not rest:
                    break
                announcers.append(rest[0])
        camp = self.campaign_for(start.date())
        act = dict(label=self.new_label(family), family=family, host=host, orgs=orgs, announcers=announcers,
                   title_core=title_core, category=category, start=start, end=start + timedelta(minutes=minutes),
                   venue_lib=venue_lib, room=room, place=place, brand=brand, series_no=series_no,
                   session_tag=session_tag, marker=marker, all_day_days=all_day_days, campaign=camp,
                   audience=audience, partners=partners or [], speaker=speaker, book=book, lookalike=lookalike,
                   postponed_from=postponed_from)
        self.acts.append(act)
        return act

    def pick_lib(self, tiers=None, exclude=()):
        cands = [m for m, v in self.members.items() if (tiers is None or v["tier"] in tiers) and m not in exclude]
        return self.rng.choice(cands)

    def at(self, day, hh, mm=0):
        return datetime(day.year, day.month, day.day, hh, mm, tzinfo=CST)

    def brand_of(self, lib):
        return next((b for b in self.brands if b[2] == lib), None)

    # ---- families ----
    def one_off(self):
        r = self.rng
        cat = r.choice(["lecture", "lecture", "children", "parent_child", "reading_club", "salon", "training",
                        "contest", "outreach", "screening", "digital", "accessibility", "children"])
        host = self.pick_lib()
        day = self.weekend_bias(self.random_day())
        slots = [(9, 0), (9, 30), (10, 0), (14, 0), (14, 30), (15, 0), (10, 30)]
        if cat in ("lecture", "reading_club", "salon", "screening"):
            slots += [(19, 0), (19, 30)]  # evenings only for adults
        hh, mm = r.choice(slots)
        title, speaker, book, audience, partners, place = self.title_for(cat, host)
        minutes = r.choice([60, 90, 90, 120, 120, 150])
        big = r.random() < 0.012  # a city-wide joint event: many members post it
        self.make("one_off", host, title, cat, self.at(day, hh, mm), minutes, speaker=speaker, book=book,
                  audience=audience, partners=partners, place=place, brand=self.maybe_brand(host, cat),
                  n=r.choice([6, 7, 8]) if big else None)

    def maybe_brand(self, host, cat):
        b = self.brand_of(host)
        if b and b[4] == cat and self.rng.random() < 0.8:
            return b
        return None

    def title_for(self, cat, host):
        r = self.rng
        speaker = book = audience = place = None
        partners = []
        if cat == "lecture":
            title = r.choice(LECTURES)
            speaker = r.choice(SPEAKERS) + r.choice(TITLES_OF_SPEAKERS)
            audience = r.choice([None, "市民读者", "中老年读者", "家长", "青少年"])
            if r.random() < 0.3:
                partners = [r.choice(self.partners)]
        elif cat in ("children", "parent_child"):
            title = r.choice(KIDS) if r.random() < 0.6 else "绘本故事会：" + r.choice(PICTURE_BOOKS)
            audience = r.choice(["3-6岁儿童及家长", "6-12岁少儿", "亲子家庭", "小学生"])
        elif cat in ("reading_club", "salon"):
            book = r.choice(BOOKS)
            title = r.choice([f"共读{book}", f"{book}读书分享会", f"读书沙龙：走进{book}", f"{book}共读会"])
        elif cat == "training":
            title = r.choice(TRAININGS)
            audience = "老年读者" if "老年" in title else r.choice([None, "基层馆员", "村民", "市民"])
        elif cat == "contest":
            title = f"2026年{self.city_name}" + r.choice(CONTESTS) if r.random() < 0.5 else r.choice(CONTESTS)
            audience = r.choice(["中小学生", "青少年", None])
        elif cat == "outreach":
            title = r.choice(OUTREACH)
            if "社区" in title:
                place = (r.choice(self.communities) + "党群服务中心", None)
            elif "校园" in title:
                s = r.choice(self.schools)
                place = (s, None)
                partners = [s]
            elif "军营" in title:
                place = (r.choice(["武警支队营区", "消防救援站"]), None)
            elif "企业" in title:
                place = (r.choice(["港机集团职工活动中心", "工业园区职工书屋", "物流园员工之家"]), None)
            else:
                place = (r.choice(self.villages) + "文化广场", None)
        elif cat == "screening":
            title = "公益电影放映：" + r.choice(SCREEN)
        elif cat == "digital":
            title = r.choice(DIGITAL)
        elif cat == "accessibility":
            title = r.choice(ACCESS)
            audience = "视障读者" if "视障" in title or "盲文" in title else "残障人士"
            partners = [p for p in self.partners if "残联" in p]
        else:
            title = "读者座谈会"
        return title, speaker, book, audience, partners, place

    def weekly_series(self):
        """A brand's weekly sessions: same room, same hour, numbered (writers drop the number)."""
        r = self.rng
        b = r.choice(self.brands)
        host = b[2]
        day = self.weekend_bias(self.random_day())
        hh, mm = r.choice([(10, 0), (15, 0), (9, 30), (19, 0)])
        k = r.randint(3, 5)
        no0 = r.randint(3, 60)
        room = self.room_for(host, b[4])
        core_same = r.random() < 0.5  # half the series keep one title for every session
        core0 = self.title_for(b[4] if b[4] != "outreach" else "reading_club", host)[0]
        fam = self.new_family_id("weekly")
        for i in range(k):
            core = core0 if core_same else self.title_for(b[4] if b[4] != "outreach" else "reading_club", host)[0]
            self.make("weekly_series", host, core, b[4], self.at(day + timedelta(days=7 * i), hh, mm), 90,
                      room=room, brand=b, series_no=no0 + i, lookalike=fam, marker=core_same)

    def new_family_id(self, kind):
        self.n += 1
        return f"{self.key[-1]}F{self.n:04d}-{kind}"

    def multi_branch(self):
        """One programme, several branches, the same hour; the parent library announces each."""
        r = self.rng
        parent = r.choice([m for m in self.members if len(self.children[m]) >= 2])
        kids = self.children[parent][:]
        r.shuffle(kids)
        kids = kids[: r.randint(2, min(4, len(kids)))]
        cat = r.choice(["children", "parent_child", "digital", "lecture", "outreach"])
        title = r.choice({"children": KIDS, "parent_child": KIDS, "digital": DIGITAL, "lecture": LECTURES,
                          "outreach": ["全民阅读进基层", "好书推荐会", "阅读推广进社区"]}[cat])
        title = r.choice(["全市联动·", "总分馆联动｜", "", ""]) + title
        day = self.weekend_bias(self.random_day())
        hh, mm = r.choice([(9, 30), (10, 0), (14, 30), (15, 0)])
        fam = self.new_family_id("branches")
        for kid in kids:
            n = self.group_size(4)
            self.make("multi_branch", kid, title, cat, self.at(day, hh, mm), 90, venue_lib=kid,
                      cohosts=[parent] if n >= 2 or r.random() < 0.5 else [], n=n, lookalike=fam, proxy_ok=False)

    def parallel_rooms(self):
        """A campaign day in one building: several rooms busy at the same hour."""
        r = self.rng
        host = r.choice([m for m in self.members if self.members[m]["tier"] in ("central", "district", "county")])
        day = self.weekend_bias(self.random_day())
        hh = r.choice([9, 10, 14])
        fam = self.new_family_id("parallel")
        cats = r.sample(["lecture", "children", "exhibition", "digital", "training", "parent_child"], r.randint(2, 3))
        used = set()
        for cat in cats:
            room = self.room_for(host, cat)
            if room[0] in used:
                room = next((x for x in self.rooms(host) if x[0] not in used), room)
            used.add(room[0])
            title = self.title_for(cat, host)[0] if cat != "exhibition" else r.choice(EXHIBITS)
            while any(a["lookalike"] == fam and a["title_core"] == title for a in self.acts[-3:]):
                title = self.title_for(cat, host)[0] if cat != "exhibition" else r.choice(EXHIBITS)
            self.make("parallel_rooms", host, title, cat, self.at(day, hh, r.choice([0, 0, 30])), 90, room=room,
                      lookalike=fam)

    def two_sessions(self):
        """第一场/第二场 an hour apart, same room, same title."""
        r = self.rng
        host = r.choice([m for m in self.members if self.members[m]["tier"] in ("central", "district", "branch")])
        cat = r.choice(["children", "parent_child", "digital", "training"])
        title = self.title_for(cat, host)[0]
        day = self.weekend_bias(self.random_day())
        hh, mm = r.choice([(9, 0), (9, 30), (14, 0), (14, 30)])
        room = self.room_for(host, cat)
        fam = self.new_family_id("twosess")
        gap = r.choice([60, 60, 90])
        for i, tag in enumerate(["第一场", "第二场"][: 2 if r.random() < 0.8 else 2]):
            self.make("two_sessions", host, title, cat, self.at(day, hh, mm) + timedelta(minutes=gap * i), 50,
                      room=room, session_tag=tag, marker=True, lookalike=fam, n=self.group_size(3))

    def same_hall_later(self):
        r = self.rng
        host = r.choice([m for m in self.members if self.members[m]["tier"] in ("central", "district", "county")])
        room = ROOMS_SPECIAL.get(host, ROOMS_BIG)[0]
        day = self.weekend_bias(self.random_day())
        fam = self.new_family_id("samehall")
        b = self.brand_of(host)
        t1 = r.choice(LECTURES)
        self.make("same_hall_later", host, t1, "lecture", self.at(day, 9, 30), 120, room=room, lookalike=fam,
                  speaker=r.choice(SPEAKERS) + "老师", brand=b if b and b[4] == "lecture" else None)
        kind = r.random()
        if kind < 0.4:  # the same speaker again in the afternoon, another talk
            t2 = r.choice([t for t in LECTURES if t != t1])
            self.make("same_hall_later", host, t2, "lecture", self.at(day, 14, 30), 120, room=room, lookalike=fam,
                      brand=b if b and b[4] == "lecture" else None)
        elif kind < 0.7:
            self.make("same_hall_later", host, "公益电影放映：" + r.choice(SCREEN), "screening", self.at(day, 14, 0),
                      120, room=room, lookalike=fam)
        else:
            self.make("same_hall_later", host, r.choice(CONTESTS), "contest", self.at(day, 15, 0), 120, room=room,
                      lookalike=fam)

    def same_book_months(self):
        """One book read over several months (第一/二次共读), or the same book at two clubs in different months."""
        r = self.rng
        book = r.choice(BOOKS)
        fam = self.new_family_id("samebook")
        host = self.pick_lib(("central", "district", "county", "branch"))
        day = self.weekend_bias(self.random_day())
        hh = r.choice([15, 19])
        title = r.choice([f"共读{book}", f"{book}读书分享会", f"读书会：{book}"])
        b = self.brand_of(host)
        b = b if b and b[4] == "reading_club" else None
        for i in range(r.randint(2, 3)):
            d = day + timedelta(days=28 * i + r.choice([0, 7]))
            other = host if r.random() < 0.7 else self.pick_lib(("district", "county", "branch"), exclude=(host,))
            self.make("same_book_months", other, title, "reading_club", self.at(d, hh), 120, book=book,
                      lookalike=fam, brand=b if other == host else None)

    def touring_speaker(self):
        """A speaker touring the counties: the same talk on consecutive days at different libraries."""
        r = self.rng
        title = r.choice(LECTURES)
        sp = r.choice(SPEAKERS) + r.choice(TITLES_OF_SPEAKERS)
        libs = r.sample([m for m in self.members if self.members[m]["tier"] in ("district", "county")],
                        k=min(3, len([m for m in self.members if self.members[m]["tier"] in ("district", "county")])))
        day = self.random_day()
        fam = self.new_family_id("tour")
        for i, lib in enumerate(libs):
            hh = r.choice([9, 10, 15])
            self.make("touring_speaker", lib, title, "lecture", self.at(day + timedelta(days=i), hh, 0), 120,
                      speaker=sp, cohosts=[self.central] + ([] if r.random() < 0.5 else []), n=self.group_size(3),
                      lookalike=fam, partners=[r.choice(self.partners)])

    def contest_stages(self):
        r = self.rng
        county = r.choice([m for m in self.members if self.members[m]["tier"] in ("county", "district")])
        subs = self.children[county]
        if not subs:
            return
        name = f"2026年{self.city_name}" + r.choice(["“书香少年”朗读大赛", "讲故事比赛", "诗词大会"])
        day = self.random_day()
        fam = self.new_family_id("stages")
        for i, s in enumerate(subs[:3]):
            self.make("contest_stages", s, name + "（" + self.members[s]["abbr"][0] + "初赛）" if r.random() < 0.5 else name + "初赛",
                      "contest", self.at(day + timedelta(days=i), 9, 0), 180, cohosts=[county], n=self.group_size(2),
                      lookalike=fam, proxy_ok=False)
        self.make("contest_stages", county, name + "决赛", "contest", self.at(day + timedelta(days=14), 9, 0), 180,
                  cohosts=[self.central], lookalike=fam)

    def exhibition(self):
        """An exhibition over weeks, and its opening ceremony / a guided tour on days inside it."""
        r = self.rng
        host = self.pick_lib(("central", "district", "county", "branch"))
        title = r.choice(EXHIBITS)
        day = self.random_day()
        fam = self.new_family_id("exhib")
        days = r.choice([14, 20, 30])
        self.make("exhibition", host, title, "exhibition", self.at(day, 9, 0), 8 * 60, all_day_days=days,
                  lookalike=fam)
        if r.random() < 0.6:
            self.make("exhibition", host, title + "开展仪式", "exhibition", self.at(day, 10, 0), 60, lookalike=fam)
        if r.random() < 0.4:
            self.make("exhibition", host, title + "专题导览", "exhibition",
                      self.at(day + timedelta(days=r.randint(3, days - 2)), 15, 0), 60, lookalike=fam)

    def mobile_van(self):
        r = self.rng
        van = "tqx-ld" if self.key == "city_m" else "xg-ly"
        day = self.random_day()
        fam = self.new_family_id("van")
        vs = r.sample(self.villages, 2)
        for i, v in enumerate(vs):
            names = ["流动图书车进村", "送书下乡"] if self.key == "city_m" else ["流动书船进渔村", "送书上岛"]
            self.make("mobile_van", van, r.choice(names) if i == 0 else names[0],
                      "outreach", self.at(day, 9 if i == 0 else 14, 30 if i == 0 else 0), 150,
                      place=(v + "村委会广场" if not v.endswith("村") else v + "委会广场", None), lookalike=fam,
                      n=self.group_size(3))

    def school_outreach(self):
        r = self.rng
        host = self.pick_lib(("district", "county", "central"))
        title = r.choice(["好书进校园", "阅读推广进校园", "名家进校园"]) + "：" + r.choice(LECTURES[:8])
        day = self.random_day()
        while day.weekday() >= 5:
            day += timedelta(days=1)
        fam = self.new_family_id("schools")
        for i, s in enumerate(r.sample(self.schools, 2)):
            self.make("school_outreach", host, title, "outreach", self.at(day, 9 if i == 0 else 14, 30), 90,
                      place=(s, None), partners=[s], lookalike=fam)

    def annual_edition(self):
        """Last year's edition of an annual event against this year's: same title, a year apart."""
        r = self.rng
        host = self.pick_lib(("central", "district", "county"))
        fest = (9, 20) if self.key == "city_m" else (11, 1)
        title, this, last = r.choice([
            ("世界读书日主题活动", (2026, 4, 23), (2025, 4, 23)),
            ("读书节开幕式", (2026,) + fest, (2025,) + fest),
            ("“书香家庭”表彰会", (2026, 12, r.randint(5, 20)), (2025, 12, r.randint(5, 20))),
            ("暑期阅读季启动仪式", (2026, 7, r.randint(1, 5)), (2025, 7, r.randint(1, 5))),
            ("迎新春写春联送福字", (2026, 2, r.randint(7, 14)), (2025, 1, r.randint(19, 26))),
            ("元宵节猜灯谜", (2026, 3, 3), (2025, 2, 12)),  # 正月十五 in 2026 and 2025
        ])
        day = datetime(*this).date()
        last = datetime(*last).date()
        used = self.__dict__.setdefault("annual_used", set())
        tries = 0
        while (host, title) in used and tries < 20:  # each library holds its annual event once a year
            host = self.pick_lib(("central", "district", "county", "branch"))
            tries += 1
        used.add((host, title))
        fam = self.new_family_id("annual")
        self.make("annual_edition", host, title, "festival", self.at(last, 9, 30), 120, lookalike=fam)
        self.make("annual_edition", host, title, "festival", self.at(day, 9, 30), 120, lookalike=fam)

    def postponed(self):
        r = self.rng
        host = self.pick_lib(("central", "district", "county", "branch"))
        cat = r.choice(["lecture", "children", "reading_club"])
        title, speaker, book, audience, partners, place = self.title_for(cat, host)
        day = self.weekend_bias(self.random_day())
        old = self.at(day, 14, 30)
        new = old + timedelta(days=7)
        self.make("postponed", host, title, cat, new, 120, speaker=speaker, book=book, postponed_from=old,
                  n=r.choice([2, 3]), proxy_ok=False)


# --------------------------------------------------------------------------------------
# Rendering: one announcement of a real activity, as one writer would enter it
# --------------------------------------------------------------------------------------

def fmt_md(dt):
    return f"{dt.month}月{dt.day}日"


def fmt_hm(dt):
    return f"{dt.hour}:{dt.minute:02d}"


class Renderer:
    def __init__(self, city: City, rng: random.Random):
        self.c, self.r = city, rng
        self.seq = Counter()
        self.var = Counter()

    def source_ref(self, lib, profile, start):
        self.seq[lib] += 1
        k = self.seq[lib]
        r = self.r
        if profile == "calendar":
            return f"EVT{start:%Y%m}{k:04d}"
        if profile == "wechat":
            return f"wx-{start:%Y%m%d}-{k:02d}"
        if profile == "sheet":
            return f"{lib.upper()}-{start.year}-{k:03d}"
        if profile == "xhs":
            return f"note{r.randrange(10**9, 10**10):x}"
        if profile == "kids":
            return f"se{k:05d}"
        return f"{k}"

    def venue(self, act, lib, profile, tags):
        r, c = self.r, self.c
        if act["place"]:
            pname, _ = act["place"]
            form = r.random()
            if pname in SCHOOL_ABBR and form < 0.35:
                tags.append("venue:abbr")
                return {"name": SCHOOL_ABBR[pname] + r.choice(["", "报告厅", "阶梯教室", "图书室"])}
            if form < 0.5:
                tags.append("venue:as_written")
                return {"name": pname}
            if form < 0.7:
                tags.append("venue:place_plus_area")
                area = r.choice(["多功能室", "会议室", "广场", "二楼活动室"])
                return {"name": pname + ("" if pname.endswith(area) else area)}
            tags.append("venue:host_prefix")
            return {"name": r.choice(c.members[act["host"]]["abbr"]) + "（" + pname + "）"}
        vl = act["venue_lib"]
        m = c.members[vl]
        room, floor, syn = act["room"]
        own = lib == vl
        strict = act["family"] in ("multi_branch", "parallel_rooms")  # which branch / which room must stay readable
        x = r.random()
        # the directory alias, only the owning library's calendar export uses it
        vid = c.venue_dir.get((vl, room))
        if vid and own and profile == "calendar" and x < 0.7:
            tags.append("venue:directory_id")
            return {"name": room, "venue_id": vid}
        if profile == "clerk" and own and not strict and x < 0.5:
            tags.append("venue:vague")
            return {"name": r.choice(["站里" + room, "本站" + room, room, "文化站", "书屋"])}
        if profile == "sheet" and x < 0.45 and not (strict and act["family"] == "parallel_rooms"):
            tags.append("venue:library_only")
            return {"name": m["name"] if r.random() < 0.6 else r.choice(m["abbr"]) if not strict else m["name"]}
        if x < 0.18:
            tags.append("venue:address")
            out = {"name": m["addr"] + (("" if "楼" in m["addr"] else floor) + room if r.random() < 0.5 else "")}
            return out
        if x < 0.30:
            tags.append("venue:name_plus_address_field")
            return {"name": r.choice(m["abbr"]) + room, "address": m["addr"]}
        if x < 0.45 and own and not (strict and act["family"] == "multi_branch"):
            tags.append("venue:room_only")
            return {"name": (floor + room) if r.random() < 0.5 else r.choice(syn)}
        if x < 0.55:
            tags.append("venue:synonym")
            return {"name": r.choice(m["abbr"]) + r.choice(syn)}
        if x < 0.62 and room in TYPOS:
            tags.append("venue:typo")
            return {"name": m["name"] + floor + TYPOS[room]}
        if x < 0.75:
            tags.append("venue:room_floor_suffix")
            fl = {"一楼": "1F", "二楼": "2F", "三楼": "3F", "四楼": "4F", "五楼": "5F", "负一楼": "B1"}.get(floor, "")
            return {"name": f"{r.choice(m['abbr'])}{room}（{fl or floor}）" if fl or floor else m["name"] + room}
        tags.append("venue:full")
        return {"name": m["name"] + floor + room}

    def times(self, act, profile, tags, late):
        r = self.r
        s, e = act["start"], act["end"]
        if act["all_day_days"]:
            if r.random() < 0.55:
                tags.append("time:all_day_range")
                d0 = s.replace(hour=0, minute=0)
                return d0, d0 + timedelta(days=act["all_day_days"]), True
            if r.random() < 0.5:
                tags.append("time:opening_day_only")
                return s, s.replace(hour=17, minute=0), False
            tags.append("time:range_with_hours")
            return s, (s + timedelta(days=act["all_day_days"] - 1)).replace(hour=17, minute=0), False
        strict = act["marker"] and act["family"] == "two_sessions"
        x = r.random()
        if profile == "clerk" and not strict and act["family"] not in ("mobile_van", "school_outreach", "same_hall_later",
                                                                        "parallel_rooms") and x < 0.08:
            tags.append("time:all_day_no_hour")
            d0 = s.replace(hour=0, minute=0)
            return d0, d0 + timedelta(days=1), True
        if profile in ("sheet", "clerk") and x < 0.5 and not strict:
            s2 = s.replace(minute=0)
            if s2 != s:
                tags.append("time:rounded_hour")
            else:
                tags.append("time:exact")
            e2 = s2 + timedelta(hours=2) if r.random() < 0.6 else e.replace(minute=0)
            if e2 <= s2:
                e2 = s2 + timedelta(hours=1)
            if e2 != e:
                tags.append("time:end_default_2h")
            return s2, e2, False
        if x < 0.16:
            d = r.choice([15, 20, 30])
            tags.append(f"time:signin_{d}min_early")
            return s - timedelta(minutes=d), e, False
        if x < 0.24 and not strict:
            d = r.choice([30, 45, 60, -30, -60])
            tags.append("time:off_by_up_to_1h")
            return s + timedelta(minutes=d), e + timedelta(minutes=d), False
        if x < 0.34:
            tags.append("time:no_end")
            return s, s, False
        if x < 0.42:
            tags.append("time:end_differs")
            return s, e + timedelta(minutes=r.choice([-30, 30, 60])) if e - s > timedelta(minutes=40) else e + timedelta(minutes=30), False
        if x < 0.47 and not strict and s.minute:
            tags.append("time:rounded_hour")
            return s.replace(minute=0), e, False
        tags.append("time:exact")
        return s, e, False

    def title(self, act, lib, profile, tags, late, dup_index):
        r, c = self.r, self.c
        core = act["title_core"]
        b = act["brand"]
        parts_tags = []
        # brand / series prefix
        t = core
        if act["speaker"] and r.random() < 0.3:
            t = f"{core}——{act['speaker']}主讲"
        if b:
            y = r.random()
            if y < 0.35:
                t = f"{b[1]}｜{t}"
                parts_tags.append("title:brand_prefix")
            elif y < 0.5 and act["series_no"]:
                t = f"{b[1]}第{act['series_no']}期：{t}"
                parts_tags.append("title:brand_and_number")
            elif y < 0.62:
                t = f"“{b[1]}”{t}"
                parts_tags.append("title:brand_quoted")
            elif y < 0.7 and act["series_no"]:
                t = f"{b[1]}（第{act['series_no']}期）"
                parts_tags.append("title:brand_number_only")
                if act["marker"]:  # the only sign of which session: keep the subject in the description
                    t = f"{b[1]}（第{act['series_no']}期）{core}"
            else:
                parts_tags.append("title:brand_dropped")
        if act["session_tag"]:
            if r.random() < 0.6:
                t = f"{t}（{act['session_tag']}）"
            else:
                t = f"{act['session_tag']}｜{t}"
        if act["postponed_from"] and lib == act["host"] and dup_index == 0:
            t = r.choice(["【改期】", "【时间调整】", ""]) + t + r.choice(["（改期通知）", "（延期举办）", ""])
            parts_tags.append("title:postponed_marker")
        camp = act["campaign"]
        y = r.random()
        if late:
            t = r.choice(["活动回顾｜", "【回顾】", "", "圆满举办｜"]) + t
            parts_tags.append("title:report_after")
        elif profile == "wechat" and y < 0.45:
            t = r.choice(["【预告】", "【活动预告】", "【报名开启】", "【读书月】" if camp == "reading-month" else "【活动】",
                          "【本周活动】"]) + t
            parts_tags.append("title:tag_prefix")
        elif profile == "xhs" and y < 0.75:
            t = r.choice(["周末遛娃｜", "宝藏活动｜", "免费！", "本周末｜", "", "城市书房上新｜"]) + t + r.choice(EMOJI) + r.choice(["", "快来", "冲！", "（免费）"])
            parts_tags.append("title:social_decoration")
        elif profile == "kids" and y < 0.6:
            t = r.choice(EMOJI) + t + r.choice(["（名额已满）", "🎈", "开始报名啦", "｜亲子家庭快来报名", "来啦！"])
            parts_tags.append("title:emoji_status")
        elif profile == "calendar" and y < 0.5:
            t = f"[{c.cfg['alliance_id'][:2].upper()}{act['start']:%m%d}-{r.randint(1, 9)}]{t}"
            parts_tags.append("title:system_code")
        elif profile == "sheet" and y < 0.4:
            base = core + (f"（{act['session_tag']}）" if act["session_tag"] else "")
            t = f"{c.members[lib]['abbr'][0]}开展“{base}”活动" if r.random() < 0.5 else f"{base}活动"
            parts_tags.append("title:report_sheet_phrasing")
        elif profile == "clerk" and y < 0.3:
            for k, v in TYPOS.items():
                if k in t:
                    t = t.replace(k, v, 1)
                    parts_tags.append("title:typo")
                    break
        elif y < 0.55 and profile != "calendar":
            t = t + r.choice(["活动", "邀您参加", "等你来", "（免费报名）", "即将开始", "开讲啦"])
            parts_tags.append("title:generic_suffix")
        if profile in ("wechat", "sheet") and r.random() < 0.12 and not late:
            t = r.choice([f"【{fmt_md(act['start'])}】", f"{fmt_md(act['start'])}｜", f"{act['start']:%m.%d} "]) + t
            parts_tags.append("title:date_in_title")
        if "｜" in t and r.random() < 0.3:
            t = t.replace("｜", r.choice([" | ", "·", " ", "|", "——"]))
            parts_tags.append("title:separator_variant")
        if camp and r.random() < 0.15 and not late:
            t = {"spring-2026": "网络书香过大年·", "reading-month": f"{c.city_name}读书月·", "service-week": "服务宣传周·",
                 "summer-reading": "暑期阅读季·", "reading-festival": f"{c.city_name}读书节·"}[camp] + t
            parts_tags.append("title:campaign_prefix")
        tags += parts_tags or ["title:plain"]
        return t[:200]

    def organizers(self, act, lib, tags):
        r = self.r
        orgs = act["orgs"]
        if lib not in orgs:  # the alliance office entering a member's activity
            tags.append("org:proxy_entry")
            return [{"library_id": act["host"], "role": "host"}]
        x = r.random()
        if len(orgs) == 1:
            if x < 0.5:
                tags.append("org:none")
                return []
            tags.append("org:self_host")
            return [{"library_id": lib, "role": "host"}]
        if x < 0.35:
            tags.append("org:all")
            return [{"library_id": k, "role": v} for k, v in orgs.items()]
        if x < 0.6 and lib != act["host"]:
            tags.append("org:host_and_self")
            return [{"library_id": act["host"], "role": "host"},
                    {"library_id": lib, "role": r.choice([orgs[lib], "co_host"])}]
        if x < 0.85:
            tags.append("org:none")
            return []
        tags.append("org:claims_host" if lib != act["host"] else "org:self_host")
        return [{"library_id": lib, "role": "host"}]

    def description(self, act, lib, profile, s_shown, tags):
        r, c = self.r, self.c
        bits = []
        if act["postponed_from"]:
            if lib == act["host"]:
                bits.append(f"因故，原定于{fmt_md(act['postponed_from'])}{fmt_hm(act['postponed_from'])}举办的活动调整至"
                            f"{fmt_md(act['start'])}{fmt_hm(act['start'])}，地点不变，已报名读者无需重复报名。")
                tags.append("desc:postponement_notice")
        if lib not in act["orgs"]:
            bits.append(f"（据{c.members[act['host']]['name']}报送，联盟办代为录入）")
        if profile in ("sheet", "clerk") and r.random() < 0.5:
            return ("；".join(bits) or None), None
        if act["speaker"] and r.random() < 0.7:
            bits.append(f"主讲人：{act['speaker']}")
        if act["book"] and r.random() < 0.5:
            bits.append(f"本期共读书目：{act['book']}")
        if act["session_tag"] and r.random() < 0.7:
            bits.append(f"{act['session_tag']}：{fmt_hm(act['start'])}-{fmt_hm(act['end'])}")
        if s_shown < act["start"] and r.random() < 0.7 and "time:signin" in " ".join(tags):
            bits.append(f"{fmt_hm(s_shown)}签到，{fmt_hm(act['start'])}正式开始")
        if len(act["orgs"]) > 1 and r.random() < 0.4:
            names = [c.members[k]["name"] for k in act["orgs"]]
            bits.append("主办：" + names[0] + "；协办：" + "、".join(names[1:]))
        if act["series_no"] and r.random() < 0.4:
            bits.append(f"这是{act['brand'][1]}的第{act['series_no']}期活动。")
        if r.random() < 0.3:
            bits.append(r.choice(["活动免费，名额有限，请提前报名。", "请扫描海报二维码报名。", "欢迎广大读者参加！",
                                  "报名请致电图书馆服务台。", "请家长全程陪同。"]))
        return ("\n".join(bits) if bits else None), act["speaker"]

    def render(self, act, lib, dup_index, pub):
        r, c = self.r, self.c
        profile = c.members[lib]["profile"]
        if dup_index > 0:  # the second entry of one library comes from another desk or another tool
            profile = r.choice([p for p in ("wechat", "sheet", "calendar", "xhs", "kids", "clerk") if p != profile])
        tags: list[str] = []
        late = pub > act["start"]
        if dup_index > 0:
            tags.append("dup:same_library_twice")
        s, e, all_day = self.times(act, profile, tags, late)
        if act["postponed_from"] and lib != act["host"] and not late and r.random() < 0.6:
            # a co-host never updated its post: still the old date
            d = act["postponed_from"] - act["start"]
            s, e = s + d, e + d
            tags.append("time:stale_old_date")
        sub = {
            "library_id": lib,
            "source_ref": self.source_ref(lib, profile, act["start"]),
            "title": self.title(act, lib, profile, tags, late, dup_index),
            "category": act["category"],
            "starts_at": s.isoformat(),
            "ends_at": e.isoformat(),
            "venue": self.venue(act, lib, profile, tags),
            "organizers": self.organizers(act, lib, tags),
        }
        if all_day:
            sub["all_day"] = True
        if act["postponed_from"] and lib == act["host"] and dup_index == 0 and r.random() < 0.3:
            sub["revision"] = 2
        # category disagreements between writers
        if r.random() < 0.12:
            alt = {"children": "parent_child", "parent_child": "children", "reading_club": "salon", "salon": "reading_club",
                   "lecture": "other", "outreach": "other", "festival": "other", "digital": "training",
                   "contest": "children", "exhibition": "other", "screening": "other", "training": "digital",
                   "accessibility": "screening"}.get(act["category"])
            if alt:
                sub["category"] = alt
                tags.append("category:differs")
        desc, _ = self.description(act, lib, profile, s, tags)
        if desc:
            sub["description"] = desc
        b = act["brand"]
        if b and lib == b[2] and r.random() < 0.6:
            sub["brand_id"] = b[0]
        shown_camp = c.campaign_for(s.date())  # a stale or shifted date outside the window carries no campaign
        if act["campaign"] and shown_camp == act["campaign"] and r.random() < (0.7 if profile in ("wechat", "calendar") else 0.35):
            sub["campaign_id"] = act["campaign"]
        if act["audience"] and r.random() < 0.5:
            sub["audience"] = act["audience"]
        if act["partners"] and r.random() < 0.6:
            sub["partners"] = [SCHOOL_ABBR.get(p, p) if r.random() < 0.3 else p for p in act["partners"]]
        if profile in ("wechat", "kids", "xhs") and r.random() < 0.4:
            sub["tags"] = r.sample(["阅读推广", "亲子", "免费", "读书月", "公益", "非遗", "讲座", "周末"], 2)
        if act["category"] in ("children", "parent_child", "training") and r.random() < 0.4:
            sub["capacity"] = r.choice([20, 25, 30, 40, 50])
        if r.random() < 0.2:
            sub["contact"] = f"0{r.choice(['938', '596'])}-{r.randint(1000000, 9999999)}"
        if r.random() < 0.15 and profile in ("wechat", "calendar", "kids"):
            sub["registration_url"] = f"https://reg.{c.cfg['alliance_id']}.example.org/e/{r.randrange(10**6):06d}"
        if act["postponed_from"] and lib == act["host"] and dup_index == 0 and r.random() < 0.0:
            sub["status"] = "cancelled"
        return sub, tags


def pub_time(r: random.Random, act, lib, profile, dup_index):
    s = act["start"]
    if profile == "sheet" and r.random() < 0.45:
        return s + timedelta(hours=r.randint(6, 150)), True
    if dup_index > 0 and r.random() < 0.4:
        return s + timedelta(hours=r.randint(3, 72)), True
    return s - timedelta(hours=r.randint(20, 21 * 24)), False


def build(city_key: str, seed: int):
    cfg = CITIES[city_key]
    r = random.Random(seed)
    c = City(city_key, cfg, r)
    plan = [("weekly_series", 26), ("multi_branch", 32), ("parallel_rooms", 40), ("two_sessions", 42),
            ("same_hall_later", 42), ("same_book_months", 32), ("touring_speaker", 22), ("contest_stages", 12),
            ("exhibition", 38), ("mobile_van", 18), ("school_outreach", 22), ("annual_edition", 16),
            ("postponed", 9), ("one_off", 470)]
    for fam, k in plan:
        for _ in range(k):
            getattr(c, fam)()
    busy = set()
    for act in c.acts:  # one library, one place at a time: a generator's chance clash is moved on
        if act["family"] == "parallel_rooms":
            continue
        while (act["host"], act["start"]) in busy and act["family"] == "annual_edition":
            act["start"] += timedelta(hours=5)  # a fixed-date event: the afternoon, not another day
            act["end"] += timedelta(hours=5)
        while (act["host"], act["start"]) in busy:
            act["start"] += timedelta(days=14)
            act["end"] += timedelta(days=14)
            if act["postponed_from"]:
                act["postponed_from"] += timedelta(days=14)
            act["campaign"] = c.campaign_for(act["start"].date())
        busy.add((act["host"], act["start"]))
    seen_keys = {}
    for act in c.acts:
        key = (act["title_core"], act["venue_lib"] or act["place"][0], act["start"].date(), act["session_tag"])
        if key in seen_keys:  # an accidental twin of the one-off generator: move it a fortnight on
            act["start"] += timedelta(days=14)
            act["end"] += timedelta(days=14)
            act["campaign"] = c.campaign_for(act["start"].date())
            key = (act["title_core"], act["venue_lib"] or act["place"][0], act["start"].date(), act["session_tag"])
        seen_keys[key] = act["label"]
    rend = Renderer(c, r)
    lines = []
    for act in c.acts:
        seen = Counter()
        rows = []
        for lib in act["announcers"]:
            profile = c.members[lib]["profile"]
            dup_index = seen[lib]
            seen[lib] += 1
            pub, _ = pub_time(r, act, lib, profile, dup_index)
            rows.append([pub, lib, dup_index])
        # the announcement that connects the others arrives last: the most complete one of a co-hosted group
        bridge = len(rows) >= 3 and len(act["orgs"]) >= 3 and r.random() < 0.35
        for pub, lib, dup_index in rows:
            sub, tags = rend.render(act, lib, dup_index, pub)
            lines.append((pub, sub, act, tags))
        if bridge:
            grp = [x for x in lines[-len(rows):]]
            cand = [x for x in grp if x[1]["library_id"] in act["orgs"]]
            if cand:
                b = cand[-1]
                others = [x for x in grp if x is not b]
                # the connector lists everyone; the others list nobody; it is published last
                b[1]["organizers"] = [{"library_id": k, "role": v} for k, v in act["orgs"].items()]
                b[3][:] = [t for t in b[3] if not t.startswith("org:")] + ["org:all"]
                for o in others:
                    o[1]["organizers"] = []
                    o[3][:] = [t for t in o[3] if not t.startswith("org:")] + ["org:none"]
                i = lines.index(b)
                latest = max(x[0] for x in others)
                lines[i] = (latest + timedelta(hours=r.randint(1, 30)), b[1], b[2], b[3] + ["arrival:connector_last"])
    lines.sort(key=lambda x: (x[0], x[1]["library_id"], x[1]["source_ref"]))
    for pub, _sub, act, tags in lines:
        for t in tags:
            rend.var[t] += 1
        if pub > act["start"]:
            rend.var["arrival:published_after_the_event"] += 1
    return c, lines, rend


def main():
    out_summary = {"seed": SEED, "cities": {}}
    for idx, city_key in enumerate(("city_m", "city_n")):
        c, lines, rend = build(city_key, SEED + idx)
        d = HERE / city_key
        d.mkdir(exist_ok=True)
        (d / "alliance.toml").write_text(write_alliance(city_key, CITIES[city_key]), encoding="utf-8")
        with (d / "eval.jsonl").open("w", encoding="utf-8") as f:
            for _pub, sub, act, _tags in lines:
                row = dict(sub)
                row["label"] = act["label"]
                f.write(json.dumps(row, ensure_ascii=False, sort_keys=False) + "\n")
        sizes = Counter(act["label"] for _p, _s, act, _t in lines)
        hist = Counter(sizes.values())
        pairs = sum(n * (n - 1) // 2 for n in sizes.values())
        in_2_5 = sum(n for n in sizes.values() if 2 <= n <= 5)
        fam_acts = Counter()
        fam_lines = Counter()
        lookalike_sets = Counter()
        for act in c.acts:
            fam_acts[act["family"]] += 1
            if act["lookalike"]:
                lookalike_sets[act["family"]] += 0
        looks = {}
        for act in c.acts:
            if act["lookalike"]:
                looks.setdefault(act["family"], set()).add(act["lookalike"])
        for _p, _s, act, _t in lines:
            fam_lines[act["family"]] += 1
        # hard negatives: announcements of different activities of one look-alike set
        by_set = {}
        for _p, _s, act, _t in lines:
            if act["lookalike"]:
                by_set.setdefault((act["family"], act["lookalike"]), Counter())[act["label"]] += 1
        neg = Counter()
        for (fam, _set), cnt in by_set.items():
            tot = sum(cnt.values())
            neg[fam] += (tot * tot - sum(v * v for v in cnt.values())) // 2
        out_summary["cities"][city_key] = {
            "announcements": len(lines),
            "activities": len(sizes),
            "true_pairs": pairs,
            "share_in_groups_2_to_5": round(in_2_5 / len(lines), 3),
            "group_size_histogram": {str(k): hist[k] for k in sorted(hist)},
            "activities_per_family": dict(sorted(fam_acts.items())),
            "announcements_per_family": dict(sorted(fam_lines.items())),
            "lookalike_sets_per_family": {k: len(v) for k, v in sorted(looks.items())},
            "lookalike_negative_pairs_per_family": dict(sorted(neg.items())),
            "variations": dict(sorted(rend.var.items())),
        }
    (HERE / "summary.json").write_text(json.dumps(out_summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
