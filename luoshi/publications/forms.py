from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.accounts.models import Role
from luoshi.core.forms import UserFormMixin
from luoshi.events.forms import DateTimeInput
from luoshi.evidence.forms import EvidenceFilesField
from luoshi.publications.models import Publication, ReviewConfig


class PublicationForm(UserFormMixin, forms.ModelForm):
    evidence_files = EvidenceFilesField(label=_("稿件附件"))

    class Meta:
        model = Publication
        fields = ["unit", "title", "channel_name", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PublishForm(forms.Form):
    url = forms.URLField(label=_("发布链接"), max_length=500, assume_scheme="https")
    at = forms.DateTimeField(label=_("发布时间"), widget=DateTimeInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["at"].initial = timezone.localtime().replace(second=0, microsecond=0)


class ReviewConfigForm(UserFormMixin, forms.ModelForm):
    class Meta:
        model = ReviewConfig
        fields = ["unit", "first_role", "second_role", "final_role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first_role", "second_role", "final_role"):
            self.fields[name].queryset = Role.objects.all()
