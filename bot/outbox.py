"""The sender: delivers queued outbox rows through the channel transports.

At least once, never lost: a row is *leased* (its ``next_attempt_at`` moves
past the lease) and committed before the provider is called, and marked sent
after. If the process dies between the provider accepting a message and that
commit, the lease expires and the message is sent again — the only way a
user can receive a duplicate. While the database refuses that commit (it is
restarting, the disk is full) the sender keeps what it sent in memory and
records it before it claims anything else.

In order per chat: only the oldest unsent message of a contact is due, so a
retried message is never overtaken by a later one. A transient error (a 5xx,
a refused connection, a timeout) is retried with exponential backoff (5 s
doubling, at most ``BACKOFF_CAP`` apart) until the message is older than
``give_up_after`` (``BRUG_SEND_GIVE_UP_HOURS``, 72 h): a provider outage of
hours or days is ridden out, and only then is the message marked failed, its
error saying so. A provider's retry-after (a rate limit) is honoured and
does not count as a failed attempt; a permanent error (the user blocked the
bot, a 400) fails at once and a block marks the contact unreachable.

Pacing: at most ``per_chat_interval`` between two messages to one chat, and
at most ``per_second`` messages per second per channel (one bot) from this
process — the bot-wide ``BRUG_SEND_RATE`` divided by ``BRUG_SENDERS``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy import exists, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, aliased, sessionmaker

from bot.errors import ChannelError
from bot.messages import Button, Outbound
from bot.storage.db import UNAVAILABLE
from bot.storage.models import Contact, Outbox

logger = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
BACKOFF_CAP = timedelta(minutes=10)  # the longest wait between two tries
GIVE_UP_AFTER = timedelta(hours=72)  # default of BRUG_SEND_GIVE_UP_HOURS
UNSENT = ("queued", "sending")


class Transport(Protocol):
    """A channel's way out. ``send`` returns the provider's message id or raises ChannelError.
    ``held`` is raised as ChannelError(code="held") when the message must wait for the user."""

    async def send(self, message: Outbound) -> str: ...


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed try: 5 s, 10 s, 20 s, … at most BACKOFF_CAP."""
    cap = BACKOFF_CAP.total_seconds()
    return timedelta(seconds=min(cap, 2 ** min(max(0, attempts - 1), 32) * 5))


def _aware(value: datetime) -> datetime:
    """SQLite returns naive datetimes; everything here is UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _hours(span: timedelta) -> str:
    return f"{span.total_seconds() / 3600:g}"


class Sender:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        transports: Mapping[str, Transport],
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        per_chat_interval: float = 1.0,
        per_second: float = 25.0,
        give_up_after: timedelta = GIVE_UP_AFTER,
    ) -> None:
        self.sessions = sessions
        self.transports = transports
        self.clock = clock
        self.per_chat_interval = per_chat_interval
        self.per_second = per_second  # per channel (one bot), this process's share; 0: unpaced
        self.give_up_after = give_up_after
        self._last_any: dict[str, float] = {}  # channel -> monotonic time of its last send
        self._last_send: dict[int, float] = {}
        # outbox id -> (provider id, sent at): accepted by the provider, not yet recorded
        self._unrecorded: dict[int, tuple[str, datetime]] = {}
        self._postgres = sessions.kw["bind"].dialect.name == "postgresql"

    def claim(self, limit: int = 20) -> list[tuple[Outbound, int]]:
        """Lease up to ``limit`` due rows; returns them with their contact ids."""
        now = self.clock()
        earlier = aliased(Outbox)
        with self.sessions() as s:
            q = (
                select(Outbox, Contact)
                .join(Contact, Contact.id == Outbox.contact_id)
                .where(
                    Outbox.status.in_(UNSENT),
                    Outbox.next_attempt_at <= now,
                    Outbox.channel.in_(tuple(self.transports)),
                    # only a chat's oldest unsent message: one per chat per round, in order
                    ~exists().where(
                        earlier.contact_id == Outbox.contact_id,
                        earlier.status.in_(UNSENT),
                        earlier.id < Outbox.id,
                    ),
                )
                .order_by(Outbox.id)
                .limit(limit)
            )
            if self._postgres:
                q = q.with_for_update(skip_locked=True, of=Outbox)
            rows = s.execute(q).all()
            claimed: list[tuple[Outbound, int]] = []
            for row, contact in rows:
                if row.id in self._unrecorded:  # sent already; never twice
                    continue
                if contact.unreachable:
                    row.status, row.error = "failed", "contact unreachable"
                    continue
                row.status = "sending"
                row.attempts += 1
                row.next_attempt_at = now + LEASE
                claimed.append(
                    (
                        Outbound(
                            row.id,
                            row.channel,
                            contact.external_id,
                            row.text,
                            tuple(Button(b["label"], b["payload"]) for b in row.buttons),
                            row.lang,
                            contact.last_inbound_at,
                            row.thread,
                            row.parts_sent,
                            row.replaces,
                        ),
                        contact.id,
                    )
                )
            s.commit()
        return claimed

    async def run_once(self, limit: int = 20) -> int:
        if self._unrecorded:
            self._record_sent()  # raises while the database still refuses: nothing new goes out
        claimed = self.claim(limit)
        for message, contact_id in claimed:
            await self._pace(message.channel, contact_id)
            await self._deliver(message, contact_id)
        return len(claimed)

    async def _pace(self, channel: str, contact_id: int) -> None:
        last = self._last_send.get(contact_id)
        if last is not None:
            wait = self.per_chat_interval - (time.monotonic() - last)
            if wait > 0:
                await asyncio.sleep(wait)
        if self.per_second > 0:  # the bot's rate: wait only if its last send was too recent
            since = time.monotonic() - self._last_any.get(channel, float("-inf"))
            wait = 1.0 / self.per_second - since
            if wait > 0:
                await asyncio.sleep(wait)
        self._last_any[channel] = time.monotonic()

    async def _deliver(self, message: Outbound, contact_id: int) -> None:
        transport = self.transports[message.channel]
        try:
            provider_id = await transport.send(message)
        except ChannelError as exc:
            self._failed(message, contact_id, exc)
            return
        except Exception as exc:  # a transport bug or network error: retry later
            logger.warning(
                "send %s via %s raised %s", message.outbox_id, message.channel, type(exc).__name__
            )
            self._failed(message, contact_id, ChannelError(str(exc)))
            return
        finally:
            self._last_send[contact_id] = time.monotonic()
        self._unrecorded[message.outbox_id] = (provider_id, self.clock())
        try:
            self._record_sent()
        except SQLAlchemyError as exc:
            logger.warning(
                "outbox %s was sent but cannot be recorded yet (%s); recording it before "
                "anything else is sent",
                message.outbox_id,
                type(exc).__name__,
            )
            raise

    def _record_sent(self) -> None:
        """Mark sent what the providers accepted; kept in memory while the database refuses."""
        pending = dict(self._unrecorded)  # a copy: one sender may serve several threads
        with self.sessions() as s:
            for outbox_id, (provider_id, sent_at) in pending.items():
                row = s.get(Outbox, outbox_id)
                if row is not None:
                    row.status, row.provider_id, row.sent_at, row.error = (
                        "sent",
                        provider_id,
                        sent_at,
                        None,
                    )
            s.commit()
        for outbox_id in pending:
            self._unrecorded.pop(outbox_id, None)

    def _failed(self, message: Outbound, contact_id: int, exc: ChannelError) -> None:
        now = self.clock()
        with self.sessions() as s:
            row = s.get(Outbox, message.outbox_id)
            if row is None:
                return
            row.error = (f"{exc.code}: " if exc.code else "") + str(exc)[:380]
            row.parts_sent = max(row.parts_sent, exc.parts_sent)  # never send those again
            if exc.code == "held":
                row.status = "held"
            elif exc.permanent:
                row.status = "failed"
                contact = s.get(Contact, contact_id)
                if contact is not None and exc.code == "blocked":
                    contact.unreachable = True
            elif exc.retry_after:  # a rate limit: the message did not fail, it has to wait
                row.status, row.attempts = "queued", max(0, row.attempts - 1)
                row.next_attempt_at = now + timedelta(seconds=exc.retry_after)
            else:
                deadline = _aware(row.created_at) + self.give_up_after
                if now >= deadline:
                    row.status = "failed"
                    given_up = f"gave up after {_hours(self.give_up_after)} h of retries: "
                    row.error = (given_up + row.error)[:400]
                else:  # the last try falls on the deadline, not up to a backoff after it
                    row.status = "queued"
                    row.next_attempt_at = min(now + backoff(row.attempts), deadline)
            status = row.status
            s.commit()
        logger.info("outbox %s: %s (%s)", message.outbox_id, status, exc.code)

    def release_leases(self) -> int:
        """Requeue messages a crashed sender left in flight (they may reach the user twice)."""
        with self.sessions() as s:
            rows = s.scalars(select(Outbox).where(Outbox.status == "sending")).all()
            for row in rows:
                row.status, row.next_attempt_at = "queued", self.clock()
            s.commit()
            return len(rows)

    async def aclose(self) -> None:
        """Record what is still unrecorded, if the database lets us; close the network clients."""
        if self._unrecorded:
            try:
                self._record_sent()
            except SQLAlchemyError:
                logger.warning(
                    "%d sent messages could not be recorded; they will be sent again",
                    len(self._unrecorded),
                )
        for transport in self.transports.values():
            close = getattr(transport, "aclose", None)
            if close is not None:
                await close()

    def backlog(self) -> int:
        with self.sessions() as s:
            rows = s.scalars(select(Outbox.id).where(Outbox.status.in_(UNSENT)))
            return len(rows.all())

    async def run_forever(self, stop: asyncio.Event, idle: float = 0.5) -> None:
        while not stop.is_set():
            try:
                sent = await self.run_once()
            except UNAVAILABLE as exc:  # restarting, full: the next round tries again
                logger.warning("sender round: database unavailable (%s)", type(exc).__name__)
                sent = 0
            except Exception:
                logger.exception("sender round failed")
                sent = 0
            if not sent:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=idle)
