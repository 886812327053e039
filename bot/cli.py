"""The ``brug`` command line: ask, chat, eval, kb, db, serve, worker, purge, backup."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from bot.errors import BrugError, KnowledgeError
from bot.settings import Settings

app = typer.Typer(
    help="Brug: practical information for labour migrants.",
    no_args_is_help=True,
    add_completion=False,
)
kb_app = typer.Typer(help="Knowledge base: check, import, export.", no_args_is_help=True)
db_app = typer.Typer(help="Database: migrations.", no_args_is_help=True)
app.add_typer(kb_app, name="kb")
app.add_typer(db_app, name="db")
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except BrugError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None


def _engine(settings: Settings, source: str = "auto"):  # type: ignore[no-untyped-def]
    from bot.runtime import build_engine, load_knowledge

    try:
        return build_engine(settings, load_knowledge(settings, source))
    except KnowledgeError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None


@app.command()
def ask(
    text: Annotated[str | None, typer.Argument(help="The question, as the user typed it.")] = None,
    lang: Annotated[str | None, typer.Option(help="The user's known language (a hint).")] = None,
    country: Annotated[str | None, typer.Option(help="NL or BE.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    jsonl: Annotated[
        bool, typer.Option("--jsonl", help="Batch: JSON lines in on stdin, out on stdout.")
    ] = False,
    kb: Annotated[str, typer.Option(help="Knowledge source: auto, db or files.")] = "auto",
) -> None:
    """Ask the engine one question (or a batch with --jsonl). Never opens cases or sends messages."""
    from bot.asking import ask as do_ask
    from bot.asking import ask_line

    settings = _settings()
    if country is not None and country.upper() not in ("NL", "BE"):
        err.print("[red]error:[/red] --country must be NL or BE")
        raise typer.Exit(2)
    engine = _engine(settings, kb)
    if jsonl:
        try:
            for line in sys.stdin:
                if not line.strip():
                    continue
                result = ask_line(engine, line, settings.be_fallback_lang)
                sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
                sys.stdout.flush()
        except (OSError, UnicodeDecodeError) as exc:
            err.print(f"[red]error:[/red] cannot read standard input: {exc}")
            raise typer.Exit(1) from None
        return
    if text is None:
        err.print("[red]error:[/red] give a question, or --jsonl to read a batch from stdin")
        raise typer.Exit(2)
    result = do_ask(
        engine,
        text,
        lang=lang,
        country=country.upper() if country else None,
        be_fallback_lang=settings.be_fallback_lang,
    )
    if as_json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(result["reply"] + "\n")


@app.command("eval")
def eval_cmd(
    path: Annotated[Path, typer.Argument(help="Labelled questions, JSON lines.")],
    with_hint: Annotated[
        bool, typer.Option(help="Pass each line's language as the user's known language.")
    ] = False,
    misses: Annotated[int, typer.Option(help="How many misses to list.")] = 40,
    kb: Annotated[str, typer.Option(help="Knowledge source: auto, db or files.")] = "auto",
) -> None:
    """Measure the engine on a labelled set: top-1/top-3, escalation, out-of-scope, language."""
    from bot.evaluate import evaluate

    settings = _settings()
    engine = _engine(settings, kb)
    rows = [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    rep = evaluate(
        rows,
        lambda r: engine.decide(
            r["text"], lang_hint=r.get("lang") if with_hint else None, country=r.get("country")
        ),
    )
    table = Table(
        title=f"{path.name}: {len(rows)} questions ({'with' if with_hint else 'without'} language hint)"
    )
    table.add_column("metric")
    table.add_column("value", justify="right")
    for name, tally in rep.metrics().items():
        table.add_row(name, str(tally))
    table.add_row("actions", ", ".join(f"{k} {v}" for k, v in sorted(rep.actions.items())))
    out.print(table)
    per = Table(title="per language")
    for col in ("lang", "top-1", "escalate/out-of-scope", "language id"):
        per.add_column(col, justify="right")
    for lang, t in sorted(rep.per_lang.items()):
        per.add_row(lang, str(t["top1"]), str(t["handled"]), str(t["lang"]))
    out.print(per)
    if misses and rep.misses:
        m = Table(title=f"misses (first {min(misses, len(rep.misses))} of {len(rep.misses)})")
        for col in ("id", "label", "lang→got", "action", "entry", "top-3", "text"):
            m.add_column(col, overflow="fold")
        for row in rep.misses[:misses]:
            m.add_row(
                str(row["id"]),
                str(row["label"]),
                f"{row['lang']}→{row['got_lang']}",
                row["action"],
                str(row["entry"]),
                " ".join(f"{e}:{s}" for e, s in row["top"]),
                row["text"],
            )
        out.print(m)


@kb_app.command("check")
def kb_check(
    path: Annotated[
        Path | None, typer.Argument(help="Knowledge folder (default: BRUG_KNOWLEDGE_DIR).")
    ] = None,
) -> None:
    """Validate the YAML knowledge base; exit 1 on errors. Prints coverage per language."""
    from bot.kbcheck import check, coverage, from_error
    from bot.kbfiles import Location, load_dir

    settings = _settings()
    root = path or settings.knowledge_dir
    locations: dict[str, Location] = {}
    kb, errors = load_dir(root, locations)
    findings = [from_error(e) for e in errors] + check(kb, today=date.today(), locations=locations)
    for f in findings:
        (err if f.level == "error" else out).print(str(f), markup=False, highlight=False)
    cov = Table(title=f"coverage: {len(kb.entries)} entries, {len(kb.overlays)} local overlays")
    cov.add_column("lang")
    for col in ("reviewed", "draft", "machine", "phrasings only", "missing"):
        cov.add_column(col, justify="right")
    for lang, row in coverage(kb).items():
        cov.add_row(
            lang, *(str(row[k]) for k in ("reviewed", "draft", "machine", "phrasings", "missing"))
        )
    out.print(cov)
    n_err = sum(f.level == "error" for f in findings)
    n_warn = len(findings) - n_err
    out.print(f"{n_err} errors, {n_warn} warnings")
    if n_err:
        raise typer.Exit(1)


@kb_app.command("import")
def kb_import(
    path: Annotated[
        Path | None, typer.Argument(help="Knowledge folder (default: BRUG_KNOWLEDGE_DIR).")
    ] = None,
    author: Annotated[str, typer.Option(help="Recorded in the version history.")] = "import",
    if_empty: Annotated[
        bool,
        typer.Option(
            "--if-empty",
            help="Only when the database holds no knowledge yet (keeps edits made in /admin).",
        ),
    ] = False,
) -> None:
    """Load the YAML folder into the database: all or nothing. Replaces what the database holds,
    edits made in the web editor included, unless --if-empty."""
    from sqlalchemy import func, select
    from sqlalchemy.orm import sessionmaker

    from bot.kbcheck import check
    from bot.kbfiles import Location, load_dir
    from bot.storage import kb_repo
    from bot.storage.db import make_engine, session_scope
    from bot.storage.migrate import upgrade
    from bot.storage.models import KbEntry

    settings = _settings()
    root = path or settings.knowledge_dir
    if if_empty:
        engine = make_engine(settings.database_url)
        upgrade(engine)
        with sessionmaker(engine)() as session:
            held = session.scalar(select(func.count()).select_from(KbEntry)) or 0
        engine.dispose()
        if held:
            out.print(f"the database holds {held} entries already: nothing imported (--if-empty)")
            return
    locations: dict[str, Location] = {}
    kb, errors = load_dir(root, locations)
    problems = [str(e) for e in errors] + [
        str(f)
        for f in check(kb, today=date.today(), locations=locations, complete=False)
        if f.level == "error"
    ]
    if problems:
        for p in problems:
            err.print(p, markup=False, highlight=False)
        err.print("nothing was imported")
        raise typer.Exit(1)
    engine = make_engine(settings.database_url)
    upgrade(engine)
    with session_scope(sessionmaker(engine)) as session:
        counts = kb_repo.replace_all(session, kb, author=author, now=datetime.now(UTC))
    engine.dispose()
    out.print(
        f"imported {len(kb.entries)} entries and {len(kb.overlays)} overlays from {root}: "
        + ", ".join(f"{v} {k}" for k, v in counts.items())
    )


@kb_app.command("export")
def kb_export(
    path: Annotated[
        Path | None, typer.Argument(help="Folder to write (default: BRUG_KNOWLEDGE_DIR).")
    ] = None,
    jsonl: Annotated[
        bool, typer.Option("--jsonl", help="Print one JSON line per entry and language.")
    ] = False,
    kb: Annotated[str, typer.Option(help="Knowledge source: auto, db or files.")] = "db",
) -> None:
    """Write the database's knowledge base back to YAML files (or JSON lines on stdout)."""
    from bot.kbfiles import jsonl_rows, write_dir
    from bot.runtime import load_knowledge

    settings = _settings()
    try:
        base = load_knowledge(settings, kb)
    except KnowledgeError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None
    if jsonl:
        for row in jsonl_rows(base):
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return
    written = write_dir(path or settings.knowledge_dir, base)
    out.print(f"wrote {len(written)} files to {path or settings.knowledge_dir}")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply database migrations (creates the SQLite file when needed)."""
    from bot.storage.db import make_engine
    from bot.storage.migrate import upgrade

    settings = _settings()
    engine = make_engine(settings.database_url)
    upgrade(engine)
    engine.dispose()
    out.print("database is up to date")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind (default: HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: PORT, else 8000).")] = None,
) -> None:
    """Run the web service: web chat, health checks."""
    import uvicorn

    from bot.logs import configure
    from bot.web.app import create_app

    settings = _settings()
    configure(settings.log_level, settings.log_format)
    h, p = host or settings.host, port or settings.port
    out.print(
        f"Brug on http://{h}:{p}/ — web chat /chat, bridge-worker inbox /inbox, admin /admin "
        "(create the first account: brug staff add NAME --role admin), health /healthz, "
        "metrics /metrics"
    )
    uvicorn.run(
        create_app(settings),
        host=h,
        port=p,
        log_config=None,  # our handlers (bot.logs) format uvicorn's lines too
        log_level=settings.log_level.lower(),
        proxy_headers=True,
    )


@app.command()
def worker(
    once: Annotated[bool, typer.Option(help="Process and send what is due, then exit.")] = False,
    recover: Annotated[
        bool,
        typer.Option(
            help="After a crash: resend messages left in flight now, not when their lease expires."
        ),
    ] = False,
) -> None:
    """Run the processor, the outbox sender and the hourly retention purge without the web
    server (Procfile `worker:`)."""
    import asyncio
    import signal

    from bot import retention
    from bot.logs import configure
    from bot.spool import run_forever as spool_run_forever
    from bot.web.app import create_app

    settings = _settings()
    configure(settings.log_level, settings.log_format)
    if settings.worker_nice:  # on a shared machine, the webhooks' latency comes first
        os.nice(settings.worker_nice)
    app = create_app(settings)
    service, sender = app.state.service, app.state.sender
    if recover:
        out.print(f"released {sender.release_leases()} messages left in flight")

    async def main() -> None:
        from bot.storage.db import UNAVAILABLE

        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        purging = None
        spooled = None
        if not once:  # store webhooks that web processes spooled while the database was down
            spooled = asyncio.create_task(
                spool_run_forever(service.drain_spool, stop, lambda: None)
            )
            purging = asyncio.create_task(
                retention.run_forever(
                    service.sessions,
                    lambda: datetime.now(UTC),
                    settings.retention_days,
                    settings.retention_interval,
                    stop,
                    settings.reopen_days,
                )
            )
        try:
            while not stop.is_set():
                try:
                    processed = await asyncio.to_thread(service.process_pending, datetime.now(UTC))
                    sent = await sender.run_once()
                except UNAVAILABLE as exc:  # the database restarts or is full: wait, go on
                    logging.getLogger("bot.worker").warning(
                        "database unavailable (%s); retrying", type(exc).__name__
                    )
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), timeout=1.0)
                    continue
                if once and not processed and not sent:
                    break
                if not processed and not sent:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), timeout=0.3)
        finally:
            stop.set()
            if purging is not None:
                await purging
            if spooled is not None:
                await spooled
            await sender.aclose()
            app.state.spool.close()

    asyncio.run(main())
    out.print("worker stopped")


@app.command()
def purge(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Count what would be deleted; change nothing.")
    ] = False,
    days: Annotated[
        int | None, typer.Option(help="Keep this many days (default: BRUG_RETENTION_DAYS).")
    ] = None,
) -> None:
    """Delete personal data past the retention period now (the worker does it every hour)."""
    from sqlalchemy.orm import sessionmaker

    from bot.retention import purge as do_purge
    from bot.storage.db import make_engine
    from bot.storage.migrate import upgrade

    settings = _settings()
    keep = days if days is not None else settings.retention_days
    if keep < 1:
        err.print("[red]error:[/red] --days must be at least 1")
        raise typer.Exit(2)
    engine = make_engine(settings.database_url)
    upgrade(engine)
    try:
        with sessionmaker(engine)() as session:
            counts = do_purge(session, datetime.now(UTC), keep, dry_run=dry_run)
    finally:
        engine.dispose()
    verb = "would delete" if dry_run else "deleted"
    table = Table(title=f"retention {keep} days: {verb}")
    table.add_column("what")
    table.add_column("rows", justify="right")
    for name, n in counts.items():
        table.add_row(name.replace("_", " "), str(n))
    out.print(table)


@app.command()
def backup(
    to: Annotated[
        Path | None, typer.Option(help="Folder for the backup (default: BRUG_DATA_DIR/backups).")
    ] = None,
    keep: Annotated[
        int, typer.Option(help="Then delete all but the newest KEEP backups there (0: keep all).")
    ] = 0,
) -> None:
    """Back up the database while the service runs: SQLite online backup, or pg_dump."""
    from bot.backup import BackupError, rotate
    from bot.backup import backup as do_backup

    settings = _settings()
    folder = to or settings.data_dir / "backups"
    try:
        path = do_backup(settings.database_url, folder, datetime.now(UTC))
    except BackupError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None
    out.print(f"backup written to {path} ({path.stat().st_size} bytes)")
    for old in rotate(folder, keep):
        out.print(f"removed old backup {old}")


translate_app = typer.Typer(
    help="Machine translation models (the optional `translate` extra).", no_args_is_help=True
)
app.add_typer(translate_app, name="translate")


def _translator():  # type: ignore[no-untyped-def]
    from bot.translate import ArgosTranslator

    settings = _settings()
    try:
        return ArgosTranslator(settings.translation_dir)
    except ImportError:
        err.print("[red]error:[/red] argostranslate is not installed: pip install '.[translate]'")
        raise typer.Exit(1) from None


@translate_app.command("list")
def translate_list() -> None:
    """The installed language pairs."""
    pairs = _translator().pairs()
    for src, dst in pairs:
        out.print(f"{src} → {dst}")
    if not pairs:
        out.print("no translation models installed")


@translate_app.command("install")
def translate_install(
    archive: Annotated[Path | None, typer.Argument(help="An .argosmodel file.")] = None,
    from_index: Annotated[
        str | None,
        typer.Option(
            "--from-index",
            help="Download FROM-TO (e.g. pl-en) from the argos package index (needs the internet).",
        ),
    ] = None,
) -> None:
    """Install a model from a file (or, online, from the argos index)."""
    translator = _translator()
    if archive is not None:
        if not archive.is_file():
            err.print(f"[red]error:[/red] no file {archive}")
            raise typer.Exit(2)
        translator.install(archive)
    elif from_index:
        src, _, dst = from_index.partition("-")
        import argostranslate.package as package

        package.update_package_index()
        match = [
            p for p in package.get_available_packages() if p.from_code == src and p.to_code == dst
        ]
        if not match:
            err.print(f"[red]error:[/red] no {src}→{dst} package in the index")
            raise typer.Exit(1)
        translator.install(Path(match[0].download()))
    else:
        err.print("[red]error:[/red] give an .argosmodel file or --from-index FROM-TO")
        raise typer.Exit(2)
    out.print("installed: " + ", ".join(f"{a}→{b}" for a, b in translator.pairs()))


staff_app = typer.Typer(
    help="Staff: bridge workers and admins of the web inbox.", no_args_is_help=True
)
app.add_typer(staff_app, name="staff")


@staff_app.command("add")
def staff_add(
    username: Annotated[str, typer.Argument(help="Login name.")],
    name: Annotated[str, typer.Option(help="Name shown to colleagues.")] = "",
    role: Annotated[str, typer.Option(help="worker, editor or admin.")] = "worker",
    languages: Annotated[
        str, typer.Option(help="Comma-separated codes the person speaks, e.g. pl,nl.")
    ] = "",
    municipalities: Annotated[str, typer.Option(help="Comma-separated municipality slugs.")] = "",
    password_file: Annotated[
        Path | None, typer.Option(help="Read the password from this file.")
    ] = None,
    telegram_id: Annotated[
        str | None, typer.Option(help="Their Telegram user id, to act in the staff group.")
    ] = None,
) -> None:
    """Create a staff account (the first admin too). Asks for the password unless --password-file."""
    from sqlalchemy.orm import sessionmaker

    from bot.inbox import add_staff
    from bot.storage.db import make_engine, session_scope
    from bot.storage.migrate import upgrade

    settings = _settings()
    if password_file is not None:
        password = password_file.read_text(encoding="utf-8").strip()
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    engine = make_engine(settings.database_url)
    upgrade(engine)
    try:
        with session_scope(sessionmaker(engine)) as s:
            staff = add_staff(
                s,
                username=username,
                name=name or username,
                password=password,
                role=role,
                languages=[c.strip() for c in languages.split(",") if c.strip()],
                municipalities=[m.strip() for m in municipalities.split(",") if m.strip()],
                now=datetime.now(UTC),
            )
            staff.telegram_id = telegram_id
    except BrugError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
    out.print(f"staff member {username} ({role}) added")


@contextlib.contextmanager
def _staff_session():  # type: ignore[no-untyped-def]
    """A session on the configured database (migrated first); commits when the block succeeds."""
    from sqlalchemy.orm import sessionmaker

    from bot.storage.db import make_engine, session_scope
    from bot.storage.migrate import upgrade

    engine = make_engine(_settings().database_url)
    upgrade(engine)
    try:
        with session_scope(sessionmaker(engine)) as s:
            yield s
    except BrugError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None
    finally:
        engine.dispose()


@staff_app.command("list")
def staff_list() -> None:
    """Everyone with an account: role, languages, places, Telegram id, state, last login."""
    from bot.staffing import list_staff

    with _staff_session() as s:
        people = list_staff(s, datetime.now(UTC))
    rows = [
        (
            "USERNAME",
            "NAME",
            "ROLE",
            "LANGUAGES",
            "MUNICIPALITIES",
            "TELEGRAM",
            "STATE",
            "LAST LOGIN",
        )
    ]
    for p in people:
        state = "active" if p.active else "inactive"
        if p.locked_until:
            state += f",locked-until-{p.locked_until:%H:%M}UTC"
        rows.append(
            (
                p.username,
                p.name,
                p.role,
                ",".join(p.languages) or "-",
                ",".join(p.municipalities) or "-",
                p.telegram_id or "-",
                state,
                f"{p.last_login_at:%Y-%m-%d %H:%M}" if p.last_login_at else "never",
            )
        )
    # plain aligned columns, never cut to the terminal's width (scripts read this too)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        out.print("  ".join([*cells, row[-1]]), markup=False, highlight=False)


@staff_app.command("set-password")
def staff_set_password(
    username: Annotated[str, typer.Argument(help="Login name.")],
    password_file: Annotated[
        Path | None, typer.Option(help="Read the password from this file.")
    ] = None,
) -> None:
    """Set someone's password (asks twice, hidden). Ends their sessions and lifts a lockout."""
    from bot.staffing import find, reset_password

    if password_file is not None:
        password = password_file.read_text(encoding="utf-8").strip()
    else:
        password = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    if not password:
        err.print("[red]error:[/red] the password is empty")
        raise typer.Exit(1)
    with _staff_session() as s:
        reset_password(s, None, find(s, username), datetime.now(UTC), password, temporary=False)
    out.print(f"password of {username} set; their sessions have ended")


@staff_app.command("deactivate")
def staff_deactivate(username: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Stop someone logging in and end their sessions (the last active admin stays)."""
    from bot.staffing import deactivate, find

    with _staff_session() as s:
        deactivate(s, None, find(s, username), datetime.now(UTC))
    out.print(f"{username} deactivated")


telegram_app = typer.Typer(
    help="Telegram: webhook registration, local polling.", no_args_is_help=True
)
app.add_typer(telegram_app, name="telegram")


@telegram_app.command("set-webhook")
def telegram_set_webhook() -> None:
    """Point Telegram at PUBLIC_URL/telegram/webhook with the secret (once per deploy)."""
    import asyncio

    from handlers.telegram.transport import make_bot

    settings = _settings()
    if not settings.telegram_token:
        out.print("Telegram is not configured (no TELEGRAM_BOT_TOKEN): nothing to do")
        return
    if not settings.public_url:
        err.print("[red]error:[/red] PUBLIC_URL is required to set the webhook")
        raise typer.Exit(2)

    async def main() -> None:
        bot = make_bot(settings.telegram_token, settings.telegram_base_url)
        async with bot:
            await bot.set_webhook(
                f"{settings.public_url}/telegram/webhook",
                secret_token=settings.telegram_secret,
                allowed_updates=["message", "edited_message", "callback_query", "my_chat_member"],
                max_connections=40,
            )

    asyncio.run(main())
    out.print(f"webhook set to {settings.public_url}/telegram/webhook")


@telegram_app.command("create-topics")
def telegram_create_topics(
    languages: Annotated[
        str, typer.Option(help="comma-separated codes; default: every language the bot offers")
    ] = "",
) -> None:
    """Make a forum topic per user language in the staff group (it must be a forum and the bot
    an admin who may manage topics); prints the TELEGRAM_STAFF_TOPICS value to set. Languages
    that already have a topic in TELEGRAM_STAFF_TOPICS are kept as they are."""
    import asyncio

    from telegram.error import TelegramError

    from bot.languages import native_name
    from handlers.telegram.transport import make_bot

    settings = _settings()
    if not settings.telegram_token or not settings.telegram_staff_chat:
        err.print("[red]error:[/red] TELEGRAM_BOT_TOKEN and TELEGRAM_STAFF_CHAT_ID are required")
        raise typer.Exit(2)
    wanted = [c.strip() for c in languages.split(",") if c.strip()] or list(settings.languages)
    unknown = [c for c in wanted if c not in settings.languages]
    if unknown:
        err.print(f"[red]error:[/red] not a language the bot offers: {', '.join(unknown)}")
        raise typer.Exit(2)
    topics = dict(settings.telegram_staff_topics)

    async def main() -> None:
        bot = make_bot(settings.telegram_token, settings.telegram_base_url)
        async with bot:
            for code in wanted:
                if code in topics:
                    continue
                topic = await bot.create_forum_topic(
                    int(settings.telegram_staff_chat), f"{native_name(code)} ({code})"
                )
                topics[code] = str(topic.message_thread_id)
                out.print(f"{code}: topic {topic.message_thread_id}")

    try:
        asyncio.run(main())
    except TelegramError as exc:
        err.print(f"[red]error:[/red] Telegram refused: {exc}")
        if topics != settings.telegram_staff_topics:
            out.print("made before the error: " + ",".join(f"{k}={v}" for k, v in topics.items()))
        raise typer.Exit(1) from None
    out.print("set: TELEGRAM_STAFF_TOPICS=" + ",".join(f"{k}={v}" for k, v in topics.items()))


@telegram_app.command("poll")
def telegram_poll() -> None:
    """Local development without a public URL: long-poll Telegram and feed the same pipeline."""
    import asyncio

    from bot.web.app import create_app
    from handlers.telegram.convert import BadUpdate, to_inbound
    from handlers.telegram.transport import make_bot

    settings = _settings()
    if not settings.telegram_token:
        err.print("[red]error:[/red] TELEGRAM_BOT_TOKEN is required")
        raise typer.Exit(2)
    from bot.logs import configure

    configure(settings.log_level, settings.log_format)
    app = create_app(settings)
    service, sender = app.state.service, app.state.sender

    async def main() -> None:
        bot = make_bot(settings.telegram_token, settings.telegram_base_url)
        offset = 0
        async with bot:
            await bot.delete_webhook(drop_pending_updates=False)
            out.print("polling Telegram; Ctrl-C to stop")
            while True:
                updates = await bot.get_updates(
                    offset=offset, timeout=20, allowed_updates=["message", "callback_query"]
                )
                for u in updates:
                    offset = u.update_id + 1
                    try:
                        item = to_inbound(u.to_dict(), datetime.now(UTC))
                    except BadUpdate:
                        continue
                    if item is not None:
                        service.ingest(item[1], item[0])
                service.process_pending(datetime.now(UTC))
                await sender.run_once()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())


@app.command()
def chat(
    lang: Annotated[str | None, typer.Option(help="Your language (ISO code).")] = None,
    country: Annotated[str, typer.Option(help="NL or BE.")] = "NL",
) -> None:
    """Talk to the engine in the terminal."""
    from bot.asking import ask as do_ask

    settings = _settings()
    engine = _engine(settings)
    out.print("Type a question (empty line to quit).")
    while True:
        try:
            text = input("> ")
        except EOFError:
            break
        if not text.strip():
            break
        result = do_ask(
            engine, text, lang=lang, country=country, be_fallback_lang=settings.be_fallback_lang
        )
        lang = result["lang"]
        out.print(
            f"[dim]{result['action']} {result['entry'] or ''} ({result['confidence']:.2f}, {lang})[/dim]"
        )
        out.print(result["reply"], markup=False, highlight=False)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
