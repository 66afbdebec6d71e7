"""CPU layer, issue 15: ISA features, ABIs, translation layers and the CPU's runtime state."""

from __future__ import annotations

from typing import Any

from harness import hostreq
from harness.checks import N_, CheckContext, check
from harness.facts.snapshot import Facts
from harness.identify import Component
from harness.probes import isa
from harness.session import HostSession
from suites.hostlib import FactMissing, lineage, need, probe, record

KERNEL_HWCAPS = "Linux Documentation/arch/arm64/elf_hwcaps.rst (HWCAP_* names as /proc/cpuinfo Features)"


def _flags(facts: Facts) -> set[str]:
    flags = isa.cpu_flags(facts.file("/proc/cpuinfo"))
    if flags is None:
        raise FactMissing("/proc/cpuinfo has no flags/Features line: the CPU's features cannot be read")
    return flags


def _feature(xc: CheckContext, facts: Facts, names: tuple[str, ...], label: str) -> bool:
    flags = _flags(facts)
    present = any(n in flags for n in names)
    xc.measure(label, present, "bool")
    return present


@check(
    "XC-CPU-100",
    layer="cpu",
    severity="advisory",
    title=N_("aarch64 LSE atomics present"),
    requirement=N_(
        "The CPU has the ARMv8.1 Large System Extensions (Features: atomics); OceanBase's aarch64 packages "
        "and software built for ARMv8.1 or later need them."
    ),
    remedy=N_("Use a CPU with LSE (Kunpeng 920, Phytium S5000C/D3000) or a build for ARMv8.0 (OceanBase: nonlse)."),
    applies_to={"arch": ["aarch64"]},
    source="oceanbase/obdeploy@a3e8c47d start_check_pre.py (aarch64 needs atomics); " + KERNEL_HWCAPS,
    tags=("cpu-abi",),
)
def test_lse_atomics(facts: Facts, xc: CheckContext) -> None:
    if not _feature(xc, facts, ("atomics",), "atomics"):
        xc.fail(N_("The CPU lacks {feature}: {why}"), feature="atomics (LSE)", why="an ARMv8.0 core")
    xc.note(N_("The CPU has {feature}"), feature="atomics (LSE)")


@check(
    "XC-CPU-101",
    layer="cpu",
    severity="advisory",
    title=N_("aarch64 CRC32 instructions reported"),
    requirement=N_("Whether the CPU has the CRC32 instructions (Features: crc32) is recorded."),
    remedy=N_("Software that needs CRC32 instructions must use a fallback on a CPU without them."),
    applies_to={"arch": ["aarch64"]},
    source=KERNEL_HWCAPS,
    tags=("cpu-abi",),
)
def test_crc32(facts: Facts, xc: CheckContext) -> None:
    record(xc, "crc32", "yes" if _feature(xc, facts, ("crc32",), "crc32") else "no")


@check(
    "XC-CPU-102",
    layer="cpu",
    severity="advisory",
    title=N_("aarch64 cryptographic extensions reported"),
    requirement=N_(
        "Whether the CPU has the AES, SHA-1 and SHA-2 instructions (Features: aes, sha1, sha2) is recorded."
    ),
    remedy=N_("Without them, cryptography runs in software: expect lower TLS and hashing throughput."),
    applies_to={"arch": ["aarch64"]},
    source=KERNEL_HWCAPS,
    tags=("cpu-abi",),
)
def test_arm_crypto(facts: Facts, xc: CheckContext) -> None:
    flags = _flags(facts)
    have = [f for f in ("aes", "sha1", "sha2", "sha3", "sm3", "sm4") if f in flags]
    xc.measure("sha2", "sha2" in flags, "bool")
    record(xc, "crypto extensions", ", ".join(have) or "none")


@check(
    "XC-CPU-103",
    layer="cpu",
    severity="mandatory",
    title=N_("aarch64 Advanced SIMD present"),
    requirement=N_(
        "The CPU has floating point and Advanced SIMD (Features: fp, asimd), which the AArch64 Linux ABI assumes."
    ),
    remedy=N_("The host cannot run standard aarch64 distributions; use a CPU with FP and Advanced SIMD."),
    applies_to={"arch": ["aarch64"]},
    source="Arm Procedure Call Standard for AArch64 (AAPCS64, SIMD and FP registers); " + KERNEL_HWCAPS,
    tags=("cpu-abi",),
)
def test_asimd(facts: Facts, xc: CheckContext) -> None:
    flags = _flags(facts)
    lacking = [f for f in ("fp", "asimd") if f not in flags]
    xc.measure("asimd", "asimd" in flags, "bool")
    if lacking:
        xc.fail(N_("The CPU lacks {feature}: {why}"), feature=", ".join(lacking), why="cpuinfo Features")
    xc.note(N_("The CPU has {feature}"), feature="fp, asimd")


@check(
    "XC-CPU-104",
    layer="cpu",
    severity="advisory",
    title=N_("aarch64 SVE reported"),
    requirement=N_("Whether the CPU has the Scalable Vector Extension (Features: sve, sve2) is recorded."),
    remedy=N_("Binaries built with SVE need a CPU that has it; build without SVE for this CPU."),
    applies_to={"arch": ["aarch64"]},
    source=KERNEL_HWCAPS,
    tags=("cpu-abi",),
)
def test_sve(facts: Facts, xc: CheckContext) -> None:
    flags = _flags(facts)
    xc.measure("sve", "sve" in flags, "bool")
    record(xc, "SVE", ", ".join(f for f in ("sve", "sve2") if f in flags) or "none")


@check(
    "XC-CPU-105",
    layer="cpu",
    severity="advisory",
    title=N_("x86-64 micro-architecture level reported"),
    requirement=N_(
        "The x86-64 micro-architecture level (v1 to v4) the CPU's flags reach is recorded; binaries built for "
        "a higher level (e.g. x86-64-v3) do not run here."
    ),
    remedy=N_("Build or buy the bundle's binaries for the level reported (Zhaoxin and older Hygon parts lack v3/v4)."),
    applies_to={"arch": ["x86_64"]},
    source="x86-64 psABI, 'Micro-architecture levels' (gitlab.com/x86-psABIs/x86-64-ABI)",
    tags=("cpu-abi",),
)
def test_x86_level(facts: Facts, xc: CheckContext) -> None:
    level, lacking = isa.x86_level(_flags(facts))
    xc.measure("x86_64_level", int(level[-1]) if level[-1].isdigit() else 1, "count")
    record(xc, "x86-64 level", f"{level}" + (f" (next level lacks {', '.join(lacking[:6])})" if lacking else ""))


@check(
    "XC-CPU-106",
    layer="cpu",
    severity="advisory",
    title=N_("x86-64 AVX present"),
    requirement=N_("The CPU has AVX (flags: avx); OceanBase's x86-64 packages require it."),
    remedy=N_("Use a CPU with AVX for OceanBase; other software: check its documented minimum."),
    applies_to={"arch": ["x86_64"]},
    source="oceanbase/obdeploy@a3e8c47d start_check_pre.py (x86 needs the avx flag)",
    tags=("cpu-abi",),
)
def test_avx(facts: Facts, xc: CheckContext) -> None:
    if not _feature(xc, facts, ("avx",), "avx"):
        xc.fail(N_("The CPU lacks {feature}: {why}"), feature="avx", why="cpuinfo flags")
    xc.note(N_("The CPU has {feature}"), feature="avx")


@check(
    "XC-CPU-107",
    layer="cpu",
    severity="advisory",
    title=N_("LoongArch LSX and LASX reported"),
    requirement=N_("Whether the CPU has the LSX (128-bit) and LASX (256-bit) vector extensions is recorded."),
    remedy=N_("Binaries built with LASX need a CPU that has it (3A5000 and later)."),
    applies_to={"arch": ["loongarch64"]},
    source="Linux arch/loongarch/kernel/proc.c (Features: lsx lasx); REFID 1.7 (3A5000 cpuinfo)",
    tags=("cpu-abi",),
)
def test_loongarch_simd(facts: Facts, xc: CheckContext) -> None:
    flags = _flags(facts)
    xc.measure("lsx", "lsx" in flags, "bool")
    xc.measure("lasx", "lasx" in flags, "bool")
    record(xc, "LoongArch vector extensions", ", ".join(f for f in ("lsx", "lasx") if f in flags) or "none")


@check(
    "XC-CPU-108",
    layer="cpu",
    severity="advisory",
    title=N_("MIPS MSA reported"),
    requirement=N_("Whether the MIPS CPU implements the MSA SIMD extension (ASEs implemented: msa) is recorded."),
    remedy=N_("Binaries built with MSA need a CPU that has it."),
    applies_to={"arch": ["mips64", "mips64el"]},
    source="Linux arch/mips/kernel/proc.c ('ASEs implemented' line)",
    tags=("cpu-abi",),
)
def test_mips_msa(facts: Facts, xc: CheckContext) -> None:
    record(xc, "MSA", "yes" if _feature(xc, facts, ("msa",), "msa") else "no")


@check(
    "XC-CPU-109",
    layer="cpu",
    severity="advisory",
    title=N_("LoongArch ABI world matches the OS release"),
    requirement=N_(
        "The LoongArch ABI of the host (old world: /lib64/ld.so.1; new world: ld-linux-loongarch-lp64d.so.1) "
        "is the one the OS release is documented to ship; old- and new-world binaries do not run on each other."
    ),
    remedy=N_("Use binaries built for the host's ABI world (or the new-world compatibility layer of the OS vendor)."),
    applies_to={"arch": ["loongarch64"]},
    source="distrotwin/kylin@101db81c README, distrotwin/uos@140b53ec README (REFID 1.7)",
    tags=("cpu-abi",),
)
def test_loongarch_world(target: HostSession, identity: dict[str, Component], xc: CheckContext) -> None:
    text = need(target, "hc-loongarch-abi")
    world = isa.loongarch_world(isa.loongarch_loaders(text))
    if world is None:
        raise FactMissing("no LoongArch dynamic loader (ld.so.1 or ld-linux-loongarch-lp64d.so.1) was found")
    rows = hostreq.entries("loongarch_world", lineage(identity, "os"))
    if not rows:
        record(xc, "LoongArch ABI world", world)
        return
    expected = str(rows[0]["world"])
    if expected != world:
        xc.fail(
            N_("{fact} is {value}; {product} requires {wanted} ({source})"),
            fact="LoongArch ABI world",
            value=world,
            product=lineage(identity, "os")[0],
            wanted=expected,
            source=rows[0]["source"],
        )
    xc.note(
        N_("{fact}: {value}, as documented for {os} ({source})"),
        fact="LoongArch ABI world",
        value=world,
        os=lineage(identity, "os")[0],
        source=rows[0]["source"],
    )


@check(
    "XC-CPU-110",
    layer="cpu",
    severity="advisory",
    title=N_("No binary translation in the certifying shell"),
    requirement=N_(
        "The certifying shell runs natively: its architecture (uname -m) is the one /proc/cpuinfo describes; "
        "translation layers (LATX, box64/box86, qemu-user binfmt entries) are reported, never taken for native."
    ),
    remedy=N_("Certify the host from a native shell; software run under translation is not certified as native."),
    source="Linux Documentation/admin-guide/binfmt-misc.rst; issue 15 item 1 (LATX, box64, qemu-user)",
    tags=("cpu-abi",),
)
def test_translation(facts: Facts, summary: dict[str, Any], target: HostSession, xc: CheckContext) -> None:
    text, tool = probe(target, "hc-binfmt")
    entries = [] if tool else [e for e in isa.binfmt_entries(text) if e["state"] == "enabled"]
    tools = isa.translation_tools(text)
    xc.measure("binfmt_translators", len(entries), "count")
    arch = summary.get("arch")
    if not arch:
        raise FactMissing("uname -m could not be read: native execution cannot be told")
    uname_family = isa.UNAME_FAMILY.get(arch)
    if uname_family is None:
        xc.not_applicable(N_("No sourced data for {what} of {os}"), what="the /proc/cpuinfo layout", os=arch)
    cpu_family = isa.cpuinfo_arch_family(facts.file("/proc/cpuinfo"))
    if cpu_family is None:
        raise FactMissing("/proc/cpuinfo could not be read or describes no known architecture")
    if uname_family != cpu_family:
        xc.fail(
            N_("The shell runs as {uname} but the CPU is {cpu}: binary translation"),
            uname=summary.get("arch"),
            cpu=cpu_family,
        )
    own = isa.own_arch_translators(entries, arch)
    if own:
        # binfmt_misc hands this architecture's own binaries to an interpreter: the shell is emulated
        xc.fail(
            N_("The shell runs as {uname} but the CPU is {cpu}: binary translation"),
            uname=arch,
            cpu=f"emulated by {', '.join(own)}",
        )
    shown = ", ".join([e["name"] for e in entries] + tools) or "none"
    if tool:
        shown += " (binfmt_misc is not visible here: a qemu-user registration cannot be ruled out)"
    xc.note(
        N_("Native {arch} shell; translators registered or installed: {translators}"),
        arch=summary.get("arch"),
        translators=shown,
    )


@check(
    "XC-CPU-111",
    layer="cpu",
    severity="advisory",
    title=N_("CPU vulnerabilities and mitigations recorded"),
    requirement=N_(
        "The kernel's view of each CPU vulnerability (/sys/devices/system/cpu/vulnerabilities) is recorded."
    ),
    remedy=N_("Update the kernel and the CPU microcode; enable the mitigations the site's policy requires."),
    source="Linux Documentation/ABI/testing/sysfs-devices-system-cpu, Documentation/admin-guide/hw-vuln/",
    tags=("cpu-abi",),
)
def test_vulnerabilities(target: HostSession, xc: CheckContext) -> None:
    text, tool = probe(target, "hc-cpu-vulns")
    if tool:
        xc.not_applicable(
            N_("The kernel exposes no {what} on this host ({reason})"),
            what="CPU vulnerability report",
            reason="no /sys/devices/system/cpu/vulnerabilities",
        )
    values = isa.sysfs_values(text)
    if not values:
        raise FactMissing("/sys/devices/system/cpu/vulnerabilities listed nothing")
    vulnerable = sorted(k for k, v in values.items() if v.lower().startswith("vulnerable"))
    xc.measure("vulnerable", len(vulnerable), "count")
    record(xc, "vulnerable", ", ".join(vulnerable) or f"none of {len(values)}")


@check(
    "XC-CPU-112",
    layer="cpu",
    severity="advisory",
    title=N_("CPU frequency governor recorded"),
    requirement=N_("The cpufreq scaling governor of the CPUs is recorded (performance tuning depends on it)."),
    remedy=N_("Set the governor the database vendor's tuning guide recommends (commonly performance)."),
    source="Linux Documentation/admin-guide/pm/cpufreq.rst",
    tags=("cpu-abi",),
)
def test_governor(target: HostSession, xc: CheckContext) -> None:
    text, tool = probe(target, "hc-cpufreq")
    if tool:
        xc.not_applicable(
            N_("The kernel exposes no {what} on this host ({reason})"),
            what="cpufreq governor",
            reason="no cpufreq driver (common in virtual machines)",
        )
    counts = isa.governors(text)
    if not counts:
        raise FactMissing("cpufreq exists but no scaling_governor could be read")
    record(xc, "governor", ", ".join(f"{g} x{n}" for g, n in counts.items()))


@check(
    "XC-CPU-113",
    layer="cpu",
    severity="advisory",
    title=N_("NUMA layout recorded"),
    requirement=N_("The NUMA nodes and the CPUs of each are recorded (/sys/devices/system/node)."),
    remedy=N_("Bind database instances to NUMA nodes as their tuning guides describe."),
    source="Linux Documentation/ABI/stable/sysfs-devices-node",
    tags=("cpu-abi",),
)
def test_numa(target: HostSession, xc: CheckContext) -> None:
    text, tool = probe(target, "hc-numa")
    if tool:
        xc.not_applicable(
            N_("The kernel exposes no {what} on this host ({reason})"),
            what="NUMA layout",
            reason="no /sys/devices/system/node",
        )
    nodes = isa.numa_nodes(text)
    if not nodes:
        raise FactMissing("/sys/devices/system/node lists no node with a cpulist")
    xc.measure("numa_nodes", len(nodes), "count")
    record(xc, "NUMA", "; ".join(f"{n}: {c}" for n, c in list(nodes.items())[:16]))


@check(
    "XC-CPU-114",
    layer="cpu",
    severity="advisory",
    title=N_("SMT state recorded"),
    requirement=N_(
        "Whether simultaneous multithreading is supported and active is recorded (/sys/devices/system/cpu/smt)."
    ),
    remedy=N_("Set SMT as the site's security and performance policy requires."),
    source="Linux Documentation/ABI/testing/sysfs-devices-system-cpu (smt/control, smt/active)",
    tags=("cpu-abi",),
)
def test_smt(target: HostSession, xc: CheckContext) -> None:
    text, tool = probe(target, "hc-smt")
    if tool:
        xc.not_applicable(
            N_("The kernel exposes no {what} on this host ({reason})"),
            what="SMT control",
            reason="kernel without CONFIG_HOTPLUG_SMT",
        )
    values = dict(line.split(" ", 1) for line in text.splitlines() if " " in line)
    if "control" not in values:
        raise FactMissing("smt/control could not be read")
    xc.measure("smt_active", values.get("active", "").strip() == "1", "bool")
    record(xc, "SMT", f"control {values['control'].strip()}, active {values.get('active', '?').strip()}")


@check(
    "XC-CPU-115",
    layer="cpu",
    severity="advisory",
    title=N_("OS release is published for this CPU architecture"),
    requirement=N_(
        "The operating system release is published for the CPU's architecture (the vendor's ISO list); an "
        "architecture a complete list does not name is not supported."
    ),
    remedy=N_("Install the release's build for this CPU (or a release that has one)."),
    source="harness/catalog/requirements.yml os_arches (wention/blogs@52d7d7cf:posts/others/kylinos-downloads.md)",
    tags=("cpu-abi",),
)
def test_os_arch_support(summary: dict[str, Any], identity: dict[str, Component], xc: CheckContext) -> None:
    arch = summary.get("arch")
    if not arch:
        raise FactMissing("uname -m could not be read")
    rows = hostreq.entries("os_arches", lineage(identity, "os"))
    if not rows:
        xc.not_applicable(
            N_("No sourced data for {what} of {os}"),
            what="the architectures",
            os=identity["os"].catalog_id or "this OS",
        )
    row = rows[0]
    arches = [str(a) for a in row["arches"]]
    if arch in arches:
        xc.note(
            N_("{fact}: {value}, as documented for {os} ({source})"),
            fact="architecture",
            value=arch,
            os=row["os"],
            source=row["source"],
        )
        return
    if row.get("complete"):
        xc.fail(
            N_("{fact} is {value}; {product} requires {wanted} ({source})"),
            fact="architecture",
            value=arch,
            product=row["os"],
            wanted=" | ".join(arches),
            source=row["source"],
        )
    record(xc, "architecture", f"{arch} (not among the sourced {', '.join(arches)}; the list is not complete)")
