"""Responsibility packs: the YAML format, its parser and validator.

A pack is one responsibility framework (意识形态工作责任制, 党风廉政建设, 安全生产…) as data.
Format version 1::

    format: 1                     # the format of this file (this docstring describes 1)
    code: yishixingtai            # the pack: lower-case letters, digits, _ . -
    version: 3                    # a whole number; each change of the pack gets a higher one
    name: 意识形态工作责任制
    description: …                # optional
    areas:                        # the tree: area → item
      - code: leadership
        name: 组织领导
        description: …            # optional
        items:
          - code: special_meeting         # unique in the pack; matches items across versions
            name: 党委(党组)专题研究意识形态工作
            description: …                # optional
            owner: primary                # primary 第一责任人 / direct 直接责任人 /
                                          # member 班子成员 (一岗双责) / unit 单位
            indicator:                    # what counts
              kind: ledger_count          # a metric key (luoshi.core.metrics);
              params:                     # a kind nobody registered yet loads and is
                activity_type: special_meeting   # filled in by hand until it is
            target: {count: 2, period: year}    # ≥ 2 per year
            scoring:                      # used later by assessment (考核)
              points: 5
              method: ratio               # ratio | all_or_nothing | thresholds | deduction

Indicators: ``kind`` is any name (``[a-z][a-z0-9_]*``). Two kinds are built in and always
manual: ``manual`` (one 完成 tick per period) and ``checklist`` (``items:`` a list of
``{code, name}`` sub-items, each ticked once; its target is ``{checklist: all}`` or omitted).
``ledger_count`` needs ``params.activity_type``: the code of an existing activity type.
A metric may check its own params (``Metric.check_params``): a form figure (统计报表) is
``kind: statform_figure`` with ``params: {figure: xxqg_downloads}`` — the accepted values of
the field that designates that 统计指标编码, summed over the units and the period — and a
rate of two figures ``kind: statform_rate`` with ``params: {figure: downloads, of: members}``;
the code must be designated by a published form. A figure sums the values whose 统计期 ends
in the period: give a stock figure (宣传栏块数) the period of its form (``period: quarter``).

Targets: ``{count: N, period: P}`` — at least N in each period P (``year`` 全年, ``half``
每半年, ``quarter`` 每季度, ``month`` 每月; default ``year``); ``{rate: X, period: P}`` — at
least X % (0 < X ≤ 100) of what the indicator's denominator counts; ``{checklist: all}``.

Scoring: ``points`` (> 0) and ``method``: ``ratio`` (points × progress), ``all_or_nothing``,
``thresholds`` (``thresholds: [{at_least: 100, points: 5}, {at_least: 80, points: 3}]``,
``at_least`` a percentage of the target, descending, points ≤ ``points``) or ``deduction``
(``deduct: {per_missing: 1, max: 5}``: points lost per missing unit of the target).

Grades (考核等次, optional): ``grades: [{name: 好, at_least: 90}, {name: 较好, at_least: 80},
{name: 一般, at_least: 60}, {name: 差, at_least: 0}]`` — the bands of the assessment ranking,
``at_least`` a percentage of full marks, strictly descending, the last one 0 (every score
falls in a band), names unique.

Validation is strict: an unknown or repeated key, a missing field, a wrong type or value is
an error naming the file, the line and the reason in Chinese; a pack with any error is
refused whole and nothing is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml
from django.utils.translation import gettext as _

from luoshi.core import metrics
from luoshi.duty.periods import PeriodKind
from luoshi.ledger.models import ActivityType

FORMAT = 1
CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,39}$")
KIND_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
OWNERS = ("primary", "direct", "member", "unit")
MANUAL_KINDS = ("manual", "checklist")
METHODS = ("ratio", "all_or_nothing", "thresholds", "deduction")
DEFAULT_PACK = Path(__file__).resolve().parent / "packs" / "yishixingtai.yaml"


@dataclass(frozen=True)
class PackIssue:
    file: str
    line: int
    reason: str

    def __str__(self):
        return _("%(file)s 第 %(line)d 行：%(reason)s") % {
            "file": self.file,
            "line": self.line,
            "reason": self.reason,
        }


class PackError(Exception):
    """A pack refused; ``issues`` says where and why (file, line, Chinese reason)."""

    def __init__(self, issues: list[PackIssue]):
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))


@dataclass
class ItemSpec:
    code: str
    name: str
    line: int
    area_code: str = ""
    description: str = ""
    owner: str = ""
    indicator_kind: str = ""
    indicator_params: dict = field(default_factory=dict)
    checklist: list = field(default_factory=list)  # [{"code", "name"}]
    target_type: str = ""  # count | rate | checklist
    target_value: Decimal | None = None
    period: str = PeriodKind.YEAR
    scoring: dict = field(default_factory=dict)
    is_area: bool = False


@dataclass
class PackSpec:
    code: str
    version: int
    name: str
    description: str
    source: str
    file: str
    areas: list[ItemSpec] = field(default_factory=list)
    items: list[ItemSpec] = field(default_factory=list)
    grades: list[dict] = field(default_factory=list)  # [{"name", "at_least"}], descending


_constructor = yaml.SafeLoader("")


class _Reader:
    """Walks the composed YAML nodes, turning them into values and collecting issues."""

    def __init__(self, file: str):
        self.file = file
        self.issues: list[PackIssue] = []

    def error(self, node, reason: str) -> None:
        self.issues.append(PackIssue(self.file, node.start_mark.line + 1, reason))

    def mapping(self, node, what: str, required: tuple, optional: tuple) -> dict | None:
        """{key: value node} of a mapping with exactly the allowed keys."""
        if not isinstance(node, yaml.MappingNode):
            self.error(node, _("%(what)s应为键值映射。") % {"what": what})
            return None
        result = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key in result:
                self.error(key_node, _("字段「%(key)s」重复。") % {"key": key})
            elif key not in required and key not in optional:
                allowed = "、".join((*required, *optional))
                self.error(
                    key_node,
                    _("%(what)s中有未知字段「%(key)s」（可用字段：%(allowed)s）。")
                    % {"what": what, "key": key, "allowed": allowed},
                )
            else:
                result[key] = value_node
        for key in required:
            if key not in result:
                self.error(
                    node, _("%(what)s缺少必填字段「%(key)s」。") % {"what": what, "key": key}
                )
        return result

    def scalar(self, node):
        if not isinstance(node, yaml.ScalarNode):
            return node
        return _constructor.construct_object(node)

    def text(self, node, what: str, *, required=True, pattern=None, max_length=200) -> str:
        value = self.scalar(node)
        if not isinstance(value, str) or (required and not value.strip()):
            self.error(node, _("%(what)s应为非空文字。") % {"what": what})
            return ""
        value = value.strip()
        if pattern is not None and not pattern.match(value):
            self.error(
                node,
                _("%(what)s「%(value)s」格式不对：只能用小写字母、数字、下划线，不超过40个字符。")
                % {"what": what, "value": value},
            )
        elif len(value) > max_length:
            self.error(node, _("%(what)s超过 %(n)d 个字符。") % {"what": what, "n": max_length})
        return value

    def number(self, node, what: str, *, integer=False, low=None, high=None, low_open=False):
        value = self.scalar(node)
        ok_type = isinstance(value, int) if integer else isinstance(value, int | float)
        if isinstance(value, bool) or not ok_type:
            kind = _("整数") if integer else _("数字")
            self.error(node, _("%(what)s应为%(kind)s。") % {"what": what, "kind": kind})
            return None
        if (low is not None and (value <= low if low_open else value < low)) or (
            high is not None and value > high
        ):
            if high is None:
                bound = _("大于 %(low)s") if low_open else _("不小于 %(low)s")
                self.error(
                    node, _("%(what)s应%(bound)s。") % {"what": what, "bound": bound % {"low": low}}
                )
            else:
                self.error(
                    node,
                    _("%(what)s应在 %(low)s 到 %(high)s 之间。")
                    % {"what": what, "low": low, "high": high},
                )
            return None
        return Decimal(str(value))

    def sequence(self, node, what: str) -> list:
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            self.error(node, _("%(what)s应为非空列表。") % {"what": what})
            return []
        return node.value


# The reader other YAML formats of the product use too (statistics forms, luoshi.statforms).
Reader = _Reader


def parse_pack(text: str, file: str = "<pack>") -> PackSpec:
    """Parse and validate a pack; raise ``PackError`` listing every problem."""
    reader = _Reader(file)
    root = _compose(text, file)
    top = reader.mapping(
        root,
        _("责任包"),
        ("format", "code", "version", "name", "areas"),
        ("description", "grades"),
    )
    if top is None:
        raise PackError(reader.issues)
    spec = PackSpec(code="", version=0, name="", description="", source=text, file=file)
    _parse_header(reader, top, spec)
    codes: dict[str, int] = {}
    for area_node in reader.sequence(top["areas"], _("领域列表 areas")) if "areas" in top else []:
        _parse_area(reader, area_node, spec, codes)
    if "grades" in top:
        spec.grades = _parse_grades(reader, top["grades"])
    if reader.issues:
        raise PackError(reader.issues)
    return spec


def _compose(text: str, file: str) -> yaml.Node:
    """The pack's one YAML document as a node tree (lines kept for messages)."""
    try:
        documents = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        reason = _("YAML 语法错误：%(problem)s") % {"problem": error.problem or error.context}
        raise PackError([PackIssue(file, line, reason)]) from error
    except yaml.YAMLError as error:
        raise PackError([PackIssue(file, 1, _("YAML 语法错误：%(e)s") % {"e": error})]) from error
    if len(documents) != 1 or documents[0] is None:
        line = documents[1].start_mark.line + 1 if len(documents) > 1 else 1
        raise PackError([PackIssue(file, line, _("文件应恰好包含一个 YAML 文档。"))])
    return documents[0]


def _parse_header(reader, top: dict, spec: PackSpec) -> None:
    if "format" in top:
        fmt = reader.scalar(top["format"])
        if fmt != FORMAT:
            reader.error(
                top["format"],
                _("不支持的格式版本「%(v)s」，本系统支持 format: %(f)d。")
                % {"v": fmt, "f": FORMAT},
            )
    if "code" in top:
        spec.code = reader.text(top["code"], _("责任包编码"), pattern=CODE_RE)
    if "version" in top:
        version = reader.number(top["version"], _("版本号"), integer=True, low=1)
        spec.version = int(version) if version is not None else 0
    if "name" in top:
        spec.name = reader.text(top["name"], _("责任包名称"))
    if "description" in top:
        spec.description = reader.text(top["description"], _("说明"), max_length=2000)


def _unique(reader, node, code, codes):
    if not code:
        return
    if code in codes:
        reader.error(
            node,
            _("编码「%(code)s」重复（第 %(line)d 行已使用）。")
            % {"code": code, "line": codes[code]},
        )
    else:
        codes[code] = node.start_mark.line + 1


def _read_names(reader, fields, target, codes, labels) -> None:
    """The code (unique in the pack), name and description that an area and an item both
    have; ``labels``: what the code and the name are called in an error."""
    code_label, name_label = labels
    if "code" in fields:
        target.code = reader.text(fields["code"], code_label, pattern=CODE_RE)
        _unique(reader, fields["code"], target.code, codes)
    if "name" in fields:
        target.name = reader.text(fields["name"], name_label)
    if "description" in fields:
        target.description = reader.text(fields["description"], _("说明"), max_length=2000)


def _parse_area(reader, node, spec, codes):
    fields = reader.mapping(node, _("领域"), ("code", "name", "items"), ("description",))
    if fields is None:
        return
    area = ItemSpec(code="", name="", line=node.start_mark.line + 1, is_area=True)
    _read_names(reader, fields, area, codes, (_("领域编码"), _("领域名称")))
    spec.areas.append(area)
    for item_node in (
        reader.sequence(fields["items"], _("责任项列表 items")) if "items" in fields else []
    ):
        _parse_item(reader, item_node, spec, area, codes)


def _parse_item(reader, node, spec, area, codes):
    fields = reader.mapping(
        node,
        _("责任项"),
        ("code", "name", "owner", "indicator"),
        ("description", "target", "scoring"),
    )
    if fields is None:
        return
    item = ItemSpec(code="", name="", line=node.start_mark.line + 1, area_code=area.code)
    _read_names(reader, fields, item, codes, (_("责任项编码"), _("责任项名称")))
    if "owner" in fields:
        owner = reader.scalar(fields["owner"])
        if owner not in OWNERS:
            reader.error(
                fields["owner"],
                _(
                    "责任主体「%(v)s」无效，应为 primary（第一责任人）、direct（直接责任人）、"
                    "member（班子成员）或 unit（单位）。"
                )
                % {"v": owner},
            )
        else:
            item.owner = owner
    if "indicator" in fields:
        _parse_indicator(reader, fields["indicator"], item)
    if "target" in fields:
        _parse_target(reader, fields["target"], item)
    elif item.indicator_kind == "checklist":
        item.target_type = "checklist"
    else:
        reader.error(node, _("责任项缺少必填字段「target」。"))
    if "scoring" in fields:
        item.scoring = _parse_scoring(reader, fields["scoring"])
    spec.items.append(item)


def _parse_indicator(reader, node, item):
    fields = reader.mapping(node, _("指标 indicator"), ("kind",), ("params", "items"))
    if fields is None or "kind" not in fields:
        return
    kind = reader.text(fields["kind"], _("指标类型 kind"))
    if kind and not KIND_RE.match(kind):
        reader.error(fields["kind"], _("指标类型「%(k)s」格式不对。") % {"k": kind})
    item.indicator_kind = kind
    if "params" in fields:
        if not isinstance(fields["params"], yaml.MappingNode):
            reader.error(fields["params"], _("指标参数 params 应为键值映射。"))
        else:
            item.indicator_params = _constructor.construct_object(fields["params"], deep=True)
    if kind == "checklist":
        _parse_checklist(reader, node, fields, item)
    elif "items" in fields:
        reader.error(fields["items"], _("只有清单类指标（checklist）可以有子项 items。"))
    if kind == "ledger_count":
        _check_activity_type(reader, node, fields, item)
    elif metrics.is_registered(kind) and metrics.get(kind).check_params is not None:
        problem = metrics.get(kind).check_params(item.indicator_params)
        if problem:
            reader.error(fields.get("params", node), problem)


def _parse_checklist(reader, node, fields: dict, item: ItemSpec) -> None:
    if "items" not in fields:
        reader.error(node, _("清单类指标（checklist）缺少子项 items。"))
        return
    seen = set()
    for sub in reader.sequence(fields["items"], _("清单子项 items")):
        sub_fields = reader.mapping(sub, _("清单子项"), ("code", "name"), ())
        if not sub_fields or "code" not in sub_fields or "name" not in sub_fields:
            continue
        code = reader.text(sub_fields["code"], _("子项编码"), pattern=CODE_RE)
        if code in seen:
            reader.error(sub_fields["code"], _("子项编码「%(c)s」重复。") % {"c": code})
        seen.add(code)
        name = reader.text(sub_fields["name"], _("子项名称"))
        item.checklist.append({"code": code, "name": name})


def _check_activity_type(reader, node, fields: dict, item: ItemSpec) -> None:
    activity = item.indicator_params.get("activity_type")
    if not isinstance(activity, str) or not activity:
        reader.error(node, _("台账计数指标（ledger_count）须在 params 中写明 activity_type。"))
    elif not ActivityType.objects.filter(code=activity).exists():
        reader.error(
            fields.get("params", node),
            _("活动类型「%(c)s」不存在（见“活动类型”字典）。") % {"c": activity},
        )


def _parse_target(reader, node, item):
    fields = reader.mapping(node, _("目标 target"), (), ("count", "rate", "checklist", "period"))
    if fields is None:
        return
    kinds = [k for k in ("count", "rate", "checklist") if k in fields]
    if len(kinds) != 1:
        reader.error(node, _("目标应写明且只写明 count（次数）、rate（百分比）或 checklist 之一。"))
        return
    kind = kinds[0]
    item.target_type = kind
    if kind == "count":
        item.target_value = reader.number(fields["count"], _("目标次数 count"), integer=True, low=1)
    elif kind == "rate":
        item.target_value = reader.number(
            fields["rate"], _("目标比例 rate"), low=0, high=100, low_open=True
        )
    else:
        if reader.scalar(fields["checklist"]) != "all":
            reader.error(fields["checklist"], _("清单目标应写作 checklist: all。"))
        if item.indicator_kind and item.indicator_kind != "checklist":
            reader.error(node, _("只有清单类指标（checklist）可以用清单目标。"))
    if item.indicator_kind == "checklist" and kind != "checklist":
        reader.error(node, _("清单类指标（checklist）的目标应为 checklist: all。"))
    if "period" in fields:
        period = reader.scalar(fields["period"])
        if period not in PeriodKind.values:
            reader.error(
                fields["period"],
                _(
                    "周期「%(p)s」无效，应为 year（全年）、half（每半年）、quarter（每季度）"
                    "或 month（每月）。"
                )
                % {"p": period},
            )
        else:
            item.period = period


def _parse_scoring(reader, node) -> dict:
    fields = reader.mapping(
        node, _("评分规则 scoring"), ("points",), ("method", "thresholds", "deduct")
    )
    if fields is None:
        return {}
    result: dict = {}
    points = None
    if "points" in fields:
        points = reader.number(fields["points"], _("分值 points"), low=0, low_open=True)
        result["points"] = float(points) if points is not None else None
    method = "ratio"
    if "method" in fields:
        method = reader.scalar(fields["method"])
        if method not in METHODS:
            reader.error(
                fields["method"],
                _("评分方法「%(m)s」无效，应为 %(all)s 之一。")
                % {"m": method, "all": "、".join(METHODS)},
            )
    result["method"] = method
    if method == "thresholds":
        _parse_thresholds(reader, node, fields, points, result)
    elif "thresholds" in fields:
        reader.error(fields["thresholds"], _("只有按档计分（thresholds）可以写 thresholds。"))
    if method == "deduction":
        _parse_deduct(reader, node, fields, result)
    elif "deduct" in fields:
        reader.error(fields["deduct"], _("只有扣分制（deduction）可以写 deduct。"))
    return result


def _parse_thresholds(reader, node, fields: dict, points, result: dict) -> None:
    if "thresholds" not in fields:
        reader.error(node, _("按档计分（thresholds）须写明 thresholds。"))
        return
    result["thresholds"] = []
    previous = None
    for step in reader.sequence(fields["thresholds"], _("分档 thresholds")):
        step_fields = reader.mapping(step, _("分档"), ("at_least", "points"), ())
        if not step_fields or len(step_fields) != 2:
            continue
        at_least = reader.number(step_fields["at_least"], _("达标比例 at_least"), low=0, high=100)
        step_points = reader.number(step_fields["points"], _("得分 points"), low=0)
        if step_points is not None and points is not None and step_points > points:
            reader.error(step_fields["points"], _("分档得分不能高于总分值。"))
        if at_least is not None and previous is not None and at_least >= previous:
            reader.error(step_fields["at_least"], _("分档应按 at_least 从高到低排列。"))
        previous = at_least if at_least is not None else previous
        if at_least is not None and step_points is not None:
            result["thresholds"].append({"at_least": float(at_least), "points": float(step_points)})


def _parse_deduct(reader, node, fields: dict, result: dict) -> None:
    if "deduct" not in fields:
        reader.error(node, _("扣分制（deduction）须写明 deduct。"))
        return
    deduct = reader.mapping(fields["deduct"], _("扣分 deduct"), ("per_missing",), ("max",))
    if deduct is None or "per_missing" not in deduct:
        return
    per = reader.number(deduct["per_missing"], _("每缺一次扣分 per_missing"), low=0, low_open=True)
    result["deduct"] = {"per_missing": float(per) if per is not None else None}
    if "max" in deduct:
        most = reader.number(deduct["max"], _("最多扣分 max"), low=0, low_open=True)
        result["deduct"]["max"] = float(most) if most is not None else None


def _parse_grades(reader, node) -> list[dict]:
    """考核等次: [{name, at_least}], at_least strictly descending and the last one 0."""
    grades: list[dict] = []
    steps = reader.sequence(node, _("考核等次 grades"))
    previous = None
    for step in steps:
        fields = reader.mapping(step, _("考核等次"), ("name", "at_least"), ())
        if not fields or len(fields) != 2:
            continue
        name = reader.text(fields["name"], _("等次名称"), max_length=20)
        at_least = reader.number(fields["at_least"], _("等次分数线 at_least"), low=0, high=100)
        if name and name in {g["name"] for g in grades}:
            reader.error(fields["name"], _("等次「%(n)s」重复。") % {"n": name})
        if at_least is not None and previous is not None and at_least >= previous:
            reader.error(fields["at_least"], _("考核等次应按 at_least 从高到低排列。"))
        previous = at_least if at_least is not None else previous
        if name and at_least is not None:
            grades.append({"name": name, "at_least": float(at_least)})
    if steps and grades and len(grades) == len(steps) and grades[-1]["at_least"] != 0:
        reader.error(steps[-1], _("最低一档考核等次的 at_least 应为 0，使每个得分都有等次。"))
    return grades


def read_pack(path) -> PackSpec:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise PackError([PackIssue(str(path), 0, _("文件不存在。"))]) from error
    except UnicodeDecodeError as error:
        raise PackError([PackIssue(str(path), 1, _("文件不是 UTF-8 编码。"))]) from error
    return parse_pack(text, file=path.name)
