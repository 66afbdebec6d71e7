"""Architecture names, and the architecture an ELF binary was built for (its header's e_machine).

>>> elf_arch(bytes.fromhex("7f454c4602010100000000000000000003003e00"))
'x86_64'
"""

from __future__ import annotations

_ARCH_ALIASES = {
    "x86_64": "x86_64",
    "amd64": "x86_64",
    "x64": "x86_64",
    "aarch64": "aarch64",
    "arm64": "aarch64",
    "loongarch64": "loongarch64",
    "mips64el": "mips64",
    "mips64": "mips64",
    "sw_64": "sw_64",
    "riscv64": "riscv64",
    "i686": "i686",
    "i386": "i686",
}

#: ELF e_machine values (the System V gABI registry, elf.h) -> our names; 64-bit class only where it matters
_ELF_MACHINES_64 = {
    0x3E: "x86_64",
    0xB7: "aarch64",
    0x102: "loongarch64",
    0x08: "mips64",
    0xF3: "riscv64",
    0x9916: "sw_64",
}
_ELF_MACHINES_32 = {0x03: "i686"}


def normalize_arch(text: str | None) -> str | None:
    """``amd64`` -> ``x86_64``, ``arm64`` -> ``aarch64``; None when not an architecture we know."""
    if not text:
        return None
    return _ARCH_ALIASES.get(text.strip().lower())


def elf_arch(header: bytes) -> str | None:
    """The architecture of an ELF header's first 20 bytes; None when it is not one we know."""
    if len(header) < 20 or header[:4] != b"\x7fELF" or header[5] not in (1, 2):
        return None
    machine = int.from_bytes(header[18:20], "little" if header[5] == 1 else "big")
    return (_ELF_MACHINES_64 if header[4] == 2 else _ELF_MACHINES_32).get(machine)


def parse_od(text: str) -> bytes:
    """Bytes from ``od -An -tx1`` output (hex pairs separated by blanks)."""
    try:
        return bytes.fromhex("".join(text.split()))
    except ValueError:
        return b""
