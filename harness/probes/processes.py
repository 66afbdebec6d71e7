"""Process command lines (``ps -eo args=`` filtered by the fact pass): databases and Java servers."""

from __future__ import annotations


def parse_processes(text: str | None, limit: int = 200) -> list[str]:
    """Non-empty command lines, at most ``limit`` of them, each stripped."""
    lines = [ln.strip() for ln in (text or "").splitlines() if ln.strip()]
    return lines[:limit]


def java_main(cmdline: str) -> str | None:
    """The main class or jar of a ``java`` command line, or None if it is not one.

    >>> java_main("/usr/bin/java -Xmx1g -cp lib/a.jar:lib/b.jar com.bes.enterprise.startup.ASMain -instancedir /opt/bes")
    'com.bes.enterprise.startup.ASMain'
    """
    parts = cmdline.split()
    # the java executable may follow ps -ef's user/pid columns
    start = next((i for i, p in enumerate(parts) if p.rsplit("/", 1)[-1] in ("java", "java.exe", "javaw")), None)
    if start is None:
        return None
    skip_next = False
    for i, part in enumerate(parts[start + 1 :], start=start + 1):
        if skip_next:
            skip_next = False
            continue
        if part in ("-cp", "-classpath", "--class-path", "--module-path", "-p", "--add-opens", "--add-exports"):
            skip_next = True
            continue
        if part == "-jar" and i + 1 < len(parts):
            return parts[i + 1]
        if part.startswith("-") or part == "...":  # "..." marks where a long command line was cut
            continue
        return part
    return None
