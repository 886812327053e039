"""Account management on SQLite and PostgreSQL: the last admin stays, resets end sessions, bad
input changes nothing, and accounts made before migration 0006 keep working."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from bot import staffing
from bot.inbox import add_staff, authenticate
from bot.storage.db import make_engine
from bot.storage.migrate import upgrade
from bot.storage.models import AuditLog, Staff

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"
PLACES = {"den-haag", "ninove"}


@pytest.fixture
def sessions(database_url):  # type: ignore[no-untyped-def]
    engine = make_engine(database_url)
    upgrade(engine)
    factory = sessionmaker(engine, expire_on_commit=False)
    with factory() as s:
        for username, role in (("ada", "admin"), ("wim", "worker")):
            add_staff(
                s,
                username=username,
                name=username.capitalize(),
                password=PASSWORD,
                role=role,
                languages=["nl"],
                municipalities=["den-haag"],
                now=NOW,
            )
        s.commit()
    yield factory
    engine.dispose()


def person(s: Session, username: str) -> Staff:
    return s.scalars(select(Staff).where(Staff.username == username)).one()


def test_the_last_active_admin_is_kept(sessions):
    with sessions() as s:
        ada = person(s, "ada")
        for change in ({"role": "worker"}, {"active": False}):
            profile = staffing.profile_of(ada)
            for key, value in change.items():
                setattr(profile, key, value)
            with pytest.raises(staffing.StaffError, match="last active admin"):
                staffing.update_staff(s, ada, ada, profile, known_municipalities=PLACES, now=NOW)
        with pytest.raises(staffing.StaffError, match="last active admin"):
            staffing.deactivate(s, None, ada, NOW)
        s.commit()
    with sessions() as s:
        ada, wim = person(s, "ada"), person(s, "wim")
        assert (ada.role, ada.active) == ("admin", True)
        # with a second admin, the first may step down
        promoted = staffing.profile_of(wim)
        promoted.role = "admin"
        staffing.update_staff(s, ada, wim, promoted, known_municipalities=PLACES, now=NOW)
        staffing.deactivate(s, wim, ada, NOW)
        s.commit()
        assert not person(s, "ada").active and person(s, "ada").session_version == 1


def test_a_reset_ends_the_password_and_the_sessions_and_lifts_the_lockout(sessions):
    with sessions() as s:
        for _ in range(5):
            assert authenticate(s, "wim", "wrong", NOW) is None
        wim = person(s, "wim")
        assert staffing.locked_until(wim, NOW) == NOW + timedelta(minutes=15)
        first = staffing.reset_password(s, None, wim, NOW)
        second = staffing.reset_password(s, None, wim, NOW)
        s.commit()
        assert re.fullmatch(r"([a-z2-9]{5}-){3}[a-z2-9]{5}", first) and first != second
        assert wim.session_version == 2 and wim.must_change_password
        assert staffing.locked_until(wim, NOW) is None
        assert authenticate(s, "wim", first, NOW) is None
        assert authenticate(s, "wim", second, NOW) is wim
        with pytest.raises(staffing.StaffError, match="at least 10"):
            staffing.reset_password(s, None, wim, NOW, "short")


def test_bad_input_changes_nothing(sessions):
    with sessions() as s:
        wim = person(s, "wim")
        for change, message in [
            ({"languages": ["nl", "xx"]}, "unknown language 'xx'"),
            ({"municipalities": ["atlantis"]}, "no local information"),
            ({"telegram_id": "-100"}, "digits only"),
            ({"name": "x" * 121}, "longer than 120"),
            ({"role": "owner"}, "the role must be one of"),
        ]:
            profile = staffing.profile_of(wim)
            for key, value in change.items():
                setattr(profile, key, value)
            with pytest.raises(staffing.StaffError, match=message):
                staffing.update_staff(s, None, wim, profile, known_municipalities=PLACES, now=NOW)
        s.commit()
        assert (wim.name, wim.role, wim.languages, wim.telegram_id) == (
            "Wim",
            "worker",
            ["nl"],
            None,
        )
        assert not s.scalars(select(AuditLog).where(AuditLog.action == "staff.update")).all()


def test_a_place_without_local_information_may_stay_but_not_be_added(sessions):
    with sessions() as s:
        wim = person(s, "wim")
        profile = staffing.profile_of(wim)
        profile.name = "  Wim   de Vries "
        profile.languages = ["en", "pl", "pl"]
        changed = staffing.update_staff(
            s, None, wim, profile, known_municipalities={"ninove"}, now=NOW
        )
        assert changed == ["name", "languages"]
        assert wim.name == "Wim de Vries" and wim.languages == ["pl", "en"]
        assert wim.municipalities == ["den-haag"]
        profile.municipalities = ["den-haag", "utrecht"]
        with pytest.raises(staffing.StaffError, match="'utrecht'"):
            staffing.update_staff(s, None, wim, profile, known_municipalities={"ninove"}, now=NOW)


def test_accounts_made_before_the_session_columns_keep_working(database_url):
    engine = make_engine(database_url)
    upgrade(engine, "0005")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO staff (username, name, password_hash, role, languages,"
                " municipalities, active, failed_logins, created_at)"
                " VALUES ('old', 'Old', 'x', 'admin', '[]', '[]', :t, 0, :now)"
            ),
            {"t": True, "now": NOW},
        )
    upgrade(engine)
    with Session(engine) as s:
        old = person(s, "old")
        assert (old.session_version, old.must_change_password, old.last_login_at) == (
            0,
            False,
            None,
        )
    engine.dispose()
