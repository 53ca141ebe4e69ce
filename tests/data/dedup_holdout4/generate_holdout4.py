#!/usr/bin/env python3
"""Generate the dedup hold-out set 4 (two invented alliances, city_k and city_l).

Stdlib only, fixed seed, deterministic: ``python generate_holdout4.py`` rewrites
city_k/, city_l/ and summary.json next to this file.

Every line of ``eval.jsonl`` is one ActivitySubmission (wire contract v1) plus the key
``label``: the real activity it announces.  Lines are in arrival order.
"""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

SEED = 20261205
CST = timezone(timedelta(hours=8))
UTC = timezone.utc
HERE = Path(__file__).resolve().parent
TARGET_LINES = 2000

# ---------------------------------------------------------------------------------------------
# Alliances
# ---------------------------------------------------------------------------------------------
# A member: id, name, tier, parent, kind, address, shorts (how people abbreviate the place),
# rooms: list of (floor, room, [synonyms]).


def M(id, name, tier, parent, kind, address, shorts, rooms, **habits):
    return dict(id=id, name=name, tier=tier, parent=parent, kind=kind, address=address, shorts=shorts,
                rooms=rooms, habits=habits)


CITY_K = dict(
    key="city_k",
    alliance_id="yiling-reading",
    alliance_name="宜陵市全民阅读推广联盟",
    alliance_en="Yiling Reading Promotion Alliance",
    city="宜陵",
    first_day=date(2026, 3, 2),
    last_day=date(2026, 6, 28),
    hashtags=["#全民阅读", "#书香宜陵", "#宜陵图书馆", "#阅读推广"],
    members=[
        M("ylsl", "宜陵市图书馆", "central", None, "central", "宜陵市人民路118号市民文化中心B座",
          ["市图书馆", "市图", "市馆", "宜陵图书馆", "宜图"],
          [("三楼", "多功能厅", ["多功能活动室", "多功能报告厅"]), ("四楼", "报告厅", ["学术报告厅", "讲座厅"]),
           ("二楼", "少儿阅览室", ["少儿借阅区", "儿童阅览区"]), ("一楼", "大厅", ["服务大厅", "中庭"]),
           ("二楼", "读者活动室", ["活动室", "读者沙龙区"]), ("一楼", "展厅", ["展览厅", "一楼展区"])],
          venue_ids=0.7, signin=0.15, desc=0.8),
        M("ylwhg", "宜陵市文化馆", "county", "ylsl", "culture", "宜陵市人民路120号",
          ["市文化馆", "文化馆", "宜陵文化馆"],
          [("一楼", "小剧场", ["剧场", "一号小剧场"]), ("二楼", "排练厅", ["舞蹈排练厅"]),
           ("三楼", "非遗展示厅", ["非遗馆", "非遗展厅"])], category_other=0.4),
        M("ylse", "宜陵市图书馆少儿分馆", "branch", "ylsl", "children", "宜陵市文昌路9号青少年宫二楼",
          ["少儿分馆", "少儿馆", "市图少儿分馆", "青少年宫少儿分馆"],
          [("", "绘本馆", ["绘本阅读区", "绘本屋"]), ("", "亲子阅读区", ["亲子区"]), ("", "活动室", ["多功能活动室"])],
          emoji=0.5),
        M("xhsd", "新华书店宜陵书城（联盟合作书店）", "branch", "ylsl", "bookshop", "宜陵市中山路56号",
          ["新华书店", "宜陵书城", "新华书城", "中山路新华书店"],
          [("三楼", "阅读空间", ["悦读空间", "读者休闲区"]), ("一楼", "签售区", ["活动区", "一楼活动区"])],
          emoji=0.4, dy=0.4),
        M("ylsy", "宜陵市实验小学分馆", "branch", "ylsl", "school", "宜陵市学府路2号",
          ["实验小学", "实小", "实验小学图书馆", "市实验小学"],
          [("", "阶梯教室", ["学术报告厅", "阶梯报告厅"]), ("", "图书室", ["图书馆", "阅览室"])]),
        M("cd", "宜陵市图书馆城东街道分馆", "branch", "ylsl", "street", "宜陵市东环路33号城东街道综合文化站二楼",
          ["城东分馆", "城东街道文化站", "城东文化站", "城东街道分馆"],
          [("二楼", "阅览室", ["图书阅览室"]), ("二楼", "多功能室", ["活动室", "多功能厅"])], signin=0.5),
        M("dh", "宜陵市图书馆东湖街道分馆", "branch", "ylsl", "street", "宜陵市东湖街道湖滨路8号",
          ["东湖分馆", "东湖街道文化站", "东湖街道分馆"],
          [("", "阅览室", ["图书室"]), ("", "多功能室", ["活动室"])], noend=0.5),
        M("qs", "青石镇分馆（青石镇综合文化站）", "branch", "ylsl", "town", "宜陵市青石镇青石街66号",
          ["青石分馆", "青石镇文化站", "青石镇综合文化站", "青石文化站", "青石镇图书分馆"],
          [("", "多功能厅", ["多功能室"]), ("", "阅览室", ["图书阅览室"]), ("", "文化广场", ["站前广场"])],
          round=0.6, self_prefix=0.5),
        M("tx", "桃溪镇分馆（桃溪镇综合文化站）", "branch", "ylsl", "town", "宜陵市桃溪镇兴桃路18号",
          ["桃溪分馆", "桃溪镇文化站", "桃溪镇综合文化站", "桃溪文化站"],
          [("二楼", "多功能厅", ["活动室"]), ("一楼", "阅览室", ["图书室"])], signin=0.5),
        M("bs", "白沙镇分馆（白沙镇综合文化站）", "branch", "ylsl", "town", "宜陵市白沙镇沙港路5号",
          ["白沙分馆", "白沙镇文化站", "白沙文化站"],
          [("", "多功能厅", ["多功能室"]), ("", "阅览室", ["书屋"])], noend=0.6),
        M("lt", "龙潭乡分馆（龙潭乡综合文化站）", "branch", "ylsl", "town", "宜陵市龙潭乡龙潭街12号",
          ["龙潭分馆", "龙潭乡文化站", "龙潭文化站"],
          [("", "文化活动室", ["活动室"]), ("", "阅览室", [])], round=0.5, self_prefix=0.4),
        M("mq", "马桥镇分馆（马桥镇综合文化站）", "branch", "ylsl", "town", "宜陵市马桥镇府前路3号",
          ["马桥分馆", "马桥镇文化站", "马桥文化站"],
          [("", "多功能厅", ["多功能活动室"]), ("", "阅览室", [])], utc=True),
        M("qs-lw", "青石镇柳湾村农家书屋", "service_point", "qs", "village", "青石镇柳湾村村委会一楼",
          ["柳湾村农家书屋", "柳湾村书屋", "柳湾村"], [("", "农家书屋", ["书屋"]), ("", "村文化礼堂", ["文化礼堂"])],
          round=0.7, noend=0.5),
        M("tx-xt", "桃溪镇下塘村农家书屋", "service_point", "tx", "village", "桃溪镇下塘村党群服务中心",
          ["下塘村农家书屋", "下塘村书屋", "下塘村"], [("", "农家书屋", ["书屋"]), ("", "村文化广场", ["文化广场"])],
          noend=0.6),
        M("bs-yg", "白沙镇渔港村农家书屋", "service_point", "bs", "village", "白沙镇渔港村村委会二楼",
          ["渔港村农家书屋", "渔港村书屋", "渔港村"], [("", "农家书屋", ["书屋"])], round=0.6),
        M("mq-xh", "马桥镇新华村农家书屋", "service_point", "mq", "village", "马桥镇新华村文化礼堂旁",
          ["新华村农家书屋", "新华村书屋", "新华村"], [("", "农家书屋", ["书屋"]), ("", "文化礼堂", ["村文化礼堂"])]),
        M("dh-jg", "东湖街道金桂社区图书服务点", "service_point", "dh", "community", "东湖街道金桂社区党群服务中心",
          ["金桂社区服务点", "金桂社区图书室", "金桂社区"], [("", "图书室", ["阅览室"]), ("", "活动室", [])]),
        M("bhsf", "宜陵农商银行·滨河城市书房", "service_point", "ylsl", "citystudy", "宜陵市滨河公园北门",
          ["滨河城市书房", "滨河书房", "农商银行城市书房"], [("", "阅读区", ["书房"])], utc=True, dy=0.5),
        M("kfq", "宜陵经济开发区职工书屋", "service_point", "cd", "workplace", "宜陵经济开发区管委会服务中心三楼",
          ["开发区职工书屋", "职工书屋", "开发区书屋"], [("", "职工书屋", ["书屋"]), ("", "会议室", ["三楼会议室"])]),
    ],
    partners=[("宜陵市妇联", ["市妇联", "宜陵市妇女联合会"]), ("共青团宜陵市委", ["团市委", "宜陵团市委"]),
              ("宜陵市老年大学", ["老年大学", "市老年大学"]), ("宜陵市作家协会", ["市作协", "宜陵作协"]),
              ("宜陵市第二中学", ["市二中", "宜陵二中"]), ("宜陵市残疾人联合会", ["市残联"]),
              ("宜陵市科学技术协会", ["市科协"]), ("青石镇中心小学", ["青石中心小学", "青石小学"])],
    external=[("宜陵市第二中学", ["市二中", "宜陵二中"], "宜陵市建设路21号", [("", "报告厅", ["学术报告厅"])]),
              ("宜陵市老年大学", ["老年大学", "市老年大学"], "宜陵市健康路5号", [("三楼", "多媒体教室", ["教室"])]),
              ("滨河公园", ["滨河公园广场", "滨河公园北广场"], "宜陵市滨河路", [("", "北广场", ["广场"])])],
    brands=[("yl-jiangtang", "宜陵讲堂", "ylsl", "lecture", 2017), ("zhoumo-gushi", "周末故事会", "ylse", "children", 2019),
            ("taoxi-shusheng", "桃溪书声", "tx", "reading_club", 2021), ("nongjia-shuxiang", "农家书香", "qs", "outreach", 2018)],
    campaigns=[("reading-month", "4·23 世界读书日暨宜陵读书月", date(2026, 4, 1), date(2026, 4, 30)),
               ("children-day", "六一少儿阅读周", date(2026, 5, 28), date(2026, 6, 7)),
               ("duanwu", "我们的节日·端午", date(2026, 6, 15), date(2026, 6, 21))],
    festival="第四届宜陵读书节",
    venue_dir=["ylsl"],
)

CITY_L = dict(
    key="city_l",
    alliance_id="lanzhou-metro-reading",
    alliance_name="澜州市公共图书馆阅读推广联盟",
    alliance_en="Lanzhou Metropolitan Library Reading Alliance",
    city="澜州",
    first_day=date(2026, 7, 1),
    last_day=date(2026, 10, 31),
    hashtags=["#澜州图书馆", "#全民阅读", "#书香澜州", "#暑期阅读"],
    members=[
        M("lz", "澜州图书馆", "central", None, "central", "澜州市青湖区文华路1号",
          ["澜图", "市图", "市图书馆", "澜州图书馆新馆", "澜州市图书馆"],
          [("一楼", "报告厅", ["学术报告厅", "澜图讲坛报告厅"]), ("三楼", "多功能厅", ["多功能活动厅"]),
           ("一楼", "展厅", ["展览厅", "主展厅"]), ("二楼", "数字体验区", ["数字阅读体验区"]),
           ("一楼", "视障阅览室", ["无障碍阅览室", "盲人阅览室"]), ("五楼", "古籍阅览室", ["古籍部"]),
           ("一楼", "大厅", ["中庭", "一楼共享大厅"])], venue_ids=0.75, desc=0.85),
        M("lzse", "澜州市少年儿童图书馆", "district", "lz", "children", "澜州市澜东区儿童公园路6号",
          ["市少儿馆", "少儿图书馆", "市少图", "少儿馆", "澜州少儿图书馆"],
          [("一楼", "绘本馆", ["绘本阅读区", "低幼绘本馆"]), ("二楼", "故事屋", ["故事小屋", "讲故事屋"]),
           ("三楼", "多功能厅", ["多功能报告厅"]), ("二楼", "科普体验区", ["科普区"])], venue_ids=0.6, emoji=0.6),
        M("qh", "青湖区图书馆", "district", "lz", "district", "澜州市青湖区湖心路200号",
          ["青湖区图", "青湖图书馆", "区图", "区馆", "青湖区馆"],
          [("四楼", "报告厅", ["学术报告厅"]), ("二楼", "多功能厅", ["多功能室"]), ("一楼", "少儿阅览室", ["少儿区"])],
          signin=0.4),
        M("qh-hb", "青湖区图书馆湖滨街道分馆", "branch", "qh", "street", "青湖区湖滨南路15号社区服务中心三楼",
          ["湖滨分馆", "湖滨街道分馆", "湖滨街道图书馆"], [("三楼", "阅览室", ["图书室"]), ("三楼", "活动室", ["多功能室"])]),
        M("qh-xy", "青湖区图书馆杏园街道分馆", "branch", "qh", "street", "青湖区杏园路66号杏园街道文化中心",
          ["杏园分馆", "杏园街道分馆", "杏园街道文化中心"], [("", "多功能室", ["活动室"]), ("", "阅览室", [])],
          noend=0.5),
        M("qh-nl", "青湖区图书馆南岭街道分馆", "branch", "qh", "street", "青湖区南岭路3号",
          ["南岭分馆", "南岭街道分馆"], [("", "活动室", ["多功能室"]), ("", "阅览室", [])], round=0.5),
        M("yg", "云岗区图书馆", "district", "lz", "district", "澜州市云岗区云岗大道88号云岗文化中心",
          ["云岗区图", "云岗图书馆", "区图书馆", "云岗区馆"],
          [("二楼", "报告厅", ["讲座厅"]), ("三楼", "非遗课堂", ["非遗体验室", "非遗工坊"]), ("一楼", "少儿区", ["少儿阅览区"])],
          self_prefix=0.3, dy=0.3),
        M("yg-sy", "云岗区图书馆石羊街道分馆", "branch", "yg", "street", "云岗区石羊路120号",
          ["石羊分馆", "石羊街道分馆", "石羊街道图书馆"], [("", "阅览室", []), ("", "活动室", ["多功能室"])], signin=0.5),
        M("yg-js", "云岗区图书馆金沙桥街道分馆", "branch", "yg", "street", "云岗区金沙桥东路9号",
          ["金沙桥分馆", "金沙分馆", "金沙桥街道分馆"], [("", "活动室", []), ("", "阅览室", [])]),
        M("yg-tp", "云岗区图书馆太平街道分馆", "branch", "yg", "street", "云岗区太平街188号太平街道综合文化站",
          ["太平分馆", "太平街道文化站", "太平街道分馆"], [("", "多功能厅", ["多功能室"]), ("", "阅览室", [])],
          round=0.6),
        M("ld", "澜东区图书馆", "district", "lz", "district", "澜州市澜东区滨江大道301号",
          ["澜东区图", "澜东图书馆", "区馆", "澜东区馆"],
          [("三楼", "报告厅", ["多功能报告厅"]), ("二楼", "少儿阅览室", ["少儿区"]), ("一楼", "展厅", ["展览区"])],
          utc=True),
        M("ld-wj", "澜东区图书馆望江街道分馆", "branch", "ld", "street", "澜东区望江路77号",
          ["望江分馆", "望江街道分馆"], [("", "活动室", []), ("", "阅览室", [])], noend=0.5),
        M("ld-dq", "澜东区图书馆东桥街道分馆", "branch", "ld", "street", "澜东区东桥路15号东桥街道党群服务中心",
          ["东桥分馆", "东桥街道分馆", "东桥街道党群服务中心"], [("", "多功能室", []), ("", "阅览室", [])]),
        M("gx", "澜州高新区图书馆", "district", "lz", "district", "澜州高新区天府五街200号科创中心A座",
          ["高新区图书馆", "高新区图", "高新图书馆"], [("二楼", "报告厅", ["路演厅"]), ("三楼", "研讨室", ["共享研讨室"])],
          dy=0.3),
        M("gx-kc", "澜州高新区图书馆科创园分馆", "branch", "gx", "street", "高新区科创园6栋一楼",
          ["科创园分馆", "科创园图书分馆", "科创分馆"], [("", "共享空间", ["阅读空间"])]),
        M("sf-ns", "青湖农商银行·湖滨城市书房", "service_point", "qh-hb", "citystudy", "青湖区湖滨公园东门",
          ["湖滨城市书房", "农商银行城市书房", "湖滨书房"], [("", "阅读区", ["书房"])], utc=True),
        M("sf-wx", "澜州图书馆·万象城图书驿站", "service_point", "lz", "citystudy", "澜州万象城L4层",
          ["万象城图书驿站", "万象城驿站", "图书驿站（万象城店）"], [("", "驿站", ["阅读区"])], dy=0.6, emoji=0.6),
        M("sf-zj", "中建·锦绣里城市书房", "service_point", "yg-sy", "citystudy", "云岗区锦绣里小区南门",
          ["锦绣里城市书房", "中建城市书房", "锦绣书房"], [("", "书房", ["阅读区"])]),
        M("sf-dt", "地铁2号线江滩站图书驿站", "service_point", "ld-wj", "citystudy", "地铁2号线江滩站B出口站厅",
          ["江滩站图书驿站", "地铁图书驿站", "江滩地铁书站"], [("", "站厅", ["驿站"])], dy=0.5),
        M("lzdx", "澜州大学图书馆", "branch", "lz", "university", "澜州大学南校区图书馆",
          ["澜大图书馆", "澜州大学图书馆", "澜大南校区图书馆"],
          [("一楼", "逸夫报告厅", ["报告厅", "逸夫楼报告厅"]), ("二楼", "信息共享空间", ["IC空间"])], utc=True,
          desc=0.9),
        M("ld-bj", "东桥街道滨江社区图书服务点", "service_point", "ld-dq", "community", "澜东区滨江社区党群服务中心",
          ["滨江社区服务点", "滨江社区图书室", "滨江社区"], [("", "图书室", []), ("", "活动室", [])], noend=0.5),
    ],
    partners=[("澜州市妇联", ["市妇联", "澜州市妇女联合会"]), ("共青团澜州市委", ["团市委"]),
              ("澜州老年大学", ["老年大学"]), ("澜州市作家协会", ["市作协"]), ("澜州书城", ["书城"]),
              ("澜州市科协", ["市科协"]), ("澜州市残联", ["市残联", "澜州市残疾人联合会"]),
              ("澜州师范学院", ["澜师", "师范学院"]), ("湖滨小学", ["湖滨小学"]), ("澜州日报社", ["澜州日报"])],
    external=[("澜州书城", ["书城", "澜州书城（天府店）"], "澜州市天府大道中段16号", [("二楼", "活动区", ["读者活动区"])]),
              ("澜州老年大学", ["老年大学"], "澜州市长寿路8号", [("", "多媒体教室", ["教室"])]),
              ("江滩公园", ["江滩公园广场"], "澜东区滨江路", [("", "音乐广场", ["广场"])])],
    brands=[("lantu-jiangtan", "澜图讲坛", "lz", "lecture", 2012), ("xingkong-gushi", "星空故事会", "lzse", "children", 2018),
            ("qinghu-dushu", "青湖读书会", "qh", "reading_club", 2016), ("yungang-feiyi", "云岗非遗课堂", "yg", "training", 2020)],
    campaigns=[("summer-reading", "暑期少儿阅读季", date(2026, 7, 1), date(2026, 8, 31)),
               ("midautumn", "我们的节日·中秋", date(2026, 9, 20), date(2026, 9, 27)),
               ("service-week", "图书馆服务宣传周", date(2026, 10, 8), date(2026, 10, 14))],
    festival="2026澜州市民读书节",
    venue_dir=["lz", "lzse"],
)

# ---------------------------------------------------------------------------------------------
# Content pools
# ---------------------------------------------------------------------------------------------

SPEAKERS = ["王立新", "陈晓梅", "刘建国", "周慧", "赵明远", "孙静", "李文博", "吴晓燕", "郑海涛", "黄雅琴",
            "杨帆", "许志强", "林秋云", "何家俊", "马丽娟", "曹振华", "冯一鸣", "邓晓雯", "蒋春生", "谢红梅"]
TITLES_OF = ["大学教授", "市作协副主席", "中学语文高级教师", "地方文史专家", "国家二级心理咨询师", "非遗传承人",
             "阅读推广人", "主任医师", "律师", "科普作家"]
LECTURE_TOPICS = ["宋词里的二十四节气", "家庭教育中的阅读陪伴", "老年人防范电信诈骗", "红楼梦中的人情世故",
                  "地方志里的家乡变迁", "AI时代如何读书", "四季养生与中医食疗", "唐诗中的长江", "青少年心理健康",
                  "民法典与百姓生活", "苏轼的人生境界", "儿童近视防控", "博物馆里的中国", "家风家训与家庭文明",
                  "从甲骨文说汉字", "孩子的时间管理", "乡村振兴与新农人", "高血压的科学管理", "鲁迅的杂文世界",
                  "古典园林之美", "三国演义里的智慧", "职场写作入门", "垃圾分类小常识", "茶文化漫谈",
                  "科学育儿的十个误区", "长征精神的时代价值", "读懂中国传统节日", "短视频时代的深度阅读"]
BOOKS = ["额尔古纳河右岸", "平凡的世界", "人世间", "活着", "长安的荔枝", "我与地坛", "呼兰河传", "围城",
         "乡土中国", "人生海海", "繁花", "白鹿原", "边城", "朝花夕拾", "城南旧事", "小王子", "草房子",
         "文化苦旅", "红岩", "撒哈拉的故事", "我们仨", "蛙", "许三观卖血记", "百年孤独", "穆斯林的葬礼",
         "月亮与六便士", "苏东坡传", "云边有个小卖部"]
PICTURE_BOOKS = ["猜猜我有多爱你", "好饿的毛毛虫", "大卫，不可以", "我爸爸", "小蓝和小黄", "团圆", "年",
                 "安的种子", "逃家小兔", "月亮的味道", "鳄鱼怕怕牙医怕怕", "花婆婆", "爷爷一定有办法",
                 "小猪佩奇去野餐", "母鸡萝丝去散步", "蚯蚓的日记", "一园青菜成了精", "是谁嗯嗯在我的头上"]
CRAFTS = ["剪纸", "扎染", "竹编", "风筝制作", "书签制作", "藏书票制作", "活字印刷体验", "古法造纸", "拓印",
          "团扇绘制", "黏土手作", "植物拓染", "中国结编织", "皮影制作"]
EXHIBITS = ["“书香家庭”风采展", "红色经典连环画展", "地方文献珍品展", "二十四节气主题书展", "少儿绘画作品展",
            "非遗技艺图片展", "老照片里的城市记忆展", "科普知识图片展", "廉洁文化主题展", "新书推荐展"]
FILMS = ["长津湖", "流浪地球", "我和我的祖国", "隐入尘烟", "狮子王", "寻梦环游记", "hello！树先生", "城南旧事", "疯狂动物城"]
TRAININGS = ["智能手机使用培训（老年班）", "数字资源使用培训", "基层图书管理员业务培训", "电子书借阅操作培训",
             "微信挪车防诈小课堂", "图书分类与排架实务培训", "Python入门体验课", "视频剪辑入门"]
POEM_THEMES = ["春之声", "月下诗会", "乡愁", "致青春", "家国情怀", "山水之间"]
CONTESTS = ["少儿讲故事比赛", "经典诵读大赛", "中小学生现场作文大赛", "亲子阅读知识竞赛", "书法比赛"]

ROLE_NAMES = ["organiser", "co_organiser", "participant"]

# Common typos writers make in titles and venue names (同音字/漏字).
TITLE_TYPOS = [("分享", "分项"), ("绘本", "会本"), ("讲座", "讲坐"), ("读书会", "读书汇"), ("培训", "陪训"),
               ("展览", "展监"), ("亲子", "亲字"), ("故事会", "故事汇")]
VENUE_TYPOS = [("多功能厅", "多功厅"), ("报告厅", "报告听"), ("阅览室", "阅揽室"), ("活动室", "活动式"),
               ("文化站", "文化战"), ("农家书屋", "农家书室"), ("分馆", "份馆")]

WEEKDAY_CN = "一二三四五六日"

# ---------------------------------------------------------------------------------------------
# Model
# ---------------------------------------------------------------------------------------------


@dataclass
class Place:
    key: str                 # member id or "ext:<name>"
    name: str
    shorts: list
    address: str
    member: str | None       # member id when the place is a member library
    rooms: list


@dataclass
class Activity:
    label: str
    host: str
    cohosts: list            # [(library_id, role)]
    partners: list           # partner names (canonical)
    prefix: str | None       # brand or series before "："
    core: str                # the distinctive title
    category: str
    start: datetime          # true start (CST)
    end: datetime
    place: Place
    room: tuple | None       # (floor, room, synonyms)
    brand_id: str | None = None
    campaign_id: str | None = None
    family: str | None = None
    marker: str | None = None  # text every announcement must carry (第一场, 初赛 …)
    keep_place: bool = False   # every announcement must name the place
    tight_time: bool = False   # time noise at most 15 minutes
    speaker: str | None = None
    detail: str | None = None
    audience: str | None = None
    multi_day: bool = False
    n: int = 1
    writers: list = field(default_factory=list)
    postponed_from: datetime | None = None


class City:
    def __init__(self, cfg, rng):
        self.cfg = cfg
        self.rng = rng
        self.members = {m["id"]: m for m in cfg["members"]}
        self.places = {mid: Place(mid, m["name"], m["shorts"], m["address"], mid, m["rooms"]) for mid, m in
                       self.members.items()}
        for name, shorts, addr, rooms in cfg["external"]:
            self.places["ext:" + name] = Place("ext:" + name, name, shorts, addr, None, rooms)
        self.children = defaultdict(list)
        for m in cfg["members"]:
            if m["parent"]:
                self.children[m["parent"]].append(m["id"])
        self.activities: list[Activity] = []
        self.busy: dict = {}
        self.titles_day: set = set()
        self.counter = 0
        self.venue_dir = {}  # (member, room) -> venue id
        for mid in cfg["venue_dir"]:
            for i, (floor, room, syns) in enumerate(self.members[mid]["rooms"]):
                self.venue_dir[(mid, room)] = f"{mid}-r{i + 1}"
        self.habits = {}
        for m in cfg["members"]:
            h = dict(signin=0.1, round=0.1, noend=0.15, utc=False, self_prefix=0.1, venue_ids=0.0, desc=0.6,
                     emoji=0.15, dy=0.1, category_other=0.05)
            h.update(m["habits"])
            self.habits[m["id"]] = h
        self.brand_names = {b[0]: b for b in cfg["brands"]}

    # -- helpers ------------------------------------------------------------------------------
    def parent(self, mid):
        return self.members[mid]["parent"]

    def kind(self, mid):
        return self.members[mid]["kind"]

    def ids_of(self, *kinds):
        return [m["id"] for m in self.cfg["members"] if m["kind"] in kinds]

    def campaign_for(self, day):
        for cid, name, s, e in self.cfg["campaigns"]:
            if s <= day <= e:
                return cid, name
        return None, None

    def new_label(self):
        self.counter += 1
        return f"{self.cfg['key']}-a{self.counter:04d}"

    def random_day(self, weekend_bias=0.65):
        rng = self.rng
        span = (self.cfg["last_day"] - self.cfg["first_day"]).days
        while True:
            d = self.cfg["first_day"] + timedelta(days=rng.randrange(span + 1))
            if d.weekday() >= 5 or rng.random() > weekend_bias:
                return d

    def free(self, place, room, start, end):
        for (s, e) in self.busy.get((place.key, room[1] if room else None), []):
            if s < end + timedelta(minutes=30) and start < e + timedelta(minutes=30):
                return False
        return True

    def occupy(self, act):
        self.busy.setdefault((act.place.key, act.room[1] if act.room else None), []).append(
            (act.start, act.start if act.multi_day else act.end))


def at(day, hhmm):
    h, m = hhmm
    return datetime(day.year, day.month, day.day, h, m, tzinfo=CST)


SLOTS_DAY = [(9, 0), (9, 30), (10, 0), (14, 0), (14, 30), (15, 0), (15, 30)]
SLOTS_EVE = [(19, 0), (19, 30)]

# ---------------------------------------------------------------------------------------------
# Activity content
# ---------------------------------------------------------------------------------------------


def make_content(city: City, host: str, category: str | None = None):
    """A (category, prefix, core, speaker, detail, audience, brand_id) for an activity hosted by host."""
    rng = city.rng
    kind = city.kind(host)
    if category is None:
        weights = {
            "lecture": 3 if kind in ("central", "district", "university", "culture") else 1,
            "reading_club": 3, "children": 3 if kind in ("children", "street", "community", "citystudy") else 1,
            "parent_child": 3, "training": 1.5, "exhibition": 1, "outreach": 2 if kind in ("town", "village") else 0.5,
            "screening": 1, "salon": 1, "digital": 0.6, "accessibility": 0.4, "contest": 0.5,
        }
        category = rng.choices(list(weights), list(weights.values()))[0]
    prefix = speaker = detail = audience = brand_id = None
    brands = [b for b in city.cfg["brands"] if b[2] == host and b[3] == category]
    if brands and rng.random() < 0.7:
        brand_id, prefix = brands[0][0], brands[0][1]
    if category == "lecture":
        topic = rng.choice(LECTURE_TOPICS)
        speaker = rng.choice(SPEAKERS)
        detail = f"主讲：{speaker}（{rng.choice(TITLES_OF)}）"
        core = rng.choice([f"{topic}", f"{topic}专题讲座", f"{topic}——{speaker}主讲"])
        audience = rng.choice([None, "成人读者", "老年读者", "市民", "家长"])
    elif category in ("reading_club", "salon"):
        book = rng.choice(BOOKS)
        core = rng.choice([f"《{book}》共读分享会", f"读书会·《{book}》", f"《{book}》读书沙龙", f"共读《{book}》"])
        detail = f"本期共读：《{book}》"
        audience = rng.choice([None, "成人读者", "青年读者", "书友"])
        if category == "salon" and rng.random() < 0.4:
            core = f"诗歌沙龙·{rng.choice(POEM_THEMES)}"
    elif category == "children":
        pb = rng.choice(PICTURE_BOOKS)
        core = rng.choice([f"绘本故事会《{pb}》", f"《{pb}》绘本共读", "小小图书管理员职业体验", f"童趣故事屋：《{pb}》"])
        detail = f"绘本：《{pb}》"
        audience = rng.choice(["3-6岁儿童", "4-8岁儿童及家长", "小学低年级学生", None])
    elif category == "parent_child":
        craft = rng.choice(CRAFTS)
        core = rng.choice([f"亲子{craft}", f"亲子手工：{craft}", f"“{craft}”亲子体验课", f"小手拉大手·{craft}"])
        detail = f"手工项目：{craft}"
        audience = rng.choice(["亲子家庭", "6-12岁儿童及家长", None])
    elif category == "training":
        core = rng.choice(TRAININGS)
        audience = "老年读者" if "老年" in core else rng.choice([None, "基层管理员", "读者"])
    elif category == "exhibition":
        core = rng.choice(EXHIBITS)
    elif category == "outreach":
        core = rng.choice(["送书下乡", "流动图书车进村", "图书漂流进社区", "阅读推广进军营", "送书进企业",
                           "“书香进万家”图书流动服务", "农家书屋图书更换与阅读指导"])
    elif category == "screening":
        film = rng.choice(FILMS)
        core = rng.choice([f"公益观影：《{film}》", f"周末电影《{film}》", f"光影阅读·《{film}》"])
    elif category == "digital":
        core = rng.choice(["数字阅读体验日", "VR阅读体验", "“云上图书馆”使用指导", "电子资源推广活动"])
    elif category == "accessibility":
        core = rng.choice(["视障读者听书会", "“心灵之约”助残阅读", "无障碍电影放映", "手语读书会"])
        audience = rng.choice(["视障读者", "残障人士", "残障人士及家属"])
    elif category == "contest":
        core = rng.choice(CONTESTS)
    else:
        core = "读者见面会"
    return category, prefix, core, speaker, detail, audience, brand_id


def pick_host(city: City):
    rng = city.rng
    ids = list(city.members)
    w = []
    for mid in ids:
        k = city.kind(mid)
        w.append({"central": 7, "district": 5, "children": 4, "culture": 2, "street": 3, "town": 3, "village": 1.2,
                  "community": 1.2, "citystudy": 1.3, "school": 1, "bookshop": 1.5, "university": 2,
                  "workplace": 0.8}[k])
    return rng.choices(ids, w)[0]


def pick_cohosts(city: City, host: str, k: int):
    """Plausible co-hosts: parent, children, siblings, the central library, partners' shops."""
    rng = city.rng
    cands = []
    par = city.parent(host)
    if par:
        cands += [par] * 4
        cands += [s for s in city.children[par] if s != host]
        gp = city.parent(par)
        if gp:
            cands += [gp] * 2
    cands += city.children[host] * 3
    cands += [m for m in city.members if city.kind(m) in ("bookshop", "culture", "children")]
    cands = [c for c in cands if c != host]
    out = []
    while len(out) < k and cands:
        c = rng.choice(cands)
        if c not in out:
            out.append(c)
        cands = [x for x in cands if x not in out]
    return [(c, rng.choices(ROLE_NAMES, [4, 5, 1])[0]) for c in out]


def pick_room(city: City, place: Place, category: str):
    rng = city.rng
    rooms = place.rooms
    pref = {"lecture": ["报告厅", "多功能厅", "逸夫报告厅", "小剧场", "阶梯教室"],
            "children": ["少儿", "绘本", "故事", "亲子", "阅览"],
            "parent_child": ["亲子", "活动", "多功能", "绘本", "非遗"],
            "exhibition": ["展厅", "大厅", "展", "阅览"],
            "screening": ["小剧场", "报告厅", "多功能"],
            "digital": ["数字", "共享", "活动"],
            "accessibility": ["视障", "活动", "多功能"]}.get(category, [])
    good = [r for r in rooms if any(p in r[1] for p in pref)]
    if good and rng.random() < 0.8:
        return rng.choice(good)
    return rng.choice(rooms) if rooms else None


def group_size(rng):
    r = rng.random()
    if r < 0.665:
        return 1
    return rng.choices([2, 3, 4, 5], [0.62, 0.24, 0.10, 0.04])[0]


def build_activity(city: City, *, host=None, category=None, day=None, slot=None, place=None, room=None,
                   content=None, n=None, family=None, duration=None, cohosts=None, **extra) -> Activity | None:
    rng = city.rng
    host = host or pick_host(city)
    if content is None:
        content = make_content(city, host, category)
    category, prefix, core, speaker, detail, audience, brand_id = content
    if n is None:
        n = group_size(rng)
    day = day or city.random_day()
    multi_day = category == "exhibition"
    if slot is None:
        slot = rng.choice(SLOTS_EVE if (category in ("lecture", "reading_club", "salon") and rng.random() < 0.25
                                        and city.kind(host) in ("central", "district", "university", "bookshop"))
                          else SLOTS_DAY)
    start = at(day, slot)
    if multi_day:
        start = at(day, (9, 0))
        end = at(day + timedelta(days=rng.choice([6, 9, 13])), (17, 0))
    else:
        end = start + timedelta(minutes=duration or rng.choice([60, 90, 90, 120, 120, 150]))
    if place is None:
        if category == "outreach" and city.kind(host) in ("village", "community", "citystudy", "workplace", "school"):
            place = city.places[host]
        elif category == "outreach":
            kids = [c for c in city.children[host] if city.kind(c) in ("village", "community", "workplace")]
            if not kids:
                kids = [g for c in city.children[host] for g in city.children[c]
                        if city.kind(g) in ("village", "community", "workplace", "citystudy")]
            place = city.places[rng.choice(kids)] if kids else city.places[
                rng.choice([k for k in city.places if k.startswith("ext:")])]
        elif rng.random() < 0.06:
            place = city.places[rng.choice([k for k in city.places if k.startswith("ext:")])]
        else:
            place = city.places[host]
    if room is None:
        room = pick_room(city, place, category)
    if cohosts is None:
        k = max(0, n - 1 - (1 if rng.random() < 0.25 else 0)) if n > 1 else rng.choices([0, 1, 2], [0.5, 0.35, 0.15])[0]
        if place.member and place.member != host and rng.random() < 0.7:
            base = [(place.member, "organiser")]
            rest = [c for c in pick_cohosts(city, host, k) if c[0] != place.member]
            cohosts = (base + rest)[:max(k, 1)]
        else:
            cohosts = pick_cohosts(city, host, k)
    partners = []
    if rng.random() < 0.3:
        partners = rng.sample([p[0] for p in city.cfg["partners"]], rng.choice([1, 1, 2]))
    campaign_id, _ = city.campaign_for(day)
    act = Activity(label=city.new_label(), host=host, cohosts=cohosts, partners=partners, prefix=prefix, core=core,
                   category=category, start=start, end=end, place=place, room=room, brand_id=brand_id,
                   campaign_id=campaign_id, family=family, speaker=speaker, detail=detail, audience=audience,
                   multi_day=multi_day, n=n)
    for k_, v in extra.items():
        setattr(act, k_, v)
    if not extra.get("force") and not city.free(place, room, start, act.end if not multi_day else start):
        city.counter -= 1
        return None
    # the same title on the same day at the same place only inside a family
    key = (place.key, day, core)
    if key in city.titles_day and family is None:
        city.counter -= 1
        return None
    city.titles_day.add(key)
    city.occupy(act)
    city.activities.append(act)
    return act


# ---------------------------------------------------------------------------------------------
# Look-alike families (each member a separate real activity)
# ---------------------------------------------------------------------------------------------


def fam_weekly(city):
    rng = city.rng
    host = rng.choice(city.ids_of("central", "children", "district", "street", "citystudy", "town"))
    content = make_content(city, host, rng.choice(["children", "reading_club", "training", "parent_child"]))
    cat, prefix, core, sp, detail, aud, bid = content
    if cat == "children":
        core = rng.choice(["周六绘本故事会", "周末亲子故事会", "童趣故事屋"])
    elif cat == "reading_club":
        core = rng.choice(["周末读书会", "午后共读时光", "书友会例会"])
    elif cat == "parent_child":
        core = rng.choice(["周末亲子手工坊", "小手工大创意亲子课堂"])
    place = city.places[host]
    room = pick_room(city, place, cat)
    slot = rng.choice(SLOTS_DAY)
    day = city.random_day(weekend_bias=1.0)
    if (city.cfg["last_day"] - day).days < 30:
        day -= timedelta(days=35)
    out = []
    for w in range(rng.choice([3, 4, 5])):
        d = day + timedelta(days=7 * w)
        c = (cat, prefix, core, sp, f"本期内容：{rng.choice(PICTURE_BOOKS if cat == 'children' else BOOKS)}"
             if cat in ("children", "reading_club") else detail, aud, bid)
        a = build_activity(city, host=host, day=d, slot=slot, place=place, room=room, content=c, family="weekly_series",
                           force=True, duration=90)
        out.append(a)
    return out


def fam_multi_branch(city):
    rng = city.rng
    central = next(m for m in city.members if city.kind(m) == "central")
    pool = city.ids_of("town", "street", "district", "citystudy")
    branches = rng.sample(pool, rng.choice([3, 4, 5]))
    book = rng.choice(BOOKS)
    prog = rng.choice([f"“同读一本书”《{book}》", f"全民阅读·共读《{book}》", "“书香润万家”亲子共读",
                       "“阅读伴成长”少儿诵读", "“我们的节日”经典诵读"])
    cat = "reading_club" if "《" in prog else "children"
    day = city.random_day(weekend_bias=1.0)
    slot = rng.choice([(9, 30), (14, 30), (15, 0)])
    out = []
    for b in branches:
        place = city.places[b]
        host = central if rng.random() < 0.6 else b
        coh = [(b, "organiser")] if host == central else [(central, "co_organiser")]
        a = build_activity(city, host=host, day=day, slot=slot, place=place, room=pick_room(city, place, cat),
                           content=(cat, None, prog, None, None, None, None), family="same_programme_branches_same_hour",
                           keep_place=True, cohosts=coh, force=True, duration=90)
        out.append(a)
    return out


def fam_parallel(city):
    rng = city.rng
    host = rng.choice(city.ids_of("central", "district", "children"))
    place = city.places[host]
    rooms = rng.sample(place.rooms, min(len(place.rooms), rng.choice([2, 3])))
    day = city.random_day(weekend_bias=1.0)
    slot = rng.choice([(9, 30), (14, 30)])
    prefix = rng.choice([city.cfg["festival"], "4·23世界读书日", "图书馆开放日", "暑期阅读季"])
    out = []
    cats = rng.sample(["lecture", "children", "parent_child", "digital", "reading_club"], len(rooms))
    for room, cat in zip(rooms, cats):
        c = list(make_content(city, host, cat))
        c[1] = prefix
        a = build_activity(city, host=host, day=day, slot=slot, place=place, room=room, content=tuple(c),
                           family="parallel_sessions_one_building", force=True)
        out.append(a)
    return out


def fam_first_second(city):
    rng = city.rng
    host = rng.choice(city.ids_of("central", "children", "district", "street", "bookshop"))
    place = city.places[host]
    cat = rng.choice(["children", "parent_child", "digital", "screening"])
    c = make_content(city, host, cat)
    room = pick_room(city, place, cat)
    day = city.random_day(weekend_bias=1.0)
    first = rng.choice([(9, 0), (14, 0), (14, 30)])
    out = []
    for i, mark in enumerate(rng.choice([("第一场", "第二场"), ("第1场", "第2场"), ("（一）", "（二）")])):
        slot = (first[0] + i, first[1])
        a = build_activity(city, host=host, day=day, slot=slot, place=place, room=room, content=c,
                           family="first_second_session_hour_apart", marker=mark, tight_time=True, force=True,
                           duration=50)
        out.append(a)
    return out


def fam_same_hall_later(city):
    rng = city.rng
    host = rng.choice(city.ids_of("central", "district", "children", "university", "culture", "town"))
    place = city.places[host]
    room = rng.choice(place.rooms)
    day = city.random_day(weekend_bias=1.0)
    out = []
    cat = rng.choice(["lecture", "reading_club", "children", "parent_child"])
    for slot in [(9, 30), (14, 30)]:
        a = build_activity(city, host=host, day=day, slot=slot, place=place, room=room,
                           content=make_content(city, host, cat),
                           family="same_hall_later_same_day", force=True, duration=90)
        out.append(a)
    return out


def fam_same_book_months(city):
    rng = city.rng
    host = rng.choice(city.ids_of("central", "district", "street", "town", "bookshop", "citystudy"))
    place = city.places[host]
    room = pick_room(city, place, "reading_club")
    book = rng.choice(BOOKS)
    core = rng.choice([f"《{book}》共读分享会", f"共读《{book}》", f"读书会·《{book}》"])
    slot = rng.choice(SLOTS_DAY)
    day = city.cfg["first_day"] + timedelta(days=rng.randrange(20))
    while day.weekday() != 5:
        day += timedelta(days=1)
    out = []
    for i in range(rng.choice([2, 3])):
        d = day + timedelta(days=rng.choice([28, 35, 42]) * i)
        a = build_activity(city, host=host, day=d, slot=slot, place=place, room=room,
                           content=("reading_club", None, core, None, f"本期共读：《{book}》", None, None),
                           family="same_book_different_months", force=True, duration=120)
        out.append(a)
    return out


def fam_morning_afternoon(city):
    rng = city.rng
    host = rng.choice(city.ids_of("central", "children", "district", "street", "town", "culture"))
    place = city.places[host]
    c = make_content(city, host, "parent_child")
    room = pick_room(city, place, "parent_child")
    day = city.random_day(weekend_bias=1.0)
    out = []
    for slot, mark in [((9, 30), "上午场"), ((14, 30), "下午场")]:
        a = build_activity(city, host=host, day=day, slot=slot, place=place, room=room, content=c,
                           family="morning_and_afternoon_runs", force=True, duration=90, marker_soft=mark)
        out.append(a)
    return out


def fam_touring(city):
    rng = city.rng
    central = next(m for m in city.members if city.kind(m) == "central")
    stops = rng.sample(city.ids_of("town", "street", "district", "school", "bookshop"), rng.choice([2, 3]))
    ex = rng.choice(EXHIBITS)
    core = ex.replace("展", "巡展") if ex.endswith("展") else ex + "巡展"
    day = city.random_day(weekend_bias=0.0)
    out = []
    for i, s in enumerate(stops):
        a = build_activity(city, host=central, day=day + timedelta(days=14 * i), place=city.places[s],
                           content=("exhibition", None, core, None, None, None, None), family="touring_exhibition_stops",
                           keep_place=True, cohosts=[(s, "organiser")], force=True)
        out.append(a)
    return out


def fam_contest_stages(city):
    rng = city.rng
    host = rng.choice(city.ids_of("central", "children", "district", "culture"))
    place = city.places[host]
    core = rng.choice(CONTESTS)
    room = pick_room(city, place, "lecture")
    day = city.random_day(weekend_bias=1.0)
    out = []
    for i, stage in enumerate(["初赛", "决赛"]):
        a = build_activity(city, host=host, day=day + timedelta(days=14 * i), slot=(9, 0), place=place, room=room,
                           content=("contest", None, f"{core}{stage}", None, None, None, None),
                           family="contest_heat_and_final", marker=stage, force=True, duration=180)
        out.append(a)
    return out


def fam_lecture_tour(city):
    rng = city.rng
    libs = rng.sample(city.ids_of("central", "district", "town", "street", "university", "culture"), rng.choice([2, 3]))
    topic = rng.choice(LECTURE_TOPICS)
    sp = rng.choice(SPEAKERS)
    day = city.random_day(weekend_bias=0.3)
    out = []
    for i, lib in enumerate(libs):
        place = city.places[lib]
        a = build_activity(city, host=lib, day=day + timedelta(days=i), slot=rng.choice([(9, 30), (14, 30)]),
                           place=place, room=pick_room(city, place, "lecture"),
                           content=("lecture", None, topic, sp, f"主讲：{sp}", None, None), family="lecture_tour_same_speaker",
                           keep_place=True, force=True, duration=90)
        out.append(a)
    return out


def fam_villages_same_day(city):
    rng = city.rng
    towns = [t for t in city.members if [c for c in city.children[t]
                                         if city.kind(c) in ("village", "community", "citystudy", "workplace")]]
    if not towns:
        return []
    host = rng.choice(towns)
    stops = [c for c in city.children[host] if city.kind(c) in ("village", "community", "citystudy", "workplace")]
    others = [c for t in towns for c in city.children[t] if c not in stops and city.kind(c) != "street"]
    stops = (stops + rng.sample(others, min(2, len(others))))[: rng.choice([2, 3])]
    core = rng.choice(["送书下乡", "流动图书车进村", "“书香进万家”图书流动服务", "流动图书服务"])
    day = city.random_day(weekend_bias=0.2)
    out = []
    for i, s in enumerate(stops):
        slot = [(9, 0), (14, 30), (16, 0)][i]
        a = build_activity(city, host=host, day=day, slot=slot, place=city.places[s],
                           content=("outreach", None, core, None, None, "村民", None), family="outreach_stops_same_day",
                           keep_place=True, cohosts=[(s, "participant")], force=True, duration=60)
        out.append(a)
    return out


FAMILIES = [(fam_weekly, 10), (fam_multi_branch, 9), (fam_parallel, 8), (fam_first_second, 8),
            (fam_same_hall_later, 9), (fam_same_book_months, 6), (fam_morning_afternoon, 6), (fam_touring, 4),
            (fam_contest_stages, 4), (fam_lecture_tour, 5), (fam_villages_same_day, 6)]


def big_event(city, which):
    """A launch / festival opening that every co-host announces (groups of 6–9)."""
    rng = city.rng
    central = next(m for m in city.members if city.kind(m) == "central")
    day = city.random_day(weekend_bias=1.0)
    n = rng.choice([6, 7, 8])
    ch = [m for m in city.members if m != central and city.kind(m) in ("district", "town", "street", "children",
                                                                            "culture", "bookshop")]
    coh = [(c, rng.choice(["organiser", "co_organiser"])) for c in rng.sample(ch, min(len(ch), n + 2))]
    prefix, core = [(city.cfg["festival"], "开幕式暨全民阅读推广大会"),
                    (f"{city.cfg['city']}市“全民阅读月”", "启动仪式"),
                    ("“书香满城”全民阅读季", "启动仪式暨“书香家庭”颁奖")][which]
    core = f"{prefix}{rng.choice(['', ' ', '·'])}{core}"  # nobody drops the series from a launch
    prefix = None
    place = city.places[central] if rng.random() < 0.6 else city.places[rng.choice(
        [k for k in city.places if k.startswith("ext:")])]
    a = build_activity(city, host=central, day=day, slot=(9, 30), place=place, room=pick_room(city, place, "lecture"),
                       content=("festival", prefix, core, None, None, "市民", None), n=n, cohosts=coh,
                       family=None, force=True, duration=120)
    a.big = True
    return a


# ---------------------------------------------------------------------------------------------
# Announcements
# ---------------------------------------------------------------------------------------------


def short_of(city, mid):
    return city.rng.choice(city.members[mid]["shorts"])


def fmt_day(d: datetime, rng):
    return rng.choice([f"{d.month}月{d.day}日", f"{d.month}.{d.day}", f"{d.month}月{d.day}日（周{WEEKDAY_CN[d.weekday()]}）",
                       f"{d.month:02d}/{d.day:02d}"])


def fmt_time(d: datetime):
    return f"{d.hour}:{d.minute:02d}"


def vary_core(core, rng, tags):
    out = core
    r = rng.random()
    if "《" in out and r < 0.2:
        out = out.replace("《", "“").replace("》", "”")
        tags.add("title_book_quotes_changed")
    elif "《" in out and r < 0.27:
        out = out.replace("《", "").replace("》", "")
        tags.add("title_book_quotes_dropped")
    if "“" in out and rng.random() < 0.15:
        out = out.replace("“", "").replace("”", "")
        tags.add("title_quotes_dropped")
    if rng.random() < 0.12:
        for a, b in [("共读分享会", "读书分享活动"), ("读书沙龙", "读书会"), ("绘本故事会", "绘本故事分享"),
                     ("专题讲座", "讲座"), ("亲子手工：", "亲子手工·"), ("体验课", "体验活动"), ("公益观影：", "公益电影")]:
            if a in out:
                out = out.replace(a, b)
                tags.add("title_synonym")
                break
    if rng.random() < 0.03:
        for a, b in TITLE_TYPOS:
            if a in out:
                out = out.replace(a, b, 1)
                tags.add("title_typo")
                break
    if rng.random() < 0.06 and "——" in out:
        out = out.split("——")[0]
        tags.add("title_speaker_dropped")
    return out


def render_title(city, act, w, ch, rng, tags, when):
    core = vary_core(act.core, rng, tags)
    marker = act.marker
    if marker and marker not in core:
        core = rng.choice([f"{core}（{marker}）", f"{core}{marker}", f"{marker}｜{core}"]) if not marker.startswith("（") \
            else f"{core}{marker}"
    soft = getattr(act, "marker_soft", None)
    if soft and rng.random() < 0.5:
        core = f"{core}（{soft}）"
        tags.add("run_marker_in_title")
    prefix = act.prefix
    if prefix and rng.random() < 0.35 and not getattr(act, "big", False):
        tags.add("prefix_dropped")
        prefix = None
    sep = rng.choice(["：", "：", "：", "｜", " | ", "·", "——", " "]) if prefix else ""
    if prefix and sep != "：":
        tags.add("prefix_separator_changed")
    base = f"{prefix}{sep}{core}" if prefix else core
    if ch == "dy":
        tags.add("video_caption_title")
        place = rng.choice(act.place.shorts)
        tail = rng.choice(["快来一起吧～", "等你来！", "名额有限抓紧报名", ""] +
                          (["带上娃一起来吧"] if act.category in ("children", "parent_child") else []))
        tags_ = " ".join(rng.sample(city.cfg["hashtags"], 2))
        text = rng.choice([f"{fmt_day(when, rng)}{place}见！{base}{tail} {tags_}",
                           f"{tags_} {base}，{fmt_day(when, rng)}在{place}，{tail}",
                           f"📢{base}来啦！{tail}{tags_}"])
        return text[:120]
    if ch == "wlj" and getattr(act, "_late", False):
        tags.add("report_style_title")
        lib = short_of(city, w)
        q = core if "“" in core or "《" in core else f"“{core}”"
        return rng.choice([f"{lib}开展{q}活动", f"{lib}举办{core}", f"{fmt_day(when, rng)}，{lib}开展{core}",
                           f"【工作动态】{lib}成功举办{q}"])
    if ch == "wlj":
        tags.add("report_sheet_title")
        return rng.choice([f"{core}", f"{fmt_day(when, rng)} {core}", f"“{core}”活动"])
    if ch == "qun":
        tags.add("chat_relay_title")
        return rng.choice([f"【通知】{fmt_day(when, rng)}{base}", f"关于开展{core}的通知", f"{base}（请各馆转发）",
                           f"{fmt_day(when, rng)} {fmt_time(when)} {core}"])
    t = base
    h = city.habits[w]
    if rng.random() < h["self_prefix"]:
        t = rng.choice([f"【{short_of(city, w)}】{t}", f"{short_of(city, w)}｜{t}"])
        tags.add("library_name_prefix")
    if ch == "web" and rng.random() < 0.25:
        t = rng.choice([f"关于举办“{core}”的预告", f"{city.members[w]['name']}{core}活动预告", f"活动预告：{t}"])
        tags.add("website_notice_title")
    r = rng.random()
    if r < 0.10:
        t = rng.choice(["【联盟活动】", "【活动预告】", "【报名】", "【预告】", "【周末去哪儿】"]) + t
        tags.add("decorated_bracket_prefix")
    elif r < 0.16:
        t = f"{fmt_day(when, rng)}｜{t}"
        tags.add("date_in_title")
    r = rng.random()
    if r < 0.07:
        t += rng.choice(["（报名中）", "（已满员）", "，欢迎参加", "  欢迎参加！", "（名额有限）"])
        tags.add("decorated_suffix")
    elif r < 0.13 and not t.endswith("活动"):
        t += rng.choice(["活动", "读书分享活动", "主题活动"]) if act.category in ("reading_club", "salon") \
            else "活动"
        tags.add("activity_word_appended")
    if rng.random() < h["emoji"]:
        e = rng.choice(["📚", "🎉", "✨", "🌸", "👧👦", "🔥"])
        t = rng.choice([e + t, t + e, e + t + e])
        tags.add("emoji")
    if ch == "wx" and rng.random() < 0.05:
        t = rng.choice(["周末带娃去哪？", "本周六，", "重磅！", "倒计时3天！"]) + t
        tags.add("clickbait_lead")
    return t[:200]


def render_venue(city, act, w, rng, tags):
    pl, room = act.place, act.room
    owner = pl.member == w
    floor, rname, syns = room if room else ("", None, [])
    strict = act.keep_place
    forms = ["full", "short_floor", "room_floor", "room", "syn", "address", "place_only", "self", "addr_room"]
    weights = [3, 2.5, 2 if owner else 0.4, 1.5 if owner else 0.3, 1 if owner else 0.3, 1, 1, 0.5 if owner else 0, 0.8]
    if rname is None:
        weights = [3, 0, 0, 0, 0, 1.5, 3, 0.5 if owner else 0, 0]
    if strict:  # the place must be named, by its owner too (a room alone would fit a look-alike elsewhere)
        weights = [w_ if f in ("full", "short_floor", "address", "place_only", "addr_room") else 0 for f, w_ in
                   zip(forms, weights)]
    form = rng.choices(forms, weights)[0]
    rn = rname or ""
    if form in ("syn",) and not syns:
        form = "room"
    fl = floor if rng.random() < 0.6 else ""
    if form == "full":
        name = f"{pl.name}{fl}{rn}" if rn not in pl.name else pl.name
    elif form == "short_floor":
        sh = rng.choice(pl.shorts)
        name = f"{sh}{fl}{rn}" if rn not in sh and sh not in rn else sh
        tags.add("venue_library_abbreviated")
    elif form == "room_floor":
        name = f"{floor}{rn}" if floor else rn
        tags.add("venue_room_only")
    elif form == "room":
        name = rn
        tags.add("venue_room_only")
    elif form == "syn":
        s = rng.choice(syns)
        sh = rng.choice(pl.shorts)
        name = rng.choice([s, f"{sh}{s}" if s not in sh and sh not in s else sh])
        tags.add("venue_room_synonym")
    elif form == "address":
        name = pl.address
        tags.add("venue_address_instead")
    elif form == "addr_room":
        name = f"{pl.address}（{rn}）" if rn else pl.address
        tags.add("venue_address_instead")
    elif form == "place_only":
        name = rng.choice([pl.name] + pl.shorts)
        tags.add("venue_place_without_room")
    else:
        name = rng.choice(["本馆", "我馆", "馆内", "本站"]) + fl + rn
        tags.add("venue_self_reference")
    if not name:
        name = pl.name
    if rng.random() < 0.04:
        for a, b in VENUE_TYPOS:
            if a in name:
                name = name.replace(a, b, 1)
                tags.add("venue_typo")
                break
    if rng.random() < 0.08:
        name = name.replace("楼", " 楼 ", 1) if "楼" in name else f" {name}"
        name = name.replace("（", "(").replace("）", ")")
        tags.add("venue_spacing_punct")
    v = {"name": name}
    if rng.random() < 0.3 and form not in ("address", "addr_room"):
        v["address"] = pl.address
    vid = city.venue_dir.get((pl.member, rname)) if pl.member else None
    if vid and owner and rng.random() < city.habits[w]["venue_ids"]:
        v["venue_id"] = vid
        tags.add("venue_id_given")
    return v


def render_organizers(city, act, w, rng, tags, mode=None):
    roles = {act.host: "host", **{c: r for c, r in act.cohosts}}
    if mode is None:
        if w == act.host:
            mode = rng.choices(["full", "self", "none"], [0.55, 0.25, 0.2])[0]
        elif w in roles:
            mode = rng.choices(["full", "host_self", "none", "claim_host", "self_only", "v1"],
                               [0.3, 0.25, 0.15, 0.12, 0.1, 0.08])[0]
        else:  # a parent re-posting a child's activity, not credited
            mode = rng.choices(["host_only", "none"], [0.6, 0.4])[0]
    tags.add("organizers_" + mode)
    if mode == "full":
        return [{"library_id": k, "role": v} for k, v in roles.items()]
    if mode == "self":
        return [{"library_id": w, "role": "host"}]
    if mode == "none":
        return []
    if mode == "host_self":
        return [{"library_id": act.host, "role": "host"}, {"library_id": w, "role": roles[w]}]
    if mode == "claim_host":
        out = [{"library_id": w, "role": "host"}]
        out += [{"library_id": act.host, "role": "co_host"}] if rng.random() < 0.6 else []
        return out
    if mode == "self_only":
        return [{"library_id": w, "role": roles[w]}]
    if mode == "v1":
        return [{"library_id": act.host, "role": "host"}] + [{"library_id": c, "role": "co_host"} for c, _ in act.cohosts]
    if mode == "host_only":
        return [{"library_id": act.host, "role": "host"}]
    return []


def render_times(city, act, w, rng, tags, tight):
    s, e = act.start, act.end
    h = city.habits[w]
    if act.multi_day:
        r = rng.random()
        if r < 0.35:
            tags.add("all_day_exhibition")
            s2 = datetime(s.year, s.month, s.day, tzinfo=CST)
            e2 = datetime(e.year, e.month, e.day, tzinfo=CST)
            return s2, e2, True
        if r < 0.5:
            tags.add("exhibition_first_day_only")
            return s, at(s.date(), (17, 0)), False
        if r < 0.6:
            tags.add("exhibition_opening_hour")
            return at(s.date(), (9, 30)), e, False
        return s, e, False
    r = rng.random()
    if r < h["signin"] + 0.08:
        d = rng.choice([15, 15] if tight else [15, 20, 30, 30])
        s = s - timedelta(minutes=d)
        tags.add("start_sign_in_early")
    elif not tight and r < h["signin"] + 0.08 + h["round"] + 0.07 and s.minute:
        s = s.replace(minute=0) if rng.random() < 0.6 else s.replace(minute=0) + timedelta(hours=1)
        tags.add("start_rounded_hour")
    elif not tight and r < h["signin"] + h["round"] + 0.22:
        s = s + timedelta(minutes=rng.choice([-60, -45, -30, 30, 45, 60]))
        tags.add("start_off_up_to_hour")
    elif tight and r < 0.3:
        s = s + timedelta(minutes=rng.choice([-10, 10]))
        tags.add("start_off_10_min")
    r = rng.random()
    if r < h["noend"]:
        e = s
        tags.add("end_missing")
    elif r < h["noend"] + 0.12:
        e = s + timedelta(hours=2) if s + timedelta(hours=2) != act.end else s + timedelta(hours=1)
        tags.add("end_different")
    elif r < h["noend"] + 0.17:
        e = at(s.date(), (12, 0)) if s.hour < 12 else at(s.date(), (17, 30))
        tags.add("end_different")
    if e < s:
        e = s
    return s, e, False


def iso(d: datetime, utc: bool):
    if utc:
        return d.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return d.isoformat()


CATEGORY_DRIFT = {"lecture": ["salon", "other"], "reading_club": ["salon", "other"], "salon": ["reading_club"],
                  "children": ["parent_child", "other"], "parent_child": ["children", "other"],
                  "training": ["digital", "lecture"], "exhibition": ["other"], "outreach": ["other", "reading_club"],
                  "screening": ["other"], "festival": ["other", "outreach"], "digital": ["training"],
                  "accessibility": ["reading_club", "other"], "contest": ["children", "other"]}


def describe(city, act, w, rng, tags, when_s):
    h = city.habits[w]
    if rng.random() > h["desc"]:
        tags.add("no_description")
        return None
    parts = []
    t = act.start
    place = act.place.name
    if act.room and act.room[1] not in place:
        place += act.room[0] + act.room[1]
    if rng.random() < 0.7:
        if act.multi_day:
            parts.append(f"展期：{t.month}月{t.day}日—{act.end.month}月{act.end.day}日")
        elif when_s != t and rng.random() < 0.5:
            parts.append(f"时间：{t.month}月{t.day}日 {fmt_time(when_s)}签到，{fmt_time(t)}正式开始")
        else:
            parts.append(f"时间：{t.month}月{t.day}日（周{WEEKDAY_CN[t.weekday()]}）{fmt_time(t)}-{fmt_time(act.end)}")
    if rng.random() < 0.6:
        parts.append(f"地点：{place}")
    if act.detail and rng.random() < 0.7:
        parts.append(act.detail)
    if act.marker and rng.random() < 0.5:
        parts.append(f"本场为{act.marker}")
    if act.cohosts and rng.random() < 0.4:
        parts.append("主办：" + city.members[act.host]["name"] + "；承办/协办：" +
                     "、".join(city.members[c]["name"] for c, _ in act.cohosts))
    if act.partners and rng.random() < 0.6:
        parts.append("合作单位：" + "、".join(act.partners))
    if rng.random() < 0.3:
        parts.append(rng.choice(["报名方式：关注公众号回复“报名”", "名额有限，请提前电话预约", "请携带读者证",
                                 "活动免费，欢迎广大读者参加", "家长请全程陪同"]))
    if act.postponed_from is not None:
        parts.append(f"因天气原因，原定{act.postponed_from.month}月{act.postponed_from.day}日的活动改期至"
                     f"{t.month}月{t.day}日举行，地点不变。")
    if getattr(act, "_late", False):
        parts.append(f"{t.month}月{t.day}日，{city.members[w]['name']}开展了本次活动，共{rng.randrange(15, 120)}人次参加。")
    return "\n".join(parts) if parts else None


def announcements_for(city, act, rng):
    """Choose who announces the activity how many times, and render each announcement."""
    roles = [act.host] + [c for c, _ in act.cohosts]
    n = act.n
    writers = []
    if n == 1:
        writers = [act.host if rng.random() < 0.8 or not act.cohosts else rng.choice(roles[1:])]
    else:
        pool = roles[:]
        rng.shuffle(pool)
        if rng.random() < 0.85 and act.host in pool:
            pool.remove(act.host)
            pool.insert(0, act.host)
        writers = pool[:n]
        # a parent that is not credited re-posts (汇总转发)
        par = city.parent(act.host)
        if len(writers) < n and par and par not in writers and rng.random() < 0.6:
            writers.append(par)
        while len(writers) < n:
            writers.append(rng.choice(writers))  # the same library enters it again
    return writers


CHANNELS = ["wx", "web", "dy", "qun", "wlj", "form"]


def channel_for(city, w, rng):
    h = city.habits[w]
    return rng.choices(CHANNELS, [3, 2, 0.6 + 3 * h["dy"], 0.8, 0.9, 1.5])[0]


def lead_time(ch, rng):
    if ch == "dy":
        return timedelta(hours=rng.randrange(4, 60))
    if ch == "wx":
        return timedelta(days=rng.randrange(1, 8), hours=rng.randrange(0, 12))
    if ch == "web":
        return timedelta(days=rng.randrange(2, 15), hours=rng.randrange(0, 9))
    if ch == "qun":
        return timedelta(days=rng.randrange(1, 6), hours=rng.randrange(0, 10))
    if ch == "wlj":
        return timedelta(days=rng.randrange(8, 30))
    return timedelta(days=rng.randrange(3, 21), hours=rng.randrange(0, 10))


def render_all(city: City):
    rng = city.rng
    lines = []
    refs = Counter()
    for act in city.activities:
        writers = announcements_for(city, act, rng)
        act.writers = writers
        seen = Counter()
        connector_last = act.n >= 3 and rng.random() < 0.3
        postponed = act.n >= 2 and act.family is None and not act.multi_day and rng.random() < 0.04
        anns = []
        for i, w in enumerate(writers):
            seen[w] += 1
            tags = set()
            ch = channel_for(city, w, rng)
            late = ch == "wlj" and rng.random() < 0.6
            act._late = late
            if late:
                tags.add("late_report_after_event")
            if seen[w] > 1:
                tags.add("same_library_twice")
                while ch == anns[-1]["_ch"] if anns else False:
                    ch = channel_for(city, w, rng)
            mode = None
            if connector_last:
                mode = "full" if i == 0 else ("none" if rng.random() < 0.5 else "self_only" if w != act.host else "self")
                if mode == "self_only" and w not in dict(act.cohosts):
                    mode = "none"
            start_s, end_s, all_day = render_times(city, act, w, rng, tags, act.tight_time)
            if ch == "wlj" and not all_day and rng.random() < 0.3 and not act.tight_time \
                    and act.family != "morning_and_afternoon_runs":
                # report sheets (文旅局报表) have a date column only
                start_s = datetime(start_s.year, start_s.month, start_s.day, tzinfo=CST)
                end_s = datetime(act.end.year, act.end.month, act.end.day, tzinfo=CST)
                all_day = True
                tags.add("date_only_report_sheet")
            if seen[w] > 1 and rng.random() < 0.5 and not all_day:
                start_s = start_s + timedelta(minutes=rng.choice([-10, 10]))
                end_s = max(end_s, start_s)
                tags.add("same_library_twice_10min_apart")
            if postponed and i == 0:
                start_s, end_s = start_s - timedelta(days=7), end_s - timedelta(days=7)
            title = render_title(city, act, w, ch, rng, tags, start_s)
            cat = act.category
            if rng.random() < 0.15 + city.habits[w]["category_other"]:
                cat = rng.choice(CATEGORY_DRIFT.get(cat, ["other"]))
                tags.add("category_differs")
            venue = render_venue(city, act, w, rng, tags)
            if ch == "dy" or (act.category == "lecture" and w != act.host and rng.random() < 0.12):
                if act.category == "lecture" and w != act.host and rng.random() < 0.5:
                    venue = {"name": rng.choice(["线上直播（视频号）", "视频号同步直播", "线上+线下"]) +
                             f"（现场：{act.place.shorts[0]}）",
                             "online_url": f"https://channels.weixin.qq.com/live/{rng.randrange(10**9, 10**10)}"}
                    tags.add("venue_online_stream_of_same_event")
            sub = {
                "library_id": w,
                "source_ref": "",
                "title": title,
                "category": cat,
                "starts_at": iso(start_s, city.habits[w]["utc"]),
                "ends_at": iso(end_s, city.habits[w]["utc"]),
                "venue": venue,
                "organizers": render_organizers(city, act, w, rng, tags, mode),
            }
            if city.habits[w]["utc"]:
                tags.add("utc_timestamps")
            if all_day:
                sub["all_day"] = True
            d = describe(city, act, w, rng, tags, start_s)
            if d:
                sub["description"] = d
            if act.brand_id and (w == city.brand_names[act.brand_id][2] and rng.random() < 0.7 or rng.random() < 0.15):
                sub["brand_id"] = act.brand_id
            if act.campaign_id and rng.random() < 0.45:
                sub["campaign_id"] = act.campaign_id
            if act.audience and rng.random() < 0.5:
                sub["audience"] = act.audience
            if act.partners and rng.random() < 0.5:
                names = []
                for p in act.partners:
                    al = dict(city.cfg["partners"]).get(p, [])
                    names.append(rng.choice([p] + al))
                sub["partners"] = names
                if any(x not in act.partners for x in names):
                    tags.add("partner_name_variant")
            if rng.random() < 0.25:
                sub["capacity"] = rng.choice([20, 30, 40, 50, 80, 100, 150, 200])
            if rng.random() < 0.35:
                sub["tags"] = rng.sample(["全民阅读", "亲子", "公益", "读书月", "非遗", "少儿", "讲座", "周末"], 2)
            if rng.random() < 0.3:
                sub["contact"] = rng.choice(["0571-8", "0512-6", "028-8"]) + f"{rng.randrange(1000000, 9999999)}"
            if rng.random() < 0.1:
                sub["registration_url"] = f"https://reg.example.cn/{w}/{rng.randrange(10000, 99999)}"
            if act.speaker and act.speaker not in sub["title"] and rng.random() < 0.2:
                sub["title"] = (sub["title"] + f"（主讲：{act.speaker}）")[:200]
                tags.add("speaker_in_title")
            pub = act.start - lead_time(ch, rng)
            if late:
                pub = act.start + timedelta(days=rng.randrange(0, 4), hours=rng.randrange(3, 20))
            if connector_last and i == 0:
                pub = max(act.start - timedelta(hours=rng.randrange(2, 30)), pub)
                tags.add("connector_arrives_last")
            if postponed and i == 0:
                # first announced on the old date, then the same library / a co-host re-announces
                old = act.start - timedelta(days=7)
                pub = old - timedelta(days=rng.randrange(3, 8))
                first_pub = pub
                tags.add("postponed_original_date")
            elif postponed:
                act.postponed_from = act.start - timedelta(days=7)
                sub["title"] = rng.choice(["【改期】", "【时间调整】", "（改期通知）"]) + sub["title"]
                sub["title"] = sub["title"][:200]
                sd = describe(city, act, w, rng, set(), start_s) or ""
                sub["description"] = sd or f"原定{act.postponed_from.month}月{act.postponed_from.day}日的活动改期举行"
                tags.add("postponed_new_date")
                pub = max(pub, first_pub + timedelta(days=rng.randrange(1, 4), hours=rng.randrange(1, 10)))
                act.postponed_from = None
            sub["_ch"] = ch
            sub["_pub"] = pub
            sub["_tags"] = tags
            sub["label"] = act.label
            anns.append(sub)
        if connector_last:
            latest = max(a["_pub"] for a in anns)
            anns[0]["_pub"] = latest + timedelta(hours=rng.randrange(1, 20))
        lines.extend(anns)
    # source refs per library and channel
    for s in lines:
        w, ch = s["library_id"], s["_ch"]
        refs[(w, ch)] += 1
        k = refs[(w, ch)]
        s["source_ref"] = {"wx": f"wx-{s['_pub']:%y%m%d}-{k:03d}", "web": f"cms/article/{4100 + k * 7}",
                           "dy": f"dy_{s['_pub']:%m%d}{k:04d}", "qun": f"qun-{k}",
                           "wlj": f"wlj-2026-{k:04d}", "form": f"{w}-{k:05d}"}[ch]
    lines.sort(key=lambda s: (s["_pub"], s["library_id"], s["source_ref"]))
    return lines


# ---------------------------------------------------------------------------------------------
# Alliance file
# ---------------------------------------------------------------------------------------------


def toml_str(s):
    return json.dumps(s, ensure_ascii=False)


def alliance_toml(city: City):
    cfg = city.cfg
    out = [f"# {cfg['alliance_name']} — invented for dedup hold-out set 4 (generate_holdout4.py)", "[alliance]",
           f"id = {toml_str(cfg['alliance_id'])}", f"name = {toml_str(cfg['alliance_name'])}",
           f"name_en = {toml_str(cfg['alliance_en'])}", 'timezone = "Asia/Shanghai"', ""]
    for m in cfg["members"]:
        out += ["[[members]]", f"id = {toml_str(m['id'])}", f"name = {toml_str(m['name'])}", f"tier = {toml_str(m['tier'])}"]
        if m["parent"]:
            out.append(f"parent = {toml_str(m['parent'])}")
        out += [f"address = {toml_str(m['address'])}", ""]
    seen_alias = set()
    for mid in cfg["venue_dir"]:
        m = city.members[mid]
        for floor, room, syns in m["rooms"]:
            aliases = [a for a in dict.fromkeys([f"{floor}{room}" if floor else None, f"{room}（{floor}）" if floor else None]
                                               + syns) if a]
            aliases = [a if a not in seen_alias else f"{m['shorts'][0]}{a}" for a in aliases]
            seen_alias.update(aliases)
            out += ["[[venues]]", f"id = {toml_str(city.venue_dir[(mid, room)])}", f"library_id = {toml_str(mid)}",
                    f"name = {toml_str(room)}", f"aliases = [{', '.join(toml_str(a) for a in aliases)}]",
                    f"address = {toml_str(m['address'])}", ""]
    for bid, name, lib, cat, since in cfg["brands"]:
        out += ["[[brands]]", f"id = {toml_str(bid)}", f"name = {toml_str(name)}", f"library_id = {toml_str(lib)}",
                f"since = {since}", f"category = {toml_str(cat)}", f"keywords = [{toml_str(name)}]", ""]
    for cid, name, s, e in cfg["campaigns"]:
        out += ["[[campaigns]]", f"id = {toml_str(cid)}", f"name = {toml_str(name)}", f"starts_on = {s.isoformat()}",
                f"ends_on = {e.isoformat()}", ""]
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------


def generate(cfg, seed):
    rng = random.Random(seed)
    city = City(cfg, rng)
    for which in range(3):
        big_event(city, which)
    fams = [f for f, k in FAMILIES for _ in range(k)]
    rng.shuffle(fams)
    for f in fams:
        f(city)
    expected = lambda: sum(a.n for a in city.activities)  # noqa: E731
    tries = 0
    while expected() < TARGET_LINES and tries < 20000:
        tries += 1
        build_activity(city)
    mark_natural_lookalikes(city)
    lines = render_all(city)
    return city, lines


def mark_natural_lookalikes(city):
    """Activities that drew the same generic title on the same day at other places, within 90 minutes
    (两个分馆同一下午都办“小小图书管理员职业体验”): every announcement must then name its place, so a
    coordinator can still tell them apart; counted as the family generic_title_same_day_elsewhere."""
    by = defaultdict(list)
    for a in city.activities:
        by[(a.core, a.start.date())].append(a)
    for group in by.values():
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                if a.place.key != b.place.key and abs((a.start - b.start).total_seconds()) <= 5400:
                    for x in (a, b):
                        x.keep_place = True
                        x.natural = True


def summarize(city, lines):
    groups = Counter(s["label"] for s in lines)
    hist = Counter(groups.values())
    pairs = sum(n * (n - 1) // 2 for n in groups.values())
    in_2_5 = sum(n for n in groups.values() if 2 <= n <= 5)
    var = Counter(t for s in lines for t in s["_tags"])
    fam_acts = Counter(a.family for a in city.activities if a.family)
    fam_anns = Counter()
    for a in city.activities:
        if a.family:
            fam_anns[a.family] += groups[a.label]
        if getattr(a, "natural", False):
            fam_acts["generic_title_same_day_elsewhere"] += 1
            fam_anns["generic_title_same_day_elsewhere"] += groups[a.label]
    return {
        "announcements": len(lines),
        "activities": len(groups),
        "true_pairs": pairs,
        "group_size_histogram": {str(k): hist[k] for k in sorted(hist)},
        "share_of_announcements_in_groups_2_to_5": round(in_2_5 / len(lines), 3),
        "late_reports_after_start": sum(1 for s in lines if "late_report_after_event" in s["_tags"]),
        "per_variation": dict(sorted(var.items())),
        "lookalike_families": {f: {"activities": fam_acts[f], "announcements": fam_anns[f]} for f in sorted(fam_acts)},
        "members": len(city.members),
        "venue_directory_entries": len(city.venue_dir),
    }


def main():
    summary = {"seed": SEED, "generator": "generate_holdout4.py", "cities": {}}
    for i, cfg in enumerate([CITY_K, CITY_L]):
        city, lines = generate(cfg, SEED + i)
        d = HERE / cfg["key"]
        d.mkdir(exist_ok=True)
        (d / "alliance.toml").write_text(alliance_toml(city), encoding="utf-8")
        with (d / "eval.jsonl").open("w", encoding="utf-8") as f:
            for s in lines:
                rec = {k: v for k, v in s.items() if not k.startswith("_")}
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        summary["cities"][cfg["key"]] = summarize(city, lines)
    (HERE / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (HERE / "README.md").write_text(readme(summary), encoding="utf-8")


README_HEAD = """# Dedup hold-out set 4 (city_k, city_l)

An independent, labelled evaluation set for the announcement deduplicator: two invented
alliances, about 2,000 announcements each, every one labelled with the real activity it
announces (same `label` = same real activity).

Everything here is written by `generate_holdout4.py` (Python stdlib only, seed {seed},
deterministic: running it again gives byte-identical files):

    /work/main/.venv/bin/python tests/data/dedup_holdout4/generate_holdout4.py

## Files
- `city_k/alliance.toml`, `city_k/eval.jsonl` — 宜陵市全民阅读推广联盟, a county-level city (县级市):
  the city library as central library, the 文化馆, a children's branch in the 青少年宫, a
  新华书店 partner bookshop and a primary school as member branches, two 街道分馆, five
  乡镇分馆 housed in 综合文化站, four 农家书屋 under their towns, a community service point,
  a bank-sponsored 城市书房 and an enterprise 职工书屋 (19 members). Venue directory for the
  city library's rooms only. March–June 2026 (读书月, 六一, 端午).
- `city_l/alliance.toml`, `city_l/eval.jsonl` — 澜州市公共图书馆阅读推广联盟, a provincial
  capital: the city library, the city children's library (district tier), four district
  libraries with two or three 街道分馆 each, four sponsored 城市书房/图书驿站 (a bank, a
  shopping mall, a property developer, a metro station), a university library and a
  community service point (21 members). Venue directory for the city library and the
  children's library. July–October 2026 (暑期阅读季, 中秋, 服务宣传周).
- `summary.json` — counts: announcements, activities, true pairs, group-size histogram,
  announcements carrying each variation, activities and announcements per look-alike family.

Each `eval.jsonl` line is one `ActivitySubmission` (wire contract v1) plus the key `label`.
Every line validates with `ActivitySubmission.model_validate` once `label` is removed; every
library id and organizer is a member, every `venue_id` is in the directory, and
`(library_id, source_ref)` is unique. Lines are in arrival order (publication time): most
announcements arrive 0–21 days before the activity (抖音/视频号 captions the last two days,
文旅局 plan sheets up to a month ahead), about 5–6 % are reports sent after it. No line uses
`recurrence` and every `revision` is 1: each session of a series is its own real activity,
announced on its own, as members do. Times are in +08:00 except from the libraries whose systems
export UTC (`Z`): two in city_k (a town branch, the 城市书房), three in city_l.

## Independence statement
Written without looking at the deduplicator. I read only: `schemas/submission.py`, the two
schema modules it imports for validation rules (`schemas/sessions.py`, the top of it, and
`check_series`/`sane_instant` in `schemas/bounds.py`), `shuxiang/alliance.py`,
`tests/data/alliance.toml` and `/work/shared/DOMAIN.md`. I did not open anything under
`services/dedup/`, any other file under `tests/data/` (one `ls tests/data/` showed the
names of the directories there; none was opened), any dedup test, `bench/README.md`, any
dedup/matching documentation, the README's dedup sections or the git history, and I did
not run any matcher or `shuxiang dedup evaluate` on this data.

## How labels were decided
A generator first invents the real activities (host, co-hosts with roles, partners outside
the alliance, title, category, true start and end, place and room), then lets the host,
co-hosts, an uncredited parent library re-posting it (汇总转发) or the same library a second
time write the announcements, each through a channel (公众号, website CMS, 抖音/视频号 caption,
work-group chat relay, 文旅局 report sheet, alliance form) and with that library's habits.
A label is only ever shared by announcements of one generated activity, and the rendering
is constrained so that a coordinator reading two lines side by side can still tell look-alikes
apart: session markers (第一场/初赛 …) are kept in every title that needs them; activities
with look-alikes at other places the same day must name their place (never a bare
"阅览室"); time noise is at most 15 minutes where sessions are an hour apart; date-only
report-sheet rows are never made for activities whose only difference is the hour.
An audit in development found no two lines of different labels with the same normalised
title, the same venue text and starts within an hour.

## Habits modelled (announcements carrying each, see summary.json `per_variation`)
Titles: brand/series prefix dropped or with another separator (｜ · —— space); 【联盟活动】
【活动预告】【报名】【周末去哪儿】; 报名中/已满员/名额有限/欢迎参加; emoji; 活动/读书分享活动
appended; date in the title; the library's own name as a prefix (【青石镇文化站】); website
notice phrasing (关于举办“…”的预告, <馆名>…活动预告); chat relay (【通知】…, 关于开展…的通知,
请各馆转发); video captions with hashtags and the place inside; after-the-fact report titles
(…开展“…”活动, 【工作动态】…成功举办…); book-title marks changed to quotes or dropped; quotes
dropped or doubled; synonyms (共读分享会/读书分享活动, 讲座/专题讲座); speaker added or
dropped; click-bait leads (周末带娃去哪？); homophone typos (分项, 会本, 讲坐).
Venues: full name, abbreviations (市图, 市馆, 区图, 区馆, 澜图, 少儿馆, 青石文化站 …), room with
or without floor, room only, room synonyms (多功能厅/多功能活动室, 报告厅/学术报告厅, 阅览室/图书室),
the street address instead of the room, the place without the room, 本馆/我馆/本站, typos
(多功厅, 报告听, 阅揽室, 文化战), stray spaces and half-width brackets, a `venue_id` only from
directory owners' CMS, a co-host giving the live stream (视频号) as the venue of the same
lecture.
Times: sign-in time 15–30 minutes early, rounded to the hour, off by up to an hour, UTC
timestamps, end missing (= start), end different (12:00/17:30, +2 h); exhibitions as all-day
spans, first day only or opening hour; report-sheet rows with the date only (all day);
the same library entering an activity twice (other channel, slightly other title, or start
10 minutes apart); postponed activities (改期/时间调整: first announced a week earlier, then
re-announced on the new date — one real activity).
Organizers: full list; host and self; nobody; claiming to be host; self only; v1 `co_host`
for everyone; a parent re-posting with only the host; organizer roles that disagree.
Other: category differing between co-hosts (children/parent_child, lecture/salon, other);
partner names abbreviated (市妇联, 团市委); brand and campaign ids given by some writers only;
the announcement carrying the full organizer list arriving last (after the others, which
name nobody or only themselves).

## Look-alikes that are different activities (summary.json `lookalike_families`)
weekly_series (same title, place and hour a week apart); same_programme_branches_same_hour
(one programme at several branches at one hour, often all posted by the central library);
parallel_sessions_one_building (读书节 sub-sessions in different rooms at once);
first_second_session_hour_apart; same_hall_later_same_day; same_book_different_months;
morning_and_afternoon_runs (上午场/下午场, marker often omitted); touring_exhibition_stops
(巡展, next stop two weeks later); contest_heat_and_final (初赛/决赛); lecture_tour_same_speaker
(same speaker and topic at other libraries on following days); outreach_stops_same_day
(送书下乡 at two or three villages one day); generic_title_same_day_elsewhere (the same
stock title drawn by unrelated libraries for the same afternoon). Venues are free text
except where a directory owner gives a `venue_id`.

## Counts
"""


def readme(summary):
    out = [README_HEAD.format(seed=summary["seed"])]
    out.append("| | city_k | city_l |")
    out.append("|---|---|---|")
    k, l_ = summary["cities"]["city_k"], summary["cities"]["city_l"]
    for key in ("members", "announcements", "activities", "true_pairs", "share_of_announcements_in_groups_2_to_5",
                "late_reports_after_start"):
        out.append(f"| {key} | {k[key]} | {l_[key]} |")
    sizes = sorted({*k["group_size_histogram"], *l_["group_size_histogram"]}, key=int)
    for sz in sizes:
        out.append(f"| activities announced {sz}× | {k['group_size_histogram'].get(sz, 0)} | "
                   f"{l_['group_size_histogram'].get(sz, 0)} |")
    out.append("")
    out.append("Look-alike families (activities / announcements):")
    out.append("")
    for fam in sorted({*k["lookalike_families"], *l_["lookalike_families"]}):
        a = k["lookalike_families"].get(fam, {"activities": 0, "announcements": 0})
        b = l_["lookalike_families"].get(fam, {"activities": 0, "announcements": 0})
        out.append(f"- {fam}: city_k {a['activities']} / {a['announcements']}, city_l {b['activities']} / "
                   f"{b['announcements']}")
    out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    main()
