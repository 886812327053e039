"""/admin/privacy: an admin finds, exports and erases a person's data by channel id; audited
under the pseudonym, never the phone number."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import func, select

from bot.storage.models import AuditLog, Case, Contact, Message
from tests.admin.conftest import login_as
from tests.channels.conftest import run
from tests.channels.test_journeys import LANGS, Channel

PHONE = "40712345678"  # the fake Twilio payload's sender: whatsapp:+40712345678
QUESTION = "gdzie mam sie zameldowac w gemeente"


async def a_whatsapp_user(h, c) -> str:
    """A Polish WhatsApp user who asked a question and reported danger (an urgent case)."""
    user = Channel("whatsapp", h, c)
    await user.onboard("pl")
    await user.say(QUESTION)
    await user.say(LANGS["pl"]["danger"])
    with h.app.state.service.sessions() as s:
        return s.scalars(select(Contact.pseudonym)).one()


def audits(h, action: str) -> list[str]:
    with h.app.state.service.sessions() as s:
        return list(s.scalars(select(AuditLog.target).where(AuditLog.action == action)))


def test_an_admin_finds_a_user_by_phone_number_and_sees_counts_not_words(admin_harness):
    h = admin_harness

    async def scenario():
        async with h.client() as c:
            who = await a_whatsapp_user(h, c)
            token = await login_as(c, "ada")
            assert (await c.get("/admin/privacy")).status_code == 200
            page = await c.post(
                "/admin/privacy/find",
                data={"csrf": token, "channel": "whatsapp", "id": "+40 712 345 678"},
            )
            assert page.status_code == 200, page.text
            assert who in page.text and "Export everything" in page.text
            assert "<td>1</td>" in page.text  # the case is listed; the words are not shown
            assert QUESTION not in page.text and LANGS["pl"]["danger"] not in page.text
            # the same person, typed as Twilio writes it
            again = await c.post(
                "/admin/privacy/find",
                data={"csrf": token, "channel": "whatsapp", "id": f"whatsapp:+{PHONE}"},
            )
            assert who in again.text
            assert audits(h, "privacy.find") == [who, who]

    run(scenario(), h)


def test_the_export_holds_the_users_messages_and_cases(admin_harness):
    h = admin_harness

    async def scenario():
        async with h.client() as c:
            who = await a_whatsapp_user(h, c)
            token = await login_as(c, "ada")
            res = await c.post(
                "/admin/privacy/export",
                data={"csrf": token, "channel": "whatsapp", "id": f"+{PHONE}"},
            )
            assert res.status_code == 200
            assert res.headers["content-type"].startswith("application/json")
            assert f'filename="brug-user-{who}.json"' in res.headers["content-disposition"]
            data = json.loads(res.text)
            assert data["profile"]["channel_id"] == f"whatsapp:+{PHONE}"
            assert data["profile"]["language"] == "pl"
            said = [m["text"] for m in data["messages"] if m["direction"] == "in"]
            assert QUESTION in said and LANGS["pl"]["danger"] in said
            assert any(m["author"] == "bot" for m in data["messages"])
            assert [c["priority"] for c in data["cases"]] == ["urgent"]
            assert audits(h, "privacy.export") == [who]

    run(scenario(), h)


def test_erase_asks_for_confirmation_then_removes_everything(admin_harness):
    h = admin_harness

    async def scenario():
        async with h.client() as c:
            who = await a_whatsapp_user(h, c)
            token = await login_as(c, "ada")
            form = {"csrf": token, "channel": "whatsapp", "id": f"+{PHONE}"}
            ask = await c.post("/admin/privacy/erase", data=form)
            assert ask.status_code == 200 and "Yes, erase all their data" in ask.text
            with h.app.state.service.sessions() as s:
                assert s.scalar(select(func.count()).select_from(Message)) > 0
            assert audits(h, "privacy.erase") == []
            done = await c.post("/admin/privacy/erase", data={**form, "confirm": "yes"})
            assert done.status_code == 303
            assert done.headers["location"] == f"/admin/privacy?erased={who}"
            with h.app.state.service.sessions() as s:
                assert s.scalar(select(func.count()).select_from(Contact)) == 0
                assert s.scalar(select(func.count()).select_from(Message)) == 0
                assert s.scalar(select(func.count()).select_from(Case)) == 0
            assert audits(h, "privacy.erase") == [who]
            assert audits(h, "case.erased") == ["1"]  # the urgent case's workers were told
            flash = await c.get(done.headers["location"])
            assert f"All data of user {who} was erased" in flash.text
            gone = await c.post("/admin/privacy/find", data=form)
            assert gone.status_code == 404 and "Nothing is stored" in gone.text

    run(scenario(), h)


@pytest.mark.parametrize("username", ["eddie", "wim"])
def test_editors_and_workers_are_refused(admin_harness, username):
    h = admin_harness

    async def scenario():
        async with h.client() as c:
            token = await login_as(c, username)
            assert (await c.get("/admin/privacy")).status_code == 403
            form = {"csrf": token, "channel": "telegram", "id": "555001"}
            for action in ("find", "export", "erase"):
                assert (await c.post(f"/admin/privacy/{action}", data=form)).status_code == 403
            assert audits(h, "privacy.find") == []

    run(scenario(), h)


def test_anonymous_visitors_are_sent_to_log_in(admin_harness):
    async def scenario():
        async with admin_harness.client() as c:
            res = await c.get("/admin/privacy")
            assert res.status_code == 303
            assert res.headers["location"] == "/inbox/login?next=/admin/privacy"
            post = await c.post("/admin/privacy/export", data={"channel": "web", "id": "x" * 10})
            assert post.status_code == 403

    run(scenario(), admin_harness)


def test_a_form_without_the_csrf_token_is_refused(admin_harness):
    h = admin_harness

    async def scenario():
        async with h.client() as c:
            await a_whatsapp_user(h, c)
            await login_as(c, "ada")
            form = {"csrf": "forged", "channel": "whatsapp", "id": f"+{PHONE}", "confirm": "yes"}
            for action in ("find", "export", "erase"):
                assert (await c.post(f"/admin/privacy/{action}", data=form)).status_code == 403
            with h.app.state.service.sessions() as s:
                assert s.scalar(select(func.count()).select_from(Contact)) == 1
            assert audits(h, "privacy.find") == audits(h, "privacy.export") == []

    run(scenario(), h)


def test_a_malformed_id_is_a_clear_400(admin_harness):
    async def scenario():
        async with admin_harness.client() as c:
            token = await login_as(c, "ada")
            for channel, raw in (("whatsapp", "call me"), ("telegram", "abc"), ("fax", "1")):
                res = await c.post(
                    "/admin/privacy/find", data={"csrf": token, "channel": channel, "id": raw}
                )
                assert res.status_code == 400, (channel, raw)
                assert 'role="alert"' in res.text

    run(scenario(), admin_harness)


def test_the_phone_number_reaches_neither_the_audit_log_nor_the_logs(admin_harness, caplog):
    h = admin_harness
    caplog.set_level(logging.INFO)

    async def scenario():
        async with h.client() as c:
            await a_whatsapp_user(h, c)
            token = await login_as(c, "ada")
            form = {"csrf": token, "channel": "whatsapp", "id": f"+{PHONE}"}
            await c.post("/admin/privacy/find", data=form)
            await c.post("/admin/privacy/export", data=form)
            res = await c.post("/admin/privacy/erase", data={**form, "confirm": "yes"})
            assert res.status_code == 303

    run(scenario(), h)
    with h.app.state.service.sessions() as s:
        targets = list(s.scalars(select(AuditLog.target)))
    assert len(targets) >= 3 and not any(PHONE in t for t in targets)
    assert "erased" in caplog.text  # the erasure is logged, by pseudonym
    assert PHONE not in caplog.text
