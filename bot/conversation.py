"""The conversation, the same on every channel: a pure state machine.

``step(state, inbound, engine, now)`` takes the user's stored state and one
inbound message and returns the new state, the replies to send and the
effects the service must carry out (open a case, store feedback, erase the
user…). It sends nothing, stores nothing and reads no clock.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from bot.engine import Engine
from bot.i18n import keywords, t
from bot.knowledge import TOPICS
from bot.languages import LANGUAGES, native_name
from bot.messages import Action, Button, Decision, Inbound, Reply
from bot.normalize import is_meaningful
from bot.officehours import OfficeHours
from bot.reach import find_marked, parse_code, prefill_language, strip_marked
from bot.replies import Context, render, render_entry

COMMANDS = ("start", "menu", "language", "country", "human", "delete", "help", "mydata")
_NUMBER = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s*$")


@dataclass(frozen=True)
class State:
    step: str = "new"  # new | language | country | consent | ready
    lang: str | None = None
    country: str | None = None
    municipality: str | None = None
    options: tuple[str, ...] = ()  # payloads the numbers 1, 2, 3… stand for
    handoff: bool = False
    pending_question: str | None = None
    consented: bool = False


# ---- effects the service carries out -------------------------------------------------


@dataclass(frozen=True)
class RecordDecision:
    text: str
    decision: Decision


@dataclass(frozen=True)
class OpenCase:
    reason: str  # danger | explicit | fallback | feedback | entry
    urgent: bool
    danger: str | None = None
    entry: str | None = None


@dataclass(frozen=True)
class ForwardToCase:
    text: str


@dataclass(frozen=True)
class SaveFeedback:
    entry: str
    helpful: bool


@dataclass(frozen=True)
class EraseUser:
    pass


@dataclass(frozen=True)
class SendMyData:
    pass


@dataclass(frozen=True)
class Arrived:
    """A new person came by a link or QR code (``code``: see ``bot.reach``)."""

    code: str


Effect = RecordDecision | OpenCase | ForwardToCase | SaveFeedback | EraseUser | SendMyData | Arrived


@dataclass
class Outcome:
    state: State
    replies: list[Reply] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)


@dataclass(frozen=True)
class Options:
    municipalities: dict[str, str] = field(default_factory=dict)  # slug -> country
    retention_days: int = 90
    be_fallback_lang: str = "en"
    languages: tuple[str, ...] = tuple(LANGUAGES)
    office_hours: OfficeHours | None = None
    # the office hours of the team that serves (language, country, municipality), if teams exist
    hours_for: Callable[[str | None, str | None, str | None], OfficeHours | None] | None = None


class Conversation:
    def __init__(self, engine: Engine, options: Options | None = None) -> None:
        self.engine = engine
        self.options = options or Options(languages=engine.languages)

    # ---- entry point ----------------------------------------------------------------
    def step(self, state: State, msg: Inbound, now: datetime) -> Outcome:
        command, arg = self._interpret(state, msg)
        if command == "start" or state.step == "new":
            return self._start(state, msg, arg if command == "start" else None)
        if command == "delete":
            return self._ask_delete(state)
        if command == "del:yes":
            return Outcome(
                State(),
                [Reply(t(state.lang or "en", "delete_done"), (), state.lang or "en")],
                [EraseUser()],
            )
        if command == "del:no":
            return self._say(state, "delete_cancelled")
        if state.step == "language" or command == "language":
            return self._language(state, command, arg, msg)
        if state.step == "country" or command == "country":
            return self._country(state, command, arg)
        if state.step == "consent":
            return self._consent(state, command, arg, now)
        return self._ready(state, command, arg, msg, now)

    # ---- understanding the message ----------------------------------------------------
    def _interpret(self, state: State, msg: Inbound) -> tuple[str | None, str | None]:
        """(command or payload kind, argument); (None, None) for free text."""
        payload = msg.payload
        text = (msg.text or "").strip()
        if not payload:
            number = _NUMBER.match(text)
            if number and state.options and 1 <= int(number.group(1)) <= len(state.options):
                payload = state.options[int(number.group(1)) - 1]
        if payload:
            kind, _, rest = payload.partition(":")
            if kind in ("lang", "country", "t", "e", "consent"):
                return kind, rest
            if kind == "fb":
                return "fb", rest
            if kind == "del":
                return f"del:{rest}", None
            return payload, None
        if text.startswith("/"):
            word, _, rest = text[1:].partition(" ")
            word = word.split("@", 1)[0].casefold()
            if word in COMMANDS:
                return word, rest.strip() or None
        link = find_marked(text, self.options.municipalities)
        if link is not None:  # a link's prefilled first message (WhatsApp), maybe sent again
            return "start", link.code
        folded = text.casefold().strip(" !?.")
        if folded and len(folded) <= 20:
            for command, words in keywords(state.lang or "en").items():
                if folded in words:
                    if command in ("yes", "no"):
                        if "del:yes" in state.options:
                            return f"del:{command}", None
                        return ("consent", command) if state.step == "consent" else (None, None)
                    return command, None
        return None, None

    # ---- onboarding ---------------------------------------------------------------------
    def _start(self, state: State, msg: Inbound, start_arg: str | None) -> Outcome:
        municipality = state.municipality
        country = state.country
        text = (msg.text or "").strip()
        for token in [start_arg or "", *re.findall(r"[a-z0-9-]+", text.casefold())]:
            if token in self.options.municipalities:
                municipality, country = token, self.options.municipalities[token]
        link = parse_code(start_arg, self.options.municipalities) if start_arg else None
        prefilled = None
        if link is not None:
            municipality, country = (
                link.municipality,
                self.options.municipalities[link.municipality],
            )
            if not text.startswith("/"):  # what the person sent besides the code
                text = strip_marked(text, link)
                prefilled = prefill_language(text, self.options.languages)
        effects: list[Effect] = [Arrived(link.code)] if link and state.step == "new" else []
        question = None
        suggested = msg.locale_hint if msg.locale_hint in self.options.languages else None
        if prefilled:
            suggested = prefilled
        elif not text.startswith("/") and is_meaningful(text) and len(text) > 12:
            guess = self.engine.langid.identify(text, prior=suggested)
            suggested = guess.lang
            question = text
        lang = state.lang or suggested or "en"
        new = State(
            step="language",
            lang=state.lang,
            country=country,
            municipality=municipality,
            pending_question=question,
        )
        if state.lang and state.consented:
            new = replace(new, step="ready", consented=True)
            return Outcome(new, [Reply(t(lang, "greeting"), (), lang), self._menu(new)], effects)
        reply = self._language_menu(lang, suggested)
        greeting = Reply(t(lang, "greeting"), (), lang)
        out = self._with_options(new, [greeting, reply])
        out.effects.extend(effects)
        return out

    def _language_menu(self, lang: str, suggested: str | None) -> Reply:
        codes = [c for c in self.options.languages]
        if suggested in codes:
            codes.remove(suggested)
            codes.insert(0, suggested)
        buttons = tuple(Button(native_name(c), f"lang:{c}") for c in codes)
        return Reply(t(lang, "choose_language"), buttons, lang)

    def _language(
        self, state: State, command: str | None, arg: str | None, msg: Inbound
    ) -> Outcome:
        if command == "language" and not arg:
            lang = state.lang or "en"
            return self._with_options(
                replace(state, step="language"), [self._language_menu(lang, state.lang)]
            )
        code = arg if command in ("lang", "language") else None
        if code is None:
            code = self._language_by_name(msg.text or "")
        if code not in self.options.languages:
            return self._with_options(state, [self._language_menu(state.lang or "en", state.lang)])
        assert code is not None
        state = replace(state, lang=code)
        done = Reply(t(code, "language_set", language=native_name(code)), (), code)
        if state.consented:
            return self._with_options(replace(state, step="ready"), [done, self._menu(state)])
        if state.country:
            return self._consent_prompt(state, [done])
        return self._country_prompt(state, [done])

    def _language_by_name(self, text: str) -> str | None:
        folded = text.strip().casefold()
        for code, (native, english) in LANGUAGES.items():
            if folded in (code, native.casefold(), english.casefold()):
                return code
        return None

    def _country_prompt(self, state: State, before: list[Reply]) -> Outcome:
        lang = state.lang or "en"
        reply = Reply(
            t(lang, "choose_country"),
            (
                Button(t(lang, "country_nl"), "country:NL"),
                Button(t(lang, "country_be"), "country:BE"),
            ),
            lang,
        )
        return self._with_options(replace(state, step="country"), [*before, reply])

    def _country(self, state: State, command: str | None, arg: str | None) -> Outcome:
        if command == "country" and arg and arg.upper() in ("NL", "BE"):
            state = replace(
                state,
                country=arg.upper(),
                municipality=None if state.country != arg.upper() else state.municipality,
            )
            lang = state.lang or "en"
            done = Reply(
                t(lang, "country_set", country=t(lang, f"country_{arg.lower()}")), (), lang
            )
            if state.consented:
                return self._with_options(replace(state, step="ready"), [done, self._menu(state)])
            return self._consent_prompt(state, [done])
        return self._country_prompt(state, [])

    def _consent_prompt(self, state: State, before: list[Reply]) -> Outcome:
        lang = state.lang or "en"
        notice = Reply(
            f"{t(lang, 'privacy_notice', days=self.options.retention_days)}\n\n"
            f"{t(lang, 'consent_question')}",
            (
                Button(t(lang, "consent_yes"), "consent:yes"),
                Button(t(lang, "consent_no"), "consent:no"),
            ),
            lang,
        )
        return self._with_options(replace(state, step="consent"), [*before, notice])

    def _consent(
        self, state: State, command: str | None, arg: str | None, now: datetime
    ) -> Outcome:
        lang = state.lang or "en"
        if command == "consent":
            if arg != "yes":
                return Outcome(
                    State(), [Reply(t(lang, "consent_declined"), (), lang)], [EraseUser()]
                )
            state = replace(state, step="ready", consented=True, options=())
            replies = [Reply(t(lang, "ready"), (), lang)]
            if state.pending_question:
                question = state.pending_question
                out = self._free_text(replace(state, pending_question=None), question, now)
                out.replies[:0] = replies
                return out
            return self._with_options(state, [*replies, self._menu(state)])
        return self._consent_prompt(state, [])

    # ---- the ready state ---------------------------------------------------------------
    def _ready(
        self, state: State, command: str | None, arg: str | None, msg: Inbound, now: datetime
    ) -> Outcome:
        lang = state.lang or "en"
        ctx = self._ctx(state)
        if command == "consent":  # a stale consent button
            return self._with_options(state, [self._menu(state)])
        if command == "menu":
            return self._with_options(replace(state, handoff=False), [self._menu(state)])
        if command == "help":
            return self._say(state, "help")
        if command == "mydata":
            return Outcome(state, [], [SendMyData()])
        if command == "human":
            return self._handoff(state, OpenCase("explicit", urgent=False), [], now)
        if command == "none":
            return self._with_options(
                state,
                [Reply(t(lang, "fallback"), (Button(t(lang, "talk_to_person"), "human"),), lang)],
            )
        if command == "t" and arg in TOPICS:
            entries = self.engine.kb.by_topic(arg)
            entries = [e for e in entries if state.country in e.countries] or entries
            buttons = tuple(
                Button(e.question_for(lang, state.country) or e.id, f"e:{e.id}")
                for e in entries[:10]
            )
            title = t(lang, "topic_entries_title", topic=t(lang, f"topic_{arg}"))
            return self._with_options(state, [Reply(title, buttons, lang)])
        if command == "e" and arg in self.engine.kb.entries:
            return self._with_options(
                state, [render_entry(self.engine.kb, self.engine.kb.entries[arg], ctx)]
            )
        if command == "fb" and arg:
            sign, _, entry_id = arg.partition(":")
            if entry_id in self.engine.kb.entries:
                helpful = sign == "+"
                if helpful:
                    return Outcome(
                        state,
                        [Reply(t(lang, "feedback_thanks"), (), lang)],
                        [SaveFeedback(entry_id, True)],
                    )
                reply = Reply(
                    t(lang, "feedback_sorry"), (Button(t(lang, "talk_to_person"), "human"),), lang
                )
                out = self._with_options(state, [reply])
                out.effects.append(SaveFeedback(entry_id, False))
                return out
        text = (msg.text or "").strip()
        if state.handoff:
            return Outcome(state, [], [ForwardToCase(text)]) if text else Outcome(state)
        if not is_meaningful(text):
            return self._say(state, "empty_message")
        return self._free_text(state, text, now)

    def _free_text(self, state: State, text: str, now: datetime) -> Outcome:
        decision = self.engine.decide(text, lang_hint=state.lang, country=state.country)
        ctx = self._ctx(state)
        replies = render(
            self.engine.kb, decision, ctx, options=self.engine.clarify_options(decision)
        )
        effects: list[Effect] = [RecordDecision(text, decision)]
        if decision.action == Action.ESCALATE:
            urgent = decision.reason == "danger"
            case = OpenCase(decision.reason or "danger", urgent, decision.danger, decision.entry)
            out = self._handoff(state, case, replies, now)
            out.effects[:0] = effects
            return out
        out = self._with_options(state, replies)
        out.effects.extend(effects)
        return out

    def _handoff(self, state: State, case: OpenCase, before: list[Reply], now: datetime) -> Outcome:
        lang = state.lang or "en"
        hours = self.options.office_hours
        if self.options.hours_for is not None:
            hours = self.options.hours_for(state.lang, state.country, state.municipality) or hours
        if hours is None or hours.is_open(now):
            when = t(lang, "handoff_when_office")
        else:
            when = t(
                lang, "handoff_when_later", hours=hours.next_opening(now).strftime("%d.%m. %H:%M")
            )
        note = Reply(t(lang, "handoff_started", when=when), (), lang)
        replies = [*before[:1], note, *before[1:]] if case.urgent else [note, *before]
        return Outcome(replace(state, handoff=True, options=()), replies, [case])

    # ---- helpers -------------------------------------------------------------------------
    def _ctx(self, state: State) -> Context:
        return Context(
            lang=state.lang or "en",
            country=state.country or self.engine.default_country,
            municipality=state.municipality,
            be_fallback_lang=self.options.be_fallback_lang,
            retention_days=self.options.retention_days,
        )

    def _menu(self, state: State) -> Reply:
        lang = state.lang or "en"
        buttons = tuple(Button(t(lang, f"topic_{topic}"), f"t:{topic}") for topic in TOPICS)
        return Reply(t(lang, "menu_title"), buttons, lang)

    def _ask_delete(self, state: State) -> Outcome:
        lang = state.lang or "en"
        reply = Reply(
            t(lang, "delete_confirm"),
            (Button(t(lang, "delete_yes"), "del:yes"), Button(t(lang, "delete_no"), "del:no")),
            lang,
        )
        return self._with_options(state, [reply])

    def _say(self, state: State, key: str) -> Outcome:
        lang = state.lang or "en"
        return Outcome(state, [Reply(t(lang, key), (), lang)])

    @staticmethod
    def _with_options(state: State, replies: list[Reply]) -> Outcome:
        """The last reply's buttons become what the numbers 1, 2, 3… stand for."""
        last = next((r for r in reversed(replies) if r.buttons), None)
        options = tuple(b.payload for b in last.buttons) if last else ()
        return Outcome(replace(state, options=options), replies)
