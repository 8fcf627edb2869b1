from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from luoshi.evidence.validation import check_upload


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True

    def __init__(self, attrs=None):
        # the formats check_upload accepts; on a phone the picker also offers the camera
        accept = "image/*,video/*,.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.mp3,.zip"
        super().__init__({"accept": accept, **(attrs or {})})


class EvidenceFilesField(forms.FileField):
    """Several evidence files at once, each checked by size and by content."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("佐证材料"))
        kwargs.setdefault(
            "help_text",
            _("可多选；支持 pdf、doc(x)、xls(x)、ppt(x)、jpg、png、mp4 等，按内容校验格式。"),
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        files = [super(EvidenceFilesField, self).clean(f, initial) for f in files]
        errors = []
        for f in files:
            try:
                check_upload(f)
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return files


class EvidenceUploadForm(forms.Form):
    files = EvidenceFilesField(required=True)


class EvidenceLinkForm(forms.Form):
    title = forms.CharField(label=_("名称"), max_length=200)
    url = forms.URLField(label=_("链接地址"), max_length=500, assume_scheme="https")


class EvidenceReplaceForm(forms.Form):
    file = forms.FileField(label=_("新版本文件"))

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        check_upload(uploaded)
        return uploaded
