"""The folder of the SSH ControlPath sockets the run's ansible-runner jobs share (ControlPersist).

Ansible's ssh connection keeps each host's connection open (``ControlMaster=auto``, ``ControlPersist``
in its default ssh_args) and names its socket ``<control_path_dir>/<10 hex digits>``. xcert gives every
job of a run one folder of its own (0700), so a host's tasks in the prepare job share one connection, no
other Ansible run shares it, and once the prepare jobs ended the masters are told to exit and the folder
is removed. It is the run's ``provision/.ssh-control`` where that path is short enough for a
socket (ssh makes ``<path>.<16 random characters>`` first, and a socket's path has at most 107 bytes),
else a temporary folder of its own. A ControlPath in the resolved ssh_args wins: Ansible then adds none,
and this folder stays empty.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path

#: longest folder path that leaves room for Ansible's name and ssh's temporary suffix in 107 bytes
MAX_DIR_BYTES = 107 - len("/0123456789") - len(".0123456789abcdef") - 1
STOP_TIMEOUT_S = 10.0


def make(provision_dir: Path) -> Path:
    """A new, empty folder (0700) for the run's ControlPath sockets."""
    folder = provision_dir / ".ssh-control"
    if len(os.fsencode(str(folder))) <= MAX_DIR_BYTES and "%" not in str(folder):  # ssh expands % in it
        provision_dir.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(mode=0o700)
        return folder
    return Path(tempfile.mkdtemp(prefix="xcert-ssh-"))  # 0700 too


def stop(folder: Path) -> int:
    """Tell each master connection in ``folder`` to exit (all at once), then remove it; the number told."""
    procs: list[subprocess.Popen[bytes]] = []
    with contextlib.suppress(FileNotFoundError):
        for sock in sorted(folder.iterdir()):
            if not stat.S_ISSOCK(sock.lstat().st_mode):
                continue
            with contextlib.suppress(OSError):
                procs.append(
                    subprocess.Popen(
                        ["ssh", "-F", "/dev/null", "-o", f"ControlPath={sock}", "-O", "exit", "xcert-control"],
                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                    )
                )  # fmt: skip
    for proc in procs:
        try:
            proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    shutil.rmtree(folder, ignore_errors=True)
    return len(procs)


__all__ = ["MAX_DIR_BYTES", "make", "stop"]
