"""CSRF: every POST route under /inbox and /admin — found in the app's routing table, so a new
one is covered the day it is added — refuses a form without the session's token, with a wrong
token, or with a token from another session, and changes nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from starlette.convertors import IntegerConvertor
from starlette.routing import Route

from bot.storage.models import Base
from tests.admin.conftest import csrf, login_as
from tests.channels.conftest import run

# a value that exists for each path parameter we know of (others get 1 or "x")
EXISTING: dict[str, Any] = {"case_id": 1, "staff_id": 1, "entry_id": "registration.bsn"}
KNOWN = {
    "/inbox/login",
    "/inbox/logout",
    *(f"/inbox/case/1/{kind}" for kind in ("assign", "reply", "note", "resolve", "suggest")),
}


def post_routes(app: Any) -> list[str]:
    paths = []
    for route in app.routes:
        if not isinstance(route, Route) or "POST" not in (route.methods or ()):
            continue
        if not route.path.startswith(("/inbox", "/admin")):
            continue
        values = {
            name: EXISTING.get(name, 1 if isinstance(conv, IntegerConvertor) else "x")
            for name, conv in route.param_convertors.items()
        }
        paths.append(route.path_format.format(**values))
    return sorted(set(paths))


def row_counts(harness) -> dict[str, int]:
    with harness.app.state.service.sessions() as s:
        return {
            t.name: s.scalar(select(func.count()).select_from(t)) or 0
            for t in Base.metadata.sorted_tables
        }


FORM = {"text": "forged", "username": "ada", "password": "x", "role": "admin", "message": "1"}


def test_every_post_route_refuses_a_form_without_the_sessions_token(admin_harness):
    h = admin_harness
    paths = post_routes(h.app)
    assert set(paths) >= KNOWN, paths

    async def scenario() -> list[str]:
        refused = []
        async with h.client() as admin, h.client() as other:
            await login_as(admin, "ada")
            foreign = csrf(await other.get("/inbox/login"))  # valid, but another session's
            before = row_counts(h)
            for path in paths:
                for token in (None, "", "guess", foreign):
                    data = FORM if token is None else {**FORM, "csrf": token}
                    res = await admin.post(path, data=data)
                    assert res.status_code == 403, (path, token, res.status_code, res.text[:200])
                    assert "form token" in res.text, (path, res.text[:200])
                refused.append(path)
            assert row_counts(h) == before
            # and the admin's own session is untouched (the logout above was refused)
            assert (await admin.get("/inbox")).status_code == 200
        return refused

    refused = run(scenario(), h)
    print(f"csrf: {len(refused)} POST routes refuse forms without the token: {', '.join(refused)}")


def test_a_cross_site_form_post_carries_no_token_and_is_refused(admin_harness):
    """What a hostile page can make a signed-in browser send: the cookie, but not the token."""
    h = admin_harness

    async def scenario() -> None:
        async with h.client() as browser:
            await login_as(browser, "ada")
            res = await browser.post(
                "/inbox/logout",
                data={"text": "bye"},
                headers={"Origin": "https://evil.example", "Referer": "https://evil.example/"},
            )
            assert res.status_code == 403
            assert (await browser.get("/inbox")).status_code == 200

    run(scenario(), h)


def test_the_token_is_the_sessions_own(admin_harness):
    h = admin_harness

    async def scenario() -> tuple[str, str]:
        async with h.client() as a, h.client() as b:
            return await login_as(a, "ada"), await login_as(b, "bea")

    first, second = run(scenario(), h)
    assert first != second and len(first) >= 32
