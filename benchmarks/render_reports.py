"""Benchmark: rendering a run of N checks (default 5,000) to HTML and PDF, in English and Chinese,
beside a bare WeasyPrint baseline (the same number of rows in one plain table, no report around it).

The run is real: one `xcert certify` of this machine, whose checks, messages and evidence files are
then repeated over hosts until there are N checks (each repeat with its own evidence file, so the
appendix lists N files too). Needs fonts-noto-cjk and WeasyPrint.

    .venv/bin/python benchmarks/render_reports.py [--checks 5000] [--langs en,zh] [--out benchmarks/render_results.md]

Figures are written with the machine they were measured on; never asserted in tests.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness.reporting.html import write_html  # noqa: E402
from harness.reporting.pdf import write_pdf  # noqa: E402


def real_run(tmp: Path) -> Path:
    out = tmp / "seed"
    subprocess.run(
        [sys.executable, "-m", "harness", "certify", "--out", str(out), "--format", "json"],
        cwd=ROOT,
        check=False,
        capture_output=True,
    )
    if not (out / "results.json").is_file():
        raise SystemExit("xcert certify of this machine did not write results.json")
    return out


def grow(seed: Path, target: Path, n_checks: int) -> dict[str, Any]:
    """The seed run's host repeated until it holds ``n_checks`` checks, each with its own evidence."""
    results = json.loads((seed / "results.json").read_text(encoding="utf-8"))
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


def baseline_pdf(rows: int, path: Path) -> float:
    import weasyprint

    body = "".join(f"<tr><td>XC-OS-{i:05d}</td><td>检查 {i} проверка</td><td>pass</td></tr>" for i in range(rows))
    html = (
        "<html><head><style>@page{size:A4} body{font-family:'Noto Sans CJK SC'} td{border:1px solid #999}</style>"
        f"</head><body><table>{body}</table></body></html>"
    )
    start = time.perf_counter()
    weasyprint.HTML(string=html).write_pdf(str(path), hinting=True)
    return time.perf_counter() - start


def pages(pdf: Path) -> str:
    if shutil.which("pdfinfo") is None:
        return "?"
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=False).stdout
    return next((line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")), "?")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checks", type=int, default=5000)
    parser.add_argument("--langs", default="en,zh")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "render_results.md")
    args = parser.parse_args()
    rows: list[tuple[str, str, float, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="xcert-bench-") as tmp_name:
        tmp = Path(tmp_name)
        seed = real_run(tmp)
        run = tmp / "run"
        results = grow(seed, run, args.checks)
        n = sum(len(h["checks"]) for h in results["hosts"])
        for lang in args.langs.split(","):
            start = time.perf_counter()
            html = write_html(results, lang, run / f"report.{lang}.html", run)
            rows.append(("xcert HTML", lang, time.perf_counter() - start, "-", f"{html.stat().st_size / 1e6:.1f} MB"))
        for lang in args.langs.split(","):
            start = time.perf_counter()
            pdf = write_pdf(results, lang, run / f"report.{lang}.pdf", run)
            rows.append(
                ("xcert PDF", lang, time.perf_counter() - start, pages(pdf), f"{pdf.stat().st_size / 1e6:.1f} MB")
            )
        base = tmp / "baseline.pdf"
        seconds = baseline_pdf(n, base)
        rows.append(
            ("bare WeasyPrint table (same rows)", "mixed", seconds, pages(base), f"{base.stat().st_size / 1e6:.1f} MB")
        )
    lines = [
        f"## Rendering {n} checks ({len(results['hosts'])} hosts), {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
        "one process (fonts loaded once; the first PDF pays for it).",
        "",
        "| what | lang | seconds | pages | size |",
        "|---|---|---|---|---|",
        *(f"| {what} | {lang} | {secs:.1f} | {pg} | {size} |" for what, lang, secs, pg, size in rows),
        "",
    ]
    text = "\n".join(lines)
    print(text)
    previous = args.out.read_text(encoding="utf-8") if args.out.exists() else "# Report rendering benchmarks\n\n"
    args.out.write_text(previous + text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
