"""The web chat in a real headless Chromium (Debian's package, driven by Playwright)."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from bot.web.app import Deps, create_app
from tests.conftest import make_settings

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
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, log_level="error"))
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not srv.started:
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)
    sock.close()


def test_a_polish_user_onboards_and_gets_the_brp_answer(server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(locale="pl-PL")
        page.goto(f"{server}/chat")
        page.get_by_role("button", name="Polski").click()
        page.get_by_role("button", name="Holandia").click()
        page.locator(".buttons button").last.wait_for()
        page.locator("li.bot").last.locator(".buttons button").first.click()  # consent: yes
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
