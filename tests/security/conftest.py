"""Security tests attack the real app (fake providers outside) as an outsider would."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.storage import kb_repo
from tests.admin.conftest import (
    add_personas,
    admin_harness,  # noqa: F401  (knowledge imported, personas)
)
from tests.channels.conftest import (
    Harness,
    build_harness,
    harness,  # noqa: F401
)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def site(
    tmp_path: Path, engine: Any, shipped_kb: Any, request: pytest.FixtureRequest
) -> Iterator[Harness]:
    """The admin harness (knowledge imported, personas) on SQLite and on PostgreSQL."""
    extra = {}
    if request.param == "postgres":
        extra["DATABASE_URL"] = request.getfixturevalue("postgres_url")
    with build_harness(tmp_path, engine, **extra) as h:
        with h.app.state.service.sessions() as s:
            kb_repo.replace_all(s, shipped_kb, author="import", now=h.now)
            s.commit()
        h.app.state.live.revision = h.app.state.live._read_revision()
        add_personas(h)
        yield h
