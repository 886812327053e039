"""/admin/stats: what the bot did over a period, in counts only; each table as CSV."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from bot.admin.charts import PALETTE, Bar, hbars, stacked_days
from bot.admin.period import PRESETS, Period, PeriodError, parse_period
from bot.admin.report import TABLES, Report, report, to_csv
from bot.admin.stats import ACTIONS, human_duration
from bot.inbox import audit
from bot.storage.models import Staff
from bot.web.admin import AdminContext

TEMPLATE = "admin/stats.html"
ACTION_COLOURS = dict(zip(ACTIONS, (PALETTE[2], PALETTE[0], PALETTE[1], PALETTE[5]), strict=True))


def percent(share: float) -> str:
    return f"{share * 100:.1f} %"


def charts(rep: Report) -> dict[str, Markup]:
    out: dict[str, Markup] = {}
    if rep.messages:
        out["daily"] = stacked_days("Messages per day by language", rep.period.days, rep.per_day())
    if rep.rates:
        everything = rep.rates[0]
        out["actions"] = hbars(
            "What the bot did with the messages",
            [
                Bar(a, everything.rate(a) * 100, percent(everything.rate(a)), ACTION_COLOURS[a])
                for a in ACTIONS
            ],
            maximum=100,
        )
    answered = [e for e in rep.entries if e.answered]
    if answered:
        out["entries"] = hbars(
            "Most answered entries", [Bar(e.entry, e.answered, str(e.answered)) for e in answered]
        )
    return out


def routes(ctx: AdminContext) -> list[BaseRoute]:
    def today() -> Period:
        return Period.last(1, ctx.clock().astimezone(UTC).date())

    async def page(request: Request) -> Response:
        staff = await ctx.who(request, "stats")
        if isinstance(staff, Response):
            return staff
        common: dict[str, Any] = {
            "presets": PRESETS,
            "tables": list(TABLES),
            "duration": human_duration,
        }
        try:
            period = parse_period(request.query_params, today().end)
        except PeriodError as exc:
            fallback = Period.last(30, today().end)
            return ctx.render(
                request,
                TEMPLATE,
                staff,
                "stats",
                http_status=400,
                error=ctx.error_text(exc),
                period=fallback,
                report=None,
                **common,
            )

        def load() -> Report:
            with ctx.sessions() as s:
                return report(s, period)

        rep = await run_in_threadpool(load)
        return ctx.render(
            request,
            TEMPLATE,
            staff,
            "stats",
            period=period,
            report=rep,
            charts=charts(rep),
            actions=ACTIONS,
            percent=percent,
            **common,
        )

    async def export(request: Request) -> Response:
        staff = await ctx.who(request, "stats")
        if isinstance(staff, Response):
            return staff
        name = request.query_params.get("table", "")
        if name not in TABLES:
            return PlainTextResponse(
                f"unknown table: ask for one of {', '.join(TABLES)}", status_code=400
            )
        try:
            period = parse_period(request.query_params, today().end)
        except PeriodError as exc:
            return PlainTextResponse(ctx.error_text(exc), status_code=400)

        def load() -> str:
            with ctx.sessions() as s:
                head, rows = TABLES[name](s, period)
                target = f"{name} {period.start.isoformat()}..{period.end.isoformat()}"
                audit(s, ctx.clock(), s.get(Staff, staff.id), "stats.export", target)
                s.commit()
            return to_csv(head, rows)

        body = await run_in_threadpool(load)
        filename = f"brug-{name}-{period.start.isoformat()}-{period.end.isoformat()}.csv"
        return Response(
            body,
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="{filename}"',
                "Cache-Control": "no-store",
            },
        )

    return [
        Route("/admin/stats", page, methods=["GET"]),
        Route("/admin/stats.csv", export, methods=["GET"]),
    ]
