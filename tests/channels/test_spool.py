"""The spool is shared by the processes of one machine: each writes its own file; a living
process's file is never touched by another; a dead process's file is stored by whoever
drains next; a line cut short by a crash is skipped. (The drills show the webhooks' side:
``tests/drills/test_database_outage_spool.py``, ``test_postgres_restart.py``.)"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.service import inbound_to_data
from bot.spool import Spool
from handlers.telegram.convert import to_inbound
from tests.channels.conftest import run
from tests.conftest import ROOT
from tests.fakes import load_payload

# another process: spools two updates, then dies at once (kill -9) or waits to be killed
OTHER_PROCESS = """
import os, signal, sys
from pathlib import Path
from tests.channels.test_spool import record
from bot.spool import Spool
spool = Spool(Path(sys.argv[1]))
for n in (1, 2):
    spool.append(record(int(sys.argv[2]) + n, "hello"))
print("spooled", flush=True)
if sys.argv[3] == "die":
    os.kill(os.getpid(), signal.SIGKILL)
sys.stdin.read()
"""


def record(update_id: int, text: str, chat: int = 861000) -> dict[str, Any]:
    """A spooled Telegram update, as the webhook would spool it."""
    payload = load_payload("telegram/message__text.json", update_id=update_id, text=text)
    payload["message"]["chat"]["id"] = payload["message"]["from"]["id"] = chat + update_id
    item = to_inbound(payload, datetime.now(UTC))
    assert item is not None
    return {"key": item[0], "inbound": inbound_to_data(item[1])}


def other_process(spool_dir: Path, first_id: int, fate: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", OTHER_PROCESS, str(spool_dir), str(first_id), fate],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline() == "spooled\n"
    return proc


def greeted(harness: Any) -> set[int]:
    return {int(m["chat_id"]) for m in harness.telegram.named("sendMessage")}


def test_a_spool_left_by_a_process_killed_mid_outage_is_stored_and_answered_once(harness):
    spool_dir = harness.app.state.spool.directory
    with other_process(spool_dir, 100, "die") as proc:
        proc.wait()
    assert len(os.listdir(spool_dir)) == 1

    async def scenario() -> None:
        await harness.flush()  # what the background task of any process does
        await harness.flush()

    run(scenario(), harness)
    assert greeted(harness) == {861101, 861102}
    assert len(harness.telegram.named("sendMessage")) == 4  # greeting and menu, once each
    assert os.listdir(spool_dir) == []


def test_a_living_process_spool_is_left_alone_until_it_dies(harness):
    spool_dir = harness.app.state.spool.directory
    with other_process(spool_dir, 200, "live") as proc:
        try:
            assert harness.app.state.service.drain_spool() == 0
            assert len(os.listdir(spool_dir)) == 1  # it may still be writing: not ours to take
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
    assert harness.app.state.service.drain_spool() == 2
    assert os.listdir(spool_dir) == []


def test_a_line_cut_short_by_a_crash_is_skipped_and_the_rest_is_stored(harness):
    spool_dir = harness.app.state.spool.directory
    spool_dir.mkdir(parents=True)
    whole = json.dumps(record(300, "first")).encode()
    torn = json.dumps(record(301, "second")).encode()[:40]
    (spool_dir / "inbound-999999-dead.jsonl").write_bytes(whole + b"\n" + torn)
    assert harness.app.state.service.drain_spool() == 1
    assert harness.app.state.service.drain_spool() == 0
    assert os.listdir(spool_dir) == []


def test_two_processes_draining_at_once_hand_each_event_over_once(tmp_path):
    spool_dir = tmp_path / "spool"
    spool_dir.mkdir()
    for n in range(40):  # leftovers of forty dead processes
        line = json.dumps(record(400 + n, "hi")) + "\n"
        (spool_dir / f"inbound-{10_000 + n}-dead.jsonl").write_text(line)
    handed: list[str] = []
    lock = threading.Lock()

    def store(rec: dict[str, Any]) -> bool:
        with lock:
            handed.append(rec["key"])
        return True

    drainers = [threading.Thread(target=Spool(spool_dir).drain, args=(store,)) for _ in range(2)]
    for t in drainers:
        t.start()
    for t in drainers:
        t.join()
    assert sorted(handed) == sorted({str(400 + n) for n in range(40)})  # each once
    assert os.listdir(spool_dir) == []


def test_a_process_spools_into_one_private_file_and_keeps_writing_while_it_drains(tmp_path):
    spool = Spool(tmp_path / "spool")
    spool.append(record(500, "a"))
    spool.append(record(501, "b"))
    (name,) = os.listdir(tmp_path / "spool")
    assert name.startswith(f"inbound-{os.getpid()}-")
    assert (tmp_path / "spool" / name).stat().st_mode & 0o077 == 0  # personal data: owner only
    assert spool.pending

    stored: list[str] = []

    def store(rec: dict[str, Any]) -> bool:  # as the database's ON CONFLICT DO NOTHING
        if rec["key"] == "501":  # a webhook arrives while the drain is under way
            spool.append(record(502, "c"))
        if rec["key"] in stored:
            return False
        stored.append(rec["key"])
        return True

    assert spool.drain(store) == 3
    assert stored == ["500", "501", "502"]  # in order; 502 from a fresh file after the rename
    assert not spool.pending and os.listdir(tmp_path / "spool") == []
