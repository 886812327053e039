"""/delete with an open case: the bridge worker is told (staff group, inbox) before it is erased."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.inbox import add_note, add_staff, assign
from bot.storage.models import AuditLog, Case, CaseNote, InboundEvent, Message, Outbox
from tests.admin.conftest import PASSWORD, login_as
from tests.channels.conftest import build_harness, run
from tests.channels.test_journeys import Channel
from tests.channels.test_staff_group import GROUP, group_update

WORDS = "искам да говоря с човек, моля, за заплатата ми"


def test_delete_tells_the_assigned_worker_then_erases_the_case(tmp_path, engine):
    with build_harness(tmp_path, engine, TELEGRAM_STAFF_CHAT_ID=GROUP) as harness:
        with harness.app.state.service.sessions() as s:
            ivan = add_staff(
                s,
                username="ivan",
                name="Ivan",
                password=PASSWORD,
                role="worker",
                languages=["bg"],
                municipalities=[],
                now=harness.now,
            )
            ivan.telegram_id = "777"
            s.commit()

        async def scenario():
            async with harness.client() as c:
                user = Channel("telegram", harness, c)
                await user.onboard("bg")
                await user.say(WORDS)
                with harness.app.state.service.sessions() as s:
                    case = s.scalars(select(Case)).one()
                    staff = s.get(type(ivan), ivan.id)
                    assign(s, staff, case, harness.now)
                    add_note(s, staff, case, "called the employer", harness.now)
                    s.commit()
                    case_id = case.id
                posts = [
                    p for p in harness.telegram.named("sendMessage") if str(p["chat_id"]) == GROUP
                ]
                assert WORDS[:20] in posts[-1]["text"]  # the new-case post quotes the user
                with harness.app.state.service.sessions() as s:
                    post_id = int(
                        s.scalars(select(Outbox.provider_id).where(Outbox.case_id == case_id)).one()
                    )

                await user.say("/delete")
                await user.press("del:yes")

                told = [
                    p for p in harness.telegram.named("sendMessage") if str(p["chat_id"]) == GROUP
                ][-1]
                assert f"Case #{case_id}: the user deleted their data" in told["text"]
                # the post in the group no longer quotes them: edited in place, Claim gone
                edits = harness.telegram.named("editMessageText")
                assert [(str(e["chat_id"]), int(e["message_id"])) for e in edits] == [
                    (GROUP, post_id)
                ]
                assert edits[0]["text"] == f"Case #{case_id}: erased at the user's request."
                assert WORDS[:20] not in str(edits[0]) and "Claim" not in str(edits[0])
                with harness.app.state.service.sessions() as s:
                    assert s.scalar(select(func.count()).select_from(Case)) == 0
                    assert s.scalar(select(func.count()).select_from(CaseNote)) == 0
                    assert s.scalar(select(func.count()).select_from(Message)) == 0
                    audit = s.scalars(select(AuditLog).where(AuditLog.action == "case.erased"))
                    assert [a.target for a in audit] == [str(case_id)]
                    # no stored copy of their words: not in events, not in the group's posts
                    payloads = [str(e.payload) for e in s.scalars(select(InboundEvent))]
                    assert not any(WORDS[:20] in p for p in payloads)
                    assert not any(WORDS[:20] in t for t in s.scalars(select(Outbox.text)))

                # the worker sees it in the web inbox; the case page says what happened
                token = await login_as(c, "ivan")
                assert token
                listing = await c.get("/inbox")
                assert "Erased at the user" in listing.text and f"#{case_id} (" in listing.text
                page = await c.get(f"/inbox/case/{case_id}")
                assert page.status_code == 410 and "erased" in page.text

                # replying in the group to the old post sends nothing and says why
                await harness.telegram_update(
                    c, group_update(900010, 777, text="are you there?", reply_to=post_id)
                )
                await harness.flush()
                last = harness.telegram.named("sendMessage")[-1]
                assert "erased their data; nothing was sent" in last["text"]

        run(scenario(), harness)
