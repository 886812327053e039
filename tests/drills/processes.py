"""Drills with real processes: ``brug serve`` and ``brug worker`` as the Procfile runs them, and
a platform that delivers webhooks the way Telegram and Twilio do (again until acknowledged)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from twilio.request_validator import RequestValidator

from tests.conftest import KNOWLEDGE, ROOT

SECRET = "drill-secret"
TWILIO_SID = "AC00000000000000000000000000000000"
TWILIO_TOKEN = "drill-twilio-token"
PUBLIC = "https://brug.example.org"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def service_env(tmp_path: Path, database_url: str, tg_url: str, tw_url: str = "") -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "BRUG_DATA_DIR": str(tmp_path / "var"),
        "BRUG_KNOWLEDGE_DIR": str(KNOWLEDGE),
        "TELEGRAM_BOT_TOKEN": "123:DRILL",
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "TELEGRAM_BASE_URL": f"{tg_url}/bot",
        "BRUG_SEND_INTERVAL": "0",
        "BRUG_LOG_LEVEL": "WARNING",
        "PUBLIC_URL": PUBLIC,
    }
    if tw_url:
        env |= {
            "TWILIO_ACCOUNT_SID": TWILIO_SID,
            "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
            "TWILIO_WHATSAPP_FROM": "whatsapp:+3197010000000",
            "TWILIO_API_BASE_URL": tw_url,
        }
    return env


def brug(*args: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start ``brug …``; its output goes to ``log`` (shown when a drill fails)."""
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "bot.cli", *args],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def tail(log: Path, chars: int = 3000) -> str:
    return log.read_text(errors="replace")[-chars:] if log.exists() else ""


def wait_http(url: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not come up")


def telegram_update(update_id: int, chat: int, text: str) -> dict[str, Any]:
    from tests.fakes import load_payload

    return load_payload("telegram/message__text.json", update_id=update_id, id=chat, text=text)


def whatsapp_form(sid: str, phone: str, text: str) -> dict[str, str]:
    from tests.fakes import load_payload

    return load_payload(
        "whatsapp/message__text.json",
        MessageSid=sid,
        SmsMessageSid=sid,
        SmsSid=sid,
        Body=text,
        From=f"whatsapp:{phone}",
        WaId=phone.removeprefix("+"),
    )


class Platform(threading.Thread):
    """Delivers updates in order to ``base``; anything but a 2xx (a 503, a refused or reset
    connection) is delivered again after ``pause`` until acknowledged, as Telegram does.
    With ``redeliver=False`` it gives an update up after one answer that is not a 2xx, as
    Twilio does with a webhook URL without connection overrides (``#rc=``)."""

    def __init__(
        self,
        base: str,
        channel: str,
        updates: list[Any],
        pause: float = 0.05,
        patience: float = 60,
        redeliver: bool = True,
    ) -> None:
        super().__init__(daemon=True)
        self.base, self.channel, self.updates = base, channel, updates
        self.pause, self.patience, self.redeliver = pause, patience, redeliver
        self.dropped: list[str] = []  # keys given up after a failed delivery (no redelivery)
        self.acknowledged: list[tuple[str, str]] = []
        self.statuses: list[int | str] = []  # every answer, or the error's name
        self.error: str | None = None

    def run(self) -> None:
        deadline = time.monotonic() + self.patience
        with httpx.Client(timeout=10) as client:
            for update in self.updates:
                while True:
                    if time.monotonic() > deadline:
                        self.error = "the service did not acknowledge in time"
                        return
                    try:
                        res = self.post(client, update)
                        self.statuses.append(res.status_code)
                        if res.status_code == 200:
                            break
                    except httpx.HTTPError as exc:
                        self.statuses.append(type(exc).__name__)
                    if not self.redeliver:
                        break
                    time.sleep(self.pause)
                if self.statuses[-1] != 200:
                    self.dropped.append(self.key(update))
                    continue
                self.acknowledged.append((self.channel, self.key(update)))
                time.sleep(self.pause)

    def key(self, update: Any) -> str:
        return str(update["update_id"]) if self.channel == "telegram" else update["MessageSid"]

    def post(self, client: httpx.Client, update: Any) -> httpx.Response:
        if self.channel == "telegram":
            return client.post(
                f"{self.base}/telegram/webhook",
                json=update,
                headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
            )
        signature = RequestValidator(TWILIO_TOKEN).compute_signature(
            f"{PUBLIC}/twilio/whatsapp", update
        )
        return client.post(
            f"{self.base}/twilio/whatsapp", data=update, headers={"X-Twilio-Signature": signature}
        )

    def refused(self) -> int:
        """Answers that were not 2xx: each one a delivery the platform had to repeat."""
        return sum(1 for s in self.statuses if s != 200)

    def count(self, status: int | str) -> int:
        return sum(1 for s in self.statuses if s == status)
