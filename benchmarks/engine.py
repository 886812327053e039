"""Engine benchmark against a plain TF-IDF baseline, in the same run.

Prints three tables (markdown), each framed by the machine's load average:
1. ranking quality on the labelled dev set: the engine's answers and ranking vs the baseline's
   ranking (benchmarks/baseline_tfidf.py: word + char n-gram TF-IDF over the same phrasings);
2. the shipped knowledge base: index build time, latency p50/p99 per question, engine/baseline;
3. growth with knowledge-base size: generated entries × 12 languages × 4 phrasings.

Targets (the project's 2-core machine): decision p50 <= 2 ms and p99 <= 10 ms on the shipped
KB, build <= 2 s, and p50 <= 30 ms on a generated KB of 20,000 entries.

    python -m benchmarks.engine [--sizes 1000,5000,20000] [--dev FILE.jsonl]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks.baseline_tfidf import TfidfBaseline
from benchmarks.report import framed, machine, memory_mb, p50, pct, ratio, row, table
from bot.engine import Engine
from bot.evaluate import ESCALATE, OUT_OF_SCOPE
from bot.kbfiles import load_dir
from bot.knowledge import Entry, KnowledgeBase, Translation
from bot.languages import ALL_CODES
from bot.messages import Action

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "eval" / "dev_questions.jsonl"  # the shared dev set


def rss_mb() -> float:
    return memory_mb(os.getpid())[0]


def time_calls(call: Callable[[str], object], qs: list[str], rounds: int) -> list[float]:
    """Milliseconds per call, after a warm-up."""
    for q in qs[:20]:
        call(q)
    out = []
    for _ in range(rounds):
        for q in qs:
            t0 = time.perf_counter()
            call(q)
            out.append((time.perf_counter() - t0) * 1000)
    return out


def synthetic_kb(base: KnowledgeBase, n: int, seed: int = 7) -> KnowledgeBase:
    """n entries x 12 languages, phrasings recombined from the real KB's words per language."""
    rng = random.Random(seed)
    vocab: dict[str, list[str]] = {lang: [] for lang in ALL_CODES}
    for e in base.entries.values():
        for lang, t in e.translations.items():
            for p in t.phrasings():
                vocab[lang].extend(p.split())
    template = next(iter(base.entries.values()))
    entries: dict[str, Entry] = {}
    for i in range(n):
        trs = {}
        for lang in ALL_CODES:
            words = vocab[lang] or vocab["en"]
            phr = [" ".join(rng.choices(words, k=rng.randint(3, 9))) for _ in range(4)]
            trs[lang] = Translation(phr[0], tuple(phr[1:]), "answer", "draft")
        eid = f"{template.topic}.synthetic-{i}"
        entries[eid] = replace(
            template, id=eid, translations=trs, related=(), variants={}, reviewed=date(2026, 11, 24)
        )
    return KnowledgeBase(entries)


def quality(engine: Engine, baseline: TfidfBaseline, rows: list[dict[str, Any]]) -> None:
    """Top-1/top-3 on the in-scope questions; the engine's answer also needs confidence."""
    in_scope = [r for r in rows if r.get("label") not in (ESCALATE, OUT_OF_SCOPE)]
    answered = rank1 = rank3 = b1 = b3 = 0
    for r in in_scope:
        d = engine.decide(r["text"], country=r.get("country"))
        ranking = [c.entry for c in d.candidates[:3]]
        answered += d.entry == r["label"] and d.action != Action.FALLBACK
        rank1 += bool(ranking) and ranking[0] == r["label"]
        rank3 += r["label"] in ranking
        top = [e for e, _ in baseline.rank(r["text"], top=3)]
        b1 += bool(top) and top[0] == r["label"]
        b3 += r["label"] in top
    n = len(in_scope)

    def share(k: int) -> str:
        return f"{100 * k / n:.1f} % ({k}/{n})"

    table(["in-scope questions (no language hint)", "engine", "TF-IDF baseline", "difference"])
    row("top-1: the entry answered (engine: not a fallback)", share(answered), share(b1), "")
    row("top-1 of the ranking", share(rank1), share(b1), f"{100 * (rank1 - b1) / n:+.1f} points")
    row("top-3 of the ranking", share(rank3), share(b3), f"{100 * (rank3 - b3) / n:+.1f} points")
    others = len(rows) - n
    print(
        f"\n{others} more questions are labelled escalate or out of scope: the engine's danger "
        "rules and thresholds handle them (`brug eval`); the baseline always answers."
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,5000,20000", help="generated KB sizes, in entries")
    ap.add_argument("--dev", type=Path, default=DEV, help="labelled questions (JSONL)")
    ap.add_argument("--rounds", type=int, default=3, help="passes over the questions, shipped KB")
    args = ap.parse_args()
    print(machine())
    kb, errors = load_dir(ROOT / "knowledge")
    assert not errors, errors
    if args.dev.exists():
        rows = [json.loads(line) for line in args.dev.read_text().splitlines() if line.strip()]
        qs = [r["text"] for r in rows]
        print(f"questions: {len(qs)} from {args.dev}")
    else:
        rows = []
        qs = [a for e in kb.entries.values() for t in e.translations.values() for a in t.alternates]
        qs = qs[:300]
        print(f"questions: {args.dev} not found; {len(qs)} of the KB's own phrasings (no quality)")
    base_rss = rss_mb()
    t0 = time.perf_counter()
    engine = Engine(kb, languages=ALL_CODES)
    build = time.perf_counter() - t0
    engine_rss = rss_mb()
    t0 = time.perf_counter()
    baseline = TfidfBaseline(kb)
    b_build = time.perf_counter() - t0
    b_rss = rss_mb() - engine_rss

    if rows:
        with framed("Ranking quality on the dev set: engine vs plain TF-IDF"):
            quality(engine, baseline, rows)

    phrasings = sum(
        len(t.phrasings()) for e in kb.entries.values() for t in e.translations.values()
    )
    with framed(f"Shipped knowledge base ({len(kb.entries)} entries, {phrasings} phrasings)"):
        lat = time_calls(lambda q, e=engine: e.decide(q, country="NL"), qs, args.rounds)
        b_lat = time_calls(baseline.rank, qs, args.rounds)
        print(
            f"{len(lat)} timed questions each; engine = the whole decision (language, danger "
            "rules, matching, thresholds); baseline = ranking only\n"
        )
        table(["metric", "engine", "TF-IDF baseline", "engine/baseline", "target (engine)"])
        row(
            "index build",
            f"{build * 1000:.0f} ms",
            f"{b_build * 1000:.0f} ms",
            ratio(build, b_build),
            "<= 2000 ms",
        )
        row(
            "latency p50",
            f"{p50(lat):.2f} ms",
            f"{p50(b_lat):.2f} ms",
            ratio(p50(lat), p50(b_lat)),
            "<= 2 ms",
        )
        row(
            "latency p99",
            f"{pct(lat, 0.99):.2f} ms",
            f"{pct(b_lat, 0.99):.2f} ms",
            ratio(pct(lat, 0.99), pct(b_lat, 0.99)),
            "<= 10 ms",
        )
        row("latency max", f"{max(lat):.2f} ms", f"{max(b_lat):.2f} ms", "", "")
        row(
            "memory (RSS growth)",
            f"{engine_rss - base_rss:.0f} MB",
            f"{b_rss:.0f} MB",
            ratio(engine_rss - base_rss, b_rss),
            "",
        )
        print(f"\nprocess RSS {rss_mb():.0f} MB (Python and libraries alone: {base_rss:.0f} MB)")
    del engine, baseline
    gc.collect()

    sizes = [int(x) for x in args.sizes.split(",") if x]
    if not sizes:
        return
    with framed("Growth with knowledge-base size (generated: 12 languages x 4 phrasings)"):
        print(f"{len(qs)} timed questions per size (they match nothing well: latency only)\n")
        table(
            [
                "entries",
                "phrasings",
                "build s engine / baseline",
                "engine p50 ms",
                "baseline p50 ms",
                "p50 engine/baseline",
                "engine p99 ms",
                "baseline p99 ms",
                "p99 engine/baseline",
                "RSS MB engine / baseline",
            ]
        )
        for n in sizes:
            gc.collect()
            syn = synthetic_kb(kb, n)
            before = rss_mb()
            t0 = time.perf_counter()
            eng = Engine(syn, languages=ALL_CODES)
            build = time.perf_counter() - t0
            e_mem = rss_mb() - before
            lat = time_calls(lambda q, eng=eng: eng.decide(q, country="NL"), qs, 1)
            before = rss_mb()
            t0 = time.perf_counter()
            bl = TfidfBaseline(syn)
            b_build = time.perf_counter() - t0
            b_mem = rss_mb() - before
            b_lat = time_calls(bl.rank, qs, 1)
            row(
                n,
                n * 12 * 4,
                f"{build:.1f} / {b_build:.1f}",
                f"{p50(lat):.2f}",
                f"{p50(b_lat):.2f}",
                ratio(p50(lat), p50(b_lat)),
                f"{pct(lat, 0.99):.2f}",
                f"{pct(b_lat, 0.99):.2f}",
                ratio(pct(lat, 0.99), pct(b_lat, 0.99)),
                f"{e_mem:.0f} / {b_mem:.0f}",
            )
            del eng, bl, syn


if __name__ == "__main__":
    main()
