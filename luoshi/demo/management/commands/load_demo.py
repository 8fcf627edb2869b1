"""``manage.py load_demo``: build the demo district (see ``luoshi.demo.district``)."""

import datetime
import time

from django.core.management.base import BaseCommand

from luoshi.demo import district as demo
from luoshi.units.models import Unit


class Command(BaseCommand):
    help = (
        "创建演示数据：示范区的单位、人员、责任岗位和一年的工作台账（可重复运行，不会重复创建）。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="数据库中已有任何单位时什么也不做（make run 每次启动时调用）。",
        )
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            default=None,
            help="按此日期（YYYY-MM-DD）生成演示数据，默认今天；只生成该日期及以前的记录。",
        )

    def handle(self, *args, if_empty=False, date=None, **options):
        if if_empty and Unit.objects.exists():
            self.stdout.write("数据库中已有单位，跳过演示数据（--if-empty）。")
            self.stdout.write(demo.format_logins())
            return
        started = time.perf_counter()
        result = demo.build_demo(today=date)
        elapsed = time.perf_counter() - started
        if result.added_anything:
            added = "，".join(f"{demo.LABELS[k]} {v}" for k, v in result.added.items())
            self.stdout.write(self.style.SUCCESS(f"演示数据已生成。新增：{added}。"))
        else:
            self.stdout.write("演示数据已存在，本次新增 0 条。")
        totals = "，".join(f"{demo.LABELS[k]} {v}" for k, v in result.totals.items())
        self.stdout.write(f"数据库合计：{totals}。用时 {elapsed:.1f} 秒。")
        self.stdout.write(demo.format_logins())
