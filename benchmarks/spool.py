"""Spool benchmark: what keeping a webhook in the spool costs while the database is down, next
to storing it in SQLite as usual, and how fast a drain stores the spool once it is back.

Each event is a Telegram text update converted as the webhook converts it. ``Spool.append``
writes one JSON line and fsyncs the file (as shipped); the baseline is ``Service.ingest`` (one
``INSERT … ON CONFLICT DO NOTHING`` in SQLite, WAL, synchronous=NORMAL). Both in a folder on
the disk of ``--dir`` (default: a scratch folder under ./var, where the database lives; /tmp
may be memory, where fsync costs nothing).

    python -m benchmarks.spool [--events 2000] [--dir var]
"""

from __future__ import annotations

import argparse
import logging
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import sessionmaker

from benchmarks.report import framed, machine, p50, pct, row, table
from bot.service import Service, inbound_to_data
from bot.spool import Spool
from bot.storage.db import make_engine
from bot.storage.migrate import upgrade
from handlers.telegram.convert import to_inbound
from tests.fakes import load_payload


def events(n: int, first: int) -> list[tuple[str, object]]:
    out = []
    now = datetime.now(UTC)
    for i in range(first, first + n):
        payload = load_payload(
            "telegram/message__text.json", update_id=i, text="gdzie mam sie zameldowac i co zabrac"
        )
        item = to_inbound(payload, now)
        assert item is not None
        out.append(item)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=2000)
    ap.add_argument("--dir", default="var")
    args = ap.parse_args()
    logging.getLogger("bot.spool").setLevel(logging.ERROR)  # its "database unavailable" line
    Path(args.dir).mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="bench-spool-", dir=args.dir))
    try:
        db = make_engine(f"sqlite:///{folder}/brug.db")
        upgrade(db)
        spool = Spool(folder / "spool")
        no_conversation = lambda: None  # noqa: E731 - not used: nothing is processed
        service = Service(sessionmaker(db), no_conversation, secret_key="x", spool=spool)  # type: ignore[arg-type]
        print(machine())
        with framed(f"spool: {args.events} events, one at a time, in {args.dir}"):
            table(["path", "p50 µs", "p99 µs", "events/s"])
            ingest_times = []
            for key, msg in events(args.events, 1):
                t = time.perf_counter()
                service.ingest(msg, key)  # type: ignore[arg-type]
                ingest_times.append(time.perf_counter() - t)
            spool_times = []
            for key, msg in events(args.events, 10**6):
                record = {"key": key, "inbound": inbound_to_data(msg)}  # type: ignore[arg-type]
                t = time.perf_counter()
                spool.append(record)
                spool_times.append(time.perf_counter() - t)
            size = sum(f.stat().st_size for f in (folder / "spool").iterdir())
            t = time.perf_counter()
            stored = service.drain_spool()
            drain = time.perf_counter() - t
            for name, times in (
                ("SQLite ingest (usual)", ingest_times),
                ("spool append + fsync", spool_times),
            ):
                row(
                    name,
                    f"{p50(times) * 1e6:.0f}",
                    f"{pct(times, 0.99) * 1e6:.0f}",
                    f"{len(times) / sum(times):,.0f}",
                )
            row("drain into SQLite", "–", "–", f"{stored / drain:,.0f}")
        print(f"\nspool size {size / args.events:.0f} bytes per event; drained {stored} events")
        db.dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
