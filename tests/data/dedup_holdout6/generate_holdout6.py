#!/usr/bin/env python3
"""Holdout set 6 for the activity-announcement deduplicator (stdlib only, deterministic).

Writes city_o/ and city_p/ (alliance.toml + eval.jsonl), summary.json next to this file.
Every eval line is a wire-contract v1 ActivitySubmission plus one key "label": lines sharing a
label announce the same real activity.  Run: python3 generate_holdout6.py
"""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

SEED = 20261205
OUT = Path(__file__).resolve().parent
CST = timedelta(hours=8)

# ----------------------------------------------------------------------------------------------
# The two invented alliances
# ----------------------------------------------------------------------------------------------
# room: (key, floor, name, code)   floor may be "" ; code is the export's room code
R = lambda key, floor, name, code: {"key": key, "floor": floor, "name": name, "code": code}  # noqa: E731

CITY_O = {
    "id": "chengjiang",
    "dir": "city_o",
    "name": "澄江市公共图书馆阅读推广联盟",
    "name_en": "Chengjiang Public Library Reading Alliance",
    "city": "澄江",
    "region": "south",
    "target": 2050,
    "directory": ["cjl", "cj-shao", "jb"],
    "members": [
        dict(id="cjl", name="澄江市图书馆", tier="central", parent=None, address="澄江市东湖路88号",
             abbr=["澄江市图书馆", "澄江图书馆", "澄图"], generic=["市馆", "市图", "市图书馆"],
             rooms=[R("hall", "一楼", "大厅", "1F"), R("mfh", "三楼", "多功能厅", "3F"), R("lec", "二楼", "报告厅", "2F"),
                    R("exh", "四楼", "展厅", "4F"), R("dig", "二楼", "数字阅读体验区", "2F"), R("gj", "五楼", "古籍阅览室", "5F"),
                    R("yard", "", "东湖阅读广场", "OUT")]),
        dict(id="cj-shao", name="澄江市少年儿童图书馆", tier="district", parent="cjl", address="澄江市少年路12号",
             abbr=["澄江市少儿图书馆", "澄江少图"], generic=["市少图", "少儿馆", "市少儿馆"],
             rooms=[R("story", "一楼", "绘本馆", "1F"), R("act", "二楼", "亲子活动室", "2F"), R("mfh", "三楼", "多功能厅", "3F")]),
        dict(id="jb", name="澄江市江滨区图书馆", tier="district", parent="cjl", address="江滨区滨江大道201号",
             abbr=["江滨区图书馆", "江滨区馆", "江滨图书馆"], generic=["区馆", "区图"],
             rooms=[R("lec", "一楼", "报告厅", "1F"), R("salon", "二楼", "读者沙龙室", "2F"), R("kid", "一楼", "少儿阅览室", "1F")]),
        dict(id="yl", name="澄江市云岭区图书馆", tier="district", parent="cjl", address="云岭区学府路9号",
             abbr=["云岭区图书馆", "云岭区馆", "云岭图书馆"], generic=["区馆", "区图"],
             rooms=[R("mfh", "三楼", "多功能厅", "3F"), R("kid", "二楼", "亲子阅读区", "2F"), R("hall", "一楼", "大厅", "1F")]),
        dict(id="xg", name="澄江市新港区图书馆", tier="district", parent="cjl", address="新港区海关路36号",
             abbr=["新港区图书馆", "新港图书馆"], generic=["区馆", "区图"],
             rooms=[R("film", "二楼", "影音室", "2F"), R("lec", "一楼", "报告厅", "1F")]),
        dict(id="qx", name="清溪县图书馆", tier="county", parent="cjl", address="清溪县城关镇文昌街15号",
             abbr=["清溪县图书馆", "清溪县馆", "清溪图书馆"], generic=["县馆", "县图"],
             rooms=[R("lec", "二楼", "报告厅", "2F"), R("fy", "一楼", "非遗体验室", "1F"), R("kid", "一楼", "少儿阅览室", "1F")]),
        dict(id="jb-b1", name="江滨区图书馆滨江路分馆", tier="branch", parent="jb", address="江滨区滨江路17号",
             abbr=["滨江路分馆", "滨江分馆"], generic=["分馆"], rooms=[R("read", "", "阅览室", "R1"), R("act", "", "活动室", "R2")]),
        dict(id="jb-b2", name="江滨区图书馆望湖街道分馆", tier="branch", parent="jb", address="江滨区望湖街道办事处三楼",
             abbr=["望湖分馆", "望湖街道分馆"], generic=["分馆"], rooms=[R("act", "", "活动室", "R1")]),
        dict(id="jb-sf1", name="江滨区枕水城市书房", tier="branch", parent="jb", address="江滨区枕水街3号",
             abbr=["枕水书房", "枕水城市书房"], generic=["城市书房", "书房"], rooms=[R("main", "", "阅读区", "S1")]),
        dict(id="yl-b1", name="云岭区图书馆高新分馆", tier="branch", parent="yl", address="云岭区高新大道66号创业中心一楼",
             abbr=["高新分馆"], generic=["分馆"], rooms=[R("read", "", "阅览区", "R1"), R("act", "", "活动室", "R2")]),
        dict(id="yl-b2", name="云岭区图书馆大学城分馆", tier="branch", parent="yl", address="云岭区大学城文汇路2号",
             abbr=["大学城分馆"], generic=["分馆"], rooms=[R("act", "", "研讨室", "R1")]),
        dict(id="yl-sf", name="云岭区桂香阁城市书房", tier="branch", parent="yl", address="云岭区桂香公园东门",
             abbr=["桂香阁书房", "桂香阁"], generic=["城市书房", "书房"], rooms=[R("main", "", "阅读区", "S1")]),
        dict(id="xg-b1", name="新港区图书馆港城分馆", tier="branch", parent="xg", address="新港区港城社区服务中心二楼",
             abbr=["港城分馆"], generic=["分馆"], rooms=[R("act", "", "活动室", "R1")]),
        dict(id="qx-b1", name="清溪县图书馆城东分馆", tier="branch", parent="qx", address="清溪县城东新区和平路8号",
             abbr=["城东分馆"], generic=["分馆"], rooms=[R("act", "", "活动室", "R1")]),
        dict(id="qx-z1", name="清溪县白鹭镇综合文化站", tier="branch", parent="qx", address="清溪县白鹭镇白鹭街1号",
             abbr=["白鹭镇文化站", "白鹭文化站"], generic=["文化站", "镇文化站"], rooms=[R("act", "二楼", "活动室", "R1")]),
        dict(id="qx-z2", name="清溪县石门镇综合文化站", tier="branch", parent="qx", address="清溪县石门镇新街28号",
             abbr=["石门镇文化站", "石门文化站"], generic=["文化站", "镇文化站"], rooms=[R("act", "", "多功能室", "R1")]),
        dict(id="cjl-b1", name="澄江市图书馆东湖分馆", tier="branch", parent="cjl", address="澄江市东湖街道东湖社区文化中心",
             abbr=["东湖分馆"], generic=["分馆"], rooms=[R("act", "", "活动室", "R1")]),
        dict(id="cjl-mob", name="澄江市图书馆流动图书馆", tier="branch", parent="cjl", address="澄江市东湖路88号",
             abbr=["流动图书馆", "图书馆流动车"], generic=["流动车", "汽车图书馆"], rooms=[R("bus", "", "流动图书车", "BUS")]),
        dict(id="qx-nj1", name="白鹭镇荷塘村农家书屋", tier="service_point", parent="qx-z1", address="清溪县白鹭镇荷塘村村委会",
             abbr=["荷塘村农家书屋", "荷塘村书屋"], generic=["农家书屋", "村书屋"], rooms=[R("main", "", "村委会会议室", "V1")]),
        dict(id="qx-nj2", name="石门镇茶园村农家书屋", tier="service_point", parent="qx-z2", address="清溪县石门镇茶园村",
             abbr=["茶园村农家书屋", "茶园村书屋"], generic=["农家书屋", "村书屋"], rooms=[R("main", "", "书屋门前广场", "V1")]),
        dict(id="jb-sp1", name="江滨区望湖社区图书服务点", tier="service_point", parent="jb-b2", address="江滨区望湖社区党群服务中心",
             abbr=["望湖社区服务点", "望湖社区图书点"], generic=["社区服务点", "服务点"], rooms=[R("main", "", "党群服务中心活动室", "P1")]),
    ],
    "brands": [
        dict(id="cj-jiangtan", name="澄江讲坛", library_id="cjl", since=2012, category="lecture"),
        dict(id="cj-jingdian", name="经典导读", library_id="cjl", since=2018, category="reading_club"),
        dict(id="xiaojudeng", name="小橘灯故事会", library_id="cj-shao", since=2015, category="children"),
        dict(id="binjiang-dsh", name="滨江读书会", library_id="jb", since=2019, category="reading_club"),
        dict(id="guixiang-qz", name="桂香亲子悦读", library_id="yl", since=2020, category="parent_child"),
        dict(id="qingxi-fy", name="清溪非遗课堂", library_id="qx", since=2017, category="training"),
        dict(id="gangcheng-sy", name="港城书影", library_id="xg", since=2021, category="screening"),
    ],
    "campaigns": [
        dict(id="cj-spring", name="网络书香过大年", short="网络书香过大年", starts_on="2026-01-26", ends_on="2026-03-05"),
        dict(id="cj-423", name="4·23世界读书日暨澄江读书月", short="4·23世界读书日", starts_on="2026-04-01", ends_on="2026-04-30"),
        dict(id="cj-week", name="图书馆服务宣传周", short="图书馆服务宣传周", starts_on="2026-05-23", ends_on="2026-05-29"),
        dict(id="cj-summer", name="暑期少儿阅读季", short="暑期阅读季", starts_on="2026-07-01", ends_on="2026-08-31"),
        dict(id="cj-festival", name="第九届澄江读书节", short="澄江读书节", starts_on="2026-11-01", ends_on="2026-11-30"),
    ],
    "partners": ["澄江市实验小学", "江滨区第二实验小学", "新华书店澄江分公司", "澄江市社科联", "澄江市科协", "澄江市老年大学",
                 "澄江市残疾人联合会", "望湖社区居委会", "共青团澄江市委", "澄江职业技术学院", "港城物流有限公司", "武警澄江中队",
                 "澄江日报社", "云岭区第一中学", "澄江市妇联"],
    "villages": ["荷塘村", "茶园村", "白鹭村", "石门村", "枫林村", "柳湾村", "竹溪村", "双河村"],
    "url": "https://lib.chengjiang.example.cn",
}

CITY_P = {
    "id": "shuochuan",
    "dir": "city_p",
    "name": "朔川市图书馆联盟",
    "name_en": "Shuochuan Library Alliance",
    "city": "朔川",
    "region": "north",
    "target": 1950,
    "directory": ["sc"],
    "members": [
        dict(id="sc", name="朔川市图书馆", tier="central", parent=None, address="朔川市鼓楼西街120号",
             abbr=["朔川市图书馆", "朔川图书馆", "朔图"], generic=["市馆", "市图", "市图书馆"],
             rooms=[R("lec", "四楼", "学术报告厅", "4F"), R("hall", "一楼", "共享大厅", "1F"), R("kid", "二楼", "少儿借阅区", "2F"),
                    R("mfh", "三楼", "多功能厅", "3F"), R("exh", "一楼", "展览厅", "1F"), R("local", "五楼", "地方文献室", "5F")]),
        dict(id="sc-b1", name="朔川市图书馆北关分馆", tier="branch", parent="sc", address="朔川市北关街道北关社区综合楼二层",
             abbr=["北关分馆"], generic=["分馆"], rooms=[R("act", "", "活动室", "R1"), R("read", "", "阅览室", "R2")]),
        dict(id="sc-sf1", name="朔川城市书房·鼓楼店", tier="branch", parent="sc", address="朔川市鼓楼东街5号",
             abbr=["鼓楼城市书房", "鼓楼书房"], generic=["城市书房", "书房"], rooms=[R("main", "", "阅读区", "S1")]),
        dict(id="sc-sf2", name="朔川城市书房·桑干河畔店", tier="branch", parent="sc", address="朔川市滨河公园南门",
             abbr=["河畔城市书房", "河畔书房"], generic=["城市书房", "书房"], rooms=[R("main", "", "阅读区", "S1")]),
        dict(id="sc-sf3", name="朔川城市书房·高铁站店", tier="branch", parent="sc", address="朔川高铁站候车大厅二层",
             abbr=["高铁站城市书房", "高铁站书房"], generic=["城市书房", "书房"], rooms=[R("main", "", "阅读区", "S1")]),
        dict(id="cq", name="朔川市城区图书馆", tier="district", parent="sc", address="朔川市城区建设南路48号",
             abbr=["城区图书馆", "城区馆"], generic=["区馆", "区图"],
             rooms=[R("lec", "二楼", "报告厅", "2F"), R("kid", "一楼", "少儿阅览室", "1F")]),
        dict(id="cq-b1", name="城区图书馆永安街道分馆", tier="branch", parent="cq", address="朔川市城区永安街道办事处一楼",
             abbr=["永安分馆", "永安街道分馆"], generic=["分馆", "街道分馆"], rooms=[R("act", "", "活动室", "R1")]),
        dict(id="sg", name="桑干县图书馆", tier="county", parent="sc", address="桑干县新华街77号",
             abbr=["桑干县图书馆", "桑干县馆"], generic=["县馆", "县图书馆"],
             rooms=[R("lec", "三楼", "报告厅", "3F"), R("kid", "一楼", "少儿部", "1F")]),
        dict(id="sg-z1", name="桑干县西河乡综合文化站", tier="service_point", parent="sg", address="桑干县西河乡政府院内",
             abbr=["西河乡文化站"], generic=["乡文化站", "文化站"], rooms=[R("main", "", "文化站活动室", "V1")]),
        dict(id="sg-z2", name="桑干县东关镇综合文化站", tier="service_point", parent="sg", address="桑干县东关镇东大街9号",
             abbr=["东关镇文化站"], generic=["镇文化站", "文化站"], rooms=[R("main", "", "文化站阅览室", "V1")]),
        dict(id="yh", name="应和县图书馆", tier="county", parent="sc", address="应和县振兴路3号",
             abbr=["应和县图书馆", "应和县馆"], generic=["县馆", "县图书馆"],
             rooms=[R("lec", "二楼", "多功能厅", "2F"), R("fy", "一楼", "剪纸传习室", "1F")]),
        dict(id="yh-z1", name="应和县南川镇综合文化站", tier="service_point", parent="yh", address="应和县南川镇人民路12号",
             abbr=["南川镇文化站"], generic=["镇文化站", "文化站"], rooms=[R("main", "", "文化站大院", "V1")]),
        dict(id="yc", name="右川县图书馆", tier="county", parent="sc", address="右川县长城路21号",
             abbr=["右川县图书馆", "右川县馆"], generic=["县馆", "县图书馆"],
             rooms=[R("lec", "一楼", "报告厅", "1F"), R("kid", "二楼", "少儿阅览室", "2F")]),
        dict(id="yc-b1", name="右川县图书馆职教中心分馆", tier="branch", parent="yc", address="右川县职业教育中心图书楼",
             abbr=["职教中心分馆"], generic=["分馆"], rooms=[R("read", "", "阅览室", "R1")]),
        dict(id="hy", name="河阳县图书馆", tier="county", parent="sc", address="河阳县府前街2号",
             abbr=["河阳县图书馆", "河阳县馆"], generic=["县馆", "县图书馆"],
             rooms=[R("lec", "二楼", "报告厅", "2F"), R("hall", "一楼", "大厅", "1F")]),
        dict(id="hy-z1", name="河阳县杏花镇综合文化站", tier="service_point", parent="hy", address="河阳县杏花镇中心街",
             abbr=["杏花镇文化站"], generic=["镇文化站", "文化站"], rooms=[R("main", "", "文化站二楼阅览室", "V1")]),
        dict(id="hy-nj1", name="河阳县杏花村农家书屋", tier="service_point", parent="hy", address="河阳县杏花镇杏花村委会",
             abbr=["杏花村农家书屋", "杏花村书屋"], generic=["农家书屋", "村书屋"], rooms=[R("main", "", "村委会会议室", "V1")]),
    ],
    "brands": [
        dict(id="sc-dajiangtang", name="朔川大讲堂", library_id="sc", since=2010, category="lecture"),
        dict(id="sc-huiben", name="周末绘本时光", library_id="sc", since=2016, category="children"),
        dict(id="sanggan-dsh", name="桑干河读书会", library_id="sg", since=2018, category="reading_club"),
        dict(id="yh-jianzhi", name="应和剪纸传习课", library_id="yh", since=2014, category="training"),
        dict(id="hy-songshu", name="送书下乡", library_id="hy", since=2011, category="outreach"),
        dict(id="cq-yuedu", name="城区悦读汇", library_id="cq", since=2022, category="salon"),
    ],
    "campaigns": [
        dict(id="sc-spring", name="网络书香过大年", short="网络书香过大年", starts_on="2026-02-01", ends_on="2026-03-03"),
        dict(id="sc-423", name="世界读书日全民阅读月", short="世界读书日", starts_on="2026-04-10", ends_on="2026-05-10"),
        dict(id="sc-summer", name="暑期少儿阅读推广活动", short="暑期阅读", starts_on="2026-07-05", ends_on="2026-08-25"),
        dict(id="sc-season", name="朔川全民阅读季", short="全民阅读季", starts_on="2026-09-01", ends_on="2026-10-31"),
    ],
    "partners": ["朔川市第一小学", "朔川市实验中学", "新华书店朔川分店", "朔川市社科联", "朔川市科协", "朔川市老年大学",
                 "朔川市残联", "北关社区居委会", "朔川市总工会", "桑干县职业中学", "朔川煤电集团", "朔川军分区某营",
                 "朔川广播电视台", "朔川师范高等专科学校", "应和县剪纸协会"],
    "villages": ["杏花村", "西河村", "南川村", "东关村", "庙梁村", "红崖村", "双井村", "古城村", "北堡村", "下庄村"],
    "url": "https://www.sclib.example.cn",
}

# ----------------------------------------------------------------------------------------------
# Activity vocabulary (from the seed plans' wording)
# ----------------------------------------------------------------------------------------------
LECTURE_TOPICS = ["宋词里的四季", "《红楼梦》人物谈", "家庭教育中的阅读习惯", "AI时代如何读书", "地方志里的城市记忆", "中医养生与节气",
                  "唐诗中的长江", "苏东坡的人生智慧", "老照片里的百年老街", "青少年心理健康", "反诈防骗知识讲座", "二十四节气与农耕文化",
                  "《论语》导读", "红色家书里的家国情怀", "科普：走近航天", "法律援助进社区：婚姻家庭法", "书法入门与欣赏", "非遗与生活美学"]
BOOKS = ["活着", "平凡的世界", "额尔古纳河右岸", "人世间", "三体", "呼兰河传", "红星照耀中国", "乡土中国", "我与地坛",
         "城南旧事", "骆驼祥子", "朝花夕拾", "边城", "围城", "长安的荔枝", "云边有个小卖部"]
PICTURE_BOOKS = ["猜猜我有多爱你", "好饿的毛毛虫", "小蓝和小黄", "我爸爸", "大卫，不可以", "团圆", "花婆婆", "石头汤", "逃家小兔",
                 "鳄鱼怕怕牙医怕怕", "月亮，生日快乐", "小猪唏哩呼噜", "荷花镇的早市", "一园青菜成了精"]
CRAFTS = ["端午香囊", "中秋兔子灯", "剪纸福字", "自制藏书票", "创意书签", "扎染手帕", "活字印刷体验", "风筝彩绘", "泥塑小动物"]
FILMS = ["流浪地球", "我和我的祖国", "城南旧事", "长津湖", "寻梦环游记", "小兵张嘎", "闪闪的红星", "哪吒之魔童降世", "千与千寻"]
EXHIBITS = ["馆藏古籍修复成果展", "百年党史图片展", "地方名人手札展", "少儿绘画作品展", "非遗剪纸精品展", "老报纸里的城市变迁展",
            "二十四节气主题展", "优秀连环画展", "长城文化摄影展", "“书香家庭”风采展"]
TRAININGS = ["银龄智能手机使用培训", "数字资源使用培训", "基层馆员业务培训", "电子阅览室操作培训", "古籍保护基础知识培训",
             "阅读推广人培训", "图书分类与编目实务培训", "农家书屋管理员培训"]
FEIYI = ["剪纸", "面塑", "古法造纸", "扎染", "皮影", "草编", "木版年画", "竹编"]
CONTESTS = ["少儿讲故事比赛", "中华经典诵读大赛", "“我的书屋，我的梦”征文比赛", "青少年书法比赛", "读书知识竞赛", "少儿绘本创作大赛"]
DIGITAL = ["数字阅读体验日", "“网络书香”电子书借阅推广", "VR阅读体验", "有声书录制体验", "云端阅读打卡启动"]
OUTREACH = ["图书馆进社区：新书推荐", "送书进军营", "图书馆进企业：职工读书沙龙", "图书馆进校园：阅读分享", "图书馆进机关：好书推荐"]
ACCESS = ["视障读者电影讲述：《{film}》", "残障人士读书文化日", "盲文图书阅读分享", "助残阅读：有声书陪伴"]

ROOM_PREF = {
    "lecture": ["lec", "mfh", "act", "read", "main"],
    "reading_club": ["salon", "read", "act", "mfh", "main", "lec"],
    "salon": ["salon", "read", "main", "act", "mfh"],
    "children": ["story", "kid", "act", "main", "read"],
    "parent_child": ["act", "kid", "story", "main", "mfh"],
    "exhibition": ["exh", "hall", "main", "read", "act"],
    "contest": ["lec", "mfh", "act", "main"],
    "training": ["dig", "fy", "lec", "act", "main", "read"],
    "outreach": ["main", "act", "bus"],
    "screening": ["film", "lec", "mfh", "act", "main"],
    "festival": ["yard", "hall", "lec", "main"],
    "digital": ["dig", "hall", "act", "main", "read"],
    "accessibility": ["film", "lec", "act", "mfh", "main"],
    "other": ["fy", "act", "main", "kid", "mfh"],
}

TYPOS = [("图书馆", "图书管"), ("报告厅", "报告听"), ("多功能厅", "多功能听"), ("阅览室", "阅揽室"), ("活动室", "活动是"),
         ("分馆", "分管"), ("文化站", "文化战"), ("大厅", "大听"), ("书屋", "书物"), ("展厅", "展听"), ("绘本", "会本"),
         ("读书会", "读书汇"), ("讲座", "讲坐"), ("故事会", "故事汇")]
EMOJI = ["📚", "✨", "🎉", "📖", "🌸", "🎈", "👏", "🔥", "🌟", "☀️"]


class Rng(random.Random):
    def chance(self, p: float) -> bool:
        return self.random() < p

    def pick(self, seq):
        return seq[self.randrange(len(seq))]

    def weighted(self, items):
        total = sum(w for _, w in items)
        x = self.random() * total
        for item, w in items:
            x -= w
            if x < 0:
                return item
        return items[-1][0]


# ----------------------------------------------------------------------------------------------
# The city model
# ----------------------------------------------------------------------------------------------
class City:
    def __init__(self, spec: dict, rng: Rng):
        self.spec = spec
        self.rng = rng
        self.m = {m["id"]: m for m in spec["members"]}
        self.ids = [m["id"] for m in spec["members"]]
        self.brands = {b["id"]: b for b in spec["brands"]}
        self.campaigns = spec["campaigns"]
        self.children = defaultdict(list)
        for m in spec["members"]:
            if m["parent"]:
                self.children[m["parent"]].append(m["id"])
        self.dirvenues = {}  # (lib, roomkey) -> venue entry
        for lib in spec["directory"]:
            for room in self.m[lib]["rooms"]:
                vid = f"{lib}-{room['key']}"
                floor = room["floor"]
                full = f"{floor}{room['name']}"
                aliases = []
                for ab in self.m[lib]["abbr"][:2]:
                    aliases.append(f"{ab}{full}")
                if floor:
                    aliases.append(f"{room['name']}（{ab_first(self.m[lib])}{floor}）")
                self.dirvenues[(lib, room["key"])] = dict(id=vid, library_id=lib, name=full,
                                                          aliases=aliases, address=self.m[lib]["address"])
        self.occupied = set()  # (lib, roomkey, date, hour)
        self.cores = defaultdict(list)  # core -> [(lib, date)] for plain activities
        self.counters = Counter()

    def parent(self, lib):
        return self.m[lib]["parent"]

    def related(self, a, b):
        """Same subtree neighbourhood: parent/child or siblings."""
        pa, pb = self.parent(a), self.parent(b)
        return a == pb or b == pa or (pa is not None and pa == pb)

    def tier(self, lib):
        return self.m[lib]["tier"]

    def campaign_for(self, d: date):
        for c in self.campaigns:
            if date.fromisoformat(c["starts_on"]) <= d <= date.fromisoformat(c["ends_on"]):
                return c
        return None

    def room(self, lib, key):
        return next(r for r in self.m[lib]["rooms"] if r["key"] == key)

    def room_for(self, lib, cat):
        keys = [r["key"] for r in self.m[lib]["rooms"]]
        for k in ROOM_PREF.get(cat, []):
            if k in keys:
                return k
        return keys[0]

    def free(self, lib, key, start: datetime, hours: int = 2) -> bool:
        return all((lib, key, start.date(), start.hour + h) not in self.occupied for h in range(-1, hours))

    def take(self, lib, key, start: datetime, hours: int = 2):
        for h in range(0, hours):
            self.occupied.add((lib, key, start.date(), start.hour + h))

    def next_ref(self, lib, kind):
        self.counters[(lib, kind)] += 1
        return self.counters[(lib, kind)]


def ab_first(m):
    return m["generic"][0]


# ----------------------------------------------------------------------------------------------
# Activities
# ----------------------------------------------------------------------------------------------
class Activity:
    _n = 0

    def __init__(self, city: City, **kw):
        Activity._n += 1
        self.city = city
        self.family = kw.pop("family", "plain")
        self.core = kw.pop("core")
        self.cat = kw.pop("cat")
        self.brand = kw.pop("brand", None)
        self.host = kw.pop("host")
        self.venue_lib = kw.pop("venue_lib", self.host)
        self.room = kw.pop("room", None)
        self.place = kw.pop("place", None)  # external place: (name, address)
        self.online = kw.pop("online", None)  # "online" only or "hybrid"
        self.start = kw.pop("start")
        self.end = kw.pop("end")
        self.days = kw.pop("days", 1)
        self.organisers = kw.pop("organisers", [(self.host, "host")])
        self.partners = kw.pop("partners", [])
        self.campaign = kw.pop("campaign", None)
        self.audience = kw.pop("audience", None)
        self.keep_time = kw.pop("keep_time", False)
        self.name_place = kw.pop("name_place", None)  # None | "lib" | "room"
        self.recurrence = kw.pop("recurrence", None)
        self.exdates = kw.pop("exdates", [])
        self.capacity = kw.pop("capacity", None)
        self.no_dups = kw.pop("no_dups", False)
        self.may_postpone = kw.pop("may_postpone", self.family == "plain")
        assert not kw, kw
        self.label = None


def make_title(act: Activity) -> str:
    if act.brand:
        return f"{act.city.brands[act.brand]['name']}：{act.core}"
    return act.core


def pick_core(city: City, cat: str, rng: Rng):
    """(core, brand) for a plain activity of category cat at some host."""
    if cat == "lecture":
        return rng.pick(LECTURE_TOPICS), None
    if cat == "reading_club":
        return f"共读《{rng.pick(BOOKS)}》", None
    if cat == "salon":
        return rng.pick([f"《{rng.pick(BOOKS)}》读书沙龙", "好书分享沙龙", "诗歌朗读沙龙", f"作家面对面：谈《{rng.pick(BOOKS)}》"]), None
    if cat == "children":
        return f"绘本故事会：《{rng.pick(PICTURE_BOOKS)}》", None
    if cat == "parent_child":
        return f"亲子手工：{rng.pick(CRAFTS)}", None
    if cat == "exhibition":
        return rng.pick(EXHIBITS), None
    if cat == "contest":
        return rng.pick(CONTESTS), None
    if cat == "training":
        return rng.pick(TRAININGS), None
    if cat == "outreach":
        return rng.pick(OUTREACH), None
    if cat == "screening":
        return rng.pick([f"光影课堂：《{rng.pick(FILMS)}》", f"经典影片放映：《{rng.pick(FILMS)}》"]), None
    if cat == "digital":
        return rng.pick(DIGITAL), None
    if cat == "accessibility":
        return rng.pick(ACCESS).format(film=rng.pick(FILMS)), None
    if cat == "other":
        return f"非遗{rng.pick(FEIYI)}体验课", None
    return "全民阅读活动", None


CAT_WEIGHTS = [("lecture", 14), ("reading_club", 10), ("salon", 5), ("children", 14), ("parent_child", 9), ("exhibition", 6),
               ("contest", 4), ("training", 6), ("outreach", 7), ("screening", 6), ("digital", 4), ("accessibility", 3),
               ("other", 7)]

HOURS = {  # typical local start times (h, m) per category
    "lecture": [(9, 30), (14, 30), (15, 0), (19, 0), (9, 0)],
    "reading_club": [(14, 30), (19, 0), (15, 0), (10, 0)],
    "salon": [(14, 30), (19, 30), (15, 0)],
    "children": [(10, 0), (9, 30), (15, 0), (10, 30)],
    "parent_child": [(9, 30), (14, 30), (15, 0), (10, 0)],
    "exhibition": [(9, 0)],
    "contest": [(9, 0), (14, 0), (8, 30)],
    "training": [(9, 0), (14, 30), (15, 0)],
    "outreach": [(9, 30), (14, 30), (10, 0), (15, 30)],
    "screening": [(14, 30), (19, 0), (15, 0)],
    "festival": [(9, 0), (9, 30)],
    "digital": [(9, 30), (14, 30), (10, 0)],
    "accessibility": [(9, 30), (14, 30)],
    "other": [(9, 30), (14, 30), (15, 0)],
}
DUR = {"lecture": 90, "reading_club": 120, "salon": 120, "children": 60, "parent_child": 90, "contest": 180, "training": 120,
       "outreach": 120, "screening": 120, "digital": 120, "accessibility": 120, "other": 90, "festival": 180}

YEAR_START = date(2026, 1, 5)
YEAR_DAYS = 355


def rand_day(rng: Rng, weekend_bias=0.6) -> date:
    while True:
        d = YEAR_START + timedelta(days=rng.randrange(YEAR_DAYS))
        if d.weekday() >= 5 or not rng.chance(weekend_bias):
            # campaign months busier
            if d.month in (4, 7, 8, 11) or rng.chance(0.75):
                return d


def host_for(city: City, cat: str, rng: Rng) -> str:
    tiers = {"central": 5, "district": 4, "county": 4, "branch": 2, "service_point": 1}
    items = [(lib, tiers[city.tier(lib)]) for lib in city.ids if not lib.endswith("-mob") or cat == "outreach"]
    return rng.weighted(items)


def co_organisers(city: City, host: str, rng: Rng, k: int):
    cands = [lib for lib in city.ids if lib != host and city.related(host, lib)]
    if city.tier(host) in ("central",):
        cands = [lib for lib in city.ids if lib != host and city.tier(lib) in ("district", "county")] + cands
    rng.shuffle(cands)
    out = []
    for lib in cands:
        if lib not in out and len(out) < k:
            out.append(lib)
    res = [(host, "host")]
    for lib in out:
        res.append((lib, rng.weighted([("co_organiser", 5), ("organiser", 3), ("participant", 2), ("co_host", 1)])))
    return res


PARTNER_KIND = [("school", ("小学", "中学", "学院", "专科", "职业中学")), ("community", ("社区",)),
                ("company", ("公司", "集团", "新华书店")), ("army", ("武警", "军分区")),
                ("organ", ("社科联", "科协", "团", "妇联", "残", "总工会", "报社", "电视台", "协会")), ("elder", ("老年大学",))]
OUTREACH_KIND = {"进社区": "community", "进军营": "army", "进企业": "company", "进校园": "school", "进机关": "organ"}


def fitting_partners(city: City, core: str):
    want = next((k for w, k in OUTREACH_KIND.items() if w in core), None)
    out = []
    for p in city.spec["partners"]:
        kind = next((k for k, words in PARTNER_KIND if any(w in p for w in words)), "organ")
        if want is None or kind == want:
            out.append(p)
    return out or city.spec["partners"]


def core_key(core: str) -> str:
    """What a reader would call the activity: the book/film in 《》 if any, else the core itself."""
    if "《" in core and "》" in core:
        return core[core.index("《") + 1:core.index("》")]
    return core


def ok_core(city: City, core: str, lib: str, d: date) -> bool:
    for (l2, d2) in city.cores[core_key(core)]:
        if d2 == d or (l2 == lib and abs((d2 - d).days) < 28):
            return False
    return True


def note_core(city: City, core: str, lib: str, d: date):
    city.cores[core_key(core)].append((lib, d))


def new_plain(city: City, rng: Rng, fam="plain"):
    for _ in range(200):
        cat = rng.weighted(CAT_WEIGHTS)
        host = host_for(city, cat, rng)
        core, brand = pick_core(city, cat, rng)
        # brands of the host
        own = [b for b in city.brands.values() if b["library_id"] == host and b["category"] == cat]
        if own and rng.chance(0.7):
            brand = own[0]["id"]
        d = rand_day(rng)
        hh, mm = rng.pick(HOURS[cat])
        start = datetime(d.year, d.month, d.day, hh, mm)
        days = 1
        if cat == "exhibition":
            days = rng.pick([3, 7, 10, 14, 21])
            end = datetime(d.year, d.month, d.day, 17, 0) + timedelta(days=days - 1)
        else:
            end = start + timedelta(minutes=DUR[cat])
        place = None
        venue_lib, room = host, city.room_for(host, cat)
        if cat == "outreach" and (rng.chance(0.6) or host.endswith("-mob")):
            partner = rng.pick(fitting_partners(city, core))
            place = (partner, None)
            venue_lib, room = None, None
        if not ok_core(city, core, host, d):
            continue
        if venue_lib and not city.free(venue_lib, room, start, 2 if days == 1 else 9):
            continue
        if venue_lib:
            if days == 1:
                city.take(venue_lib, room, start)
            else:
                for k in range(days):
                    city.take(venue_lib, room, start + timedelta(days=k), 9)
        k = rng.weighted([(0, 42), (1, 32), (2, 17), (3, 9)])
        orgs = co_organisers(city, host, rng, k)
        partners = []
        if place:
            partners.append(place[0])
        if rng.chance(0.25):
            p = rng.pick(city.spec["partners"])
            if p not in partners:
                partners.append(p)
        camp = city.campaign_for(d)
        online = None
        if cat in ("lecture", "reading_club", "salon") and rng.chance(0.12):
            online = "hybrid"
        if cat in ("reading_club", "digital", "lecture") and rng.chance(0.04):
            online = "online"
            venue_lib, room, place = None, None, None
        audience = {"children": "3-8岁儿童及家长", "parent_child": "亲子家庭", "accessibility": "视障读者及残障人士",
                    "training": "中老年读者" if "银龄" in core else "馆员及读者"}.get(cat)
        return Activity(city, family=fam, core=core, cat=cat, brand=brand, host=host, venue_lib=venue_lib, room=room,
                        place=place, online=online, start=start, end=end, days=days, organisers=orgs, partners=partners,
                        campaign=camp["id"] if camp and rng.chance(0.65) else None, audience=audience,
                        capacity=rng.pick([None, 30, 40, 50, 80, 100, 200]))
    raise RuntimeError("no plain slot")


def find_slot(city, rng, lib, room, hh, mm, tries=300, hours=2, need_days=1, step=None, base=None):
    for _ in range(tries):
        d = rand_day(rng) if base is None else base
        s = datetime(d.year, d.month, d.day, hh, mm)
        ok = True
        for k in range(need_days):
            sd = s + timedelta(days=(step or 1) * k)
            if sd.date() > date(2026, 12, 30) or not city.free(lib, room, sd, hours):
                ok = False
                break
        if ok:
            return s
        if base is not None:
            return None
    return None


def brand_span_free(city: City, brand: str, s: datetime, n: int) -> bool:
    """One running series per brand at a time (a brand's sessions of two series never share a week)."""
    first, last = s.date() - timedelta(days=7), s.date() + timedelta(days=7 * n)
    spans = city.__dict__.setdefault("brand_spans", defaultdict(list))
    if any(a <= last and first <= b for a, b in spans[brand]):
        return False
    spans[brand].append((first, last))
    return True


def family_weekly(city: City, rng: Rng):
    """Weekly series sessions: same room, same hour, different weeks, often the same title."""
    brandish = [b for b in city.brands.values() if b["category"] in ("children", "reading_club", "lecture", "salon")]
    b = rng.pick(brandish)
    lib = b["library_id"]
    cat = b["category"]
    room = city.room_for(lib, cat)
    hh, mm = rng.pick(HOURS[cat])
    n = rng.randint(4, 7)
    s = find_slot(city, rng, lib, room, hh, mm, need_days=n, step=7)
    if s is None or not brand_span_free(city, b["id"], s, n):
        return []
    same_title = rng.chance(0.5)
    acts = []
    wd = "一二三四五六日"[s.weekday()]
    base_topic = {"children": f"周{wd}绘本时光", "reading_club": "读书会例会", "lecture": f"周{wd}公益讲座",
                  "salon": f"周{wd}读书沙龙"}[cat]
    for i in range(n):
        st = s + timedelta(days=7 * i)
        city.take(lib, room, st)
        if same_title:
            core = base_topic
        else:
            if cat == "children":
                core = f"{base_topic}（第{i + 1}期）：《{rng.pick(PICTURE_BOOKS)}》"
            elif cat == "reading_club":
                core = f"第{i + 1}期：共读《{rng.pick(BOOKS)}》"
            else:
                core = f"第{i + 1}期：{rng.pick(LECTURE_TOPICS)}"
        orgs = co_organisers(city, lib, rng, rng.weighted([(0, 60), (1, 40)]))
        camp = city.campaign_for(st.date())
        acts.append(Activity(city, family="weekly_series", core=core, cat=cat, brand=b["id"], host=lib, room=room,
                             start=st, end=st + timedelta(minutes=DUR[cat]), organisers=orgs,
                             campaign=camp["id"] if camp and rng.chance(0.5) else None, may_postpone=False))
    return acts


def family_multi_branch(city: City, rng: Rng):
    """One programme at several branches the same hour: the place tells them apart."""
    smalls = [lib for lib in city.ids if city.tier(lib) in ("branch", "service_point") and not lib.endswith("-mob")]
    k = rng.randint(3, 4)
    libs = rng.sample(smalls, k)
    core = rng.pick([f"非遗{rng.pick(FEIYI)}体验课", "“U书到家”借阅服务推广", f"亲子手工：{rng.pick(CRAFTS)}",
                     f"绘本故事会：《{rng.pick(PICTURE_BOOKS)}》", "银龄智能手机使用培训", f"共读《{rng.pick(BOOKS)}》",
                     "“好书换好书”图书交换", "消防安全主题阅读"])
    cat = {"非": "other", "“U": "outreach", "亲": "parent_child", "绘": "children", "银": "training", "共": "reading_club",
           "“好": "festival", "消": "reading_club"}[core[:2] if core[0] == "“" else core[0]]
    hh, mm = rng.pick([(9, 30), (14, 30), (15, 0)])
    for _ in range(200):
        d = rand_day(rng)
        s = datetime(d.year, d.month, d.day, hh, mm)
        if all(city.free(lib, city.room_for(lib, cat), s) for lib in libs) and ok_core(city, core, "*", d):
            break
    else:
        return []
    central = city.spec["members"][0]["id"]
    parents = sorted({city.parent(lib) for lib in libs})
    coord = parents[0] if len(parents) == 1 else central  # the head library that runs the programme
    camp = city.campaign_for(s.date())
    acts = []
    for lib in libs:
        room = city.room_for(lib, cat)
        city.take(lib, room, s)
        orgs = [(lib, "host")] if rng.chance(0.5) else [(coord, "host"), (lib, "organiser")]
        acts.append(Activity(city, family="multi_branch_same_hour", core=core, cat=cat, host=lib, room=room, start=s,
                             end=s + timedelta(minutes=90), organisers=orgs, name_place="lib",
                             campaign=camp["id"] if camp and rng.chance(0.6) else None, may_postpone=False))
    return acts


def family_parallel(city: City, rng: Rng):
    """Parallel sessions in one building at the same time, different rooms."""
    libs = [lib for lib in city.ids if len(city.m[lib]["rooms"]) >= 3]
    lib = rng.pick(libs)
    rooms = rng.sample([r["key"] for r in city.m[lib]["rooms"] if r["key"] not in ("yard",)], 2 + (rng.chance(0.3)))
    hh, mm = rng.pick([(9, 30), (14, 30)])
    for _ in range(200):
        d = rand_day(rng)
        s = datetime(d.year, d.month, d.day, hh, mm)
        if all(city.free(lib, r, s) for r in rooms):
            break
    else:
        return []
    camp0 = city.campaign_for(s.date())
    theme = camp0["short"] if camp0 else rng.pick(["图书馆开放日", "科普活动日", "周末阅读日", "书香家庭日"])
    kinds = [("children", f"{theme}·绘本故事会：《{rng.pick(PICTURE_BOOKS)}》"), ("lecture", f"{theme}·讲座：{rng.pick(LECTURE_TOPICS)}"),
             ("parent_child", f"{theme}·亲子手工：{rng.pick(CRAFTS)}"), ("digital", f"{theme}·{rng.pick(DIGITAL)}"),
             ("other", f"{theme}·非遗{rng.pick(FEIYI)}体验")]
    rng.shuffle(kinds)
    acts = []
    camp = city.campaign_for(s.date())
    for r, (cat, core) in zip(rooms, kinds):
        city.take(lib, r, s)
        acts.append(Activity(city, family="parallel_sessions", core=core, cat=cat, host=lib, room=r, start=s,
                             end=s + timedelta(minutes=90), organisers=co_organisers(city, lib, rng, rng.randint(0, 1)),
                             name_place="room", campaign=camp["id"] if camp and rng.chance(0.6) else None, may_postpone=False))
    return acts


def family_first_second(city: City, rng: Rng, age=False):
    """第一场/第二场 an hour apart (or, own family, age groups back to back): keep the word."""
    lib = rng.pick([lib for lib in city.ids if city.tier(lib) in ("central", "district", "county")])
    cat = rng.pick(["children", "parent_child", "screening", "lecture"]) if not age else rng.pick(["children", "parent_child"])
    room = city.room_for(lib, cat)
    base, _ = pick_core(city, cat, rng)
    hh = rng.pick([9, 14])
    gap = timedelta(minutes=rng.pick([60, 90]) if not age else 60)
    words = (["第一场", "第二场"] if not age else rng.pick([["3-5岁专场", "6-8岁专场"], ["低龄组", "高龄组"], ["小班场", "大班场"]]))
    if not age and rng.chance(0.3):
        words = ["上午场", "下午场"]
        gap = timedelta(hours=5)
        hh = 9
    s = find_slot(city, rng, lib, room, hh, 0 if not age else 30, hours=8 if words[0] == "上午场" else 3)
    if s is None:
        return []
    acts = []
    camp = city.campaign_for(s.date())
    orgs = co_organisers(city, lib, rng, rng.randint(0, 1))
    for i, w in enumerate(words):
        st = s + gap * i
        city.take(lib, room, st, 2)
        core = f"{base}（{w}）" if rng.chance(0.7) or i else f"{base}·{w}"
        core = f"{base}（{w}）"
        acts.append(Activity(city, family="age_split" if age else "first_second_session", core=core, cat=cat, host=lib, room=room,
                             start=st, end=st + timedelta(minutes=50 if not words[0] == "上午场" else 90), organisers=orgs,
                             keep_time=True, campaign=camp["id"] if camp and rng.chance(0.5) else None, may_postpone=False))
    return acts


def family_same_hall_later(city: City, rng: Rng):
    """Another event in the same hall later the same day."""
    lib = rng.pick([lib for lib in city.ids if city.tier(lib) in ("central", "district", "county")])
    cats = rng.sample(["lecture", "salon", "training", "screening", "reading_club", "contest"], 2)
    room = city.room_for(lib, cats[0])
    s = find_slot(city, rng, lib, room, 9, 30, hours=8)
    if s is None:
        return []
    acts = []
    for i, cat in enumerate(cats):
        st = s if i == 0 else s.replace(hour=rng.pick([14, 15, 19]), minute=rng.pick([0, 30]))
        city.take(lib, room, st)
        core, _ = pick_core(city, cat, rng)
        camp = city.campaign_for(st.date())
        acts.append(Activity(city, family="same_hall_later_that_day", core=core, cat=cat, host=lib, room=room, start=st,
                             end=st + timedelta(minutes=DUR[cat]), organisers=co_organisers(city, lib, rng, rng.randint(0, 2)),
                             keep_time=True, campaign=camp["id"] if camp and rng.chance(0.5) else None, may_postpone=False))
    return acts


def family_same_book(city: City, rng: Rng):
    """The same book read at different months / libraries."""
    book = rng.pick(BOOKS)
    core = rng.pick([f"共读《{book}》", f"《{book}》读书分享会", f"经典共读：《{book}》"])
    libs = rng.sample([lib for lib in city.ids if city.tier(lib) != "service_point" and not lib.endswith("-mob")], rng.randint(2, 3))
    acts = []
    used_months = set()
    for lib in libs:
        room = city.room_for(lib, "reading_club")
        for _ in range(100):
            hh, mm = rng.pick(HOURS["reading_club"])
            s = find_slot(city, rng, lib, room, hh, mm)
            if s and s.month not in used_months:
                break
        else:
            continue
        used_months.add(s.month)
        city.take(lib, room, s)
        camp = city.campaign_for(s.date())
        acts.append(Activity(city, family="same_book_elsewhere", core=core, cat="reading_club", host=lib, room=room, start=s,
                             end=s + timedelta(minutes=120), organisers=co_organisers(city, lib, rng, rng.randint(0, 1)),
                             name_place="lib", campaign=camp["id"] if camp and rng.chance(0.5) else None))
    return acts


def family_touring(city: City, rng: Rng):
    """(own) A touring exhibition (巡展) moving from library to library in consecutive windows."""
    ex = rng.pick(EXHIBITS)
    core = f"{ex}（巡展）" if rng.chance(0.5) else ex
    libs = rng.sample([lib for lib in city.ids if city.tier(lib) in ("central", "district", "county", "branch")
                       and not lib.endswith("-mob")], rng.randint(2, 4))
    d = rand_day(rng, 0)
    acts = []
    for lib in libs:
        room = city.room_for(lib, "exhibition")
        days = rng.pick([7, 10, 14])
        s = datetime(d.year, d.month, d.day, 9, 0)
        if (s + timedelta(days=days)).year > 2026:
            break
        if not all(city.free(lib, room, s + timedelta(days=k), 9) for k in range(days)):
            d = d + timedelta(days=days + 1)
            continue
        for k in range(days):
            city.take(lib, room, s + timedelta(days=k), 9)
        camp = city.campaign_for(s.date())
        acts.append(Activity(city, family="touring_exhibition", core=core, cat="exhibition", host=lib, room=room, start=s,
                             end=s.replace(hour=17) + timedelta(days=days - 1), days=days, organisers=[(lib, "host")],
                             name_place="lib", campaign=camp["id"] if camp and rng.chance(0.5) else None, may_postpone=False))
        d = d + timedelta(days=days + rng.randint(1, 5))
    return acts


def family_contest_stages(city: City, rng: Rng):
    """(own) 初赛 / 复赛 / 决赛 of one contest: three activities, the stage word kept."""
    lib = rng.pick([lib for lib in city.ids if city.tier(lib) in ("central", "district", "county")])
    contest = rng.pick(CONTESTS)
    stages = rng.pick([["初赛", "决赛"], ["初赛", "复赛", "决赛"], ["海选", "决赛"]])
    room = city.room_for(lib, "contest")
    d = rand_day(rng, 0.8)
    acts = []
    orgs = co_organisers(city, lib, rng, rng.randint(1, 3))
    for st_name in stages:
        s = find_slot(city, rng, lib, room, rng.pick([9, 14]), 0, base=d, hours=4)
        if s is None:
            d += timedelta(days=7)
            continue
        city.take(lib, room, s, 4)
        camp = city.campaign_for(s.date())
        acts.append(Activity(city, family="contest_stages", core=f"{contest}{st_name}", cat="contest", host=lib, room=room, start=s,
                             end=s + timedelta(hours=3), organisers=orgs, keep_time=False,
                             campaign=camp["id"] if camp and rng.chance(0.6) else None, may_postpone=False))
        d += timedelta(days=rng.randint(10, 25))
    return acts


def family_mobile_route(city: City, rng: Rng):
    """(own) 送书下乡 / 流动图书车 route: same title, consecutive days, a different village each day."""
    owners = [lib for lib in city.ids if "mob" in lib or lib in ("hy", "qx", "sg")]
    lib = rng.pick(owners)
    villages = rng.sample(city.spec["villages"], rng.randint(2, 4))
    core = rng.pick(["流动图书车送书下乡", "“书香进万家”送书下乡", "流动图书馆进村服务", "送文化下乡·图书流动服务"])
    d = rand_day(rng, 0.2)
    if d.month == 12 and d.day > 25:
        d -= timedelta(days=10)
    hh = rng.pick([9, 14])
    acts = []
    brand = next((b["id"] for b in city.brands.values() if b["library_id"] == lib and b["category"] == "outreach"), None)
    for i, v in enumerate(villages):
        s = datetime(d.year, d.month, d.day, hh, 30) + timedelta(days=i)
        town = rng.pick(["白鹭镇", "石门镇"]) if city.spec["id"] == "chengjiang" else rng.pick(["杏花镇", "西河乡", "南川镇", "东关镇"])
        acts.append(Activity(city, family="mobile_route", core=core, cat="outreach", brand=brand, host=lib, venue_lib=None, room=None,
                             place=(f"{town}{v}村委会广场", f"{town}{v}"), start=s, end=s + timedelta(hours=2),
                             organisers=[(lib, "host")], name_place="lib", may_postpone=False))
    return acts


def family_cancel_replace(city: City, rng: Rng):
    """(own) A cancelled activity and the different one that took its slot (same library, room, hour)."""
    a = new_plain(city, rng, fam="cancel_replace")
    if a.days > 1 or a.venue_lib is None:
        return [a]
    a.no_dups = False
    a.may_postpone = False
    a.keep_time = True
    a.cancelled = True
    for _ in range(50):
        core, _ = pick_core(city, a.cat, rng)
        if core != a.core and ok_core(city, core, a.host, a.start.date()):
            break
    b = Activity(city, family="cancel_replace", core=core, cat=a.cat, host=a.host, venue_lib=a.venue_lib, room=a.room,
                 start=a.start, end=a.end, organisers=[(a.host, "host")], keep_time=True, may_postpone=False,
                 campaign=a.campaign)
    b.replaces = a
    return [a, b]


def family_rrule(city: City, rng: Rng):
    """(own) A whole series entered as one RRULE announcement (sometimes twice by the same library)."""
    b = rng.pick([b for b in city.brands.values() if b["category"] in ("children", "training", "reading_club", "lecture")])
    lib = b["library_id"]
    cat = b["category"]
    room = city.room_for(lib, cat)
    hh, mm = rng.pick(HOURS[cat])
    n = rng.randint(4, 10)
    s = find_slot(city, rng, lib, room, hh, mm, need_days=n, step=7)
    if s is None or not brand_span_free(city, b["id"], s, n):
        return []
    for i in range(n):
        city.take(lib, room, s + timedelta(days=7 * i))
    core = rng.pick(["每周系列课", "系列公益课", "周末系列活动", "春季系列课程", "系列导读"]) + f"（共{n}期）"
    ex = []
    if n >= 6 and rng.chance(0.5):
        ex = [s + timedelta(days=7 * rng.randint(2, n - 2))]
    a = Activity(city, family="rrule_series", core=core, cat=cat, brand=b["id"], host=lib, room=room, start=s,
                 end=s + timedelta(minutes=DUR[cat]), recurrence=f"FREQ=WEEKLY;COUNT={n}", exdates=ex, may_postpone=False)
    a.keep_time = True
    return [a]


# ----------------------------------------------------------------------------------------------
# Writers and renderings
# ----------------------------------------------------------------------------------------------
WRITERS_BY_TIER = {
    "central": [("form", 4), ("wechat", 4), ("export", 3), ("video", 1), ("report", 1), ("livestream", 1)],
    "district": [("form", 4), ("wechat", 4), ("export", 2), ("report", 2), ("video", 1)],
    "county": [("form", 3), ("wechat", 3), ("report", 3), ("clerk", 1), ("export", 1)],
    "branch": [("wechat", 3), ("form", 3), ("report", 2), ("clerk", 2)],
    "service_point": [("clerk", 6), ("report", 2), ("form", 1)],
}

REF_FMT = {
    "form": lambda c, lib, n, d: f"form-{n:05d}",
    "wechat": lambda c, lib, n, d: f"wx{d:%Y%m%d}{n % 100:02d}{n // 100}",
    "export": lambda c, lib, n, d: f"ILAS-{d:%Y}-{n:06d}",
    "report": lambda c, lib, n, d: f"报送-{d:%Y%m}-{n:03d}",
    "clerk": lambda c, lib, n, d: f"{lib}-{n}",
    "video": lambda c, lib, n, d: f"sph-{n:04d}",
    "office": lambda c, lib, n, d: f"LMB-{d:%Y}-{n:04d}",
    "livestream": lambda c, lib, n, d: f"live-{d:%m%d}-{n}",
}


def fmt_ts(dt: datetime, style: str) -> str:
    if style == "utc":
        return (dt - CST).strftime("%Y-%m-%dT%H:%M:%SZ")
    if style == "nosec":
        return dt.strftime("%Y-%m-%dT%H:%M+08:00")
    if style == "ms":
        return dt.strftime("%Y-%m-%dT%H:%M:%S.000+08:00")
    return dt.strftime("%Y-%m-%dT%H:%M:%S+08:00")


def typo(text: str, rng: Rng) -> str:
    cands = [(a, b) for a, b in TYPOS if a in text]
    if not cands:
        return text
    a, b = rng.pick(cands)
    return text.replace(a, b, 1)


def lib_name_forms(city: City, lib: str, sender: str, need_distinct: bool):
    m = city.m[lib]
    forms = [m["name"]] * 3 + m["abbr"]
    if not need_distinct and (sender == lib or city.parent(sender) == lib):  # own building, or a child naming its parent
        forms += m["generic"] * 2
    return forms


def render_venue(city: City, act: Activity, sender: str, writer: str, rng: Rng, tags: list):
    """(venue dict, description hint)"""
    if act.online == "online":
        tags.append("venue:online")
        plat = rng.pick(["腾讯会议", "视频号直播", "钉钉直播", "抖音直播间"])
        v = {"name": f"线上（{plat}）", "online_url": f"https://live.example.cn/{act.city.spec['id']}/{abs(hash_int(act.label)) % 99991}"}
        if writer == "livestream" and rng.chance(0.5):
            v = {"online_url": v["online_url"]}
        return v
    if act.place is not None and act.venue_lib is None:
        name, addr = act.place
        opts = [name, name, f"{name}（{addr}）" if addr else name]
        if writer == "clerk":
            opts.append(addr or name)
        nm = rng.pick(opts)
        v = {"name": nm}
        if addr and rng.chance(0.4):
            v["address"] = addr
        if writer == "clerk" and rng.chance(0.15):
            v["name"] = typo(v["name"], rng)
            tags.append("venue_typo")
        return v
    lib, rk = act.venue_lib, act.room
    m = city.m[lib]
    room = city.room(lib, rk)
    floor, rname, code = room["floor"], room["name"], room["code"]
    need_lib = act.name_place == "lib"
    need_room = act.name_place == "room"
    opts = []  # (kind, text, weight)
    full_room = f"{floor}{rname}"
    for ln in lib_name_forms(city, lib, sender, need_lib):
        opts.append(("lib+room", f"{ln}{full_room}", 3))
        opts.append(("lib+room_nofloor", f"{ln}{rname}", 2))
    if not need_lib:
        if floor:
            opts.append(("room_floor_paren", f"{rname}（{floor}）", 1))
        if floor:
            opts.append(("room_floor", full_room, 3 if sender == lib else 1))
        opts.append(("room_only", rname, 3 if sender == lib else 1))
    if not need_room:
        for ln in lib_name_forms(city, lib, sender, need_lib):
            opts.append(("lib_only", ln, 2))
        if not need_lib:
            opts.append(("address", m["address"], 2))
        if sender == lib and not need_lib:
            opts += [("vague", "本馆", 1), ("vague", "馆内", 1), ("vague", "图书馆活动室", 1), ("vague", "详见海报", 1)]
    if writer == "export" and sender != lib:
        opts = [("lib+room", f"{m['name']}{full_room}", 3), ("lib+room_code", f"{m['name']} {code}-{rname}", 2)]
    elif writer == "export":
        opts = [("room_code", f"{code}-{rname}", 4), ("room_code", f"{code}{rname}", 3)] + (
            [("lib+room", f"{m['name']}{full_room}", 2)] if need_lib else [])
        if need_lib:
            opts = [("lib+room", f"{m['name']}{full_room}", 3), ("lib+room_code", f"{m['name']} {code}-{rname}", 3)]
    if writer == "clerk":
        opts += [(k, t, w * 2) for k, t, w in opts if k in ("vague", "lib_only", "address")]
    kind, text = rng.weighted([((k, t), w) for k, t, w in opts])
    if writer in ("clerk", "wechat", "video") and rng.chance(0.07 if writer != "clerk" else 0.2) and kind != "address":
        t2 = typo(text, rng)
        if t2 != text:
            text = t2
            tags.append("venue_typo")
    tags.append(f"venue:{kind}")
    v = {"name": text}
    if kind != "address" and rng.chance(0.3 if writer in ("form", "export") else 0.12):
        v["address"] = m["address"]
    if writer == "form" and (lib, rk) in city.dirvenues and sender == lib and rng.chance(0.8):
        dv = city.dirvenues[(lib, rk)]
        v = {"name": dv["name"], "venue_id": dv["id"]}
        if rng.chance(0.5):
            v["address"] = dv["address"]
        tags[:] = [t for t in tags if t != "venue_typo"]
        tags[-1] = "venue:directory_id"
    if act.online == "hybrid" and (writer == "livestream" or rng.chance(0.25)):
        url = f"https://live.example.cn/{act.city.spec['id']}/{abs(hash_int(act.label)) % 99991}"
        if writer == "livestream":
            v = {"name": rng.pick(["视频号直播", "线上直播", "云直播"]), "online_url": url}
            tags.append("hybrid_online_only")
        else:
            v["online_url"] = url
    return v


def hash_int(s: str) -> int:
    return int(hashlib.sha256(s.encode()).hexdigest()[:12], 16)


def decorate_title(city: City, act: Activity, sender: str, writer: str, rng: Rng, tags: list, after=False) -> str:
    base = make_title(act)
    core = act.core
    t = base
    if act.brand and rng.chance(0.35 if writer != "export" else 0.1):
        t = core
        tags.append("title:brand_dropped")
    if act.brand and sender != city.brands[act.brand]["library_id"] and rng.chance(0.3):
        t = core
        tags.append("title:brand_dropped")
    if writer == "report" and after:
        sname = rng.pick([city.m[sender]["name"]] + city.m[sender]["abbr"])
        t = rng.pick([f"{sname}开展“{t}”活动", f"{sname}成功举办{t}", f"“{t}”活动圆满结束", f"{sname}举办{t}",
                      f"{t}顺利举行"])
        tags.append("title:report_phrasing")
        return t
    if writer == "report" and rng.chance(0.6):
        sname = rng.pick([city.m[sender]["name"]] + city.m[sender]["abbr"])
        t = rng.pick([f"关于举办“{t}”活动的通知", f"{sname}拟举办{t}", f"{t}（活动报备）", f"{sname}{t}活动安排"])
        tags.append("title:report_notice_phrasing")
        return t
    if writer == "wechat":
        if rng.chance(0.5):
            t = rng.pick(["【活动预告】", "【联盟活动】", "【报名】", "预告｜"]
                         + (["【周末去哪儿】"] if act.start.weekday() >= 5 else [])) + t
            tags.append("title:bracket_prefix")
        if rng.chance(0.35):
            t += rng.pick(["，欢迎参加！", "（报名中）", "｜报名通道已开启", "，快来报名吧", "【已满员】"])
            tags.append("title:status_suffix")
        if rng.chance(0.25):
            t = rng.pick(EMOJI) + t + rng.pick(EMOJI)
            tags.append("title:emoji")
    elif writer == "video":
        camp = city.campaigns_by_id.get(act.campaign) if act.campaign else None
        hashes = "#全民阅读#" + (f" #{camp['short']}#" if camp else "")
        t = rng.pick([f"{hashes} {t}{rng.pick(EMOJI)}", f"{rng.pick(EMOJI)}{t} {hashes}", f"{t}来啦！{hashes}"])
        tags.append("title:hashtags")
    elif writer == "export":
        t = f"[HD{act.start:%Y}-{hash_int(act.label + sender) % 10000:04d}]{t}" if rng.chance(0.6) else t
        tags.append("title:export_code")
    elif writer == "office":
        t = "【联盟活动】" + t
        tags.append("title:office_prefix")
    elif writer == "clerk":
        if rng.chance(0.2):
            t2 = typo(t, rng)
            if t2 != t:
                t = t2
                tags.append("title:typo")
        if rng.chance(0.3):
            t = t.replace("《", "").replace("》", "").replace("：", " ")
            tags.append("title:punct_dropped")
    elif writer == "livestream":
        t = rng.pick(["【直播】", "直播预告｜", "【线上】"]) + t
        tags.append("title:live_prefix")
    if writer in ("form", "wechat", "clerk") and rng.chance(0.12) and not t.endswith(("活动", "！", "）")):
        t += rng.pick(["活动", "读书分享活动", "主题活动"])
        tags.append("title:activity_appended")
    if act.campaign and writer in ("form", "wechat", "office") and rng.chance(0.2):
        camp = city.campaigns_by_id[act.campaign]
        t = rng.pick([f"{camp['short']}｜", f"“{camp['short']}”系列活动之", f"{camp['short']}："]) + t
        tags.append("title:campaign_prefix")
    if rng.chance(0.06):
        t = t.translate(str.maketrans("：（）！，|", ":()!,｜"))
        tags.append("title:width_swapped")
    if rng.chance(0.04):
        t = t.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        tags.append("title:fullwidth_digits")
    return t[:200]


def render_times(act: Activity, writer: str, rng: Rng, tags: list, desc: list):
    """(starts_at, ends_at, all_day) strings."""
    s, e = act.start, act.end
    style = "std"
    if writer == "export":
        style = "utc" if act.city.spec["region"] == "north" or rng.chance(0.5) else "ms"
        tags.append(f"time_format:{style}")
    elif rng.chance(0.1):
        style = "nosec"
        tags.append("time_format:nosec")
    if act.recurrence:
        return fmt_ts(s, style), fmt_ts(e, style), False
    if act.days > 1:
        mode = rng.weighted([("range_allday", 4), ("range_hours", 3), ("opening_day", 2)])
        tags.append(f"multiday:{mode}")
        if mode == "range_allday":
            d0 = datetime.combine(s.date(), datetime.min.time())
            d1 = datetime.combine(e.date(), datetime.min.time()) + timedelta(days=1)
            return fmt_ts(d0, style), fmt_ts(d1, style), True
        if mode == "opening_day":
            desc.append(f"展期：{s:%m月%d日}至{e:%m月%d日}。")
            return fmt_ts(s, style), fmt_ts(s.replace(hour=17), style), False
        return fmt_ts(s, style), fmt_ts(e, style), False
    choices = [("exact", 10)]
    if not act.keep_time:
        choices += [("signin", 3), ("rounded", 2), ("off_hour", 1), ("date_only", 2 if writer in ("clerk", "report") else 0.5)]
    else:
        choices += [("signin", 1)]
    choices += [("end_missing", 2 if writer in ("clerk", "video", "wechat") else 1), ("end_diff", 1)]
    mode = rng.weighted(choices)
    tags.append(f"time:{mode}")
    if mode == "signin":
        k = rng.pick([15, 20, 30])
        desc.append(f"{(s - timedelta(minutes=k)):%H:%M}开始签到，{s:%H:%M}正式开始。")
        s2 = s - timedelta(minutes=k)
        return fmt_ts(s2, style), fmt_ts(e, style), False
    if mode == "rounded":
        s2 = s.replace(minute=0) if s.minute < 45 else s.replace(minute=0) + timedelta(hours=1)
        if s2 == s:
            s2 = s.replace(minute=0) + timedelta(hours=1) if rng.chance(0.5) else s
        e2 = max(s2, e.replace(minute=0))
        return fmt_ts(s2, style), fmt_ts(e2, style), False
    if mode == "off_hour":
        s2 = s + timedelta(minutes=rng.pick([-60, -45, -30, 30, 45, 60]))
        return fmt_ts(s2, style), fmt_ts(max(s2, e), style), False
    if mode == "date_only":
        d0 = datetime.combine(s.date(), datetime.min.time())
        if rng.chance(0.6):
            return fmt_ts(d0, style), fmt_ts(d0 + timedelta(days=1), style), True
        desc.append(rng.pick(["具体时间另行通知。", "时间：当天", f"时间：{s:%-m月%-d日}"]))
        tags[-1] = "time:date_midnight_not_allday"
        return fmt_ts(d0, style), fmt_ts(d0, style), False
    if mode == "end_missing":
        return fmt_ts(s, style), fmt_ts(s, style), False
    if mode == "end_diff":
        e2 = e + timedelta(minutes=rng.pick([-30, 30, 60, 90]))
        return fmt_ts(s, style), fmt_ts(max(e2, s), style), False
    return fmt_ts(s, style), fmt_ts(e, style), False


def describe(city, act, sender, writer, rng, extra):
    lines = []
    if writer == "clerk":
        if rng.chance(0.5):
            return None
        return "".join(extra) or rng.pick(["欢迎村民参加。", "请大家准时参加。", "免费参加。"])
    camp = city.campaigns_by_id.get(act.campaign) if act.campaign else None
    if camp and rng.chance(0.5):
        lines.append(f"为迎接{camp['name']}，")
    lines.append(rng.pick([f"本次活动{act.core}，", f"活动主题：{act.core}。", f"“{act.core}”与您相约。", ""]))
    if act.audience:
        lines.append(f"面向{act.audience}。")
    if act.partners and rng.chance(0.6):
        lines.append(f"合作单位：{'、'.join(act.partners)}。")
    lines += extra
    if writer == "wechat" and rng.chance(0.5):
        lines.append(rng.pick(["名额有限，先到先得。", "请提前10分钟到场。", "扫描文末二维码报名。", "活动免费，无需门票。"]))
    if writer == "report":
        lines.append(rng.pick(["特此报送。", "请局办公室审阅。", "报送单位：" + city.m[sender]["name"]]))
    return "".join(lines) or None


# ----------------------------------------------------------------------------------------------
# Announcements for one activity
# ----------------------------------------------------------------------------------------------
def announce(city: City, act: Activity, rng: Rng):
    """Return a list of (pub_time, seq, line, tags)."""
    out = []
    central = city.spec["members"][0]["id"]
    orgs = act.organisers
    libs = [lib for lib, _ in orgs]
    senders = []  # (lib, writer, listmode)
    # who announces
    for i, lib in enumerate(libs):
        p = 0.93 if i == 0 else 0.62
        if act.no_dups and i > 0:
            p = 0
        if rng.chance(p) or (i == 0 and not senders and len(libs) == 1):
            senders.append(lib)
    if not senders:
        senders = [libs[0]]
    # a lone activity sometimes announced by a non-organising parent too? no: organisers only.
    plan = []
    for lib in senders:
        writer = rng.weighted(WRITERS_BY_TIER[city.tier(lib)])
        if writer == "livestream" and act.online is None:
            writer = "wechat"
        if act.online and writer in ("wechat", "form") and rng.chance(0.4):
            writer = "livestream"  # the online desk: a platform, a link, maybe no room
        plan.append([lib, writer, None])
    fam_dup_ok = not act.no_dups
    if fam_dup_ok and rng.chance(0.07):  # same library twice, two desks
        lib = plan[0][0]
        w2 = rng.pick([w for w, _ in WRITERS_BY_TIER[city.tier(lib)] if w != plan[0][1] and w != "livestream"] or ["form"])
        plan.append([lib, w2, "double_entry"])
    if fam_dup_ok and act.campaign and len(libs) >= 2 and rng.chance(0.25) and central not in senders[1:]:
        plan.append([central, "office", "office"])
    # organiser listing per announcement
    n = len(plan)
    connector = None
    if len(libs) > 1 and n >= 2:
        connector = rng.randrange(n)
    rows = []
    pub_base = act.start - timedelta(days=rng.randint(3, 25), hours=rng.randint(0, 8))
    for idx, (lib, writer, special) in enumerate(plan):
        tags = [f"writer:{writer}"]
        if special:
            tags.append(special)
        desc = []
        after = writer == "report" and rng.chance(0.6)
        if special == "office":
            org = [{"library_id": l, "role": r} for l, r in orgs]
            tags.append("orgs:all")
        elif idx == connector or (len(libs) > 1 and n == 1 and rng.chance(0.6)):
            org = [{"library_id": l, "role": r} for l, r in orgs]
            tags.append("orgs:all")
        else:
            mode = rng.weighted([("none", 4), ("self_host", 3), ("self", 2)]) if len(libs) > 1 else rng.weighted(
                [("none", 5), ("self", 3)])
            if mode == "none":
                org = []
            elif mode == "self":
                org = [{"library_id": lib, "role": dict(orgs).get(lib, "host")}]
            else:
                org = [{"library_id": libs[0], "role": "host"}]
                if lib != libs[0]:
                    org.append({"library_id": lib, "role": dict(orgs)[lib]})
            tags.append(f"orgs:{mode}")
        title = decorate_title(city, act, lib, writer, rng, tags, after=after)
        if after:
            tags.append("after_event")
        starts, ends, all_day = render_times(act, writer, rng, tags, desc)
        if special == "double_entry" and not act.recurrence and act.days == 1 and not all_day and rng.chance(0.6):
            st = datetime.fromisoformat(starts.replace("Z", "+00:00")) + timedelta(minutes=rng.pick([-10, 10]))
            starts = st.isoformat().replace("+00:00", "Z") if starts.endswith("Z") else st.isoformat()
            if datetime.fromisoformat(ends.replace("Z", "+00:00")) < st:
                ends = starts
            tags.append("double_entry_10min")
        venue = render_venue(city, act, lib, writer, rng, tags)
        if after and writer == "report":
            desc.append(rng.pick([f"共有{rng.randint(2, 18) * 10}余名读者参与。", f"参与人次：{rng.randint(15, 300)}。",
                                  f"活动吸引了{rng.randint(30, 200)}名群众参加，反响热烈。"]))
        d = describe(city, act, lib, writer, rng, desc)
        ref_n = city.next_ref(lib, writer)
        ref = REF_FMT[writer](city, lib, ref_n, act.start)
        line = {"library_id": lib, "source_ref": ref, "revision": 1}
        if writer == "export":
            line["status"] = "scheduled"
        line["title"] = title
        if d:
            line["description"] = d[:20000]
        line["category"] = act.cat if writer != "clerk" or rng.chance(0.7) else rng.pick([act.cat, "other"])
        if line["category"] != act.cat:
            tags.append("category_differs")
        line["starts_at"] = starts
        line["ends_at"] = ends
        if all_day or writer in ("export", "form"):
            line["all_day"] = all_day
        if act.recurrence:
            line["recurrence"] = act.recurrence
            if act.exdates:
                line["exdates"] = [fmt_ts(x, "utc" if starts.endswith("Z") else "std") for x in act.exdates]
        line["venue"] = venue
        if org:
            line["organizers"] = org
        if act.brand and city.brands[act.brand]["library_id"] == lib and writer != "clerk" and rng.chance(0.8):
            line["brand_id"] = act.brand
        if act.campaign and writer in ("form", "office", "wechat", "export") and rng.chance(0.75):
            line["campaign_id"] = act.campaign
        if writer in ("form", "office") and rng.chance(0.08):
            line["featured"] = True
        if act.audience and writer in ("form", "wechat", "export"):
            line["audience"] = act.audience
        tg = []
        if writer in ("form", "wechat", "video"):
            tg = rng.sample(["全民阅读", "亲子", "公益", "讲座", "非遗", "阅读推广", "书香" + city.spec["city"]], rng.randint(0, 3))
        if tg:
            line["tags"] = tg
        if act.capacity and writer in ("form", "wechat", "export"):
            line["capacity"] = act.capacity
        if writer == "wechat" and rng.chance(0.4):
            line["registration_url"] = f"https://mp.weixin.example.cn/s/{hash_int(act.label + lib) % 10**10:010d}"
        if writer in ("form", "wechat", "clerk") and rng.chance(0.4):
            line["contact"] = rng.pick([f"0{rng.randint(350, 359)}-{rng.randint(2000000, 8999999)}", "王老师 138****2231",
                                        "咨询电话见海报", f"李馆员 {rng.randint(130, 189)}****{rng.randint(1000, 9999)}"])
        if writer in ("wechat", "video") and rng.chance(0.3):
            line["poster"] = hashlib.sha256((act.label + lib + writer).encode()).hexdigest() + ".jpg"
        if act.partners and writer in ("form", "wechat", "report") and rng.chance(0.7):
            line["partners"] = list(act.partners)
        # when it arrives
        pub = pub_base + timedelta(hours=rng.randint(0, 96))
        if after:
            pub = act.end + timedelta(days=rng.randint(1, 4), hours=rng.randint(1, 8))
        if special == "double_entry":
            pub = pub_base + timedelta(hours=rng.randint(0, 30))
        rows.append([pub, line, tags])
    # the connector arrives last (after the ones that list nobody)
    if connector is not None and rng.chance(0.45):
        last = max(r[0] for r in rows)
        rows[connector][0] = last + timedelta(hours=rng.randint(1, 30))
        rows[connector][2].append("connector_last")
    # revisions (same source_ref, higher revision)
    extra = []
    host_rows = [r for r in rows if r[1]["library_id"] == libs[0] and r[1]["revision"] == 1 and "after_event" not in r[2]]
    cancelled = getattr(act, "cancelled", False)
    if cancelled:
        base = host_rows[0] if host_rows else rows[0]
        rev = json.loads(json.dumps(base[1]))
        rev["revision"] = 2
        rev["status"] = "cancelled"
        if rng.chance(0.5):
            rev["title"] = rng.pick(["【取消】", "【已取消】", "（取消）"]) + rev["title"]
        rev["description"] = (rev.get("description") or "") + rng.pick(["因故取消，敬请谅解。", "因场地调整，本次活动取消。"])
        extra.append([base[0] + timedelta(days=rng.randint(1, 4)), rev, base[2][:1] + ["revision:cancelled"]])
    elif act.may_postpone and rng.chance(0.035) and host_rows:
        # postponement: new date, same time and room
        shift = timedelta(days=rng.pick([7, 14, 21]))
        new_start = act.start + shift
        if new_start.year == 2026 and (act.venue_lib is None or city.free(act.venue_lib, act.room, new_start)) and all(
                d2 != new_start.date() for _, d2 in city.cores[core_key(act.core)]):
            if act.venue_lib:
                city.take(act.venue_lib, act.room, new_start)
            note_core(city, act.core, act.host, new_start.date())
            base = host_rows[0]
            rev = json.loads(json.dumps(base[1]))
            st = datetime.fromisoformat(rev["starts_at"].replace("Z", "+00:00")) + shift
            en = datetime.fromisoformat(rev["ends_at"].replace("Z", "+00:00")) + shift
            z = rev["starts_at"].endswith("Z")
            rev["starts_at"] = st.isoformat().replace("+00:00", "Z") if z else st.isoformat()
            rev["ends_at"] = en.isoformat().replace("+00:00", "Z") if z else en.isoformat()
            note = f"原定{act.start:%-m月%-d日}举行的“{act.core}”延期至{new_start:%-m月%-d日}，时间地点不变。"
            rev["description"] = note + (rev.get("description") or "")
            if act.campaign and "campaign_id" in rev:
                c = city.campaigns_by_id[act.campaign]
                if not (date.fromisoformat(c["starts_on"]) <= new_start.date() <= date.fromisoformat(c["ends_on"])):
                    del rev["campaign_id"]
            when = base[0] + timedelta(days=rng.randint(1, 3))
            if rng.chance(0.5):
                rev["revision"] = 2
                rev["title"] = "【延期】" + rev["title"]
                extra.append([when, rev, base[2][:1] + ["revision:postponed"]])
            else:
                rev["source_ref"] = rev["source_ref"] + "-yq"
                rev["title"] = rev["title"] + rng.pick(["（延期举办）", "（改期通知）", "—延期"])
                extra.append([when, rev, base[2][:1] + ["reannounce:postponed"]])
    elif rng.chance(0.07) and host_rows and not act.recurrence:
        base = host_rows[0]
        rev = json.loads(json.dumps(base[1]))
        rev["revision"] = rng.pick([2, 2, 3])
        kind = rng.weighted([("full", 3), ("desc", 3), ("orgs_added", 3), ("end_fixed", 2)])
        if kind == "full":
            rev["title"] = rev["title"].replace("（报名中）", "").replace("【已满员】", "") + "【已满员】"
        elif kind == "desc":
            rev["description"] = (rev.get("description") or "") + "（更新：主讲人已确定，欢迎报名。）"
        elif kind == "orgs_added":
            rev["organizers"] = [{"library_id": l, "role": r} for l, r in orgs]
        elif kind == "end_fixed":
            z = rev["starts_at"].endswith("Z")
            rev["ends_at"] = fmt_ts(act.end, "utc" if z else "std")
            if datetime.fromisoformat(rev["ends_at"].replace("Z", "+00:00")) < datetime.fromisoformat(
                    rev["starts_at"].replace("Z", "+00:00")):
                rev["ends_at"] = rev["starts_at"]
        extra.append([base[0] + timedelta(days=rng.randint(1, 5), hours=rng.randint(1, 9)), rev,
                      base[2][:1] + [f"revision:{kind}"]])
    # months-ahead placeholder (own): rev 1 date-only, rev 2 with the hour
    if not act.keep_time and act.days == 1 and not act.recurrence and host_rows and rng.chance(0.04) and not cancelled:
        base = host_rows[0]
        if base[2][0] in ("writer:form", "writer:wechat", "writer:export") and base[1]["revision"] == 1 and not base[1].get("all_day") and not any(e[1]["source_ref"] == base[1]["source_ref"] for e in extra):
            early = json.loads(json.dumps(base[1]))
            d0 = datetime.combine(act.start.date(), datetime.min.time())
            early["starts_at"] = fmt_ts(d0, "std")
            early["ends_at"] = fmt_ts(d0 + timedelta(days=1), "std")
            early["all_day"] = True
            early["description"] = f"具体时间待定，届时另行通知。活动主题：{act.core}。"
            base[1]["revision"] = 2
            extra.append([act.start - timedelta(days=rng.randint(60, 110)), early, base[2][:1] + ["placeholder_months_ahead"]])
    rows += extra
    for r in rows:
        r[1]["label"] = act.label
    return rows


# ----------------------------------------------------------------------------------------------
# Building a city
# ----------------------------------------------------------------------------------------------
FAMILIES = [("plain", 120), ("weekly_series", 5), ("multi_branch_same_hour", 4), ("parallel_sessions", 4),
            ("first_second_session", 3), ("same_hall_later_that_day", 4), ("same_book_elsewhere", 3),
            ("touring_exhibition", 2), ("contest_stages", 2), ("age_split", 2), ("mobile_route", 2),
            ("cancel_replace", 2), ("rrule_series", 1)]


def group_ok(city: City, group) -> bool:
    """No accidental twins: a title core is used on one day only (exhibitions: not within 30 days),
    except inside a look-alike family built on purpose."""
    for a in group:
        window = 30 if a.cat == "exhibition" else 0
        for (_, d2) in city.cores[core_key(a.core)]:
            if abs((d2 - a.start.date()).days) <= window:
                return False
    return True


def build(spec: dict, seed: int):
    rng = Rng(seed)
    city = City(spec, rng)
    city.campaigns_by_id = {c["id"]: c for c in spec["campaigns"]}
    fams = list(FAMILIES)
    if spec["region"] == "north":
        fams = [(f, w * (2 if f == "mobile_route" else 1)) for f, w in fams]
    acts = []
    rows = []
    fam_counts = Counter()
    prefix = "o" if spec["dir"] == "city_o" else "p"
    while len(rows) < spec["target"]:
        fam = rng.weighted(fams)
        group = {
            "plain": lambda: [new_plain(city, rng)],
            "weekly_series": lambda: family_weekly(city, rng),
            "multi_branch_same_hour": lambda: family_multi_branch(city, rng),
            "parallel_sessions": lambda: family_parallel(city, rng),
            "first_second_session": lambda: family_first_second(city, rng),
            "age_split": lambda: family_first_second(city, rng, age=True),
            "same_hall_later_that_day": lambda: family_same_hall_later(city, rng),
            "same_book_elsewhere": lambda: family_same_book(city, rng),
            "touring_exhibition": lambda: family_touring(city, rng),
            "contest_stages": lambda: family_contest_stages(city, rng),
            "mobile_route": lambda: family_mobile_route(city, rng),
            "cancel_replace": lambda: family_cancel_replace(city, rng),
            "rrule_series": lambda: family_rrule(city, rng),
        }[fam]()
        if not group or not group_ok(city, group):
            continue
        for a in group:
            note_core(city, a.core, a.host, a.start.date())
        if fam != "plain" and len(group) >= 2:
            fam_counts[fam] += 1
        elif fam in ("rrule_series",):
            fam_counts[fam] += 1
        for a in group:
            a.label = f"{prefix}-{len(acts) + 1:05d}"
            acts.append(a)
            for r in announce(city, a, rng):
                rows.append(r)
    rows.sort(key=lambda r: (r[0], r[1]["library_id"], r[1]["source_ref"], r[1]["revision"]))
    return city, acts, rows, fam_counts


# ----------------------------------------------------------------------------------------------
# Output
# ----------------------------------------------------------------------------------------------
def q(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def alliance_toml(city: City) -> str:
    spec = city.spec
    out = [f"# {spec['name']} — invented for holdout set 6 (generate_holdout6.py)", "[alliance]",
           f"id = {q(spec['id'])}", f"name = {q(spec['name'])}", f"name_en = {q(spec['name_en'])}",
           'timezone = "Asia/Shanghai"', f"base_url = {q(spec['url'])}", ""]
    for m in spec["members"]:
        out += ["[[members]]", f"id = {q(m['id'])}", f"name = {q(m['name'])}", f"tier = {q(m['tier'])}"]
        if m["parent"]:
            out.append(f"parent = {q(m['parent'])}")
        out += [f"region = {q(spec['city'])}", f"address = {q(m['address'])}", ""]
    for (lib, rk), v in city.dirvenues.items():
        out += ["[[venues]]", f"id = {q(v['id'])}", f"library_id = {q(lib)}", f"name = {q(v['name'])}",
                "aliases = [" + ", ".join(q(a) for a in v["aliases"]) + "]", f"address = {q(v['address'])}", ""]
    for b in spec["brands"]:
        out += ["[[brands]]", f"id = {q(b['id'])}", f"name = {q(b['name'])}", f"library_id = {q(b['library_id'])}",
                f"since = {b['since']}", f"category = {q(b['category'])}", f"keywords = [{q(b['name'])}]", ""]
    for c in spec["campaigns"]:
        out += ["[[campaigns]]", f"id = {q(c['id'])}", f"name = {q(c['name'])}", f"starts_on = {c['starts_on']}",
                f"ends_on = {c['ends_on']}", ""]
    out += ["[[coordinators]]", 'id = "office"', f"name = {q(spec['city'] + '联盟办')}",
            f"email = {q('office@' + spec['url'].split('//')[1])}", ""]
    return "\n".join(out)


def main():
    summary = {"seed": SEED, "cities": {}}
    for i, spec in enumerate([CITY_O, CITY_P]):
        city, acts, rows, fam_counts = build(spec, SEED + i)
        d = OUT / spec["dir"]
        d.mkdir(parents=True, exist_ok=True)
        (d / "alliance.toml").write_text(alliance_toml(city), encoding="utf-8")
        with open(d / "eval.jsonl", "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r[1], ensure_ascii=False) + "\n")
        sizes = Counter(r[1]["label"] for r in rows)
        hist = Counter(sizes.values())
        var = Counter()
        for r in rows:
            for t in r[2]:
                var[t] += 1
        fam_acts = Counter(a.family for a in acts)
        summary["cities"][spec["dir"]] = {
            "alliance": spec["id"],
            "members": len(spec["members"]),
            "announcements": len(rows),
            "activities": len(sizes),
            "true_pairs": sum(n * (n - 1) // 2 for n in sizes.values()),
            "group_size_histogram": {str(k): hist[k] for k in sorted(hist)},
            "variations": dict(sorted(var.items())),
            "lookalike_families": {f: {"clusters": fam_counts.get(f, 0), "activities": fam_acts.get(f, 0)}
                                   for f, _ in FAMILIES if f != "plain"},
            "plain_activities": fam_acts.get("plain", 0),
        }
    (OUT / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
