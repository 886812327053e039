"""Webhooks arriving together are stored together (group commit): one insert and one commit
carry many events, each webhook answers only once its event is stored, and a redelivery in
the same batch is still answered once."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from bot.storage.models import InboundEvent
from tests.channels.conftest import build_harness, run
from tests.fakes import load_payload


def update(n: int, text: str = "hello") -> dict:
    return load_payload(
        "telegram/message__text.json",
        update_id=700000 + n,
        chat={"id": 800000 + n, "first_name": "A", "type": "private"},
        text=text,
    )


@pytest.mark.parametrize("db", ["sqlite", "postgres"])
def test_a_burst_of_webhooks_is_stored_in_a_few_commits_each_event_once(
    tmp_path, engine, request, db
):
    extra = {"DATABASE_URL": request.getfixturevalue("postgres_url")} if db == "postgres" else {}
    with build_harness(tmp_path, engine, **extra) as harness:
        ingestor = harness.app.state.ingestor

        async def scenario():
            async with harness.client() as c:
                burst = [update(n) for n in range(60)] + [update(7), update(30)]  # 2 redelivered
                answers = await asyncio.gather(*(harness.telegram_update(c, u) for u in burst))
                await harness.flush()
                return answers

        answers = run(scenario(), harness)
        assert [a.status_code for a in answers] == [200] * 62
        with harness.app.state.service.sessions() as s:
            assert s.scalar(select(func.count()).select_from(InboundEvent)) == 60
        assert ingestor.events == 62
        assert ingestor.batches < 62  # several events shared a commit
        replies = {str(p["chat_id"]) for p in harness.telegram.named("sendMessage")}
        assert replies == {str(800000 + n) for n in range(60)}  # everyone answered
        per_chat = [str(p["chat_id"]) for p in harness.telegram.named("sendMessage")]
        assert per_chat.count("800007") == per_chat.count("800008")  # the redelivery: no extra
