import json
import shutil

from sqlalchemy import create_engine, text

from tests.cli.test_ask import brug
from tests.conftest import KNOWLEDGE


def test_import_then_export_gives_identical_files(tmp_path):
    assert brug(["kb", "import"], tmp_path).returncode == 0
    out_dir = tmp_path / "exported"
    proc = brug(["kb", "export", str(out_dir)], tmp_path)
    assert proc.returncode == 0, proc.stderr
    for src in KNOWLEDGE.rglob("*.yaml"):
        assert (out_dir / src.relative_to(KNOWLEDGE)).read_bytes() == src.read_bytes(), src


def test_a_malformed_file_aborts_the_import_and_changes_nothing(tmp_path):
    kb_copy = tmp_path / "kb"
    shutil.copytree(KNOWLEDGE, kb_copy)
    assert brug(["kb", "import", str(kb_copy)], tmp_path).returncode == 0
    bsn = kb_copy / "registration" / "bsn.yaml"
    bsn.write_text(bsn.read_text().replace("status: reviewed", "status: ???", 1), encoding="utf-8")
    (kb_copy / "registration" / "brp.yaml").write_text(
        (kb_copy / "registration" / "brp.yaml")
        .read_text()
        .replace("question:", "question: CHANGED", 1)
    )
    proc = brug(["kb", "import", str(kb_copy)], tmp_path)
    assert proc.returncode == 1
    assert "bsn.yaml:" in proc.stderr and "[registration.bsn]" in proc.stderr
    assert "nothing was imported" in proc.stderr
    db = create_engine(f"sqlite:///{tmp_path}/none.db")
    with db.connect() as conn:
        questions = [r[0] for r in conn.execute(text("select question from kb_translation"))]
    assert not any(q.startswith("CHANGED") for q in questions)
    db.dispose()


def test_jsonl_export_has_one_line_per_entry_and_language(tmp_path):
    proc = brug(["kb", "export", "--jsonl", "--kb", "files"], tmp_path)
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert {
        "entry",
        "lang",
        "countries",
        "question",
        "alternates",
        "answer",
        "status",
        "sources",
        "reviewed",
    } == set(rows[0])
    assert {(r["entry"], r["lang"]) for r in rows if r["entry"] == "registration.bsn"} >= {
        ("registration.bsn", "pl"),
        ("registration.bsn", "bg"),
    }


def test_kb_check_passes_and_prints_coverage(tmp_path):
    proc = brug(["kb", "check"], tmp_path)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    assert "0 errors" in proc.stdout
    assert "reviewed" in proc.stdout


def test_kb_check_fails_with_file_and_line(tmp_path):
    kb_copy = tmp_path / "kb"
    shutil.copytree(KNOWLEDGE, kb_copy)
    (kb_copy / "registration" / "bsn.yaml").unlink()
    proc = brug(["kb", "check", str(kb_copy)], tmp_path)
    assert proc.returncode == 1
    assert "registration.bsn is missing" in proc.stderr


def test_import_if_empty_keeps_edits_made_in_the_database(tmp_path):
    first = brug(["kb", "import", "--if-empty"], tmp_path)
    assert first.returncode == 0 and "imported" in first.stdout, first.stderr
    db = create_engine(f"sqlite:///{tmp_path}/none.db")
    edit = "update kb_translation set question = 'EDITED IN ADMIN' where entry_id = 'registration.bsn' and lang = 'pl'"
    read = "select question from kb_translation where entry_id = 'registration.bsn' and lang = 'pl'"
    with db.begin() as conn:
        conn.execute(text(edit))
    again = brug(["kb", "import", "--if-empty"], tmp_path)
    assert again.returncode == 0 and "nothing imported" in again.stdout
    with db.connect() as conn:
        assert conn.execute(text(read)).scalar() == "EDITED IN ADMIN"
    assert brug(["kb", "import"], tmp_path).returncode == 0  # without the flag: replaced
    with db.connect() as conn:
        assert conn.execute(text(read)).scalar() != "EDITED IN ADMIN"
    db.dispose()
