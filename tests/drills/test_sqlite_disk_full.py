"""Disk-full drill on SQLite: ``PRAGMA max_page_count`` caps the service's database at its
current size, so writes fail with SQLITE_FULL as on a full disk, and the spool folder on the
same disk cannot be written either. Webhooks answer 503 (Telegram delivers again), the sender
never forgets a message it sent but could not record, and once there is space again
everything flows: nothing lost, nothing twice. (With room left for the spool, webhooks
answer 200: ``test_database_outage_spool.py``.)"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.storage.db import UNAVAILABLE
from bot.storage.models import Outbox
from tests.channels.conftest import Harness, run
from tests.drills.disk import Disk
from tests.drills.tally import count
from tests.fakes import load_payload

pytestmark = pytest.mark.drill

USERS = 6  # per channel
QUESTIONS = ("how do I get a BSN number", "gdzie mam sie zameldowac i co zabrac")


class Users:
    """Telegram and WhatsApp users; ``rejected`` holds what the platforms must deliver again."""

    def __init__(self, h: Harness, client: Any) -> None:
        self.h, self.client, self.n = h, client, 0
        self.acknowledged: list[tuple[str, str]] = []
        self.rejected: list[tuple[str, Any]] = []
        self.statuses: list[int] = []

    async def write_all(self, text_index: int) -> None:
        for user in range(USERS):
            for channel in ("telegram", "whatsapp"):
                self.n += 1
                await self.deliver(channel, self.update(channel, user, text_index))

    def update(self, channel: str, user: int, text_index: int) -> Any:
        text = QUESTIONS[(user + text_index) % len(QUESTIONS)]
        if channel == "telegram":
            return load_payload(
                "telegram/message__text.json",
                update_id=700000 + self.n,
                id=820000 + user,
                text=text,
            )
        sid = f"SM{self.n:032d}"
        phone = f"whatsapp:+4072000{user:04d}"
        return load_payload(
            "whatsapp/message__text.json",
            MessageSid=sid,
            SmsMessageSid=sid,
            SmsSid=sid,
            Body=text,
            From=phone,
            WaId=phone.removeprefix("whatsapp:+"),
        )

    async def deliver(self, channel: str, update: Any) -> None:
        if channel == "telegram":
            res = await self.h.telegram_update(self.client, update)
            key = str(update["update_id"])
        else:
            res = await self.h.whatsapp(self.client, update)
            key = update["MessageSid"]
        self.statuses.append(res.status_code)
        assert res.status_code in (200, 503), (res.status_code, res.text)
        if res.status_code == 200:
            self.acknowledged.append((channel, key))
        else:
            self.rejected.append((channel, update))

    async def redeliver(self) -> None:
        rejected, self.rejected = self.rejected, []
        for channel, update in rejected:
            await self.deliver(channel, update)


async def background_round(h: Harness) -> int:
    """One round of the processor and the sender, as the app's loops run them: a storage
    error ends the round, and the next round tries again. Returns the errors seen."""
    errors = 0
    try:
        h.app.state.service.process_pending(h.now)
    except UNAVAILABLE:
        errors += 1
    try:
        await h.app.state.sender.run_once()
    except UNAVAILABLE:
        errors += 1
    return errors


def recorded_sent(h: Harness) -> int:
    with h.app.state.service.sessions() as s:
        return s.scalar(select(func.count()).where(Outbox.status == "sent")) or 0


def test_a_full_disk_loses_and_duplicates_nothing(harness):
    h = harness
    db = h.app.state.service.sessions.kw["bind"]
    disk = Disk(db, spool=h.app.state.spool.directory)

    async def drill() -> tuple[list[tuple[str, str]], dict[str, int]]:
        async with h.client() as client:
            users = Users(h, client)
            await users.write_all(0)
            await h.flush()  # a normal start: everyone has had their replies
            await users.write_all(1)
            h.app.state.service.process_pending(h.now)  # replies queued, not sent yet
            queued = h.app.state.sender.backlog()
            sent_before = len(h.telegram.delivered) + len(h.twilio.delivered)
            recorded_before = recorded_sent(h)

            disk.fill()
            errors = 0
            for _ in range(5):
                errors += await background_round(h)
                h.now += timedelta(seconds=30)  # past the 60 s lease: a retry would resend
            await users.write_all(0)
            await users.write_all(1)
            for _ in range(3):
                errors += await background_round(h)
            sent_while_full = len(h.telegram.delivered) + len(h.twilio.delivered) - sent_before
            recorded_while_full = recorded_sent(h) - recorded_before
            rejected = len(users.rejected)

            disk.free()
            h.now += timedelta(seconds=5)
            await users.redeliver()
            assert not users.rejected
            await h.flush()
            assert h.app.state.sender.backlog() == 0
            return users.acknowledged, {
                "queued at fill": queued,
                "webhooks answered 503": rejected,
                "storage errors in the loops": errors,
                "sent while full": sent_while_full,
                "recorded while full": recorded_while_full,
            }

    acknowledged, figures = run(drill(), h)
    tally = count(h.app.state.service.sessions, acknowledged, h.telegram, h.twilio)
    line = tally.line("disk-full drill (SQLite)", figures)
    print(line)
    assert tally.inbound == 4 * 2 * USERS and tally.processed == tally.inbound, line
    assert figures["webhooks answered 503"] > 0, line
    assert figures["storage errors in the loops"] > 0, line
    assert tally.lost == 0 and tally.duplicated == 0 and not tally.out_of_order, line
