"""Knowledge import from the admin pages: a .zip of the knowledge folder (replaces everything)
or one entry's .yaml file (adds or updates that entry). A dry run shows what would change."""

from __future__ import annotations

import re
import tempfile
import zipfile
from datetime import datetime
from io import BytesIO
from pathlib import Path, PurePosixPath
from typing import Any

import yaml
from sqlalchemy.orm import Session

from bot.errors import KnowledgeError
from bot.kbcheck import check
from bot.kbfiles import LOCAL_DIR, Location, load_dir, load_file
from bot.knowledge import Entry, KnowledgeBase
from bot.storage import kb_repo

MAX_FILES = 2000
MAX_UNPACKED = 20 * 1024 * 1024


def _unpack(data: bytes, into: Path) -> Path:
    """Extract the YAML files of a zip safely; returns the knowledge folder inside it."""
    try:
        zf = zipfile.ZipFile(BytesIO(data))
    except zipfile.BadZipFile:
        raise KnowledgeError("not a zip file") from None
    members = [m for m in zf.infolist() if not m.is_dir()]
    if len(members) > MAX_FILES or sum(m.file_size for m in members) > MAX_UNPACKED:
        raise KnowledgeError("the zip is too large")
    for m in members:
        name = PurePosixPath(m.filename)
        if name.is_absolute() or ".." in name.parts or name.suffix not in (".yaml", ".yml"):
            continue
        target = into.joinpath(*name.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(zf.read(m))
    if (into / "knowledge").is_dir():
        return into / "knowledge"
    return into


def _entry_place(data: bytes) -> Path:
    """Where the file would live in the folder (entries must live at <topic>/<slug>.yaml);
    a file whose id cannot be read goes where parsing reports the problem."""
    try:
        doc = yaml.safe_load(data)
    except yaml.YAMLError:
        doc = None
    entry_id = doc.get("id") if isinstance(doc, dict) else None
    if isinstance(entry_id, str) and re.fullmatch(r"[a-z0-9-]+\.[a-z0-9.-]+", entry_id):
        topic, slug = entry_id.split(".", 1)
        return Path(topic) / f"{slug}.yaml"
    return Path("unknown") / "entry.yaml"


def _summary(before: Entry | None, after: Entry | None) -> str:
    if before is None:
        return "new entry"
    if after is None:
        return "removed"
    old, new = kb_repo.snapshot(before), kb_repo.snapshot(after)
    parts = [
        k
        for k in ("topic", "countries", "escalate", "related", "sources", "reviewed")
        if old[k] != new[k]
    ]
    langs = sorted(
        lang
        for lang in set(old["translations"]) | set(new["translations"])
        if old["translations"].get(lang) != new["translations"].get(lang)
    )
    if langs:
        parts.append("texts: " + ", ".join(langs))
    if old["variants"] != new["variants"]:
        parts.append("BE texts")
    return "; ".join(parts)


def plan_import(
    s: Session, name: str, data: bytes, now: datetime, *, author: str, apply: bool
) -> dict[str, Any]:
    """What importing the upload would change; with ``apply`` it also changes it (the caller
    commits). Nothing is written when there is any error."""
    current = kb_repo.load(s)
    locations: dict[str, Location] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if name.endswith(".zip"):
            folder = _unpack(data, root / "upload")
            incoming, errors = load_dir(folder, locations)
            whole = True
        elif name.endswith((".yaml", ".yml")):
            path = root / "upload" / _entry_place(data)
            path.parent.mkdir(parents=True)
            path.write_bytes(data)
            item = load_file(root / "upload", path, locations)
            if not isinstance(item, Entry):
                raise KnowledgeError(f"a single file must be one entry; put {LOCAL_DIR}/ in a zip")
            incoming = KnowledgeBase({**current.entries, item.id: item}, current.overlays)
            errors, whole = [], False
        else:
            raise KnowledgeError("upload a .zip of the knowledge folder or one entry's .yaml")
    problems = [str(e) for e in errors]
    if whole and not incoming.entries:
        problems.append("no entries found in the zip")
    findings = check(incoming, today=now.date(), locations=locations, complete=whole)
    problems += [str(f) for f in findings if f.level == "error"]
    warnings = [str(f) for f in findings if f.level == "warning"]
    ids = sorted(set(current.entries) | set(incoming.entries))
    changes = []
    for entry_id in ids:
        before, after = current.entries.get(entry_id), incoming.entries.get(entry_id)
        if (
            before is not None
            and after is not None
            and kb_repo.snapshot(before) == kb_repo.snapshot(after)
        ):
            continue
        if after is None and not whole:
            continue
        changes.append({"id": entry_id, "summary": _summary(before, after)})
    overlays_changed = whole and incoming.overlays != current.overlays
    result: dict[str, Any] = {
        "ok": not problems,
        "errors": problems,
        "warnings": warnings[:50],
        "changes": changes,
        "overlays_changed": overlays_changed,
        "unchanged": len(ids) - len(changes),
        "applied": False,
    }
    if apply and not problems:
        if whole:
            kb_repo.replace_all(s, incoming, author=author, now=now)
        else:
            for change in changes:
                kb_repo.save_entry(
                    s, incoming.entries[change["id"]], author=author, now=now, note="import"
                )
        result["applied"] = True
    return result
