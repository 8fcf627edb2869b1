"""Heavy imports run in the background job queue (django.tasks: django-tasks-db and its
``db_worker`` in deployment), never inside a request.

A page saves the upload, does the cheap checks (form, size, the zip's table of contents),
then ``start(kind, user=..., file=..., params=...)`` records an ``ImportJob`` and queues
``run_job``; the user is sent to the job page (``core:job``), which shows the progress and
reloads itself until the job is done, then the result through the kind's template.

A module registers each kind of job once (``register``): the function doing the work,
``handler(job, progress) -> dict`` (the JSON result; ``progress(done, total)`` stores how
far it is), and the template that shows the result. The job's file is deleted when the job
ends, unless the kind keeps it (``keep_file``: e.g. a data package checked now and
imported on confirmation).
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.db import models
from django.shortcuts import get_object_or_404, redirect, render
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.core.excel_import import check_file

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str
    handler: Callable
    template: str
    keep_file: bool = False


KINDS: dict[str, JobKind] = {}


def register(name: str, *, label: str, handler: Callable, template: str, keep_file=False):
    KINDS[name] = JobKind(name, label, handler, template, keep_file)


class ImportJob(models.Model):
    """One background import of one user; visible to that user only."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("处理中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("出错")

    kind = models.CharField(_("类型"), max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    file = models.CharField(_("文件"), max_length=500, blank=True)
    params = models.JSONField(_("参数"), default=dict)
    done = models.PositiveIntegerField(_("已处理"), default=0)
    total = models.PositiveIntegerField(_("总数"), default=0)
    result = models.JSONField(_("结果"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        app_label = "core"
        verbose_name = verbose_name_plural = _("后台导入")
        default_permissions = ()

    def __str__(self):
        return f"{self.kind} #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(99, self.done * 100 // self.total) if self.total else 0

    @property
    def label(self) -> str:
        kind = KINDS.get(self.kind)
        return str(kind.label) if kind else self.kind


def start(kind: str, *, user, file: str | Path = "", params: dict | None = None) -> ImportJob:
    """Record the job and queue it. The database backend stores the queued task in the same
    database, so both appear (or roll back) together."""
    job = ImportJob.objects.create(kind=kind, user=user, file=str(file), params=params or {})
    run_job.enqueue(job.pk)
    return job


def started(request, kind: str, *, file: str | Path = "", params: dict, message: str = ""):
    """Start ``kind`` for the request's user and send them to the job's page (``message``
    shown there)."""
    job = start(kind, user=request.user, file=file, params=params)
    if message:
        messages.info(request, message)
    return redirect("job", pk=job.pk)


def upload_started(request, kind: str, uploaded, params: dict):
    """``started`` on an uploaded workbook (saved for the job): the import pages' upload."""
    file = save_upload(uploaded, ".xlsx")
    message = str(_("文件已上传，正在后台校验并导入。"))
    return started(request, kind, file=file, params=params, message=message)


class UploadJobMixin:
    """The POST of an import page: the form's workbook (``file``) checked at once
    (``check_file``), then imported by the job ``job_kind`` with ``job_params(form)``. An
    invalid form or file shows the page again: ``render(form, errors=...)``."""

    job_kind: str

    def post(self, request, *args, **kwargs):
        form = self.bound_form()
        if not form.is_valid():
            return self.render(form)
        uploaded = form.cleaned_data["file"]
        errors = check_file(uploaded)
        if errors:
            return self.render(form, errors=errors)
        return upload_started(request, self.job_kind, uploaded, self.job_params(form))


class Progress:
    """``progress(done, total)``: stored at most every half second (and at the end)."""

    def __init__(self, job: ImportJob):
        self.job = job
        self.saved_at = 0.0

    def __call__(self, done: int, total: int | None = None) -> None:
        self.job.done = done
        if total is not None:
            self.job.total = total
        now = time.monotonic()
        if now - self.saved_at >= 0.5:
            self.saved_at = now
            ImportJob.objects.filter(pk=self.job.pk).update(
                done=self.job.done, total=self.job.total
            )


@task
def run_job(job_id: int) -> str:
    job = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).first()
    if job is None:  # already taken, or gone
        return "skipped"
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    kind = KINDS[job.kind]
    try:
        result = kind.handler(job, Progress(job))
        status = ImportJob.Status.DONE
    except Exception:  # noqa: BLE001 - any failure is shown on the job page
        logger.exception("background job %s failed", job)
        result, status = (
            {"error": str(_("处理时出错，未写入任何数据，请稍后重试或联系管理员。"))},
            (ImportJob.Status.FAILED),
        )
    finally:
        if job.file and not kind.keep_file:
            Path(job.file).unlink(missing_ok=True)
    ImportJob.objects.filter(pk=job.pk).update(
        status=status, result=result, done=job.done, finished_at=timezone.now()
    )
    return status


def job_page(request, pk: int):
    """The job's progress (reloading itself every 2 s) and, once done, its result."""
    # app loading: core.models imports this module; auth.views would load accounts.models mid-way
    from django.contrib.auth.views import redirect_to_login

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    job = get_object_or_404(ImportJob, pk=pk, user=request.user)
    kind = KINDS.get(job.kind)
    context = {"job": job, "result": job.result or {}, "result_template": ""}
    if job.status == ImportJob.Status.DONE and kind is not None:
        context["result_template"] = kind.template
    return render(request, "core/job.html", context)


JOB_FILE_HOURS = 24


def save_upload(uploaded, suffix: str) -> Path:
    """Save an UploadedFile in chunks for a job (deleted when the job ends). Files left by
    jobs that never ran (no worker) are swept after ``JOB_FILE_HOURS``."""
    folder = Path(settings.VAR_DIR) / "jobs"
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - JOB_FILE_HOURS * 3600
    for stale in folder.iterdir():
        with contextlib.suppress(FileNotFoundError):
            if stale.stat().st_mtime < cutoff:
                stale.unlink()
    path = folder / f"{secrets.token_hex(16)}{suffix}"
    with path.open("wb") as out:
        for chunk in uploaded.chunks():
            out.write(chunk)
    return path
