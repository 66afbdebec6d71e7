"""Storage, network, PCI devices and platform services of the server: disks, SMART, NVMe, RAID, NICs,
bonding, domestic PCI silicon and its drivers, TPM/TCM, kdump, hardware watchdog."""

from __future__ import annotations

from harness.catalog.pci import PciVendor, vendors
from harness.checks import N_, CheckContext, check
from harness.probes.hardware import (
    PciDevice,
    key_values,
    missing_tool,
    parse_bonding,
    parse_lsblk_pairs,
    parse_mdstat,
    parse_pci,
    parse_smart,
    pipe_records,
)
from harness.probes.once import probe
from harness.session import HostSession
from suites.server._common import SRC_OEC, physical

SRC_SYSFS = "Linux Documentation/ABI (sysfs-class-net, sysfs-class-nvme, sysfs-bus-pci)"


def _disks(target: HostSession, xc: CheckContext) -> list[dict[str, str]]:
    physical(target, xc)
    disks = [d for d in parse_lsblk_pairs(probe(target, "srv-disks").text) if d.get("TYPE") == "disk"]
    if not disks:
        xc.fail(N_("No disk is listed by lsblk"))
    return disks


@check(
    "XC-SRV-120",
    layer="server",
    severity="advisory",
    title=N_("Disks recorded (model, firmware, transport)"),
    requirement=N_("Each disk's model, firmware revision, size and transport are recorded."),
    remedy=N_("Install util-linux (lsblk) on the host."),
    source="lsblk(8) (MODEL, REV, TRAN); " + SRC_OEC + " tests/disk",
    tags=("server", "storage"),
)
def test_disks(target: HostSession, xc: CheckContext) -> None:
    disks = _disks(target, xc)
    xc.measure("disks", len(disks), "count")
    xc.note(
        N_("Disks: {disks}"),
        disks="; ".join(
            f"{d.get('NAME')} {d.get('SIZE')} {d.get('MODEL') or '?'} fw {d.get('REV') or '?'} {d.get('TRAN') or ''}".strip()
            for d in disks
        ),
    )


@check(
    "XC-SRV-121",
    layer="server",
    severity="mandatory",
    title=N_("SMART health of every disk passes"),
    requirement=N_("smartctl -H reports PASSED (ATA) or OK (SCSI/NVMe) for every disk that supports SMART."),
    remedy=N_("Replace the disk that fails its SMART self-assessment."),
    source="smartctl(8) -H (overall-health self-assessment); " + SRC_OEC + " tests/disk",
    tags=("server", "storage", "ras"),
)
def test_smart(target: HostSession, xc: CheckContext) -> None:
    physical(target, xc)
    text = probe(target, "srv-smart").text
    if missing_tool(text):
        xc.not_applicable(N_("{tool} is not installed"), tool="smartctl")
    disks = parse_smart(text)
    judged = {d: v for d, v in disks.items() if v.get("health") and v["health"] != "unavailable"}
    if not judged:
        xc.not_applicable(N_("No disk reports SMART health (virtual or behind a RAID controller)"))
    bad = [d for d, v in judged.items() if v["health"].upper() not in ("PASSED", "OK")]
    if bad:
        xc.fail(N_("SMART health fails on {disks}"), disks=", ".join(f"{d} ({judged[d]['health']})" for d in bad))
    xc.note(
        N_("SMART health passes on {disks}"),
        disks=", ".join(f"{d} {v.get('model', '')}".strip() for d, v in judged.items()),
    )


@check(
    "XC-SRV-122",
    layer="server",
    severity="mandatory",
    title=N_("NVMe controllers live"),
    requirement=N_("Every NVMe controller is in the live state, with its model and firmware recorded."),
    remedy=N_("Reseat or replace the NVMe device; update its firmware."),
    source=SRC_SYSFS + " (/sys/class/nvme/nvme*/state, model, firmware_rev); " + SRC_OEC + " tests/nvme",
    tags=("server", "storage"),
)
def test_nvme(target: HostSession, xc: CheckContext) -> None:
    physical(target, xc)
    ctrls = pipe_records(probe(target, "srv-nvme").text)
    if not ctrls:
        xc.not_applicable(N_("No NVMe controller"))
    bad = [c["name"] for c in ctrls if c.get("state") not in ("live", "")]
    if bad:
        xc.fail(N_("NVMe controllers not live: {ctrls}"), ctrls=", ".join(bad))
    xc.note(
        N_("NVMe: {ctrls}"),
        ctrls="; ".join(f"{c['name']} {c.get('model', '').strip()} fw {c.get('fw', '').strip()}" for c in ctrls),
    )


@check(
    "XC-SRV-123",
    layer="server",
    severity="mandatory",
    title=N_("RAID arrays not degraded"),
    requirement=N_("Every software RAID array has all its members up ([UU...]); RAID controllers are recorded."),
    remedy=N_("Replace the failed member and let the array rebuild (mdadm --manage --add)."),
    source="Linux Documentation/admin-guide/md.rst (/proc/mdstat); " + SRC_OEC + " tests/compatible/raid",
    tags=("server", "storage", "ras"),
)
def test_raid(target: HostSession, xc: CheckContext) -> None:
    physical(target, xc)
    arrays, controllers = parse_mdstat(probe(target, "srv-raid").text)
    if not arrays and not controllers:
        xc.not_applicable(N_("No RAID array and no RAID controller"))
    degraded = [f"{n} [{s}]" for n, s in arrays.items() if "_" in s]
    if degraded:
        xc.fail(N_("Degraded arrays: {arrays}"), arrays=", ".join(degraded))
    xc.note(
        N_("RAID: arrays {arrays}; controllers {controllers}"),
        arrays=", ".join(f"{n} [{s}]" for n, s in arrays.items()) or "none",
        controllers="; ".join(controllers) or "none",
    )


def _nics(target: HostSession, xc: CheckContext) -> list[dict[str, str]]:
    physical(target, xc)
    nics = [n for n in pipe_records(probe(target, "srv-nics").text) if n.get("virtual") != "yes"]
    if not nics:
        xc.not_applicable(N_("No physical network interface"))
    return nics


@check(
    "XC-SRV-124",
    layer="server",
    severity="mandatory",
    title=N_("Every physical NIC has a driver; driver and firmware recorded"),
    requirement=N_(
        "Each physical network interface is bound to a kernel driver; the driver and firmware version are recorded."
    ),
    remedy=N_("Install the NIC vendor's driver for this kernel (or the distribution's kmod package)."),
    source=SRC_SYSFS + " (device/driver); ethtool(8) -i; " + SRC_OEC + " tests/network",
    tags=("server", "network"),
)
def test_nic_driver(target: HostSession, xc: CheckContext) -> None:
    nics = _nics(target, xc)
    bad = [n["name"] for n in nics if not n.get("driver")]
    if bad:
        xc.fail(N_("No driver bound to {nics}"), nics=", ".join(bad))
    xc.note(N_("NICs: {nics}"), nics="; ".join(f"{n['name']} {n['driver']} fw {n.get('fw') or '?'}" for n in nics))


@check(
    "XC-SRV-125",
    layer="server",
    severity="advisory",
    title=N_("Link speed of the connected NICs recorded"),
    requirement=N_("The negotiated speed and duplex of each physical interface that is up are recorded."),
    remedy=N_("Check the cable and switch port of an interface that is up without a speed."),
    source=SRC_SYSFS + " (speed, duplex, operstate); " + SRC_OEC + " tests/network",
    tags=("server", "network"),
)
def test_nic_speed(target: HostSession, xc: CheckContext) -> None:
    nics = [n for n in _nics(target, xc) if n.get("operstate") == "up"]
    if not nics:
        xc.fail(N_("No physical network interface is up"))
    xc.note(
        N_("Links: {nics}"),
        nics="; ".join(f"{n['name']} {n.get('speed') or '?'} Mb/s {n.get('duplex') or ''}" for n in nics),
    )


@check(
    "XC-SRV-126",
    layer="server",
    severity="mandatory",
    title=N_("Bonded interfaces have all their links up"),
    requirement=N_("Every bond is up and each of its slaves reports MII status up."),
    remedy=N_("Repair the link of the slave that is down (cable, switch port, NIC)."),
    source="Linux Documentation/networking/bonding.rst (/proc/net/bonding)",
    tags=("server", "network"),
)
def test_bonding(target: HostSession, xc: CheckContext) -> None:
    physical(target, xc)
    bonds = parse_bonding(probe(target, "srv-bonding").text)
    if not bonds:
        xc.not_applicable(N_("No bonded interface"))
    bad = [f"{b.name}" for b in bonds if b.status != "up"] + [
        f"{b.name}/{s}" for b in bonds for s, st in b.slaves.items() if st != "up"
    ]
    if bad:
        xc.fail(N_("Links down: {links}"), links=", ".join(bad))
    xc.note(N_("Bonds: {bonds}"), bonds="; ".join(f"{b.name} ({b.mode}) {len(b.slaves)} slaves up" for b in bonds))


def _domestic(target: HostSession, xc: CheckContext) -> tuple[list[PciDevice], list[tuple[PciDevice, PciVendor]]]:
    physical(target, xc)
    devices = parse_pci(probe(target, "srv-pci").text)
    if not devices:
        xc.not_applicable(N_("No PCI device is visible"))
    known = vendors()
    return devices, [(d, known[d.vendor]) for d in devices if d.vendor in known]


@check(
    "XC-SRV-127",
    layer="server",
    severity="advisory",
    title=N_("Domestic PCI devices recorded"),
    requirement=N_(
        "PCI devices whose vendor id is domestic silicon (Phytium, Huawei/HiSilicon, Hygon, Zhaoxin, Loongson, Jingjia Micro, Moore Threads) are listed."
    ),
    remedy=N_("Add a missing vendor id to harness/catalog/pci.yml with its source."),
    source="harness/catalog/pci.yml (PCI ID Repository via GuillaumeGomez/sysinfo src/pcis.rs); " + SRC_SYSFS,
    tags=("server", "pci"),
)
def test_pci_domestic(target: HostSession, xc: CheckContext) -> None:
    devices, domestic = _domestic(target, xc)
    xc.measure("pci_devices", len(devices), "count")
    xc.measure("domestic_pci_devices", len(domestic), "count")
    xc.note(
        N_("{count} PCI devices, {domestic} domestic: {list}"),
        count=len(devices),
        domestic=len(domestic),
        list="; ".join(f"{d.slot} {v.en} {d.vendor}:{d.device}" for d, v in domestic) or "none",
    )


#: PCI base classes that need no driver of their own (bridges, host bridges: class 0x06)
_NO_DRIVER_CLASSES = ("06",)


@check(
    "XC-SRV-128",
    layer="server",
    severity="mandatory",
    title=N_("A driver is bound to every domestic PCI device"),
    requirement=N_("Each domestic PCI device (other than a bridge) is bound to a kernel driver."),
    remedy=N_("Install the device vendor's driver for this kernel (GPU: Jingjia/Moore Threads driver packages)."),
    source="Linux driver model, Documentation/ABI/testing/sysfs-bus-pci (/sys/bus/pci/devices/*/driver); harness/catalog/pci.yml",
    tags=("server", "pci"),
)
def test_pci_drivers(target: HostSession, xc: CheckContext) -> None:
    _devices, domestic = _domestic(target, xc)
    needing = [(d, v) for d, v in domestic if not d.pci_class.startswith(_NO_DRIVER_CLASSES)]
    if not needing:
        xc.not_applicable(N_("No domestic PCI device that needs a driver"))
    bad = [f"{d.slot} {v.en}" for d, v in needing if not d.driver]
    if bad:
        xc.fail(N_("No driver bound to {devices}"), devices=", ".join(bad))
    xc.note(N_("Drivers: {devices}"), devices="; ".join(f"{d.slot} {v.en}: {d.driver}" for d, v in needing))


@check(
    "XC-SRV-129",
    layer="server",
    severity="advisory",
    title=N_("Trusted module present (TPM 2.0 or TCM)"),
    requirement=N_(
        "A TPM 2.0 (tpm_version_major 2) or a TCM/TPCM device (China's trusted cryptography module) is present."
    ),
    remedy=N_("Enable the TPM/TCM in the firmware setup, or fit the module the server supports."),
    source="TCG TPM 2.0 Library; GB/T 29829-2013 (TCM); Linux Documentation/ABI/stable/sysfs-class-tpm (tpm_version_major)",
    tags=("server", "security", "trusted-computing"),
)
def test_tpm(target: HostSession, xc: CheckContext) -> None:
    physical(target, xc)
    text = probe(target, "srv-tpm").text
    tpm2 = [ln.split()[0] for ln in text.splitlines() if "version=2" in ln]
    tcm = [ln.strip() for ln in text.splitlines() if ln.strip().startswith(("/dev/tcm", "/dev/tpcm"))]
    xc.measure("tpm2", bool(tpm2), "bool")
    if not tpm2 and not tcm:
        xc.fail(N_("No TPM 2.0 and no TCM device ({found})"), found=" ".join(text.split())[:120] or "nothing")
    xc.note(N_("Trusted module: {modules}"), modules=", ".join(tpm2 + tcm))


@check(
    "XC-SRV-130",
    layer="server",
    severity="advisory",
    title=N_("kdump configured"),
    requirement=N_(
        "Memory is reserved for a crash kernel (crashkernel= on the kernel command line), the crash kernel is loaded, and the kdump service is enabled."
    ),
    remedy=N_("Add crashkernel=auto (or a size) to the kernel command line, install kexec-tools and enable kdump."),
    source=SRC_OEC
    + " tests/kdump/kdump.py (crashkernel= in /proc/cmdline, kdump service active); Linux Documentation/admin-guide/kdump/kdump.rst",
    tags=("server", "ras"),
)
def test_kdump(target: HostSession, xc: CheckContext) -> None:
    physical(target, xc)
    text = probe(target, "srv-kdump").text
    kv = key_values(text)
    problems = []
    if not kv.get("crashkernel"):
        problems.append("no crashkernel= reservation")
    if kv.get("loaded") != "1":
        problems.append("no crash kernel loaded")
    if "enabled=" not in text:
        problems.append("kdump service not enabled")
    if problems:
        xc.fail(N_("kdump is not ready: {problems}"), problems=", ".join(problems))
    xc.note(N_("kdump ready: {reservation}"), reservation=kv["crashkernel"])


@check(
    "XC-SRV-131",
    layer="server",
    severity="advisory",
    title=N_("Hardware watchdog present"),
    requirement=N_("A watchdog device backed by hardware (not only softdog) is present."),
    remedy=N_("Load the board's watchdog driver (iTCO_wdt, sp5100_tco, sbsa_gwdt, ipmi_watchdog)."),
    source=SRC_OEC
    + " tests/compatible/watchdog; Linux Documentation/watchdog/watchdog-api.rst (/sys/class/watchdog identity)",
    tags=("server", "ras"),
)
def test_watchdog(target: HostSession, xc: CheckContext) -> None:
    physical(target, xc)
    dogs = pipe_records(probe(target, "srv-watchdog").text)
    hardware = [
        d
        for d in dogs
        if d.get("identity") and "software" not in d["identity"].lower() and "softdog" not in d["identity"].lower()
    ]
    if not hardware:
        xc.fail(
            N_("No hardware watchdog ({found})"),
            found=", ".join(f"{d['name']} {d.get('identity', '')}" for d in dogs) or "none",
        )
    xc.note(
        N_("Watchdogs: {dogs}"),
        dogs="; ".join(f"{d['name']} {d['identity']} timeout {d.get('timeout') or '?'} s" for d in hardware),
    )
