"""Splitting long messages the way the channels send them (the admin preview counts parts too)."""

from __future__ import annotations


def split_text(text: str, limit: int) -> list[str]:
    """Split at paragraph, then line, then word boundaries so no part exceeds ``limit``."""
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = -1
        for sep in ("\n\n", "\n", " "):
            cut = rest.rfind(sep, 0, limit)
            if cut > limit // 3:
                break
        if cut <= 0:
            cut = limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts
