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

#: CPU, ABI, page size, execution control, national crypto, platform services, security baseline.
#: A tool that is absent prints ``xcert-missing: <tool>`` and exits 127, so a snapshot (whose probe
#: answers carry no rc) and a live host both tell "not installed" from "installed, said nothing".
#: Every output is bounded (head) and every command is a constant string.
HOST_PROBES: dict[str, str] = {
    # --- CPU and ABI
    "hc-loongarch-abi": (
        "for f in /lib64/ld-linux-loongarch-lp64d.so.1 /lib/ld-linux-loongarch-lp64d.so.1"
        " /usr/lib64/ld-linux-loongarch-lp64d.so.1 /lib64/ld.so.1 /lib/ld.so.1; do"
        ' [ -e "$f" ] && echo "loader $f"; done; uname -r | sed \'s/^/kernel /\'; true'
    ),
    "hc-binfmt": (
        "[ -d /proc/sys/fs/binfmt_misc ] || { echo 'xcert-missing: binfmt_misc'; exit 127; };"
        ' for f in /proc/sys/fs/binfmt_misc/*; do case "$f" in */register|*/status) continue;; esac;'
        ' [ -f "$f" ] || continue; echo "entry ${f##*/}"; grep -E \'^(enabled|disabled|interpreter)\' "$f"; done'
        " | head -n 60; for t in latx-x86_64 latx-i386 box64 box86 qemu-x86_64 qemu-x86_64-static exagear; do"
        ' command -v "$t" >/dev/null 2>&1 && echo "tool $t"; done; true'
    ),
    "hc-cpu-vulns": (
        "[ -d /sys/devices/system/cpu/vulnerabilities ] || { echo 'xcert-missing: vulnerabilities'; exit 127; };"
        " grep -H . /sys/devices/system/cpu/vulnerabilities/* 2>/dev/null | head -n 40"
    ),
    "hc-cpufreq": (
        "ls /sys/devices/system/cpu/cpu0/cpufreq >/dev/null 2>&1 || { echo 'xcert-missing: cpufreq'; exit 127; };"
        " cat /sys/devices/system/cpu/cpu*/cpufreq/scaling_governor 2>/dev/null | sort | uniq -c | head -n 10;"
        " sed 's/^/driver /' /sys/devices/system/cpu/cpu0/cpufreq/scaling_driver 2>/dev/null; true"
    ),
    "hc-numa": (
        "[ -d /sys/devices/system/node ] || { echo 'xcert-missing: numa'; exit 127; };"
        ' for n in /sys/devices/system/node/node*; do [ -f "$n/cpulist" ] && echo "${n##*/} $(cat "$n/cpulist")";'
        " done | head -n 64"
    ),
    "hc-smt": (
        "[ -f /sys/devices/system/cpu/smt/control ] || { echo 'xcert-missing: smt'; exit 127; };"
        ' echo "control $(cat /sys/devices/system/cpu/smt/control)";'
        ' echo "active $(cat /sys/devices/system/cpu/smt/active 2>/dev/null)"'
    ),
    # --- page size and binaries
    "hc-kernel-pagesize-config": (
        'c=$(cat "/boot/config-$(uname -r)" 2>/dev/null) || c=$(zcat /proc/config.gz 2>/dev/null)'
        " || { echo 'xcert-missing: kernel config'; exit 127; }; printf '%s\\n' \"$c\""
        " | grep -E '^CONFIG_(ARM64_(4K|16K|64K)_PAGES|PAGE_SIZE_[0-9]+KB|ARM64_PAGE_SHIFT|PAGE_SHIFT)='"
        " || echo 'config without a page-size option'"
    ),
    # the running databases' and application servers' executables and the shared objects they map,
    # and the ELF files of the catalogued products' default install directories (refdata 3.3)
    "hc-elf-align": (
        "command -v readelf >/dev/null 2>&1 || { echo 'xcert-missing: readelf'; exit 127; };"
        ' { for d in /proc/[0-9]*; do c=$(cat "$d/comm" 2>/dev/null) || continue; case "$c" in'
        " java|dmserver|kingbase|gaussdb|postgres|postmaster|mysqld|mariadbd|observer|tidb-server|tikv-server"
        '|gbased|gclusterd|oninit|oscar|redis-server) readlink "$d/exe";'
        " awk '$6 ~ /\\.so/ {print $6}' \"$d/maps\" 2>/dev/null;; esac; done;"
        " for d in /opt/dmdbms/bin /home/dmdba/dmdbms/bin /opt/Kingbase/ES/V8/Server/bin /opt/Kingbase/ES/V8/Server/lib"
        ' /usr/local/opengauss/bin /usr/local/opengauss/lib; do [ -d "$d" ] && find "$d" -maxdepth 1 -type f'
        " \\( -perm -0100 -o -name '*.so*' \\); done; } 2>/dev/null | sort -u | head -n 300 | while read -r f; do"
        ' [ -f "$f" ] || continue; a=$(readelf -lW "$f" 2>/dev/null | awk \'$1=="LOAD"{print $NF}\' | sort -u'
        " | tr '\\n' ' '); [ -n \"$a\" ] && echo \"$f: $a\"; done | head -n 300"
    ),
    "hc-ldd": (
        "command -v ldd >/dev/null 2>&1 || { echo 'xcert-missing: ldd'; exit 127; };"
        ' { for d in /proc/[0-9]*; do c=$(cat "$d/comm" 2>/dev/null) || continue; case "$c" in'
        " java|dmserver|kingbase|gaussdb|postgres|postmaster|mysqld|mariadbd|observer|tidb-server|tikv-server"
        '|gbased|gclusterd|oninit|oscar|redis-server) readlink "$d/exe";; esac; done;'
        " for d in /opt/dmdbms/bin /home/dmdba/dmdbms/bin /opt/Kingbase/ES/V8/Server/bin /usr/local/opengauss/bin; do"
        ' [ -d "$d" ] && find "$d" -maxdepth 1 -type f -perm -0100; done; } 2>/dev/null | sort -u | head -n 200'
        ' | while read -r f; do [ -f "$f" ] || continue; echo "file $f";'
        ' LD_LIBRARY_PATH="${f%/*}:${f%/bin/*}/lib" ldd "$f" 2>&1 | grep -E \'not found|not a dynamic\' | head -n 20; done'
        " | head -n 400"
    ),
    "hc-jemalloc": (
        "{ ldconfig -p 2>/dev/null | awk '/libjemalloc\\.so/ {print $NF}';"
        " ls /usr/lib64/libjemalloc.so* /usr/lib/libjemalloc.so* /usr/local/lib/libjemalloc.so*"
        " /usr/lib/*-linux-gnu/libjemalloc.so* 2>/dev/null; } | sort -u | head -n 8 | while read -r l; do"
        " [ -f \"$l\" ] || continue; out=$(LD_PRELOAD=\"$l\" sh -c 'echo ok' 2>&1 | head -n 3 | tr '\\n' ' ');"
        ' echo "lib $l: $out"; pg=$(LD_PRELOAD="$l" MALLOC_CONF=stats_print:true /bin/true 2>&1'
        " | grep -m 1 'Page size' | tr -dc '0-9'); echo \"page $l $pg\"; done; echo done"
    ),
    "hc-thirdparty-align": (
        "command -v readelf >/dev/null 2>&1 || { echo 'xcert-missing: readelf'; exit 127; };"
        " find /opt /usr/local/lib /usr/local/lib64 -maxdepth 5 -type f -name '*.so*' 2>/dev/null | head -n 400"
        ' | while read -r f; do a=$(readelf -lW "$f" 2>/dev/null | awk \'$1=="LOAD"{print $NF}\' | sort -u'
        " | tr '\\n' ' '); [ -n \"$a\" ] && echo \"$f: $a\"; done | head -n 400; echo done"
    ),
    # --- execution control and integrity
    "hc-kysec": "command -v getstatus >/dev/null 2>&1 || { echo 'xcert-missing: getstatus'; exit 127; }; getstatus 2>&1 | head -n 20",
    "hc-deepin-elf-verify": (
        "command -v dpkg-query >/dev/null 2>&1 || { echo 'xcert-missing: dpkg-query'; exit 127; };"
        " dpkg-query -W -f='status ${Status}\\nversion ${Version}\\n' deepin-elf-verify 2>&1 | head -n 4;"
        " for f in /var/lib/deepin/developer-install_modes/enabled /var/lib/deepin/developer-install_mode/enabled"
        ' /var/lib/deepin/developer-mode/enabled; do [ -e "$f" ] && echo "devmode $f $(head -c 64 "$f")"; done; true'
    ),
    "hc-selinux": (
        'if [ -f /sys/fs/selinux/enforce ]; then echo "enforce $(cat /sys/fs/selinux/enforce)";'
        " else echo 'selinuxfs absent'; fi; grep -E '^SELINUX(TYPE)?=' /etc/selinux/config 2>/dev/null; true"
    ),
    "hc-taint": "cat /proc/sys/kernel/tainted 2>/dev/null || { echo 'xcert-missing: tainted'; exit 127; }",
    "hc-secureboot": (
        "[ -d /sys/firmware/efi ] || { echo 'firmware bios'; exit 0; }; echo 'firmware uefi';"
        " f=$(ls /sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c 2>/dev/null);"
        ' if [ -n "$f" ]; then echo "secureboot $(od -An -tu1 -j4 -N1 "$f" | tr -d \' \')";'
        " else echo 'secureboot unknown'; fi"
    ),
    "hc-lsm": (
        "cat /sys/kernel/security/lsm 2>/dev/null && echo || { echo 'xcert-missing: securityfs lsm'; exit 127; };"
        " cat /sys/kernel/security/lockdown 2>/dev/null | sed 's/^/lockdown /'; true"
    ),
    # --- national cryptography (openssl-version, openssl-sm3 and openssl-sm4 are PROBES above)
    "hc-openssl-sm4-cbc": (
        "command -v openssl >/dev/null 2>&1 || { echo 'xcert-missing: openssl'; exit 127; };"
        r" printf '\001\043\105\147\211\253\315\357\376\334\272\230\166\124\062\020'"
        " | openssl enc -sm4-cbc -K 0123456789abcdeffedcba9876543210 -iv 00000000000000000000000000000000 -nopad"
        " 2>&1 | od -An -tx1 | head -n 4"
    ),
    "hc-openssl-ciphers": (
        "command -v openssl >/dev/null 2>&1 || { echo 'xcert-missing: openssl'; exit 127; };"
        " openssl list -cipher-algorithms 2>&1 | grep -i sm4 | head -n 20; echo end"
    ),
    "hc-openssl-sm2-curve": (
        "command -v openssl >/dev/null 2>&1 || { echo 'xcert-missing: openssl'; exit 127; };"
        " openssl ecparam -list_curves 2>&1 | grep -i sm2 | head -n 3; echo end"
    ),
    "hc-openssl-sm2-sign": (
        "command -v openssl >/dev/null 2>&1 || { echo 'xcert-missing: openssl'; exit 127; };"
        " d=$(mktemp -d) || exit 1; printf 'xcert sm2' > \"$d/m\";"
        ' openssl genpkey -algorithm SM2 -out "$d/k.pem" 2>&1 | head -n 3;'
        ' openssl pkey -in "$d/k.pem" -pubout -out "$d/p.pem" 2>&1 | head -n 3;'
        ' openssl dgst -sm3 -sign "$d/k.pem" -out "$d/s" "$d/m" 2>&1 | head -n 3;'
        ' openssl dgst -sm3 -verify "$d/p.pem" -signature "$d/s" "$d/m" 2>&1 | head -n 3;'
        ' printf \'xcert tampered\' > "$d/m"; openssl dgst -sm3 -verify "$d/p.pem" -signature "$d/s" "$d/m"'
        " 2>&1 | sed 's/^/tampered: /' | head -n 3; rm -rf \"$d\""
    ),
    "hc-gmssl-tongsuo": (
        'found=0; if command -v gmssl >/dev/null 2>&1; then found=1; echo "gmssl $(gmssl version 2>&1 | head -n 1)";'
        " printf abc | gmssl sm3 2>&1 | head -n 2 | sed 's/^/gmssl-sm3 /'; gmssl help 2>&1 | grep -ioE 'tlcp[a-z_]*'"
        " | sort -u | head -n 5 | sed 's/^/gmssl-cmd /'; fi;"
        ' if command -v tongsuo >/dev/null 2>&1; then found=1; echo "tongsuo $(tongsuo version 2>&1 | head -n 1)";'
        " printf abc | tongsuo dgst -sm3 2>&1 | head -n 2 | sed 's/^/tongsuo-sm3 /';"
        " tongsuo s_client -help 2>&1 | grep -ioE 'enable_ntls|ntls' | sort -u | head -n 3 | sed 's/^/tongsuo-opt /'; fi;"
        " [ $found = 1 ] || { echo 'xcert-missing: gmssl tongsuo'; exit 127; }"
    ),
    "hc-crypto-policy": (
        'if command -v update-crypto-policies >/dev/null 2>&1; then echo "policy $(update-crypto-policies --show 2>&1)";'
        " elif [ -f /etc/crypto-policies/config ]; then echo \"policy $(grep -v '^#' /etc/crypto-policies/config"
        " | head -n 1)\"; else echo 'xcert-missing: crypto-policies'; exit 127; fi"
    ),
    # --- database prerequisites
    "hc-sysctl-db": (
        "for k in kernel/shmmax kernel/shmall kernel/shmmni kernel/sem fs/file-max fs/aio-max-nr fs/aio-nr"
        " vm/swappiness vm/overcommit_memory vm/overcommit_ratio vm/max_map_count vm/min_free_kbytes"
        " net/core/somaxconn net/ipv4/ip_local_port_range net/core/rmem_default net/core/rmem_max"
        ' net/core/wmem_default net/core/wmem_max; do if v=$(cat "/proc/sys/$k" 2>/dev/null); then'
        " echo \"$k = $v\" | tr '\\t' ' '; else echo \"$k = ?\"; fi; done"
    ),
    # the limits of each database's usual OS user that exists (refdata 3.3), else of the certifying user
    "hc-db-user-limits": (
        "q='echo nofile=$(ulimit -n) nproc=$(ulimit -u) memlock=$(ulimit -l) stack=$(ulimit -s)"
        " as=$(ulimit -v) data=$(ulimit -d) fsize=$(ulimit -f)'; for u in dmdba omm kingbase gbase admin; do"
        ' id "$u" >/dev/null 2>&1 || continue; echo "user $u $(su -s /bin/bash "$u" -c "$q" 2>&1'
        ' | tail -n 1)"; done; echo "self $(id -un) $(bash -c "$q" 2>&1 | tail -n 1)"'
    ),
    "hc-block-queues": (
        "for d in /sys/block/*; do n=${d##*/}; case $n in loop*|ram*|zram*|dm-*|sr*|md*) continue;; esac;"
        " echo \"$n scheduler=$(cat \"$d/queue/scheduler\" 2>/dev/null | tr ' ' ',')"
        ' read_ahead_kb=$(cat "$d/queue/read_ahead_kb" 2>/dev/null)'
        ' nr_requests=$(cat "$d/queue/nr_requests" 2>/dev/null)"; done | head -n 40; echo end'
    ),
    "hc-mounts": (
        "command -v findmnt >/dev/null 2>&1 || { echo 'xcert-missing: findmnt'; exit 127; };"
        ' for p in / /opt /data /home /var /tmp; do findmnt -n -o TARGET,FSTYPE,OPTIONS -T "$p" 2>/dev/null'
        ' | sed "s|^|$p |"; done'
    ),
    "hc-removeipc": (
        "[ -d /run/systemd/system ] || { echo 'xcert-missing: systemd (not the init system)'; exit 127; };"
        " systemctl show systemd-logind -p RemoveIPC 2>&1 | head -n 1;"
        " grep -hE '^[[:space:]]*RemoveIPC' /etc/systemd/logind.conf /etc/systemd/logind.conf.d/*.conf 2>/dev/null"
        " | sed 's/^/conf /'; true"
    ),
    "hc-firewall": (
        "if [ -d /run/systemd/system ]; then for s in firewalld ufw nftables iptables; do"
        ' echo "$s $(systemctl is-active "$s" 2>&1 | head -n 1)"; done; else echo \'init not-systemd\';'
        " if pgrep -x firewalld >/dev/null 2>&1; then echo 'firewalld active'; else echo 'firewalld inactive'; fi; fi"
    ),
    # --- platform services (locale-a, iconv-* and time-sync are PROBES above)
    "hc-fonts-zh": (
        "command -v fc-list >/dev/null 2>&1 || { echo 'xcert-missing: fc-list'; exit 127; };"
        " fc-list :lang=zh family 2>&1 | sort -u | head -n 20; echo end"
    ),
    "hc-timezone": (
        "timedatectl show -p Timezone 2>/dev/null; readlink /etc/localtime 2>/dev/null | sed 's/^/localtime /';"
        " cat /etc/timezone 2>/dev/null | sed 's/^/etc-timezone /'; date +'offset %z'"
    ),
    "hc-clock-offset": (
        "if command -v chronyc >/dev/null 2>&1; then chronyc -n tracking 2>&1 | head -n 20;"
        " elif command -v timedatectl >/dev/null 2>&1 && timedatectl timesync-status >/dev/null 2>&1;"
        " then timedatectl timesync-status 2>&1 | head -n 20; elif command -v ntpq >/dev/null 2>&1;"
        " then ntpq -pn 2>&1 | head -n 20; else echo 'xcert-missing: chronyc timedatectl ntpq'; exit 127; fi"
    ),
    "hc-java": (
        "command -v java >/dev/null 2>&1 || { echo 'xcert-missing: java'; exit 127; };"
        " java -XshowSettings:properties -version 2>&1 | grep -E '^ *(java\\.version|java\\.vendor|java\\.vm\\.name"
        "|os\\.arch|sun\\.arch\\.data\\.model) =' | head -n 10"
    ),
    "hc-python": (
        'for p in python3 python; do command -v $p >/dev/null 2>&1 && { echo "$p $($p --version 2>&1)"; exit 0; };'
        " done; echo 'xcert-missing: python3'; exit 127"
    ),
    "hc-package-managers": "for t in rpm dnf yum dpkg apt-get deepin-immutable-ctl; do command -v $t >/dev/null 2>&1 && echo $t; done; echo end",
    "hc-resolve-self": (
        "h=$(hostname 2>/dev/null) || { echo 'xcert-missing: hostname'; exit 127; }; echo \"name $h\";"
        ' getent hosts "$h" 2>&1 | head -n 3 || true; echo end'
    ),
    "hc-cgroup": "stat -fc 'fstype %T' /sys/fs/cgroup 2>&1 | head -n 1; [ -f /sys/fs/cgroup/cgroup.controllers ] && echo 'unified yes'; true",
    "hc-systemd": (
        "[ -d /run/systemd/system ] || { echo 'xcert-missing: systemd (not the init system)'; exit 127; };"
        ' echo "state $(systemctl is-system-running 2>&1 | head -n 1)";'
        " systemctl --failed --plain --no-legend 2>/dev/null | awk '{print \"failed \" $1}' | head -n 20"
    ),
    # --- MLPS 2.0 (GB/T 22239-2019 level 3) host baseline
    "hc-pam": (
        "for f in /etc/pam.d/system-auth /etc/pam.d/password-auth /etc/pam.d/common-password /etc/pam.d/common-auth"
        " /etc/pam.d/sshd /etc/pam.d/login; do [ -f \"$f\" ] && grep -E '^[[:space:]]*(auth|password|account)'"
        ' "$f" | sed "s|^|$f: |" | head -n 40; done; for f in /etc/security/pwquality.conf /etc/security/faillock.conf;'
        ' do [ -f "$f" ] && grep -E \'^[[:space:]]*[a-z_]+\' "$f" | sed "s|^|$f: |" | head -n 20; done; echo end'
    ),
    "hc-login-defs": (
        "[ -f /etc/login.defs ] || { echo 'xcert-missing: /etc/login.defs'; exit 127; };"
        " grep -E '^[[:space:]]*(PASS_MAX_DAYS|PASS_MIN_DAYS|PASS_WARN_AGE|PASS_MIN_LEN|UMASK)' /etc/login.defs; echo end"
    ),
    "hc-tmout": (
        "grep -sHE '^[[:space:]]*(export[[:space:]]+|readonly[[:space:]]+|declare[[:space:]]+-[a-z]*[[:space:]]+)*TMOUT='"
        " /etc/profile /etc/bashrc /etc/bash.bashrc /etc/profile.d/*.sh | head -n 10;"
        " grep -sHiE '^[[:space:]]*ClientAlive(Interval|CountMax)' /etc/ssh/sshd_config /etc/ssh/sshd_config.d/*.conf"
        " | head -n 10; echo end"
    ),
    "hc-sshd-config": (
        "[ -f /etc/ssh/sshd_config ] || { echo 'xcert-missing: sshd_config'; exit 127; };"
        " (sshd -T 2>/dev/null || cat /etc/ssh/sshd_config.d/*.conf /etc/ssh/sshd_config 2>/dev/null)"
        " | grep -iE '^[[:space:]]*(permitrootlogin|passwordauthentication|permitemptypasswords|protocol)[[:space:]]'"
        " | head -n 10; echo end"
    ),
    "hc-listening": (
        "command -v ss >/dev/null 2>&1 || { echo 'xcert-missing: ss'; exit 127; };"
        " ss -H -lntu 2>&1 | awk '{print $1, $5}' | head -n 200"
    ),
    "hc-auditd": (
        "pgrep -x auditd >/dev/null 2>&1 && echo 'auditd running' || echo 'auditd not running';"
        " if command -v auditctl >/dev/null 2>&1 && auditctl -l >/dev/null 2>&1; then auditctl -l 2>&1 | head -n 50"
        " | sed 's/^/live /'; else cat /etc/audit/rules.d/*.rules /etc/audit/audit.rules 2>/dev/null"
        " | grep -vE '^[[:space:]]*(#|$)' | head -n 50 | sed 's/^/file /'; fi;"
        " stat -c 'perm %a %U %n' /var/log/audit /var/log/audit/audit.log 2>/dev/null; echo end"
    ),
    "hc-world-writable": (
        "find / -xdev -type f -perm -0002 ! -path '/proc/*' ! -path '/sys/*' 2>/dev/null | head -n 50; echo end"
    ),
    "hc-passwd": "cat /etc/passwd 2>/dev/null | cut -d: -f1,3,7 | head -n 500 || { echo 'xcert-missing: /etc/passwd'; exit 127; }",
    "hc-shadow-empty": (
        "[ -r /etc/shadow ] || { echo 'xcert-missing: /etc/shadow (not readable: needs root)'; exit 127; };"
        ' awk -F: \'$2 == "" {print "empty " $1}\' /etc/shadow | head -n 20; echo end'
    ),
}


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
