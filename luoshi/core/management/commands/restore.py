"""python manage.py restore FOLDER — verify every checksum, then restore database and files
(evidence into the storage in use now: disk or S3)."""

from django.core.management.base import BaseCommand, CommandError

from luoshi.core.backup import BackupError, restore, verify


class Command(BaseCommand):
    help = "校验并恢复 backup 命令生成的备份（覆盖当前数据库与媒体文件，佐证材料写回当前存储）"

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument("--verify-only", action="store_true", help="只校验，不恢复")
        parser.add_argument("--yes", action="store_true", help="不再询问，直接覆盖当前数据")

    def handle(self, *args, folder, verify_only, yes, **options):
        try:
            if verify_only:
                manifest = verify(folder)
                self.stdout.write(f"校验通过：{len(manifest['files'])} 个文件")
                return
            if not yes and input("恢复将覆盖当前数据库和文件，输入 yes 继续：") != "yes":
                raise CommandError("已取消")
            result = restore(folder)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"恢复完成：{result['tables']} 张表校验一致，{result['files']} 个文件已写回并校验"
        )
