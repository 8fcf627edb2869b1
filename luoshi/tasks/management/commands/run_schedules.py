"""``manage.py run_schedules [--date YYYY-MM-DD]``: issue the period's tasks of reporting
schedules and send reminders (for cron; the db_worker's daily job does the same)."""

import datetime

from django.core.management.base import BaseCommand

from luoshi.tasks import jobs


class Command(BaseCommand):
    help = (
        "按报送计划下发当期信息报送任务，并发送到期与逾期提醒（可重复运行，不会重复下发或提醒）。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            default=None,
            help="按此日期（YYYY-MM-DD）运行，默认今天。",
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="不立即运行，而是交给后台任务（db_worker）每日运行；已排队时不重复排队。",
        )

    def handle(self, *args, date=None, enqueue=False, **options):
        if enqueue:
            result = jobs.enqueue_daily()
            if result is None:
                self.stdout.write("每日任务已在后台队列中。")
            else:
                self.stdout.write(f"已加入后台队列（{result.id}）。")
            return
        summary = jobs.run_daily(date)
        self.stdout.write(
            f"{summary['date']}：下发任务 {summary['tasks']} 个（{summary['assignments']} 个单位），"
            f"到期提醒 {summary['reminders']} 条，逾期提醒 {summary['overdue_notices']} 条。"
        )
