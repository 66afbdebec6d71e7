"""What one fact pass reads on a host: files and commands, named as in a snapshot.

A snapshot (DESIGN.md) holds ``files/<path without leading slash>`` and
``commands/<name>.txt``; a live fact pass yields exactly the same names, so identification
works the same on a live host and on a snapshot. Stdlib only: ``xcert collect`` ships this.
"""

from __future__ import annotations

FILES: tuple[str, ...] = (
    "/etc/os-release",
    "/usr/lib/os-release",
    "/etc/lsb-release",
    "/etc/system-release",
    "/etc/redhat-release",
    "/etc/centos-release",
    "/etc/kylin-release",
    "/etc/neokylin-release",
    "/etc/openEuler-release",
    "/etc/anolis-release",
    "/etc/uos-release",
    "/etc/os-version",
    "/etc/deepin-version",
    "/etc/debian_version",
    "/etc/.kyinfo",
    "/etc/timezone",
    "/etc/locale.conf",
    "/etc/default/locale",
    "/proc/cpuinfo",
    "/proc/meminfo",
    "/proc/version",
    "/sys/kernel/mm/transparent_hugepage/enabled",
    "/sys/devices/system/cpu/cpu0/regs/identification/midr_el1",
    "/sys/class/dmi/id/sys_vendor",
    "/sys/class/dmi/id/product_name",
    "/sys/class/dmi/id/product_version",
    "/sys/class/dmi/id/board_vendor",
    "/sys/class/dmi/id/board_name",
    "/sys/class/dmi/id/bios_vendor",
    "/sys/class/dmi/id/bios_version",
    "/sys/class/dmi/id/chassis_vendor",
)

#: name -> shell command; names are file names in a snapshot's commands/ folder.
#: Constant strings only: nothing from an inventory is ever put into them.
COMMANDS: dict[str, str] = {
    "uname-m": "uname -m",
    "uname-r": "uname -r",
    "uname-a": "uname -a",
    "hostname": "hostname",
    "lscpu": "lscpu",
    "getconf-pagesize": "getconf PAGESIZE",
    "getconf-glibc": "getconf GNU_LIBC_VERSION",
    "ldd-version": "ldd --version",
    "locale-a": "locale -a",
    "openssl-version": "openssl version",
    "df": "df -P -k -x tmpfs -x devtmpfs -x overlay -x squashfs",
    "ip-addr": "ip -o addr show",
    "ip-link": "ip -o link show",
    "dmidecode": "dmidecode -t 1 -t 2 -t 4",
    "chronyc-tracking": "chronyc -n tracking",
    "timedatectl": "timedatectl show",
    "time-daemons": "ps -eo comm= | grep -E '^(chronyd|ntpd|systemd-timesyn|timesyncd|openntpd)$'",
    "date": "date -u +%s.%N",
    # who took the facts: on a snapshot, who collected it (results.json names it as the supplier)
    "collected-by": 'printf \'%s@%s\\n\' "$(id -un)" "$(hostname)"',
    # database servers and Java application servers, for identification: at most 100 command
    # lines of at most 2000 characters, with anything that looks like a password, secret or token masked
    "processes": (
        "ps -eo args= | grep -E '(^|/)(java|dmserver|kingbase|gaussdb|postgres|postmaster|mysqld|mariadbd"
        "|observer|tidb-server|gbased|gclusterd|oninit|oscar)( |$)'"
        " | sed -E -e 's/([Pp][Aa][Ss][Ss][A-Za-z0-9_.-]*[=:]|[Pp][Ww][Dd][A-Za-z0-9_.-]*[=:]"
        "|[Ss][Ee][Cc][Rr][Ee][Tt][A-Za-z0-9_.-]*[=:]|[Tt][Oo][Kk][Ee][Nn][A-Za-z0-9_.-]*[=:])[^ ]*/\\1***/g'"
        " -e 's/(--?[A-Za-z_.-]*([Pp][Aa][Ss][Ss]|[Pp][Ww][Dd]|[Ss][Ee][Cc][Rr][Ee][Tt]|[Tt][Oo][Kk][Ee][Nn])[A-Za-z_.-]*)"
        " +[^ -][^ ]*/\\1 ***/g'"
        # a long command line keeps its head and its tail, where a Java main class and its arguments are
        " | awk '{ if (length($0) > 2000) { h = substr($0, 1, 1000); t = substr($0, length($0) - 994);"
        ' sub(/ [^ ]*$/, "", h); sub(/^[^ ]* /, "", t); print h " ... " t } else print }\' | head -n 100'
    ),
}

#: seconds any one command of the pass may take before it is killed (where `timeout` exists)
PER_COMMAND_TIMEOUT_S = 10

#: Named probes that checks run on their own (one command each, kept as the check's evidence).
#: The collectors run every probe (these and the per-area ones below) into commands/<name>.txt,
#: with commands/<name>.rc when its exit status was not 0, so a snapshot answers them as the host
#: did; a probe a snapshot lacks is ``error: not captured``, never a failure.
PROBES: dict[str, str] = {
    "locale-a": "locale -a",
    "iconv-gb18030": r"printf '\304\343\272\303' | iconv -f GB18030 -t UTF-8",
    "iconv-gb18030-2022": r"printf '\202\065\220\067' | iconv -f GB18030 -t UTF-8 | od -An -tx1",
    "openssl-version": "openssl version",
    "openssl-sm3": "printf abc | openssl dgst -sm3",
    "openssl-sm4": (
        r"printf '\001\043\105\147\211\253\315\357\376\334\272\230\166\124\062\020'"
        " | openssl enc -sm4-ecb -K 0123456789abcdeffedcba9876543210 -nopad | od -An -tx1"
    ),
    "time-sync": (
        "ps -eo comm= | grep -E '^(chronyd|ntpd|systemd-timesyn|openntpd)$'; "
        "(chronyc -n tracking || timedatectl show -p NTPSynchronized || ntpq -pn) 2>&1"
    ),
}

# Probes are added per area, each in its own block below, so that areas grow without touching each other.
# A probe's command is a constant string; nothing from an inventory is ever put into it.

#: CPU, ABI, page size, execution control, national crypto, platform services, security baseline
HOST_PROBES: dict[str, str] = {}


#: server hardware: firmware, memory, storage, network, PCI, BMC
SERVER_PROBES: dict[str, str] = {}


#: middleware (application servers, JVMs)
MIDDLEWARE_PROBES: dict[str, str] = {}


#: service lifecycle, sockets, logs, packages
LIFECYCLE_PROBES: dict[str, str] = {
    # installed packages with their source package (OSV advisories of Debian and openEuler name sources)
    "packages-dpkg": (
        "dpkg-query -W -f '${binary:Package}\\t${Version}\\t${source:Package}\\t${source:Version}\\n'"
        " 2>/dev/null | head -n 50000"
    ),
    "packages-rpm": (
        "rpm -qa --qf '%{NAME}\\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\\t%{SOURCERPM}\\n' 2>/dev/null | head -n 50000"
    ),
}


for _area in (HOST_PROBES, SERVER_PROBES, MIDDLEWARE_PROBES, LIFECYCLE_PROBES):
    for _name, _command in _area.items():
        if _name in PROBES:
            raise ValueError("probe " + repr(_name) + " is defined twice")
        PROBES[_name] = _command
