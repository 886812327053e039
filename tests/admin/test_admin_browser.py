"""Admin flows in a real headless Chromium (Debian's package, driven by Playwright)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.inbox import add_staff
from bot.storage import kb_repo
from bot.storage.models import QuestionLog
from bot.web.app import Deps, create_app
from tests.admin.conftest import PASSWORD, PERSONAS
from tests.conftest import KNOWLEDGE, ROOT, make_settings
from tests.fakes import serve
from tests.web.test_browser import ARGS, CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None, reason="Chromium is not installed (make system-deps installs it)"
    ),
]
COLD = "am raceala si tuse, unde merg"


@pytest.fixture
def server(tmp_path: Path, engine, shipped_kb) -> Iterator[str]:
    settings = make_settings(tmp_path, BRUG_RUN_WORKER="false")
    app = create_app(settings, Deps(engine=engine))
    now = datetime.now(UTC)
    with app.state.service.sessions() as s:
        kb_repo.replace_all(s, shipped_kb, author="import", now=now)
        for username, (role, languages) in PERSONAS.items():
            add_staff(
                s,
                username=username,
                name=username.capitalize(),
                password=PASSWORD,
                role=role,
                languages=languages,
                municipalities=[],
                now=now,
            )
        s.add(
            QuestionLog(
                text=COLD,
                lang="ro",
                country="NL",
                action="fallback",
                candidates=[],
                status="open",
                created_at=now,
            )
        )
        s.commit()
    app.state.live.revision = app.state.live._read_revision()
    with serve(app) as url:
        yield url


def log_in(page, server: str, username: str) -> None:
    page.goto(f"{server}/admin")  # → the login page, then back here
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{server}/admin")


def test_an_admin_edits_a_polish_answer_sees_the_preview_saves_and_reverts(server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        log_in(page, server, "ada")
        page.locator("a[href='/admin/entry/registration.brp?lang=pl']").click()
        answer = page.locator("#answer")
        old = answer.input_value()
        answer.fill("1. Idź do *gemeente* z paszportem.\n2. Po wpisie do BRP dostaniesz BSN.")
        preview = page.locator("#tg-preview")
        expect(preview.locator("strong", has_text="gemeente")).to_be_visible()
        expect(page.locator("#wa-count")).to_contain_text("/ 1600")
        page.get_by_label("What you changed").fill("krócej")
        page.get_by_role("button", name="Save").click()
        expect(page.locator(".flash")).to_contain_text("Saved")
        expect(page.locator("#answer")).to_have_value(
            "1. Idź do *gemeente* z paszportem.\n2. Po wpisie do BRP dostaniesz BSN."
        )
        page.get_by_role("link", name="history").click()
        expect(page.locator(".version").first).to_contain_text("krócej")
        page.get_by_role("button", name="Revert to version 1").click()
        expect(page.locator(".flash")).to_contain_text("Reverted to version 1")
        page.goto(f"{server}/admin/entry/registration.brp?lang=pl")
        expect(page.locator("#answer")).to_have_value(old)
        page.screenshot(path=str(tmp_path / "editor.png"), full_page=True)
        browser.close()


def test_an_editor_adds_a_romanian_question_as_a_phrasing_and_brug_ask_answers_it(server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    assert brug_ask(tmp_path, COLD)["action"] == "fallback"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        log_in(page, server, "eddie")
        page.get_by_role("link", name="Unanswered").click()
        group = page.locator("section.group", has_text=COLD)
        group.get_by_label("Entry").fill("health.gp")
        group.get_by_role("button", name="Add as phrasings").click()
        expect(page.locator(".flash")).to_contain_text("Added 1 phrasing(s) to health.gp")
        expect(page.get_by_text(COLD)).to_have_count(0)
        browser.close()
    result = brug_ask(tmp_path, COLD)
    assert (result["action"], result["entry"]) == ("answer", "health.gp")


def brug_ask(tmp_path: Path, text: str) -> dict:
    """`brug ask` on the server's database, as an outside check would run it."""
    env = {
        **os.environ,
        "BRUG_DATA_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path}/brug.db",
        "BRUG_KNOWLEDGE_DIR": str(KNOWLEDGE),
    }
    proc = subprocess.run(
        [sys.executable, "-m", "bot.cli", "ask", "--json", "--lang", "ro", "--country", "NL", text],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return dict(json.loads(proc.stdout))
