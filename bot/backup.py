"""Backups while the service runs: SQLite's online backup API, or ``pg_dump`` for PostgreSQL.

SQLite: the backup API copies the database inside one read transaction, so the copy is one
consistent state even while the web and worker processes write (WAL mode: they are not held up).
PostgreSQL: ``pg_dump --format=custom`` dumps one snapshot (restore with ``pg_restore``).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.errors import BrugError
from bot.storage.pgcluster import find_bindir

PREFIX = "brug-"


class BackupError(BrugError):
    pass


def backup_name(now: datetime, suffix: str) -> str:
    return f"{PREFIX}{now.strftime('%Y%m%dT%H%M%SZ')}{suffix}"


def backup(database_url: str, folder: Path, now: datetime) -> Path:
    """Write one backup of the database into ``folder``; returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return backup_sqlite(Path(url.database or ""), folder / backup_name(now, ".db"))
    if url.get_backend_name() == "postgresql":
        return backup_postgres(database_url, folder / backup_name(now, ".dump"))
    raise BackupError(f"no backup method for {url.get_backend_name()} databases")


def backup_sqlite(source: Path, target: Path) -> Path:
    if not source.is_file():
        raise BackupError(f"no SQLite database at {source}")
    partial = target.with_name(target.name + ".partial")
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(partial)
    try:
        # one step: a single read transaction, so one consistent state; in WAL mode (ours)
        # a reader holds up no writer, and a step-wise copy would restart at every write
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    finally:
        dst.close()
        src.close()
    partial.replace(target)
    target.chmod(0o600)
    return target


def pg_dump_path() -> str:
    found = shutil.which("pg_dump")
    if found:
        return found
    bindir = find_bindir()
    if bindir is not None and (bindir / "pg_dump").exists():
        return str(bindir / "pg_dump")
    raise BackupError(
        "pg_dump was not found: install the PostgreSQL client tools "
        "(apt-get install postgresql-client) in the version of the server"
    )


def backup_postgres(database_url: str, target: Path) -> Path:
    url = make_url(database_url).set(drivername="postgresql")
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)  # never on the command line (ps shows it)
        url = url.set(password=None)
    partial = target.with_name(target.name + ".partial")
    result = subprocess.run(
        [
            pg_dump_path(),
            "--format=custom",
            "--no-password",
            f"--file={partial}",
            f"--dbname={url.render_as_string(hide_password=False)}",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        partial.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {result.stderr.strip()[-500:]}")
    partial.replace(target)
    target.chmod(0o600)
    return target


def rotate(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups in ``folder``; returns what was deleted."""
    found = sorted(
        p for p in folder.glob(f"{PREFIX}*") if p.suffix in (".db", ".dump") and p.is_file()
    )
    old = found[:-keep] if keep > 0 else []
    for path in old:
        path.unlink()
    return old
