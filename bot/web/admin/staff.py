"""/admin/staff: the accounts of bridge workers, editors and admins (admins only).

Create, edit (name, role, languages, municipalities, Telegram id, active), reset a password
(shown once, on the page that answers the reset), unlock after wrong passwords. The work is
done by ``bot.staffing``, which also writes the audit log.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot import staffing
from bot.errors import BrugError
from bot.inbox import ROLES
from bot.languages import LANGUAGES
from bot.staffwords import language_name
from bot.storage.models import Staff, Team
from bot.web.admin import FORBIDDEN_FORM, AdminContext, StaffView
from bot.web.inbox import Handler

AREA = "staff"
NO_STORE = {"Cache-Control": "no-store"}  # pages that show a password


def profile_from(form: dict[str, str]) -> staffing.Profile:
    """The edit form: one checkbox per language (``lang_pl``) and municipality (``muni_ninove``)."""
    return staffing.Profile(
        name=form.get("name", ""),
        role=form.get("role", ""),
        languages=[code for code in LANGUAGES if form.get(f"lang_{code}")],
        municipalities=[key[5:] for key in form if key.startswith("muni_")],
        telegram_id=form.get("telegram_id", ""),
        active=bool(form.get("active")),
        team_id=int(form["team"]) if form.get("team", "").isdigit() else None,
    )


def routes(ctx: AdminContext) -> list[BaseRoute]:
    lang = ctx.settings.staff_language

    def places(held: list[str]) -> list[tuple[str, str]]:
        """Municipalities with local information (slug, label), and any the person still has."""
        labels = {slug: f"{o.name} ({o.country})" for slug, o in ctx.engine.kb.overlays.items()}
        for slug in held:
            labels.setdefault(slug, f"{slug} (no local information now)")
        return sorted(labels.items(), key=lambda item: item[1])

    def hhmm(at: datetime) -> str:
        return at.astimezone(ctx.settings.office_hours.zone).strftime("%H:%M")

    def known() -> set[str]:
        return set(ctx.engine.kb.overlays)

    def team_names() -> dict[int, str]:
        with ctx.sessions() as s:
            return {i: n for i, n in s.execute(select(Team.id, Team.name).order_by(Team.name))}

    def form_page(
        request: Request,
        me: StaffView,
        person: staffing.StaffRow | None,
        profile: staffing.Profile,
        http_status: int = 200,
        **extra: Any,
    ) -> Response:
        response = ctx.render(
            request,
            "admin/staff_form.html",
            me,
            AREA,
            http_status=http_status,
            hhmm=hhmm,
            person=person,
            profile=profile,
            roles=ROLES,
            languages=[(code, language_name(lang, code)) for code in LANGUAGES],
            places=places(profile.municipalities),
            teams=team_names(),
            **extra,
        )
        if "new_password" in extra:
            response.headers.update(NO_STORE)
        return response

    def load(staff_id: int) -> staffing.StaffRow | None:
        with ctx.sessions() as s:
            person = s.get(Staff, staff_id)
            return staffing.row(person, ctx.clock()) if person is not None else None

    async def listing(request: Request) -> Response:
        me = await ctx.who(request, AREA)
        if isinstance(me, Response):
            return me

        def rows() -> list[staffing.StaffRow]:
            with ctx.sessions() as s:
                return staffing.list_staff(s, ctx.clock())

        return ctx.render(
            request,
            "admin/staff.html",
            me,
            AREA,
            people=await run_in_threadpool(rows),
            teams=await run_in_threadpool(team_names),
            hhmm=hhmm,
            language_names={code: language_name(lang, code) for code in LANGUAGES},
        )

    async def new_page(request: Request) -> Response:
        me = await ctx.who(request, AREA)
        if isinstance(me, Response):
            return me
        return form_page(request, me, None, staffing.Profile(name="", role="worker"), username="")

    async def create(request: Request) -> Response:
        me = await ctx.who(request, AREA)
        if isinstance(me, Response):
            return me
        form = await ctx.form(request)
        if form is None:
            return PlainTextResponse(ctx._(FORBIDDEN_FORM), status_code=403)
        profile = profile_from(form)

        def apply() -> tuple[staffing.StaffRow, str]:
            now = ctx.clock()
            with ctx.sessions() as s:
                person, password = staffing.create_staff(
                    s,
                    s.get(Staff, me.id),
                    username=form.get("username", ""),
                    profile=profile,
                    password=form.get("password", "").strip() or None,
                    known_municipalities=known(),
                    now=now,
                )
                s.commit()
                return staffing.row(person, now), password

        try:
            person, password = await run_in_threadpool(apply)
        except BrugError as exc:
            return form_page(
                request,
                me,
                None,
                profile,
                http_status=400,
                username=form.get("username", ""),
                error=ctx.error_text(exc),
            )
        return form_page(
            request,
            me,
            person,
            staffing.profile_of(person),
            new_password=password,
            flash=ctx._("Account {username} created.", username=person.username),
        )

    async def edit_page(request: Request) -> Response:
        me = await ctx.who(request, AREA)
        if isinstance(me, Response):
            return me
        person = await run_in_threadpool(load, request.path_params["staff_id"])
        if person is None:
            return PlainTextResponse(ctx._("no such staff member"), status_code=404)
        done = request.query_params.get("done")
        flash = {"saved": ctx._("Saved."), "unlocked": ctx._("Unlocked.")}.get(done or "")
        return form_page(request, me, person, staffing.profile_of(person), flash=flash)

    def change(action: str) -> Handler:
        """A POST on /admin/staff/<id>[/<action>]: the admin's row and the person's are loaded in
        one session; ``apply`` changes them and returns what the answer needs."""

        async def handle(request: Request) -> Response:
            me = await ctx.who(request, AREA)
            if isinstance(me, Response):
                return me
            form = await ctx.form(request)
            if form is None:
                return PlainTextResponse(ctx._(FORBIDDEN_FORM), status_code=403)
            staff_id = request.path_params["staff_id"]

            def apply() -> str | None:
                now = ctx.clock()
                with ctx.sessions() as s:
                    person = s.get(Staff, staff_id)
                    if person is None:
                        raise LookupError
                    by = s.get(Staff, me.id)
                    result: str | None = None
                    if action == "update":
                        staffing.update_staff(
                            s, by, person, profile_from(form), known_municipalities=known(), now=now
                        )
                    elif action == "password":
                        result = staffing.reset_password(
                            s, by, person, now, form.get("password", "").strip() or None
                        )
                    elif action == "unlock":
                        staffing.unlock(s, by, person, now)
                    s.commit()
                    return result

            try:
                password = await run_in_threadpool(apply)
            except LookupError:
                return PlainTextResponse(ctx._("no such staff member"), status_code=404)
            except BrugError as exc:
                person = await run_in_threadpool(load, staff_id)
                assert person is not None
                profile = profile_from(form) if action == "update" else staffing.profile_of(person)
                return form_page(
                    request, me, person, profile, http_status=400, error=ctx.error_text(exc)
                )
            if action == "password":
                person = await run_in_threadpool(load, staff_id)
                assert person is not None
                return form_page(
                    request,
                    me,
                    person,
                    staffing.profile_of(person),
                    new_password=password,
                    flash=ctx._("Password reset: the old one and all sessions no longer work."),
                )
            done = "saved" if action == "update" else "unlocked"
            return RedirectResponse(f"/admin/staff/{staff_id}?done={done}", status_code=303)

        return handle

    return [
        Route("/admin/staff", listing, methods=["GET"]),
        Route("/admin/staff/new", new_page, methods=["GET"]),
        Route("/admin/staff/new", create, methods=["POST"]),
        Route("/admin/staff/{staff_id:int}", edit_page, methods=["GET"]),
        Route("/admin/staff/{staff_id:int}", change("update"), methods=["POST"]),
        Route("/admin/staff/{staff_id:int}/password", change("password"), methods=["POST"]),
        Route("/admin/staff/{staff_id:int}/unlock", change("unlock"), methods=["POST"]),
    ]
