"""The Content-Security-Policy in a real Chromium: the web chat, the inbox and every admin page
work under it, and the browser reports no violation."""

from __future__ import annotations

import re

import pytest
from starlette.routing import Route

from tests.admin.conftest import PASSWORD
from tests.channels.conftest import run
from tests.channels.test_journeys import LANGS, Channel
from tests.fakes import serve
from tests.web.test_browser import ARGS, CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (make system-deps)"),
]


def admin_pages(app) -> list[str]:
    pages = {
        r.path
        for r in app.routes
        if isinstance(r, Route)
        and "GET" in (r.methods or ())
        and r.path.startswith("/admin")
        and not r.param_convertors
        and not r.path.endswith(".csv")
    }
    if any(isinstance(r, Route) and r.path == "/admin/entry/{entry_id}" for r in app.routes):
        pages.add("/admin/entry/registration.bsn")
    return sorted(pages)


def test_the_pages_work_under_the_policy_without_a_violation(admin_harness):
    from playwright.sync_api import expect, sync_playwright

    h = admin_harness

    async def open_a_case() -> None:
        async with h.client() as c:
            user = Channel("telegram", h, c)
            await user.onboard("pl")
            await user.say(LANGS["pl"]["danger"])

    run(open_a_case(), h)
    with serve(h.app) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        violations: list[str] = []
        page.on(
            "console",
            lambda m: (
                violations.append(f"{page.url}: {m.text}")
                if "Content Security Policy" in m.text
                else None
            ),
        )
        page.goto(f"{url}/chat")
        page.get_by_role("button", name="English").click()  # chat.js: fetch and render
        page.locator("li.bot").nth(1).wait_for()

        page.goto(f"{url}/inbox/login")
        page.get_by_label("Username").fill("ada")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.locator("select[name=lang]").select_option("pl")  # submits itself (inbox.js)
        expect(page).to_have_url(re.compile(r"lang=pl"))
        page.get_by_role("link", name=re.compile(r"#1 · pl")).click()
        page.get_by_label("Canned answer").select_option("registration.bsn")  # inbox.js
        expect(page.get_by_label("Reply to the user")).to_have_value(re.compile("BSN"))

        visited = []
        for path in admin_pages(h.app):
            head = page.context.request.get(f"{url}{path}")  # the browser's cookies
            assert head.status < 500, path
            if "text/html" not in head.headers.get("content-type", ""):
                continue  # a download (an export), not a page
            page.goto(f"{url}{path}")
            visited.append(path)
        browser.close()
    assert not violations, "\n".join(violations)
    print(f"csp: chat, inbox and {len(visited)} admin pages without a violation")
