"""The bridge-worker inbox: personas, CSRF, lockout, a reply reaching the user on Telegram."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
from sqlalchemy import select

from bot.inbox import add_staff
from bot.storage.models import AuditLog, Case, QuestionLog
from tests.channels.conftest import run
from tests.channels.test_journeys import Channel

PASSWORD = "correct horse battery"


def make_staff(harness) -> None:
    with harness.app.state.service.sessions() as s:
        add_staff(
            s,
            username="krystyna",
            name="Krystyna",
            password=PASSWORD,
            role="worker",
            languages=["pl", "nl"],
            municipalities=["den-haag"],
            now=harness.now,
        )
        add_staff(
            s,
            username="pieter",
            name="Pieter",
            password=PASSWORD,
            role="worker",
            languages=["nl"],
            municipalities=[],
            now=harness.now,
        )
        s.commit()


def csrf(page: httpx.Response) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert match, page.text[:500]
    return match.group(1)


async def login(
    client: httpx.AsyncClient, username: str, password: str = PASSWORD
) -> httpx.Response:
    token = csrf(await client.get("/inbox/login"))
    return await client.post(
        "/inbox/login", data={"csrf": token, "username": username, "password": password}
    )


def test_krystyna_sees_the_urgent_case_assigns_it_and_her_reply_reaches_telegram(harness):
    async def scenario():
        make_staff(harness)
        async with harness.client() as user_http, harness.client() as staff:
            user = Channel("telegram", harness, user_http)
            await user.onboard("pl")
            await user.say("szef zabral mi paszport i mowi ze nie oddam dopoki nie splace dlugu")
            await user.say("<script>alert(1)</script> prosze pomoc")
            assert (await login(staff, "krystyna")).status_code == 303
            listing = await staff.get("/inbox")
            assert "#1" in listing.text and "urgent" in listing.text
            page = await staff.get("/inbox/case/1")
            assert (
                "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
                and "<script>alert(1)" not in page.text
            )
            assert "contracts.exploitation" in page.text  # the bot's guesses are shown
            token = csrf(page)
            assert (
                await staff.post("/inbox/case/1/assign", data={"csrf": token})
            ).status_code == 303
            res = await staff.post(
                "/inbox/case/1/reply", data={"csrf": token, "text": "Dzień dobry, tu Krystyna."}
            )
            assert res.status_code == 303
            await harness.flush()
            assert harness.telegram.named("sendMessage")[-1]["text"] == "Dzień dobry, tu Krystyna."
            page = await staff.get("/inbox/case/1")
            assert "Dzień dobry, tu Krystyna." in page.text and ">sent<" in page.text
            message_id = re.findall(r'name="message" value="(\d+)"', page.text)[-1]
            res = await staff.post(
                "/inbox/case/1/suggest", data={"csrf": token, "message": message_id}
            )
            assert res.status_code == 303
        with harness.app.state.service.sessions() as s:
            case = s.scalars(select(Case)).one()
            assert case.status == "waiting" and case.first_reply_at is not None
            actions = [a.action for a in s.scalars(select(AuditLog).order_by(AuditLog.id)).all()]
            assert {"login", "case.view", "case.assign", "case.reply", "case.suggest"} <= set(
                actions
            )
            suggestion = s.scalars(
                select(QuestionLog).where(QuestionLog.status == "suggested")
            ).one()
            assert "prosze pomoc" in suggestion.text and suggestion.contact_id is None

    run(scenario(), harness)


def test_without_a_login_nothing_is_shown_or_changed(harness):
    async def scenario():
        async with harness.client() as anon:
            res = await anon.get("/inbox")
            assert res.status_code == 303 and res.headers["location"] == "/inbox/login"
            assert (await anon.get("/inbox/case/1")).status_code == 303
            token = csrf(await anon.get("/inbox/login"))
            res = await anon.post("/inbox/case/1/reply", data={"csrf": token, "text": "hi"})
            assert res.status_code == 403

    run(scenario(), harness)


def test_a_post_without_the_csrf_token_is_refused(harness):
    async def scenario():
        make_staff(harness)
        async with harness.client() as staff:
            await login(staff, "pieter")
            res = await staff.post("/inbox/case/1/note", data={"text": "forged"})
            assert res.status_code == 403
            res = await staff.post("/inbox/case/1/note", data={"csrf": "guess", "text": "forged"})
            assert res.status_code == 403
            res = await staff.post(
                "/inbox/login", data={"username": "pieter", "password": PASSWORD}
            )
            assert res.status_code == 403

    run(scenario(), harness)


def test_five_wrong_passwords_lock_the_account_for_a_while(harness):
    async def scenario():
        make_staff(harness)
        async with harness.client() as staff:
            for _ in range(5):
                assert (await login(staff, "pieter", "wrong password!")).status_code == 401
            assert (
                await login(staff, "pieter")
            ).status_code == 401  # locked, even with the right one
            harness.now += timedelta(minutes=16)
            assert (await login(staff, "pieter")).status_code == 303
            assert (await login(staff, "nobody")).status_code == 401

    run(scenario(), harness)
