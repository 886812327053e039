"""The web chat in a real headless Chromium (Debian's package, driven by Playwright)."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from bot.web.app import Deps, create_app
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


@pytest.fixture
def server(tmp_path, engine) -> Iterator[str]:
    app = create_app(make_settings(tmp_path, BRUG_RUN_WORKER="false"), Deps(engine=engine))
    with serve(app) as url:
        yield url


def test_a_polish_user_onboards_and_gets_the_brp_answer(server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(locale="pl-PL")
        page.goto(f"{server}/chat")
        page.get_by_role("button", name="Polski").click()
        page.get_by_role("button", name="Holandia").click()
        # wait for the privacy notice itself: the country buttons are "last" until it arrives
        consent = page.get_by_role("button", name="Tak, dalej")
        consent.wait_for()
        bot_lines = page.locator("li.bot").count()
        consent.click()  # consent: yes
        # ask only once the bot has taken the consent (both are POSTs; order matters)
        page.locator("li.bot").nth(bot_lines).wait_for()
        page.get_by_label("Your question").fill("gdzie mam sie zameldowac w gemeente i co zabrac")
        page.get_by_role("button", name="Send").click()
        answer = page.locator("li.bot").last
        expect(answer).to_contain_text("BRP")
        assert answer.locator("strong").count() >= 1  # *bold* rendered, not shown as asterisks
        assert answer.locator("a[href^='https://']").count() >= 1
        # what people type is shown as text, never as markup
        page.get_by_label("Your question").fill("<b>bold?</b><script>window.pwned=1</script>")
        page.get_by_role("button", name="Send").click()
        expect(page.locator("li.user").last).to_have_text(
            "<b>bold?</b><script>window.pwned=1</script>"
        )
        assert page.evaluate("window.pwned") is None
        page.screenshot(path=str(tmp_path / "chat.png"))
        browser.close()


def test_krystyna_answers_a_polish_case_with_a_canned_answer_in_the_browser(tmp_path, engine):
    import httpx
    from playwright.sync_api import expect, sync_playwright

    from bot.inbox import add_staff
    from tests.fakes import Recorder, fake_telegram_app, load_payload, serve

    rec = Recorder()
    with serve(fake_telegram_app(rec)) as api:
        settings = make_settings(
            tmp_path,
            TELEGRAM_BOT_TOKEN="1:BROWSER",
            TELEGRAM_WEBHOOK_SECRET="s3cret",
            TELEGRAM_BASE_URL=f"{api}/bot",
            BRUG_SEND_INTERVAL="0",
        )
        app = create_app(settings, Deps(engine=engine))
        with app.state.service.sessions() as s:
            add_staff(
                s,
                username="krystyna",
                name="Krystyna",
                password="correct horse battery",
                role="worker",
                languages=["pl"],
                municipalities=[],
                now=datetime.now(UTC),
            )
            s.commit()
        with serve(app, lifespan="on") as url:

            def update(uid: int, text: str | None = None, data: str | None = None) -> None:
                if data:
                    body = load_payload(
                        "telegram/callback_query__button.json", update_id=uid, data=data
                    )
                else:
                    body = load_payload("telegram/message__text.json", update_id=uid, text=text)
                res = httpx.post(
                    f"{url}/telegram/webhook",
                    json=body,
                    headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret"},
                )
                assert res.status_code == 200

            for uid, kwargs in enumerate(
                [
                    {"text": "/start"},
                    {"data": "lang:pl"},
                    {"data": "country:NL"},
                    {"data": "consent:yes"},
                    {"text": "chce rozmawiac z czlowiekiem"},
                ]
            ):
                update(1000 + uid, **kwargs)
                time.sleep(0.3)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                page = browser.new_page(viewport={"width": 400, "height": 850})  # a phone
                page.goto(f"{url}/inbox")
                page.get_by_label("Username").fill("krystyna")
                page.get_by_label("Password").fill("correct horse battery")
                page.get_by_role("button", name="Log in").click()
                page.get_by_role("link", name=re.compile(r"#1 · pl")).click()
                page.get_by_role("button", name="Assign to me").click()
                page.get_by_label("Canned answer").select_option("registration.bsn")
                expect(page.get_by_label("Reply to the user")).to_have_value(re.compile("BSN"))
                page.get_by_role("button", name="Send reply").click()
                deadline = time.monotonic() + 10
                while (
                    time.monotonic() < deadline
                    and "BSN" not in rec.named("sendMessage")[-1]["text"]
                ):
                    time.sleep(0.1)
                assert "BSN" in rec.named("sendMessage")[-1]["text"]
                page.reload()
                expect(page.locator(".delivery").last).to_have_text("sent")
                page.screenshot(path=str(tmp_path / "inbox.png"))
                browser.close()
