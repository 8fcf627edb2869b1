"""Excel import of users (系统管理 → Excel 导入), like the units' (``luoshi.units.importing``)
and the ledger's: the shared reader, all-or-nothing, a background job.

Each row's unit must be in the importer's data scope and each role one the importer may
grant (``forms.assignable_roles``, as on 新建用户). Everyone imported gets the initial
password entered on the import page (only its hash travels with the job) and must change
it at first sign-in (``policy.change_at_first_login``).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from luoshi.accounts import policy
from luoshi.accounts.forms import assignable_roles
from luoshi.accounts.models import Role, User
from luoshi.core.excel_import import (
    Column,
    Duplicates,
    ImportResult,
    RowError,
    TableSpec,
    TextParser,
    build_template,
    read_rows,
    repeat_error,
    sort_errors,
)
from luoshi.core.history import written_by
from luoshi.units.importing import job_result
from luoshi.units.models import Unit

ROLE_SEPARATORS = re.compile(r"[、,，;；\s]+")


def _max_length(name: str) -> int:
    return User._meta.get_field(name).max_length


def user_spec() -> TableSpec:
    return TableSpec(
        title=_("人员"),
        columns=[
            Column("username", _("用户名"), TextParser(_max_length("username")), required=True),
            Column("full_name", _("姓名"), TextParser(_max_length("full_name")), required=True),
            Column(
                "unit_code",
                _("单位编码"),
                TextParser(Unit._meta.get_field("code").max_length),
                required=True,
                help=_("本人数据范围内的启用单位的编码"),
            ),
            Column(
                "roles",
                _("角色"),
                TextParser(500),
                required=True,
                help=_("角色名称或角色编码，多个用顿号或逗号分隔；只能是您有权授予的角色"),
                width=24,
            ),
            Column("title", _("职务"), TextParser(_max_length("title"))),
            Column("phone", _("联系电话"), TextParser(_max_length("phone"))),
            Column("email", _("电子邮箱"), TextParser(_max_length("email")), width=24),
        ],
    )


def template_workbook(*, user):
    example = {
        "username": "zhangsan",
        "full_name": _("张三（示例，导入前请删除本行）"),
        "unit_code": user.unit.code if user.unit else "",
        "roles": _("录入员"),
        "title": _("干事"),
        "phone": "",
        "email": "",
    }
    roles = "、".join(str(role.name) for role in assignable_roles(user))
    notes = [
        _("您可以授予的角色：%(roles)s。") % {"roles": roles or _("无")},
        _("导入的人员使用导入页面上填写的初始密码，首次登录时须修改密码。"),
        _("用户名已存在的行按「遇到重复」的选择提示或跳过。"),
    ]
    return build_template(user_spec(), [example], notes)


def import_users(
    *, user, uploaded, password_hash: str, progress=None, duplicates=Duplicates.REFUSE
) -> ImportResult:
    """Check every row; create every user, or none if any row is wrong."""
    spec = user_spec()
    headers = {column.key: column.header for column in spec.columns}
    rows, errors = read_rows(spec, uploaded, progress)
    if not rows:
        return ImportResult(errors=errors)
    names = {(row["username"] or "").lower() for row in rows}
    kept = set(
        User.objects.annotate(name=Lower("username"))
        .filter(name__in=names)
        .values_list("name", flat=True)
    )
    units = {u.code: u for u in Unit.objects.for_user(user).filter(is_active=True)}
    roles = _grantable_by_label(user)
    failed_rows = {error.row for error in errors}
    planned, seen, skipped = [], set(), 0
    for row in rows:
        name = (row["username"] or "").lower()
        repeat = name in kept or name in seen
        seen.add(name)
        if repeat and duplicates == Duplicates.SKIP:
            skipped += 1
            continue
        new_user, row_errors = _build(row, repeat, units, roles, headers)
        errors += row_errors
        if not row_errors and row.number not in failed_rows:
            planned.append(new_user)
    if errors:
        return ImportResult(errors=sort_errors(spec, errors))
    return ImportResult(created=_create(planned, password_hash, user), skipped=skipped)


def _grantable_by_label(user) -> dict[str, Role]:
    """The roles ``user`` may grant, by name and by code (a cell may use either)."""
    roles = {}
    for role in assignable_roles(user):
        roles[role.name] = role
        roles[role.code.lower()] = role
    return roles


def _build(row, repeat, units, roles, headers) -> tuple[User | None, list[RowError]]:
    """The unsaved user of a row (with ``_import_roles``) and what is wrong with it."""
    errors = []
    if repeat:
        errors.append(repeat_error(row, headers["username"], _("用户名"), row["username"]))
    unit = units.get(row["unit_code"])
    if row["unit_code"] and unit is None:
        message = _("单位编码 %(code)s 不存在或不在您的数据范围内") % {"code": row["unit_code"]}
        errors.append(RowError(row.number, headers["unit_code"], message))
    chosen = []
    for label in ROLE_SEPARATORS.split(row["roles"] or ""):
        role = roles.get(label) or roles.get(label.lower())
        if label and role is None:
            message = _("角色「%(role)s」不存在或您无权授予") % {"role": label}
            errors.append(RowError(row.number, headers["roles"], message))
        elif role is not None and role not in chosen:
            chosen.append(role)
    fields = {key: row[key] or "" for key in ("username", "full_name", "title", "phone", "email")}
    new_user = User(unit=unit, **fields)
    new_user._import_roles = chosen
    try:
        new_user.full_clean(exclude=["unit", "password"], validate_unique=False)
    except ValidationError as error:
        errors += [
            RowError(row.number, headers.get(name, ""), str(message))
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return new_user, errors


@transaction.atomic
def _create(users: list[User], password_hash: str, importer) -> list[User]:
    """Save the users with the shared initial password (its hash) and their roles."""
    must_change = policy.change_at_first_login()
    for new_user in users:
        new_user.password = password_hash
        new_user.must_change_password = must_change
        written_by(new_user, importer)
        new_user.save()
        new_user.groups.set(new_user._import_roles)
    return users


def run_import_job(job, progress) -> dict:
    """The background job; the initial password's hash is removed from the job when done."""
    try:
        with open(job.file, "rb") as uploaded:
            result = import_users(
                user=job.user,
                uploaded=uploaded,
                password_hash=job.params["password_hash"],
                progress=progress,
                duplicates=job.params.get("duplicates", Duplicates.REFUSE),
            )
    finally:
        params = {k: v for k, v in job.params.items() if k != "password_hash"}
        type(job).objects.filter(pk=job.pk).update(params=params)
    return job_result("users", _("人员"), result)
