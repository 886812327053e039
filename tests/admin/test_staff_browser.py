"""In a real headless Chromium: an admin adds a bridge worker, who logs in with the password
shown once, chooses their own and reaches the inbox; the audit log shows it all."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from bot.inbox import add_staff
from bot.web.app import Deps, create_app
from tests.conftest import make_settings
from tests.fakes import serve
from tests.web.test_browser import ARGS, CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed"),
]
PASSWORD = "correct horse battery"


def test_an_admin_adds_a_worker_who_chooses_a_password_in_the_browser(tmp_path, engine):
    from playwright.sync_api import expect, sync_playwright

    app = create_app(make_settings(tmp_path, BRUG_RUN_WORKER="false"), Deps(engine=engine))
    with app.state.service.sessions() as s:
        add_staff(
            s,
            username="ada",
            name="Ada",
            password=PASSWORD,
            role="admin",
            languages=["nl"],
            municipalities=[],
            now=datetime.now(UTC),
        )
        s.commit()
    with serve(app) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        admin = browser.new_page(viewport={"width": 1200, "height": 900})
        admin.goto(f"{url}/admin/staff")
        admin.get_by_label("Username").fill("ada")
        admin.get_by_label("Password").fill(PASSWORD)
        admin.get_by_role("button", name="Log in").click()
        admin.get_by_role("link", name="Add a staff member").click()
        admin.get_by_label("Username").fill("krystyna")
        admin.get_by_label("Name", exact=True).fill("Krystyna Nowak")
        admin.get_by_label("Polish").check()
        admin.get_by_label("Den Haag (NL)").check()
        admin.get_by_label(re.compile("Telegram user id")).fill("4242")
        admin.get_by_role("button", name="Create").click()
        expect(admin.get_by_role("status").first).to_contain_text("Account krystyna created")
        one_time = admin.locator("code.password").inner_text()

        worker = browser.new_context().new_page()  # another person, another browser
        worker.goto(f"{url}/inbox")
        worker.get_by_label("Username").fill("krystyna")
        worker.get_by_label("Password").fill(one_time)
        worker.get_by_role("button", name="Log in").click()
        expect(worker.get_by_role("heading")).to_have_text("Choose your password")
        worker.get_by_label("Current password").fill(one_time)
        worker.get_by_label("New password (at least 10 characters)").fill("my own secret words")
        worker.get_by_label("New password again").fill("my own secret words")
        worker.get_by_role("button", name="Change password").click()
        expect(worker).to_have_url(f"{url}/inbox")
        expect(worker.locator(".who").first).to_have_text("Krystyna Nowak (worker)")

        admin.goto(f"{url}/admin/audit?action=password")
        expect(admin.locator("table.audit tbody tr")).to_have_count(1)
        expect(admin.locator("table.audit tbody tr")).to_contain_text("Krystyna Nowak")
        admin.get_by_role("link", name="Staff", exact=True).click()
        expect(admin.locator("table.staff")).to_contain_text("den-haag")
        browser.close()
