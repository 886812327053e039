"""`brug staff add|list|set-password|deactivate` on a real SQLite database."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from bot.cli import app
from bot.inbox import authenticate
from bot.storage.models import AuditLog, Staff
from tests.conftest import KNOWLEDGE

PASSWORD = "correct horse battery"


def brug(tmp_path: Path, *args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    env = {
        "BRUG_DATA_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path}/brug.db",
        "BRUG_KNOWLEDGE_DIR": str(KNOWLEDGE),
    }
    return CliRunner().invoke(app, list(args), input=input, env=env)


def with_db(tmp_path: Path):  # type: ignore[no-untyped-def]
    return create_engine(f"sqlite:///{tmp_path}/brug.db")


def add_people(tmp_path: Path) -> None:
    secret = tmp_path / "pw"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    for args in (
        ["ada", "--role", "admin", "--languages", "pl,nl", "--telegram-id", "4242"],
        ["wim", "--name", "Wim de Vries"],
    ):
        result = brug(tmp_path, "staff", "add", *args, "--password-file", str(secret))
        assert result.exit_code == 0, result.output


def test_staff_list_shows_every_account(tmp_path):
    add_people(tmp_path)
    result = brug(tmp_path, "staff", "list")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    ada = next(line for line in lines if "ada" in line)
    assert "admin" in ada and "pl,nl" in ada and "4242" in ada and "never" in ada
    wim = next(line for line in lines if "Wim de Vries" in line)
    assert "worker" in wim and "active" in wim


def test_set_password_asks_twice_without_echo_and_ends_the_old_password(tmp_path):
    add_people(tmp_path)
    result = brug(
        tmp_path, "staff", "set-password", "wim", input="a new password\na new password\n"
    )
    assert result.exit_code == 0, result.output
    assert "a new password" not in result.output and "sessions have ended" in result.output
    assert result.output.count("password") >= 2  # asked, then asked to repeat
    db = with_db(tmp_path)
    with Session(db) as s:
        now = datetime.now(UTC)
        assert authenticate(s, "wim", PASSWORD, now) is None
        wim = authenticate(s, "wim", "a new password", now)
        assert wim is not None and wim.session_version == 1 and not wim.must_change_password
        reset = s.scalars(select(AuditLog).where(AuditLog.action == "staff.password_reset")).one()
        assert (reset.staff_id, reset.target) == (None, "wim")
    db.dispose()


def test_set_password_refuses_a_short_password_and_an_unknown_person(tmp_path):
    add_people(tmp_path)
    result = brug(tmp_path, "staff", "set-password", "wim", input="short\nshort\n")
    assert result.exit_code == 1 and "at least 10 characters" in result.output
    result = brug(tmp_path, "staff", "set-password", "nobody", input="long enough!\n" * 2)
    assert result.exit_code == 1 and "no staff member 'nobody'" in result.output
    result = brug(tmp_path, "staff", "set-password", "wim", input="long enough!\nother words\n")
    assert result.exit_code != 0 and "do not match" in result.output


def test_deactivate_ends_access_but_keeps_the_last_admin(tmp_path):
    add_people(tmp_path)
    result = brug(tmp_path, "staff", "deactivate", "ada")
    assert result.exit_code == 1 and "last active admin" in result.output
    result = brug(tmp_path, "staff", "deactivate", "wim")
    assert result.exit_code == 0, result.output
    db = with_db(tmp_path)
    with Session(db) as s:
        people = {p.username: p for p in s.scalars(select(Staff))}
        assert people["ada"].active and not people["wim"].active
        assert people["wim"].session_version == 1
        assert authenticate(s, "wim", PASSWORD, datetime.now(UTC)) is None
        actions = [a.action for a in s.scalars(select(AuditLog).order_by(AuditLog.id))]
        assert actions.count("staff.deactivate") == 1
    db.dispose()
