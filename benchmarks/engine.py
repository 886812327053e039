"""Engine benchmark: index build, per-question latency, memory, growth with KB size.

Prints tables; targets (on the project's 2-core machine): decision p50 <= 2 ms and
p99 <= 10 ms on the shipped KB, build <= 2 s, and p50 <= 30 ms on a generated KB of
20,000 entries x 12 languages. Usage: python benchmarks/engine.py [--sizes 100,1000,...]
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import statistics
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

from bot.engine import Engine
from bot.kbfiles import load_dir
from bot.knowledge import Entry, KnowledgeBase, Translation
from bot.languages import ALL_CODES

ROOT = Path(__file__).resolve().parent.parent


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    s = sorted(samples)
    return (statistics.median(s), s[min(len(s) - 1, int(len(s) * 0.99))], s[-1])


def questions() -> list[str]:
    """Realistic questions: the shared dev set if present, else the KB's own phrasings."""
    dev = ROOT.parent / "shared" / "eval" / "dev_questions.jsonl"
    if dev.exists():
        return [json.loads(line)["text"] for line in dev.read_text().splitlines() if line.strip()]
    kb, _ = load_dir(ROOT / "knowledge")
    return [a for e in kb.entries.values() for t in e.translations.values() for a in t.alternates][
        :300
    ]


def time_decisions(engine: Engine, qs: list[str], rounds: int = 3) -> list[float]:
    for q in qs[:20]:
        engine.decide(q)
    out = []
    for _ in range(rounds):
        for q in qs:
            t0 = time.perf_counter()
            engine.decide(q, country="NL")
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100,1000,5000,20000")
    args = ap.parse_args()
    qs = questions()
    base_rss = rss_mb()
    kb, errors = load_dir(ROOT / "knowledge")
    assert not errors, errors
    t0 = time.perf_counter()
    engine = Engine(kb, languages=ALL_CODES)
    build = time.perf_counter() - t0
    lat = time_decisions(engine, qs)
    p50, p99, worst = percentiles(lat)
    phrasings = sum(
        len(t.phrasings()) for e in kb.entries.values() for t in e.translations.values()
    )
    print("## Shipped knowledge base")
    print(f"entries {len(kb.entries)}, phrasings {phrasings}, questions timed {len(lat)}")
    print("| metric | value | target |\n|---|---|---|")
    print(f"| index build | {build * 1000:.0f} ms | <= 2000 ms |")
    print(f"| decision p50 | {p50:.2f} ms | <= 2 ms |")
    print(f"| decision p99 | {p99:.2f} ms | <= 10 ms |")
    print(f"| decision max | {worst:.2f} ms | |")
    print(
        f"| RSS after build (process) | {rss_mb():.0f} MB (python + libraries before: {base_rss:.0f} MB) | <= 250 MB |"
    )
    print()
    print("## Growth with knowledge-base size (12 languages, 4 phrasings each)")
    print("| entries | phrasings | build s | p50 ms | p99 ms | RSS MB |\n|---|---|---|---|---|---|")
    del engine
    for n in [int(x) for x in args.sizes.split(",") if x]:
        gc.collect()
        syn = synthetic_kb(kb, n)
        t0 = time.perf_counter()
        eng = Engine(syn, languages=ALL_CODES)
        b = time.perf_counter() - t0
        lat = time_decisions(eng, qs[:150], rounds=1)
        p50, p99, _ = percentiles(lat)
        print(
            f"| {n} | {n * 12 * 4} | {b:.1f} | {p50:.2f} | {p99:.2f} | {rss_mb():.0f} |", flush=True
        )
        del eng, syn


if __name__ == "__main__":
    main()
