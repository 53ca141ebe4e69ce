#!/usr/bin/env python3
"""Holdout set 8 for the activity-announcement deduplicator (stdlib only, deterministic).

Writes city_s/ and city_t/ (alliance.toml + eval.jsonl) and summary.json next to this file.
Each eval line is a wire-contract v1 ActivitySubmission plus one key "label".
"""
import json
import os
import random
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta, timezone

SEED = 8_2026_1205
TZ = timezone(timedelta(hours=8))
OUT = os.path.dirname(os.path.abspath(__file__))
TARGET = 2000

# ----------------------------------------------------------------------------------------------
# The two alliances
# ----------------------------------------------------------------------------------------------
# member: id, name, tier, parent, kind, shorts (identify the member), addr, rooms [(floor, room)], dir
CITY_S = {
    "key": "city_s", "id": "chengwan", "name": "澄湾市阅读推广联盟", "name_en": "Chengwan Reading Alliance",
    "city": "澄湾",
    "members": [
        dict(id="cw", name="澄湾市图书馆", tier="central", parent=None, kind="central",
             shorts=["市馆", "市图", "澄湾图书馆", "市图书馆", "澄湾市馆"], addr="澄湾市澄江大道88号",
             rooms=[("一楼", "大厅"), ("二楼", "少儿阅览室"), ("三楼", "多功能厅"), ("四楼", "报告厅"),
                    ("五楼", "展厅"), ("二楼", "亲子绘本馆"), ("三楼", "古籍体验室"), ("四楼", "研讨室")], dir=True),
        dict(id="cw-kids", name="澄湾市少年儿童图书馆", tier="branch", parent="cw", kind="kids",
             shorts=["少儿馆", "市少儿图书馆", "少儿图书馆"], addr="澄湾市文昌路17号",
             rooms=[("一楼", "故事屋"), ("二楼", "手工坊"), ("三楼", "小剧场")], dir=True),
        dict(id="cw-donghu", name="澄湾市图书馆东湖分馆", tier="branch", parent="cw", kind="branch",
             shorts=["东湖分馆", "东湖镇图书馆", "东湖馆"], addr="东湖镇湖滨路6号东湖镇文体中心",
             rooms=[("二楼", "阅览室"), ("一楼", "活动室")], dir=True),
        dict(id="cw-shazhou", name="澄湾市图书馆沙洲分馆", tier="branch", parent="cw", kind="branch",
             shorts=["沙洲分馆", "沙洲镇图书馆", "沙洲馆"], addr="沙洲镇人民路120号",
             rooms=[("一楼", "阅览室"), ("二楼", "多功能室")], dir=False),
        dict(id="cw-beizhu", name="澄湾市图书馆北渚分馆", tier="branch", parent="cw", kind="branch",
             shorts=["北渚分馆", "北渚镇图书馆", "北渚馆"], addr="北渚镇渚阳街33号",
             rooms=[("一楼", "阅览室"), ("三楼", "培训教室")], dir=False),
        dict(id="cw-taopu", name="澄湾市图书馆桃浦分馆", tier="branch", parent="cw", kind="branch",
             shorts=["桃浦分馆", "桃浦镇图书馆", "桃浦馆"], addr="桃浦镇桃源路2号",
             rooms=[("一楼", "阅览室"), ("一楼", "活动室")], dir=False),
        dict(id="cw-linjiang", name="澄湾市图书馆临江街道分馆", tier="branch", parent="cw", kind="branch",
             shorts=["临江分馆", "临江街道图书馆", "临江馆"], addr="临江街道滨江花园社区服务中心三楼",
             rooms=[("", "阅览室"), ("", "多功能厅")], dir=False),
        dict(id="cw-gaoxin", name="澄湾市图书馆高新区分馆", tier="branch", parent="cw", kind="branch",
             shorts=["高新区分馆", "高新分馆", "高新区图书馆"], addr="高新区创业路9号科技大厦一楼",
             rooms=[("", "阅读空间"), ("", "路演厅")], dir=True),
        dict(id="cw-sf-wutong", name="梧桐里城市书房", tier="service_point", parent="cw", kind="study",
             shorts=["梧桐里书房", "梧桐里城市书房"], addr="澄湾市梧桐里街区12幢", rooms=[("", "书房")], dir=False),
        dict(id="cw-sf-yunhe", name="运河湾城市书房", tier="service_point", parent="cw", kind="study",
             shorts=["运河湾书房", "运河湾城市书房"], addr="澄湾市运河湾公园北门", rooms=[("", "书房")], dir=False),
        dict(id="cw-sf-wenchang", name="文昌阁城市书房", tier="service_point", parent="cw-kids", kind="study",
             shorts=["文昌阁书房", "文昌阁城市书房"], addr="澄湾市文昌阁历史街区", rooms=[("", "书房")], dir=False),
        dict(id="cw-sf-nanmen", name="南门老街城市书房", tier="service_point", parent="cw", kind="study",
             shorts=["南门老街书房", "南门书房"], addr="澄湾市南门老街45号", rooms=[("", "书房")], dir=False),
        dict(id="cw-sf-shidi", name="湿地公园城市书房", tier="service_point", parent="cw-donghu", kind="study",
             shorts=["湿地公园书房", "湿地书房"], addr="东湖镇湿地公园游客中心旁", rooms=[("", "书房")], dir=False),
        dict(id="cw-sf-kechuang", name="科创园城市书房", tier="service_point", parent="cw-gaoxin", kind="study",
             shorts=["科创园书房", "科创园城市书房"], addr="高新区科创园B区1号楼", rooms=[("", "书房")], dir=False),
        dict(id="cw-zz-gaotie", name="高铁站24小时自助图书馆", tier="service_point", parent="cw", kind="selfserve",
             shorts=["高铁站自助图书馆", "高铁站24h图书馆"], addr="澄湾高铁站南广场",
             rooms=[("", "自助借阅区")], dir=False),
        dict(id="cw-zz-renmin", name="人民广场24小时自助图书馆", tier="service_point", parent="cw", kind="selfserve",
             shorts=["人民广场自助图书馆", "人民广场24小时图书馆"], addr="澄湾市人民广场东侧",
             rooms=[("", "自助借阅区")], dir=False),
        dict(id="cw-nj-yugang", name="东湖镇渔港村农家书屋", tier="service_point", parent="cw-donghu", kind="village",
             shorts=["渔港村农家书屋", "渔港村书屋"], addr="东湖镇渔港村村委会", rooms=[("", "书屋")], dir=False),
        dict(id="cw-nj-chashan", name="北渚镇茶山村农家书屋", tier="service_point", parent="cw-beizhu", kind="village",
             shorts=["茶山村农家书屋", "茶山村书屋"], addr="北渚镇茶山村党群服务中心", rooms=[("", "书屋")], dir=False),
        dict(id="cw-qy-kaifa", name="澄湾经济开发区职工书屋", tier="service_point", parent="cw-gaoxin", kind="study",
             shorts=["开发区职工书屋", "职工书屋"], addr="澄湾经济开发区管委会二楼", rooms=[("", "职工书屋")], dir=False),
    ],
    "brands": [
        dict(id="chengjiang-jiangtan", name="澄江讲坛", library_id="cw", since=2012, category="lecture"),
        dict(id="yuedu-ye", name="书香澄湾·悦读夜", library_id="cw", since=2018, category="salon"),
        dict(id="xiaoshuchong", name="小小书虫故事会", library_id="cw-kids", since=2015, category="children"),
        dict(id="yunhe-dushuhui", name="运河读书会", library_id="cw-sf-yunhe", since=2020, category="reading_club"),
        dict(id="feiyi-xiaoketang", name="非遗小课堂", library_id="cw-donghu", since=2019, category="training"),
        dict(id="wutong-yedu", name="梧桐夜读", library_id="cw-sf-wutong", since=2021, category="reading_club"),
    ],
    "campaigns": [
        dict(id="s-spring", name="网络书香过大年", starts_on="2026-01-20", ends_on="2026-03-03", short="网络书香过大年"),
        dict(id="s-reading-month", name="4·23世界读书日暨澄湾全民阅读月", starts_on="2026-04-01", ends_on="2026-04-30",
             short="4·23世界读书日"),
        dict(id="s-service-week", name="图书馆服务宣传周", starts_on="2026-05-20", ends_on="2026-05-31", short="服务宣传周"),
        dict(id="s-summer", name="暑期少儿阅读季", starts_on="2026-07-01", ends_on="2026-08-31", short="暑期阅读季"),
        dict(id="s-festival", name="第九届澄湾读书节", starts_on="2026-10-15", ends_on="2026-11-15", short="澄湾读书节",
             recurs_yearly=False),
    ],
    "partners_ext": [("澄湾市实验小学", "报告厅"), ("东湖中心小学", "阶梯教室"), ("澄湾中学", "图书馆"),
                     ("滨江花园社区", "党群服务中心"), ("消防救援大队", "营区活动室"), ("澄湾人民医院", "门诊大厅"),
                     ("高新区某科技企业园区", "员工之家"), ("澄湾市老年大学", "多功能教室"), ("桃浦镇敬老院", "活动室"),
                     ("武警中队", "营区图书角")],
    "local_topics": ["运河文化与江南市镇", "吴地方言趣谈", "江南园林的造园之美", "宋代点茶与生活美学",
                     "太湖流域的稻作文明", "明清江南藏书楼", "澄湾老地名的故事", "江南水乡的桥", "昆曲入门",
                     "评弹欣赏", "苏式点心里的节令", "江南丝绸史话", "运河上的漕运", "碧螺春与茶文化"],
    "crafts": ["剪纸", "蓝印花布", "桃花坞木版年画", "团扇绘制", "苏绣", "灯彩制作", "竹编", "雕版印刷体验"],
    "stops": [],
}

CITY_T = {
    "key": "city_t", "id": "yanzhi", "name": "焉支市公共图书馆阅读推广联盟", "name_en": "Yanzhi Reading Alliance",
    "city": "焉支",
    "members": [
        dict(id="yz", name="焉支市图书馆", tier="central", parent=None, kind="central",
             shorts=["市馆", "市图书馆", "焉支图书馆", "市图"], addr="焉支市祁连大道216号",
             rooms=[("一楼", "大厅"), ("二楼", "报告厅"), ("三楼", "多功能厅"), ("二楼", "少儿借阅区"),
                    ("四楼", "地方文献阅览室"), ("一楼", "展厅"), ("三楼", "视障阅览室")], dir=True),
        dict(id="yz-kids", name="焉支市少年儿童图书馆", tier="branch", parent="yz", kind="kids",
             shorts=["市少儿馆", "少儿馆", "少儿图书馆"], addr="焉支市南关街58号",
             rooms=[("一楼", "绘本馆"), ("二楼", "活动室")], dir=True),
        dict(id="yz-longshou", name="焉支市龙首区图书馆", tier="district", parent="yz", kind="district",
             shorts=["龙首区图书馆", "龙首区馆", "区图书馆", "区馆", "区图"], addr="龙首区新华西路19号",
             rooms=[("一楼", "阅览大厅"), ("三楼", "报告厅"), ("二楼", "少儿室")], dir=True),
        dict(id="yz-ls-xijie", name="龙首区图书馆西街社区分馆", tier="branch", parent="yz-longshou", kind="branch",
             shorts=["西街社区分馆", "西街分馆", "西街社区图书室"], addr="龙首区西街社区服务中心", rooms=[("", "图书室")], dir=False),
        dict(id="yz-ls-huoche", name="龙首区图书馆火车站街道分馆", tier="branch", parent="yz-longshou", kind="branch",
             shorts=["火车站街道分馆", "火车站分馆"], addr="龙首区站前路街道办事处一楼", rooms=[("", "阅览室")], dir=False),
        dict(id="yz-ls-ganquan", name="甘泉城市书房", tier="service_point", parent="yz-longshou", kind="study",
             shorts=["甘泉书房", "甘泉城市书房"], addr="龙首区甘泉公园东门", rooms=[("", "书房")], dir=False),
        dict(id="yz-college", name="焉支职业技术学院图书馆", tier="branch", parent="yz", kind="college",
             shorts=["焉支职院图书馆", "职院图书馆", "学院图书馆"], addr="焉支市河西路1号焉支职业技术学院",
             rooms=[("", "学术报告厅"), ("", "一楼共享空间")], dir=False),
        dict(id="yz-ruoshui", name="弱水县图书馆", tier="county", parent="yz", kind="county",
             shorts=["弱水县馆", "县图书馆", "县馆", "弱水图书馆"], addr="弱水县城关镇文化路8号",
             rooms=[("一楼", "报告厅"), ("二楼", "少儿阅览室"), ("", "门前广场")], dir=True),
        dict(id="yz-qifeng", name="祁丰县图书馆", tier="county", parent="yz", kind="county",
             shorts=["祁丰县馆", "祁丰图书馆", "县图书馆", "县馆"], addr="祁丰县红山路22号县文化中心",
             rooms=[("二楼", "多功能厅"), ("一楼", "阅览室")], dir=False),
        dict(id="yz-hongliu", name="红柳滩县图书馆", tier="county", parent="yz", kind="county",
             shorts=["红柳滩县馆", "红柳滩图书馆", "县图书馆"], addr="红柳滩县胡杨大街101号",
             rooms=[("一楼", "讲座厅"), ("二楼", "非遗展示室")], dir=False),
        dict(id="yz-rs-shahe", name="弱水县沙河镇综合文化站", tier="branch", parent="yz-ruoshui", kind="station",
             shorts=["沙河镇文化站", "沙河文化站"], addr="弱水县沙河镇政府院内", rooms=[("", "活动室")], dir=False),
        dict(id="yz-rs-yuanyang", name="弱水县鸳鸯池乡文化站", tier="branch", parent="yz-ruoshui", kind="station",
             shorts=["鸳鸯池乡文化站", "鸳鸯池文化站"], addr="弱水县鸳鸯池乡街道16号", rooms=[("", "活动室")], dir=False),
        dict(id="yz-qf-maying", name="祁丰县马营镇综合文化站", tier="branch", parent="yz-qifeng", kind="station",
             shorts=["马营镇文化站", "马营文化站"], addr="祁丰县马营镇马营街5号", rooms=[("", "活动室")], dir=False),
        dict(id="yz-hl-wutongquan", name="红柳滩县梧桐泉乡文化站", tier="branch", parent="yz-hongliu", kind="station",
             shorts=["梧桐泉乡文化站", "梧桐泉文化站"], addr="红柳滩县梧桐泉乡政府东侧", rooms=[("", "活动室")], dir=False),
        dict(id="yz-car", name="焉支市图书馆流动图书车", tier="service_point", parent="yz", kind="car",
             shorts=["流动图书车", "市馆流动书车", "书香大篷车"], addr="焉支市祁连大道216号（车辆停放地）",
             rooms=[], dir=False),
        dict(id="yz-rs-car", name="弱水县图书馆流动图书车", tier="service_point", parent="yz-ruoshui", kind="car",
             shorts=["弱水县流动图书车", "县馆流动车"], addr="弱水县城关镇文化路8号", rooms=[], dir=False),
        dict(id="yz-nj-hongxing", name="沙河镇红星村农家书屋", tier="service_point", parent="yz-rs-shahe", kind="village",
             shorts=["红星村农家书屋", "红星村书屋"], addr="弱水县沙河镇红星村村委会", rooms=[("", "书屋")], dir=False),
        dict(id="yz-nj-heituwa", name="马营镇黑土洼村农家书屋", tier="service_point", parent="yz-qf-maying", kind="village",
             shorts=["黑土洼村农家书屋", "黑土洼书屋"], addr="祁丰县马营镇黑土洼村", rooms=[("", "书屋")], dir=False),
    ],
    "brands": [
        dict(id="hexi-jiangtang", name="河西讲堂", library_id="yz", since=2014, category="lecture"),
        dict(id="huyang-wa", name="胡杨娃故事会", library_id="yz-kids", since=2016, category="children"),
        dict(id="ruoshui-shusheng", name="弱水书声读书会", library_id="yz-ruoshui", since=2017, category="reading_club"),
        dict(id="shuxiang-dapengche", name="书香大篷车", library_id="yz-car", since=2013, category="outreach"),
        dict(id="longshou-dushuhui", name="龙首读书会", library_id="yz-longshou", since=2019, category="reading_club"),
        dict(id="feiyi-hexi", name="非遗里的河西", library_id="yz-hongliu", since=2020, category="training"),
    ],
    "campaigns": [
        dict(id="t-sanxiaxiang", name="文化科技卫生“三下乡”", starts_on="2025-12-15", ends_on="2026-01-31",
             short="三下乡"),
        dict(id="t-spring", name="网络书香过大年", starts_on="2026-02-01", ends_on="2026-03-05", short="网络书香过大年",
             recurs_yearly=False),
        dict(id="t-reading-month", name="4·23世界读书日暨书香焉支读书月", starts_on="2026-04-01",
             ends_on="2026-04-30", short="4·23世界读书日"),
        dict(id="t-service-week", name="图书馆服务宣传周", starts_on="2026-05-20", ends_on="2026-05-31", short="服务宣传周"),
        dict(id="t-summer", name="暑期少儿阅读活动", starts_on="2026-07-05", ends_on="2026-08-25", short="暑期阅读"),
        dict(id="t-festival", name="焉支读书节", starts_on="2026-09-01", ends_on="2026-09-30", short="焉支读书节"),
    ],
    "partners_ext": [("焉支市第二中学", "阶梯教室"), ("龙首区南关小学", "多功能室"), ("驻焉支某部", "营区俱乐部"),
                     ("焉支市特殊教育学校", "图书室"), ("河西工业园区", "职工之家"), ("火车站街道建筑工地", "工友之家"),
                     ("焉支市社会福利院", "活动室"), ("焉支市老年大学", "教室"), ("丹霞景区", "游客中心"),
                     ("焉支市监狱", "教育中心")],
    "local_topics": ["河西走廊的历史变迁", "丝绸之路上的驿站", "汉简里的河西", "祁连山生态保护", "河西宝卷的传承",
                     "敦煌壁画中的乐舞", "长城与烽燧", "戈壁农业与节水灌溉", "裕固族民俗文化", "焉支山的传说",
                     "霍去病与河西四郡", "黑河流域的绿洲", "河西方言趣谈", "凉州词里的边塞"],
    "crafts": ["剪纸", "河西宝卷念卷", "刺绣香包", "裕固族服饰", "皮影", "葫芦烙画", "拓印", "麦秆画"],
    "stops": ["红星村", "黑土洼村", "沙河镇集市", "鸳鸯池乡中心小学", "马营镇敬老院", "梧桐泉乡牧民定居点",
              "河西工业园区", "西滩村", "三墩村", "新墩子村", "戈壁农场", "边防派出所"],
}

BOOKS = ["平凡的世界", "活着", "红岩", "边城", "围城", "骆驼祥子", "朝花夕拾", "呼兰河传", "城南旧事", "额尔古纳河右岸",
         "人世间", "白鹿原", "乡土中国", "长安的荔枝", "小王子", "夏洛的网", "草房子", "青铜葵花", "西游记", "三体",
         "苏东坡传", "人间草木", "我与地坛", "文化苦旅", "瓦尔登湖", "老人与海", "月亮与六便士", "红星照耀中国",
         "钢铁是怎样炼成的", "论语", "诗经", "山海经", "昆虫记", "窗边的小豆豆", "浮生六记", "繁花", "撒哈拉的故事",
         "傅雷家书", "水浒传", "三国演义", "红楼梦", "大地上的事情", "一句顶一万句", "主角", "雪山大地"]
PICTURE = ["猜猜我有多爱你", "好饿的毛毛虫", "大卫不可以", "我爸爸", "小蓝和小黄", "母鸡萝丝去散步", "逃家小兔", "团圆",
           "年", "爷爷一定有办法", "小房子", "石头汤", "彩虹色的花", "月亮的味道", "鳄鱼怕怕牙医怕怕", "小黑鱼",
           "犟龟", "獾的礼物", "我的情绪小怪兽", "一园青菜成了精", "安的种子", "花婆婆", "驴小弟变石头", "100万只猫"]
GEN_TOPICS = ["家庭教育中的阅读习惯", "青少年心理健康", "老年人健康养生", "中医药与四季养生", "人工智能与日常生活",
              "防范电信网络诈骗", "民法典与家庭生活", "古典诗词中的节气", "如何读一本书", "唐诗里的月亮",
              "宋词的声音", "汉字的演变", "红色经典里的家国情怀", "科学育儿", "职场写作", "急救知识与心肺复苏",
              "垃圾分类与绿色生活", "青少年近视防控", "书法入门", "摄影构图基础", "短视频时代的深度阅读",
              "老年人防诈骗", "睡眠与健康", "家庭理财常识", "中考语文阅读方法", "亲子沟通的艺术"]
FILMS = ["长津湖", "流浪地球", "我和我的祖国", "中国机长", "攀登者", "守岛人", "人生大事", "万里归途", "长安三万里",
         "熊出没·逆转时空", "海底小纵队", "疯狂动物城", "寻梦环游记", "隐入尘烟", "我不是药神"]
EXHIB = ["馆藏老照片展", "地方文献珍品展", "优秀少儿绘本原画展", "书法篆刻作品展", "“我的书屋我的梦”摄影展",
         "古籍修复成果展", "藏书票艺术展", "二十四节气主题展", "读者书画作品展", "红色文献展", "非遗剪纸作品展",
         "少儿科普漫画展", "家风家训主题展", "漫画里的民法典展"]
SURN = list("王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余杜叶程魏苏吕丁任沈姚卢")
GIVEN = ["建国", "晓峰", "丽华", "志强", "海燕", "文博", "雅琴", "明远", "春梅", "立新", "静怡", "国庆", "秀兰", "宏伟",
         "思源", "玉洁", "振华", "慧敏", "德明", "若溪", "晨阳", "素梅", "子墨", "永红"]
TITLES = ["教授", "老师", "研究员", "副教授", "馆员", "作家", "主任医师"]

TYPO = {"讲座": "讲坐", "绘本": "会本", "沙龙": "沙笼", "剪纸": "减纸", "多功能厅": "多功能听", "报告厅": "报告听",
        "阅览室": "阅览市", "分享会": "分享汇", "故事会": "故事汇", "培训": "陪训", "展览": "展揽", "图书馆": "图书管",
        "体验": "体念", "书房": "书方"}
EMOJI = ["📚", "🎉", "✨", "🌸", "📖", "🔥", "👉", "❤️"]
WRITERS = ["服务部", "少儿部", "办公室", "信息部", "文化站", "阅推部"]

PASSKEY_LOOKALIKE = {"F1_weekly_series", "F2_multi_branch_same_hour", "F3_parallel_sessions", "F4_first_second_session",
                     "F5_same_hall_later", "F6_same_book", "F7_mobile_library_route", "F8_touring_exhibition",
                     "F9_contest_groups_stages", "F10_campaign_launch_ceremonies", "F11_school_tour",
                     "F12_series_rrule"}


class Gen:
    def __init__(self, city, rng):
        self.c = city
        self.rng = rng
        self.m = {m["id"]: m for m in city["members"]}
        self.ids = [m["id"] for m in city["members"]]
        self.central = city["members"][0]["id"]
        self.brand_of = defaultdict(list)
        for b in city["brands"]:
            self.brand_of[b["library_id"]].append(b)
        self.occ = defaultdict(list)
        self.titles_used = set()
        self.acts = []
        self.lines = []  # (pub, seq, sub, label, vars)
        self.seq = 0
        self.refseq = Counter()
        self.family_count = Counter()
        self.var_count = Counter()
        self.nlabel = 0
        self.year = 2026

    # ---------------------------------------------------------------- helpers
    def pick(self, xs):
        return xs[self.rng.randrange(len(xs))]

    def person(self):
        return self.pick(SURN) + self.pick(GIVEN) + self.pick(TITLES)

    def campaign_for(self, d):
        for cp in self.c["campaigns"]:
            s, e = date.fromisoformat(cp["starts_on"]), date.fromisoformat(cp["ends_on"])
            if cp.get("recurs_yearly", True):
                for y in (d.year - 1, d.year):
                    ss = s.replace(year=y)
                    ee = e.replace(year=y + e.year - s.year)
                    if ss <= d <= ee:
                        return cp
            elif s <= d <= e:
                return cp
        return None

    def rand_date(self, weekend_bias=0.5, lo=None, hi=None):
        lo = lo or date(2026, 1, 4)
        hi = hi or date(2026, 12, 20)
        for _ in range(50):
            d = lo + timedelta(days=self.rng.randrange((hi - lo).days + 1))
            if self.rng.random() < weekend_bias and d.weekday() < 5:
                continue
            return d
        return d

    def free(self, vkey, s, e):
        for a, b in self.occ[vkey]:
            if s < b and a < e:
                return False
        return True

    def reserve(self, vkey, s, e):
        self.occ[vkey].append((s, e))

    def unique_title(self, t):
        if t in self.titles_used:
            return None
        self.titles_used.add(t)
        return t

    def related(self, lib, k):
        """Co-hosts: parent, children, central, siblings."""
        m = self.m[lib]
        pool = []
        if m["parent"]:
            pool += [m["parent"]] * 3
            pool += [x for x in self.ids if self.m[x]["parent"] == m["parent"] and x != lib]
        pool += [x for x in self.ids if self.m[x]["parent"] == lib] * 2
        if lib != self.central:
            pool.append(self.central)
        pool = [p for p in pool if p != lib] or [x for x in self.ids if x != lib]
        out = []
        for _ in range(20):
            if len(out) >= k:
                break
            p = self.pick(pool)
            if p not in out:
                out.append(p)
        return out

    def dt(self, d, hh, mm=0):
        return datetime(d.year, d.month, d.day, hh, mm, tzinfo=TZ)

    # ---------------------------------------------------------------- titles
    def core_title(self, lib, cat):
        c, r = self.c, self.rng
        for _ in range(40):
            if cat == "lecture":
                t = self.pick(c["local_topics"] + GEN_TOPICS)
                t = self.pick([f"{t}专题讲座", f"{t}", f"讲座：{t}", f"{t}——{self.person()}主讲", f"{t}公益讲座"])
            elif cat in ("reading_club", "salon"):
                b = self.pick(BOOKS)
                t = self.pick([f"《{b}》读书分享会", f"共读《{b}》", f"读书沙龙：走进《{b}》", f"《{b}》品读会",
                               f"经典导读：《{b}》"])
            elif cat == "children":
                t = self.pick([f"绘本故事会：《{self.pick(PICTURE)}》", f"《{self.pick(PICTURE)}》绘本共读",
                               f"少儿科普课堂：{self.pick(['恐龙', '星空', '昆虫', '火山', '节气', '雪花', '种子', '磁铁'])}的秘密",
                               f"小小图书管理员体验营（{self.pick(['第一期', '第二期', '第三期', '春季班', '冬令营'])}）"])
            elif cat == "parent_child":
                t = self.pick([f"亲子{self.pick(c['crafts'])}手工坊", f"亲子共读《{self.pick(PICTURE)}》",
                               f"亲子阅读：《{self.pick(PICTURE)}》与{self.pick(['手偶剧', '涂鸦', '绘画', '折纸'])}",
                               f"“书香家庭”亲子{self.pick(['朗诵', '诵读', '共读', '知识竞答'])}会"])
            elif cat == "exhibition":
                t = self.pick(EXHIB)
                t = self.pick([t, f"{c['city']}{t}", f"{self.pick(['迎新春', '庆五一', '纪念抗战胜利', '喜迎国庆', '迎读书节'])}{t}"])
            elif cat == "contest":
                t = self.pick([f"“{self.pick(['书香', '悦读', '经典', '童心'])}杯”{self.pick(['诵读', '征文', '讲故事', '书法', '知识竞赛'])}大赛",
                               f"{c['city']}市{self.pick(['中小学生', '职工', '青少年', '市民'])}{self.pick(['诵读', '征文', '讲故事', '阅读知识'])}比赛"])
            elif cat == "training":
                t = self.pick([f"{self.pick(c['crafts'])}非遗体验课", f"老年人智能手机培训：{self.pick(['微信视频', '网上挂号', '移动支付', '防诈骗', '拍照修图'])}",
                               f"数字资源使用培训（{self.pick(['电子书', '数据库检索', '有声读物', '学习强国'])}）",
                               f"{self.pick(['农家书屋管理员', '基层图书管理员', '阅读推广志愿者'])}业务培训"])
            elif cat == "outreach":
                p, room = self.pick(c["partners_ext"])
                t = self.pick([f"送书进{p}", f"图书馆走进{p}", f"“书香{self.pick(['军营', '社区', '企业', '校园'])}”阅读服务进{p}"])
            elif cat == "screening":
                t = self.pick([f"公益观影：《{self.pick(FILMS)}》", f"《{self.pick(FILMS)}》周末影院", f"红色电影放映《{self.pick(FILMS)}》"])
            elif cat == "digital":
                t = self.pick([f"数字阅读体验日：{self.pick(['VR看世界', '电子书借阅机', '有声书', '数字方志'])}",
                               f"“{self.pick(['指尖', '云端', '码上'])}阅读”数字资源推广"])
            elif cat == "accessibility":
                t = self.pick([f"视障读者读书会：《{self.pick(BOOKS)}》", f"无障碍电影《{self.pick(FILMS)}》讲述放映",
                               f"残障人士读书文化日·{self.pick(['手语诵读', '盲文体验', '口述影像'])}"])
            else:
                t = self.pick(["图书漂流", "旧书换新书", "读者座谈会", "新书推荐会"]) + f"（{self.pick(['春季', '夏季', '秋季', '冬季', '元旦', '端午', '中秋'])}）"
            if r.random() < 0.15 and cat != "outreach":
                t = t + self.pick(["（少儿专场）", "（老年专场）", "（职工专场）", "（周末场）", "（暑期场）", "（夜场）"])
            u = self.unique_title(t)
            if u:
                return u
        t = f"{t}（{self.pick(GIVEN)}）"
        self.titles_used.add(t)
        return t

    # ---------------------------------------------------------------- activities
    def new_label(self):
        self.nlabel += 1
        return f"{self.c['key'][-1]}{self.nlabel:05d}"

    def make_act(self, host, cat, d, hh, mm, dur_min, room=None, ext=None, title=None, family=None, flags=(),
                 cohosts=None, brand=None, all_day_span=None, stop=None, rrule=None):
        m = self.m[host]
        if room is None and ext is None and stop is None:
            if not m["rooms"]:
                stop = self.pick(self.c["stops"])
            else:
                room = self.pick(m["rooms"])
        if all_day_span:
            s = self.dt(d, 0)
            e = self.dt(d + timedelta(days=all_day_span - 1), 23, 59)
        else:
            s = self.dt(d, hh, mm)
            e = s + timedelta(minutes=dur_min)
        vkey = f"{host}|{room[1]}" if room else (f"ext|{ext[0]}|{ext[1]}" if ext else f"stop|{stop}")
        if not self.free(vkey, s - timedelta(minutes=30), e + timedelta(minutes=30)):
            return None
        if stop:  # one vehicle is at one stop at a time
            if not self.free(f"car|{host}", s - timedelta(minutes=60), e + timedelta(minutes=60)):
                return None
            self.reserve(f"car|{host}", s - timedelta(minutes=60), e + timedelta(minutes=60))
        if title is None:
            title = self.core_title(host, cat)
        if brand is None and self.brand_of[host] and self.rng.random() < 0.45:
            b = self.pick(self.brand_of[host])
            if b["category"] == cat or self.rng.random() < 0.3:
                brand = b
        if cohosts is None:
            k = self.pick([0, 0, 1, 1, 1, 2, 2, 3])
            cohosts = [(x, self.pick(["organiser", "co_organiser", "co_organiser", "participant"]))
                       for x in self.related(host, k)]
        self.reserve(vkey, s - timedelta(minutes=30), e + timedelta(minutes=30))
        cp = self.campaign_for(s.date())
        act = dict(label=self.new_label(), host=host, cat=cat, start=s, end=e, all_day=bool(all_day_span),
                   room=room, ext=ext, stop=stop, core=title, brand=brand,
                   campaign=cp if (cp and self.rng.random() < 0.6) else None, family=family, flags=set(flags),
                   cohosts=cohosts, partners=[ext[0]] if ext else [], speaker=self.person() if cat == "lecture" else None,
                   rrule=rrule)
        if family:
            self.family_count[family] += 1
        self.acts.append(act)
        return act

    # ---------------------------------------------------------------- rendering
    def lib_label(self, lib, writer):
        m = self.m[lib]
        return self.pick(m["shorts"] + [m["name"]] * 2)

    def venue(self, act, writer, vars_):
        r = self.rng
        host = act["host"]
        m = self.m[host]
        place_crit = "place" in act["flags"]
        room_crit = "room" in act["flags"]
        v = {}
        if act.get("online"):
            v = {"name": self.pick(["线上直播（视频号）", "线上：抖音直播间", "网络直播"]),
                 "online_url": f"https://live.{self.c['id']}-lib.example/r/{act['label']}"}
            vars_.append("livestream_relay")
            return v
        if act["stop"]:
            st = act["stop"]
            opts = [st, f"{st}村委会门前" if "村" in st and not st.endswith("村委会") else f"{st}门口",
                    f"{m['shorts'][0]}·{st}", f"{st}（流动图书车停靠点）"]
            v["name"] = self.pick(opts)
            return v
        if act["ext"]:
            p, room = act["ext"]
            opts = [f"{p}{room}", p, f"{p}（{room}）"]
            if not place_crit:
                opts += [f"{room}"] if r.random() < 0.2 else []
            v["name"] = self.pick(opts)
            if v["name"] != f"{p}{room}":
                vars_.append("venue_variant")
            return v
        floor, room = act["room"]
        own = writer == host
        short = self.pick(m["shorts"])
        kinds = ["full", "short_room", "floor_room", "room", "address", "libname", "vague", "typo"]
        w = [25, 22, 14, 10, 8, 8, 6, 7]
        if not own:
            w = [30, 30, 4, 3, 12, 12, 2, 7]
        allowed = []
        for k, ww in zip(kinds, w):
            if room_crit and k in ("address", "libname", "vague"):
                continue
            if place_crit and k in ("floor_room", "room", "vague"):
                continue
            if m["kind"] in ("study", "village", "selfserve") and k in ("floor_room", "room"):
                continue
            allowed.append((k, ww))
        tot = sum(ww for _, ww in allowed)
        x = r.uniform(0, tot)
        for k, ww in allowed:
            x -= ww
            if x <= 0:
                break
        fr = floor if (floor and r.random() < 0.6) else ""
        if m["kind"] in ("study", "village", "selfserve"):
            full = m["name"]
        else:
            full = f"{m['name']}{floor}{room}"
        if k == "full":
            name = full
        elif k == "short_room":
            name = f"{short}{fr}{room}" if m["kind"] not in ("study", "village", "selfserve") else short
        elif k == "floor_room":
            name = f"{floor}{room}" if floor else room
        elif k == "room":
            name = room
        elif k == "address":
            name = m["addr"] + (f"（{room}）" if room_crit or r.random() < 0.4 else "")
        elif k == "libname":
            name = self.pick(m["shorts"] + [m["name"]])
        elif k == "vague":
            name = self.pick(["本馆", "馆内", "我馆", "馆内活动区", "图书馆", "详见海报"]) if own else self.pick(["图书馆", "详见海报"])
        else:
            name = full
            for a, b in TYPO.items():
                if a in name:
                    name = name.replace(a, b, 1)
                    vars_.append("venue_typo")
                    break
            k = "typo"
        if k != "full":
            vars_.append("venue_" + k)
        v["name"] = name
        if r.random() < 0.25 and k != "address":
            v["address"] = m["addr"]
        if own and m["dir"] and r.random() < 0.5:
            v["venue_id"] = self.venue_id(host, room)
            vars_.append("venue_id_used")
        return v

    def venue_id(self, lib, room):
        return f"{lib}-r{[x[1] for x in self.m[lib]['rooms']].index(room)}"

    def title(self, act, writer, vars_, allow_generic=True):
        r = self.rng
        core = act["core"]
        crit = "keep_title" in act["flags"]
        b = act["brand"]
        t = f"{b['name']}：{core}" if b else core
        if b and r.random() < 0.45:
            t = core
            vars_.append("brand_prefix_dropped")
        if act.get("report"):
            wn = self.lib_label(writer, writer)
            t = self.pick([f"{wn}成功举办{core}", f"{core}圆满举行", f"回顾｜{core}", f"{core}顺利开展"])
            vars_.append("report_phrasing")
            return t
        x = r.random()
        if x < 0.12:
            t = self.pick(["【联盟活动】", "【活动预告】", "【预告】", "【公益讲座】" if act["cat"] == "lecture" else "【活动】"]) + t
            vars_.append("bracket_prefix")
        elif x < 0.22:
            t = t + self.pick(["，欢迎参加！", "（报名中）", "（名额已满）", "，欢迎您的参与", "——报名进行中"])
            vars_.append("status_suffix")
        elif x < 0.29:
            t = self.pick(EMOJI) + t if r.random() < 0.5 else t + self.pick(EMOJI)
            vars_.append("emoji")
        elif x < 0.36 and not t.endswith("活动"):
            t = t + self.pick(["活动", "读书分享活动", "主题活动"])
            vars_.append("activity_appended")
        elif x < 0.43 and act["campaign"]:
            t = f"{act['campaign']['short']}｜{t}" if r.random() < 0.6 else f"“{act['campaign']['short']}”系列活动之{t}"
            vars_.append("campaign_prefix")
        elif x < 0.50:
            t = self.pick([f"周末去哪儿｜{t}", f"预告｜{t}，等你来！", f"#{act['campaign']['short'] if act['campaign'] else '全民阅读'}# {t}",
                           f"{t}｜{self.c['city']}书香"])
            vars_.append("wechat_style_title")
        elif x < 0.56:
            for a, bb in TYPO.items():
                if a in t:
                    t = t.replace(a, bb, 1)
                    vars_.append("ime_typo_title")
                    break
        elif x < 0.60:
            t = t.replace("：", ":").replace("（", "(").replace("）", ")") + "  "
            t = "　" + t
            vars_.append("excel_fullwidth_spaces")
        elif x < 0.63 and allow_generic and not crit and self.m[writer]["kind"] in ("station", "village", "car", "study", "selfserve"):
            t = self.pick(["本周读书活动通知", "图书馆活动通知", "近期活动安排", "读书活动"])
            vars_.append("generic_title_desc_only")
        elif x < 0.68:
            st = act["start"]
            t = self.pick([f"{st.month}月{st.day}日｜{t}", f"{t}（{st.month}.{st.day}）", f"【{st.month}月{st.day}日】{t}"])
            vars_.append("date_in_title")
        elif x < 0.71 and self.m[writer]["kind"] in ("college", "central"):
            t = t + self.pick([" | Reading Salon", " Library Event", "（Library Activity）"])
            vars_.append("bilingual_title")
        return t[:200]

    def times(self, act, writer, vars_, habit=None):
        r = self.rng
        s, e, ad = act["start"], act["end"], act["all_day"]
        crit = "slot" in act["flags"]
        if ad:
            if act["cat"] == "exhibition" and r.random() < 0.25:
                s2 = s.replace(hour=9, minute=self.pick([0, 30]))
                vars_.append("exhibition_opening_day_only")
                return s2, s2 + timedelta(hours=self.pick([1, 8])), False, f"展期至{e.month}月{e.day}日"
            if r.random() < 0.2:
                vars_.append("exhibition_first_day_only")
                return s, s.replace(hour=23, minute=59), True, f"展期至{e.month}月{e.day}日"
            return s, e, True, None
        if act.get("rrule"):
            return s, e, False, None
        x = r.random() if habit is None else habit
        if x < 0.5:
            return s, e, False, None
        if x < 0.62:
            d = self.pick([15, 20, 30])
            vars_.append("signin_time_early")
            return s - timedelta(minutes=d), e, False, f"{s.hour}:{s.minute:02d}正式开始，请提前{d}分钟签到入场"
        if x < 0.68 and s.minute:
            vars_.append("rounded_hour")
            return s.replace(minute=0), e, False, None
        if x < 0.74 and not crit:
            d = self.pick([-60, -45, -30, 30, 45, 60])
            vars_.append("time_off_up_to_hour")
            return s + timedelta(minutes=d), e + timedelta(minutes=d), False, None
        if x < 0.80:
            vars_.append("end_missing")
            return s, s, False, None
        if x < 0.85:
            vars_.append("end_different")
            return s, e + timedelta(minutes=self.pick([-30, 30, 60, 90])), False, None
        if x < 0.92:
            vars_.append("date_only_all_day")
            d0 = self.dt(s.date(), 0)
            return d0, d0.replace(hour=23, minute=59), True, None
        if x < 0.96:
            vars_.append("utc_serialising_tool")
            return s.astimezone(timezone.utc), e.astimezone(timezone.utc), False, None
        return s, e, False, None

    def ref(self, writer, channel):
        self.refseq[writer] += 1
        n = self.refseq[writer]
        pre = {"main": "", "wx": "wx-", "oa": "oa-", "xls": "xls-", "mini": "mp-"}[channel]
        return f"{pre}{writer}-{2026}{n:04d}"

    def organisers(self, act, writer, mode, v1=False):
        allorg = [(act["host"], "host")] + list(act["cohosts"])
        if writer not in [a for a, _ in allorg]:
            allorg.append((writer, "participant"))
        role = dict(allorg)
        fix = (lambda x: "co_host" if (v1 and x == "co_organiser") else x)
        if mode == "full":
            return [{"library_id": a, "role": fix(b)} for a, b in allorg]
        if mode == "host_self":
            out = [{"library_id": act["host"], "role": "host"}]
            if writer != act["host"]:
                out.append({"library_id": writer, "role": fix(role[writer])})
            return out
        if mode == "self":
            return [{"library_id": writer, "role": fix(role[writer])}]
        return []

    def submission(self, act, writer, omode, channel="main", vars_=None, title_override=None, habit=None,
                   start_shift=0, extra_desc=None):
        r = self.rng
        vars_ = vars_ if vars_ is not None else []
        title = title_override or self.title(act, writer, vars_)
        s, e, ad, tnote = self.times(act, writer, vars_, habit)
        if start_shift:
            s, e = s + timedelta(minutes=start_shift), e + timedelta(minutes=start_shift)
        ven = self.venue(act, writer, vars_)
        cat = act["cat"]
        if writer != act["host"] and r.random() < 0.2:
            alt = {"lecture": "salon", "salon": "reading_club", "reading_club": "salon", "children": "parent_child",
                   "parent_child": "children", "training": "other", "outreach": "other", "screening": "other",
                   "digital": "training", "accessibility": "reading_club", "contest": "other", "festival": "other",
                   "exhibition": "other", "other": "outreach"}
            cat = alt[cat]
            vars_.append("category_differs")
        if self.m[writer]["kind"] == "station" and r.random() < 0.4:
            cat = "other"
        sub = {"library_id": writer, "source_ref": self.ref(writer, channel), "revision": 1, "title": title,
               "category": cat, "starts_at": s.isoformat(), "ends_at": e.isoformat()}
        if ad:
            sub["all_day"] = True
        sub["venue"] = ven
        org = self.organisers(act, writer, omode, v1=r.random() < 0.15)
        if org:
            sub["organizers"] = org
        if act["brand"] and writer == act["brand"]["library_id"] and r.random() < 0.8:
            sub["brand_id"] = act["brand"]["id"]
        if act["campaign"] and r.random() < 0.7:
            cp = act["campaign"]
            if self.campaign_for(s.astimezone(TZ).date()) is cp:
                sub["campaign_id"] = cp["id"]
        if act.get("rrule"):
            sub["recurrence"] = act["rrule"]
        # description
        desc = []
        if "generic_title_desc_only" in vars_:
            desc.append(f"活动名称：{act['core']}")
        if r.random() < 0.55 or desc:
            st = act["start"]
            if r.random() < 0.5 or desc:
                desc.append(f"时间：{st.month}月{st.day}日{'' if act['all_day'] else f'{st.hour}:{st.minute:02d}'}")
            if act["speaker"] and r.random() < 0.7:
                desc.append(f"主讲人：{act['speaker']}")
            if act["cohosts"] and r.random() < 0.4:
                desc.append("主办：" + self.m[act["host"]]["name"] + "；协办：" + "、".join(self.m[c]["name"] for c, _ in act["cohosts"]))
            if r.random() < 0.3:
                desc.append(self.pick(["名额有限，请提前报名。", "免费参加，无需预约。", "请携带读者证。", "适合5-10岁儿童及家长。",
                                       "现场提供茶歇。", "活动结束后有签售环节。"]))
        if tnote:
            desc.append(tnote)
        if extra_desc:
            desc.append(extra_desc)
        if desc:
            sub["description"] = "\n".join(desc)
        if act["partners"]:
            sub["partners"] = act["partners"]
        if r.random() < 0.3:
            sub["audience"] = self.pick(["少年儿童", "亲子家庭", "市民读者", "老年读者", "青少年", "视障读者", "农民工朋友", "社区居民"])
        if r.random() < 0.25:
            sub["capacity"] = self.pick([20, 30, 40, 50, 80, 100, 150, 200])
        if r.random() < 0.3:
            sub["contact"] = f"{self.pick(WRITERS)} 0{self.pick(['512', '936'])}-{r.randrange(5000000, 8999999)}"
        if r.random() < 0.2:
            sub["tags"] = [x for x in {self.pick(["全民阅读", "一馆一品", "公益", "亲子", "非遗", "大型系列", "进社区", "进校园"])}]
        if r.random() < 0.05:
            sub["featured"] = True
        return sub

    def emit(self, pub, sub, label, vars_):
        self.seq += 1
        self.lines.append((pub, self.seq, sub, label, sorted(set(vars_))))
        for v in set(vars_):
            self.var_count[v] += 1

    def announce(self, act, n_extra=None):
        """Write every announcement of one activity."""
        r = self.rng
        host = act["host"]
        co = [c for c, _ in act["cohosts"]]
        if n_extra is None:
            n_extra = self.pick([0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 3, 4])
        writers = []
        if r.random() < 0.88 or not co:
            writers.append(host)
        pool = list(co)
        r.shuffle(pool)
        writers += pool[:n_extra]
        if not writers:
            writers = [host]
        multi = len(writers) > 1
        connector_last = multi and len(co) >= 1 and r.random() < 0.3
        st = act["start"]
        pubs = []
        items = []
        for i, w in enumerate(writers):
            vars_ = []
            if connector_last:
                omode = "full" if i == 0 else self.pick(["none", "none", "self"])
                if i > 0:
                    vars_.append("cohost_lists_nobody")
            else:
                if w == host:
                    omode = self.pick(["full", "full", "full", "none"]) if co else self.pick(["none", "self"])
                else:
                    omode = self.pick(["full", "host_self", "host_self", "none", "self"])
                    if omode in ("host_self", "self", "none"):
                        vars_.append("cohost_partial_listing")
            pub = st - timedelta(days=r.randrange(1, 22), hours=r.randrange(0, 12))
            report = w != host and r.random() < 0.06 and not act.get("rrule")
            if report:
                pub = act["end"] + timedelta(days=r.randrange(1, 4))
                act["report"] = True
            habit = 0.0 if i == 0 and r.random() < 0.6 else None
            channel = "main"
            if self.m[w]["kind"] in ("station", "village") and r.random() < 0.3:
                channel = "xls"
                habit = 0.88
                vars_.append("bulk_excel_import")
            sub = self.submission(act, w, omode, channel, vars_, habit=habit)
            act["report"] = False
            items.append([pub, sub, vars_])
        if connector_last and len(items) > 1:
            mx = max(p for p, _, _ in items[1:])
            items[0][0] = mx + timedelta(hours=r.randrange(1, 30))
            items[0][2].append("connector_arrives_last")
        for pub, sub, vars_ in items:
            self.emit(pub, sub, act["label"], vars_)
        # same library twice (two desks / tools)
        if r.random() < 0.08 and not act.get("rrule"):
            w = writers[0]
            vars_ = ["same_library_twice"]
            shift = self.pick([0, 10, -10]) if "slot" not in act["flags"] else 0
            if shift:
                vars_.append("second_desk_start_10min")
            sub = self.submission(act, w, self.pick(["none", "full"]), self.pick(["wx", "oa", "mini"]), vars_, habit=0.0,
                                  start_shift=shift)
            self.emit(items[0][0] + timedelta(hours=r.randrange(1, 72)), sub, act["label"], vars_)
        # revision of the same source_ref
        if r.random() < 0.07 and not act["all_day"] and not act.get("rrule"):
            pub, sub, _ = items[0]
            sub2 = json.loads(json.dumps(sub))
            sub2["revision"] = self.pick([2, 2, 3])
            kind = self.pick(["time", "title", "cancel", "venue"])
            vars_ = ["revision_same_ref"]
            if kind == "time" and "slot" not in act["flags"]:
                s = datetime.fromisoformat(sub["starts_at"]) + timedelta(minutes=30)
                e = max(datetime.fromisoformat(sub["ends_at"]) + timedelta(minutes=30), s)
                sub2["starts_at"], sub2["ends_at"] = s.isoformat(), e.isoformat()
                sub2["description"] = (sub.get("description", "") + "\n【更新】活动开始时间推迟半小时。").strip()
                vars_.append("revision_time")
            elif kind == "cancel":
                sub2["status"] = "cancelled"
                sub2["title"] = "【取消】" + sub["title"] if r.random() < 0.6 else sub["title"]
                sub2["description"] = (sub.get("description", "") + "\n" + self.pick(
                    ["因天气原因，本次活动取消。", "因沙尘天气，活动取消，敬请谅解。", "因场地检修，活动暂停。", "因主讲人临时有事，活动取消。"])).strip()
                vars_.append("cancelled_by_revision")
            else:
                sub2["title"] = act["core"] if kind == "title" else sub["title"]
                sub2["venue"] = dict(sub["venue"])
                if kind == "venue" and act["room"]:
                    m = self.m[act["host"]]
                    sub2["venue"]["name"] = f"{m['name']}{act['room'][0]}{act['room'][1]}"
                    sub2["venue"].pop("venue_id", None)
                vars_.append("revision_corrected")
            self.emit(pub + timedelta(days=r.randrange(1, 5)), sub2, act["label"], vars_)
        # postponed, re-announced under a new ref
        elif r.random() < 0.04 and not act["all_day"] and not act.get("rrule") and act["room"]:
            old = act["start"]
            nd = old.date() + timedelta(days=self.pick([7, 14, 21]))
            vkey = f"{act['host']}|{act['room'][1]}"
            ns = self.dt(nd, old.hour, old.minute)
            ne = ns + (act["end"] - act["start"])
            if nd <= date(2026, 12, 31) and self.free(vkey, ns - timedelta(minutes=30), ne + timedelta(minutes=30)):
                self.reserve(vkey, ns - timedelta(minutes=30), ne + timedelta(minutes=30))
                pub, sub, _ = items[0]
                if r.random() < 0.5:
                    sub2 = json.loads(json.dumps(sub))
                    sub2["revision"] = 2
                    sub2["status"] = "cancelled"
                    sub2["title"] = sub["title"] + "（延期）"
                    sub2["description"] = f"原定{old.month}月{old.day}日的活动延期举行，新时间另行通知。"
                    self.emit(pub + timedelta(days=1), sub2, act["label"], ["postponed_original_cancelled"])
                act2 = dict(act)
                act2["start"], act2["end"] = ns, ne
                act2["campaign"] = act["campaign"] if (act["campaign"] and self.campaign_for(nd) is act["campaign"]) else None
                vars_ = ["postponed_reannounced"]
                t = self.pick(["【延期】", "【改期】", ""]) + act["core"] + self.pick(["（改期举行）", "（延期后）", ""])
                sub3 = self.submission(act2, act["host"], "full", "main", vars_, title_override=t, habit=0.0,
                                       extra_desc=f"原定{old.month}月{old.day}日举行的活动，因故改期至{nd.month}月{nd.day}日{old.hour}:{old.minute:02d}。")
                self.emit(old - timedelta(days=1), sub3, act["label"], vars_)

    # ---------------------------------------------------------------- families
    def plain(self):
        cat = self.pick(["lecture"] * 4 + ["reading_club"] * 3 + ["salon"] * 2 + ["children"] * 4 + ["parent_child"] * 3 +
                        ["exhibition"] * 2 + ["contest", "training", "training", "outreach", "outreach", "screening",
                                              "digital", "accessibility", "other"])
        host = self.pick(self.ids)
        k = self.m[host]["kind"]
        if k == "car" and cat not in ("outreach", "children", "other"):
            cat = "outreach"
        ext = None
        if cat == "outreach" and self.rng.random() < 0.6:
            ext = self.pick(self.c["partners_ext"])
        d = self.rand_date(0.55 if cat in ("children", "parent_child") else 0.3)
        hh, mm = self.pick([(9, 0), (9, 30), (10, 0), (14, 0), (14, 30), (15, 0), (19, 0), (19, 30), (16, 0)])
        span = self.rng.randrange(5, 30) if cat == "exhibition" else None
        room = None
        if span:
            rooms = [x for x in self.m[host]["rooms"] if "展" in x[1] or "大厅" in x[1]] or self.m[host]["rooms"]
            room = self.pick(rooms) if rooms else None
            if not room:
                return
        act = self.make_act(host, cat, d, hh, mm, self.pick([60, 90, 90, 120, 150]), room=room, ext=ext, all_day_span=span)
        if act:
            if cat == "lecture" and act["cohosts"] and self.rng.random() < 0.15:
                self.announce(act)
                a2 = dict(act, online=True)
                w = act["cohosts"][0][0]
                vars_ = []
                sub = self.submission(a2, w, "host_self", "main", vars_)
                self.emit(act["start"] - timedelta(days=2), sub, act["label"], vars_)
            else:
                self.announce(act)

    def f1_weekly(self):
        host = self.pick([i for i in self.ids if self.m[i]["rooms"]])
        m = self.m[host]
        room = self.pick(m["rooms"])
        cat = self.pick(["children", "reading_club", "parent_child", "training"])
        base = self.core_title(host, cat)
        wd = self.pick([5, 6, 2])
        d = self.rand_date(0, date(2026, 1, 5), date(2026, 10, 1))
        while d.weekday() != wd:
            d += timedelta(days=1)
        hh, mm = self.pick([(9, 30), (10, 0), (15, 0), (19, 0)])
        same_title = self.rng.random() < 0.5
        n = self.rng.randrange(3, 7)
        for i in range(n):
            t = base if same_title else f"{base}（第{i + 1}期）"
            if not same_title:
                self.titles_used.add(t)
            act = self.make_act(host, cat, d + timedelta(weeks=i), hh, mm, 90, room=room, title=t,
                                family="F1_weekly_series", flags=("keep_title",), cohosts=[])
            if act:
                self.announce(act, n_extra=0)

    def f2_multibranch(self):
        parent = self.pick([p for p in self.ids if sum(1 for x in self.ids if self.m[x]["parent"] == p and self.m[x]["rooms"]) >= 3])
        kids = [x for x in self.ids if self.m[x]["parent"] == parent and self.m[x]["rooms"]]
        self.rng.shuffle(kids)
        kids = kids[: self.rng.randrange(3, min(6, len(kids)) + 1)]
        cat = self.pick(["children", "parent_child", "reading_club", "digital"])
        base = self.core_title(parent, cat)
        d = self.rand_date(0.8)
        hh, mm = self.pick([(9, 30), (10, 0), (15, 0)])
        for k in kids:
            act = self.make_act(k, cat, d, hh, mm, 90, title=base, family="F2_multi_branch_same_hour",
                                flags=("place",), cohosts=[(parent, "host")] if False else [(parent, "organiser")])
            if act:
                act["host"] = k
                self.announce(act, n_extra=self.pick([0, 0, 1]))

    def f3_parallel(self):
        host = self.pick([i for i in self.ids if len(self.m[i]["rooms"]) >= 3])
        rooms = list(self.m[host]["rooms"])
        self.rng.shuffle(rooms)
        d = self.rand_date(0.7)
        hh, mm = self.pick([(9, 30), (14, 0), (14, 30)])
        prefix = self.pick(["分会场", "平行论坛", "主题工作坊", "读书节分论坛"])
        for i, room in enumerate(rooms[:self.rng.randrange(2, min(4, len(rooms)) + 1)]):
            cat = self.pick(["lecture", "salon", "children", "training"])
            core = self.core_title(host, cat)
            t = f"{prefix}{'一二三四'[i]}：{core}"
            self.titles_used.add(t)
            act = self.make_act(host, cat, d, hh, mm, 120, room=room, title=t, family="F3_parallel_sessions",
                                flags=("room",))
            if act:
                self.announce(act)

    def f4_sessions(self):
        host = self.pick([i for i in self.ids if self.m[i]["rooms"]])
        room = self.pick(self.m[host]["rooms"])
        cat = self.pick(["children", "screening", "parent_child", "training", "lecture"])
        base = self.core_title(host, cat)
        d = self.rand_date(0.7)
        hh = self.pick([9, 14, 15])
        names = self.pick([("第一场", "第二场"), ("上午场", "下午场") if False else ("第1场", "第2场"), ("（一）", "（二）")])
        gap = self.pick([60, 75, 90])
        for i in range(2):
            t = f"{base}{names[i]}" if names[0].startswith("（") else f"{base}（{names[i]}）"
            self.titles_used.add(t)
            s = self.dt(d, hh) + timedelta(minutes=gap * i)
            act = self.make_act(host, cat, d, s.hour, s.minute, 50, room=room, title=t, family="F4_first_second_session",
                                flags=("keep_title", "slot"))
            if act:
                self.announce(act)

    def f5_later(self):
        host = self.pick([i for i in self.ids if self.m[i]["rooms"]])
        room = self.pick(self.m[host]["rooms"])
        d = self.rand_date(0.5)
        for hh, mm in [(9, 30), (14, 30), (19, 0)][: self.rng.randrange(2, 4)]:
            cat = self.pick(["lecture", "screening", "salon", "children", "training"])
            act = self.make_act(host, cat, d, hh, mm, 90, room=room, family="F5_same_hall_later", flags=("room",))
            if act:
                self.announce(act)

    def f6_samebook(self):
        b = self.pick(BOOKS)
        base = self.pick([f"共读《{b}》", f"《{b}》读书分享会", f"经典导读：《{b}》"])
        libs = [i for i in self.ids if self.m[i]["rooms"]]
        for _ in range(self.rng.randrange(2, 4)):
            host = self.pick(libs)
            d = self.rand_date(0.5)
            act = self.make_act(host, "reading_club", d, self.pick([14, 15, 19]), 0, 90, title=base,
                                family="F6_same_book", flags=("place",), brand=False)
            if act:
                act["brand"] = None
                self.announce(act)

    def f7_route(self):
        cars = [i for i in self.ids if self.m[i]["kind"] == "car"]
        if not cars:
            return
        car = self.pick(cars)
        stops = list(self.c["stops"])
        self.rng.shuffle(stops)
        d = self.rand_date(0)
        base = self.pick(["流动图书车下乡服务", "书香大篷车进村", "流动图书车送书上门", "“送书下乡”流动服务"])
        hh = self.pick([10, 14])
        for i, st in enumerate(stops[: self.rng.randrange(2, 5)]):
            t = f"{base}·{st}" if self.rng.random() < 0.7 else base
            act = self.make_act(car, "outreach", d + timedelta(days=i), hh, 0, 120, stop=st, title=t,
                                family="F7_mobile_library_route", flags=("place",),
                                cohosts=[(self.m[car]["parent"], "organiser")])
            if act:
                self.announce(act, n_extra=self.pick([0, 1]))

    def f8_touring(self):
        t = self.pick(["“丝路书香”主题巡展", "“我的书屋·我的梦”巡展", "非遗剪纸精品巡回展", "“书香家庭”成果巡展",
                       "红色经典连环画巡展", "家风家训主题巡展", "老照片里的城市巡展", "优秀绘本原画巡展"])
        t = f"{t}（{self.rng.randrange(1, 99):02d}）" if t in self.titles_used else t
        self.titles_used.add(t)
        libs = [i for i in self.ids if self.m[i]["rooms"] and self.m[i]["kind"] in ("central", "district", "county", "branch", "kids")]
        self.rng.shuffle(libs)
        d = self.rand_date(0, date(2026, 1, 5), date(2026, 9, 1))
        for lib in libs[: self.rng.randrange(2, 4)]:
            rooms = [x for x in self.m[lib]["rooms"] if "展" in x[1] or "大厅" in x[1]] or self.m[lib]["rooms"]
            act = self.make_act(lib, "exhibition", d, 0, 0, 0, room=self.pick(rooms), title=t, family="F8_touring_exhibition",
                                flags=("place",), all_day_span=14, cohosts=[(self.central, "organiser")] if lib != self.central else [])
            if act:
                self.announce(act)
            d = d + timedelta(days=20)

    def f9_contest(self):
        host = self.pick([i for i in self.ids if self.m[i]["kind"] in ("central", "district", "county", "kids")])
        room = self.pick(self.m[host]["rooms"])
        base = self.core_title(host, "contest")
        if self.rng.random() < 0.5:
            d = self.rand_date(0.8)
            for i, g in enumerate(self.pick([("少儿组", "成人组"), ("小学组", "中学组"), ("低年级组", "高年级组")])):
                t = f"{base}（{g}）"
                self.titles_used.add(t)
                act = self.make_act(host, "contest", d, 9 + 5 * i, 0, 150, room=room, title=t,
                                    family="F9_contest_groups_stages", flags=("keep_title", "slot"))
                if act:
                    self.announce(act)
        else:
            d = self.rand_date(0.8, date(2026, 1, 5), date(2026, 10, 1))
            for i, g in enumerate(["初赛", "复赛", "决赛"]):
                t = f"{base}{g}"
                self.titles_used.add(t)
                act = self.make_act(host, "contest", d + timedelta(weeks=2 * i), 9, 30, 180, room=room, title=t,
                                    family="F9_contest_groups_stages", flags=("keep_title",))
                if act:
                    self.announce(act)

    def f10_launch(self):
        cps = self.c["campaigns"]
        cp = self.pick(cps)
        s, e = date.fromisoformat(cp["starts_on"]), date.fromisoformat(cp["ends_on"])
        if s.year < 2026:
            s = date(2026, 1, 4)
        d = s + timedelta(days=self.rng.randrange(0, 4))
        if d > e:
            d = e
        libs = [i for i in self.ids if self.m[i]["kind"] in ("central", "district", "county", "kids", "branch") and self.m[i]["rooms"]]
        self.rng.shuffle(libs)
        t = f"{cp['name']}启动仪式"
        for lib in libs[: self.rng.randrange(2, 5)]:
            act = self.make_act(lib, "festival", d, 9, 30, 90, title=t, family="F10_campaign_launch_ceremonies",
                                flags=("place",), cohosts=[])
            if act:
                act["campaign"] = cp
                self.announce(act, n_extra=0)

    def f11_schools(self):
        host = self.pick([i for i in self.ids if self.m[i]["kind"] in ("central", "district", "county", "kids")])
        schools = [p for p in self.c["partners_ext"] if any(k in p[0] for k in ("学", "校"))]
        self.rng.shuffle(schools)
        base = self.pick(["“好书伴我成长”进校园", "阅读推广进校园", "“书香校园”巡回讲座", "图书馆员进课堂"])
        d = self.rand_date(0, date(2026, 3, 2), date(2026, 12, 10))
        while d.weekday() >= 5:
            d += timedelta(days=1)
        for i, sc in enumerate(schools[:3]):
            dd = d + timedelta(days=i)
            if dd.weekday() >= 5:
                dd += timedelta(days=2)
            act = self.make_act(host, "outreach", dd, 14, 30, 90, ext=sc, title=base, family="F11_school_tour",
                                flags=("place",))
            if act:
                self.announce(act)

    def f12_rrule(self):
        host = self.pick([i for i in self.ids if self.m[i]["kind"] in ("kids", "central", "study", "district", "county")])
        room = self.pick(self.m[host]["rooms"])
        season = self.pick([("春季", date(2026, 3, 7)), ("暑期", date(2026, 7, 4)), ("秋季", date(2026, 9, 12))])
        d = season[1] + timedelta(days=self.rng.randrange(0, 14))
        cat = self.pick(["children", "parent_child", "training"])
        base = f"{self.core_title(host, cat)}（{season[0]}每周{'一二三四五六日'[d.weekday()]}）"
        self.titles_used.add(base)
        count = self.rng.randrange(4, 10)
        act = self.make_act(host, cat, d, 10, 0, 60, room=room, title=base, family="F12_series_rrule",
                            flags=("keep_title",), cohosts=[], rrule=f"FREQ=WEEKLY;COUNT={count}")
        if act:
            for w in range(1, count):
                s = act["start"] + timedelta(weeks=w)
                self.reserve(f"{host}|{room[1]}", s - timedelta(minutes=30), s + timedelta(minutes=90))
            self.announce(act, n_extra=0)

    def run(self):
        fams = [(self.plain, 60), (self.f1_weekly, 4), (self.f2_multibranch, 3), (self.f3_parallel, 3), (self.f4_sessions, 3),
                (self.f5_later, 3), (self.f6_samebook, 3), (self.f7_route, 3 if self.c["stops"] else 0), (self.f8_touring, 2),
                (self.f9_contest, 2), (self.f10_launch, 1), (self.f11_schools, 2), (self.f12_rrule, 2)]
        tot = sum(w for _, w in fams)
        while len(self.lines) < TARGET:
            x = self.rng.uniform(0, tot)
            for f, w in fams:
                x -= w
                if x <= 0:
                    f()
                    break
        self.lines.sort(key=lambda t: (t[0], t[1]))

    # ---------------------------------------------------------------- output
    def toml(self):
        c = self.c
        q = lambda s: json.dumps(s, ensure_ascii=False)
        out = [f"# Holdout 8 alliance ({c['key']}): invented, for the deduplicator evaluation set.",
               "[alliance]", f"id = {q(c['id'])}", f"name = {q(c['name'])}", f"name_en = {q(c['name_en'])}",
               'timezone = "Asia/Shanghai"', ""]
        for m in c["members"]:
            out += ["[[members]]", f"id = {q(m['id'])}", f"name = {q(m['name'])}", f"tier = {q(m['tier'])}"]
            if m["parent"]:
                out.append(f"parent = {q(m['parent'])}")
            out += [f"address = {q(m['addr'])}", ""]
        for m in c["members"]:
            if not m["dir"]:
                continue
            for i, (fl, rm) in enumerate(m["rooms"]):
                al = [f"{fl}{rm}"] if fl else []
                al += [f"{s}{rm}" for s in m["shorts"][:2]]
                out += ["[[venues]]", f"id = {q(self.venue_id(m['id'], rm))}", f"library_id = {q(m['id'])}",
                        f"name = {q(rm)}", f"aliases = {q(al)}", f"address = {q(m['addr'])}", ""]
        for b in c["brands"]:
            out += ["[[brands]]", f"id = {q(b['id'])}", f"name = {q(b['name'])}", f"library_id = {q(b['library_id'])}",
                    f"since = {b['since']}", f"category = {q(b['category'])}", f"keywords = {q([b['name']])}", ""]
        for cp in c["campaigns"]:
            out += ["[[campaigns]]", f"id = {q(cp['id'])}", f"name = {q(cp['name'])}", f"starts_on = {cp['starts_on']}",
                    f"ends_on = {cp['ends_on']}"]
            if not cp.get("recurs_yearly", True):
                out.append("recurs_yearly = false")
            out.append("")
        out += ["[[coordinators]]", 'id = "office"', 'name = "联盟办"', f'email = "office@{c["id"]}-lib.example"', ""]
        return "\n".join(out)


def main():
    summary = {"seed": SEED}
    for i, city in enumerate((CITY_S, CITY_T)):
        g = Gen(city, random.Random(SEED + i))
        g.run()
        d = os.path.join(OUT, city["key"])
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "alliance.toml"), "w", encoding="utf-8") as f:
            f.write(g.toml())
        sizes = Counter()
        with open(os.path.join(d, "eval.jsonl"), "w", encoding="utf-8") as f:
            for pub, seq, sub, label, vars_ in g.lines:
                rec = dict(sub)
                rec["label"] = label
                sizes[label] += 1
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        hist = Counter(sizes.values())
        summary[city["key"]] = {
            "alliance": city["id"], "members": len(city["members"]),
            "announcements": len(g.lines), "activities": len(sizes),
            "true_pairs": sum(n * (n - 1) // 2 for n in sizes.values()),
            "group_size_histogram": {str(k): hist[k] for k in sorted(hist)},
            "variations": dict(sorted(g.var_count.items())),
            "lookalike_family_activities": dict(sorted(g.family_count.items())),
        }
    with open(os.path.join(OUT, "summary.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, ensure_ascii=False, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
