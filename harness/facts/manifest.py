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
#: Each prints markers ("ipmitool: not installed", "source=none") instead of relying on its exit status,
#: so a snapshot's commands/<name>.txt answers exactly as the live host did.
_MASK_IDS = r"sed -E 's/^([[:space:]]*(Serial Number|UUID|Asset Tag|Part Number):).*/\1 ***/'"
_IPMI = "if ! command -v ipmitool >/dev/null 2>&1; then echo 'ipmitool: not installed'; exit 0; fi; "
SERVER_PROBES: dict[str, str] = {
    "srv-platform": (
        'echo "vm=$(systemd-detect-virt --vm 2>/dev/null)"; echo "container=$(systemd-detect-virt --container 2>/dev/null)"; '
        "grep -qw hypervisor /proc/cpuinfo && echo hypervisor=yes; [ -e /.dockerenv ] && echo dockerenv=yes; "
        "[ -e /run/.containerenv ] && echo containerenv=yes; "
        "tr '\\0' '\\n' 2>/dev/null < /proc/1/environ | grep '^container='; [ -d /sys/class/dmi/id ] && echo dmi=yes; true"
    ),
    "srv-dmi-sysfs": (
        "for f in bios_vendor bios_version bios_date bios_release sys_vendor product_name product_version product_family "
        "board_vendor board_name board_version chassis_vendor chassis_type chassis_version; do "
        '[ -r /sys/class/dmi/id/$f ] && echo "$f=$(cat /sys/class/dmi/id/$f)"; done; true'
    ),
    "srv-dmidecode": (
        "if ! command -v dmidecode >/dev/null 2>&1; then echo 'dmidecode: not installed'; exit 0; fi; "
        "dmidecode -t 0 -t 1 -t 2 -t 3 2>&1 | " + _MASK_IDS
    ),
    "srv-dmidecode-memory": (
        "if ! command -v dmidecode >/dev/null 2>&1; then echo 'dmidecode: not installed'; exit 0; fi; "
        "dmidecode -t 16 -t 17 2>&1 | " + _MASK_IDS
    ),
    "srv-boot": (
        "if [ -d /sys/firmware/efi ]; then echo mode=uefi; else echo mode=legacy; fi; "
        '[ -r /sys/firmware/efi/fw_platform_size ] && echo "platform_size=$(cat /sys/firmware/efi/fw_platform_size)"; '
        'for v in /sys/firmware/efi/efivars/SecureBoot-*; do [ -r "$v" ] && '
        'echo "secureboot=$(od -An -tu1 "$v" | awk \'{print $NF}\')"; done; true'
    ),
    "srv-ipmi-mc": _IPMI
    + 'ls /dev/ipmi* /dev/ipmidev/* 2>/dev/null; timeout 20 ipmitool mc info 2>&1; echo "ipmitool_rc=$?"',
    "srv-ipmi-sensors": _IPMI + 'timeout 30 ipmitool sensor 2>&1 | head -n 400; echo "ipmitool_rc=$?"',
    "srv-ipmi-psu": _IPMI + "timeout 20 ipmitool sdr type 'Power Supply' 2>&1 | head -n 100; echo \"ipmitool_rc=$?\"",
    "srv-ipmi-sel": _IPMI + 'timeout 30 ipmitool sel elist 2>&1 | tail -n 300; echo "ipmitool_rc=$?"',
    "srv-edac": (
        "[ -d /sys/devices/system/edac/mc ] || { echo 'edac: absent'; exit 0; }; "
        'for m in /sys/devices/system/edac/mc/mc*; do [ -d "$m" ] && '
        'echo "$(basename $m) ce=$(cat $m/ce_count) ue=$(cat $m/ue_count) name=$(cat $m/mc_name 2>/dev/null)"; done; true'
    ),
    "srv-mce": (
        "if out=$(dmesg 2>/dev/null); then echo source=dmesg; elif out=$(journalctl -k -b --no-pager 2>/dev/null); "
        "then echo source=journal; else echo source=none; exit 0; fi; printf '%s\\n' \"$out\" | "
        "grep -iE 'machine check|mce: |\\[Hardware Error\\]|hardware error|EDAC .*(CE|UE) ' | tail -n 50; true"
    ),
    "srv-disks": "lsblk -dn -P -o NAME,TYPE,SIZE,MODEL,REV,VENDOR,ROTA,TRAN 2>&1 | head -n 200",
    "srv-smart": (
        "if ! command -v smartctl >/dev/null 2>&1; then echo 'smartctl: not installed'; exit 0; fi; "
        'for d in $(lsblk -dn -o NAME,TYPE | awk \'$2=="disk"{print $1}\' | head -n 64); do echo "== /dev/$d"; '
        "timeout 20 smartctl -H -i /dev/$d 2>&1 | grep -E 'overall-health|SMART Health Status|Device Model|Model Number|"
        "Firmware Version|Product:|Revision:|Unavailable|not supported|Unable to detect'; done; true"
    ),
    "srv-nvme": (
        'for c in /sys/class/nvme/nvme*; do [ -d "$c" ] && echo "$(basename $c)|model=$(cat $c/model)|'
        'fw=$(cat $c/firmware_rev)|state=$(cat $c/state 2>/dev/null)"; done; true'
    ),
    "srv-raid": "echo '== mdstat'; cat /proc/mdstat 2>/dev/null; echo '== pci'; lspci -nn 2>/dev/null | grep -E '\\[010[47]\\]'; true",
    "srv-nics": (
        'for n in /sys/class/net/*; do i=$(basename $n); if [ ! -e $n/device ]; then echo "$i|virtual=yes"; continue; fi; '
        'd=$(basename "$(readlink -f $n/device/driver)" 2>/dev/null); '
        "fw=$(ethtool -i $i 2>/dev/null | sed -n 's/^firmware-version: //p'); "
        'echo "$i|driver=$d|speed=$(cat $n/speed 2>/dev/null)|duplex=$(cat $n/duplex 2>/dev/null)|'
        'operstate=$(cat $n/operstate 2>/dev/null)|fw=$fw"; done; true'
    ),
    "srv-bonding": 'for b in /proc/net/bonding/*; do [ -f "$b" ] && { echo "== $(basename $b)"; head -n 200 "$b"; }; done; true',
    "srv-pci": (
        'for d in /sys/bus/pci/devices/*; do [ -r "$d/vendor" ] || continue; r=; '
        '[ -e "$d/driver" ] && r=$(basename "$(readlink "$d/driver")"); '
        'echo "$(basename $d) vendor=$(cat $d/vendor) device=$(cat $d/device) class=$(cat $d/class) driver=$r"; done; true'
    ),
    "srv-tpm": (
        'for t in /sys/class/tpm/tpm*; do [ -d "$t" ] && echo "$(basename $t) version=$(cat $t/tpm_version_major 2>/dev/null)"; '
        "done; ls -d /dev/tpm* /dev/tcm* /dev/tpcm* 2>/dev/null; true"
    ),
    "srv-kdump": (
        "echo \"crashkernel=$(grep -o 'crashkernel=[^ ]*' /proc/cmdline)\"; "
        'echo "loaded=$(cat /sys/kernel/kexec_crash_loaded 2>/dev/null)"; '
        "for u in kdump.service kdump-tools.service; do for w in /etc/systemd/system/*.wants; do "
        '[ -e "$w/$u" ] && echo "enabled=$u"; done; done; '
        'for f in /etc/kdump.conf /etc/default/kdump-tools; do [ -f $f ] && echo "conf=$f"; done; true'
    ),
    "srv-watchdog": (
        'for w in /sys/class/watchdog/watchdog*; do [ -d "$w" ] && echo "$(basename $w)|identity=$(cat $w/identity 2>/dev/null)|'
        'state=$(cat $w/state 2>/dev/null)|timeout=$(cat $w/timeout 2>/dev/null)"; done; ls /dev/watchdog* 2>/dev/null; true'
    ),
}


#: middleware (application servers, JVMs). Each finds the host's own Java servers (ps, /proc/PID/cmdline)
#: and reads only what those processes name: nothing from an inventory is in them.
_JAVA_PIDS = "ps -eo pid=,comm= | awk '$2==\"java\"{print $1}' | head -n 20"
_MW_MASK = (
    "sed -E -e 's/([Pp][Aa][Ss][Ss][A-Za-z0-9_.-]*[=:]|[Pp][Ww][Dd][A-Za-z0-9_.-]*[=:]"
    "|[Ss][Ee][Cc][Rr][Ee][Tt][A-Za-z0-9_.-]*[=:]|[Tt][Oo][Kk][Ee][Nn][A-Za-z0-9_.-]*[=:])[^ ]*/\\1***/g'"
)
#: directories a server's own command line names: its working directory and -D...home/base/root=... values
_MW_DIRS = (
    "dirs() { readlink /proc/$1/cwd; tr '\\0' '\\n' < /proc/$1/cmdline | "
    "sed -n -E 's/^-D[A-Za-z0-9_.]*([Hh]ome|[Bb]ase|[Rr]oot|instancedir)=(\\/.*)$/\\2/p'; } ; "
)
MIDDLEWARE_PROBES: dict[str, str] = {
    "mw-jvms": (
        "for p in $(" + _JAVA_PIDS + '); do echo "== pid=$p user=$(ps -o user= -p $p) exe=$(readlink /proc/$p/exe) '
        "cwd=$(readlink /proc/$p/cwd)\"; tr '\\0' ' ' < /proc/$p/cmdline | cut -c1-8000 | "
        + _MW_MASK
        + "; echo; done; true"
    ),
    "mw-jvm-info": (
        "for p in $(" + _JAVA_PIDS + '); do e=$(readlink /proc/$p/exe); echo "== pid=$p exe=$e"; '
        'echo "elf=$(od -An -tx1 -N20 "$e" | tr -d \'\\n\')"; h=$(dirname "$(dirname "$e")"); '
        '[ -r "$h/release" ] && sed \'s/^/release: /\' "$h/release" | head -n 30; '
        'timeout 20 "$e" -XshowSettings:properties -version 2>&1 | grep -E '
        "'^ +(java\\.version|java\\.home|java\\.vendor|java\\.vm\\.name|os\\.arch|sun\\.arch\\.data\\.model) =|version \"' "
        "| head -n 20; done; true"
    ),
    "mw-install": (
        "for d in /opt/tweb* /opt/TongWeb* /opt/tongweb* /usr/local/tongweb* /opt/bes* /opt/BES* /usr/local/bes* "
        "/usr/local/apusic* /opt/apusic* /opt/Apusic* /usr/local/ass /usr/local/inforsuite* /opt/inforsuite* "
        "/opt/InforSuite* /usr/share/tomcat* /opt/tomcat* /opt/apache-tomcat* /usr/local/tomcat*; do "
        '[ -d "$d" ] || continue; echo "== dir=$d"; '
        'for s in . lib boot patch modules aas/modules as/modules; do [ -d "$d/$s" ] && ls -1 "$d/$s" | head -n 60 | '
        'sed "s|^|ls $s: |"; done; for f in RELEASE-NOTES version.txt VERSION; do [ -f "$d/$f" ] && '
        'head -n 40 "$d/$f" | grep -iE \'version\' | head -n 3 | sed "s|^|file $f: |"; done; '
        'j=$d/lib/catalina.jar; [ -f "$j" ] && { unzip -p "$j" org/apache/catalina/util/ServerInfo.properties 2>/dev/null '
        "|| python3 -c 'import sys,zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read("
        '"org/apache/catalina/util/ServerInfo.properties").decode())\' "$j" 2>/dev/null; } | sed \'s/^/file ServerInfo: /\'; '
        "done; true"
    ),
    "mw-http": (
        "ss -ltnpH 2>/dev/null | grep '\"java\"' | awk '{print $4}' | head -n 12 | while read -r a; do "
        "port=${a##*:}; h=${a%:*}; h=$(echo \"$h\" | tr -d '[]' | sed 's/^::ffff://'); "
        'case "$h" in 0.0.0.0|\'*\'|::) h=127.0.0.1;; esac; echo "== listen=$a port=$port"; '
        "o=$(timeout 3 bash -c 'exec 3<>/dev/tcp/$0/$1 && printf \"HEAD / HTTP/1.0\\r\\n\\r\\n\" >&3 && head -c 1500 <&3' "
        '"$h" "$port" 2>/dev/null); rc=$?; '
        "printf '%s\\n' \"$o\" | tr -d '\\r' | grep -iE '^(HTTP/|Server:)' | sed 's/^/http: /'; "
        # a port that accepted but sent nothing in time is frozen or wedged: no TLS attempt to wait on as well
        'if [ "$rc" -eq 124 ]; then echo "http: no answer (timeout)"; continue; fi; '
        "t=$(printf 'HEAD / HTTP/1.0\\r\\n\\r\\n' | timeout 4 openssl s_client -connect \"$h:$port\" -ign_eof 2>&1); "
        "echo \"$t\" | tr -d '\\r' | grep -iE '^(HTTP/|Server:)|^ *(Protocol|Cipher) *:|^New, |Peer signature type|"
        "Server public key|^verify error' | grep -v 'Cipher is (NONE)' | head -n 8 | sed 's/^/tls: /'; done; true"
    ),
    "mw-listen": "ss -ltnpH 2>&1 | head -n 200",
    "mw-libs": (
        _MW_DIRS + "for p in $(" + _JAVA_PIDS + "); do for d in $(dirs $p | sort -u | head -n 8); do "
        'for s in lib common/lib lib/ext server/lib domains/*/lib; do for f in "$d"/$s/*.jar; do [ -e "$f" ] && '
        'echo "jar $f -> $(readlink -f "$f")"; done; done; done; done | sort -u | head -n 400; true'
    ),
    "mw-datasources": (
        _MW_DIRS + "for p in $(" + _JAVA_PIDS + "); do for d in $(dirs $p | sort -u | head -n 8); do "
        'for f in "$d"/conf/context.xml "$d"/conf/server.xml "$d"/conf/Catalina/*/*.xml "$d"/conf/tongweb.xml '
        '"$d"/config/domain.xml "$d"/domains/*/config/domain.xml; do [ -r "$f" ] && '
        'grep -oE \'jdbc:[a-z0-9]+:(//)?[^"<> ]+\' "$f" | '
        # a URL may carry its password (?password=...): masked before it is written down
        "sed -E 's/([Pp][Aa][Ss][Ss][Ww][Oo][Rr][Dd]|[Pp][Ww][Dd])=[^&;]*/\\1=***/g' | "
        'sed "s|^|$f |"; done; done; done | sort -u | head -n 40 | '
        "while read -r f u; do hp=$(echo \"$u\" | sed -E 's#^jdbc:[a-z0-9]+:(//)?([^/?;]+).*#\\2#'); "
        'h=${hp%:*}; port=${hp##*:}; [ "$port" = "$hp" ] && port=0; '
        'if timeout 4 bash -c \'exec 3<>/dev/tcp/$0/$1\' "$h" "$port" 2>/dev/null; then s=open; else s=closed; fi; '
        'echo "ds file=$f url=$u host=$h port=$port reach=$s"; done; true'
    ),
    "mw-logs": (
        _MW_DIRS
        + "for p in $("
        + _JAVA_PIDS
        + "); do u=$(ps -o user= -p $p); g=$(id -Gn \"$u\" 2>/dev/null | tr ' ' ','); "
        'for d in $(dirs $p | sort -u | head -n 8); do [ -d "$d/logs" ] && '
        'echo "logs pid=$p user=$u groups=$g dir=$d/logs stat=$(stat -L -c \'%U:%G:%a\' "$d/logs")"; done; done; true'
    ),
    "mw-units": (
        "find /etc/systemd/system /run/systemd/system /lib/systemd/system /usr/lib/systemd/system -maxdepth 2 "
        "-name '*.service' 2>/dev/null | grep -iE 'tomcat|tongweb|tweb|bes|apusic|aas|inforsuite' | head -n 100; "
        "ls /etc/init.d 2>/dev/null | grep -iE 'tomcat|tongweb|bes|apusic|inforsuite' | sed 's|^|/etc/init.d/|'; true"
    ),
}


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
