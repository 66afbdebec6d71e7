"""The pure parsers on the shapes real hosts print."""

from __future__ import annotations

from harness.probes.arch import arch_tokens, canonical, compatible, cpuinfo_isa
from harness.probes.db_version import clean_version_output
from harness.probes.dmi import dmi_signals, parse_dmidecode
from harness.probes.processes import java_main, parse_processes
from harness.probes.release_files import parse_ini

DMIDECODE = """# dmidecode 3.3
Getting SMBIOS data from sysfs.
SMBIOS 3.2.0 present.

Handle 0x0001, DMI type 1, 27 bytes
System Information
\tManufacturer: Huawei
\tProduct Name: TaiShan 200 (Model 2280)
\tVersion: To be filled by O.E.M.

Handle 0x0004, DMI type 4, 48 bytes
Processor Information
\tSocket Designation: BGA3576
\tManufacturer: PHYTIUM
\tFamily: <OUT OF SPEC>
\tID: 00 00 00 00 70 1F 66 22
\tVersion: FT2500
\tCore Count: 64

Handle 0x0005, DMI type 4, 48 bytes
Processor Information
\tManufacturer: PHYTIUM
\tVersion: FT2500
"""


def test_dmidecode_records_and_flat_view() -> None:
    records = parse_dmidecode(DMIDECODE)
    assert records[1][0]["Product Name"] == "TaiShan 200 (Model 2280)"
    flat = dmi_signals(DMIDECODE, {"sys_vendor": "Huawei\n", "product_version": "To be filled by O.E.M.\n"})
    assert flat["sys_vendor"] == "Huawei" and flat["product_name"] == "TaiShan 200 (Model 2280)"
    assert "product_version" not in flat  # a firmware placeholder identifies nothing
    assert flat["processor.version"] == "FT2500" and flat["processor.core_count"] == "64"
    assert flat["processor.sockets"] == "2" and "processor.family" not in flat


def test_arch_names() -> None:
    assert canonical("arm64") == "aarch64" and canonical("loong64") == "loongarch64" and canonical(" ") is None
    assert compatible("x86_64", "x86") and compatible("aarch64", "arm") and not compatible("x86_64", "aarch64")
    assert arch_tokens("4.19.90-24.4.v2101.ky10.x86_64") == {"x86_64"}
    assert arch_tokens("KingbaseES V008R006 on aarch64-unknown-linux-gnu") == {"aarch64"}
    assert arch_tokens("name=Kylin-Server arch=arm64 mips64el") == {"aarch64", "mips64"}
    assert arch_tokens("sw_64 build") == {"sw_64"} and arch_tokens("marm64x") == set()


def test_cpuinfo_isa_by_kernel_port() -> None:
    assert cpuinfo_isa({"cpu implementer": "0x70", "cpu architecture": "8"}) == "aarch64"
    assert cpuinfo_isa({"cpu family": "Loongson-64bit", "isa": "loongarch32 loongarch64"}) == "loongarch64"
    assert cpuinfo_isa({"cpu model": "Loongson-3 V0.4  FPU V0.1", "isa": "mips64r2"}) == "mips64"
    assert cpuinfo_isa({"vendor_id": "sunway", "flags": "fpu simd vpn upn cpuid"}) == "sw_64"
    assert cpuinfo_isa({"vendor_id": "Shanghai", "cpu family": "7", "flags": "fpu lm"}) == "x86_64"
    assert cpuinfo_isa({}) is None


def test_java_main_class_or_jar() -> None:
    assert java_main("java -Xmx1g -cp a.jar:b.jar com.x.Main arg") == "com.x.Main"
    assert java_main("/opt/jdk/bin/java -Dx=1 -jar /opt/tweb8/boot/tongweb-bootstrap.jar startd") == (
        "/opt/tweb8/boot/tongweb-bootstrap.jar"
    )
    assert java_main("root 1 0 0 10:00 ? 00:00:01 /usr/bin/java -classpath x com.bes.enterprise.startup.ASMain") == (
        "com.bes.enterprise.startup.ASMain"
    )
    assert java_main("/usr/sbin/dmserver path=/opt/dm.ini") is None
    assert parse_processes("\n  a  \n\nb\n") == ["a", "b"]


def test_ini_files() -> None:
    osv = "[Version]\nSystemName=UnionTech OS Server\nMajorVersion=20\n# comment\n"
    assert parse_ini(osv) == {"SystemName": "UnionTech OS Server", "MajorVersion": "20"}
    kyinfo = "[dist]\nname=Kylin-Server\nmilestone=10-SP1-Release-Build04-20200711\narch=arm64\n[os]\nterm=2023-04-12\n"
    assert parse_ini(kyinfo)["arch"] == "arm64" and parse_ini(kyinfo)["term"] == "2023-04-12"


def test_version_outputs_as_clients_print_them() -> None:
    psql = " version\n---------\n PostgreSQL 15.8 (Debian 15.8-0+deb12u1) on x86_64-pc-linux-gnu, 64-bit\n(1 row)\n"
    assert clean_version_output(psql).startswith("PostgreSQL 15.8 (Debian")
    mysql = (
        "+-----------+\n| VERSION() |\n+-----------+\n| 8.0.11-TiDB-v7.5.0 |\n+-----------+\n1 row in set (0.00 sec)\n"
    )
    assert clean_version_output(mysql) == "8.0.11-TiDB-v7.5.0"
    disql = "LINEID     BANNER\n---------- ----\n1          DM Database Server 64 V8\n2          DB Version: 0x7000c\n"
    assert clean_version_output(disql) == "DM Database Server 64 V8 DB Version: 0x7000c"
