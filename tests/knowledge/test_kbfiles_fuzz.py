"""Whatever a knowledge file holds, reading it gives an entry or a KnowledgeError that says
where — never another exception, and never unbounded time."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.errors import KnowledgeError
from bot.kbcheck import check
from bot.kbfiles import load_file
from bot.knowledge import Entry, KnowledgeBase
from tests.conftest import KNOWLEDGE

SHIPPED = KNOWLEDGE / "registration" / "bsn.yaml"
REL = Path("registration") / "bsn.yaml"
FUZZ = settings(
    max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True)
    | st.text(max_size=30)
    | st.dates()
    | st.sampled_from(["NL", "BE", "en", "pl", "registration", "registration.bsn", ""])
)
values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


def read(root: Path, text: str) -> Entry | None:
    """Write ``text`` where the shipped entry lives and read it back; checks how it failed."""
    path = root / REL
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        item = load_file(root, path)
    except KnowledgeError as exc:
        assert exc.path and exc.path.endswith(str(REL)), f"no location in {exc!r}"
        assert exc.message
        return None
    assert isinstance(item, Entry)
    # what parses must also survive the checks an import runs
    check(KnowledgeBase({item.id: item}), today=dt.date(2026, 11, 25), complete=False)
    return item


@FUZZ
@given(text=st.text(max_size=400))
def test_any_text_is_an_entry_or_a_located_error(tmp_path, text):
    read(tmp_path, text)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """The shipped file with lines deleted, repeated, moved, re-indented or replaced."""
    lines = SHIPPED.read_text(encoding="utf-8").splitlines()
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["delete", "repeat", "swap", "indent", "dedent", "replace"]))
        if op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "repeat":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "indent":
            lines[i] = "  " + lines[i]
        elif op == "dedent":
            lines[i] = lines[i][2:]
        elif op == "replace":
            key = lines[i].split(":", 1)[0] if ":" in lines[i] else ""
            lines[i] = key + draw(st.sampled_from([": ", ":", ": [", ": &a ", ": *a", " "]))
            lines[i] += draw(st.text(max_size=20))
    return "\n".join(lines) + "\n"


@FUZZ
@given(text=mutated())
def test_a_damaged_entry_is_a_located_error(tmp_path, text):
    read(tmp_path, text)


def set_at(data: Any, path: list[Any], value: Any) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


def key_paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[list[Any]]:
    out = [list(prefix)] if prefix else []
    if isinstance(data, dict):
        for k, v in data.items():
            out += key_paths(v, (*prefix, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += key_paths(v, (*prefix, i))
    return out


def small_entry() -> dict[str, Any]:
    """The shipped entry in two languages (smaller, so each example parses fast)."""
    doc = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    doc["translations"] = {k: v for k, v in doc["translations"].items() if k in ("en", "pl")}
    return dict(doc)


@FUZZ
@given(data=st.data())
def test_any_value_in_any_field_is_an_entry_or_a_located_error(tmp_path, data):
    doc = small_entry()
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(key_paths(doc)))
        set_at(doc, path, data.draw(values))
    read(tmp_path, yaml.safe_dump(doc, allow_unicode=True))


def test_hostile_yaml_is_refused_quickly(tmp_path):
    bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        bomb.append(f"{level}: &{level} [{', '.join([f'*{previous}'] * 9)}]")
    for text in [
        "\n".join(bomb),  # a billion laughs: aliases of aliases
        "a: " + "[" * 5000 + "]" * 5000,
        "reviewed: 2026-13-45",
        "a: !!python/object/apply:os.system [true]",
        "\x00",
        "\ud800",
    ]:
        assert read(tmp_path, text) is None
