"""`brug purge` and `brug backup` as an operator runs them."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import sessionmaker

from bot.storage.db import make_engine
from bot.storage.migrate import upgrade
from bot.storage.models import Contact, Message
from tests.cli.test_ask import brug


def seed(tmp_path) -> None:
    """One person silent for 200 days, one who wrote yesterday."""
    db = make_engine(f"sqlite:///{tmp_path}/none.db")
    upgrade(db)
    now = datetime.now(UTC)
    with sessionmaker(db)() as s:
        for name, at in (("old", now - timedelta(days=200)), ("new", now - timedelta(days=1))):
            c = Contact(
                channel="telegram",
                external_id=name,
                pseudonym=name,
                state={},
                handoff=False,
                unreachable=False,
                created_at=at,
                last_inbound_at=at,
            )
            s.add(c)
            s.flush()
            s.add(Message(contact_id=c.id, direction="in", author="user", text="hi", created_at=at))
        s.commit()
    db.dispose()


def names(tmp_path) -> set[str]:
    db = sqlite3.connect(tmp_path / "none.db")
    try:
        return {r[0] for r in db.execute("select external_id from contact")}
    finally:
        db.close()


def test_purge_dry_run_counts_and_purge_deletes(tmp_path):
    seed(tmp_path)
    dry = brug(["purge", "--dry-run"], tmp_path)
    assert dry.returncode == 0, dry.stderr
    assert "would delete" in dry.stdout and "messages" in dry.stdout
    assert names(tmp_path) == {"old", "new"}
    done = brug(["purge"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "deleted" in done.stdout
    assert names(tmp_path) == {"new"}
    assert brug(["purge", "--days", "0"], tmp_path).returncode == 2


def test_backup_writes_a_copy_into_the_data_folder_and_rotates(tmp_path):
    seed(tmp_path)
    first = brug(["backup"], tmp_path)
    assert first.returncode == 0, first.stderr
    backups = list((tmp_path / "var" / "backups").glob("brug-*.db"))
    assert len(backups) == 1
    copy = sqlite3.connect(backups[0])
    assert copy.execute("select count(*) from contact").fetchone() == (2,)
    copy.close()
    elsewhere = brug(["backup", "--to", str(tmp_path / "elsewhere"), "--keep", "1"], tmp_path)
    assert elsewhere.returncode == 0 and len(list((tmp_path / "elsewhere").iterdir())) == 1


def test_backup_of_a_missing_database_is_a_clear_error(tmp_path):
    proc = brug(["backup"], tmp_path)
    assert proc.returncode == 1 and "no SQLite database" in proc.stderr


def test_the_worker_purges_on_its_schedule_and_stops_on_sigterm(tmp_path):
    import os
    import subprocess
    import sys
    import time

    from tests.conftest import KNOWLEDGE, ROOT

    seed(tmp_path)
    env = {
        **os.environ,
        "BRUG_DATA_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path}/none.db",
        "BRUG_KNOWLEDGE_DIR": str(KNOWLEDGE),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "worker"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        while names(tmp_path) != {"new"} and time.monotonic() < deadline:
            time.sleep(0.5)
        assert names(tmp_path) == {"new"}
    finally:
        proc.terminate()
        output = proc.communicate(timeout=30)[0]
    assert proc.returncode == 0, output
    assert "retention (90 days): deleted" in output and "worker stopped" in output
