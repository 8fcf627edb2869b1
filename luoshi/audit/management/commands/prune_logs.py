"""Remove operation and login log rows older than the retention period (≥ six months)."""

from django.core.management.base import BaseCommand

from luoshi.audit import chain


class Command(BaseCommand):
    help = "清理超过保留期限（LOG_RETENTION_DAYS，不少于 183 天）的操作日志与登录日志。"

    def handle(self, *args, **options):
        for model in chain.CHAINED_FIELDS:
            removed = chain.prune(model)
            self.stdout.write(f"{model._meta.verbose_name}：清理 {removed} 条。")
