"""系统管理 → Excel 导入: units (``luoshi.units.importing``) and users
(``luoshi.accounts.importing``), one page each, like the ledger's import page: the cheap
checks here, the parse and the all-or-nothing write in a background job."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from luoshi.accounts import importing as user_importing
from luoshi.accounts.models import User
from luoshi.core import background
from luoshi.core.excel import book_response
from luoshi.core.excel_import import DEFAULT_MAX_ROWS, Duplicates, shown_errors
from luoshi.core.forms import ExcelFileField
from luoshi.core.views import ScopedMixin, perm_name
from luoshi.units import importing as unit_importing
from luoshi.units.models import Unit


@dataclass(frozen=True)
class ImportTable:
    code: str
    label: str
    model: type
    job_kind: str
    template_workbook: object
    filename: str

    @property
    def url_name(self) -> str:
        return f"accounts:import_{self.code}"

    @property
    def template_url_name(self) -> str:
        return f"accounts:import_{self.code}_template"


TABLES = {
    "units": ImportTable(
        "units",
        gettext_lazy("单位"),
        Unit,
        "units.excel",
        unit_importing.template_workbook,
        gettext_lazy("单位导入模板.xlsx"),
    ),
    "users": ImportTable(
        "users",
        gettext_lazy("人员"),
        User,
        "accounts.excel",
        user_importing.template_workbook,
        gettext_lazy("人员导入模板.xlsx"),
    ),
}


class ImportForm(forms.Form):
    file = ExcelFileField(help_text=gettext_lazy("请使用下载的导入模板（.xlsx），最大 10 MB"))
    duplicates = forms.ChoiceField(
        label=gettext_lazy("遇到重复"),
        choices=[(d.value, d.label) for d in (Duplicates.REFUSE, Duplicates.SKIP)],
        initial=Duplicates.REFUSE,
        help_text=gettext_lazy("编码（单位）或用户名（人员）已存在时"),
    )


class UserImportForm(ImportForm):
    """Users also get the initial password, entered twice (never in the file)."""

    password1 = forms.CharField(
        label=gettext_lazy("初始密码"),
        widget=forms.PasswordInput,
        strip=False,
        help_text=gettext_lazy("导入的人员首次登录时须修改密码"),
    )
    password2 = forms.CharField(
        label=gettext_lazy("确认初始密码"), widget=forms.PasswordInput, strip=False
    )

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("两次输入的密码不一致。"))
        elif first:
            try:
                password_validation.validate_password(first)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ImportTableMixin(ScopedMixin):
    """The table named in the URL; importing it needs ``add`` on its model."""

    action = "add"

    def dispatch(self, request, *args, **kwargs):
        self.table = TABLES[kwargs["table"]]
        self.model = self.table.model
        return super().dispatch(request, *args, **kwargs)


class ImportTemplateView(ImportTableMixin, View):
    def get(self, request, table):
        book = self.table.template_workbook(user=request.user)
        return book_response(book, str(self.table.filename))


class ImportView(ImportTableMixin, background.UploadJobMixin, View):
    template_name = "accounts/import.html"

    def form_class(self):
        return UserImportForm if self.table.code == "users" else ImportForm

    def get(self, request, table):
        return self.render(self.form_class()())

    def bound_form(self):
        return self.form_class()(self.request.POST, self.request.FILES)

    @property
    def job_kind(self):
        return self.table.job_kind

    def job_params(self, form):
        params = {"duplicates": form.cleaned_data["duplicates"]}
        if "password1" in form.cleaned_data:
            params["password_hash"] = make_password(form.cleaned_data["password1"])
        return params

    def render(self, form, errors=()):
        user = self.request.user
        tables = [t for t in TABLES.values() if user.has_perm(perm_name(t.model, "add"))]
        context = {
            "form": form,
            "table": self.table,
            "tables": tables,
            **shown_errors(errors),
            "max_rows": DEFAULT_MAX_ROWS,
        }
        return render(self.request, self.template_name, context)
