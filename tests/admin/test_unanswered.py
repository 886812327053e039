"""The unanswered queue: what lands in it, grouping across languages, and its actions."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.admin import unanswered as queue
from bot.storage.models import AuditLog, QuestionLog
from tests.admin.conftest import csrf, login_as
from tests.channels.conftest import run
from tests.channels.test_journeys import Channel

COLD = "am raceala si tuse, unde merg"  # "I have a cold and a cough, where do I go" → fallback
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


class DictionaryTranslator:
    """A translation model at the outside edge: a fixed phrase book into English."""

    def __init__(self, book: dict[str, str]) -> None:
        self.book = book

    def can(self, src: str, dst: str) -> bool:
        return dst == "en" and src in ("pl", "ro", "bg")

    def translate(self, text: str, src: str, dst: str) -> str | None:
        return self.book.get(text)


def items(*questions: tuple[str, str]) -> list[queue.Item]:
    return [
        queue.Item(i, text, lang, "fallback", NOW) for i, (lang, text) in enumerate(questions, 1)
    ]


def test_one_topic_asked_in_three_languages_is_one_group_and_another_topic_is_not(engine):
    # a topic the knowledge base covers only partly: its entries are the common ground
    groups = queue.group(
        items(
            ("pl", "jak zapisac dziecko do szkoly w holandii"),
            ("ro", "cum inscriu copilul la scoala in olanda"),
            ("bg", "kak da zapisha deteto na uchilishte"),
            ("pl", "czy moge przywiezc psa do holandii, jakie szczepienia"),
        ),
        engine,
    )
    by_text = {i.text: g.key for g in groups for i in g.items}
    assert len(groups) == 2
    assert len({by_text[t] for t in by_text if "psa" not in t}) == 1
    assert groups[0].suggestion == "integration.school"
    assert dict(groups[0].languages) == {"pl": 1, "ro": 1, "bg": 1}


def test_a_topic_the_knowledge_base_lacks_meets_across_languages_through_translation(engine):
    translator = DictionaryTranslator(
        {
            "czy moge przywiezc psa do holandii, jakie szczepienia": "can I bring my dog to the netherlands, which vaccinations",
            "pot sa aduc cainele in olanda ce vaccinuri trebuie": "can I bring the dog to holland what vaccinations are needed",
            "gdzie kupic karte wedkarska": "where to buy a fishing license",
            "unde cumpar permis de pescuit": "where do I buy a fishing permit",
        }
    )
    found = items(
        *[
            (lang, text)
            for text, lang in zip(translator.book, ["pl", "ro", "pl", "ro"], strict=True)
        ]
    )
    without = queue.group(
        [queue.Item(i.id, i.text, i.lang, i.kind, i.created_at) for i in found], engine
    )
    for item in found:
        item.english = translator.translate(item.text, item.lang, "en")
    groups = queue.group(found, engine)
    assert sorted(sorted(i.lang for i in g.items) for g in groups) == [["pl", "ro"], ["pl", "ro"]]
    assert len(without) > len(groups)  # without a model these stay apart: said in the README


def test_fallbacks_and_thumbs_down_land_in_the_queue_and_a_picked_did_you_mean_does_not(
    admin_harness,
):
    async def scenario():
        async with admin_harness.client() as c:
            user = Channel("telegram", admin_harness, c)
            await user.onboard("ro")
            await user.say(COLD)
            await user.say("ma simt rau de 3 zile ce fac")  # a did-you-mean…
            options = [o for o in user.options() if o.startswith("e:")]
            await user.press(options[0])  # …answered by picking an option
            await user.say("m-a luat febra la cine merg")  # answered: health.gp
            await user.press("fb:-:health.gp")
        with admin_harness.app.state.service.sessions() as s:
            rows = {(r.action, r.status, r.text) for r in s.scalars(select(QuestionLog))}
        assert ("fallback", "open", COLD) in rows
        assert ("disliked", "open", "m-a luat febra la cine merg") in rows
        assert ("clarify", "chosen", "ma simt rau de 3 zile ce fac") in rows

    run(scenario(), admin_harness)


@pytest.mark.parametrize("admin_harness", ["sqlite", "postgres"], indirect=True)
def test_adding_a_romanian_question_as_a_phrasing_makes_the_bot_answer_it(admin_harness):
    async def scenario():
        async with admin_harness.client() as c:
            user = Channel("telegram", admin_harness, c)
            await user.onboard("ro")
            await user.say(COLD)
            assert "health.gp" not in str(user.last())
        async with admin_harness.client() as client:
            await login_as(client, "eddie")
            page = await client.get("/admin/unanswered")
            assert COLD in page.text
            ids = re.findall(r'name="ids" value="(\d+)"', page.text)
            res = await client.post(
                "/admin/unanswered/phrasing",
                data={"csrf": csrf(page), "ids": ids, "entry": "health.gp"},
            )
            assert res.status_code == 303, res.text
            assert COLD not in (await client.get("/admin/unanswered")).text
            answer = await client.post(
                "/chat/ask", json={"text": COLD, "lang": "ro", "country": "NL"}
            )
            assert (answer.json()["action"], answer.json()["entry"]) == ("answer", "health.gp")
        tr = admin_harness.app.state.live.engine.kb.entries["health.gp"].translations["ro"]
        assert COLD in tr.alternates  # kept in its own language
        with admin_harness.app.state.service.sessions() as s:
            assert "kb.phrasing" in s.scalars(select(AuditLog.action)).all()

    run(scenario(), admin_harness)


def test_dismissing_removes_a_group_and_workers_cannot_touch_the_queue(admin_harness):
    async def scenario():
        async with admin_harness.client() as c:
            user = Channel("telegram", admin_harness, c)
            await user.onboard("ro")
            await user.say(COLD)
        async with admin_harness.client() as worker:
            token = await login_as(worker, "wim")
            assert (await worker.get("/admin/unanswered")).status_code == 403
            assert (
                await worker.post("/admin/unanswered/dismiss", data={"csrf": token, "ids": ["1"]})
            ).status_code == 403
        async with admin_harness.client() as client:
            await login_as(client, "ada")
            page = await client.get("/admin/unanswered")
            ids = re.findall(r'name="ids" value="(\d+)"', page.text)
            assert (
                await client.post("/admin/unanswered/dismiss", data={"ids": ids})
            ).status_code == 403  # no CSRF token
            res = await client.post(
                "/admin/unanswered/dismiss", data={"csrf": csrf(page), "ids": ids}
            )
            assert res.status_code == 303
            assert "Nothing waiting" in (await client.get("/admin/unanswered")).text
            again = await client.post(
                "/admin/unanswered/dismiss", data={"csrf": csrf(page), "ids": ids}
            )
            assert again.status_code == 400

    run(scenario(), admin_harness)
