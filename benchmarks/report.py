"""What every benchmark prints around its tables: the machine, how busy it was, percentiles.

The project's machine has two cores shared with other jobs, so each table is framed by the
load average before and after it: a figure measured on a busy machine says so.
"""

from __future__ import annotations

import atexit
import os
import platform
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


def machine() -> str:
    """One line: cores, memory, CPU model, Python."""
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem_gb = 0.0
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gb = int(line.split()[1]) / 1024 / 1024
    return (
        f"machine: {os.cpu_count()} CPUs ({model}), {mem_gb:.0f} GB RAM, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


MARKER = "brug-bench-"  # in the paths of the PostgreSQL clusters the benchmarks start
TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _processes() -> dict[int, tuple[int, float, bool]]:
    """pid -> (parent pid, CPU seconds used so far, started by a benchmark's cluster)."""
    out = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
            marked = MARKER in (d / "cmdline").read_text(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
        out[int(d.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK, marked)
    return out


def _descendants(procs: dict[int, tuple[int, float, bool]], roots: set[int]) -> set[int]:
    tree = set(roots)
    changed = True
    while changed:
        changed = False
        for pid, (ppid, _, _) in procs.items():
            if ppid in tree and pid not in tree:
                tree.add(pid)
                changed = True
    return tree


def _ours(procs: dict[int, tuple[int, float, bool]]) -> set[int]:
    """This process, its descendants, and the benchmark clusters' processes."""
    marked = {pid for pid, (_, _, m) in procs.items() if m}
    return _descendants(procs, {os.getpid()} | marked)


@dataclass
class Cpu:
    """CPU seconds used so far, by part: the machine, given process trees, this process with
    its ended children (e.g. wrk), and the benchmark's PostgreSQL cluster."""

    machine: float
    trees: dict[str, float]
    own: float
    database: float

    @classmethod
    def now(cls, trees: dict[str, int]) -> Cpu:
        procs = _processes()
        cluster = _descendants(procs, {pid for pid, (_, _, m) in procs.items() if m})
        me = procs.get(os.getpid(), (0, 0.0, False))[1]
        return cls(
            _machine_busy(),
            {
                name: sum(procs[p][1] for p in _descendants(procs, {root}) if p in procs)
                for name, root in trees.items()
            },
            me + _own_children(),
            sum(procs[p][1] for p in cluster if p in procs),
        )

    def since(self, before: Cpu) -> dict[str, float]:
        """Seconds of CPU per part between two readings; "others" is everything else."""
        parts = {name: cpu - before.trees.get(name, 0.0) for name, cpu in self.trees.items()}
        parts["database server"] = self.database - before.database
        parts["load generator, fake API"] = self.own - before.own
        parts["other processes"] = max(0.0, self.machine - before.machine - sum(parts.values()))
        return parts


def _machine_busy() -> float:
    """CPU seconds all processes have used since boot (all CPUs together)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return (user + nice + system + irq + softirq + steal) / TICK


def _own_children() -> float:
    """CPU seconds of this process's children that have ended (and theirs)."""
    stat = Path(f"/proc/{os.getpid()}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[13]) + int(fields[14])) / TICK


def _ours_cpu() -> float:
    procs = _processes()
    return sum(procs[pid][1] for pid in _ours(procs) if pid in procs) + _own_children()


class Busy:
    """How busy the machine was during a run: the load average before and after, and the CPU
    that processes other than the benchmark's own used meanwhile (the machine's CPU time less
    that of this process, its descendants and its PostgreSQL cluster)."""

    def __init__(self) -> None:
        self.load = os.getloadavg()
        self.total, self.ours = _machine_busy(), _ours_cpu()
        self.started = time.perf_counter()

    def verdict(self) -> str:
        load = os.getloadavg()
        seconds = time.perf_counter() - self.started
        others = (_machine_busy() - self.total) - (_ours_cpu() - self.ours)
        share = max(0.0, others / seconds) if seconds else 0.0
        cores = os.cpu_count() or 1
        word = "quiet" if share < 0.15 else "BUSY: other jobs shared the CPUs"
        return (
            f"{seconds:.0f} s; load average before {self.load[0]:.2f} {self.load[1]:.2f} "
            f"{self.load[2]:.2f}, after {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; other processes "
            f"used {share:.2f} of {cores} CPUs meanwhile: {word}"
        )


@contextmanager
def framed(title: str, out: Callable[[str], None] = print) -> Iterator[None]:
    """Prints a heading; after the table, how busy the machine was while it was measured."""
    watch = Busy()
    out(f"\n## {title}\n")
    yield
    out(f"\n_{watch.verdict()}_")


def pct(values: list[float], q: float) -> float:
    """The q-quantile (nearest rank), NaN for no values."""
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(len(s) * q))]


def p50(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b else "–"


def table(headers: list[str]) -> None:
    print("| " + " | ".join(headers) + " |")
    print("|" + "---|" * len(headers))


def row(*cells: object) -> None:
    print("| " + " | ".join(str(c) for c in cells) + " |", flush=True)


def memory_mb(pid: int) -> tuple[float, float, float]:
    """(RSS, peak RSS, PSS) of a process in MB. PSS shares each shared page among the processes
    that map it, so the PSS of several processes adds up to what they really use together."""
    rss = peak = pss = 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1]) / 1024
        elif line.startswith("VmHWM:"):
            peak = int(line.split()[1]) / 1024
    rollup = Path(f"/proc/{pid}/smaps_rollup")
    try:
        for line in rollup.read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1]) / 1024
    except OSError:
        pss = float("nan")
    return rss, peak, pss


def children(pid: int) -> list[int]:
    """Direct child processes (uvicorn's worker processes under its supervisor)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    try:
        return [int(x) for x in path.read_text().split()]
    except OSError:
        return []


_SCRATCH: list[Path] = []


def _clean() -> None:
    for path in _SCRATCH:
        shutil.rmtree(path, ignore_errors=True)


def scratch() -> Path:
    """A temporary folder (databases, logs), removed when the benchmark exits."""
    if not _SCRATCH:
        atexit.register(_clean)
    path = Path(tempfile.mkdtemp(prefix="brug-bench-"))
    _SCRATCH.append(path)
    return path
