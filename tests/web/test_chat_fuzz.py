"""Fuzzing the web chat's JSON endpoints with the real app: whatever the body, the answer is a
2xx or a 4xx, never a 5xx."""

from __future__ import annotations

import asyncio
import itertools
import json

from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from bot.messages import Action

any_char = st.characters(codec=None, exclude_categories=())  # lone surrogates included
ODD = (
    *("", "/start", "/delete", "/mydata", "1", "99", "bsn", "\u202eBSN", "a" * 2001),
    *("\ud800", "\ud800A0A", "waar haal ik mijn bsn \udfff nummer", "\x00\x1b[31mpaszport"),
)
texts = st.text(alphabet=any_char, max_size=80) | st.sampled_from(ODD)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | texts,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=10,
)
payloads = st.sampled_from(
    (
        *("lang:pl", "lang:xx", "country:NL", "country:BE", "consent:yes", "consent:no"),
        *("del:yes", "del:no", "e:registration.bsn", "e:", "t:", ":", "lang:" + "x" * 100),
    )
)
SESSIONS = [f"fuzz-session-{i:04d}" for i in range(4)]  # a few users, whose state builds up
_ids = itertools.count()
FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def post(harness, path: str, body: bytes) -> tuple[int, str]:
    async def go() -> tuple[int, str]:
        async with harness.client() as c:
            res = await c.post(path, content=body, headers={"content-type": "application/json"})
            return res.status_code, res.text

    return asyncio.run(go())


new_id = st.builds(lambda: f"fuzz-message-{next(_ids):06d}")
well_formed = st.fixed_dictionaries(
    {"session": st.sampled_from(SESSIONS), "id": new_id, "text": texts},
    optional={"payload": payloads, "locale": st.sampled_from(["pl", "ro-RO", "", "x" * 50])},
)
malformed = st.fixed_dictionaries(
    {"session": st.sampled_from(SESSIONS) | json_values, "id": new_id | json_values},
    optional={"text": json_values, "payload": json_values, "locale": json_values},
)


@FUZZ
@given(body=st.one_of(well_formed, well_formed, malformed, json_values))
def test_chat_message_never_answers_5xx(harness, body):
    status, text = post(harness, "/chat/message", json.dumps(body).encode())
    assert status < 500, (status, text)
    event(f"status {status}")
    if status == 200:
        assert isinstance(json.loads(text)["replies"], list)


@FUZZ
@given(body=st.binary(max_size=200))
def test_chat_message_takes_any_bytes_without_a_5xx(harness, body):
    status, text = post(harness, "/chat/message", body)
    assert status < 500, (status, text)


@FUZZ
@given(
    body=st.fixed_dictionaries(
        {"text": texts},
        optional={"lang": json_values | st.sampled_from(["pl", "ro"]), "country": json_values},
    )
    | json_values
)
@example(body={"text": "\ud800A0A"})  # a lone surrogate once reached the language detector
@example(body={"text": "waar haal ik mijn bsn \udfff nummer", "lang": "nl"})
def test_chat_ask_never_answers_5xx(harness, body):
    status, text = post(harness, "/chat/ask", json.dumps(body).encode())
    assert status < 500, (status, text)
    if status == 200:
        assert json.loads(text)["action"] in {a.value for a in Action}
