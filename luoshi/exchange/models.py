"""The deployment's stable id and the mapping of imported objects to local rows."""

import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Deployment(models.Model):
    """One row: the random id this deployment stamps on every package it exports."""

    key = models.CharField(_("部署标识"), max_length=32, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = _("部署标识")
        default_permissions = ()

    def __str__(self):
        return self.key

    @classmethod
    def current_key(cls) -> str:
        row = cls.objects.order_by("pk").first()
        if row is None:
            row, _created = cls.objects.get_or_create(pk=1, defaults={"key": uuid.uuid4().hex})
        return row.key


class ImportedObject(models.Model):
    """``source_key`` (``<deployment>:<app_label.model>:<pk>``) → the local row it became."""

    source_key = models.CharField(_("来源标识"), max_length=200, unique=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    package_sha = models.CharField(_("数据包 SHA-256"), max_length=64)
    imported_at = models.DateTimeField(_("导入时间"), auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = _("导入对象")
        default_permissions = ()
        permissions = [
            ("export_package", _("导出数据包")),
            ("import_package", _("导入数据包")),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return self.source_key
