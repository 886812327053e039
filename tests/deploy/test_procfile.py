"""The Procfile as a deploy runs it: honcho runs `release`, then `web` and `worker` on SQLite;
the web process gets ready, the worker processes what arrives, and both stop cleanly."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, insert, select

from bot.messages import Inbound
from bot.service import inbound_to_data
from bot.storage.models import InboundEvent
from tests.conftest import KNOWLEDGE, ROOT

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent
HONCHO = shutil.which("honcho", path=str(BIN)) or shutil.which("honcho")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def environment(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONPATH": str(ROOT),
        "BRUG_DATA_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path}/brug.db",
        "BRUG_KNOWLEDGE_DIR": str(KNOWLEDGE),
        "WEB_CONCURRENCY": "1",
        "PYTHONUNBUFFERED": "1",
    }


@pytest.mark.skipif(HONCHO is None, reason="honcho is not installed (the dev extra has it)")
def test_honcho_runs_release_then_web_and_worker_and_stops_them(tmp_path):
    assert HONCHO is not None
    env = environment(tmp_path)
    procfile = ["-f", str(ROOT / "Procfile"), "-d", str(ROOT)]
    release = subprocess.run(
        [HONCHO, *procfile, "start", "release"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert release.returncode == 0, release.stdout + release.stderr
    assert "imported" in release.stdout and "not configured" in release.stdout

    port = free_port()
    with (tmp_path / "honcho.log").open("w+") as log:
        run_web_and_worker(env, procfile, port, log)


def run_web_and_worker(env: dict[str, str], procfile: list[str], port: int, log) -> None:  # type: ignore[no-untyped-def]
    assert HONCHO is not None
    proc = subprocess.Popen(
        [HONCHO, *procfile, "start", "-p", str(port), "web", "worker"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        ready = None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2)
                if ready.status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.5)
        assert ready is not None and ready.status_code == 200, log_text(log)
        assert ready.json()["entries"] > 50

        # something arrives: the web process does not run the worker, the worker process does
        db = create_engine(env["DATABASE_URL"])
        msg = Inbound("web", "procfile-session-1", "/start", datetime.now(UTC))
        with db.begin() as conn:
            conn.execute(
                insert(InboundEvent).values(
                    channel="web",
                    external_key="procfile-1",
                    user_ref=msg.user_ref,
                    payload=inbound_to_data(msg),
                    received_at=msg.received_at,
                    attempts=0,
                )
            )
        processed = None
        deadline = time.monotonic() + 30
        while processed is None and time.monotonic() < deadline:
            with db.connect() as conn:
                processed = conn.execute(select(InboundEvent.processed_at)).scalar()
            time.sleep(0.3)
        db.dispose()
        assert processed is not None, log_text(log)
    finally:
        if proc.poll() is None:
            proc.terminate()  # SIGTERM, as systemd or a PaaS sends on stop
        code = proc.wait(timeout=30)
    out = log_text(log)
    assert "Traceback" not in out, out
    # each stopped by itself on SIGTERM (exec in the Procfile: no shell in between); uvicorn
    # re-raises the signal once it has shut down gracefully, so its status is -15
    assert "worker stopped" in out and "worker.1 stopped (rc=0)" in out, out
    assert "Application shutdown complete" in out, out
    assert "web.1 stopped (rc=0)" in out or "web.1 stopped (rc=-15)" in out, out
    assert code is not None


def log_text(log) -> str:  # type: ignore[no-untyped-def]
    log.flush()
    log.seek(0)
    return str(log.read())
