"""Demo 督查整改 for the demo district (called at the end of ``build_demo``).

One plan of 示范区委 inspecting three units, scored, with findings in every rectification
state: 待整改 (one overdue), 已提交, 退回重改 and 已销号. Idempotent: the plan is keyed by
(inspecting unit, title) and filled in only in the run that creates it. Dates are relative
to ``today``.
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
CLERKS = {"D03": "jyj_clerk", "D07": "cgjd_clerk"}


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        f"{name}.pdf", make_pdf(["luoshi demo", "rectification"], name), "application/pdf"
    )


def ensure_inspections(*, today, units, logins, added) -> None:
    added.setdefault("inspections", 0)
    inspector = logins.get("inspector")
    root = units.get("D00")
    if inspector is None or root is None:
        return
    title = f"{today.year}年意识形态工作责任制专项督查"
    if InspectionPlan.objects.filter(unit=root, title=title).exists():
        return
    plan = InspectionPlan.objects.create(
        unit=root,
        created_by=inspector,
        title=title,
        description="对照意识形态工作责任清单，采取听取汇报、查阅资料、实地查看相结合的方式督查。",
        starts_on=today - 30 * DAY,
        ends_on=today - 20 * DAY,
    )
    inspected = [units[code] for code in PLAN_UNITS if code in units]
    plan.inspected_units.set(inspected)
    plan.team.set([inspector])
    pack = latest_pack()
    items = list(pack.items.filter(is_area=False).order_by("order")[:5]) if pack else []
    names = [(i.code, i.name, i) for i in items] or [
        ("", name, None) for name in ("专题研究", "理论学习", "阵地管理", "队伍建设", "佐证材料")
    ]
    lines = [
        ChecklistLine.objects.create(
            plan=plan, order=n, code=code, name=name, max_score=20, pack_item=item
        )
        for n, (code, name, item) in enumerate(names, start=1)
    ]
    services.ensure_results(plan, inspector)
    PLAN.apply(plan, "start", user=inspector)
    for code, (fractions, summary, findings) in PLAN_UNITS.items():
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
            inspected_on=today - 25 * DAY,
            summary=summary,
        )
        clerk = logins.get(CLERKS.get(code, ""))
        owner = clerk or User.objects.filter(unit=unit, is_active=True).order_by("pk").first()
        if owner is None:
            continue
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
            services.submit(
                item=item, user=clerk, response="已按要求整改。", files=[_pdf("整改材料")]
            )
            if outcome == "closed":
                services.close(item=item, user=inspector, comment="核验通过。")
            elif outcome == "returned":
                services.send_back(item=item, user=inspector, comment="未附会议纪要，请补充。")
        RESULT.apply(result, "record", user=inspector, recorded_by=inspector)
    added["inspections"] += 1
