"""Evidence views, shared by every module: upload, link, new version, delete, download.

Uploading or removing evidence needs the *change* permission on the owner record's
model and passes ``services.check_writable`` (owner's own unit in scope, owner not final);
reading needs the owner record readable (its model's ``for_user``) and the view
permission.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luoshi.core.scope import is_scoped
from luoshi.core.views import form_errors_to_messages, perm_name
from luoshi.evidence import services
from luoshi.evidence.forms import EvidenceLinkForm, EvidenceReplaceForm, EvidenceUploadForm
from luoshi.evidence.models import Evidence
from luoshi.evidence.storage import active_store


def _owner_for_edit(request, content_type_id, object_id):
    """The owner record, readable by the user (else 404) with the change permission on its
    model (else 403); ``services.check_writable`` then decides on its unit and state."""
    content_type = get_object_or_404(ContentType, pk=content_type_id)
    model = content_type.model_class()
    if model is None or not is_scoped(model):
        raise Http404
    if not request.user.has_perm(perm_name(model, "change")):
        raise PermissionDenied
    owner = get_object_or_404(model.objects.for_user(request.user), pk=object_id)
    services.check_writable(owner, request.user)
    return owner


def evidence_for(request, pk, *, edit=False):
    """Evidence is readable exactly where its owner record is: the owner model's
    ``for_user`` decides (a task's issuer reads the recipients' evidence, for example).
    Changing it needs the change permission and ``services.check_writable``: the owner's
    own unit in scope (the issuer reads, the recipient unit maintains: 403) and the owner
    not final."""
    evidence = get_object_or_404(Evidence.objects.select_related("content_type"), pk=pk)
    model = evidence.content_type.model_class()
    if model is None or not is_scoped(model):
        raise Http404
    if not model.objects.for_user(request.user).filter(pk=evidence.object_id).exists():
        raise Http404
    action = "change" if edit else "view"
    if not request.user.has_perm(perm_name(model, action)):
        raise PermissionDenied
    if edit:
        services.check_writable(evidence.owner, request.user)
    return evidence


def _back(owner):
    return redirect(f"{owner.get_absolute_url()}#evidence")


def refuse_frozen(view):
    """A final owner: the refusal's Chinese message on the owner's page, nothing written."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except services.EvidenceFrozen as frozen:
            messages.error(request, str(frozen))
            return _back(frozen.owner)

    return wrapped


@refuse_frozen
@require_POST
def upload(request, content_type_id, object_id):
    owner = _owner_for_edit(request, content_type_id, object_id)
    form = EvidenceUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("files", []):
            messages.error(request, error)
        return _back(owner)
    with transaction.atomic():
        for uploaded in form.cleaned_data["files"]:
            services.attach_file(owner=owner, uploaded=uploaded, user=request.user)
    messages.success(
        request, _("已上传 %(n)d 个佐证文件。") % {"n": len(form.cleaned_data["files"])}
    )
    return _back(owner)


@refuse_frozen
@require_POST
def add_link(request, content_type_id, object_id):
    owner = _owner_for_edit(request, content_type_id, object_id)
    form = EvidenceLinkForm(request.POST)
    if form.is_valid():
        services.attach_link(owner=owner, user=request.user, **form.cleaned_data)
        messages.success(request, _("已添加佐证链接。"))
    else:
        form_errors_to_messages(request, form)
    return _back(owner)


@refuse_frozen
def replace(request, pk):
    evidence = evidence_for(request, pk, edit=True)
    if evidence.kind != Evidence.Kind.FILE or not evidence.is_current:
        raise Http404
    form = EvidenceReplaceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        services.replace_file(
            evidence=evidence, uploaded=form.cleaned_data["file"], user=request.user
        )
        messages.success(request, _("已上传新版本，旧版本保留在历史中。"))
        return _back(evidence.owner)
    versions = [evidence]
    while versions[-1].previous_id:
        versions.append(versions[-1].previous)
    return render(
        request,
        "evidence/replace.html",
        {"evidence": evidence, "form": form, "versions": versions},
    )


@refuse_frozen
def delete(request, pk):
    evidence = evidence_for(request, pk, edit=True)
    if not evidence.is_current:  # an old version goes with its item, never alone
        raise Http404
    owner = evidence.owner
    if request.method == "POST":
        services.delete_evidence(evidence=evidence, user=request.user)
        messages.success(request, _("已删除佐证材料「%(title)s」。") % {"title": evidence.title})
        return _back(owner)
    return render(request, "evidence/confirm_delete.html", {"evidence": evidence, "owner": owner})


def download(request, pk):
    evidence = evidence_for(request, pk)
    if evidence.kind != Evidence.Kind.FILE or not evidence.file:
        raise Http404
    try:  # streamed from the folder or the bucket, whichever holds evidence now
        handle = active_store().open(evidence.file.name)
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type_detected or "application/octet-stream",
    )
    if "Content-Length" not in response and getattr(handle, "size", None) is not None:
        response["Content-Length"] = str(handle.size)
    return response
