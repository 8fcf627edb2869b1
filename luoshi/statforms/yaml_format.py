"""Statistics forms as YAML, like the responsibility packs (``luoshi.duty.pack_format``,
whose strict reader this uses: an unknown key, a wrong type or value is an error naming the
line, and a file with any error is refused whole). Format version 1::

    format: 1
    code: ideology_quarterly          # the form: lower-case letters, digits, _ . -
    title: 意识形态工作统计表
    description: …                    # optional
    fields:
      - code: members                 # [a-z][a-z0-9_]*, unique in the form
        label: 党员总数
        kind: integer                 # integer decimal percent date choice text table
        measure: 人                   # optional
        required: true                # optional (default true)
        min: 0                        # optional; max: … too
        help: …                       # optional
        choices: [是, 否]             # choice only
        columns: [{code: name, label: 活动名称, kind: text}]   # table only
        numerator: downloads          # percent only, with denominator
        denominator: members
        prefill: {metric: ledger_count, params: {activity_type: study_group}}  # optional
        figure: party_members         # optional: the accepted value becomes this metric
    rules:                            # optional
      - rule: downloads <= members
        message: 下载人数不能超过党员总数
"""

from __future__ import annotations

import yaml
from django.utils.translation import gettext as _

from luoshi.duty.pack_format import CODE_RE, PackError, PackIssue, Reader
from luoshi.statforms.expressions import RuleError, parse_rule
from luoshi.statforms.models import COLUMN_KINDS, FieldKind, FormField, FormVersion

FORMAT = 1
FIELD_KEYS = (
    "measure", "required", "min", "max", "help", "choices", "columns",
    "numerator", "denominator", "prefill", "figure",
)  # fmt: skip


def export_version(version: FormVersion) -> str:
    form = version.form
    data = {"format": FORMAT, "code": form.code, "title": form.title}
    if form.description:
        data["description"] = form.description
    data["fields"] = [_field_data(item) for item in version.fields.all()]
    rules = [{"rule": r.expression, "message": r.message} for r in version.rules.all()]
    if rules:
        data["rules"] = rules
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _field_data(item: FormField) -> dict:
    data = {"code": item.code, "label": item.label, "kind": item.kind}
    optional = {
        "measure": item.measure,
        "required": item.required if not item.required else None,
        "min": _number(item.min_value),
        "max": _number(item.max_value),
        "help": item.help_text,
        "choices": item.choice_list() if item.kind == FieldKind.CHOICE else None,
        "columns": [{"code": c, "label": lb, "kind": k} for c, lb, k in item.column_list()]
        if item.kind == FieldKind.TABLE
        else None,
        "numerator": item.numerator,
        "denominator": item.denominator,
        "prefill": {"metric": item.metric_key, "params": item.metric_params or {}}
        if item.metric_key
        else None,
        "figure": item.figure,
    }
    data.update({k: v for k, v in optional.items() if v not in (None, "", [])})
    return data


def _number(value):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def parse_form(text: str, file: str = "<form>") -> dict:
    """{"code", "title", "description", "fields": [FormField (unsaved)], "rules": [(rule,
    message)]}; ``PackError`` listing every problem."""
    reader = Reader(file)
    root = _document(text, file)
    top = reader.mapping(
        root, _("统计表"), ("format", "code", "title", "fields"), ("description", "rules")
    )
    if top is None:
        raise PackError(reader.issues)
    if "format" in top and reader.scalar(top["format"]) != FORMAT:
        reader.error(top["format"], _("不支持的格式版本，本系统支持 format: 1。"))
    result = {
        "code": reader.text(top["code"], _("表单编码"), pattern=CODE_RE) if "code" in top else "",
        "title": reader.text(top["title"], _("表单名称")) if "title" in top else "",
        "description": reader.text(top["description"], _("说明"), max_length=2000)
        if "description" in top
        else "",
        "fields": [],
        "rules": [],
    }
    seen: set[str] = set()
    for node in reader.sequence(top["fields"], _("字段列表 fields")) if "fields" in top else []:
        item = _parse_field(reader, node, seen)
        if item is not None:
            result["fields"].append(item)
    for node in reader.sequence(top["rules"], _("规则列表 rules")) if "rules" in top else []:
        _parse_rule(reader, node, seen, result["rules"])
    if reader.issues:
        raise PackError(reader.issues)
    return result


def _document(text: str, file: str):
    try:
        documents = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise PackError([PackIssue(file, line, _("YAML 语法错误"))]) from error
    if len(documents) != 1 or documents[0] is None:
        raise PackError([PackIssue(file, 1, _("文件应恰好包含一个 YAML 文档。"))])
    return documents[0]


def _parse_field(reader: Reader, node, seen: set[str]) -> FormField | None:
    fields = reader.mapping(node, _("字段"), ("code", "label", "kind"), FIELD_KEYS)
    if fields is None or not {"code", "label", "kind"} <= set(fields):
        return None
    item = FormField(
        code=reader.text(fields["code"], _("字段编码"), pattern=CODE_RE),
        label=reader.text(fields["label"], _("项目名称"), max_length=100),
        kind=reader.scalar(fields["kind"]),
    )
    if item.code in seen:
        reader.error(fields["code"], _("字段编码「%(code)s」重复。") % {"code": item.code})
    seen.add(item.code)
    if item.kind not in FieldKind.values:
        reader.error(
            fields["kind"], _("类型应为 %(kinds)s 之一。") % {"kinds": "、".join(FieldKind.values)}
        )
    _field_options(reader, fields, item)
    return item


def _field_options(reader: Reader, fields: dict, item: FormField) -> None:
    for key, attr in (("measure", "measure"), ("help", "help_text"), ("figure", "figure"),
                      ("numerator", "numerator"), ("denominator", "denominator")):  # fmt: skip
        if key in fields:
            setattr(item, attr, reader.text(fields[key], key, max_length=300))
    if "required" in fields:
        item.required = reader.scalar(fields["required"]) is not False
    for key, attr in (("min", "min_value"), ("max", "max_value")):
        if key in fields:
            setattr(item, attr, reader.number(fields[key], key))
    if "choices" in fields:
        values = [reader.text(n, _("选项")) for n in reader.sequence(fields["choices"], "choices")]
        item.choices = "\n".join(values)
    if "columns" in fields:
        item.columns = "\n".join(_columns(reader, fields["columns"]))
    if "prefill" in fields:
        spec = reader.mapping(fields["prefill"], "prefill", ("metric",), ("params",))
        if spec:
            item.metric_key = reader.text(spec["metric"], _("预填指标"))
            if "params" in spec:
                params = _plain(spec["params"])
                item.metric_params = params if isinstance(params, dict) else {}


def _columns(reader: Reader, node) -> list[str]:
    lines = []
    for column in reader.sequence(node, "columns"):
        spec = reader.mapping(column, _("表格列"), ("code", "label", "kind"), ())
        if not spec or len(spec) < 3:
            continue
        kind = reader.scalar(spec["kind"])
        if kind not in COLUMN_KINDS:
            reader.error(spec["kind"], _("表格列类型应为 integer、decimal、date 或 text。"))
        code = reader.text(spec["code"], _("列编码"), pattern=CODE_RE)
        lines.append(f"{code}|{reader.text(spec['label'], _('列名'))}|{kind}")
    return lines


def _plain(node):
    return yaml.safe_load(yaml.serialize(node))


def _parse_rule(reader: Reader, node, codes: set[str], rules: list) -> None:
    spec = reader.mapping(node, _("规则"), ("rule", "message"), ())
    if not spec or len(spec) < 2:
        return
    expression = reader.text(spec["rule"], _("校验规则"), max_length=300)
    try:
        parse_rule(expression, codes)
    except RuleError as error:
        reader.error(spec["rule"], str(error))
    rules.append((expression, reader.text(spec["message"], _("提示"))))
