#!/usr/bin/env python3
"""Holdout set 21: two invented alliances (city_ss 澴州市, city_tt 岚江州). Stdlib only, deterministic."""
import json, random, os, collections
from datetime import datetime, timedelta, timezone

OUT = os.path.dirname(os.path.abspath(__file__))
CST = timezone(timedelta(hours=8))
UTC = timezone.utc

# ---------------------------------------------------------------- alliances
def L(id, name, tier, parent, addr, abbr, rooms, vague=()):
    return dict(id=id, name=name, tier=tier, parent=parent, addr=addr, abbr=list(abbr), rooms=rooms, vague=list(vague))

SS = dict(prefix="ss", aname="澴州市公共图书馆阅读推广联盟", aid="ss-huanzhou", venue_dir=True, libs=[
 L("ss-central","澴州市图书馆","central",None,"澴州市澴城区文昌路88号",["市图","市馆","澴州图书馆","市图书馆","澴图"],
   [("学术报告厅","二楼"),("少儿阅览区","一楼"),("多功能厅","三楼"),("展览厅","一楼"),("数字体验区","四楼"),("古籍阅览室","五楼")],["本馆","市图书馆内","馆内"]),
 L("ss-blind","澴州市盲人图书馆","branch","ss-central","澴州市澴城区文昌路88号市图书馆四楼",["盲图","盲人馆","市盲人图书馆"],
   [("视障阅览室","四楼"),("口述影像放映室","四楼")],["盲人图书馆"]),
 L("ss-univ","澴州学院图书馆","branch","ss-central","澴州市东湖区学府大道1号",["学院图书馆","澴院图书馆","校图书馆"],
   [("信息共享空间","二楼"),("301研讨室","三楼")],["学院图书馆"]),
 L("ss-hc","澴城区图书馆","district","ss-central","澴州市澴城区桂花路17号",["区馆","区图","澴城区馆","城区图书馆"],
   [("报告厅","三楼"),("亲子阅读室","一楼"),("读者活动室","二楼")],["区图书馆"]),
 L("ss-dh","东湖区图书馆","district","ss-central","澴州市东湖区湖滨大道206号",["区馆","东湖区馆","东湖图书馆"],
   [("多功能厅","二楼"),("少儿部","一楼"),("研学室","三楼")],["东湖区图书馆"]),
 L("ss-yx","云溪县图书馆","county","ss-central","云溪县城关镇人民路45号",["县馆","县图","云溪图书馆"],
   [("报告厅","二楼"),("少儿阅览室","一楼")],["县图书馆"]),
 L("ss-voc","澴州职业技术学院图书馆","branch","ss-dh","澴州市东湖区职教路9号",["职院图书馆","职院图"],
   [("阅览大厅","一楼"),("创客空间","三楼")],["职院"]),
 L("ss-hc-gh","澴城区图书馆桂花社区分馆","branch","ss-hc","澴城区桂花社区党群服务中心二楼",["桂花分馆","桂花社区分馆"],
   [("阅览室",""),("活动室","")],["桂花社区"]),
 L("ss-hc-bj","澴城区城市书房·滨江店","branch","ss-hc","澴城区滨江公园北门",["滨江书房","城市书房滨江店"],[("书房",""),("户外阅读廊","")],["滨江公园"]),
 L("ss-dh-lt","东湖区图书馆柳塘分馆","branch","ss-dh","东湖区柳塘街道文化中心",["柳塘分馆"],[("阅读室",""),("多功能室","")],["柳塘街道"]),
 L("ss-yx-hk","云溪县河口镇综合文化站","branch","ss-yx","云溪县河口镇新街12号",["河口文化站","河口镇文化站"],[("图书室",""),("文化广场","")],["河口镇"]),
] + [L(f"ss-sp{i:02d}", f"{n}社区图书服务点", "service_point", p, f"{n}社区居委会", [f"{n}服务点", f"{n}社区"], [("书屋",""),("居民活动室","")], [f"{n}社区"])
     for i,(n,p) in enumerate([("槐荫","ss-hc-gh"),("文昌","ss-hc-gh"),("江湾","ss-hc-bj"),("南岸","ss-hc-bj"),("柳塘东","ss-dh-lt"),
                                ("湖心","ss-dh-lt"),("新桥村","ss-yx-hk"),("白沙","ss-yx-hk")],1)],
 brands=[("ss-wenchang","文昌讲坛","ss-central","lecture"),("ss-tingshu","光明听书会","ss-blind","accessibility"),
         ("ss-guihua","桂花小书虫","ss-hc","children"),("ss-hubin","湖滨读书会","ss-dh","reading_club"),("ss-yxgs","云溪故事汇","ss-yx","children")],
 campaigns=[("ss-423","4·23世界读书日暨澴州读书月","2026-04-01","2026-04-30"),("ss-summer","暑期少儿阅读季","2026-07-01","2026-08-31"),
            ("ss-week","图书馆服务宣传周","2026-05-20","2026-05-27")])

TT = dict(prefix="tt", aname="岚江州图书馆联盟", aid="tt-lanjiang", venue_dir=False, libs=[
 L("tt-central","岚江州图书馆","central",None,"岚江州凯里坝区民族路3号",["州图","州馆","州图书馆","岚江图书馆"],
   [("报告厅","三楼"),("少儿馆","一楼"),("民族文献室","四楼"),("展厅","一楼大厅")],["州图书馆"]),
 L("tt-ml","苗岭县图书馆","county","tt-central","苗岭县古州镇东门街21号",["县馆","县图","苗岭图书馆"],
   [("多功能厅","二楼"),("少儿阅览室","一楼"),("电子阅览室","二楼")],["县图书馆"]),
 L("tt-qs","清水县图书馆","county","tt-central","清水县城关镇河滨路8号",["县馆","清水县馆","清水图书馆"],
   [("报告厅","三楼"),("亲子绘本馆","一楼")],["县图书馆"]),
 L("tt-lj","岚江市图书馆","county","tt-central","岚江市鼓楼路66号",["市馆","岚江市馆"],[("读者活动中心","二楼"),("少儿部","一楼")],["市图书馆"]),
 L("tt-ml-bus","苗岭县图书馆流动图书服务车","branch","tt-ml","苗岭县图书馆停车场（流动）",["流动图书车","图书大篷车","流动服务车"],
   [("车上",""),("停靠点","")],["流动点"]),
 L("tt-ml-az1","苗岭县城南易地扶贫搬迁安置区新市民书屋","branch","tt-ml","苗岭县城南安置区社区服务中心一楼",["城南安置区书屋","新市民书屋","城南书屋"],
   [("书屋",""),("四点半课堂","")],["城南安置区"]),
 L("tt-ml-az2","苗岭县丰收安置点感恩书屋","branch","tt-ml","苗岭县丰收安置点7栋一楼",["丰收书屋","感恩书屋"],[("书屋",""),("广场","")],["丰收安置点"]),
 L("tt-qs-az","清水县锦绣安置区阅读室","branch","tt-qs","清水县锦绣安置区综合楼",["锦绣阅读室","锦绣安置区书屋"],[("阅读室",""),("活动室","")],["锦绣安置区"]),
 L("tt-qs-xc","清水县图书馆乡村振兴分馆","branch","tt-qs","清水县排调镇政府旁",["排调分馆","乡村振兴分馆"],[("阅览室",""),("院坝","")],["排调镇"]),
 L("tt-lj-gl","岚江市图书馆鼓楼城市书房","branch","tt-lj","岚江市鼓楼广场东侧",["鼓楼书房","城市书房"],[("书房",""),("鼓楼广场","")],["鼓楼"]),
] + [L(f"tt-sp{i:02d}", f"{n}农家书屋", "service_point", p, f"{n}村委会", [f"{n}书屋", f"{n}村"], [("书屋",""),("村文化广场","")], [f"{n}村"])
     for i,(n,p) in enumerate([("乌东","tt-ml-bus"),("摆贝","tt-ml-bus"),("加勉","tt-ml-az1"),("巫梭","tt-qs-xc"),("南哨","tt-qs-xc"),("高岩","tt-lj-gl")],1)],
 brands=[("tt-feige","飞歌书声","tt-central","reading_club"),("tt-miaoxiu","苗绣里的故事","tt-ml","exhibition"),
         ("tt-sidian","四点半课堂","tt-ml-az1","children"),("tt-qsjt","清水讲堂","tt-qs","lecture"),("tt-gulou","鼓楼夜读","tt-lj","salon")],
 campaigns=[("tt-423","4·23世界读书日","2026-04-01","2026-04-30"),("tt-spring","网络书香过大年","2026-02-01","2026-03-05"),
            ("tt-summer","暑期阅读·快乐成长","2026-07-05","2026-08-31")])

def toml_str(s): return json.dumps(s, ensure_ascii=False)

def alliance_toml(C):
    out = [f"# {C['aname']} (invented for holdout 21)", "[alliance]", f"id = {toml_str(C['aid'])}", f"name = {toml_str(C['aname'])}",
           'timezone = "Asia/Shanghai"', ""]
    for m in C["libs"]:
        out += ["[[members]]", f"id = {toml_str(m['id'])}", f"name = {toml_str(m['name'])}", f"tier = {toml_str(m['tier'])}"]
        if m["parent"]: out.append(f"parent = {toml_str(m['parent'])}")
        out += [f"address = {toml_str(m['addr'])}", ""]
    if C["venue_dir"]:
        cen = C["libs"][0]
        for i,(room,floor) in enumerate(cen["rooms"]):
            al = [floor+room, room+"（"+floor+"）", cen["name"]+room]
            out += ["[[venues]]", f"id = \"ss-v{i+1}\"", f"library_id = {toml_str(cen['id'])}", f"name = {toml_str(room)}",
                    "aliases = [" + ", ".join(toml_str(a) for a in al) + "]", f"address = {toml_str(cen['addr'])}", ""]
    for b in C["brands"]:
        out += ["[[brands]]", f"id = {toml_str(b[0])}", f"name = {toml_str(b[1])}", f"library_id = {toml_str(b[2])}",
                f"category = {toml_str(b[3])}", f"keywords = [{toml_str(b[1])}]", ""]
    for c in C["campaigns"]:
        out += ["[[campaigns]]", f"id = {toml_str(c[0])}", f"name = {toml_str(c[1])}", f"starts_on = {c[2]}", f"ends_on = {c[3]}", ""]
    out += ["[[coordinators]]", f"id = \"{C['prefix']}-office\"", 'name = "联盟办"', f"email = \"office@{C['prefix']}.example.org\"", ""]
    return "\n".join(out)

# ---------------------------------------------------------------- content pools
BOOKS = ["平凡的世界","额尔古纳河右岸","人世间","活着","长江图传","乡土中国","边城","红星照耀中国","草房子","城南旧事","小王子","夏洛的网",
 "西游记","呼兰河传","围城","文化苦旅","我与地坛","steve乔布斯传","三体","百年孤独","繁花","云边有个小卖部","山海经","苏东坡传","朝花夕拾",
 "骆驼祥子","稻草人","青铜葵花","窗边的小豆豆","目送","许三观卖血记","白鹿原","宋词三百首","唐诗的故事","昆虫记","海底两万里","老人与海",
 "寂静的春天","万历十五年","撒哈拉的故事","神奇校车","猜猜我有多爱你","好饿的毛毛虫","大卫不可以","中国历史地图","长安的荔枝","秦腔"]
BOOKS = [b.replace("steve","") for b in BOOKS]
TOPICS = ["地方戏曲的传承","家庭教育中的阅读","老年人智能手机使用","非遗剪纸","节气与养生","二十四节气里的诗词","楚文化漫谈","长江文明","近视防控",
 "防范电信诈骗","AI工具入门","苗族古歌","侗族大歌欣赏","蜡染技艺","乡村振兴里的读书人","红色家书","科学育儿","心理健康","书法入门",
 "中医药文化","古籍修复","地方志里的老街","digital资源检索","垃圾分类","消防安全","法律援助进社区","家风家训","茶文化","航天科普","恐龙科普"]
TOPICS = [t.replace("digital","数字") for t in TOPICS]
KIDS = ["绘本故事会","小小图书管理员体验","亲子手工","科学小实验","英语绘本共读","国学启蒙","折纸课堂","暑期托管阅读","童话剧表演","成语接龙"]
SPEAK = ["王建华","李秀英","张伟","刘芳","陈明","杨静","赵磊","黄丽","周强","吴敏","徐涛","孙燕","马骏","胡晓","郭琳","何平","龙阿妹","杨昌文","吴国芬","潘老师"]
EMOJI = ["📚","✨","🔥","📖","🎉","🌸","👉","❗"]

CATS = ["lecture","reading_club","salon","exhibition","children","parent_child","contest","training","outreach","screening","digital","accessibility"]

def make_title(r, cat, lib, blind=False):
    b = r.choice(BOOKS); t = r.choice(TOPICS); k = r.choice(KIDS); s = r.choice(SPEAK)
    if cat == "lecture": return r.choice([f"{t}——{s}主讲", f"{t}专题讲座", f"讲座：{t}"])
    if cat == "reading_club": return r.choice([f"《{b}》共读会", f"《{b}》读书分享会", f"读书会·《{b}》"])
    if cat == "salon": return r.choice([f"《{b}》读书沙龙", f"{t}沙龙", f"对话{s}：{t}"])
    if cat == "exhibition": return r.choice([f"{t}主题展", f"“{t}”图片展", f"馆藏{t}文献展"])
    if cat in ("children",): return r.choice([f"{k}", f"{k}：《{b}》", f"周末{k}"])
    if cat == "parent_child": return r.choice([f"亲子共读《{b}》", f"亲子{k}", f"《{b}》亲子阅读"])
    if cat == "contest": return r.choice([f"“{t}”知识竞赛", f"《{b}》读后感征文", f"少儿朗读大赛（{t}）"])
    if cat == "training": return r.choice([f"{t}培训", f"读者培训：{t}", f"{t}公益课"])
    if cat == "outreach": return r.choice([f"送书进{r.choice(['社区','学校','军营','企业','机关','安置点'])}：{t}", f"流动阅读进{r.choice(['村寨','工地','敬老院'])}"])
    if cat == "screening": return r.choice([f"公益电影放映《{b}》", f"周末观影：《{b}》", f"影像里的{t}"])
    if cat == "digital": return r.choice([f"数字阅读体验：{t}", f"“{t}”线上答题", f"电子资源使用培训（{t}）"])
    return r.choice([f"口述影像：《{b}》", f"视障读者{t}分享", f"盲文《{b}》听读会"])

# ---------------------------------------------------------------- helpers
def iso(d): return d.isoformat()

def rooms_of(C, lid):
    return next(m for m in C["libs"] if m["id"] == lid)

class Gen:
    def __init__(self, C, seed):
        self.C = C; self.r = random.Random(seed); self.acts = []; self.n = 0
        self.libs = {m["id"]: m for m in C["libs"]}
        self.big = [m["id"] for m in C["libs"] if m["tier"] in ("central","district","county")]
        self.small = [m["id"] for m in C["libs"] if m["tier"] in ("branch","service_point")]
        self.brands = C["brands"]
    def label(self):
        self.n += 1; return f"{self.C['prefix']}-{self.n:04d}"
    def day(self):
        return datetime(2026,1,3,tzinfo=CST) + timedelta(days=self.r.randrange(0, 350))
    def new(self, host, title, cat, start, dur, room, cohosts=(), family="plain", brand=None, partners=(), all_day=False, audience=None):
        a = dict(label=self.label(), host=host, title=title, cat=cat, start=start, dur=dur, room=room, cohosts=list(cohosts),
                 family=family, brand=brand, partners=list(partners), all_day=all_day, audience=audience)
        self.acts.append(a); return a
    def hour(self):
        return self.r.choice([9,9,10,10,14,14,15,15,16,19,19,9.5,14.5,10.5])
    def at(self, d, h):
        return d.replace(hour=int(h), minute=int(round((h % 1) * 60)))
    def cohosts_for(self, host):
        r = self.r; k = r.choice([0,0,0,1,1,2,3])
        pool = [x for x in self.libs if x != host]
        return r.sample(pool, k)
    def brand_for(self, host, cat):
        for b in self.brands:
            if b[2] == host and self.r.random() < 0.5: return b
        return None

    def build(self, target):
        r = self.r
        while len(self.acts) < target:
            fam = r.choices(["plain","weekly","branches","parallel","two_shows","same_hall_later","expo_opening","prelim_final","volunteer_prep","numbered_club"],
                            [52,7,5,5,5,5,4,4,3,5])[0]
            d = self.day(); host = r.choice(self.big if r.random() < 0.6 else self.small)
            cat = r.choice(CATS)
            if host == "ss-blind": cat = "accessibility"
            lib = self.libs[host]; room = r.choice(lib["rooms"]); h = self.hour()
            b = self.brand_for(host, cat)
            title = make_title(r, cat, lib)
            if b: title = f"{b[1]}：{title}"; cat = b[3] if r.random() < .7 else cat
            dur = r.choice([60,90,90,120,120,150,180])
            if fam == "plain":
                self.new(host, title, cat, self.at(d,h), dur, room, self.cohosts_for(host), "plain", b and b[0],
                         partners=r.sample(["澴州学院文学院","市社科联","县科协","团县委","市妇联","苗岭县民族中学","村委会","新华书店"], r.choice([0,0,1])))
            elif fam == "weekly":
                for w in range(r.choice([3,4,5])):
                    self.new(host, title, cat, self.at(d + timedelta(days=7*w), h), dur, room, [], "weekly", b and b[0])
            elif fam == "branches":
                kids = [x for x in self.small if x != host]; sel = r.sample(kids, r.choice([2,3]))
                for s in sel:
                    self.new(s, title, cat, self.at(d,h), dur, r.choice(self.libs[s]["rooms"]), [], "branches", b and b[0])
            elif fam == "parallel":
                if len(lib["rooms"]) < 2: continue
                r1, r2 = r.sample(lib["rooms"], 2)
                self.new(host, title + "（成人场）", cat, self.at(d,h), dur, r1, [], "parallel", b and b[0], audience="成人")
                self.new(host, make_title(r, "children", lib), "children", self.at(d,h), dur, r2, [], "parallel", audience="少儿")
            elif fam == "two_shows":
                h2 = min(h, 15)
                self.new(host, title + "（第一场）", cat, self.at(d,h2), 60, room, [], "two_shows", b and b[0])
                self.new(host, title + "（第二场）", cat, self.at(d,h2+1), 60, room, [], "two_shows", b and b[0])
            elif fam == "same_hall_later":
                self.new(host, title, cat, self.at(d,9.5), 90, room, self.cohosts_for(host), "same_hall_later", b and b[0])
                self.new(host, make_title(r, r.choice(CATS), lib), r.choice(CATS), self.at(d,r.choice([14,14.5,15,19])), 90, room, [], "same_hall_later")
            elif fam == "expo_opening":  # (own) the exhibition itself vs its opening ceremony
                t = r.choice(TOPICS)
                self.new(host, f"“{t}”主题展", "exhibition", d.replace(hour=0), 60*24*r.choice([7,14,21]), room, [], "expo_opening", all_day=True)
                self.new(host, f"“{t}”主题展开幕式", "exhibition", self.at(d,9.5), 60, room, [], "expo_opening")
            elif fam == "prelim_final":  # (own) heats and final of one contest
                t = r.choice(TOPICS)
                self.new(host, f"“{t}”知识竞赛初赛", "contest", self.at(d,h), 120, room, [], "prelim_final")
                self.new(host, f"“{t}”知识竞赛决赛", "contest", self.at(d + timedelta(days=r.choice([7,14])),h), 120, room, [], "prelim_final")
            elif fam == "volunteer_prep":  # (own) volunteers' briefing the day before, same title stem
                self.new(host, title, cat, self.at(d,h), dur, room, [], "volunteer_prep", b and b[0])
                self.new(host, f"{title}志愿者岗前培训", "training", self.at(d - timedelta(days=1),16), 60, room, [], "volunteer_prep")
            elif fam == "numbered_club":  # (own) 第N期 sessions two weeks apart
                bk = r.choice(BOOKS); n0 = r.randrange(3, 40)
                for k in range(r.choice([2,3])):
                    self.new(host, f"共读《{bk}》第{n0+k}期", "reading_club", self.at(d + timedelta(days=14*k),19), 90, room, [], "numbered_club")
        return self.acts[:target] if False else self.acts

# ---------------------------------------------------------------- announcing
FW = str.maketrans("0123456789()", "０１２３４５６７８９（）")

def venue_text(g, lid, room, host, r, vc, repost=False):
    """venue as written by library lid about a room of host."""
    m = g.libs[host]; rn, fl = room; own = lid == host
    opts = ["plain","floor","libname","abbr","addr","vague","typo"]
    w = r.choices(opts, [25,18,15,14,10,8,4])[0]
    if w == "plain": v = rn
    elif w == "floor": v = (fl + rn) if fl else rn
    elif w == "libname": v = m["name"] + ((fl + rn) if fl and r.random()<.5 else rn)
    elif w == "abbr": v = r.choice(m["abbr"]) + rn
    elif w == "addr": v = m["addr"]
    elif w == "vague": v = r.choice(m["vague"])
    else:
        v = (fl + rn) if fl else rn
        v = v.replace("厅","听",1) if "厅" in v else v.replace("室","式",1) if "室" in v else v + "室"
    if not own and w in ("plain","floor","typo") and (r.random() < .6 or repost): v = r.choice(m["abbr"]) + v  # a co-host names the host library
    vc[w] += 1
    venue = {"name": v}
    if r.random() < .3: venue["address"] = m["addr"]
    if g.C["venue_dir"] and host == "ss-central" and w in ("plain","floor","libname") and r.random() < .55:
        venue["venue_id"] = f"ss-v{m['rooms'].index(room)+1}"; vc["venue_id"] += 1
    return venue

def decorate(title, a, g, r, vc, lid):
    t = title
    if a["brand"] and "：" in t and r.random() < .3: t = t.split("：",1)[1]; vc["brand_dropped"] += 1
    x = r.random()
    if x < .10: t = "【联盟活动】" + t; vc["prefix_tag"] += 1
    elif x < .18: t = "【活动预告】" + t; vc["prefix_tag"] += 1
    elif x < .22: t = r.choice(EMOJI) + t + r.choice(EMOJI); vc["emoji"] += 1
    elif x < .27: t = t + r.choice(["｜欢迎参加","（报名中）","（已满员）","，欢迎参加！"]); vc["suffix_status"] += 1
    elif x < .31 and not t.endswith("活动"): t = t + r.choice(["活动","读书分享活动"]); vc["activity_appended"] += 1
    elif x < .35:  # (own) WeChat headline with the library's name and a vertical bar
        t = g.libs[lid]["name"] + "｜" + t; vc["own_wechat_bar"] += 1
    elif x < .39:  # (own) date prefix in the title as 公众号 editors write it
        d = a["start"]; t = r.choice([f"{d.month}月{d.day}日｜", f"【{d.month}.{d.day}】", f"{d.month}/{d.day} "]) + t; vc["own_date_in_title"] += 1
    elif x < .42:  # (own) spreadsheet export: full-width digits/brackets, stray spaces
        t = " " + t.translate(FW) + "\u3000"; vc["own_spreadsheet_fullwidth"] += 1
    elif x < .45:  # (own) 小程序 capacity suffix
        t = t + r.choice(["（限30人）","(剩余名额5)","【限额20组家庭】"]); vc["own_booking_capacity"] += 1
    elif x < .47 and "《" in t:  # (own) book-title brackets dropped or swapped
        t = t.replace("《","“").replace("》","”") if r.random()<.5 else t.replace("《","").replace("》",""); vc["own_book_brackets"] += 1
    return t.strip(" ") if not t.endswith("\u3000") else t

def times(a, r, vc):
    s = a["start"]; e = s + timedelta(minutes=a["dur"]); ad = a["all_day"]
    if ad: return s, e, True, None
    x = r.random(); note = None
    if x < .12: s = s - timedelta(minutes=r.choice([15,20,30])); vc["signin_early"] += 1
    elif x < .20: s = s.replace(minute=0) if s.minute else s - timedelta(hours=1) if r.random()<.3 else s; vc["rounded_hour"] += 1
    elif x < .25: s = s + timedelta(minutes=r.choice([-60,-45,30,45,60])); vc["off_up_to_hour"] += 1
    elif x < .30: s = s.replace(hour=0, minute=0); e = s + timedelta(days=1); vc["all_day_date_only"] += 1; return s, e, True, None
    elif x < .34:  # (own) OA export: midnight placeholder, real time only in description
        note = f"活动时间：{a['start'].strftime('%H:%M')}"; s = s.replace(hour=0, minute=0); e = s; vc["own_midnight_placeholder"] += 1; return s, e, False, note
    y = r.random()
    if y < .15: e = s; vc["end_missing"] += 1
    elif y < .30: e = s + timedelta(minutes=r.choice([60,120,180])); vc["end_different"] += 1
    if e < s: e = s
    return s, e, False, note

def announce(g, a, r, vc, fam_rows):
    """Return list of (pubtime, record) for one activity."""
    size = r.choices(range(1,10), [44,31,11,5,3,2,1,1,1])[0]
    libs = [a["host"]] + a["cohosts"]
    recs = []; order = []
    for i in range(size):
        if i < len(libs): order.append(libs[i])
        else:
            # (own) 上级馆代发: the parent or central library re-posts a member's activity under its own id
            up = [x for x in (g.libs[a["host"]]["parent"], g.C["libs"][0]["id"]) if x and x not in libs]
            order.append(r.choice(up) if up and r.random() < .35 else r.choice(libs))
    # connecting announcement: the host's, listing everyone, often arrives last
    connect_last = len(libs) > 1 and r.random() < .6
    base_pub = a["start"] - timedelta(days=r.randrange(3, 25), hours=r.randrange(0, 12))
    seen = collections.Counter()
    for i, lid in enumerate(order):
        if len(recs) >= size: break
        seen[lid] += 1
        sref = f"{lid}-{r.randrange(10**5, 10**6)}"
        repost = lid not in libs
        if repost: vc["own_parent_reposts"] += 1
        elif seen[lid] > 1: vc["same_library_twice"] += 1
        title = decorate(a["title"], a, g, r, vc, lid)
        if seen[lid] > 1 and r.random() < .5:
            title = title + r.choice(["（重发）","—补充通知",""," "]).rstrip() or title + "活动"
        s, e, ad, note = times(a, r, vc)
        if seen[lid] > 1 and not repost and not ad and r.random() < .25: s = s + timedelta(minutes=10); e = max(e, s); vc["start_10min_apart"] += 1
        cat = a["cat"]
        if lid != a["host"] and r.random() < .25: cat = r.choice(CATS); vc["own_category_disagrees"] += 1
        rec = dict(library_id=lid, source_ref=sref, revision=1, status="scheduled", title=title, category=cat,
                   starts_at=iso(s), ends_at=iso(e), all_day=ad, venue=venue_text(g, lid, a["room"], a["host"], r, vc, repost))
        desc = []
        if note: desc.append(note)
        if r.random() < .4: desc.append(f"地点：{g.libs[a['host']]['name']}{a['room'][1]}{a['room'][0]}。欢迎广大读者参加。")
        if desc: rec["description"] = "\n".join(desc)
        # organizers
        if repost:
            if r.random() < .5: rec["organizers"] = [{"library_id": a["host"], "role": "host"}, {"library_id": lid, "role": "participant"}]
        elif lid == a["host"]:
            if len(libs) > 1 and (i == len(order)-1 and connect_last or not connect_last and i == 0):
                rec["organizers"] = [{"library_id": a["host"], "role": "host"}] + [{"library_id": c, "role": r.choice(["co_host","co_organiser","organiser"])} for c in a["cohosts"]]
                vc["connecting"] += 1
        else:
            x = r.random()
            if x < .45: rec["organizers"] = [{"library_id": a["host"], "role": "host"}, {"library_id": lid, "role": r.choice(["co_host","co_organiser","participant"])}]; vc["cohost_lists_host_only"] += 1
            elif x < .75: vc["cohost_lists_nobody"] += 1
            else:  # (own) the co-host claims the 主办 itself
                rec["organizers"] = [{"library_id": lid, "role": "host"}]; vc["own_cohost_claims_host"] += 1
        if a["brand"] and r.random() < .6: rec["brand_id"] = a["brand"]
        camp = [c for c in g.C["campaigns"] if c[2] <= a["start"].strftime("%Y-%m-%d") <= c[3]]
        if camp and r.random() < .5: rec["campaign_id"] = camp[0][0]
        if a["partners"] and r.random() < .6: rec["partners"] = a["partners"]
        if a["audience"]: rec["audience"] = a["audience"] + r.choice(["读者","","组"])
        if r.random() < .2:
            rec["registration_url"] = f"https://wx.{g.C['prefix']}lib.example.cn/booking?act={r.randrange(1000,9999)}"; rec["capacity"] = r.choice([20,30,50,100])
        if r.random() < .15: rec["contact"] = r.choice(["0712-3345678","电话：0855-8821234（工作日）","联系人：李老师 13800000000"])
        # (own) partner platform re-post (文化云): same instant written in UTC, 'other' category, new ref
        if seen[lid] > 1 and r.random() < .15 and not ad:
            rec["starts_at"] = iso(s.astimezone(UTC)); rec["ends_at"] = iso(e.astimezone(UTC)); rec["category"] = "other"
            rec["source_ref"] = f"why-{r.randrange(10**7, 10**8)}"; rec["title"] = f"【{g.libs[a['host']]['name']}】" + a["title"]; vc["own_partner_platform_utc"] += 1
        pub = base_pub + timedelta(hours=i * r.randrange(2, 60))
        if connect_last and i == len(order)-1: pub += timedelta(days=r.randrange(1,4))
        recs.append((pub, rec))
        # revisions / cancellations / postponements
        x = r.random() if len(recs) < size else 1.0
        if len(recs) + 2 > size and x >= .08: x = 1.0
        if x < .06:
            rev = dict(rec); rev["revision"] = 2; rev["title"] = rec["title"] + "（时间调整）"
            ns = s + timedelta(minutes=r.choice([30,-30,60])); rev["starts_at"] = iso(ns); rev["ends_at"] = iso(max(e, ns) if not ad else e)
            if ad: rev["starts_at"], rev["ends_at"] = rec["starts_at"], rec["ends_at"]
            recs.append((pub + timedelta(days=1), rev)); vc["revision"] += 1
        elif x < .08:
            rev = dict(rec); rev["revision"] = r.choice([2,3]); rev["status"] = "cancelled"; rev["title"] = "【取消】" + rec["title"] if r.random()<.5 else rec["title"]
            recs.append((pub + timedelta(days=2), rev)); vc["cancellation"] += 1
        elif x < .10 and not ad and a["family"] == "plain":
            # postponed: old ref cancelled, re-announced under a new ref, one week later
            rev = dict(rec); rev["revision"] = 2; rev["status"] = "cancelled"
            recs.append((pub + timedelta(days=2), rev))
            nw = dict(rec); nw["source_ref"] = sref + "-yq"; nw["title"] = "【延期】" + a["title"]
            nw["starts_at"] = iso(s + timedelta(days=7)); nw["ends_at"] = iso(e + timedelta(days=7))
            recs.append((pub + timedelta(days=3), nw)); vc["postponement"] += 1
    for _, rec in recs: rec["label"] = a["label"]
    return recs

def run_city(key, C, seed, target_acts):
    g = Gen(C, seed); g.build(target_acts)
    r = random.Random(seed + 1)
    vc = collections.Counter(); rows = []
    for a in g.acts:
        for pub, rec in announce(g, a, r, vc, None): rows.append((pub, rec))
    rows.sort(key=lambda x: (x[0], x[1]["label"], x[1]["source_ref"], x[1]["revision"]))
    d = os.path.join(OUT, f"city_{key}"); os.makedirs(d, exist_ok=True)
    open(os.path.join(d, "alliance.toml"), "w", encoding="utf-8").write(alliance_toml(C))
    with open(os.path.join(d, "eval.jsonl"), "w", encoding="utf-8") as f:
        for _, rec in rows: f.write(json.dumps(rec, ensure_ascii=False, sort_keys=False) + "\n")
    sizes = collections.Counter(rec["label"] for _, rec in rows)
    hist = collections.Counter(sizes.values())
    fam = collections.Counter(a["family"] for a in g.acts)
    pairs = sum(n*(n-1)//2 for n in sizes.values())
    return dict(announcements=len(rows), activities=len(sizes), true_pairs=pairs, singletons=hist[1],
                group_size_histogram={str(k): hist[k] for k in sorted(hist)}, families=dict(sorted(fam.items())),
                variations=dict(sorted(vc.items())))

if __name__ == "__main__":
    summary = {"city_ss": run_city("ss", SS, 2101, 1010), "city_tt": run_city("tt", TT, 2102, 1010)}
    open(os.path.join(OUT, "summary.json"), "w", encoding="utf-8").write(json.dumps(summary, ensure_ascii=False, indent=1) + "\n")
    print(json.dumps({k: {x: v[x] for x in ("announcements","activities","true_pairs","singletons")} for k, v in summary.items()}))
