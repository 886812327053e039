"""Settings, read once from the environment, typed and documented.

Every setting has a default or fails at start-up with a clear message.
Secrets may also be given as ``NAME_FILE`` (a path whose contents are the
value). The README's configuration table is checked against ``SETTINGS``
by a test, so a new setting must be documented there.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import SettingsError
from bot.languages import ALL_CODES

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
        "0.55",
        "confidence above which a smaller lead over the runner-up suffices to answer",
    ),
    "BRUG_CLARIFY_THRESHOLD": ("0.44", "below this confidence the bot says it has no answer"),
    "BRUG_CLARIFY_MARGIN": (
        "0.08",
        "lead over the runner-up needed to answer; below it the bot asks which one",
    ),
    "BRUG_BE_FALLBACK_LANG": (
        "en",
        "language of BE answers missing in the user's language: en or nl",
    ),
    "BRUG_LOG_LEVEL": ("INFO", "Python logging level"),
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
    extra: dict[str, str] = field(default_factory=dict)

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
            extra={
                k: v
                for k, v in env.items()
                if k not in known and k.startswith(("BRUG_", "TELEGRAM_", "TWILIO_"))
            },
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
