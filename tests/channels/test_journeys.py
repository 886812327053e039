"""The migrants' journeys in Polish, Romanian and Bulgarian, through Telegram and through WhatsApp."""

from __future__ import annotations

import itertools
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from bot.storage.models import Case, Contact, Message
from tests.channels.conftest import Harness, run
from tests.fakes import load_payload

LANGS = {
    "pl": {
        "name": "Polski",
        "ambiguous": "ubezpieczenie",
        "danger": "szef zabral mi paszport i mowi ze nie oddam dopoki nie splace dlugu",
    },
    "ro": {
        "name": "Română",
        "ambiguous": "asigurare",
        "danger": "patronul mi-a luat pasaportul si nu mi-l mai da inapoi",
    },
    "bg": {
        "name": "Български",
        "ambiguous": "застраховка",
        "danger": "шефът ми взе паспорта и не ми го връща",
    },
}
_ids = itertools.count(1)


class Channel:
    """Talks to the bot as a user of one channel would; reads what the fake provider received."""

    def __init__(self, kind: str, harness: Harness, client: httpx.AsyncClient) -> None:
        self.kind, self.h, self.c = kind, harness, client

    async def say(self, text: str) -> None:
        n = next(_ids)
        if self.kind == "telegram":
            update = load_payload("telegram/message__text.json", update_id=200000 + n, text=text)
            assert (await self.h.telegram_update(self.c, update)).status_code == 200
        else:
            sid = f"SM{n:032d}"
            form = load_payload(
                "whatsapp/message__text.json",
                MessageSid=sid,
                SmsMessageSid=sid,
                SmsSid=sid,
                Body=text,
            )
            assert (await self.h.whatsapp(self.c, form)).status_code == 200
        await self.h.flush()

    async def press(self, payload: str) -> None:
        """Telegram: the button's callback; WhatsApp: the number of that option."""
        if self.kind == "telegram":
            update = load_payload(
                "telegram/callback_query__button.json", update_id=300000 + next(_ids), data=payload
            )
            assert (await self.h.telegram_update(self.c, update)).status_code == 200
            await self.h.flush()
        else:
            options = self.options()
            assert payload in options, (payload, options)
            await self.say(str(options.index(payload) + 1))

    def last(self) -> dict[str, Any]:
        sent = (
            self.h.telegram.named("sendMessage")
            if self.kind == "telegram"
            else self.h.twilio.named("Messages")
        )
        return sent[-1]

    def text(self) -> str:
        return self.last()["text"] if self.kind == "telegram" else self.last()["Body"]

    def options(self) -> list[str]:
        """Payloads of the last message's choices (WhatsApp: read back from the stored state)."""
        if self.kind == "telegram":
            return [
                b["callback_data"]
                for row in self.last()["reply_markup"]["inline_keyboard"]
                for b in row
            ]
        with self.h.app.state.service.sessions() as s:
            return list(s.scalars(select(Contact)).one().state["options"])

    async def onboard(self, lang: str) -> None:
        await self.say("/start" if self.kind == "telegram" else "start")
        if self.kind == "telegram":
            await self.press(f"lang:{lang}")
        else:
            await self.say(LANGS[lang]["name"])  # the language's own name works everywhere
        await self.press("country:NL")
        await self.press("consent:yes")


CASES = [(kind, lang) for kind in ("telegram", "whatsapp") for lang in LANGS]


@pytest.mark.parametrize(("kind", "lang"), CASES)
def test_onboarding_then_clarify_then_pick_answers(harness, kind, lang):
    async def scenario():
        async with harness.client() as c:
            ch = Channel(kind, harness, c)
            await ch.onboard(lang)
            await ch.say(LANGS[lang]["ambiguous"])
            offered = [p for p in ch.options() if p.startswith("e:")]
            assert 2 <= len(offered) <= 3 and all(p.startswith("e:insurance.") for p in offered)
            await ch.press(offered[0])
            entry = offered[0][2:]
            assert f"fb:+:{entry}" in ch.options()
            question = harness.app.state.engine.kb.entries[entry].translations[lang].question
            assert question in ch.text()

    run(scenario(), harness)


@pytest.mark.parametrize(("kind", "lang"), CASES)
def test_danger_gets_112_at_once_and_an_urgent_case(harness, kind, lang):
    async def scenario():
        async with harness.client() as c:
            ch = Channel(kind, harness, c)
            await ch.onboard(lang)
            before = len(harness.telegram.calls) + len(harness.twilio.calls)
            await ch.say(LANGS[lang]["danger"])
            sent = harness.telegram.named("sendMessage") + harness.twilio.named("Messages")
            replies = (len(harness.telegram.calls) + len(harness.twilio.calls)) - before
            assert replies >= 2
            first = sent[-replies]
            assert "112" in (first.get("text") or first.get("Body"))
        with harness.app.state.service.sessions() as s:
            case = s.scalars(select(Case)).one()
            assert (case.priority, case.lang) == ("urgent", lang)

    run(scenario(), harness)


@pytest.mark.parametrize(("kind", "lang"), CASES)
def test_delete_erases_the_users_data(harness, kind, lang):
    async def scenario():
        async with harness.client() as c:
            ch = Channel(kind, harness, c)
            await ch.onboard(lang)
            await ch.say("/delete")
            assert ch.options() == ["del:yes", "del:no"]
            await ch.press("del:yes")
        with harness.app.state.service.sessions() as s:
            assert s.scalar(select(func.count()).select_from(Message)) == 0
            contact = s.scalars(select(Contact)).one()
            assert contact.lang is None and contact.state["step"] == "new"

    run(scenario(), harness)
