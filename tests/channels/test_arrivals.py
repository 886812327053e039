"""People who arrive through a desk's link or QR code start with their municipality set, and
their arrival is counted once — on Telegram (``/start <code>``) and on WhatsApp (the prefilled
first message)."""

from __future__ import annotations

from sqlalchemy import select

from bot.reach import prefill
from bot.storage.models import ArrivalStat, Contact, QuestionLog
from tests.channels.conftest import run
from tests.channels.test_journeys import Channel


def _contact_and_arrivals(harness):
    with harness.app.state.service.sessions() as s:
        contact = s.scalars(select(Contact)).one()
        arrivals = [(a.day, a.source, a.channel) for a in s.scalars(select(ArrivalStat))]
        return contact, arrivals


def test_a_telegram_deep_link_sets_the_municipality_and_counts_once(harness):
    async def scenario():
        async with harness.client() as c:
            ch = Channel("telegram", harness, c)
            await ch.say("/start den-haag--fnv")
            await ch.say("/start den-haag--fnv")  # the person taps the link again

    run(scenario(), harness)
    contact, arrivals = _contact_and_arrivals(harness)
    assert (contact.municipality, contact.country) == ("den-haag", "NL")
    assert contact.source == "den-haag--fnv"
    assert arrivals == [(harness.now.date(), "den-haag--fnv", "telegram")]


def test_a_whatsapp_prefilled_message_sets_the_municipality_and_language_first(harness):
    async def scenario():
        async with harness.client() as c:
            ch = Channel("whatsapp", harness, c)
            await ch.say(prefill("ninove", "pl"))
            assert ch.options()[0] == "lang:pl"  # the poster was in Polish
            await ch.say(prefill("ninove", "pl"))  # sent again from the same link
            await ch.press("lang:pl")
            await ch.press("consent:yes")  # the country is known: no country question
            return ch.options()

    after_consent = run(scenario(), harness)
    contact, arrivals = _contact_and_arrivals(harness)
    assert (contact.municipality, contact.country, contact.lang) == ("ninove", "BE", "pl")
    assert arrivals == [(harness.now.date(), "ninove", "whatsapp")]
    # the greeting is not taken for a question: after the consent comes the topic menu
    assert after_consent and all(p.startswith("t:") for p in after_consent)
    with harness.app.state.service.sessions() as s:
        assert s.scalars(select(QuestionLog)).all() == []


def test_a_question_typed_around_the_code_is_kept_for_after_the_consent(harness):
    async def scenario():
        async with harness.client() as c:
            ch = Channel("whatsapp", harness, c)
            await ch.say("#den-haag waar kan ik me inschrijven bij de gemeente?")

    run(scenario(), harness)
    contact, arrivals = _contact_and_arrivals(harness)
    assert contact.municipality == "den-haag"
    assert contact.state["pending_question"] == "waar kan ik me inschrijven bij de gemeente?"
    assert [a[1] for a in arrivals] == ["den-haag"]


def test_someone_already_talking_to_the_bot_is_not_counted_as_an_arrival(harness):
    async def scenario():
        async with harness.client() as c:
            ch = Channel("telegram", harness, c)
            await ch.onboard("ro")
            await ch.say("/start den-haag")

    run(scenario(), harness)
    contact, arrivals = _contact_and_arrivals(harness)
    assert contact.municipality == "den-haag"  # the link still sets the municipality
    assert contact.source is None and arrivals == []


def test_unknown_codes_and_plain_mentions_count_nothing(harness):
    async def scenario():
        async with harness.client() as c:
            tg = Channel("telegram", harness, c)
            await tg.say("/start atlantis--fnv")
            wa = Channel("whatsapp", harness, c)
            await wa.say("ik woon in den-haag")  # a mention, not a link: sets, does not count

    run(scenario(), harness)
    with harness.app.state.service.sessions() as s:
        contacts = {c.channel: c for c in s.scalars(select(Contact))}
        assert s.scalars(select(ArrivalStat)).all() == []
    assert contacts["telegram"].municipality is None and contacts["telegram"].source is None
    assert contacts["whatsapp"].municipality == "den-haag"
    assert contacts["whatsapp"].source is None
