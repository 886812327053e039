"""The migrations build exactly the schema the models describe, and the audit log stays put."""

from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import delete, update
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import sessionmaker

from bot.storage.db import make_engine
from bot.storage.migrate import upgrade
from bot.storage.models import AuditLog, Base

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def test_the_migrated_schema_matches_the_models(database_url):
    engine = make_engine(database_url)
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []


def test_the_audit_log_is_append_only_in_the_database_itself(database_url):
    engine = make_engine(database_url)
    upgrade(engine)
    factory = sessionmaker(engine)
    with factory() as s:
        s.add(AuditLog(at=NOW, staff_id=1, action="login", target=""))
        s.commit()
    for statement in (
        update(AuditLog).values(action="nothing happened"),
        delete(AuditLog),
    ):
        with factory() as s, pytest.raises(DatabaseError, match="append-only"):
            s.execute(statement)
            s.commit()
    with factory() as s:
        assert [a.action for a in s.query(AuditLog)] == ["login"]
    engine.dispose()
