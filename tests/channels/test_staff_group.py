"""Bridge workers on the move: new cases in the staff Telegram group, claim, reply by replying."""

from __future__ import annotations

from sqlalchemy import select

from bot.inbox import add_staff
from bot.storage.models import Case, Message
from tests.channels.conftest import build_harness, run
from tests.channels.test_journeys import Channel

GROUP = "-1001234567"


def group_update(
    uid: int, from_id: int, *, data: str | None = None, text: str = "", reply_to: int | None = None
) -> dict:
    sender = {"id": from_id, "is_bot": False, "first_name": "Staff"}
    chat = {"id": int(GROUP), "title": "Brug workers", "type": "supergroup"}
    if data is not None:
        return {
            "update_id": uid,
            "callback_query": {
                "id": f"cb{uid}",
                "from": sender,
                "chat_instance": "1",
                "data": data,
                "message": {"message_id": 1, "date": 0, "chat": chat, "text": "New case"},
            },
        }
    message: dict = {
        "message_id": 5000 + uid,
        "date": 0,
        "chat": chat,
        "from": sender,
        "text": text,
    }
    if reply_to is not None:
        message["reply_to_message"] = {
            "message_id": reply_to,
            "date": 0,
            "chat": chat,
            "text": "New case",
        }
    return {"update_id": uid, "message": message}


def test_a_worker_claims_in_the_group_and_answers_by_replying(tmp_path, engine):
    with build_harness(tmp_path, engine, TELEGRAM_STAFF_CHAT_ID=GROUP) as harness:
        with harness.app.state.service.sessions() as s:
            staff = add_staff(
                s,
                username="ivan",
                name="Ivan",
                password="correct horse battery",
                role="worker",
                languages=["bg"],
                municipalities=[],
                now=harness.now,
            )
            staff.telegram_id = "777"
            s.commit()

        async def scenario():
            async with harness.client() as c:
                user = Channel("telegram", harness, c)
                await user.onboard("bg")
                await user.say("искам да говоря с човек, моля")
                post = next(
                    p for p in harness.telegram.named("sendMessage") if str(p["chat_id"]) == GROUP
                )
                assert "New case #1" in post["text"] and "bg" in post["text"]
                assert post["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "claim:1"
                # someone in the group who is not registered staff cannot act
                await harness.telegram_update(c, group_update(900001, 999, data="claim:1"))
                await harness.flush()
                with harness.app.state.service.sessions() as s:
                    assert s.get(Case, 1).assignee_id is None
                await harness.telegram_update(c, group_update(900002, 777, data="claim:1"))
                await harness.flush()
                assert "claimed by Ivan" in harness.telegram.named("sendMessage")[-1]["text"]
                with harness.app.state.service.sessions() as s:
                    from bot.storage.models import Outbox

                    bot_msg_id = int(
                        s.scalars(select(Outbox.provider_id).where(Outbox.case_id == 1)).one()
                    )
                await harness.telegram_update(
                    c, group_update(900003, 777, text="Здравей, аз съм Иван.", reply_to=bot_msg_id)
                )
                await harness.flush()
                to_user = [
                    p
                    for p in harness.telegram.named("sendMessage")
                    if str(p["chat_id"]) == "555001"
                ]
                assert to_user[-1]["text"] == "Здравей, аз съм Иван."
            with harness.app.state.service.sessions() as s:
                case = s.get(Case, 1)
                assert case.assignee_id is not None and case.status == "waiting"
                texts = [
                    m.text
                    for m in s.scalars(select(Message).where(Message.author == "worker")).all()
                ]
                assert texts == [
                    "Здравей, аз съм Иван."
                ]  # recorded in the case as in the web inbox

        run(scenario(), harness)
