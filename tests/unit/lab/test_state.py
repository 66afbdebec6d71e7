"""Lab state: addresses in the subnet, names of labs side by side, the sshd start script."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from harness.lab import host as labhost
from harness.lab.state import LabHost, LabState, bridge_name, default_subnet, load_state, ns_prefix, save_state


def test_addresses_and_gateway() -> None:
    state = LabState(subnet="10.213.0.0/24")
    assert state.gateway == "10.213.0.1" and state.prefixlen == 24
    assert [state.address_for(i) for i in (1, 2, 8)] == ["10.213.0.11", "10.213.0.12", "10.213.0.18"]
    with pytest.raises(ValueError):
        LabState(subnet="10.213.0.0/28").address_for(8)


def test_labs_side_by_side_get_their_own_names(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("XCERT_LAB_DIR", raising=False)
    default = (bridge_name(), ns_prefix(), default_subnet())
    assert default == ("xclab0", "xclab-", "10.213.0.0/24")
    monkeypatch.setenv("XCERT_LAB_DIR", str(tmp_path))
    other = (bridge_name(), ns_prefix(), default_subnet())
    assert all(a != b for a, b in zip(default, other, strict=True))
    assert len(bridge_name()) <= 15  # an interface name


def test_state_round_trip(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XCERT_LAB_DIR", str(tmp_path))
    state = LabState(hosts=[LabHost("lab1", "ns1", "v1", "10.213.0.11", identity="uos-20", pid=42)])
    save_state(state)
    loaded = load_state()
    assert loaded is not None and loaded.hosts[0].identity == "uos-20" and loaded.hosts[0].pid == 42


def test_start_script_quotes_paths_and_binds_identity(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, refdata: Path
) -> None:
    monkeypatch.setenv("XCERT_LAB_DIR", str(tmp_path / "odd dir"))
    host = LabHost("lab1", "ns1", "v1", "10.213.0.11", arch="aarch64", identity="kunpeng920-kylin-v10", root="/r t")
    script = labhost._start_script(LabState(), host)
    assert "hostname lab1" in script
    assert "'/r t/etc'" in script  # the overlay goes over the aarch64 root's /etc, quoted
    assert "mount --bind" in script and "'/r t/proc/cpuinfo'" in script
    assert script.rstrip().splitlines()[-1].startswith("exec chroot '/r t' /usr/sbin/sshd -D")


def test_only_our_own_unshare_is_ever_killed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XCERT_LAB_DIR", str(tmp_path))
    host = LabHost("lab1", "ns1", "v1", "10.213.0.11")
    assert not labhost.is_ours(1, host)  # pid 1 in a pid file is never killed
    assert not labhost.is_ours(None, host)
    assert not labhost.is_ours(os.getpid(), host)  # a live process that is not the host's
    assert not labhost.stop_pid(os.getpid(), host)
