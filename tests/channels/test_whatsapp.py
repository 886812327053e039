"""WhatsApp end to end: Twilio-signed webhooks in, the local fake Twilio REST API out."""

from datetime import timedelta

from sqlalchemy import func, select

from bot.storage.models import InboundEvent, Outbox
from tests.channels.conftest import run
from tests.fakes import load_payload

USER = "whatsapp:+40712345678"


def form(sid: str, body: str, **extra: str) -> dict[str, str]:
    data = load_payload(
        "whatsapp/message__text.json", MessageSid=sid, SmsMessageSid=sid, SmsSid=sid, Body=body
    )
    return {**data, **extra}


async def onboard(harness, c) -> None:
    for i, body in enumerate(["Buna", "2", "1", "1"]):  # language list: ro is 2nd; NL; consent yes
        assert (await harness.whatsapp(c, form(f"SM{i:032d}", body))).status_code == 200
        await harness.flush()


def test_mihai_gets_the_rent_deduction_answer_in_romanian_and_follows_up_by_number(harness):
    async def scenario():
        async with harness.client() as c:
            await onboard(harness, c)
            body = "agentia imi ia 110 euro pe saptamana pt cazare e legal?"
            await harness.whatsapp(c, form("SMq1".ljust(34, "0"), body))
            await harness.flush()
            answer = harness.twilio.named("Messages")[-1]
            assert answer["To"] == USER and answer["From"] == "whatsapp:+3197010000000"
            assert "\n1. " in answer["Body"] and "\n2. " in answer["Body"]
            related_label = (
                answer["Body"].rsplit("\n2. ", 1)[1].split("\n", 1)[0]
            )  # the options come last
            await harness.whatsapp(c, form("SMq2".ljust(34, "0"), "2"))
            await harness.flush()
            follow = harness.twilio.named("Messages")[-1]
            assert related_label.strip() in follow["Body"]

    run(scenario(), harness)


def test_unsigned_or_tampered_requests_are_refused(harness):
    async def scenario():
        async with harness.client() as c:
            assert (
                await harness.whatsapp(c, form("SM1".ljust(34, "0"), "hi"), sign=False)
            ).status_code == 403
            good = form("SM2".ljust(34, "0"), "hi")
            from twilio.request_validator import RequestValidator

            from tests.channels.conftest import PUBLIC, TWILIO_TOKEN

            sig = RequestValidator(TWILIO_TOKEN).compute_signature(
                PUBLIC + "/twilio/whatsapp", good
            )
            tampered = {**good, "Body": "something else"}
            res = await c.post(
                "/twilio/whatsapp", data=tampered, headers={"X-Twilio-Signature": sig}
            )
            assert res.status_code == 403
            http_sig = RequestValidator(TWILIO_TOKEN).compute_signature(
                PUBLIC.replace("https", "http") + "/twilio/whatsapp", good
            )
            res = await c.post(
                "/twilio/whatsapp", data=good, headers={"X-Twilio-Signature": http_sig}
            )
            assert res.status_code == 403
        with harness.app.state.service.sessions() as s:
            assert s.scalar(select(func.count()).select_from(InboundEvent)) == 0

    run(scenario(), harness)


def test_a_signed_form_without_a_sender_is_400(harness):
    async def scenario():
        async with harness.client() as c:
            res = await harness.whatsapp(c, {"Body": "hi", "MessageSid": "SM3".ljust(34, "0")})
            assert res.status_code == 400

    run(scenario(), harness)


def test_after_24_hours_a_template_goes_out_and_the_reply_waits_for_the_user(harness):
    async def scenario():
        async with harness.client() as c:
            await onboard(harness, c)
            harness.now += timedelta(hours=30)
            with harness.app.state.service.sessions() as s:
                contact_id = s.scalar(select(Outbox.contact_id).limit(1))
                from bot.storage.models import Contact

                contact = s.get(Contact, contact_id)
                harness.app.state.service.enqueue(
                    s,
                    contact,
                    __import__("bot.messages", fromlist=["Reply"]).Reply(
                        "Buna, sunt Ioana.", (), "ro"
                    ),
                    harness.now,
                    author="worker",
                )
                s.commit()
            await harness.flush()
            template = harness.twilio.named("Messages")[-1]
            assert template["ContentSid"].startswith("HX") and "Body" not in template
            with harness.app.state.service.sessions() as s:
                assert s.scalars(select(Outbox).order_by(Outbox.id.desc())).first().status == "held"
            await harness.whatsapp(c, form("SMback".ljust(34, "0"), "da?"))
            await harness.flush()
            bodies = [m.get("Body", "") for m in harness.twilio.named("Messages")]
            assert "Buna, sunt Ioana." in bodies

    run(scenario(), harness)


def test_status_callbacks_mark_delivery(harness):
    async def scenario():
        async with harness.client() as c:
            await harness.whatsapp(c, form("SM9".ljust(34, "0"), "Buna"))
            await harness.flush()
            with harness.app.state.service.sessions() as s:
                sid = s.scalars(
                    select(Outbox.provider_id).where(Outbox.provider_id.is_not(None))
                ).first()
            status = load_payload("whatsapp/status__delivered.json", MessageSid=sid, SmsSid=sid)
            res = await harness.whatsapp(c, status, path="/twilio/status")
            assert res.status_code == 200
            with harness.app.state.service.sessions() as s:
                assert (
                    s.scalars(select(Outbox.status).where(Outbox.provider_id == sid)).one()
                    == "delivered"
                )

    run(scenario(), harness)
