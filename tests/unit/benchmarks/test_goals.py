"""benchmarks/goals.py's own logic on given figures (no lab): each goal's ratio and verdict, the table, the JSON
document against its schema, and the command line (``--help`` and the root check without root)."""

from __future__ import annotations

import copy
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[3] / "benchmarks"


def _load(name: str) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


goals = _load("goals")  # puts benchmarks/ on sys.path, so goals_table is the one it uses
table = _load("goals_table")


def _fig(wall: float, cpu: float) -> dict[str, float]:
    return {"wall": wall, "cpu": cpu}


def _part(figures: dict[str, Any] | None, load: float = 1.0, error: str | None = None) -> dict[str, Any]:
    return {"load_before": load, "load_after": load, "wall_s": 10.0, "cpu_s": 5.0, "error": error,
            "figures": figures}  # fmt: skip


FIGURES: dict[str, dict[str, Any]] = {
    "facts": {"hosts": 8, "repeat": 7, "runs": {
        "xcert_warm": {"1": _fig(0.37, 0.12), "8": _fig(0.62, 0.21)},
        "xcert_cold": {"1": _fig(0.89, 0.42), "8": _fig(1.00, 0.53)},
        "ansible": {"1": _fig(1.88, 0.65), "8": _fig(3.32, 1.25)}}},
    "provision": {"hosts": 8, "repeat": 3, "ready": _fig(15.14, 19.45), "needs": _fig(25.5, 23.0),
                  "no_provision": _fig(14.90, 18.93)},
    "fleet": {"rows": [
        {"tool": "xcert certify", "hosts": 64, "forks": 16, "wall": 150.0, "cpu": 170.0, "peak_mib": 2000.0},
        {"tool": "xcert certify", "hosts": 64, "forks": 32, "wall": 147.0, "cpu": 166.0, "peak_mib": 2300.0},
        {"tool": "ansible-playbook (15 tasks)", "hosts": 64, "forks": 32, "wall": 181.0, "cpu": 70.0, "peak_mib": 900.0},
        {"tool": "pytest-testinfra (15 tests)", "hosts": 64, "forks": 32, "wall": 207.0, "cpu": 90.0, "peak_mib": 3000.0}],
        "stopped": [
            {"label": "all hosts up", "hosts": 64, "stopped": 0, "done": 64, "last_done": 122.3},
            {"label": "8 stopped (4 hung, 4 killed)", "hosts": 64, "stopped": 8, "done": 56, "last_done": 98.9}]},
    "reports": {"checks": 5000, "pdf": {"en": {"xcert": _fig(48.5, 47.0), "bare": _fig(33.7, 33.0),
                                               "bare_fixed": _fig(28.3, 28.0)}},
                "html": _fig(0.7, 0.6), "multi": {"langs": "en", "wall": 40.0, "cpu": 39.0}},
    "ci": {"runs": [{"wall": 530.0, "rc": 0}, {"wall": 541.0, "rc": 0}]},
}  # fmt: skip


def _by_goal(parts: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {g.goal: g for g in table.derive(parts)}


def test_each_goal_is_judged_against_issue_20s_number() -> None:
    got = _by_goal({name: _part(f) for name, f in FIGURES.items()})
    one = got["identify 1 host (warm) vs `ansible -m setup`"]
    assert one.ratio == pytest.approx(1.88 / 0.37) and one.met is True and one.verdict() == "yes"
    assert one.xcert == "0.37 s (0.12 s CPU)" and one.peer.startswith("1.88 s")
    cold = got["identify 1 host (cold) vs `ansible -m setup`"]
    assert cold.ratio == pytest.approx(1.88 / 0.89) and cold.met is False and cold.verdict() == "**no**"
    marginal = got["marginal cost per host, 1→8 (warm)"]
    assert marginal.ratio == pytest.approx(((0.62 - 0.37) / 7) / ((3.32 - 1.88) / 7)) and marginal.met is True
    assert got["certify 8 hosts with provisioning (hosts ready) vs `--no-provision`"].met is True
    needs = got["certify 8 hosts with provisioning (every host needs the playbook) vs `--no-provision`"]
    assert needs.ratio == pytest.approx(25.5 / 14.90) and needs.met is False
    fleet = got["certify 64 hosts (best forks: 32) vs ansible-playbook (15 tasks) (forks 32)"]
    assert fleet.ratio == pytest.approx(181.0 / 147.0) and fleet.met is None and fleet.verdict() == "recorded"
    stopped = got["64 hosts, 8 stopped (4 hung, 4 killed): the 56 others all done by"]
    assert stopped.met is True and stopped.ratio == pytest.approx(98.9 / 122.3)
    pdf = got["5000-check PDF (en) vs bare table, fixed layout; CPU 1.68×"]
    assert pdf.ratio == pytest.approx(48.5 / 28.3) and pdf.met is False
    assert got["5000-check PDF (en) vs bare WeasyPrint table; CPU 1.42×"].met is True  # 1.44× ≤ 1.5×
    assert got["HTML report, 5000 checks, whole process"].met is True
    multi = got["PDFs in en in one process (fonts shared) vs one process each"]
    assert multi.ratio == pytest.approx(40.0 / 48.5) and multi.met is True
    assert [g.met for g in table.derive({"ci": _part(FIGURES["ci"])})] == [True, True]


def test_boundaries_and_failures_are_not_met() -> None:
    f = copy.deepcopy(FIGURES)
    f["provision"]["ready"] = _fig(14.90 * 1.3, 1.0)  # exactly the limit: met (≤)
    f["facts"]["runs"]["xcert_warm"]["1"] = _fig(1.88 / 5, 0.1)  # exactly 5×: met (≥)
    f["ci"]["runs"] = [{"wall": 599.0, "rc": 1}, {"wall": 601.0, "rc": 0}]  # red, then too slow
    f["fleet"]["stopped"][1]["done"] = 55  # one reachable host did not finish
    got = _by_goal({name: _part(x) for name, x in f.items()})
    assert got["certify 8 hosts with provisioning (hosts ready) vs `--no-provision`"].met is True
    assert got["identify 1 host (warm) vs `ansible -m setup`"].met is True
    assert [g.met for g in table.derive({"ci": _part(f["ci"])})] == [False, False]
    assert got["64 hosts, 8 stopped (4 hung, 4 killed): the 56 others all done by"].met is False
    f["fleet"]["stopped"][1].update(done=56, last_done=130.0)  # the others waited for the stopped ones
    assert not any(g.met for g in table.derive({"fleet": _part(f["fleet"])}) if "stopped" in g.goal)


def test_a_missing_figure_a_failed_part_and_odd_figures_are_never_met() -> None:
    f = copy.deepcopy(FIGURES["facts"])
    del f["runs"]["ansible"]["8"]
    rows = {g.goal: g for g in table.derive({"facts": _part(f)})}
    eight = rows["identify 8 hosts (warm) vs `ansible -m setup`"]
    assert eight.ratio is None and eight.met is None and eight.verdict() == "not measured" and eight.peer == "—"
    assert rows["marginal cost per host, 1→8 (warm)"].met is None
    [failed] = table.derive({"fleet": _part(None, error="PartError: xcert lab up --hosts 64: exit 1")})
    assert failed.met is False and failed.verdict() == "**no**" and "not measured" in failed.goal
    [odd] = table.derive({"provision": _part({"hosts": 8, "ready": "fast"})})
    assert odd.met is False and "unreadable" in odd.goal


def test_the_table_and_the_json_document() -> None:
    args = goals._args(["--quick", "--goals", "facts,reports"])
    parts = {"facts": _part(FIGURES["facts"], load=3.1), "reports": _part(FIGURES["reports"])}
    doc = json.loads(json.dumps(goals.document(args, parts, ["--quick", "--goals", "facts,reports"])))
    table.validate(doc)
    assert doc["quick"] is True and doc["command"].endswith("benchmarks/goals.py --quick --goals facts,reports")
    assert {g["part"] for g in doc["goals"]} == {"facts", "reports"}
    text = goals.markdown(doc)
    assert "| goal | xcert | peer | ratio | goal met? |" in text and "**The machine was shared**" in text
    assert (
        "| identify 1 host (warm) vs `ansible -m setup` | 0.37 s (0.12 s CPU) | 1.88 s (0.65 s CPU) | 5.08× |" in text
    )
    quiet = {"reports": _part(FIGURES["reports"], load=2.5)}
    assert "**The machine was shared**" not in goals.markdown(goals.document(args, quiet, []))
    for broken in ({k: v for k, v in doc.items() if k != "goals"}, {**doc, "goals": [{**doc["goals"][0], "ratio": "5×"}]},
                   {**doc, "parts": {"facts": {"figures": {}}}}):  # fmt: skip
        with pytest.raises(table.SchemaError):
            table.validate(broken)


def test_the_command_line_without_root(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    done = subprocess.run([sys.executable, str(BENCH / "goals.py"), "--help"], capture_output=True, text=True,
                          timeout=60, check=False)  # fmt: skip
    assert done.returncode == 0 and "goal | xcert | peer | ratio | goal met?" in done.stdout
    monkeypatch.setattr(goals.os, "geteuid", lambda: 1000)
    assert goals.main(["--quick", "--goals", "facts"]) == 3
    assert "need root" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        goals._args(["--quick", "--hosts", "1,16"])  # --quick stays at 8 hosts
    assert exc.value.code == 2
    with pytest.raises(SystemExit):
        goals._args(["--goals", "facts,speed"])
    args = goals._args(["--hosts", "1,8,32,64"])  # the full run: the same code, bigger numbers
    assert (args.stop, args.repeat, args.checks, args.forks) == (8, 5, 5000, "8,16,32")


def test_the_figures_of_benchmarks_facts_measure() -> None:
    """benchmarks/facts.py's measure() (branch cold) adds a first run and ansible-core's floor: both in the table."""
    f = copy.deepcopy(FIGURES["facts"])
    f["runs"]["xcert_first"] = {"1": _fig(1.2, 0.9), "8": _fig(1.5, 1.0)}
    f["runs"]["ansible_floor"] = {"1": _fig(0.6, 0.55), "8": _fig(0.62, 0.57)}
    f.update(ratios={}, load={"min": 1.0, "max": 2.0, "median": 1.5}, machine="2 cores", date="2026-12-01 18:00 UTC")
    got = _by_goal({"facts": _part(f)})
    first = got["identify 1 host (first) vs `ansible -m setup`"]
    assert first.ratio == pytest.approx(1.88 / 1.2) and first.met is False
    floor = got["ansible-core import + InventoryManager alone, 8 hosts (the floor under cold)"]
    assert floor.ratio == pytest.approx(3.32 / 0.62) and floor.met is None and floor.verdict() == "recorded"
    assert len(got) == 3 * 3 + 2


def test_a_negative_marginal_cost_is_noise_not_a_goal_met() -> None:
    f = copy.deepcopy(FIGURES["facts"])
    f["runs"]["xcert_cold"] = {"1": _fig(5.59, 0.67), "8": _fig(4.76, 0.76)}  # 8 hosts faster than 1: the load moved
    cold = _by_goal({"facts": _part(f)})["marginal cost per host, 1→8 (cold)"]
    assert cold.met is None and cold.verdict() == "not decided" and "noise" in cold.target


def test_render_judges_an_earlier_json_again(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = goals._args(["--quick"])
    doc = goals.document(args, {"provision": _part(FIGURES["provision"])}, ["--quick"])
    doc["goals"] = []  # judged again from the figures, not copied
    (tmp_path / "run.json").write_text(json.dumps(doc), encoding="utf-8")
    assert goals.main(["--render", str(tmp_path / "run.json")]) == 0
    assert "| certify 8 hosts with provisioning (hosts ready) vs `--no-provision` |" in capsys.readouterr().out
    (tmp_path / "bad.json").write_text(json.dumps({**doc, "quick": "yes"}), encoding="utf-8")
    assert goals.main(["--render", str(tmp_path / "bad.json")]) == 3
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "bad.json" in err and "key quick" in err


def test_ci_runs_test_sh_in_fresh_clones(tmp_path: Path) -> None:
    """The --ci part on a small repository of its own: a real git clone per run, its scripts/test.sh timed."""
    lab = _load("goals_lab")
    repo = tmp_path / "repo"
    (repo / "scripts").mkdir(parents=True)
    # each run sees a clean clone: a file left by an earlier run would fail it
    (repo / "scripts" / "test.sh").write_text("[ ! -e left ] && touch left && echo green\n", encoding="utf-8")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True, timeout=60)
    subprocess.run([*git, "add", "."], check=True, timeout=60)
    subprocess.run([*git, "commit", "-qm", "t"], check=True, timeout=60)
    got = lab.measure_ci(tmp_path / "work", runs=2, repo=repo)
    assert [r["rc"] for r in got["runs"]] == [0, 0] and all("green" in r["tail"] for r in got["runs"])
    assert all(r["wall"] > 0 and len(r["commit"]) >= 7 for r in got["runs"])
    assert not list((tmp_path / "work").glob("clone*"))  # each clone removed after its run
    (repo / "scripts" / "test.sh").write_text("exit 1\n", encoding="utf-8")
    subprocess.run([*git, "commit", "-qam", "red"], check=True, timeout=60)
    [red] = lab.measure_ci(tmp_path / "work2", runs=1, repo=repo)["runs"]
    assert red["rc"] == 1 and not table.ci_goals({"runs": [red]})[0].met
    # as a fresh CI machine: a lab cache of the run's own, empty, so the arm64 root is built in the run
    probe = '[ ! -e "$XCERT_LAB_CACHE" ] && echo "cache=$XCERT_LAB_CACHE"\n'
    (repo / "scripts" / "test.sh").write_text(probe, encoding="utf-8")
    subprocess.run([*git, "commit", "-qam", "cold"], check=True, timeout=60)
    [cold] = lab.measure_ci(tmp_path / "work3", runs=1, repo=repo, build_arm_root=True)["runs"]
    assert cold["rc"] == 0 and cold["arm_root"] == "built" and "cache=" in cold["tail"], cold
    assert "arm64 root built" in table.ci_goals({"runs": [cold]})[0].goal


@pytest.mark.parametrize("bad", [["--hosts", "abc"], ["--hosts", "0,8"], ["--repeat", "0"], ["--stop", "-1"],
                                 ["--forks", "8,"], ["--hosts", "1,8", "--stop", "8"]])  # fmt: skip
def test_bad_options_are_one_line_not_a_traceback(bad: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        goals._args(bad)
    err = capsys.readouterr().err
    assert (
        exc.value.code == 2
        and "Traceback" not in err
        and err.strip().splitlines()[-1].startswith("benchmarks/goals.py: error:")
    )


def test_provisioning_shows_the_run_by_run_ratio_when_measured() -> None:
    f = {**FIGURES["provision"], "pair_ratio": {"ready": 1.02, "needs": None}}
    ready, needs = table.derive({"provision": _part(f)})
    assert ready.goal.endswith("vs `--no-provision`; run by run 1.02×") and ready.ratio == pytest.approx(15.14 / 14.90)
    assert needs.goal.endswith("vs `--no-provision`")  # judged on the medians either way
