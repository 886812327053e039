"""Provider outage drill: Telegram and Twilio fail for two minutes of simulated time (5xx, then
connection refused, then 429 with retry-after) while users keep writing. After recovery every
reply reaches its chat exactly once and in order."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.channels.conftest import Harness, run
from tests.drills.tally import count
from tests.fakes import Failure, load_payload

pytestmark = pytest.mark.drill

OUTAGE = 120  # seconds of simulated time
USERS = 10  # per channel; each writes twice during the outage
RETRY_AFTER = 3  # seconds, in Telegram's 429 answers
QUESTIONS = (
    "gdzie mam sie zameldowac i co zabrac",
    "how do I get a BSN number",
    "agentia imi ia 110 euro pe saptamana pt cazare e legal?",
    "моят работодател не ми плаща заплатата",
)


def phase(elapsed: float) -> str | None:
    if elapsed < 40:
        return "5xx"
    if elapsed < 80:
        return "refused"
    if elapsed < OUTAGE:
        return "429"
    return None


def telegram_failure(elapsed: float) -> Failure | None:
    if phase(elapsed) == "5xx":
        return 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}
    if phase(elapsed) == "429":
        return 429, {
            "ok": False,
            "error_code": 429,
            "description": f"Too Many Requests: retry after {RETRY_AFTER}",
            "parameters": {"retry_after": RETRY_AFTER},
        }
    return None


def twilio_failure(elapsed: float) -> Failure | None:
    if phase(elapsed) == "5xx":
        return 503, {"code": 20503, "message": "Service Unavailable", "status": 503}
    if phase(elapsed) == "429":
        return 429, {"code": 20429, "message": "Too Many Requests", "status": 429}
    return None


def schedule() -> dict[int, list[tuple[str, int, str]]]:
    """Second of the drill → (channel, user, text): everyone writes once before and once after
    the middle of the outage, so messages arrive in every phase."""
    plan: dict[int, list[tuple[str, int, str]]] = {}
    for user in range(USERS):
        for channel, offset in (("telegram", 0), ("whatsapp", 1)):
            for first, at in enumerate((6 * user + offset, 6 * user + offset + 60)):
                text = QUESTIONS[(user + first) % len(QUESTIONS)]
                plan.setdefault(at % OUTAGE, []).append((channel, user, text))
    return plan


async def write(h: Harness, client: Any, channel: str, user: int, text: str, n: int) -> tuple:
    if channel == "telegram":
        update = load_payload(
            "telegram/message__text.json", update_id=900000 + n, id=810000 + user, text=text
        )
        res = await h.telegram_update(client, update)
        key = ("telegram", str(900000 + n))
    else:
        sid = f"SM{n:032d}"
        phone = f"whatsapp:+4071000{user:04d}"
        form = load_payload(
            "whatsapp/message__text.json",
            MessageSid=sid,
            SmsMessageSid=sid,
            SmsSid=sid,
            Body=text,
            From=phone,
            WaId=phone.removeprefix("whatsapp:+"),
        )
        res = await h.whatsapp(client, form)
        key = ("whatsapp", sid)
    assert res.status_code == 200, res.text
    return key


def test_two_minutes_of_provider_outage_lose_and_duplicate_nothing(harness):
    h = harness
    start = h.now
    elapsed = lambda: (h.now - start).total_seconds()  # noqa: E731
    h.telegram.outage = lambda: telegram_failure(elapsed())
    h.twilio.outage = lambda: twilio_failure(elapsed())
    plan = schedule()
    acknowledged: list[tuple] = []

    async def drill() -> int:
        n = 0
        async with h.client() as client:
            for second in range(OUTAGE + 900):
                h.now = start + timedelta(seconds=second)
                if phase(second) == "refused" and h.servers["telegram"].running:
                    for server in h.servers.values():
                        server.stop()
                elif phase(second) != "refused" and not h.servers["telegram"].running:
                    for server in h.servers.values():
                        server.start()
                for channel, user, text in plan.get(second, []):
                    n += 1
                    acknowledged.append(await write(h, client, channel, user, text, n))
                await h.flush()
                if second >= OUTAGE and h.app.state.sender.backlog() == 0:
                    return second
        raise AssertionError("the backlog did not drain after the outage")

    drained = run(drill(), h)
    tally = count(h.app.state.service.sessions, acknowledged, h.telegram, h.twilio)
    failed_calls = len(h.telegram.calls) + len(h.twilio.calls) - tally.delivered
    line = tally.line(
        f"outage drill: {OUTAGE} s simulated",
        {"failed send attempts": failed_calls, "drained after": f"{drained} s"},
    )
    print(line)
    assert tally.inbound == 4 * USERS, line
    assert tally.processed == tally.inbound, line
    assert tally.expected >= tally.inbound, line
    assert tally.lost == 0 and tally.duplicated == 0 and not tally.out_of_order, line
    assert failed_calls > 0, "the outage must actually have refused sends"
    # the longest backoff after a two-minute outage stays far below giving up
    assert drained < OUTAGE + 300, line
