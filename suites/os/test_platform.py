"""OS layer, issue 15: platform services applications rely on (locales, fonts, time, runtimes, init)."""

from __future__ import annotations

import re
from typing import Any

from harness import hostreq
from harness.checks import N_, CheckContext, check
from harness.facts.snapshot import Facts
from harness.identify import Component
from harness.probes import platform
from harness.probes.hostprobe import lines
from harness.session import HostSession
from suites.hostlib import FactMissing, lineage, need, probe, record, run_probe

GLIBC_LOCALES = "glibc localedata/SUPPORTED (zh_CN.GB18030 GB18030, en_US.UTF-8, ru_RU.UTF-8); localedef(1) (REF 6)"
TAGS = ("platform",)


def _locales(target: HostSession) -> list[str]:
    result = run_probe(target, "locale-a")
    if result.rc != 0 or not result.text.strip():
        raise FactMissing(f"locale -a gave nothing (rc {result.rc})")
    return result.text.split()


def _has_locale(locales: list[str], lang: str, charset: str) -> bool:
    want = re.compile(rf"^{re.escape(lang)}\.{charset}$", re.IGNORECASE)
    return any(want.match(name) for name in locales)


def _locale_check(target: HostSession, xc: CheckContext, lang: str, charset: str, shown: str) -> None:
    locales = _locales(target)
    if not _has_locale(locales, lang, charset):
        xc.fail(
            N_("Locale {locale} is not installed; locales: {locales}"), locale=shown, locales=", ".join(locales[:12])
        )
    xc.note(N_("Locale {locale} is installed"), locale=shown)


@check(
    "XC-OS-200",
    layer="os",
    severity="advisory",
    title=N_("zh_CN.GB18030 locale available"),
    requirement=N_(
        "The zh_CN.GB18030 locale is installed (locale -a), for applications that run in the national encoding."
    ),
    remedy=N_("localedef -i zh_CN -f GB18030 zh_CN.GB18030 (or install the distribution's Chinese locale package)."),
    source=GLIBC_LOCALES + "; GB 18030-2022 (mandatory national character set standard)",
    tags=TAGS,
)
def test_locale_gb18030(target: HostSession, xc: CheckContext) -> None:
    _locale_check(target, xc, "zh_CN", "gb18030", "zh_CN.GB18030")


@check(
    "XC-OS-201",
    layer="os",
    severity="advisory",
    title=N_("en_US.UTF-8 locale available"),
    requirement=N_("The en_US.UTF-8 locale is installed (openEuler's glibc-common ships zh_CN and en_US)."),
    remedy=N_("localedef -i en_US -f UTF-8 en_US.UTF-8 (or install glibc-langpack-en / locales)."),
    source=GLIBC_LOCALES + "; openEuler glibc-2.38-24 spec [index-only]",
    tags=TAGS,
)
def test_locale_en(target: HostSession, xc: CheckContext) -> None:
    _locale_check(target, xc, "en_US", "utf-?8", "en_US.UTF-8")


@check(
    "XC-OS-202",
    layer="os",
    severity="advisory",
    title=N_("ru_RU.UTF-8 locale available"),
    requirement=N_("The ru_RU.UTF-8 locale is installed, for bundles delivered in Russian."),
    remedy=N_("localedef -i ru_RU -f UTF-8 ru_RU.UTF-8 (or install glibc-langpack-ru / locales)."),
    source=GLIBC_LOCALES + "; issue 15 item 6 (reports and deliveries in en, zh and ru)",
    tags=TAGS,
)
def test_locale_ru(target: HostSession, xc: CheckContext) -> None:
    _locale_check(target, xc, "ru_RU", "utf-?8", "ru_RU.UTF-8")


def _glibc(summary: dict[str, Any]) -> tuple[int, int] | None:
    m = re.match(r"(\d+)\.(\d+)", summary.get("glibc") or "")
    return (int(m.group(1)), int(m.group(2))) if m else None


@check(
    "XC-OS-203",
    layer="os",
    severity="advisory",
    title=N_("GB18030-2022 mappings as the glibc release has them"),
    requirement=N_(
        "iconv decodes the GB18030-2022 sequence 82 35 90 37 to U+E81E where glibc is 2.39 or later (the first "
        "release with the 2022 charmap); on older glibc the mappings are reported (a vendor backport may add them)."
    ),
    remedy=N_("Update glibc to 2.39 or a vendor build with the GB18030-2022 patch (BZ #30243)."),
    source="glibc commit e1d33120 'add GB18030-2022 charmap' [BZ #30243], first in glibc-2.39 (REF 6)",
    tags=TAGS,
)
def test_gb18030_2022(summary: dict[str, Any], target: HostSession, xc: CheckContext) -> None:
    glibc = _glibc(summary)
    if glibc is None:
        raise FactMissing("the glibc version could not be read")
    result = run_probe(target, "iconv-gb18030-2022")
    if result.rc == 127 and not result.text.strip():
        raise FactMissing("iconv could not be run")
    has_2022 = "ee a0 9e" in result.text
    xc.measure("gb18030_2022_mappings", has_2022, "bool")
    if glibc >= (2, 39) and not has_2022:
        xc.fail(N_("glibc {version} should decode GB18030-2022 but does not"), version=summary.get("glibc"))
    record(xc, f"GB18030-2022 mappings (glibc {summary.get('glibc')})", "yes" if has_2022 else "no")


@check(
    "XC-OS-204",
    layer="os",
    severity="advisory",
    title=N_("CJK fonts installed"),
    requirement=N_("At least one font covering Chinese is installed (fc-list :lang=zh lists a family)."),
    remedy=N_("Install a CJK font package (e.g. google-noto-sans-cjk, wqy-microhei, or the OS's Chinese fonts)."),
    source="fontconfig fc-list(1) ':lang=zh' pattern; issue 15 item 6",
    tags=TAGS,
)
def test_cjk_fonts(target: HostSession, xc: CheckContext) -> None:
    text, tool = probe(target, "hc-fonts-zh")
    if tool:
        xc.fail(N_("fontconfig (fc-list) is not installed: no application can find a Chinese font"))
    if "end" not in text.split():
        raise FactMissing("fc-list did not finish")
    families = platform.font_families(text)
    xc.measure("cjk_fonts", len(families), "count")
    if not families:
        xc.fail(N_("No font covers Chinese (fc-list :lang=zh is empty)"))
    xc.note(
        N_("{count} font families cover Chinese: {families}"), count=len(families), families=", ".join(families[:6])
    )


@check(
    "XC-OS-205",
    layer="os",
    severity="advisory",
    title=N_("Time zone recorded"),
    requirement=N_(
        "The host's time zone is recorded; every host of a cluster must use the same (openGauss gs_checkos A4)."
    ),
    remedy=N_("timedatectl set-timezone ZONE (the same on every host)."),
    source="opengauss-mirror/openGauss-OM@792253ff gs_checkos A4 time zone (REF 4.1)",
    tags=TAGS,
)
def test_timezone(target: HostSession, xc: CheckContext) -> None:
    text = need(target, "hc-timezone")
    zone = platform.timezone(text)
    offsets = lines(text, "offset")
    if zone is None and not offsets:
        raise FactMissing("neither timedatectl, /etc/localtime nor /etc/timezone names a zone")
    record(xc, "time zone", f"{zone or 'unnamed'} (UTC{offsets[0] if offsets else '?'})")


@check(
    "XC-OS-206",
    layer="os",
    severity="advisory",
    title=N_("Clock offset measured"),
    requirement=N_(
        "The clock's offset from its time source is measured (chronyc tracking, timedatectl timesync-status or ntpq)."
    ),
    remedy=N_(
        "Install chrony and point it at the site's time servers; cluster clocks must agree within 200 ms (OceanBase)."
    ),
    source="oceanbase/obdeploy@a3e8c47d (cluster clocks within 200 ms); chronyc(1) tracking 'System time' (REF 4.2, 6)",
    tags=TAGS,
)
def test_clock_offset(target: HostSession, xc: CheckContext) -> None:
    text, tool = probe(target, "hc-clock-offset")
    if tool:
        xc.not_applicable(
            N_("{tool} is not installed: {what} is not present"),
            tool="chrony, systemd-timesyncd, ntp",
            what="a time-sync client to measure the offset (XC-OS-007 judges time synchronisation)",
        )
    offset, source = platform.clock_offset_ms(text)
    if offset is None:
        raise FactMissing(f"{source or 'the time tool'} reported no offset (not synchronised yet?)")
    xc.measure("clock_offset", round(offset, 3), "ms")
    record(xc, f"clock offset ({source})", f"{offset:+.3f} ms")


@check(
    "XC-OS-207",
    layer="os",
    severity="advisory",
    title=N_("Java runtime native to the host"),
    requirement=N_(
        "The Java runtime on the path is a 64-bit JVM for the host's own architecture (a 32-bit or x86 JVM on an aarch64 host fails); its version and vendor are recorded."
    ),
    remedy=N_("Install the OS vendor's 64-bit OpenJDK for this architecture (e.g. Kunpeng/BiSheng JDK on aarch64)."),
    source="OpenJDK System.getProperties() (os.arch, sun.arch.data.model, java.vendor); issue 15 item 6",
    tags=TAGS,
)
def test_java(summary: dict[str, Any], target: HostSession, xc: CheckContext) -> None:
    text, tool = probe(target, "hc-java")
    if tool:
        xc.not_applicable(N_("{tool} is not installed: {what} is not present"), tool="java", what="a Java runtime")
    props = platform.java_properties(text)
    arch = props.get("os.arch")
    if not arch:
        raise FactMissing("java printed no os.arch property")
    native = platform.JAVA_ARCH.get(arch, arch)
    bits = props.get("sun.arch.data.model", "")
    shown = f"{props.get('java.version', '?')} ({props.get('java.vendor', '?')}, {arch}, {bits or '?'}-bit)"
    if native != summary.get("arch") or bits == "32":
        xc.fail(N_("Java {java} does not run natively on this {arch} host"), java=shown, arch=summary.get("arch"))
    xc.note(N_("Java {java} runs natively"), java=shown)


@check(
    "XC-OS-208",
    layer="os",
    severity="advisory",
    title=N_("Python version recorded"),
    requirement=N_(
        "The version of python3 on the path is recorded (database tools such as openGauss's need 3.6 or later)."
    ),
    remedy=N_("Install python3 from the distribution."),
    source="opengauss-mirror/docs InstallationGuide (Python >= 3.6) (REF 4.1)",
    tags=TAGS,
)
def test_python(target: HostSession, xc: CheckContext) -> None:
    text, tool = probe(target, "hc-python")
    if tool:
        xc.not_applicable(N_("{tool} is not installed: {what} is not present"), tool="python3", what="Python")
    version = platform.python_version(text)
    if version is None:
        raise FactMissing("python --version printed no version")
    record(xc, "Python", version)


@check(
    "XC-OS-209",
    layer="os",
    severity="advisory",
    title=N_("Package manager matches the OS family"),
    requirement=N_(
        "The package tool of the OS family is present (RPM for Kylin Server, openEuler and Anolis; dpkg for Kylin Desktop, UOS Desktop 20, deepin)."
    ),
    remedy=N_("A missing package tool means a damaged or foreign installation: reinstall from the vendor's medium."),
    source="harness/catalog/requirements.yml package_manager (REFID 2.1)",
    tags=TAGS,
)
def test_package_manager(identity: dict[str, Component], target: HostSession, xc: CheckContext) -> None:
    text = need(target, "hc-package-managers")
    if "end" not in text.split():
        raise FactMissing("the package tool probe did not finish")
    tools = platform.package_tools(text)
    rows = hostreq.entries("package_manager", lineage(identity, "os"))
    if not rows:
        xc.not_applicable(
            N_("No sourced data for {what} of {os}"),
            what="the package manager",
            os=identity["os"].catalog_id or "this OS",
        )
    wanted = [str(t) for t in rows[0]["tools"]]
    if not any(t in tools for t in wanted):
        xc.fail(
            N_("{os} uses {wanted} but the host has {tools}"),
            os=rows[0]["os"],
            wanted=" or ".join(wanted),
            tools=", ".join(tools) or "none",
        )
    xc.note(N_("{os} uses {wanted}: present"), os=rows[0]["os"], wanted=" or ".join(wanted))


@check(
    "XC-OS-210",
    layer="os",
    severity="advisory",
    title=N_("Kernel in the release's series"),
    requirement=N_(
        "The running kernel belongs to the series the OS release ships (openEuler 20.03: 4.19, 22.03: 5.10, 24.03: 6.6; Kylin V10: 4.19.90-*.ky10)."
    ),
    remedy=N_("Boot the release's own kernel; vendors certify their software against it."),
    source="harness/catalog/requirements.yml kernel_series (REF 1.1; REFID 2.2)",
    tags=TAGS,
)
def test_kernel_series(summary: dict[str, Any], identity: dict[str, Component], xc: CheckContext) -> None:
    kernel = summary.get("kernel")
    if not kernel:
        raise FactMissing("uname -r could not be read")
    rows = hostreq.entries("kernel_series", lineage(identity, "os"))
    if not rows:
        xc.not_applicable(
            N_("No sourced data for {what} of {os}"),
            what="the kernel series",
            os=identity["os"].catalog_id or "this OS",
        )
    if not re.fullmatch(str(rows[0]["regex"]), kernel):
        xc.fail(
            N_("Kernel {kernel} is not of the series {os} ships ({source})"),
            kernel=kernel,
            os=rows[0]["os"],
            source=rows[0]["source"],
        )
    xc.note(N_("Kernel {kernel} is of the series {os} ships"), kernel=kernel, os=rows[0]["os"])


@check(
    "XC-OS-211",
    layer="os",
    severity="advisory",
    title=N_("Host name resolves"),
    requirement=N_(
        "The host's own name resolves (getent hosts $(hostname)); database cluster tools address hosts by name."
    ),
    remedy=N_("Add the host name to /etc/hosts (or DNS) with the address the bundle uses."),
    source="getent(1); openGauss-OM gs_preinstall (cluster hosts by name) (REF 4.1); issue 15 item 6",
    tags=TAGS,
)
def test_resolve_self(target: HostSession, xc: CheckContext) -> None:
    text = need(target, "hc-resolve-self")
    if "end" not in text.split():
        raise FactMissing("the name resolution probe did not finish")
    name, addrs = platform.resolved_self(text)
    if not name:
        raise FactMissing("hostname printed nothing")
    if not addrs:
        xc.fail(N_("Host name {name} does not resolve"), name=name)
    xc.note(N_("Host name {name} resolves to {addresses}"), name=name, addresses=", ".join(addrs))


@check(
    "XC-OS-212",
    layer="os",
    severity="advisory",
    title=N_("cgroup version recorded"),
    requirement=N_(
        "Whether the host uses cgroup v1 or the unified cgroup v2 hierarchy is recorded (container runtimes and resource limits depend on it)."
    ),
    remedy=N_("Boot with systemd.unified_cgroup_hierarchy as the bundle's container runtime requires."),
    source="Linux Documentation/admin-guide/cgroup-v2.rst",
    tags=TAGS,
)
def test_cgroup(target: HostSession, xc: CheckContext) -> None:
    text = need(target, "hc-cgroup")
    version = platform.cgroup_version(text)
    if version is None and "fstype sysfs" in text:
        xc.not_applicable(N_("There is no {what} on this host"), what="cgroup hierarchy mounted at /sys/fs/cgroup")
    if version is None:
        shown = " ".join(text.split())[:80] or "nothing"
        raise FactMissing(
            f"the cgroup version cannot be read: /sys/fs/cgroup is neither cgroup2fs nor a v1 tmpfs ({shown})"
        )
    record(xc, "cgroup", version)


@check(
    "XC-OS-213",
    layer="os",
    severity="advisory",
    title=N_("systemd running without failed units"),
    requirement=N_("systemd reports the system running, not degraded (no failed units)."),
    remedy=N_("Inspect the failed units (systemctl --failed) and repair or disable them."),
    source="systemctl(1) is-system-running (running, degraded) and --failed",
    tags=TAGS,
)
def test_systemd(target: HostSession, xc: CheckContext) -> None:
    text, tool = probe(target, "hc-systemd")
    if tool:
        xc.not_applicable(N_("systemd is not the init system here (a container or another init)"))
    state, failed = platform.systemd_state(text)
    if not state:
        raise FactMissing("systemctl is-system-running printed nothing")
    xc.measure("failed_units", len(failed), "count")
    if state == "degraded" or failed:
        xc.fail(N_("systemd is {state}; failed units: {units}"), state=state, units=", ".join(failed) or "none listed")
    xc.note(N_("systemd is {state}"), state=state)


@check(
    "XC-OS-214",
    layer="os",
    severity="advisory",
    title=N_("System language recorded"),
    requirement=N_(
        "The system LANG (/etc/locale.conf or /etc/default/locale) is recorded; every host of a cluster must use the same (openGauss gs_checkos A3)."
    ),
    remedy=N_("localectl set-locale LANG=zh_CN.UTF-8 (the same on every host)."),
    source="opengauss-mirror/openGauss-OM@792253ff gs_checkos A3 Unicode (REF 4.1)",
    tags=TAGS,
)
def test_lang(facts: Facts, xc: CheckContext) -> None:
    for path in ("/etc/locale.conf", "/etc/default/locale"):
        text = facts.file(path)
        if text is not None:
            m = re.search(r"^\s*LANG=\"?([^\"\s]+)", text, re.MULTILINE)
            record(xc, f"LANG ({path})", m.group(1) if m else "not set")
            return
    if not facts.files:
        raise FactMissing("the system language cannot be read: the fact pass read no file")
    # the fact pass reads both files wherever they exist: neither means no system-wide LANG
    record(xc, "LANG", "not set (neither /etc/locale.conf nor /etc/default/locale exists)")
