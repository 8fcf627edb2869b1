"""``python manage.py import_report PATH --json``: a past report (.txt/.docx/.doc/.wps/.pdf) as
structured data.

With ``--save --unit CODE --year YYYY --user USERNAME [--kind K] [--replace]`` the result is
stored as that unit-year's baseline (same checks as the web import).
"""

import json

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from luoshi.reports.baselines import save_baseline
from luoshi.reports.importing import ReportImportError, parse_file
from luoshi.reports.models import ReportKind
from luoshi.units.models import Unit


class Command(BaseCommand):
    # No system checks: they import every URLconf and view (openpyxl, numpy, DRF, the API
    # schema…) and nothing here depends on them. The file readers import their own heavy
    # libraries (python-docx, pdfminer, the LibreOffice process) only for their format.
    requires_system_checks = []
    help = (
        "导入往年报告（.txt / .docx / .doc / .wps / .pdf）：清理、识别层次结构、量化表述、"
        "问题与打算；可保存为基线。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="报告文件路径（.txt、.docx、.doc、.wps 或 .pdf）")
        parser.add_argument("--json", action="store_true", help="输出一个 JSON 对象")
        parser.add_argument("--save", action="store_true", help="保存为单位年度基线")
        parser.add_argument("--unit", help="单位代码（--save 时必填）")
        parser.add_argument("--year", type=int, help="年度（缺省取报告中识别出的年度）")
        parser.add_argument("--kind", choices=ReportKind.values, help="报告类型（缺省自动识别）")
        parser.add_argument("--user", help="以哪个用户的身份与数据范围保存（--save 时必填）")
        parser.add_argument(
            "--replace", action="store_true", help="替换同单位同年度同类型的已有基线"
        )

    def handle(self, *args, **options):
        try:
            raw, parsed = parse_file(options["path"])
        except ReportImportError as exc:
            raise CommandError(str(exc)) from exc
        if options["kind"]:
            parsed["kind"] = options["kind"]
        if options["year"]:
            parsed["year"] = options["year"]
        if options["save"]:
            self._save(parsed, options)
        if options["json"]:
            self.stdout.write(json.dumps(parsed, ensure_ascii=False, indent=2))
        else:
            self._summary(parsed)

    def _save(self, parsed, options):
        if not options["unit"] or not options["user"]:
            raise CommandError("保存基线需要 --unit 单位代码 和 --user 用户名。")
        if not parsed.get("year"):
            raise CommandError("报告中未识别出年度，请用 --year 指定。")
        unit = Unit.objects.filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(f"找不到单位代码“{options['unit']}”。")
        user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"找不到启用的用户“{options['user']}”。")
        try:
            baseline = save_baseline(
                unit=unit,
                year=parsed["year"],
                kind=parsed["kind"],
                parsed=parsed,
                user=user,
                source_name=str(options["path"]).rsplit("/", 1)[-1],
                replace=options["replace"],
            )
        except (PermissionDenied, ValidationError) as exc:
            message = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
            raise CommandError(message) from exc
        self.stderr.write(f"已保存基线：{baseline}（#{baseline.pk}）")

    def _summary(self, parsed):
        out = self.stdout
        out.write(f"标题：{parsed['title']}")
        out.write(
            f"年度：{parsed['year'] or '未识别'}  原文字形：{parsed['script']}  类型：{parsed['kind']}"
        )

        def walk(nodes, depth=0):
            for node in nodes:
                out.write("  " * depth + node["heading"])
                walk(node["children"], depth + 1)

        walk(parsed["sections"])
        out.write(f"量化表述 {len(parsed['metrics'])} 条：")
        for m in parsed["metrics"]:
            approx = "约" if m["approx"] else ""
            target = "〈目标〉" if m.get("target") else ""
            marks = target + ("〈其中〉" if m.get("subset") else "")
            out.write(
                f"  {m['activity']}：{approx}{m['value']}{m['unit']}{marks}  〔{m['source']}〕"
            )
        out.write("存在问题：" + "；".join(parsed["problems"]))
        out.write("工作打算：" + "；".join(parsed["plans"]))
        out.write(f"已删除网页杂项 {len(parsed['removed'])} 行")
