"""Identification from real captures (../shared/refdata/samples) and the forms documented with
their sources in ../shared/refdata/README.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.facts.snapshot import Facts
from harness.identify import Component, declared_matches, identify_host


def sample(refdata: Path, name: str) -> str:
    """A capture without its first line (the '# Source: ...' header)."""
    text = (refdata / "samples" / name).read_text(encoding="utf-8")
    return text.split("\n", 1)[1]


def facts_of(files: dict[str, str] | None = None, commands: dict[str, str] | None = None) -> Facts:
    return Facts(
        files={k: v.encode() for k, v in (files or {}).items()},
        commands={k: v.encode() for k, v in (commands or {}).items()},
    )


def cpu_of(cpuinfo: str, arch: str | None = None, **files: str) -> Component:
    commands = {"uname-m": arch + "\n"} if arch else {}
    paths = {"/proc/cpuinfo": cpuinfo, **{k.replace("__", "/"): v for k, v in files.items()}}
    return identify_host(facts_of(paths, commands)).components["cpu"]


def os_of(os_release: str | None = None, **files: str) -> Component:
    paths = {"/etc/os-release": os_release} if os_release is not None else {}
    paths.update({"/etc/" + k.replace("_", "-"): v for k, v in files.items()})
    return identify_host(facts_of(paths)).components["os"]


# ------------------------------------------------------------------ the captures in refdata/samples


def test_kunpeng_920_capture(refdata: Path) -> None:
    ident = identify_host(
        facts_of({"/proc/cpuinfo": sample(refdata, "cpuinfo-kunpeng920-hwloc-128arm.txt")}, {"uname-m": "aarch64\n"})
    )
    cpu = ident.components["cpu"]
    assert (cpu.catalog_id, cpu.confidence, cpu.xinchuang, cpu.arch) == ("kunpeng-920", "high", True, "aarch64")
    assert any("arm.part=0xd01" in e for e in cpu.evidence)
    assert ident.consistent


def test_huawei_dmi_capture(refdata: Path) -> None:
    files = {}
    for line in sample(refdata, "dmi-id-huawei-xa320v2-kunpeng920-hwloc.txt").splitlines():
        name, _, value = line.partition("=")
        files[f"/sys/class/dmi/id/{name}"] = value + "\n"
    files["/proc/cpuinfo"] = sample(refdata, "cpuinfo-kunpeng920-hwloc-128arm.txt")
    server = identify_host(facts_of(files, {"uname-m": "aarch64"})).components["server"]
    assert server.catalog_id == "huawei-taishan" and server.vendor == "Huawei" and server.model == "XA320 V2"
    assert server.xinchuang is True and server.confidence == "medium"


def test_loongson_cpuinfo_capture_without_uname(refdata: Path) -> None:
    cpu = cpu_of(sample(refdata, "cpuinfo-loongson-3a5000-hv-utillinux.txt"))
    assert cpu.catalog_id == "loongson-3a5000" and cpu.model == "Loongson-3A5000-HV"
    assert cpu.arch == "loongarch64"  # from the cpuinfo layout, and said so in the evidence
    assert any("cpu.isa" in e for e in cpu.evidence)


def test_loongson_lscpu_capture_alone(refdata: Path) -> None:
    ident = identify_host(facts_of(commands={"lscpu": sample(refdata, "lscpu-loongson-3a5000-hv-utillinux.txt")}))
    assert ident.components["cpu"].catalog_id == "loongson-3a5000"
    assert any(e.startswith("lscpu") for e in ident.components["cpu"].evidence)


@pytest.mark.parametrize(
    ("name", "expected", "version"),
    [
        ("os-release-kylin-server-v10-sword.txt", "kylin-server-v10-sp2", "V10 (Sword)"),
        ("os-release-kylin-desktop-v10-sp1-2303.txt", "kylin-desktop-v10-sp1", "Kylin V10 SP1"),
        ("os-release-openeuler-20.03-lts.txt", "openeuler-20.03-lts", "20.03 (LTS)"),
        ("os-release-uos-desktop-20-pro.txt", "uos-desktop-20", "UOS Desktop 20 Professional"),
        ("os-release-uos-server-20-fou.txt", "uos-server-20", "fou"),
    ],
)
def test_os_release_captures(refdata: Path, name: str, expected: str, version: str) -> None:
    comp = os_of(sample(refdata, name))
    assert (comp.catalog_id, comp.version, comp.xinchuang, comp.confidence) == (expected, version, True, "high")


def test_release_file_captures(refdata: Path) -> None:
    kylin = os_of(kylin_release=sample(refdata, "system-release-kylin-server-v10-sword.txt"))
    assert kylin.catalog_id == "kylin-server-v10-sp2"
    system = identify_host(
        facts_of({"/etc/system-release": sample(refdata, "system-release-kylin-server-v10-sword.txt")})
    )
    assert system.components["os"].catalog_id == "kylin-server-v10-sp2"
    euler = identify_host(facts_of({"/etc/system-release": sample(refdata, "system-release-openeuler-20.03-lts.txt")}))
    assert euler.components["os"].catalog_id == "openeuler-20.03-lts"
    assert euler.components["os"].confidence == "medium"


def test_lsb_release_captures(refdata: Path) -> None:
    kylin = os_of(lsb_release=sample(refdata, "lsb-release-kylin-server-v10-sword.txt"))
    assert (kylin.catalog_id, kylin.confidence) == ("kylin-server-v10", "low")
    uos = os_of(lsb_release=sample(refdata, "lsb-release-uos-server-20-fou.txt"))
    assert (uos.catalog_id, uos.version) == ("uos-server-20", "fou")


# ------------------------------------------------------------------ CPU facts of refdata/README.md

X86 = "processor\t: 0\nvendor_id\t: {vendor}\ncpu family\t: {family}\nmodel\t\t: {model}\nmodel name\t: {name}\nflags\t\t: fpu lm sse2\n\n"


@pytest.mark.parametrize(
    ("vendor", "family", "model", "name", "expected"),
    [
        ("HygonGenuine", 24, 0, "Hygon C86 3185  8-core Processor               ", "hygon-c86"),
        ("HygonGenuine", 24, 1, "Hygon C86 7285 32-core Processor", "hygon-c86"),
        ("CentaurHauls", 7, 59, "ZHAOXIN KaiXian KX-U6780A@2.7GHz", "zhaoxin-lujiazui"),
        ("  Shanghai  ", 7, 59, "ZHAOXIN KaiXian KX-U6780A@2.7GHz", "zhaoxin-lujiazui"),
        ("  Shanghai  ", 6, 25, "ZHAOXIN KaiXian ZX-C", "zhaoxin-zhangjiang"),
        ("CentaurHauls", 6, 15, "ZHAOXIN KaiXian ZX-C", "zhaoxin-zhangjiang"),
        ("  Shanghai  ", 7, 27, "ZHAOXIN KaiXian KX-6640MA@2.2+GHz", "zhaoxin-wudaokou"),
        ("CentaurHauls", 7, 91, "ZHAOXIN KaiXian KX-7000", "zhaoxin-yongfeng"),
        ("  Shanghai  ", 7, 99, "ZHAOXIN KaiXian KX-9000", "zhaoxin"),
        ("CentaurHauls", 6, 15, "VIA Nano processor U2250", "via-centaur"),
        ("GenuineIntel", 6, 207, "Intel(R) Xeon(R) Processor", "intel-x86"),
        ("AuthenticAMD", 25, 1, "AMD EPYC 7763 64-Core Processor", "amd-x86"),
    ],
)
def test_x86_vendors(vendor: str, family: int, model: int, name: str, expected: str) -> None:
    cpu = cpu_of(X86.format(vendor=vendor, family=family, model=model, name=name), "x86_64")
    assert cpu.catalog_id == expected
    assert cpu.model == " ".join(name.split())


ARM = "processor\t: {i}\nCPU implementer\t: {impl}\nCPU architecture: 8\nCPU variant\t: 0x1\nCPU part\t: {part}\nCPU revision\t: 1\n{extra}\n"


def arm(impl: str, part: str, count: int = 4, extra: str = "") -> str:
    return "".join(ARM.format(i=i, impl=impl, part=part, extra=extra) for i in range(count))


@pytest.mark.parametrize(
    ("part", "count", "expected", "confidence"),
    [
        ("0x660", 16, "phytium-ft1500a", "high"),
        ("0x661", 2, "phytium-ft2000a", "high"),
        ("0x662", 64, "phytium-ft2000plus", "high"),
        ("0x663", 4, "phytium-ft2000-4", "medium"),
        ("0x663", 8, "phytium-d2000", "medium"),
        ("0x663", 64, "phytium-s2500", "medium"),
        ("0x303", 4, "phytium-e2000", "high"),
        ("0x862", 8, "phytium-d3000", "medium"),
        ("0x862", 64, "phytium-s5000c", "low"),
        ("0x664", 8, "phytium", "low"),
    ],
)
def test_phytium_parts(part: str, count: int, expected: str, confidence: str) -> None:
    cpu = cpu_of(arm("0x70", part, count), "aarch64")
    assert (cpu.catalog_id, cpu.confidence, cpu.xinchuang) == (expected, confidence, True)
    assert "phytium" in cpu.lineage


def test_phytium_0x663_is_decided_by_dmi_type_4_and_says_so() -> None:
    dmidecode = (
        "Handle 0x0004, DMI type 4, 48 bytes\nProcessor Information\n\tSocket Designation: BGA3576\n"
        "\tManufacturer: PHYTIUM\n\tFamily: <OUT OF SPEC>\n\tVersion: FT2500\n\tCore Count: 64\n"
    )
    ident = identify_host(
        facts_of({"/proc/cpuinfo": arm("0x70", "0x663", 4)}, {"uname-m": "aarch64", "dmidecode": dmidecode})
    )
    cpu = ident.components["cpu"]
    assert (cpu.catalog_id, cpu.confidence) == ("phytium-s2500", "high")
    assert "0x663" in cpu.note and "DMI type 4" in cpu.note
    assert any("dmidecode -t 4" in e for e in cpu.evidence)


def test_phytium_0x663_count_rule_says_so() -> None:
    cpu = cpu_of(arm("0x70", "0x663", 8), "aarch64")
    assert "processor count" in cpu.note and "0x663" in cpu.note
    assert any("cpu.count=8" in e for e in cpu.evidence)


@pytest.mark.parametrize(
    ("model_name", "expected"),
    [
        ("Phytium,FT-2000+/64", "phytium-ft2000plus"),
        ("Phytium,FT2000PLUS", "phytium-ft2000plus"),
        ("phytium FT1500a", "phytium-ft1500a"),
        ("Phytium,FT-2000/4-M", "phytium-ft2000-4"),
        ("Phytium,D2000/8 E8C", "phytium-d2000"),
        ("Phytium,S2500/64 C00", "phytium-s2500"),
        ("Phytium,S5000", "phytium-s5000c"),
        ("Phytium,FT-E2000/Big", "phytium-e2000"),
        ("Phytium,FT-D3000", "phytium-d3000"),
        ("HUAWEI,Kunpeng 920", "kunpeng-920"),
    ],
)
def test_kylin_kernel_model_names(model_name: str, expected: str) -> None:
    # Kylin kernels print a model name on arm64; it beats the shared 0x663 part number
    part = {"kunpeng-920": ("0x48", "0xd01")}.get(expected, ("0x70", "0x663"))
    cpu = cpu_of(arm(*part, 2, extra=f"model name\t: {model_name}\n"), "aarch64")
    assert (cpu.catalog_id, cpu.confidence) == (expected, "high")


def test_midr_from_sysfs_when_cpuinfo_has_no_ids() -> None:
    files = {"/sys/devices/system/cpu/cpu0/regs/identification/midr_el1": "0x00000000701f6633\n"}
    ident = identify_host(facts_of(files, {"uname-m": "aarch64", "lscpu": "CPU(s): 128\n"}))
    cpu = ident.components["cpu"]
    assert cpu.catalog_id == "phytium-s2500" and "midr_el1" in " ".join(cpu.evidence)


def test_lscpu_names_for_arm_parts() -> None:
    lscpu = "Architecture: aarch64\nCPU(s): 8\nVendor ID: Phytium\nModel name: FTC663\n"
    assert identify_host(facts_of(commands={"lscpu": lscpu})).components["cpu"].catalog_id == "phytium-d2000"
    lscpu = "Architecture: aarch64\nVendor ID: HiSilicon\nModel name: Kunpeng-920\n"
    assert identify_host(facts_of(commands={"lscpu": lscpu})).components["cpu"].catalog_id == "kunpeng-920"


@pytest.mark.parametrize(
    ("part", "expected"), [("0xd02", "kunpeng-920"), ("0xd06", "kunpeng-950"), ("0xd40", "hisilicon-kirin")]
)
def test_hisilicon_parts(part: str, expected: str) -> None:
    assert cpu_of(arm("0x48", part), "aarch64").catalog_id == expected


@pytest.mark.parametrize(
    ("model_name", "expected"),
    [
        ("Loongson-3A5000", "loongson-3a5000"),
        ("Loongson-3A5000M", "loongson-3a5000"),
        ("Loongson-3C5000", "loongson-3c5000"),
        ("Loongson-3A6000-HV", "loongson-3a6000"),
        ("Loongson-3C6000", "loongson-3c6000"),
        ("Loongson-2K2000", "loongson-loongarch"),
    ],
)
def test_loongarch_models(model_name: str, expected: str) -> None:
    cpuinfo = (
        "system type\t\t: generic-loongson-machine\n\nprocessor\t\t: 0\nCPU Family\t\t: Loongson-64bit\n"
        f"Model Name\t\t: {model_name}\nISA\t\t\t: loongarch32r loongarch32s loongarch64\n\n"
    )
    cpu = cpu_of(cpuinfo, "loongarch64")
    assert cpu.catalog_id == expected and cpu.arch == "loongarch64"


def test_loongson_on_mips() -> None:
    cpuinfo = (
        "system type\t\t: generic-loongson-machine\nmachine\t\t\t: loongson,generic\nprocessor\t\t: 0\n"
        "cpu model\t\t: Loongson-3 V0.4  FPU V0.1\nmodel name\t\t: Loongson-3A R4 (Loongson-3B4000) @ 1800MHz\n"
        "isa\t\t\t: mips1 mips2 mips3 mips4 mips5 mips32r1 mips32r2 mips64r1 mips64r2\n\n"
    )
    ident = identify_host(facts_of({"/proc/cpuinfo": cpuinfo}, {"uname-m": "mips64"}))
    assert ident.components["cpu"].catalog_id == "loongson-3b4000" and ident.consistent
    other = cpuinfo.replace("Loongson-3B4000", "Loongson-3A4000")
    assert cpu_of(other, "mips64").catalog_id == "loongson-3a4000"
    generic = cpuinfo.replace("model name\t\t: Loongson-3A R4 (Loongson-3B4000) @ 1800MHz\n", "")
    assert cpu_of(generic, "mips64").catalog_id == "loongson-mips"


def test_sunway() -> None:
    cpuinfo = (
        "processor\t: 0\nvendor_id\t: sunway\ncpu family\t: 6\nmodel\t\t: 3\n"
        "model name\t: SW3231 CPU @ 2.40GHz\ncpu MHz\t\t: 2400.00\nflags\t\t: fpu simd vpn upn cpuid\n"
        "page size\t: 8192\n\n"
    )
    ident = identify_host(facts_of({"/proc/cpuinfo": cpuinfo}, {"uname-m": "sw_64"}))
    assert ident.components["cpu"].catalog_id == "sunway-sw3231" and ident.consistent
    assert identify_host(facts_of(commands={"uname-m": "sw_64"})).components["cpu"].catalog_id == "sunway"


# ------------------------------------------------------------------ OS forms of refdata/README.md section 2


def osr(**fields: str) -> str:
    return "".join(f'{k}="{v}"\n' for k, v in fields.items())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            osr(NAME="Kylin Linux Advanced Server", VERSION="V10 (Tercel)", ID="kylin", VERSION_ID="V10"),
            "kylin-server-v10-sp1",
        ),
        (
            osr(NAME="Kylin Linux Advanced Server", VERSION="V10 (Lance)", ID="kylin", VERSION_ID="V10"),
            "kylin-server-v10-sp3",
        ),
        (
            osr(NAME="Kylin Linux Advanced Server", VERSION="V10 (Halberd)", ID="kylin", VERSION_ID="V10"),
            "kylin-server-v10-sp3-2403",
        ),
        (
            osr(NAME="Kylin Linux Advanced Server", VERSION="V10 (Newbird)", ID="kylin", VERSION_ID="V10"),
            "kylin-server-v10",
        ),
        (
            osr(
                NAME="Kylin",
                VERSION="V10 (juniper)",
                ID="kylin",
                ID_LIKE="debian",
                PRETTY_NAME="Kylin V10",
                VERSION_ID="v10",
            ),
            "kylin-desktop-v10",
        ),
        (
            osr(
                NAME="Kylin",
                VERSION="银河麒麟桌面操作系统（教育版）V10",
                ID="kylin",
                VERSION_ID="v10",
                PROJECT_CODENAME="V10SP1-General-Edu",
            ),
            "kylin-desktop-v10-sp1",
        ),
        (
            osr(NAME="Kylin", VERSION="银河麒麟桌面操作系统V11", ID="kylin", PRETTY_NAME="Kylin V11", VERSION_ID="v11"),
            "kylin-desktop-v11",
        ),
        (osr(NAME="Kylin", VERSION="4.0-2 (juniper)", ID="kylin", VERSION_ID="4.0-2"), "kylin-desktop-4.0.2"),
        (osr(NAME="Kylin", VERSION="4.0.2 (juniper)", ID="kylin", VERSION_ID="4.0.2"), "kylin-desktop-4.0.2"),
        (
            osr(
                NAME="NeoKylin Linux Advanced Server",
                VERSION="V7Update6 (Chromium)",
                ID="neokylin",
                VERSION_ID="V7Update6",
            ),
            "neokylin-server-v7",
        ),
        (
            osr(
                NAME="UnionTech OS Server 20",
                ID="uos",
                VERSION_ID="20",
                VERSION_CODENAME="kongzi",
                PLATFORM_ID="platform:uelc20",
            ),
            "uos-server-20",
        ),
        (
            osr(
                NAME="uos",
                ID="uos",
                VERSION_ID="20",
                PRETTY_NAME="UnionTech OS Desktop 20 E",
                VERSION_CODENAME="uranus",
            ),
            "uos-desktop-20",
        ),
        (osr(NAME="Uos", ID="uos", VERSION_ID="25", VERSION_CODENAME="snipe"), "uos-desktop-25"),
        (osr(NAME="Deepin", ID="Deepin", VERSION_ID="20.4", VERSION="20.4", VERSION_CODENAME="apricot"), "deepin-20"),
        (osr(NAME="Deepin", ID="deepin", VERSION_ID="23", VERSION_CODENAME="beige"), "deepin-23"),
        (osr(NAME="Deepin", ID="Deepin", VERSION_ID="23", VERSION_CODENAME="beige"), "deepin-23"),
        (osr(NAME="openEuler", ID="openEuler", VERSION_ID="22.03", VERSION="22.03 LTS"), "openeuler-22.03-lts"),
        (
            osr(NAME="openEuler", ID="openEuler", VERSION_ID="22.03", VERSION="22.03 (LTS-SP1)"),
            "openeuler-22.03-lts-sp1",
        ),
        (
            osr(NAME="openEuler", ID="openEuler", VERSION_ID="22.03", VERSION="22.03 (LTS-SP4)"),
            "openeuler-22.03-lts-sp4",
        ),
        (osr(NAME="openEuler", ID="openEuler", VERSION_ID="24.03", VERSION="24.03 (LTS)"), "openeuler-24.03-lts"),
        (
            osr(NAME="openEuler", ID="openEuler", VERSION_ID="24.03", VERSION="24.03 (LTS-SP3)"),
            "openeuler-24.03-lts-sp3",
        ),
        (osr(NAME="openEuler", ID="openEuler", VERSION_ID="23.09", VERSION="23.09"), "openeuler"),
        (osr(NAME="Anolis OS", ID="anolis", VERSION_ID="8.8", VERSION="8.8", ID_LIKE="rhel fedora centos"), "anolis-8"),
        (osr(NAME="Anolis OS", ID="anolis", VERSION_ID="7.9", ID_LIKE="rhel fedora centos"), "anolis-7"),
        (osr(NAME="openKylin", ID="openkylin", VERSION_ID="2.0", VERSION="2.0 (nile)"), "openkylin"),
        (osr(NAME="Debian GNU/Linux", ID="debian", VERSION_ID="12"), "debian"),
        (osr(NAME="Ubuntu", ID="ubuntu", VERSION_ID="22.04"), "ubuntu"),
        (osr(NAME="Rocky Linux", ID="rocky", VERSION_ID="9.3"), "rocky"),
    ],
)
def test_os_release_forms(text: str, expected: str) -> None:
    comp = os_of(text)
    assert comp.catalog_id == expected
    assert comp.xinchuang is (expected not in ("debian", "ubuntu", "rocky"))


def test_uos_os_version_and_kylin_release_alone() -> None:
    osv = "[Version]\nSystemName=UnionTech OS Server\nProductType=Server\nEditionName=c\nMajorVersion=20\nMinorVersion=1001\n"
    assert os_of(os_version=osv).catalog_id == "uos-server-20"
    assert (
        os_of(kylin_release="Kylin Linux Advanced Server release V10 (Halberd)\n").catalog_id
        == "kylin-server-v10-sp3-2403"
    )


def test_unknown_os_is_named_not_guessed() -> None:
    comp = os_of(osr(NAME="Plan Nine", ID="plan9", VERSION_ID="4"))
    assert comp.catalog_id is None and comp.product == "Plan Nine" and comp.reason.startswith("unknown")


# ------------------------------------------------------------------ databases (section 3.1 version forms)


@pytest.mark.parametrize(
    ("banner", "expected", "version"),
    [
        (
            "DM Database Server 64 V8\nDB Version: 0x7000c\n03134284194-20240703-234060-20108\nMsg Version: 12\n",
            "dm8",
            "DM Database Server 64 V8",
        ),
        (
            "KingbaseES V008R006C006B0013PS003 on x86_64-pc-linux-gnu, compiled by gcc (GCC) 4.1.2 20080704 (Red Hat 4.1.2-46), 64-bit",
            "kingbasees-v8",
            "V008R006C006B0013PS003",
        ),
        (
            "KingbaseES V009R001C001B0025 on aarch64-unknown-linux-gnu, compiled by gcc, 64-bit",
            "kingbasees-v9",
            "V009R001C001B0025",
        ),
        (
            "PostgreSQL 9.2.4 (openGauss 2.0.0 build 78689da9) compiled at 2021-03-31 21:04:03 commit 0 last mr   on x86_64-unknown-linux-gnu, compiled by g++ (GCC) 7.3.0, 64-bit",
            "opengauss",
            "2.0.0",
        ),
        (
            "(openGauss 1.0.1 build 89d339ca) compiled at 2020-12-01 10:00:00 commit 0 last mr   on x86_64-unknown-linux-gnu",
            "opengauss",
            "1.0.1",
        ),
        (
            "(openGauss 5.0.0 build a07d57c3) compiled at 2023-03-30 10:00:00 commit 0 last mr   on x86_64-unknown-linux-gnu",
            "opengauss",
            "5.0.0",
        ),
        (
            "PostgreSQL 9.2.4 (GaussDB Kernel V500R001C20 build 9eff8f60) compiled at 2021-09-24 10:10:25 commit 0 last mr   on x86_64-unknown-linux-gnu, compiled by g++ (GCC) 7.3.0, 64-bit",
            "gaussdb",
            "V500R001C20",
        ),
        (
            "PostgreSQL 9.2.4 (Vastbase G100 V2.2 (Build 10)) compiled at 2022-01-01 on x86_64-unknown-linux-gnu",
            "vastbase",
            "V2.2",
        ),
        (
            "PostgreSQL 9.2.4 (GBase8cV5 S3.0.0B76 build 4b8e0b1) compiled at 2023-01-01 on x86_64",
            "gbase-8c",
            "S3.0.0B76",
        ),
        ("HighGo Database V4.2 Standard Edition Release 4.2.1 - 64-bit Production", "highgo", "V4.2"),
        ("5.7.25-OceanBase_CE-v4.2.1.8", "oceanbase", "4.2.1.8"),
        ("8.0.11-TiDB-v7.5.0", "tidb", "7.5.0"),
        ("5.7.25-TiDB-v6.5.0", "tidb", "6.5.0"),
        ("8.6.2-R43.34.27468a27", "gbase-8a", "8.6.2-R43.34.27468a27"),
        (
            "PostgreSQL 15.8 (Debian 15.8-0+deb12u1) on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14) 12.2.0, 64-bit",
            "postgresql",
            "15.8",
        ),
        ("10.11.6-MariaDB-0+deb12u1", "mariadb", "10.11.6"),
        ("8.0.36", "mysql", "8.0.36"),
    ],
)
def test_database_version_strings(banner: str, expected: str, version: str) -> None:
    db = identify_host(facts_of(commands={"db-version": banner})).components["db"]
    assert (db.catalog_id, db.version) == (expected, version)
    assert db.details.get("protocol") and db.evidence


@pytest.mark.parametrize(
    ("saved", "expected"),
    [
        (
            " version\n---------\n PostgreSQL 9.2.4 (openGauss 3.0.0 build 02c14696) compiled at 2022-04-01 on aarch64-unknown-linux-gnu\n(1 row)\n",
            "opengauss",
        ),
        (
            "+------+\n| VERSION() |\n+------+\n| 5.7.25-OceanBase-v4.2.1.8 |\n+------+\n1 row in set (0.01 sec)\n",
            "oceanbase",
        ),
        ("Release Version: v7.5.0\nEdition: Community\nGit Commit Hash: 4b5b9f8\n", "tidb"),
        (
            "LINEID     BANNER\n---------- ----\n1          DM Database Server 64 V8\n2          DB Version: 0x7000c\n",
            "dm8",
        ),
    ],
)
def test_database_answers_as_clients_print_them(saved: str, expected: str) -> None:
    assert identify_host(facts_of(commands={"db-version": saved})).components["db"].catalog_id == expected


@pytest.mark.parametrize(
    ("saved", "expected", "version"),
    [
        ("postgres (PostgreSQL) 15.8 (Debian 15.8-0+deb12u1)", "postgresql", "15.8"),
        ("mariadbd  Ver 10.11.6-MariaDB-0+deb12u1 for debian-linux-gnu on x86_64 (Debian 12)", "mariadb", "10.11.6"),
        ("/usr/sbin/mysqld  Ver 8.0.36 for Linux on x86_64 (MySQL Community Server - GPL)", "mysql", "8.0.36"),
        ("kingbase (KingbaseES) V008R006C008B0014", "kingbasees-v8", "V008R006C008B0014"),
        (
            "gaussdb (openGauss 3.0.0 build 02c14696) compiled at 2022-04-01 11:12:11 commit 0 last mr",
            "opengauss",
            "3.0.0",
        ),
        ("observer (OceanBase_CE 4.2.1.8)\nREVISION: 108000022024072217-3149ab3\n", "oceanbase", "4.2.1.8"),
    ],
)
def test_server_binaries_version_answers(saved: str, expected: str, version: str) -> None:
    db = identify_host(facts_of(commands={"db-version": saved})).components["db"]
    assert (db.catalog_id, db.version) == (expected, version)


def test_ftc862_without_a_count_is_not_guessed() -> None:
    files = {"/sys/devices/system/cpu/cpu0/regs/identification/midr_el1": "0x00000000701f8621\n"}
    cpu = identify_host(facts_of(files)).components["cpu"]
    assert (cpu.catalog_id, cpu.confidence) == ("phytium-ftc862", "low")


def test_database_build_arch_from_psql_output_is_checked() -> None:
    saved = " version\n---\n KingbaseES V008R006C008B0014 on x86_64-pc-linux-gnu, compiled by gcc\n(1 row)\n"
    ident = identify_host(facts_of(commands={"db-version": saved, "uname-m": "aarch64"}))
    assert ident.components["db"].catalog_id == "kingbasees-v8" and not ident.consistent


def test_uname_a_alone_gives_arch_and_kernel() -> None:
    uname = "Linux kylin 4.19.90-52.22.v2207.ky10.aarch64 #1 SMP Tue Mar 14 12:19:10 CST 2023 aarch64 aarch64 aarch64 GNU/Linux\n"
    ident = identify_host(facts_of(commands={"uname-a": uname}))
    assert ident.signals["arch"] == "aarch64" and ident.signals["kernel"].startswith("4.19.90-52.22")
    assert ident.consistent


def test_database_from_processes() -> None:
    ps = "/opt/dmdbms/bin/dmserver path=/opt/dmdbms/data/DAMENG/dm.ini -noconsole\n"
    db = identify_host(facts_of(commands={"processes": ps})).components["db"]
    assert (db.catalog_id, db.confidence, db.version) == ("dm8", "medium", None)


# ------------------------------------------------------------------ middleware (section 4)


@pytest.mark.parametrize(
    ("cmdline", "expected", "version"),
    [
        (
            "/usr/bin/java -Dtongweb.home=/opt/tweb6 -Dtongweb.version=6.1.5.8 -classpath lib/launcher.jar com.tongweb.web.thor.startup.ThorBootstrap start",
            "tongweb",
            "6.1.5.8",
        ),
        (
            "/opt/jdk/bin/java -Dtongweb.base=/opt/tweb8/domains/domain1 -jar /opt/tweb8/version8.0.6.2/boot/tongweb-bootstrap.jar startd",
            "tongweb",
            "8.0.6.2",
        ),
        (
            "java -cp /opt/bes/lib/bootstrap.jar:/opt/bes/patch/V9.5.2.4703.012.core.jar com.bes.enterprise.startup.ASMain -instancedir /opt/bes start",
            "bes",
            "9.5.2",
        ),
        (
            "/usr/bin/java -Dcom.apusic.home=/usr/local/ass com.apusic.server.Main -root /usr/local/ass",
            "apusic",
            None,  # the main class names the product line, not a version (issue 16)
        ),
        (
            "java -cp /usr/local/apusic/aas/modules/aas.jar com.apusic.enterprise.aas.bootstrap.AASMain -upgrade false -domaindir /usr/local/apusic/aas/domains/mydomain",
            "apusic",
            None,
        ),
        (
            "/opt/apusic-9.0.1/jdk/bin/java -Dcom.apusic.home=/opt/apusic-9.0.1 com.apusic.server.Main -root /opt/apusic-9.0.1",
            "apusic",
            "9.0.1",
        ),
        (
            "java -cp /usr/local/inforsuite/as/modules/inforsuite.jar com.cvicse.loong.enterprise.inforsuite.bootstrap.ASMain -upgrade false",
            "inforsuite",
            None,
        ),
    ],
)
def test_middleware_from_java_cmdlines(cmdline: str, expected: str, version: str | None) -> None:
    mw = identify_host(facts_of(commands={"processes": cmdline + "\n"})).components["middleware"]
    assert (mw.catalog_id, mw.version, mw.xinchuang) == (expected, version, True)


# ------------------------------------------------------------------ consistency and declared stacks


def test_cpuinfo_contradicting_uname_is_flagged(refdata: Path) -> None:
    ident = identify_host(
        facts_of({"/proc/cpuinfo": sample(refdata, "cpuinfo-kunpeng920-hwloc-128arm.txt")}, {"uname-m": "x86_64"})
    )
    assert not ident.consistent
    assert any("/proc/cpuinfo says aarch64" in i and "uname -m says x86_64" in i for i in ident.issues)
    assert ident.components["cpu"].issues


def test_release_files_and_database_build_must_agree() -> None:
    facts = facts_of(
        {
            "/etc/.kyinfo": "[dist]\nname=Kylin-Server\narch=arm64\n",
            "/proc/cpuinfo": X86.format(vendor="GenuineIntel", family=6, model=1, name="x"),
        },
        {
            "uname-m": "x86_64",
            "uname-r": "4.19.90-24.4.v2101.ky10.x86_64",
            "db-version": "KingbaseES V008R006C006B0013PS003 on aarch64-unknown-linux-gnu, 64-bit",
        },
    )
    ident = identify_host(facts)
    assert len(ident.issues) == 2
    assert any(i.startswith("/etc/.kyinfo says aarch64") for i in ident.issues)
    assert ident.components["db"].issues and ident.components["os"].issues


def test_consistent_host_with_kernel_suffix() -> None:
    facts = facts_of(
        {"/proc/cpuinfo": arm("0x48", "0xd01")}, {"uname-m": "aarch64", "uname-r": "4.19.90-24.4.v2101.ky10.aarch64"}
    )
    assert identify_host(facts).consistent


def test_declared_matching() -> None:
    d2000 = cpu_of(arm("0x70", "0x663", 8), "aarch64")
    assert declared_matches("cpu", "phytium-d2000", d2000) == (True, "phytium-d2000")
    assert declared_matches("cpu", "D2000", d2000) == (True, "phytium-d2000")
    assert declared_matches("cpu", "Phytium", d2000) == (True, "phytium")  # a family covers its members
    assert declared_matches("cpu", "kunpeng-920", d2000) == (False, "kunpeng-920")
    assert declared_matches("cpu", "Some CPU", d2000) == (False, "Some CPU")


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00\x01\x02\xff\xfe",
        b"processor : 0\nvendor_id : Genu",
        b"\xc3\x28\xa0\xa1 garbage",
        b'NAME="unterminated\n',
    ],
)
def test_bad_files_give_unknown_with_reason(data: bytes) -> None:
    facts = Facts(files={"/etc/os-release": data, "/proc/cpuinfo": data}, commands={"lscpu": data, "dmidecode": data})
    ident = identify_host(facts)
    for comp in ident.components.values():
        assert comp.catalog_id is not None or comp.reason or comp.rule


# ------------------------------------------------------------------ secondary signals


def test_phytium_0x663_by_dmi_core_count_when_dmi_names_no_model() -> None:
    dmidecode = "Handle 0x0004, DMI type 4, 48 bytes\nProcessor Information\n\tManufacturer: PHYTIUM\n\tCore Count: 8\n"
    # a 4-vCPU view (a container or a VM with few CPUs) of an 8-core D2000: DMI's core count decides
    ident = identify_host(facts_of({"/proc/cpuinfo": arm("0x70", "0x663", 4)}, {"dmidecode": dmidecode}))
    cpu = ident.components["cpu"]
    assert cpu.catalog_id == "phytium-d2000" and "core count" in cpu.note


def test_kunpeng_from_dmi_processor_version() -> None:
    dmidecode = "Handle 0x0004, DMI type 4, 48 bytes\nProcessor Information\n\tManufacturer: HiSilicon\n\tVersion: Kunpeng 920-4826\n"
    assert identify_host(facts_of(commands={"dmidecode": dmidecode})).components["cpu"].catalog_id == "kunpeng-920"


def test_kylin_service_pack_from_kyinfo_and_kernel_tag() -> None:
    base = 'NAME="Kylin Linux Advanced Server"\nVERSION="V10"\nID="kylin"\nVERSION_ID="V10"\n'
    kyinfo = "[dist]\nname=Kylin-Server\nmilestone=10-SP1-Release-Build04-20200711\narch=arm64\n"
    ident = identify_host(facts_of({"/etc/os-release": base, "/etc/.kyinfo": kyinfo}, {"uname-m": "aarch64"}))
    assert ident.components["os"].catalog_id == "kylin-server-v10-sp1" and ident.consistent
    by_kernel = identify_host(facts_of({"/etc/os-release": base}, {"uname-r": "4.19.90-89.11.v2401.ky10.x86_64"}))
    comp = by_kernel.components["os"]
    assert (comp.catalog_id, comp.confidence) == ("kylin-server-v10-sp3-2403", "medium") and "v2401" in comp.note


def test_catalog_facts_carry_sources_and_lifecycle() -> None:
    comp = os_of('NAME="openEuler"\nVERSION="20.03 (LTS)"\nID="openEuler"\nVERSION_ID="20.03"\n')
    assert comp.details["lifecycle"] == {"released": "2020-03", "community_support_years": 4}
    assert any("release-management" in s for s in comp.details["sources"])


def test_new_util_linux_lscpu_with_bios_fields() -> None:
    # util-linux 2.37+ prints BIOS Vendor ID / BIOS Model name (DMI type 4) and indents by section
    lscpu = (
        "Architecture:                       aarch64\nCPU(s):                             48\n"
        "Vendor ID:                          HiSilicon\nBIOS Vendor ID:                     HiSilicon\n"
        "Model name:                         Kunpeng-920\n"
        "BIOS Model name:                    HUAWEI Kunpeng 920 3210 To be filled by O.E.M. CPU @ 2.6GHz\n"
        "Model:                              0\nStepping:                           0x1\n"
    )
    ident = identify_host(facts_of(commands={"lscpu": lscpu}))
    cpu = ident.components["cpu"]
    assert (cpu.catalog_id, cpu.arch, cpu.confidence) == ("kunpeng-920", "aarch64", "high")
    assert ident.signals["dmi.processor.version"] == "HUAWEI Kunpeng 920 3210"
    assert "arm.part" not in ident.signals  # lscpu names four parts Kunpeng-920: the name alone picks none
    qemu = (
        "Architecture:            x86_64\nVendor ID:               AuthenticAMD\n  BIOS Vendor ID:        QEMU\n"
        "  Model name:            AMD EPYC 7702P 64-Core Processor\n    BIOS Model name:     pc-q35-8.0  CPU @ 2.0GHz\n"
        "    CPU family:          23\n    Model:               49\n"
    )
    ident = identify_host(facts_of(commands={"lscpu": qemu, "uname-m": "x86_64"}))
    assert ident.components["cpu"].catalog_id == "amd-x86"
    assert ident.components["server"].catalog_id == "virtual-qemu"


def test_server_from_dmidecode_alone() -> None:
    dmidecode = (
        "Handle 0x0001, DMI type 1, 27 bytes\nSystem Information\n\tManufacturer: Huawei\n"
        "\tProduct Name: TaiShan 200 (Model 2280)\n\tVersion: To be filled by O.E.M.\n"
    )
    server = identify_host(facts_of(commands={"dmidecode": dmidecode})).components["server"]
    assert (server.catalog_id, server.model, server.confidence) == (
        "huawei-taishan",
        "TaiShan 200 (Model 2280)",
        "high",
    )
    unknown = dmidecode.replace("Huawei", "Acme Computers").replace("TaiShan 200 (Model 2280)", "X1")
    server = identify_host(facts_of(commands={"dmidecode": unknown})).components["server"]
    assert (server.catalog_id, server.vendor, server.model) == (None, "Acme Computers", "X1")
    assert server.reason.startswith("unknown")


def test_unusable_os_release_says_why() -> None:
    comp = identify_host(Facts(files={"/etc/os-release": b"\x89PNG\r\n\x1a\n\x00\x00binary"})).components["os"]
    assert comp.catalog_id is None and "/etc/os-release has no usable NAME or ID line" in comp.reason
    missing = identify_host(Facts()).components["os"]
    assert missing.reason == "unknown: no os-release or release file was readable"


@pytest.mark.parametrize(
    ("sys_vendor", "product", "expected"),
    [
        ("Huawei", "TaiShan 200 (Model 2280)", "huawei-taishan"),
        ("Huawei", "2288H V5", "huawei"),
        ("Inspur", "CS5280F3", "inspur"),
        ("Inspur", "NF5280M5", "inspur"),
        ("Sugon", "T50P", "sugon"),
        ("New H3C Technologies Co., Ltd.", "UniServer R4900 G3", "h3c"),
        ("Lenovo", "ThinkSystem SR650", "lenovo"),
        ("China Great Wall", "GW-XXXX", "greatwall"),
        ("QEMU", "Standard PC (Q35 + ICH9, 2009)", "virtual-qemu"),
        ("VMware, Inc.", "VMware Virtual Platform", "virtual-vmware"),
    ],
)
def test_server_vendors_from_sysfs(sys_vendor: str, product: str, expected: str) -> None:
    files = {"/sys/class/dmi/id/sys_vendor": sys_vendor + "\n", "/sys/class/dmi/id/product_name": product + " \n"}
    server = identify_host(facts_of(files)).components["server"]
    assert (server.catalog_id, server.model) == (expected, product)


def test_captures_edited_on_windows() -> None:
    # a byte-order mark and CRLF line ends, as a capture saved by a Windows editor has them
    os_release = (
        '\ufeffNAME="Kylin Linux Advanced Server"\r\nVERSION="V10 (Lance)"\r\nID="kylin"\r\nVERSION_ID="V10"\r\n'
    )
    facts = Facts(
        files={
            "/etc/os-release": os_release.encode("utf-8"),
            "/proc/cpuinfo": arm("0x48", "0xd01").replace("\n", "\r\n").encode(),
        },
        commands={"uname-m": "\ufeffaarch64\r\n".encode()},
    )
    ident = identify_host(facts)
    assert ident.components["os"].catalog_id == "kylin-server-v10-sp3"
    assert ident.components["cpu"].catalog_id == "kunpeng-920" and ident.components["cpu"].arch == "aarch64"
    assert ident.consistent


def test_huge_values_are_bounded() -> None:
    long = "PostgreSQL 15.8 " + "9" * 50_000
    facts = facts_of(
        {"/proc/cpuinfo": "processor : 0\nmodel name : " + "Loongson-" * 20_000 + "\n"},
        {"db-version": long, "processes": "/usr/bin/java " + "-Dx=1 " * 20_000 + "com.bes.enterprise.startup.ASMain\n"},
    )
    ident = identify_host(facts)
    assert all(len(v) <= 2000 for v in ident.signals.values())
    assert ident.components["db"].catalog_id == "postgresql"
    assert ident.components["middleware"].catalog_id == "bes"  # the tail (main class) is kept
