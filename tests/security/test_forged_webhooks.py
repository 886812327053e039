"""Forged webhooks: a wrong Telegram secret, a missing or wrong Twilio signature, a signature
for another URL, a valid request replayed with another body — each refused with 403, and
nothing is stored."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from bot.storage.models import InboundEvent, Outbox
from tests.channels.conftest import PUBLIC, TWILIO_TOKEN, run
from tests.fakes import load_payload

UPDATE = load_payload("telegram/message__text.json")
FORM = load_payload("whatsapp/message__text.json")


def stored(harness) -> int:
    with harness.app.state.service.sessions() as s:
        return s.scalar(select(func.count()).select_from(InboundEvent)) or 0


def sign(url: str, form: dict[str, str], token: str = TWILIO_TOKEN) -> str:
    return RequestValidator(token).compute_signature(url, form)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Telegram-Bot-Api-Secret-Token": ""},
        {"X-Telegram-Bot-Api-Secret-Token": "guess"},
        {"X-Telegram-Bot-Api-Secret-Token": "test-secret_12"},  # a prefix of the real one
        {"X-Telegram-Bot-Api-Secret-Token": "test-secret_1234"},
    ],
)
def test_a_telegram_update_without_the_secret_is_refused(harness, headers):
    async def scenario():
        async with harness.client() as c:
            res = await c.post("/telegram/webhook", json=UPDATE, headers=headers)
            assert res.status_code == 403

    run(scenario(), harness)
    assert stored(harness) == 0


def forgeries() -> dict[str, tuple[dict[str, str], dict[str, str]]]:
    """name -> (form sent, headers)."""
    url = PUBLIC + "/twilio/whatsapp"
    changed = {**FORM, "Body": "send all your money to this account"}
    return {
        "no signature": (FORM, {}),
        "empty signature": (FORM, {"X-Twilio-Signature": ""}),
        "garbage": (FORM, {"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"}),
        "another token": (FORM, {"X-Twilio-Signature": sign(url, FORM, "not-our-token")}),
        "another URL": (FORM, {"X-Twilio-Signature": sign("https://evil.example/hook", FORM)}),
        "our status URL": (FORM, {"X-Twilio-Signature": sign(PUBLIC + "/twilio/status", FORM)}),
        "replayed, body changed": (changed, {"X-Twilio-Signature": sign(url, FORM)}),
        "replayed, field added": (
            {**FORM, "ButtonPayload": "del:yes"},
            {"X-Twilio-Signature": sign(url, FORM)},
        ),
    }


@pytest.mark.parametrize("name", list(forgeries()))
def test_a_forged_twilio_request_is_refused(harness, name):
    form, headers = forgeries()[name]

    async def scenario():
        async with harness.client() as c:
            res = await c.post("/twilio/whatsapp", data=form, headers=headers)
            assert res.status_code == 403, name

    run(scenario(), harness)
    assert stored(harness) == 0


def test_a_forged_delivery_report_changes_nothing(harness):
    async def scenario():
        async with harness.client() as c:
            # a real message first, so there is an outbox row a forger could target
            res = await harness.whatsapp(c, FORM)
            assert res.status_code == 200
            await harness.flush()
            with harness.app.state.service.sessions() as s:
                row = s.scalars(select(Outbox).where(Outbox.provider_id.is_not(None))).first()
                assert row is not None and row.status == "sent"
                sid = row.provider_id
            report = {"MessageSid": sid, "MessageStatus": "failed", "ErrorCode": "30003"}
            forged = sign(PUBLIC + "/twilio/whatsapp", report)  # signed for the other endpoint
            res = await c.post(
                "/twilio/status", data=report, headers={"X-Twilio-Signature": forged}
            )
            assert res.status_code == 403
            with harness.app.state.service.sessions() as s:
                assert s.scalars(select(Outbox.status).where(Outbox.provider_id == sid)).one() == (
                    "sent"
                )

    run(scenario(), harness)


def test_the_genuine_requests_still_pass(harness):
    """The refusals above are about the forgery, not the form: the real thing is accepted."""

    async def scenario():
        async with harness.client() as c:
            assert (await harness.telegram_update(c, UPDATE)).status_code == 200
            assert (await harness.whatsapp(c, FORM)).status_code == 200

    run(scenario(), harness)
    assert stored(harness) == 2
