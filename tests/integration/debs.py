"""Small real Debian packages built in a test (dpkg-deb), and a package root for ``dpkg --root`` to install into.

A lab host shares this machine's filesystem: a package installed into its / would be installed on the machine.
The root is a package database and file tree of its own (DIR/var/lib/dpkg), so the install is real and isolated.
"""

from __future__ import annotations

import subprocess
from pathlib import Path


def build_deb(directory: Path, name: str, depends: str | None = None) -> Path:
    tree = directory / f"{name}-tree"
    (tree / "DEBIAN").mkdir(parents=True)
    (tree / "usr" / "share" / name).mkdir(parents=True)
    (tree / "usr" / "share" / name / "README").write_text(f"{name}: built by an xcert test\n", encoding="utf-8")
    control = [f"Package: {name}", "Version: 1.0-1", "Architecture: all", "Maintainer: xcert <xcert@invalid>"]
    if depends:
        control.append(f"Depends: {depends}")
    control.append("Description: a package the lifecycle tests install and remove")
    (tree / "DEBIAN" / "control").write_text("\n".join(control) + "\n", encoding="utf-8")
    out = directory / f"{name}_1.0-1_all.deb"
    subprocess.run(["dpkg-deb", "--root-owner-group", "-b", str(tree), str(out)], check=True, capture_output=True)
    return out


def package_root(directory: Path) -> Path:
    admin = directory / "var" / "lib" / "dpkg"
    for sub in ("updates", "info"):
        (admin / sub).mkdir(parents=True, exist_ok=True)
    (admin / "status").touch()
    return directory
