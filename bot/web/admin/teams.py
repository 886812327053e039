"""/admin/teams: teams of bridge workers, their office hours and the places they serve
(admins only). A hand-off promises the office hours of the team that serves the user; cases are
offered first to the workers who speak the language and serve the place. ``bot.teams`` does
the work and writes the audit log.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot import teams as teamwork
from bot.errors import BrugError
from bot.storage.models import Staff, Team
from bot.web.admin import FORBIDDEN_FORM, AdminContext, StaffView

AREA = "teams"
ZONES = ("Europe/Amsterdam", "Europe/Brussels")


def form_of(form: dict[str, str]) -> teamwork.TeamForm:
    return teamwork.TeamForm(
        name=form.get("name", ""),
        country=form.get("country", ""),
        municipalities=[key[5:] for key in form if key.startswith("muni_")],
        office_hours=form.get("office_hours", ""),
        timezone=form.get("timezone", "") or "Europe/Amsterdam",
    )


def form_from(team: Team) -> teamwork.TeamForm:
    return teamwork.TeamForm(
        team.name, team.country, list(team.municipalities), team.office_hours, team.timezone
    )


def routes(ctx: AdminContext) -> list[BaseRoute]:
    def known() -> dict[str, str]:
        return {slug: o.country for slug, o in ctx.engine.kb.overlays.items()}

    def places(held: list[str]) -> list[tuple[str, str]]:
        labels = {slug: f"{o.name} ({o.country})" for slug, o in ctx.engine.kb.overlays.items()}
        for slug in held:
            labels.setdefault(slug, f"{slug} (no local information now)")
        return sorted(labels.items(), key=lambda item: item[1])

    def changed() -> None:
        """This process uses the change at once; the others within the directory's ttl."""
        ctx.service.teams.invalidate()

    def form_page(
        request: Request,
        me: StaffView,
        team_id: int | None,
        form: teamwork.TeamForm,
        http_status: int = 200,
        **extra: Any,
    ) -> Response:
        return ctx.render(
            request,
            "admin/team_form.html",
            me,
            AREA,
            http_status=http_status,
            team_id=team_id,
            form=form,
            places=places(form.municipalities),
            zones=ZONES,
            **extra,
        )

    async def listing(request: Request) -> Response:
        me = await ctx.who(request, AREA)
        if isinstance(me, Response):
            return me

        def rows() -> list[tuple[Team, int, bool]]:
            now = ctx.clock()
            with ctx.sessions() as s:
                members = {
                    team_id: int(n)
                    for team_id, n in s.execute(
                        select(Staff.team_id, func.count())
                        .where(Staff.active.is_(True))
                        .group_by(Staff.team_id)
                    )
                }
                info = {t.id: t for t in teamwork.load(s)}
                return [
                    (
                        t,
                        members.get(t.id, 0),
                        info[t.id].hours.is_open(now) if t.id in info else False,
                    )
                    for t in s.scalars(select(Team).order_by(Team.name))
                ]

        return ctx.render(
            request,
            "admin/teams.html",
            me,
            AREA,
            teams=await run_in_threadpool(rows),
            fallback=ctx.settings.office_hours.label(),
        )

    async def new_page(request: Request) -> Response:
        me = await ctx.who(request, AREA)
        if isinstance(me, Response):
            return me
        blank = teamwork.TeamForm("", None, [], "mon-fri 09:00-17:00", "Europe/Amsterdam")
        return form_page(request, me, None, blank)

    async def save(request: Request) -> Response:
        me = await ctx.who(request, AREA)
        if isinstance(me, Response):
            return me
        form = await ctx.form(request)
        if form is None:
            return PlainTextResponse(ctx._(FORBIDDEN_FORM), status_code=403)
        team_id: int | None = request.path_params.get("team_id")
        wanted = form_of(form)

        def apply() -> int:
            now = ctx.clock()
            with ctx.sessions() as s:
                by = s.get(Staff, me.id)
                if team_id is None:
                    team = teamwork.create(s, by, wanted, known(), now)
                else:
                    found = s.get(Team, team_id)
                    if found is None:
                        raise LookupError
                    team = found
                    if form.get("action") == "delete":
                        teamwork.remove(s, by, team, now)
                        s.commit()
                        return 0
                    teamwork.change(s, by, team, wanted, known(), now)
                s.commit()
                return team.id

        try:
            saved = await run_in_threadpool(apply)
        except LookupError:
            return PlainTextResponse(ctx._("no such team"), status_code=404)
        except BrugError as exc:
            return form_page(
                request, me, team_id, wanted, http_status=400, error=ctx.error_text(exc)
            )
        changed()
        if saved == 0:
            return RedirectResponse("/admin/teams?done=deleted", status_code=303)
        return RedirectResponse(f"/admin/teams/{saved}?done=saved", status_code=303)

    async def edit_page(request: Request) -> Response:
        me = await ctx.who(request, AREA)
        if isinstance(me, Response):
            return me
        team_id = request.path_params["team_id"]

        def load() -> tuple[teamwork.TeamForm, list[str]] | None:
            with ctx.sessions() as s:
                team = s.get(Team, team_id)
                if team is None:
                    return None
                names = s.scalars(
                    select(Staff.name)
                    .where(Staff.team_id == team_id, Staff.active.is_(True))
                    .order_by(Staff.name)
                ).all()
                return form_from(team), list(names)

        found = await run_in_threadpool(load)
        if found is None:
            return PlainTextResponse(ctx._("no such team"), status_code=404)
        flash = ctx._("Saved.") if request.query_params.get("done") == "saved" else None
        return form_page(request, me, team_id, found[0], members=found[1], flash=flash)

    return [
        Route("/admin/teams", listing, methods=["GET"]),
        Route("/admin/teams/new", new_page, methods=["GET"]),
        Route("/admin/teams/new", save, methods=["POST"]),
        Route("/admin/teams/{team_id:int}", edit_page, methods=["GET"]),
        Route("/admin/teams/{team_id:int}", save, methods=["POST"]),
    ]
