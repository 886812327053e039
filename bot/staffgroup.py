"""The bridge workers' Telegram group, as the service sees it: which chat and forum topic a post
goes to, in which language, and what a post about a new case says.

A post names the case's language, place and reason, the team and whether it is open, the
workers the case suits (or that nobody registered speaks the language), and the user's last
message with a machine translation into the staff language where a model is installed. Posts
go through the outbox like every other message (``Service`` enqueues them).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.messages import Button, Inbound, Reply
from bot.staffwords import language_name, reason, sw
from bot.storage.models import Case, Contact, Message, Staff
from bot.teams import Directory, places_of, suits
from bot.translate import NoTranslator, Translator

QUOTE_LIMIT = 500  # characters of the user's last message in a post
MAX_NAMES = 8


class StaffGroup:
    def __init__(
        self,
        channel: str,
        chat: str,
        *,
        teams: Directory,
        topics: dict[str, str] | None = None,
        language: str = "en",
        translator: Translator | None = None,
    ) -> None:
        self.channel, self.chat = channel, chat
        self.teams = teams
        self.topics = topics or {}  # user language (or "*") -> forum topic id
        self.language = language
        self.translator: Translator = translator or NoTranslator()

    def is_from(self, msg: Inbound) -> bool:
        return (msg.channel, msg.user_ref) == (self.channel, self.chat)

    def thread(self, lang: str | None) -> str | None:
        """The forum topic for cases in this language (None: the General topic)."""
        return self.topics.get(lang or "") or self.topics.get("*")

    def contact(self, s: Session, now: datetime, *, create: bool) -> Contact | None:
        """The group as an outbox recipient (made on the first post)."""
        group = s.scalars(
            select(Contact).where(Contact.channel == self.channel, Contact.external_id == self.chat)
        ).first()
        if group is None and create:
            group = Contact(
                channel=self.channel,
                external_id=self.chat,
                pseudonym="staff-group",
                state={},
                created_at=now,
                handoff=False,
                unreachable=False,
            )
            s.add(group)
            s.flush()
        return group

    def case_post(self, s: Session, case: Case, contact: Contact, now: datetime) -> Reply:
        lang = self.language
        head = [sw(lang, "urgent")] if case.priority == "urgent" else []
        head += [
            sw(lang, "new_case", id=case.id),
            " · ".join(x for x in (case.lang, case.country, case.municipality) if x),
            reason(lang, case.reason) + (f" ({case.danger})" if case.danger else ""),
            sw(lang, "user", user=contact.pseudonym),
        ]
        lines = [" · ".join(head)]
        team = self.teams.by_id().get(case.team_id) if case.team_id is not None else None
        if team is not None:
            status = sw(lang, "team", team=team.name)
            if not team.hours.is_open(now):
                when = team.hours.next_opening(now).strftime("%d.%m. %H:%M")
                status += f" · {sw(lang, 'team_closed', when=when)}"
            lines.append(status)
        names = self._suited(s, case)
        if names:
            lines.append(sw(lang, "for", names=", ".join(names)))
        elif case.lang and case.lang != lang:
            lines.append(sw(lang, "nobody_speaks", language=language_name(lang, case.lang)))
        last = s.scalars(
            select(Message.text)
            .where(Message.contact_id == contact.id, Message.direction == "in")
            .order_by(Message.id.desc())
            .limit(1)
        ).first()
        if last:
            quote = last[:QUOTE_LIMIT]
            lines.append(f"\n{quote}")
            if case.lang and case.lang != lang and self.translator.can(case.lang, lang):
                translated = self.translator.translate(quote, case.lang, lang)
                if translated:
                    lines.append(
                        f"{sw(lang, 'translation', src=case.lang, dst=lang)}\n{translated}"
                    )
        lines.append(f"\n{sw(lang, 'reply_hint')}")
        claim = Button(sw(lang, "claim"), f"claim:{case.id}")
        return Reply("\n".join(lines), (claim,), lang, thread=self.thread(case.lang))

    def erased_notice(self, case: Case, by: str) -> Reply:
        lang = self.language
        who = sw(lang, "erased_by_user" if by == "user" else "erased_by_admin")
        return Reply(
            sw(lang, "erased", id=case.id, who=who), (), lang, thread=self.thread(case.lang)
        )

    def redacted_post(self, case_id: int, thread: str | None) -> Reply:
        """What a post about a case says once the user's data is erased."""
        lang = self.language
        return Reply(sw(lang, "redacted", id=case_id), (), lang, thread=thread)

    def _suited(self, s: Session, case: Case) -> list[str]:
        """Names of the active workers who speak the case's language and serve its place."""
        teams = self.teams.by_id()
        people = s.scalars(
            select(Staff).where(Staff.active.is_(True), Staff.role != "editor").order_by(Staff.name)
        )
        return [
            p.name
            for p in people
            if case.lang in p.languages
            and suits(p.languages, places_of(p, teams), case.lang, case.municipality)
        ][:MAX_NAMES]
