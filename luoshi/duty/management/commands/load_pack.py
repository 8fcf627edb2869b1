from django.core.management.base import BaseCommand, CommandError

from luoshi.duty.pack_format import PackError
from luoshi.duty.services import load_pack_file


class Command(BaseCommand):
    help = "载入（或升级）责任包 YAML 文件；有任何错误则整体拒绝，不写入任何数据。"

    def add_arguments(self, parser):
        parser.add_argument("path", help="责任包 YAML 文件路径")

    def handle(self, *args, path, **options):
        try:
            result = load_pack_file(path)
        except PackError as error:
            raise CommandError(f"责任包未载入：\n{error}") from error
        pack = result.pack
        if not result.created:
            self.stdout.write(f"「{pack.name}」第 {pack.version} 版已载入，内容相同，未作改动。")
            return
        items = pack.items.filter(is_area=False, is_retired=False).count()
        message = f"已载入「{pack.name}」第 {pack.version} 版：{items} 个责任项"
        retired = pack.items.filter(is_retired=True).count()
        if retired:
            message += f"，{retired} 个旧版责任项标记为已停用"
        if result.upgraded_lists:
            message += f"，{result.upgraded_lists} 份待签署的责任清单已升级到新版本"
        self.stdout.write(self.style.SUCCESS(message + "。"))
