"""考核等次 (grades) in the pack format: optional, validated, stored on the pack version."""

import textwrap

import pytest

from luoshi.duty.pack_format import PackError, parse_pack
from luoshi.duty.selectors import latest_pack

BASE = textwrap.dedent(
    """\
    format: 1
    code: gradepack
    version: 1
    name: 等次测试
    {grades}
    areas:
      - code: a
        name: 领域
        items:
          - code: m
            name: 事项
            owner: unit
            indicator: {{kind: manual}}
            target: {{count: 1}}
            scoring: {{points: 5}}
    """
)


def pack(grades: str):
    return BASE.format(grades=grades)


def test_default_pack_has_the_four_bands(db):
    assert [g["name"] for g in latest_pack().grades] == ["好", "较好", "一般", "差"]
    assert [g["at_least"] for g in latest_pack().grades] == [90.0, 80.0, 60.0, 0.0]


def test_grades_are_optional(db):
    assert parse_pack(pack("")).grades == []


@pytest.mark.parametrize(
    "grades, reason",
    [
        ("grades: [{name: 好, at_least: 60}, {name: 差, at_least: 80}]", "从高到低"),
        ("grades: [{name: 好, at_least: 90}, {name: 差, at_least: 10}]", "应为 0"),
        ("grades: [{name: 好, at_least: 90}, {name: 好, at_least: 0}]", "重复"),
        ("grades: [{name: 好, at_least: 120}, {name: 差, at_least: 0}]", "0 到 100"),
        ("grades: [{name: 好, min: 90}]", "未知字段"),
    ],
)
def test_bad_grades_are_refused_with_the_line(db, grades, reason):
    with pytest.raises(PackError) as caught:
        parse_pack(pack(grades), file="p.yaml")
    issue = caught.value.issues[0]
    assert reason in issue.reason and issue.line == 5 and "p.yaml" in str(issue)
