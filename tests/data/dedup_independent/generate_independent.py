#!/usr/bin/env python3
"""Independent labelled sets for evaluating activity deduplication (去重评测集).

Written without looking at the matcher or its own test data.  Two invented cities:

* city_a  沅州市 — 15 members, an alliance venue directory (rooms with a few aliases);
* city_b  桐川市 — 17 members, no venue directory (free-text venues only).

The generator first plans *real activities* (each with a label), among them deliberate
look-alike families that must stay apart, then writes the *announcements* that member
libraries would post about them — the host's own post, co-hosts' posts, reposts (转发),
a library typing the same activity twice — each written with the habits librarians have
(abbreviated venue names, sign-in times, decorated titles, incomplete organizer lists,
disagreeing categories).  Announcements are emitted in arrival (log) order.

Python stdlib only, deterministic:  python tests/data/dedup_independent/generate_independent.py
"""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20270423
TZ = "+08:00"

# --------------------------------------------------------------------------------------
# Cities
# --------------------------------------------------------------------------------------

# member: id, name, tier, parent, address, outside abbreviations, inside abbreviations
# (used by the library itself and by members of its own subtree), rooms
# room: key, floor (or ""), room name
CITY_A = {
    "key": "city_a",
    "alliance_id": "yuanzhou",
    "alliance_name": "沅州市公共图书馆阅读推广联盟",
    "alliance_en": "Yuanzhou Public Library Reading Alliance",
    "city": "沅州",
    "directory": True,
    "target": 2200,
    "members": [
        (
            "yz",
            "沅州市图书馆",
            "central",
            None,
            "沅州市滨河大道188号",
            ["市图书馆", "市图", "市馆", "沅州图书馆", "沅州市图"],
            ["本馆", "市图书馆"],
            [
                ("hall", "一楼", "大厅"),
                ("expo", "一楼", "展厅"),
                ("report", "二楼", "报告厅"),
                ("multi", "三楼", "多功能厅"),
                ("kids", "四楼", "少儿阅览室"),
                ("ele", "五楼", "电子阅览室"),
                ("salon", "三楼", "读者沙龙区"),
            ],
        ),
        (
            "yz-hx",
            "沅州市鹤翔区图书馆",
            "district",
            "yz",
            "鹤翔区文昌路66号",
            ["鹤翔区图书馆", "鹤翔区图", "鹤翔区馆", "鹤翔图书馆"],
            ["区馆", "区图书馆", "区图"],
            [
                ("report", "一楼", "报告厅"),
                ("multi", "二楼", "多功能厅"),
                ("kids", "二楼", "少儿绘本馆"),
                ("hall", "一楼", "大厅"),
                ("ele", "三楼", "电子阅览室"),
            ],
        ),
        (
            "yz-qs",
            "沅州市青石区图书馆",
            "district",
            "yz",
            "青石区建设北路20号",
            ["青石区图书馆", "青石区图", "青石区馆", "青石图书馆"],
            ["区馆", "区图书馆", "区图"],
            [
                ("report", "四楼", "报告厅"),
                ("multi", "三楼", "多功能厅"),
                ("kids", "一楼", "少儿阅览室"),
                ("hall", "一楼", "大厅"),
                ("study", "二楼", "研学室"),
            ],
        ),
        (
            "yz-lx",
            "柳溪县图书馆",
            "county",
            "yz",
            "柳溪县城关镇人民路9号",
            ["柳溪县图书馆", "柳溪县图", "柳溪县馆", "柳溪图书馆"],
            ["县馆", "县图书馆", "县图"],
            [
                ("report", "三楼", "学术报告厅"),
                ("multi", "二楼", "多功能活动室"),
                ("kids", "一楼", "少儿阅览室"),
                ("hall", "一楼", "大厅"),
            ],
        ),
        (
            "yz-fl",
            "枫林县图书馆",
            "county",
            "yz",
            "枫林县迎宾大道301号",
            ["枫林县图书馆", "枫林县图", "枫林县馆", "枫林图书馆"],
            ["县馆", "县图书馆", "县图"],
            [
                ("report", "二楼", "报告厅"),
                ("multi", "三楼", "多功能厅"),
                ("kids", "一楼", "少儿阅览室"),
                ("hall", "一楼", "大厅"),
            ],
        ),
        (
            "yz-kids",
            "沅州市图书馆少儿分馆",
            "branch",
            "yz",
            "沅州市解放路45号",
            ["市图少儿分馆", "少儿分馆", "市少儿馆", "少儿图书馆"],
            ["少儿分馆", "本馆"],
            [("story", "一楼", "故事屋"), ("act", "二楼", "亲子活动室"), ("read", "三楼", "阅览区")],
        ),
        (
            "yz-hx-dh",
            "鹤翔区图书馆东湖分馆",
            "branch",
            "yz-hx",
            "鹤翔区东湖路112号",
            ["东湖分馆", "鹤翔区东湖分馆", "东湖街道分馆"],
            ["东湖分馆", "分馆", "本馆"],
            [("act", "二楼", "活动室"), ("read", "一楼", "阅览区")],
        ),
        (
            "yz-hx-sy",
            "鹤翔区图书馆书院路分馆",
            "branch",
            "yz-hx",
            "鹤翔区书院路27号",
            ["书院路分馆", "鹤翔区书院路分馆", "书院分馆"],
            ["书院路分馆", "分馆", "本馆"],
            [("act", "", "活动室"), ("read", "", "阅览区")],
        ),
        (
            "yz-qs-ty",
            "青石区图书馆桃源分馆",
            "branch",
            "yz-qs",
            "青石区桃源镇迎春街8号",
            ["桃源分馆", "青石区桃源分馆", "桃源镇分馆"],
            ["桃源分馆", "分馆", "本馆"],
            [("act", "二楼", "多功能室"), ("read", "一楼", "阅览室")],
        ),
        (
            "yz-qs-gy",
            "青石区图书馆工业园分馆",
            "branch",
            "yz-qs",
            "青石工业园区创业大道5号",
            ["工业园分馆", "青石区工业园分馆", "园区分馆"],
            ["工业园分馆", "分馆", "本馆"],
            [("act", "", "职工书屋"), ("read", "", "阅览区")],
        ),
        (
            "yz-lx-sm",
            "柳溪县图书馆石门镇分馆",
            "branch",
            "yz-lx",
            "柳溪县石门镇文化站二楼",
            ["石门镇分馆", "石门分馆", "柳溪县石门镇分馆"],
            ["石门镇分馆", "分馆", "本馆"],
            [("act", "", "活动室"), ("read", "", "阅览室")],
        ),
        (
            "yz-hx-dh-sf",
            "鹤翔区东湖街道城市书房",
            "service_point",
            "yz-hx-dh",
            "鹤翔区东湖街道滨湖苑小区南门",
            ["东湖城市书房", "东湖街道城市书房"],
            ["城市书房", "书房"],
            [("main", "", "阅读空间")],
        ),
        (
            "yz-qs-ty-nj",
            "青石区桃源村农家书屋",
            "service_point",
            "yz-qs-ty",
            "青石区桃源镇桃源村村委会",
            ["桃源村农家书屋", "桃源村书屋"],
            ["农家书屋", "书屋"],
            [("main", "", "书屋")],
        ),
        (
            "yz-dxc",
            "沅州市大学城城市书房",
            "service_point",
            "yz",
            "沅州市大学城学府路1号",
            ["大学城城市书房", "大学城书房"],
            ["城市书房", "书房"],
            [("main", "", "阅读空间")],
        ),
        (
            "yz-fl-bl",
            "枫林县白鹭湾社区书屋",
            "service_point",
            "yz-fl",
            "枫林县白鹭湾社区服务中心一楼",
            ["白鹭湾社区书屋", "白鹭湾书屋"],
            ["社区书屋", "书屋"],
            [("main", "", "书屋")],
        ),
    ],
    # outside places: name, room, address, short names, region (a member whose subtree uses it)
    "outside": [
        ("鹤翔区实验小学", "阶梯教室", "鹤翔区书院路12号", ["实验小学", "鹤翔实验小学"], "yz-hx"),
        ("东湖社区党群服务中心", "二楼活动室", "鹤翔区东湖路56号", ["东湖社区", "东湖社区服务中心"], "yz-hx"),
        ("沅州市第二中学", "报告厅", "沅州市学府路3号", ["市二中", "沅州二中"], "yz"),
        ("青石工业园职工之家", "培训室", "青石区工业大道88号", ["职工之家", "园区职工之家"], "yz-qs"),
        ("武警沅州支队", "营区图书室", None, ["支队营区", "武警支队"], "yz"),
        ("石门镇中心小学", "图书室", "柳溪县石门镇新街2号", ["石门中心小学", "石门小学"], "yz-lx"),
        ("鹤翔区老年大学", "一楼教室", "鹤翔区文昌路9号", ["老年大学", "区老年大学"], "yz-hx"),
        ("滨河公园", "南门广场", "沅州市滨河大道", ["滨河公园南门", "滨河公园广场"], "yz"),
        ("沅州学院", "图书馆报告厅", "沅州市大学城学府路1号", ["沅州学院图书馆", "学院报告厅"], "yz"),
        ("白鹭湾社区", "文化广场", "枫林县白鹭湾路", ["白鹭湾广场", "白鹭湾社区广场"], "yz-fl"),
        ("沅州市特殊教育学校", "多功能教室", "沅州市康宁路17号", ["特教学校", "市特殊教育学校"], "yz"),
        ("桃源村村委会", "文化活动室", "青石区桃源镇桃源村", ["桃源村", "桃源村文化活动室"], "yz-qs"),
        ("沅州市博物馆", "二楼临展厅", "沅州市滨河大道200号", ["市博物馆", "博物馆临展厅"], "yz"),
        ("枫林县第一中学", "阶梯教室", "枫林县育才路6号", ["枫林一中", "县一中"], "yz-fl"),
        ("柳溪县敬老院", "活动室", "柳溪县城关镇福寿路", ["县敬老院", "敬老院"], "yz-lx"),
    ],
    "brands": [
        # id, name, library, category, kind (lecture/club/story), since
        ("yz-jiangtang", "沅州讲堂", "yz", "lecture", "lecture", 2014),
        ("hx-jiangtan", "鹤翔讲坛", "yz-hx", "lecture", "lecture", 2017),
        ("qs-shuyou", "青石书友会", "yz-qs", "reading_club", "club", 2016),
        ("lx-daodu", "柳溪经典导读", "yz-lx", "lecture", "lecture", 2019),
        ("kids-xbd", "快乐小板凳", "yz-kids", "children", "story", 2015),
        ("dh-huiben", "东湖绘本时光", "yz-hx-dh", "children", "story", 2021),
        ("fl-nongjia", "枫林农家课堂", "yz-fl", "training", "lecture", 2018),
    ],
    "campaign_prefix": "书香沅州",
}

CITY_B = {
    "key": "city_b",
    "alliance_id": "tongchuan",
    "alliance_name": "桐川市图书馆总分馆阅读推广联盟",
    "alliance_en": "Tongchuan Library Network Reading Alliance",
    "city": "桐川",
    "directory": False,
    "target": 2000,
    "members": [
        (
            "tc",
            "桐川市图书馆",
            "central",
            None,
            "桐川市人民南路1号",
            ["市图书馆", "市图", "市馆", "桐川图书馆", "桐图"],
            ["本馆", "市图书馆"],
            [
                ("hall", "一楼", "大厅"),
                ("report", "一楼", "学术报告厅"),
                ("multi", "二楼", "多功能厅"),
                ("kids", "三楼", "少儿借阅区"),
                ("expo", "二楼", "展览厅"),
                ("ele", "四楼", "数字体验区"),
                ("blind", "一楼", "视障阅览室"),
            ],
        ),
        (
            "tc-hy",
            "桐川市河阳区图书馆",
            "district",
            "tc",
            "河阳区朝阳路18号",
            ["河阳区图书馆", "河阳区图", "河阳区馆", "河阳图书馆"],
            ["区馆", "区图书馆", "区图"],
            [
                ("report", "三楼", "报告厅"),
                ("multi", "二楼", "多功能厅"),
                ("kids", "一楼", "少儿阅览室"),
                ("hall", "一楼", "大厅"),
            ],
        ),
        (
            "tc-mh",
            "桐川市明湖区图书馆",
            "district",
            "tc",
            "明湖区湖心路200号",
            ["明湖区图书馆", "明湖区图", "明湖区馆", "明湖图书馆"],
            ["区馆", "区图书馆", "区图"],
            [
                ("report", "二楼", "报告厅"),
                ("multi", "三楼", "多功能厅"),
                ("kids", "一楼", "亲子阅读区"),
                ("hall", "一楼", "大厅"),
            ],
        ),
        (
            "tc-xg",
            "桐川市新港区图书馆",
            "district",
            "tc",
            "新港区海关路7号",
            ["新港区图书馆", "新港区图", "新港区馆", "新港图书馆"],
            ["区馆", "区图书馆", "区图"],
            [("report", "一楼", "报告厅"), ("multi", "二楼", "多功能活动室"), ("kids", "二楼", "少儿阅览室")],
        ),
        (
            "tc-sq",
            "石桥县图书馆",
            "county",
            "tc",
            "石桥县城北路66号",
            ["石桥县图书馆", "石桥县图", "石桥县馆", "石桥图书馆"],
            ["县馆", "县图书馆", "县图"],
            [
                ("report", "三楼", "报告厅"),
                ("multi", "二楼", "多功能厅"),
                ("kids", "一楼", "少儿阅览室"),
                ("hall", "一楼", "大厅"),
            ],
        ),
        (
            "tc-sl",
            "松岭县图书馆",
            "county",
            "tc",
            "松岭县松岭大道128号",
            ["松岭县图书馆", "松岭县图", "松岭县馆", "松岭图书馆"],
            ["县馆", "县图书馆", "县图"],
            [("report", "二楼", "报告厅"), ("multi", "二楼", "多功能厅"), ("kids", "一楼", "少儿阅览室")],
        ),
        (
            "tc-cn",
            "桐川市图书馆城南分馆",
            "branch",
            "tc",
            "桐川市南湖街道锦绣路33号",
            ["城南分馆", "市图城南分馆", "锦绣路分馆"],
            ["城南分馆", "分馆", "本馆"],
            [("act", "二楼", "活动室"), ("read", "一楼", "阅览区")],
        ),
        (
            "tc-hy-bg",
            "河阳区图书馆北关街道分馆",
            "branch",
            "tc-hy",
            "河阳区北关街道北关路2号",
            ["北关分馆", "河阳区北关分馆", "北关街道分馆"],
            ["北关分馆", "分馆", "本馆"],
            [("act", "", "活动室"), ("read", "", "阅览室")],
        ),
        (
            "tc-hy-wc",
            "河阳区图书馆文昌路分馆",
            "branch",
            "tc-hy",
            "河阳区文昌路150号",
            ["文昌路分馆", "河阳区文昌路分馆", "文昌分馆"],
            ["文昌路分馆", "分馆", "本馆"],
            [("act", "二楼", "多功能室"), ("read", "一楼", "阅览区")],
        ),
        (
            "tc-mh-hb",
            "明湖区图书馆湖滨分馆",
            "branch",
            "tc-mh",
            "明湖区湖滨路9号",
            ["湖滨分馆", "明湖区湖滨分馆", "湖滨路分馆"],
            ["湖滨分馆", "分馆", "本馆"],
            [("act", "", "活动室"), ("read", "", "阅览区")],
        ),
        (
            "tc-xg-gc",
            "新港区图书馆港城分馆",
            "branch",
            "tc-xg",
            "新港区港城大道60号",
            ["港城分馆", "新港区港城分馆"],
            ["港城分馆", "分馆", "本馆"],
            [("act", "三楼", "培训室"), ("read", "一楼", "阅览区")],
        ),
        (
            "tc-sq-lm",
            "石桥县图书馆龙门镇分馆",
            "branch",
            "tc-sq",
            "石桥县龙门镇文化站",
            ["龙门镇分馆", "龙门分馆", "石桥县龙门镇分馆"],
            ["龙门镇分馆", "分馆", "本馆"],
            [("act", "", "活动室"), ("read", "", "阅览室")],
        ),
        (
            "tc-sl-qs",
            "松岭县图书馆青山镇分馆",
            "branch",
            "tc-sl",
            "松岭县青山镇政府院内",
            ["青山镇分馆", "青山分馆", "松岭县青山镇分馆"],
            ["青山镇分馆", "分馆", "本馆"],
            [("act", "", "活动室"), ("read", "", "阅览室")],
        ),
        (
            "tc-hy-bg-sf",
            "河阳区北关街道城市书房",
            "service_point",
            "tc-hy-bg",
            "河阳区北关街道幸福里小区东门",
            ["北关城市书房", "北关街道城市书房"],
            ["城市书房", "书房"],
            [("main", "", "阅读空间")],
        ),
        (
            "tc-mh-hb-sw",
            "明湖区湖滨社区书屋",
            "service_point",
            "tc-mh-hb",
            "明湖区湖滨社区服务中心二楼",
            ["湖滨社区书屋", "湖滨书屋"],
            ["社区书屋", "书屋"],
            [("main", "", "书屋")],
        ),
        (
            "tc-sq-lm-sh",
            "石桥县龙门镇上河村农家书屋",
            "service_point",
            "tc-sq-lm",
            "石桥县龙门镇上河村村部",
            ["上河村农家书屋", "上河村书屋"],
            ["农家书屋", "书屋"],
            [("main", "", "书屋")],
        ),
        (
            "tc-zz",
            "桐川市24小时自助图书馆（火车站）",
            "service_point",
            "tc",
            "桐川火车站东广场",
            ["火车站自助图书馆", "火车站24小时图书馆", "火车站东广场自助馆"],
            ["自助图书馆", "本点"],
            [("main", "", "自助图书馆")],
        ),
    ],
    "outside": [
        ("河阳区第一小学", "报告厅", "河阳区朝阳路40号", ["河阳一小", "区一小"], "tc-hy"),
        ("北关社区居委会", "三楼会议室", "河阳区北关路16号", ["北关社区", "北关居委会"], "tc-hy"),
        ("桐川市第三中学", "阶梯教室", "桐川市中山路11号", ["市三中", "桐川三中"], "tc"),
        ("新港物流园职工服务中心", "培训教室", "新港区港城大道200号", ["物流园职工服务中心", "职工服务中心"], "tc-xg"),
        ("桐川军分区某部", "营区俱乐部", None, ["军分区营区", "部队营区"], "tc"),
        ("龙门镇中心学校", "图书室", "石桥县龙门镇学府街1号", ["龙门中心学校", "龙门镇学校"], "tc-sq"),
        ("明湖区老年活动中心", "二楼教室", "明湖区湖心路88号", ["老年活动中心", "区老年活动中心"], "tc-mh"),
        ("人民广场", "东侧", "桐川市人民南路", ["人民广场东侧", "市人民广场"], "tc"),
        ("桐川职业技术学院", "图书馆报告厅", "桐川市职教园区1号", ["桐川职院", "职院图书馆"], "tc"),
        ("青山镇文化广场", "舞台", "松岭县青山镇", ["青山镇广场", "青山广场"], "tc-sl"),
        ("桐川市盲人按摩医院", "会议室", "桐川市健康路5号", ["盲人按摩医院", "按摩医院"], "tc"),
        ("上河村文化礼堂", "大堂", "石桥县龙门镇上河村", ["上河村礼堂", "上河文化礼堂"], "tc-sq"),
        ("桐川市文化馆", "小剧场", "桐川市人民南路9号", ["市文化馆", "文化馆小剧场"], "tc"),
        ("新港区海员之家", "阅览室", "新港区海关路30号", ["海员之家", "新港海员之家"], "tc-xg"),
        ("松岭县实验中学", "报告厅", "松岭县育英路3号", ["松岭实验中学", "县实验中学"], "tc-sl"),
    ],
    "brands": [
        ("tc-dajiangtang", "桐川大讲堂", "tc", "lecture", "lecture", 2012),
        ("hy-shuyuan", "河阳书院讲座", "tc-hy", "lecture", "lecture", 2018),
        ("mh-dushuhui", "明湖读书会", "tc-mh", "reading_club", "club", 2015),
        ("sl-ketang", "松岭农家课堂", "tc-sl", "training", "lecture", 2017),
        ("tc-xiaoshuchong", "小书虫故事会", "tc-cn", "children", "story", 2016),
        ("xg-haiyun", "港城悦读沙龙", "tc-xg", "salon", "club", 2020),
        ("tc-mingjia", "名家讲坛", "tc", "lecture", "lecture", 2010),
    ],
    "campaign_prefix": "书香桐川",
}

# --------------------------------------------------------------------------------------
# Activity content
# --------------------------------------------------------------------------------------

LECTURE_TOPICS = [
    "宋词里的春天",
    "唐诗中的长安",
    "《红楼梦》里的饮食文化",
    "苏轼的黄州岁月",
    "家庭教育中的阅读陪伴",
    "中医养生与四季调养",
    "二十四节气与农耕文化",
    "非遗剪纸艺术漫谈",
    "《论语》中的处世智慧",
    "《乡土中国》导读",
    "青少年心理健康与情绪管理",
    "茶文化与茶艺",
    "书法入门：从楷书开始",
    "家风家训与家庭建设",
    "地方戏曲欣赏",
    "科学育儿的十个误区",
    "人工智能时代的阅读",
    "《史记》里的人物",
    "古建筑中的文化密码",
    "老年人防范电信诈骗",
    "民法典与百姓生活",
    "宋代美学与生活",
    "《诗经》里的植物",
    "中国传统节日的由来",
    "王阳明心学入门",
    "汉字的演变",
    "近代史上的沅江航运",
    "古琴艺术欣赏",
    "陶渊明的田园诗",
    "李清照的词与人生",
    "科普讲座：走近火星",
    "垃圾分类与绿色生活",
    "高血压的预防与调理",
    "《三国演义》与历史",
    "古典园林之美",
    "红色家书里的初心",
    "鲁迅的杂文世界",
    "如何为孩子选一本好书",
    "短视频时代的深度阅读",
    "乡村振兴与农村电商",
    "汪曾祺笔下的美食",
    "敦煌壁画的故事",
    "读懂《道德经》",
    "中国瓷器简史",
    "诗词中的二十四节气",
    "杜甫的秋天",
    "金石篆刻入门",
    "唐宋八大家散文赏析",
    "法律援助知识讲座",
    "健康饮食与慢病管理",
]
LECTURE_BOOK_TOPICS = {
    "《红楼梦》里的饮食文化",
    "《论语》中的处世智慧",
    "《乡土中国》导读",
    "《史记》里的人物",
    "《诗经》里的植物",
    "《三国演义》与历史",
    "读懂《道德经》",
}
BOOKS = [
    "活着",
    "平凡的世界",
    "围城",
    "边城",
    "人世间",
    "额尔古纳河右岸",
    "长安的荔枝",
    "撒哈拉的故事",
    "白鹿原",
    "呼兰河传",
    "城南旧事",
    "目送",
    "瓦尔登湖",
    "百年孤独",
    "月亮与六便士",
    "追风筝的人",
    "小王子",
    "骆驼祥子",
    "朝花夕拾",
    "红岩",
    "三体",
    "繁花",
    "我与地坛",
    "文化苦旅",
    "苏东坡传",
    "浮生六记",
    "人间词话",
    "云边有个小卖部",
    "我的阿勒泰",
    "一句顶一万句",
    "草房子",
    "青铜葵花",
    "窗边的小豆豆",
    "夏洛的网",
    "昆虫记",
    "西游记",
]
CLUB_FORMS = ["共读《{b}》", "《{b}》读书分享会", "《{b}》共读分享", "走进《{b}》", "《{b}》主题读书会"]
SALON_TOPICS = [
    "诗歌朗诵沙龙",
    "城市记忆口述史分享",
    "旅行文学分享会",
    "摄影与阅读沙龙",
    "非遗手作沙龙",
    "青年创业读书沙龙",
    "女性阅读沙龙",
    "方言童谣分享会",
    "书影同行：从小说到电影",
    "阅读与写作沙龙",
]
STORIES = [
    "绘本故事会",
    "绘本里的春节",
    "亲子共读时光",
    "小小图书管理员体验",
    "少儿科普实验课",
    "亲子手工：纸艺灯笼",
    "亲子阅读：好饿的毛毛虫",
    "英语绘本故事会",
    "恐龙主题故事会",
    "端午香囊亲子手作",
    "成语故事会",
    "亲子手工：彩绘风筝",
    "国学小课堂：三字经",
    "少儿折纸课",
    "故事妈妈讲故事",
    "安全绘本小课堂",
]
STORY_CHILDREN_ONLY = {
    "小小图书管理员体验",
    "少儿科普实验课",
    "成语故事会",
    "少儿折纸课",
    "恐龙主题故事会",
    "国学小课堂：三字经",
    "安全绘本小课堂",
    "绘本故事会",
    "英语绘本故事会",
}
EXHIBITS = [
    "“翰墨书香”书法作品展",
    "馆藏老照片展",
    "非遗剪纸作品展",
    "少儿绘画作品展",
    "红色经典连环画展",
    "古籍修复成果展",
    "“最美书店”摄影展",
    "二十四节气主题展",
    "地方文献展",
    "藏书票艺术展",
    "农民画作品展",
    "中华传统家训展",
    "抗战文献图片展",
    "科普知识展板巡展",
]
CONTESTS = [
    "“{c}”主题征文比赛",
    "少儿讲故事比赛",
    "经典诵读大赛",
    "“{c}”中小学生演讲比赛",
    "读书知识竞赛",
    "少儿书法比赛",
    "“我最喜爱的一本书”推荐评选",
    "亲子阅读打卡挑战赛",
    "“{c}”摄影大赛",
]
TRAININGS = [
    "基层图书馆员业务培训",
    "数字资源使用培训",
    "老年人智能手机培训班",
    "农家书屋管理员培训",
    "古籍保护知识培训",
    "志愿者服务技能培训",
    "短视频制作培训",
    "公文写作培训",
    "图书编目实务培训",
    "阅读推广人培训",
    "电脑基础操作培训班",
    "家庭种植技术培训",
]
OUTREACH = [
    "图书馆进社区：好书推荐",
    "送书进军营",
    "流动图书车进校园",
    "阅读推广进企业",
    "送文化下乡：农技图书展借",
    "图书馆进机关：读书分享",
    "书香进工地：农民工读书会",
    "新春送春联进社区",
    "流动图书馆进敬老院",
    "“悦读”进校园：名著导读",
    "法律图书进社区",
]
OUTREACH_BY_PLACE = [
    (
        ("小学", "中学", "一中", "二中", "三中", "学校"),
        ["流动图书车进校园", "“悦读”进校园：名著导读", "图书馆进校园：好书推荐", "课本剧进校园展演"],
    ),
    (("学院",), ["图书馆进高校：读书分享会", "“悦读”进校园：名著导读"]),
    (
        ("社区", "居委会", "村"),
        [
            "图书馆进社区：好书推荐",
            "法律图书进社区",
            "新春送春联进社区",
            "送文化下乡：农技图书展借",
            "流动图书车进社区",
        ],
    ),
    (("工业园", "物流", "职工", "海员"), ["阅读推广进企业", "书香进工地：农民工读书会", "职工书屋送新书"]),
    (("武警", "军分区"), ["送书进军营", "军营读书分享会"]),
    (("老年", "敬老院"), ["流动图书馆进敬老院", "银龄读书会"]),
    (("公园", "广场"), ["全民阅读推广进广场", "户外图书漂流", "“书香满城”阅读推广集市"]),
    (("特殊教育", "盲人"), ["送书进特教学校", "无障碍阅读服务进机构", "有声读物送上门"]),
    (("博物馆", "文化馆", "礼堂"), ["图书馆进博物馆：文物里的故事", "馆际联展：地方文献推荐", "乡村文化礼堂读书会"]),
]

FILMS = [
    "流浪地球",
    "你好，李焕英",
    "长津湖",
    "我和我的祖国",
    "夺冠",
    "中国医生",
    "寻梦环游记",
    "疯狂动物城",
    "千与千寻",
    "大鱼海棠",
    "哪吒之魔童降世",
    "城南旧事",
    "霸王别姬",
    "秋菊打官司",
    "功夫熊猫",
    "海洋奇缘",
]
DIGITAL = [
    "数字阅读推广：云图书馆使用指南",
    "电子书借阅体验活动",
    "“码”上阅读：扫码听书",
    "VR数字阅读体验",
    "数据库检索技巧讲座",
    "手机借阅APP使用教学",
]
ACCESS = [
    "视障读者读书会",
    "助残日：无障碍电影欣赏",
    "听书机使用培训",
    "“心阅”视障读者诵读会",
    "手语绘本故事会",
    "残障人士读书文化日",
]
FESTIVALS = [
    "{c}读书节开幕式",
    "世界读书日主题活动",
    "“{c}”全民阅读月启动仪式",
    "图书馆服务宣传周启动仪式",
    "“网络书香过大年”新春活动",
    "暑期少儿阅读季启动仪式",
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余杜叶程苏魏吕丁"
SPEAKER_ROLES = [
    "沅州学院教授",
    "文史学者",
    "市作家协会会员",
    "中学高级教师",
    "主任医师",
    "律师",
    "国家二级心理咨询师",
    "非遗传承人",
    "资深阅读推广人",
    "民俗专家",
    "书法家协会会员",
    "高校副教授",
]

ALT_CATEGORY = {
    "lecture": ["other", "salon", "training"],
    "reading_club": ["salon", "other"],
    "salon": ["reading_club", "other"],
    "children": ["parent_child"],
    "parent_child": ["children"],
    "exhibition": ["other"],
    "contest": ["other", "children"],
    "training": ["lecture", "other"],
    "outreach": ["other", "lecture"],
    "screening": ["other"],
    "digital": ["training", "lecture"],
    "accessibility": ["screening", "reading_club", "other"],
    "festival": ["other"],
}

TITLE_PREFIXES = [
    "【联盟活动】",
    "【活动预告】",
    "【转发】",
    "【预告】",
    "【好消息】",
    "【书香{c}】",
    "活动预告｜",
    "【周末好去处】",
]
TITLE_SUFFIXES = [
    "（报名中）",
    "（已满员）",
    "(报名中)",
    "，欢迎参加！",
    " 欢迎参加",
    "📚",
    "🎉",
    " ✨",
    "（免费）",
    "——诚邀您参加",
    "（名额有限）",
]
TYPO_MAP = {"厅": "听", "览": "揽", "绘": "会", "讲": "奖", "座": "坐", "馆": "管", "读": "渎", "书": "输"}

# titles that only make sense in some months (2027: 春节 6 Feb, 元宵 20 Feb, 清明 5 Apr, 端午 9 Jun)
SEASON = {
    "绘本里的春节": {1, 2},
    "亲子手工：纸艺灯笼": {1, 2},
    "端午香囊亲子手作": {5, 6},
    "亲子手工：彩绘风筝": {3, 4},
    "寒假少儿剪纸课": {1, 2},
    "世界读书日·共读一本书": {4},
    "元宵节猜灯谜": {2},
    "端午香囊手作": {6},
    "植树节绘本故事会": {3},
    "学雷锋志愿服务日": {3},
    "“4·23”好书交换": {4},
    "母亲节亲子绘本分享": {5},
    "六一童话剧展演": {5, 6},
    "清明诗会": {4},
    "“网络书香过大年”新春活动": {1, 2},
    "世界读书日主题活动": {4},
    "“{c}”全民阅读月启动仪式": {4},
    "图书馆服务宣传周启动仪式": {5},
    "暑期少儿阅读季启动仪式": {6},
    "{c}读书节开幕式": {4, 5},
    "新春送春联进社区": {1, 2},
    "“书香满城”阅读推广集市": {4, 5, 6},
    "二十四节气主题展": {1, 2, 3, 4, 5, 6},
}
# one programme that several branches hold at the same hour: title, category
BRANCH_PROGRAMMES = [
    ("寒假少儿剪纸课", "children"),
    ("世界读书日·共读一本书", "reading_club"),
    ("元宵节猜灯谜", "other"),
    ("“书香润童心”亲子共读", "parent_child"),
    ("端午香囊手作", "parent_child"),
    ("植树节绘本故事会", "children"),
    ("学雷锋志愿服务日", "other"),
    ("“4·23”好书交换", "other"),
    ("母亲节亲子绘本分享", "parent_child"),
    ("六一童话剧展演", "children"),
    ("清明诗会", "salon"),
    ("“码”上阅读体验日", "digital"),
    ("周末亲子故事会", "parent_child"),
    ("少儿编程体验课", "children"),
    ("老年人智能手机课堂", "training"),
]

CN_NUM = "零一二三四五六七八九十"


def cn_num(n: int) -> str:
    if n <= 10:
        return CN_NUM[n]
    if n < 20:
        return "十" + (CN_NUM[n - 10] if n > 10 else "")
    tens, ones = divmod(n, 10)
    return CN_NUM[tens] + "十" + (CN_NUM[ones] if ones else "")


# --------------------------------------------------------------------------------------
# The model of a real activity
# --------------------------------------------------------------------------------------


class Place:
    """Where a real activity happens: a member's room, or a place outside the libraries."""

    def __init__(self, kind, owner, room=None, outside=None):
        self.kind = kind  # "room" | "outside"
        self.owner = owner  # member id (for outside: the member that runs the outreach)
        self.room = room  # (key, floor, name)
        self.outside = outside  # tuple from city["outside"]

    @property
    def key(self):
        return f"{self.owner}:{self.room[0]}" if self.kind == "room" else f"out:{self.outside[0]}"


class Activity:
    def __init__(self, **kw):
        self.__dict__.update(kw)


class Gen:
    def __init__(self, city, seed):
        self.c = city
        self.rng = random.Random(seed)
        self.members = {m[0]: m for m in city["members"]}
        self.ids = [m[0] for m in city["members"]]
        self.activities: list[Activity] = []
        self.busy = defaultdict(list)  # (place key, date) -> [(start, end)]
        self.label_no = 0
        self.refs = defaultdict(set)
        self.ref_counter = Counter()
        self.stats = Counter()
        self.group_classes = Counter()
        self.ann_classes = Counter()
        self.lookalike = Counter()
        self.brand_issue = Counter()
        self.month = 4
        self.seen_titles = set()
        self.core_day = {}
        self.instance = 0

    def pick(self, items):
        """A random item that suits the current month."""
        ok = [x for x in items if self.month in SEASON.get(x if isinstance(x, str) else x[0], range(1, 13))]
        return self.rng.choice(ok or items)

    # --- tree helpers
    def root_of(self, mid):
        """The district/county (or central) a member belongs to."""
        m = self.members[mid]
        while m[2] not in ("district", "county", "central"):
            m = self.members[m[3]]
        return m[0]

    def parent(self, mid):
        return self.members[mid][3]

    def subtree(self, root):
        return [i for i in self.ids if i == root or self.root_of(i) == root and root != self.c["members"][0][0]]

    def branches_of(self, root):
        return [i for i in self.ids if i != root and self.root_of(i) == root and self.members[i][2] == "branch"]

    # --- labels and time
    def new_label(self, kind):
        self.label_no += 1
        return f"{self.c['key']}-{self.label_no:05d}-{kind}"

    def rand_date(self, weekend_bias=0.5):
        start = date(2027, 1, 4)
        while True:
            d = start + timedelta(days=self.rng.randrange(0, 178))
            if d.weekday() >= 5 or self.rng.random() > weekend_bias:
                # Spring Festival 2027: 6–12 Feb, few activities
                if date(2027, 2, 6) <= d <= date(2027, 2, 10) and self.rng.random() < 0.7:
                    continue
                return d

    def free(self, place, d, s, e, margin=30):
        for a, b in self.busy[(place.key, d)]:
            if s < b + margin and a < e + margin:
                return False
        return True

    def occupy(self, place, d, s, e):
        self.busy[(place.key, d)].append((s, e))

    # --- places
    def room_place(self, mid, prefer=None):
        rooms = self.members[mid][7]
        if prefer:
            cand = [r for r in rooms if r[0] in prefer]
            if cand:
                return Place("room", mid, room=self.rng.choice(cand))
        return Place("room", mid, room=self.rng.choice(rooms))

    def outside_place(self, mid):
        root = self.root_of(mid)
        cand = [o for o in self.c["outside"] if o[4] == root] or self.c["outside"]
        return Place("outside", mid, outside=self.rng.choice(cand))

    # --- contents
    def speaker(self):
        role = self.rng.choice(SPEAKER_ROLES).replace("沅州", self.c["city"])
        return self.rng.choice(SURNAMES) + self.rng.choice(
            ["老师", "先生", "女士"] + (["教授", "博士"] if "教授" in role or "学者" in role else [])
        ), role

    def content(self, kind, mid):
        """A title plan for a new activity of kind `kind` hosted by `mid`."""
        r = self.rng
        city = self.c["city"]
        t = {"brand": None, "issue": None, "core": "", "mark": "", "brand_id": None}
        if kind == "lecture":
            brands = [b for b in self.c["brands"] if b[4] == "lecture" and b[2] == mid]
            core = self.pick(LECTURE_TOPICS)
            cat = "lecture"
            if "科普" in core:
                cat = r.choice(["lecture", "lecture", "other"])
            if brands and r.random() < 0.7:
                b = r.choice(brands)
                t["brand"], t["brand_id"] = b[1], b[0]
                cat = b[3]
                self.brand_issue[b[0]] += 1
                if r.random() < 0.6:
                    t["issue"] = self.brand_issue[b[0]] + {"lecture": 40}.get(b[4], 10)
            t["core"] = core
            return (
                t,
                cat,
                [
                    "lecture",
                    90,
                    [(9, 30), (14, 30), (15, 0), (19, 0), (14, 0), (10, 0)],
                    ["report", "multi", "act", "main"],
                ],
            )
        if kind == "club":
            b = r.choice(BOOKS)
            t["core"] = self.pick(CLUB_FORMS).format(b=b)
            brands = [x for x in self.c["brands"] if x[4] == "club" and x[2] == mid]
            cat = r.choice(["reading_club", "reading_club", "salon"])
            if brands and r.random() < 0.75:
                t["brand"], t["brand_id"] = brands[0][1], brands[0][0]
                cat = brands[0][3]
                self.brand_issue[brands[0][0]] += 1
                if r.random() < 0.7:
                    t["issue"] = self.brand_issue[brands[0][0]] + 20
            return (
                t,
                cat,
                [
                    "club",
                    120,
                    [(14, 0), (14, 30), (19, 0), (19, 30), (9, 30)],
                    ["salon", "multi", "act", "read", "main", "study"],
                ],
            )
        if kind == "salon":
            t["core"] = self.pick(SALON_TOPICS)
            return t, "salon", ["salon", 120, [(14, 30), (19, 0), (15, 0)], ["salon", "multi", "act", "main"]]
        if kind == "story":
            core = self.pick(STORIES)
            brands = [x for x in self.c["brands"] if x[4] == "story" and x[2] == mid]
            cat = "children" if core in STORY_CHILDREN_ONLY else "parent_child"
            if brands and r.random() < 0.7:
                t["brand"], t["brand_id"] = brands[0][1], brands[0][0]
                self.brand_issue[brands[0][0]] += 1
                if r.random() < 0.5:
                    t["issue"] = self.brand_issue[brands[0][0]] + 100
            t["core"] = core
            return (
                t,
                cat,
                ["story", 60, [(10, 0), (9, 30), (15, 0), (10, 30), (16, 0)], ["kids", "story", "act", "read", "main"]],
            )
        if kind == "exhibition":
            t["core"] = self.pick(EXHIBITS)
            return t, "exhibition", ["exhibition", 0, [(9, 0)], ["expo", "hall", "read", "main"]]
        if kind == "contest":
            t["core"] = self.pick(CONTESTS).format(
                c=r.choice([f"书香{city}", "我与图书馆", "阅读点亮生活", "家乡的变化"])
            )
            return t, "contest", ["contest", 150, [(9, 0), (14, 0), (9, 30)], ["report", "multi", "act"]]
        if kind == "training":
            t["core"] = self.pick(TRAININGS)
            brands = [x for x in self.c["brands"] if x[3] == "training" and x[2] == mid]
            if brands and r.random() < 0.6:
                t["brand"], t["brand_id"] = brands[0][1], brands[0][0]
            return t, "training", ["training", 120, [(9, 0), (14, 0), (14, 30)], ["ele", "multi", "act", "report"]]
        if kind == "outreach":
            t["core"] = self.pick(OUTREACH)
            return t, "outreach", ["outreach", 90, [(9, 30), (10, 0), (14, 30), (15, 0)], None]
        if kind == "screening":
            f = r.choice(FILMS)
            t["core"] = r.choice([f"周末观影：《{f}》", f"公益电影放映《{f}》", f"光影阅读：《{f}》"])
            return t, "screening", ["screening", 120, [(14, 0), (14, 30), (19, 0)], ["report", "multi", "act"]]
        if kind == "digital":
            t["core"] = self.pick(DIGITAL)
            return t, "digital", ["digital", 90, [(10, 0), (14, 30), (15, 0)], ["ele", "multi", "act", "main"]]
        if kind == "access":
            t["core"] = self.pick(ACCESS)
            return t, "accessibility", ["access", 90, [(9, 30), (14, 30), (15, 0)], ["blind", "multi", "report", "act"]]
        if kind == "festival":
            t["core"] = self.pick(FESTIVALS).format(c=city)
            return t, "festival", ["festival", 90, [(9, 30), (10, 0)], ["hall", "report"]]
        raise ValueError(kind)

    KIND_WEIGHTS = [
        ("lecture", 24),
        ("club", 12),
        ("salon", 5),
        ("story", 18),
        ("exhibition", 5),
        ("contest", 4),
        ("training", 7),
        ("outreach", 9),
        ("screening", 6),
        ("digital", 3),
        ("access", 3),
        ("festival", 2),
    ]

    def pick_kind(self):
        kinds, weights = zip(*self.KIND_WEIGHTS, strict=True)
        return self.rng.choices(kinds, weights)[0]

    def pick_host(self, kind):
        r = self.rng
        weights = []
        for mid in self.ids:
            tier = self.members[mid][2]
            w = {"central": 10, "district": 7, "county": 6, "branch": 4, "service_point": 1.5}[tier]
            if kind in ("festival",) and tier not in ("central", "district", "county"):
                w = 0
            if kind == "exhibition" and tier == "service_point":
                w = 0.3
            weights.append(w)
        return r.choices(self.ids, weights)[0]

    def make_activity(
        self,
        kind=None,
        host=None,
        d=None,
        start=None,
        place=None,
        title=None,
        cat=None,
        family=None,
        check=True,
        dur=None,
        mark="",
        n_ann=None,
        cohosts=None,
    ):
        r = self.rng
        kind = kind or self.pick_kind()
        host = host or self.pick_host(kind)
        d = d or self.rand_date(0.6 if kind in ("story", "club", "screening") else 0.35)
        self.month = d.month
        t, base_cat, (kk, default_dur, starts, rooms) = self.content(kind, host)
        if title is not None:
            t = dict(title)
        if cat is not None:
            base_cat = cat
        t["mark"] = mark or t.get("mark", "")
        for _ in range(60):
            dd = d
            if place is not None:
                pl = place
            elif kind == "outreach" or (kind in ("lecture", "story", "contest", "access") and r.random() < 0.12):
                pl = self.outside_place(host)
            else:
                pl = self.room_place(host, rooms)
            if kind == "outreach" and title is None and pl.kind == "outside":
                for words, titles in OUTREACH_BY_PLACE:
                    if any(w in pl.outside[0] for w in words):
                        t["core"] = self.pick(titles)
                        break
            h, m = start or r.choice(starts)
            s = h * 60 + m
            du = dur or (default_dur if default_dur else 0) or 90
            if kind == "exhibition":
                du = 8 * 60
            if not check or self.free(pl, dd, s, s + du):
                break
        else:
            return None
        same = (dd, pl.owner, t["core"], t["mark"])
        if same in self.seen_titles:
            return None  # the same title by the same library that day would not be told apart
        # Outside a planned look-alike family, two libraries do not pick the same topic on the same day.
        if self.core_day.setdefault((dd, t["core"]), self.instance) != self.instance:
            return None
        self.seen_titles.add(same)
        self.occupy(pl, dd, s, s + du)
        act = Activity(
            label=self.new_label(family or kind),
            kind=kind,
            host=host,
            date=dd,
            start=s,
            dur=du,
            place=pl,
            t=t,
            cat=base_cat,
            family=family or "plain",
            cohosts=cohosts or [],
            n=n_ann,
            exhibit_days=(r.choice([7, 10, 14, 20, 30]) if kind == "exhibition" else 0),
        )
        self.activities.append(act)
        return act

    # --------------------------------------------------------------------------------------
    # families of activities
    # --------------------------------------------------------------------------------------

    def fam_plain(self):
        self.make_activity()

    def fam_weekly(self):
        """The same session title, same room, same time, week after week: each session its own label."""
        r = self.rng
        kind = r.choice(["story", "story", "club", "screening", "training", "salon"])
        host = self.pick_host(kind)
        d0 = self.rand_date(1.0)
        self.month = d0.month
        t, cat, (kk, dur, starts, rooms) = self.content(kind, host)
        if kind == "training":
            t["core"] = r.choice(["老年人智能手机培训班", "电脑基础操作培训班", "少儿书法培训班", "国画兴趣班"])
        if kind == "screening":
            t["core"] = r.choice(["周末观影", "周六公益电影", "光影阅读"])
        pl = self.room_place(host, rooms)
        st = r.choice(starts)
        weeks = r.randint(3, 7)
        made = 0
        for w in range(weeks):
            d = d0 + timedelta(days=7 * w)
            if d > date(2027, 6, 30):
                break
            tt = dict(t)
            if t.get("issue"):
                tt["issue"] = t["issue"] + w
            if kind == "screening" and r.random() < 0.5:
                tt["core"] = t["core"] + f"：《{r.choice(FILMS)}》"
            a = self.make_activity(
                kind=kind, host=host, d=d, start=st, place=pl, title=tt, cat=cat, family="weekly", dur=dur or 90
            )
            made += a is not None
        self.lookalike["weekly series (sessions a week apart, same title/room/time)"] += made

    def fam_branches(self):
        """One programme held at several branches at the same hour; each branch its own label."""
        r = self.rng
        roots = [i for i in self.ids if self.members[i][2] in ("district", "county", "central")]
        r.shuffle(roots)
        for root in roots:
            sites = [root] + self.branches_of(root) + [i for i in self.ids if self.parent(i) in self.branches_of(root)]
            if root == self.ids[0]:
                sites = [i for i in self.ids if self.members[i][2] in ("district", "county", "central")]
            if len(sites) >= 3:
                break
        k = min(len(sites), r.randint(3, 5))
        sites = r.sample(sites, k)
        kind = "story"
        d = self.rand_date(0.8)
        self.month = d.month
        core, cat = self.pick(BRANCH_PROGRAMMES)
        st = r.choice([(9, 30), (10, 0), (14, 30), (15, 0)])
        made = 0
        for s in sites:
            pl = self.room_place(s, ["kids", "story", "act", "multi", "main", "hall"])
            a = self.make_activity(
                kind=kind,
                host=s,
                d=d,
                start=st,
                place=pl,
                title={"brand": None, "issue": None, "core": core, "mark": "", "brand_id": None},
                cat=cat,
                family="branches",
                dur=90,
            )
            made += a is not None
        self.lookalike["one programme at several branches, same hour"] += made

    def fam_parallel(self):
        """Parallel sessions in one building at the same time: different rooms, topics or age groups."""
        r = self.rng
        host = r.choice([i for i in self.ids if len(self.members[i][7]) >= 3])
        rooms = list(self.members[host][7])
        r.shuffle(rooms)
        d = self.rand_date(0.8)
        self.month = d.month
        st = r.choice([(9, 30), (10, 0), (14, 30), (15, 0)])
        made = 0
        if r.random() < 0.5:
            core = self.pick(STORIES)
            groups = r.choice(
                [
                    ["（3-6岁）", "（7-10岁）"],
                    ["（低龄组）", "（高龄组）"],
                    ["（3-5岁）", "（6-8岁）", "（9-12岁）"],
                    ["·幼儿场", "·小学场"],
                ]
            )
            cat = "children" if core in STORY_CHILDREN_ONLY else "parent_child"
            for g, room in zip(groups, rooms, strict=False):
                a = self.make_activity(
                    kind="story",
                    host=host,
                    d=d,
                    start=st,
                    place=Place("room", host, room=room),
                    title={"brand": None, "issue": None, "core": core, "mark": g, "brand_id": None},
                    cat=cat,
                    family="parallel",
                    dur=60,
                )
                made += a is not None
        else:
            k = r.randint(2, 3)
            kinds = r.sample(["lecture", "club", "story", "digital", "training", "screening"], k)
            for kind, room in zip(kinds, rooms, strict=False):
                a = self.make_activity(
                    kind=kind, host=host, d=d, start=st, place=Place("room", host, room=room), family="parallel"
                )
                made += a is not None
        self.lookalike["parallel sessions in one building, same time"] += made

    def fam_sessions(self):
        """第一场 / 第二场 of the same lecture an hour or two apart."""
        r = self.rng
        kind = r.choice(["lecture", "lecture", "story", "training", "access"])
        host = self.pick_host(kind)
        d = self.rand_date(0.5)
        self.month = d.month
        t, cat, (kk, dur, starts, rooms) = self.content(kind, host)
        pl = self.room_place(host, rooms)
        first = r.choice([(9, 0), (9, 30), (14, 0)])
        gap = r.choice([60, 90, 120])
        du = min(dur or 60, gap - 15) if gap <= 90 else min(dur or 90, 90)
        marks = r.choice(
            [
                ("（第一场）", "（第二场）"),
                ("（第1场）", "（第2场）"),
                ("·第一场", "·第二场"),
                ("（第一场）", "（第二场）"),
            ]
        )
        made = 0
        for i, mk in enumerate(marks):
            s = first[0] * 60 + first[1] + i * gap
            a = self.make_activity(
                kind=kind,
                host=host,
                d=d,
                start=(s // 60, s % 60),
                place=pl,
                title=dict(t, mark=mk),
                cat=cat,
                family="sessions",
                dur=du,
                check=i == 0,
            )
            made += a is not None
        self.lookalike["第一场/第二场 of one programme, 1–2 h apart"] += made

    def fam_later(self):
        """Another event in the same hall later the same day (different title)."""
        r = self.rng
        host = self.pick_host("lecture")
        d = self.rand_date(0.6)
        k1, k2 = r.sample(["lecture", "club", "story", "screening", "training", "salon", "contest"], 2)
        a = self.make_activity(kind=k1, host=host, d=d, start=r.choice([(9, 0), (9, 30), (10, 0)]), family="samehall")
        if a is None or a.place.kind != "room":
            return
        b = self.make_activity(
            kind=k2,
            host=host,
            d=d,
            start=r.choice([(14, 0), (14, 30), (15, 0), (19, 0)]),
            place=a.place,
            family="samehall",
            check=False,
        )
        if b is not None and b.t["core"] == a.t["core"]:
            b.t["core"] = self.pick(SALON_TOPICS)
        self.lookalike["another event in the same hall later that day"] += 2

    def fam_brand(self):
        """Two different lectures of one lecture brand on different days."""
        r = self.rng
        brands = [b for b in self.c["brands"] if b[4] in ("lecture", "club")]
        b = r.choice(brands)
        kind = "lecture" if b[4] == "lecture" else "club"
        host = b[2]
        d = self.rand_date(0.5)
        self.month = d.month
        t, cat, (kk, dur, starts, rooms) = self.content(kind, host)
        pl = self.room_place(host, rooms)
        st = r.choice(starts)
        made = 0
        cores = set()
        for gap in (0, r.choice([7, 14, 3, 21])):
            tt, _, _ = self.content(kind, host)
            if tt["core"] in cores:
                continue
            cores.add(tt["core"])
            tt["brand"], tt["brand_id"] = b[1], b[0]
            self.brand_issue[b[0]] += 1
            tt["issue"] = self.brand_issue[b[0]] + 40 if r.random() < 0.6 else None
            a = self.make_activity(
                kind=kind, host=host, d=d + timedelta(days=gap), start=st, place=pl, title=tt, cat=b[3], family="brand"
            )
            made += a is not None
        self.lookalike["two different sessions of one brand on different days"] += made

    FAMILIES = [
        ("fam_plain", 110),
        ("fam_weekly", 6),
        ("fam_branches", 4),
        ("fam_parallel", 5),
        ("fam_sessions", 5),
        ("fam_later", 6),
        ("fam_brand", 6),
    ]

    # --------------------------------------------------------------------------------------
    # announcements
    # --------------------------------------------------------------------------------------

    def plan_counts(self):
        r = self.rng
        for a in self.activities:
            if a.n is None:
                a.n = r.choices([1, 2, 3, 4, 5], [71, 17, 8, 3, 1])[0]
            if a.n >= 2 and not a.cohosts:
                a.cohosts = self.pick_cohosts(a, a.n)

    def pick_cohosts(self, a, n):
        r = self.rng
        host = a.host
        cand = []
        p = self.parent(host)
        if p:
            cand += [p] * 3
            pp = self.parent(p)
            if pp:
                cand += [pp]
        cand += [c for c in self.ids if self.parent(c) == host] * 2
        root = self.root_of(host)
        cand += [c for c in self.ids if self.root_of(c) == root and c != host]
        cand += [self.ids[0]] * 2
        cand += r.sample(self.ids, 1)
        out = []
        k = max(1, min(n - 1, r.choice([1, 1, 2, 2, 3])))
        for c in r.sample(cand, len(cand)):
            if c != host and c not in out:
                out.append(c)
            if len(out) >= k:
                break
        return out

    def announcers(self, a):
        """Who posts about this activity: (library, role-of-poster, flags)."""
        r = self.rng
        if a.n == 1:
            return [(a.host, "host", set())]
        slots = []
        if r.random() < 0.93:
            slots.append((a.host, "host", set()))
        for c in a.cohosts:
            slots.append((c, "co_host", set()))
        while len(slots) < a.n:
            x = r.random()
            if x < 0.45 and slots:
                lib, role, _ = r.choice(slots)
                slots.append((lib, role, {"twice"}))
            else:
                others = [
                    i
                    for i in [self.ids[0], self.parent(a.host), self.root_of(a.host)]
                    if i and i != a.host and i not in a.cohosts
                ]
                if others:
                    slots.append((r.choice(others), "repost", {"repost"}))
                else:
                    lib, role, _ = r.choice(slots)
                    slots.append((lib, role, {"twice"}))
        if not slots:
            slots.append((a.host, "host", set()))
        return slots[: a.n]

    # --- titles
    def render_title(self, a, style):
        """The title as one announcer writes it; returns (text, the decorations actually applied)."""
        r = self.rng
        t = a.t
        applied = set()
        core = t["core"]
        if style.get("strip_book") and "《" in core:
            if r.random() < 0.7:
                core = core.replace("《", "").replace("》", "")
            else:
                core = core.replace("《", "“").replace("》", "”")
            applied.add("book name without 《》")
        text = core
        if t["brand"] and not style.get("drop_brand"):
            issue = ""
            if t["issue"]:
                if style.get("drop_issue"):
                    applied.add("第X期 dropped")
                else:
                    issue = style.get("issue_fmt", "第{n}期").format(n=t["issue"])
            sep = style.get("sep", "：")
            if "：" in core and sep in ("：", ":"):
                sep = style.get("sep2", "｜")
            if sep == "【】":
                text = f"【{t['brand']}{issue}】{core}"
            else:
                text = f"{t['brand']}{issue}{sep}{core}"
        elif t["brand"]:
            applied.add("brand/series prefix dropped")
            if t["issue"] and style.get("issue_only"):
                text = f"{core}（第{t['issue']}期）"
        if style.get("append") and not text.endswith(("活动", "仪式")):
            ap = "活动"
            if a.kind in ("club", "salon") and not text.endswith(("会", "享")) and r.random() < 0.6:
                ap = "读书分享活动"
            elif a.kind == "lecture" and not text.endswith(("讲座", "讲堂")) and r.random() < 0.4:
                ap = r.choice(["公益讲座", "专题讲座"])
            text = text + ap
            applied.add("活动/读书分享活动 appended")
        text = text + t["mark"]
        if style.get("halfwidth") and any(ch in text for ch in "：（）"):
            text = text.replace("：", ":").replace("（", "(").replace("）", ")")
            applied.add("half-width punctuation")
        if style.get("space"):
            i = text.find("：")
            text = text[:i] + " " + text[i + 1 :] if i > 0 else text[:2] + " " + text[2:]
            applied.add("spacing")
        if style.get("typo"):
            chars = [i for i, ch in enumerate(text) if ch in TYPO_MAP]
            if chars:
                i = r.choice(chars)
                text = text[:i] + TYPO_MAP[text[i]] + text[i + 1 :]
                applied.add("typo")
        if style.get("prefix"):
            text = style["prefix"].format(c=self.c["city"]) + text
            applied.add("prefix " + ("【转发】" if "转发" in style["prefix"] else "【…】/预告｜"))
        if style.get("suffix"):
            text = text + style["suffix"]
            applied.add("suffix （报名中）/欢迎参加/emoji")
        return text.strip(), applied

    def title_style(self, heavy):
        r = self.rng
        s = {}
        p = 0.55 if heavy else 0.15
        if r.random() < p:
            s["drop_brand"] = True
        if r.random() < p:
            s["drop_issue"] = True
        if r.random() < p * 0.8:
            s["strip_book"] = True
        if r.random() < p * 0.6:
            s["prefix"] = r.choice(TITLE_PREFIXES[:2] + TITLE_PREFIXES[3:])
        if r.random() < p * 0.6:
            s["suffix"] = r.choice(TITLE_SUFFIXES)
        if r.random() < p * 0.35:
            s["append"] = r.choice(["活动", "读书分享活动", "公益讲座", "活动开始报名啦"])
        if r.random() < p * 0.3:
            s["halfwidth"] = True
        if r.random() < p * 0.2:
            s["space"] = True
        if r.random() < p * 0.12:
            s["typo"] = True
        if r.random() < 0.2:
            s["sep"] = r.choice([":", " | ", "——", "【】", "·"])
        s["sep2"] = r.choice(["｜", "丨", " | ", "【】", " "])
        if r.random() < 0.2:
            s["issue_fmt"] = r.choice(["（第{n}期）", "第{n}讲", "第{n}期 "])
        return s

    # --- venues
    def lib_ref(self, owner, announcer, full_ok=True):
        """How `announcer` names the library `owner` (full name or an abbreviation)."""
        r = self.rng
        m = self.members[owner]
        same_tree = (
            self.root_of(owner) == self.root_of(announcer) and self.root_of(owner) != self.ids[0] or owner == announcer
        )
        if owner == announcer and r.random() < 0.4:
            return r.choice(m[6])
        if same_tree and m[2] in ("district", "county") and r.random() < 0.5:
            return r.choice(m[6])
        if r.random() < 0.45 and full_ok:
            return m[1]
        return r.choice(m[5])

    def render_venue(self, a, announcer, heavy):
        """(venue dict, mode)."""
        r = self.rng
        pl = a.place
        own = announcer == pl.owner
        if pl.kind == "outside":
            name, room, addr, shorts, _ = pl.outside
            modes = ["full", "name", "short", "short_room", "addr", "space", "typo"]
            w = [5, 3, 2, 2, 1.5, 1, 0.5] if heavy else [10, 2, 1, 1, 0.5, 0.3, 0.1]
            mode = r.choices(modes, w)[0]
            if mode == "addr" and not addr:
                mode = "full"
            if mode == "full":
                v = name + room
            elif mode == "name":
                v = name
            elif mode == "short":
                v = r.choice(shorts)
            elif mode == "short_room":
                v = r.choice(shorts) + room
            elif mode == "addr":
                v = r.choice(
                    [f"{addr}（{name}）", f"{addr}{name}", addr + r.choice(["", "（" + r.choice(shorts) + "）"])]
                )
            elif mode == "space":
                v = f"{name} {room}"
            else:
                v = typo(r, name + room)
            out = {"name": v}
            if addr and r.random() < 0.2 and mode != "addr":
                out["address"] = addr
            return out, "outside:" + mode
        key, floor, room = pl.room
        m = self.members[pl.owner]
        fr = floor + room
        if own:
            modes = ["dir", "bare", "self_full", "benguan", "paren", "space", "typo", "addr", "alias", "abbr"]
            w = [4, 3, 2, 1, 1, 0.6, 0.4, 0.6, 1, 1.5] if heavy else [10, 2, 1, 0.5, 0.3, 0.2, 0.1, 0.1, 0.6, 0.5]
        else:
            modes = ["full", "full_nofloor", "abbr", "addr", "space", "paren", "typo", "alias", "libonly"]
            w = [5, 2, 3, 1.5, 0.8, 1, 0.5, 1, 1] if heavy else [10, 1.5, 2, 0.4, 0.3, 0.4, 0.1, 0.6, 0.4]
        mode = r.choices(modes, w)[0]
        if not floor and mode in ("paren",):
            mode = "full" if not own else "dir"
        if mode == "alias" and not self.c["directory"]:
            mode = "abbr"
        out = {}
        if mode == "dir":
            v = fr
        elif mode == "bare":
            v = room
        elif mode == "self_full":
            v = join(m[1], fr)
        elif mode == "benguan":
            v = "本馆" + fr
        elif mode == "paren":
            fl = (
                floor
                if r.random() < 0.6
                else floor.replace("一", "1")
                .replace("二", "2")
                .replace("三", "3")
                .replace("四", "4")
                .replace("五", "5")
            )
            b = r.choice([("（", "）"), ("(", ")")])
            pre = "" if own else self.lib_ref(pl.owner, announcer)
            v = f"{join(pre, room)}{b[0]}{fl}{b[1]}"
        elif mode == "space":
            pre = "" if own and r.random() < 0.5 else self.lib_ref(pl.owner, announcer) + " "
            v = f"{pre}{floor} {room}" if floor else join(pre, room)
        elif mode == "typo":
            pre = "" if own else self.lib_ref(pl.owner, announcer)
            v = typo(r, join(pre, fr))
        elif mode == "addr":
            addr = m[4]
            v = r.choice([addr, f"{addr}（{m[1]}）", f"{addr}{m[1]}{floor}", join(addr + r.choice(m[5]), fr)])
        elif mode == "alias":
            v = r.choice(venue_aliases(m, pl.room))
        elif mode == "abbr":
            ref = self.lib_ref(pl.owner, announcer, full_ok=False)
            v = join(ref, r.choice([fr, room])) if floor else join(ref, room)
        elif mode == "full":
            v = join(m[1], fr)
        elif mode == "full_nofloor":
            v = join(m[1], room)
        elif mode == "libonly":
            v = r.choice([m[1], r.choice(m[5])])
        else:
            raise ValueError(mode)
        out["name"] = v
        if r.random() < 0.12 and mode != "addr":
            out["address"] = m[4]
        if self.c["directory"] and r.random() < 0.12:
            out["venue_id"] = f"{pl.owner}-{key}"
            if r.random() < 0.7:
                out["name"] = fr
        return out, mode

    # --- times
    def render_times(self, a, role, heavy, session_safe):
        r = self.rng
        d = a.date
        s, du = a.start, a.dur
        cls = "exact"
        if a.kind == "exhibition":
            x = r.random()
            start_dt = dt(d, 9 * 60)
            end_dt = dt(d + timedelta(days=a.exhibit_days), 17 * 60)
            if heavy and x < 0.25:
                start_dt, cls = dt(d, 10 * 60), "opening_ceremony"
            elif heavy and x < 0.45:
                start_dt, cls = dt(d, 9 * 60 + 30), "opening_half"
            y = r.random()
            if heavy and y < 0.3:
                end_dt, cls = dt(d + timedelta(days=a.exhibit_days), 16 * 60 + 30), cls + "+end"
            elif heavy and y < 0.45:
                end_dt, cls = start_dt + timedelta(hours=2), cls + "+end_opening_only"
            return start_dt, end_dt, cls
        x = r.random()
        if heavy:
            if x < 0.42:
                ss = s
            elif x < 0.66:
                ss, cls = s - r.choice([15, 20, 30, 30]), "signin"
            elif x < 0.86 and not session_safe:
                ss = (s // 60) * 60 if s % 60 else s + r.choice([-30, 30])
                if ss == s:
                    ss = s - 60
                cls = "rounded"
            elif not session_safe:
                ss, cls = s + r.choice([-60, -50, -40, 40, 45, 60]), "off"
            else:
                ss = s
        else:
            ss = s if x < 0.9 else s - r.choice([15, 30])
            if ss != s:
                cls = "signin"
        y = r.random()
        if y < 0.55 or not heavy and y < 0.8:
            ee = s + du
        elif y < 0.75:
            ee = ss + r.choice([60, 90, 120, 150, 180])
            cls += "+dur"
        elif y < 0.9:
            ee = ss
            cls += "+noend"
        else:
            ee = ((s + du) // 60 + 1) * 60
            cls += "+endround"
        if ee < ss:
            ee = ss
        return dt(d, ss), dt(d, ee), cls

    def organizers(self, a, lib, role):
        r = self.rng
        full = [{"library_id": a.host, "role": "host"}] + [{"library_id": c, "role": "co_host"} for c in a.cohosts]
        if a.n == 1 or not a.cohosts:
            x = r.random()
            if x < 0.5:
                return None, "none"
            return [{"library_id": a.host, "role": "host"}], "self"
        x = r.random()
        if role == "repost":
            return (None, "omitted") if x < 0.6 else ([{"library_id": a.host, "role": "host"}], "host_only")
        if role == "host":
            if x < 0.40:
                return full, "full"
            if x < 0.65:
                return None, "omitted"
            if x < 0.82:
                return [{"library_id": a.host, "role": "host"}], "self_only"
            sub = r.sample(a.cohosts, max(1, len(a.cohosts) - 1))
            return [{"library_id": a.host, "role": "host"}] + [
                {"library_id": c, "role": "co_host"} for c in sub
            ], "subset"
        # co-host
        if x < 0.30:
            return full, "full"
        if x < 0.60:
            return [{"library_id": a.host, "role": "host"}, {"library_id": lib, "role": "co_host"}], "host_and_self"
        if x < 0.85:
            return None, "omitted"
        if x < 0.93:
            return [{"library_id": lib, "role": "co_host"}], "self_only"
        return [{"library_id": a.host, "role": "host"}, {"library_id": lib, "role": "participant"}], "self_participant"

    def source_ref(self, lib, d):
        r = self.rng
        self.ref_counter[lib] += 1
        n = self.ref_counter[lib]
        style = sum(map(ord, lib)) % 4
        while True:
            if style == 0:
                ref = f"{lib.upper().replace('-', '')}{d:%Y%m%d}-{n:03d}"
            elif style == 1:
                ref = f"act-{r.randrange(16**8):08x}"
            elif style == 2:
                ref = f"{d.year}-{n:04d}"
            else:
                ref = f"wx{d:%m%d}{r.randrange(1000):03d}"
            if ref not in self.refs[lib]:
                self.refs[lib].add(ref)
                return ref

    def description(self, a, lib, role, st):
        r = self.rng
        if r.random() < 0.3:
            return None
        bits = []
        host_name = self.members[a.host][1]
        if a.kind in ("lecture", "training", "access", "digital") and r.random() < 0.7:
            who, what = self.speaker()
            bits.append(f"本期邀请{what}{who}主讲。")
        if a.kind in ("story",):
            bits.append(r.choice(["适合3-8岁儿童及家长参加。", "请家长陪同孩子参加。", "活动免费，需提前报名。"]))
        if a.cohosts and r.random() < 0.6:
            names = "、".join(self.members[c][1] for c in a.cohosts)
            bits.append(f"主办：{host_name}；协办：{names}。")
        if r.random() < 0.3:
            bits.append(
                r.choice(["协办：社区居委会。", "合作单位：市科协。", "支持单位：市作家协会。", "合作：区关工委。"])
            )
        if st.minute % 30 == 0 and r.random() < 0.3:
            bits.append(
                f"{(datetime.combine(a.date, datetime.min.time()) + timedelta(minutes=a.start - 15)):%H:%M}开始签到，请提前入场。"
            )
        if role == "repost":
            bits.append(f"（转自{host_name}）")
        bits.append(r.choice(["欢迎广大读者参加。", "名额有限，报满即止。", "报名电话见馆内公告。", ""]))
        return "".join(bits) or None

    def write(self):
        r = self.rng
        out = []
        for a in self.activities:
            slots = self.announcers(a)
            n = len(slots)
            a.n = n
            # Which announcements are written "heavily" (far from the host's own wording):
            # in a group of 3+, with a bridge ordering, two extremes and one plain connector.
            bridge = n >= 3 and r.random() < 0.65
            anns = []
            session_safe = a.family in ("sessions", "weekly", "parallel")
            prev_by_lib = {}
            for i, (lib, role, flags) in enumerate(slots):
                heavy = n >= 2 and (role != "host" or r.random() < 0.3)
                if bridge and i == 0:
                    heavy = False
                if "twice" in flags and lib in prev_by_lib:
                    base = prev_by_lib[lib]
                    ann = dict(base)
                    ann["source_ref"] = self.source_ref(lib, a.date)
                    tw = r.random()
                    cls = []
                    if tw < 0.45:
                        ann["title"] = self.render_title(a, self.title_style(True))[0]
                        cls.append("title")
                    elif tw < 0.75 and not session_safe:
                        st = datetime.fromisoformat(base["starts_at"]) + timedelta(minutes=r.choice([-10, 10]))
                        ann["starts_at"] = st.isoformat()
                        if datetime.fromisoformat(ann["ends_at"]) < st:
                            ann["ends_at"] = st.isoformat()
                        cls.append("start±10")
                    else:
                        ann["title"] = base["title"] + r.choice(["（更正）", "（修改）", "", " "])
                        v, _ = self.render_venue(a, lib, False)
                        ann["venue"] = v
                        cls.append("retyped")
                    anns.append((ann, {"same-library twice": 1, "twice:" + cls[0]: 1}))
                    continue
                style = self.title_style(heavy) if n > 1 else self.title_style(r.random() < 0.3)
                if role == "repost" and r.random() < 0.7:
                    style["prefix"] = "【转发】"
                title, applied = self.render_title(a, style)
                venue, vmode = self.render_venue(a, lib, heavy or (n == 1 and r.random() < 0.3))
                st, en, tcls = self.render_times(a, role, heavy, session_safe)
                cat = a.cat
                ccls = None
                if n > 1 and heavy and r.random() < 0.22 and a.cat in ALT_CATEGORY:
                    cat = r.choice(ALT_CATEGORY[a.cat])
                    ccls = "category differs"
                orgs, ocls = self.organizers(a, lib, role)
                ann = {
                    "library_id": lib,
                    "source_ref": self.source_ref(lib, a.date),
                    "revision": 1,
                    "status": "scheduled",
                    "title": title[:200],
                    "category": cat,
                    "starts_at": st.isoformat(),
                    "ends_at": en.isoformat(),
                    "venue": venue,
                }
                if orgs:
                    ann["organizers"] = orgs
                desc = self.description(a, lib, role, st)
                if tcls.startswith("signin") and r.random() < 0.5:
                    real = dt(a.date, a.start)
                    desc = f"{st:%H:%M}签到，{real:%H:%M}正式开始。" + (desc or "")
                if desc:
                    ann["description"] = desc
                if a.t.get("brand_id") and role == "host" and r.random() < 0.4:
                    ann["brand_id"] = a.t["brand_id"]
                if date(2027, 4, 1) <= a.date <= date(2027, 4, 30) and r.random() < 0.4:
                    ann["campaign_id"] = "reading-month"
                if r.random() < 0.25:
                    ann["audience"] = r.choice(
                        ["全体读者", "少年儿童及家长", "中老年读者", "青少年", "社区居民", "视障读者及家属", "馆员"]
                    )
                if r.random() < 0.2:
                    ann["capacity"] = r.choice([20, 30, 40, 50, 80, 100, 150, 200])
                if r.random() < 0.15:
                    ann["contact"] = f"0{r.randint(710, 799)}-{r.randint(2000000, 8999999)}"
                if a.kind == "exhibition" and r.random() < 0.15:
                    ann["all_day"] = False
                meta = {"venue:" + vmode: 1, "time:" + tcls: 1, "orgs:" + ocls: 1, "title": applied}
                if ccls:
                    meta[ccls] = 1
                anns.append((ann, meta))
                prev_by_lib.setdefault(lib, ann)
            # posting times (arrival order)
            times = sorted(self.post_time(a) for _ in anns)
            order = list(range(len(anns)))
            if bridge:
                order = bridge_order([x[0] for x in anns])
                self.stats["bridge-ordered groups"] += 1
            else:
                r.shuffle(order) if n >= 2 and r.random() < 0.5 else None
            for t, idx in zip(times, order, strict=False):
                ann, meta = anns[idx]
                out.append((t, a, ann, meta))
        out.sort(key=lambda x: x[0])
        return out

    def post_time(self, a):
        r = self.rng
        base = datetime.combine(a.date, datetime.min.time()) - timedelta(days=r.randint(1, 21))
        return base + timedelta(minutes=r.randint(8 * 60, 22 * 60))


def venue_aliases(m, room):
    """The directory's aliases for one room: how the alliance office wrote it down (always with
    the library's short name, since room names alone repeat across members)."""
    key, floor, name = room
    ref = m[5][1] if len(m[5]) > 1 else m[5][0]
    al = [join(ref, name)]
    if floor:
        al.append(f"{ref}{name}（{floor}）")
    if al[0] == ref:
        al = [m[5][0]] + ([m[5][1]] if len(m[5]) > 1 else [])
    return al


def join(ref, room):
    """A library reference followed by a room, without repeating a shared tail (书屋 + 书屋)."""
    if ref.rstrip().endswith(room) or room in ref:
        return ref
    return ref + room


def typo(r, text):
    idx = [i for i, ch in enumerate(text) if ch in TYPO_MAP]
    x = r.random()
    if idx and x < 0.6:
        i = r.choice(idx)
        return text[:i] + TYPO_MAP[text[i]] + text[i + 1 :]
    if len(text) > 3 and x < 0.8:
        i = r.randrange(1, len(text))
        return text[:i] + text[i - 1] + text[i:]  # a doubled character
    i = r.randrange(1, len(text))
    return text[:i] + text[i + 1 :]  # a dropped character


def dt(d, minutes):
    return datetime.fromisoformat(f"{d.isoformat()}T{minutes // 60:02d}:{minutes % 60:02d}:00{TZ}")


def bigrams(s):
    s = "".join(s.split())
    return {s[i : i + 2] for i in range(len(s) - 1)} or {s}


def similarity(x, y):
    a = bigrams(x["title"]) | {"V" + g for g in bigrams(x["venue"].get("name") or "")}
    b = bigrams(y["title"]) | {"V" + g for g in bigrams(y["venue"].get("name") or "")}
    jac = len(a & b) / max(1, len(a | b))
    dtm = abs((datetime.fromisoformat(x["starts_at"]) - datetime.fromisoformat(y["starts_at"])).total_seconds()) / 3600
    return jac - 0.2 * dtm - (0.1 if x["category"] != y["category"] else 0)


def bridge_order(anns):
    """The two most dissimilar announcements first, the one most similar to both last."""
    n = len(anns)
    best = None
    for i in range(n):
        for j in range(i + 1, n):
            s = similarity(anns[i], anns[j])
            if best is None or s < best[0]:
                best = (s, i, j)
    _, i, j = best
    rest = [k for k in range(n) if k not in (i, j)]
    connector = max(rest, key=lambda k: min(similarity(anns[k], anns[i]), similarity(anns[k], anns[j])))
    middle = [k for k in rest if k != connector]
    return [i, j] + middle + [connector]


# --------------------------------------------------------------------------------------
# alliance.toml
# --------------------------------------------------------------------------------------


def q(s):
    return json.dumps(s, ensure_ascii=False)


def alliance_toml(city):
    lines = [
        f"# {city['alliance_name']} — an invented alliance for the independent dedup evaluation set.",
        "# Generated by generate_independent.py; do not edit by hand.",
        "",
        "[alliance]",
        f"id = {q(city['alliance_id'])}",
        f"name = {q(city['alliance_name'])}",
        f"name_en = {q(city['alliance_en'])}",
        'timezone = "Asia/Shanghai"',
        "",
    ]
    for m in city["members"]:
        lines += ["[[members]]", f"id = {q(m[0])}", f"name = {q(m[1])}", f"tier = {q(m[2])}"]
        if m[3]:
            lines.append(f"parent = {q(m[3])}")
        lines += [f"address = {q(m[4])}", ""]
    if city["directory"]:
        for m in city["members"]:
            for room in m[7]:
                key, floor, name = room
                lines += [
                    "[[venues]]",
                    f"id = {q(m[0] + '-' + key)}",
                    f"library_id = {q(m[0])}",
                    f"name = {q(floor + name)}",
                    "aliases = [" + ", ".join(q(x) for x in venue_aliases(m, room)) + "]",
                    f"address = {q(m[4])}",
                    "",
                ]
    for b in city["brands"]:
        lines += [
            "[[brands]]",
            f"id = {q(b[0])}",
            f"name = {q(b[1])}",
            f"library_id = {q(b[2])}",
            f"since = {b[5]}",
            f"category = {q(b[3])}",
            f"keywords = [{q(b[1])}]",
            "",
        ]
    lines += [
        "[[campaigns]]",
        'id = "reading-month"',
        f"name = {q('4·23 世界读书日暨' + city['campaign_prefix'] + '读书月')}",
        "starts_on = 2027-04-01",
        "ends_on = 2027-04-30",
        "",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------------------


def build(city, seed):
    g = Gen(city, seed)
    names, weights = zip(*Gen.FAMILIES, strict=True)
    # plan activities until the expected number of announcements reaches the target
    while len(g.activities) * 1.47 < city["target"]:
        g.instance += 1
        getattr(g, g.rng.choices(names, weights)[0])()
    g.plan_counts()
    # trim/extend exactly to the target by adjusting singleton activities at the end
    rows = g.write()
    return g, rows


def summarize(g, rows):
    groups = defaultdict(list)
    for _, a, ann, meta in rows:
        groups[a.label].append((ann, meta))
    n_ann = len(rows)
    multi = {k: v for k, v in groups.items() if len(v) > 1}
    in_multi = sum(len(v) for v in multi.values())
    pairs = sum(len(v) * (len(v) - 1) // 2 for v in multi.values())
    cls_groups = Counter()
    cls_anns = Counter()
    for _lab, v in multi.items():
        seen = set()
        vn = {"".join((ann["venue"].get("name") or "").split()) for ann, _ in v}
        if len(vn) > 1:
            seen.add("venue written differently")
        starts = {ann["starts_at"] for ann, _ in v}
        ends = {ann["ends_at"] for ann, _ in v}
        if len(starts) > 1:
            seen.add("start times differ")
        if len(ends) > 1:
            seen.add("end times differ")
        if len({ann["category"] for ann, _ in v}) > 1:
            seen.add("categories disagree")
        if len({ann["title"] for ann, _ in v}) > 1:
            seen.add("titles differ")
        orgsets = [frozenset((o["library_id"], o["role"]) for o in ann.get("organizers", [])) for ann, _ in v]
        if len(set(orgsets)) > 1 or any(not o for o in orgsets):
            seen.add("organizer lists differ or are missing")
        if len({ann["library_id"] for ann, _ in v}) < len(v):
            seen.add("same library twice")
        if any(ann["title"].startswith("【转发】") for ann, _ in v):
            seen.add("repost marked 【转发】")
        for s in seen:
            cls_groups[s] += 1
        for _ann, meta in v:
            for k in meta:
                if k == "title":
                    for tk in meta[k]:
                        cls_anns["title:" + tk] += 1
                else:
                    cls_anns[k] += 1
    fam = Counter(a.family for a in g.activities)
    return {
        "announcements": n_ann,
        "labels": len(groups),
        "multi_groups": len(multi),
        "announcements_in_multi": in_multi,
        "share_in_multi": round(in_multi / n_ann, 3),
        "true_pairs": pairs,
        "group_sizes": dict(sorted(Counter(len(v) for v in groups.values()).items())),
        "bridge_ordered_groups": g.stats["bridge-ordered groups"],
        "groups_by_variation": dict(cls_groups.most_common()),
        "announcements_in_groups_by_tag": dict(sorted(cls_anns.items())),
        "lookalike_activities": dict(g.lookalike),
        "activities_by_family": dict(fam),
    }


def main():
    summary = {}
    for i, city in enumerate((CITY_A, CITY_B)):
        g, rows = build(city, SEED + i)
        d = HERE / city["key"]
        d.mkdir(parents=True, exist_ok=True)
        (d / "alliance.toml").write_text(alliance_toml(city), encoding="utf-8")
        with open(d / "eval.jsonl", "w", encoding="utf-8") as f:
            for _, a, ann, _ in rows:
                f.write(json.dumps(dict(ann, label=a.label), ensure_ascii=False) + "\n")
        summary[city["key"]] = summarize(g, rows)
    (HERE / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for k, v in summary.items():
        print(k, {x: v[x] for x in ("announcements", "labels", "multi_groups", "share_in_multi", "true_pairs")})


if __name__ == "__main__":
    main()
