"""python manage.py backup FOLDER — database + evidence/media files + manifest.json."""

from django.core.management.base import BaseCommand, CommandError

from luoshi.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份数据库与证明材料文件到一个新目录（含 manifest.json 校验清单）"

    def add_arguments(self, parser):
        parser.add_argument("folder", help="新的或空的备份目录")

    def handle(self, *args, folder, **options):
        try:
            manifest = backup(folder)
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(
            f"备份完成：{folder}（{len(manifest['tables'])} 张表，{rows} 行，"
            f"{len(manifest['files'])} 个文件）"
        )
