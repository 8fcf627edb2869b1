"""意识形态工作责任书: a unit's duty list of a year, with the lines both sides sign."""

from __future__ import annotations

from luoshi.duty.models import DutyList, TargetType
from luoshi.printing.documents.common import BLANK_DATE, chinese_date, person
from luoshi.reports.document import Document, Section, Table
from luoshi.units.models import Unit

PERIOD_WORDS = {"year": "全年", "half": "每半年", "quarter": "每季度", "month": "每月"}


def target_text(item) -> str:
    """「全年不少于12次」「达到95%」「逐项完成」 (the unit's own target when it set one)."""
    target = item.target
    if item.target_type == TargetType.CHECKLIST or target is None:
        return "逐项完成"
    number = f"{target.normalize():f}"
    if item.target_type == TargetType.RATE:
        return f"{PERIOD_WORDS.get(item.period, '')}达到{number}%"
    return f"{PERIOD_WORDS.get(item.period, '全年')}不少于{number}次"


def _areas(duty_list: DutyList) -> list[Section]:
    sections: dict[str, Section] = {}
    numbers: dict[str, int] = {}
    for item in duty_list.items.filter(is_dropped=False, is_retired=False).order_by("order", "id"):
        area = item.area_name or "其他责任"
        section = sections.setdefault(area, Section(area, level=2))
        numbers[area] = numbers.get(area, 0) + 1
        owner = f"（{item.get_owner_display()}）" if item.owner else ""
        section.paragraphs.append(
            f"{numbers[area]}.{item.name.rstrip('。')}，{target_text(item)}{owner}。"
        )
    return list(sections.values())


def _signature_lines(duty_list: DutyList) -> Table:
    unit = duty_list.unit
    parent = Unit.objects.get_parent(unit)
    signed = duty_list.signed_by if not duty_list.is_draft else None
    return Table(
        rows=[
            [f"{parent.name if parent else '上级党委（党组）'}（盖章）", f"{unit.name}（盖章）"],
            ["负责人（签字）：", f"第一责任人（签字）：{person(signed)}"],
            [BLANK_DATE, chinese_date(duty_list.signed_at) if signed else BLANK_DATE],
        ],
        borders=False,
    )


def build(duty_list: DutyList) -> Document:
    unit, year = duty_list.unit, duty_list.year
    return Document(
        title=f"{unit.name}{year}年度意识形态工作责任书",
        preamble=[
            f"为深入贯彻落实意识形态工作责任制，进一步明确{unit.name}{year}年度意识形态工作"
            f"责任，根据《{duty_list.pack.name}》，结合本单位实际，制定本责任书。"
        ],
        sections=[
            Section("责任内容", children=_areas(duty_list)),
            Section(
                "责任要求",
                paragraphs=[
                    "责任单位党组织书记是本单位意识形态工作第一责任人，分管负责同志是直接责任人，"
                    "班子其他成员按照“一岗双责”抓好分管领域意识形态工作。",
                    "责任单位应将上述责任内容纳入年度工作要点，逐项明确责任人和完成时限，"
                    "工作开展情况及时记入工作台账并留存佐证材料。",
                    f"本责任书执行情况纳入{year}年度意识形态工作责任制考核。本责任书一式两份，"
                    f"签订双方各执一份，自签订之日起生效，有效期至{year}年12月31日。",
                    _signature_lines(duty_list),
                ],
            ),
        ],
    )
