"""Whatever arrives at the webhooks, the answer is never a 5xx."""

import asyncio
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.storage.models import InboundEvent
from tests.channels.conftest import SECRET, run
from tests.fakes import load_payload

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=20,
)
telegramish = st.fixed_dictionaries(
    {"update_id": st.integers(min_value=0, max_value=2**40)},
    optional={"message": json_values, "callback_query": json_values, "edited_message": json_values},
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=st.one_of(telegramish, json_values))
def test_telegram_webhook_never_answers_5xx(harness, body):
    async def scenario():
        async with harness.client() as c:
            res = await c.post(
                "/telegram/webhook",
                content=json.dumps(body).encode(),
                headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
            )
            assert res.status_code < 500
            harness.app.state.service.process_pending(harness.now)

    asyncio.run(scenario())


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    form=st.dictionaries(
        st.sampled_from(["From", "Body", "MessageSid", "ButtonPayload", "To", "X"]),
        st.text(max_size=60),
        max_size=5,
    )
)
def test_whatsapp_webhook_never_answers_5xx(harness, form):
    async def scenario():
        async with harness.client() as c:
            res = await harness.whatsapp(c, form)
            assert res.status_code < 500
            harness.app.state.service.process_pending(harness.now)

    asyncio.run(scenario())


def test_a_lone_surrogate_in_a_message_is_answered_not_dropped(harness):
    """JSON may carry "\\ud800"; no database or language detector takes it."""
    update = load_payload("telegram/message__text.json", text="\ud800 gdzie mam sie zameldowac")

    async def scenario():
        async with harness.client() as c:
            res = await c.post(
                "/telegram/webhook",
                content=json.dumps(update).encode(),
                headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
            )
            assert res.status_code == 200
            await harness.flush()

    run(scenario(), harness)
    with harness.app.state.service.sessions() as s:
        event = s.scalars(select(InboundEvent)).one()
        assert event.processed_at is not None and event.error is None
    assert harness.telegram.named("sendMessage")
