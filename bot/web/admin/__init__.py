"""The admins' pages at /admin: knowledge, unanswered questions, stats, reach, staff and teams,
audit, user data. Each area is a module with ``routes(ctx)``; access is checked per area and role.

Views read and write through the functions in ``bot.admin`` (plain functions over a session)
and run database work in the thread pool. Every form carries the session's CSRF token.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute
from starlette.templating import Jinja2Templates

from bot import staffi18n
from bot.engine import Engine
from bot.live import LiveKnowledge
from bot.service import Service
from bot.settings import Settings
from bot.translate import Translator
from bot.web.inbox import _age, _form_with_csrf, csrf_token, signed_in

# area -> roles that may use it (a worker sees none of /admin)
PERMISSIONS: dict[str, tuple[str, ...]] = {
    "knowledge": ("editor", "admin"),
    "unanswered": ("editor", "admin"),
    "stats": ("editor", "admin"),
    "reach": ("editor", "admin"),
    "staff": ("admin",),
    "teams": ("admin",),
    "audit": ("admin",),
    "privacy": ("admin",),
}
NAV = (
    ("knowledge", "/admin", "Knowledge"),
    ("unanswered", "/admin/unanswered", "Unanswered"),
    ("stats", "/admin/stats", "Stats"),
    ("reach", "/admin/reach", "Links & posters"),
    ("staff", "/admin/staff", "Staff"),
    ("teams", "/admin/teams", "Teams"),
    ("audit", "/admin/audit", "Audit log"),
    ("privacy", "/admin/privacy", "User data"),
)


@dataclass
class StaffView:
    """The signed-in staff member, detached from any session."""

    id: int
    username: str
    name: str
    role: str
    languages: list[str]


@dataclass
class AdminContext:
    settings: Settings
    service: Service
    live: LiveKnowledge
    templates: Jinja2Templates
    clock: Callable[[], datetime]
    translator: Translator

    @property
    def sessions(self) -> sessionmaker[Session]:
        return self.service.sessions

    @property
    def engine(self) -> Engine:
        return self.live.engine

    @property
    def _(self) -> staffi18n.Words:
        """``_(text, **values)``: staff-facing text in ``BRUG_STAFF_LANGUAGE``."""
        return staffi18n.words(self.settings.staff_language)

    def error_text(self, exc: BaseException) -> str:
        return staffi18n.error_text(self._, exc)

    async def who(self, request: Request, area: str) -> StaffView | Response:
        """The staff member allowed into ``area``, or the response that keeps them out."""

        def load() -> StaffView | None:
            with self.sessions() as s:
                staff = signed_in(request, s)
                if staff is None:
                    return None
                return StaffView(
                    staff.id, staff.username, staff.name, staff.role, list(staff.languages)
                )

        staff = await run_in_threadpool(load)
        if staff is None:
            if request.method == "GET":
                target = quote(request.url.path, safe="/")
                return RedirectResponse(f"/inbox/login?next={target}", status_code=303)
            return PlainTextResponse(self._("log in first"), status_code=403)
        if staff.role not in PERMISSIONS[area]:
            return PlainTextResponse(self._("this page is for admins"), status_code=403)
        return staff

    async def form(self, request: Request) -> dict[str, str] | None:
        return await _form_with_csrf(request)

    def render(
        self,
        request: Request,
        name: str,
        staff: StaffView,
        area: str,
        http_status: int = 200,
        **ctx: Any,
    ) -> Response:
        now, _ = self.clock(), self._
        nav = [
            (href, _(label), key == area)
            for key, href, label in NAV
            if staff.role in PERMISSIONS[key]
        ]
        return self.templates.TemplateResponse(
            request,
            name,
            {
                "csrf": csrf_token(request),
                "age": lambda t: _age(t, now, _),
                "staff": staff,
                "nav": nav,
                "now": now,
                **ctx,
            },
            status_code=http_status,
        )


FORBIDDEN_FORM = "invalid form token: reload the page"


def routes(ctx: AdminContext) -> list[BaseRoute]:
    from bot.web.admin import audit, knowledge, privacy, reach, staff, stats, teams, unanswered

    out: list[BaseRoute] = []
    for module in (knowledge, unanswered, stats, reach, staff, teams, audit, privacy):
        out.extend(module.routes(ctx))
    return out
