"""After the summary table, the console says why: what failed or errored, what was waived, where the report is.

Plain lines (no markup from the run: a message may hold anything a host printed), one per check,
so a piped console keeps every word and a CI log can be grepped by check id.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rich.text import Text

#: outcomes the console explains, in this order
EXPLAINED = ("fail", "error")
_MESSAGE_CAP = 300


def _one_line(text: Any) -> str:
    words = " ".join(str(text or "").split())
    return words if len(words) <= _MESSAGE_CAP else words[: _MESSAGE_CAP - 1] + "…"


def reasons(results: dict[str, Any]) -> list[Text]:
    """One line per failed or errored check (id, host, reason), with its remedy on the next."""
    lines: list[Text] = []
    for outcome in EXPLAINED:
        for host in results.get("hosts", []):
            for check in host.get("checks", []):
                if check.get("outcome") != outcome:
                    continue
                subject = f" [{check['subject']}]" if check.get("subject") else ""
                line = Text(f"  {outcome.upper():<5} ", style="red" if outcome == "fail" else "yellow")
                line.append(f"{check.get('id', '')}{subject}  {host.get('name', '')}  ")
                line.append(_one_line(check.get("message")) or "-")
                lines.append(line)
                if check.get("remedy") and outcome == "fail":
                    lines.append(Text(f"        remedy: {_one_line(check['remedy'])}"))
        for host in results.get("hosts", []):
            if outcome == "error" and not host.get("reachable", True):
                u = host.get("unreachable") or {}
                lines.append(
                    Text(f"  UNREACHABLE  {host.get('name', '')}  {u.get('reason', '')}: {_one_line(u.get('message'))}")
                )
    if lines:
        lines.insert(0, Text("why:", style="bold"))
    return lines


def waived(results: dict[str, Any]) -> list[tuple[str, str]]:
    """(host, check id) of every check a live waiver turned into ``waived``."""
    return [
        (str(h.get("name", "")), str(c.get("id", "")))
        for h in results.get("hosts", [])
        for c in h.get("checks", [])
        if c.get("outcome") == "waived"
    ]


def verdict_line(results: dict[str, Any]) -> Text:
    """``verdict: CERTIFIED`` — or ``CERTIFIED with waivers: XC-OS-005 (h1), ...``."""
    verdict = str(results.get("verdict", ""))
    line = Text("verdict: ")
    line.append(verdict, style="bold")
    marks = waived(results)
    if marks:
        listed = ", ".join(f"{cid} ({host})" for host, cid in marks)
        line.append(f" with waivers: {listed}")
    return line


def report_lines(run_dir: Path, written: Iterable[Path]) -> list[Text]:
    """Where the report is: the first HTML report, else the PDF, else results.json."""
    paths = [Path(p) for p in written]
    for suffix in (".html", ".pdf", ".json"):
        found = [p for p in paths if p.suffix == suffix]
        if found:
            return [Text(f"report: {sorted(found, key=lambda p: (len(p.name), p.name))[0]}")]
    return [Text(f"run directory: {run_dir}")]


__all__ = ["reasons", "report_lines", "verdict_line", "waived"]
