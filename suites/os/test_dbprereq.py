"""OS layer, issue 15: what the declared database's installation guide requires of the host.

Each threshold comes from that product's guide (harness/catalog/requirements.yml, with its source);
a product whose guide gives none for a parameter has the value recorded, not judged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness import hostreq
from harness.checks import N_, CheckContext, F, check
from harness.facts.snapshot import Facts
from harness.identify import Component
from harness.probes import kparams
from harness.probes.platform import python_version
from harness.probes.system import parse_meminfo
from harness.session import HostSession
from suites.hostlib import DB_APPLIES, FactMissing, declared_db, judge_db, judge_many, lineage, need, probe

OG = "opengauss-mirror/openGauss-OM@792253ff check_list.conf, script/local/LocalCheck.py (gs_checkos)"
OB = "oceanbase/obdeploy@a3e8c47d plugins/oceanbase/4.x/start_check_pre.py, system_limits_check.py"
DM = "DM8 安装手册 §2.2.1.3 (quoted at eco.dameng.com and blog.csdn.net/weixin_44162973/article/details/126369028)"
KB = "KingbaseES V8 manual values (quoted at blog.csdn.net/wxl302947229/article/details/142097626)"
GB = "GBase 8a MPP pre-deployment tuning (dev.to/michaelfv, from gbase.cn); GBase 8s manual (blog.csdn.net/weixin_34421618)"
ALL = f"{OG}; {OB}; {DM}; {KB}; {GB} (REF 4.3)"
TAGS = ("db-prereq",)


def _sysctl(target: HostSession) -> dict[str, str]:
    values = kparams.sysctl_values(need(target, "hc-sysctl-db"))
    if not values:
        raise FactMissing("no kernel parameter under /proc/sys could be read")
    return values


def _mem_kib(facts: Facts) -> int | None:
    total = parse_meminfo(facts.file("/proc/meminfo")).get("MemTotal")
    return total // 1024 if total else None


def _sysctl_check(
    xc: CheckContext, target: HostSession, declared: dict[str, str], keys: tuple[str, ...], facts: Facts | None = None
) -> None:
    values = _sysctl(target)
    mem = _mem_kib(facts) if facts is not None else None
    if len(keys) == 1:
        judge_db(xc, declared, keys[0], keys[0], values.get(keys[0]), mem_total_kib=mem)
    else:
        judge_many(xc, declared, [(k, k, values.get(k)) for k in keys], mem_total_kib=mem)


def _limits(target: HostSession, declared: dict[str, str]) -> tuple[str, dict[str, str]]:
    """(whose limits, the limits): the database's OS user where it exists, else the certifying user."""
    text = need(target, "hc-db-user-limits")
    rows = kparams.user_limits(text)
    _, product = declared_db(declared)
    user = hostreq.db_user(product) if product else None
    if user and user in rows:
        return user, rows[user]
    if user and f"user {user} " in text:
        # the user exists but su could not run as it (the certifying user is not root)
        raise FactMissing(f"the limits of {user} cannot be read: su to {user} failed (needs root)")
    self_rows = [k for k in rows if k.startswith("self:")]
    if not self_rows:
        raise FactMissing("the limits of neither the database user nor the certifying user could be read")
    who = self_rows[0][5:]
    return f"{who} (certifying user; {user or 'the database user'} does not exist)", rows[self_rows[0]]


def _limit_check(xc: CheckContext, target: HostSession, declared: dict[str, str], names: tuple[str, ...]) -> None:
    who, limits = _limits(target, declared)
    items = [(f"limit.{n}", f"{n} of {who}", limits.get(n)) for n in names]
    if len(items) == 1:
        key, fact, value = items[0]
        judge_db(xc, declared, key, fact, value)
    else:
        judge_many(xc, declared, items)


def _meta(
    check_id: str, title: str, requirement: str, remedy: str, source: str = ALL, severity: str = "mandatory"
) -> Callable[[F], F]:
    return check(
        check_id,
        layer="os",
        severity=severity,
        title=title,
        requirement=requirement,
        remedy=remedy,
        applies_to=DB_APPLIES,
        source=source,
        tags=TAGS,
    )


SYSCTL_REMEDY = N_("Set the value the guide names in /etc/sysctl.d/99-<database>.conf and run sysctl --system.")
LIMITS_REMEDY = N_(
    "Set the limit for the database user in /etc/security/limits.d/ (and LimitNOFILE= etc. in its systemd unit), then log in again."
)


@_meta(
    "XC-OS-150",
    N_("Shared memory limits as the database requires"),
    N_("kernel.shmmax, kernel.shmall and kernel.shmmni meet the declared database's installation guide."),
    SYSCTL_REMEDY,
    f"{OG}; {KB} (REF 4.3)",
)
def test_shm(target: HostSession, declared: dict[str, str], xc: CheckContext) -> None:
    _sysctl_check(xc, target, declared, ("kernel.shmmax", "kernel.shmall", "kernel.shmmni"))


@_meta(
    "XC-OS-151",
    N_("Semaphore limits as the database requires"),
    N_("kernel.sem (SEMMSL SEMMNS SEMOPM SEMMNI) meets the declared database's installation guide."),
    SYSCTL_REMEDY,
    f"{OG}; {KB} (REF 4.3)",
)
def test_sem(target: HostSession, declared: dict[str, str], xc: CheckContext) -> None:
    _sysctl_check(xc, target, declared, ("kernel.sem",))


@_meta(
    "XC-OS-152",
    N_("Open file limit of the kernel as the database requires"),
    N_("fs.file-max meets the declared database's installation guide."),
    SYSCTL_REMEDY,
    f"{OB}; {KB} (REF 4.3)",
)
def test_file_max(target: HostSession, declared: dict[str, str], xc: CheckContext) -> None:
    _sysctl_check(xc, target, declared, ("fs.file-max",))


@_meta(
    "XC-OS-153",
    N_("Asynchronous I/O slots as the database requires"),
    N_("fs.aio-max-nr, and the free slots (aio-max-nr minus aio-nr), meet the declared database's installation guide."),
    SYSCTL_REMEDY,
    f"{OB}; {KB} (REF 4.2, 4.3)",
)
def test_aio(target: HostSession, declared: dict[str, str], xc: CheckContext) -> None:
    values = _sysctl(target)
    maxnr, nr = values.get("fs.aio-max-nr"), values.get("fs.aio-nr")
    free = str(int(maxnr) - int(nr)) if maxnr and nr and maxnr.isdigit() and nr.isdigit() else None
    judge_many(xc, declared, [("fs.aio-max-nr", "fs.aio-max-nr", maxnr), ("aio_free", "free AIO slots", free)])


@_meta(
    "XC-OS-154",
    N_("Swappiness recorded for the database"),
    N_("vm.swappiness is recorded (none of the cited guides gives a value)."),
    SYSCTL_REMEDY,
    ALL,
    "advisory",
)
def test_swappiness(target: HostSession, declared: dict[str, str], xc: CheckContext) -> None:
    _sysctl_check(xc, target, declared, ("vm.swappiness",))


@_meta(
    "XC-OS-155",
    N_("Memory overcommit as the database requires"),
    N_("vm.overcommit_memory (and vm.overcommit_ratio) meet the declared database's installation guide."),
    SYSCTL_REMEDY,
    f"{OG}; {OB} (REF 4.3)",
)
def test_overcommit(target: HostSession, declared: dict[str, str], xc: CheckContext) -> None:
    _sysctl_check(xc, target, declared, ("vm.overcommit_memory", "vm.overcommit_ratio"))


@_meta(
    "XC-OS-156",
    N_("Memory map count as the database requires"),
    N_("vm.max_map_count meets the declared database's installation guide."),
    SYSCTL_REMEDY,
    f"{OB} (REF 4.3)",
)
def test_max_map_count(target: HostSession, declared: dict[str, str], xc: CheckContext) -> None:
    _sysctl_check(xc, target, declared, ("vm.max_map_count",))


@_meta(
    "XC-OS-157",
    N_("Reserved free memory as the database requires"),
    N_(
        "vm.min_free_kbytes meets the declared database's installation guide (openGauss: 5 % of RAM within 10 %, a warning; OceanBase: 32768 to 2097152)."
    ),
    SYSCTL_REMEDY,
    f"{OG}; {OB} (REF 4.1, 4.3)",
)
def test_min_free(facts: Facts, target: HostSession, declared: dict[str, str], xc: CheckContext) -> None:
    _sysctl_check(xc, target, declared, ("vm.min_free_kbytes",), facts=facts)


@_meta(
    "XC-OS-158",
    N_("Listen backlog as the database requires"),
    N_("net.core.somaxconn meets the declared database's installation guide."),
    SYSCTL_REMEDY,
    f"{OG} (REF 4.3)",
)
def test_somaxconn(target: HostSession, declared: dict[str, str], xc: CheckContext) -> None:
    _sysctl_check(xc, target, declared, ("net.core.somaxconn",))


@_meta(
    "XC-OS-159",
    N_("Local port range as the database requires"),
    N_("net.ipv4.ip_local_port_range lies inside the range the declared database's installation guide names."),
    SYSCTL_REMEDY,
    f"{OG}; {KB} (REF 4.3)",
)
def test_port_range(target: HostSession, declared: dict[str, str], xc: CheckContext) -> None:
    _sysctl_check(xc, target, declared, ("net.ipv4.ip_local_port_range",))


@_meta(
    "XC-OS-160",
    N_("Socket buffer sizes as the database requires"),
    N_("net.core.rmem_default, rmem_max, wmem_default and wmem_max meet the declared database's installation guide."),
    SYSCTL_REMEDY,
    f"{OG}; {KB} (REF 4.3)",
)
def test_socket_buffers(target: HostSession, declared: dict[str, str], xc: CheckContext) -> None:
    _sysctl_check(
        xc,
        target,
        declared,
        ("net.core.rmem_default", "net.core.rmem_max", "net.core.wmem_default", "net.core.wmem_max"),
    )


@_meta(
    "XC-OS-161",
    N_("Open files limit of the database user"),
    N_("The database user's open files limit (ulimit -n) meets the declared database's installation guide."),
    LIMITS_REMEDY,
    f"{OG}; {OB}; {DM}; {GB} (REF 4.3)",
)
def test_nofile(target: HostSession, declared: dict[str, str], xc: CheckContext) -> None:
    _limit_check(xc, target, declared, ("nofile",))


@_meta(
    "XC-OS-162",
    N_("Process limit of the database user"),
    N_("The database user's process limit (ulimit -u) meets the declared database's installation guide."),
    LIMITS_REMEDY,
    f"{OG}; {OB}; {GB} (REF 4.3)",
)
def test_nproc(target: HostSession, declared: dict[str, str], xc: CheckContext) -> None:
    _limit_check(xc, target, declared, ("nproc",))


@_meta(
    "XC-OS-163",
    N_("Locked memory limit of the database user recorded"),
    N_("The database user's locked memory limit (ulimit -l) is recorded (no cited guide requires a value)."),
    LIMITS_REMEDY,
    ALL,
    "advisory",
)
def test_memlock(target: HostSession, declared: dict[str, str], xc: CheckContext) -> None:
    _limit_check(xc, target, declared, ("memlock",))


@_meta(
    "XC-OS-164",
    N_("Stack limit of the database user"),
    N_("The database user's stack size limit (ulimit -s) meets the declared database's installation guide."),
    LIMITS_REMEDY,
    f"{OG}; {OB}; {GB} (REF 4.3)",
)
def test_stack(target: HostSession, declared: dict[str, str], xc: CheckContext) -> None:
    _limit_check(xc, target, declared, ("stack",))


@_meta(
    "XC-OS-165",
    N_("Memory and file size limits of the database user"),
    N_(
        "The database user's virtual memory (ulimit -v), data segment (ulimit -d) and file size (ulimit -f) limits meet the declared database's installation guide."
    ),
    LIMITS_REMEDY,
    f"{OG}; {DM} (REF 4.3)",
)
def test_as_data_fsize(target: HostSession, declared: dict[str, str], xc: CheckContext) -> None:
    _limit_check(xc, target, declared, ("as", "data", "fsize"))


@_meta(
    "XC-OS-166",
    N_("Transparent huge pages as the database requires"),
    N_("Transparent huge pages are set as the declared database's installation guide requires (openGauss: never)."),
    N_(
        "echo never > /sys/kernel/mm/transparent_hugepage/enabled, and make it persistent (transparent_hugepage=never on the kernel command line)."
    ),
    f"{OG} (A14) (REF 4.1)",
)
def test_thp(facts: Facts, declared: dict[str, str], xc: CheckContext) -> None:
    text = facts.file("/sys/kernel/mm/transparent_hugepage/enabled")
    value = kparams.active_scheduler(text) if text else None  # the same [bracketed] format
    if text is not None and value is None:
        raise FactMissing("/sys/kernel/mm/transparent_hugepage/enabled has no [selected] value")
    if text is None:
        xc.not_applicable(
            N_("The kernel exposes no {what} on this host ({reason})"),
            what="transparent huge pages",
            reason="no /sys/kernel/mm/transparent_hugepage",
        )
    judge_db(xc, declared, "thp", "transparent huge pages", value)


def _queues(target: HostSession) -> dict[str, dict[str, str]]:
    text = need(target, "hc-block-queues")
    if "end" not in text.split():
        raise FactMissing("the block queue probe did not finish")
    queues = kparams.block_queues(text)
    if not queues:
        raise FactMissing("the host has no disk under /sys/block")
    return queues


@_meta(
    "XC-OS-167",
    N_("I/O scheduler as the database requires"),
    N_(
        "Every disk's I/O scheduler is the one the declared database's installation guide names (openGauss: deadline or mq-deadline)."
    ),
    N_("Select the scheduler: echo mq-deadline > /sys/block/DEV/queue/scheduler, and persist it with a udev rule."),
    f"{OG} (A10) (REF 4.1)",
)
def test_scheduler(target: HostSession, declared: dict[str, str], xc: CheckContext) -> None:
    queues = _queues(target)
    items = [
        (
            "scheduler",
            f"{dev} scheduler",
            kparams.active_scheduler(q.get("scheduler", "")) or q.get("scheduler") or None,
        )
        for dev, q in queues.items()
    ]
    judge_many(xc, declared, items)


@_meta(
    "XC-OS-168",
    N_("Disk read-ahead as the database requires"),
    N_(
        "Every disk's read-ahead (in 512-byte sectors) meets the declared database's installation guide (openGauss: 16384)."
    ),
    N_("blockdev --setra 16384 /dev/DEV (and persist it in a udev rule or rc.local)."),
    f"{OG} (A9) (REF 4.1)",
)
def test_read_ahead(target: HostSession, declared: dict[str, str], xc: CheckContext) -> None:
    queues = _queues(target)
    items = []
    for dev, q in queues.items():
        kb = q.get("read_ahead_kb", "")
        items.append(("read_ahead_sectors", f"{dev} read-ahead sectors", str(int(kb) * 2) if kb.isdigit() else None))
    judge_many(xc, declared, items)


@_meta(
    "XC-OS-169",
    N_("File systems of the data directories recorded"),
    N_(
        "The file system and mount options of /, /opt, /data, /home, /var and /tmp are recorded (no cited guide names one)."
    ),
    N_("Put the database's data directory on the file system its vendor recommends."),
    ALL,
    "advisory",
)
def test_mounts(target: HostSession, declared: dict[str, str], xc: CheckContext) -> None:
    mounts = kparams.mounts(need(target, "hc-mounts"))
    if not mounts:
        raise FactMissing("findmnt printed no mount")
    judge_many(
        xc,
        declared,
        [("mount", f"{p}", f"{m['fstype']} on {m['target']} ({m['options'][:80]})") for p, m in mounts.items()],
    )


def _free_mib(summary: dict[str, Any], path: str) -> str | None:
    disks = summary.get("disks") or []
    best = None
    for d in disks:
        mount = d.get("mount") or ""
        covers = path == mount or path.startswith(mount.rstrip("/") + "/") or mount == "/"
        if covers and (best is None or len(mount) > len(best.get("mount") or "")):
            best = d
    return None if best is None else str(int(best["free_bytes"]) // (1024 * 1024))


@_meta(
    "XC-OS-170",
    N_("Free disk space as the database requires"),
    N_(
        "The free space of /tmp (DM8: 1 GB) and of /opt, the default install location (KingbaseES: 11 GB; GBase 8s: 100 GB), meets the declared database's guide."
    ),
    N_("Free space or mount a larger file system (DM8: or set DM_INSTALL_TMPDIR)."),
    f"{DM}; {KB}; {GB} (REF 4.3)",
)
def test_free_space(summary: dict[str, Any], declared: dict[str, str], xc: CheckContext) -> None:
    if not summary.get("disks"):
        raise FactMissing("no file system sizes could be read (df)")
    judge_many(
        xc,
        declared,
        [
            ("tmp_free_mib", "free MiB for /tmp", _free_mib(summary, "/tmp")),
            ("opt_free_mib", "free MiB for /opt", _free_mib(summary, "/opt")),
        ],
    )


@_meta(
    "XC-OS-171",
    N_("Memory as the database requires"),
    N_(
        "Total memory (KingbaseES: 512 MB; GBase 8s: 4 GB) and available memory (OceanBase: 3 GiB per observer) meet the declared database's guide."
    ),
    N_("Add memory or move other services off the host."),
    f"{OB}; {KB}; {GB} (REF 4.2, 4.3)",
)
def test_memory(facts: Facts, declared: dict[str, str], xc: CheckContext) -> None:
    mem = parse_meminfo(facts.file("/proc/meminfo"))
    total, avail = mem.get("MemTotal"), mem.get("MemAvailable")
    judge_many(
        xc,
        declared,
        [
            ("mem_total_mib", "MemTotal MiB", None if total is None else str(total // 2**20)),
            ("mem_available_mib", "MemAvailable MiB", None if avail is None else str(avail // 2**20)),
        ],
    )


@_meta(
    "XC-OS-172",
    N_("Swap no larger than memory"),
    N_("Swap is no larger than physical memory (openGauss gs_checkos A5)."),
    N_("Shrink the swap space to at most the size of memory."),
    f"{OG} (A5) (REF 4.1)",
)
def test_swap(facts: Facts, declared: dict[str, str], xc: CheckContext) -> None:
    mem = parse_meminfo(facts.file("/proc/meminfo"))
    if "MemTotal" not in mem or "SwapTotal" not in mem:
        raise FactMissing("/proc/meminfo has no MemTotal or SwapTotal")
    xc.measure("swap_total", mem["SwapTotal"], "bytes")
    judge_db(
        xc,
        declared,
        "swap_le_mem",
        "swap no larger than memory",
        "yes" if mem["SwapTotal"] <= mem["MemTotal"] else "no",
    )


@_meta(
    "XC-OS-173",
    N_("systemd-logind keeps the database's IPC objects"),
    N_(
        "RemoveIPC=no for systemd-logind, so logging out does not remove the database user's shared memory and semaphores (openGauss)."
    ),
    N_("Set RemoveIPC=no in /etc/systemd/logind.conf and restart systemd-logind."),
    f"{OG} LocalCheckOS.py (B7 sets RemoveIPC=no) (REF 4.1)",
)
def test_removeipc(target: HostSession, declared: dict[str, str], xc: CheckContext) -> None:
    text, tool = probe(target, "hc-removeipc")
    if tool:
        xc.not_applicable(N_("{tool} is not installed: {what} is not present"), tool=tool, what="systemd-logind")
    judge_db(xc, declared, "removeipc", "RemoveIPC", kparams.removeipc(text))


@_meta(
    "XC-OS-174",
    N_("Firewall as the database requires"),
    N_("The host firewall service is as the declared database's guide requires (openGauss and GBase 8a: disabled)."),
    N_("Stop and disable the firewall service (or open the database's ports as the site's policy allows)."),
    f"{OG} (A13); {GB} (REF 4.1, 4.3)",
)
def test_firewall(target: HostSession, declared: dict[str, str], xc: CheckContext) -> None:
    text, tool = probe(target, "hc-firewall")
    if tool:
        raise FactMissing(f"{tool}: the firewall service state cannot be read")
    states = kparams.service_states(text)
    active = [s for s, state in states.items() if state == "active"]
    judge_db(xc, declared, "firewall", "firewall services", "active: " + ", ".join(active) if active else "inactive")


def _support(xc: CheckContext, declared: dict[str, str], key: str, fact: str, candidates: list[str]) -> None:
    _, product = declared_db(declared)
    rule = hostreq.db_rule(product, key) if product else None
    if not candidates:
        raise FactMissing(f"the {fact} was not identified")
    if rule is not None:
        hit = next((c for c in candidates if hostreq.holds(rule, c)), None)
        judge_db(xc, declared, key, fact, hit or candidates[0])
    else:
        judge_db(xc, declared, key, fact, candidates[0])


@_meta(
    "XC-OS-175",
    N_("CPU supported by the declared database"),
    N_("The detected CPU (or its family) is one the declared database's guide lists as supported."),
    N_("Certify the database on a CPU its vendor supports, or obtain the vendor's statement for this one."),
    f"{KB}; {GB} (REF 4.3)",
)
def test_db_cpu(identity: dict[str, Component], declared: dict[str, str], xc: CheckContext) -> None:
    _support(xc, declared, "cpu", "CPU", lineage(identity, "cpu"))


@_meta(
    "XC-OS-176",
    N_("OS supported by the declared database"),
    N_("The detected operating system (or its family) is one the declared database's guide lists as supported."),
    N_("Certify the database on an operating system its vendor supports."),
    f"{OG} gsplatform.py; {KB}; {GB} (REF 4.1, 4.3)",
)
def test_db_os(identity: dict[str, Component], declared: dict[str, str], xc: CheckContext) -> None:
    _support(xc, declared, "os", "operating system", lineage(identity, "os"))


@_meta(
    "XC-OS-177",
    N_("Python as the database's tools require"),
    N_("python3 is installed in the version the declared database's tools require (openGauss: 3.6 or later)."),
    N_("Install python3 from the distribution."),
    "opengauss-mirror/docs InstallationGuide (Python >= 3.6) (REF 4.1)",
)
def test_db_python(target: HostSession, declared: dict[str, str], xc: CheckContext) -> None:
    text, tool = probe(target, "hc-python")
    _, product = declared_db(declared)
    needs = product is not None and hostreq.db_rule(product, "python") is not None
    if tool and not needs:
        xc.not_applicable(N_("{tool} is not installed: {what} is not present"), tool="python3", what="Python")
    judge_db(xc, declared, "python", "Python", "not installed" if tool else python_version(text))
