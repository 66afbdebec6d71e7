from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from harness.errors import InputError
from harness.waivers import apply_waivers, parse_waivers

GOOD = """\
waivers:
  - check: XC-OS-008
    hosts: "db-*"
    justification: "Own converter shipped"
    expiry: 2027-06-30
    approver: "Li Wei"
  - check: XC-OS-005
    justification: "Pending package"
    expiry: 2026-01-31
    approver: "Li Wei"
"""


def _checks() -> list[dict[str, Any]]:
    return [
        {"id": "XC-OS-008", "outcome": "fail"},
        {"id": "XC-OS-005", "outcome": "fail"},
        {"id": "XC-OS-006", "outcome": "fail"},
        {"id": "XC-OS-008", "outcome": "pass", "subject": "other"},
    ]


def test_a_live_waiver_turns_a_failure_into_waived_for_matching_hosts_only() -> None:
    waivers = parse_waivers(GOOD, Path("w.yml"))
    checks = _checks()
    apply_waivers("db-1", checks, waivers, today=date(2026, 1, 10))
    assert [c["outcome"] for c in checks] == ["waived", "waived", "fail", "pass"]
    assert checks[0]["waiver"] == {
        "id": "XC-OS-008",
        "host_pattern": "db-*",
        "justification": "Own converter shipped",
        "expiry": "2027-06-30",
        "approver": "Li Wei",
        "expired": False,
    }
    assert "waiver" not in checks[3]  # a pass is never touched
    other = _checks()
    apply_waivers("web-1", other, waivers, today=date(2026, 1, 10))
    assert [c["outcome"] for c in other] == ["fail", "waived", "fail", "pass"]


def test_an_expired_waiver_stops_applying_and_stays_on_the_check() -> None:
    waivers = parse_waivers(GOOD, Path("w.yml"))
    checks = _checks()
    apply_waivers("db-1", checks, waivers, today=date(2026, 2, 1))
    assert checks[1]["outcome"] == "fail"
    assert checks[1]["waiver"]["expired"] is True
    # the expiry day itself is still covered
    again = _checks()
    apply_waivers("db-1", again, waivers, today=date(2026, 1, 31))
    assert again[1]["outcome"] == "waived"


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (
            "waivers:\n  - check: XC-OS-008\n    justification: x\n    expiry: 2027-13-01\n    approver: a\n",
            "w.yml:4: waivers[0].expiry",
        ),
        ("waivers:\n  - check: XC-OS-008\n    justification: x\n    approver: a\n", "w.yml:2: waivers[0].expiry"),
        ("waivers:\n  - check: XC-OS-008\n    colour: red\n", "w.yml:3: waivers[0].colour"),
        (
            "waivers:\n  - check: os-2\n    justification: x\n    expiry: 2027-01-01\n    approver: a\n",
            "w.yml:2: waivers[0].check",
        ),
        (  # a typo of a built-in id: no such check (it would waive nothing, silently)
            "waivers:\n  - check: XC-OS-999\n    justification: x\n    expiry: 2027-01-01\n    approver: a\n",
            "w.yml:2: waivers[0].check",
        ),
        (  # a user check may not take the built-in prefix
            "waivers:\n  - check: XC-ACME-01\n    justification: x\n    expiry: 2027-01-01\n    approver: a\n",
            "w.yml:2: waivers[0].check",
        ),
        ("waiver: []\n", "w.yml:1: waiver"),
        ("waivers: [\n", "w.yml:2"),
    ],
)
def test_bad_waiver_files_name_file_line_and_key(text: str, where: str) -> None:
    with pytest.raises(InputError) as info:
        parse_waivers(text, Path("w.yml"))
    assert str(info.value).startswith(where)
    assert info.value.exit_code == 3


@pytest.mark.parametrize("check_id", ["ACME-WEB-001", "USER-default-hosts-file"])
def test_a_user_check_can_be_waived(check_id: str) -> None:
    """A user's own check (harness.usersuite) is waived like a built-in one: by its id."""
    text = f"waivers:\n  - check: {check_id}\n    justification: x\n    expiry: 2027-01-01\n    approver: a\n"
    waivers = parse_waivers(text, Path("w.yml"))
    checks = [{"id": check_id, "outcome": "fail"}, {"id": "ACME-WEB-002", "outcome": "fail"}]
    apply_waivers("web-1", checks, waivers, today=date(2026, 6, 1))
    assert [c["outcome"] for c in checks] == ["waived", "fail"]
