"""Database-outage drill with the spool: the database refuses every write (SQLite at a full
page cap) while the spool's disk has room. Telegram and Twilio webhooks answer 200 — Twilio
would not deliver a 503'd message again — and once the database is back every spooled event
is stored once (a redelivery included), processed in order, and every reply reaches its chat
once."""

from __future__ import annotations

import logging
import os
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.storage.models import InboundEvent
from tests.channels.conftest import Harness, run
from tests.drills.disk import Disk
from tests.drills.tally import count
from tests.fakes import load_payload

pytestmark = pytest.mark.drill

USERS = 5  # per channel
TEXTS = ("how do I get a BSN number", "gdzie mam sie zameldowac i co zabrac", "hello again")


def update(channel: str, user: int, n: int, text: str) -> tuple[str, Any]:
    if channel == "telegram":
        payload = load_payload(
            "telegram/message__text.json", update_id=910000 + n, id=840000 + user, text=text
        )
        return str(910000 + n), payload
    sid = f"SM{n:032d}"
    phone = f"+4074000{user:04d}"
    return sid, load_payload(
        "whatsapp/message__text.json",
        MessageSid=sid,
        SmsMessageSid=sid,
        SmsSid=sid,
        Body=text,
        From=f"whatsapp:{phone}",
        WaId=phone.removeprefix("+"),
    )


async def post(h: Harness, client: Any, channel: str, payload: Any) -> int:
    if channel == "telegram":
        return (await h.telegram_update(client, payload)).status_code
    return (await h.whatsapp(client, payload)).status_code


def test_webhooks_during_a_database_outage_are_spooled_answered_200_and_processed_once(
    harness, caplog
):
    h = harness
    caplog.set_level(logging.INFO)
    db = h.app.state.service.sessions.kw["bind"]
    disk = Disk(db)  # the database's disk only: the spool has room
    spool_dir = h.app.state.spool.directory
    sent_order: dict[tuple[str, int], list[str]] = {}
    acknowledged: list[tuple[str, str]] = []

    async def write(client: Any, text_index: int, n0: int) -> list[int]:
        statuses = []
        for user in range(USERS):
            for channel in ("telegram", "whatsapp"):
                n = n0 + 2 * user + (channel == "whatsapp")
                key, payload = update(channel, user, n, TEXTS[text_index])
                statuses.append(await post(h, client, channel, payload))
                acknowledged.append((channel, key))
                sent_order.setdefault((channel, user), []).append(key)
        return statuses

    async def drill() -> dict[str, Any]:
        async with h.client() as client:
            assert set(await write(client, 0, 0)) == {200}
            await h.flush()  # a normal start: everyone has been answered

            disk.fill()
            during = await write(client, 1, 100)
            _, again = update("telegram", 0, 100, TEXTS[1])  # our 200 got lost: delivered again
            during.append(await post(h, client, "telegram", again))
            stored_while_down = 0
            for _ in range(5):  # the background task's rounds while the database is down
                stored_while_down += h.app.state.service.drain_spool()
                h.now += timedelta(seconds=1)
            files_while_down = sorted(os.listdir(spool_dir))
            spooled = sum(len((spool_dir / f).read_bytes().splitlines()) for f in files_while_down)

            disk.free()
            after = await write(client, 2, 200)  # before the drain: spooled behind the others
            await h.flush()
            return {
                "statuses during": set(during),
                "statuses after": set(after),
                "stored while down": stored_while_down,
                "spooled while down": spooled,
                "spool files while down": files_while_down,
                "spool files after": os.listdir(spool_dir),
            }

    figures = run(drill(), h)
    tally = count(h.app.state.service.sessions, acknowledged, h.telegram, h.twilio)
    line = tally.line(
        "database outage with spool (SQLite)",
        {
            "webhooks spooled while down": figures["spooled while down"],
            "spool files": len(figures["spool files while down"]),
        },
    )
    print(line)
    assert figures["statuses during"] == {200} and figures["statuses after"] == {200}, figures
    assert figures["stored while down"] == 0
    assert figures["spooled while down"] > 0, figures  # a few fit in free pages first
    assert len(figures["spool files while down"]) == 1, figures  # one per process, not per round
    assert figures["spool files after"] == [], figures
    assert tally.inbound == 3 * 2 * USERS and tally.processed == tally.inbound, line
    assert tally.lost == 0 and tally.duplicated == 0 and not tally.out_of_order, line
    with h.app.state.service.sessions() as s:
        events = s.scalars(select(InboundEvent).order_by(InboundEvent.id)).all()
    assert len(events) == tally.inbound  # the redelivered update was not stored twice
    for (channel, user), keys in sent_order.items():  # each user's messages in sending order
        stored = [e.external_key for e in events if e.channel == channel]
        assert [k for k in stored if k in keys] == keys, (channel, user)
    for text in TEXTS[1:]:
        assert text not in caplog.text  # message text stays out of the logs
