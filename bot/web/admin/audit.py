"""/admin/audit: the audit log, newest first, filtered by action, staff member and dates; and
its CSV export (itself audited). Read only: nothing here, or anywhere, edits or deletes a row.

Dates are whole days in the office time zone (BRUG_TIMEZONE), both ends included.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from bot import audit
from bot.audit import AuditQuery, AuditRow
from bot.inbox import audit as write_audit
from bot.storage.models import Staff
from bot.web.admin import AdminContext, StaffView

AREA = "audit"
PER_PAGE = 50


class BadFilter(ValueError):
    pass


def _day(params: Mapping[str, str], key: str, zone: ZoneInfo) -> datetime | None:
    raw = params.get(key, "").strip()
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise BadFilter(f"{key}: expected a date like 2026-11-25, got {raw[:20]!r}") from None
    # in UTC: SQLite stores the wall time without its zone, and the log is written in UTC
    return datetime.combine(day, time(), zone).astimezone(UTC)


def _next_day(start: datetime, zone: ZoneInfo) -> datetime:
    day = start.astimezone(zone).date() + timedelta(days=1)  # 23 or 25 hours on a DST change
    return datetime.combine(day, time(), zone).astimezone(UTC)


def parse_query(params: Mapping[str, str], zone: ZoneInfo) -> AuditQuery:
    staff = params.get("staff", "").strip()
    if staff and not staff.isdigit():
        raise BadFilter("staff: expected a staff member from the list")
    since, until = _day(params, "from", zone), _day(params, "until", zone)
    if since and until and until < since:
        raise BadFilter("the range ends before it starts")
    return AuditQuery(
        action=params.get("action", "").strip()[:40],
        staff_id=int(staff) if staff else None,
        since=since,
        until=_next_day(until, zone) if until else None,  # the last day counts in full
    )


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at  # SQLite keeps no zone


def who_label(row: AuditRow) -> str:
    if row.staff_id is None:
        return "system"
    return row.name or f"#{row.staff_id}"


def _cell(value: str) -> str:
    """A spreadsheet would run a cell starting with = + - @ as a formula: quote it."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def routes(ctx: AdminContext) -> list[BaseRoute]:
    zone = ctx.settings.office_hours.zone

    def local(at: datetime) -> str:
        return _utc(at).astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")

    def people() -> list[tuple[int, str]]:
        with ctx.sessions() as s:
            found = s.execute(select(Staff.id, Staff.name, Staff.username).order_by(Staff.name))
            return [(i, f"{name} ({username})") for i, name, username in found]

    async def page(request: Request) -> Response:
        me = await ctx.who(request, AREA)
        if isinstance(me, Response):
            return me
        params = request.query_params
        raw_page = params.get("page", "1")
        number = int(raw_page) if raw_page.isdigit() and 0 < int(raw_page) < 100_000 else 1
        try:
            q = parse_query(params, zone)
        except BadFilter as exc:
            return await render(request, me, [], 0, 1, http_status=400, error=ctx.error_text(exc))

        def load() -> tuple[list[AuditRow], int]:
            with ctx.sessions() as s:
                return audit.search(s, q, page=number, per_page=PER_PAGE)

        rows, total = await run_in_threadpool(load)
        return await render(request, me, rows, total, number)

    async def render(
        request: Request,
        me: StaffView,
        rows: list[AuditRow],
        total: int,
        number: int,
        http_status: int = 200,
        error: str | None = None,
    ) -> Response:
        params = request.query_params
        filters = {k: params.get(k, "") for k in ("action", "staff", "from", "until")}
        query = urlencode({k: v for k, v in filters.items() if v})
        return ctx.render(
            request,
            "admin/audit.html",
            me,
            AREA,
            http_status=http_status,
            rows=rows,
            total=total,
            page=number,
            pages=max((total + PER_PAGE - 1) // PER_PAGE, 1),
            filters=filters,
            query=query,
            people=await run_in_threadpool(people),
            actions=audit.KNOWN_ACTIONS,
            local=local,
            who_label=who_label,
            error=error,
        )

    async def export(request: Request) -> Response:
        me = await ctx.who(request, AREA)
        if isinstance(me, Response):
            return me
        try:
            q = parse_query(request.query_params, zone)
        except BadFilter as exc:
            return await render(request, me, [], 0, 1, http_status=400, error=ctx.error_text(exc))
        now = ctx.clock()
        described = " ".join(
            f"{k}={request.query_params[k]}"
            for k in ("action", "staff", "from", "until")
            if request.query_params.get(k)
        )

        def record() -> None:
            with ctx.sessions() as s:
                write_audit(s, now, s.get(Staff, me.id), "audit.export", described or "all")
                s.commit()

        await run_in_threadpool(record)

        def lines() -> Iterator[str]:  # run in the thread pool by StreamingResponse
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(["at_utc", "username", "name", "action", "target"])
            with ctx.sessions() as s:
                for row in audit.every(s, q):
                    writer.writerow(
                        [
                            _utc(row.at).isoformat(),
                            _cell(row.username or ""),
                            _cell(who_label(row)),
                            row.action,
                            _cell(row.target),
                        ]
                    )
                    if buffer.tell() > 64_000:
                        yield buffer.getvalue()
                        buffer.seek(0)
                        buffer.truncate()
            yield buffer.getvalue()

        return StreamingResponse(
            lines(),
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="audit-{now:%Y%m%d-%H%M}.csv"',
                "Cache-Control": "no-store",
            },
        )

    return [
        Route("/admin/audit", page, methods=["GET"]),
        Route("/admin/audit.csv", export, methods=["GET"]),
    ]
