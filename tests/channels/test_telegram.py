"""Telegram end to end: signed webhook → stored → processed → sent to a local fake Bot API."""

from datetime import timedelta

from sqlalchemy import func, select

from bot.storage.models import Contact, InboundEvent, Outbox
from tests.channels.conftest import run
from tests.fakes import load_payload

CHAT = 555001


def update(uid: int, text: str | None = None, data: str | None = None) -> dict:
    if data is not None:
        return load_payload("telegram/callback_query__button.json", update_id=uid, data=data)
    return load_payload("telegram/message__text.json", update_id=uid, text=text)


def test_ania_onboards_from_the_poster_and_gets_the_brp_answer_with_den_haag(harness):
    async def scenario():
        async with harness.client() as c:
            assert (
                await harness.telegram_update(
                    c, load_payload("telegram/message__start_deeplink.json")
                )
            ).status_code == 200
            await harness.flush()
            first = harness.telegram.named("sendMessage")
            assert first[-1]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "lang:pl"
            pressed = await harness.telegram_update(c, update(2, data="lang:pl"))
            assert pressed.json() == {
                "method": "answerCallbackQuery",
                "callback_query_id": "4382bfdwdsb323b2d9",
            }
            await harness.flush()
            # Den Haag preset the country: the privacy notice comes next, in Polish
            notice = harness.telegram.named("sendMessage")[-1]
            assert "/delete" in notice["text"] and "consent:yes" in str(notice["reply_markup"])
            await harness.telegram_update(c, update(3, data="consent:yes"))
            await harness.telegram_update(
                c, update(4, text="gdzie mam sie zameldowac w gemeente i co zabrac")
            )
            await harness.flush()
        answer = harness.telegram.named("sendMessage")[-1]
        assert "Den Haag" in answer["text"]
        assert int(answer["chat_id"]) == CHAT
        payloads = [
            b["callback_data"] for row in answer["reply_markup"]["inline_keyboard"] for b in row
        ]
        assert "e:registration.bsn" in payloads and "human" in payloads

    run(scenario(), harness)


def test_a_redelivered_update_is_answered_once(harness):
    async def scenario():
        async with harness.client() as c:
            for _ in range(3):
                assert (
                    await harness.telegram_update(c, update(7, text="/start"))
                ).status_code == 200
            await harness.flush()
        assert len(harness.telegram.named("sendMessage")) == 2  # greeting + language menu, once

    run(scenario(), harness)


def test_a_forged_secret_is_refused_and_nothing_is_stored(harness):
    async def scenario():
        async with harness.client() as c:
            res = await harness.telegram_update(c, update(8, text="/start"), secret="wrong")
            assert res.status_code == 403
            res = await c.post("/telegram/webhook", json=update(9, text="/start"))
            assert res.status_code == 403
        with harness.app.state.service.sessions() as s:
            assert s.scalar(select(func.count()).select_from(InboundEvent)) == 0

    run(scenario(), harness)


def test_malformed_and_unknown_updates_are_4xx_or_ignored(harness):
    async def scenario():
        async with harness.client() as c:
            headers = {"X-Telegram-Bot-Api-Secret-Token": "test-secret_123"}
            assert (
                await c.post("/telegram/webhook", content=b"{oops", headers=headers)
            ).status_code == 400
            assert (
                await c.post("/telegram/webhook", json=[1, 2], headers=headers)
            ).status_code == 400
            assert (
                await c.post(
                    "/telegram/webhook",
                    json={"update_id": 5, "message": {"chat": 3}},
                    headers=headers,
                )
            ).status_code == 400
            blocked = load_payload("telegram/my_chat_member__blocked.json")
            res = await harness.telegram_update(c, blocked)
            assert res.status_code == 200 and res.json()["ignored"]
            big = {"update_id": 6, "message": {"text": "x" * 1_100_000}}
            assert (await harness.telegram_update(c, big)).status_code == 413

    run(scenario(), harness)


def test_flood_limit_and_server_errors_are_retried_and_nothing_is_lost(harness):
    async def scenario():
        harness.telegram.fail_next(
            429,
            {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests",
                "parameters": {"retry_after": 7},
            },
        )
        harness.telegram.fail_next(500, {"ok": False, "error_code": 500, "description": "Internal"})
        async with harness.client() as c:
            await harness.telegram_update(c, update(11, text="/start"))
            await harness.flush()
            with harness.app.state.service.sessions() as s:
                rows = s.scalars(select(Outbox).order_by(Outbox.id)).all()
                assert rows[0].status == "queued" and "429" in rows[0].error
            harness.now += timedelta(seconds=8)
            await harness.flush()
            harness.now += timedelta(minutes=5)
            await harness.flush()
        with harness.app.state.service.sessions() as s:
            statuses = [r.status for r in s.scalars(select(Outbox)).all()]
        assert statuses == ["sent", "sent"]
        assert len(harness.telegram.named("sendMessage")) == 4  # 2 failed attempts + 2 deliveries

    run(scenario(), harness)


def test_a_user_who_blocked_the_bot_is_marked_unreachable(harness):
    async def scenario():
        harness.telegram.fail_next(
            403,
            {
                "ok": False,
                "error_code": 403,
                "description": "Forbidden: bot was blocked by the user",
            },
            times=1,
        )
        async with harness.client() as c:
            await harness.telegram_update(c, update(12, text="/start"))
            await harness.flush()
        with harness.app.state.service.sessions() as s:
            contact = s.scalars(select(Contact)).one()
            assert contact.unreachable
            assert {r.status for r in s.scalars(select(Outbox)).all()} == {"failed"}

    run(scenario(), harness)


def test_a_bot_api_that_does_not_answer_in_time_is_a_retryable_error():
    import asyncio

    import pytest

    from bot.errors import ChannelError
    from bot.messages import Outbound
    from handlers.telegram.transport import TelegramTransport, make_bot
    from tests.fakes import Recorder, fake_telegram_app, serve

    rec = Recorder(delay=2.0)
    with serve(fake_telegram_app(rec)) as url:
        transport = TelegramTransport(make_bot("123:TIMEOUT", f"{url}/bot", timeout=0.5))

        async def scenario() -> None:
            try:
                with pytest.raises(ChannelError) as err:
                    await transport.send(Outbound(1, "telegram", "555", "hello", (), "en"))
                assert not err.value.permanent and err.value.code == "network"
            finally:
                await transport.aclose()

        asyncio.run(scenario())
