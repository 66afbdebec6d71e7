"""Parsers of the server and middleware probes, and middleware detection from documented process lines."""

from __future__ import annotations

import pytest

from harness import catalog
from harness.catalog.pci import vendors
from harness.probes import hardware as hw
from harness.probes import jvm
from harness.probes import middleware as mw

# Command lines built from ReaJason/MemShellParty@82fcd8ae infos/*ContainerTestBasicInfo.txt (sun.java.command,
# java.class.path and the -D properties those dumps show), xcert refdata README section 4
LINES = {
    "tongweb7": (
        "/opt/jdk/bin/java -Dtongweb.home=/opt/tweb7 -Dtongweb.base=/opt/tweb7 -Dserver.tongweb.license.type=file "
        "-cp /opt/tweb7/lib/bootstrap.jar:/opt/tweb7/lib/license-client.jar com.tongweb.web.thor.startup.ThorBootstrap start",
        "tongweb",
        None,
        "/opt/tweb7",
    ),
    "tongweb8": (
        "/opt/jdk/bin/java -Dtongweb.home=/opt/tweb8 -Dtongweb.base=/opt/tweb8/domains/domain1 "
        "-jar /opt/tweb8/version8.0.6.2/boot/tongweb-bootstrap.jar startd",
        "tongweb",
        "8.0.6.2",
        "/opt/tweb8",
    ),
    "bes952": (
        "/usr/local/openjdk-8/bin/java -Dcom.bes.installRoot=/opt/bes -Dcom.bes.instanceRoot=/opt/bes "
        "-cp /opt/bes/patch/V9.5.2.4703.010.core.jar:/opt/bes/lib/bootstrap.jar com.bes.enterprise.startup.ASMain "
        "-instancedir /opt/bes -verbose true -debug false -instancename server start",
        "bes",
        "9.5.2",
        "/opt/bes",
    ),
    "apusic9": (
        "/opt/jdk/bin/java -Dcom.apusic.home=/usr/local/ass -cp /usr/local/ass/lib/apusic.jar com.apusic.server.Main -root /usr/local/ass",
        "apusic",
        "9",
        "/usr/local/ass",
    ),
    "apusic10": (
        "/opt/jdk/bin/java -Dcom.apusic.aas.installRoot=/usr/local/apusic/aas -cp /usr/local/apusic/aas/modules/aas.jar "
        "com.apusic.enterprise.aas.bootstrap.AASMain -upgrade false -domaindir /usr/local/apusic/aas/domains/mydomain",
        "apusic",
        "10",
        "/usr/local/apusic/aas",
    ),
    "inforsuite10": (
        "/opt/jdk/bin/java -Dcom.cvicse.loong.las.installRoot=/usr/local/inforsuite/as -cp "
        "/usr/local/inforsuite/as/modules/inforsuite.jar com.cvicse.loong.enterprise.inforsuite.bootstrap.ASMain "
        "-upgrade false -domaindir /usr/local/inforsuite/as/domains/domain1",
        "inforsuite",
        None,
        "/usr/local/inforsuite/as",
    ),
    "tomcat-debian": (
        "/usr/bin/java -Djava.util.logging.config.file=/var/lib/tomcat10/conf/logging.properties -Xmx256m "
        "-classpath /usr/share/tomcat10/bin/bootstrap.jar:/usr/share/tomcat10/bin/tomcat-juli.jar "
        "-Dcatalina.base=/var/lib/tomcat10 -Dcatalina.home=/usr/share/tomcat10 org.apache.catalina.startup.Bootstrap start",
        "tomcat",
        "10",
        "/usr/share/tomcat10",
    ),
}


@pytest.mark.parametrize("name", sorted(LINES))
def test_each_product_is_detected_from_its_jvm(name: str) -> None:
    line, product, version, home = LINES[name]
    server = mw.server_of(mw.Jvm("1", "app", "/opt/jdk/bin/java", "/", line))
    assert server is not None
    assert (server.product, server.version, server.home) == (product, version, home)


def test_the_apusic_version_is_no_longer_its_package_name() -> None:
    entry = next(e for e in catalog.load("middleware") if e.id == "apusic")
    line = LINES["apusic10"][0]
    assert entry.version({"proc.args": line, "java.main": "com.apusic.enterprise.aas.bootstrap.AASMain"}) is None
    assert entry.version({"proc.args": "/opt/apusic-9.0.1/bin/java com.apusic.server.Main"}) == "9.0.1"


def test_install_directories_and_their_version_files() -> None:
    text = (
        "== dir=/opt/tweb8\nls .: version8.0.6.2\nls .: bin\n"
        "== dir=/opt/bes\nls lib: bes-engine.jar\nls patch: V9.5.5.4703.001.core.jar\n"
        "== dir=/usr/share/tomcat10\nls lib: catalina.jar\nfile ServerInfo: server.info=Apache Tomcat/10.1.60 (Debian)\n"
        "file ServerInfo: server.number=10.1.60.0\n"
        "== dir=/usr/local/ass\nls lib: apusic.jar\n"
        "== dir=/opt/inforsuite\nls as/modules: inforsuite.jar\n"
        "== dir=/opt/bes-empty\nls .: README\n"
    )
    found = {(s.product, s.version, s.home) for s in mw.installed_servers(text)}
    assert found == {
        ("tongweb", "8.0.6.2", "/opt/tweb8"),
        ("bes", "9.5.5", "/opt/bes"),
        ("tomcat", "10.1.60", "/usr/share/tomcat10"),
        ("apusic", None, "/usr/local/ass"),
        ("inforsuite", None, "/opt/inforsuite"),
    }


def test_listeners_and_the_server_header() -> None:
    text = "== listen=[::ffff:10.0.0.1]:8080 port=8080\nhttp: HTTP/1.1 200\nhttp: Server: TongWeb\n== listen=*:9060 port=9060\n"
    a, b = mw.parse_http(text)
    assert a.answers and a.server_header == "TongWeb" and not a.all_interfaces
    assert not b.answers and b.all_interfaces


@pytest.mark.parametrize(
    ("jar", "key", "version"),
    [
        ("DmJdbcDriver18.jar", "dameng", "18"),
        ("kingbase8-8.6.0.jar", "kingbase", "8.6.0"),
        ("opengauss-jdbc-5.0.0.jar", "opengauss", "5.0.0"),
        ("oceanbase-client-2.4.9.jar", "oceanbase", "2.4.9"),
        ("mysql-connector-j-8.3.0.jar", "mysql", "8.3.0"),
        ("postgresql-42.5.5.jar", "postgresql", "42.5.5"),
    ],
)
def test_jdbc_drivers_and_their_versions(jar: str, key: str, version: str) -> None:
    found = mw.find_driver([mw.Jar(f"/opt/x/lib/{jar}", f"/opt/x/lib/{jar}")], key)
    assert found is not None and found[1] == version


def test_the_driver_a_database_needs() -> None:
    assert mw.driver_key({"family": "postgresql", "product": "kingbase"}) == "kingbase"
    assert mw.driver_key({"family": "mysql", "product": "oceanbase"}) == "oceanbase"
    assert mw.driver_key({"family": "dameng"}) == "dameng"
    assert mw.driver_key({"family": "postgresql", "product": "postgresql"}) == "postgresql"


def test_elf_machine_and_java_versions() -> None:
    assert jvm.elf_arch("7f 45 4c 46 02 01 01 00 00 00 00 00 00 00 00 00 02 00 b7 00") == "aarch64"
    assert jvm.elf_arch("7f 45 4c 46 02 01 01 00 00 00 00 00 00 00 00 00 02 00 02 01") == "loongarch64"
    assert jvm.elf_arch("not an elf") is None
    assert jvm.java_major("1.8.0_342") == 8 and jvm.java_major("17.0.15") == 17
    assert jvm.heap_max_bytes("java -Xmx1g -Xmx256m x") == 256 * 1024**2
    assert jvm.heap_max_bytes("java x") is None
    assert jvm.norm_arch("amd64") == "x86_64"


def test_platform_kinds() -> None:
    assert hw.parse_platform("vm=none\ncontainer=docker\n").kind == "container"
    assert hw.parse_platform("vm=kvm\ncontainer=none\n") == hw.Platform("vm", "kvm")
    assert hw.parse_platform("vm=none\ncontainer=none\n").kind == "physical"


def test_ecc_from_widths_and_from_the_array() -> None:
    dimm = "Handle 0x1100, DMI type 17, 84 bytes\nMemory Device\n\tTotal Width: 64 bits\n\tData Width: 64 bits\n\tSize: 8 GB\n\tLocator: A1\n"
    assert hw.ecc_state(dimm)[0] is False
    array = "Handle 0x1000, DMI type 16, 23 bytes\nPhysical Memory Array\n\tUse: System Memory\n\tError Correction Type: Multi-bit ECC\n"
    assert hw.ecc_state(array + "\n" + dimm)[0] is True


def test_mdstat_bonding_edac_and_pci() -> None:
    arrays, _ = hw.parse_mdstat("== mdstat\nmd0 : active raid1 sdb1[1](F) sda1[0]\n      1 blocks [2/1] [U_]\n== pci\n")
    assert arrays == {"md0": "U_"}
    (bond,) = hw.parse_bonding("== bond0\nMII Status: up\nSlave Interface: eth0\nMII Status: down\n")
    assert bond.status == "up" and bond.slaves == {"eth0": "down"}
    assert hw.parse_edac("edac: absent\n") is None
    assert hw.parse_edac("mc0 ce=1 ue=0 name=x\n") == [hw.EdacController("mc0", 1, 0, "x")]
    (dev,) = hw.parse_pci("0000:03:00.0 vendor=0x1ED5 device=0x0100 class=0x030000 driver=\n")
    assert dev.vendor == "1ed5" and vendors()[dev.vendor].zh == "摩尔线程"


def test_every_pci_vendor_has_a_source() -> None:
    assert {"1db7", "19e5", "1d94", "1d17", "0014", "0731", "1ed5"} <= set(vendors())
    assert all(v.source for v in vendors().values())
