"""`brug ask` keeps the contract that evaluation sets and outside checks rely on."""

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import KNOWLEDGE, ROOT


def brug(
    args: list[str], tmp_path: Path, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "BRUG_DATA_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path}/none.db",
        "BRUG_KNOWLEDGE_DIR": str(KNOWLEDGE),
    }
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )


def test_batch_mode_answers_every_line_in_order_and_reports_bad_lines(tmp_path):
    lines = [
        json.dumps({"id": "q1", "text": "kak da si izvadya bsn nomer", "country": "NL"}),
        "{not json",
        json.dumps({"id": "q3", "text": 42}),
        json.dumps({"id": "q4", "text": "szef zabral mi paszport", "country": None, "lang": "pl"}),
        json.dumps({"id": "q5", "text": "ubezpieczenie", "country": "XX"}),
    ]
    proc = brug(["ask", "--jsonl"], tmp_path, "\n".join(lines) + "\n")
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [o.get("id") for o in out] == ["q1", None, "q3", "q4", "q5"]
    q1 = out[0]
    assert set(q1) == {"id", "action", "entry", "candidates", "lang", "confidence", "reply"}
    assert q1["action"] == "answer" and q1["entry"] == "registration.bsn" and q1["lang"] == "bg"
    assert all(0 <= c["score"] <= 1 for c in q1["candidates"]) and len(q1["candidates"]) <= 5
    assert "error" in out[1] and "error" in out[2] and "error" in out[4]
    assert out[3]["action"] == "escalate"


def test_single_question_prints_the_reply_or_json(tmp_path):
    proc = brug(
        [
            "ask",
            "ile kosztuje ubezpieczenie zdrowotne",
            "--lang",
            "pl",
            "--country",
            "NL",
            "--json",
        ],
        tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["lang"] == "pl" and data["action"] in ("answer", "clarify")
    plain = brug(["ask", "what is a bsn", "--country", "NL"], tmp_path)
    assert plain.returncode == 0
    assert "BSN" in plain.stdout and not plain.stdout.startswith("{")


def test_a_bad_country_is_a_usage_error(tmp_path):
    proc = brug(["ask", "bsn", "--country", "DE"], tmp_path)
    assert proc.returncode == 2
    assert "NL or BE" in proc.stderr
