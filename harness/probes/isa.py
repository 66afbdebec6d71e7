"""CPU features from /proc/cpuinfo: flags, the x86-64 micro-architecture level, translation layers."""

from __future__ import annotations

from collections.abc import Iterable

from harness.probes.cpuinfo import cpuinfo_summary
from harness.probes.hostprobe import lines

#: x86-64 psABI micro-architecture levels as /proc/cpuinfo flag names (the psABI lists CPUID bits;
#: the kernel's names for them). LAHF-SAHF is "lahf_lm", CMPXCHG16B "cx16", LZCNT "abm", MOVBE "movbe".
X86_LEVELS: dict[str, tuple[str, ...]] = {
    "x86-64-v2": ("cx16", "lahf_lm", "popcnt", "sse4_1", "sse4_2", "ssse3"),
    "x86-64-v3": ("avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave"),
    "x86-64-v4": ("avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"),
}


def cpu_flags(cpuinfo: str | None) -> set[str] | None:
    """The feature words of the first processor (x86 ``flags``, arm64/LoongArch ``features``,
    MIPS ``ases implemented``), lower case; None when cpuinfo names none."""
    summary = cpuinfo_summary(cpuinfo)
    for key in ("flags", "features", "ases implemented"):
        if key in summary:
            return {w.lower() for w in summary[key].split()}
    return None


def x86_level(flags: Iterable[str]) -> tuple[str, list[str]]:
    """The highest level every flag of which (and of every lower level) is present, and what the
    next level lacks: ``("x86-64-v2", ["avx2", ...])``."""
    have = set(flags)
    level = "x86-64-v1"
    for name, needed in X86_LEVELS.items():
        lacking = [f for f in needed if f not in have]
        if lacking:
            return level, lacking
        level = name
    return level, []


def binfmt_entries(text: str | None) -> list[dict[str, str]]:
    """binfmt_misc entries: ``[{"name": "qemu-aarch64", "state": "enabled", "interpreter": "..."}]``."""
    out: list[dict[str, str]] = []
    for raw in (text or "").splitlines():
        if raw.startswith("entry "):
            out.append({"name": raw[6:].strip(), "state": "", "interpreter": ""})
        elif out and raw.strip() in ("enabled", "disabled"):
            out[-1]["state"] = raw.strip()
        elif out and raw.startswith("interpreter "):
            out[-1]["interpreter"] = raw[12:].strip()
    return out


def translation_tools(text: str | None) -> list[str]:
    return lines(text, "tool")


def cpuinfo_arch_family(cpuinfo: str | None) -> str | None:
    """The architecture family /proc/cpuinfo describes, independent of uname: x86, arm64, loongarch, mips."""
    s = cpuinfo_summary(cpuinfo)
    if "vendor_id" in s and "flags" in s:
        return "x86"
    if "cpu implementer" in s:
        return "arm64"
    if s.get("cpu family", "").lower().startswith("loongson") or "loongarch" in s.get("isa", ""):
        return "loongarch"
    if "cpu model" in s or "ases implemented" in s:
        return "mips"
    return None


UNAME_FAMILY = {
    "x86_64": "x86",
    "i686": "x86",
    "i386": "x86",
    "aarch64": "arm64",
    "arm64": "arm64",
    "loongarch64": "loongarch",
    "mips64": "mips",
    "mips64el": "mips",
}


def loongarch_loaders(text: str | None) -> list[str]:
    return lines(text, "loader")


def loongarch_world(loaders: Iterable[str]) -> str | None:
    """``new`` when the new-world loader (ld-linux-loongarch-lp64d.so.1) is present, ``old`` when only
    the old-world ld.so.1 is, else None."""
    names = [p.rsplit("/", 1)[-1] for p in loaders]
    if "ld-linux-loongarch-lp64d.so.1" in names:
        return "new"
    if "ld.so.1" in names:
        return "old"
    return None


def sysfs_values(text: str | None) -> dict[str, str]:
    """``grep -H . dir/*`` output -> ``{basename: value}``."""
    out: dict[str, str] = {}
    for raw in (text or "").splitlines():
        path, sep, value = raw.partition(":")
        if sep and path.startswith("/"):
            out[path.rsplit("/", 1)[-1]] = value.strip()
    return out


def numa_nodes(text: str | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for raw in (text or "").splitlines():
        parts = raw.split(None, 1)
        if len(parts) == 2 and parts[0].startswith("node") and parts[0][4:].isdigit():
            out[parts[0]] = parts[1].strip()
    return out


def governors(text: str | None) -> dict[str, int]:
    """``uniq -c`` of scaling_governor -> ``{"performance": 64}``."""
    out: dict[str, int] = {}
    for raw in (text or "").splitlines():
        parts = raw.split()
        if len(parts) == 2 and parts[0].isdigit():
            out[parts[1]] = int(parts[0])
    return out


def own_arch_translators(entries: Iterable[dict[str, str]], arch: str) -> list[str]:
    """Enabled binfmt_misc entries registered for the shell's own architecture (``qemu-aarch64`` on an
    aarch64 shell): the kernel hands that architecture's binaries to an emulator, so the shell runs
    emulated (distributions register qemu-user only for foreign architectures)."""
    wanted = arch.lower()
    out = []
    for e in entries:
        words = f"{e.get('name', '')} {e.get('interpreter', '')}".lower().replace("-", " ").replace("/", " ").split()
        if wanted and e.get("state") == "enabled" and wanted in words:
            out.append(e.get("name", ""))
    return out
