"""Login brute force: five wrong passwords lock the account for fifteen minutes, whichever
sessions (cookies) the attacker rotates through; while locked even the right password fails;
an unknown username looks exactly like a wrong password; every attempt is audited."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from bot.inbox import LOCKOUT, MAX_FAILURES
from bot.storage.models import AuditLog, Staff
from tests.admin.conftest import PASSWORD, csrf
from tests.channels.conftest import run


async def attempt(h, username: str, password: str) -> tuple[int, str]:
    """One login from a fresh client: a new session each time, as a rotating attacker."""
    async with h.client() as c:
        token = csrf(await c.get("/inbox/login"))
        res = await c.post(
            "/inbox/login", data={"csrf": token, "username": username, "password": password}
        )
        body = re.sub(r'name="csrf" value="[^"]+"', "", res.text)  # the only per-session part
        return res.status_code, body


def test_five_failures_lock_the_account_whatever_the_session(admin_harness):
    h = admin_harness

    async def scenario() -> None:
        answers = [await attempt(h, "wim", f"guess number {i}") for i in range(MAX_FAILURES)]
        assert {status for status, _ in answers} == {401}
        assert (await attempt(h, "wim", PASSWORD))[0] == 401  # locked: the right one fails too
        for i in range(20):  # the attack goes on; the lock holds
            assert (await attempt(h, "wim", f"more {i}"))[0] == 401
        h.now += LOCKOUT - timedelta(seconds=1)
        assert (await attempt(h, "wim", PASSWORD))[0] == 401
        h.now += timedelta(seconds=2)
        assert (await attempt(h, "wim", PASSWORD))[0] == 303
        # another persona was never affected
        assert (await attempt(h, "eddie", PASSWORD))[0] == 303

    run(scenario(), h)
    with h.app.state.service.sessions() as s:
        wim = s.scalars(select(Staff).where(Staff.username == "wim")).one()
        assert wim.failed_logins == 0 and wim.locked_until is None  # a success resets
        actions = [a.action for a in s.scalars(select(AuditLog)).all()]
    assert actions.count("login.failed") >= MAX_FAILURES
    assert actions.count("login.locked") >= 21


def test_an_unknown_username_answers_exactly_like_a_wrong_password(admin_harness):
    h = admin_harness

    async def scenario() -> None:
        wrong = await attempt(h, "wim", "not the password")
        unknown = await attempt(h, "nobody-here", "not the password")
        assert wrong == unknown
        assert wrong[0] == 401

    run(scenario(), h)
