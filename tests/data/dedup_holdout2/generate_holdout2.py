"""Generate the second hold-out dedup evaluation set (issue 18): city_g and city_h.

Written from scratch by an author who has not read ``services/dedup`` nor the other
evaluation sets' generators.  Python stdlib only, fixed seed, deterministic::

    python tests/data/dedup_holdout2/generate_holdout2.py

Each line of ``eval.jsonl`` is an ``ActivitySubmission`` plus ``"label"``: the key of the
real activity (same label = same real activity).  Lines are in arrival order.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

SEED = 20261205
HERE = Path(__file__).resolve().parent
CST = timezone(timedelta(hours=8))

FW = str.maketrans("0123456789()-", "０１２３４５６７８９（）－")
CN_FLOOR = {1: "一楼", 2: "二楼", 3: "三楼", 4: "四楼", 5: "五楼"}


@dataclass
class Lib:
    id: str
    name: str
    tier: str
    parent: str | None
    address: str
    abbrevs: list[str]
    rooms: list[tuple[str, int]]  # (room, floor)
    kind: str  # central / county / district / station / farm / school / univ / branch / point / study


@dataclass
class Act:
    label: str
    host: Lib
    cohosts: list[Lib]
    place: Lib
    room: tuple[str, int]
    day: date
    start: tuple[int, int]
    minutes: int
    core: str
    prefix: str
    category: str
    family: str = "plain"
    session: str = ""
    variations: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- alliances


def city_g_libs() -> list[Lib]:
    rooms_big = [("多功能厅", 3), ("报告厅", 2), ("少儿阅览室", 1), ("一楼大厅", 1), ("自习室", 4)]
    libs = [
        Lib(
            "qy",
            "渠阳市图书馆",
            "central",
            None,
            "渠阳市文昌路1号",
            ["市图书馆", "市图", "市馆", "渠图"],
            rooms_big,
            "central",
        ),
        Lib(
            "qy-se",
            "渠阳市少年儿童图书馆",
            "branch",
            "qy",
            "渠阳市青年路17号",
            ["市少儿图书馆", "少儿馆", "市少图"],
            [("绘本馆", 1), ("亲子阅读区", 2), ("小剧场", 3)],
            "central",
        ),
        Lib(
            "qy-hd",
            "渠阳市河东区图书馆",
            "district",
            "qy",
            "河东区滨江路66号",
            ["河东区图书馆", "区图书馆", "区图", "河东图书馆"],
            [("多功能厅", 2), ("少儿部", 1), ("读者活动室", 3)],
            "county",
        ),
    ]
    counties = [
        ("sx", "松溪县", "松溪县城关镇解放路33号", ["石桥镇", "高坪乡"]),
        ("sm", "石门县", "石门县新城大道88号", ["龙潭镇", "白岩镇"]),
        ("tl", "桐岭县", "桐岭县桐城路5号", ["黄土坝镇"]),
    ]
    for cid, cname, addr, towns in counties:
        libs.append(
            Lib(
                f"qy-{cid}",
                f"{cname}图书馆",
                "county",
                "qy",
                addr,
                [f"{cname}馆", "县图书馆", "县图", "县馆", f"{cname[:2]}图书馆"],
                [("多功能厅", 2), ("少儿阅览室", 1), ("电子阅览室", 3), ("报告厅", 4)],
                "county",
            )
        )
        for t_i, town in enumerate(towns):
            libs.append(
                Lib(
                    f"qy-{cid}-t{t_i}",
                    f"{cname}{town}综合文化站",
                    "branch",
                    f"qy-{cid}",
                    f"{cname}{town}政府街{12 + t_i * 7}号",
                    [f"{town}综合文化站", f"{town}文化站", f"{town}文化中心", f"{town[:2]}文化站"],
                    [("图书室", 1), ("多功能活动室", 2)],
                    "station",
                )
            )
    farms = [
        ("qy-sx-n0", "松溪县石桥镇柳树村农家书屋", "qy-sx-t0", "柳树村"),
        ("qy-sm-n0", "石门县龙潭镇大坪村农家书屋", "qy-sm-t0", "大坪村"),
    ]
    farms.append(("qy-tl-n0", "桐岭县黄土坝镇新华村农家书屋", "qy-tl-t0", "新华村"))
    for fid, fname, parent, village in farms:
        libs.append(
            Lib(
                fid,
                fname,
                "service_point",
                parent,
                f"{village}村委会",
                [f"{village}农家书屋", f"{village}书屋", f"{village}村委会书屋"],
                [("书屋", 1), ("村委会院坝", 1)],
                "farm",
            )
        )
    libs += [
        Lib(
            "qy-yz",
            "渠阳市第一中学图书馆",
            "branch",
            "qy",
            "渠阳市学府路9号",
            ["渠阳一中图书馆", "一中图书馆", "市一中"],
            [("阅览室", 2), ("阶梯教室", 3)],
            "school",
        ),
        Lib(
            "qy-sx-xx",
            "松溪县实验小学图书室",
            "branch",
            "qy-sx",
            "松溪县育才路2号",
            ["实验小学图书室", "松溪实小", "县实验小学"],
            [("图书室", 2), ("操场", 1)],
            "school",
        ),
        Lib(
            "qy-xy",
            "渠阳学院图书馆",
            "branch",
            "qy",
            "渠阳市大学城学院路1号",
            ["学院图书馆", "渠院图书馆", "渠阳学院"],
            [("学术报告厅", 1), ("研讨间", 5), ("特藏阅览室", 4)],
            "univ",
        ),
        Lib(
            "qy-zy",
            "渠阳职业技术学院图书馆",
            "branch",
            "qy",
            "渠阳市大学城职教路3号",
            ["职院图书馆", "渠阳职院", "职业技术学院图书馆"],
            [("报告厅", 1), ("创客空间", 3)],
            "univ",
        ),
    ]
    return libs


def city_h_libs() -> list[Lib]:
    libs = [
        Lib(
            "qp",
            "澄江市青屏区图书馆",
            "central",
            None,
            "青屏区锦华路128号",
            ["青屏区图书馆", "区图书馆", "区馆", "区图", "青屏图书馆"],
            [("多功能厅", 3), ("报告厅", 2), ("少儿借阅区", 1), ("一楼大厅", 1), ("非遗体验室", 4)],
            "central",
        )
    ]
    streets = ["锦华", "南塘", "北门", "桂溪", "望江", "双桥", "沙湾", "石羊"]
    for i, s in enumerate(streets):
        libs.append(
            Lib(
                f"qp-b{i}",
                f"青屏区图书馆{s}街道分馆",
                "branch",
                "qp",
                f"青屏区{s}街道{s}路{20 + i * 11}号",
                [f"{s}街道分馆", f"{s}分馆", f"{s}街道图书馆", f"{s}街道综合文化站"],
                [("阅览室", 1), ("活动室", 2)],
                "branch",
            )
        )
    points = [("b0", "锦华", "翠竹"), ("b1", "南塘", "荷花池"), ("b2", "北门", "新村"), ("b3", "桂溪", "桂苑")]
    points += [("b4", "望江", "江畔"), ("b5", "双桥", "红星"), ("b6", "沙湾", "沙湾东"), ("b7", "石羊", "石羊场")]
    for bid, s, c in points:
        libs.append(
            Lib(
                f"qp-{bid}-c",
                f"{s}街道{c}社区图书服务点",
                "service_point",
                f"qp-{bid}",
                f"{c}社区党群服务中心",
                [f"{c}社区服务点", f"{c}社区", f"{c}社区党群服务中心", f"{c}社区书屋"],
                [("二楼阅览角", 2), ("活动室", 1)],
                "point",
            )
        )
    studies = [
        ("s0", "锦华", "锦里书房"),
        ("s1", "望江", "江岸书房"),
        ("s2", "桂溪", "桂香书房"),
        ("s3", "沙湾", "湾畔书房"),
    ]
    for sid, s, n in studies:
        libs.append(
            Lib(
                f"qp-{sid}",
                f"青屏区城市书房·{n}",
                "service_point",
                "qp",
                f"{s}街道{s}公园东门",
                [n, f"城市书房（{n}）", f"{n}城市书房", f"{s}城市书房"],
                [("阅读区", 1), ("露台", 1)],
                "study",
            )
        )
    return libs


def toml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def write_alliance(path: Path, aid: str, name: str, libs: list[Lib], directory: bool) -> None:
    out = [
        f"# {name} — an invented alliance for the second hold-out dedup evaluation set (issue 18).",
        "# Generated by generate_holdout2.py; do not edit by hand.",
        "",
        "[alliance]",
        f'id = "{aid}"',
        f"name = {toml_str(name)}",
        'timezone = "Asia/Shanghai"',
        "",
    ]
    for lib in libs:
        out += ["[[members]]", f'id = "{lib.id}"', f"name = {toml_str(lib.name)}", f'tier = "{lib.tier}"']
        if lib.parent:
            out.append(f'parent = "{lib.parent}"')
        out += [f"address = {toml_str(lib.address)}", ""]
    if directory:
        for lib in libs:
            if lib.kind not in ("central", "county"):
                continue
            for r_i, (room, floor) in enumerate(lib.rooms):
                fl = CN_FLOOR[floor]
                nm = room if room.startswith(fl) else fl + room
                aliases = [lib.abbrevs[0] + room, lib.name + room]
                out += [
                    "[[venues]]",
                    f'id = "{lib.id}-r{r_i}"',
                    f'library_id = "{lib.id}"',
                    f"name = {toml_str(nm)}",
                    "aliases = [" + ", ".join(toml_str(a) for a in aliases) + "]",
                    f"address = {toml_str(lib.address)}",
                    "",
                ]
    path.write_text("\n".join(out), encoding="utf-8")


# --------------------------------------------------------------------------- content

BOOKS = [
    "红楼梦", "平凡的世界", "活着", "乡土中国", "三体", "小王子", "城南旧事", "朝花夕拾", "西游记", "人世间",
    "额尔古纳河右岸", "呼兰河传", "边城", "骆驼祥子", "围城", "文化苦旅", "长安的荔枝", "我与地坛", "百年孤独",
    "夏洛的网", "草房子", "青铜葵花", "时间简史", "万历十五年", "苏东坡传", "撒哈拉的故事", "白鹿原", "繁花",
    "云边有个小卖部", "病隙碎笔", "一句顶一万句", "牧羊少年奇幻之旅", "昆虫记", "海底两万里", "宋词选",
]  # fmt: skip
THEMES = [
    ("非遗剪纸体验课", "training"), ("二十四节气里的中国", "lecture"), ("防范电信诈骗知识讲座", "lecture"),
    ("老年人智能手机使用培训", "digital"), ("古籍修复技艺展示", "exhibition"), ("少儿书法启蒙", "children"),
    ("绘本故事会", "children"), ("亲子手工：纸艺小灯笼", "parent_child"), ("科普实验课：会跳舞的盐", "children"),
    ("家庭教育公益讲座", "lecture"), ("红色经典诵读", "reading_club"), ("地方文献里的老街巷", "lecture"),
    ("诗词大会初赛", "contest"), ("读书摄影作品展", "exhibition"), ("经典电影赏析", "screening"),
    ("心理健康讲座", "lecture"), ("中医养生讲座", "lecture"), ("阅读推广人培训", "training"),
    ("英语绘本角", "children"), ("围棋入门体验", "children"), ("茶艺与阅读沙龙", "salon"),
    ("防溺水安全教育", "outreach"), ("视障读者电影讲述", "accessibility"), ("数字资源使用指南", "digital"),
    ("果树修剪技术培训", "training"), ("农村电商直播培训", "training"), ("养蜂技术讲座", "training"),
    ("国学小讲堂", "children"), ("科幻写作工作坊", "salon"), ("朗读者·经典美文朗诵", "reading_club"),
]  # fmt: skip
BOOK_FORMATS = ["读书分享会", "共读会", "读书会", "阅读沙龙", "导读讲座", "主题分享"]
SPEAKERS = ["李晓梅", "王建国", "陈思远", "刘芳", "张卫东", "赵敏", "周文斌", "杨柳", "吴桐", "黄志刚"]
PREFIX_G = ["书香渠阳·", "渠图讲坛｜", "悦读松溪·", "", "", "", "石门书声：", "全民阅读·"]
PREFIX_H = ["青屏讲堂｜", "悦读青屏·", "书房夜读：", "", "", "", "锦城童话汇·", "全民阅读·"]
DECOR_FRONT = ["【活动预告】", "【联盟活动】", "【报名】", "📚", "【周末去哪儿】", "预告｜", "【公益讲座】", "🎉"]
DECOR_BACK = ["（报名中）", "｜欢迎参加", "（已满员）", "活动", "读书分享活动", "，等你来！", "（免费）", "～"]


def make_core(rng: random.Random) -> tuple[str, str]:
    if rng.random() < 0.45:
        book = rng.choice(BOOKS)
        fmt = rng.choice(BOOK_FORMATS)
        if rng.random() < 0.3:
            return f"“{rng.choice(['走进', '重读', '品读', '共读'])}《{book}》”{fmt}", "reading_club"
        return f"《{book}》{fmt}", "reading_club" if "讲座" not in fmt else "lecture"
    theme, cat = rng.choice(THEMES)
    if rng.random() < 0.35 and cat == "lecture":
        return f"{theme}：{rng.choice(SPEAKERS)}老师主讲", cat
    return theme, cat


# --------------------------------------------------------------------------- rendering


def venue_text(act: Act, who: Lib, rng: random.Random, libs: dict[str, Lib], directory: bool) -> tuple[dict, str]:
    """The venue as ``who`` writes it; returns (venue dict, variation tag)."""
    lib, (room, floor) = act.place, act.room
    fl = CN_FLOOR[floor]
    own = who.id == lib.id
    r = rng.random()
    if directory and own and lib.kind in ("central", "county") and r < 0.25:
        r_i = lib.rooms.index(act.room)
        nm = room if room.startswith(fl) else fl + room
        return {"name": nm, "venue_id": f"{lib.id}-r{r_i}"}, "venue_id"
    roomf = room if room.startswith(fl) else fl + room
    options = [
        ("full", lib.name + roomf),
        ("full_noroomfloor", lib.name + room),
        ("abbrev", rng.choice(lib.abbrevs) + roomf),
        ("abbrev_nofloor", rng.choice(lib.abbrevs) + room),
        ("room_only", roomf if own else lib.abbrevs[0] + room),
        ("room_bare", room if own else rng.choice(lib.abbrevs) + room),
        ("bracket", f"{lib.name}（{roomf}）"),
        ("bracket_half", f"{rng.choice(lib.abbrevs)}({room})"),
        ("dash", f"{lib.abbrevs[0]}-{roomf}"),
        ("spaced", f"{lib.name} {fl} {room}"),
        ("digit_floor", f"{lib.abbrevs[0]}{floor}楼{room.removeprefix(fl)}"),
        ("fullwidth_digit", f"{lib.name}{floor}F{room.removeprefix(fl)}".translate(FW)),
        ("address", lib.address),
        ("address_plus", f"{lib.address}（{lib.abbrevs[0]}）"),
        ("library_only", lib.name),
        ("room_plus_addr", f"{roomf}（{lib.address}）"),
        ("typo", (lib.abbrevs[0] + roomf).replace("功能", "工能").replace("报告", "报吿").replace("阅览", "阅监")),
        (
            "synonym",
            lib.abbrevs[0]
            + room.replace("多功能厅", "多功能活动室").replace("报告厅", "学术报告厅").replace("阅览室", "阅览区"),
        ),
    ]
    if lib.kind == "farm":
        options.append(("village", lib.address + "（农家书屋）"))
    tag, name = rng.choice(options)
    venue: dict = {"name": name[:200]}
    if rng.random() < 0.3 and tag not in ("address", "address_plus", "room_plus_addr"):
        venue["address"] = lib.address
    return venue, tag


def render_title(act: Act, who: Lib, style: str, rng: random.Random) -> tuple[str, list[str]]:
    tags = []
    core = act.core + act.session
    t = act.prefix + core if act.prefix else core
    if act.prefix and rng.random() < 0.35:
        t = core
        tags.append("prefix_dropped")
    if style == "notice" and rng.random() < 0.6:
        t = f"关于举办{core}的通知"
        tags.append("notice_wording")
    elif style == "sheet":
        t = core.replace("“", "").replace("”", "")
        if rng.random() < 0.4:
            t = f"{who.abbrevs[0]}{t}"
            tags.append("sheet_library_prefix")
        tags.append("sheet_terse")
    elif style == "chat":
        t = rng.choice(["通知：", "各馆注意：", "", "【转发】"]) + core
        tags.append("chat")
    else:
        if rng.random() < 0.45:
            t = rng.choice(DECOR_FRONT) + t
            tags.append("decor_front")
        if rng.random() < 0.35:
            t = t + rng.choice(DECOR_BACK)
            tags.append("decor_back")
        if rng.random() < 0.12:
            t = f"{rng.choice(['周六见！', '本周日', '免费报名', '名额有限'])}｜{t}"
            tags.append("wechat_hook")
        if rng.random() < 0.06:
            t = (
                f"【{act.day.month}月{act.day.day}日】{t}"
                if rng.random() < 0.5
                else f"{t}（{act.day.month}.{act.day.day}）"
            )
            tags.append("date_in_title")
    if rng.random() < 0.03:
        for a, b in (("分享", "分亨"), ("讲座", "讲坐"), ("读书", "读乐"), ("绘本", "会本"), ("培训", "陪训")):
            if a in t:
                t = t.replace(a, b, 1)
                tags.append("title_typo")
                break
    if rng.random() < 0.1:
        t = t.replace("《", "“").replace("》", "”").replace("：", ":")
        tags.append("punct_changed")
    if rng.random() < 0.05:
        t = t.replace("会", "会 ", 1).strip()
        tags.append("stray_space")
    return t[:200], tags


def render_time(act: Act, style: str, rng: random.Random) -> tuple[datetime, datetime, bool, list[str]]:
    h, m = act.start
    start = datetime(act.day.year, act.day.month, act.day.day, h, m, tzinfo=CST)
    end = start + timedelta(minutes=act.minutes)
    tags: list[str] = []
    r = rng.random()
    if style == "sheet":
        # 文旅局报表: half-day blocks
        s_h = 9 if h < 12 else (14 if h < 18 else 19)
        block = start.replace(hour=s_h, minute=0 if s_h != 14 or m == 0 else 30)
        if abs(block - start) <= timedelta(minutes=60):
            start = block
            end = start.replace(hour=11 if s_h == 9 else (17 if s_h == 14 else 21), minute=30 if s_h == 9 else 0)
        else:  # too far from a block: the hour it starts in, to the block's end
            start = start.replace(minute=0)
            end = start.replace(hour=12 if h < 12 else (17 if h < 17 else 21), minute=0)
        if start != datetime(act.day.year, act.day.month, act.day.day, h, m, tzinfo=CST):
            tags.append("sheet_halfday")
    elif r < 0.14:
        start -= timedelta(minutes=rng.choice([15, 20, 30]))
        tags.append("signin_early")
    elif r < 0.22 and m:
        start = start.replace(minute=0)
        tags.append("rounded_hour")
    elif r < 0.27:
        start += timedelta(minutes=rng.choice([-60, -45, 30, 60]))
        tags.append("up_to_hour_off")
    if style != "sheet":
        r2 = rng.random()
        if r2 < 0.15:
            end = start
            tags.append("end_missing")
        elif r2 < 0.27:
            end = start + timedelta(hours=rng.choice([1, 2]))
            tags.append("end_default")
        elif r2 < 0.32:
            end = end.replace(hour=min(end.hour + 1, 23), minute=0)
            tags.append("end_different")
    if end < start:
        end = start
    if rng.random() < 0.04:
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        tags.append("utc_offset")
    return start, end, False, tags


def organizers(act: Act, who: Lib, rng: random.Random) -> tuple[list[dict], str]:
    everyone = [act.host, *act.cohosts]
    r = rng.random()
    if who.id == act.host.id:
        if r < 0.55:
            return [{"library_id": act.host.id, "role": "host"}] + [
                {"library_id": c.id, "role": rng.choice(["co_organiser", "organiser", "co_host"])} for c in act.cohosts
            ], "all_listed"
        if r < 0.8:
            return [], "none_listed"
        return [{"library_id": act.host.id, "role": "host"}], "only_self"
    if r < 0.35:
        return [
            {"library_id": act.host.id, "role": "host"},
            {"library_id": who.id, "role": "co_organiser"},
        ], "host_and_self"
    if r < 0.55:
        return [], "none_listed"
    if r < 0.75:
        return [{"library_id": who.id, "role": "organiser"}], "only_self"
    if r < 0.85 and who.id in {e.id for e in everyone}:
        return [{"library_id": who.id, "role": "host"}], "cohost_claims_host"
    return [{"library_id": e.id, "role": "host" if e is act.host else "co_organiser"} for e in everyone], "all_listed"


OTHER_CATEGORY = {
    "reading_club": ["salon", "lecture", "other"],
    "lecture": ["training", "other", "salon"],
    "children": ["parent_child", "outreach"],
    "parent_child": ["children"],
    "training": ["lecture", "digital"],
    "digital": ["training", "lecture"],
    "exhibition": ["festival", "other"],
    "contest": ["festival", "children"],
    "outreach": ["children", "lecture"],
    "screening": ["accessibility", "other"],
    "accessibility": ["screening"],
    "salon": ["reading_club"],
}

DESCS = [
    "欢迎广大读者朋友踊跃参加。",
    "活动免费，名额有限，请提前报名。",
    "请携带借书证签到入场。",
    "本活动面向亲子家庭，建议3-8岁儿童在家长陪同下参加。",
    "联系电话见文末，报名请扫描海报二维码。",
    None,
    None,
]


def render(
    act: Act, who: Lib, style: str, n: int, rng: random.Random, libs: dict, directory: bool
) -> tuple[dict, list[str]]:
    title, ttags = render_title(act, who, style, rng)
    start, end, all_day, tm_tags = render_time(act, style, rng)
    venue, vtag = venue_text(act, who, rng, libs, directory)
    orgs, otag = organizers(act, who, rng)
    category = act.category
    if who.id != act.host.id and rng.random() < 0.15:  # co-hosts file it under their own heading
        category = rng.choice(OTHER_CATEGORY.get(act.category, ["other"]))
        ttags.append("category_differs")
    src_prefix = {"wechat": "wx", "web": "web", "notice": "tz", "sheet": "bb", "chat": "qun"}[style]
    sub: dict = {
        "library_id": who.id,
        "source_ref": f"{src_prefix}-{act.day:%Y%m%d}-{n:05d}",
        "title": title,
        "category": category,
        "starts_at": start.isoformat(),
        "ends_at": end.isoformat(),
        "venue": venue,
        "organizers": orgs,
    }
    d = rng.choice(DESCS)
    if d:
        sub["description"] = d
    if rng.random() < 0.2:
        sub["contact"] = f"0{rng.randint(700, 899)}-{rng.randint(2000000, 8999999)}"
    if rng.random() < 0.1:
        sub["capacity"] = rng.choice([20, 30, 40, 50, 100])
    if rng.random() < 0.06 and act.category in ("lecture", "digital"):
        sub["venue"]["online_url"] = f"https://live.example.cn/room/{rng.randint(1000, 9999)}"
        ttags.append("also_online")
    if act.host.kind in ("school", "univ") or act.place.kind in ("school", "univ"):
        if rng.random() < 0.3:
            sub["partners"] = [rng.choice(["市教育局", "校团委", "市社科联", "市科协"])]
    tags = [
        f"style:{style}",
        f"venue:{vtag}",
        f"org:{otag}",
        *[f"title:{t}" for t in ttags],
        *[f"time:{t}" for t in tm_tags],
    ]
    return sub, tags


# --------------------------------------------------------------------------- activities


class Builder:
    def __init__(self, city: str, libs: list[Lib], rng: random.Random, prefixes: list[str]) -> None:
        self.city, self.libs, self.rng, self.prefixes = city, libs, rng, prefixes
        self.by_id = {lib.id: lib for lib in libs}
        self.acts: list[Act] = []
        self.seen: set[tuple] = set()

    def children(self, lib: Lib) -> list[Lib]:
        return [x for x in self.libs if x.parent == lib.id]

    def partners_of(self, host: Lib) -> list[Lib]:
        rng = self.rng
        pool = self.children(host)
        if host.parent:
            pool.append(self.by_id[host.parent])
            pool += [x for x in self.children(self.by_id[host.parent]) if x.id != host.id]
        pool += rng.sample(self.libs, 2)
        seen, out = set(), []
        for p in pool:
            if p.id != host.id and p.id not in seen:
                seen.add(p.id)
                out.append(p)
        return out

    def day(self) -> date:
        return date(2026, 1, 1) + timedelta(days=self.rng.randrange(360))

    def start(self, kind: str) -> tuple[int, int]:
        rng = self.rng
        if kind in ("school", "univ") and rng.random() < 0.4:
            return rng.choice([(15, 40), (16, 10), (19, 0), (12, 30)])
        return rng.choice([(9, 0), (9, 30), (10, 0), (10, 30), (14, 0), (14, 30), (15, 0), (19, 0), (19, 30), (8, 30)])

    def new(self, family: str, **kw) -> Act:
        rng = self.rng
        host = kw.pop("host", None) or rng.choice(self.libs)
        core, cat = kw.pop("core", None) or make_core(rng)
        place = kw.pop("place", None)
        if place is None:
            place = host
            if rng.random() < 0.15:  # held at a child (station, 书屋, 服务点) or the parent
                near = self.children(host) + ([self.by_id[host.parent]] if host.parent else [])
                place = rng.choice(near)
        act = Act(
            label=f"{self.city}-{len(self.acts):05d}",
            host=host,
            cohosts=kw.pop("cohosts", []),
            place=place,
            room=kw.pop("room", None) or rng.choice(place.rooms),
            day=kw.pop("day", None) or self.day(),
            start=kw.pop("start", None) or self.start(place.kind),
            minutes=kw.pop("minutes", None) or rng.choice([60, 90, 90, 120, 120, 150, 180]),
            core=core,
            prefix=kw.pop("prefix", rng.choice(self.prefixes)),
            category=cat,
            family=family,
            session=kw.pop("session", ""),
        )
        assert not kw, kw
        if family == "plain":  # no accidental twin: same place and day with the same title or room and hour
            while (act.place.id, act.day, act.core) in self.seen or (
                act.place.id,
                act.room,
                act.day,
                act.start,
            ) in self.seen:
                act.day = self.day()
        self.seen |= {(act.place.id, act.day, act.core), (act.place.id, act.room, act.day, act.start)}
        self.acts.append(act)
        return act

    def build(self, n_plain: int) -> None:
        rng = self.rng
        for _ in range(n_plain):
            self.new("plain")
        # look-alikes that must stay apart
        for _ in range(14):  # weekly series: same title, room, hour; one week apart
            a = self.new("weekly_series")
            for w in range(1, rng.randint(3, 7)):
                self.clone(a, "weekly_series", day=a.day + timedelta(weeks=w))
        branchy = [x for x in self.libs if x.kind in ("branch", "study", "point", "station", "county")]
        for _ in range(10):  # one programme at several branches the same hour
            a = self.new("same_hour_branches", host=rng.choice(branchy))
            for b in rng.sample([x for x in branchy if x.id != a.host.id], rng.randint(2, 5)):
                self.clone(a, "same_hour_branches", host=b, place=b, room=rng.choice(b.rooms))
        big = [x for x in self.libs if len(x.rooms) >= 3]
        for _ in range(10):  # parallel sessions in one building, same time, different rooms
            h = rng.choice(big)
            r1, r2 = rng.sample(h.rooms, 2)
            a = self.new("parallel_rooms", host=h, place=h, room=r1)
            if rng.random() < 0.5:
                self.clone(a, "parallel_rooms", room=r2, core=(a.core + "（B组）", a.category))
                a.core += "（A组）"
            else:
                self.new("parallel_rooms", host=h, place=h, room=r2, day=a.day, start=a.start)
        for _ in range(12):  # 第一场 / 第二场 an hour or so apart
            a = self.new("sessions", session="（第一场）", minutes=60)
            h, m = a.start
            self.clone(
                a,
                "sessions",
                session=rng.choice(["（第二场）", "（第二场次）"]),
                start=(h + 1, m if m or rng.random() < 0.6 else 30),
            )
        for _ in range(12):  # another event in the same hall later that day
            a = self.new("same_hall_later", start=(9, 30), minutes=120)
            self.new(
                "same_hall_later",
                host=a.host,
                place=a.place,
                room=a.room,
                day=a.day,
                start=rng.choice([(14, 0), (14, 30), (15, 0)]),
            )
        for _ in range(10):  # same book at two libraries (same day, similar time)
            book = rng.choice(BOOKS)
            a = self.new("same_book", core=(f"《{book}》读书分享会", "reading_club"))
            other = rng.choice([x for x in self.libs if x.id != a.host.id])
            self.clone(a, "same_book", host=other, place=other, room=rng.choice(other.rooms), start=(a.start[0], 0))
        for _ in range(10):  # repeats next month / next year (世界读书日, 寒假 etc.)
            a = self.new("repeat_month_year")
            self.clone(a, "repeat_month_year", day=_shift_month(a.day, rng.choice([1, 12])))
        for _ in range(8):  # own: touring lecture (巡讲), same speaker, consecutive days, different counties
            core = (f"{rng.choice(THEMES[:18])[0]}巡讲", "lecture")
            a = self.new("touring", core=core)
            for k in range(1, 3):
                other = rng.choice(self.libs)
                self.clone(
                    a, "touring", host=other, place=other, room=rng.choice(other.rooms), day=a.day + timedelta(days=k)
                )
        for _ in range(8):  # own: morning and afternoon edition of one outreach day (上午场/下午场)
            a = self.new("am_pm", session="（上午场）", start=(9, 0), minutes=120)
            self.clone(a, "am_pm", session="（下午场）", start=(14, 30))
        for _ in range(6):  # own: an exhibition's opening and a talk in the same room, same day
            a = self.new(
                "exhibit_and_talk",
                core=(f"{rng.choice(['读书摄影', '书法', '连环画', '藏书票'])}作品展开幕式", "exhibition"),
            )
            self.clone(
                a,
                "exhibit_and_talk",
                core=(a.core.replace("开幕式", "创作分享会"), "lecture"),
                start=(a.start[0] + 1, a.start[1]),
            )
        # co-hosts for multi-announcement groups
        for act in self.acts:
            act.cohosts = []

    def clone(self, a: Act, family: str, **kw) -> Act:
        base = dict(host=a.host, place=a.place, room=a.room, day=a.day, start=a.start, minutes=a.minutes)
        base.update(core=(a.core, a.category), prefix=a.prefix, session=a.session)
        base.update(kw)
        return self.new(family, **base)


def _shift_month(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    return date(d.year + y, m + 1, min(d.day, 28))


def generate(
    city: str, libs: list[Lib], prefixes: list[str], n_plain: int, directory: bool, seed: int
) -> tuple[list[dict], dict]:
    rng = random.Random(seed)
    b = Builder(city, libs, rng, prefixes)
    b.build(n_plain)
    by_id = b.by_id
    pending: list[tuple[float, dict, list[str]]] = []
    var = Counter()
    group_sizes = Counter()
    n = 0
    styles = ["wechat", "wechat", "wechat", "web", "notice", "sheet", "chat"]
    for act in b.acts:
        k = rng.choices([1, 2, 3, 4, 5], weights=[66, 20, 9, 3, 2])[0]
        announcers = [act.host]
        partners = b.partners_of(act.host)
        if act.place.id != act.host.id:
            partners = [act.place, *[x for x in partners if x.id != act.place.id]]
        while len(announcers) < k:
            if rng.random() < 0.12 or (not partners and len(announcers) >= len(libs) - 1):
                announcers.append(rng.choice(announcers))  # the same library enters it twice
                var["same_library_twice"] += 1
            else:
                if not partners:
                    partners = [x for x in libs if x not in announcers]
                p = partners.pop(0) if rng.random() < 0.6 else partners.pop(rng.randrange(len(partners)))
                announcers.append(p)
                act.cohosts.append(p)
        group_sizes[k] += 1
        # arrival: days before the activity; the connecting (host's) one last in 35 % of groups
        base_t = rng.uniform(3, 20)
        host_last = k >= 3 and rng.random() < 0.35
        if host_last:
            var["connecting_arrives_last"] += 1
        used_styles: set[str] = set()
        for i, who in enumerate(announcers):
            style = rng.choice(styles)
            if who.id == act.host.id and i > 0:
                style = rng.choice([s for s in styles if s not in used_styles] or styles)
            used_styles.add(style)
            n += 1
            sub, tags = render(act, who, style, n, rng, by_id, directory)
            if who in announcers[:i] and rng.random() < 0.5:  # the second entry, ten minutes apart
                st = datetime.fromisoformat(sub["starts_at"]) + timedelta(minutes=10)
                sub["starts_at"] = st.isoformat()
                sub["ends_at"] = max(st, datetime.fromisoformat(sub["ends_at"])).isoformat()
                tags.append("time:same_library_10min")
            sub["label"] = act.label
            if k > 1:
                for t in tags:
                    var[t] += 1
            lead = base_t - i * rng.uniform(0.2, 3)
            if host_last:
                lead = base_t - (k - 1 if i == 0 else i - 1) * rng.uniform(0.5, 3)
            pending.append((act.day.toordinal() - max(lead, 0.1), sub, tags))
    pending.sort(key=lambda x: x[0])
    rows = [p[1] for p in pending]
    fam = Counter(a.family for a in b.acts)
    labels = Counter(r["label"] for r in rows)
    pairs = sum(c * (c - 1) // 2 for c in labels.values())
    summary = {
        "announcements": len(rows),
        "activities": len(labels),
        "true_pairs": pairs,
        "in_multi_groups": sum(c for c in labels.values() if c > 1),
        "group_sizes": {str(k): v for k, v in sorted(Counter(labels.values()).items())},
        "activity_families": dict(sorted(fam.items())),
        "variations_in_groups": dict(sorted(var.items())),
        "members": len(libs),
    }
    return rows, summary


def main() -> None:
    out_summary = {"seed": SEED}
    specs = [
        ("city_g", "quyang", "渠阳市公共图书馆阅读推广联盟", city_g_libs(), PREFIX_G, 900, True),
        ("city_h", "qingping", "青屏区图书馆总分馆阅读联盟", city_h_libs(), PREFIX_H, 930, False),
    ]
    for i, (city, aid, name, libs, prefixes, n_plain, directory) in enumerate(specs):
        d = HERE / city
        d.mkdir(exist_ok=True)
        write_alliance(d / "alliance.toml", aid, name, libs, directory)
        rows, summary = generate(city, libs, prefixes, n_plain, directory, SEED + i)
        with (d / "eval.jsonl").open("w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        out_summary[city] = summary
    (HERE / "summary.json").write_text(json.dumps(out_summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
