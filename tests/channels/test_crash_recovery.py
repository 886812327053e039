"""Kill -9 drill with real processes: the web process killed while webhooks arrive, the worker
killed mid-sending. Nothing acknowledged is lost; the only possible duplicate is the one
message that was at the provider when the worker died."""

import signal
import time

import pytest
from sqlalchemy.orm import sessionmaker

from bot.storage.db import make_engine
from bot.storage.migrate import upgrade
from tests.drills.processes import (
    Platform,
    brug,
    free_port,
    service_env,
    tail,
    telegram_update,
    wait_http,
)
from tests.drills.tally import count
from tests.fakes import Recorder, fake_telegram_app, serve

pytestmark = [pytest.mark.slow, pytest.mark.drill]
USERS = 12


def test_kill_9_of_web_and_worker_loses_nothing(tmp_path):
    rec = Recorder(delay=0.15)
    database_url = f"sqlite:///{tmp_path}/brug.db"
    db = make_engine(database_url)
    upgrade(db)
    web_log, worker_log = tmp_path / "web.log", tmp_path / "worker.log"
    with serve(fake_telegram_app(rec)) as tg_url:
        env = service_env(tmp_path, database_url, tg_url)
        web_env = {**env, "BRUG_RUN_WORKER": "false"}
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        web = brug("serve", "--port", str(port), env=web_env, log=web_log)
        worker = None
        try:
            wait_http(f"{base}/healthz")
            updates = [telegram_update(5000 + i, 700000 + i, "/start") for i in range(USERS)]
            platform = Platform(base, "telegram", updates, pause=0.02)
            platform.start()
            while len(platform.acknowledged) < USERS // 2 and platform.is_alive():
                time.sleep(0.005)
            web.send_signal(signal.SIGKILL)  # mid-flight: updates still arriving
            web.wait()
            acknowledged_at_kill = len(platform.acknowledged)
            assert rec.named("sendMessage") == []  # the web process does not send
            # a new web process and the worker start together; the platform delivers again
            web = brug("serve", "--port", str(port), env=web_env, log=web_log)
            worker = brug("worker", env=env, log=worker_log)
            platform.join(timeout=90)
            assert platform.error is None and not platform.is_alive(), tail(web_log)
            deadline = time.monotonic() + 90
            while len(rec.named("sendMessage")) < USERS and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            for proc in (web, worker):  # the worker mid-flight: some sends done, others leased
                if proc is not None:
                    proc.send_signal(signal.SIGKILL)
                    proc.wait()
        sent_before = len(rec.named("sendMessage"))
        assert 0 < sent_before < 2 * USERS, tail(worker_log)

        # leases outlive a crash by 60 s; an operator's --recover releases them at once
        finish = brug("worker", "--once", "--recover", env=env, log=worker_log)
        assert finish.wait(timeout=120) == 0, tail(worker_log)

    tally = count(sessionmaker(db), platform.acknowledged, rec)
    db.dispose()
    line = tally.line(
        "kill -9 drill",
        {
            "acknowledged before the web's kill": acknowledged_at_kill,
            "failed deliveries while it restarted": platform.refused(),
            "sent before the worker's kill": sent_before,
        },
    )
    print(line)
    assert tally.inbound == USERS and tally.processed == USERS, line
    assert tally.expected >= 2 * USERS, line  # greeting and language menu for everyone
    assert tally.lost == 0, line
    assert tally.duplicated <= 1, line  # only the message at the provider during the kill
