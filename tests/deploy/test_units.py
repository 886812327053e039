"""The systemd units in deploy/ are valid and call commands that exist."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent
UNITS = sorted(p for p in DEPLOY.iterdir() if p.suffix in (".service", ".timer"))


def test_there_are_units_for_each_way_to_run_it():
    names = {p.name for p in UNITS}
    assert {"brug.service", "brug-web.service", "brug-worker@.service"} <= names
    assert {"brug-release.service", "brug-backup.service", "brug-backup.timer"} <= names


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze missing")
def test_systemd_accepts_the_units(tmp_path):
    for unit in UNITS:
        text = unit.read_text(encoding="utf-8").replace("/srv/brug/venv/bin", str(BIN))
        (tmp_path / unit.name).write_text(text, encoding="utf-8")
    files = [str(tmp_path / u.name).replace("@.service", "@1.service") for u in UNITS]
    for unit in UNITS:  # an instance of a template unit is verified by its instance name
        if unit.name.endswith("@.service"):
            (tmp_path / unit.name).rename(tmp_path / unit.name.replace("@.", "@1."))
    proc = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *files],
        capture_output=True,
        text=True,
        timeout=120,
    )
    # it warns (exit status 0) about a line it does not understand: no output is the pass
    assert proc.returncode == 0 and not (proc.stdout + proc.stderr).strip(), proc.stderr


def test_every_brug_command_in_the_units_exists():
    commands = set()
    for unit in UNITS:
        for line in unit.read_text(encoding="utf-8").splitlines():
            match = re.match(r"ExecStart=\S*/brug ((?:[a-z-]+ ?)+)", line)
            if match:
                commands.add(tuple(w for w in match.group(1).split() if not w.startswith("-")))
    assert ("serve",) in commands and ("worker",) in commands and ("backup",) in commands
    for words in sorted(commands):
        proc = subprocess.run(
            [sys.executable, "-m", "bot.cli", *words, "--help"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=60,
        )
        assert proc.returncode == 0, (words, proc.stderr)


def test_the_deploy_guide_shows_each_unit_in_full():
    guide = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    for unit in [*UNITS, DEPLOY / "brug.env.example"]:
        assert unit.read_text(encoding="utf-8") in guide, unit.name
