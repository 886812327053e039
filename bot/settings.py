"""Settings, read once from the environment, typed and documented.

Every setting has a default or fails at start-up with a clear message.
Secrets may also be given as ``NAME_FILE`` (a path whose contents are the
value). The README's configuration table is checked against ``SETTINGS``
by a test, so a new setting must be documented there.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import SettingsError
from bot.languages import ALL_CODES
from bot.officehours import OfficeHours

_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{4,31}")  # Telegram's rule for usernames
_CONTENT_SID = re.compile(r"HX[0-9a-fA-F]{32}")  # a Twilio Content template SID

# name -> (default or None when required/derived, description)
SETTINGS: dict[str, tuple[str | None, str]] = {
    "DATABASE_URL": ("sqlite:///var/brug.db", "SQLAlchemy URL; PostgreSQL in production"),
    "BRUG_ENV": ("development", "`development` or `production` (production requires SECRET_KEY)"),
    "SECRET_KEY": (
        None,
        "signs sessions and pseudonymises ids; generated into var/ in development",
    ),
    "BRUG_DEFAULT_COUNTRY": ("NL", "country assumed until the user picks one: NL or BE"),
    "BRUG_LANGUAGES": (",".join(ALL_CODES), "comma-separated ISO 639-1 codes the bot offers"),
    "BRUG_KNOWLEDGE_DIR": ("knowledge", "folder of the YAML knowledge base"),
    "BRUG_DATA_DIR": ("var", "folder for the SQLite database, generated keys and backups"),
    "BRUG_ANSWER_THRESHOLD": (
        "0.60",
        "confidence above which a smaller lead over the runner-up suffices to answer",
    ),
    "BRUG_CLARIFY_THRESHOLD": ("0.50", "below this confidence the bot says it has no answer"),
    "BRUG_CLARIFY_MARGIN": (
        "0.06",
        "lead over the runner-up needed to answer; below it the bot asks which one",
    ),
    "BRUG_BE_FALLBACK_LANG": (
        "en",
        "language of BE answers missing in the user's language: en or nl",
    ),
    "BRUG_LOG_LEVEL": ("INFO", "Python logging level"),
    "BRUG_LOG_FORMAT": ("text", "`text` (one readable line) or `json` (one JSON object per line)"),
    "BRUG_RETENTION_DAYS": ("90", "messages and closed cases older than this are deleted"),
    "BRUG_RETENTION_INTERVAL": (
        "3600",
        "seconds between two retention runs of the worker (`brug worker`, `brug serve`)",
    ),
    "BRUG_SEND_INTERVAL": (
        "1.0",
        "seconds between two messages to the same chat (provider flood limits)",
    ),
    "BRUG_SEND_RATE": (
        "25",
        "messages per second per bot (channel) across all sending processes; 0 turns pacing off",
    ),
    "BRUG_SENDERS": (
        "1",
        "number of processes that send (`brug worker`s, `brug serve`s with BRUG_RUN_WORKER): "
        "each paces at BRUG_SEND_RATE / BRUG_SENDERS",
    ),
    "BRUG_SEND_GIVE_UP_HOURS": (
        "72",
        "a reply the provider keeps refusing (5xx, no connection) is retried until this old",
    ),
    "BRUG_SPOOL_DIR": (
        None,
        "local folder for webhooks received while the database is down; "
        "default BRUG_DATA_DIR/spool",
    ),
    "BRUG_RUN_WORKER": ("true", "`brug serve` also runs the processor and sender in-process"),
    "BRUG_WORKER_NICE": (
        "5",
        "`brug worker` lowers its CPU priority by this much (0-19), so that on a machine it "
        "shares with web processes the webhooks answer first; 0 keeps it",
    ),
    "BRUG_TRANSLATION_DIR": (
        None,
        "folder of installed argos-translate models; default BRUG_DATA_DIR/translation",
    ),
    "BRUG_OFFICE_HOURS": (
        "mon-fri 09:00-17:00",
        "when bridge workers answer if no team serves the user (teams have their own hours: "
        "/admin/teams), e.g. mon-thu 09:00-17:00; fri 09:00-13:00",
    ),
    "BRUG_STAFF_LANGUAGE": ("en", "language of the bot's posts in the staff group: en or nl"),
    "BRUG_TIMEZONE": ("Europe/Amsterdam", "time zone of the office hours"),
    "BRUG_REVIEW_SECOND_PERSON": (
        "false",
        "a translation edited by one person is marked reviewed only by another",
    ),
    "BRUG_REOPEN_DAYS": ("7", "a new request within this many days of resolving reopens the case"),
    "PUBLIC_URL": (
        "",
        "public base URL of the service (Twilio signs requests to it; webhooks are set to it)",
    ),
    "TELEGRAM_BOT_TOKEN": ("", "Telegram bot token; Telegram is off when empty"),
    "TELEGRAM_WEBHOOK_SECRET": (
        "",
        "secret Telegram echoes in X-Telegram-Bot-Api-Secret-Token (required with a token)",
    ),
    "TELEGRAM_MODE": ("webhook", "`webhook` (production) or `polling` (local development)"),
    "TELEGRAM_BASE_URL": (
        "https://api.telegram.org/bot",
        "Bot API base URL (a self-hosted server or a local fake)",
    ),
    "TELEGRAM_STAFF_CHAT_ID": (
        "",
        "Telegram group of bridge workers: new cases are posted there (optional)",
    ),
    "TELEGRAM_STAFF_TOPICS": (
        "",
        "forum topics of the staff group by the user's language, e.g. pl=12,ro=13,*=1 "
        "(`brug telegram create-topics` makes them; optional)",
    ),
    "TELEGRAM_BOT_USERNAME": (
        "",
        "the bot's @username, for t.me links and posters at /admin/reach (optional)",
    ),
    "TWILIO_ACCOUNT_SID": ("", "Twilio account SID; WhatsApp is off when empty"),
    "TWILIO_AUTH_TOKEN": ("", "Twilio auth token: signs webhooks, authenticates REST calls"),
    "TWILIO_WHATSAPP_FROM": ("", "the bot's WhatsApp sender, e.g. whatsapp:+3197010000000"),
    "TWILIO_API_BASE_URL": (
        "https://api.twilio.com",
        "replaces https://api.twilio.com in every REST call",
    ),
    "TWILIO_TEMPLATE_SIDS": (
        "",
        "approved 'reply waiting' Content template per language: pl=HX…,ro=HX…,en=HX…",
    ),
    "TWILIO_QUICK_REPLY_SIDS": (
        "",
        "twilio/quick-reply Content templates by number of buttons: 1=HX…,2=HX…,3=HX… "
        "(see docs/whatsapp-quick-reply.json); options stay a numbered list without them",
    ),
    "HOST": ("127.0.0.1", "address `brug serve` binds to"),
    "PORT": ("8000", "port `brug serve` listens on"),
}


def _read(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name)
    if value is None and env.get(f"{name}_FILE"):
        path = Path(env[f"{name}_FILE"])
        try:
            value = path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise SettingsError(f"{name}_FILE", f"cannot read {path}: {exc.strerror}") from exc
    if value is None:
        value = SETTINGS[name][0]
    return value


def _float(env: Mapping[str, str], name: str) -> float:
    raw = _read(env, name) or ""
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(name, f"expected a number, got {raw!r}") from None
    if not 0.0 <= value <= 1.0:
        raise SettingsError(name, f"expected a value between 0 and 1, got {value}")
    return value


def _int(env: Mapping[str, str], name: str) -> int:
    raw = _read(env, name) or ""
    if not raw.isdigit():
        raise SettingsError(name, f"expected a whole number, got {raw!r}")
    return int(raw)


@dataclass(frozen=True)
class Settings:
    database_url: str
    env: str
    secret_key: str
    default_country: str
    languages: tuple[str, ...]
    knowledge_dir: Path
    data_dir: Path
    answer_threshold: float
    clarify_threshold: float
    clarify_margin: float
    be_fallback_lang: str
    log_level: str
    host: str
    port: int
    retention_days: int = 90
    retention_interval: int = 3600
    log_format: str = "text"
    office_hours: OfficeHours = field(
        default_factory=lambda: OfficeHours.parse("mon-fri 09:00-17:00", "Europe/Amsterdam")
    )
    reopen_days: int = 7
    translation_dir: Path = Path("var/translation")
    send_interval: float = 1.0
    send_rate: float = 25.0  # messages/s per bot across all sending processes; 0: unpaced
    senders: int = 1  # sending processes sharing send_rate
    send_give_up_hours: int = 72
    spool_dir: Path = Path("var/spool")
    run_worker: bool = True
    worker_nice: int = 5
    review_second_person: bool = False
    public_url: str = ""
    telegram_token: str = ""
    telegram_secret: str = ""
    telegram_mode: str = "webhook"
    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_staff_chat: str = ""
    telegram_staff_topics: dict[str, str] = field(default_factory=dict)
    staff_language: str = "en"
    telegram_username: str = ""
    twilio_sid: str = ""
    twilio_token: str = ""
    twilio_from: str = ""
    twilio_base_url: str = "https://api.twilio.com"
    twilio_templates: dict[str, str] = field(default_factory=dict)
    twilio_quick_replies: dict[int, str] = field(default_factory=dict)  # buttons -> content SID
    unknown: tuple[str, ...] = ()  # BRUG_/TELEGRAM_/TWILIO_ variables that are no setting (typos?)

    @property
    def send_rate_per_process(self) -> float:
        """This process's share of the bot-wide rate (0: unpaced)."""
        return self.send_rate / self.senders

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        brug_env = _read(env, "BRUG_ENV") or "development"
        if brug_env not in ("development", "production"):
            raise SettingsError("BRUG_ENV", f"expected development or production, got {brug_env!r}")
        data_dir = Path(_read(env, "BRUG_DATA_DIR") or "var")

        country = (_read(env, "BRUG_DEFAULT_COUNTRY") or "").upper()
        if country not in ("NL", "BE"):
            raise SettingsError("BRUG_DEFAULT_COUNTRY", f"expected NL or BE, got {country!r}")

        langs = tuple(
            c.strip() for c in (_read(env, "BRUG_LANGUAGES") or "").split(",") if c.strip()
        )
        unknown = [c for c in langs if c not in ALL_CODES]
        if unknown or not langs:
            raise SettingsError(
                "BRUG_LANGUAGES", f"unknown codes {unknown}; supported: {', '.join(ALL_CODES)}"
            )

        be_lang = _read(env, "BRUG_BE_FALLBACK_LANG") or "en"
        if be_lang not in ("en", "nl"):
            raise SettingsError("BRUG_BE_FALLBACK_LANG", f"expected en or nl, got {be_lang!r}")

        port_raw = _read(env, "PORT") or "8000"
        if not port_raw.isdigit() or not 0 < int(port_raw) < 65536:
            raise SettingsError("PORT", f"expected a port number, got {port_raw!r}")

        secret = env.get("SECRET_KEY") or (
            _read(env, "SECRET_KEY") if "SECRET_KEY_FILE" in env else None
        )
        if not secret:
            if brug_env == "production":
                raise SettingsError("SECRET_KEY", "required when BRUG_ENV=production")
            secret = _development_secret(data_dir)

        retention = _read(env, "BRUG_RETENTION_DAYS") or "90"
        if not retention.isdigit() or int(retention) < 1:
            raise SettingsError(
                "BRUG_RETENTION_DAYS", f"expected a number of days, got {retention!r}"
            )
        retention_interval = _int(env, "BRUG_RETENTION_INTERVAL")
        if retention_interval < 60:
            raise SettingsError("BRUG_RETENTION_INTERVAL", "expected at least 60 seconds")
        log_format = (_read(env, "BRUG_LOG_FORMAT") or "text").lower()
        if log_format not in ("text", "json"):
            raise SettingsError("BRUG_LOG_FORMAT", f"expected text or json, got {log_format!r}")
        try:
            send_interval = float(_read(env, "BRUG_SEND_INTERVAL") or "1.0")
        except ValueError:
            raise SettingsError("BRUG_SEND_INTERVAL", "expected a number of seconds") from None
        try:
            send_rate = float(_read(env, "BRUG_SEND_RATE") or "25")
        except ValueError:
            raise SettingsError("BRUG_SEND_RATE", "expected messages per second") from None
        if not 0 <= send_rate < float("inf"):
            raise SettingsError("BRUG_SEND_RATE", f"expected 0 or more, got {send_rate}")
        senders = _int(env, "BRUG_SENDERS")
        if senders < 1:
            raise SettingsError("BRUG_SENDERS", "expected at least 1 sending process")
        give_up_hours = _int(env, "BRUG_SEND_GIVE_UP_HOURS")
        if give_up_hours < 1:
            raise SettingsError("BRUG_SEND_GIVE_UP_HOURS", "expected at least 1 hour")
        telegram_token = _read(env, "TELEGRAM_BOT_TOKEN") or ""
        telegram_secret = _read(env, "TELEGRAM_WEBHOOK_SECRET") or ""
        telegram_mode = _read(env, "TELEGRAM_MODE") or "webhook"
        if telegram_mode not in ("webhook", "polling"):
            raise SettingsError(
                "TELEGRAM_MODE", f"expected webhook or polling, got {telegram_mode!r}"
            )
        if telegram_token and telegram_mode == "webhook" and not telegram_secret:
            raise SettingsError(
                "TELEGRAM_WEBHOOK_SECRET", "required when TELEGRAM_BOT_TOKEN is set (webhook mode)"
            )
        if telegram_secret and not all(c.isalnum() or c in "_-" for c in telegram_secret):
            raise SettingsError(
                "TELEGRAM_WEBHOOK_SECRET", "only letters, digits, _ and - are allowed"
            )
        telegram_username = (_read(env, "TELEGRAM_BOT_USERNAME") or "").strip().removeprefix("@")
        if telegram_username and not _USERNAME.fullmatch(telegram_username):
            raise SettingsError(
                "TELEGRAM_BOT_USERNAME",
                f"expected a bot username such as brug_bot, got {telegram_username!r}",
            )
        twilio_sid = _read(env, "TWILIO_ACCOUNT_SID") or ""
        twilio_token = _read(env, "TWILIO_AUTH_TOKEN") or ""
        public_url = (_read(env, "PUBLIC_URL") or "").rstrip("/")
        if twilio_sid and not (twilio_token and _read(env, "TWILIO_WHATSAPP_FROM") and public_url):
            raise SettingsError(
                "TWILIO_ACCOUNT_SID",
                "WhatsApp needs TWILIO_AUTH_TOKEN, TWILIO_WHATSAPP_FROM and PUBLIC_URL too",
            )
        templates: dict[str, str] = {}
        for item in (_read(env, "TWILIO_TEMPLATE_SIDS") or "").split(","):
            if item.strip():
                code, sep, sid = item.strip().partition("=")
                if not sep or code not in ALL_CODES or not sid:
                    raise SettingsError(
                        "TWILIO_TEMPLATE_SIDS", f"expected lang=HX… pairs, got {item!r}"
                    )
                templates[code] = sid
        known = set(SETTINGS) | {f"{n}_FILE" for n in SETTINGS}
        return cls(
            database_url=_read(env, "DATABASE_URL") or "",
            env=brug_env,
            secret_key=secret,
            default_country=country,
            languages=langs,
            knowledge_dir=Path(_read(env, "BRUG_KNOWLEDGE_DIR") or "knowledge"),
            data_dir=data_dir,
            answer_threshold=_float(env, "BRUG_ANSWER_THRESHOLD"),
            clarify_threshold=_float(env, "BRUG_CLARIFY_THRESHOLD"),
            clarify_margin=_float(env, "BRUG_CLARIFY_MARGIN"),
            be_fallback_lang=be_lang,
            log_level=(_read(env, "BRUG_LOG_LEVEL") or "INFO").upper(),
            host=_read(env, "HOST") or "127.0.0.1",
            port=int(port_raw),
            retention_days=int(retention),
            retention_interval=retention_interval,
            log_format=log_format,
            office_hours=OfficeHours.parse(
                _read(env, "BRUG_OFFICE_HOURS") or "mon-fri 09:00-17:00",
                _read(env, "BRUG_TIMEZONE") or "Europe/Amsterdam",
            ),
            reopen_days=_int(env, "BRUG_REOPEN_DAYS"),
            translation_dir=Path(
                _read(env, "BRUG_TRANSLATION_DIR") or str(data_dir / "translation")
            ),
            send_interval=send_interval,
            send_rate=send_rate,
            senders=senders,
            send_give_up_hours=give_up_hours,
            spool_dir=Path(_read(env, "BRUG_SPOOL_DIR") or str(data_dir / "spool")),
            run_worker=(_read(env, "BRUG_RUN_WORKER") or "true").lower() in ("1", "true", "yes"),
            worker_nice=_nice(_read(env, "BRUG_WORKER_NICE") or "5"),
            review_second_person=(_read(env, "BRUG_REVIEW_SECOND_PERSON") or "").lower()
            in ("1", "true", "yes"),
            public_url=public_url,
            telegram_token=telegram_token,
            telegram_secret=telegram_secret,
            telegram_mode=telegram_mode,
            telegram_base_url=_read(env, "TELEGRAM_BASE_URL") or "https://api.telegram.org/bot",
            telegram_staff_chat=_read(env, "TELEGRAM_STAFF_CHAT_ID") or "",
            telegram_staff_topics=_topics(_read(env, "TELEGRAM_STAFF_TOPICS") or ""),
            staff_language=_staff_language(_read(env, "BRUG_STAFF_LANGUAGE") or "en"),
            telegram_username=telegram_username,
            twilio_sid=twilio_sid,
            twilio_token=twilio_token,
            twilio_from=_read(env, "TWILIO_WHATSAPP_FROM") or "",
            twilio_base_url=(_read(env, "TWILIO_API_BASE_URL") or "https://api.twilio.com").rstrip(
                "/"
            ),
            twilio_templates=templates,
            twilio_quick_replies=_quick_replies(_read(env, "TWILIO_QUICK_REPLY_SIDS") or ""),
            unknown=tuple(
                sorted(
                    k
                    for k in env
                    if k not in known
                    and k.startswith(("BRUG_", "TELEGRAM_", "TWILIO_"))
                    and not k.startswith("BRUG_TEST_")
                )
            ),
        )


def _development_secret(data_dir: Path) -> str:
    """A random key kept in the data folder, so sessions survive restarts in development."""
    path = data_dir / "secret.key"
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.write_text(key, encoding="utf-8")
        path.chmod(0o600)
        return key


def _topics(raw: str) -> dict[str, str]:
    """``pl=12, ro=13, *=1`` → {"pl": "12", "ro": "13", "*": "1"}."""
    topics: dict[str, str] = {}
    for part in (p.strip() for p in raw.split(",")):
        if not part:
            continue
        lang, _, thread = (x.strip() for x in part.partition("="))
        if (lang != "*" and lang not in ALL_CODES) or not thread.isdigit():
            raise SettingsError(
                "TELEGRAM_STAFF_TOPICS",
                f"expected language=topic id pairs such as pl=12,ro=13,*=1; got {part!r}",
            )
        topics[lang] = thread
    return topics


def _quick_replies(raw: str) -> dict[int, str]:
    """``1=HX…, 3=HX…`` → {1: "HX…", 3: "HX…"}: a template per number of buttons (1–3)."""
    sids: dict[int, str] = {}
    for part in (p.strip() for p in raw.split(",")):
        if not part:
            continue
        count, _, sid = (x.strip() for x in part.partition("="))
        if count not in ("1", "2", "3") or not _CONTENT_SID.fullmatch(sid):
            raise SettingsError(
                "TWILIO_QUICK_REPLY_SIDS",
                "expected buttons=content SID pairs (1 to 3 buttons, HX and 32 hex digits) "
                f"such as 1=HX…,2=HX…,3=HX…; got {part!r}",
            )
        sids[int(count)] = sid
    return sids


def _staff_language(raw: str) -> str:
    lang = raw.strip().lower()
    if lang not in ("en", "nl"):
        raise SettingsError("BRUG_STAFF_LANGUAGE", f"expected en or nl, got {raw!r}")
    return lang


def _nice(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if not 0 <= value <= 19:
        raise SettingsError(
            "BRUG_WORKER_NICE", f"expected a whole number from 0 to 19, got {raw!r}"
        )
    return value
