"""Telegram channel (python-telegram-bot 22)."""

import os

# Opt in to PTB's future behaviour (RetryAfter.retry_after as a timedelta), which the transport
# handles; without it PTB 22 warns about the change on every flood-limit error.
os.environ.setdefault("PTB_TIMEDELTA", "1")
