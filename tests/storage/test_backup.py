"""Backups while the service writes: SQLite's online backup API and pg_dump on a real server."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import sessionmaker

from bot.backup import BackupError, backup, rotate
from bot.storage.db import make_engine
from bot.storage.migrate import upgrade
from bot.storage.models import Contact
from bot.storage.pgcluster import find_bindir

NOW = datetime(2025, 6, 1, 12, 0, 5, tzinfo=UTC)


def add_contacts(sessions, start: int, n: int) -> None:
    with sessions() as s:
        for i in range(start, start + n):
            s.add(
                Contact(
                    channel="telegram",
                    external_id=str(i),
                    pseudonym=f"p{i}",
                    state={},
                    handoff=False,
                    unreachable=False,
                    created_at=NOW,
                )
            )
        s.commit()


def test_a_sqlite_backup_taken_during_writes_opens_and_has_the_rows(tmp_path):
    db = make_engine(f"sqlite:///{tmp_path}/brug.db")
    upgrade(db)
    sessions = sessionmaker(db)
    add_contacts(sessions, 0, 200)
    stop = threading.Event()
    written = [200]

    def writer() -> None:  # another process's writes, one small transaction after another
        while not stop.is_set():
            add_contacts(sessions, written[0], 5)
            written[0] += 5

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        time.sleep(0.2)
        before = written[0]
        path = backup(f"sqlite:///{tmp_path}/brug.db", tmp_path / "backups", NOW)
        after = written[0]
        time.sleep(0.1)
    finally:
        stop.set()
        thread.join()
    assert after > 200, "the writer was not writing during the backup"
    assert path.name == "brug-20250601T120005Z.db"
    assert not list(path.parent.glob("*.partial"))
    copy = sqlite3.connect(path)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        n = copy.execute("SELECT count(*) FROM contact").fetchone()[0]
        ids = {int(r[0]) for r in copy.execute("SELECT external_id FROM contact")}
    finally:
        copy.close()
    assert before <= n <= after + 5 and n % 5 == 0  # whole transactions, none cut in half
    assert ids == set(range(n))
    db.dispose()


def test_a_postgresql_backup_restores_into_an_empty_database(postgres_url, tmp_path):
    db = make_engine(postgres_url)
    upgrade(db)
    add_contacts(sessionmaker(db), 0, 3)
    db.dispose()
    path = backup(postgres_url, tmp_path, NOW)
    assert path.name == "brug-20250601T120005Z.dump" and path.stat().st_size > 0
    # restore into a new database on the same server with pg_restore
    server = postgres_url.split("?", 1)
    target = server[0].rsplit("/", 1)[0] + "/restored?" + server[1]
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text('CREATE DATABASE "restored"'))
    try:
        libpq = target.replace("postgresql+psycopg://", "postgresql://")
        bindir = find_bindir()
        assert bindir is not None
        subprocess.run(
            [str(bindir / "pg_restore"), "--no-owner", f"--dbname={libpq}", str(path)],
            check=True,
            capture_output=True,
        )
        copy = make_engine(target)
        with sessionmaker(copy)() as s:
            assert s.scalar(select(func.count()).select_from(Contact)) == 3
        copy.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text('DROP DATABASE IF EXISTS "restored" WITH (FORCE)'))
        admin.dispose()


def test_without_pg_dump_the_error_says_what_to_install(postgres_url, tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setattr("glob.glob", lambda pattern: [])
    with pytest.raises(BackupError, match="apt-get install postgresql-client"):
        backup(postgres_url, tmp_path, NOW)


def test_rotation_keeps_the_newest(tmp_path):
    for day in range(5):
        (tmp_path / f"brug-{(NOW + timedelta(days=day)).strftime('%Y%m%dT%H%M%SZ')}.db").touch()
    (tmp_path / "notes.txt").touch()
    removed = rotate(tmp_path, 2)
    assert [p.name[:13] for p in removed] == [
        "brug-20250601",
        "brug-20250602",
        "brug-20250603",
    ]
    assert sorted(p.name for p in tmp_path.iterdir())[0] == "brug-20250604T120005Z.db"
    assert (tmp_path / "notes.txt").exists() and rotate(tmp_path, 0) == []
