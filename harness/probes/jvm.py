"""What a JVM is: its binary's ELF machine, its ``release`` file, its own properties, its heap settings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: ELF e_machine -> the architecture ``uname -m`` names (System V ABI / the Linux elf-em.h values)
ELF_MACHINES = {
    0x3E: "x86_64",
    0x03: "i386",
    0xB7: "aarch64",
    0x28: "arm",
    0x08: "mips64",
    0x102: "loongarch64",
    0xF3: "riscv64",
    0x15: "ppc64le",
    0x16: "s390x",
    0x9916: "sw_64",
}
#: names the same architecture goes by in uname -m, a JDK release file's OS_ARCH and Java's os.arch
ARCH_ALIASES = {"amd64": "x86_64", "x64": "x86_64", "arm64": "aarch64", "loong64": "loongarch64", "mips64el": "mips64"}


def norm_arch(name: str | None) -> str | None:
    if not name:
        return None
    n = name.strip().strip('"').lower()
    return ARCH_ALIASES.get(n, n) or None


def elf_arch(hex_bytes: str | None) -> str | None:
    """The first 20 bytes of an ELF file (``od -An -tx1 -N20``) -> its architecture, or None."""
    parts = (hex_bytes or "").split()
    if len(parts) < 20 or parts[:4] != ["7f", "45", "4c", "46"]:
        return None
    little = parts[5] == "01"
    lo, hi = int(parts[18], 16), int(parts[19], 16)
    machine = lo | (hi << 8) if little else (lo << 8) | hi
    return ELF_MACHINES.get(machine, f"elf-machine-0x{machine:x}")


@dataclass
class JvmInfo:
    pid: str
    exe: str
    elf: str | None = None
    release: dict[str, str] = field(default_factory=dict)
    props: dict[str, str] = field(default_factory=dict)
    version_line: str = ""

    @property
    def version(self) -> str | None:
        v = self.props.get("java.version") or self.release.get("JAVA_VERSION")
        if not v:
            m = re.search(r'version "([^"]+)"', self.version_line)
            v = m.group(1) if m else None
        return v.strip('"') if v else None

    @property
    def major(self) -> int | None:
        return java_major(self.version)

    @property
    def java_home(self) -> str:
        return self.props.get("java.home") or self.exe.rsplit("/bin/", 1)[0]

    @property
    def claimed_arch(self) -> dict[str, str | None]:
        """What the JVM says it is: its release file's OS_ARCH and its os.arch property."""
        return {
            "release OS_ARCH": norm_arch(self.release.get("OS_ARCH")),
            "os.arch": norm_arch(self.props.get("os.arch")),
        }


def java_major(version: str | None) -> int | None:
    """'1.8.0_392' -> 8, '17.0.15' -> 17, '21' -> 21."""
    if not version:
        return None
    m = re.match(r"^(\d+)(?:\.(\d+))?", version)
    if not m:
        return None
    first = int(m.group(1))
    return int(m.group(2) or 0) if first == 1 else first


def parse_jvm_info(text: str | None) -> dict[str, JvmInfo]:
    """``mw-jvm-info`` -> {pid: JvmInfo}."""
    out: dict[str, JvmInfo] = {}
    cur: JvmInfo | None = None
    for line in (text or "").splitlines():
        m = re.match(r"^== pid=(\d+) exe=(.*)$", line)
        if m:
            cur = out[m.group(1)] = JvmInfo(m.group(1), m.group(2).strip())
            continue
        if cur is None:
            continue
        if line.startswith("elf="):
            cur.elf = elf_arch(line[4:])
        elif line.startswith("release: "):
            k, _, v = line[9:].partition("=")
            cur.release[k.strip()] = v.strip().strip('"')
        elif " = " in line:
            k, _, v = line.strip().partition(" = ")
            cur.props[k.strip()] = v.strip()
        elif 'version "' in line and not cur.version_line:
            cur.version_line = line.strip()
    return out


_SIZE = re.compile(r"^(\d+)([kKmMgGtT]?)$")
_UNIT = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}


def heap_max_bytes(cmdline: str) -> int | None:
    """The last -Xmx / -XX:MaxHeapSize of a java command line, in bytes; None when it sets none."""
    found = None
    for arg in cmdline.split():
        value = None
        if arg.startswith("-Xmx"):
            value = arg[4:]
        elif arg.startswith("-XX:MaxHeapSize="):
            value = arg.split("=", 1)[1]
        if value is not None:
            m = _SIZE.match(value)
            if m:
                found = int(m.group(1)) * _UNIT[m.group(2).lower()]
    return found
