"""Admin tests: the real app (fake providers outside) with the shipped knowledge base in its
database and one persona per role."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.inbox import add_staff
from bot.storage import kb_repo
from tests.channels.conftest import Harness, build_harness

PASSWORD = "correct horse battery"
# username -> (role, languages)
PERSONAS: dict[str, tuple[str, list[str]]] = {
    "ada": ("admin", ["nl", "en"]),
    "bea": ("admin", ["pl", "en"]),  # a second admin, for reviews by a second person
    "eddie": ("editor", ["ro", "en"]),
    "wim": ("worker", ["nl"]),
}


def add_personas(h: Harness) -> None:
    with h.app.state.service.sessions() as s:
        for username, (role, languages) in PERSONAS.items():
            add_staff(
                s,
                username=username,
                name=username.capitalize(),
                password=PASSWORD,
                role=role,
                languages=languages,
                municipalities=[],
                now=h.now,
            )
        s.commit()


@pytest.fixture
def admin_harness(
    tmp_path: Path, engine: Any, shipped_kb: Any, request: pytest.FixtureRequest
) -> Iterator[Harness]:
    """The harness with the knowledge base imported into its database and the personas."""
    db_url = getattr(request, "param", None)
    if db_url == "sqlite":
        db_url = None
    elif db_url == "postgres":
        db_url = request.getfixturevalue("postgres_url")
    extra = {"DATABASE_URL": db_url} if db_url else {}
    with build_harness(tmp_path, engine, **extra) as h:
        with h.app.state.service.sessions() as s:
            kb_repo.replace_all(s, shipped_kb, author="import", now=h.now)
            s.commit()
        h.app.state.live.revision = h.app.state.live._read_revision()
        add_personas(h)
        yield h
        h.app.state.service.sessions.kw["bind"].dispose()  # the app's lifespan did not run


def csrf(page: httpx.Response) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert match, page.text[:500]
    return match.group(1)


async def login_as(client: httpx.AsyncClient, username: str) -> str:
    """Log in; returns the session's CSRF token for the forms that follow."""
    token = csrf(await client.get("/inbox/login"))
    res = await client.post(
        "/inbox/login", data={"csrf": token, "username": username, "password": PASSWORD}
    )
    assert res.status_code == 303, res.text
    return csrf(await client.get("/inbox"))
