"""/admin/privacy: find a person's data by channel id, export it, erase it (admins only).

Access and erasure requests that reach the organisation outside the chat (a letter, a phone
call) are answered here. Every look-up, export and erasure is audited with the person's
pseudonym as the target: the phone number or chat id never reaches the audit log or the logs.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot import privacy
from bot.inbox import audit
from bot.service import pseudonym
from bot.storage.models import Staff
from bot.web.admin import FORBIDDEN_FORM, AdminContext, StaffView

AREA = "privacy"


def routes(ctx: AdminContext) -> list[BaseRoute]:
    def page(
        request: Request,
        staff: StaffView,
        http_status: int = 200,
        *,
        channel: str = "telegram",
        raw: str = "",
        **extra: Any,
    ) -> Response:
        return ctx.render(
            request,
            "admin/privacy.html",
            staff,
            AREA,
            http_status=http_status,
            channels=privacy.CHANNELS,
            channel=channel,
            raw=raw,
            **extra,
        )

    async def start(request: Request) -> Response:
        staff = await ctx.who(request, AREA)
        if isinstance(staff, Response):
            return staff
        erased = request.query_params.get("erased", "")
        flash = (
            ctx._("All data of user {user} was erased.", user=erased) if erased.isalnum() else None
        )
        return page(request, staff, flash=flash)

    async def lookup(request: Request) -> tuple[StaffView, dict[str, str], str, str] | Response:
        """The staff member, form, channel and stored id of a POST, or the response refusing it."""
        staff = await ctx.who(request, AREA)
        if isinstance(staff, Response):
            return staff
        form = await ctx.form(request)
        if form is None:
            return PlainTextResponse(ctx._(FORBIDDEN_FORM), status_code=403)
        channel, raw = form.get("channel", ""), form.get("id", "")[:200]
        try:
            external_id = privacy.channel_id(channel, raw)
        except privacy.BadChannelId as exc:
            return page(
                request,
                staff,
                400,
                channel=channel if channel in privacy.CHANNELS else "telegram",
                raw=raw,
                error=ctx.error_text(exc),
            )
        return staff, form, channel, external_id

    def not_found(request: Request, staff: StaffView, channel: str, raw: str) -> Response:
        return page(
            request,
            staff,
            404,
            channel=channel,
            raw=raw,
            error=ctx._(
                "Nothing is stored for that id (never used, erased, or past the retention period)."
            ),
        )

    async def find(request: Request) -> Response:
        found = await lookup(request)
        if isinstance(found, Response):
            return found
        staff, form, channel, external_id = found
        who = pseudonym(ctx.settings.secret_key, channel, external_id)

        def load() -> privacy.Summary | None:
            with ctx.sessions() as s:
                contact = privacy.find(s, channel, external_id)
                audit(s, ctx.clock(), s.get(Staff, staff.id), "privacy.find", who)
                result = privacy.summary(s, contact) if contact is not None else None
                s.commit()
                return result

        summary = await run_in_threadpool(load)
        if summary is None:
            return not_found(request, staff, channel, form.get("id", ""))
        return page(
            request, staff, channel=channel, raw=form.get("id", ""), summary=summary, confirm=False
        )

    async def export(request: Request) -> Response:
        found = await lookup(request)
        if isinstance(found, Response):
            return found
        staff, form, channel, external_id = found
        who = pseudonym(ctx.settings.secret_key, channel, external_id)

        def load() -> dict[str, Any] | None:
            with ctx.sessions() as s:
                contact = privacy.find(s, channel, external_id)
                if contact is None:
                    return None
                data = privacy.export(s, contact, ctx.clock())
                audit(s, ctx.clock(), s.get(Staff, staff.id), "privacy.export", who)
                s.commit()
                return data

        data = await run_in_threadpool(load)
        if data is None:
            return not_found(request, staff, channel, form.get("id", ""))
        return Response(
            json.dumps(data, ensure_ascii=False, indent=2),
            media_type="application/json",
            headers={
                "Content-Disposition": f'attachment; filename="brug-user-{who}.json"',
                "Cache-Control": "no-store",
            },
        )

    async def erase(request: Request) -> Response:
        found = await lookup(request)
        if isinstance(found, Response):
            return found
        staff, form, channel, external_id = found
        who = pseudonym(ctx.settings.secret_key, channel, external_id)
        confirmed = form.get("confirm") == "yes"

        def apply() -> privacy.Summary | bool | None:
            with ctx.sessions() as s:
                contact = privacy.find(s, channel, external_id)
                if contact is None:
                    return None
                if not confirmed:
                    return privacy.summary(s, contact)
                now = ctx.clock()
                ctx.service.erase(s, contact, now, by="admin", staff_id=staff.id)
                audit(s, now, s.get(Staff, staff.id), "privacy.erase", who)
                s.commit()
                return True

        result = await run_in_threadpool(apply)
        if result is None:
            return not_found(request, staff, channel, form.get("id", ""))
        if result is True:
            return RedirectResponse(f"/admin/privacy?erased={who}", status_code=303)
        return page(
            request, staff, channel=channel, raw=form.get("id", ""), summary=result, confirm=True
        )

    return [
        Route("/admin/privacy", start, methods=["GET"]),
        Route("/admin/privacy/find", find, methods=["POST"]),
        Route("/admin/privacy/export", export, methods=["POST"]),
        Route("/admin/privacy/erase", erase, methods=["POST"]),
    ]
