"""A realistic demo district: unit tree, people, responsibility positions and a year of records.

``build_demo()`` is idempotent: units are keyed by code, users by username, positions by
(unit, year, position, user) and ledger records by (unit, activity type, date, title); only
what is missing is added. The whole year is planned from ``random.Random(2026)`` before
anything is read from the database, so the demo is the same on every machine, and records
dated after ``today`` are simply left out (a later run adds them as their dates pass).

Records go through ``Model.save()`` (history and operation log) and evidence through
``luoshi.evidence.services.attach_file`` (validation, SHA-256, private storage).
"""

from __future__ import annotations

import datetime
import random
import unicodedata
import zlib
from dataclasses import dataclass, field
from typing import NamedTuple

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from luoshi.accounts.models import Position, ResponsibilityPosition, Role, User
from luoshi.core import registry, rollups
from luoshi.core.authority import BusinessLine, Guidance
from luoshi.core.defaults import ensure_defaults
from luoshi.core.history import written_by
from luoshi.evidence.models import Evidence
from luoshi.evidence.samples import sample_pdf, sample_png
from luoshi.evidence.services import attach_file
from luoshi.ledger.models import ActivityType, LedgerRecord
from luoshi.units.models import Unit, UnitType, UnitYearStat
from luoshi.units.services import create_unit

PASSWORD = "Luoshi@2026demo"
SEED = 2026
URL = "http://127.0.0.1:8000"

# ---------------------------------------------------------------------------------------------
# Unit tree: (code, name, short name, unit type code, kind, party members of the current year).
# ``kind`` decides which work a unit does during the year (see SCHEDULE).

UNITS = [
    ("D00", "示范区委", "区委", "district_committee", "root", 86, None),
    ("D01", "区委办公室", "区委办", "other", "bureau", 32, "D00"),
    ("D02", "区委宣传部", "宣传部", "publicity_dept", "publicity", 24, "D00"),
    ("D0201", "区委宣传部理论科", "理论科", "other", "theory", 6, "D02"),
    ("D0202", "区委宣传部新闻科", "新闻科", "other", "news", 7, "D02"),
    ("D0203", "区委网信办", "网信办", "other", "cyber", 8, "D02"),
    ("D03", "区教育局", "教育局", "bureau", "bureau", 64, "D00"),
    ("D0301", "示范区第一中学", "区一中", "school", "school", 118, "D03"),
    ("D0302", "示范区实验小学", "实验小学", "school", "school", 72, "D03"),
    ("D0303", "区教育局机关党支部", "教育局机关支部", "party_branch", "branch", 27, "D03"),
    ("D04", "区卫生健康局", "卫健局", "bureau", "bureau", 58, "D00"),
    ("D0401", "示范区人民医院", "区人民医院", "hospital", "hospital", 236, "D04"),
    ("D0402", "示范区中医院", "区中医院", "hospital", "hospital", 141, "D04"),
    ("D05", "区文化和旅游局", "文旅局", "bureau", "bureau", 41, "D00"),
    ("D0501", "示范区图书馆", "区图书馆", "other", "branch", 18, "D05"),
    ("D0502", "区文化和旅游局机关党支部", "文旅局机关支部", "party_branch", "branch", 23, "D05"),
    ("D06", "区融媒体中心", "融媒体中心", "other", "media", 47, "D00"),
    ("D07", "城关街道", "城关街道", "street", "town", 73, "D00"),
    ("D0701", "城关街道文昌社区", "文昌社区", "village", "community", 96, "D07"),
    ("D0702", "城关街道滨河社区", "滨河社区", "village", "community", 118, "D07"),
    ("D0703", "城关街道东关社区", "东关社区", "village", "community", 64, "D07"),
    ("D0704", "城关街道机关党支部", "街道机关支部", "party_branch", "branch", 35, "D07"),
    ("D08", "东山镇", "东山镇", "township", "town", 62, "D00"),
    ("D0801", "东山镇东山村", "东山村", "village", "village", 57, "D08"),
    ("D0802", "东山镇柳树湾村", "柳树湾村", "village", "village", 41, "D08"),
    ("D0803", "东山镇石门村", "石门村", "village", "village", 38, "D08"),
    ("D0804", "东山镇机关党支部", "镇机关支部", "party_branch", "branch", 31, "D08"),
    ("D09", "南湖街道", "南湖街道", "street", "town", 66, "D00"),
    ("D0901", "南湖街道南湖社区", "南湖社区", "village", "community", 105, "D09"),
    ("D0902", "南湖街道新华社区", "新华社区", "village", "community", 83, "D09"),
    ("D0903", "南湖街道锦绣社区", "锦绣社区", "village", "community", 47, "D09"),
    ("D10", "青石镇", "青石镇", "township", "town", 55, "D00"),
    ("D1001", "青石镇青石村", "青石村", "village", "village", 49, "D10"),
    ("D1002", "青石镇桃园村", "桃园村", "village", "village", 36, "D10"),
    ("D1003", "青石镇河口村", "河口村", "village", "village", 44, "D10"),
]

# ---------------------------------------------------------------------------------------------
# Demo logins: (username, full name, title, unit code, role code).

LOGINS = [
    ("admin", "陈志远", "系统管理员（区委网信办）", "D00", "admin"),
    ("xcb_admin", "刘晓燕", "宣传部办公室主任", "D02", "unit_admin"),
    ("xcb_leader", "王立新", "区委常委、宣传部部长", "D02", "leader"),
    ("qw_leader", "欧阳振华", "区委副书记", "D00", "leader"),
    ("cgjd_leader", "司马文涛", "城关街道党工委书记", "D07", "leader"),
    ("xcb_clerk", "李梦瑶", "宣传部宣传干事", "D02", "clerk"),
    ("jyj_clerk", "赵文博", "教育局办公室宣传干事", "D03", "clerk"),
    ("cgjd_clerk", "孙佳怡", "城关街道宣传干事", "D07", "clerk"),
    ("reviewer", "杨慧敏", "区委意识形态工作领导小组办公室审核员", "D00", "reviewer"),
    ("inspector", "黄建军", "区委督查室督查员", "D00", "inspector"),
]

# Titles of the responsibility positions by unit code:
# (第一责任人, 直接责任人, [班子成员...]); a username instead of a title reuses a login.
POSITION_TITLES = {
    "root": ("区委书记", "@xcb_leader", ["区委副书记、区长", "区委常委、组织部部长"]),
    "publicity": ("@xcb_leader", "宣传部常务副部长", ["宣传部副部长", "区委网信办主任"]),
    "bureau": ("党组书记、局长", "党组成员、副局长", ["党组成员、副局长", "党组成员"]),
    "media": ("党组书记、主任", "副主任、总编辑", ["副主任"]),
    "street": ("党工委书记", "党工委委员、宣传委员", ["党工委副书记、办事处主任", "党工委委员"]),
    "township": ("镇党委书记", "镇党委委员、宣传委员", ["镇党委副书记、镇长", "镇纪委书记"]),
}
SPECIAL_TITLES = {"D01": ("区委办公室主任", "区委办公室副主任", ["区委督查室主任"])}

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵"
)
GIVEN = [
    "建国",
    "志强",
    "海涛",
    "晓燕",
    "丽华",
    "文斌",
    "建华",
    "红梅",
    "国庆",
    "永刚",
    "雪梅",
    "春燕",
    "德明",
    "玉兰",
    "振华",
    "卫东",
    "桂芳",
    "明亮",
    "秀英",
    "俊杰",
    "海燕",
    "立军",
    "宏伟",
    "淑珍",
    "伟",
    "静",
    "磊",
    "敏",
    "洋",
    "勇",
    "艳",
    "军",
    "杰",
    "娟",
    "涛",
    "超",
    "鹏",
    "霞",
    "斌",
    "婷",
    "玲",
    "辉",
    "丹",
    "刚",
    "晨曦",
    "子涵",
    "思远",
    "嘉怡",
    "浩然",
    "雨桐",
    "一鸣",
    "欣怡",
    "宇航",
    "梓萱",
    "佳琪",
    "博文",
    "晓东",
    "新民",
    "光明",
    "宏亮",
    "美玲",
    "慧芳",
]


def _member_count(base: int, year_offset: int, rng: random.Random) -> int:
    return max(3, base + year_offset * rng.randint(-4, 3))


# ---------------------------------------------------------------------------------------------
# What each kind of unit does in a year: activity type code -> number of records.

# A Party committee's yearly routine: 中心组学习, 专题会议, 分析研判, 通报, 专题汇报, 述职.
PARTY_ROUTINE = {
    "study_group": 12,
    "special_meeting": 2,
    "analysis": 2,
    "briefing": 2,
    "report_up": 1,
    "duty_report": 1,
}

SCHEDULE = {
    "root": {
        "study_group": 14,
        "special_meeting": 3,
        "analysis": 2,
        "briefing": 2,
        "report_up": 1,
        "duty_report": 1,
        "warning_education": 1,
        "training": 1,
    },
    "publicity": {
        **PARTY_ROUTINE,
        "outreach_talk": 8,
        "training": 3,
        "publicity": 18,
        "volunteer": 1,
    },
    "theory": {"outreach_talk": 4, "training": 1},
    "news": {"publicity": 8, "training": 1},
    "cyber": {"training": 2, "analysis": 2},
    "bureau": {
        "study_group": 12,
        "special_meeting": 2,
        "analysis": 2,
        "briefing": 1,
        "report_up": 1,
        "duty_report": 1,
        "warning_education": 1,
        "training": 1,
        "publicity": 3,
        "volunteer": 1,
        "outreach_talk": 2,
    },
    "media": {
        "study_group": 12,
        "special_meeting": 2,
        "analysis": 2,
        "publicity": 18,
        "training": 2,
    },
    "town": {
        **PARTY_ROUTINE,
        "outreach_talk": 4,
        "civic_practice": 12,
        "volunteer": 3,
        "warning_education": 1,
        "publicity": 3,
        "training": 1,
    },
    "community": {"civic_practice": 4, "volunteer": 2, "outreach_talk": 2},
    "village": {"civic_practice": 3, "volunteer": 2, "outreach_talk": 1},
    "school": {
        "study_group": 6,
        "special_meeting": 2,
        "outreach_talk": 3,
        "civic_practice": 2,
        "volunteer": 1,
        "publicity": 2,
        "training": 1,
    },
    "hospital": {
        "study_group": 6,
        "special_meeting": 2,
        "analysis": 2,
        "volunteer": 3,
        "warning_education": 1,
        "publicity": 2,
        "training": 1,
    },
    "branch": {"outreach_talk": 1, "civic_practice": 1, "volunteer": 1, "warning_education": 1},
}

# ---------------------------------------------------------------------------------------------
# Language taken from the seed reports.

TOPICS = [
    "党的二十届四中全会精神",
    "2026年全国两会精神",
    "“十五五”规划纲要",
    "习近平文化思想",
    "习近平总书记关于意识形态工作的重要论述",
    "习近平总书记关于网络强国的重要思想",
    "习近平法治思想",
    "习近平生态文明思想",
    "《中国共产党宣传工作条例》",
    "《党委（党组）意识形态工作责任制实施办法》",
    "中央八项规定及其实施细则精神",
    "习近平总书记关于铸牢中华民族共同体意识的重要论述",
    "省委、市委全会精神",
    "《中国共产党纪律处分条例》",
    "习近平总书记关于基层治理的重要论述",
]
STUDY_BODY = {
    "root": "区委理论学习中心组",
    "publicity": "宣传部部务会理论学习中心组",
    "bureau": "党组理论学习中心组",
    "media": "党组理论学习中心组",
    "town": "党（工）委理论学习中心组",
    "school": "党委理论学习中心组",
    "hospital": "党委理论学习中心组",
}
MEETING_BODY = {
    "root": "区委常委会会议",
    "publicity": "部务会",
    "bureau": "党组会议",
    "media": "党组会议",
    "town": "党（工）委会议",
    "school": "党委会议",
    "hospital": "党委会议",
}
UPPER = {
    "root": "市委",
    "publicity": "市委宣传部",
    "bureau": "区委",
    "town": "区委",
}
TALK_TEAMS = ["百姓宣讲团", "青年理论宣讲小分队", "银发宣讲团", "巾帼宣讲队", "“微宣讲”小分队"]
TALK_PLACES = ["进社区", "进企业", "进校园", "进农村", "进机关", "进网格", "进文化礼堂"]
TALK_PLACES_BY_KIND = {
    "community": ["进小区", "进网格", "进楼栋", "进社区党群服务中心"],
    "village": ["进农户", "进田间地头", "进文化礼堂", "进村民小组"],
    "school": ["进课堂", "进班级", "进家长学校"],
}
CIVIC_BY_MONTH = {
    1: ("迎新春·送春联送福字", "书写春联、福字{n}幅，走访慰问困难群众{m}户"),
    2: ("我们的节日·元宵", "开展猜灯谜、包汤圆活动，参与群众{n}人"),
    3: ("学雷锋志愿服务月", "开展理发、家电维修、健康咨询等便民服务{m}项，服务群众{n}人次"),
    4: ("文明祭扫·缅怀先烈", "发放文明祭扫倡议书{n}份，组织党员群众缅怀革命先烈"),
    5: ("劳动创造幸福·最美劳动者宣传", "选树身边最美劳动者{m}名，营造崇尚劳动的良好氛围"),
    6: ("我们的节日·端午", "开展包粽子、诵经典活动，邻里互助氛围更加浓厚"),
    7: ("庆祝建党105周年·党员进社区", "党员认领微心愿{m}个，为群众办实事{n}件"),
    8: ("防溺水安全宣传", "入户宣传{n}户，设置警示标识{m}处"),
    9: ("我们的节日·中秋", "开展“邻里中秋”联谊活动，慰问空巢老人{m}户"),
    10: ("孝老爱亲·重阳敬老", "为{m}名老人开展健康体检和文艺慰问"),
    11: ("移风易俗·文明新风", "修订完善村规民约，倡导婚事新办、丧事简办，签订承诺书{n}份"),
    12: ("宪法宣传周", "发放宪法读本和宣传资料{n}份，解答群众法律咨询{m}人次"),
}
VOLUNTEER = [
    ("环境卫生整治志愿服务", "清理卫生死角{m}处，清运垃圾{k}车"),
    ("关爱留守儿童“七彩课堂”", "结对帮扶留守儿童{m}名，开展课业辅导和心理疏导"),
    ("文明交通劝导志愿服务", "劝导不文明交通行为{n}人次"),
    ("反电信诈骗宣传志愿服务", "发放防诈宣传资料{n}份，指导群众安装国家反诈中心APP{m}人"),
    ("敬老助老志愿服务", "走访慰问独居老人{m}户，开展助餐助洁服务"),
    ("义务植树志愿服务", "栽植苗木{n}株"),
    ("垃圾分类宣传志愿服务", "入户宣传{n}户，垃圾分类知晓率明显提升"),
]
HOSPITAL_VOLUNTEER = [
    ("“健康进万家”专家义诊", "免费测量血压血糖{n}人次，发放健康资料{m}份"),
    ("医疗志愿服务进乡村", "义诊群众{n}人次，开展健康知识讲座{k}场"),
]
WARNING = [
    ("组织观看警示教育片", "组织党员干部观看区纪委监委警示教育片，开展以案促改讨论"),
    ("赴廉政教育基地开展警示教育", "参观廉政教育基地，重温入党誓词，对照典型案例检视剖析"),
    ("以案促改专题警示教育会", "通报近期违纪违法典型案例，深入剖析案发原因，举一反三查找风险"),
]
TRAININGS = {
    "publicity": [
        "全区意识形态工作专题培训班",
        "全区新闻发言人和通讯员业务培训",
        "信息发布“三审制”业务培训",
    ],
    "cyber": ["网络意识形态安全专题培训", "政务新媒体规范管理培训"],
    "default": ["意识形态工作责任制专题培训", "网络安全和保密知识培训", "通讯员写作培训"],
}
OUTLETS = {
    "central": ["人民日报", "新华社客户端", "光明日报", "央视新闻客户端", "学习强国"],
    "province": ["省日报", "省广播电视台", "学习强国省级学习平台", "省委宣传部官方微信"],
    "city": ["市日报", "市广播电视台", "市委宣传部“文明市城”公众号", "市新闻网"],
    "county": ["示范区融媒体中心", "“示范区发布”微信公众号", "示范区电视台《示范新闻》"],
}
OUTLET_WEIGHTS = [("central", 6), ("province", 20), ("city", 34), ("county", 40)]
HEADLINES = [
    "{who}：理论宣讲“接地气” 党的创新理论飞入寻常百姓家",
    "{who}：新时代文明实践站点亮群众幸福生活",
    "{who}扎实推进“十五五”开局之年各项工作",
    "{who}：志愿服务“小切口”做实为民服务“大文章”",
    "{who}：移风易俗树新风 文明乡风润民心",
    "{who}：以学促干 凝心聚力推动高质量发展",
    "{who}：“家门口”的宣讲让政策更有温度",
    "{who}：文化惠民活动丰富群众精神文化生活",
    "{who}：党建引领基层治理见行见效",
    "{who}：用好红色资源 赓续红色血脉",
    "{who}：新时代文明实践志愿服务队活跃在群众身边",
]
KIND_HEADLINES = {
    "school": [
        "{who}：深化“双减”落地 校园育人出新彩",
        "{who}：思政课“活”起来 立德树人入脑入心",
    ],
    "hospital": [
        "{who}全力守护群众健康 医疗服务再升级",
        "{who}：专家义诊进乡村 健康服务暖民心",
    ],
}


# ---------------------------------------------------------------------------------------------
# Planning (pure: depends only on the seed and the year).


@dataclass
class PlannedRecord:
    unit_code: str
    activity: str
    date: datetime.date
    title: str
    fields: dict
    evidence: str | None  # "pdf", "png" or None


@dataclass
class DemoResult:
    added: dict = field(default_factory=dict)
    totals: dict = field(default_factory=dict)

    @property
    def added_anything(self) -> bool:
        return any(self.added.values())


def _spread(rng: random.Random, year: int, count: int, months=None) -> list[datetime.date]:
    """``count`` working days spread over the year (or over the given months)."""
    dates = []
    if months:
        for i in range(count):
            month = months[i % len(months)]
            dates.append(_workday(datetime.date(year, month, rng.randint(3, 26))))
        return sorted(dates)
    start = datetime.date(year, 1, 1)
    length = (datetime.date(year, 12, 31) - start).days
    for i in range(count):
        offset = int((i + 0.15 + rng.random() * 0.7) * length / count)
        dates.append(_workday(start + datetime.timedelta(days=offset)))
    return dates


def _workday(day: datetime.date) -> datetime.date:
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1 if day.weekday() == 6 else -1)
    return day


def _half(day: datetime.date) -> str:
    return "上半年" if day.month <= 7 else "下半年"


def _meeting_people(rng, kind):
    expected = {"root": 13, "publicity": 9}.get(kind, rng.randint(7, 11))
    return {"expected_participants": expected, "actual_participants": expected - rng.randint(0, 2)}


def _plan_unit(rng: random.Random, year: int, unit: tuple) -> list[PlannedRecord]:
    code, name, short, _type, kind, _members, _parent = unit
    plan = []
    for activity, count in SCHEDULE[kind].items():
        months = {
            "duty_report": [1, 2],
            "analysis": [6, 10],
            "briefing": [1, 7],
            "report_up": [7],
            "special_meeting": [3, 8, 11],
            "civic_practice": list(range(1, 13)) if count >= 12 else None,
        }.get(activity)
        for seq, day in enumerate(_spread(rng, year, count, months), start=1):
            title, fields = _content(rng, year, kind, code, name, short, activity, seq, day)
            fields.setdefault("location", "")
            evidence = None
            if rng.random() < 0.8:
                evidence = "png" if activity in PHOTO_TYPES and rng.random() < 0.7 else "pdf"
            plan.append(PlannedRecord(code, activity, day, title[:200], fields, evidence))
    return plan


PHOTO_TYPES = {"civic_practice", "volunteer", "outreach_talk", "publicity", "warning_education"}


class _Content(NamedTuple):
    """What the title and fields of one planned record are made from."""

    rng: random.Random
    year: int
    kind: str
    code: str
    name: str
    short: str
    seq: int
    day: datetime.date
    topic: str
    hall: str


def _content(rng, year, kind, code, name, short, activity, seq, day):
    """The title and fields of the ``seq``-th record of ``activity`` of one unit."""
    topic = TOPICS[(seq * 3 + len(code)) % len(TOPICS)]
    hall = (
        "三楼会议室" if kind in {"root", "publicity", "bureau", "media"} else "党群服务中心会议室"
    )
    context = _Content(rng, year, kind, code, name, short, seq, day, topic, hall)
    try:
        write = _CONTENT[activity]
    except KeyError:
        raise ValueError(activity) from None
    return write(context)


def _study_group_content(c: _Content):
    body = STUDY_BODY.get(c.kind, "党委理论学习中心组")
    if c.kind == "town":
        body = ("街道党工委" if "街道" in c.name else "镇党委") + "理论学习中心组"
    people = _meeting_people(c.rng, c.kind)
    speakers = max(3, people["actual_participants"] - c.rng.randint(2, 5))
    return (
        f"{c.year}年{body}第{c.seq}次集体学习（专题：{c.topic}）",
        {
            **people,
            "location": c.hall,
            "summary": (
                f"围绕{c.topic}开展专题学习研讨，主要负责同志领学并作交流发言，"
                f"{speakers}名班子成员结合分管工作谈体会、提措施，做到计划、讲座、心得和考勤相结合。"
            ),
            "outcome": c.rng.choice(
                [
                    f"形成研讨发言材料{speakers}篇，梳理出{c.rng.randint(3, 8)}项工作措施纳入下阶段重点任务。",
                    f"班子成员撰写心得体会{speakers}篇，推动学习成果转化为解决实际问题的具体举措。",
                    f"结合学习查找工作短板{c.rng.randint(2, 6)}项，明确责任领导和完成时限。",
                ]
            ),
            "tags": "中心组学习," + c.topic.strip("《》“”")[:12],
        },
    )


def _special_meeting_content(c: _Content):
    body = MEETING_BODY.get(c.kind, "党委会议")
    if c.kind == "town":
        body = "街道党工委会议" if "街道" in c.name else "镇党委会议"
    subject = {3: "研究部署全年意识形态工作", 8: "听取上半年意识形态工作情况汇报"}.get(
        c.day.month, "研究意识形态工作责任制落实和年度考核工作"
    )
    return (
        f"{body}专题{subject}",
        {
            **_meeting_people(c.rng, c.kind),
            "location": c.hall,
            "summary": (
                "传达学习中央和省、市、区关于意识形态工作的决策部署，"
                f"{subject}，把意识形态工作纳入重要议事日程，与业务工作同部署、同落实、同检查、同考核。"
            ),
            "outcome": c.rng.choice(
                [
                    f"审议通过《{c.year}年意识形态工作要点》和责任清单，分解任务{c.rng.randint(12, 24)}项，明确责任领导和完成时限。",
                    f"研究解决意识形态阵地管理等问题{c.rng.randint(2, 5)}个，压实班子成员“一岗双责”。",
                    f"部署开展意识形态领域风险点排查，明确牵头领导{c.rng.randint(2, 4)}名。",
                ]
            ),
            "tags": "专题会议,党委主体责任",
        },
    )


def _analysis_content(c: _Content):
    risks = c.rng.randint(3, 9)
    return (
        f"{c.year}年{_half(c.day)}意识形态领域形势分析研判会",
        {
            **_meeting_people(c.rng, c.kind),
            "location": c.hall,
            "summary": (
                "总结分析意识形态领域工作开展情况和总体态势，研判当前面临的形势和风险，"
                "对重大事件、重要情况、重要社情民意中的倾向性、苗头性问题有针对性地进行引导。"
            ),
            "outcome": f"梳理风险点{risks}个，制定防范化解措施{risks + c.rng.randint(2, 6)}条，逐项明确责任人和完成时限。",
            "tags": "分析研判,风险防控",
        },
    )


def _briefing_content(c: _Content):
    period = f"{c.year - 1}年度" if c.day.month <= 2 else f"{c.year}年上半年"
    units = c.rng.randint(2, 6)
    return (
        f"关于{period}意识形态工作责任制落实情况的通报",
        {
            "summary": (
                f"在{c.short}范围内通报{period}意识形态工作开展情况，点名指出{units}个单位（部门）"
                "存在学习记录不规范、信息报送不及时、佐证材料不全等问题。"
            ),
            "outcome": f"督促{units}个单位限期整改，已整改到位{units - c.rng.randint(0, 1)}个。",
            "tags": "通报",
        },
    )


def _report_up_content(c: _Content):
    upper = UPPER.get(c.kind, "区委")
    return (
        f"向{upper}专题汇报{c.year}年上半年意识形态工作",
        {
            "summary": (
                f"书面并当面向{upper}专题汇报落实意识形态工作责任制情况，"
                "报告理论学习、阵地管理、舆论引导等方面的做法、存在的问题和下一步工作计划。"
            ),
            "outcome": f"{upper}对工作给予肯定，提出改进意见{c.rng.randint(2, 4)}条，已纳入下半年工作计划。",
            "tags": "专题汇报",
        },
    )


def _duty_report_content(c: _Content):
    people = _meeting_people(c.rng, c.kind)
    return (
        f"{c.year - 1}年度领导班子述职述廉暨意识形态工作专项述职",
        {
            **people,
            "location": c.hall,
            "summary": (
                f"班子成员{people['actual_participants']}人在述职述廉报告中专题报告履行"
                "意识形态工作“一岗双责”情况，自觉接受监督和评议。"
            ),
            "outcome": f"民主测评“好”“较好”等次占比{c.rng.randint(95, 100)}%，对照问题形成整改清单。",
            "tags": "述职,一岗双责",
        },
    )


def _outreach_talk_content(c: _Content):
    team = TALK_TEAMS[(c.seq + len(c.code)) % len(TALK_TEAMS)]
    places = TALK_PLACES_BY_KIND.get(c.kind, TALK_PLACES)
    place = places[(c.seq * 2 + len(c.code)) % len(places)]
    audience = c.rng.randint(30, 260)
    return (
        f"{team}“{c.topic}”宣讲{place}",
        {
            "audience_count": audience,
            "location": "新时代文明实践站" if c.kind in {"community", "village"} else "",
            "summary": f"用群众听得懂的语言宣讲{c.topic}，结合身边事例讲政策、讲变化，现场开展互动交流。",
            "outcome": f"受众{audience}人，发放宣传资料{audience + c.rng.randint(20, 120)}份，现场解答群众提问{c.rng.randint(5, 30)}个。",
            "tags": "理论宣讲," + team.strip("“”"),
        },
    )


def _civic_practice_content(c: _Content):
    theme, result = CIVIC_BY_MONTH[c.day.month]
    n, m = c.rng.randint(40, 260), c.rng.randint(5, 40)
    return (
        f"新时代文明实践站“{theme}”主题活动",
        {
            "audience_count": n,
            "location": f"{c.short}新时代文明实践站",
            "summary": f"依托新时代文明实践站（所）阵地，组织志愿者和群众开展“{theme}”主题活动。",
            "outcome": result.format(n=n, m=m) + "。",
            "tags": "文明实践",
        },
    )


def _volunteer_content(c: _Content):
    pool = HOSPITAL_VOLUNTEER if c.kind == "hospital" else VOLUNTEER
    theme, result = pool[(c.seq + len(c.code) + c.day.month) % len(pool)]
    n, m, k = c.rng.randint(50, 400), c.rng.randint(6, 40), c.rng.randint(2, 8)
    volunteers = c.rng.randint(8, 45)
    return (
        theme,
        {
            "audience_count": n,
            "summary": f"组织党员志愿者{volunteers}人开展{theme}活动。",
            "outcome": result.format(n=n, m=m, k=k) + "。",
            "tags": "志愿服务",
        },
    )


def _warning_education_content(c: _Content):
    theme, summary = WARNING[(c.seq + len(c.code)) % len(WARNING)]
    people = _meeting_people(c.rng, c.kind)
    people["expected_participants"] += 20
    people["actual_participants"] += 20 - c.rng.randint(0, 3)
    return (
        f"{theme}（{_half(c.day)}）",
        {
            **people,
            "summary": summary + "，警示党员干部警钟长鸣、牢记宗旨。",
            "outcome": f"党员干部撰写心得体会{c.rng.randint(10, 30)}篇，查找廉政风险点{c.rng.randint(3, 9)}个并制定防控措施。",
            "tags": "警示教育",
        },
    )


def _training_content(c: _Content):
    pool = TRAININGS.get(c.kind, TRAININGS["default"])
    theme = pool[(c.seq - 1) % len(pool)]
    expected = c.rng.randint(30, 120) if c.kind in {"publicity", "cyber"} else c.rng.randint(20, 60)
    return (
        f"{c.year}年{theme}",
        {
            "expected_participants": expected,
            "actual_participants": expected - c.rng.randint(0, 4),
            "location": c.hall,
            "summary": f"邀请专家授课，围绕{c.topic}和意识形态阵地管理、网络舆情应对等内容开展培训。",
            "outcome": f"组织闭卷测试，合格率{c.rng.randint(96, 100)}%；收集意见建议{c.rng.randint(3, 12)}条。",
            "tags": "培训",
        },
    )


def _publicity_content(c: _Content):
    level = _weighted(c.rng, OUTLET_WEIGHTS)
    outlet = c.rng.choice(OUTLETS[level])
    who = "示范区" if c.kind in {"root", "publicity", "news", "media"} else c.short
    pool = KIND_HEADLINES.get(c.kind, HEADLINES)
    headline = pool[(c.seq * 5 + len(c.code) + c.day.month) % len(pool)].format(who=who)
    views = c.rng.randint(3, 40) * 1000 * (10 if level in {"central", "province"} else 1)
    return (
        headline,
        {
            "outlet_name": outlet,
            "outlet_level": level,
            "audience_count": views,
            "summary": f"稿件《{headline}》刊发于{outlet}，宣传展示{c.short}工作成效。",
            "outcome": f"阅读量{views}，被{c.rng.randint(1, 12)}家平台转载。",
            "tags": "上稿,外宣",
        },
    )


_CONTENT = {
    "study_group": _study_group_content,
    "special_meeting": _special_meeting_content,
    "analysis": _analysis_content,
    "briefing": _briefing_content,
    "report_up": _report_up_content,
    "duty_report": _duty_report_content,
    "outreach_talk": _outreach_talk_content,
    "civic_practice": _civic_practice_content,
    "volunteer": _volunteer_content,
    "warning_education": _warning_education_content,
    "training": _training_content,
    "publicity": _publicity_content,
}


def _weighted(rng, pairs):
    total = sum(w for _v, w in pairs)
    pick = rng.uniform(0, total)
    for value, weight in pairs:
        pick -= weight
        if pick <= 0:
            return value
    return pairs[-1][0]


def plan_year(year: int) -> list[PlannedRecord]:
    """Every record of the demo year, in a fixed order (deterministic)."""
    rng = random.Random(SEED)
    plan = []
    for unit in UNITS:
        plan += _plan_unit(rng, year, unit)
    # one (unit, type, date, title) is one record: drop accidental duplicates
    seen, unique = set(), []
    for item in plan:
        key = (item.unit_code, item.activity, item.date, item.title)
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique


# ---------------------------------------------------------------------------------------------
# Evidence files: small but genuine PDF and PNG documents (luoshi.evidence.samples).


EVIDENCE_NAMES = {
    "pdf": {
        "study_group": "学习记录及签到表",
        "special_meeting": "会议纪要",
        "analysis": "研判会议纪要",
        "briefing": "通报文件",
        "report_up": "专题汇报材料",
        "duty_report": "述职报告",
        "training": "培训通知及签到表",
        "publicity": "刊发版面",
        "default": "活动记录",
    },
    "png": {"publicity": "稿件截图", "default": "现场照片"},
}


def evidence_upload(item: PlannedRecord) -> SimpleUploadedFile:
    names = EVIDENCE_NAMES[item.evidence]
    label = names.get(item.activity, names["default"])
    filename = f"{item.date:%Y%m%d}_{label}.{item.evidence}"
    if item.evidence == "pdf":
        content = sample_pdf(
            [
                "luoshi demo evidence",
                f"unit: {item.unit_code}",
                f"activity: {item.activity}",
                f"date: {item.date.isoformat()}",
                f"ref: {zlib.crc32(item.title.encode()):08x}",
            ],
            title=f"{item.title} - {label}",
        )
        return SimpleUploadedFile(filename, content, content_type="application/pdf")
    key = f"{item.unit_code}|{item.activity}|{item.date}|{item.title}"
    return SimpleUploadedFile(filename, sample_png(key), content_type="image/png")


# ---------------------------------------------------------------------------------------------
# Building.


def _ensure_units(year: int, added: dict):
    types = {t.code: t for t in UnitType.objects.all()}
    units = {u.code: u for u in Unit.objects.filter(code__in=[u[0] for u in UNITS])}
    for order, (code, name, short, type_code, _kind, _members, parent_code) in enumerate(UNITS):
        if code in units:
            continue
        parent = None
        if parent_code:  # treebeard writes the parent's numchild to the database: reload it
            parent = Unit.objects.get(pk=units[parent_code].pk)
        units[code] = create_unit(
            parent=parent,
            name=name,
            short_name=short,
            code=code,
            unit_type=types[type_code],
            order=order,
        )
        added["units"] += 1

    rng = random.Random(SEED)
    existing = set(
        UnitYearStat.objects.filter(unit__in=units.values(), year__in=[year - 1, year]).values_list(
            "unit_id", "year"
        )
    )
    for code, *_rest, members, _parent in UNITS:
        previous = _member_count(members, 1, rng)
        for stat_year, count in ((year - 1, previous), (year, members)):
            if (units[code].pk, stat_year) not in existing:
                UnitYearStat.objects.create(unit=units[code], year=stat_year, party_members=count)
                added["year_stats"] += 1
    return units


# 业务指导范围: the 区委宣传部, as office of the 意识形态工作领导小组, directs every 乡镇/街道 and
# 部门 of the district (with their subordinates) for tasks, screening campaigns and inspections.
GUIDANCE = (
    "D02",
    "区委意识形态工作领导小组办公室",
    ("tasks", "risks", "inspections"),
    ("D01", "D03", "D04", "D05", "D06", "D07", "D08", "D09", "D10"),
)


def _ensure_guidance(units, added):
    code, capacity, lines, directed = GUIDANCE
    if Guidance.objects.filter(unit=units[code]).exists():
        return
    guidance = Guidance.objects.create(unit=units[code], capacity=capacity)
    guidance.lines.set(BusinessLine.objects.filter(code__in=lines))
    guidance.units.set([units[c] for c in directed])
    added["guidance"] = added.get("guidance", 0) + 1


def _ensure_logins(units, added):
    roles = {r.code: r for r in Role.objects.all()}
    encoded = make_password(PASSWORD)  # hashed once: all demo logins share the password
    users = {u.username: u for u in User.objects.filter(username__in=[x[0] for x in LOGINS])}
    for username, full_name, title, unit_code, role_code in LOGINS:
        user = users.get(username)
        if user is None:
            user = User(
                username=username,
                full_name=full_name,
                title=title,
                unit=units[unit_code],
                password=encoded,
                is_staff=role_code == "admin",
                is_superuser=role_code == "admin",
            )
            user.save()
            user.groups.add(roles[role_code])
            users[username] = user
            added["users"] += 1
    return users


def _ensure_positions(year, units, logins, added):
    wanted = _wanted_positions(logins)
    usernames = [w[2] for w in wanted]
    people = {u.username: u for u in User.objects.filter(username__in=usernames)}
    existing = set(
        ResponsibilityPosition.objects.filter(year=year, unit__in=units.values()).values_list(
            "unit_id", "position", "user_id"
        )
    )
    for code, position, username, full_name, title, duty in wanted:
        user = people.get(username)
        if user is None:
            user = User(username=username, full_name=full_name, title=title, unit=units[code])
            user.set_unusable_password()  # holds a position; does not log in to the demo
            user.save()
            people[username] = user
            added["users"] += 1
        key = (units[code].pk, position.value, user.pk)
        if key in existing:
            continue
        if position == Position.PRIMARY and any(
            k[0] == units[code].pk and k[1] == Position.PRIMARY.value for k in existing
        ):
            continue  # someone else already holds it in this database
        ResponsibilityPosition.objects.create(
            unit=units[code], year=year, position=position, user=user, duty=duty
        )
        existing.add(key)
        added["positions"] += 1


def _wanted_positions(logins) -> list[tuple]:
    """(unit code, position, username, full name, title, duty) of every 责任岗位 of the demo;
    a title ``@username`` is held by that demo login."""
    rng = random.Random(SEED + 1)
    used_names = {u.full_name for u in logins.values()}

    def new_name():
        while True:
            name = rng.choice(SURNAMES) + rng.choice(GIVEN)
            if name not in used_names:
                used_names.add(name)
                return name

    wanted = []
    for code, _name, _short, type_code, kind, _members, _parent in UNITS:
        titles = _position_titles(code, type_code, kind)
        if titles is None:
            continue
        primary, direct, members = titles
        slots = [
            (Position.PRIMARY, "sj", primary, "履行意识形态工作第一责任人职责"),
            (Position.DIRECT, "fg", direct, "分管宣传思想文化工作，履行直接责任"),
        ] + [
            (Position.MEMBER, f"bz{i}", title, "抓好分管领域意识形态工作（一岗双责）")
            for i, title in enumerate(members, start=1)
        ]
        for position, suffix, title, duty in slots:
            name = new_name()  # drawn even when unused, to keep the sequence stable
            if title.startswith("@"):
                wanted.append((code, position, title[1:], None, None, duty))
            else:
                wanted.append((code, position, f"{code.lower()}_{suffix}", name, title, duty))
    return wanted


def _position_titles(code, type_code, kind):
    if code in SPECIAL_TITLES:
        return SPECIAL_TITLES[code]
    if kind in {"root", "publicity", "media"}:
        return POSITION_TITLES[kind]
    if kind in {"bureau", "town"}:
        return POSITION_TITLES[type_code if kind == "town" else "bureau"]
    return None


def _ensure_records(year, today, units, logins, added):
    types = {t.code: t for t in ActivityType.objects.all()}
    clerks = {}
    for username, _n, _t, unit_code, role_code in LOGINS:
        if role_code == "clerk" and username in logins:
            clerks.setdefault(unit_code, logins[username])
    existing = set(
        LedgerRecord.objects.filter(unit__in=units.values()).values_list(
            "unit_id", "activity_type_id", "date", "title"
        )
    )
    for item in plan_year(year):
        if item.date > today:
            continue
        unit, activity_type = units[item.unit_code], types[item.activity]
        if (unit.pk, activity_type.pk, item.date, item.title) in existing:
            continue
        clerk = clerks.get(item.unit_code)
        record = LedgerRecord(
            unit=unit,
            activity_type=activity_type,
            date=item.date,
            title=item.title,
            created_by=clerk,
            **item.fields,
        )
        written_by(record, clerk)
        record.save()
        added["records"] += 1
        if item.evidence:
            attach_file(owner=record, uploaded=evidence_upload(item), user=clerk)
            added["evidence"] += 1


def build_demo(today: datetime.date | None = None) -> DemoResult:
    """Create whatever part of the demo district is missing, as of ``today``."""

    today = today or timezone.localdate()
    year = today.year
    validate_password(PASSWORD)
    result = DemoResult(
        added=dict.fromkeys(["units", "year_stats", "users", "positions", "records", "evidence"], 0)
    )
    ensure_defaults()
    # The modules backdate their records with UPDATEs (no signal): the rollups are
    # recounted once at the end, in the same transaction.
    with transaction.atomic(), rollups.suspended():
        units = _ensure_units(year, result.added)
        _ensure_guidance(units, result.added)
        logins = _ensure_logins(units, result.added)
        _ensure_positions(year, units, logins, result.added)
        _ensure_records(year, today, units, logins, result.added)
        for builder in registry.demo_builders():  # each module's part, from its plugin
            build = import_string(builder.path)
            build(today=today, units=units, logins=logins, added=result.added)
        rollups.rebuild()
    result.totals = {
        "units": Unit.objects.count(),
        "year_stats": UnitYearStat.objects.count(),
        "users": User.objects.count(),
        "positions": ResponsibilityPosition.objects.count(),
        "records": LedgerRecord.objects.count(),
        "evidence": Evidence.objects.count(),
    }
    return result


LABELS = {
    "units": "单位",
    "guidance": "业务指导范围",
    "year_stats": "年度党员人数",
    "users": "用户",
    "positions": "责任岗位",
    "records": "台账记录",
    "evidence": "佐证材料",
    "duty_lists": "责任清单",
    "channels": "阵地",
    "channel_checks": "阵地检查",
    "incidents": "舆情事件",
    "tasks": "交办任务",
    "task_reports": "任务报送",
    "events": "讲座论坛备案",
    "publications": "发布稿件",
    "risks": "风险点",
    "campaigns": "排查活动",
    "meetings": "分析研判会议",
    "inspections": "督查计划",
    "assessments": "考核",
    "baselines": "往年报告基线",
    "reports": "报告",
}


# ---------------------------------------------------------------------------------------------
# The login table printed by ``load_demo``.


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def login_rows() -> list[tuple[str, str, str, str, str]]:
    """(username, name, role, unit, password) of the demo logins present in the database."""

    users = {
        u.username: u
        for u in User.objects.filter(username__in=[x[0] for x in LOGINS])
        .select_related("unit")
        .prefetch_related("groups")
    }
    rows = []
    for username, *_rest in LOGINS:
        user = users.get(username)
        if user is not None:
            roles = "、".join(g.name for g in user.groups.all())
            unit = user.unit.name if user.unit else ""
            rows.append((username, user.full_name, roles, unit, PASSWORD))
    return rows


def format_logins() -> str:
    rows = login_rows()
    if not rows:
        return "（数据库中没有演示账号；在空数据库上运行 load_demo 可创建。）"
    header = ("用户名", "姓名", "角色", "单位", "密码")
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = "  ".join("-" * w for w in widths)
    lines = ["演示账号：", "  ".join(_pad(h, w) for h, w in zip(header, widths, strict=True)), line]
    lines += ["  ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)) for row in rows]
    lines += [line, f"打开 {URL} 登录"]
    return "\n".join(lines)
