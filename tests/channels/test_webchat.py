"""Journeys through the web chat: the same conversation every channel has."""

import secrets

import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from bot.storage.models import Case, Contact, Message
from bot.web.app import Deps, create_app
from tests.conftest import make_settings


class Chat:
    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.session = secrets.token_hex(12)

    def send(self, text: str = "", payload: str | None = None) -> list[dict]:
        res = self.client.post(
            "/chat/message",
            json={
                "session": self.session,
                "id": secrets.token_hex(12),
                "text": text,
                "payload": payload,
            },
        )
        assert res.status_code == 200, res.text
        return res.json()["replies"]

    def onboard(self, lang: str = "pl", country: str = "NL") -> None:
        self.send("/start")
        self.send(payload=f"lang:{lang}")
        self.send(payload=f"country:{country}")
        self.send(payload="consent:yes")


@pytest.fixture
def chat(tmp_path, engine):
    app = create_app(make_settings(tmp_path, BRUG_RUN_WORKER="false"), Deps(engine=engine))
    with TestClient(app) as client:
        c = Chat(client)
        c.app = app
        yield c


def test_first_contact_asks_language_then_country_then_consent(chat):
    replies = chat.send("/start")
    assert any(b["payload"] == "lang:pl" for b in replies[-1]["buttons"])
    replies = chat.send(payload="lang:pl")
    assert [b["payload"] for b in replies[-1]["buttons"]] == ["country:NL", "country:BE"]
    replies = chat.send(payload="country:NL")
    assert "/delete" in replies[-1]["text"] and replies[-1]["lang"] == "pl"
    replies = chat.send(payload="consent:yes")
    assert any(b["payload"] == "t:registration" for b in replies[-1]["buttons"])


def test_a_first_question_is_answered_right_after_onboarding(chat):
    replies = chat.send("gdzie mam sie zameldowac i co zabrac")
    assert replies[-1]["buttons"][0]["payload"] == "lang:pl"  # Polish suggested first
    chat.send(payload="lang:pl")
    chat.send(payload="country:NL")
    replies = chat.send(payload="consent:yes")
    assert any("BRP" in r["text"] for r in replies)


def test_clarify_then_pick_by_number_answers(chat):
    chat.onboard()
    replies = chat.send("ubezpieczenie")
    assert replies[-1]["buttons"][0]["payload"].startswith("e:insurance.")
    picked = replies[-1]["buttons"][0]["payload"].split(":", 1)[1]
    answer = chat.send("1")
    assert any(b["payload"] == f"fb:+:{picked}" for b in answer[-1]["buttons"])


def test_danger_opens_an_urgent_case_and_says_112(chat):
    chat.onboard()
    replies = chat.send("szef zabral mi paszport i mowi ze nie oddam dopoki nie splace dlugu")
    assert "112" in replies[0]["text"]
    with chat.app.state.service.sessions() as s:
        case = s.scalars(select(Case)).one()
        assert (case.priority, case.reason, case.lang) == ("urgent", "danger", "pl")
    # while handed off, messages go to the case, not the engine
    assert chat.send("halo?") == []


def test_delete_erases_everything_after_confirmation(chat):
    chat.onboard()
    chat.send("jak zalozyc konto w banku")
    replies = chat.send("/delete")
    assert [b["payload"] for b in replies[-1]["buttons"]] == ["del:yes", "del:no"]
    done = chat.send(payload="del:yes")
    assert done[-1]["lang"] == "pl"
    with chat.app.state.service.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Message)) == 0
        contact = s.scalars(select(Contact)).one()
        assert contact.lang is None and contact.state["step"] == "new"
    again = chat.send("hej")
    assert any(b["payload"].startswith("lang:") for b in again[-1]["buttons"])


def test_bad_web_messages_are_4xx(chat):
    res = chat.client.post(
        "/chat/message", content=b"{", headers={"content-type": "application/json"}
    )
    assert res.status_code == 400
    res = chat.client.post("/chat/message", json={"session": "x", "id": "y", "text": "hi"})
    assert res.status_code == 400
