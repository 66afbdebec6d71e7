"""Snapshot hosts for the server and middleware checks' pass/fail tests: probe answers from real captures
(servermw_captures/, each with its source) and, where none exists, constructed from documented layouts."""

from __future__ import annotations

from pathlib import Path

from tests import snapshot_hosts

CAPTURES = Path(__file__).resolve().parent / "servermw_captures"


def capture(name: str) -> str:
    return snapshot_hosts.capture(name, CAPTURES)


def hwloc_sysfs(refdata: Path) -> str:
    """The srv-dmi-sysfs answer of the hwloc Kunpeng 920 server (Huawei XA320 V2): its /sys/class/dmi/id files."""
    wanted = [
        "bios_vendor",
        "bios_version",
        "bios_date",
        "bios_release",
        "sys_vendor",
        "product_name",
        "product_version",
        "product_family",
        "board_vendor",
        "board_name",
        "board_version",
        "chassis_vendor",
        "chassis_type",
        "chassis_version",
    ]
    lines = (refdata / "dmi-id-huawei-xa320v2-kunpeng920-hwloc.txt").read_text(encoding="utf-8").splitlines()[1:]
    values = dict(line.split("=", 1) for line in lines if "=" in line)
    return "".join(f"{k}={values[k]}\n" for k in wanted if k in values)


# dmidecode types 0-2 written in dmidecode's layout from the same server's sysfs values
HUAWEI_DMIDECODE = """# dmidecode 3.2
Handle 0x0000, DMI type 0, 26 bytes
BIOS Information
\tVendor: Huawei Corp.
\tVersion: 0.86
\tRelease Date: 07/19/2019

Handle 0x0001, DMI type 1, 27 bytes
System Information
\tManufacturer: Huawei
\tProduct Name: XA320 V2
\tSerial Number: ***

Handle 0x0002, DMI type 2, 15 bytes
Base Board Information
\tManufacturer: Huawei
\tProduct Name: BC82HPNBB
\tVersion: V200R002C00
"""

# ipmitool sensor's columns (ipmitool(1) "sensor list"): name | reading | unit | status | thresholds
SENSORS_OK = (
    "CPU1 Temp        | 45.000     | degrees C  | ok    | na        | 0.000     | 0.000     | 95.000    | 98.000    | na\n"
    "FAN1 Speed       | 5160.000   | RPM        | ok    | na        | 240.000   | na        | na        | na        | na\n"
)
SENSORS_BAD = SENSORS_OK + (
    "PSU1 Vin         | 0.000      | Volts      | cr    | na        | 176.000   | na        | 264.000   | na        | na\n"
)

# lsblk -dn -P -o NAME,TYPE,SIZE,MODEL,REV,VENDOR,ROTA,TRAN (lsblk(8) pairs output)
LSBLK = (
    'NAME="sda" TYPE="disk" SIZE="1.8T" MODEL="ST2000NM0055-1V4104" REV="SN05" VENDOR="ATA     " ROTA="1" TRAN="sata"\n'
)
SMART_OK = "== /dev/sda\nDevice Model:     ST2000NM0055-1V4104\nFirmware Version: SN05\nSMART overall-health self-assessment test result: PASSED\n"
SMART_BAD = SMART_OK.replace("PASSED", "FAILED!")
# /proc/mdstat as Documentation/admin-guide/md.rst shows it
MDSTAT_OK = "== mdstat\nPersonalities : [raid1]\nmd0 : active raid1 sdb1[1] sda1[0]\n      976630464 blocks super 1.2 [2/2] [UU]\n\nunused devices: <none>\n== pci\n"
MDSTAT_BAD = MDSTAT_OK.replace("[2/2] [UU]", "[2/1] [U_]")
# /proc/net/bonding/bond0 as Documentation/networking/bonding.rst shows it
BOND_OK = (
    "== bond0\nEthernet Channel Bonding Driver: v3.7.1\n\nBonding Mode: fault-tolerance (active-backup)\n"
    "Primary Slave: None\nCurrently Active Slave: eth0\nMII Status: up\nMII Polling Interval (ms): 100\n\n"
    "Slave Interface: eth0\nMII Status: up\nLink Failure Count: 0\n\nSlave Interface: eth1\nMII Status: up\n"
)
BOND_BAD = BOND_OK.replace("Slave Interface: eth1\nMII Status: up", "Slave Interface: eth1\nMII Status: down")

# a Dell-style physical memory array record (DSP0134 type 16) without ECC
NO_ECC_ARRAY = (
    "Handle 0x1000, DMI type 16, 23 bytes\nPhysical Memory Array\n\tLocation: System Board Or Motherboard\n"
    "\tUse: System Memory\n\tError Correction Type: None\n\tNumber Of Devices: 24\n\n"
)

SERVER_GOOD = {
    "srv-platform": "vm=none\ncontainer=none\ndmi=yes\n",
    "srv-dmidecode": HUAWEI_DMIDECODE,
    "srv-boot": "mode=uefi\nplatform_size=64\nsecureboot=0\n",
    "srv-ipmi-mc": "/dev/ipmi0\n" + capture("ipmi-mc-info-hp-proliant.txt") + "ipmitool_rc=0\n",
    "srv-ipmi-sensors": SENSORS_OK + "ipmitool_rc=0\n",
    "srv-ipmi-psu": "".join(capture("ipmi-sdr-psu-hp-proliant.txt").splitlines(keepends=True)[1:]) + "ipmitool_rc=0\n",
    "srv-ipmi-sel": capture("ipmi-sel-hp-proliant.txt") + "ipmitool_rc=0\n",
    "srv-dmidecode-memory": capture("dmidecode-memory-dell.txt"),
    "srv-edac": "mc0 ce=3 ue=0 name=hisi_ddrc\n",
    "srv-mce": "source=dmesg\n",
    "srv-disks": LSBLK,
    "srv-smart": SMART_OK,
    "srv-nvme": "nvme0|model=HWE52P431T6M002N |fw=1060    |state=live\n",
    "srv-raid": MDSTAT_OK,
    "srv-nics": "enp125s0f0|driver=hns3|speed=10000|duplex=full|operstate=up|fw=1.9.38.24\nlo|virtual=yes\n",
    "srv-bonding": BOND_OK,
    "srv-pci": (
        "0000:7d:00.0 vendor=0x19e5 device=0xa222 class=0x020000 driver=hns3\n"
        "0000:00:08.0 vendor=0x19e5 device=0xa120 class=0x060400 driver=pcieport\n"
    ),
    "srv-tpm": "tpm0 version=2\n/dev/tpm0\n/dev/tpmrm0\n",
    "srv-kdump": "crashkernel=crashkernel=1024M,high\nloaded=1\nenabled=kdump.service\nconf=/etc/kdump.conf\n",
    "srv-watchdog": "watchdog0|identity=SBSA Generic Watchdog|state=active|timeout=10\n/dev/watchdog0\n",
}

SERVER_BAD = {
    "srv-platform": "vm=none\ncontainer=none\ndmi=yes\n",
    # sysfs of one Huawei server (hwloc's XA320 V2), dmidecode of another (a Kylin A800I A2): they contradict
    "srv-dmi-sysfs": "sys_vendor=Huawei\nproduct_name=XA320 V2\nbios_date=2019-07-19\n",
    "srv-dmidecode": capture("dmidecode-system-huawei-a800i-a2-kylin.txt"),
    "srv-boot": "mode=legacy\n",
    "srv-ipmi-mc": capture("ipmi-no-device.txt") + "ipmitool_rc=1\n",
    "srv-ipmi-sensors": SENSORS_BAD + "ipmitool_rc=0\n",
    "srv-ipmi-psu": capture("ipmi-sdr-psu-hp-proliant.txt") + "ipmitool_rc=0\n",
    "srv-ipmi-sel": (
        capture("ipmi-sel-hp-proliant.txt")
        + "   2 | 11/04/2021 | 02:11:09 | Memory #0x2b | Uncorrectable ECC | Asserted\nipmitool_rc=0\n"
    ),
    "srv-dmidecode-memory": NO_ECC_ARRAY
    + capture("dmidecode-memory-dell.txt").replace(
        "Locator: A2\n\tBank Locator: Not Specified\n\tType: DDR4\n\tType Detail: Synchronous Registered (Buffered)\n"
        "\tSpeed: 3200 MT/s\n\tManufacturer: 002C0632002C\n\tSerial Number: ***\n\tAsset Tag: ***\n\tPart Number: ***\n"
        "\tRank: 2\n\tConfigured Memory Speed: 2666 MT/s",
        "Locator: A2\n\tBank Locator: Not Specified\n\tType: DDR4\n\tType Detail: Synchronous Registered (Buffered)\n"
        "\tSpeed: 3200 MT/s\n\tManufacturer: 002C0632002C\n\tSerial Number: ***\n\tAsset Tag: ***\n\tPart Number: ***\n"
        "\tRank: 2\n\tConfigured Memory Speed: 2400 MT/s",
    ),
    "srv-edac": "mc0 ce=1042 ue=2 name=Skylake Socket#0 IMC#0\n",
    "srv-mce": "source=dmesg\n[ 1211.012345] mce: [Hardware Error]: Machine check events logged\n",
    "srv-disks": "",
    "srv-smart": SMART_BAD,
    "srv-nvme": "nvme0|model=HWE52P431T6M002N |fw=1060    |state=dead\n",
    "srv-raid": MDSTAT_BAD,
    "srv-nics": "enp125s0f0|driver=|speed=-1|duplex=unknown|operstate=down|fw=\nlo|virtual=yes\n",
    "srv-bonding": BOND_BAD,
    "srv-pci": "0000:03:00.0 vendor=0x0731 device=0x9100 class=0x030000 driver=\n",
    "srv-tpm": "",
    "srv-kdump": "crashkernel=\nloaded=0\n",
    "srv-watchdog": "watchdog0|identity=Software Watchdog|state=inactive|timeout=60\n",
}

SERVER_NO_DMI = {
    "srv-platform": "vm=none\ncontainer=none\n",
    "srv-dmi-sysfs": "",
    "srv-dmidecode": "dmidecode: not installed\n",
    "srv-dmidecode-memory": "# dmidecode 3.2\nGetting SMBIOS data from sysfs.\n",
}
CONTAINER = {"srv-platform": "vm=kvm\ncontainer=docker\nhypervisor=yes\ndockerenv=yes\n"}

# A BES 9.5.2 server as MemShellParty's Bes952ContainerTestBasicInfo.txt shows it (its sun.java.command,
# java.class.path and com.bes.* properties), on an aarch64 JDK 8
BES_CMD = (
    "/usr/local/openjdk-8/bin/java -Xms1g -Xmx2g -Dcom.bes.installRoot=/opt/bes -Dcom.bes.instanceRoot=/opt/bes "
    "-Dbes.home=/opt/bes -Dcom.bes.javaRoot=/usr/local/openjdk-8 -Djavax.net.ssl.keyStorePassword=*** "
    "-cp /opt/bes/patch/V9.5.2.4703.010.core.jar:/opt/bes/patch/V9.5.2.4703.009.core.jar:/opt/bes/lib/bootstrap.jar"
    ":/opt/bes/lib/bes-license.jar com.bes.enterprise.startup.ASMain -instancedir /opt/bes -verbose true -debug false "
    "-instancename server start"
)
ELF_AARCH64 = "7f 45 4c 46 02 01 01 00 00 00 00 00 00 00 00 00 02 00 b7 00"
ELF_X86_64 = "7f 45 4c 46 02 01 01 00 00 00 00 00 00 00 00 00 02 00 3e 00"
JVM_INFO_AARCH64 = (
    "== pid=4242 exe=/usr/local/openjdk-8/jre/bin/java\nelf=" + ELF_AARCH64 + "\n"
    'release: JAVA_VERSION="1.8.0_342"\nrelease: OS_ARCH="aarch64"\nrelease: IMPLEMENTOR="Temurin"\n'
    "    java.home = /usr/local/openjdk-8/jre\n    java.vendor = Oracle Corporation\n    java.version = 1.8.0_342\n"
    "    os.arch = aarch64\n    sun.arch.data.model = 64\n"
)

MW_GOOD = {
    "mw-jvms": f"== pid=4242 user=bes exe=/usr/local/openjdk-8/jre/bin/java cwd=/opt/bes/conf\n{BES_CMD}\n",
    "mw-jvm-info": JVM_INFO_AARCH64,
    "mw-install": (
        "== dir=/opt/bes\nls .: bin\nls .: conf\nls .: lib\nls .: patch\nls lib: bootstrap.jar\nls lib: bes-engine.jar\n"
        "ls lib: bes-license.jar\nls patch: V9.5.2.4703.009.core.jar\nls patch: V9.5.2.4703.010.core.jar\n"
    ),
    "mw-http": (
        "== listen=0.0.0.0:8080 port=8080\nhttp: HTTP/1.1 200 OK\nhttp: Server: BES\n"
        "== listen=0.0.0.0:8443 port=8443\nhttp: HTTP/1.1 400\ntls: Peer signature type: SM2\n"
        "tls: New, TLSv1.3, Cipher is TLS_SM4_GCM_SM3\ntls:     Protocol  : TLSv1.3\n"
        "== listen=127.0.0.1:1900 port=1900\nhttp: HTTP/1.1 302 Found\n"
    ),
    "mw-listen": (
        'LISTEN 0 100 0.0.0.0:8080 0.0.0.0:* users:(("java",pid=4242,fd=80))\n'
        'LISTEN 0 100 0.0.0.0:8443 0.0.0.0:* users:(("java",pid=4242,fd=81))\n'
        'LISTEN 0 100 127.0.0.1:1900 0.0.0.0:* users:(("java",pid=4242,fd=82))\n'
    ),
    "mw-libs": "jar /opt/bes/lib/DmJdbcDriver18.jar -> /opt/bes/lib/DmJdbcDriver18.jar\njar /opt/bes/lib/bootstrap.jar -> /opt/bes/lib/bootstrap.jar\n",
    "mw-datasources": "ds file=/opt/bes/conf/server.config url=jdbc:dm://127.0.0.1:5236 host=127.0.0.1 port=5236 reach=open\n",
    "mw-logs": "logs pid=4242 user=bes groups=bes dir=/opt/bes/logs stat=bes:bes:755\n",
    "mw-units": "/usr/lib/systemd/system/bes.service\n/etc/systemd/system/multi-user.target.wants/bes.service\n",
}

MW_BAD = {
    "mw-jvms": MW_GOOD["mw-jvms"].replace("-Xmx2g", "-Xmx512g"),
    "mw-jvm-info": (
        "== pid=4242 exe=/usr/local/openjdk-8/jre/bin/java\nelf=" + ELF_X86_64 + '\nrelease: OS_ARCH="aarch64"\n'
    ),
    "mw-install": MW_GOOD["mw-install"]
    .replace("V9.5.2.4703.010", "V9.5.5.4703.010")
    .replace("V9.5.2.4703.009", "V9.5.5.4703.009"),
    "mw-http": "== listen=0.0.0.0:8443 port=8443\n== listen=0.0.0.0:1900 port=1900\n",
    "mw-listen": (
        'LISTEN 0 100 0.0.0.0:8443 0.0.0.0:* users:(("java",pid=4242,fd=81))\n'
        'LISTEN 0 100 0.0.0.0:1900 0.0.0.0:* users:(("java",pid=4242,fd=82))\n'
    ),
    "mw-libs": "jar /opt/bes/lib/bootstrap.jar -> /opt/bes/lib/bootstrap.jar\n",
    "mw-datasources": "ds file=/opt/bes/conf/server.config url=jdbc:dm://127.0.0.1:1 host=127.0.0.1 port=1 reach=closed\n",
    "mw-logs": "logs pid=4242 user=bes groups=bes dir=/opt/bes/logs stat=root:root:755\n",
    "mw-units": "",
}

# a JVM that is no catalogued server, and a Tomcat 10.1 install it does not run from
MW_OTHER = {
    "mw-jvms": "== pid=77 user=app exe=/usr/bin/java cwd=/srv/app\n/usr/bin/java -jar /srv/app/app.jar\n",
    "mw-install": "",
}

BES_TARGET = (
    "      xc_middleware: bes\n"
    "      xc_middleware_targets:\n"
    "        - {name: bes, product: bes, home: /opt/bes, http_port: 8080, https_port: 8443, admin_port: 1900,"
    " unit: bes.service, databases: [dm8]}\n"
    "      xc_db_targets:\n"
    "        - {name: dm8, family: dameng, product: dameng, host: 127.0.0.1, port: 5236, user: SYSDBA, password: x}\n"
)

# Debian's Tomcat 10.1 (as the lab runs it) on a Java 8 JVM: below the minimum tomcat.apache.org gives
TOMCAT_ON_JAVA8 = {
    "mw-jvms": (
        "== pid=22 user=tomcat exe=/usr/lib/jvm/java-8-openjdk-arm64/jre/bin/java cwd=/var/lib/tomcat10\n"
        "/usr/lib/jvm/java-8-openjdk-arm64/jre/bin/java -Xmx256m -Dcatalina.base=/var/lib/tomcat10 "
        "-Dcatalina.home=/usr/share/tomcat10 org.apache.catalina.startup.Bootstrap start\n"
    ),
    "mw-jvm-info": JVM_INFO_AARCH64.replace("pid=4242", "pid=22"),
    "mw-install": (
        "== dir=/usr/share/tomcat10\nls lib: catalina.jar\nfile ServerInfo: server.info=Apache Tomcat/10.1.60 (Debian)\n"
    ),
}
TOMCAT_TARGET = (
    "      xc_middleware: tomcat\n"
    "      xc_middleware_targets:\n"
    "        - {product: tomcat, home: /usr/share/tomcat10, base: /var/lib/tomcat10}\n"
)
