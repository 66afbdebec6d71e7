"""MLPS 2.0 host baseline facts: PAM, login.defs, idle timeout, sshd, listeners, audit, accounts."""

from __future__ import annotations

import re

COMPLEXITY_MODULES = ("pam_pwquality.so", "pam_cracklib.so", "pam_passwdqc.so")
LOCKOUT_MODULES = ("pam_faillock.so", "pam_tally2.so", "pam_tally.so")


def pam_modules(text: str | None, kind: str) -> list[tuple[str, str]]:
    """(file, line) of the PAM ``kind`` (auth | password | account) stack lines."""
    out: list[tuple[str, str]] = []
    for raw in (text or "").splitlines():
        path, sep, rest = raw.partition(": ")
        if sep and path.startswith("/etc/pam.d/") and rest.split()[:1] == [kind]:
            out.append((path, rest.strip()))
    return out


def conf_values(text: str | None, path: str) -> dict[str, str]:
    """``key = value`` lines of a config file the probe echoed as ``path: key = value``."""
    out: dict[str, str] = {}
    for raw in (text or "").splitlines():
        if raw.startswith(path + ": "):
            body = raw[len(path) + 2 :]
            key, sep, value = body.partition("=")
            out[key.strip()] = value.strip() if sep else ""
    return out


def login_defs(text: str | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for raw in (text or "").splitlines():
        parts = raw.split()
        if len(parts) >= 2 and parts[0].isupper():
            out[parts[0]] = parts[1]
    return out


def tmout(text: str | None) -> tuple[int | None, int | None]:
    """(shell TMOUT seconds, sshd ClientAliveInterval seconds), the smallest positive of each."""
    shell: list[int] = []
    alive: list[int] = []
    for raw in (text or "").splitlines():
        m = re.search(r"TMOUT=['\"]?(\d+)", raw)
        if m:
            shell.append(int(m.group(1)))
        m = re.search(r"ClientAliveInterval\s+(\d+)", raw, re.IGNORECASE)
        if m:
            alive.append(int(m.group(1)))
    pos = [v for v in shell if v > 0]
    alive_pos = [v for v in alive if v > 0]
    return (min(pos) if pos else None), (min(alive_pos) if alive_pos else None)


def sshd_settings(text: str | None) -> dict[str, str]:
    """The first value of each keyword (sshd uses the first it reads), keys lower case."""
    out: dict[str, str] = {}
    for raw in (text or "").splitlines():
        parts = raw.split()
        if len(parts) >= 2 and not parts[0].startswith("#"):
            out.setdefault(parts[0].lower(), parts[1].lower())
    return out


def listening_ports(text: str | None) -> set[tuple[str, int]]:
    """``tcp 0.0.0.0:23`` lines -> {("tcp", 23)}."""
    out: set[tuple[str, int]] = set()
    for raw in (text or "").splitlines():
        parts = raw.split()
        if len(parts) == 2:
            m = re.search(r":(\d+)$", parts[1])
            if m:
                out.add((parts[0].lower(), int(m.group(1))))
    return out


def audit_facts(text: str | None) -> dict[str, object]:
    t = text or ""
    rules = [raw for raw in t.splitlines() if raw.startswith(("live ", "file "))]
    real = [r for r in rules if "No rules" not in r]
    perms: dict[str, tuple[int, str]] = {}
    for raw in t.splitlines():
        m = re.match(r"^perm (\d+) (\S+) (\S+)$", raw)
        if m:
            perms[m.group(3)] = (int(m.group(1), 8), m.group(2))
    return {"running": "auditd running" in t, "rules": real, "perms": perms}


def world_writable(text: str | None) -> tuple[bool, list[str]]:
    t = text or ""
    files = [raw for raw in t.splitlines() if raw.startswith("/")]
    return ("end" in t.splitlines()), files


def passwd_entries(text: str | None) -> list[tuple[str, int, str]]:
    out: list[tuple[str, int, str]] = []
    for raw in (text or "").splitlines():
        parts = raw.split(":")
        if len(parts) == 3 and parts[1].isdigit():
            out.append((parts[0], int(parts[1]), parts[2]))
    return out
