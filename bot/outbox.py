"""The sender: delivers queued outbox rows through the channel transports.

At least once, never lost: a row is *leased* (its ``next_attempt_at`` moves
past the lease) and committed before the provider is called, and marked sent
after. If the process dies between the provider accepting a message and that
commit, the lease expires and the message is sent again — the only way a
user can receive a duplicate. While the database refuses that commit (it is
restarting, the disk is full) the sender keeps what it sent in memory and
records it before it claims anything else.

In order per chat: only the oldest unsent message of a contact is due, so a
retried message is never overtaken by a later one. Retries back off
exponentially; a provider's retry-after (a rate limit) is honoured and does
not count as a failed attempt; a permanent error (the user blocked the bot)
marks the contact unreachable instead of retrying.
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
MAX_ATTEMPTS = 8
UNSENT = ("queued", "sending")


class Transport(Protocol):
    """A channel's way out. ``send`` returns the provider's message id or raises ChannelError.
    ``held`` is raised as ChannelError(code="held") when the message must wait for the user."""

    async def send(self, message: Outbound) -> str: ...


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(3600, 2 ** max(0, attempts - 1) * 5))


class Sender:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        transports: Mapping[str, Transport],
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        per_chat_interval: float = 1.0,
        per_second: float = 25.0,
    ) -> None:
        self.sessions = sessions
        self.transports = transports
        self.clock = clock
        self.per_chat_interval = per_chat_interval
        self.per_second = per_second
        self._last_any = 0.0  # monotonic time of the last send to anyone
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
            await self._pace(contact_id)
            await self._deliver(message, contact_id)
        return len(claimed)

    async def _pace(self, contact_id: int) -> None:
        last = self._last_send.get(contact_id)
        if last is not None:
            wait = self.per_chat_interval - (time.monotonic() - last)
            if wait > 0:
                await asyncio.sleep(wait)
        if self.per_second > 0:  # the bot-wide rate: wait only if the last send was too recent
            wait = 1.0 / self.per_second - (time.monotonic() - self._last_any)
            if wait > 0:
                await asyncio.sleep(wait)
        self._last_any = time.monotonic()

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
            elif row.attempts >= MAX_ATTEMPTS:
                row.status = "failed"
            else:
                row.status, row.next_attempt_at = "queued", now + backoff(row.attempts)
            s.commit()
        logger.info(
            "outbox %s: %s (%s)",
            message.outbox_id,
            "held" if exc.code == "held" else "failed",
            exc.code,
        )

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
