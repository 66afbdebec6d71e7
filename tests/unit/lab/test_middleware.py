"""The lab Tomcat's generated configuration: well-formed XML whatever the values, ports as declared."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from harness.lab import middleware as mw


def test_server_xml_binds_the_management_port_to_loopback() -> None:
    root = ET.fromstring(mw._server_xml("10.213.0.11", 'a"b<c'))
    assert root.get("port") == "8005" and root.get("address") == "127.0.0.1" and root.get("shutdown") == 'a"b<c'
    ports = {c.get("port"): c.get("address") for c in root.iter("Connector")}
    assert ports == {"8080": "10.213.0.11", "8443": "10.213.0.11"}


def test_context_xml_declares_one_datasource_per_lab_database() -> None:
    dbs = [
        {
            "name": "postgresql",
            "product": "postgresql",
            "host": "10.213.0.11",
            "port": 5432,
            "database": "postgres",
            "user": "xcert",
            "password": 'p"&<',
        },
        {"name": "other", "product": "dameng", "host": "10.213.0.11", "port": 5236},
    ]
    root = ET.fromstring(mw._context_xml(dbs))
    (res,) = root.iter("Resource")
    assert res.get("url") == "jdbc:postgresql://10.213.0.11:5432/postgres"
    assert res.get("driverClassName") == "org.postgresql.Driver" and res.get("password") == 'p"&<'


def test_the_heap_is_bounded() -> None:
    assert "-Xmx256m" in mw.JAVA_OPTS.split()
