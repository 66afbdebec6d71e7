"""Snapshot hosts for the tests that certify through the real worker, plugin, journal and results: a
snapshot directory written from captured files and probe answers, and the captures they are built from.

A capture's first line names its source when it starts with ``#``; what a host answers is the rest.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ROOT, SHARED

MEMINFO = "MemTotal:       263824444 kB\nMemFree:        1000 kB\n"
#: the architecture probes of a Kunpeng 920 + Kylin V10 host (64 KiB pages)
KYLIN_ARM = {"uname-m": "aarch64\n", "getconf-pagesize": "65536\n", "uname-r": "4.19.90-24.4.v2101.ky10.aarch64\n"}
#: the OS layer's probe answers of a host that meets every requirement
OS_GOOD = {
    "locale-a": "C\nC.utf8\nPOSIX\nen_US.utf8\nzh_CN.utf8\n",
    "iconv-gb18030": "你好",
    "iconv-gb18030-2022": " ee a0 9e\n",
    "openssl-version": "OpenSSL 1.1.1f  31 Mar 2020\n",
    "openssl-sm3": "SM3(stdin)= 66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0\n",
    "openssl-sm4": " 68 1e df 34 d2 06 96 5e 86 b3 e9 4f 53 6e 42 46\n",
    "time-sync": "chronyd\nReference ID    : C0A80001 (ntp1)\nLeap status     : Normal\n",
}
#: what every host of these tests answers alike: glibc, free disk, addresses
HOST_COMMON = {
    "getconf-glibc": "glibc 2.28\n",
    "df": "Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/sda2 104857600 1048576 103809024 2% /\n",
    "ip-addr": "1: lo    inet 127.0.0.1/8 scope host lo\n2: eth0    inet 10.0.0.5/24 brd 10.0.0.255 scope global eth0\n",
}
#: an x86 Debian host: not a Xinchuang platform
DEBIAN_FILES = {
    "/etc/os-release": 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n',
    "/proc/cpuinfo": "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R)\n\n",
    "/proc/meminfo": MEMINFO,
}
DEBIAN_X86 = {"uname-m": "x86_64\n", "getconf-pagesize": "4096\n"}


def samples() -> Path:
    """The refdata captures, or the copies of them the lab ships (same files, same source lines)."""
    refdata = SHARED / "refdata" / "samples"
    return refdata if refdata.is_dir() else ROOT / "harness" / "lab" / "captures"


def capture(name: str, folder: Path | None = None) -> str:
    """A capture's text without its source line (from ``folder``, by default :func:`samples`)."""
    path = (folder or samples()) / name
    if not path.is_file():  # a checkout without ../shared/refdata has only the captures the lab ships
        pytest.skip(f"refdata capture {name} is not beside the checkout")
    text = path.read_text(encoding="utf-8")
    return text.split("\n", 1)[1] if text.startswith("#") else text


def kylin_files() -> dict[str, str]:
    """The files of a Kunpeng 920 + Kylin V10 (Sword) host, from the refdata captures."""
    return {
        "/etc/os-release": capture("os-release-kylin-server-v10-sword.txt"),
        "/proc/cpuinfo": capture("cpuinfo-kunpeng920-hwloc-128arm.txt"),
        "/proc/meminfo": MEMINFO,
    }


def snapshot(root: Path, files: dict[str, str], commands: dict[str, str]) -> Path:
    """Write a snapshot directory: ``files/<path>`` and ``commands/<probe>.txt``."""
    for path, text in files.items():
        target = root / "files" / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    (root / "commands").mkdir(parents=True, exist_ok=True)
    for name, text in commands.items():
        (root / "commands" / f"{name}.txt").write_text(text, encoding="utf-8")
    return root


def write_inventory(path: Path, hosts: dict[str, dict[str, object]]) -> Path:
    """Write an Ansible inventory of ``hosts`` (name -> host variables, e.g. ``xc_snapshot``) to ``path``."""
    text = "all:\n  hosts:\n" + "".join(
        f"    {name}:\n" + "".join(f"      {key}: {value}\n" for key, value in hostvars.items())
        for name, hostvars in hosts.items()
    )
    path.write_text(text, encoding="utf-8")
    return path
