"""Session fixation and logout: a session cookie from before the login is not the one after it
and never becomes signed in; after logout the session is gone; the cookie is HttpOnly and
SameSite; a copy of the cookie taken before logout no longer signs anyone in."""

from __future__ import annotations

from tests.admin.conftest import PASSWORD, csrf
from tests.channels.conftest import run

COOKIE = "brug_session"


def copy_cookie(source, target) -> str:
    """Put ``source``'s session cookie into ``target``, as a thief or a fixer would."""
    (cookie,) = [c for c in source.cookies.jar if c.name == COOKIE]
    target.cookies.jar.set_cookie(cookie)
    return str(cookie.value)


def admin_pages(app) -> list[str]:
    """/admin, when this build has the admin pages."""
    return ["/admin"] if any(getattr(r, "path", "") == "/admin" for r in app.routes) else []


async def log_in(client, username: str = "ada") -> None:
    token = csrf(await client.get("/inbox/login"))
    res = await client.post(
        "/inbox/login", data={"csrf": token, "username": username, "password": PASSWORD}
    )
    assert res.status_code == 303


def test_the_session_cookie_changes_at_login_and_a_planted_one_stays_anonymous(admin_harness):
    h = admin_harness

    async def scenario() -> None:
        async with h.client() as attacker, h.client() as victim:
            planted_token = csrf(await attacker.get("/inbox/login"))
            planted = copy_cookie(attacker, victim)  # the attacker fixes the victim's session
            await log_in(victim)
            assert victim.cookies[COOKIE] != planted
            assert (await victim.get("/inbox")).status_code == 200
            # the attacker's copy of the planted cookie is still nobody's
            res = await attacker.get("/inbox")
            assert res.status_code == 303 and res.headers["location"] == "/inbox/login"
            # and the token that came with it is worthless in the victim's new session
            res = await victim.post("/inbox/logout", data={"csrf": planted_token})
            assert res.status_code == 403

    run(scenario(), h)


def test_logout_ends_the_session_in_the_browser(admin_harness):
    h = admin_harness

    async def scenario() -> None:
        async with h.client() as browser:
            await log_in(browser)
            token = csrf(await browser.get("/inbox"))
            assert (await browser.post("/inbox/logout", data={"csrf": token})).status_code == 303
            for page in ["/inbox", *admin_pages(h.app)]:
                assert (await browser.get(page)).status_code == 303

    run(scenario(), h)


def test_the_session_cookie_is_httponly_and_same_site(admin_harness):
    h = admin_harness

    async def scenario() -> str:
        async with h.client() as browser:
            token = csrf(await browser.get("/inbox/login"))
            res = await browser.post(
                "/inbox/login", data={"csrf": token, "username": "ada", "password": PASSWORD}
            )
            return res.headers["set-cookie"].lower()

    cookie = run(scenario(), h)
    assert cookie.startswith(COOKIE) and "httponly" in cookie and "samesite=lax" in cookie


def test_a_copy_of_the_cookie_taken_before_logout_is_refused_after_it(admin_harness):
    h = admin_harness

    async def scenario() -> None:
        async with h.client() as browser, h.client() as thief:
            await log_in(browser)
            copy_cookie(browser, thief)  # e.g. left on a shared computer
            assert (await thief.get("/inbox")).status_code == 200
            token = csrf(await browser.get("/inbox"))
            assert (await browser.post("/inbox/logout", data={"csrf": token})).status_code == 303
            for page in ["/inbox", *admin_pages(h.app)]:
                res = await thief.get(page)
                assert res.status_code == 303 and "/inbox/login" in res.headers["location"]

    run(scenario(), h)
