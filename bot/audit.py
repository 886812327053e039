"""The audit log: who did what, when. Rows are only ever added (the database refuses UPDATE and
DELETE on ``audit_log``); this module writes them and reads them back for the admins.

A row names the staff member (None: the system or the command line), a dotted action
(``login.failed``, ``case.reply``, ``staff.update``…) and a short target (a case number, a
username, a pseudonym), never the text of a message.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from bot.storage.models import AuditLog, Staff

# offered as filters on the audit page (any prefix works)
KNOWN_ACTIONS = (
    "login",
    "login.failed",
    "login.locked",
    "login.lockout",
    "logout",
    "password.change",
    "case",
    "case.view",
    "case.reply",
    "case.note",
    "case.resolve",
    "staff",
    "staff.add",
    "staff.update",
    "staff.password_reset",
    "user.erase",
    "audit.export",
    "kb",
)


def record(s: Session, now: datetime, staff_id: int | None, action: str, target: str = "") -> None:
    s.add(AuditLog(at=now, staff_id=staff_id, action=action[:40], target=target[:120]))


@dataclass(frozen=True)
class AuditQuery:
    """What the admin filters on; every part is optional. ``since``/``until`` are instants."""

    action: str = ""  # a prefix: "case" matches case.view, case.reply…
    staff_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None  # exclusive


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    staff_id: int | None
    username: str | None
    name: str | None
    action: str
    target: str


def _where(q: AuditQuery) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if q.action:
        escaped = q.action.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where.append(AuditLog.action.like(f"{escaped}%", escape="\\"))
    if q.staff_id is not None:
        where.append(AuditLog.staff_id == q.staff_id)
    if q.since is not None:
        where.append(AuditLog.at >= q.since)
    if q.until is not None:
        where.append(AuditLog.at < q.until)
    return where


_ROWS = (
    select(AuditLog, Staff.username, Staff.name)
    .outerjoin(Staff, Staff.id == AuditLog.staff_id)
    .order_by(AuditLog.at.desc(), AuditLog.id.desc())
)


def search(
    s: Session, q: AuditQuery, *, page: int = 1, per_page: int = 50
) -> tuple[list[AuditRow], int]:
    """One page of matching rows, newest first, and how many match in all."""
    total = s.scalar(select(func.count(AuditLog.id)).where(*_where(q))) or 0
    found = s.execute(_ROWS.where(*_where(q)).offset((max(page, 1) - 1) * per_page).limit(per_page))
    return [
        AuditRow(log.id, log.at, log.staff_id, username, name, log.action, log.target)
        for log, username, name in found
    ], int(total)


def every(s: Session, q: AuditQuery, batch: int = 1000) -> Iterator[AuditRow]:
    """All matching rows, newest first, read in batches (for the export)."""
    found = s.execute(_ROWS.where(*_where(q)).execution_options(yield_per=batch))
    for log, username, name in found:
        yield AuditRow(log.id, log.at, log.staff_id, username, name, log.action, log.target)
