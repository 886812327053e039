"""The service: stores what arrives, runs the conversation, queues what goes out.

Webhooks call :meth:`Service.receive` (store, deduplicate, commit — then the
platform gets its 2xx; while the database is unavailable the local spool keeps
the event until :meth:`Service.drain_spool` can store it);
:meth:`Service.process_pending` turns stored events into state changes,
transcript rows, cases and outbox rows, one event per transaction, in order
per user. On PostgreSQL several processes may run it
at once (``FOR UPDATE SKIP LOCKED``); on SQLite one at a time.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.audit import record as audit
from bot.conversation import (
    Arrived,
    Conversation,
    EraseUser,
    ForwardToCase,
    OpenCase,
    Outcome,
    RecordDecision,
    SaveFeedback,
    SendMyData,
    State,
)
from bot.i18n import t
from bot.languages import native_name
from bot.messages import Action, Button, Inbound, Reply
from bot.spool import Spool
from bot.staffgroup import StaffGroup
from bot.storage.db import UNAVAILABLE
from bot.storage.models import (
    ArrivalStat,
    AuditLog,
    Case,
    Contact,
    DecisionStat,
    Feedback,
    InboundEvent,
    Message,
    Outbox,
    QuestionLog,
)
from bot.teams import Directory
from bot.translate import Translator

logger = logging.getLogger(__name__)
OPEN_CASE = ("new", "assigned", "waiting")
ERASED_POST = "(erased at the user's request)"


def pseudonym(secret: str, channel: str, external_id: str) -> str:
    """A stable keyed hash of a user's channel id: safe for logs, analytics and staff views."""
    digest = hmac.new(secret.encode(), f"{channel}:{external_id}".encode(), hashlib.sha256)
    return digest.hexdigest()[:16]


def inbound_to_data(msg: Inbound) -> dict[str, Any]:
    data = asdict(msg)
    data["received_at"] = msg.received_at.isoformat()
    return data


def inbound_from_data(data: dict[str, Any]) -> Inbound:
    return Inbound(**{**data, "received_at": datetime.fromisoformat(data["received_at"])})


def _aware(value: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; everything here is UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


class Service:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        conversation: Callable[[], Conversation],
        *,
        secret_key: str,
        retention_days: int = 90,
        reopen_days: int = 7,
        staff_chat: tuple[str, str] | None = None,
        on_staff_message: Callable[[Session, Inbound, datetime], list[Reply]] | None = None,
        teams: Directory | None = None,
        staff_topics: dict[str, str] | None = None,
        staff_language: str = "en",
        translator: Translator | None = None,
        spool: Spool | None = None,
    ) -> None:
        self.sessions = sessions
        self.conversation = conversation
        self.secret_key = secret_key
        self.retention_days = retention_days
        self.reopen_days = reopen_days
        self.on_staff_message = on_staff_message
        self.teams = teams or Directory()
        self.staff_language = staff_language
        # the bridge workers' group, if any: its messages are staff actions, not a user's
        self.staff_group = (
            StaffGroup(
                *staff_chat,
                teams=self.teams,
                topics=staff_topics,
                language=staff_language,
                translator=translator,
            )
            if staff_chat is not None
            else None
        )
        self.spool = spool  # webhooks received while the database is unavailable
        self._db = sessions.kw["bind"]
        self._dialect = self._db.dialect.name
        self._postgres = self._dialect == "postgresql"

    # ---- inbound ---------------------------------------------------------------------
    def ingest(self, msg: Inbound, external_key: str) -> bool:
        """Store one received message; False when it was stored before (a redelivery).

        This is the webhook's hot path: one Core ``INSERT … ON CONFLICT DO NOTHING``, no ORM."""
        insert = _insert_for(self._dialect)
        stmt = (
            insert(InboundEvent)
            .values(
                channel=msg.channel,
                external_key=external_key,
                user_ref=msg.user_ref,
                payload=inbound_to_data(msg),
                received_at=msg.received_at,
                attempts=0,
            )
            .on_conflict_do_nothing(index_elements=["channel", "external_key"])
        )
        with self._db.begin() as conn:
            return bool(conn.execute(stmt).rowcount)

    def ingest_many(self, items: list[tuple[Inbound, str]]) -> list[bool]:
        """Store several received messages in one statement and one commit (group commit, see
        ``bot.ingest``); for each, False when it was stored before (also earlier in ``items``)."""
        rows: dict[tuple[str, str], dict[str, Any]] = {}
        for msg, key in items:
            rows.setdefault(
                (msg.channel, key),
                {
                    "channel": msg.channel,
                    "external_key": key,
                    "user_ref": msg.user_ref,
                    "payload": inbound_to_data(msg),
                    "received_at": msg.received_at,
                    "attempts": 0,
                },
            )
        if not rows:
            return []
        insert = _insert_for(self._dialect)
        stmt = (
            insert(InboundEvent)
            .values(list(rows.values()))
            .on_conflict_do_nothing(index_elements=["channel", "external_key"])
            .returning(InboundEvent.channel, InboundEvent.external_key)
        )
        with self._db.begin() as conn:
            new = {(channel, key) for channel, key in conn.execute(stmt).all()}
        results = []
        for msg, key in items:
            results.append((msg.channel, key) in new)
            new.discard((msg.channel, key))  # a second copy in the same batch is a redelivery
        return results

    def receive_many(self, items: list[tuple[Inbound, str]]) -> list[bool]:
        """:meth:`receive` for several webhooks at once: one insert, or the spool."""
        pending = self.spool is not None and self.spool.pending
        if pending and all(self._spool(msg, key) for msg, key in items):
            return [True] * len(items)
        try:
            return self.ingest_many(items)
        except UNAVAILABLE:
            if self.spool is None or not all(self._spool(msg, key) for msg, key in items):
                raise
            return [True] * len(items)

    def receive(self, msg: Inbound, external_key: str) -> bool:
        """A webhook's store: :meth:`ingest`, or — while the database is unavailable, and
        behind events spooled before — the spool, from where :meth:`drain_spool` stores it
        later. True when stored or spooled; a storage error when neither works (503)."""
        if self.spool is not None and self.spool.pending and self._spool(msg, external_key):
            return True
        try:
            return self.ingest(msg, external_key)
        except UNAVAILABLE:
            if self.spool is None or not self._spool(msg, external_key):
                raise
            return True

    def _spool(self, msg: Inbound, external_key: str) -> bool:
        assert self.spool is not None
        try:
            self.spool.append({"key": external_key, "inbound": inbound_to_data(msg)})
        except OSError as exc:
            logger.warning("the spool cannot be written either (%s)", exc.strerror or exc)
            return False
        return True

    def drain_spool(self) -> int:
        """Store what the spool holds; the number of events new to the database."""
        if self.spool is None:
            return 0
        try:
            return self.spool.drain(self._store_spooled)
        except UNAVAILABLE as exc:  # still down: the next round tries again
            logger.debug("spool not drained: database unavailable (%s)", type(exc).__name__)
            return 0

    def _store_spooled(self, record: dict[str, Any]) -> bool:
        try:
            msg = inbound_from_data(record["inbound"])
            key = str(record["key"])
        except (KeyError, TypeError, ValueError) as exc:
            logger.warning("skipping an unreadable spooled event (%s)", type(exc).__name__)
            return False
        return self.ingest(msg, key)

    def process_pending(self, now: datetime, limit: int = 100) -> int:
        """Process stored events, oldest first; returns how many were processed."""
        done = 0
        while done < limit:
            with self.sessions() as s:
                q = (
                    select(InboundEvent)
                    .where(InboundEvent.processed_at.is_(None))
                    .order_by(InboundEvent.id)
                    .limit(1)
                )
                if self._postgres:
                    q = q.with_for_update(skip_locked=True)
                event = s.scalars(q).first()
                if event is None:
                    return done
                earlier = s.scalar(
                    select(InboundEvent.id)
                    .where(
                        InboundEvent.processed_at.is_(None),
                        InboundEvent.user_ref == event.user_ref,
                        InboundEvent.channel == event.channel,
                        InboundEvent.id < event.id,
                    )
                    .limit(1)
                )
                if earlier is not None:  # another process holds this user's earlier message
                    return done
                event_id = event.id  # after a rollback, reading event.id would begin a
                # new transaction (SQLite: the write lock) and _record_failure would wait on it
                try:
                    self._process(s, event, now)
                    event.processed_at = now
                    s.commit()
                except UNAVAILABLE:
                    raise  # the database failed, not the event: it stays pending, uncounted
                except Exception as exc:  # one bad event must not block the queue forever
                    s.rollback()
                    logger.exception("processing event %s failed", event_id)
                    self._record_failure(event_id, exc, now)
            done += 1
        return done

    def _record_failure(self, event_id: int, exc: Exception, now: datetime) -> None:
        with self.sessions() as s:
            event = s.get(InboundEvent, event_id)
            if event is None:
                return
            event.attempts += 1
            event.error = f"{type(exc).__name__}: {exc}"[:400]
            if event.attempts >= 3:
                event.processed_at = now  # give up; kept with its error for operators
            s.commit()

    def handle_now(self, msg: Inbound, external_key: str, now: datetime) -> list[Reply]:
        """Ingest and process one message synchronously (web chat, console); returns the replies."""
        if not self.ingest(msg, external_key):
            return []
        with self.sessions() as s:
            event = s.scalars(
                select(InboundEvent).where(
                    InboundEvent.channel == msg.channel, InboundEvent.external_key == external_key
                )
            ).one()
            outcome = self._process(s, event, now, deliver_now=True)
            event.processed_at = now
            s.commit()
        return outcome.replies if outcome else []

    # ---- one event ---------------------------------------------------------------------
    def _process(
        self, s: Session, event: InboundEvent, now: datetime, deliver_now: bool = False
    ) -> Outcome | None:
        msg = inbound_from_data(event.payload)
        contact = self._contact(s, msg, now)
        if self.staff_group is not None and self.staff_group.is_from(msg):
            replies = self.on_staff_message(s, msg, now) if self.on_staff_message else []
            for reply in replies:
                self.enqueue(s, contact, reply, now, author="bot", transcript=False)
            return None
        state = State(**{**contact.state, "options": tuple(contact.state.get("options", ()))})
        self.teams.refresh(s, now)  # the office hours a hand-off promises
        outcome = self.conversation().step(state, msg, now)
        contact.last_inbound_at = msg.received_at
        # a held WhatsApp message waits for the user's next message: now it may go
        s.execute(
            update(Outbox)
            .where(Outbox.contact_id == contact.id, Outbox.status == "held")
            .values(status="queued", next_attempt_at=now)
        )
        if msg.text and state.consented:
            s.add(
                Message(
                    contact_id=contact.id,
                    direction="in",
                    author="user",
                    text=msg.text,
                    lang=state.lang,
                    created_at=msg.received_at,
                )
            )
        if msg.payload and msg.payload.startswith("e:") and "none" in state.options:
            # a did-you-mean option was picked: that question found its answer after all
            s.execute(
                update(QuestionLog)
                .where(
                    QuestionLog.contact_id == contact.id,
                    QuestionLog.action == "clarify",
                    QuestionLog.status == "open",
                )
                .values(status="chosen")
            )
        erase = False
        for effect in outcome.effects:
            if isinstance(effect, EraseUser):
                erase = True
            elif isinstance(effect, RecordDecision):
                self._record(s, contact, msg, effect, outcome.state, now)
            elif isinstance(effect, OpenCase):
                self._open_case(s, contact, effect, outcome.state, now)
            elif isinstance(effect, ForwardToCase):
                case = self._current_case(s, contact)
                if case is not None:
                    case.updated_at = now
                    if case.status == "waiting":
                        case.status = "assigned"
            elif isinstance(effect, SaveFeedback):
                s.add(
                    Feedback(
                        contact_id=contact.id,
                        entry=effect.entry,
                        helpful=effect.helpful,
                        lang=outcome.state.lang,
                        created_at=now,
                    )
                )
                if not effect.helpful and outcome.state.consented:
                    self._log_disliked(s, contact, effect.entry, outcome.state, now)
            elif isinstance(effect, SendMyData):
                outcome.replies.append(self._mydata(s, contact, outcome.state))
            elif isinstance(effect, Arrived) and contact.source is None:
                # counts only: the row says which link and channel, not who
                contact.source = effect.code
                s.add(ArrivalStat(day=now.date(), source=effect.code, channel=msg.channel))
        if erase:
            self.erase(s, contact, now, by="user", keep_event=event.id)
            # the goodbye still has to reach the user: a fresh, empty contact carries it
            contact = self._contact(s, msg, now, fresh=True)
            state_data = asdict(State())
        else:
            state_data = asdict(outcome.state)
        state_data["options"] = list(state_data["options"])
        contact.state = state_data
        contact.lang = outcome.state.lang
        contact.country = outcome.state.country
        contact.municipality = outcome.state.municipality
        contact.handoff = outcome.state.handoff
        for reply in outcome.replies:
            self.enqueue(
                s,
                contact,
                reply,
                now,
                author="bot",
                delivered=deliver_now,
                transcript=outcome.state.consented and not erase,
            )
        return outcome

    def _contact(self, s: Session, msg: Inbound, now: datetime, fresh: bool = False) -> Contact:
        q = select(Contact).where(
            Contact.channel == msg.channel, Contact.external_id == msg.user_ref
        )
        if self._postgres:
            q = q.with_for_update()
        contact = None if fresh else s.scalars(q).first()
        if contact is None:
            contact = Contact(
                channel=msg.channel,
                external_id=msg.user_ref,
                state=asdict(State()) | {"options": []},
                pseudonym=pseudonym(self.secret_key, msg.channel, msg.user_ref),
                created_at=now,
                handoff=False,
                unreachable=False,
            )
            s.add(contact)
            s.flush()
        return contact

    def enqueue(
        self,
        s: Session,
        contact: Contact,
        reply: Reply,
        now: datetime,
        *,
        author: str,
        delivered: bool = False,
        transcript: bool = True,
        staff_id: int | None = None,
    ) -> Outbox:
        row = Outbox(
            contact_id=contact.id,
            channel=contact.channel,
            text=reply.text,
            buttons=[{"label": b.label, "payload": b.payload} for b in reply.buttons],
            lang=reply.lang,
            status="delivered" if delivered else "queued",
            attempts=0,
            next_attempt_at=now,
            created_at=now,
            sent_at=now if delivered else None,
            thread=reply.thread,
        )
        s.add(row)
        s.flush()
        if transcript:
            s.add(
                Message(
                    contact_id=contact.id,
                    direction="out",
                    author=author,
                    text=reply.text,
                    lang=reply.lang,
                    entry=reply.entry,
                    outbox_id=row.id,
                    staff_id=staff_id,
                    created_at=now,
                )
            )
        return row

    def _record(
        self,
        s: Session,
        contact: Contact,
        msg: Inbound,
        effect: RecordDecision,
        state: State,
        now: datetime,
    ) -> None:
        d = effect.decision
        s.add(
            DecisionStat(
                day=now.date(),
                channel=msg.channel,
                lang=d.lang,
                action=d.action.value,
                entry=d.entry,
            )
        )
        last = s.scalars(
            select(Message)
            .where(Message.contact_id == contact.id, Message.direction == "in")
            .order_by(Message.id.desc())
            .limit(1)
        ).first()
        if last is not None and state.consented:
            last.action, last.entry, last.confidence = d.action.value, d.entry, d.confidence
            last.candidates = [{"entry": c.entry, "score": c.score} for c in d.candidates]
        if d.action in (Action.FALLBACK, Action.CLARIFY) and state.consented:
            s.add(
                QuestionLog(
                    text=effect.text[:1000],
                    lang=d.lang,
                    country=d.country,
                    action=d.action.value,
                    candidates=[{"entry": c.entry, "score": c.score} for c in d.candidates],
                    contact_id=contact.id,
                    status="open",
                    created_at=now,
                )
            )

    def _log_disliked(
        self, s: Session, contact: Contact, entry: str, state: State, now: datetime
    ) -> None:
        """A 👎 puts the question that got this answer in the admins' queue."""
        asked = s.scalars(
            select(Message)
            .where(
                Message.contact_id == contact.id,
                Message.direction == "in",
                Message.entry == entry,
            )
            .order_by(Message.id.desc())
            .limit(1)
        ).first()
        if asked is None:  # the answer came from a menu, not from a question
            return
        s.add(
            QuestionLog(
                text=asked.text[:1000],
                lang=asked.lang or state.lang or "en",
                country=state.country,
                action="disliked",
                candidates=list(asked.candidates or []),
                contact_id=contact.id,
                status="open",
                created_at=now,
            )
        )

    def _current_case(self, s: Session, contact: Contact) -> Case | None:
        return s.scalars(
            select(Case)
            .where(Case.contact_id == contact.id, Case.status.in_(OPEN_CASE))
            .order_by(Case.id.desc())
            .limit(1)
        ).first()

    def _open_case(
        self, s: Session, contact: Contact, effect: OpenCase, state: State, now: datetime
    ) -> Case:
        case = self._current_case(s, contact)
        priority = "urgent" if effect.urgent else "normal"
        if case is None:
            case = self._recently_resolved(s, contact, now)
            if case is not None:  # the same person again soon after: reopen, keep the history
                case.status = "assigned" if case.assignee_id else "new"
                case.resolved_at = None
        if case is None:
            case = Case(
                contact_id=contact.id,
                status="new",
                priority=priority,
                reason=effect.reason,
                danger=effect.danger,
                entry=effect.entry,
                lang=state.lang,
                country=state.country,
                municipality=state.municipality,
                created_at=now,
                updated_at=now,
            )
            team = self.teams.team_for(state.lang, state.country, state.municipality)
            case.team_id = team.id if team else None
            s.add(case)
            s.flush()
            self._post_to_staff(s, case, contact, now)
        else:
            if effect.urgent:
                case.priority = "urgent"
                case.danger = effect.danger or case.danger
            case.updated_at = now
        s.flush()
        logger.info(
            "case %s opened for contact %s (%s, %s)",
            case.id,
            contact.pseudonym,
            effect.reason,
            priority,
        )
        return case

    def _post_to_staff(self, s: Session, case: Case, contact: Contact, now: datetime) -> None:
        """A new case in the bridge workers' group, if there is one (``bot.staffgroup``)."""
        if self.staff_group is None:
            return
        group = self.staff_group.contact(s, now, create=True)
        assert group is not None
        post = self.staff_group.case_post(s, case, contact, now)
        row = self.enqueue(s, group, post, now, author="bot", transcript=False)
        row.case_id = case.id

    def _recently_resolved(self, s: Session, contact: Contact, now: datetime) -> Case | None:
        since = now - timedelta(days=self.reopen_days)
        return s.scalars(
            select(Case)
            .where(
                Case.contact_id == contact.id, Case.status == "resolved", Case.resolved_at >= since
            )
            .order_by(Case.id.desc())
            .limit(1)
        ).first()

    def _mydata(self, s: Session, contact: Contact, state: State) -> Reply:
        lang = state.lang or "en"
        messages = (
            s.scalar(
                select(func.count()).select_from(Message).where(Message.contact_id == contact.id)
            )
            or 0
        )
        cases = (
            s.scalar(select(func.count()).select_from(Case).where(Case.contact_id == contact.id))
            or 0
        )
        text = t(
            lang,
            "mydata",
            language=native_name(lang),
            country=state.country or "–",
            municipality=state.municipality or "–",
            messages=messages,
            cases=cases,
            days=self.retention_days,
        )
        return Reply(text, (Button(t(lang, "delete_yes"), "del:yes"),), lang)

    # ---- delivery reports -------------------------------------------------------------------
    def delivery_status(self, provider_id: str, status: str, error_code: str | None) -> bool:
        """A provider's report on a sent message (Twilio status callback)."""
        with self.sessions() as s:
            row = s.scalars(select(Outbox).where(Outbox.provider_id == provider_id)).first()
            if row is None:
                return False
            if status in ("delivered", "read"):
                row.status = "delivered"
            elif status in ("failed", "undelivered"):
                if error_code == "63016":
                    row.status, row.error = "held", "63016: outside the 24-hour window"
                else:
                    row.status, row.error = "failed", f"{error_code or status}: not delivered"
            s.commit()
            return True

    def pending_web(self, session_id: str, after: int) -> list[Outbox]:
        """Queued messages for a web chat session (bridge-worker replies arrive this way)."""
        with self.sessions() as s:
            rows = list(
                s.scalars(
                    select(Outbox)
                    .join(Contact, Contact.id == Outbox.contact_id)
                    .where(
                        Contact.channel == "web",
                        Contact.external_id == session_id,
                        Outbox.id > after,
                        Outbox.status == "queued",
                    )
                    .order_by(Outbox.id)
                ).all()
            )
            for row in rows:
                row.status = "delivered"
            s.commit()
            for row in rows:
                s.expunge(row)
            return rows

    # ---- erasure ---------------------------------------------------------------------------
    def erase(
        self,
        s: Session,
        contact: Contact,
        now: datetime,
        *,
        by: str = "user",
        keep_event: int | None = None,
        staff_id: int | None = None,
    ) -> list[int]:
        """Erase a person: profile, transcript, cases and their notes, logged questions, stored
        events, and the copies of their words in the staff group's posts; their feedback stays
        as an anonymous count. Bridge workers are told first: each open case gets an audit row
        (shown in the inbox) and, with a staff group, a post there. Returns the erased case ids.
        ``by``: "user" (/delete in the chat) or "admin" (/admin/privacy, ``staff_id``); audited
        as ``user.erase`` with the pseudonym."""
        cases = list(s.scalars(select(Case).where(Case.contact_id == contact.id)).all())
        for case in cases:
            if case.status in OPEN_CASE:
                s.add(AuditLog(at=now, staff_id=None, action="case.erased", target=str(case.id)))
                self._tell_staff_erased(s, case, now, by)
        case_ids = [c.id for c in cases]
        if case_ids:  # the staff group's posts quote the user's last message
            self._redact_posts(s, contact, case_ids, now)
        gone = and_(
            InboundEvent.channel == contact.channel,
            InboundEvent.user_ref == contact.external_id,
            InboundEvent.processed_at.is_not(None),
        )
        if keep_event is not None:  # the event being processed is marked done by the caller
            gone = and_(gone, InboundEvent.id != keep_event)
        s.execute(delete(InboundEvent).where(gone).execution_options(synchronize_session=False))
        for case in cases:
            s.expunge(case)
        audit(s, now, staff_id, "user.erase", contact.pseudonym)
        s.delete(contact)  # the database cascades: messages, outbox, cases, notes, questions
        s.flush()
        logger.info(
            "contact %s erased by %s request: %d cases", contact.pseudonym, by, len(case_ids)
        )
        return case_ids

    def _redact_posts(
        self, s: Session, contact: Contact, case_ids: list[int], now: datetime
    ) -> None:
        """The staff group's posts about these cases lose their quote of the user: the stored
        copy at once, and a post already in the group is edited in place through the outbox."""
        posts = s.scalars(
            select(Outbox).where(Outbox.case_id.in_(case_ids), Outbox.contact_id != contact.id)
        ).all()
        for post in posts:
            post.text, post.buttons = ERASED_POST, []
            if self.staff_group is None or not post.provider_id or post.replaces:
                continue  # not sent yet: it goes out redacted
            group = s.get(Contact, post.contact_id)
            assert group is not None and post.case_id is not None
            notice = self.staff_group.redacted_post(post.case_id, post.thread)
            row = self.enqueue(s, group, notice, now, author="bot", transcript=False)
            row.replaces = post.provider_id

    def _tell_staff_erased(self, s: Session, case: Case, now: datetime, by: str) -> None:
        if self.staff_group is None:
            return
        group = self.staff_group.contact(s, now, create=False)
        if group is None:
            return  # the case was never posted there
        notice = self.staff_group.erased_notice(case, by)
        self.enqueue(s, group, notice, now, author="bot", transcript=False)

    def erase_contact(
        self,
        channel: str,
        external_id: str,
        *,
        now: datetime | None = None,
        by: str = "admin",
        staff_id: int | None = None,
    ) -> bool:
        """Erase the person with this channel id, if stored; audited as done by ``staff_id``."""
        now = now or datetime.now(UTC)
        with self.sessions() as s:
            contact = s.scalars(
                select(Contact).where(
                    Contact.channel == channel, Contact.external_id == external_id
                )
            ).first()
            if contact is None:
                return False
            self.erase(s, contact, now, by=by, staff_id=staff_id)
            s.commit()
            return True


def _insert_for(dialect: str) -> Any:
    """The dialect's INSERT, which has ``on_conflict_do_nothing`` (SQLite and PostgreSQL alike)."""
    from sqlalchemy.dialects import postgresql, sqlite

    return postgresql.insert if dialect == "postgresql" else sqlite.insert
