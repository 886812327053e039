"""The benchmark scripts still run against today's code and print their comparisons.

Speeds are not asserted (the scripts print figures); these run each script in its smallest
form and check the tables and the baseline ratio are there.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.baseline_tfidf import TfidfBaseline
from bot.knowledge import KnowledgeBase
from tests.conftest import ROOT


def run(*args: str, timeout: int = 240) -> str:
    res = subprocess.run(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert res.returncode == 0, res.stderr[-3000:]
    return res.stdout


def test_the_baseline_ranks_an_entry_first_for_its_own_phrasing(shipped_kb: KnowledgeBase) -> None:
    baseline = TfidfBaseline(shipped_kb)
    entry = shipped_kb.entries["registration.bsn"]
    ranked = baseline.rank(entry.translations["pl"].question, top=3)
    assert ranked[0][0] == "registration.bsn"
    assert ranked[0][1] == pytest.approx(1.0, abs=1e-5)
    assert [score for _, score in ranked] == sorted((score for _, score in ranked), reverse=True)


def test_the_baseline_finds_nothing_for_unknown_words(shipped_kb: KnowledgeBase) -> None:
    assert TfidfBaseline(shipped_kb).rank("qqqxz") == []


@pytest.mark.slow
def test_the_engine_benchmark_compares_with_the_baseline(tmp_path: Path) -> None:
    dev = tmp_path / "dev.jsonl"
    rows = [
        {"text": "jak dostać numer BSN?", "lang": "pl", "label": "registration.bsn"},
        {"text": "szef zabrał mi paszport", "lang": "pl", "label": "ESCALATE"},
    ]
    dev.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    out = run("benchmarks.engine", "--sizes", "20", "--dev", str(dev), "--rounds", "1")
    assert "| top-3 of the ranking | 100.0 % (1/1) |" in out
    assert "| latency p50 |" in out and "×" in out
    assert "| 20 | 960 |" in out
    assert out.count("load average before") == 3


@pytest.mark.slow
def test_the_outbox_benchmark_delivers_every_message_once() -> None:
    out = run(
        "benchmarks.outbox", "--db", "sqlite", "--processes", "1", "--messages", "30",
        "--paced-messages", "5",
    )  # fmt: skip
    line = next(x for x in out.splitlines() if x.startswith("| 1 |"))
    cells = [c.strip() for c in line.strip("|").split("|")]
    assert cells[3].endswith("×")  # Sender / plain HTTP
    assert cells[5] == "0"  # duplicates


@pytest.mark.slow
def test_the_webhook_benchmark_compares_with_the_echo_app() -> None:
    out = run(
        "benchmarks.webhooks", "--db", "sqlite", "--web", "1", "--seconds", "1",
        "--connections", "4", "--e2e-rate", "5", "--e2e-seconds", "1", "--drain-seconds", "1",
        "--loader", "httpx",
    )  # fmt: skip
    line = next(x for x in out.splitlines() if x.startswith("| 1 |"))
    cells = [c.strip() for c in line.strip("|").split("|")]
    assert cells[2].endswith("×")  # brug / echo
    assert cells[6] == "0 / 0"  # errors
    assert cells[8] == "0"  # no update lost end to end
