from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvidenceConfig(AppConfig):
    name = "luoshi.evidence"
    label = "evidence"
    verbose_name = _("佐证材料")
