"""``manage.py generate_report --unit CODE --year YYYY --kind KIND --format docx|pdf -o PATH``

Generates a report from the records (as the web page does) and writes the rendered file.
Nothing is saved unless ``--save`` is given (then a ``Report`` with its first version).
Run at the server, it counts every record of the unit (or its subtree): ``indicators.SYSTEM``.
"""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from luoshi.core.indicators import SYSTEM
from luoshi.reports import engine, services
from luoshi.reports.models import ReportKind
from luoshi.units.models import Unit


class Command(BaseCommand):
    help = "按台账数据生成报告（.docx 或 .pdf）"

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="单位编码")
        parser.add_argument("--year", required=True, type=int, help="年度")
        parser.add_argument("--kind", required=True, help="|".join(ReportKind.values))
        parser.add_argument("--format", dest="fmt", default="docx", help="docx 或 pdf")
        parser.add_argument("--subtree", action="store_true", help="含下级单位")
        parser.add_argument("--script", default="simplified", help="simplified 或 traditional")
        parser.add_argument("--plans", default="", help="下一步工作打算（每行一项）")
        parser.add_argument("--save", action="store_true", help="同时保存为系统中的报告草稿")
        parser.add_argument("-o", "--output", required=True, help="输出文件路径")

    def handle(self, *args, **options):
        unit = Unit.objects.filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(f"找不到单位编码「{options['unit']}」。")
        kind = options["kind"]
        if kind not in ReportKind.values:
            raise CommandError(f"未知的报告类型「{kind}」，可选：{'、'.join(ReportKind.values)}。")
        year = options["year"]
        this_year = datetime.date.today().year
        if not 2000 <= year <= this_year + 1:
            raise CommandError(f"年度须在 2000 至 {this_year + 1} 之间，收到 {year}。")
        fmt = options["fmt"]
        if fmt not in ("docx", "pdf"):
            raise CommandError(f"输出格式须为 docx 或 pdf，收到「{fmt}」。")
        script = options["script"]
        if script not in ("simplified", "traditional"):
            raise CommandError(
                f"字形须为 simplified（简体）或 traditional（繁体），收到「{script}」。"
            )
        output = Path(options["output"])
        if not output.parent.exists():
            raise CommandError(f"输出目录不存在：{output.parent}")

        try:
            content = self._content(options, unit=unit, year=year, kind=kind)
        except (services.ReportError, engine.NothingToReport) as error:
            raise CommandError(str(error)) from error
        data = services.render(content, fmt=fmt, script=script)
        output.write_bytes(data)
        self.stdout.write(f"已生成：{output}（{len(data) // 1024} KB）")

    def _content(self, options, *, unit, year, kind) -> dict:
        if options["save"]:
            report = services.create_report(
                user=None,
                reader=SYSTEM,
                unit=unit,
                year=year,
                kind=kind,
                subtree=options["subtree"],
                plans_input=options["plans"],
            )
            return report.latest_version.content
        return engine.generate(
            unit,
            year,
            kind,
            user=SYSTEM,
            subtree=options["subtree"],
            plans_input=options["plans"],
        ).content
