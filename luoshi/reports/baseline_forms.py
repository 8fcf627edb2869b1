"""Forms of the past-report import: upload (file + unit + year), then confirm (corrections)."""

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from .baselines import units_for_import
from .importing import SUFFIXES, ReportImportError, ensure_report, parse_text, read_report
from .models import ReportKind

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
ALLOWED_SUFFIXES = tuple(s for s in SUFFIXES if s != ".text")
SIGNING_SALT = "luoshi.reports.baseline-import"
PAYLOAD_MAX_AGE = 2 * 3600  # seconds between upload and confirmation


def sign_payload(parsed: dict, source_name: str) -> str:
    return signing.dumps(
        {"parsed": parsed, "source_name": source_name}, salt=SIGNING_SALT, compress=True
    )


class _UnitYearMixin:
    def _unit_field(self, user):
        self.fields["unit"].queryset = units_for_import(user)
        if user.unit_id and self.fields["unit"].queryset.filter(pk=user.unit_id).exists():
            self.fields["unit"].initial = user.unit_id


class BaselineUploadForm(_UnitYearMixin, forms.Form):
    file = forms.FileField(
        label=_("报告文件"),
        help_text=_(
            "支持 .txt（UTF-8 / GB18030）、.docx、.doc、.wps 和有文字层的 .pdf，最大 5 MB。"
        ),
    )
    unit = forms.ModelChoiceField(label=_("单位"), queryset=None)
    year = forms.IntegerField(
        label=_("年度"),
        required=False,
        min_value=1949,
        max_value=2100,
        help_text=_("留空则取报告中识别出的年度。"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._unit_field(user)
        self.raw = ""
        self.parsed = None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name or ""
        if not name.lower().endswith(ALLOWED_SUFFIXES):
            raise forms.ValidationError(_("只支持 .txt、.docx、.doc、.wps 和 .pdf 文件。"))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("文件超过 5 MB。"))
        data = upload.read()
        try:
            self.raw = read_report(name, data)
            self.parsed = ensure_report(parse_text(self.raw))
        except ReportImportError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return upload


class BaselineConfirmForm(_UnitYearMixin, forms.Form):
    payload = forms.CharField(widget=forms.HiddenInput)
    unit = forms.ModelChoiceField(label=_("单位"), queryset=None)
    year = forms.IntegerField(label=_("年度"), min_value=1949, max_value=2100)
    kind = forms.ChoiceField(label=_("报告类型"), choices=ReportKind.choices)
    subtree = forms.BooleanField(
        label=_("该报告含下级单位"),
        required=False,
        help_text=_("往年报告写的是本单位及下级单位的工作时勾选；同比只与同口径的报告比较"),
    )
    replace = forms.BooleanField(label=_("替换已有基线"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._unit_field(user)

    def clean_payload(self):
        try:
            data = signing.loads(
                self.cleaned_data["payload"], salt=SIGNING_SALT, max_age=PAYLOAD_MAX_AGE
            )
        except signing.SignatureExpired as exc:
            raise forms.ValidationError(_("预览已过期，请重新上传文件。")) from exc
        except signing.BadSignature as exc:
            raise forms.ValidationError(_("预览数据无效，请重新上传文件。")) from exc
        if not isinstance(data, dict) or not isinstance(data.get("parsed"), dict):
            raise forms.ValidationError(_("预览数据无效，请重新上传文件。"))
        return data
