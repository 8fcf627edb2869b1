"""Demo 督查整改 for the demo district (called at the end of ``build_demo``).

Two plans, scored, with findings:

* 示范区委 inspecting three units, with findings in every rectification state: 待整改 (one
  overdue), 已提交, 退回重改 and 已销号;
* 区委宣传部 (as office of the 意识形态工作领导小组, along its 业务指导范围) inspecting the
  阵地 of three units, its findings just handed over (待整改), so that the 宣传部 has a
  督查通报 of its own to write.

The 区委督查室's 督查员 is on both teams (he records the score sheets); the 宣传部's plan is
drawn up by its 办公室主任. Idempotent: a plan is keyed by (inspecting unit, title) and filled
in only in the run that creates it. Dates are relative to ``today``.
"""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from luoshi.accounts.models import User
from luoshi.duty.selectors import latest_pack
from luoshi.evidence.samples import sample_pdf as make_pdf
from luoshi.inspections import services
from luoshi.inspections.models import ChecklistLine, InspectionPlan
from luoshi.inspections.workflow import PLAN, RESULT

DAY = datetime.timedelta(days=1)

# unit code: (scores as fractions of each line's maximum, summary, findings)
# finding: (line index, description, requirement, deadline offset (days), outcome)
PLAN_UNITS = {
    "D07": (
        [1.0, 0.95, 0.9, 0.9, 1.0],
        "责任制落实比较到位，阵地巡查每月开展，台账齐全。",
        [
            (
                2,
                "社区宣传栏内容更新不及时，个别栏目仍为去年内容。",
                "建立宣传栏更新登记制度。",
                10,
                "submitted",
            ),
            (3, "网格员微信群管理员未落实实名登记。", "逐一登记管理员并报备。", -3, "closed"),
        ],
    ),
    "D03": (
        [0.8, 0.7, 0.8, 0.6, 0.8],
        "工作基础较好，但佐证材料归档不规范。",
        [
            (
                1,
                "理论学习效果主要体现在学习笔记上，缺少研讨交流记录。",
                "完善中心组学习研讨记录。",
                -10,
                "closed",
            ),
            (
                4,
                "可供查阅的工作资料少之又少，必要的文件及佐证材料未归档。",
                "建立意识形态工作资料归档制度，补齐会议纪要。",
                15,
                "returned",
            ),
            (
                0,
                "年度意识形态工作专题研究仅1次，未达到每年2次的要求。",
                "年内补开专题会议并报送纪要。",
                -5,
                "pending",
            ),
        ],
    ),
    "D08": (
        [0.7, 0.6, 0.8, 0.7, 0.7],
        "村级阵地管理薄弱，制度机制不健全。",
        [
            (2, "村级讲座论坛未按要求备案。", "建立讲座论坛“一会一报”台账。", 20, "pending"),
        ],
    ),
}
# The 区委宣传部's inspection of the 意识形态阵地 (宣传栏, 讲座论坛, 新媒体账号) of three units.
PUBLICITY_UNITS = {
    "D06": (
        [1.0, 0.95, 1.0, 0.9, 0.95],
        "新媒体账号实行“三审三校”，内容发布审核记录完整，舆情研判每周开展。",
        [
            (
                3,
                "个别新媒体账号管理员变更后未及时报备。",
                "更新账号管理员台账并报区委网信办备案。",
                20,
                "pending",
            ),
        ],
    ),
    "D09": (
        [0.9, 0.8, 0.7, 0.8, 0.85],
        "社区新时代文明实践站活动常态开展，阵地管理责任落实到人。",
        [
            (
                2,
                "锦绣社区宣传栏管理员未明确，巡查记录缺失。",
                "明确宣传栏管理员，每月巡查并登记。",
                15,
                "pending",
            ),
            (
                4,
                "社区居民微信群未落实群主管理责任。",
                "逐群明确群主，签订管理责任书。",
                25,
                "pending",
            ),
        ],
    ),
    "D10": (
        [0.7, 0.65, 0.6, 0.7, 0.6],
        "村级阵地底数基本清楚，但管理制度执行不到位。",
        [
            (
                2,
                "桃园村农家书屋部分书刊内容陈旧，未按规定清理更新。",
                "开展书刊清理，建立更新登记制度。",
                30,
                "pending",
            ),
            (
                1,
                "镇党委理论学习中心组学习缺少研讨发言记录。",
                "完善中心组学习研讨记录。",
                20,
                "pending",
            ),
            (
                0,
                "讲座论坛报告会未执行“一会一报”审批。",
                "建立讲座论坛审批台账，逐场报批。",
                10,
                "pending",
            ),
        ],
    ),
}
CLERKS = {"D03": "jyj_clerk", "D07": "cgjd_clerk"}
FALLBACK_LINES = ("专题研究", "理论学习", "阵地管理", "队伍建设", "佐证材料")


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        f"{name}.pdf", make_pdf(["luoshi demo", "rectification"], name), "application/pdf"
    )


def ensure_inspections(*, today, units, logins, added) -> None:
    added.setdefault("inspections", 0)
    inspector = logins.get("inspector")
    if inspector is None:
        return
    plans = [
        (
            "D00",
            inspector,
            f"{today.year}年意识形态工作责任制专项督查",
            "对照意识形态工作责任清单，采取听取汇报、查阅资料、实地查看相结合的方式督查。",
            (30, 20, 25),
            PLAN_UNITS,
        ),
        (
            "D02",
            logins.get("xcb_admin") or inspector,
            f"{today.year}年意识形态阵地管理专项督查",
            "采取查阅台账、实地查看宣传栏和讲座论坛、抽查新媒体账号相结合的方式督查。",
            (15, 8, 10),
            PUBLICITY_UNITS,
        ),
    ]
    for code, creator, title, description, days, inspected in plans:
        issuer = units.get(code)
        if issuer is None or InspectionPlan.objects.filter(unit=issuer, title=title).exists():
            continue
        plan = InspectionPlan.objects.create(
            unit=issuer,
            created_by=creator,
            title=title,
            description=description,
            starts_on=today - days[0] * DAY,
            ends_on=today - days[1] * DAY,
        )
        plan.inspected_units.set([units[c] for c in inspected if c in units])
        plan.team.set([inspector])
        on = today - days[2] * DAY
        _inspect(plan, creator, inspector, units, inspected, on, logins, today)
        added["inspections"] += 1


def _lines(plan) -> list:
    pack = latest_pack()
    items = list(pack.items.filter(is_area=False).order_by("order")[:5]) if pack else []
    names = [(i.code, i.name, i) for i in items] or [("", n, None) for n in FALLBACK_LINES]
    return [
        ChecklistLine.objects.create(
            plan=plan, order=n, code=code, name=name, max_score=20, pack_item=item
        )
        for n, (code, name, item) in enumerate(names, start=1)
    ]


def _inspect(plan, creator, inspector, units, inspected, on, logins, today) -> None:
    """Start the plan, then score every inspected unit and hand over its findings."""
    lines = _lines(plan)
    services.ensure_results(plan, inspector)
    PLAN.apply(plan, "start", user=creator)
    for code, (fractions, summary, findings) in inspected.items():
        unit = units.get(code)
        if unit is None:
            continue
        result = plan.results.get(unit=unit)
        services.save_scores(
            result=result,
            user=inspector,
            scores={
                line.pk: (line.max_score * fraction, "" if fraction == 1 else "部分未达标")
                for line, fraction in zip(lines, fractions, strict=False)
            },
            inspected_on=on,
            summary=summary,
        )
        clerk = logins.get(CLERKS.get(code, ""))
        owner = clerk or User.objects.filter(unit=unit, is_active=True).order_by("pk").first()
        if owner is not None:
            _findings(result, inspector, clerk, owner, lines, findings, today)
        RESULT.apply(result, "record", user=inspector, recorded_by=inspector)


def _findings(result, inspector, clerk, owner, lines, findings, today) -> None:
    for index, description, requirement, offset, outcome in findings:
        item = services.add_finding(
            result=result,
            user=inspector,
            description=description,
            requirement=requirement,
            owner=owner,
            deadline=today + offset * DAY,
            line=lines[index % len(lines)],
        )
        if outcome == "pending" or clerk is None:
            continue
        services.submit(item=item, user=clerk, response="已按要求整改。", files=[_pdf("整改材料")])
        if outcome == "closed":
            services.close(item=item, user=inspector, comment="核验通过。")
        elif outcome == "returned":
            services.send_back(item=item, user=inspector, comment="未附会议纪要，请补充。")
