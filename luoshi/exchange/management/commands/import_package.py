from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from luoshi.accounts.models import User
from luoshi.exchange.services import import_uploaded
from luoshi.units.models import Unit


class Command(BaseCommand):
    help = "导入数据包：先全部校验，任何错误都不写入；重复导入不产生变化"

    def add_arguments(self, parser):
        parser.add_argument("path", help="数据包 zip 文件")
        parser.add_argument("--parent", help="本系统中没有根单位时，将其建在此单位（编码）之下")
        parser.add_argument("--dry-run", action="store_true", help="只校验并报告，不写入")
        parser.add_argument("--user", help="以此用户的管理范围导入（默认：不限）")

    def handle(self, *args, path, parent=None, dry_run=False, user=None, **options):
        actor = None
        if user:
            actor = User.objects.filter(username=user, is_active=True).first()
            if actor is None:
                raise CommandError(f"用户 {user} 不存在")
        parent_unit = None
        if parent:
            parent_unit = Unit.objects.filter(code=parent).first()
            if parent_unit is None:
                raise CommandError(f"单位编码 {parent} 不存在")
        try:
            with open(path, "rb") as fileobj:
                report = import_uploaded(fileobj, user=actor, parent=parent_unit, dry_run=dry_run)
        except PermissionDenied as exc:
            raise CommandError(f"用户 {user} 没有导入数据包的权限") from exc
        except Unit.DoesNotExist as exc:
            raise CommandError(f"单位 {parent} 不在用户 {user} 的管理范围内") from exc
        if not report.ok:
            raise CommandError(
                "数据包被拒绝，未写入任何数据：\n" + "\n".join(map(str, report.problems))
            )
        prefix = "校验通过（未写入）" if dry_run else "已导入"
        self.stdout.write(f"{prefix}：{report.summary()}")
        for row in report.rows():
            self.stdout.write(
                f"  {row['label']}: 新增 {row['new']}，更新 {row['updated']}，未变 {row['unchanged']}"
            )
        if report.placeholders:
            self.stdout.write(f"  新建未激活占位用户：{', '.join(report.placeholders)}")
