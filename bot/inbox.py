"""The bridge workers' side: staff accounts, sign-in with lockout, and what they do to a case.

Functions take a session and the clock and return data; the web views and the CLI call them.
Every action a worker takes on a case is written to the append-only audit log.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.audit import record
from bot.errors import BrugError
from bot.messages import Inbound, Reply
from bot.service import OPEN_CASE, Service
from bot.staffwords import sw
from bot.storage.models import (
    AuditLog,
    Case,
    CaseNote,
    Contact,
    Message,
    Outbox,
    QuestionLog,
    Staff,
    Team,
)
from bot.teams import suits

ROLES = ("worker", "editor", "admin")  # editor: knowledge and its queue, no staff or user data
MAX_FAILURES = 5
MIN_PASSWORD = 10
LOCKOUT = timedelta(minutes=15)
_hasher = PasswordHasher()
# verifying against this keeps the time of "no such user" equal to "wrong password"
_DUMMY_HASH = _hasher.hash("not a password")


class AccessDenied(BrugError):
    pass


def audit(s: Session, now: datetime, staff: Staff | None, action: str, target: str = "") -> None:
    record(s, now, staff.id if staff else None, action, target)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(staff: Staff, password: str) -> bool:
    try:
        return _hasher.verify(staff.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def count_failure(s: Session, staff: Staff, now: datetime, action: str) -> None:
    """A wrong password: audited; the fifth in a row locks the account for a while."""
    staff.failed_logins += 1
    audit(s, now, staff, action, staff.username)
    if staff.failed_logins >= MAX_FAILURES:
        staff.locked_until, staff.failed_logins = now + LOCKOUT, 0
        audit(s, now, staff, "login.lockout", staff.username)


def add_staff(
    s: Session,
    *,
    username: str,
    name: str,
    password: str,
    role: str,
    languages: list[str],
    municipalities: list[str],
    now: datetime,
    by: Staff | None = None,
) -> Staff:
    """A new account; ``by`` is the admin who made it (None: the command line)."""
    if role not in ROLES:
        raise BrugError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise BrugError(f"the password must have at least {MIN_PASSWORD} characters")
    if s.scalar(select(Staff).where(Staff.username == username)) is not None:
        raise BrugError(f"staff member {username} exists already")
    staff = Staff(
        username=username,
        name=name,
        password_hash=_hasher.hash(password),
        role=role,
        languages=languages,
        municipalities=municipalities,
        active=True,
        failed_logins=0,
        created_at=now,
    )
    s.add(staff)
    s.flush()
    audit(s, now, by, "staff.add", username)
    return staff


def authenticate(s: Session, username: str, password: str, now: datetime) -> Staff | None:
    """The staff member, or None. Five failures lock the account for fifteen minutes."""
    staff = s.scalar(select(Staff).where(Staff.username == username))
    if staff is None or not staff.active:
        with contextlib.suppress(VerificationError):
            _hasher.verify(_DUMMY_HASH, password)
        audit(s, now, None, "login.failed", "unknown or inactive account")  # never what was typed
        return None
    locked = staff.locked_until
    if (
        locked is not None
        and (locked if locked.tzinfo else locked.replace(tzinfo=now.tzinfo)) > now
    ):
        audit(s, now, staff, "login.locked", username)
        return None
    if not password_matches(staff, password):
        count_failure(s, staff, now, "login.failed")
        return None
    staff.failed_logins, staff.locked_until, staff.last_login_at = 0, None, now
    if _hasher.check_needs_rehash(staff.password_hash):
        staff.password_hash = _hasher.hash(password)
    audit(s, now, staff, "login", username)
    return staff


# ---- cases ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseRow:
    id: int
    status: str
    priority: str
    reason: str
    lang: str | None
    country: str | None
    municipality: str | None
    assignee: str | None
    channel: str
    user: str  # pseudonym
    created_at: datetime
    updated_at: datetime
    team: str | None = None
    suits_me: bool = False  # the worker speaks the language and serves the place


def list_cases(
    s: Session,
    staff: Staff,
    *,
    status: str = "open",
    lang: str | None = None,
    priority: str | None = None,
    mine: bool = False,
    unassigned: bool = False,
    limit: int = 200,
) -> tuple[list[CaseRow], dict[str, int]]:
    """Open cases, urgent first, then those offered to this worker first (they speak the
    language and serve the place: their municipalities or their team's), oldest first; and
    the counts per status."""
    q = (
        select(Case, Contact, Staff.name, Team.name)
        .join(Contact, Contact.id == Case.contact_id)
        .outerjoin(Staff, Staff.id == Case.assignee_id)
        .outerjoin(Team, Team.id == Case.team_id)
    )
    if status == "open":
        q = q.where(Case.status.in_(OPEN_CASE))
    elif status != "all":
        q = q.where(Case.status == status)
    if lang:
        q = q.where(Case.lang == lang)
    if priority:
        q = q.where(Case.priority == priority)
    if mine:
        q = q.where(Case.assignee_id == staff.id)
    if unassigned:
        q = q.where(Case.assignee_id.is_(None))
    q = q.order_by((Case.priority == "urgent").desc(), Case.created_at).limit(limit)
    team = s.get(Team, staff.team_id) if staff.team_id is not None else None
    places = set(staff.municipalities) | set(team.municipalities if team else ())
    rows = [
        CaseRow(
            c.id,
            c.status,
            c.priority,
            c.reason,
            c.lang,
            c.country,
            c.municipality,
            name,
            contact.channel,
            contact.pseudonym,
            c.created_at,
            c.updated_at,
            team_name,
            suits(staff.languages, places, c.lang, c.municipality),
        )
        for c, contact, name, team_name in s.execute(q).all()
    ]
    rows.sort(key=lambda r: r.priority != "urgent" and not r.suits_me)  # stable: oldest first
    counts = dict(s.execute(select(Case.status, func.count()).group_by(Case.status)).all())
    return rows, {k: int(v) for k, v in counts.items()}


@dataclass(frozen=True)
class TranscriptLine:
    id: int
    direction: str
    author: str
    text: str
    lang: str | None
    action: str | None
    entry: str | None
    confidence: float | None
    candidates: list[dict[str, object]]
    delivery: str | None
    error: str | None
    at: datetime


def transcript(s: Session, case: Case, limit: int = 100) -> list[TranscriptLine]:
    rows = s.execute(
        select(Message, Outbox.status, Outbox.error)
        .outerjoin(Outbox, Outbox.id == Message.outbox_id)
        .where(Message.contact_id == case.contact_id)
        .order_by(Message.id.desc())
        .limit(limit)
    ).all()
    return [
        TranscriptLine(
            m.id,
            m.direction,
            m.author,
            m.text,
            m.lang,
            m.action,
            m.entry,
            m.confidence,
            list(m.candidates or []),
            status,
            error,
            m.created_at,
        )
        for m, status, error in reversed(rows)
    ]


def notes(s: Session, case: Case) -> list[tuple[str, str, datetime]]:
    rows = s.execute(
        select(CaseNote, Staff.name)
        .outerjoin(Staff, Staff.id == CaseNote.staff_id)
        .where(CaseNote.case_id == case.id)
        .order_by(CaseNote.id)
    ).all()
    return [(name or "—", n.text, n.created_at) for n, name in rows]


def recently_erased(s: Session, now: datetime, days: int = 7) -> list[tuple[int, datetime]]:
    """Open cases erased with their user's data (/delete, or an admin on request): (id, when).
    The case is gone; the audit row is what tells its bridge worker."""
    rows = s.execute(
        select(AuditLog.target, AuditLog.at)
        .where(AuditLog.action == "case.erased", AuditLog.at >= now - timedelta(days=days))
        .order_by(AuditLog.at.desc())
    ).all()
    return [(int(target), at) for target, at in rows if target.isdigit()]


def find_case(s: Session, case_id: int) -> Case:
    case = s.get(Case, case_id)
    if case is None:
        raise AccessDenied("no such case")
    return case


def open_case(s: Session, staff: Staff, case_id: int, now: datetime) -> Case:
    """The case, to show to ``staff``: a view is audited."""
    case = find_case(s, case_id)
    audit(s, now, staff, "case.view", str(case_id))
    return case


def assign(s: Session, staff: Staff, case: Case, now: datetime) -> None:
    case.assignee_id = staff.id
    if case.status == "new":
        case.status = "assigned"
    case.updated_at = now
    audit(s, now, staff, "case.assign", str(case.id))


def add_note(s: Session, staff: Staff, case: Case, text: str, now: datetime) -> None:
    s.add(CaseNote(case_id=case.id, staff_id=staff.id, text=text.strip()[:4000], created_at=now))
    audit(s, now, staff, "case.note", str(case.id))


def reply(
    s: Session, service: Service, staff: Staff, case: Case, text: str, now: datetime
) -> Outbox:
    """A worker's reply goes through the user's channel outbox (retries, 24-hour rule apply)."""
    text = text.strip()
    if not text:
        raise BrugError("the reply is empty")
    contact = s.get(Contact, case.contact_id)
    if contact is None:
        raise AccessDenied("the user erased their data")
    row = service.enqueue(
        s,
        contact,
        Reply(text[:4000], (), case.lang or "en"),
        now,
        author="worker",
        staff_id=staff.id,
    )
    if case.assignee_id is None:
        case.assignee_id = staff.id
    case.status = "waiting"
    case.first_reply_at = case.first_reply_at or now
    case.updated_at = now
    audit(s, now, staff, "case.reply", str(case.id))
    return row


def suggest_as_knowledge(
    s: Session, staff: Staff, case: Case, message_id: int, now: datetime
) -> None:
    """Put a user's question in the admins' queue as a candidate entry or phrasing."""
    message = s.get(Message, message_id)
    if message is None or message.contact_id != case.contact_id or message.direction != "in":
        raise AccessDenied("no such message in this case")
    s.add(
        QuestionLog(
            text=message.text[:1000],
            lang=message.lang or case.lang or "en",
            country=case.country,
            action="suggested",
            candidates=list(message.candidates or []),
            contact_id=None,
            status="suggested",
            created_at=now,
        )
    )
    audit(s, now, staff, "case.suggest", str(case.id))


def resolve(
    s: Session, staff: Staff | None, case: Case, now: datetime, *, back_to_bot: bool = True
) -> None:
    """Mark resolved; the user's messages go to the bot again. ``staff`` None: the system."""
    case.status, case.resolved_at, case.updated_at = "resolved", now, now
    contact = s.get(Contact, case.contact_id)
    if contact is not None and back_to_bot:
        contact.handoff = False
        contact.state = {**contact.state, "handoff": False}
    audit(s, now, staff, "case.resolve", str(case.id))


# ---- the Telegram staff group ---------------------------------------------------------------


def handle_staff_message(service: Service, s: Session, msg: Inbound, now: datetime) -> list[Reply]:
    """A message or button press in the staff group. Only registered staff (linked Telegram id) act:
    "Claim" assigns the case; a reply to the bot's post about a case goes to that user exactly
    as if typed in the web inbox. The bot answers in the same forum topic."""
    from_id = msg.meta.get("from_id")
    staff = (
        s.scalar(select(Staff).where(Staff.telegram_id == from_id, Staff.active.is_(True)))
        if from_id
        else None
    )
    if staff is None:
        return []
    lang, thread = service.staff_language, msg.meta.get("thread") or None

    def say(key: str, **values: object) -> list[Reply]:
        return [Reply(sw(lang, key, **values), (), lang, thread=thread)]

    if msg.payload and msg.payload.startswith("claim:") and msg.payload[6:].isdigit():
        case = s.get(Case, int(msg.payload[6:]))
        if case is None:
            return []
        assign(s, staff, case, now)
        return say("claimed", id=case.id, name=staff.name)
    reply_to = msg.meta.get("reply_to")
    if reply_to and msg.text.strip():
        post = s.scalar(
            select(Outbox)
            .join(Contact, Contact.id == Outbox.contact_id)
            .where(
                Contact.channel == msg.channel,
                Contact.external_id == msg.user_ref,
                Outbox.provider_id == reply_to,
                Outbox.case_id.is_not(None),
            )
        )
        if post is None or post.case_id is None:
            return []
        case = s.get(Case, post.case_id)
        if case is None:
            return say("erased_nothing_sent", id=post.case_id)
        try:
            reply(s, service, staff, case, msg.text, now)
        except AccessDenied:
            return say("erased_nothing_sent", id=case.id)
        return say("sent", id=case.id)
    return []
