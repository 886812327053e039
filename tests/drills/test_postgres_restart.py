"""PostgreSQL restart drill: `brug serve` and `brug worker` on their own cluster, users writing
on Telegram and WhatsApp, and the database restarted (``pg_ctl stop -m fast``, then start) in
the middle of it. Webhooks during the restart are kept in the web process's spool and answered
200 — WhatsApp here, as Twilio, never delivers a refused webhook again; afterwards every
update is processed once and every reply reaches its chat once, in order."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable
from contextlib import ExitStack

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from bot.storage.db import make_engine
from bot.storage.migrate import upgrade
from bot.storage.models import InboundEvent, Outbox
from bot.storage.pgcluster import ClusterError, running_cluster
from tests.drills.processes import (
    Platform,
    brug,
    free_port,
    service_env,
    tail,
    telegram_update,
    wait_http,
    whatsapp_form,
)
from tests.drills.tally import count
from tests.fakes import Recorder, fake_telegram_app, fake_twilio_app, serve

pytestmark = [pytest.mark.drill, pytest.mark.postgres, pytest.mark.slow]

USERS = 8  # per channel
MESSAGES = 3  # each
DOWN = 3.0  # seconds the database stays down
QUESTIONS = (
    "how do I get a BSN number",
    "gdzie mam sie zameldowac i co zabrac",
    "agentia imi ia 110 euro pe saptamana pt cazare e legal?",
)


def traffic() -> tuple[list, list]:
    telegram, whatsapp = [], []
    for m in range(MESSAGES):
        for user in range(USERS):
            text = QUESTIONS[(user + m) % len(QUESTIONS)]
            telegram.append(telegram_update(600000 + m * 100 + user, 830000 + user, text))
            whatsapp.append(whatsapp_form(f"SM{m * 100 + user:032d}", f"+4073000{user:04d}", text))
    return telegram, whatsapp


def drained(sessions: sessionmaker) -> bool:
    with sessions() as s:
        unprocessed = s.scalar(select(func.count()).where(InboundEvent.processed_at.is_(None)))
        unsent = s.scalar(select(func.count()).where(Outbox.status.in_(("queued", "sending"))))
    return unprocessed == 0 and unsent == 0


def wait_for(condition: Callable[[], bool], why: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, why
        time.sleep(0.1)


def stop(*procs: subprocess.Popen[bytes]) -> None:
    for proc in procs:
        proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_a_postgresql_restart_mid_flight_loses_and_duplicates_nothing(tmp_path):
    tg, tw = Recorder(), Recorder()
    web_log, worker_log = tmp_path / "web.log", tmp_path / "worker.log"
    with ExitStack() as stack:
        try:
            cluster = stack.enter_context(running_cluster("brug-drill-pg-"))
        except ClusterError as exc:
            pytest.fail(f"{exc}: run `make system-deps`")
        tg_url = stack.enter_context(serve(fake_telegram_app(tg)))
        tw_url = stack.enter_context(serve(fake_twilio_app(tw)))
        db = make_engine(cluster.url)
        stack.callback(db.dispose)
        upgrade(db)
        sessions = sessionmaker(db, expire_on_commit=False)
        env = service_env(tmp_path, cluster.url, tg_url, tw_url)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        web = brug(
            "serve", "--port", str(port), env={**env, "BRUG_RUN_WORKER": "false"}, log=web_log
        )
        worker = brug("worker", env=env, log=worker_log)
        stack.callback(stop, web, worker)

        wait_http(f"{base}/healthz")
        warm_up = Platform(base, "telegram", [telegram_update(1, 839999, "hello")])
        warm_up.run()  # one user answered: the web and the worker are both at work
        wait_for(lambda: len(tg.delivered) > 0, tail(worker_log))
        telegram, whatsapp = traffic()
        platforms = [
            Platform(base, "telegram", telegram, pause=0.08),
            Platform(base, "whatsapp", whatsapp, pause=0.08, redeliver=False),
        ]
        for p in platforms:
            p.start()
        while sum(len(p.acknowledged) for p in platforms) < len(telegram) // 2:
            time.sleep(0.02)
        sent_before = len(tg.delivered) + len(tw.delivered)
        cluster.stop("fast")  # mid-flight: webhooks arriving, the worker sending
        time.sleep(DOWN)
        cluster.start()
        for p in platforms:
            p.join(timeout=90)
            assert p.error is None and not p.is_alive(), tail(web_log)
        wait_for(lambda: drained(sessions), tail(worker_log))
        time.sleep(0.5)  # anything sent twice would arrive now
        assert web.poll() is None and worker.poll() is None, "a process died" + tail(worker_log)
        acknowledged = [k for p in [warm_up, *platforms] for k in p.acknowledged]
        tally = count(sessions, acknowledged, tg, tw)

    answered_503 = sum(p.count(503) for p in platforms)
    other_failures = sum(p.refused() for p in platforms) - answered_503
    dropped = sum(len(p.dropped) for p in platforms)
    spooled = web_log.read_text(errors="replace").count("keeping webhooks in")
    line = tally.line(
        f"postgres restart drill ({DOWN} s down)",
        {
            "webhooks answered 503": answered_503,
            "other failed deliveries": other_failures,
            "WhatsApp messages dropped": dropped,
            "spool files": spooled,
            "sent before the restart": sent_before,
        },
    )
    print(line)
    assert spooled > 0, "the restart must have hit webhooks" + tail(web_log)
    assert answered_503 == 0 and other_failures == 0 and dropped == 0, line + tail(web_log)
    assert tally.inbound == 2 * USERS * MESSAGES + 1, line
    assert tally.processed == tally.inbound, line + tail(worker_log)
    assert tally.lost == 0 and tally.duplicated == 0 and not tally.out_of_order, line
