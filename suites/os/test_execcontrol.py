"""OS layer, issue 15: execution control and integrity (KYSEC, deepin-elf-verify, SELinux, taint, boot)."""

from __future__ import annotations

from harness.checks import N_, CheckContext, check
from harness.probes import execctl
from harness.session import HostSession
from suites.hostlib import DB_APPLIES, FactMissing, judge_db, need, probe, record

KYSEC = "银河麒麟系统安全机制-KYSEC (zhihu p/349663329, mirrored iter01.com/2807912.html); REF 2.1 (getstatus output)"
DEEPIN = "zhul.in/2021/11/20/what-is-deepin-elf-verify; deepin-defender 'hierarchical control of signature' disclaimer (REF 2.2)"


def _kysec(target: HostSession, xc: CheckContext) -> dict[str, str]:
    text, tool = probe(target, "hc-kysec")
    if tool:
        xc.not_applicable(N_("{tool} is not installed: {what} is not present"), tool=tool, what="KYSEC")
    status = execctl.kysec_status(text)
    if not status:
        raise FactMissing("getstatus printed no 'key: value' line")
    return status


@check(
    "XC-OS-110",
    layer="os",
    severity="advisory",
    title=N_("KYSEC status recorded"),
    requirement=N_(
        "On Kylin, KYSEC's status and modes (getstatus: KySec status, exec control, file protect, kmod protect) are recorded."
    ),
    remedy=N_("Make getstatus available to the certifying user (it needs no root)."),
    applies_to={"os": ["kylin"]},
    source=KYSEC,
    tags=("exec-control",),
)
def test_kysec_status(target: HostSession, xc: CheckContext) -> None:
    status = _kysec(target, xc)
    record(xc, "KYSEC", "; ".join(f"{k}: {v}" for k, v in status.items()))


@check(
    "XC-OS-111",
    layer="os",
    severity="advisory",
    title=N_("KYSEC execution control does not block unlabelled programs"),
    requirement=N_(
        "KYSEC execution control is off or KYSEC is disabled; with exec control on or warning, copied, "
        "downloaded or rebuilt executables and libraries are refused until they are labelled verified."
    ),
    remedy=N_(
        "Label the bundle's files (kysec_set -n exectl -v verified FILE) or switch exec control off (setstatus -f exectl off -p)."
    ),
    applies_to={"os": ["kylin"]},
    source=KYSEC + "; REF 2.1 ('treat anything other than off/disabled as enforcing', kysec_set)",
    tags=("exec-control",),
)
def test_kysec_exec(target: HostSession, xc: CheckContext) -> None:
    status = _kysec(target, xc)
    enforcing = execctl.kysec_enforcing(status)
    if enforcing is None:
        raise FactMissing("getstatus printed neither 'KySec status' nor 'exec control'")
    xc.measure("kysec_enforcing", enforcing, "bool")
    if enforcing:
        xc.fail(
            N_("KYSEC enforces execution control ({mode}): unlabelled programs are refused"),
            mode=status.get("exec control", status.get("kysec status", "?")),
        )
    xc.note(
        N_("KYSEC does not enforce execution control ({mode})"),
        mode=status.get("exec control") or status.get("kysec status", "?"),
    )


def _deepin(target: HostSession) -> tuple[bool | None, str, bool]:
    return execctl.deepin_verify(need(target, "hc-deepin-elf-verify"))


@check(
    "XC-OS-112",
    layer="os",
    severity="advisory",
    title=N_("deepin-elf-verify state recorded"),
    requirement=N_(
        "On UOS and deepin, whether deepin-elf-verify (signature check of executed ELF files) is installed, and its version, is recorded."
    ),
    remedy=N_("Make dpkg-query available to the certifying user."),
    applies_to={"os": ["uos", "uos-server-20", "uos-desktop-20", "uos-desktop-25", "deepin"]},
    source=DEEPIN,
    tags=("exec-control",),
)
def test_deepin_elf_verify(target: HostSession, xc: CheckContext) -> None:
    installed, version, _ = _deepin(target)
    if installed is None:
        raise FactMissing("dpkg-query did not say whether deepin-elf-verify is installed")
    record(xc, "deepin-elf-verify", f"installed {version}" if installed else "not installed")


@check(
    "XC-OS-113",
    layer="os",
    severity="advisory",
    title=N_("UOS developer mode lets unsigned programs run"),
    requirement=N_(
        "On UOS with deepin-elf-verify installed, developer mode is on; without it only signed programs run "
        "(deepin-defender level 1, 'Allow only signed apps')."
    ),
    remedy=N_(
        "Have the bundle's binaries signed by UnionTech, or enable developer mode (Control Center, developer options)."
    ),
    applies_to={"os": ["uos", "uos-server-20", "uos-desktop-20", "uos-desktop-25"]},
    source=DEEPIN + "; developer-mode flag files /var/lib/deepin/developer-install_mode*/enabled [index-only]",
    tags=("exec-control",),
)
def test_uos_devmode(target: HostSession, xc: CheckContext) -> None:
    installed, _, devmode = _deepin(target)
    if installed is None:
        raise FactMissing("dpkg-query did not say whether deepin-elf-verify is installed")
    xc.measure("developer_mode", devmode, "bool")
    if not installed:
        xc.not_applicable(
            N_("{tool} is not installed: {what} is not present"), tool="deepin-elf-verify", what="ELF signature control"
        )
    if not devmode:
        xc.fail(N_("deepin-elf-verify is installed and developer mode is off: unsigned programs are refused"))
    xc.note(N_("Developer mode is on: unsigned programs may run"))


def _selinux(target: HostSession) -> tuple[str, str]:
    return execctl.selinux_mode(need(target, "hc-selinux"))


@check(
    "XC-OS-114",
    layer="os",
    severity="advisory",
    title=N_("SELinux mode recorded"),
    requirement=N_(
        "The running SELinux mode (enforcing, permissive, disabled) and the configured one (/etc/selinux/config) are recorded."
    ),
    remedy=N_("Set SELinux as the bundle's installation guides require."),
    source="openeuler-mirror/docs:docs/zh/docs/SecHarden/SELinux配置.md (openEuler default enforcing) (REF 2.3)",
    tags=("exec-control",),
)
def test_selinux_mode(target: HostSession, xc: CheckContext) -> None:
    running, configured = _selinux(target)
    record(xc, "SELinux", f"{running} (configured: {configured or 'no /etc/selinux/config'})")


@check(
    "XC-OS-115",
    layer="os",
    severity="mandatory",
    title=N_("SELinux mode as the declared database requires"),
    requirement=N_(
        "SELinux is in the mode the declared database's installation guide requires (openGauss: disabled; GBase 8a: disabled)."
    ),
    remedy=N_("Set SELINUX=disabled in /etc/selinux/config and reboot (setenforce 0 for the running system)."),
    applies_to=DB_APPLIES,
    source="opengauss-mirror/docs@6a179ba6 InstallationGuide ('set SELINUX=disabled'); GBase 8a implementation guide (REF 2.3, 4.3)",
    tags=("exec-control", "db-prereq"),
)
def test_selinux_db(target: HostSession, declared: dict[str, str], xc: CheckContext) -> None:
    running, configured = _selinux(target)
    # the openGauss guide asks for "disabled"; a running system that is permissive until the next
    # boot counts only when the configuration says disabled
    value = "disabled" if running == "disabled" or configured == "disabled" else running
    judge_db(xc, declared, "selinux", "SELinux", value)


@check(
    "XC-OS-116",
    layer="os",
    severity="advisory",
    title=N_("Kernel taint recorded"),
    requirement=N_("The kernel's taint flags (/proc/sys/kernel/tainted) are recorded with their meaning."),
    remedy=N_(
        "A tainted kernel (proprietary, unsigned or out-of-tree modules, earlier oopses) limits vendor support: find the module or event."
    ),
    source="Linux Documentation/admin-guide/tainted-kernels.rst",
    tags=("exec-control",),
)
def test_taint(target: HostSession, xc: CheckContext) -> None:
    value = execctl.taint(need(target, "hc-taint"))
    if value is None:
        raise FactMissing("/proc/sys/kernel/tainted is not a number")
    xc.measure("tainted", value, "count")
    record(xc, "kernel taint", f"{value} ({', '.join(execctl.taint_reasons(value))})" if value else "0 (not tainted)")


@check(
    "XC-OS-117",
    layer="os",
    severity="advisory",
    title=N_("Secure boot state recorded"),
    requirement=N_(
        "Whether the host booted through UEFI and whether Secure Boot is on (EFI variable SecureBoot) is recorded."
    ),
    remedy=N_(
        "Enable Secure Boot where the site's trusted-boot policy requires it (GB/T 22239-2019 8.1.4.6 trusted verification)."
    ),
    source="UEFI Specification 2.10 §32.3 (SecureBoot global variable); Linux Documentation/ABI/stable/sysfs-firmware-efi-vars",
    tags=("exec-control",),
)
def test_secure_boot(target: HostSession, xc: CheckContext) -> None:
    firmware, state = execctl.secure_boot(need(target, "hc-secureboot"))
    if firmware == "bios":
        xc.not_applicable(N_("The host boots through legacy BIOS: there is no UEFI Secure Boot"))
    if firmware != "uefi":
        raise FactMissing("the probe did not say how the host booted")
    xc.measure("secure_boot", state == "on", "bool")
    record(xc, "Secure Boot", state or "unknown (no SecureBoot variable)")


@check(
    "XC-OS-118",
    layer="os",
    severity="advisory",
    title=N_("Active security modules recorded"),
    requirement=N_(
        "The active Linux security modules (/sys/kernel/security/lsm, e.g. kysec, selinux, apparmor) and the lockdown mode are recorded."
    ),
    remedy=N_("Mount securityfs (/sys/kernel/security) so the active modules can be read."),
    source="Linux Documentation/admin-guide/LSM/index.rst; Documentation/ABI/testing/lockdown",
    tags=("exec-control",),
)
def test_lsm(target: HostSession, xc: CheckContext) -> None:
    text, tool = probe(target, "hc-lsm")
    if tool:
        xc.not_applicable(
            N_("The kernel exposes no {what} on this host ({reason})"),
            what="list of active security modules",
            reason="securityfs is not mounted at /sys/kernel/security",
        )
    mods, lock = execctl.lsm_list(text)
    if not mods:
        raise FactMissing("/sys/kernel/security/lsm is empty")
    record(xc, "LSM", ", ".join(mods) + (f"; lockdown {lock}" if lock else ""))
