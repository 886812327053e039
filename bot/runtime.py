"""Building the engine from settings: where the knowledge comes from."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.orm import sessionmaker

from bot.engine import Engine, Thresholds
from bot.errors import KnowledgeError
from bot.kbfiles import load_dir
from bot.knowledge import KnowledgeBase
from bot.settings import Settings
from bot.storage import kb_repo
from bot.storage.db import make_engine

logger = logging.getLogger(__name__)


def thresholds(settings: Settings) -> Thresholds:
    return Thresholds(
        settings.answer_threshold, settings.clarify_threshold, settings.clarify_margin
    )


def build_engine(settings: Settings, kb: KnowledgeBase) -> Engine:
    return Engine(
        kb,
        languages=settings.languages,
        thresholds=thresholds(settings),
        default_country=settings.default_country,
    )


def load_from_files(root: Path) -> KnowledgeBase:
    kb, errors = load_dir(root)
    if errors:
        raise errors[0]
    return kb


def load_knowledge(settings: Settings, source: str = "auto") -> KnowledgeBase:
    """The knowledge base from the database (``db``), the YAML folder (``files``) or, with
    ``auto``, the database when it holds entries and the folder otherwise."""
    if source in ("auto", "db"):
        kb = _from_database(settings.database_url)
        if kb is not None and (kb.entries or source == "db"):
            return kb
        if source == "db":
            raise KnowledgeError("the database holds no knowledge base; run `brug kb import`")
    return load_from_files(settings.knowledge_dir)


def _from_database(url: str) -> KnowledgeBase | None:
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return None
    engine = make_engine(url)
    try:
        if not inspect(engine).has_table("kb_entry"):
            return None
        with sessionmaker(engine)() as session:
            return kb_repo.load(session)
    finally:
        engine.dispose()
