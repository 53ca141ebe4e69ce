#!/usr/bin/env python3
"""Generate holdout14: two invented alliances with labelled duplicate announcements.

Python stdlib only, fixed seed, deterministic.  Run:  python3 generate_holdout14.py
Writes city_ee/, city_ff/ (alliance.toml, eval.jsonl) and summary.json next to this file.
"""
import json
import os
import random
from collections import Counter, OrderedDict
from datetime import date, datetime, timedelta, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
CST = timezone(timedelta(hours=8))
UTC0 = timezone(timedelta(hours=0))
YEAR = 2026

# ---------------------------------------------------------------- cities
# member: id, name, tier, parent, abbr (what clerks write), address, rooms {key: (floor, room)}
CITIES = {
    "city_ee": {
        "alliance": ("huaizhou", "淮州市公共图书馆阅读推广联盟", "Huaizhou Public Library Reading Alliance"),
        "region": "河南省淮州市（虚构的地级市）",
        "members": [
            ("hz", "淮州市图书馆", "central", None, "市馆", "淮州市睢水区文昌路88号",
             {"hall": ("一楼", "报告厅"), "mfh": ("三楼", "多功能厅"), "kids": ("二楼", "少儿阅览室"), "lobby": ("一楼", "大厅"), "exh": ("四楼", "展览厅")}),
            ("hz-sq", "淮州市睢水区图书馆", "district", "hz", "区馆", "淮州市睢水区建设路17号",
             {"hall": ("二楼", "报告厅"), "kids": ("一楼", "少儿绘本馆"), "mfh": ("三楼", "多功能厅")}),
            ("hz-gc", "淮州市古城区图书馆", "district", "hz", "区图", "淮州市古城区南关大街206号",
             {"hall": ("三楼", "学术报告厅"), "kids": ("一楼", "亲子阅读区"), "lobby": ("一楼", "大厅")}),
            ("hz-ya", "永安县图书馆", "county", "hz", "县馆", "永安县人民路45号",
             {"hall": ("二楼", "报告厅"), "kids": ("一楼", "少儿借阅室"), "mfh": ("三楼", "多功能厅")}),
            ("hz-zy", "柘阳县图书馆", "county", "hz", "县图书馆", "柘阳县解放大道9号",
             {"hall": ("一楼", "多功能报告厅"), "kids": ("二楼", "少儿阅览室")}),
            ("hz-nc", "宁川县图书馆", "county", "hz", "县馆", "宁川县城关镇文化路3号",
             {"hall": ("三楼", "报告厅"), "kids": ("一楼", "少儿阅览室"), "lobby": ("一楼", "大厅")}),
            ("hz-lk", "临葵县图书馆", "county", "hz", "县图", "临葵县葵园路112号",
             {"hall": ("二楼", "讲座厅"), "kids": ("二楼", "少儿部")}),
            ("hz-sq-b1", "睢水区图书馆文昌路城市书房", "branch", "hz-sq", "文昌路书房", "淮州市睢水区文昌路210号",
             {"room": ("", "阅读空间")}),
            ("hz-sq-b2", "睢水区图书馆湖滨分馆", "branch", "hz-sq", "湖滨分馆", "淮州市睢水区湖滨路6号湖滨社区服务中心",
             {"room": ("二楼", "活动室")}),
            ("hz-gc-b1", "古城区图书馆归德书院分馆", "branch", "hz-gc", "归德书院", "淮州市古城区府前街1号",
             {"room": ("", "讲堂")}),
            ("hz-gc-b2", "古城区图书馆火神台城市书房", "branch", "hz-gc", "火神台书房", "淮州市古城区火神台路33号",
             {"room": ("", "阅读区")}),
            ("hz-ya-b1", "永安县图书馆城东分馆", "branch", "hz-ya", "城东分馆", "永安县城东新区惠民街8号",
             {"room": ("一楼", "活动室")}),
            ("hz-ya-s1", "永安县马桥镇综合文化站", "service_point", "hz-ya-b1", "马桥文化站", "永安县马桥镇政府东100米",
             {"room": ("", "图书室")}),
            ("hz-ya-s2", "永安县刘集村农家书屋", "service_point", "hz-ya-b1", "刘集书屋", "永安县马桥镇刘集村村委会",
             {"room": ("", "书屋")}),
            ("hz-zy-s1", "柘阳县胡襄镇综合文化站", "service_point", "hz-zy", "胡襄文化站", "柘阳县胡襄镇中心街",
             {"room": ("", "多功能室")}),
            ("hz-nc-b1", "宁川县图书馆高铁站城市书房", "branch", "hz-nc", "高铁书房", "宁川县高铁站前广场西侧",
             {"room": ("", "阅读区")}),
            ("hz-nc-s1", "宁川县李庄村农家书屋", "service_point", "hz-nc", "李庄书屋", "宁川县李庄乡李庄村",
             {"room": ("", "书屋")}),
            ("hz-lk-s1", "临葵县葵丘镇综合文化站", "service_point", "hz-lk", "葵丘文化站", "临葵县葵丘镇文化广场",
             {"room": ("", "图书室")}),
            ("hz-mobile", "淮州市图书馆流动图书车", "service_point", "hz", "流动图书车", "淮州市睢水区文昌路88号",
             {"room": ("", "流动图书车")}),
        ],
        "directory": ["hz", "hz-sq"],
        "brands": [
            ("zhongyuan-jiangtan", "中原讲坛", "hz", 2012, "lecture", ["中原讲坛"]),
            ("huaizhou-dushuhui", "淮上读书会", "hz", 2018, "reading_club", ["淮上读书会"]),
            ("kuaile-xiaobandeng", "快乐小板凳", "hz-sq", 2016, "children", ["快乐小板凳", "小板凳"]),
            ("guide-jiangtang", "归德讲堂", "hz-gc", 2019, "lecture", ["归德讲堂"]),
            ("fengye-bei", "枫叶杯书画大赛", "hz-ya", 2015, "contest", ["枫叶杯"]),
            ("jingdian-daodu", "经典导读", "hz-nc", 2017, "reading_club", ["经典导读"]),
        ],
        "campaigns": [
            ("spring-festival", "网络书香过大年", "2026-02-01", "2026-03-05"),
            ("reading-month", "4·23世界读书日暨读书月", "2026-04-01", "2026-04-30"),
            ("service-week", "图书馆服务宣传周", "2026-05-23", "2026-05-31"),
            ("summer-reading", "少年儿童暑期阅读季", "2026-07-01", "2026-08-31"),
            ("reading-festival", "淮州读书节", "2026-10-15", "2026-11-15"),
        ],
        "places": [("永安县第二实验小学", "永安县人民路西段128号"), ("睢水区湖滨社区", "淮州市睢水区湖滨路6号"),
                   ("淮州市第一中学", "淮州市古城区神火大道66号"), ("武警淮州支队", "淮州市睢水区迎宾路2号"),
                   ("淮州华商纺织有限公司", "淮州市经开区纺织路18号"), ("柘阳县老年大学", "柘阳县解放大道120号")],
        "local_topics": ["黄河文化的源与流", "商丘古城与归德府", "豫剧唱腔赏析", "甲骨文里的中国", "二十四节气与中原农事",
                         "汉字的故事", "宋词里的汴梁", "中原古建筑漫谈", "老年人防范电信诈骗", "家庭教育中的阅读",
                         "中医养生与四季调理", "豫东民俗拾遗", "庄子与逍遥游", "木兰文化溯源", "科学育儿讲座"],
        "heritage": ["剪纸", "木版年画", "面塑", "汴绣", "泥泥狗彩绘", "柳编"],
    },
    "city_ff": {
        "alliance": ("mengwan", "勐湾傣族景颇族自治州公共图书馆联盟", "Mengwan Prefecture Library Alliance"),
        "region": "云南省勐湾傣族景颇族自治州（虚构的民族自治州）",
        "members": [
            ("mw", "勐湾州图书馆", "central", None, "州馆", "勐湾州景罕市孔雀大道1号",
             {"hall": ("二楼", "学术报告厅"), "kids": ("一楼", "少儿阅览区"), "lobby": ("一楼", "共享大厅"), "ethnic": ("三楼", "民族文献阅览室"), "exh": ("一楼", "展厅")}),
            ("mw-jh", "景罕市图书馆", "county", "mw", "市馆", "景罕市勐焕路36号",
             {"hall": ("三楼", "报告厅"), "kids": ("二楼", "少儿阅览室"), "mfh": ("一楼", "多功能厅")}),
            ("mw-rl", "瑞陇市图书馆", "county", "mw", "瑞陇市图", "瑞陇市姐告路12号",
             {"hall": ("二楼", "报告厅"), "kids": ("一楼", "绘本馆")}),
            ("mw-lx", "陇溪县图书馆", "county", "mw", "县馆", "陇溪县章凤镇迎宾路5号",
             {"hall": ("二楼", "多功能厅"), "kids": ("一楼", "少儿区")}),
            ("mw-ym", "盈梅县图书馆", "county", "mw", "县图", "盈梅县平原镇文化街22号",
             {"hall": ("三楼", "报告厅"), "kids": ("一楼", "少儿借阅室")}),
            ("mw-lc", "梁川县图书馆", "county", "mw", "县馆", "梁川县遮岛镇团结路8号",
             {"hall": ("一楼", "读者活动室"), "kids": ("二楼", "少儿阅览室")}),
            ("mw-jh-b1", "景罕市图书馆勐焕城市书房", "branch", "mw-jh", "勐焕书房", "景罕市勐焕大金塔景区入口东侧",
             {"room": ("", "阅读区")}),
            ("mw-jh-b2", "景罕市图书馆芒市坝社区分馆", "branch", "mw-jh", "坝社区分馆", "景罕市团结大街社区服务中心二楼",
             {"room": ("", "活动室")}),
            ("mw-rl-b1", "瑞陇市图书馆姐告边境书屋", "branch", "mw-rl", "姐告书屋", "瑞陇市姐告国门大道3号",
             {"room": ("", "书屋")}),
            ("mw-rl-s1", "瑞陇市弄岛镇综合文化站", "service_point", "mw-rl", "弄岛文化站", "瑞陇市弄岛镇等嘎路",
             {"room": ("", "图书室")}),
            ("mw-lx-s1", "陇溪县户撒乡综合文化站", "branch", "mw-lx", "户撒文化站", "陇溪县户撒乡集镇",
             {"room": ("", "图书室")}),
            ("mw-lx-s2", "陇溪县曼线村农家书屋", "service_point", "mw-lx-s1", "曼线书屋", "陇溪县户撒乡曼线村活动场所",
             {"room": ("", "书屋")}),
            ("mw-ym-s1", "盈梅县卡场镇综合文化站", "branch", "mw-ym", "卡场文化站", "盈梅县卡场镇草坝街",
             {"room": ("", "图书室")}),
            ("mw-ym-s2", "盈梅县勐弄寨农家书屋", "service_point", "mw-ym-s1", "勐弄书屋", "盈梅县卡场镇勐弄寨",
             {"room": ("", "书屋")}),
            ("mw-lc-s1", "梁川县九保乡综合文化站", "service_point", "mw-lc", "九保文化站", "梁川县九保乡街心",
             {"room": ("", "图书室")}),
            ("mw-border", "勐湾州图书馆边防书屋（畹町）", "service_point", "mw", "边防书屋", "瑞陇市畹町镇边防派出所院内",
             {"room": ("", "书屋")}),
            ("mw-mobile", "勐湾州图书馆流动服务车", "service_point", "mw", "流动服务车", "勐湾州景罕市孔雀大道1号",
             {"room": ("", "流动服务车")}),
        ],
        "directory": ["mw", "mw-jh", "mw-rl"],
        "brands": [
            ("kongque-jiangtang", "孔雀讲堂", "mw", 2014, "lecture", ["孔雀讲堂"]),
            ("beiye-dushu", "贝叶书香", "mw", 2019, "reading_club", ["贝叶书香"]),
            ("xiaoxiang-gushi", "小象故事会", "mw-jh", 2017, "children", ["小象故事会", "小象"]),
            ("guomen-shuxiang", "国门书香", "mw-rl", 2016, "outreach", ["国门书香"]),
            ("manluo-duhui", "目瑙读书会", "mw-ym", 2020, "reading_club", ["目瑙读书会"]),
        ],
        "campaigns": [
            ("spring-festival", "网络书香过大年", "2026-02-05", "2026-03-03"),
            ("reading-month", "4·23世界读书日暨全民阅读月", "2026-04-01", "2026-04-30"),
            ("water-festival", "泼水节书香活动周", "2026-04-12", "2026-04-18"),
            ("summer-reading", "暑期少儿阅读季", "2026-07-05", "2026-08-31"),
            ("unity-month", "民族团结进步宣传月", "2026-09-01", "2026-09-30"),
        ],
        "places": [("景罕市第一民族小学", "景罕市勐焕路112号"), ("瑞陇市姐告边检站", "瑞陇市姐告国门大道1号"),
                   ("陇溪县民族中学", "陇溪县章凤镇民族路2号"), ("盈梅县卡场镇中心小学", "盈梅县卡场镇草坝街18号"),
                   ("勐湾州边境管理支队", "景罕市孔雀大道60号"), ("景罕市老年大学", "景罕市团结大街88号")],
        "local_topics": ["傣族贝叶经的前世今生", "景颇族目瑙纵歌", "茶马古道与南方丝绸之路", "热带雨林里的植物", "边境禁毒知识",
                         "南传佛教建筑艺术", "傣历新年与泼水节", "滇西抗战史话", "咖啡种植与云南农业", "阿昌族户撒刀锻制",
                         "德昂族酸茶", "傣族医药常识", "国门边境法治讲座", "森林防火与生态保护", "民族团结进步故事"],
        "heritage": ["傣族慢轮制陶", "傣锦织造", "户撒刀锻制", "孔雀舞", "象脚鼓", "剪纸（傣族）"],
    },
}

BOOKS = ["《平凡的世界》", "《活着》", "《城南旧事》", "《小王子》", "《草房子》", "《朝花夕拾》", "《乡土中国》", "《呼兰河传》",
         "《骆驼祥子》", "《边城》", "《额尔古纳河右岸》", "《人世间》", "《长安的荔枝》", "《我与地坛》", "《夏洛的网》",
         "《窗边的小豆豆》", "《青铜葵花》", "《红岩》", "《西游记》", "《围城》", "《백년》"[:0] + "《百年孤独》", "《文化苦旅》",
         "《芳华》", "《牛天赐传》", "《红星照耀中国》", "《苏东坡传》", "《猫武士》", "《米小圈上学记》", "《一只想飞的猫》", "《山海经》"]
PICTURE = ["《猜猜我有多爱你》", "《好饿的毛毛虫》", "《大卫不可以》", "《团圆》", "《小猪佩奇过新年》", "《我爸爸》", "《彩虹色的花》",
           "《花婆婆》", "《蚂蚁和西瓜》", "《月亮的味道》", "《逃家小兔》", "《母鸡萝丝去散步》", "《鳄鱼怕怕牙医怕怕》", "《小房子》"]
EMOJI = ["📚", "✨", "🎉", "📖", "🌸", "👏", "🔥"]
FW = str.maketrans("0123456789", "０１２３４５６７８９")
TRAD = str.maketrans({"书": "書", "读": "讀", "会": "會", "讲": "講", "图": "圖", "馆": "館", "亲": "親", "动": "動", "阅": "閱", "乐": "樂"})
CN_NUM = "零一二三四五六七八九十"


def cn(n):
    if n <= 10:
        return CN_NUM[n]
    if n < 20:
        return "十" + (CN_NUM[n - 10] if n > 10 else "")
    return CN_NUM[n // 10] + "十" + (CN_NUM[n % 10] if n % 10 else "")


class City:
    def __init__(self, key, rng):
        self.key = key
        self.c = CITIES[key]
        self.rng = rng
        self.m = OrderedDict((x[0], x) for x in self.c["members"])
        self.brands = {b[0]: b for b in self.c["brands"]}
        self.brand_of_lib = {}
        for b in self.c["brands"]:
            self.brand_of_lib.setdefault(b[2], []).append(b)
        self.camps = [(c[0], c[1], date.fromisoformat(c[2]), date.fromisoformat(c[3])) for c in self.c["campaigns"]]
        self.activities = []
        self.slots = set()  # (library, date, hour, venue_key) used -> avoid accidental twins
        self.n_label = 0

    # ------------------------------------------------------------ helpers
    def name(self, lid):
        return self.m[lid][1]

    def abbr(self, lid):
        return self.m[lid][4]

    def addr(self, lid):
        return self.m[lid][5]

    def rooms(self, lid):
        return self.m[lid][6]

    def kids_lib(self, lid):
        return lid if lid in self.m else None

    def parent(self, lid):
        return self.m[lid][3]

    def campaign_for(self, d):
        hits = [c for c in self.camps if c[2] <= d <= c[3]]
        # prefer the narrowest window
        hits.sort(key=lambda c: (c[3] - c[2]).days)
        return hits[0] if hits else None

    def new_label(self):
        self.n_label += 1
        return f"{self.key[-2:]}-{self.n_label:05d}"

    def rand_date(self, lo=None, hi=None):
        lo = lo or date(YEAR, 1, 5)
        hi = hi or date(YEAR, 12, 20)
        return lo + timedelta(days=self.rng.randrange((hi - lo).days + 1))

    def free(self, lid, d, hour, vkey):
        k = (lid, d, hour, vkey)
        if k in self.slots:
            return False
        self.slots.add(k)
        return True

    def pick_room(self, lid, kind):
        r = self.rooms(lid)
        for k in ([kind] if kind in r else []) + ["hall", "mfh", "room", "kids", "lobby"]:
            if k in r:
                return k
        return sorted(r)[0]

    def cohosts_for(self, host):
        """Plausible co-hosts: parent, children, central, siblings."""
        rng = self.rng
        cands = []
        p = self.parent(host)
        if p:
            cands.append(p)
        cands += [x for x in self.m if self.parent(x) == host]
        if p:
            cands += [x for x in self.m if self.parent(x) == p and x != host]
        if host != list(self.m)[0] and list(self.m)[0] not in cands:
            cands.append(list(self.m)[0])
        out = []
        for x in cands:
            if x not in out and x != host:
                out.append(x)
        rng.shuffle(out)
        return out

    # ------------------------------------------------------------ activity factory
    def base_activity(self, host, title, category, start, dur, vkey=None, place=None, **kw):
        a = dict(label=self.new_label(), host=host, title=title, category=category, start=start, dur=dur,
                 vkey=vkey, place=place, brand=None, cohosts=[], family=kw.pop("family", "plain"), n=1,
                 strict_time=False, name_place=False, audience=None, partners=[], session_word=None,
                 postponed=None, cancelled=False, online=False, all_day_event=False, prefix=None)
        a.update(kw)
        c = self.campaign_for(start.date())
        a["campaign"] = c
        self.activities.append(a)
        return a

    def gen_title_core(self, host, kind):
        rng, c = self.rng, self.c
        if kind == "lecture":
            return f"{rng.choice(c['local_topics'])}", "lecture", 120, "hall", "成人读者"
        if kind == "book":
            return f"共读{rng.choice(BOOKS)}读书分享会", "reading_club", 120, "mfh", "成人读者"
        if kind == "story":
            return f"绘本故事会：{rng.choice(PICTURE)}", "children", 60, "kids", "3-8岁儿童及家长"
        if kind == "parent":
            return rng.choice(["亲子共读", "亲子阅读手工坊", "亲子绘本剧场", "小小图书管理员体验"]) + f"·{rng.choice(PICTURE)}", "parent_child", 90, "kids", "亲子家庭"
        if kind == "heritage":
            return f"非遗进书香·{rng.choice(c['heritage'])}体验课", "training", 120, "mfh", "青少年及家长"
        if kind == "training":
            return rng.choice(["智能手机使用培训（老年专场）", "数字资源使用培训", "基层图书管理员业务培训", "古籍修复入门培训",
                               "国家数字文化网使用指导", "少儿编程体验课"]), ("training" if rng.random() < .7 else "digital"), 120, "mfh", None
        if kind == "screening":
            return f"公益电影放映：{rng.choice(['《我和我的祖国》', '《长津湖》', '《流浪地球》', '《城南旧事》', '《寻梦环游记》', '《疯狂动物城》', '《横空出世》', '《焦裕禄》'])}", "screening", 120, "hall", None
        if kind == "access":
            return rng.choice(["视障读者听书会", "“心阅书香”视障读者电影讲述", "残障人士读书文化日", "手语读书分享会"]), "accessibility", 90, "hall", "视障读者及残障人士"
        if kind == "salon":
            return f"读书沙龙：{rng.choice(['聊聊', '重读', '走近'])}{rng.choice(BOOKS)}", "salon", 120, "mfh", None
        if kind == "contest":
            return rng.choice(["经典诵读比赛", "少儿讲故事比赛", "硬笔书法大赛", "读书征文比赛", "“我最喜爱的一本书”演讲比赛", "中华诗词知识竞赛"]), "contest", 180, "hall", None
        raise ValueError(kind)

    def build(self, target_lines):
        rng = self.rng
        libs = list(self.m)
        hosts_w = []
        for lid in libs:
            tier = self.m[lid][2]
            w = {"central": 14, "district": 8, "county": 8, "branch": 4, "service_point": 2}[tier]
            hosts_w += [lid] * w
        kinds = ["lecture", "book", "story", "parent", "heritage", "training", "screening", "access", "salon", "contest"]
        kinds_w = [14, 10, 14, 10, 7, 7, 5, 3, 6, 4]
        total = 0
        guard = 0
        # ------------- look-alike families first
        fam_builders = [self.fam_weekly, self.fam_multibranch, self.fam_parallel, self.fam_sessions, self.fam_later_same_hall,
                        self.fam_same_book, self.fam_replay, self.fam_contest_stages, self.fam_exhibition_tour,
                        self.fam_mobile_route, self.fam_campaign_kickoff_vs_event]
        for _round in range(9):
            for fb in fam_builders:
                fb()
        total = sum(a["n"] for a in self.activities)
        while total < target_lines and guard < 100000:
            guard += 1
            host = rng.choice(hosts_w)
            kind = rng.choices(kinds, kinds_w)[0]
            core, cat, dur, vkind, aud = self.gen_title_core(host, kind)
            d = self.rand_date()
            if kind in ("story", "parent") and rng.random() < .6:
                while d.weekday() < 5:
                    d += timedelta(days=1)
            hour = rng.choice([9, 9, 10, 10, 14, 14, 15, 15, 16, 19]) if kind != "story" else rng.choice([10, 10, 15, 16])
            minute = rng.choice([0, 0, 0, 30])
            place = None
            vkey = self.pick_room(host, vkind)
            if rng.random() < .12 and self.m[host][2] in ("central", "district", "county"):
                place = rng.choice(self.c["places"])
                vkey = None
                cat = "outreach" if rng.random() < .6 else cat
                core = core + "进" + ("校园" if "学" in place[0] else "基层")
            if not self.free(host, d, hour, vkey or place[0]):
                continue
            brand = None
            if host in self.brand_of_lib and rng.random() < .45:
                b = rng.choice(self.brand_of_lib[host])
                if b[4] in (cat, "lecture") or rng.random() < .3:
                    brand = b
            title = core
            if brand:
                ed = rng.randint(40, 260)
                title = f"{brand[1]}第{ed}期：{core}" if rng.random() < .6 else f"{brand[1]}：{core}"
            a = self.base_activity(host, title, cat, datetime(d.year, d.month, d.day, hour, minute, tzinfo=CST), dur,
                                   vkey=vkey, place=place, brand=brand, audience=aud, core=core)
            if place and rng.random() < .7:
                a["partners"] = [place[0]]
            r = rng.random()
            n = 1 if r < .50 else 2 if r < .76 else 3 if r < .89 else 4 if r < .96 else rng.randint(5, 6)
            a_online = kind == "lecture" and not place and rng.random() < .12
            if a_online:
                n = max(n, 2)
            a["n"] = n
            if n > 1:
                co = self.cohosts_for(host)
                k = min(len(co), n - 1 if rng.random() < .75 else max(0, n - 2))
                a["cohosts"] = [(x, rng.choice(["organiser", "co_organiser", "co_organiser", "participant", "co_host"])) for x in co[:k]]
            if rng.random() < .04:
                a["postponed"] = rng.choice([7, 14, 21])
            if rng.random() < .02:
                a["cancelled"] = True
            a["online"] = a_online
            total += n
        return self.activities

    # ------------------------------------------------------------ look-alike families
    def big_libs(self):
        return [x for x in self.m if self.m[x][2] in ("central", "district", "county")]

    def fam_weekly(self):
        """Weekly series sessions: same room, same hour, different weeks, often the same title."""
        rng = self.rng
        host = rng.choice(self.big_libs())
        b = self.brand_of_lib.get(host)
        core, cat, dur, vkind, aud = self.gen_title_core(host, rng.choice(["story", "book", "parent"]))
        d0 = self.rand_date(hi=date(YEAR, 10, 31))
        while d0.weekday() != 5:
            d0 += timedelta(days=1)
        hour = rng.choice([10, 15])
        vkey = self.pick_room(host, vkind)
        same_title = rng.random() < .5
        series_name = (b[0][1] if b else rng.choice(["周末故事会", "周六悦读时光", "亲子共读营"]))
        ep0 = rng.randint(20, 200)
        for i in range(rng.randint(4, 7)):
            d = d0 + timedelta(days=7 * i)
            if not self.free(host, d, hour, vkey):
                continue
            t = series_name if same_title else f"{series_name}第{ep0 + i}期：" + self.gen_title_core(host, "story")[0].split("：")[-1]
            a = self.base_activity(host, t, cat, datetime(d.year, d.month, d.day, hour, 0, tzinfo=CST), dur, vkey=vkey,
                                   family="weekly_series", brand=b[0] if b else None, audience=aud, core=t)
            a["n"] = rng.choice([1, 1, 2, 2, 3])
            a["strict_date"] = True
            if a["n"] > 1:
                a["cohosts"] = [(x, "co_organiser") for x in self.cohosts_for(host)[:a["n"] - 1]]

    def fam_multibranch(self):
        """One programme at several branches the same hour (place is the only difference)."""
        rng = self.rng
        parents = [p for p in self.m if sum(1 for x in self.m if self.parent(x) == p) >= 2]
        p = rng.choice(parents)
        kids = [x for x in self.m if self.parent(x) == p]
        title = rng.choice(["“书香润童心”绘本共读", "全民阅读进社区·好书推荐会", "“我读书 我快乐”少儿朗读会", "“童心向党”红色故事会",
                            "防诈骗知识进书屋", "暑期小小志愿者招募见面会"])
        d = self.rand_date()
        hour = rng.choice([9, 10, 15])
        with_parent = rng.random() < .5
        for x in kids + ([p] if with_parent else []):
            vk = self.pick_room(x, "kids")
            if not self.free(x, d, hour, vk):
                continue
            a = self.base_activity(x, title, "children" if "童" in title or "少儿" in title else "outreach",
                                   datetime(d.year, d.month, d.day, hour, 0, tzinfo=CST), 90, vkey=vk, family="multi_branch_same_hour",
                                   name_place=True, core=title)
            a["n"] = rng.choice([1, 1, 2])
            if a["n"] == 2:
                a["cohosts"] = [(p, "co_organiser")] if x != p and not with_parent else []
                a["parent_announces"] = x != p and not with_parent

    def fam_parallel(self):
        """Parallel sessions in one building: same start, different rooms and programmes under one campaign banner."""
        rng = self.rng
        host = rng.choice([x for x in self.big_libs() if len(self.rooms(x)) >= 3])
        d = self.rand_date(date(YEAR, 4, 18), date(YEAR, 4, 26)) if rng.random() < .6 else self.rand_date()
        hour = rng.choice([9, 14])
        banner = rng.choice(["“书香满城”读书日主题活动", "图书馆开放日", "全民阅读嘉年华"])
        used = []
        for kind in ["story", "lecture", "heritage"]:
            core, cat, dur, vkind, aud = self.gen_title_core(host, kind)
            vk = self.pick_room(host, vkind)
            if vk in used or not self.free(host, d, hour, vk):
                continue
            used.append(vk)
            t = f"{banner}·{core}"
            a = self.base_activity(host, t, cat, datetime(d.year, d.month, d.day, hour, 30, tzinfo=CST), dur, vkey=vk,
                                   family="parallel_sessions", name_place=True, audience=aud, core=t)
            a["n"] = rng.choice([1, 2, 2, 3])
            a["cohosts"] = [(x, "co_organiser") for x in self.cohosts_for(host)[:a["n"] - 1]]

    def fam_sessions(self):
        """第一场 / 第二场 an hour apart in the same room; the 场次 word is kept in every line."""
        rng = self.rng
        host = rng.choice(self.big_libs())
        core, cat, dur, vkind, aud = self.gen_title_core(host, rng.choice(["parent", "heritage", "training"]))
        vk = self.pick_room(host, vkind)
        d = self.rand_date()
        hour = rng.choice([9, 14])
        for i, w in enumerate(["第一场", "第二场"] + (["第三场"] if rng.random() < .3 else [])):
            h = hour + i
            if not self.free(host, d, h, vk):
                continue
            t = f"{core}（{w}）"
            a = self.base_activity(host, t, cat, datetime(d.year, d.month, d.day, h, 0, tzinfo=CST), 50, vkey=vk,
                                   family="first_second_session", strict_time=True, session_word=w, audience=aud, core=t)
            a["n"] = rng.choice([1, 2, 2, 3])
            a["cohosts"] = [(x, "co_organiser") for x in self.cohosts_for(host)[:a["n"] - 1]]

    def fam_later_same_hall(self):
        """Another event in the same hall later that day."""
        rng = self.rng
        host = rng.choice(self.big_libs())
        vk = self.pick_room(host, "hall")
        d = self.rand_date()
        for h, kind in ((9, "lecture"), (14, "salon"), (19, "screening")):
            if rng.random() < .2 and h == 19:
                continue
            if not self.free(host, d, h, vk):
                continue
            core, cat, dur, vkind, aud = self.gen_title_core(host, kind)
            a = self.base_activity(host, core, cat, datetime(d.year, d.month, d.day, h, 30 if h == 9 else 0, tzinfo=CST), dur,
                                   vkey=vk, family="same_hall_later_that_day", strict_time=True, audience=aud, core=core)
            a["n"] = rng.choice([1, 2, 3])
            a["cohosts"] = [(x, "co_organiser") for x in self.cohosts_for(host)[:a["n"] - 1]]

    def fam_same_book(self):
        """The same book read at different months and libraries."""
        rng = self.rng
        book = rng.choice(BOOKS)
        libs = rng.sample(self.big_libs(), 3)
        for i, lid in enumerate(libs):
            d = self.rand_date(date(YEAR, 1 + 4 * i, 3), date(YEAR, 3 + 4 * i, 25))
            vk = self.pick_room(lid, "mfh")
            if not self.free(lid, d, 15, vk):
                continue
            t = rng.choice([f"共读{book}读书分享会", f"{book}共读会", f"好书共读：{book}"])
            a = self.base_activity(lid, t, "reading_club", datetime(d.year, d.month, d.day, 15, 0, tzinfo=CST), 120, vkey=vk,
                                   family="same_book_other_month_or_library", strict_date=True, core=t)
            a["n"] = rng.choice([1, 2, 2])
            a["cohosts"] = [(x, "co_organiser") for x in self.cohosts_for(lid)[:a["n"] - 1]]

    def fam_replay(self):
        """(own) A lecture and its replay screening (线上回放/录播重映) a week later."""
        rng = self.rng
        host = list(self.m)[0]
        b = self.brand_of_lib[host][0]
        topic = rng.choice(self.c["local_topics"])
        d = self.rand_date(hi=date(YEAR, 12, 1))
        vk = self.pick_room(host, "hall")
        if not self.free(host, d, 9, vk):
            return
        t = f"{b[1]}：{topic}"
        a = self.base_activity(host, t, "lecture", datetime(d.year, d.month, d.day, 9, 30, tzinfo=CST), 120, vkey=vk,
                               family="lecture_vs_replay", brand=b, core=topic, strict_date=True)
        a["n"] = rng.choice([2, 3])
        a["cohosts"] = [(x, "co_organiser") for x in self.cohosts_for(host)[:a["n"] - 1]]
        d2 = d + timedelta(days=7)
        vk2 = self.pick_room(host, "mfh")
        if self.free(host, d2, 9, vk2):
            t2 = f"{b[1]}录播回放：{topic}"
            a2 = self.base_activity(host, t2, "screening", datetime(d2.year, d2.month, d2.day, 9, 30, tzinfo=CST), 120, vkey=vk2,
                                    family="lecture_vs_replay", brand=b, core=t2, strict_date=True, keep_word="回放")
            a2["n"] = rng.choice([1, 2])

    def fam_contest_stages(self):
        """(own) 初赛 / 复赛 / 决赛 of one contest on different days; the stage word is kept."""
        rng = self.rng
        host = rng.choice(self.big_libs())
        name = rng.choice(["少儿讲故事比赛", "经典诵读大赛", "中华诗词知识竞赛", "“书香家庭”读书演讲比赛"])
        d = self.rand_date(hi=date(YEAR, 11, 1))
        vk = self.pick_room(host, "hall")
        for i, w in enumerate(["初赛", "复赛", "决赛"]):
            dd = d + timedelta(days=7 * i)
            if not self.free(host, dd, 9, vk):
                continue
            t = f"{YEAR}年{name}{w}"
            a = self.base_activity(host, t, "contest", datetime(dd.year, dd.month, dd.day, 9, 0, tzinfo=CST), 180, vkey=vk,
                                   family="contest_stages", session_word=w, core=t, strict_date=True)
            a["n"] = rng.choice([1, 2, 3])
            a["cohosts"] = [(x, rng.choice(["organiser", "co_organiser"])) for x in self.cohosts_for(host)[:a["n"] - 1]]

    def fam_exhibition_tour(self):
        """(own) A multi-day exhibition vs its opening ceremony / guided tour in the same hall."""
        rng = self.rng
        host = rng.choice([x for x in self.big_libs() if "exh" in self.rooms(x) or "lobby" in self.rooms(x)])
        vk = "exh" if "exh" in self.rooms(host) else "lobby"
        topic = rng.choice(["馆藏老照片展", "地方文献珍品展", "“典籍里的中国”图片展", "少儿书画作品展", "非遗技艺图片展", "红色经典连环画展"])
        d = self.rand_date(hi=date(YEAR, 11, 20))
        if not self.free(host, d, 0, vk):
            return
        a = self.base_activity(host, topic, "exhibition", datetime(d.year, d.month, d.day, 0, 0, tzinfo=CST), 0, vkey=vk,
                               family="exhibition_vs_its_opening", all_day_event=True, days=rng.choice([10, 14, 20, 30]), core=topic)
        a["n"] = rng.choice([1, 2, 3])
        a["cohosts"] = [(x, "co_organiser") for x in self.cohosts_for(host)[:a["n"] - 1]]
        w = rng.choice(["开幕式", "专场导览"])
        dd = d if w == "开幕式" else d + timedelta(days=3)
        if self.free(host, dd, 10, vk):
            t = f"{topic}{w}"
            a2 = self.base_activity(host, t, "exhibition", datetime(dd.year, dd.month, dd.day, 10, 0, tzinfo=CST), 60, vkey=vk,
                                    family="exhibition_vs_its_opening", session_word=w, strict_time=True, core=t)
            a2["n"] = rng.choice([1, 2])

    def fam_mobile_route(self):
        """(own) The mobile library's route: the same 送书下乡 title in a different village each day."""
        rng = self.rng
        mob = [x for x in self.m if "mobile" in x][0]
        villages = [x for x in self.m if self.m[x][2] == "service_point" and x != mob]
        rng.shuffle(villages)
        title = rng.choice(["流动图书车送书下乡", "“书香进万家”流动服务", "流动图书馆进乡村"])
        d = self.rand_date()
        for i, v in enumerate(villages[:3]):
            dd = d + timedelta(days=i)
            if not self.free(mob, dd, 9, v):
                continue
            a = self.base_activity(mob, title, "outreach", datetime(dd.year, dd.month, dd.day, 9, 0, tzinfo=CST), 180,
                                   place=(self.name(v), self.addr(v)), family="mobile_route", name_place=True, strict_date=True,
                                   core=title)
            a["n"] = rng.choice([1, 2, 2])
            a["cohosts"] = [(v, "participant")] if a["n"] == 2 else []

    def fam_campaign_kickoff_vs_event(self):
        """(own) A campaign's launch ceremony (启动仪式) vs the main event launched with it, same hall, same morning."""
        rng = self.rng
        host = list(self.m)[0]
        c = rng.choice(self.camps)
        d = c[2] + timedelta(days=rng.randrange(0, 3))
        vk = self.pick_room(host, "lobby")
        if not self.free(host, d, 9, vk):
            return
        t = f"{YEAR}年{c[1]}启动仪式"
        a = self.base_activity(host, t, "festival", datetime(d.year, d.month, d.day, 9, 0, tzinfo=CST), 60, vkey=vk,
                               family="launch_vs_main_event", strict_time=True, session_word="启动仪式", core=t)
        a["n"] = rng.choice([2, 3, 4])
        a["cohosts"] = [(x, "co_organiser") for x in self.big_libs()[1:a["n"]]]
        core, cat, dur, vkind, aud = self.gen_title_core(host, "lecture")
        if self.free(host, d, 10, vk):
            t2 = f"{c[1]}首场活动：{core}"
            a2 = self.base_activity(host, t2, "lecture", datetime(d.year, d.month, d.day, 10, 30, tzinfo=CST), 90, vkey=vk,
                                    family="launch_vs_main_event", strict_time=True, core=t2)
            a2["n"] = rng.choice([1, 2])
            a2["cohosts"] = [(x, "co_organiser") for x in self.cohosts_for(host)[:a2["n"] - 1]]


# ---------------------------------------------------------------- announcement writers
class Writer:
    def __init__(self, city, rng):
        self.city = city
        self.rng = rng
        self.seq = Counter()
        self.var = Counter()

    def sref(self, lid, desk):
        self.seq[(lid, desk)] += 1
        n = self.seq[(lid, desk)]
        pre = {"web": "act", "wx": "wx_msg_", "desk2": "reg-", "sheet": "月表-", "proxy": "代报-", "live": "live-", "notice": "tz"}[desk]
        return f"{pre}{YEAR}{n:05d}" if desk != "sheet" else f"{pre}{n:04d}"

    def venue(self, a, sender, style):
        c = self.city
        rng = self.rng
        if a["place"]:
            nm, ad = a["place"]
            opts = ["full", "full", "addr", "short"]
            ch = rng.choice(opts)
            self.var["venue:" + ("outreach_" + ch)] += 1
            if ch == "addr":
                return {"name": nm, "address": ad}
            if ch == "short":
                short = nm.replace("第二实验小学", "二实小").replace("第一中学", "一中").replace("综合文化站", "文化站").replace("农家书屋", "书屋")
                short = short.replace("永安县", "").replace("陇溪县", "").replace("盈梅县", "").replace("瑞陇市", "")
                return {"name": short if short.strip() else nm}
            return {"name": nm}
        host = a["host"]
        floor, room = c.rooms(host)[a["vkey"]]
        lname, ab, ad = c.name(host), c.abbr(host), c.addr(host)
        if sender == host:
            opts = ["full", "full", "floor_room", "room", "abbr_room", "addr", "libname", "vague", "typo", "dir"]
        else:
            opts = ["full", "full", "full", "libname", "addr", "abbr_host", "typo"]
        if a["name_place"]:
            opts = [o for o in opts if o in ("full", "libname", "addr", "dir", "abbr_host")] or ["full"]
        if a["family"] == "parallel_sessions":
            opts = [o for o in opts if o in ("full", "dir")] + ["floor_room_lib"]
        ch = rng.choice(opts)
        if ch == "dir" and host not in self.city.c["directory"]:
            ch = "full"
        self.var["venue:" + ch] += 1
        if ch == "full":
            return {"name": f"{lname}{floor}{room}", **({"address": ad} if rng.random() < .3 else {})}
        if ch == "floor_room_lib":
            return {"name": f"{lname}（{floor}{room}）"}
        if ch == "floor_room":
            return {"name": f"{floor}{room}" if floor else room}
        if ch == "room":
            return {"name": room}
        if ch == "abbr_room":
            return {"name": f"{ab}{room}"}
        if ch == "abbr_host":
            return {"name": f"{ab}{floor}{room}" if sender != host and c.m[sender][3] == host else f"{lname}{room}"}
        if ch == "addr":
            return {"name": ad, "address": ad}
        if ch == "libname":
            return {"name": lname}
        if ch == "vague":
            return {"name": rng.choice(["本馆", "馆内", "图书馆", "详见海报", "本馆活动区"])}
        if ch == "typo":
            t = room.replace("报告厅", "报告听").replace("多功能厅", "多功能听").replace("阅览室", "阅揽室").replace("活动室", "活动是")
            if t == room:
                t = room + " "
            return {"name": (lname if sender != host else "") + floor + t}
        if ch == "dir":
            return {"name": f"{floor}{room}", "venue_id": f"{host}-{a['vkey']}"}
        raise ValueError(ch)

    def times(self, a, sender, style):
        rng = self.rng
        s = a["start"]
        if a["all_day_event"]:
            e = s + timedelta(days=a["days"], minutes=-1)
            if rng.random() < .5:
                self.var["time:exhibition_all_day"] += 1
                return s, e, True
            self.var["time:exhibition_opening_hours"] += 1
            return s.replace(hour=9), e.replace(hour=17, minute=0), False
        e = s + timedelta(minutes=a["dur"])
        opts = ["exact"] * 10 + ["signin", "signin", "rounded", "end_missing", "end_missing", "end_diff", "utc_export"]
        if not a["strict_time"]:
            opts += ["off_hour", "all_day", "all_day", "ampm"]
        if style == "sheet":
            opts = ["all_day"] * 3 + ["exact"] if not a["strict_time"] else ["exact"]
        ch = rng.choice(opts)
        if ch == "rounded" and s.minute == 0:
            ch = "exact"
        if ch == "ampm" and s.hour < 13:
            ch = "exact"
        self.var["time:" + ch] += 1
        if ch == "exact":
            return s, e, False
        if ch == "signin":
            d = timedelta(minutes=rng.choice([15, 20, 30]))
            return s - d, e, False
        if ch == "rounded":
            return s.replace(minute=0), e, False
        if ch == "end_missing":
            return s, s, False
        if ch == "end_diff":
            return s, e + timedelta(minutes=rng.choice([-30, 30, 60])), False
        if ch == "off_hour":
            d = timedelta(minutes=rng.choice([-60, -30, 30, 60]))
            return s + d, e + d, False
        if ch == "all_day":
            d0 = datetime(s.year, s.month, s.day, tzinfo=CST)
            return d0, d0 + timedelta(hours=23, minutes=59), True
        if ch == "utc_export":
            return s.astimezone(UTC0), e.astimezone(UTC0), False
        if ch == "ampm":
            return s - timedelta(hours=12), e - timedelta(hours=12), False  # description keeps 下午
        raise ValueError(ch)

    def title(self, a, sender, style, published_after):
        rng = self.rng
        c = self.city
        t = a["title"]
        core = a.get("core", t)
        if ":" in t or "：" in t:
            if rng.random() < .25 and a["family"] not in ("parallel_sessions",):
                t = t.split("：", 1)[1]
                self.var["title:brand_prefix_dropped"] += 1
        if published_after:
            self.var["title:report_phrasing"] += 1
            return rng.choice([f"{t}圆满举办", f"我馆成功举办{t}", f"【活动回顾】{t}", f"{c.abbr(sender)}开展{t}活动"])
        if style == "wx":
            self.var["title:wechat_repost"] += 1
            return f"{c.abbr(a['host']) if sender == a['host'] else c.name(sender)}｜{t}" + (rng.choice(EMOJI) if rng.random() < .5 else "")
        if style == "notice":
            self.var["title:notice_style"] += 1
            return f"关于举办“{t}”的通知"
        if style == "sheet":
            self.var["title:monthly_sheet"] += 1
            return f"{a['start'].month}月活动：{t}"
        r = rng.random()
        if r < .35:
            self.var["title:plain"] += 1
            return t
        deco = rng.choice(["lm", "yg", "welcome", "status", "emoji", "huodong", "campaign", "fullwidth", "space", "trad"])
        self.var["title:" + deco] += 1
        if deco == "lm":
            return "【联盟活动】" + t
        if deco == "yg":
            return "【活动预告】" + t
        if deco == "welcome":
            return t + rng.choice(["，欢迎参加！", " 欢迎参加", "（欢迎报名）"])
        if deco == "status":
            return rng.choice(["【报名中】", "【已满员】", ""]) + t + rng.choice(["", "（名额已满）", "（报名中）"])
        if deco == "emoji":
            return rng.choice(EMOJI) + t + rng.choice(EMOJI)
        if deco == "huodong":
            return t + ("读书分享活动" if a["category"] in ("reading_club", "salon") else "活动")
        if deco == "campaign":
            cp = a["campaign"]
            return (f"【{cp[1]}】" if cp else "【全民阅读】") + t
        if deco == "fullwidth":
            return t.translate(FW) + ("（" + str(YEAR) + "）").translate(FW)
        if deco == "space":
            return " ".join(t.split("：")) + " "
        if deco == "trad":
            return t.translate(TRAD)
        return t

    def organizers(self, a, sender, connector):
        rng = self.rng
        host = a["host"]
        roles = dict(a["cohosts"])
        if connector:
            self.var["orgs:connector_lists_all"] += 1
            out = [{"library_id": host, "role": "host"}]
            out += [{"library_id": x, "role": r} for x, r in a["cohosts"]]
            return out
        ch = rng.choice(["none", "none", "host_self", "self"])
        self.var["orgs:" + ch] += 1
        if ch == "none":
            return []
        if ch == "host_self":
            out = [{"library_id": host, "role": "host"}]
            if sender != host:
                out.append({"library_id": sender, "role": roles.get(sender, "co_organiser")})
            return out
        return [{"library_id": sender, "role": "host" if sender == host else roles.get(sender, "co_organiser")}]

    def announce(self, a):
        """All announcements of activity a: list of (pub_time, record)."""
        rng = self.rng
        c = self.city
        host = a["host"]
        senders = [host] + [x for x, _ in a["cohosts"]]
        n = a["n"]
        plan = []  # (sender, style)
        for i in range(n):
            if i < len(senders):
                s = senders[i]
                st = rng.choice(["web"] * 6 + ["wx", "wx", "notice"] + (["sheet"] if c.m[s][2] in ("service_point", "branch") else []))
            else:
                # extra copies: same library twice, proxy, live desk, report after the event
                s = rng.choice(senders)
                st = rng.choice(["desk2", "desk2", "wx", "report"] + (["live"] if a.get("online") else []))
                if c.m[s][2] == "service_point" and rng.random() < .5:
                    st = "proxy"
            plan.append((s, st))
        if a.get("online"):
            plan[-1] = (host, "live")
        if a.get("parent_announces") and n == 2:
            plan[1] = (c.parent(host), "web")
        connector_idx = None
        if a["cohosts"] and len(set(s for s, _ in plan)) > 1:
            connector_idx = rng.randrange(n)
        lead_days = rng.randint(2, 20)
        base_pub = a["start"] - timedelta(days=lead_days, hours=rng.randint(0, 12))
        out = []
        used_refs = []
        for i, (s, st) in enumerate(plan):
            pub = base_pub + timedelta(hours=rng.randint(0, 24 * max(1, lead_days - 1)) if i else 0)
            after = False
            if st == "report":
                pub = a["start"] + timedelta(days=rng.randint(1, 4))
                after = True
                st = "web"
            sender = s
            orgs_from = s
            desc_extra = ""
            if st == "proxy":
                sender = c.parent(s) or s
                self.var["channel:proxy_entry_by_parent"] += 1
                desc_extra = f"（{c.name(s)}报送，{c.abbr(sender)}代为录入）"
            if i == connector_idx:
                # the connector often arrives last
                if rng.random() < .45:
                    pub = a["start"] - timedelta(hours=rng.randint(2, 20))
                    self.var["order:connector_last"] += 1
            self.var["channel:" + st] += 1
            if st == "desk2":
                self.var["habit:same_library_twice"] += 1
            ti = self.title(a, s, st if st in ("wx", "notice", "sheet") else "web", after)
            if a["session_word"] and a["session_word"] not in ti:
                ti = ti + "（" + a["session_word"] + "）"
            if a.get("keep_word") and a["keep_word"] not in ti:
                ti = ti + "（" + a["keep_word"] + "）"
            sa, ea, allday = self.times(a, s, st)
            if st == "desk2" and not allday and rng.random() < .6:
                sa = sa + timedelta(minutes=10)
                ea = max(ea, sa)
                self.var["time:desk2_plus_10min"] += 1
            ven = self.venue(a, s, st)
            if st == "live":
                ven = {"name": f"{c.abbr(host)}线上直播间", "online_url": f"https://live.example.org/{c.key}/{a['label']}"}
            if sender != s:  # proxy: the parent sends it on behalf of the small library
                orgs = [{"library_id": s, "role": "organiser"}, {"library_id": host, "role": "host"}] if s != host else [{"library_id": host, "role": "host"}]
            else:
                orgs = self.organizers(a, s, i == connector_idx)
            if sender != host and not any(o["library_id"] == host for o in orgs) and rng.random() < .0:
                pass
            rec = OrderedDict()
            rec["library_id"] = sender
            ref = self.sref(sender, "proxy" if sender != s else ("web" if st in ("notice",) else st))
            rec["source_ref"] = ref
            rec["revision"] = 1
            rec["status"] = "scheduled"
            rec["title"] = ti[:200]
            desc = self.description(a, s, sa, allday, after) + desc_extra
            if rng.random() < .85:
                rec["description"] = desc
            rec["category"] = a["category"] if rng.random() < .85 else rng.choice([a["category"], "other", "children" if a["category"] == "parent_child" else "lecture" if a["category"] == "salon" else "other"])
            rec["starts_at"] = sa.isoformat()
            rec["ends_at"] = ea.isoformat()
            if allday:
                rec["all_day"] = True
            rec["venue"] = ven
            if orgs:
                rec["organizers"] = orgs
            if a.get("brand") and sender == a["brand"][2] and rng.random() < .7:
                rec["brand_id"] = a["brand"][0]
            cp = a["campaign"]
            if cp and rng.random() < .6 and cp[2] <= datetime.fromisoformat(rec["starts_at"]).astimezone(CST).date() <= cp[3]:
                rec["campaign_id"] = cp[0]
            if a.get("audience") and rng.random() < .5:
                rec["audience"] = a["audience"]
            if a["partners"]:
                rec["partners"] = a["partners"]
            if rng.random() < .3:
                rec["tags"] = rng.sample(["全民阅读", "书香" + c.c["region"][:2], "公益", "免费", "亲子", "一馆一品", "进社区", "非遗"], 2)
            if rng.random() < .25:
                rec["capacity"] = rng.choice([20, 30, 40, 50, 80, 100, 150])
            if rng.random() < .25:
                rec["contact"] = rng.choice(["0370-", "0692-"]) + f"{rng.randint(2000000, 8999999)}"
            if a.get("featured") or rng.random() < .05:
                rec["featured"] = True
            used_refs.append((pub, rec))
            out.append((pub, rec))
            # revisions of the same source_ref
            if rng.random() < .06 and not after:
                r2 = json.loads(json.dumps(rec))
                r2["revision"] = 2
                kind = rng.choice(["time", "title", "venue"])
                if kind == "time" and not allday and not a["strict_time"]:
                    nsa = datetime.fromisoformat(r2["starts_at"]) + timedelta(minutes=30)
                    nea = max(datetime.fromisoformat(r2["ends_at"]) + timedelta(minutes=30), nsa)
                    r2["starts_at"], r2["ends_at"] = nsa.isoformat(), nea.isoformat()
                elif kind == "title":
                    r2["title"] = (r2["title"].replace("【活动预告】", "") + "（更正）")[:200]
                else:
                    r2["venue"] = {"name": f"{c.name(host)}" if not a["place"] else a["place"][0]}
                self.var["revision:" + kind] += 1
                out.append((pub + timedelta(days=1), r2))
        if a["cancelled"]:
            pub, rec = out[0]
            r2 = json.loads(json.dumps(rec))
            r2["revision"] = rec["revision"] + 5
            r2["status"] = "cancelled"
            r2["title"] = ("【取消】" + r2["title"])[:200]
            self.var["revision:cancelled"] += 1
            out.append((max(p for p, _ in out) + timedelta(hours=1), r2))
        if a["postponed"]:
            # re-announcement under a new source_ref with the new date
            pub, rec = out[0]
            r2 = json.loads(json.dumps(rec))
            nd = a["postponed"]
            r2["source_ref"] = self.sref(rec["library_id"], "web")
            old = a["start"]
            for k in ("starts_at", "ends_at"):
                r2[k] = (datetime.fromisoformat(r2[k]) + timedelta(days=nd)).isoformat()
            r2["title"] = (rec["title"] + f"（延期至{(old + timedelta(days=nd)).month}月{(old + timedelta(days=nd)).day}日）")[:200]
            r2["description"] = f"原定于{old.month}月{old.day}日举行的“{a['title']}”因故延期，现定于{(old + timedelta(days=nd)).month}月{(old + timedelta(days=nd)).day}日举行，地点不变。"
            cp = r2.get("campaign_id")
            if cp:
                camp = [x for x in c.camps if x[0] == cp][0]
                if not (camp[2] <= datetime.fromisoformat(r2["starts_at"]).astimezone(CST).date() <= camp[3]):
                    del r2["campaign_id"]
            self.var["revision:postponed_reannounced"] += 1
            out.append((max(p for p, _ in out) + timedelta(hours=2), r2))
        return out

    def description(self, a, sender, sa, allday, after):
        c = self.city
        rng = self.rng
        s = a["start"]
        hh = s.hour if s.hour <= 12 else s.hour - 12
        when = f"{s.month}月{s.day}日" + ("" if a["all_day_event"] else ("上午" if s.hour < 12 else "下午" if s.hour < 18 else "晚上") + f"{hh}:{s.minute:02d}")
        where = a["place"][0] if a["place"] else c.name(a["host"]) + "".join(c.rooms(a["host"])[a["vkey"]])
        if after:
            return f"{when}，{c.name(a['host'])}在{where}举办“{a['title']}”，活动受到读者欢迎。"
        parts = [f"时间：{when}", f"地点：{where}"]
        if a["cohosts"] and rng.random() < .4:
            parts.append("主办：" + c.name(a["host"]) + "；协办：" + "、".join(c.name(x) for x, _ in a["cohosts"]))
        if rng.random() < .5:
            parts.append(rng.choice(["活动免费，名额有限，请提前报名。", "请读者提前15分钟签到入场。", "扫码关注公众号报名。", "欢迎广大读者踊跃参加！"]))
        if a["family"] == "weekly_series" or a.get("strict_date"):
            parts.insert(0, f"{s.month}月{s.day}日场")
        return "\n".join(parts)


def toml_str(s):
    return json.dumps(s, ensure_ascii=False)


def write_toml(city, path):
    c = city.c
    L = ["# holdout14 — invented alliance: " + c["region"], "[alliance]", f"id = {toml_str(c['alliance'][0])}",
         f"name = {toml_str(c['alliance'][1])}", f"name_en = {toml_str(c['alliance'][2])}", 'timezone = "Asia/Shanghai"', ""]
    for mid, nm, tier, parent, ab, ad, rooms in c["members"]:
        L += ["[[members]]", f"id = {toml_str(mid)}", f"name = {toml_str(nm)}", f"tier = {toml_str(tier)}"]
        if parent:
            L.append(f"parent = {toml_str(parent)}")
        L += [f"address = {toml_str(ad)}", ""]
    for mid in c["directory"]:
        for k, (floor, room) in city.rooms(mid).items():
            al = sorted({f"{city.abbr(mid)}{room}", f"{city.name(mid)}{floor}{room}", f"{city.name(mid)}{room}"} - {room})
            L += ["[[venues]]", f"id = {toml_str(mid + '-' + k)}", f"library_id = {toml_str(mid)}", f"name = {toml_str(room)}",
                  "aliases = [" + ", ".join(toml_str(x) for x in al) + "]", f"address = {toml_str(city.addr(mid))}", ""]
    for bid, nm, lib, since, cat, kw in c["brands"]:
        L += ["[[brands]]", f"id = {toml_str(bid)}", f"name = {toml_str(nm)}", f"library_id = {toml_str(lib)}", f"since = {since}",
              f"category = {toml_str(cat)}", "keywords = [" + ", ".join(toml_str(x) for x in kw) + "]", ""]
    for cid, nm, s, e in c["campaigns"]:
        L += ["[[campaigns]]", f"id = {toml_str(cid)}", f"name = {toml_str(nm)}", f"starts_on = {s}", f"ends_on = {e}", ""]
    L += ["[[coordinators]]", 'id = "office"', 'name = "联盟办"', f'email = "office@{c["alliance"][0]}.example.org"', ""]
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(L))


def main():
    summary = OrderedDict()
    for key, seed, target in (("city_ee", 1401, 2000), ("city_ff", 1402, 1980)):
        rng = random.Random(seed)
        city = City(key, rng)
        city.build(target)
        w = Writer(city, rng)
        rows = []
        for a in city.activities:
            for pub, rec in w.announce(a):
                rows.append((pub, a["label"], rec))
        # revision 1 must precede its later revisions; sort by publication time, stable
        rows.sort(key=lambda r: (r[0].astimezone(UTC0), r[2]["library_id"], r[2]["source_ref"], r[2]["revision"]))
        os.makedirs(os.path.join(HERE, key), exist_ok=True)
        write_toml(city, os.path.join(HERE, key, "alliance.toml"))
        groups = Counter()
        with open(os.path.join(HERE, key, "eval.jsonl"), "w", encoding="utf-8", newline="\n") as f:
            for pub, label, rec in rows:
                rec = OrderedDict(rec)
                rec["label"] = label
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
                groups[label] += 1
        hist = Counter(groups.values())
        fam = Counter(a["family"] for a in city.activities)
        summary[key] = OrderedDict([
            ("announcements", len(rows)), ("activities", len(groups)),
            ("true_pairs", sum(n * (n - 1) // 2 for n in groups.values())),
            ("group_size_histogram", OrderedDict((str(k), hist[k]) for k in sorted(hist))),
            ("lookalike_families_activities", OrderedDict(sorted(fam.items()))),
            ("variations", OrderedDict(sorted(w.var.items()))),
        ])
    with open(os.path.join(HERE, "summary.json"), "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(summary, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    main()
