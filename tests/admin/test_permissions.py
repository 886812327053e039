"""Every /admin route, for every persona: anonymous → login, workers → 403, editors only
into their areas, admins everywhere. Routes are read from the app, so a new one is covered
the day it is added."""

from __future__ import annotations

import re

from starlette.routing import Route

from bot.inbox import add_staff
from bot.web.admin import PERMISSIONS
from tests.admin.conftest import PERSONAS, login_as
from tests.channels.conftest import run

SAMPLE = {"entry_id": "registration.brp", "version": "1", "action": "dismiss"}
AREAS = ("unanswered", "stats", "reach", "staff", "teams", "audit", "privacy")


def area_of(path: str) -> str:
    for area in AREAS:
        if path == f"/admin/{area}" or path.startswith((f"/admin/{area}/", f"/admin/{area}.")):
            return area
    return "knowledge"


def admin_routes(app) -> list[tuple[str, str, str]]:
    out = []
    for route in app.routes:
        if isinstance(route, Route) and route.path.startswith("/admin"):
            path = re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: SAMPLE.get(m.group(1), "1"), route.path)
            for method in sorted((route.methods or set()) - {"HEAD"}):
                out.append((method, path, area_of(route.path)))
    return out


def test_every_admin_route_lets_in_exactly_the_roles_of_its_area(admin_harness):
    with admin_harness.app.state.service.sessions() as s:  # the account the staff routes act on
        zed = add_staff(
            s,
            username="zed",
            name="Zed",
            password="a long enough password",
            role="worker",
            languages=["en"],
            municipalities=[],
            now=admin_harness.now,
        )
        s.commit()
        SAMPLE["staff_id"] = str(zed.id)
    routes = admin_routes(admin_harness.app)
    assert len(routes) >= 15
    assert {area for _, _, area in routes} >= {"knowledge", "unanswered"}

    async def scenario():
        async with admin_harness.client() as anon:
            for method, path, _ in routes:
                res = await anon.request(method, path)
                if method == "GET":
                    assert res.status_code == 303, (method, path, res.status_code)
                    assert res.headers["location"].startswith("/inbox/login?next=/admin")
                else:
                    assert res.status_code == 403, (method, path, res.status_code)
        for username, (role, _) in PERSONAS.items():
            async with admin_harness.client() as client:
                token = await login_as(client, username)
                for method, path, area in routes:
                    data = {"csrf": token} if method == "POST" else None
                    res = await client.request(method, path, data=data)
                    allowed = role in PERMISSIONS[area]
                    if allowed:
                        assert res.status_code != 403, (username, method, path, res.text[:200])
                        assert "/inbox/login" not in res.headers.get("location", "")
                    else:
                        assert res.status_code == 403, (username, method, path, res.status_code)

    run(scenario(), admin_harness)


def test_a_post_without_the_session_token_changes_nothing_for_anyone(admin_harness):
    async def scenario():
        async with admin_harness.client() as client:
            await login_as(client, "ada")
            for method, path, _ in admin_routes(admin_harness.app):
                if method == "POST":
                    res = await client.post(path, data={"csrf": "forged"})
                    assert res.status_code == 403, (path, res.status_code)

    run(scenario(), admin_harness)
