"""Installing and uninstalling a service's declared packages (``packages:``, .deb or .rpm files on the host).

Each file is installed with the host's own package tool (``dpkg -i``, ``rpm -i``), seen installed, then
removed (``dpkg --purge``, ``rpm -e``) in reverse order and seen gone; every command's exit status and
output are kept. ``package_root`` gives the tools' ``--root`` (an isolated package database and file tree:
how the lab tests this without changing the machine it shares). A package already installed before the
test is not touched: removing it would remove the operator's.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

from harness.lifecycle.service import Target

OUTPUT_TAIL = 1500


@dataclass
class Step:
    command: str
    rc: int
    output: str


@dataclass
class PackageRun:
    steps: list[Step] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    installed: list[str] = field(default_factory=list)


def _kind(path: str) -> str:
    return "deb" if path.endswith(".deb") else "rpm"


def _root(kind: str, root: str | None) -> str:
    if not root:
        return ""
    return f"--root={shlex.quote(root)} " if kind == "deb" else f"--root {shlex.quote(root)} "


def _name_command(kind: str, path: str) -> str:
    q = shlex.quote(path)
    return f"dpkg-deb -f {q} Package" if kind == "deb" else f"rpm -qp --qf '%{{NAME}}' {q}"


def _installed_command(kind: str, name: str, root: str | None, any_state: bool = False) -> str:
    """Exit 0 when ``name`` is installed (``any_state``: known to the package database at all, e.g. unpacked)."""
    q, r = shlex.quote(name), _root(kind, root)
    if kind == "deb":
        wanted = "grep -qv ' not-installed$'" if any_state else "grep -q ' ok installed$'"
        return f"dpkg-query {r}-W -f '${{Status}}' {q} 2>/dev/null | {wanted}"
    return f"rpm {r}-q {q} >/dev/null 2>&1"


def _install_command(kind: str, path: str, root: str | None) -> str:
    return f"{'dpkg' if kind == 'deb' else 'rpm'} {_root(kind, root)}-i {shlex.quote(path)} 2>&1"


def _remove_command(kind: str, name: str, root: str | None) -> str:
    r, q = _root(kind, root), shlex.quote(name)
    return f"dpkg {r}--purge {q} 2>&1" if kind == "deb" else f"rpm {r}-e {q} 2>&1"


class _Runner:
    def __init__(self, target: Target, out: PackageRun) -> None:
        self.target, self.out = target, out

    def __call__(self, command: str) -> Step:
        result = self.target.run(command, timeout_s=600)
        step = Step(command, result.rc, result.text[-OUTPUT_TAIL:])
        self.out.steps.append(step)
        return step


def install_and_remove(target: Target, service: str, files: list[str], root: str | None) -> PackageRun:
    out = PackageRun()
    run = _Runner(target, out)
    names: list[tuple[str, str]] = []  # (kind, name) installed by this test, in order
    for path in files:
        kind = _kind(path)
        named = run(_name_command(kind, path))
        name = named.output.strip().splitlines()[-1] if named.rc == 0 and named.output.strip() else ""
        if not name:
            raise RuntimeError(f"{service}: cannot read the package name of {path} (exit {named.rc})")
        if run(_installed_command(kind, name, root)).rc == 0:
            out.skipped.append(f"{service}: {name} is installed already (the test would remove it)")
            continue
        step = run(_install_command(kind, path, root))
        if step.rc != 0:
            last = step.output.strip().splitlines()[-1:] or [""]
            out.problems.append(f"{service}: installing {path} exits {step.rc}: {last[0][:200]}")
            if run(_installed_command(kind, name, root, any_state=True)).rc == 0:
                run(_remove_command(kind, name, root))  # a half-installed package is not left behind
            continue
        if run(_installed_command(kind, name, root)).rc != 0:
            out.problems.append(f"{service}: {name} is not installed after its install exited 0")
            continue
        names.append((kind, name))
        out.installed.append(name)
    for kind, name in reversed(names):
        step = run(_remove_command(kind, name, root))
        if step.rc != 0:
            last = step.output.strip().splitlines()[-1:] or [""]
            out.problems.append(f"{service}: uninstalling {name} exits {step.rc}: {last[0][:200]}")
        elif run(_installed_command(kind, name, root)).rc == 0:
            out.problems.append(f"{service}: {name} is still installed after its uninstall exited 0")
    return out
