"""An aarch64 lab host: an arm64 Debian root (debootstrap + qemu-user) whose own sshd runs in a lab namespace.

The root is built once (about 2 minutes: LAB-NOTES) into a cache kept across ``lab down``
(``$XCERT_LAB_CACHE``, default /var/tmp/xcert-lab-cache); ``uname -m``, Python and glibc in
it are really aarch64, run through the kernel's binfmt_misc and qemu-aarch64.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

from harness.lab.sh import LabError, sh

MIRROR = os.environ.get("XCERT_DEBIAN_MIRROR", "http://deb.debian.org/debian")
SUITE = "bookworm"
PACKAGES = "openssh-server,python3,sudo,python3-apt,iproute2,procps"
BINFMT = Path("/proc/sys/fs/binfmt_misc")


def cache_dir() -> Path:
    return Path(os.environ.get("XCERT_LAB_CACHE") or "/var/tmp/xcert-lab-cache")


def root_dir() -> Path:
    return cache_dir() / "arm64-root"


def ensure_binfmt() -> None:
    """binfmt_misc mounted and qemu-aarch64 registered with the credentials flag (sudo needs C)."""
    if not (BINFMT / "register").exists():
        sh(["mount", "-t", "binfmt_misc", "binfmt_misc", str(BINFMT)])
    entry = BINFMT / "qemu-aarch64"
    if not entry.exists():
        if shutil.which("update-binfmts") is None:
            raise LabError("--arch aarch64 needs qemu-user-static and binfmt-support (apt-get install them)")
        sh(["update-binfmts", "--enable", "qemu-aarch64"], check=False)
    if not entry.exists():
        raise LabError("qemu-aarch64 is not registered in binfmt_misc (apt-get install qemu-user-static)")
    _with_credentials(entry)


def _with_credentials(entry: Path) -> None:
    """Re-register qemu-aarch64 with the C flag (setuid sudo inside the root needs it: LAB-NOTES)."""
    fields = dict(ln.split(" ", 1) for ln in entry.read_text().splitlines() if " " in ln)
    flags = fields.get("flags:", "").strip()
    if "C" in flags:
        return
    line = ":qemu-aarch64:M:{off}:{magic}:{mask}:{interp}:{flags}".format(
        off=fields.get("offset", "0").strip(),
        magic="".join(f"\\x{fields['magic'][i : i + 2]}" for i in range(0, len(fields["magic"].strip()), 2)),
        mask="".join(f"\\x{fields['mask'][i : i + 2]}" for i in range(0, len(fields["mask"].strip()), 2)),
        interp=fields["interpreter"].strip(),
        flags=flags + "C",
    )
    entry.write_text("-1")
    (BINFMT / "register").write_text(line)


@contextlib.contextmanager
def _build_lock() -> Iterator[None]:
    """One builder at a time: a second caller (CI builds the root in the background while the
    other tests run) waits for the first and then finds the root ready."""
    cache_dir().mkdir(parents=True, exist_ok=True)
    with (cache_dir() / ".arm64-root.lock").open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def ensure_root() -> Path:
    """The arm64 root, built with debootstrap on first use."""
    ensure_binfmt()
    with _build_lock():
        return _ensure_root_locked()


def _ensure_root_locked() -> Path:
    root = root_dir()
    if (root / ".xcert-ready").exists():
        return root
    if shutil.which("debootstrap") is None:
        raise LabError("--arch aarch64 needs debootstrap (apt-get install debootstrap qemu-user-static binfmt-support)")
    if root.exists():
        shutil.rmtree(root)
    root.parent.mkdir(parents=True, exist_ok=True)
    proc = sh(
        [
            "debootstrap",
            "--foreign",
            "--arch=arm64",
            "--variant=minbase",
            f"--include={PACKAGES}",
            SUITE,
            str(root),
            MIRROR,
        ],
        check=False,
        timeout=600,
    )
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-2:]
        raise LabError(f"debootstrap (first stage) from {MIRROR} failed: {' | '.join(tail)}")
    # the second stage's own script runs here, natively, and only what it installs runs emulated in the root
    # (dpkg, the maintainer scripts): run inside the chroot, its shell loops and its perl re-reading the
    # suite's 50 MB package index for every pre-dependency were emulated too (measured: 203 s of the second stage's
    # CPU inside the chroot, 125 s with its script native)
    script = root / "debootstrap" / "debootstrap"
    proc = sh(
        [
            "env",
            f"DEBOOTSTRAP_DIR={root / 'debootstrap'}",
            str(script),
            "--second-stage",
            f"--second-stage-target={root}",
        ],
        check=False,
        timeout=900,
    )
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-2:]
        raise LabError(f"debootstrap (second stage) failed: {' | '.join(tail)}")
    (root / ".xcert-ready").write_text("ok\n", encoding="ascii")
    return root


def prepare_root(root: Path, user: str, home: Path) -> None:
    """The lab user inside the root, unlocked, with the same home path (bound at start)."""
    if sh(["chroot", str(root), "id", user], check=False).returncode != 0:
        sh(["chroot", str(root), "useradd", "-M", "-d", str(home), "-s", "/bin/sh", user], timeout=120)
    sh(["chroot", str(root), "usermod", "-p", "*", user], timeout=120)
    (root / str(home).lstrip("/")).mkdir(parents=True, exist_ok=True)
    uid = sh(["chroot", str(root), "id", "-u", user]).stdout.strip()
    gid = sh(["chroot", str(root), "id", "-g", user]).stdout.strip()
    os.chown(root / str(home).lstrip("/"), int(uid), int(gid))


def main() -> int:
    """``python -m harness.lab.arm``: build the cached root now (CI starts it beside the other tests)."""
    try:
        print(ensure_root())
    except LabError as exc:
        print(f"arm64 root: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
