#!/usr/bin/env python3
"""Generate holdout9: an independent labelled evaluation set for deduplicating library
activity announcements (two invented alliances).  Python stdlib only, fixed seed."""
import json, random, os
from datetime import datetime, timedelta, date
from collections import Counter, defaultdict

SEED = 20261205
OUT = os.path.dirname(os.path.abspath(__file__))
TARGET = 2000

# ----------------------------------------------------------------------------- cities
# member: id, name, tier, parent, abbr (own short names), rooms [(floor, room)], address, dir(bool), style, kind
U = dict(
    key="city_u", id="rongjiang-reading", name="容江市公共图书馆阅读推广联盟", name_en="Rongjiang Public Library Reading Alliance",
    city="容江", members=[
        ("rj", "容江市图书馆", "central", None, ["市馆", "市图", "容江图书馆", "市图书馆"], [("一楼", "大厅"), ("二楼", "少儿阅览区"), ("三楼", "多功能厅"), ("四楼", "报告厅"), ("五楼", "展览厅"), ("一楼", "创客空间")], "容江市东湾区文华路88号", True, "cms", "lib"),
        ("rj-b1", "容江市图书馆少儿分馆", "branch", "rj", ["少儿分馆", "市少儿馆"], [("一楼", "绘本馆"), ("二楼", "亲子活动室"), ("三楼", "小剧场")], "容江市东湾区青年路17号", True, "wechat", "lib"),
        ("rj-b2", "容江市图书馆工人文化宫分馆", "branch", "rj", ["文化宫分馆", "工人文化宫图书室"], [("二楼", "阅览室"), ("三楼", "职工讲堂")], "容江市桂滘区工人路5号", False, "factory", "lib"),
        ("dw", "东湾区图书馆", "district", "rj", ["东湾区图", "东湾图书馆", "东湾区馆"], [("一楼", "报告厅"), ("二楼", "亲子阅读室"), ("三楼", "培训室"), ("一楼", "展厅")], "容江市东湾区人民东路12号", True, "wechat", "lib"),
        ("dw-b1", "东湾区图书馆科技园分馆", "branch", "dw", ["科技园分馆", "科技园图书馆"], [("二楼", "阅览室"), ("二楼", "活动室")], "东湾区高新科技园创业大道9号", False, "cms", "lib"),
        ("dw-b2", "东湾区图书馆美祺电器厂分馆", "branch", "dw", ["美祺分馆", "美祺电器职工书屋"], [("宿舍区", "职工书屋"), ("厂区食堂二楼", "活动中心")], "东湾区北港工业区美祺路1号", False, "factory", "factory"),
        ("dw-b3", "东湾区图书馆沙湾街道分馆", "branch", "dw", ["沙湾分馆", "沙湾街道图书馆"], [("一楼", "阅读区"), ("二楼", "活动室")], "东湾区沙湾街道沙湾中路40号", False, "clerk", "lib"),
        ("dw-sp1", "东湾区智能工业园职工书屋", "service_point", "dw-b1", ["工业园职工书屋", "智能工业园书屋"], [("综合楼一楼", "书屋")], "东湾区智能工业园综合楼", False, "factory", "factory"),
        ("dw-sp2", "东湾区沙湾城市书房", "service_point", "dw-b3", ["沙湾城市书房", "沙湾书房"], [("", "书房阅读区")], "东湾区沙湾滨河公园东门", False, "clerk", "lib"),
        ("dw-sp3", "东湾区高铁站24小时自助图书馆", "service_point", "dw", ["高铁站自助图书馆"], [("", "自助图书馆")], "容江南站候车大厅东侧", False, "clerk", "lib"),
        ("gc", "桂滘区图书馆", "district", "rj", ["桂滘区图", "桂滘图书馆", "桂滘区馆"], [("二楼", "多功能厅"), ("一楼", "少儿馆"), ("三楼", "展厅")], "容江市桂滘区滘心大道301号", False, "wechat", "lib"),
        ("gc-b1", "桂滘区图书馆龙涌镇分馆", "branch", "gc", ["龙涌分馆", "龙涌镇图书馆"], [("一楼", "阅览室"), ("二楼", "讲座室")], "桂滘区龙涌镇文明路2号", False, "clerk", "lib"),
        ("gc-b2", "桂滘区图书馆宏达纺织厂分馆", "branch", "gc", ["宏达分馆", "宏达纺织职工书屋"], [("生活区", "职工书屋"), ("行政楼三楼", "培训室")], "桂滘区纺织工业园宏达路8号", False, "factory", "factory"),
        ("gc-b3", "桂滘区新市民服务中心分馆", "branch", "gc", ["新市民分馆", "新市民服务中心图书室"], [("一楼", "阅读空间"), ("二楼", "多功能室")], "桂滘区站前路66号", False, "wechat", "lib"),
        ("gc-sp1", "龙涌镇水岸村农家书屋", "service_point", "gc-b1", ["水岸村农家书屋", "水岸村书屋"], [("村委会一楼", "书屋")], "龙涌镇水岸村委会", False, "clerk", "village"),
        ("gc-sp2", "桂滘区工业大道城市书房", "service_point", "gc", ["工业大道城市书房", "工业大道书房"], [("", "阅读区")], "桂滘区工业大道中段120号", False, "clerk", "lib"),
        ("gc-sp3", "宏达纺织厂二车间读书角", "service_point", "gc-b2", ["二车间读书角"], [("二车间", "休息区读书角")], "宏达纺织厂二车间", False, "factory", "factory"),
        ("rb", "容北县图书馆", "county", "rj", ["县馆", "容北图书馆", "容北县图"], [("二楼", "报告厅"), ("一楼", "少儿阅览室")], "容北县城北路21号", True, "cms", "lib"),
        ("rb-b1", "容北县图书馆新圩镇分馆", "branch", "rb", ["新圩分馆", "新圩镇图书馆"], [("", "阅览室")], "容北县新圩镇圩东街3号", False, "clerk", "lib"),
        ("rb-sp1", "容北县新圩镇综合文化站", "service_point", "rb-b1", ["新圩文化站", "文化站"], [("", "活动室")], "容北县新圩镇政府大院", False, "clerk", "village"),
    ],
    brands=[
        ("rjjt", "容江讲坛", "rj", 2012, "lecture"), ("xsmdsh", "新市民周末读书会", "gc-b3", 2018, "reading_club"),
        ("wqhb", "湾区绘本小剧场", "dw", 2019, "children"), ("xhn", "小候鸟暑期阅读营", "rj-b1", 2015, "children"),
        ("cjds", "车间里的读书声", "dw-b2", 2021, "reading_club"), ("yysh", "粤韵书声", "gc", 2017, "other"),
        ("xwdpc", "新圩书香大篷车", "rb", 2020, "outreach"),
    ],
    campaigns=[
        ("spring-2026", "网络书香过大年", "2026-01-25", "2026-03-05", False, "网络书香过大年｜"),
        ("reading-month", "4·23世界读书日暨全民阅读月", "2026-04-01", "2026-04-30", True, "4·23读书月｜"),
        ("service-week", "全国图书馆服务宣传周", "2026-05-23", "2026-05-31", True, "服务宣传周｜"),
        ("summer-reading", "暑期少儿阅读季", "2026-07-01", "2026-08-31", True, "暑期阅读季｜"),
        ("nanguo-2026", "南国书香节容江分会场", "2026-08-14", "2026-08-24", False, "南国书香节｜"),
    ],
    partners=["东湾实验小学", "沙湾中学", "容江职业技术学院", "北港工业区团工委", "美祺电器工会", "宏达纺织工会", "桂滘区社科联", "容江市科协", "龙涌镇中心小学", "沙湾社区居委会"],
    schools=[("东湾实验小学", "东湾区学府路2号", "阶梯教室"), ("沙湾中学", "沙湾街道中学路7号", "多媒体室"), ("龙涌镇中心小学", "龙涌镇文明路18号", "礼堂")],
    bilingual=["Reading Club", "Story Time", "Library Talk", "Weekend Reading"],
)

V = dict(
    key="city_v", id="longguan-reading", name="龙关市公共图书馆总分馆阅读联盟", name_en="Longguan Public Library Reading Alliance",
    city="龙关", members=[
        ("lg", "龙关市图书馆", "central", None, ["市馆", "市图", "龙关图书馆", "市图书馆"], [("一楼", "展厅"), ("二楼", "报告厅"), ("三楼", "少儿阅览室"), ("四楼", "地方文献室"), ("五楼", "多功能厅")], "龙关市江州区民主路36号", True, "cms", "lib"),
        ("lg-b1", "龙关市图书馆左江书院分馆", "branch", "lg", ["左江书院", "书院分馆"], [("", "讲堂"), ("", "藏书楼")], "江州区古城西街明伦巷4号", True, "wechat", "lib"),
        ("lg-b2", "龙关市图书馆流动分馆（流动书车）", "branch", "lg", ["流动书车", "流动分馆"], [("", "书车")], "龙关市图书馆停车场", False, "clerk", "mobile"),
        ("jz", "江州区图书馆", "district", "lg", ["区馆", "江州区图", "江州图书馆"], [("一楼", "报告厅"), ("二楼", "少儿室")], "江州区新民路15号", False, "wechat", "lib"),
        ("jz-b1", "江州区太平街道分馆", "branch", "jz", ["太平分馆", "太平街道图书室"], [("", "阅览室")], "江州区太平街道石景路3号", False, "clerk", "lib"),
        ("jz-sp1", "江州区石景林城市书房", "service_point", "jz-b1", ["石景林城市书房", "石景林书房"], [("", "阅读区")], "江州区石景林公园北门", False, "clerk", "lib"),
        ("pg", "平关县图书馆", "county", "lg", ["县馆", "平关图书馆", "平关县图"], [("二楼", "多功能厅"), ("一楼", "少儿阅览室"), ("三楼", "壮族文献室")], "平关县凭祥路88号", True, "cms", "lib"),
        ("pg-b1", "平关县图书馆友谊镇（口岸）分馆", "branch", "pg", ["友谊镇分馆", "口岸分馆"], [("", "阅览室"), ("", "边民活动室")], "平关县友谊镇口岸大道12号", False, "wechat", "lib"),
        ("pg-b2", "平关县上石镇综合文化站", "branch", "pg", ["上石文化站", "上石镇文化站"], [("", "多功能室")], "平关县上石镇政府旁", False, "clerk", "village"),
        ("pg-sp1", "平关县浦寨村农家书屋", "service_point", "pg-b1", ["浦寨村农家书屋", "浦寨书屋"], [("", "书屋")], "友谊镇浦寨村委会", False, "clerk", "village"),
        ("pg-sp2", "平关县边贸城城市书房", "service_point", "pg", ["边贸城书房", "边贸城城市书房"], [("", "阅读区")], "平关县边贸城B区1楼", False, "clerk", "lib"),
        ("nb", "宁边县图书馆", "county", "lg", ["县馆", "宁边图书馆", "宁边县图"], [("一楼", "大厅"), ("二楼", "报告厅")], "宁边县城中路7号", False, "wechat", "lib"),
        ("nb-b1", "宁边县那堪镇综合文化站", "branch", "nb", ["那堪文化站", "那堪镇文化站"], [("", "活动室")], "宁边县那堪镇那堪街", False, "clerk", "village"),
        ("nb-b2", "宁边县图书馆民族中学分馆", "branch", "nb", ["民族中学分馆", "民中图书室"], [("", "阅览室")], "宁边县民族中学校内", False, "cms", "lib"),
        ("nb-sp1", "那堪镇弄尧村农家书屋", "service_point", "nb-b1", ["弄尧村农家书屋", "弄尧书屋"], [("", "书屋")], "那堪镇弄尧村委会", False, "clerk", "village"),
        ("lt", "龙峒县图书馆", "county", "lg", ["县馆", "龙峒图书馆", "龙峒县图"], [("二楼", "会议室"), ("一楼", "借阅大厅"), ("三楼", "非遗展示厅")], "龙峒县城南路2号", False, "wechat", "lib"),
        ("lt-b1", "龙峒县金龙镇综合文化站", "branch", "lt", ["金龙文化站", "金龙镇文化站"], [("", "多功能室")], "龙峒县金龙镇民族街", False, "clerk", "village"),
        ("lt-sp1", "金龙镇板梯村农家书屋", "service_point", "lt-b1", ["板梯村农家书屋", "板梯书屋"], [("", "书屋")], "金龙镇板梯村", False, "clerk", "village"),
        ("lt-sp2", "龙峒县天琴传习所书屋", "service_point", "lt", ["天琴传习所书屋", "天琴传习所"], [("", "传习室")], "龙峒县城东天琴文化园", False, "clerk", "lib"),
    ],
    brands=[
        ("zjjt", "左江讲坛", "lg", 2014, "lecture"), ("bgsc", "边关流动书车", "lg-b2", 2016, "outreach"),
        ("bmdsh", "边民读书会", "pg-b1", 2019, "reading_club"), ("tqsy", "天琴书韵", "lt", 2018, "other"),
        ("swgsh", "山里娃故事会", "nb", 2017, "children"), ("sydd", "书院经典导读", "lg-b1", 2020, "reading_club"),
        ("jzqz", "江州亲子共读", "jz", 2019, "parent_child"),
    ],
    campaigns=[
        ("spring-2026", "网络书香过大年", "2026-02-01", "2026-03-05", False, "网络书香过大年｜"),
        ("sanyuesan-2026", "壮族三月三·书香歌圩", "2026-04-15", "2026-04-25", False, "三月三｜"),
        ("reading-month", "4·23世界读书日暨读书月", "2026-04-01", "2026-04-30", True, "世界读书日｜"),
        ("service-week", "图书馆服务宣传周", "2026-05-23", "2026-05-31", True, "服务宣传周｜"),
        ("summer-reading", "暑期少儿阅读", "2026-07-05", "2026-08-31", True, "暑期阅读｜"),
        ("reading-festival", "左江读书节", "2026-11-01", "2026-11-30", True, "左江读书节｜"),
    ],
    partners=["龙关市民族高中", "平关县边防某连", "友谊镇中心小学", "龙关市社科联", "龙关市科协", "宁边县民族中学", "广西民族师范学院", "江州区太平社区", "金龙镇板梯村委会", "龙关市残联"],
    schools=[("友谊镇中心小学", "友谊镇口岸大道30号", "多媒体教室"), ("宁边县民族中学", "宁边县城中路50号", "阶梯教室"), ("江州区实验小学", "江州区新民路60号", "礼堂")],
    bilingual=["Đọc sách cùng nhau", "Giờ kể chuyện", "Sam Nyied Sam", "Doeg saw"],
)

BOOKS = ["平凡的世界", "红楼梦", "活着", "人世间", "额尔古纳河右岸", "乡土中国", "苏东坡传", "围城", "城南旧事", "呼兰河传", "三体", "边城", "朝花夕拾", "骆驼祥子", "长安的荔枝", "我与地坛", "文化苦旅", "南方有嘉木", "繁花", "云边有个小卖部", "草房子", "小王子", "夏洛的网", "西游记", "诗经选读", "论语", "水浒传", "撒哈拉的故事", "浮生六记", "牛天赐传"]
PICTURE = ["猜猜我有多爱你", "好饿的毛毛虫", "大卫不可以", "我爸爸", "团圆", "小蝌蚪找妈妈", "逃家小兔", "月亮的味道", "鼠小弟的小背心", "花婆婆", "安的种子", "一园青菜成了精", "蚕豆大哥的床", "爷爷一定有办法", "小黑鱼", "石头汤"]
LECT = ["家庭教育中的阅读习惯养成", "{city}近代工商业的百年变迁", "宋词里的四季", "中医养生与四季饮食", "短视频时代的深度阅读", "青少年心理健康与亲子沟通", "防范电信诈骗知识讲座", "《民法典》与百姓生活", "地方志里的{city}", "从甲骨文看汉字演变", "人工智能与未来工作", "非遗里的岭南匠心", "老年人智能手机使用", "职场沟通与情绪管理", "红色家书里的家国情怀", "古诗词中的节气", "科学育儿与绘本选择", "边疆历史与民族团结", "壮族铜鼓文化漫谈", "乡村振兴中的农业新技术"]
SPEAK = ["李明远", "陈晓燕", "黄志强", "林慧敏", "张建华", "梁少芬", "罗永康", "韦丽萍", "农秀英", "何文博", "苏佩琳", "黎国栋"]
EXHIB = ["书香{city}·阅读推广成果展", "百年党史图片展", "{city}老照片展", "非遗剪纸作品展", "少儿绘画作品展", "古籍修复成果展", "科普知识挂图展", "廉洁文化主题展", "民族服饰与文献展", "抗战文献展", "地方名人手稿展", "书法楹联作品展"]
CRAFT = ["剪纸", "醒狮扎作", "粤绣", "广彩", "壮锦", "天琴", "绣球制作", "竹编", "糖画", "陶艺", "扎染", "木版年画"]
FILMS = ["城南旧事", "我和我的祖国", "寻梦环游记", "流浪地球", "小兵张嘎", "放牛班的春天", "奇迹·笨小孩", "长津湖", "海洋奇缘", "狮子王", "功夫熊猫", "疯狂动物城"]
TRAIN = ["图书馆员业务", "阅读推广人", "农家书屋管理员", "志愿者服务", "数字资源使用", "古籍普查", "少儿阅读指导", "新媒体宣传"]
EMOJI = ["📚", "🎉", "✨", "📖", "🌸", "👉", "🔥", "🎈"]
FW = str.maketrans("0123456789", "０１２３４５６７８９")
TYPO = [("报告厅", "报告亭"), ("多功能厅", "多功能亭"), ("图书馆", "图书官"), ("分馆", "分管"), ("阅览室", "阅揽室"), ("书屋", "书室"), ("活动室", "活动式"), ("展厅", "展亭")]
CN_NUM = "零一二三四五六七八九十"

def cn(n):
    if n <= 10: return CN_NUM[n]
    if n < 20: return "十" + (CN_NUM[n - 10] if n > 10 else "")
    return CN_NUM[n // 10] + "十" + (CN_NUM[n % 10] if n % 10 else "")

def tz(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + "+08:00"

def tz_utc(dt):
    return (dt - timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%S") + "Z"

WD = "一二三四五六日"

# ----------------------------------------------------------------------------- generator
class City:
    def __init__(self, cfg, rng):
        self.cfg, self.rng = cfg, rng
        self.m = {}
        for (mid, name, tier, parent, abbr, rooms, addr, d, style, kind) in cfg["members"]:
            self.m[mid] = dict(id=mid, name=name, tier=tier, parent=parent, abbr=abbr, rooms=rooms, addr=addr, dir=d, style=style, kind=kind)
        self.ids = list(self.m)
        self.children = defaultdict(list)
        for mid, x in self.m.items():
            if x["parent"]: self.children[x["parent"]].append(mid)
        self.brands = {b[0]: dict(id=b[0], name=b[1], lib=b[2], since=b[3], cat=b[4]) for b in cfg["brands"]}
        self.brand_of = defaultdict(list)
        for b in self.brands.values(): self.brand_of[b["lib"]].append(b)
        self.camps = [dict(id=c[0], name=c[1], s=date.fromisoformat(c[2]), e=date.fromisoformat(c[3]), yearly=c[4], prefix=c[5]) for c in cfg["campaigns"]]
        self.venue_ids = {}
        for mid, x in self.m.items():
            if x["dir"]:
                for i, (fl, room) in enumerate(x["rooms"]):
                    self.venue_ids[(mid, room)] = f"{mid}-r{i+1}"
        self.acts = []          # activities
        self.lines = []         # announcements
        self.occupied = set()   # (lib, room, date, hour) to avoid accidental twins
        self.refn = Counter()
        self.family_count = Counter()
        self.label_n = 0

    # -- helpers
    def ancestors(self, mid):
        out = []
        p = self.m[mid]["parent"]
        while p:
            out.append(p); p = self.m[p]["parent"]
        return out

    def neighbours(self, mid):
        x = self.m[mid]
        near = set(self.ancestors(mid)[:2]) | set(self.children[mid])
        if x["parent"]:
            near |= set(self.children[x["parent"]])
            if x["parent"] == "rj" or x["parent"] == "lg" or self.m[x["parent"]]["tier"] == "central":
                pass
        near.discard(mid)
        near.add(self.ids[0])
        near.discard(mid)
        return sorted(near)

    def campaign_for(self, d):
        hits = [c for c in self.camps if c["s"] <= d <= c["e"]]
        return self.rng.choice(hits) if hits else None

    def new_label(self):
        self.label_n += 1
        return f"{self.cfg['key'][-1]}{self.label_n:05d}"

    def new_ref(self, lib, desk):
        self.refn[(lib, desk)] += 1
        n = self.refn[(lib, desk)]
        pat = {"cms": f"cms-2026-{n:04d}", "wx": f"wx{n:05d}", "form": f"F{n:06d}", "xls": f"台账-{n:03d}", "api": f"evt_{lib}_{n:05d}"}
        return pat[desk]

    def pick_slot(self, lib, room, d, hours):
        hs = list(hours)
        self.rng.shuffle(hs)
        for h in hs:
            key = (lib, room, d, int(h))
            if key not in self.occupied:
                self.occupied.add(key)
                return h
        return None

    def rand_date(self, lo=date(2026, 1, 5), hi=date(2026, 12, 20), weekend=0.6):
        while True:
            d = lo + timedelta(days=self.rng.randrange((hi - lo).days + 1))
            if (d.weekday() >= 5) or self.rng.random() > weekend:
                return d

    # -- activity construction
    def base_activity(self, host=None, cat=None, d=None, fixed_title=None, room=None, hours=None, keep=None, family="none", crit=None, venue_lib=None):
        r = self.rng
        host = host or r.choice(self.ids)
        hx = self.m[host]
        cat = cat or r.choices(["lecture", "reading_club", "children", "parent_child", "exhibition", "contest", "training", "outreach", "screening", "other", "digital", "accessibility", "salon", "festival"],
                                [14, 12, 14, 9, 5, 3, 4, 7, 5, 6, 3, 2, 4, 1])[0]
        for _ in range(60):
            dd = d or self.rand_date()
            vlib = venue_lib or host
            rm = room or r.choice(self.m[vlib]["rooms"])
            hrs = hours or {"lecture": [9.5, 14.5, 15, 19], "children": [10, 15, 9.5], "parent_child": [10, 15.5], "reading_club": [14.5, 19.5, 15], "salon": [14.5, 19.5],
                            "screening": [14, 19], "training": [9, 14.5], "other": [10, 14.5, 15.5], "digital": [10, 15], "accessibility": [9.5, 14.5], "outreach": [9.5, 15, 16],
                            "exhibition": [9], "contest": [9, 14], "festival": [9.5, 10]}[cat]
            if hx["kind"] == "factory" and not hours: hrs = [12, 19.5, 20]
            h = self.pick_slot(vlib, rm[1], dd, hrs)
            if h is not None: break
            if d: return None
        else:
            return None
        start = datetime(dd.year, dd.month, dd.day, int(h), int(round((h % 1) * 60)))
        dur = {"exhibition": None, "festival": 150, "contest": 180, "training": 120, "lecture": 90, "screening": 120}.get(cat, r.choice([60, 90, 120]))
        if cat == "exhibition":
            end = datetime(dd.year, dd.month, dd.day, 17, 0) + timedelta(days=r.choice([6, 9, 13, 20, 29]))
        else:
            end = start + timedelta(minutes=dur)
        brand = None
        if self.brand_of[host] and r.random() < 0.45:
            b = r.choice(self.brand_of[host])
            if fixed_title is None:
                brand = b
                cat = b["cat"] if b["cat"] != "outreach" or True else cat
        title, speaker = fixed_title, None
        if title is None:
            title, speaker = self.make_title(cat, brand, hx, dd)
        camp = self.campaign_for(dd)
        a = dict(label=self.new_label(), host=host, cat=cat, start=start, end=end, title=title, speaker=speaker, brand=brand,
                 camp=camp if (camp and r.random() < 0.7) else None, vlib=vlib, room=rm, keep=keep, family=family,
                 crit=crit or set(), featured=r.random() < 0.08, capacity=r.choice([None, 30, 40, 50, 80, 100, 200]),
                 audience=self.audience(cat, hx), partners=[], outreach_place=None, postponed_from=None, recurrence=None, cancelled=False)
        if cat == "outreach" and r.random() < 0.6 and not venue_lib and not room:
            sch = r.choice(self.cfg["schools"])
            a["outreach_place"] = sch
            a["partners"] = [sch[0]]
            a["title"] = a["title"] if "走进" in a["title"] else f"图书馆进校园：走进{sch[0]}·{r.choice(BOOKS[:20] + ['好书推荐'])}"
        elif r.random() < 0.25:
            a["partners"] = r.sample(self.cfg["partners"], r.choice([1, 1, 2]))
        if cat == "exhibition": a["crit"] = a["crit"] | {"noshift"}
        return a

    def audience(self, cat, hx):
        if cat in ("children",): return self.rng.choice(["3-8岁儿童", "少年儿童", "学龄前儿童及家长", None])
        if cat == "parent_child": return self.rng.choice(["亲子家庭", "3-10岁儿童及家长"])
        if cat == "accessibility": return self.rng.choice(["视障读者", "残障人士"])
        if hx["kind"] == "factory": return self.rng.choice(["园区职工", "新市民", "外来务工人员", "企业职工"])
        if hx["kind"] == "village": return self.rng.choice(["村民", "农村留守儿童", "老年读者", None])
        return self.rng.choice([None, None, "市民", "青少年", "老年读者", "社会公众"])

    def make_title(self, cat, brand, hx, d):
        r, city = self.rng, self.cfg["city"]
        sp = None
        if cat == "lecture":
            sp = r.choice(SPEAK)
            t = r.choice(LECT).format(city=city)
            body = r.choice([f"{t}", f"{t}——{sp}主讲", f"“{t}”专题讲座"])
        elif cat in ("reading_club", "salon"):
            b = r.choice(BOOKS)
            body = r.choice([f"共读《{b}》", f"《{b}》读书分享会", f"读书沙龙：走进《{b}》", f"《{b}》阅读交流"])
        elif cat == "children":
            body = r.choice([f"绘本故事会：《{r.choice(PICTURE)}》", f"周末故事会《{r.choice(PICTURE)}》", f"小小朗读者：《{r.choice(PICTURE)}》", f"绘本剧表演《{r.choice(PICTURE)}》"])
        elif cat == "parent_child":
            body = r.choice([f"亲子阅读：《{r.choice(PICTURE)}》", f"亲子手工与阅读：{r.choice(CRAFT)}", f"亲子共读《{r.choice(BOOKS[20:])}》"])
        elif cat == "exhibition":
            body = r.choice(EXHIB).format(city=city)
        elif cat == "contest":
            body = r.choice([f"“{city}好声音”少儿诵读大赛", "“我最喜爱的一本书”征文比赛", "青少年国学知识竞赛", "职工读书演讲比赛", "少儿讲故事比赛", "书法楹联大赛"])
        elif cat == "training":
            body = f"{r.choice(TRAIN)}培训班"
        elif cat == "outreach":
            body = r.choice([f"送书下乡：{r.choice(['好书进万家', '书香润乡村', '农技图书送到田间'])}", "图书馆进社区：好书推荐", "图书馆进企业：职工读书角送书", "图书馆进军营：送书慰问", "流动图书车进村"])
        elif cat == "screening":
            body = r.choice([f"周末观影：《{r.choice(FILMS)}》", f"光影阅读·《{r.choice(FILMS)}》", f"无障碍电影放映《{r.choice(FILMS)}》"])
        elif cat == "digital":
            body = r.choice(["数字资源使用培训", "“云阅读”数字资源体验", "手机借书与电子书下载指导", "老年人智能手机课堂"])
        elif cat == "accessibility":
            body = r.choice(["残障人士读书文化日", "视障读者听书会", "盲文阅读体验", "助残读书分享会"])
        elif cat == "festival":
            body = r.choice([f"2026年{city}全民阅读活动启动仪式", f"{city}读书节开幕式"])
        else:
            body = r.choice([f"非遗进书房：{r.choice(CRAFT)}体验", f"非遗传承人讲{r.choice(CRAFT)}", f"{r.choice(CRAFT)}手作课堂", "猜灯谜·品书香", "端午香囊制作与诗词诵读"])
        if brand:
            if brand["cat"] == "reading_club" and cat in ("reading_club", "salon"):
                body = f"第{r.randint(5, 160)}期：{body}" if r.random() < 0.5 else body
            return f"{brand['name']}：{body}", sp
        return body, sp

    # -- families of look-alikes
    def family(self, kind):
        r = self.rng
        acts = []
        if kind == "weekly_series":
            host = r.choice(self.ids)
            a0 = self.base_activity(host=host, cat=r.choice(["reading_club", "children", "lecture", "training"]))
            if not a0: return []
            same = r.random() < 0.5
            base_title = a0["title"]
            n0 = r.randint(3, 40)
            for k in range(r.randint(3, 5)):
                d = a0["start"].date() + timedelta(days=7 * k)
                t = base_title if same else f"{base_title.split('（')[0]}（第{n0 + k}期）"
                if k == 0:
                    a = a0; a["title"] = t
                else:
                    a = self.base_activity(host=host, cat=a0["cat"], d=d, fixed_title=t, room=a0["room"], hours=[a0["start"].hour + a0["start"].minute / 60])
                    if not a: continue
                a["family"] = kind; a["crit"] = a["crit"] | {"nopostpone"}
                if not same: a["keep"] = f"第{n0 + k}期"
                acts.append(a)
        elif kind == "multi_branch":
            par = r.choice([p for p in self.ids if len(self.children[p]) >= 2])
            libs = [par] + self.children[par]
            libs = r.sample(libs, min(len(libs), r.randint(2, 4)))
            d = self.rand_date(); h = r.choice([9.5, 10, 15])
            title = r.choice(["“悦读童年”绘本共读", "世界读书日·换书大集", "“书香润童心”故事会", "全民阅读·经典诵读", "寒假少儿手工课：剪窗花", "“小小图书管理员”体验"])
            cat = "children" if "童" in title or "少儿" in title or "管理员" in title else "other"
            for lib in libs:
                a = self.base_activity(host=lib, cat=cat, d=d, fixed_title=title, hours=[h])
                if a:
                    a["family"] = kind; a["crit"] = a["crit"] | {"place", "nopostpone"}
                    a["coh_pref"] = [par] if lib != par else []
                    acts.append(a)
        elif kind == "parallel_sessions":
            host = r.choice([x for x in self.ids if len(self.m[x]["rooms"]) >= 2])
            rooms = r.sample(self.m[host]["rooms"], 2)
            d = self.rand_date(); h = r.choice([9.5, 14.5, 15])
            for rm, cat in zip(rooms, r.sample(["lecture", "children", "parent_child", "reading_club", "other"], 2)):
                a = self.base_activity(host=host, cat=cat, d=d, room=rm, hours=[h])
                if a:
                    a["family"] = kind; a["crit"] = a["crit"] | {"place", "nopostpone"}; acts.append(a)
        elif kind == "session_1_2":
            host = r.choice(self.ids)
            a0 = self.base_activity(host=host, cat=r.choice(["children", "parent_child", "lecture", "other", "screening"]), hours=[9.5, 14.5, 15])
            if not a0: return []
            words = r.choice([("第一场", "第二场"), ("上午场", "下午场") if a0["start"].hour < 10 else ("第一场", "第二场"), ("（1）", "（2）")])
            gap = 60 if words[0] != "上午场" else 240
            h2 = a0["start"].hour + a0["start"].minute / 60 + gap / 60
            a1 = self.base_activity(host=host, cat=a0["cat"], d=a0["start"].date(), fixed_title=a0["title"], room=a0["room"], hours=[h2])
            if not a1: return []
            a1["end"] = a1["start"] + (a0["end"] - a0["start"]) if a0["cat"] != "exhibition" else a1["end"]
            a0["end"] = min(a0["end"], a0["start"] + timedelta(minutes=55))
            a1["end"] = a1["start"] + timedelta(minutes=55)
            for a, w in ((a0, words[0]), (a1, words[1])):
                a["title"] = f"{a0['title']}{w}" if w.startswith("（") else f"{a0['title']}（{w}）"
                a["keep"] = w.strip("（）"); a["family"] = kind; a["crit"] = a["crit"] | {"time", "nopostpone"}; acts.append(a)
        elif kind == "same_hall_later":
            host = r.choice(self.ids)
            a0 = self.base_activity(host=host, cat=r.choice(["lecture", "children", "reading_club"]), hours=[9.5, 10])
            if not a0: return []
            a1 = self.base_activity(host=host, cat=r.choice(["lecture", "screening", "reading_club", "salon", "other"]), d=a0["start"].date(), room=a0["room"], hours=[14.5, 15, 19.5])
            for a in (a0, a1):
                if a: a["family"] = kind; a["crit"] = a["crit"] | {"nopostpone"}; acts.append(a)
        elif kind == "same_book":
            b = r.choice(BOOKS)
            for k in range(r.randint(2, 3)):
                host = r.choice(self.ids)
                t = r.choice([f"共读《{b}》", f"《{b}》读书分享会", f"读书会：《{b}》"])
                a = self.base_activity(host=host, cat="reading_club", fixed_title=t)
                if a: a["family"] = kind; acts.append(a)
        # ---- own families
        elif kind == "shift_repeat":
            factories = [x for x in self.ids if self.m[x]["kind"] == "factory"]
            host = r.choice(factories or [x for x in self.ids if "口岸" in self.m[x]["name"]])
            rm = self.m[host]["rooms"][-1]
            d = self.rand_date(weekend=0.1)
            if factories:
                t = r.choice(["职工读书分享：", "安全生产知识讲座：", "工友课堂："]) + r.choice(["读懂劳动合同", "《平凡的世界》里的奋斗者", "个税与社保常识", "家庭教育小课堂", "急救知识与自救"])
            else:  # border port: drivers and traders work in shifts around the customs hours
                t = r.choice(["口岸司机之家读书分享：《人世间》选读", "边贸从业人员普法讲座：《民法典》与边贸合同", "口岸夜校：简单越南语会话",
                              "口岸司机之家：跨境运输安全常识", "边贸从业人员普法讲座：防范跨境电信诈骗", "口岸夜校：《平凡的世界》里的奋斗者"])
            for h, w in ((12, "午休场"), (20, "夜班前场") if r.random() < 0.5 else (19.5, "晚班场")):
                a = self.base_activity(host=host, cat="lecture", d=d, fixed_title=f"{t}（{w}）", room=rm, hours=[h])
                if a:
                    a["end"] = a["start"] + timedelta(minutes=45)
                    a["keep"] = w; a["family"] = kind; a["crit"] = a["crit"] | {"time", "nopostpone"}; acts.append(a)
        elif kind == "mobile_route":
            mob = [x for x in self.ids if self.m[x]["kind"] in ("mobile", "village")]
            villages = [x for x in self.ids if self.m[x]["kind"] == "village"]
            host = r.choice([x for x in self.ids if self.m[x]["kind"] == "mobile"] or [self.ids[0]])
            d = self.rand_date()
            t = r.choice(["流动书车进村送书", "书香大篷车下乡", "流动图书车巡回服务"])
            stops = r.sample(villages, min(len(villages), r.randint(2, 3)))
            hours = [9.5, 14.5, 16.5]
            for v, h in zip(stops, hours):
                vx = self.m[v]
                a = self.base_activity(host=host, cat="outreach", d=d, fixed_title=f"{t}·{vx['abbr'][0]}", venue_lib=v, room=vx["rooms"][0], hours=[h])
                if a:
                    a["end"] = a["start"] + timedelta(minutes=90)
                    a["keep"] = vx["abbr"][0]; a["family"] = kind; a["crit"] = a["crit"] | {"place", "nopostpone"}
                    a["coh_pref"] = [v]; acts.append(a)
        elif kind == "touring_exhibition":
            t = r.choice(EXHIB).format(city=self.cfg["city"]) + "（巡展）"
            d = self.rand_date(weekend=0)
            libs = r.sample([x for x in self.ids if self.m[x]["tier"] in ("central", "district", "county", "branch")], 3)
            for k, lib in enumerate(libs):
                a = self.base_activity(host=lib, cat="exhibition", d=d + timedelta(days=15 * k), fixed_title=t)
                if a:
                    a["end"] = datetime.combine(a["start"].date() + timedelta(days=12), datetime.min.time()).replace(hour=17)
                    a["family"] = kind; a["crit"] = a["crit"] | {"place", "nopostpone"}; acts.append(a)
        elif kind == "contest_stages":
            host = r.choice([x for x in self.ids if self.m[x]["tier"] in ("central", "district", "county")])
            t = r.choice(["少儿诵读大赛", "“书香家庭”知识竞赛", "青少年讲故事比赛", "职工读书演讲比赛", "中华经典诵写讲大赛"])
            d = self.rand_date(weekend=0.8)
            for k, w in enumerate(["初赛", "复赛", "决赛"]):
                a = self.base_activity(host=host, cat="contest", d=d + timedelta(days=14 * k), fixed_title=f"2026年{self.cfg['city']}{t}{w}")
                if a: a["keep"] = w; a["family"] = kind; a["crit"] = a["crit"] | {"nopostpone"}; acts.append(a)
        elif kind == "am_pm_class":
            host = r.choice(self.ids)
            d = self.rand_date(lo=date(2026, 7, 6), hi=date(2026, 8, 28), weekend=0)
            t = r.choice(["暑期少儿阅读营", "小候鸟暑期课堂", "暑期书法体验班", "暑期绘本创作营", "暑期少儿编程体验课"])
            for h, w in ((9, "上午班"), (14.5, "下午班")):
                a = self.base_activity(host=host, cat="children", d=d, fixed_title=f"{t}{w}开班", hours=[h])
                if a:
                    a["end"] = a["start"] + timedelta(minutes=120)
                    a["keep"] = w; a["family"] = kind; a["crit"] = a["crit"] | {"time", "nopostpone"}; acts.append(a)
        elif kind == "series_rrule":
            host = r.choice(self.ids)
            a = self.base_activity(host=host, cat=r.choice(["training", "children", "digital"]), hours=[9.5, 10, 15])
            if a:
                a["recurrence"] = r.choice([4, 6, 8]); a["family"] = kind
                a["title"] = a["title"].split("（")[0] + f"（共{a['recurrence']}期）"
                a["crit"] = a["crit"] | {"nopostpone", "noshift"}; acts.append(a)
                b = self.base_activity(host=host, cat=a["cat"], d=a["start"].date() + timedelta(days=7 * a["recurrence"] + 28), fixed_title=a["title"].replace("（共", "（秋季班·共") if a["start"].month < 7 else a["title"].replace("（共", "（下期·共"), room=a["room"], hours=[a["start"].hour + a["start"].minute / 60])
                if b:
                    b["recurrence"] = a["recurrence"]; b["family"] = kind; b["crit"] = b["crit"] | {"nopostpone", "noshift"}; acts.append(b)
        for a in acts: self.family_count[kind] += 1
        return acts

    # -- rendering of one announcement
    def venue_text(self, a, sender, habit, var):
        r = self.rng
        if a["outreach_place"]:
            sch, addr, room = a["outreach_place"]
            opts = [(sch, "venue_library_only"), (f"{sch}{room}", "venue_room_full"), (addr, "venue_address_only")]
            name, v = r.choice(opts)
            var.append(v); return dict(name=name, address=addr if r.random() < 0.3 else None)
        lib = self.m[a["vlib"]]
        fl, room = a["room"]
        own = sender == a["vlib"]
        rel = []
        if sender in self.children.get(a["vlib"], []) or a["vlib"] in self.ancestors(sender)[:1]:
            if lib["tier"] == "district": rel = ["区馆", "区图书馆"]
            if lib["tier"] == "county": rel = ["县馆"]
            if lib["tier"] == "central": rel = ["总馆", "市馆"]
        abbrs = [x for x in lib["abbr"] if x not in ("区馆", "县馆", "文化站")] + rel
        choices = [("full", 3), ("abbr_room", 3), ("lib_only", 1.5), ("address", 1), ("typo", 0.4)]
        if own:
            choices += [("room_floor", 3), ("room_only", 2.5), ("room_paren", 1), ("vague", 1.2 if habit == "clerk" else 0.3)]
        if own and (a["vlib"], room) in self.venue_ids and habit in ("cms", "api"):
            choices += [("vid", 6)]
        if "place" in a["crit"]:
            choices = [c for c in choices if c[0] not in ("vague",)]
            if not own: choices = [c for c in choices if c[0] not in ("room_floor", "room_only", "room_paren")]
        kinds, w = zip(*choices)
        k = r.choices(kinds, w)[0]
        addr = None
        vid = None
        floor_room = f"{fl}{room}" if fl else room
        if k == "full": name = f"{lib['name']}{floor_room}"; var.append("venue_full")
        elif k == "abbr_room": name = f"{r.choice(abbrs)}{r.choice([floor_room, room])}"; var.append("venue_abbrev")
        elif k == "lib_only": name = r.choice([lib["name"]] + abbrs[:2]); var.append("venue_library_only")
        elif k == "address": name = lib["addr"] + (r.choice(["", f"（{lib['abbr'][0]}）"])); var.append("venue_address_only")
        elif k == "room_floor": name = floor_room; var.append("venue_room_with_floor")
        elif k == "room_only": name = room; var.append("venue_room_no_floor")
        elif k == "room_paren": name = f"{room}（{fl}）" if fl else f"{room}（{lib['abbr'][0]}）"; var.append("venue_floor_parenthesised")
        elif k == "vague": name = r.choice(["本馆", "馆内", "本站", "我馆活动区", "图书馆"]) if lib["kind"] != "village" else r.choice(["本书屋", "村委会", "文化站", "村文化室"]); var.append("venue_vague")
        elif k == "typo":
            name = f"{lib['name']}{floor_room}"
            for x, y in TYPO:
                if x in name: name = name.replace(x, y, 1); break
            var.append("venue_typo")
        else:
            name = room; vid = self.venue_ids[(a["vlib"], room)]; var.append("venue_directory_id")
        if k != "address" and r.random() < 0.25: addr = lib["addr"]
        if r.random() < 0.05 and k not in ("typo", "vid"):
            name = name.replace("（", " (").replace("）", ")"); var.append("venue_halfwidth_brackets")
        return dict(name=name, address=addr, venue_id=vid)

    def render(self, a, sender, habit, desk, orgs_mode, pub, var, start=None, title_mode=None, report=False, status="scheduled", revision=1, ref=None, postponed_note=None):
        r = self.rng
        s, e = start or a["start"], a["end"]
        if start: e = e + (start - a["start"])
        all_day = False
        out_s, out_e = s, e
        crit = a["crit"]
        # time habits
        if "noshift" in crit:
            pass
        elif habit == "clerk" and "time" not in crit and r.random() < 0.35:
            out_s = datetime(s.year, s.month, s.day); out_e = out_s + timedelta(days=1); all_day = True; var.append("time_date_only_all_day")
        elif habit == "clerk" and "time" not in crit and r.random() < 0.12:
            out_s = datetime(s.year, s.month, s.day, 9); out_e = datetime(s.year, s.month, s.day, 17); var.append("time_form_default_hours(own)")
        else:
            x = r.random()
            if x < 0.18 or (habit == "factory" and x < 0.4):
                m = r.choice([15, 20, 30]); out_s = s - timedelta(minutes=m); var.append("time_signin_early")
            elif x < 0.30 and s.minute:
                out_s = s.replace(minute=0) if r.random() < 0.6 else s.replace(minute=0) + timedelta(hours=1); var.append("time_rounded_hour")
            elif x < 0.35 and "time" not in crit:
                out_s = s + timedelta(minutes=r.choice([-60, -45, 45, 60])); var.append("time_off_up_to_hour")
            y = r.random()
            if y < 0.12: out_e = out_s; var.append("time_end_missing")
            elif y < 0.25: out_e = out_e + timedelta(minutes=r.choice([-30, 30, 60])); var.append("time_end_different")
            if out_e < out_s: out_e = out_s
        # title
        t = a["title"]
        tm = title_mode or self.title_mode(habit)
        nv = len(var)
        t2 = self.decorate(a, t, tm, sender, var, report)
        if a["keep"] and a["keep"] not in t2:
            del var[nv:]
            t2 = t
        t = t2
        d = dict(library_id=sender, source_ref=ref, revision=revision, status=status, title=t[:200])
        # description
        if r.random() < 0.6 or postponed_note:
            d["description"] = self.describe(a, out_s, out_e, all_day, habit, postponed_note, report)
        d["category"] = a["cat"] if r.random() < 0.9 else r.choice([a["cat"], "other"] if a["cat"] not in ("children", "parent_child") else ["children", "parent_child"])
        if d["category"] != a["cat"]: var.append("category_differs")
        utc = habit == "api" and not all_day
        if utc: var.append("time_utc_offset(own)")
        d["starts_at"] = tz_utc(out_s) if utc else tz(out_s)
        d["ends_at"] = tz_utc(out_e) if utc else tz(out_e)
        if all_day: d["all_day"] = True
        if a["recurrence"]:
            n = a["recurrence"]
            if r.random() < 0.5:
                d["recurrence"] = f"FREQ=WEEKLY;COUNT={n}"
            else:
                last = out_s + timedelta(days=7 * (n - 1)) - timedelta(hours=8) + timedelta(minutes=1)
                d["recurrence"] = "FREQ=WEEKLY;UNTIL=" + last.strftime("%Y%m%dT%H%M%SZ"); var.append("series_until_instead_of_count(own)")
        # venue
        if habit == "stream":
            d["venue"] = dict(name=r.choice(["线上直播", f"{self.m[sender]['abbr'][0]}视频号直播", "线上（腾讯会议）"]), online_url=f"https://live.example.org/{sender}/{a['label'].lower()}")
            var.append("online_stream_of_same_activity(own)")
        else:
            d["venue"] = {k: v for k, v in self.venue_text(a, sender, habit, var).items() if v}
        # organisers
        orgs = []
        full = [dict(library_id=a["host"], role="host")] + [dict(library_id=c, role=rl) for c, rl in a["cohosts"]]
        if orgs_mode == "full": orgs = full; var.append("organisers_full")
        elif orgs_mode == "host_self":
            orgs = [o for o in full if o["library_id"] in (a["host"], sender)]; var.append("organisers_host_and_self")
        elif orgs_mode == "self": orgs = [o for o in full if o["library_id"] == sender]; var.append("organisers_self_only")
        else: var.append("organisers_none")
        if habit in ("xls", "form") and r.random() < 0.5:
            orgs = [dict(o, role="co_host") if o["role"] == "co_organiser" else o for o in orgs]
            if any(o["role"] == "co_host" for o in orgs): var.append("v1_co_host_role(own)")
        if orgs: d["organizers"] = orgs
        b = a["brand"]
        if b and b["lib"] == sender and r.random() < 0.8: d["brand_id"] = b["id"]
        if a["camp"] and r.random() < 0.75: d["campaign_id"] = a["camp"]["id"]
        if a["featured"] and sender == a["host"]: d["featured"] = True
        if a["audience"] and r.random() < 0.6: d["audience"] = a["audience"]
        tags = []
        if a["camp"] and r.random() < 0.3: tags.append(a["camp"]["name"][:50])
        if a["cat"] == "festival": tags.append("大型系列")
        if r.random() < 0.3: tags.append({"lecture": "讲座", "children": "少儿", "exhibition": "展览", "reading_club": "读书会"}.get(a["cat"], "阅读推广"))
        if tags: d["tags"] = tags
        if a["capacity"] and r.random() < 0.5: d["capacity"] = a["capacity"]
        if habit in ("wechat", "cms") and r.random() < 0.2: d["registration_url"] = f"https://reg.example.org/{a['host']}/{a['label'].lower()}"
        if r.random() < 0.3: d["contact"] = r.choice(["0760-8888", "0771-5566", "139"]) + f"{r.randrange(10000, 99999)}"
        if a["partners"] and r.random() < 0.6: d["partners"] = a["partners"]
        return d

    def title_mode(self, habit):
        r = self.rng
        if habit == "wechat": return r.choices(["plain", "bracket", "emoji", "headline", "status", "welcome", "campaign"], [2, 3, 3, 2, 1, 1, 1])[0]
        if habit == "clerk": return r.choices(["plain", "suffix", "drop_prefix", "fullwidth", "typo"], [4, 3, 2, 1, 1])[0]
        if habit == "factory": return r.choices(["plain", "union", "suffix", "welcome", "bilingual"], [3, 3, 1, 1, 1])[0]
        if habit == "cms": return r.choices(["plain", "campaign", "bracket", "drop_prefix", "bilingual"], [6, 2, 1, 1, 0.5])[0]
        return r.choices(["plain", "drop_prefix", "suffix", "fullwidth"], [5, 2, 1, 1])[0]

    def decorate(self, a, t, mode, sender, var, report):
        r = self.rng
        keep = a["keep"]
        if report:
            var.append("title_report_after_event")
            return r.choice([f"{t}圆满举办", f"回顾｜{t}", f"{t}顺利开展", f"【活动回顾】{t}"])
        if mode == "drop_prefix" and "：" in t:
            head, tail = t.split("：", 1)
            if not keep or keep in tail:
                var.append("title_prefix_dropped"); return tail
        if mode == "bracket":
            var.append("title_bracket_prefix"); return r.choice(["【联盟活动】", "【活动预告】", "【预告】", "【公益讲座】" if a["cat"] == "lecture" else "【活动】"]) + t
        if mode == "emoji":
            var.append("title_emoji"); e = r.choice(EMOJI); return r.choice([f"{e}{t}", f"{t}{e}", f"{e}{t}{r.choice(EMOJI)}"])
        if mode == "status":
            var.append("title_registration_status"); return t + r.choice(["（报名中）", "｜报名中", "【已满员】", "（名额已满）"])
        if mode == "welcome":
            var.append("title_welcome"); return t + r.choice(["，欢迎参加！", "（欢迎报名）", "，期待您的参与"])
        if mode == "suffix":
            var.append("title_suffix_appended")
            return t + ("读书分享活动" if a["cat"] in ("reading_club", "salon") and r.random() < 0.5 else "活动") if not t.endswith("活动") else t
        if mode == "campaign" and a["camp"]:
            var.append("title_campaign_prefix"); return a["camp"]["prefix"] + t
        if mode == "headline":
            var.append("title_wechat_headline(own)")
            ab = self.m[sender]["abbr"][0]
            core = t.split("：", 1)[1] if ("：" in t and (not keep or keep in t.split("：", 1)[1])) else t
            return r.choice([f"{ab}｜{core}", f"周末去哪儿｜{core}", f"{ab}｜{r.choice(['这个周末', '本周', '下周'])}，{core}等你来"])
        if mode == "union" and self.m[sender]["kind"] == "factory":
            var.append("title_union_notice_prefix(own)"); return r.choice(["【工会通知】", "【职工书屋】", "工会活动："]) + t
        if mode == "fullwidth":
            t2 = t.translate(FW).replace("《", "《 ").replace("》", " 》")
            if t2 != t: var.append("title_fullwidth_ime(own)"); return t2
        if mode == "bilingual":
            var.append("title_bilingual_subtitle(own)"); return f"{t} {r.choice(self.cfg['bilingual'])}"
        if mode == "typo":
            for x, y in (("绘本", "会本"), ("读书", "读收"), ("分享", "分项"), ("讲座", "讲坐"), ("故事", "故是")):
                if x in t and (not keep or keep not in x):
                    var.append("title_typo"); return t.replace(x, y, 1)
        return t

    def describe(self, a, s, e, all_day, habit, note, report):
        r = self.rng
        day = f"{s.year}年{s.month}月{s.day}日（周{WD[s.weekday()]}）"
        lines = []
        if note: lines.append(note)
        if report:
            lines.append(f"{day}，{a['title']}在{self.m[a['vlib']]['name']}举行，读者反响热烈。")
            return "\n".join(lines)
        if all_day:
            lines.append(f"活动时间：{day}，具体时间另行通知")
        elif a["cat"] == "exhibition":
            lines.append(f"展期：{s.month}月{s.day}日—{e.month}月{e.day}日，每日9:00-17:00（周一闭馆）")
        else:
            st = a["start"]
            if s < st and habit in ("factory", "wechat", "cms", "clerk", "form", "xls"):
                lines.append(f"活动时间：{day}{s:%H:%M}签到，{st:%H:%M}正式开始")
            else:
                lines.append(f"活动时间：{day}{s:%H:%M}")
        lines.append(f"活动地点：{self.m[a['vlib']]['name'] if not a['outreach_place'] else a['outreach_place'][0]}")
        if a["speaker"]: lines.append(f"主讲人：{a['speaker']}")
        if a["cohosts"] and r.random() < 0.5:
            lines.append("主办单位：" + self.m[a["host"]]["name"] + "；协办单位：" + "、".join(self.m[c]["name"] for c, _ in a["cohosts"]))
        if r.random() < 0.4: lines.append(r.choice(["名额有限，请提前报名。", "活动免费，欢迎广大读者参加。", "请家长陪同孩子参加。", "报名请扫描海报二维码。"]))
        return "\n".join(lines)

    # -- announcements of one activity
    def announce(self, a):
        r = self.rng
        n = r.choices([1, 2, 3, 4, 5, 6], [46, 26, 15, 8, 4, 1])[0]
        near = self.neighbours(a["host"])
        pref = [p for p in a.get("coh_pref", []) if p != a["host"]]
        pool = pref + [x for x in r.sample(near, len(near)) if x not in pref]
        ncoh = min(len(pool), max(n - 1, 0) + r.choice([0, 0, 0, 1]))
        a["cohosts"] = [(c, r.choice(["organiser", "co_organiser", "co_organiser", "participant"])) for c in pool[:ncoh]]
        senders = [a["host"]] + [c for c, _ in a["cohosts"]][: n - 1]
        twice = False
        if len(senders) < n or r.random() < 0.1:
            senders.append(a["host"]); twice = True
        senders = senders[:max(n, 1)] if not twice else senders
        if r.random() < 0.25 and len(senders) > 1:  # sometimes the host never announces itself
            senders = senders[1:] + ([senders[1]] if False else [])
        lead = r.randint(2, 21)
        base_pub = a["start"] - timedelta(days=lead, hours=r.randint(0, 10))
        connector_last = len(senders) >= 3 and len(a["cohosts"]) >= 2 and r.random() < 0.4
        out = []
        used_hosts = Counter()
        for i, snd in enumerate(senders):
            m = self.m[snd]
            habit = m["style"] if r.random() < 0.7 else r.choice(["cms", "wechat", "clerk", "factory", "form", "xls", "api"])
            if m["kind"] == "village" and habit == "cms": habit = "clerk"
            desk = {"cms": "cms", "wechat": "wx", "clerk": "xls", "factory": "form", "form": "form", "xls": "xls", "api": "api"}[habit]
            used_hosts[snd] += 1
            var = []
            if used_hosts[snd] == 2:
                desk = r.choice([x for x in ("cms", "wx", "form", "xls") if x != desk]); var.append("same_library_twice")
                habit = {"cms": "cms", "wx": "wechat", "form": "form", "xls": "clerk"}[desk]
            if a["cat"] == "lecture" and i > 0 and r.random() < 0.12 and "place" not in a["crit"] and not a["recurrence"]:
                habit = "stream"
            pub = base_pub + timedelta(hours=r.randint(0, 24 * max(1, lead - 1)))
            if connector_last:
                mode = "full" if i == len(senders) - 1 else r.choice(["none", "self", "host_self"] if snd != a["host"] else ["none"])
                if i == len(senders) - 1: pub = a["start"] - timedelta(hours=r.randint(2, 20)); var.append("connector_arrives_last")
                elif mode == "host_self" and len(a["cohosts"]) <= 1: mode = "none"
            else:
                mode = r.choices(["full", "host_self", "self", "none"], [4, 3, 1, 3])[0] if habit != "clerk" else r.choice(["none", "none", "self"])
            start = None
            if "same_library_twice" in var and "time" not in a["crit"] and "noshift" not in a["crit"] and r.random() < 0.5:
                start = a["start"] + timedelta(minutes=r.choice([-10, 10])); var.append("start_10min_apart")
            report = r.random() < 0.05 and i > 0 and not a["recurrence"]
            if report: pub = a["start"] + timedelta(hours=r.randint(3, 60))
            ref = self.new_ref(snd, desk)
            d = self.render(a, snd, habit, desk, mode, pub, var, start=start, report=report, ref=ref)
            out.append((pub, d, var))
            # revisions
            if r.random() < 0.08 and not report:
                var2 = ["revision"]
                d2 = json.loads(json.dumps(d)); d2["revision"] = 2
                ch = r.choice(["title", "venue", "desc", "time"])
                if ch == "title": d2["title"] = d2["title"].replace("【活动预告】", "") + "（更新）"
                elif ch == "venue" and not a["outreach_place"]:
                    d2["venue"] = {"name": f"{self.m[a['vlib']]['name']}{''.join(a['room'])}"}
                elif ch == "time" and "time" not in a["crit"] and "noshift" not in a["crit"] and not d.get("all_day"):
                    d2["starts_at"] = tz(a["start"]); d2["ends_at"] = tz(a["end"]); var2.append("revision_corrects_time")
                else: d2["description"] = (d.get("description") or "") + "\n（补充：请携带读者证）"
                out.append((pub + timedelta(hours=r.randint(2, 96)), d2, var2))
        has_report = any("title_report_after_event" in v for _, _, v in out)

        def after_ref(d0, when):
            """the next revision of d0's source_ref: numbered and timed after every earlier one."""
            same = [(p, x) for p, x, _ in out if x["library_id"] == d0["library_id"] and x["source_ref"] == d0["source_ref"]]
            return max(x["revision"] for _, x in same) + 1, max([when] + [p + timedelta(hours=1) for p, _ in same])
        # postponement of the whole activity
        if "nopostpone" not in a["crit"] and not a["recurrence"] and not has_report and r.random() < 0.05 and a["cat"] != "exhibition":
            days = r.choice([7, 14, 21])
            new = a["start"] + timedelta(days=days)
            key = (a["vlib"], a["room"][1], new.date(), new.hour)
            if key not in self.occupied:
                self.occupied.add(key)
                old = a["start"]
                a["start"], a["end"] = new, a["end"] + timedelta(days=days)
                a["postponed_from"] = old
                note = f"原定{old.month}月{old.day}日举办的“{a['title']}”因{r.choice(['天气原因', '场地调整', '主讲嘉宾行程变动', '台风预警'])}延期至{new.month}月{new.day}日，地点不变。"
                first = out[0]
                if r.random() < 0.5:
                    d2 = json.loads(json.dumps(first[1])); d2["revision"], when = after_ref(first[1], old - timedelta(days=1))
                    s0 = datetime.fromisoformat(first[1]["starts_at"].replace("Z", "+00:00")); e0 = datetime.fromisoformat(first[1]["ends_at"].replace("Z", "+00:00"))
                    d2["starts_at"] = (s0 + timedelta(days=days)).isoformat().replace("+00:00", "Z"); d2["ends_at"] = (e0 + timedelta(days=days)).isoformat().replace("+00:00", "Z")
                    d2["description"] = note; d2["title"] = "【延期】" + first[1]["title"]
                    if d2.get("campaign_id") and not self.camp_ok(d2["campaign_id"], new.date()): d2.pop("campaign_id")
                    out.append((when, d2, ["postponed_revision"]))
                else:
                    var = ["postponed_reannounced"]
                    snd = first[1]["library_id"]
                    d2 = self.render(a, snd, "wechat", "wx", "host_self", old, var, ref=self.new_ref(snd, "wx"), postponed_note=note)
                    d2["title"] = r.choice(["【改期】", "【延期通知】", "延期｜"]) + d2["title"]
                    out.append((old - timedelta(days=1), d2, var))
        # cancelled by revision (same label)
        if r.random() < 0.02 and out and not a["recurrence"] and not has_report and not a["postponed_from"]:
            d2 = json.loads(json.dumps(out[0][1])); d2["revision"], when = after_ref(out[0][1], a["start"] - timedelta(days=1)); d2["status"] = "cancelled"
            d2["title"] = "【取消】" + d2["title"]
            out.append((when, d2, ["cancelled_revision"]))
        # campaign sanity
        for _, d, _v in out:
            if d.get("campaign_id"):
                sd = datetime.fromisoformat(d["starts_at"].replace("Z", "+00:00")) + (timedelta(hours=8) if d["starts_at"].endswith("Z") else timedelta())
                if not self.camp_ok(d["campaign_id"], sd.date()): d.pop("campaign_id")
        return out

    def camp_ok(self, cid, dd):
        c = next(c for c in self.camps if c["id"] == cid)
        return c["s"] <= dd <= c["e"]

    def build(self):
        r = self.rng
        fams = ["weekly_series", "multi_branch", "parallel_sessions", "session_1_2", "same_hall_later", "same_book",
                "shift_repeat", "mobile_route", "touring_exhibition", "contest_stages", "am_pm_class", "series_rrule"]
        seq = 0
        while len(self.lines) < TARGET:
            if r.random() < 0.28:
                acts = self.family(r.choice(fams))
            else:
                a = self.base_activity(); acts = [a] if a else []
            for a in acts:
                if len(self.lines) >= TARGET + 10: break
                self.acts.append(a)
                for pub, d, var in self.announce(a):
                    seq += 1
                    self.lines.append((pub, seq, a["label"], d, var, a["family"]))
        self.lines.sort(key=lambda x: (x[0], x[1]))

    def toml(self):
        c = self.cfg
        q = lambda s: json.dumps(s, ensure_ascii=False)
        o = [f"# {c['name']} — invented alliance for holdout9 (generated by generate_holdout9.py)", "[alliance]", f"id = {q(c['id'])}", f"name = {q(c['name'])}", f"name_en = {q(c['name_en'])}", 'timezone = "Asia/Shanghai"', ""]
        for x in self.m.values():
            o += ["[[members]]", f"id = {q(x['id'])}", f"name = {q(x['name'])}", f"tier = {q(x['tier'])}"]
            if x["parent"]: o.append(f"parent = {q(x['parent'])}")
            o += [f"address = {q(x['addr'])}", ""]
        for (lib, room), vid in self.venue_ids.items():
            fl = next(f for f, rm in self.m[lib]["rooms"] if rm == room)
            aliases = sorted({f"{fl}{room}", f"{room}（{fl}）"} - {room}) if fl else []
            o += ["[[venues]]", f"id = {q(vid)}", f"library_id = {q(lib)}", f"name = {q(room)}"]
            if aliases: o.append("aliases = [" + ", ".join(q(x) for x in aliases) + "]")
            o += [f"address = {q(self.m[lib]['addr'])}", ""]
        for b in self.brands.values():
            o += ["[[brands]]", f"id = {q(b['id'])}", f"name = {q(b['name'])}", f"library_id = {q(b['lib'])}", f"since = {b['since']}", f"category = {q(b['cat'])}", f"keywords = [{q(b['name'])}]", ""]
        for cp in self.camps:
            o += ["[[campaigns]]", f"id = {q(cp['id'])}", f"name = {q(cp['name'])}", f"starts_on = {cp['s'].isoformat()}", f"ends_on = {cp['e'].isoformat()}", f"recurs_yearly = {'true' if cp['yearly'] else 'false'}", ""]
        o += ["[[coordinators]]", 'id = "office"', 'name = "联盟办"', f'email = "office@{c["id"]}.example.org"', ""]
        return "\n".join(o)


README = """# holdout9 — independent labelled evaluation set for the activity deduplicator

Two invented reading-promotion alliances, each with about 2,000 announcements (wire-contract v1
`ActivitySubmission` objects) in arrival order, plus one extra key `"label"`: lines sharing a
label announce the same real activity.  Written without seeing the deduplicator.

| city | alliance | members | announcements | activities | true pairs |
|---|---|---|---|---|---|
{TABLE}

Group-size histograms, counts per variation and per look-alike family: `summary.json`.

## Files
- `generate_holdout9.py` — Python stdlib only, fixed seed (20261205 / 20261206); running it twice gives
  byte-identical output.  It writes everything below (this README included).
- `city_u/alliance.toml`, `city_u/eval.jsonl` — **容江市** (invented Pearl-River-delta manufacturing city):
  central library, two districts and a county; branches in factories (美祺电器厂, 宏达纺织厂), a 新市民服务中心
  branch, 职工书屋 and a 车间读书角, 城市书房, a 24-hour self-service library at the railway station, a
  village 农家书屋 and a town 综合文化站.  Brands: 容江讲坛, 新市民周末读书会, 湾区绘本小剧场,
  小候鸟暑期阅读营 (children of migrant workers who join their parents in summer), 车间里的读书声, 粤韵书声,
  新圩书香大篷车.  Campaigns: 网络书香过大年, 4·23 读书月, 服务宣传周, 暑期阅读季, 南国书香节分会场.
- `city_v/alliance.toml`, `city_v/eval.jsonl` — **龙关市** (invented Guangxi border prefecture, 总分馆制):
  central library with a 书院 branch (左江书院) and a mobile branch (流动书车), one district, three border
  counties with 口岸 branch, 乡镇综合文化站 as branches, 农家书屋 and a 天琴传习所书屋.  Brands: 左江讲坛,
  边关流动书车, 边民读书会, 天琴书韵, 山里娃故事会, 书院经典导读, 江州亲子共读.  Campaigns: 网络书香过大年,
  壮族三月三·书香歌圩, 世界读书日, 服务宣传周, 暑期少儿阅读, 左江读书节.
- `summary.json` — counts.

Every line (label removed) validates with `ActivitySubmission.model_validate`; every library and organiser
is a member; every campaign_id's window covers the announced start (China Standard Time); every brand_id
belongs to the sender; every venue_id is in the alliance's venue directory (only some members have one);
`(library_id, source_ref)` maps to one label; revisions of one source_ref arrive in increasing order.

## How it is generated
1. Real activities are drawn (host, category, date, hour, room, canonical title, brand, campaign, partners,
   co-hosts with roles host/organiser/co_organiser/participant).  A room-hour occupancy table keeps two
   different activities out of the same room at the same hour.
2. About 28 % of draws produce a whole **look-alike family** (below) at once.
3. Each activity gets 1–6 announcements (46/26/15/8/4/1 %), from the host, its co-hosts (tree neighbours:
   parent, children, siblings, central library) or the host twice; in a quarter of the multi-sender
   activities the host itself never announces.  Each sender writes with its desk's habits (cms, wechat,
   clerk spreadsheet 台账, factory union clerk, web form, API export), 70 % its own and 30 % another.
4. Revisions, postponements and cancellations are added; every line gets a publication time (2–21 days
   before, reports after the event) and the file is sorted by it.
5. A look-alike's distinguishing feature (session word such as 第一场/下午班/午休场/初赛, the 期 number, or the
   place) is kept in every announcement of it; where only the place distinguishes, vague venues are not
   used and a sender other than the venue's own library always names the library or its address.

## Variations modelled (same label)
- Venues: full name + floor + room; library abbreviations (市馆, 市图, 区馆/县馆/总馆 from a library below it,
  分馆 short names); room with floor / without floor / floor in brackets; street address instead of the room;
  library name alone; vague clerk venues (本馆, 馆内, 本站, 村委会, 文化站 — only from the venue's own
  library); typos (报告亭, 图书官, 分管, 阅揽室); half-width brackets; directory venue_id; partner-school
  venue for outreach (school, school + room, school address).
- Organisers: full list (the connector), host + self, self only, none; the connector arriving last after
  announcements listing nobody.
- Times: sign-in 15–30 min early (description says “14:30签到，15:00正式开始”), rounded hour, up to an hour
  off, end = start (missing) or different, date-only all-day, start 10 min apart when one library enters twice.
- Titles: 【联盟活动】/【活动预告】/【预告】, 欢迎参加/欢迎报名, 报名中/已满员, emoji, “活动”/“读书分享活动”
  appended, brand/series prefix before “：” dropped, campaign prefixes (4·23读书月｜, 三月三｜ …), report phrasing
  after the event (圆满举办, 回顾｜, 【活动回顾】), typos (会本, 讲坐).
- Same library twice from two desks (different source_ref pattern, other title decoration, sometimes 10 min apart).
- Revisions of one source_ref (title, venue, description, time correction); postponements either as a
  revision with the new date or as a new 【改期】/【延期通知】 announcement whose description names the original
  date; a few cancellations as a revision with status cancelled (still the same activity).
- Category differing between co-hosts (children vs parent_child, or other).

## Look-alike families (different labels)
- weekly_series: same room, same hour, consecutive weeks; half with identical titles, half with 第N期.
- multi_branch: one programme at 2–4 libraries of one subtree, same day and hour, same title; parents announce
  their branches' sessions too.
- parallel_sessions: two activities in one building at the same hour, different rooms and titles.
- session_1_2: 第一场/第二场, （1）/（2） an hour apart, or 上午场/下午场.
- same_hall_later: another event in the same room later the same day.
- same_book: the same book read at different months/libraries.
- (own) shift_repeat: a factory (city_u) or border-port (city_v) talk given twice the same day, 午休场 and
  晚班场/夜班前场, for workers on different shifts.
- (own) mobile_route: the mobile library / 书香大篷车 visits two or three villages the same day, same title
  with the village name, 9:30 / 14:30 / 16:30.
- (own) touring_exhibition: one 巡展 title moving from library to library, a new stop every 15 days.
- (own) contest_stages: 初赛 / 复赛 / 决赛 of the same contest two weeks apart, same host and hall.
- (own) am_pm_class: summer classes 上午班 / 下午班 the same day (小候鸟, 暑期阅读营).
- (own) series_rrule: a course announced as a weekly RRULE series (COUNT or UNTIL) and its next term
  (秋季班/下期) in the same room at the same hour.

## Own writer habits and channels (marked “(own)” in summary.json)
- title_wechat_headline: 公众号 headline style, “友谊镇分馆｜本周，《撒哈拉的故事》读书分享会等你来”, “周末去哪儿｜…”.
- title_union_notice_prefix: factory union clerks prefix 【工会通知】/【职工书屋】/工会活动：.
- title_fullwidth_ime: full-width digits and spaces inside 《 》 from an IME / Word copy.
- title_bilingual_subtitle: English subtitles at factories with foreign staff (city_u), Vietnamese or Zhuang
  (Sam Nyied Sam = 三月三) subtitles at the border (city_v).
- time_utc_offset: an API export writes starts/ends in UTC (“Z”), the same instant.
- time_form_default_hours: a clerk leaves the form's default 09:00–17:00.
- v1_co_host_role: older spreadsheet/form tools still send role “co_host”.
- online_stream_of_same_activity: a co-host announces the live stream (online_url) of the same lecture.
- series_until_instead_of_count: one co-host writes the same weekly series with UNTIL instead of COUNT.
- Partner-school venues for outreach (进校园) written as the school, the school's room or its address.

## Independence statement
Written without seeing the deduplicator, its tests, benchmarks, docs or history.  Files read:
`/work/shared/DOMAIN.md`; `/work/shared/seeds/002_9330a2ebc2fe0bcb.txt` (first 5,000 bytes); grep output of
quoted phrases (“…”) from all five seed files and of activity words (讲堂, 读书会, 故事会, 绘本, 展览, 征文,
非遗, 流动) in seeds 003 and 001; `/work/main/schemas/submission.py`; `/work/main/shuxiang/alliance.py`
(`cat` of the whole file, whose displayed output omitted lines 420–649, then `sed -n 420,520p`); `/work/main/tests/data/alliance.toml`; grep of
`def|MAX_|COUNT|UNTIL` lines of `/work/main/schemas/bounds.py`; grep of `def|raise` in the first 60 lines of
`/work/main/schemas/sessions.py`.  Listings: `ls /work/shared/ /work/shared/seeds/` (it also showed
DESIGN.md, STYLE.md and hooks, not opened), `wc -c` of DOMAIN.md and the seeds, `ls /work/holdout9`.
Commands: `date -u`, `ls`, `wc`, `cat`, `sed`, `grep`, `head`, `mkdir -p /work/holdout9`, `python3
generate_holdout9.py` (several times, with md5sum to check determinism), small in-place edits of the
generator with python3, and throw-away checkers fed on stdin to `/work/main/.venv/bin/python`
(importing `shuxiang.schemas.submission.ActivitySubmission` and `shuxiang.alliance.load_alliance`) that
validated every line and the alliance files and searched for accidental twins.  One slip: a shell line
created and immediately deleted an empty scratch file `/tmp/readme_part.py` (nothing in /tmp was listed or
read).  Nothing under
/work/main/services, other parts of /work/main/tests, bench, docs, the project README, git history, /tmp
or other /work directories was read or listed, and no matcher or `shuxiang dedup evaluate` was run.
"""


def main():
    summary = {}
    for cfg, seed in ((U, SEED), (V, SEED + 1)):
        rng = random.Random(seed)
        city = City(cfg, rng)
        city.build()
        d = os.path.join(OUT, cfg["key"]); os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "alliance.toml"), "w", encoding="utf-8") as f: f.write(city.toml())
        varc, famc, groups = Counter(), Counter(), Counter()
        with open(os.path.join(d, "eval.jsonl"), "w", encoding="utf-8") as f:
            for pub, seq, label, dd, var, fam in city.lines:
                row = dict(dd); row["label"] = label
                row = {k: v for k, v in row.items() if v is not None}
                f.write(json.dumps(row, ensure_ascii=False, sort_keys=False) + "\n")
                groups[label] += 1
                for v in var: varc[v] += 1
        for a in city.acts:
            if a["label"] in groups: famc[a["family"]] += 1
        hist = Counter(groups.values())
        summary[cfg["key"]] = dict(alliance=cfg["id"], members=len(city.m), announcements=len(city.lines), activities=len(groups),
                                   true_pairs=sum(n * (n - 1) // 2 for n in groups.values()),
                                   group_size_histogram={str(k): hist[k] for k in sorted(hist)},
                                   variations=dict(sorted(varc.items())), lookalike_families_activities=dict(sorted(famc.items())))
    with open(os.path.join(OUT, "summary.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, ensure_ascii=False, indent=2); f.write("\n")
    table = "\n".join(f"| {k} | {v['alliance']} | {v['members']} | {v['announcements']} | {v['activities']} | {v['true_pairs']} |" for k, v in summary.items())
    with open(os.path.join(OUT, "README.md"), "w", encoding="utf-8") as f:
        f.write(README.lstrip("\n").replace("{TABLE}", table))

if __name__ == "__main__":
    main()
