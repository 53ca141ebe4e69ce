#!/usr/bin/env python3
"""Holdout 7: an independent, labelled evaluation set for a deduplicator of library
activity announcements.  Python stdlib only, fixed seed, deterministic.

Writes (next to this file):
  city_q/alliance.toml, city_q/eval.jsonl   鹤屯市 (invented northeastern industrial city)
  city_r/alliance.toml, city_r/eval.jsonl   黔岭布依族苗族自治州 (invented southwestern prefecture)
  summary.json

Each eval line is a wire-contract v1 ActivitySubmission plus one key "label": lines that
share a label announce the same real activity.
"""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

SEED = 20260707
OUT = Path(__file__).resolve().parent
CST = timezone(timedelta(hours=8))
UTC = timezone.utc
YEAR = 2026
WEEKDAY = "一二三四五六日"

# ----------------------------------------------------------------------------------------
# Alliances
# ----------------------------------------------------------------------------------------

CENTRAL_ROOMS = [("一楼", "大厅"), ("二楼", "少儿阅览室"), ("三楼", "多功能厅"), ("四楼", "报告厅"),
                 ("五楼", "展厅"), ("三楼", "地方文献阅览室"), ("二楼", "视障阅览室"), ("一楼", "亲子绘本馆")]
DISTRICT_ROOMS = [("一楼", "大厅"), ("二楼", "少儿阅览室"), ("三楼", "多功能厅"), ("二楼", "电子阅览室"), ("一楼", "展厅")]
COUNTY_ROOMS = [("一楼", "大厅"), ("二楼", "少儿阅览室"), ("三楼", "会议室"), ("二楼", "电子阅览室")]
BRANCH_ROOMS = [("", "阅览室"), ("", "活动室"), ("", "少儿区")]
POINT_ROOMS = [("", "书屋"), ("", "文化广场")]

TIER_ROOMS = {"central": CENTRAL_ROOMS, "district": DISTRICT_ROOMS, "county": COUNTY_ROOMS,
              "branch": BRANCH_ROOMS, "service_point": POINT_ROOMS}


def M(id, name, tier, parent, abbrs, address, region=None, name_en=None, directory=False):
    return dict(id=id, name=name, tier=tier, parent=parent, abbrs=abbrs, address=address,
                region=region, name_en=name_en, directory=directory)


CITY_Q = dict(
    key="city_q",
    alliance=dict(id="hetun-reading", name="鹤屯市公共图书馆阅读推广联盟", name_en="Hetun Public Library Reading Alliance"),
    city="鹤屯", city_full="鹤屯市",
    members=[
        M("htl", "鹤屯市图书馆", "central", None, ["市馆", "市图", "鹤屯图书馆", "市图书馆"], "鹤屯市铁山区钢都大街218号",
          name_en="Hetun City Library", directory=True),
        M("gd", "钢都区图书馆", "district", "htl", ["区馆", "区图", "钢都区馆", "钢都图书馆"], "鹤屯市钢都区胜利路45号",
          name_en="Gangdu District Library", directory=True),
        M("hq", "红旗区图书馆", "district", "htl", ["区馆", "红旗区馆", "红旗图书馆"], "鹤屯市红旗区站前街9号"),
        M("bs", "北山区图书馆", "district", "htl", ["区图", "北山区馆", "北山图书馆"], "鹤屯市北山区矿务局路3号"),
        M("sl", "松岭县图书馆", "county", "htl", ["县馆", "县图", "松岭县馆"], "松岭县城关镇人民路66号"),
        M("bh", "白桦县图书馆", "county", "htl", ["县馆", "白桦县馆", "白桦图书馆"], "白桦县林业局大街12号"),
        M("htl-b1", "鹤屯市图书馆钢厂职工书屋分馆", "branch", "htl", ["职工书屋", "钢厂分馆", "钢厂职工书屋"], "鹤屯市铁山区钢厂生活区工人文化宫二楼"),
        M("htl-b2", "鹤屯市图书馆高新区分馆", "branch", "htl", ["高新区分馆", "高新分馆"], "鹤屯市高新区科技大道1号创业服务中心"),
        M("gd-b1", "钢都区图书馆工人村分馆", "branch", "gd", ["工人村分馆", "工人村馆"], "鹤屯市钢都区工人村街道二委社区"),
        M("gd-b2", "钢都区图书馆劳动公园城市书房", "branch", "gd", ["劳动公园书房", "城市书房（劳动公园）", "劳动公园城市书房"], "鹤屯市钢都区劳动公园南门东侧"),
        M("hq-b1", "红旗区图书馆火车站街道分馆", "branch", "hq", ["火车站分馆", "站前分馆"], "鹤屯市红旗区火车站街道办事处三楼"),
        M("bs-b1", "北山区图书馆矿工新村分馆", "branch", "bs", ["矿工新村分馆", "新村分馆"], "鹤屯市北山区矿工新村17栋"),
        M("sl-b1", "松岭县图书馆大甸子镇分馆", "branch", "sl", ["大甸子分馆", "大甸子镇分馆"], "松岭县大甸子镇政府院内"),
        M("bh-b1", "白桦县图书馆红松林场分馆", "branch", "bh", ["林场分馆", "红松林场分馆"], "白桦县红松林场场部"),
        M("sl-sp1", "松岭县大甸子镇前进村农家书屋", "service_point", "sl-b1", ["前进村农家书屋", "前进村书屋"], "松岭县大甸子镇前进村村委会"),
        M("bh-sp1", "白桦县红松林场职工书屋", "service_point", "bh-b1", ["林场职工书屋"], "白桦县红松林场工会楼"),
        M("gd-sp1", "钢都区站前24小时自助图书馆", "service_point", "gd-b2", ["自助图书馆（站前）", "站前自助馆"], "鹤屯市钢都区站前广场西侧"),
        M("hq-sp1", "红旗区流动图书车服务点", "service_point", "hq-b1", ["流动图书车", "图书大篷车"], "红旗区各社区"),
        M("bs-sp1", "北山区矿山社区书屋", "service_point", "bs-b1", ["矿山社区书屋", "社区书屋"], "鹤屯市北山区矿山社区居委会"),
        M("gd-sp2", "钢都区红星村农家书屋", "service_point", "gd-b1", ["红星村书屋"], "鹤屯市钢都区红星村"),
    ],
    brands=[
        dict(id="hecheng-jiangtan", name="鹤城讲坛", library_id="htl", since=2012, category="lecture", prefix="鹤城讲坛"),
        dict(id="gongrencun-gushihui", name="工人村故事会", library_id="gd-b1", since=2016, category="children", prefix="工人村故事会"),
        dict(id="huochetou-dushuhui", name="火车头读书会", library_id="hq", since=2018, category="reading_club", prefix="火车头读书会"),
        dict(id="kuangdeng-yuedu", name="矿灯下的阅读", library_id="bs", since=2019, category="outreach", prefix="矿灯下的阅读"),
        dict(id="linhai-shusheng", name="林海书声", library_id="bh", since=2015, category="lecture", prefix="林海书声"),
        dict(id="gangdu-xiaobandeng", name="快乐小板凳", library_id="gd", since=2017, category="parent_child", prefix="快乐小板凳"),
    ],
    festival=dict(id="hetun-reading-festival", name="鹤屯读书节", starts_on="2026-09-01", ends_on="2026-09-30"),
    extra_campaigns=[],
    partners=["鹤屯市社科联", "鹤屯市科协", "钢都区实验小学", "红旗区第三中学", "鹤屯钢铁集团工会", "铁山街道光明社区",
              "驻鹤某部队", "鹤屯职业技术学院", "市老年大学", "市残联", "北山矿业集团工会", "松岭县第一中学"],
    speakers=["王建国", "李淑芬", "张立新", "刘振东", "赵丽华", "孙国庆", "周海燕", "吴长顺", "郑秀梅", "马春生"],
    places_out=["工人文化宫", "劳动公园", "铁西老厂房文创园", "市青少年宫", "站前广场"],
)

CITY_R = dict(
    key="city_r",
    alliance=dict(id="qianling-reading", name="黔岭州公共图书馆阅读推广联盟", name_en="Qianling Prefecture Reading Alliance"),
    city="黔岭", city_full="黔岭州",
    members=[
        M("qzl", "黔岭州图书馆", "central", None, ["州馆", "州图", "州图书馆", "黔岭州馆"], "黔岭州凤凰湖新区文化中心B栋",
          name_en="Qianling Prefecture Library", directory=True),
        M("lc", "岭城市图书馆", "county", "qzl", ["市馆", "岭城市馆", "岭城图书馆"], "岭城市文峰路88号"),
        M("pj", "盘江县图书馆", "county", "qzl", ["县馆", "盘江县馆", "盘江图书馆"], "盘江县城南大道20号", directory=True),
        M("yw", "云雾县图书馆", "county", "qzl", ["县馆", "云雾县馆", "县图"], "云雾县茶城大道5号"),
        M("lh", "罗河苗族自治县图书馆", "county", "qzl", ["县馆", "罗河县馆", "罗河县图书馆", "罗河图书馆"], "罗河苗族自治县鼓楼路2号"),
        M("zs", "贞山布依族自治县图书馆", "county", "qzl", ["县馆", "贞山县馆", "贞山县图书馆"], "贞山布依族自治县民族大道101号"),
        M("qzl-b1", "黔岭州图书馆州民族中学分馆", "branch", "qzl", ["民中分馆", "民族中学分馆"], "黔岭州民族中学图书楼"),
        M("qzl-b2", "黔岭州图书馆凤凰湖城市书房", "branch", "qzl", ["凤凰湖书房", "城市书房（凤凰湖）", "凤凰湖城市书房"], "凤凰湖公园北岸"),
        M("lc-b1", "岭城市图书馆新城社区分馆", "branch", "lc", ["新城分馆", "安置点分馆", "新城社区分馆"], "岭城市新城易地扶贫搬迁安置点服务中心"),
        M("pj-b1", "盘江县图书馆坝镇分馆", "branch", "pj", ["坝镇分馆"], "盘江县坝镇文化广场旁"),
        M("yw-b1", "云雾县图书馆茶场分馆", "branch", "yw", ["茶场分馆"], "云雾县国营茶场场部"),
        M("lh-b1", "罗河县图书馆苗族文化分馆", "branch", "lh", ["苗族文化分馆", "苗文化分馆"], "罗河县西江镇苗族博物馆旁"),
        M("zs-b1", "贞山县图书馆白岩镇分馆", "branch", "zs", ["白岩分馆", "白岩镇分馆"], "贞山县白岩镇综合文化站内"),
        M("pj-sp1", "盘江县坝镇综合文化站", "service_point", "pj-b1", ["坝镇文化站", "坝镇综合文化站"], "盘江县坝镇政府旁"),
        M("lh-sp1", "罗河县九寨乡综合文化站", "service_point", "lh-b1", ["九寨乡文化站", "九寨文化站"], "罗河县九寨乡街上"),
        M("lh-sp2", "罗河县高坡村农家书屋", "service_point", "lh-b1", ["高坡村书屋", "高坡村农家书屋"], "罗河县九寨乡高坡村村委会"),
        M("zs-sp1", "贞山县岩脚村农家书屋", "service_point", "zs-b1", ["岩脚村书屋"], "贞山县白岩镇岩脚村"),
        M("yw-sp1", "云雾县茶山村农家书屋", "service_point", "yw-b1", ["茶山村书屋"], "云雾县茶山村村委会二楼"),
        M("lc-sp1", "岭城市新城社区书屋", "service_point", "lc-b1", ["新城社区书屋", "社区书屋"], "岭城市新城安置点7栋一楼"),
        M("yw-sp2", "云雾县流动图书车服务点", "service_point", "yw", ["流动图书车", "送书大篷车"], "云雾县各乡镇"),
    ],
    brands=[
        dict(id="qianling-dajiangtang", name="黔岭大讲堂", library_id="qzl", since=2014, category="lecture", prefix="黔岭大讲堂"),
        dict(id="miaoling-shuxiang", name="苗岭书香", library_id="lh", since=2017, category="children", prefix="苗岭书香"),
        dict(id="buyi-shuyuan", name="布依书院", library_id="zs", since=2016, category="lecture", prefix="布依书院"),
        dict(id="shanliwa-yueduying", name="山里娃阅读营", library_id="pj", since=2019, category="children", prefix="山里娃阅读营"),
        dict(id="xinshimin-ketang", name="新市民课堂", library_id="lc", since=2020, category="training", prefix="新市民课堂"),
        dict(id="chaxiang-dushuhui", name="茶香读书会", library_id="yw", since=2018, category="reading_club", prefix="茶香读书会"),
    ],
    festival=dict(id="qianling-shuxiangjie", name="黔岭书香节", starts_on="2026-11-01", ends_on="2026-11-30"),
    extra_campaigns=[
        dict(id="sanyuesan-2026", name="三月三民族文化阅读周", starts_on="2026-04-16", ends_on="2026-04-22", recurs_yearly=False),
        dict(id="liuyueliu-2026", name="布依族六月六风情节阅读活动", starts_on="2026-07-17", ends_on="2026-07-23", recurs_yearly=False),
    ],
    partners=["黔岭州社科联", "黔岭州科协", "州民族中学", "凤凰湖小学", "州民宗委", "罗河县苗学会", "贞山县布依学会",
              "新城社区居委会", "州残联", "云雾县茶叶协会", "黔岭职业技术学院", "州老年大学"],
    speakers=["杨光明", "吴金花", "龙秀英", "韦仕忠", "罗正荣", "王春梅", "潘志刚", "陆美芝", "石光辉", "黄德全"],
    places_out=["民族文化广场", "鼓楼广场", "凤凰湖公园", "州博物馆", "茶博园"],
)

COMMON_CAMPAIGNS = [
    dict(id="spring-festival-2026", name="网络书香过大年", starts_on="2026-02-01", ends_on="2026-03-03", recurs_yearly=False),
    dict(id="reading-month", name="4·23世界读书日暨读书月", starts_on="2026-04-01", ends_on="2026-04-30", tag="4·23读书月"),
    dict(id="service-week", name="图书馆服务宣传周", starts_on="2026-05-23", ends_on="2026-05-29", tag="服务宣传周"),
    dict(id="summer-reading", name="少儿暑期阅读季", starts_on="2026-07-01", ends_on="2026-08-31", tag="暑期阅读季"),
]

# ----------------------------------------------------------------------------------------
# Content pools: (core title, category, audience)
# ----------------------------------------------------------------------------------------

POOL_COMMON = [
    ("二十四节气与养生", "lecture", "成人"), ("宋词里的家国情怀", "lecture", "成人"),
    ("短视频时代如何深度阅读", "lecture", "青年读者"), ("家庭教育中的阅读习惯养成", "lecture", "家长"),
    ("防范电信网络诈骗知识讲座", "lecture", "老年读者"), ("中医药文化与健康生活", "lecture", "成人"),
    ("《平凡的世界》导读", "lecture", "成人"), ("苏东坡的人生哲学", "lecture", "成人"),
    ("《论语》里的处世智慧", "lecture", "成人"), ("心理健康与情绪管理", "lecture", "成人"),
    ("绘本故事会：《猜猜我有多爱你》", "children", "3-6岁儿童"), ("绘本故事会：《好饿的毛毛虫》", "children", "3-6岁儿童"),
    ("小小图书管理员体验", "children", "7-12岁儿童"), ("科学小实验：会跳舞的盐", "children", "6-10岁儿童"),
    ("少儿手工折纸课堂", "children", "5-10岁儿童"), ("英语绘本阅读", "children", "4-8岁儿童"),
    ("童话剧《小红帽》排演", "children", "6-10岁儿童"), ("少儿国学经典诵读", "children", "7-12岁儿童"),
    ("亲子共读《我爸爸》", "parent_child", "亲子家庭"), ("亲子手工灯笼制作", "parent_child", "亲子家庭"),
    ("亲子阅读分享会", "parent_child", "亲子家庭"), ("亲子科普阅读：恐龙的秘密", "parent_child", "亲子家庭"),
    ("《百年孤独》读书分享", "reading_club", "成人"), ("《活着》共读会", "reading_club", "成人"),
    ("《额尔古纳河右岸》共读", "reading_club", "成人"), ("《围城》读书沙龙", "salon", "成人"),
    ("诗词沙龙：月亮与故乡", "salon", "成人"), ("读书沙龙：我们这代人的阅读", "salon", "青年读者"),
    ("馆藏老照片展", "exhibition", "公众"), ("少儿绘画作品展", "exhibition", "公众"), ("书法作品展", "exhibition", "公众"),
    ("老年人智能手机使用培训", "training", "老年读者"), ("数字资源使用培训", "training", "读者"),
    ("基层馆员业务培训", "training", "基层馆员"), ("文献检索与论文写作培训", "training", "读者"),
    ("红色经典电影放映：《英雄儿女》", "screening", "公众"), ("周末电影：《我和我的祖国》", "screening", "公众"),
    ("无障碍电影放映（视障读者专场）", "accessibility", "视障读者"), ("视障读者读书分享会", "accessibility", "视障读者"),
    ("残障人士读书文化日", "accessibility", "残障人士"), ("数字阅读推广体验", "digital", "读者"),
    ("VR阅读体验", "digital", "青少年"), ("“云阅读”平台使用推广", "digital", "读者"),
    ("图书馆进军营", "outreach", "部队官兵"), ("送书进企业", "outreach", "企业职工"), ("图书馆进社区", "outreach", "社区居民"),
    ("好书推荐进校园", "outreach", "中小学生"), ("经典诵读大赛", "contest", "中小学生"), ("少儿讲故事比赛", "contest", "4-10岁儿童"),
    ("全民阅读知识竞赛", "contest", "公众"), ("你选书我买单", "other", "读者"), ("新书推荐会", "other", "读者"),
]

POOL_Q = [
    ("东北抗联史话", "lecture", "成人"), ("老工业基地的百年变迁", "lecture", "成人"), ("工业遗产保护与城市更新", "lecture", "成人"),
    ("满族剪纸艺术的传承", "lecture", "成人"), ("东北大鼓的前世今生", "lecture", "成人"), ("冰雪运动与健康", "lecture", "成人"),
    ("《人世间》读书会", "reading_club", "成人"), ("《钢铁是怎样炼成的》重读", "reading_club", "企业职工"),
    ("非遗剪纸体验课", "parent_child", "亲子家庭"), ("冰灯里的科学", "children", "7-12岁儿童"),
    ("东北抗联主题图片展", "exhibition", "公众"), ("钢城记忆老物件展", "exhibition", "公众"),
    ("职工书法比赛", "contest", "企业职工"), ("劳模故事分享会", "salon", "企业职工"), ("农家书屋种植技术讲座", "training", "农民"),
    ("林下经济与木耳种植", "training", "林场职工"),
]

POOL_R = [
    ("布依族铜鼓文化", "lecture", "成人"), ("苗族古歌的传承", "lecture", "成人"), ("茶马古道上的故事", "lecture", "成人"),
    ("喀斯特地貌与山地旅游", "lecture", "成人"), ("蜡染技艺体验", "parent_child", "亲子家庭"), ("苗绣非遗进校园", "outreach", "中小学生"),
    ("乡村振兴与电商直播培训", "training", "搬迁群众"), ("茶叶种植与加工技术培训", "training", "茶农"),
    ("民族团结进步故事会", "children", "中小学生"), ("《边城》共读", "reading_club", "成人"),
    ("布依族民歌欣赏", "salon", "成人"), ("民族服饰图片展", "exhibition", "公众"), ("苗族银饰文化展", "exhibition", "公众"),
    ("双语绘本故事会", "children", "3-8岁儿童"), ("搬迁群众就业技能培训", "training", "搬迁群众"),
    ("普通话推广与识字课堂", "training", "搬迁群众"),
]

BOOKS = ["《小王子》", "《城南旧事》", "《草房子》", "《夏洛的网》", "《红岩》", "《朝花夕拾》", "《骆驼祥子》", "《西游记》"]

BILINGUAL = {"lh": "（苗汉双语）", "lh-b1": "（苗汉双语）", "lh-sp1": "（苗汉双语）", "lh-sp2": "（苗汉双语）",
             "zs": "（布依汉双语）", "zs-b1": "（布依汉双语）", "zs-sp1": "（布依汉双语）"}
"""Senders in the autonomous counties that note the language of a session in the title (own habit)."""
EMOJI = ["📚", "🎉", "✨", "🌟", "📖", "🔥", "👉"]
TYPO = {"厅": "听", "览": "揽", "室": "是", "馆": "管", "楼": "搂", "功": "工"}
PLAIN_DECOR_PREFIX = ["【联盟活动】", "【活动预告】", "【预告】", "【报名中】", "【本周活动】", "【读者活动】"]
PLAIN_DECOR_SUFFIX = ["，欢迎参加！", "（报名中）", "（已满员）", "活动", "读书分享活动", " 欢迎参加", "（免费）", "！"]

# ----------------------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------------------


class City:
    def __init__(self, spec, rng):
        self.spec = spec
        self.rng = rng
        self.members = spec["members"]
        self.by_id = {m["id"]: m for m in self.members}
        self.brands = spec["brands"]
        self.brand_by_lib = defaultdict(list)
        for b in self.brands:
            self.brand_by_lib[b["library_id"]].append(b)
        self.campaigns = list(COMMON_CAMPAIGNS) + [dict(spec["festival"], tag=spec["festival"]["name"])] + spec["extra_campaigns"]
        self.pool = POOL_COMMON + (POOL_Q if spec["key"] == "city_q" else POOL_R)
        self.occupied = defaultdict(list)  # (lib, room, date) -> [(start, end, label)]
        self.refs = defaultdict(set)
        self.ref_counter = Counter()
        self.activities = []
        self.static = [m for m in self.members if "流动图书车" not in m["abbrs"]]  # the van only does its stops
        self.titles = set()  # (library, core title, date): no accidental twins
        self.children = defaultdict(list)
        for m in self.members:
            if m["parent"]:
                self.children[m["parent"]].append(m["id"])

    def rooms(self, lib):
        return TIER_ROOMS[self.by_id[lib]["tier"]]

    def neighbours(self, lib):
        """Plausible co-hosts of an activity at lib: parent, children, siblings, central."""
        m = self.by_id[lib]
        out = []
        if m["parent"]:
            out.append(m["parent"])
            out += [s for s in self.children[m["parent"]] if s != lib]
        out += self.children[lib]
        central = self.members[0]["id"]
        if central not in out and central != lib:
            out.append(central)
        return [x for x in out if "流动图书车" not in self.by_id[x]["abbrs"]]

    def campaign_for(self, day):
        hits = []
        for c in self.campaigns:
            s = date.fromisoformat(c["starts_on"]).replace(year=day.year) if c.get("recurs_yearly", True) else date.fromisoformat(c["starts_on"])
            e = date.fromisoformat(c["ends_on"]).replace(year=day.year) if c.get("recurs_yearly", True) else date.fromisoformat(c["ends_on"])
            if s <= day <= e:
                hits.append(c)
        return hits

    def free(self, lib, room, start, minutes, gap=150):
        key = (lib, room, start.date())
        end = start + timedelta(minutes=minutes)
        for (s, e, _) in self.occupied[key]:
            if start < e + timedelta(minutes=gap) and s < end + timedelta(minutes=gap):
                return False
        return True

    def title_taken(self, lib, core, day, span=3):
        return any((lib, core, day + timedelta(days=k)) in self.titles for k in range(-span, span + 1))

    def occupy(self, lib, room, start, minutes, label):
        self.occupied[(lib, room, start.date())].append((start, start + timedelta(minutes=minutes), label))

    def new_ref(self, lib, style, month=1):
        self.ref_counter[lib] += 1
        n = self.ref_counter[lib]
        r = self.rng
        if style == "wx":
            ref = f"wx:{2247480000 + n * 37 + r.randint(0, 30)}_{r.randint(1, 8)}"
        elif style == "xlsx":
            ref = f"导入-{YEAR}-{month:02d}.xlsx#row{n + 3}"
        elif style == "ics":
            ref = f"{r.getrandbits(64):016x}@{lib}.ics"
        elif style == "desk2":
            ref = f"{lib}-shaoer-{n:04d}"
        else:
            ref = f"{lib}-{YEAR}-{n:04d}"
        while ref in self.refs[lib]:
            ref += "x"
        self.refs[lib].add(ref)
        return ref


def cst(d, hh, mm=0):
    return datetime(d.year, d.month, d.day, hh, mm, tzinfo=CST)


def iso(dt):
    return dt.isoformat()


def md(d):
    return f"{d.month}月{d.day}日"


def typo(text, rng):
    idx = [i for i, ch in enumerate(text) if ch in TYPO]
    if not idx:
        return text + " "
    i = rng.choice(idx)
    return text[:i] + TYPO[text[i]] + text[i + 1:]


def fullwidth_digits(text):
    return "".join(chr(ord(c) + 0xFEE0) if "0" <= c <= "9" else c for c in text)


# ----------------------------------------------------------------------------------------
# Activities
# ----------------------------------------------------------------------------------------


class Activity:
    def __init__(self, city, label, host, core, category, audience, start, minutes, room_lib, room, family,
                 brand=None, keep="", place_matters=False, cohosts=(), partners=(), all_day=False, multi_day=0,
                 outdoor=None, speaker=None):
        self.city = city
        self.label = label
        self.host = host
        self.core = core
        self.category = category
        self.audience = audience
        self.start = start
        self.minutes = minutes
        self.room_lib = room_lib
        self.room = room  # (floor, name)
        self.family = family
        self.brand = brand
        self.keep = keep  # a token (场次, stage, group) that every title must keep
        self.place_matters = place_matters
        self.cohosts = list(cohosts)  # [(lib, role)]
        self.partners = list(partners)
        self.all_day = all_day
        self.multi_day = multi_day
        self.outdoor = outdoor  # a named place outside libraries
        self.speaker = speaker
        self.capacity = city.rng.choice([None, 30, 40, 50, 60, 80, 100, 120, 200])
        self.contact = city.rng.choice([None, f"0{city.rng.randint(410, 859)}-{city.rng.randint(2000000, 8999999)}",
                                        f"{city.rng.choice(['王', '李', '张', '刘', '陈', '杨'])}老师 1{city.rng.randint(3000000000, 9999999999)}"])
        day = start.date()
        camps = city.campaign_for(day)
        self.campaign = city.rng.choice(camps) if camps and city.rng.random() < 0.75 else None
        self.postponed_to = None
        city.activities.append(self)
        city.titles.add((room_lib, core, start.date()))

    @property
    def end(self):
        if self.multi_day:
            return self.start + timedelta(days=self.multi_day, minutes=self.minutes)
        return self.start + timedelta(minutes=self.minutes)

    def base_title(self):
        t = self.core
        if self.keep and self.keep not in t:
            t = f"{t}（{self.keep}）" if not self.keep.startswith("第") else f"{t}·{self.keep}"
        if self.brand:
            t = f"{self.brand['prefix']}：{t}"
        return t


# ----------------------------------------------------------------------------------------
# Announcement rendering
# ----------------------------------------------------------------------------------------


def venue_text(city, act, sender, rng, var):
    """The venue as this sender writes it."""
    if act.outdoor:
        forms = [act.outdoor, f"{city.spec['city_full']}{act.outdoor}", f"{act.outdoor}（露天）", f"{act.outdoor}南侧"]
        v = rng.choice(forms)
        if v != act.outdoor:
            var.append("venue_outdoor_variant")
        return v, None, None
    lib = city.by_id[act.room_lib]
    floor, room = act.room
    abbr = rng.choice(lib["abbrs"])
    fr = f"{floor}{room}"
    foreign = sender != act.room_lib
    forms = [("venue_full", f"{lib['name']}{fr}")]
    forms += [("venue_full_space", f"{lib['name']} {fr}")]
    forms += [("venue_abbr", f"{abbr}{fr}"), ("venue_abbr_room", f"{abbr}{room}")]
    forms += [("venue_library_only", lib["name"]), ("venue_address", lib["address"]),
              ("venue_address_room", f"{lib['address']}{fr}"), ("venue_room_paren_floor", f"{lib['name']}{room}（{floor}）" if floor else f"{lib['name']}{room}")]
    if not foreign:
        forms += [("venue_room_floor", fr), ("venue_room_only", room), ("venue_room_only", room),
                  ("venue_typo", typo(fr, rng))]
        if not act.place_matters:
            forms += [("venue_vague", rng.choice(["本馆", "馆内", "图书馆", "本馆活动区"]))]
    elif not act.place_matters:
        # a co-host copying the host's poster: the room alone, or nothing useful
        forms += [("venue_room_floor", fr), ("venue_room_only", room), ("venue_typo", typo(f"{abbr}{fr}", rng)),
                  ("venue_vague", "详见海报")]
    if foreign and act.place_matters:
        forms = [f for f in forms if f[0] not in ("venue_room_floor", "venue_room_only")]
    tag, text = rng.choice(forms)
    if tag != "venue_full":
        var.append(tag)
    address = None
    if rng.random() < 0.25 and tag not in ("venue_address", "venue_address_room"):
        address = lib["address"]
    venue_id = None
    if lib["directory"] and city.by_id[sender]["directory"] and rng.random() < 0.6:
        venue_id = f"{act.room_lib}-{ROOM_SLUG[room]}"
        var.append("venue_id")
    return text, address, venue_id


ROOM_SLUG = {"大厅": "hall", "少儿阅览室": "kids", "多功能厅": "multi", "报告厅": "auditorium", "展厅": "gallery",
             "地方文献阅览室": "localdocs", "视障阅览室": "blind", "亲子绘本馆": "picturebook", "电子阅览室": "ereading",
             "会议室": "meeting", "阅览室": "reading", "活动室": "activity", "少儿区": "kidszone", "书屋": "bookroom",
             "文化广场": "square"}


def render_title(city, act, sender, rng, var, decorate=True, report=False):
    t = act.base_title()
    if act.brand and rng.random() < 0.3:
        t = t.split("：", 1)[1]
        var.append("title_brand_dropped")
    if act.speaker and act.speaker not in t and rng.random() < 0.2:
        t = f"{act.speaker}老师讲“{t}”" if "：" not in t else f"{t}（主讲：{act.speaker}）"
        var.append("title_speaker(own)")
    if sender in BILINGUAL and act.category in ("children", "parent_child", "lecture", "salon") and rng.random() < 0.25:
        t = f"{t}{BILINGUAL[sender]}"
        var.append("title_bilingual_note(own)")
    if report:
        name = city.by_id[sender]["name"]
        t = rng.choice([f"{name}成功举办“{t}”", f"“{t}”圆满结束", f"{t}活动顺利开展", f"回顾｜{t}"])
        var.append("title_report_phrasing")
        return t
    if not decorate:
        return t
    roll = rng.random()
    if roll < 0.18:
        t = rng.choice(PLAIN_DECOR_PREFIX) + t
        var.append("title_prefix")
    elif roll < 0.30:
        t = t + rng.choice(PLAIN_DECOR_SUFFIX)
        var.append("title_suffix")
    elif roll < 0.36:
        t = rng.choice(EMOJI) + t + rng.choice(["", rng.choice(EMOJI)])
        var.append("title_emoji")
    elif roll < 0.42 and act.campaign:
        tag = act.campaign.get("tag", act.campaign["name"])
        t = f"【{tag}】{t}"
        var.append("title_campaign_prefix")
    elif roll < 0.50:
        d = act.start.date()
        t = rng.choice([f"{md(d)}（周{WEEKDAY[d.weekday()]}）｜{t}", f"{t}｜{md(d)}周{WEEKDAY[d.weekday()]}见",
                        f"速来围观！{t}｜{md(d)}"])
        var.append("title_wechat_date(own)")
    elif roll < 0.53:
        t = fullwidth_digits(t).replace("：", ":").replace("（", "(").replace("）", ")")
        var.append("title_width_punct(own)")
    return t


def render_times(act, rng, var, allow_shift=True, clerk=False):
    """starts_at, ends_at, all_day for one announcement."""
    s, e = act.start, act.end
    if act.multi_day:
        if rng.random() < 0.35:
            day = s.date()
            last = e.date()
            var.append("time_exhibition_allday")
            return cst(day, 0), cst(last, 0) + timedelta(days=1), True
        if rng.random() < 0.2:
            var.append("time_exhibition_opening_day_only")
            return s, s + timedelta(hours=2), False
        return s, e, False
    if clerk or (allow_shift and rng.random() < 0.04):
        var.append("time_date_only_all_day")
        d = s.date()
        return cst(d, 0), cst(d, 0) + timedelta(days=1), True
    if allow_shift:
        roll = rng.random()
        if roll < 0.14:
            k = rng.choice([15, 20, 30])
            s = s - timedelta(minutes=k)
            var.append("time_signin_early")
        elif roll < 0.22 and s.minute:
            s = s.replace(minute=0)
            var.append("time_rounded_hour")
        elif roll < 0.27:
            s = s + timedelta(minutes=rng.choice([-60, -45, 30, 45, 60]))
            var.append("time_off_up_to_hour")
    eroll = rng.random()
    if eroll < 0.12:
        e = s
        var.append("time_end_missing")
    elif eroll < 0.22:
        e = s + timedelta(hours=rng.choice([1, 2, 3]))
        if e != act.end:
            var.append("time_end_different")
    elif e < s:
        e = s
    if e < s:
        e = s
    return s, e, False


class Ann:
    def __init__(self, act, sender, published):
        self.act = act
        self.sender = sender
        self.published = published
        self.var = []
        self.obj = None


def build(city, act, sender, rng, published, *, organizers="none", style="plain", decorate=True, report=False,
          clerk=False, allow_shift=True, on_behalf=None, online=False):
    a = Ann(act, sender, published)
    var = a.var
    title = render_title(city, act, sender, rng, var, decorate=decorate, report=report)
    if act.keep and act.keep not in title:
        title = f"{title}（{act.keep}）"
    s, e, all_day = render_times(act, rng, var, allow_shift=allow_shift and not report, clerk=clerk)
    if style == "ics" and not all_day:
        s, e = s.astimezone(UTC), e.astimezone(UTC)
        var.append("time_utc_offset(own)")
    if online:
        venue = {"name": "线上直播（腾讯会议）", "online_url": f"https://meeting.example.cn/{rng.randint(100000000, 999999999)}"}
        var.append("venue_online_stream(own)")
    else:
        vt, addr, vid = venue_text(city, act, sender, rng, var)
        if clerk and rng.random() < 0.5 and not act.place_matters:
            vt = rng.choice(["本站", "文化站", "村委会二楼", "书屋"])
            var.append("venue_clerk_vague")
        venue = {"name": vt}
        if addr:
            venue["address"] = addr
        if vid:
            venue["venue_id"] = vid
    orgs = []
    if organizers == "all":
        orgs = [{"library_id": act.host, "role": "host"}] + [{"library_id": l, "role": r} for l, r in act.cohosts]
        var.append("organizers_all")
    elif organizers == "host_self":
        orgs = [{"library_id": act.host, "role": "host"}]
        if sender != act.host:
            role = dict(act.cohosts).get(sender, "co_organiser")
            orgs.append({"library_id": sender, "role": role})
        var.append("organizers_host_and_self")
    elif organizers == "self":
        orgs = [{"library_id": sender, "role": "host" if sender == act.host else dict(act.cohosts).get(sender, "co_organiser")}]
        var.append("organizers_self_only")
    if on_behalf:
        orgs = [{"library_id": act.host, "role": "host"}, {"library_id": sender, "role": "co_organiser"}]
        var.append("entered_on_behalf(own)")
    if style == "oldtool":
        for o in orgs:
            if o["role"] == "co_organiser":
                o["role"] = "co_host"
                var.append("role_v1_co_host(own)")
    obj = {"library_id": sender, "source_ref": city.new_ref(sender, style, act.start.month), "revision": 1, "status": "scheduled",
           "title": title[:200]}
    if rng.random() < 0.55 or clerk:
        obj["description"] = describe(city, act, rng, report)
    obj["category"] = act.category if not (clerk and rng.random() < 0.4) else "other"
    if obj["category"] != act.category:
        var.append("category_other_by_clerk")
    obj["starts_at"] = iso(s)
    obj["ends_at"] = iso(e)
    if all_day:
        obj["all_day"] = True
    obj["venue"] = venue
    if orgs:
        obj["organizers"] = orgs
    if act.brand and (sender == act.brand["library_id"]) and rng.random() < 0.8:
        obj["brand_id"] = act.brand["id"]
    if act.campaign and rng.random() < 0.7:
        obj["campaign_id"] = act.campaign["id"]
    if act.audience and rng.random() < 0.5:
        obj["audience"] = act.audience
    if rng.random() < 0.3:
        obj["tags"] = sorted({act.category, rng.choice(["全民阅读", "书香" + city.spec["city"], "公益", "阅读推广"])})
    if act.capacity is not None and rng.random() < 0.5:
        obj["capacity"] = act.capacity
    if rng.random() < 0.15:
        obj["registration_url"] = f"https://{city.spec['alliance']['id']}.example.cn/signup/{rng.randint(1000, 99999)}"
    if act.contact and rng.random() < 0.4:
        obj["contact"] = act.contact
    if rng.random() < 0.1:
        obj["poster"] = f"{rng.getrandbits(256):064x}.jpg"
    if act.partners and rng.random() < 0.5:
        obj["partners"] = list(act.partners)
    a.obj = obj
    return a


def describe(city, act, rng, report):
    s = act.start
    hm = f"{s.hour}:{s.minute:02d}"
    parts = []
    if report:
        parts.append(f"{md(s.date())}，{act.core}在{city.by_id[act.room_lib]['name'] if not act.outdoor else act.outdoor}举行，"
                     f"共有{rng.randint(20, 180)}名读者参加。")
        return "".join(parts)
    opts = [
        f"时间：{md(s.date())}（周{WEEKDAY[s.weekday()]}）{hm}",
        "" if act.multi_day else f"{md(s.date())}{'上午' if s.hour < 12 else '下午' if s.hour < 18 else '晚上'}{s.hour if s.hour <= 12 else s.hour - 12}点{'半' if s.minute == 30 else ''}开始，请提前{rng.choice([10, 15, 20, 30])}分钟签到。",
        "活动免费，名额有限，请通过公众号预约。",
        f"面向{act.audience}。" if act.audience else "",
        f"主讲人：{act.speaker}。" if act.speaker else "",
        f"合作单位：{'、'.join(act.partners)}。" if act.partners else "",
    ]
    for o in opts:
        if o and rng.random() < 0.55:
            parts.append(o)
    return "".join(parts) or f"{act.core}，欢迎广大读者参加。"


# ----------------------------------------------------------------------------------------
# Group plans: who announces an activity, how
# ----------------------------------------------------------------------------------------

SIZE_WEIGHTS = [(1, 52), (2, 25), (3, 12), (4, 6), (5, 3), (6, 1.3), (7, 0.7)]


def pick_size(rng):
    total = sum(w for _, w in SIZE_WEIGHTS)
    x = rng.random() * total
    for n, w in SIZE_WEIGHTS:
        x -= w
        if x <= 0:
            return n
    return 1


def announce(city, act, size, anns, rng):
    """Produce `size` announcements of act (revisions not counted in size)."""
    # the senders: host first, then co-hosts; extra announcements from the host's second desk
    senders = [act.host] + [l for l, _ in act.cohosts]
    plan = []
    for i in range(size):
        if i < len(senders):
            plan.append((senders[i], "first"))
        else:
            plan.append((rng.choice(senders[:2]), "twice"))
    lead_days = rng.randint(2, 20)
    base_pub = act.start - timedelta(days=lead_days, hours=rng.randint(0, 10))
    connector = None
    if act.cohosts and size >= 2:
        # someone lists everyone; sometimes that one arrives last
        connector = rng.randrange(size)
    connector_last = connector is not None and rng.random() < 0.4
    tool = {lib: rng.choice(["plain", "plain", "plain", "wx", "ics", "xlsx", "oldtool"]) for lib in senders}
    made = []
    for i, (sender, why) in enumerate(plan):
        pub = base_pub + timedelta(hours=rng.randint(0, 72) + 3 * i, minutes=rng.randint(0, 59))
        kw = {}
        if i == connector:
            kw["organizers"] = "all"
            if connector_last:
                pub = base_pub + timedelta(days=lead_days - 1 if lead_days > 2 else 1, hours=rng.randint(1, 12))
        else:
            kw["organizers"] = rng.choice(["none", "none", "host_self", "self"]) if act.cohosts else rng.choice(["none", "self"])
        style = tool[sender]
        clerk = city.by_id[sender]["tier"] == "service_point" and rng.random() < 0.5
        report = False
        if size >= 2 and i == size - 1 and rng.random() < 0.12:
            report = True
            pub = act.end + timedelta(days=rng.randint(0, 3), hours=rng.randint(1, 6))
        online = act.category == "lecture" and sender != act.host and rng.random() < 0.08 and not act.place_matters
        if why == "twice":
            style = "desk2" if style != "desk2" else "plain"
        a = build(city, act, sender, rng, pub, style=style, clerk=clerk, report=report, online=online, **kw)
        if why == "twice":
            a.var.append("same_library_twice")
            if rng.random() < 0.5 and not a.obj.get("all_day"):
                st = datetime.fromisoformat(a.obj["starts_at"]) + timedelta(minutes=rng.choice([-10, 10]))
                a.obj["starts_at"] = iso(st)
                if datetime.fromisoformat(a.obj["ends_at"]) < st:
                    a.obj["ends_at"] = iso(st)
                a.var.append("twice_start_10min")
        if connector_last and i == connector:
            a.var.append("connector_arrives_last")
        if report:
            a.var.append("after_event_report")
        made.append(a)
    # revisions of one announcement
    if rng.random() < 0.08 and made:
        orig = rng.choice(made)
        if not orig.obj.get("all_day") and "after_event_report" not in orig.var:
            rev = Ann(act, orig.sender, orig.published + timedelta(hours=rng.randint(3, 48)))
            rev.obj = json.loads(json.dumps(orig.obj))
            rev.obj["revision"] = 2
            rev.var = ["revision_same_source_ref"]
            choice = rng.random()
            if choice < 0.4:
                rev.obj["title"] = rev.obj["title"].replace("（报名中）", "（已满员）") if "（报名中）" in rev.obj["title"] else rev.obj["title"] + "（更新）"
            elif choice < 0.7:
                rev.obj["starts_at"] = iso(act.start.astimezone(datetime.fromisoformat(orig.obj["starts_at"]).tzinfo))
                rev.obj["ends_at"] = iso(act.end.astimezone(datetime.fromisoformat(orig.obj["starts_at"]).tzinfo))
                rev.var.append("revision_corrects_time")
            else:
                rev.obj["venue"] = {"name": city.by_id[act.room_lib]["name"] + "".join(act.room)} if not act.outdoor else {"name": act.outdoor}
                rev.var.append("revision_changes_venue_text")
            made.append(rev)
    anns.extend(made)
    return made


def postpone(city, act, anns, rng):
    """The host announces, then cancels that entry and re-announces on a new date (same label)."""
    first = build(city, act, act.host, rng, act.start - timedelta(days=rng.randint(8, 15)), organizers="none")
    cancel = Ann(act, act.host, first.published + timedelta(days=rng.randint(2, 5)))
    cancel.obj = json.loads(json.dumps(first.obj))
    cancel.obj["revision"] = 2
    cancel.obj["status"] = "cancelled"
    cancel.var = ["revision_cancelled_for_postponement"]
    old = act.start
    shift = rng.choice([7, 14, 21])
    new_start = old + timedelta(days=shift)
    act.start = new_start
    act.postponed_to = new_start
    camps = city.campaign_for(new_start.date())
    if act.campaign and act.campaign not in camps:
        act.campaign = camps[0] if camps else None
    again = build(city, act, act.host, rng, cancel.published + timedelta(hours=rng.randint(1, 30)), organizers="none")
    again.obj["title"] = rng.choice(["【延期】", "【改期通知】", "（延期举办）"]) + again.obj["title"] if rng.random() < 0.6 else again.obj["title"] + "（延期）"
    again.obj["description"] = f"原定于{md(old.date())}举办的活动因故延期至{md(new_start.date())}，地点不变。" + (again.obj.get("description") or "")
    again.var.append("postponed_reannouncement")
    out = [first, cancel, again]
    if act.cohosts and rng.random() < 0.6:
        co = act.cohosts[0][0]
        out.append(build(city, act, co, rng, again.published + timedelta(hours=rng.randint(2, 40)), organizers="host_self"))
        out[-1].var.append("cohost_after_postponement")
    anns.extend(out)
    return out


# ----------------------------------------------------------------------------------------
# Activity generation by family
# ----------------------------------------------------------------------------------------


class Gen:
    def __init__(self, spec, seed):
        self.rng = random.Random(seed)
        self.city = City(spec, self.rng)
        self.anns = []
        self.n = 0
        self.families = Counter()

    def label(self, fam):
        self.n += 1
        return f"{self.city.spec['key'][-1]}{self.n:05d}"

    def rand_day(self, lo=(1, 5), hi=(12, 20)):
        start = date(YEAR, *lo)
        end = date(YEAR, *hi)
        return start + timedelta(days=self.rng.randint(0, (end - start).days))

    def rand_hour(self):
        return self.rng.choice([(9, 0), (9, 30), (10, 0), (14, 0), (14, 30), (15, 0), (19, 0), (9, 0), (14, 30), (15, 30), (16, 0), (10, 30)])

    def cohosts_for(self, lib, k):
        nb = self.city.neighbours(lib)
        self.rng.shuffle(nb)
        roles = ["organiser", "co_organiser", "co_organiser", "participant"]
        return [(l, self.rng.choice(roles)) for l in nb[:k]]

    def room_for(self, lib, category):
        rooms = self.city.rooms(lib)
        pref = {"children": ["少儿阅览室", "亲子绘本馆", "少儿区", "活动室", "书屋"],
                "parent_child": ["亲子绘本馆", "少儿阅览室", "少儿区", "活动室", "书屋"],
                "exhibition": ["展厅", "大厅", "阅览室", "文化广场"],
                "lecture": ["报告厅", "多功能厅", "会议室", "活动室", "书屋"],
                "accessibility": ["视障阅览室", "多功能厅", "会议室", "活动室"],
                "digital": ["电子阅览室", "大厅", "活动室"], "training": ["电子阅览室", "会议室", "多功能厅", "活动室", "书屋"]}
        names = [r for r in rooms if r[1] in pref.get(category, [])]
        if names and self.rng.random() < 0.8:
            return self.rng.choice(names)
        return self.rng.choice(rooms)

    def plain(self, fam="independent"):
        c = self.city
        rng = self.rng
        for _ in range(200):
            host = rng.choice(c.static)["id"]
            core, cat, aud = rng.choice(c.pool)
            day = self.rand_day()
            hh, mm = self.rand_hour()
            start = cst(day, hh, mm)
            room = self.room_for(host, cat)
            minutes = rng.choice([60, 90, 120])
            multi = 0
            if cat == "exhibition":
                multi = rng.choice([7, 14, 20, 30])
                start = cst(day, 9)
                minutes = 8 * 60
            if c.free(host, room, start, minutes + multi * 1440) and not c.title_taken(host, core, start.date()):
                break
        brand = None
        if c.brand_by_lib.get(host) and rng.random() < 0.5:
            brand = rng.choice(c.brand_by_lib[host])
            cat = brand["category"] if rng.random() < 0.5 else cat
        size = pick_size(rng)
        cohosts = self.cohosts_for(host, max(0, size - 1 - (1 if rng.random() < 0.2 else 0))) if size > 1 else (
            self.cohosts_for(host, 1) if rng.random() < 0.2 else [])
        partners = rng.sample(c.spec["partners"], rng.choice([0, 0, 1, 2]))
        speaker = rng.choice(c.spec["speakers"]) if cat in ("lecture", "salon", "training") and rng.random() < 0.6 else None
        act = Activity(c, self.label(fam), host, core, cat, aud, start, minutes, host, room, fam, brand=brand,
                       cohosts=cohosts, partners=partners, multi_day=multi, speaker=speaker)
        c.titles.add((host, core, start.date()))
        c.occupy(host, room, start, minutes + multi * 1440, act.label)
        self.families[fam] += 1
        if rng.random() < 0.025:
            postpone(c, act, self.anns, rng)
            c.occupy(host, room, act.start, minutes, act.label)
        else:
            announce(c, act, size, self.anns, rng)
        return act

    def mk(self, fam, host, core, cat, aud, start, minutes, room_lib, room, size=None, occupy=True, **kw):
        c = self.city
        size = size or pick_size(self.rng)
        if "cohosts" not in kw:
            kw["cohosts"] = self.cohosts_for(host, size - 1) if size > 1 else []
        act = Activity(c, self.label(fam), host, core, cat, aud, start, minutes, room_lib, room, fam, **kw)
        c.titles.add((room_lib, core, start.date()))
        if room and occupy:
            c.occupy(room_lib, room, start, minutes, act.label)
        self.families[fam] += 1
        announce(c, act, size, self.anns, self.rng)
        return act

    def free_slot(self, lib, room, minutes, days=1, tries=300, hours=None, day_pred=None):
        for _ in range(tries):
            day = self.rand_day()
            if day_pred and not day_pred(day):
                continue
            hh, mm = self.rng.choice(hours) if hours else self.rand_hour()
            st = cst(day, hh, mm)
            if all(self.city.free(lib, room, st + timedelta(days=7 * k), minutes) for k in range(days)):
                return st
        return None

    # -- look-alike families --------------------------------------------------------------
    def weekly_series(self):
        """The same brand/series, same room, same hour, consecutive weeks; sometimes the same title."""
        c, rng = self.city, self.rng
        host = rng.choice([b["library_id"] for b in c.brands])
        brand = rng.choice(c.brand_by_lib[host])
        room = self.room_for(host, brand["category"])
        k = rng.randint(3, 6)
        st = self.free_slot(host, room, 90, days=k, hours=[(9, 30), (10, 0), (14, 30), (15, 0)])
        if st is None:
            return
        numbered = rng.random() < 0.6
        first_no = rng.randint(3, 40)
        same_core = rng.choice([c2 for c2 in c.pool if c2[1] in (brand["category"], "children", "lecture", "reading_club")])
        for i in range(k):
            s = st + timedelta(days=7 * i)
            if numbered:
                core = rng.choice(c.pool)[0] if rng.random() < 0.5 else same_core[0]
                keep = f"第{first_no + i}期"
            else:
                core, keep = same_core[0], f"{md(s.date())}场"
            self.mk("weekly_series", host, core, brand["category"], same_core[2], s, 90, host, room, brand=brand, keep=keep)

    def multi_branch(self):
        """One programme at several branches at the same hour (place distinguishes)."""
        c, rng = self.city, self.rng
        parents = [m["id"] for m in c.members if len([x for x in c.children[m["id"]] if c.by_id[x]["tier"] in ("branch", "service_point")]) >= 2]
        central = c.members[0]["id"]
        libs = [x for x in c.static if x["tier"] in ("branch", "service_point", "district", "county")]
        chosen = rng.sample(libs, rng.randint(3, 4))
        core, cat, aud = rng.choice([p for p in c.pool if p[1] in ("children", "parent_child", "training", "digital", "outreach")])
        for _ in range(100):
            st = cst(self.rand_day(), *rng.choice([(9, 30), (10, 0), (15, 0)]))
            rooms = [self.room_for(l["id"], cat) for l in chosen]
            if all(c.free(l["id"], r, st, 90) for l, r in zip(chosen, rooms)):
                break
        else:
            return
        series = rng.choice(["全市联动", "“同读一本书”联动", "总分馆同步开展", "联盟同步"])
        ids = [l["id"] for l in chosen]
        for l, r in zip(chosen, rooms):
            size = min(pick_size(rng), 3)
            co = [(central, "organiser")] if central not in ids else []
            if l["parent"] and l["parent"] not in ids and l["parent"] != central:
                co.append((l["parent"], "co_organiser"))
            self.mk("multi_branch_same_hour", l["id"], f"{core}（{series}）", cat, aud, st, 90, l["id"], r,
                    size=size, place_matters=True, cohosts=co[: size - 1])
        del parents

    def parallel_sessions(self):
        """Parallel sessions in one building: different rooms, group words differ."""
        c, rng = self.city, self.rng
        host = rng.choice([m for m in c.members if m["tier"] in ("central", "district")])["id"]
        rooms = c.rooms(host)
        k = rng.randint(2, 3)
        st = None
        for _ in range(100):
            cand = rng.sample(rooms, k)
            s = cst(self.rand_day(), *rng.choice([(9, 0), (14, 30), (15, 0)]))
            if all(c.free(host, r, s, 90) for r in cand):
                st = s
                break
        if st is None:
            return
        theme = rng.choice(["暑期少儿阅读营", "读书月分享会", "周末阅读课堂", "寒假亲子阅读会"])
        groups = rng.choice([["低龄组（3-6岁）", "高龄组（7-12岁）", "家长课堂"], ["A组", "B组", "C组"], ["绘本组", "科普组", "国学组"]])
        for r, g in zip(cand, groups):
            self.mk("parallel_sessions", host, f"{theme}·{g}", "children" if "家长" not in g else "parent_child", "少儿及家长",
                    st, 90, host, r, keep=g, place_matters=False)

    def first_second(self):
        """第一场/第二场 an hour apart, same room, same title except the 场次 word."""
        c, rng = self.city, self.rng
        host = rng.choice(c.static)["id"]
        core, cat, aud = rng.choice([p for p in c.pool if p[1] in ("children", "parent_child", "screening", "digital", "accessibility")])
        room = self.room_for(host, cat)
        st = self.free_slot(host, room, 180, hours=[(9, 0), (14, 0), (14, 30)])
        if st is None:
            return
        words = rng.choice([("第一场", "第二场"), ("第1场", "第2场"),
                            ("上午第一场", "上午第二场") if st.hour < 11 else ("下午第一场", "下午第二场")])
        for i, w in enumerate(words):
            s = st + timedelta(minutes=60 * i)
            self.mk("first_second_session", host, core, cat, aud, s, 50, host, room, keep=w, occupy=False)
        c.occupy(host, room, st, 120, "fs")

    def same_hall_later(self):
        """Another event in the same hall later that day."""
        c, rng = self.city, self.rng
        host = rng.choice([m for m in c.members if m["tier"] in ("central", "district", "county")])["id"]
        room = rng.choice([r for r in c.rooms(host) if r[1] in ("多功能厅", "报告厅", "会议室", "大厅")])
        st = self.free_slot(host, room, 600, hours=[(9, 0), (9, 30)])
        if st is None:
            return
        a, b = rng.sample([p for p in c.pool if p[1] in ("lecture", "salon", "reading_club", "training", "screening")], 2)
        self.mk("same_hall_later_that_day", host, a[0], a[1], a[2], st, 90, host, room, occupy=False)
        self.mk("same_hall_later_that_day", host, b[0], b[1], b[2], st + timedelta(hours=rng.choice([5, 5.5, 6])), 90, host, room,
                occupy=False)
        c.occupy(host, room, st, 600, "sh")

    def same_book(self):
        """The same book read at different months or libraries."""
        c, rng = self.city, self.rng
        book = rng.choice(BOOKS)
        fmt = rng.choice(["共读{b}", "{b}读书分享会", "亲子共读{b}", "{b}导读"])
        used = set()
        for _ in range(rng.randint(2, 4)):
            host = rng.choice(c.static)["id"]
            room = self.room_for(host, "reading_club")
            st = self.free_slot(host, room, 90, day_pred=lambda d: d.month not in used)
            if st is None:
                continue
            used.add(st.month)
            self.mk("same_book_other_month_or_library", host, fmt.format(b=book), "reading_club", "读者", st, 90, host, room,
                    place_matters=True)

    # -- own families ---------------------------------------------------------------------
    def touring_exhibition(self):
        """(own) a touring exhibition (巡展): same title, consecutive stops at different libraries."""
        c, rng = self.city, self.rng
        core = rng.choice(["馆藏老照片巡展", "“书香家庭”风采巡展", "非遗文化图片巡展", "民法典宣传展板巡展", "红色家书巡展"])
        libs = rng.sample([m for m in c.members if m["tier"] != "service_point"], rng.randint(2, 4))
        day = self.rand_day(hi=(10, 1))
        for i, l in enumerate(libs):
            st = cst(day + timedelta(days=15 * i), 9)
            room = self.room_for(l["id"], "exhibition")
            self.mk("touring_exhibition(own)", l["id"], f"{core}（{l['abbrs'][0] if len(l['abbrs'][0]) > 2 else l['name']}站）",
                    "exhibition", "公众", st, 8 * 60, l["id"], room, multi_day=12, place_matters=True,
                    cohosts=[(c.members[0]["id"], "organiser")] if l["id"] != c.members[0]["id"] and rng.random() < 0.5 else [])

    def contest_stages(self):
        """(own) stages of one contest: 初赛/复赛/决赛 (or 启动仪式/颁奖典礼) are different activities."""
        c, rng = self.city, self.rng
        host = rng.choice([m for m in c.members if m["tier"] in ("central", "district", "county")])["id"]
        name = rng.choice(["青少年经典诵读大赛", "“书香家庭”讲故事比赛", "全民阅读知识竞赛", "少儿书法绘画大赛", "职工读书征文比赛"])
        stages = rng.choice([["初赛", "复赛", "决赛"], ["启动仪式", "颁奖典礼"], ["海选", "决赛"]])
        day = self.rand_day(hi=(10, 15))
        room = rng.choice([r for r in c.rooms(host) if r[1] in ("多功能厅", "报告厅", "大厅", "会议室")])
        for i, stg in enumerate(stages):
            st = cst(day + timedelta(days=14 * i + rng.randint(0, 4)), 9, 0)
            if not c.free(host, room, st, 180):
                continue
            self.mk("contest_stages(own)", host, f"{YEAR}年{c.spec['city']}{name}", "contest", "中小学生", st, 180, host, room, keep=stg)

    def festival_day(self):
        """(own) a traditional festival: many libraries hold near-identical activities the same day."""
        c, rng = self.city, self.rng
        if c.spec["key"] == "city_r":
            opts = [(date(YEAR, 4, 19), "三月三", "“三月三”民族文化阅读活动"), (date(YEAR, 7, 19), "六月六", "“六月六”布依风情读书会"),
                    (date(YEAR, 3, 3), "元宵", "元宵节猜灯谜"), (date(YEAR, 6, 19), "端午", "端午节包粽子·读诗词")]
        else:
            opts = [(date(YEAR, 3, 3), "元宵", "元宵节猜灯谜"), (date(YEAR, 6, 19), "端午", "端午节包粽子·读诗词"),
                    (date(YEAR, 9, 25), "中秋", "“月圆书香”中秋诗会"), (date(YEAR, 2, 14), "小年", "写春联送福字")]
        day, _, core = rng.choice(opts)
        libs = rng.sample(c.static, rng.randint(3, 5))
        for l in libs:
            room = self.room_for(l["id"], "parent_child")
            hh, mm = rng.choice([(9, 0), (9, 30), (10, 0), (14, 30)])
            st = cst(day, hh, mm)
            if not c.free(l["id"], room, st, 120) or c.title_taken(l["id"], core, day):
                continue
            par = l["parent"]
            co = [(par, "co_organiser")] if par and par not in [x["id"] for x in libs] else []
            self.mk("festival_same_day_many_libraries(own)", l["id"], core, "parent_child" if "灯" in core or "粽" in core else "festival",
                    "公众", st, 120, l["id"], room, place_matters=True, cohosts=co, size=min(pick_size(rng), 1 + len(co) + 1))

    def mobile_stops(self):
        """(own) the mobile library / 送书下乡 van: same title, a different village or community each stop."""
        c, rng = self.city, self.rng
        van = [m for m in c.members if "流动图书车" in m["abbrs"]][0]
        villages = (["光明社区", "站前社区", "胜利社区", "建设社区", "和平社区", "红星村", "前进村"] if c.spec["key"] == "city_q"
                    else ["茶山村", "高坡村", "岩脚村", "新城安置点", "坝镇集市", "九寨乡中心校", "白岩镇敬老院"])
        core = rng.choice(["流动图书车进社区", "送书下乡", "图书大篷车开进来了"])
        stops = rng.sample(villages, rng.randint(3, 4))
        day = self.rand_day(hi=(12, 1))
        for i, v in enumerate(stops):
            st = cst(day + timedelta(days=i * rng.choice([1, 2, 7])), rng.choice([9, 10, 14]), 0)
            act = self.mk("mobile_library_stops(own)", van["id"], f"{core}·{v}站", "outreach", "基层群众", st, 150, van["id"], None,
                          outdoor=f"{v}{rng.choice(['文化广场', '村委会门前', '活动中心'])}", place_matters=True, keep=f"{v}站")
            del act

    def live_and_replay(self):
        """(own) a lecture streamed live (a co-host may post only the stream) vs its 回放 screening a week later."""
        c, rng = self.city, self.rng
        host = c.members[0]["id"]
        brand = c.brand_by_lib[host][0]
        room = ("四楼", "报告厅") if c.spec["key"] == "city_q" else ("三楼", "多功能厅")
        st = self.free_slot(host, room, 120, hours=[(14, 30), (15, 0), (9, 30)])
        if st is None:
            return
        core = rng.choice([p for p in c.pool if p[1] == "lecture"])[0]
        sp = rng.choice(c.spec["speakers"])
        live = self.mk("live_vs_replay(own)", host, core, "lecture", "成人", st, 120, host, room, brand=brand, speaker=sp, keep="现场")
        # a co-host posts only the online stream of the same lecture
        other = rng.choice([m["id"] for m in c.members if m["tier"] in ("district", "county")])
        a = build(c, live, other, rng, st - timedelta(days=1, hours=rng.randint(1, 8)), organizers="host_self", online=True)
        a.obj["title"] = f"{a.obj['title']}（线上同步直播）"
        a.var.append("online_copy_of_live_lecture(own)")
        self.anns.append(a)
        # the replay shown at a branch a week later: a different activity
        br = rng.choice([m for m in c.members if m["tier"] == "branch"])
        r2 = self.room_for(br["id"], "lecture")
        st2 = st + timedelta(days=7)
        if c.free(br["id"], r2, st2, 120):
            self.mk("live_vs_replay(own)", br["id"], f"{core}（录像回放）", "screening", "成人", st2, 120, br["id"], r2,
                    brand=None, keep="回放", place_matters=True)

    def speaker_tour(self):
        """(own) one speaker, one talk, several libraries on consecutive days (宣讲团巡讲)."""
        c, rng = self.city, self.rng
        sp = rng.choice(c.spec["speakers"])
        core = rng.choice([p for p in c.pool if p[1] == "lecture"])[0]
        libs = rng.sample([m for m in c.members if m["tier"] in ("district", "county", "branch")], rng.randint(2, 4))
        day = self.rand_day(hi=(12, 1))
        for i, l in enumerate(libs):
            room = self.room_for(l["id"], "lecture")
            st = cst(day + timedelta(days=i), rng.choice([9, 15]), 0 if rng.random() < 0.5 else 30)
            if not c.free(l["id"], room, st, 90):
                continue
            self.mk("speaker_tour(own)", l["id"], f"{core}——{sp}巡回宣讲", "lecture", "成人", st, 90, l["id"], room,
                    speaker=sp, place_matters=True, cohosts=[(c.members[0]["id"], "organiser")] if rng.random() < 0.6 else [])

    def series_entry(self):
        """(own) a course announced once as a recurring series (RRULE) by its host and again by a co-host."""
        c, rng = self.city, self.rng
        host = rng.choice([m for m in c.members if m["tier"] in ("district", "county", "central")])["id"]
        core = rng.choice(["少儿编程入门班", "暑期书法兴趣班", "老年人智能手机课堂", "少儿绘本创作营", "周末国学课堂"])
        room = self.room_for(host, "training")
        k = rng.randint(4, 8)
        st = self.free_slot(host, room, 90, days=k, hours=[(9, 0), (14, 0), (15, 0)])
        if st is None:
            return
        act = Activity(c, self.label("s"), host, core, "training", "读者", st, 90, host, room, "recurring_series_entry(own)",
                       cohosts=self.cohosts_for(host, 1))
        for i in range(k):
            c.occupy(host, room, st + timedelta(days=7 * i), 90, act.label)
        self.families["recurring_series_entry(own)"] += 1
        for j, sender in enumerate([host, act.cohosts[0][0]][: rng.randint(1, 2)]):
            a = build(c, act, sender, rng, st - timedelta(days=rng.randint(3, 12)), organizers="host_self" if j else "none",
                      allow_shift=False)
            a.obj["starts_at"] = iso(st)
            a.obj["ends_at"] = iso(st + timedelta(minutes=90))
            a.obj.pop("all_day", None)
            a.obj["recurrence"] = f"FREQ=WEEKLY;COUNT={k}"
            if j == 0 and rng.random() < 0.5:
                a.obj["exdates"] = [iso(st + timedelta(days=7 * (k - 1)))]
            a.obj["title"] = f"{core}（共{k}次课）" if rng.random() < 0.5 else core
            a.var.append("recurring_series")
            self.anns.append(a)

    def county_batch_import(self):
        """(own) a county library imports a month of its township stations' activities from a spreadsheet:
        date only, station name as venue, on behalf of the station; the station posts some itself."""
        c, rng = self.city, self.rng
        pts = [m for m in c.members if m["tier"] == "service_point" and "流动" not in m["abbrs"][0]]
        p = rng.choice(pts)
        county = p["parent"]
        while c.by_id[county]["tier"] not in ("county", "district"):
            county = c.by_id[county]["parent"]
        month = rng.randint(1, 12)
        for _ in range(rng.randint(2, 4)):
            core, cat, aud = rng.choice([x for x in c.pool if x[1] in ("training", "children", "outreach", "reading_club", "screening")])
            day = date(YEAR, month, rng.randint(1, 28))
            room = rng.choice(c.rooms(p["id"]))
            st = cst(day, rng.choice([9, 10, 14, 15]), 0)
            if not c.free(p["id"], room, st, 120) or c.title_taken(p["id"], core, day):
                continue
            act = Activity(c, self.label("b"), p["id"], core, cat, aud, st, 120, p["id"], room, "county_batch_import(own)")
            c.occupy(p["id"], room, st, 120, act.label)
            self.families["county_batch_import(own)"] += 1
            imp = build(c, act, county, rng, datetime(YEAR, month, 1, 9, tzinfo=CST) - timedelta(days=3), style="xlsx",
                        on_behalf=True, allow_shift=False, clerk=True, decorate=False)
            imp.obj["venue"] = {"name": p["name"]}
            imp.var.append("batch_import_date_only(own)")
            self.anns.append(imp)
            if rng.random() < 0.6:
                own = build(c, act, p["id"], rng, st - timedelta(days=rng.randint(1, 5)), organizers="none")
                self.anns.append(own)


def run_city(spec, seed, target):
    g = Gen(spec, seed)
    fams = [g.weekly_series] * 10 + [g.multi_branch] * 8 + [g.parallel_sessions] * 8 + [g.first_second] * 10 + \
           [g.same_hall_later] * 12 + [g.same_book] * 8 + [g.touring_exhibition] * 4 + [g.contest_stages] * 5 + \
           [g.festival_day] * 4 + [g.mobile_stops] * 5 + [g.live_and_replay] * 6 + [g.speaker_tour] * 5 + \
           [g.series_entry] * 6 + [g.county_batch_import] * 8
    g.rng.shuffle(fams)
    for f in fams:
        f()
    while len(g.anns) < target:
        g.plain()
    return g


# ----------------------------------------------------------------------------------------
# Output
# ----------------------------------------------------------------------------------------


def toml_str(s):
    return json.dumps(s, ensure_ascii=False)


def alliance_toml(g):
    c = g.city
    spec = c.spec
    L = [f"# {spec['alliance']['name']}: invented for holdout 7 (generate_holdout7.py). Not a real alliance.",
         "[alliance]", f"id = {toml_str(spec['alliance']['id'])}", f"name = {toml_str(spec['alliance']['name'])}",
         f"name_en = {toml_str(spec['alliance']['name_en'])}", 'timezone = "Asia/Shanghai"', ""]
    for m in c.members:
        L += ["[[members]]", f"id = {toml_str(m['id'])}", f"name = {toml_str(m['name'])}"]
        if m["name_en"]:
            L.append(f"name_en = {toml_str(m['name_en'])}")
        L.append(f"tier = {toml_str(m['tier'])}")
        if m["parent"]:
            L.append(f"parent = {toml_str(m['parent'])}")
        L += [f"address = {toml_str(m['address'])}", ""]
    for m in c.members:
        if not m["directory"]:
            continue
        for floor, room in c.rooms(m["id"]):
            aliases = [f"{m['name']}{floor}{room}", f"{m['name']}{room}", f"{m['abbrs'][0]}{floor}{room}", f"{m['abbrs'][0]}{room}"]
            aliases = [a for a in dict.fromkeys(aliases) if a != room]
            L += ["[[venues]]", f"id = {toml_str(m['id'] + '-' + ROOM_SLUG[room])}", f"library_id = {toml_str(m['id'])}",
                  f"name = {toml_str(room)}", "aliases = [" + ", ".join(toml_str(a) for a in aliases) + "]",
                  f"address = {toml_str(m['address'])}", ""]
    for b in c.brands:
        L += ["[[brands]]", f"id = {toml_str(b['id'])}", f"name = {toml_str(b['name'])}", f"library_id = {toml_str(b['library_id'])}",
              f"since = {b['since']}", f"category = {toml_str(b['category'])}", f"keywords = [{toml_str(b['prefix'])}]", ""]
    for cp in c.campaigns:
        L += ["[[campaigns]]", f"id = {toml_str(cp['id'])}", f"name = {toml_str(cp['name'])}", f"starts_on = {cp['starts_on']}",
              f"ends_on = {cp['ends_on']}"]
        if cp.get("recurs_yearly", True) is False:
            L.append("recurs_yearly = false")
        L.append("")
    L += ["[[coordinators]]", 'id = "office"', f"name = {toml_str(spec['alliance']['name'] + '联盟办')}",
          f"email = {toml_str('office@' + spec['alliance']['id'] + '.example.cn')}", ""]
    return "\n".join(L)


def finish(g):
    c = g.city
    anns = sorted(g.anns, key=lambda a: (a.published, a.obj["library_id"], a.obj["source_ref"], a.obj["revision"]))
    lines = []
    for a in anns:
        obj = dict(a.obj)
        # campaign only where its window covers the announced start (local date)
        if "campaign_id" in obj:
            day = datetime.fromisoformat(obj["starts_at"]).astimezone(CST).date()
            if obj["campaign_id"] not in [x["id"] for x in c.campaign_for(day)]:
                del obj["campaign_id"]
        if "brand_id" in obj and c.brands and obj["brand_id"] not in [b["id"] for b in c.brand_by_lib[obj["library_id"]]]:
            del obj["brand_id"]
        obj["label"] = a.act.label
        lines.append(json.dumps(obj, ensure_ascii=False))
    return anns, lines


def stats(g, anns):
    groups = Counter(a.act.label for a in anns)
    hist = Counter(groups.values())
    variations = Counter()
    for a in anns:
        for v in dict.fromkeys(a.var):
            variations[v] += 1
    fam = Counter()
    for act in g.city.activities:
        if act.label in groups:
            fam[act.family] += 1
    return {
        "announcements": len(anns),
        "activities": len(groups),
        "true_pairs": sum(n * (n - 1) // 2 for n in groups.values()),
        "group_size_histogram": {str(k): hist[k] for k in sorted(hist)},
        "variations (announcements carrying each)": dict(sorted(variations.items())),
        "activities per family": dict(sorted(fam.items())),
    }


def main():
    summary = {"seed": SEED, "cities": {}}
    for i, spec in enumerate([CITY_Q, CITY_R]):
        g = run_city(spec, SEED + i * 1000, 2000)
        anns, lines = finish(g)
        d = OUT / spec["key"]
        d.mkdir(parents=True, exist_ok=True)
        (d / "alliance.toml").write_text(alliance_toml(g), encoding="utf-8")
        (d / "eval.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        summary["cities"][spec["key"]] = dict(alliance=spec["alliance"]["name"], members=len(spec["members"]), **stats(g, anns))
    (OUT / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (OUT / "README.md").write_text(readme(summary), encoding="utf-8")


def readme(summary):
    rows = []
    for key, c in summary["cities"].items():
        hist = ", ".join(f"{k}: {v}" for k, v in c["group_size_histogram"].items())
        rows.append(f"| {key} | {c['alliance']} | {c['members']} | {c['announcements']} | {c['activities']} | "
                    f"{c['true_pairs']} | {hist} |")
    return README.replace("{TABLE}", "\n".join(rows))


README = '# Holdout 7: an independent labelled evaluation set for the announcement deduplicator\n\nTwo invented reading-promotion alliances, each with about 2,000 announcements of reading\nactivities in arrival (publication) order.  Every line of `city_*/eval.jsonl` is a wire-contract\nv1 `ActivitySubmission` plus one key, `"label"`: lines sharing a label announce the same real\nactivity; lines with different labels are different activities, however alike they look.\nEverything here is written by `generate_holdout7.py` (Python stdlib only, seed 20260707,\ndeterministic: two runs give byte-identical files).  It was written without seeing the\ndeduplicator, its tests, benchmarks or earlier holdouts.\n\n| city | alliance | members | announcements | activities | true pairs Σn(n−1)/2 | group sizes (size: activities) |\n|---|---|---|---|---|---|---|\n{TABLE}\n\nPer-variation and per-family counts are in `summary.json` ("variations" counts announcements\ncarrying each habit; "activities per family" counts activities).\n\n## The two alliances\n- **city_q, 鹤屯市** (invented northeastern industrial city): 市图书馆 as central; three district\n  libraries (钢都区, 红旗区, 北山区 — mining and steel districts) and two forest/rural counties\n  (松岭县, 白桦县); branches in a steelworks workers\' club (钢厂职工书屋), 工人村, 高新区, a\n  城市书房 in 劳动公园, a railway-station street office, a miners\' new village, a township and a\n  forest farm; service points: 农家书屋, a forest-farm 职工书屋, a 24-hour self-service library,\n  a community 书屋 and the 红旗区 mobile library van (流动图书车).  20 members.  Brands after the\n  seeds\' 一馆一品 (鹤城讲坛, 工人村故事会, 火车头读书会, 矿灯下的阅读, 林海书声, 快乐小板凳).\n  Campaigns: 网络书香过大年, 4·23 读书月, 服务宣传周, 少儿暑期阅读季, 鹤屯读书节 (September).\n- **city_r, 黔岭布依族苗族自治州** (invented southwestern mountainous prefecture): 州图书馆 as\n  central, a county-level city (岭城市) and four counties, two of them autonomous (罗河苗族自治县,\n  贞山布依族自治县); branches in a minority middle school, a 城市书房, a relocation-resettlement\n  community (易地扶贫搬迁安置点), a tea farm, a Miao culture branch, townships; service points:\n  乡镇综合文化站, 农家书屋, a resettlement community 书屋 and the 云雾县 mobile van.  20 members.\n  Brands: 黔岭大讲堂, 苗岭书香, 布依书院, 山里娃阅读营, 新市民课堂, 茶香读书会.  Campaigns as above\n  plus one-off windows for 三月三 and 六月六 (2026) and the 黔岭书香节 (November).\n- Only the central libraries (and 钢都区 / 盘江县) have a room directory (`[[venues]]` with\n  aliases); `venue_id` is used only when both the sending and the hosting library are in the\n  directory, and then only in about 60 % of announcements.  Free-text venues dominate.\n\n## How it is generated\n1. Look-alike families are laid out first (below), then independent activities until the city\n   has ~2,000 announcements.  A room-occupancy map keeps two activities out of the same room\n   within 2.5 h, and a (library, title, ±3 days) check keeps a library from holding two\n   same-titled activities within three days, so there are no accidental twins.  Where only a\n   场次/stage/group/station word tells look-alikes apart, that word is kept in every\n   announcement of them; where only the place tells them apart (`place_matters`), co-hosts must\n   name the hosting library (name, abbreviation or street address), never a bare room.\n2. Each activity gets a group size (1: ~45 %, 2: ~29 %, 3: ~14 %, 4: ~7 %, 5–7: ~4 %), a host and\n   co-hosts drawn from its tree neighbours (parent, siblings, children, central) with roles\n   host / organiser / co_organiser / participant, outside partners (schools, 社科联, 科协, unions,\n   army units, 残联) and sometimes a campaign whose window covers the start.\n3. Each sender renders it in its own words with its own tool; announcements are sorted by a\n   simulated publication time (2–20 days before the event, reports after it).\n4. A throw-away checker (not kept) validated every line with `ActivitySubmission.model_validate`,\n   loaded both alliance files with `shuxiang.alliance.load_alliance`, and checked members,\n   organisers, campaign windows (local date of the announced start), brand ownership, venue ids,\n   one label per (library_id, source_ref), distinct revisions per source_ref, and no identical\n   (title, venue, start) under two labels.\n\n## Duplicates modelled (same label)\n- Venues: full name; name + space + room; 区馆/县馆/市馆/州馆/分馆 abbreviations with or without\n  floor; room with floor, in brackets, or alone; library name alone; street address, with or\n  without room; vague (本馆, 馆内, 图书馆, 详见海报); clerk venues (本站, 文化站, 村委会二楼,\n  书屋); one-character typos (厅→听, 览→揽, 室→是, 功→工 …); a separate `address` field; outdoor\n  places written in several ways.\n- Co-hosts: one announcement lists everyone (connector); the others list nobody, only\n  themselves, or the host and themselves; in ~40 % of groups with a connector it arrives last.\n- Times: sign-in 15/20/30 min early, rounded to the hour, 30–60 min off, end missing (= start) or\n  different, date-only all-day from clerks; exhibitions as the whole period, all-day span, or\n  only the opening day; the same library twice 10 minutes apart.\n- Titles: 【联盟活动】【活动预告】【报名中】【本周活动】 prefixes; 欢迎参加, （报名中）,\n  （已满员）, 活动, 读书分享活动, （免费） suffixes; emoji; the brand before "：" dropped;\n  campaign prefixes 【4·23读书月】; report phrasing after the event (成功举办“…”, “…”圆满结束,\n  回顾｜…) with the attendance in the description.\n- The same library twice (a second desk, e.g. 少儿部, with its own source_ref style).\n- Revisions of one source_ref (title 报名中→已满员, time corrected, venue rewritten) and\n  postponements: entry → revision 2 `cancelled` → a new entry 【延期】/（延期） 7–21 days later whose\n  description names the original date; sometimes a co-host posts the new date afterwards.\n\n## Look-alikes modelled (different labels)\n- weekly series sessions of a brand, same room, same hour, consecutive weeks (第N期, or the same\n  title with the date as 场次 word);\n- one programme at 3–4 libraries the same hour (（全市联动）, （总分馆同步开展）…), place named;\n- parallel sessions in one building (低龄组/高龄组/家长课堂, A/B/C组, 绘本组/科普组/国学组);\n- 第一场/第二场 (第1场/第2场, 上午/下午第一场/第二场) one hour apart in the same room;\n- another event in the same hall 5–6 hours later that day;\n- the same book read in different months or at different libraries.\n\n## Own habits, channels and families ("(own)")\n- **title_wechat_date (own)** — WeChat 公众号 headline style: date and weekday in the title,\n  "速来围观！…｜6月15日", "…｜6月15日周六见".\n- **title_width_punct (own)** — full-width digits with half-width brackets and colon typed on a\n  phone IME.\n- **title_speaker (own)** — speaker-centred headlines: "王建国老师讲“…”", "…（主讲：…）".\n- **title_bilingual_note (own)** — announcements from the Miao and Buyi autonomous counties add\n  （苗汉双语）/（布依汉双语） to some titles.\n- **time_utc_offset (own)** — an ICS export tool writes the same instant in UTC (`…Z`/+00:00).\n- **role_v1_co_host (own)** — an old publishing tool still sends the v1 role `co_host`.\n- **venue_online_stream / online_copy_of_live_lecture (own)** — a co-host posts only the live\n  stream (腾讯会议 link, `online_url`) of a lecture held in the central library: same activity.\n- **county_batch_import (own)** — a county/district library imports a month of its township\n  stations\' activities from a spreadsheet (`导入-2026-MM.xlsx#rowN`): date only, station name as\n  venue, entered on behalf of the station (station host, county co_organiser), category often\n  "other"; the station sometimes posts the same activity itself with the hour.\n- **live_vs_replay (own)** — the live lecture (现场) and its 录像回放 screened at a branch a week\n  later are different activities.\n- **touring_exhibition (own)** — a 巡展 with the same title moving every 15 days from library to\n  library (…（高新区分馆站）): different activities.\n- **contest_stages (own)** — 初赛/复赛/决赛, 海选/决赛, 启动仪式/颁奖典礼 of one contest, same\n  hall, two weeks apart: different activities.\n- **festival_same_day_many_libraries (own)** — 元宵猜灯谜, 端午, 中秋诗会, 写春联, 三月三, 六月六:\n  several libraries hold the identically titled activity on the festival day.\n- **mobile_library_stops (own)** — the 流动图书车/送书下乡 van: same title, a different village or\n  community each stop (…·高坡村站), outdoors.\n- **speaker_tour (own)** — one speaker gives one talk (…——某某巡回宣讲) at 2–4 libraries on\n  consecutive days.\n- **recurring_series_entry (own)** — a course announced once as an RRULE series\n  (`FREQ=WEEKLY;COUNT=k`, sometimes with an `exdates` entry) by its host and again by a co-host.\n\n## Independence statement\nWritten without reading the deduplicator or anything about it.  Files read (only these):\n- `/work/shared/DOMAIN.md` (whole);\n- `/work/shared/seeds/002_9330a2ebc2fe0bcb.txt` (first 6,000 bytes); `grep` of quoted phrases\n  (“…”) over `000_…`, `001_…`, `003_…`, `004_…`; `grep` of activity/brand keywords over `003_…`,\n  `000_…`, `004_…`, `001_…` (matching lines, truncated); `head -c 3000` of `000_…`;\n- `/work/main/schemas/submission.py` (whole), `/work/main/schemas/bounds.py` (first 150 lines),\n  `/work/main/schemas/sessions.py` (first 80 lines);\n- `/work/main/shuxiang/alliance.py` (printed whole, with lines 422–723 elided by the tool, then a\n  `grep` of field lines in 422–560 for the Alliance/Coordinator models);\n- `/work/main/tests/data/alliance.toml` (whole).\nDirectory listings: `ls /work/shared/ /work/shared/seeds/` (names DESIGN.md, STYLE.md, hooks were\nshown; not opened) and `ls /work/main/schemas /work/main/shuxiang`.\nCommands run: `date -u`, `cat`, `head`, `sed -n`, `grep`, `wc`, `ls` on the files above;\n`python3 generate_holdout7.py` (repeatedly) and `md5sum` to check byte-identical reruns; small\ninline Python edits of the generator; a throw-away checker run on stdin with\n`/work/main/.venv/bin/python` that imports `shuxiang.schemas.submission.ActivitySubmission` and\n`shuxiang.alliance.load_alliance` and reads only files in /work/holdout7; a stdlib Python\nnear-twin check that imports this generator.  Nothing under `/work/main/services/`, other files\nof `/work/main/tests/`, `bench/`, `docs/`, the project README, git history, /tmp or other /work\ndirectories was read or listed; no matcher or `shuxiang dedup` command was run; no test suite\nwas run; nothing outside /work/holdout7 was written.\n'

if __name__ == "__main__":
    main()
