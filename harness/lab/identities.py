"""Declared OS/CPU identities a lab host can present: real captures (refdata samples, shipped in captures/).

Each identity maps files a host reads to a capture; ``xcert lab up`` places them in the host's
private view of /etc (an overlay in its own mount namespace) or binds them over /proc and /sys
files, so identification runs over real SSH against real captured content.
"""

from __future__ import annotations

import os
from pathlib import Path

from harness.errors import UsageError

#: identity name -> (architecture it is consistent with, {path on the host: sample file})
IDENTITIES: dict[str, tuple[str | None, dict[str, str]]] = {
    "kylin-v10": (
        None,
        {
            "/etc/os-release": "os-release-kylin-server-v10-sword.txt",
            "/etc/lsb-release": "lsb-release-kylin-server-v10-sword.txt",
            "/etc/system-release": "system-release-kylin-server-v10-sword.txt",
        },
    ),
    "uos-20": (
        None,
        {
            "/etc/os-release": "os-release-uos-server-20-fou.txt",
            "/etc/lsb-release": "lsb-release-uos-server-20-fou.txt",
        },
    ),
    "openeuler-20.03": (
        None,
        {
            "/etc/os-release": "os-release-openeuler-20.03-lts.txt",
            "/etc/system-release": "system-release-openeuler-20.03-lts.txt",
        },
    ),
    "kunpeng920-kylin-v10": (
        "aarch64",
        {
            "/etc/os-release": "os-release-kylin-server-v10-sword.txt",
            "/etc/lsb-release": "lsb-release-kylin-server-v10-sword.txt",
            "/etc/system-release": "system-release-kylin-server-v10-sword.txt",
            "/proc/cpuinfo": "cpuinfo-kunpeng920-hwloc-128arm.txt",
            "/sys/class/dmi/id": "dmi-id-huawei-xa320v2-kunpeng920-hwloc.txt",
        },
    ),
}


def samples_dir() -> Path:
    """The captures shipped with the package, or ``$XCERT_REFDATA/samples``."""
    if os.environ.get("XCERT_REFDATA"):
        return Path(os.environ["XCERT_REFDATA"]) / "samples"
    return Path(__file__).resolve().parent / "captures"


def capture_text(sample: str) -> str:
    """A capture without its first line (the ``# Source:`` line is not part of the capture)."""
    path = samples_dir() / sample
    if not path.is_file():
        raise UsageError(f"identity capture {path} not found (set XCERT_REFDATA to the refdata folder)")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    return "".join(lines[1:] if lines and lines[0].startswith("#") else lines)


def identity_files(name: str, arch: str) -> dict[str, str]:
    """{path on the host: content}; DMI captures expand to one file per attribute."""
    if name not in IDENTITIES:
        raise UsageError(f"unknown lab identity {name!r}; known: {', '.join(sorted(IDENTITIES))}")
    needs_arch, files = IDENTITIES[name]
    if needs_arch and needs_arch != arch:
        raise UsageError(f"identity {name!r} is an {needs_arch} capture; it needs --arch {needs_arch}")
    out: dict[str, str] = {}
    for target, sample in files.items():
        text = capture_text(sample)
        if target == "/sys/class/dmi/id":
            for line in text.splitlines():
                key, sep, value = line.partition("=")
                if sep and "/" not in key:
                    out[f"{target}/{key}"] = value + "\n"
        else:
            out[target] = text
    return out
