from django.core.management.base import BaseCommand

from luoshi.exchange import uploads


class Command(BaseCommand):
    help = "删除上传后未确认导入、已过期的数据包（默认超过 24 小时）"

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=float, help="保留时长（小时），默认 24")

    def handle(self, *args, hours=None, **options):
        removed = uploads.clear_expired(hours)
        self.stdout.write(f"已删除 {removed} 个过期的待确认数据包")
