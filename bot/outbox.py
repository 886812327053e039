"""The sender: delivers queued outbox rows through the channel transports.

At least once, never lost: a row is *leased* (its ``next_attempt_at`` moves
past the lease) and committed before the provider is called, and marked sent
after. If the process dies between the provider accepting a message and that
commit, the lease expires and the message is sent again — the only way a
user can receive a duplicate. Retries back off exponentially, honour the
provider's retry-after, and a permanent error (the user blocked the bot)
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

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from bot.errors import ChannelError
from bot.messages import Button, Outbound
from bot.storage.models import Contact, Outbox

logger = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
MAX_ATTEMPTS = 8


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
        self._last_send: dict[int, float] = {}
        self._postgres = sessions.kw["bind"].dialect.name == "postgresql"

    def claim(self, limit: int = 20) -> list[tuple[Outbound, int]]:
        """Lease up to ``limit`` due rows; returns them with their contact ids."""
        now = self.clock()
        with self.sessions() as s:
            q = (
                select(Outbox, Contact)
                .join(Contact, Contact.id == Outbox.contact_id)
                .where(
                    Outbox.status.in_(("queued", "sending")),
                    Outbox.next_attempt_at <= now,
                    Outbox.channel.in_(tuple(self.transports)),
                )
                .order_by(Outbox.id)
                .limit(limit)
            )
            if self._postgres:
                q = q.with_for_update(skip_locked=True, of=Outbox)
            rows = s.execute(q).all()
            claimed: list[tuple[Outbound, int]] = []
            seen: set[int] = set()
            for row, contact in rows:
                if contact.id in seen:  # one message per chat per round keeps the order
                    continue
                seen.add(contact.id)
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
                        ),
                        contact.id,
                    )
                )
            s.commit()
        return claimed

    async def run_once(self, limit: int = 20) -> int:
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
        if self.per_second > 0:
            await asyncio.sleep(1.0 / self.per_second)

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
        with self.sessions() as s:
            row = s.get(Outbox, message.outbox_id)
            if row is not None:
                row.status, row.provider_id, row.sent_at, row.error = (
                    "sent",
                    provider_id,
                    self.clock(),
                    None,
                )
                s.commit()

    def _failed(self, message: Outbound, contact_id: int, exc: ChannelError) -> None:
        now = self.clock()
        with self.sessions() as s:
            row = s.get(Outbox, message.outbox_id)
            if row is None:
                return
            row.error = (f"{exc.code}: " if exc.code else "") + str(exc)[:380]
            if exc.code == "held":
                row.status = "held"
            elif exc.permanent:
                row.status = "failed"
                contact = s.get(Contact, contact_id)
                if contact is not None and exc.code == "blocked":
                    contact.unreachable = True
            elif row.attempts >= MAX_ATTEMPTS:
                row.status = "failed"
            else:
                row.status = "queued"
                delay = (
                    timedelta(seconds=exc.retry_after) if exc.retry_after else backoff(row.attempts)
                )
                row.next_attempt_at = now + delay
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
        """Close the transports' network clients."""
        for transport in self.transports.values():
            close = getattr(transport, "aclose", None)
            if close is not None:
                await close()

    def backlog(self) -> int:
        with self.sessions() as s:
            rows = s.scalars(
                select(Outbox.id).where(or_(Outbox.status == "queued", Outbox.status == "sending"))
            )
            return len(rows.all())

    async def run_forever(self, stop: asyncio.Event, idle: float = 0.5) -> None:
        while not stop.is_set():
            try:
                sent = await self.run_once()
            except Exception:
                logger.exception("sender round failed")
                sent = 0
            if not sent:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=idle)
