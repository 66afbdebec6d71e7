"""New trouble in a host's logs since the run began: the journal's error lines and the kernel's own."""

from __future__ import annotations

from datetime import datetime

#: kernel messages that mean the machine was unwell, whatever their log level
KERNEL_TROUBLE = (
    "Out of memory|oom-kill|invoked oom-killer|Oops|BUG:|mce:|Machine check|EDAC .*(CE|UE)|soft lockup|hard LOCKUP"
)


def new_error_lines(journal: str, kernel: str, started: datetime) -> list[str]:
    """The journal's lines (already limited to the run by ``--since``) and the kernel's trouble lines
    stamped at or after ``started`` (dmesg --time-format iso: ``2026-12-01T11:02:03,123456+00:00``)."""
    new = [ln for ln in journal.splitlines() if ln.strip()]
    for line in kernel.splitlines():
        stamp = line.split(" ", 1)[0]
        try:
            when = datetime.fromisoformat(stamp.replace(",", "."))
        except ValueError:
            continue
        if when.tzinfo is not None and when >= started:
            new.append(line)
    return new
