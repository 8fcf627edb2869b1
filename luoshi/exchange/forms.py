from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from luoshi.core import parameters
from luoshi.exchange.services import exportable_units, importable_parents


class ExportForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("单位"), queryset=None)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    subtree = forms.BooleanField(label=_("包含全部下级单位"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = exportable_units(user)
        self.fields["year"].initial = timezone.localdate().year


class ImportForm(forms.Form):
    package = forms.FileField(label=_("数据包（zip）"))
    parent = forms.ModelChoiceField(
        label=_("上级单位"),
        queryset=None,
        required=False,
        help_text=_("数据包的根单位在本系统中不存在时，将其建在此单位之下"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = importable_parents(user)
        self.fields["package"].help_text = gettext_now("最大 %(limit)s") % {
            "limit": filesizeformat(parameters.value("exchange_max_upload_bytes"))
        }

    def clean_package(self):
        package = self.cleaned_data["package"]
        limit = parameters.value("exchange_max_upload_bytes")
        if package.size > limit:
            raise forms.ValidationError(
                gettext_now("数据包不能超过 %(limit)s（当前 %(size)s），请分年度或分单位导出。")
                % {"limit": filesizeformat(limit), "size": filesizeformat(package.size)}
            )
        return package
