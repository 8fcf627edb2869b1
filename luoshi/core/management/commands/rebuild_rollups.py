"""Recount every rollup row from the records (``luoshi.core.rollups``).

manage.py rebuild_rollups [--source ledger ...]
"""

import time

from django.core.management.base import BaseCommand, CommandError

from luoshi.core import rollups


class Command(BaseCommand):
    help = "从原始记录重新计算全部汇总（预聚合）数据"

    def add_arguments(self, parser):
        parser.add_argument("--source", action="append", help="只重算这一来源（可重复）")

    def handle(self, *args, source=None, **options):
        unknown = set(source or ()) - set(rollups.sources())
        if unknown:
            raise CommandError(f"未知的汇总来源：{'、'.join(sorted(unknown))}")
        started = time.perf_counter()
        written = rollups.rebuild(source)
        for key, rows in written.items():
            self.stdout.write(f"{key}: {rows} 行")
        self.stdout.write(
            self.style.SUCCESS(f"汇总已重算，用时 {time.perf_counter() - started:.1f} 秒。")
        )
