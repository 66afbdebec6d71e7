"""The JVM each declared application server runs on: exists, a supported version, the CPU's architecture,
an identity that holds together, a heap that fits the host."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from harness import catalog
from harness.checks import N_, CheckContext, check
from harness.middleware.view import pair
from harness.probes.jvm import JvmInfo, heap_max_bytes, norm_arch, parse_jvm_info
from harness.probes.middleware import Jvm, server_of
from harness.probes.once import probe
from harness.session import HostSession

DECLARED = {"declared.middleware": ["*"]}
MIB = 1024**2


def _jvms(target: HostSession, xc: CheckContext) -> list[tuple[Mapping[str, Any], Jvm, JvmInfo]]:
    """[(declared target, its JVM, the JVM's info)]; not applicable without a declaration, fail without a JVM."""
    pairs = pair(target.spec, probe(target, "mw-jvms").text)
    if not pairs:
        xc.not_applicable(N_("No xc_middleware_targets declared"))
    missing = [t["name"] for t, jvm in pairs if jvm is None]
    if missing:
        xc.fail(N_("No running JVM for {targets}"), targets=", ".join(missing))
    infos = parse_jvm_info(probe(target, "mw-jvm-info").text)
    return [(t, jvm, infos.get(jvm.pid) or JvmInfo(jvm.pid, jvm.exe)) for t, jvm in pairs if jvm is not None]


@check(
    "XC-MW-010",
    layer="middleware",
    severity="mandatory",
    title=N_("The application server's JVM exists and answers"),
    requirement=N_("The java binary the declared server runs exists and reports its version (java -version)."),
    remedy=N_("Reinstall the JDK the server is configured with, or point the server at an installed one."),
    source="oec-hardware style functional check; OpenJDK java -XshowSettings:properties -version",
    tags=("middleware", "jvm"),
    applies_to=DECLARED,
)
def test_jvm_exists(target: HostSession, xc: CheckContext) -> None:
    rows = []
    for t, jvm, info in _jvms(target, xc):
        if not info.version or not info.elf:
            xc.fail(N_("{name}: the JVM {exe} did not report a version"), name=t["name"], exe=jvm.exe or "?")
        rows.append(f"{t['name']}: {info.exe} {info.version}")
    xc.note(N_("JVMs: {rows}"), rows="; ".join(rows))


def _java_min(product: str, version: str | None) -> tuple[int | None, str]:
    entry = next((e for e in catalog.load("middleware") if e.id == product), None)
    data = (entry.extra.get("detect") or {}) if entry else {}
    table = data.get("java_min") or {}
    best = None
    for line, minimum in table.items():
        if (
            version
            and (version == line or version.startswith(f"{line}."))
            and (best is None or len(line) > len(best[0]))
        ):
            best = (line, int(minimum))
    return (best[1] if best else None), str(data.get("java_source") or "")


@check(
    "XC-MW-011",
    layer="middleware",
    severity="mandatory",
    title=N_("JVM version supported by the application server"),
    requirement=N_(
        "The JVM's major version is at least the minimum the product's own documentation gives for its version."
    ),
    remedy=N_("Run the server on a JDK the product supports."),
    source="harness/catalog/middleware.yml java_min (Tomcat: tomcat.apache.org migration guides 10.1 and 11.0)",
    tags=("middleware", "jvm"),
    applies_to=DECLARED,
)
def test_jvm_supported(target: HostSession, xc: CheckContext) -> None:
    rows: list[str] = []
    unjudged: list[str] = []
    for t, jvm, info in _jvms(target, xc):
        server = server_of(jvm)
        version = _server_version(target, t, server.version if server else None)
        minimum, source = _java_min(str(t["product"]), version)
        if info.major is None:
            xc.fail(N_("{name}: the JVM's version could not be read"), name=t["name"])
        if minimum is None:
            unjudged.append(f"{t['name']} {version or '?'}: Java {info.major}")
            continue
        if info.major < minimum:
            xc.fail(
                N_("{name} {version} needs Java {minimum} or later, runs on Java {major}"),
                name=t["name"], version=version, minimum=minimum, major=info.major,
            )  # fmt: skip
        rows.append(f"{t['name']} {version}: Java {info.major} >= {minimum} ({source.split(' ')[0]})")
    if unjudged:
        xc.note(
            N_("JVM versions: {rows}; recorded, no documented minimum: {unjudged}"),
            rows="; ".join(rows) or "-",
            unjudged="; ".join(unjudged),
        )
    else:
        xc.note(N_("JVM versions: {rows}"), rows="; ".join(rows))


def _server_version(target: HostSession, t: Mapping[str, Any], running: str | None) -> str | None:
    """The most precise version known: the install directory's, else the command line's."""
    from harness.probes.middleware import installed_servers

    for s in installed_servers(probe(target, "mw-install").text):
        if s.product == t["product"] and s.version and str(t["home"]).startswith(s.home or "//"):
            return s.version
    return running


@check(
    "XC-MW-012",
    layer="middleware",
    severity="mandatory",
    title=N_("JVM architecture matches the CPU"),
    requirement=N_(
        "The JVM binary is built for the host's CPU architecture (no x86 JVM under translation on aarch64)."
    ),
    remedy=N_("Install the JDK built for this CPU (aarch64, loongarch64, ...) and point the server at it."),
    source="System V ABI ELF e_machine; uname -m; Xinchuang adaptation guides (native builds for Kunpeng/Phytium)",
    tags=("middleware", "jvm", "arch"),
    applies_to=DECLARED,
    waivable=False,
)
def test_jvm_arch(target: HostSession, summary: dict[str, Any], xc: CheckContext) -> None:
    cpu = norm_arch(summary.get("arch"))
    rows = []
    for t, jvm, info in _jvms(target, xc):
        if info.elf is None or cpu is None:
            raise RuntimeError(f"the architecture of {jvm.exe} or of the host could not be read")
        if info.elf != cpu:
            xc.fail(N_("{name}: {elf} JVM {exe} on an {cpu} CPU"), name=t["name"], elf=info.elf, exe=info.exe, cpu=cpu)
        rows.append(f"{t['name']}: {info.elf}")
    xc.note(N_("JVM and CPU are both {arch}: {rows}"), arch=cpu, rows="; ".join(rows))


@check(
    "XC-MW-013",
    layer="middleware",
    severity="mandatory",
    title=N_("JVM architecture identity holds together"),
    requirement=N_(
        "The JVM's release file (OS_ARCH) and its os.arch property name the architecture its binary is built for."
    ),
    remedy=N_("Reinstall the JDK: its files belong to a build for another architecture."),
    source="OpenJDK JEP 220 ($JAVA_HOME/release OS_ARCH); java.lang.System os.arch",
    tags=("middleware", "jvm", "arch", "consistency"),
    applies_to=DECLARED,
    waivable=False,
)
def test_jvm_identity(target: HostSession, xc: CheckContext) -> None:
    rows = []
    for t, _jvm, info in _jvms(target, xc):
        claims = {k: v for k, v in info.claimed_arch.items() if v}
        if info.elf is None or not claims:
            raise RuntimeError(f"the JVM of {t['name']} did not show its binary or its claimed architecture")
        wrong = {k: v for k, v in claims.items() if v != info.elf}
        if wrong:
            k, v = next(iter(wrong.items()))
            xc.fail(
                N_("{name}: the binary is {elf} but {what} says {claimed}"),
                name=t["name"],
                elf=info.elf,
                what=k,
                claimed=v,
            )
        rows.append(f"{t['name']}: {info.elf} ({', '.join(claims)})")
    xc.note(N_("JVM identity agrees: {rows}"), rows="; ".join(rows))


@check(
    "XC-MW-014",
    layer="middleware",
    severity="mandatory",
    title=N_("JVM heap fits the host's memory"),
    requirement=N_(
        "The maximum heap (-Xmx, or the JVM default of a quarter of physical memory) is below the host's memory."
    ),
    remedy=N_("Lower -Xmx in the server's start script, or add memory."),
    source="Oracle HotSpot Virtual Machine Garbage Collection Tuning Guide, Ergonomics (default maximum heap 1/4 of physical memory)",
    tags=("middleware", "jvm", "memory"),
    applies_to=DECLARED,
)
def test_heap(target: HostSession, summary: dict[str, Any], xc: CheckContext) -> None:
    total = summary.get("memory_total_bytes")
    if not total:
        raise RuntimeError("the host's memory could not be read")
    rows = []
    for t, jvm, _info in _jvms(target, xc):
        heap = heap_max_bytes(jvm.cmdline)
        shown = f"-Xmx {heap // MIB} MiB" if heap else f"default {total // 4 // MIB} MiB"
        xc.measure(f"heap_max_{t['name']}", (heap or total // 4) // MIB, "MiB")
        if heap and heap >= total:
            xc.fail(
                N_("{name}: {heap} is not below the host's {total} MiB"), name=t["name"], heap=shown, total=total // MIB
            )
        rows.append(f"{t['name']}: {shown} of {total // MIB} MiB")
    xc.note(N_("Heap: {rows}"), rows="; ".join(rows))
