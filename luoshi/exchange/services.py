"""Export and import as the pages and commands use them: scope checks and the operation log."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from luoshi.audit.models import OperationLog
from luoshi.exchange import uploads
from luoshi.exchange.export import build_package
from luoshi.exchange.importer import Report, import_package
from luoshi.units.models import Unit


def exportable_units(user):
    """Units ``user`` may export (None = command line: every unit)."""
    if user is None:
        return Unit.objects.all()
    return Unit.objects.for_user(user)


def importable_parents(user):
    """Units under which ``user`` may import: the units they administer (their scope)."""
    if user is None:
        return Unit.objects.all()
    return Unit.objects.for_user(user)


def _log(user, action, object_id, text, changes, ip=None):
    OperationLog.objects.create(
        time=timezone.now(),
        user=user,
        action=action,
        model_label="exchange.package",
        model_name="数据包",
        object_id=object_id[:40],
        object_repr=text[:200],
        changes=changes,
        ip=ip,
    )


def export_package(*, root: Unit, year: int, subtree: bool, out, user=None, ip=None) -> dict:
    if user is not None and not user.has_perm("exchange.export_package"):
        raise PermissionDenied
    if not exportable_units(user).filter(pk=root.pk).exists():
        raise Unit.DoesNotExist(root.code)
    manifest = build_package(root, year, subtree=subtree, out=out)
    total = sum(v for k, v in manifest["counts"].items() if k not in {"units", "users"})
    _log(
        user,
        OperationLog.Action.CREATE,
        f"{root.code}-{year}",
        f"导出数据包：{root.name} {year} 年{'（含下级单位）' if subtree else ''}",
        [{"field": "导出记录数", "old": "", "new": str(total)}],
        ip,
    )
    return manifest


def import_uploaded(
    fileobj, *, user=None, parent: Unit | None = None, dry_run=False, ip=None, progress=None
) -> Report:
    if user is not None and not user.has_perm("exchange.import_package"):
        raise PermissionDenied
    if parent is not None and not importable_parents(user).filter(pk=parent.pk).exists():
        raise Unit.DoesNotExist(parent.code)
    report = import_package(fileobj, user=user, parent=parent, dry_run=dry_run, progress=progress)
    if report.ok and not dry_run:
        manifest = report.manifest
        _log(
            user,
            OperationLog.Action.CREATE,
            report.sha256,
            f"导入数据包：{manifest.get('root_unit')} {manifest.get('year')} 年",
            [{"field": "导入结果", "old": "", "new": report.summary()}],
            ip,
        )
    return report


def run_package_job(job, progress) -> dict:
    """A background job of the import page (``luoshi.core.background``): the check (a dry
    run: the upload is kept for the confirmation unless refused) or the import itself."""
    params = job.params
    parent = Unit.objects.filter(pk=params.get("parent")).first() if params.get("parent") else None
    check = params.get("stage") == "check"
    with open(job.file, "rb") as fileobj:
        report = import_uploaded(
            fileobj,
            user=job.user,
            parent=parent,
            dry_run=check,
            ip=params.get("ip"),
            progress=progress,
        )
    if check and not report.ok:
        uploads.discard(params["token"])
    return {
        **report.as_dict(),
        "stage": "check" if check else "done",
        "token": params["token"] if check and report.ok else "",
    }
