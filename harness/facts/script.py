"""The one-round-trip fact script and the parser of its output.

The script prints every file and command output between boundary lines carrying a random
token, so no content a host returns can forge a section.
"""

from __future__ import annotations

import re
import secrets
import shlex

from harness.facts.manifest import COMMANDS, FILES, PER_COMMAND_TIMEOUT_S
from harness.facts.snapshot import Facts

#: bytes of any one file or command output the fact script passes on
FILE_CAP = 2 * 1024 * 1024


#: a command of plain words only (no quoting, expansion, pipes or redirections) runs without an inner sh
_PLAIN_WORDS = re.compile(r"[A-Za-z0-9_./+=:%-]+( [A-Za-z0-9_./+=:%-]+)*")


#: words that are the shell's own (run directly, they would act on the script's shell, or fail under timeout)
_SHELL_WORDS = frozenset(
    [
        "exit",
        "return",
        "cd",
        "export",
        "set",
        "unset",
        "eval",
        "exec",
        "read",
        "shift",
        "trap",
        "wait",
        "ulimit",
        "umask",
        "alias",
        "unalias",
        "command",
        "type",
        "times",
        "break",
        "continue",
        ".",
        ":",
        "readonly",
        "local",
        "hash",
        "getopts",
        "jobs",
        "fg",
        "bg",
    ]
)


def _invocation(command: str) -> str:
    """How the script runs one constant command: its words as they are (one process fewer), else ``sh -c``."""
    if _PLAIN_WORDS.fullmatch(command) and command.split()[0] not in _SHELL_WORDS:
        return command
    return f"sh -c {shlex.quote(command)}"


#: commands whose output is a few lines: they share one capped stream (one ``head`` for all, their exit
#: statuses inline), which spares three processes each; the others are capped one by one
SMALL = (
    "uname-m",
    "uname-r",
    "uname-a",
    "hostname",
    "lscpu",
    "getconf-pagesize",
    "getconf-glibc",
    "ldd-version",
    "openssl-version",
    "dmidecode",
    "chronyc-tracking",
    "timedatectl",
    "time-daemons",
    "date",
    "collected-by",
)


def _alone(b: str, name: str, command: str) -> list[str]:
    """One command, its output cut at FILE_CAP; its exit status comes back on fd 3 (no pipefail in sh)."""
    return [
        f'printf "\\n{b} cmd %s\\n" {shlex.quote(name)}',
        f'R=$( {{ {{ $T {_invocation(command)} 2>/dev/null </dev/null; printf %s "$?" >&3; }}'
        f" | head -c {FILE_CAP} >&4; }} 3>&1 )",
        f'printf "\\n{b} rc %s %s\\n" {shlex.quote(name)} "$R"',
    ]


def _together(b: str, names: list[str]) -> list[str]:
    """Small commands in one stream cut at FILE_CAP as a whole (so each section is cut at it too)."""
    lines = ["{"]
    for name in names:
        lines += [
            f'printf "\\n{b} cmd %s\\n" {shlex.quote(name)}',
            f"$T {_invocation(COMMANDS[name])} 2>/dev/null </dev/null",
            f'printf "\\n{b} rc %s %s\\n" {shlex.quote(name)} "$?"',
        ]
    return [*lines, f"}} | head -c {FILE_CAP}"]


def build_script(token: str | None = None) -> tuple[str, str]:
    """Return ``(token, script)``; the script is POSIX sh and reads nothing from the caller."""
    token = token or secrets.token_hex(12)
    b = f"@@XCERT-{token}"
    lines = [
        "LC_ALL=C; export LC_ALL",
        "exec 4>&1",
        "PATH=$PATH:/usr/sbin:/sbin; export PATH",
        f"T=''; command -v timeout >/dev/null 2>&1 && T='timeout {PER_COMMAND_TIMEOUT_S}'",
        f"for f in {' '.join(shlex.quote(f) for f in FILES)}; do",
        # every file is read up to FILE_CAP bytes: a hostile target's huge (or endless) file cannot flood us
        f'  if [ -r "$f" ]; then printf "\\n{b} file %s\\n" "$f"; head -c {FILE_CAP} "$f" 2>/dev/null; fi',
        "done",
    ]
    small = [name for name in COMMANDS if name in SMALL]
    if small:
        lines += _together(b, small)
    for name, command in COMMANDS.items():
        if name not in SMALL:
            lines += _alone(b, name, command)
    lines.append(f'printf "\\n{b} end\\n"')
    return token, "\n".join(lines) + "\n"


def parse_output(token: str, output: bytes) -> Facts:
    """Split the script's output back into files and commands."""
    marker = f"\n@@XCERT-{token} ".encode()
    facts = Facts()
    chunks = output.split(marker)
    for chunk in chunks[1:]:
        header, _, body = chunk.partition(b"\n")
        parts = header.decode("utf-8", "replace").split(" ")
        kind = parts[0]
        if kind == "file" and len(parts) >= 2:
            facts.files[" ".join(parts[1:])] = body
        elif kind == "cmd" and len(parts) == 2:
            facts.commands[parts[1]] = body
        elif kind == "rc" and len(parts) == 3:
            try:
                facts.rcs[parts[1]] = int(parts[2])
            except ValueError:
                facts.rcs[parts[1]] = -1
    return facts
