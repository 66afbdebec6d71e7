"""``testinfra_hosts`` pointed at the host being certified (harness.usersuite.plugin.host_matches)."""

from __future__ import annotations

from harness.usersuite.plugin import host_matches

ME = ["lab1", "10.213.0.11"]
EVERYONE = ["lab1", "10.213.0.11", "lab2", "10.213.0.12"]


def test_names_and_specs_of_this_host_match() -> None:
    for entries in (["lab1"], ["ssh://xcert@lab1:22"], ["ansible://lab1?force_ansible=True"], ["paramiko://10.213.0.11"],
                    ["all"], ["ansible://all"], ["*"], ["lab[12]"], ["lab2", "lab1"]):
        assert host_matches(entries, ME, EVERYONE) is True, entries


def test_a_list_naming_only_other_hosts_of_the_run_does_not_apply() -> None:
    assert host_matches(["lab2"], ME, EVERYONE) is False
    assert host_matches(["ssh://root@10.213.0.12"], ME, EVERYONE) is False


def test_molecule_instance_names_mean_the_certified_host() -> None:
    assert host_matches(["instance"], ME, EVERYONE) is True
    assert host_matches(["docker://instance-1", "instance-2"], ME, EVERYONE) is True


def test_an_empty_list_is_reported_as_such() -> None:
    assert host_matches([], ME, EVERYONE) is None
