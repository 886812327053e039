"""Links & posters (/admin/reach): per municipality and organisation a Telegram deep link, a
WhatsApp click-to-chat link, their QR codes, A4 posters per language, and how many people
arrived through each (``ArrivalStat``: counts only)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from bot.languages import ALL_CODES, CORE_LANGUAGES, native_name
from bot.posters import Poster, PosterError, poster_pdf, qr_png, qr_svg, qr_svg_inline
from bot.reach import (
    CodeError,
    LinkCode,
    make_code,
    parse_code,
    telegram_link,
    whatsapp_link,
    whatsapp_number,
)
from bot.storage.models import ArrivalStat
from bot.web.admin import AdminContext

logger = logging.getLogger(__name__)
AREA = "reach"
CHANNELS = ("telegram", "whatsapp")
RECENT_DAYS = 30
PAGE_LANG = "en"  # the WhatsApp links shown on the page greet in English; posters in their own


@dataclass
class Counts:
    recent: int = 0
    total: int = 0
    by_channel: dict[str, int] = field(default_factory=dict)


@dataclass
class Row:
    code: str
    org: str | None
    telegram: str | None
    whatsapp: str | None
    telegram_svg: str | None
    whatsapp_svg: str | None
    counts: Counts
    new: bool = False


def poster_languages(offered: tuple[str, ...]) -> list[str]:
    """The bot's languages, the five main ones first."""
    ordered = [*CORE_LANGUAGES, *(c for c in ALL_CODES if c not in CORE_LANGUAGES)]
    return [c for c in ordered if c in offered]


def arrival_counts(ctx: AdminContext, today: date) -> dict[str, Counts]:
    since = today - timedelta(days=RECENT_DAYS - 1)
    with ctx.sessions() as s:
        rows = s.execute(
            select(
                ArrivalStat.source,
                ArrivalStat.channel,
                func.count(),
                func.count().filter(ArrivalStat.day >= since),
            ).group_by(ArrivalStat.source, ArrivalStat.channel)
        ).all()
    out: dict[str, Counts] = {}
    for source, channel, total, recent in rows:
        counts = out.setdefault(source, Counts())
        counts.total += total
        counts.recent += recent
        counts.by_channel[channel] = counts.by_channel.get(channel, 0) + total
    return out


def routes(ctx: AdminContext) -> list[BaseRoute]:
    settings = ctx.settings
    bot_user = settings.telegram_username or None
    number = whatsapp_number(settings.twilio_from)

    def municipalities() -> dict[str, tuple[str, str]]:
        """key -> (name, country) of the municipalities with an overlay."""
        return {k: (o.name, o.country) for k, o in ctx.engine.kb.overlays.items()}

    def links(code: str, lang: str = PAGE_LANG) -> dict[str, str | None]:
        return {
            "telegram": telegram_link(bot_user, code) if bot_user else None,
            "whatsapp": whatsapp_link(number, code, lang) if number else None,
        }

    def row(link: LinkCode, counts: Counts | None, new: bool = False) -> Row:
        urls = links(link.code)
        return Row(
            code=link.code,
            org=link.org,
            telegram=urls["telegram"],
            whatsapp=urls["whatsapp"],
            telegram_svg=qr_svg_inline(urls["telegram"]) if urls["telegram"] else None,
            whatsapp_svg=qr_svg_inline(urls["whatsapp"]) if urls["whatsapp"] else None,
            counts=counts or Counts(),
            new=new,
        )

    def tables(
        known: dict[str, tuple[str, str]], made: LinkCode | None
    ) -> tuple[list[dict[str, Any]], list[tuple[str, Counts]]]:
        """Per municipality its own code, the organisation codes with arrivals and the one just
        made; then the codes whose municipality is gone. (QR drawing is slow: off the loop.)"""
        counts = arrival_counts(ctx, ctx.clock().date())
        groups = []
        for key, (name, country) in sorted(known.items(), key=lambda kv: kv[1][0].casefold()):
            codes = {key: LinkCode(key)}
            for source in counts:
                link = parse_code(source, known)
                if link is not None and link.municipality == key:
                    codes[link.code] = link
            if made is not None and made.municipality == key:
                codes[made.code] = made
            rows = [
                row(link, counts.get(code), new=made is not None and code == made.code)
                for code, link in sorted(codes.items(), key=lambda kv: (kv[1].org or "", kv[0]))
            ]
            groups.append({"key": key, "name": name, "country": country, "rows": rows})
        orphans = sorted(
            ((source, c) for source, c in counts.items() if parse_code(source, known) is None),
            key=lambda item: item[0],
        )
        return groups, orphans

    async def page(request: Request) -> Response:
        staff = await ctx.who(request, AREA)
        if isinstance(staff, Response):
            return staff
        known = municipalities()
        error = flash = None
        made: LinkCode | None = None
        chosen = request.query_params.get("municipality")
        org = request.query_params.get("org")
        if chosen is not None or org is not None:
            try:
                made = make_code(chosen or "", org or "", known)
                flash = ctx._(
                    "Link code {code}: copy the links or download the QR codes and "
                    "posters now — the row stays on this page once someone arrived through it.",
                    code=made.code,
                )
            except CodeError as exc:
                error = ctx.error_text(exc)
        groups, orphans = await run_in_threadpool(tables, known, made)
        return ctx.render(
            request,
            "admin/reach.html",
            staff,
            AREA,
            http_status=400 if error else 200,
            groups=groups,
            orphans=orphans,
            languages=[(c, native_name(c)) for c in poster_languages(settings.languages)],
            municipalities=[(k, v[0]) for k, v in sorted(known.items())],
            chosen=chosen or "",
            org=org or "",
            bot_user=bot_user,
            number=number,
            recent_days=RECENT_DAYS,
            error=error,
            flash=flash,
        )

    async def qr_image(request: Request) -> Response:
        staff = await ctx.who(request, AREA)
        if isinstance(staff, Response):
            return staff
        code, _, kind = request.path_params["name"].rpartition(".")
        link = parse_code(code, municipalities()) if code == code.lower() else None
        if link is None or kind not in ("png", "svg"):
            return PlainTextResponse("no such link code", status_code=404)
        channel = request.query_params.get("channel", "")
        lang = request.query_params.get("lang", PAGE_LANG)
        if channel not in CHANNELS:
            return PlainTextResponse("channel must be telegram or whatsapp", status_code=400)
        if lang not in settings.languages:
            return PlainTextResponse(f"unknown language {lang[:10]!r}", status_code=400)
        url = links(link.code, lang)[channel]
        if url is None:
            return _not_configured(channel)
        filename = f"brug-{link.code}-{channel}{'-' + lang if channel == 'whatsapp' else ''}"
        headers = {"Content-Disposition": f'attachment; filename="{filename}.{kind}"'}
        if kind == "png":
            png = await run_in_threadpool(qr_png, url)
            return Response(png, media_type="image/png", headers=headers)
        svg = await run_in_threadpool(qr_svg, url)
        return Response(svg, media_type="image/svg+xml", headers=headers)

    async def poster(request: Request) -> Response:
        staff = await ctx.who(request, AREA)
        if isinstance(staff, Response):
            return staff
        name = request.path_params["name"]
        stem, dot, ext = name.rpartition(".")
        code, _, lang = stem.rpartition("-")
        known = municipalities()
        link = parse_code(code, known) if code == code.lower() else None
        if link is None or ext != "pdf" or not dot or lang not in settings.languages:
            return PlainTextResponse("no such poster", status_code=404)
        if not bot_user and not number:
            return _not_configured("telegram and whatsapp")
        place, country = known[link.municipality]
        spec = Poster(lang, place, country, link.code, bot_user, number)
        try:
            pdf = await run_in_threadpool(poster_pdf, spec)
        except PosterError as exc:
            logger.error("cannot make a poster: %s", exc)
            return PlainTextResponse(str(exc), status_code=503)
        headers = {"Content-Disposition": f'attachment; filename="brug-{link.code}-{lang}.pdf"'}
        return Response(pdf, media_type="application/pdf", headers=headers)

    return [
        Route("/admin/reach", page, methods=["GET"]),
        Route("/admin/reach/qr/{name}", qr_image, methods=["GET"]),
        Route("/admin/reach/poster/{name}", poster, methods=["GET"]),
    ]


def _not_configured(channel: str) -> Response:
    setting = {"telegram": "TELEGRAM_BOT_USERNAME", "whatsapp": "TWILIO_WHATSAPP_FROM"}.get(
        channel, "TELEGRAM_BOT_USERNAME or TWILIO_WHATSAPP_FROM"
    )
    return PlainTextResponse(f"no {channel} link: set {setting} first", status_code=409)
