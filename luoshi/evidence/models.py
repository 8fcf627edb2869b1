"""One evidence model for every module: files and links attached to any record."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import storages
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from luoshi.core.fields import optional_one_to_one
from luoshi.core.models import UnitScopedModel


def evidence_storage():
    return storages["evidence"]


# (MIME fragments or extensions, label): the first match names the file's kind.
FORMAT_LABELS = [
    (("pdf",), _("PDF 文档")),
    (("msword", "wordprocessing", "doc", "docx", "wps"), _("Word 文档")),
    (("excel", "spreadsheet", "xls", "xlsx"), _("Excel 表格")),
    (("powerpoint", "presentation", "ppt", "pptx"), _("演示文稿")),
    (("image/", "jpg", "jpeg", "png"), _("图片")),
    (("video/", "mp4", "m4v"), _("视频")),
    (("audio/", "mp3"), _("音频")),
    (("zip",), _("压缩包")),
]


class Evidence(UnitScopedModel):
    """A file (content-addressed by SHA-256, stored privately) or a link.

    ``unit`` is the owner record's unit, so scope checks need no join through the
    generic relation. Replacing a file adds a new version; old versions stay.
    """

    class Kind(models.TextChoices):
        FILE = "file", _("文件")
        LINK = "link", _("链接")

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    owner = GenericForeignKey("content_type", "object_id")

    kind = models.CharField(_("类型"), max_length=4, choices=Kind.choices, default=Kind.FILE)
    title = models.CharField(_("名称"), max_length=200)
    file = models.FileField(_("文件"), storage=evidence_storage, max_length=255, blank=True)
    original_name = models.CharField(_("原文件名"), max_length=255, blank=True)
    content_type_detected = models.CharField(_("文件格式"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("大小(字节)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, db_index=True)
    url = models.URLField(_("链接地址"), max_length=500, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    previous = optional_one_to_one(
        "self", _("上一版本"), models.PROTECT, related_name="next_version"
    )
    is_current = models.BooleanField(_("当前版本"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("佐证材料")
        ordering = ["content_type", "object_id", "title", "-version"]
        indexes = [models.Index(fields=["content_type", "object_id", "is_current"])]

    def __str__(self):
        return self.title

    @property
    def format_label(self) -> str:
        """The file's kind in words a clerk reads (「PDF 文档」, 「图片」), not a MIME type."""
        if self.kind == self.Kind.LINK:
            return str(_("链接"))
        detected = (self.content_type_detected or "").lower()
        extension = (
            self.original_name.rsplit(".", 1)[-1].lower() if "." in self.original_name else ""
        )
        for needles, label in FORMAT_LABELS:
            if any(n in detected for n in needles) or extension in needles:
                return str(label)
        return str(_("文件"))
