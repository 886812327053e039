"""A full disk, faked at the filesystem's edge.

The database: ``PRAGMA max_page_count`` caps every connection at the file's current size, so
SQLite's writes fail with SQLITE_FULL as on a full disk. The spool folder: a plain file takes
its place, so creating a spool file fails with an OSError as on a disk with no room left.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event


class Disk:
    """``fill`` caps the database (and, given ``spool``, blocks the spool folder); ``free``
    lifts both."""

    def __init__(self, db: Engine, spool: Path | None = None) -> None:
        self.db, self.spool = db, spool
        self.pages = 0

    def _cap(self, dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute(f"PRAGMA max_page_count={self.pages}")

    def fill(self) -> None:
        with self.db.connect() as conn:
            self.pages = conn.exec_driver_sql("PRAGMA page_count").scalar_one()
        event.listen(self.db, "connect", self._cap)
        self.db.dispose()  # pooled connections reconnect, capped
        if self.spool is not None:
            shutil.rmtree(self.spool, ignore_errors=True)
            self.spool.parent.mkdir(parents=True, exist_ok=True)
            self.spool.write_bytes(b"")

    def free(self) -> None:
        event.remove(self.db, "connect", self._cap)
        self.db.dispose()
        if self.spool is not None:
            self.spool.unlink()
