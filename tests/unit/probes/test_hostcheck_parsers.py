"""Parsers of the host-check probes (issue 15) and the requirement rules, on captures and documented formats."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness import hostreq
from harness.probes import baseline, elf, execctl, isa, kparams, platform, smcrypto
from harness.probes.hostprobe import kv_pairs, missing
from tests.conftest import SHARED

SAMPLES = SHARED / "refdata" / "samples"


def _capture(name: str) -> str:
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(f"refdata capture {name} is not beside the checkout")
    text = path.read_text(encoding="utf-8")
    return text.split("\n", 1)[1]


# ---------------------------------------------------------------- CPU


def test_kunpeng_features_from_the_real_capture() -> None:
    flags = isa.cpu_flags(_capture("cpuinfo-kunpeng920-hwloc-128arm.txt"))
    assert flags is not None
    assert {"atomics", "crc32", "sha2", "asimd", "fp"} <= flags
    assert "sve" not in flags
    assert isa.cpuinfo_arch_family(_capture("cpuinfo-kunpeng920-hwloc-128arm.txt")) == "arm64"


def test_loongson_features_from_the_real_capture() -> None:
    text = _capture("cpuinfo-loongson-3a5000-hv-utillinux.txt")
    flags = isa.cpu_flags(text)
    assert flags is not None and {"lsx", "lasx"} <= flags
    assert isa.cpuinfo_arch_family(text) == "loongarch"


def test_x86_levels() -> None:
    v2 = set(isa.X86_LEVELS["x86-64-v2"])
    assert isa.x86_level(set())[0] == "x86-64-v1"
    assert isa.x86_level(v2) == ("x86-64-v2", list(isa.X86_LEVELS["x86-64-v3"]))
    everything = {f for flags in isa.X86_LEVELS.values() for f in flags}
    assert isa.x86_level(everything) == ("x86-64-v4", [])
    # a v4 flag without v3 does not make v4
    assert isa.x86_level(v2 | set(isa.X86_LEVELS["x86-64-v4"]))[0] == "x86-64-v2"


def test_no_features_line_is_none() -> None:
    assert isa.cpu_flags("processor\t: 0\n") is None
    assert isa.cpu_flags(None) is None


def test_loongarch_worlds() -> None:
    assert isa.loongarch_world(["/lib64/ld-linux-loongarch-lp64d.so.1", "/lib64/ld.so.1"]) == "new"
    assert isa.loongarch_world(["/lib64/ld.so.1"]) == "old"
    assert isa.loongarch_world([]) is None


def test_binfmt_entries() -> None:
    text = "entry qemu-aarch64\nenabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\ntool box64\n"
    assert isa.binfmt_entries(text) == [
        {"name": "qemu-aarch64", "state": "enabled", "interpreter": "/usr/libexec/qemu-binfmt/aarch64-binfmt-P"}
    ]
    assert isa.translation_tools(text) == ["box64"]
    entries = isa.binfmt_entries(text)
    assert isa.own_arch_translators(entries, "aarch64") == ["qemu-aarch64"]
    assert isa.own_arch_translators(entries, "x86_64") == []


def test_sysfs_numa_governors() -> None:
    assert isa.sysfs_values("/sys/x/vulnerabilities/meltdown:Not affected\n") == {"meltdown": "Not affected"}
    assert isa.numa_nodes("node0 0-31\nnode1 32-63\nnoise\n") == {"node0": "0-31", "node1": "32-63"}
    assert isa.governors("    128 performance\ndriver cppc\n") == {"performance": 128}


# ---------------------------------------------------------------- page size, ELF


def test_load_alignment_and_misaligned() -> None:
    aligns = elf.load_alignments("/a/libx.so: 0x1000 0x10000 \n/b/y: 0x10000 \nnot a line\n")
    assert aligns == {"/a/libx.so": 0x1000, "/b/y": 0x10000}
    assert elf.misaligned(aligns, 65536) == ["/a/libx.so"]
    assert elf.misaligned(aligns, 4096) == []


def test_kernel_page_configs() -> None:
    assert elf.kernel_page_config("CONFIG_ARM64_64K_PAGES=y\n") == 65536
    assert elf.kernel_page_config("CONFIG_PAGE_SIZE_4KB=y\nCONFIG_PAGE_SHIFT=12\n") == 4096
    assert elf.kernel_page_config("CONFIG_PAGE_SHIFT=14\n") == 16384
    assert elf.kernel_page_config("xcert-missing: kernel config\n") is None


def test_jemalloc_and_ldd() -> None:
    done, res = elf.jemalloc_results("lib /l/a.so: ok \nlib /l/b.so: <jemalloc>: Unsupported system page size \ndone\n")
    assert done and elf.jemalloc_broken(res) == ["/l/b.so"]
    assert elf.jemalloc_pages("page /l/a.so 4096\npage /l/b.so \n") == {"/l/a.so": 4096}
    files, problems = elf.unresolved("file /opt/x\n\tlibfoo.so => not found\nfile /opt/y\n")
    assert files == ["/opt/x", "/opt/y"] and problems == {"/opt/x": ["libfoo.so"]}


# ---------------------------------------------------------------- execution control


def test_kysec_getstatus_sample_and_modes() -> None:
    # the getstatus output of REF 2.1 (a Kylin desktop note)
    status = execctl.kysec_status(
        "KySec status: Normal\nexec control: on\nfile protect: on\nkmod protect: on\nthree admin : off\n"
    )
    assert status["exec control"] == "on" and status["three admin"] == "off"
    assert execctl.kysec_enforcing(status) is True
    assert execctl.kysec_enforcing(execctl.kysec_status("KySec status: disabled\n")) is False
    assert execctl.kysec_enforcing(execctl.kysec_status("exec control : warning\n")) is True
    assert execctl.kysec_enforcing(execctl.kysec_status("exec control: off\n")) is False
    assert execctl.kysec_enforcing({}) is None


def test_deepin_selinux_taint_boot_lsm() -> None:
    assert execctl.deepin_verify("status install ok installed\nversion 1.2\ndevmode /v/enabled 1\n") == (
        True,
        "1.2",
        True,
    )
    assert execctl.deepin_verify("dpkg-query: no packages found matching deepin-elf-verify\n") == (False, "", False)
    assert execctl.deepin_verify("status unknown ok not-installed\n")[0] is False
    assert execctl.selinux_mode("enforce 0\nSELINUX=permissive\n") == ("permissive", "permissive")
    assert execctl.selinux_mode("selinuxfs absent\n") == ("disabled", "")
    assert execctl.taint_reasons(4097) == ["P proprietary module", "O out-of-tree module loaded"]
    assert execctl.secure_boot("firmware uefi\nsecureboot 0\n") == ("uefi", "off")
    assert execctl.lsm_list("capability,kysec\nlockdown [integrity] none\n") == (["capability", "kysec"], "integrity")


# ---------------------------------------------------------------- crypto


def test_openssl_versions_and_sm() -> None:
    assert smcrypto.openssl_version("OpenSSL 1.1.1f  31 Mar 2020") == (1, 1, 1)
    assert smcrypto.openssl_version("OpenSSL 3.0.19 27 Jan 2026 (Library: ...)") == (3, 0, 19)
    assert smcrypto.openssl_version("openssl: not found") is None
    assert smcrypto.hex_bytes(" 68 1e df 34\n d2 06\n") == "681edf34d206"
    assert smcrypto.sm4_modes("  SM4-CBC\n  { 1.2.156, SM4-GCM } @ default\n") == ["CBC", "GCM"]
    assert smcrypto.sm2_roundtrip("Verified OK\ntampered: Verification failure\n") == (True, True)
    assert smcrypto.sm2_roundtrip("Verified OK\ntampered: Verified OK\n") == (True, False)
    libs = smcrypto.other_libs("tongsuo Tongsuo 8.3\ntongsuo-sm3 x\ntongsuo-opt enable_ntls\n")
    assert libs == {"tongsuo": {"version": "Tongsuo 8.3", "sm3": "x", "opt": "enable_ntls"}}


# ---------------------------------------------------------------- database prerequisites


def test_sysctl_limits_queues_mounts() -> None:
    assert kparams.sysctl_values("kernel/sem = 250\t32000\t100\t128\nfs/aio-nr = ?\n") == {
        "kernel.sem": "250 32000 100 128"
    }
    rows = kparams.user_limits("user omm nofile=1000000 nproc=unlimited\nself root nofile=1024\n")
    assert rows == {"omm": {"nofile": "1000000", "nproc": "unlimited"}, "self:root": {"nofile": "1024"}}
    queues = kparams.block_queues("vda scheduler=none,[mq-deadline],kyber read_ahead_kb=128\nend\n")
    assert kparams.active_scheduler(queues["vda"]["scheduler"]) == "mq-deadline"
    assert kparams.active_scheduler("always madvise [never]") == "never"
    assert kparams.active_scheduler("none") == "none"
    assert kparams.mounts("/opt /  ext4 rw,relatime\n") == {
        "/opt": {"target": "/", "fstype": "ext4", "options": "rw,relatime"}
    }
    assert kparams.removeipc("RemoveIPC=yes\nconf RemoveIPC=no\n") == "no"


def test_requirement_rules() -> None:
    sem = hostreq.db_rule("opengauss", "kernel.sem")
    assert sem is not None and hostreq.holds(sem, "250  6400000\t1000 25600")
    assert not hostreq.holds(sem, "250 32000 100 128")
    kb = hostreq.db_rule("kingbasees", "kernel.sem")
    assert (
        kb is not None and hostreq.holds(kb, "32000 1024000000 500 32000") and not hostreq.holds(kb, "250 32000 32 128")
    )
    port = hostreq.db_rule("opengauss", "net.ipv4.ip_local_port_range")
    assert port is not None and port.advisory
    assert hostreq.holds(port, "26000 65535") and not hostreq.holds(port, "1024 65535")
    mem = hostreq.db_rule("opengauss", "vm.min_free_kbytes")
    assert (
        mem is not None
        and hostreq.holds(mem, "5000", mem_total_kib=100000)
        and not hostreq.holds(mem, "3000", mem_total_kib=100000)
    )
    dm = hostreq.db_rule("dm8", "limit.nofile")
    assert dm is not None and hostreq.holds(dm, "unlimited") and not hostreq.holds(dm, "1024")
    py = hostreq.db_rule("opengauss", "python")
    assert (
        py is not None
        and hostreq.holds(py, "3.11.7")
        and not hostreq.holds(py, "3.5.2")
        and not hostreq.holds(py, "not installed")
    )
    assert hostreq.db_product(["kingbasees-v8", "kingbasees"]) == "kingbasees"
    assert hostreq.db_product(["mysql"]) is None


def test_every_rule_and_entry_has_a_source() -> None:
    doc = hostreq.document()
    for section in hostreq.LISTS:
        for entry in doc[section]:
            assert entry["source"]
    for product, spec in doc["databases"].items():
        assert spec["source"], product
        for key in spec["params"]:
            rule = hostreq.db_rule(product, key)
            assert rule is not None and rule.source and rule.wanted()


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        ({"bogus": []}, "unknown sections"),
        ({"page_size": [{"os": "x"}]}, "needs os and source"),
        ({"databases": {"x": {"params": {}}}}, "no source"),
        ({"databases": {"x": {"source": "s", "params": {"k": {"op": "gt", "value": 1}}}}}, "op must be"),
        ({"databases": {"x": {"source": "s", "params": {"k": {"op": "ge"}}}}}, "no value"),
    ],
)
def test_bad_requirement_data_is_refused(data: dict[str, object], needle: str) -> None:
    with pytest.raises(hostreq.RequirementsError, match=needle):
        hostreq.validate(data)


@given(st.integers(min_value=0, max_value=2**63), st.integers(min_value=0, max_value=2**63))
def test_ge_is_the_integer_order(value: int, minimum: int) -> None:
    rule = hostreq.Rule("p", "k", "ge", minimum, "s")
    assert hostreq.holds(rule, str(value)) is (value >= minimum)


@given(st.integers(0, 70000), st.integers(0, 70000))
def test_within_means_inside_the_bounds(low: int, high: int) -> None:
    rule = hostreq.Rule("p", "k", "within", [9000, 65500], "s")
    assert hostreq.holds(rule, f"{low}\t{high}") is (9000 <= low <= high <= 65500)


# ---------------------------------------------------------------- platform and baseline


def test_platform_parsers() -> None:
    assert platform.java_properties("    os.arch = aarch64\n    java.version = 17\n") == {
        "os.arch": "aarch64",
        "java.version": "17",
    }
    assert platform.python_version("python3 Python 3.7.9") == "3.7.9"
    assert platform.timezone("localtime /usr/share/zoneinfo/Asia/Shanghai\n") == "Asia/Shanghai"
    assert platform.timezone("Timezone=Europe/Moscow\n") == "Europe/Moscow"
    assert platform.clock_offset_ms("System time     : 0.001500000 seconds slow of NTP time\n") == (-1.5, "chronyc")
    assert platform.clock_offset_ms("       Offset: +2.345ms\n") == (2.345, "timedatectl")
    ntpq = "     remote  refid st t when poll reach delay offset jitter\n*10.0.0.1  .GPS. 1 u 3 64 377 0.5 -0.250 0.1\n"
    assert platform.clock_offset_ms(ntpq) == (-0.25, "ntpq")
    assert platform.clock_offset_ms("506 Cannot talk to daemon\n") == (None, "")
    assert platform.resolved_self("name db1\n10.0.0.5   db1\nend\n") == ("db1", ["10.0.0.5"])
    assert platform.cgroup_version("fstype cgroup2fs\n") == "v2"
    assert platform.cgroup_version("fstype tmpfs\n") == "v1"
    assert platform.systemd_state("state degraded\nfailed a.service\n") == ("degraded", ["a.service"])


def test_baseline_parsers() -> None:
    pam = "/etc/pam.d/system-auth: password requisite pam_pwquality.so\n/etc/security/pwquality.conf: minlen = 8\n"
    assert baseline.pam_modules(pam, "password") == [("/etc/pam.d/system-auth", "password requisite pam_pwquality.so")]
    assert baseline.conf_values(pam, "/etc/security/pwquality.conf") == {"minlen": "8"}
    assert baseline.login_defs("PASS_MAX_DAYS\t90\nend\n") == {"PASS_MAX_DAYS": "90"}
    assert baseline.tmout("/etc/profile:export TMOUT=0\n/etc/profile.d/t.sh:readonly TMOUT=600\n") == (600, None)
    assert baseline.tmout("/etc/ssh/sshd_config:ClientAliveInterval 300\n") == (None, 300)
    assert baseline.sshd_settings("PermitRootLogin no\npermitrootlogin yes\n") == {"permitrootlogin": "no"}
    assert baseline.listening_ports("tcp 0.0.0.0:23\ntcp [::]:445\nudp *:69\n") == {
        ("tcp", 23),
        ("tcp", 445),
        ("udp", 69),
    }
    facts = baseline.audit_facts("auditd running\nlive No rules\nperm 750 root /var/log/audit\nend\n")
    assert facts == {"running": True, "rules": [], "perms": {"/var/log/audit": (0o750, "root")}}
    assert baseline.world_writable("/a\nend\n") == (True, ["/a"])
    assert baseline.passwd_entries("root:0:/bin/bash\nbad line\n") == [("root", 0, "/bin/bash")]


def test_missing_marker_and_pairs() -> None:
    assert missing("noise\nxcert-missing: getstatus\n") == "getstatus"
    assert missing("all fine") is None
    assert kv_pairs("a=1 b=unlimited c=") == {"a": "1", "b": "unlimited", "c": ""}


@given(st.text(max_size=400))
def test_parsers_never_raise_on_any_text(text: str) -> None:
    for parse in (
        isa.cpu_flags,
        isa.binfmt_entries,
        isa.sysfs_values,
        isa.numa_nodes,
        isa.governors,
        elf.load_alignments,
        elf.unresolved,
        elf.jemalloc_results,
        elf.jemalloc_pages,
        elf.kernel_page_config,
        execctl.kysec_status,
        execctl.deepin_verify,
        execctl.selinux_mode,
        execctl.secure_boot,
        execctl.lsm_list,
        smcrypto.openssl_version,
        smcrypto.sm4_modes,
        smcrypto.other_libs,
        kparams.sysctl_values,
        kparams.user_limits,
        kparams.block_queues,
        kparams.mounts,
        kparams.removeipc,
        platform.java_properties,
        platform.clock_offset_ms,
        platform.resolved_self,
        platform.systemd_state,
        baseline.login_defs,
        baseline.tmout,
        baseline.sshd_settings,
        baseline.listening_ports,
        baseline.audit_facts,
        baseline.passwd_entries,
    ):
        parse(text)
