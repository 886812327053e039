"""Group commit for webhooks: the events that arrive while one insert is under way are stored
together by the next one.

A webhook awaits :meth:`Ingestor.store`; the first of a quiet moment is written at once (one
hop to a worker thread), and while that insert runs, the event loop keeps accepting requests
whose events queue up and go out in a single multi-row ``INSERT … ON CONFLICT DO NOTHING`` and
one commit. Under load a commit carries many events, so the database does one flush to disk
where it did dozens, and the event loop never waits for the database. Each webhook still
answers only after its own event is committed (or spooled): nothing is acknowledged that
could be lost.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from bot.messages import Inbound

MAX_BATCH = 256

Item = tuple[Inbound, str]


class Ingestor:
    """``store_many(items) -> [new?]`` does the storing (``Service.receive_many``); it runs in a
    worker thread, one call at a time per process."""

    def __init__(
        self, store_many: Callable[[list[Item]], list[bool]], max_batch: int = MAX_BATCH
    ) -> None:
        self.store_many = store_many
        self.max_batch = max_batch
        self._queue: list[tuple[Inbound, str, asyncio.Future[bool]]] = []
        self._flushing = False
        self._task: asyncio.Task[None] | None = None
        self.batches = 0  # for the metrics: how many commits carried the events
        self.events = 0

    async def store(self, msg: Inbound, key: str) -> bool:
        """True when the event is new (stored or spooled now), False for a redelivery; raises
        what the storing raised (a database outage with no spool: the caller answers 503)."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[bool] = loop.create_future()
        self._queue.append((msg, key, done))
        if not self._flushing:
            self._flushing = True
            self._task = loop.create_task(self._flush())  # kept: a task needs a reference
        return await done

    async def _flush(self) -> None:
        try:
            while self._queue:
                batch = self._queue[: self.max_batch]
                del self._queue[: self.max_batch]
                items = [(msg, key) for msg, key, _ in batch]
                try:
                    results = await asyncio.to_thread(self.store_many, items)
                except Exception as exc:  # every waiting webhook gets the error
                    for *_, done in batch:
                        if not done.done():
                            done.set_exception(exc)
                    continue
                self.batches += 1
                self.events += len(batch)
                for (*_, done), new in zip(batch, results, strict=True):
                    if not done.done():  # the client may have gone: its event is stored anyway
                        done.set_result(new)
        finally:
            self._flushing = False
