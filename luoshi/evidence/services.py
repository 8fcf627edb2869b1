"""Writes of evidence. Every module attaches evidence through these functions.

One rule guards every write (upload, link, new version, delete), whoever calls it — the
evidence pages, a module's own form (a submission with files), an import:
``check_writable(owner, user)``:

* the owner record's *own* unit must be in the user's data scope
  (``luoshi.core.scope.in_write_scope``): the issuing side reads a recipient's submission
  but never writes into it → ``PermissionDenied`` (403);
* the owner must not be final: a record in a final state of its workflow (已采纳, 已销号,
  已发布, 已定稿, 已签署, 已办结 … declared by each workflow's ``frozen`` states), or one
  belonging to such a record (``frozen_with``), keeps its evidence as it was →
  ``EvidenceFrozen`` (a ``WorkflowError``: the page shows the Chinese message).
"""

import logging

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.core.scope import in_write_scope
from luoshi.core.workflow import WorkflowError, frozen_label
from luoshi.evidence.models import Evidence
from luoshi.evidence.selectors import current_evidence
from luoshi.evidence.storage import active_store
from luoshi.evidence.validation import CheckedFile, check_upload

logger = logging.getLogger(__name__)


class EvidenceFrozen(WorkflowError):
    """The owner record is final: its evidence cannot be added, replaced or deleted."""

    def __init__(self, owner, state: str):
        super().__init__(
            _("该记录已处于「%(state)s」状态，佐证材料已冻结，不能再上传、替换或删除。")
            % {"state": state}
        )
        self.owner = owner


def check_frozen(owner) -> None:
    state = frozen_label(owner)
    if state is not None:
        raise EvidenceFrozen(owner, state)


def check_writable(owner, user) -> None:
    """Raise unless ``user`` may add, replace or delete evidence of ``owner`` now.

    ``user`` None is a system process (the demo builder, a management command), never a
    request: pages and the API always pass the signed-in user. A final owner refuses
    everyone."""
    if user is not None and not in_write_scope(user, owner):
        raise PermissionDenied(_("只能为本人数据范围内本单位的记录上传或修改佐证材料。"))
    check_frozen(owner)


def writable(owner, user) -> bool:
    try:
        check_writable(owner, user)
    except (PermissionDenied, EvidenceFrozen):
        return False
    return True


def storage_name(sha256: str, extension: str) -> str:
    today = timezone.localdate()
    return f"{today:%Y}/{today:%m}/{sha256[:2]}/{sha256}.{extension}"


def store_blob(uploaded, checked: CheckedFile) -> str:
    """Store the checked bytes of ``uploaded``; returns the storage name.

    The one way evidence bytes reach the store (uploads, replacements, data packages). The
    content-addressed name comes from ``checked.sha256``, which ``check_upload`` computed
    from these very bytes, never from a name given by anyone. A blob already stored (under
    this name, or by earlier evidence with the same SHA-256) is reused only after its own
    bytes hash to that value; a blob that does not (planted or damaged) is left alone and
    the genuine bytes are stored beside it.
    """
    store = active_store()
    name = storage_name(checked.sha256, checked.extension)
    known = (
        Evidence.objects.filter(sha256=checked.sha256)
        .exclude(file="")
        .order_by()
        .values_list("file", flat=True)
        .distinct()[:3]
    )
    for candidate in dict.fromkeys([name, *known]):
        if not store.exists(candidate):
            continue
        if store.holds(candidate, checked.sha256):
            return candidate
        logger.warning("evidence blob %s does not match its SHA-256; not reused", candidate)
    uploaded.seek(0)
    return store.save_new(name, File(uploaded))


def _store(evidence: Evidence, uploaded, checked) -> None:
    evidence.file.name = store_blob(uploaded, checked)
    evidence.original_name = checked.name
    evidence.content_type_detected = checked.mime
    evidence.size = checked.size
    evidence.sha256 = checked.sha256


@transaction.atomic
def attach_file(*, owner, uploaded, user, title: str = "") -> Evidence:
    """Validate and store ``uploaded`` as evidence of ``owner`` (a UnitScopedModel record)."""
    check_writable(owner, user)
    checked = check_upload(uploaded)
    evidence = Evidence(
        unit=owner.unit,
        created_by=user,
        content_type=ContentType.objects.get_for_model(type(owner)),
        object_id=owner.pk,
        kind=Evidence.Kind.FILE,
        title=(title or checked.name.rpartition(".")[0] or checked.name)[:200],
    )
    _store(evidence, uploaded, checked)
    evidence.save()
    return evidence


@transaction.atomic
def attach_link(*, owner, url: str, title: str, user) -> Evidence:
    check_writable(owner, user)
    return Evidence.objects.create(
        unit=owner.unit,
        created_by=user,
        content_type=ContentType.objects.get_for_model(type(owner)),
        object_id=owner.pk,
        kind=Evidence.Kind.LINK,
        title=title[:200],
        url=url,
    )


@transaction.atomic
def replace_file(*, evidence: Evidence, uploaded, user) -> Evidence:
    """Upload a new version; the old one stays (superseded) for the record's history."""
    if evidence.kind != Evidence.Kind.FILE or not evidence.is_current:
        raise ValueError("only the current version of a file can be replaced")
    check_writable(evidence.owner, user)
    checked = check_upload(uploaded)
    Evidence.objects.filter(pk=evidence.pk).update(is_current=False)
    new = Evidence(
        unit=evidence.unit,
        created_by=user,
        content_type=evidence.content_type,
        object_id=evidence.object_id,
        kind=Evidence.Kind.FILE,
        title=evidence.title,
        version=evidence.version + 1,
        previous=evidence,
    )
    _store(new, uploaded, checked)
    new.save()
    return new


@transaction.atomic
def delete_evidence(*, evidence: Evidence, user) -> None:
    """Remove an evidence item with all its versions. Stored blobs shared by others stay."""
    check_writable(evidence.owner, user)
    _delete_chain(evidence)


def _delete_chain(evidence: Evidence) -> None:
    chain = [evidence]
    while (previous := chain[-1].previous) is not None:
        chain.append(previous)
    names = {e.file.name for e in chain if e.file}
    for item in chain:  # newest first: each ``previous`` is PROTECTed by its successor
        item.delete()
    store = active_store()

    def remove_unreferenced_blobs():
        for name in names:
            if not Evidence.objects.filter(file=name).exists():
                store.delete(name)

    transaction.on_commit(remove_unreferenced_blobs)


def delete_all_for(owner) -> None:
    """With the owner record itself (its module has checked that delete): never of a
    final record."""
    check_frozen(owner)
    for evidence in current_evidence(owner):
        _delete_chain(evidence)
