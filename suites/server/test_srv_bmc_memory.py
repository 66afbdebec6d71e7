"""The BMC through ipmitool (where installed), and memory: DIMMs, ECC, EDAC error counts, machine checks."""

from __future__ import annotations

import re

from harness.checks import N_, CheckContext, check
from harness.probes.hardware import Dimm, EdacController, ecc_state, missing_tool, parse_dimms, parse_edac, parse_mce
from harness.probes.once import probe
from harness.session import HostSession
from suites.server._common import SRC_DMI, SRC_OEC, physical

SRC_IPMI = (
    "IPMI v2.0 specification (Get Device ID, SDR, SEL); ipmitool(1); "
    + SRC_OEC
    + " tests/ipmi/ipmi.py (ipmitool fru, ipmitool sensor)"
)
SRC_EDAC = "Linux Documentation/admin-guide/ras.rst and Documentation/driver-api/edac.rst (mc*/ce_count, ue_count)"


def _ipmi(target: HostSession, xc: CheckContext, name: str) -> str:
    physical(target, xc)
    text = probe(target, name).text
    if missing_tool(text):
        xc.not_applicable(N_("{tool} is not installed"), tool="ipmitool")
    if re.search(r"Could not open device|No such file or directory|Unable to (open|establish)", text):
        xc.fail(
            N_("ipmitool cannot reach the BMC: {detail}"),
            detail=text.strip().splitlines()[-2][:200] if len(text.strip().splitlines()) > 1 else text.strip()[:200],
        )
    return text


@check(
    "XC-SRV-110",
    layer="server",
    severity="mandatory",
    title=N_("BMC answers over IPMI"),
    requirement=N_("ipmitool mc info gets the BMC's device id and firmware revision."),
    remedy=N_("Load the ipmi_si / ipmi_devintf drivers (systemctl start ipmi) and check the BMC."),
    source=SRC_IPMI,
    tags=("server", "bmc"),
)
def test_bmc(target: HostSession, xc: CheckContext) -> None:
    text = _ipmi(target, xc, "srv-ipmi-mc")
    fw = re.search(r"Firmware Revision\s*:\s*(\S+)", text)
    maker = re.search(r"Manufacturer Name\s*:\s*(.+)", text)
    if not fw:
        xc.fail(N_("ipmitool mc info did not report the BMC firmware"))
    xc.note(N_("BMC {maker}, firmware {fw}"), maker=maker.group(1).strip() if maker else "?", fw=fw.group(1))


@check(
    "XC-SRV-111",
    layer="server",
    severity="mandatory",
    title=N_("No BMC sensor in a critical state"),
    requirement=N_("No sensor ipmitool lists is critical (cr) or non-recoverable (nr)."),
    remedy=N_("Look at the sensors named, and at the hardware behind them."),
    source=SRC_IPMI,
    tags=("server", "bmc"),
)
def test_sensors(target: HostSession, xc: CheckContext) -> None:
    text = _ipmi(target, xc, "srv-ipmi-sensors")
    rows = [[c.strip() for c in ln.split("|")] for ln in text.splitlines() if ln.count("|") >= 3]
    if not rows:
        xc.fail(N_("ipmitool sensor listed no sensor"))
    bad = [r[0] for r in rows if len(r) > 3 and r[3] in ("cr", "nr")]
    xc.measure("sensors", len(rows), "count")
    if bad:
        xc.fail(N_("Sensors in a critical state: {sensors}"), sensors=", ".join(bad[:10]))
    xc.note(N_("{count} sensors, none critical"), count=len(rows))


@check(
    "XC-SRV-112",
    layer="server",
    severity="mandatory",
    title=N_("Power supplies report no failure"),
    requirement=N_("No power supply sensor reports a failure or lost input (ipmitool sdr type 'Power Supply')."),
    remedy=N_("Replace or reconnect the power supply named."),
    source=SRC_IPMI,
    tags=("server", "bmc", "power"),
)
def test_psu(target: HostSession, xc: CheckContext) -> None:
    text = _ipmi(target, xc, "srv-ipmi-psu")
    lines = [ln for ln in text.splitlines() if "|" in ln]
    if not lines:
        xc.not_applicable(N_("The BMC reports no power supply sensor"))
    bad = [
        ln.split("|")[0].strip()
        for ln in lines
        if re.search(r"Failure detected|AC lost|input lost|Predictive failure", ln, re.I)
    ]
    if bad:
        xc.fail(N_("Power supplies failing: {psus}"), psus=", ".join(bad))
    xc.note(N_("{count} power supply sensors, no failure"), count=len(lines))


@check(
    "XC-SRV-113",
    layer="server",
    severity="advisory",
    title=N_("No uncorrectable or critical events in the BMC's event log"),
    requirement=N_(
        "The system event log (ipmitool sel elist) holds no uncorrectable memory error, no critical and no non-recoverable event."
    ),
    remedy=N_("Investigate the events named; clear the log once they are resolved (ipmitool sel clear)."),
    source=SRC_IPMI,
    tags=("server", "bmc", "ras"),
)
def test_sel(target: HostSession, xc: CheckContext) -> None:
    text = _ipmi(target, xc, "srv-ipmi-sel")
    events = [ln for ln in text.splitlines() if ln.count("|") >= 3]
    bad = [
        ln
        for ln in events
        if re.search(r"Uncorrectable|Critical|Non-recoverable|IERR|Machine check", ln, re.I) and "Deasserted" not in ln
    ]
    xc.measure("sel_events", len(events), "count")
    if bad:
        xc.fail(N_("{count} serious events in the SEL, e.g. {event}"), count=len(bad), event=bad[-1].strip()[:200])
    xc.note(N_("{count} SEL events, none serious"), count=len(events))


def _dimms(target: HostSession, xc: CheckContext) -> tuple[str, list[Dimm]]:
    physical(target, xc)
    text = probe(target, "srv-dmidecode-memory").text
    if missing_tool(text):
        xc.not_applicable(N_("{tool} is not installed"), tool="dmidecode")
    return text, parse_dimms(text)


@check(
    "XC-SRV-114",
    layer="server",
    severity="advisory",
    title=N_("Memory modules recorded (size, type, speed)"),
    requirement=N_(
        "Each populated DIMM's slot, size, type and rated and configured speed (SMBIOS type 17) are recorded."
    ),
    remedy=N_("Run as root (become) so dmidecode can read the SMBIOS tables."),
    source=SRC_DMI + " 7.18 (Memory Device); " + SRC_OEC + " tests/memory",
    tags=("server", "memory"),
)
def test_dimms(target: HostSession, xc: CheckContext) -> None:
    _text, dimms = _dimms(target, xc)
    if not dimms:
        xc.fail(N_("No populated memory device was read (run with become)"))
    kinds = sorted({f"{d.size} {d.type} {d.speed} (configured {d.configured_speed})" for d in dimms})
    xc.measure("dimms", len(dimms), "count")
    xc.note(N_("{count} DIMMs: {kinds}"), count=len(dimms), kinds="; ".join(kinds))


@check(
    "XC-SRV-115",
    layer="server",
    severity="advisory",
    title=N_("Memory runs with ECC"),
    requirement=N_(
        "The system memory array reports error correction (SMBIOS type 16), or its DIMMs carry check bits (type 17 total width above data width)."
    ),
    remedy=N_("Use ECC DIMMs and enable ECC in the firmware setup."),
    source=SRC_DMI + " 7.17.3 (Memory Array Error Correction Types), 7.18 (Total Width includes error-correction bits)",
    tags=("server", "memory", "ras"),
)
def test_ecc(target: HostSession, xc: CheckContext) -> None:
    text, _ = _dimms(target, xc)
    enabled, how = ecc_state(text)
    if enabled is None:
        xc.fail(N_("The ECC state could not be read: {how}"), how=how)
    xc.measure("ecc", enabled, "bool")
    if not enabled:
        xc.fail(N_("Memory has no ECC ({how})"), how=how)
    xc.note(N_("ECC: {how}"), how=how)


@check(
    "XC-SRV-116",
    layer="server",
    severity="advisory",
    title=N_("DIMMs run at one speed"),
    requirement=N_(
        "All populated DIMMs run at the same configured speed (mixed modules run at the slowest one's speed)."
    ),
    remedy=N_("Populate the channels with identical DIMMs, as the server vendor's memory population guide says."),
    source=SRC_DMI + " 7.18.19 (Configured Memory Speed)",
    tags=("server", "memory"),
)
def test_dimm_speed(target: HostSession, xc: CheckContext) -> None:
    _text, dimms = _dimms(target, xc)
    if not dimms:
        xc.fail(N_("No populated memory device was read (run with become)"))
    speeds = sorted({d.configured_speed for d in dimms})
    if len(speeds) > 1:
        xc.fail(N_("DIMMs run at different speeds: {speeds}"), speeds=", ".join(speeds))
    xc.note(N_("All {count} DIMMs run at {speed}"), count=len(dimms), speed=speeds[0])


def _edac(target: HostSession, xc: CheckContext) -> list[EdacController]:
    physical(target, xc)
    controllers = parse_edac(probe(target, "srv-edac").text)
    if controllers is None:
        xc.not_applicable(
            N_("No EDAC driver is loaded for this memory controller (/sys/devices/system/edac/mc is absent)")
        )
    if not controllers:
        xc.fail(N_("EDAC is present but lists no memory controller"))
    return controllers


@check(
    "XC-SRV-117",
    layer="server",
    severity="mandatory",
    title=N_("No uncorrected memory errors (EDAC)"),
    requirement=N_("Every EDAC memory controller reports 0 uncorrected errors since boot."),
    remedy=N_("Replace the DIMM behind the errors (edac-util / ras-mc-ctl names it)."),
    source=SRC_EDAC,
    tags=("server", "memory", "ras"),
)
def test_edac_ue(target: HostSession, xc: CheckContext) -> None:
    controllers = _edac(target, xc)
    ue = sum(c.ue for c in controllers)
    xc.measure("uncorrected_errors", ue, "count")
    if ue:
        xc.fail(
            N_("{count} uncorrected memory errors: {where}"),
            count=ue,
            where=", ".join(f"{c.name}={c.ue}" for c in controllers if c.ue),
        )
    xc.note(N_("{controllers} memory controllers, no uncorrected error"), controllers=len(controllers))


@check(
    "XC-SRV-118",
    layer="server",
    severity="advisory",
    title=N_("Corrected memory errors (EDAC) recorded"),
    requirement=N_(
        "The count of corrected memory errors since boot is recorded (no source gives a limit: it is not judged)."
    ),
    remedy=N_("A growing count points at a DIMM to replace before it fails."),
    source=SRC_EDAC,
    tags=("server", "memory", "ras"),
)
def test_edac_ce(target: HostSession, xc: CheckContext) -> None:
    controllers = _edac(target, xc)
    ce = sum(c.ce for c in controllers)
    xc.measure("corrected_errors", ce, "count")
    xc.note(N_("{count} corrected memory errors since boot"), count=ce)


@check(
    "XC-SRV-119",
    layer="server",
    severity="mandatory",
    title=N_("No machine-check errors since boot"),
    requirement=N_("The kernel log since boot holds no machine-check or hardware error report (MCE, APEI/GHES)."),
    remedy=N_("Read the reports (rasdaemon, mcelog) and service the part they name."),
    source="Linux Documentation/admin-guide/ras.rst (MCE, APEI GHES '[Hardware Error]'); Documentation/arch/x86/x86_64/machinecheck.rst",
    tags=("server", "ras"),
)
def test_mce(target: HostSession, xc: CheckContext) -> None:
    physical(target, xc)
    source, lines = parse_mce(probe(target, "srv-mce").text)
    if source == "none":
        raise RuntimeError("the kernel log could not be read (dmesg and journalctl -k failed; run with become)")
    xc.measure("hardware_error_lines", len(lines), "count")
    if lines:
        xc.fail(N_("{count} hardware error reports since boot, e.g. {line}"), count=len(lines), line=lines[-1][:200])
    xc.note(N_("No hardware error report in the kernel log ({source})"), source=source)
