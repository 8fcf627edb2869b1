"""Check the hash chains of the operation and login logs; report the first broken row."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from luoshi.audit import chain


class Command(BaseCommand):
    help = "校验操作日志与登录日志的哈希链，报告第一条被改动、删除或插入的记录。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-seal",
            action="store_true",
            help="不先封存尚未入链的新记录（默认先封存再校验）",
        )

    def handle(self, *args, no_seal=False, **options):
        broken = []
        for model in chain.CHAINED_FIELDS:
            label = model._meta.verbose_name
            if not no_seal:
                chain.seal(model)
            checked, failure = chain.verify(model)
            if failure is None:
                tail = chain.head_hash(model)
                self.stdout.write(f"{label}：{checked} 条，哈希链完整。链尾哈希 {tail}")
                continue
            broken.append(f"{label}：{describe(failure)}（此前 {checked} 条完整）")
        if broken:
            raise CommandError("哈希链校验未通过。\n" + "\n".join(broken))


def describe(failure) -> str:
    row = failure.row
    if row is None:
        return failure.reason
    when = timezone.localtime(row.time).strftime("%Y-%m-%d %H:%M:%S")
    return f"第 {row.seq} 条（编号 {row.pk}，{when}）：{failure.reason}"
