"""A throw-away PostgreSQL cluster on a unix socket, for tests and benchmarks.

``initdb`` refuses to run as root, so as root the cluster runs as the ``postgres`` system
user (Debian's package creates it). No TCP port: parallel runs never collide.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path


class ClusterError(RuntimeError):
    pass


def find_bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class Cluster:
    """A running throw-away cluster: ``url`` of its ``postgres`` database; ``stop``/``start``
    (or ``restart``) it, as an operator or a crash would."""

    def __init__(self, base: Path, pg_ctl: list[str], options: str) -> None:
        self.base, self._pg_ctl, self._options = base, pg_ctl, options
        self.url = f"postgresql+psycopg://brug@/postgres?host={base}"

    def start(self) -> None:
        subprocess.run(
            [*self._pg_ctl, "-w", "-l", str(self.base / "log"), "-o", self._options, "start"],
            check=True,
            capture_output=True,
        )

    def stop(self, mode: str = "fast") -> None:
        subprocess.run([*self._pg_ctl, "-w", "-m", mode, "stop"], check=True, capture_output=True)

    def restart(self, mode: str = "fast") -> None:
        self.stop(mode)
        self.start()


@contextmanager
def running_cluster(prefix: str = "brug-pg-", max_connections: int = 200) -> Iterator[Cluster]:
    """Start a cluster in a temporary folder; removed afterwards."""
    bindir = find_bindir()
    if bindir is None:
        raise ClusterError("PostgreSQL server binaries not found (apt-get install postgresql)")
    base = Path(tempfile.mkdtemp(prefix=prefix))
    run_as: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(base, user="postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    data = base / "data"
    options = f"-k {base} -c listen_addresses='' -c fsync=off -c max_connections={max_connections}"
    cluster = Cluster(base, [*run_as, str(bindir / "pg_ctl"), "-D", str(data)], options)
    try:
        subprocess.run(
            [
                *run_as,
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-A",
                "trust",
                "-U",
                "brug",
                "-E",
                "UTF8",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
        )
        cluster.start()
    except subprocess.CalledProcessError as exc:
        shutil.rmtree(base, ignore_errors=True)
        raise ClusterError(
            f"could not start PostgreSQL: {exc.stderr.decode(errors='replace')[-500:]}"
        ) from None
    try:
        yield cluster
    finally:
        with suppress(subprocess.CalledProcessError):  # stopped already
            cluster.stop("immediate")
        shutil.rmtree(base, ignore_errors=True)


@contextmanager
def temporary_cluster(prefix: str = "brug-pg-", max_connections: int = 200) -> Iterator[str]:
    """Start a cluster in a temporary folder; yields the URL of its ``postgres`` database."""
    with running_cluster(prefix, max_connections) as cluster:
        yield cluster.url
