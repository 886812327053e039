"""Staff accounts as admins manage them: create, edit, reset a password, unlock, deactivate;
and a person changing their own password.

Functions take a session, the acting admin (None: the command line) and the clock; they check
their input and raise ``StaffError`` with a message to show, change nothing when they refuse,
and write every change to the audit log. Raising ``Staff.session_version`` ends the sessions
stamped with the old one (the web views compare the two on every request).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import BrugError
from bot.inbox import (
    MIN_PASSWORD,
    ROLES,
    add_staff,
    audit,
    count_failure,
    hash_password,
    password_matches,
)
from bot.languages import LANGUAGES
from bot.storage.models import Staff, Team

USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,79}")
TELEGRAM_ID = re.compile(r"[0-9]{1,20}")
# no look-alikes (l/1, o/0): read aloud or copied by hand; 20 symbols of 31 is ~99 bits
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


class StaffError(BrugError):
    pass


def generate_password() -> str:
    return "-".join("".join(secrets.choice(_ALPHABET) for _ in range(5)) for _ in range(4))


def _aware(value: datetime | None, now: datetime) -> datetime | None:
    return value.replace(tzinfo=now.tzinfo) if value is not None and value.tzinfo is None else value


def locked_until(staff: Staff, now: datetime) -> datetime | None:
    """When the lockout after wrong passwords ends, or None when the account is not locked."""
    until = _aware(staff.locked_until, now)
    return until if until is not None and until > now else None


@dataclass(frozen=True)
class StaffRow:
    id: int
    username: str
    name: str
    role: str
    languages: list[str]
    municipalities: list[str]
    telegram_id: str | None
    active: bool
    last_login_at: datetime | None
    locked_until: datetime | None
    created_at: datetime
    team_id: int | None = None


def row(staff: Staff, now: datetime) -> StaffRow:
    return StaffRow(
        staff.id,
        staff.username,
        staff.name,
        staff.role,
        list(staff.languages),
        list(staff.municipalities),
        staff.telegram_id,
        staff.active,
        _aware(staff.last_login_at, now),
        locked_until(staff, now),
        staff.created_at,
        staff.team_id,
    )


def list_staff(s: Session, now: datetime) -> list[StaffRow]:
    """Everyone, the active first, then by name."""
    found = s.scalars(select(Staff).order_by(Staff.active.desc(), Staff.name, Staff.id))
    return [row(staff, now) for staff in found]


def find(s: Session, username: str) -> Staff:
    staff = s.scalar(select(Staff).where(Staff.username == username))
    if staff is None:
        raise StaffError("no staff member {username!r}", username=username)
    return staff


@dataclass
class Profile:
    """What an admin may change about an account (not the username or the password)."""

    name: str
    role: str
    languages: list[str] = field(default_factory=list)
    municipalities: list[str] = field(default_factory=list)
    telegram_id: str | None = None
    active: bool = True
    team_id: int | None = None


def _clean(
    s: Session, profile: Profile, staff: Staff | None, known_municipalities: set[str]
) -> Profile:
    name = " ".join(profile.name.split())
    if not name:
        raise StaffError("the name is empty")
    if len(name) > 120:
        raise StaffError("the name is longer than 120 characters")
    if profile.role not in ROLES:
        raise StaffError("the role must be one of {roles}", roles=", ".join(ROLES))
    unknown = [code for code in profile.languages if code not in LANGUAGES]
    if unknown:
        raise StaffError("unknown language {code!r}", code=unknown[0])
    # a place the knowledge no longer covers may stay, but not be added
    allowed = known_municipalities | set(staff.municipalities if staff else [])
    unknown = [slug for slug in profile.municipalities if slug not in allowed]
    if unknown:
        raise StaffError("no local information for municipality {slug!r}", slug=unknown[0])
    telegram_id = (profile.telegram_id or "").strip() or None
    if telegram_id is not None:
        if not TELEGRAM_ID.fullmatch(telegram_id):
            raise StaffError("the Telegram id is a number (digits only)")
        holder = s.scalar(select(Staff).where(Staff.telegram_id == telegram_id))
        if holder is not None and holder is not staff:
            raise StaffError(
                "Telegram id {telegram_id} belongs to {name} already",
                telegram_id=telegram_id,
                name=holder.name,
            )
    if profile.team_id is not None and s.get(Team, profile.team_id) is None:
        raise StaffError("that team no longer exists")
    return Profile(
        name=name,
        role=profile.role,
        languages=[c for c in LANGUAGES if c in profile.languages],  # menu order, no repeats
        municipalities=sorted(set(profile.municipalities)),
        telegram_id=telegram_id,
        active=profile.active,
        team_id=profile.team_id,
    )


def create_staff(
    s: Session,
    by: Staff | None,
    *,
    username: str,
    profile: Profile,
    password: str | None,
    known_municipalities: set[str],
    now: datetime,
) -> tuple[Staff, str]:
    """A new, active account and its first password (made up when ``password`` is None),
    which the person must replace when they first log in."""
    username = username.strip().lower()
    if not USERNAME.fullmatch(username):
        raise StaffError(
            "the username needs 2 to 80 characters: lowercase letters, digits, '.', '_', '-'"
        )
    clean = _clean(s, profile, None, known_municipalities)
    password = password or generate_password()
    staff = add_staff(
        s,
        username=username,
        name=clean.name,
        password=password,
        role=clean.role,
        languages=clean.languages,
        municipalities=clean.municipalities,
        now=now,
        by=by,
    )
    staff.telegram_id = clean.telegram_id
    staff.team_id = clean.team_id
    staff.must_change_password = True
    return staff, password


def _other_active_admins(s: Session, staff: Staff) -> int:
    # FOR UPDATE: two admins demoting each other at the same moment cannot both succeed
    ids = s.scalars(
        select(Staff.id)
        .where(Staff.role == "admin", Staff.active.is_(True), Staff.id != staff.id)
        .with_for_update()
    ).all()
    return len(ids)


def update_staff(
    s: Session,
    by: Staff | None,
    staff: Staff,
    profile: Profile,
    *,
    known_municipalities: set[str],
    now: datetime,
) -> list[str]:
    """Apply ``profile``; returns the names of the fields that changed. The last active admin
    can be neither demoted nor deactivated. Deactivating ends the person's sessions."""
    clean = _clean(s, profile, staff, known_municipalities)
    was_admin = staff.role == "admin" and staff.active
    if (
        was_admin
        and (clean.role != "admin" or not clean.active)
        and _other_active_admins(s, staff) == 0
    ):
        raise StaffError(
            "{name} is the last active admin: make someone else an admin first", name=staff.name
        )
    changed = [
        key
        for key in ("name", "role", "languages", "municipalities", "telegram_id", "team_id")
        if getattr(staff, key) != getattr(clean, key)
    ]
    for key in changed:
        setattr(staff, key, getattr(clean, key))
    if changed:
        audit(s, now, by, "staff.update", f"{staff.username}: {', '.join(changed)}")
    if clean.active != staff.active:
        staff.active = clean.active
        if not clean.active:
            staff.session_version += 1
        audit(s, now, by, "staff.activate" if clean.active else "staff.deactivate", staff.username)
        changed.append("active")
    return changed


def profile_of(person: Staff | StaffRow) -> Profile:
    return Profile(
        person.name,
        person.role,
        list(person.languages),
        list(person.municipalities),
        person.telegram_id,
        person.active,
        person.team_id,
    )


def deactivate(s: Session, by: Staff | None, staff: Staff, now: datetime) -> None:
    """No more logins, sessions end; refused for the last active admin."""
    profile = profile_of(staff)
    profile.active = False
    update_staff(s, by, staff, profile, known_municipalities=set(), now=now)


def reset_password(
    s: Session,
    by: Staff | None,
    staff: Staff,
    now: datetime,
    password: str | None = None,
    *,
    temporary: bool = True,
) -> str:
    """A new password (made up when ``password`` is empty) to hand to the person; the old one
    and every open session stop working and a lockout is lifted. A ``temporary`` password must
    be replaced at the next login."""
    if password and len(password) < MIN_PASSWORD:
        raise StaffError("the password must have at least {n} characters", n=MIN_PASSWORD)
    password = password or generate_password()
    staff.password_hash = hash_password(password)
    staff.must_change_password = temporary
    staff.session_version += 1
    staff.failed_logins, staff.locked_until = 0, None
    audit(s, now, by, "staff.password_reset", staff.username)
    return password


def unlock(s: Session, by: Staff | None, staff: Staff, now: datetime) -> None:
    staff.failed_logins, staff.locked_until = 0, None
    audit(s, now, by, "staff.unlock", staff.username)


def change_own_password(
    s: Session, staff: Staff, current: str, new: str, repeat: str, now: datetime
) -> None:
    """The person's own change. A wrong current password counts towards the lockout (the
    caller commits even when this raises). Other sessions of the account end."""
    if locked_until(staff, now) is not None:
        raise StaffError("too many wrong passwords: try again in a quarter of an hour")
    if not password_matches(staff, current):
        count_failure(s, staff, now, "password.change_failed")
        raise StaffError("the current password is wrong")
    if new != repeat:
        raise StaffError("the two new passwords differ")
    if len(new) < MIN_PASSWORD:
        raise StaffError("the new password must have at least {n} characters", n=MIN_PASSWORD)
    if new == current:
        raise StaffError("choose a password different from the current one")
    staff.password_hash = hash_password(new)
    staff.must_change_password = False
    staff.session_version += 1
    staff.failed_logins = 0
    audit(s, now, staff, "password.change", staff.username)
