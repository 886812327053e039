"""The knowledge the running service answers from, swapped whole when admins change it.

Every process polls the knowledge revision (a counter bumped by every change, in the
database) and, when it moved, loads the knowledge base and builds a new engine off the event
loop, then swaps engine and conversation in one assignment: no request sees a half-built
index, and every process (on PostgreSQL, every machine) picks the change up within seconds.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from bot.conversation import Conversation
from bot.engine import Engine
from bot.knowledge import KnowledgeBase
from bot.storage import kb_repo

logger = logging.getLogger(__name__)


class LiveKnowledge:
    def __init__(
        self,
        engine: Engine,
        make_engine: Callable[[KnowledgeBase], Engine],
        make_conversation: Callable[[Engine], Conversation],
        sessions: sessionmaker[Session],
    ) -> None:
        self._make_engine = make_engine
        self._make_conversation = make_conversation
        self._sessions = sessions
        self._current = (engine, make_conversation(engine))
        self.revision = self._read_revision()

    @property
    def engine(self) -> Engine:
        return self._current[0]

    @property
    def conversation(self) -> Conversation:
        return self._current[1]

    def _read_revision(self) -> int:
        try:
            with self._sessions() as s:
                return kb_repo.revision(s)
        except Exception:  # no knowledge tables yet
            return 0

    def refresh(self) -> bool:
        """Rebuild when the knowledge changed; True when a new engine was swapped in. Blocking."""
        revision = self._read_revision()
        if revision == self.revision:
            return False
        with self._sessions() as s:
            kb = kb_repo.load(s)
        if not kb.entries:
            self.revision = revision
            return False
        engine = self._make_engine(kb)
        self._current = (engine, self._make_conversation(engine))
        self.revision = revision
        logger.info("knowledge revision %s loaded: %d entries", revision, len(kb.entries))
        return True
