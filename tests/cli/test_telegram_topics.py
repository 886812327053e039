"""`brug telegram create-topics` against a local fake Bot API: one forum topic per language."""

from __future__ import annotations

from typer.testing import CliRunner

from bot.cli import app
from tests.fakes import Recorder, fake_telegram_app, serving

GROUP = "-1001234567"


def create_topics(url: str, *args: str, topics: str = ""):  # type: ignore[no-untyped-def]
    env = {
        "TELEGRAM_BOT_TOKEN": "123456:TEST",
        "TELEGRAM_WEBHOOK_SECRET": "s" * 32,
        "TELEGRAM_BASE_URL": f"{url}/bot",
        "TELEGRAM_STAFF_CHAT_ID": GROUP,
        "TELEGRAM_STAFF_TOPICS": topics,
        "BRUG_LANGUAGES": "pl,ro,bg,en",
    }
    return CliRunner().invoke(app, ["telegram", "create-topics", *args], env=env)


def test_it_makes_a_topic_per_language_and_prints_the_setting():
    rec = Recorder()
    with serving(fake_telegram_app(rec)) as server:
        result = create_topics(server.url, topics="ro=7")
    assert result.exit_code == 0, result.output
    made = rec.named("createForumTopic")
    assert [(str(p["chat_id"]), p["name"]) for p in made] == [
        (GROUP, "Polski (pl)"),
        (GROUP, "Български (bg)"),
        (GROUP, "English (en)"),
    ]  # Romanian had its topic already
    line = result.output.strip().splitlines()[-1]
    assert line.startswith("set: TELEGRAM_STAFF_TOPICS=ro=7,pl=")
    assert line.count("=") == 5


def test_a_language_the_bot_does_not_offer_is_refused_before_anything_is_made():
    rec = Recorder()
    with serving(fake_telegram_app(rec)) as server:
        result = create_topics(server.url, "--languages", "pl,xx")
    assert result.exit_code == 2 and "not a language the bot offers: xx" in result.output
    assert rec.named("createForumTopic") == []
