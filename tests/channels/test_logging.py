"""Logs at INFO as the service writes them (bot.logs): no phone number, no message text, no
bot token, one JSON object per line with BRUG_LOG_FORMAT=json."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from bot.logs import configure
from tests.channels.conftest import run
from tests.channels.test_journeys import LANGS, Channel

PHONE = "40712345678"  # the fake Twilio payload's sender
QUESTION = "gdzie mam sie zameldowac w gemeente"


@pytest.fixture
def service_logging() -> Iterator[None]:
    """The service's logging set-up for one test; the test run's own set-up restored after."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    names = ("httpx", "httpcore", "twilio", "telegram", "aiohttp", "uvicorn", "uvicorn.error")
    names += ("uvicorn.access",)
    levels = {n: logging.getLogger(n).level for n in names}
    filters = list(logging.getLogger("uvicorn.access").filters)
    yield
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    logging.getLogger("uvicorn.access").filters[:] = filters


def test_a_whatsapp_conversation_logs_neither_the_number_nor_the_words(
    harness, capsys, service_logging
):
    configure("INFO", "json")

    async def scenario():
        async with harness.client() as c:
            user = Channel("whatsapp", harness, c)
            await user.onboard("pl")
            await user.say(QUESTION)
            await user.say(LANGS["pl"]["danger"])  # opens an urgent case: logged by pseudonym
            await user.say("/mydata")
            await user.say("/delete")
            await user.press("del:yes")  # logged by pseudonym too
            telegram = Channel("telegram", harness, c)
            await telegram.onboard("pl")  # the Telegram client's request lines name the token

    run(scenario(), harness)
    logged = capsys.readouterr().err
    lines = [json.loads(line) for line in logged.splitlines() if line.strip()]
    messages = " ".join(line["message"] for line in lines)
    assert "case 1 opened for contact" in messages and "erased" in messages
    assert all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    assert PHONE not in logged
    for words in (QUESTION, LANGS["pl"]["danger"], "Polski"):
        assert words not in logged
    assert "123456:TEST" not in logged  # the bot token in the Bot API's URL


def test_access_lines_lose_their_query_string(capsys, service_logging):
    configure("INFO", "text")
    logging.getLogger("uvicorn.access").setLevel(logging.INFO)  # as `--log-level info` sets it
    logging.getLogger("uvicorn.access").info(
        '%s - "%s %s HTTP/%s" %d',
        "127.0.0.1:5000",
        "GET",
        "/chat/poll?session=s3cr3t&after=4",
        "1.1",
        200,
    )
    line = capsys.readouterr().err
    assert '"GET /chat/poll HTTP/1.1" 200' in line and "s3cr3t" not in line


def test_debug_shows_the_library_lines_again(service_logging):
    configure("DEBUG", "text")
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.DEBUG
    configure("INFO", "text")
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
