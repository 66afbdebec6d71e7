"""Benchmark: xcert's PDF report of N checks (default 5,000) in English and Chinese beside a bare WeasyPrint
table of the same rows, the HTML report's time, and several languages rendered in one process.

The run is real: one `xcert certify` of this machine, whose checks, messages and evidence files are then
repeated over hosts until there are N checks (each repeat with its own evidence file, so the appendix lists
them too). Every figure is a whole process (`python benchmarks/render_reports.py --child ...`: imports,
font loading and the rendering), run one after another and interleaved (xcert, peers, xcert, ...), so that
a shared machine's load falls on every side alike; medians of ``--repeats``. CPU seconds (user + system of
the child) are given beside wall seconds: on a machine shared with others they move less.

The peers, each one plain table of the same N rows (check id, title, severity, outcome, result,
measurements: the same texts in the same language), on A4 with the report's margins, in the same fonts
(html.font_stack of the language) at the same size, with the same hinting:
- "bare table": WeasyPrint's defaults (automatic table layout);
- "bare table, fixed layout": `table-layout: fixed` with the report's column widths.
The ratio is taken against the faster of the two.

    .venv/bin/python benchmarks/render_reports.py [--checks 5000] [--repeats 3] [--langs en,zh]
        [--multi-langs en,zh,ru,ar] [--before GIT_REF] [--out benchmarks/render_results.md]

``--before REF`` also times xcert's renderer as it was at REF (its harness/ exported with git archive).
Figures are written with the machine they were measured on; never asserted in tests.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
#: the report's results-table column widths (report.html.j2), for the fixed-layout peer
COLUMNS = (14, 22, 13, 13, 24, 14)


def real_run(tmp: Path) -> Path:
    out = tmp / "seed"
    subprocess.run(
        [sys.executable, "-m", "harness", "certify", "--out", str(out), "--format", "json"],
        cwd=ROOT,
        check=False,
        capture_output=True,
        timeout=600,
    )
    if not (out / "results.json").is_file():
        raise SystemExit("xcert certify of this machine did not write results.json")
    return out


def grow(seed: Path, target: Path, n_checks: int) -> dict[str, Any]:
    """The seed run's host repeated until it holds ``n_checks`` checks, each with its own evidence."""
    results: dict[str, Any] = json.loads((seed / "results.json").read_text(encoding="utf-8"))
    host0 = results["hosts"][0]
    per_host = len(host0["checks"])
    shutil.copytree(seed, target)
    hosts = []
    made = 0
    index = 0
    while made < n_checks:
        index += 1
        host = copy.deepcopy(host0)
        host["name"] = host["slug"] = f"host{index:03d}"
        host["lab"] = True
        (target / "evidence" / host["slug"]).mkdir(parents=True, exist_ok=True)
        checks = []
        for check in host["checks"][: min(per_host, n_checks - made)]:
            refs = []
            for ref in check.get("evidence", [])[:1]:
                new_ref = f"evidence/{host['slug']}/{made:05d}-{Path(ref).name}"
                shutil.copyfile(seed / ref, target / new_ref)
                refs.append(new_ref)
            checks.append(dict(check, evidence=refs))
            made += 1
        host["checks"] = checks
        hosts.append(host)
    results["hosts"] = hosts
    (target / "results.json").write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")
    return results


# ---------------------------------------------------------------- children (one whole process each)


def bare_html(results: dict[str, Any], lang: str, fixed: bool) -> str:
    """One plain table of every check's row, in ``lang``: the same texts the report's results rows show."""
    from markupsafe import escape

    from harness.i18n import check_message, translate
    from harness.reporting.html import font_stack
    from harness.reporting.vocab import word

    def tr(msgid: str) -> str:
        return translate(lang, msgid, {}) if msgid else msgid

    def row(check: dict[str, Any]) -> str:
        measured = "; ".join(
            f"{name} = {m.get('value')} {tr(str(m.get('unit') or ''))}".strip()
            for name, m in (check.get("measurements") or {}).items()
        )
        subject = f" [{check['subject']}]" if check.get("subject") else ""
        cells = (
            check["id"] + subject,
            tr(check["title"]),
            tr(word(check["severity"])),
            tr(word(check["outcome"])),
            check_message(lang, check),
            measured,
        )
        return "<tr>" + "".join(f"<td>{escape(text)}</td>" for text in cells) + "</tr>"

    rows = "".join(row(c) for h in results["hosts"] for c in h["checks"])
    layout = "table-layout: fixed;" if fixed else ""
    cols = "<colgroup>" + "".join(f'<col style="width: {w}%">' for w in COLUMNS) + "</colgroup>" if fixed else ""
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><style>@page { size: A4; margin: 20mm 15mm 18mm 15mm; }'
        f" body {{ font-family: {font_stack(lang)}; font-size: 9pt; }}"
        f" table {{ border-collapse: collapse; width: 100%; {layout} }}"
        " td { border: 1px solid #bbb; padding: 0.25em 0.45em; vertical-align: top; }"
        f"</style></head><body><table>{cols}{rows}</table></body></html>"
    )


def child(mode: str, run: Path, lang: str, dest: Path) -> dict[str, Any]:
    """What one child process does; prints its own figures as JSON."""
    results = json.loads((run / "results.json").read_text(encoding="utf-8"))
    out: dict[str, Any] = {}
    start = time.perf_counter()
    if mode in ("bare", "bare-fixed"):
        import weasyprint

        html = bare_html(results, lang, fixed=mode == "bare-fixed")
        weasyprint.HTML(string=html).write_pdf(str(dest), hinting=True)
    elif mode == "html":
        # in-process: the first edition (template compiled, view prepared) and a second language from the same view
        from harness.reporting.html import prepare, write_html

        write_html(results, lang, dest, run)
        out["first"] = time.perf_counter() - start
        view = prepare(results, run)
        again = time.perf_counter()
        write_html(results, "zh", dest.with_suffix(".zh.html"), run, view=view)
        out["next"] = time.perf_counter() - again
    elif mode == "xcert":
        from harness.reporting.render import render_reports

        langs = lang.split(",")
        render_reports(results, run, langs, ("pdf",))
        out["pdfs"] = [str(run / f"report.{code}.pdf") for code in langs]
    elif mode == "multi":
        from harness.reporting.html import prepare
        from harness.reporting.pdf import write_pdf

        view = prepare(results, run)
        out["langs"] = {}
        for code in lang.split(","):
            one, cpu = time.perf_counter(), time.process_time()
            write_pdf(results, code, run / f"report.{code}.pdf", run, view=view)
            out["langs"][code] = (time.perf_counter() - one, time.process_time() - cpu)
    out["seconds"] = time.perf_counter() - start
    import harness

    out["harness"] = str(Path(harness.__file__).parent)
    return out


# ---------------------------------------------------------------- parent


def run_child(mode: str, run: Path, lang: str, dest: Path, root: Path = ROOT) -> dict[str, Any]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    env = dict(os.environ, PYTHONPATH=str(root))
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", mode, "--run", str(run), "--lang", lang,
         "--dest", str(dest)],
        capture_output=True, text=True, check=False, env=env, cwd=str(root), timeout=3600,
    )  # fmt: skip
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"child {mode} {lang} failed:\n{proc.stderr[-3000:]}")
    figures: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    figures["wall"] = wall
    figures["cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return figures


def pages(pdf: Path) -> str:
    if shutil.which("pdfinfo") is None or not pdf.is_file():
        return "?"
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=False).stdout
    return next((line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")), "?")


def export_ref(ref: str, tmp: Path) -> Path:
    """harness/ (and benchmarks/, for the child entry point) as they were at ``ref``, outside any worktree."""
    root = tmp / f"at-{ref}"
    root.mkdir()
    archive = subprocess.run(["git", "archive", ref, "harness"], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(root)], input=archive, check=True)
    return root


def med(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def measure(args: argparse.Namespace, tmp: Path) -> tuple[list[str], dict[str, Any]]:
    seed = real_run(tmp)
    run = tmp / "run"
    results = grow(seed, run, args.checks)
    n = sum(len(h["checks"]) for h in results["hosts"])
    sides: list[tuple[str, str, Path]] = [("xcert", "xcert PDF", ROOT)]
    if args.before:
        sides.append(("xcert", f"xcert PDF at {args.before}", export_ref(args.before, tmp)))
    sides += [("bare", "bare table", ROOT), ("bare-fixed", "bare table, fixed layout", ROOT)]
    figures: dict[tuple[str, str], list[dict[str, Any]]] = {}
    page_counts: dict[tuple[str, str], str] = {}
    for rep in range(args.repeats):
        for lang in args.langs.split(","):
            for mode, label, root in sides:
                dest = tmp / f"{mode}-{lang}-{rep}.pdf"
                fig = run_child(mode, run, lang, dest, root)
                pdf = Path(fig["pdfs"][0]) if "pdfs" in fig else dest
                page_counts[(label, lang)] = pages(pdf)
                figures.setdefault((label, lang), []).append(fig)
                print(f"  {label} {lang} #{rep + 1}: wall {fig['wall']:.1f} s, cpu {fig['cpu']:.1f} s", file=sys.stderr)
    html = [run_child("html", run, "en", tmp / "report.en.html") for _ in range(args.repeats)]
    multi = run_child("multi", run, args.multi_langs, tmp / "unused") if args.multi_langs else None
    lines = [
        "| what | lang | wall s (median) | CPU s (median) | runs (wall) | pages | xcert ÷ faster peer (wall, CPU) |",
        "|---|---|---|---|---|---|---|",
    ]
    for lang in args.langs.split(","):
        peers = [(label, figures[(label, lang)]) for _, label, _ in sides if label.startswith("bare")]
        # the faster peer by CPU seconds: on a shared machine wall time mostly measures the others' load
        fastest = min(peers, key=lambda p: med([f["cpu"] for f in p[1]]))[1]
        peer_wall, peer_cpu = med([f["wall"] for f in fastest]), med([f["cpu"] for f in fastest])
        for _, label, _ in sides:
            runs = figures[(label, lang)]
            wall, cpu = med([f["wall"] for f in runs]), med([f["cpu"] for f in runs])
            ratio = f"{wall / peer_wall:.2f}×, {cpu / peer_cpu:.2f}×" if label.startswith("xcert") else ""
            walls = ", ".join(f"{f['wall']:.1f}" for f in runs)
            lines.append(
                f"| {label} | {lang} | {wall:.1f} | {cpu:.1f} | {walls} | {page_counts[(label, lang)]} | {ratio} |"
            )
    lines += [
        "",
        f"HTML report (en, {n} checks): {med([h['first'] for h in html]):.2f} s in-process for the first edition "
        f"(template compiled, view prepared), {med([h['next'] for h in html]):.2f} s for the next language (zh) "
        f"from the same view; whole process {med([h['wall'] for h in html]):.1f} s (median of {len(html)}).",
    ]
    if multi:
        per = ", ".join(f"{code} {wall:.1f} s ({cpu:.1f} s CPU)" for code, (wall, cpu) in multi["langs"].items())
        lines += [
            "",
            f"Several languages in one process ({args.multi_langs}, {n} checks, one FontConfiguration and one view): "
            f"{per}; whole process {multi['wall']:.1f} s wall, {multi['cpu']:.1f} s CPU.",
        ]
    return lines, {"n": n, "hosts": len(results["hosts"])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checks", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--langs", default="en,zh")
    parser.add_argument("--multi-langs", default="en,zh,ru,ar")
    parser.add_argument("--before", default="", help="also time xcert's renderer as it was at this git ref")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "render_results.md")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--run", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--lang", help=argparse.SUPPRESS)
    parser.add_argument("--dest", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, os.environ.get("PYTHONPATH", str(ROOT)))
        print(json.dumps(child(args.child, args.run, args.lang, args.dest)))
        return 0
    load = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="xcert-bench-") as tmp_name:
        body, meta = measure(args, Path(tmp_name))
    command = " ".join(["benchmarks/render_reports.py", *sys.argv[1:]])
    lines = [
        f"## Rendering {meta['n']} checks ({meta['hosts']} hosts), {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"`.venv/bin/python {command}`. Machine: {platform.platform()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, shared with other work (load average {load[0]:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end). Every figure a whole process, interleaved, median of {args.repeats}.",
        "",
        *body,
        "",
    ]
    text = "\n".join(lines)
    print(text)
    previous = args.out.read_text(encoding="utf-8") if args.out.exists() else "# Report rendering benchmarks\n\n"
    args.out.write_text(previous + text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
