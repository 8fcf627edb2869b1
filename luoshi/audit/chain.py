"""Tamper evidence for the operation and login logs: a hash chain per log.

Each row, once sealed, holds its place in the chain (``seq``), the previous row's hash
(``prev_hash``) and its own: SHA-256 of the previous hash and the row's content. Changing,
removing or inserting a row anywhere breaks every link after it, which
``manage.py verify_log_chain`` finds and reports.

Rows are written unsealed inside the writer's transaction and sealed right after it commits
(``transaction.on_commit``), in one short transaction that locks the chain's head row:
writers never wait for each other, and the chain follows commit order.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from luoshi.audit.models import LogChainHead, LoginLog, OperationLog
from luoshi.core import parameters

# The content each log's hash covers (every field a reader of the log relies on).
CHAINED_FIELDS = {
    OperationLog: (
        "time",
        "user_id",
        "action",
        "model_label",
        "model_name",
        "object_id",
        "object_repr",
        "changes",
        "ip",
    ),
    LoginLog: ("time", "username", "user_id", "event", "ip", "user_agent", "path"),
}
SEAL_BATCH = 1000


def _value(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def row_hash(model, row, prev_hash: str) -> str:
    content = {name: _value(getattr(row, name)) for name in CHAINED_FIELDS[model]}
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{prev_hash}\n{text}".encode()).hexdigest()


def _head(model) -> LogChainHead:
    """The chain's head, locked until the transaction ends (the migration creates it)."""
    name = model._meta.label_lower
    head = LogChainHead.objects.select_for_update().filter(pk=name).first()
    if head is None:
        LogChainHead.objects.get_or_create(name=name)
        head = LogChainHead.objects.select_for_update().get(pk=name)
    return head


def _no_wait_for_disk() -> None:
    """PostgreSQL: the sealing commit does not wait for its WAL flush. Lost in a crash,
    a seal is only redone: the rows stay unsealed and the next sealing takes them. Only
    when the sealing is its own transaction (not inside someone else's)."""
    outermost = connection.in_atomic_block and not connection.savepoint_ids
    if connection.vendor == "postgresql" and outermost:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _store_links(model, rows) -> None:
    """One UPDATE per row, sent as a batch (faster than a CASE-per-column bulk_update)."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(
        f"{connection.ops.quote_name(name)} = %s" for name in ("seq", "prev_hash", "row_hash")
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET {columns} WHERE id = %s",  # noqa: S608 - names from the model
            [(row.seq, row.prev_hash, row.row_hash, row.pk) for row in rows],
        )


def seal(model) -> int:
    """Give every unsealed row of ``model`` its place and hash; the number sealed."""
    sealed = 0
    while True:
        with transaction.atomic():
            _no_wait_for_disk()
            head = _head(model)
            rows = list(model.objects.filter(seq__isnull=True).order_by("id")[:SEAL_BATCH])
            for row in rows:
                head.seq += 1
                row.seq, row.prev_hash = head.seq, head.hash
                row.row_hash = head.hash = row_hash(model, row, head.hash)
            _store_links(model, rows)
            head.save(update_fields=["seq", "hash"])
        sealed += len(rows)
        if len(rows) < SEAL_BATCH:
            return sealed


def seal_after_commit(model) -> None:
    """Seal ``model``'s log once the current transaction commits (once per transaction)."""
    callback = _SEALERS[model]
    connection = transaction.get_connection()
    if any(entry[1] is callback for entry in getattr(connection, "run_on_commit", ())):
        return
    transaction.on_commit(callback)


_SEALERS = {model: (lambda model=model: seal(model)) for model in CHAINED_FIELDS}


@dataclass
class Break:
    model: type
    row: object | None
    reason: str


def verify(model) -> tuple[int, Break | None]:
    """Walk ``model``'s sealed rows in chain order: (rows checked, first break or None).

    Rows older than the retention period may have been removed from the start of the
    chain (``prune``, recorded as the head's ``first_seq``); the first remaining row's
    ``prev_hash`` is then the anchor."""
    head = LogChainHead.objects.filter(name=model._meta.label_lower).first()
    checked, prev = 0, None
    expected_seq = head.first_seq if head else None
    rows = model.objects.filter(seq__isnull=False).order_by("seq").iterator(chunk_size=2000)
    for row in rows:
        if expected_seq is not None and row.seq != expected_seq:
            return checked, Break(model, row, f"第 {expected_seq} 至 {row.seq - 1} 条缺失")
        if (prev is not None and row.prev_hash != prev) or (row.seq == 1 and row.prev_hash):
            return checked, Break(model, row, "前一条的哈希不符（前一条被改动或删除）")
        if row_hash(model, row, row.prev_hash) != row.row_hash:
            return checked, Break(model, row, "内容与哈希不符（本条被改动）")
        checked, expected_seq, prev = checked + 1, row.seq + 1, row.row_hash
    if head is not None and head.seq != (expected_seq or 1) - 1:
        return checked, Break(
            model, None, f"链尾应为第 {head.seq} 条，实为第 {expected_seq - 1} 条"
        )
    return checked, None


def head_hash(model) -> str:
    """The hash of the chain's last row: record it elsewhere to detect a rebuilt chain."""
    head = LogChainHead.objects.filter(name=model._meta.label_lower).first()
    return head.hash if head else ""


MIN_LOG_RETENTION_DAYS = 183  # the Cybersecurity Law's six months, rounded up


def log_retention() -> timedelta:
    """How long audit and login logs are kept (参数设置, default LOG_RETENTION_DAYS): never
    less than six months."""
    days = parameters.value("log_retention_days")
    return timedelta(days=max(days, MIN_LOG_RETENTION_DAYS))


def prune(model, now=None) -> int:
    """Remove the rows older than the retention period (never less than six months) from
    the start of the chain; the head remembers where the kept chain starts."""
    cutoff = (now or timezone.now()) - log_retention()
    seal(model)
    with transaction.atomic():
        head = _head(model)
        newer = model.objects.filter(time__gte=cutoff).order_by("seq").values("seq").first()
        last_pruned = (newer["seq"] - 1) if newer else head.seq
        removed, _detail = model.objects.filter(seq__lte=last_pruned).delete()
        head.first_seq = max(head.first_seq, last_pruned + 1)
        head.save(update_fields=["first_seq"])
    return removed
