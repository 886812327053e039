"""``brug ask``: one decision as the contract describes it, as data."""

from __future__ import annotations

import json
from typing import Any

from bot.engine import Engine
from bot.i18n import t
from bot.messages import Action, Decision
from bot.replies import Context, render


def reply_text(engine: Engine, decision: Decision, ctx: Context) -> str:
    replies = render(engine.kb, decision, ctx, options=engine.clarify_options(decision))
    texts = [r.text for r in replies]
    if decision.action == Action.ESCALATE:
        texts.insert(
            1 if decision.reason == "danger" else 0,
            t(ctx.lang, "handoff_started", when=t(ctx.lang, "handoff_when_office")),
        )
    return "\n\n".join(texts)


def ask(
    engine: Engine,
    text: str,
    *,
    lang: str | None,
    country: str | None,
    be_fallback_lang: str = "en",
) -> dict[str, Any]:
    decision = engine.decide(text, lang_hint=lang, country=country)
    ctx = Context(
        lang=decision.lang,
        country=decision.country or engine.default_country,
        be_fallback_lang=be_fallback_lang,
    )
    return {
        "action": decision.action.value,
        "entry": decision.entry,
        "candidates": [
            {"entry": c.entry, "score": round(c.score, 4)} for c in decision.candidates[:5]
        ],
        "lang": decision.lang,
        "confidence": round(decision.confidence, 4),
        "reply": reply_text(engine, decision, ctx),
    }


def ask_line(engine: Engine, line: str, be_fallback_lang: str = "en") -> dict[str, Any]:
    """One batch line in, one result out; never raises on bad input."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"id": None, "error": f"invalid JSON: {exc.msg}"}
    if not isinstance(item, dict):
        return {"id": None, "error": "each line must be a JSON object"}
    qid = item.get("id")
    text = item.get("text")
    if not isinstance(text, str):
        return {"id": qid, "error": "text must be a string"}
    country = item.get("country")
    if country is not None and country not in ("NL", "BE"):
        return {"id": qid, "error": "country must be NL, BE or null"}
    lang = item.get("lang")
    if lang is not None and not isinstance(lang, str):
        return {"id": qid, "error": "lang must be a string"}
    return {
        "id": qid,
        **ask(engine, text, lang=lang, country=country, be_fallback_lang=be_fallback_lang),
    }
