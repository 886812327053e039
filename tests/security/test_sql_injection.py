"""SQL injection through every query parameter of the inbox and admin pages, the login form and
the web chat: a normal (empty) result, and every table intact. On SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import func, select
from starlette.routing import Route

from bot.storage.models import Base, Case
from tests.admin.conftest import csrf, login_as
from tests.channels.conftest import run
from tests.channels.test_journeys import LANGS, Channel

INJECTIONS = [
    '\'; DROP TABLE "case"; --',
    "'; DROP TABLE case; --",
    "%' OR 1=1 --",
    "' OR '1'='1",
    "1; DELETE FROM staff",
    "\\'; UPDATE staff SET role='admin' --",
    "' UNION SELECT password_hash, username FROM staff --",
]
PARAMS = ("q", "search", "query", "status", "lang", "priority", "topic", "entry", "country")
PARAMS += ("mine", "unassigned", "page", "sort", "days", "action", "who", "since", "until")


def tables(h) -> dict[str, int]:
    with h.app.state.service.sessions() as s:
        return {
            t.name: s.scalar(select(func.count()).select_from(t)) or 0
            for t in Base.metadata.sorted_tables
        }


def search_pages(app) -> list[str]:
    """Every GET page under /inbox and /admin without path parameters."""
    return sorted(
        {
            r.path
            for r in app.routes
            if isinstance(r, Route)
            and "GET" in (r.methods or ())
            and r.path.startswith(("/inbox", "/admin"))
            and not r.param_convertors
        }
    )


def test_injection_in_filters_and_search_boxes_finds_nothing_and_drops_nothing(site):
    h = site

    async def scenario() -> int:
        async with h.client() as user_http, h.client() as ada:
            user = Channel("telegram", h, user_http)
            await user.onboard("pl")
            await user.say(LANGS["pl"]["danger"])  # one case, so "nothing found" means something
            await login_as(ada, "ada")
            before = tables(h)
            requests = 0
            for injection in INJECTIONS:
                listing = await ada.get("/inbox", params={"status": "all", "lang": injection})
                assert listing.status_code == 200 and "No cases here." in listing.text
                listing = await ada.get("/inbox", params={"status": injection})
                assert listing.status_code == 200 and "No cases here." in listing.text
                for page in search_pages(h.app):
                    res = await ada.get(page, params=dict.fromkeys(PARAMS, injection))
                    assert res.status_code < 500, (page, injection, res.status_code)
                    requests += 1
                res = await ada.post("/chat/ask", json={"text": injection})
                assert res.status_code == 200 and res.json()["action"]
            after = tables(h)
            assert after == {**before, "audit_log": after["audit_log"]}  # views are audited
            listing = await ada.get("/inbox", params={"status": "all"})
            assert "#1" in listing.text  # the real case is still found
            return requests

    requests = run(scenario(), h)
    with h.app.state.service.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 1
    print(f"sql injection: {requests} requests with {len(INJECTIONS)} injections, tables intact")


def test_injection_in_the_login_form_signs_nobody_in(admin_harness):
    h = admin_harness

    async def scenario() -> None:
        async with h.client() as c:
            for injection in INJECTIONS:
                token = csrf(await c.get("/inbox/login"))
                for username, password in ((injection, "x"), ("ada", injection)):
                    res = await c.post(
                        "/inbox/login",
                        data={"csrf": token, "username": username, "password": password},
                    )
                    assert res.status_code == 401
            assert (await c.get("/inbox")).status_code == 303

    before = tables(h)
    run(scenario(), h)
    after = tables(h)
    assert {k: v for k, v in after.items() if k not in ("audit_log",)} == {
        k: v for k, v in before.items() if k not in ("audit_log",)
    }
