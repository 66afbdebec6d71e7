"""Facts -> the flat ``signal name -> value`` map that catalog rules match against.

Names (values are text; absent facts give absent signals, never empty strings):

- ``arch`` (uname -m, canonical ISA), ``arch.raw``, ``kernel`` (uname -r), ``kernel.version`` (/proc/version)
- ``os.<KEY>`` (os-release), ``lsb.<KEY>`` (lsb-release), ``release.<file>.<line|name|version|codename>``,
  ``osversion.<Key>`` (/etc/os-version), ``kyinfo.<key>`` (/etc/.kyinfo), ``debian_version``
- ``cpu.<key>`` (/proc/cpuinfo, keys lower-cased), ``lscpu.<Key>``, and derived: ``cpu.count``,
  ``cpu.model_name``, ``cpu.isa``, ``arm.implementer``/``arm.part`` (cpuinfo, else MIDR, else lscpu
  names), ``x86.vendor``/``x86.family``/``x86.model`` (decimal)
- ``dmi.<sysfs name>`` and ``dmi.processor.<field>`` (dmidecode type 4)
- ``db.version`` (commands/db-version.txt); per process: ``proc.args`` (see :func:`process_signals`)
- ``src.arm``, ``src.x86``, ``src.model``: where a derived CPU signal came from (for evidence)
"""

from __future__ import annotations

import re

from harness import catalog
from harness.facts.snapshot import Facts
from harness.probes.arch import ALIASES, canonical, cpuinfo_isa
from harness.probes.cpuinfo import count_processors, cpuinfo_summary, parse_lscpu
from harness.probes.db_version import clean_version_output
from harness.probes.dmi import dmi_signals
from harness.probes.os_release import parse_os_release, parse_release_line
from harness.probes.processes import parse_processes
from harness.probes.release_files import parse_ini

RELEASE_FILES = (
    "/etc/kylin-release",
    "/etc/neokylin-release",
    "/etc/openEuler-release",
    "/etc/anolis-release",
    "/etc/uos-release",
    "/etc/system-release",
    "/etc/redhat-release",
    "/etc/centos-release",
)
DMI_DIR = "/sys/class/dmi/id/"
#: longest signal value kept (the fact pass cuts process lines at 2000 characters too)
MAX_VALUE = 2000
MIDR = "/sys/devices/system/cpu/cpu0/regs/identification/midr_el1"


def _file(facts: Facts, path: str) -> str | None:
    """A file's text without a byte-order mark (a capture edited on Windows keeps its first key)."""
    text = facts.file(path)
    return text.lstrip("\ufeff") if text is not None else None


def _cmd(facts: Facts, name: str) -> str | None:
    text = facts.command(name)
    return text.lstrip("\ufeff") if text is not None else None


def _text(facts: Facts, path: str) -> str | None:
    text = _file(facts, path)
    return text if text and text.strip() else None


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    value = value.strip()
    try:
        return int(value, 16) if value.lower().startswith("0x") else int(value)
    except ValueError:
        return None


def _arm_from_lscpu(signals: dict[str, str], part: int | None) -> tuple[int | None, int | None]:
    """Implementer and part reversed from the names lscpu prints (util-linux's tables)."""
    vendors = catalog.table("cpu", "arm_implementers")
    wanted = signals.get("lscpu.Vendor ID", "").lower()
    impl = next((_int(str(k)) for k, v in vendors.items() if str(v).lower() == wanted and wanted), None)
    if impl is None and wanted.startswith("0x"):
        impl = _int(wanted)
    if impl is not None and part is None:
        parts = catalog.table("cpu", "arm_parts").get(f"0x{impl:02x}") or {}
        model = signals.get("lscpu.Model name", "").lower()
        named = [_int(str(k)) for k, v in parts.items() if str(v).lower() == model and model]
        # lscpu gives several parts one name (0xd01..0xd22 are all Kunpeng-920): only a unique name decides
        part = named[0] if len(named) == 1 else None
    return impl, part


def _arm_ids(signals: dict[str, str], facts: Facts) -> None:
    impl = _int(signals.get("cpu.cpu implementer"))
    part = _int(signals.get("cpu.cpu part"))
    source = "/proc/cpuinfo"
    if impl is None or part is None:
        midr = _int((_file(facts, MIDR) or "").strip() or None)
        if midr is not None and midr > 0:
            impl, part, source = (midr >> 24) & 0xFF, (midr >> 4) & 0xFFF, MIDR
    if impl is None:
        source = "lscpu"
        impl, part = _arm_from_lscpu(signals, part)
    if impl is not None:
        signals["arm.implementer"] = f"0x{impl:02x}"
        signals["src.arm"] = source
    if part is not None:
        signals["arm.part"] = f"0x{part:03x}"


def _x86_ids(signals: dict[str, str]) -> None:
    vendor = signals.get("cpu.vendor_id") or signals.get("lscpu.Vendor ID")
    if vendor and vendor.strip():
        signals["x86.vendor"] = vendor.strip()
        signals["src.x86"] = "/proc/cpuinfo" if "cpu.vendor_id" in signals else "lscpu"
    for name, keys in (("family", ("cpu.cpu family", "lscpu.CPU family")), ("model", ("cpu.model", "lscpu.Model"))):
        for key in keys:
            value = _int(signals.get(key))
            if value is not None:
                signals[f"x86.{name}"] = str(value)
                break


def cpu_signals(facts: Facts, signals: dict[str, str]) -> None:
    cpuinfo_text = _file(facts, "/proc/cpuinfo")
    summary = cpuinfo_summary(cpuinfo_text)
    for key, value in summary.items():
        if value:
            signals[f"cpu.{key}"] = value
    for key, value in parse_lscpu(_cmd(facts, "lscpu")).items():
        if value:
            signals[f"lscpu.{key}"] = value
    count = count_processors(cpuinfo_text) or _int(signals.get("lscpu.CPU(s)"))
    if count:
        signals["cpu.count"] = str(count)
    model, source = summary.get("model name"), "/proc/cpuinfo"
    if not model and signals.get("lscpu.Model name"):
        model, source = signals["lscpu.Model name"], "lscpu"
    model = model or summary.get("cpu model")
    if model:
        signals["cpu.model_name"] = " ".join(model.split())
        signals["src.model"] = source
    isa = cpuinfo_isa(summary)
    if isa:
        signals["cpu.isa"] = isa
    _arm_ids(signals, facts)
    if "arm.implementer" not in signals:
        _x86_ids(signals)


def os_signals(facts: Facts, signals: dict[str, str]) -> None:
    path = next((p for p in ("/etc/os-release", "/usr/lib/os-release") if _text(facts, p)), None)
    os_text = _text(facts, path) if path else None
    if path:
        signals["src.os-release"] = path
    for key, value in parse_os_release(os_text).items():
        if value:
            signals[f"os.{key}"] = value
    for key, value in parse_os_release(_file(facts, "/etc/lsb-release")).items():
        if value:
            signals[f"lsb.{key}"] = value
    for path in RELEASE_FILES:
        for key, value in parse_release_line(_file(facts, path)).items():
            signals[f"release.{path.rsplit('/', 1)[-1]}.{key}"] = value
    for key, value in parse_ini(_file(facts, "/etc/os-version")).items():
        if value:
            signals[f"osversion.{key}"] = value
    for key, value in parse_ini(_file(facts, "/etc/.kyinfo")).items():
        if value:
            signals[f"kyinfo.{key}"] = value
    debian = (_file(facts, "/etc/debian_version") or "").strip()
    if debian:
        signals["debian_version"] = debian.splitlines()[0]


def _lscpu_bios(signals: dict[str, str]) -> None:
    """lscpu's ``BIOS Model name`` is DMI type 4's Version: a stand-in when dmidecode was not run."""
    bios = signals.get("lscpu.BIOS Model name", "")
    bios = re.sub(r"\s+(to be filled by o\.?e\.?m\.?|cpu @ .*|@ .*)$", "", bios, flags=re.IGNORECASE).strip()
    bios = re.sub(r"\s+to be filled by o\.?e\.?m\.?", "", bios, flags=re.IGNORECASE).strip()
    if bios:
        signals["lscpu.bios_model"] = bios


def detected_arch(signals: dict[str, str]) -> tuple[str | None, str | None]:
    """The architecture and the signal it came from: uname -m, else lscpu, else the cpuinfo layout."""
    for key in ("arch", "lscpu.Architecture", "cpu.isa"):
        value = canonical(signals.get(key))
        if value:
            return value, key
    return None, None


def _first_line(text: str) -> str:
    return text.splitlines()[0]


def _kernel_signals(facts: Facts, signals: dict[str, str]) -> None:
    """arch, arch.raw, kernel and kernel.version: uname -m and -r, else what uname -a says."""
    raw_arch = (_cmd(facts, "uname-m") or "").strip()
    uname_a = (_cmd(facts, "uname-a") or "").split()
    if not raw_arch and len(uname_a) >= 3 and uname_a[-1] == "GNU/Linux":
        # uname -a: Linux HOST RELEASE VERSION... MACHINE [PROCESSOR PLATFORM] GNU/Linux
        raw_arch = next((t for t in reversed(uname_a[:-1]) if canonical(t) in ALIASES.values()), "")
    arch = canonical(_first_line(raw_arch)) if raw_arch else None
    if arch:
        signals["arch"], signals["arch.raw"] = arch, _first_line(raw_arch)
    kernel = (_cmd(facts, "uname-r") or "").strip()
    if not kernel and len(uname_a) >= 3 and uname_a[0] == "Linux":
        kernel = uname_a[2]
    if kernel:
        signals["kernel"] = _first_line(kernel)
    proc_version = (_file(facts, "/proc/version") or "").strip()
    if proc_version:
        signals["kernel.version"] = _first_line(proc_version)


def _dmi_signals(facts: Facts, signals: dict[str, str]) -> None:
    """dmidecode and sysfs DMI, with lscpu's BIOS model name standing in for DMI type 4's Version."""
    sysfs = {p[len(DMI_DIR) :]: _file(facts, p) or "" for p in facts.files if p.startswith(DMI_DIR)}
    for key, value in dmi_signals(_cmd(facts, "dmidecode"), sysfs).items():
        signals[f"dmi.{key}"] = value
    _lscpu_bios(signals)
    if "lscpu.bios_model" in signals and "dmi.processor.version" not in signals:
        signals["dmi.processor.version"] = signals["lscpu.bios_model"]
        signals["src.dmi4"] = "lscpu BIOS Model name"


def signals_from(facts: Facts) -> dict[str, str]:
    """Every signal the facts give (see the module docstring for the names)."""
    signals: dict[str, str] = {}
    _kernel_signals(facts, signals)
    os_signals(facts, signals)
    cpu_signals(facts, signals)
    _dmi_signals(facts, signals)
    db_version = clean_version_output(_cmd(facts, "db-version"))
    if db_version:
        signals["db.version"] = db_version
    # bound every value: rules are regular expressions, and a capture may hold anything
    return {key: value[:MAX_VALUE] for key, value in signals.items()}


def process_signals(facts: Facts) -> list[str]:
    """Command lines of the processes the fact pass kept (databases, Java servers)."""
    return [_head_and_tail(line) for line in parse_processes(_cmd(facts, "processes"))]


def _head_and_tail(line: str) -> str:
    """A command line bounded like the fact pass bounds it: its head and its tail (the main class)."""
    if len(line) <= MAX_VALUE:
        return line
    half = MAX_VALUE // 2
    head, tail = line[:half], line[-(half - 5) :]
    # never keep a torn word at the cut: a fragment would pass for a main class
    return head.rsplit(" ", 1)[0] + " ... " + tail.split(" ", 1)[-1]
