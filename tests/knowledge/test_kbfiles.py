from pathlib import Path

import pytest

from bot.errors import KnowledgeError
from bot.kbfiles import dump_entry, dump_overlay, iter_files, load_dir, load_file
from tests.conftest import KNOWLEDGE

GOOD = """id: registration.test
topic: registration
countries: [NL]
escalate: false
related: []
sources:
  - https://www.government.nl/
reviewed: 2026-11-20
translations:
  en:
    question: "What is a test: really?"
    alternates:
      - test it
      - "# not a comment"
    answer: |
      Line one.

      1. Step *bold*
    status: reviewed
"""


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_every_shipped_file_round_trips_byte_for_byte():
    for path in [*iter_files(KNOWLEDGE), *sorted((KNOWLEDGE / "local").glob("*.yaml"))]:
        item = load_file(KNOWLEDGE, path)
        dumped = dump_overlay(item) if path.parent.name == "local" else dump_entry(item)
        assert dumped == path.read_text(encoding="utf-8"), path


def test_a_canonical_entry_round_trips(tmp_path):
    path = write(tmp_path, "registration/test.yaml", GOOD)
    entry = load_file(tmp_path, path)
    assert entry.translations["en"].alternates == ("test it", "# not a comment")
    assert dump_entry(entry) == GOOD


def test_invalid_yaml_is_reported_with_file_and_line(tmp_path):
    write(tmp_path, "registration/test.yaml", GOOD.replace("  en:\n", "  en:\n   - broken: [\n"))
    _, errors = load_dir(tmp_path)
    assert len(errors) == 1
    assert errors[0].path.endswith("registration/test.yaml")
    assert errors[0].line is not None


def test_a_bad_field_names_the_entry_and_the_line(tmp_path):
    write(tmp_path, "registration/test.yaml", GOOD.replace("status: reviewed", "status: great"))
    _, errors = load_dir(tmp_path)
    assert errors[0].entry_id == "registration.test"
    assert errors[0].line == GOOD.splitlines().index("    status: reviewed") + 1
    assert "status" in str(errors[0])


def test_an_entry_must_live_where_its_id_says(tmp_path):
    path = write(tmp_path, "registration/other.yaml", GOOD)
    with pytest.raises(KnowledgeError, match="must live in"):
        load_file(tmp_path, path)


def test_not_utf8_is_an_error_not_a_crash(tmp_path):
    path = tmp_path / "registration" / "test.yaml"
    path.parent.mkdir()
    path.write_bytes(b"id: \xff\xfe")
    _, errors = load_dir(tmp_path)
    assert "UTF-8" in str(errors[0])
