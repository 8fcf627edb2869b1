"""Demo events of the demo district (called from ``luoshi.demo.district.build_demo``).

Idempotent: an event is keyed by (unit, topic). Each planned event is taken through the
real services (rules, chain, signed steps, ledger record when held) and its steps are then
dated as they would have happened, relative to ``today``. A filing rule at the district
(more than 200 people → 安全预案) and a chain for 城关街道's communities are configured.
"""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from luoshi.accounts.models import Role, User
from luoshi.core.dates import local_moment
from luoshi.core.history import written_by
from luoshi.core.workflow import WorkflowStep
from luoshi.events import services
from luoshi.events.models import (
    EventFiling,
    EventRule,
    EventSpeaker,
    ReviewChain,
    ReviewChainStep,
    ReviewerLevel,
)
from luoshi.evidence.samples import sample_pdf as make_pdf
from luoshi.evidence.services import attach_file
from luoshi.ledger.models import ActivityType
from luoshi.units.models import UnitType

# Logins the flows need beyond the core demo logins (same demo password).
EXTRA_LOGINS = [
    ("jyj_leader", "钱国庆", "教育局党组成员、副局长", "D03", "leader"),
    ("cgjd_reviewer", "冯雪梅", "城关街道党工委宣传委员", "D07", "reviewer"),
    ("wcsq_clerk", "韩晓东", "文昌社区宣传委员", "D0701", "clerk"),
]

# unit, clerk, kind, topic, synopsis, speakers, day offset, hour, expected, venue,
# stage (draft/reviewing/refused/approved/held/late), held as (activity type, actual, summary)
EVENTS = [
    ("D02", "xcb_clerk", "report", "学习贯彻党的二十届四中全会精神专题宣讲报告会",
     "邀请省委宣讲团成员围绕全会精神作专题宣讲，全区副科级以上干部参加。",
     [("王建华", "省委宣讲团", "省委党校教授")], -40, 9, 260, "区委党校报告厅", "held",
     ("outreach_talk", 248, "宣讲联系实际、深入浅出，现场发放学习辅导材料300份，会后各单位开展专题研讨。")),
    ("D02", "xcb_clerk", "seminar", "新时代网络文明建设研讨会",
     "交流网络文明建设经验，研讨网络生态治理和正能量传播。",
     [("刘思远", "市委网信办", "副主任"), ("陈静", "市社会科学院", "研究员")], -12, 14, 80,
     "区融媒体中心演播厅", "held",
     ("training", 76, "6家单位作交流发言，形成网络文明建设意见建议12条。")),
    ("D02", "xcb_clerk", "lecture", "“铸牢中华民族共同体意识”专题讲座",
     "面向机关党员干部开展民族团结进步教育。", [("马玉兰", "市委统战部", "处长")], 6, 15, 150,
     "区委三楼会议室", "approved", None),
    ("D02", "xcb_clerk", "forum", "基层理论宣讲骨干论坛",
     "组织各镇街宣讲骨干交流宣讲经验，推广“百姓宣讲”好做法。",
     [("杨振华", "区委宣传部理论科", "科长")], 15, 9, 120, "区文化馆多功能厅", "reviewing", None),
    ("D02", "xcb_clerk", "lecture", "意识形态工作责任制专题辅导讲座",
     "解读意识形态工作责任制实施细则和考核办法。", [("宋德明", "市委宣传部", "调研员")], 25, 9, 60,
     "区委三楼会议室", "draft", None),
    ("D03", "jyj_clerk", "seminar", "中小学思政课教学研讨会",
     "围绕大中小学思政课一体化建设开展集体备课和教学研讨。",
     [("孙立军", "省教育科学研究院", "研究员")], -20, 9, 180, "示范区第一中学报告厅", "held",
     ("training", 172, "开展示范课2节、集体备课3场，形成思政课教学案例汇编1册。")),
    ("D03", "jyj_clerk", "lecture", "家庭教育公益讲座",
     "面向家长开展家庭教育指导，讲座结束后补报备案。", [("林美玲", "市家庭教育研究会", "副会长")],
     -30, 19, 150, "示范区实验小学礼堂", "late",
     ("outreach_talk", 163, "家长现场提问20余个，发放家庭教育手册160份。")),
    ("D03", "jyj_clerk", "report", "弘扬教育家精神报告会",
     "邀请全国优秀教师代表作事迹报告。", [("郭海燕", "省特级教师工作室", "特级教师")], 10, 14, 320,
     "区会议中心大礼堂", "reviewing", None),
    ("D03", "jyj_clerk", "lecture", "校园意识形态阵地管理专题讲座",
     "讲解校园讲座论坛、宣传栏和新媒体账号管理要求。", [("罗永刚", "某网络科技公司", "")], 18, 15, 90,
     "区教育局五楼会议室", "refused", None),
    ("D0701", "wcsq_clerk", "lecture", "“百姓宣讲”进社区：民法典与家庭生活",
     "用身边案例讲解民法典婚姻家庭编和继承编。", [("周桂芳", "区法律援助中心", "律师")], -8, 15, 70,
     "文昌社区新时代文明实践站", "held",
     ("outreach_talk", 68, "居民现场咨询法律问题15个，发放民法典宣传册80份。")),
    ("D0701", "wcsq_clerk", "forum", "文昌社区邻里文化论坛",
     "居民代表、志愿者交流邻里互助和社区文化建设经验。", [("邓春燕", "城关街道文化站", "站长")],
     4, 9, 100, "文昌社区党群服务中心", "approved", None),
]  # fmt: skip

REFUSAL = "主讲人为企业人员，请补充主讲人简介及讲稿后重新报送。"


def ensure_users(rows, units, logins, added):
    """Demo logins of a module (password of the demo), created if missing."""

    password = next(iter(logins.values())).password  # the demo's shared one, already hashed
    roles = {r.code: r for r in Role.objects.all()}
    people = dict(logins)
    existing = {u.username: u for u in User.objects.filter(username__in=[r[0] for r in rows])}
    for username, full_name, title, unit_code, role_code in rows:
        user = existing.get(username)
        if user is None:
            user = User.objects.create(
                username=username,
                full_name=full_name,
                title=title,
                unit=units[unit_code],
                password=password,
            )
            user.groups.add(roles[role_code])
            added["users"] += 1
        people[username] = user
    return people


def _pdf(name, title):
    content = make_pdf(["luoshi demo", title[:40].encode("ascii", "ignore").decode()], title=title)
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _configure(units, people):
    admin = people["admin"]
    EventRule.objects.get_or_create(
        unit=units["D00"],
        name="大型活动须报安全预案",
        defaults={"min_audience": 200, "required_tag": "安全预案", "created_by": admin},
    )
    chain, created = ReviewChain.objects.get_or_create(
        unit=units["D0701"],
        defaults={"name": "社区活动备案流程", "applies_to_subtree": True, "created_by": admin},
    )
    if created:
        reviewer = Role.objects.get(code="reviewer")
        types = {
            t.code: t for t in UnitType.objects.filter(code__in=["street", "district_committee"])
        }
        for order, (label, type_code) in enumerate(
            [("街道党工委审核", "street"), ("区委审核", "district_committee")], start=1
        ):
            ReviewChainStep.objects.create(
                chain=chain,
                order=order,
                label=label,
                role=reviewer,
                level=ReviewerLevel.ANCESTOR,
                ancestor_type=types[type_code],
            )


def _reviewer_for(review, people):
    for user in people.values():
        if user.unit_id == review.review_unit_id and user.groups.filter(pk=review.role_id).exists():
            return user
    raise LookupError(review)


def _date_steps(event, start_at, late):
    """Date the signed steps as they happened: filed 10 days ahead (or after, for 补报)."""

    steps = list(
        WorkflowStep.objects.filter(
            content_type=ContentType.objects.get_for_model(EventFiling), object_id=event.pk
        ).order_by("at", "id")
    )
    now = timezone.now()
    first = (
        start_at + datetime.timedelta(days=2) if late else start_at - datetime.timedelta(days=10)
    )
    first = min(first, now - datetime.timedelta(hours=len(steps) * 20))
    for index, step in enumerate(steps):
        moment = first + datetime.timedelta(hours=20 * index)
        if step.transition == "hold":
            moment = max(moment, start_at + datetime.timedelta(hours=4))
        WorkflowStep.objects.filter(pk=step.pk).update(at=min(moment, now))
        if step.transition == "submit":
            EventFiling.objects.filter(pk=event.pk).update(submitted_at=min(moment, now))
        if step.transition == "approve_final":
            EventFiling.objects.filter(pk=event.pk).update(approved_at=min(moment, now))


def ensure_events(*, today, units, logins, added) -> None:
    added.setdefault("events", 0)
    people = ensure_users(EXTRA_LOGINS, units, logins, added)
    _configure(units, people)
    existing = set(
        EventFiling.objects.filter(unit__in=units.values()).values_list("unit_id", "topic")
    )
    types = {t.code: t for t in ActivityType.objects.all()}
    for row in EVENTS:
        code, clerk_name, kind, topic, synopsis, speakers, days, hour, expected, venue = row[:10]
        stage, held = row[10], row[11]
        unit, clerk = units[code], people[clerk_name]
        if (unit.pk, topic) in existing:
            continue
        start_at = local_moment(today + datetime.timedelta(days=days), datetime.time(hour))
        event = EventFiling(
            unit=unit,
            created_by=clerk,
            kind=kind,
            topic=topic,
            synopsis=synopsis,
            start_at=start_at,
            end_at=start_at + datetime.timedelta(hours=2),
            venue=venue,
            expected_audience=expected,
        )
        written_by(event, clerk)
        event.save()
        for order, (name, affiliation, title) in enumerate(speakers):
            EventSpeaker.objects.create(
                event=event, name=name, affiliation=affiliation, title=title, order=order
            )
        attach_file(owner=event, uploaded=_pdf("活动方案.pdf", f"{topic} 活动方案"), user=clerk)
        if expected > 200:
            attach_file(
                owner=event,
                uploaded=_pdf("安全预案.pdf", f"{topic} 安全预案"),
                user=clerk,
                title="安全预案",
            )
        added["events"] += 1
        if stage == "draft":
            continue
        services.submit(event=event, user=clerk)
        reviews = list(event.reviews.all())
        if stage == "reviewing":
            if len(reviews) > 1 and days > 12:
                services.decide(event=event, user=_reviewer_for(reviews[0], people), approve=True)
            continue
        if stage == "refused":
            services.decide(
                event=event,
                user=_reviewer_for(reviews[0], people),
                approve=False,
                comment=REFUSAL,
            )
            continue
        for review in reviews:
            services.decide(
                event=event, user=_reviewer_for(review, people), approve=True, comment="同意"
            )
        if held is not None:
            type_code, actual, summary = held
            services.record_held(
                event=event,
                user=clerk,
                activity_type=types[type_code],
                actual_audience=actual,
                summary=summary,
                files=[_pdf("现场照片及签到表.pdf", f"{topic} 签到表")],
            )
        if days < 0:
            _date_steps(event, start_at, late=stage == "late")
