"""python manage.py move_evidence --to s3|disk [--delete-source]

Copies every evidence file the database records from the other storage into the one named
by ``--to``, checking each copy against the SHA-256 the database records. Resumable: a blob
already in the target with the right bytes is skipped, so a run that was interrupted is
finished by running it again. The source is kept unless ``--delete-source`` is given, and
then only blobs verified in the target are removed from it, and never from the storage the
platform still uses.
"""

from django.core.management.base import BaseCommand, CommandError

from luoshi.evidence.storage import (
    Copy,
    CopyReport,
    EvidenceStore,
    StoreNotConfigured,
    active_store,
    copy_blobs,
    named_store,
    referenced_blobs,
)

OTHER = {"s3": "disk", "disk": "s3"}


class Command(BaseCommand):
    help = "在本地磁盘与 S3 对象存储之间复制佐证文件（逐一校验 SHA-256，可中断后续传）"

    def add_arguments(self, parser):
        parser.add_argument("--to", required=True, choices=["s3", "disk"], help="目标存储")
        parser.add_argument(
            "--delete-source",
            action="store_true",
            help="校验一致后从源存储删除已复制的文件（默认保留源文件）",
        )

    def handle(self, *args, to: str, delete_source: bool, verbosity: int, **options):
        try:
            source, target = named_store(OTHER[to]), named_store(to)
        except StoreNotConfigured as error:
            raise CommandError(str(error)) from None
        if delete_source and active_store().kind == source.kind:
            raise CommandError(
                f"平台当前仍在使用{source.label}，不能删除其中的文件：请先设置 "
                f"EVIDENCE_STORAGE={to} 并重启服务，再带 --delete-source 运行。"
            )
        blobs = referenced_blobs()
        self.stdout.write(f"从{source.label}复制佐证文件到{target.label}：共 {len(blobs)} 个")

        def progress(name: str, outcome: Copy) -> None:
            if verbosity >= 2:
                self.stdout.write(f"  {outcome.value}: {name}")

        report = copy_blobs(source, target, blobs, progress)
        self._summary(report)
        if delete_source:
            self._delete_source(source, report)
        if report.problems:
            for message in report.messages():
                self.stderr.write(message)
            raise CommandError(
                f"{len(report.problems)} 个文件未能复制（见上）；修复后可再次运行本命令续传。"
            )
        if active_store().kind != to:
            self.stdout.write(
                f"提示：平台当前仍使用{active_store().label}。设置 EVIDENCE_STORAGE={to} 并重启"
                f"服务后，再运行一次本命令，补齐这期间新上传的文件。"
            )

    def _summary(self, report: CopyReport) -> None:
        counts = report.counts
        self.stdout.write(
            f"完成：新复制 {counts[Copy.COPIED]} 个，目标中已有且校验一致跳过 "
            f"{counts[Copy.PRESENT]} 个，源中缺失 {counts[Copy.MISSING]} 个，源文件校验不符 "
            f"{counts[Copy.DAMAGED]} 个，写入后校验失败 {counts[Copy.FAILED]} 个。"
        )

    def _delete_source(self, source: EvidenceStore, report: CopyReport) -> None:
        deleted = 0
        for name in report.intact:  # each verified in the target just now
            if source.exists(name):
                source.delete(name)
                deleted += 1
        self.stdout.write(f"已从{source.label}删除 {deleted} 个已校验的源文件。")
