"""python manage.py backup FOLDER — database + media + evidence (disk or S3) + manifest.json."""

from django.core.management.base import BaseCommand, CommandError

from luoshi.core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "备份数据库、媒体文件与佐证材料（本地磁盘或 S3）到一个新目录（含 manifest.json 校验清单）"
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="新的或空的备份目录")

    def handle(self, *args, folder, **options):
        try:
            manifest = backup(folder)
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(t["rows"] for t in manifest["tables"].values())
        parts = "，".join(
            f"{part['label']} {part['files']} 个（来自{part['where']}）"
            for part in manifest["parts"].values()
        )
        self.stdout.write(
            f"备份完成：{folder}（{len(manifest['tables'])} 张表，{rows} 行；"
            f"共 {len(manifest['files'])} 个文件，已逐一校验 SHA-256"
            + (f"；其中{parts}" if parts else "")
            + "）"
        )
        if manifest["problems"]:
            for problem in manifest["problems"]:
                self.stderr.write(problem)
            raise CommandError(
                f"有 {len(manifest['problems'])} 个文件未能备份（见上），备份不完整："
                f"请检查后重新备份。"
            )
