"""A reply the provider refuses for a while is retried until it is BRUG_SEND_GIVE_UP_HOURS old:
hours of provider outage end in delivery, not in a failed reply."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from bot.outbox import BACKOFF_CAP, backoff
from bot.storage.models import Outbox
from tests.channels.conftest import Harness, build_harness, run
from tests.fakes import load_payload

BAD_GATEWAY = (502, {"ok": False, "error_code": 502, "description": "Bad Gateway"})


def start(update_id: int, chat: int = 777001) -> dict:
    update = load_payload("telegram/message__text.json", update_id=update_id, text="/start")
    update["message"]["chat"]["id"] = update["message"]["from"]["id"] = chat
    return update


def outbox(h: Harness) -> list[Outbox]:
    with h.app.state.service.sessions() as s:
        return list(s.scalars(select(Outbox).order_by(Outbox.id)).all())


def next_try(h: Harness) -> datetime:
    """When the chat's oldest unsent reply is due again."""
    row = next(r for r in outbox(h) if r.status == "queued")
    due = row.next_attempt_at
    return due if due.tzinfo else due.replace(tzinfo=h.now.tzinfo)


def test_the_wait_between_tries_doubles_from_five_seconds_up_to_ten_minutes():
    waits = [backoff(n).total_seconds() for n in range(1, 12)]
    assert waits[:5] == [5, 10, 20, 40, 80]
    assert max(waits) == BACKOFF_CAP.total_seconds() == 600
    assert backoff(10_000) == BACKOFF_CAP  # no overflow after days of tries


def test_a_reply_refused_for_a_whole_day_is_delivered_when_the_provider_is_back(harness):
    h = harness
    began = h.now
    h.telegram.outage = lambda: BAD_GATEWAY

    async def scenario() -> list[float]:
        gaps = []
        async with h.client() as c:
            assert (await h.telegram_update(c, start(1))).status_code == 200
            await h.flush()
            while h.now - began < timedelta(hours=24):
                due = next_try(h)
                gaps.append((due - h.now).total_seconds())
                h.now = due
                await h.flush()
            h.telegram.outage = None
            h.now = next_try(h)
            await h.flush()
        return gaps

    gaps = run(scenario(), h)
    rows = outbox(h)
    assert [r.status for r in rows] == ["sent", "sent"], [(r.status, r.error) for r in rows]
    assert max(gaps) == 600  # never more than ten minutes between two tries
    assert 130 < rows[0].attempts < 160  # 24 h at most 10 min apart, after the first doublings
    assert len(h.telegram.delivered) == 2  # each reply once


def test_replies_still_refused_at_the_give_up_age_fail_saying_so_and_younger_ones_go_out(
    tmp_path, engine
):
    with build_harness(tmp_path, engine, BRUG_SEND_GIVE_UP_HOURS="2") as h:
        began = h.now
        deadline = began + timedelta(hours=2)
        h.telegram.outage = lambda: BAD_GATEWAY if h.now <= deadline else None

        async def scenario() -> list[datetime]:
            tries = []
            async with h.client() as c:
                assert (await h.telegram_update(c, start(1))).status_code == 200
                await h.flush()
                while outbox(h)[0].status == "queued":
                    h.now = next_try(h)
                    tries.append(h.now)
                    if len(outbox(h)) == 2 and h.now - began > timedelta(hours=1):
                        await h.telegram_update(c, start(2))  # the user writes again
                    await h.flush()
                h.now = next_try(h)  # the provider is back
                await h.flush()
            return tries

        tries = run(scenario(), h)
        rows = outbox(h)

    old, young = rows[:2], rows[2:]
    assert [r.status for r in old] == ["failed", "failed"]
    for row in old:
        assert row.error.startswith("gave up after 2 h of retries: network: "), row.error
    assert tries[-1] == deadline  # the last try falls on the deadline, not after it
    assert tries[-2] < deadline
    assert young and {r.status for r in young} == {"sent"}  # in order: they waited behind


def test_a_permanent_error_fails_a_young_reply_at_once(harness):
    h = harness
    h.telegram.fail_next(
        400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
    )

    async def scenario() -> None:
        async with h.client() as c:
            await h.telegram_update(c, start(1))
            await h.flush()

    run(scenario(), h)
    first = outbox(h)[0]
    assert (first.status, first.attempts) == ("failed", 1)
    assert first.error.startswith("400: ") and "gave up" not in first.error


def test_a_rate_limit_waits_as_asked_even_past_the_give_up_age(tmp_path, engine):
    with build_harness(tmp_path, engine, BRUG_SEND_GIVE_UP_HOURS="1") as h:
        h.telegram.fail_next(
            429,
            {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 30",
                "parameters": {"retry_after": 30},
            },
            times=2,
        )

        async def scenario() -> None:
            async with h.client() as c:
                await h.telegram_update(c, start(1))
                await h.flush()
                h.now += timedelta(hours=2)  # limited again, now past the give-up age
                await h.flush()
                assert outbox(h)[0].status == "queued"  # a rate limit never gives a reply up
                h.now += timedelta(seconds=30)
                await h.flush()

        run(scenario(), h)
        assert [r.status for r in outbox(h)] == ["sent", "sent"]
