"""Platform services: Java, Python, fonts, time zone, clock offset, package tools, cgroups, systemd."""

from __future__ import annotations

import re

from harness.probes.hostprobe import lines


def java_properties(text: str | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for raw in (text or "").splitlines():
        key, sep, value = raw.partition(" = ")
        if sep:
            out[key.strip()] = value.strip()
    return out


#: os.arch as a JVM reports it -> the uname -m it runs natively on
JAVA_ARCH = {
    "amd64": "x86_64",
    "x86_64": "x86_64",
    "aarch64": "aarch64",
    "arm64": "aarch64",
    "loongarch64": "loongarch64",
    "mips64el": "mips64",
    "mips64": "mips64",
    "sw_64": "sw_64",
    "x86": "i686",
    "i386": "i686",
    "arm": "armv7l",
}


def python_version(text: str | None) -> str | None:
    m = re.search(r"Python (\d+\.\d+(?:\.\d+)?)", text or "")
    return m.group(1) if m else None


def font_families(text: str | None) -> list[str]:
    return [raw.strip() for raw in (text or "").splitlines() if raw.strip() and raw.strip() != "end"]


def timezone(text: str | None) -> str | None:
    """The zone: timedatectl's Timezone=, else /etc/localtime's link target, else /etc/timezone."""
    t = text or ""
    m = re.search(r"^Timezone=(\S+)", t, re.MULTILINE)
    if m:
        return m.group(1)
    for target in lines(t, "localtime"):
        if "zoneinfo/" in target:
            return target.split("zoneinfo/", 1)[1]
    zones = lines(t, "etc-timezone")
    return zones[0] if zones else None


def clock_offset_ms(text: str | None) -> tuple[float | None, str]:
    """(offset from the reference clock in ms, the tool that said so): chronyc's 'System time',
    timedatectl timesync-status 'Offset:', or the selected peer (*) of ntpq -pn."""
    t = text or ""
    m = re.search(r"^System time\s*:\s*([\d.]+) seconds (slow|fast)", t, re.MULTILINE)
    if m:
        value = float(m.group(1)) * 1000.0
        return (value if m.group(2) == "fast" else -value), "chronyc"
    m = re.search(r"^\s*Offset:\s*([+-]?[\d.]+)(us|ms|s)\b", t, re.MULTILINE)
    if m:
        scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
        return float(m.group(1)) * scale, "timedatectl"
    for raw in t.splitlines():
        if raw.startswith("*"):
            parts = raw.split()
            if len(parts) >= 9:
                try:
                    return float(parts[8]), "ntpq"
                except ValueError:
                    return None, "ntpq"
    return None, ""


def package_tools(text: str | None) -> list[str]:
    return [raw.strip() for raw in (text or "").splitlines() if raw.strip() and raw.strip() != "end"]


def resolved_self(text: str | None) -> tuple[str, list[str]]:
    """(host name, the addresses getent gave for it)."""
    t = text or ""
    name = "".join(lines(t, "name"))
    addrs = [
        raw.split()[0]
        for raw in t.splitlines()
        if raw and not raw.startswith(("name ", "end", "xcert-")) and len(raw.split()) >= 2
    ]
    return name, addrs


def cgroup_version(text: str | None) -> str | None:
    t = text or ""
    if "cgroup2fs" in t or "unified yes" in t:
        return "v2"
    if re.search(r"^fstype tmpfs", t, re.MULTILINE):
        return "v1"
    return None


def systemd_state(text: str | None) -> tuple[str, list[str]]:
    t = text or ""
    return "".join(lines(t, "state")), lines(t, "failed")
