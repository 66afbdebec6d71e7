"""Execution control and integrity: KYSEC, deepin-elf-verify, SELinux, taint, secure boot, LSMs."""

from __future__ import annotations

import re

from harness.probes.hostprobe import lines

#: Documentation/admin-guide/tainted-kernels.rst: bit -> letter and meaning
TAINT_BITS: dict[int, str] = {
    0: "P proprietary module",
    1: "F module force-loaded",
    2: "S kernel running on an out-of-spec system",
    3: "R module force-unloaded",
    4: "M machine check exception",
    5: "B bad page referenced",
    6: "U taint requested by user space",
    7: "D kernel died recently (OOPS or BUG)",
    8: "A ACPI table overridden",
    9: "W kernel issued a warning",
    10: "C staging driver loaded",
    11: "I firmware bug workaround",
    12: "O out-of-tree module loaded",
    13: "E unsigned module loaded",
    14: "L soft lockup occurred",
    15: "K kernel live-patched",
    16: "X auxiliary taint",
    17: "T built with struct randomization",
    18: "N in-kernel test run",
}


def kysec_status(text: str | None) -> dict[str, str]:
    """getstatus output -> ``{"kysec status": "normal", "exec control": "on", ...}`` (lower case)."""
    out: dict[str, str] = {}
    for raw in (text or "").splitlines():
        key, sep, value = raw.partition(":")
        if sep and key.strip():
            out[" ".join(key.lower().split())] = value.strip().lower()
    return out


def kysec_enforcing(status: dict[str, str]) -> bool | None:
    """Whether KYSEC blocks unlabelled executables: anything but off/disabled is enforcing (REF 2.1);
    None when getstatus printed neither line."""
    overall = status.get("kysec status")
    if overall is not None and overall.startswith("disabled"):
        return False
    exec_ctl = status.get("exec control")
    if exec_ctl is None:
        return None if overall is None else True
    return exec_ctl not in ("off", "disabled")


def deepin_verify(text: str | None) -> tuple[bool | None, str, bool]:
    """(deepin-elf-verify installed or None when dpkg could not tell, its version, developer mode on)."""
    t = text or ""
    status = "".join(lines(t, "status"))
    installed: bool | None = None
    if status:
        installed = status.split()[-1] == "installed"
    elif "no packages found" in t:
        installed = False
    version = "".join(lines(t, "version"))
    devmode = any(v.split()[1:2] != ["0"] for v in lines(t, "devmode"))
    return installed, version, devmode


def selinux_mode(text: str | None) -> tuple[str, str]:
    """(running mode: enforcing | permissive | disabled, configured SELINUX= or "")."""
    t = text or ""
    m = re.search(r"^enforce (\d)", t, re.MULTILINE)
    running = "disabled" if m is None else ("enforcing" if m.group(1) == "1" else "permissive")
    conf = re.search(r"^SELINUX=(\S+)", t, re.MULTILINE)
    return running, conf.group(1).strip().lower() if conf else ""


def taint(text: str | None) -> int | None:
    value = (text or "").strip()
    return int(value) if value.isdigit() else None


def taint_reasons(value: int) -> list[str]:
    return [TAINT_BITS.get(bit, f"bit {bit}") for bit in range(value.bit_length()) if value >> bit & 1]


def secure_boot(text: str | None) -> tuple[str, str | None]:
    """(firmware: uefi | bios | "", secure boot: on | off | None when unknown)."""
    t = text or ""
    firmware = "".join(lines(t, "firmware"))
    sb = "".join(lines(t, "secureboot"))
    return firmware, {"1": "on", "0": "off"}.get(sb)


def lsm_list(text: str | None) -> tuple[list[str], str]:
    """(active LSMs, lockdown mode in brackets or "")."""
    first = (text or "").splitlines()[0] if (text or "").strip() else ""
    mods = [m for m in first.strip().split(",") if m]
    lock = "".join(lines(text, "lockdown"))
    m = re.search(r"\[(\w+)\]", lock)
    return mods, m.group(1) if m else ""
