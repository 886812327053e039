from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from bot.knowledge import Translation
from bot.storage import kb_repo
from bot.storage.db import make_engine, session_scope
from bot.storage.migrate import upgrade
from bot.storage.models import KbVersion

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def test_the_knowledge_base_survives_a_trip_through_the_database(database_url, shipped_kb):
    engine = make_engine(database_url)
    upgrade(engine)
    factory = sessionmaker(engine)
    with session_scope(factory) as s:
        counts = kb_repo.replace_all(s, shipped_kb, author="test", now=NOW)
    assert counts["added"] == len(shipped_kb.entries)
    with factory() as s:
        loaded = kb_repo.load(s)
    assert loaded.entries == shipped_kb.entries
    assert loaded.overlays == shipped_kb.overlays
    engine.dispose()


def test_saving_records_a_version_only_when_something_changed(database_url, shipped_kb):
    engine = make_engine(database_url)
    upgrade(engine)
    factory = sessionmaker(engine)
    entry = shipped_kb.entries["registration.bsn"]
    with session_scope(factory) as s:
        assert kb_repo.save_entry(s, entry, author="a", now=NOW)
        assert not kb_repo.save_entry(s, entry, author="a", now=NOW)
        changed = entry.with_translation(
            "en", Translation("New question?", ("x",), "New answer.", "draft")
        )
        assert kb_repo.save_entry(s, changed, author="b", now=NOW)
    with factory() as s:
        versions = s.scalar(
            select(func.count()).select_from(KbVersion).where(KbVersion.entry_id == entry.id)
        )
        assert versions == 2
        assert kb_repo.load(s).entries[entry.id].translations["en"].question == "New question?"
        assert kb_repo.revision(s) == 2
    engine.dispose()
