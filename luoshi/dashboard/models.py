from django.db import models
from django.utils.translation import gettext_lazy as _


class Dashboard(models.Model):
    """No table: carries the permission ``dashboard.view_dashboard`` (驾驶舱) for roles."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_dashboard", _("查看驾驶舱"))]
        verbose_name = verbose_name_plural = _("驾驶舱")

    def __str__(self):
        return str(self._meta.verbose_name)
