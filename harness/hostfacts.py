"""A readable summary of a host's facts: the figures reports and checks show."""

from __future__ import annotations

from typing import Any

from harness.facts.snapshot import Facts
from harness.probes.os_release import parse_os_release
from harness.probes.system import parse_df, parse_glibc_version, parse_ip_addr, parse_meminfo, parse_page_size


def summarize(facts: Facts, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    extra = extra or {}
    meminfo = parse_meminfo(facts.file("/proc/meminfo"))
    ps = extra.get("psutil") or {}
    os_release = parse_os_release(facts.file("/etc/os-release") or facts.file("/usr/lib/os-release"))
    return {
        "hostname": (facts.command("hostname") or "").strip() or None,
        "arch": (facts.command("uname-m") or "").strip() or None,
        "kernel": (facts.command("uname-r") or "").strip() or None,
        "glibc": parse_glibc_version(facts.command("getconf-glibc"), facts.command("ldd-version")),
        "page_size": parse_page_size(facts.command("getconf-pagesize")),
        "os_pretty_name": os_release.get("PRETTY_NAME"),
        "memory_total_bytes": ps.get("memory_total_bytes") or meminfo.get("MemTotal"),
        "disks": ps.get("disks") or parse_df(facts.command("df")),
        "interfaces": ps.get("interfaces") or parse_ip_addr(facts.command("ip-addr")),
        "source": "psutil" if ps else "commands",
    }
