"""The small, typed error hierarchy every layer raises."""

from __future__ import annotations


class BrugError(Exception):
    """Base class of every error Brug raises on purpose.

    ``BrugError("no entry {entry_id}", entry_id=x)`` keeps the English template and its values,
    so a staff page can show the message in the staff's language (``bot.staffi18n``);
    ``str(exc)`` is the English text either way.
    """

    template: str | None = None
    values: dict[str, object] = {}  # noqa: RUF012  (never mutated; set per instance)

    def __init__(self, *args: object, **values: object) -> None:
        if len(args) == 1 and isinstance(args[0], str):
            self.template, self.values = args[0], values
            args = (args[0].format(**values) if values else args[0],)
        super().__init__(*args)


class SettingsError(BrugError):
    """A setting is missing or malformed; raised at start-up."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"setting {name}: {problem}")
        self.name = name
        self.problem = problem


class KnowledgeError(BrugError):
    """A knowledge file or entry is invalid."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        entry_id: str | None = None,
    ) -> None:
        self.message = message
        self.path = path
        self.line = line
        self.entry_id = entry_id
        super().__init__(self.location() + message)

    def location(self) -> str:
        parts = []
        if self.path:
            parts.append(self.path if self.line is None else f"{self.path}:{self.line}")
        if self.entry_id:
            parts.append(f"[{self.entry_id}]")
        return (" ".join(parts) + ": ") if parts else ""


class ChannelError(BrugError):
    """Sending through a channel failed.

    ``permanent`` means retrying cannot help (the user blocked the bot, the
    number does not exist); ``retry_after`` is the provider's requested delay
    in seconds, when it gave one. ``parts_sent`` counts the calls of a message made of several
    (a long text, a text and its buttons) the provider accepted before this one failed: a
    retry starts after them.
    """

    def __init__(
        self,
        message: str,
        *,
        permanent: bool = False,
        retry_after: float | None = None,
        code: str | None = None,
        parts_sent: int = 0,
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after
        self.code = code
        self.parts_sent = parts_sent
