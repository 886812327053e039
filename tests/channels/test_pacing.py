"""The sender keeps the bot-wide rate (Telegram allows ~30 messages/s per bot): BRUG_SEND_RATE
is shared by the BRUG_SENDERS sending processes, each pacing at its share."""

from __future__ import annotations

import time

from tests.channels.conftest import build_harness, run
from tests.fakes import load_payload


def test_each_of_two_senders_sends_at_half_the_bot_wide_rate(tmp_path, engine):
    # 20 messages/s for the bot, two sending processes: one message every 0.1 s from this one
    with build_harness(tmp_path, engine, BRUG_SEND_RATE="20", BRUG_SENDERS="2") as harness:
        sender = harness.app.state.sender

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
    assert elapsed >= 0.5  # five gaps of at least 0.1 s (at 20/s they would be 0.05 s)
