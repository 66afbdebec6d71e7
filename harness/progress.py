"""What the user sees while a run goes and when it ends (rich)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from harness.journal import read_journal
from harness.records import CheckRecord, HostEndRecord, PlanRecord, UnreachableRecord, read_records


class RunProgress:
    """Polls the host journals and shows host, layer and check as they are decided."""

    def __init__(self, run_dir: Path, host_slugs: list[tuple[str, str]], console: Console) -> None:
        self.run_dir = run_dir
        self.hosts = host_slugs
        self.console = console
        self.progress = Progress(
            TextColumn("{task.fields[host]:<20}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[current]}"),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self.tasks = {
            slug: self.progress.add_task("", total=None, host=escape(name[:20]), current="connecting")
            for name, slug in host_slugs
        }

    def __enter__(self) -> RunProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.tick()
        self.progress.stop()

    def tick(self) -> None:
        for _name, slug in self.hosts:
            total: int | None = None
            done = 0
            current = "connecting"
            for rec in read_records(read_journal(self.run_dir / "journal" / f"{slug}.jsonl")):
                if isinstance(rec, PlanRecord):
                    total = len(rec.checks)
                elif isinstance(rec, CheckRecord):
                    done += 1
                    current = f"{rec.layer} {rec.id} {rec.outcome}"
                elif isinstance(rec, UnreachableRecord):
                    current = f"unreachable: {rec.reason}"
                elif isinstance(rec, HostEndRecord):
                    current = current if "unreachable" in current else "done"
            # journal text is host data: shown as it is, never read as rich markup
            self.progress.update(self.tasks[slug], total=total, completed=done, current=escape(current))


def summary_table(results: dict[str, Any]) -> Table:
    table = Table(title=escape(f"xcert {results['run_id']} ({results['profile']})"), collapse_padding=True)
    # a verdict is never cut (INCOMPL…) however narrow the console: the host and note columns fold instead
    longest = max((len(str(h["name"])) for h in results["hosts"]), default=4)
    table.add_column("host", overflow="fold", min_width=min(max(longest, 4), 16))
    table.add_column("verdict", no_wrap=True, min_width=len("NOT_CERTIFIED"))
    for col in ("pass", "fail", "error", "n/a", "skipped", "waived"):
        table.add_column(col, no_wrap=True)
    table.add_column("note", overflow="fold", min_width=4)
    for host in results["hosts"]:
        counts = {o: 0 for o in ("pass", "fail", "error", "not_applicable", "skipped", "waived")}
        for c in host["checks"]:
            counts[c["outcome"]] += 1
        note = ""
        if not host["reachable"]:
            u = host.get("unreachable") or {}
            note = f"unreachable: {u.get('reason', '')}"
        elif host["undecided"]:
            note = f"{len(host['undecided'])} undecided"
        style = {"CERTIFIED": "green", "NOT_CERTIFIED": "red", "INCOMPLETE": "yellow"}[host["verdict"]]
        table.add_row(
            escape(host["name"]), f"[{style}]{host['verdict']}[/]", *(str(counts[k]) for k in counts), escape(note)
        )
    return table
