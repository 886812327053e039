"""Kill -9 drills with real processes: nothing stored is lost, duplicates only from the crash window."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter

import httpx
import pytest

from tests.conftest import KNOWLEDGE, ROOT
from tests.fakes import Recorder, fake_telegram_app, load_payload, serve

SECRET = "crash-secret"
USERS = 12


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env_for(tmp_path, tg_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path}/brug.db",
        "BRUG_DATA_DIR": str(tmp_path / "var"),
        "BRUG_KNOWLEDGE_DIR": str(KNOWLEDGE),
        "TELEGRAM_BOT_TOKEN": "123:CRASH",
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "TELEGRAM_BASE_URL": f"{tg_url}/bot",
        "BRUG_SEND_INTERVAL": "0",
        "BRUG_LOG_LEVEL": "WARNING",
    }


def brug(*args: str, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not come up")


@pytest.mark.slow
def test_kill_9_of_web_and_worker_loses_nothing(tmp_path):
    rec = Recorder(delay=0.15)
    with serve(fake_telegram_app(rec)) as tg_url:
        env = env_for(tmp_path, tg_url)
        assert (
            subprocess.run(
                [sys.executable, "-m", "bot.cli", "db", "upgrade"],
                env=env,
                cwd=ROOT,
                capture_output=True,
            ).returncode
            == 0
        )
        port = free_port()
        web = brug("serve", "--port", str(port), env={**env, "BRUG_RUN_WORKER": "false"})
        try:
            wait_http(f"http://127.0.0.1:{port}/healthz")
            for i in range(USERS):
                update = load_payload(
                    "telegram/message__text.json", update_id=5000 + i, text="/start"
                )
                update["message"]["chat"]["id"] = 700000 + i
                res = httpx.post(
                    f"http://127.0.0.1:{port}/telegram/webhook",
                    json=update,
                    headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
                    timeout=10,
                )
                assert res.status_code == 200
        finally:
            web.send_signal(signal.SIGKILL)  # stored, answered 200, nothing processed or sent yet
            web.wait()
        assert rec.named("sendMessage") == []

        worker = brug("worker", env=env)
        deadline = time.monotonic() + 60
        while len(rec.named("sendMessage")) < USERS and time.monotonic() < deadline:
            time.sleep(0.05)
        worker.send_signal(signal.SIGKILL)  # mid-flight: some sends done, others leased or queued
        worker.wait()
        sent_before = len(rec.named("sendMessage"))
        assert 0 < sent_before < 2 * USERS

        # leases outlive a crash by 60 s; an operator's --recover releases them at once
        finish = subprocess.run(
            [sys.executable, "-m", "bot.cli", "worker", "--once", "--recover"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            timeout=120,
        )
        assert finish.returncode == 0, finish.stderr.decode()[-2000:]

    per_chat = Counter(int(p["chat_id"]) for p in rec.named("sendMessage"))
    assert set(per_chat) == {700000 + i for i in range(USERS)}
    assert all(n >= 2 for n in per_chat.values())  # greeting and language menu reached everyone
    duplicates = sum(n - 2 for n in per_chat.values())
    assert duplicates <= 1  # only a message in flight at the kill can be sent twice
    print(f"crash drill: {USERS} users, {sent_before} sent before kill -9, duplicates {duplicates}")
