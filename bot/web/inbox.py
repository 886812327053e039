"""The bridge-worker inbox: server-rendered views at /inbox.

Sessions are signed cookies (Starlette's SessionMiddleware, keyed by SECRET_KEY); every form
carries a CSRF token bound to the session; a POST without it is refused with 403.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from bot import inbox
from bot.engine import Engine
from bot.errors import BrugError
from bot.languages import LANGUAGES
from bot.replies import Context, answer_text
from bot.service import Service
from bot.storage.models import Contact, Staff
from bot.translate import Translator

Handler = Callable[[Request], Awaitable[Response]]


def _age(then: datetime, now: datetime) -> str:
    if then.tzinfo is None:
        then = then.replace(tzinfo=now.tzinfo)
    minutes = int((now - then).total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 0)} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // 1440} d"


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return str(token)


async def _form_with_csrf(request: Request) -> dict[str, str] | None:
    form = await request.form()
    given = str(form.get("csrf") or "")
    expected = str(request.session.get("csrf") or "")
    if not expected or not hmac.compare_digest(given, expected):
        return None
    return {k: str(v) for k, v in form.items()}


def safe_next(target: str | None) -> str:
    """Where to go after logging in: only a path on this site (never //elsewhere or a URL)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/inbox"


def worker_language(staff: Staff, user_lang: str | None) -> str | None:
    """The language a worker reads a case in: None when they speak the user's language."""
    if user_lang in staff.languages:
        return None
    return staff.languages[0] if staff.languages else "en"


def routes(
    service: Service,
    current_engine: Callable[[], Engine],
    templates: Jinja2Templates,
    clock: Callable[[], datetime],
    translator: Translator,
) -> list[Route]:
    sessions = service.sessions

    def current(request: Request, s: Any) -> Staff | None:
        staff_id = request.session.get("staff_id")
        staff = s.get(Staff, staff_id) if staff_id else None
        return staff if staff is not None and staff.active else None

    def render(request: Request, name: str, http_status: int = 200, **ctx: Any) -> Response:
        now = clock()
        return templates.TemplateResponse(
            request,
            name,
            {"csrf": csrf_token(request), "age": lambda t: _age(t, now), **ctx},
            status_code=http_status,
        )

    async def login_page(request: Request) -> Response:
        return render(
            request,
            "inbox/login.html",
            staff=None,
            next=safe_next(request.query_params.get("next")),
        )

    async def login(request: Request) -> Response:
        form = await _form_with_csrf(request)
        if form is None:
            return PlainTextResponse("invalid form token: reload the page", status_code=403)

        def check() -> int | None:
            with sessions() as s:
                staff = inbox.authenticate(
                    s, form.get("username", "")[:80], form.get("password", ""), clock()
                )
                s.commit()
                return staff.id if staff else None

        staff_id = await run_in_threadpool(check)
        if staff_id is None:
            return render(
                request,
                "inbox/login.html",
                http_status=401,
                staff=None,
                next=safe_next(form.get("next")),
                error="Wrong username or password, or the account is locked for a while.",
            )
        request.session.clear()  # a fresh session (and CSRF token) after login
        request.session["staff_id"] = staff_id
        return RedirectResponse(safe_next(form.get("next")), status_code=303)

    async def logout(request: Request) -> Response:
        if await _form_with_csrf(request) is None:
            return PlainTextResponse("invalid form token", status_code=403)
        request.session.clear()
        return RedirectResponse("/inbox/login", status_code=303)

    async def case_list(request: Request) -> Response:
        q = request.query_params

        def load() -> tuple[Staff | None, Any, Any, Any]:
            with sessions() as s:
                staff = current(request, s)
                if staff is None:
                    return None, [], {}, []
                rows, counts = inbox.list_cases(
                    s,
                    staff,
                    status=q.get("status", "open"),
                    lang=q.get("lang") or None,
                    priority=q.get("priority") or None,
                    mine=bool(q.get("mine")),
                    unassigned=bool(q.get("unassigned")),
                )
                s.expunge(staff)
                return staff, rows, counts, inbox.recently_erased(s, clock())

        staff, rows, counts, erased = await run_in_threadpool(load)
        if staff is None:
            return RedirectResponse("/inbox/login", status_code=303)
        open_count = sum(v for k, v in counts.items() if k in ("new", "assigned", "waiting"))
        return render(
            request,
            "inbox/cases.html",
            staff=staff,
            cases=rows,
            erased=erased,
            counts={**counts, "open": open_count, "all": sum(counts.values())},
            status=q.get("status", "open"),
            lang=q.get("lang", ""),
            priority=q.get("priority", ""),
            mine=bool(q.get("mine")),
            unassigned=bool(q.get("unassigned")),
            languages=[(c, n) for c, (n, _) in LANGUAGES.items()],
        )

    def load_case(request: Request, case_id: int) -> dict[str, Any] | None:
        """Everything the case page shows, read in one session (None: not logged in).
        Raises AccessDenied for a case that does not exist."""
        with sessions() as s:
            staff = current(request, s)
            if staff is None:
                return None
            case = inbox.open_case(s, staff, case_id, clock())
            contact = s.get(Contact, case.contact_id)
            assignee = s.get(Staff, case.assignee_id) if case.assignee_id else None
            data = {
                "staff": staff,
                "case": case,
                "lines": inbox.transcript(s, case),
                "notes": inbox.notes(s, case),
                "channel": contact.channel if contact else "?",
                "user": contact.pseudonym if contact else "?",
                "assignee": assignee.name if assignee else None,
            }
            s.commit()
            for obj in (staff, case):
                s.expunge(obj)
            return data

    def erased_at(case_id: int) -> datetime | None:
        with sessions() as s:
            return dict(inbox.recently_erased(s, clock(), days=3650)).get(case_id)

    async def case_view(request: Request) -> Response:
        case_id = int(request.path_params["case_id"])
        try:
            data = await run_in_threadpool(load_case, request, case_id)
        except inbox.AccessDenied:
            when = await run_in_threadpool(erased_at, case_id)
            if when is not None:
                return PlainTextResponse(
                    f"Case #{case_id} was erased with the user's data at their request "
                    f"({when:%Y-%m-%d %H:%M} UTC).",
                    status_code=410,
                )
            return PlainTextResponse("no such case", status_code=404)
        if data is None:
            return RedirectResponse("/inbox/login", status_code=303)
        return await render_case(request, data, preview=None)

    async def render_case(
        request: Request, data: dict[str, Any], preview: tuple[str, str] | None
    ) -> Response:
        case = data["case"]
        target = worker_language(data["staff"], case.lang)
        user_lang = case.lang or "en"

        def translate_lines() -> list[str | None]:
            if target is None or not translator.can(user_lang, target):
                return [None for _ in data["lines"]]
            return [
                translator.translate(m.text, m.lang or user_lang, target)
                if m.direction == "in" or m.author == "bot"
                else None
                for m in data["lines"]
            ]

        translations = await run_in_threadpool(translate_lines)
        data = {
            **data,
            "translations": translations,
            "target": target,
            "can_translate": target is not None and translator.can(target, user_lang),
            "can_read": target is None or translator.can(user_lang, target),
            "preview": preview,
        }
        engine = current_engine()
        ctx = Context(
            lang=case.lang or "en",
            country=case.country or engine.default_country,
            municipality=case.municipality,
        )
        entries = sorted(engine.kb.entries.values(), key=lambda e: e.id)
        canned = [(e.id, e.question_for(ctx.lang, ctx.country) or e.id) for e in entries]
        canned_texts = {e.id: answer_text(engine.kb, e, ctx)[0] for e in entries}
        return render(request, "inbox/case.html", canned=canned, canned_texts=canned_texts, **data)

    async def preview_reply(request: Request, case_id: int, text: str) -> Response:
        """Show the worker's draft translated into the user's language, to edit before sending."""

        try:
            data = await run_in_threadpool(load_case, request, case_id)
        except inbox.AccessDenied:
            return PlainTextResponse("no such case", status_code=404)
        if data is None:
            return PlainTextResponse("log in first", status_code=403)
        user_lang = data["case"].lang or "en"
        source = worker_language(data["staff"], user_lang) or user_lang
        translated = await run_in_threadpool(translator.translate, text, source, user_lang)
        return await render_case(request, data, preview=(text, translated or text))

    def action(kind: str) -> Handler:
        async def handle(request: Request) -> Response:
            form = await _form_with_csrf(request)
            if form is None:
                return PlainTextResponse("invalid form token: reload the page", status_code=403)
            case_id = int(request.path_params["case_id"])
            if kind == "reply" and form.get("action") == "preview":
                return await preview_reply(request, case_id, form.get("text", ""))

            def apply() -> str | None:
                with sessions() as s:
                    staff = current(request, s)
                    if staff is None:
                        return "login"
                    now = clock()
                    try:
                        case = inbox.open_case(s, staff, case_id, now)
                        if kind == "assign":
                            inbox.assign(s, staff, case, now)
                        elif kind == "reply":
                            inbox.reply(s, service, staff, case, form.get("text", ""), now)
                        elif kind == "note":
                            inbox.add_note(s, staff, case, form.get("text", ""), now)
                        elif kind == "resolve":
                            inbox.resolve(s, staff, case, now)
                        elif kind == "suggest":
                            inbox.suggest_as_knowledge(
                                s, staff, case, int(form.get("message", "0") or 0), now
                            )
                    except inbox.AccessDenied:
                        return "missing"
                    except BrugError as exc:
                        return str(exc)
                    s.commit()
                    return None

            problem = await run_in_threadpool(apply)
            if problem == "login":
                return PlainTextResponse("log in first", status_code=403)
            if problem == "missing":
                return PlainTextResponse("no such case", status_code=404)
            if problem:
                return PlainTextResponse(problem, status_code=400)
            return RedirectResponse(f"/inbox/case/{case_id}", status_code=303)

        return handle

    return [
        Route("/inbox/login", login_page, methods=["GET"]),
        Route("/inbox/login", login, methods=["POST"]),
        Route("/inbox/logout", logout, methods=["POST"]),
        Route("/inbox", case_list),
        Route("/inbox/case/{case_id:int}", case_view),
        *[
            Route(f"/inbox/case/{{case_id:int}}/{kind}", action(kind), methods=["POST"])
            for kind in ("assign", "reply", "note", "resolve", "suggest")
        ],
    ]
