"""Which databases run on the certified host itself."""

from __future__ import annotations

from harness.db.targets import DbTarget
from harness.db.verdict import served_by_host


def _t(host: str, tunnel: bool = False) -> DbTarget:
    return DbTarget(name="t", family="postgresql", host=host, port=5432, user="u", tunnel=tunnel)


def test_served_by_host() -> None:
    assert served_by_host(_t("10.0.0.5"), "10.0.0.5", "ssh")
    assert served_by_host(_t("127.0.0.1"), "localhost", "local")
    assert served_by_host(_t("127.0.0.1", tunnel=True), "10.0.0.5", "ssh")
    assert not served_by_host(_t("10.0.0.9"), "10.0.0.5", "ssh")
    assert not served_by_host(_t("127.0.0.1"), "10.0.0.5", "ssh")
