"""The wheel is the product: built, installed into a fresh environment and run from outside the checkout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.integration


def _build_wheel(out: Path) -> Path:
    # pip builds in an isolated environment with the backend pyproject.toml names (from the package index)
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    (wheel,) = out.glob("xcert-*.whl")
    return wheel


def _tracked(*folders: str) -> set[str]:
    proc = subprocess.run(
        ["git", "ls-files", *folders], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    if proc.returncode != 0:
        pytest.skip("not a git checkout")
    return {line for line in proc.stdout.splitlines() if not line.endswith(".md") and "__pycache__" not in line}


def test_the_wheel_carries_every_suite_and_inventory_and_certifies_from_any_directory(tmp_path: Path) -> None:
    wheel = _build_wheel(tmp_path / "dist")
    names = zipfile.ZipFile(wheel).namelist()
    data = {n.split("/data/share/xcert/", 1)[1] for n in names if "/data/share/xcert/" in n}
    missing = _tracked("suites", "inventories") - data
    assert not missing, f"add these to [tool.setuptools.data-files] in pyproject.toml: {sorted(missing)}"

    # A fresh environment that sees the dependencies already installed here, and the wheel, not the checkout.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    py = venv / "bin" / "python"
    site = subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout.strip()  # fmt: skip
    (Path(site) / "deps.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "-q", str(wheel)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "XCERT_SUITES")}
    where = subprocess.run(
        [str(py), "-c", "import harness, harness.paths as p; print(harness.__file__); print(p.suites_dir())"],
        capture_output=True, text=True, cwd=elsewhere, env=env, timeout=60, check=True,
    ).stdout.splitlines()  # fmt: skip
    assert str(venv) in where[0] and str(venv) in where[1], where

    out = elsewhere / "run"
    run = subprocess.run(
        [str(venv / "bin" / "xcert"), "certify", "--no-provision", "--format", "json", "--out", str(out)],
        capture_output=True, text=True, cwd=elsewhere, env=env, timeout=600, check=False,
    )  # fmt: skip
    assert run.returncode in (0, 1, 2), run.stderr
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    (host,) = results["hosts"]
    assert host["name"] == "localhost" and host["reachable"]
    assert len(host["checks"]) >= 12
    assert not [c for c in host["checks"] if c["outcome"] == "error" and "suite" in c.get("message", "")]
