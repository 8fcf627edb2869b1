from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from luoshi.accounts.models import User
from luoshi.exchange.services import export_package
from luoshi.units.models import Unit


class Command(BaseCommand):
    help = "导出一个单位某年度的数据包（可含下级单位），见 docs/data-package.md"

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="单位编码")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--subtree", action="store_true", help="包含全部下级单位")
        parser.add_argument("-o", "--output", required=True, help="输出 zip 文件路径")
        parser.add_argument("--user", help="以此用户的数据范围导出（默认：不限）")

    def handle(self, *args, unit, year, subtree, output, user=None, **options):
        actor = None
        if user:
            actor = User.objects.filter(username=user, is_active=True).first()
            if actor is None:
                raise CommandError(f"用户 {user} 不存在")
        root = Unit.objects.filter(code=unit).first()
        if root is None:
            raise CommandError(f"单位编码 {unit} 不存在")
        try:
            with open(output, "wb") as out:
                manifest = export_package(
                    root=root, year=year, subtree=subtree, out=out, user=actor
                )
        except (Unit.DoesNotExist, PermissionError) as exc:
            raise CommandError(f"单位 {unit} 不在用户 {user} 的数据范围内") from exc
        except Exception as exc:
            if isinstance(exc, PermissionDenied):
                raise CommandError(f"用户 {user} 没有导出数据包的权限") from exc
            raise
        counts = manifest["counts"]
        self.stdout.write(
            f"已导出 {output}：{counts['units']} 个单位，"
            f"{sum(v for k, v in counts.items() if k not in {'units', 'users'})} 条记录，"
            f"{manifest['evidence_files']} 个佐证文件"
        )
