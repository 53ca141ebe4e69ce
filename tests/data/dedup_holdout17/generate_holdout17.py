#!/usr/bin/env python3
"""Holdout set 17: two invented alliances (澜州 coastal prefecture, 岚山 mountain county-level city).
Stdlib only, fixed seeds, deterministic."""
import json, random, os
from datetime import datetime, timedelta, timezone
from collections import Counter

TZ = timezone(timedelta(hours=8))
OUT = os.path.dirname(os.path.abspath(__file__))

# ---------------------------------------------------------------- cities
KK = dict(
    key="kk", dir="city_kk", seed=1701, n_act=1000,
    alliance=("lanzhou", "澜州市全民阅读推广联盟", "Lanzhou Reading Alliance"),
    members=[
        # id, name, tier, parent, address, abbrevs
        ("kk-central", "澜州市图书馆", "central", None, "澜州市海港区望潮路88号", ["市馆", "市图", "澜图", "市图书馆"]),
        ("kk-hg", "海港区图书馆", "district", "kk-central", "澜州市海港区渔港北路12号", ["区馆", "区图", "海港区馆"]),
        ("kk-bj", "滨江区图书馆", "district", "kk-central", "澜州市滨江区月湾大道301号", ["区馆", "滨江图书馆", "滨图"]),
        ("kk-xs", "仙屿区图书馆", "district", "kk-central", "澜州市仙屿区环岛东路6号", ["区馆", "仙屿图书馆"]),
        ("kk-jy", "礁屿县图书馆", "county", "kk-central", "礁屿县城关镇海防路22号", ["县馆", "县图"]),
        ("kk-ya", "云岙县图书馆", "county", "kk-central", "云岙县岙口镇文昌街5号", ["县馆", "云岙图书馆"]),
        ("kk-hg-b1", "海港区图书馆渔港城市书房", "branch", "kk-hg", "海港区渔港南路3号渔人码头二层", ["渔港书房", "渔港城市书房"]),
        ("kk-hg-b2", "海港区图书馆灯塔书房", "branch", "kk-hg", "海港区灯塔路17号", ["灯塔书房"]),
        ("kk-bj-b1", "滨江区图书馆江滨分馆", "branch", "kk-bj", "滨江区江滨路99号", ["江滨分馆", "分馆"]),
        ("kk-bj-b2", "滨江区图书馆高新园分馆", "branch", "kk-bj", "滨江区高新园创业大厦1楼", ["高新园分馆", "分馆"]),
        ("kk-xs-b1", "仙屿区图书馆沙滩书吧", "branch", "kk-xs", "仙屿区金沙湾景区入口", ["沙滩书吧"]),
        ("kk-jy-b1", "礁屿县图书馆东岛分馆", "branch", "kk-jy", "礁屿县东岛乡渔政码头旁", ["东岛分馆"]),
        ("kk-bus", "澜州市图书馆流动图书车", "branch", "kk-central", "澜州市海港区望潮路88号（车库）", ["流动图书车", "图书大篷车"]),
        ("kk-sp-wc", "望潮街道图书服务点", "service_point", "kk-hg-b1", "海港区望潮街道党群服务中心", ["望潮街道服务点"]),
        ("kk-sp-ng", "南港街道图书服务点", "service_point", "kk-hg-b2", "海港区南港街道社区文化家园", ["南港服务点"]),
        ("kk-sp-db", "东埠街道图书服务点", "service_point", "kk-hg-b1", "海港区东埠街道新时代文明实践所", ["东埠服务点"]),
        ("kk-sp-yw", "月湾街道图书服务点", "service_point", "kk-bj-b1", "滨江区月湾街道邻里中心三楼", ["月湾服务点"]),
        ("kk-sp-jx", "江心街道图书服务点", "service_point", "kk-bj-b1", "滨江区江心街道文化站", ["江心服务点"]),
        ("kk-sp-gx", "高新街道图书服务点", "service_point", "kk-bj-b2", "滨江区高新街道青年之家", ["高新服务点"]),
        ("kk-sp-sw", "沙尾街道图书服务点", "service_point", "kk-xs-b1", "仙屿区沙尾街道社区服务中心", ["沙尾服务点"]),
        ("kk-sp-hd", "海堤街道图书服务点", "service_point", "kk-xs-b1", "仙屿区海堤街道文化活动室", ["海堤服务点"]),
        ("kk-sp-dd", "东岛乡农家书屋", "service_point", "kk-jy-b1", "礁屿县东岛乡东岛村村委会", ["东岛书屋"]),
    ],
    rooms={
        "kk-central": [("kk-v-hall", "报告厅", "一楼", ["一楼报告厅", "报告厅（一楼）"]),
                        ("kk-v-multi", "多功能厅", "三楼", ["三楼多功能厅"]),
                        ("kk-v-kids", "少儿阅览室", "二楼", ["二楼少儿阅览室", "少儿区"]),
                        ("kk-v-lobby", "大厅", "一楼", ["一楼大厅", "中庭"]),
                        ("kk-v-exh", "展厅", "负一楼", ["负一楼展厅", "B1展厅"]),
                        ("kk-v-garden", "屋顶阅读花园", "六楼", ["空中花园"])],
        "kk-hg": [("kk-hg-v-hall", "学术报告厅", "四楼", ["四楼报告厅"]), (None, "亲子阅读区", "二楼", []), (None, "研讨室", "三楼", [])],
        "kk-bj": [(None, "多功能厅", "二楼", []), (None, "少儿部", "一楼", []), (None, "数字体验区", "三楼", [])],
        "kk-xs": [(None, "海洋文献室", "二楼", []), (None, "报告厅", "一楼", [])],
        "kk-jy": [(None, "读者活动室", "二楼", []), (None, "少儿阅览室", "一楼", [])],
        "kk-ya": [(None, "多功能厅", "三楼", []), (None, "盲人阅览室", "一楼", [])],
    },
    brands=[("kk-br-lanhai", "澜海讲堂", "kk-central", "lecture", 2015), ("kk-br-chaosheng", "潮声读书会", "kk-hg", "reading_club", 2018),
            ("kk-br-hailuo", "小海螺绘本馆", "kk-bj", "children", 2019), ("kk-br-yudeng", "渔灯夜读", "kk-xs", "salon", 2020),
            ("kk-br-daoyu", "岛屿故事会", "kk-jy", "parent_child", 2017)],
    campaigns=[("kk-423", "4·23世界读书日", "2026-04-01", "2026-04-30"), ("kk-ocean", "澜州海洋文化阅读月", "2026-06-01", "2026-06-30"),
               ("kk-summer", "暑期少儿阅读季", "2026-07-05", "2026-08-31")],
    places=["望潮社区", "南港小学", "东埠渔村", "月湾社区", "海军某部营区", "高新园区企业服务中心", "澜州职业技术学院", "沙尾渔港", "海堤敬老院", "江心岛村"],
    wechat="澜州市图书馆", platform="lzwhy", boat_places=[],
)

LL = dict(
    key="ll", dir="city_ll", seed=1702, n_act=1000,
    alliance=("lanshan", "岚山市图书馆总分馆阅读联盟", "Lanshan Library Network"),
    members=[
        ("ll-central", "岚山市图书馆", "central", None, "岚山市岚峰街道文化路1号", ["市馆", "市图", "总馆", "岚图"]),
        ("ll-kids", "岚山市少年儿童图书馆", "district", "ll-central", "岚山市岚峰街道文化路3号", ["少儿馆", "少儿图书馆"]),
        ("ll-qs", "岚山市图书馆青石镇分馆", "branch", "ll-central", "青石镇人民路45号镇文化站二楼", ["青石分馆", "镇馆", "青石镇图书馆"]),
        ("ll-ys", "岚山市图书馆云溪乡分馆", "branch", "ll-central", "云溪乡集镇街18号", ["云溪分馆", "乡馆", "云溪乡图书馆"]),
        ("ll-bt", "岚山市图书馆白塔镇分馆", "branch", "ll-central", "白塔镇白塔路2号综合文化站", ["白塔分馆", "镇馆"]),
        ("ll-zl", "岚山市图书馆竹林镇分馆", "branch", "ll-central", "竹林镇竹海大道66号", ["竹林分馆", "镇馆"]),
        ("ll-gh", "岚山市图书馆高湖乡分馆", "branch", "ll-central", "高湖乡湖滨路8号", ["高湖分馆", "乡馆"]),
        ("ll-cf", "岚山市图书馆茶坊城市书房", "branch", "ll-central", "岚山市老街茶坊巷12号", ["茶坊书房", "城市书房"]),
        ("ll-boat", "岚山市图书馆岚湖流动书船", "branch", "ll-central", "高湖乡码头（停靠点）", ["书船", "流动书船", "岚湖书船"]),
        ("ll-bus", "岚山市图书馆流动图书车", "branch", "ll-central", "岚山市岚峰街道文化路1号", ["图书车", "流动图书车", "送书车"]),
        ("ll-sp-qs1", "青石镇石门村农家书屋", "service_point", "ll-qs", "青石镇石门村村委会一楼", ["石门村书屋"]),
        ("ll-sp-qs2", "青石镇枫岭村农家书屋", "service_point", "ll-qs", "青石镇枫岭村文化礼堂", ["枫岭书屋"]),
        ("ll-sp-ys1", "云溪乡上坪村农家书屋", "service_point", "ll-ys", "云溪乡上坪村祠堂旁", ["上坪书屋"]),
        ("ll-sp-bt1", "白塔镇塔下村农家书屋", "service_point", "ll-bt", "白塔镇塔下村党群服务中心", ["塔下书屋"]),
        ("ll-sp-bt2", "白塔镇溪口村农家书屋", "service_point", "ll-bt", "白塔镇溪口村文化礼堂", ["溪口书屋"]),
        ("ll-sp-zl1", "竹林镇竹海村农家书屋", "service_point", "ll-zl", "竹林镇竹海村老年活动中心", ["竹海书屋"]),
        ("ll-sp-gh1", "高湖乡湖心岛村农家书屋", "service_point", "ll-gh", "高湖乡湖心岛村", ["湖心岛书屋"]),
        ("ll-sp-gh2", "高湖乡渔家村农家书屋", "service_point", "ll-gh", "高湖乡渔家村码头", ["渔家书屋"]),
    ],
    rooms={
        "ll-central": [(None, "报告厅", "一楼", []), (None, "多功能厅", "四楼", []), (None, "电子阅览室", "三楼", []), (None, "大厅", "一楼", []), (None, "地方文献室", "五楼", [])],
        "ll-kids": [(None, "绘本馆", "一楼", []), (None, "活动室", "二楼", [])],
        "ll-qs": [(None, "阅览室", "二楼", [])], "ll-bt": [(None, "活动室", "一楼", [])],
        "ll-zl": [(None, "读者活动室", "一楼", [])], "ll-ys": [(None, "阅览室", "一楼", [])], "ll-gh": [(None, "阅览室", "二楼", [])],
        "ll-cf": [(None, "茶座区", "", [])],
    },
    brands=[("ll-br-dajiangtang", "岚山大讲堂", "ll-central", "lecture", 2014), ("ll-br-shanliwa", "山里娃读书会", "ll-kids", "children", 2016),
            ("ll-br-chaxiang", "茶香书韵", "ll-cf", "salon", 2021), ("ll-br-shuchuan", "书船漂流记", "ll-boat", "outreach", 2019),
            ("ll-br-yedu", "乡村夜读", "ll-qs", "reading_club", 2020)],
    campaigns=[("ll-423", "世界读书日", "2026-04-01", "2026-04-30"), ("ll-farm", "农民丰收节·书香乡村", "2026-09-15", "2026-09-30"),
               ("ll-summer", "暑期阅读季", "2026-07-01", "2026-08-31")],
    places=["石门村文化礼堂", "枫岭小学", "上坪村祠堂", "塔下村晒谷场", "竹海景区游客中心", "湖心岛码头", "岚山二中", "白塔中心小学", "市敬老院", "武警中队营区"],
    wechat="岚山市图书馆", platform="lsggwh", boat_places=["湖心岛码头", "渔家村码头", "高湖乡码头", "岚湖南岸栈桥", "鹭鸶湾渡口"],
)

TOPICS = {
    "lecture": ["海洋文明与城市记忆", "宋词里的四季", "家庭教育中的阅读力", "AI时代如何读书", "地方方言的前世今生", "中医养生与二十四节气", "红色家书里的初心", "古建筑中的营造智慧", "科学防诈骗知识讲座", "茶文化漫谈", "苏轼的旷达人生", "非遗技艺的传承之路"],
    "reading_club": ["《活着》共读", "《乡土中国》读书会", "《三体》分享会", "《额尔古纳河右岸》共读", "《人世间》读书分享", "《平凡的世界》共读", "《红星照耀中国》读书会", "《长安的荔枝》分享"],
    "salon": ["诗歌朗诵沙龙", "旧书交换沙龙", "城市漫步写作沙龙", "民谣与文学沙龙", "摄影与阅读沙龙"],
    "exhibition": ["海岛老照片展", "馆藏古籍珍本展", "少儿绘画作品展", "书法篆刻作品展", "非遗剪纸展"],
    "children": ["绘本故事会", "小小图书管理员体验", "科学小实验", "英文绘本阅读", "儿童手工坊", "童话剧表演"],
    "parent_child": ["亲子共读时光", "亲子手工课堂", "亲子诗词游戏", "亲子自然笔记"],
    "contest": ["青少年诵读大赛", "征文比赛", "知识竞赛", "书法比赛", "讲故事比赛"],
    "training": ["老年人智能手机培训", "数字资源使用培训", "公文写作培训", "短视频剪辑培训"],
    "outreach": ["图书进社区", "送书下乡", "阅读进军营", "图书进校园", "流动借阅服务"],
    "screening": ["周末电影放映", "经典老电影展映", "无障碍电影放映", "少儿动画放映"],
    "festival": ["读书节开幕式", "阅读嘉年华", "全民阅读启动仪式"],
    "digital": ["VR阅读体验", "数字阅读推广", "电子书借阅体验"],
    "accessibility": ["视障读者听书会", "手语读书会", "盲文阅读体验"],
}
CATS = list(TOPICS)
CAT_W = [14, 10, 6, 5, 14, 9, 5, 7, 8, 6, 2, 4, 3]
SPEAKERS = ["张晓明", "李文涛", "王静", "陈海峰", "刘芳", "林一帆", "黄志强", "周雯", "吴秀兰", "郑国平", "何晴", "许大海"]
AUDIENCES = ["3-6岁", "7-10岁", "8-12岁", "亲子家庭", "中小学生", "成人", "老年读者", "视障读者", "不限"]

def iso(dt): return dt.isoformat()

# ----------------------------------------------------------------- build
class City:
    def __init__(self, cfg):
        self.c = cfg; self.r = random.Random(cfg["seed"]); self.k = cfg["key"]
        self.mem = {m[0]: m for m in cfg["members"]}
        self.ids = [m[0] for m in cfg["members"]]
        self.bigs = [m[0] for m in cfg["members"] if m[2] in ("central", "district", "county")]
        self.branches = [m[0] for m in cfg["members"] if m[2] == "branch"]
        self.sps = [m[0] for m in cfg["members"] if m[2] == "service_point"]
        self.has_dir = any(v[0] for rr in cfg["rooms"].values() for v in rr)
        self.acts = []; self.anns = []; self.fam = Counter(); self.var = Counter()
        self.refn = Counter(); self.used = set()

    def name(self, lib): return self.mem[lib][1]
    def addr(self, lib): return self.mem[lib][4]
    def rooms(self, lib):
        return self.c["rooms"].get(lib) or [(None, "阅览区", "", [])]

    def ref(self, lib, style=None):
        self.refn[lib] += 1; n = self.refn[lib]; r = self.r
        style = style or r.choice(["num", "date", "uuid", "wx"])
        if style == "num": return f"{lib}-{n:04d}"
        if style == "date": return f"HD2026{n:05d}"
        if style == "wx": return f"mp.weixin/{r.getrandbits(40):010x}"
        return f"{r.getrandbits(64):016x}-{n}"

    # venue text variants ------------------------------------------------
    def venue_variants(self, lib, room):
        vid, rname, floor, aliases = room
        full = self.name(lib); ab = self.r.choice(self.mem[lib][5])
        vs = {
            "full": f"{full}{floor}{rname}", "full_nofloor": f"{full}{rname}", "room_floor": f"{floor}{rname}" if floor else rname,
            "room": rname, "abbr": f"{ab}{floor}{rname}", "abbr_room": f"{ab}{rname}", "address": self.addr(lib),
            "addr_room": f"{self.addr(lib)}{full}{floor}{rname}", "lib_only": full,
            "vague": self.r.choice(["详见海报", "待定", "线下", "另行通知", "见推文"]),
            "typo": (full.replace("图书馆", "图书官", 1) if self.r.random() < .5 else full.replace("馆", "舘", 1)) + rname,
            "fullwidth_space": f"{full} {floor}{rname} ", "bracket": f"{rname}（{full}{floor}）",
        }
        if aliases: vs["alias"] = self.r.choice(aliases)
        return vs

    def make_venue(self, lib, room, kind, allow_id=True):
        vs = self.venue_variants(lib, room)
        kind = kind if kind in vs else "full"
        v = {"name": vs[kind]}
        if kind in ("full", "full_nofloor", "abbr", "room_floor", "room", "alias", "bracket") and self.r.random() < .35:
            v["address"] = self.addr(lib)
        if allow_id and room[0] and self.r.random() < .5 and kind not in ("vague", "address", "typo"):
            v["venue_id"] = room[0]
        self.var["venue:" + kind] += 1
        return v

    # activities ---------------------------------------------------------
    def new_act(self, **kw):
        a = dict(kw); a["label"] = f"{self.k}-{len(self.acts)+1:04d}"; self.acts.append(a); return a

    def rand_day(self):
        return datetime(2026, 3, 2, tzinfo=TZ) + timedelta(days=self.r.randrange(0, 200))

    def base_act(self, fam="plain", host=None, cat=None, day=None, hour=None, title=None, room=None, cohosts=None, extra_place=None):
        r = self.r
        cat = cat or r.choices(CATS, CAT_W)[0]
        host = host or r.choices(self.ids, [6 if m in self.bigs else 3 if m in self.branches else 1 for m in self.ids])[0]
        if title is None:
            title = r.choice(TOPICS[cat])
            brand = next((b for b in self.c["brands"] if b[2] == host and r.random() < .6), None)
            if brand: title = f"{brand[1]}：{title}"
            if cat == "lecture" and r.random() < .4: title += f"——{r.choice(SPEAKERS)}"
        else:
            brand = None
        day = day or self.rand_day()
        if hour is None:
            hour = r.choice([(9, 0), (9, 30), (10, 0), (14, 0), (14, 30), (15, 0), (19, 0), (19, 30)])
        start = day.replace(hour=hour[0], minute=hour[1])
        dur = r.choice([60, 90, 120, 120, 150])
        allday = cat == "exhibition" and r.random() < .7
        if allday:
            start = day.replace(hour=0, minute=0); end = start + timedelta(days=r.choice([6, 13, 29]))
        else:
            end = start + timedelta(minutes=dur)
        room = room or r.choice(self.rooms(host))
        if cohosts is None:
            nco = r.choices([0, 1, 2, 3, 4], [30, 30, 20, 12, 8])[0]
            pool = [m for m in self.ids if m != host]
            kids = [m for m in pool if self.mem[m][3] == host]
            cohosts = r.sample(kids, min(len(kids), nco)) if kids and r.random() < .5 else r.sample(pool, nco)
        camp = next((c[0] for c in self.c["campaigns"] if c[2] <= start.date().isoformat() <= c[3]), None)
        outreach_place = extra_place or (r.choice(self.c["places"]) if cat == "outreach" or host in ("kk-bus", "ll-bus", "ll-boat") else None)
        return self.new_act(fam=fam, host=host, cat=cat, title=title, start=start, end=end, allday=allday, room=room,
                            cohosts=cohosts, brand=brand[0] if brand else None, camp=camp, place=outreach_place,
                            audience=r.choice(AUDIENCES), capacity=r.choice([None, 20, 30, 50, 80, 100, 200]))

    # announcements -------------------------------------------------------
    def deco(self, title, act):
        r = self.r; t = title; tags = []
        if r.random() < .55:
            k = r.choice(["pre", "suf_act", "suf_share", "emoji", "reg", "full", "welcome", "nobrand", "sep_lib", "date_in", "fw", "issue", "repost", "speaker_drop", "space"])
            tags.append(k)
            if k == "pre": t = r.choice(["【联盟活动】", "【活动预告】", "【预告】", "[活动]", "【周末去哪儿】"]) + t
            elif k == "suf_act": t = t + ("活动" if not t.endswith("活动") else "")
            elif k == "suf_share": t = t + "读书分享活动"
            elif k == "emoji": t = r.choice(["📚", "🎉", "✨", "🌊", "⛰️", "🔥"]) + t + r.choice(["", "🎈", "📖"])
            elif k == "reg": t = t + r.choice(["（报名中）", "|报名中", "·火热报名中"])
            elif k == "full": t = t + r.choice(["（已满员）", "【名额已满】"])
            elif k == "welcome": t = t + r.choice(["，欢迎参加！", " 欢迎参加", "，等你来！"])
            elif k == "nobrand" and "：" in t: t = t.split("：", 1)[1]
            elif k == "sep_lib": t = f"{t} | {self.c['wechat']}"  # (own) WeChat account suffix
            elif k == "date_in":  # (own) spreadsheet/WeChat date in title
                s = act["start"]; t = f"{s.month}月{s.day}日（周{'一二三四五六日'[s.weekday()]}）{t}"
            elif k == "fw":  # (own) full-width punctuation/digits from Word paste
                t = t.replace(":", "：").translate(str.maketrans("0123456789-", "０１２３４５６７８９－")).replace("《", "〈").replace("》", "〉")
            elif k == "issue" and "：" in t: t = t.replace("：", f"（第{r.randint(5,60)}期）：", 1)  # (own) issue number
            elif k == "repost": t = r.choice(["转发｜", "转：", "【转】"]) + t  # (own) repost prefix
            elif k == "speaker_drop" and "——" in t: t = t.split("——")[0]
            elif k == "space": t = " " + t.replace("：", " ： ") + "  "  # (own) stray spaces from export
        for k in tags: self.var["title:" + k] += 1
        return t[:200]

    def start_var(self, act, allow=True):
        """returns (start, end, all_day, tag)"""
        r = self.r; s, e = act["start"], act["end"]
        if act["allday"]:
            k = r.choice(["same", "same", "midnight", "open_hour"])
            if k == "same": return s, e, True, "allday"
            if k == "midnight": return s, s.replace(hour=23, minute=59), False, "allday_midnight_export"  # (own)
            return s.replace(hour=9), e.replace(hour=17), False, "allday_open_hours"
        if not allow: return s, e, False, "exact"
        k = r.choices(["exact", "signin", "round", "off", "noend", "dateonly", "utc", "endvar"], [40, 12, 8, 6, 10, 5, 6, 8])[0]
        if k == "signin": ns = s - timedelta(minutes=r.choice([15, 20, 30])); ne = e
        elif k == "round": ns = s.replace(minute=0) if s.minute else s - timedelta(hours=0); ne = e
        elif k == "off": ns = s + timedelta(minutes=r.choice([-60, -45, 30, 45, 60])); ne = ns + (e - s)
        elif k == "noend": ns = s; ne = s  # partner system writes end = start when unknown
        elif k == "dateonly":
            d0 = s.replace(hour=0, minute=0)
            return d0, d0, True, "dateonly"
        elif k == "utc":  # (own) partner platform sends UTC
            ns = s.astimezone(timezone.utc); ne = e.astimezone(timezone.utc)
        elif k == "endvar": ns = s; ne = e + timedelta(minutes=r.choice([-30, 30, 60]))
        else: ns, ne = s, e
        return ns, ne, False, k

    def emit(self, act, lib, *, pub, ref=None, rev=1, status="scheduled", orgs="self", title=None, venue_kind=None,
             time=None, note=None, connecting=False, same_lib_dup=False):
        r = self.r
        title = title or self.deco(act["title"], act)
        if time is None: time = self.start_var(act, allow=lib != act["host"] or r.random() < .3)
        s, e, ad, tk = time; self.var["time:" + tk] += 1
        if venue_kind is None:
            venue_kind = r.choice(["full", "full_nofloor", "room_floor", "room", "abbr", "abbr_room", "address", "addr_room", "lib_only", "vague", "typo", "fullwidth_space", "bracket", "alias"]
                                  ) if r.random() < .7 else "full"
        vlib = act["host"]
        if act["place"]:
            vk = r.choice(["place", "place_onsite", "place_bus", "vague"])
            nm = {"place": act["place"], "place_onsite": act["place"] + "（现场）",
                  "place_bus": f"{act['place']}（{self.name(vlib)}停靠点）", "vague": "活动现场"}[vk]
            venue = {"name": nm}; self.var["venue:" + vk] += 1
        else:
            venue = self.make_venue(vlib, act["room"], venue_kind, allow_id=self.has_dir)
        if orgs == "self": org = []
        elif orgs == "host_me": org = [{"library_id": act["host"], "role": "host"}] + ([{"library_id": lib, "role": r.choice(["co_host", "co_organiser", "organiser"])}] if lib != act["host"] else [])
        elif orgs == "all":
            org = [{"library_id": act["host"], "role": "host"}] + [{"library_id": c, "role": r.choice(["co_host", "co_organiser", "participant"])} for c in act["cohosts"]]
        elif orgs == "none": org = []
        sub = {"library_id": lib, "source_ref": ref or self.ref(lib), "revision": rev, "status": status, "title": title,
               "category": act["cat"] if r.random() > .08 else "other",  # (own) partner maps category to other
               "starts_at": iso(s), "ends_at": iso(e), "venue": venue, "organizers": org}
        if ad: sub["all_day"] = True
        if act["brand"] and r.random() < .7: sub["brand_id"] = act["brand"]
        if act["camp"] and r.random() < .6: sub["campaign_id"] = act["camp"]
        if r.random() < .5: sub["audience"] = act["audience"]
        if act["capacity"] and r.random() < .5: sub["capacity"] = act["capacity"]
        if r.random() < .4: sub["contact"] = r.choice(["0", "1"]) + f"{r.randint(10**9, 10**10-1)}"[:10]
        desc = []
        if note: desc.append(note)
        if r.random() < .5:
            desc.append(f"活动地点：{act['place'] if act['place'] else self.name(vlib) + act['room'][2] + act['room'][1]}；请提前10分钟签到。")
        if r.random() < .2: desc.append(f"签到时间：{(act['start']-timedelta(minutes=20)).strftime('%H:%M')}")
        if desc: sub["description"] = "\n".join(desc)
        if r.random() < .15: sub["tags"] = r.sample(["全民阅读", "亲子", "公益", "免费", "非遗", "海洋", "乡村振兴"], 2)
        sub["label"] = act["label"]
        self.anns.append((pub, len(self.anns), sub))
        return sub

    def pub_time(self, act, lag_days):
        return act["start"] - timedelta(days=lag_days, minutes=self.r.randrange(0, 600))

    def announce(self, act, size):
        """size announcements for act, from host and cohosts, with habits."""
        r = self.r; host = act["host"]; cos = list(act["cohosts"])
        plan = []  # list of (kind)
        if size == 1:
            self.emit(act, host, pub=self.pub_time(act, r.randint(2, 20)), orgs=r.choice(["self", "all", "host_me"]) if cos else "self")
            self.fam["single"] += 1; return
        n = size; lag0 = r.randint(8, 25)
        slots = []
        # host first
        slots.append("host")
        n -= 1
        # possibly revision / cancellation / dup
        extras = []
        if n and r.random() < .18: extras.append("revision"); n -= 1
        if n and r.random() < .10: extras.append("samelib_dup"); n -= 1
        if n >= 2 and r.random() < .07: extras.append("postpone"); n -= 2
        if n and r.random() < .10: extras.append("cohost_upload_by_parent"); n -= 1
        # remaining from cohosts (top up cohosts if needed)
        pool = [m for m in self.ids if m != host and m not in cos and m not in act.get("excl", ())]
        while len(cos) < n and pool:
            c = r.choice(pool); pool.remove(c); cos.append(c)
        act["cohosts"] = cos
        co_ann = cos[:n]
        connecting_last = co_ann and r.random() < .45
        host_ref = self.ref(host); hrev = 1
        lag = lag0
        # host
        host_orgs = "all" if (not connecting_last and r.random() < .5) else r.choice(["self", "none", "host_me"])
        hs = self.emit(act, host, pub=self.pub_time(act, lag), ref=host_ref, orgs=host_orgs)
        self.fam["group"] += 1
        for i, c in enumerate(co_ann):
            lag = max(0, lag - r.randint(0, 4))
            last = connecting_last and i == len(co_ann) - 1
            orgs = "all" if last else r.choice(["host_me", "self", "none", "host_me"])
            if last: self.var["order:connecting_last"] += 1
            self.emit(act, c, pub=self.pub_time(act, lag) + (timedelta(days=2) if last else timedelta()), orgs=orgs)
        for x in extras:
            self.var["extra:" + x] += 1
            if x == "revision":
                # same source_ref, higher revision (time fix / venue fix / cancellation)
                kind = r.choice(["fix", "fix", "cancel", "title"])
                st = "cancelled" if kind == "cancel" else "scheduled"
                title = ("【取消】" + act["title"]) if kind == "cancel" and r.random() < .5 else (act["title"] + "（更新）" if kind == "title" else None)
                self.emit(act, host, pub=self.pub_time(act, max(0, lag - 1)) + timedelta(hours=20), ref=host_ref,
                          rev=(hrev := r.choice([2, 2, 3, int(r.randint(10**8, 2 * 10**8))])), status=st, title=title, orgs=host_orgs,
                          time=(act["start"], act["end"], act["allday"], "exact"))
            elif x == "samelib_dup":
                who = r.choice([host] + co_ann)
                if act["allday"] or r.random() < .5:
                    t = act["title"].replace("：", " · ") + r.choice(["", "（第二轮报名）", "（重发）"])  # slightly different title
                    if t == act["title"]: t = act["title"] + "。"
                    self.emit(act, who, pub=self.pub_time(act, 1), title=t, orgs="self", time=(act["start"], act["end"], act["allday"], "exact"))
                else:
                    d = timedelta(minutes=r.choice([-10, 10]))
                    self.emit(act, who, pub=self.pub_time(act, 1), title=act["title"], orgs="self",
                              time=(act["start"] + d, act["end"] + d, False, "tenmin"))
            elif x == "postpone":
                # cancelled original, re-announced at new date under a new source_ref; activity moves
                self.emit(act, host, pub=self.pub_time(act, 1), ref=host_ref, rev=hrev + 1, status="cancelled", orgs=host_orgs,
                          title="【延期】" + act["title"], time=(act["start"], act["end"], act["allday"], "exact"),
                          note="因天气原因，本次活动延期举行，具体时间另行通知。")
                nd = r.choice([3, 5, 10, 11])
                new_s, new_e = act["start"] + timedelta(days=nd), act["end"] + timedelta(days=nd)
                self.emit(act, host, pub=act["start"] + timedelta(days=1), title=act["title"] + "（延期后重新开放报名）", orgs=host_orgs,
                          time=(new_s, new_e, act["allday"], "postponed"), note=f"原定{act['start'].month}月{act['start'].day}日的活动延期至本日举行。")
            elif x == "cohost_upload_by_parent":  # (own) district library uploads on behalf of a branch, listing branch as host
                par = self.mem[host][3] or r.choice(self.bigs)
                if par == host: par = r.choice([b for b in self.bigs if b != host])
                sub = self.emit(act, par, pub=self.pub_time(act, max(0, lag - 2)), orgs="host_me",
                                note=f"（代{self.name(host)}发布）")
                sub["organizers"] = [{"library_id": host, "role": "host"}] + ([{"library_id": par, "role": "participant"}] if par != host else [])
                self.var["own:parent_uploads_for_child"] += 1

    # look-alike families -------------------------------------------------
    def sizes(self, n):
        out = []
        for _ in range(n):
            if self.r.random() < .45: out.append(1)
            else: out.append(self.r.choices([2, 3, 4, 5, 6, 7, 8, 9], [50, 25, 10, 6, 4, 2, 2, 1])[0])
        return out

    def run(self):
        r = self.r
        N = self.c["n_act"]
        fams = []
        # look-alike families generate several activities each
        while len(self.acts) < N * 0.45:
            f = r.choice(["weekly", "branches", "parallel", "first_second", "same_hall_later", "issue_seq", "bus_stops", "speaker_tour", "call_vs_award", "extra_session", "age_groups"])
            self.lookalike(f)
        while len(self.acts) < N:
            self.base_act()
        for a in self.acts[N:]: pass
        self.acts = self.acts[:max(N, len(self.acts))]
        sizes = self.sizes(len(self.acts))
        for a, s in zip(self.acts, sizes):
            self.announce(a, s)

    def lookalike(self, f):
        i0 = len(self.acts)
        self._lookalike(f)
        fam = self.acts[i0:]
        hosts = {a["host"] for a in fam}
        for a in fam:
            a["excl"] = hosts - {a["host"]}
            a["cohosts"] = [c for c in a["cohosts"] if c not in a["excl"]]

    def _lookalike(self, f):
        r = self.r; self.fam["lookalike:" + f] += 1
        if f == "weekly":
            a = self.base_act(fam=f); k = r.randint(2, 5)
            for i in range(1, k):
                self.base_act(fam=f, host=a["host"], cat=a["cat"], title=a["title"], day=a["start"] + timedelta(days=7 * i),
                              hour=(a["start"].hour, a["start"].minute), room=a["room"], cohosts=list(a["cohosts"]), extra_place=a["place"])
        elif f == "branches":
            a = self.base_act(fam=f, cat=r.choice(["children", "screening", "training", "parent_child"]))
            libs = r.sample([m for m in self.branches + self.bigs if m != a["host"]], r.randint(2, 4))
            for l in libs:
                self.base_act(fam=f, host=l, cat=a["cat"], title=a["title"], day=a["start"], hour=(a["start"].hour, a["start"].minute), cohosts=[])
        elif f == "parallel":
            lib = r.choice(self.bigs); rooms = self.rooms(lib)
            if len(rooms) < 2: return self._lookalike("weekly")
            rs = r.sample(rooms, 2); d = self.rand_day(); h = r.choice([(9, 30), (14, 30)])
            self.base_act(fam=f, host=lib, day=d, hour=h, room=rs[0], cat="lecture")
            self.base_act(fam=f, host=lib, day=d, hour=h, room=rs[1], cat="children")
        elif f == "first_second":
            a = self.base_act(fam=f, cat=r.choice(["children", "parent_child", "training"]))
            t = a["title"]; a["title"] = t + "（第一场）"
            self.base_act(fam=f, host=a["host"], cat=a["cat"], title=t + "（第二场）", day=a["start"], hour=(a["start"].hour + 1, a["start"].minute), room=a["room"], cohosts=list(a["cohosts"]), extra_place=a["place"])
        elif f == "same_hall_later":
            a = self.base_act(fam=f, hour=(9, 30))
            self.base_act(fam=f, host=a["host"], day=a["start"], hour=(14, 30), room=a["room"], extra_place=a["place"])
        elif f == "issue_seq":  # (own) consecutive 期 of one brand, two weeks apart, same hour
            b = r.choice(self.c["brands"]); d = self.rand_day(); n0 = r.randint(10, 80)
            for i in range(r.randint(2, 3)):
                self.base_act(fam=f, host=b[2], cat=b[3], title=f"{b[1]}第{n0+i}期：{r.choice(TOPICS[b[3]])}", day=d + timedelta(days=14 * i), hour=(14, 30))
        elif f == "bus_stops":  # (own) book bus/boat, same title, several stops the same day
            bus = next(m for m in self.ids if m.endswith("bus") or m.endswith("boat"))
            if self.k == "ll": bus = r.choice(["ll-bus", "ll-boat"])
            d = self.rand_day(); t = r.choice(["流动图书车进村啦", "送书下乡·流动借阅", "书香直通车"]) if bus.endswith("bus") else "书船漂流记：湖区流动借阅"
            stops = r.sample(self.c["boat_places"] if bus.endswith("boat") else self.c["places"], 3)
            for h, p in zip([(9, 0), (13, 30), (16, 0)], stops):
                self.base_act(fam=f, host=bus, cat="outreach", title=t, day=d, hour=h, extra_place=p, cohosts=[])
        elif f == "speaker_tour":  # (own) same speaker, same talk: morning at central, afternoon at a county/district
            sp = r.choice(SPEAKERS); tp = r.choice(TOPICS["lecture"]); d = self.rand_day()
            central = self.ids[0]; other = r.choice(self.bigs[1:])
            self.base_act(fam=f, host=central, cat="lecture", title=f"{tp}——{sp}", day=d, hour=(9, 30))
            self.base_act(fam=f, host=other, cat="lecture", title=f"{tp}——{sp}", day=d, hour=(15, 0))
        elif f == "call_vs_award":  # (own) contest call (all-day window) vs final/award on a day inside it
            lib = r.choice(self.bigs); t = r.choice(["青少年诵读大赛", "征文比赛", "讲故事比赛"]); d = self.rand_day()
            a = self.base_act(fam=f, host=lib, cat="contest", title=f"{t}征集启动", day=d, hour=(0, 0))
            a["allday"] = True; a["start"] = d; a["end"] = d + timedelta(days=29)
            self.base_act(fam=f, host=lib, cat="contest", title=f"{t}决赛暨颁奖典礼", day=d + timedelta(days=r.randint(31, 40)), hour=(14, 30))
        elif f == "extra_session":  # (own) 加场: same title next day same hour because of demand
            a = self.base_act(fam=f, cat=r.choice(["children", "parent_child", "screening"]))
            self.base_act(fam=f, host=a["host"], cat=a["cat"], title=a["title"] + "（加场）", day=a["start"] + timedelta(days=1), hour=(a["start"].hour, a["start"].minute), room=a["room"], extra_place=a["place"])
        elif f == "age_groups":  # (own) same title for two age groups, morning and afternoon, same room
            a = self.base_act(fam=f, cat="children", hour=(10, 0))
            t = r.choice(TOPICS["children"]); a["title"] = f"{t}（3-6岁专场）"; a["audience"] = "3-6岁"
            b = self.base_act(fam=f, host=a["host"], cat="children", title=f"{t}（7-12岁专场）", day=a["start"], hour=(15, 0), room=a["room"], extra_place=a["place"])
            b["audience"] = "7-12岁"

    # ----------------------------------------------------------------- output
    def alliance_toml(self):
        c = self.c; L = []
        aid, an, ane = c["alliance"]
        L += ["[alliance]", f'id = "{aid}"', f'name = "{an}"', f'name_en = "{ane}"', 'timezone = "Asia/Shanghai"', ""]
        for mid, nm, tier, par, addr, _ in c["members"]:
            L += ["[[members]]", f'id = "{mid}"', f'name = "{nm}"', f'tier = "{tier}"'] + ([f'parent = "{par}"'] if par else []) + [f'address = "{addr}"', ""]
        for lib, rooms in c["rooms"].items():
            for vid, rn, fl, al in rooms:
                if vid:
                    L += ["[[venues]]", f'id = "{vid}"', f'library_id = "{lib}"', f'name = "{fl}{rn}"', "aliases = [" + ", ".join(f'"{x}"' for x in [rn] + al) + "]", f'address = "{self.addr(lib)}"', ""]
        for bid, bn, lib, cat, since in c["brands"]:
            L += ["[[brands]]", f'id = "{bid}"', f'name = "{bn}"', f'library_id = "{lib}"', f"since = {since}", f'category = "{cat}"', f'keywords = ["{bn}"]', ""]
        for cid, cn, s, e in c["campaigns"]:
            L += ["[[campaigns]]", f'id = "{cid}"', f'name = "{cn}"', f"starts_on = {s}", f"ends_on = {e}", ""]
        L += ["[[coordinators]]", 'id = "office"', 'name = "联盟办"', f'email = "office@{aid}.example.org"', ""]
        return "\n".join(L)

    def write(self):
        d = os.path.join(OUT, self.c["dir"]); os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "alliance.toml"), "w", encoding="utf-8") as f: f.write(self.alliance_toml())
        self.anns.sort(key=lambda x: (x[0], x[1]))
        lines = [json.dumps(s, ensure_ascii=False, sort_keys=False) for _, _, s in self.anns]
        with open(os.path.join(d, "eval.jsonl"), "w", encoding="utf-8") as f: f.write("\n".join(lines) + "\n")
        groups = Counter(s["label"] for _, _, s in self.anns)
        hist = Counter(groups.values())
        pairs = sum(n * (n - 1) // 2 for n in groups.values())
        return {"announcements": len(lines), "activities": len(groups), "true_pairs": pairs,
                "singletons_share": round(hist[1] / len(groups), 3),
                "group_size_histogram": {str(k): hist[k] for k in sorted(hist)},
                "families": dict(sorted(self.fam.items())),
                "activities_per_family": dict(sorted(Counter(a["fam"] for a in self.acts).items())), "variations": dict(sorted(self.var.items()))}


def main():
    summary = {}
    for cfg in (KK, LL):
        c = City(cfg); c.run(); summary[cfg["dir"]] = c.write()
    with open(os.path.join(OUT, "summary.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, ensure_ascii=False, indent=1, sort_keys=True); f.write("\n")

if __name__ == "__main__":
    main()
