"""Official-format rendering times for a district annual summary of realistic size.

    .venv/bin/python bench/bench_report_rendering.py [--units 300] [--repeat 5]

Builds (in memory, no database) a 年度工作总结 of the kind a district with ``--units`` units
gets — three level-1 parts, one level-2 heading per area with run-in level-3 items, a few
paragraphs of figures per unit group and two charts — then renders it to .docx and PDF in
Simplified and Traditional script. Prints the first (cold: matplotlib, fontconfig and
WeasyPrint set-up) and median warm times, the page count and the file sizes.
Targets: docx ≤ 3 s, pdf ≤ 5 s.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from luoshi.reports.document import Chart, Document, Section  # noqa: E402
from luoshi.reports.rendering import render_docx, render_pdf  # noqa: E402

AREAS = [
    "理论学习",
    "阵地管理",
    "舆情应对",
    "讲座论坛",
    "信息发布",
    "文明实践",
    "风险排查",
    "督查整改",
]


def district_summary(units: int) -> Document:
    groups = max(units // 30, 1)
    sections = []
    for title, per_area in (("工作开展情况", 3), ("存在的问题", 1), ("下一步工作计划", 1)):
        children = []
        for i, area in enumerate(AREAS):
            items = [
                Section(
                    f"{area}第{k + 1}项重点工作",
                    3,
                    [
                        f"全区{units}个单位中，第{g + 1}组{30}个单位全年共开展{area}相关活动"
                        f"{12 + g + k}次，覆盖干部职工{300 + 7 * g}人次，较上年增长{g % 9 + 1}%。"
                        for g in range(max(groups // 4, 1))
                    ],
                )
                for k in range(per_area)
            ]
            charts = []
            if title == "工作开展情况" and i < 2:
                charts.append(
                    Chart(
                        f"{area}各季度开展次数",
                        "bar",
                        ["一季度", "二季度", "三季度", "四季度"],
                        [("上年", [30, 42, 35, 51]), ("本年", [38, 45, 41, 57])],
                    )
                )
            children.append(Section(area, 2, [], children=items, charts=charts))
        sections.append(Section(title, 1, [], children=children))
    return Document(
        title="中共某某区委关于2026年度意识形态工作责任制落实情况的报告",
        addressee="市委",
        preamble=["根据市委统一部署，现将我区2026年度意识形态工作责任制落实情况报告如下。"],
        sections=sections,
        signature="中共某某区委",
        date="2026年12月20日",
    )


def timed(fn, repeat):
    times, out = [], b""
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return times, out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    document = district_summary(args.units)
    for script in ("simplified", "traditional"):
        for name, fn in (("docx", render_docx), ("pdf", render_pdf)):
            times, out = timed(
                lambda fn=fn, script=script: fn(document, script=script), args.repeat
            )
            pages = ""
            if name == "pdf":
                info = subprocess.run(["pdfinfo", "-"], input=out, capture_output=True, text=False)
                for line in info.stdout.decode().splitlines():
                    if line.startswith("Pages:"):
                        pages = f", {line.split()[1]} pages"
            print(
                f"{name:4} {script:11} first {times[0]:.2f} s, median {statistics.median(times):.2f} s"
                f" (n={len(times)}), {len(out) / 1024:.0f} KiB{pages}"
            )


if __name__ == "__main__":
    main()
