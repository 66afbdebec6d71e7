"""OS layer: which operating system, and the platform services Chinese applications rely on."""

from __future__ import annotations

import re
from typing import Any

from harness.checks import N_, CheckContext, check
from harness.facts.snapshot import Facts
from harness.identify import Component
from harness.probes.os_release import parse_os_release
from harness.session import HostSession
from harness.terms import message


@check(
    "XC-OS-001",
    source='os-release(5), freedesktop.org',
    waivable=False,  # identity/consistency: a waiver cannot change what the host is
    layer="os",
    severity="mandatory",
    title=N_("Operating system identified from os-release"),
    requirement=N_("/etc/os-release (or /usr/lib/os-release) names the operating system and its version."),
    remedy=N_("Restore /etc/os-release from the distribution's release package."),
)
def test_os_identified(facts: Facts, identity: dict[str, Component], xc: CheckContext) -> None:
    fields = parse_os_release(facts.file("/etc/os-release") or facts.file("/usr/lib/os-release"))
    if not fields.get("ID"):
        xc.fail(N_("No usable os-release: {reason}"), reason=identity["os"].description or message(N_("no ID= line")))
    xc.note(
        N_("{name} (ID={id}, VERSION_ID={version})"),
        name=fields.get("PRETTY_NAME") or fields.get("NAME", "?"),
        id=fields["ID"],
        version=fields.get("VERSION_ID", "?"),
    )


@check(
    "XC-OS-002",
    source='harness/catalog/os.yml, each Xinchuang entry with its source',
    waivable=False,  # identity/consistency: a waiver cannot change what the host is
    layer="os",
    severity="mandatory",
    title=N_("Operating system is a catalogued Xinchuang platform"),
    requirement=N_("The operating system is a Xinchuang platform known to the catalog (Kylin, UOS, openEuler, ...)."),
    remedy=N_(
        "Install a catalogued Xinchuang operating system; if this one is, add it to the catalog with its source."
    ),
)
def test_os_xinchuang(identity: dict[str, Component], xc: CheckContext) -> None:
    os_ = identity["os"]
    if os_.catalog_id is None:
        xc.fail(N_("{os} is not in the catalog"), os=os_.product or message(N_("The operating system")))
    if not os_.xinchuang:
        xc.fail(
            N_("{os} {version} is catalogued but is not a Xinchuang platform"),
            os=os_.product,
            version=os_.version or "",
        )
    xc.note(
        N_("{os} {version} is a catalogued Xinchuang platform ({id})"),
        os=os_.product,
        version=os_.version or "",
        id=os_.catalog_id,
    )


@check(
    "XC-OS-003",
    source='uname(2) / uname(1) -r',
    layer="os",
    severity="advisory",
    title=N_("Kernel version reported"),
    requirement=N_("The running kernel's release (uname -r) is recorded."),
    remedy=N_("Make uname available to the certifying user."),
)
def test_kernel_version(summary: dict[str, Any], xc: CheckContext) -> None:
    kernel = summary.get("kernel")
    if not kernel:
        xc.fail(N_("The kernel release could not be read"))
    xc.note(N_("Kernel {kernel}"), kernel=kernel)


@check(
    "XC-OS-004",
    source='confstr(3) _CS_GNU_LIBC_VERSION (getconf GNU_LIBC_VERSION)',
    layer="os",
    severity="advisory",
    title=N_("glibc version reported"),
    requirement=N_("The C library's version (getconf GNU_LIBC_VERSION or ldd --version) is recorded."),
    remedy=N_("Install getconf (libc-bin or glibc-common)."),
)
def test_glibc_version(summary: dict[str, Any], xc: CheckContext) -> None:
    glibc = summary.get("glibc")
    if not glibc:
        xc.fail(N_("The glibc version could not be read"))
    xc.note(N_("glibc {version}"), version=glibc)


_ZH_UTF8 = re.compile(r"^zh_CN\.utf-?8$", re.IGNORECASE)


@check(
    "XC-OS-005",
    source='locale(1), localedef(1); HOST-CHECKS.md, platform services (Chinese applications need zh_CN.UTF-8)',
    layer="os",
    severity="mandatory",
    title=N_("zh_CN.UTF-8 locale available"),
    requirement=N_("The zh_CN.UTF-8 locale is installed (locale -a lists it)."),
    remedy=N_(
        "Generate it: localedef -i zh_CN -f UTF-8 zh_CN.UTF-8 (or install the distribution's Chinese language pack)."
    ),
)
def test_locale_zh(target: HostSession, xc: CheckContext) -> None:
    result = target.probe("locale-a")
    if result.rc != 0:
        raise RuntimeError(f"locale -a failed with rc {result.rc}")
    locales = result.text.split()
    if not any(_ZH_UTF8.match(name) for name in locales):
        xc.fail(N_("zh_CN.UTF-8 is not installed; locales: {locales}"), locales=", ".join(locales[:12]) or "none")
    xc.note(N_("zh_CN.UTF-8 is installed"))


@check(
    "XC-OS-006",
    source='GB 18030-2022 Information technology - Chinese coded character set (mandatory national standard); iconv(1)',
    layer="os",
    severity="mandatory",
    title=N_("GB18030 conversion available"),
    requirement=N_("iconv converts GB18030 to UTF-8 (C4E3 BAC3 decodes to 你好)."),
    remedy=N_("Install the glibc gconv modules (glibc-gconv-extra or libc-bin)."),
)
def test_gb18030(target: HostSession, xc: CheckContext) -> None:
    result = target.probe("iconv-gb18030")
    if result.rc == 127:
        raise RuntimeError("iconv is not installed")
    if result.rc != 0 or result.text.strip() != "你好":
        xc.fail(N_("GB18030 did not convert (rc {rc}, got {got!r})"), rc=result.rc, got=result.text.strip()[:40])
    # GB18030-2022 mappings (glibc 2.39 or a backport): reported, not required
    newer = target.probe("iconv-gb18030-2022")
    has_2022 = newer.rc == 0 and "ee a0 9e" in newer.text
    xc.measure("gb18030_2022_mappings", has_2022, "bool")
    xc.note(N_("GB18030 converts; GB18030-2022 mappings: {present}"), present="yes" if has_2022 else "no")


@check(
    "XC-OS-007",
    source='chronyc(1) tracking, timedatectl(1); HOST-CHECKS.md, clock synchronisation',
    layer="os",
    severity="mandatory",
    title=N_("Clock synchronised"),
    requirement=N_("A time daemon (chronyd, ntpd or systemd-timesyncd) runs and reports the clock synchronised."),
    remedy=N_("Install and enable chrony, and point it at the site's time servers."),
)
def test_clock_sync(target: HostSession, xc: CheckContext) -> None:
    result = target.probe("time-sync")
    text = result.text
    daemons = [d for d in text.split() if d in ("chronyd", "ntpd", "systemd-timesyn", "openntpd")]
    synced = bool(re.search(r"Leap status\s*:\s*Normal|NTPSynchronized=yes|^\*", text, re.MULTILINE))
    if not daemons:
        xc.fail(N_("No time daemon runs (chronyd, ntpd, systemd-timesyncd)"))
    if not synced:
        xc.fail(N_("{daemon} runs but does not report the clock synchronised"), daemon=daemons[0])
    xc.note(N_("{daemon} reports the clock synchronised"), daemon=daemons[0])


_SM3_ABC = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
_SM4_KAT = "681edf34d206965e86b3e94f536e4246"


@check(
    "XC-OS-008",
    source='GB/T 32905-2016 (SM3) and GB/T 32907-2016 (SM4), their example vectors; openssl-dgst(1), openssl-enc(1)',
    layer="os",
    severity="mandatory",
    title=N_("OpenSSL present with SM3 and SM4"),
    requirement=N_("openssl computes the SM3 digest of 'abc' and the SM4-ECB known answer of GB/T 32907 correctly."),
    remedy=N_("Install an OpenSSL of 1.1.1 or later built with SM3 and SM4 (the distribution's openssl package)."),
)
def test_openssl_sm(target: HostSession, xc: CheckContext) -> None:
    version = target.probe("openssl-version")
    if version.rc == 127:
        xc.fail(N_("openssl is not installed"))
    sm3 = target.probe("openssl-sm3")
    sm4 = target.probe("openssl-sm4")
    sm4_hex = "".join(sm4.text.split())
    problems = []
    if _SM3_ABC not in sm3.text:
        problems.append("SM3")
    if sm4_hex != _SM4_KAT:
        problems.append("SM4")
    xc.measure("sm3", "SM3" not in problems, "bool")
    xc.measure("sm4", "SM4" not in problems, "bool")
    if problems:
        xc.fail(
            N_("{version}: known-answer test failed for {algorithms}"),
            version=version.text.strip(),
            algorithms=", ".join(problems),
        )
    xc.note(N_("{version}: SM3 and SM4 known answers match"), version=version.text.strip())
