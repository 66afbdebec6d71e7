"""Issue 20's goals, judged from measured figures: the pure half of benchmarks/goals.py (no lab, no processes).

``derive(parts)`` turns each part's figures (the dicts benchmarks/goals.py measures) into rows of
"goal | xcert | peer | ratio | goal met?"; ``table(rows)`` renders them as one Markdown table;
``validate(doc)`` checks the ``--json`` document against its schema (``SCHEMA``). Ratios are taken on
wall seconds of whole processes; CPU seconds are shown beside them. A goal whose figure is missing or whose
part failed is never "met": it says what is missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

#: thresholds stated by issue 20 (the only source of a number here)
FACTS_SPEEDUP = 5.0  # item 1: >= 5x faster than `ansible -m setup`, 1 host and 8
MARGINAL_SHARE = 1 / 3  # item 1: per-host marginal cost under a third of Ansible's
PROVISION_RATIO = 1.3  # item 2: certify with provisioning <= 1.3x without, 8 hosts
PDF_RATIO = 1.5  # item 4: 5,000-check PDF <= 1.5x a bare WeasyPrint table
HTML_SECONDS = 1.0  # item 4: HTML stays under 1 s
CI_SECONDS = 600.0  # item 5 and "Done when": test.sh under 10 minutes, twice in a row
SHARED_LOAD = 2.5  # above this 1-minute load average the output says the machine was shared


@dataclass(frozen=True)
class Goal:
    part: str
    goal: str
    xcert: str
    peer: str
    ratio: float | None
    target: str
    met: bool | None  # None: not measured, or (recorded) issue 20 sets no number for it
    recorded: bool = False

    def verdict(self) -> str:
        if self.met is None:
            return "recorded" if self.recorded else ("not measured" if self.ratio is None else "not decided")
        return "yes" if self.met else "**no**"


def _t(fig: Mapping[str, Any] | None) -> str:
    """``1.23 s (0.45 s CPU)`` for a figure with wall and cpu, ``—`` when there is none."""
    if not fig or fig.get("wall") is None:
        return "—"
    cpu = fig.get("cpu")
    return f"{fig['wall']:.2f} s" + (f" ({cpu:.2f} s CPU)" if cpu is not None else "")


def _div(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _wall(fig: Mapping[str, Any] | None) -> float | None:
    return None if not fig else fig.get("wall")


def _hosts(n: int) -> str:
    return f"{n} host{'s' if n > 1 else ''}"


def _speedup(kind: str, n: int, x: Mapping[str, Any], a: Mapping[str, Any]) -> Goal:
    xf, af = x.get(str(n)), a.get(str(n))
    r = _div(_wall(af), _wall(xf))
    return Goal("facts", f"identify {_hosts(n)} ({kind}) vs `ansible -m setup`", _t(xf), _t(af), r,
                f"≥ {FACTS_SPEEDUP:g}× faster", None if r is None else r >= FACTS_SPEEDUP)  # fmt: skip


def _marginal(walls: Mapping[str, Any], big: int) -> float | None:
    w1, wb = _wall(walls.get("1")), _wall(walls.get(str(big)))
    return None if w1 is None or wb is None else (wb - w1) / (big - 1)


def _marginal_goal(kind: str, big: int, x: Mapping[str, Any], a: Mapping[str, Any]) -> Goal:
    xm, am = _marginal(x, big), _marginal(a, big)
    # a negative difference is the machine's noise, not a cost: shown, never judged
    noise = (xm is not None and xm < 0) or (am is not None and am <= 0)
    r = None if am is None or am <= 0 else _div(xm, am)
    return Goal("facts", f"marginal cost per host, 1→{big} ({kind})", "—" if xm is None else f"{xm:.3f} s",
                "—" if am is None else f"{am:.3f} s", r,
                "< ⅓ of Ansible's" + ("; a negative difference is noise, not judged" if noise else ""),
                None if r is None or noise else r < MARGINAL_SHARE)  # fmt: skip


def facts_goals(f: Mapping[str, Any]) -> list[Goal]:
    runs, big = f["runs"], int(f["hosts"])
    a = runs.get("ansible", {})
    out: list[Goal] = []
    # warm: caches valid; cold: an input of the resolution changed; first: no cache at all (benchmarks/facts.py)
    for kind in [k for k in ("warm", "cold", "first") if f"xcert_{k}" in runs or k != "first"]:
        x = runs.get(f"xcert_{kind}", {})
        out += [_speedup(kind, 1, x, a), _speedup(kind, big, x, a), _marginal_goal(kind, big, x, a)]
    floor = runs.get("ansible_floor", {})
    for n in (1, big) if floor else ():  # what any tool pays that lets ansible-core resolve the inventory
        ff, af = floor.get(str(n)), a.get(str(n))
        goal = f"ansible-core import + InventoryManager alone, {_hosts(n)} (the floor under cold)"
        out.append(Goal("facts", goal, _t(ff), _t(af), _div(_wall(af), _wall(ff)), "no number in issue 20", None,
                        recorded=True))  # fmt: skip
    return out


def provision_goals(p: Mapping[str, Any]) -> list[Goal]:
    n, base = int(p["hosts"]), p.get("no_provision")
    out: list[Goal] = []
    for key, label in (("ready", "hosts ready"), ("needs", "every host needs the playbook")):
        fig = p.get(key)
        r = _div(_wall(fig), _wall(base))
        paired = (p.get("pair_ratio") or {}).get(key)  # each run over the --no-provision run of its round
        extra = f"; run by run {paired:.2f}×" if paired else ""
        out.append(
            Goal(
                "provision",
                f"certify {n} hosts with provisioning ({label}) vs `--no-provision`{extra}",
                _t(fig),
                _t(base),
                r,
                f"≤ {PROVISION_RATIO:g}×",
                None if r is None else r <= PROVISION_RATIO,
            )
        )
    return out


def _best(rows: list[Mapping[str, Any]], tool: str) -> dict[int, Mapping[str, Any]]:
    best: dict[int, Mapping[str, Any]] = {}
    for row in rows:
        n = int(row["hosts"])
        if row["tool"] == tool and (n not in best or row["wall"] < best[n]["wall"]):
            best[n] = row
    return best


def fleet_goals(fl: Mapping[str, Any]) -> list[Goal]:
    rows = list(fl.get("rows", []))
    xcert = _best(rows, "xcert certify")
    out: list[Goal] = []
    for peer in ("ansible-playbook (15 tasks)", "pytest-testinfra (15 tests)"):
        other = _best(rows, peer)
        for n in sorted(set(xcert) & set(other)):
            x, o = xcert[n], other[n]
            out.append(
                Goal(
                    "fleet",
                    f"certify {n} host{'s' if n > 1 else ''} (best forks: {x['forks']}) vs {peer} (forks {o['forks']})",
                    _t(x) + f", {x['peak_mib']:.0f} MiB",
                    _t(o) + f", {o['peak_mib']:.0f} MiB",
                    _div(o["wall"], x["wall"]),
                    "no number in issue 20",
                    None,
                    recorded=True,
                )
            )
    for s in fl.get("stopped", []):
        if s.get("label") == "all hosts up":
            continue
        whole = next((w for w in fl["stopped"] if w.get("label") == "all hosts up"), None)
        reachable = int(s["hosts"]) - int(s["stopped"])
        ok = s["done"] == reachable and whole is not None and s["last_done"] <= whole["last_done"]
        out.append(
            Goal(
                "fleet",
                f"{s['hosts']} hosts, {s['label']}: the {reachable} others all done by",
                f"{s['last_done']:.1f} s ({s['done']} done)",
                "—" if whole is None else f"{whole['last_done']:.1f} s (all up)",
                None if whole is None else _div(s["last_done"], whole["last_done"]),
                "all others done, no later than with every host up",
                ok,
            )
        )
    return out


def reports_goals(r: Mapping[str, Any]) -> list[Goal]:
    out: list[Goal] = []
    for lang, sides in r.get("pdf", {}).items():
        x = sides.get("xcert")
        for key, label in (("bare", "bare WeasyPrint table"), ("bare_fixed", "bare table, fixed layout")):
            peer = sides.get(key)
            ratio = _div(_wall(x), _wall(peer))
            cpu = _div((x or {}).get("cpu"), (peer or {}).get("cpu"))
            goal = f"{r['checks']}-check PDF ({lang}) vs {label}" + (f"; CPU {cpu:.2f}×" if cpu else "")
            out.append(
                Goal(
                    "reports",
                    goal,
                    _t(x),
                    _t(peer),
                    ratio,
                    f"≤ {PDF_RATIO:g}×",
                    None if ratio is None else ratio <= PDF_RATIO,
                )
            )
    html = r.get("html")
    if html is not None:
        out.append(
            Goal(
                "reports",
                f"HTML report, {r['checks']} checks, whole process",
                _t(html),
                "—",
                None,
                f"< {HTML_SECONDS:g} s",
                html["wall"] < HTML_SECONDS,
            )
        )
    multi = r.get("multi")
    if multi is not None:
        langs = multi["langs"].split(",")
        parts = [r.get("pdf", {}).get(code, {}).get("xcert") for code in langs]
        alone = (
            None
            if any(p is None for p in parts)
            else {"wall": sum(p["wall"] for p in parts if p), "cpu": sum(p["cpu"] for p in parts if p)}
        )
        ratio = _div(_wall(multi), _wall(alone))
        out.append(
            Goal(
                "reports",
                f"PDFs in {', '.join(langs)} in one process (fonts shared) vs one process each",
                _t(multi),
                _t(alone),
                ratio,
                "< 1×",
                None if ratio is None else ratio < 1.0,
            )
        )
    return out


def ci_goals(c: Mapping[str, Any]) -> list[Goal]:
    out: list[Goal] = []
    for i, run in enumerate(c.get("runs", []), 1):
        ok = run["rc"] == 0 and run["wall"] < CI_SECONDS
        out.append(
            Goal(
                "ci",
                f"`bash scripts/test.sh` in a fresh clone, run {i} (exit {run['rc']}; arm64 root "
                f"{run.get('arm_root', 'cached')})",
                f"{run['wall'] / 60:.1f} min",
                f"{CI_SECONDS / 60:g} min",
                run["wall"] / CI_SECONDS,
                "green, under 10 min",
                ok,
            )
        )
    return out


DERIVE = {
    "facts": facts_goals,
    "provision": provision_goals,
    "fleet": fleet_goals,
    "reports": reports_goals,
    "ci": ci_goals,
}


def derive(parts: Mapping[str, Mapping[str, Any]]) -> list[Goal]:
    """Every goal of the parts measured; a part that failed is one row saying so, never "met"."""
    out: list[Goal] = []
    for name, part in parts.items():
        if part.get("error"):
            out.append(Goal(name, f"{name}: not measured", "—", "—", None, "—", False))
            continue
        try:
            out += DERIVE[name](part["figures"])
        except (
            AttributeError,
            KeyError,
            TypeError,
            ValueError,
        ) as exc:  # figures of an unexpected shape: say so, judge nothing
            out.append(
                Goal(name, f"{name}: figures unreadable ({type(exc).__name__}: {exc})", "—", "—", None, "—", False)
            )
    return out


def table(goals: list[Goal]) -> list[str]:
    lines = ["| goal | xcert | peer | ratio | goal met? |", "|---|---|---|---|---|"]
    for g in goals:
        ratio = "—" if g.ratio is None else f"{g.ratio:.2f}×"
        lines.append(f"| {g.goal} | {g.xcert} | {g.peer} | {ratio} | {g.verdict()} ({g.target}) |")
    return lines


def as_dicts(goals: list[Goal]) -> list[dict[str, Any]]:
    return [dict(asdict(g), verdict=g.verdict()) for g in goals]


_NUM = {"type": ["number", "null"]}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["schema", "date", "command", "machine", "quick", "parts", "goals"],
    "properties": {
        "schema": {"const": "xcert-goals/1"},
        "date": {"type": "string"},
        "command": {"type": "string"},
        "quick": {"type": "boolean"},
        "machine": {"type": "object", "required": ["cpu", "cores", "system"]},
        "parts": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "required": ["load_before", "load_after", "wall_s", "cpu_s", "error"],
                "properties": {
                    "load_before": _NUM,
                    "load_after": _NUM,
                    "wall_s": _NUM,
                    "cpu_s": _NUM,
                    "error": {"type": ["string", "null"]},
                    "figures": {"type": ["object", "null"]},
                },
            },
        },
        "goals": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["part", "goal", "xcert", "peer", "ratio", "target", "met", "verdict"],
                "properties": {"ratio": _NUM, "met": {"type": ["boolean", "null"]}, "part": {"enum": list(DERIVE)}},
            },
        },
    },
}


class SchemaError(ValueError):
    """The document does not follow ``SCHEMA`` (the message names the key)."""


def validate(doc: Mapping[str, Any]) -> None:
    """Raises SchemaError when ``doc`` does not follow ``SCHEMA``."""
    import jsonschema

    try:
        jsonschema.validate(dict(doc), SCHEMA)
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "(top)"
        raise SchemaError(f"key {where}: {exc.message}") from exc
