"""OS layer, issue 15: the page size against the release, and the binaries that must load on it."""

from __future__ import annotations

from typing import Any

from harness import hostreq
from harness.checks import N_, CheckContext, check
from harness.identify import Component
from harness.probes import elf
from harness.session import HostSession
from suites.hostlib import FactMissing, lineage, need, probe

JEMALLOC = "jemalloc/jemalloc#467 and #2572 (a 4 KiB build aborts on 64 KiB pages: 'Unsupported system page size')"
CEF = "chromiumembedded/cef#3695 ('ELF load command alignment not page-aligned' with LOAD Align 0x1000 on 65536)"


def _page(summary: dict[str, Any]) -> int:
    size = summary.get("page_size")
    if not size:
        raise FactMissing("the page size could not be read (getconf PAGESIZE)")
    return int(size)


@check(
    "XC-OS-100",
    layer="os",
    severity="advisory",
    title=N_("Page size is the one the OS release ships"),
    requirement=N_(
        "On aarch64 the kernel's page size is the one the OS release is documented to ship (openEuler 20.03 "
        "and Kylin V10: 64 KiB; openEuler 22.03 and 24.03: 4 KiB); another means a non-default kernel."
    ),
    remedy=N_("Boot the release's default kernel, or certify every binary of the bundle for this page size."),
    applies_to={"arch": ["aarch64"]},
    source="harness/catalog/requirements.yml page_size (REF 1.1: openEuler kernel I4HDHZ, rustfs#3276, qdrant#6512)",
    tags=("pagesize",),
)
def test_page_size_release(summary: dict[str, Any], identity: dict[str, Component], xc: CheckContext) -> None:
    size = _page(summary)
    xc.measure("page_size", size, "bytes")
    rows = [r for r in hostreq.entries("page_size", lineage(identity, "os")) if r.get("arch") == "aarch64"]
    if not rows:
        xc.note(
            N_("Page size is {size} bytes; no sourced expectation for {os}: recorded"),
            size=size,
            os=identity["os"].catalog_id or "this OS",
        )
        return
    want = int(rows[0]["bytes"])
    if size != want:
        xc.fail(
            N_("Page size is {size} bytes; {os} ships {wanted} ({source})"),
            size=size,
            os=rows[0]["os"],
            wanted=want,
            source=rows[0]["source"],
        )
    xc.note(
        N_("Page size is {size} bytes, as {os} ships ({source})"), size=size, os=rows[0]["os"], source=rows[0]["source"]
    )


@check(
    "XC-OS-101",
    layer="os",
    severity="advisory",
    title=N_("Page size agrees with the kernel configuration"),
    requirement=N_("getconf PAGESIZE equals the page size the running kernel's configuration selects."),
    remedy=N_("A disagreement means the user space does not see the running kernel: check the certifying shell."),
    source="Android 'Getting page size' (source.android.google.cn/docs/core/architecture/16kb-page-size/getting-page-size)",
    tags=("pagesize",),
)
def test_page_size_config(summary: dict[str, Any], target: HostSession, xc: CheckContext) -> None:
    size = _page(summary)
    text, tool = probe(target, "hc-kernel-pagesize-config")
    if tool:
        xc.not_applicable(
            N_("The kernel exposes no {what} on this host ({reason})"),
            what="configuration",
            reason="neither /boot/config-$(uname -r) nor /proc/config.gz",
        )
    configured = elf.kernel_page_config(text)
    if configured is None and "config without a page-size option" in text:
        xc.not_applicable(
            N_("The kernel exposes no {what} on this host ({reason})"),
            what="page size option",
            reason="its configuration has none: the architecture has one base page size",
        )
    if configured is None:
        raise FactMissing("the kernel configuration names no page size")
    if configured != size:
        xc.fail(
            N_("getconf says {size} bytes but the kernel is configured for {configured}"),
            size=size,
            configured=configured,
        )
    xc.note(N_("Page size is {size} bytes in getconf and in the kernel configuration"), size=size)


def _alignment_check(
    xc: CheckContext, summary: dict[str, Any], target: HostSession, probe_name: str, what: str
) -> None:
    size = _page(summary)
    text = need(target, probe_name)
    aligns = elf.load_alignments(text)
    if not aligns:
        xc.not_applicable(N_("Nothing to look at: {what}"), what=what)
    bad = elf.misaligned(aligns, size)
    xc.measure("elf_files", len(aligns), "count")
    xc.measure("misaligned", len(bad), "count")
    if bad:
        xc.fail(
            N_("{count} of {total} ELF files have LOAD segments aligned below the {size}-byte page: {files}"),
            count=len(bad),
            total=len(aligns),
            size=size,
            files=", ".join(f"{p} ({aligns[p]:#x})" for p in bad[:8]),
        )
    xc.note(
        N_("All {total} ELF files have LOAD segments aligned to at least {size} bytes"), total=len(aligns), size=size
    )


@check(
    "XC-OS-102",
    layer="os",
    severity="mandatory",
    title=N_("Database and middleware binaries aligned to the page size"),
    requirement=N_(
        "Every executable and shared object of the running databases and application servers, and of the "
        "catalogued products' install directories, has LOAD segments aligned to at least the page size."
    ),
    remedy=N_(
        "Rebuild the named files with -Wl,-z,max-page-size=65536 (binutils' aarch64 default), or use the vendor's 64 KiB build."
    ),
    profiles=("full", "disruptive"),
    source=CEF + "; upx/upx#254 (binutils aarch64 default 0x10000)",
    tags=("pagesize",),
)
def test_elf_alignment(summary: dict[str, Any], target: HostSession, xc: CheckContext) -> None:
    _alignment_check(xc, summary, target, "hc-elf-align", "no database or application server runs or is installed")


@check(
    "XC-OS-103",
    layer="os",
    severity="advisory",
    title=N_("Third-party shared objects aligned to the page size"),
    requirement=N_(
        "Every shared object under /opt and /usr/local has LOAD segments aligned to at least the page size."
    ),
    remedy=N_("Rebuild or replace the named libraries with builds for this page size."),
    profiles=("full", "disruptive"),
    source=CEF,
    tags=("pagesize",),
)
def test_thirdparty_alignment(summary: dict[str, Any], target: HostSession, xc: CheckContext) -> None:
    _alignment_check(xc, summary, target, "hc-thirdparty-align", "no shared object under /opt or /usr/local")


@check(
    "XC-OS-104",
    layer="os",
    severity="mandatory",
    title=N_("Installed jemalloc works with the page size"),
    requirement=N_(
        "Every jemalloc library installed runs a program when preloaded: a jemalloc built for a smaller page "
        "size aborts with 'Unsupported system page size'."
    ),
    remedy=N_("Install a jemalloc configured with --with-lg-page=16 (works on 4 KiB and 64 KiB kernels)."),
    profiles=("full", "disruptive"),
    source=JEMALLOC + "; redis/redis-rpm#59 (--with-lg-page=16); jemalloc(3) stats_print 'Page size' (arenas.page)",
    tags=("pagesize",),
)
def test_jemalloc(summary: dict[str, Any], target: HostSession, xc: CheckContext) -> None:
    size = _page(summary)
    text = need(target, "hc-jemalloc")
    done, results = elf.jemalloc_results(text)
    if not done:
        raise FactMissing("the jemalloc probe did not finish")
    if not results:
        xc.not_applicable(N_("Nothing to look at: {what}"), what="no jemalloc library is installed")
    broken = elf.jemalloc_broken(results)
    if broken:
        xc.fail(
            N_("{libs} failed on the {size}-byte page: {said}"),
            libs=", ".join(broken),
            size=size,
            said=results[broken[0]][:160],
        )
    pages = elf.jemalloc_pages(text)
    if pages:
        # compiled for a smaller page than 64 KiB: runs here, aborts on a 64 KiB kernel (jemalloc#2572)
        xc.measure("jemalloc_page_min", min(pages.values()), "bytes")
    xc.note(
        N_("{count} jemalloc libraries run on the {size}-byte page; compiled page sizes: {pages}"),
        count=len(results),
        size=size,
        pages=", ".join(f"{lib} {page}" for lib, page in pages.items()) or "not printed",
    )


@check(
    "XC-OS-105",
    layer="os",
    severity="mandatory",
    title=N_("Database and middleware binaries resolve every library"),
    requirement=N_(
        "ldd resolves every shared library of the running databases' and application servers' executables and of the catalogued install directories."
    ),
    remedy=N_(
        "Install the packages that provide the libraries named (or set the product's library path in its service unit)."
    ),
    profiles=("full", "disruptive"),
    source="ldd(1); issue 17 item 1 ('ldd -d -r resolves everything'); REFID 3.3 (install directories)",
    tags=("pagesize",),
)
def test_ldd(target: HostSession, xc: CheckContext) -> None:
    text, tool = probe(target, "hc-ldd")
    if tool:
        raise FactMissing(f"{tool} is not installed: the libraries cannot be resolved")
    files, problems = elf.unresolved(text)
    if not files:
        xc.not_applicable(
            N_("Nothing to look at: {what}"), what="no database or application server runs or is installed"
        )
    xc.measure("binaries", len(files), "count")
    if problems:
        xc.fail(
            N_("{count} binaries have unresolved libraries: {detail}"),
            count=len(problems),
            detail="; ".join(f"{f}: {', '.join(libs[:4])}" for f, libs in list(problems.items())[:5]),
        )
    xc.note(N_("All {count} binaries resolve every library"), count=len(files))
