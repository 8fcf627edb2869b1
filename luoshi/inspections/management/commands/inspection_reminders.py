from django.core.management.base import BaseCommand

from luoshi.inspections.services import send_reminders


class Command(BaseCommand):
    help = "整改期限提醒：到期前与逾期后通知整改责任人（可重复运行，不会重复通知）"

    def add_arguments(self, parser):
        parser.add_argument("--days-before", type=int, default=None)

    def handle(self, *args, **options):
        result = send_reminders(days_before=options["days_before"])
        self.stdout.write(f"到期提醒 {result.upcoming} 条，逾期提醒 {result.overdue} 条")
