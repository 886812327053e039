"""Reading and writing the knowledge base's YAML files.

``load_dir`` parses ``knowledge/<topic>/<slug>.yaml`` and
``knowledge/local/<municipality>.yaml`` into plain data, reporting every
problem with file, line and entry id. ``dump_entry``/``dump_overlay`` write
the canonical form: loading a canonical file and dumping it again gives the
same bytes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bot.errors import KnowledgeError
from bot.knowledge import (
    COUNTRY_CODES,
    STATUSES,
    TOPICS,
    Entry,
    KnowledgeBase,
    Overlay,
    Translation,
    VariantText,
)
from bot.languages import ALL_CODES

LOCAL_DIR = "local"
ID_RE = re.compile(r"^[a-z]+\.[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class _Lines:
    """Line numbers of the keys in a YAML document, by key path."""

    def __init__(self, node: yaml.Node | None) -> None:
        self.lines: dict[tuple[str, ...], int] = {}
        self._seen: set[int] = set()
        if node is not None:
            self._walk(node, ())

    def _walk(self, node: yaml.Node, path: tuple[str, ...]) -> None:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if id(node) in self._seen:  # an alias: walked once, or nested aliases take exponential time
            return
        self._seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                sub = (*path, str(key.value))
                self.lines[sub] = key.start_mark.line + 1
                self._walk(value, sub)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self._walk(item, (*path, str(i)))

    def of(self, *path: str) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get(())


def clean_text(text: str) -> str:
    """Answers are stored without trailing spaces and surrounding blank lines."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    return "\n".join(lines).strip("\n")


def _parse(path: Path) -> tuple[Any, _Lines]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise KnowledgeError(f"not UTF-8 text ({exc.reason})", path=str(path)) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
        return data, _Lines(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise KnowledgeError(f"invalid YAML: {problem}", path=str(path), line=line) from None
    except ValueError as exc:  # a value PyYAML cannot construct, e.g. the date 2026-13-45
        raise KnowledgeError(f"invalid YAML value: {exc}", path=str(path)) from None
    except RecursionError:
        raise KnowledgeError("invalid YAML: nested too deeply", path=str(path)) from None


class _Reader:
    """Typed access to one parsed document with located errors."""

    def __init__(self, path: Path, data: Any, lines: _Lines, entry_id: str | None = None) -> None:
        self.path, self.data, self.lines, self.entry_id = path, data, lines, entry_id

    def fail(self, message: str, *keys: str) -> KnowledgeError:
        return KnowledgeError(
            message, path=str(self.path), line=self.lines.of(*keys), entry_id=self.entry_id
        )

    def mapping(self, value: Any, *keys: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(f"{'.'.join(keys) or 'document'} must be a mapping", *keys)
        return value

    def text(self, value: Any, *keys: str, required: bool = True) -> str | None:
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{'.'.join(keys)} must be non-empty text", *keys)
        return value

    def str_list(self, value: Any, *keys: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(f"{'.'.join(keys)} must be a list of non-empty texts", *keys)
        return tuple(v.strip() for v in value)


def _date(r: _Reader, value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise r.fail("reviewed must be a date (YYYY-MM-DD)", "reviewed")


def parse_entry(path: Path, data: Any, lines: _Lines) -> Entry:
    r = _Reader(path, data, lines)
    doc = r.mapping(data)
    entry_id = doc.get("id")
    r.entry_id = entry_id if isinstance(entry_id, str) else None
    if not isinstance(entry_id, str) or not ID_RE.match(entry_id):
        raise r.fail("id must look like <topic>.<slug> (lowercase, hyphens)", "id")
    topic = doc.get("topic")
    if topic not in TOPICS:
        raise r.fail(f"topic must be one of {', '.join(TOPICS)}", "topic")
    if not entry_id.startswith(f"{topic}."):
        raise r.fail(f"id {entry_id} does not start with its topic {topic}", "id")
    expected = Path(topic) / f"{entry_id.split('.', 1)[1]}.yaml"
    if path.parts[-2:] != expected.parts:
        raise r.fail(f"entry {entry_id} must live in {expected}", "id")
    unknown = set(doc) - {
        "id",
        "topic",
        "countries",
        "escalate",
        "related",
        "sources",
        "reviewed",
        "translations",
        "variants",
    }
    if unknown:
        raise r.fail(f"unknown keys: {', '.join(sorted(unknown))}", sorted(unknown)[0])
    countries = r.str_list(doc.get("countries"), "countries")
    if not countries or any(c not in COUNTRY_CODES for c in countries):
        raise r.fail("countries must list NL and/or BE", "countries")
    escalate = doc.get("escalate", False)
    if not isinstance(escalate, bool):
        raise r.fail("escalate must be true or false", "escalate")
    reviewed = _date(r, doc.get("reviewed"))
    translations: dict[str, Translation] = {}
    for lang, raw in r.mapping(doc.get("translations"), "translations").items():
        if lang not in ALL_CODES:
            raise r.fail(f"unsupported language {lang!r}", "translations", str(lang))
        t = r.mapping(raw, "translations", lang)
        extra = set(t) - {"question", "alternates", "answer", "status"}
        if extra:
            raise r.fail(f"unknown keys: {', '.join(sorted(extra))}", "translations", lang)
        status = t.get("status", "draft")
        if status not in STATUSES:
            raise r.fail(
                f"status must be one of {', '.join(STATUSES)}", "translations", lang, "status"
            )
        answer = r.text(t.get("answer"), "translations", lang, "answer", required=False)
        translations[lang] = Translation(
            question=(r.text(t.get("question"), "translations", lang, "question") or "").strip(),
            alternates=r.str_list(t.get("alternates"), "translations", lang, "alternates"),
            answer=clean_text(answer) if answer else None,
            status=status,
        )
    variants: dict[str, dict[str, VariantText]] = {}
    for country, raw in r.mapping(doc.get("variants") or {}, "variants").items():
        if country not in COUNTRY_CODES:
            raise r.fail("variants are keyed by NL or BE", "variants", str(country))
        v = r.mapping(raw, "variants", country)
        texts: dict[str, VariantText] = {}
        for lang, vt in r.mapping(
            v.get("translations"), "variants", country, "translations"
        ).items():
            if lang not in ALL_CODES:
                raise r.fail(f"unsupported language {lang!r}", "variants", country, "translations")
            vt = r.mapping(vt, "variants", country, "translations", lang)
            keys = ("variants", country, "translations", lang)
            ans = r.text(vt.get("answer"), *keys, "answer", required=False)
            q = r.text(vt.get("question"), *keys, "question", required=False)
            texts[lang] = VariantText(
                answer=clean_text(ans) if ans else None, question=q.strip() if q else None
            )
        variants[country] = texts
    return Entry(
        id=entry_id,
        topic=topic,
        countries=countries,
        escalate=escalate,
        related=r.str_list(doc.get("related"), "related"),
        sources=r.str_list(doc.get("sources"), "sources"),
        reviewed=reviewed,
        translations=translations,
        variants=variants,
    )


def parse_overlay(path: Path, data: Any, lines: _Lines) -> Overlay:
    r = _Reader(path, data, lines)
    doc = r.mapping(data)
    slug = doc.get("municipality")
    if not isinstance(slug, str) or not SLUG_RE.match(slug) or slug != path.stem:
        raise r.fail(f"municipality must be the file's name ({path.stem})", "municipality")
    country = doc.get("country")
    if country not in COUNTRY_CODES:
        raise r.fail("country must be NL or BE", "country")
    reviewed = _date(r, doc.get("reviewed"))
    entries: dict[str, dict[str, str]] = {}
    for entry_id, texts in r.mapping(doc.get("entries"), "entries").items():
        tmap = r.mapping(texts, "entries", entry_id)
        entries[entry_id] = {}
        for lang, text in tmap.items():
            if lang not in ALL_CODES:
                raise r.fail(f"unsupported language {lang!r}", "entries", entry_id, str(lang))
            entries[entry_id][lang] = clean_text(r.text(text, "entries", entry_id, lang) or "")
    return Overlay(
        municipality=slug,
        name=r.text(doc.get("name"), "name") or slug,
        country=country,
        sources=r.str_list(doc.get("sources"), "sources"),
        reviewed=reviewed,
        entries=entries,
    )


def iter_files(root: Path) -> Iterator[Path]:
    yield from sorted(p for p in root.glob("*/*.yaml") if p.parent.name != LOCAL_DIR)


class Location:
    """Where an entry came from, to point at a line when a later check fails."""

    def __init__(self, path: str, lines: _Lines) -> None:
        self.path, self._lines = path, lines

    def line(self, *keys: str) -> int | None:
        return self._lines.of(*keys)


def load_file(
    root: Path, path: Path, locations: dict[str, Location] | None = None
) -> Entry | Overlay:
    data, lines = _parse(path)
    rel = path.relative_to(root) if path.is_absolute() == root.is_absolute() else path
    shown = Path(root.name) / rel if root.name else rel
    item: Entry | Overlay
    if rel.parts[0] == LOCAL_DIR:
        item = parse_overlay(shown, data, lines)
        key = f"local/{item.municipality}"
    else:
        item = parse_entry(shown, data, lines)
        key = item.id
    if locations is not None:
        locations[key] = Location(str(shown), lines)
    return item


def load_dir(
    root: Path, locations: dict[str, Location] | None = None
) -> tuple[KnowledgeBase, list[KnowledgeError]]:
    """Parse every file; returns what parsed and the list of problems."""
    entries: dict[str, Entry] = {}
    overlays: dict[str, Overlay] = {}
    errors: list[KnowledgeError] = []
    if not root.is_dir():
        return KnowledgeBase({}), [KnowledgeError(f"knowledge folder {root} does not exist")]
    for path in [*iter_files(root), *sorted((root / LOCAL_DIR).glob("*.yaml"))]:
        try:
            item = load_file(root, path, locations)
        except KnowledgeError as exc:
            errors.append(exc)
            continue
        if isinstance(item, Overlay):
            overlays[item.municipality] = item
        elif item.id in entries:
            errors.append(KnowledgeError("duplicate id", path=str(path), entry_id=item.id))
        else:
            entries[item.id] = item
    return KnowledgeBase(entries, overlays), errors


# ---- canonical writing -------------------------------------------------------

_PLAIN_BAD = re.compile(r"^[\s\-?:,\[\]{}#&*!|>'\"%@`]|[:#]\s|\s#|:$|^\s|\s$|[\t\x00-\x1f\x7f]")


def _scalar(value: str) -> str:
    """A one-line YAML scalar that reads back as exactly ``value``."""
    if value and "\n" not in value and not _PLAIN_BAD.search(value):
        try:
            if yaml.safe_load(f"k: {value}") == {"k": value}:
                return value
        except yaml.YAMLError:
            pass
    return json.dumps(value, ensure_ascii=False)


def _block(value: str, indent: str) -> str:
    body = "\n".join(f"{indent}{line}" if line else "" for line in value.split("\n"))
    return f"|\n{body}\n"


def _flow(values: Iterable[str]) -> str:
    return "[" + ", ".join(_scalar(v) for v in values) + "]"


def _seq(values: Iterable[str], indent: str) -> str:
    return "".join(f"\n{indent}- {_scalar(v)}" for v in values) + "\n"


def dump_entry(entry: Entry) -> str:
    out = [
        f"id: {entry.id}\n",
        f"topic: {entry.topic}\n",
        f"countries: {_flow(entry.countries)}\n",
        f"escalate: {'true' if entry.escalate else 'false'}\n",
        f"related: {_flow(entry.related)}\n",
        "sources:" + (_seq(entry.sources, "  ") if entry.sources else " []\n"),
        f"reviewed: {entry.reviewed.isoformat() if entry.reviewed else 'null'}\n",
        "translations:\n",
    ]
    for lang in _lang_order(entry.translations):
        tr = entry.translations[lang]
        out.append(f"  {lang}:\n")
        out.append(f"    question: {_scalar(tr.question)}\n")
        out.append(
            "    alternates:" + (_seq(tr.alternates, "      ") if tr.alternates else " []\n")
        )
        if tr.answer is not None:
            out.append("    answer: " + _block(tr.answer, "      "))
        out.append(f"    status: {tr.status}\n")
    if entry.variants:
        out.append("variants:\n")
        for country in sorted(entry.variants):
            out.append(f"  {country}:\n    translations:\n")
            texts = entry.variants[country]
            for lang in _lang_order(texts):
                vt = texts[lang]
                out.append(f"      {lang}:\n")
                if vt.question is not None:
                    out.append(f"        question: {_scalar(vt.question)}\n")
                if vt.answer is not None:
                    out.append("        answer: " + _block(vt.answer, "          "))
    return "".join(out)


def dump_overlay(overlay: Overlay) -> str:
    out = [
        f"municipality: {overlay.municipality}\n",
        f"name: {_scalar(overlay.name)}\n",
        f"country: {overlay.country}\n",
        "sources:" + (_seq(overlay.sources, "  ") if overlay.sources else " []\n"),
        f"reviewed: {overlay.reviewed.isoformat() if overlay.reviewed else 'null'}\n",
        "entries:\n",
    ]
    for entry_id in sorted(overlay.entries):
        out.append(f"  {entry_id}:\n")
        texts = overlay.entries[entry_id]
        for lang in _lang_order(texts):
            out.append(f"    {lang}: " + _block(texts[lang], "      "))
    return "".join(out)


def _lang_order(langs: Iterable[str]) -> list[str]:
    order = {
        code: i for i, code in enumerate(dict.fromkeys(("en", "nl", "pl", "ro", "bg", *ALL_CODES)))
    }
    return sorted(langs, key=lambda c: (order.get(c, 99), c))


def entry_path(root: Path, entry: Entry) -> Path:
    return root / entry.topic / f"{entry.id.split('.', 1)[1]}.yaml"


def write_dir(root: Path, kb: KnowledgeBase) -> list[Path]:
    """Write every entry and overlay in canonical form; returns the files written."""
    written = []
    for entry in kb.entries.values():
        path = entry_path(root, entry)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dump_entry(entry), encoding="utf-8")
        written.append(path)
    for overlay in kb.overlays.values():
        path = root / LOCAL_DIR / f"{overlay.municipality}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dump_overlay(overlay), encoding="utf-8")
        written.append(path)
    return sorted(written)


def jsonl_rows(kb: KnowledgeBase) -> Iterator[dict[str, Any]]:
    """One row per (entry, language), the machine-readable export."""
    for entry_id in sorted(kb.entries):
        entry = kb.entries[entry_id]
        for lang in _lang_order(entry.translations):
            tr = entry.translations[lang]
            yield {
                "entry": entry.id,
                "lang": lang,
                "countries": list(entry.countries),
                "question": tr.question,
                "alternates": list(tr.alternates),
                "answer": tr.answer,
                "status": tr.status,
                "sources": list(entry.sources),
                "reviewed": entry.reviewed.isoformat() if entry.reviewed else None,
            }
