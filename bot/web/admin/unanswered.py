"""/admin/unanswered: the questions the bot could not answer well, grouped across languages,
with one-click actions: add as phrasings of an entry, start a new entry, dismiss."""

from __future__ import annotations

from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.admin import unanswered as queue
from bot.errors import BrugError
from bot.inbox import audit
from bot.storage.models import Staff
from bot.web.admin import FORBIDDEN_FORM, AdminContext
from bot.web.inbox import csrf_ok

AREA = "unanswered"
PAGE_ITEMS = 500


def routes(ctx: AdminContext) -> list[BaseRoute]:
    async def index(request: Request) -> Response:
        staff = await ctx.who(request, AREA)
        if isinstance(staff, Response):
            return staff
        engine = ctx.engine

        def load() -> list[queue.Group]:
            with ctx.sessions() as s:
                items = queue.load_items(s, PAGE_ITEMS)
                queue.translate_items(s, items, ctx.translator)
                s.commit()
            return queue.group(items, engine)

        groups = await run_in_threadpool(load)
        return ctx.render(
            request,
            "admin/unanswered.html",
            staff,
            AREA,
            groups=groups,
            total=sum(len(g.items) for g in groups),
            kinds=queue.KINDS,
            all_ids=sorted(engine.kb.entries),
            flash=request.query_params.get("flash"),
        )

    async def act(request: Request) -> Response:
        staff = await ctx.who(request, AREA)
        if isinstance(staff, Response):
            return staff
        form = await request.form()
        await form.close()
        if not csrf_ok(request, form.get("csrf")):
            return PlainTextResponse(ctx._(FORBIDDEN_FORM), status_code=403)
        ids = [int(str(v)) for v in form.getlist("ids") if str(v).isdigit()]
        if not ids:
            return PlainTextResponse(ctx._("choose at least one question"), status_code=400)
        action = request.path_params["action"]
        if action not in ("phrasing", "dismiss"):
            return PlainTextResponse("unknown action", status_code=404)
        entry_id = str(form.get("entry") or "").strip()

        def apply() -> str:
            now = ctx.clock()
            with ctx.sessions() as s:
                me = s.get(Staff, staff.id)
                if action == "phrasing":
                    n = queue.add_as_phrasing(s, ids, entry_id, author=staff.username, now=now)
                    audit(s, now, me, "kb.phrasing", f"{entry_id} +{n}")
                    message = ctx._(
                        "Added {n} phrasing(s) to {entry_id}; the bot matches them now.",
                        n=n,
                        entry_id=entry_id,
                    )
                else:
                    n = queue.dismiss(s, ids)
                    audit(s, now, me, "unanswered.dismiss", str(n))
                    message = ctx._("Dismissed {n} question(s).", n=n)
                s.commit()
                return message

        try:
            message = await run_in_threadpool(apply)
        except BrugError as exc:
            return PlainTextResponse(ctx.error_text(exc), status_code=400)
        if action == "phrasing":
            await run_in_threadpool(ctx.live.refresh)
        return RedirectResponse(
            f"/admin/unanswered?flash={quote(message, safe='')}", status_code=303
        )

    return [
        Route("/admin/unanswered", index),
        Route("/admin/unanswered/{action:str}", act, methods=["POST"]),
    ]
