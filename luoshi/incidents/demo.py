"""Demo incidents about the demo district's own work (called from ``build_demo``).

Only what happened, where it appeared and what the units did: no personal data of anyone
in the public. Idempotent: incidents are keyed by (unit, title); each step is taken once
its time has passed ``today``, so incidents sit at various stages.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from luoshi.core.dates import local_moment
from luoshi.core.workflow import WorkflowStep
from luoshi.incidents import services
from luoshi.incidents.models import Incident, Platform
from luoshi.incidents.models import IncidentStatus as S
from luoshi.incidents.workflow import STEP_ORDER

# registering unit, responsible unit, clerk, platform, level, title, discovered (month, day,
# hour), summary, then steps: (step, hours after discovery, data)
INCIDENTS = [
    (
        "D07", "D0701", "cgjd_clerk", "message_board", "general",
        "文昌社区居务公开栏垃圾分类通知过期引发居民留言",
        (3, 12, 9),
        "领导留言板上有留言反映，文昌社区居务公开栏张贴的垃圾分类投放时间通知仍为去年版本，"
        "与现行规定不一致，造成居民误解。",
        [
            ("analyze", 2, {"level": "general", "analysis": "属实。公开栏内容更新不及时，"
             "属社区日常管理问题，影响范围小，定为一般事件。"}),
            ("handle", 5, {"measures": "当日更换为最新通知；社区对居务公开栏内容逐项核对，"
             "明确网格员每周巡查。"}),
            ("respond", 8, {"response_text": "感谢您的关注。经核实，公开栏通知未及时更新，"
             "现已更换为最新版本，社区将加强日常巡查。"}),
            ("close", 30, {"outcome": "通知已更换，留言已答复并公开；已纳入阵地月度检查。"}),
        ],
    ),
    (
        "D03", "D0301", "jyj_clerk", "short_video", "major",
        "区一中食堂“饭菜变质”不实视频传播",
        (5, 20, 19),
        "短视频平台出现一段称区一中食堂饭菜变质的视频，配文引发家长关注，转发量较大。",
        [
            ("analyze", 1, {"level": "major", "analysis": "经调取食堂留样和监控，视频画面"
             "并非本校食堂。因涉及学生饮食安全、家长关注度高，定为较大事件，由教育局牵头处置。"}),
            ("handle", 4, {"measures": "会同市场监管部门现场检查食堂并抽检留样，结果合格；"
             "组织家长代表陪餐，向平台提交不实信息说明。"}),
            ("respond", 6, {"response_text": "区教育局情况通报：经核查，网传视频画面非区一中"
             "食堂，食堂留样抽检合格。欢迎家长参与陪餐监督。"}),
            ("close", 72, {"outcome": "视频已由平台处置，家长陪餐制度常态化，"
             "相关情况已向区委宣传部报告。"}),
        ],
    ),
    (
        "D03", "D0302", "jyj_clerk", "wechat", "general",
        "实验小学课后服务收费政策解读引发家长疑问",
        (9, 3, 10),
        "家长群中对课后服务收费标准的转发解读有误，学校公众号收到多条咨询。",
        [
            ("analyze", 3, {"level": "general", "analysis": "解读材料为非官方版本，"
             "需及时发布权威说明。"}),
            ("handle", 6, {"measures": "学校召开家委会说明会，逐班发放收费标准告知书。"}),
            ("respond", 24, {"response_text": "学校公众号发布《课后服务收费标准及自愿参加"
             "说明》，公开咨询电话（学校办公室）。"}),
        ],
    ),
    (
        "D02", "D0203", "xcb_clerk", "weibo", "general",
        "网信办官方微博转发稿件配图与内容不符",
        (10, 15, 16),
        "网信办官方微博转发一则活动稿件时配图使用了往年照片，被网友在评论区指出。",
        [
            ("analyze", 1, {"level": "general", "analysis": "属转发审核把关不严，"
             "需立即更正并复盘三审流程。"}),
            ("handle", 2, {"measures": "删除原微博并重新发布正确配图，对编辑人员进行提醒谈话。"}),
        ],
    ),
    (
        "D07", "D0702", "cgjd_clerk", "own_site", "general",
        "滨河社区文明实践站活动预告时间有误",
        (11, 18, 8),
        "街道公众号发布的滨河社区文明实践站读书会预告时间写错，居民到场后扑空。",
        [
            ("analyze", 4, {"level": "general", "analysis": "信息发布核对不细，"
             "影响个别居民，定为一般事件。"}),
        ],
    ),
    (
        "D02", "D02", "xcb_clerk", "news_app", "general",
        "宣传部网站一则通知附件无法下载",
        (11, 22, 14),
        "有用户在新闻客户端留言反映，示范区宣传网一则培训通知的附件链接失效。",
        [],
    ),
]  # fmt: skip


def ensure_incidents(*, today, units, logins, added) -> None:
    added.setdefault("incidents", 0)
    year = today.year
    platforms = {p.code: p for p in Platform.objects.all()}
    existing = {(i.unit_id, i.title): i for i in Incident.objects.filter(unit__in=units.values())}
    # "Now" of the demo: the end of ``today``; steps dated later wait for a later run.
    now = local_moment(today, datetime.time(23, 59))
    for code, responsible, clerk_name, platform, level, title, when, summary, steps in INCIDENTS:
        clerk = logins.get(clerk_name) or logins["admin"]
        month, day, hour = when
        discovered = timezone.make_aware(datetime.datetime(year, month, day, hour, 0))
        if discovered > now:
            continue
        incident = existing.get((units[code].pk, title))
        if incident is None:
            incident = services.register_incident(
                incident=Incident(
                    unit=units[code],
                    responsible_unit=units[responsible],
                    title=title,
                    discovered_at=discovered,
                    platform=platforms[platform],
                    summary=summary,
                    level=level,
                ),
                user=clerk,
            )
            added["incidents"] += 1
        for step, hours, data in steps:
            at = discovered + datetime.timedelta(hours=hours)
            if at > now or incident.status in _reached(step):
                continue
            data = dict(data)
            if step == "respond":
                data["responded_at"] = at
            # 办结 is signed off by a leader over the unit (settings.SEPARATION_OF_DUTIES)
            actor = _leader_over(units[code], logins) if step == "close" else clerk
            taken = services.take_step(incident=incident, step=step, user=actor, data=data, at=at)
            WorkflowStep.objects.filter(pk=taken.pk).update(at=at)  # signed when it happened


def _leader_over(unit, logins):
    """The demo leader of ``unit`` or of the nearest unit above it (else the admin)."""
    for name in ("cgjd_leader", "xcb_leader", "qw_leader"):
        leader = logins.get(name)
        if leader is not None and unit.path.startswith(leader.unit.path):
            return leader
    return logins["admin"]


def _reached(step: str) -> set[str]:
    """States in which ``step`` has already been taken."""

    states = [S.ANALYZED, S.HANDLED, S.RESPONDED, S.CLOSED]
    return {s.value for s in states[STEP_ORDER.index(step) :]}
