"""Architectures: the names one ISA goes by, and the ISA each kind of evidence implies."""

from __future__ import annotations

import re
from collections.abc import Mapping

#: every spelling seen in uname -m, package names, triplets and release files -> canonical ISA
ALIASES: dict[str, str] = {
    "x86_64": "x86_64",
    "amd64": "x86_64",
    "x64": "x86_64",
    "x86-64": "x86_64",
    "i386": "x86",
    "i486": "x86",
    "i586": "x86",
    "i686": "x86",
    "x86": "x86",
    "aarch64": "aarch64",
    "arm64": "aarch64",
    "armv8l": "arm",
    "armv7l": "arm",
    "armhf": "arm",
    "arm": "arm",
    "loongarch64": "loongarch64",
    "loong64": "loongarch64",
    "loongarch": "loongarch64",
    "mips64": "mips64",
    "mips64el": "mips64",
    "mips64le": "mips64",
    "mipsel": "mips",
    "mips": "mips",
    "sw_64": "sw_64",
    "sw64": "sw_64",
    "riscv64": "riscv64",
    "ppc64le": "ppc64le",
    "ppc64": "ppc64",
    "s390x": "s390x",
}

#: a 64-bit kernel that also runs the 32-bit ISA's programs
_COMPAT = {"x86_64": {"x86"}, "aarch64": {"arm"}, "mips64": {"mips"}}

_TOKEN = re.compile(
    r"(?<![A-Za-z0-9])(x86_64|x86-64|amd64|i[3-6]86|aarch64|arm64|loongarch64|loong64|mips64el|mips64|sw_64|"
    r"riscv64|ppc64le|s390x)(?![A-Za-z0-9])",
    re.IGNORECASE,
)


def canonical(name: str | None) -> str | None:
    """``arm64`` -> ``aarch64``; unknown names are returned lower-cased, empty -> None."""
    if not name or not name.strip():
        return None
    key = name.strip().lower()
    return ALIASES.get(key, key)


def compatible(kernel: str, other: str) -> bool:
    """Whether programs or a CPU of ISA ``other`` fit a kernel of ISA ``kernel``."""
    return kernel == other or other in _COMPAT.get(kernel, set()) or kernel in _COMPAT.get(other, set())


def arch_tokens(text: str | None) -> set[str]:
    """Canonical ISAs named anywhere in ``text`` (a kernel release, a build triplet, a banner)."""
    found = set()
    for m in _TOKEN.finditer(text or ""):
        isa = canonical(m.group(1))
        if isa:
            found.add(isa)
    return found


_X86_VENDORS = {"genuineintel", "authenticamd", "hygongenuine", "centaurhauls", "shanghai", "genuine zhaoxin"}


def cpuinfo_isa(cpu: Mapping[str, str]) -> str | None:
    """The ISA a /proc/cpuinfo summary (lower-cased keys) was printed by, or None.

    Each kernel port prints its own keys: arm64 ``CPU implementer``, LoongArch ``CPU Family`` /
    ``ISA``, MIPS ``cpu model``, Sunway ``page size: 8192`` and its ``vpn upn`` flags, x86 a CPUID
    vendor string with ``cpu family`` and ``flags``.
    """
    if "cpu implementer" in cpu:
        return "aarch64" if cpu.get("cpu architecture", "8").strip() not in ("7", "6", "5") else "arm"
    isa = cpu.get("isa", "").lower()
    if "loongarch64" in isa or cpu.get("cpu family", "").lower().startswith("loongson"):
        return "loongarch64"
    if "cpu model" in cpu or "mips" in isa:
        return "mips64" if "mips64" in isa or "loongson-3" in cpu.get("cpu model", "").lower() else "mips"
    flags = cpu.get("flags", "").split()
    if "vpn" in flags and "upn" in flags:
        return "sw_64"
    vendor = cpu.get("vendor_id", "").strip().lower()
    if vendor in _X86_VENDORS and "cpu family" in cpu:
        return "x86_64" if "lm" in flags or not flags else "x86"
    if "riscv" in cpu.get("isa", "").lower() or cpu.get("isa", "").startswith("rv64"):
        return "riscv64"
    return None
