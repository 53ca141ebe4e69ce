#!/usr/bin/env python3
"""Holdout set 13 for the activity deduplicator: two invented alliances (city_cc, city_dd).

Python stdlib only, fixed seed, deterministic.  Writes, next to this file:
city_cc/alliance.toml, city_cc/eval.jsonl, city_dd/alliance.toml, city_dd/eval.jsonl, summary.json.
Each eval line is a wire-contract v1 ActivitySubmission plus one extra key "label".
"""

import json
import os
import random
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta, timezone

OUT = os.path.dirname(os.path.abspath(__file__))
TZ = timezone(timedelta(hours=8))
UTC = timezone.utc
SEED = 20261205

# ----------------------------------------------------------------------------------------------
# Alliances
# ----------------------------------------------------------------------------------------------

CITY_CC = {
    "key": "city_cc",
    "alliance": ("hancheng", "韩原古城阅读推广联盟", "Hanyuan Historic City Reading Alliance"),
    "prefix": "hy",
    "members": [
        # id, name, tier, parent, short names (abbreviations clerks use), address
        ("hy-central", "韩原市图书馆", "central", None, ["市图", "市馆", "市图书馆", "韩原图书馆"], "韩原市金城大道168号"),
        ("hy-jc", "金城区图书馆", "district", "hy-central", ["区馆", "区图", "金城区馆", "金城图书馆"], "金城区新城路22号"),
        ("hy-ly", "龙亭区图书馆", "district", "hy-central", ["区馆", "龙亭区图", "龙亭馆"], "龙亭区太史大街9号"),
        ("hy-zy", "芝阳县图书馆", "county", "hy-central", ["县馆", "芝阳县馆", "县图书馆"], "芝阳县文化路56号"),
        ("hy-museum", "韩原市博物馆", "branch", "hy-central", ["市博", "博物馆"], "韩原市古城东街3号"),
        ("hy-shuyuan", "龙门书院", "branch", "hy-central", ["书院", "龙门书院讲堂"], "龙亭区书院街1号"),
        ("hy-wenmiao", "文庙国学分馆", "branch", "hy-central", ["文庙分馆", "文庙"], "韩原市学巷12号"),
        ("hy-jc-b1", "金城区图书馆新城分馆", "branch", "hy-jc", ["新城分馆", "分馆"], "金城区新城街道向阳路5号"),
        ("hy-jc-b2", "金城区图书馆象山分馆", "branch", "hy-jc", ["象山分馆", "分馆"], "金城区象山路88号"),
        ("hy-jc-sf", "金城区古城城市书房", "service_point", "hy-jc", ["古城书房", "城市书房"], "金城区隍庙巷17号"),
        ("hy-ly-b1", "龙亭区图书馆西庄分馆", "branch", "hy-ly", ["西庄分馆"], "龙亭区西庄镇政府院内"),
        ("hy-ly-sp1", "龙亭区党家村农家书屋", "service_point", "hy-ly-b1", ["党家村书屋", "农家书屋"], "龙亭区西庄镇党家村"),
        ("hy-zy-b1", "芝阳县图书馆芝川分馆", "branch", "hy-zy", ["芝川分馆"], "芝阳县芝川镇司马路3号"),
        ("hy-zy-b2", "芝阳县图书馆龙门镇分馆", "branch", "hy-zy", ["龙门镇分馆"], "芝阳县龙门镇龙门街"),
        ("hy-zy-sp1", "芝阳县薛峰村农家书屋", "service_point", "hy-zy-b1", ["薛峰书屋", "农家书屋"], "芝阳县芝川镇薛峰村"),
        ("hy-zy-sp2", "芝阳县高门村农家书屋", "service_point", "hy-zy-b2", ["高门书屋", "农家书屋"], "芝阳县龙门镇高门村"),
        ("hy-univ", "韩原学院图书馆", "branch", "hy-central", ["学院图书馆", "韩院图书馆"], "韩原市学府路1号"),
        ("hy-mobile", "韩原市图书馆流动图书车", "service_point", "hy-central", ["流动图书车", "图书车"], "韩原市金城大道168号"),
    ],
    "rooms": {
        "hy-central": [("三楼多功能厅", "三楼", "多功能厅"), ("一楼大厅", "一楼", "大厅"), ("二楼少儿阅览室", "二楼", "少儿阅览室"),
                       ("四楼学术报告厅", "四楼", "学术报告厅"), ("五楼古籍阅览室", "五楼", "古籍阅览室"), ("负一楼展厅", "负一楼", "展厅")],
        "hy-jc": [("二楼报告厅", "二楼", "报告厅"), ("一楼亲子阅读区", "一楼", "亲子阅读区"), ("三楼培训室", "三楼", "培训室")],
        "hy-ly": [("一楼讲座厅", "一楼", "讲座厅"), ("二楼少儿部", "二楼", "少儿部")],
        "hy-zy": [("二楼多功能厅", "二楼", "多功能厅"), ("一楼少儿借阅室", "一楼", "少儿借阅室"), ("三楼电子阅览室", "三楼", "电子阅览室")],
        "hy-museum": [("一号展厅", "", "一号展厅"), ("社教活动室", "", "社教活动室")],
        "hy-shuyuan": [("明伦堂", "", "明伦堂"), ("东讲堂", "", "东讲堂")],
        "hy-wenmiao": [("大成殿前广场", "", "大成殿前广场"), ("国学讲堂", "", "国学讲堂")],
        "hy-univ": [("一楼报告厅", "一楼", "报告厅")],
    },
    "directory": ["hy-central", "hy-shuyuan"],  # only these members have rooms in the directory
    "brands": [
        ("taishi-jiangtan", "太史讲坛", "hy-central", 2014, "lecture"),
        ("longmen-shuyuan", "龙门书院夜读", "hy-shuyuan", 2019, "reading_club"),
        ("huiben-bashi", "绘本爸爸故事会", "hy-jc", 2017, "children"),
        ("guoxue-kt", "文庙国学课堂", "hy-wenmiao", 2016, "lecture"),
        ("zhichuan-yd", "芝川悦读会", "hy-zy", 2020, "reading_club"),
        ("bowu-xiaojiang", "博物馆小小讲解员", "hy-museum", 2018, "children"),
    ],
    "campaigns": [
        ("hy-reading-month", "4·23世界读书日暨韩原读书月", date(2026, 4, 1), date(2026, 4, 30)),
        ("hy-summer", "书香韩原·暑期少儿阅读季", date(2026, 7, 1), date(2026, 8, 31)),
        ("hy-autumn", "韩原全民阅读季", date(2026, 9, 15), date(2026, 11, 15)),
        ("hy-spring", "我们的节日·春节元宵", date(2026, 2, 10), date(2026, 3, 5)),
    ],
    "partners": ["韩原市社科联", "韩原市科协", "金城小学", "象山中学", "韩原学院文学院", "金城街道新华社区", "市关工委", "司马迁研究会"],
    "local_topics": ["司马迁与《史记》", "韩原古城的明清民居", "党家村古建筑", "黄河龙门的传说", "关中民俗与年画", "韩原行鼓", "秦腔漫谈", "关中方言趣谈"],
}

CITY_DD = {
    "key": "city_dd",
    "alliance": ("nanwan", "南湾区职工与社区阅读联盟", "Nanwan District Workers' and Community Reading Alliance"),
    "prefix": "nw",
    "members": [
        ("nw-central", "南湾区图书馆", "central", None, ["区馆", "区图", "南湾区馆", "南湾图书馆"], "南湾区港湾大道300号"),
        ("nw-kids", "南湾区少年儿童图书馆", "district", "nw-central", ["少儿馆", "区少儿图书馆", "少图"], "南湾区港湾大道302号"),
        ("nw-hs", "横沙镇图书馆", "county", "nw-central", ["镇馆", "横沙馆", "横沙图书馆"], "横沙镇振兴路18号"),
        ("nw-tb", "塘北街道图书馆", "county", "nw-central", ["街道馆", "塘北馆"], "塘北街道塘北路6号"),
        ("nw-hs-b1", "横沙镇图书馆工业园分馆", "branch", "nw-hs", ["工业园分馆", "分馆"], "横沙镇工业园区科技三路"),
        ("nw-hs-b2", "横沙镇图书馆沙尾村分馆", "branch", "nw-hs", ["沙尾分馆", "沙尾村分馆"], "横沙镇沙尾村委旁"),
        ("nw-tb-b1", "塘北街道图书馆新村分馆", "branch", "nw-tb", ["新村分馆"], "塘北街道新村二路"),
        ("nw-f-huaxin", "华鑫电子厂职工书屋", "service_point", "nw-hs-b1", ["华鑫书屋", "职工书屋", "华鑫厂书屋"], "横沙镇工业园区科技三路9号华鑫电子厂"),
        ("nw-f-yuefeng", "粤丰鞋业职工书屋", "service_point", "nw-hs-b1", ["粤丰书屋", "职工书屋"], "横沙镇工业园区兴业路12号"),
        ("nw-f-jinhai", "金海五金厂职工书屋", "service_point", "nw-tb-b1", ["金海书屋", "职工书屋"], "塘北街道工业大道101号"),
        ("nw-wharf", "南湾港湾码头城市书房", "service_point", "nw-central", ["港湾书房", "码头书房", "城市书房"], "南湾区滨海路码头广场"),
        ("nw-sf-tb", "塘北城市书房", "service_point", "nw-tb", ["塘北书房", "城市书房"], "塘北街道文化广场东侧"),
        ("nw-laigong", "南湾区来穗人员服务中心书屋", "service_point", "nw-central", ["来穗书屋", "新市民书屋"], "南湾区人民路45号"),
        ("nw-apt", "横沙人才公寓阅读角", "service_point", "nw-hs", ["人才公寓阅读角", "公寓阅读角"], "横沙镇人才公寓A栋一楼"),
        ("nw-school", "南湾职业技术学校图书馆", "branch", "nw-central", ["职校图书馆", "南湾职校"], "南湾区育才路2号"),
        ("nw-ancestral", "沙尾村何氏宗祠读书会点", "service_point", "nw-hs-b2", ["何氏宗祠", "宗祠书屋"], "横沙镇沙尾村何氏宗祠"),
        ("nw-mobile", "南湾区图书馆流动服务车", "service_point", "nw-central", ["流动服务车", "图书车"], "南湾区港湾大道300号"),
        ("nw-union", "南湾区总工会职工图书室", "branch", "nw-central", ["总工会图书室", "工会图书室"], "南湾区人民路8号"),
    ],
    "rooms": {
        "nw-central": [("二楼多功能厅", "二楼", "多功能厅"), ("一楼大堂", "一楼", "大堂"), ("三楼培训室", "三楼", "培训室"),
                       ("四楼报告厅", "四楼", "报告厅"), ("一楼展览区", "一楼", "展览区"), ("五楼数字体验区", "五楼", "数字体验区")],
        "nw-kids": [("一楼绘本馆", "一楼", "绘本馆"), ("二楼亲子活动室", "二楼", "亲子活动室"), ("三楼小剧场", "三楼", "小剧场")],
        "nw-hs": [("二楼活动室", "二楼", "活动室"), ("一楼阅览大厅", "一楼", "阅览大厅")],
        "nw-tb": [("三楼会议室", "三楼", "会议室"), ("一楼少儿区", "一楼", "少儿区")],
        "nw-f-huaxin": [("厂区食堂二楼", "", "食堂二楼"), ("职工之家", "", "职工之家")],
        "nw-f-yuefeng": [("宿舍区活动中心", "", "宿舍区活动中心")],
        "nw-union": [("职工培训教室", "", "职工培训教室")],
    },
    "directory": ["nw-central", "nw-kids"],
    "brands": [
        ("nanwan-jiangtang", "南湾大讲堂", "nw-central", 2012, "lecture"),
        ("gongyou-dushu", "工友读书夜", "nw-union", 2018, "reading_club"),
        ("xiaohaibao", "小海豹故事屋", "nw-kids", 2016, "children"),
        ("hengsha-yueshe", "横沙悦读社", "nw-hs", 2019, "reading_club"),
        ("xinshimin-kt", "新市民课堂", "nw-laigong", 2021, "training"),
        ("citang-shuxiang", "祠堂书香", "nw-ancestral", 2022, "reading_club"),
    ],
    "campaigns": [
        ("nw-reading-month", "4·23世界读书日·南湾读书月", date(2026, 4, 1), date(2026, 5, 10)),
        ("nw-summer", "暑假少儿阅读季", date(2026, 7, 5), date(2026, 8, 31)),
        ("nw-workers", "职工读书月", date(2026, 5, 1), date(2026, 5, 31)),
        ("nw-autumn", "南湾书香节", date(2026, 11, 1), date(2026, 11, 30)),
    ],
    "partners": ["南湾区总工会", "横沙镇团委", "南湾区妇联", "华鑫电子厂工会", "塘北小学", "南湾区科协", "区来穗人员服务管理局", "横沙镇社工站"],
    "local_topics": ["粤语童谣", "广府醒狮", "岭南骑楼建筑", "疍家文化", "咸水歌", "广绣", "凉茶与岭南养生", "珠三角制造业变迁"],
}

SPEAKERS = ["王建华", "李秀兰", "张明远", "刘晓燕", "陈志强", "杨静", "赵国庆", "黄丽娟", "周文博", "吴海涛",
            "徐慧敏", "孙立新", "马骏", "朱红梅", "胡晓东", "郭子健", "何雪", "高峰", "林书涵", "罗永康",
            "梁卫东", "宋佳怡", "郑学礼", "谢春燕", "韩冬", "唐宁", "冯博", "于洋", "董小平", "萧雨桐"]
TOPICS = ["唐诗里的四季", "宋词中的家国情怀", "《红楼梦》的饮食文化", "鲁迅与他的时代", "家庭教育中的阅读陪伴",
          "青少年心理健康", "中医养生与四季调养", "老年人智能手机使用", "诗经中的草木", "科幻文学与未来",
          "丝绸之路上的文明交流", "汉字的演变", "中国传统节日习俗", "家风家训的传承", "垃圾分类与低碳生活",
          "防范电信诈骗", "古典音乐欣赏入门", "书法审美漫谈", "摄影构图基础", "碳中和与我们的生活",
          "《论语》中的处世智慧", "苏东坡的人生", "二十四节气与农耕文明", "近视防控与用眼卫生", "青春期亲子沟通",
          "职场写作技巧", "法律常识进社区", "《乡土中国》导读", "红色家书里的初心", "AI时代的阅读"]
BOOKS = ["《活着》", "《平凡的世界》", "《人生》", "《白鹿原》", "《三体》", "《额尔古纳河右岸》", "《呼兰河传》",
         "《围城》", "《城南旧事》", "《长安的荔枝》", "《人世间》", "《繁花》", "《我与地坛》", "《瓦尔登湖》",
         "《百年孤独》", "《小王子》", "《草房子》", "《骆驼祥子》", "《边城》", "《撒哈拉的故事》", "《文化苦旅》",
         "《红岩》", "《苏东坡传》", "《万历十五年》", "《朝花夕拾》"]
PICTURE_BOOKS = ["《猜猜我有多爱你》", "《好饿的毛毛虫》", "《大卫不可以》", "《我爸爸》", "《团圆》", "《小蓝和小黄》",
                 "《爷爷一定有办法》", "《彩虹色的花》", "《逃家小兔》", "《鳄鱼怕怕牙医怕怕》", "《小猪唏哩呼噜》",
                 "《一园青菜成了精》", "《月亮的味道》", "《安的种子》", "《蚂蚁和西瓜》", "《我的情绪小怪兽》"]
CRAFTS = ["剪纸", "拓印", "扎染", "活字印刷体验", "风筝制作", "面塑", "书签制作", "灯笼制作", "香囊制作", "陶艺", "古籍修复体验", "雕版印刷"]
EXHIBITS = ["馆藏老照片展", "红色经典连环画展", "优秀少儿绘画作品展", "古籍保护成果展", "书法作品展", "非遗剪纸作品展",
            "“最美读书人”摄影展", "地方文献展", "廉洁文化主题展", "科普图片展"]
FILMS = ["《我和我的祖国》", "《长津湖》", "《流浪地球》", "《寻梦环游记》", "《哪吒之魔童降世》", "《你好，李焕英》",
         "《城南旧事》", "《狮子王》", "《夺冠》", "《疯狂动物城》", "《地球脉动》", "《放牛班的春天》"]
TRAININGS = ["智能手机使用", "电子书借阅平台使用", "Excel办公技能", "短视频剪辑", "普通话提升", "公文写作", "求职简历写作", "反诈知识"]


def fmt(dt):
    return dt.isoformat()


class City:
    def __init__(self, spec, rnd):
        self.spec = spec
        self.r = rnd
        self.members = {m[0]: m for m in spec["members"]}
        self.ids = [m[0] for m in spec["members"]]
        self.brands = {b[0]: b for b in spec["brands"]}
        self.lines = []  # (pub_datetime, seq, obj)
        self.seq = 0
        self.labels = 0
        self.src_counter = Counter()
        self.variation = Counter()
        self.family = Counter()
        self.used_keys = set()
        self.directory = {}
        for lib in spec["directory"]:
            for full, floor, bare in spec["rooms"][lib]:
                vid = f"{lib}-{len(self.directory)}"
                self.directory[(lib, full)] = vid

    # -- helpers -------------------------------------------------------------------------------
    def name(self, lib):
        return self.members[lib][1]

    def new_label(self):
        self.labels += 1
        return f"{self.spec['key']}-a{self.labels:05d}"

    def src(self, lib, style):
        self.src_counter[lib] += 1
        n = self.src_counter[lib]
        if style == "wx":
            return f"wx-{lib[-4:]}-{202600000 + n * 7}"
        if style == "oa":
            return f"OA/{2026}/{n:04d}"
        if style == "form":
            return f"form-{n}"
        if style == "xls":
            return f"{self.name(lib)}-活动登记表-第{n}行"
        return f"{lib}-{n:05d}"

    def room_for(self, lib):
        rooms = self.spec["rooms"].get(lib)
        if not rooms:
            return None
        return self.r.choice(rooms)

    def campaign_for(self, day):
        for cid, name, a, b in self.spec["campaigns"]:
            if a <= day <= b:
                return cid, name
        return None, None

    def random_day(self):
        start = date(2026, 1, 5)
        return start + timedelta(days=self.r.randrange(0, 340))

    def random_hour(self, kind):
        if kind in ("children", "parent_child"):
            return self.r.choice([(9, 30), (10, 0), (10, 30), (14, 30), (15, 0), (16, 0)])
        if kind == "workers":
            return self.r.choice([(19, 30), (20, 0), (19, 0), (12, 30)])
        return self.r.choice([(9, 0), (9, 30), (10, 0), (14, 0), (14, 30), (15, 0), (19, 0), (19, 30)])

    # -- a canonical activity --------------------------------------------------------------------
    def make_core(self):
        r = self.r
        sp = self.spec
        kind = r.choices(["lecture", "reading_club", "children", "parent_child", "exhibition", "contest", "training",
                          "screening", "outreach", "salon", "festival", "digital", "accessibility", "workers"],
                         [18, 12, 12, 8, 6, 4, 6, 5, 6, 6, 2, 3, 2, 6 if sp["key"] == "city_dd" else 1])[0]
        speaker = r.choice(SPEAKERS)
        if kind == "lecture":
            topic = r.choice(TOPICS + sp["local_topics"])
            core = f"{topic}"
            long_title = r.choice([f"{speaker}：{topic}", topic, f"{topic}专题讲座"])
            cat = "lecture"
        elif kind == "reading_club":
            book = r.choice(BOOKS)
            core = f"共读{book}"
            long_title = r.choice([f"共读{book}读书会", f"{book}读书分享会", f"共读{book}"])
            core = long_title
            cat = "reading_club"
        elif kind == "children":
            pb = r.choice(PICTURE_BOOKS)
            core = long_title = r.choice([f"绘本故事会{pb}", f"周末故事会：{pb}", f"故事妈妈讲{pb}"])
            cat = "children"
        elif kind == "parent_child":
            craft = r.choice(CRAFTS)
            core = long_title = r.choice([f"亲子{craft}手工课", f"“{craft}”亲子非遗体验", f"亲子阅读+{craft}"])
            cat = "parent_child"
        elif kind == "exhibition":
            core = long_title = r.choice(EXHIBITS)
            cat = "exhibition"
        elif kind == "contest":
            theme = r.choice(["我与图书馆", "家乡的变化", "书香家庭", "我最喜爱的一本书", "读好书、讲好故事", "红色经典诵读"])
            core = long_title = r.choice([f"“{theme}”征文比赛", f"“{theme}”演讲比赛", f"“{theme}”朗诵大赛", f"“{theme}”知识竞赛"])
            cat = "contest"
        elif kind == "training":
            t = r.choice(TRAININGS)
            core = long_title = r.choice([f"{t}培训班", f"{t}公益培训", f"{t}讲座与实操"])
            cat = "training"
        elif kind == "screening":
            f = r.choice(FILMS)
            core = long_title = r.choice([f"公益电影放映{f}", f"周末观影会：{f}", f"光影阅读·{f}"])
            cat = "screening"
        elif kind == "outreach":
            where = r.choice(["进社区", "进学校", "进军营", "进企业", "进机关", "进乡村"])
            core = long_title = r.choice([f"图书馆{where}送书活动", f"流动书香{where}", f"“悦读{where}”阅读推广"])
            cat = "outreach"
        elif kind == "salon":
            topic = r.choice(TOPICS + sp["local_topics"])
            core = long_title = f"读书沙龙：{topic}"
            cat = "salon"
        elif kind == "festival":
            core = long_title = r.choice(["少儿读书节开幕式", "书香家庭颁奖典礼", "阅读嘉年华", "图书漂流启动仪式", "换书大集"])
            cat = "festival"
        elif kind == "digital":
            core = long_title = r.choice(["数字阅读体验日", "VR阅读体验活动", "“云上图书馆”数字资源推介", "有声书录制体验"])
            cat = "digital"
        elif kind == "accessibility":
            core = long_title = r.choice(["视障读者电影讲述", "助残日“光明影院”", "残障人士读书文化日", "听障儿童绘本手语故事会"])
            cat = "accessibility"
        else:  # workers
            t = r.choice(TRAININGS + ["安全生产知识", "劳动法与工资权益", "职工心理减压"])
            core = long_title = r.choice([f"职工夜校：{t}", f"工友课堂·{t}", f"{t}（职工专场）"])
            cat = "training"
        return kind, cat, core, long_title, speaker

    def pick_host(self, kind):
        r = self.r
        ids = self.ids
        weights = []
        for i in ids:
            tier = self.members[i][2]
            w = {"central": 10, "district": 6, "county": 6, "branch": 3, "service_point": 2}[tier]
            if kind == "workers" and ("-f-" in i or i in ("nw-union", "nw-laigong")):
                w += 10
            weights.append(w)
        return r.choices(ids, weights)[0]

    def new_activity(self, host=None, day=None, hm=None, core=None, forced=None):
        r = self.r
        given_day = day
        for _attempt in range(50):
            kind, cat, c, long_title, speaker = self.make_core()
            if forced:
                kind, cat, c, long_title, speaker = forced
            day = given_day or self.random_day()
            if (long_title, None, day) not in self.used_keys:
                break
        host = host or self.pick_host(kind)
        hm = hm or self.random_hour(kind)
        start = datetime(day.year, day.month, day.day, hm[0], hm[1], tzinfo=TZ)
        dur = {"exhibition": 8 * 60, "contest": 180, "festival": 150, "lecture": r.choice([90, 120]),
               "children": 60, "parent_child": 90}.get(cat, r.choice([90, 120, 60]))
        end = start + timedelta(minutes=dur)
        room = self.room_for(host)
        brand = None
        for b in self.spec["brands"]:
            if b[2] == host and b[4] == cat and r.random() < 0.6:
                brand = b
        camp, camp_name = self.campaign_for(day)
        n_co = r.choices([0, 1, 2, 3, 4], [50, 25, 14, 7, 4])[0]
        cands = [i for i in self.ids if i != host]
        # co-hosts tend to be in the same branch of the tree
        r.shuffle(cands)
        cands.sort(key=lambda i: 0 if (self.members[i][3] == host or self.members[host][3] == i or self.members[i][3] == self.members[host][3]) else 1)
        cohosts = cands[:n_co]
        return {
            "kind": kind, "cat": cat, "core": c, "title": long_title, "speaker": speaker, "host": host,
            "start": start, "end": end, "room": room, "brand": brand, "campaign": camp, "campaign_name": camp_name,
            "cohosts": cohosts, "label": self.new_label(), "strict": False, "place_named": False,
            "partners": r.sample(self.spec["partners"], r.choice([0, 0, 1, 2])),
            "capacity": r.choice([None, 30, 40, 50, 80, 100, 200]),
            "audience": {"children": "3-8岁儿童及家长", "parent_child": "亲子家庭", "workers": "来南湾务工人员、职工"}.get(kind, r.choice([None, "全体市民", "青少年", "老年读者", "社会公众"])),
        }

    # -- writing one announcement ----------------------------------------------------------------
    def venue_text(self, act, sender, habit):
        """How ``sender`` writes the venue of ``act`` (returns venue dict)."""
        r = self.r
        host = act.get("host_place", act["host"])
        hname = self.name(host)
        m = self.members[host]
        room = act["room"]
        addr = m[5]
        full_room = room[0] if room else None
        bare = room[2] if room else None
        opts = []
        if room:
            opts += [("v_full", f"{hname}{full_room}"), ("v_room_floor", full_room), ("v_bare_room", bare),
                     ("v_abbrev", f"{r.choice(m[4])}{bare}"), ("v_abbrev_floor", f"{r.choice(m[4])}{full_room}"),
                     ("v_paren", f"{bare}（{hname}{room[1]}）" if room[1] else f"{hname}（{bare}）")]
            typo = bare.replace("功能", "工能").replace("报告", "抱告").replace("阅览", "阅揽").replace("讲堂", "讲常").replace("展厅", "展听")
            if typo != bare:
                opts.append(("v_typo", f"{hname}{room[1]}{typo}"))
        else:
            opts += [("v_full", hname), ("v_abbrev", r.choice(m[4]))]
        opts += [("v_name_only", hname), ("v_address", addr)]
        if act["place_named"]:
            # the place is what tells look-alikes apart: name the library (full or unambiguous abbreviation)
            opts = [o for o in opts if o[0] in ("v_full", "v_name_only", "v_paren", "v_address", "v_typo")]
            if not opts:
                opts = [("v_name_only", hname)]
        else:
            opts += [("v_vague", r.choice(["本馆", "图书馆", "馆内", "待定", "详见海报", "活动室"]))]
        if habit == "clerk" and not act["place_named"]:
            key, text = ("v_vague", r.choice(["本馆", "图书馆", "馆内活动室", "待通知"]))
        elif sender == host and r.random() < 0.5 and room and not act["place_named"]:
            key, text = ("v_full", f"{hname}{full_room}") if r.random() < 0.5 else ("v_room_floor", full_room)
        else:
            key, text = r.choice(opts)
        v = {"name": text}
        self.variation[key] += 1
        if r.random() < 0.3:
            v["address"] = addr
        if room and (host, full_room) in self.directory and sender == act["host"] and r.random() < 0.6:
            v["venue_id"] = self.directory[(host, full_room)]
            self.variation["v_directory_id"] += 1
        return v

    def decorate(self, act, sender, habit, var):
        r = self.r
        base = act["title"]
        brand = act["brand"]
        t = base
        if brand and r.random() < 0.7:
            t = f"{brand[1]}：{base}"
        if act["kind"] == "lecture" and act["speaker"] and act["speaker"] not in t and r.random() < 0.5:
            t = f"{t}——主讲人{act['speaker']}" if r.random() < 0.5 else f"{act['speaker']}：{t}"
            var["t_speaker_added"] += 1
        if brand and sender != act["host"] and r.random() < 0.6:
            t = base  # co-hosts drop the series prefix
            var["t_brand_dropped"] += 1
        if act.get("session_word"):
            if act["session_word"] not in t:
                t = f"{t}（{act['session_word']}）"
        decos = []
        if r.random() < 0.25:
            decos.append("prefix")
        if r.random() < 0.15:
            decos.append("suffix_status")
        if r.random() < 0.12:
            decos.append("emoji")
        if r.random() < 0.12:
            decos.append("append")
        if r.random() < 0.08 and act["campaign_name"]:
            decos.append("campaign")
        for d in decos:
            if d == "prefix":
                t = r.choice(["【联盟活动】", "【活动预告】", "【预告】", "[活动通知]", "【书香】"]) + t
            elif d == "suffix_status":
                t = t + r.choice(["（报名中）", "|报名中", "（已满员）", "，欢迎参加！", " 欢迎参加"])
            elif d == "emoji":
                t = r.choice(["📚", "🎉", "✨", "🔥", "📖"]) + t + r.choice(["", "🎈", "👏"])
            elif d == "append":
                if not t.endswith("活动"):
                    t = t + r.choice(["活动", "读书分享活动", "主题活动"])
            elif d == "campaign":
                t = f"{act['campaign_name']}｜{t}"
            var["t_" + d] += 1
        if habit == "report":
            t = r.choice([f"{self.name(sender)}成功举办{base}", f"{base}圆满结束", f"【活动回顾】{base}", f"{base}顺利开展"])
            if act.get("session_word") and act["session_word"] not in t:
                t += f"（{act['session_word']}）"
            var["t_report"] += 1
        if habit == "trad":
            t = t.translate(str.maketrans("书读会讲图馆儿亲阅乐东话门龙厂华鑫丰沙绘画爱厅术艺剧场", "書讀會講圖館兒親閱樂東話門龍廠華鑫豐沙繪畫愛廳術藝劇場"))
            var["t_traditional"] += 1
        if habit == "dated":
            s = act["start"]
            t = f"{s.month}月{s.day}日{t}" if r.random() < 0.5 else f"{t}（{s.month}.{s.day}）"
            var["t_date_in_title"] += 1
        if habit == "generic" and not act.get("session_word") and not act["strict"]:
            t = r.choice(["读书活动", "本周活动预告", "阅读推广活动", "周末活动"])
            var["t_generic_title_details_in_description"] += 1
        return t[:200]

    def times(self, act, sender, habit, var):
        r = self.r
        s, e = act["start"], act["end"]
        strict = act["strict"]
        if habit == "clerk":
            var["time_date_only_all_day"] += 1
            d = s.date()
            return (datetime(d.year, d.month, d.day, tzinfo=TZ), datetime(d.year, d.month, d.day, 23, 59, tzinfo=TZ), True)
        roll = r.random()
        if roll < 0.12:
            s2 = s - timedelta(minutes=r.choice([15, 20, 30]))
            var["time_signin_early"] += 1
        elif roll < 0.2 and s.minute:
            s2 = s.replace(minute=0)
            var["time_rounded_hour"] += 1
        elif roll < 0.26 and not strict:
            s2 = s + timedelta(minutes=r.choice([-60, -45, 40, 60]))
            var["time_off_up_to_hour"] += 1
        else:
            s2 = s
        eroll = r.random()
        if eroll < 0.15:
            e2 = s2  # end missing: tool writes the start again
            var["time_end_missing"] += 1
        elif eroll < 0.25:
            e2 = e + timedelta(minutes=r.choice([-30, 30, 60]))
            var["time_end_different"] += 1
        else:
            e2 = e
        if e2 < s2:
            e2 = s2
        if habit == "utc":
            var["time_utc_offset_export"] += 1
            s2, e2 = s2.astimezone(UTC), e2.astimezone(UTC)
        return s2, e2, False

    def organizers(self, act, sender, mode):
        host = act["host"]
        if mode == "all":
            orgs = [{"library_id": host, "role": "host"}]
            for i, c in enumerate(act["cohosts"]):
                role = "organiser" if i == 0 and self.r.random() < 0.4 else self.r.choice(["co_organiser", "co_organiser", "co_host", "participant"])
                orgs.append({"library_id": c, "role": role})
            return orgs
        if mode == "host_and_self":
            if sender == host:
                return []
            return [{"library_id": host, "role": "host"}, {"library_id": sender, "role": self.r.choice(["co_organiser", "co_host", "participant"])}]
        if mode == "self_host":  # a co-host claims to host (their own news item)
            return [{"library_id": sender, "role": "host"}]
        return []

    def emit(self, act, sender, pub, habit=None, org_mode=None, revision=1, source_ref=None, status="scheduled",
             override_start=None, extra_desc=None, title_override=None):
        r = self.r
        var = self.variation
        habit = habit or "normal"
        s2, e2, allday = self.times(act, sender, habit, var)
        if override_start:
            s2, e2 = override_start
        title = title_override or self.decorate(act, sender, habit, var)
        venue = self.venue_text(act, sender, habit)
        if habit == "online":
            venue = {"name": f"线上直播（{r.choice(['腾讯会议', '视频号直播', '抖音直播间'])}）", "online_url": f"https://live.example.org/{act['label']}"}
            var["v_online_stream_of_hall_event"] += 1
        org_mode = org_mode or ("all" if sender == act["host"] else r.choice(["all", "host_and_self", "none", "self_host"]))
        var["org_" + org_mode] += 1
        desc_parts = []
        ss = act["start"]
        if habit == "generic" or r.random() < 0.5:
            desc_parts.append(f"活动名称：{act['title']}{'（' + act['session_word'] + '）' if act.get('session_word') else ''}")
            desc_parts.append(f"时间：{ss.year}年{ss.month}月{ss.day}日 {ss.hour:02d}:{ss.minute:02d}")
            if act["kind"] == "lecture":
                desc_parts.append(f"主讲：{act['speaker']}")
        if act["cohosts"] and org_mode == "all" and r.random() < 0.5:
            desc_parts.append("主办：" + self.name(act["host"]) + "；协办：" + "、".join(self.name(c) for c in act["cohosts"]))
        if act.get("place_named"):
            desc_parts.append(f"地点：{self.name(act['host'])}")
        if extra_desc:
            desc_parts.append(extra_desc)
        obj = {
            "library_id": sender,
            "source_ref": source_ref or self.src(sender, r.choice(["wx", "oa", "form", "xls", "sys"])),
            "revision": revision,
            "status": status,
            "title": title,
            "category": act["cat"],
            "starts_at": fmt(s2),
            "ends_at": fmt(e2),
            "all_day": allday,
            "venue": venue,
            "organizers": self.organizers(act, sender, org_mode),
        }
        if desc_parts:
            obj["description"] = "\n".join(desc_parts)
        if act["brand"] and act["brand"][2] == sender and r.random() < 0.8:
            obj["brand_id"] = act["brand"][0]
        if act["campaign"] and r.random() < 0.6:
            camp = next(c for c in self.spec["campaigns"] if c[0] == act["campaign"])
            if camp[2] <= s2.astimezone(TZ).date() <= camp[3]:
                obj["campaign_id"] = act["campaign"]
        if act["audience"] and r.random() < 0.6:
            obj["audience"] = act["audience"]
        if act["capacity"] and r.random() < 0.5:
            obj["capacity"] = act["capacity"]
        if act["partners"] and r.random() < 0.6:
            obj["partners"] = act["partners"]
        if r.random() < 0.3:
            obj["tags"] = r.sample(["阅读推广", "全民阅读", "公益", "少儿", "非遗", "讲座", "亲子", "职工", "书香"], 2)
        if r.random() < 0.2:
            obj["contact"] = f"0{r.choice(['913', '757'])}-{r.randrange(5000000, 8999999)}"
        if r.random() < 0.15:
            obj["registration_url"] = f"https://reg.example.org/{sender}/{r.randrange(10000, 99999)}"
        obj["label"] = act["label"]
        self.seq += 1
        self.lines.append((pub, self.seq, obj))
        return obj

    # -- groups of announcements for one activity ---------------------------------------------------
    def announce(self, act, size=None):
        r = self.r
        start = act["start"]
        key = (act["title"], act.get("session_word"), start.date())
        if key in self.used_keys and not act.get("same_hour_family"):
            self.variation["dropped_accidental_twin"] += 1
            return
        self.used_keys.add(key)
        if size is None:
            size = r.choices([1, 2, 3, 4, 5, 6], [40, 30, 15, 8, 4, 3])[0]
        senders = [act["host"]] + act["cohosts"]
        size = min(size, len(senders) + 1)  # at most one library enters the activity twice
        plan = []
        # who sends: host and co-hosts, plus repeats from the same library
        for i in range(size):
            if i < len(senders):
                plan.append(senders[i])
            else:
                plan.append(r.choice(senders))
        # the announcement that lists every co-host sometimes arrives last
        connector_last = len(act["cohosts"]) >= 1 and size >= 3 and r.random() < 0.35
        if connector_last:
            self.variation["order_connector_last"] += 1
        seen = Counter()
        pubs = sorted(start - timedelta(days=r.randrange(1, 25), hours=r.randrange(0, 12)) for _ in plan)
        for k, sender in enumerate(plan):
            seen[sender] += 1
            pub = pubs[k]
            habit = r.choices(["normal", "clerk", "utc", "trad", "dated", "generic", "online", "report"],
                              [60, 6, 4, 3 if self.spec["key"] == "city_dd" else 0.5, 5, 2, 2, 5])[0]
            if habit == "generic" and (act["strict"] or act["place_named"]):
                habit = "normal"
            if habit in ("clerk",) and (act["strict"]):
                habit = "normal"  # an all-day line could not tell 第一场 from 第二场
            if habit == "online" and act["place_named"]:
                habit = "normal"
            if habit == "report":
                pub = act["end"] + timedelta(hours=r.randrange(2, 60))
            org_mode = None
            if sender == act["host"] and seen[sender] == 1:
                org_mode = "all"
                if connector_last:
                    pub = max(p for p in pubs) + timedelta(hours=r.randrange(1, 20))
                    if pub > start:
                        pub = start - timedelta(minutes=30)
            elif connector_last:
                org_mode = r.choice(["none", "host_and_self"])
            if seen[sender] == 2:
                # the same library twice: a second desk/tool; title tweak, start 10 minutes apart
                self.variation["same_library_twice"] += 1
                if r.random() < 0.5:
                    st = act["start"] + timedelta(minutes=r.choice([-10, 10]))
                    self.emit(act, sender, pub, habit="normal", org_mode=org_mode,
                              override_start=(st, act["end"]),
                              source_ref=self.src(sender, "form"))
                    continue
            self.emit(act, sender, pub, habit=habit, org_mode=org_mode)
        # revisions / postponement / cancellation of the host's first line
        roll = r.random()
        host_lines = [l for l in self.lines if l[2]["label"] == act["label"] and l[2]["library_id"] == act["host"]]
        if host_lines and roll < 0.08:
            p, _, o = host_lines[0]
            o2 = json.loads(json.dumps(o))
            o2["revision"] = o["revision"] + 1
            o2["title"] = o["title"].replace("（报名中）", "") + r.choice(["（更新）", "", "（时间调整）"])
            if "（时间调整）" in o2["title"]:
                st = datetime.fromisoformat(o["starts_at"]) + timedelta(minutes=30)
                o2["starts_at"], o2["ends_at"] = fmt(st), fmt(max(st, datetime.fromisoformat(o["ends_at"]) + timedelta(minutes=30)))
            o2["description"] = (o.get("description") or "") + "\n（信息已更新）"
            self.seq += 1
            self.lines.append((p + timedelta(days=r.randrange(1, 4)), self.seq, o2))
            self.variation["revision_same_source_ref"] += 1
        elif host_lines and roll < 0.12 and not act["strict"]:
            # postponed: re-announced under a new source_ref, a week or two later
            p, _, o = host_lines[0]
            delay = timedelta(days=r.choice([7, 14, 21]))
            o2 = json.loads(json.dumps(o))
            o2["source_ref"] = self.src(act["host"], "sys")
            o2["revision"] = 1
            ss = act["start"]
            o2["title"] = r.choice(["【延期】", "【改期通知】", ""]) + act["title"] + r.choice(["（延期举办）", "（改期）", ""])
            st = datetime.fromisoformat(o["starts_at"]) + delay
            en = datetime.fromisoformat(o["ends_at"]) + delay
            o2["starts_at"], o2["ends_at"] = fmt(st), fmt(en)
            o2["description"] = f"原定于{ss.month}月{ss.day}日举行的“{act['title']}”因故延期至{(ss + delay).month}月{(ss + delay).day}日，地点不变。"
            if o2.get("campaign_id"):
                camp = next(c for c in self.spec["campaigns"] if c[0] == o2["campaign_id"])
                if not (camp[2] <= st.astimezone(TZ).date() <= camp[3]):
                    del o2["campaign_id"]
            self.seq += 1
            self.lines.append((ss - timedelta(days=1), self.seq, o2))
            self.variation["postponed_reannounced"] += 1
        elif host_lines and roll < 0.14:
            p, _, o = host_lines[0]
            o2 = json.loads(json.dumps(o))
            o2["revision"] = o["revision"] + 1
            o2["status"] = "cancelled"
            o2["title"] = "【取消】" + o["title"]
            self.seq += 1
            self.lines.append((act["start"] - timedelta(hours=r.randrange(3, 48)), self.seq, o2))
            self.variation["cancelled_revision"] += 1

    # -- look-alike families -----------------------------------------------------------------------
    def fam_weekly_series(self):
        """Weekly sessions: same room, same hour, consecutive weeks, often the same title."""
        base = self.new_activity()
        n = self.r.randrange(3, 6)
        same_title = self.r.random() < 0.5
        for w in range(n):
            act = dict(base, label=self.new_label(), strict=True)
            act["start"] = base["start"] + timedelta(days=7 * w)
            act["end"] = base["end"] + timedelta(days=7 * w)
            act["campaign"], act["campaign_name"] = self.campaign_for(act["start"].date())
            if not same_title:
                act["session_word"] = f"第{w + 1}期"
            act["cohosts"] = base["cohosts"][:1]
            self.announce(act, self.r.choices([1, 2, 3], [50, 35, 15])[0])
        self.family["weekly_series_sessions"] += n

    def fam_branches_same_hour(self):
        """One programme at several branches the same hour: the place tells them apart."""
        base = self.new_activity()
        while base["kind"] in ("lecture", "salon", "exhibition", "festival"):  # one speaker cannot be in three places
            base = self.new_activity()
        parents = defaultdict(list)
        for m in self.spec["members"]:
            parents[m[3]].append(m[0])
        group = [i for i in max(parents.values(), key=len) if "mobile" not in i]
        libs = self.r.sample(group, min(len(group), self.r.randrange(2, 4)))
        for lib in libs:
            act = dict(base, label=self.new_label(), host=lib, room=self.room_for(lib), cohosts=[], place_named=True, strict=True, brand=None, same_hour_family=True)
            self.announce(act, self.r.choices([1, 2], [60, 40])[0])
        self.family["programme_at_several_branches_same_hour"] += len(libs)

    def fam_parallel_sessions(self):
        """Parallel sessions in one building: same hour, different rooms and topics."""
        host = self.r.choice([i for i in self.ids if i in self.spec["rooms"] and len(self.spec["rooms"][i]) >= 2])
        day = self.random_day()
        hm = self.random_hour("lecture")
        rooms = self.r.sample(self.spec["rooms"][host], 2)
        for room in rooms:
            act = self.new_activity(host=host, day=day, hm=hm)
            act["room"] = room
            act["strict"] = True
            self.announce(act, self.r.choices([1, 2], [60, 40])[0])
        self.family["parallel_sessions_one_building"] += 2

    def fam_first_second(self):
        """第一场 / 第二场 an hour apart (or morning/afternoon)."""
        base = self.new_activity()
        gap = self.r.choice([60, 90, 240])
        words = self.r.choice([("第一场", "第二场"), ("上午场", "下午场") if gap == 240 else ("第一场", "第二场"), ("第1场", "第2场")])
        for k in range(2):
            act = dict(base, label=self.new_label(), strict=True, session_word=words[k])
            act["start"] = base["start"] + timedelta(minutes=gap * k)
            act["end"] = act["start"] + timedelta(minutes=min(60, gap))
            self.announce(act, self.r.choices([1, 2, 3], [45, 40, 15])[0])
        self.family["first_second_session"] += 2

    def fam_same_hall_later(self):
        """Another event in the same hall later that day."""
        a1 = self.new_activity()
        if not a1["room"]:
            a1["room"] = None
        a2 = self.new_activity(host=a1["host"], day=a1["start"].date(), hm=(19, 0) if a1["start"].hour < 15 else (9, 0))
        a2["room"] = a1["room"]
        for a in (a1, a2):
            a["strict"] = True
            self.announce(a)
        self.family["same_hall_later_that_day"] += 2

    def fam_same_book(self):
        """The same book read at different months / libraries."""
        book = self.r.choice(BOOKS)
        forced = ("reading_club", "reading_club", f"共读{book}", f"共读{book}读书会", self.r.choice(SPEAKERS))
        n = self.r.randrange(2, 4)
        for _ in range(n):
            act = self.new_activity(forced=forced)
            act["place_named"] = True
            self.announce(act)
        self.family["same_book_different_month_or_library"] += n

    def fam_exhibition_opening(self):
        """(own) An exhibition's opening ceremony vs the exhibition's run vs its closing lecture."""
        host = self.r.choice(self.ids[:6])
        ex = self.r.choice(EXHIBITS)
        day = self.random_day()
        run = self.new_activity(host=host, day=day, hm=(9, 0), forced=("exhibition", "exhibition", ex, ex, ""))
        run["end"] = run["start"] + timedelta(days=20, hours=8)
        opening = self.new_activity(host=host, day=day, hm=(10, 0), forced=("festival", "festival", ex + "开幕式", ex + "开幕式", ""))
        opening["end"] = opening["start"] + timedelta(minutes=60)
        guided = self.new_activity(host=host, day=day + timedelta(days=6), hm=(15, 0), forced=("lecture", "lecture", ex + "导览讲座", ex + "策展人导览讲座", self.r.choice(SPEAKERS)))
        for a in (run, opening, guided):
            a["strict"] = True
            a["room"] = run["room"]
            self.announce(a, self.r.choices([1, 2, 3], [50, 35, 15])[0])
        self.family["own_exhibition_run_vs_opening_vs_guided_tour"] += 3

    def fam_contest_stages(self):
        """(own) An essay/recitation contest: 启动/征稿 call, 初赛, 决赛/颁奖 are separate activities."""
        host = self.r.choice(self.ids[:4])
        theme = self.r.choice(["我与图书馆", "书香家庭", "家乡的变化", "读好书、讲好故事"])
        day = self.random_day()
        stages = [("启动仪式", 0, (9, 30)), ("初赛", 21, (9, 0)), ("决赛暨颁奖典礼", 35, (14, 30))]
        for word, off, hm in stages:
            t = f"“{theme}”朗诵大赛{word}"
            act = self.new_activity(host=host, day=day + timedelta(days=off), hm=hm, forced=("contest", "contest", t, t, ""))
            act["strict"] = True
            act["session_word"] = word
            self.announce(act)
        self.family["own_contest_stages_call_prelim_final"] += 3

    def fam_mobile_route(self):
        """(own) The mobile library van visiting villages/factories the same day, one stop after another."""
        van = [i for i in self.ids if "mobile" in i][0]
        day = self.random_day()
        stops = [m for m in self.ids if self.members[m][2] == "service_point" and m != van]
        stops = self.r.sample(stops, 3)
        for k, stop in enumerate(stops):
            t = f"流动图书车走进{self.name(stop)}"
            act = self.new_activity(host=van, day=day, hm=(9 + 2 * k, 0), forced=("outreach", "outreach", t, t, ""))
            act["cohosts"] = [stop]
            act["room"] = None
            act["host_place"] = stop
            act["strict"] = True
            act["place_named"] = True
            act["end"] = act["start"] + timedelta(minutes=90)
            self.announce(act, self.r.choices([1, 2], [50, 50])[0])
        self.family["own_mobile_van_stops_same_day"] += 3

    def fam_replay(self):
        """(own) A live lecture and its recorded replay screening / 线上回放 a week later."""
        live = self.new_activity()
        live["kind"], live["cat"] = "lecture", "lecture"
        live["strict"] = True
        self.announce(live)
        rep = dict(live, label=self.new_label(), session_word="录播回放", cohosts=[])
        rep["start"] = live["start"] + timedelta(days=7)
        rep["end"] = rep["start"] + timedelta(minutes=90)
        rep["cat"] = "screening"
        rep["campaign"], rep["campaign_name"] = self.campaign_for(rep["start"].date())
        self.announce(rep, 1)
        self.family["own_live_lecture_vs_replay_week_later"] += 2

    def fam_children_age_groups(self):
        """(own) Story hour split by age group at the same time in two rooms (3-5岁 / 6-8岁)."""
        host = self.r.choice([i for i in self.ids if i in self.spec["rooms"] and len(self.spec["rooms"][i]) >= 2])
        pb = self.r.choice(PICTURE_BOOKS)
        day = self.random_day()
        rooms = self.r.sample(self.spec["rooms"][host], 2)
        for k, ages in enumerate(["3-5岁组", "6-8岁组"]):
            t = f"绘本故事会{pb}"
            act = self.new_activity(host=host, day=day, hm=(10, 0), forced=("children", "children", t, t, ""))
            act["room"] = rooms[k]
            act["session_word"] = ages
            act["audience"] = ages.replace("组", "儿童及家长")
            act["strict"] = True
            self.announce(act, self.r.choices([1, 2], [60, 40])[0])
        self.family["own_story_hour_age_groups_parallel"] += 2

    def fam_festival_day(self):
        """(own) 4·23 / 春节 festival day: the umbrella 嘉年华 all day and the lecture inside it."""
        host = self.ids[0]
        camp = self.spec["campaigns"][0]
        day = camp[2] + timedelta(days=22)
        umb = self.new_activity(host=host, day=day, hm=(9, 0), forced=("festival", "festival", "世界读书日阅读嘉年华", "世界读书日阅读嘉年华", ""))
        umb["end"] = umb["start"] + timedelta(hours=8)
        umb["strict"] = True
        umb["cohosts"] = self.r.sample(self.ids[1:6], 3)
        self.announce(umb, self.r.randrange(2, 5))
        inner = self.new_activity(host=host, day=day, hm=(14, 30))
        inner["strict"] = True
        self.announce(inner)
        self.family["own_festival_umbrella_vs_inner_event"] += 2

    def run(self, target):
        r = self.r
        fams = [self.fam_weekly_series, self.fam_branches_same_hour, self.fam_parallel_sessions, self.fam_first_second,
                self.fam_same_hall_later, self.fam_same_book, self.fam_exhibition_opening, self.fam_contest_stages,
                self.fam_mobile_route, self.fam_replay, self.fam_children_age_groups]
        self.fam_festival_day()
        while len(self.lines) < target:
            if r.random() < 0.22:
                r.choice(fams)()
            else:
                act = self.new_activity()
                if act["kind"] in ("exhibition",):
                    act["strict"] = False
                self.announce(act)

    def finish(self):
        # accidental twins: same title + same start + same venue name with different labels -> make titles distinct
        self.lines.sort(key=lambda x: (x[0], x[1]))
        return [o for _, _, o in self.lines]


def toml_str(s):
    return json.dumps(s, ensure_ascii=False)


def write_alliance(city, path):
    sp = city.spec
    aid, name, name_en = sp["alliance"]
    out = ["# Invented alliance for holdout set 13 (generated by generate_holdout13.py).", "[alliance]",
           f"id = {toml_str(aid)}", f"name = {toml_str(name)}", f"name_en = {toml_str(name_en)}", 'timezone = "Asia/Shanghai"', ""]
    for mid, mname, tier, parent, shorts, addr in sp["members"]:
        out += ["[[members]]", f"id = {toml_str(mid)}", f"name = {toml_str(mname)}", f"tier = {toml_str(tier)}"]
        if parent:
            out.append(f"parent = {toml_str(parent)}")
        out += [f"address = {toml_str(addr)}", ""]
    for (lib, full), vid in city.directory.items():
        room = next(x for x in sp["rooms"][lib] if x[0] == full)
        aliases = [room[2]] if room[2] != full else []
        out += ["[[venues]]", f"id = {toml_str(vid)}", f"library_id = {toml_str(lib)}", f"name = {toml_str(full)}",
                f"aliases = [{', '.join(toml_str(a) for a in aliases)}]", f"address = {toml_str(city.members[lib][5])}", ""]
    for bid, bname, lib, since, cat in sp["brands"]:
        out += ["[[brands]]", f"id = {toml_str(bid)}", f"name = {toml_str(bname)}", f"library_id = {toml_str(lib)}",
                f"since = {since}", f"category = {toml_str(cat)}", f"keywords = [{toml_str(bname)}]", ""]
    for cid, cname, a, b in sp["campaigns"]:
        out += ["[[campaigns]]", f"id = {toml_str(cid)}", f"name = {toml_str(cname)}", f"starts_on = {a.isoformat()}",
                f"ends_on = {b.isoformat()}", "recurs_yearly = false", ""]
    out += ["[[coordinators]]", 'id = "office"', 'name = "联盟办"', 'email = "office@example.org"', ""]
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(out))


def main():
    summary = {}
    for spec, seed_off in ((CITY_CC, 1), (CITY_DD, 2)):
        rnd = random.Random(SEED + seed_off)
        city = City(spec, rnd)
        city.run(2000)
        lines = city.finish()
        d = os.path.join(OUT, spec["key"])
        os.makedirs(d, exist_ok=True)
        write_alliance(city, os.path.join(d, "alliance.toml"))
        with open(os.path.join(d, "eval.jsonl"), "w", encoding="utf-8", newline="\n") as f:
            for o in lines:
                f.write(json.dumps(o, ensure_ascii=False, sort_keys=False) + "\n")
        sizes = Counter(o["label"] for o in lines)
        hist = Counter(sizes.values())
        summary[spec["key"]] = {
            "announcements": len(lines),
            "activities": len(sizes),
            "true_pairs": sum(n * (n - 1) // 2 for n in sizes.values()),
            "group_size_histogram": {str(k): hist[k] for k in sorted(hist)},
            "variations": dict(sorted(city.variation.items())),
            "lookalike_families_activities": dict(sorted(city.family.items())),
        }
    with open(os.path.join(OUT, "summary.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(summary, f, ensure_ascii=False, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
