"""整改通知书: the problems an inspection found at one unit, with what to do and by when."""

from __future__ import annotations

from luoshi.inspections.models import InspectionResult
from luoshi.printing.documents.common import chinese_date
from luoshi.reports.document import Document, Section


def _problems(result: InspectionResult) -> list[str]:
    paragraphs = []
    findings = result.findings.select_related("item").order_by("id")
    for number, finding in enumerate(findings, start=1):
        text = f"{number}.{finding.description.strip().rstrip('。')}。"
        requirement = finding.requirement.strip().rstrip("。")
        if requirement:
            text += f"整改要求：{requirement}。"
        item = getattr(finding, "item", None)
        if item is not None:
            text += f"整改期限：{chinese_date(item.deadline)}前。"
        paragraphs.append(text)
    return paragraphs


def build(result: InspectionResult) -> Document:
    plan, issuer = result.plan, result.plan.unit
    deadlines = [f.item.deadline for f in result.findings.all() if hasattr(f, "item")]
    when = f"于{chinese_date(max(deadlines))}前" if deadlines else "按期"
    return Document(
        title=f"关于{plan.title}发现问题整改的通知",
        addressee=result.unit.name,
        preamble=[
            f"{chinese_date(result.inspected_on or plan.starts_on)}，{issuer.name}对你单位"
            "落实意识形态工作责任制情况进行了督查。现将督查发现的问题反馈如下，请认真抓好整改。"
        ],
        sections=[
            Section("督查发现的问题", paragraphs=_problems(result)),
            Section(
                "整改要求",
                paragraphs=[
                    "请对照问题清单逐项制定整改措施，明确责任领导、责任人和完成时限，"
                    "做到问题不查清不放过、整改不到位不放过。",
                    f"请{when}将整改情况连同佐证材料通过系统逐项报送{issuer.name}，"
                    "经审核后销号；逾期未完成的，须书面说明原因。",
                ],
            ),
        ],
        signature=issuer.name,
        date=chinese_date(result.inspected_on or plan.ends_on),
    )
