"""Shared fixtures: the shipped knowledge base, the engine, real databases."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.engine import Engine
from bot.kbfiles import load_dir
from bot.knowledge import KnowledgeBase
from bot.languages import ALL_CODES
from bot.settings import Settings
from bot.storage.pgcluster import ClusterError, temporary_cluster

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"


@pytest.fixture(scope="session")
def shipped_kb() -> KnowledgeBase:
    kb, errors = load_dir(KNOWLEDGE)
    assert not errors, [str(e) for e in errors]
    return kb


@pytest.fixture(scope="session")
def engine(shipped_kb: KnowledgeBase) -> Engine:
    return Engine(shipped_kb, languages=ALL_CODES)


def make_settings(tmp_path: Path, **env: str) -> Settings:
    base = {
        "BRUG_DATA_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path}/brug.db",
        "BRUG_KNOWLEDGE_DIR": str(KNOWLEDGE),
    }
    return Settings.from_env({**base, **env})


# ---- a real PostgreSQL server, started once per test session ----------------------------


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A throw-away PostgreSQL cluster on a unix socket; yields its base URL (no database).
    ``BRUG_TEST_POSTGRES_URL`` points the tests at an existing server instead."""
    if os.environ.get("BRUG_TEST_POSTGRES_URL"):
        yield os.environ["BRUG_TEST_POSTGRES_URL"]
        return
    try:
        with temporary_cluster() as url:
            yield url
    except ClusterError as exc:
        pytest.fail(f"{exc}: run `make system-deps`")


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh, empty database on the session's PostgreSQL server."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield postgres_server.replace("/postgres?", f"/{name}?")
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each storage test runs on SQLite and on a real PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/test.db"
    return str(request.getfixturevalue("postgres_url"))
