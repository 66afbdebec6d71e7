"""Snapshot hosts for the host checks of issue 15, from captures.

Real captures come from ../shared/refdata/samples (os-release, /proc/cpuinfo); the rest are built
from the documented formats of the commands the probes run (their man pages or the refdata notes
cited beside each), never invented shapes: what a probe prints is what the host would print.
"""

from __future__ import annotations

from pathlib import Path

from tests.snapshot_hosts import capture

# ---------------------------------------------------------------- documented formats

#: the openGauss check_list.conf values (REF 4.3) and the rest of a tuned openEuler host
SYSCTL_OPENGAUSS = """kernel/shmmax = 18446744073709551615
kernel/shmall = 1152921504606846720
kernel/shmmni = 4096
kernel/sem = 250\t6400000\t1000\t25600
fs/file-max = 6815744
fs/aio-max-nr = 1048576
fs/aio-nr = 0
vm/swappiness = 10
vm/overcommit_memory = 0
vm/overcommit_ratio = 90
vm/max_map_count = 655360
vm/min_free_kbytes = 13191222
net/core/somaxconn = 65535
net/ipv4/ip_local_port_range = 26000\t65535
net/core/rmem_default = 21299200
net/core/rmem_max = 21299200
net/core/wmem_default = 21299200
net/core/wmem_max = 21299200
"""

#: an untuned kernel: the values this machine's Debian 12 kernel reports (captured by the probe)
SYSCTL_DEFAULT = """kernel/shmmax = 18446744073692774399
kernel/shmall = 18446744073692774399
kernel/shmmni = 4096
kernel/sem = 32000\t1024000000\t500\t32000
fs/file-max = 2466170
fs/aio-max-nr = 65536
fs/aio-nr = 1512
vm/swappiness = 60
vm/overcommit_memory = 2
vm/overcommit_ratio = 50
vm/max_map_count = 65530
vm/min_free_kbytes = 67584
net/core/somaxconn = 4096
net/ipv4/ip_local_port_range = 32768\t60999
net/core/rmem_default = 212992
net/core/rmem_max = 4194304
net/core/wmem_default = 212992
net/core/wmem_max = 4194304
"""

SYSCTL_KINGBASE_LOW = SYSCTL_DEFAULT.replace(
    "kernel/sem = 32000\t1024000000\t500\t32000", "kernel/sem = 250\t32000\t32\t128"
).replace("ip_local_port_range = 32768\t60999", "ip_local_port_range = 1024\t65535")

OPENSSL_3_CIPHERS = """  sm4 => SM4-CBC
  SM4-CBC
  SM4-CFB
  SM4-CTR
  SM4-ECB
  SM4-OFB
  { 1.2.156.10197.1.104.1, SM4-ECB } @ default
  { 1.2.156.10197.1.104.2, SM4, SM4-CBC } @ default
end
"""

SM4_KAT_OD = " 68 1e df 34 d2 06 96 5e 86 b3 e9 4f 53 6e 42 46\n"
SM3_ABC = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"

#: chronyc(1) tracking output
CHRONY = """Reference ID    : C0A80001 (ntp1.example)
Stratum         : 3
Ref time (UTC)  : Tue Dec 01 10:00:00 2026
System time     : 0.000012345 seconds fast of NTP time
Last offset     : +0.000001234 seconds
Leap status     : Normal
"""

GOOD_PROBES: dict[str, str] = {
    "hc-binfmt": "",
    "hc-cpu-vulns": (
        "/sys/devices/system/cpu/vulnerabilities/meltdown:Not affected\n"
        "/sys/devices/system/cpu/vulnerabilities/spectre_v1:Mitigation: __user pointer sanitization\n"
        "/sys/devices/system/cpu/vulnerabilities/spectre_v2:Not affected\n"
    ),
    "hc-cpufreq": "    128 performance\ndriver cppc_cpufreq\n",
    "hc-numa": "node0 0-31\nnode1 32-63\nnode2 64-95\nnode3 96-127\n",
    "hc-smt": "control notsupported\nactive 0\n",
    "hc-kernel-pagesize-config": "CONFIG_ARM64_64K_PAGES=y\nCONFIG_ARM64_PAGE_SHIFT=16\n",
    "hc-elf-align": "/usr/local/opengauss/bin/gaussdb: 0x10000 \n/usr/lib64/libc.so.6: 0x10000 \n",
    "hc-ldd": "file /usr/local/opengauss/bin/gaussdb\n",
    # the 'Page size' line is what jemalloc 5.3.0's stats_print says (Debian libjemalloc2, run here)
    "hc-jemalloc": "lib /usr/lib64/libjemalloc.so.2: ok \npage /usr/lib64/libjemalloc.so.2 65536\ndone\n",
    "hc-thirdparty-align": "/opt/app/lib/libapp.so.1: 0x10000 \ndone\n",
    "hc-selinux": "selinuxfs absent\nSELINUX=disabled\n",
    "hc-taint": "0\n",
    "hc-secureboot": "firmware uefi\nsecureboot 1\n",
    "hc-lsm": "lockdown,capability,yama,selinux\nlockdown [none] integrity confidentiality\n",
    "openssl-version": "OpenSSL 3.0.12 24 Oct 2023 (Library: OpenSSL 3.0.12 24 Oct 2023)\n",
    "hc-openssl-sm4-cbc": SM4_KAT_OD,
    "hc-openssl-ciphers": OPENSSL_3_CIPHERS,
    "hc-openssl-sm2-curve": "  SM2       : SM2 curve over a 256 bit prime field\nend\n",
    "hc-openssl-sm2-sign": "Verified OK\ntampered: Verification failure\n",
    "hc-gmssl-tongsuo": f"tongsuo Tongsuo 8.3.2\ntongsuo-sm3 SM3(stdin)= {SM3_ABC}\ntongsuo-opt enable_ntls\n",
    "hc-crypto-policy": "policy DEFAULT\n",
    "hc-sysctl-db": SYSCTL_OPENGAUSS,
    "hc-db-user-limits": (
        "user omm nofile=1000000 nproc=unlimited memlock=64 stack=8192 as=unlimited data=unlimited fsize=unlimited\n"
        "self root nofile=1024 nproc=4096 memlock=64 stack=8192 as=unlimited data=unlimited fsize=unlimited\n"
    ),
    "hc-block-queues": "sda scheduler=[mq-deadline],kyber,bfq,none read_ahead_kb=8192 nr_requests=32768\nend\n",
    "hc-mounts": "/ /  xfs rw,relatime,attr2,inode64\n/opt / xfs rw,relatime,attr2,inode64\n",
    "hc-removeipc": "RemoveIPC=no\n",
    "hc-firewall": "firewalld inactive\nufw inactive\nnftables inactive\niptables inactive\n",
    "hc-fonts-zh": "Noto Sans CJK SC\nWenQuanYi Micro Hei\nend\n",
    "hc-timezone": "Timezone=Asia/Shanghai\nlocaltime /usr/share/zoneinfo/Asia/Shanghai\noffset +0800\n",
    "hc-clock-offset": CHRONY,
    "hc-java": (
        "    java.vendor = BiSheng\n    java.version = 1.8.0_342\n    java.vm.name = OpenJDK 64-Bit Server VM\n"
        "    os.arch = aarch64\n    sun.arch.data.model = 64\n"
    ),
    "hc-python": "python3 Python 3.7.9\n",
    "hc-package-managers": "rpm\ndnf\nyum\nend\n",
    "hc-resolve-self": "name db1\n10.0.0.5        db1\nend\n",
    "hc-cgroup": "fstype tmpfs\n",
    "hc-systemd": "state running\n",
    "hc-pam": (
        "/etc/pam.d/system-auth: auth        required      pam_faillock.so preauth silent deny=5 unlock_time=900\n"
        "/etc/pam.d/system-auth: auth        sufficient    pam_unix.so try_first_pass\n"
        "/etc/pam.d/system-auth: password    requisite     pam_pwquality.so try_first_pass local_users_only\n"
        "/etc/pam.d/system-auth: password    sufficient    pam_unix.so sha512 shadow\n"
        "/etc/security/pwquality.conf: minlen = 8\n/etc/security/pwquality.conf: minclass = 3\n"
        "/etc/security/faillock.conf: deny = 5\nend\n"
    ),
    "hc-login-defs": "PASS_MAX_DAYS\t90\nPASS_MIN_DAYS\t0\nPASS_WARN_AGE\t7\nend\n",
    "hc-tmout": "/etc/profile.d/tmout.sh:readonly TMOUT=600\nend\n",
    "hc-sshd-config": "permitrootlogin no\npasswordauthentication yes\nend\n",
    "hc-listening": "tcp 0.0.0.0:22\ntcp 0.0.0.0:5432\nudp 127.0.0.1:323\n",
    "hc-auditd": (
        "auditd running\nlive -w /etc/passwd -p wa -k identity\nlive -w /etc/shadow -p wa -k identity\n"
        "perm 700 root /var/log/audit\nperm 600 root /var/log/audit/audit.log\nend\n"
    ),
    "hc-world-writable": "end\n",
    "hc-passwd": "root:0:/bin/bash\nbin:1:/sbin/nologin\nomm:1001:/bin/bash\n",
    "hc-shadow-empty": "end\n",
    "locale-a": "C\nC.utf8\nen_US.utf8\nru_RU.utf8\nzh_CN.gb18030\nzh_CN.utf8\n",
    "iconv-gb18030-2022": "",
}

BAD_PROBES: dict[str, str] = {
    "hc-binfmt": "entry qemu-x86_64\nenabled\ninterpreter /usr/bin/qemu-x86_64-static\ntool box64\n",
    "hc-cpu-vulns": "/sys/devices/system/cpu/vulnerabilities/spectre_v2:Vulnerable\n",
    "hc-cpufreq": "xcert-missing: cpufreq\n",
    "hc-numa": "node0 0-63\n",
    "hc-smt": "xcert-missing: smt\n",
    "hc-kernel-pagesize-config": "CONFIG_ARM64_4K_PAGES=y\nCONFIG_ARM64_PAGE_SHIFT=12\n",
    "hc-elf-align": "/opt/dmdbms/bin/dmserver: 0x10000 \n/opt/dmdbms/bin/libdmcrypt.so: 0x1000 \n",
    "hc-ldd": "file /opt/dmdbms/bin/dmserver\n\tlibdmdpi.so => not found\n",
    "hc-jemalloc": "lib /usr/lib64/libjemalloc.so.2: <jemalloc>: Unsupported system page size \ndone\n",
    "hc-thirdparty-align": "/opt/redis/lib/libredis.so: 0x1000 \ndone\n",
    "hc-kysec": "KySec status: Normal\nexec control: on\nfile protect: on\nkmod protect: on\nthree admin : off\n",
    "hc-selinux": "enforce 1\nSELINUX=enforcing\nSELINUXTYPE=targeted\n",
    "hc-taint": "4097\n",
    "hc-secureboot": "firmware bios\n",
    "hc-lsm": "capability,kysec,selinux\n",
    "openssl-version": "OpenSSL 1.1.1f  31 Mar 2020\n",
    "hc-openssl-sm4-cbc": SM4_KAT_OD,
    "hc-openssl-ciphers": "  SM4-CBC\n  SM4-ECB\nend\n",
    "hc-openssl-sm2-curve": "  SM2       : SM2 curve over a 256 bit prime field\nend\n",
    "hc-gmssl-tongsuo": "gmssl GmSSL 2.5.4 - OpenSSL 1.1.0d\ngmssl-sm3 (stdin)= 0000\n",
    "hc-crypto-policy": "xcert-missing: crypto-policies\n",
    "hc-sysctl-db": SYSCTL_DEFAULT,
    "hc-db-user-limits": (
        "user admin nofile=1024 nproc=4096 memlock=64 stack=8192 as=unlimited data=unlimited fsize=unlimited\n"
        "self root nofile=1024 nproc=4096 memlock=64 stack=8192 as=unlimited data=unlimited fsize=unlimited\n"
    ),
    "hc-block-queues": "vda scheduler=none,[bfq] read_ahead_kb=128 nr_requests=256\nend\n",
    "hc-mounts": "/ /  ext4 rw,relatime\n",
    "hc-removeipc": "RemoveIPC=yes\n",
    "hc-firewall": "firewalld active\nufw inactive\nnftables inactive\niptables inactive\n",
    "hc-fonts-zh": "end\n",
    "hc-timezone": "localtime /usr/share/zoneinfo/UTC\noffset +0000\n",
    "hc-clock-offset": "xcert-missing: chronyc timedatectl ntpq\n",
    "hc-java": "    java.vendor = Oracle Corporation\n    java.version = 1.8.0_202\n    os.arch = x86\n    sun.arch.data.model = 32\n",
    "hc-python": "python3 Python 3.5.2\n",
    "hc-package-managers": "dpkg\napt-get\nend\n",
    "hc-resolve-self": "name kylin-bad\nend\n",
    "hc-cgroup": "fstype cgroup2fs\nunified yes\n",
    "hc-systemd": "state degraded\nfailed kdump.service\n",
    "hc-pam": (
        "/etc/pam.d/common-password: password\t[success=1 default=ignore]\tpam_unix.so obscure yescrypt\n"
        "/etc/pam.d/common-auth: auth\t[success=1 default=ignore]\tpam_unix.so nullok\nend\n"
    ),
    "hc-login-defs": "PASS_MAX_DAYS\t99999\nPASS_MIN_DAYS\t0\nend\n",
    "hc-tmout": "end\n",
    "hc-sshd-config": "permitrootlogin yes\nend\n",
    "hc-listening": "tcp 0.0.0.0:22\ntcp 0.0.0.0:23\ntcp 0.0.0.0:21\ntcp 0.0.0.0:445\n",
    "hc-auditd": "auditd not running\nperm 777 root /var/log/audit\nend\n",
    "hc-world-writable": "/opt/app/conf/app.properties\n/var/tmp/x.sh\nend\n",
    "hc-passwd": "root:0:/bin/bash\ntoor:0:/bin/bash\n",
    "hc-shadow-empty": "empty guest\nend\n",
    "locale-a": "C\nC.utf8\nPOSIX\nzh_CN.utf8\n",
    "iconv-gb18030-2022": "",
}

MEMINFO = "MemTotal:       263824444 kB\nMemFree:         1000000 kB\nMemAvailable:   200000000 kB\nSwapTotal:       4194300 kB\n"
MEMINFO_SMALL = "MemTotal:         402400 kB\nMemFree:           10000 kB\nMemAvailable:      20000 kB\nSwapTotal:       8388604 kB\n"
DF_BIG = "Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/sda2 1048576000 1048576 1000000000 1% /\n"
DF_SMALL = "Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/vda1 10485760 10000000 485760 96% /\n"

#: Phytium FT-2000+/64 as REFID 1.3 documents it (implementer 0x70, part 0x662, variant 0x1, revision 2;
#: Kylin kernels print the model name; the FT-2500 flags line of the same core generation)
CPUINFO_FT2000PLUS = "".join(
    f"processor\t: {n}\nmodel name\t: Phytium,FT-2000+/64\nBogoMIPS\t: 100.00\n"
    "Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 cpuid\nCPU implementer\t: 0x70\n"
    "CPU architecture: 8\nCPU variant\t: 0x1\nCPU part\t: 0x662\nCPU revision\t: 2\n\n"
    for n in range(2)
)

#: Zhaoxin KX-U6780A as REFID 1.6 documents it (CentaurHauls, family 7, model 59); the flags are the
#: documented PadLock ones plus the SSE4.2-era base, without AVX
CPUINFO_ZHAOXIN = (
    "processor\t: 0\nvendor_id\t: CentaurHauls\ncpu family\t: 7\nmodel\t\t: 59\n"
    "model name\t: ZHAOXIN KaiXian KX-U6780A@2.7GHz\ncache size\t: 4096 KB\ncpu cores\t: 8\n"
    "flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush acpi mmx fxsr"
    " sse sse2 ss ht tm pbe syscall nx lm constant_tsc rep_good nopl pni pclmulqdq ssse3 cx16 sse4_1 sse4_2"
    " popcnt aes lahf_lm rng rng_en ace ace_en ace2 phe phe_en pmm pmm_en\n\n"
)

#: Hygon C86 (HygonGenuine, family 24, REFID 1.5) with the Zen flags through AVX2
CPUINFO_HYGON = (
    "processor\t: 0\nvendor_id\t: HygonGenuine\ncpu family\t: 24\nmodel\t\t: 1\n"
    "model name\t: Hygon C86 7285 32-core Processor\n"
    "flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2"
    " ht syscall nx mmxext lm constant_tsc rep_good nopl pni pclmulqdq ssse3 fma cx16 sse4_1 sse4_2 movbe popcnt"
    " aes xsave avx f16c rdrand lahf_lm abm sse4a bmi1 avx2 smep bmi2 sev sme\n\n"
)

#: a Cortex-A72 core in mainline c_show() format (REFID 1.1; util-linux table 0x41/0xd08)
CPUINFO_A72 = (
    "processor\t: 0\nBogoMIPS\t: 100.00\nFeatures\t: fp asimd evtstrm crc32 cpuid\nCPU implementer\t: 0x41\n"
    "CPU architecture: 8\nCPU variant\t: 0x0\nCPU part\t: 0xd08\nCPU revision\t: 3\n\n"
)


def hosts(samples: Path) -> dict[str, tuple[dict[str, str], dict[str, str], dict[str, str]]]:
    """name -> (files, commands, host variables)."""
    kunpeng = capture("cpuinfo-kunpeng920-hwloc-128arm.txt", samples)
    openeuler = capture("os-release-openeuler-20.03-lts.txt", samples)
    sword = capture("os-release-kylin-server-v10-sword.txt", samples)
    # Tercel (SP1) and Halberd (SP3 2403) differ from the Sword capture only in the codename (REFID 2.1, 2.2)
    tercel = sword.replace("Sword", "Tercel")
    halberd = sword.replace("Sword", "Halberd")
    kylin_desktop = capture("os-release-kylin-desktop-v10-sp1-2303.txt", samples)
    loongson = capture("cpuinfo-loongson-3a5000-hv-utillinux.txt", samples)
    uos = capture("os-release-uos-server-20-fou.txt", samples)
    anolis = 'NAME="Anolis OS"\nVERSION="8.8"\nID="anolis"\nID_LIKE="rhel fedora centos"\nVERSION_ID="8.8"\nPLATFORM_ID="platform:an8"\nPRETTY_NAME="Anolis OS 8.8"\n'
    thp_never = "always madvise [never]\n"
    thp_always = "[always] madvise never\n"
    base = {"getconf-glibc": "glibc 2.28\n", "hostname": "db1\n", "df": DF_BIG}
    return {
        "eul-good": (
            {
                "/etc/os-release": openeuler,
                "/proc/cpuinfo": kunpeng,
                "/proc/meminfo": MEMINFO,
                "/etc/locale.conf": 'LANG="zh_CN.UTF-8"\n',
                "/sys/kernel/mm/transparent_hugepage/enabled": thp_never,
            },
            {
                **base,
                "uname-m": "aarch64\n",
                "uname-r": "4.19.90-2003.4.0.0036.oe1.aarch64\n",
                "getconf-pagesize": "65536\n",
                **GOOD_PROBES,
            },
            {"xc_db": "opengauss"},
        ),
        "kylin-bad": (
            {
                "/etc/os-release": tercel,
                "/proc/cpuinfo": CPUINFO_FT2000PLUS,
                "/proc/meminfo": MEMINFO_SMALL,
                "/sys/kernel/mm/transparent_hugepage/enabled": thp_always,
            },
            {
                **base,
                "df": DF_SMALL,
                "uname-m": "aarch64\n",
                "uname-r": "5.10.0-60.18.0.50.oe2203.aarch64\n",
                "getconf-pagesize": "65536\n",
                **BAD_PROBES,
            },
            {"xc_db": "oceanbase"},
        ),
        "uos-bad": (
            {"/etc/os-release": uos, "/proc/cpuinfo": CPUINFO_ZHAOXIN, "/proc/meminfo": MEMINFO_SMALL},
            {
                **base,
                "df": DF_SMALL,
                "getconf-glibc": "glibc 2.39\n",
                "uname-m": "x86_64\n",
                "uname-r": "4.19.0-arm64-server\n",
                "getconf-pagesize": "4096\n",
                **BAD_PROBES,
                # an x86_64 emulator registered on an x86_64 shell: the shell itself runs emulated
                "hc-binfmt": "entry qemu-x86_64\nenabled\ninterpreter /usr/libexec/qemu-binfmt/x86_64-binfmt-P\n",
                "openssl-version": "OpenSSL 1.0.2k-fips  26 Jan 2017\n",
                "hc-openssl-sm4-cbc": "",
                "hc-openssl-ciphers": "end\n",
                "hc-openssl-sm2-curve": "end\n",
                "hc-deepin-elf-verify": "status install ok installed\nversion 1.2.7-1\n",
                "hc-kernel-pagesize-config": "config without a page-size option\n",
                "hc-db-user-limits": (
                    "user dmdba nofile=1024 nproc=4096 memlock=64 stack=8192 as=1000 data=unlimited fsize=unlimited\n"
                    "self root nofile=1024 nproc=4096 memlock=64 stack=8192 as=unlimited data=unlimited fsize=unlimited\n"
                ),
            },
            {"xc_db": "dm8"},
        ),
        "loong-old": (
            {"/etc/os-release": kylin_desktop, "/proc/cpuinfo": loongson, "/proc/meminfo": MEMINFO_SMALL},
            {
                **base,
                "df": DF_SMALL,
                "uname-m": "loongarch64\n",
                "uname-r": "5.4.18-85-generic\n",
                "getconf-pagesize": "16384\n",
                **GOOD_PROBES,
                "hc-loongarch-abi": "loader /lib64/ld.so.1\nkernel 5.4.18-85-generic\n",
                "hc-kernel-pagesize-config": "CONFIG_PAGE_SIZE_16KB=y\nCONFIG_PAGE_SHIFT=14\n",
                "hc-kysec": "KySec status: disabled\n",
                "openssl-version": "OpenSSL 3.0.2 15 Mar 2022\n",
                "hc-openssl-sm2-sign": "Verification failure\ntampered: Verification failure\n",
                "hc-sysctl-db": SYSCTL_KINGBASE_LOW,
                "hc-package-managers": "rpm\nend\n",
            },
            {"xc_db": "kingbasees"},
        ),
        "anolis-og-bad": (
            {
                "/etc/os-release": anolis,
                "/proc/cpuinfo": CPUINFO_HYGON,
                "/proc/meminfo": MEMINFO_SMALL,
                "/sys/kernel/mm/transparent_hugepage/enabled": thp_always,
            },
            {
                **base,
                "uname-m": "x86_64\n",
                "uname-r": "5.10.134-13.an8.x86_64\n",
                "getconf-pagesize": "4096\n",
                **BAD_PROBES,
                "hc-binfmt": "",
                "hc-db-user-limits": (
                    "user omm nofile=65535 nproc=4096 memlock=64 stack=2048 as=unlimited data=unlimited fsize=unlimited\n"
                    "self root nofile=1024 nproc=4096 memlock=64 stack=8192 as=unlimited data=unlimited fsize=unlimited\n"
                ),
                "hc-removeipc": "RemoveIPC=no\nconf RemoveIPC=yes\n",
                "openssl-version": "OpenSSL 3.0.7 1 Nov 2022\n",
                "hc-openssl-sm2-sign": "Verified OK\ntampered: Verified OK\n",
                "hc-crypto-policy": "policy DEFAULT\n",
            },
            {"xc_db": "opengauss"},
        ),
        "halberd-mips": (
            {"/etc/os-release": halberd, "/proc/cpuinfo": CPUINFO_A72},
            {
                "uname-m": "mips64\n",
                "hc-binfmt": "entry qemu-mips64\nenabled\ninterpreter /usr/bin/qemu-mips64-static\n",
            },
            {"xc_db": "kingbasees"},
        ),
        "eul-4k": (
            {"/etc/os-release": openeuler},
            {"uname-m": "aarch64\n", "getconf-pagesize": "4096\n"},
            {},
        ),
        "uos-dev": (
            {"/etc/os-release": uos},
            {
                "uname-m": "x86_64\n",
                "hc-deepin-elf-verify": (
                    "status install ok installed\nversion 1.2.7-1\n"
                    "devmode /var/lib/deepin/developer-install_mode/enabled 1\n"
                ),
                "hc-openssl-sm4-cbc": "xcert-missing: openssl\n",
            },
            {},
        ),
        "bare": ({}, {"uname-m": "x86_64\n"}, {}),
        "loong-new": (
            {"/etc/os-release": kylin_desktop, "/proc/cpuinfo": loongson},
            {
                "uname-m": "loongarch64\n",
                "hc-loongarch-abi": "loader /lib64/ld-linux-loongarch-lp64d.so.1\nkernel 6.6.0-loong64\n",
            },
            {},
        ),
    }
