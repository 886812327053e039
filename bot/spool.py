"""The spool: webhooks received while the database is down, kept on local disk until it is back.

Telegram delivers an update again after a 503, Twilio does not (unless the webhook URL carries
connection overrides): so while the database refuses a webhook's insert, the web process
appends the authenticated event — the same data it would have inserted — as one JSON line to
its own file, fsyncs it and answers 200. A background task in every web process and
``brug worker`` stores the spooled events once the database answers (the insert is
``ON CONFLICT DO NOTHING`` on the event's key, so a replay never duplicates) and deletes the
file.

Several processes share the folder safely through ``flock``: each holds an exclusive lock on
its own file while it lives, so no one else touches it; a process drains its own file by
renaming it first (new webhooks go to a fresh file meanwhile); a file whose owner has died is
unlocked, and any process may claim it by taking its lock. The files hold message text
(personal data): they live only until the database is back, are readable by the service's
user only, and nothing from them is logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import logging
import os
import secrets
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)
SUFFIX = ".jsonl"
ROUNDS = 10  # a drain follows its own file this often while webhooks keep arriving


class Spool:
    """This process's spool in ``directory``; ``append`` and ``drain`` may run in any thread."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._lock = threading.Lock()
        self._fd: int | None = None  # this process's open, locked file, if any
        self._path: Path | None = None
        self._size = 0
        self._mine: set[str] = set()  # this process's files not drained yet

    @property
    def pending(self) -> bool:
        """This process spooled events that are not stored yet: new ones are spooled behind
        them, so a user's messages reach the database in order."""
        return self._fd is not None or bool(self._mine)

    def append(self, record: dict[str, Any]) -> None:
        """Write one record durably (fsync) or raise OSError (no space, no folder)."""
        line = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        with self._lock:
            if self._fd is None:
                self._open()
            assert self._fd is not None
            try:
                written = os.write(self._fd, line)
                if written != len(line):
                    raise OSError(28, "short write to the spool")  # ENOSPC
                os.fsync(self._fd)
            except OSError:
                with contextlib.suppress(OSError):  # no torn line for the next record to follow
                    os.ftruncate(self._fd, self._size)
                raise
            self._size += written

    def _open(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        while True:
            path = self.directory / f"inbound-{os.getpid()}-{secrets.token_hex(4)}{SUFFIX}"
            fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:  # a drainer took the empty file first: it will delete it
                os.close(fd)
                continue
            break
        _fsync_dir(self.directory)
        self._fd, self._path, self._size = fd, path, 0
        logger.warning("database unavailable: keeping webhooks in %s until it is back", path.name)

    def drain(self, store: Callable[[dict[str, Any]], bool]) -> int:
        """Hand every spooled record to ``store``, oldest file first, deleting each file once
        all its records are stored; returns how many ``store`` called new. An exception from
        ``store`` (the database is still down) ends the drain with the file kept."""
        stored = 0
        for _ in range(ROUNDS):
            first = self._first_record()
            if first is not None:  # is the database back? Renaming only then keeps one file
                stored += store(first)  # per outage, however many rounds fail; its replay
                # below is then a no-op
            claimed = self._claim()
            try:
                while claimed:
                    path, fd = claimed[0]
                    stored += self._drain_file(path, fd, store)
                    claimed.pop(0)
            finally:
                for _, fd in claimed:
                    os.close(fd)
            with self._lock:
                if self._fd is None:  # nothing arrived meanwhile: webhooks go to the database
                    self._mine = {n for n in self._mine if (self.directory / n).exists()}
                    break
        return stored

    def _first_record(self) -> dict[str, Any] | None:
        with self._lock:
            if self._fd is None:
                return None
            head = os.pread(self._fd, min(self._size, 2 * 1024 * 1024), 0)
        line, newline, _ = head.partition(b"\n")
        if not newline:
            return None
        try:
            record = json.loads(line)
        except ValueError:
            return None
        return record if isinstance(record, dict) else None

    def _claim(self) -> list[tuple[Path, int]]:
        """Lock every file no living process holds: our own (renamed, so that new webhooks go
        to a fresh file) and those of processes that died."""
        claimed: list[tuple[Path, int]] = []
        own: Path | None = None
        with self._lock:
            if self._fd is not None and self._path is not None:
                own = self._path.with_name(self._path.name.replace("inbound-", "draining-", 1))
                os.rename(self._path, own)
                claimed.append((own, self._fd))
                self._mine.add(own.name)
                self._fd, self._path, self._size = None, None, 0
        try:
            names = os.listdir(self.directory)
        except FileNotFoundError:
            return claimed
        for _, path in sorted(_stat_order(self.directory, names)):
            if path == own:
                continue
            try:
                fd = os.open(path, os.O_RDONLY)
            except FileNotFoundError:
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:  # its process lives (or another one drains it)
                os.close(fd)
                continue
            if os.fstat(fd).st_nlink == 0:  # drained and deleted since we listed it
                os.close(fd)
                continue
            claimed.append((path, fd))
        return claimed

    def _drain_file(self, path: Path, fd: int, store: Callable[[dict[str, Any]], bool]) -> int:
        with open(fd, "rb", closefd=False) as f:
            f.seek(0)
            data = f.read()
        stored = torn = 0
        for line in data.splitlines():
            try:
                record = json.loads(line)
            except ValueError:  # a write cut short by a crash: never acknowledged
                torn += 1
                continue
            if isinstance(record, dict) and store(record):
                stored += 1
        path.unlink()
        os.close(fd)
        self._mine.discard(path.name)
        logger.info(
            "spool %s stored: %d new, %d already there, %d torn lines",
            path.name,
            stored,
            len(data.splitlines()) - stored - torn,
            torn,
        )
        return stored

    def close(self) -> None:
        """Let go of this process's file (what it holds stays for the next drain)."""
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd, self._path = None, None


def _stat_order(directory: Path, names: list[str]) -> list[tuple[int, Path]]:
    """Spool files by modification time (oldest first)."""
    found = []
    for name in names:
        if name.endswith(SUFFIX) and name.startswith(("inbound-", "draining-")):
            path = directory / name
            with contextlib.suppress(FileNotFoundError):
                found.append((path.stat().st_mtime_ns, path))
    return found


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


async def run_forever(
    drain: Callable[[], int],
    stop: asyncio.Event,
    on_stored: Callable[[], None],
    interval: float = 1.0,
) -> None:
    """Drain the spool now (leftovers of dead processes) and every ``interval`` seconds."""
    while not stop.is_set():
        try:
            if await asyncio.to_thread(drain):
                on_stored()
        except Exception:
            logger.exception("draining the spool failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
