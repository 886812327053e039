import pytest
from starlette.testclient import TestClient

from bot.web.app import Deps, create_app
from tests.conftest import make_settings


@pytest.fixture
def client(tmp_path, engine):
    with TestClient(create_app(make_settings(tmp_path), Deps(engine=engine))) as c:
        yield c


def test_health_and_readiness(client):
    assert client.get("/healthz").text == "ok"
    assert client.get("/readyz").json()["ready"] is True


def test_the_chat_page_answers_a_polish_question(client):
    page = client.get("/chat")
    assert page.status_code == 200 and "<form" in page.text
    res = client.post("/chat/ask", json={"text": "gdzie mam sie zameldowac", "country": "NL"})
    assert res.status_code == 200
    assert res.json()["entry"] == "registration.brp" and res.json()["lang"] == "pl"


@pytest.mark.parametrize("body", [b"{not json", b"[]", b'{"text": 5}'])
def test_bad_requests_are_4xx(client, body):
    res = client.post("/chat/ask", content=body, headers={"content-type": "application/json"})
    assert res.status_code == 400


def test_a_huge_body_is_refused(client):
    res = client.post(
        "/chat/ask", content=b"x" * 100_000, headers={"content-type": "application/json"}
    )
    assert res.status_code == 413


def test_metrics_are_prometheus_text_without_personal_data(client):
    client.post("/chat/message", json={"session": "s" * 20, "id": "i" * 20, "text": "/start"})
    text = client.get("/metrics").text
    assert "# TYPE brug_inbound_messages_total counter" in text
    assert 'brug_inbound_messages_total{channel="web"} 1' in text
    assert "s" * 20 not in text
