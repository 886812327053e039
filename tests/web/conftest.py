from tests.channels.conftest import harness  # noqa: F401  (the real app with fake providers)
