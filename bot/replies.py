"""From a decision to the messages the user sees, in the user's language.

Pure: takes the knowledge base, the decision and the user's context and
returns :class:`~bot.messages.Reply` objects. Buttons carry payloads the
conversation understands (``e:<entry>``, ``fb:+:<entry>``, ``human`` …).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import t
from bot.knowledge import Entry, KnowledgeBase
from bot.languages import native_name
from bot.messages import Action, Button, Decision, Reply


@dataclass(frozen=True)
class Context:
    lang: str
    country: str
    municipality: str | None = None
    be_fallback_lang: str = "en"
    retention_days: int = 90


def answer_text(kb: KnowledgeBase, entry: Entry, ctx: Context) -> tuple[str, str]:
    """The full answer for ``entry`` and the language it is in."""
    lang = ctx.lang
    body = entry.answer_for(lang, ctx.country)
    note = ""
    if body is None:
        fallback = ctx.be_fallback_lang if ctx.country == "BE" else "en"
        for candidate in (fallback, "en", "nl"):
            body = entry.answer_for(candidate, ctx.country)
            if body:
                note = t(
                    lang,
                    "answer_in_other_language",
                    language=native_name(lang),
                    fallback=native_name(candidate),
                )
                lang = candidate
                break
    question = (
        entry.question_for(ctx.lang, ctx.country) or entry.question_for(lang, ctx.country) or ""
    )
    parts = [f"*{question}*"]
    if note:
        parts.append(note)
    parts.append(body or "")
    overlay = kb.overlays.get(ctx.municipality or "")
    if overlay:
        local = overlay.text_for(entry.id, ctx.lang) or overlay.text_for(entry.id, lang)
        if local:
            parts.append(local)
    if entry.sources and "http" not in (body or ""):  # answers carry their own official link
        parts.append(f"{t(ctx.lang, 'source')}: {entry.sources[0]}")
    return "\n\n".join(p for p in parts if p), lang


def entry_label(entry: Entry, ctx: Context) -> str:
    return (
        entry.question_for(ctx.lang, ctx.country) or entry.question_for("en") or entry.id
    ).strip()


def render(
    kb: KnowledgeBase, decision: Decision, ctx: Context, options: list[str] | None = None
) -> list[Reply]:
    """The replies for ``decision``. ``options`` are the entries a clarify offers."""
    lang = ctx.lang
    if decision.action == Action.ANSWER and decision.entry:
        return [render_entry(kb, kb.entries[decision.entry], ctx)]
    if decision.action == Action.CLARIFY:
        picks = [kb.entries[e] for e in (options or [c.entry for c in decision.candidates[:3]])]
        lines = [t(lang, "did_you_mean")]
        lines += [f"{i}. {entry_label(e, ctx)}" for i, e in enumerate(picks, 1)]
        lines.append(t(lang, "reply_with_number"))
        buttons = [
            Button(f"{i}. {entry_label(e, ctx)}"[:60], f"e:{e.id}") for i, e in enumerate(picks, 1)
        ]
        buttons.append(Button(t(lang, "none_of_these"), "none"))
        return [Reply("\n".join(lines), tuple(buttons), lang)]
    if decision.action == Action.FALLBACK:
        return [
            Reply(
                t(lang, "fallback"),
                (
                    Button(t(lang, "talk_to_person"), "human"),
                    Button(t(lang, "menu_title").rstrip(":"), "menu"),
                ),
                lang,
            )
        ]
    # escalate
    replies: list[Reply] = []
    urgent = decision.reason == "danger"
    if urgent:
        emergency = t(lang, f"emergency_numbers_{(decision.country or 'NL').lower()}")
        replies.append(Reply(f"{t(lang, 'handoff_urgent')}\n{emergency}", (), lang))
    if decision.entry and decision.entry in kb.entries and decision.reason != "explicit":
        text, used = answer_text(kb, kb.entries[decision.entry], ctx)
        replies.append(Reply(text, (), used, entry=decision.entry))
    return replies


def render_entry(kb: KnowledgeBase, entry: Entry, ctx: Context) -> Reply:
    text, used = answer_text(kb, entry, ctx)
    buttons = [
        Button(entry_label(kb.entries[r], ctx)[:60], f"e:{r}")
        for r in entry.related
        if r in kb.entries
    ]
    buttons += [
        Button(t(ctx.lang, "helped"), f"fb:+:{entry.id}"),
        Button(t(ctx.lang, "not_helpful"), f"fb:-:{entry.id}"),
        Button(t(ctx.lang, "talk_to_person"), "human"),
    ]
    return Reply(text, tuple(buttons), used, entry=entry.id, machine_translated=False)


def handoff_text(lang: str, when: str) -> str:
    return t(lang, "handoff_started", when=when)
