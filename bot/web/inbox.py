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
from urllib.parse import quote

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from bot import inbox, staffi18n, staffing
from bot.engine import Engine
from bot.errors import BrugError
from bot.languages import LANGUAGES
from bot.replies import Context, answer_text
from bot.service import Service
from bot.storage.models import Contact, Staff
from bot.translate import Translator

Handler = Callable[[Request], Awaitable[Response]]
ENGLISH = staffi18n.words("en")


def _age(then: datetime, now: datetime, _: staffi18n.Words = ENGLISH) -> str:
    if then.tzinfo is None:
        then = then.replace(tzinfo=now.tzinfo)
    minutes = int((now - then).total_seconds() // 60)
    if minutes < 60:
        return _("{n} min", n=max(minutes, 0))
    if minutes < 48 * 60:
        return _("{n} h", n=minutes // 60)
    return _("{n} d", n=minutes // 1440)


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return str(token)


def csrf_ok(request: Request, given: object) -> bool:
    """Whether a form's token is the one bound to this session."""
    expected = str(request.session.get("csrf") or "")
    return bool(expected) and hmac.compare_digest(str(given or ""), expected)


async def _form_with_csrf(request: Request) -> dict[str, str] | None:
    form = await request.form()
    if not csrf_ok(request, form.get("csrf")):
        return None
    return {k: str(v) for k, v in form.items()}


def safe_next(target: str | None) -> str:
    """Where to go after logging in: only a path on this site (never //elsewhere or a URL)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/inbox"


def _session_staff(request: Request, s: Session, id_key: str, version_key: str) -> Staff | None:
    staff_id = request.session.get(id_key)
    staff = s.get(Staff, staff_id) if isinstance(staff_id, int) else None
    if staff is None or not staff.active:
        return None
    return staff if request.session.get(version_key) == staff.session_version else None


def signed_in(request: Request, s: Session) -> Staff | None:
    """The session's staff member: None unless the account is active and the session is as
    new as the account's last password change, reset or deactivation."""
    return _session_staff(request, s, "staff_id", "staff_v")


def _sign_in(request: Request, staff_id: int, version: int) -> None:
    request.session.clear()  # a fresh session (and CSRF token)
    request.session["staff_id"], request.session["staff_v"] = staff_id, version


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
    _: staffi18n.Words = ENGLISH,
) -> list[Route]:
    """The inbox's routes; ``_`` puts staff-facing text in ``BRUG_STAFF_LANGUAGE``."""
    sessions = service.sessions
    bad_form = _("invalid form token: reload the page")

    current = signed_in

    def render(request: Request, name: str, http_status: int = 200, **ctx: Any) -> Response:
        now = clock()
        return templates.TemplateResponse(
            request,
            name,
            {"csrf": csrf_token(request), "age": lambda t: _age(t, now, _), **ctx},
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
            return PlainTextResponse(bad_form, status_code=403)

        def check() -> tuple[int, int, bool] | None:
            with sessions() as s:
                staff = inbox.authenticate(
                    s, form.get("username", "")[:80], form.get("password", ""), clock()
                )
                s.commit()
                return (
                    (staff.id, staff.session_version, staff.must_change_password) if staff else None
                )

        found = await run_in_threadpool(check)
        if found is None:
            return render(
                request,
                "inbox/login.html",
                http_status=401,
                staff=None,
                next=safe_next(form.get("next")),
                error=_("Wrong username or password, or the account is locked for a while."),
            )
        staff_id, version, must_change = found
        if must_change:  # a password an admin chose: only the password page until it is replaced
            request.session.clear()
            request.session["pending_id"], request.session["pending_v"] = staff_id, version
            target = quote(safe_next(form.get("next")), safe="/")
            return RedirectResponse(f"/inbox/password?next={target}", status_code=303)
        _sign_in(request, staff_id, version)
        return RedirectResponse(safe_next(form.get("next")), status_code=303)

    async def logout(request: Request) -> Response:
        if await _form_with_csrf(request) is None:
            return PlainTextResponse(_("invalid form token"), status_code=403)

        def record() -> None:
            with sessions() as s:
                staff = signed_in(request, s)
                if staff is not None:
                    staff.session_version += 1  # a copied cookie dies with this one
                    inbox.audit(s, clock(), staff, "logout", staff.username)
                    s.commit()

        await run_in_threadpool(record)
        request.session.clear()
        return RedirectResponse("/inbox/login", status_code=303)

    def password_holder(request: Request, s: Session) -> tuple[Staff | None, bool]:
        """Who may use the password page: the signed-in, or someone who just logged in with a
        password an admin chose (True: such a pending login)."""
        staff = signed_in(request, s)
        if staff is not None:
            return staff, False
        staff = _session_staff(request, s, "pending_id", "pending_v")
        return staff, staff is not None

    async def password_page(request: Request) -> Response:
        def load() -> tuple[Staff | None, bool]:
            with sessions() as s:
                staff, pending = password_holder(request, s)
                if staff is not None:
                    s.expunge(staff)
                return staff, pending

        staff, pending = await run_in_threadpool(load)
        if staff is None:
            return RedirectResponse("/inbox/login", status_code=303)
        return render(
            request,
            "inbox/password.html",
            staff=staff,
            pending=pending,
            next=safe_next(request.query_params.get("next")),
            flash=_("Your password was changed.") if request.query_params.get("done") else None,
        )

    async def change_password(request: Request) -> Response:
        form = await _form_with_csrf(request)
        if form is None:
            return PlainTextResponse(bad_form, status_code=403)

        def apply() -> tuple[Staff | None, bool, str | None]:
            with sessions() as s:
                staff, pending = password_holder(request, s)
                if staff is None:
                    return None, False, None
                try:
                    staffing.change_own_password(
                        s,
                        staff,
                        form.get("current", ""),
                        form.get("new", ""),
                        form.get("repeat", ""),
                        clock(),
                    )
                    problem = None
                except staffing.StaffError as exc:
                    problem = staffi18n.error_text(_, exc)
                s.commit()  # a wrong current password counts towards the lockout
                s.expunge(staff)
                return staff, pending, problem

        staff, pending, problem = await run_in_threadpool(apply)
        if staff is None:
            return PlainTextResponse(_("log in first"), status_code=403)
        if problem:
            return render(
                request,
                "inbox/password.html",
                http_status=400,
                staff=staff,
                pending=pending,
                next=safe_next(form.get("next")),
                error=problem,
            )
        _sign_in(request, staff.id, staff.session_version)  # this session goes on; others end
        if pending:
            return RedirectResponse(safe_next(form.get("next")), status_code=303)
        return RedirectResponse("/inbox/password?done=1", status_code=303)

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
                    _(
                        "Case #{id} was erased with the user's data at their request ({when} UTC).",
                        id=case_id,
                        when=f"{when:%Y-%m-%d %H:%M}",
                    ),
                    status_code=410,
                )
            return PlainTextResponse(_("no such case"), status_code=404)
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
            return PlainTextResponse(_("no such case"), status_code=404)
        if data is None:
            return PlainTextResponse(_("log in first"), status_code=403)
        user_lang = data["case"].lang or "en"
        source = worker_language(data["staff"], user_lang) or user_lang
        translated = await run_in_threadpool(translator.translate, text, source, user_lang)
        return await render_case(request, data, preview=(text, translated or text))

    def action(kind: str) -> Handler:
        async def handle(request: Request) -> Response:
            form = await _form_with_csrf(request)
            if form is None:
                return PlainTextResponse(bad_form, status_code=403)
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
                        case = inbox.find_case(s, case_id)
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
                        return staffi18n.error_text(_, exc)
                    s.commit()
                    return None

            problem = await run_in_threadpool(apply)
            if problem == "login":
                return PlainTextResponse(_("log in first"), status_code=403)
            if problem == "missing":
                return PlainTextResponse(_("no such case"), status_code=404)
            if problem:
                return PlainTextResponse(problem, status_code=400)
            return RedirectResponse(f"/inbox/case/{case_id}", status_code=303)

        return handle

    return [
        Route("/inbox/login", login_page, methods=["GET"]),
        Route("/inbox/login", login, methods=["POST"]),
        Route("/inbox/logout", logout, methods=["POST"]),
        Route("/inbox/password", password_page, methods=["GET"]),
        Route("/inbox/password", change_password, methods=["POST"]),
        Route("/inbox", case_list),
        Route("/inbox/case/{case_id:int}", case_view),
        *[
            Route(f"/inbox/case/{{case_id:int}}/{kind}", action(kind), methods=["POST"])
            for kind in ("assign", "reply", "note", "resolve", "suggest")
        ],
    ]
