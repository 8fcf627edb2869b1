"""Compare the rollup rows with a recount from the records; exit status 1 on any drift.

manage.py check_rollups [--source ledger ...] [--show 20]
"""

from django.core.management.base import BaseCommand, CommandError

from luoshi.core import rollups


class Command(BaseCommand):
    help = "核对汇总（预聚合）数据与原始记录重新计数是否一致，报告偏差"

    def add_arguments(self, parser):
        parser.add_argument("--source", action="append", help="只核对这一来源（可重复）")
        parser.add_argument("--show", type=int, default=20, help="每个来源最多列出几行偏差")

    def handle(self, *args, source=None, show=20, **options):
        unknown = set(source or ()) - set(rollups.sources())
        if unknown:
            raise CommandError(f"未知的汇总来源：{'、'.join(sorted(unknown))}")
        found = rollups.drift(source)
        for key in source or sorted(rollups.sources()):
            wrong = found.get(key, {})
            self.stdout.write(f"{key}: 偏差 {len(wrong)} 行")
            for (unit_id, month, dim), (have, want) in sorted(wrong.items())[:show]:
                self.stdout.write(
                    f"  单位 {unit_id} {month:%Y-%m} 分项 {dim}: "
                    f"汇总 {have[0]}/{have[1]}，重新计数 {want[0]}/{want[1]}"
                )
        total = sum(len(w) for w in found.values())
        if total:
            raise CommandError(
                f"汇总与原始记录不一致：共 {total} 行偏差（manage.py rebuild_rollups 可重算）"
            )
        self.stdout.write(self.style.SUCCESS("汇总与原始记录一致：偏差 0 行。"))
