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
#: Snapshots may carry their output as commands/<name>.txt, so a snapshot can be certified too.
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
SERVER_PROBES: dict[str, str] = {}


#: middleware (application servers, JVMs)
MIDDLEWARE_PROBES: dict[str, str] = {}


#: service lifecycle, sockets, logs, packages
LIFECYCLE_PROBES: dict[str, str] = {}


for _area in (HOST_PROBES, SERVER_PROBES, MIDDLEWARE_PROBES, LIFECYCLE_PROBES):
    for _name, _command in _area.items():
        if _name in PROBES:
            raise ValueError(f"probe {_name!r} is defined twice")
        PROBES[_name] = _command
