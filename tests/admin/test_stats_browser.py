"""/admin/stats in a real headless Chromium (Debian's package, driven by Playwright)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.inbox import add_staff
from bot.storage.models import Case, Contact, DecisionStat
from bot.web.app import Deps, create_app
from tests.admin.conftest import PASSWORD
from tests.conftest import make_settings
from tests.fakes import serve

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None, reason="Chromium is not installed (make system-deps installs it)"
    ),
]
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def seed(app) -> None:
    """An admin, two weeks of handled messages in three languages, and one answered case."""
    now = datetime.now(UTC)
    with app.state.service.sessions() as s:
        add_staff(
            s,
            username="ada",
            name="Ada",
            password=PASSWORD,
            role="admin",
            languages=["nl"],
            municipalities=[],
            now=now,
        )
        for back in range(14):
            day = (now - timedelta(days=back)).date()
            for i, lang in enumerate(("pl", "ro", "bg")):
                for n in range(back % 4 + i):
                    action = ("answer", "answer", "clarify", "fallback")[n % 4]
                    entry = "registration.brp" if action == "answer" else None
                    s.add(
                        DecisionStat(
                            day=day, channel="telegram", lang=lang, action=action, entry=entry
                        )
                    )
        contact = Contact(
            channel="telegram",
            external_id="1",
            pseudonym="p1",
            state={},
            created_at=now,
            handoff=False,
            unreachable=True,
        )
        s.add(contact)
        s.flush()
        opened = now - timedelta(hours=5)
        s.add(
            Case(
                contact_id=contact.id,
                status="resolved",
                priority="normal",
                reason="explicit",
                lang="pl",
                first_reply_at=opened + timedelta(minutes=12),
                resolved_at=opened + timedelta(hours=3),
                created_at=opened,
                updated_at=opened,
            )
        )
        s.commit()


@pytest.fixture
def server(tmp_path, engine) -> Iterator[str]:
    app = create_app(make_settings(tmp_path, BRUG_RUN_WORKER="false"), Deps(engine=engine))
    seed(app)
    with serve(app) as url:
        yield url


def test_an_admin_logs_in_and_sees_charts_and_tables_of_the_stats(server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
        page.goto(f"{server}/admin/stats")
        page.get_by_label("Username").fill("ada")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("heading", name="Stats", exact=True)).to_be_visible()
        chart = page.get_by_role("img", name="Messages per day by language")
        expect(chart).to_be_visible()
        assert chart.locator("rect").count() > 14
        box = chart.bounding_box()
        assert box is not None and box["width"] <= 390  # fits the phone's screen
        expect(page.get_by_role("img", name="What the bot did with the messages")).to_be_visible()
        expect(page.get_by_role("img", name="Most answered entries")).to_be_visible()
        cases = page.locator("#cases table")
        expect(cases).to_contain_text("12 min")
        expect(cases).to_contain_text("3 h 00 min")
        page.get_by_role("link", name="Last 7 days").click()
        expect(page.get_by_role("link", name="Last 7 days")).to_have_attribute(
            "aria-current", "true"
        )
        expect(page.locator("#daily table")).to_be_visible()
        page.screenshot(path=str(tmp_path / "stats.png"), full_page=True)
        browser.close()
