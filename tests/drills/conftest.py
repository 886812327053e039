"""Drills run the real app with the channel tests' harness (fake providers outside)."""

from tests.channels.conftest import harness  # noqa: F401
