"""The sender keeps the bot-wide rate (Telegram allows ~30 messages/s per bot)."""

from __future__ import annotations

import time

from tests.channels.conftest import run
from tests.fakes import load_payload


def test_messages_to_different_chats_are_spaced_by_the_bot_wide_rate(harness):
    sender = harness.app.state.sender
    sender.per_second = 10  # at most one message every 0.1 s

    async def scenario() -> float:
        async with harness.client() as c:
            for n in range(3):
                update = load_payload(
                    "telegram/message__text.json", update_id=900 + n, text="/start"
                )
                update["message"]["chat"]["id"] = update["message"]["from"]["id"] = 4200 + n
                assert (await harness.telegram_update(c, update)).status_code == 200
            harness.app.state.service.process_pending(harness.now)
            start = time.monotonic()
            while await sender.run_once():
                pass
            return time.monotonic() - start

    elapsed = run(scenario(), harness)
    sent = harness.telegram.named("sendMessage")
    assert len(sent) == 6  # a greeting and the language menu for each of three people
    assert len({m["chat_id"] for m in sent}) == 3
    assert elapsed >= 0.5  # five gaps of at least 0.1 s
